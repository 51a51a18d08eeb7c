/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sctp.c: SCTP (RFC 9260). No record yet: its common header's ports key
 * the connection and its Community ID.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_sctp_ports(struct nc_dec *d, struct cur c)
{
	struct cur s = c;
	uint16_t sp = cur_be16(&s), dp = cur_be16(&s);

	nc_l4_fill(d, 132, &c, &c);
	if (!s.err) {
		d->l4.sport = sp;
		d->l4.dport = dp;
	}
	nc_event(d, NC_EV_IP_UNKNOWN_PROTO, c.p);
	return DEC_UNSUPPORTED;
}
