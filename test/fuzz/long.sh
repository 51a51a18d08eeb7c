#!/bin/sh
# Long libFuzzer runs (docs/HARDENING.md): each target until 10 million
# executions or FUZZ_LONG_SECONDS (default 600), whichever comes first,
# FUZZ_JOBS (default 2) targets at a time. Corpora grow in build/fuzz/long/,
# logs in build/fuzz/long-<target>.log, crashes in build/fuzz/crash/.
#   test/fuzz/long.sh [TARGET...]   (default: every target; run make fuzz first)
set -u
cd "$(dirname "$0")/../.."
B=build/fuzz
: "${FUZZ_LONG_SECONDS:=600}" "${FUZZ_JOBS:=2}" "${FUZZ_RUNS:=10000000}"
export B FUZZ_LONG_SECONDS FUZZ_RUNS
[ $# -gt 0 ] || set -- $(ls test/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
mkdir -p "$B/crash" "$B/long"
printf '%s\n' "$@" | xargs -P "$FUZZ_JOBS" -I{} sh -c '
	t={}
	case $t in packet | pcap | records) m=65536 ;; *) m=4096 ;; esac
	mkdir -p "$B/long/$t" "$B/corpus/$t"
	r=test/fuzz/regress/$t; [ -d "$r" ] || r=
	"$B/fuzz_$t" -seed=1 -runs="$FUZZ_RUNS" -max_total_time="$FUZZ_LONG_SECONDS" \
		-timeout=10 -rss_limit_mb=2048 -max_len=$m -print_final_stats=1 \
		-artifact_prefix="$B/crash/$t-" "$B/long/$t" "$B/corpus/$t" $r \
		>"$B/long-$t.log" 2>&1
	echo "$t rc=$? $(sed -n "s/^stat::number_of_executed_units: *//p" "$B/long-$t.log") execs $(grep -o "cov: [0-9]* ft: [0-9]*" "$B/long-$t.log" | tail -1)"
'
