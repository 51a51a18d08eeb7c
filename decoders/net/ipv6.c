/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipv6.c: Internet Protocol version 6 (RFC 8200) and its extension headers.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |           Flow Label                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Source Address (16 octets)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Destination Address (16 octets)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The fixed header is checked like IPv4's: not captured -> ipv6.truncated
 * (no record); version != 6 -> ipv6.bad_version (record written, layer
 * stops). The cursor is narrowed to the payload length; a payload length
 * beyond the frame is ipv6.payload_length_beyond_frame unless the data was
 * cut (nc_data_cut(): by the snaplen, or inside the first fragment of an
 * outer datagram), in which case the captured part is decoded. Payload
 * length 0 with a Hop-by-Hop header next is taken as a jumbogram (RFC 2675):
 * the payload is the rest of the frame. PayloadSize counts the captured
 * octets within the payload length, extension headers included (all
 * captured octets after the fixed header when the payload length runs past
 * the frame).
 *
 * Extension headers (RFC 8200 section 4), at most NC_MAX_IPV6_EXT per
 * IPv6 header (ipv6.too_many_ext_headers beyond):
 *
 *  Hop-by-Hop (0), Destination Options (60), Routing (43), Mobility (135),
 *  HIP (139), Shim6 (140): units of 8 octets, the first 8 not counted.
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  |     type-specific data ...    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Fragment (44), 8 octets:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Identification                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Authentication Header (51, RFC 4302): Payload Len in 4-octet units
 *  minus 2.
 *
 * Hop-by-Hop writes an IPv6HopByHop record with its TLV options (Pad1 is
 * one octet: OptionLength 0, ActualLength 1); an option running past the
 * header is ipv6.option_invalid and ends the option list; options past
 * NC_MAX_OPTIONS are ipv6.too_many_options and left out. A Hop-by-Hop
 * header anywhere but right after the fixed header is
 * ipv6.hopbyhop_not_first. Neither stops the packet: the header length
 * still frames what follows. Fragment writes an IPv6Fragment record
 * (FragmentOffset in 8-octet units, as on the wire and as tshark's
 * ipv6.fraghdr.offset) and counts ipv6.fragment. With defragmentation on
 * (d->defrag, defrag.h) a fragment (offset != 0 or M set) is offered to the
 * worker's table, keyed by (source, destination, Identification); the
 * frame that completes the datagram walks the reassembled fragmentable
 * part on from the Next Header of the offset-0 fragment (complete data, no
 * cut), every other fragment ends the frame (DEC_OK). Without
 * defragmentation, or for a fragment cut by the snaplen or inside a
 * reassembled datagram: only offset 0 carries the upper-layer header
 * (handed up with d->ip_partial set when more fragments follow), later
 * fragments end the frame (DEC_OK). An atomic fragment (offset 0, M clear,
 * RFC 6946) is walked through directly. Destination Options, Mobility,
 * HIP and Shim6 are skipped; AH writes its IPSecAH record
 * (ipsec.c:nc_ipsec_ah_record; shorter than 12 octets: ah.bad_length, no
 * record) and the walk goes on. A Routing header (below) is skipped after
 * reading its final destination. No Next Header (59) ends the frame. Any
 * other value, ESP (50) included, is an upper-layer protocol for
 * nc_dispatch_ipproto(). An extension header not captured whole is
 * ipv6.ext_header_truncated.
 *
 * Context for the upper layers and connection tracking:
 *   - d->dst_ip is the final destination: a Routing header of type 0 or 2
 *     with Segments Left > 0 names it (see ipv6_routing), as Zeek's
 *     connection and tshark's conversation tables take it, and as the
 *     transport checksum's pseudo-header does (RFC 8200 section 8.1). The
 *     IPv6 record keeps the DstIP of the header on the wire.
 *   - d->l4.ip_len is 40 + Payload Length (*_ip_bytes); for a jumbogram
 *     40 + the octets after the fixed header; for a reassembled datagram
 *     the sum of its fragments' 40 + Payload Length, with d->frag_frames
 *     and d->frag_wire set to its fragments' frames and wire octets
 *     (docs/CONNECTIONS.md, "Fragmented datagrams").
 */
#include "decode.h"
#include "ipsec.h"
#include "registry.h"
#include "defrag.h"

enum {
	IPV6_EXT_HOPOPTS = 0,
	IPV6_EXT_ROUTING = 43,
	IPV6_EXT_FRAGMENT = 44,
	IPV6_EXT_ESP = 50,
	IPV6_EXT_AH = 51,
	IPV6_EXT_NONE = 59,
	IPV6_EXT_DSTOPTS = 60,
	IPV6_EXT_MOBILITY = 135,
	IPV6_EXT_HIP = 139,
	IPV6_EXT_SHIM6 = 140,
};

#define IPV6_OPT_PAD1 0
#define IPV6_ADDR_LEN 16

/*
 * Routing header (RFC 8200 section 4.4): with Segments Left > 0 the packet
 * is on its way through the listed nodes to the final destination, which
 * goes to d->dst_ip. Known for two types; other types are left alone.
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  | Routing Type  | Segments Left |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                            Reserved                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Address[1] .. Address[n]                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Type 0 (RFC 2460 section 4.4, deprecated by RFC 5095): n = Hdr Ext Len
 * / 2 addresses, the final destination is Address[n]; Segments Left above
 * n is an error and names nothing. Type 2 (RFC 6275 section 6.4): Hdr Ext
 * Len 2, Segments Left 1, one address, the Home Address. h is the whole
 * header (8 * (Hdr Ext Len + 1) octets, captured).
 */
const uint8_t *nc_ipv6_routing_final(struct cur h)
{
	cur_skip(&h, 1);
	uint8_t len = cur_u8(&h);
	uint8_t type = cur_u8(&h);
	uint8_t left = cur_u8(&h);
	size_t n;

	cur_skip(&h, 4);
	if (h.err || left == 0)
		return NULL;
	if (type == 0 && (len & 1) == 0 && len > 0 && left <= len / 2)
		n = len / 2;
	else if (type == 2 && len == 2 && left == 1)
		n = 1;
	else
		return NULL;
	cur_skip(&h, IPV6_ADDR_LEN * (n - 1));
	return cur_bytes(&h, IPV6_ADDR_LEN);
}

static void ipv6_routing(struct nc_dec *d, struct cur h)
{
	const uint8_t *final = nc_ipv6_routing_final(h);

	if (final)
		memcpy(d->dst_ip, final, IPV6_ADDR_LEN);
}

/*
 * Hop-by-Hop Options header: hdr is the whole header (8 * (len + 1)
 * octets). Writes the record; at most NC_MAX_OPTIONS options are kept.
 */
static void ipv6_hopbyhop(struct nc_dec *d, struct cur hdr)
{
	const uint8_t *start = hdr.p;
	Netcap__IPv6HopByHopOption opt[NC_MAX_OPTIONS];
	Netcap__IPv6HopByHopOption *ptr[NC_MAX_OPTIONS];
	size_t n = 0;
	bool bad = false, too_many = false;
	uint8_t nh = cur_u8(&hdr);
	uint8_t len = cur_u8(&hdr);

	while (cur_left(&hdr) > 0) {
		uint8_t type = cur_peek_u8(&hdr, 0);
		size_t olen = 0, actual = 1;

		if (type != IPV6_OPT_PAD1) {
			olen = cur_peek_u8(&hdr, 1);
			actual = olen + 2;
			if (cur_left(&hdr) < 2 || actual > cur_left(&hdr)) {
				bad = true;
				break;
			}
		}
		if (n == NC_MAX_OPTIONS) {
			too_many = true;
			break;
		}
		netcap__ipv6_hop_by_hop_option__init(&opt[n]);
		opt[n].optiontype = type;
		opt[n].optionlength = (int32_t)olen;
		opt[n].actuallength = (int32_t)actual;
		cur_skip(&hdr, actual - olen);
		nc_bytes(&opt[n].optiondata, cur_bytes(&hdr, olen), olen);
		ptr[n] = &opt[n];
		n++;
	}

	if (nc_want(d, NC_REC_IPV6HOPBYHOP)) {
		Netcap__IPv6HopByHop r = NETCAP__IPV6_HOP_BY_HOP__INIT;
		r.timestamp = d->ts;
		r.n_options = n;
		r.options = ptr;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		r.nextheader = nh;
		r.headerlength = len;
		nc_emit(d, NC_REC_IPV6HOPBYHOP, &r.base);
	}
	if (bad)
		nc_event(d, NC_EV_IPV6_OPT_BAD, start);
	if (too_many)
		nc_event(d, NC_EV_IPV6_OPT_TOO_MANY, start);
}

/*
 * Walk the extension headers from c (the payload of the fixed header, or
 * the fragmentable part of a reassembled datagram), starting with next
 * header nh. Visits at most NC_MAX_IPV6_EXT headers. cut: c holds less
 * than the payload length (the capture was cut).
 */
static enum dec_rc ipv6_ext(struct nc_dec *d, uint8_t nh, struct cur c,
			    bool cut);

/* The fragmentable part of a reassembled datagram: walk it on. */
static enum dec_rc ipv6_reassembled(struct nc_dec *d, uint8_t nh, struct cur c)
{
	return ipv6_ext(d, nh, c, false);
}

/*
 * Offer a fragment (c: the octets after its Fragment header) to the
 * defragmentation table. Returns true when the frame is finished (*rc
 * set), false to go on as without defragmentation.
 */
static bool ipv6_defrag(struct nc_dec *d, const uint8_t *at, uint8_t next,
			uint16_t off, uint32_t ident, struct cur c, bool cut,
			enum dec_rc *rc)
{
	struct nc_frag f = {
	    .family = 6,
	    .proto = next,
	    .src = d->src_ip,
	    .dst = d->dst_ip,
	    .id = ident,
	    .offset = (uint32_t)(off >> 3) * 8u,
	    .more = off & 0x1,
	    .cut = cut,
	    .ip_len = d->l4.ip_len, /* 40 + Payload Length (nc_dec_ipv6) */
	    .data = c,
	    .at = at,
	};
	struct nc_defrag_out o;

	switch (nc_defrag_offer(d, &f, &o)) {
	case NC_DEFRAG_DONE:
		/* every fragment's IP octets and frames */
		d->l4.ip_len = o.ip_bytes;
		d->frag_frames = o.fragments;
		d->frag_wire = o.wire;
		*rc = nc_defrag_decode(d, &o, ipv6_reassembled);
		return true;
	case NC_DEFRAG_NOT_TAKEN:
		return false;
	default:
		*rc = DEC_OK;
		return true;
	}
}

static enum dec_rc ipv6_ext(struct nc_dec *d, uint8_t nh, struct cur c,
			    bool cut)
{
	for (unsigned i = 0;; i++) {
		const uint8_t *at = c.p;
		size_t hlen;

		switch (nh) {
		case IPV6_EXT_HOPOPTS:
		case IPV6_EXT_ROUTING:
		case IPV6_EXT_DSTOPTS:
		case IPV6_EXT_MOBILITY:
		case IPV6_EXT_HIP:
		case IPV6_EXT_SHIM6:
			hlen = 8 * ((size_t)cur_peek_u8(&c, 1) + 1);
			break;
		case IPV6_EXT_FRAGMENT:
			hlen = 8;
			break;
		case IPV6_EXT_AH:
			hlen = 4 * ((size_t)cur_peek_u8(&c, 1) + 2);
			break;
		case IPV6_EXT_NONE:
			return DEC_OK;
		default:
			return nc_dispatch_ipproto(d, nh, c);
		}

		if (i == NC_MAX_IPV6_EXT) {
			nc_event(d, NC_EV_IPV6_EXT_TOO_MANY, at);
			return DEC_INVALID;
		}
		/* the length octet must be there before hlen means anything */
		if (cur_left(&c) < 2 || cur_left(&c) < hlen) {
			nc_event(d, NC_EV_IPV6_EXT_TRUNC, at);
			return DEC_TRUNC;
		}
		struct cur h = cur_sub(&c, hlen);
		uint8_t next = cur_peek_u8(&h, 0);

		if (nh == IPV6_EXT_HOPOPTS) {
			if (i != 0)
				nc_event(d, NC_EV_IPV6_HBH_NOT_FIRST, at);
			ipv6_hopbyhop(d, h);
		} else if (nh == IPV6_EXT_ROUTING) {
			ipv6_routing(d, h);
		} else if (nh == IPV6_EXT_AH) {
			/* the IPSecAH record (none, and ah.bad_length, under
			   12 octets); the walk goes on after it as before */
			(void)nc_ipsec_ah_record(d, h);
		} else if (nh == IPV6_EXT_FRAGMENT) {
			cur_skip(&h, 1);
			uint8_t res1 = cur_u8(&h);
			uint16_t off = cur_be16(&h);
			uint32_t ident = cur_be32(&h);

			if (nc_want(d, NC_REC_IPV6FRAGMENT)) {
				Netcap__IPv6Fragment r =
				    NETCAP__IPV6_FRAGMENT__INIT;
				r.timestamp = d->ts;
				r.nextheader = next;
				r.reserved1 = res1;
				r.fragmentoffset = off >> 3;
				r.reserved2 = (off >> 1) & 0x3;
				r.morefragments = off & 0x1;
				r.identification = ident;
				nc_ctx_ips(d, &r.srcip, &r.dstip);
				nc_emit(d, NC_REC_IPV6FRAGMENT, &r.base);
			}
			nc_event(d, NC_EV_IPV6_FRAGMENT, at);
			enum dec_rc frc;
			if (d->defrag && (off & 0xfff9) != 0 &&
			    ipv6_defrag(d, at, next, off, ident, c, cut, &frc))
				return frc;
			if ((off >> 3) != 0)
				return DEC_OK;
			if (off & 0x1)
				d->ip_partial = true;
		}
		nh = next;
	}
}

enum dec_rc nc_dec_ipv6(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint32_t vtf = cur_be32(&c);
	uint16_t plen = cur_be16(&c);
	uint8_t nh = cur_u8(&c);
	uint8_t hlim = cur_u8(&c);
	const uint8_t *src = cur_bytes(&c, 16);
	const uint8_t *dst = cur_bytes(&c, 16);

	if (c.err) {
		nc_event(d, NC_EV_IPV6_TRUNC, start);
		return DEC_TRUNC;
	}

	unsigned version = vtf >> 28;
	struct cur payload = cur_make(c.p, 0);
	enum nc_event ev = NC_EV_MAX;
	bool cut = false; /* the payload length runs past the captured data */

	if (version != 6) {
		ev = NC_EV_IPV6_BAD_VERSION;
	} else {
		/* These addresses are the frame's context from here on. */
		d->ip_len = 16;
		d->ip_version = 6;
		memcpy(d->src_ip, src, 16);
		memcpy(d->dst_ip, dst, 16);

		if (!(plen == 0 && nh == IPV6_EXT_HOPOPTS) &&
		    !cur_limit(&c, plen)) {
			if (nc_data_cut(d, &c))
				cut = true;
			else
				ev = NC_EV_IPV6_PLEN_LONG;
		}
		payload = c;
	}

	if (nc_want(d, NC_REC_IPV6)) {
		Netcap__IPv6 r = NETCAP__IPV6__INIT;
		r.timestamp = d->ts;
		r.version = (int32_t)version;
		r.trafficclass = (vtf >> 20) & 0xff;
		r.flowlabel = vtf & 0xfffff;
		r.length = plen;
		r.nextheader = nh;
		r.hoplimit = hlim;
		nc_bytes(&r.srcip, src, 16);
		nc_bytes(&r.dstip, dst, 16);
		nc_payload_stats(d, payload.p, cur_left(&payload),
				 &r.payloadentropy, &r.payloadsize);
		nc_tm_layer_obs(d, NC_TM_IPV6, r.payloadsize, r.payloadentropy);
		nc_emit(d, NC_REC_IPV6, &r.base);
	}

	if (ev != NC_EV_MAX) {
		nc_event(d, ev, start);
		return DEC_INVALID;
	}
	if (plen == 0 && nh == IPV6_EXT_HOPOPTS) /* jumbogram */
		d->l4.ip_len = 40 + (uint32_t)cur_left(&payload) +
			       nc_snap_lost(d, &payload);
	else
		d->l4.ip_len = 40u + plen;
	return ipv6_ext(d, nh, payload, cut);
}
