#!/bin/sh
# netcap util db build --oui / --ja3-sslbl / --fingerprints, db check and
# db lookup of their output, capture --vendors (docs/TOOLS.md).
#  1. Vendor database from the IEEE CSV slices in test/data/ieee/
#     (MANIFEST.tsv there): db check shows each source with its size and
#     SHA-256 (sha256sum) and the counts per registry; every entry line
#     equals what an independent reader (python's csv module on the same
#     files) makes of every row: registry, prefix, bits, organization,
#     sorted by prefix. The same on the full files in /usr/share/ieee-data
#     when they are there.
#  2. db lookup and capture --vendors on a capture made here (mkpacket:
#     one UDP packet from each of ~50 MACs in MA-S, IAB, MA-M and MA-L
#     blocks, in IEEE Registration Authority blocks outside them, none)
#     and on two test/data captures: every DeviceProfile's
#     DeviceManufacturer equals the longest-prefix match that python
#     computes from the CSVs (the first row of a prefix listed twice).
#  3. Malformed rows (bad hex, a length wrong for the registry, a missing
#     field, an unknown registry, a bad header, an unterminated quote):
#     exit 1, one stderr line naming the file and the row, no output file
#     (nor a temporary one). A database with one byte changed fails db
#     check (exit 1) and capture --vendors (exit 2, one line).
#  4. Fingerprints: an SSLBL-format CSV made here plus
#     config/fingerprints.json: the JSON has every entry of both, built
#     and sources (checked by python against the inputs), db check shows
#     them, and capture --fingerprints with it turns the JA3 of
#     tls12_sni_full-handshake.pcap into a Software record named by the
#     listing reason. Bad SSLBL rows: exit 1, one line with the row.
#  5. Indicator list from a Feodo Tracker CSV and a Spamhaus DROP file made
#     here: exactly the expected lines (an address listed twice once), db
#     check shows both sources, capture --indicators on the live capture
#     alerts on exactly the three indicators that match its addresses; a
#     changed list fails db check; bad rows are one line, exit 1.
#   test/run-dbbuild.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.." || exit 1
umask 022
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "dbbuild: FAIL: $*"
	fail=1
}
PY=/usr/bin/python3
D=test/data/ieee
SLICES="$D/oui.csv $D/mam.csv $D/oui36.csv $D/iab.csv"

# the independent reader: expected entry lines, and vendors for MACs
cat >"$tmp/ieee.py" <<'PYEOF'
import csv, re, sys
REG = {"MA-L": (0, 6), "MA-M": (1, 7), "MA-S": (2, 9), "IAB": (3, 9)}
def rows(files):
    order = 0
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            r = list(csv.reader(fh))
        assert r[0] == ["Registry", "Assignment", "Organization Name",
                        "Organization Address"], f
        for row in r[1:]:
            if not row:
                continue
            name = re.sub(r"[\x00-\x1f\x7f]", " ", row[2]).strip(" ")
            yield (row[1].upper(), REG[row[0]][0], order, row[0],
                   REG[row[0]][1] * 4, name)
            order += 1
def vendor(table, mac):
    h = mac.replace(":", "").upper()
    for digits in (9, 7, 6):
        if h[:digits] in table.get(digits, {}):
            return table[digits][h[:digits]]
    return ""
mode, files = sys.argv[1], sys.argv[2].split()
ents = sorted(rows(files))
if mode == "lines":
    for p, _, _, reg, bits, name in ents:
        print("%s\t%s\t%d\t%s" % (reg, p, bits, name))
else:
    table = {}
    for p, _, _, reg, bits, name in sorted(ents, key=lambda e: e[2]):
        table.setdefault(len(p), {}).setdefault(p, name)
    for mac in sys.stdin.read().split():
        print("%s\t%s" % (mac.lower(), vendor(table, mac)))
PYEOF

# --- 1. build and check, slices and full files
check_db() { # name db files...
	name=$1 db=$2
	shift 2
	"$NETCAP" util db check "$db" >"$tmp/check" 2>"$tmp/se" ||
		bad "$name: db check: exit $?: $(cat "$tmp/se")"
	grep -q "^$db: netcap vendor database, format 1" "$tmp/check" ||
		bad "$name: db check header: $(head -1 "$tmp/check")"
	for f in "$@"; do
		sum=$(sha256sum "$f" | cut -d' ' -f1)
		size=$(wc -c <"$f" | tr -d ' ')
		grep -q "^source   $(basename "$f")  $size bytes  sha256 $sum  modified 20" "$tmp/check" ||
			bad "$name: db check does not show $f ($size bytes, $sum): $(cat "$tmp/check")"
	done
	# shellcheck disable=SC2086
	$PY "$tmp/ieee.py" lines "$*" >"$tmp/want.lines" || bad "$name: python reader failed"
	grep -vE '^(netcap-vendors|source|built|end)	' "$db" >"$tmp/got.lines"
	cmp -s "$tmp/want.lines" "$tmp/got.lines" ||
		bad "$name: entries differ from python's reading: $(diff "$tmp/want.lines" "$tmp/got.lines" | head -5)"
	n=$(wc -l <"$tmp/want.lines" | tr -d ' ')
	for r in MA-L MA-M MA-S IAB; do
		eval "c_$(echo $r | tr -d -)=$(grep -c "^$r	" "$tmp/want.lines")"
	done
	# shellcheck disable=SC2154
	grep -q "^entries  $n assignments: MA-L $c_MAL, MA-M $c_MAM, MA-S $c_MAS, IAB $c_IAB\$" "$tmp/check" ||
		bad "$name: db check counts, want $n: $(grep entries "$tmp/check")"
	grep -q "^built	2026-01-02T03:04:05Z	$n\$" "$db" || bad "$name: built line: $(grep '^built' "$db")"
}
# shellcheck disable=SC2046
SOURCE_DATE_EPOCH=1767323045 "$NETCAP" util db build $(for f in $SLICES; do printf -- '--oui %s ' "$f"; done) \
	-o "$tmp/v.db" >"$tmp/so" 2>"$tmp/se" || bad "db build (slices): exit $?: $(cat "$tmp/se")"
grep -q "^$tmp/v.db: 86 assignments (MA-L 44, MA-M 15, MA-S 15, IAB 12)\$" "$tmp/so" ||
	bad "db build summary: $(cat "$tmp/so")"
[ "$(stat -c %a "$tmp/v.db")" = 644 ] || bad "database mode $(stat -c %a "$tmp/v.db"), want 644 (umask 022)"
# shellcheck disable=SC2086
check_db slices "$tmp/v.db" $SLICES
FULL=""
for f in oui mam oui36 iab; do
	[ -r /usr/share/ieee-data/$f.csv ] && FULL="$FULL /usr/share/ieee-data/$f.csv"
done
if [ -n "$FULL" ]; then
	# shellcheck disable=SC2046
	SOURCE_DATE_EPOCH=1767323045 "$NETCAP" util db build $(for f in $FULL; do printf -- '--oui %s ' "$f"; done) \
		-o "$tmp/full.db" >"$tmp/so" 2>"$tmp/se" || bad "db build (full): exit $?: $(cat "$tmp/se")"
	# shellcheck disable=SC2086
	check_db full "$tmp/full.db" $FULL
else
	echo "dbbuild: /usr/share/ieee-data/*.csv not installed: full files not tested"
fi

# --- 2. lookups and capture --vendors
# MACs: one in every MA-S/IAB/MA-M/MA-L row of the slices, the first and
# last address of some blocks, addresses under the IEEE RA blocks outside
# the slices' longer assignments, and unassigned ones
$PY - "$SLICES" >"$tmp/macs" <<'PYEOF'
import csv, sys
macs = []
for f in sys.argv[1].split():
    with open(f, newline="", encoding="utf-8") as fh:
        for row in list(csv.reader(fh))[1:]:
            p = row[1].upper()
            macs.append((p + "5A3C1E7B94D2")[:12])
            if len(p) > 6:
                macs.append((p + "000000")[:12])
                macs.append((p + "FFFFFF")[:12])
macs += ["70B3D5000001", "0050C2000001", "8C1F64000001", "741AE0F00001",
         "080030123456", "0001C8ABCDEF", "F0F0F0000001", "02000AC80001"]
seen = []
for m in macs:
    if m not in seen:
        seen.append(m)
print("\n".join(":".join(m[i:i + 2] for i in range(0, 12, 2)).lower()
                for m in seen))
PYEOF
# shellcheck disable=SC2046
"$NETCAP" util db lookup "$tmp/v.db" $(cat "$tmp/macs") >"$tmp/lookup" 2>"$tmp/se" ||
	bad "db lookup: exit $?: $(cat "$tmp/se")"
$PY "$tmp/ieee.py" vendors "$SLICES" <"$tmp/macs" >"$tmp/lookup.want"
cmp -s "$tmp/lookup" "$tmp/lookup.want" ||
	bad "db lookup differs from python: $(diff "$tmp/lookup.want" "$tmp/lookup" | head -6)"
[ "$(wc -l <"$tmp/macs")" -gt 40 ] || bad "only $(wc -l <"$tmp/macs") MACs"
grep -q "^70:b3:d5:f2:f5:a3	TELEPLATFORMS\$" "$tmp/lookup" || bad "MA-S 70B3D5F2F not found: $(grep 70:b3:d5:f2 "$tmp/lookup")"
grep -q "^70:b3:d5:00:00:01	IEEE Registration Authority\$" "$tmp/lookup" || bad "70B3D5 block: $(grep 70:b3:d5:00 "$tmp/lookup")"
grep -q "^08:00:30:12:34:56	NETWORK RESEARCH CORPORATION\$" "$tmp/lookup" || bad "080030 (listed 3 times): not the first row"
grep -q "^f0:f0:f0:00:00:01	\$" "$tmp/lookup" || bad "unassigned MAC has a vendor"
if [ -n "$FULL" ]; then
	# shellcheck disable=SC2046
	"$NETCAP" util db lookup "$tmp/full.db" $(cat "$tmp/macs") >"$tmp/lookup.full" 2>"$tmp/se" ||
		bad "db lookup (full): exit $?: $(cat "$tmp/se")"
	$PY "$tmp/ieee.py" vendors "$FULL" <"$tmp/macs" >"$tmp/lookup.full.want"
	cmp -s "$tmp/lookup.full" "$tmp/lookup.full.want" ||
		bad "db lookup (full) differs from python: $(diff "$tmp/lookup.full.want" "$tmp/lookup.full" | head -6)"
fi

# one IPv4/UDP packet from each MAC (to 00:00:5e:00:53:01)
$PY - "$tmp/macs" >"$tmp/pkts.hex" <<'PYEOF'
import struct, sys
for i, mac in enumerate(open(sys.argv[1]).read().split()):
    src = bytes.fromhex(mac.replace(":", ""))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 12, i, 0, 64,
                               17, 0, bytes([10, 0, i // 256, i % 256]),
                               bytes([10, 1, 0, 1])))
    s = sum(struct.unpack("!10H", bytes(ip)))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    ip[10:12] = struct.pack("!H", ~s & 0xffff)
    udp = struct.pack("!HHHH", 1024 + i, 9, 12, 0) + b"ping"
    print((bytes.fromhex("00005e005301") + src + b"\x08\x00" + bytes(ip) +
           udp).hex())
PYEOF
"$NETCAP" util mkpacket -o "$tmp/macs.pcap" "$tmp/pkts.hex" 2>"$tmp/se" ||
	bad "mkpacket: $(cat "$tmp/se")"
for cap in "$tmp/macs.pcap" test/data/igmpv1_query-report.pcap \
	test/data/smtp_auth-login_mime_multi-rcpt.pcap; do
	o="$tmp/o.$(basename "$cap")"
	"$NETCAP" capture -q -r "$cap" -o "$o" --include DeviceProfile \
		--vendors "$tmp/v.db" >/dev/null 2>"$tmp/se" ||
		bad "capture --vendors $cap: exit $?: $(cat "$tmp/se")"
	"$NETCAP" dump --tsv "$o/DeviceProfile.ncap.lz4" 2>/dev/null |
		tail -n +2 | cut -f1,2 | sort >"$tmp/dev.got"
	cut -f1 "$tmp/dev.got" | $PY "$tmp/ieee.py" vendors "$SLICES" | sort >"$tmp/dev.want"
	[ -s "$tmp/dev.got" ] || bad "$cap: no DeviceProfile records"
	cmp -s "$tmp/dev.got" "$tmp/dev.want" ||
		bad "$cap: DeviceManufacturer differs from python: $(diff "$tmp/dev.want" "$tmp/dev.got" | head -6)"
done
n=$(wc -l <"$tmp/macs" | tr -d ' ')
"$NETCAP" dump --tsv "$tmp/o.macs.pcap/DeviceProfile.ncap.lz4" 2>/dev/null | tail -n +2 >"$tmp/dev.all"
[ "$(wc -l <"$tmp/dev.all" | tr -d ' ')" = "$n" ] ||
	bad "crafted capture: $(wc -l <"$tmp/dev.all") DeviceProfiles, want $n"
# the key in the config file works as the flag does
printf '{"records": {"vendors": "%s"}}\n' "$tmp/v.db" >"$tmp/conf.json"
"$NETCAP" capture -q -r "$tmp/macs.pcap" -o "$tmp/o.conf" --include DeviceProfile \
	--config "$tmp/conf.json" >/dev/null 2>"$tmp/se" || bad "records.vendors: exit $?: $(cat "$tmp/se")"
"$NETCAP" dump --tsv "$tmp/o.conf/DeviceProfile.ncap.lz4" 2>/dev/null | tail -n +2 |
	grep -q "^70:b3:d5:f2:f5:a3	TELEPLATFORMS	" || bad "records.vendors: not used"

# --- 3. malformed rows and a changed database
H='Registry,Assignment,Organization Name,Organization Address\r\n'
while IFS='|' read -r name body want; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2059
	printf "$H$body" >"$tmp/m-$name.csv"
	out="$tmp/bad-$name.db"
	"$NETCAP" util db build --oui "$D/oui.csv" --oui "$tmp/m-$name.csv" -o "$out" >"$tmp/so" 2>"$tmp/se"
	rc=$?
	[ "$rc" = 1 ] || bad "$name: exit $rc, want 1"
	[ "$(wc -l <"$tmp/se")" = 1 ] || bad "$name: stderr is not one line: $(cat "$tmp/se")"
	grep -qF -- "$tmp/m-$name.csv: $want" "$tmp/se" || bad "$name: '$want' not in: $(cat "$tmp/se")"
	for left in "$tmp/bad-$name.db"*; do
		[ -e "$left" ] && bad "$name: left $left"
	done
done <<'EOF'
hex|MA-L,002272,A,x\r\nMA-L,00G272,B,y\r\n|row 2 (line 3): assignment '00G272' is not hexadecimal
length|MA-L,002272,A,x\r\nMA-S,70B3D5F2,B,y\r\n|row 2 (line 3): assignment '70B3D5F2' has 8 characters, MA-S assignments have 9 hex digits
mal-len|MA-L,0022723,A,x\r\n|row 1 (line 2): assignment '0022723' has 7 characters, MA-L assignments have 6 hex digits
missing|MA-L,002272,A,x\r\nMA-M,741AE09,Private\r\n|row 2 (line 3): 3 fields, want 4
multiline|MA-L,002272,A,"x\r\ny"\r\nMA-L,002273\r\n|row 2 (line 4): 2 fields, want 4
registry|MA-X,002272,A,x\r\n|row 1 (line 2): registry 'MA-X' (MA-L, MA-M, MA-S or IAB)
empty|MA-L,002272," \t",x\r\n|row 1 (line 2, MA-L 002272): empty organization name
quote|MA-L,002272,"A,x\r\n|row 1 (line 2): unterminated quoted field
EOF
printf 'Registry,Assignment,Organization\r\nMA-L,002272,A\r\n' >"$tmp/hdr.csv"
"$NETCAP" util db build --oui "$tmp/hdr.csv" -o "$tmp/bad-hdr.db" >/dev/null 2>"$tmp/se"
[ $? = 1 ] && grep -q "hdr.csv: line 1: not an IEEE registry CSV" "$tmp/se" ||
	bad "bad header: $(cat "$tmp/se")"
[ -e "$tmp/bad-hdr.db" ] && bad "bad header: output written"
"$NETCAP" util db build --oui "$D/oui.csv" --nvd x.json -o "$tmp/mix.db" >/dev/null 2>"$tmp/se"
[ $? = 2 ] && grep -q "one database per run" "$tmp/se" || bad "--oui with --nvd: $(cat "$tmp/se")"

# one byte changed inside an organization name
$PY - "$tmp/v.db" "$tmp/changed.db" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"TELEPLATFORMS")
d[i] ^= 0x20
open(sys.argv[2], "wb").write(d)
PYEOF
"$NETCAP" util db check "$tmp/changed.db" >/dev/null 2>"$tmp/se"
rc=$?
[ "$rc" = 1 ] && grep -q "checksum mismatch" "$tmp/se" || bad "changed db: db check exit $rc: $(cat "$tmp/se")"
"$NETCAP" capture -q -r "$tmp/macs.pcap" -o "$tmp/o.changed" --include DeviceProfile \
	--vendors "$tmp/changed.db" >"$tmp/so" 2>"$tmp/se"
rc=$?
[ "$rc" = 2 ] || bad "changed db: capture exit $rc, want 2"
[ "$(wc -l <"$tmp/se")" = 1 ] && grep -q "^netcap capture: --vendors: $tmp/changed.db: checksum mismatch" "$tmp/se" ||
	bad "changed db: capture stderr: $(cat "$tmp/se")"
grep -qi "EAL" "$tmp/se" "$tmp/so" && bad "changed db: EAL started"
head -c 200 "$tmp/v.db" >"$tmp/cut.db"
"$NETCAP" util db check "$tmp/cut.db" >/dev/null 2>"$tmp/se" && bad "cut db: db check passed"
"$NETCAP" capture -q -r "$tmp/macs.pcap" -o "$tmp/o.notdb" --vendors "$D/oui.csv" >/dev/null 2>"$tmp/se"
[ $? = 2 ] && grep -q "not a netcap vendor database" "$tmp/se" || bad "CSV as --vendors: $(cat "$tmp/se")"

# --- 4. fingerprints from an SSLBL CSV and config/fingerprints.json
JA3=7850fef8eca29f3f885216d7b8929cb5 # tls12_sni_full-handshake.pcap's client
cat >"$tmp/ja3_fingerprints.csv" <<EOF
################################################################
# abuse.ch SSLBL JA3 Fingerprints (CSV)                        #
# Last updated: 2026-01-02 03:04:05 UTC                        #
#                                                              #
# ja3_md5,Firstseen,Lastseen,Listingreason
################################################################
$(echo $JA3 | tr a-f A-F),2019-01-02 10:00:00,2020-03-04 11:00:00,Test family
b386946a5a44d1ddcc843bc75336dfce,2017-07-14 18:08:15,2019-07-27 20:42:54,Dridex
87b9bfc7da97115ed2276737b09f8d74,2017-07-14 18:08:15,2019-07-27 20:42:54,"Quoted, with comma"
b386946a5a44d1ddcc843bc75336dfce,2018-01-01 00:00:00,2018-01-02 00:00:00,Again
EOF
SOURCE_DATE_EPOCH=1767323045 "$NETCAP" util db build --ja3-sslbl "$tmp/ja3_fingerprints.csv" \
	--fingerprints config/fingerprints.json -o "$tmp/fp.json" >"$tmp/so" 2>"$tmp/se" ||
	bad "db build --ja3-sslbl: exit $?: $(cat "$tmp/se")"
grep -q "6 from --fingerprints, 2 JA3 from SSLBL, 2 SSLBL rows already there" "$tmp/so" ||
	bad "fingerprints summary: $(cat "$tmp/so")"
$PY - "$tmp/fp.json" "$tmp/ja3_fingerprints.csv" config/fingerprints.json <<'PYEOF' || bad "fingerprints JSON differs from its inputs"
import csv, hashlib, json, os, sys
out, ssl, fps = sys.argv[1:]
d = json.load(open(out))
base = json.load(open(fps))
ok = True
def no(*a):
    global ok
    print("dbbuild: FAIL: fingerprints:", *a)
    ok = False
want = {k: dict(v) for k, v in base.items()}
for row in csv.reader(l for l in open(ssl) if not l.startswith("#")):
    h = row[0].lower()
    if h in want["ja3"]:
        continue
    want["ja3"][h] = {"product": row[3], "version": "", "vendor": "", "os": "",
                      "notes": "abuse.ch SSLBL: listed as %s, first seen %s, "
                               "last seen %s" % (row[3], row[1], row[2])}
for k in ("ja3", "ja3s", "ja4", "hassh", "hasshServer"):
    if d.get(k) != want[k]:
        no(k, d.get(k), "want", want[k])
if d.get("built") != "2026-01-02T03:04:05Z":
    no("built", d.get("built"))
srcs = d.get("sources", [])
for s, (f, kind) in zip(srcs, ((fps, "fingerprints"), (ssl, "ja3-sslbl"))):
    b = open(f, "rb").read()
    if (s["file"], s["kind"], s["size"], s["sha256"]) != \
       (os.path.basename(f), kind, len(b), hashlib.sha256(b).hexdigest()):
        no("source", s)
if len(srcs) != 2 or srcs[1].get("updated") != "2026-01-02 03:04:05 UTC":
    no("sources", srcs)
sys.exit(0 if ok else 1)
PYEOF
"$NETCAP" util db check "$tmp/fp.json" >"$tmp/check" 2>"$tmp/se" || bad "db check fp.json: $(cat "$tmp/se")"
grep -q "^entries  ja3 4, ja3s 2, ja4 0, hassh 1, hasshServer 1\$" "$tmp/check" ||
	bad "db check fp.json counts: $(cat "$tmp/check")"
sum=$(sha256sum "$tmp/ja3_fingerprints.csv" | cut -d' ' -f1)
grep -q "^source   ja3-sslbl    ja3_fingerprints.csv  [0-9]* bytes  sha256 $sum  modified .*  updated 2026-01-02 03:04:05 UTC\$" "$tmp/check" ||
	bad "db check fp.json source: $(cat "$tmp/check")"
"$NETCAP" capture -q -r test/data/tls12_sni_full-handshake.pcap -o "$tmp/o.fp" \
	--include Software,TLSClientHello --fingerprints "$tmp/fp.json" >/dev/null 2>"$tmp/se" ||
	bad "capture --fingerprints fp.json: exit $?: $(cat "$tmp/se")"
"$NETCAP" dump --json "$tmp/o.fp/Software.ncap.lz4" 2>/dev/null |
	$PY -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.startswith("{")]
hit = [r for r in recs if r.get("Product") == "Test family" and r.get("SourceName") == "JA3"
       and "7850fef8eca29f3f885216d7b8929cb5" in json.dumps(r)]
sys.exit(0 if hit else 1)' || bad "no Software record 'Test family' for the JA3"
while IFS='|' read -r name row want; do
	[ -n "$name" ] || continue
	printf '# c\n%s\n' "$row" >"$tmp/s-$name.csv"
	"$NETCAP" util db build --ja3-sslbl "$tmp/s-$name.csv" -o "$tmp/bad-$name.json" >/dev/null 2>"$tmp/se"
	rc=$?
	[ "$rc" = 1 ] || bad "sslbl $name: exit $rc, want 1"
	[ "$(wc -l <"$tmp/se")" = 1 ] && grep -qF -- "s-$name.csv: $want" "$tmp/se" ||
		bad "sslbl $name: '$want' not in: $(cat "$tmp/se")"
	[ -e "$tmp/bad-$name.json" ] && bad "sslbl $name: output written"
done <<'EOF'
md5|b386946a5a44d1ddcc843bc75336dfc,a,b,Dridex|row 1 (line 2): ja3_md5 is not 32 hex digits
fields|b386946a5a44d1ddcc843bc75336dfce,a,b|row 1 (line 2): want 4 fields
reason|b386946a5a44d1ddcc843bc75336dfce,a,b,|row 1 (line 2): empty Listingreason
EOF

# --- 5. indicator list from Feodo Tracker and Spamhaus DROP files
cat >"$tmp/ipblocklist.csv" <<'EOF'
################################################################
# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)          #
# Last updated: 2026-01-02 03:04:05 UTC                        #
################################################################
"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
"2021-01-17 07:44:46","10.200.0.1","443","online","2024-05-01","Dridex"
"2021-01-17 07:44:46","10.200.0.1","8080","online","2024-05-01","Dridex"
"2022-02-01 00:00:00","fd00:200::2","447","offline","2023-01-01","Qak Bot"
"2022-02-01 00:00:00","192.0.2.9","447","offline","2023-01-01","Emotet"
EOF
printf '; Spamhaus DROP List 2026/01/02\n; Last-Modified: Fri, 02 Jan 2026 03:04:05 GMT\n1.10.16.0/20 ; SBL256894\r\n10.200.0.0/24 ; SBL1\r\n' >"$tmp/drop.txt"
SOURCE_DATE_EPOCH=1767323045 "$NETCAP" util db build --feodo "$tmp/ipblocklist.csv" --drop "$tmp/drop.txt" \
	-o "$tmp/ind.txt" >"$tmp/so" 2>"$tmp/se" || bad "db build --feodo --drop: exit $?: $(cat "$tmp/se")"
grep -q ": 5 indicators (1 listed again: kept the first)\$" "$tmp/so" || bad "indicators summary: $(cat "$tmp/so")"
"$NETCAP" util db check "$tmp/ind.txt" >"$tmp/check" 2>"$tmp/se" || bad "db check ind.txt: $(cat "$tmp/se")"
for f in "$tmp/ipblocklist.csv" "$tmp/drop.txt"; do
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	size=$(wc -c <"$f" | tr -d ' ')
	grep -q "^source   [a-z]* $(basename "$f") $size $sum 20.* updated " "$tmp/check" ||
		bad "db check ind.txt: $f not shown: $(cat "$tmp/check")"
done
grep -q "^entries  5 indicators\$" "$tmp/check" || bad "db check ind.txt counts: $(cat "$tmp/check")"
grep -vE '^#' "$tmp/ind.txt" >"$tmp/ind.lines"
cat >"$tmp/ind.want" <<'EOF'
ip 10.200.0.1 feodo-Dridex reputation=malicious Feodo Tracker: Dridex C2 port 443, online, first seen 2021-01-17 07:44:46, last online 2024-05-01
ip fd00:200::2 feodo-Qak-Bot reputation=malicious Feodo Tracker: Qak Bot C2 port 447, offline, first seen 2022-02-01 00:00:00, last online 2023-01-01
ip 192.0.2.9 feodo-Emotet reputation=malicious Feodo Tracker: Emotet C2 port 447, offline, first seen 2022-02-01 00:00:00, last online 2023-01-01
cidr 1.10.16.0/20 spamhaus-drop reputation=malicious Spamhaus DROP SBL256894
cidr 10.200.0.0/24 spamhaus-drop reputation=malicious Spamhaus DROP SBL1
EOF
cmp -s "$tmp/ind.lines" "$tmp/ind.want" || bad "indicator lines: $(diff "$tmp/ind.want" "$tmp/ind.lines")"
"$NETCAP" capture -q -r test/data/live_netns_http-tls-dns-ssh.pcap -o "$tmp/o.ind" \
	--indicators "$tmp/ind.txt" >/dev/null 2>"$tmp/se" || bad "capture --indicators ind.txt: $(cat "$tmp/se")"
"$NETCAP" dump --json "$tmp/o.ind/Alert.ncap.lz4" 2>/dev/null | $PY -c '
import json, sys
names = set()
for l in sys.stdin:
    if l.startswith("{"):
        names.add(json.loads(l)["Indicator"])
sys.exit(0 if names == {"ip 10.200.0.1", "ip fd00:200::2", "cidr 10.200.0.0/24"} else 1)' ||
	bad "Alert indicators from ind.txt are not exactly the three that match"
sed 's/SBL1$/SBL2/' "$tmp/ind.txt" >"$tmp/ind.changed"
"$NETCAP" util db check "$tmp/ind.changed" >/dev/null 2>"$tmp/se"
[ $? = 1 ] && grep -q "checksum mismatch" "$tmp/se" || bad "changed indicator list: $(cat "$tmp/se")"
while IFS='|' read -r name opt body want; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2059
	printf "$body" >"$tmp/i-$name"
	"$NETCAP" util db build "$opt" "$tmp/i-$name" -o "$tmp/bad-$name.txt" >/dev/null 2>"$tmp/se"
	rc=$?
	[ "$rc" = 1 ] || bad "indicators $name: exit $rc, want 1"
	[ "$(wc -l <"$tmp/se")" = 1 ] && grep -qF -- "i-$name: $want" "$tmp/se" ||
		bad "indicators $name: '$want' not in: $(cat "$tmp/se")"
	[ -e "$tmp/bad-$name.txt" ] && bad "indicators $name: output written"
done <<'EOF'
feodo-ip|--feodo|"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n"a","10.0.0.300","1","x","y","Z"\n|row 1 (line 2): dst_ip is not an IPv4 or IPv6 address
feodo-hdr|--feodo|"a","b"\n|line 1: not Feodo Tracker's ipblocklist.csv
feodo-fields|--feodo|# c\n"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n"a","10.0.0.3","1"\n|row 1 (line 3): want 6 fields
drop-prefix|--drop|; c\n1.10.16.0/33 ; SBL1\n|line 2: '1.10.16.0/33' is not an address/prefix
drop-addr|--drop|1.10.16/20 ; SBL1\n|line 1: '1.10.16/20' is not an address/prefix
EOF

[ $fail = 0 ] && echo "dbbuild: all checks passed"
exit $fail
