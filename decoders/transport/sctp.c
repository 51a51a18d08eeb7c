/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp.c: Stream Control Transmission Protocol (RFC 9260), IP protocol 132.
 *
 * Common header (12 octets), then chunks, each padded to 4 octets:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Source Port Number        |     Destination Port Number   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Verification Tag                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           Checksum                            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Chunk Type  | Chunk  Flags  |        Chunk Length           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  \                  Chunk Value (Length - 4 octets)              \
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Contract:
 *   - The ports become frame context once read. A common header not fully
 *     captured is sctp.truncated (no record, no chunks).
 *   - Every chunk becomes an SCTPChunk with its type's fixed fields
 *     (DATA, INIT, INIT ACK, SACK, HEARTBEAT (ACK), ABORT, SHUTDOWN,
 *     SHUTDOWN ACK, ERROR, COOKIE ECHO, COOKIE ACK, SHUTDOWN COMPLETE);
 *     other types keep Type, Flags and Length (sctp.unknown_chunk, INFO).
 *     A Length below 4, or one that runs past the packet when the capture
 *     did not cut it, is sctp.chunk_length_invalid and ends the chunk walk;
 *     a chunk the capture cut is sctp.chunk_truncated (INFO) and is kept
 *     with what was read. At most NC_MAX_OPTIONS chunks are kept
 *     (sctp.too_many_chunks), and the first SCTP_MAX_TYPES (16)
 *     parameter or cause types of a chunk.
 *   - The record is written after the walk, also when the walk stopped.
 *   - Connection tracking: d->l4 carries the ports and, in tcp_flags, the
 *     association's control chunks mapped onto the TCP flags whose state
 *     machine conn.c already runs (docs/CONNECTIONS.md, SCTP): INIT is
 *     SYN, INIT ACK is SYN+ACK, SHUTDOWN and SHUTDOWN ACK are FIN, ABORT
 *     is RST, every other chunk is ACK. The transport payload is the
 *     whole SCTP packet, as before chunks were decoded.
 *   - The checksum is not verified. Nothing above SCTP is dispatched.
 */
#include "decode.h"
#include "registry.h"

#define SCTP_HDR_LEN 12
/* parameter or cause types kept per chunk */
#define SCTP_MAX_TYPES 16

enum {
	CH_DATA = 0,
	CH_INIT = 1,
	CH_INIT_ACK = 2,
	CH_SACK = 3,
	CH_HEARTBEAT = 4,
	CH_HEARTBEAT_ACK = 5,
	CH_ABORT = 6,
	CH_SHUTDOWN = 7,
	CH_SHUTDOWN_ACK = 8,
	CH_ERROR = 9,
	CH_COOKIE_ECHO = 10,
	CH_COOKIE_ACK = 11,
	CH_SHUTDOWN_COMPLETE = 14,
};

/* TCP flag bits (decode.h struct nc_l4) the chunks map onto */
#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_ACK 0x10

struct sctp_rec {
	Netcap__SCTP r;
	Netcap__SCTPChunk ch[NC_MAX_OPTIONS];
	Netcap__SCTPChunk *chp[NC_MAX_OPTIONS];
	int32_t types[NC_MAX_OPTIONS][SCTP_MAX_TYPES];
};

/*
 * Parameter (INIT, INIT ACK, HEARTBEAT) or error cause (ABORT, ERROR) TLVs:
 * 2 octets type, 2 octets length (>= 4), padded to 4. Keeps the types.
 */
static void tlv_types(struct cur c, Netcap__SCTPChunk *k, int32_t *types)
{
	size_t n = 0;

	while (cur_left(&c) >= 4 && n < SCTP_MAX_TYPES) {
		uint16_t t = cur_be16(&c), len = cur_be16(&c);
		types[n++] = t;
		if (len < 4)
			break;
		size_t adv = (((size_t)len + 3u) & ~3u) - 4u;
		if (adv > cur_left(&c))
			break;
		cur_skip(&c, adv);
	}
	k->n_parametertypes = n;
	k->parametertypes = types;
}

static uint8_t chunk_flags(uint8_t type)
{
	switch (type) {
	case CH_INIT:
		return TF_SYN;
	case CH_INIT_ACK:
		return TF_SYN | TF_ACK;
	case CH_SHUTDOWN:
	case CH_SHUTDOWN_ACK:
		return TF_FIN;
	case CH_ABORT:
		return TF_RST;
	default:
		return TF_ACK;
	}
}

/* The value of one chunk (v: after its 4-octet header, Length - 4). */
static void chunk_value(struct nc_dec *d, struct cur v, Netcap__SCTPChunk *k,
			int32_t *types, struct sctp_rec *s, bool *first_data)
{
	uint8_t fl = (uint8_t)k->flags;

	switch (k->type) {
	case CH_DATA:
		k->tsn = cur_be32(&v);
		k->streamid = cur_be16(&v);
		k->streamsequence = cur_be16(&v);
		k->payloadprotocol = cur_be32(&v);
		k->immediateack = fl & 0x08;
		k->unordered = fl & 0x04;
		k->beginfragment = fl & 0x02;
		k->endfragment = fl & 0x01;
		k->userdatalength = k->length >= 16 ? k->length - 16 : 0;
		if (!v.err) {
			s->r.payloadsize += (int32_t)cur_left(&v);
			if (*first_data) {
				*first_data = false;
				double ent = 0;
				int32_t sz = 0;
				nc_payload_stats(d, v.p, cur_left(&v), &ent,
						 &sz);
				s->r.payloadentropy = ent;
			}
		}
		break;
	case CH_INIT:
	case CH_INIT_ACK:
		k->initiatetag = cur_be32(&v);
		k->advertisedreceiverwindowcredit = cur_be32(&v);
		k->outboundstreams = cur_be16(&v);
		k->inboundstreams = cur_be16(&v);
		k->initialtsn = cur_be32(&v);
		if (!v.err)
			tlv_types(v, k, types);
		break;
	case CH_SACK:
		k->cumulativetsnack = cur_be32(&v);
		k->advertisedreceiverwindowcredit = cur_be32(&v);
		k->numgapacks = cur_be16(&v);
		k->numduplicatetsns = cur_be16(&v);
		break;
	case CH_SHUTDOWN:
		k->cumulativetsnack = cur_be32(&v);
		break;
	case CH_HEARTBEAT:
	case CH_HEARTBEAT_ACK:
	case CH_ERROR:
		tlv_types(v, k, types);
		break;
	case CH_ABORT:
		k->tbit = fl & 0x01;
		tlv_types(v, k, types);
		break;
	case CH_SHUTDOWN_COMPLETE:
		k->tbit = fl & 0x01;
		break;
	case CH_COOKIE_ECHO:
		k->cookielength = (int32_t)cur_left(&v);
		break;
	case CH_SHUTDOWN_ACK:
	case CH_COOKIE_ACK:
		break;
	default:
		nc_event(d, NC_EV_SCTP_CHUNK_UNKNOWN, v.p);
		break;
	}
}

enum dec_rc nc_dec_sctp(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 */
	const uint8_t *start = c.p;
	uint16_t sport = cur_be16(&c);
	uint16_t dport = cur_be16(&c);

	if (!c.err) {
		d->have_ports = true;
		d->src_port = sport;
		d->dst_port = dport;
	}
	uint32_t vtag = cur_be32(&c);
	uint32_t csum = cur_be32(&c);

	nc_l4_fill(d, 132, &ipp, &ipp);
	if (c.err) {
		nc_event(d, NC_EV_SCTP_TRUNC, start);
		return DEC_TRUNC;
	}
	d->l4.sport = sport;
	d->l4.dport = dport;

	bool want = nc_want(d, NC_REC_SCTP);
	struct sctp_rec s; /* about 13 KiB of stack, filled only when wanted */
	enum dec_rc rc = DEC_OK;
	size_t n = 0;
	bool first_data = true;
	uint8_t tf = 0;

	if (want) {
		s.r = (Netcap__SCTP)NETCAP__SCTP__INIT;
		s.r.timestamp = d->ts;
		s.r.srcport = sport;
		s.r.dstport = dport;
		s.r.verificationtag = vtag;
		s.r.checksum = csum;
	}
	while (cur_left(&c) > 0) {
		const uint8_t *at = c.p;
		uint8_t type = cur_u8(&c), flags = cur_u8(&c);
		uint16_t len = cur_be16(&c);
		if (c.err) {
			nc_event(d, NC_EV_SCTP_CHUNK_TRUNC, at);
			break;
		}
		tf |= chunk_flags(type);
		if (len < 4) {
			nc_event(d, NC_EV_SCTP_CHUNK_LEN_BAD, at);
			rc = DEC_INVALID;
			break;
		}
		bool cut = false;
		struct cur v = c;
		if (!cur_limit(&v, (size_t)len - 4)) {
			if (!nc_data_cut(d, &c)) {
				nc_event(d, NC_EV_SCTP_CHUNK_LEN_BAD, at);
				rc = DEC_INVALID;
				break;
			}
			cut = true;
			nc_event(d, NC_EV_SCTP_CHUNK_TRUNC, at);
		}
		if (want) {
			if (n == NC_MAX_OPTIONS) {
				nc_event(d, NC_EV_SCTP_TOO_MANY_CHUNKS, at);
				want = false; /* the record keeps 64 chunks */
				s.r.n_chunks = n;
			} else {
				Netcap__SCTPChunk *k = &s.ch[n];
				*k = (Netcap__SCTPChunk)NETCAP__SCTPCHUNK__INIT;
				k->type = type;
				k->flags = flags;
				k->length = len;
				chunk_value(d, v, k, s.types[n], &s,
					    &first_data);
				s.chp[n] = k;
				n++;
			}
		}
		if (cut)
			break;
		/* the next chunk starts at the padded length */
		size_t adv = (((size_t)len + 3u) & ~3u) - 4u;
		if (adv > cur_left(&c))
			break; /* padding of the last chunk not captured */
		cur_skip(&c, adv);
	}
	d->l4.tcp_flags = tf;

	if (nc_want(d, NC_REC_SCTP)) {
		if (want)
			s.r.n_chunks = n;
		s.r.chunks = s.chp;
		nc_ctx_ips(d, &s.r.srcip, &s.r.dstip);
		nc_emit(d, NC_REC_SCTP, &s.r.base);
	}
	return rc;
}
