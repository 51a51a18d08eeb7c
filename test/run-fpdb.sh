#!/bin/sh
# capture --fingerprints FILE: known JA3/JA3S/JA4/HASSH values add Software
# records.
#  1. bad databases: each is refused before anything starts: exit 2, one
#     line on stderr naming the file and the key path (or the JSON syntax
#     error's place), no output directory made.
#  2. config/fingerprints.json on the live capture: for every fingerprint
#     that tshark computes (tls.handshake.ja3, tls.handshake.ja3s,
#     ssh.kex.hassh, ssh.kex.hasshserver) and the database knows, one
#     Software record with that SourceName and SourceData, the database's
#     Product/Version/Vendor/Notes, Flows exactly the UIDs of the
#     connections that showed it and DeviceProfiles the senders' MACs; no
#     other fingerprint Software; none at all without --fingerprints.
#   test/run-fpdb.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "fpdb: FAIL: $*"
	fail=1
}
cap=test/data/live_netns_http-tls-dns-ssh.pcap
db=config/fingerprints.json
M=0123456789abcdef0123456789abcdef

# --- 1. bad files: name | expected text in the message | content
long=$(printf '%600s' '' | tr ' ' x)
n=0
while IFS='|' read -r name want json; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	f="$tmp/$name.json"
	printf '%s\n' "$json" >"$f"
	"$NETCAP" capture -q -r "$cap" -o "$tmp/out.$name" --fingerprints "$f" \
		>"$tmp/so" 2>"$tmp/se"
	rc=$?
	[ "$rc" = 2 ] || bad "$name: exit $rc, want 2"
	[ "$(wc -l <"$tmp/se")" = 1 ] ||
		bad "$name: stderr is not one line: $(cat "$tmp/se")"
	grep -qF -- "$f" "$tmp/se" || bad "$name: file not named: $(cat "$tmp/se")"
	grep -qF -- "$want" "$tmp/se" ||
		bad "$name: '$want' not in: $(cat "$tmp/se")"
	[ -s "$tmp/so" ] && bad "$name: wrote to stdout"
	[ -e "$tmp/out.$name" ] && bad "$name: made the output directory"
done <<EOF
syntax|line 2 column 0:|{"ja3": {
toplevel|top level: not a JSON object|[]
kind|: ja5: unknown kind|{"ja5": {}}
kindobj|: ja3: not a JSON object|{"ja3": ["$M"]}
hashhex|: ja3.xyz: not an MD5 digest|{"ja3": {"xyz": {"product": "a"}}}
hashcase|: hassh.0123456789ABCDEF0123456789abcdef: not an MD5|{"hassh": {"0123456789ABCDEF0123456789abcdef": {"product": "a"}}}
hashlen|: ja3s.${M}0: not an MD5|{"ja3s": {"${M}0": {"product": "a"}}}
ja4|: ja4.t13d1516h2-8daaf6152771-e5627efa2ab1: not a JA4|{"ja4": {"t13d1516h2-8daaf6152771-e5627efa2ab1": {"product": "a"}}}
entryobj|: hasshServer.$M: not a JSON object|{"hasshServer": {"$M": "curl"}}
noproduct|: ja3.$M.product: missing or empty|{"ja3": {"$M": {"version": "1"}}}
emptyproduct|: ja3.$M.product: missing or empty|{"ja3": {"$M": {"product": ""}}}
productnum|: ja3.$M.product: not a string|{"ja3": {"$M": {"product": 7}}}
unknownfield|: ja3.$M.colour: unknown field|{"ja3": {"$M": {"product": "a", "colour": "red"}}}
notelong|: ja3.$M.notes: longer than 511|{"ja3": {"$M": {"product": "a", "notes": "$long"}}}
control|: ja3.$M.version: holds a control character|{"ja3": {"$M": {"product": "a", "version": "1\n2"}}}
dupkey|duplicate object key|{"ja3": {"$M": {"product": "a"}, "$M": {"product": "b"}}}
second|: hassh.$M.os: not a string|{"ja3": {"$M": {"product": "a"}}, "hassh": {"$M": {"product": "b", "os": null}}}
EOF
[ "$n" -ge 17 ] || bad "only $n bad files ran"
"$NETCAP" capture -q -r "$cap" -o "$tmp/out.missing" \
	--fingerprints "$tmp/none.json" >/dev/null 2>"$tmp/se"
rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/se")" = 1 ] &&
	grep -qF "$tmp/none.json" "$tmp/se" && [ ! -e "$tmp/out.missing" ] ||
	bad "missing file: exit $rc: $(cat "$tmp/se")"

# a well-formed database with every kind, JA4 included, is accepted
cat >"$tmp/good.json" <<EOF
{"ja3": {}, "ja3s": {"$M": {"product": "x", "version": "", "vendor": "v",
 "os": "", "notes": "n"}}, "ja4": {"t13d1516h2_8daaf6152771_e5627efa2ab1":
 {"product": "y"}}, "hassh": {}, "hasshServer": {}}
EOF
"$NETCAP" capture -q -r "$cap" -o "$tmp/good" --fingerprints "$tmp/good.json" \
	>/dev/null 2>"$tmp/se" || bad "good database refused: $(cat "$tmp/se")"

# --- 2. config/fingerprints.json against tshark
"$NETCAP" capture -q -r "$cap" -o "$tmp/o" --fingerprints "$db" \
	>/dev/null 2>"$tmp/se" || bad "capture with $db failed: $(cat "$tmp/se")"
"$NETCAP" capture -q -r "$cap" -o "$tmp/plain" >/dev/null 2>&1 ||
	bad "capture without --fingerprints failed"
"$NETCAP" dump --json "$tmp/o/Software.ncap.lz4" >"$tmp/sw.json"
"$NETCAP" dump --json "$tmp/plain/Software.ncap.lz4" >"$tmp/plain.json"
"$NETCAP" dump --json "$tmp/o/Connection.ncap.lz4" >"$tmp/conn.json"
tshark -n -r "$cap" -Y 'tls.handshake.ja3 or tls.handshake.ja3s or
	ssh.kex.hassh or ssh.kex.hasshserver' -T fields -E separator=/t \
	-e eth.src -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst \
	-e tcp.dstport -e tls.handshake.ja3 -e tls.handshake.ja3s \
	-e ssh.kex.hassh -e ssh.kex.hasshserver >"$tmp/ts.tsv" 2>/dev/null ||
	bad "tshark failed"
/usr/bin/python3 - "$db" "$tmp/ts.tsv" "$tmp/sw.json" "$tmp/conn.json" \
	"$tmp/plain.json" <<'EOF' || fail=1
import json, sys
dbf, tsf, swf, connf, plainf = sys.argv[1:]
db = json.load(open(dbf))
src = {"ja3": "JA3", "ja3s": "JA3S", "hassh": "HASSH",
       "hasshServer": "HASSH server", "ja4": "JA4"}
conns = {}
for line in open(connf):
    c = json.loads(line)
    for a, b in ((("SrcIP", "SrcPort"), ("DstIP", "DstPort")),
                 (("DstIP", "DstPort"), ("SrcIP", "SrcPort"))):
        conns[(c[a[0]], str(c[a[1]]), c[b[0]], str(c[b[1]]))] = c["UID"]
want = {}  # (SourceName, value) -> (entry, uids, macs)
seen = 0
for line in open(tsf):
    f = line.rstrip("\n").split("\t")
    mac, s4, s6, sp, d4, d6, dp = f[:7]
    uid = conns.get((s4 or s6, sp, d4 or d6, dp))
    for kind, v in zip(("ja3", "ja3s", "hassh", "hasshServer"), f[7:]):
        if not v:
            continue
        seen += 1
        e = db.get(kind, {}).get(v)
        if e is None:
            continue
        if uid is None:
            print("fpdb: FAIL: no Connection for", s4 or s6, sp)
            sys.exit(1)
        w = want.setdefault((src[kind], v), (e, set(), set()))
        w[1].add(uid)
        w[2].add(mac)
ok = True
def fail(*a):
    global ok
    print("fpdb: FAIL:", *a)
    ok = False
kinds = {s for s, _ in want}
for k in ("JA3", "JA3S", "HASSH", "HASSH server"):
    if k not in kinds:
        fail("tshark shows no", k, "that", dbf, "knows")
got = {}
for line in open(swf):
    r = json.loads(line)
    if r["SourceName"] in src.values():
        key = (r["SourceName"], r["SourceData"])
        if key in got:
            fail("two Software records for", key)
        got[key] = r
for key, (e, uids, macs) in sorted(want.items()):
    r = got.pop(key, None)
    if r is None:
        fail("no Software record for", key)
        continue
    for fld, name in (("Product", "product"), ("Version", "version"),
                      ("Vendor", "vendor"), ("OS", "os"),
                      ("Notes", "notes")):
        if (r.get(fld) or "") != e.get(name, ""):
            fail(key, fld, repr(r.get(fld)), "want", repr(e.get(name, "")))
    if set(r.get("Flows") or []) != uids:
        fail(key, "Flows", r.get("Flows"), "want", sorted(uids))
    if set(r.get("DeviceProfiles") or []) != macs:
        fail(key, "DeviceProfiles", r.get("DeviceProfiles"), "want",
             sorted(macs))
    if r.get("Service") != ("SSH" if key[0].startswith("HASSH") else "TLS"):
        fail(key, "Service", r.get("Service"))
for key in got:
    fail("Software record for", key, "which tshark does not show")
for line in open(plainf):
    r = json.loads(line)
    if r["SourceName"] in src.values():
        fail("fingerprint Software without --fingerprints:", r)
if ok:
    print("fpdb: %d fingerprints from tshark, %d known, all matched"
          % (seen, len(want)))
sys.exit(0 if ok else 1)
EOF

[ $fail = 0 ] && echo "fpdb: all passed ($n bad databases refused)"
exit $fail
