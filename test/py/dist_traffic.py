#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send the Ethernet frames of pcap files onto an interface, over and
over, at a steady rate (test/run-distributed.sh: a live port whose
record rate the test sets).

    dist_traffic.py IFACE PPS SECONDS FILE.pcap...

Classic pcap only (either byte order). Exits after SECONDS and prints the
frames sent."""
import socket
import struct
import sys
import time


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit(f"{path}: not a classic pcap")
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        sys.exit(f"{path}: not Ethernet")
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def main():
    iface, pps, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    pkts = [p for f in sys.argv[4:] for p in frames(f) if 14 <= len(p) <= 1514]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    tick = 0.01
    per = max(1, int(pps * tick))
    sent, i = 0, 0
    t0 = time.monotonic()
    nxt = t0
    while time.monotonic() - t0 < secs:
        for _ in range(per):
            try:
                s.send(pkts[i % len(pkts)])
                sent += 1
            except OSError:
                pass
            i += 1
        nxt += tick
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
    print(sent)


main()
