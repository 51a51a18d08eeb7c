#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The web benchmark capture: real web traffic as users see it, made on
# this machine by real servers and clients in two network namespaces
# joined by a veth pair (no default route: nothing leaves them), and
# recorded by tcpdump on the client's end.
#
#   scripts/mkweb.sh OUT.pcap
#
#   webcli-PID  10.205.0.2  wrk (HTTP and HTTPS, keep-alive), dig
#   websrv-PID  10.205.0.1  nginx :80 and :443 (TLS 1.2/1.3, a key made
#                           here), gzip for text types; dnsmasq :53
#
# wrk asks, through a Lua script, for a mix of small pages, scripts and
# style sheets (gzip), JSON, and 40 KB images, with Accept-Encoding: gzip,
# first over HTTP, then over HTTPS, 40 connections each, for WEB_SECONDS
# (default 2, whole seconds: wrk's unit) each; meanwhile dig asks dnsmasq
# for one of 200 names (A, AAAA, MX) every 10 ms. Frames are wire-sized
# (offloads off), so the capture is what a tap would see. scripts/bench.sh makes it once (about
# 550,000 packets, 1.1 KB each on average; build/bench/web.pcap) and reads
# it end to end against tshark. Needs root, ip netns, nginx, wrk,
# dnsmasq, dig, tcpdump and openssl; exits 3 without them.
set -u
out=$1
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.." || exit 1
SECS=${WEB_SECONDS:-2}

skip() { echo "mkweb: cannot make the web capture: $*" >&2; exit 3; }
[ "$(id -u)" = 0 ] || skip "needs root"
for p in ip nginx wrk dnsmasq dig tcpdump openssl; do
	command -v $p >/dev/null 2>&1 || skip "$p not installed"
done

SRV=websrv-$$
CLI=webcli-$$
S4=10.205.0.1 C4=10.205.0.2
TMP=$(mktemp -d /tmp/ncweb.XXXXXX)
cleanup() {
	for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
	[ -s "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null
	sleep 0.2
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
die() { echo "mkweb: $*" >&2; exit 1; }

ip netns add "$SRV" && ip netns add "$CLI" || skip "ip netns unavailable"
ip link add web$$ netns "$SRV" type veth peer name web$$c netns "$CLI" ||
	die "cannot create a veth pair"
for ns in "$SRV" "$CLI"; do
	if [ "$ns" = "$SRV" ]; then dev=web$$ a4=$S4; else dev=web$$c a4=$C4; fi
	ip -n "$ns" link set "$dev" name veth0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	ip -n "$ns" addr add "$a4/24" dev veth0
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
	ip netns exec "$ns" ethtool -K veth0 rx off tx off tso off gso off \
		gro off >/dev/null 2>&1 || true
done

# content: pages, scripts, styles and JSON (text, gzip) and images
www=$TMP/www
mkdir -p "$www/img"
chmod 755 "$TMP"
for i in $(seq 0 9); do
	sed -n "$((i * 40 + 1)),$((i * 40 + 40 + i * 8))p" docs/ARCHITECTURE.md |
		awk '{ print "<p>" $0 "</p>" }' >"$www/page$i.html"
	sed -n "$((i * 30 + 1)),$((i * 30 + 120))p" app/capture.c >"$www/app$i.js"
	sed -n "$((i * 20 + 1)),$((i * 20 + 60))p" docs/OPERATIONS.md >"$www/style$i.css"
	head -c 40000 /dev/urandom >"$www/img/photo$i.jpg"
done
python3 -c 'import json; print(json.dumps([{"id": i, "name": "item %d" % i,
    "price": i * 1.25, "tags": ["a", "b", "c"]} for i in range(60)]))' >"$www/api.json"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/srv.key" \
	-out "$TMP/srv.pem" -subj /CN=www.web.test -days 2 \
	-addext "subjectAltName=DNS:www.web.test,IP:$S4" >/dev/null 2>&1 ||
	die "openssl"
. scripts/lib-nginx.sh
nginx_conf_head "$TMP" 4096 on >"$TMP/nginx.conf" || die "nginx.conf"
cat >>"$TMP/nginx.conf" <<EOF
	types { text/html html; application/javascript js; text/css css;
		application/json json; image/jpeg jpg; }
	keepalive_requests 100000;
	keepalive_timeout 60;
	gzip on;
	gzip_types application/javascript text/css application/json;
	gzip_min_length 256;
	server {
		listen $S4:80;
		listen $S4:443 ssl;
		server_name www.web.test;
		ssl_certificate $TMP/srv.pem;
		ssl_certificate_key $TMP/srv.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $www;
		add_header Set-Cookie "session=w3b; Path=/; HttpOnly";
	}
}
EOF
ip netns exec "$SRV" nginx -c "$TMP/nginx.conf" -p "$TMP" >/dev/null 2>&1 ||
	die "nginx: $(cat "$TMP/nginx.log")"
: >"$TMP/hosts"
for i in $(seq 0 199); do
	echo "10.205.$((1 + i / 250)).$((i % 250 + 1)) host$i.web.test" >>"$TMP/hosts"
done
ip netns exec "$SRV" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
	--addn-hosts="$TMP/hosts" --mx-host=web.test,mail.web.test,10 \
	--listen-address=$S4 --bind-interfaces --user=root \
	--pid-file="$TMP/dnsmasq.pid" >/dev/null 2>&1 &

cat >"$TMP/mix.lua" <<'EOF'
local paths = {}
for i = 0, 9 do
	paths[#paths + 1] = "/page" .. i .. ".html"
	paths[#paths + 1] = "/app" .. i .. ".js"
	paths[#paths + 1] = "/style" .. i .. ".css"
	paths[#paths + 1] = "/img/photo" .. i .. ".jpg"
end
paths[#paths + 1] = "/api.json"
paths[#paths + 1] = "/api.json?page=2"
local n = 0
wrk.headers["Accept-Encoding"] = "gzip"
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) netcap-web-bench"
wrk.headers["Host"] = "www.web.test"
request = function()
	n = n + 1
	return wrk.format("GET", paths[(n * 7) % #paths + 1])
end
EOF

ip netns exec "$CLI" tcpdump -i veth0 -n -s 0 -U -w "$out.tmp" \
	>"$TMP/td.log" 2>&1 &
TD=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$TMP/td.log" && break
	[ "$i" = 100 ] && die "tcpdump did not start"
	sleep 0.1
done
ip netns exec "$CLI" bash -c "
	i=0
	while :; do
		dig @$S4 +tries=1 +time=1 +short host\$((i % 200)).web.test A >/dev/null
		dig @$S4 +tries=1 +time=1 +short host\$((i % 200)).web.test AAAA >/dev/null
		[ \$((i % 10)) = 0 ] && dig @$S4 +tries=1 +time=1 +short web.test MX >/dev/null
		i=\$((i + 1))
		sleep 0.01
	done" &
DIG=$!
ip netns exec "$CLI" wrk -t 2 -c 40 -d "${SECS}s" -s "$TMP/mix.lua" \
	"http://$S4/" >"$TMP/wrk-http.log" 2>&1 || die "wrk http: $(cat "$TMP/wrk-http.log")"
ip netns exec "$CLI" wrk -t 2 -c 40 -d "${SECS}s" -s "$TMP/mix.lua" \
	"https://$S4/" >"$TMP/wrk-https.log" 2>&1 || die "wrk https: $(cat "$TMP/wrk-https.log")"
kill "$DIG" 2>/dev/null
sleep 0.5
kill -INT "$TD"
wait "$TD" 2>/dev/null
mv "$out.tmp" "$out" || die "no capture"
echo "mkweb: $out: HTTP $(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk-http.log") req/s," \
	"HTTPS $(sed -n 's/^Requests\/sec: *//p' "$TMP/wrk-https.log") req/s for ${SECS} s each;" \
	"$(capinfos -c -M "$out" | sed -n 's/^Number of packets: *//p') packets," \
	"$(capinfos -d -M "$out" | sed -n 's/^Data size: *//p');" \
	"tcpdump: $(grep -h 'dropped by kernel' "$TMP/td.log")"
