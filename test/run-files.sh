#!/bin/sh
# capture --files DIR: every object tshark exports from the HTTP test
# captures (--export-objects http, bodies de-chunked and decompressed) is
# stored as DIR/<its SHA-256>, with that content; File.Location names it;
# --max-file-size and --max-files-bytes bound what is stored, counted.
#   test/run-files.sh [NETCAP]
set -u
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
	echo "files: FAIL: $*"
	fail=1
}
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
n=0
for cap in test/data/http_*.pcap test/data/live_netns_http-tls-dns-ssh.pcap; do
	name=$(basename "$cap")
	"$NETCAP" capture -q -r "$cap" -o "$tmp/$name.out" \
		--files "$tmp/$name.files" >"$tmp/$name.sum" 2>"$tmp/$name.err" ||
		bad "$name: capture exited non-zero: $(cat "$tmp/$name.err")"
	mkdir -p "$tmp/$name.ts"
	tshark -n -r "$cap" -o http.dechunk_body:TRUE \
		-o http.decompress_body:TRUE \
		--export-objects "http,$tmp/$name.ts" >/dev/null 2>&1
	for obj in "$tmp/$name.ts"/*; do
		[ -f "$obj" ] || continue
		[ -s "$obj" ] || continue # netcap writes no File for no body
		h=$(sha256sum "$obj" | cut -d' ' -f1)
		n=$((n + 1))
		[ -f "$tmp/$name.files/$h" ] ||
			bad "$name: tshark's object $(basename "$obj") ($h) not stored"
	done
	for f in "$tmp/$name.files"/*; do
		[ -f "$f" ] || continue
		h=$(sha256sum "$f" | cut -d' ' -f1)
		[ "$(basename "$f")" = "$h" ] ||
			bad "$name: $(basename "$f") holds content with SHA-256 $h"
		"$NETCAP" dump --csv --select Location \
			"$tmp/$name.out/File.ncap.lz4" | grep -qx "$f" ||
			bad "$name: no File record has Location $f"
	done
	[ "$(val files.errors "$tmp/$name.sum")" = 0 ] ||
		bad "$name: files.errors $(val files.errors "$tmp/$name.sum")"
done
[ "$n" -gt 0 ] || bad "tshark exported no HTTP object"

# bounds: objects over 1000 bytes are not stored, and counted
cap=test/data/http_chunked-gzip_responses.pcap
"$NETCAP" capture -q -r "$cap" -o "$tmp/b.out" --files "$tmp/b.files" \
	--max-file-size 1000 >"$tmp/b.sum" 2>&1 || bad "bounded capture failed"
big=$("$NETCAP" dump --csv --select Length "$tmp/b.out/File.ncap.lz4" |
	awk 'NR > 1 && $1 > 1000' | wc -l)
[ "$big" -gt 0 ] || bad "the bound test needs an object over 1000 bytes"
[ "$(val files.too_big "$tmp/b.sum")" = "$big" ] ||
	bad "files.too_big $(val files.too_big "$tmp/b.sum"), want $big"
for f in "$tmp/b.files"/*; do
	[ -f "$f" ] || continue
	[ "$(wc -c <"$f")" -le 1000 ] || bad "stored $(basename "$f") is over the bound"
done
[ -z "$(ls -A "$tmp/b.files" | grep '^\.part')" ] || bad "temporary files left"
echo "files: $n objects exported by tshark stored by content hash; bounds counted, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
