/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * teredo.c: Teredo, IPv6 over UDP through NATs (RFC 4380), UDP port 3544
 * (either side: the server's and relay's port).
 *
 * The datagram is an IPv6 packet, optionally preceded by
 *   an Authentication indicator: 0x0001, ID-len (1), AU-len (1), Client
 *     identifier (ID-len), Authentication value (AU-len), Nonce (8),
 *     Confirmation (1);
 *   then an Origin indication: 0x0000, Origin port (2) and Origin IPv4
 *     address (4), both obfuscated (XOR with all ones).
 *
 * Contract: the indicators are skipped (not kept: Netcap has no Teredo
 * record); an indicator not captured is teredo.truncated. What follows
 * must begin with IPv6's version nibble, else the datagram is ordinary
 * UDP on port 3544 (DEC_OK, nothing counted), as Wireshark only calls
 * such a datagram Teredo. The IPv6 packet is decoded as a tunnel's
 * (nc_tunnel_enter: type Teredo, no ID, tenant the outer address pair);
 * with Teredo left out of --tunnels it is teredo.inner_not_decoded.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_teredo(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	if (cur_left(&c) >= 2 && cur_peek_u8(&c, 0) == 0 &&
	    cur_peek_u8(&c, 1) == 1) { /* Authentication */
		cur_skip(&c, 2);
		uint8_t idlen = cur_u8(&c);
		uint8_t aulen = cur_u8(&c);
		cur_skip(&c, (size_t)idlen + aulen + 8 + 1);
		if (c.err) {
			nc_event(d, NC_EV_TEREDO_TRUNC, start);
			return DEC_TRUNC;
		}
	}
	if (cur_left(&c) >= 2 && cur_peek_u8(&c, 0) == 0 &&
	    cur_peek_u8(&c, 1) == 0) { /* Origin indication */
		cur_skip(&c, 8);
		if (c.err) {
			nc_event(d, NC_EV_TEREDO_TRUNC, start);
			return DEC_TRUNC;
		}
	}
	if (cur_left(&c) < 40 || cur_peek_u8(&c, 0) >> 4 != 6)
		return DEC_OK; /* not Teredo: ordinary UDP */
	if (!nc_tunnel_enter(d, NC_TUN_TEREDO, false, 0, NC_TK_OUTER, c.p))
		return DEC_OK;
	return nc_dispatch_ethertype(d, 0x86dd, c);
}
