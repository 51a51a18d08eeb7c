#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Counters while running (app/stats.c, docs/ops-stats.md):
#   1. a live replay (net_pcap infinite_rx, 2 workers, 3 s) with
#      --stats-file and --no-telemetry: at least 2 lines, each one JSON
#      object with the documented keys; every counter monotonic from line
#      to line; the last line ("final") equal to the summary on stdout;
#      the identities of the dispatch path (below); no telemetry socket;
#   2. telemetry (on by default for -i): while a 4 s replay runs,
#      /netcap/stats, /netcap/ports and /netcap/workers over the socket
#      (dpdk-telemetry.py's protocol: SOCK_SEQPACKET, one command per
#      message), the port's ipackets > 0;
#   3. -r FILE with --stats-file: the final line matches the summary and
#      the packet count tshark gives for the file;
#   4. --stats-file where nothing can be written: exit 1 with one line,
#      before EAL (no EAL output, no output directory left behind).
#
# Identities checked on the final line, from where the code counts:
#   ports[0].ipackets == rx.packets       (rx_port.c counts every mbuf
#                                          rte_eth_rx_burst returned; the
#                                          PMD counts what it returned)
#   rx.packets == sum(workers[].packets) + sum(rx.ring_full_drops[])
#                 + rx.filtered           (each received packet is either
#                                          enqueued to a worker, which
#                                          counts it once dequeued, dropped
#                                          on a full ring, or filtered)
#   records.Ethernet == sum(workers[].packets)  (tshark: every frame of
#                                          the replayed file is Ethernet)
#
#   test/run-stats.sh [NETCAP]      (about 12 s)
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-${NETCAP:-build/netcap}}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CAP=test/data/http_get_gzip-response.pcap
PORT="net_pcap0,rx_pcap=$CAP,infinite_rx=1"
RUNDIR=/var/run/dpdk
[ "$(id -u)" = 0 ] || RUNDIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
pfx=nc-stats-$$
tmp=$(mktemp -d /tmp/nc-stats.XXXXXX)
trap 'rm -rf "$tmp" "$RUNDIR/$pfx"-*' EXIT INT TERM
fail=0
bad() { echo "stats: FAIL: $*"; fail=1; }

[ -x "$NETCAP" ] || { echo "stats: no netcap binary at $NETCAP"; exit 2; }

# tshark: how many frames the file holds, and that all are Ethernet
nframes=$(tshark -n -r "$CAP" -T fields -e frame.protocols 2>/dev/null | wc -l)
neth=$(tshark -n -r "$CAP" -T fields -e frame.protocols 2>/dev/null | grep -c '^eth:')
[ "$nframes" -gt 0 ] && [ "$nframes" = "$neth" ] ||
	bad "tshark: $CAP: $neth of $nframes frames Ethernet"

# check.py LINES SUMMARY FINAL_ONLY: the checks of 1 and 3 (see the top)
cat >"$tmp/check.py" <<'EOF'
import json, re, sys
lines_path, summary_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
errs = []
def err(m): errs.append(m)
raw = open(lines_path).read().splitlines()
objs = []
for i, l in enumerate(raw):
    try:
        objs.append(json.loads(l))
    except ValueError as e:
        err("line %d is not JSON: %s" % (i + 1, e))
need_lines = 2 if mode == "live" else 1
if len(objs) < need_lines:
    err("%d lines, want at least %d" % (len(objs), need_lines))
keys = {"ts", "elapsed_s", "input", "ports", "rx", "workers", "writer", "drops"}
for i, o in enumerate(objs):
    miss = keys - set(o)
    if miss:
        err("line %d lacks %s" % (i + 1, sorted(miss)))
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o.get("ts", "")):
        err("line %d: ts %r is not UTC ISO" % (i + 1, o.get("ts")))
    for p in o.get("ports", []):
        for k in ("port", "name", "ipackets", "imissed", "rx_nombuf", "ierrors", "queues"):
            if k not in p:
                err("line %d: port lacks %s" % (i + 1, k))
    for k in ("packets", "ring_full_drops", "filtered", "mbuf_pool_waits"):
        if k not in o.get("rx", {}):
            err("line %d: rx lacks %s" % (i + 1, k))
    for w in o.get("workers", []):
        for k in ("packets", "batch_pool_waits", "writer_ring_waits", "dropped_records", "filtered"):
            if k not in w:
                err("line %d: worker lacks %s" % (i + 1, k))
    for k in ("batches", "file_bytes", "backlog", "ring_size", "disk_floor_records"):
        if k not in o.get("writer", {}):
            err("line %d: writer lacks %s" % (i + 1, k))
    for k in ("port_imissed", "port_rx_nombuf", "port_ierrors", "ring_full", "filtered", "disk_floor_records"):
        if k not in o.get("drops", {}):
            err("line %d: drops lacks %s" % (i + 1, k))
if mode == "live" and len(objs) >= 2 and not objs[-2].get("rates"):
    err("interval lines carry no rates")
# every counter monotonic (the writer ring's fill level is not a counter)
def leaves(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from leaves(x, path + "." + k)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from leaves(x, "%s[%d]" % (path, i))
    elif isinstance(v, int) and not isinstance(v, bool):
        yield path, v
prev = None
for i, o in enumerate(objs):
    cur = {}
    for sect in ("ports", "rx", "workers", "writer", "drops"):
        for p, v in leaves(o.get(sect), sect):
            if not p.endswith(".backlog"):
                cur[p] = v
    if prev:
        for p, v in cur.items():
            if p in prev and v < prev[p]:
                err("line %d: %s went down: %d -> %d" % (i + 1, p, prev[p], v))
        if o["elapsed_s"] < prev_el:
            err("line %d: elapsed_s went down" % (i + 1))
    prev, prev_el = cur, o.get("elapsed_s", 0)
if not objs:
    print("\n".join(errs)); sys.exit(1)
last = objs[-1]
if last.get("final") is not True:
    err("the last line is not the final one")
# the summary on stdout
sm = {}
for l in open(summary_path):
    f = l.split()
    if len(f) >= 2:
        sm[f[0]] = f[1]
def eq(key, val):
    if key not in sm:
        err("summary lacks %s" % key)
    elif int(sm[key]) != val:
        err("final line %d != summary %s %s" % (val, key, sm[key]))
rx, ws, wr, d = last["rx"], last["workers"], last["writer"], last["drops"]
eq("packets", rx["packets"])
eq("bytes", rx["bytes"])
eq("rx.mbuf_pool_waits", rx["mbuf_pool_waits"])
eq("rx.chained_packets", rx["chained"])
eq("rx.clipped_packets", rx["clipped"])
eq("workers", len(ws))
for w, k in enumerate(ws):
    eq("worker.packets.%d" % w, k["packets"])
    eq("rx.ring_full_waits.%d" % w, rx["ring_full_waits"][w])
eq("worker.batch_pool_empty_waits", sum(k["batch_pool_waits"] for k in ws))
eq("worker.writer_ring_full_waits", sum(k["writer_ring_waits"] for k in ws))
eq("worker.dropped_records", sum(k["dropped_records"] for k in ws))
eq("worker.oversize_records", sum(k["oversize_records"] for k in ws))
eq("worker.linearized_packets", sum(k["linearized"] for k in ws))
eq("writer.batches", wr["batches"])
eq("writer.files", wr["files"])
eq("writer.bytes", wr["file_bytes"])
if d["batch_pool_waits"] != sum(k["batch_pool_waits"] for k in ws):
    err("drops.batch_pool_waits is not the workers' sum")
if d["ring_full"] != sum(rx["ring_full_drops"]):
    err("drops.ring_full is not the sum of rx.ring_full_drops")
wpk = sum(k["packets"] for k in ws)
eq("records.Ethernet", wpk)
if mode == "live":
    p = last["ports"][0] if last["ports"] else {}
    for k in ("ipackets", "imissed", "rx_nombuf", "ierrors"):
        eq("port." + k, p.get(k, -1))
    for w in range(len(ws)):
        eq("rx.ring_full_drops.%d" % w, rx["ring_full_drops"][w])
    if p.get("ipackets", 0) <= 0:
        err("the port received nothing")
    if p.get("ipackets") != rx["packets"]:
        err("port ipackets %s != rx.packets %d" % (p.get("ipackets"), rx["packets"]))
    qs = sum(q["ipackets"] for q in p.get("queues", []))
    if p.get("queues") and qs != p["ipackets"]:
        err("queue ipackets sum %d != port ipackets %d" % (qs, p["ipackets"]))
    got = wpk + sum(rx["ring_full_drops"]) + rx["filtered"]
    if rx["packets"] != got:
        err("rx.packets %d != workers %d + ring_full %d + filtered %d"
            % (rx["packets"], wpk, sum(rx["ring_full_drops"]), rx["filtered"]))
    print("stats: %d lines; port ipackets %d = workers %d + ring full %d + filtered %d"
          % (len(objs), p.get("ipackets", 0), wpk, sum(rx["ring_full_drops"]), rx["filtered"]))
else:
    if last["ports"]:
        err("a file capture lists ports")
    if rx["packets"] != int(sys.argv[4]):
        err("rx.packets %d != tshark's %s frames" % (rx["packets"], sys.argv[4]))
    if wpk != rx["packets"]:
        err("file: workers %d != rx.packets %d (a file is lossless)" % (wpk, rx["packets"]))
if errs:
    print("\n".join(errs)); sys.exit(1)
EOF

# telemetry client: the first message is the server's greeting, then one
# reply per command
cat >"$tmp/tel.py" <<'EOF'
import json, socket, sys, time
path = sys.argv[1]
end = time.time() + 3
while True:
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.connect(path)
        break
    except OSError:
        s.close()
        if time.time() > end:
            print("no telemetry socket at %s" % path); sys.exit(1)
        time.sleep(0.1)
hello = json.loads(s.recv(1 << 16))
out = {}
for cmd in ("/netcap/stats", "/netcap/ports", "/netcap/workers"):
    s.send(cmd.encode())
    out[cmd] = json.loads(s.recv(1 << 16))[cmd]
st, po, wo = out["/netcap/stats"], out["/netcap/ports"], out["/netcap/workers"]
errs = []
if not isinstance(st, dict) or not st.get("ports/ipackets"):
    errs.append("/netcap/stats has no ports/ipackets: %r" % st)
elif st["ports/ipackets"][0] <= 0:
    errs.append("/netcap/stats: port ipackets %r" % st["ports/ipackets"])
for k in ("rx/packets", "drops/ring_full", "writer/backlog", "workers/packets"):
    if k not in st:
        errs.append("/netcap/stats lacks %s" % k)
if po.get("ports/name") != ["net_pcap0"] or po.get("ports/ipackets", [0])[0] <= 0:
    errs.append("/netcap/ports: %r" % po)
if len(wo.get("workers/packets", [])) != int(sys.argv[2]):
    errs.append("/netcap/workers: %r" % wo)
if errs:
    print("\n".join(errs)); sys.exit(1)
print("stats: telemetry (%s): port ipackets %d, rx packets %d"
      % (hello.get("version"), st["ports/ipackets"][0], st["rx/packets"]))
with open(sys.argv[3], "w") as f:
    json.dump(st, f)
EOF

# 1. live replay, stats file, no telemetry
"$NETCAP" capture -i "$PORT" -o "$tmp/o1" --workers 2 --quiet --duration 3 \
	--no-telemetry --stats-file "$tmp/s1.jsonl" -- --file-prefix "$pfx-1" \
	>"$tmp/sum1" 2>"$tmp/err1" &
pid=$!
sleep 1.5
[ -e "$RUNDIR/$pfx-1/dpdk_telemetry.v2" ] && bad "--no-telemetry: a socket exists"
wait $pid || bad "live capture exit $?: $(cat "$tmp/err1")"
"$PY" "$tmp/check.py" "$tmp/s1.jsonl" "$tmp/sum1" live || bad "stats file (live)"

# 2. telemetry, on by default for -i
"$NETCAP" capture -i "$PORT" -o "$tmp/o2" --workers 2 --quiet --duration 4 \
	-- --file-prefix "$pfx-2" >"$tmp/sum2" 2>"$tmp/err2" &
pid=$!
sleep 1
"$PY" "$tmp/tel.py" "$RUNDIR/$pfx-2/dpdk_telemetry.v2" 2 "$tmp/tel.json" ||
	bad "telemetry"
wait $pid || bad "telemetry capture exit $?: $(cat "$tmp/err2")"
if [ -s "$tmp/tel.json" ]; then
	fin=$(awk '$1 == "port.ipackets" { print $2 }' "$tmp/sum2")
	"$PY" -c 'import json,sys; v=json.load(open(sys.argv[1]))["ports/ipackets"][0]; sys.exit(0 if 0 < v <= int(sys.argv[2]) else 1)' \
		"$tmp/tel.json" "${fin:-0}" || bad "telemetry ipackets beyond the final $fin"
fi

# 3. a file
"$NETCAP" capture -r "$CAP" -o "$tmp/o3" --workers 2 --quiet \
	--stats-file "$tmp/s3.jsonl" -- --file-prefix "$pfx-3" \
	>"$tmp/sum3" 2>"$tmp/err3" || bad "file capture exit $?: $(cat "$tmp/err3")"
"$PY" "$tmp/check.py" "$tmp/s3.jsonl" "$tmp/sum3" file "$nframes" ||
	bad "stats file (-r)"

# 4. unwritable stats file: one line, before EAL
for sf in "$tmp/no-such-dir/s.jsonl" "$tmp"; do
	rc=0
	"$NETCAP" capture -i "$PORT" -o "$tmp/o4" --stats-file "$sf" \
		-- --file-prefix "$pfx-4" >"$tmp/sum4" 2>"$tmp/err4" || rc=$?
	[ $rc = 1 ] || bad "--stats-file $sf: exit $rc, want 1"
	[ "$(wc -l <"$tmp/err4")" = 1 ] ||
		bad "--stats-file $sf: want one line, got: $(cat "$tmp/err4")"
	grep -q -- "--stats-file" "$tmp/err4" ||
		bad "--stats-file $sf: the line does not name the flag"
	grep -q "EAL" "$tmp/err4" && bad "--stats-file $sf: EAL ran"
	[ -e "$tmp/o4" ] && bad "--stats-file $sf: output directory left"
	[ -s "$tmp/sum4" ] && bad "--stats-file $sf: a summary was printed"
done

[ $fail = 0 ] && echo "stats: all passed"
exit $fail
