# SPDX-License-Identifier: BSD-3-Clause
"""Oracle module: DHCPv4, DHCPv6, NTP, SIP and BFD records against tshark.

Each of these is one record per datagram (SIP: per message), so the frames
tshark decodes as the protocol and netcap's records are paired in order by
timestamp and endpoints; every field tshark also decodes is then compared.
Where tshark shows a converted value and netcap keeps the wire value, the
conversion is done here (each one says how).
"""
import calendar
import re

PROTOS = ["dhcp", "dhcpv6", "ntp", "sip"]
TYPES = ["DHCPv4", "DHCPv6", "NTP", "SIP"]
FIELDS = [
    # DHCPv4
    "dhcp.type", "dhcp.id", "dhcp.hw.type", "dhcp.hw.len", "dhcp.hops",
    "dhcp.secs", "dhcp.flags", "dhcp.ip.client", "dhcp.ip.your",
    "dhcp.ip.server", "dhcp.ip.relay", "dhcp.hw.mac_addr",
    "dhcp.server", "dhcp.file",
    "dhcp.option.type", "dhcp.option.length", "dhcp.option.dhcp",
    "dhcp.option.request_list_item", "dhcp.option.hostname",
    "dhcp.option.requested_ip_address", "dhcp.option.dhcp_server_id",
    "dhcp.option.ip_address_lease_time", "dhcp.option.vendor_class_id",
    # DHCPv6
    "dhcpv6.msgtype", "dhcpv6.xid", "dhcpv6.hopcount", "dhcpv6.linkaddr",
    "dhcpv6.peeraddr", "dhcpv6.option.type", "dhcpv6.requested_option_code",
    "dhcpv6.duid.bytes", "dhcpv6.iaaddr.ip",
    # NTP
    "ntp.flags.li", "ntp.flags.vn", "ntp.flags.mode", "ntp.stratum",
    "ntp.ppoll", "ntp.precision", "ntp.rootdelay", "ntp.rootdispersion",
    "ntp.refid", "ntp.reftime", "ntp.org", "ntp.rec", "ntp.xmt",
    # SIP
    "sip.Method", "sip.Status-Code", "sip.r-uri", "sip.from.addr",
    "sip.to.addr", "sip.Call-ID", "sip.CSeq", "sip.User-Agent",
]

# -- BFD (decoders/app/bfd.c) --
PROTOS += ["bfd"]
TYPES += ["BFD"]
FIELDS += [
    "bfd.version", "bfd.diag", "bfd.sta", "bfd.flags.p", "bfd.flags.f",
    "bfd.flags.c", "bfd.flags.a", "bfd.flags.d", "bfd.flags.m",
    "bfd.detect_time_multiplier", "bfd.my_discriminator",
    "bfd.your_discriminator", "bfd.desired_min_tx_interval",
    "bfd.required_min_rx_interval", "bfd.required_min_echo_interval",
    "bfd.auth.type", "bfd.auth.key", "bfd.auth.seq_num",
    "bfd.auth.password",
]

NTP_UNIX = 2208988800  # seconds from 1900 to 1970
MONTHS = {m: i for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def first(fr, f):
    v = fr[f]
    return v[0] if v else None


def pair(ctx, proto, rtype):
    """Frames tshark decodes as proto and records of rtype, in order,
    matched on timestamp and endpoints (a record without its frame or a
    frame without its record is a mismatch)."""
    frames = [f for f in ctx.frames if ctx.has(f, proto)]
    recs = list(ctx.recs.get(rtype, []))
    out = []
    i = 0
    for fr in frames:
        key = (ctx.ts(fr), ctx.src(fr), ctx.dst(fr)) + ctx.ports(fr)
        r = recs[i] if i < len(recs) else None
        got = None if r is None else (r["Timestamp"], r["SrcIP"], r["DstIP"],
                                      r["SrcPort"], r["DstPort"])
        if ctx.eq("%s frame %s record" % (rtype, first(fr, "frame.number")),
                  key, got):
            out.append((fr, r))
            i += 1
    ctx.eq("%s records without a frame" % rtype, 0, len(recs) - i)
    return out


# ---------------------------------------------------------------- DHCPv4

def check_dhcpv4(ctx):
    for fr, r in pair(ctx, "dhcp", "DHCPv4"):
        n = "DHCPv4 frame %s " % first(fr, "frame.number")
        ctx.eq(n + "op", int(first(fr, "dhcp.type")), r["Operation"])
        ctx.eq(n + "xid", int(first(fr, "dhcp.id"), 16), r["Xid"])
        ctx.eq(n + "htype", int(first(fr, "dhcp.hw.type"), 16),
               r["HardwareType"])
        ctx.eq(n + "hlen", int(first(fr, "dhcp.hw.len")), r["HardwareLen"])
        ctx.eq(n + "hops", int(first(fr, "dhcp.hops")), r["HardwareOpts"])
        ctx.eq(n + "secs", int(first(fr, "dhcp.secs")), r["Secs"])
        ctx.eq(n + "flags", int(first(fr, "dhcp.flags"), 16), r["Flags"])
        for f, k in (("client", "ClientIP"), ("your", "YourClientIP"),
                     ("server", "NextServerIP"), ("relay", "RelayAgentIP")):
            ctx.eq(n + f, first(fr, "dhcp.ip." + f), r[k])
        if fr["dhcp.hw.mac_addr"]:
            ctx.eq(n + "chaddr", first(fr, "dhcp.hw.mac_addr"),
                   r["ClientHWAddr"])
        # tshark leaves dhcp.server/dhcp.file out when the field is empty
        ctx.eq(n + "sname", first(fr, "dhcp.server") or "", r["ServerName"])
        ctx.eq(n + "file", first(fr, "dhcp.file") or "", r["File"])
        # tshark writes the End option's dhcp.option.type as 0 (its value
        # is in dhcp.option.end): netcap's Type 255 is compared as 0
        want = [int(v) for v in fr["dhcp.option.type"]]
        got = [0 if o["Type"] == 255 else o["Type"] for o in r["Options"]]
        ctx.eq(n + "option types", want, got)
        want = [int(v) for v in fr["dhcp.option.length"]]
        got = [o["Length"] for o in r["Options"] if o["Type"] != 255]
        ctx.eq(n + "option lengths", want, got)
        ctx.eq(n + "message type",
               int(first(fr, "dhcp.option.dhcp") or 0), r["MessageType"])
        ctx.eq(n + "fingerprint",
               ",".join(fr["dhcp.option.request_list_item"]),
               r["Fingerprint"])
        ctx.eq(n + "hostname", first(fr, "dhcp.option.hostname") or "",
               r["Hostname"])
        ctx.eq(n + "requested ip",
               first(fr, "dhcp.option.requested_ip_address") or "",
               r["RequestedIP"])
        ctx.eq(n + "server id",
               first(fr, "dhcp.option.dhcp_server_id") or "", r["ServerIP"])
        ctx.eq(n + "lease",
               int(first(fr, "dhcp.option.ip_address_lease_time") or 0),
               r["LeaseTime"])
        ctx.eq(n + "vendor class",
               first(fr, "dhcp.option.vendor_class_id") or "",
               r["VendorClass"])


# ---------------------------------------------------------------- DHCPv6

# Options that hold options (RFC 8415 21): octets before the inner ones.
# tshark lists the inner options in dhcpv6.option.type too, so netcap's
# outer options are expanded here from their Data octets to compare.
V6_NESTED = {3: 12, 4: 4, 5: 24, 25: 12, 26: 25}


def v6_expand(data, out, depth=0):
    i = 0
    while i + 4 <= len(data):
        code = data[i] << 8 | data[i + 1]
        ln = data[i + 2] << 8 | data[i + 3]
        body = data[i + 4:i + 4 + ln]
        out.append(code)
        if depth < 8:
            if code in V6_NESTED:
                v6_expand(body[V6_NESTED[code]:], out, depth + 1)
            elif code == 9 and body:
                # a relayed message: its header, then its options
                hdr = 34 if body[0] in (12, 13) else 4
                v6_expand(body[hdr:], out, depth + 1)
        i += 4 + ln


def check_dhcpv6(ctx):
    for fr, r in pair(ctx, "dhcpv6", "DHCPv6"):
        n = "DHCPv6 frame %s " % first(fr, "frame.number")
        types = [int(v) for v in fr["dhcpv6.msgtype"]]
        ctx.eq(n + "msgtype", types[0], r["MsgType"])
        if r["RelayDepth"]:
            ctx.eq(n + "relayed msgtype", types[-1], r["RelayedMsgType"])
            ctx.eq(n + "hopcount", int(first(fr, "dhcpv6.hopcount")),
                   r["HopCount"])
            ctx.eq(n + "linkaddr", first(fr, "dhcpv6.linkaddr"),
                   r["LinkAddr"])
            ctx.eq(n + "peeraddr", first(fr, "dhcpv6.peeraddr"),
                   r["PeerAddr"])
        if fr["dhcpv6.xid"]:
            ctx.eq(n + "xid", int(fr["dhcpv6.xid"][-1], 16),
                   r["TransactionID"])
        got = []
        for o in r["Options"]:
            got.append(o["Code"])
            data = bytes.fromhex(o["Data"])
            if o["Code"] in V6_NESTED:
                v6_expand(data[V6_NESTED[o["Code"]]:], got)
            elif o["Code"] == 9 and data:
                v6_expand(data[34 if data[0] in (12, 13) else 4:], got)
        ctx.eq(n + "option types", [int(v) for v in fr["dhcpv6.option.type"]],
               got)
        ctx.eq(n + "fingerprint",
               ",".join(fr["dhcpv6.requested_option_code"]),
               r["Fingerprint"])
        # tshark lists DUIDs in order of appearance: the client's and the
        # server's options appear once each in these messages
        duids = [d for d in (r["ClientDUID"], r["ServerDUID"]) if d]
        ctx.eq(n + "duids", sorted(fr["dhcpv6.duid.bytes"]), sorted(duids))
        ctx.eq(n + "ia addresses", fr["dhcpv6.iaaddr.ip"], r["IANAIPs"])


# ---------------------------------------------------------------- NTP

def s8(v):
    """tshark shows poll and precision as unsigned octets; netcap as the
    signed log2 values RFC 5905 defines."""
    v = int(v)
    return v - 256 if v > 127 else v


def ntp_time(s):
    """tshark's "Jul 25, 1987 21:08:33.007738396 UTC" (or NULL for 0) ->
    (unix seconds, ns)."""
    if s == "NULL":
        return None
    m = re.match(r"(\w{3}) +(\d+), (\d+) (\d+):(\d+):(\d+)\.(\d+) UTC", s)
    if not m:
        return s
    mon, day, year, hh, mm, ss, frac = m.groups()
    sec = calendar.timegm((int(year), MONTHS[mon], int(day), int(hh),
                           int(mm), int(ss)))
    return sec, int((frac + "000000000")[:9])


def ntp_raw(v):
    """netcap's raw 32.32 timestamp -> (unix seconds, ns) as tshark
    converts it: seconds since 1900 (era 1 when the top bit is clear,
    RFC 4330 3), the fraction scaled to ns and truncated."""
    v = int(v)
    if v == 0:
        return None
    sec, frac = v >> 32, v & 0xffffffff
    if not sec & 0x80000000:
        sec += 1 << 32
    return sec - NTP_UNIX, (frac * 1000000000) >> 32


def check_ntp(ctx):
    for fr, r in pair(ctx, "ntp", "NTP"):
        n = "NTP frame %s " % first(fr, "frame.number")
        for f, k in (("flags.li", "LeapIndicator"), ("flags.vn", "Version"),
                     ("flags.mode", "Mode"), ("stratum", "Stratum"),
                     ("rootdelay", "RootDelay"),
                     ("rootdispersion", "RootDispersion")):
            ctx.eq(n + f, int(first(fr, "ntp." + f)), r[k])
        ctx.eq(n + "ppoll", s8(first(fr, "ntp.ppoll")), r["Poll"])
        ctx.eq(n + "precision", s8(first(fr, "ntp.precision")),
               r["Precision"])
        # tshark shows the reference ID as its 4 octets in hex
        ctx.eq(n + "refid", int(first(fr, "ntp.refid"), 16),
               r["ReferenceID"])
        for f, k in (("reftime", "ReferenceTimestamp"),
                     ("org", "OriginTimestamp"), ("rec", "ReceiveTimestamp"),
                     ("xmt", "TransmitTimestamp")):
            ctx.eq(n + f, ntp_time(first(fr, "ntp." + f)), ntp_raw(r[k]))


# ---------------------------------------------------------------- SIP

def sip_addr(v):
    """The URI of a From/To value as tshark's sip.from.addr shows it:
    inside <> when present, else up to the first ';' (RFC 3261 20.10)."""
    if "<" in v:
        return v[v.index("<") + 1:].split(">", 1)[0]
    return v.split(";", 1)[0].strip()


def check_sip(ctx):
    for fr, r in pair(ctx, "sip", "SIP"):
        n = "SIP frame %s " % first(fr, "frame.number")
        ctx.eq(n + "method", first(fr, "sip.Method") or "", r["Method"])
        ctx.eq(n + "status", int(first(fr, "sip.Status-Code") or 0),
               r["ResponseCode"])
        ctx.eq(n + "is response", bool(fr["sip.Status-Code"]),
               r["IsResponse"])
        ctx.eq(n + "request uri", first(fr, "sip.r-uri") or "",
               r["RequestURI"])
        ctx.eq(n + "from", first(fr, "sip.from.addr") or "",
               sip_addr(r["From"]))
        ctx.eq(n + "to", first(fr, "sip.to.addr") or "", sip_addr(r["To"]))
        ctx.eq(n + "call-id", first(fr, "sip.Call-ID") or "", r["CallID"])
        ctx.eq(n + "cseq", first(fr, "sip.CSeq") or "", r["CSeq"])
        ctx.eq(n + "user-agent", first(fr, "sip.User-Agent") or "",
               r["UserAgent"])


# ---------------------------------------------------------------- BFD

def tnum(v):
    return int(v, 16) if v.lower().startswith("0x") else int(v)


def check_bfd(ctx):
    """BFD control packets (tshark's bfd; echo packets are bfd_echo and
    get no record)."""
    for fr, r in pair(ctx, "bfd", "BFD"):
        n = "BFD frame %s " % first(fr, "frame.number")
        for f, k in (("version", "Version"), ("diag", "Diagnostic"),
                     ("sta", "State"),
                     ("detect_time_multiplier", "DetectMultiplier"),
                     ("my_discriminator", "MyDiscriminator"),
                     ("your_discriminator", "YourDiscriminator"),
                     ("desired_min_tx_interval", "DesiredMinTxInterval"),
                     ("required_min_rx_interval", "RequiredMinRxInterval"),
                     ("required_min_echo_interval",
                      "RequiredMinEchoRxInterval")):
            ctx.eq(n + f, tnum(first(fr, "bfd." + f)), int(r[k]))
        for f, k in (("p", "Poll"), ("f", "Final"),
                     ("c", "ControlPlaneIndependent"), ("a", "AuthPresent"),
                     ("d", "Demand"), ("m", "Multipoint")):
            ctx.eq(n + "flags." + f,
                   first(fr, "bfd.flags." + f) in ("1", "True"), r[k])
        a = r.get("AuthHeader") or {}
        if first(fr, "bfd.auth.type") is not None:
            ctx.eq(n + "auth.type", tnum(first(fr, "bfd.auth.type")),
                   a.get("AuthType"))
            ctx.eq(n + "auth.key", tnum(first(fr, "bfd.auth.key")),
                   a.get("KeyID"))
            if first(fr, "bfd.auth.seq_num") is not None:
                ctx.eq(n + "auth.seq_num",
                       tnum(first(fr, "bfd.auth.seq_num")),
                       int(a.get("SequenceNumber", 0)))
            if first(fr, "bfd.auth.password") is not None:
                ctx.eq(n + "auth.password",
                       first(fr, "bfd.auth.password").encode().hex(),
                       a.get("Data"))
        else:
            ctx.eq(n + "no auth section", {}, a)


def check(ctx):
    check_dhcpv4(ctx)
    check_dhcpv6(ctx)
    check_ntp(ctx)
    check_sip(ctx)
    check_bfd(ctx)
