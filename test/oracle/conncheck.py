#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cross-check netcap's Connection and Flow records against Wireshark (tshark).

usage: conncheck.py [-v] [--netcap BIN] [--exceptions FILE] [--max N]
                    [--no-determinism] [--no-streams] [--no-defrag] CAPTURE
       conncheck.py --self-test

The oracle is tshark 4.0 with its default preferences (IP defragmentation
on) plus the communityid post-dissector:

  * `tshark -z conv,tcp -z conv,udp`: the conversation tables;
  * `tshark -T fields` per frame: frame length and time, the layer stack
    (frame.protocols), addresses, ports, TCP flags and stream index, and
    tshark's own Community ID of the frame;
  * `tshark -z follow,tcp,raw,N`: each TCP stream's payload per direction.

The tables print byte counts rounded to kB past 10000, so the exact
per-direction frames and bytes come from the per-frame fields, and the
script first checks that its per-frame sums reproduce tshark's tables
(frames exactly, bytes exactly or within the kB rounding). A disagreement
there is an ERROR of the oracle, not a netcap mismatch. (Rebuilding the
tables needs two tshark rules: a TCP/UDP header is counted only when whole,
and an IPv6 type 0 routing header with segments left puts its last address,
the final destination, in place of the destination; netcap's connections
take the final destination too, ROUTING_FINAL_DST below.)

Which frames are netcap's: netcap tracks the layer that follows the
innermost IP header it decodes (links Ethernet, 802.1Q/ad, Linux SLL/SLL2,
BSD null/loop, raw IP, FDDI, LLC/SNAP, MPLS; IP-in-IP; IPv6 extension
headers). A frame with a layer netcap does not decode before its first IP
header (PPPoE, a PPP link) has no connection in netcap. Tunnels netcap
decodes (VXLAN, Geneve, GRE, ERSPAN, MPLS, IP-in-IP, GTP-U, Teredo): the
connection is the innermost flow, keyed also by its tunnel as netcap's
tenant is (TENANT_PARTS: VXLAN and Geneve by VNI, GRE version 0 and ERSPAN
by ID and unordered outer address pair, GTP-U, Teredo, IP-in-IP and PPTP
by the outer pair, MPLS by type), and the tunnel's outer transport is no
connection; a Connection belongs to the key whose tunnel its Tunnel field
matches (nc_matches), its Tunnel.ID is one of the frames', and its Tenant
is one per tenant chain and one chain per Tenant. Conversations netcap
does not see (the outer transport of a decoded tunnel, a flow behind a
tunnel it does not decode) are reported as "excluded", with -v the
layer that hides each. tshark does not count the packet an ICMP error
quotes, and neither does netcap. Frames where tshark stops inside the IP
headers (malformed) make their address pair "not comparable".

tshark's conversation tables merge by address/port pair over the whole
capture (TCP: per tcp.stream); netcap splits a connection at timeouts and
at 5-tuple reuse. So both sides are summed per key (IP protocol + unordered
pair of endpoints; ICMP: the address pair, every type summed) and compared
per sending endpoint, which maps tshark's A/B columns onto netcap's Src
(originator) and Dst in either orientation:

  frames sent by Src == sum OrigPackets, bytes == sum BytesClientToServer
  frames sent by Dst == sum RespPackets, bytes == sum BytesServerToClient
  (bytes: frame lengths on the wire, frame.len)
  earliest frame == min TimestampFirst, latest == max TimestampLast
  TCP: frames with each flag set == sum NumFINFlags .. NumNSFlags
  every tshark key has a netcap connection and vice versa (count:Connection)

IP fragments (FRAG_MODE below): with defragmentation on (netcap's default)
a reassembled datagram counts in the frame that completes it, and every
fragment tshark reassembled it from (ip.fragment / ipv6.fragment of that
frame, and those it lists as *.fragment.error: conflicting overlaps)
counts too, one packet and its frame length each (issue 17: "count every
fragment's octets"; docs/CONNECTIONS.md "Fragmented datagrams"; tshark's
own tables count the completing frame only); fragments of datagrams never completed count
nowhere. This holds for the outer fragments of a tunnel (GTP-U) too: they
count toward the inner conversation. With --no-defrag (passed on to
capture) every first fragment counts on its own, taken from a second
tshark pass with defragmentation off.

Per connection also:
  * CommunityID == this script's Community ID v1 (seed 0) of the record's
    addresses, ports (ICMP: type/code mapped as the spec says) and protocol,
    and is one of the values tshark's communityid gives the key's frames
    (frames whose stack holds no IP layer above the transport; tshark hashes
    a tunnel's inner flow);
  * NumPackets == OrigPackets + RespPackets, TotalSize == the two byte
    sums, Duration == TimestampLast - TimestampFirst, NetworkProto and
    TransportProto agree with the key;
  * Flow records with its UID: at most 2, summing to NumPackets and
    TotalSize, each equal to its direction's counts.
Determinism: --workers 1, 2 and 4 give the same sorted Connection and Flow
records (differences are listed field by field). Streams (when `capture
--streams` exists): per TCP key and sending endpoint, the concatenated
SDIR/<UID>.orig / .resp (connections in time order) equal the concatenated
tshark follow payload (streams in index order).

Mismatches are listed unless test/oracle/CONN_EXCEPTIONS names them with a
reason. Output: "conncheck CAP: N connections, M fields compared, K
mismatches" plus the first --max mismatches; exit 0 only when K is 0 and
the oracle reproduced itself.
"""
import argparse
import base64
import collections
import fnmatch
import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# How netcap accounts IP fragments (--frag-mode):
#   "datagram": defragmentation on (decoders/ipv4.c, ipv6.c with
#               d->defrag): the frame that completes a datagram decodes the
#               reassembled transport; it and every fragment of the
#               datagram count, one packet and one frame length each (times
#               and TCP flags: the completing frame's). Fragments of
#               datagrams never completed count nowhere. (tshark's
#               conversation tables count the completing frame only.)
#   "first":    defragmentation off: a first fragment carries the transport
#               header and counts on its own; later fragments count nowhere.
FRAG_MODE = "datagram"
# An IPv6 type 0 routing header with segments left: the connection's
# destination is the last address it lists (the final destination), as in
# Zeek's conn.log and tshark's conversation tables, and as decoders/ipv6.c
# documents for connection tracking. (tshark's ipv6.dst and its communityid
# keep the header's destination.)
ROUTING_FINAL_DST = True
# extra `netcap capture` options (--no-defrag)
CAPTURE_ARGS = []

# ---------------------------------------------------------------------------
# Community ID v1 (https://github.com/corelight/community-id-spec)
# ---------------------------------------------------------------------------

# ICMP types with a counterpart: (type) -> counterpart type. A message of
# such a type hashes (type, counterpart) as its ports and is ordered like
# TCP/UDP; any other message hashes (type, code), in the sender's order.
ICMP4_PAIRS = {8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 10: 9, 9: 10,
               17: 18, 18: 17}
ICMP6_PAIRS = {128: 129, 129: 128, 133: 134, 134: 133, 135: 136, 136: 135,
               130: 131, 131: 130, 139: 140, 140: 139, 144: 145, 145: 144}
PORT_PROTOS = (6, 17, 132)  # TCP, UDP, SCTP


def community_id(proto, saddr, daddr, sport=None, dport=None, seed=0):
    """Community ID v1 string. saddr/daddr: ipaddress objects; for ICMP
    (1, 58) sport/dport are the message type and code."""
    one_way = False
    if proto in (1, 58):
        pairs = ICMP4_PAIRS if proto == 1 else ICMP6_PAIRS
        if sport in pairs:
            dport = pairs[sport]
        else:
            one_way = True
    s, d = saddr.packed, daddr.packed
    has_ports = proto in PORT_PROTOS or proto in (1, 58)
    if not has_ports:
        sport = dport = 0
    if not one_way and (d, dport) < (s, sport):
        s, d, sport, dport = d, s, dport, sport
    data = seed.to_bytes(2, "big") + s + d + bytes([proto, 0])
    if has_ports:
        data += sport.to_bytes(2, "big") + dport.to_bytes(2, "big")
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


# Published test vectors: (proto, saddr, daddr, sport, dport, expected).
# For ICMP the ports are the packet's type and code. From the spec's
# baseline (baseline/baseline_deflt.json) and Zeek's community-id tests.
CID_VECTORS = [
    (6, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM="),
    (17, "1.2.3.4", "5.6.7.8", 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="),
    (6, "128.232.110.120", "66.35.250.204", 34855, 80,
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg="),
    (6, "66.35.250.204", "128.232.110.120", 80, 34855,
     "1:LQU9qZlK+B5F3KDmev6m5PMibrg="),
    (17, "192.168.1.52", "8.8.8.8", 54585, 53,
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ="),
    (17, "8.8.8.8", "192.168.1.52", 53, 54585,
     "1:d/FP5EW3wiY1vCndhwleRRKHowQ="),
    (6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a",
     63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="),
    (6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887",
     25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="),
    (132, "192.168.170.8", "192.168.170.56", 7, 7,
     "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
    (132, "192.168.170.56", "192.168.170.8", 7, 7,
     "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="),
    (46, "10.1.12.1", "10.1.12.2", None, None,
     "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="),
    (46, "10.1.12.2", "10.1.12.1", None, None,
     "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="),
    # ICMPv4: echo request / reply (two-way), time exceeded (one-way)
    (1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
    (1, "192.168.0.1", "192.168.0.89", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="),
    (1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM="),
    # ICMPv6: NS/NA, unreachable, param problem, echo, RS, RA
    (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="),
    (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
     "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="),
    (58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 0,
     "1:zavyT/cezQr1fmImYCwYnMXbgck="),
    (58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 0,
     "1:zavyT/cezQr1fmImYCwYnMXbgck="),
    (58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
     "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="),
    (58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da",
     1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0="),
    (58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:4819::42", 1, 4,
     "1:jwuBy9UWZK1KUFqJV5cHdVpfrlY="),
    (58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
    (58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 0,
     "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="),
    (58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 0,
     "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="),
    (58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 0,
     "1:pkvHqCL88/tg1k4cPigmZXUtL00="),
]


def self_test():
    bad = 0
    for proto, s, d, sp, dp, want in CID_VECTORS:
        got = community_id(proto, ipaddress.ip_address(s),
                           ipaddress.ip_address(d), sp, dp)
        if got != want:
            bad += 1
            print("community_id(%d, %s, %s, %s, %s) = %s, want %s" %
                  (proto, s, d, sp, dp, got, want))
    # conversation-table line parsing
    row = parse_conv_line("2001:db8::1:51851 <-> 2607:f740:b::f93:53"
                          "              1 436 bytes       2 272 bytes"
                          "       3 708 bytes    15.153801000         5.0840")
    if row is None or row["a"] != (ipaddress.ip_address("2001:db8::1"),
                                   51851) or row["ba"] != (1, 436, True) \
            or row["ab"] != (2, 272, True):
        bad += 1
        print("parse_conv_line: %r" % (row,))
    row = parse_conv_line("192.168.3.131:55954        <-> 65.55.17.37:80"
                          "                  19 25 kB          13 2551 bytes"
                          "      32 28 kB         0.000000000         1.7767")
    if row is None or row["ba"] != (19, 25000, False):
        bad += 1
        print("parse_conv_line (kB): %r" % (row,))
    print("conncheck self-test: %d Community ID vectors, %s" %
          (len(CID_VECTORS), "FAILED" if bad else "ok"))
    return bad == 0


# ---------------------------------------------------------------------------
# tshark side
# ---------------------------------------------------------------------------

def tshark(args, check_head=None):
    p = subprocess.run(["tshark", "-n"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True,
                       errors="replace")
    # tshark exits 2 on a capture cut short but prints what it read.
    if p.returncode not in (0, 2) and not p.stdout:
        raise RuntimeError("tshark %s failed (rc %d): %s" %
                           (" ".join(args[:3]), p.returncode,
                            p.stderr.strip()))
    return p.stdout


UNITS = {"bytes": 1, "kB": 1000, "MB": 1000 ** 2, "GB": 1000 ** 3,
         "KiB": 1024, "MiB": 1024 ** 2, "GiB": 1024 ** 3, "B": 1}

CONV_RE = re.compile(
    r"^(\S+)\s+<->\s+(\S+)\s+"
    r"(\d+)\s+([\d.,]+)\s*([A-Za-z]+)\s+"
    r"(\d+)\s+([\d.,]+)\s*([A-Za-z]+)\s+"
    r"(\d+)\s+([\d.,]+)\s*([A-Za-z]+)\s+"
    r"(-?[\d.]+)\s+(-?[\d.]+)\s*$")


def endpoint(s):
    """'1.2.3.4:80' or '2001:db8::1:80' -> (ip_address, port)."""
    a, _, p = s.rpartition(":")
    a = a.strip("[]")
    return (ipaddress.ip_address(a), int(p))


def size_val(num, unit):
    """(bytes, exact?) from a conversation-table size."""
    num = num.replace(",", "")
    mult = UNITS.get(unit)
    if mult is None:
        raise ValueError("unknown size unit %r" % unit)
    return int(float(num) * mult), mult == 1


def parse_conv_line(line):
    m = CONV_RE.match(line.strip())
    if not m:
        return None
    g = m.groups()
    # Column "<-" is B -> A, "->" is A -> B (tshark 4.0).
    b1, e1 = size_val(g[3], g[4])
    b2, e2 = size_val(g[6], g[7])
    return {"a": endpoint(g[0]), "b": endpoint(g[1]),
            "ba": (int(g[2]), b1, e1), "ab": (int(g[5]), b2, e2)}


def tshark_conv(cap):
    """{(proto, frozenset(ep_a, ep_b)): {ep: [frames, bytes, exact]}}"""
    out = tshark(["-q", "-r", cap, "-z", "conv,tcp", "-z", "conv,udp"])
    convs = {}
    proto = None
    for line in out.splitlines():
        if line.startswith("TCP Conversations"):
            proto = 6
        elif line.startswith("UDP Conversations"):
            proto = 17
        elif "<->" in line and proto:
            r = parse_conv_line(line)
            if r is None:
                raise RuntimeError("unparsable conversation line: %r" % line)
            key = (proto, frozenset((r["a"], r["b"])), None)
            ent = convs.setdefault(key, {})
            for ep, (fr, by, ex) in ((r["b"], r["ba"]), (r["a"], r["ab"])):
                e = ent.setdefault(ep, [0, 0, True])
                e[0] += fr
                e[1] += by
                e[2] = e[2] and ex
    return convs


FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "frame.protocols",
    "ip.src", "ip.dst", "ip.proto", "ip.flags.mf",
    "ip.frag_offset",
    "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "ipv6.hopopts.nxt", "ipv6.routing.nxt", "ipv6.dstopts.nxt",
    "ipv6.fraghdr.nxt",
    "ipv6.routing.type", "ipv6.routing.segleft", "ipv6.routing.src.addr",
    "tcp.srcport", "tcp.dstport", "tcp.stream", "tcp.flags",
    "udp.srcport", "udp.dstport", "udp.length",
    "sctp.srcport", "sctp.dstport", "sctp.verification_tag",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    "communityid",
]
# -- IPSecAH: netcap decodes what AH protects (decoders/net/ipsec.c) --
FIELDS += ["ah.next_header"]
# -- Tunnels: the tunnel identifiers of the tenant (tunnel_part), and the
# fragments a reassembled datagram was made of --
FIELDS += ["vxlan.flags", "vxlan.vni", "geneve.vni", "gre.flags_and_version",
           "gre.key", "gre.key.call_id", "erspan.spanid", "gtp.teid",
           "ip.fragment", "ipv6.fragment",
           # fragments overlapping other data in conflict, or a second
           # last fragment: also frames of the datagram that netcap counts
           "ip.fragment.error", "ipv6.fragment.error"]


def tshark_frames(cap, defrag=True):
    cmd = ["-r", cap, "--enable-protocol", "communityid",
           "-T", "fields", "-E", "header=y", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=,", "-E", "quote=n"]
    if not defrag:
        cmd += ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"]
    for f in FIELDS:
        cmd += ["-e", f]
    lines = tshark(cmd).split("\n")
    if not lines or lines[0].split("\t")[0] != "frame.number":
        raise RuntimeError("tshark -T fields gave no header")
    head = lines[0].split("\t")
    frames = []
    for line in lines[1:]:
        if not line:
            continue
        cols = line.split("\t")
        cols += [""] * (len(head) - len(cols))
        frames.append({k: (v.split(",") if v != "" else [])
                       for k, v in zip(head, cols)})
    return frames


def epoch_ns(s):
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    sec, _, frac = s.partition(".")
    frac = frac if len(frac) >= 9 else (frac + "000000000")[:9]
    ns = int(sec) * 1_000_000_000 + int(frac)
    return -ns if neg else ns


def tint(s):
    s = s.strip()
    return int(s, 16) if s.lower().startswith("0x") else int(s)


# Layers netcap decodes below the first IP header (no record of their own
# counts here) and IPv6 extension headers it walks.
LINK_OK = {"frame", "eth", "ethertype", "vlan", "ieee8021ad", "sll", "null",
           "raw",
           # -- MPLS: netcap decodes the payload after the label stack
           # (decoders/tunnel/mpls.c) --
           "mpls", "pwethcw", "pwethheuristic", "pwethnocw"}
# -- Dot11 (802.11, radiotap): the 802.11 header (LLC/SNAP below)
LINK_OK |= {"radiotap", "wlan_radio", "wlan"}
# LLC, SNAP, ...: 802.3/LLC/SNAP (tshark's llc layer) and FDDI carry IP too
LINK_OK |= {"llc", "fddi"}
IP_LAYERS = {"ip": "ip", "ipv6": "ipv6"}
IPV6_EXT = {"ipv6.hopopts", "ipv6.routing", "ipv6.dstopts", "ipv6.fraghdr"}
TRANSPORT = {"tcp": 6, "udp": 17, "sctp": 132, "icmp": 1, "icmpv6": 58}
# -- Tunnels (decoders/tunnel/, net/ipip.c): netcap decodes the payload
# of these like an outer frame; the connection is the innermost one, keyed
# also by its tenant, and the outer transport (VXLAN's UDP, GRE's protocol
# 47) is no connection. A tunnel header is decoded when the layer after it
# is one netcap decodes there: --
TUNNEL_TYPE = {"vxlan": "VXLAN", "geneve": "Geneve", "gre": "GRE",
               "erspan": "ERSPAN", "gtp": "GTP-U", "teredo": "Teredo"}
UDP_TUNNELS = {"vxlan", "geneve", "gtp", "teredo"}
# After GRE (gre.c gre_payload): TEB Ethernet, ERSPAN (which enters the
# tunnel instead of GRE), PPTP's PPP carrying IPv4 or IPv6, the EtherTypes
# of ethertypes.def.
# Anything else (Cisco metadata "cmd", CDP, a keepalive's empty payload)
# leaves GRE undecoded: the protocol 47 connection of before.
GRE_DECODED = {"eth", "erspan", "ppp", "ip", "ipv6", "arp", "vlan",
               "ieee8021ad", "lldp", "loop", "eapol", "mpls"}
TUNNEL_NEXT = {"vxlan": {"eth"},
               "geneve": GRE_DECODED - {"erspan", "ppp"},
               "erspan": {"eth", "ip", "ipv6"},
               "gtp": {"ip", "ipv6"}, "teredo": {"ipv6"}}
# Tenant (decode.h enum nc_tun_key, docs/RECORDS.md "Tunnels"): what keys
# each tunnel besides its type. "id": the ID (VNI, GRE v0 key, ERSPAN
# session) when the header has one; "pair": the unordered outer address
# pair. GRE version 1 (PPTP) is keyed by the pair only, MPLS by its type.
TENANT_PARTS = {"VXLAN": ("id",), "Geneve": ("id",), "GRE": ("id", "pair"),
                "GRE1": ("pair",), "ERSPAN": ("id", "pair"),
                "GTP-U": ("pair",), "Teredo": ("pair",),
                "IPinIP": ("pair",), "MPLS": ()}


def idx(frame, field, occ):
    v = frame.get(field, [])
    return v[occ] if occ < len(v) else None


class Unit:
    """What netcap should account for one frame (or one datagram)."""
    __slots__ = ("proto", "src", "dst", "frames", "nbytes", "tfirst",
                 "tlast", "flags", "cid", "stream", "fno", "ts", "flen")


def ip_of(frame, name, occ, final_dst=False):
    """(src, dst) of IP layer occurrence occ. final_dst: with an IPv6 type 0
    routing header with segments left, the last address it lists (what
    tshark's conversation tables use; tshark's ipv6.dst and communityid,
    like netcap's records, keep the header's destination)."""
    f = "ip" if name == "ip" else "ipv6"
    s, d = idx(frame, f + ".src", occ), idx(frame, f + ".dst", occ)
    if s is None or d is None:
        return None
    if final_dst and name == "ipv6" and frame.get("ipv6.routing.type") == \
            ["0"] and frame.get("ipv6.routing.segleft", ["0"]) != ["0"] and \
            frame.get("ipv6.routing.src.addr") and \
            len(frame.get("ipv6.src", [])) == 1:
        d = frame["ipv6.routing.src.addr"][-1]
    return ipaddress.ip_address(s), ipaddress.ip_address(d)


def header_complete(frame, name, occ):
    """tshark counts a TCP/UDP/SCTP header in its tables only when it is
    whole: tcp.flags / udp.length / sctp.verification_tag come after the
    ports."""
    last = {"tcp": "tcp.flags", "udp": "udp.length",
            "sctp": "sctp.verification_tag"}[name]
    return idx(frame, last, occ) is not None


def last_ipv6_next(frame):
    """IPv6 next header after the extension headers (single IPv6 layer)."""
    nxt = None
    for f in ("ipv6.nxt", "ipv6.hopopts.nxt", "ipv6.routing.nxt",
              "ipv6.dstopts.nxt", "ipv6.fraghdr.nxt"):
        v = frame.get(f, [])
        if len(v) > 1:
            return None
        if v:
            nxt = tint(v[0])
    return nxt


def tunnel_id(frame, name, o):
    """(HasID, ID, GRE version 1?) of tunnel layer name occurrence o, None
    when tshark's fields cannot be lined up with it."""
    if name == "vxlan":
        fl, vni = idx(frame, "vxlan.flags", o), idx(frame, "vxlan.vni", o)
        if fl is None or vni is None:
            return None
        has = bool(tint(fl) & 0x0800)
        return has, tint(vni) if has else 0, False
    if name == "geneve":
        vni = idx(frame, "geneve.vni", o)
        return None if vni is None else (True, tint(vni), False)
    if name == "gre":
        fl = idx(frame, "gre.flags_and_version", o)
        if fl is None:
            return None
        fl = tint(fl)
        v1 = fl & 7 == 1
        if not fl & 0x2000:
            return False, 0, v1
        f = "gre.key.call_id" if v1 else "gre.key"
        if len(frame.get("gre.flags_and_version", [])) != 1 or \
                len(frame.get(f, [])) != 1:
            return None
        return True, tint(frame[f][0]), v1
    if name == "erspan":
        if len(frame.get("erspan.spanid", [])) > 1:
            return None
        sid = frame.get("erspan.spanid", [])
        return (True, tint(sid[0]), False) if sid else (False, 0, False)
    if name == "gtp":
        teid = idx(frame, "gtp.teid", o)
        return None if teid is None else (True, tint(teid), False)
    return False, 0, False  # MPLS, IP-in-IP, Teredo


def tunnel_part(frame, typ, name, o, outer):
    """One tunnel of a frame: (label, ID, outer) where label is what the
    tenant is keyed by, (type, ID?, outer pair?), ID the header's ID (None
    without one) and outer the sorted outer address pair (None without
    one); None when not comparable."""
    t = tunnel_id(frame, name, o)
    if t is None:
        return None
    has, ident, v1 = t
    parts = TENANT_PARTS["GRE1" if v1 else typ]
    label = (typ,)
    if "id" in parts and has:
        label += (ident,)
    pair = ip_sorted(outer) if outer is not None else None
    if "pair" in parts:
        if pair is None:
            return None
        label += (pair,)
    return label, (ident if has else None), pair


def plan(frame):
    """netcap's view of a frame: ('conn', proto, src, dst, sport, dport,
    transport-occurrence, tunnels) | ('none', reason) | ('unknown',
    reason, ips) | ('fragment',). tunnels: per tunnel netcap entered, from
    the outermost, tunnel_part's (label, ID); () outside tunnels."""
    stack = frame["frame.protocols"]
    stack = stack[0].split(":") if stack else []
    occ = collections.Counter()
    last_ip = None
    prev = None
    tuns = []
    skip = set()

    def enter(typ, name, o):
        """netcap enters a tunnel: the connection is the inner one."""
        outer = ip_of(frame, *last_ip) if last_ip else None
        part = tunnel_part(frame, typ, name, o, outer)
        tuns.append(part)

    for i, name in enumerate(stack):
        o = occ[name]
        occ[name] += 1
        nxt = stack[i + 1] if i + 1 < len(stack) else None
        nxt2 = stack[i + 2] if i + 2 < len(stack) else None
        if i in skip:
            prev = name
            continue
        if name in IP_LAYERS:
            # -- IP-in-IP: an IP header right after an IP header --
            if last_ip is not None and prev in (set(IP_LAYERS) | IPV6_EXT |
                                                {"ah"}):
                enter("IPinIP", name, o)
            last_ip = (name, o)
            prev = name
            continue
        if last_ip is None:
            if name in LINK_OK:
                # -- MPLS: a tunnel when its payload is decoded --
                if name == "mpls" and nxt in ("ip", "ipv6", "pwethcw",
                                              "pwethheuristic",
                                              "pwethnocw", "eth"):
                    enter("MPLS", name, o)
                prev = name
                continue
            return ("none", name)
        if name in IPV6_EXT:
            prev = name
            continue
        # -- IPSecAH: the connection is the protected protocol's --
        if name == "ah":
            prev = name
            continue
        # -- Tunnels behind UDP and GRE --
        if name == "udp" and nxt in UDP_TUNNELS and \
                nxt2 in TUNNEL_NEXT[nxt] and header_complete(frame, name, o):
            enter(TUNNEL_TYPE[nxt], nxt, occ[nxt])
            skip.add(i + 1)
            last_ip = None
            prev = name
            continue
        # PPP that is not IP (LCP, IPCP...) is not entered (gre.c gre_ppp)
        if name == "gre" and nxt in GRE_DECODED and \
                not (nxt == "ppp" and nxt2 not in ("ip", "ipv6")):
            if nxt == "erspan":
                if nxt2 not in TUNNEL_NEXT["erspan"]:
                    return ("none", "erspan payload %s" % nxt2)
                enter("ERSPAN", "erspan", occ["erspan"])
            else:
                enter("GRE", name, o)
            if nxt in ("erspan", "ppp"):
                skip.add(i + 1)  # no layer of netcap's own
            last_ip = None
            prev = name
            continue
        ips = ip_of(frame, *last_ip, final_dst=ROUTING_FINAL_DST)
        if ips is None:
            return ("unknown", "no addresses", None)
        if any(t is None for t in tuns):
            return ("unknown", "tunnel identifier not comparable", ips)
        tk = tuple(tuns)
        if name in TRANSPORT:
            proto = TRANSPORT[name]
            if proto in PORT_PROTOS:
                p = {6: "tcp", 17: "udp", 132: "sctp"}[proto]
                if not header_complete(frame, p, o):
                    return ("none", "truncated %s header" % p)
                sp = idx(frame, p + ".srcport", o)
                dp = idx(frame, p + ".dstport", o)
                if sp is None or dp is None:
                    return ("unknown", "no ports", ips)
                return ("conn", proto, ips[0], ips[1], int(sp), int(dp), o,
                        tk)
            p = "icmp" if proto == 1 else "icmpv6"
            t, c = idx(frame, p + ".type", o), idx(frame, p + ".code", o)
            return ("conn", proto, ips[0], ips[1],
                    int(t) if t is not None else None,
                    int(c) if c is not None else None, o, tk)
        # another IP protocol (or data: a fragment, or no dissector)
        if name == "data" and is_fragment(frame):
            return ("fragment",)
        if last_ip[0] == "ip":
            pr = idx(frame, "ip.proto", last_ip[1])
            proto = int(pr) if pr is not None else None
        else:
            proto = last_ipv6_next(frame) if occ["ipv6"] == 1 else None
        # -- IPSecAH: the protocol is AH's Next Header --
        if occ["ah"] and frame.get("ah.next_header"):
            proto = tint(frame["ah.next_header"][-1])
        if proto is None:
            return ("unknown", "protocol of %s" % name, ips)
        return ("conn", proto, ips[0], ips[1], 0, 0, 0, tk)
    if last_ip is not None:
        # tshark stopped inside the IP headers (malformed, or No Next
        # Header): whether netcap saw a transport is not known from here
        if is_fragment(frame):
            return ("fragment",)
        return ("unknown", "stack ends at an IP header",
                ip_of(frame, *last_ip))
    return ("none", stack[-1] if stack else "empty")


def is_fragment(frame):
    if any(x in ("1", "True") for x in frame.get("ip.flags.mf", [])):
        return True
    if any(x not in ("0", "") for x in frame.get("ip.frag_offset", [])):
        return True
    return "ipv6.fraghdr" in (frame["frame.protocols"] or [""])[0].split(":")


def conv_key(proto, a, ap, b, bp, label=None):
    """(IP protocol, unordered endpoints, tunnel label): label None outside
    tunnels, else tunnel_label's."""
    if proto in (1, 58):
        return (proto, frozenset(((a, 0), (b, 0))), label)
    return (proto, frozenset(((a, ap), (b, bp))), label)


def ip_sorted(pair):
    return tuple(sorted(pair, key=lambda a: (a.version, a.packed)))


def tunnel_label(tk):
    """The innermost tunnel of a frame's chain tk (plan) as a key shows
    it: (depth, type, ID or None, outer pair or None), what of it the
    tenant is keyed by (TENANT_PARTS); None outside tunnels."""
    if not tk:
        return None
    lab = tk[-1][0]
    idv = pair = None
    for x in lab[1:]:
        if isinstance(x, tuple):
            pair = x
        else:
            idv = x
    return (len(tk), lab[0], idv, pair)


def nc_label(c):
    """A Connection's own tunnel label from its Tunnel field (ID and
    outer pair both in): how an unmatched connection is shown."""
    t = c.get("Tunnel")
    if not t:
        return None
    pair = (jip(t.get("OuterSrcIP")), jip(t.get("OuterDstIP")))
    return (jint(t.get("Depth")), t.get("Type"),
            jint(t.get("ID")) if t.get("HasID") else None,
            ip_sorted(pair) if pair[0] and pair[1] else None)


def nc_matches(c, label):
    """Is Connection c (its Tunnel field) of the tunnel label names?"""
    t = c.get("Tunnel")
    if label is None:
        return not t
    if not t:
        return False
    d, typ, idv, pair = label
    if jint(t.get("Depth")) != d or t.get("Type") != typ:
        return False
    if idv is not None and (not t.get("HasID") or jint(t.get("ID")) != idv):
        return False
    if pair is not None:
        got = (jip(t.get("OuterSrcIP")), jip(t.get("OuterDstIP")))
        if None in got or ip_sorted(got) != pair:
            return False
    return True


def pair_str(pair):
    return "%s-%s" % pair if pair else "none"


def label_str(label):
    if label is None:
        return ""
    d, typ, idv, pair = label
    s = "@%s" % typ
    if idv is not None:
        s += ":%d" % idv
    if pair is not None:
        s += ":%s-%s" % pair
    if d > 1:
        s += "(depth %d)" % d
    return s


def key_str(key):
    proto, eps, label = key
    name = {6: "tcp", 17: "udp", 132: "sctp", 1: "icmp",
            58: "icmpv6"}.get(proto, str(proto))
    eps = sorted(eps, key=lambda e: (e[0].version, e[0].packed, e[1]))
    if proto in PORT_PROTOS:
        return "%s/%s%s" % (name, "-".join("%s#%d" % e for e in eps),
                            label_str(label))
    return "%s/%s%s" % (name, "-".join(str(e[0]) for e in eps),
                        label_str(label))


class Expect:
    """Per key: what tshark says netcap's connections must add up to."""

    def __init__(self):
        self.sent = collections.defaultdict(lambda: [0, 0])  # ep -> [fr, by]
        self.tfirst = None
        self.tlast = None
        self.flags = collections.Counter()
        self.cids = set()
        self.streams = set()
        self.frames = []
        self.version = None
        # -- Tunnels: the tenant chains (every tunnel's label, outermost
        # first) and the innermost tunnel's IDs of the key's frames --
        self.chains = set()
        self.ids = set()
        self.outers = set()


FLAG_BITS = [("NumFINFlags", 0x01), ("NumSYNFlags", 0x02),
             ("NumRSTFlags", 0x04), ("NumPSHFlags", 0x08),
             ("NumACKFlags", 0x10), ("NumURGFlags", 0x20),
             ("NumECEFlags", 0x40), ("NumCWRFlags", 0x80),
             ("NumNSFlags", 0x100)]


def tshark_taps(frames):
    """What tshark's conversation tables count, rebuilt from the per-frame
    fields: {key: {sending endpoint: [frames, bytes]}}, and for the keys
    that are not netcap's the layer that hides them: {key: {reason}}."""
    taps = {}
    excluded = collections.defaultdict(set)
    for f in frames:
        flen = int(f["frame.len"][0])
        stack = f["frame.protocols"][0].split(":") if f["frame.protocols"] \
            else []
        occ = collections.Counter()
        last_ip = None
        tap_keys = []
        for name in stack:
            o = occ[name]
            occ[name] += 1
            if name in ("icmp", "icmpv6"):
                break  # tshark does not count a packet an ICMP error quotes
            if name in IP_LAYERS:
                last_ip = (name, o)
            elif name in ("tcp", "udp") and last_ip is not None and \
                    header_complete(f, name, o):
                ips = ip_of(f, *last_ip, final_dst=True)
                sp = idx(f, name + ".srcport", o)
                dp = idx(f, name + ".dstport", o)
                if ips and sp is not None and dp is not None:
                    k = conv_key(TRANSPORT[name], ips[0], int(sp), ips[1],
                                 int(dp))
                    e = taps.setdefault(k, {}).setdefault(
                        (ips[0], int(sp)), [0, 0])
                    e[0] += 1
                    e[1] += flen
                    tap_keys.append(k)
        pl = plan(f)
        if pl[0] == "none":
            for k in tap_keys:
                excluded[k].add(pl[1])
        elif pl[0] == "conn":
            # -- Tunnels: netcap's is the innermost transport it decodes
            # (a decoded tunnel's outer transport is no connection) --
            mine = conv_key(*pl[1:6])[:2]
            for k in tap_keys:
                if k[:2] != mine:
                    excluded[k].add("a tunnel")
        else:
            for k in tap_keys[1:]:
                excluded[k].add("a tunnel")
    return taps, excluded


def tshark_expect(frames, frag_mode):
    """What netcap's connections must add up to, per key: {key: Expect};
    the address pairs that cannot be compared; notes on skipped frames.

    frag_mode "datagram": frames from the pass with IP defragmentation on:
    a reassembled datagram counts once, in the frame that completes it, and
    the other fragments (and those of datagrams never completed) not.
    frag_mode "first": frames from the pass with defragmentation off: a
    first fragment counts on its own (its transport header is there), later
    fragments not."""
    exp = {}
    uncomparable = set()
    notes = collections.Counter()
    flen_of = {int(f["frame.number"][0]): int(f["frame.len"][0])
               for f in frames}
    for f in frames:
        no = int(f["frame.number"][0])
        stack = f["frame.protocols"][0].split(":") if f["frame.protocols"] \
            else []
        pl = plan(f)
        if pl[0] == "none":
            continue
        if pl[0] == "fragment":
            notes["IP fragment not counted alone (%s)" % frag_mode] += 1
            continue
        if pl[0] == "unknown":
            notes[pl[1]] += 1
            if pl[2] is not None:
                uncomparable.add(frozenset(pl[2]))
            continue
        _, proto, src, dst, sp, dp, tocc, tk = pl
        k = conv_key(proto, src, sp, dst, dp, tunnel_label(tk))
        e = exp.get(k)
        if e is None:
            e = exp[k] = Expect()
        if tk:
            e.chains.add(tuple(t[0] for t in tk))
            if tk[-1][1] is not None:
                e.ids.add(tk[-1][1])
            e.outers.add(tk[-1][2])
        sport = sp if proto not in (1, 58) else 0
        e.sent[(src, sport)][0] += 1
        e.sent[(src, sport)][1] += int(f["frame.len"][0])
        if frag_mode == "datagram":
            # Every fragment of a datagram reassembled here counts, in
            # packets and octets (issue 17; docs/CONNECTIONS.md): the
            # frames tshark lists as its fragments (ip.fragment,
            # ipv6.fragment), this one included. Times and TCP flags stay
            # the completing frame's.
            fr = {int(x) for x in f.get("ip.fragment", []) +
                  f.get("ipv6.fragment", []) +
                  f.get("ip.fragment.error", []) +
                  f.get("ipv6.fragment.error", [])} - {no}
            for x in sorted(fr):
                e.sent[(src, sport)][0] += 1
                e.sent[(src, sport)][1] += flen_of.get(x, 0)
        t = epoch_ns(f["frame.time_epoch"][0])
        e.tfirst = t if e.tfirst is None else min(e.tfirst, t)
        e.tlast = t if e.tlast is None else max(e.tlast, t)
        e.frames.append(no)
        if proto == 6:
            fl = idx(f, "tcp.flags", tocc)
            if fl is not None:
                v = tint(fl)
                for name, bit in FLAG_BITS:
                    if v & bit:
                        e.flags[name] += 1
            st = idx(f, "tcp.stream", tocc)
            if st is not None:
                e.streams.add(int(st))
        # tshark's communityid takes the innermost flow of a tunnel (and
        # maybe the packet an ICMP error quotes): only frames with no IP
        # layer after netcap's transport count (for a decoded tunnel that
        # is the inner one).
        tname = {6: "tcp", 17: "udp", 132: "sctp", 1: "icmp",
                 58: "icmpv6"}.get(proto)
        tpos = [i for i, n in enumerate(stack) if n == tname]
        if tname and tocc < len(tpos):
            up = [tpos[tocc]]
        else:
            ips = [i for i, n in enumerate(stack) if n in IP_LAYERS]
            up = [i for i, n in enumerate(stack) if ips and i > ips[0] and
                  n not in IP_LAYERS and n not in IPV6_EXT]
        if up and not any(n in IP_LAYERS for n in stack[up[0]:]):
            for c in f.get("communityid", []):
                e.cids.add(c)
    return exp, uncomparable, notes


GAP_MARK = re.compile(rb"\[\d+ bytes missing in capture file\]\x00?")


def tshark_follow(cap, streams):
    """{stream: {endpoint: bytes}} for the given tcp.stream indexes."""
    res = {}
    streams = sorted(streams)
    for i in range(0, len(streams), 64):
        args = ["-q", "-r", cap]
        for s in streams[i:i + 64]:
            args += ["-z", "follow,tcp,raw,%d" % s]
        out = tshark(args)
        cur = None
        nodes = {}
        for line in out.splitlines():
            m = re.match(r"^Filter: tcp\.stream eq (\d+)", line)
            if m:
                cur = int(m.group(1))
                res[cur] = {}
                nodes = {}
                continue
            if cur is None:
                continue
            m = re.match(r"^Node ([01]): (.*)$", line)
            if m:
                try:
                    nodes[int(m.group(1))] = endpoint(m.group(2))
                except ValueError:
                    nodes[int(m.group(1))] = None
                continue
            if line.startswith("====="):
                cur = None
                continue
            h = line.strip()
            if not h or not re.fullmatch(r"[0-9a-fA-F]+", h):
                continue
            ep = nodes.get(1 if line.startswith("\t") else 0)
            if ep is None:
                continue
            data = bytes.fromhex(h)
            # tshark's marker for a hole (segments not in the capture,
            # netcap's MissedBytes) is printed as if it were payload
            if GAP_MARK.fullmatch(data):
                continue
            res[cur][ep] = res[cur].get(ep, b"") + data
    return res


# ---------------------------------------------------------------------------
# netcap side
# ---------------------------------------------------------------------------

def capture_help(netcap):
    p = subprocess.run([netcap, "capture", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return p.stdout


def run_capture(netcap, cap, out, workers, streams=None):
    cmd = [netcap, "capture", "-r", cap, "-o", out, "--workers",
           str(workers), "--quiet"] + CAPTURE_ARGS
    if streams:
        cmd += ["--streams", streams]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("netcap capture --workers %d failed (rc %d): %s"
                           % (workers, p.returncode, p.stderr.strip()))


def dump_lines(netcap, path):
    if not os.path.exists(path):
        return []
    d = subprocess.run([netcap, "dump", "--json", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if d.returncode != 0:
        raise RuntimeError("netcap dump --json %s failed (rc %d): %s" %
                           (path, d.returncode, d.stderr.strip()))
    return [line for line in d.stdout.splitlines() if line.strip()]


def records(netcap, out, typ):
    recs = []
    for line in dump_lines(netcap, os.path.join(out, typ + ".ncap.lz4")):
        obj = json.loads(line)
        if "UID" not in obj:
            continue  # a Header record, should dump print one
        recs.append(obj)
    return recs


def jint(v):
    if v is None:
        return 0
    if isinstance(v, bool):
        return int(v)
    return int(v)


def jip(v):
    """An address from dump --json: text, or hex / base64 octets."""
    if not v:
        return None
    try:
        return ipaddress.ip_address(v)
    except ValueError:
        pass
    for dec in (bytes.fromhex, base64.b64decode):
        try:
            b = dec(v)
            if len(b) in (4, 16):
                return ipaddress.ip_address(b)
        except ValueError:
            pass
    raise ValueError("unparsable address %r" % v)


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

class Checker:
    def __init__(self, cap, exceptions):
        self.cap = os.path.basename(cap)
        self.exc = exceptions
        self.compared = 0
        self.mismatches = []
        self.excepted = collections.Counter()

    def fail(self, key, field, ncv, tsv, note="", who=("netcap", "tshark")):
        for e in self.exc:
            if fnmatch.fnmatch(self.cap, e["cap"]) and \
                    fnmatch.fnmatch(key, e["key"]) and \
                    fnmatch.fnmatch(field, e["field"]):
                self.excepted[(field, e["reason"])] += 1
                return
        self.mismatches.append((key, field, ncv, tsv, note, who))

    def eq(self, key, field, ncv, tsv, note="", who=("netcap", "tshark")):
        self.compared += 1
        if ncv != tsv:
            self.fail(key, field, ncv, tsv, note, who)


def conn_ep(c, side):
    ip = jip(c.get(side + "IP"))
    port = jint(c.get(side + "Port"))
    return ip, port


def check(cap, netcap, exceptions, verbose, maxshow, determinism, streams,
          frag_mode):
    ck = Checker(cap, exceptions)
    frames = tshark_frames(cap)
    taps, excluded = tshark_taps(frames)
    if frag_mode == "first":
        frames = tshark_frames(cap, defrag=False)
    exp, uncomparable, notes = tshark_expect(frames, frag_mode)
    conv = tshark_conv(cap)
    errors = []

    # 0. the oracle reproduces itself: per-frame taps == conversation tables
    for k in set(conv) | set(taps):
        c, t = conv.get(k, {}), taps.get(k, {})
        for ep in set(c) | set(t):
            cf, cb, cx = c.get(ep, [0, 0, True])
            tf, tb = t.get(ep, [0, 0])
            bad = cf != tf or (cb != tb if cx else
                               abs(cb - tb) >= 1000 and
                               abs(round(tb / 1000) * 1000 - cb) > 1000)
            if bad:
                errors.append("oracle: %s from %s: conv table %d frames %d "
                              "bytes, per-frame fields %d frames %d bytes"
                              % (key_str(k), "%s#%d" % ep, cf, cb, tf, tb))

    helptext = capture_help(netcap)
    has_streams = streams and "--streams" in helptext
    tmp = tempfile.mkdtemp(prefix="conncheck-")
    try:
        out1 = os.path.join(tmp, "w1")
        sdir = os.path.join(tmp, "streams") if has_streams else None
        if sdir:
            os.makedirs(sdir)
        run_capture(netcap, cap, out1, 1, sdir)
        conns = records(netcap, out1, "Connection")
        flows = records(netcap, out1, "Flow")

        # 3. determinism over worker counts
        if determinism:
            base = {t: sorted(dump_lines(netcap, os.path.join(
                out1, t + ".ncap.lz4"))) for t in ("Connection", "Flow")}
            for w in (2, 4):
                o = os.path.join(tmp, "w%d" % w)
                run_capture(netcap, cap, o, w)
                for t in ("Connection", "Flow"):
                    got = sorted(dump_lines(netcap, os.path.join(
                        o, t + ".ncap.lz4")))
                    ck.compared += 1
                    if got != base[t]:
                        det_diff(ck, t, w, base[t], got)

        # netcap per key. -- Tunnels: a Connection belongs to the
        # expected key of its 5-tuple whose tunnel label its Tunnel field
        # matches (nc_matches); one matching none keeps its own label --
        labels = collections.defaultdict(list)
        for k in exp:
            labels[k[:2]].append(k[2])
        nc = collections.defaultdict(list)
        for c in conns:
            src, sp = conn_ep(c, "Src")
            dst, dp = conn_ep(c, "Dst")
            proto = jint(c.get("IPProtocol"))
            base = conv_key(proto, src, sp, dst, dp)[:2]
            lab = [x for x in labels.get(base, []) if nc_matches(c, x)]
            nc[base + ((lab[0] if lab else nc_label(c)),)].append(c)
        tenants = collections.defaultdict(set)  # chain -> Tenants
        chains = collections.defaultdict(set)   # Tenant -> chains

        # 1. per key: frames, bytes, times, flags
        for k in sorted(set(exp) | set(nc), key=key_str):
            ks = key_str(k)
            if k not in nc:
                if frozenset(ep[0] for ep in k[1]) in uncomparable:
                    continue
                e = exp[k]
                ck.compared += 1
                ck.fail(ks, "count:Connection", 0, "%d frames" %
                        sum(v[0] for v in e.sent.values()),
                        "frames %s" % frames_str(e.frames))
                continue
            if k not in exp:
                if frozenset(ep[0] for ep in k[1]) in uncomparable:
                    continue
                ck.compared += 1
                ck.fail(ks, "count:Connection", len(nc[k]), 0,
                        "no tshark frame; UIDs %s" %
                        ",".join(c.get("UID", "?") for c in nc[k]))
                continue
            e = exp[k]
            ncs = nc[k]
            sent = collections.defaultdict(lambda: [0, 0])
            tf = tl = None
            flags = collections.Counter()
            for c in ncs:
                src, sp = conn_ep(c, "Src")
                dst, dp = conn_ep(c, "Dst")
                if k[0] in (1, 58):
                    sp = dp = 0
                sent[(src, sp)][0] += jint(c.get("OrigPackets"))
                sent[(src, sp)][1] += jint(c.get("BytesClientToServer"))
                sent[(dst, dp)][0] += jint(c.get("RespPackets"))
                sent[(dst, dp)][1] += jint(c.get("BytesServerToClient"))
                t0, t1 = jint(c.get("TimestampFirst")), \
                    jint(c.get("TimestampLast"))
                tf = t0 if tf is None else min(tf, t0)
                tl = t1 if tl is None else max(tl, t1)
                for name, _ in FLAG_BITS:
                    flags[name] += jint(c.get(name))
            for ep in sorted(set(sent) | set(e.sent),
                             key=lambda x: (x[0].packed, x[1])):
                eps = "%s#%d" % ep
                ck.eq(ks, "packets from %s" % eps, sent[ep][0], e.sent[ep][0],
                      "OrigPackets/RespPackets")
                ck.eq(ks, "bytes from %s" % eps, sent[ep][1], e.sent[ep][1],
                      "BytesClientToServer/BytesServerToClient")
            ck.eq(ks, "TimestampFirst", tf, e.tfirst, "min over connections")
            ck.eq(ks, "TimestampLast", tl, e.tlast, "max over connections")
            if k[0] == 6:
                for name, _ in FLAG_BITS:
                    ck.eq(ks, name, flags[name], e.flags[name])
            for c in ncs:
                check_conn(ck, ks, k, c, e)
                # -- Tunnels: the Tunnel's ID is one of the frames' (GTP-U
                # TEIDs and PPTP call IDs differ by direction); Tenant
                # one per tenant chain --
                t = c.get("Tunnel")
                if t and k[2] is not None:
                    if t.get("HasID") or e.ids:
                        ck.eq(ks, "%s Tunnel.ID" % c.get("UID", "?"),
                              jint(t.get("ID")) if t.get("HasID") else None,
                              jint(t.get("ID")) if jint(t.get("ID")) in
                              e.ids else "one of %s" % sorted(e.ids))
                    pair = (jip(t.get("OuterSrcIP")),
                            jip(t.get("OuterDstIP")))
                    pair = ip_sorted(pair) if pair[0] and pair[1] else None
                    ck.eq(ks, "%s Tunnel.Outer" % c.get("UID", "?"),
                          pair_str(pair), pair_str(pair) if pair in e.outers
                          else "one of " + ",".join(sorted(
                              pair_str(x) for x in e.outers)))
                    if len(e.chains) == 1:
                        ch = next(iter(e.chains))
                        tenants[ch].add(t.get("Tenant"))
                        chains[t.get("Tenant")].add(ch)
        for ch, tens in sorted(tenants.items(), key=str):
            ck.compared += 1
            if len(tens) > 1:
                ck.fail("*", "Tunnel.Tenant", sorted(tens),
                        "one Tenant for %s" % (ch,))
        for ten, chs in sorted(chains.items(), key=str):
            ck.compared += 1
            if len(chs) > 1:
                ck.fail("*", "Tunnel.Tenant", ten,
                        "one Tenant per tunnel, got it for %s" %
                        sorted(chs, key=str))

        # 4. flows
        byuid = collections.defaultdict(list)
        for fl in flows:
            byuid[fl.get("UID")].append(fl)
        uids = {c.get("UID") for c in conns}
        ck.compared += 1
        if len(uids) != len(conns):
            ck.fail("*", "UID unique", len(uids), len(conns), "UIDs",
                    ("distinct", "Connections"))
        for u in sorted(set(byuid) - uids):
            ck.compared += 1
            ck.fail("*", "Flow.UID", u, "<no Connection>", "", FLOWCONN)
        for c in conns:
            check_flows(ck, c, byuid.get(c.get("UID"), []))

        # 5. streams
        nstreams = 0
        if has_streams:
            nstreams = check_streams(ck, cap, nc, exp, sdir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ncbase = {k[:2] for k in nc}
    excl = {k: v for k, v in excluded.items() if k[:2] not in ncbase}
    n = len(ck.mismatches)
    extra = ""
    if excl:
        extra += ", %d tshark conversations excluded" % len(excl)
    if ck.excepted:
        extra += ", %d excepted" % sum(ck.excepted.values())
    if has_streams:
        extra += ", %d TCP streams" % nstreams
    elif streams:
        extra += ", streams not checked (no --streams)"
    print("conncheck %s: %d connections, %d fields compared, %d mismatches%s"
          % (ck.cap, len(conns), ck.compared, n, extra))
    for msg in errors:
        print("  ERROR " + msg)
    for m in ck.mismatches[:maxshow]:
        key, field, ncv, tsv, note, who = m
        print("  %s %s: %s %s, %s %s%s" %
              (key, field, who[0], ncv, who[1], tsv,
               (" (%s)" % note) if note else ""))
    if n > maxshow:
        print("  ... %d more" % (n - maxshow))
    if verbose:
        for k, why in sorted(excl.items(), key=lambda x: key_str(x[0])):
            print("  excluded %s: inside %s" % (key_str(k),
                                                ",".join(sorted(why))))
        for (field, reason), cnt in sorted(ck.excepted.items()):
            print("  excepted %dx %s: %s" % (cnt, field, reason))
        for note, cnt in sorted(notes.items()):
            print("  skipped: %d frames (%s)" % (cnt, note))
    return n == 0 and not errors


def det_key(t, r):
    if t == "Flow":
        return (r.get("UID"), str(r.get("SrcIP")), jint(r.get("SrcPort")))
    return (r.get("UID"),)


def det_diff(ck, t, w, base, got):
    """Report how the --workers w records differ from --workers 1's."""
    a = {det_key(t, r): r for r in map(json.loads, base)}
    b = {det_key(t, r): r for r in map(json.loads, got)}
    for k in sorted(set(a) | set(b), key=str):
        ks = "uid/%s" % k[0]
        if k not in b:
            ck.fail(ks, "determinism:%s" % t, "absent", "present", "",
                    ("--workers %d" % w, "--workers 1"))
        elif k not in a:
            ck.fail(ks, "determinism:%s" % t, "present", "absent", "",
                    ("--workers %d" % w, "--workers 1"))
        else:
            for f in sorted(set(a[k]) | set(b[k])):
                if a[k].get(f) != b[k].get(f):
                    ck.fail(ks, "determinism:%s.%s" % (t, f), b[k].get(f),
                            a[k].get(f), "",
                            ("--workers %d" % w, "--workers 1"))


def frames_str(nos):
    s = ",".join(str(x) for x in nos[:8])
    return s + (",..." if len(nos) > 8 else "")


def check_conn(ck, ks, k, c, e):
    uid = c.get("UID", "?")
    src, sp = conn_ep(c, "Src")
    dst, dp = conn_ep(c, "Dst")
    proto = jint(c.get("IPProtocol"))
    ck.eq(ks, "%s NumPackets" % uid, jint(c.get("NumPackets")),
          jint(c.get("OrigPackets")) + jint(c.get("RespPackets")),
          "OrigPackets + RespPackets", who=("record", "expected"))
    ck.eq(ks, "%s TotalSize" % uid, jint(c.get("TotalSize")),
          jint(c.get("BytesClientToServer")) +
          jint(c.get("BytesServerToClient")),
          "BytesClientToServer + BytesServerToClient", who=("record", "expected"))
    ck.eq(ks, "%s NetworkProto" % uid, c.get("NetworkProto"),
          "IPv4" if src.version == 4 else "IPv6")
    want = {6: "TCP", 17: "UDP", 1: "ICMPv4", 58: "ICMPv6",
            132: "SCTP"}.get(
        proto, str(proto))
    ck.eq(ks, "%s TransportProto" % uid, c.get("TransportProto"), want)
    ck.eq(ks, "%s Duration" % uid, jint(c.get("Duration")),
          jint(c.get("TimestampLast")) - jint(c.get("TimestampFirst")),
          "TimestampLast - TimestampFirst", who=("record", "expected"))
    mine = community_id(proto, src, dst, sp, dp)
    got = c.get("CommunityID")
    ck.eq(ks, "%s CommunityID" % uid, got, mine,
          "Community ID v1 of the record's 5-tuple",
          who=("netcap", "conncheck"))
    if e.cids:
        ck.compared += 1
        if got not in e.cids:
            ck.fail(ks, "%s tshark-CommunityID" % uid, got,
                    "one of " + ",".join(sorted(e.cids)),
                    "tshark communityid of the frames")


FLOWCONN = ("Flow", "Connection")


def check_flows(ck, c, fls):
    uid = c.get("UID", "?")
    ks = "uid/%s" % uid
    ck.eq(ks, "Flow count <= 2", len(fls) <= 2, True, "%d flows" % len(fls), who=("Flow", "Connection"))
    ck.eq(ks, "Flow NumPackets sum", sum(jint(f.get("NumPackets"))
                                         for f in fls),
          jint(c.get("NumPackets")), "Connection.NumPackets", who=("Flow", "Connection"))
    ck.eq(ks, "Flow TotalSize sum", sum(jint(f.get("TotalSize"))
                                        for f in fls),
          jint(c.get("TotalSize")), "Connection.TotalSize", who=("Flow", "Connection"))
    src = conn_ep(c, "Src")
    dst = conn_ep(c, "Dst")
    icmp = jint(c.get("IPProtocol")) in (1, 58)
    if icmp:
        # a Flow's ports are the type/code of its own first packet
        src, dst = (src[0], 0), (dst[0], 0)
        if src == dst:
            return  # to itself: the directions cannot be told apart
    for f in fls:
        fs = conn_ep(f, "Src")
        fd = conn_ep(f, "Dst")
        if icmp:
            fs, fd = (fs[0], 0), (fd[0], 0)
        if (fs, fd) == (src, dst):
            pk, by = "OrigPackets", "BytesClientToServer"
        elif (fs, fd) == (dst, src):
            pk, by = "RespPackets", "BytesServerToClient"
        else:
            ck.compared += 1
            ck.fail(ks, "Flow endpoints", "%s#%d->%s#%d" % (fs + fd),
                    "%s#%d<->%s#%d" % (src + dst), "not the connection's", who=("Flow", "Connection"))
            continue
        ck.eq(ks, "Flow %s NumPackets" % pk, jint(f.get("NumPackets")),
              jint(c.get(pk)), who=("Flow", "Connection"))
        ck.eq(ks, "Flow %s TotalSize" % by, jint(f.get("TotalSize")),
              jint(c.get(by)), who=("Flow", "Connection"))


def check_streams(ck, cap, nc, exp, sdir):
    tcp = [k for k in nc if k[0] == 6 and k in exp]
    allstreams = set()
    for k in tcp:
        allstreams |= exp[k].streams
    follow = tshark_follow(cap, allstreams) if allstreams else {}
    for k in sorted(tcp, key=key_str):
        ks = key_str(k)
        theirs = collections.defaultdict(bytes)
        for s in sorted(exp[k].streams):
            for ep, data in follow.get(s, {}).items():
                theirs[ep] += data
        ours = collections.defaultdict(bytes)
        for c in sorted(nc[k], key=lambda c: jint(c.get("TimestampFirst"))):
            uid = c.get("UID")
            for side, suf in (("Src", ".orig"), ("Dst", ".resp")):
                p = os.path.join(sdir, uid + suf)
                if os.path.exists(p):
                    with open(p, "rb") as fh:
                        ours[conn_ep(c, side)] += fh.read()
        for ep in sorted(set(ours) | set(theirs),
                         key=lambda x: (x[0].packed, x[1])):
            a, b = ours.get(ep, b""), theirs.get(ep, b"")
            ck.compared += 1
            if a != b:
                off = next((i for i in range(min(len(a), len(b)))
                            if a[i] != b[i]), min(len(a), len(b)))
                ck.fail(ks, "stream from %s#%d" % ep, "%d bytes" % len(a),
                        "%d bytes" % len(b),
                        "first difference at offset %d: netcap %s tshark %s"
                        % (off, a[off:off + 8].hex(), b[off:off + 8].hex()))
    return len(allstreams)


def load_exceptions(path):
    """CONN_EXCEPTIONS: CAPTURE-GLOB KEY-GLOB FIELD-GLOB REASON..., '#'
    comments. KEY as printed (tcp/1.2.3.4#80-5.6.7.8#1234, icmp/A-B,
    uid/C..., * for capture-wide checks); FIELD as printed, spaces written
    as '_' (e.g. packets_from_*)."""
    exc = []
    if not path or not os.path.exists(path):
        return exc
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or not parts[3].strip():
                sys.exit("%s:%d: an exception needs a capture, a key, a "
                         "field and a reason" % (path, n))
            exc.append({"cap": parts[0], "key": parts[1],
                        "field": parts[2].replace("_", " "),
                        "reason": parts[3].strip()})
    return exc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture", nargs="?")
    ap.add_argument("--netcap", default=os.environ.get("NETCAP",
                                                       "build/netcap"))
    ap.add_argument("--exceptions",
                    default=os.path.join(HERE, "CONN_EXCEPTIONS"))
    ap.add_argument("--max", type=int, default=10,
                    help="mismatches to print (default 10)")
    ap.add_argument("--no-determinism", action="store_true",
                    help="skip the --workers 2/4 runs")
    ap.add_argument("--no-streams", action="store_true",
                    help="skip the stream payload check")
    ap.add_argument("--no-defrag", action="store_true",
                    help="run capture with --no-defrag and expect first "
                    "fragments to count on their own (--frag-mode first)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the Community ID code on published vectors")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        return 0 if self_test() else 1
    if not a.capture:
        ap.error("a capture is required")
    if a.no_defrag:
        CAPTURE_ARGS.append("--no-defrag")
    frag_mode = "first" if a.no_defrag else FRAG_MODE
    try:
        ok = check(a.capture, a.netcap, load_exceptions(a.exceptions),
                   a.verbose, a.max, not a.no_determinism, not a.no_streams,
                   frag_mode)
    except (RuntimeError, OSError, ValueError, json.JSONDecodeError) as e:
        print("conncheck %s: ERROR %s" % (os.path.basename(a.capture), e))
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
