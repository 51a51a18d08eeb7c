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
fi

fail=0
n=0
for f in $(find "$DIR" -type f \( -name '*.ncap.lz4' -o -name '*.ncap' \) | sort); do
	n=$((n + 1))
	if ! "$NETCAP" dump --json "$f" >"$tmp/dump.json" 2>"$tmp/err"; then
		echo "records: dump --json failed on $f:"; cat "$tmp/err"; fail=1
		continue
	fi
	if ! "$PY" test/py/read_records.py "$f" >"$tmp/py.json" 2>"$tmp/err"; then
		echo "records: read_records.py failed on $f:"; cat "$tmp/err"; fail=1
		continue
	fi
	"$NETCAP" dump --csv "$f" >"$tmp/dump.csv" 2>/dev/null
	if ! "$PY" - "$f" "$tmp/dump.json" "$tmp/py.json" "$tmp/dump.csv" <<'EOF'
import base64, csv, ipaddress, json, sys
csv.field_size_limit(1 << 30)

path, dump_path, py_path, csv_path = sys.argv[1:5]

def addr_text(b):
    """Independent rendering of an address field (see records/render.h)."""
    if len(b) == 4:
        return str(ipaddress.IPv4Address(b))
    if len(b) == 16:
        a = ipaddress.IPv6Address(b)
        if a.ipv4_mapped is not None:  # RFC 5952 section 5
            return "::ffff:" + str(a.ipv4_mapped)
        return str(a)
    if len(b) == 6:
        return ":".join("%02x" % x for x in b)
    return b.hex()

def same(name, mine, ref, where):
    """Compare a dump JSON value with a json_format value."""
    if isinstance(ref, dict):
        # an unset sub-message: dump writes null, json_format leaves it out
        if not isinstance(mine, dict) or not set(ref) <= set(mine) or \
                any(mine[k] is not None for k in set(mine) - set(ref)):
            return "%s: keys %s vs %s" % (where, sorted(mine), sorted(ref))
        for k in ref:
            e = same(k, mine[k], ref[k], where + "." + k)
            if e:
                return e
        return None
    if isinstance(ref, list):
        if not isinstance(mine, list) or len(mine) != len(ref):
            return "%s: %r vs %r" % (where, mine, ref)
        for i, (m, r) in enumerate(zip(mine, ref)):
            e = same(name, m, r, "%s[%d]" % (where, i))
            if e:
                return e
        return None
    if isinstance(mine, str) and isinstance(ref, str) and \
            (name.endswith(("IP", "MAC", "Address", "Addr", "IPs")) or
             name == "Contacts" or
             # LLC, SNAP, ...: CDP (as records/render.c nc_render_is_addr)
             name.endswith("Addresses") or name == "IPMask" or
             name.startswith("Cluster")):
        if mine == ref:
            return None  # a string field named like an address
        try:
            b = base64.b64decode(ref, validate=True)
        except ValueError:
            return "%s: %r vs %r" % (where, mine, ref)
        want = addr_text(b)
        if len(b) == 16 and mine != want:
            # embedded-IPv4 spellings differ between libraries: compare values
            try:
                ok = ipaddress.IPv6Address(mine) == ipaddress.IPv6Address(b)
            except ValueError:
                ok = False
            return None if ok else "%s: %r vs %r" % (where, mine, want)
        return None if mine == want else "%s: %r vs %r" % (where, mine, want)
    if isinstance(ref, bool) or isinstance(mine, bool):
        return None if mine is ref else "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, int) and isinstance(ref, (str, int)):
        return None if mine == int(ref) else "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, float) or isinstance(ref, float):
        return None if float(mine) == float(ref) else \
            "%s: %r vs %r" % (where, mine, ref)
    if isinstance(mine, str) and isinstance(ref, str):
        if mine == ref:
            return None
        try:  # other bytes: hex in dump, base64 in json_format
            if bytes.fromhex(mine) == base64.b64decode(ref, validate=True):
                return None
        except ValueError:
            pass
        return "%s: %r vs %r" % (where, mine, ref)
    if mine is None and ref is None:
        return None
    return "%s: %r vs %r" % (where, mine, ref)

with open(dump_path) as f:
    mine = [json.loads(l) for l in f]
with open(py_path) as f:
    ref = [json.loads(l) for l in f]
if len(mine) != len(ref):
    sys.exit("%s: dump has %d records, protobuf reader %d"
             % (path, len(mine), len(ref)))
for i, (m, r) in enumerate(zip(mine, ref)):
    e = same("", m, r, "record %d" % (i + 1))
    if e:
        sys.exit("%s: %s" % (path, e))
with open(csv_path, newline="") as f:
    rows = list(csv.reader(f))
if len(rows) != len(ref) + 1:
    sys.exit("%s: CSV has %d rows for %d records" % (path, len(rows), len(ref)))
if mine and rows[0] != list(mine[0].keys()):
    sys.exit("%s: CSV header %s differs from JSON keys" % (path, rows[0]))
EOF
	then
		fail=1
		continue
	fi
	if ! "$NETCAP" dump - <"$f" | cmp -s - "$tmp/dump.csv"; then
		echo "records: dump - (stdin) differs from dump $f"; fail=1
	fi
	# A copy cut at 2/3 of its size: a prefix of the records, exit 1, offset.
	size=$(wc -c <"$f")
	if [ "$size" -gt 200 ]; then
		head -c $((size * 2 / 3)) "$f" >"$tmp/cut"
		"$NETCAP" dump --json "$tmp/cut" >"$tmp/cut.json" 2>"$tmp/cut.err"
		rc=$?
		if [ $rc != 1 ] || ! grep -q "offset" "$tmp/cut.err" ||
		   [ "$(wc -l <"$tmp/cut.err")" != 1 ] ||
		   ! head -n "$(wc -l <"$tmp/cut.json")" "$tmp/dump.json" |
			cmp -s - "$tmp/cut.json"; then
			# a plain stream cut on a record boundary ends cleanly
			case $f in
			*.ncap) [ $rc = 0 ] || { echo "records: truncated $f: rc $rc"; cat "$tmp/cut.err"; fail=1; } ;;
			*) echo "records: truncated $f: rc $rc, stderr:"; cat "$tmp/cut.err"; fail=1 ;;
			esac
		fi
	fi
done

if [ $n = 0 ]; then
	echo "records: no record files in $DIR"
	exit 1
fi
echo "records: $n files, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
