# SPDX-License-Identifier: BSD-3-Clause
"""SSH records against Wireshark.

One side of a connection is its sender (address and port) to its receiver.
From tshark, per side: the identification string (ssh.protocol), whether
it is the client (ssh.direction 0), and its first SSH_MSG_KEXINIT
(ssh.message_code 20): cookie, the ten name-lists, first_kex_packet_follows
and the frame time. HASSH is computed here from tshark's name-lists (MD5 of
"kex;enc;mac;comp" of the side's direction, as Salesforce defines it) and
also taken from tshark's own ssh.kex.hassh / ssh.kex.hasshserver and their
*_algorithms strings; both must agree with netcap.

netcap writes one SSH record per side that sent an identification string:
every such tshark side must have exactly one record and every record a
tshark side. The record's Timestamp is the time of the frame that completed
the KEXINIT (else the banner).
"""
import hashlib

PROTOS = ["ssh"]
TYPES = ["SSH"]

LISTS = [
    ("ssh.kex_algorithms", "KexAlgorithms"),
    ("ssh.server_host_key_algorithms", "HostKeyAlgorithms"),
    ("ssh.encryption_algorithms_client_to_server",
     "EncryptionAlgorithmsClientToServer"),
    ("ssh.encryption_algorithms_server_to_client",
     "EncryptionAlgorithmsServerToClient"),
    ("ssh.mac_algorithms_client_to_server", "MacAlgorithmsClientToServer"),
    ("ssh.mac_algorithms_server_to_client", "MacAlgorithmsServerToClient"),
    ("ssh.compression_algorithms_client_to_server",
     "CompressionAlgorithmsClientToServer"),
    ("ssh.compression_algorithms_server_to_client",
     "CompressionAlgorithmsServerToClient"),
    ("ssh.languages_client_to_server", "LanguagesClientToServer"),
    ("ssh.languages_server_to_client", "LanguagesServerToClient"),
]

FIELDS = ["ssh.protocol", "ssh.direction", "ssh.message_code", "ssh.cookie",
          "ssh.first_kex_packet_follows", "ssh.kex.hassh",
          "ssh.kex.hassh_algorithms", "ssh.kex.hasshserver",
          "ssh.kex.hasshserver_algorithms"] + [f for f, _ in LISTS]


def one(fr, f):
    v = fr[f]
    return v[0] if v else ""


def sides(ctx):
    """(src, sport, dst, dport) -> what tshark saw that endpoint send."""
    out = {}
    for fr in ctx.frames:
        if not ctx.has(fr, "ssh"):
            continue
        sp, dp = ctx.ports(fr)
        key = (ctx.src(fr), sp, ctx.dst(fr), dp)
        s = out.setdefault(key, {"ident": None, "kex": None,
                                 "client": None, "ts": None})
        if fr["ssh.direction"] and s["client"] is None:
            s["client"] = fr["ssh.direction"][0] in ("0", "False")
        if fr["ssh.protocol"] and s["ident"] is None:
            s["ident"] = fr["ssh.protocol"][0]
            s["ts"] = ctx.ts(fr)
        if "20" in fr["ssh.message_code"] and s["kex"] is None:
            k = {n: one(fr, f) for f, n in LISTS}
            k["Cookie"] = one(fr, "ssh.cookie").replace(":", "").lower()
            k["FirstKexPacketFollows"] = \
                one(fr, "ssh.first_kex_packet_follows") not in ("", "0")
            k["hassh"] = one(fr, "ssh.kex.hassh")
            k["hassh_algorithms"] = one(fr, "ssh.kex.hassh_algorithms")
            k["hasshserver"] = one(fr, "ssh.kex.hasshserver")
            k["hasshserver_algorithms"] = \
                one(fr, "ssh.kex.hasshserver_algorithms")
            s["kex"] = k
            s["ts"] = ctx.ts(fr)
    return out


def check(ctx):
    recs = {}
    for r in ctx.recs.get("SSH", []):
        key = (r["SrcIP"], int(r["SrcPort"]), r["DstIP"], int(r["DstPort"]))
        if key in recs:
            ctx.bad("SSH %s:%d->%s:%d: more than one record" % key)
        recs[key] = r
    for key, s in sorted(sides(ctx).items()):
        what = "SSH %s:%d->%s:%d" % key
        if s["ident"] is None:
            if s["kex"] is not None:
                ctx.bad("%s: KEXINIT without an identification string in "
                        "tshark" % what)
            continue
        r = recs.pop(key, None)
        if r is None:
            ctx.bad("%s: tshark has the side, netcap no record" % what)
            continue
        ctx.eq(what + " Ident", s["ident"], r["Ident"])
        if s["client"] is not None:
            ctx.eq(what + " IsClient", s["client"], r["IsClient"])
        ctx.eq(what + " Timestamp", s["ts"], int(r["Timestamp"]))
        k = s["kex"]
        ctx.eq(what + " HasKexInit", k is not None, r["HasKexInit"])
        if k is None:
            ctx.eq(what + " HASSH", "", r["HASSH"])
            continue
        for _, n in LISTS:
            ctx.eq(what + " " + n, k[n], r[n])
        ctx.eq(what + " Cookie", k["Cookie"], r["Cookie"])
        ctx.eq(what + " FirstKexPacketFollows", k["FirstKexPacketFollows"],
               r["FirstKexPacketFollows"])
        # HASSH computed here from tshark's lists (Salesforce's definition)
        client = r["IsClient"]
        d = "ClientToServer" if client else "ServerToClient"
        algos = ";".join([k["KexAlgorithms"],
                          k["EncryptionAlgorithms" + d],
                          k["MacAlgorithms" + d],
                          k["CompressionAlgorithms" + d]])
        ctx.eq(what + " Algorithms", algos, r["Algorithms"])
        ctx.eq(what + " HASSH", hashlib.md5(algos.encode()).hexdigest(),
               r["HASSH"])
        # and tshark's own HASSH fields, where tshark 4.0 fills them
        tk = "hassh" if client else "hasshserver"
        if k[tk]:
            ctx.eq(what + " HASSH (tshark ssh.kex.%s)" % tk, k[tk],
                   r["HASSH"])
            ctx.eq(what + " Algorithms (tshark ssh.kex.%s_algorithms)" % tk,
                   k[tk + "_algorithms"], r["Algorithms"])
    for key in sorted(recs):
        ctx.bad("SSH %s:%d->%s:%d: netcap record, no side in tshark" % key)
