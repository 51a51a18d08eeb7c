#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Make a test capture from real clients talking to real servers, entirely
# inside two private network namespaces on this machine.
#
#   sudo scripts/make-live-capture.sh [OUT.pcap]
#   (default OUT: test/data/live_netns_http-tls-dns-ssh.pcap)
#
# Topology (no default route, no other interface: nothing can leave):
#
#   netns nc-live-cli-PID                    netns nc-live-srv-PID
#   +-----------------------+   veth pair    +---------------------------+
#   | veth0 10.200.0.2/24   |----------------| veth0 10.200.0.1/24       |
#   |       fd00:200::2/64  |                |       fd00:200::1/64      |
#   | tcpdump -w, curl, dig |                | nginx :80 :8080 :443      |
#   | ping, ssh             |                | dnsmasq :53 udp+tcp       |
#   +-----------------------+                | sshd :22                  |
#                                            +---------------------------+
#
# Servers use their own configuration written to a temporary directory at run
# time (self-signed certificate, htpasswd, DNS zone, SSH host key); they are
# this script's own processes, never the system's services. The exchanges are
# the same fixed sequence on every run (timestamps, ports, keys, nonces and
# cookies differ). Everything is stopped and both namespaces are removed on
# exit, also on failure.
#
# Needs root and: ip (iproute2), ethtool, tcpdump, nginx (nginx-light is
# enough), dnsmasq, sshd/ssh/ssh-keygen (openssh-server, openssh-client),
# curl, dig (dnsutils), ping (iputils-ping), openssl.
#
# REGENERATION: the committed capture test/data/live_netns_http-tls-dns-ssh.pcap
# is the test input; CI never runs this script (it needs none of the servers).
# Rerun it only to refresh that file, then update its line in
# test/data/MANIFEST.tsv (bytes, packets, protocols) and rerun the oracles
# (test/oracle/run.sh, test/oracle/app-run.sh). test/run-live.sh runs this
# script into a temporary file and checks netcap on that fresh capture.
set -eu

OUT=${1:-test/data/live_netns_http-tls-dns-ssh.pcap}
SRV=nc-live-srv-$$
CLI=nc-live-cli-$$
S4=10.200.0.1 C4=10.200.0.2
S6=fd00:200::1 C6=fd00:200::2
NAME=www.netcap.test

die() { echo "make-live-capture: $*" >&2; exit 1; }
log() { echo "make-live-capture: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root"
for p in ip ethtool tcpdump nginx dnsmasq /usr/sbin/sshd ssh ssh-keygen \
	curl dig ping openssl ss; do
	command -v "$p" >/dev/null 2>&1 || die "missing program: $p"
done

TMP=$(mktemp -d /tmp/nc-live.XXXXXX)
PIDS=""

cleanup() {
	rc=$?
	set +e
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $PIDS; do
		wait "$pid" 2>/dev/null
	done
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	if [ "$rc" != 0 ]; then
		for f in "$TMP"/*.log; do
			[ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; } >&2
		done
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

in_srv() { ip netns exec "$SRV" "$@"; }
in_cli() { ip netns exec "$CLI" "$@"; }

# --- namespaces and the veth pair ------------------------------------------
ip netns add "$SRV"
ip netns add "$CLI"
ip link add "ncs$$" netns "$SRV" address 02:00:0a:c8:00:01 type veth \
	peer name "ncc$$" netns "$CLI" address 02:00:0a:c8:00:02
for ns in "$SRV" "$CLI"; do
	if [ "$ns" = "$SRV" ]; then dev=ncs$$ a4=$S4 a6=$S6; else dev=ncc$$ a4=$C4 a6=$C6; fi
	ip -n "$ns" link set "$dev" name veth0
	# No link-local address and no router solicitations: fewer stray
	# packets; the private addresses below need no DAD (nodad).
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.addr_gen_mode=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.router_solicitations=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.accept_ra=0
	# Checksums and segmentation in software, so that the capture holds
	# wire-sized frames with valid checksums.
	ip netns exec "$ns" ethtool -K veth0 rx off tx off tso off gso off \
		gro off >/dev/null 2>&1 || true
	ip -n "$ns" addr add "$a4/24" dev veth0
	ip -n "$ns" addr add "$a6/64" dev veth0 nodad
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
done

# Nothing may leave: no default route, and no interface but lo and veth0.
for ns in "$SRV" "$CLI"; do
	[ -z "$(ip -n "$ns" -4 route show default)" ] || die "$ns has a v4 default route"
	[ -z "$(ip -n "$ns" -6 route show default)" ] || die "$ns has a v6 default route"
	links=$(ip -n "$ns" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | tr '\n' ' ')
	[ "$links" = "lo veth0 " ] || die "$ns has unexpected interfaces: $links"
done

# --- server files ----------------------------------------------------------
chmod 755 "$TMP"
mkdir -p "$TMP/www/private" "$TMP/nginx-tmp"
printf 'hello from netcap live test\n' >"$TMP/www/index.html"
# Compressible text and JSON (served gzip-encoded, chunked, to --compressed).
for i in $(seq 1 60); do
	printf 'line %02d: the quick brown fox jumps over the lazy dog\n' "$i"
done >"$TMP/www/fox.txt"
{
	printf '{"items":['
	for i in $(seq 1 40); do
		[ "$i" = 1 ] || printf ','
		printf '{"id":%d,"name":"item-%d","ok":true}' "$i" "$i"
	done
	printf ']}\n'
} >"$TMP/www/data.json"
# Binary file: bytes 0..255, eight times (2048 bytes).
octets=$(for i in $(seq 0 255); do printf '\\%03o' "$i"; done)
for _ in 1 2 3 4 5 6 7 8; do
	printf '%b' "$octets"
done >"$TMP/www/blob.bin"
printf 'secret page\n' >"$TMP/www/private/index.html"
printf 'port 8080 says hi\n' >"$TMP/www/alt.txt"
printf 'netcap:%s\n' "$(openssl passwd -apr1 -salt netcapsa 'live-pass')" \
	>"$TMP/htpasswd"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 3650 \
	-subj "/CN=$NAME/O=netcap live test" \
	-addext "subjectAltName=DNS:$NAME,IP:$S4" >/dev/null 2>&1

cat >"$TMP/nginx.conf" <<EOF
user root root;
worker_processes 1;
daemon off;
master_process on;
pid $TMP/nginx.pid;
error_log $TMP/nginx.log warn;
events { worker_connections 64; }
http {
	access_log $TMP/nginx-access.log;
	client_body_temp_path $TMP/nginx-tmp/body;
	proxy_temp_path $TMP/nginx-tmp/proxy;
	fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
	uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
	scgi_temp_path $TMP/nginx-tmp/scgi;
	types {
		text/html html;
		text/plain txt;
		application/json json;
		application/octet-stream bin;
	}
	default_type application/octet-stream;
	server_tokens off;
	keepalive_timeout 10;
	gzip on;
	gzip_min_length 64;
	gzip_types text/plain application/json;

	server {
		listen $S4:80;
		listen [$S6]:80;
		listen $S4:443 ssl;
		server_name $NAME;
		root $TMP/www;
		ssl_certificate $TMP/tls.crt;
		ssl_certificate_key $TMP/tls.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		location /private/ {
			auth_basic "netcap live";
			auth_basic_user_file $TMP/htpasswd;
		}
		location = /form {
			default_type application/json;
			return 200 '{"status":"ok"}\n';
		}
	}
	server {
		listen $S4:8080;
		root $TMP/www;
	}
}
EOF

cat >"$TMP/dnsmasq.conf" <<EOF
port=53
listen-address=$S4
listen-address=$S6
bind-interfaces
no-resolv
no-hosts
no-poll
user=root
group=root
pid-file=
log-facility=$TMP/dnsmasq.log
log-queries
local=/netcap.test/
local=/0.200.10.in-addr.arpa/
host-record=$NAME,$S4,$S6
host-record=mail.netcap.test,10.200.0.25
cname=web.netcap.test,$NAME
mx-host=netcap.test,mail.netcap.test,10
txt-record=netcap.test,"v=spf1 -all","netcap live test"
srv-host=_http._tcp.netcap.test,$NAME,80,0,5
ptr-record=53.0.200.10.in-addr.arpa,ns.netcap.test
EOF

mkdir -p /run/sshd   # sshd's privilege separation directory
ssh-keygen -q -t ed25519 -N '' -C nc-live -f "$TMP/ssh_host_ed25519_key"
cat >"$TMP/sshd_config" <<EOF
Port 22
ListenAddress $S4
HostKey $TMP/ssh_host_ed25519_key
PidFile $TMP/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
PermitRootLogin no
AuthorizedKeysFile none
LoginGraceTime 10
# Key exchange methods that tshark 4.0 dissects (it flags the default
# sntrup761x25519 exchange as malformed); the client still offers its
# default list in its KEXINIT.
KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256
EOF

# --- servers (this script's children, inside the server namespace) --------
# Started with "ip netns exec" directly (it execs the program), so $! is the
# server's own pid.
in_srv nginx -t -c "$TMP/nginx.conf" -p "$TMP" >"$TMP/nginx-t.log" 2>&1 ||
	die "nginx -t failed: $(cat "$TMP/nginx-t.log")"
ip netns exec "$SRV" nginx -c "$TMP/nginx.conf" -p "$TMP" >>"$TMP/nginx.log" 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$SRV" dnsmasq --keep-in-foreground --conf-file="$TMP/dnsmasq.conf" \
	>>"$TMP/dnsmasq.log" 2>&1 &
PIDS="$PIDS $!"
ip netns exec "$SRV" /usr/sbin/sshd -D -e -f "$TMP/sshd_config" >"$TMP/sshd.log" 2>&1 &
PIDS="$PIDS $!"

listening() { # proto port
	in_srv ss -H -ln"$1" "sport = :$2" 2>/dev/null | grep -q .
}
for i in $(seq 1 100); do
	ok=1
	for p in 80 443 8080 22 53; do listening t $p || ok=0; done
	listening u 53 || ok=0
	[ $ok = 1 ] && break
	[ "$i" = 100 ] && die "servers did not start"
	sleep 0.1
done

# Let link-up noise (MLD reports) pass before capturing.
sleep 2

# --- capture on the client side --------------------------------------------
ip netns exec "$CLI" tcpdump -i veth0 -s 0 -U -Z root -w "$TMP/live.pcap" \
	>"$TMP/tcpdump.log" 2>&1 &
TCPDUMP=$!
PIDS="$TCPDUMP $PIDS"
for i in $(seq 1 100); do
	grep -q "listening on" "$TMP/tcpdump.log" && break
	[ "$i" = 100 ] && die "tcpdump did not start"
	sleep 0.1
done
sleep 0.5

# --- the exchanges (fixed order) -------------------------------------------
step() { log "$*"; }
ccurl() { in_cli curl -sS -o /dev/null --max-time 10 --noproxy '*' "$@"; }

step "ICMP echo v4 and v6"
in_cli ping -n -q -c 2 -i 0.2 -W 2 $S4 >/dev/null
in_cli ping -n -q -6 -c 2 -i 0.2 -W 2 $S6 >/dev/null

step "DNS over UDP and TCP"
DIG="dig -p 53 +tries=1 +time=3"
for tr in "" "+tcp"; do
	for q in "$NAME A" "$NAME AAAA" "web.netcap.test CNAME" \
		"netcap.test MX" "netcap.test TXT" "_http._tcp.netcap.test SRV" \
		"-x $S4" "-x 10.200.0.53" "-x $S6" "nosuch.netcap.test A"; do
		# shellcheck disable=SC2086
		in_cli $DIG @$S4 $tr $q >/dev/null
	done
done
# shellcheck disable=SC2086
in_cli $DIG @$S6 $NAME AAAA >/dev/null

step "HTTP"
R80="--resolve $NAME:80:$S4"
# shellcheck disable=SC2086
{
	ccurl $R80 "http://$NAME/"
	# keep-alive: two requests on one connection
	ccurl $R80 "http://$NAME/index.html" -o /dev/null "http://$NAME/blob.bin"
	# gzip (nginx sends gzip-encoded responses chunked)
	ccurl $R80 --compressed "http://$NAME/fox.txt"
	ccurl $R80 --compressed "http://$NAME/data.json"
	# POST form
	ccurl $R80 -d 'user=alice&comment=hello+world&n=42' "http://$NAME/form"
	# Basic auth: first without credentials (401), then with them
	ccurl $R80 "http://$NAME/private/"
	ccurl $R80 -u netcap:live-pass "http://$NAME/private/"
	# not found
	ccurl $R80 "http://$NAME/missing"
	# HTTP on port 8080 and over IPv6
	ccurl "http://$S4:8080/alt.txt"
	ccurl -g "http://[$S6]/index.html"
}

step "HTTPS TLS 1.2 and TLS 1.3"
R443="--resolve $NAME:443:$S4"
# shellcheck disable=SC2086
{
	ccurl -k $R443 --tlsv1.2 --tls-max 1.2 "https://$NAME/index.html"
	ccurl -k $R443 --tlsv1.3 "https://$NAME/index.html"
}

step "SSH key exchange"
in_cli ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no \
	-o IdentityAgent=none -o ConnectTimeout=5 -o LogLevel=ERROR \
	nosuchuser@$S4 true >/dev/null 2>&1 || true

sleep 1
kill -INT "$TCPDUMP"
wait "$TCPDUMP" || true
PIDS=${PIDS#"$TCPDUMP "}

# --- checks on what was captured -------------------------------------------
n=$(tcpdump -nr "$TMP/live.pcap" 2>/dev/null | wc -l)
[ "$n" -gt 100 ] || die "only $n packets captured"
stray4=$(tcpdump -nr "$TMP/live.pcap" \
	'ip and not (src net 10.200.0.0/24 and dst net 10.200.0.0/24)' 2>/dev/null | wc -l)
stray6=$(tcpdump -nr "$TMP/live.pcap" \
	'ip6 and not ((src net fd00:200::/64 or src net fe80::/10 or src host ::) and (dst net fd00:200::/64 or dst net fe80::/10 or dst net ff00::/8))' \
	2>/dev/null | wc -l)
if [ "$stray4" != 0 ] || [ "$stray6" != 0 ]; then
	die "packets with addresses outside the namespaces: v4 $stray4, v6 $stray6"
fi

mkdir -p "$(dirname "$OUT")"
cp "$TMP/live.pcap" "$OUT"
chmod 644 "$OUT"
log "wrote $OUT ($n packets, $(wc -c <"$OUT") bytes)"
