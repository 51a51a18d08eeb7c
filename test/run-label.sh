#!/bin/sh
# netcap label (docs/LABEL.md): alerts and attack lists onto every record.
#  1. EVE JSON (one alert by Community ID, one by 5-tuple in the reverse
#     direction, a non-alert event, an alert matching nothing), fast.log
#     (sensor-local time, --tz Europe/Berlin) and Zeek notice.log alerts
#     for four conversations of a live capture with 38 connections between the same
#     two hosts: test/py/label_check.py computes from tshark's streams and
#     frame times which Connection, Flow, TCP, UDP, IPv4, IPv6, Ethernet,
#     HTTP and DNS records carry which label; every row must agree.
#     The same rows from a capture with two workers.
#  2. --collect, --strict, --description, --exclude, --gzip, --sep.
#  3. attack lists: the capture moved to 2026-03-29 00:59:59 UTC, the hour
#     Europe/Berlin goes from CET to CEST: a window from 01:59:59.8 CET to
#     03:00:00.7 CEST (0.9 s of traffic), and an Australia/Sydney list
#     (AEDT, date inside timeFormat), and a Netcap v0.5 CSV list in
#     America/New_York (--tz) overlapping the first (--collect);
#     label_check.py converts the windows with Python's zoneinfo. Netcap's
#     own lists parse.
#  4. bad inputs: one line naming file:line and field, exit 1, no
#     *_labeled file and no temporary file left; capture --attacks with a
#     bad list: one line, exit 2, no output directory.
#  5. capture --attacks: with the lists of 3 (two workers) and with
#     Netcap's test.yml (Canada/Atlantic, flagVictimTraffic) on copies of
#     the capture moved to its windows and addresses
#     (test/py/pcap_readdress.py): label_check.py checks the labels, and
#     the Result field capture wrote equals label's result in every row.
#   [LABEL_KEEP=1] test/run-label.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
PY=/usr/bin/python3
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# LABEL_KEEP=1: keep the files (named on the last line)
[ -n "${LABEL_KEEP:-}" ] && trap 'echo "label: files in $tmp"' EXIT
fail=0
bad() {
	echo "label: FAIL: $*"
	fail=1
}
cap=test/data/live_netns_http-tls-dns-ssh.pcap
fields="-e frame.time_epoch -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst
-e tcp.stream -e udp.stream -e tcp.srcport -e tcp.dstport -e udp.srcport
-e udp.dstport"

"$NETCAP" capture -q -r "$cap" -o "$tmp/rec" -w 1 >/dev/null 2>&1 ||
	bad "capture $cap"
# shellcheck disable=SC2086
tshark -r "$cap" -T fields $fields >"$tmp/frames.tsv" 2>/dev/null

# --- 1. alerts. The conversations, by tshark: its stream numbers, the time
# of each stream's second frame (the alert time) and the Community ID.
tshark -r "$cap" --enable-protocol communityid -T fields \
	-e frame.time_epoch -e tcp.stream -e udp.stream -e tcp.port \
	-e udp.port -e communityid 2>/dev/null >"$tmp/cid.tsv"
pick() { # PORT: "stream epoch cid" of the conversation's second frame
	awk -F'\t' -v p="$1" '($4 ~ "(^|,)" p "(,|$)" || $5 ~ "(^|,)" p "(,|$)") && ++n == 2 {
		print ($2 != "" ? $2 : $3), $1, $6; exit }' "$tmp/cid.tsv"
}
# shellcheck disable=SC2046
set -- $(pick 42154) $(pick 40178) $(pick 36203) $(pick 33178)
[ $# = 12 ] || bad "tshark did not find the four conversations"
http_s=$1 http_t=$2 http_cid=$3 udp_s=$4 udp_t=$5 tdns_s=$7 tdns_t=$8
ssh_s=${10} ssh_t=${11}
# EVE time: the local time at +02:00 with its offset, as Suricata writes it
eve_time() {
	s=${1%.*} f=${1#*.}
	echo "$(date -u -d "@$((s + 7200))" +%Y-%m-%dT%H:%M:%S).$(echo "$f" | cut -c1-6)+0200"
}
fast_time() { # sensor-local (Europe/Berlin) fast.log time
	s=${1%.*} f=${1#*.}
	echo "$(TZ=Europe/Berlin date -d "@$s" +%m/%d/%Y-%H:%M:%S).$(echo "$f" | cut -c1-6)"
}
cat >"$tmp/eve.json" <<EOF
{"timestamp":"$(eve_time "$http_t")","flow_id":1,"in_iface":"eth0","event_type":"alert","src_ip":"10.200.0.2","src_port":42154,"dest_ip":"10.200.0.1","dest_port":80,"proto":"TCP","community_id":"$http_cid","alert":{"action":"allowed","gid":1,"signature_id":1000001,"rev":1,"signature":"NC-TEST HTTP","category":"Web Application Attack","severity":1}}
{"timestamp":"$(eve_time "$udp_t")","flow_id":2,"event_type":"flow","src_ip":"10.200.0.2","src_port":40178,"dest_ip":"10.200.0.1","dest_port":53,"proto":"UDP"}
{"timestamp":"$(eve_time "$udp_t")","flow_id":2,"event_type":"alert","src_ip":"10.200.0.1","src_port":53,"dest_ip":"10.200.0.2","dest_port":40178,"proto":"UDP","alert":{"action":"allowed","gid":1,"signature_id":1000002,"rev":1,"signature":"NC-TEST DNS","category":"Potentially Bad Traffic","severity":2}}
{"timestamp":"2026-11-26T13:13:46.000000+0200","flow_id":3,"event_type":"alert","src_ip":"10.200.0.2","src_port":42154,"dest_ip":"10.200.0.1","dest_port":80,"proto":"TCP","alert":{"signature":"NC-TEST none","category":"Misc activity"}}
EOF
printf '%s  [**] [1:1000003:1] NC-TEST DNS over TCP [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 10.200.0.2:36203 -> 10.200.0.1:53\n' \
	"$(fast_time "$tdns_t")" >"$tmp/fast.log"
# Zeek's notice.log (TSV as Zeek writes it): one notice on the SSH
# connection, one about a host (no connection: skipped)
{
	printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tnotice\n'
	printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tfuid\tfile_mime_type\tfile_desc\tproto\tnote\tmsg\tsub\tsrc\tdst\tp\tn\tpeer_descr\tactions\tsuppress_for\n'
	printf '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tenum\tenum\tstring\tstring\taddr\taddr\tport\tcount\tstring\tset[enum]\tinterval\n'
	printf '%s\tCxyz\t10.200.0.2\t33178\t10.200.0.1\t22\t-\t-\t-\ttcp\tSSH::Password_Guessing\t10.200.0.2 appears to be guessing\t-\t10.200.0.2\t10.200.0.1\t22\t-\t-\tNotice::ACTION_LOG\t3600.000000\n' "${ssh_t%???}"
	printf '%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\tScan::Address_Scan\t10.200.0.2 scanned\t-\t10.200.0.2\t-\t-\t-\t-\tNotice::ACTION_LOG\t3600.000000\n' "${ssh_t%???}"
} >"$tmp/notice.log"
printf 'tcp %s Web Application Attack\nudp %s Potentially Bad Traffic\ntcp %s Attempted Information Leak\ntcp %s SSH::Password_Guessing\n' \
	"$http_s" "$udp_s" "$tdns_s" "$ssh_s" >"$tmp/streams"
"$NETCAP" label -r "$tmp/rec" -o "$tmp/out" --eve "$tmp/eve.json" \
	--fast-log "$tmp/fast.log" --tz Europe/Berlin --notice "$tmp/notice.log" \
	>"$tmp/sum" 2>"$tmp/err" ||
	bad "label (alerts) exit $?: $(cat "$tmp/err")"
grep -q "5 read, 0 excluded, 4 matched a connection, 1 matched none" "$tmp/sum" ||
	bad "summary: $(head -1 "$tmp/sum")"
n=$(ls "$tmp/rec" | wc -l)
m=$(ls "$tmp/out" | grep -c '_labeled\.csv$')
[ "$n" = "$m" ] || bad "$n record files, $m labelled files"
$PY test/py/label_check.py alerts "$tmp/out" "$tmp/frames.tsv" "$tmp/streams" ||
	bad "alerts: label_check"
# the same labels from a capture with two workers (records interleaved)
"$NETCAP" capture -q -r "$cap" -o "$tmp/rec2" -w 2 >/dev/null 2>&1 ||
	bad "capture -w 2"
"$NETCAP" label -q -r "$tmp/rec2" -o "$tmp/out2" --eve "$tmp/eve.json" \
	--fast-log "$tmp/fast.log" --tz Europe/Berlin --notice "$tmp/notice.log" ||
	bad "label (2 workers)"
for f in "$tmp"/out/*_labeled.csv; do
	sort "$f" >"$tmp/s1"
	sort "$tmp/out2/${f##*/}" >"$tmp/s2" 2>/dev/null
	cmp -s "$tmp/s1" "$tmp/s2" || bad "-w 2: ${f##*/} differs"
done
# without --tz the fast.log time is UTC, an hour off: the alert misses
"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/utc" --fast-log "$tmp/fast.log" \
	--tolerance 0.5 2>/dev/null || bad "label --fast-log without --tz"
grep -q "Attempted" "$tmp/utc/Connection_labeled.csv" &&
	bad "fast.log read as UTC still matched"

# --- 2. options
# a second alert on the HTTP conversation, at the same time
cat >"$tmp/eve2.json" <<EOF
{"timestamp":"$(eve_time "$http_t")","event_type":"alert","src_ip":"10.200.0.1","src_port":80,"dest_ip":"10.200.0.2","dest_port":42154,"proto":"TCP","alert":{"signature":"NC-TEST HTTP 2","category":"A Network Trojan was detected"}}
EOF
"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/col" --eve "$tmp/eve.json" \
	--eve "$tmp/eve2.json" --collect || bad "label --collect"
# (the first alert read comes first at equal times)
[ "$(grep -c ',Web Application Attack | A Network Trojan was detected$' \
	"$tmp/col/TCP_labeled.csv")" = \
	"$(grep -c ',Web Application Attack$' "$tmp/out/TCP_labeled.csv")" ] ||
	bad "--collect: TCP rows of the HTTP conversation not joined"
"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/strict" --eve "$tmp/eve.json" \
	--eve "$tmp/eve2.json" --strict 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] || bad "--strict: exit $rc, want 1"
grep -q "two labels, '.*' and '.*' (--strict)" "$tmp/err" || bad "--strict: $(cat "$tmp/err")"
[ -z "$(ls -A "$tmp/strict" 2>/dev/null)" ] || bad "--strict left files: $(ls -A "$tmp/strict")"
"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/desc" --eve "$tmp/eve.json" \
	--description --exclude "Potentially Bad Traffic" || bad "label --description"
grep -q ',NC-TEST HTTP$' "$tmp/desc/HTTP_labeled.csv" || bad "--description: no signature label"
grep -q 'Potentially\|NC-TEST DNS' "$tmp/desc/UDP_labeled.csv" && bad "--exclude: still labelled"
"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/gz" --eve "$tmp/eve.json" --gzip \
	--sep ';' --select Timestamp,SrcIP,DstIP,SrcPort,DstPort || bad "label --gzip"
[ "$(zcat "$tmp/gz/TCP_labeled.csv.gz" | head -1)" = "Timestamp;SrcPort;DstPort;SrcIP;DstIP;result" ] ||
	[ "$(zcat "$tmp/gz/TCP_labeled.csv.gz" | head -1)" = "Timestamp;SrcIP;DstIP;SrcPort;DstPort;result" ] ||
	bad "--gzip --sep --select header: $(zcat "$tmp/gz/TCP_labeled.csv.gz" | head -1)"
[ "$(zcat "$tmp/gz/TCP_labeled.csv.gz" | grep -c ';Web Application Attack$')" = \
	"$(grep -c ',Web Application Attack$' "$tmp/out/TCP_labeled.csv")" ] ||
	bad "--gzip: other labels than without"

"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/sel" --eve "$tmp/eve.json" \
	--select Timestamp,SrcIPP 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "SrcIPP" "$tmp/err" && [ ! -e "$tmp/sel" ] ||
	bad "--select SrcIPP: exit $rc, $(cat "$tmp/err")"

# --- 3. attack lists across a daylight-saving change and two zones
first=$(head -1 "$tmp/frames.tsv" | cut -f1)
target=$(date -u -d 2026-03-29T00:59:59 +%s)
editcap -t "$((target - ${first%.*}))" "$cap" "$tmp/dst.pcap" >/dev/null 2>&1 ||
	bad "editcap"
"$NETCAP" capture -q -r "$tmp/dst.pcap" -o "$tmp/drec" -w 1 >/dev/null 2>&1 ||
	bad "capture $tmp/dst.pcap"
# shellcheck disable=SC2086
tshark -r "$tmp/dst.pcap" -T fields $fields >"$tmp/dframes.tsv" 2>/dev/null
cat >"$tmp/berlin.yml" <<'EOF'
# the night Europe/Berlin moves from CET (+1) to CEST (+2)
location: "Europe/Berlin"
timeFormat: "15:04:05.000"
dateFormat: "Monday-02-01-2006"

attacks:
  - name: Across the change
    date: Sunday-29-03-2026
    victims:
      - 10.200.0.1
    attackers:
      - 10.200.0.2
    start: 01:59:59.800
    end: 03:00:00.700
    proto: TCP
    category: dst-window
    mitre: T0000
EOF
cat >"$tmp/sydney.yml" <<'EOF'
location: "Australia/Sydney"
timeFormat: "2006/1/2 15:04:05.000"
dateFormat: "2006/1/2"
attacks:
  - name: IPv6 host
    start: 2026/3/29 12:00:00.400
    end: 2026/3/29 12:00:01.900
    ips:
      - fd00:200::2
    proto: TCP
    category: sydney-window
    date: 2026/3/29
EOF
# Netcap v0.5's CSV list, its times in --tz (New York: EDT since March 8)
cat >"$tmp/ny.csv" <<'EOF'
Num,Name,Start,End,IPs,Proto,Notes,Category,MITRE,Date,Victims,Attackers
1,Server,2026/3/28 21:00:00.500,2026/3/28 21:00:00.650,10.200.0.1,TCP,"a note, ""quoted""",ny-window,T0000,2026/3/28,,
EOF
cat >"$tmp/windows.json" <<'EOF'
[{"zone": "Europe/Berlin", "start": "2026-03-29 01:59:59.800",
  "end": "2026-03-29 03:00:00.700", "victims": ["10.200.0.1"],
  "attackers": ["10.200.0.2"], "label": "dst-window"},
 {"zone": "Australia/Sydney", "start": "2026-03-29 12:00:00.400",
  "end": "2026-03-29 12:00:01.900", "ips": ["fd00:200::2"],
  "label": "sydney-window"},
 {"zone": "America/New_York", "start": "2026-03-28 21:00:00.500",
  "end": "2026-03-28 21:00:00.650", "ips": ["10.200.0.1"],
  "label": "ny-window"}]
EOF
"$NETCAP" label -r "$tmp/drec" -o "$tmp/dout" --attacks "$tmp/berlin.yml" \
	--attacks "$tmp/sydney.yml" --attacks "$tmp/ny.csv" \
	--tz America/New_York --collect >"$tmp/sum" 2>"$tmp/err" ||
	bad "label --attacks exit $?: $(cat "$tmp/err")"
$PY test/py/label_check.py attacks "$tmp/dout" "$tmp/dframes.tsv" "$tmp/windows.json" ||
	bad "attacks: label_check"
for l in test/data/label/*.yml; do
	[ -f "$l" ] || continue
	"$NETCAP" label -q -r "$tmp/rec" -o "$tmp/ref" --attacks "$l" 2>"$tmp/err" ||
		bad "$l: $(cat "$tmp/err")"
done

# --- 5. capture --attacks: the Result field capture writes equals the
# result column of capture, then label, with the same lists
"$NETCAP" capture -q -r "$tmp/dst.pcap" -o "$tmp/crec" -w 2 \
	--attacks "$tmp/berlin.yml,$tmp/sydney.yml,$tmp/ny.csv" \
	--attacks-tz America/New_York --label-collect >/dev/null 2>"$tmp/err" ||
	bad "capture --attacks exit $?: $(cat "$tmp/err")"
"$NETCAP" label -q -r "$tmp/crec" -o "$tmp/cout" --attacks "$tmp/berlin.yml" \
	--attacks "$tmp/sydney.yml" --attacks "$tmp/ny.csv" \
	--tz America/New_York --collect 2>"$tmp/err" ||
	bad "label of capture --attacks exit $?: $(cat "$tmp/err")"
$PY test/py/label_check.py attacks "$tmp/cout" "$tmp/dframes.tsv" "$tmp/windows.json" ||
	bad "capture --attacks: label_check attacks"
$PY test/py/label_check.py same "$tmp/cout" ||
	bad "capture --attacks: Result differs from label's result"
"$NETCAP" dump --header "$tmp/crec/TCP.ncap.lz4" | grep -qx \
	"LabelSource: $tmp/berlin.yml,$tmp/sydney.yml,$tmp/ny.csv" ||
	bad "capture --attacks: Header.LabelSource"
"$NETCAP" dump "$tmp/crec/TCP.ncap.lz4" | head -1 | grep -q ',Tunnel,Result$' ||
	bad "capture --attacks: dump shows no Result column"
"$NETCAP" dump "$tmp/rec/TCP.ncap.lz4" | head -1 | grep -q ',Tunnel$' ||
	bad "dump shows a Result column in an unlabelled file"

# Netcap's own test.yml (Canada/Atlantic, ips, victims and attackers,
# flagVictimTraffic): four copies of the capture moved to its windows with
# its addresses: across the start of DoS-GoldenEye (ips), across the end
# of Brute Force Web (victim and attacker), inside it between two victims
# (normal), across the start of Infiltration (a victim and a stranger,
# flagged)
rd=test/py/pcap_readdress.py
$PY $rd "$cap" "$tmp/t1.pcap" "2018-02-15 13:25:58.700000" \
	10.200.0.1=18.217.21.148 10.200.0.2=172.31.0.9 &&
	$PY $rd "$cap" "$tmp/t2.pcap" "2018-02-22 15:23:58.600000" \
		10.200.0.1=172.31.69.28 10.200.0.2=18.218.115.60 &&
	$PY $rd "$cap" "$tmp/t3.pcap" "2018-02-22 14:30:00.000000" \
		10.200.0.1=18.218.83.150 10.200.0.2=172.31.69.28 &&
	$PY $rd "$cap" "$tmp/t4.pcap" "2018-03-01 17:59:58.700000" \
		10.200.0.1=172.31.69.13 10.200.0.2=10.9.9.9 &&
	mergecap -F pcap -w "$tmp/t18.pcap" "$tmp"/t[1-4].pcap ||
	bad "test.yml captures"
# shellcheck disable=SC2086
tshark -r "$tmp/t18.pcap" -T fields $fields >"$tmp/t18frames.tsv" 2>/dev/null
tl=test/data/label/test.yml
"$NETCAP" capture -q -r "$tmp/t18.pcap" -o "$tmp/t18rec" -w 1 --attacks "$tl" \
	>/dev/null 2>"$tmp/err" || bad "capture --attacks $tl: $(cat "$tmp/err")"
"$NETCAP" label -q -r "$tmp/t18rec" -o "$tmp/t18out" --attacks "$tl" \
	2>"$tmp/err" || bad "label --attacks $tl: $(cat "$tmp/err")"
cat >"$tmp/t18windows.json" <<'EOF'
[{"zone": "Canada/Atlantic", "start": "2018-02-15 09:26:00.000",
  "end": "2018-02-15 10:09:00.000", "ips": ["18.217.21.148"],
  "label": "denial-of-service"},
 {"zone": "Canada/Atlantic", "start": "2018-02-22 10:17:00.000",
  "end": "2018-02-22 11:24:00.000",
  "victims": ["18.218.83.150", "172.31.69.28"],
  "attackers": ["18.218.115.60"], "label": "bruteforce"},
 {"zone": "Canada/Atlantic", "start": "2018-03-01 14:00:00.000",
  "end": "2018-03-01 15:37:00.000",
  "victims": ["18.216.254.154", "172.31.69.13"],
  "attackers": ["13.58.225.34"], "flag": true, "label": "infiltration"}]
EOF
$PY test/py/label_check.py attacks "$tmp/t18out" "$tmp/t18frames.tsv" "$tmp/t18windows.json" ||
	bad "test.yml: label_check attacks"
$PY test/py/label_check.py same "$tmp/t18out" ||
	bad "test.yml: capture --attacks Result differs from label's result"

# --- tunnels: an alert on the inner conversation of a VXLAN capture
# labels the inner records (Tunnel set), not the outer VXLAN UDP packets
vx=test/data/vxlan_http.pcap
"$NETCAP" capture -q -r "$vx" -o "$tmp/vrec" -w 1 >/dev/null 2>&1 || bad "capture $vx"
set -- $(tshark -r "$vx" -Y tcp -T fields -e frame.time_epoch -e ip.src \
	-e tcp.srcport -e ip.dst -e tcp.dstport 2>/dev/null | tail -1 | tr ',' ' ')
# (the inner addresses are the last of each field)
vt=$1 vsrc=$3 vsp=$4 vdst=$6 vdp=$7
ntcp=$(tshark -r "$vx" -Y tcp 2>/dev/null | wc -l)
printf '{"timestamp":"%s","event_type":"alert","src_ip":"%s","src_port":%s,"dest_ip":"%s","dest_port":%s,"proto":"TCP","alert":{"signature":"x","category":"Tunnelled"}}\n' \
	"$(eve_time "$vt")" "$vsrc" "$vsp" "$vdst" "$vdp" >"$tmp/vx.json"
"$NETCAP" label -q -r "$tmp/vrec" -o "$tmp/vout" --eve "$tmp/vx.json" ||
	bad "label $vx"
[ "$(grep -c ',Tunnelled$' "$tmp/vout/TCP_labeled.csv")" = "$ntcp" ] ||
	bad "vxlan: $(grep -c ',Tunnelled$' "$tmp/vout/TCP_labeled.csv") TCP rows labelled, tshark has $ntcp TCP frames"
grep -q ',Tunnelled$' "$tmp/vout/UDP_labeled.csv" && bad "vxlan: outer UDP labelled"
grep ',Tunnelled$' "$tmp/vout/IPv4_labeled.csv" | grep -q ',,Tunnelled$' &&
	bad "vxlan: an IPv4 record without Tunnel labelled"

# --- 4. bad inputs: name | option | file content | text the line must hold
printf '{"event_type":"alert"}\n{"event_type":\n' >"$tmp/b1.json"
sed 's/+0200/+02/' "$tmp/eve.json" >"$tmp/b2.json"
sed 's|^\(..\)/|13/|' "$tmp/fast.log" >"$tmp/b3.log"
sed 's/    mitre: T0000/    mitre: T0000\n    severity: high/' "$tmp/berlin.yml" >"$tmp/b4.yml"
sed 's|Europe/Berlin|Europe/Atlantis|' "$tmp/berlin.yml" >"$tmp/b5.yml"
sed 's/Sunday-29-03-2026/Sunday-29-3-2026/' "$tmp/berlin.yml" >"$tmp/b6.yml"
sed 's/10.200.0.1$/10.200.0.300/' "$tmp/berlin.yml" >"$tmp/b7.yml"
sed '8s/^[0-9.]*/yesterday/' "$tmp/notice.log" >"$tmp/b9.log"
while IFS='|' read -r opt file want; do
	rm -rf "$tmp/bad"
	"$NETCAP" label -r "$tmp/rec" -o "$tmp/bad" $opt "$tmp/$file" \
		>"$tmp/so" 2>"$tmp/se"
	rc=$?
	[ "$rc" = 1 ] || bad "$file: exit $rc, want 1"
	[ "$(wc -l <"$tmp/se")" = 1 ] || bad "$file: $(wc -l <"$tmp/se") lines on stderr"
	grep -q "$want" "$tmp/se" || bad "$file: '$(cat "$tmp/se")' lacks '$want'"
	[ -z "$(ls -A "$tmp/bad" 2>/dev/null)" ] || bad "$file: left $(ls -A "$tmp/bad")"
	[ -z "$(ls -A "$tmp/rec" | grep labeled)" ] || bad "$file: output in DIR"
done <<EOF
--eve|b1.json|b1.json:1: timestamp: missing
--eve|b2.json|b2.json:1: timestamp '.*+02'
--fast-log|b3.log|b3.log:1: timestamp
--attacks|b4.yml|b4.yml:18: unknown field 'severity'
--attacks|b5.yml|b5.yml:2: location 'Europe/Atlantis': unknown time zone
--attacks|b6.yml|b6.yml:8: date 'Sunday-29-3-2026' does not match dateFormat
--attacks|b7.yml|b7.yml:10: victims: '10.200.0.300' is not an IP address
--notice|b9.log|b9.log:8: ts 'yesterday'
EOF
"$NETCAP" label -r "$tmp/rec" -o "$tmp/bad" --fast-log "$tmp/fast.log" \
	--tz Mars/Olympus 2>"$tmp/se"
[ $? = 2 ] && grep -q "Mars/Olympus" "$tmp/se" || bad "--tz Mars/Olympus: $(cat "$tmp/se")"
# capture --attacks with a bad list or zone: one line, exit 2, no output
for b in "--attacks $tmp/b4.yml|b4.yml:18: unknown field 'severity'" \
	"--attacks $tmp/b7.yml|b7.yml:10: victims" \
	"--attacks $tmp/ny.csv --attacks-tz Mars/Olympus|Mars/Olympus"; do
	rm -rf "$tmp/bad"
	# shellcheck disable=SC2086
	"$NETCAP" capture -r "$cap" -o "$tmp/bad" ${b%%|*} >/dev/null 2>"$tmp/se"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l <"$tmp/se")" = 1 ] &&
		grep -q "${b#*|}" "$tmp/se" && [ ! -e "$tmp/bad" ] ||
		bad "capture ${b%%|*}: exit $rc, $(cat "$tmp/se")"
done
# malformed JSON on line 2 (line 1 valid)
head -1 "$tmp/eve.json" >"$tmp/b8.json"
echo '{"event_type": "alert", ' >>"$tmp/b8.json"
"$NETCAP" label -r "$tmp/rec" -o "$tmp/bad" --eve "$tmp/b8.json" 2>"$tmp/se"
[ $? = 1 ] && grep -q "b8.json:2: malformed JSON" "$tmp/se" || bad "b8: $(cat "$tmp/se")"

[ $fail = 0 ] && echo "label: all passed"
exit $fail
