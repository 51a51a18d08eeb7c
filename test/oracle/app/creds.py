# SPDX-License-Identifier: BSD-3-Clause
"""Credentials records (every Service tshark knows) against Wireshark.

Two comparisons per TCP connection and Service, in order:
  users     <- tshark -q -z credentials (Wireshark's credentials tap: the
               packet, protocol and user name of each login it saw; it
               covers HTTP Basic, FTP, POP3 USER/PASS, IMAP LOGIN and SMTP
               AUTH). The tap's protocol names map to netcap's Service
               ("HTTP basic auth" -> "HTTP Basic", "SMTP" -> "SMTP AUTH").
               For SMTP AUTH LOGIN the tap shows the user line as sent,
               base64 (RFC 4954 4); it is decoded here when the connection's
               AUTH command named LOGIN.
  user+password pairs <- the protocol fields:
               HTTP Basic  http.authbasic ("user:password")
               FTP         ftp.request.arg of USER, then of PASS
               POP3        pop.request.parameter of USER, then of PASS;
                           AUTH PLAIN: the base64 line Wireshark shows as
                           a request after it (or the initial response),
                           decoded (RFC 4616: authzid NUL authcid NUL
                           password)
               IMAP        imap.request.username, imap.request.password
               SMTP AUTH   smtp.auth.username, smtp.auth.password (base64
                           after AUTH LOGIN, decoded as above)
Records of other Services (Telnet: test/oracle/app/telnet.py) are not
compared here.
"""
import base64
import re

PROTOS = ["http", "ftp", "pop", "imap", "smtp"]
TYPES = ["Credentials"]
FIELDS = [
    "http.authbasic",
    "ftp.request.command", "ftp.request.arg",
    "pop.request.command", "pop.request.parameter",
    "imap.request.username", "imap.request.password",
    "smtp.req.command", "smtp.req.parameter",
    "smtp.auth.username", "smtp.auth.password",
]

TAP = {"HTTP basic auth": "HTTP Basic", "FTP": "FTP", "POP3": "POP3",
       "IMAP": "IMAP", "SMTP": "SMTP AUTH"}
ROW = re.compile(r"^(\d+)\s+(HTTP basic auth|\S+)\s+(\S+)")


def conn_key(a, ap, b, bp):
    return frozenset([(a, int(ap)), (b, int(bp))])


def frame_key(ctx, fr):
    sp, dp = ctx.ports(fr)
    return conn_key(ctx.src(fr), sp, ctx.dst(fr), dp)


def kname(k):
    """(service, connection) -> "POP3 1.2.3.4:5<->6.7.8.9:110"."""
    return "%s %s" % (k[0], "<->".join("%s:%d" % e for e in sorted(k[1])))


def b64(s):
    try:
        return base64.b64decode(s, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return s


def sasl_plain(s):
    try:
        parts = base64.b64decode(s, validate=True).decode("utf-8").split(
            "\0")
    except (ValueError, UnicodeDecodeError):
        return None
    return (parts[1], parts[2]) if len(parts) == 3 else None


def login_streams(ctx):
    """Connections whose SMTP AUTH named the LOGIN mechanism."""
    out = set()
    for fr in ctx.frames:
        for c, a in zip(fr["smtp.req.command"], fr["smtp.req.parameter"]):
            if c.upper() == "AUTH" and a.upper().startswith("LOGIN"):
                out.add(frame_key(ctx, fr))
    return out


def tshark_pairs(ctx, login):
    """(service, connection) -> [(user, password)] from the fields."""
    out = {}
    pending = {}

    def add(svc, key, u, p):
        out.setdefault((svc, key), []).append((u, p))

    for fr in ctx.frames:
        key = frame_key(ctx, fr)
        for v in fr["http.authbasic"]:
            u, _, p = v.partition(":")
            add("HTTP Basic", key, u, p)
        for svc, cf, af in (("FTP", "ftp.request.command", "ftp.request.arg"),
                            ("POP3", "pop.request.command",
                             "pop.request.parameter")):
            args = fr[af]
            for i, c in enumerate(fr[cf]):
                a = args[i] if i < len(args) else ""
                plain = pending.pop((svc, key, "PLAIN"), False)
                if svc == "POP3" and plain and c != "*":
                    up = sasl_plain(c)
                    if up:
                        add(svc, key, up[0], up[1])
                    continue
                if svc == "POP3" and c.upper() == "AUTH" and \
                        a.upper().startswith("PLAIN"):
                    ini = a[5:].strip()
                    if ini and sasl_plain(ini):
                        add(svc, key, *sasl_plain(ini))
                    else:
                        pending[(svc, key, "PLAIN")] = True
                elif c.upper() == "USER":
                    pending[(svc, key)] = a
                elif c.upper() == "PASS":
                    add(svc, key, pending.get((svc, key), ""), a)
        for u, p in zip(fr["imap.request.username"],
                        fr["imap.request.password"]):
            add("IMAP", key, u, p)
        for u in fr["smtp.auth.username"]:
            pending[("SMTP AUTH", key)] = b64(u) if key in login else u
        for p in fr["smtp.auth.password"]:
            add("SMTP AUTH", key, pending.get(("SMTP AUTH", key), ""),
                b64(p) if key in login else p)
    return out


def check(ctx):
    services = set(TAP.values())
    nums = {}
    for fr in ctx.frames:
        nums[fr["frame.number"][0]] = fr
    login = login_streams(ctx)

    # users: the credentials tap
    want = {}
    for line in ctx.tshark(["-q", "-z", "credentials"]).splitlines():
        m = ROW.match(line)
        if not m:
            continue
        num, proto, user = m.groups()
        if proto not in TAP:
            ctx.bad("credentials tap protocol %r has no Service" % proto)
            continue
        fr = nums.get(num)
        if fr is None:
            ctx.bad("credentials tap packet %s not in the frames" % num)
            continue
        key = frame_key(ctx, fr)
        svc = TAP[proto]
        if svc == "SMTP AUTH" and key in login:
            user = b64(user)
        want.setdefault((svc, key), []).append(user)
    got = {}
    for r in ctx.recs.get("Credentials", []):
        if r.get("Service") not in services:
            continue
        key = conn_key(r["SrcIP"], r["SrcPort"], r["DstIP"], r["DstPort"])
        got.setdefault((r["Service"], key), []).append(r)
    for k in sorted(set(want) | set(got), key=repr):
        name = kname(k)
        ctx.eq(name + " users", want.get(k, []),
               [r.get("User", "") for r in got.get(k, [])])

    # user and password: the protocol fields
    pairs = tshark_pairs(ctx, login)
    for k in sorted(set(pairs) | set(got), key=repr):
        name = kname(k)
        ctx.eq(name + " user+password", pairs.get(k, []),
               [(r.get("User", ""), r.get("Password", ""))
                for r in got.get(k, [])])
