#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cross-check netcap's records for one capture against Wireshark (tshark).

usage: crosscheck.py [-v] [--netcap BIN] [--exceptions FILE] [--max N]
                     [--defrag auto|on|off] CAPTURE

Steps:
  1. netcap capture -r CAPTURE -o TMP --workers 1 --quiet
     then netcap dump --json TMP/<Type>.ncap.lz4 for every record file.
     With one worker every record file is in packet order.
  2. tshark -n -r CAPTURE -T fields (occurrence=a, aggregator ",") with the
     fields that both decode. TCP reassembly is off. IP defragmentation
     follows netcap's: a netcap whose `capture --help` offers --no-defrag
     reassembles IPv4 and IPv6 datagrams by default (decoders/defrag.c), so
     tshark runs with ip.defragment and ipv6.defragment on: every fragment
     has its IPv4 / IPv6 / IPv6Fragment records, and the upper-layer
     records (UDP, ICMP, ...) belong to the frame that completes the
     datagram, decoded from the reassembled payload. An older netcap (no
     --no-defrag), or --defrag off (netcap then runs with --no-defrag),
     compares with defragmentation off on both sides: tshark, like
     netcap, dissects the upper-layer header of a first fragment and
     nothing of a later one.
  3. For every frame, the layer stack tshark reports (frame.protocols) says
     which records netcap must have written: one per layer netcap decodes,
     in stack order, up to the first layer netcap does not decode (a tunnel,
     an application protocol, the packet quoted inside an ICMP error).
     Layers tshark shows beyond that point are not netcap's to write.
  4. netcap records of each type are taken in file order and matched to
     frames by Timestamp (frames with equal timestamps keep file order; a
     record whose time no frame has is a Timestamp mismatch of the frame
     it stands for), then every field both sides know is compared, with
     the unit conversions written next to each field.

Every disagreement (a field value, or a record present on one side only) is
a mismatch unless test/oracle/EXCEPTIONS lists it with a reason. The
expected values come from tshark only.

Output: "crosscheck CAP: N frames, M fields compared, K mismatches"
(plus excepted and not-comparable counts); exit 0 only when K is 0.
"Not comparable": a conditional field (say icmp.ident) in a frame with
several occurrences of its layer, where tshark's aggregated list cannot be
lined up with the occurrences.
"""
import argparse
import collections
import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# tshark side
# ---------------------------------------------------------------------------

# No TCP reassembly (netcap's TCP records are per segment). IP
# defragmentation is set by defrag_prefs() to match netcap's.
TSHARK_PREFS = [
    "-o", "tcp.desegment_tcp_streams:FALSE",
]


def defrag_prefs(on):
    """tshark IP defragmentation: on, the frame that completes a datagram
    carries the reassembled upper layers (netcap with defragmentation);
    off, each frame is dissected on its own, so a first IP fragment shows
    its upper-layer header and later fragments are data (netcap
    --no-defrag, or a netcap without defragmentation)."""
    v = "TRUE" if on else "FALSE"
    return ["-o", "ip.defragment:" + v, "-o", "ipv6.defragment:" + v]


def netcap_has_defrag(netcap):
    """Does this netcap reassemble IP fragments by default? Its capture
    help lists --no-defrag exactly when it does."""
    p = subprocess.run([netcap, "capture", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    return "--no-defrag" in p.stdout

TS_FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols",
    "eth.src", "eth.dst", "eth.type", "eth.len",
    "vlan.id", "vlan.priority", "vlan.dei", "vlan.cfi", "vlan.etype",
    "vlan.len",
    "ieee8021ad.id", "ieee8021ad.priority", "ieee8021ad.dei",
    "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size",
    "arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
    "arp.dst.proto_ipv4",
    "ip.version", "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags",
    "ip.frag_offset", "ip.ttl", "ip.proto", "ip.checksum", "ip.src",
    "ip.dst", "ip.opt.type",
    "ipv6.version", "ipv6.tclass", "ipv6.flow", "ipv6.plen", "ipv6.nxt",
    "ipv6.hlim", "ipv6.src", "ipv6.dst",
    "ipv6.hopopts.nxt", "ipv6.hopopts.len", "ipv6.opt.type",
    "ipv6.fraghdr.nxt", "ipv6.fraghdr.reserved_octet",
    "ipv6.fraghdr.offset", "ipv6.fraghdr.reserved_bits",
    "ipv6.fraghdr.more", "ipv6.fraghdr.ident",
    "icmp.type", "icmp.code", "icmp.checksum", "icmp.ident", "icmp.seq",
    "icmpv6.type", "icmpv6.code", "icmpv6.checksum",
    "icmpv6.echo.identifier", "icmpv6.echo.sequence_number",
    "icmpv6.nd.ns.target_address", "icmpv6.nd.na.target_address",
    "icmpv6.nd.na.flag", "icmpv6.nd.ra.cur_hop_limit", "icmpv6.nd.ra.flag",
    "icmpv6.nd.ra.router_lifetime", "icmpv6.nd.ra.reachable_time",
    "icmpv6.nd.ra.retrans_timer", "icmpv6.opt.type", "icmpv6.opt.length",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
    "tcp.window_size_value", "tcp.hdr_len", "tcp.checksum",
    "tcp.urgent_pointer", "tcp.option_kind",
    "udp.srcport", "udp.dstport", "udp.length", "udp.checksum",
]

# tshark layer name (as in frame.protocols) -> netcap record type.
LAYER_REC = {
    "eth": "Ethernet",
    "vlan": "Dot1Q",
    "ieee8021ad": "Dot1Q",
    "arp": "ARP",
    "ip": "IPv4",
    "ipv6": "IPv6",
    "ipv6.hopopts": "IPv6HopByHop",
    "ipv6.fraghdr": "IPv6Fragment",
    "icmp": "ICMPv4",
    "icmpv6": "ICMPv6",
    "tcp": "TCP",
    "udp": "UDP",
}
# Layers netcap walks through without writing a record of their own.
TRANSPARENT = {"frame", "ethertype", "sll", "null", "raw", "ipv6.routing",
               "ipv6.dstopts"}
# After these layers netcap decodes nothing more in the frame: transport
# payloads are application data, ARP ends the frame, and ICMP errors quote
# a packet that netcap does not decode.
TERMINAL = {"arp", "icmp", "icmpv6", "tcp", "udp"}
# A layer that is neither in LAYER_REC nor TRANSPARENT is where netcap stops
# (a protocol it does not decode yet: GRE, MPLS, PPPoE, LLC, ...).
# ICMPv6 types that get a record of their own besides ICMPv6.
ICMPV6_SUBREC = {128: "ICMPv6Echo", 129: "ICMPv6Echo",
                 133: "ICMPv6RouterSolicitation",
                 134: "ICMPv6RouterAdvertisement",
                 135: "ICMPv6NeighborSolicitation",
                 136: "ICMPv6NeighborAdvertisement"}
# EtherType netcap records for the layer that follows an 802.1ad tag
# (tshark has no field for it; the next layer names it).
NEXT_ETYPE = {"vlan": {0x8100, 0x9100}, "ieee8021ad": {0x88a8},
              "ip": {0x0800}, "ipv6": {0x86dd}, "arp": {0x0806}}

# --- Dot11 (802.11, radiotap), USB, USBRequestBlockSetup (usbmon) ---
# decoders/link/dot11.c, radiotap.c, usb.c. The radiotap header and
# Wireshark's derived wlan_radio layer have no record: their values are in
# the Dot11 record. The LLC/SNAP body is the LLC block's (below).
TS_FIELDS += [
    "wlan.fc.version", "wlan.fc.type", "wlan.fc.subtype", "wlan.flags",
    "wlan.duration", "wlan.ra", "wlan.ta", "wlan.da", "wlan.sa",
    "wlan.bssid", "wlan.seq", "wlan.frag", "wlan.fcs", "wlan.qos.tid",
    "wlan.qos.eosp", "wlan.qos.ack", "wlan.htc",
    "radiotap.length", "radiotap.present.word", "radiotap.flags",
    "radiotap.mactime", "radiotap.datarate", "radiotap.channel.freq",
    "radiotap.channel.flags", "radiotap.dbm_antsignal",
    "radiotap.dbm_antnoise", "radiotap.antenna",
    "usb.urb_id", "usb.urb_type", "usb.transfer_type",
    "usb.endpoint_address.direction", "usb.endpoint_address.number",
    "usb.device_address", "usb.bus_id", "usb.setup_flag", "usb.data_flag",
    "usb.urb_ts_sec", "usb.urb_ts_usec", "usb.urb_status", "usb.urb_len",
    "usb.data_len", "usb.interval", "usb.start_frame",
    "usb.copy_of_transfer_flags", "usb.iso.numdesc",
    "usb.bmRequestType", "usb.setup.bRequest", "usbhub.setup.bRequest",
    "usb.setup.wValue", "usbhub.setup.wValue", "usb.bDescriptorType",
    "usb.DescriptorIndex", "usb.bConfigurationValue",
    "usb.bAlternateSetting", "usb.setup.wFeatureSelector",
    "usb.setup.wIndex", "usbhub.setup.wIndex", "usb.LanguageId",
    "usb.setup.wInterface", "usb.setup.wLength", "usbhub.setup.wLength",
]
LAYER_REC.update({"wlan": "Dot11", "usb": "USB"})
TRANSPARENT |= {"radiotap", "wlan_radio"}
# A usb layer with a setup packet also has a USBRequestBlockSetup record.
USB_SETUP_REC = "USBRequestBlockSetup"

# --- LLC, SNAP, FDDI, CiscoDiscovery, CiscoDiscoveryInfo, NortelDiscovery ---
# tshark shows SNAP inside its llc layer (llc.oui, llc.pid / llc.type):
# an llc layer with an OUI is netcap's LLC and SNAP records (LLC_SUBREC).
# cdp is CiscoDiscovery and CiscoDiscoveryInfo. CDP and NDP end the frame.
TS_FIELDS += [
    "frame.cap_len",
    "llc.dsap", "llc.dsap.ig", "llc.ssap", "llc.ssap.cr", "llc.control",
    "llc.oui", "llc.pid", "llc.cisco_pid", "llc.nortel_pid", "llc.type",
    "fddi.fc", "fddi.fc.prio", "fddi.src", "fddi.dst",
    "ndp.ipaddress", "ndp.segmentident", "ndp.chassis", "ndp.backplane",
    "ndp.state", "ndp.numberoflinks",
    "cdp.version", "cdp.ttl", "cdp.checksum", "cdp.tlv.type", "cdp.tlv.len",
    "cdp.deviceid", "cdp.portid", "cdp.platform", "cdp.software_version",
    "cdp.capabilities", "cdp.native_vlan", "cdp.duplex",
    "cdp.vtp_management_domain", "cdp.trust_bitmap",
    "cdp.untrusted_port_cos", "cdp.power_consumption", "cdp.mtu",
    "cdp.system_name", "cdp.nrgyz.ip_address", "cdp.ip_prefix",
    "cdp.oui", "cdp.protocol_id", "cdp.cluster.master_ip", "cdp.cluster.ip",
    "cdp.cluster.version", "cdp.cluster.sub_version",
    "cdp.cluster.status", "cdp.cluster.unknown",
    "cdp.cluster.commander_mac", "cdp.cluster.switch_mac",
    "cdp.cluster.management_vlan", "cdp.request_id", "cdp.management_id",
    "cdp.power_requested", "cdp.power_available", "cdp.location",
]
LAYER_REC.update({"llc": "LLC", "fddi": "FDDI", "cdp": "CiscoDiscovery",
                  "ndp": "NortelDiscovery"})
LLC_SUBREC = {"llc": "SNAP", "cdp": "CiscoDiscoveryInfo"}
TERMINAL |= {"cdp", "ndp"}


def epoch_ns(s):
    """tshark frame.time_epoch ("S.fffffffff", maybe negative) -> int ns."""
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    sec, _, frac = s.partition(".")
    # The fraction is the nanoseconds printed with %09d, so a capture whose
    # sub-second field is out of range (1000000 us) prints 10 digits: it is
    # still seconds * 10^9 + that number.
    frac = frac if len(frac) >= 9 else (frac + "000000000")[:9]
    ns = int(sec) * 1_000_000_000 + int(frac)
    return -ns if neg else ns


def tint(s):
    """tshark integer: decimal, or hex with 0x (BASE_HEX fields)."""
    s = s.strip()
    if s.lower().startswith("0x"):
        return int(s, 16)
    return int(s, 10)


def tbool(s):
    s = s.strip()
    if s in ("1", "True", "true"):
        return True
    if s in ("0", "False", "false"):
        return False
    return bool(tint(s))


def run_tshark(cap, defrag):
    cmd = ["tshark", "-n", "-r", cap] + TSHARK_PREFS + defrag_prefs(defrag) + [
        "-T", "fields", "-E", "header=y", "-E", "separator=/t",
        "-E", "occurrence=a", "-E", "aggregator=,", "-E", "quote=n"]
    for f in TS_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    # tshark exits 2 on a capture cut short but prints the frames it read.
    lines = p.stdout.split("\n")
    if not lines or lines[0].split("\t")[0] != "frame.number":
        raise RuntimeError("tshark failed (rc %d): %s" % (p.returncode,
                                                          p.stderr.strip()))
    head = lines[0].split("\t")
    frames = []
    for line in lines[1:]:
        if not line:
            continue
        cols = line.split("\t")
        cols += [""] * (len(head) - len(cols))
        row = {}
        for k, v in zip(head, cols):
            row[k] = v.split(",") if v != "" else []
        frames.append(row)
    return frames, p.returncode, p.stderr


# ---------------------------------------------------------------------------
# netcap side
# ---------------------------------------------------------------------------

def run_netcap(netcap, cap, tmp, extra):
    out = os.path.join(tmp, "out")
    p = subprocess.run([netcap, "capture", "-r", cap, "-o", out,
                        "--workers", "1", "--quiet"] + extra,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError("netcap capture failed (rc %d): %s" %
                           (p.returncode, p.stderr.strip()))
    recs = {}
    for path in sorted(glob.glob(os.path.join(out, "*.ncap.lz4"))):
        typ = os.path.basename(path)[:-len(".ncap.lz4")]
        d = subprocess.run([netcap, "dump", "--json", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if d.returncode != 0:
            raise RuntimeError("netcap dump --json %s failed (rc %d): %s" %
                               (path, d.returncode, d.stderr.strip()))
        lst = []
        for line in d.stdout.splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if "Timestamp" not in obj and "Created" in obj:
                continue  # a Header record, should dump print one
            lst.append(obj)
        recs[typ] = lst
    return recs


def jint(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str):
        return int(v, 10)
    return int(v)


# ---------------------------------------------------------------------------
# The layer plan of one frame
# ---------------------------------------------------------------------------

class Layer:
    def __init__(self, name, occ, pos):
        self.name = name    # tshark layer name
        self.occ = occ      # occurrence index of this name in the frame
        self.pos = pos      # position in frame.protocols
        self.ctx = None     # enclosing ip/ipv6 Layer (for SrcIP/DstIP)
        self.next = None    # name of the next layer in the stack


def plan(frame):
    """Layers netcap must have written records for, and why it stopped."""
    stack = frame["frame.protocols"]
    stack = stack[0].split(":") if stack else []
    seen = collections.Counter()
    layers = []
    stop = None
    ctx = None
    prev = None
    for i, name in enumerate(stack):
        occ = seen[name]
        seen[name] += 1
        if prev is not None and prev in TERMINAL:
            stop = "%s (after %s)" % (name, prev)
            break
        if name in TRANSPARENT:
            continue
        if name not in LAYER_REC:
            stop = name
            break
        lay = Layer(name, occ, i)
        lay.ctx = ctx
        if layers:
            layers[-1].next = name
        layers.append(lay)
        if name in ("ip", "ipv6"):
            ctx = lay
        prev = name
    return layers, stop, seen


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------

class Checker:
    def __init__(self, cap, exceptions, verbose):
        self.cap = os.path.basename(cap)
        self.exc = exceptions
        self.verbose = verbose
        self.compared = 0
        self.skipped = 0
        self.mismatches = []
        self.excepted = collections.Counter()

    def excepted_by(self, frame_no, key):
        for e in self.exc:
            if not fnmatch.fnmatch(self.cap, e["cap"]):
                continue
            if e["frames"] is not None and frame_no not in e["frames"]:
                continue
            if fnmatch.fnmatch(key, e["key"]):
                return e
        return None

    def fail(self, frame_no, key, ncv, tsv, note=""):
        e = self.excepted_by(frame_no, key)
        if e is not None:
            self.excepted[(key, e["reason"])] += 1
            return
        self.mismatches.append((frame_no, key, ncv, tsv, note))

    def eq(self, frame_no, key, ncv, tsv):
        self.compared += 1
        if ncv != tsv:
            self.fail(frame_no, key, ncv, tsv)


def values(frame, field, lay, nocc, always):
    """The value of field for the occurrence lay.occ of its layer, or None.

    tshark's occurrence=a aggregates one value per layer occurrence that has
    the field. A field every occurrence carries (always) lines up with the
    occurrences in order (a missing one can only be a later, truncated
    occurrence). A conditional field lines up only when there is one
    occurrence, or as many values as occurrences.
    """
    v = frame.get(field, [])
    if always or len(v) == nocc:
        return v[lay.occ] if lay.occ < len(v) else None
    if nocc == 1:
        return v[0] if len(v) == 1 else None
    return "?ambiguous"


def cmp_field(ck, frame, fno, lay, nocc, rec, typ, nfield, tfield, conv,
              always=True, ncconv=None):
    tv = values(frame, tfield, lay, nocc, always)
    if tv == "?ambiguous":
        ck.skipped += 1
        return
    if tv is None:
        if always:
            ck.fail(fno, "%s.%s" % (typ, nfield), rec.get(nfield),
                    "<absent>", "tshark has no " + tfield)
        else:
            ck.skipped += 1
        return
    if nfield not in rec:
        ck.fail(fno, "%s.%s" % (typ, nfield), "<absent>", tv,
                "netcap JSON lacks the field")
        return
    ncv = rec[nfield]
    try:
        exp = conv(tv)
    except ValueError:
        ck.fail(fno, "%s.%s" % (typ, nfield), ncv, tv,
                "unparsable tshark value")
        return
    got = ncconv(ncv) if ncconv else ncv
    ck.eq(fno, "%s.%s" % (typ, nfield), got, exp)


def s_lower(s):
    return s.lower()


def ctx_ips(ck, frame, fno, lay, counts, rec, typ):
    """SrcIP/DstIP of an upper-layer record = its enclosing IP header's."""
    c = lay.ctx
    if c is None:
        return
    f = "ip" if c.name == "ip" else "ipv6"
    for nf, tf in (("SrcIP", f + ".src"), ("DstIP", f + ".dst")):
        cmp_field(ck, frame, fno, c, counts[c.name], rec, typ, nf, tf,
                  s_lower)


def cmp_options(ck, fno, typ, rec, kinds):
    """Option kinds of an IPv4 or TCP header.

    netcap keeps the options up to and including End of Option List (kind
    0) and puts the octets after it in Padding; tshark goes on dissecting
    those octets, so zero padding shows there as one more EOL per octet.
    So: tshark's kinds up to the first EOL must be netcap's Options, and
    tshark's EOLs after it must be netcap's Padding, one zero octet each
    (other octets after an EOL are garbage tshark reads as options: only
    their presence is checked)."""
    ours = [jint(o.get("OptionType", 0)) for o in rec.get("Options") or []]
    theirs = [tint(x) for x in kinds]
    tail = []
    if 0 in theirs:
        cut = theirs.index(0) + 1
        theirs, tail = theirs[:cut], theirs[cut:]
    ck.eq(fno, typ + ".Options[].OptionType", ours, theirs)
    pad = rec.get("Padding", "") or ""
    if all(k == 0 for k in tail):
        ck.eq(fno, typ + ".Padding", pad, "00" * len(tail))
    else:
        ck.eq(fno, typ + ".Padding", pad != "", True)


def hexlen(h):
    return len(h) // 2 if isinstance(h, str) else 0


def check_layer(ck, frame, fno, lay, counts, rec, typ):
    n = counts[lay.name]

    def F(nf, tf, conv=tint, always=True, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, rec, typ, nf, tf, conv, always,
                  ncconv)

    if typ == "Ethernet":
        F("SrcMAC", "eth.src", s_lower)
        F("DstMAC", "eth.dst", s_lower)
        # eth.type for Ethernet II, eth.len for an 802.3 length. LLC,
        # SNAP, ...: for an 802.3 frame netcap's record has Netcap's
        # representation, EthernetType 0 (gopacket's EthernetTypeLLC) and
        # PayloadSize the 802.3 length (the data after the header up to
        # it: less when the frame ends before).
        if values(frame, "eth.type", lay, n, False) not in (None,
                                                            "?ambiguous"):
            F("EthernetType", "eth.type", always=False)
        else:
            ck.eq(fno, "Ethernet.EthernetType",
                  jint(rec.get("EthernetType", -1)), 0)
            if lay.pos == 0 and frame.get("frame.cap_len"):
                F("PayloadSize", "eth.len", lambda s: min(
                    tint(s), tint(frame["frame.cap_len"][0]) - 14),
                  always=False)
            else:
                ck.skipped += 1
    elif typ == "Dot1Q" and lay.name == "vlan":
        F("Priority", "vlan.priority")
        # Wireshark calls the bit DEI or CFI depending on a preference.
        dei = "vlan.dei" if frame.get("vlan.dei") else "vlan.cfi"
        F("DropEligible", dei, tbool)
        F("VLANIdentifier", "vlan.id")
        if values(frame, "vlan.etype", lay, n, False) not in (None,
                                                              "?ambiguous"):
            F("Type", "vlan.etype", always=False)
        else:
            F("Type", "vlan.len", always=False)
    elif typ == "Dot1Q":  # ieee8021ad S-tag
        F("Priority", "ieee8021ad.priority")
        F("DropEligible", "ieee8021ad.dei", tbool)
        F("VLANIdentifier", "ieee8021ad.id")
        # tshark has no field for the EtherType after an S-tag; the layer
        # it dissects next tells which value it read there.
        if lay.next in NEXT_ETYPE:
            ck.compared += 1
            if jint(rec.get("Type", -1)) not in NEXT_ETYPE[lay.next]:
                ck.fail(fno, "Dot1Q.Type", rec.get("Type"),
                        "one of %s (next layer %s)" %
                        (sorted(NEXT_ETYPE[lay.next]), lay.next))
        else:
            ck.skipped += 1
    elif typ == "ARP":
        F("AddrType", "arp.hw.type")
        F("Protocol", "arp.proto.type")
        F("HwAddressSize", "arp.hw.size")
        F("ProtocolAddressSize", "arp.proto.size")
        F("Operation", "arp.opcode")
        # tshark has these fields only for 6-octet MACs and IPv4.
        F("SrcHwAddress", "arp.src.hw_mac", s_lower, False)
        F("SrcProtocolAddress", "arp.src.proto_ipv4", s_lower, False)
        F("DstHwAddress", "arp.dst.hw_mac", s_lower, False)
        F("DstProtocolAddress", "arp.dst.proto_ipv4", s_lower, False)
    elif typ == "IPv4":
        F("Version", "ip.version")
        # ip.hdr_len is in octets, IHL in 32-bit words.
        F("IHL", "ip.hdr_len", lambda s: tint(s) // 4)
        F("TOS", "ip.dsfield")
        F("Length", "ip.len")
        F("Id", "ip.id")
        # ip.flags is the 3-bit field shifted down (RF 4, DF 2, MF 1) and
        # ip.frag_offset is in 8-octet units, like netcap's.
        F("Flags", "ip.flags")
        F("FragOffset", "ip.frag_offset")
        F("TTL", "ip.ttl")
        F("Protocol", "ip.proto")
        F("Checksum", "ip.checksum")
        F("SrcIP", "ip.src", s_lower)
        F("DstIP", "ip.dst", s_lower)
        if n == 1:
            cmp_options(ck, fno, "IPv4", rec, frame.get("ip.opt.type", []))
        else:
            ck.skipped += 1
    elif typ == "IPv6":
        F("Version", "ipv6.version")
        F("TrafficClass", "ipv6.tclass")
        F("FlowLabel", "ipv6.flow")
        F("Length", "ipv6.plen")
        F("NextHeader", "ipv6.nxt")
        F("HopLimit", "ipv6.hlim")
        F("SrcIP", "ipv6.src", s_lower)
        F("DstIP", "ipv6.dst", s_lower)
    elif typ == "IPv6HopByHop":
        F("NextHeader", "ipv6.hopopts.nxt")
        F("HeaderLength", "ipv6.hopopts.len")
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
        # ipv6.opt.type also lists Destination Options; compare the list
        # only when the frame has a single Hop-by-Hop header and no other.
        if n == 1 and counts["ipv6.dstopts"] == 0:
            ck.eq(fno, "IPv6HopByHop.Options[].OptionType",
                  [jint(o.get("OptionType", 0))
                   for o in rec.get("Options") or []],
                  [tint(x) for x in frame.get("ipv6.opt.type", [])])
        else:
            ck.skipped += 1
    elif typ == "IPv6Fragment":
        F("NextHeader", "ipv6.fraghdr.nxt")
        F("Reserved1", "ipv6.fraghdr.reserved_octet")
        # ipv6.fraghdr.offset is in 8-octet units, like netcap's.
        F("FragmentOffset", "ipv6.fraghdr.offset")
        F("Reserved2", "ipv6.fraghdr.reserved_bits")
        F("MoreFragments", "ipv6.fraghdr.more", tbool)
        F("Identification", "ipv6.fraghdr.ident")
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ == "ICMPv4":
        t = values(frame, "icmp.type", lay, n, True)
        c = values(frame, "icmp.code", lay, n, True)
        ck.eq(fno, "ICMPv4.TypeCode", jint(rec.get("TypeCode", -1)),
              (tint(t) << 8 | tint(c)) if t and c else None)
        F("Checksum", "icmp.checksum")
        # Identifier and sequence exist only for echo, timestamp and
        # information messages; tshark prints them for those only.
        F("Id", "icmp.ident", tint, False)
        F("Seq", "icmp.seq", tint, False)
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ == "Dot11":
        check_dot11(ck, frame, fno, lay, counts, rec)
    elif typ == "USB":
        check_usb(ck, frame, fno, lay, counts, rec)
    elif typ == "ICMPv6":
        t = values(frame, "icmpv6.type", lay, n, True)
        c = values(frame, "icmpv6.code", lay, n, True)
        ck.eq(fno, "ICMPv6.TypeCode", jint(rec.get("TypeCode", -1)),
              (tint(t) << 8 | tint(c)) if t and c else None)
        F("Checksum", "icmpv6.checksum")
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ in LLC_TYPES:  # LLC, SNAP, FDDI, CDP, NDP
        check_llc(ck, frame, fno, lay, counts, rec, typ)


def nd_options(ck, frame, fno, n, rec, typ):
    """ND options: types and lengths (length in 8-octet units, type and
    length octets included, so len(Data) = 8 * length - 2)."""
    if n != 1:
        ck.skipped += 1
        return
    opts = rec.get("Options") or []
    ck.eq(fno, typ + ".Options[].Type", [jint(o.get("Type", 0)) for o in opts],
          [tint(x) for x in frame.get("icmpv6.opt.type", [])])
    ck.eq(fno, typ + ".Options[].Length",
          [(hexlen(o.get("Data", "")) + 2) // 8 for o in opts],
          [tint(x) for x in frame.get("icmpv6.opt.length", [])])


def check_icmpv6_sub(ck, frame, fno, lay, counts, rec, typ):
    n = counts["icmpv6"]

    def F(nf, tf, conv=tint, always=False, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, rec, typ, nf, tf, conv, always,
                  ncconv)

    if typ == "ICMPv6Echo":
        F("Identifier", "icmpv6.echo.identifier")
        F("SeqNumber", "icmpv6.echo.sequence_number")
    elif typ == "ICMPv6NeighborSolicitation":
        F("TargetAddress", "icmpv6.nd.ns.target_address", s_lower)
        nd_options(ck, frame, fno, n, rec, typ)
    elif typ == "ICMPv6NeighborAdvertisement":
        # icmpv6.nd.na.flag is the 32-bit word (R, S, O on top); netcap
        # keeps its first octet.
        F("Flags", "icmpv6.nd.na.flag", lambda s: tint(s) >> 24)
        F("TargetAddress", "icmpv6.nd.na.target_address", s_lower)
        nd_options(ck, frame, fno, n, rec, typ)
    elif typ == "ICMPv6RouterSolicitation":
        nd_options(ck, frame, fno, n, rec, typ)
    elif typ == "ICMPv6RouterAdvertisement":
        F("HopLimit", "icmpv6.nd.ra.cur_hop_limit")
        F("Flags", "icmpv6.nd.ra.flag")
        F("RouterLifetime", "icmpv6.nd.ra.router_lifetime")
        F("ReachableTime", "icmpv6.nd.ra.reachable_time")
        F("RetransTimer", "icmpv6.nd.ra.retrans_timer")
        nd_options(ck, frame, fno, n, rec, typ)
    ctx_ips(ck, frame, fno, lay, counts, rec, typ)


TCP_FLAGS = [("FIN", 0x001), ("SYN", 0x002), ("RST", 0x004), ("PSH", 0x008),
             ("ACK", 0x010), ("URG", 0x020), ("ECE", 0x040), ("CWR", 0x080),
             ("NS", 0x100)]


def check_l4(ck, frame, fno, lay, counts, rec, typ):
    n = counts[lay.name]

    def F(nf, tf, conv=tint, always=True):
        cmp_field(ck, frame, fno, lay, n, rec, typ, nf, tf, conv, always)

    if typ == "TCP":
        F("SrcPort", "tcp.srcport")
        F("DstPort", "tcp.dstport")
        F("SeqNum", "tcp.seq_raw")
        F("AckNum", "tcp.ack_raw")
        # tcp.hdr_len is in octets, DataOffset in 32-bit words.
        F("DataOffset", "tcp.hdr_len", lambda s: tint(s) // 4)
        F("Window", "tcp.window_size_value")
        F("Checksum", "tcp.checksum")
        F("Urgent", "tcp.urgent_pointer")
        # tcp.flags is the 12 bits after the data offset: 3 reserved bits
        # (netcap has no field for them), then NS CWR ECE URG ACK PSH RST
        # SYN FIN.
        tv = values(frame, "tcp.flags", lay, n, True)
        if tv is None:
            ck.fail(fno, "TCP.flags", "-", "<absent>", "tshark has no flags")
        else:
            bits = tint(tv)
            for name, m in TCP_FLAGS:
                ck.eq(fno, "TCP." + name, bool(rec.get(name, False)),
                      bool(bits & m))
        # Option kinds in order (EOL and NOP included on both sides).
        if n == 1:
            cmp_options(ck, fno, "TCP", rec,
                        frame.get("tcp.option_kind", []))
        else:
            ck.skipped += 1
    elif typ == "UDP":
        F("SrcPort", "udp.srcport")
        F("DstPort", "udp.dstport")
        F("Length", "udp.length")
        F("Checksum", "udp.checksum")
    ctx_ips(ck, frame, fno, lay, counts, rec, typ)


# --- Dot11 (802.11, radiotap), USB, USBRequestBlockSetup (usbmon) ---

def tchar(s):
    """tshark FT_CHAR: 'S', '<', '\\0', '\\xNN' -> its code."""
    s = s.strip()
    if len(s) >= 2 and s[0] == "'" and s[-1] == "'":
        s = s[1:-1]
    if s.startswith("\\"):
        if s[1:2] == "x":
            return int(s[2:], 16)
        if s[1:].isdigit():
            return int(s[1:], 8)
        return {"n": 10, "t": 9, "r": 13, "\\": 92, "'": 39}.get(s[1:], -1)
    return ord(s) if len(s) == 1 else -1


def first(frame, field):
    """The first value tshark has for field in the frame, or None."""
    v = frame.get(field, [])
    return v[0] if v else None


def cmp_first(ck, frame, fno, rec, key, nfield, tfield, conv=tint,
              ncconv=jint):
    """Compare rec[nfield] with the first value of tfield, if tshark has
    one (radiotap fields may repeat in later namespaces; netcap keeps the
    first occurrence)."""
    tv = first(frame, tfield)
    if tv is None:
        ck.skipped += 1
        return
    got = rec.get(nfield) if rec else None
    ck.eq(fno, key, ncconv(got) if got is not None else None, conv(tv))


def check_dot11(ck, frame, fno, lay, counts, rec):
    n = counts[lay.name]

    def F(nf, tf, conv=tint, always=False, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, rec, "Dot11", nf, tf, conv, always,
                  ncconv)

    t = values(frame, "wlan.fc.type", lay, n, True)
    st = values(frame, "wlan.fc.subtype", lay, n, True)
    if t is None or st is None or "?ambiguous" in (t, st):
        ck.skipped += 1
    else:
        # netcap's Type is Netcap's (gopacket's): subtype << 2 | type
        ck.eq(fno, "Dot11.Type", jint(rec.get("Type", -1)),
              tint(st) << 2 | tint(t))
    F("Proto", "wlan.fc.version", always=True)
    F("Flags", "wlan.flags", always=True)
    F("DurationID", "wlan.duration")
    F("Address1", "wlan.ra", s_lower)
    F("Address2", "wlan.ta", s_lower)
    # Address 3 and 4 are BSSID, SA or DA by frame type and ToDS/FromDS
    # (802.11-2020 Table 9-26); tshark names them by role.
    fl = values(frame, "wlan.flags", lay, n, True)
    ds = tint(fl) & 3 if fl not in (None, "?ambiguous") else None
    ty = tint(t) if t not in (None, "?ambiguous") else None
    if ty == 0:
        F("Address3", "wlan.bssid", s_lower)
    elif ty == 2 and ds is not None:
        F("Address3", ("wlan.bssid", "wlan.da", "wlan.sa", "wlan.da")[ds],
          s_lower)
        if ds == 3:
            F("Address4", "wlan.sa", s_lower)
    F("SequenceNumber", "wlan.seq")
    F("FragmentNumber", "wlan.frag")
    F("Checksum", "wlan.fcs")
    q = rec.get("QOS") or {}
    for nf, tf, conv in (("TID", "wlan.qos.tid", tint),
                         ("EOSP", "wlan.qos.eosp", tbool),
                         ("AckPolicy", "wlan.qos.ack", tint)):
        cmp_field(ck, frame, fno, lay, n, q, "Dot11.QOS", nf, tf, conv,
                  False)
    if "radiotap" in counts:
        for nf, tf, conv in (
                ("RadioTapLength", "radiotap.length", tint),
                ("RadioTapPresent", "radiotap.present.word", tint),
                ("RadioTapFlags", "radiotap.flags", tint),
                ("TSFT", "radiotap.mactime", tint),
                ("ChannelFrequency", "radiotap.channel.freq", tint),
                ("ChannelFlags", "radiotap.channel.flags", tint),
                ("DBMAntennaSignal", "radiotap.dbm_antsignal", tint),
                ("DBMAntennaNoise", "radiotap.dbm_antnoise", tint),
                ("Antenna", "radiotap.antenna", tint)):
            cmp_first(ck, frame, fno, rec, "Dot11." + nf, nf, tf, conv)
        # radiotap.datarate is in Mb/s, netcap's Rate in 500 kb/s units.
        # tshark also derives it from the MCS field; netcap's Rate is the
        # Rate field (bit 2) only.
        pw = first(frame, "radiotap.present.word")
        if pw is not None and tint(pw) & 0x4:
            cmp_first(ck, frame, fno, rec, "Dot11.Rate", "Rate",
                      "radiotap.datarate", float, lambda v: jint(v) / 2)
        else:
            ck.skipped += 1


def check_usb(ck, frame, fno, lay, counts, rec):
    n = counts[lay.name]

    def F(nf, tf, conv=tint, always=True, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, rec, "USB", nf, tf, conv, always,
                  ncconv)

    F("ID", "usb.urb_id", ncconv=jint)
    F("EventType", "usb.urb_type", tchar)
    F("TransferType", "usb.transfer_type")
    F("Direction", "usb.endpoint_address.direction")
    F("EndpointNumber", "usb.endpoint_address.number")
    F("DeviceAddress", "usb.device_address")
    F("BusID", "usb.bus_id")
    # a flag is 0 when the setup packet / data is there
    F("Setup", "usb.setup_flag", lambda s: tchar(s) == 0)
    F("Data", "usb.data_flag", lambda s: tchar(s) == 0)
    F("TimestampSec", "usb.urb_ts_sec", ncconv=jint)
    F("TimestampUsec", "usb.urb_ts_usec")
    F("Status", "usb.urb_status")
    F("UrbLength", "usb.urb_len")
    F("UrbDataLength", "usb.data_len")
    F("UrbInterval", "usb.interval", always=False)
    F("UrbStartFrame", "usb.start_frame", always=False)
    F("UrbCopyOfTransferFlags", "usb.copy_of_transfer_flags", always=False)
    F("IsoNumDesc", "usb.iso.numdesc", always=False)


def usb_setup_fields(frame):
    """(nfield, value) pairs tshark shows for the setup packet: it splits
    wValue and wIndex into request-specific fields (descriptor type and
    index, configuration value, ...) or a hub-class dissector's."""
    def one(*alts):
        for a in alts:
            v = first(frame, a)
            if v is not None:
                return tint(v)
        return None
    out = {"RequestType": one("usb.bmRequestType"),
           "Request": one("usb.setup.bRequest", "usbhub.setup.bRequest"),
           "Length": one("usb.setup.wLength", "usbhub.setup.wLength")}
    v = one("usb.setup.wValue", "usbhub.setup.wValue")
    if v is None and first(frame, "usb.bDescriptorType") is not None and \
            first(frame, "usb.DescriptorIndex") is not None:
        v = one("usb.bDescriptorType") << 8 | one("usb.DescriptorIndex")
    if v is None:
        v = one("usb.bConfigurationValue", "usb.bAlternateSetting",
                "usb.setup.wFeatureSelector")
    out["Value"] = v
    out["Index"] = one("usb.setup.wIndex", "usbhub.setup.wIndex",
                       "usb.LanguageId", "usb.setup.wInterface")
    return out


def check_usb_setup(ck, frame, fno, rec):
    for nf, tv in usb_setup_fields(frame).items():
        if tv is None:
            ck.skipped += 1
            continue
        ck.eq(fno, USB_SETUP_REC + "." + nf, jint(rec.get(nf, -1)), tv)


# --- LLC, SNAP, FDDI, CiscoDiscovery, CiscoDiscoveryInfo, NortelDiscovery ---
LLC_TYPES = {"LLC", "SNAP", "FDDI", "CiscoDiscovery", "CiscoDiscoveryInfo",
             "NortelDiscovery"}


def llc_control(s):
    """tshark reads a 2-octet LLC control field (I and S format) little
    endian; netcap, as gopacket, puts the first octet high."""
    v = tint(s)
    if (v & 1) == 0 or (v & 3) == 1:
        return (v & 0xff) << 8 | v >> 8
    return v


def bitrev_mac(s):
    """Wireshark bit-reverses each octet of an FDDI address (LINKTYPE_FDDI
    as "bit-swapped"); netcap keeps the octets as captured."""
    return ":".join("%02x" % int("{:08b}".format(int(o, 16))[::-1], 2)
                    for o in s.lower().split(":"))


def hexmac(h):
    """netcap's JSON prints some MACs as plain hex: aa:bb:..."""
    h = (h or "").replace(":", "").lower()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


def ipv4_hex(h):
    """An IPv4 address as netcap's JSON prints it (dotted, or 8 hex
    digits for a field the renderer does not know as an address)."""
    h = h or ""
    if len(h) != 8 or "." in h:
        return h
    return ".".join(str(int(h[i:i + 2], 16)) for i in range(0, 8, 2))


def check_llc(ck, frame, fno, lay, counts, rec, typ):
    n = counts[lay.name]

    def F(nf, tf, conv=tint, always=True, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, rec, typ, nf, tf, conv, always,
                  ncconv)

    def text(nf, tf):
        """A string TLV: tshark splits it at newlines, and the aggregator
        splits it again at commas; netcap keeps it whole. Compared when
        the frame has one CDP message."""
        if n != 1:
            ck.skipped += 1
            return
        tv = frame.get(tf, [])
        if not tv:
            ck.eq(fno, typ + "." + nf, rec.get(nf, ""), "")
            return
        ck.eq(fno, typ + "." + nf, (rec.get(nf, "") or "").replace(
            "\n", ",").replace("\r", ""), ",".join(tv))

    if typ == "LLC":
        F("DSAP", "llc.dsap", lambda s: tint(s) & 0xfe)
        F("IG", "llc.dsap.ig", tbool)
        F("SSAP", "llc.ssap", lambda s: tint(s) & 0xfe)
        F("CR", "llc.ssap.cr", tbool)
        F("Control", "llc.control", llc_control)
    elif typ == "SNAP":
        F("OrganizationalCode", "llc.oui", lambda s: "%06x" % tint(s),
          ncconv=lambda v: (v or "").replace(":", "").lower())
        # the PID is llc.type under OUI 000000 / 0000f8, a per-OUI field
        # for registered OUIs (Cisco, Nortel), llc.pid otherwise
        for tf in ("llc.pid", "llc.cisco_pid", "llc.nortel_pid", "llc.type"):
            if values(frame, tf, lay, n, False) not in (None, "?ambiguous"):
                F("Type", tf, always=False)
                break
        else:
            ck.fail(fno, "SNAP.Type", rec.get("Type"), "<absent>",
                    "tshark has no PID field")
    elif typ == "FDDI":
        F("FrameControl", "fddi.fc", lambda s: tint(s) & 0xf8)
        F("Priority", "fddi.fc", lambda s: tint(s) & 7)
        # tshark lists fddi.src / fddi.dst twice per header (the field and
        # a hidden copy): the first value is the header's
        for nf, tf in (("SrcMAC", "fddi.src"), ("DstMAC", "fddi.dst")):
            if n != 1 or not frame.get(tf):
                ck.skipped += 1
                continue
            ck.eq(fno, typ + "." + nf, hexmac(rec.get(nf)),
                  bitrev_mac(frame[tf][0]))
    elif typ == "NortelDiscovery":
        F("IPAddress", "ndp.ipaddress", s_lower, ncconv=ipv4_hex)
        F("SegmentID", "ndp.segmentident", lambda s: "%06x" % tint(s))
        F("Chassis", "ndp.chassis")
        F("Backplane", "ndp.backplane")
        F("State", "ndp.state")
        F("NumLinks", "ndp.numberoflinks")
        if counts["eth"] == 1 and frame.get("eth.src"):
            ck.eq(fno, typ + ".SrcMac", hexmac(rec.get("SrcMac")),
                  frame["eth.src"][0].lower())
            ck.eq(fno, typ + ".DstMac", hexmac(rec.get("DstMac")),
                  frame["eth.dst"][0].lower())
    elif typ == "CiscoDiscovery":
        F("Version", "cdp.version")
        F("TTL", "cdp.ttl")
        F("Checksum", "cdp.checksum")
        if n != 1:
            ck.skipped += 1
            return
        vals = rec.get("Values") or []
        ck.eq(fno, typ + ".Values[].Type", [jint(v.get("Type", 0))
                                             for v in vals],
              [tint(x) for x in frame.get("cdp.tlv.type", [])])
        ck.eq(fno, typ + ".Values[].Length", [jint(v.get("Length", 0))
                                               for v in vals],
              [tint(x) for x in frame.get("cdp.tlv.len", [])])
    elif typ == "CiscoDiscoveryInfo":
        if n != 1:
            ck.skipped += 1
            return
        text("DeviceID", "cdp.deviceid")
        text("PortID", "cdp.portid")
        text("Platform", "cdp.platform")
        text("Version", "cdp.software_version")
        text("VTPDomain", "cdp.vtp_management_domain")
        text("SysName", "cdp.system_name")
        F("NativeVLAN", "cdp.native_vlan", tint, False)
        F("FullDuplex", "cdp.duplex", tbool, False)
        F("ExtendedTrust", "cdp.trust_bitmap", tint, False)
        F("UntrustedCOS", "cdp.untrusted_port_cos", tint, False)
        F("PowerConsumption", "cdp.power_consumption", tint, False)
        F("MTU", "cdp.mtu", tint, False)
        caps = values(frame, "cdp.capabilities", lay, n, False)
        if caps is not None:
            m = tint(caps)
            c = rec.get("Capabilities") or {}
            for i, name in enumerate(("L3Router", "TBBridge", "SPBridge",
                                      "L2Switch", "IsHost", "IGMPFilter",
                                      "L1Repeater", "IsPhone",
                                      "RemotelyManaged")):
                ck.eq(fno, typ + ".Capabilities." + name,
                      bool(c.get(name, False)), bool(m >> i & 1))
        # IPv4 addresses of the Addresses and Management Addresses TLVs
        # (tshark names both cdp.nrgyz.ip_address), as multisets
        ours = [ipv4_hex(a) for a in (rec.get("Addresses") or []) +
                (rec.get("MgmtAddresses") or []) if ":" not in a]
        ck.eq(fno, typ + ".Addresses+MgmtAddresses", sorted(ours),
              sorted(frame.get("cdp.nrgyz.ip_address", [])))
        ck.eq(fno, typ + ".IPPrefixes[].IP",
              [ipv4_hex(p.get("IP")) for p in rec.get("IPPrefixes") or []],
              frame.get("cdp.ip_prefix", []))
        h = rec.get("CDPHello")
        if frame.get("cdp.protocol_id"):
            h = h or {}
            ck.eq(fno, typ + ".CDPHello.OUI", (h.get("OUI") or ""),
                  "%06x" % tint(frame["cdp.oui"][0]))
            ck.eq(fno, typ + ".CDPHello.ProtocolID",
                  jint(h.get("ProtocolID", 0)),
                  tint(frame["cdp.protocol_id"][0]))
            for nf, tf in (("ClusterMaster", "cdp.cluster.master_ip"),
                           ("Unknown1", "cdp.cluster.ip")):
                ck.eq(fno, typ + ".CDPHello." + nf, ipv4_hex(h.get(nf)),
                      frame.get(tf, [""])[0])
            for nf, tf in (("Version", "cdp.cluster.version"),
                           ("SubVersion", "cdp.cluster.sub_version"),
                           ("Status", "cdp.cluster.status"),
                           ("ManagementVLAN",
                            "cdp.cluster.management_vlan")):
                ck.eq(fno, typ + ".CDPHello." + nf, jint(h.get(nf, 0)),
                      tint(frame.get(tf, ["-1"])[0]))
            ck.eq(fno, typ + ".CDPHello.Unknown2/3",
                  [jint(h.get("Unknown2", 0)), jint(h.get("Unknown3", 0))],
                  [tint(x) for x in frame.get("cdp.cluster.unknown", [])])
            for nf, tf in (("ClusterCommander", "cdp.cluster.commander_mac"),
                           ("SwitchMAC", "cdp.cluster.switch_mac")):
                ck.eq(fno, typ + ".CDPHello." + nf, hexmac(h.get(nf)),
                      frame.get(tf, [""])[0].lower())
        else:
            ck.eq(fno, typ + ".CDPHello", h, None)
        # Power Requested / Available: Wireshark reads the same layout
        pr, pa = rec.get("PowerRequest"), rec.get("PowerAvailable")
        ids = [jint(p.get("ID", 0)) for p in (pr, pa) if p]
        mids = [jint(p.get("MgmtID", 0)) for p in (pr, pa) if p]
        ck.eq(fno, typ + ".Power*.ID", ids,
              [tint(x) for x in frame.get("cdp.request_id", [])])
        ck.eq(fno, typ + ".Power*.MgmtID", mids,
              [tint(x) for x in frame.get("cdp.management_id", [])])
        ck.eq(fno, typ + ".PowerRequest.Values",
              [jint(x) for x in (pr or {}).get("Values") or []],
              [tint(x) for x in frame.get("cdp.power_requested", [])])
        ck.eq(fno, typ + ".PowerAvailable.Values",
              [jint(x) for x in (pa or {}).get("Values") or []],
              [tint(x) for x in frame.get("cdp.power_available", [])])


def check(cap, netcap, exceptions, verbose, maxshow, defrag="auto"):
    ck = Checker(cap, exceptions, verbose)
    capable = netcap_has_defrag(netcap)
    if defrag == "on" and not capable:
        raise RuntimeError("--defrag on: %s has no --no-defrag, so no IP "
                           "defragmentation" % netcap)
    on = capable and defrag != "off"
    extra = ["--no-defrag"] if capable and not on else []
    frames, trc, terr = run_tshark(cap, on)
    tmp = tempfile.mkdtemp(prefix="nc-oracle-")
    try:
        recs = run_netcap(netcap, cap, tmp, extra)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Records of each type in file order (packet order with one worker).
    # Only the per-packet types of LAYER_REC are this script's: Anomaly
    # records have no tshark counterpart, Connection and Flow are checked
    # against tshark's conversations by conncheck.py, application-layer
    # records and profiles by appcheck.py.
    mine = set(LAYER_REC.values()) | set(ICMPV6_SUBREC.values()) | \
        set(LLC_SUBREC.values())
    mine.add(USB_SETUP_REC)
    queues = {t: collections.deque(lst) for t, lst in recs.items()
              if t in mine}
    all_ts = collections.defaultdict(list)
    for frame in frames:
        all_ts[epoch_ns(frame["frame.time_epoch"][0])].append(
            int(frame["frame.number"][0]))
    done_ts = set()

    def leftover(typ, rec):
        ts = jint(rec.get("Timestamp", 0))
        fnos = all_ts.get(ts)
        ck.fail(fnos[-1] if fnos else 0, "count:" + typ, "present", "missing",
                "netcap record at ts %d%s" %
                (ts, "" if fnos else " (no frame has that time)"))

    def take(typ, ts, fno, lay):
        """The next record of typ for the frame at ts, or None.

        Records are consumed in file order. One whose Timestamp belongs to
        a frame already checked is a record tshark has no layer for; one
        whose Timestamp no frame has is taken as this frame's record with a
        Timestamp mismatch (the two read the frame's time differently)."""
        q = queues.get(typ)
        while q and jint(q[0].get("Timestamp", 0)) != ts and \
                jint(q[0].get("Timestamp", 0)) in done_ts:
            leftover(typ, q.popleft())
        if q and jint(q[0].get("Timestamp", 0)) == ts:
            ck.compared += 1
            return q.popleft()
        if q and jint(q[0].get("Timestamp", 0)) not in all_ts:
            rec = q.popleft()
            ck.eq(fno, typ + ".Timestamp", jint(rec.get("Timestamp", 0)), ts)
            return rec
        ck.fail(fno, "count:" + typ, "missing", "present",
                "tshark has %s #%d" % (lay.name, lay.occ + 1))
        return None

    stops = collections.Counter()
    for frame in frames:
        fno = int(frame["frame.number"][0])
        ts = epoch_ns(frame["frame.time_epoch"][0])
        layers, stop, counts = plan(frame)
        if stop:
            stops[stop] += 1
        for lay in layers:
            typ = LAYER_REC[lay.name]
            subs = [typ]
            if lay.name == "icmpv6":
                t = values(frame, "icmpv6.type", lay, counts["icmpv6"], True)
                if t is not None and tint(t) in ICMPV6_SUBREC:
                    subs.append(ICMPV6_SUBREC[tint(t)])
            if lay.name == "usb" and first(frame, "usb.setup_flag") and \
                    tchar(first(frame, "usb.setup_flag")) == 0:
                subs.append(USB_SETUP_REC)
            # LLC, SNAP, ...: SNAP in an llc layer with an OUI; CDP's Info
            if lay.name == "cdp" or (lay.name == "llc" and values(
                    frame, "llc.oui", lay, counts["llc"], False) not in (
                        None, "?ambiguous")):
                subs.append(LLC_SUBREC[lay.name])
            for st in subs:
                rec = take(st, ts, fno, lay)
                if rec is None:
                    continue
                if st in ("TCP", "UDP"):
                    check_l4(ck, frame, fno, lay, counts, rec, st)
                elif st == USB_SETUP_REC:
                    check_usb_setup(ck, frame, fno, rec)
                elif st in ICMPV6_SUBREC.values():
                    check_icmpv6_sub(ck, frame, fno, lay, counts, rec, st)
                else:
                    check_layer(ck, frame, fno, lay, counts, rec, st)
        done_ts.add(ts)

    # Records netcap wrote that no tshark layer accounts for.
    for typ, q in sorted(queues.items()):
        for rec in q:
            leftover(typ, rec)

    nmis = len(ck.mismatches)
    nexc = sum(ck.excepted.values())
    print("crosscheck %s: %d frames, %d fields compared, %d mismatches "
          "(%d excepted, %d not comparable)%s" %
          (ck.cap, len(frames), ck.compared, nmis, nexc, ck.skipped,
           "" if on else " [defrag off]"))
    if verbose:
        if trc:
            print("  tshark exit %d: %s" % (trc, terr.strip()[:200]))
        for s, k in stops.most_common():
            print("  netcap stops before tshark's %s: %d frames" % (s, k))
        for (key, reason), k in sorted(ck.excepted.items()):
            print("  excepted %s x%d: %s" % (key, k, reason))
        print("  records: " + ", ".join("%s %d" % (t, len(v))
                                        for t, v in sorted(recs.items())))
    for fno, key, ncv, tsv, note in ck.mismatches[:maxshow]:
        print("  MISMATCH frame %d %s: netcap=%s tshark=%s%s" %
              (fno, key, ncv, tsv, ("  (" + note + ")") if note else ""))
    if nmis > maxshow:
        print("  ... %d more" % (nmis - maxshow))
    return nmis == 0


# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------

def parse_frames(s):
    if s == "*":
        return None
    out = set()
    for part in s.split(","):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def load_exceptions(path):
    """EXCEPTIONS: CAPTURE-GLOB FRAMES KEY-GLOB REASON..., '#' comments.
    FRAMES is * or a list like 3,5-7; KEY is Type.Field or count:Type."""
    exc = []
    if not path or not os.path.exists(path):
        return exc
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4 or not parts[3].strip():
                sys.exit("%s:%d: an exception needs a capture, frames, "
                         "a key and a reason" % (path, n))
            exc.append({"cap": parts[0], "frames": parse_frames(parts[1]),
                        "key": parts[2], "reason": parts[3].strip()})
    return exc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--netcap", default=os.environ.get("NETCAP",
                                                       "build/netcap"))
    ap.add_argument("--exceptions", default=os.path.join(HERE, "EXCEPTIONS"))
    ap.add_argument("--max", type=int, default=10,
                    help="mismatches to print (default 10)")
    ap.add_argument("--defrag", choices=("auto", "on", "off"),
                    default=os.environ.get("ORACLE_DEFRAG", "auto"),
                    help="IP defragmentation on both sides: auto (on when "
                    "netcap offers --no-defrag), on, or off (netcap runs "
                    "with --no-defrag)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    try:
        ok = check(a.capture, a.netcap, load_exceptions(a.exceptions),
                   a.verbose, a.max, a.defrag)
    except (RuntimeError, OSError, json.JSONDecodeError) as e:
        print("crosscheck %s: ERROR %s" % (os.path.basename(a.capture), e))
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
