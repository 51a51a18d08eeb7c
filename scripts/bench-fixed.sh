#!/bin/sh
# netcap's fixed cost: `capture -r` on a one-packet capture, wall time from
# exec to exit, median of RUNS runs (default 5) of each binary, the
# binaries alternated so that load on the machine falls on both alike
# (docs/PERFORMANCE.md "Static binary"). Not a test: no time is asserted.
#   scripts/bench-fixed.sh [NETCAP ...]   default build/netcap and, when
#                                         built (make static), build/netcap-static
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
[ $# -gt 0 ] || set -- build/netcap $([ -x build/netcap-static ] && echo build/netcap-static)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the first packet of a bundled capture
editcap -r test/data/dns_a-aaaa-mx.pcap "$tmp/one.pcap" 1
i=0
while [ $i -lt "$RUNS" ]; do
	for b in "$@"; do
		rm -rf "$tmp/out"
		t0=$(date +%s%N)
		"$b" capture -q -r "$tmp/one.pcap" -o "$tmp/out" >/dev/null
		t1=$(date +%s%N)
		echo "$b $(((t1 - t0) / 1000))" >>"$tmp/times"
	done
	i=$((i + 1))
done
for b in "$@"; do
	awk -v b="$b" '$1 == b { print $2 }' "$tmp/times" | sort -n |
		awk -v b="$b" -v n="$RUNS" '{ v[NR] = $1 }
		END { printf "fixed cost, one-packet capture -r, %s: median %.3f s (%d runs, %.3f-%.3f)\n",
			b, v[int((NR + 1) / 2)] / 1e6, n, v[1] / 1e6, v[NR] / 1e6 }'
done
