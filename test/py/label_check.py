#!/usr/bin/python3
"""Check `netcap label` output against an independent computation from
tshark's view of the capture (test/run-label.sh).

  label_check.py alerts OUTDIR FRAMES.tsv STREAM_LABELS
      STREAM_LABELS lines: "tcp|udp STREAM LABEL". Every record of the
      labelled conversations carries the label, every other is normal:
      Connection and Flow (by their endpoints), TCP and UDP (by frame:
      time and 5-tuple), IPv4/IPv6 (by frame: time and addresses),
      Ethernet (by frame time), HTTP and DNS (by endpoints).
  label_check.py attacks OUTDIR FRAMES.tsv WINDOWS.json
      WINDOWS: [{"zone", "start", "end" (local "YYYY-MM-DD HH:MM:SS.fff"),
      "ips" | "victims"+"attackers" [+ "flag": true], "label"}],
      converted to UTC here with Python's zoneinfo. Per-packet and
      application records: their own Timestamp and addresses; Connection:
      [first, last] overlaps the window; Ethernet: the labels of the IP
      frame with its time. "flag" is Netcap's flagVictimTraffic: either
      address an attacker or a victim.
  label_check.py same OUTDIR
      OUTDIR labelled the records of capture --attacks: in every row of
      every *_labeled.csv the Result column capture wrote equals the
      result column label wrote.

FRAMES.tsv: tshark -T fields -e frame.time_epoch -e ip.src -e ip.dst
-e ipv6.src -e ipv6.dst -e tcp.stream -e udp.stream -e tcp.srcport
-e tcp.dstport -e udp.srcport -e udp.dstport
"""
import csv
import datetime
import ipaddress
import json
import sys
import zoneinfo

csv.field_size_limit(1 << 30)
fails = []


def fail(msg):
    if len(fails) < 20:
        print("label_check: FAIL: " + msg)
    fails.append(msg)


def ns_of(epoch):
    s, _, f = epoch.partition(".")
    return int(s) * 10**9 + int((f + "000000000")[:9])


def addr(s):
    return str(ipaddress.ip_address(s)) if s else ""


def frames(path):
    out = []
    for line in open(path):
        c = line.rstrip("\n").split("\t")
        c += [""] * (11 - len(c))
        ts = ns_of(c[0])
        src = addr(c[1].split(",")[-1] or c[3].split(",")[-1])
        dst = addr(c[2].split(",")[-1] or c[4].split(",")[-1])
        f = {"ts": ts, "src": src, "dst": dst, "tcp": c[5], "udp": c[6]}
        f["sport"] = c[7] or c[9]
        f["dport"] = c[8] or c[10]
        f["proto"] = "6" if c[5] else "17" if c[6] else ""
        out.append(f)
    return out


def rows(outdir, typ):
    try:
        with open(f"{outdir}/{typ}_labeled.csv", newline="") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        fail(f"{typ}_labeled.csv missing")
        return []


def ep(r, a, p):
    return (addr(r[a]), r[p])


def check(typ, r, got, want, what):
    if got != want:
        fail(f"{typ} {what}: result '{got}', want '{want}'")


def well_formed(outdir):
    """Every *_labeled.csv reads as CSV (what pandas.read_csv needs): a
    header ending in "result" and rows of the header's length."""
    import glob
    n = 0
    for path in sorted(glob.glob(f"{outdir}/*_labeled.csv")):
        with open(path, newline="") as fh:
            rd = csv.reader(fh)
            hdr = next(rd, None)
            if not hdr or hdr[-1] != "result":
                fail(f"{path}: header {hdr}")
                continue
            for row in rd:
                n += 1
                if len(row) != len(hdr):
                    fail(f"{path}:{rd.line_num}: {len(row)} cells, "
                         f"header has {len(hdr)}")
                    break
    return n


def mode_alerts(outdir, fpath, spath):
    nrows = well_formed(outdir)
    fr = frames(fpath)
    want = {}
    for line in open(spath):
        kind, stream, label = line.rstrip("\n").split(" ", 2)
        want[(kind, stream)] = label
    conv = {}  # frozenset endpoints -> label
    frame_label = []
    for f in fr:
        lab = want.get(("tcp", f["tcp"])) if f["tcp"] else None
        if f["udp"] and not lab:
            lab = want.get(("udp", f["udp"]))
        frame_label.append(lab or "normal")
        if lab:
            conv[(f["proto"], frozenset([(f["src"], f["sport"]),
                                         (f["dst"], f["dport"])]))] = lab
    if len(set(conv.values())) != len(want):
        fail(f"test setup: {len(want)} streams, {len(conv)} conversations")
    by_tuple, by_addr, by_ts = {}, {}, {}
    for f, lab in zip(fr, frame_label):
        by_tuple.setdefault((f["ts"], f["src"], f["sport"], f["dst"],
                             f["dport"]), set()).add(lab)
        by_addr.setdefault((f["ts"], f["src"], f["dst"]), set()).add(lab)
        by_ts.setdefault(f["ts"], set()).add(lab)
    counts = {}

    def one(typ, key, table, r):
        labs = table.get(key)
        if labs is None:
            fail(f"{typ} row {key}: no such frame in tshark's view")
            return
        if len(labs) > 1:
            fail(f"{typ} row {key}: frames disagree {labs} (test capture)")
        w = next(iter(labs))
        check(typ, r, r["result"], w, str(key))
        counts[(typ, w)] = counts.get((typ, w), 0) + 1

    for typ in ("Connection", "Flow"):
        for r in rows(outdir, typ):
            k = (r["IPProtocol"] if typ == "Connection" else None)
            eps = frozenset([ep(r, "SrcIP", "SrcPort"),
                             ep(r, "DstIP", "DstPort")])
            w = "normal"
            for (p, e), lab in conv.items():
                if e == eps and (k is None or k == p):
                    w = lab
            check(typ, r, r["result"], w, f"{sorted(eps)}")
            counts[(typ, w)] = counts.get((typ, w), 0) + 1
    for typ in ("TCP", "UDP"):
        for r in rows(outdir, typ):
            one(typ, (int(r["Timestamp"]), addr(r["SrcIP"]), r["SrcPort"],
                      addr(r["DstIP"]), r["DstPort"]), by_tuple, r)
    for typ in ("IPv4", "IPv6"):
        for r in rows(outdir, typ):
            one(typ, (int(r["Timestamp"]), addr(r["SrcIP"]),
                      addr(r["DstIP"])), by_addr, r)
    for r in rows(outdir, "Ethernet"):
        one("Ethernet", int(r["Timestamp"]), by_ts, r)
    for typ in ("HTTP", "DNS"):
        for r in rows(outdir, typ):
            eps = frozenset([ep(r, "SrcIP", "SrcPort"),
                             ep(r, "DstIP", "DstPort")])
            w = "normal"
            for (p, e), lab in conv.items():
                if e == eps:
                    w = lab
            check(typ, r, r["result"], w, f"{sorted(eps)}")
            counts[(typ, w)] = counts.get((typ, w), 0) + 1
    # every label reached every kind of record its conversation has
    for lab in set(want.values()):
        for typ in ("Connection", "Flow", "Ethernet"):
            if not counts.get((typ, lab)):
                fail(f"no {typ} record labelled '{lab}'")
    nlab = sum(v for (t, l), v in counts.items() if l != "normal")
    print(f"label_check: alerts: {nrows} rows well-formed, "
          f"{sum(counts.values())} records checked, "
          f"{nlab} labelled, {len(want)} conversations")


def mode_attacks(outdir, fpath, wpath):
    fr = frames(fpath)
    wins = []
    for w in json.load(open(wpath)):
        z = zoneinfo.ZoneInfo(w["zone"])
        conv = []
        for k in ("start", "end"):
            d = datetime.datetime.strptime(w[k], "%Y-%m-%d %H:%M:%S.%f")
            t = d.replace(tzinfo=z).timestamp()
            us = round(t * 10**6)
            conv.append(us * 1000)
        wins.append((conv[0], conv[1], set(w.get("ips", [])),
                     set(w.get("victims", [])), set(w.get("attackers", [])),
                     w.get("flag", False), w["label"]))

    def labels(lo, hi, s, d):
        out = []
        for a, b, ips, vic, att, flag, lab in wins:
            if hi < a or lo > b:
                continue
            if ips:
                hit = s in ips or d in ips
            elif flag:
                hit = bool({s, d} & (vic | att))
            else:
                hit = (s in att and d in vic) or (s in vic and d in att)
            if hit and lab not in out:
                out.append(lab)
        return " | ".join(out) or "normal"

    counts = {}
    for typ in ("TCP", "UDP", "IPv4", "IPv6", "DNS", "HTTP", "ICMPv4",
                "ICMPv6"):
        for r in rows(outdir, typ):
            t = int(r["Timestamp"])
            w = labels(t, t, addr(r["SrcIP"]), addr(r["DstIP"]))
            check(typ, r, r["result"], w, f"at {t}")
            counts[(typ, w)] = counts.get((typ, w), 0) + 1
    for r in rows(outdir, "Connection"):
        w = labels(int(r["TimestampFirst"]), int(r["TimestampLast"]),
                   addr(r["SrcIP"]), addr(r["DstIP"]))
        check("Connection", r, r["result"], w, r["UID"])
        counts[("Connection", w)] = counts.get(("Connection", w), 0) + 1
    by_ts = {}
    for f in fr:
        if f["src"]:
            by_ts.setdefault(f["ts"], set()).add(
                labels(f["ts"], f["ts"], f["src"], f["dst"]))
    for r in rows(outdir, "Ethernet"):
        t = int(r["Timestamp"])
        labs = by_ts.get(t, {"normal"})
        w = " | ".join(sorted(l for l in labs if l != "normal")) or "normal"
        check("Ethernet", r, r["result"], w, f"at {t}")
        counts[("Ethernet", w)] = counts.get(("Ethernet", w), 0) + 1
    for *_, lab in wins:
        for typ in ("Connection", "TCP", "Ethernet"):
            if not any(v for (t, l), v in counts.items()
                       if t == typ and lab in l.split(" | ")):
                fail(f"no {typ} record labelled '{lab}'")
    nlab = sum(v for (t, l), v in counts.items() if l != "normal")
    print(f"label_check: attacks: {sum(counts.values())} records checked, "
          f"{nlab} labelled, {len(wins)} windows")


def mode_same(outdir):
    import glob
    n = labelled = 0
    files = sorted(glob.glob(f"{outdir}/*_labeled.csv"))
    if not files:
        fail(f"{outdir}: no *_labeled.csv")
    for path in files:
        with open(path, newline="") as fh:
            rd = csv.reader(fh)
            hdr = next(rd, [])
            if "Result" not in hdr or hdr[-1] != "result":
                fail(f"{path}: no Result column in {hdr}")
                continue
            i = hdr.index("Result")
            for row in rd:
                n += 1
                labelled += row[-1] != "normal"
                if row[i] != row[-1]:
                    fail(f"{path}:{rd.line_num}: capture wrote "
                         f"'{row[i]}', label '{row[-1]}'")
    print(f"label_check: same: {n} records, {labelled} labelled, capture "
          f"and label agree on {n - len(fails)}")


if __name__ == "__main__":
    {"alerts": mode_alerts, "attacks": mode_attacks, "same": mode_same}[
        sys.argv[1]](*sys.argv[2:5])
    sys.exit(1 if fails else 0)
