#!/usr/bin/env python3
"""Build the benchmark capture: every classic-pcap Ethernet capture under
test/data (real traffic from public test suites), concatenated in name order
and repeated until at least --packets packets, each repetition shifted in
time after the previous one (gaps inside a capture kept, clamped to 1 s). Written as a little-endian nanosecond pcap.

Frames longer than --max-frame (default 1900, what fits one DPDK mbuf, as
net_pcap's infinite_rx replay requires) are left out.

usage: mkbench.py [--packets N] [--max-frame N] OUT.pcap
"""
import argparse
import glob
import os
import struct
import sys

MAGICS = {
    0xA1B2C3D4: ("<", 1000), 0xD4C3B2A1: (">", 1000),
    0xA1B23C4D: ("<", 1), 0x4D3CB2A1: (">", 1),
}


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return None
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in MAGICS:
        return None  # pcapng or not a capture
    end, mult = MAGICS[magic]
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    if linktype != 1:
        return None
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        body = data[off + 16:off + 16 + incl]
        if len(body) < incl:
            break
        out.append((sec * 10**9 + frac * mult, orig, body))
        off += 16 + incl
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packets", type=int, default=300000)
    ap.add_argument("--max-frame", type=int, default=1900)
    ap.add_argument("out")
    a = ap.parse_args()
    root = os.path.join(os.path.dirname(__file__), "..", "test", "data")
    base, used = [], []
    for p in sorted(glob.glob(os.path.join(root, "*.pcap"))):
        pk = packets(p)
        if pk:
            # keep each capture's gaps, clamped to [0, 1 s], so the
            # result is in time order whatever the source timestamps
            t = base[-1][0] + 1000 if base else 0
            prev = pk[0][0]
            for ts, o, b in pk:
                if len(b) > a.max_frame:
                    continue
                t += min(max(ts - prev, 0), 10**9)
                prev = ts
                base.append((t, o, b))
            used.append(os.path.basename(p))
    if not base:
        sys.exit("mkbench: no Ethernet pcap under test/data")
    span = base[-1][0] + 1000
    t_start = 1700000000 * 10**9
    n = 0
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
        rep = 0
        while n < a.packets:
            for ts, orig, body in base:
                t = t_start + rep * span + ts
                f.write(struct.pack("<IIII", t // 10**9, t % 10**9,
                                    len(body), orig))
                f.write(body)
                n += 1
            rep += 1
    print("mkbench: %s: %d packets from %d captures (%s)"
          % (a.out, n, len(used), ", ".join(used)))


if __name__ == "__main__":
    main()
