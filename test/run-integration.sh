#!/bin/sh
# Integration suite: everything that runs the netcap binary.
# NETCAP=path/to/netcap [NETCAP_STATIC=path/to/netcap-static] test/run-integration.sh
set -u
: "${NETCAP:=build/netcap}"
export NETCAP
cd "$(dirname "$0")/.."

fail=0
run() {
	echo "== $*"
	t0=$(date +%s)
	if ! "$@"; then
		echo "FAIL: $*"
		fail=1
	fi
	echo "== $1: $(($(date +%s) - t0)) s"
}

run test/run-smoke.sh "$NETCAP"
# build/netcap-static in a chroot with only the C library (make static;
# not under the sanitizers: make asan leaves NETCAP_STATIC unset)
if [ -n "${NETCAP_STATIC:-}" ]; then
	run test/run-static-bin.sh "$NETCAP_STATIC" "$NETCAP"
fi
run test/run-pipeline.sh "$NETCAP"
# the in-place pcap reader and its frames lent without a copy, against libpcap
run test/run-pcapread.sh "$NETCAP"
run test/run-records.sh "$NETCAP"
run test/golden/run.sh "$NETCAP"
run test/oracle/run.sh "$NETCAP"
run test/oracle/conn-run.sh "$NETCAP"
run test/oracle/app-run.sh "$NETCAP"
run test/run-files.sh "$NETCAP"
run test/run-fpdb.sh "$NETCAP"
# label: alerts and attack lists onto records (docs/LABEL.md)
run test/run-label.sh "$NETCAP"
# Vulnerability, Exploit, Alert (util db build, --vuln-db, --indicators)
run test/run-vulndb.sh "$NETCAP"
run test/run-dbbuild.sh "$NETCAP"
run test/run-util.sh "$NETCAP"
run test/run-transform.sh "$NETCAP"
run test/run-rotate.sh "$NETCAP"
run test/run-stats.sh "$NETCAP"
# Prometheus metrics: capture --metrics and export, scraped (issue 13)
run test/run-metrics.sh "$NETCAP"
# agent and collect over a NATS JetStream cluster (issue 12)
run test/run-distributed.sh "$NETCAP"
run test/run-filter.sh "$NETCAP"
run test/run-flowhash.sh
run test/run-xdp.sh "$NETCAP"
run test/run-config.sh "$NETCAP"
run test/run-live.sh "$NETCAP"
run test/run-live-capture.sh "$NETCAP"
run test/run-live-timeout.sh "$NETCAP"
# tunnels with real programs in namespaces (issue 17)
run test/run-tunnels.sh "$NETCAP"
# netcap proxy against nginx, curl, wrk and hostile clients (issue 15)
run test/run-proxy.sh "$NETCAP"
run test/run-hugepages.sh "$NETCAP"
if [ -n "${NC_SAN:-}" ]; then
	run env FLOOD_COUNT=200000 FLOOD_MAXC=10000 test/run-flood.sh "$NETCAP"
else
	run test/run-flood.sh "$NETCAP"
fi

[ $fail = 0 ] && echo "integration: all passed"
exit $fail
