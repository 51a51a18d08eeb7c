#!/bin/sh
# Per-packet decoder cost of two netcap binaries, in instructions, on the
# same traffic: a benchmark, not a test (docs/PERFORMANCE.md, "Instruction
# counts"). callgrind counts instructions, so the numbers repeat exactly
# whatever else the machine runs, which timing on a shared 2-CPU VM does not.
#
#   scripts/bench-icount.sh OLD_NETCAP NEW_NETCAP [CAPTURE...]
#
# BENCH_NEW_OPTS adds capture options to the new binary's runs only: the
# same binary twice with BENCH_NEW_OPTS="--metrics 127.0.0.1:PORT" gives
# the cost of the traffic metrics per packet.
#
# The traffic is scripts/mkbench.py's mix of the Ethernet captures given
# (default: every test/data capture without a protocol the parity work
# added a decoder for and without a tunnel, i.e. the untunnelled traffic
# both binaries decode alike), BENCH_PACKETS (50000) packets, and one pass of the same mix. For
# each record set (all types, L2-L4, Connection only) the cost per packet is
#   (Ir of nc_decode_frame, inclusive, on the mix - on one pass) / packets
# so start-up and first-time work cancel out. nc_decode_frame includes
# every decoder, the connection table, application parsers and record
# packing (the emit sink), not the RX and writer lcores.
set -eu
old=$1 new=$2
shift 2
cd "$(dirname "$0")/.."
N=${BENCH_PACKETS:-50000}
dir=build/bench-icount
rm -rf "$dir" && mkdir -p "$dir/mix/scripts" "$dir/mix/test/data"
cp scripts/mkbench.py "$dir/mix/scripts/"
if [ $# -gt 0 ]; then
	cp "$@" "$dir/mix/test/data/"
else
	for f in test/data/*.pcap; do
		case $(basename "$f") in
		gre_* | vxlan* | vlan_mpls* | lldp* | vrrp* | igmp* | sctp* | \
			bigendian_pptp* | modbus* | ah_* | esp_* | bfd_* | diameter* | \
			enip* | geneve* | lcm* | ospf* | eapol* | ethernet-ctp* | \
			nortel* | cdp_* | fddi* | usb-* | wlan-* | radiotap* | \
			ipip_* | 6in4* | 4in6* | 6in6* | teredo* | gtp* | \
			erspan* | ppp_mpls*) ;;
		*) cp "$f" "$dir/mix/test/data/" ;;
		esac
	done
fi
python3 "$dir/mix/scripts/mkbench.py" --packets "$N" "$dir/mix.pcap" >"$dir/mkbench.log"
python3 "$dir/mix/scripts/mkbench.py" --packets 1 "$dir/one.pcap" >/dev/null
count() { # binary capture out [options]
	b=$1 p=$2 o=$3
	shift 3
	valgrind --tool=callgrind --callgrind-out-file="$o" "$b" capture -r "$p" \
		-o "$dir/out" --workers 1 --quiet "$@" >/dev/null 2>&1
	rm -rf "$dir/out"
	callgrind_annotate --inclusive=yes "$o" |
		sed -n 's/^ *\([0-9,]*\) .*=> .*nc_decode_frame (.*/\1/p' | tr -d , | head -1
}
pk() { capinfos -c -M "$1" | sed -n 's/^Number of packets: *//p'; }
n=$(($(pk "$dir/mix.pcap") - $(pk "$dir/one.pcap")))
printf '%-10s %14s %14s %8s\n' "records" "old Ir/packet" "new Ir/packet" "new/old"
for set in all l2l4 conn; do
	case $set in
	all) opt="" ;;
	l2l4) opt="--include Ethernet,Dot1Q,ARP,IPv4,IPv6,TCP,UDP" ;;
	conn) opt="--include Connection" ;;
	esac
	# shellcheck disable=SC2086
	o1=$(count "$old" "$dir/mix.pcap" "$dir/old-$set-mix.cg" $opt)
	o0=$(count "$old" "$dir/one.pcap" "$dir/old-$set-one.cg" $opt)
	n1=$(count "$new" "$dir/mix.pcap" "$dir/new-$set-mix.cg" $opt ${BENCH_NEW_OPTS:-})
	n0=$(count "$new" "$dir/one.pcap" "$dir/new-$set-one.cg" $opt ${BENCH_NEW_OPTS:-})
	a=$(((o1 - o0) / n)) b=$(((n1 - n0) / n))
	printf '%-10s %14d %14d %8s\n' "$set" "$a" "$b" \
		"$(awk "BEGIN { printf \"%.3f\", $b / $a }")"
done
