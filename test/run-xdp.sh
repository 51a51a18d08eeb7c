#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# capture --xdp-filter RULES on a net_af_xdp port (docs/ops-filter.md).
#  1. Bad rules and ports: exit 2, one line "netcap capture: --xdp-filter:
#     ...", before DPDK starts.
#  2. Live: two namespaces joined by a veth pair; netcap captures on the
#     server end (net_af_xdp, netcap's xdp_filter.o) with
#       proto icmp, port 5353, net 10.77.9.0/24, net fd00:99::/64
#     while the client sends ICMP and ICMPv6 echo requests, UDP to ports
#     5353 and 9999 over IPv4 and IPv6 (some from the excluded networks),
#     TCP SYNs to ports 8080 and 5353. tcpdump on the CLIENT end (-Q out:
#     the packets as sent, before the server's XDP program) is the oracle:
#       xdp.dropped.proto = its ICMPv4 packets,
#       xdp.dropped.net   = its packets from the excluded networks,
#       xdp.dropped.port  = the rest to or from port 5353,
#       xdp.passed        = the packets netcap decoded (worker.packets),
#     and netcap's records hold exactly tcpdump's UDP datagrams to 9999,
#     TCP SYNs to 8080 and ICMPv6 echo requests, and none of the excluded.
#     XDP redirects to the AF_XDP socket, so the server's kernel never
#     answers: the client gets static neighbour entries and nothing
#     replies.
# Needs root, ip, tcpdump, python3 and a kernel with XDP and AF_XDP on
# veth; otherwise prints "xdp: skipped (reason)" and exits 0.
#   test/run-xdp.sh [NETCAP]
set -u
NETCAP=${1:-${NETCAP:-build/netcap}}
cd "$(dirname "$0")/.."
skip() {
	echo "xdp: skipped ($*)"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root"
for p in ip tcpdump python3 ping; do
	command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

fail=0
bad() {
	echo "xdp: FAIL: $*"
	fail=1
}
tmp=$(mktemp -d /tmp/nc-run-xdp.XXXXXX)
C=ncfilter-cli-$$
S=ncfilter-srv-$$
VC=ncfc$$
VS=ncfs$$
ncpid=
tdpid=
cleanup() {
	[ -n "$tdpid" ] && kill "$tdpid" 2>/dev/null
	[ -n "$ncpid" ] && kill "$ncpid" 2>/dev/null
	ip netns del "$C" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- 1. refused before DPDK starts
port="net_af_xdp0,iface=lo"
for case in \
	"net_af_xdp0,iface=lo|proto icmpx|'proto icmpx'" \
	"net_af_xdp0,iface=lo|port 70000|'port 70000'" \
	"net_af_xdp0,iface=lo|net 10.0.0.1/8|beyond the /8" \
	"net_af_xdp0,iface=lo|net 10.0.0.0/33|'net 10.0.0.0/33'" \
	"net_af_xdp0,iface=lo|port 22,,proto 6|empty rule" \
	"net_af_xdp0,iface=lo|host 10.0.0.1|unknown rule" \
	"net_af_xdp0,iface=lo|port|'port'" \
	"net_pcap0,rx_pcap=x.pcap|port 22|needs an -i net_af_xdp port" \
	"net_af_xdp0,iface=lo,xdp_prog=/x.o|port 22|already names"; do
	port=${case%%|*}
	rest=${case#*|}
	rules=${rest%%|*}
	want=${rest#*|}
	"$NETCAP" capture -q -i "$port" -o "$tmp/bad" --xdp-filter "$rules" \
		>/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] || bad "'$rules' on $port: exit $rc, want 2"
	[ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "^netcap capture: --xdp-filter" \
		"$tmp/err" && grep -qF "$want" "$tmp/err" ||
		bad "'$rules' on $port: message: $(cat "$tmp/err")"
	[ -e "$tmp/bad" ] && bad "'$rules': left $tmp/bad behind"
done
"$NETCAP" capture -q -r test/data/icmpv4-echo.pcap -o "$tmp/bad" \
	--xdp-filter 'port 22' >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "needs an -i net_af_xdp port" "$tmp/err" ||
	bad "--xdp-filter with -r: $(cat "$tmp/err")"
echo "xdp: bad rules refused, e.g. $(cat "$tmp/err")"

# --- 2. live
ip netns add "$C" 2>/dev/null || skip "cannot create network namespaces"
ip netns add "$S"
# no router solicitations: the window must hold only the test's packets
for ns in "$C" "$S"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
done
ip link add "$VC" netns "$C" type veth peer name "$VS" netns "$S" ||
	skip "cannot create a veth pair"
for ns in "$C" "$S"; do
	ip -n "$ns" link set lo up
done
ip -n "$C" addr add 10.77.0.1/24 dev "$VC"
ip -n "$C" addr add 10.77.9.1/24 dev "$VC"
ip -n "$C" addr add fd00:77::1/64 dev "$VC" nodad
ip -n "$C" addr add fd00:99::1/64 dev "$VC" nodad
ip -n "$S" addr add 10.77.0.2/24 dev "$VS"
ip -n "$S" addr add fd00:77::2/64 dev "$VS" nodad
ip -n "$C" link set "$VC" up
ip -n "$S" link set "$VS" up
mac=$(ip netns exec "$S" cat "/sys/class/net/$VS/address")
ip -n "$C" neigh replace 10.77.0.2 lladdr "$mac" dev "$VC" nud permanent
ip -n "$C" neigh replace fd00:77::2 lladdr "$mac" dev "$VC" nud permanent
# can this kernel run an XDP program on veth at all? (iproute2 loads it)
obj=$(dirname "$NETCAP")/xdp_filter.o
[ -r "$obj" ] || skip "$obj not built"
ip netns exec "$S" ip link set dev "$VS" xdp obj "$obj" sec xdp \
	2>"$tmp/ipxdp.err" ||
	skip "the kernel cannot attach an XDP program to veth: $(tail -1 "$tmp/ipxdp.err")"
ip netns exec "$S" ip link set dev "$VS" xdp off
sleep 2 # link-up chatter (IPv6 router solicitation, MLD) dies down

rules='proto icmp,port 5353,net 10.77.9.0/24,net fd00:99::/64'
# a sanitizer build: leaks of the PMD's own allocations are not netcap's
LSAN_OPTIONS="suppressions=$(pwd)/test/lsan-xdp.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
ip netns exec "$S" "$NETCAP" capture -q -w 1 \
	-i "net_af_xdp0,iface=$VS,start_queue=0,queue_count=1" \
	-o "$tmp/out" --xdp-filter "$rules" -- --file-prefix ncfilter-xdp-$$ \
	>"$tmp/sum" 2>"$tmp/nc.err" &
ncpid=$!
up=0
for _ in $(seq 1 100); do
	if ip -n "$S" link show "$VS" | grep -q 'prog/xdp.*nc_xdp_filter'; then
		up=1
		break
	fi
	kill -0 "$ncpid" 2>/dev/null || break
	sleep 0.1
done
if [ $up = 0 ]; then
	kill "$ncpid" 2>/dev/null
	wait "$ncpid"
	ncpid=
	bad "netcap did not attach its XDP program: $(tail -3 "$tmp/nc.err")"
	grep -q 'dev_configure = -22' "$tmp/nc.err" &&
		echo "xdp: (net_af_xdp refuses a port configured with fewer TX" \
			"than RX queues: app/rx_port.c must set up TX queues)"
	exit 1
fi
sleep 1 # the rules are filled right after the port started

# outgoing only: what the server's XDP program is given
ip netns exec "$C" tcpdump -n -U --immediate-mode -Q out -i "$VC" \
	-w "$tmp/cli.pcap" \
	2>"$tmp/td.err" &
tdpid=$!
for _ in $(seq 1 50); do
	grep -q listening "$tmp/td.err" && break
	sleep 0.1
done

ip netns exec "$C" ping -q -c 4 -i 0.2 -w 2 10.77.0.2 >/dev/null 2>&1
ip netns exec "$C" ping -q -6 -c 3 -i 0.2 -w 2 fd00:77::2 >/dev/null 2>&1
ip netns exec "$C" "$PY" - <<'EOF'
import socket, time
def udp(fam, src, dst, port, n):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if src:
        s.bind((src, 0))
    for i in range(n):
        s.sendto(b"netcap-xdp-%d" % i, (dst, port))
    s.close()
v4, v6 = socket.AF_INET, socket.AF_INET6
udp(v4, None, "10.77.0.2", 5353, 5)
udp(v6, None, "fd00:77::2", 5353, 2)
udp(v4, None, "10.77.0.2", 9999, 6)
udp(v6, None, "fd00:77::2", 9999, 3)
udp(v4, "10.77.9.1", "10.77.0.2", 9999, 4)
udp(v6, "fd00:99::1", "fd00:77::2", 9999, 2)
# TCP SYNs (nothing answers: the server kernel never sees them)
for port in (8080, 5353):
    s = socket.socket(v4, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(("10.77.0.2", port))
    except BlockingIOError:
        pass
    time.sleep(1.2)  # the SYN and one retransmission
    s.close()
EOF
sleep 1
kill -INT "$tdpid"
wait "$tdpid"
tdpid=
sleep 0.3
kill -INT "$ncpid"
wait "$ncpid"
rc=$?
ncpid=
[ "$rc" = 0 ] || bad "netcap exit $rc: $(tail -3 "$tmp/nc.err")"

n() { tcpdump -n -r "$tmp/cli.pcap" "$1" 2>/dev/null | wc -l; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/sum"; }
excl='(net 10.77.9.0/24 or net fd00:99::/64)'
w_net=$(n "$excl")
w_proto=$(n "icmp and not $excl")
w_port=$(n "(tcp or udp) and port 5353 and not $excl and not icmp")
all=$(n '')
decoded=$(awk '$1 ~ /^worker\.packets\./ { s += $2 } END { print s + 0 }' \
	"$tmp/sum")
echo "xdp: client sent $all packets; xdp.dropped.net $(val xdp.dropped.net)" \
	"(tcpdump $w_net), .proto $(val xdp.dropped.proto) ($w_proto)," \
	".port $(val xdp.dropped.port) ($w_port), passed $(val xdp.passed)," \
	"netcap decoded $decoded"
[ "$w_net" -gt 0 ] && [ "$w_proto" -gt 0 ] && [ "$w_port" -gt 0 ] ||
	bad "the client did not send every kind of traffic"
[ "$(val xdp.dropped.net)" = "$w_net" ] || bad "xdp.dropped.net"
[ "$(val xdp.dropped.proto)" = "$w_proto" ] || bad "xdp.dropped.proto"
[ "$(val xdp.dropped.port)" = "$w_port" ] || bad "xdp.dropped.port"
[ "$(val xdp.dropped)" = "$((w_net + w_proto + w_port))" ] ||
	bad "xdp.dropped is not the sum"
[ "$(val xdp.passed)" = "$decoded" ] ||
	bad "xdp.passed $(val xdp.passed) != packets netcap decoded $decoded"
# unicast only: attaching XDP resets the veth, and the client may then
# send an MLD report (to 33:33:...) before its tcpdump below starts
all_uc=$(n 'not ether multicast')
mc() { # multicast frames netcap decoded (I/G bit of the destination MAC)
	f="$tmp/out/Ethernet.ncap.lz4"
	[ -e "$f" ] || { echo 0; return; }
	"$NETCAP" dump --tsv --select DstMAC "$f" | tail -n +2 |
		awk 'substr($1, 2, 1) ~ /[13579bdfBDF]/ { n++ }
		     END { print n + 0 }'
}
decoded_uc=$((decoded - $(mc)))
[ "$decoded_uc" = "$((all_uc - w_net - w_proto - w_port))" ] ||
	bad "netcap decoded $decoded_uc unicast frames != $all_uc sent - dropped"

# records: exactly the passed test traffic, none of the excluded
sel() { # type fields
	f="$tmp/out/$1.ncap.lz4"
	[ -e "$f" ] || return 0
	"$NETCAP" dump --tsv --select "$2" "$f" | tail -n +2
}
got=$(sel UDP SrcIP,DstPort | awk '$2 == 9999' | wc -l)
want=$(n "udp dst port 9999 and not $excl")
[ "$got" = "$want" ] || bad "UDP records to 9999: $got, tcpdump $want"
got=$(sel TCP DstPort,SYN | awk '$1 == 8080 && $2 == "true"' | wc -l)
want=$(n 'tcp dst port 8080')
[ "$got" = "$want" ] || bad "TCP SYN records to 8080: $got, tcpdump $want"
got=$(sel ICMPv6Echo Identifier | wc -l)
want=$(n 'icmp6 and ip6[40] = 128')
[ "$got" = "$want" ] || bad "ICMPv6Echo records: $got, tcpdump $want"
[ "$(sel ICMPv4 SrcIP | wc -l)" = 0 ] || bad "ICMPv4 records despite the rule"
[ "$(sel UDP SrcPort,DstPort | grep -cw 5353)" = 0 ] ||
	bad "UDP records with port 5353"
[ "$(sel TCP SrcPort,DstPort | grep -cw 5353)" = 0 ] ||
	bad "TCP records with port 5353"
[ "$( (sel IPv4 SrcIP; sel IPv6 SrcIP) | grep -c '^10\.77\.9\.\|^fd00:99:')" = 0 ] ||
	bad "IP records from an excluded network"

[ $fail = 0 ] && echo "xdp: all passed"
exit $fail
