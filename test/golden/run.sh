#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Golden tests. Each line of test/golden/TESTLIST is
#     name capture expected [capture options...]
# (capture is in test/data, expected in test/golden; '#' starts a comment).
# The capture is run with one worker, so every record file is in packet
# order, and rendered as text:
#   # golden: <capture> <options>
#   # capture exit status <rc>
#   ## <Type>            for each record file, in records/rec_types.def order
#   <netcap dump --csv of that file: the header line, then the rows sorted>
#   ## summary
#   <the capture summary's "key value" lines, less the run-dependent ones:
#    input path, elapsed time, rates, cycles per packet, wait counters, writer batch/byte counts, memory bounds and peaks>
# and diffed with the expected file. A missing expected file fails.
#
# usage: test/golden/run.sh [NETCAP] [NAME...]
#        test/golden/run.sh --regen [NETCAP] [NAME...]   (scripts/regen-golden.sh)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
regen=0
if [ "${1:-}" = "--regen" ]; then regen=1; shift; fi
netcap=${1:-${NETCAP:-$root/build/netcap}}
[ $# -gt 0 ] && shift
case $netcap in /*) ;; *) netcap=$PWD/$netcap ;; esac
[ -x "$netcap" ] || { echo "golden: no netcap binary at $netcap (run make)" >&2; exit 2; }
only=" $* "
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nc-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
types=$(sed -n 's/^X([A-Z0-9_]*, *\([A-Za-z0-9]*\),.*/\1/p' "$root/records/rec_types.def")

# render CAPTURE [options...]: the text described above, on stdout.
render() {
	cap=$1
	shift
	out="$tmp/out"
	rm -rf "$out"
	rc=0
	"$netcap" capture -r "$cap" -o "$out" --workers 1 --quiet "$@" \
		>"$tmp/summary" 2>"$tmp/stderr" || rc=$?
	echo "# golden: $(basename "$cap")${*:+ $*}"
	echo "# capture exit status $rc"
	for t in $types; do
		f="$out/$t.ncap.lz4"
		[ -f "$f" ] || continue
		echo "## $t"
		# rows sorted: records written when a connection closes (by a
		# timeout at a burst's end or by its next packet) follow the
		# RX burst boundaries; packet order is the oracle's to check
		{ "$netcap" dump --csv "$f" || echo "# dump exit status $?"; } |
			{ IFS= read -r h && printf '%s\n' "$h"; LC_ALL=C sort; }
	done
	# a file the type list does not name would be missed above
	for f in "$out"/*; do
		[ -e "$f" ] || continue
		t=$(basename "$f" .ncap.lz4)
		case " $(echo $types) " in *" $t "*) ;; *) echo "## unexpected file $(basename "$f")" ;; esac
	done
	echo "## summary"
	awk '{ k = $1; $1 = ""; sub(/^ +/, ""); v = $0 }
	     k == "input" || k == "elapsed_s" || k ~ /_per_s$/ || k ~ /per_packet$/ || k ~ /wait/ ||
	     k == "writer.bytes" || k == "writer.batches" || k ~ /^writer\.[0-9]/ || k == "rx.lent_packets" || k ~ /^memory\./ ||
	     k == "app.memory_peak" { next }
	     { print k " " v }' "$tmp/summary"
}

pass=0 fail=0 failed="" n=0
while read -r name cap expected opts; do
	case $name in '' | '#'*) continue ;; esac
	[ "$only" = "  " ] || case $only in *" $name "*) ;; *) continue ;; esac
	n=$((n + 1))
	exp="$here/$expected"
	# shellcheck disable=SC2086
	render "$root/test/data/$cap" $opts >"$tmp/$name.out"
	if [ $regen = 1 ]; then
		cp "$tmp/$name.out" "$exp"
		echo "wrote test/golden/$expected"
		continue
	fi
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: expected file test/golden/$expected is missing;" \
		     "check the oracle passes on test/data/$cap (test/oracle/run.sh), then" \
		     "create it with: scripts/regen-golden.sh $name"
		fail=$((fail + 1)); failed="$failed $name"; continue
	fi
	if diff -u "$exp" "$tmp/$name.out" >"$tmp/$name.diff"; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: output differs from test/golden/$expected" \
		     "(if intended: scripts/regen-golden.sh $name):"
		head -40 "$tmp/$name.diff" | sed 's/^/  /'
		fail=$((fail + 1)); failed="$failed $name"
	fi
done <"$here/TESTLIST"
[ $n -gt 0 ] || { echo "golden: no test matched" >&2; exit 2; }
[ $regen = 1 ] && exit 0
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ] || { echo "golden: FAILED:$failed"; exit 1; }
