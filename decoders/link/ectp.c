/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ectp.c: Ethernet Configuration Testing Protocol ("loopback", Ethernet
 * V2.0 specification (DEC, Intel, Xerox, 1982) section 8), EtherType
 * 0x9000. All integers are little-endian.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          skipCount          |   Function (2: Forward Data)   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Forward Address (6 octets) ...                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   ... more Forward Data functions, then:                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Function (1: Reply)     |        Receipt Number         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Data ...                              |
 *
 * skipCount is the offset, from the first function, of the function the
 * receiving station acts on (RelevantFunction); it is even
 * (ectp.bad_skipcount otherwise). The function list is walked from the
 * start, as Wireshark does: Forward Data functions, at most NC_MAX_OPTIONS
 * (ectp.too_many_functions), until a Reply, which writes EthernetCTPReply
 * with the rest as Data, or another function code
 * (ectp.unknown_function), which ends the walk. EthernetCTP is written
 * whenever skipCount was read, with the functions read.
 */
#include "decode.h"
#include "registry.h"

#define ECTP_REPLY   1
#define ECTP_FORWARD 2

enum dec_rc nc_dec_ectp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	int32_t fn[NC_MAX_OPTIONS];
	ProtobufCBinaryData fwd[NC_MAX_OPTIONS];
	size_t nfn = 0, nfwd = 0;
	int32_t relevant = 0;
	enum dec_rc rc = DEC_OK;
	bool reply = false;
	uint16_t receipt = 0;

	uint16_t skip = cur_le16(&c);
	if (c.err) {
		nc_event(d, NC_EV_ECTP_TRUNC, start);
		return DEC_TRUNC;
	}
	if (skip & 1) {
		nc_event(d, NC_EV_ECTP_BAD_SKIP, start);
		rc = DEC_INVALID;
	}
	const uint8_t *list = c.p;
	for (;;) {
		const uint8_t *at = c.p;
		uint16_t f = cur_le16(&c);
		if (c.err) {
			nc_event(d, NC_EV_ECTP_TRUNC, start);
			rc = DEC_TRUNC;
			break;
		}
		if (nfn == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_ECTP_TOO_MANY, start);
			rc = DEC_INVALID;
			break;
		}
		if ((size_t)(at - list) == skip)
			relevant = f;
		fn[nfn++] = f;
		if (f == ECTP_FORWARD) {
			const uint8_t *a = cur_bytes(&c, 6);
			if (c.err) {
				nc_event(d, NC_EV_ECTP_TRUNC, start);
				rc = DEC_TRUNC;
				break;
			}
			nc_bytes(&fwd[nfwd++], a, 6);
			continue;
		}
		if (f == ECTP_REPLY) {
			receipt = cur_le16(&c);
			if (c.err) {
				nc_event(d, NC_EV_ECTP_TRUNC, start);
				rc = DEC_TRUNC;
				break;
			}
			reply = true;
			break;
		}
		nc_event(d, NC_EV_ECTP_BAD_FUNCTION, start);
		rc = DEC_INVALID;
		break;
	}

	if (nc_want(d, NC_REC_ECTP)) {
		Netcap__EthernetCTP r = NETCAP__ETHERNET_CTP__INIT;
		r.timestamp = d->ts;
		r.skipcount = skip;
		r.relevantfunction = relevant;
		r.n_functions = nfn;
		r.functions = fn;
		r.n_forwardaddress = nfwd;
		r.forwardaddress = fwd;
		nc_emit(d, NC_REC_ECTP, &r.base);
	}
	if (reply && nc_want(d, NC_REC_ECTPREPLY)) {
		Netcap__EthernetCTPReply r = NETCAP__ETHERNET_CTPREPLY__INIT;
		r.timestamp = d->ts;
		r.function = ECTP_REPLY;
		r.receiptnumber = receipt;
		nc_bytes(&r.data, c.p, cur_left(&c));
		nc_emit(d, NC_REC_ECTPREPLY, &r.base);
	}
	return rc;
}
