#!/bin/sh
# Mutated captures (docs/HARDENING.md): every capture in test/data is
# mutated MUTATE_N times with a fixed seed (default: MUTATE_TOTAL, 1500,
# shared evenly among the captures, at least 15 each, so the suite's time
# stays put as captures are added; make soak runs 1000 each), the way
# Wireshark's fuzz test uses editcap -E: random bit flips and byte
# changes, truncations, and corrupted length fields (pcap file header
# snaplen, record caplen/len; pcapng block lengths, EPB caplen/len). Each
# mutant runs through `netcap capture` (the ASan+UBSan build: NETCAP_ASAN,
# else NETCAP), MUTATE_JOBS (default 2) at a time. A run passes when
#   - capture exits 0 or 1 (1: an unreadable or broken input, with one
#     error line), never by a signal,
#   - stderr has no sanitizer report,
#   - every record file it leaves reads completely with `dump --json`.
# A failing mutant is kept in build/mutate-fail/ with its seed in the name.
#   test/run-mutate.sh [NETCAP]      MUTATE_N, MUTATE_SEED, MUTATE_JOBS
set -u
cd "$(dirname "$0")/.."
NETCAP=${1:-${NETCAP_ASAN:-${NETCAP:-build/asan/netcap}}}
DUMP=${NETCAP_DUMP:-$NETCAP}
export NETCAP DUMP
exec /usr/bin/python3 - "$@" <<'PYEOF'
import concurrent.futures as cf
import glob, os, random, shutil, struct, subprocess, sys, tempfile, time

N = int(os.environ.get("MUTATE_N", "0"))
TOTAL = int(os.environ.get("MUTATE_TOTAL", "1500"))
SEED = int(os.environ.get("MUTATE_SEED", "20240601"))
JOBS = int(os.environ.get("MUTATE_JOBS", "2"))
NETCAP = os.environ["NETCAP"]
DUMP = os.environ["DUMP"]
FAILDIR = "build/mutate-fail"


def length_fields(b):
    """Offsets and sizes of the length fields of a pcap or pcapng file."""
    out = []
    if len(b) < 24:
        return out
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        end = "<" if b[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        off = 0
        while off + 12 <= len(b):
            btype, blen = struct.unpack_from(end + "II", b, off)
            out.append((off + 4, 4, end))  # leading block length
            if off + blen - 4 + 4 <= len(b) and blen >= 12:
                out.append((off + blen - 4, 4, end))  # trailing one
            if btype == 6 and off + 28 <= len(b):  # EPB caplen, len
                out += [(off + 20, 4, end), (off + 24, 4, end)]
            if btype == 3 and off + 12 <= len(b):  # SPB len
                out.append((off + 8, 4, end))
            if blen < 12 or blen % 4:
                break
            off += blen
        return out
    else:
        return out
    out.append((16, 4, end))  # snaplen
    off = 24
    while off + 16 <= len(b):
        caplen, = struct.unpack_from(end + "I", b, off + 8)
        out += [(off + 8, 4, end), (off + 12, 4, end)]
        off += 16 + caplen
    return out


def mutate(data, rng):
    b = bytearray(data)
    kind = rng.randrange(4)
    if kind in (0, 3) and b:  # editcap -E style: each byte with p
        p = rng.choice((0.001, 0.01, 0.05))
        start = 24 if len(b) > 24 and rng.random() < 0.8 else 0
        for i in range(start, len(b)):
            if rng.random() < p:
                r = rng.random()
                if r < 0.5:
                    b[i] ^= 1 << rng.randrange(8)
                elif r < 0.8:
                    b[i] = rng.randrange(256)
                else:
                    b[i] = rng.choice((0x00, 0xff, 0x7f, 0x80))
    if kind in (2, 3):  # corrupt 1..3 length fields
        fields = length_fields(bytes(b))
        for _ in range(rng.randint(1, 3)):
            if not fields:
                break
            off, size, end = rng.choice(fields)
            old, = struct.unpack_from(end + "I", b, off)
            new = rng.choice((0, 1, 0xffffffff, 0x7fffffff, 65535, 65536,
                              262144, 262145, old + 1, max(old - 1, 0),
                              old * 2, old ^ (1 << rng.randrange(32)),
                              rng.randrange(1 << 32)))
            struct.pack_into(end + "I", b, off, new & 0xffffffff)
    if kind == 1 or rng.random() < 0.2:  # truncate
        if len(b) > 1:
            del b[rng.randrange(1, len(b)):]
    return bytes(b)


def run_one(job):
    cap, idx, data = job
    tmp = tempfile.mkdtemp(prefix="ncmut.")
    try:
        inp = os.path.join(tmp, "in.pcap")
        with open(inp, "wb") as f:
            f.write(data)
        out = os.path.join(tmp, "out")
        # a small connection table: EAL and table setup dominate a run
        p = subprocess.run([NETCAP, "capture", "-r", inp, "-o", out,
                            "--workers", "1", "--quiet",
                            "--max-connections", "4096"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE,
                           timeout=120)
        err = p.stderr.decode("utf-8", "replace")
        why = None
        if p.returncode not in (0, 1):
            why = "capture exit %d" % p.returncode
        elif "Sanitizer" in err or "runtime error" in err:
            why = "sanitizer report"
        elif p.returncode == 1 and len(err.strip().splitlines()) != 1:
            why = "exit 1 without exactly one error line"
        else:
            for fn in sorted(glob.glob(os.path.join(out, "*.ncap*"))):
                d = subprocess.run([DUMP, "dump", "--json", fn],
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=120)
                if d.returncode != 0:
                    why = "dump %s: exit %d: %s" % (
                        os.path.basename(fn), d.returncode,
                        d.stderr.decode("utf-8", "replace").strip())
                    break
        if why:
            os.makedirs(FAILDIR, exist_ok=True)
            keep = os.path.join(FAILDIR, "%s.%d.pcap" % (
                os.path.basename(cap), idx))
            with open(keep, "wb") as f:
                f.write(data)
            return "%s mutant %d (%s): %s\n%s" % (cap, idx, keep, why,
                                                 err[-3000:])
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    global N
    caps = sorted(glob.glob("test/data/*.pcap") +
                  glob.glob("test/data/*.pcapng"))
    if N <= 0:
        N = max(15, TOTAL // max(1, len(caps)))
    jobs = []
    for cap in caps:
        with open(cap, "rb") as f:
            data = f.read()
        # one generator per capture: adding a capture changes no mutant
        rng = random.Random("%d:%s" % (SEED, os.path.basename(cap)))
        for i in range(N):
            jobs.append((cap, i, mutate(data, rng)))
    t0 = time.time()
    fails = []
    with cf.ThreadPoolExecutor(JOBS) as ex:
        for r in ex.map(run_one, jobs):
            if r:
                fails.append(r)
                print("mutate: FAIL", r, flush=True)
    print("mutate: %d captures x %d mutants (seed %d), %d failed, %.0f s" % (
        len(caps), N, SEED, len(fails), time.time() - t0))
    return 1 if fails else 0


sys.exit(main())
PYEOF
