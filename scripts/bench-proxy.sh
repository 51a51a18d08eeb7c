#!/bin/sh
# make bench, the proxy row: `netcap proxy` in front of nginx against
# nginx alone, in the same run (docs/TOOLS.md "proxy").
#
# One network namespace (loopback only): nginx serves a 1 KiB file on
# 127.0.0.1:80, netcap proxy listens on 127.0.0.1:8080 with it as the
# remote. wrk (BENCH_PROXY_CONNS keep-alive connections, 2 threads,
# BENCH_PROXY_SECONDS) against nginx, then against the proxy, each
# BENCH_RUNS times, the run with the most requests/s kept. Printed:
# requests/s of both and their ratio, wrk's mean and p99 latency of both
# and the latency the proxy adds. A benchmark, not a test: nothing here
# is asserted. Needs root, ip netns, nginx and wrk; otherwise it prints
# "proxy: skipped (why)".
#
#   scripts/bench-proxy.sh [NETCAP]
#   (BENCH_RUNS 3, BENCH_PROXY_SECONDS 5, BENCH_PROXY_CONNS 100)
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.." || exit 1
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_PROXY_SECONDS:-5}
CONNS=${BENCH_PROXY_CONNS:-100}

skip() { echo "proxy: skipped ($*)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
for p in ip nginx wrk; do
	command -v $p >/dev/null 2>&1 || skip "$p not installed"
done
NS=ncbench-px-$$
ip netns add "$NS" 2>/dev/null || skip "ip netns unavailable"
TMP=$(mktemp -d /tmp/ncbench-px.XXXXXX)
cleanup() {
	for pid in $(ip netns pids "$NS" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	sleep 0.3
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
ip -n "$NS" link set lo up
mkdir -p "$TMP/www"
chmod 755 "$TMP"
head -c 1024 /dev/urandom >"$TMP/www/1k.bin"
. scripts/lib-nginx.sh
nginx_conf_head "$TMP" 8192 off >"$TMP/nginx.conf" || exit 1
cat >>"$TMP/nginx.conf" <<EOF
	keepalive_requests 10000000;
	server { listen 127.0.0.1:80; root $TMP/www; }
}
EOF
ip netns exec "$NS" nginx -c "$TMP/nginx.conf" -p "$TMP" >/dev/null 2>&1 &
ip netns exec "$NS" "$NETCAP" proxy --local 127.0.0.1:8080 \
	--remote http://127.0.0.1:80 -o "$TMP/out" -q 2>"$TMP/px.err" &
sleep 1
ulimit -n 16384

# best URL: "req/s mean_ms p99_ms" of the best of RUNS wrk runs
best() {
	i=0
	b="0 0 0"
	while [ $i -lt "$RUNS" ]; do
		ip netns exec "$NS" wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency "$1" \
			>"$TMP/wrk.log" 2>&1
		r=$(awk '
			function ms(v) {
				if (v ~ /us$/) return v / 1000
				if (v ~ /ms$/) return v + 0
				if (v ~ /s$/) return v * 1000
				return v
			}
			/^ +Latency +[0-9]/ { mean = ms($2) }
			/^ +99% / { p99 = ms($2) }
			/^Requests\/sec:/ { rps = $2 }
			END { printf "%s %s %s", rps + 0, mean + 0, p99 + 0 }' "$TMP/wrk.log")
		b=$(echo "$b $r" | awk '{ if ($4 > $1) print $4, $5, $6; else print $1, $2, $3 }')
		i=$((i + 1))
	done
	echo "$b"
}
direct=$(best http://127.0.0.1:80/1k.bin)
proxied=$(best http://127.0.0.1:8080/1k.bin)
echo "$direct $proxied" | awk -v c="$CONNS" -v s="$SECS" -v r="$RUNS" '{
	printf "proxy: wrk %d connections, %d s, 1 KiB file, best of %d: nginx alone %.0f req/s (mean %.2f ms, p99 %.2f ms); through netcap proxy %.0f req/s (mean %.2f ms, p99 %.2f ms): %.2fx the requests/s, latency added mean %.2f ms, p99 %.2f ms (%.2fx, %.2fx)\n",
		c, s, r, $1, $2, $3, $4, $5, $6, ($1 > 0 ? $4 / $1 : 0), $5 - $2, $6 - $3,
		($2 > 0 ? $5 / $2 : 0), ($3 > 0 ? $6 / $3 : 0) }'
