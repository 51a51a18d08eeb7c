#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""check_records.py: the record files cross-checked with an independent
reader (test/run-records.sh), all in one process so the schema is compiled
and the protobuf library imported once, not once per file.

    check_records.py NETCAP FILE...

For every file, Google's protobuf library (read_records.py over `lz4 -dc`)
must read the same records as `netcap dump --json`, field by field
(addresses, ports, timestamps, flags, sub-messages, bytes); CSV has one row
per record and the JSON keys as header; `dump -` (stdin) equals `dump
FILE`; a copy cut at 2/3 prints a prefix and fails with one error line
naming an offset (an uncompressed .ncap copy may also read cleanly). Exit 1
when any file fails, naming it.
"""
import base64
import csv
import io
import ipaddress
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import read_records  # noqa: E402

csv.field_size_limit(1 << 30)


def addr_text(b):
    """Independent rendering of an address field (see records/render.h)."""
    if len(b) == 4:
        return str(ipaddress.IPv4Address(b))
    if len(b) == 16:
        a = ipaddress.IPv6Address(b)
        if a.ipv4_mapped is not None:  # RFC 5952 section 5
            return "::ffff:" + str(a.ipv4_mapped)
        return str(a)
    if len(b) == 6:
        return ":".join("%02x" % x for x in b)
    return b.hex()

def same(name, mine, ref, where):
    """Compare a dump JSON value with a json_format value."""
    if isinstance(ref, dict):
        # Result (capture --attacks) is shown only in labelled files and
        # never inside a record embedded in another (records/render.h)
        if isinstance(mine, dict) and "Result" not in mine and \
                ref.get("Result") == "":
            ref = {k: v for k, v in ref.items() if k != "Result"}
        # an unset sub-message: dump writes null, json_format leaves it out
        if not isinstance(mine, dict) or not set(ref) <= set(mine) or \
                any(mine[k] is not None for k in set(mine) - set(ref)):
            return "%s: keys %s vs %s" % (where, sorted(mine), sorted(ref))
        for k in ref:
            e = same(k, mine[k], ref[k], where + "." + k)
            if e:
                return e
        return None
    if isinstance(ref, list):
        if not isinstance(mine, list) or len(mine) != len(ref):
            return "%s: %r vs %r" % (where, mine, ref)
        for i, (m, r) in enumerate(zip(mine, ref)):
            e = same(name, m, r, "%s[%d]" % (where, i))
            if e:
                return e
        return None
    if isinstance(mine, str) and isinstance(ref, str) and \
            (name.endswith(("IP", "MAC", "Address", "Addr", "IPs")) or
             name == "Contacts" or
             # LLC, SNAP, ...: CDP (as records/render.c nc_render_is_addr)
             name.endswith(("Addresses", "Mac")) or name == "IPMask" or
             name.startswith("Cluster")):
        if mine == ref:
            return None  # a string field named like an address
        try:
            b = base64.b64decode(ref, validate=True)
        except ValueError:
            return "%s: %r vs %r" % (where, mine, ref)
        want = addr_text(b)
        if len(b) == 16 and mine != want:
            # embedded-IPv4 spellings differ between libraries: compare values
            try:
                ok = ipaddress.IPv6Address(mine) == ipaddress.IPv6Address(b)
            except ValueError:
                ok = False
            return None if ok else "%s: %r vs %r" % (where, mine, want)
        return None if mine == want else "%s: %r vs %r" % (where, mine, want)
    if isinstance(ref, bool) or isinstance(mine, bool):
        return None if mine is ref else "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, int) and isinstance(ref, (str, int)):
        return None if mine == int(ref) else "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, float) or isinstance(ref, float):
        return None if float(mine) == float(ref) else \
            "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, str) and isinstance(ref, str):
        if mine == ref:
            return None
        try:  # other bytes: hex in dump, base64 in json_format
            if bytes.fromhex(mine) == base64.b64decode(ref, validate=True):
                return None
        except ValueError:
            pass
        return "%s: %r vs %r" % (where, mine, ref)
    if mine is None and ref is None:
        return None
    return "%s: %r vs %r" % (where, mine, ref)



def run(argv, stdin=None):
    p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr


def check(netcap, path, pool, message_class):
    """None, or why path fails."""
    rc, dump_json, err = run([netcap, "dump", "--json", path])
    if rc != 0:
        return "dump --json failed: %s" % err.decode(errors="replace")
    try:
        _, ref = read_records.read_records(path, pool, message_class)
    except read_records.ReadError as e:
        return "read_records.py failed: %s" % e
    mine = [json.loads(line) for line in dump_json.decode().splitlines()]
    if len(mine) != len(ref):
        return "dump has %d records, protobuf reader %d" % (len(mine),
                                                             len(ref))
    # the protobuf reader's values went through JSON like the old driver's
    ref = json.loads(json.dumps(ref))
    for i, (m, r) in enumerate(zip(mine, ref)):
        e = same("", m, r, "record %d" % (i + 1))
        if e:
            return e
    _, dump_csv, _ = run([netcap, "dump", "--csv", path])
    rows = list(csv.reader(io.StringIO(dump_csv.decode(), newline="")))
    if len(rows) != len(ref) + 1:
        return "CSV has %d rows for %d records" % (len(rows), len(ref))
    if mine and rows[0] != list(mine[0].keys()):
        return "CSV header %s differs from JSON keys" % rows[0]
    with open(path, "rb") as f:
        data = f.read()
    _, stdin_csv, _ = run([netcap, "dump", "-"], stdin=open(path, "rb"))
    if stdin_csv != dump_csv:
        return "dump - (stdin) differs from dump FILE"
    if len(data) > 200:
        cut = path + ".cut"
        with open(cut, "wb") as f:
            f.write(data[:len(data) * 2 // 3])
        rc, cut_json, cut_err = run([netcap, "dump", "--json", cut])
        os.unlink(cut)
        lines = cut_err.decode(errors="replace").splitlines()
        ok = rc == 1 and len(lines) == 1 and "offset" in lines[0] and \
            dump_json.startswith(cut_json) and \
            (not cut_json or cut_json.endswith(b"\n"))
        if not ok and not (path.endswith(".ncap") and rc == 0):
            return "truncated copy: rc %d, stderr: %s" % (rc, "\n".join(lines))
    return None


def main(argv):
    netcap, files = argv[1], argv[2:]
    pool, message_class = read_records.load_schema()
    fail = 0
    for path in files:
        why = check(netcap, path, pool, message_class)
        if why:
            print("records: %s: %s" % (path, why))
            fail = 1
    print("records: %d files, %s" % (len(files), "FAILED" if fail else "ok"))
    return fail


if __name__ == "__main__":
    sys.exit(main(sys.argv))
