/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gre.c: Generic Routing Encapsulation, IP protocol 47: RFC 2784 with
 * RFC 2890's Key and Sequence Number (version 0), RFC 1701's Routing and
 * Strict Source Route bits, and PPTP's enhanced GRE (RFC 2637, version 1).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Checksum (optional)      |       Offset (optional)       |  C or R
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Key (optional)                        |  K
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Sequence Number (optional)                    |  S
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Acknowledgment Number (optional)                |  A (v1)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Routing (optional): SREs                   |  R (v0)
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Version 1 (PPTP): the Key is Payload Length (high 16 bits) and Call ID
 * (low 16 bits), the Acknowledgment Number follows the Sequence Number.
 * An SRE (RFC 1701) is Address Family (16), SRE Offset (8), SRE Length
 * (8), then SRE Length octets of routing information; the list ends with a
 * null SRE (family 0, length 0), which is not kept.
 *
 * Contract:
 *   - d->l4 is filled exactly as nc_dispatch_ipproto's default does for a
 *     port-less protocol (the whole IP payload), before anything is read,
 *     so the Connection record is the one it was before GRE was decoded.
 *   - A header not fully captured (the fixed part, an optional field, an
 *     SRE) is gre.truncated: no record. A version other than 0 or 1 is
 *     gre.bad_version (record with the first 4 octets, nothing after).
 *     SREs past NC_MAX_OPTIONS are gre.too_many_sre (the list ends there).
 *     A routing list that ends before its null SRE is written with the
 *     SREs read, then is gre.truncated when the capture was cut there
 *     (nc_data_cut), else gre.bad_routing.
 *   - The payload is NOT dispatched: the traffic inside a tunnel needs a
 *     tenant (key) in the connection key first, so gre.inner_not_decoded
 *     counts it (INFO).
 */
#include "decode.h"
#include "registry.h"

static void gre_emit(struct nc_dec *d, Netcap__GRE *r, Netcap__GRERouting **sp,
		     size_t n)
{
	if (!nc_want(d, NC_REC_GRE))
		return;
	r->timestamp = d->ts;
	r->n_routing = n;
	r->routing = sp;
	nc_ctx_ips(d, &r->srcip, &r->dstip);
	nc_emit(d, NC_REC_GRE, &r->base);
}

enum dec_rc nc_dec_gre(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	/* a port-less connection, as nc_dispatch_ipproto's default */
	nc_l4_fill(d, 47, &c, &c);

	uint8_t b0 = cur_u8(&c);
	uint8_t b1 = cur_u8(&c);
	uint16_t proto = cur_be16(&c);
	if (c.err) {
		nc_event(d, NC_EV_GRE_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__GRE r = NETCAP__GRE__INIT;
	r.checksumpresent = (b0 & 0x80) != 0;
	r.routingpresent = (b0 & 0x40) != 0;
	r.keypresent = (b0 & 0x20) != 0;
	r.seqpresent = (b0 & 0x10) != 0;
	r.strictsourceroute = (b0 & 0x08) != 0;
	r.recursioncontrol = b0 & 0x07;
	r.ackpresent = (b1 & 0x80) != 0;
	r.flags = (b1 >> 3) & 0x0f;
	r.version = b1 & 0x07;
	r.protocol = proto;

	if (r.version > 1) {
		gre_emit(d, &r, NULL, 0);
		nc_event(d, NC_EV_GRE_BAD_VERSION, start);
		return DEC_INVALID;
	}

	if (r.checksumpresent || r.routingpresent) {
		r.checksum = cur_be16(&c);
		r.offset = cur_be16(&c);
	}
	if (r.keypresent)
		r.key = cur_be32(&c);
	if (r.seqpresent)
		r.seq = cur_be32(&c);
	if (r.ackpresent && r.version == 1)
		r.ack = cur_be32(&c);
	if (c.err) {
		nc_event(d, NC_EV_GRE_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__GRERouting sre[NC_MAX_OPTIONS];
	Netcap__GRERouting *sp[NC_MAX_OPTIONS];
	size_t n = 0;
	bool bad_routing = false;
	if (r.routingpresent && r.version == 0) {
		for (;;) {
			uint16_t af = cur_be16(&c);
			uint8_t off = cur_u8(&c);
			uint8_t len = cur_u8(&c);
			const uint8_t *info = cur_bytes(&c, len);
			if (c.err) {
				bad_routing = true;
				break;
			}
			if (af == 0 && len == 0)
				break; /* the null SRE ends the list */
			if (n == NC_MAX_OPTIONS) {
				nc_event(d, NC_EV_GRE_TOO_MANY_SRE, start);
				break;
			}
			Netcap__GRERouting s = NETCAP__GREROUTING__INIT;
			s.addressfamily = af;
			s.sreoffset = off;
			s.srelength = len;
			nc_bytes(&s.routinginformation, info, len);
			sre[n] = s;
			sp[n] = &sre[n];
			n++;
		}
	}

	gre_emit(d, &r, sp, n);
	if (bad_routing && nc_data_cut(d, &c)) {
		nc_event(d, NC_EV_GRE_TRUNC, start);
		return DEC_TRUNC;
	}
	if (bad_routing) {
		nc_event(d, NC_EV_GRE_BAD_ROUTING, start);
		return DEC_INVALID;
	}
	nc_event(d, NC_EV_GRE_INNER, c.p);
	return DEC_OK;
}
