/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * icmpv6.c: ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861).
 *
 * Common header of every message (ICMPv6 record):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Message Body ...
 *
 * Bodies decoded into a record of their own:
 *   128/129 Echo Request/Reply (ICMPv6Echo):
 *  |           Identifier          |        Sequence Number        |
 *   133 Router Solicitation:
 *  |                            Reserved                           |
 *  |   Options ...
 *   134 Router Advertisement:
 *  | Cur Hop Limit |M|O|H|Prf|P|Rsv|         Router Lifetime       |
 *  |                         Reachable Time                        |
 *  |                          Retrans Timer                        |
 *  |   Options ...
 *   135 Neighbor Solicitation:
 *  |                            Reserved                           |
 *  |                  Target Address (16 octets)                   |
 *  |   Options ...
 *   136 Neighbor Advertisement:
 *  |R|S|O|                     Reserved                            |
 *  |                  Target Address (16 octets)                   |
 *  |   Options ...
 *
 * ND option (RFC 4861 section 4.6):
 *  |     Type      |    Length     |              ...              |
 *  Length counts the whole option in units of 8 octets; Data holds the
 *  8 * Length - 2 octets after the type and length octets.
 *
 * Contract:
 *   - Fewer than 4 captured octets: icmpv6.truncated, no record. Otherwise
 *     the ICMPv6 record is written; then a body too short for its fixed
 *     part is icmpv6.truncated (no body record, DEC_TRUNC).
 *   - RouterAdvertisement.Flags is the whole flags octet (M = 0x80,
 *     O = 0x40, ...); NeighborAdvertisement.Flags is the first octet of the
 *     flags word (R = 0x80, S = 0x40, O = 0x20), not the 32-bit word.
 *   - Options: a Length of 0 is icmpv6.option_invalid; an option running
 *     past the message is icmpv6.truncated when the capture was cut by the
 *     snap length there, else icmpv6.option_invalid; more than
 *     NC_MAX_OPTIONS options is icmpv6.too_many_options. Each stops option
 *     parsing; the body record is still written with the options before
 *     the bad one, and the decoder returns DEC_INVALID (DEC_TRUNC).
 *   - Other types (MLD, errors, ...) get only the ICMPv6 record. The
 *     checksum is reported, not verified.
 *   - Once the 4-octet header is read, d->l4 carries type and code (as
 *     ports) and the octets after the first 8 as payload, for connection
 *     tracking.
 */
#include "decode.h"
#include "registry.h"

#define ICMP6_ECHO_REQUEST  128
#define ICMP6_ECHO_REPLY    129
#define ND_ROUTER_SOLICIT   133
#define ND_ROUTER_ADVERT    134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT  136

/* Parsed ND options: records on the decoder's stack. */
struct nd_opts {
	size_t n;
	Netcap__ICMPv6Option opt[NC_MAX_OPTIONS];
	Netcap__ICMPv6Option *ptr[NC_MAX_OPTIONS];
};

/* Did the capture (not a length field) end where c ends? */
static bool snap_cut_at(const struct nc_dec *d, const struct cur *c)
{
	return nc_data_cut(d, c);
}

/*
 * Parse the ND options in c (the rest of the message) into o; visits at
 * most NC_MAX_OPTIONS options. at is the ICMPv6 header (Anomaly.Offset).
 * Returns DEC_OK or the result of the event that stopped parsing.
 */
static enum dec_rc nd_options(struct nc_dec *d, struct cur c, const uint8_t *at,
			      struct nd_opts *o)
{
	o->n = 0;
	while (cur_left(&c) > 0) {
		uint8_t type = cur_u8(&c);
		uint8_t len = cur_u8(&c);

		if (!c.err && len == 0) {
			nc_event(d, NC_EV_ICMPV6_OPT_BAD, at);
			return DEC_INVALID;
		}
		size_t body = (size_t)len * 8 - 2;
		if (c.err || body > cur_left(&c)) {
			if (snap_cut_at(d, &c)) {
				nc_event(d, NC_EV_ICMPV6_TRUNC, at);
				return DEC_TRUNC;
			}
			nc_event(d, NC_EV_ICMPV6_OPT_BAD, at);
			return DEC_INVALID;
		}
		if (o->n == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_ICMPV6_OPT_TOO_MANY, at);
			return DEC_INVALID;
		}
		Netcap__ICMPv6Option *op = &o->opt[o->n];
		*op = (Netcap__ICMPv6Option)NETCAP__ICMPV6_OPTION__INIT;
		op->type = type;
		nc_bytes(&op->data, cur_bytes(&c, body), body);
		o->ptr[o->n] = op;
		o->n++;
	}
	return DEC_OK;
}

static enum dec_rc icmpv6_echo(struct nc_dec *d, struct cur c,
			       const uint8_t *start)
{
	uint16_t id = cur_be16(&c);
	uint16_t seq = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_ICMPV6_TRUNC, start);
		return DEC_TRUNC;
	}
	if (nc_want(d, NC_REC_ICMPV6ECHO)) {
		Netcap__ICMPv6Echo r = NETCAP__ICMPV6_ECHO__INIT;
		r.timestamp = d->ts;
		r.identifier = id;
		r.seqnumber = seq;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6ECHO, &r.base);
	}
	return DEC_OK;
}

static enum dec_rc icmpv6_rs(struct nc_dec *d, struct cur c,
			     const uint8_t *start)
{
	struct nd_opts o;

	cur_skip(&c, 4); /* reserved */
	if (c.err) {
		nc_event(d, NC_EV_ICMPV6_TRUNC, start);
		return DEC_TRUNC;
	}
	enum dec_rc rc = nd_options(d, c, start, &o);
	if (nc_want(d, NC_REC_ICMPV6RS)) {
		Netcap__ICMPv6RouterSolicitation r =
		    NETCAP__ICMPV6_ROUTER_SOLICITATION__INIT;
		r.timestamp = d->ts;
		r.n_options = o.n;
		r.options = o.n ? o.ptr : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6RS, &r.base);
	}
	return rc;
}

static enum dec_rc icmpv6_ra(struct nc_dec *d, struct cur c,
			     const uint8_t *start)
{
	struct nd_opts o;
	uint8_t hop = cur_u8(&c);
	uint8_t flags = cur_u8(&c);
	uint16_t life = cur_be16(&c);
	uint32_t reach = cur_be32(&c);
	uint32_t retrans = cur_be32(&c);

	if (c.err) {
		nc_event(d, NC_EV_ICMPV6_TRUNC, start);
		return DEC_TRUNC;
	}
	enum dec_rc rc = nd_options(d, c, start, &o);
	if (nc_want(d, NC_REC_ICMPV6RA)) {
		Netcap__ICMPv6RouterAdvertisement r =
		    NETCAP__ICMPV6_ROUTER_ADVERTISEMENT__INIT;
		r.timestamp = d->ts;
		r.hoplimit = hop;
		r.flags = flags;
		r.routerlifetime = life;
		r.reachabletime = reach;
		r.retranstimer = retrans;
		r.n_options = o.n;
		r.options = o.n ? o.ptr : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6RA, &r.base);
	}
	return rc;
}

/* Neighbor Solicitation (135) and Advertisement (136) share a layout. */
static enum dec_rc icmpv6_neighbor(struct nc_dec *d, struct cur c,
				   const uint8_t *start, bool advert)
{
	struct nd_opts o;
	uint8_t flags = cur_u8(&c);
	cur_skip(&c, 3); /* reserved */
	const uint8_t *target = cur_bytes(&c, 16);

	if (c.err) {
		nc_event(d, NC_EV_ICMPV6_TRUNC, start);
		return DEC_TRUNC;
	}
	enum dec_rc rc = nd_options(d, c, start, &o);
	if (advert && nc_want(d, NC_REC_ICMPV6NA)) {
		Netcap__ICMPv6NeighborAdvertisement r =
		    NETCAP__ICMPV6_NEIGHBOR_ADVERTISEMENT__INIT;
		r.timestamp = d->ts;
		r.flags = flags;
		nc_bytes(&r.targetaddress, target, 16);
		r.n_options = o.n;
		r.options = o.n ? o.ptr : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6NA, &r.base);
	} else if (!advert && nc_want(d, NC_REC_ICMPV6NS)) {
		Netcap__ICMPv6NeighborSolicitation r =
		    NETCAP__ICMPV6_NEIGHBOR_SOLICITATION__INIT;
		r.timestamp = d->ts;
		nc_bytes(&r.targetaddress, target, 16);
		r.n_options = o.n;
		r.options = o.n ? o.ptr : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6NS, &r.base);
	}
	return rc;
}

enum dec_rc nc_dec_icmpv6(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 */
	const uint8_t *start = c.p;
	uint8_t type = cur_u8(&c);
	uint8_t code = cur_u8(&c);
	uint16_t csum = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_ICMPV6_TRUNC, start);
		return DEC_TRUNC;
	}

	/* connection tracking: type/code as ports, data after 8 octets as
	 * for ICMPv4 (the second word is the body's first) */
	struct cur data = c;
	cur_skip(&data, cur_left(&data) < 4 ? cur_left(&data) : 4);
	nc_l4_fill(d, 58, &ipp, &data);
	d->l4.sport = type;
	d->l4.dport = code;

	if (nc_want(d, NC_REC_ICMPV6)) {
		Netcap__ICMPv6 r = NETCAP__ICMPV6__INIT;
		r.timestamp = d->ts;
		r.typecode = (int32_t)type << 8 | code;
		r.checksum = csum;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_ICMPV6, &r.base);
	}

	switch (type) {
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		return icmpv6_echo(d, c, start);
	case ND_ROUTER_SOLICIT:
		return icmpv6_rs(d, c, start);
	case ND_ROUTER_ADVERT:
		return icmpv6_ra(d, c, start);
	case ND_NEIGHBOR_SOLICIT:
		return icmpv6_neighbor(d, c, start, false);
	case ND_NEIGHBOR_ADVERT:
		return icmpv6_neighbor(d, c, start, true);
	default:
		return DEC_OK;
	}
}
