#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# netcap proxy (issue 15, docs/TOOLS.md "proxy") against nginx, with curl,
# wrk and hostile clients, all in two network namespaces joined by a veth
# pair (no default route: nothing leaves them):
#
#   pxcli-PID  10.203.0.2  curl, wrk, the hostile clients, tcpdump on veth0
#   pxsrv-PID  10.203.0.1  nginx :80 and :443 (TLS, a CA made here),
#                          a silent server on 127.0.0.1:9999,
#                          dnsmasq on 127.0.0.1:53 (web., moving. and
#                          slow.netcap.test; the namespace's resolv.conf
#                          names it) and a DNS server that never answers
#                          on 127.0.0.1:5399 (slow.netcap.test once its
#                          hosts line is gone),
#                          netcap proxy --config (ten proxies):
#     :8080 -> http://10.203.0.1:80    header/body timeouts 1 s + 1 s,
#                                      8 KiB headers
#     :8443 -> https://10.203.0.1:443  TLS both sides, remote_ca
#     :8081 -> http://127.0.0.1:9      nothing listens: 502
#     :8082 -> http://127.0.0.1:9999   accepts, never answers: 504 after 1 s
#     :8083 -> http://10.203.0.1:80    max_connections 2
#     :8084 -> https://10.203.0.1:443  remote_ca: another CA (502)
#     :8085 -> https://10.203.0.1:443  remote_verify false
#     :8086 -> http://web.netcap.test  the remote by name
#     :8087 -> http://moving.netcap.test   a name that moves, then goes
#     :8088 -> http://slow.netcap.test     a name whose resolution hangs:
#                                      504 after response_timeout 0.5 s
#
#   1. --help, and bad input (flags, config keys of the wrong type, unknown
#      keys): one line, exit 2.
#   2. Bodies: small files, a 5 MB file and a gzip chunked response,
#      through the plain and the TLS proxy, equal nginx's own (sha256);
#      curl with three URLs on one connection reuses it (num_connects); a
#      client that stops reading a 64 MB response grows the proxy's RSS by
#      less than 16 MB (plain and TLS: the body is streamed, not buffered).
#      Timings: two requests on one client connection through the TLS
#      proxy: the first (it made the upstream TLS connection) has
#      0 < TLSDoneAfter <= FirstByteAfter <= DoneAfter, the second
#      (reused it) TLSDoneAfter 0; through the plain proxy, and for the
#      remote whose certificate fails, TLSDoneAfter is 0. DNSDoneAfter:
#      through the proxy whose remote is a name, two client connections
#      (two requests on the first): dnsmasq logs exactly two A queries
#      for the name, the first request of each has 0 < DNSDoneAfter <=
#      FirstByteAfter, the second 0; a remote given as an address is
#      never resolved (0 in every other record).
#   4b. The remote by name, moved and lost (dnsmasq rereads its hosts file
#      on SIGHUP): moving.netcap.test answers 200, then, moved to an
#      address where nothing listens, 502, then, gone (NXDOMAIN), 502;
#      slow.netcap.test, once its resolution hangs, 504 after the
#      response timeout (the resolution in flight is cancelled), and a
#      client that leaves while its name is being resolved has its record:
#      the proxy goes on serving.
#   3. Records against capture: tcpdump on the client's veth during a few
#      exchanges, `netcap capture -r` on that pcap; the proxy's HTTP
#      records and capture's agree on method, host, URL, proto, status,
#      reason, user agent, referer, content lengths and types, server,
#      addresses and ports, parameters and cookies; capture's records
#      have DNSDoneAfter and TLSDoneAfter 0 (proxy timings).
#   4. Hostile: a malformed request line (400), oversized headers (4xx), a
#      slow client (one header octet per 0.3 s: 408 and closed), an
#      unreachable remote (502), a remote that does not answer (504), an
#      https remote whose certificate another CA signed (502; with
#      remote_verify false: 200), a body over max_body_size (413), a
#      connection over the limit (503, closed): each in the summary's
#      counters and (those with a request) as a record with that status.
#   5. wrk, 1000 keep-alive connections for 10 s: no socket errors, no
#      non-2xx; the proxy's peak RSS (VmHWM) under PROXY_RSS_MB (200,
#      docs; not under ASan, NC_SAN set: its quarantine grows the peak);
#      records of wrk's URL >= wrk's requests, every one status 200.
#   6. SIGTERM: exit 0, the summary's record count equals the records in
#      the file (`netcap dump` reads it to the end), completed <= records.
#   7. SIGTERM during wrk load (a second proxy): exit 0 within the stop
#      timeout, the file reads fully, records == the summary's records >=
#      its completed requests.
#   8. SIGKILL (a third proxy, flags only): the records of exchanges that
#      ended 0.5 s before are in the file (batches are written every
#      100 ms), and `netcap dump` reads them.
# No timing is asserted. Without root, ip netns, nginx, curl, wrk,
# tcpdump or openssl it prints "proxy: skipped (why)". About 45 s.
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-build/netcap}
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac
PROXY_RSS_MB=${PROXY_RSS_MB:-200}

skip() { echo "proxy: skipped ($*)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not installed"
probe=pxprobe-$$
ip netns add "$probe" 2>/dev/null || skip "ip netns unavailable"
ip netns del "$probe"
for p in nginx curl wrk tcpdump openssl ss dnsmasq; do
	command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

SRV=pxsrv-$$
CLI=pxcli-$$
S4=10.203.0.1 C4=10.203.0.2
TMP=$(mktemp -d /tmp/ncproxy.XXXXXX)
fail=0

cleanup() {
	for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	rm -rf "/etc/netns/$SRV" "$TMP"
	rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
for sig in INT TERM HUP; do trap "echo proxy: interrupted by SIG$sig >&2; exit 1" $sig; done

die() { echo "proxy: FAILED: $*"; exit 1; }
bad() { echo "proxy: FAILED: $*"; fail=1; }
in_srv() { ip netns exec "$SRV" "$@"; }
in_cli() { ip netns exec "$CLI" "$@"; }

# --- 1. usage -------------------------------------------------------------
"$NETCAP" proxy --help >"$TMP/help" || bad "--help exit status"
for o in --local --remote --out --config --tls-cert --tls-key --remote-ca \
	--no-verify --header-timeout --body-timeout --connect-timeout \
	--response-timeout --idle-timeout --max-connections --max-header-size \
	--max-body-size --stop-timeout --quiet; do
	grep -q -- "$o" "$TMP/help" || bad "--help does not document $o"
done
# usage_err WHAT ARGS...: exit 2, exactly one line on stderr, nothing else
usage_err() {
	what=$1
	shift
	"$NETCAP" proxy "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	rc=$?
	[ $rc = 2 ] || bad "$what: exit $rc, expected 2"
	[ "$(wc -l <"$TMP/u.err")" = 1 ] || bad "$what: stderr not one line: $(cat "$TMP/u.err")"
	[ -s "$TMP/u.out" ] && bad "$what: wrote to stdout"
}
usage_err "no remote" --local :8080 -o "$TMP/x"
usage_err "bad scheme" --local :8080 --remote ftp://h -o "$TMP/x"
usage_err "bad port" --local :99999 --remote http://h -o "$TMP/x"
usage_err "bad timeout" --local :8080 --remote http://h --idle-timeout 0 -o "$TMP/x"
usage_err "unknown flag" --local :8080 --remote http://h --frobnicate -o "$TMP/x"
usage_err "ca for http" --local :8080 --remote http://h --remote-ca /x -o "$TMP/x"
printf '{"proxies":[{"local":":8080","remote":"http://h","idle_timeout":"5"}]}' >"$TMP/c1.json"
usage_err "wrong type" --config "$TMP/c1.json" -o "$TMP/x"
printf '{"proxies":[{"local":":8080","remote":"http://h","colour":1}]}' >"$TMP/c2.json"
usage_err "unknown key" --config "$TMP/c2.json" -o "$TMP/x"
printf '{"out":"x","extra":1,"proxies":[]}' >"$TMP/c3.json"
usage_err "unknown top key" --config "$TMP/c3.json"
printf '{"proxies":[{"local":":8080",' >"$TMP/c4.json"
usage_err "bad json" --config "$TMP/c4.json" -o "$TMP/x"
usage_err "config and flags" --config config/proxy.json --local :1 -o "$TMP/x"
[ -e "$TMP/x" ] && bad "a usage error created the output directory"

# --- namespaces -----------------------------------------------------------
ip netns add "$SRV" || die "ip netns add"
ip netns add "$CLI" || die "ip netns add"
ip link add "pxs$$" netns "$SRV" type veth peer name "pxc$$" netns "$CLI" ||
	die "cannot create a veth pair"
for ns in "$SRV" "$CLI"; do
	if [ "$ns" = "$SRV" ]; then dev=pxs$$ a4=$S4; else dev=pxc$$ a4=$C4; fi
	ip -n "$ns" link set "$dev" name veth0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	ip -n "$ns" addr add "$a4/24" dev veth0
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
	# wire-sized frames with valid checksums for the capture
	ip netns exec "$ns" ethtool -K veth0 rx off tx off tso off gso off \
		gro off >/dev/null 2>&1 || true
done
for ns in "$SRV" "$CLI"; do
	[ -z "$(ip -n "$ns" -4 route show default)" ] || die "$ns has a default route"
done

# --- certificates (a CA made here) and servers ----------------------------
cd "$TMP" || die "cd"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
	-subj /CN=netcap-proxy-test-ca -days 2 >/dev/null 2>&1 || die "openssl CA"
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem \
	-subj /CN=some-other-ca -days 2 >/dev/null 2>&1 || die "openssl other CA"
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr \
	-subj /CN=$S4 >/dev/null 2>&1 || die "openssl key"
printf 'subjectAltName=IP:%s\n' $S4 >san.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-out srv.pem -days 2 -extfile san.ext >/dev/null 2>&1 || die "openssl sign"
cd - >/dev/null || die "cd"

mkdir -p "$TMP/www"
chmod 755 "$TMP"
printf 'hello from the proxy test\n' >"$TMP/www/index.html"
printf 'wrk\n' >"$TMP/www/wrk.html"
head -c 5000000 /dev/urandom >"$TMP/www/big.bin"
head -c 100000 /dev/urandom >"$TMP/www/mid.bin"
truncate -s 64M "$TMP/www/huge.bin"
cat docs/*.md >"$TMP/www/text.txt"
. scripts/lib-nginx.sh
nginx_conf_head "$TMP" 8192 off >"$TMP/nginx.conf" || die "nginx.conf"
cat >>"$TMP/nginx.conf" <<EOF
	default_type application/octet-stream;
	types { text/html html; text/plain txt; }
	keepalive_requests 1000000;
	keepalive_timeout 60;
	server {
		listen $S4:80;
		listen $S4:443 ssl;
		ssl_certificate $TMP/srv.pem;
		ssl_certificate_key $TMP/srv.key;
		root $TMP/www;
		gzip on;
		gzip_types text/plain;
		gzip_min_length 0;
		location = /index.html {
			add_header Set-Cookie "sid=abc123; Path=/; HttpOnly; SameSite=Lax";
		}
		location = /form { return 200 "form\n"; }
	}
}
EOF
in_srv nginx -t -c "$TMP/nginx.conf" -p "$TMP" >"$TMP/nginx-t.log" 2>&1 ||
	die "nginx -t: $(cat "$TMP/nginx-t.log")"
ip netns exec "$SRV" nginx -c "$TMP/nginx.conf" -p "$TMP" >>"$TMP/nginx.log" 2>&1 &
# the remote that accepts and never answers
ip netns exec "$SRV" "$PY" -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9999)); s.listen(16); held = []
while True:
    c, _ = s.accept(); held.append(c)
' >/dev/null 2>&1 &

# the remote by name: `ip netns exec` shows the namespace's processes
# /etc/netns/NS/resolv.conf as /etc/resolv.conf
mkdir -p "/etc/netns/$SRV" || die "mkdir /etc/netns/$SRV"
# (one attempt of 1 s: the AAAA query of slow.netcap.test goes to the
# server that never answers, and the proxy resolves its remotes at start)
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$SRV/resolv.conf"
printf '%s moving.netcap.test\n%s slow.netcap.test\n' $S4 $S4 >"$TMP/dnshosts"
ip netns exec "$SRV" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
	--listen-address=127.0.0.1 --bind-interfaces --user=root \
	--pid-file="$TMP/dnsmasq.pid" --address=/web.netcap.test/$S4 \
	--addn-hosts="$TMP/dnshosts" --server=/slow.netcap.test/127.0.0.1#5399 \
	--log-queries --log-facility="$TMP/dnsmasq.log" >/dev/null 2>&1 &
# the DNS server that never answers
ip netns exec "$SRV" "$PY" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5399))
while True:
    s.recv(4096)
' >/dev/null 2>&1 &
for i in $(seq 1 50); do
	in_srv ss -H -lnu | grep -q "127.0.0.1:53 " && break
	[ "$i" = 50 ] && die "dnsmasq did not start: $(cat "$TMP/dnsmasq.log" 2>/dev/null)"
	sleep 0.1
done

cat >"$TMP/proxy.json" <<EOF
{
  "out": "$TMP/out",
  "stop_timeout": 5,
  "proxies": [
    {"name": "plain", "local": "$S4:8080", "remote": "http://$S4:80",
     "header_timeout": 1, "body_timeout": 1, "max_header_size": 8192,
     "max_body_size": 1048576},
    {"name": "tls", "local": "$S4:8443", "remote": "https://$S4:443",
     "tls_cert": "$TMP/srv.pem", "tls_key": "$TMP/srv.key",
     "remote_ca": "$TMP/ca.pem"},
    {"name": "unreachable", "local": "$S4:8081", "remote": "http://127.0.0.1:9",
     "connect_timeout": 2},
    {"name": "silent", "local": "$S4:8082", "remote": "http://127.0.0.1:9999",
     "response_timeout": 1},
    {"name": "limited", "local": "$S4:8083", "remote": "http://$S4:80",
     "max_connections": 2},
    {"name": "wrong-ca", "local": "$S4:8084", "remote": "https://$S4:443",
     "remote_ca": "$TMP/other-ca.pem"},
    {"name": "no-verify", "local": "$S4:8085", "remote": "https://$S4:443",
     "remote_verify": false},
    {"name": "named", "local": "$S4:8086", "remote": "http://web.netcap.test"},
    {"name": "moving", "local": "$S4:8087", "remote": "http://moving.netcap.test"},
    {"name": "slowdns", "local": "$S4:8088", "remote": "http://slow.netcap.test",
     "response_timeout": 0.5}
  ]
}
EOF
ip netns exec "$SRV" "$NETCAP" proxy --config "$TMP/proxy.json" \
	>"$TMP/px.sum" 2>"$TMP/px.err" &
PX=$!
for i in $(seq 1 100); do
	n=$(in_srv ss -H -lnt | grep -cE ":(80|443|8080|8443|808[1-8]|9999) ")
	[ "$n" -ge 13 ] && break
	kill -0 $PX 2>/dev/null || die "proxy exited: $(cat "$TMP/px.err")"
	[ "$i" = 100 ] && die "servers did not start ($n listening)"
	sleep 0.1
done

ccurl() { in_cli curl -sS --noproxy '*' --max-time 20 "$@"; }

# --- 2. bodies ------------------------------------------------------------
for path in index.html big.bin text.txt missing.html; do
	for hdr in "Accept-Encoding: identity" "Accept-Encoding: gzip"; do
		ccurl -H "$hdr" -o "$TMP/direct" "http://$S4/$path" || bad "curl direct $path"
		ccurl -H "$hdr" -o "$TMP/viaplain" "http://$S4:8080/$path" || bad "curl plain $path"
		ccurl -H "$hdr" --cacert "$TMP/ca.pem" -o "$TMP/viatls" \
			"https://$S4:8443/$path" || bad "curl tls $path"
		d=$(sha256sum <"$TMP/direct")
		[ "$d" = "$(sha256sum <"$TMP/viaplain")" ] || bad "plain proxy: $path ($hdr) differs from nginx's"
		[ "$d" = "$(sha256sum <"$TMP/viatls")" ] || bad "TLS proxy: $path ($hdr) differs from nginx's"
	done
done
# an HTTP/1.0 client asking for keep-alive gets the chunked response as
# a body that ends with the connection
ccurl --http1.0 -H "Connection: keep-alive" -H "Accept-Encoding: gzip" \
	-o "$TMP/h10" "http://$S4:8080/text.txt" || bad "curl --http1.0"
ccurl -H "Accept-Encoding: gzip" -o "$TMP/direct" "http://$S4/text.txt"
[ "$(sha256sum <"$TMP/h10")" = "$(sha256sum <"$TMP/direct")" ] ||
	bad "HTTP/1.0 client: the gzip body differs from nginx's"
# the gzip response is chunked (nginx compresses on the fly)
ccurl -H "Accept-Encoding: gzip" -D "$TMP/gz.h" -o /dev/null "http://$S4:8080/text.txt"
grep -qi '^transfer-encoding: chunked' "$TMP/gz.h" || bad "gzip response through the proxy is not chunked"
grep -qi '^content-encoding: gzip' "$TMP/gz.h" || bad "gzip response lost Content-Encoding"
# keep-alive: three URLs, one connection
conns=$(ccurl -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects} ' \
	"http://$S4:8080/index.html" "http://$S4:8080/big.bin" "http://$S4:8080/index.html")
[ "$conns" = "1 0 0 " ] || bad "keep-alive: connections per transfer '$conns', expected '1 0 0 '"
conns=$(ccurl --cacert "$TMP/ca.pem" -o /dev/null -o /dev/null -w '%{num_connects} ' \
	"https://$S4:8443/index.html" "https://$S4:8443/big.bin")
[ "$conns" = "1 0 " ] || bad "TLS keep-alive: connections per transfer '$conns'"
# timings (checked on the records below): a new client connection makes
# its upstream connection at its first request, and reuses it after
conns=$(ccurl --cacert "$TMP/ca.pem" -o /dev/null -o /dev/null -w '%{num_connects} ' \
	"https://$S4:8443/index.html?timing=tls1" "https://$S4:8443/index.html?timing=tls2")
[ "$conns" = "1 0 " ] || bad "timing, TLS keep-alive: connections per transfer '$conns'"
ccurl -o /dev/null "http://$S4:8080/index.html?timing=plain" || bad "curl (timing, plain)"
# the remote by name: resolved for each upstream connection (one per
# client connection), with dnsmasq's log as the count
aq() { grep -ci 'query\[A\] web.netcap.test ' "$TMP/dnsmasq.log"; }
q0=$(aq)
conns=$(ccurl -o /dev/null -o /dev/null -w '%{num_connects} ' \
	"http://$S4:8086/index.html?timing=dns1" "http://$S4:8086/index.html?timing=dns2")
[ "$conns" = "1 0 " ] || bad "timing, named remote: connections per transfer '$conns'"
ccurl -o /dev/null "http://$S4:8086/index.html?timing=dns3" || bad "curl (timing, dns3)"
for i in $(seq 1 20); do
	[ $(($(aq) - q0)) -ge 2 ] && break
	sleep 0.1
done
[ $(($(aq) - q0)) = 2 ] ||
	bad "named remote: dnsmasq saw $(($(aq) - q0)) A queries for 2 upstream connections: $(tail -5 "$TMP/dnsmasq.log")"
# streaming: a client that stops reading a 64 MB response costs the proxy
# at most its flow-control window, not the body (plain and TLS)
for port in 8080 8443; do
	in_cli "$PY" - "$S4" "$port" "$PX" "$TMP/ca.pem" >"$TMP/stream.log" 2>&1 <<'PYEOF' ||
import socket, ssl, sys, time
host, port, pid, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])
s = socket.create_connection((host, port), timeout=10)
if port == 8443:
    s = ssl.create_default_context(cafile=ca).wrap_socket(s, server_hostname=host)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
before = rss()
s.sendall(b"GET /huge.bin HTTP/1.1\r\nHost: x\r\n\r\n")
got = 0
while got < 1 << 20:
    got += len(s.recv(65536))
time.sleep(1.5)  # the client reads nothing now
grown = rss() - before
print(f"port {port}: RSS grew {grown} kB while a 64 MB response waited")
if grown > 16384:
    sys.exit(f"port {port}: RSS grew {grown} kB: the response is buffered")
PYEOF
		bad "streaming: $(cat "$TMP/stream.log")"
	cat "$TMP/stream.log"
done

# --- 3. records against capture on the client's veth ----------------------
ip netns exec "$CLI" tcpdump -i veth0 -n -s 0 -U -w "$TMP/cli.pcap" \
	"tcp port 8080" >"$TMP/td.log" 2>&1 &
TD=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$TMP/td.log" && break
	[ "$i" = 100 ] && die "tcpdump did not start"
	sleep 0.1
done
ccurl -o /dev/null -A "netcap-test/1" -e "http://ref.example/" \
	"http://$S4:8080/index.html?a=1&b=two%20words" || bad "curl (capture)"
ccurl -o /dev/null -b "k1=v1; k2=v2" "http://$S4:8080/missing.html" || bad "curl 404"
ccurl -o /dev/null -H "Accept-Encoding: gzip" "http://$S4:8080/text.txt" || bad "curl gzip"
ccurl -o /dev/null -I "http://$S4:8080/big.bin" || bad "curl HEAD"
ccurl -o /dev/null -d 'x=1&y=2' "http://$S4:8080/form" || bad "curl POST"
ccurl -o /dev/null "http://$S4:8080/big.bin" || bad "curl big"
sleep 1
kill -TERM $TD
wait $TD
"$NETCAP" capture -r "$TMP/cli.pcap" -o "$TMP/cap" -q >"$TMP/cap.log" 2>&1 ||
	bad "capture -r: $(tail -3 "$TMP/cap.log")"

# --- 4. hostile clients ---------------------------------------------------
in_cli "$PY" - "$S4" >"$TMP/hostile.log" 2>&1 <<'PYEOF' || bad "hostile: $(cat "$TMP/hostile.log")"
import socket, sys, time
H = sys.argv[1]
bad = []
def talk(port, data, wait=5):
    s = socket.create_connection((H, port), timeout=wait)
    out = b""
    try:
        s.sendall(data)
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except OSError as e:
        out += b"<" + repr(e).encode() + b">"
    s.close()
    return out
def status(out):
    return out[9:12].decode(errors="replace") if out.startswith(b"HTTP/1.") else out[:40]
def want(what, got, ok):
    print(what, got)
    if got not in ok:
        bad.append(f"{what}: got {got!r}, expected one of {ok}")
want("malformed", status(talk(8080, b"GARBAGE\r\n\r\n")), ["400"])
want("no version", status(talk(8080, b"GET /\r\n\r\n")), ["400"])
want("oversized headers", status(talk(8080, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: "
                                         + b"a" * 20000 + b"\r\n\r\n")), ["400", "413", "431"])
# slowloris: one octet every 0.3 s never completes the header in 2 s
s = socket.create_connection((H, 8080), timeout=10)
out = b""
t0 = time.time()
try:
    for b in b"GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 30:
        s.send(bytes([b]))
        time.sleep(0.3)
    out = s.recv(1000)
except OSError as e:
    try:
        out = s.recv(1000)
    except OSError:
        out = repr(e).encode()
s.close()
want("slow client", status(out), ["408"])
print("slow client closed after", round(time.time() - t0, 1), "s")
want("unreachable", status(talk(8081, b"GET /u HTTP/1.1\r\nHost: x\r\n\r\n")), ["502"])
want("silent remote", status(talk(8082, b"GET /s HTTP/1.1\r\nHost: x\r\n\r\n")), ["504"])
want("remote certificate from another CA", status(talk(8084, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")), ["502"])
want("remote_verify false", status(talk(8085, b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")), ["200"])
want("body over max_body_size", status(talk(8080, b"POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + b"a" * 65536)), ["413"])
# two connections held (with a request each), the third is refused
held = [socket.create_connection((H, 8083), timeout=5) for _ in range(2)]
for c in held:
    c.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    c.recv(65536)
time.sleep(0.3)
want("over the limit", status(talk(8083, b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")), ["503", ""])
for c in held:
    c.close()
if bad:
    print("\n".join(bad))
    sys.exit(1)
PYEOF

# --- 4b. the remote by name, moved and lost -------------------------------
code() { ccurl -o /dev/null -w '%{http_code}' "$@"; }
rehost() { # rewrite dnsmasq's hosts file, have it reread
	printf "$1" >"$TMP/dnshosts"
	kill -HUP "$(cat "$TMP/dnsmasq.pid")"
	sleep 0.3
}
c=$(code "http://$S4:8087/index.html?moving=1")
[ "$c" = 200 ] || bad "moving.netcap.test: $c, expected 200"
rehost "127.0.0.1 moving.netcap.test\n$S4 slow.netcap.test\n"
c=$(code "http://$S4:8087/index.html?moving=2")
[ "$c" = 502 ] || bad "moving.netcap.test moved to 127.0.0.1 (nothing on :80): $c, expected 502"
rehost "$S4 slow.netcap.test\n"
c=$(code "http://$S4:8087/index.html?moving=3")
[ "$c" = 502 ] || bad "moving.netcap.test gone: $c, expected 502"
rehost ""
c=$(code "http://$S4:8088/index.html?slow=1")
[ "$c" = 504 ] || bad "slow.netcap.test (resolution hangs): $c, expected 504"
# a client that leaves while the name is being resolved
in_cli "$PY" -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 8088), timeout=5)
s.sendall(b"GET /index.html?slow=2 HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(0.3)
s.close()' "$S4" || bad "the client that leaves"
sleep 0.5
c=$(code "http://$S4:8080/index.html?after=slow")
[ "$c" = 200 ] || bad "after the hung resolutions the plain proxy answers $c"
echo "proxy: named remote moved (502), gone (502), resolution hung (504), client left while resolving"
# back as it was, for the proxies started below with the same config
rehost "$S4 moving.netcap.test\n$S4 slow.netcap.test\n"

# --- 5. wrk: 1000 keep-alive connections ----------------------------------
ulimit -n 16384
in_cli wrk -t 2 -c 1000 -d 10s --timeout 10s "http://$S4:8080/wrk.html" >"$TMP/wrk.log" 2>&1 ||
	bad "wrk failed: $(cat "$TMP/wrk.log")"
grep -q "Socket errors" "$TMP/wrk.log" && bad "wrk: $(grep 'Socket errors' "$TMP/wrk.log")"
grep -q "Non-2xx" "$TMP/wrk.log" && bad "wrk: $(grep 'Non-2xx' "$TMP/wrk.log")"
wrk_n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$TMP/wrk.log")
[ -n "$wrk_n" ] || bad "wrk printed no request count: $(cat "$TMP/wrk.log")"
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/$PX/status)
echo "proxy: wrk $wrk_n requests, $(sed -n 's/Requests\/sec: *//p' "$TMP/wrk.log") req/s, proxy peak RSS ${hwm} kB"
# (the plain build only: ASan's quarantine grows the peak by itself)
if [ -z "${NC_SAN:-}" ]; then
	[ -n "$hwm" ] && [ "$hwm" -lt $((PROXY_RSS_MB * 1024)) ] ||
		bad "peak RSS ${hwm} kB is over ${PROXY_RSS_MB} MB"
fi

# --- 6. SIGTERM: the summary and the file ---------------------------------
kill -TERM $PX
wait $PX
rc=$?
[ $rc = 0 ] || bad "proxy exit status $rc after SIGTERM: $(cat "$TMP/px.err")"
cat "$TMP/px.sum"

# --- 7. SIGTERM during wrk load -------------------------------------------
sed -e "s|\"$TMP/out\"|\"$TMP/out2\"|" "$TMP/proxy.json" >"$TMP/proxy2.json"
ip netns exec "$SRV" "$NETCAP" proxy --config "$TMP/proxy2.json" \
	>"$TMP/px2.sum" 2>"$TMP/px2.err" &
PX2=$!
for i in $(seq 1 100); do
	in_srv ss -H -lnt "sport = :8080" | grep -q . && break
	[ "$i" = 100 ] && die "second proxy did not start: $(cat "$TMP/px2.err")"
	sleep 0.1
done
in_cli wrk -t 2 -c 200 -d 4s --timeout 10s "http://$S4:8080/mid.bin" >"$TMP/wrk2.log" 2>&1 &
WRK2=$!
sleep 2
kill -TERM $PX2
wait $PX2
rc2=$?
wait $WRK2
wrk2_n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$TMP/wrk2.log")
[ $rc2 = 0 ] || bad "proxy under load: exit status $rc2 after SIGTERM: $(cat "$TMP/px2.err")"
cat "$TMP/px2.sum"

# --- 8. SIGKILL: what was written 100 ms before is in the file ------------
ip netns exec "$SRV" "$NETCAP" proxy --local "$S4:8090" --remote "http://$S4:80" \
	-o "$TMP/out3" -q >/dev/null 2>"$TMP/px3.err" &
PX3=$!
for i in $(seq 1 100); do
	in_srv ss -H -lnt "sport = :8090" | grep -q . && break
	[ "$i" = 100 ] && die "third proxy did not start: $(cat "$TMP/px3.err")"
	sleep 0.1
done
for i in 1 2 3 4 5; do
	ccurl -o /dev/null "http://$S4:8090/index.html?kill=$i" || bad "curl (kill test)"
done
sleep 0.5 # a few record flushes (every 100 ms)
kill -KILL $PX3
wait $PX3 2>/dev/null
"$NETCAP" dump --json "$TMP/out3/HTTP.ncap.lz4" >"$TMP/kill.json" 2>"$TMP/kill.err"
n=$(grep -c '"URL":"/index.html?kill=' "$TMP/kill.json")
[ "$n" = 5 ] || bad "after SIGKILL the file has $n of the 5 records: $(cat "$TMP/kill.err")"

# --- the checks on the records --------------------------------------------
"$PY" - "$NETCAP" "$TMP" "$wrk_n" "${wrk2_n:-0}" <<'PYEOF' || fail=1
import json, re, subprocess, sys
netcap, tmp = sys.argv[1], sys.argv[2]
wrk_n, wrk2_n = int(sys.argv[3] or 0), int(sys.argv[4] or 0)
bad = []
def dump(path):
    r = subprocess.run([netcap, "dump", "--json", path], capture_output=True, text=True)
    if r.returncode:
        bad.append(f"netcap dump {path}: exit {r.returncode}: {r.stderr.strip()}")
    return [json.loads(l) for l in r.stdout.splitlines()]
def summary(path):
    line = open(path).read().strip().splitlines()
    line = [l for l in line if l.startswith("proxy: ")]
    if not line:
        bad.append(f"{path}: no summary line")
        return {}
    t = line[-1].split()[1:]
    return {t[i]: int(t[i + 1]) for i in range(0, len(t) - 1, 2)}

recs = dump(f"{tmp}/out/HTTP.ncap.lz4")
s = summary(f"{tmp}/px.sum")
if s:
    if s["records"] != len(recs):
        bad.append(f"summary records {s['records']} != {len(recs)} in the file")
    if s["completed"] > s["records"]:
        bad.append(f"completed {s['completed']} > records {s['records']}")
    for k in ("bad_request", "header_too_large", "body_too_large", "slow_client",
              "upstream_unreachable", "upstream_timeout", "over_limit"):
        if s.get(k, 0) < 1:
            bad.append(f"summary: {k} is {s.get(k)}, expected >= 1")
    if s.get("record_write", 0):
        bad.append("summary: record_write errors")
codes = {}
for r in recs:
    codes[r["StatusCode"]] = codes.get(r["StatusCode"], 0) + 1
for want in (400, 408, 413, 502, 504):
    if not codes.get(want):
        bad.append(f"no record with status {want} (statuses: {codes})")
wrk = [r for r in recs if r["URL"] == "/wrk.html"]
if len(wrk) < wrk_n:
    bad.append(f"{len(wrk)} records of /wrk.html < wrk's {wrk_n} requests")
if any(r["StatusCode"] != 200 for r in wrk):
    bad.append("a /wrk.html record is not 200")

# the exchanges on the client's veth: capture's records against the proxy's
cap = dump(f"{tmp}/cap/HTTP.ncap.lz4")
if len(cap) != 6:
    bad.append(f"capture found {len(cap)} HTTP records in the pcap, expected 6")
by = {(r["SrcPort"], r["URL"], r["Method"]): r for r in recs}
fields = ["Proto", "Method", "Host", "URL", "StatusCode", "StatusMsg",
          "UserAgent", "Referer", "ReqContentLength", "ResContentLength",
          "ContentType", "ResContentType", "ResContentEncoding", "ServerName",
          "SrcIP", "DstIP", "SrcPort", "DstPort", "Parameters",
          "RequestBodyLength", "ResponseBodyLength", "ReqHeaders", "ResHeaders"]
for c in cap:
    p = by.get((c["SrcPort"], c["URL"], c["Method"]))
    if not p:
        bad.append(f"no proxy record for capture's {c['Method']} {c['URL']} from port {c['SrcPort']}")
        continue
    for f in fields:
        if c[f] != p[f]:
            bad.append(f"{c['Method']} {c['URL']}: {f}: capture {c[f]!r}, proxy {p[f]!r}")
    for f in ("ReqCookies", "ResCookies"):
        if [(k["Name"], k["Value"], k["Path"], k["HttpOnly"], k["SameSite"]) for k in c[f]] != \
           [(k["Name"], k["Value"], k["Path"], k["HttpOnly"], k["SameSite"]) for k in p[f]]:
            bad.append(f"{c['URL']}: {f}: capture {c[f]}, proxy {p[f]}")
    if p["DoneAfter"] < p["FirstByteAfter"] or p["FirstByteAfter"] <= 0:
        bad.append(f"{c['URL']}: FirstByteAfter {p['FirstByteAfter']} DoneAfter {p['DoneAfter']}")
    # a tap sees neither the proxy's resolution nor its upstream handshake
    for f in ("DNSDoneAfter", "TLSDoneAfter"):
        if c[f] != 0:
            bad.append(f"{c['Method']} {c['URL']}: capture's {f} is {c[f]}, expected 0")
print(f"proxy: {len(cap)} exchanges compared with capture on {len(fields) + 2} fields")

# the upstream timings: TLSDoneAfter and DNSDoneAfter only for the
# exchange that made an upstream connection (TLS, to a named remote)
tm = {r["URL"].split("timing=", 1)[1]: r for r in recs if "timing=" in r["URL"]}
if sorted(tm) != ["dns1", "dns2", "dns3", "plain", "tls1", "tls2"]:
    bad.append(f"timing records: {sorted(tm)}, expected dns1-3, plain, tls1, tls2")
else:
    a = tm["tls1"]
    if not 0 < a["TLSDoneAfter"] <= a["FirstByteAfter"] <= a["DoneAfter"]:
        bad.append(f"new TLS upstream: TLSDoneAfter {a['TLSDoneAfter']} FirstByteAfter "
                   f"{a['FirstByteAfter']} DoneAfter {a['DoneAfter']}, expected 0 < each <= the next")
    if tm["tls2"]["TLSDoneAfter"] != 0:
        bad.append(f"reused TLS upstream: TLSDoneAfter {tm['tls2']['TLSDoneAfter']}, expected 0")
    print(f"proxy: TLSDoneAfter {a['TLSDoneAfter']} ns (new upstream), "
          f"{tm['tls2']['TLSDoneAfter']} (reused), {tm['plain']['TLSDoneAfter']} (plain)")
for r in recs:
    if r["DstPort"] in (8080, 8081, 8082, 8083, 8084) and r["TLSDoneAfter"] != 0:
        bad.append(f"port {r['DstPort']} {r['URL']}: TLSDoneAfter {r['TLSDoneAfter']}, "
                   "expected 0 (plain remote, or a handshake that failed)")
nv = [r for r in recs if r["DstPort"] == 8085]
if len(nv) != 1 or not 0 < nv[0]["TLSDoneAfter"] <= nv[0]["FirstByteAfter"]:
    bad.append(f"remote_verify false: TLSDoneAfter of {[r['TLSDoneAfter'] for r in nv]}")
if not any(r["DstPort"] == 8084 for r in recs):
    bad.append("no record of the remote whose certificate another CA signed")
if sorted(tm) == ["dns1", "dns2", "dns3", "plain", "tls1", "tls2"]:
    # a new upstream connection to the named remote resolves it
    for k in ("dns1", "dns3"):
        a = tm[k]
        if not 0 < a["DNSDoneAfter"] <= a["FirstByteAfter"] <= a["DoneAfter"]:
            bad.append(f"{k}: DNSDoneAfter {a['DNSDoneAfter']} FirstByteAfter "
                       f"{a['FirstByteAfter']} DoneAfter {a['DoneAfter']}, expected 0 < each <= the next")
    if tm["dns2"]["DNSDoneAfter"] != 0:
        bad.append(f"reused upstream: DNSDoneAfter {tm['dns2']['DNSDoneAfter']}, expected 0")
    print(f"proxy: DNSDoneAfter {tm['dns1']['DNSDoneAfter']} and {tm['dns3']['DNSDoneAfter']} ns "
          f"(new upstream connections), {tm['dns2']['DNSDoneAfter']} (reused)")
n = sum(1 for r in recs if r["DNSDoneAfter"] != 0 and r["DstPort"] not in (8086, 8087, 8088))
if n:
    bad.append(f"{n} records of a remote given as an address with DNSDoneAfter != 0")
# web (2), moving (to nginx, then to 127.0.0.1); not the lost or hung ones
if s and s.get("resolved") != 4:
    bad.append(f"summary: resolved {s.get('resolved')}, expected 4")
mv = {r["URL"]: r["StatusCode"] for r in recs if r["DstPort"] in (8087, 8088)}
want = {"/index.html?moving=1": 200, "/index.html?moving=2": 502,
        "/index.html?moving=3": 502, "/index.html?slow=1": 504}
for u, c in want.items():
    if mv.get(u) != c:
        bad.append(f"{u}: record status {mv.get(u)}, expected {c}")
if "/index.html?slow=2" not in mv:
    bad.append("no record of the client that left while its name was resolved")

# SIGTERM under load
recs2 = dump(f"{tmp}/out2/HTTP.ncap.lz4")
n = sum(1 for r in recs2 if r["DNSDoneAfter"] != 0 or r["TLSDoneAfter"] != 0)
if n:
    bad.append(f"under load: {n} records (plain remote) with DNSDoneAfter or TLSDoneAfter != 0")
s2 = summary(f"{tmp}/px2.sum")
if s2:
    if s2["records"] != len(recs2):
        bad.append(f"under load: summary records {s2['records']} != {len(recs2)} in the file")
    if s2["completed"] > len(recs2) or s2["completed"] == 0:
        bad.append(f"under load: completed {s2['completed']}, records {len(recs2)}")
    done = sum(1 for r in recs2 if r["StatusCode"] == 200 and not r["ResTruncated"])
    if done != s2["completed"]:
        bad.append(f"under load: {done} complete 200 records, summary completed {s2['completed']}")
    # every response wrk saw complete has its record (written before
    # the response's last octets are sent)
    if done < wrk2_n:
        bad.append(f"under load: {done} complete records < wrk's {wrk2_n} responses")
    print(f"proxy: SIGTERM under load: wrk saw {wrk2_n} responses, "
          f"{s2['completed']} completed, {len(recs2)} records")
for b in bad:
    print("proxy: FAILED:", b)
sys.exit(1 if bad else 0)
PYEOF

[ $fail = 0 ] && echo "proxy: all passed"
exit $fail
