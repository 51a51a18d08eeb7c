#!/bin/sh
# Application-layer oracle (test/oracle/appcheck.py) over every capture in
# test/data, APPCHECK_JOBS (default 2) at a time.
#   test/oracle/app-run.sh [NETCAP] [--only MOD,...]
set -u
cd "$(dirname "$0")/../.."
NETCAP=${1:-build/netcap}
[ $# -gt 0 ] && shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ls test/data/*.pcap test/data/*.pcapng |
	xargs -P "${APPCHECK_JOBS:-2}" -n 4 /usr/bin/python3 \
		test/oracle/appcheck.py --netcap "$NETCAP" "$@" >"$out" 2>&1
rc=$?
cat "$out"
n=$(grep -c '^appcheck ' "$out")
bad=$(grep -c '^MISMATCH' "$out")
echo "app oracle: $n captures, $bad mismatches"
[ "$rc" = 0 ] && [ "$bad" = 0 ]
