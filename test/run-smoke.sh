#!/bin/sh
# Every bundled capture runs through capture: exit 0, no sanitizer report,
# and every record file it writes reads back completely with dump.
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for cap in test/data/*.pcap test/data/*.pcapng; do
	[ -e "$cap" ] || continue
	n=$((n + 1))
	out="$tmp/$(basename "$cap")"
	if ! "$NETCAP" capture -r "$cap" -o "$out" --workers 2 --quiet \
		>"$tmp/log" 2>"$tmp/err"; then
		echo "smoke: capture failed on $cap:"; cat "$tmp/err"; fail=1; continue
	fi
	if grep -q -E "Sanitizer|runtime error" "$tmp/err"; then
		echo "smoke: sanitizer report on $cap:"; cat "$tmp/err"; fail=1
	fi
	for f in "$out"/*.ncap.lz4; do
		[ -e "$f" ] || continue
		if ! "$NETCAP" dump --json "$f" >/dev/null 2>"$tmp/derr"; then
			echo "smoke: dump failed on $f:"; cat "$tmp/derr"; fail=1
		fi
	done
done
echo "smoke: $n captures, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
