#!/bin/sh
# Flood test: 2 million distinct SYN-only connections (scripts/gen-synflood.py)
# through capture with --max-connections 100000 and 2 workers. The run must
# exit 0, write a Connection record for every connection (those pushed out
# early closed as "evicted" and counted as conn.evicted), and stay under
# the memory bound it reports: EAL memory + connection tables + defrag
# tables + TCP stream slots and buffers (+ 64 MiB for code, stacks, stdio
# and libraries), measured as peak RSS by GNU time.
# Usage: test/run-flood.sh [path/to/netcap]
#   FLOOD_COUNT (2000000) and FLOOD_MAXC (100000) change the sizes; with
#   NC_SAN set (the sanitizer run) the RSS bound is not checked.
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
N=${FLOOD_COUNT:-2000000}
MAXC=${FLOOD_MAXC:-100000}
dir=build/flood
cap=$dir/syn-$N.pcap
mkdir -p "$dir"
[ -s "$cap" ] || python3 scripts/gen-synflood.py --count "$N" "$cap" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "flood: FAIL: $*"
	fail=1
}

if ! /usr/bin/time -f "%M" -o "$tmp/rss" "$NETCAP" capture -q -r "$cap" \
	-o "$tmp/out" --workers 2 --include Connection \
	--max-connections "$MAXC" >"$tmp/sum" 2>"$tmp/err"; then
	bad "capture exited non-zero: $(cat "$tmp/err")"
fi
val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/sum"; }
recs=$(val records.Connection)
evicted=$(val events.conn.evicted)
[ "${recs:-0}" -eq "$N" ] || bad "records.Connection $recs, want $N"
[ "${evicted:-0}" -ge $((N - MAXC)) ] ||
	bad "events.conn.evicted ${evicted:-0}, want >= $((N - MAXC))"
ev=$("$NETCAP" dump --csv --select CloseReason "$tmp/out/Connection.ncap.lz4" |
	grep -c '^evicted$')
[ "$ev" -eq "${evicted:-0}" ] ||
	bad "$ev records say evicted, the counter says ${evicted:-0}"

rss_kb=$(tail -1 "$tmp/rss")
bound=$(( $(val memory.eal_mb) * 1048576 + $(val memory.conn_tables) + \
	$(val memory.defrag_tables) + $(val memory.stream_slots) + \
	$(val memory.stream_buffers) + 64 * 1048576 ))
# under ASan the shadow memory makes RSS meaningless
[ -n "${NC_SAN:-}" ] || [ $((rss_kb * 1024)) -le "$bound" ] ||
	bad "peak RSS $((rss_kb / 1024)) MiB over the bound $((bound / 1048576)) MiB"
echo "flood: $N SYNs, max-connections $MAXC: $recs records, $evicted evicted, peak RSS $((rss_kb / 1024)) MiB (bound $((bound / 1048576)) MiB), $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
