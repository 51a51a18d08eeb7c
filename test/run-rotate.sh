#!/bin/sh
# Output for weeks (docs/ops-output.md): file rotation and the free-disk
# floor of `netcap capture`.
#   (a) --rotate-size 4K on a 60000-packet capture (scripts/mkbench.py, the
#       captures of test/data): every file has a timestamped name
#       <Type>.YYYY-MM-DDTHH-MM-SSZ[-N].ncap.lz4 whose time is its Header
#       Created second and lies within the run, every file reads to the end
#       with `netcap dump`, every file of a type but its last holds at least
#       4096 bytes on disk, the big types have several files, the records
#       per type summed over the files equal those of an unrotated run, the
#       Ethernet records equal the packets capinfos counts, and
#       writer.rotations equals the files; with --writers 3, so that
#       three writer lcores rotate their own types' files.
#   (b) root only: a 3 MiB tmpfs and --min-free-disk 1M: exit 0, one warning
#       line, writer.disk_floor_batches > 0, every file reads, and the
#       records written plus writer.disk_floor_records equal the records of
#       the unrotated run.
#   (c) a live replayed port (net_pcap, infinite_rx), three record types
#       on three writers (--writers 3), and SIGHUP twice: every writer
#       rotates, so each type has at least 3 timestamped files, all valid,
#       none left under the open name.
#   (d) --rotate-interval 1 on a 3.5 s live replay: at least 3 files, each
#       in its own second.
#   test/run-rotate.sh [NETCAP]
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-${NETCAP:-build/netcap}}
PY=/usr/bin/python3
fail=0
bad() {
	echo "rotate: FAIL: $*"
	fail=1
}
tmp=$(mktemp -d /tmp/nc_rotate.XXXXXX)
mnt=
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

cap=build/rotate/in.pcap
mkdir -p build/rotate
if [ ! -e $cap ]; then
	$PY scripts/mkbench.py --packets 60000 $cap.tmp >/dev/null &&
		mv $cap.tmp $cap || exit 1
fi

# check DIR MODE T0 T1: read every record file of DIR with `netcap dump`;
# print "<Type> <records>" per type, then "files <n>" and "small <types with
# more than one file under 4096 bytes>". MODE rotated: every name must be
# timestamped, its time the Header Created second, within [T0, T1] (epoch
# seconds); MODE plain: only <Type>.ncap.lz4. Problems go to stderr, exit 1.
check() {
	$PY - "$NETCAP" "$@" <<'EOF'
import calendar, collections, json, os, re, subprocess, sys, time
netcap, d, mode, t0, t1 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
pat = re.compile(r"^([A-Za-z0-9]+)\.(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)(-[1-9]\d*)?\.ncap\.lz4$")
recs, nfiles, small = collections.Counter(), collections.Counter(), collections.Counter()
ok = True
def err(msg):
    global ok
    ok = False
    print(msg, file=sys.stderr)
for name in sorted(os.listdir(d)):
    p = os.path.join(d, name)
    if mode == "rotated":
        m = pat.match(name)
        if not m:
            err("%s: not a timestamped name" % name)
            continue
        typ = m.group(1)
        sec = calendar.timegm(time.strptime(m.group(2), "%Y-%m-%dT%H-%M-%SZ"))
        if not t0 <= sec <= t1:
            err("%s: time outside the run [%d, %d]" % (name, t0, t1))
        h = subprocess.run([netcap, "dump", "--header", "--json", p],
                           capture_output=True, text=True)
        if h.returncode != 0:
            err("%s: dump --header: %s" % (name, h.stderr.strip()))
            continue
        created = json.loads(h.stdout)["Created"]
        if created // 10**9 != sec:
            err("%s: Header Created %d is another second" % (name, created))
    else:
        if not name.endswith(".ncap.lz4") or name.count(".") != 2:
            err("%s: not <Type>.ncap.lz4" % name)
            continue
        typ = name.split(".")[0]
    # every record decoded, one short column printed (the first field)
    f = subprocess.run([netcap, "dump", "--fields", p], capture_output=True, text=True)
    first = f.stdout.split("\n")[0]
    r = subprocess.run([netcap, "dump", "--csv", "--select", first, p],
                       capture_output=True)
    if f.returncode != 0 or r.returncode != 0 or r.stderr:
        err("%s: dump exit %d: %s" % (name, r.returncode, r.stderr.decode().strip()))
    recs[typ] += r.stdout.count(b"\n") - 1
    nfiles[typ] += 1
    if os.path.getsize(p) < 4096:
        small[typ] += 1
for t in sorted(recs):
    print(t, recs[t])
print("files", sum(nfiles.values()))
print("small", sum(1 for t in small if small[t] > 1))
for t in sorted(nfiles):
    print("nfiles." + t, nfiles[t])
sys.exit(0 if ok else 1)
EOF
}

# summary value of KEY in FILE (empty when absent)
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# the "<Type> <n>" lines of a check report
types() { grep -v -E '^(files|small|nfiles\.)' "$1"; }

# (a) --rotate-size; --no-tunnels so that every packet is one Ethernet
# record (a VXLAN frame of the mix would add its inner Ethernet record)
"$NETCAP" capture -r $cap -o "$tmp/plain" --no-tunnels --quiet >"$tmp/plain.sum" 2>"$tmp/plain.err" ||
	bad "unrotated run failed: $(cat "$tmp/plain.err")"
check "$tmp/plain" plain 0 0 >"$tmp/plain.chk" || bad "unrotated run: files do not read"
t0=$(date +%s)
"$NETCAP" capture -r $cap -o "$tmp/rot" --rotate-size 4K --no-tunnels --writers 3 --quiet \
	>"$tmp/rot.sum" 2>"$tmp/rot.err" || bad "--rotate-size run failed: $(cat "$tmp/rot.err")"
t1=$(date +%s)
check "$tmp/rot" rotated "$t0" "$t1" >"$tmp/rot.chk" || bad "--rotate-size: files above"
types "$tmp/plain.chk" >"$tmp/plain.types"
types "$tmp/rot.chk" >"$tmp/rot.types"
cmp -s "$tmp/plain.types" "$tmp/rot.types" ||
	bad "--rotate-size: records per type differ from the unrotated run: $(diff "$tmp/plain.types" "$tmp/rot.types" | head -5)"
pk=$(capinfos -M -c -T $cap | awk -F'\t' 'NR == 2 { print $2 }')
[ -n "$pk" ] && [ "$(val Ethernet "$tmp/rot.chk")" = "$pk" ] ||
	bad "--rotate-size: $(val Ethernet "$tmp/rot.chk") Ethernet records, capinfos counts $pk packets"
nf=$(val files "$tmp/rot.chk")
[ "$(val writer.rotations "$tmp/rot.sum")" = "$nf" ] ||
	bad "--rotate-size: writer.rotations $(val writer.rotations "$tmp/rot.sum") for $nf files"
[ "$(val small "$tmp/rot.chk")" = 0 ] ||
	bad "--rotate-size: a type has more than one file under 4096 bytes"
for t in Ethernet IPv4 TCP; do
	[ "$(val "nfiles.$t" "$tmp/rot.chk")" -ge 3 ] 2>/dev/null ||
		bad "--rotate-size: $t has $(val "nfiles.$t" "$tmp/rot.chk") files, want several"
done
total=$(awk '{ s += $2 } END { print s }' "$tmp/plain.types")
echo "rotate: (a) --rotate-size 4K: $nf files, $total records as unrotated, Ethernet = $pk packets (capinfos)"

# (b) --min-free-disk on a 3 MiB tmpfs
if [ "$(id -u)" != 0 ]; then
	echo "rotate: (b) SKIPPED: mounting a tmpfs needs root"
elif mkdir "$tmp/small" && mount -t tmpfs -o size=3m nc_rotate "$tmp/small" 2>/dev/null; then
	mnt=$tmp/small
	"$NETCAP" capture -r $cap -o "$mnt/out" --min-free-disk 1M --no-tunnels --quiet \
		>"$tmp/fl.sum" 2>"$tmp/fl.err"
	rc=$?
	[ $rc = 0 ] || bad "--min-free-disk: exit $rc: $(cat "$tmp/fl.err")"
	[ "$(wc -l <"$tmp/fl.err")" = 1 ] && grep -q "below --min-free-disk" "$tmp/fl.err" ||
		bad "--min-free-disk: want one warning line, got: $(cat "$tmp/fl.err")"
	check "$mnt/out" plain 0 0 >"$tmp/fl.chk" || bad "--min-free-disk: files above"
	fb=$(val writer.disk_floor_batches "$tmp/fl.sum")
	fr=$(val writer.disk_floor_records "$tmp/fl.sum")
	[ "${fb:-0}" -gt 0 ] || bad "--min-free-disk: writer.disk_floor_batches ${fb:-absent}"
	wrote=$(types "$tmp/fl.chk" | awk '{ s += $2 } END { print s + 0 }')
	[ $((wrote + ${fr:-0})) = "$total" ] ||
		bad "--min-free-disk: $wrote written + ${fr:-0} dropped != $total records"
	echo "rotate: (b) --min-free-disk 1M on 3 MiB: exit $rc, $wrote records written + $fr dropped ($fb batches) = $total"
	umount "$mnt" && mnt=
else
	echo "rotate: (b) SKIPPED: cannot mount a tmpfs"
fi

# (c) SIGHUP during a live run
live=test/data/sip_udp_sdp.pcap
t0=$(date +%s)
"$NETCAP" capture -i "net_pcap0,rx_pcap=$live,infinite_rx=1" --duration 3 \
	--include Ethernet,IPv4,UDP --writers 3 --workers 1 -o "$tmp/hup" --quiet \
	>"$tmp/hup.sum" 2>"$tmp/hup.err" &
pid=$!
# the handler is in place once the writer has opened its first file
i=0
while [ ! -e "$tmp/hup/Ethernet.ncap.lz4" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.3
kill -HUP $pid
sleep 1.1
kill -HUP $pid
wait $pid
rc=$?
t1=$(date +%s)
[ $rc = 0 ] || bad "SIGHUP: exit $rc: $(cat "$tmp/hup.err")"
check "$tmp/hup" rotated "$t0" "$t1" >"$tmp/hup.chk" || bad "SIGHUP: files above"
for t in Ethernet IPv4 UDP; do
	n=$(val "nfiles.$t" "$tmp/hup.chk")
	[ "${n:-0}" -ge 3 ] || bad "SIGHUP: ${n:-0} $t files, want 3 (2 rotated + the last)"
done
[ "$(val writer.0.types "$tmp/hup.sum")/$(val writer.2.types "$tmp/hup.sum")" = 1/1 ] ||
	bad "SIGHUP: the three types are not on three writers: $(grep types "$tmp/hup.sum")"
n=$(val files "$tmp/hup.chk")
[ "$(val writer.rotations "$tmp/hup.sum")" = "$n" ] ||
	bad "SIGHUP: writer.rotations $(val writer.rotations "$tmp/hup.sum") for $n files"
echo "rotate: (c) SIGHUP x2: $n files: $(ls "$tmp/hup" | tr '\n' ' ')"

# (d) --rotate-interval 1
t0=$(date +%s)
"$NETCAP" capture -i "net_pcap0,rx_pcap=$live,infinite_rx=1" --duration 3.5 \
	--rotate-interval 1 --include Ethernet --workers 1 -o "$tmp/iv" --quiet \
	>"$tmp/iv.sum" 2>"$tmp/iv.err" || bad "--rotate-interval: $(cat "$tmp/iv.err")"
t1=$(date +%s)
check "$tmp/iv" rotated "$t0" "$t1" >"$tmp/iv.chk" || bad "--rotate-interval: files above"
n=$(val nfiles.Ethernet "$tmp/iv.chk")
[ "${n:-0}" -ge 3 ] || bad "--rotate-interval 1: ${n:-0} files in 3.5 s, want 3"
# aligned to whole seconds: one file per second, never a -N suffix
for f in "$tmp"/iv/*Z-[0-9]*; do
	[ -e "$f" ] && bad "--rotate-interval 1: two files in one second: $(basename "$f")"
done
echo "rotate: (d) --rotate-interval 1: $n files: $(ls "$tmp/iv" | tr '\n' ' ')"

[ $fail = 0 ] && echo "rotate: all passed"
exit $fail
