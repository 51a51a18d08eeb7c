# SPDX-License-Identifier: BSD-3-Clause
"""SMTP, POP3, IMAP, FTP and Mail records against Wireshark.

Per TCP connection (matched on addresses and ports):
  SMTP  Commands      <- smtp.req.command + " " + smtp.req.parameter
        ResponseCodes <- smtp.response.code (one per reply)
  POP3  Commands      <- pop.request.command + " " + pop.request.parameter;
                         a request Wireshark shows whose text is the
                         record's AuthToken (an AUTH continuation line,
                         which netcap keeps out of Commands) is compared
                         with AuthToken instead
        Responses     <- pop.response.indicator ("+OK" / "-ERR" prefix)
  IMAP  Commands      <- imap.request (whole first line), imap.request_tag,
                         imap.request.command (after UID), and User
                         <- imap.request.username
  FTP   Commands      <- ftp.request.command + " " + ftp.request.arg
        ReplyCodes    <- ftp.response.code
        Transfers     <- the endpoint of the last ftp.passive.ip/port or
                         ftp.active.cip/port before each transfer command
Per message (frames where Wireshark's IMF shows a Message-ID or From):
  Mail  From, To, Subject, MessageID, Date <- imf.* (Wireshark shows a
        folded value with its CR LF; RFC 5322 2.2.3 unfolding removes it)
  Mail  MD5, Size <- tshark --export-objects imf (files named after the
        Subject); only SMTP and IMAP messages: Wireshark's POP3 does not
        reassemble a message and exports one object per segment.
"""
import hashlib
import os
import urllib.parse

PROTOS = ["smtp", "pop", "imap", "ftp", "imf"]
TYPES = ["SMTP", "POP3", "IMAP", "FTP", "Mail"]
FIELDS = [
    "smtp.req.command", "smtp.req.parameter", "smtp.response.code",
    "pop.request.command", "pop.request.parameter",
    "pop.response.indicator",
    "imap.request", "imap.request_tag", "imap.request.command",
    "imap.request.username",
    "ftp.request.command", "ftp.request.arg", "ftp.response.code",
    "ftp.passive.ip", "ftp.passive.port", "ftp.active.cip",
    "ftp.active.port",
    "imf.from", "imf.to", "imf.subject", "imf.message_id", "imf.date",
]

TRANSFER = {"RETR", "STOR", "STOU", "APPE", "LIST", "NLST", "MLSD"}


def conn_key(a, ap, b, bp):
    return frozenset([(a, int(ap)), (b, int(bp))])


def rec_key(r):
    return conn_key(r["SrcIP"], r["SrcPort"], r["DstIP"], r["DstPort"])


def frame_key(ctx, fr):
    sp, dp = ctx.ports(fr)
    return conn_key(ctx.src(fr), sp, ctx.dst(fr), dp)


def joined(cmd, arg):
    return cmd + (" " + arg if arg else "")


def by_conn(ctx, proto):
    """tshark frames of proto grouped by connection, in frame order."""
    out = {}
    for fr in ctx.frames:
        if ctx.has(fr, proto):
            out.setdefault(frame_key(ctx, fr), []).append(fr)
    return out


def records(ctx, typ):
    out = {}
    for r in ctx.recs.get(typ, []):
        out.setdefault(rec_key(r), []).append(r)
    return out


def pairs(fr, a, b):
    ca, cb = fr[a], fr[b]
    return [(c, cb[i] if i < len(cb) else "") for i, c in enumerate(ca)]


def check_smtp(ctx):
    recs = records(ctx, "SMTP")
    for key, frs in by_conn(ctx, "smtp").items():
        rs = recs.get(key)
        name = "SMTP %s" % sorted(key)
        if not rs:
            ctx.bad("%s: no SMTP record" % name)
            continue
        r = rs[0]
        cmds, codes = [], []
        for fr in frs:
            cmds += [joined(c, a) for c, a in
                     pairs(fr, "smtp.req.command", "smtp.req.parameter")]
            codes += [int(c) for c in fr["smtp.response.code"]]
        ctx.eq(name + " Commands", cmds, r.get("Commands", []))
        ctx.eq(name + " ResponseCodes", codes, r.get("ResponseCodes", []))


def check_pop3(ctx):
    recs = records(ctx, "POP3")
    for key, frs in by_conn(ctx, "pop").items():
        rs = recs.get(key)
        name = "POP3 %s" % sorted(key)
        if not rs:
            ctx.bad("%s: no POP3 record" % name)
            continue
        r = rs[0]
        cmds, inds = [], []
        for fr in frs:
            for c, a in pairs(fr, "pop.request.command",
                              "pop.request.parameter"):
                if r.get("AuthToken") and c == r["AuthToken"]:
                    ctx.eq(name + " AuthToken", c, r["AuthToken"])
                    continue
                cmds.append(joined(c, a))
            inds += fr["pop.response.indicator"]
        ctx.eq(name + " Commands", cmds, r.get("Commands", []))
        got = [x.split(" ")[0].upper() for x in r.get("Responses", [])]
        ctx.eq(name + " Responses", inds, got)


def check_imap(ctx):
    recs = records(ctx, "IMAP")
    for key, frs in by_conn(ctx, "imap").items():
        rs = recs.get(key)
        name = "IMAP %s" % sorted(key)
        if not rs:
            ctx.bad("%s: no IMAP record" % name)
            continue
        r = rs[0]
        mine = r.get("Commands", [])
        i = 0
        for fr in frs:
            for k, line in enumerate(fr["imap.request"]):
                tag = fr["imap.request_tag"][k] \
                    if k < len(fr["imap.request_tag"]) else ""
                cmd = fr["imap.request.command"][k] \
                    if k < len(fr["imap.request.command"]) else ""
                got = mine[i] if i < len(mine) else ""
                i += 1
                ctx.eq("%s request %d" % (name, i), line, got)
                toks = got.split(" ")
                if len(toks) > 2 and toks[1].upper() == "UID":
                    toks = toks[:1] + toks[2:]
                ctx.eq("%s tag %d" % (name, i), tag, toks[0])
                ctx.eq("%s command %d" % (name, i), cmd,
                       toks[1] if len(toks) > 1 else "")
            for u in fr["imap.request.username"]:
                ctx.eq(name + " User", u, r.get("User", ""))
        ctx.eq(name + " number of commands", i, len(mine))


def check_ftp(ctx):
    recs = records(ctx, "FTP")
    for key, frs in by_conn(ctx, "ftp").items():
        rs = recs.get(key)
        name = "FTP %s" % sorted(key)
        if not rs:
            ctx.bad("%s: no FTP record" % name)
            continue
        r = rs[0]
        cmds, codes, xfers = [], [], []
        ep = ("", 0)
        for fr in frs:
            if fr["ftp.passive.ip"] and fr["ftp.passive.port"]:
                ep = (fr["ftp.passive.ip"][0],
                      int(fr["ftp.passive.port"][0]))
            if fr["ftp.active.cip"] and fr["ftp.active.port"]:
                ep = (fr["ftp.active.cip"][0], int(fr["ftp.active.port"][0]))
            for c, a in pairs(fr, "ftp.request.command", "ftp.request.arg"):
                cmds.append(joined(c, a))
                if c.upper() in TRANSFER:
                    xfers.append((c.upper(), a, ep[0], ep[1]))
            codes += [int(c) for c in fr["ftp.response.code"]]
        ctx.eq(name + " Commands", cmds, r.get("Commands", []))
        ctx.eq(name + " ReplyCodes", codes, r.get("ReplyCodes", []))
        got = [(t.get("Command", ""), t.get("Argument", ""),
                t.get("DataIP", ""), t.get("DataPort", 0))
               for t in r.get("Transfers", [])]
        ctx.eq(name + " Transfers", xfers, got)


def unfold(v):
    return v.replace("\\r\\n", "").replace("\\t", "\t")


def check_mail(ctx):
    recs = records(ctx, "Mail")
    seen = {}
    for fr in ctx.frames:
        if not ctx.has(fr, "imf"):
            continue
        if not (fr["imf.message_id"] or fr["imf.from"]):
            continue
        key = frame_key(ctx, fr)
        k = seen.get(key, 0)
        seen[key] = k + 1
        rs = recs.get(key, [])
        name = "Mail %s #%d" % (sorted(key), k + 1)
        if k >= len(rs):
            ctx.bad("%s: no Mail record" % name)
            continue
        r = rs[k]
        for f, rf in (("imf.from", "From"), ("imf.to", "To"),
                      ("imf.subject", "Subject"),
                      ("imf.message_id", "MessageID"),
                      ("imf.date", "Date")):
            want = unfold(fr[f][0]) if fr[f] else ""
            ctx.eq("%s %s" % (name, rf), want, r.get(rf, ""))
    for key, rs in recs.items():
        n = seen.get(key, 0)
        if n != len(rs):
            ctx.bad("Mail %s: tshark %d messages, netcap %d" %
                    (sorted(key), n, len(rs)))
    # exported objects: whole messages, named after the Subject
    d = os.path.join(ctx.tmp, "imf")
    os.makedirs(d, exist_ok=True)
    ctx.tshark(["--export-objects", "imf," + d, "-q"])
    for rs in recs.values():
        for r in rs:
            if r.get("Origin") not in ("SMTP", "IMAP"):
                continue
            fn = os.path.join(d, urllib.parse.quote(
                r.get("Subject", ""), safe=" !&'()+,;=@[]") + ".eml")
            fn = fn.replace("%3A", "%3a")
            name = "Mail %s export" % r.get("MessageID", "")
            if not os.path.exists(fn):
                ctx.bad("%s: tshark exported no %s" %
                        (name, os.path.basename(fn)))
                continue
            data = open(fn, "rb").read()
            ctx.eq(name + " Size", len(data), r.get("Size", 0))
            ctx.eq(name + " MD5", hashlib.md5(data).hexdigest(),
                   r.get("MD5", ""))


def check(ctx):
    check_smtp(ctx)
    check_pop3(ctx)
    check_imap(ctx)
    check_ftp(ctx)
    check_mail(ctx)
