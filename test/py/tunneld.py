#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""User-space tunnel endpoint for test/run-tunnels.sh.

Used only where the running kernel lacks the tunnel driver (`ip link add
type gre` answers "Unknown device type", as on minimal VM kernels): it
gives the same wire format as the Linux device, so the real programs of
the test (curl, dig, ping, http.server, dnsmasq) still talk through a
tunnel of that type.

    tunneld.py MODE LOCAL REMOTE ID IFNAME

creates the TUN (layer 3) or TAP (Ethernet) device IFNAME in the current
network namespace, prints "ready" and then moves frames both ways until
killed:

    gre, ip6gre    GRE (RFC 2784/2890) with key ID, payload by IP version
    gretap         GRE with key ID, protocol 0x6558 (Ethernet)
    erspan1        GRE with sequence numbers, 0x88BE, ERSPAN type II
                   header (version 1, session ID) and Ethernet
    erspan2        GRE with sequence numbers, 0x22EB, ERSPAN type III
                   header (version 2, session ID, hardware ID 7)
    ipip, sit      IPv4 (protocol 4) / IPv6 (protocol 41) in IPv4
    ip6tnl         IPv4 (4) and IPv6 (41) in IPv6, by the inner version
    geneve         UDP 6081, protocol 0x6558 (Ethernet), VNI ID
    mpls           one MPLS label ID (RFC 3032, bottom of stack, TTL 64)
                   in Ethernet 0x8847 on the interface LOCAL, sent to
                   the MAC address REMOTE (Linux has no MPLS tunnel
                   device: its MPLS is label routing, so this mode is
                   used on every kernel)

The outer IP header is the kernel's (raw and UDP sockets bound to LOCAL).
Received packets are taken only from REMOTE and, where the format has
one, with this tunnel's key / VNI / session, so two endpoints with
different keys can share the underlay namespace. An IPv4 raw socket
reads the IP header too; an IPv6 one does not.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
L2 = {"gretap", "erspan1", "erspan2", "geneve"}
GRE = {"gre", "ip6gre", "gretap", "erspan1", "erspan2"}


def main():
    mode, local, remote, ident, ifname = sys.argv[1:6]
    ident = int(ident)
    v6 = ":" in remote
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = (IFF_TAP if mode in L2 else IFF_TUN) | IFF_NO_PI
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", ifname.encode(), flags))

    # protocol number -> socket
    if mode in GRE:
        protos = [47]
    elif mode == "ipip":
        protos = [4]
    elif mode == "sit":
        protos = [41]
    elif mode == "ip6tnl":
        protos = [4, 41]
    elif mode == "geneve":
        protos = [17]
    elif mode == "mpls":
        protos = ["mpls"]
    else:
        sys.exit(f"tunneld: unknown mode {mode}")
    socks = {}
    for p in protos:
        if p == "mpls":
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                              socket.htons(0x8847))
            s.bind((local, 0x8847))
            with open(f"/sys/class/net/{local}/address") as f:
                mac = bytes.fromhex(f.read().strip().replace(":", ""))
            eth = bytes.fromhex(remote.replace(":", "")) + mac + b"\x88\x47"
        elif p == 17:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind((local, 6081))
        else:
            s = socket.socket(fam, socket.SOCK_RAW, p)
            s.bind((local, 0))
        socks[p] = s
    seq = 0
    print("ready", flush=True)

    while True:
        rd, _, _ = select.select([fd] + list(socks.values()), [], [])
        for r in rd:
            if r == fd:
                inner = os.read(fd, 65536)
                if not inner:
                    continue
                ver = inner[0] >> 4
                ipproto = 0x0800 if ver == 4 else 0x86DD
                if mode in ("gre", "ip6gre"):
                    hdr = struct.pack("!HHI", 0x2000, ipproto, ident)
                elif mode == "gretap":
                    hdr = struct.pack("!HHI", 0x2000, 0x6558, ident)
                elif mode == "erspan1":
                    # GRE S bit, sequence; ERSPAN II: Ver 1, VLAN 0 |
                    # COS 0, En 0, T 0, session ID | reserved, index 7
                    hdr = struct.pack("!HHI", 0x1000, 0x88BE, seq)
                    hdr += struct.pack("!HHI", 1 << 12, ident & 0x3FF, 7)
                    seq += 1
                elif mode == "erspan2":
                    # ERSPAN III: Ver 2, VLAN 0 | COS, BSO, T 0, session |
                    # timestamp | SGT 0 | P 0, FT 0, HW ID 7, D 0, Gra 0, O 0
                    hdr = struct.pack("!HHI", 0x1000, 0x22EB, seq)
                    hdr += struct.pack("!HHIHH", 2 << 12, ident & 0x3FF,
                                       seq, 0, 7 << 4)
                    seq += 1
                elif mode == "geneve":
                    hdr = struct.pack("!BBHI", 0, 0, 0x6558, ident << 8)
                else:
                    hdr = b""
                p = protos[0]
                if mode == "mpls":
                    lse = ident << 12 | 1 << 8 | 64
                    try:
                        socks[p].send(eth + struct.pack("!I", lse) + inner)
                    except OSError:
                        pass
                    continue
                if mode == "ip6tnl":
                    p = 4 if ver == 4 else 41
                dst = (remote, 6081) if p == 17 else (remote, 0)
                try:
                    socks[p].sendto(hdr + inner, dst)
                except OSError:
                    pass  # as a device would: dropped
                continue
            data, addr = r.recvfrom(65536)
            if mode == "mpls":
                # not our own frames (PACKET_OUTGOING), our label only
                if addr[2] == socket.PACKET_OUTGOING or len(data) < 18:
                    continue
                lse = struct.unpack("!I", data[14:18])[0]
                if lse >> 12 == ident and lse & 0x100:
                    os.write(fd, data[18:])
                continue
            if r.family == socket.AF_INET and r.type == socket.SOCK_RAW:
                src = socket.inet_ntoa(data[12:16])
                data = data[(data[0] & 0x0F) * 4:]
            else:
                src = addr[0]
            if src != remote:
                continue
            out = decap(mode, ident, data)
            if out is not None:
                os.write(fd, out)


def decap(mode, ident, d):
    """The inner frame of d (the outer IP payload), None if not ours."""
    if mode in ("ipip", "sit", "ip6tnl"):
        return d
    if mode == "geneve":
        if len(d) < 8 or struct.unpack("!I", d[4:8])[0] >> 8 != ident:
            return None
        return d[8 + (d[0] & 0x3F) * 4:]
    if len(d) < 4:
        return None
    flags, proto = struct.unpack("!HH", d[:4])
    off = 4
    key = None
    if flags & 0x8000:
        off += 4
    if flags & 0x2000:
        key = struct.unpack("!I", d[off:off + 4])[0]
        off += 4
    if flags & 0x1000:
        off += 4
    if mode in ("gre", "ip6gre", "gretap"):
        if key != ident:
            return None
        if mode == "gretap" and proto != 0x6558:
            return None
        return d[off:]
    want, hlen = (0x88BE, 8) if mode == "erspan1" else (0x22EB, 12)
    if proto != want or len(d) < off + hlen:
        return None
    if struct.unpack("!H", d[off + 2:off + 4])[0] & 0x3FF != ident & 0x3FF:
        return None
    return d[off + hlen:]


if __name__ == "__main__":
    main()
