#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# netcap agent and collect over NATS JetStream (docs/DISTRIBUTED.md), with
# Debian's nats-server started here on loopback.
#
#   test/run-distributed.sh [NETCAP]
#
#   0. Bad stream settings (--setup --stream-config) and bad agent
#      options: one line, exit 2, before anything starts.
#   1. One server: agent -r on every capture in test/data (under ASan
#      every 12th: NC_SAN set) with a sensor each,
#      one collect --drain: per sensor, the collected records equal those
#      of capture -r on the same capture, as multisets per type
#      (test/py/dist_check.py).
#   2. Hostile messages on netcap.> from a client of the test's own
#      (test/py/nats_hostile.py: garbage, truncated LZ4, bad record
#      framing, a record of another type, subject and headers disagreeing,
#      a wrong count, a huge size): each is acknowledged, counted and named
#      with its subject and stream sequence; nothing is written for them;
#      the collector goes on and writes the next valid batch.
#   2b. A collector killed at rest (everything written) leaves files
#      without their end mark; a collect --drain with nothing pending ends
#      them all (this failed once in 4a, as a random kill point happened
#      to leave a type no later batch came for).
#   3. TLS and credentials (a CA made here, server and client
#      certificates, a user whose password comes from a file or the
#      environment): a wrong password, a certificate of another CA and a
#      TLS client against a plaintext server are refused with one line and
#      exit 2; the right ones work.
#   4. A three-node cluster (config/nats/node*.conf, ports moved), the
#      stream with 3 replicas (config/nats-stream.json), a live port
#      (net_af_packet on a veth, frames sent at a steady rate by
#      test/py/dist_traffic.py); the agent also writes its own files (-o),
#      the reference:
#      a. one node killed (SIGKILL) in the middle and restarted, the
#         collector killed (SIGKILL) four times at random points
#         (DIST_SEED, printed) and restarted: the collected records equal
#         the agent's files;
#      b. every server stopped for 10 s in the middle: the batches spool
#         and are delivered after; records equal; the summary's spooled
#         and resent batches are non-zero and its acknowledged records
#         equal the collected ones;
#      c. the same outage with a spool smaller than it: the summary's
#         dropped records equal exactly the records missing from the
#         collected files (plus, at most, the records it says it left in
#         the spool for its next run, when the servers came back too late
#         for --drain-timeout), and nothing else is missing.
#
# Without nats-server, root or veth it prints "distributed: skipped (why)".
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-build/netcap}
case $NETCAP in /*) ;; *) NETCAP=$PWD/$NETCAP ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

skip() { echo "distributed: skipped ($*)"; exit 0; }
for p in nats-server openssl lz4 curl; do
	command -v $p >/dev/null 2>&1 || skip "$p not installed"
done
[ -x "$NETCAP" ] || skip "$NETCAP not built"

TMP=$(mktemp -d /tmp/ncdist.XXXXXX)
VETH=ncdv$$
fail=0
cleanup() {
	for pid in $(jobs -p); do kill -9 "$pid" 2>/dev/null; done
	for f in "$TMP"/*.pid; do
		[ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	wait 2>/dev/null
	ip link del "$VETH" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
for sig in INT TERM HUP; do trap "echo distributed: interrupted by SIG$sig >&2; exit 1" $sig; done
bad() { echo "distributed: FAILED: $*"; fail=1; }
die() { echo "distributed: FAILED: $*"; exit 1; }
val() { awk -v k="$1" '$0 ~ "^"k" " { sub("^"k" +", ""); print $1; exit }' "$2"; }
rec() { awk -v k="$1" '$0 ~ "^"k" " { sub(/.*\(/, ""); print $1; exit }' "$2"; }

# free loopback ports (bound and released)
set -- $("$PY" -c '
import socket
s = [socket.socket() for _ in range(12)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
SP=$1 SM=$2 TP=$3 TM=$4
C1=$5 C2=$6 C3=$7 R1=$8 R2=$9
shift 9
R3=$1 M1=$2 M3=$3
M2=$SM # the single server is gone when the cluster starts

# start NAME CONFIG MONITOR_PORT: a server in the background, ready
start() {
	nats-server -c "$2" >"$TMP/$1.log" 2>&1 &
	echo $! >"$TMP/$1.pid"
	for i in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$3/varz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "nats-server $1 did not start: $(tail -3 "$TMP/$1.log")"
}
stop() { # NAME SIGNAL
	[ -e "$TMP/$1.pid" ] || return 0
	kill -"$2" "$(cat "$TMP/$1.pid")" 2>/dev/null
	while kill -0 "$(cat "$TMP/$1.pid")" 2>/dev/null; do sleep 0.05; done
	rm -f "$TMP/$1.pid"
}

# --- 1. one server, every capture ------------------------------------------
cat >"$TMP/single.conf" <<EOF
listen: 127.0.0.1:$SP
http: 127.0.0.1:$SM
max_payload: 8MB
jetstream { store_dir: "$TMP/single-js" }
EOF
start single "$TMP/single.conf" $SM
URL=nats://127.0.0.1:$SP
# the test's limits (64G is more than this machine may have)
sed 's/"max_bytes": .*/"max_bytes": "256M",/' config/nats-stream.json >"$TMP/stream3.json"
sed 's/"replicas": 3/"replicas": 1/' "$TMP/stream3.json" >"$TMP/stream1.json"
"$NETCAP" collect --setup --nats $URL --stream-config "$TMP/stream1.json" \
	>"$TMP/setup1.out" 2>&1 || die "collect --setup: $(cat "$TMP/setup1.out")"
grep -q "stream NETCAP created" "$TMP/setup1.out" || bad "--setup said: $(cat "$TMP/setup1.out")"
"$NETCAP" collect --setup --nats $URL --stream-config "$TMP/stream1.json" \
	>"$TMP/setup1b.out" 2>&1 && grep -q "checked and updated" "$TMP/setup1b.out" ||
	bad "--setup again: $(cat "$TMP/setup1b.out")"

# bad stream settings: one line naming the key, exit 2
for bad in '{"replicas": 7}' '{"replicas": "3"}' '{"storage": "tape"}' \
	'{"max_age": -1}' '{"max_bytes": "lots"}' '{"name": "a.b"}' '{"colour": 1}' \
	'{"replicas": 1,' '[1]'; do
	printf '%s\n' "$bad" >"$TMP/bad-stream.json"
	"$NETCAP" collect --setup --nats $URL --stream-config "$TMP/bad-stream.json" \
		>"$TMP/bs.out" 2>"$TMP/bs.err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$TMP/bs.err")" = 1 ] ||
		bad "--stream-config '$bad': exit $rc: $(cat "$TMP/bs.err")"
done
# agent options that are wrong: one line, exit 2, before EAL
for args in "--sensor a.b" "--sensor ''" "--spool-max 1K" "--spool-policy random" \
	"--max-inflight 0" "--nats-cert $TMP/x.pem" "--nats-nkey ABC"; do
	eval "set -- $args"
	"$NETCAP" agent -r test/data/dns_a-aaaa-mx.pcap --nats $URL "$@" \
		>"$TMP/ba.out" 2>"$TMP/ba.err"
	rc=$?
	{ [ $rc = 2 ] && [ "$(wc -l <"$TMP/ba.err")" = 1 ] && ! grep -q EAL "$TMP/ba.err"; } ||
		bad "agent $args: exit $rc: $(cat "$TMP/ba.err")"
done
"$NETCAP" capture -r test/data/dns_a-aaaa-mx.pcap -o "$TMP/no" --nats $URL \
	>/dev/null 2>"$TMP/bc.err" && bad "capture took --nats"
grep -q "is an option of 'netcap agent'" "$TMP/bc.err" || bad "capture --nats: $(cat "$TMP/bc.err")"

# two at a time (the machine's cores), each with its own files
one() { # I CAPTURE
	"$NETCAP" capture -q -r "$2" -o "$TMP/ref/c$1" >/dev/null 2>"$TMP/p1/$1.cerr"
	rc_c=$?
	"$NETCAP" agent -q -r "$2" --nats $URL --sensor c$1 --spool "$TMP/spool1" \
		>"$TMP/p1/$1.out" 2>"$TMP/p1/$1.err"
	echo "$? $rc_c" >"$TMP/p1/$1.rc"
}
mkdir -p "$TMP/p1"
i=0
pids=""
# under ASan (NC_SAN set: its start-up takes seconds) every 12th capture
every=1
[ -n "${NC_SAN:-}" ] && every=12
k=0
for cap in test/data/*.pcap test/data/*.pcapng; do
	k=$((k + 1))
	[ $((k % every)) = 0 ] || [ $every = 1 ] || continue
	i=$((i + 1))
	echo "$cap" >"$TMP/p1/$i.name"
	one $i "$cap" &
	pids="$pids $!"
	if [ $((i % 2)) = 0 ]; then
		# shellcheck disable=SC2086
		wait $pids
		pids=""
	fi
done
# (never a bare wait: the server is a child too)
# shellcheck disable=SC2086
[ -z "$pids" ] || wait $pids
nagent=0
for k in $(seq 1 $i); do
	read -r rc_a rc_c <"$TMP/p1/$k.rc"
	cap=$(cat "$TMP/p1/$k.name")
	[ "$rc_a" = "$rc_c" ] || bad "$cap: agent exit $rc_a, capture exit $rc_c: $(cat "$TMP/p1/$k.err")"
	d=$(val "agent batches dropped" "$TMP/p1/$k.out")
	[ "${d:-x}" = 0 ] || [ "$rc_a" != 0 ] || bad "$cap: agent dropped ${d:-?} batches"
	a=$(val "agent batches acknowledged" "$TMP/p1/$k.out")
	nagent=$((nagent + ${a:-0}))
done
"$NETCAP" collect -q -o "$TMP/coll1" --nats $URL --drain --ack-wait 5 \
	2>"$TMP/coll1.err" || bad "collect: $(cat "$TMP/coll1.err")"
if "$PY" test/py/dist_check.py "$NETCAP" subdirs "$TMP/ref" "$TMP/coll1" >"$TMP/chk1.out"; then
	echo "distributed: 1. $i captures, $nagent batches: $(tail -1 "$TMP/chk1.out") to capture -r's"
else
	bad "1. collected records differ from capture -r's: $(cat "$TMP/chk1.out")"
fi

# --- 2. hostile messages ---------------------------------------------------
"$PY" test/py/nats_hostile.py 127.0.0.1 $SP >"$TMP/hostile.sent" ||
	die "nats_hostile.py failed"
nh=$(wc -l <"$TMP/hostile.sent")
"$NETCAP" agent -q -r test/data/dns_a-aaaa-mx.pcap --nats $URL --sensor after \
	--spool "$TMP/spool1" >/dev/null 2>&1 || bad "agent after the hostile messages"
"$NETCAP" capture -q -r test/data/dns_a-aaaa-mx.pcap -o "$TMP/ref2/after" >/dev/null 2>&1
"$NETCAP" collect -o "$TMP/coll1" --nats $URL --drain --ack-wait 5 \
	>"$TMP/coll2.out" 2>"$TMP/coll2.err" || bad "collect on hostile messages: exit $?"
n=$(val "collect invalid" "$TMP/coll2.out")
[ "${n:-0}" = "$nh" ] || bad "2. collect invalid ${n:-?}, sent $nh: $(cat "$TMP/coll2.err")"
[ "$(grep -c 'stream sequence [0-9]*): not a batch: .*acknowledged, not written' "$TMP/coll2.err")" = "$nh" ] ||
	bad "2. not one line per hostile message: $(cat "$TMP/coll2.err")"
while IFS="$(printf '\t')" read -r subj why; do
	grep -q "^netcap collect: $subj " "$TMP/coll2.err" || bad "2. no line for $subj ($why)"
done <"$TMP/hostile.sent"
[ ! -e "$TMP/coll1/evil/TCP.ncap.lz4" ] || bad "2. a file was written for the hostile messages"
"$PY" test/py/dist_check.py "$NETCAP" same "$TMP/ref2/after" "$TMP/coll1/after" >"$TMP/chk2.out" ||
	bad "2. the batch after them: $(cat "$TMP/chk2.out")"
[ $fail = 0 ] && echo "distributed: 2. $nh hostile messages acknowledged, counted, named; the next batch written"

# 2b. a collector killed at rest leaves its files without their end mark;
# the next collector to exit ends them, also those it had no batch for
"$NETCAP" agent -q -r test/data/sip_udp_sdp.pcap --nats $URL --sensor atrest \
	--spool "$TMP/spool2b" >/dev/null 2>&1 || bad "2b. agent"
"$NETCAP" capture -q -r test/data/sip_udp_sdp.pcap -o "$TMP/ref2b" >/dev/null 2>&1
"$NETCAP" collect -q -o "$TMP/coll2b" --nats $URL --ack-wait 5 2>"$TMP/coll2b.err" &
CP=$!
nref=$(ls "$TMP/ref2b"/*.ncap.lz4 | wc -l)
for i in $(seq 1 100); do
	[ "$(ls "$TMP"/coll2b/atrest/.*.state 2>/dev/null | wc -l)" -ge "$nref" ] && break
	sleep 0.1
done
sleep 1 # the last batches
kill -KILL $CP
wait $CP 2>/dev/null
open=0
for f in "$TMP"/coll2b/atrest/*.ncap.lz4; do
	"$NETCAP" dump "$f" >/dev/null 2>&1 || open=$((open + 1))
done
[ $open -gt 0 ] || bad "2b. the killed collector's files all end their frame: nothing to test"
"$NETCAP" collect -q -o "$TMP/coll2b" --nats $URL --drain --ack-wait 5 \
	2>>"$TMP/coll2b.err" || bad "2b. collect --drain: $(cat "$TMP/coll2b.err")"
if "$PY" test/py/dist_check.py "$NETCAP" same "$TMP/ref2b" "$TMP/coll2b/atrest" >"$TMP/chk2b.out"; then
	echo "distributed: 2b. $open files a killed collector left open ended by the next one to exit: $(tail -1 "$TMP/chk2b.out")"
else
	bad "2b. $(cat "$TMP/chk2b.out")"
fi
stop single TERM

# --- 3. TLS and credentials --------------------------------------------------
mkdir "$TMP/tls"
(
	cd "$TMP/tls" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=netcap-test-ca \
		-keyout ca.key -out ca.pem &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
			-keyout other.key -out other.pem &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext &&
		openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout srv.key \
			-out srv.csr &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 2 -extfile san.ext -out srv.pem &&
		openssl req -newkey rsa:2048 -nodes -subj /CN=sensor -keyout cli.key \
			-out cli.csr &&
		openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 2 -out cli.pem
) >"$TMP/openssl.log" 2>&1 || die "openssl: $(tail -3 "$TMP/openssl.log")"
T=$TMP/tls
echo "s3cret-pw" >"$T/pw"
echo "wrong-pw" >"$T/badpw"
cat >"$TMP/tls.conf" <<EOF
listen: 127.0.0.1:$TP
http: 127.0.0.1:$TM
jetstream { store_dir: "$TMP/tls-js" }
tls {
  cert_file: "$T/srv.pem"
  key_file: "$T/srv.key"
  ca_file: "$T/ca.pem"
  verify: true
}
authorization { user: netcap, password: "s3cret-pw" }
EOF
start tls "$TMP/tls.conf" $TM
TURL=nats://127.0.0.1:$TP
GOOD="--nats $TURL --nats-ca $T/ca.pem --nats-cert $T/cli.pem --nats-key $T/cli.key --nats-user netcap"
# shellcheck disable=SC2086
"$NETCAP" collect --setup $GOOD --nats-password-file "$T/pw" --stream-config "$TMP/stream1.json" \
	>"$TMP/tls-setup.out" 2>&1 || bad "3. --setup over TLS: $(cat "$TMP/tls-setup.out")"
# one line, exit 2: WHAT ARGS...
refused() {
	what=$1
	shift
	"$@" >"$TMP/ref.out" 2>"$TMP/ref.err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$TMP/ref.err")" = 1 ] ||
		bad "3. $what: exit $rc, not one line: $(cat "$TMP/ref.err")"
	grep -q EAL "$TMP/ref.err" && bad "3. $what: EAL started: $(cat "$TMP/ref.err")"
	echo "distributed: 3. $what: $(cat "$TMP/ref.err")"
}
CAP=test/data/dns_a-aaaa-mx.pcap
# shellcheck disable=SC2086
refused "wrong password" "$NETCAP" agent -q -r $CAP $GOOD --nats-password-file "$T/badpw" \
	--spool "$TMP/spool3"
# shellcheck disable=SC2086
refused "collect, wrong password" "$NETCAP" collect -o "$TMP/coll3" $GOOD \
	--nats-password-file "$T/badpw"
refused "a server certificate of another CA" "$NETCAP" agent -q -r $CAP --nats $TURL \
	--nats-ca "$T/other.pem" --nats-cert "$T/cli.pem" --nats-key "$T/cli.key" \
	--nats-user netcap --nats-password-file "$T/pw" --spool "$TMP/spool3"
refused "no client certificate" "$NETCAP" agent -q -r $CAP --nats $TURL \
	--nats-ca "$T/ca.pem" --nats-user netcap --nats-password-file "$T/pw" --spool "$TMP/spool3"
# a plaintext server while TLS is configured
cat >"$TMP/plain.conf" <<EOF
listen: 127.0.0.1:$SP
http: 127.0.0.1:$SM
jetstream { store_dir: "$TMP/plain-js" }
EOF
start plain "$TMP/plain.conf" $SM
refused "TLS configured, plaintext server" "$NETCAP" agent -q -r $CAP \
	--nats nats://127.0.0.1:$SP --nats-ca "$T/ca.pem" --spool "$TMP/spool3"
stop plain TERM
# the right ones, the password from the environment this time
# shellcheck disable=SC2086
NETCAP_NATS_PASSWORD=s3cret-pw "$NETCAP" agent -q -r $CAP $GOOD --sensor tls \
	--spool "$TMP/spool3" >"$TMP/tls-agent.out" 2>&1 ||
	bad "3. agent over TLS: $(cat "$TMP/tls-agent.out")"
# shellcheck disable=SC2086
"$NETCAP" collect -q -o "$TMP/coll3" $GOOD --nats-password-file "$T/pw" --drain --ack-wait 5 \
	>"$TMP/tls-coll.out" 2>&1 || bad "3. collect over TLS: $(cat "$TMP/tls-coll.out")"
"$NETCAP" capture -q -r $CAP -o "$TMP/ref3" >/dev/null 2>&1
"$PY" test/py/dist_check.py "$NETCAP" same "$TMP/ref3" "$TMP/coll3/tls" >"$TMP/chk3.out" &&
	echo "distributed: 3. over TLS with a client certificate and a password: $(cat "$TMP/chk3.out")" ||
	bad "3. over TLS: $(cat "$TMP/chk3.out")"
stop tls TERM

# --- 4. a three-node cluster -------------------------------------------------
[ "$(id -u)" = 0 ] && ip link add "$VETH" type veth peer name "${VETH}p" 2>/dev/null ||
	{ echo "distributed: 4. skipped (needs root and veth)"; exit $fail; }
ip link set "$VETH" up && ip link set "${VETH}p" up
for n in 1 2 3; do
	eval "cp=\$C$n rp=\$R$n mp=\$M$n"
	sed -e "s/127.0.0.1:422$((n + 1))/127.0.0.1:$cp/" \
		-e "s/127.0.0.1:822$((n + 1))/127.0.0.1:$mp/" \
		-e "s/listen: 127.0.0.1:622$((n + 1))/listen: 127.0.0.1:$rp/" \
		-e "s#127.0.0.1:6222#127.0.0.1:$R1#; s#127.0.0.1:6223#127.0.0.1:$R2#; s#127.0.0.1:6224#127.0.0.1:$R3#" \
		-e "s#/var/lib/nats/n$n#$TMP/n$n#" -e "s/64GB/1GB/" config/nats/node$n.conf >"$TMP/node$n.conf"
done
for n in 1 2 3; do eval "start n$n $TMP/node$n.conf \$M$n"; done
CURL=nats://127.0.0.1:$C1,nats://127.0.0.1:$C2,nats://127.0.0.1:$C3
# the cluster elects its meta leader after the nodes meet
ok=0
for i in $(seq 1 60); do
	if "$NETCAP" collect --setup --nats "$CURL" --stream-config "$TMP/stream3.json" \
		>"$TMP/setup4.out" 2>&1; then
		ok=1
		break
	fi
	sleep 0.5
done
[ $ok = 1 ] || die "4. --setup --replicas 3: $(cat "$TMP/setup4.out")"
grep -q "3 replicas" "$TMP/setup4.out" || bad "4. setup: $(cat "$TMP/setup4.out")"

TRAFFIC="test/data/dns_a-aaaa-mx.pcap test/data/sip_udp_sdp.pcap test/data/arp_request-reply_icmp.pcap"
# agent NAME SECONDS [options]: a live agent in the background, the frames
# sent for SECONDS
agent_bg() {
	name=$1 secs=$2
	shift 2
	"$NETCAP" agent -i "net_af_packet0,iface=${VETH}p" -q -w 1 \
		--duration $((secs + 2)) --nats "$CURL" --sensor "$name" \
		--spool "$TMP/spool-$name" --ack-wait 2 -o "$TMP/local-$name" \
		--include Ethernet,IPv4,UDP,DNS,SIP,ARP "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	echo $! >"$TMP/agent-$name.apid"
	sleep 1.5 # EAL and the port
	"$PY" test/py/dist_traffic.py "$VETH" 3000 "$secs" $TRAFFIC >"$TMP/$name.sent" &
}
agent_wait() {
	wait "$(cat "$TMP/agent-$1.apid")"
	rc=$?
	[ $rc = "${2:-0}" ] || bad "4. agent $1: exit $rc: $(cat "$TMP/$1.err")"
}
collect_bg() {
	"$NETCAP" collect -q -o "$TMP/coll4" --nats "$CURL" --ack-wait 2 \
		>>"$TMP/coll4.log" 2>&1 &
	echo $! >"$TMP/collect.pid"
}

# a. a node killed and restarted; the collector killed four times, at
# points drawn from DIST_SEED (printed: a failure can be run again)
SEED=${DIST_SEED:-$(date +%s)}
set -- $(awk -v s="$SEED" 'BEGIN { srand(s); for (i = 0; i < 4; i++) printf "%.2f ", 0.2 + rand() * 1.1 }')
agent_bg a 6
collect_bg
sleep 2
stop n1 KILL
sleep "$1"
stop collect KILL
collect_bg
sleep "$2"
stop collect KILL
collect_bg
sleep 0.5
start n1 "$TMP/node1.conf" $M1
sleep "$3"
stop collect KILL
collect_bg
sleep "$4"
stop collect KILL
agent_wait a
"$NETCAP" collect -q -o "$TMP/coll4" --nats "$CURL" --drain --ack-wait 2 \
	>>"$TMP/coll4.log" 2>&1 || bad "4a. collect --drain: $(tail -3 "$TMP/coll4.log")"
"$PY" test/py/dist_check.py "$NETCAP" same "$TMP/local-a" "$TMP/coll4/a" >"$TMP/chk4a.out" &&
	echo "distributed: 4a. a node and the collector killed mid-run (DIST_SEED=$SEED): $(cat "$TMP/chk4a.out") ($(cat "$TMP/a.sent") frames sent)" ||
	bad "4a. (DIST_SEED=$SEED) $(cat "$TMP/chk4a.out")"

# b. every server stopped for 10 s
agent_bg b 14
sleep 2
for n in 1 2 3; do stop n$n TERM; done
sleep 10
for n in 1 2 3; do eval "start n$n $TMP/node$n.conf \$M$n"; done
agent_wait b
# two collectors share the durable consumer (and the files' locks)
"$NETCAP" collect -o "$TMP/coll4" --nats "$CURL" --drain --ack-wait 2 \
	>"$TMP/coll4b1.out" 2>>"$TMP/coll4.log" &
c1=$!
"$NETCAP" collect -o "$TMP/coll4" --nats "$CURL" --drain --ack-wait 2 \
	>"$TMP/coll4b2.out" 2>>"$TMP/coll4.log" || bad "4b. collect --drain: $(tail -3 "$TMP/coll4.log")"
wait $c1 || bad "4b. the other collect --drain: $(tail -3 "$TMP/coll4.log")"
w1=$(val "collect batches written" "$TMP/coll4b1.out")
w2=$(val "collect batches written" "$TMP/coll4b2.out")
"$PY" test/py/dist_check.py "$NETCAP" same "$TMP/local-b" "$TMP/coll4/b" >"$TMP/chk4b.out" ||
	bad "4b. $(cat "$TMP/chk4b.out")"
sp=$(val "agent batches spooled" "$TMP/b.out")
rs=$(val "agent batches resent" "$TMP/b.out")
ak=$(rec "agent batches acknowledged" "$TMP/b.out")
got=$("$PY" test/py/dist_check.py "$NETCAP" count "$TMP/coll4/b")
[ "${sp:-0}" -gt 0 ] && [ "${rs:-0}" -gt 0 ] || bad "4b. spooled ${sp:-?} resent ${rs:-?}: $(cat "$TMP/b.out")"
[ "${ak:-x}" = "$got" ] || bad "4b. acknowledged records ${ak:-?}, collected $got"
[ $fail = 0 ] && echo "distributed: 4b. all servers stopped 10 s: $sp batches spooled, $rs resent, $(cat "$TMP/chk4b.out") (two collectors wrote ${w1:-?} and ${w2:-?} batches)"

# c. the same outage with a spool smaller than it
agent_bg c 8 --spool-max 64K
sleep 2
for n in 1 2 3; do stop n$n TERM; done
sleep 5
for n in 1 2 3; do eval "start n$n $TMP/node$n.conf \$M$n"; done
agent_wait c 1
"$NETCAP" collect -q -o "$TMP/coll4" --nats "$CURL" --drain --ack-wait 2 \
	>>"$TMP/coll4.log" 2>&1 || bad "4c. collect --drain: $(tail -3 "$TMP/coll4.log")"
dr=$(rec "agent batches dropped" "$TMP/c.out")
db=$(val "agent batches dropped" "$TMP/c.out")
have=$("$PY" test/py/dist_check.py "$NETCAP" count "$TMP/local-c")
miss=$("$PY" test/py/dist_check.py "$NETCAP" missing "$TMP/local-c" "$TMP/coll4/c") ||
	bad "4c. collected records the agent did not write: $miss"
[ "${db:-0}" -gt 0 ] || bad "4c. nothing dropped with a 64K spool: $(cat "$TMP/c.out")"
# batches left in the spool at the end (the servers back too late for
# --drain-timeout) are not lost, they wait for the next run; those sent
# once may be in the stream already: dropped <= missing <= dropped + left
left=$(rec "agent batches left in spool" "$TMP/c.out")
[ "${miss:-x}" -ge "${dr:-0}" ] 2>/dev/null && [ "$miss" -le $((dr + ${left:-0})) ] ||
	bad "4c. $have records written locally, $miss not collected, ${dr:-?} dropped, ${left:-?} left in the spool: $(grep agent "$TMP/c.out" | tr '\n' ';')"
grep -q "spool .* full" "$TMP/c.err" || bad "4c. no warning: $(cat "$TMP/c.err")"
[ $fail = 0 ] && echo "distributed: 4c. a 64K spool: $db batches ($dr records) dropped, counted; of $have records $miss missing ($left left in the spool for the next run)"

[ $fail = 0 ] && echo "distributed: all passed"
exit $fail
