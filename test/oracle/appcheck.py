#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cross-check netcap's application-layer records against Wireshark.

usage: appcheck.py [-v] [--netcap BIN] [--exceptions FILE] [--only MOD,...]
                   CAPTURE...

For each capture:
  1. netcap capture -r CAPTURE -o TMP --workers 1 -q --file-hashes all
     (every record type, every File digest),
     then netcap dump --json of every record file: records[Type] is the
     list of records in file order.
  2. One tshark pass (TCP reassembly and IP defragmentation on, as
     Wireshark's defaults) with -T fields: frame.number, frame.time_epoch,
     frame.protocols, the addresses and ports, and every field a module in
     test/oracle/app/ asks for. frames[i] maps a field name to the list of
     its values in that frame (occurrence=a), missing fields map to [].
  3. Every module whose PROTOS appear in some frame's frame.protocols (or
     whose TYPES have records) runs check(ctx). The expected values come
     from tshark only; a module compares them with the records.

A module (test/oracle/app/<name>.py) defines
  PROTOS  tshark protocol names (frame.protocols entries), e.g. ["dns"]
  TYPES   netcap record types it checks, e.g. ["DNS"]
  FIELDS  tshark fields it needs
  check(ctx)  ctx.frames, ctx.recs, ctx.cap, ctx.tmp, ctx.netcap,
              ctx.eq(what, want, got) (one comparison), ctx.bad(what)
              (a mismatch), ctx.tshark(args) (another tshark run's stdout,
              e.g. --export-objects), helpers below.

Every mismatch is printed "MISMATCH <capture> <module>: <what>" unless
test/oracle/APP_EXCEPTIONS lists it ("capture-glob module what-glob #
reason"). Output per capture: "appcheck CAP: <module> N compared, K
mismatches ..."; exit 0 only when no mismatch is left.
"""
import argparse
import fnmatch
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
AGG, SEP = "\x1f", "\x1e"

BASE_FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
    "tcp.stream", "udp.stream",
]


def load_modules(only):
    mods = []
    for path in sorted(glob.glob(os.path.join(HERE, "app", "*.py"))):
        name = os.path.basename(path)[:-3]
        if name.startswith("_") or (only and name not in only):
            continue
        spec = importlib.util.spec_from_file_location("appmod_" + name, path)
        m = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(m)
        m.NAME = name
        mods.append(m)
    return mods


def epoch_ns(s):
    """tshark frame.time_epoch ("S.fffffffff") -> int ns."""
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    sec, _, frac = s.partition(".")
    v = int(sec) * 1000000000 + int((frac + "000000000")[:9])
    return -v if neg else v


def run_tshark(cap, fields, extra=()):
    cmd = ["tshark", "-n", "-r", cap, "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=" + AGG,
           "-E", "separator=" + SEP] + list(extra)
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    frames = []
    for line in p.stdout.decode("utf-8", "replace").split("\n"):
        if not line:
            continue
        cols = line.split(SEP)
        fr = {}
        for f, v in zip(fields, cols):
            fr[f] = v.split(AGG) if v != "" else []
        frames.append(fr)
    return frames


def run_netcap(netcap, cap, tmp):
    out = os.path.join(tmp, "out")
    # every File digest: the HTTP module checks SHA256 as well as Hash
    p = subprocess.run([netcap, "capture", "-r", cap, "-o", out,
                        "--workers", "1", "-q", "--file-hashes", "all"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        raise RuntimeError("netcap capture failed (%d): %s" %
                           (p.returncode, p.stderr.decode()[-500:]))
    recs = {}
    for f in sorted(glob.glob(os.path.join(out, "*.ncap.lz4"))):
        t = os.path.basename(f).split(".")[0]
        d = subprocess.run([netcap, "dump", "--json", f],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if d.returncode != 0:
            raise RuntimeError("dump %s failed: %s" % (f, d.stderr.decode()))
        recs[t] = [json.loads(l) for l in d.stdout.decode().splitlines() if l]
    return recs


class Ctx:
    def __init__(self, cap, tmp, netcap, frames, recs, exceptions, verbose):
        self.cap, self.tmp, self.netcap = cap, tmp, netcap
        self.frames, self.recs = frames, recs
        self._exc, self.verbose = exceptions, verbose
        self.mod = None
        self.compared = self.mismatches = self.excepted = 0

    def _excepted(self, what):
        base = os.path.basename(self.cap)
        for cg, mod, wg, _ in self._exc:
            if fnmatch.fnmatch(base, cg) and mod == self.mod and \
                    fnmatch.fnmatch(what, wg):
                return True
        return False

    def bad(self, what):
        if self._excepted(what):
            self.excepted += 1
            if self.verbose:
                print("  excepted %s %s: %s" %
                      (os.path.basename(self.cap), self.mod, what))
            return
        self.mismatches += 1
        print("MISMATCH %s %s: %s" % (os.path.basename(self.cap), self.mod,
                                      what))

    def eq(self, what, want, got):
        """One comparison: want (from tshark) against got (netcap)."""
        self.compared += 1
        if want != got:
            self.bad("%s: tshark %r, netcap %r" % (what, want, got))
            return False
        return True

    def tshark(self, args):
        p = subprocess.run(["tshark", "-n", "-r", self.cap] + list(args),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.stdout.decode("utf-8", "replace")

    @staticmethod
    def ts(frame):
        return epoch_ns(frame["frame.time_epoch"][0])

    @staticmethod
    def has(frame, proto):
        return proto in frame["frame.protocols"][0].split(":") \
            if frame["frame.protocols"] else False

    @staticmethod
    def src(frame):
        v = frame["ip.src"] or frame["ipv6.src"]
        return v[-1] if v else ""

    @staticmethod
    def dst(frame):
        v = frame["ip.dst"] or frame["ipv6.dst"]
        return v[-1] if v else ""

    @staticmethod
    def ports(frame):
        for p in ("tcp", "udp"):
            if frame[p + ".srcport"]:
                return int(frame[p + ".srcport"][-1]), \
                    int(frame[p + ".dstport"][-1])
        return 0, 0


def load_exceptions(path):
    out = []
    if not os.path.exists(path):
        return out
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        body, _, reason = line.partition("#")
        parts = body.split(None, 2)
        if len(parts) != 3 or not reason.strip():
            sys.exit("%s: bad line (capture module what # reason): %s" %
                     (path, line))
        out.append((parts[0], parts[1], parts[2].strip(), reason.strip()))
    return out


def check_capture(cap, netcap, mods, exceptions, verbose):
    tmp = tempfile.mkdtemp(prefix="appcheck.")
    try:
        fields = list(BASE_FIELDS)
        for m in mods:
            fields += [f for f in m.FIELDS if f not in fields]
        frames = run_tshark(cap, fields)
        recs = run_netcap(netcap, cap, tmp)
        protos = set()
        for fr in frames:
            if fr["frame.protocols"]:
                protos.update(fr["frame.protocols"][0].split(":"))
        ctx = Ctx(cap, tmp, netcap, frames, recs, exceptions, verbose)
        parts = []
        for m in mods:
            if not (protos & set(m.PROTOS)) and \
                    not any(recs.get(t) for t in m.TYPES):
                continue
            ctx.mod = m.NAME
            c0, b0, e0 = ctx.compared, ctx.mismatches, ctx.excepted
            m.check(ctx)
            parts.append("%s %d compared, %d mismatches%s" % (
                m.NAME, ctx.compared - c0, ctx.mismatches - b0,
                (", %d excepted" % (ctx.excepted - e0))
                if ctx.excepted - e0 else ""))
        print("appcheck %s: %s" % (os.path.basename(cap),
                                   "; ".join(parts) or "no application data"))
        return ctx.mismatches
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--netcap", default=os.path.join(HERE, "..", "..",
                                                     "build", "netcap"))
    ap.add_argument("--exceptions",
                    default=os.path.join(HERE, "APP_EXCEPTIONS"))
    ap.add_argument("--only", default="")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    mods = load_modules(set(a.only.split(",")) if a.only else None)
    exc = load_exceptions(a.exceptions)
    bad = 0
    for cap in a.captures:
        try:
            bad += check_capture(cap, a.netcap, mods, exc, a.v)
        except RuntimeError as e:
            print("MISMATCH %s: %s" % (os.path.basename(cap), e))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
