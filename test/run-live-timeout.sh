#!/bin/sh
# A quiet live port still times connections out (app/worker.c live_tick):
# a net_pcap port replays test/data/dns_a-aaaa-mx.pcap once (3 UDP
# conversations, 2 frames each, by tshark -z conv,udp) and then goes
# quiet; with --timeout udp=1 and --duration 4, every UDP connection must
# close as CloseReason "timeout" during the run, not "end_of_input" at the
# end (the port's clock moves the workers' clocks once a second). Both
# modes: dispatch (one RX lcore) and rss (workers poll their queues).
#   test/run-live-timeout.sh [NETCAP]
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-${NETCAP:-build/netcap}}
CAP=test/data/dns_a-aaaa-mx.pcap
fail=0
tmp=$(mktemp -d /tmp/nc-live-timeout.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

want=$(tshark -r "$CAP" -q -z conv,udp 2>/dev/null | grep -c '<->')
[ "$want" -gt 0 ] || {
	echo "live-timeout: FAIL: tshark found no UDP conversation in $CAP"
	exit 1
}
for mode in dispatch rss; do
	out="$tmp/$mode"
	"$NETCAP" capture -q -i "net_pcap0,rx_pcap=$CAP" -w 1 --rx-mode "$mode" \
		--include Connection --timeout udp=1 --duration 4 -o "$out" \
		-- --file-prefix nc-lt-$$-$mode >"$tmp/sum" 2>"$tmp/err" || {
		echo "live-timeout: FAIL: $mode: exit $?: $(tail -1 "$tmp/err")"
		fail=1
		continue
	}
	got=$("$NETCAP" dump --tsv --select TransportProto,CloseReason \
		"$out/Connection.ncap.lz4" | awk '$1 == "UDP"' | sort | uniq -c |
		awk '{ printf "%s %s=%s ", $2, $3, $1 }')
	if [ "$got" = "UDP timeout=$want " ]; then
		echo "live-timeout: $mode: $want UDP connections closed by timeout"
	else
		echo "live-timeout: FAIL: $mode: '$got', want $want timed out"
		fail=1
	fi
done
[ $fail = 0 ] && echo "live-timeout: ok"
exit $fail
