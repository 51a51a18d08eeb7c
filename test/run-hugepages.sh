#!/bin/sh
# PCI ports (-i ADDR) run EAL with hugepages (--in-memory): without free
# hugepages netcap refuses before EAL with one line naming
# scripts/setup-hugepages.sh; after that script reserved pages, EAL starts
# with them and an address with no DPDK-bound device gets one clear line
# (this machine has no NIC to bind). Root only; the previous hugepage
# count and mounts are restored.
#   test/run-hugepages.sh [NETCAP]
set -u
cd "$(dirname "$0")/.." || exit 1
NETCAP=${1:-${NETCAP:-build/netcap}}
sys=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
skip() {
	echo "hugepages: skipped ($*)"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "not root"
[ -w "$sys" ] || skip "$sys not writable"
before=$(cat "$sys")
mounted=$(grep -c ' hugetlbfs ' /proc/mounts)
tmp=$(mktemp -d /tmp/nc-huge.XXXXXX)
cleanup() {
	echo "$before" >"$sys"
	if [ "$mounted" = 0 ] && grep -q ' /dev/hugepages hugetlbfs ' /proc/mounts; then
		umount /dev/hugepages
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
bad() {
	echo "hugepages: FAIL: $*"
	fail=1
}
addr=0000:ff:1f.7 # no such device

if [ "$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)" = 0 ]; then
	"$NETCAP" capture -q -i $addr -w 1 -o "$tmp/a" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 1 ] || bad "no hugepages: exit $rc, want 1"
	[ "$(wc -l <"$tmp/err")" = 1 ] &&
		grep -q 'needs hugepages.*scripts/setup-hugepages.sh' "$tmp/err" ||
		bad "no hugepages: message: $(cat "$tmp/err")"
	grep -q EAL "$tmp/err" && bad "no hugepages: EAL started"
	[ -e "$tmp/a" ] && bad "no hugepages: output directory made"
	echo "hugepages: refused without: $(cat "$tmp/err")"
fi

scripts/setup-hugepages.sh 64 >"$tmp/setup" 2>&1 ||
	skip "could not reserve 64 pages: $(tail -1 "$tmp/setup")"
"$NETCAP" capture -q -i $addr -w 1 -o "$tmp/b" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || bad "with hugepages: exit $rc, want 1"
[ "$(wc -l <"$tmp/err")" = 1 ] &&
	grep -q "$addr: no DPDK port at this PCI address" "$tmp/err" ||
	bad "with hugepages: message: $(cat "$tmp/err")"
ls /dev/hugepages 2>/dev/null | grep -q rtemap &&
	bad "EAL left page files (--in-memory should leave none)"
echo "hugepages: EAL with hugepages: $(cat "$tmp/err")"
[ $fail = 0 ] && echo "hugepages: ok"
exit $fail
