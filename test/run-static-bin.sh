#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# build/netcap-static (make static) needs nothing but the C library
# (docs/PERFORMANCE.md "Static binary"):
#
#   1. ldd names only glibc's files (libc, libm, ld-linux; libpthread, libdl,
#      librt if a glibc still splits them); build/netcap's list has DPDK's
#   2. in a chroot holding the binary, those files and a few captures (and
#      /proc, /sys mounted in a private mount namespace: EAL reads the CPU
#      layout there), `capture -r` and `dump` give the same records as
#      build/netcap on the host: every record file, dump --json identical,
#      the headers equal but for their creation time and input path;
#      build/netcap in the same chroot fails to start (the control)
#   3. what it leaves out refuses in one line with exit 2: agent, collect
#      (NATS), capture --metrics (HTTP), transform --export-config (zip)
#   4. on the host, where DPDK's driver directory exists, it opens nothing
#      there (strace); build/netcap does (the control)
#
#   test/run-static-bin.sh [NETCAP_STATIC [NETCAP]]
#       defaults build/netcap-static, build/netcap; root for 2-3, else
#       those print "skipped" and the rest still runs
set -u
cd "$(dirname "$0")/.." || exit 1
STATIC=${1:-build/netcap-static}
NETCAP=${2:-build/netcap}
CAPS="live_netns_http-tls-dns-ssh.pcap smtp_auth-login_mime_multi-rcpt.pcap
teredo_ipv6-over-udp.pcap gre_various.pcap radiotap_80211-data_llc-ip-mdns.pcap"
PMDS=$(pkg-config --variable=pmdsdir libdpdk 2>/dev/null)
: "${PMDS:=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0}"

fail=0
bad() {
	echo "static-bin: FAIL: $*"
	fail=1
}
for b in "$STATIC" "$NETCAP"; do
	[ -x "$b" ] || { echo "static-bin: $b missing (make static)"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. the shared libraries it needs ---------------------------------
ldd "$STATIC" >"$tmp/ldd" 2>&1 || bad "ldd $STATIC failed: $(cat "$tmp/ldd")"
libc_only='^(linux-vdso\.so\.1|lib(c|m|pthread|dl|rt)\.so\.[0-9]+|/lib64/ld-linux-x86-64\.so\.2)$'
others=$(awk '{ print $1 }' "$tmp/ldd" | grep -Ev "$libc_only")
[ -z "$others" ] || bad "$STATIC needs more than the C library:" $others
ldd "$NETCAP" | grep -q librte_eal ||
	bad "control: ldd $NETCAP does not name librte_eal"
echo "static-bin: ldd: $(awk '{ print $1 }' "$tmp/ldd" | tr '\n' ' ')"

# ---- 2. and 3. in a chroot with nothing but libc ----------------------
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
	! command -v chroot >/dev/null; then
	echo "static-bin: chroot checks skipped (need root, unshare, chroot)"
else
	root=$tmp/root
	mkdir -p "$root/bin" "$root/data" "$root/out" "$root/tmp" \
		"$root/proc" "$root/sys"
	chmod 1777 "$root/tmp"
	cp "$STATIC" "$root/bin/netcap-static"
	cp "$NETCAP" "$root/bin/netcap"
	# glibc's files only, whatever else ldd named
	for l in $(awk '/\// { print ($2 == "=>") ? $3 : $1 }' "$tmp/ldd"); do
		basename "$l" | grep -Eq "$libc_only" ||
			[ "$l" = /lib64/ld-linux-x86-64.so.2 ] || continue
		mkdir -p "$root$(dirname "$l")"
		cp -L "$l" "$root$l"
	done
	for c in $CAPS; do cp "test/data/$c" "$root/data/"; done
	# DeviceProfile's vendors (oui.c): the same table on both sides
	if [ -e /usr/share/ieee-data/oui.txt ]; then
		mkdir -p "$root/usr/share/ieee-data"
		cp /usr/share/ieee-data/oui.txt "$root/usr/share/ieee-data/"
	fi
	# in_root CMD ARGS...: run /bin/CMD in the chroot, /proc and /sys
	# mounted in a mount namespace of its own; a minute at most
	in_root() {
		timeout 60 unshare -m sh -c 'mount -t proc proc "$0/proc" &&
			mount --bind /sys "$0/sys" && exec chroot "$0" "$@"' \
			"$root" "/bin/$@"
	}
	echo "static-bin: chroot holds $(cd "$root" && find . -type f ! -path './data/*' | sort | tr '\n' ' ')"

	# the control: the dynamic binary cannot start there
	if in_root netcap version >"$tmp/ctl.out" 2>&1; then
		bad "control: build/netcap ran in the chroot: $(cat "$tmp/ctl.out")"
	elif ! grep -q "error while loading shared libraries" "$tmp/ctl.out"; then
		bad "control: build/netcap failed otherwise: $(cat "$tmp/ctl.out")"
	else
		echo "static-bin: control: build/netcap in the chroot: $(head -1 "$tmp/ctl.out")"
	fi
	[ "$(in_root netcap-static version 2>&1)" = "$("$NETCAP" version)" ] ||
		bad "version differs: $(in_root netcap-static version 2>&1)"

	nrec=0
	for c in $CAPS; do
		if ! in_root netcap-static capture -q -w 1 -r "/data/$c" \
			-o "/out/$c" >"$tmp/s.log" 2>&1; then
			bad "$c: capture in the chroot failed: $(tail -3 "$tmp/s.log")"
			continue
		fi
		if ! "$NETCAP" capture -q -w 1 -r "$root/data/$c" \
			-o "$tmp/dyn/$c" >"$tmp/d.log" 2>&1; then
			bad "$c: build/netcap capture failed: $(tail -3 "$tmp/d.log")"
			continue
		fi
		(cd "$root/out/$c" && ls) >"$tmp/s.files"
		(cd "$tmp/dyn/$c" && ls) >"$tmp/d.files"
		if ! cmp -s "$tmp/s.files" "$tmp/d.files"; then
			bad "$c: record files differ:"
			diff "$tmp/d.files" "$tmp/s.files" | head
			continue
		fi
		[ -s "$tmp/s.files" ] || bad "$c: no record files"
		while read -r f; do
			in_root netcap-static dump --json "/out/$c/$f" \
				>"$tmp/s.json" 2>&1 || bad "$c/$f: dump in the chroot failed"
			"$NETCAP" dump --json "$tmp/dyn/$c/$f" >"$tmp/d.json" 2>&1 ||
				bad "$c/$f: build/netcap dump failed"
			if ! cmp -s "$tmp/s.json" "$tmp/d.json"; then
				bad "$c/$f: records differ (build/netcap <, netcap-static >):"
				diff "$tmp/d.json" "$tmp/s.json" | head -6
			fi
			nrec=$((nrec + $(wc -l <"$tmp/s.json")))
			in_root netcap-static dump --header "/out/$c/$f" |
				grep -Ev '^(Created|InputSource):' >"$tmp/s.hdr"
			"$NETCAP" dump --header "$tmp/dyn/$c/$f" |
				grep -Ev '^(Created|InputSource):' >"$tmp/d.hdr"
			cmp -s "$tmp/s.hdr" "$tmp/d.hdr" ||
				bad "$c/$f: headers differ: $(diff "$tmp/d.hdr" "$tmp/s.hdr" | tr '\n' ' ')"
		done <"$tmp/s.files"
	done
	[ $fail = 0 ] &&
		echo "static-bin: $(echo $CAPS | wc -w) captures, $nrec records: identical to build/netcap's"

	# what the static binary leaves out: one line, exit 2
	# refuses NAME MESSAGE CMD ARGS...
	refuses() {
		name=$1 msg=$2
		shift 2
		in_root netcap-static "$@" >"$tmp/r.out" 2>"$tmp/r.err"
		rc=$?
		if [ $rc != 2 ] || [ "$(wc -l <"$tmp/r.err")" != 1 ] ||
			! grep -q "built without $msg support (make static); use build/netcap" "$tmp/r.err"; then
			bad "$name: exit $rc, stderr: $(cat "$tmp/r.err")"
		else
			echo "static-bin: $name: $(cat "$tmp/r.err")"
		fi
	}
	refuses agent NATS agent -r /data/gre_various.pcap
	refuses collect NATS collect -o /out/collect
	refuses --metrics "HTTP server" capture -r /data/gre_various.pcap \
		-o /out/metrics --metrics 127.0.0.1:0
	refuses --export-config "zip archive (--export-config)" transform \
		--export-config /out/x.mtz
	[ ! -e "$root/out/metrics" ] || bad "--metrics left /out/metrics behind"
fi

# ---- 4. DPDK's driver directory is not read --------------------------
if ! command -v strace >/dev/null || [ ! -d "$PMDS" ]; then
	echo "static-bin: driver directory check skipped (no strace or no $PMDS)"
else
	for b in "$STATIC" "$NETCAP"; do
		strace -f -e trace=%file -o "$tmp/strace" "$b" capture -q -w 1 \
			-r test/data/gre_various.pcap -o "$tmp/st-$(basename "$b")" \
			>/dev/null 2>&1 || bad "$b capture under strace failed"
		grep -c "$PMDS" "$tmp/strace" >"$tmp/n" || true
		echo "$(basename "$b") $(cat "$tmp/n")" >>"$tmp/pmds"
	done
	n_static=$(awk 'NR == 1 { print $2 }' "$tmp/pmds")
	n_dyn=$(awk 'NR == 2 { print $2 }' "$tmp/pmds")
	[ "$n_static" = 0 ] || bad "$STATIC touched $PMDS $n_static times"
	[ "$n_dyn" -gt 0 ] || bad "control: $NETCAP did not touch $PMDS"
	echo "static-bin: calls on $PMDS: netcap-static $n_static, netcap $n_dyn"
fi

[ $fail = 0 ] && echo "static-bin: ok"
exit $fail
