#!/bin/sh
# The RX lcore's flow hash per packet: a benchmark, not a test
# (docs/PERFORMANCE.md, "Inner flow hash"). Run by make bench.
#
#   scripts/bench-flowhash.sh
#
# build/flowhash-bench (scripts/flowhash-bench.c) holds the captures in
# memory and times nc_flow_hash with every tunnel against the outer pair
# (mask 0, what --no-tunnels hashes) and with fragment steering, as ratios
# within the same invocation, on (1) the tunnelled captures of test/data
# and (2) the untunnelled ones (scripts/bench-icount.sh's list). With
# valgrind, the same as instructions per packet (callgrind), which timing
# on a shared machine cannot resolve; with FLOWHASH_BASE=COMMIT also the
# untunnelled pass of that commit's flowhash.c (the outer pair only).
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory -s build/flowhash-bench
tun="" plain=""
for f in test/data/*.pcap; do
	case $(basename "$f") in
	vxlan* | geneve* | gre_* | bigendian_pptp* | erspan* | gtp* | ipip* | \
		6in4* | 4in6* | 6in6* | teredo* | *mpls*) tun="$tun $f" ;;
	lldp* | vrrp* | igmp* | sctp* | modbus* | ah_* | esp_* | bfd_* | \
		diameter* | enip* | lcm* | ospf* | eapol* | ethernet-ctp* | \
		nortel* | cdp_* | fddi* | usb-* | wlan-* | radiotap*) ;;
	*) plain="$plain $f" ;;
	esac
done
echo "flow hash on the RX lcore, tunnelled captures of test/data:"
# shellcheck disable=SC2086
build/flowhash-bench $tun
echo "untunnelled captures of test/data:"
# shellcheck disable=SC2086
build/flowhash-bench $plain
# instructions: exact whatever the machine's load (timing on a shared VM
# moves by tens of percent between runs)
command -v valgrind >/dev/null || exit 0
ir() { # binary all|none captures... -> Ir of hash_pass per packet
	b=$1 m=$2
	shift 2
	o=$(mktemp)
	n=$(valgrind --tool=callgrind --toggle-collect='hash_pass*' \
		--callgrind-out-file="$o" "$b" --icount "$m" "$@" 2>/dev/null |
		sed -n 's/ packets//p')
	t=$(callgrind_annotate "$o" | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
	rm -f "$o"
	echo "$t $n" | awk '{ printf "%.1f", $1 / $2 }'
}
# shellcheck disable=SC2086
tn=$(ir build/flowhash-bench none $tun)
# shellcheck disable=SC2086
ta=$(ir build/flowhash-bench all $tun)
# shellcheck disable=SC2086
pn=$(ir build/flowhash-bench none $plain)
# shellcheck disable=SC2086
pa=$(ir build/flowhash-bench all $plain)
# shellcheck disable=SC2086
ts=$(ir build/flowhash-bench steer $tun)
# shellcheck disable=SC2086
ps=$(ir build/flowhash-bench steer $plain)
echo "instructions per packet (callgrind)  mask 0  every tunnel  ratio  + steering  ratio"
echo "$tn $ta $ts" | awk '{ printf "tunnelled                          %8.1f %13.1f  %.2fx %11.1f  %.2fx\n", $1, $2, $2 / $1, $3, $3 / $1 }'
echo "$pn $pa $ps" | awk '{ printf "untunnelled                        %8.1f %13.1f  %.2fx %11.1f  %.2fx\n", $1, $2, $2 / $1, $3, $3 / $1 }'
if [ -n "${FLOWHASH_BASE:-}" ]; then
	make --no-print-directory -s build/flowhash-bench-old \
		FLOWHASH_BASE="$FLOWHASH_BASE" >/dev/null
	# shellcheck disable=SC2086
	po=$(ir build/flowhash-bench-old all $plain)
	echo "$po $pa" | awk -v b="$FLOWHASH_BASE" '{
		printf "untunnelled, %s (outer pair only) %.1f, now %.1f: %.3fx\n", b, $1, $2, $2 / $1 }'
fi
