/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_frames.h: build a raw IPv4 or IPv6 packet (LINKTYPE_IPV4 228 /
 * LINKTYPE_IPV6 229) around a test payload, for the IGMP, IPsec and VRRP
 * unit tests. Checksums are left 0: netcap reports them, never verifies.
 */
#ifndef NC_TEST_NET_FRAMES_H
#define NC_TEST_NET_FRAMES_H

#include <stdint.h>
#include <string.h>

/* IPv4, IHL 5, 10.0.0.1 -> 224.0.0.1, protocol proto; returns its length. */
static inline size_t nf_ip4(uint8_t *buf, uint8_t proto, const uint8_t *pl,
			    size_t n)
{
	static const uint8_t hdr[20] = {
	    0x45, 0x00, 0x00, 0x00, /* version 4, IHL 5; total length below */
	    0x00, 0x01, 0x00, 0x00, /* id 1, no fragment */
	    0x40, 0x00, 0x00, 0x00, /* TTL 64, protocol below, checksum 0 */
	    10,	  0,	0,    1,    /* 10.0.0.1 */
	    224,  0,	0,    1,    /* 224.0.0.1 */
	};
	memcpy(buf, hdr, 20);
	buf[2] = (uint8_t)((20 + n) >> 8);
	buf[3] = (uint8_t)(20 + n);
	buf[9] = proto;
	memcpy(buf + 20, pl, n);
	return 20 + n;
}

/* IPv6, fe80::1 -> ff02::12, next header nh; returns its length. */
static inline size_t nf_ip6(uint8_t *buf, uint8_t nh, const uint8_t *pl,
			    size_t n)
{
	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[4] = (uint8_t)(n >> 8);
	buf[5] = (uint8_t)n;
	buf[6] = nh;
	buf[7] = 255;
	buf[8] = 0xfe;
	buf[9] = 0x80;
	buf[23] = 1;
	buf[24] = 0xff;
	buf[25] = 0x02;
	buf[39] = 0x12;
	memcpy(buf + 40, pl, n);
	return 40 + n;
}

#endif /* NC_TEST_NET_FRAMES_H */
