#!/bin/sh
# netcap transform: Maltego local transforms (docs/TOOLS.md "transform").
#  1. Every transform of --list, over the record directories of three test
#     captures: the response parses as XML (python xml.etree and xmllint),
#     its entities are of the expected type, carry path=DIR, and their
#     values and weights equal the distinct non-empty values (and their
#     counts, capped at 100) of the transform's field in
#     `netcap dump --json`, computed here in Python from a table written
#     independently of the code. Transforms with an IP filter get the first
#     SrcIP of their record type as VALUE. path given as the directory, as
#     a file in it, and via --dir.
#  2. Bad input: no such directory, unknown transform, malformed
#     properties, a value not found, no path: a UIMessage, exit 0; an
#     unknown option or missing arguments: exit 2, one stderr line.
#     A path with control and non-UTF-8 bytes echoed in the message, and
#     a DNS name with < & " ' > and non-UTF-8 bytes: escaped, parses,
#     equals dump's value.
#  3. --export-config: a zip whose entity and transform files parse as
#     XML and name every transform of --list, the command = this netcap.
#   test/run-transform.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "transform: FAIL: $*"
	fail=1
}
PY=/usr/bin/python3

for p in live_netns_http-tls-dns-ssh smtp_auth-login_mime_multi-rcpt \
	http_get_gzip-response; do
	"$NETCAP" capture -q -r "test/data/$p.pcap" -o "$tmp/$p" >/dev/null ||
		bad "capture $p"
done

"$NETCAP" transform --list >"$tmp/list" || bad "--list exit $?"
[ "$(wc -l <"$tmp/list")" -ge 18 ] || bad "--list: $(wc -l <"$tmp/list") names"

# expected: NAME record-type field filter(-) entity-type
cat >"$tmp/table" <<'TABLE'
ToDevices DeviceProfile MacAddr - netcap.Device
ToSourceIPs Connection SrcIP - netcap.IPAddr
ToDestinationIPs Connection DstIP - netcap.IPAddr
ToDNSQuestions DNS Questions.Name - netcap.DNSName
ToHTTPHosts HTTP Host - netcap.Host
ToURLs HTTP URL - netcap.URL
ToHTTPUserAgents HTTP UserAgent - netcap.UserAgent
ToSNIs TLSClientHello SNI - netcap.SNI
ToJA3Hashes TLSClientHello Ja3 - netcap.JA3
ToJA4Fingerprints TLSClientHello Ja4 - netcap.JA4
ToSoftwareProducts Software Product - netcap.Software
ToServices Service Name - netcap.Service
ToFiles File Name - netcap.File
ToLoginInformation Credentials User - netcap.Credentials
ToMails Mail Subject - netcap.Email
ToSoftwareVulnerabilities Vulnerability ID - netcap.Vulnerability
ToExploits Exploit ID - netcap.Exploit
ToConnections Connection UID - netcap.Connection
ToConnectionsForIP Connection UID SrcIP,DstIP netcap.Connection
ToDNSQuestionsForIP DNS Questions.Name SrcIP,DstIP netcap.DNSName
ToHTTPHostsForIP HTTP Host SrcIP,DstIP netcap.Host
ToSNIsForIP TLSClientHello SNI SrcIP,DstIP netcap.SNI
TABLE
while read -r name _; do
	awk '{print $1}' "$tmp/table" | grep -qx "$name" ||
		bad "--list names $name, not in the test's table"
done <"$tmp/list"

# check.py DIR NAME TYPE FIELD FILTER ENTITY OUT.xml: compare
cat >"$tmp/check.py" <<'PYEOF'
import json, subprocess, sys, xml.etree.ElementTree as ET
netcap, d, name, rtype, field, flt, ent, out, value = sys.argv[1:10]
path = f"{d}/{rtype}.ncap.lz4"
recs = []
try:
    with open(path, "rb"):
        pass
    dump = subprocess.run([netcap, "dump", "--json", path], check=True,
                          capture_output=True, text=True).stdout
    recs = [json.loads(l) for l in dump.splitlines() if l]
    have = True
except FileNotFoundError:
    have = False
def vals(r, f):
    head, _, rest = f.partition(".")
    v = r.get(head)
    items = v if isinstance(v, list) else [v]
    res = []
    for it in items:
        if it is None:
            continue
        if rest:
            if isinstance(it, dict):
                res += vals(it, rest)
        else:
            res.append(it if isinstance(it, str) else json.dumps(it))
    return res
want = {}
for r in recs:
    if flt != "-" and not any(r.get(k) == value for k in flt.split(",")):
        continue
    for v in vals(r, field):
        if v != "":
            want[v] = want.get(v, 0) + 1
root = ET.parse(out).getroot()
got = {}
errs = []
for e in root.iter("Entity"):
    if e.get("Type") != ent:
        errs.append(f"entity type {e.get('Type')}")
    v = e.findtext("Value") or ""
    if v in got:
        errs.append(f"value {v!r} twice")
    got[v] = int(e.findtext("Weight"))
    fields = {f.get("Name"): f.text for f in e.iter("Field")}
    if fields.get("path") != d:
        errs.append(f"path {fields.get('path')!r}")
expect = {v: min(c, 100) for v, c in want.items()}
if got != expect:
    errs.append(f"entities {sorted(got.items())[:5]} != {sorted(expect.items())[:5]}"
                f" ({len(got)} vs {len(expect)})")
msgs = [m.get("MessageType") for m in root.iter("UIMessage")]
if not msgs:
    errs.append("no UIMessage")
if not have and got:
    errs.append("entities without a record file")
for e in errs:
    print(f"transform: FAIL: {name} {d}: {e}")
sys.exit(1 if errs else 0)
PYEOF

n=0
for p in live_netns_http-tls-dns-ssh smtp_auth-login_mime_multi-rcpt \
	http_get_gzip-response; do
	d="$tmp/$p"
	while read -r name rtype field flt ent; do
		value=x
		if [ "$flt" != - ] && [ -f "$d/$rtype.ncap.lz4" ]; then
			value=$("$NETCAP" dump --json "$d/$rtype.ncap.lz4" |
				$PY -c 'import sys,json
print(json.loads(sys.stdin.readline())["SrcIP"])')
		fi
		# the path three ways: the directory, a file in it, --dir
		case $((n % 3)) in
		0) "$NETCAP" transform "$name" "$value" "path=$d" ;;
		1) "$NETCAP" transform "$name" "$value" "x=1#path=$d/IPv4.ncap.lz4" ;;
		2) "$NETCAP" transform --dir "$d" "$name" "$value" ;;
		esac >"$tmp/out.xml" 2>"$tmp/err"
		rc=$?
		n=$((n + 1))
		[ $rc -eq 0 ] || bad "$name $p: exit $rc"
		[ -s "$tmp/err" ] && bad "$name $p: stderr $(head -1 "$tmp/err")"
		xmllint --noout "$tmp/out.xml" 2>/dev/null || bad "$name $p: xmllint"
		$PY "$tmp/check.py" "$NETCAP" "$d" "$name" "$rtype" "$field" \
			"$flt" "$ent" "$tmp/out.xml" "$value" || fail=1
	done <"$tmp/table"
done

# hostile values: a DNS question whose labels hold < & " ' > and bytes
# that are not UTF-8 (one raw-IP packet made with util mkpacket): the
# response parses and its value is the one dump --json shows
$PY - >"$tmp/h.hex" <<'PYEOF'
import struct,sys
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16
    return (~s)&0xffff
labels=[b'a<b&c"d\'e>', b'x\x01y\xffz\xed\xa0\x80w\xc3\xa9', b'test']
q=b''.join(bytes([len(l)])+l for l in labels)+b'\0'+struct.pack('!HH',1,1)
dns=struct.pack('!HHHHHH',0x1234,0x0100,1,0,0,0)+q
udp=struct.pack('!HHHH',40000,53,8+len(dns),0)+dns
ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(udp),1,0,64,17,0,bytes([10,0,0,1]),bytes([10,0,0,2]))
ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
print((ip+udp).hex())
PYEOF
"$NETCAP" util mkpacket --link-type RAW -o "$tmp/h.pcap" "$tmp/h.hex" ||
	bad "mkpacket"
"$NETCAP" capture -q -r "$tmp/h.pcap" -o "$tmp/h" >/dev/null || bad "capture h"
"$NETCAP" transform ToDNSQuestions x "path=$tmp/h" >"$tmp/out.xml"
xmllint --noout "$tmp/out.xml" 2>/dev/null || bad "hostile: xmllint"
grep -q '&lt;b&amp;c' "$tmp/out.xml" || bad "hostile: not escaped"
$PY "$tmp/check.py" "$NETCAP" "$tmp/h" ToDNSQuestions DNS Questions.Name - \
	netcap.DNSName "$tmp/out.xml" x || fail=1

# a value not found by a filtered transform; VALUE as the root directory
d="$tmp/live_netns_http-tls-dns-ssh"
if ! "$NETCAP" transform ToConnectionsForIP 192.0.2.99 "path=$d" \
	>"$tmp/out.xml" ||
	! grep -q 'MessageType="Inform">192.0.2.99 not found' "$tmp/out.xml" ||
	grep -q '<Entity ' "$tmp/out.xml"; then
	bad "value not found: $(cat "$tmp/out.xml")"
fi
"$NETCAP" transform ToDNSQuestions "$d" >"$tmp/out.xml" &&
	grep -q '<Entity ' "$tmp/out.xml" || bad "VALUE as the directory"

# bad input: a UIMessage, exit 0
uimsg() {
	want=$1
	shift
	"$NETCAP" transform "$@" >"$tmp/out.xml" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] || bad "$*: exit $rc"
	xmllint --noout "$tmp/out.xml" 2>/dev/null || bad "$*: xmllint"
	grep -q "<UIMessage MessageType=\"$want\">" "$tmp/out.xml" ||
		bad "$*: no $want: $(cat "$tmp/out.xml")"
	! grep -q '<Entity ' "$tmp/out.xml" || bad "$*: entities"
}
uimsg FatalError ToDNSQuestions x "path=$tmp/nonexistent"
uimsg FatalError ToDNSQuestions x "path=$tmp/nonexistent/DNS.ncap.lz4"
uimsg FatalError NoSuchTransform x "path=$d"
# control and non-UTF-8 bytes in the echoed path: dropped, still XML
uimsg FatalError ToDNSQuestions x "path=$(printf '/no\001\377\355\240\200<&')"
uimsg FatalError ToDNSQuestions x 'path'
uimsg FatalError ToDNSQuestions x 'path=a\b'
uimsg FatalError ToDNSQuestions x
uimsg Inform ToSoftwareVulnerabilities x "path=$d"
# escapes: \# \= \\ inside a value
mkdir -p "$tmp/a#b=c\\d"
cp "$d/DNS.ncap.lz4" "$tmp/a#b=c\\d/"
"$NETCAP" transform ToDNSQuestions x 'y=1\#2#path='"$tmp"'/a\#b\=c\\d' \
	>"$tmp/out.xml" && grep -q '<Entity ' "$tmp/out.xml" ||
	bad "escaped path: $(cat "$tmp/out.xml")"

# usage errors: exit 2, one stderr line
for args in "--bogus" "ToDNSQuestions" "" "--dir"; do
	# shellcheck disable=SC2086
	"$NETCAP" transform $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		bad "usage '$args': exit $rc, $(wc -l <"$tmp/err") stderr lines"
done

# --export-config
"$NETCAP" transform --export-config "$tmp/netcap.mtz" || bad "--export-config"
$PY - "$tmp/netcap.mtz" "$tmp/list" "$(readlink -f "$NETCAP")" <<'PYEOF' || fail=1
import sys, zipfile, xml.etree.ElementTree as ET
mtz, lst, exe = sys.argv[1:4]
names = open(lst).read().split()
z = zipfile.ZipFile(mtz)
if z.testzip() is not None:
    print("transform: FAIL: mtz: bad member"); sys.exit(1)
files = z.namelist()
errs = []
ents = set()
for f in files:
    try:
        root = ET.fromstring(z.read(f))
    except ET.ParseError as e:
        errs.append(f"{f}: {e}"); continue
    if f.startswith("Entities/"):
        ents.add(root.get("id"))
for n in names:
    t = f"TransformRepositories/Local/netcap.{n}.transform"
    s = f"TransformRepositories/Local/netcap.{n}.transformsettings"
    if t not in files or s not in files:
        errs.append(f"{n}: missing"); continue
    tr = ET.fromstring(z.read(t))
    if tr.get("name") != f"netcap.{n}":
        errs.append(f"{n}: name {tr.get('name')}")
    for e in tr.iter("Entity"):
        if e.get("type") not in ents:
            errs.append(f"{n}: entity {e.get('type')} undefined")
    props = {p.get("name"): p.text for p in ET.fromstring(z.read(s)).iter("Property")}
    if props.get("transform.local.command") != exe:
        errs.append(f"{n}: command {props.get('transform.local.command')}")
    if props.get("transform.local.parameters") != f"transform {n}":
        errs.append(f"{n}: parameters {props.get('transform.local.parameters')}")
for e in errs:
    print("transform: FAIL: mtz:", e)
sys.exit(1 if errs else 0)
PYEOF

[ $fail -eq 0 ] && echo "transform: all passed"
exit $fail
