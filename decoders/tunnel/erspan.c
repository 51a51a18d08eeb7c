/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * erspan.c: Encapsulated Remote SPAN inside GRE (draft-foschiano-erspan):
 * a switch mirrors a port's frames to a collector.
 *
 * Type I: GRE Protocol Type 0x88be without a GRE Sequence Number; no
 * ERSPAN header, the mirrored Ethernet frame follows GRE.
 *
 * Type II: 0x88be with a Sequence Number; 8 octets:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Ver  |          VLAN         | COS | En|T|    Session ID     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Reserved         |                  Index                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Type III: 0x22eb; 12 octets, then an 8-octet platform specific
 * subheader when O is set:
 *  |  Ver  |          VLAN         | COS |BSO|T|    Session ID     |
 *  |                          Timestamp                            |
 *  |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|
 *
 * Ver is 1 in type II, 2 in type III (else erspan.bad_version). FT 0 is
 * an Ethernet frame, FT 2 an IP packet (by its version nibble); other
 * frame types are erspan.unknown_frame_type (INFO). The mirrored frame
 * is decoded as a tunnel's (nc_tunnel_enter, type ERSPAN, Tunnel ID the
 * Session ID, tenant the Session ID and the outer address pair); with
 * ERSPAN left out of --tunnels it is erspan.inner_not_decoded (INFO).
 * A header not captured is erspan.truncated. Netcap has no ERSPAN
 * record: the Tunnel field of the inner records carries the session.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_erspan(struct nc_dec *d, struct cur c, uint16_t pt, bool seq)
{
	const uint8_t *start = c.p;
	bool has_id = false, ip = false;
	uint32_t session = 0;

	if (pt == 0x88be && seq) { /* type II */
		uint16_t w0 = cur_be16(&c);
		uint16_t w1 = cur_be16(&c);
		cur_skip(&c, 4); /* Reserved, Index */
		if (c.err) {
			nc_event(d, NC_EV_ERSPAN_TRUNC, start);
			return DEC_TRUNC;
		}
		if (w0 >> 12 != 1) {
			nc_event(d, NC_EV_ERSPAN_BAD_VERSION, start);
			return DEC_INVALID;
		}
		session = w1 & 0x3ff;
		has_id = true;
	} else if (pt == 0x22eb) { /* type III */
		uint16_t w0 = cur_be16(&c);
		uint16_t w1 = cur_be16(&c);
		cur_skip(&c, 4 + 2); /* Timestamp, SGT */
		uint16_t w3 = cur_be16(&c);
		if (!c.err && (w3 & 1))
			cur_skip(&c, 8); /* platform specific subheader */
		if (c.err) {
			nc_event(d, NC_EV_ERSPAN_TRUNC, start);
			return DEC_TRUNC;
		}
		if (w0 >> 12 != 2) {
			nc_event(d, NC_EV_ERSPAN_BAD_VERSION, start);
			return DEC_INVALID;
		}
		session = w1 & 0x3ff;
		has_id = true;
		unsigned ft = (w3 >> 10) & 0x1f;
		if (ft == 2) {
			ip = true;
		} else if (ft != 0) {
			nc_event(d, NC_EV_ERSPAN_FRAME_TYPE, start);
			return DEC_OK;
		}
	}

	if (!nc_tunnel_enter(d, NC_TUN_ERSPAN, has_id, session, NC_TK_ID_OUTER,
			     c.p))
		return DEC_OK;
	if (ip)
		return nc_dispatch_ethertype(
		    d, cur_peek_u8(&c, 0) >> 4 == 6 ? 0x86dd : 0x0800, c);
	return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
}
