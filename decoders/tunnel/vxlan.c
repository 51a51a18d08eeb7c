/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan.c: Virtual eXtensible LAN, UDP destination port 4789 (RFC 7348),
 * with the Group Based Policy extension (draft-smith-vxlan-group-policy).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |G|R|R|R|I|R|R|R|R|D|R|R|A|R|R|R|        Group Policy ID        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          VXLAN Network Identifier (VNI)       |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * I: the VNI is valid (ValidIDFlag). G: GBP extension, D: don't learn,
 * A: policy applied; Group Policy ID is kept whatever G says (RFC 7348
 * calls those 16 bits reserved).
 *
 * Contract: 8 octets or vxlan.truncated (no record). The inner Ethernet
 * frame is decoded like an outer one (nc_tunnel_enter: tenant the VNI,
 * Tunnel ID the VNI, HasID the I flag); with VXLAN left out of --tunnels
 * it is vxlan.inner_not_decoded (INFO). The UDP record is udp.c's,
 * written before this decoder runs.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_vxlan(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t f0 = cur_u8(&c);
	uint8_t f1 = cur_u8(&c);
	uint16_t gpid = cur_be16(&c);
	uint32_t vni = cur_be24(&c);
	cur_skip(&c, 1); /* reserved */
	if (c.err) {
		nc_event(d, NC_EV_VXLAN_TRUNC, start);
		return DEC_TRUNC;
	}

	if (nc_want(d, NC_REC_VXLAN)) {
		Netcap__VXLAN r = NETCAP__VXLAN__INIT;
		r.timestamp = d->ts;
		r.valididflag = (f0 & 0x08) != 0;
		r.vni = vni;
		r.gbpextension = (f0 & 0x80) != 0;
		r.gbpdontlearn = (f1 & 0x40) != 0;
		r.gbpapplied = (f1 & 0x08) != 0;
		r.gbpgrouppolicyid = gpid;
		nc_emit(d, NC_REC_VXLAN, &r.base);
	}
	if (!nc_tunnel_enter(d, NC_TUN_VXLAN, (f0 & 0x08) != 0, vni, NC_TK_ID,
			     c.p))
		return DEC_OK;
	return nc_dispatch_link(d, NC_LINK_ETHERNET, c);
}
