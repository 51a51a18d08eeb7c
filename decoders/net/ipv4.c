/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipv4.c: Internet Protocol version 4 (RFC 791).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL*4 - 20 octets)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Record fields are the wire values: Flags is the 3-bit field (4 reserved,
 * 2 DF, 1 MF) and FragOffset is in 8-octet units. tshark 4.0's ip.flags is
 * the same 3-bit value and its ip.frag_offset field (-T fields, display
 * filters) is the same 13-bit value; only its -V text shows the offset in
 * octets (FragOffset * 8: "Fragment Offset: 976" for 122).
 *
 * Options (RFC 791 section 3.1) become IPv4Option entries, as tshark lists
 * them: End of Option List (type 0) and No Operation (type 1) are one octet
 * with no length field and are recorded with OptionLength 1 and no data;
 * every other option is type, length (type and length octets included),
 * data. The octets after an End of Option List go to Padding. An option
 * whose length is below 2 or runs past the header is counted as
 * ipv4.option_invalid and ends the list; the header length still frames the
 * header, so the packet is decoded on.
 *
 * Length checks, in order, each stopping the layer with the IPv4 record
 * written whenever the 20-octet fixed header was captured:
 *   fixed header not captured            ipv4.truncated (no record)
 *   version != 4                         ipv4.bad_version
 *   IHL < 5                              ipv4.hlen_short
 *   options not captured                 ipv4.truncated
 *   total length < IHL*4                 ipv4.total_length_short
 *   total length beyond the frame        ipv4.total_length_beyond_frame,
 *     unless the data was cut (nc_data_cut(): by the snaplen, or this
 *     header sits in the first fragment of an outer datagram): then the
 *     captured part is decoded, and upper layers see the truncation.
 * The cursor is narrowed to the total length, so Ethernet trailer padding
 * is never handed up; PayloadSize counts the captured payload octets within
 * the total length (all captured octets after the header when the total
 * length runs past the frame; 0 when the header itself is bad).
 *
 * Fragments (MF set or offset != 0) are counted as ipv4.fragment; the IPv4
 * record is written for every fragment. With defragmentation on
 * (d->defrag, defrag.h) each fragment is offered to the worker's table,
 * keyed by (source, destination, Identification, Protocol); the frame that
 * completes a datagram decodes the reassembled payload's upper layer
 * (nc_defrag_decode: complete data, no cut), every other fragment ends the
 * frame (DEC_OK). A fragment the capture cut short (snaplen), or one
 * inside a reassembled datagram, is not reassembled and is decoded as
 * without defragmentation: only the first fragment carries the upper-layer
 * header, so only offset 0 is handed to the IP protocol dispatcher, with
 * d->ip_partial set so that upper layers take lengths past its end as a
 * cut, not a lie; later fragments end the frame (DEC_OK). Offset 0 with MF
 * clear is no fragment at all and is decoded directly.
 *
 * Before the upper layer is dispatched, d->l4.ip_len gets the IP length of
 * the packet for connection tracking (*_ip_bytes): the Total Length, or
 * for a reassembled datagram the sum of its fragments' Total Lengths, with
 * d->frag_frames and d->frag_wire set to its fragments' frames and wire
 * octets (docs/CONNECTIONS.md, "Fragmented datagrams"). An inner IP header
 * (IP in IP, a tunnel) overwrites ip_len: the innermost counts, as for the
 * addresses; the frames stay those that carried the outer datagram.
 */
#include "decode.h"
#include "registry.h"
#include "defrag.h"

#define IPV4_HLEN_MIN 20
#define IPV4_OPTS_MAX 40 /* IHL 15: 60 octets, 40 of options */
#define IPV4_OPT_EOL  0
#define IPV4_OPT_NOP  1
#define IPV4_FLAG_MF  1

struct ipv4_opts {
	Netcap__IPv4Option opt[IPV4_OPTS_MAX];
	Netcap__IPv4Option *ptr[IPV4_OPTS_MAX];
	size_t n;
	const uint8_t *pad; /* octets after End of Option List */
	size_t pad_len;
	bool bad;
};

/*
 * Split the option area into options. Each option takes at least one
 * octet, so at most IPV4_OPTS_MAX are found.
 */
static void ipv4_options(struct cur c, struct ipv4_opts *o)
{
	o->n = 0;
	o->pad = NULL;
	o->pad_len = 0;
	o->bad = false;
	while (cur_left(&c) > 0 && o->n < IPV4_OPTS_MAX) {
		Netcap__IPv4Option *opt = &o->opt[o->n];
		uint8_t type = cur_peek_u8(&c, 0);

		netcap__ipv4_option__init(opt);
		opt->optiontype = type;
		if (type == IPV4_OPT_EOL || type == IPV4_OPT_NOP) {
			cur_skip(&c, 1);
			opt->optionlength = 1;
			o->ptr[o->n] = opt;
			o->n++;
			if (type == IPV4_OPT_EOL) {
				o->pad_len = cur_left(&c);
				o->pad = cur_bytes(&c, o->pad_len);
				break;
			}
			continue;
		}
		uint8_t len = cur_peek_u8(&c, 1);
		if (cur_left(&c) < 2 || len < 2 || len > cur_left(&c)) {
			o->bad = true;
			break;
		}
		cur_skip(&c, 2);
		opt->optionlength = len;
		nc_bytes(&opt->optiondata, cur_bytes(&c, len - 2u), len - 2u);
		o->ptr[o->n] = opt;
		o->n++;
	}
}

enum dec_rc nc_dec_ipv4(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t vihl = cur_u8(&c);
	uint8_t tos = cur_u8(&c);
	uint16_t tlen = cur_be16(&c);
	uint16_t id = cur_be16(&c);
	uint16_t frag = cur_be16(&c);
	uint8_t ttl = cur_u8(&c);
	uint8_t proto = cur_u8(&c);
	uint16_t csum = cur_be16(&c);
	const uint8_t *src = cur_bytes(&c, 4);
	const uint8_t *dst = cur_bytes(&c, 4);

	if (c.err) {
		nc_event(d, NC_EV_IPV4_TRUNC, start);
		return DEC_TRUNC;
	}

	unsigned version = vihl >> 4;
	unsigned hlen = (vihl & 0x0fu) * 4u;
	unsigned flags = frag >> 13;
	unsigned offset = frag & 0x1fffu;
	struct ipv4_opts opts;
	struct cur payload = cur_make(c.p, 0);
	enum nc_event ev = NC_EV_MAX; /* the check that stops the layer */
	enum dec_rc rc = DEC_OK;

	opts.n = 0;
	opts.pad = NULL;
	opts.pad_len = 0;
	opts.bad = false;

	if (version != 4) {
		ev = NC_EV_IPV4_BAD_VERSION;
		rc = DEC_INVALID;
	} else if (hlen < IPV4_HLEN_MIN) {
		ev = NC_EV_IPV4_HLEN_SHORT;
		rc = DEC_INVALID;
	} else {
		/* These addresses are the frame's context from here on. */
		d->ip_len = 4;
		d->ip_version = 4;
		memcpy(d->src_ip, src, 4);
		memcpy(d->dst_ip, dst, 4);

		struct cur oc = cur_sub(&c, hlen - IPV4_HLEN_MIN);
		if (c.err) {
			ev = NC_EV_IPV4_TRUNC;
			rc = DEC_TRUNC;
		} else {
			ipv4_options(oc, &opts);
			if (tlen < hlen) {
				ev = NC_EV_IPV4_TLEN_SHORT;
				rc = DEC_INVALID;
			} else if (cur_limit(&c, tlen - hlen) ||
				   nc_data_cut(d, &c)) {
				/* whole datagram, or cut by the snaplen */
				payload = c;
			} else {
				payload = c; /* for PayloadSize only */
				ev = NC_EV_IPV4_TLEN_LONG;
				rc = DEC_INVALID;
			}
		}
	}

	if (nc_want(d, NC_REC_IPV4)) {
		Netcap__IPv4 r = NETCAP__IPV4__INIT;
		r.timestamp = d->ts;
		r.version = (int32_t)version;
		r.ihl = vihl & 0x0f;
		r.tos = tos;
		r.length = tlen;
		r.id = id;
		r.flags = (int32_t)flags;
		r.fragoffset = (int32_t)offset;
		r.ttl = ttl;
		r.protocol = proto;
		r.checksum = csum;
		nc_bytes(&r.srcip, src, 4);
		nc_bytes(&r.dstip, dst, 4);
		nc_bytes(&r.padding, opts.pad, opts.pad_len);
		r.n_options = opts.n;
		r.options = opts.ptr;
		nc_payload_stats(d, payload.p, cur_left(&payload),
				 &r.payloadentropy, &r.payloadsize);
		nc_tm_layer_obs(d, NC_TM_IPV4, r.payloadsize, r.payloadentropy);
		nc_emit(d, NC_REC_IPV4, &r.base);
	}

	if (opts.bad)
		nc_event(d, NC_EV_IPV4_OPT_BAD, start);
	if (ev != NC_EV_MAX) {
		nc_event(d, ev, start);
		return rc;
	}

	if ((flags & IPV4_FLAG_MF) || offset != 0) {
		nc_event(d, NC_EV_IPV4_FRAGMENT, start);
		if (d->defrag) {
			struct nc_frag f = {
			    .family = 4,
			    .proto = proto,
			    .ip_hlen = (uint8_t)hlen,
			    .src = src,
			    .dst = dst,
			    .id = id,
			    .offset = offset * 8u,
			    .more = flags & IPV4_FLAG_MF,
			    .cut = cur_left(&payload) < (size_t)(tlen - hlen),
			    .ip_len = tlen,
			    .data = payload,
			    .at = start,
			};
			struct nc_defrag_out o;
			switch (nc_defrag_offer(d, &f, &o)) {
			case NC_DEFRAG_DONE:
				/* every fragment's IP octets and frames */
				d->l4.ip_len = o.ip_bytes;
				d->frag_frames = o.fragments;
				d->frag_wire = o.wire;
				return nc_defrag_decode(d, &o,
							nc_dispatch_ipproto);
			case NC_DEFRAG_NOT_TAKEN:
				break; /* as without defragmentation */
			default:
				return DEC_OK;
			}
		}
		if (offset != 0)
			return DEC_OK;
		d->ip_partial = true; /* upper lengths may run past the data */
	}
	d->l4.ip_len = tlen;
	return nc_dispatch_ipproto(d, proto, payload);
}
