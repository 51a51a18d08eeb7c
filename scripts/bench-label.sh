#!/bin/sh
# make bench, the label row: `netcap label` on one million records with
# 100,000 alerts (docs/LABEL.md).
#
# Records: scripts/gen-flood.c conns (100,000 TCP connections, 300,000
# 60-octet frames) captured once with Connection, TCP, IPv4 and Ethernet
# records: 100,000 + 3 x 300,000 = 1,000,000 records. Alerts: one EVE alert
# per connection at its first packet, by 5-tuple (no community_id: the
# join by endpoints, the slower one), written from the Connection records.
# Then `netcap label` (one thread) best of BENCH_RUNS runs: records/s and
# the peak resident memory (/usr/bin/time's maximum RSS); and, for scale,
# `dump --csv` of the same files (the reading and CSV rendering label
# shares with dump).
#
#   scripts/bench-label.sh [NETCAP]   (BENCH_RUNS, default 3)
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
dir=build/bench
conns=$dir/conns.pcap
rec=$dir/label-rec
mkdir -p "$dir"
[ -s "$conns" ] && [ "$(cat "$dir/conns.n" 2>/dev/null)" = "100000 300000" ] || {
	make --no-print-directory -s build/gen-flood
	build/gen-flood conns 100000 "$conns" 300000 2>"$dir/gen-flood.log"
	echo "100000 300000" >"$dir/conns.n"
}
if [ ! -s "$rec/Connection.ncap.lz4" ]; then
	rm -rf "$rec"
	"$NETCAP" capture -q -r "$conns" -o "$rec" -w 1 \
		--include Connection,TCP,IPv4,Ethernet >/dev/null
fi
"$NETCAP" dump --select TimestampFirst,SrcIP,SrcPort,DstIP,DstPort \
	"$rec/Connection.ncap.lz4" | python3 -c '
import sys, time
next(sys.stdin)
for line in sys.stdin:
    ts, sip, sp, dip, dp = line.rstrip("\n").split(",")
    s, ns = divmod(int(ts), 10**9)
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s))
    print("{\"timestamp\":\"%s.%06d+0000\",\"event_type\":\"alert\","
          "\"src_ip\":\"%s\",\"src_port\":%s,\"dest_ip\":\"%s\","
          "\"dest_port\":%s,\"proto\":\"TCP\",\"alert\":{\"signature\":"
          "\"bench\",\"category\":\"Bench\"}}" % (t, ns // 1000, sip, sp,
                                                 dip, dp))
' >"$dir/label-eve.json"
nalerts=$(wc -l <"$dir/label-eve.json")
best=""
i=0
while [ $i -lt "$RUNS" ]; do
	rm -rf "$dir/label-out"
	/usr/bin/time -f "%e %M" -o "$dir/label-time" "$NETCAP" label -r "$rec" \
		-o "$dir/label-out" --eve "$dir/label-eve.json" >"$dir/label-sum"
	t=$(cut -d' ' -f1 "$dir/label-time")
	if [ -z "$best" ] || [ "$(echo "$t $best" | awk '{ print ($1 < $2) }')" = 1 ]; then
		best=$t
		rss=$(cut -d' ' -f2 "$dir/label-time")
	fi
	i=$((i + 1))
done
# the same files through dump --csv: the reading and rendering label shares
/usr/bin/time -f "%e" -o "$dir/label-dump-time" sh -c '
	for f in "$1"/*.ncap.lz4; do "$2" dump "$f" >/dev/null || exit 1; done' \
	sh "$rec" "$NETCAP"
dumpt=$(cat "$dir/label-dump-time")
nrec=$(awk 'NR > 2 { n += $2 } END { print n }' "$dir/label-sum")
nlab=$(awk 'NR > 2 && $3 != "normal" { n += $2 } END { print n }' "$dir/label-sum")
echo "$nrec $nlab $nalerts $best $rss $dumpt" | awk '{
	printf "label: %d records (%d labelled), %d EVE alerts: %.2f s, %.0f records/s, peak RSS %.0f MiB (best of '"$RUNS"'); dump --csv of the same files: %.2f s, %.0f records/s\n",
		$1, $2, $3, $4, $1 / $4, $5 / 1024, $6, $1 / $6 }'
