#!/bin/sh
# Short libFuzzer runs: test/fuzz/run.sh TARGET...
# Each target first replays its regression inputs (test/fuzz/regress/<target>/),
# then fuzzes FUZZ_SECONDS with a fixed seed (default: FUZZ_TOTAL, 300 s,
# shared evenly among the targets, at least 5 s each) on the seed corpus
# built from test/data (build/fuzz/corpus/<target>) plus those inputs. New
# corpus units go to build/fuzz/run/<target>, crashes to build/fuzz/crash/.
# Exit 1 when any target crashes, leaks or reports a sanitizer error.
set -u
cd "$(dirname "$0")/../.."
B=build/fuzz
S=${FUZZ_SECONDS:-}
if [ -z "$S" ]; then
	S=$((${FUZZ_TOTAL:-300} / $#))
	[ "$S" -ge 5 ] || S=5
fi
SEED=${FUZZ_SEED:-1}
mkdir -p "$B/crash"
fail=0
for t in "$@"; do
	bin=$B/fuzz_$t
	case $t in
	packet | pcap | records) maxlen=65536 ;;
	*) maxlen=4096 ;;
	esac
	reg=test/fuzz/regress/$t
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
		if ! "$bin" -runs=1 "$reg"/* >"$B/run-$t.log" 2>&1; then
			echo "fuzz $t: regression input fails:"
			tail -30 "$B/run-$t.log"
			fail=1
			continue
		fi
	fi
	rm -rf "$B/run/$t"
	mkdir -p "$B/run/$t" "$B/corpus/$t"
	dirs="$B/run/$t $B/corpus/$t"
	[ -d "$reg" ] && dirs="$dirs $reg"
	# shellcheck disable=SC2086
	if "$bin" -seed="$SEED" -max_total_time="$S" -timeout=10 \
		-rss_limit_mb=2048 -max_len=$maxlen -print_final_stats=1 \
		-artifact_prefix="$B/crash/$t-" $dirs >"$B/run-$t.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/run-$t.log")
		cov=$(grep -o 'cov: [0-9]*' "$B/run-$t.log" | tail -1)
		echo "fuzz $t: ok, $execs runs in ${S}s, $cov"
	else
		echo "fuzz $t: FAILED (log $B/run-$t.log):"
		grep -E "ERROR|SUMMARY|runtime error|Test unit written|^fuzz:" \
			"$B/run-$t.log" | head -20
		fail=1
	fi
done
exit $fail
