#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Publish messages on netcap.> that are not valid batches, with a client
of its own (the NATS text protocol over a socket, not libnats), for
test/run-distributed.sh. Prints one line per message: its subject and what
is wrong with it, in publishing order.

    nats_hostile.py HOST PORT"""
import socket
import subprocess
import sys


def lz4(data):
    return subprocess.run(["lz4", "-c", "-q", "-"], input=data,
                          capture_output=True, check=True).stdout


def hdrs(typ, size, records, seq, sensor="evil"):
    return {"Netcap-Type": typ, "Netcap-Sensor": sensor,
            "Netcap-Run": "00000000deadbeef", "Netcap-Seq": str(seq),
            "Netcap-Records": str(records), "Netcap-Size": str(size)}


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    s = socket.create_connection((host, port), timeout=5)
    f = s.makefile("rb")
    if not f.readline().startswith(b"INFO"):
        sys.exit("no INFO from the server")
    s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,'
              b'"protocol":1,"name":"nats_hostile"}\r\n')
    bad_framing = b"\xff" * 11                  # a varint longer than 10 bytes
    not_pb = b"\x03\xff\xff\xff"                 # 3 bytes that are no message
    one_empty = b"\x00"                          # one empty record
    good = lz4(b"\x00" * 4000)
    msgs = [
        ("netcap.evil.TCP", None, b"\x00garbage\xff" * 50, "garbage, no headers"),
        ("netcap.evil.TCP", hdrs("TCP", 4000, 4000, 1), good[:len(good) // 2],
         "truncated LZ4"),
        ("netcap.evil.TCP", hdrs("TCP", len(bad_framing), 1, 2), lz4(bad_framing),
         "bad record framing"),
        ("netcap.evil.TCP", hdrs("TCP", len(not_pb), 1, 3), lz4(not_pb),
         "a record that is not a TCP message"),
        ("netcap.evil.UDP", hdrs("TCP", 1, 1, 4), lz4(one_empty),
         "subject and headers disagree"),
        ("netcap.evil.TCP", hdrs("TCP", 1, 2, 5), lz4(one_empty),
         "record count wrong"),
        ("netcap.evil.TCP", hdrs("TCP", 1 << 40, 1, 6), lz4(one_empty),
         "Netcap-Size too large"),
        ("netcap.evil.TCP", hdrs("TCP", 2, 1, 7), lz4(one_empty),
         "LZ4 content shorter than Netcap-Size"),
    ]
    for subj, h, payload, why in msgs:
        if h is None:
            s.sendall(b"PUB %s %d\r\n%s\r\n" % (subj.encode(), len(payload), payload))
        else:
            hb = b"NATS/1.0\r\n" + b"".join(
                b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in h.items()) + b"\r\n"
            s.sendall(b"HPUB %s %d %d\r\n%s%s\r\n" % (
                subj.encode(), len(hb), len(hb) + len(payload), hb, payload))
        print(f"{subj}\t{why}")
    s.sendall(b"PING\r\n")
    while True:
        line = f.readline()
        if not line or line.startswith(b"PONG"):
            break
        if line.startswith(b"-ERR"):
            sys.exit(f"server: {line.decode().strip()}")
    s.close()


main()
