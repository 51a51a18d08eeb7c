/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vrrp.c: Virtual Router Redundancy Protocol, IP protocol 112: version 2
 * (RFC 3768, IPv4) and version 3 (RFC 5798, IPv4 and IPv6).
 *
 * Version 2:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Type  | Virtual Rtr ID|   Priority    | Count IP Addrs|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Auth Type   |   Adver Int   |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         IP Address (1..n)                     |
 *  |                     Authentication Data (1), (2)              |
 * Version 3 (the second word differs; addresses are IPv4 or IPv6 as the
 * IP header that carries it):
 *  |(rsvd) |     Max Adver Int     |          Checksum             |
 *
 * The record holds the 8-octet header; AuthType only for version 2,
 * AdverInt the 8-bit seconds (v2) or 12-bit centiseconds (v3). Addresses
 * (4 octets, or 16 for v3 over IPv6) are kept up to NC_MAX_OPTIONS
 * (vrrp.too_many_addresses); a count past the data is vrrp.truncated
 * (capture cut) or vrrp.bad_count, with those read kept. Another version
 * is vrrp.bad_version: the header fields only. The v2 authentication
 * data is not kept; the checksum is reported, not verified. d->l4 is
 * filled exactly as for a protocol netcap does not decode: a port-less
 * connection.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_vrrp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	/* connection tracking: as for any protocol without ports */
	nc_l4_fill(d, 112, &c, &c);

	uint8_t vt = cur_u8(&c);
	uint8_t vrid = cur_u8(&c);
	uint8_t prio = cur_u8(&c);
	uint8_t count = cur_u8(&c);
	uint16_t w1 = cur_be16(&c);
	uint16_t csum = cur_be16(&c);
	if (c.err) {
		nc_event(d, NC_EV_VRRP_TRUNC, start);
		return DEC_TRUNC;
	}

	Netcap__VRRPv2 r = NETCAP__VRRPV2__INIT;
	ProtobufCBinaryData addrs[NC_MAX_OPTIONS];
	enum dec_rc rc = DEC_OK;
	uint8_t version = vt >> 4;

	r.version = version;
	r.type = vt & 0x0f;
	r.virtualrtrid = vrid;
	r.priority = prio;
	r.countipaddr = count;
	r.checksum = csum;
	if (version == 2) {
		r.authtype = w1 >> 8;
		r.adverint = w1 & 0xff;
	} else if (version == 3) {
		r.adverint = w1 & 0x0fff;
	} else {
		r.adverint = w1 & 0xff;
		nc_event(d, NC_EV_VRRP_BAD_VERSION, start);
		rc = DEC_INVALID;
		count = 0;
	}

	size_t alen = version == 3 && d->ip_version == 6 ? 16 : 4;
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *a = cur_bytes(&c, alen);
		if (!a) {
			bool cut = nc_data_cut(d, &c);
			nc_event(d,
				 cut ? NC_EV_VRRP_TRUNC : NC_EV_VRRP_BAD_COUNT,
				 start);
			rc = cut ? DEC_TRUNC : DEC_INVALID;
			break;
		}
		if (r.n_ipaddress == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_VRRP_TOO_MANY, start);
			break;
		}
		nc_bytes(&addrs[r.n_ipaddress++], a, alen);
	}
	r.ipaddress = addrs;

	if (nc_want(d, NC_REC_VRRPV2)) {
		r.timestamp = d->ts;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_VRRPV2, &r.base);
	}
	return rc;
}
