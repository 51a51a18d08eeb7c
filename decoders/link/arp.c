/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * arp.c: Address Resolution Protocol (RFC 826; operation codes from the
 * IANA ARP parameters registry, RFC 5494).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Hardware type (HTYPE)    |    Protocol type (PTYPE)      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | HW len (HLEN) |Proto len PLEN|      Operation (OPER)         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Sender hardware address (SHA, HLEN octets)  ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Sender protocol address (SPA, PLEN octets)  ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Target hardware address (THA, HLEN octets)  ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Target protocol address (TPA, PLEN octets)  ...      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Sizes are checked (arp.bad_address_sizes) when a length is zero or does
 * not fit a type whose address size is fixed (Ethernet and IEEE 802
 * hardware: 6, IPv4: 4). The record is still written with the addresses at
 * their declared lengths when the packet holds them all; a packet shorter
 * than its declared addresses is arp.truncated and writes no record.
 * Bytes after TPA (Ethernet padding) are ignored. ARP sets no IP context:
 * its addresses are payload, not the frame's network endpoints.
 */
#include "decode.h"
#include "registry.h"

#define ARP_HTYPE_ETHERNET 1
#define ARP_HTYPE_IEEE802  6
#define ARP_PTYPE_IPV4	   0x0800

static bool arp_sizes_ok(uint16_t htype, uint16_t ptype, uint8_t hlen,
			 uint8_t plen)
{
	if (hlen == 0 || plen == 0)
		return false;
	if ((htype == ARP_HTYPE_ETHERNET || htype == ARP_HTYPE_IEEE802) &&
	    hlen != 6)
		return false;
	if (ptype == ARP_PTYPE_IPV4 && plen != 4)
		return false;
	return true;
}

enum dec_rc nc_dec_arp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	uint16_t htype = cur_be16(&c);
	uint16_t ptype = cur_be16(&c);
	uint8_t hlen = cur_u8(&c);
	uint8_t plen = cur_u8(&c);
	uint16_t oper = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_ARP_TRUNC, start);
		return DEC_TRUNC;
	}

	bool sizes_ok = arp_sizes_ok(htype, ptype, hlen, plen);
	if (!sizes_ok)
		nc_event(d, NC_EV_ARP_BAD_SIZES, start);

	const uint8_t *sha = cur_bytes(&c, hlen);
	const uint8_t *spa = cur_bytes(&c, plen);
	const uint8_t *tha = cur_bytes(&c, hlen);
	const uint8_t *tpa = cur_bytes(&c, plen);

	if (c.err) {
		nc_event(d, NC_EV_ARP_TRUNC, start);
		return DEC_TRUNC;
	}

	if (nc_want(d, NC_REC_ARP)) {
		Netcap__ARP r = NETCAP__ARP__INIT;
		r.timestamp = d->ts;
		r.addrtype = htype;
		r.protocol = ptype;
		r.hwaddresssize = hlen;
		r.protocoladdresssize = plen;
		r.operation = oper;
		nc_bytes(&r.srchwaddress, sha, hlen);
		nc_bytes(&r.srcprotocoladdress, spa, plen);
		nc_bytes(&r.dsthwaddress, tha, hlen);
		nc_bytes(&r.dstprotocoladdress, tpa, plen);
		nc_emit(d, NC_REC_ARP, &r.base);
	}
	return sizes_ok ? DEC_OK : DEC_INVALID;
}
