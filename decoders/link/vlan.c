/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vlan.c: IEEE 802.1Q VLAN tag (C-tag, TPID 0x8100) and IEEE 802.1ad
 * service tag (S-tag, TPID 0x88a8; 0x9100 before the standard).
 *
 * The dispatcher has consumed the TPID; the cursor starts at the TCI:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | PCP |D|    VLAN identifier    |     EtherType / Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * PCP: priority code point (Priority), D: drop eligible indicator
 * (DropEligible; CFI in older texts), VID: VLANIdentifier. One Dot1Q record
 * per tag, outer first. Stacked tags (QinQ) come back here through the
 * ethertype dispatcher; at most NC_MAX_VLAN_DEPTH tags are decoded, a
 * deeper one is vlan.too_deep. A type/length <= 1500 after a tag is an
 * 802.3 length with LLC behind it, counted as in Ethernet (eth.llc_frame)
 * and decoded as there: the data narrowed to the length, then nc_dec_llc.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_dot1q(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	if (d->vlan_depth >= NC_MAX_VLAN_DEPTH) {
		nc_event(d, NC_EV_VLAN_TOO_DEEP, start);
		return DEC_INVALID;
	}
	d->vlan_depth++;

	uint16_t tci = cur_be16(&c);
	uint16_t type = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_VLAN_TRUNC, start);
		return DEC_TRUNC;
	}

	if (nc_want(d, NC_REC_DOT1Q)) {
		Netcap__Dot1Q r = NETCAP__DOT1_Q__INIT;
		r.timestamp = d->ts;
		r.priority = tci >> 13;
		r.dropeligible = (tci >> 12) & 1;
		r.vlanidentifier = tci & 0x0fff;
		r.type = type;
		nc_emit(d, NC_REC_DOT1Q, &r.base);
	}

	if (type <= 1500) {
		nc_event(d, NC_EV_ETH_LLC, c.p);
		return nc_dec_llc(d, nc_8023_payload(d, type, c));
	}
	return nc_dispatch_ethertype(d, type, c);
}
