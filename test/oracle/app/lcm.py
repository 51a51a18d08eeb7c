# SPDX-License-Identifier: BSD-3-Clause
"""Oracle module: LCM records against the datagrams tshark shows.

tshark 4.0 has no LCM dissector (no lcm.* field, none by Decode As), so
the expected values are read here from the UDP payload tshark shows
(udp.payload) by the LCM UDP multicast wire format (lcm-proj/lcm,
lcm/lcm_udpm.c and udpm_util.h), written independently of
decoders/app/lcm.c:

  "LC02" | seq (32) | channel NUL | payload                 short message
  "LC03" | seq (32) | size (32) | offset (32) | frag no. (16) |
          fragments (16) | [fragment 0: channel NUL] | part   fragment

A datagram is LCM when it starts with LC02 or LC03 (any port); one with
LC02/LC03 and a channel without its NUL gets a record with the octets
there were. Every LCM datagram must have one record (same time and
endpoints), every record a datagram.
"""
import struct

PROTOS = ["udp"]
TYPES = ["LCM"]
FIELDS = ["udp.payload"]


def expect(b):
    magic, seq = struct.unpack("!II", b[:8])
    e = {"Magic": magic, "SequenceNumber": seq, "Fragmented": False,
         "PayloadSize": 0, "FragmentOffset": 0, "FragmentNumber": 0,
         "TotalFragments": 0, "ChannelName": ""}
    rest = b[8:]
    if b[:4] == b"LC03":
        if len(rest) < 12:
            return None
        size, off, no, n = struct.unpack("!IIHH", rest[:12])
        e.update(Fragmented=True, PayloadSize=size, FragmentOffset=off,
                 FragmentNumber=no, TotalFragments=n)
        rest = rest[12:]
        if no != 0:
            return e
    name, nul, payload = rest.partition(b"\0")
    e["ChannelName"] = name.decode("ascii", "replace")
    if b[:4] == b"LC02":
        e["PayloadSize"] = len(payload) if nul else 0
    return e


def check(ctx):
    recs = list(ctx.recs.get("LCM", []))
    i = 0
    for fr in ctx.frames:
        pl = fr.get("udp.payload") or []
        if not pl:
            continue
        b = bytes.fromhex(pl[-1].replace(":", ""))
        if len(b) < 8 or b[:4] not in (b"LC02", b"LC03"):
            continue
        e = expect(b)
        if e is None:
            continue
        n = "LCM frame %s " % fr["frame.number"][0]
        r = recs[i] if i < len(recs) else None
        key = (ctx.ts(fr), ctx.src(fr), ctx.dst(fr)) + ctx.ports(fr)
        got = None if r is None else (int(r["Timestamp"]), r["SrcIP"],
                                      r["DstIP"], r["SrcPort"],
                                      r["DstPort"])
        if not ctx.eq(n + "record", key, got):
            continue
        i += 1
        for k, v in e.items():
            ctx.eq(n + k, v, r.get(k))
    ctx.eq("LCM records without a datagram", 0, len(recs) - i)
