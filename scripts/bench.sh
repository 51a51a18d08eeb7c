#!/bin/sh
# make bench: a benchmark, not a test. Prints one table (docs/PERFORMANCE.md).
#
# Traffic, replayed from memory by DPDK's net_pcap PMD (infinite_rx=1):
#   (a) real   scripts/mkbench.py: every Ethernet capture under test/data
#              (public test suites' real traffic) mixed, about 20,000 packets
#   (b) conns  scripts/gen-flood.c conns: 100,000 concurrent TCP connections,
#              300,000 minimum-size (60-octet) frames, packets interleaved
# For each traffic: the bare loop (RX receives and frees), then the pipeline
# (RX -> worker -> writer) with Connection records only, the L2-L4
# per-packet records (Ethernet, IPv4, IPv6, TCP, UDP) and every record type.
# Each pipeline is run BENCH_RUNS times and the run with the fewest worker
# cycles per packet is kept: other load on the machine only ever adds
# cycles. Then `capture -r` end to end against `tshark -T fields` on
# bench.pcap (the real mix, 300,000 packets).
#
# Lcores: with 2 or more CPUs the worker threads are pinned to CPUs
# 1..N-1 and main, RX and writer to CPU 0 (taskset, right after start), so
# a worker has a core of its own, "per worker core, writer on the other
# core". Packets/s per worker core = TSC Hz / worker cycles per packet
# (worker.cycles_per_packet: TSC cycles of non-empty bursts over packets,
# ring dequeue and mbuf free included).
#
#   BENCH_SECONDS (default 2) per run, BENCH_RUNS (3), BENCH_WORKERS (1),
#   BENCH_PACKETS (300000, bench.pcap), BENCH_CONNS (100000),
#   BENCH_CONN_PACKETS (300000)
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-2}
RUNS=${BENCH_RUNS:-3}
NPKT=${BENCH_PACKETS:-300000}
NW=${BENCH_WORKERS:-1}
NCONN=${BENCH_CONNS:-100000}
NCPKT=${BENCH_CONN_PACKETS:-300000}
dir=build/bench
mkdir -p "$dir"
cap=$dir/bench.pcap
replay=$dir/replay.pcap
conns=$dir/conns.pcap
[ -s "$cap" ] && [ "$(cat "$dir/bench.n" 2>/dev/null)" = "$NPKT" ] || {
	python3 scripts/mkbench.py --packets "$NPKT" "$cap" >"$dir/mkbench.log"
	echo "$NPKT" >"$dir/bench.n"
}
# net_pcap's infinite_rx keeps the replayed file in mbufs: a smaller copy
# of the same traffic (the bench.pcap mix repeated to 20000 packets)
[ -s "$replay" ] || python3 scripts/mkbench.py --packets 20000 "$replay" >/dev/null
make --no-print-directory -s build/gen-flood
[ -s "$conns" ] && [ "$(cat "$dir/conns.n" 2>/dev/null)" = "$NCONN $NCPKT" ] || {
	build/gen-flood conns "$NCONN" "$conns" "$NCPKT" 2>"$dir/gen-flood.log"
	echo "$NCONN $NCPKT" >"$dir/conns.n"
}
out=$(mktemp -d)
if [ -n "${BENCH_KEEP:-}" ]; then
	echo "bench: run summaries kept in $out" >&2
else
	trap 'rm -rf "$out"' EXIT
fi
ncpu=$(nproc)

# Pin the lcore threads of netcap process $1 once they exist: workers
# (lcores 2 .. NW+1, named rte-worker-<lcore>) round robin over CPUs
# 1..ncpu-1, every other thread to CPU 0.
pin() {
	[ "$ncpu" -ge 2 ] || return 0
	i=0
	while [ $i -lt 50 ] && [ -d "/proc/$1/task" ]; do
		i=$((i + 1))
		sleep 0.05
		seen=0
		for t in /proc/"$1"/task/*; do
			c=$(cat "$t/comm" 2>/dev/null) || continue
			case "$c" in
			rte-worker-*)
				l=${c#rte-worker-}
				if [ "$l" -ge 2 ] && [ "$l" -le $((NW + 1)) ]; then
					cpu=$((1 + (l - 2) % (ncpu - 1)))
					seen=$((seen + 1))
				else
					cpu=0
				fi ;;
			*) cpu=0 ;;
			esac
			taskset -p -c $cpu "${t##*/}" >/dev/null 2>&1 || true
			# a worker's CPU as an isolated core: other processes
			# (SCHED_OTHER) do not preempt it (RT throttling
			# still leaves them 5%)
			[ $cpu -eq 0 ] || [ -n "${BENCH_NO_RT:-}" ] ||
				chrt -f -p 10 "${t##*/}" >/dev/null 2>&1 || true
		done
		[ $seen -ge "$NW" ] && return 0
	done
}

# run NAME ARGS...: capture -i from the port, pinned; the summary in
# $out/NAME.txt
run() {
	rn=$1
	shift
	"$NETCAP" capture -q "$@" --duration "$SECS" -o "$out/$rn.d" \
		>"$out/$rn.txt" &
	pin $!
	wait $!
	rm -rf "$out/$rn.d"
}

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
sumw() { awk '$1 ~ /^worker\.packets\./ { s += $2 } END { print s + 0 }' "$1"; }

# best NAME ARGS...: BENCH_RUNS runs, the one with the fewest worker
# cycles per packet copied to $out/NAME.txt
best() {
	name=$1
	shift
	b=
	r=0
	while [ $r -lt "$RUNS" ]; do
		r=$((r + 1))
		run "$name.$r" "$@"
		c=$(val worker.cycles_per_packet "$out/$name.$r.txt")
		if [ -z "$b" ] || [ "$c" -lt "$b" ]; then
			b=$c
			cp "$out/$name.$r.txt" "$out/$name.txt"
		fi
	done
}

L24=Ethernet,IPv4,IPv6,TCP,UDP
for tr in real conns; do
	if [ $tr = real ]; then f=$replay; else f=$conns; fi
	port="net_pcap0,rx_pcap=$f,infinite_rx=1"
	run "$tr.bare" -i "$port" --bare -w 1
	# dispatch: the RX lcore receives and hashes (its cycles are the
	# rx column), the worker only decodes; --rx-mode auto would let a
	# single worker poll the one replay queue itself (rss mode)
	best "$tr.conn" -i "$port" -w "$NW" --rx-mode dispatch --include Connection
	best "$tr.l24" -i "$port" -w "$NW" --rx-mode dispatch --include "$L24"
	best "$tr.all" -i "$port" -w "$NW" --rx-mode dispatch
done

t0=$(date +%s.%N)
"$NETCAP" capture -q -r "$cap" -w "$NW" -o "$out/e2e" >"$out/e2e.txt"
t1=$(date +%s.%N)
tshark -n -r "$cap" -T fields -e frame.time_epoch -e eth.src -e eth.dst \
	-e eth.type -e vlan.id -e arp.opcode -e ip.src -e ip.dst -e ip.proto \
	-e ip.len -e ip.ttl -e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmp.type \
	-e icmpv6.type -e tcp.srcport -e tcp.dstport -e tcp.seq_raw \
	-e tcp.ack_raw -e tcp.flags -e tcp.window_size_value -e udp.srcport \
	-e udp.dstport -e udp.length >/dev/null 2>"$out/tshark.err"
t2=$(date +%s.%N)

# one line per run: traffic set bare_cpp pkts elapsed cpp rx_cpp records
for tr in real conns; do
	for set in conn l24 all; do
		x=$out/$tr.$set.txt
		echo "$tr $set $(val rx.cycles_per_packet "$out/$tr.bare.txt")" \
			"$(sumw "$x") $(val elapsed_s "$x")" \
			"$(val worker.cycles_per_packet "$x")" \
			"$(val rx.cycles_per_packet "$x") $(val records.total "$x")"
	done
done >"$out/rows"

hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)
lay="main, RX, writer on CPU 0; $NW worker(s) on CPU(s) 1-$((ncpu - 1))"
[ "$ncpu" -ge 2 ] || lay="main, RX, $NW worker(s), writer sharing CPU 0"
awk -v hz="$hz" -v secs="$SECS" -v runs="$RUNS" -v nw="$NW" \
    -v cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    -v ncpu="$ncpu" -v dpdk="$(pkg-config --modversion libdpdk)" \
    -v lay="$lay" -v nconn="$NCONN" -v ncpkt="$NCPKT" \
    -v rbare="$(val rx.cycles_per_packet "$out/real.bare.txt")" \
    -v rbpps="$(val packets_per_s "$out/real.bare.txt")" \
    -v cbare="$(val rx.cycles_per_packet "$out/conns.bare.txt")" \
    -v cbpps="$(val packets_per_s "$out/conns.bare.txt")" \
    -v e2e_pkts="$(val packets "$out/e2e.txt")" \
    -v t0="$t0" -v t1="$t1" -v t2="$t2" '
BEGIN {
	printf "netcap bench | %s, %d CPUs, TSC %.2f GHz | DPDK %s\n", cpu, ncpu, hz / 1e9, dpdk
	printf "lcores: %s (pinned by scripts/bench.sh)\n", lay
	printf "traffic (a) real: test/data captures mixed (build/bench/replay.pcap); (b) conns: %d TCP connections, %d 60-octet frames (build/bench/conns.pcap)\n", nconn, ncpkt
	printf "each pipeline: best of %d runs of %s s; per-core packets/s = TSC Hz / worker cycles per packet\n\n", runs, secs
	printf "%-6s %-12s %13s %10s %12s %9s %9s\n", "traffic", "records", "pkts/s/core", "cyc/pkt", "records/s", "x bare", "RX cyc"
	printf "%-6s %-12s %13.0f %10d %12s %9s %9s\n", "real", "bare loop", hz / rbare, rbare, "-", "1.0", "-"
}
{
	tr = $1; set = $2; bare = $3; pk = $4; el = $5; cpp = $6; rx = $7; rec = $8
	if (!seen[tr]++ && tr == "conns")
		printf "%-6s %-12s %13.0f %10d %12s %9s %9s\n", "conns", "bare loop", hz / bare, bare, "-", "1.0", "-"
	name = set == "conn" ? "Connection" : set == "l24" ? "L2-L4" : "all types"
	pps = cpp > 0 ? hz / cpp : 0
	rps = pk > 0 ? rec / pk * pps : 0
	xb = bare > 0 ? cpp / bare : 0
	printf "%-6s %-12s %13.0f %10d %12.0f %8.1fx %9d\n", tr, name, pps, cpp, rps, xb, rx
}
END {
	e2e = t1 - t0; ts = t2 - t1
	printf "\n%-44s %10s %12s\n", "end to end on bench.pcap (" e2e_pkts " packets)", "seconds", "packets/s"
	printf "%-44s %10.2f %12.0f\n", "netcap capture -r, all record types, " nw " worker", e2e, e2e_pkts / e2e
	printf "%-44s %10.2f %12.0f\n", "tshark -n -T fields (25 fields)", ts, e2e_pkts / ts
	printf "netcap is %.1fx faster than tshark\n", ts / e2e
}' "$out/rows"
