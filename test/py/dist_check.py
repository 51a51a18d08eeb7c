#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Record multisets of record directories (test/run-distributed.sh).

    dist_check.py NETCAP same REF OUT   every record type of REF (its
        <Type>.ncap.lz4 files, rotated ones too) has exactly the records of
        OUT's, as a multiset (order free: workers and batches interleave);
        OUT has no type REF lacks. Prints one line; exit 1 on a difference.
    dist_check.py NETCAP subdirs REF OUT   'same' for every subdirectory
        of REF against OUT's of the same name (one per sensor).
    dist_check.py NETCAP count DIR   the records in DIR's files.
    dist_check.py NETCAP missing REF OUT   the records of REF not in OUT
        (a multiset difference); exit 1 when OUT has records REF lacks.
The records are read with `netcap dump --json`, one JSON line each."""
import collections
import os
import subprocess
import sys


def records(netcap, d):
    """{type: Counter(json line)} of directory d."""
    out = collections.defaultdict(collections.Counter)
    if not os.path.isdir(d):
        return out
    for name in sorted(os.listdir(d)):
        if not name.endswith(".ncap.lz4"):
            continue
        typ = name.split(".")[0]
        r = subprocess.run([netcap, "dump", "--json", os.path.join(d, name)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"dump {d}/{name}: {r.stderr.strip()}")
        out[typ].update(l for l in r.stdout.splitlines() if l)
    return out


def same(netcap, ref, got, label):
    a, b = records(netcap, ref), records(netcap, got)
    bad = []
    for t in sorted(set(a) | set(b)):
        missing = a[t] - b[t]
        extra = b[t] - a[t]
        if missing or extra:
            bad.append(f"{t}: {sum(missing.values())} missing, "
                       f"{sum(extra.values())} extra of {sum(a[t].values())}")
    n = sum(sum(c.values()) for c in a.values())
    if bad:
        print(f"{label}: DIFFER: " + "; ".join(bad))
        return False, n
    return True, n


def main():
    netcap, cmd = sys.argv[1], sys.argv[2]
    if cmd == "count":
        print(sum(sum(c.values()) for c in records(netcap, sys.argv[3]).values()))
        return 0
    ref, got = sys.argv[3], sys.argv[4]
    if cmd == "missing":
        a, b = records(netcap, ref), records(netcap, got)
        extra = sum(sum((b[t] - a[t]).values()) for t in b)
        print(sum(sum((a[t] - b[t]).values()) for t in a) if not extra
              else f"{extra} records not in {ref}")
        return 1 if extra else 0
    if cmd == "same":
        ok, n = same(netcap, ref, got, ref)
        if ok:
            print(f"{n} records equal")
        return 0 if ok else 1
    if cmd == "subdirs":
        ok, n, k = True, 0, 0
        for s in sorted(os.listdir(ref)):
            if not os.path.isdir(os.path.join(ref, s)):
                continue
            r, m = same(netcap, os.path.join(ref, s), os.path.join(got, s), s)
            ok &= r
            n += m
            k += 1
        extra = set(os.listdir(got)) - set(os.listdir(ref)) if os.path.isdir(got) else set()
        extra = [e for e in extra if os.path.isdir(os.path.join(got, e)) and
                 any(f.endswith(".ncap.lz4") for f in os.listdir(os.path.join(got, e)))]
        if extra:
            print(f"sensors only in {got}: {sorted(extra)}")
            ok = False
        if ok:
            print(f"{k} sensors, {n} records equal")
        return 0 if ok else 1
    sys.exit(f"unknown command {cmd}")


sys.exit(main())
