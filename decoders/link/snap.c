/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snap.c: IEEE 802 SubNetwork Access Protocol header (RFC 1042), after an
 * LLC header with DSAP 0xaa (llcsaps.def).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Organizationally Unique Identifier       |  Protocol ID  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Protocol ID  |
 *  +-+-+-+-+-+-+-+-+
 *
 * Writes SNAP (OrganizationalCode, Type = the protocol ID) and hands the
 * rest to nc_dispatch_snap (snap.def): under OUI 000000 and 0000f8 the
 * protocol ID is an EtherType (nc_dispatch_ethertype); Cisco 00000c 0x2000
 * is CDP, Nortel 000081 0x01a2 is NDP.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_snap(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	const uint8_t *oui = cur_bytes(&c, 3);
	uint16_t pid = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_SNAP_TRUNC, start);
		return DEC_TRUNC;
	}

	if (nc_want(d, NC_REC_SNAP)) {
		Netcap__SNAP r = NETCAP__SNAP__INIT;
		r.timestamp = d->ts;
		nc_bytes(&r.organizationalcode, oui, 3);
		r.type = pid;
		nc_emit(d, NC_REC_SNAP, &r.base);
	}
	uint32_t o = (uint32_t)oui[0] << 16 | (uint32_t)oui[1] << 8 | oui[2];
	return nc_dispatch_snap(d, o, pid, c);
}
