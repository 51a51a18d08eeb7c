#!/bin/sh
# netcap transform: Maltego local transforms (docs/TOOLS.md "transform").
#  1. Every transform of --list, over the record directories of three test
#     captures: the response parses as XML (python xml.etree and xmllint),
#     its entities are of the expected type, carry path=DIR, and their
#     values and weights equal the distinct non-empty values (and their
#     counts, capped at 100) of the transform's field in
#     `netcap dump --json`, computed here in Python from a table written
#     independently of the code (several fields: all their values; Path=X:
#     only records whose Path has the text X; mail address lists split by
#     Python's email.utils.getaddresses; a via Type:Field:Filter: the
#     records whose filter field holds a Field text of the Type records
#     that have VALUE). Transforms with an IP filter get the first SrcIP of
#     their record type (or of the via type) as VALUE, device ones the
#     first DeviceProfile MAC, host ones the first DNS question answered
#     with an address. path given as the directory, as a file in it, and
#     via --dir. Four captures: DNS, HTTP, TLS and SSH; SMTP mail; HTTP
#     with cookies (two).
#  2. Bad input: no such directory, unknown transform, malformed
#     properties, a value not found, no path: a UIMessage, exit 0; an
#     unknown option or missing arguments: exit 2, one stderr line.
#     A path with control and non-UTF-8 bytes echoed in the message, and
#     a DNS name with < & " ' > and non-UTF-8 bytes: escaped, parses,
#     equals dump's value. An SMTP mail whose From, To and CC hold quoted
#     commas, comments, a group, an escaped quote and &: ToMailContacts
#     gives the addresses getaddresses finds. A value not found by the
#     IP, device, host and via transforms: "not found", no entities.
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

caps="live_netns_http-tls-dns-ssh smtp_auth-login_mime_multi-rcpt
	http_get_gzip-response http_chunked-gzip_responses"
for p in $caps; do
	"$NETCAP" capture -q -r "test/data/$p.pcap" -o "$tmp/$p" >/dev/null ||
		bad "capture $p"
done

"$NETCAP" transform --list >"$tmp/list" || bad "--list exit $?"
[ "$(wc -l <"$tmp/list")" -ge 18 ] || bad "--list: $(wc -l <"$tmp/list") names"

# expected: NAME record-type field(s) filter(-) entity-type VALUE-kind
# (- ip mac name) via(-) addrs(-)
cat >"$tmp/table" <<'TABLE'
ToDevices DeviceProfile MacAddr - netcap.Device - - -
ToSourceIPs Connection SrcIP - netcap.IPAddr - - -
ToDestinationIPs Connection DstIP - netcap.IPAddr - - -
ToDNSQuestions DNS Questions.Name - netcap.DNSName - - -
ToHTTPHosts HTTP Host - netcap.Host - - -
ToURLs HTTP URL - netcap.URL - - -
ToHTTPUserAgents HTTP UserAgent - netcap.UserAgent - - -
ToSNIs TLSClientHello SNI - netcap.SNI - - -
ToJA3Hashes TLSClientHello Ja3 - netcap.JA3 - - -
ToJA4Fingerprints TLSClientHello Ja4 - netcap.JA4 - - -
ToSoftwareProducts Software Product - netcap.Software - - -
ToServices Service Name - netcap.Service - - -
ToFiles File Name - netcap.File - - -
ToLoginInformation Credentials User - netcap.Credentials - - -
ToMails Mail Subject - netcap.Email - - -
ToSoftwareVulnerabilities Vulnerability ID - netcap.Vulnerability - - -
ToExploits Exploit ID - netcap.Exploit - - -
ToConnections Connection UID - netcap.Connection - - -
ToConnectionsForIP Connection UID SrcIP,DstIP netcap.Connection ip - -
ToDNSQuestionsForIP DNS Questions.Name SrcIP,DstIP netcap.DNSName ip - -
ToHTTPHostsForIP HTTP Host SrcIP,DstIP netcap.Host ip - -
ToSNIsForIP TLSClientHello SNI SrcIP,DstIP netcap.SNI ip - -
ToDNSAnswers DNS Answers.IP - netcap.IPAddr - - -
ToDNSAnswerNames DNS Answers.CNAME,Answers.PTR,Answers.NS,Answers.MX.Name - netcap.DNSName - - -
ToHTTPCookies HTTP ReqCookies.Name,ResCookies.Name - netcap.HTTPCookie - - -
ToHTTPCookieValues HTTP ReqCookies.Value,ResCookies.Value - netcap.HTTPCookieValue - - -
ToSSHClients SSH HASSH IsClient=true netcap.SSHClient - - -
ToSSHServers SSH HASSH IsClient=false netcap.SSHServer - - -
ToMailContacts Mail From,To,CC - netcap.EmailAddress - - addrs
ToDeviceIPs DeviceProfile DeviceIPs MacAddr netcap.IPAddr mac - -
ToConnectionsForDevice Connection UID SrcMAC,DstMAC netcap.Connection mac - -
ToSoftwareForDevice Software Product DeviceProfiles netcap.Software mac - -
ToSoftwareForIP Software Product Flows netcap.Software ip Connection:UID:SrcIP,DstIP -
ToFilesForIP File Name SrcIP,DstIP netcap.File ip - -
ToIPsForDNSName DNS Answers.IP Questions.Name netcap.IPAddr name - -
ToIPsForHost DNS Answers.IP Questions.Name netcap.IPAddr name - -
TABLE
while read -r name _; do
	awk '{print $1}' "$tmp/table" | grep -qx "$name" ||
		bad "--list names $name, not in the test's table"
done <"$tmp/list"

# check.py NETCAP DIR NAME TYPE FIELDS FILTER ENTITY OUT.xml VALUE VIA
# ADDRS: compare
cat >"$tmp/check.py" <<'PYEOF'
import email.utils, json, os, subprocess, sys, xml.etree.ElementTree as ET
netcap, d, name, rtype, field, flt, ent, out, value, via, addrs = sys.argv[1:12]
def load(t):
    path = f"{d}/{t}.ncap.lz4"
    if not os.path.exists(path):
        return None
    dump = subprocess.run([netcap, "dump", "--json", path], check=True,
                          capture_output=True, text=True).stdout
    return [json.loads(l) for l in dump.splitlines() if l]
recs = load(rtype)
have = recs is not None
recs = recs or []
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
def match(r, conds, keys):
    """every Path=X condition holds; one Path condition has a key"""
    key = None
    for c in conds.split(","):
        p, eq, x = c.partition("=")
        if eq:
            if x not in vals(r, p):
                return False
        else:
            key = key or any(v in keys for v in vals(r, p))
    return key is not False
def addresses(v):
    # strict=False: the strict parse (Python's CVE-2023-27043 fix, in
    # Debian's 3.11) gives ('', '') for a comment with a comma in it
    try:
        pairs = email.utils.getaddresses([v], strict=False)
    except TypeError:
        pairs = email.utils.getaddresses([v])
    return [a for _, a in pairs]
keys = {value}
if via != "-":
    vt, vf, vflt = via.split(":")
    keys = {v for r in load(vt) or [] if match(r, vflt, keys)
            for v in vals(r, vf) if v}
want = {}
for r in recs:
    if flt != "-" and not match(r, flt, keys):
        continue
    for f in field.split(","):
        for v in vals(r, f):
            for a in addresses(v) if addrs != "-" else [v]:
                if a != "":
                    want[a] = want.get(a, 0) + 1
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

# pick.py KIND: a VALUE from the first record (dump --json on stdin)
# that has one: ip its SrcIP, mac its MacAddr, name the first question
# of a DNS message with an address answer; x if none
cat >"$tmp/pick.py" <<'PYEOF'
import json, sys
kind = sys.argv[1]
for l in sys.stdin:
    r = json.loads(l)
    if kind == "ip" and r.get("SrcIP"):
        print(r["SrcIP"]); break
    if kind == "mac" and r.get("MacAddr"):
        print(r["MacAddr"]); break
    if (kind == "name" and r.get("Questions") and
            any(a.get("IP") for a in r.get("Answers") or [])):
        print(r["Questions"][0]["Name"]); break
else:
    print("x")
PYEOF

n=0
for p in $caps; do
	d="$tmp/$p"
	while read -r name rtype field flt ent kind via addrs; do
		value=x
		f=$rtype
		[ "$kind" = mac ] && f=DeviceProfile
		[ "$via" != - ] && f=${via%%:*}
		if [ "$kind" != - ] && [ -f "$d/$f.ncap.lz4" ]; then
			value=$("$NETCAP" dump --json "$d/$f.ncap.lz4" |
				$PY "$tmp/pick.py" "$kind")
		fi
		# the path three ways: the directory, a file in it, --dir
		case $((n % 3)) in
		0) "$NETCAP" transform "$name" "$value" "path=$d" ;;
		1) "$NETCAP" transform "$name" "$value" "x=1#path=$d/IPv4.ncap.lz4" ;;
		2) "$NETCAP" transform --dir "$d" "$name" "$value" ;;
		esac >"$tmp/out.xml" 2>"$tmp/err"
		rc=$?
		n=$((n + 1))
		grep -q '<Entity ' "$tmp/out.xml" && echo "$name" >>"$tmp/found"
		[ $rc -eq 0 ] || bad "$name $p: exit $rc"
		[ -s "$tmp/err" ] && bad "$name $p: stderr $(head -1 "$tmp/err")"
		xmllint --noout "$tmp/out.xml" 2>/dev/null || bad "$name $p: xmllint"
		$PY "$tmp/check.py" "$NETCAP" "$d" "$name" "$rtype" "$field" \
			"$flt" "$ent" "$tmp/out.xml" "$value" "$via" "$addrs" ||
			fail=1
	done <"$tmp/table"
done

# every transform but those of the vulnerability databases (not loaded
# here) returned entities on one of the captures
while read -r name _; do
	case $name in ToSoftwareVulnerabilities | ToExploits) continue ;; esac
	grep -qx "$name" "$tmp/found" || bad "$name: no entities on any capture"
done <"$tmp/list"

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
	netcap.DNSName "$tmp/out.xml" x - - || fail=1

# hostile address lists: an SMTP mail (a TCP session made with util
# mkpacket) whose From, To and CC hold quoted commas, comments, a group
# and an escaped quote: ToMailContacts gives what Python's
# email.utils.getaddresses finds, escaped (&)
$PY - >"$tmp/m.hex" <<'PYEOF'
import struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16
    return (~s)&0xffff
C, S = bytes([10,0,0,1]), bytes([10,0,0,2])
def pkt(src, dst, sp, dp, seq, ack, flags, data=b''):
    tcp = struct.pack('!HHIIBBHHH', sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ph = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', csum(ph + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return (ip + tcp).hex()
hdrs = (b'From: "Doe, J" <j@x.test> (comment, here)\r\n'
        b'To: b@y.test (Bob), Group: c@z.test, "q\\"x" <d@z.test>;\r\n'
        b'CC: <e@w.test>, f@v.test, "A&B" <x&y@v.test>\r\n'
        b'Subject: t\r\n\r\nhello\r\n.\r\n')
conv = [('S', b'220 ready\r\n'), ('C', b'EHLO c\r\n'), ('S', b'250 ok\r\n'),
        ('C', b'MAIL FROM:<j@x.test>\r\n'), ('S', b'250 ok\r\n'),
        ('C', b'RCPT TO:<b@y.test>\r\n'), ('S', b'250 ok\r\n'),
        ('C', b'DATA\r\n'), ('S', b'354 go\r\n'), ('C', hdrs),
        ('S', b'250 queued\r\n'), ('C', b'QUIT\r\n'), ('S', b'221 bye\r\n')]
cs, ss = 1000, 5000
out = [pkt(C, S, 40000, 25, cs, 0, 0x02), pkt(S, C, 25, 40000, ss, cs + 1, 0x12),
       pkt(C, S, 40000, 25, cs + 1, ss + 1, 0x10)]
cs += 1; ss += 1
for who, data in conv:
    if who == 'C':
        out.append(pkt(C, S, 40000, 25, cs, ss, 0x18, data)); cs += len(data)
    else:
        out.append(pkt(S, C, 25, 40000, ss, cs, 0x18, data)); ss += len(data)
out.append(pkt(C, S, 40000, 25, cs, ss, 0x11)); cs += 1
out.append(pkt(S, C, 25, 40000, ss, cs, 0x11)); ss += 1
out.append(pkt(C, S, 40000, 25, cs, ss, 0x10))
print('\n'.join(out))
PYEOF
"$NETCAP" util mkpacket --link-type RAW -o "$tmp/m.pcap" "$tmp/m.hex" ||
	bad "mkpacket mail"
"$NETCAP" capture -q -r "$tmp/m.pcap" -o "$tmp/m" >/dev/null || bad "capture m"
"$NETCAP" transform ToMailContacts x "path=$tmp/m" >"$tmp/out.xml"
xmllint --noout "$tmp/out.xml" 2>/dev/null || bad "mail: xmllint"
grep -q '<Value>x&amp;y@v.test</Value>' "$tmp/out.xml" ||
	bad "mail: x&y@v.test not there, escaped"
[ "$(grep -c '<Entity ' "$tmp/out.xml")" -eq 7 ] ||
	bad "mail: $(grep -c '<Entity ' "$tmp/out.xml") addresses, not 7"
$PY "$tmp/check.py" "$NETCAP" "$tmp/m" ToMailContacts Mail From,To,CC - \
	netcap.EmailAddress "$tmp/out.xml" x - addrs || fail=1

# a value not found by a filtered transform; VALUE as the root directory
# (ToSoftwareForIP: in the Connection records its via pass reads)
d="$tmp/live_netns_http-tls-dns-ssh"
for args in "ToConnectionsForIP 192.0.2.99 Connection" \
	"ToSoftwareForIP 192.0.2.99 Connection" \
	"ToIPsForHost no.such.name DNS" \
	"ToDeviceIPs 02:00:00:00:00:99 DeviceProfile"; do
	# shellcheck disable=SC2086
	set -- $args
	if ! "$NETCAP" transform "$1" "$2" "path=$d" >"$tmp/out.xml" ||
		! grep -q "MessageType=\"Inform\">$2 not found in [0-9]* $3 rec" \
			"$tmp/out.xml" ||
		grep -q '<Entity ' "$tmp/out.xml"; then
		bad "value not found ($1): $(cat "$tmp/out.xml")"
	fi
done
for name in ToDNSQuestions ToSSHClients; do
	"$NETCAP" transform "$name" "$d" >"$tmp/out.xml" &&
		grep -q '<Entity ' "$tmp/out.xml" ||
		bad "VALUE as the directory ($name)"
done

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
