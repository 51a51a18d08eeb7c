#!/bin/sh
# A full disk (docs/HARDENING.md): `netcap capture --min-free-disk 0` (no
# floor, so the disk really fills) writes to a 2 MiB tmpfs
# (needs root to mount; skipped with a message otherwise) a capture whose
# records need far more. It must
#   - exit 1, with exactly one line on stderr naming the file and
#     "No space left on device", and no sanitizer report;
#   - leave only valid record files: each one that exists reads completely
#     with `dump --json` (exit 0, every line a JSON object): the writer
#     drops a block it could not finish and ends the LZ4 frame, and removes
#     a file whose header it could not write.
# Runs compressed and with --no-compress, with 1 and 2 workers (2 with
# three writer lcores, each failing on its own files).
#   test/run-diskfull.sh [NETCAP]
set -u
cd "$(dirname "$0")/.."
NETCAP=${1:-${NETCAP:-build/netcap}}
if [ "$(id -u)" != 0 ]; then
	echo "diskfull: SKIPPED: mounting a tmpfs needs root"
	exit 0
fi
cap=build/diskfull/in.pcap
mkdir -p build/diskfull
if [ ! -e $cap ]; then
	/usr/bin/python3 scripts/mkbench.py --packets 60000 $cap.tmp >/dev/null &&
		mv $cap.tmp $cap || exit 1
fi
mnt=$(mktemp -d /tmp/nc_diskfull.XXXXXX)
if ! mount -t tmpfs -o size=2m nc_diskfull "$mnt" 2>/dev/null; then
	rmdir "$mnt"
	echo "diskfull: SKIPPED: cannot mount a tmpfs (no privilege in this container?)"
	exit 0
fi
trap 'umount "$mnt"; rmdir "$mnt"' EXIT
fail=0
for opts in "--workers 1" "--workers 2 --writers 3" "--workers 1 --no-compress"; do
	rm -rf "${mnt:?}"/*
	# shellcheck disable=SC2086
	"$NETCAP" capture -r $cap -o "$mnt/out" --quiet --min-free-disk 0 $opts \
		>build/diskfull/log 2>build/diskfull/err
	rc=$?
	why=
	if [ $rc != 1 ]; then
		why="exit $rc, expected 1"
	elif grep -q -E "Sanitizer|runtime error" build/diskfull/err; then
		why="sanitizer report"
	elif [ "$(wc -l <build/diskfull/err)" != 1 ]; then
		why="$(wc -l <build/diskfull/err) stderr lines, expected 1"
	elif ! grep -q "No space left on device" build/diskfull/err; then
		why="the error does not say the disk is full"
	fi
	n=0
	recs=0
	for f in "$mnt"/out/*.ncap*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		if ! "$NETCAP" dump --json "$f" >build/diskfull/dump 2>build/diskfull/derr; then
			why="${why:+$why; }$(basename "$f") does not read: $(cat build/diskfull/derr)"
			continue
		fi
		if ! /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    if not isinstance(json.loads(line), dict):
        sys.exit(1)' build/diskfull/dump; then
			why="${why:+$why; }$(basename "$f"): dump printed a line that is not a JSON object"
		fi
		recs=$((recs + $(wc -l <build/diskfull/dump)))
	done
	if [ -n "$why" ]; then
		echo "diskfull: FAIL ($opts): $why"
		sed 's/^/  stderr: /' build/diskfull/err | head -5
		fail=1
	else
		echo "diskfull: ok ($opts): exit 1, \"$(cat build/diskfull/err)\"; $n files, $recs records, all complete"
	fi
done
exit $fail
