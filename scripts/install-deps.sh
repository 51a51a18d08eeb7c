#!/bin/sh
# Install the Debian 12 packages netcap needs to build, test and benchmark
# (the last lines: the servers and clients the live tests run in network
# namespaces, the peers make bench runs netcap against, and the static
# archives make static links that the -dev packages above do not name).
# Idempotent: installs only what is missing. Not root: prints the command.
set -eu

PKGS="gcc make pkg-config git clang-format clang-14 libclang-rt-14-dev cppcheck clang-tidy
libdpdk-dev dpdk
libprotobuf-c-dev protobuf-c-compiler
liblz4-dev lz4
libjansson-dev libyaml-dev tzdata
libpcap-dev libbpf-dev clang
libcmocka-dev
libssl-dev zlib1g-dev ieee-data
tshark
python3 python3-protobuf protobuf-compiler
iproute2 ethtool tcpdump iputils-ping curl bind9-dnsutils nginx dnsmasq-base
openssh-server openssh-client openssl
libmicrohttpd-dev libzip-dev prometheus libxml2-utils
nats-server libnats-dev
libevent-dev wrk
time argus-server argus-client libndpi-bin
libdbus-1-dev libxdp-dev libnuma-dev libbsd-dev libelf-dev binutils strace"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
	echo "netcap: missing packages:$missing" >&2
	echo "netcap: run as root: apt-get update && DEBIAN_FRONTEND=noninteractive $cmd" >&2
	exit 1
fi
echo "netcap: installing:$missing"
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# argus-server's postinst starts argus.service where systemd runs (a
# capture daemon on the default interface, /etc/argus.conf; not enabled
# at boot): stopped, so it takes no CPU from make bench, which runs argus
# on files itself
case " $missing " in
*" argus-server "*)
	if [ -d /run/systemd/system ]; then
		systemctl stop argus.service 2>/dev/null || true
	fi ;;
esac
