#!/bin/sh
# make bench: what --writers N buys (docs/PERFORMANCE.md "Several writers").
#
# `capture -r bench.pcap` with every record type, then with the L2-L4
# per-packet records only, one worker, and 1, 2 and 4 writer lcores. The writers' ceiling is what one of them can carry:
# packets / the busiest writer's busy seconds (TSC time spent appending,
# compressing and writing batches, writer.N.busy_s), so the row shows how
# evenly the record types spread and how far the output could go before a
# writer, rather than the workers, is the limit. On a 2-CPU machine the
# wall time cannot improve with more writers (they share the CPU with RX
# and main); the ceiling is the figure that carries over to a machine with
# a core per writer. Best of BENCH_RUNS runs (the lowest busiest-writer
# time).
#   scripts/bench-writers.sh [NETCAP [CAPTURE]]   BENCH_RUNS (3),
#   BENCH_WRITERS (1,2,4)
set -eu
NETCAP=${1:-build/netcap}
CAP=${2:-build/bench/bench.pcap}
RUNS=${BENCH_RUNS:-3}
LIST=$(echo "${BENCH_WRITERS:-1,2,4}" | tr ',' ' ')
cd "$(dirname "$0")/.."
if [ ! -s "$CAP" ]; then
	echo "writers: no $CAP (make bench makes it)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# row "OPTIONS" "DESCRIPTION": one table
row() {
	opts=$1
	echo "writers: capture -r $(basename "$CAP"), $2, 1 worker, best of $RUNS:"
	printf '%-8s %9s %10s %9s %-28s %9s %12s %7s\n' writers packets "MB written" wall_s \
		"busy_s per writer" "busiest" "ceiling pkt/s" ratio
	base=""
	for n in $LIST; do
		best="" bline=""
		r=0
		while [ $r -lt "$RUNS" ]; do
			r=$((r + 1))
			rm -rf "$tmp/o"
			"$NETCAP" capture -q -r "$CAP" -o "$tmp/o" -w 1 --writers "$n" $opts \
				>"$tmp/sum" 2>"$tmp/err" || {
				echo "writers: --writers $n failed: $(head -1 "$tmp/err")"
				exit 1
			}
			pk=$(val packets "$tmp/sum")
			mb=$(val writer.bytes "$tmp/sum")
			wall=$(val elapsed_s "$tmp/sum")
			busy=$(awk '$1 ~ /^writer\.[0-9]+\.busy_s$/ { printf "%s%s", s, $2; s = "/" }' "$tmp/sum")
			max=$(awk '$1 ~ /^writer\.[0-9]+\.busy_s$/ && $2 > m { m = $2 } END { print m + 0 }' "$tmp/sum")
			if [ -z "$best" ] || awk -v a="$max" -v b="$best" 'BEGIN { exit !(a < b) }'; then
				best=$max
				bline="$pk $mb $wall $busy $max"
			fi
		done
		set -- $bline
		cap=$(awk -v p="$1" -v m="$5" 'BEGIN { printf "%.0f", (m > 0 ? p / m : 0) }')
		[ -n "$base" ] || base=$cap
		awk -v n="$n" -v p="$1" -v b="$2" -v w="$3" -v bs="$4" -v m="$5" -v c="$cap" -v base="$base" 'BEGIN {
			printf "%-8s %9d %10.1f %9.2f %-28s %9.3f %12.0f %6.2fx\n", n, p, b / 1e6, w, bs, m, c, (base > 0 ? c / base : 0)
		}'
	done
}

row "" "every record type"
row "--include Ethernet,IPv4,IPv6,TCP,UDP" "L2-L4 records"
