#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the Ethernet frames that ERSPAN (type I/II over GRE over IPv4 over
Ethernet) carries as a capture of their own, timestamps kept.

usage: scripts/erspan-inner.py IN.pcap OUT.pcap

Used to derive test/data/nortel-ndp_stp_vlan.pcap from
erspan-ii_vlan_nortel-ndp_stp.pcap (tcpdump tests/erspan-type-ii-3.pcap):
netcap does not decode GRE/ERSPAN yet, so the Nortel discovery frames are
only reachable in the inner frames. Classic pcap in, classic pcap out
(LINKTYPE_EN10MB, same byte order and timestamp resolution); a frame that
is not Ethernet/IPv4/GRE/ERSPAN is left out and counted on stderr.
"""
import struct
import sys


def inner(frame):
    if len(frame) < 14 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 47:
        return None
    gre = ip[(ip[0] & 15) * 4:]
    if len(gre) < 4:
        return None
    flags, proto = struct.unpack(">HH", gre[:4])
    off = 4 + 4 * (bool(flags & 0x8000) + bool(flags & 0x2000) +
                   bool(flags & 0x1000))  # checksum, key, sequence
    if proto == 0x88BE and flags & 0x1000:
        off += 8  # ERSPAN type II header (type I has no sequence number)
    elif proto != 0x88BE:
        return None
    return gre[off:] if len(gre) > off + 14 else None


def main():
    src, dst = sys.argv[1], sys.argv[2]
    data = open(src, "rb").read()
    magic = data[:4]
    e = {b"\xd4\xc3\xb2\xa1": "<", b"\x4d\x3c\xb2\xa1": "<",
         b"\xa1\xb2\xc3\xd4": ">", b"\xa1\xb2\x3c\x4d": ">"}[magic]
    hdr = bytearray(data[:24])
    struct.pack_into(e + "I", hdr, 20, 1)  # LINKTYPE_EN10MB
    out, pos, kept, left = [bytes(hdr)], 24, 0, 0
    while pos + 16 <= len(data):
        sec, frac, caplen, wirelen = struct.unpack(e + "IIII",
                                                   data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        f = inner(frame)
        if f is None:
            left += 1
            continue
        cut = len(frame) - len(f)
        out.append(struct.pack(e + "IIII", sec, frac, len(f), wirelen - cut))
        out.append(f)
        kept += 1
    open(dst, "wb").write(b"".join(out))
    print(f"{kept} frames kept, {left} left out", file=sys.stderr)


if __name__ == "__main__":
    main()
