#!/bin/sh
# The in-place pcap reader (app/source_pcap.c) against libpcap, which is
# the reference: the same capture read with NETCAP_PCAP_READER=libpcap
# and with the default reader (the file mapped, record headers parsed in
# place, frames lent to the workers without a copy, app/rx.c) must give
# the same records, the same summary counts, the same exit status and the
# same error or warning line. Files made here from test/data captures, so
# that each way a record can be odd is met:
#   little- and big-endian, microsecond and nanosecond files, Linux SLL;
#   a file cut inside a record and inside a record header (libpcap's
#   "truncated" warning); a caplen above the snapshot length but below
#   262144 (libpcap keeps the first snaplen octets); a caplen above 262144
#   (libpcap's error); a caplen of 0; negative time stamps (libpcap reads
#   them as signed 32-bit); version 2.3 (left to libpcap) and a link type
#   not read in place (USB: libpcap rewrites its headers).
# Where the reader takes a file, rx.lent_packets must be the packets before
# the first odd record (frames lent, not copied), and 0 with libpcap.
# The pipeline test (test/run-pipeline.sh) compares the two readers on
# every capture of test/data as well.
#   test/run-pcapread.sh [NETCAP]
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-${NETCAP:-build/netcap}}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "pcapread: FAIL: $*"
	fail=1
}
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# the files: NAME LENT, LENT the packets the in-place reader must lend
# (- where it must leave the whole file to libpcap)
$PY - "$tmp" >"$tmp/list" <<'EOF' || exit 1
import struct, sys
out = sys.argv[1]

def read(path):
    b = open(path, "rb").read()
    magic = b[:4]
    e = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    hdr = b[:24]
    recs, off = [], 24
    while off + 16 <= len(b):
        s, f, cap, ln = struct.unpack(e + "IIII", b[off:off + 16])
        recs.append([s, f, cap, ln, b[off + 16:off + 16 + cap]])
        off += 16 + cap
    return e, hdr, recs

def write(name, e, hdr, recs, tail=b""):
    with open(f"{out}/{name}.pcap", "wb") as fh:
        fh.write(hdr)
        for s, f, cap, ln, d in recs:
            fh.write(struct.pack(e + "IIII", s, f, cap, ln) + d)
        fh.write(tail)

def show(name, lent):
    print(name, lent)

e, hdr, recs = read("test/data/http_get_gzip-response.pcap")
n = len(recs)
write("plain", e, hdr, recs); show("plain", n)
# big-endian copy of the same file
be = struct.pack(">IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0,
                 struct.unpack(e + "I", hdr[16:20])[0],
                 struct.unpack(e + "I", hdr[20:24])[0])
write("bigendian", ">", be, recs); show("bigendian", n)
# nanosecond magic: the fraction read as nanoseconds
ns = struct.pack(e + "I", 0xa1b23c4d) + hdr[4:]
write("nsec", e, ns, [[s, f * 1000 % 1000000000, c, l, d] for s, f, c, l, d in recs])
show("nsec", n)
# cut inside the 5th record's data, and inside the 5th record's header
raw = open(f"{out}/plain.pcap", "rb").read()
off = 24
for r in recs[:4]:
    off += 16 + r[2]
open(f"{out}/cut-data.pcap", "wb").write(raw[:off + 16 + recs[4][2] // 2])
show("cut-data", 4)
open(f"{out}/cut-header.pcap", "wb").write(raw[:off + 7])
show("cut-header", 4)
# snaplen 200: the 3rd record is longer (libpcap keeps 200 octets)
small = hdr[:16] + struct.pack(e + "I", 200) + hdr[20:]
big = [r for r in recs if r[2] > 200][0]
write("over-snaplen", e, small, recs[:2] + [big] + recs[2:4]); show("over-snaplen", 2)
# a caplen above 262144 in the 3rd record header
r3 = list(recs[2]); r3[2] = 300000
write("over-max", e, hdr, recs[:2] + [r3]); show("over-max", 2)
# a record of no octets, then the rest
write("zero-cap", e, hdr, recs[:1] + [[recs[1][0], 0, 0, 60, b""]] + recs[1:])
show("zero-cap", n + 1)
# time stamps before 1970 (0xfffffff0 seconds: -16 as libpcap reads it)
write("negative-ts", e, hdr, [[0xfffffff0 - i, f, c, l, d] for i, (s, f, c, l, d) in enumerate(recs)])
show("negative-ts", n)
# version 2.3: libpcap may swap caplen and len; not read in place
v23 = hdr[:4] + struct.pack(e + "HH", 2, 3) + hdr[8:]
write("version-2.3", e, v23, recs); show("version-2.3", "-")
# Linux SLL, nanoseconds, from test/data as it is
e2, h2, r2 = read("test/data/linux-sll_tcp-handshake_nsec.pcap")
write("sll-nsec", e2, h2, r2); show("sll-nsec", len(r2))
# USB (LINKTYPE 189): libpcap rewrites these headers; left to it
usb = hdr[:20] + struct.pack(e + "I", 189)
write("usb", e, usb, recs[:3]); show("usb", "-")
EOF

n=0
while read -r name lent; do
	n=$((n + 1))
	f=$tmp/$name.pcap
	for rd in libpcap inplace; do
		o=$tmp/$name.$rd
		NETCAP_PCAP_READER=$rd "$NETCAP" capture -q -r "$f" -o "$o" -w 2 \
			>"$o.sum" 2>"$o.err"
		echo $? >"$o.rc"
		for r in "$o"/*.ncap.lz4; do
			[ -e "$r" ] || continue
			"$NETCAP" dump --json "$r" | LC_ALL=C sort >"$o.$(basename "$r" .ncap.lz4).json"
		done
		grep -E '^(packets|bytes|records\.|events\.|input\.truncated) ' "$o.sum" |
			sed 's/  */ /g' >"$o.counts"
		sed "s|$tmp/||g" "$o.err" >"$o.errline"
	done
	a=$tmp/$name.libpcap b=$tmp/$name.inplace
	cmp -s "$a.rc" "$b.rc" || bad "$name: exit $(cat "$a.rc") with libpcap, $(cat "$b.rc") in place"
	cmp -s "$a.errline" "$b.errline" ||
		bad "$name: stderr differs: libpcap '$(cat "$a.errline")', in place '$(cat "$b.errline")'"
	cmp -s "$a.counts" "$b.counts" || bad "$name: summary counts differ: $(diff "$a.counts" "$b.counts" | head -4)"
	for j in "$a".*.json; do
		[ -e "$j" ] || continue
		t=${j#"$a".}
		cmp -s "$j" "$b.$t" || bad "$name: $t records differ: $(diff "$j" "$b.$t" | head -3)"
	done
	[ "$(ls "$a".*.json 2>/dev/null | wc -l)" = "$(ls "$b".*.json 2>/dev/null | wc -l)" ] ||
		bad "$name: record files differ: $(ls "$a".*.json "$b".*.json 2>/dev/null | sed "s|$tmp/||g" | tr '\n' ' ')"
	got=$(val rx.lent_packets "$b.sum")
	want=$lent
	[ "$lent" = - ] && want=0
	[ "${got:-none}" = "$want" ] || bad "$name: in place lent ${got:-none} frames, want $want"
	[ "$(val rx.lent_packets "$a.sum")" = 0 ] || bad "$name: libpcap reader lent frames"
	echo "pcapread: $name: exit $(cat "$b.rc"), $(val packets "$b.sum") packets, lent ${got:-none}, $(wc -l <"$b.errline") stderr line(s), same as libpcap"
done <"$tmp/list"
[ "$n" -ge 12 ] || bad "only $n files made"
[ $fail = 0 ] && echo "pcapread: all passed" || exit 1
