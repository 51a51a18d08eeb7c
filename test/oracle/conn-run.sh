#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Connection oracle: compare netcap's Connection and Flow records (and the
# reassembled TCP streams, when `capture --streams` exists) with tshark's
# conversation tables, Community IDs and follow output for every capture in
# test/data (see conncheck.py). Fails if the Community ID self-test fails or
# any capture has a mismatch that test/oracle/CONN_EXCEPTIONS does not list
# with a reason.
#
# usage: test/oracle/conn-run.sh [NETCAP] [CAPTURE...]
#   CONNCHECK_ARGS  extra conncheck.py options (e.g. --no-determinism)
#   ORACLE_VERBOSE  set: list excluded conversations and exceptions used
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
netcap=${1:-${NETCAP:-$root/build/netcap}}
[ $# -gt 0 ] && shift
case $netcap in /*) ;; *) netcap=$PWD/$netcap ;; esac
[ -x "$netcap" ] || { echo "conncheck: no netcap binary at $netcap (run make)" >&2; exit 2; }
command -v tshark >/dev/null || { echo "conncheck: tshark not installed" >&2; exit 2; }

/usr/bin/python3 "$here/conncheck.py" --self-test || exit 1

if [ $# -gt 0 ]; then
	caps="$*"
else
	caps=$(ls "$root"/test/data/*.pcap "$root"/test/data/*.pcapng 2>/dev/null)
fi
pass=0 fail=0 failed=""
for cap in $caps; do
	# shellcheck disable=SC2086
	if /usr/bin/python3 "$here/conncheck.py" --netcap "$netcap" \
		--exceptions "$here/CONN_EXCEPTIONS" ${ORACLE_VERBOSE:+-v} \
		${CONNCHECK_ARGS:-} "$cap"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $(basename "$cap")"
	fi
done
echo "conncheck: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "conncheck: FAILED:$failed"; exit 1; }
