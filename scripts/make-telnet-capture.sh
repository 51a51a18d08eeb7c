#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Make a Telnet login capture from a real Telnet server (GNU inetutils
# telnetd under inetutils-inetd, with /bin/login) inside two private network
# namespaces on this machine.
#
#   sudo scripts/make-telnet-capture.sh [OUT.pcap]
#   (default OUT: test/data/telnet_login.pcap)
#
# Topology (no default route, no other interface: nothing can leave):
#
#   netns nc-tel-cli-PID                     netns nc-tel-srv-PID
#   +------------------------+   veth pair   +----------------------------+
#   | veth0 10.201.0.2/24    |---------------| veth0 10.201.0.1/24        |
#   | tcpdump -w, the client |               | inetutils-inetd :23 ->     |
#   | (Python, below)        |               |   telnetd -> /bin/login    |
#   +------------------------+               +----------------------------+
#
# The client is a small Python program that speaks NVT (RFC 854) itself: it
# refuses every option but the server's ECHO and SUPPRESS-GO-AHEAD, then
# logs in twice on one connection as a throwaway local user: first with a
# wrong password (user name typed one key per segment, with a DEL that
# erases a typo, CR NUL line end; password as one line, CR LF), then with
# the right one (user name as one line, password one key per segment with a
# DEL, CR NUL), runs "id" and "exit".
#
# The user nc-telnet-test is created with a random password for the run
# and deleted on exit (also on failure); the script refuses to run when
# that user exists already. Users are machine-wide: run it only on a
# throwaway machine. The server runs in its own UTS namespace with the
# host name nc-telnet-srv. Everything is stopped and both namespaces are
# removed on exit.
#
# Needs root and: ip (iproute2), ethtool, tcpdump, useradd/userdel/chpasswd,
# unshare, /usr/sbin/telnetd and /usr/sbin/inetutils-inetd
# (apt-get install inetutils-telnetd), /usr/bin/python3, openssl.
#
# REGENERATION: the committed capture test/data/telnet_login.pcap is the
# test input; CI never runs this script. Rerun it only to refresh that
# file, then update its line in test/data/MANIFEST.tsv and rerun the oracle
# (test/oracle/app-run.sh --only telnet,creds). The password, timestamps and
# ports differ on every run.
set -eu

OUT=${1:-test/data/telnet_login.pcap}
SRV=nc-tel-srv-$$
CLI=nc-tel-cli-$$
S4=10.201.0.1 C4=10.201.0.2
USR=nc-telnet-test

die() { echo "make-telnet-capture: $*" >&2; exit 1; }
log() { echo "make-telnet-capture: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root"
for p in ip ethtool tcpdump useradd userdel chpasswd unshare openssl \
	/usr/sbin/telnetd /usr/sbin/inetutils-inetd /usr/bin/python3; do
	command -v "$p" >/dev/null 2>&1 || die "missing program: $p"
done
if getent passwd "$USR" >/dev/null; then
	die "user $USR exists already; remove it first (userdel $USR)"
fi

TMP=$(mktemp -d /tmp/nc-telnet.XXXXXX)
PIDS=""
MADE_USER=0

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
	if [ "$MADE_USER" = 1 ]; then
		userdel "$USR" 2>/dev/null || log "could not delete user $USR"
	fi
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

# --- namespaces and the veth pair ------------------------------------------
ip netns add "$SRV"
ip netns add "$CLI"
ip link add "nts$$" netns "$SRV" address 02:00:0a:c9:00:01 type veth \
	peer name "ntc$$" netns "$CLI" address 02:00:0a:c9:00:02
for ns in "$SRV" "$CLI"; do
	if [ "$ns" = "$SRV" ]; then dev=nts$$ a4=$S4; else dev=ntc$$ a4=$C4; fi
	ip -n "$ns" link set "$dev" name veth0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.veth0.disable_ipv6=1
	ip netns exec "$ns" ethtool -K veth0 rx off tx off tso off gso off \
		gro off >/dev/null 2>&1 || true
	ip -n "$ns" addr add "$a4/24" dev veth0
	ip -n "$ns" link set lo up
	ip -n "$ns" link set veth0 up
done
for ns in "$SRV" "$CLI"; do
	[ -z "$(ip -n "$ns" -4 route show default)" ] || die "$ns has a default route"
	links=$(ip -n "$ns" -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | tr '\n' ' ')
	[ "$links" = "lo veth0 " ] || die "$ns has unexpected interfaces: $links"
done

# --- the throwaway user ------------------------------------------------------
PW="nc-$(openssl rand -hex 5)"
chmod 755 "$TMP"
mkdir -p "$TMP/home"
useradd -M -d "$TMP/home" -s /bin/sh "$USR"
MADE_USER=1
chown "$USR" "$TMP/home"
echo "$USR:$PW" | chpasswd

# --- the server --------------------------------------------------------------
echo "23 stream tcp nowait root /usr/sbin/telnetd telnetd" >"$TMP/inetd.conf"
ip netns exec "$SRV" unshare --uts sh -c \
	"hostname nc-telnet-srv && exec /usr/sbin/inetutils-inetd -d -p $TMP/inetd.pid $TMP/inetd.conf" \
	>"$TMP/inetd.log" 2>&1 &
PIDS="$PIDS $!"

for _ in $(seq 1 50); do
	ip netns exec "$SRV" ss -Hltn 'sport = :23' | grep -q . && break
	sleep 0.1
done
ip netns exec "$SRV" ss -Hltn 'sport = :23' | grep -q . || die "telnetd did not listen"

# --- capture -----------------------------------------------------------------
ip netns exec "$CLI" tcpdump -i veth0 -U --immediate-mode -s 262144 -w "$TMP/out.pcap" \
	'tcp port 23' >"$TMP/tcpdump.log" 2>&1 &
TCPDUMP=$!
PIDS="$PIDS $TCPDUMP"
for _ in $(seq 1 50); do
	grep -q "listening on" "$TMP/tcpdump.log" && break
	sleep 0.1
done

cat >"$TMP/client.py" <<'EOF'
# A Telnet client speaking NVT (RFC 854/855) over a plain socket.
import socket, sys, time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3
host, user, pw = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.create_connection((host, 23), timeout=20)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
text = bytearray()   # what the server printed, NVT commands removed
answered = set()

def feed(data):
    i = 0
    while i < len(data):
        b = data[i]
        if b != IAC:
            text.append(b)
            i += 1
            continue
        if i + 1 >= len(data):
            break
        cmd = data[i + 1]
        if cmd in (DO, DONT, WILL, WONT) and i + 2 < len(data):
            opt = data[i + 2]
            if (cmd, opt) not in answered:
                answered.add((cmd, opt))
                if cmd == WILL:
                    s.sendall(bytes([IAC, DO if opt in (ECHO, SGA) else DONT, opt]))
                elif cmd == DO:
                    s.sendall(bytes([IAC, WONT, opt]))
            i += 3
        elif cmd == SB:
            j = data.find(bytes([IAC, SE]), i)
            i = len(data) if j < 0 else j + 2
        elif cmd == IAC:
            text.append(IAC)
            i += 2
        else:
            i += 2

def wait_for(*words, t=20):
    end = time.time() + t
    while time.time() < end:
        low = text.lower()
        for w in words:
            k = low.rfind(w.encode())
            if k >= 0:
                del text[:k + len(w)]
                return w
        s.settimeout(max(0.1, end - time.time()))
        data = s.recv(4096)
        if not data:
            sys.exit("server closed; it said: %r" % bytes(text))
        feed(data)
    sys.exit("timeout waiting for %r; server said: %r" % (words, bytes(text)))

def keys(b):
    for c in b:
        s.sendall(bytes([c]))
        time.sleep(0.05)

# 1: wrong password
wait_for("login: ")
keys(user[:-1].encode() + b"x\x7f" + user[-1:].encode() + b"\r\x00")
wait_for("password: ")
time.sleep(0.1)
s.sendall(b"wrong-pass\r\n")
wait_for("login incorrect")
# 2: right password
wait_for("login: ")
time.sleep(0.1)
s.sendall(user.encode() + b"\r\n")
wait_for("password: ")
keys(pw.encode() + b"q\x7f\r\x00")
wait_for("$ ")
time.sleep(0.1)
s.sendall(b"id\r\n")
wait_for("$ ")
time.sleep(0.1)
s.sendall(b"exit\r\n")
try:
    while s.recv(4096):
        pass
except socket.timeout:
    pass
s.close()
EOF

log "logging in to $S4:23 as $USR"
ip netns exec "$CLI" /usr/bin/python3 "$TMP/client.py" "$S4" "$USR" "$PW" \
	>"$TMP/client.log" 2>&1 || die "client failed: $(cat "$TMP/client.log")"
sleep 1
kill -INT "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || true
cp "$TMP/out.pcap" "$OUT"
log "wrote $OUT ($(stat -c %s "$OUT") bytes); password was $PW"
