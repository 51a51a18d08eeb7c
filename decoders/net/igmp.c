/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * igmp.c: Internet Group Management Protocol, IP protocol 2: version 1
 * (RFC 1112), 2 (RFC 2236) and 3 (RFC 3376).
 *
 * Versions 1 and 2, and every query's first 8 octets:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Type     | Max Resp Code |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Group Address                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * then a version 3 query (RFC 3376 4.1):
 *  | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
 *  |                  Source Address [1..N]                        |
 * A version 3 report (type 0x22, RFC 3376 4.2):
 *  |  Type = 0x22  |    Reserved   |           Checksum            |
 *  |           Reserved            |  Number of Group Records (M)  |
 *  |                     Group Record [1..M]                       |
 * each group record:
 *  |  Record Type  |  Aux Data Len |     Number of Sources (N)     |
 *  |                       Multicast Address                       |
 *  |                  Source Address [1..N]                        |
 *  |                  Auxiliary Data (Aux Data Len words)          |
 *
 * The version follows RFC 3376 7.1: a query (0x11) of 8 octets is
 * version 1 when its Max Resp Code is 0, else version 2; of 12 octets or
 * more version 3; 9 to 11 octets is igmp.bad_length (Version 0, the
 * 8-octet fields kept). 0x12 is a v1 report, 0x16 a v2 report, 0x17 a v2
 * leave, 0x22 a v3 report; other types (DVMRP, mtrace, ...) get a record
 * with Version 0 and igmp.unknown_type. MaxResponseTime is in tenths of a
 * second: the code as sent in version 2, decoded (exponent and mantissa
 * when >= 128) in a version 3 query, 0 otherwise. IntervalTime is QQIC
 * decoded, in seconds. At most NC_MAX_OPTIONS group records and
 * NC_MAX_OPTIONS source addresses (query and records together) are kept
 * per message (igmp.too_many_sources); sources or records past the data
 * are igmp.truncated (capture cut) or igmp.bad_length. The checksum is
 * reported, not verified. d->l4 is filled exactly as for a protocol
 * netcap does not decode: a port-less connection.
 */
#include "decode.h"
#include "registry.h"

#define IGMP_QUERY     0x11
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE  0x17
#define IGMP_V3_REPORT 0x22

/* RFC 3376 4.1.1 and 4.1.7: codes >= 128 are 1|exp(3)|mant(4). */
static uint64_t igmp_code(uint8_t v)
{
	if (v < 128)
		return v;
	return (uint64_t)((v & 0x0f) | 0x10) << (((v >> 4) & 0x07) + 3);
}

struct igmp_srcs {
	ProtobufCBinaryData a[NC_MAX_OPTIONS];
	size_t n;
	bool full;
};

/*
 * Read n source addresses into the pool (those that fit), returning the
 * first kept; false when the data ends first.
 */
static bool igmp_sources(struct nc_dec *d, struct cur *c, unsigned n,
			 struct igmp_srcs *s, ProtobufCBinaryData **first,
			 size_t *kept, const uint8_t *start)
{
	*first = &s->a[s->n];
	*kept = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *a = cur_bytes(c, 4);
		if (!a)
			return false;
		if (s->n == NC_MAX_OPTIONS) {
			if (!s->full)
				nc_event(d, NC_EV_IGMP_TOO_MANY, start);
			s->full = true;
			continue;
		}
		nc_bytes(&s->a[s->n++], a, 4);
		(*kept)++;
	}
	return true;
}

enum dec_rc nc_dec_igmp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	size_t len = cur_left(&c);

	/* connection tracking: as for any protocol without ports */
	nc_l4_fill(d, 2, &c, &c);

	uint8_t type = cur_u8(&c);
	uint8_t code = cur_u8(&c);
	uint16_t csum = cur_be16(&c);
	const uint8_t *group = cur_bytes(&c, 4);
	if (c.err) {
		nc_event(d, NC_EV_IGMP_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__IGMP r = NETCAP__IGMP__INIT;
	Netcap__IGMPv3GroupRecord recs[NC_MAX_OPTIONS];
	Netcap__IGMPv3GroupRecord *recp[NC_MAX_OPTIONS];
	struct igmp_srcs srcs;
	enum dec_rc rc = DEC_OK;
	bool bad = false;

	srcs.n = 0;
	srcs.full = false;
	r.type = type;
	r.checksum = csum;
	switch (type) {
	case IGMP_QUERY:
		if (len == 8) {
			r.version = code == 0 ? 1 : 2;
			r.maxresponsetime = code;
		} else if (len >= 12) {
			r.version = 3;
			r.maxresponsetime = igmp_code(code);
			uint8_t b8 = cur_u8(&c);
			uint8_t qqic = cur_u8(&c);
			uint16_t nsrc = cur_be16(&c);
			r.supressrouterprocessing = (b8 >> 3) & 1;
			r.robustnessvalue = b8 & 7;
			r.intervaltime = igmp_code(qqic);
			r.numberofsources = nsrc;
			ProtobufCBinaryData *first;
			bad = !igmp_sources(d, &c, nsrc, &srcs, &first,
					    &r.n_sourceaddresses, start);
			r.sourceaddresses = first;
		} else {
			r.maxresponsetime = code;
			nc_event(d, NC_EV_IGMP_BAD_LENGTH, start);
			rc = DEC_INVALID;
		}
		break;
	case IGMP_V1_REPORT:
		r.version = 1;
		break;
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		r.version = 2;
		r.maxresponsetime = code;
		break;
	case IGMP_V3_REPORT: {
		r.version = 3;
		group = NULL;
		/* the 8-octet header's second word: Reserved, M */
		c = cur_make(start + 6, len - 6);
		uint16_t m = cur_be16(&c);
		r.numberofgrouprecords = m;
		for (unsigned i = 0; i < m && !bad; i++) {
			uint8_t rtype = cur_u8(&c);
			uint8_t aux = cur_u8(&c);
			uint16_t nsrc = cur_be16(&c);
			const uint8_t *maddr = cur_bytes(&c, 4);
			if (c.err) {
				bad = true;
				break;
			}
			ProtobufCBinaryData *first;
			size_t kept;
			bad = !igmp_sources(d, &c, nsrc, &srcs, &first, &kept,
					    start);
			if (!bad && cur_left(&c) < (size_t)aux * 4)
				bad = true;
			cur_skip(&c, (size_t)aux * 4);
			if (r.n_grouprecords == NC_MAX_OPTIONS) {
				if (!srcs.full)
					nc_event(d, NC_EV_IGMP_TOO_MANY, start);
				srcs.full = true;
				continue;
			}
			Netcap__IGMPv3GroupRecord *g = &recs[r.n_grouprecords];
			netcap__igmpv3_group_record__init(g);
			g->type = rtype;
			g->auxdatalen = aux;
			g->numberofsources = nsrc;
			nc_bytes(&g->multicastaddress, maddr, 4);
			g->sourceaddresses = first;
			g->n_sourceaddresses = kept;
			recp[r.n_grouprecords++] = g;
		}
		r.grouprecords = recp;
		break;
	}
	default:
		nc_event(d, NC_EV_IGMP_UNKNOWN_TYPE, start);
		break;
	}
	if (bad) {
		nc_event(d,
			 nc_data_cut(d, &c) ? NC_EV_IGMP_TRUNC
					    : NC_EV_IGMP_BAD_LENGTH,
			 start);
		rc = nc_data_cut(d, &c) ? DEC_TRUNC : DEC_INVALID;
	}

	if (nc_want(d, NC_REC_IGMP)) {
		r.timestamp = d->ts;
		if (group)
			nc_bytes(&r.groupaddress, group, 4);
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_IGMP, &r.base);
	}
	return rc;
}
