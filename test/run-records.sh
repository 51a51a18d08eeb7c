#!/bin/sh
# Record files cross-checked with an independent reader: for every record
# file, Google's protobuf library (test/py/read_records.py over `lz4 -dc`)
# must read the same records as `netcap dump --json`, field by field
# (addresses, ports, timestamps, flags, sub-messages, bytes).
#
# usage: test/run-records.sh [NETCAP [DIR]]
#   DIR: a directory of *.ncap.lz4 / *.ncap files (searched recursively).
#   Without DIR the script makes its own: the sample files the unit test
#   test_ncfile writes (next to NETCAP: <dir of NETCAP>/test/test_ncfile)
#   and, when `netcap capture` works, the records of test/data captures.
# A capture with --attacks (the Result field) is among the files.
# Also checks per file: CSV has one row per record, `dump -` (stdin) equals
# `dump FILE`, and a truncated copy prints a prefix and fails with an offset.
set -u
NETCAP=${1:-${NETCAP:-build/netcap}}
DIR=${2:-}
PY=/usr/bin/python3
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$DIR" ]; then
	DIR="$tmp/files"
	mkdir -p "$DIR"
	unit="$(dirname "$NETCAP")/test/test_ncfile"
	if [ -x "$unit" ]; then
		NC_SAMPLE_DIR="$DIR" "$unit" >/dev/null 2>&1 ||
			echo "records: $unit failed (samples may be missing)"
	fi
	for cap in test/data/*.pcap test/data/*.pcapng; do
		[ -e "$cap" ] || continue
		"$NETCAP" capture -r "$cap" -o "$DIR/$(basename "$cap")" \
			--quiet >/dev/null 2>&1 || true
	done
	# a labelled capture: Result set on every record, Tunnel on some
	cat >"$tmp/attacks.yml" <<'EOF'
location: "UTC"
timeFormat: "2006-01-02 15:04:05"
dateFormat: "2006-01-02"
attacks:
  - name: inner web
    start: 2021-08-28 15:44:33
    end: 2021-08-28 15:44:34
    ips: [54.86.237.188]
    category: inner
EOF
	"$NETCAP" capture -r test/data/vxlan_http.pcap -o "$DIR/labelled" \
		--attacks "$tmp/attacks.yml" --quiet >/dev/null 2>&1 ||
		echo "records: capture --attacks failed"
fi

files=$(find "$DIR" -type f \( -name '*.ncap.lz4' -o -name '*.ncap' \) | sort)
if [ -z "$files" ]; then
	echo "records: no record files in $DIR"
	exit 1
fi
# shellcheck disable=SC2086
"$PY" test/py/check_records.py "$NETCAP" $files
