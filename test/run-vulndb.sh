#!/bin/sh
# netcap util db build/check, capture --vuln-db (Vulnerability, Exploit) and
# capture --indicators (Alert), on the public samples in test/data/vulndb/
# (README.md there names their sources).
#  1. db build from the NVD sample feed and Exploit-DB sample CSV; db check
#     prints both sources with their sizes and SHA-256 (compared with
#     sha256sum) and the entry counts.
#  2. Malformed inputs (NVD entry with a cut CPE string, JSON cut short,
#     a CSV row with a missing field, a CSV without Exploit-DB's columns):
#     exit 1, exactly one stderr line naming the file and the entry, and
#     no database file (nor a temporary one) left behind. A database with
#     one byte changed is refused by db check and by capture (exit 2).
#  3. capture --vuln-db on ssh.pcap (OpenSSH 7.4p1 and 7.8) and on the live
#     capture (OpenSSH 9.2p1): each Vulnerability record is checked against
#     the CVE's CPE ranges as worked out by hand below from the NVD records
#     (not by running netcap's comparison): exactly the expected (version,
#     CVE) pairs, with the CVE's severity and scores, the Software record
#     embedded, SourceUIDs its Flows; exactly the expected Exploit records.
#  4. capture --indicators on the live capture: an IPv6 address, a CIDR that
#     matches nothing, a domain matched through a subdomain, a domain in
#     other case with a trailing dot, a JA3 in capitals, a JA4 and a HASSH:
#     exactly the Alert records that an independent matcher (python, on the
#     dumped Connection, DNS, TLSClientHello and SSH records) expects, with
#     pinned counts (DNS messages per name from tshark); no Alert file
#     without --indicators; a bad list line is refused (exit 2, one line).
#   test/run-vulndb.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "vulndb: FAIL: $*"
	fail=1
}
PY=/usr/bin/python3
D=test/data/vulndb
nvd=$D/nvdcve-2.0-sample.json
xdb=$D/files_exploits.csv
db=$tmp/vuln.db

# --- 1. build and check
"$NETCAP" util db build --nvd "$nvd" --exploitdb "$xdb" -o "$db" >"$tmp/so" 2>"$tmp/se" ||
	bad "db build: exit $?: $(cat "$tmp/se")"
grep -q '5 CVEs, 34 CPE ranges, 3 exploits' "$tmp/so" ||
	bad "db build summary: $(cat "$tmp/so")"
"$NETCAP" util db check "$db" >"$tmp/check" 2>"$tmp/se" ||
	bad "db check: exit $?: $(cat "$tmp/se")"
for f in "$nvd" "$xdb"; do
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	size=$(wc -c <"$f" | tr -d ' ')
	grep -q "$(basename "$f")  $size bytes  sha256 $sum" "$tmp/check" ||
		bad "db check does not show $f ($size bytes, $sum): $(cat "$tmp/check")"
done
grep -q 'entries  5 CVEs, 34 CPE ranges, 3 exploits' "$tmp/check" ||
	bad "db check counts: $(cat "$tmp/check")"
grep -q 'feed timestamp 2024-11-21T00:00:00.000' "$tmp/check" ||
	bad "db check: no feed timestamp"
# CVE-2022-41741 lists f5sirt's Secondary v3.1 metric (7.0) before NVD's
# Primary one (7.8): the Primary one is kept
grep -q "$(printf '^cve\tCVE-2022-41741\t2022-10-19T22:15:12.647\t3.1\t7.8\tHIGH\t')" "$db" ||
	bad "CVE-2022-41741: not the Primary metric"

# --- 2. malformed inputs: name | options | text the one error line holds
cut_json="$tmp/cut.json"
head -c 2000 "$nvd" >"$cut_json"
printf 'id,file,description,date_published,author,type,platform,port,date_added,date_updated,verified,codes,tags,aliases,screenshot_url,application_url,source_url\n45233,exploits/x.py,"a",2018-08-21,b,remote,linux,,2018-08-21,2018-10-01,1,CVE-2018-15473,,,,\n' >"$tmp/short.csv"
printf 'id,file\n1,x\n' >"$tmp/cols.csv"
while IFS='|' read -r name opts want; do
	[ -n "$name" ] || continue
	out="$tmp/bad-$name.db"
	# shellcheck disable=SC2086
	"$NETCAP" util db build $opts -o "$out" >"$tmp/so" 2>"$tmp/se"
	rc=$?
	[ "$rc" = 1 ] || bad "$name: exit $rc, want 1"
	[ "$(wc -l <"$tmp/se")" = 1 ] ||
		bad "$name: stderr is not one line: $(cat "$tmp/se")"
	grep -qF -- "$want" "$tmp/se" || bad "$name: '$want' not in: $(cat "$tmp/se")"
	ls "$tmp" | grep -q "^bad-$name.db" && bad "$name: left $(ls "$tmp" | grep "^bad-$name")"
done <<EOF
cpe|--nvd $D/nvdcve-2.0-malformed.json|$D/nvdcve-2.0-malformed.json: vulnerabilities[1] (CVE-2023-38408): configurations[0].nodes[0].cpeMatch[1].criteria: not a cpe:2.3 string
cut|--nvd $cut_json|$cut_json: line
csvrow|--nvd $nvd --exploitdb $tmp/short.csv|$tmp/short.csv: row 1 (line 2, id 45233): 16 fields, the header has 17
csvcols|--nvd $nvd --exploitdb $tmp/cols.csv|$tmp/cols.csv: header has no 'description' column
EOF
# one changed byte: refused by check and by capture
sed 's/CVE-2024-6387\t2024-07-01/CVE-2024-6387\t2024-07-02/' "$db" >"$tmp/changed.db"
"$NETCAP" util db check "$tmp/changed.db" >/dev/null 2>"$tmp/se"
[ $? = 1 ] || bad "db check accepted a changed database"
grep -q 'checksum mismatch' "$tmp/se" || bad "changed db: $(cat "$tmp/se")"
"$NETCAP" capture -r test/data/ssh.pcap -o "$tmp/o.changed" --vuln-db "$tmp/changed.db" \
	>/dev/null 2>"$tmp/se"
[ $? = 2 ] || bad "capture accepted a changed database"
[ "$(wc -l <"$tmp/se")" = 1 ] || bad "capture --vuln-db error: $(cat "$tmp/se")"

# --- 3. Vulnerability and Exploit records
"$NETCAP" capture -r test/data/ssh.pcap -o "$tmp/o.ssh" --vuln-db "$db" >/dev/null 2>&1 ||
	bad "capture ssh.pcap --vuln-db failed"
"$NETCAP" capture -r test/data/live_netns_http-tls-dns-ssh.pcap -o "$tmp/o.live" \
	--vuln-db "$db" >/dev/null 2>&1 ||
	bad "capture live --vuln-db failed"
for o in ssh live; do
	for t in Software Vulnerability Exploit; do
		f="$tmp/o.$o/$t.ncap.lz4"
		if [ -e "$f" ]; then
			"$NETCAP" dump --json "$f" >"$tmp/$o.$t.json"
		else
			: >"$tmp/$o.$t.json"
		fi
	done
done
$PY - "$tmp" <<'PYEOF' || fail=1
import json, sys
tmp = sys.argv[1]
# The CPE ranges of the sample CVEs for cpe:2.3:a:openbsd:openssh, read by
# hand from the NVD records (test/data/vulndb/nvdcve-2.0-sample.json), and
# which of the capture's OpenSSH versions each covers, worked out by hand
# (7.4p1 is 7.4 with update p1: after 7.4, before 7.5):
#  CVE-2018-15473  * <= 7.7                       7.4p1 yes; 7.8 no; 9.2p1 no
#  CVE-2023-38408  * < 9.3; 9.3:-; 9.3:p1         7.4p1, 7.8, 9.2p1 yes
#  CVE-2024-6387   * < 4.4; 8.6 <= * < 9.8; 4.4:-; 8.5:p1; 9.8:-
#                                                 7.4p1 no; 7.8 no; 9.2p1 yes
# and for cpe:2.3:a:haxx:curl (curl 7.88.1 in the live capture's User-Agent):
#  CVE-2023-27533  7.0.0 <= * <= 7.881 (NVD's bound as published, meant as
#                  7.88.1; as numbers 7.88.1 < 7.881 too)   7.88.1 yes
# The live capture's nginx Software has no version (Server: nginx): none of
# CVE-2022-41741's f5:nginx ranges may match it.
CVE = {
    "CVE-2018-15473": dict(sev="MEDIUM", score=5.3, v2=5.0, ver="3.1",
                           ranges={"7.4p1": ["openbsd:openssh <= 7.7"]}),
    "CVE-2023-38408": dict(sev="CRITICAL", score=9.8, v2=0.0, ver="3.1",
                           ranges={v: ["openbsd:openssh < 9.3"]
                                   for v in ("7.4p1", "7.8", "9.2p1")}),
    "CVE-2024-6387": dict(sev="HIGH", score=8.1, v2=0.0, ver="3.1",
                          ranges={"9.2p1": ["openbsd:openssh >= 8.6, < 9.8"]}),
    "CVE-2023-27533": dict(sev="HIGH", score=8.8, v2=0.0, ver="3.1",
                           ranges={"7.88.1": ["haxx:curl >= 7.0.0, <= 7.881"]}),
}
EXPECT = {"ssh": {("7.4p1", "CVE-2018-15473"), ("7.4p1", "CVE-2023-38408"),
                  ("7.8", "CVE-2023-38408")},
          "live": {("9.2p1", "CVE-2023-38408"), ("9.2p1", "CVE-2024-6387"),
                   ("7.88.1", "CVE-2023-27533")}}
# Exploit-DB sample: 45210, 45233, 45939 name CVE-2018-15473; 40963 names
# CVE-2016-10009 and 47984 CVE-2020-7247 (not in the sample feed)
XP = {"45210": ("2018-08-16", "Matthew Daley", 0),
      "45233": ("2018-08-21", "Justin Gardner", 0),
      "45939": ("2018-12-04", "Leap Security", 22)}
ok = True
def bad(m):
    global ok
    print("vulndb: FAIL:", m)
    ok = False
def load(name):
    return [json.loads(l) for l in open(f"{tmp}/{name}.json") if l.strip()]
for cap in ("ssh", "live"):
    sw = {(s["Product"], s["Version"]): s for s in load(f"{cap}.Software")}
    vul = load(f"{cap}.Vulnerability")
    got = set()
    for v in vul:
        s = v["Software"]
        key = (s["Version"], v["ID"])
        if key in got:
            bad(f"{cap}: {key} twice")
        got.add(key)
        if (s["Product"], s["Version"]) not in sw or sw[(s["Product"], s["Version"])] != s:
            bad(f"{cap}: {key}: embedded Software differs from Software.ncap")
        c = CVE.get(v["ID"])
        if not c:
            bad(f"{cap}: unexpected CVE {v['ID']}")
            continue
        if v["Severity"] != c["sev"] or abs(v["Score"] - c["score"]) > 1e-9 or \
           abs(v.get("V2Score", 0.0) - c["v2"]) > 1e-9 or v["CVSSVersion"] != c["ver"]:
            bad(f"{cap}: {key}: severity/scores {v['Severity']} {v['Score']} {v.get('V2Score')}")
        if v["AccessVector"] != "NETWORK":
            bad(f"{cap}: {key}: AccessVector {v['AccessVector']}")
        if v["Versions"] != c["ranges"].get(s["Version"]):
            bad(f"{cap}: {key}: Versions {v['Versions']}")
        if v["SourceUIDs"] != s["Flows"] or v["Timestamp"] != s["Timestamp"]:
            bad(f"{cap}: {key}: SourceUIDs/Timestamp not the Software's")
    if got != EXPECT[cap]:
        bad(f"{cap}: Vulnerability pairs {sorted(got)}, want {sorted(EXPECT[cap])}")
    xps = load(f"{cap}.Exploit")
    want_x = {("7.4p1", i) for i in XP} if cap == "ssh" else set()
    got_x = {(x["Software"]["Version"], x["ID"]) for x in xps}
    if got_x != want_x or len(xps) != len(want_x):
        bad(f"{cap}: Exploit records {sorted(got_x)}, want {sorted(want_x)}")
    for x in xps:
        d, a, p = XP.get(x["ID"], (None, None, None))
        if (x["Date"], x["Author"], x["Port"], x["CVE"], x["Typ"], x["Platform"]) != \
           (d, a, p, "CVE-2018-15473", "remote", "linux"):
            bad(f"{cap}: Exploit {x['ID']}: fields {x}")
        if x["File"] != f"exploits/linux/remote/{x['ID']}.py":
            bad(f"{cap}: Exploit {x['ID']}: File {x['File']}")
sys.exit(0 if ok else 1)
PYEOF
# without --vuln-db: no such records
"$NETCAP" capture -r test/data/ssh.pcap -o "$tmp/o.none" >/dev/null 2>&1
[ -e "$tmp/o.none/Vulnerability.ncap.lz4" ] && bad "Vulnerability without --vuln-db"
# only Vulnerability selected: the SSH parser still finds the software
"$NETCAP" capture -r test/data/ssh.pcap -o "$tmp/o.only" --vuln-db "$db" \
	--include Vulnerability >/dev/null 2>&1
n=$("$NETCAP" dump --tsv "$tmp/o.only/Vulnerability.ncap.lz4" 2>/dev/null | tail -n +2 | wc -l)
[ "$n" = 3 ] || bad "--include Vulnerability: $n records, want 3"
[ -e "$tmp/o.only/Software.ncap.lz4" ] && bad "--include Vulnerability wrote Software"

# --- 4. indicators
cap=test/data/live_netns_http-tls-dns-ssh.pcap
ind=$tmp/ind.txt
cat >"$ind" <<'EOF'
# test indicators (test/run-vulndb.sh)
ip fd00:200::1 v6-gateway reputation=malicious mitre=T1071 the IPv6 gateway
cidr 192.0.2.0/24 doc-net documentation prefix, never seen
domain _tcp.netcap.test srv-zone mitre=T1071.004 SRV names under _tcp
domain WWW.netcap.test. www-host
ja3 87B9BFC7DA97115ED2276737B09F8D74 curl-ja3 a TLS 1.2 client
ja4 t13d0412h2_16476d049b0b_85302d7e289e tls13-ja4
hassh 472b5de333ad665af5cbf10ff892c4df ssh-client
EOF
"$NETCAP" capture -r "$cap" -o "$tmp/o.ind" --indicators "$ind" \
	--include Connection,DNS,TLSClientHello,SSH,Alert >/dev/null 2>"$tmp/se" ||
	bad "capture --indicators: $(cat "$tmp/se")"
for t in Connection DNS TLSClientHello SSH Alert; do
	"$NETCAP" dump --json "$tmp/o.ind/$t.ncap.lz4" >"$tmp/ind.$t.json" 2>/dev/null ||
		bad "no $t records"
done
tshark -r "$cap" -Y dns -T fields -e dns.qry.name 2>/dev/null >"$tmp/dnsnames"
$PY - "$tmp" "$ind" <<'PYEOF' || fail=1
import ipaddress, json, sys
tmp, indfile = sys.argv[1], sys.argv[2]
def load(t):
    return [json.loads(l) for l in open(f"{tmp}/ind.{t}.json") if l.strip()]
def ip(s):
    return ipaddress.ip_address(s)
exp = []  # (Name, UID, Protocol, Notes, Domain)
conn = load("Connection")
for c in conn:
    for field in ("SrcIP", "DstIP"):
        if ip(c[field]) == ip("fd00:200::1"):
            exp.append(("v6-gateway", c["UID"], "Connection", f"{field} {ip(c[field])}", ""))
        if ip(c[field]) in ipaddress.ip_network("192.0.2.0/24"):
            exp.append(("doc-net", c["UID"], "Connection", f"{field} {c[field]}", ""))
for m in load("DNS"):
    for q in m["Questions"]:
        n = q["Name"].lower().rstrip(".")
        if n == "www.netcap.test":
            exp.append(("www-host", m["UID"], "DNS", f"Question {n}", n))
        if n.endswith("._tcp.netcap.test") or n == "_tcp.netcap.test":
            exp.append(("srv-zone", m["UID"], "DNS",
                        f"Question {n}" + ("" if n == "_tcp.netcap.test" else " (under _tcp.netcap.test)"), n))
for t in load("TLSClientHello"):
    if t["Ja3"] == "87b9bfc7da97115ed2276737b09f8d74":
        exp.append(("curl-ja3", t["UID"], "TLSClientHello", "JA3 " + t["Ja3"], ""))
    if t["Ja4"] == "t13d0412h2_16476d049b0b_85302d7e289e":
        exp.append(("tls13-ja4", t["UID"], "TLSClientHello", "JA4 " + t["Ja4"], ""))
for s in load("SSH"):
    if s["HASSH"] == "472b5de333ad665af5cbf10ff892c4df":
        exp.append(("ssh-client", s["UID"], "SSH",
                    ("HASSH " if s["IsClient"] else "HASSHServer ") + s["HASSH"], ""))
alerts = load("Alert")
got = [(a["Name"], a["UID"], a["Protocol"], a["Notes"], a["Domain"]) for a in alerts]
ok = True
def bad(m):
    global ok
    print("vulndb: FAIL:", m)
    ok = False
if sorted(got) != sorted(exp):
    bad(f"alerts differ:\n got  {sorted(got)}\n want {sorted(exp)}")
# pinned counts: DNS messages per name from tshark; one JA3, JA4, HASSH
names = [l.strip() for l in open(f"{tmp}/dnsnames") if l.strip()]
want_counts = {"www-host": names.count("www.netcap.test"),
               "srv-zone": names.count("_http._tcp.netcap.test"),
               "curl-ja3": 1, "tls13-ja4": 1, "ssh-client": 1, "doc-net": 0}
for k, n in want_counts.items():
    c = sum(1 for g in got if g[0] == k)
    if c != n:
        bad(f"{k}: {c} alerts, want {n}")
if sum(1 for g in got if g[0] == "v6-gateway") < 3:
    bad("v6-gateway: fewer than 3 alerts")
for a in alerts:
    if a["Name"] == "v6-gateway" and (a["IPReputation"] != "malicious" or a["MITRE"] != "T1071"
                                      or a["Description"] != "the IPv6 gateway"
                                      or a["Indicator"] != "ip fd00:200::1"
                                      or not a["Source"].endswith("ind.txt:2")):
        bad(f"v6-gateway fields: {a}")
    if a["Name"] == "srv-zone" and (a["MITRE"] != "T1071.004" or a["IPReputation"] != ""
                                    or a["Description"] != "SRV names under _tcp"):
        bad(f"srv-zone fields: {a}")
    if a["Name"] == "curl-ja3" and (a["SrcPort"] == 0 or a["DstPort"] != 443 or not a["SrcIP"]):
        bad(f"curl-ja3 endpoint fields: {a}")
sys.exit(0 if ok else 1)
PYEOF
# no list: no Alert file; a bad list line: exit 2, one line naming file:line
"$NETCAP" capture -r "$cap" -o "$tmp/o.noind" >/dev/null 2>&1
[ -e "$tmp/o.noind/Alert.ncap.lz4" ] && bad "Alert records without --indicators"
printf '# x\nja3 nothex bad\n' >"$tmp/bad.txt"
"$NETCAP" capture -r "$cap" -o "$tmp/o.badind" --indicators "$ind,$tmp/bad.txt" \
	>/dev/null 2>"$tmp/se"
[ $? = 2 ] || bad "bad indicator list accepted"
[ "$(wc -l <"$tmp/se")" = 1 ] && grep -qF "$tmp/bad.txt:2: ja3: 'nothex' is not 32 hex digits" "$tmp/se" ||
	bad "bad indicator list error: $(cat "$tmp/se")"

[ $fail = 0 ] && echo "vulndb: ok"
exit $fail
