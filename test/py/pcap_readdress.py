#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Copy a classic pcap with its IPv4 addresses replaced and its times moved,
to put a test capture's traffic where an attack list's windows are.

usage: pcap_readdress.py IN OUT START OLD=NEW [OLD=NEW ...]

START: the first packet's new time, "YYYY-mm-dd HH:MM:SS.ffffff" UTC; every
packet moves by the same amount. Ethernet frames (802.1Q tags skipped) with
IPv4 get the mapped addresses, the IPv4 header checksum and the TCP/UDP
checksum recomputed; other frames are copied as they are.
"""
import datetime
import ipaddress
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def readdress(frame, amap):
    off = 12
    while off + 2 <= len(frame) and frame[off:off + 2] in (b"\x81\x00",
                                                          b"\x88\xa8"):
        off += 4
    if frame[off:off + 2] != b"\x08\x00":
        return frame
    ip = off + 2
    if len(frame) < ip + 20 or frame[ip] >> 4 != 4:
        return frame
    ihl = (frame[ip] & 15) * 4
    f = bytearray(frame)
    for a in (ip + 12, ip + 16):
        new = amap.get(bytes(f[a:a + 4]))
        if new:
            f[a:a + 4] = new
    f[ip + 10:ip + 12] = b"\0\0"
    f[ip + 10:ip + 12] = struct.pack("!H", csum(bytes(f[ip:ip + ihl])))
    total = struct.unpack("!H", f[ip + 2:ip + 4])[0]
    frag = struct.unpack("!H", f[ip + 6:ip + 8])[0] & 0x3FFF
    proto, l4 = f[ip + 9], ip + ihl
    end = min(ip + total, len(f))
    ck = {6: 16, 17: 6}.get(proto)
    if ck is not None and frag == 0 and end - l4 >= ck + 2 and \
            ip + total <= len(f):
        if proto == 17 and f[l4 + 6:l4 + 8] == b"\0\0":
            return bytes(f)  # UDP without a checksum
        f[l4 + ck:l4 + ck + 2] = b"\0\0"
        pseudo = bytes(f[ip + 12:ip + 20]) + struct.pack("!BBH", 0, proto,
                                                          end - l4)
        c = csum(pseudo + bytes(f[l4:end]))
        if proto == 17 and c == 0:
            c = 0xFFFF
        f[l4 + ck:l4 + ck + 2] = struct.pack("!H", c)
    return bytes(f)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    src, dst, start = argv[1], argv[2], argv[3]
    amap = {}
    for m in argv[4:]:
        old, new = m.split("=")
        amap[ipaddress.IPv4Address(old).packed] = \
            ipaddress.IPv4Address(new).packed
    t0 = datetime.datetime.strptime(start, "%Y-%m-%d %H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc)
    new_ns = int(t0.timestamp()) * 10**9 + t0.microsecond * 1000
    data = open(src, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("pcap_readdress.py: %s: not a classic pcap" % src)
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    unit = 1 if nano else 1000
    out = [data[:24]]
    off, shift = 24, None
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ns = sec * 10**9 + frac * unit
        if shift is None:
            shift = new_ns - ns
        ns += shift
        frame = readdress(frame, amap)
        out.append(struct.pack(e + "IIII", ns // 10**9,
                               (ns % 10**9) // unit, len(frame), orig))
        out.append(frame)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main(sys.argv)
