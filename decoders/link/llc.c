/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * llc.c: IEEE 802.2 Logical Link Control header, and the data of an IEEE
 * 802.3 frame (a type/length field <= 1500) that carries it.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   DSAP    |I|   SSAP    |C|    Control    | Control (I, S) |
 *  |           |G|           |R|               |  format only)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * (The I/G and C/R bits are the low-order bits of the octets as read.)
 * Control is one octet for U-format PDUs (low bits 11, e.g. UI 0x03) and
 * two for I (low bit 0) and S (low bits 01) format; Control holds the first
 * octet high, as gopacket (Netcap) does. DSAP and SSAP are kept with the
 * I/G and C/R bits cleared, as Netcap does. The rest goes to
 * nc_dispatch_llcsap by DSAP (llcsaps.def: 0xaa SNAP).
 */
#include "decode.h"
#include "registry.h"

struct cur nc_8023_payload(struct nc_dec *d, uint16_t len, struct cur c)
{
	if (!cur_limit(&c, len) && !nc_data_cut(d, &c))
		nc_event(d, NC_EV_ETH_LEN_LONG, c.p);
	return c;
}

enum dec_rc nc_dec_llc(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t dsap = cur_u8(&c);
	uint8_t ssap = cur_u8(&c);
	uint16_t control = cur_u8(&c);

	if (!c.err && ((control & 1) == 0 || (control & 3) == 1))
		control = (uint16_t)(control << 8 | cur_u8(&c));
	if (c.err) {
		nc_event(d, NC_EV_LLC_TRUNC, start);
		return DEC_TRUNC;
	}

	if (nc_want(d, NC_REC_LLC)) {
		Netcap__LLC r = NETCAP__LLC__INIT;
		r.timestamp = d->ts;
		r.dsap = dsap & 0xfe;
		r.ig = dsap & 1;
		r.ssap = ssap & 0xfe;
		r.cr = ssap & 1;
		r.control = control;
		nc_emit(d, NC_REC_LLC, &r.base);
	}
	return nc_dispatch_llcsap(d, dsap & 0xfe, c);
}
