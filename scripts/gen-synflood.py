#!/usr/bin/env python3
"""Write a pcap of N SYN-only TCP connections, each from a distinct
source address and port to one server, 1 us apart (Ethernet, IPv4, TCP with
valid checksums). Used by the connection-table flood test.

usage: gen-synflood.py [--count N] OUT.pcap
"""
import argparse
import struct


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000000)
    ap.add_argument("out")
    a = ap.parse_args()
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    dst = bytes([10, 255, 0, 1])
    t0 = 1700000000 * 10**6
    with open(a.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        buf = []
        for i in range(a.count):
            src = bytes([10, (i >> 16) & 0x3F, (i >> 8) & 0xFF, i & 0xFF])
            sport = 1024 + (i % 60000)
            tcp = struct.pack("!HHIIBBHHH", sport, 80, (i * 7919) & 0xFFFFFFFF, 0,
                              5 << 4, 0x02, 64240, 0, 0)
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp),
                             i & 0xFFFF, 0x4000, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
            frame = eth + ip + tcp
            t = t0 + i
            buf.append(struct.pack("<IIII", t // 10**6, t % 10**6,
                                   len(frame), len(frame)) + frame)
            if len(buf) == 65536:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))


if __name__ == "__main__":
    main()
