/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mpls.c: MPLS label stack, EtherTypes 0x8847 (unicast, RFC 3032) and
 * 0x8848 (multicast, RFC 5332). The dispatcher consumed the EtherType;
 * the cursor starts at the first label stack entry:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Label                  | TC  |S|      TTL      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One MPLS record per entry, outermost first (as Netcap, whose gopacket
 * layer is one entry). At most NC_MAX_MPLS_DEPTH entries are decoded per
 * frame (d->mpls_depth, which also bounds MPLS inside a pseudowire's
 * Ethernet): one more is mpls.too_deep and ends the frame. A stack cut
 * before its bottom entry is mpls.truncated.
 *
 * MPLS does not say what the payload after the bottom of stack is; like
 * Wireshark, netcap reads its first nibble:
 *   4  IPv4 (nc_dispatch_ethertype 0x0800), 6  IPv6 (0x86dd);
 *   0  a pseudowire control word (RFC 4385: 4 octets, first nibble 0),
 *      then an Ethernet frame (RFC 4448) through nc_dispatch_link;
 *   1  the pseudowire associated channel (RFC 4385): not decoded,
 *      mpls.pw_associated_channel (INFO);
 *   other: a guess. An Ethernet pseudowire without control word is taken
 *      only when it is safe: 14 octets captured and the EtherType at
 *      octet 12 one that netcap decodes (ethertypes.def). Anything else
 *      is mpls.unknown_payload (INFO).
 * The guesses can be wrong: an Ethernet pseudowire without control word
 * whose destination MAC begins with nibble 4, 6, 0 or 1 is read as IP or
 * as a control word (Wireshark makes the same choice). Wireshark 4.0 does
 * not guess an Ethernet pseudowire without control word (it shows data):
 * the oracle would need an EXCEPTIONS line for such a frame.
 * decoders/flow/flowhash.c reads the payload the same way, so the frames
 * of one inner connection go to one worker.
 */
#include "decode.h"
#include "registry.h"

/*
 * The payload after the bottom of stack is decoded as a tunnel's
 * (nc_tunnel_enter: type MPLS, tenant by type only, since labels are
 * per direction; the Tunnel's Labels are this frame's stack, outermost
 * first); with MPLS left out of --tunnels it is mpls.inner_not_decoded.
 */
static bool mpls_enter(struct nc_dec *d, const uint32_t *labels, unsigned n,
		       const uint8_t *at)
{
	if (!nc_tunnel_enter(d, NC_TUN_MPLS, false, 0, NC_TK_NONE, at))
		return false;
	for (unsigned i = 0; i < n; i++)
		d->tun.labels[i] = labels[i];
	d->tun.nlabels = (uint8_t)n;
	return true;
}

enum dec_rc nc_dec_mpls(struct nc_dec *d, struct cur c)
{
	uint32_t labels[NC_MAX_MPLS_DEPTH];
	unsigned n = 0;

	for (;;) {
		const uint8_t *at = c.p;
		if (d->mpls_depth >= NC_MAX_MPLS_DEPTH) {
			nc_event(d, NC_EV_MPLS_TOO_DEEP, at);
			return DEC_INVALID;
		}
		uint32_t e = cur_be32(&c);
		if (c.err) {
			nc_event(d, NC_EV_MPLS_TRUNC, at);
			return DEC_TRUNC;
		}
		d->mpls_depth++;
		labels[n++] = e >> 12;
		bool bottom = (e >> 8) & 1;
		if (nc_want(d, NC_REC_MPLS)) {
			Netcap__MPLS r = NETCAP__MPLS__INIT;
			r.timestamp = d->ts;
			r.label = (int32_t)(e >> 12);
			r.trafficclass = (e >> 9) & 7;
			r.stackbottom = bottom;
			r.ttl = e & 0xff;
			nc_emit(d, NC_REC_MPLS, &r.base);
		}
		if (bottom)
			break;
	}

	uint8_t first = cur_peek_u8(&c, 0);
	if (cur_left(&c) == 0) {
		nc_event(d, NC_EV_MPLS_UNKNOWN_PAYLOAD, c.p);
		return DEC_UNSUPPORTED;
	}
	switch (first >> 4) {
	case 4:
		if (!mpls_enter(d, labels, n, c.p))
			return DEC_OK;
		return nc_dispatch_ethertype(d, 0x0800, c);
	case 6:
		if (!mpls_enter(d, labels, n, c.p))
			return DEC_OK;
		return nc_dispatch_ethertype(d, 0x86dd, c);
	case 0: {
		const uint8_t *cw = c.p;
		cur_skip(&c, 4); /* RFC 4385 control word */
		if (c.err) {
			nc_event(d, NC_EV_MPLS_TRUNC, cw);
			return DEC_TRUNC;
		}
		if (!mpls_enter(d, labels, n, cw))
			return DEC_OK;
		return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
	}
	case 1:
		nc_event(d, NC_EV_MPLS_PW_ACH, c.p);
		return DEC_UNSUPPORTED;
	default:
		if (cur_left(&c) >= 14 &&
		    nc_ethertype_known((uint16_t)(cur_peek_u8(&c, 12) << 8 |
						  cur_peek_u8(&c, 13)))) {
			if (!mpls_enter(d, labels, n, c.p))
				return DEC_OK;
			return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
		}
		nc_event(d, NC_EV_MPLS_UNKNOWN_PAYLOAD, c.p);
		return DEC_UNSUPPORTED;
	}
}
