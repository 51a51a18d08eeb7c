#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Reserve 2 MiB hugepages for netcap's PCI ports (-i 0000:03:00.0).
#
#   sudo scripts/setup-hugepages.sh [PAGES]     (default 1024 = 2 GiB)
#   sudo scripts/setup-hugepages.sh --node N PAGES   on NUMA node N only
#
# Raises the number of reserved 2 MiB pages to PAGES (never lowers it),
# mounts hugetlbfs on /dev/hugepages when no hugetlbfs is mounted, and
# removes stale DPDK page files (rtemap_*) that no running process maps,
# left behind by a DPDK program that was killed. Prints each step. Exit 0
# when PAGES pages are reserved, 1 otherwise (memory too fragmented: run it
# right after boot, or put hugepages=N on the kernel command line).
#
# netcap itself runs EAL with --in-memory for PCI ports and needs no mount
# and leaves no files; the mount and the clean-up are for other DPDK tools
# (dpdk-testpmd, dpdk-proc-info) on the same machine.
set -eu

node=
if [ "${1:-}" = --node ]; then
	node=${2:?--node needs a NUMA node number}
	shift 2
fi
pages=${1:-1024}
say() { echo "setup-hugepages: $*"; }
die() { echo "setup-hugepages: $*" >&2; exit 1; }

case $pages in '' | *[!0-9]*) die "PAGES must be a number, not '$pages'" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root (writes /sys and mounts)"
if [ -n "$node" ]; then
	dir=/sys/devices/system/node/node$node/hugepages/hugepages-2048kB
else
	dir=/sys/kernel/mm/hugepages/hugepages-2048kB
fi
[ -d "$dir" ] || die "$dir missing: no 2 MiB hugepage support (kernel CONFIG_HUGETLBFS, or no such NUMA node)"

have=$(cat "$dir/nr_hugepages")
if [ "$have" -ge "$pages" ]; then
	say "$have pages of 2 MiB already reserved${node:+ on node $node} (wanted $pages): unchanged"
else
	if ! echo "$pages" >"$dir/nr_hugepages" 2>/dev/null; then
		die "cannot write $dir/nr_hugepages (read-only /sys: a container? reserve them on the host)"
	fi
	have=$(cat "$dir/nr_hugepages")
	say "reserved $have pages of 2 MiB${node:+ on node $node} (were fewer; wanted $pages)"
fi
free=$(cat "$dir/free_hugepages")
say "$free of them free ($((free * 2)) MiB)"

mnt=$(awk '$3 == "hugetlbfs" { print $2; exit }' /proc/mounts)
if [ -z "$mnt" ]; then
	mnt=/dev/hugepages
	mkdir -p "$mnt"
	mount -t hugetlbfs -o pagesize=2M nodev "$mnt"
	say "mounted hugetlbfs on $mnt"
else
	say "hugetlbfs already mounted on $mnt"
fi

# A page file of a DPDK process shows in that process's memory map.
removed=0
for f in "$mnt"/*rtemap_*; do
	[ -e "$f" ] || continue
	if grep -qsF "$f" /proc/[0-9]*/maps; then
		say "kept $f (in use)"
		continue
	fi
	rm -f "$f"
	removed=$((removed + 1))
done
say "removed $removed stale DPDK page files from $mnt"

if [ "$have" -lt "$pages" ]; then
	say "only $have of $pages pages could be reserved (memory fragmented: reboot with hugepages=$pages on the kernel command line)"
	exit 1
fi
exit 0
