#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Prometheus metrics (docs/OPERATIONS.md "Metrics"): capture --metrics and
# export, scraped every second by Debian's Prometheus on loopback.
#
#   test/run-metrics.sh [NETCAP]
#
#   1. config/: promtool check config on the scrape configuration,
#      promtool check rules on the alerting rules and promtool
#      test rules (test/data/metrics/alerts-test.yml: each alert fires on
#      the series that should raise it, and only there).
#   2. Bad input: a malformed --metrics value, a port out of range, an
#      address not on this machine and a port in use (Prometheus's): one
#      line, exit 2, before EAL starts (no EAL line, no output directory).
#   3. A replayed capture (two net_pcap ports replaying from memory, one
#      with web, TLS and DNS traffic, one with an anomaly) with
#      --metrics-linger and a 20-connection table (evictions), while a client holds NC_METRICS_CONNS+ idle
#      connections open and another sends garbage: the peak RSS grows by
#      less than the stated bound (not checked under ASan, whose
#      quarantine grows the peak by itself), and Prometheus keeps
#      scraping.
#      metrics_check.py capture: counters monotonic, last packets and
#      records per type, drops by cause and connections closed by
#      timeout and eviction equal the summary, the rate
#      from the scrapes matches packets_per_s (a steady replay), series
#      under the bound.
#      `promtool check metrics` on a scrape (text format) is clean; the
#      OpenMetrics scrape (Accept header) ends in "# EOF".
#   4. A live port: net_af_packet on one end of a veth pair, ping and
#      HTTP from a namespace on the other end (root and ip netns; skipped
#      otherwise); the same checks.
#   5. export -r over the records of every capture in test/data (one
#      capture each): nc_protocols_total equals the sum of the summaries'
#      records, series under the bound; export --replay finishes.
#      Its DNS, TLS and HTTP counters and TCP/UDP size histograms equal
#      what tshark finds in the same capture, and every nc_ series of
#      capture --metrics --entropy on that capture (the decoders' hooks)
#      equals export's over the records capture wrote.
#   6. Every PromQL expression of config/grafana-netcap.json returns data.
#
# Without prometheus or promtool it prints "metrics: skipped (why)".
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-build/netcap}
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

skip() { echo "metrics: skipped ($*)"; exit 0; }
for p in prometheus promtool curl; do
	command -v $p >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"

TMP=$(mktemp -d /tmp/ncmetrics.XXXXXX)
NS=ncmet-$$
HOSTIF=ncmh$$
fail=0
PIDS=""
cleanup() {
	for pid in $PIDS $(jobs -p); do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	ip link del "$HOSTIF" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for sig in INT TERM HUP; do trap "echo metrics: interrupted by SIG$sig >&2; exit 1" $sig; done
bad() { echo "metrics: FAILED: $*"; fail=1; }
die() { echo "metrics: FAILED: $*"; exit 1; }

# free loopback ports (bound and released: nothing else here takes them)
set -- $("$PY" -c '
import socket
s = [socket.socket() for _ in range(5)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
PP=$1 P1=$2 P2=$3 P3=$4 P4=$5
PROM=http://127.0.0.1:$PP

# series bounds (docs/OPERATIONS.md "Series"): traffic metrics, then the
# engine's for W workers, P ports of Q queues
R=$(grep -c '^X(' records/rec_types.def)
E=$(grep -c '^E(' decoders/events.def)
TM=$((R + 307))
engine_bound() { echo $((45 + 9 * $1 + 2 * $2 + 2 * $2 * $3 + R + E + TM)); }

# --- 1. rules --------------------------------------------------------------
promtool check rules config/netcap-alerts.yml >"$TMP/rules.log" 2>&1 ||
	bad "promtool check rules: $(cat "$TMP/rules.log")"
promtool check config config/prometheus.yml >"$TMP/conf.log" 2>&1 ||
	bad "promtool check config: $(cat "$TMP/conf.log")"
(cd test/data/metrics && promtool test rules alerts-test.yml) >"$TMP/rt.log" 2>&1 ||
	bad "promtool test rules: $(cat "$TMP/rt.log")"
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' config/grafana-netcap.json ||
	bad "config/grafana-netcap.json is not JSON"

# --- Prometheus ------------------------------------------------------------
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: replay
    static_configs: [{targets: ['127.0.0.1:$P1']}]
  - job_name: live
    static_configs: [{targets: ['127.0.0.1:$P2']}]
  - job_name: export
    static_configs: [{targets: ['127.0.0.1:$P3']}]
EOF
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address=127.0.0.1:$PP --log.level=warn >"$TMP/prom.log" 2>&1 &
PIDS="$PIDS $!"
for i in $(seq 1 100); do
	curl -sf $PROM/-/ready >/dev/null 2>&1 && break
	[ $i = 100 ] && die "prometheus did not start: $(tail -3 "$TMP/prom.log")"
	sleep 0.1
done

# --- 2. bad input ----------------------------------------------------------
CAP=test/data/dns_a-aaaa-mx.pcap
"$NETCAP" capture -q -w 1 -r $CAP -o "$TMP/okrec" >/dev/null 2>&1 || bad "capture $CAP"
for v in nonsense 127.0.0.1: 127.0.0.1:0 127.0.0.1:70000 [::1 \
	192.0.2.1:$P4 127.0.0.1:$PP; do
	rm -rf "$TMP/bad"
	"$NETCAP" capture -r $CAP -o "$TMP/bad" -q --metrics "$v" \
		>"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	n=$(wc -l <"$TMP/bad.err")
	if [ $rc != 2 ] || [ "$n" != 1 ] || grep -q EAL "$TMP/bad.err" ||
		[ -e "$TMP/bad" ]; then
		bad "--metrics '$v': exit $rc, $n lines: $(cat "$TMP/bad.err")"
	fi
	"$NETCAP" export -r "$TMP/okrec" --metrics "$v" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	n=$(wc -l <"$TMP/bad.err")
	[ $rc = 2 ] && [ "$n" = 1 ] ||
		bad "export --metrics '$v': exit $rc, $n lines: $(cat "$TMP/bad.err")"
done
echo "metrics: bad --metrics values and busy ports: exit 2, one line, before EAL"

# --- 3. replayed capture ---------------------------------------------------
WEB=test/data/live_netns_http-tls-dns-ssh.pcap
ANOM=test/data/malformed_ipv4-invalid-total-length.pcap
"$NETCAP" capture -q -w 2 -o "$TMP/replay" --duration 12 --metrics-linger 3 \
	--max-connections 20 \
	-i "net_pcap0,rx_pcap=$WEB,infinite_rx=1,net_pcap1,rx_pcap=$ANOM,infinite_rx=1" \
	--metrics 127.0.0.1:$P1 -- --file-prefix ncmet-$$-1 \
	>"$TMP/replay.sum" 2>"$TMP/replay.err" &
NCPID=$!
for i in $(seq 1 100); do
	curl -sf http://127.0.0.1:$P1/metrics >"$TMP/scrape.txt" 2>/dev/null && break
	[ $i = 100 ] && die "capture --metrics: no answer: $(cat "$TMP/replay.err")"
	sleep 0.1
done
sleep 1
curl -sf http://127.0.0.1:$P1/metrics >"$TMP/scrape.txt" || bad "curl /metrics"
promtool check metrics <"$TMP/scrape.txt" >"$TMP/lint.log" 2>&1 ||
	bad "promtool check metrics: $(head -5 "$TMP/lint.log")"
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	-D "$TMP/om.hdr" http://127.0.0.1:$P1/metrics >"$TMP/scrape.om" || bad "curl OpenMetrics"
[ "$(tail -1 "$TMP/scrape.om")" = "# EOF" ] || bad "OpenMetrics scrape does not end in # EOF"
grep -qi '^content-type: application/openmetrics-text' "$TMP/om.hdr" ||
	bad "OpenMetrics content type: $(grep -i content-type "$TMP/om.hdr")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:$P1/metrics)
[ "$code" = 405 ] || bad "POST /metrics: $code, not 405"
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$P1/../etc/passwd)
[ "$code" = 404 ] || bad "GET /../etc/passwd: $code, not 404"

# hostile clients: idle connections past the limit, then garbage
hwm() { awk '/^VmHWM/ { print $2 }' /proc/$NCPID/status; }
rss0=$(hwm)
"$PY" - "$P1" >"$TMP/flood.log" 2>&1 <<'EOF' &
import os, socket, sys, time
port = int(sys.argv[1])
conns, t0, tries = [], time.time(), 0
# the server takes NC_METRICS_CONNS; the rest wait in its listen backlog
# or time out: 3 s of attempts at most
while tries < 1000 and time.time() - t0 < 3:
    tries += 1
    try:
        conns.append(socket.create_connection(("127.0.0.1", port), timeout=0.1))
    except OSError:
        pass
garbage = [b"\x00\xff" * 4096, b"GET /" + b"A" * 60000 + b" HTTP/1.1\r\n\r\n",
           b"GET /metrics HTTP/1.1\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
           os.urandom(20000)]
for i, s in enumerate(conns):
    try:
        s.settimeout(0.2)
        s.sendall(garbage[i % len(garbage)])
    except OSError:
        pass
print("flood: %d connection attempts, %d connected, garbage sent" % (tries, len(conns)))
time.sleep(1)
for s in conns:
    s.close()
EOF
FLOOD=$!
wait $FLOOD
rss1=$(hwm)
grow=$(( (${rss1:-0} - ${rss0:-0}) ))
# bound (docs/OPERATIONS.md): 32 connections x (16 KiB request memory +
# one response) and the HTTP thread: 4 MiB
# (not under ASan: its quarantine holds freed memory, so the running
# capture's peak grows by itself; the flood still runs, for ASan's checks)
[ -n "${NC_SAN:-}" ] || [ "$grow" -le 4096 ] ||
	bad "peak RSS grew by $grow KiB under 1000 connections (bound 4096)"
code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:$P1/metrics)
[ "$code" = 200 ] || bad "after the flood: /metrics answers $code"
echo "metrics: $(cat "$TMP/flood.log"), peak RSS $rss0 -> $rss1 KiB, /metrics answers again"
wait $NCPID || bad "replay capture exit $?: $(cat "$TMP/replay.err")"
[ -s "$TMP/replay.err" ] && bad "replay capture stderr: $(head -3 "$TMP/replay.err")"
"$PY" test/py/metrics_check.py wait $PROM replay || bad "wait replay"
"$PY" test/py/metrics_check.py capture $PROM replay "$TMP/replay.sum" \
	"$(engine_bound 2 2 1)" steady || bad "replay metrics"

# --- 4. live port ------------------------------------------------------------
live=0
if [ "$(id -u)" = 0 ] && ip netns add "$NS" 2>/dev/null; then
	live=1
	ip link add "$HOSTIF" type veth peer name ncmc$$ netns "$NS" ||
		die "veth pair"
	ethtool -K "$HOSTIF" rx off tx off tso off gso off gro off >/dev/null 2>&1
	ip addr add 10.204.0.1/24 dev "$HOSTIF"
	ip link set "$HOSTIF" up
	ip -n "$NS" addr add 10.204.0.2/24 dev ncmc$$
	ip -n "$NS" link set ncmc$$ up
	ip -n "$NS" link set lo up
	ip netns exec "$NS" ethtool -K ncmc$$ rx off tx off tso off gso off gro off \
		>/dev/null 2>&1
	mkdir -p "$TMP/www"
	head -c 100000 /dev/urandom >"$TMP/www/blob.bin"
	"$PY" -m http.server -b 10.204.0.1 -d "$TMP/www" 8080 >"$TMP/http.log" 2>&1 &
	PIDS="$PIDS $!"
	"$NETCAP" capture -q -w 2 -o "$TMP/live" --duration 6 --metrics-linger 3 \
		-i "net_af_packet0,iface=$HOSTIF" --metrics 127.0.0.1:$P2 \
		-- --file-prefix ncmet-$$-2 >"$TMP/live.sum" 2>"$TMP/live.err" &
	NCPID=$!
	for i in $(seq 1 100); do
		curl -sf http://127.0.0.1:$P2/metrics >/dev/null 2>&1 && break
		[ $i = 100 ] && die "live capture: no answer: $(cat "$TMP/live.err")"
		sleep 0.1
	done
	sleep 1
	ip netns exec "$NS" ping -q -c 300 -i 0.01 10.204.0.1 >/dev/null 2>&1
	for i in $(seq 1 20); do
		ip netns exec "$NS" curl -s -o /dev/null http://10.204.0.1:8080/blob.bin
	done
	wait $NCPID || bad "live capture exit $?: $(cat "$TMP/live.err")"
	"$PY" test/py/metrics_check.py wait $PROM live || bad "wait live"
	"$PY" test/py/metrics_check.py capture $PROM live "$TMP/live.sum" \
		"$(engine_bound 2 1 1)" || bad "live metrics"
else
	echo "metrics: live port skipped (needs root and ip netns)"
fi

# --- 5. export over the corpus ---------------------------------------------
: >"$TMP/sums"
dirs=""
for f in test/data/*.pcap test/data/*.pcapng; do
	b=$(basename "$f")
	"$NETCAP" capture -q -w 1 -r "$f" -o "$TMP/corpus/$b" \
		-- --file-prefix ncmet-$$-c >"$TMP/corpus-$b.sum" 2>/dev/null || continue
	ls "$TMP/corpus/$b"/*.ncap.lz4 >/dev/null 2>&1 || continue
	echo "$TMP/corpus-$b.sum" >>"$TMP/sums"
	dirs="$dirs${dirs:+,}$TMP/corpus/$b"
done
"$NETCAP" export -r "$dirs" --metrics 127.0.0.1:$P3 >"$TMP/export.sum" 2>"$TMP/export.err" &
EXPID=$!
"$PY" test/py/metrics_check.py wait $PROM export || bad "wait export"
sleep 1.5
"$PY" test/py/metrics_check.py export $PROM export "$TMP/sums" $((5 + TM)) ||
	bad "export metrics"
kill -TERM $EXPID
wait $EXPID || bad "export exit $?: $(cat "$TMP/export.err")"
# capture's traffic metrics, filled by its decoders as they make records,
# against export's reading of the records that capture wrote
"$NETCAP" capture -q -w 1 --entropy -r $WEB -o "$TMP/web" --metrics 127.0.0.1:$P4 \
	--metrics-linger 30 -- --file-prefix ncmet-$$-w >/dev/null 2>"$TMP/wcap.err" &
CAPID=$!
# scrape_when GAUGE FILE WHAT: scrape port P4 into FILE until GAUGE is 1
scrape_when() {
	for i in $(seq 1 300); do
		curl -sf http://127.0.0.1:$P4/metrics >"$2" 2>/dev/null &&
			grep -q "^$1 1" "$2" && return 0
		sleep 0.1
	done
	bad "$3 did not finish in 30 s"
}
scrape_when netcap_capture_finished "$TMP/webcap.txt" "capture $WEB"
kill -TERM $CAPID
wait $CAPID || bad "capture $WEB exit $?: $(cat "$TMP/wcap.err")"
# --replay: the web capture's records at 200x their pace, to the end
"$NETCAP" export -q -r "$TMP/web" --replay --speed 200 --metrics 127.0.0.1:$P4 \
	>/dev/null 2>"$TMP/rexp.err" &
EXPID=$!
scrape_when netcap_export_finished "$TMP/web.txt" "export --replay"
# its counters and histograms against tshark on the same capture
"$PY" test/py/metrics_check.py tshark "$TMP/web.txt" $WEB || bad "metrics vs tshark"
grep '^nc_' "$TMP/webcap.txt" | sort >"$TMP/webcap.nc"
grep '^nc_' "$TMP/web.txt" | sort >"$TMP/web.nc"
if [ ! -s "$TMP/webcap.nc" ] || ! cmp -s "$TMP/webcap.nc" "$TMP/web.nc"; then
	bad "capture's nc_ series differ from export's on its records: $(diff "$TMP/webcap.nc" "$TMP/web.nc" | head -5)"
else
	echo "metrics: capture's $(wc -l <"$TMP/web.nc") nc_ series equal export's on the records it wrote"
fi
kill -TERM $EXPID
wait $EXPID || bad "export --replay exit $?: $(cat "$TMP/rexp.err")"

# --- 6. dashboard ------------------------------------------------------------
jobs="replay export"
[ $live = 1 ] && jobs="$jobs live"
"$PY" test/py/metrics_check.py dashboard $PROM config/grafana-netcap.json $jobs ||
	bad "dashboard"

[ $fail = 0 ] && echo "metrics: all passed"
exit $fail
