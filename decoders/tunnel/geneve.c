/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * geneve.c: Generic Network Virtualization Encapsulation, UDP destination
 * port 6081 (RFC 8926).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Virtual Network Identifier (VNI)       |    Reserved   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Variable-Length Options                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Opt Len counts 4-octet words. Each option:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Option Class         |      Type     |R|R|R| Length  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Variable-Length Option Data                   |
 *
 * with Length in 4-octet words, the option header not included. As in
 * Netcap (gopacket), OptionsLength and an option's Length are octets, the
 * latter with its 4-octet header; Flags are the 3 R bits. The critical
 * bit is the top bit of Type (kept in Type).
 *
 * Contract:
 *   - The 8-octet header and Opt Len * 4 octets of options must be
 *     captured, else geneve.truncated (no record). Version != 0 is
 *     geneve.bad_version (record with the fixed header, no options).
 *   - An option whose Length runs past the options is geneve.bad_option:
 *     the record keeps the options before it. More than NC_MAX_OPTIONS
 *     options: geneve.too_many_options (INFO), the rest are not kept.
 *   - The payload is decoded like an outer frame (nc_tunnel_enter, the
 *     VNI as tenant and Tunnel ID): Protocol Type 0x6558 an Ethernet
 *     frame, any other an EtherType (nc_dispatch_ethertype: 0x0800
 *     IPv4, 0x86dd IPv6, ...). With Geneve left out of --tunnels it is
 *     geneve.inner_not_decoded (INFO).
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_geneve(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t b0 = cur_u8(&c);
	uint8_t b1 = cur_u8(&c);
	uint16_t proto = cur_be16(&c);
	uint32_t vni = cur_be24(&c);
	cur_skip(&c, 1); /* reserved */
	if (c.err) {
		nc_event(d, NC_EV_GENEVE_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__Geneve r = NETCAP__GENEVE__INIT;
	r.timestamp = d->ts;
	r.version = b0 >> 6;
	r.optionslength = (b0 & 0x3f) * 4;
	r.oampacket = (b1 & 0x80) != 0;
	r.criticaloption = (b1 & 0x40) != 0;
	r.protocol = proto;
	r.vni = vni;

	if (r.version != 0) {
		if (nc_want(d, NC_REC_GENEVE))
			nc_emit(d, NC_REC_GENEVE, &r.base);
		nc_event(d, NC_EV_GENEVE_BAD_VERSION, start);
		return DEC_INVALID;
	}

	struct cur oc = cur_sub(&c, (size_t)r.optionslength);
	if (c.err) {
		nc_event(d, NC_EV_GENEVE_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__GeneveOption opt[NC_MAX_OPTIONS];
	Netcap__GeneveOption *op[NC_MAX_OPTIONS];
	size_t n = 0;
	bool bad = false;
	while (cur_left(&oc) > 0) {
		const uint8_t *at = oc.p;
		uint16_t cls = cur_be16(&oc);
		uint8_t type = cur_u8(&oc);
		uint8_t fl = cur_u8(&oc);
		size_t dlen = (size_t)(fl & 0x1f) * 4;
		const uint8_t *data = cur_bytes(&oc, dlen);
		if (oc.err) {
			nc_event(d, NC_EV_GENEVE_BAD_OPTION, at);
			bad = true;
			break;
		}
		if (n == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_GENEVE_TOO_MANY_OPTIONS, at);
			break;
		}
		Netcap__GeneveOption o = NETCAP__GENEVE_OPTION__INIT;
		o.class_ = cls;
		o.type = type;
		o.flags = fl >> 5;
		o.length = (int32_t)dlen + 4;
		nc_bytes(&o.data, data, dlen);
		opt[n] = o;
		op[n] = &opt[n];
		n++;
	}

	if (nc_want(d, NC_REC_GENEVE)) {
		r.n_options = n;
		r.options = op;
		nc_emit(d, NC_REC_GENEVE, &r.base);
	}
	if (bad)
		return DEC_INVALID;
	if (!nc_tunnel_enter(d, NC_TUN_GENEVE, true, vni, NC_TK_ID, c.p))
		return DEC_OK;
	if (proto == 0x6558) /* Transparent Ethernet Bridging */
		return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
	return nc_dispatch_ethertype(d, proto, c);
}
