#!/bin/sh
# make run: capture a bundled capture and show what came out.
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
CAP=test/data/tls12_sni_full-handshake.pcap
OUT=out/demo
rm -rf "$OUT"
echo "\$ $NETCAP capture -r $CAP -o $OUT --workers 2"
"$NETCAP" capture -r "$CAP" -o "$OUT" --workers 2
echo
echo "\$ ls $OUT"
ls -l "$OUT"
for t in Ethernet IPv4; do
	echo
	echo "\$ $NETCAP dump --table $OUT/$t.ncap.lz4 | head -6"
	"$NETCAP" dump --table "$OUT/$t.ncap.lz4" | head -6
done
sel=Timestamp,SrcIP,SrcPort,DstIP,DstPort,SYN,ACK,PSH,FIN,SeqNum,AckNum,PayloadSize
echo
echo "\$ $NETCAP dump --table --select $sel $OUT/TCP.ncap.lz4 | head -8"
"$NETCAP" dump --table --select "$sel" "$OUT/TCP.ncap.lz4" | head -8
echo
echo "\$ $NETCAP dump --json --time rfc3339 $OUT/TCP.ncap.lz4 | head -2"
"$NETCAP" dump --json --time rfc3339 "$OUT/TCP.ncap.lz4" | head -2
echo
echo "Next: $NETCAP dump --fields $OUT/TCP.ncap.lz4, then --select with the columns you want."
