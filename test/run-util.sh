#!/bin/sh
# netcap util check, ts2utc, mkpacket, env and interfaces (docs/TOOLS.md),
# each against something other than netcap itself:
#  1. check accepts every file capture writes for several test captures,
#     with per-type record counts equal to capture's own summary lines
#     (records.<Type> N); it rejects a truncated file (head -c), a file
#     with a byte flipped in the middle and a foreign file (a pcap): exit
#     1, one stderr line naming an offset.
#  2. ts2utc against python's datetime; mkpacket --time T read by tshark:
#     frame.time_epoch, the bytes (frame.len, eth.src, ip.src) and the
#     encapsulation for link types 1 (Ethernet), 101 (raw IP) and 113
#     (Linux SLL).
#  3. env: a flag, a config-file key and a default each with its source.
#  4. interfaces: as root, a veth pair made here is listed with driver
#     veth (skipped with a message when not root).
#  5. bad input for each verb: exit 2, one stderr line.
#   test/run-util.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
veth=""
cleanup() {
	[ -n "$veth" ] && ip link del "$veth" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
bad() {
	echo "util: FAIL: $*"
	fail=1
}
PY=/usr/bin/python3

# exit status $1 and exactly one stderr line (matching $2) from the rest
expect_err() {
	want=$1
	pat=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	n=$(wc -l <"$tmp/err")
	if [ "$rc" != "$want" ] || [ "$n" != 1 ] ||
		! grep -Eq -- "$pat" "$tmp/err"; then
		bad "$* -> exit $rc, $n stderr lines (want $want, 1, /$pat/): $(head -c 300 "$tmp/err")"
	fi
}

# ---- 1. check ----
ncap=0
for p in dns_a-aaaa-mx.pcap arp_request-reply_icmp.pcap ftp_ipv4_passive.pcap \
	dns-over-tcp.pcap 6in4_ipv6-in-ipv4.pcap; do
	f=test/data/$p
	[ -f "$f" ] || { bad "missing $f"; continue; }
	d=$tmp/cap-${p%.pcap}
	if ! "$NETCAP" capture -q -r "$f" -o "$d" >"$tmp/sum" 2>"$tmp/cerr"; then
		bad "capture $p: $(head -c 300 "$tmp/cerr")"
		continue
	fi
	# capture's counts: records.<Type> N, total and zero lines left out
	awk '$1 ~ /^records\./ && $1 != "records.total" && $2 > 0 \
		{ sub(/^records\./, "", $1); print $1, $2 }' "$tmp/sum" |
		sort >"$tmp/want"
	if ! "$NETCAP" util check "$d" >"$tmp/chk" 2>"$tmp/err"; then
		bad "check $p: $(cat "$tmp/err")"
		continue
	fi
	# the table: FILE TYPE RECORDS ..., summed per type (rotation aside)
	awk 'NR > 1 && $2 != "files" { n[$2] += $3 } \
		END { for (t in n) if (n[t] > 0) print t, n[t] }' "$tmp/chk" |
		sort >"$tmp/got"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		bad "check $p: counts differ from capture's summary: $(diff "$tmp/want" "$tmp/got" | tr '\n' ' ')"
	fi
	files=$(ls "$d" | grep -c '\.ncap')
	rows=$(($(wc -l <"$tmp/chk") - 2))
	[ "$files" = "$rows" ] || bad "check $p: $rows rows for $files files"
	ncap=$((ncap + 1))
done
echo "util: check accepted $ncap captures, counts equal to capture's summary"

d=$tmp/cap-ftp_ipv4_passive
f=$(ls -S "$d"/*.ncap.lz4 | head -1)
sz=$(stat -c %s "$f")
head -c $((sz - 7)) "$f" >"$tmp/trunc.ncap.lz4"
# a truncated LZ4 file fails where the file ends (its end mark is missing)
expect_err 1 "^netcap util check: .*trunc\\.ncap\\.lz4: offset $((sz - 7)) \\(file\\): " \
	"$NETCAP" util check "$tmp/trunc.ncap.lz4"
# an uncompressed file cut inside a record fails at that record's start,
# found here by walking the varint length prefixes in Python
"$NETCAP" capture -q -r test/data/ftp_ipv4_passive.pcap -o "$tmp/nc" \
	--no-compress >/dev/null 2>&1 || bad "capture --no-compress"
u=$tmp/nc/TCP.ncap
usz=$(stat -c %s "$u")
head -c $((usz / 2)) "$u" >"$tmp/cut.ncap"
uoff=$("$PY" - "$tmp/cut.ncap" <<'PYEOF'
import sys
d = open(sys.argv[1], "rb").read()
pos = 0
while True:
    start, n, shift = pos, 0, 0
    while pos < len(d):
        b = d[pos]; pos += 1
        n |= (b & 0x7f) << shift; shift += 7
        if not b & 0x80:
            break
    else:
        print(start); break
    if pos + n > len(d):
        print(start); break
    pos += n
PYEOF
)
expect_err 1 "^netcap util check: .*cut\\.ncap: offset $uoff \\(file\\): " \
	"$NETCAP" util check "$tmp/cut.ncap"
cp "$f" "$tmp/flip.ncap.lz4"
mid=$((sz / 2))
b=$(od -An -tu1 -j "$mid" -N1 "$f" | tr -d ' ')
printf "$(printf '\\%03o' $((b ^ 255)))" |
	dd of="$tmp/flip.ncap.lz4" bs=1 seek="$mid" conv=notrunc 2>/dev/null
cmp -s "$f" "$tmp/flip.ncap.lz4" && bad "byte flip did not change the file"
expect_err 1 '^netcap util check: .*flip\.ncap\.lz4: offset [0-9]+ \((file|stream)\): ' \
	"$NETCAP" util check "$tmp/flip.ncap.lz4"
expect_err 1 '^netcap util check: .*dns_a-aaaa-mx\.pcap: offset 0 \(file\): ' \
	"$NETCAP" util check test/data/dns_a-aaaa-mx.pcap
# a directory holding one bad file among good ones is invalid too
cp "$tmp/trunc.ncap.lz4" "$d/Zz.ncap.lz4"
expect_err 1 'Zz\.ncap\.lz4: offset [0-9]+' "$NETCAP" util check "$d"
echo "util: check rejected truncated, flipped and foreign files"

# ---- 2. ts2utc and mkpacket ----
vals="-0.000000001 1700000000.123456789 1700000000123456789 0 -1 -1.5 1.000000001 \
	9223372035.999999999 4102444800.5 86400 -86400.25 1234567890.5"
"$NETCAP" util ts2utc $vals >"$tmp/ts" 2>"$tmp/err" || bad "ts2utc: $(cat "$tmp/err")"
$PY - $vals >"$tmp/tspy" <<'PYEOF'
import sys, datetime
E = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
for v in sys.argv[1:]:
    if '.' in v:
        neg = v.startswith('-')
        s, f = v.lstrip('-').split('.')
        ns = int(s) * 10**9 + int((f + '000000000')[:9])
        ns = -ns if neg else ns
    else:
        ns = int(v)
    sec, frac = divmod(ns, 10**9)
    t = E + datetime.timedelta(seconds=sec)
    print(t.strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % frac)
PYEOF
cmp -s "$tmp/ts" "$tmp/tspy" ||
	bad "ts2utc differs from python: $(diff "$tmp/tspy" "$tmp/ts" | tr '\n' ' ')"

# Ethernet/IPv4/UDP, raw IPv4/ICMP, Linux SLL/IPv4/UDP: 2 packets each
cat >"$tmp/eth.hex" <<'HEX'
# dst 00:11:22:33:44:55 src 66:77:88:99:aa:bb, IPv4 10.0.0.1 > 10.0.0.2 UDP
00:11:22:33:44:55 66:77:88:99:aa:bb 08 00
0x45 0x00 0x00 0x1d 0x00 0x01 0x00 0x00 0x40 0x11 0x66 0xcd 0a000001 0a000002
1234 5678 0009 0000 41   # payload "A"

001122334455 66778899aabb 0800 4500001d00010000401166cd0a0000010a000002 12345678000900004
HEX
# the last line is 1 nibble short: fix it for the good run, keep for bad hex
sed '$d' "$tmp/eth.hex" >"$tmp/eth1.hex"
printf '%s\n' '001122334455 66778899aabb 0800 4500001d00010000401166cd0a0000010a000002 1234567800090000 42' >>"$tmp/eth1.hex"
T=1700000000.123456789
"$NETCAP" util mkpacket --time $T -o "$tmp/eth.pcap" "$tmp/eth1.hex" 2>"$tmp/err" ||
	bad "mkpacket eth: $(cat "$tmp/err")"
# one packet per non-empty line: the three lines after the comment are
# packets of their own (14, 20 and 9 bytes), the last one the whole frame
tshark -r "$tmp/eth.pcap" -T fields -e frame.time_epoch -e frame.len \
	-e frame.encap_type >"$tmp/tsh" 2>"$tmp/err" || bad "tshark: $(cat "$tmp/err")"
$PY - "$tmp/tsh" <<'PYEOF' || bad "mkpacket eth: tshark saw $(tr '\n' ' ' <"$tmp/tsh")"
import sys
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
want = [(1700000000123456789 + i * 1000, n) for i, n in
        enumerate([14, 20, 9, 43])]
assert len(rows) == 4, rows
for (t, n), r in zip(want, rows):
    s, f = r[0].split('.')
    assert int(s) * 10**9 + int((f + '000000000')[:9]) == t, (r, t)
    assert int(r[1]) == n, (r, n)
    assert r[2] == '1', r  # WTAP_ENCAP_ETHERNET
PYEOF
got=$(tshark -r "$tmp/eth.pcap" -Y 'frame.number == 4' -T fields -e eth.dst \
	-e eth.src -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e data 2>/dev/null)
want=$(printf '00:11:22:33:44:55\t66:77:88:99:aa:bb\t10.0.0.1\t10.0.0.2\t4660\t22136\t42')
[ "$got" = "$want" ] || bad "mkpacket eth: fields '$got', want '$want'"
tshark -r "$tmp/eth.pcap" -x -Y 'frame.number == 4' 2>/dev/null |
	awk '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  /{ for (i = 2; i <= 17 && $i ~ /^[0-9a-f][0-9a-f]$/; i++) printf "%s", $i }' >"$tmp/x"
[ "$(cat "$tmp/x")" = "00112233445566778899aabb08004500001d00010000401166cd0a0000010a000002123456780009000042" ] ||
	bad "mkpacket eth: bytes $(cat "$tmp/x")"

# raw IP (101, by name RAW and by number) and Linux SLL (113)
ip='450000200001000040017ccb0a0000010a000002 0800f7ff00000000 0000'
for lt in RAW 101; do
	echo "$ip" | "$NETCAP" util mkpacket --link-type $lt --time 5 -o "$tmp/raw.pcap" ||
		bad "mkpacket raw $lt"
	got=$(tshark -r "$tmp/raw.pcap" -T fields -e frame.encap_type -e frame.time_epoch \
		-e ip.src -e icmp.type -e frame.len 2>/dev/null)
	case "$got" in
	"7	0.000000005"*"10.0.0.1	8	30" | "7	0.000000005	10.0.0.1	8	30") ;;
	*) bad "mkpacket --link-type $lt: tshark '$got'" ;;
	esac
done
sll="0000 0001 0006 66778899aabb 0000 0800 $ip"
echo "$sll" | "$NETCAP" util mkpacket --link-type LINUX_SLL -o "$tmp/sll.pcap" ||
	bad "mkpacket sll"
got=$(tshark -r "$tmp/sll.pcap" -T fields -e frame.encap_type -e sll.src.eth \
	-e ip.dst 2>/dev/null)
[ "$got" = "$(printf '25\t66:77:88:99:aa:bb\t10.0.0.2')" ] ||
	bad "mkpacket LINUX_SLL: tshark '$got'"
lt=$(od -An -tu4 -j20 -N4 "$tmp/sll.pcap" | tr -d ' ')
[ "$lt" = 113 ] || bad "mkpacket LINUX_SLL: link type $lt in the pcap header"
echo "util: ts2utc agrees with python, mkpacket with tshark"

# ---- 3. env ----
printf '{"stats": {"interval": 7}, "output": {"rotate_size": "2M"}}\n' >"$tmp/cfg.json"
"$NETCAP" util env --config "$tmp/cfg.json" -w 3 --rotate-size 4M >"$tmp/env" 2>"$tmp/err" ||
	bad "env: $(cat "$tmp/err")"
grep -qx 'cpus.workers 3 flag' "$tmp/env" || bad "env: workers not 3 from flag"
grep -qx 'stats.interval 7 file' "$tmp/env" || bad "env: stats.interval not 7 from file: $(grep stats.interval "$tmp/env")"
grep -qx 'output.rotate_size "4M" flag' "$tmp/env" ||
	bad "env: rotate_size: flag over file: $(grep rotate_size "$tmp/env")"
grep -qx 'input.rx_desc 1024 default' "$tmp/env" || bad "env: rx_desc default"
grep -qx 'output.compress true default' "$tmp/env" || bad "env: compress default"
"$NETCAP" util env --no-compress --no-telemetry >"$tmp/env2" 2>&1 || bad "env --no-compress"
grep -qx 'output.compress false flag' "$tmp/env2" || bad "env: --no-compress"
grep -qx 'stats.telemetry false flag' "$tmp/env2" || bad "env: --no-telemetry: $(grep telemetry "$tmp/env2")"
# every key of docs/ops-config.md's table is listed once
keys=$(cut -d' ' -f1 "$tmp/env" | sort | uniq -d)
[ -z "$keys" ] || bad "env: keys listed twice: $keys"
echo "util: env reports flag, file and default sources"

# ---- 4. interfaces ----
"$NETCAP" util interfaces >"$tmp/if" 2>"$tmp/err" || bad "interfaces: $(cat "$tmp/err")"
for n in $(ls /sys/class/net); do
	grep -q "^$n " "$tmp/if" || bad "interfaces: $n missing"
done
if [ "$(id -u)" = 0 ] && ip link add "ncu$$a" type veth peer name "ncu$$b" 2>/dev/null; then
	veth="ncu$$a"
	"$NETCAP" util interfaces >"$tmp/if" 2>&1
	for n in "ncu$$a" "ncu$$b"; do
		mac=$(cat /sys/class/net/$n/address)
		awk -v n="$n" -v m="$mac" '$1 == n && $2 == "veth" && $7 == m { f = 1 } END { exit !f }' \
			"$tmp/if" || bad "interfaces: $n not listed with driver veth and $mac"
	done
	echo "util: interfaces lists a veth pair"
else
	echo "util: interfaces: not root (or no veth): veth part skipped"
fi

# ---- 5. bad input ----
expect_err 2 '^netcap util ts2utc: ' "$NETCAP" util ts2utc 17x
expect_err 2 '^netcap util ts2utc: ' "$NETCAP" util ts2utc 1.1234567891
expect_err 2 '^netcap util ts2utc: ' "$NETCAP" util ts2utc
expect_err 2 '^netcap util mkpacket: .*line 6: ' "$NETCAP" util mkpacket -o "$tmp/bad.pcap" "$tmp/eth.hex"
[ -e "$tmp/bad.pcap" ] && bad "mkpacket left an output file after bad hex"
printf 'zz\n' >"$tmp/zz.hex"
expect_err 2 '^netcap util mkpacket: .*line 1: ' "$NETCAP" util mkpacket -o "$tmp/bad.pcap" "$tmp/zz.hex"
expect_err 2 '^netcap util mkpacket: --link-type' "$NETCAP" util mkpacket --link-type NOSUCH "$tmp/eth1.hex"
expect_err 2 '^netcap util mkpacket: --time' "$NETCAP" util mkpacket --time -1 "$tmp/eth1.hex"
expect_err 2 '^netcap util check: ' "$NETCAP" util check
expect_err 2 '^netcap util check: ' "$NETCAP" util check --bogus
expect_err 2 '^netcap util check: ' "$NETCAP" util check "$tmp/no-such-file"
expect_err 2 '^netcap util env: --workers' "$NETCAP" util env -w 0
printf '{"stats": {"nope": 1}}\n' >"$tmp/badcfg.json"
expect_err 2 '^netcap util env: .*badcfg.json' "$NETCAP" util env --config "$tmp/badcfg.json"
expect_err 2 '^netcap util interfaces: ' "$NETCAP" util interfaces extra
expect_err 2 '^netcap util: unknown noun' "$NETCAP" util nosuch
for v in check ts2utc mkpacket env interfaces "db build" "db check"; do
	"$NETCAP" util $v --help >"$tmp/h" 2>&1 && grep -q "usage: netcap util" "$tmp/h" ||
		bad "util $v --help"
done
"$NETCAP" util --help >"$tmp/h" 2>&1
for v in check ts2utc mkpacket env interfaces; do
	grep -q "^  $v " "$tmp/h" || bad "util --help does not list $v"
done
echo "util: bad input refused with one line, exit 2"

if [ $fail != 0 ]; then
	echo "util: FAILED"
	exit 1
fi
echo "util: all passed"
