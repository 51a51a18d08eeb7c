#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Live end-to-end check, not part of "make test": make a fresh capture with
# real servers and clients in private network namespaces
# (scripts/make-live-capture.sh: nginx HTTP/HTTPS with TLS 1.2 and 1.3,
# dnsmasq over UDP and TCP, sshd, ping), check that tshark sees every
# exchange in it, then run the application-layer oracle
# (test/oracle/appcheck.py) on it, which compares netcap's records with
# tshark's.
#
#   test/run-live.sh [NETCAP]        (default build/netcap; needs root)
#
# Without root, the programs or network namespaces it prints
# "live: skipped (reason)" and exits 0. Nothing is sent outside the two
# namespaces it creates (they have no default route). Takes about 15 s.
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-build/netcap}

skip() { echo "live: skipped ($*)"; exit 0; }

[ "$(id -u)" = 0 ] || skip "needs root"
for p in ip ethtool tcpdump nginx dnsmasq /usr/sbin/sshd ssh ssh-keygen \
	curl dig ping openssl ss tshark bash; do
	command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
probe=nc-live-probe-$$
ip netns add "$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "$probe"

start=$(date +%s)
tmp=$(mktemp -d /tmp/nc-run-live.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# Same base name as the committed capture, so that APP_EXCEPTIONS lines
# written for it apply to the fresh one too.
cap=$tmp/live_netns_http-tls-dns-ssh.pcap

if ! bash scripts/make-live-capture.sh "$cap" >"$tmp/make.log" 2>&1; then
	cat "$tmp/make.log"
	echo "live: FAILED (scripts/make-live-capture.sh)"
	exit 1
fi

# What the capture must hold, as tshark sees it (at-least counts: the
# kernel may add a retransmission now and then).
tshark -n -r "$cap" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
	-e frame.protocols -e tcp.port -e http.request.method \
	-e http.response.code -e http.content_encoding \
	-e http.transfer_encoding -e http.authorization \
	-e tls.handshake.type -e tls.handshake.extensions_server_name \
	-e tls.handshake.extensions.supported_version \
	-e dns.flags.response -e dns.qry.type -e ssh.protocol \
	-e ssh.message_code -e icmp.type -e icmpv6.type \
	>"$tmp/fields.tsv" 2>/dev/null
if ! "$PY" - "$tmp/fields.tsv" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
(PROTOS, PORT, METHOD, CODE, CENC, TENC, AUTH, HS, SNI, SV, QR, QT, SSHP,
 SSHM, ICMP, ICMP6) = range(16)
def has(r, i, v): return v in r[i].split(",")
need = {
    "HTTP requests": (11, lambda r: r[METHOD] != ""),
    "HTTP responses": (11, lambda r: r[CODE] != ""),
    "HTTP POST": (1, lambda r: r[METHOD] == "POST"),
    "HTTP 401": (1, lambda r: r[CODE] == "401"),
    "HTTP Basic auth": (1, lambda r: r[AUTH].startswith("Basic ")),
    "HTTP gzip responses": (2, lambda r: r[CENC] == "gzip"),
    "HTTP chunked responses": (2, lambda r: r[TENC] == "chunked"),
    "HTTP on port 8080": (2, lambda r: r[CODE] + r[METHOD] != ""
                          and has(r, PORT, "8080")),
    "HTTP over IPv6": (2, lambda r: r[CODE] + r[METHOD] != ""
                       and ":ipv6:" in r[PROTOS]),
    "TLS ClientHello with SNI": (2, lambda r: has(r, HS, "1")
                                 and r[SNI] == "www.netcap.test"),
    "TLS 1.3 ServerHello": (1, lambda r: has(r, HS, "2")
                            and has(r, SV, "0x0304")),
    "TLS 1.2 ServerHello+Certificate": (1, lambda r: has(r, HS, "2")
                                        and has(r, HS, "11")),
    "SSH banners": (2, lambda r: r[SSHP].startswith("SSH-2.0")),
    "SSH KEXINIT": (2, lambda r: has(r, SSHM, "20")),
    "ICMP echo replies": (2, lambda r: r[ICMP] == "0"),
    "ICMPv6 echo replies": (2, lambda r: r[ICMP6] == "129"),
}
for t in ("1", "28", "5", "15", "16", "33", "12"):
    for tr in ("udp", "tcp"):
        need[f"DNS type {t} response over {tr}"] = (
            1, lambda r, t=t, tr=tr: r[QR] == "1" and r[QT] == t
            and f":{tr}:dns" in r[PROTOS])
bad = 0
for what, (n, f) in need.items():
    got = sum(1 for r in rows if len(r) >= 16 and f(r))
    if got < n:
        print(f"live: tshark sees {got} x {what}, want >= {n}")
        bad = 1
sys.exit(bad)
EOF
then
	echo "live: FAILED (capture lacks expected exchanges)"
	exit 1
fi

"$PY" test/oracle/appcheck.py --netcap "$NETCAP" "$cap"
rc=$?
secs=$(( $(date +%s) - start ))
if [ "$rc" = 0 ]; then
	echo "live: ok (${secs} s)"
else
	echo "live: FAILED (appcheck exit $rc, ${secs} s)"
fi
exit "$rc"
