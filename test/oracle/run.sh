#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Oracle cross-check: compare netcap's records with tshark's dissection for
# every capture in test/data (see crosscheck.py). Fails if any capture has a
# mismatch that test/oracle/EXCEPTIONS does not list with a reason.
#
# usage: test/oracle/run.sh [NETCAP] [CAPTURE...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
netcap=${1:-${NETCAP:-$root/build/netcap}}
[ $# -gt 0 ] && shift
case $netcap in /*) ;; *) netcap=$PWD/$netcap ;; esac
[ -x "$netcap" ] || { echo "oracle: no netcap binary at $netcap (run make)" >&2; exit 2; }
command -v tshark >/dev/null || { echo "oracle: tshark not installed" >&2; exit 2; }

if [ $# -gt 0 ]; then
	caps="$*"
else
	caps=$(ls "$root"/test/data/*.pcap "$root"/test/data/*.pcapng 2>/dev/null)
fi
pass=0 fail=0 failed=""
for cap in $caps; do
	if /usr/bin/python3 "$here/crosscheck.py" --netcap "$netcap" \
		--exceptions "$here/EXCEPTIONS" ${ORACLE_VERBOSE:+-v} "$cap"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$cap")"
	fi
done
echo "oracle: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "oracle: FAILED:$failed"; exit 1; }
