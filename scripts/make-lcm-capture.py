#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write test/data/lcm_udpm.pcap: LCM datagrams written from the LCM UDP
multicast wire format (lcm-proj/lcm, lcm/lcm_udpm.c and udpm_util.h), since
no public LCM capture was found.

  short message:  "LC02" | sequence (32) | channel NUL | payload
  fragment:       "LC03" | sequence (32) | message size (32) |
                  fragment offset (32) | fragment no. (16) |
                  fragments in message (16) | [fragment 0: channel NUL] |
                  payload part

Frames (Ethernet, IPv4, UDP to 239.255.76.67 port 7667, TTL 1 as LCM's
default ttl=0 would not leave the host; here 1):
  1  gopacket's layers/lcm_test.go shortPacket: LC02, seq 0,
     "LCM_SELF_TEST", payload "lcm self test"
  2  LC02, seq 7, "POSE", an 8-octet type fingerprint and 3 doubles
  3  LC03, seq 8, "CAMERA", message of 40 octets, fragment 0 of 2
     (offset 0, the channel and 20 payload octets)
  4  LC03, seq 8, fragment 1 of 2 (offset 20, 20 payload octets, no
     channel)
  5  LC02 whose channel name has no NUL (cut): lcm.truncated
  6  "LC04" on port 7667 (gopacket's invalidPacket): lcm.bad_magic

usage: scripts/make-lcm-capture.py [OUT]   (default test/data/lcm_udpm.pcap)
"""
import struct
import sys

SRC_MAC = bytes.fromhex("020000000001")
SRC_MAC2 = bytes.fromhex("020000000002")
DST_MAC = bytes.fromhex("01005e7f4c43")  # 239.255.76.67
GROUP = bytes([239, 255, 76, 67])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(smac, sip, sport, payload, ipid):
    udp_len = 8 + len(payload)
    pseudo = sip + GROUP + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, 7667, udp_len, 0) + payload
    uc = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", uc) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ipid, 0x4000,
                     1, 17, 0, sip, GROUP)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return DST_MAC + smac + b"\x08\x00" + ip + udp


def short(seq, chan, payload):
    return b"LC02" + struct.pack("!I", seq) + chan + b"\0" + payload


def frag(seq, size, off, no, n, chan, part):
    h = b"LC03" + struct.pack("!IIIHH", seq, size, off, no, n)
    return h + (chan + b"\0" if chan is not None else b"") + part


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "test/data/lcm_udpm.pcap"
    a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    msg = bytes(range(40))
    pose = bytes.fromhex("6c636d2073656c66") + struct.pack("!ddd", 1.5,
                                                           -2.25, 0.125)
    pkts = [
        frame(SRC_MAC, a, 40001, short(0, b"LCM_SELF_TEST", b"lcm self test"),
              1),
        frame(SRC_MAC2, b, 40002, short(7, b"POSE", pose), 2),
        frame(SRC_MAC, a, 40001, frag(8, 40, 0, 0, 2, b"CAMERA", msg[:20]), 3),
        frame(SRC_MAC, a, 40001, frag(8, 40, 20, 1, 2, None, msg[20:]), 4),
        frame(SRC_MAC2, b, 40002, b"LC02" + struct.pack("!I", 9) + b"NONUL",
              5),
        frame(SRC_MAC2, b, 40002, bytes.fromhex("4c4330340000000000000000"),
              6),
    ]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        t = 1700000000
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", t + i, 1000 * i, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
