#!/bin/sh
# Integration suite: everything that runs the netcap binary.
# NETCAP=path/to/netcap test/run-integration.sh
set -u
: "${NETCAP:=build/netcap}"
export NETCAP
cd "$(dirname "$0")/.."

fail=0
run() {
	echo "== $*"
	if ! "$@"; then
		echo "FAIL: $*"
		fail=1
	fi
}

run test/run-smoke.sh "$NETCAP"
run test/run-pipeline.sh "$NETCAP"
run test/run-records.sh "$NETCAP"
run test/golden/run.sh "$NETCAP"
run test/oracle/run.sh "$NETCAP"

[ $fail = 0 ] && echo "integration: all passed"
exit $fail
