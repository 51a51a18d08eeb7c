#!/bin/sh
# Hard stops lose nothing written (docs/HARDENING.md): `netcap capture` on a
# large capture (scripts/mkbench.py, KILL_PACKETS packets, default 400000)
# is killed with SIGKILL at KILL_TRIALS (default 10) random points (fixed
# seed KILL_SEED). After each kill, every record file it left must read
# with `dump --json` up to its last complete block:
#   - dump exits 0, or 1 with exactly one error line (truncated file,
#     missing end mark), never by a signal;
#   - every line it prints is a JSON object;
#   - the records are a prefix of the same type's records of a complete
#     run (one worker, so the order of each type is fixed): nothing
#     garbled, nothing invented. Connection and Flow records are written
#     when connections close, which for timeouts depends on burst
#     boundaries (wall-clock timing), so for them each record must be one
#     of the complete run's records instead.
#   test/run-killtest.sh [NETCAP]
set -u
cd "$(dirname "$0")/.."
NETCAP=${1:-${NETCAP:-build/netcap}}
export NETCAP
exec /usr/bin/python3 - <<'PYEOF'
import glob, json, os, random, shutil, signal, subprocess, sys, time

NETCAP = os.environ["NETCAP"]
PACKETS = int(os.environ.get("KILL_PACKETS", "400000"))
TRIALS = int(os.environ.get("KILL_TRIALS", "10"))
SEED = int(os.environ.get("KILL_SEED", "7"))
D = "build/killtest"
BIG = "%s/big-%d.pcap" % (D, PACKETS)
os.makedirs(D, exist_ok=True)


def capture(out):
    return subprocess.Popen([NETCAP, "capture", "-r", BIG, "-o", out,
                             "--workers", "1", "--quiet"],
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def dump(path, out):
    with open(out, "wb") as f:
        return subprocess.run([NETCAP, "dump", "--json", path], stdout=f,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


if not os.path.exists(BIG):
    subprocess.run([sys.executable, "scripts/mkbench.py", "--packets",
                    str(PACKETS), BIG + ".tmp"], check=True,
                   stdout=subprocess.DEVNULL)
    os.rename(BIG + ".tmp", BIG)

# the complete run: its duration and every type's records
ref = D + "/ref"
shutil.rmtree(ref, ignore_errors=True)
t0 = time.time()
p = capture(ref)
_, err = p.communicate()
full = time.time() - t0
if p.returncode != 0:
    print("killtest: the complete run failed:", err.decode()[-2000:])
    sys.exit(1)
UNORDERED = ("Connection.ncap.lz4", "Flow.ncap.lz4")
refset = {}
for f in glob.glob(ref + "/*.ncap.lz4"):
    if dump(f, f + ".json").returncode != 0:
        print("killtest: reference", f, "does not dump")
        sys.exit(1)
    with open(f + ".json", "rb") as fh:
        lines = fh.read().splitlines()
    for line in lines[::997]:  # dump writes JSON; check a sample
        json.loads(line)
    if os.path.basename(f) in UNORDERED:
        refset[os.path.basename(f)] = set(lines)
print("killtest: %d packets, complete run %.2f s" % (PACKETS, full))

rng = random.Random(SEED)
fail = 0
for trial in range(TRIALS):
    delay = rng.uniform(0.25, max(0.3, full * 0.95))
    out = "%s/kill%d" % (D, trial)
    shutil.rmtree(out, ignore_errors=True)
    p = capture(out)
    time.sleep(delay)
    killed = p.poll() is None
    p.kill()
    p.wait()
    files = sorted(glob.glob(out + "/*.ncap.lz4"))
    recs = partial = 0
    for f in files:
        name = os.path.basename(f)
        j = f + ".json"
        d = dump(f, j)
        errl = d.stderr.decode("utf-8", "replace").strip().splitlines()
        why = None
        if d.returncode not in (0, 1):
            why = "dump exit %d" % d.returncode
        elif d.returncode == 1 and len(errl) != 1:
            why = "dump exit 1 with %d error lines" % len(errl)
        else:
            partial += d.returncode == 1
            size = os.path.getsize(j)
            rj = os.path.join(ref, name + ".json")
            with open(j, "rb") as fh:
                if size:
                    fh.seek(size - 1)
                    if fh.read(1) != b"\n":
                        why = "the last record is cut"
                fh.seek(0)
                if name in UNORDERED:
                    n = 0
                    for line in fh:
                        n += 1
                        if line.rstrip(b"\n") not in refset.get(name, ()):
                            why = "record %d is not one of the complete " \
                                  "run's" % n
                            break
                    recs += n
                else:
                    recs += sum(buf.count(b"\n") for buf in
                                iter(lambda: fh.read(1 << 20), b""))
            if why is None and size and not os.path.exists(rj):
                why = "records of a type the complete run lacks"
            elif why is None and size and name not in UNORDERED:
                c = subprocess.run(["cmp", "-s", "-n", str(size), j, rj])
                if c.returncode != 0:
                    why = "records are not a prefix of the complete run's"
        if why:
            print("killtest: FAIL trial %d (kill at %.2f s) %s: %s %s" % (
                trial, delay, name, why, " ".join(errl)[:300]))
            fail = 1
        os.remove(j)
    print("killtest: trial %d: SIGKILL at %.2f s%s, %d files, %d records "
          "read, %d files cut" % (trial, delay, "" if killed else
                                  " (had already exited)", len(files), recs,
                                  partial))
    if not fail:
        shutil.rmtree(out, ignore_errors=True)
for f in glob.glob(ref + "/*.json"):
    os.remove(f)
print("killtest:", "all passed" if not fail else "FAILED")
sys.exit(fail)
PYEOF
