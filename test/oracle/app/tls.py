# SPDX-License-Identifier: BSD-3-Clause
"""TLS hellos (decoders/tls.c) against tshark.

Every ClientHello and ServerHello tshark dissects is matched with netcap's
TLSClientHello / TLSServerHello record of the same sender (addresses and
ports) in the same order, and compared field by field. tshark runs once
more here with tcp.reassemble_out_of_order on (off by default in 4.0),
so that a hello carried by segments that arrived out of order is
dissected too, as netcap's reassembly delivers it.
"""

PROTOS = ["tls"]
TYPES = ["TLSClientHello", "TLSServerHello"]
FIELDS = ["tcp.len"]

AGG, SEP = "\x1f", "\x1e"

TS_FIELDS = [
    "frame.number", "frame.time_epoch",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
    "tls.record.content_type", "tls.record.version", "tls.record.length",
    "tls.handshake.type", "tls.handshake.length", "tls.handshake.version",
    "tls.handshake.random", "tls.handshake.session_id",
    "tls.handshake.cipher_suites_length", "tls.handshake.extensions_length",
    "tls.handshake.ciphersuite", "tls.handshake.comp_method",
    "tls.handshake.extension.type",
    "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions_supported_group",
    "tls.handshake.extensions_ec_point_format",
    "tls.handshake.sig_hash_alg", "tls.handshake.sig_hash_alg_len",
    "tls.handshake.extensions.supported_version",
    "tls.handshake.extensions_key_share_group",
    "tls.handshake.extensions_key_share_selected_group",
    "tls.handshake.ja3", "tls.handshake.ja3_full",
    "tls.handshake.ja3s", "tls.handshake.ja3s_full",
    "tcp.segment",
]

# RFC 8446 4.1.3: the Random of a HelloRetryRequest
HRR_RANDOM = ("cf21ad74e59a6111be1d8c021e65b891"
              "c2a211167abb8c5e079e09e2c8a8339c")


def _frames(ctx):
    args = ["-o", "tcp.reassemble_out_of_order:TRUE",
            "-Y", "tls.handshake.type == 1 || tls.handshake.type == 2",
            "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGG,
            "-E", "separator=" + SEP]
    for f in TS_FIELDS:
        args += ["-e", f]
    out = []
    for line in ctx.tshark(args).split("\n"):
        if not line:
            continue
        fr = {}
        for f, v in zip(TS_FIELDS, line.split(SEP)):
            fr[f] = v.split(AGG) if v != "" else []
        out.append(fr)
    return out


def _int(v):
    return int(v, 0)


def _ints(vals):
    return [_int(v) for v in vals]


def _first(vals, default=""):
    return vals[0] if vals else default


def _key_ts(fr):
    src = (fr["ip.src"] or fr["ipv6.src"])[-1]
    dst = (fr["ip.dst"] or fr["ipv6.dst"])[-1]
    return (src, int(fr["tcp.srcport"][-1]), dst, int(fr["tcp.dstport"][-1]))


def _key_rec(r):
    return (r["SrcIP"], r["SrcPort"], r["DstIP"], r["DstPort"])


def _record_version(fr):
    """Version of the first handshake record of the frame."""
    for ct, v in zip(fr["tls.record.content_type"], fr["tls.record.version"]):
        if int(ct) == 22:
            return _int(v)
    return None


def _sig_algs(fr):
    """signature_algorithms (13) only: tshark files the values of
    signature_algorithms_cert (50) under the same field; each of the two
    has its own sig_hash_alg_len, in extension order."""
    lens = [int(v) // 2 for v in fr["tls.handshake.sig_hash_alg_len"]]
    vals = _ints(fr["tls.handshake.sig_hash_alg"])
    at = 0
    for t in _ints(fr["tls.handshake.extension.type"]):
        if t not in (13, 50) or not lens:
            continue
        n = lens.pop(0)
        if t == 13:
            return vals[at:at + n]
        at += n
    return []


def _client(ctx, what, fr, r):
    e = ctx.eq
    e(what + " tls.record.version", _record_version(fr), r["Version"])
    e(what + " tls.handshake.length",
      _int(fr["tls.handshake.length"][0]), r["HandshakeLen"])
    e(what + " tls.handshake.version",
      _int(fr["tls.handshake.version"][0]), r["HandshakeVersion"])
    e(what + " tls.handshake.random", fr["tls.handshake.random"][0],
      r["Random"])
    e(what + " tls.handshake.session_id",
      _first(fr["tls.handshake.session_id"]), r["SessionID"])
    e(what + " tls.handshake.cipher_suites_length",
      _int(fr["tls.handshake.cipher_suites_length"][0]),
      r["CipherSuiteLen"])
    e(what + " tls.handshake.extensions_length",
      _int(_first(fr["tls.handshake.extensions_length"], "0")),
      r["ExtensionLen"])
    e(what + " tls.handshake.ciphersuite",
      _ints(fr["tls.handshake.ciphersuite"]), r["CipherSuites"])
    e(what + " tls.handshake.comp_method",
      _ints(fr["tls.handshake.comp_method"]), r["CompressMethods"])
    e(what + " tls.handshake.extension.type",
      _ints(fr["tls.handshake.extension.type"]), r["Extensions"])
    e(what + " tls.handshake.extensions_server_name",
      _first(fr["tls.handshake.extensions_server_name"]), r["SNI"])
    e(what + " tls.handshake.extensions_alpn_str",
      fr["tls.handshake.extensions_alpn_str"], r["ALPNs"])
    e(what + " tls.handshake.extensions_supported_group",
      _ints(fr["tls.handshake.extensions_supported_group"]),
      r["SupportedGroups"])
    e(what + " tls.handshake.extensions_ec_point_format",
      _ints(fr["tls.handshake.extensions_ec_point_format"]),
      r["SupportedPoints"])
    e(what + " tls.handshake.sig_hash_alg",
      _sig_algs(fr), r["SignatureAlgs"])
    e(what + " tls.handshake.extensions.supported_version",
      _ints(fr["tls.handshake.extensions.supported_version"]),
      r["SupportedVersions"])
    e(what + " tls.handshake.ja3_full",
      _first(fr["tls.handshake.ja3_full"]), r["Ja3String"])
    e(what + " tls.handshake.ja3", _first(fr["tls.handshake.ja3"]), r["Ja3"])


def _server(ctx, what, fr, r):
    e = ctx.eq
    e(what + " tls.record.version", _record_version(fr), r["RecordVersion"])
    e(what + " tls.handshake.length",
      _int(fr["tls.handshake.length"][0]), r["HandshakeLen"])
    e(what + " tls.handshake.version",
      _int(fr["tls.handshake.version"][0]), r["Version"])
    rnd = fr["tls.handshake.random"][0]
    e(what + " tls.handshake.random", rnd, r["Random"])
    e(what + " HelloRetryRequest (RFC 8446 Random)", rnd == HRR_RANDOM,
      r["IsHelloRetryRequest"])
    e(what + " tls.handshake.session_id",
      _first(fr["tls.handshake.session_id"]), r["SessionID"])
    e(what + " tls.handshake.ciphersuite",
      _ints(fr["tls.handshake.ciphersuite"]), [r["CipherSuite"]])
    e(what + " tls.handshake.comp_method",
      _ints(fr["tls.handshake.comp_method"]), [r["CompressionMethod"]])
    e(what + " tls.handshake.extension.type",
      _ints(fr["tls.handshake.extension.type"]), r["Extensions"])
    e(what + " tls.handshake.extensions_alpn_str",
      fr["tls.handshake.extensions_alpn_str"],
      [r["AlpnProtocol"]] if r["AlpnProtocol"] else [])
    e(what + " tls.handshake.extensions.supported_version",
      _ints(fr["tls.handshake.extensions.supported_version"]),
      [r["SupportedVersion"]] if r["SupportedVersion"] else [])
    grp = fr["tls.handshake.extensions_key_share_group"] or \
        fr["tls.handshake.extensions_key_share_selected_group"]
    e(what + " tls.handshake.extensions_key_share_group", _ints(grp),
      [r["SelectedGroup"]] if 51 in r["Extensions"] else [])
    e(what + " tls.handshake.ja3s_full",
      _first(fr["tls.handshake.ja3s_full"]), r["Ja3sString"])
    e(what + " tls.handshake.ja3s", _first(fr["tls.handshake.ja3s"]),
      r["Ja3s"])


def _check_time(ctx, what, fr, r, frame_info):
    """A hello in one segment: that frame's time. A hello in a record
    reassembled from several segments (tshark shows it in the last one):
    netcap writes it when its last octet arrives, so the time of the
    segment holding octet 5 + 4 + handshake length of the PDU (the hello
    first in the first record, the PDU from the start of the first
    segment's payload)."""
    segs = fr["tcp.segment"]
    if not segs:
        ctx.eq(what + " Timestamp", ctx.ts(fr), r["Timestamp"])
        return
    if _int(fr["tls.record.content_type"][0]) != 22 or \
            _int(fr["tls.handshake.type"][0]) not in (1, 2):
        ctx.bad(what + ": hello not first in the reassembled record")
        return
    end = 5 + 4 + _int(fr["tls.handshake.length"][0])
    acc, want = 0, None
    for sg in segs:
        acc += frame_info[sg][1]
        if acc >= end:
            want = frame_info[sg][0]
            break
    ctx.eq(what + " Timestamp (segment with the hello's last octet)",
           want, r["Timestamp"])


def check(ctx):
    frames = _frames(ctx)
    frame_info = {}
    for fr in ctx.frames:
        if fr["frame.number"]:
            frame_info[fr["frame.number"][0]] = (
                ctx.ts(fr), int(_first(fr["tcp.len"], "0")))
    for htype, rtype, fn in ((1, "TLSClientHello", _client),
                             (2, "TLSServerHello", _server)):
        want = {}
        for fr in frames:
            types = _ints(fr["tls.handshake.type"])
            if htype not in types:
                continue
            if types.count(1) + types.count(2) != 1:
                ctx.bad("frame %s: %d hellos in one frame" % (
                    fr["frame.number"][0], types.count(1) + types.count(2)))
                continue
            want.setdefault(_key_ts(fr), []).append(fr)
        got = {}
        for r in ctx.recs.get(rtype, []):
            got.setdefault(_key_rec(r), []).append(r)
        for key in sorted(set(want) | set(got), key=str):
            w, g = want.get(key, []), got.get(key, [])
            ctx.eq("%s %s:%d->%s:%d count" % ((rtype,) + key), len(w), len(g))
            for fr, r in zip(w, g):
                what = "%s frame %s" % (rtype, fr["frame.number"][0])
                _check_time(ctx, what, fr, r, frame_info)
                fn(ctx, what, fr, r)
