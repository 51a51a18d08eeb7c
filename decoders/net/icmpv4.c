/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * icmpv4.c: Internet Control Message Protocol for IPv4 (RFC 792).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Identifier          |        Sequence Number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Data ...
 *  +-+-+-+-+-
 *
 * Every RFC 792 message has this 8-octet header; the second word is
 * Identifier/Sequence for echo (0, 8), timestamp (13, 14), information
 * (15, 16) and address mask (17, 18, RFC 950) messages, and unused,
 * a pointer or a gateway address for the others (Id and Seq stay 0).
 * Fewer than 8 captured octets is icmpv4.truncated and no record.
 * TypeCode is type << 8 | code. The checksum is reported, not verified.
 * Quoted datagrams of error messages are not decoded. Once the header is
 * read, d->l4 carries type and code (as ports) and the octets after the
 * 8-octet header as payload, for connection tracking.
 */
#include "decode.h"
#include "registry.h"

static bool icmpv4_has_id_seq(uint8_t type)
{
	switch (type) {
	case 0:	 /* echo reply */
	case 8:	 /* echo request */
	case 13: /* timestamp */
	case 14: /* timestamp reply */
	case 15: /* information request */
	case 16: /* information reply */
	case 17: /* address mask request */
	case 18: /* address mask reply */
		return true;
	default:
		return false;
	}
}

enum dec_rc nc_dec_icmpv4(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 */
	const uint8_t *start = c.p;
	uint8_t type = cur_u8(&c);
	uint8_t code = cur_u8(&c);
	uint16_t csum = cur_be16(&c);
	uint16_t id = cur_be16(&c);
	uint16_t seq = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_ICMPV4_TRUNC, start);
		return DEC_TRUNC;
	}

	/* connection tracking: type/code as ports, data after the 8 octets */
	nc_l4_fill(d, 1, &ipp, &c);
	d->l4.sport = type;
	d->l4.dport = code;

	if (nc_want(d, NC_REC_ICMPV4)) {
		Netcap__ICMPv4 r = NETCAP__ICMPV4__INIT;
		r.timestamp = d->ts;
		r.typecode = (int32_t)type << 8 | code;
		r.checksum = csum;
		if (icmpv4_has_id_seq(type)) {
			r.id = id;
			r.seq = seq;
		}
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV4, &r.base);
	}
	return DEC_OK;
}
