#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write test/data/cdp_crafted-tlvs.pcap: one CDP frame (802.3, LLC, SNAP)
with the TLVs no public capture in the corpus has (IPv4 and IPv6
addresses, IP prefixes, VoIP VLAN reply and query, power consumption, MTU,
system name and OID, location, power request, spare pair PoE, an unknown
TLV, EnergyWise), so the tshark cross-check covers CiscoDiscoveryInfo's
fields. test_cdp_tlvs and test_cdp_energywise in test/unit/test_llc.c
hold the same TLVs.

usage: scripts/make-cdp-capture.py [OUT.pcap]
"""
import struct
import sys


def tlv(t, v):
    return struct.pack(">HH", t, len(v) + 4) + v


def energywise():
    """EnergyWise (Wireshark's layout): fixed part, then 4 sub-TLVs."""
    subs = b"".join(struct.pack(">II", t, len(v) + 8) + v for t, v in (
        (7, b"edge"), (8, b"lab"), (9, b"sw1"),
        (0x17, struct.pack(">HH", 0, 43440) + bytes([192, 0, 2, 9]) +
         struct.pack(">H", 0) + bytes(4))))
    return (bytes([0x11]) * 20 + struct.pack(">II", 1, 42) +
            b"WS-C3560".ljust(16, b"\0") + b"\0\0" + b"V01" +
            b"FOC1234X567" + bytes(8) + struct.pack(">HH", len(subs), 4) +
            subs)


def frame():
    ipv6 = bytes.fromhex("20010db8000000000000000000000001")
    addrs = (struct.pack(">I", 2) +
             bytes([1, 1, 0xcc]) + struct.pack(">H", 4) + bytes([192, 0, 2, 1]) +
             bytes([2, 8]) + bytes.fromhex("aaaa0300000086dd") +
             struct.pack(">H", 16) + ipv6)
    body = b"".join([
        tlv(0x0002, addrs),
        tlv(0x0007, bytes([10, 1, 0, 0, 16, 192, 168, 1, 0, 24])),
        tlv(0x000e, bytes([1]) + struct.pack(">H", 110)),
        tlv(0x000f, bytes([1]) + struct.pack(">H", 0)),
        tlv(0x0010, struct.pack(">H", 6300)),
        tlv(0x0011, struct.pack(">I", 1500)),
        tlv(0x0014, b"sw1.example"),
        tlv(0x0015, bytes.fromhex("060a2b060104010903")),
        tlv(0x0017, bytes([0]) + b"Lab 1"),
        tlv(0x0019, struct.pack(">HHII", 7, 1, 15400, 13000)),
        tlv(0x001f, bytes([0x05])),
        tlv(0x00fe, b"\x01\x02"),
        tlv(0x001d, energywise()),
    ])
    cdp = bytes([2, 180, 0, 0]) + body  # version 2, TTL 180, checksum 0
    llc = bytes([0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00]) + cdp
    return (bytes.fromhex("01000ccccccc00000c123456") +
            struct.pack(">H", len(llc)) + llc)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "test/data/cdp_crafted-tlvs.pcap"
    eth = frame()
    hdr = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    rec = struct.pack("<IIII", 1700000000, 0, len(eth), len(eth)) + eth
    with open(out, "wb") as f:
        f.write(hdr + rec)


if __name__ == "__main__":
    main()
