#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# capture --bpf EXPR, the capture filter (docs/ops-filter.md).
#  1. For each (capture, expression) below: the packets netcap decoded (the
#     sum of worker.packets) equal the packets tcpdump's own filter keeps
#     (`tcpdump -r FILE EXPR | wc -l`, the independent oracle), packets
#     minus rx.filtered equals that too, and every record file equals,
#     after sorting, the one netcap writes from the pcap that tcpdump
#     filtered (`tcpdump -r FILE -w OUT EXPR`) and netcap read without a
#     filter. Covers Ethernet, a VLAN-tagged capture made here, raw IP
#     (DLT 101), Linux cooked (SLL) and BSD loopback link types; the
#     JIT, and the interpreter for a few (NETCAP_BPF_INTERP=1).
#  2. Bad expressions and an expression the input's link type cannot
#     take: exit 2, one line "netcap capture: --bpf: ...", no output
#     directory left behind, before DPDK starts.
#   test/run-filter.sh [NETCAP]
set -u
NETCAP=${1:-${NETCAP:-build/netcap}}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/nc-run-filter.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "filter: FAIL: $*"
	fail=1
}
command -v tcpdump >/dev/null 2>&1 || {
	echo "filter: skipped (tcpdump not installed)"
	exit 0
}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
D=test/data
seq=0

# A capture with every other frame of the live capture given an 802.1Q
# tag (VLAN 7), so 'vlan and udp' has tagged and untagged UDP to tell
# apart.
"$PY" - "$D/live_netns_http-tls-dns-ssh.pcap" "$tmp/vlan.pcap" <<'EOF'
import struct, sys
src = open(sys.argv[1], "rb").read()
gh, off, out, i = src[:24], 24, [src[:24]], 0
magic = struct.unpack("<I", gh[:4])[0]
e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
while off + 16 <= len(src):
    ts, tu, cap, wire = struct.unpack(e + "IIII", src[off:off + 16])
    data = src[off + 16:off + 16 + cap]
    off += 16 + cap
    if i % 2 == 0 and cap >= 14:
        data = data[:12] + b"\x81\x00\x00\x07" + data[12:]
        cap += 4
        wire += 4
    out.append(struct.pack(e + "IIII", ts, tu, cap, wire) + data)
    i += 1
open(sys.argv[2], "wb").write(b"".join(out))
EOF

# summary value of KEY in FILE
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
wsum() { awk '$1 ~ /^worker\.packets\./ { s += $2 } END { print s + 0 }' "$1"; }

# every record file of DIR, dumped and sorted, into OUT
dump_all() {
	: >"$2"
	for f in "$1"/*.ncap.lz4; do
		[ -e "$f" ] || continue
		echo "== $(basename "$f")" >>"$2"
		"$NETCAP" dump "$f" | sort >>"$2"
	done
}

check() { # file expr
	seq=$((seq + 1))
	name="$(basename "$1") '$2'"
	want=$(tcpdump -r "$1" "$2" 2>/dev/null | wc -l)
	tcpdump --time-stamp-precision=nano -r "$1" -w "$tmp/ref$seq.pcap" "$2" \
		2>/dev/null ||
		{ bad "$name: tcpdump cannot filter"; return; }
	if ! env NETCAP_BPF_INTERP="$INTERP" \
		"$NETCAP" capture -q -w 2 -r "$1" -o "$tmp/f$seq" --bpf "$2" \
		-- --file-prefix ncfilter-f$seq >"$tmp/s$seq" 2>"$tmp/e$seq"; then
		bad "$name: capture failed: $(cat "$tmp/e$seq")"
		return
	fi
	if ! "$NETCAP" capture -q -w 2 -r "$tmp/ref$seq.pcap" -o "$tmp/r$seq" \
		-- --file-prefix ncfilter-r$seq >"$tmp/rs$seq" 2>"$tmp/re$seq"; then
		bad "$name: capture of tcpdump's output failed"
		return
	fi
	total=$(val packets "$tmp/s$seq")
	filtered=$(val rx.filtered "$tmp/s$seq")
	decoded=$(wsum "$tmp/s$seq")
	all=$(tcpdump -r "$1" 2>/dev/null | wc -l)
	[ "$decoded" = "$want" ] ||
		bad "$name: netcap decoded $decoded packets, tcpdump keeps $want"
	[ "$((total - filtered))" = "$want" ] ||
		bad "$name: packets $total - rx.filtered $filtered != $want"
	[ "$total" = "$all" ] || bad "$name: packets $total, file has $all"
	dump_all "$tmp/f$seq" "$tmp/d$seq"
	dump_all "$tmp/r$seq" "$tmp/dr$seq"
	if ! cmp -s "$tmp/d$seq" "$tmp/dr$seq"; then
		bad "$name: records differ from those of tcpdump's output:"
		diff "$tmp/dr$seq" "$tmp/d$seq" | head -5
	fi
	jit=$(val filter.jit "$tmp/s$seq")
	[ "$INTERP" = 1 ] && [ "$jit" != 0 ] && bad "$name: JIT used"
	echo "filter: $name: $decoded of $all packets kept (tcpdump: $want)," \
		"jit $jit"
}

live=$D/live_netns_http-tls-dns-ssh.pcap
INTERP=0
check "$live" 'tcp port 443 or udp'
check "$live" 'icmp'
check "$live" 'host 10.200.0.1 and tcp'
check "$live" 'ip6'
check "$live" 'tcp[tcpflags] & tcp-syn != 0'
check "$live" 'not ip and not ip6'
check "$live" 'tcp[13] & 0x10 != 0 and greater 200'
check "$live" 'ip[1] & 0xfc != 0 or ip6[40] = 128'
check "$live" 'udp[8:2] & 0x8000 = 0x8000'
check "$tmp/vlan.pcap" 'vlan and udp'
check "$tmp/vlan.pcap" 'vlan 7 and tcp port 443'
check "$D/arp_request-reply_icmp.pcap" 'icmp'
check "$D/rawip-dlt101_ipv4_dns.pcap" 'udp port 53'
check "$D/linux-sll_tcp-handshake_nsec.pcap" 'tcp[tcpflags] & tcp-syn != 0'
check "$D/null-loopback_dns-svcb.pcap" 'udp'
check "$D/ipv4-fragments_icmp-echo.pcap" 'ip[6:2] & 0x1fff != 0'
# the interpreter, as where DPDK has no JIT (NETCAP_BPF_INTERP=1)
INTERP=1
check "$live" 'tcp port 443 or udp'
check "$live" 'tcp[tcpflags] & tcp-syn != 0'
check "$tmp/vlan.pcap" 'vlan and udp'
INTERP=0

# --- 1b. a live port: the filter runs on the RX lcore (dispatch) and in
# the workers (rss); net_pcap replays the file once
for m in "dispatch 2" "rss 1"; do
	set -- $m
	want=$(tcpdump -n -r "$live" 'tcp port 443 or udp' 2>/dev/null | wc -l)
	total=$(tcpdump -n -r "$live" 2>/dev/null | wc -l)
	"$NETCAP" capture -q -i "net_pcap0,rx_pcap=$live" -w "$2" \
		--rx-mode "$1" --bpf 'tcp port 443 or udp' --duration 2 \
		-o "$tmp/port-$1" -- --file-prefix ncf-port-$$-$1 \
		>"$tmp/port.sum" 2>"$tmp/port.err" ||
		bad "port $1: exit $?: $(tail -1 "$tmp/port.err")"
	got=$(awk '$1 ~ /^worker\.packets\./ { s += $2 } END { print s + 0 }' \
		"$tmp/port.sum")
	filt=$(awk '$1 == "rx.filtered" { print $2 }' "$tmp/port.sum")
	[ "$got" = "$want" ] && [ "$filt" = "$((total - want))" ] ||
		bad "port $1: decoded $got (tcpdump $want), rx.filtered $filt"
	echo "filter: port, $1 mode: $got of $total packets kept (tcpdump: $want)"
done

# --- 2. expressions netcap must refuse before DPDK starts
for expr in 'tcp port' 'host 999.1.1.1' 'tcp and and udp' 'ether host'; do
	out="$tmp/bad.out"
	"$NETCAP" capture -q -r "$live" -o "$out" --bpf "$expr" \
		>/dev/null 2>"$tmp/bad.err"
	rc=$?
	[ "$rc" = 2 ] || bad "--bpf '$expr': exit $rc, want 2"
	[ "$(wc -l <"$tmp/bad.err")" = 1 ] ||
		bad "--bpf '$expr': stderr is not one line: $(cat "$tmp/bad.err")"
	grep -q '^netcap capture: --bpf: ' "$tmp/bad.err" ||
		bad "--bpf '$expr': message: $(cat "$tmp/bad.err")"
	grep -q 'EAL' "$tmp/bad.err" && bad "--bpf '$expr': EAL started"
	[ -e "$out" ] && bad "--bpf '$expr': left $out behind"
done
# an Ethernet-only primitive on a raw IP capture: libpcap refuses it
"$NETCAP" capture -q -r "$D/rawip-dlt101_ipv4_dns.pcap" -o "$tmp/bad2" \
	--bpf 'ether host 01:02:03:04:05:06' >/dev/null 2>"$tmp/bad.err"
rc=$?
[ "$rc" = 2 ] && grep -q '^netcap capture: --bpf: ' "$tmp/bad.err" ||
	bad "'ether host' on raw IP: exit $rc: $(cat "$tmp/bad.err")"
echo "filter: refused bad expressions: $(head -c 100 "$tmp/bad.err")"

[ $fail = 0 ] && echo "filter: all passed"
exit $fail
