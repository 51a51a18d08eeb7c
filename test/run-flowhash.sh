#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# The dispatch hash against tshark on the tunnel captures of test/data
# (decoders/flow/flowhash.h: the innermost IP pair picks the worker).
# For every frame tshark (IP and IPv6 reassembly off, as the RX lcore
# sees frames) names the innermost IP layer: the last ip/ipv6 layer in
# frame.protocols before any layer netcap does not go through: ICMP
# (its quoted header is not a flow) and GRE's Cisco metadata (cmd,
# 0x8909: gre.unknown_protocol to netcap, so the outer pair is the
# connection). Frames that hash to 0 both ways are of a link type
# netcap does not decode (PPP): left out.
# build/flowhash-bench --dump gives netcap's hash of each frame with
# every tunnel and with none. Per capture:
#   1. frames with the same unordered innermost pair hash alike (both
#      directions and every packet of an inner flow on one worker);
#   2. distinct innermost pairs hash apart (a tunnel's inner flows are
#      spread, not pinned to the outer pair; a collision of two 32-bit
#      values would fail this and is not expected on these few pairs);
#   3. with no tunnels, frames with the same outermost pair hash alike;
#   4. tunnelled frames (innermost pair != outermost) hash differently
#      with and without tunnels.
#   test/run-flowhash.sh [CAPTURE...]   (default: test/data's tunnels)
set -u
cd "$(dirname "$0")/.."
command -v tshark >/dev/null 2>&1 || {
	echo "flowhash: skipped (tshark not installed)"
	exit 0
}
make --no-print-directory -s build/flowhash-bench || exit 1
tmp=$(mktemp -d /tmp/nc-run-flowhash.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
[ $# -gt 0 ] || set -- test/data/vxlan*.pcap test/data/geneve*.pcap \
	test/data/gre_*.pcap test/data/bigendian_pptp*.pcap \
	test/data/erspan*.pcap test/data/gtp*.pcap test/data/ipip*.pcap \
	test/data/6in4*.pcap test/data/4in6*.pcap test/data/6in6*.pcap \
	test/data/teredo*.pcap test/data/*mpls*.pcap
for f in "$@"; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	tshark -n -r "$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-T fields -E occurrence=a -E separator='|' -e frame.number \
		-e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst \
		>"$tmp/t" 2>/dev/null || {
		echo "flowhash: FAIL: tshark on $f"
		fail=1
	}
	build/flowhash-bench --dump "$f" >"$tmp/h"
	/usr/bin/python3 - "$f" "$tmp/t" "$tmp/h" <<'PY' || fail=1
import sys
name, tf, hf = sys.argv[1:]
hashes = {}
for line in open(hf):
    i, a, z = line.split()
    hashes[int(i)] = (a, z)
inner, outer, no_outer = {}, {}, set()
for line in open(tf):
    num, protos, s4, d4, s6, d6 = line.rstrip("\n").split("|")
    layers = []
    mpls_first = False
    for p in protos.split(":"):
        if p in ("icmp", "icmpv6", "cmd"):
            break
        if p == "mpls" and not layers:
            mpls_first = True
        if p in ("ip", "ipv6"):
            layers.append(p)
    fr = int(num)
    if not layers or hashes[fr] == ("00000000", "00000000"):
        continue
    vals = {"ip": list(zip(s4.split(","), d4.split(","))) if s4 else [],
            "ipv6": list(zip(s6.split(","), d6.split(","))) if s6 else []}
    seen = {"ip": 0, "ipv6": 0}
    pairs = []
    for p in layers:
        pairs.append(frozenset(vals[p][seen[p]]))
        seen[p] += 1
    inner[fr], outer[fr] = pairs[-1], pairs[0]
    if mpls_first:  # no IP outside the MPLS tunnel: no outer pair
        no_outer.add(fr)
bad = []
by_inner, by_outer = {}, {}
for fr, pair in inner.items():
    by_inner.setdefault(pair, set()).add(hashes[fr][0])
    if fr not in no_outer:
        by_outer.setdefault(outer[fr], set()).add(hashes[fr][1])
for pair, hs in by_inner.items():
    if len(hs) != 1:
        bad.append("inner pair %s: %d hashes" % (sorted(pair), len(hs)))
owner = {}
for pair, hs in by_inner.items():
    h = next(iter(hs))
    if h in owner and owner[h] != pair:
        bad.append("pairs %s and %s share hash %s"
                   % (sorted(pair), sorted(owner[h]), h))
    owner[h] = pair
for pair, hs in by_outer.items():
    if len(hs) != 1:
        bad.append("outer pair %s: %d hashes" % (sorted(pair), len(hs)))
if len(inner) > len(hashes):
    bad.append("tshark named %d IP frames of %d" % (len(inner), len(hashes)))
tun = [fr for fr in inner if inner[fr] != outer[fr] or fr in no_outer]
for fr in tun:
    if hashes[fr][0] == hashes[fr][1]:
        bad.append("frame %d: tunnelled, same hash as its outer pair" % fr)
for b in bad[:10]:
    print("flowhash: FAIL: %s: %s" % (name, b))
print("flowhash: %s: %d frames, %d tunnelled, %d inner pairs%s"
      % (name, len(inner), len(tun), len(by_inner),
         "" if not bad else ", %d failures" % len(bad)))
sys.exit(1 if bad else 0)
PY
done
[ "$n" -gt 0 ] || {
	echo "flowhash: FAIL: no tunnel captures in test/data"
	fail=1
}
[ "$fail" = 0 ] && echo "flowhash: ok ($n captures)"
exit "$fail"
