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
 *   - The payload is decoded as a tunnel's (nc_tunnel_enter, type GRE;
 *     the tenant is the outer address pair and, in version 0, the Key;
 *     Tunnel ID the Key, or in version 1 the Call ID) by Protocol Type:
 *     0x6558 (Transparent Ethernet Bridging) an Ethernet frame; 0x88be
 *     and 0x22eb ERSPAN (erspan.c, which enters the tunnel itself);
 *     0x880b PPP (PPTP: Address/Control and the Protocol field, possibly
 *     compressed; IPv4 0x21 and IPv6 0x57 go on, other PPP protocols
 *     are gre.ppp_not_ip, INFO, and a PPP header not captured is
 *     gre.truncated: both left undecoded, the tunnel not entered); any
 *     EtherType ethertypes.def names through nc_dispatch_ethertype;
 *     anything else, and an empty
 *     payload (a keepalive's end), is gre.unknown_protocol (INFO) and
 *     left undecoded. With GRE left out of --tunnels the payload is
 *     gre.inner_not_decoded (INFO).
 *   - A GRE packet whose payload is decoded is not a connection (the
 *     inner packets are): only those left undecoded make the port-less
 *     IP protocol 47 connection.
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

/*
 * PPP in PPTP's GRE: Address and Control (0xff 0x03, may be omitted),
 * then Protocol, one octet when compressed (odd first octet). Moves c to
 * the PPP payload and returns its EtherType (IPv4 0x21, IPv6 0x57); 0
 * after counting gre.truncated (*rc DEC_TRUNC) or gre.ppp_not_ip (DEC_OK),
 * before the tunnel is entered, so such a packet stays the outer GRE
 * connection as an undecoded payload does.
 */
static uint16_t gre_ppp(struct nc_dec *d, struct cur *c, enum dec_rc *rc)
{
	const uint8_t *at = c->p;
	if (cur_left(c) >= 2 && cur_peek_u8(c, 0) == 0xff &&
	    cur_peek_u8(c, 1) == 0x03)
		cur_skip(c, 2);
	uint16_t proto = cur_u8(c);
	if (!(proto & 1))
		proto = (uint16_t)(proto << 8 | cur_u8(c));
	if (c->err) {
		nc_event(d, NC_EV_GRE_TRUNC, at);
		*rc = DEC_TRUNC;
		return 0;
	}
	*rc = DEC_OK;
	switch (proto) {
	case 0x0021:
		return 0x0800;
	case 0x0057:
		return 0x86dd;
	default:
		nc_event(d, NC_EV_GRE_PPP_NOT_IP, at);
		return 0;
	}
}

static enum dec_rc gre_payload(struct nc_dec *d, const Netcap__GRE *r,
			       struct cur c)
{
	uint16_t pt = (uint16_t)r->protocol;

	if (cur_left(&c) == 0 ||
	    !(pt == 0x6558 || pt == 0x88be || pt == 0x22eb || pt == 0x880b ||
	      nc_ethertype_known(pt))) {
		nc_event(d, NC_EV_GRE_UNKNOWN_PROTO, c.p);
		return DEC_OK;
	}
	if (pt == 0x88be || pt == 0x22eb) /* ERSPAN enters the tunnel */
		return nc_dec_erspan(d, c, pt, r->seqpresent);
	uint16_t inner = pt;
	if (pt == 0x880b) {
		enum dec_rc rc;
		inner = gre_ppp(d, &c, &rc);
		if (!inner)
			return rc;
	}
	bool v1 = r->version == 1;
	if (!nc_tunnel_enter(d, NC_TUN_GRE, r->keypresent,
			     v1 ? (r->key & 0xffff) : r->key,
			     v1 ? NC_TK_OUTER : NC_TK_ID_OUTER, c.p))
		return DEC_OK;
	if (pt == 0x6558)
		return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
	return nc_dispatch_ethertype(d, inner, c);
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
	return gre_payload(d, &r, c);
}
