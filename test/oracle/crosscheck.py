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
     in stack order, up to the first layer netcap does not decode (an
     application protocol, the packet quoted inside an ICMP error, a GRE
     payload it does not know). Layers tshark shows beyond that point are
     not netcap's to write. Tunnels netcap decodes (VXLAN, Geneve, GRE,
     ERSPAN, MPLS, IP-in-IP, GTP-U, Teredo: TUNNEL_TYPE) do not stop the
     walk: the layers after them are the inner frame's, one tunnel deeper
     (the second and later occurrences of eth, ip, ipv6, tcp, udp, ...).
  4. netcap records of each type and Tunnel.Depth (0: no Tunnel field,
     outer traffic) are taken in file order and matched to frames by
     Timestamp (frames with equal timestamps keep file order; a record
     whose time no frame has is a Timestamp mismatch of the frame it stands
     for), then every field both sides know is compared, with the unit
     conversions written next to each field, for inner layers from the
     same tshark fields' later occurrences. A record of inner traffic also
     has its Tunnel field compared with the innermost tunnel tshark shows
     (check_tunnel: type, VNI / GRE key / PPTP call ID / ERSPAN session /
     GTP-U TEID, outer addresses, MPLS labels, depth), and Tenant must be
     equal exactly for the records of equal tenant keys (check_tenants).

Every disagreement (a field value, or a record present on one side only) is
a mismatch unless test/oracle/EXCEPTIONS lists it with a reason. The
expected values come from tshark only.

Output: "crosscheck CAP: N frames, M fields compared, K mismatches"
(plus excepted and not-comparable counts, and for tunnelled captures the
records of inner layers and the fields compared on them, which M
includes); exit 0 only when K is 0.
"Not comparable": a conditional field (say icmp.ident) in a frame with
several occurrences of its layer, where tshark's aggregated list cannot be
lined up with the occurrences.
"""
import argparse
import collections
import fnmatch
import glob
import ipaddress
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
    # SCTP
    "sctp.srcport", "sctp.dstport", "sctp.verification_tag",
    "sctp.checksum", "sctp.chunk_type", "sctp.chunk_flags",
    "sctp.chunk_length", "sctp.data_tsn_raw", "sctp.data_sid",
    "sctp.data_ssn", "sctp.data_payload_proto_id", "sctp.data_u_bit",
    "sctp.data_b_bit", "sctp.data_e_bit", "sctp.data_i_bit",
    "sctp.init_initiate_tag", "sctp.init_credit",
    "sctp.init_nr_out_streams", "sctp.init_nr_in_streams",
    "sctp.init_initial_tsn", "sctp.initack_initiate_tag",
    "sctp.initack_credit", "sctp.initack_nr_out_streams",
    "sctp.initack_nr_in_streams", "sctp.initack_initial_tsn",
    "sctp.sack_cumulative_tsn_ack_raw", "sctp.sack_a_rwnd",
    "sctp.sack_number_of_gap_blocks", "sctp.sack_number_of_duplicated_tsns",
    "sctp.shutdown_cumulative_tsn_ack", "sctp.abort_t_bit",
    "sctp.shutdown_complete_t_bit", "sctp.parameter_type",
    "sctp.cause_code",
    # -- GRE, VXLAN, Geneve, MPLS (decoders/tunnel/) --
    "gre.flags_and_version", "gre.proto", "gre.checksum", "gre.offset",
    "gre.key", "gre.key.payload_length", "gre.key.call_id",
    "gre.sequence_number", "gre.ack_number", "gre.routing.address_family",
    "gre.routing.sre_offset", "gre.routing.src_length",
    "vxlan.flags", "vxlan.gbp", "vxlan.vni",
    "geneve.version", "geneve.flags", "geneve.proto_type", "geneve.vni",
    "geneve.options", "geneve.option.class", "geneve.option.type",
    "geneve.option.flags", "geneve.option.length",
    "mpls.label", "mpls.exp", "mpls.bottom", "mpls.ttl",
    # -- Tunnels: the IDs of the tunnels netcap's Tunnel field names --
    "erspan.spanid", "gtp.teid",
]
# -- OSPFv2, OSPFv3 (check_ospf: every list below, in dissection order) --
OSPF_FIELDS = [
    "ospf.version", "ospf.msg", "ospf.packet_length", "ospf.srcrouter",
    "ospf.area_id", "ospf.checksum", "ospf.instance_id", "ospf.auth.type",
    "ospf.auth.crypt.key_id", "ospf.auth.crypt.data_length",
    "ospf.auth.crypt.seq_nbr",
    "ospf.hello.network_mask", "ospf.hello.interface_id",
    "ospf.hello.hello_interval", "ospf.hello.router_priority",
    "ospf.hello.router_dead_interval", "ospf.hello.designated_router",
    "ospf.hello.backup_designated_router", "ospf.hello.active_neighbor",
    "ospf.v2.options", "ospf.v3.options",
    "ospf.db.interface_mtu", "ospf.dbd", "ospf.db.dd_sequence",
    "ospf.ls.number_of_lsas",
    "ospf.lsa.age", "ospf.lsa", "ospf.v3.lsa", "ospf.lsa.id",
    "ospf.link_state_id", "ospf.advrouter", "ospf.lsa.seqnum",
    "ospf.lsa.chksum", "ospf.lsa.length",
    "ospf.v2.router.lsa.flags", "ospf.lsa.number_of_links",
    "ospf.lsa.router.linkid", "ospf.lsa.router.linkdata",
    "ospf.lsa.router.linktype", "ospf.lsa.router.metric0",
    "ospf.lsa.network.netmask", "ospf.lsa.network.attchrtr",
    "ospf.lsa.asext.netmask", "ospf.lsa.asext.type", "ospf.metric",
    "ospf.lsa.asext.fwdaddr", "ospf.lsa.asext.extrttag",
    "ospf.lsa.asbr.netmask", "ospf.v3.router.lsa.flags", "ospf.v3.lsa.type",
    "ospf.v3.lsa.interface_id", "ospf.v3.lsa.neighbor_interface_id",
    "ospf.v3.lsa.neighbor_router_id", "ospf.v3.lsa.attached_router",
    "ospf.v3.lsa.destination_router_id",
    "ospf.v3.lsa.router_priority",
    "ospf.v3.lsa.link_local_interface_address.ipv6",
    "ospf.v3.lsa.num_prefixes", "ospf.v3.lsa.referenced_ls_type",
    "ospf.v3.lsa.referenced_link_state_id",
    "ospf.v3.lsa.referenced_advertising_router",
    "ospf.prefix_length", "ospf.v3.prefix.options",
    "ospf.v3.address_prefix.ipv6", "ospf.v3.as.external.flags",
    "ospf.v3.lsa.forwarding_address.ipv6",
    "ospf.v3.lsa.external_route_tag",
]
TS_FIELDS += OSPF_FIELDS

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
    "sctp": "SCTP",
    # -- OSPFv2, OSPFv3: OSPFv3 when ospf.version is 3 (ospf_type) --
    "ospf": "OSPFv2",
    # -- GRE, VXLAN, Geneve, MPLS (decoders/tunnel/) --
    "gre": "GRE",
    "vxlan": "VXLAN",
    "geneve": "Geneve",
    "mpls": "MPLS",  # one tshark layer, one netcap record per label
}
# Layers netcap walks through without writing a record of their own.
TRANSPARENT = {"frame", "ethertype", "sll", "null", "raw", "ipv6.routing",
               "ipv6.dstopts",
               # -- MPLS: the pseudowire control word has no record --
               "pwethcw", "pwethheuristic", "pwethnocw"}
# After these layers netcap decodes nothing more in the frame: transport
# payloads are application data, ARP ends the frame, and ICMP errors quote
# a packet that netcap does not decode.
TERMINAL = {"arp", "icmp", "icmpv6", "tcp", "udp", "sctp"}
TERMINAL |= {"ospf"}  # -- OSPFv2, OSPFv3: nothing is carried inside
# -- VXLAN, Geneve, GTP-U, Teredo: the UDP tunnels netcap decodes after
# UDP (decoders/udpports.def), so UDP is not the last layer before them --
UDP_TUNNELS = {"vxlan", "geneve", "gtp", "teredo"}

# -- Tunnels (decoders/tunnel/, net/ipip.c): netcap decodes the payload of
# these layers like an outer frame; every record of it carries a Tunnel
# field (records/netcap.proto message Tunnel) naming the innermost tunnel,
# Depth counting from 1. The tunnel's own header record (GRE, VXLAN,
# Geneve, MPLS) is written before the tunnel is entered, at the enclosing
# depth. An IPv4 or IPv6 header right after an IP header (tshark shows
# "ip:ip", "ip:ipv6", ...) is IP-in-IP. ERSPAN and GTP-U and Teredo have
# no record of their own. --
TUNNEL_TYPE = {"vxlan": "VXLAN", "geneve": "Geneve", "gre": "GRE",
               "erspan": "ERSPAN", "mpls": "MPLS", "gtp": "GTP-U",
               "teredo": "Teredo"}
# What netcap decodes after GRE (decoders/tunnel/gre.c gre_payload): TEB
# Ethernet, ERSPAN (which enters the tunnel instead of GRE), PPTP's PPP
# (IPv4 and IPv6 only; tshark's ppp layer has no record) and the
# EtherTypes of decoders/ethertypes.def. Anything else (Cisco metadata
# "cmd", CDP, a keepalive) is gre.unknown_protocol: no tunnel.
GRE_DECODED = {"eth", "erspan", "ppp", "ip", "ipv6", "arp", "vlan",
               "ieee8021ad", "lldp", "loop", "eapol", "mpls"}
# What follows each tunnel when netcap decodes it.
TUNNEL_NEXT = {"vxlan": {"eth"},
               "geneve": GRE_DECODED - {"erspan", "ppp"},
               "erspan": {"eth", "ip", "ipv6"},
               "gtp": {"ip", "ipv6"}, "teredo": {"ipv6"},
               "mpls": {"ip", "ipv6", "pwethcw", "pwethheuristic",
                        "pwethnocw", "eth"}}
# Layers after which an IPv4/IPv6 header is IP-in-IP.
IP_BEFORE_IPIP = {"ip", "ipv6", "ipv6.hopopts", "ipv6.fraghdr", "ah"}
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
    "cdp.location.unknown", "cdp.nrgyz.ipv6_address", "cdp.voice_vlan",
    "cdp.system_object_identifier", "cdp.spare_poe_tlv",
    "cdp.seen_sequence", "cdp.sequence_number", "cdp.model_number",
    "cdp.hardware_version_id", "cdp.system_serial_number",
    "cdp.nrgyz_reply_to.role", "cdp.nrgyz_reply_to.domain",
    "cdp.nrgyz_reply_to.name", "cdp.nrgyz_reply_to.port",
    "cdp.nrgyz_reply_to.ip_address",
]
LAYER_REC.update({"llc": "LLC", "fddi": "FDDI", "cdp": "CiscoDiscovery",
                  "ndp": "NortelDiscovery"})
LLC_SUBREC = {"llc": "SNAP", "cdp": "CiscoDiscoveryInfo"}
TERMINAL |= {"cdp", "ndp"}


# -- LLDP, EthernetCTP (loopback), EAPOL/EAP/EAPOLKey --
TS_FIELDS += [
    "lldp.tlv.type", "lldp.tlv.len", "lldp.chassis.subtype",
    "lldp.chassis.id.mac", "lldp.port.subtype", "lldp.port.id",
    "lldp.port.id.mac", "lldp.time_to_live", "lldp.port.desc",
    "lldp.tlv.system.name", "lldp.tlv.system.desc", "lldp.tlv.system_cap",
    "lldp.tlv.enable_system_cap", "lldp.mgn.address.subtype",
    "lldp.mgn.addr.ip4", "lldp.mgn.addr.ip6", "lldp.mgn.addr.hex",
    "lldp.mgn.interface.subtype", "lldp.mgn.interface.number",
    "lldp.mgn.obj.id", "lldp.orgtlv.oui", "lldp.ieee.802_1.subtype",
    "lldp.ieee.802_3.subtype", "lldp.media.subtype",
    "loop.skipcount", "loop.function", "loop.relevant_function",
    "loop.receipt_number", "loop.forwarding_address", "data.len",
    "eapol.version", "eapol.type", "eapol.len",
    "eap.code", "eap.id", "eap.len", "eap.type", "eap.identity",
    "eapol.keydes.type", "eapol.keydes.key_len",
    "eapol.keydes.replay_counter", "eapol.keydes.key_iv",
    "eapol.keydes.key_index.type", "eapol.keydes.key_index.number",
    "eapol.keydes.key_signature", "eapol.keydes.key",
    "wlan_rsna_eapol.keydes.key_info", "wlan_rsna_eapol.keydes.nonce",
    "wlan_rsna_eapol.keydes.rsc", "wlan_rsna_eapol.keydes.id",
    "wlan_rsna_eapol.keydes.mic", "wlan_rsna_eapol.keydes.data_len",
    "wlan_rsna_eapol.keydes.data",
]
LAYER_REC.update({"lldp": "LinkLayerDiscovery", "loop": "EthernetCTP",
                  "eapol": "EAPOL"})
# Nothing after them is netcap's (loop: the Data after a Reply).
TERMINAL |= {"lldp", "loop", "eapol"}
# Records a layer writes besides its own (l2misc_subs decides which).
L2MISC_SUBREC = {"LinkLayerDiscoveryInfo", "EthernetCTPReply", "EAP",
                 "EAPOLKey"}

# -- IGMP, IPSecAH, IPSecESP, VRRPv2 (decoders/net/igmp.c, ipsec.c, vrrp.c) --
TS_FIELDS += [
    "igmp.version", "igmp.type", "igmp.max_resp", "igmp.checksum",
    "igmp.maddr", "igmp.s", "igmp.qrv", "igmp.qqic", "igmp.num_src",
    "igmp.saddr", "igmp.num_grp_recs", "igmp.record_type",
    "igmp.aux_data_len",
    "ah.next_header", "ah.length", "ah.reserved", "ah.spi", "ah.sequence",
    "ah.icv",
    "esp.spi", "esp.sequence",
    "vrrp.version", "vrrp.type", "vrrp.virt_rtr_id", "vrrp.prio",
    "vrrp.addr_count", "vrrp.auth_type", "vrrp.adver_int",
    "vrrp.short_adver_int", "vrrp.checksum", "vrrp.ip_addr",
    "vrrp.ipv6_addr",
]
LAYER_REC.update({"igmp": "IGMP", "ah": "IPSecAH", "esp": "IPSecESP",
                  "vrrp": "VRRPv2"})
# AH is not terminal: netcap decodes the protocol it protects.
TERMINAL |= {"igmp", "esp", "vrrp"}

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
        self.depth = 0      # tunnels entered before it (its Tunnel.Depth)
        self.tun = None     # the innermost of them (Tun), depth > 0


class Tun:
    """A tunnel netcap enters in a frame: what its inner records' Tunnel
    field must say."""
    def __init__(self, typ, lay, outer, depth, parent):
        self.type = typ      # Tunnel.Type
        self.lay = lay       # the tunnel's tshark Layer (IPinIP: the inner
                             # IP header's)
        self.outer = outer   # the IP Layer it follows (None: none since
                             # the enclosing tunnel)
        self.depth = depth
        self.parent = parent


def plan(frame):
    """Layers netcap must have written records for, and why it stopped."""
    stack = frame["frame.protocols"]
    stack = stack[0].split(":") if stack else []
    seen = collections.Counter()
    layers = []
    stop = None
    ctx = None
    prev = None
    prevlay = None  # the Layer of prev (tunnels without record included)
    tun = None      # the innermost tunnel entered so far
    for i, name in enumerate(stack):
        occ = seen[name]
        seen[name] += 1
        if prev is not None and prev in TERMINAL and not (
                prev == "udp" and name in UDP_TUNNELS):
            stop = "%s (after %s)" % (name, prev)
            break
        # -- Tunnels: is the previous layer's payload decoded? --
        enter = None
        if prev == "gre":
            if name not in GRE_DECODED:
                stop = "%s (after gre)" % name
                break
            if name != "erspan":
                enter = "GRE"
        elif prev in TUNNEL_NEXT:
            if name not in TUNNEL_NEXT[prev]:
                stop = "%s (after %s)" % (name, prev)
                break
            enter = TUNNEL_TYPE[prev]
        elif name in ("ip", "ipv6") and prev in IP_BEFORE_IPIP:
            enter = "IPinIP"
        if enter:
            # the outer addresses: the last IP header since the enclosing
            # tunnel was entered (netcap clears its IP context there)
            tun = Tun(enter, prevlay, ctx, (tun.depth if tun else 0) + 1,
                      tun)
            ctx = None
            if name in TRANSPARENT:
                prev = name  # a pseudowire control word, then Ethernet
                continue
        if name == "ppp" and prev == "gre":
            prev = name  # PPTP's PPP: no record, IP follows
            continue
        if name in TRANSPARENT:
            continue
        if name in ("erspan", "gtp", "teredo"):
            # a tunnel header without a record of its own
            prevlay = Layer(name, occ, i)
            prev = name
            continue
        if name not in LAYER_REC:
            stop = name
            break
        lay = Layer(name, occ, i)
        lay.ctx = ctx
        lay.tun = tun
        lay.depth = tun.depth if tun else 0
        if enter == "IPinIP":
            tun.lay = lay
        if layers:
            layers[-1].next = name
        layers.append(lay)
        if name in ("ip", "ipv6"):
            ctx = lay
        prev = name
        prevlay = lay
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
        # -- Tunnels: fields compared on records of inner layers, and
        # those records --
        self.depth = 0
        self.inner_compared = 0
        self.inner_records = 0
        # Tunnel.Tenant: expected tenant key <-> netcap's Tenant
        self.tenants = collections.defaultdict(set)
        self.tenant_keys = collections.defaultdict(set)
        self.tenant_frame = {}
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
        if self.depth:
            self.inner_compared += 1
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


def stack_of(frame):
    st = frame["frame.protocols"]
    return st[0].split(":") if st else []


def combined_occ(frame, lay, names):
    """lay's index among the layers of the given names, in stack order
    (tshark's IPv6 dissector also adds an ip.version, so ip.version has
    one value per ip and ipv6 layer)."""
    return sum(1 for n in stack_of(frame)[:lay.pos] if n in names)


def eth_is_ii(frame, pos):
    """Is the eth layer at stack position pos Ethernet II (eth.type), not
    802.3 (eth.len)? tshark follows Ethernet II with its ethertype layer."""
    st = stack_of(frame)
    return pos + 1 < len(st) and st[pos + 1] == "ethertype"


def eth_value(frame, lay, field, ii):
    """eth.type (ii) or eth.len of eth layer lay, lined up with the eth
    layers of that kind, None when lay is not of that kind."""
    st = stack_of(frame)
    if eth_is_ii(frame, lay.pos) != ii:
        return None
    k = sum(1 for i, n in enumerate(st[:lay.pos])
            if n == "eth" and eth_is_ii(frame, i) == ii)
    v = frame.get(field, [])
    return v[k] if k < len(v) else None


def own_options(frame, lay, n, hdr_field, base, kinds):
    """The option kinds of occurrence lay of a header with options
    (IPv4, TCP) when the frame has several: the occurrences with a header
    longer than base own them; with none of them having options the list
    is empty for each; with exactly one, all kinds are its. None: not
    comparable."""
    if n == 1:
        return kinds
    lens = frame.get(hdr_field, [])
    if len(lens) != n:
        return None
    owners = [i for i, x in enumerate(lens) if tint(x) > base]
    if not owners:
        return [] if not kinds else None
    if len(owners) == 1:
        return kinds if owners[0] == lay.occ else []
    return None


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
        # Several eth layers (tunnels): each one's eth.type or eth.len
        # lines up with the layers of its kind.
        if n > 1 and eth_is_ii(frame, lay.pos):
            v = eth_value(frame, lay, "eth.type", True)
            ck.eq(fno, "Ethernet.EthernetType",
                  jint(rec.get("EthernetType", -1)),
                  tint(v) if v is not None else "<absent>")
        elif n == 1 and values(frame, "eth.type", lay, n, False) not in (
                None, "?ambiguous"):
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
        # ip.version: one per ip and ipv6 layer (combined_occ)
        iv = frame.get("ip.version", [])
        k = combined_occ(frame, lay, ("ip", "ipv6"))
        ck.eq(fno, "IPv4.Version", jint(rec.get("Version", -1)),
              tint(iv[k]) if k < len(iv) else "<absent>")
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
        kinds = own_options(frame, lay, n, "ip.hdr_len", 20,
                            frame.get("ip.opt.type", []))
        if kinds is not None:
            cmp_options(ck, fno, "IPv4", rec, kinds)
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
    # -- GRE, VXLAN, Geneve (MPLS: check_mpls) --
    elif typ == "GRE":
        check_gre(ck, frame, fno, lay, n, rec)
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ == "VXLAN":
        fv = values(frame, "vxlan.flags", lay, n, True)
        if fv is None:
            ck.fail(fno, "VXLAN.flags", "-", "<absent>", "no vxlan.flags")
        else:
            fl = tint(fv)
            for nf, m in (("GBPExtension", 0x8000), ("ValidIDFlag", 0x0800),
                          ("GBPDontLearn", 0x0040), ("GBPApplied", 0x0008)):
                ck.eq(fno, "VXLAN." + nf, bool(rec.get(nf, False)),
                      bool(fl & m))
        F("GBPGroupPolicyID", "vxlan.gbp")
        F("VNI", "vxlan.vni")
    elif typ == "Geneve":
        check_geneve(ck, frame, fno, lay, n, rec)
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
    # -- IGMP, IPSecAH, IPSecESP, VRRPv2 --
    elif typ in ("IGMP", "IPSecAH", "IPSecESP", "VRRPv2"):
        check_net_ipsec(ck, frame, fno, lay, counts, rec, typ, F)
    elif typ in LLC_TYPES:  # LLC, SNAP, FDDI, CDP, NDP
        check_llc(ck, frame, fno, lay, counts, rec, typ)


# -- IGMP, IPSecAH, IPSecESP, VRRPv2 (decoders/net/igmp.c, ipsec.c, vrrp.c) --
def check_net_ipsec(ck, frame, fno, lay, counts, rec, typ, F):
    def L(key, ours, tfield, conv):
        ck.eq(fno, key, ours, [conv(x) for x in frame.get(tfield, [])])

    if typ == "IGMP":
        # tshark's IGMP dissector hands the message to its version's
        # dissector, also named igmp: frame.protocols ends "igmp:igmp"
        # for one message.
        if len(frame.get("igmp.type", [])) != 1:
            ck.skipped += 1
            return

        def F(nf, tf, conv=tint, always=True, ncconv=None):
            cmp_field(ck, frame, fno, lay, 1, rec, typ, nf, tf, conv,
                      always, ncconv)
        F("Version", "igmp.version")
        F("Type", "igmp.type")
        F("Checksum", "igmp.checksum")
        # tshark shows the decoded Max Resp Time (1/10 s) where the
        # message has one (not in v1 or v3 reports)
        F("MaxResponseTime", "igmp.max_resp", always=False, ncconv=jint)
        t = tint(frame["igmp.type"][0]) if frame.get("igmp.type") else -1
        if t == 0x22:
            F("NumberOfGroupRecords", "igmp.num_grp_recs")
            grs = rec.get("GroupRecords") or []
            L("IGMP.GroupRecords[].Type", [jint(g.get("Type", 0))
                                           for g in grs],
              "igmp.record_type", tint)
            L("IGMP.GroupRecords[].AuxDataLen",
              [jint(g.get("AuxDataLen", 0)) for g in grs],
              "igmp.aux_data_len", tint)
            L("IGMP.GroupRecords[].NumberOfSources",
              [jint(g.get("NumberOfSources", 0)) for g in grs],
              "igmp.num_src", tint)
            L("IGMP.GroupRecords[].MulticastAddress",
              [g.get("MulticastAddress", "") for g in grs], "igmp.maddr",
              s_lower)
            L("IGMP.GroupRecords[].SourceAddresses",
              [a for g in grs for a in g.get("SourceAddresses") or []],
              "igmp.saddr", s_lower)
        else:
            F("GroupAddress", "igmp.maddr", s_lower, False)
            if t == 0x11 and jint(rec.get("Version", 0)) == 3:
                F("SupressRouterProcessing", "igmp.s", tbool)
                F("RobustnessValue", "igmp.qrv")
                # igmp.qqic is the decoded interval, in seconds
                F("IntervalTime", "igmp.qqic", ncconv=jint)
                F("NumberOfSources", "igmp.num_src")
                L("IGMP.SourceAddresses", rec.get("SourceAddresses") or [],
                  "igmp.saddr", s_lower)
    elif typ == "IPSecAH":
        F("NextHeader", "ah.next_header")
        F("PayloadLen", "ah.length")
        F("Reserved", "ah.reserved", lambda x: int(x, 16))
        F("SPI", "ah.spi", ncconv=jint)
        F("Seq", "ah.sequence", ncconv=jint)
        F("AuthenticationData", "ah.icv", s_lower, False)
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ == "IPSecESP":
        F("SPI", "esp.spi", ncconv=jint)
        F("Seq", "esp.sequence", ncconv=jint)
        # tshark does not show the encrypted octets without keys: they are
        # the IPv4 payload after SPI and Seq
        c = lay.ctx
        if c is not None and c.name == "ip" and counts["ip"] == 1 and \
                frame.get("ip.len") and frame.get("ip.hdr_len"):
            ck.eq(fno, "IPSecESP.LenEncrypted",
                  jint(rec.get("LenEncrypted", 0)),
                  tint(frame["ip.len"][0]) - tint(frame["ip.hdr_len"][0]) -
                  8)
        else:
            ck.skipped += 1
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)
    elif typ == "VRRPv2":
        F("Version", "vrrp.version")
        F("Type", "vrrp.type")
        F("VirtualRtrID", "vrrp.virt_rtr_id")
        F("Priority", "vrrp.prio")
        F("CountIPAddr", "vrrp.addr_count")
        F("Checksum", "vrrp.checksum")
        F("AuthType", "vrrp.auth_type", always=False)  # version 2
        if jint(rec.get("Version", 0)) == 3:
            F("AdverInt", "vrrp.short_adver_int")
        else:
            F("AdverInt", "vrrp.adver_int")
        if counts["vrrp"] == 1:
            f6 = frame.get("vrrp.ipv6_addr")
            L("VRRPv2.IPAddress", [a.lower() for a in
                                   rec.get("IPAddress") or []],
              "vrrp.ipv6_addr" if f6 else "vrrp.ip_addr", s_lower)
        else:
            ck.skipped += 1
        ctx_ips(ck, frame, fno, lay, counts, rec, typ)


# -- GRE, VXLAN, Geneve, MPLS (decoders/tunnel/) --

GRE_BITS = [("ChecksumPresent", 0x8000), ("RoutingPresent", 0x4000),
            ("KeyPresent", 0x2000), ("SeqPresent", 0x1000),
            ("StrictSourceRoute", 0x0800), ("AckPresent", 0x0080)]


def check_gre(ck, frame, fno, lay, n, rec):
    """GRE: every flag from gre.flags_and_version (netcap's Flags are the
    4 reserved bits between A and Version); optional fields when tshark
    shows them. Version 1 (PPTP): tshark splits the Key into payload
    length and call ID."""
    def F(nf, tf, conv=tint, always=False):
        cmp_field(ck, frame, fno, lay, n, rec, "GRE", nf, tf, conv, always)

    fv = values(frame, "gre.flags_and_version", lay, n, True)
    if fv is None:
        ck.fail(fno, "GRE.flags", "-", "<absent>", "no gre.flags_and_version")
        return
    fl = tint(fv)
    for nf, m in GRE_BITS:
        ck.eq(fno, "GRE." + nf, bool(rec.get(nf, False)), bool(fl & m))
    ck.eq(fno, "GRE.RecursionControl", jint(rec.get("RecursionControl", 0)),
          (fl >> 8) & 7)
    ck.eq(fno, "GRE.Flags", jint(rec.get("Flags", 0)), (fl >> 3) & 0xf)
    ck.eq(fno, "GRE.Version", jint(rec.get("Version", 0)), fl & 7)
    F("Protocol", "gre.proto", tint, True)
    if fl & 0xc000:
        F("Checksum", "gre.checksum")
        F("Offset", "gre.offset")
    if fl & 0x2000 and fl & 7 == 1:
        pl = values(frame, "gre.key.payload_length", lay, n, False)
        cid = values(frame, "gre.key.call_id", lay, n, False)
        if pl in (None, "?ambiguous") or cid in (None, "?ambiguous"):
            ck.skipped += 1
        else:
            ck.eq(fno, "GRE.Key", jint(rec.get("Key", 0)),
                  tint(pl) << 16 | tint(cid))
    elif fl & 0x2000:
        F("Key", "gre.key")
    if fl & 0x1000:
        F("Seq", "gre.sequence_number")
    if fl & 0x0080:
        F("Ack", "gre.ack_number")
    if fl & 0x4000 and n == 1:
        # tshark lists the null SRE that ends the list; netcap does not
        sres = rec.get("Routing") or []
        for nf, tf in (("AddressFamily", "gre.routing.address_family"),
                       ("SREOffset", "gre.routing.sre_offset"),
                       ("SRELength", "gre.routing.src_length")):
            ck.eq(fno, "GRE.Routing[]." + nf,
                  [jint(x.get(nf, 0)) for x in sres],
                  [tint(x) for x in frame.get(tf, [])][:-1])


def check_geneve(ck, frame, fno, lay, n, rec):
    """Geneve: tshark's geneve.option.length holds the header's options
    length first (octets), then each option's length (octets, header
    included), like netcap's OptionsLength and Options[].Length."""
    def F(nf, tf, conv=tint, always=True):
        cmp_field(ck, frame, fno, lay, n, rec, "Geneve", nf, tf, conv, always)

    F("Version", "geneve.version")
    fv = values(frame, "geneve.flags", lay, n, True)
    if fv is None:
        ck.fail(fno, "Geneve.flags", "-", "<absent>", "no geneve.flags")
    else:
        ck.eq(fno, "Geneve.OAMPacket", bool(rec.get("OAMPacket", False)),
              bool(tint(fv) & 0x80))
        ck.eq(fno, "Geneve.CriticalOption",
              bool(rec.get("CriticalOption", False)), bool(tint(fv) & 0x40))
    F("Protocol", "geneve.proto_type")
    F("VNI", "geneve.vni")
    if n != 1:
        ck.skipped += 1
        return
    lens = [tint(x) for x in frame.get("geneve.option.length", [])]
    ck.eq(fno, "Geneve.OptionsLength", jint(rec.get("OptionsLength", 0)),
          lens[0] if lens else None)
    opts = rec.get("Options") or []
    ck.eq(fno, "Geneve.Options[].Length",
          [jint(o.get("Length", 0)) for o in opts], lens[1:])
    for nf, tf in (("Class", "geneve.option.class"),
                   ("Type", "geneve.option.type"),
                   ("Flags", "geneve.option.flags")):
        ck.eq(fno, "Geneve.Options[]." + nf,
              [jint(o.get(nf, 0)) for o in opts],
              [tint(x) for x in frame.get(tf, [])])
    # the option bytes, headers included, are tshark's geneve.options
    raw = "".join("%04x%02x%02x" % (jint(o.get("Class", 0)),
                                    jint(o.get("Type", 0)),
                                    jint(o.get("Flags", 0)) << 5 |
                                    (jint(o.get("Length", 4)) - 4) // 4) +
                  (o.get("Data", "") or "") for o in opts)
    ck.eq(fno, "Geneve.Options[].Data", raw,
          "".join(frame.get("geneve.options", [])).replace(":", "").lower())


def check_mpls(ck, frame, fno, rec, i):
    """Label stack entry i of the frame's (single) tshark mpls layer."""
    for nf, tf, conv in (("Label", "mpls.label", tint),
                         ("TrafficClass", "mpls.exp", tint),
                         ("StackBottom", "mpls.bottom", tbool),
                         ("TTL", "mpls.ttl", tint)):
        v = frame.get(tf, [])
        if i >= len(v):
            ck.fail(fno, "MPLS." + nf, rec.get(nf), "<absent>",
                    "tshark has no " + tf)
            continue
        got = rec.get(nf)
        ck.eq(fno, "MPLS." + nf, bool(got) if conv is tbool else jint(got),
              conv(v[i]))


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
        kinds = own_options(frame, lay, n, "tcp.hdr_len", 20,
                            frame.get("tcp.option_kind", []))
        if kinds is not None:
            cmp_options(ck, fno, "TCP", rec, kinds)
        else:
            ck.skipped += 1
    elif typ == "UDP":
        F("SrcPort", "udp.srcport")
        F("DstPort", "udp.dstport")
        F("Length", "udp.length")
        F("Checksum", "udp.checksum")
    elif typ == "SCTP":
        F("SrcPort", "sctp.srcport")
        F("DstPort", "sctp.dstport")
        F("VerificationTag", "sctp.verification_tag")
        F("Checksum", "sctp.checksum")
        if n == 1:
            check_sctp_chunks(ck, frame, fno, rec)
        else:
            ck.skipped += 1
    ctx_ips(ck, frame, fno, lay, counts, rec, typ)


# SCTP chunk fields: tshark lists each field once per chunk that has it, in
# chunk order; netcap's chunks of that type give the same list.
SCTP_CHUNK_FIELDS = [
    # (chunk types, netcap field, tshark field, conversion)
    (None, "Type", "sctp.chunk_type", tint),
    (None, "Flags", "sctp.chunk_flags", tint),
    (None, "Length", "sctp.chunk_length", tint),
    ({0}, "TSN", "sctp.data_tsn_raw", tint),
    ({0}, "StreamId", "sctp.data_sid", tint),
    ({0}, "StreamSequence", "sctp.data_ssn", tint),
    ({0}, "PayloadProtocol", "sctp.data_payload_proto_id", tint),
    ({0}, "Unordered", "sctp.data_u_bit", tbool),
    ({0}, "BeginFragment", "sctp.data_b_bit", tbool),
    ({0}, "EndFragment", "sctp.data_e_bit", tbool),
    ({0}, "ImmediateAck", "sctp.data_i_bit", tbool),
    ({1}, "InitiateTag", "sctp.init_initiate_tag", tint),
    ({1}, "AdvertisedReceiverWindowCredit", "sctp.init_credit", tint),
    ({1}, "OutboundStreams", "sctp.init_nr_out_streams", tint),
    ({1}, "InboundStreams", "sctp.init_nr_in_streams", tint),
    ({1}, "InitialTSN", "sctp.init_initial_tsn", tint),
    ({2}, "InitiateTag", "sctp.initack_initiate_tag", tint),
    ({2}, "AdvertisedReceiverWindowCredit", "sctp.initack_credit", tint),
    ({2}, "OutboundStreams", "sctp.initack_nr_out_streams", tint),
    ({2}, "InboundStreams", "sctp.initack_nr_in_streams", tint),
    ({2}, "InitialTSN", "sctp.initack_initial_tsn", tint),
    ({3}, "CumulativeTSNAck", "sctp.sack_cumulative_tsn_ack_raw", tint),
    ({3}, "AdvertisedReceiverWindowCredit", "sctp.sack_a_rwnd", tint),
    ({3}, "NumGapACKs", "sctp.sack_number_of_gap_blocks", tint),
    ({3}, "NumDuplicateTSNs", "sctp.sack_number_of_duplicated_tsns", tint),
    ({7}, "CumulativeTSNAck", "sctp.shutdown_cumulative_tsn_ack", tint),
    ({6}, "TBit", "sctp.abort_t_bit", tbool),
    ({14}, "TBit", "sctp.shutdown_complete_t_bit", tbool),
]


def check_sctp_chunks(ck, frame, fno, rec):
    chunks = rec.get("Chunks") or []
    for types, nf, tf, conv in SCTP_CHUNK_FIELDS:
        mine = [c for c in chunks
                if types is None or jint(c.get("Type", 0)) in types]
        ours = [conv(str(jint(c.get(nf, 0)))) if conv is tint
                else bool(c.get(nf, False)) for c in mine]
        theirs = [conv(v) for v in frame.get(tf, [])]
        ck.eq(fno, "SCTP.Chunks[]." + nf + " (" + tf + ")", ours, theirs)
    # parameter types of INIT, INIT ACK and HEARTBEAT (ACK) chunks, and the
    # cause codes of ABORT and ERROR chunks, in order
    ptypes = [jint(t) for c in chunks if jint(c.get("Type", 0)) in (1, 2, 4, 5)
              for t in c.get("ParameterTypes") or []]
    ck.eq(fno, "SCTP.Chunks[].ParameterTypes (sctp.parameter_type)", ptypes,
          [tint(v) for v in frame.get("sctp.parameter_type", [])])
    causes = [jint(t) for c in chunks if jint(c.get("Type", 0)) in (6, 9)
              for t in c.get("ParameterTypes") or []]
    ck.eq(fno, "SCTP.Chunks[].ParameterTypes (sctp.cause_code)", causes,
          [tint(v) for v in frame.get("sctp.cause_code", [])])
# -- LLDP, EthernetCTP (loopback), EAPOL/EAP/EAPOLKey --

def l2misc_subs(frame, lay, counts):
    """The records besides its own that a LLDP, loop or EAPOL layer
    writes: LinkLayerDiscoveryInfo always, EthernetCTPReply when the
    function list has a Reply, EAP for an EAPOL EAP-Packet with a body,
    EAPOLKey for an EAPOL-Key."""
    if lay.name == "lldp":
        return ["LinkLayerDiscoveryInfo"]
    if lay.name == "loop":
        return ["EthernetCTPReply"] if frame.get("loop.receipt_number") \
            else []
    if lay.name == "eapol":
        t = values(frame, "eapol.type", lay, counts["eapol"], True)
        if t is not None and t != "?ambiguous":
            if tint(t) == 0 and frame.get("eap.code"):
                return ["EAP"]
            if tint(t) == 3:
                return ["EAPOLKey"]
    return []


def t_unescape(s):
    """tshark -T fields escapes \\, newline, CR and tab in strings."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(s[i + 1],
                                                           s[i + 1]))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def nohex(s):
    """A MAC or hex dump as bare lower-case hex."""
    return s.replace(":", "").lower()


LLDP_CAPS = ["Other", "Repeater", "Bridge", "WLANAP", "Router", "Phone",
             "DocSis", "StationOnly", "CVLAN", "SVLAN", "TMPR"]


def lldp_caps(c):
    return sum(1 << i for i, k in enumerate(LLDP_CAPS) if (c or {}).get(k))


def flat(rec, prefix=""):
    """Nested JSON objects as one dict with dotted keys."""
    out = {}
    for k, v in rec.items():
        if isinstance(v, dict):
            out.update(flat(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


def check_l2misc(ck, frame, fno, lay, counts, rec, typ):
    n = counts[lay.name]
    fr = flat(rec)

    def F(nf, tf, conv=tint, always=True, ncconv=None):
        cmp_field(ck, frame, fno, lay, n, fr, typ, nf, tf, conv, always,
                  ncconv)

    def L(nf, got, tf, conv=tint):
        """A list field against tshark's whole list (one layer only)."""
        if n != 1:
            ck.skipped += 1
            return
        ck.eq(fno, typ + "." + nf, got, [conv(x) for x in frame.get(tf, [])])

    if typ == "LinkLayerDiscovery":
        F("ChassisID.Subtype", "lldp.chassis.subtype")
        F("ChassisID.ID", "lldp.chassis.id.mac", nohex, False)
        F("PortID.Subtype", "lldp.port.subtype")
        F("PortID.ID", "lldp.port.id", t_unescape, False,
          lambda h: bytes.fromhex(h).decode("utf-8", "replace"))
        F("PortID.ID", "lldp.port.id.mac", nohex, False)
        # tshark lists every TTL TLV; TTL is the mandatory (first) one
        if frame.get("lldp.time_to_live"):
            ck.eq(fno, typ + ".TTL", jint(fr.get("TTL", 0)),
                  tint(frame["lldp.time_to_live"][0]))
        vals = rec.get("Values") or []
        L("Values[].Type", [jint(v.get("Type", 0)) for v in vals],
          "lldp.tlv.type")
        L("Values[].Length", [jint(v.get("Length", 0)) for v in vals],
          "lldp.tlv.len")
    elif typ == "LinkLayerDiscoveryInfo":
        F("PortDescription", "lldp.port.desc", t_unescape, False)
        F("SysName", "lldp.tlv.system.name", t_unescape, False)
        F("SysDescription", "lldp.tlv.system.desc", t_unescape, False)
        # the 11 capability bits netcap names (802.1AB-2016 8.5.8.1)
        caps = rec.get("SysCapabilities") or {}
        for nf, tf, sub in (("SysCapabilities.SystemCap",
                             "lldp.tlv.system_cap", "SystemCap"),
                            ("SysCapabilities.EnabledCap",
                             "lldp.tlv.enable_system_cap", "EnabledCap")):
            tv = values(frame, tf, lay, n, False)
            if tv is None or tv == "?ambiguous":
                continue
            ck.eq(fno, typ + "." + nf, lldp_caps(caps.get(sub)),
                  tint(tv) & 0x7ff)
        # netcap keeps the first Management Address TLV
        if frame.get("lldp.mgn.address.subtype") and n == 1:
            mg = rec.get("MgmtAddress") or {}
            for nf, tf, conv in (("Subtype", "lldp.mgn.address.subtype", tint),
                                 ("InterfaceSubtype",
                                  "lldp.mgn.interface.subtype", tint),
                                 ("InterfaceNumber",
                                  "lldp.mgn.interface.number", tint)):
                ck.eq(fno, typ + ".MgmtAddress." + nf, jint(mg.get(nf, -1)),
                      conv(frame[tf][0]))
            a = mg.get("Address", "")
            if frame.get("lldp.mgn.addr.ip4"):
                ck.eq(fno, typ + ".MgmtAddress.Address", a,
                      frame["lldp.mgn.addr.ip4"][0])
            elif frame.get("lldp.mgn.addr.ip6"):
                ck.eq(fno, typ + ".MgmtAddress.Address", a,
                      frame["lldp.mgn.addr.ip6"][0].lower())
            elif frame.get("lldp.mgn.addr.hex"):
                ck.eq(fno, typ + ".MgmtAddress.Address", nohex(a),
                      nohex(frame["lldp.mgn.addr.hex"][0]))
            if frame.get("lldp.mgn.obj.id"):
                ck.eq(fno, typ + ".MgmtAddress.OID", mg.get("OID", ""),
                      frame["lldp.mgn.obj.id"][0])
        L("OrgTLVs[].OUI",
          [jint(o.get("OUI", 0)) for o in rec.get("OrgTLVs") or []],
          "lldp.orgtlv.oui")
        # SubType of the OUIs tshark names: IEEE 802.1, 802.3, TIA (MED)
        orgs = rec.get("OrgTLVs") or []
        for oui, tf in ((0x0080c2, "lldp.ieee.802_1.subtype"),
                        (0x00120f, "lldp.ieee.802_3.subtype"),
                        (0x0012bb, "lldp.media.subtype")):
            L("OrgTLVs[%06x].SubType" % oui,
              [jint(o.get("SubType", 0)) for o in orgs
               if jint(o.get("OUI", 0)) == oui], tf)
        # Unknown: the TLVs of types 9..126
        if n == 1:
            ck.eq(fno, typ + ".Unknown[].Type",
                  [jint(o.get("Type", 0)) for o in rec.get("Unknown") or []],
                  [t for t in map(tint, frame.get("lldp.tlv.type", []))
                   if 9 <= t <= 126])
        else:
            ck.skipped += 1
    elif typ == "EthernetCTP":
        F("SkipCount", "loop.skipcount")
        F("RelevantFunction", "loop.relevant_function", tint, False)
        L("Functions", [jint(x) for x in rec.get("Functions") or []],
          "loop.function")
        L("ForwardAddress", [s.lower() for s in
                             rec.get("ForwardAddress") or []],
          "loop.forwarding_address", s_lower)
    elif typ == "EthernetCTPReply":
        # the Reply is the last function tshark lists
        if n == 1 and frame.get("loop.function"):
            ck.eq(fno, typ + ".Function", jint(fr.get("Function", 0)),
                  tint(frame["loop.function"][-1]))
        F("ReceiptNumber", "loop.receipt_number")
        # the Data tshark dissects after the loop header
        F("Data", "data.len", tint, False, hexlen)
    elif typ == "EAPOL":
        F("Version", "eapol.version")
        F("Type", "eapol.type")
        F("Length", "eapol.len")
    elif typ == "EAP":
        F("Code", "eap.code")
        F("Id", "eap.id")
        F("Length", "eap.len")
        F("Type", "eap.type", tint, False)
        # Identity (type 1): the whole Type-Data as text
        if jint(fr.get("Type", 0)) == 1:
            F("TypeData", "eap.identity", t_unescape, False,
              lambda h: bytes.fromhex(h).decode("utf-8", "replace"))
    elif typ == "EAPOLKey":
        F("KeyDescriptorType", "eapol.keydes.type")
        F("KeyLength", "eapol.keydes.key_len", tint, False)
        F("ReplayCounter", "eapol.keydes.replay_counter", tint, False)
        F("IV", "eapol.keydes.key_iv", s_lower, False)
        # RC4 descriptor (type 1)
        F("KeyType", "eapol.keydes.key_index.type", tbool, False,
          lambda v: bool(jint(v)))
        F("KeyIndex", "eapol.keydes.key_index.number", tint, False)
        F("MIC", "eapol.keydes.key_signature", s_lower, False)
        F("EncryptedKeyData", "eapol.keydes.key", s_lower, False)
        # RSN / WPA descriptors (2, 254): Key Information bit by bit
        info = values(frame, "wlan_rsna_eapol.keydes.key_info", lay, n,
                      False)
        if info is not None and info != "?ambiguous":
            ki = tint(info)
            ck.eq(fno, typ + ".KeyDescriptorVersion",
                  jint(fr.get("KeyDescriptorVersion", -1)), ki & 7)
            ck.eq(fno, typ + ".KeyType", jint(fr.get("KeyType", -1)),
                  (ki >> 3) & 1)
            ck.eq(fno, typ + ".KeyIndex", jint(fr.get("KeyIndex", -1)),
                  (ki >> 4) & 3)
            for i, nf in enumerate(("Install", "KeyACK", "KeyMIC", "Secure",
                                    "MICError", "Request",
                                    "HasEncryptedKeyData", "SMKMessage")):
                ck.eq(fno, typ + "." + nf, bool(fr.get(nf, False)),
                      bool(ki & (0x40 << i)))
        F("Nonce", "wlan_rsna_eapol.keydes.nonce", s_lower, False)
        # RSC and ID: netcap reads the 8 octets big-endian, as Netcap does
        F("RSC", "wlan_rsna_eapol.keydes.rsc", lambda s: int(s, 16), False)
        F("ID", "wlan_rsna_eapol.keydes.id", lambda s: int(s, 16), False)
        F("MIC", "wlan_rsna_eapol.keydes.mic", s_lower, False)
        F("KeyDataLength", "wlan_rsna_eapol.keydes.data_len", tint, False)
        F("EncryptedKeyData", "wlan_rsna_eapol.keydes.data", s_lower, False)

# -- OSPFv2, OSPFv3 --

def ospf_type(frame, lay, counts):
    v = values(frame, "ospf.version", lay, counts["ospf"], True)
    return "OSPFv3" if v is not None and tint(v) == 3 else "OSPFv2"


def ip4(s):
    return int(ipaddress.IPv4Address(s))


def ip6(s):
    return ipaddress.IPv6Address(s).exploded


def ip6_bytes(h):
    """A bytes field (hex in JSON), zero-padded to 16 octets, as tshark
    shows an OSPFv3 address prefix; netcap dump already renders a 16-octet
    field named *Address as an address."""
    if h and ":" in h:
        return ip6(h)
    b = bytes.fromhex(h or "")[:16]
    return ipaddress.IPv6Address(b + bytes(16 - len(b))).exploded


# tshark fields shown as dotted quads or IPv6 addresses (else integers)
OSPF_IP4 = {"ospf.srcrouter", "ospf.area_id", "ospf.hello.network_mask",
            "ospf.hello.designated_router",
            "ospf.hello.backup_designated_router",
            "ospf.hello.active_neighbor", "ospf.lsa.id",
            "ospf.link_state_id", "ospf.advrouter",
            "ospf.lsa.router.linkid", "ospf.lsa.router.linkdata",
            "ospf.lsa.network.netmask", "ospf.lsa.network.attchrtr",
            "ospf.lsa.asext.netmask", "ospf.lsa.asext.fwdaddr",
            "ospf.lsa.asbr.netmask",
            "ospf.v3.lsa.neighbor_router_id", "ospf.v3.lsa.attached_router",
            "ospf.v3.lsa.destination_router_id",
            "ospf.v3.lsa.referenced_link_state_id",
            "ospf.v3.lsa.referenced_advertising_router"}
OSPF_IP6 = {"ospf.v3.lsa.link_local_interface_address.ipv6",
            "ospf.v3.address_prefix.ipv6",
            "ospf.v3.lsa.forwarding_address.ipv6"}


def ospf_expected(rec, v):
    """What tshark must show for an OSPF record: field -> list of values in
    dissection order (tshark reuses a field name in several places, e.g.
    ospf.metric, ospf.advrouter, so each list interleaves them the way
    packet-ospf.c dissects)."""
    E = collections.defaultdict(list)
    g = lambda o, k: jint(o.get(k, 0) or 0)

    def add(f, val):
        E[f].append(val)

    for f, k in (("ospf.version", "Version"), ("ospf.msg", "Type"),
                 ("ospf.packet_length", "PacketLength"),
                 ("ospf.srcrouter", "RouterID"), ("ospf.area_id", "AreaID"),
                 ("ospf.checksum", "Checksum")):
        add(f, g(rec, k))
    if v == 2:
        add("ospf.auth.type", g(rec, "AuType"))
        if g(rec, "AuType") == 2:
            a = g(rec, "Authentication")
            add("ospf.auth.crypt.key_id", (a >> 40) & 0xff)
            add("ospf.auth.crypt.data_length", (a >> 32) & 0xff)
            add("ospf.auth.crypt.seq_nbr", a & 0xffffffff)
    else:
        add("ospf.instance_id", g(rec, "Instance"))
    opt = "ospf.v2.options" if v == 2 else "ospf.v3.options"

    def header(h):
        add("ospf.lsa.age", g(h, "LSAge"))
        if v == 2:
            add(opt, g(h, "LSOptions"))
            add("ospf.lsa", g(h, "LSType"))
            add("ospf.lsa.id", g(h, "LinkStateID"))
        else:
            add("ospf.v3.lsa", g(h, "LSType"))
            add("ospf.link_state_id", g(h, "LinkStateID"))
        add("ospf.advrouter", g(h, "AdvRouter"))
        add("ospf.lsa.seqnum", g(h, "LSSeqNumber"))
        add("ospf.lsa.chksum", g(h, "LSChecksum"))
        add("ospf.lsa.length", g(h, "Length"))

    def prefixes(lst, metric):
        for p in lst or []:
            add("ospf.prefix_length", g(p, "PrefixLength"))
            add("ospf.v3.prefix.options", g(p, "PrefixOptions"))
            if metric:
                add("ospf.metric", g(p, "Metric"))
            add("ospf.v3.address_prefix.ipv6", ip6_bytes(p.get("AddressPrefix")))

    hello = rec.get("HelloV2" if v == 2 else "Hello")
    if hello:
        if v == 2:
            add("ospf.hello.network_mask", g(hello, "NetworkMask"))
            add("ospf.hello.hello_interval", g(hello, "HelloInterval"))
            add(opt, g(hello, "Options"))
            add("ospf.hello.router_priority", g(hello, "RtrPriority"))
        else:
            add("ospf.hello.interface_id", g(hello, "InterfaceID"))
            add("ospf.hello.router_priority", g(hello, "RtrPriority"))
            add(opt, g(hello, "Options"))
            add("ospf.hello.hello_interval", g(hello, "HelloInterval"))
        add("ospf.hello.router_dead_interval", g(hello, "RouterDeadInterval"))
        add("ospf.hello.designated_router", g(hello, "DesignatedRouterID"))
        add("ospf.hello.backup_designated_router",
            g(hello, "BackupDesignatedRouterID"))
        for n in hello.get("NeighborID") or []:
            add("ospf.hello.active_neighbor", jint(n))
    dd = rec.get("DbDesc")
    if dd:
        if v == 2:
            add("ospf.db.interface_mtu", g(dd, "InterfaceMTU"))
            add(opt, g(dd, "Options"))
        else:
            add(opt, g(dd, "Options"))
            add("ospf.db.interface_mtu", g(dd, "InterfaceMTU"))
        add("ospf.dbd", g(dd, "Flags"))
        add("ospf.db.dd_sequence", g(dd, "DDSeqNumber"))
        for h in dd.get("LSAinfo") or []:
            header(h)
    for q in rec.get("LSR") or []:
        add("ospf.lsa" if v == 2 else "ospf.v3.lsa", g(q, "LSType"))
        add("ospf.link_state_id", g(q, "LSID"))
        add("ospf.advrouter", g(q, "AdvRouter"))
    lsu = rec.get("LSU")
    if lsu:
        add("ospf.ls.number_of_lsas", g(lsu, "NumOfLSAs"))
        for l in lsu.get("LSAs") or []:
            header(l.get("Header") or {})
            b = l.get("RLSAV2")
            if b:
                add("ospf.v2.router.lsa.flags", g(b, "Flags"))
                add("ospf.lsa.number_of_links", g(b, "Links"))
                for r in b.get("Routers") or []:
                    add("ospf.lsa.router.linkid", g(r, "LinkID"))
                    add("ospf.lsa.router.linkdata", g(r, "LinkData"))
                    add("ospf.lsa.router.linktype", g(r, "Type"))
                    add("ospf.lsa.router.metric0", g(r, "Metric"))
            b = l.get("NLSA")
            if b and v == 2:
                add("ospf.lsa.network.netmask", g(b, "NetworkMask"))
                for a in b.get("AttachedRouter") or []:
                    add("ospf.lsa.network.attchrtr", jint(a))
            elif b:
                add(opt, g(b, "Options"))
                for a in b.get("AttachedRouter") or []:
                    add("ospf.v3.lsa.attached_router", jint(a))
            b = l.get("SLSAV2")
            if b:  # packet-ospf.c: the asbr netmask field for types 3, 4
                add("ospf.lsa.asbr.netmask", g(b, "NetworkMask"))
                add("ospf.metric", g(b, "Metric"))
            b = l.get("ASELSAV2")
            if b:
                add("ospf.lsa.asext.netmask", g(b, "NetworkMask"))
                add("ospf.lsa.asext.type", g(b, "ExternalBit"))
                add("ospf.metric", g(b, "Metric"))
                add("ospf.lsa.asext.fwdaddr", g(b, "ForwardingAddress"))
                add("ospf.lsa.asext.extrttag", g(b, "ExternalRouteTag"))
            b = l.get("RLSA")
            if b:
                add("ospf.v3.router.lsa.flags", g(b, "Flags"))
                add(opt, g(b, "Options"))
                for r in b.get("Routers") or []:
                    add("ospf.v3.lsa.type", g(r, "Type"))
                    add("ospf.metric", g(r, "Metric"))
                    add("ospf.v3.lsa.interface_id", g(r, "InterfaceID"))
                    add("ospf.v3.lsa.neighbor_interface_id",
                        g(r, "NeighborInterfaceID"))
                    add("ospf.v3.lsa.neighbor_router_id",
                        g(r, "NeighborRouterID"))
            b = l.get("InterAPrefixLSA")
            if b:
                add("ospf.metric", g(b, "Metric"))
                prefixes([b], False)
            b = l.get("IARouterLSA")
            if b:
                add(opt, g(b, "Options"))
                add("ospf.metric", g(b, "Metric"))
                add("ospf.v3.lsa.destination_router_id",
                    g(b, "DestinationRouterID"))
            b = l.get("ASELSA")
            if b:
                add("ospf.v3.as.external.flags", g(b, "Flags"))
                add("ospf.metric", g(b, "Metric"))
                prefixes([b], False)
                if b.get("ForwardingAddress"):
                    add("ospf.v3.lsa.forwarding_address.ipv6",
                        ip6_bytes(b.get("ForwardingAddress")))
                if g(b, "Flags") & 1:
                    add("ospf.v3.lsa.external_route_tag",
                        g(b, "ExternalRouteTag"))
            b = l.get("LLSA")
            if b:
                add("ospf.v3.lsa.router_priority", g(b, "RtrPriority"))
                add(opt, g(b, "Options"))
                add("ospf.v3.lsa.link_local_interface_address.ipv6",
                    ip6_bytes(b.get("LinkLocalAddress")))
                add("ospf.v3.lsa.num_prefixes", g(b, "NumOfPrefixes"))
                prefixes(b.get("Prefixes"), False)
            b = l.get("IntraAPrefixLSA")
            if b:
                add("ospf.v3.lsa.num_prefixes", g(b, "NumOfPrefixes"))
                add("ospf.v3.lsa.referenced_ls_type", g(b, "RefLSType"))
                add("ospf.v3.lsa.referenced_link_state_id",
                    g(b, "RefLinkStateID"))
                add("ospf.v3.lsa.referenced_advertising_router",
                    g(b, "RefAdvRouter"))
                prefixes(b.get("Prefixes"), True)
    for h in rec.get("LSAs") or []:
        header(h)
    return E


def check_ospf(ck, frame, fno, lay, counts, rec, typ):
    """Every OSPF_FIELDS list tshark shows against the record's values in
    the same order; a frame with more than one OSPF layer is not
    comparable (the lists cannot be split)."""
    if counts["ospf"] != 1:
        ck.skipped += 1
        return
    exp = ospf_expected(rec, 3 if typ == "OSPFv3" else 2)
    for f in OSPF_FIELDS:
        tv = frame.get(f, [])
        try:
            if f in OSPF_IP4:
                theirs = [ip4(x) for x in tv]
            elif f in OSPF_IP6:
                theirs = [ip6(x) for x in tv]
            else:
                theirs = [tint(x) for x in tv]
        except ValueError:
            ck.fail(fno, "%s.%s" % (typ, f), exp.get(f), tv,
                    "unparsable tshark value")
            continue
        ours = exp.get(f, [])
        if not ours and not theirs:
            continue
        ck.eq(fno, "%s.%s" % (typ, f), ours, theirs)
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
        # IPv4 / IPv6 addresses of the Addresses and Management Addresses
        # TLVs (tshark names both cdp.nrgyz.ip_address / ipv6_address), as
        # multisets
        both = (rec.get("Addresses") or []) + (rec.get("MgmtAddresses") or [])
        ck.eq(fno, typ + ".Addresses+MgmtAddresses(IPv4)",
              sorted(ipv4_hex(a) for a in both if ":" not in a),
              sorted(frame.get("cdp.nrgyz.ip_address", [])))
        ck.eq(fno, typ + ".Addresses+MgmtAddresses(IPv6)",
              sorted(a.lower() for a in both if ":" in a),
              sorted(a.lower() for a in
                     frame.get("cdp.nrgyz.ipv6_address", [])))
        # tshark has a prefix's network only (the length is in the text),
        # and its field value has the octets reversed (packet-cdp.c passes
        # tvb_get_ntohl() to proto_tree_add_ipv4_format_value, which wants
        # network order; the text, "10.1.0.0/16", is right)
        ck.eq(fno, typ + ".IPPrefixes[].IP",
              [ipv4_hex(p.get("IP")) for p in rec.get("IPPrefixes") or []],
              [".".join(reversed(a.split(".")))
               for a in frame.get("cdp.ip_prefix", [])])
        # VoIP VLAN reply then query, as they come (cdp.voice_vlan)
        vl = [jint((rec.get(k) or {}).get("VLAN", 0))
              for k in ("VLANReply", "VLANQuery") if rec.get(k)]
        tv = [tint(x) for x in frame.get("cdp.voice_vlan", [])]
        ck.eq(fno, typ + ".VLANReply/VLANQuery.VLAN", sorted(vl), sorted(tv))
        F("SysOID", "cdp.system_object_identifier",
          lambda s: s.replace(":", "").lower(), False)
        loc = rec.get("Location")
        if frame.get("cdp.location"):
            ck.eq(fno, typ + ".Location.Location", (loc or {}).get(
                "Location", ""), ",".join(frame["cdp.location"]))
            ck.eq(fno, typ + ".Location.Type",
                  jint((loc or {}).get("Type", -1)),
                  tint(frame.get("cdp.location.unknown", ["-1"])[0]))
        else:
            ck.eq(fno, typ + ".Location", loc, None)
        poe = values(frame, "cdp.spare_poe_tlv", lay, n, False)
        if poe is not None:
            m, p = tint(poe), rec.get("SparePairPoe") or {}
            ck.eq(fno, typ + ".SparePairPoe",
                  [bool(p.get(k, False)) for k in
                   ("PSEFourWire", "PDArchShared", "PDRequestOn", "PSEOn")],
                  [bool(m & b) for b in (1, 2, 4, 8)])
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
        # EnergyWise: the fixed part and the sub-TLVs
        ew = rec.get("EnergyWise")
        if frame.get("cdp.sequence_number"):
            ew = ew or {}
            for nf, tf in (("Unknown1", "cdp.seen_sequence"),
                           ("SequenceNumber", "cdp.sequence_number")):
                ck.eq(fno, typ + ".EnergyWise." + nf, jint(ew.get(nf, -1)),
                      tint(frame[tf][0]))
            for nf, tf in (("ModelNumber", "cdp.model_number"),
                           ("HardwareID", "cdp.hardware_version_id"),
                           ("SerialNum", "cdp.system_serial_number"),
                           ("Role", "cdp.nrgyz_reply_to.role"),
                           ("Domain", "cdp.nrgyz_reply_to.domain"),
                           ("Name", "cdp.nrgyz_reply_to.name")):
                ck.eq(fno, typ + ".EnergyWise." + nf, ew.get(nf, ""),
                      ",".join(frame.get(tf, [])))
            port = ew.get("ReplyPort") or ""
            ck.eq(fno, typ + ".EnergyWise.ReplyPort",
                  int(port, 16) if port else None,
                  tint(frame["cdp.nrgyz_reply_to.port"][0])
                  if frame.get("cdp.nrgyz_reply_to.port") else None)
            ck.eq(fno, typ + ".EnergyWise.ReplyAddress",
                  ipv4_hex(ew.get("ReplyAddress")) or None,
                  frame.get("cdp.nrgyz_reply_to.ip_address", [None])[0])
        else:
            ck.eq(fno, typ + ".EnergyWise", ew, None)
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


# -- Tunnels: the Tunnel field of inner records --

def rec_depth(rec):
    """Tunnel.Depth of a record, 0 when it has no Tunnel (outer traffic)."""
    t = rec.get("Tunnel")
    return jint(t.get("Depth", 0)) if isinstance(t, dict) else 0


def tun_id(frame, tun, counts):
    """(HasID, ID, key parts) of tunnel tun from tshark, None when not
    comparable. Key parts: what the tenant is keyed by besides the type
    (docs/RECORDS.md "Tunnels", decode.h enum nc_tun_key): "id" the ID,
    "pair" the unordered outer address pair."""
    lay = tun.lay
    n = counts[lay.name]

    def v(field, always=True):
        x = values(frame, field, lay, n, always)
        return None if x in (None, "?ambiguous") else x

    if tun.type == "VXLAN":
        fl, vni = v("vxlan.flags"), v("vxlan.vni")
        if fl is None or vni is None:
            return None
        has = bool(tint(fl) & 0x0800)  # the I flag
        return has, tint(vni) if has else 0, ("id",)
    if tun.type == "Geneve":
        vni = v("geneve.vni")
        return None if vni is None else (True, tint(vni), ("id",))
    if tun.type == "GRE":
        fl = v("gre.flags_and_version")
        if fl is None:
            return None
        fl = tint(fl)
        if fl & 7 == 1:  # PPTP: ID the call ID, tenant the outer pair
            if not fl & 0x2000:
                return False, 0, ("pair",)
            cid = v("gre.key.call_id", False)
            return None if cid is None else (True, tint(cid), ("pair",))
        if not fl & 0x2000:
            return False, 0, ("id", "pair")
        key = v("gre.key", False)
        return None if key is None else (True, tint(key), ("id", "pair"))
    if tun.type == "ERSPAN":
        if n != 1:
            return None
        sid = frame.get("erspan.spanid", [])
        if not sid:  # type I: no ERSPAN header
            return False, 0, ("id", "pair")
        return True, tint(sid[0]), ("id", "pair")
    if tun.type == "GTP-U":
        teid = v("gtp.teid")
        return None if teid is None else (True, tint(teid), ("pair",))
    if tun.type == "MPLS":
        return False, 0, ()
    return False, 0, ("pair",)  # IPinIP, Teredo


def tun_outer(frame, tun, counts):
    """(src, dst) of the IP header tunnel tun follows, ("", "") when none
    since the enclosing tunnel, None when not comparable."""
    o = tun.outer
    if o is None:
        return "", ""
    f = "ip" if o.name == "ip" else "ipv6"
    a = values(frame, f + ".src", o, counts[o.name], True)
    b = values(frame, f + ".dst", o, counts[o.name], True)
    if a in (None, "?ambiguous") or b in (None, "?ambiguous"):
        return None
    return a.lower(), b.lower()


def tenant_key(frame, tun, counts):
    """What netcap's Tenant must be a function of (and only of): per
    tunnel from the outermost, its type and key parts."""
    if tun is None:
        return ()
    up = tenant_key(frame, tun.parent, counts)
    idv = tun_id(frame, tun, counts)
    pair = tun_outer(frame, tun, counts)
    if up is None or idv is None or pair is None:
        return None
    has, ident, parts = idv
    k = (tun.type,)
    if "id" in parts and has:
        k += (ident,)
    if "pair" in parts:
        k += (tuple(sorted(pair)),)
    return up + (k,)


def check_tunnel(ck, frame, fno, lay, rec, typ, counts):
    """The Tunnel field of a record of inner traffic: the innermost
    tunnel's type, ID (VNI, GRE key or PPTP call ID, ERSPAN session,
    GTP-U TEID), outer addresses, MPLS labels and depth, from tshark's
    fields of that tunnel; Tenant: equal exactly when the tenant keys
    are (check_tenants)."""
    t = rec.get("Tunnel")
    K = typ + ".Tunnel."
    if not isinstance(t, dict):
        ck.eq(fno, K[:-1], t, "a Tunnel at depth %d" % lay.depth)
        return
    tun = lay.tun
    ck.eq(fno, K + "Type", t.get("Type"), tun.type)
    ck.eq(fno, K + "Depth", jint(t.get("Depth", 0)), tun.depth)
    idv = tun_id(frame, tun, counts)
    if idv is None:
        ck.skipped += 1
    else:
        ck.eq(fno, K + "HasID", bool(t.get("HasID", False)), idv[0])
        ck.eq(fno, K + "ID", jint(t.get("ID", 0)), idv[1])
    pair = tun_outer(frame, tun, counts)
    if pair is None:
        ck.skipped += 1
    else:
        ck.eq(fno, K + "OuterSrcIP", (t.get("OuterSrcIP") or "").lower(),
              pair[0])
        ck.eq(fno, K + "OuterDstIP", (t.get("OuterDstIP") or "").lower(),
              pair[1])
    labels = [jint(x) for x in t.get("Labels") or []]
    if tun.type != "MPLS":
        ck.eq(fno, K + "Labels", labels, [])
    elif counts["mpls"] == 1:
        ck.eq(fno, K + "Labels", labels,
              [tint(x) for x in frame.get("mpls.label", [])])
    else:
        ck.skipped += 1
    k = tenant_key(frame, tun, counts)
    if k is None:
        ck.skipped += 1
    else:
        ten = t.get("Tenant")
        ck.tenants[k].add(ten)
        ck.tenant_keys[ten].add(k)
        ck.tenant_frame.setdefault(k, fno)
        ck.tenant_frame.setdefault(ten, fno)


def check_tenants(ck):
    """One Tenant per tenant key and one key per Tenant."""
    for k, tens in sorted(ck.tenants.items(), key=str):
        ck.compared += 1
        if len(tens) > 1:
            ck.fail(ck.tenant_frame[k], "Tunnel.Tenant", sorted(tens),
                    "one Tenant for %s" % (k,))
    for ten, ks in sorted(ck.tenant_keys.items(), key=str):
        ck.compared += 1
        if len(ks) > 1:
            ck.fail(ck.tenant_frame[ten], "Tunnel.Tenant", ten,
                    "one Tenant per tunnel, got it for %s" %
                    sorted(ks, key=str))


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
    mine = set(LAYER_REC.values()) | set(ICMPV6_SUBREC.values())
    mine |= L2MISC_SUBREC  # LLDP, EthernetCTP, EAPOL
    mine |= {"OSPFv3"}  # -- OSPFv2, OSPFv3 --
    mine |= set(LLC_SUBREC.values())  # LLC, SNAP, CDP
    mine.add(USB_SETUP_REC)
    # -- Tunnels: one queue per record type and Tunnel.Depth (0: outer
    # traffic, no Tunnel field), so that a frame's outer and inner records
    # of one type are told apart by their Tunnel field, not by order --
    queues = collections.defaultdict(collections.deque)
    for t, lst in recs.items():
        if t in mine:
            for r in lst:
                queues[(t, rec_depth(r))].append(r)
    all_ts = collections.defaultdict(list)
    for frame in frames:
        all_ts[epoch_ns(frame["frame.time_epoch"][0])].append(
            int(frame["frame.number"][0]))
    done_ts = set()

    def leftover(typ, rec):
        ts = jint(rec.get("Timestamp", 0))
        fnos = all_ts.get(ts)
        d = rec_depth(rec)
        ck.fail(fnos[-1] if fnos else 0, "count:" + typ, "present", "missing",
                "netcap record at ts %d%s%s" %
                (ts, " Tunnel.Depth %d" % d if d else "",
                 "" if fnos else " (no frame has that time)"))

    def take(typ, ts, fno, lay, counts):
        """The next record of typ for the frame at ts, or None.

        Records are consumed in file order. One whose Timestamp belongs to
        a frame already checked is a record tshark has no layer for; one
        whose Timestamp no frame has is taken as this frame's record with a
        Timestamp mismatch (the two read the frame's time differently)."""
        q = queues.get((typ, lay.depth))
        while q and jint(q[0].get("Timestamp", 0)) != ts and \
                jint(q[0].get("Timestamp", 0)) in done_ts:
            leftover(typ, q.popleft())
        rec = None
        if q and jint(q[0].get("Timestamp", 0)) == ts:
            ck.compared += 1
            rec = q.popleft()
        elif q and jint(q[0].get("Timestamp", 0)) not in all_ts:
            rec = q.popleft()
            ck.eq(fno, typ + ".Timestamp", jint(rec.get("Timestamp", 0)), ts)
        else:
            ck.fail(fno, "count:" + typ, "missing", "present",
                    "tshark has %s #%d%s" % (
                        lay.name, lay.occ + 1,
                        " in tunnel depth %d" % lay.depth
                        if lay.depth else ""))
            return None
        if lay.depth:
            ck.inner_records += 1
            check_tunnel(ck, frame, fno, lay, rec, typ, counts)
        return rec

    stops = collections.Counter()
    for frame in frames:
        fno = int(frame["frame.number"][0])
        ts = epoch_ns(frame["frame.time_epoch"][0])
        layers, stop, counts = plan(frame)
        if stop:
            stops[stop] += 1
        for lay in layers:
            ck.depth = lay.depth
            typ = LAYER_REC[lay.name]
            if lay.name == "ospf":  # -- OSPFv2, OSPFv3 --
                typ = ospf_type(frame, lay, counts)
            subs = [typ]
            if lay.name == "icmpv6":
                t = values(frame, "icmpv6.type", lay, counts["icmpv6"], True)
                if t is not None and tint(t) in ICMPV6_SUBREC:
                    subs.append(ICMPV6_SUBREC[tint(t)])
            if lay.name in ("lldp", "loop", "eapol"):  # LLDP, ECTP, EAPOL
                subs += l2misc_subs(frame, lay, counts)
            # -- MPLS: one record per label stack entry --
            if lay.name == "mpls":
                if counts["mpls"] != 1:
                    ck.skipped += 1
                    continue
                for i in range(len(frame.get("mpls.label", []))):
                    rec = take("MPLS", ts, fno, lay, counts)
                    if rec is not None:
                        check_mpls(ck, frame, fno, rec, i)
                continue
            if lay.name == "usb" and first(frame, "usb.setup_flag") and \
                    tchar(first(frame, "usb.setup_flag")) == 0:
                subs.append(USB_SETUP_REC)
            # LLC, SNAP, ...: SNAP in an llc layer with an OUI; CDP's Info
            if lay.name == "cdp" or (lay.name == "llc" and values(
                    frame, "llc.oui", lay, counts["llc"], False) not in (
                        None, "?ambiguous")):
                subs.append(LLC_SUBREC[lay.name])
            for st in subs:
                rec = take(st, ts, fno, lay, counts)
                if rec is None:
                    continue
                if st in ("TCP", "UDP", "SCTP"):
                    check_l4(ck, frame, fno, lay, counts, rec, st)
                elif st == USB_SETUP_REC:
                    check_usb_setup(ck, frame, fno, rec)
                elif st in ICMPV6_SUBREC.values():
                    check_icmpv6_sub(ck, frame, fno, lay, counts, rec, st)
                elif st in L2MISC_SUBREC or lay.name in ("lldp", "loop",
                                                         "eapol"):
                    check_l2misc(ck, frame, fno, lay, counts, rec, st)
                elif st in ("OSPFv2", "OSPFv3"):
                    check_ospf(ck, frame, fno, lay, counts, rec, st)
                else:
                    check_layer(ck, frame, fno, lay, counts, rec, st)
        ck.depth = 0
        done_ts.add(ts)
    check_tenants(ck)

    # Records netcap wrote that no tshark layer accounts for.
    for (typ, _), q in sorted(queues.items()):
        for rec in q:
            leftover(typ, rec)

    nmis = len(ck.mismatches)
    nexc = sum(ck.excepted.values())
    print("crosscheck %s: %d frames, %d fields compared, %d mismatches "
          "(%d excepted, %d not comparable)%s%s" %
          (ck.cap, len(frames), ck.compared, nmis, nexc, ck.skipped,
           "; inner layers: %d records, %d fields" %
           (ck.inner_records, ck.inner_compared)
           if ck.inner_records else "",
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
