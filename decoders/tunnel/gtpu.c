/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gtpu.c: GTP-U, the GPRS Tunnelling Protocol for user data (3GPP TS
 * 29.281), UDP port 2152: a mobile core's user plane between base
 * stations, serving and packet gateways.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Ver |P|R|E|S|N| Message Type  |            Length             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Tunnel Endpoint Identifier                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Sequence Number        |  N-PDU Number |Next Ext. Type |  E|S|N
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Length counts the octets after the first 8. When E, S or N is set the
 * 4 optional octets are present; each extension header is Length (in
 * 4-octet units, itself and the next type included), content, and the
 * Next Extension Header Type in its last octet (0: none).
 *
 * Contract:
 *   - Fewer than 8 octets, or optional fields and extension headers not
 *     captured: gtpu.truncated. Version other than 1, or PT 0 (GTP'):
 *     gtpu.bad_version. Length beyond the datagram (not a capture cut),
 *     or optional fields and extension headers that run past Length:
 *     gtpu.bad_length; an extension header of length 0, or more than 16
 *     of them: gtpu.bad_extension (anomalies).
 *   - Only a G-PDU (Message Type 255) carries user data: other messages
 *     (Echo, Error Indication, End Marker, ...) are gtpu.signalling
 *     (INFO). The T-PDU is IPv4 or IPv6 by its version nibble, decoded as
 *     a tunnel's (nc_tunnel_enter: type GTP-U, Tunnel ID the TEID, tenant
 *     the outer address pair, since each side picks its own TEID); any
 *     other first nibble is gtpu.unknown_payload (INFO). With GTP-U left
 *     out of --tunnels it is gtpu.inner_not_decoded (INFO).
 *   - Netcap has no GTP record: the inner records' Tunnel field carries
 *     the TEID.
 */
#include "decode.h"
#include "registry.h"

#define GTPU_MAX_EXT 16

enum dec_rc nc_dec_gtpu(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t flags = cur_u8(&c);
	uint8_t type = cur_u8(&c);
	uint16_t len = cur_be16(&c);
	uint32_t teid = cur_be32(&c);

	if (c.err) {
		nc_event(d, NC_EV_GTPU_TRUNC, start);
		return DEC_TRUNC;
	}
	if (flags >> 5 != 1 || !(flags & 0x10)) {
		nc_event(d, NC_EV_GTPU_BAD_VERSION, start);
		return DEC_INVALID;
	}
	bool limited = len <= cur_left(&c);
	if (limited) {
		cur_limit(&c, len);
	} else if (!nc_data_cut(d, &c)) {
		nc_event(d, NC_EV_GTPU_BAD_LENGTH, start);
		return DEC_INVALID;
	}

	if (flags & 0x07) {
		cur_skip(&c, 3); /* Sequence Number, N-PDU Number */
		uint8_t next = cur_u8(&c);
		unsigned n = 0;
		while (!c.err && next) {
			const uint8_t *at = c.p;
			size_t elen = (size_t)cur_u8(&c) * 4;
			if (c.err)
				break;
			if (elen == 0 || ++n > GTPU_MAX_EXT) {
				nc_event(d, NC_EV_GTPU_BAD_EXT, at);
				return DEC_INVALID;
			}
			cur_skip(&c, elen - 2);
			next = cur_u8(&c);
		}
		if (c.err && limited) { /* past Length, not past the capture */
			nc_event(d, NC_EV_GTPU_BAD_LENGTH, start);
			return DEC_INVALID;
		}
		if (c.err) {
			nc_event(d, NC_EV_GTPU_TRUNC, start);
			return DEC_TRUNC;
		}
	}

	if (type != 255) {
		nc_event(d, NC_EV_GTPU_SIGNALLING, start);
		return DEC_OK;
	}
	uint8_t v = cur_left(&c) ? cur_peek_u8(&c, 0) >> 4 : 0;
	if (v != 4 && v != 6) {
		nc_event(d, NC_EV_GTPU_UNKNOWN_PAYLOAD, c.p);
		return DEC_OK;
	}
	if (!nc_tunnel_enter(d, NC_TUN_GTPU, true, teid, NC_TK_OUTER, c.p))
		return DEC_OK;
	return nc_dispatch_ethertype(d, v == 6 ? 0x86dd : 0x0800, c);
}
