#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Hand a NIC port to DPDK (vfio-pci) for netcap, or give it back.
#
#   sudo scripts/bind-nic.sh [--dry-run] [--driver DRV] DEVICE...
#
# DEVICE is a PCI address (0000:03:00.0 or 03:00.0) or a kernel interface
# name (eth1). DRV defaults to vfio-pci; --driver ixgbe (the kernel
# driver) gives the port back to Linux. --dry-run prints the commands only.
#
# Refuses to take away the interface that carries a default route (IPv4
# or IPv6): that is usually the link you are logged in over. Uses
# dpdk-devbind.py (package dpdk, or usertools/ of a DPDK tree).
set -eu

dry=0
drv=vfio-pci
say() { echo "bind-nic: $*"; }
die() { echo "bind-nic: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--dry-run) dry=1; shift ;;
	--driver) drv=${2:?--driver needs a driver name}; shift 2 ;;
	-h | --help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option '$1' (try --help)" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "usage: bind-nic.sh [--dry-run] [--driver DRV] DEVICE..."

devbind=
for c in dpdk-devbind.py dpdk-devbind /usr/share/dpdk/usertools/dpdk-devbind.py; do
	if command -v "$c" >/dev/null 2>&1; then devbind=$(command -v "$c"); break; fi
done
[ -n "$devbind" ] || die "dpdk-devbind.py not found (install the dpdk package)"

# PCI address of a kernel interface: the last PCI component of its device
# path (virtio and other buses sit below the PCI function).
pci_of_iface() {
	p=$(readlink -f "/sys/class/net/$1/device" 2>/dev/null) || return 1
	echo "$p" | tr / '\n' |
		grep -E '^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$' |
		tail -n 1
}

# PCI addresses of the interfaces with a default route.
guarded=
for dev in $( (ip -4 route show default; ip -6 route show default) 2>/dev/null |
	awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | sort -u); do
	a=$(pci_of_iface "$dev" || true)
	[ -n "$a" ] && guarded="$guarded $a=$dev"
done

addrs=
for d in "$@"; do
	case $d in
	[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F].[0-7]) a=0000:$d ;;
	[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F].[0-7]) a=$d ;;
	*)
		a=$(pci_of_iface "$d" || true)
		[ -n "$a" ] || die "$d: neither a PCI address nor an interface on a PCI device"
		;;
	esac
	a=$(echo "$a" | tr 'A-F' 'a-f')
	[ -e "/sys/bus/pci/devices/$a" ] || die "$a: no such PCI device"
	for g in $guarded; do
		if [ "${g%%=*}" = "$a" ]; then
			die "refusing: $a is ${g#*=}, which carries a default route (you would lose this machine's network)"
		fi
	done
	addrs="$addrs $a"
done

run() {
	say "$*"
	[ "$dry" = 1 ] || "$@"
}
if [ "$drv" = vfio-pci ] && [ ! -d /sys/bus/pci/drivers/vfio-pci ]; then
	run modprobe vfio-pci
fi
# shellcheck disable=SC2086
run "$devbind" --bind="$drv" $addrs
[ "$dry" = 1 ] || "$devbind" --status-dev net | sed 's/^/bind-nic: /'
