#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of test/run-tunnels.sh (its header says what is checked).

    tunnel_check.py NETCAP TMP            every case of TMP/cases.tsv
    tunnel_check.py --rss EXPECT NETCAP OUT   OUT/port (rss) vs OUT/file

Expectations come from tshark on the same capture and from what the
script configured (tunnel type, IDs, underlay addresses), never from
netcap's output.
"""
import collections
import json
import os
import subprocess
import sys

UNDERLAY = {"4": {"10.210.0.1", "10.210.0.2"},
            "6": {"fd00:210::1", "fd00:210::2"},
            "-": {""}}
# kind -> (netcap Tunnel.Type, tshark field of the ID or None, underlay)
KINDS = {
    "vxlan": ("VXLAN", "vxlan.vni", "4"),
    "geneve": ("Geneve", "geneve.vni", "4"),
    "gre": ("GRE", "gre.key", "4"),
    "gretap": ("GRE", "gre.key", "4"),
    "ip6gre": ("GRE", "gre.key", "6"),
    "erspan1": ("ERSPAN", "erspan.spanid", "4"),
    "erspan2": ("ERSPAN", "erspan.spanid", "4"),
    "ipip": ("IPinIP", None, "4"),
    "sit": ("IPinIP", None, "4"),
    "ip6tnl4": ("IPinIP", None, "6"),
    "ip6tnl6": ("IPinIP", None, "6"),
    # MPLS has no ID or outer addresses (its tenant is the type alone)
    "mpls": ("MPLS", None, "-"),
}
F = ["frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
     "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
     "udp.srcport", "udp.dstport", "dns.id", "http.request.method",
     "http.response.code", "vxlan.vni", "gre.key", "geneve.vni",
     "erspan.spanid"]


def records(netcap, d, t):
    p = os.path.join(d, t + ".ncap.lz4")
    if not os.path.exists(p):
        return []
    r = subprocess.run([netcap, "dump", "--json", p], capture_output=True,
                       text=True, check=True)
    return [json.loads(x) for x in r.stdout.splitlines()]


def frames(pcap):
    """tshark's view: per frame, the inner layers and their fields. Two
    tenants' identical inner 5-tuples are one TCP conversation to tshark
    (its conversations do not see the tunnel), which confuses its HTTP
    parsing; so a capture with several tunnel IDs is dissected once per
    ID, from a copy holding only that ID's frames."""
    rows = frames_one(pcap)
    ids = sorted({x["id"] for x in rows if x["id"] is not None})
    if len(ids) < 2:
        return rows
    key = next(k for k in ("vxlan.vni", "gre.key", "geneve.vni",
                           "erspan.spanid") if rows[0]["idfield"] == k)
    out = []
    for i in ids:
        sub = "%s.id%d.pcap" % (pcap, i)
        subprocess.run(["tshark", "-n", "-r", pcap, "-Y", "%s == %d" %
                        (key, i), "-w", sub], check=True,
                       capture_output=True)
        out += frames_one(sub)
        os.unlink(sub)
    return out


def frames_one(pcap):
    """frames() over one capture as it is."""
    args = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E",
            "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"]
    for f in F:
        args += ["-e", f]
    out = subprocess.run(args, capture_output=True, text=True,
                         check=True).stdout
    rows = []
    for line in out.splitlines():
        r = dict(zip(F, line.split("\t")))
        tok = r["frame.protocols"].split(":")
        net = [i for i, t in enumerate(tok) if t in ("ip", "ipv6")]
        if len(net) < 2 and "mpls" not in tok:
            continue  # not tunnelled (no inner IP)
        inner = tok[net[-1]:]
        last = lambda k: r[k].split("|")[-1] if r[k] else ""
        v = "ip" if inner[0] == "ip" else "ipv6"
        x = {"inner": set(inner[1:]), "src": last(v + ".src"),
             "dst": last(v + ".dst"), "id": None, "idfield": None}
        for k in ("vxlan.vni", "gre.key", "geneve.vni", "erspan.spanid"):
            if r[k]:
                x["id"] = int(r[k].split("|")[-1], 0)
                x["idfield"] = k
        # ERSPAN over GRE: the session ID, not a GRE key, names it
        if r["erspan.spanid"]:
            x["id"] = int(r["erspan.spanid"].split("|")[-1], 0)
        for p in ("tcp", "udp"):
            if p in x["inner"]:
                x["sport"], x["dport"] = int(last(p + ".srcport")), \
                    int(last(p + ".dstport"))
        x["syn"] = r["tcp.flags.syn"] in ("1", "True") and \
            r["tcp.flags.ack"] in ("0", "False")
        x["dns"] = "dns" in x["inner"] and bool(r["dns.id"])
        x["req"] = "http" in x["inner"] and bool(r["http.request.method"])
        x["resp"] = "http" in x["inner"] and bool(r["http.response.code"])
        rows.append(x)
    return rows


class Check:
    def __init__(self):
        self.bad = []

    def eq(self, what, want, got):
        if want != got:
            self.bad.append(f"{what}: expected {want!r}, netcap {got!r}")


def tid(r):
    t = r.get("Tunnel")
    return t["ID"] if t and t.get("HasID") else None


def check_case(netcap, tmp, name, kind, v6, ids, c):
    pcap = os.path.join(tmp, "caps", name + ".pcap")
    out = os.path.join(tmp, "chk", name)
    subprocess.run([netcap, "capture", "-q", "-r", pcap, "-o", out, "-w",
                    "1", "--", "--file-prefix", f"nctun-chk-{os.getpid()}"],
                   check=True, stdout=subprocess.DEVNULL)
    rows = frames(pcap)
    typ, idfield, ul = KINDS[kind]
    ids = [int(i) for i in ids.split()]
    want_ids = set(ids) if idfield else {None}
    rec = {t: records(netcap, out, t)
           for t in ("Connection", "TCP", "UDP", "DNS", "HTTP")}
    p = f"{name}:"

    # the frames are what the test made: each configured ID, inner traffic
    c.eq(p + " tshark tunnel IDs", want_ids, {x["id"] for x in rows})
    for what in ("tcp", "udp"):
        if not any(what in x["inner"] for x in rows):
            c.bad.append(f"{p} tshark sees no inner {what} (traffic failed?)")
    if not any(x["req"] for x in rows) or not any(x["dns"] for x in rows):
        c.bad.append(f"{p} tshark sees no inner HTTP request or DNS message")

    # every record inside a tunnel: this tunnel's type, ID, underlay
    for t, rs in rec.items():
        for r in rs:
            tun = r.get("Tunnel")
            if not tun:
                continue
            c.eq(f"{p} {t} Tunnel.Type", typ, tun["Type"])
            c.eq(f"{p} {t} Tunnel.HasID", idfield is not None, tun["HasID"])
            c.eq(f"{p} {t} Tunnel outer addresses", UNDERLAY[ul],
                 {tun["OuterSrcIP"], tun["OuterDstIP"]})
            if kind == "mpls":
                c.eq(f"{p} {t} Tunnel.Labels", [int(ids[0])], tun["Labels"])

    # per-packet records with Tunnel == inner frames, per tunnel ID
    def cnt(pred):
        return sorted(collections.Counter(x["id"] for x in rows
                                          if pred(x)).items())

    def rcnt(rs, pred=lambda r: True):
        return sorted(collections.Counter(tid(r) for r in rs
                                          if r.get("Tunnel") and pred(r)).items())
    c.eq(p + " TCP records (per ID)", cnt(lambda x: "tcp" in x["inner"]),
         rcnt(rec["TCP"]))
    c.eq(p + " UDP records (per ID)", cnt(lambda x: "udp" in x["inner"]),
         rcnt(rec["UDP"]))
    c.eq(p + " DNS records (per ID)", cnt(lambda x: x["dns"]), rcnt(rec["DNS"]))
    c.eq(p + " HTTP requests (per ID)", cnt(lambda x: x["req"]),
         rcnt(rec["HTTP"], lambda r: bool(r.get("Method"))))
    c.eq(p + " HTTP responses (per ID)", cnt(lambda x: x["resp"]),
         rcnt(rec["HTTP"], lambda r: bool(r.get("StatusCode"))))

    # conversations: (ID, proto, originator, responder) -> packets each way
    # originator: the SYN sender, else the first sender (tshark's order)
    ends = collections.OrderedDict()
    for x in rows:
        for proto in ("tcp", "udp"):
            if proto not in x["inner"]:
                continue
            a = (x["src"], x["sport"])
            k = (x["id"], proto, frozenset([a, (x["dst"], x["dport"])]))
            e = ends.setdefault(k, {"first": a, "syn": None,
                                    "pk": collections.Counter()})
            if x["syn"] and proto == "tcp" and e["syn"] is None:
                e["syn"] = a
            e["pk"][a] += 1
    conv = {}
    for (i, proto, pair), e in ends.items():
        o = e["syn"] or e["first"]
        r = [x for x in pair if x != o]
        r = r[0] if r else o
        conv[(i, proto, o, r)] = e
    byk = collections.defaultdict(list)
    for r in rec["Connection"]:
        if r.get("Tunnel") and r["TransportProto"] in ("TCP", "UDP"):
            byk[(tid(r), r["TransportProto"].lower(), (r["SrcIP"], r["SrcPort"]),
                 (r["DstIP"], r["DstPort"]))].append(r)
    for k, s in conv.items():
        name_k = f"{p} {k[1]} ID {k[0]} {k[2][0]}:{k[2][1]} -> {k[3][0]}:{k[3][1]}"
        got = byk.pop(k, [])
        if len(got) != 1:
            c.bad.append(f"{name_k}: {len(got)} Connection records, want 1")
            continue
        c.eq(name_k + " OrigPackets", s["pk"][k[2]], got[0]["OrigPackets"])
        c.eq(name_k + " RespPackets", s["pk"][k[3]], got[0]["RespPackets"])
    for k, v in byk.items():
        c.bad.append(f"{p} netcap Connection {k} ({len(v)}) not in tshark")

    # tenant separation: the same inner 5-tuple once per configured ID,
    # each with its own tenant and UID
    if len(ids) > 1:
        same = [r for r in rec["Connection"]
                if r.get("Tunnel") and r["TransportProto"] == "TCP" and
                (r["SrcIP"], r["SrcPort"], r["DstIP"], r["DstPort"]) ==
                ("10.0.0.1", 40000, "10.0.0.2", 80)]
        c.eq(p + " IDs of 10.0.0.1:40000 -> 10.0.0.2:80", sorted(ids),
             sorted(tid(r) for r in same))
        c.eq(p + " distinct Tenants", len(ids),
             len({r["Tunnel"]["Tenant"] for r in same}))
        c.eq(p + " distinct UIDs", len(ids), len({r["UID"] for r in same}))
    print(f"  {name}: {len(rows)} tunnelled frames, "
          f"{sum(1 for x in rows if 'tcp' in x['inner'])} inner TCP, "
          f"{len(conv)} inner conversations, IDs {sorted(ids)}")


TIMED = {"Timestamp", "TimestampFirst", "TimestampLast", "Duration", "UID",
         "Flows", "Ident", "DoneAfter", "FirstByteAfter"}


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMED}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def check_rss(expect, netcap, out, c):
    port, file = os.path.join(out, "port"), os.path.join(out, "file")
    summ = {}
    for line in open(os.path.join(out, "sum")):
        f = line.split()
        if len(f) >= 2:
            summ[f[0]] = f[1]
    c.eq("rx.mode", "rss", summ.get("rx.mode"))
    nw = int(summ.get("workers", "0"))
    rx = [int(summ.get(f"worker.rx_packets.{w}", "-1")) for w in range(nw)]
    # split-ok: HTTP pairs a request with its response, which a split
    # connection's halves cannot do; per-packet and per-message records
    # must still be those of the file run
    for t in ("TCP", "UDP", "DNS", "HTTP"):
        if t == "HTTP" and expect != "same":
            continue
        a = sorted(json.dumps(strip(r), sort_keys=True)
                   for r in records(netcap, file, t))
        b = sorted(json.dumps(strip(r), sort_keys=True)
                   for r in records(netcap, port, t))
        if not a:
            c.bad.append(f"rss: no {t} records in the file run")
        c.eq(f"rss: {t} records (times aside) as in the file run",
             len(a), len(b))
        if a != b:
            c.bad.append(f"rss: {t} records differ from the file run")

    def conns(d):
        return [r for r in records(netcap, d, "Connection") if r.get("Tunnel")]
    if expect == "same":
        # close reasons aside: the port run ends by SIGTERM
        a = sorted(json.dumps({k: v for k, v in strip(r).items()
                               if k != "CloseReason"}, sort_keys=True)
                   for r in conns(file))
        b = sorted(json.dumps({k: v for k, v in strip(r).items()
                               if k != "CloseReason"}, sort_keys=True)
                   for r in conns(port))
        c.eq("rss: inner Connection records", len(a), len(b))
        if a != b:
            c.bad.append("rss: inner Connection records differ from the file "
                         "run: only in file: %s; only in rss: %s" % (
                             sorted(set(a) - set(b))[:2], sorted(set(b) - set(a))[:2]))
    else:
        def tot(d):
            n = collections.Counter()
            for r in conns(d):
                k = (tid(r), r["TransportProto"],
                     frozenset([(r["SrcIP"], r["SrcPort"]), (r["DstIP"], r["DstPort"])]))
                n[k] += r["OrigPackets"] + r["RespPackets"]
            return n
        c.eq("rss: packets per inner 5-tuple over all Connection records",
             tot(file), tot(port))
        split = len(conns(port)) - len(conns(file))
        print(f"  rss {expect}: {split} more inner Connection records than "
              f"the file run (halves of split connections)")
    print(f"  rss {expect}: worker.rx_packets {rx}")


def main():
    c = Check()
    if sys.argv[1] == "--rss":
        check_rss(sys.argv[2], sys.argv[3], sys.argv[4], c)
    else:
        netcap, tmp = sys.argv[1:3]
        for line in open(os.path.join(tmp, "cases.tsv")):
            name, kind, v6, ids = line.rstrip("\n").split("\t")
            check_case(netcap, tmp, name, kind, v6, ids, c)
    for b in c.bad:
        print("  MISMATCH " + b)
    return 1 if c.bad else 0


if __name__ == "__main__":
    sys.exit(main())
