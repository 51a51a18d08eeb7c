#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Live capture on a kernel interface (-i net_af_packet0,...), checked
# against tcpdump + tshark capturing the same interface at the same time.
#
#   test/run-live-capture.sh [NETCAP]      (default build/netcap; root)
#
# Two network namespaces joined by a veth pair (nothing can leave them: no
# default route, no other interface):
#
#   ncports-cli-PID  10.201.0.2 fd00:201::2  curl, dig (UDP, TCP), ping
#   ncports-srv-PID  10.201.0.1 fd00:201::1  nginx :80, dnsmasq :53,
#                                            netcap -i and tcpdump -w on
#                                            its veth end
#
# Three captures on the server's veth:
#   rss       -w 2 --rx-mode rss: qpairs=2, each worker polls its queue
#             (the kernel's symmetric PACKET_FANOUT_HASH spreads them)
#   dispatch  -w 2 --rx-mode dispatch: one RX lcore, software hash
#   sigterm   rss again, SIGTERM while a rate-limited download runs
# For rss and dispatch, from tshark on tcpdump's file (the oracle):
#   * every TCP connection (tcp.stream) is exactly one Connection record
#     with the same 5-tuple (originator = SYN sender) and the same
#     originator/responder packet counts, packets both ways and a full
#     history (S, h, F and f): never split into two half connections,
#     which is what a worker seeing only one direction would write;
#     every UDP conversation likewise; ICMP echo packets all counted;
#   * DNS records == tshark's DNS messages (id, QR, query name), HTTP
#     records == tshark's requests (method, URI) and status codes;
#   * counters: port.ipackets == tshark's frame count == packets, and
#     packets == sum worker.packets + sum rx.ring_full_drops (+ filtered:
#     no --bpf here); rss: sum worker.rx_packets == packets and each
#     worker's count == its queue's port.0.rxq.<w>.ipackets.
# For sigterm: exit 0, interrupted 1, `netcap dump` reads every record file
# to the end, and the download's connection is written with CloseReason
# end_of_input.
#
# Without root or `ip netns` it prints "live-capture: skipped (why)" and
# exits 0. About 20 s.
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-build/netcap}
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac

skip() { echo "live-capture: skipped ($*)"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not installed"
probe=ncports-probe-$$
ip netns add "$probe" 2>/dev/null || skip "ip netns unavailable"
ip netns del "$probe"
for p in ethtool tcpdump tshark nginx dnsmasq curl dig ping ss; do
	command -v "$p" >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

SRV=ncports-srv-$$
CLI=ncports-cli-$$
S4=10.201.0.1 C4=10.201.0.2
S6=fd00:201::1 C6=fd00:201::2
NAME=www.ncports.test
start=$(date +%s)
TMP=$(mktemp -d /tmp/ncports-live.XXXXXX)
fail=0

# Only this shell's own live jobs are signalled: a pid it waited for
# already may belong to another process by now (pid_max can be small).
cleanup() {
	for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$CLI" 2>/dev/null
	ip netns del "$SRV" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for sig in INT TERM HUP; do trap "echo live-capture: interrupted by SIG$sig >&2; exit 1" $sig; done

die() { echo "live-capture: FAILED: $*"; exit 1; }
bad() { echo "live-capture: FAILED: $*"; fail=1; }
in_srv() { ip netns exec "$SRV" "$@"; }
in_cli() { ip netns exec "$CLI" "$@"; }

# --- namespaces ------------------------------------------------------------
ip netns add "$SRV" || die "ip netns add"
ip netns add "$CLI" || die "ip netns add"
ip link add "ncps$$" netns "$SRV" address 02:00:0a:c9:00:01 type veth \
	peer name "ncpc$$" netns "$CLI" address 02:00:0a:c9:00:02 ||
	die "cannot create a veth pair"
for ns in "$SRV" "$CLI"; do
	if [ "$ns" = "$SRV" ]; then dev=ncps$$ a4=$S4 a6=$S6; else dev=ncpc$$ a4=$C4 a6=$C6; fi
	ip -n "$ns" link set "$dev" name veth0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.addr_gen_mode=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.router_solicitations=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.accept_ra=0
	# MLD reports (joining groups at link up) repeated quickly, so they
	# are over before the captures start
	ip netns exec "$ns" sysctl -qw \
		net.ipv6.conf.veth0.mldv2_unsolicited_report_interval=10
	ip netns exec "$ns" sysctl -qw \
		net.ipv6.conf.veth0.mldv1_unsolicited_report_interval=10
	# checksums and segmentation in software: wire-sized frames with
	# valid checksums, as on a real link
	ip netns exec "$ns" ethtool -K veth0 rx off tx off tso off gso off \
		gro off >/dev/null 2>&1 || true
	ip -n "$ns" addr add "$a4/24" dev veth0
	ip -n "$ns" addr add "$a6/64" dev veth0 nodad
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
done
# Permanent neighbour entries: no ARP or neighbour discovery, so the link
# is silent between the exchanges and both captures stop on the same set.
in_srv ip neigh replace $C4 lladdr 02:00:0a:c9:00:02 dev veth0 nud permanent ||
	die "ip neigh $C4"
in_srv ip neigh replace $C6 lladdr 02:00:0a:c9:00:02 dev veth0 nud permanent ||
	die "ip neigh $C6"
in_cli ip neigh replace $S4 lladdr 02:00:0a:c9:00:01 dev veth0 nud permanent ||
	die "ip neigh $S4"
in_cli ip neigh replace $S6 lladdr 02:00:0a:c9:00:01 dev veth0 nud permanent ||
	die "ip neigh $S6"
for ns in "$SRV" "$CLI"; do
	[ -z "$(ip -n "$ns" -4 route show default)$(ip -n "$ns" -6 route show default)" ] ||
		die "$ns has a default route"
done

# --- servers ---------------------------------------------------------------
mkdir -p "$TMP/www"
chmod 755 "$TMP"
printf 'hello from the ncports live test\n' >"$TMP/www/index.html"
head -c 300000 /dev/urandom >"$TMP/www/blob.bin"
head -c 4000000 /dev/urandom >"$TMP/www/slow.bin"
. scripts/lib-nginx.sh
nginx_conf_head "$TMP" 64 off >"$TMP/nginx.conf" || die "nginx.conf"
cat >>"$TMP/nginx.conf" <<EOF
	default_type application/octet-stream;
	server_tokens off;
	keepalive_timeout 5;
	server {
		listen $S4:80;
		listen [$S6]:80;
		root $TMP/www;
		location = /slow.bin { limit_rate 400k; }
	}
}
EOF
cat >"$TMP/dnsmasq.conf" <<EOF
port=53
listen-address=$S4
bind-interfaces
no-resolv
no-hosts
no-poll
user=root
group=root
pid-file=
log-facility=$TMP/dnsmasq.log
address=/$NAME/$S4
address=/$NAME/$S6
EOF
in_srv nginx -t -c "$TMP/nginx.conf" -p "$TMP" >"$TMP/nginx-t.log" 2>&1 ||
	die "nginx -t: $(cat "$TMP/nginx-t.log")"
ip netns exec "$SRV" nginx -c "$TMP/nginx.conf" -p "$TMP" >>"$TMP/nginx.log" 2>&1 &
ip netns exec "$SRV" dnsmasq --keep-in-foreground --conf-file="$TMP/dnsmasq.conf" \
	>>"$TMP/dnsmasq.log" 2>&1 &
for i in $(seq 1 100); do
	in_srv ss -H -lnt "sport = :80" | grep -q . &&
		in_srv ss -H -lnu "sport = :53" | grep -q . && break
	[ "$i" = 100 ] && die "nginx/dnsmasq did not start"
	sleep 0.1
done
sleep 1 # link-up noise (MLD reports) passes before any capture

# --- one capture -----------------------------------------------------------
NC_PID="" TD_PID=""
# capture_start NAME NETCAP-ARGS...: tcpdump and netcap on the server's
# veth, both listening when it returns
capture_start() {
	name=$1
	shift
	mkdir -p "$TMP/$name"
	# (no shell function in front of a background job: $! must be the
	# program itself, which the signals below are for)
	ip netns exec "$SRV" tcpdump -i veth0 -n -s 0 -U -Z root -w "$TMP/$name/td.pcap" \
		>"$TMP/$name/td.log" 2>&1 &
	TD_PID=$!
	for i in $(seq 1 100); do
		grep -q "listening on" "$TMP/$name/td.log" && break
		[ "$i" = 100 ] && die "$name: tcpdump did not start"
		sleep 0.1
	done
	socks0=$(in_srv cat /proc/net/packet | wc -l)
	ip netns exec "$SRV" "$NETCAP" capture -i net_af_packet0,iface=veth0,qpairs=2 -w 2 \
		-o "$TMP/$name/out" -q "$@" -- --file-prefix "ncports-$$-$name" \
		>"$TMP/$name/sum" 2>"$TMP/$name/err" &
	NC_PID=$!
	# netcap's two AF_PACKET sockets (one per queue pair) are bound at
	# EAL start, before anything is read: from then on no packet is lost
	for i in $(seq 1 200); do
		[ "$(in_srv cat /proc/net/packet | wc -l)" -ge $((socks0 + 2)) ] && break
		kill -0 "$NC_PID" 2>/dev/null || die "$name: netcap exited: $(cat "$TMP/$name/err")"
		[ "$i" = 200 ] && die "$name: netcap did not open its sockets"
		sleep 0.05
	done
	sleep 0.5 # ports started, workers polling
}

# capture_stop NAME: SIGTERM netcap, then tcpdump; netcap's exit status
capture_stop() {
	kill -TERM "$NC_PID"
	wait "$NC_PID"
	ncrc=$?
	kill -TERM "$TD_PID"
	wait "$TD_PID"
	return $ncrc
}

ccurl() { in_cli curl -sS -o /dev/null --max-time 10 --noproxy '*' "$@"; }
DIG="dig -p 53 +tries=1 +time=3"

traffic() {
	in_cli ping -n -q -c 3 -i 0.2 -W 2 $S4 >/dev/null || bad "ping"
	in_cli ping -n -q -6 -c 2 -i 0.2 -W 2 $S6 >/dev/null || bad "ping -6"
	for q in "$NAME A" "$NAME AAAA" "nosuch.ncports.test A"; do
		# shellcheck disable=SC2086
		in_cli $DIG @$S4 $q >/dev/null || bad "dig $q"
		# shellcheck disable=SC2086
		in_cli $DIG @$S4 +tcp $q >/dev/null || bad "dig +tcp $q"
	done
	ccurl "http://$S4/" || bad "curl /"
	ccurl -o /dev/null "http://$S4/index.html" "http://$S4/missing" ||
		bad "curl keep-alive"
	ccurl "http://$S4/blob.bin" || bad "curl blob"
	ccurl -g "http://[$S6]/index.html" || bad "curl v6"
	ccurl -X POST -d 'a=1&b=2' "http://$S4/index.html" # 405: status only
	sleep 1 # the last FIN/ACKs reach both captures and are read
}

# check NAME MODE: the comparison described at the top
check() {
	"$PY" - "$NETCAP" "$TMP/$1" "$2" <<'PYEOF'
import collections, json, os, re, subprocess, sys
netcap, d, mode = sys.argv[1:4]
bad = []
def eq(what, want, got):
    if want != got:
        bad.append(f"{what}: tshark/expected {want!r}, netcap {got!r}")

summ = {}
for line in open(os.path.join(d, "sum")):
    p = line.split()
    if len(p) >= 2:
        summ[p[0]] = p[1]
def num(k): return int(summ.get(k, "-1"))

F = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
     "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.flags.syn",
     "tcp.flags.ack", "udp.srcport", "udp.dstport", "udp.stream",
     "icmp.type", "dns.id", "dns.flags.response", "dns.qry.name",
     "http.request.method", "http.request.uri", "http.response.code"]
args = ["tshark", "-n", "-r", os.path.join(d, "td.pcap"), "-T", "fields",
        "-E", "separator=\t", "-E", "occurrence=f"]
for f in F:
    args += ["-e", f]
out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
rows = [dict(zip(F, l.split("\t"))) for l in out.splitlines()]

def recs(t):
    p = os.path.join(d, "out", t + ".ncap.lz4")
    if not os.path.exists(p):
        return []
    r = subprocess.run([netcap, "dump", "--json", p], capture_output=True,
                       text=True)
    if r.returncode != 0:
        bad.append(f"netcap dump {t}: {r.stderr.strip()}")
    return [json.loads(l) for l in r.stdout.splitlines()]
conns = recs("Connection")

# TCP and UDP conversations per tshark stream index
def src(r): return r["ip.src"] or r["ipv6.src"]
def dst(r): return r["ip.dst"] or r["ipv6.dst"]
streams = collections.OrderedDict()
for r in rows:
    for proto, sp, dp, st in (("TCP", "tcp.srcport", "tcp.dstport", "tcp.stream"),
                              ("UDP", "udp.srcport", "udp.dstport", "udp.stream")):
        if r[st]:
            k = (proto, r[st])
            a = (src(r), int(r[sp]))
            s = streams.setdefault(k, {"first": a, "syn": None, "pk": collections.Counter()})
            if proto == "TCP" and r["tcp.flags.syn"] in ("1", "True") and \
                    r["tcp.flags.ack"] in ("0", "False"):
                s["syn"] = s["syn"] or a
            s["pk"][a] += 1
            s.setdefault("ends", set()).update([a, (dst(r), int(r[dp]))])
byk = collections.defaultdict(list)
for c in conns:
    if c.get("TransportProto") in ("TCP", "UDP"):
        byk[(c["TransportProto"], c["SrcIP"], c["SrcPort"], c["DstIP"], c["DstPort"])].append(c)
seen = set()
ntcp = 0
for (proto, _), s in streams.items():
    orig = s["syn"] or s["first"]
    resp = [e for e in s["ends"] if e != orig]
    resp = resp[0] if resp else orig
    k = (proto, orig[0], orig[1], resp[0], resp[1])
    seen.add(k)
    got = byk.get(k, [])
    name = f"{proto} {orig[0]}:{orig[1]} -> {resp[0]}:{resp[1]}"
    if len(got) != 1:
        rev = byk.get((proto, resp[0], resp[1], orig[0], orig[1]), [])
        bad.append(f"{name}: {len(got)} Connection records (+{len(rev)} reversed), want 1")
        continue
    c = got[0]
    eq(name + " OrigPackets", s["pk"][orig], c["OrigPackets"])
    eq(name + " RespPackets", s["pk"][resp], c["RespPackets"])
    if proto == "TCP":
        ntcp += 1
        h = c.get("History", "")
        if not (c["OrigPackets"] and c["RespPackets"] and
                all(x in h for x in "ShFf")):
            bad.append(f"{name}: not one whole connection: History {h!r}, "
                       f"packets {c['OrigPackets']}/{c['RespPackets']}")
for k, v in byk.items():
    if k not in seen:
        bad.append(f"netcap connection {k} ({len(v)} records) not in tshark")
if ntcp < 8:
    bad.append(f"only {ntcp} TCP connections seen by tshark (traffic failed?)")

icmp_frames = sum(1 for r in rows if r["icmp.type"] in ("0", "8"))
icmp_recs = sum(c["NumPackets"] for c in conns if c.get("IPProtocol") == 1)
eq("ICMP echo packets", icmp_frames, icmp_recs)

dns_t = collections.Counter((int(r["dns.id"], 0), r["dns.flags.response"] in ("1", "True"),
                             r["dns.qry.name"]) for r in rows if r["dns.id"])
dns_n = collections.Counter((x["ID"], x["QR"], (x["Questions"] or [{}])[0].get("Name", ""))
                            for x in recs("DNS"))
eq("DNS messages (id, QR, name)", sorted(dns_t.items()), sorted(dns_n.items()))
http = recs("HTTP")
req_t = collections.Counter((r["http.request.method"], r["http.request.uri"])
                            for r in rows if r["http.request.method"])
req_n = collections.Counter((x["Method"], x["URL"]) for x in http if x["Method"])
eq("HTTP requests", sorted(req_t.items()), sorted(req_n.items()))
code_t = collections.Counter(int(r["http.response.code"]) for r in rows
                             if r["http.response.code"])
code_n = collections.Counter(x["StatusCode"] for x in http if x["StatusCode"])
eq("HTTP status codes", sorted(code_t.items()), sorted(code_n.items()))

nw = num("workers")
eq("rx.mode", mode, summ.get("rx.mode"))
eq("port.ipackets (tshark: frames)", len(rows), num("port.ipackets"))
eq("packets == port.ipackets", num("port.ipackets"), num("packets"))
dec = sum(num(f"worker.packets.{w}") for w in range(nw))
drop = sum(num(f"rx.ring_full_drops.{w}") for w in range(nw)) + num("port.imissed")
eq("packets == decoded + dropped", num("packets"), dec + drop)
if mode == "rss":
    rxw = [num(f"worker.rx_packets.{w}") for w in range(nw)]
    eq("sum worker.rx_packets == packets", num("packets"), sum(rxw))
    for w in range(nw):
        eq(f"worker.rx_packets.{w} == port.0.rxq.{w}.ipackets",
           num(f"port.0.rxq.{w}.ipackets"), rxw[w])
    print(f"  rss: worker.rx_packets {rxw}")
print(f"  {len(rows)} frames, {ntcp} TCP connections, {len(streams) - ntcp} UDP, "
      f"{sum(dns_t.values())} DNS, {sum(req_t.values())} HTTP requests, "
      f"{len(bad)} mismatches")
for b in bad:
    print("  MISMATCH " + b)
sys.exit(1 if bad else 0)
PYEOF
}

for mode in rss dispatch; do
	capture_start "$mode" --rx-mode "$mode"
	traffic
	capture_stop || bad "$mode: netcap exit $? ($(cat "$TMP/$mode/err"))"
	echo "live-capture: $mode"
	check "$mode" "$mode" || bad "$mode: records or counters disagree with tshark"
done

# --- SIGTERM while a download runs -----------------------------------------
capture_start sigterm --rx-mode rss
ip netns exec "$CLI" curl -sS -o /dev/null --max-time 30 --noproxy '*' "http://$S4/slow.bin" \
	2>/dev/null &
CURL=$!
sleep 1.5
capture_stop
rc=$?
kill "$CURL" 2>/dev/null
wait "$CURL" 2>/dev/null
[ "$rc" = 0 ] || bad "sigterm: netcap exit $rc ($(cat "$TMP/sigterm/err"))"
grep -q -E '^interrupted +1$' "$TMP/sigterm/sum" || bad "sigterm: summary lacks interrupted 1"
n=0
for f in "$TMP"/sigterm/out/*.ncap.lz4; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	"$NETCAP" dump "$f" >/dev/null 2>"$TMP/sigterm/dump.err" ||
		bad "sigterm: netcap dump $(basename "$f"): $(cat "$TMP/sigterm/dump.err")"
done
[ "$n" -gt 0 ] || bad "sigterm: no record files"
open=$("$NETCAP" dump --csv --select DstPort,CloseReason,RespPackets \
	"$TMP/sigterm/out/Connection.ncap.lz4" 2>/dev/null |
	awk -F, '$1 == 80 && $2 == "end_of_input" && $3 > 20' | wc -l)
[ "$open" = 1 ] || bad "sigterm: want the download as one connection closed by end_of_input, got $open"
echo "live-capture: sigterm ($n record files, download end_of_input: $open)"

secs=$(($(date +%s) - start))
if [ "$fail" = 0 ]; then
	echo "live-capture: ok (${secs} s)"
else
	echo "live-capture: FAILED (${secs} s)"
fi
exit "$fail"
