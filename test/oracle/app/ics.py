# SPDX-License-Identifier: BSD-3-Clause
"""Oracle module: Modbus/TCP, EtherNet/IP (ENIP) and CIP records against
tshark (mbtcp/modbus, enip, cip), TCP reassembly on.

Records are grouped per frame by timestamp and endpoints (a message's
records carry the time of the segment that completed it, as tshark shows
it in that frame); every frame tshark decodes as the protocol must have
as many records as tshark has messages, and each field tshark decodes is
compared in order. tshark's occurrence lists run over every message of a
frame (several ENIP messages in one segment, the services embedded in a
Multiple Service Packet or an Unconnected Send), as netcap's records do.
"""

PROTOS = ["mbtcp", "enip", "cip"]
TYPES = ["Modbus", "ENIP", "CIP"]
FIELDS = [
    "mbtcp.trans_id", "mbtcp.prot_id", "mbtcp.len", "mbtcp.unit_id",
    "modbus.func_code", "modbus.exception_code", "modbus.reference_num",
    "modbus.word_cnt", "modbus.bit_cnt",
    "enip.command", "enip.length", "enip.session", "enip.status",
    "enip.context", "enip.listid_delay", "enip.options", "enip.srrd.iface",
    "enip.sud.iface", "enip.timeout", "enip.cpf.itemcount",
    "enip.cpf.typeid", "enip.cpf.length",
    "cip.sc", "cip.rr", "cip.genstat", "cip.addstat", "cip.class",
    "cip.instance", "cip.attribute",
]


def key(ctx, fr):
    return (ctx.ts(fr), ctx.src(fr), ctx.dst(fr)) + ctx.ports(fr)


def rkey(r):
    return (r["Timestamp"], r["SrcIP"], r["DstIP"], r["SrcPort"],
            r["DstPort"])


def group(ctx, rtype):
    out = {}
    for r in ctx.recs.get(rtype, []):
        out.setdefault(rkey(r), []).append(r)
    return out


def ints(fr, f):
    return [int(v, 0) for v in fr[f]]


def per_frame(ctx, proto, rtype, count_field, check):
    """Frames tshark decodes as proto against rtype records of the same
    key; count_field's occurrences give the number of messages."""
    recs = group(ctx, rtype)
    seen = set()
    for fr in ctx.frames:
        if not ctx.has(fr, proto) or not fr[count_field]:
            continue
        k = key(ctx, fr)
        seen.add(k)
        rs = recs.get(k, [])
        n = "%s frame %s " % (rtype, fr["frame.number"][0])
        if ctx.eq(n + "messages", len(fr[count_field]), len(rs)):
            check(ctx, fr, rs, n)
    extra = sum(len(v) for k, v in recs.items() if k not in seen)
    ctx.eq("%s records without a frame" % rtype, 0, extra)


# ---------------------------------------------------------------- Modbus

def check_modbus(ctx, fr, rs, n):
    ctx.eq(n + "trans_id", ints(fr, "mbtcp.trans_id"),
           [r["TransactionID"] for r in rs])
    ctx.eq(n + "prot_id", ints(fr, "mbtcp.prot_id"),
           [r["ProtocolID"] for r in rs])
    ctx.eq(n + "len", ints(fr, "mbtcp.len"), [r["Length"] for r in rs])
    ctx.eq(n + "unit_id", ints(fr, "mbtcp.unit_id"),
           [r["UnitID"] for r in rs])
    ctx.eq(n + "func_code", ints(fr, "modbus.func_code"),
           [r["FunctionCode"] for r in rs])
    ctx.eq(n + "exception_code", ints(fr, "modbus.exception_code"),
           [r["ExceptionCode"] for r in rs if r["Exception"]])
    # tshark shows a reference number (and a count) for the data-access
    # functions netcap decodes Address/Quantity for
    ctx.eq(n + "reference_num", ints(fr, "modbus.reference_num"),
           [r["Address"] for r in rs if r["Address"] >= 0])
    ctx.eq(n + "count", ints(fr, "modbus.word_cnt") +
           ints(fr, "modbus.bit_cnt"),
           [r["Quantity"] for r in rs if r["Quantity"] >= 0])


# ---------------------------------------------------------------- ENIP

def check_enip(ctx, fr, rs, n):
    for f, k in (("enip.command", "Command"), ("enip.length", "Length"),
                 ("enip.session", "SessionHandle"),
                 ("enip.status", "Status"), ("enip.options", "Options")):
        ctx.eq(n + f, ints(fr, f), [r[k] for r in rs])
    # ListIdentity: tshark shows the first 2 octets of the sender context
    # as the Max Response Delay (little-endian) and the other 6 as context
    want = []
    delays = ints(fr, "enip.listid_delay")
    for i, c in enumerate(fr["enip.context"]):
        if len(c) == 12 and delays:
            d = delays.pop(0)
            c = "%02x%02x" % (d & 255, d >> 8) + c
        want.append(c)
    ctx.eq(n + "context", want, [r["SenderContext"] for r in rs])
    cs = [r["CommandSpecific"] for r in rs]
    ctx.eq(n + "iface", ints(fr, "enip.srrd.iface") +
           ints(fr, "enip.sud.iface"),
           [c["InterfaceHandle"] for r, c in zip(rs, cs)
            if r["Command"] in (0x6f, 0x70)])
    ctx.eq(n + "timeout", ints(fr, "enip.timeout"),
           [c["Timeout"] for r, c in zip(rs, cs)
            if r["Command"] in (0x6f, 0x70)])
    ctx.eq(n + "itemcount", ints(fr, "enip.cpf.itemcount"),
           [len(c["Items"]) for c in cs if c["Items"]])
    ctx.eq(n + "typeid", ints(fr, "enip.cpf.typeid"),
           [i["TypeID"] for c in cs for i in c["Items"]])
    ctx.eq(n + "cpf length", ints(fr, "enip.cpf.length"),
           [i["Length"] for c in cs for i in c["Items"]])


# ---------------------------------------------------------------- CIP

def check_cip(ctx, fr, rs, n):
    ctx.eq(n + "service", ints(fr, "cip.sc"), [r["ServiceID"] for r in rs])
    # tshark's CIP Connection Manager layer repeats cip.rr of an
    # Unconnected Send request (0x52 to class 6)
    got = []
    for r in rs:
        got.append(1 if r["Response"] else 0)
        if not r["Response"] and r["ServiceID"] == 0x52 and \
                r["ClassID"] == 6:
            got.append(0)
    ctx.eq(n + "response", ints(fr, "cip.rr"), got)
    ctx.eq(n + "status", ints(fr, "cip.genstat"),
           [r["Status"] for r in rs if r["Response"]])
    ctx.eq(n + "addstat", ints(fr, "cip.addstat"),
           [a for r in rs for a in r["AdditionalStatus"]])
    # tshark adds the matched request's path to a response as generated
    # fields: the path is compared on frames of requests only. A record's
    # 0 is also "no such segment", so 0s are left out on both sides
    if any(r["Response"] for r in rs):
        return
    for f, k in (("cip.class", "ClassID"), ("cip.instance", "InstanceID"),
                 ("cip.attribute", "AttributeID")):
        ctx.eq(n + f, [v for v in ints(fr, f) if v],
               [r[k] for r in rs if r[k]])


def check(ctx):
    per_frame(ctx, "mbtcp", "Modbus", "mbtcp.trans_id", check_modbus)
    per_frame(ctx, "enip", "ENIP", "enip.command", check_enip)
    per_frame(ctx, "cip", "CIP", "cip.sc", check_cip)
