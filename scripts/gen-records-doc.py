#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""gen-records-doc.py: the generated parts of docs/RECORDS.md.

    scripts/gen-records-doc.py [docs/RECORDS.md]

Rewrites, between their marker comments, the tables that follow the schema
one to one: the record type list, the field tables of the application
and abstraction records (every record type after Flow in
records/rec_types.def, with the sub-messages they use; the Meaning column
is the field's trailing comment in records/netcap.proto) and the table of
application-layer events (events.def after the TCP reassembly group),
and the event counts. Run it after changing the schema or events.def.
"""
import re
import sys

ROOT = __file__.rsplit("/scripts/", 1)[0]
PROTO = ROOT + "/records/netcap.proto"


def parse_proto():
    msgs, enum, order = {}, {}, []
    cur = None
    comment = []
    for line in open(PROTO):
        s = line.strip()
        m = re.match(r"message (\w+) \{", s)
        if m:
            cur = m.group(1)
            msgs[cur] = {"fields": [], "doc": " ".join(comment)}
            order.append(cur)
            comment = []
            continue
        if s.startswith("//"):
            comment.append(s[2:].strip())
            continue
        if not s:
            comment = []
        if s == "}":
            cur = None
            continue
        m = re.match(r"(NC_\w+) = (\d+);", s)
        if m:
            enum[m.group(1)] = int(m.group(2))
            continue
        if cur:
            m = re.match(r"(repeated )?(\w+) (\w+) = (\d+);\s*(//\s*(.*))?",
                         s)
            # Tunnel (1000) and Result (1001), in every record message,
            # are described once in the "Tunnels" and "Labels" sections,
            # not in each table
            if m and m.group(4) in ("1000", "1001") and \
                    m.group(3) in ("Tunnel", "Result"):
                continue
            if m:
                msgs[cur]["fields"].append(
                    (int(m.group(4)), m.group(3), m.group(2),
                     bool(m.group(1)), (m.group(6) or "").strip()))
    return msgs, enum


def rec_types():
    out = []
    for line in open(ROOT + "/records/rec_types.def"):
        m = re.match(r"X\((\w+), (\w+), (\w+), NETCAP__TYPE__(NC_\w+)\)",
                     line)
        if m:
            out.append((m.group(2), m.group(4)))
    return out


def ftype(f, msgs):
    t = f[2]
    s = ("repeated " if f[3] else "") + t
    # as records/render.c nc_render_is_addr (LLC, SNAP, ...: CDP's
    # Addresses, IPMask, Cluster*; NDP's SrcMac/DstMac)
    if t == "bytes" and re.search(r"(IP|MAC|Address|Addr|IPs|Addresses|Mac)$|"
                                  r"^(Contacts|IPMask)$|^Cluster", f[1]):
        s += " (addr)"
    if t == "int64" and f[1] in ("Timestamp", "TimestampFirst",
                                 "TimestampLast"):
        s += " (time)"
    return s


def table(name, msgs, seen, out):
    m = msgs[name]
    out.append("| # | Field | Type | Meaning |")
    out.append("| ---: | --- | --- | --- |")
    subs = []
    for num, fname, t, rep, doc in sorted(m["fields"]):
        out.append("| %d | %s | %s | %s |" % (num, fname, ftype(
            (num, fname, t, rep), msgs), doc.replace("|", "\\|")))
        if t in msgs and t not in seen:
            seen.add(t)
            subs.append(t)
    out.append("")
    for s in subs:
        out.append("`%s` (sub-message):" % s)
        out.append("")
        table(s, msgs, seen, out)


def events():
    rows, on = [], False
    for line in open(ROOT + "/decoders/events.def"):
        if "application layer" in line:
            on = True
        m = re.match(r'E\((\w+), "([^"]+)", (ANOM|INFO)\)', line)
        if m and on:
            rows.append((m.group(2), m.group(3)))
    return rows


def all_events():
    out = []
    for line in open(ROOT + "/decoders/events.def"):
        m = re.match(r'E\((\w+), "([^"]+)", (ANOM|INFO)\)', line)
        if m:
            out.append(m.group(3))
    return out


def splice(text, tag, body):
    a = "<!-- generated: %s -->" % tag
    b = "<!-- end generated: %s -->" % tag
    i, j = text.index(a), text.index(b)
    return text[:i + len(a)] + "\n" + body + "\n" + text[j:]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else ROOT + "/docs/RECORDS.md"
    msgs, enum = parse_proto()
    types = rec_types()
    text = open(path).read()

    lines = ["| Type | `Header.Type` | value | file |",
             "| --- | --- | ---: | --- |"]
    for name, nc in types:
        lines.append("| %s | `%s` | %d | `%s.ncap.lz4` |" %
                     (name, nc, enum[nc], name))
    text = splice(text, "type list", "\n".join(lines))

    out = []
    after = [n for n, _ in types][[n for n, _ in types].index("Flow") + 1:]
    seen = set()
    for name, nc in types:
        if name not in after:
            continue
        out.append("### %s" % name)
        out.append("")
        out.append("`Header.Type` `%s` = %d. %s" %
                   (nc, enum[nc], msgs[name]["doc"]))
        out.append("")
        table(name, msgs, seen, out)
    text = splice(text, "application records", "\n".join(out))

    ev = ["| Event | Kind |", "| --- | --- |"]
    for name, kind in events():
        ev.append("| `%s` | %s |" % (name, kind))
    text = splice(text, "application events", "\n".join(ev))

    kinds = all_events()
    text = re.sub(r"\*\*ANOM\*\* \(\d+ events\)",
                  "**ANOM** (%d events)" % kinds.count("ANOM"), text)
    text = re.sub(r"\*\*INFO\*\* \(\d+ events\)",
                  "**INFO** (%d events)" % kinds.count("INFO"), text)
    text = re.sub(r"All \d+ events, in `events.def` order:",
                  "All %d events, in `events.def` order (the application "
                  "layer's in the second table):" % len(kinds), text)
    text = re.sub(r"All \d+ events, in `events.def` order \(the application "
                  r"layer's in the second table\):",
                  "All %d events, in `events.def` order (the application "
                  "layer's in the second table):" % len(kinds), text)
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
