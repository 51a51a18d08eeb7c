# SPDX-License-Identifier: BSD-3-Clause
"""Oracle module: Diameter records against tshark (diameter.*), TCP
reassembly on.

Records are grouped per frame by timestamp and endpoints; tshark's
occurrence lists run over every message of the frame and, for the AVPs,
over every AVP in tree order (a Grouped AVP, then its AVPs), which is
netcap's AVPs flattened depth first. Header fields and each AVP's code,
length, flags and Vendor-ID are compared; the decoded values of the AVPs
named in VALUES are compared with tshark's field of that name (Time as
RFC 3339 against tshark's date text).
"""
import calendar

PROTOS = ["diameter"]
TYPES = ["Diameter"]
# AVP name -> its type, for the values compared
VALUES = {
    "Session-Id": "s", "Service-Context-Id": "s", "Origin-Host": "s",
    "Origin-Realm": "s", "Destination-Host": "s", "Destination-Realm": "s",
    "User-Name": "s", "Subscription-Id-Data": "s", "Product-Name": "s",
    "Error-Message": "s",
    "Auth-Application-Id": "i", "Acct-Application-Id": "i",
    "CC-Request-Number": "i", "CC-Request-Type": "i", "Result-Code": "i",
    "Origin-State-Id": "i", "Validity-Time": "i", "Currency-Code": "i",
    "Service-Parameter-Type": "i", "Subscription-Id-Type": "i",
    "Value-Digits": "i", "Exponent": "i", "Vendor-Id": "i",
    "Service-Identifier": "i", "Rating-Group": "i",
    "Requested-Action": "i", "CC-Time": "i",
    "Service-Parameter-Value": "x", "Event-Timestamp": "t",
}
HDR = [("diameter.version", "Version"), ("diameter.length", "MessageLen"),
       ("diameter.flags", "Flags"), ("diameter.cmd.code", "CommandCode"),
       ("diameter.applicationId", "ApplicationID"),
       ("diameter.hopbyhopid", "HopByHopID"),
       ("diameter.endtoendid", "EndToEndID")]
FIELDS = [f for f, _ in HDR] + [
    "diameter.avp.code", "diameter.avp.len", "diameter.avp.flags",
    "diameter.avp.vendorId"] + ["diameter." + k for k in VALUES]
MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def flat(avps, out):
    for a in avps:
        out.append(a)
        flat(a.get("Grouped", []), out)
    return out


def tshark_time(s):
    """'Jan 12, 2010 06:47:58.000000000 UTC' -> '2010-01-12T06:47:58Z'"""
    mon, day, year, hms = s.replace(",", "").split()[:4]
    return "%s-%02d-%02dT%sZ" % (year, MONTHS[mon], int(day),
                                 hms.split(".")[0])


def check(ctx):
    recs = {}
    for r in ctx.recs.get("Diameter", []):
        k = (r["Timestamp"], r["SrcIP"], r["DstIP"], r["SrcPort"],
             r["DstPort"])
        recs.setdefault(k, []).append(r)
    seen = set()
    for fr in ctx.frames:
        if not ctx.has(fr, "diameter") or not fr["diameter.version"]:
            continue
        k = (ctx.ts(fr), ctx.src(fr), ctx.dst(fr)) + ctx.ports(fr)
        seen.add(k)
        rs = recs.get(k, [])
        n = "Diameter frame %s " % fr["frame.number"][0]
        if not ctx.eq(n + "messages", len(fr["diameter.version"]),
                      len(rs)):
            continue
        for f, key in HDR:
            ctx.eq(n + f, [int(v, 0) for v in fr[f]], [r[key] for r in rs])
        avps = []
        for r in rs:
            flat(r["AVPs"], avps)
        for f, key in (("diameter.avp.code", "AttributeCode"),
                       ("diameter.avp.len", "Len"),
                       ("diameter.avp.flags", "Flags")):
            ctx.eq(n + f, [int(v, 0) for v in fr[f]],
                   [a[key] for a in avps])
        ctx.eq(n + "diameter.avp.vendorId",
               [int(v, 0) for v in fr["diameter.avp.vendorId"]],
               [a["VendorCode"] for a in avps if a["Flags"] & 0x80])
        for name, t in sorted(VALUES.items()):
            want = fr["diameter." + name]
            if t == "i":
                want = [str(int(v, 0)) for v in want]
            elif t == "t":
                want = [tshark_time(v) for v in want]
            got = [a["DecodedValue"] for a in avps
                   if a["AttributeName"] == name]
            ctx.eq(n + name, want, got)
    extra = sum(len(v) for k, v in recs.items() if k not in seen)
    ctx.eq("Diameter records without a frame", 0, extra)
