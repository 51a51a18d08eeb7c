#!/bin/sh
# make bench: a benchmark, not a test. Prints one table (docs/PERFORMANCE.md).
#
# Traffic:
#   (a) real   scripts/mkbench.py: every Ethernet capture under test/data
#              (public test suites' real traffic) mixed: build/bench/bench.pcap
#              (300,000 packets) and a 20,000-packet copy of the same mix
#              for replay (replay.pcap)
#   (b) conns  scripts/gen-flood.c conns: 100,000 concurrent TCP connections,
#              300,000 minimum-size (60-octet) frames, packets interleaved
# For each traffic: the bare loop (RX receives and frees; net_pcap replays
# the file from memory, infinite_rx=1), then the pipeline (RX -> worker ->
# writer) with Connection records only, the L2-L4 per-packet records
# (Ethernet, IPv4, IPv6, TCP, UDP) and every record type. (b) is replayed
# (every replayed packet meets its live connection again, which is what
# the traffic is about). (a) is read once, `capture -r bench.pcap`: a
# replayed packet of the mix repeats one the decoders have seen (a TCP
# segment is a retransmission, a file is not extracted twice, no
# connection closes), so replay would measure less work than real traffic
# costs. Each pipeline is run BENCH_RUNS times and the run with the fewest
# worker cycles per packet is kept: other load on the machine only ever
# adds cycles. Then `capture -r` end to end against `tshark -T fields` on
# bench.pcap, for each record set, and netcap's fixed cost (start-up and
# exit) on a one-packet capture.
#
# Lcores: with 2 or more CPUs the worker threads are pinned to CPUs
# 1..N-1 and main, RX and writer to CPU 0 (--cpus, and taskset right
# after start), so a worker has a core of its own, "per worker core,
# writer on the other core". Packets/s per worker core = TSC Hz / worker
# cycles per packet (worker.cycles_per_packet: TSC cycles of non-empty
# bursts over packets, ring dequeue and mbuf free included).
#
# With BENCH_BASE=OLD_NETCAP it also compares the decoders' instructions per
# packet of the two builds on untunnelled traffic (scripts/bench-icount.sh).
#
# Then the same end to end on real web traffic (scripts/mkweb.sh, made
# once as build/bench/web.pcap: nginx over HTTP and HTTPS under wrk, DNS,
# in namespaces; root needed) against the issue's targets, and netcap
# against its peers on both captures: Argus for Connection records,
# nDPI's ndpiReader for the application records (scripts/bench-peers.sh).
#
# Then the cost of --metrics: (a)'s all-types and L2-L4 runs again with
# the endpoint on and scraped every 100 ms, worker cycles per packet as a
# ratio to the runs without it, and the same in instructions
# (scripts/bench-icount.sh, about a minute).
#
# Then what several writer lcores buy (scripts/bench-writers.sh), and the
# fixed cost of build/netcap and build/netcap-static, median of 5
# (scripts/bench-fixed.sh).
#
# Then the label row (scripts/bench-label.sh: one million records, 100,000
# alerts), the NATS row (scripts/bench-nats.sh: agent through a local
# JetStream server to collect, next to capture writing the files) and the
# proxy row (scripts/bench-proxy.sh: wrk through netcap proxy against nginx
# alone, requests/s and added latency as ratios).
#
#   BENCH_SECONDS (default 2) per replay run, BENCH_RUNS (3),
#   BENCH_WORKERS (1; a list such as 1,2,4,8 adds the scaling curve:
#   packets/s against workers in rss mode, one replayed queue per worker,
#   scripts/bench-scaling.sh), BENCH_PACKETS (300000, bench.pcap), BENCH_CONNS
#   (100000), BENCH_CONN_PACKETS (300000)
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-2}
RUNS=${BENCH_RUNS:-3}
NPKT=${BENCH_PACKETS:-300000}
# BENCH_WORKERS=1,2,4,8: the tables below with the first count, then the
# scaling curve over all of them (scripts/bench-scaling.sh)
NW=${BENCH_WORKERS:-1}
SCALE=
case $NW in *,*) SCALE=$NW NW=${NW%%,*} ;; esac
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
cpus=
[ "$ncpu" -lt 2 ] || cpus="--cpus 0-$((ncpu - 1))"

# pin PID: the lcore threads onto CPUs (scripts/bench-pin.sh)
. scripts/bench-pin.sh

# run NAME ARGS...: capture -i from the port, pinned; the summary in
# $out/NAME.txt
run() {
	rn=$1
	shift
	# shellcheck disable=SC2086 # $cpus: empty or two words
	"$NETCAP" capture -q "$@" $cpus --duration "$SECS" -o "$out/$rn.d" \
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
	# (a) one pass over the file; (b) replayed. dispatch: the RX lcore
	# receives and hashes (its cycles are the RX column), the worker only
	# decodes; --rx-mode auto would let a single worker poll the one
	# replay queue itself (rss mode)
	if [ $tr = real ]; then src="-r $cap"; else src="-i $port --rx-mode dispatch"; fi
	# shellcheck disable=SC2086 # $src is two or three words
	best "$tr.conn" $src -w "$NW" --include Connection
	# shellcheck disable=SC2086
	best "$tr.l24" $src -w "$NW" --include "$L24"
	# shellcheck disable=SC2086
	best "$tr.all" $src -w "$NW"
done

# --metrics on and scraped every 100 ms (docs/OPERATIONS.md "Metrics"):
# the same runs of (a) as above, worker cycles per packet compared
mport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(while :; do
	curl -s -o /dev/null -m 1 "http://127.0.0.1:$mport/metrics"
	sleep 0.1
done) &
scraper=$!
best real.all.m -r "$cap" -w "$NW" --metrics "127.0.0.1:$mport"
best real.l24.m -r "$cap" -w "$NW" --include "$L24" --metrics "127.0.0.1:$mport"
kill $scraper 2>/dev/null || true

# end to end, as a user runs it (no pinning): each record set, then tshark
# with 25 fields of the same layers, then the fixed cost on one packet
e2e() {
	f=$1
	shift
	t0=$(date +%s.%N)
	"${E2E_BIN:-$NETCAP}" capture -q -r "$f" -w "$NW" -o "$out/e2e.d" "$@" >"$out/e2e.txt"
	t1=$(date +%s.%N)
	rm -rf "$out/e2e.d"
	echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'
}
e2e_all=$(e2e "$cap")
e2e_l24=$(e2e "$cap" --include "$L24")
e2e_conn=$(e2e "$cap" --include Connection)
e2e_pkts=$(val packets "$out/e2e.txt")
# tshark FILE: seconds for tshark to print 25 fields of the same layers
tshark25() {
	t1=$(date +%s.%N)
	tshark -n -r "$1" -T fields -e frame.time_epoch -e eth.src -e eth.dst \
		-e eth.type -e vlan.id -e arp.opcode -e ip.src -e ip.dst -e ip.proto \
		-e ip.len -e ip.ttl -e ipv6.src -e ipv6.dst -e ipv6.nxt -e icmp.type \
		-e icmpv6.type -e tcp.srcport -e tcp.dstport -e tcp.seq_raw \
		-e tcp.ack_raw -e tcp.flags -e tcp.window_size_value -e udp.srcport \
		-e udp.dstport -e udp.length >/dev/null 2>>"$out/tshark.err"
	t2=$(date +%s.%N)
	echo "$t1 $t2" | awk '{ printf "%.3f", $2 - $1 }'
}
tsh=$(tshark25 "$cap")
# the same on real web traffic (scripts/mkweb.sh: nginx over HTTP and
# HTTPS, wrk, dnsmasq, in namespaces; made once, build/bench/web.pcap):
# every record type, the per-packet L2-L4 records, Connection only, tshark
web=$dir/web.pcap
[ -s "$web" ] || scripts/mkweb.sh "$web" >"$dir/mkweb.log" 2>&1 || true
if [ -s "$web" ]; then
	w_all=$(e2e "$web")
	w_l24=$(e2e "$web" --include "$L24")
	w_conn=$(e2e "$web" --include Connection)
	w_pkts=$(val packets "$out/e2e.txt")
	w_rxc=$(val rx.cycles_per_packet "$out/e2e.txt")
	# the same with build/netcap-static (no plugin scan, TSC calibration
	# off the start-up path: docs/PERFORMANCE.md "Static binary")
	st=$(dirname "$NETCAP")/netcap-static
	s_all=- s_l24=- s_conn=-
	if [ -x "$st" ]; then
		s_all=$(E2E_BIN=$st e2e "$web")
		s_l24=$(E2E_BIN=$st e2e "$web" --include "$L24")
		s_conn=$(E2E_BIN=$st e2e "$web" --include Connection)
	fi
	w_tsh=$(tshark25 "$web")
fi
# the fixed cost: EAL start-up, pools and tables, exit, on one packet
editcap -r "$cap" "$out/one.pcap" 1
e2e_one=$(e2e "$out/one.pcap")


# one line per run: traffic set bare_cpp pkts elapsed cpp rx_cpp records
for tr in real conns; do
	for set in conn l24 all; do
		x=$out/$tr.$set.txt
		rx=$(val rx.cycles_per_packet "$x") # none when reading a file
		echo "$tr $set $(val rx.cycles_per_packet "$out/$tr.bare.txt")" \
			"$(sumw "$x") $(val elapsed_s "$x")" \
			"$(val worker.cycles_per_packet "$x")" \
			"${rx:--} $(val records.total "$x")"
	done
done >"$out/rows"

hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)
lay="main, RX, writer on CPU 0; $NW worker(s) on CPU(s) 1-$((ncpu - 1))"
[ "$ncpu" -ge 2 ] || lay="main, RX, $NW worker(s), writer sharing CPU 0"
awk -v hz="$hz" -v secs="$SECS" -v runs="$RUNS" -v nw="$NW" \
    -v cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    -v ncpu="$ncpu" -v dpdk="$(pkg-config --modversion libdpdk)" \
    -v lay="$lay" -v nconn="$NCONN" -v ncpkt="$NCPKT" \
    -v npkt="$(val packets "$out/real.all.txt")" \
    -v rbare="$(val rx.cycles_per_packet "$out/real.bare.txt")" \
    -v e2e_pkts="$e2e_pkts" -v e2e_all="$e2e_all" -v e2e_l24="$e2e_l24" \
    -v e2e_conn="$e2e_conn" -v e2e_one="$e2e_one" -v tsh="$tsh" '
BEGIN {
	printf "netcap bench | %s, %d CPUs, TSC %.2f GHz | DPDK %s\n", cpu, ncpu, hz / 1e9, dpdk
	printf "lcores: %s (pinned by scripts/bench.sh)\n", lay
	printf "traffic (a) real: test/data captures mixed, read once (capture -r build/bench/bench.pcap, %d packets; bare loop: replay.pcap replayed);\n", npkt
	printf "        (b) conns: %d TCP connections, %d 60-octet frames, replayed (build/bench/conns.pcap)\n", nconn, ncpkt
	printf "each pipeline: best of %d runs (replay: %s s each); per-core packets/s = TSC Hz / worker cycles per packet\n\n", runs, secs
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
	printf "%-6s %-12s %13.0f %10d %12.0f %8.1fx %9s\n", tr, name, pps, cpp, rps, xb, rx
}
function row(what, t) {
	printf "%-46s %8.2f %11.0f %9.1fx\n", what, t, e2e_pkts / t, tsh / t
}
END {
	printf "\n%-46s %8s %11s %10s\n", "end to end on bench.pcap (" e2e_pkts " packets)", "seconds", "packets/s", "x tshark"
	row("netcap capture -r, all record types, " nw " worker", e2e_all)
	row("netcap capture -r, L2-L4", e2e_l24)
	row("netcap capture -r, Connection", e2e_conn)
	row("tshark -n -T fields (25 fields of L2-L4)", tsh)
	printf "netcap fixed cost (start-up and exit, one-packet capture): %.2f s\n", e2e_one
}' "$out/rows"

# web traffic, end to end, against the targets of the Performance II issue
# (every type >= 20x tshark, per-packet L2-L4 records >= 50x)
echo
if [ -s "$web" ]; then
	awk -v n="$w_pkts" -v all="$w_all" -v l24="$w_l24" -v conn="$w_conn" \
	    -v sall="$s_all" -v sl24="$s_l24" -v sconn="$s_conn" \
	    -v tsh="$w_tsh" -v mb="$(($(stat -c %s "$web") / 1000000))" '
	function row(what, t) {
		if (t == "-")
			return
		printf "%-46s %8.2f %11.0f %9.1fx\n", what, t, n / t, tsh / t
	}
	function best(a, b) { return b != "-" && b < a ? b : a }
	BEGIN {
		printf "%-46s %8s %11s %10s\n", "end to end on web.pcap (" n " packets, " mb " MB)", "seconds", "packets/s", "x tshark"
		row("netcap capture -r, all types", all)
		row("netcap capture -r, L2-L4", l24)
		row("netcap capture -r, Connection", conn)
		row("netcap-static capture -r, all types", sall)
		row("netcap-static capture -r, L2-L4", sl24)
		row("netcap-static capture -r, Connection", sconn)
		row("tshark -n -T fields (25 fields of L2-L4)", tsh)
		printf "targets: all types >= 20x tshark (%.1fx), L2-L4 >= 50x (%.1fx), the better binary\n", tsh / best(all, sall), tsh / best(l24, sl24)
	}'
	# what one RX lcore reading the file can feed (the Connection run:
	# its cycles less the waits for rings and mbufs, rx.c)
	awk -v c="$w_rxc" -v hz="$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)" \
	    -v n="$w_pkts" -v b="$(stat -c %s "$web")" 'BEGIN {
		if (c <= 0) exit
		pps = hz / c
		printf "RX lcore reading web.pcap (Connection run): %d cycles/packet = %.2f M packets/s, %.0f MB/s of file per RX lcore\n", c, pps / 1e6, pps * b / n / 1e6
	}'
else
	echo "web traffic: no build/bench/web.pcap ($(tail -1 "$dir/mkweb.log" 2>/dev/null))"
fi

# the peers on the same captures: Argus against Connection records,
# ndpiReader against the application records, wall, CPU and per core
# (scripts/bench-peers.sh, docs/PERFORMANCE.md "Peers in the same run")
echo
scripts/bench-peers.sh "$NETCAP"

echo
for set in all l24; do
	a=$(val worker.cycles_per_packet "$out/real.$set.txt")
	m=$(val worker.cycles_per_packet "$out/real.$set.m.txt")
	echo "$set $a $m"
done | awk '{
	name = $1 == "all" ? "all types" : "L2-L4"
	printf "--metrics, scraped every 100 ms, real, %-9s %6d cyc/pkt, %6d without: %.3f\n", name, $3, $2, $3 / $2
}'
# the same cost in instructions, which repeat exactly where the cycles
# above move by 10-30 % between runs on a shared VM (bench-icount.sh: the
# same binary without and with --metrics)
echo "--metrics, decoder instructions per packet, untunnelled mix (old: without, new: with):"
BENCH_NEW_OPTS="--metrics 127.0.0.1:$mport" scripts/bench-icount.sh "$NETCAP" "$NETCAP"

# Against an older build, in instructions (repeatable on a busy machine):
# BENCH_BASE=path/to/old/netcap make bench (scripts/bench-icount.sh)
if [ -n "${BENCH_BASE:-}" ]; then
	echo
	echo "decoder instructions per packet, untunnelled mix, $BENCH_BASE vs $NETCAP:"
	scripts/bench-icount.sh "$BENCH_BASE" "$NETCAP"
fi

if [ -n "$SCALE" ]; then
	echo
	scripts/bench-scaling.sh "$NETCAP" "$SCALE"
fi

# --writers 1, 2, 4: the busiest writer's time and the ceiling it sets
# (scripts/bench-writers.sh)
echo
scripts/bench-writers.sh "$NETCAP" "$cap"

# The RX lcore's flow hash: tunnels decoded against the outer pair
# (scripts/bench-flowhash.sh; FLOWHASH_BASE=COMMIT compares instructions
# with that commit's flowhash.c)
echo
scripts/bench-flowhash.sh

# the fixed cost again, median of 5, next to build/netcap-static (make
# static, run by make bench; scripts/bench-fixed.sh, docs/PERFORMANCE.md
# "Static binary")
echo
scripts/bench-fixed.sh "$NETCAP" $([ -x "$(dirname "$NETCAP")/netcap-static" ] &&
	echo "$(dirname "$NETCAP")/netcap-static")

# netcap label: one million records, 100,000 EVE alerts
# (scripts/bench-label.sh, docs/LABEL.md)
echo
scripts/bench-label.sh "$NETCAP"

# netcap agent -> NATS JetStream -> netcap collect, next to capture writing
# the files (scripts/bench-nats.sh, docs/DISTRIBUTED.md "Sizing")
echo
scripts/bench-nats.sh "$NETCAP"

# netcap proxy in front of nginx against nginx alone, same run
# (scripts/bench-proxy.sh, docs/TOOLS.md "proxy")
echo
scripts/bench-proxy.sh "$NETCAP"
