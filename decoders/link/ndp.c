/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ndp.c: Nortel Discovery Protocol (SynOptics Network Management Protocol,
 * SONMP) hello, after SNAP OUI 000081 with PID 0x01a1 (flatnet hello) or
 * 0x01a2 (segment hello), snap.def.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          IP address                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Segment identifier               |    Chassis    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Backplane   |     State     |   Num links   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One NortelDiscovery record; SrcMac/DstMac are the frame's (Ethernet), or
 * empty on a link without MACs. The frame ends here.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_ndp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	const uint8_t *ip = cur_bytes(&c, 4);
	const uint8_t *seg = cur_bytes(&c, 3);
	uint8_t chassis = cur_u8(&c);
	uint8_t backplane = cur_u8(&c);
	uint8_t state = cur_u8(&c);
	uint8_t links = cur_u8(&c);

	if (c.err) {
		nc_event(d, NC_EV_NDP_TRUNC, start);
		return DEC_TRUNC;
	}
	if (nc_want(d, NC_REC_NORTEL_DISCOVERY)) {
		Netcap__NortelDiscovery r = NETCAP__NORTEL_DISCOVERY__INIT;
		r.timestamp = d->ts;
		nc_bytes(&r.ipaddress, ip, 4);
		nc_bytes(&r.segmentid, seg, 3);
		r.chassis = chassis;
		r.backplane = backplane;
		r.state = state;
		r.numlinks = links;
		nc_bytes(&r.srcmac, d->src_mac, 6);
		nc_bytes(&r.dstmac, d->dst_mac, 6);
		nc_emit(d, NC_REC_NORTEL_DISCOVERY, &r.base);
	}
	return DEC_OK;
}
