/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the dispatcher's flow hash (decoders/flowhash.c): both
 * directions of a flow, and every fragment, hash alike; short frames never
 * read out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"
#include "flowhash.h"

/* Ethernet + IPv4 + first bytes of TCP, 10.0.0.1:1234 -> 10.0.0.2:80 */
static const uint8_t eth_v4_ab[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
    0x08, 0x00,				/* IPv4 */
    0x45, 0x00, 0x00, 0x28,		/* version 4, IHL 5, total len 40 */
    0x00, 0x01, 0x00, 0x00,		/* id 1, no fragment */
    0x40, 0x06, 0x00, 0x00,		/* TTL 64, TCP, checksum */
    0x0a, 0x00, 0x00, 0x01,		/* src 10.0.0.1 */
    0x0a, 0x00, 0x00, 0x02,		/* dst 10.0.0.2 */
    0x04, 0xd2, 0x00, 0x50,		/* ports 1234 -> 80 */
};

/* the reply, 802.1Q tagged: 10.0.0.2:80 -> 10.0.0.1:1234 */
static const uint8_t eth_vlan_v4_ba[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* dst MAC */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* src MAC */
    0x81, 0x00, 0x00, 0x64,		/* 802.1Q, VID 100 */
    0x08, 0x00,				/* IPv4 */
    0x45, 0x00, 0x00, 0x28,		/* version 4, IHL 5, total len 40 */
    0x00, 0x02, 0x00, 0x00,		/* id 2 */
    0x40, 0x06, 0x00, 0x00,		/* TTL 64, TCP, checksum */
    0x0a, 0x00, 0x00, 0x02,		/* src 10.0.0.2 */
    0x0a, 0x00, 0x00, 0x01,		/* dst 10.0.0.1 */
    0x00, 0x50, 0x04, 0xd2,		/* ports 80 -> 1234 */
};

/* raw IPv4 non-first fragment of the same pair: no ports visible */
static const uint8_t raw_v4_frag[] = {
    0x45, 0x00, 0x00, 0x1c, /* version 4, IHL 5, total len 28 */
    0x00, 0x01, 0x00, 0xb9, /* id 1, fragment offset 185 */
    0x40, 0x06, 0x00, 0x00, /* TTL 64, TCP, checksum */
    0x0a, 0x00, 0x00, 0x01, /* src 10.0.0.1 */
    0x0a, 0x00, 0x00, 0x02, /* dst 10.0.0.2 */
    0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x00, 0x00, /* fragment data */
};

static void v6_frame(uint8_t *f, uint8_t s_last, uint8_t d_last)
{
	memset(f, 0, 40);
	f[0] = 0x60; /* version 6 */
	f[6] = 17;   /* next header UDP */
	f[8] = 0x20; /* src 2001:db8::s_last */
	f[9] = 0x01;
	f[10] = 0x0d;
	f[11] = 0xb8;
	f[23] = s_last;
	f[24] = 0x20; /* dst 2001:db8::d_last */
	f[25] = 0x01;
	f[26] = 0x0d;
	f[27] = 0xb8;
	f[39] = d_last;
}

static void test_symmetric_v4(void **state)
{
	(void)state;
	uint32_t ab =
	    nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab, sizeof(eth_v4_ab));
	uint32_t ba = nc_flow_hash(NC_LINK_ETHERNET, eth_vlan_v4_ba,
				   sizeof(eth_vlan_v4_ba));
	uint32_t frag =
	    nc_flow_hash(NC_LINK_RAW, raw_v4_frag, sizeof(raw_v4_frag));
	assert_int_equal(ab, ba);
	assert_int_equal(ab, frag);
	assert_int_equal(nc_flow_hash(12, raw_v4_frag, sizeof(raw_v4_frag)),
			 frag);
	assert_int_not_equal(ab, 0);
}

static void test_symmetric_v6(void **state)
{
	(void)state;
	uint8_t a[40], b[40], c[40];
	v6_frame(a, 1, 2);
	v6_frame(b, 2, 1);
	v6_frame(c, 1, 3);
	uint32_t ha = nc_flow_hash(NC_LINK_IPV6, a, sizeof(a));
	assert_int_equal(ha, nc_flow_hash(NC_LINK_RAW, b, sizeof(b)));
	assert_int_not_equal(ha, nc_flow_hash(NC_LINK_RAW, c, sizeof(c)));
}

/*
 * Raw IPv6 2001:db8::1 -> 2001:db8::r (next hop) with a type 0 Routing
 * header naming the final destination 2001:db8::f, and the reply from
 * 2001:db8::f straight back: connection tracking keys both on (::1, ::f),
 * so the hash must too.
 */
static void test_v6_routing_final_dst(void **state)
{
	(void)state;
	uint8_t out[40 + 24] = {
	    0x60, 0x00, 0x00, 0x00, /* version 6 */
	    0x00, 0x18, 43, 64,	    /* payload 24, Routing, hop limit */
	};
	uint8_t back[40] = {
	    0x60, 0x00, 0x00, 0x00, /* version 6 */
	    0x00, 0x00, 59, 64,	    /* payload 0, No Next Header */
	};
	static const uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01};
	static const uint8_t r[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x0e};
	static const uint8_t f[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x0f};

	memcpy(out + 8, a, 16);	 /* src */
	memcpy(out + 24, r, 16); /* dst: the next hop */
	out[40] = 59;		 /* Routing: next header none */
	out[41] = 2;		 /* Hdr Ext Len 2: one address */
	out[42] = 0;		 /* type 0 */
	out[43] = 1;		 /* segments left 1 */
	memcpy(out + 48, f, 16); /* Address[1]: the final destination */
	memcpy(back + 8, f, 16);
	memcpy(back + 24, a, 16);

	uint32_t h1 = nc_flow_hash(NC_LINK_RAW, out, sizeof(out));
	uint32_t h2 = nc_flow_hash(NC_LINK_RAW, back, sizeof(back));
	assert_int_equal(h1, h2);
	out[43] = 0; /* segments left 0: the next hop is the destination */
	assert_int_not_equal(nc_flow_hash(NC_LINK_RAW, out, sizeof(out)), h2);
}

static void test_short_frames(void **state)
{
	(void)state;
	/* every prefix of every frame: no crash (ASan checks the reads) */
	for (uint32_t n = 0; n < sizeof(eth_vlan_v4_ba); n++) {
		(void)nc_flow_hash(NC_LINK_ETHERNET, eth_vlan_v4_ba, n);
		(void)nc_flow_hash(NC_LINK_LINUX_SLL, eth_vlan_v4_ba, n);
		(void)nc_flow_hash(NC_LINK_LINUX_SLL2, eth_vlan_v4_ba, n);
		(void)nc_flow_hash(NC_LINK_NULL, eth_vlan_v4_ba, n);
	}
	/* an IPv4 header cut short hashes to 0 */
	assert_int_equal(nc_flow_hash(NC_LINK_RAW, raw_v4_frag, 19), 0);
	assert_int_equal(nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab, 0), 0);
}

static void test_non_ip_mac_pair(void **state)
{
	(void)state;
	static const uint8_t arp_ab[] = {
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst broadcast */
	    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
	    0x08, 0x06,				/* ARP */
	};
	static const uint8_t arp_ba[] = {
	    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* dst */
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* src */
	    0x08, 0x06,				/* ARP */
	};
	assert_int_equal(
	    nc_flow_hash(NC_LINK_ETHERNET, arp_ab, sizeof(arp_ab)),
	    nc_flow_hash(NC_LINK_ETHERNET, arp_ba, sizeof(arp_ba)));
}

/* -- MPLS (decoders/tunnel/mpls.c): pseudowire payloads hash by their
   inner IP pair, like the same flow carried as MPLS/IPv4 -- */
static void test_mpls_pseudowire(void **state)
{
	(void)state;
	/* IPv4 right after the label (first nibble 4) */
	static const uint8_t ip[] = {
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x88, 0x47,				/* MPLS */
	    0x00, 0x06, 0x41, 0x40,		/* label 100, S, TTL 64 */
	    0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00,
	    0x40, 0x06, 0x00, 0x00,
	    0x0a, 0x00, 0x00, 0x02, /* src 10.0.0.2 */
	    0x0a, 0x00, 0x00, 0x01, /* dst 10.0.0.1 */
	};
	/* control word, Ethernet, 802.1Q, IPv4 (RFC 4385/4448) */
	static const uint8_t cw[] = {
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x88, 0x47,				/* MPLS */
	    0x00, 0x06, 0x41, 0x40,		/* label 100, S, TTL 64 */
	    0x00, 0x00, 0x00, 0x07,		/* control word */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, /* inner dst MAC */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x03, /* inner src MAC */
	    0x81, 0x00, 0x00, 0x0a, 0x08, 0x00, /* VLAN 10, IPv4 */
	    0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00,
	    0x40, 0x06, 0x00, 0x00,
	    0x0a, 0x00, 0x00, 0x01, /* src 10.0.0.1 */
	    0x0a, 0x00, 0x00, 0x02, /* dst 10.0.0.2 */
	};
	uint32_t ab =
	    nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab, sizeof(eth_v4_ab));
	assert_int_equal(nc_flow_hash(NC_LINK_ETHERNET, ip, sizeof(ip)), ab);
	assert_int_equal(nc_flow_hash(NC_LINK_ETHERNET, cw, sizeof(cw)), ab);
	/* cut inside the inner Ethernet header: no IP pair, so the outer
	   MAC pair's hash (as any non-IP frame), no read past the end */
	assert_int_equal(nc_flow_hash(NC_LINK_ETHERNET, cw, 30),
			 nc_flow_hash(NC_LINK_ETHERNET, cw, 22));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symmetric_v4),
	    cmocka_unit_test(test_symmetric_v6),
	    cmocka_unit_test(test_v6_routing_final_dst),
	    cmocka_unit_test(test_short_frames),
	    cmocka_unit_test(test_non_ip_mac_pair),
	    cmocka_unit_test(test_mpls_pseudowire),
	};
	return cmocka_run_group_tests_name("flowhash", tests, NULL, NULL);
}
