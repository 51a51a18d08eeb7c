#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The scaling curve: packets/s against the number of workers, in rss
# mode (each worker polls its own RX queue, no RX lcore), one replayed
# queue per worker. net_pcap takes one rx_pcap= per queue; every queue
# replays the same file from memory (infinite_rx), so each worker does
# the work a single worker does on that file, in its own connection
# table, and the curve shows what sharing the machine costs: the writer
# lcore, memory bandwidth, the last-level cache. A benchmark, not a test.
#
#   scripts/bench-scaling.sh NETCAP 1,2,4,8 [CAPTURE]
#
# CAPTURE defaults to build/bench/replay.pcap (scripts/bench.sh makes it:
# the test captures' mix, 20000 packets). For each record set (Connection
# only, every type) and worker count: the best of BENCH_RUNS (3) runs of
# BENCH_SECONDS (2) each, pinned as scripts/bench.sh pins (workers round
# robin over CPUs 1..N-1, everything else on CPU 0): packets/s of the
# whole engine (the summary's packets_per_s), per worker, the workers'
# cycles per packet and the efficiency, packets/s / (workers x packets/s
# of one worker). Where workers outnumber CPUs 1..N-1 they share them and
# the row says so.
set -eu
NETCAP=$1
LIST=$2
cd "$(dirname "$0")/.."
f=${3:-build/bench/replay.pcap}
SECS=${BENCH_SECONDS:-2}
RUNS=${BENCH_RUNS:-3}
[ -s "$f" ] || python3 scripts/mkbench.py --packets 20000 "$f" >/dev/null
npk=$(capinfos -c -M "$f" | sed -n 's/^Number of packets: *//p')
ncpu=$(nproc)
cpus=
[ "$ncpu" -lt 2 ] || cpus="--cpus 0-$((ncpu - 1))"
. scripts/bench-pin.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# one NW-worker run: packets/s and cycles per packet on stdout
run() {
	port=net_pcap0
	k=0
	while [ $k -lt "$NW" ]; do
		port="$port,rx_pcap=$f"
		k=$((k + 1))
	done
	# net_pcap holds each queue's copy of the file in mbufs
	mb=$((NW * (npk + npk / 8 + 2048) + 16384))
	# shellcheck disable=SC2086 # $cpus and $inc: empty or two words
	"$NETCAP" capture -q -i "$port,infinite_rx=1" --rx-mode rss -w "$NW" \
		--mbufs "$mb" $inc $cpus --duration "$SECS" -o "$out/d" \
		-- --file-prefix ncscale-$$ >"$out/s.txt" 2>"$out/e.txt" &
	pin $!
	wait $! || { echo "bench-scaling: $NW workers: $(cat "$out/e.txt")" >&2; exit 1; }
	rm -rf "$out/d"
	echo "$(val packets_per_s "$out/s.txt") $(val worker.cycles_per_packet "$out/s.txt")"
}

echo "scaling, rss mode, one replayed queue per worker ($f, $npk packets each), $ncpu CPUs:"
printf '%-12s %7s %14s %12s %8s %10s\n' records workers packets/s "per worker" cyc/pkt efficiency
for set in conn all; do
	case $set in
	conn) inc="--include Connection" name=Connection ;;
	all) inc="" name="all types" ;;
	esac
	one=
	for NW in $(echo "$LIST" | tr , ' '); do
		best=0 cyc=0
		r=0
		while [ $r -lt "$RUNS" ]; do
			r=$((r + 1))
			set -- $(run)
			if [ "${1%.*}" -gt "$best" ]; then best=${1%.*} cyc=$2; fi
		done
		[ -n "$one" ] || one=$best
		note=
		[ "$NW" -le $((ncpu - 1)) ] || [ "$ncpu" -lt 2 ] ||
			note="  ($NW workers on $((ncpu - 1)) CPUs)"
		awk -v n="$name" -v w="$NW" -v p="$best" -v c="$cyc" -v o="$one" -v note="$note" 'BEGIN {
			printf "%-12s %7d %14.0f %12.0f %8d %10.2f%s\n", n, w, p, p / w, c, p / (w * o), note
		}'
	done
done
