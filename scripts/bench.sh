#!/bin/sh
# make bench: a benchmark, not a test. Prints one table:
#  1. the pipeline (RX -> workers -> writer, all record types) against a bare
#     DPDK receive-and-free loop, both reading the same capture replayed from
#     memory by DPDK's net_pcap PMD (infinite_rx=1) for a fixed time;
#  2. capture -r end to end against tshark -T fields on the same file.
# Ratios are the figures; absolute numbers depend on the machine.
#   BENCH_SECONDS (default 5), BENCH_PACKETS (default 300000), BENCH_WORKERS (1)
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-5}
NPKT=${BENCH_PACKETS:-300000}
NW=${BENCH_WORKERS:-1}
dir=build/bench
mkdir -p "$dir"
cap=$dir/bench.pcap
replay=$dir/replay.pcap
[ -s "$cap" ] && [ "$(cat "$dir/bench.n" 2>/dev/null)" = "$NPKT" ] || {
	python3 scripts/mkbench.py --packets "$NPKT" "$cap" >"$dir/mkbench.log"
	echo "$NPKT" >"$dir/bench.n"
}
# net_pcap's infinite_rx keeps the replayed file in mbufs: a smaller copy
# of the same traffic (the bench.pcap mix repeated to 20000 packets)
[ -s "$replay" ] || python3 scripts/mkbench.py --packets 20000 "$replay" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
sumw() { awk '$1 ~ /^worker\.packets\./ { s += $2 } END { print s + 0 }' "$1"; }

port="net_pcap0,rx_pcap=$replay,infinite_rx=1"
"$NETCAP" capture -q -i "$port" --bare --duration "$SECS" -w 1 -o "$out/bare" >"$out/bare.txt"
"$NETCAP" capture -q -i "$port" --duration "$SECS" -w "$NW" -o "$out/pipe" >"$out/pipe.txt"
"$NETCAP" capture -q -i "$port" --duration "$SECS" -w "$NW" --include Connection -o "$out/conn" >"$out/conn.txt"
"$NETCAP" capture -q -i "$port" --duration "$SECS" -w "$NW" --include Ethernet,IPv4,IPv6,TCP,UDP -o "$out/l24" >"$out/l24.txt"

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

hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)
awk -v secs="$SECS" -v nw="$NW" -v hz="$hz" \
    -v bare_pkts="$(val packets "$out/bare.txt")" \
    -v bare_el="$(val elapsed_s "$out/bare.txt")" \
    -v bare_cpp="$(val rx.cycles_per_packet "$out/bare.txt")" \
    -v pipe_pkts="$(sumw "$out/pipe.txt")" \
    -v pipe_el="$(val elapsed_s "$out/pipe.txt")" \
    -v pipe_cpp="$(val worker.cycles_per_packet "$out/pipe.txt")" \
    -v pipe_rx_cpp="$(val rx.cycles_per_packet "$out/pipe.txt")" \
    -v pipe_recs="$(val records.total "$out/pipe.txt")" \
    -v conn_pkts="$(sumw "$out/conn.txt")" -v conn_el="$(val elapsed_s "$out/conn.txt")" \
    -v conn_cpp="$(val worker.cycles_per_packet "$out/conn.txt")" \
    -v conn_recs="$(val records.total "$out/conn.txt")" \
    -v l24_pkts="$(sumw "$out/l24.txt")" -v l24_el="$(val elapsed_s "$out/l24.txt")" \
    -v l24_cpp="$(val worker.cycles_per_packet "$out/l24.txt")" \
    -v l24_recs="$(val records.total "$out/l24.txt")" \
    -v e2e_pkts="$(val packets "$out/e2e.txt")" \
    -v e2e_recs="$(val records.total "$out/e2e.txt")" \
    -v t0="$t0" -v t1="$t1" -v t2="$t2" \
    -v cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    -v ncpu="$(nproc)" -v dpdk="$(pkg-config --modversion libdpdk)" \
    -v npkt="$(val packets "$out/e2e.txt")" '
BEGIN {
	printf "netcap bench  |  %s, %d CPUs, DPDK %s\n", cpu, ncpu, dpdk
	printf "lcores: main, RX, %d worker(s), writer floating over CPUs 0-%d (--lcores (0-%d)@(0-%d))\n", nw, ncpu - 1, nw + 2, ncpu - 1
	printf "traffic: real captures from test/data mixed by scripts/mkbench.py: replay.pcap (20000 packets, replayed from memory) and bench.pcap (%d packets, read from disk)\n\n", npkt
	printf "%-44s %14s %12s %12s\n", "run", "packets/s", "cycles/pkt", "records/s"
	bare_pps = bare_pkts / bare_el
	printf "%-44s %14.0f %12d %12s\n", "bare RX loop (net_pcap replay, receive+free)", bare_pps, bare_cpp, "-"
	pipe_pps = pipe_pkts / pipe_el
	core_pps = pipe_cpp > 0 ? hz / pipe_cpp : 0
	printf "%-44s %14.0f %12d %12.0f\n", "pipeline, all types, worker packets", pipe_pps, pipe_cpp, pipe_recs / pipe_el
	printf "%-44s %14.0f %12s %12s\n", "  per worker core (TSC Hz / cycles per pkt)", core_pps, "", ""
	printf "%-44s %14s %12d %12s\n", "  RX lcore in the pipeline (hash, enqueue)", "", pipe_rx_cpp, ""
	printf "%-44s %14.0f %12d %12.0f\n", "pipeline, L2-L4 types, worker packets", l24_pkts / l24_el, l24_cpp, l24_recs / l24_el
	printf "%-44s %14.0f %12s %12s\n", "  per worker core (TSC Hz / cycles per pkt)", (l24_cpp > 0 ? hz / l24_cpp : 0), "", ""
	printf "%-44s %14.0f %12d %12.0f\n", "pipeline, Connection only, worker packets", conn_pkts / conn_el, conn_cpp, conn_recs / conn_el
	printf "%-44s %14.0f %12s %12s\n", "  per worker core (TSC Hz / cycles per pkt)", (conn_cpp > 0 ? hz / conn_cpp : 0), "", ""
	printf "ratio to bare (cycles per packet): all types %.1fx, L2-L4 %.1fx, Connection only %.1fx (bare %d)\n\n", bare_cpp ? pipe_cpp / bare_cpp : 0, bare_cpp ? l24_cpp / bare_cpp : 0, bare_cpp ? conn_cpp / bare_cpp : 0, bare_cpp
	e2e = t1 - t0; ts = t2 - t1
	printf "%-44s %14s %12s\n", "end to end on bench.pcap", "seconds", "packets/s"
	printf "%-44s %14.2f %12.0f\n", "netcap capture -r (all record types)", e2e, npkt / e2e
	printf "%-44s %14.2f %12.0f\n", "tshark -n -T fields (25 fields)", ts, npkt / ts
	printf "ratio: netcap is %.1fx faster than tshark\n", ts / e2e
}'
