#!/bin/sh
# make bench, the NATS row: record batches from netcap agent through a
# local JetStream server (one nats-server, file storage, on loopback) to
# netcap collect, next to capture writing the same files directly
# (docs/DISTRIBUTED.md "Sizing").
#
# On build/bench/bench.pcap (bench.sh makes it), every record type, one
# worker; best (shortest) of BENCH_RUNS runs each:
#   capture -r -o DIR                  the files directly
#   agent -r (no -o)                   until every batch is acknowledged
#   collect                            the stream to files, alone, until
#                                      the server's /jsz shows nothing
#                                      pending for the consumer
#   agent and collect at once          from the agent's start to the end
#                                      of collect's drain
# with records/s and batches/s, and the stream's messages and octets
# (the server's /jsz) over the agent's time: what one server took in.
#
#   scripts/bench-nats.sh [NETCAP]
set -eu
NETCAP=${1:-build/netcap}
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
cap=build/bench/bench.pcap
command -v nats-server >/dev/null 2>&1 || {
	echo "nats row: skipped (nats-server not installed)"
	exit 0
}
[ -s "$cap" ] || {
	echo "nats row: skipped (no $cap: make bench makes it)"
	exit 0
}
out=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$out"' EXIT
set -- $(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
P=$1 M=$2
URL=nats://127.0.0.1:$P

server() { # a fresh server and stream
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$out/js"
	nats-server -a 127.0.0.1 -p "$P" -m "$M" -js -sd "$out/js" >"$out/ns.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$M/varz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$NETCAP" collect --setup --nats "$URL" >/dev/null
}
now() { date +%s.%N; }
# until the server says the consumer has nothing pending (its /jsz)
drained() {
	while [ "$(curl -s "http://127.0.0.1:$M/jsz?consumers=true" |
		python3 -c 'import json,sys
d = json.load(sys.stdin)
c = [c for a in d.get("account_details", []) for s in a.get("stream_detail", [])
     for c in s.get("consumer_detail", [])]
print(sum(x["num_pending"] + x["num_ack_pending"] for x in c) if c else 1)')" != 0 ]; do
		sleep 0.02
	done
}
dt() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
best() { # keep the smaller of $1 and $2 ("" is none)
	[ -z "$1" ] && echo "$2" && return
	echo "$1 $2" | awk '{ print ($2 < $1 ? $2 : $1) }'
}
val() { awk -v k="$1" '$0 ~ "^"k" " { sub("^"k" +", ""); print $1; exit }' "$2"; }

tcap= tag= tcol= tboth=
for _ in $(seq 1 "$RUNS"); do
	rm -rf "$out/cap"
	t0=$(now)
	"$NETCAP" capture -q -w 1 -r "$cap" -o "$out/cap" >"$out/cap.txt"
	tcap=$(best "$tcap" "$(dt "$t0" "$(now)")")

	server
	t0=$(now)
	"$NETCAP" agent -q -w 1 -r "$cap" --nats "$URL" --sensor bench \
		--spool "$out/spool" >"$out/agent.txt"
	tag=$(best "$tag" "$(dt "$t0" "$(now)")")
	curl -s "http://127.0.0.1:$M/jsz" >"$out/jsz.json"
	rm -rf "$out/coll"
	t0=$(now)
	"$NETCAP" collect -q -o "$out/coll" --nats "$URL" &
	cpid=$!
	drained
	tcol=$(best "$tcol" "$(dt "$t0" "$(now)")")
	kill -TERM $cpid
	wait $cpid || true

	server
	rm -rf "$out/coll2"
	t0=$(now)
	"$NETCAP" collect -q -o "$out/coll2" --nats "$URL" &
	cpid=$!
	"$NETCAP" agent -q -w 1 -r "$cap" --nats "$URL" --sensor bench \
		--spool "$out/spool" >/dev/null
	drained
	tboth=$(best "$tboth" "$(dt "$t0" "$(now)")")
	kill -TERM $cpid
	wait $cpid || true
done
recs=$(val records.total "$out/cap.txt")
bat=$(val "agent batches published" "$out/agent.txt")
read -r msgs bytes <<EOF
$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["messages"], d["bytes"])' "$out/jsz.json")
EOF
printf "\n%-52s %8s %12s %10s\n" "NATS JetStream, one server on loopback ($recs records)" seconds records/s batches/s
row() { echo "$2" | awk -v w="$1" -v r="$recs" -v b="$bat" \
	'{ printf "%-52s %8.3f %12.0f %10.0f\n", w, $1, r / $1, b / $1 }'; }
row "capture -r -o DIR (the files directly)" "$tcap"
row "agent -r, every batch acknowledged" "$tag"
row "collect (stream to files), alone" "$tcol"
row "agent and collect at once, to the last file" "$tboth"
echo "$msgs $bytes $tag" | awk '{ printf "stream: %d messages, %.1f MB stored; during the agent run %.0f messages/s, %.1f MB/s into one server\n", $1, $2 / 1e6, $1 / $3, $2 / 1e6 / $3 }'
