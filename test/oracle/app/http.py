# SPDX-License-Identifier: BSD-3-Clause
"""HTTP records (decoders/http.c) and their File records (decoders/files.c)
against tshark's http dissector and its HTTP object export.

Requests: tshark's request frames (http.request.method) of one TCP
connection, in frame order, are paired with netcap's HTTP records of the
same client and server address and port, in record order (a record is one
request and its response; a request whose response never came still has
one). Responses: a response frame names its request (http.request_in), so
it is compared with that request's record; a response without a request
is paired with the records whose Method is "".

Compared per request: method, URI (URL), Host, User-Agent, Referer,
Content-Type (ContentType), Content-Length (ReqContentLength) where the
request has one, and the cookies (http.cookie_pair against
ReqCookies Name=Value, in order). Per response: the status code, phrase
(StatusMsg), Server (ServerName), Content-Type (ResContentType),
Content-Length (ResContentLength) where the response has one,
Content-Encoding (ResContentEncoding). Also: the number of records of each
connection equals the number of requests tshark saw.

Files: tshark --export-objects http (bodies de-chunked and decompressed:
http.dechunk_body and http.decompress_body set on) writes every body;
each one's MD5 and SHA-256 must be those of a File record of source HTTP,
and every non-truncated HTTP File must be among the exported bodies.
"""
import hashlib
import os

PROTOS = ["http"]
TYPES = ["HTTP"]

REQ = [
    ("http.request.method", "Method"),
    ("http.request.uri", "URL"),
    ("http.host", "Host"),
    ("http.user_agent", "UserAgent"),
    ("http.referer", "Referer"),
]
RES = [
    ("http.response.phrase", "StatusMsg"),
    ("http.server", "ServerName"),
    ("http.content_encoding", "ResContentEncoding"),
]

FIELDS = [f for f, _ in REQ + RES] + [
    "http.request", "http.response", "http.response.code",
    "http.content_type", "http.content_length", "http.cookie_pair",
    "http.request_in",
]


def _key(src, sport, dst, dport):
    return (src, int(sport), dst, int(dport))


def _one(fr, f):
    v = fr[f]
    return v[0] if v else None


def check(ctx):
    recs = ctx.recs.get("HTTP", [])
    # netcap records by connection (client first), in file order
    byconn = {}
    for r in recs:
        byconn.setdefault(_key(r["SrcIP"], r["SrcPort"], r["DstIP"],
                               r["DstPort"]), []).append(r)
    # tshark requests by connection, in frame order
    reqs = {}
    reqframe = {}  # frame number -> (conn, index)
    responses = []
    for fr in ctx.frames:
        if not ctx.has(fr, "http"):
            continue
        sp, dp = ctx.ports(fr)
        if fr["http.request"] and fr["http.request.method"]:
            k = _key(ctx.src(fr), sp, ctx.dst(fr), dp)
            lst = reqs.setdefault(k, [])
            reqframe[fr["frame.number"][0]] = (k, len(lst))
            lst.append(fr)
        elif fr["http.response"] and fr["http.response.code"]:
            responses.append(fr)

    for k, lst in sorted(reqs.items()):
        got = [r for r in byconn.get(k, []) if r["Method"] != ""]
        where = "connection %s:%d->%s:%d" % k
        ctx.eq("%s requests" % where, len(lst), len(got))
        for i, fr in enumerate(lst):
            if i >= len(got):
                break
            r = got[i]
            what = "frame %s" % fr["frame.number"][0]
            for f, name in REQ:
                want = _one(fr, f)
                if want is not None or r[name] != "":
                    ctx.eq("%s %s" % (what, f), want or "", r[name])
            ct = _one(fr, "http.content_type")
            ctx.eq("%s http.content_type" % what, ct or "", r["ContentType"])
            cl = _one(fr, "http.content_length")
            if cl is not None:
                ctx.eq("%s http.content_length" % what, int(cl),
                       int(r["ReqContentLength"]))
            ctx.eq("%s http.cookie_pair" % what, fr["http.cookie_pair"],
                   ["%s=%s" % (c["Name"], c["Value"])
                    for c in r["ReqCookies"]])

    alone = {}
    for fr in responses:
        what = "frame %s" % fr["frame.number"][0]
        rin = _one(fr, "http.request_in")
        if rin is not None and rin in reqframe:
            k, i = reqframe[rin]
            got = [r for r in byconn.get(k, []) if r["Method"] != ""]
            r = got[i] if i < len(got) else None
        else:
            sp, dp = ctx.ports(fr)
            k = _key(ctx.dst(fr), dp, ctx.src(fr), sp)
            lst = alone.setdefault(k, [r for r in byconn.get(k, [])
                                       if r["Method"] == ""])
            r = lst.pop(0) if lst else None
        if r is None:
            ctx.bad("%s: response without a netcap record" % what)
            continue
        ctx.eq("%s http.response.code" % what,
               int(_one(fr, "http.response.code")), r["StatusCode"])
        for f, name in RES:
            want = _one(fr, f)
            ctx.eq("%s %s" % (what, f), want or "", r[name])
        ct = _one(fr, "http.content_type")
        ctx.eq("%s http.content_type" % what, ct or "", r["ResContentType"])
        cl = _one(fr, "http.content_length")
        if cl is not None:
            ctx.eq("%s http.content_length" % what, int(cl),
                   int(r["ResContentLength"]))

    check_files(ctx)


def _hashes(path):
    data = open(path, "rb").read()
    return hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest()


def check_files(ctx):
    files = [f for f in ctx.recs.get("File", [])
             if f["Source"].startswith("HTTP")]
    out = os.path.join(ctx.tmp, "http-objects")
    os.makedirs(out, exist_ok=True)
    ctx.tshark(["-o", "http.dechunk_body:TRUE",
                "-o", "http.decompress_body:TRUE",
                "--export-objects", "http," + out, "-q"])
    want = []
    for name in sorted(os.listdir(out)):
        want.append((name, _hashes(os.path.join(out, name))))
    have = [(f["Hash"], f["SHA256"]) for f in files]
    for name, h in want:
        if ctx.eq("exported object %s in a File record" % name, True,
                  h in have):
            have.remove(h)
    left = [f for f in files if not f["Truncated"] and
            (f["Hash"], f["SHA256"]) in have]
    ctx.eq("complete HTTP File records not exported by tshark",
           [], ["%s %s" % (f["Ident"], f["Name"]) for f in left])
