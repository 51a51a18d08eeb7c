#!/bin/sh
# Flood tests: three captures from scripts/gen-flood.c (build/gen-flood),
# streamed through a pipe into `netcap capture -r /dev/stdin --workers 2
# --max-connections 100000`. Each run must exit 0, stay under its memory
# bound, and count every item it sheds. The expectations come from the
# generator's summary line (what it sent), not from netcap.
#
#   syn    FLOOD_COUNT (10000000) distinct SYN-only connections: a
#          Connection record for each; the ones pushed out early close as
#          "evicted", as many as events.conn.evicted (>= N - 100000), the
#          rest "end_of_input" (or "timeout", as many as conn.timeout).
#   frags  FLOOD_FRAGS (8000000) datagrams that never complete after a
#          phase of known outcomes: the defrag counters must add up (below).
#   gaps   FLOOD_GAPS (100000) TCP connections with holes of up to 100 MiB,
#          wrapping sequence numbers, swapped, retransmitted and differing
#          overlapping segments, 2000 at a time (20 s apart), with
#          --max-stream-buffer 1M so the reassembly pool runs out: sum of
#          MissedBytes between the octets never sent and those plus the
#          octets sent late (equal to the first when no budget gap was
#          taken), out-of-window segments counted one for one.
#
# Memory bound (peak RSS by GNU time): EAL memory + connection tables +
# defrag tables + TCP stream slots and buffers, as the summary's memory.*
# lines give them, + 64 MiB for code, stacks, stdio and libraries. The
# fragment storm's tables and the stream pool are inside that sum already.
#
# Usage: test/run-flood.sh [path/to/netcap]
#   FLOOD_COUNT, FLOOD_MAXC (100000), FLOOD_FRAGS and FLOOD_GAPS change
#   the sizes; FLOOD_MODES ("syn frags gaps") picks the runs. make soak
#   runs syn with FLOOD_MAXC=10000000: ten million connections all in
#   the table at once, within the memory bound. With NC_SAN set (the sanitizer run) the defaults are small
#   (the caller passes FLOOD_COUNT) and the RSS bound is not checked.
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
if [ -n "${NC_SAN:-}" ]; then
	N=${FLOOD_COUNT:-200000}
	FRAGS=${FLOOD_FRAGS:-200000}
	GAPS=${FLOOD_GAPS:-10000}
else
	N=${FLOOD_COUNT:-10000000}
	FRAGS=${FLOOD_FRAGS:-8000000}
	GAPS=${FLOOD_GAPS:-100000}
fi
MAXC=${FLOOD_MAXC:-100000}
GEN=build/gen-flood
# the generator is plain and optimized whatever build runs the test
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u SAN -u OPT \
	make --no-print-directory -s "$GEN" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "flood: FAIL: $*"
	fail=1
}

# run NAME MODE SIZE [capture options]: generate into a pipe and capture
run() {
	name=$1 mode=$2 size=$3
	shift 3
	{
		"$GEN" "$mode" "$size" - 2>"$tmp/$name.gen"
		echo $? >"$tmp/$name.genrc"
	} | /usr/bin/time -f "%M %e" -o "$tmp/$name.time" "$NETCAP" capture \
		-q -r /dev/stdin -o "$tmp/$name" --workers 2 \
		--max-connections "$MAXC" "$@" >"$tmp/$name.sum" \
		2>"$tmp/$name.err" ||
		bad "$name: capture exited non-zero: $(tail -3 "$tmp/$name.err")"
	[ "$(cat "$tmp/$name.genrc")" = 0 ] ||
		bad "$name: generator failed: $(cat "$tmp/$name.gen")"
}
# val NAME KEY: a summary value (0 when absent: counters are printed only
# when non-zero)
val() { awk -v k="$2" '$1 == k { v = $2 } END { print v == "" ? 0 : v }' "$tmp/$1.sum"; }
# gen NAME KEY: a value of the generator's summary line
gen() {
	tr ' ' '\n' <"$tmp/$1.gen" |
		awk -F= -v k="$2" '$1 == k { v = $2 } END { print v == "" ? 0 : v }'
}
# eq NAME WHAT GOT WANT
eq() { [ "$3" = "$4" ] || bad "$1: $2 is $3, want $4"; }
# rss NAME: check the peak RSS, print "RSS MiB (bound B MiB), T s"
rss() {
	set -- "$1" $(cat "$tmp/$1.time" | tail -1)
	b=$(($(val "$1" memory.eal_mb) * 1048576 + $(val "$1" memory.conn_tables) + \
		$(val "$1" memory.defrag_tables) + $(val "$1" memory.stream_slots) + \
		$(val "$1" memory.stream_buffers) + 64 * 1048576))
	# under ASan the shadow memory makes RSS meaningless
	[ -n "${NC_SAN:-}" ] || [ $(($2 * 1024)) -le "$b" ] ||
		bad "$1: peak RSS $(($2 / 1024)) MiB over the bound $((b / 1048576)) MiB"
	echo "peak RSS $(($2 / 1024)) MiB (bound $((b / 1048576)) MiB), $3 s"
}
# reasons NAME: "reason count" lines of the Connection records
reasons() {
	"$NETCAP" dump --csv --select CloseReason \
		"$tmp/$1/Connection.ncap.lz4" |
		awk 'NR > 1 { n[$0]++ } END { for (r in n) print r, n[r] }'
}
reason() { awk -v r="$2" '$1 == r { v = $2 } END { print v == "" ? 0 : v }' "$tmp/$1.reasons"; }

# want MODE: is MODE among FLOOD_MODES
want() { case " ${FLOOD_MODES:-syn frags gaps} " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- syn: connection table full, least recently active evicted --------
if want syn; then
	run syn syn "$N" --include Connection
	recs=$(val syn records.Connection)
	evicted=$(val syn events.conn.evicted)
	timeouts=$(val syn events.conn.timeout)
	eq syn records.Connection "$recs" "$N"
	eq syn "generated connections" "$(gen syn connections)" "$N"
	[ "$evicted" -ge $((N - MAXC)) ] ||
		bad "syn: events.conn.evicted $evicted, want >= $((N - MAXC))"
	reasons syn >"$tmp/syn.reasons"
	eq syn '"evicted" records' "$(reason syn evicted)" "$evicted"
	eq syn '"timeout" records' "$(reason syn timeout)" "$timeouts"
	eq syn '"evicted" + "timeout" + "end_of_input" records' \
		$(($(reason syn evicted) + $(reason syn timeout) + \
		$(reason syn end_of_input))) "$N"
	echo "flood: syn: $N connections, max-connections $MAXC: $recs records," \
		"$evicted evicted, $timeouts timed out, $(rss syn)"
fi

# ---- frags: defrag table full ----------------------------------------
# defrag.c, per fragment offered (events.ipv4/ipv6.fragment, none cut):
# dropped on arrival and counted once (frag_too_big, dropped_no_room,
# frag_too_many, frag_bad_end; the last two drop the datagram's held
# fragments too), or held in a datagram context. Every context ends
# exactly once: reassembled, timeout, incomplete_at_end, too_many,
# bad_end (too_big and page shortage end none here: the generator sends
# too-big fragments only for fresh datagrams and no datagram takes more
# than 4 of the 4 KiB pages per context). The generator's phase 1 has no
# table pressure, so its outcomes are known: R reassembled, G too big,
# M too many, B bad end, K pending (never complete), O1 overlaps, D1
# differing. Phase 2 sends s single fragments and p pairs (the second of a
# pair at once, same offset, other octets), all of distinct datagrams
# that never complete, and no context is freed while the table is full
# (phase 2 lasts less than the 30 s timeout; the phase-1 leftovers are
# expired by the first phase-2 fragments). So an admitted pair is one
# context, one overlap and one differing overlap; a refused pair is two
# dropped_no_room; a single is one context or one dropped_no_room:
#   p_in = overlaps - O1 = differs - D1          (0 <= p_in <= p)
#   s_no = dropped_no_room - 2 (p - p_in)        (0 <= s_no <= s)
#   timeout + incomplete_at_end = K + (s - s_no) + p_in
# which is: fragments = fragments of reassembled datagrams + dropped on
# arrival + held in dropped datagrams + expired + pending at the end.
if want frags; then
	run frags frags "$FRAGS" --include UDP
	f4=$(val frags events.ipv4.fragment)
	f6=$(val frags events.ipv6.fragment)
	eq frags events.ipv4.fragment "$f4" "$(gen frags v4)"
	eq frags events.ipv6.fragment "$f6" "$(gen frags v6)"
	R=$(gen frags reassembled)
	reasm=$(val frags events.defrag.reassembled)
	eq frags events.defrag.reassembled "$reasm" "$R"
	eq frags records.UDP "$(val frags records.UDP)" "$R"
	eq frags "frag_too_big (v4 + v6)" $(($(val frags events.ipv4.frag_too_big) + \
		$(val frags events.ipv6.frag_too_big))) "$(gen frags too_big)"
	eq frags "frag_too_many (v4 + v6)" $(($(val frags events.ipv4.frag_too_many) + \
		$(val frags events.ipv6.frag_too_many))) "$(gen frags too_many)"
	eq frags "frag_bad_end (v4 + v6)" $(($(val frags events.ipv4.frag_bad_end) + \
		$(val frags events.ipv6.frag_bad_end))) "$(gen frags bad_end)"
	ov=$(($(val frags events.ipv4.frag_overlap) + $(val frags events.ipv6.frag_overlap)))
	df=$(($(val frags events.ipv4.frag_overlap_differs) + \
		$(val frags events.ipv6.frag_overlap_differs)))
	noroom=$(val frags events.defrag.dropped_no_room)
	ended=$(($(val frags events.defrag.timeout) + $(val frags events.defrag.incomplete_at_end)))
	s=$(gen frags singles)
	p=$(gen frags pairs)
	p_in=$((ov - $(gen frags overlap1)))
	eq frags "differing overlaps - D1" $((df - $(gen frags differs1))) "$p_in"
	[ "$p_in" -ge 0 ] && [ "$p_in" -le "$p" ] ||
		bad "frags: $p_in pairs admitted of $p"
	s_no=$((noroom - 2 * (p - p_in)))
	[ "$s_no" -ge 0 ] && [ "$s_no" -le "$s" ] ||
		bad "frags: dropped_no_room $noroom: $s_no singles refused of $s"
	eq frags "timeout + incomplete_at_end" "$ended" \
		$(($(gen frags pending) + s - s_no + p_in))
	[ "$noroom" -gt 0 ] || bad "frags: the defrag table never filled"
	echo "flood: frags: $((f4 + f6)) fragments, $reasm reassembled," \
		"$noroom dropped_no_room, $ended timed out or incomplete at end," \
		"overlaps $ov ($df differing), $(rss frags)"
fi

# ---- gaps: reassembly budgets hit -------------------------------------
if want gaps; then
	run gaps gaps "$GAPS" --include Connection --max-stream-buffer 1M
	eq gaps records.Connection "$(val gaps records.Connection)" "$GAPS"
	eq gaps events.conn.evicted "$(val gaps events.conn.evicted)" 0
	eq gaps events.conn.no_stream_slot "$(val gaps events.conn.no_stream_slot)" 0
	reasons gaps >"$tmp/gaps.reasons"
	eq gaps '"fin" records' "$(reason gaps fin)" "$GAPS"
	missed=$("$NETCAP" dump --csv --select MissedBytes \
		"$tmp/gaps/Connection.ncap.lz4" |
		awk 'NR > 1 { s += $1 } END { printf "%.0f\n", s }')
	skipped=$(gen gaps skipped)
	late=$(gen gaps late)
	budget=$(val gaps events.reasm.budget_gap)
	# awk: the sums pass 2^31 (exact as doubles below 2^53)
	if [ "$budget" = 0 ]; then
		eq gaps "sum of MissedBytes" "$missed" "$skipped"
	else
		awk -v m="$missed" -v s="$skipped" -v l="$late" \
			'BEGIN { exit !(m >= s && m <= s + l) }' ||
			bad "gaps: sum of MissedBytes $missed, want $skipped .. $skipped + $late"
fi
eq gaps events.reasm.out_of_window "$(val gaps events.reasm.out_of_window)" \
	"$(gen gaps far)"
pool=$(val gaps events.reasm.pool_exhausted)
holes=$(val gaps events.reasm.too_many_holes)
[ "$pool" -gt 0 ] && [ "$budget" -ge "$pool" ] && [ "$holes" -gt 0 ] ||
	bad "gaps: budgets not hit: budget_gap $budget, pool_exhausted $pool, too_many_holes $holes"
# the generator sends no data after a FIN (a bare ACK at FIN + 1 is none)
[ "$(val gaps events.reasm.data_after_fin)" = 0 ] ||
	bad "gaps: reasm.data_after_fin $(val gaps events.reasm.data_after_fin), want 0 (no data was sent after a FIN)"
echo "flood: gaps: $GAPS connections, $(gen gaps packets) packets: MissedBytes" \
	"$missed (never sent $skipped, sent late $late), budget_gap $budget," \
	"pool_exhausted $pool, too_many_holes $holes, gap $(val gaps events.reasm.gap)," \
	"$(rss gaps)"
fi

echo "flood: $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
