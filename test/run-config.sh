#!/bin/sh
# --config FILE, --print-config and --cpus (docs/ops-config.md).
#   1. A table of bad config files: each exits 2 with exactly one line on
#      stderr naming the key (or FILE:LINE:COLUMN for JSON syntax), leaves no
#      output directory, starts no EAL and takes well under a second.
#   2. A flag and its key reject the same value with the same limits.
#   3. config/netcap.json prints cleanly, with every key of the layout; the
#      printed settings fed back print identically; the defaults are those
#      the docs give; every flag of --help is documented.
#   4. Flags override the file.
#   5. A capture with its settings in a file writes the same records as the
#      same settings given as flags, and only the types asked for.
#   6. --cpus: with workers+1 CPUs each worker lcore is pinned to a CPU of
#      its own (the kernel's view: /proc/PID/task/*/status).
# test/run-config.sh [path/to/netcap]
set -u
NETCAP=${1:-${NETCAP:-build/netcap}}
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/config-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() {
	echo "FAIL: $*"
	fail=1
}
pcap=test/data/dns_a-aaaa-mx.pcap
# A config error must take well under a second, and EAL never starts.
# Measured as CPU time (user + sys, /usr/bin/time: about 0.01 s; a run that
# starts EAL takes 0.1 s) so a loaded machine does not fail it; without
# /usr/bin/time, wall time. Sanitizer builds start slower.
cpu_limit=0.05 wall_limit_ms=900
[ -n "${NC_SAN:-}" ] && cpu_limit=1.5 wall_limit_ms=3000
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %U+%S -o $tmp/time" &&
	wall_limit_ms=5000

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# reject NAME WANT JSON: a config file holding JSON must be refused with a
# line containing WANT (fixed text).
n_bad=0
reject() {
	name=$1 want=$2
	printf '%s' "$3" >"$tmp/$name.json"
	reject_file "$name" "$want" "$tmp/$name.json"
}
reject_file() {
	name=$1 want=$2 file=$3
	shift 3
	n_bad=$((n_bad + 1))
	out="$tmp/out-$name"
	t0=$(now_ms)
	$TIME "$@" "$NETCAP" capture --config "$file" -r "$pcap" -o "$out" \
		>"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
	t1=$(now_ms)
	if [ -n "$TIME" ]; then
		cpu=$(tail -1 "$tmp/time")
		awk "BEGIN { exit !($cpu < $cpu_limit) }" ||
			bad "$name: took $cpu s of CPU (limit $cpu_limit)"
	fi
	[ $rc -eq 2 ] || bad "$name: exit $rc, want 2 ($(cat "$tmp/e.err"))"
	[ "$(wc -l <"$tmp/e.err")" -eq 1 ] ||
		bad "$name: $(wc -l <"$tmp/e.err") lines on stderr: $(cat "$tmp/e.err")"
	grep -q -F -e "$want" "$tmp/e.err" ||
		bad "$name: stderr lacks '$want': $(cat "$tmp/e.err")"
	grep -q "^netcap capture: " "$tmp/e.err" ||
		bad "$name: stderr is not 'netcap capture: ...': $(cat "$tmp/e.err")"
	grep -q -e "EAL:" -e "EAL init" "$tmp/e.err" && bad "$name: EAL ran: $(cat "$tmp/e.err")"
	[ -s "$tmp/e.out" ] && bad "$name: wrote to stdout: $(head -3 "$tmp/e.out")"
	[ -e "$out" ] && bad "$name: output directory $out was created"
	[ $((t1 - t0)) -lt $wall_limit_ms ] ||
		bad "$name: took $((t1 - t0)) ms (limit $wall_limit_ms)"
}

# 1. bad configs
reject top-unknown 'inptu: unknown key (allowed: input, cpus,' \
	'{"inptu": {}}'
reject nested-unknown 'output.rotate_sise: unknown key (allowed: dir,' \
	'{"output": {"rotate_sise": 1}}'
reject top-dotted 'output.dir: unknown key (allowed: input,' \
	'{"output.dir": "/tmp"}'
reject timeout-unknown 'timeouts.sctp: unknown key' \
	'{"timeouts": {"sctp": 5}}'
reject size-type 'output.rotate_size: true is not a size' \
	'{"output": {"rotate_size": true}}'
reject size-suffix 'output.min_free_disk: "64MB" is not a size from 0 to 1T' \
	'{"output": {"min_free_disk": "64MB"}}'
reject size-high 'limits.max_app_memory: "2T" is not a size from 1 to 1T' \
	'{"limits": {"max_app_memory": "2T"}}'
reject size-low 'output.rotate_size: 100 is not a size from 4K (or 0: off)' \
	'{"output": {"rotate_size": 100}}'
reject uint-zero 'limits.max_connections: 0 is not a number from 1 to 1000000000' \
	'{"limits": {"max_connections": 0}}'
reject uint-high 'cpus.workers: 65 is not a number from 1 to 64' \
	'{"cpus": {"workers": 65}}'
reject uint-negative 'input.rx_desc: -1 is not a number from 64 to 32768' \
	'{"input": {"rx_desc": -1}}'
reject uint-real 'input.mtu: 1500.5 is not a number from 68 to 9000' \
	'{"input": {"mtu": 1500.5}}'
reject uint-string 'limits.max_streams: "10" is not a number from 0 to' \
	'{"limits": {"max_streams": "10"}}'
reject seconds-low 'stats.interval: 0.01 is not a number of seconds from 0.1 to 3600' \
	'{"stats": {"interval": 0.01}}'
reject seconds-type 'input.link_wait: "10" is not a number of seconds' \
	'{"input": {"link_wait": "10"}}'
reject seconds-off 'output.rotate_interval: 0.5 is not a number of seconds from 1' \
	'{"output": {"rotate_interval": 0.5}}'
reject timeout-zero 'timeouts.udp: 0 is not a positive number of seconds' \
	'{"timeouts": {"udp": 0}}'
reject enum 'input.rx_mode: "fast" is not auto, rss or dispatch' \
	'{"input": {"rx_mode": "fast"}}'
reject enum-rss 'input.rss_fields: "l4" is not ip or ip,l4' \
	'{"input": {"rss_fields": "l4"}}'
reject rectype 'records.include: unknown record type "NoSuchType" (valid: ' \
	'{"records": {"include": ["Connection", "NoSuchType"]}}'
reject rectype-list 'records.exclude: "DNS" is not a list of record type names' \
	'{"records": {"exclude": "DNS"}}'
reject bool 'output.compress: "yes" is not true or false' \
	'{"output": {"compress": "yes"}}'
reject tristate 'stats.telemetry: 1 is not true, false or null' \
	'{"stats": {"telemetry": 1}}'
reject string-type 'output.files: 5 is not a directory (a string), or null' \
	'{"output": {"files": 5}}'
reject string-empty 'output.dir: empty directory' \
	'{"output": {"dir": ""}}'
reject section-type 'limits: [] is not an object' \
	'{"limits": []}'
reject null-section 'stats: null is not an object' \
	'{"stats": null}'
reject null-scalar 'limits.max_connections: null is not a number' \
	'{"limits": {"max_connections": null}}'
reject eal-args 'eal_args: 3 is not an EAL argument' \
	'{"eal_args": ["--log-level", 3]}'
reject cpus-syntax 'cpus.cpu_list: "0-" is not a list of CPUs' \
	'{"cpus": {"cpu_list": "0-"}}'
reject cpus-reversed 'cpus.cpu_list: "3-1" is not a list of CPUs' \
	'{"cpus": {"cpu_list": "3-1"}}'
ncpu=$(getconf _NPROCESSORS_CONF)
reject cpus-missing "cpus.cpu_list: \"$ncpu\" names CPU $ncpu, which does not exist" \
	"{\"cpus\": {\"cpu_list\": \"$ncpu\"}}"
if [ "$(nproc)" -ge 2 ]; then
	printf '{"cpus": {"cpu_list": "1"}}' >"$tmp/cpus-affinity.json"
	reject_file cpus-affinity 'cpus.cpu_list: "1" names CPU 1, which this process may not use (it may use 0)' \
		"$tmp/cpus-affinity.json" taskset -c 0
fi
reject streams 'output.streams needs stream reassembly (limits.max_streams is 0)' \
	"{\"limits\": {\"max_streams\": 0}, \"output\": {\"streams\": \"$tmp/s\"}}"
reject duplicate 'duplicate.json:1:' \
	'{"cpus": {"workers": 2, "workers": 3}}'
grep -q 'duplicate object key' "$tmp/e.err" ||
	bad "duplicate: jansson's text missing: $(cat "$tmp/e.err")"
reject syntax 'syntax.json:3:' \
	'{
  "quiet": false
  "eal_args": []
}'
reject trailing-comma 'trailing-comma.json:1:' \
	'{"cpus": {"workers": 2,}}'
reject empty 'empty.json: empty file' ''
reject tunnels-unknown '--tunnels: unknown tunnel "vxlanx"' \
	'{"records": {"tunnels": "gre,vxlanx"}}'
reject file-hashes-unknown "--file-hashes: unknown hash 'sha512'" \
	'{"output": {"file_hashes": "md5,sha512"}}'
reject not-object 'not-object.json: the top level is [1,2], not an object' \
	'[1,2]'
reject_file no-such-file "$tmp/nonexistent.json: cannot read: No such file" \
	"$tmp/nonexistent.json"
reject_file directory "$tmp: cannot read: Is a directory" "$tmp"
# the first bad key stops the file: nothing after it is created either
reject later-dir 'cpus.workers: 0 is not' \
	"{\"cpus\": {\"workers\": 0}, \"output\": {\"dir\": \"$tmp/later\"}}"
[ -e "$tmp/later" ] && bad "later-dir: $tmp/later was created"
echo "bad configs: $n_bad"
[ $n_bad -ge 20 ] || bad "only $n_bad bad configs"

# 2. the same limits and message for a flag and its key
same_limits() {
	flag=$1 value=$2 json=$3
	"$NETCAP" capture -r "$pcap" -o "$tmp/o" $flag "$value" 2>"$tmp/f.err"
	printf '%s' "$json" >"$tmp/same.json"
	"$NETCAP" capture -r "$pcap" -o "$tmp/o" --config "$tmp/same.json" \
		2>"$tmp/j.err"
	a=$(sed -e 's/.* is not //' -e "s/ (try 'netcap capture --help')//" "$tmp/f.err")
	b=$(sed -e 's/.* is not //' -e 's/, or null$//' "$tmp/j.err")
	[ -n "$a" ] && [ "$a" = "$b" ] ||
		bad "$flag $value: flag says '$(cat "$tmp/f.err")', file says '$(cat "$tmp/j.err")'"
}
same_limits --workers 0 '{"cpus": {"workers": 0}}'
same_limits --max-connections 0 '{"limits": {"max_connections": 0}}'
same_limits --stats-interval 4000 '{"stats": {"interval": 4000}}'
same_limits --rotate-interval 0.5 '{"output": {"rotate_interval": 0.5}}'
same_limits --rx-mode fast '{"input": {"rx_mode": "fast"}}'
same_limits --mbufs 10 '{"input": {"mbufs": 10}}'

# 3. the example file, the round trip, the defaults, the documentation
if ! "$NETCAP" capture --config config/netcap.json --print-config \
	>"$tmp/p1.json" 2>"$tmp/p1.err"; then
	bad "config/netcap.json: --print-config failed: $(cat "$tmp/p1.err")"
fi
[ -s "$tmp/p1.err" ] && bad "config/netcap.json: stderr: $(cat "$tmp/p1.err")"
"$NETCAP" capture --config "$tmp/p1.json" --print-config >"$tmp/p2.json" \
	2>"$tmp/p2.err" || bad "round trip: --print-config failed: $(cat "$tmp/p2.err")"
cmp -s "$tmp/p1.json" "$tmp/p2.json" ||
	bad "round trip: printed settings differ: $(diff "$tmp/p1.json" "$tmp/p2.json" | head -5)"
"$NETCAP" capture --print-config >"$tmp/def.json" 2>"$tmp/def.err" ||
	bad "--print-config without a file failed: $(cat "$tmp/def.err")"
$PY - "$tmp/p1.json" config/netcap.json "$tmp/def.json" docs/ops-config.md <<'EOF' || fail=1
import json, re, sys
printed, example, defaults, doc = sys.argv[1:5]
def keys(d, pre=""):
    out = set()
    for k, v in d.items():
        if isinstance(v, dict):
            out |= keys(v, pre + k + ".")
        else:
            out.add(pre + k)
    return out
p, e, d = (json.load(open(f)) for f in (printed, example, defaults))
bad = 0
if keys(p) != keys(e):
    print("FAIL: printed keys differ from config/netcap.json:",
          sorted(keys(p) ^ keys(e)))
    bad = 1
text = open(doc).read()
for k in sorted(keys(e)):
    if "`%s`" % k not in text:
        print("FAIL: docs/ops-config.md does not document key", k)
        bad = 1
# defaults as docs/ops-config.md and the usage text state them
want = {
    "input.rx_mode": "auto", "input.rss_fields": "ip", "input.rx_desc": 1024,
    "input.link_wait": 10, "input.mtu": None, "input.duration": None,
    "records.include": None, "records.exclude": [], "output.compress": True,
    "output.min_free_disk": "64M", "output.max_file_size": "64M",
    "output.max_files_bytes": "1G", "output.rotate_size": 0,
    "limits.max_connections": 1000000, "limits.defrag": True,
    "timeouts.tcp_handshake": 30, "timeouts.tcp_established": 3600,
    "timeouts.tcp_closed": 10, "timeouts.udp": 60, "timeouts.icmp": 30,
    "timeouts.other": 60, "stats.interval": 1, "stats.telemetry": None,
    "quiet": False, "eal_args": [],
}
for k, v in want.items():
    node = d
    for part in k.split("."):
        node = node[part]
    if node != v:
        print("FAIL: default of %s is %r, docs say %r" % (k, node, v))
        bad = 1
sys.exit(bad)
EOF
for flag in $("$NETCAP" capture --help | grep -o -e '--[a-z][a-z-]*' | sort -u); do
	grep -q -e "$flag" docs/ops-config.md ||
		bad "docs/ops-config.md does not mention $flag"
done

# 4. flags override the file
cat >"$tmp/over.json" <<EOF
{"input": {"interface": "net_null0"}, "cpus": {"workers": 3},
 "records": {"include": ["DNS"]}, "timeouts": {"udp": 5, "icmp": 7},
 "output": {"dir": "$tmp/from-file"}}
EOF
"$NETCAP" capture --config "$tmp/over.json" -w 1 -r "$pcap" \
	--include Connection --timeout udp=9 --print-config \
	>"$tmp/over.out" 2>"$tmp/over.err" ||
	bad "override: failed: $(cat "$tmp/over.err")"
$PY - "$tmp/over.out" "$pcap" "$tmp/from-file" <<'EOF' || fail=1
import json, sys
p = json.load(open(sys.argv[1]))
got = (p["cpus"]["workers"], p["records"]["include"], p["timeouts"]["udp"],
       p["timeouts"]["icmp"], p["input"]["read"], p["input"]["interface"],
       p["output"]["dir"])
want = (1, ["Connection"], 9, 7, sys.argv[2], None, sys.argv[3])
if got != want:
    print("FAIL: override: got %r, want %r" % (got, want))
    sys.exit(1)
EOF

# 5. the same capture from flags and from a file
"$NETCAP" capture -r "$pcap" -o "$tmp/by-flags" -w 2 --include DNS,UDP,Connection \
	--no-compress --timeout udp=5 --max-connections 1000 --quiet \
	>"$tmp/flags.sum" 2>"$tmp/flags.err" ||
	bad "capture with flags failed: $(cat "$tmp/flags.err")"
cat >"$tmp/cap.json" <<EOF
{"input": {"read": "$pcap"}, "cpus": {"workers": 2},
 "records": {"include": ["DNS", "UDP", "Connection"]},
 "output": {"dir": "$tmp/by-file", "compress": false},
 "limits": {"max_connections": 1000}, "timeouts": {"udp": 5}, "quiet": true}
EOF
"$NETCAP" capture --config "$tmp/cap.json" >"$tmp/file.sum" 2>"$tmp/file.err" ||
	bad "capture with --config failed: $(cat "$tmp/file.err")"
want_files="Connection.ncap DNS.ncap UDP.ncap"
for d in by-flags by-file; do
	got=$(cd "$tmp/$d" 2>/dev/null && ls | sort | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want_files" ] || bad "$d: files '$got', want '$want_files'"
done
for f in $want_files; do
	"$NETCAP" dump --json "$tmp/by-flags/$f" 2>&1 | sort >"$tmp/a.txt"
	"$NETCAP" dump --json "$tmp/by-file/$f" 2>&1 | sort >"$tmp/b.txt"
	[ -s "$tmp/a.txt" ] || bad "$f: no records with flags"
	cmp -s "$tmp/a.txt" "$tmp/b.txt" ||
		bad "$f: records differ between flags and --config"
done
# tshark counts the DNS messages the records must cover
if command -v tshark >/dev/null 2>&1; then
	n_dns=$(tshark -r "$pcap" -Y dns 2>/dev/null | wc -l)
	n_rec=$("$NETCAP" dump --json "$tmp/by-file/DNS.ncap" | wc -l)
	[ "$n_dns" -eq "$n_rec" ] ||
		bad "DNS records from --config: $n_rec, tshark counts $n_dns"
fi

# 6. --cpus: where the kernel runs each lcore thread
lcore_cpus() { # ARGS... : "comm=cpus" per thread of a live capture
	"$NETCAP" capture -i net_null0 -o "$tmp/live" --duration 3 --quiet \
		"$@" >"$tmp/live.sum" 2>"$tmp/live.err" &
	pid=$!
	i=0
	while [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
		ls /proc/$pid/task 2>/dev/null | wc -l | grep -q -v -e '^[0-3]$' ||
			continue
		grep -q rte-worker /proc/$pid/task/*/comm 2>/dev/null && break
	done
	sleep 0.3
	for t in /proc/$pid/task/*; do
		printf '%s=%s\n' "$(cat "$t/comm")" \
			"$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$t/status")"
	done 2>/dev/null | sort
	wait $pid || echo "exit=$?: $(cat "$tmp/live.err")"
	rm -rf "$tmp/live"
}
if [ "$(nproc)" -ge 2 ]; then
	# lcores: 0 main, 1 RX, 2 worker, 3 writer (EAL threads rte-worker-N)
	got=$(lcore_cpus -w 1 --cpus 0-1 | grep -e '^netcap=' -e '^rte-worker' | tr '\n' ' ')
	want="netcap=0 rte-worker-1=0 rte-worker-2=1 rte-worker-3=0 "
	[ "$got" = "$want" ] || bad "--cpus 0-1 -w 1: threads '$got', want '$want'"
	# too few CPUs for a CPU per worker: every lcore floats over the list
	got=$(lcore_cpus -w 2 --cpus 0-1 | grep -e '^netcap=' -e '^rte-worker' | tr '\n' ' ')
	want="netcap=0-1 rte-worker-1=0-1 rte-worker-2=0-1 rte-worker-3=0-1 rte-worker-4=0-1 "
	[ "$got" = "$want" ] || bad "--cpus 0-1 -w 2: threads '$got', want '$want'"
fi

[ $fail = 0 ] && echo "config: all passed"
exit $fail
