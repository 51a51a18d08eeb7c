#!/bin/sh
# Pipeline test: the real DPDK engine (EAL without hugepages or PCI, several
# lcores floating over the CPUs) on the bundled captures.
#   1. --workers 1, 2 and 4 (the last with --writers 3, so the record
#      types are spread over three writer lcores) give the same record
#      files, and the same records in each (sorted `netcap dump --json`
#      output), and the same records.* and events.* summary lines. The
#      1-worker run reads with libpcap (NETCAP_PCAP_READER=libpcap), the
#      others with the in-place reader (test/run-pcapread.sh).
#   2. --include limits the files written; --no-compress writes .ncap files
#      holding the same records.
#   3. User errors: non-zero exit, exactly one line on stderr, no output left.
#   4. A capture cut short inside its last packet: exit 0 and one warning.
#   5. A DPDK port (-i net_pcap vdev reading the same capture) gives the
#      same records as -r, timestamps aside (a port stamps packets with its
#      own clock).
# Usage: test/run-pipeline.sh [path/to/netcap]   (DATA=dir to use other captures)
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
DATA=${DATA:-test/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() {
	echo "pipeline: FAIL: $*"
	fail=1
}

# records of every file in dir $1, one sorted JSON file per record file in $2
render() {
	mkdir -p "$2"
	for f in "$1"/*.ncap*; do
		[ -e "$f" ] || continue
		if ! "$NETCAP" dump --json "$f" 2>"$tmp/derr" | LC_ALL=C sort \
			>"$2/$(basename "$f" | sed 's/\.ncap.*//').json"; then
			bad "dump failed on $f: $(cat "$tmp/derr")"
		fi
	done
}

# summary lines that must not depend on the number of workers
counts() {
	grep -E '^(packets|bytes|records\.|events\.|input\.truncated) ' "$1" |
		sed 's/  */ /g'
}

# 1. worker counts
n=0
for cap in "$DATA"/*.pcap "$DATA"/*.pcapng; do
	[ -e "$cap" ] || continue
	n=$((n + 1))
	name=$(basename "$cap")
	for w in 1 2 4; do
		out="$tmp/$name.w$w"
		wr=1 rd=inplace
		[ "$w" = 4 ] && wr=3
		[ "$w" = 1 ] && rd=libpcap
		if ! NETCAP_PCAP_READER=$rd "$NETCAP" capture -r "$cap" -o "$out" \
			--workers "$w" --writers "$wr" --quiet >"$out.sum" 2>"$out.err"; then
			bad "$name --workers $w exited non-zero: $(cat "$out.err")"
			continue
		fi
		if grep -q -E "Sanitizer|runtime error" "$out.err"; then
			bad "$name --workers $w: sanitizer report"
			cat "$out.err"
		fi
		render "$out" "$out.json"
		counts "$out.sum" >"$out.counts"
	done
	for w in 2 4; do
		if ! diff -r "$tmp/$name.w1.json" "$tmp/$name.w$w.json" \
			>"$tmp/diff" 2>&1; then
			bad "$name: records differ between 1 worker (libpcap) and $w (in place)"
			head -20 "$tmp/diff"
		fi
		if ! diff "$tmp/$name.w1.counts" "$tmp/$name.w$w.counts" \
			>"$tmp/diff" 2>&1; then
			bad "$name: summary counts differ between 1 and $w workers"
			head -20 "$tmp/diff"
		fi
	done
	rm -rf "$tmp/$name".w*
done
[ $n -gt 0 ] || bad "no captures in $DATA"

# a capture with records of several types for the tests below
pick=""
for cap in "$DATA"/*.pcap; do
	[ -e "$cap" ] || continue
	sz=$(wc -c <"$cap")
	if [ "$sz" -gt 2000 ]; then
		pick=$cap
		break
	fi
done

if [ -n "$pick" ]; then
	# 2. --include, --no-compress
	"$NETCAP" capture -r "$pick" -o "$tmp/inc" --include Ethernet --quiet \
		>/dev/null 2>&1 || bad "--include Ethernet failed"
	files=$(cd "$tmp/inc" && ls)
	[ "$files" = "Ethernet.ncap.lz4" ] ||
		bad "--include Ethernet wrote: $files"

	"$NETCAP" capture -r "$pick" -o "$tmp/z" --quiet >/dev/null 2>&1 ||
		bad "capture of $pick failed"
	"$NETCAP" capture -r "$pick" -o "$tmp/plain" --no-compress --quiet \
		>/dev/null 2>&1 || bad "--no-compress failed"
	render "$tmp/z" "$tmp/z.json"
	render "$tmp/plain" "$tmp/plain.json"
	ls "$tmp/plain" | grep -q -v '\.ncap$' &&
		bad "--no-compress wrote other than .ncap files"
	diff -r "$tmp/z.json" "$tmp/plain.json" >/dev/null 2>&1 ||
		bad "--no-compress records differ from compressed ones"

	# 4. truncated capture: all but the last 7 bytes
	sz=$(wc -c <"$pick")
	head -c $((sz - 7)) "$pick" >"$tmp/cut.pcap"
	if ! "$NETCAP" capture -r "$tmp/cut.pcap" -o "$tmp/cut" --quiet \
		>"$tmp/cut.sum" 2>"$tmp/cut.err"; then
		bad "truncated capture exited non-zero: $(cat "$tmp/cut.err")"
	fi
	[ "$(wc -l <"$tmp/cut.err")" -eq 1 ] && grep -q warning "$tmp/cut.err" ||
		bad "truncated capture: want one warning line, got: $(cat "$tmp/cut.err")"
	grep -q -E '^input\.truncated +1$' "$tmp/cut.sum" ||
		bad "truncated capture: summary lacks input.truncated 1"

	# 5. the same capture through a DPDK port (net_pcap vdev)
	if ! "$NETCAP" capture -i "net_pcap0,rx_pcap=$pick" --duration 2 \
		--workers 2 -o "$tmp/port" --quiet >"$tmp/port.sum" \
		2>"$tmp/port.err"; then
		bad "-i net_pcap failed: $(cat "$tmp/port.err")"
	fi
	render "$tmp/port" "$tmp/port.json"
	# a port stamps packets with its own clock: drop the fields made from
	# packet times (times, durations, UIDs made from the first time)
	for d in z port; do
		for f in "$tmp/$d.json"/*.json; do
			/usr/bin/python3 -c '
import json, sys
TIMED = {"Timestamp", "TimestampFirst", "TimestampLast", "Duration",
         "UID", "Flows", "Ident", "DoneAfter", "FirstByteAfter"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMED}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
for line in sys.stdin:
    print(json.dumps(strip(json.loads(line)), sort_keys=True))
' <"$f" | LC_ALL=C sort >"$f.nots"
		done
	done
	[ "$(ls "$tmp/z")" = "$(ls "$tmp/port")" ] ||
		bad "-i net_pcap wrote other files than -r: $(ls "$tmp/port")"
	for f in "$tmp/z.json"/*.json; do
		# Connection and Flow: only their count (their times, UIDs and
		# timeout-driven close reasons follow the port's clock)
		case $(basename "$f") in Connection.json | Flow.json)
			[ "$(wc -l <"$f")" = "$(wc -l <"$tmp/port.json/$(basename "$f")")" ] ||
				bad "-i net_pcap: $(basename "$f") has another count than -r"
			continue ;;
		esac
		g="$tmp/port.json/$(basename "$f")"
		cmp -s "$f.nots" "$g.nots" ||
			bad "-i net_pcap: $(basename "$f") differs from -r"
	done
	grep -q -E '^rx\.ring_full_drops\.0 +0$' "$tmp/port.sum" ||
		bad "-i net_pcap: drops or no drop counter in the summary"
else
	bad "no capture over 2000 bytes in $DATA for the flag tests"
	pick="$DATA/missing.pcap"
fi

# 3. user errors: status, one line on stderr, no output directory left
printf 'this is not a capture file\n' >"$tmp/text.pcap"
expect_error() {
	want=$1
	out=$2
	shift 2
	"$@" >"$tmp/e.out" 2>"$tmp/e.err"
	rc=$?
	if [ "$want" = any ]; then
		[ $rc -ne 0 ] || bad "'$*' exited 0"
	else
		[ $rc -eq "$want" ] || bad "'$*' exited $rc, want $want"
	fi
	[ "$(wc -l <"$tmp/e.err")" -eq 1 ] ||
		bad "'$*' wrote $(wc -l <"$tmp/e.err") lines on stderr: $(cat "$tmp/e.err")"
	[ ! -e "$out" ] || bad "'$*' left $out behind"
}
expect_error 1 "$tmp/o1" "$NETCAP" capture -r "$tmp/nonexistent.pcap" -o "$tmp/o1"
expect_error 1 "$tmp/o2" "$NETCAP" capture -r "$tmp/text.pcap" -o "$tmp/o2"
expect_error 2 "$tmp/o3" "$NETCAP" capture -r "$pick" -o "$tmp/o3" --workers 0
expect_error 2 "$tmp/o4" "$NETCAP" capture -r "$pick" -o "$tmp/o4" --no-such-flag
expect_error 2 "$tmp/o5" "$NETCAP" capture -r "$pick" -o "$tmp/o5" --include NoSuchType
expect_error 2 "$tmp/o6" "$NETCAP" capture -o "$tmp/o6"
expect_error 2 "$tmp/o7" "$NETCAP" capture -r "$pick"
expect_error 1 /proc/x "$NETCAP" capture -r "$pick" -o /proc/x
expect_error 1 "$tmp/o8" "$NETCAP" capture -r "$tmp" -o "$tmp/o8"

echo "pipeline: $n captures x 1/2/4 workers, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
