# SPDX-License-Identifier: BSD-3-Clause
"""FTP data connections against Wireshark.

Every object tshark exports with --export-objects ftp-data (the content of
a RETR/STOR data connection) must be the content of a File record whose
Source is "FTP": same MD5 and length. netcap finds the data connection
from the endpoint the control connection announced (PASV, EPSV, PORT,
EPRT; decoders/ftp.c), not from its port.
"""
import hashlib
import os

PROTOS = ["ftp-data"]
TYPES = []
FIELDS = []


def check(ctx):
    out = os.path.join(ctx.tmp, "ftp-data-objects")
    os.makedirs(out, exist_ok=True)
    ctx.tshark(["-q", "--export-objects", "ftp-data," + out])
    files = [r for r in ctx.recs.get("File", []) if r.get("Source") == "FTP"]
    have = {(r["Hash"], int(r["Length"])) for r in files}
    for name in sorted(os.listdir(out)):
        data = open(os.path.join(out, name), "rb").read()
        if not data:
            continue
        key = (hashlib.md5(data).hexdigest(), len(data))
        ctx.compared += 1
        if key not in have:
            ctx.bad("exported object %s (MD5 %s, %d octets) has no FTP "
                    "File record" % (name, key[0], key[1]))
