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
	uint32_t ab = nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab,
				   sizeof(eth_v4_ab), NC_TUN_ALL);
	uint32_t ba = nc_flow_hash(NC_LINK_ETHERNET, eth_vlan_v4_ba,
				   sizeof(eth_vlan_v4_ba), NC_TUN_ALL);
	uint32_t frag = nc_flow_hash(NC_LINK_RAW, raw_v4_frag,
				     sizeof(raw_v4_frag), NC_TUN_ALL);
	assert_int_equal(ab, ba);
	assert_int_equal(ab, frag);
	assert_int_equal(
	    nc_flow_hash(12, raw_v4_frag, sizeof(raw_v4_frag), NC_TUN_ALL),
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
	uint32_t ha = nc_flow_hash(NC_LINK_IPV6, a, sizeof(a), NC_TUN_ALL);
	assert_int_equal(ha,
			 nc_flow_hash(NC_LINK_RAW, b, sizeof(b), NC_TUN_ALL));
	assert_int_not_equal(
	    ha, nc_flow_hash(NC_LINK_RAW, c, sizeof(c), NC_TUN_ALL));
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
	    0x00, 0x18, 43,   64,   /* payload 24, Routing, hop limit */
	};
	uint8_t back[40] = {
	    0x60, 0x00, 0x00, 0x00, /* version 6 */
	    0x00, 0x00, 59,   64,   /* payload 0, No Next Header */
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

	uint32_t h1 = nc_flow_hash(NC_LINK_RAW, out, sizeof(out), NC_TUN_ALL);
	uint32_t h2 = nc_flow_hash(NC_LINK_RAW, back, sizeof(back), NC_TUN_ALL);
	assert_int_equal(h1, h2);
	out[43] = 0; /* segments left 0: the next hop is the destination */
	assert_int_not_equal(
	    nc_flow_hash(NC_LINK_RAW, out, sizeof(out), NC_TUN_ALL), h2);
}

static void test_short_frames(void **state)
{
	(void)state;
	/* every prefix of every frame: no crash (ASan checks the reads) */
	for (uint32_t n = 0; n < sizeof(eth_vlan_v4_ba); n++) {
		(void)nc_flow_hash(NC_LINK_ETHERNET, eth_vlan_v4_ba, n,
				   NC_TUN_ALL);
		(void)nc_flow_hash(NC_LINK_LINUX_SLL, eth_vlan_v4_ba, n,
				   NC_TUN_ALL);
		(void)nc_flow_hash(NC_LINK_LINUX_SLL2, eth_vlan_v4_ba, n,
				   NC_TUN_ALL);
		(void)nc_flow_hash(NC_LINK_NULL, eth_vlan_v4_ba, n, NC_TUN_ALL);
	}
	/* an IPv4 header cut short hashes to 0 */
	assert_int_equal(nc_flow_hash(NC_LINK_RAW, raw_v4_frag, 19, NC_TUN_ALL),
			 0);
	assert_int_equal(
	    nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab, 0, NC_TUN_ALL), 0);
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
	    nc_flow_hash(NC_LINK_ETHERNET, arp_ab, sizeof(arp_ab), NC_TUN_ALL),
	    nc_flow_hash(NC_LINK_ETHERNET, arp_ba, sizeof(arp_ba), NC_TUN_ALL));
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
	    0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02, /* src 10.0.0.2 */
	    0x0a, 0x00, 0x00, 0x01,			    /* dst 10.0.0.1 */
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
	    0x40, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, /* src 10.0.0.1 */
	    0x0a, 0x00, 0x00, 0x02,			    /* dst 10.0.0.2 */
	};
	uint32_t ab = nc_flow_hash(NC_LINK_ETHERNET, eth_v4_ab,
				   sizeof(eth_v4_ab), NC_TUN_ALL);
	assert_int_equal(
	    nc_flow_hash(NC_LINK_ETHERNET, ip, sizeof(ip), NC_TUN_ALL), ab);
	assert_int_equal(
	    nc_flow_hash(NC_LINK_ETHERNET, cw, sizeof(cw), NC_TUN_ALL), ab);
	/* cut inside the inner Ethernet header: no IP pair, so the outer
	   MAC pair's hash (as any non-IP frame), no read past the end */
	assert_int_equal(nc_flow_hash(NC_LINK_ETHERNET, cw, 30, NC_TUN_ALL),
			 nc_flow_hash(NC_LINK_ETHERNET, cw, 22, NC_TUN_ALL));
}

/*
 * -- Tunnels --
 * Frames are built from parts: outer Ethernet/IP/UDP with each
 * direction's own addresses and ports, the tunnel header, then the inner
 * flow 192.168.1.1:40000 <-> 192.168.1.2:80 (TCP, 20 + 20 octets). Both
 * directions of the inner flow must hash alike, and unlike the outer
 * pair (what --no-tunnels hashes).
 */
struct fb {
	uint8_t b[512];
	size_t n;
};

static void put(struct fb *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct fb *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct fb *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(f, b, 2);
}

static void put32(struct fb *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void eth(struct fb *f, uint16_t type)
{
	static const uint8_t mac[12] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1};
	put(f, mac, 12);
	put16(f, type);
}

/* IPv4 header, total length tlen, the 16-bit fragment field frag */
static void ip4(struct fb *f, uint32_t src, uint32_t dst, uint8_t proto,
		uint16_t tlen, uint16_t id, uint16_t frag)
{
	put16(f, 0x4500);
	put16(f, tlen);
	put16(f, id);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, src);
	put32(f, dst);
}

static void ip6(struct fb *f, uint8_t s, uint8_t d, uint8_t nh, uint16_t plen)
{
	uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
	put32(f, 0x60000000);
	put16(f, plen);
	put8(f, nh);
	put8(f, 64);
	a[15] = s;
	put(f, a, 16);
	a[15] = d;
	put(f, a, 16);
}

static void udp(struct fb *f, uint16_t sp, uint16_t dp, uint16_t len)
{
	put16(f, sp);
	put16(f, dp);
	put16(f, len);
	put16(f, 0);
}

#define IN_A	  0xc0a80101u /* 192.168.1.1 */
#define IN_B	  0xc0a80102u /* 192.168.1.2 */
#define OUT_A	  0x0a000001u
#define OUT_B	  0x0a000002u
#define INNER_LEN 40u /* inner IPv4 + TCP */

/* the inner IPv4/TCP packet, direction a->b when fwd */
static void inner4(struct fb *f, bool fwd)
{
	ip4(f, fwd ? IN_A : IN_B, fwd ? IN_B : IN_A, 6, INNER_LEN, 7, 0);
	put16(f, fwd ? 40000 : 80);
	put16(f, fwd ? 80 : 40000);
	for (unsigned i = 0; i < 16; i++)
		put8(f, 0);
}

static uint32_t h_all(const struct fb *f)
{
	return nc_flow_hash(NC_LINK_ETHERNET, f->b, (uint32_t)f->n, NC_TUN_ALL);
}

static uint32_t h_mask(const struct fb *f, uint32_t mask)
{
	return nc_flow_hash(NC_LINK_ETHERNET, f->b, (uint32_t)f->n, mask);
}

/* the plain inner flow, untunnelled: what every tunnel must hash to */
static uint32_t inner_hash(void)
{
	struct fb f = {.n = 0};
	eth(&f, 0x0800);
	inner4(&f, true);
	return h_all(&f);
}

/*
 * Both directions fwd/rev of tunnel type t: equal to the plain inner
 * flow's hash, different from the outer (mask 0), and with t left out
 * of the mask equal to the outer.
 */
static void check_tunnel(const struct fb *fwd, const struct fb *rev,
			 enum nc_tun t)
{
	uint32_t in = inner_hash();
	assert_int_equal(h_all(fwd), in);
	assert_int_equal(h_all(rev), in);
	assert_int_not_equal(h_mask(fwd, 0), in);
	assert_int_equal(h_mask(fwd, 0), h_mask(rev, 0));
	assert_int_equal(h_mask(fwd, NC_TUN_ALL & ~(1u << t)), h_mask(fwd, 0));
	assert_int_equal(h_mask(rev, NC_TUN_ALL & ~(1u << t)), h_mask(rev, 0));
	/* every prefix: no read past the end (ASan) */
	for (size_t n = 0; n < fwd->n; n++)
		(void)nc_flow_hash(NC_LINK_ETHERNET, fwd->b, (uint32_t)n,
				   NC_TUN_ALL);
}

/* outer Ethernet/IPv4/UDP sp->dp, payload of plen octets follows */
static void outer_udp(struct fb *f, bool fwd, uint16_t sp, uint16_t dp,
		      uint16_t plen)
{
	eth(f, 0x0800);
	ip4(f, fwd ? OUT_A : OUT_B, fwd ? OUT_B : OUT_A, 17,
	    (uint16_t)(20 + 8 + plen), 1, 0);
	udp(f, sp, dp, (uint16_t)(8 + plen));
}

static void test_vxlan(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	/* each VTEP picks its own source port; the VTEPs swap */
	outer_udp(&a, true, 51000, 4789, 8 + 14 + INNER_LEN);
	outer_udp(&b, false, 62000, 4789, 8 + 14 + INNER_LEN);
	for (int i = 0; i < 2; i++) {
		struct fb *f = i ? &b : &a;
		put32(f, 0x08000000); /* I flag */
		put32(f, 0x00123400); /* VNI 0x1234 */
		eth(f, 0x0800);
		inner4(f, i == 0);
	}
	check_tunnel(&a, &b, NC_TUN_VXLAN);
	/* VXLAN is by destination port only: 4789 as source is plain UDP */
	struct fb c = {.n = 0};
	outer_udp(&c, true, 4789, 51000, 8 + 14 + INNER_LEN);
	put(&c, a.b + a.n - (8 + 14 + INNER_LEN), 8 + 14 + INNER_LEN);
	assert_int_equal(h_all(&c), h_mask(&c, 0));
	/* a UDP Length beyond the datagram (no cut): udp.c does not go in */
	a.b[14 + 20 + 5] += 16;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
}

static void test_geneve(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	/* a: Ethernet payload (0x6558) with an 8-octet option; b: IPv4
	   payload (EtherType 0x0800), no options */
	outer_udp(&a, true, 40001, 6081, 8 + 8 + 14 + INNER_LEN);
	put16(&a, 0x0200); /* version 0, Opt Len 2 (8 octets) */
	put16(&a, 0x6558);
	put32(&a, 0x00000a00); /* VNI 10 */
	put32(&a, 0x01020301); /* class 0x0102, type 3, length 1 word */
	put32(&a, 0xdeadbeef);
	eth(&a, 0x0800);
	inner4(&a, true);
	outer_udp(&b, false, 40002, 6081, 8 + INNER_LEN);
	put16(&b, 0x0000);
	put16(&b, 0x0800);
	put32(&b, 0x00000a00);
	inner4(&b, false);
	check_tunnel(&a, &b, NC_TUN_GENEVE);
	/* an option running past the options: geneve.bad_option, not in */
	a.b[14 + 20 + 8 + 8 + 3] = 0x05;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
	/* version 1: not in */
	b.b[14 + 20 + 8] = 0x40;
	assert_int_equal(h_all(&b), h_mask(&b, 0));
}

static void test_gtpu(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	/* a: eNodeB -> SGW, destination 2152, with a sequence number and a
	   PDU session container extension header; b: the reply from port
	   2152 to another port (either port counts), other TEID */
	outer_udp(&a, true, 2152, 2152, 8 + 4 + 4 + INNER_LEN);
	put8(&a, 0x36); /* version 1, PT, E, S */
	put8(&a, 255);	/* G-PDU */
	put16(&a, 4 + 4 + INNER_LEN);
	put32(&a, 0x11111111);
	put32(&a, 0x00010085); /* sequence 1, N-PDU 0, next ext 0x85 */
	put32(&a, 0x01000000); /* ext length 1 (4 octets), next 0 */
	inner4(&a, true);
	outer_udp(&b, false, 2152, 33333, 8 + INNER_LEN);
	put8(&b, 0x30);
	put8(&b, 255);
	put16(&b, INNER_LEN);
	put32(&b, 0x22222222);
	inner4(&b, false);
	check_tunnel(&a, &b, NC_TUN_GTPU);
	/* Echo Request (signalling): the outer UDP is the connection */
	b.b[14 + 20 + 8 + 1] = 1;
	assert_int_equal(h_all(&b), h_mask(&b, 0));
}

static void test_teredo(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	uint8_t in6a[40 + 20], in6b[40 + 20];
	struct fb t = {.n = 0};

	/* inner IPv6 2001:db8::1 <-> 2001:db8::2, TCP */
	ip6(&t, 1, 2, 6, 20);
	memset(t.b + t.n, 0, 20);
	memcpy(in6a, t.b, sizeof(in6a));
	t.n = 0;
	ip6(&t, 2, 1, 6, 20);
	memset(t.b + t.n, 0, 20);
	memcpy(in6b, t.b, sizeof(in6b));

	/* a: client -> relay (destination 3544), origin indication first */
	outer_udp(&a, true, 50000, 3544, 8 + sizeof(in6a));
	put32(&a, 0x0000ffff);
	put32(&a, 0xffffffff);
	put(&a, in6a, sizeof(in6a));
	/* b: relay -> client from 3544, an authentication indicator (ID 1
	   octet, AU 0) */
	outer_udp(&b, false, 3544, 50000, 2 + 2 + 1 + 8 + 1 + sizeof(in6b));
	put16(&b, 0x0001);
	put8(&b, 1);
	put8(&b, 0);
	put8(&b, 0xaa);
	put32(&b, 0);
	put32(&b, 0);
	put8(&b, 0);
	put(&b, in6b, sizeof(in6b));

	struct fb plain = {.n = 0};
	eth(&plain, 0x86dd);
	put(&plain, in6a, sizeof(in6a));
	uint32_t in = h_all(&plain);
	assert_int_equal(h_all(&a), in);
	assert_int_equal(h_all(&b), in);
	assert_int_not_equal(h_mask(&a, 0), in);
	assert_int_equal(h_mask(&a, 0), h_mask(&b, 0));
	assert_int_equal(h_mask(&a, NC_TUN_ALL & ~(1u << NC_TUN_TEREDO)),
			 h_mask(&a, 0));
	/* no IPv6 after the indicators: ordinary UDP on 3544 */
	a.b[14 + 20 + 8 + 8] = 0x45;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
}

/* GRE header: flags/version word, protocol type, then optional fields */
static void gre(struct fb *f, uint16_t fv, uint16_t pt)
{
	put16(f, fv);
	put16(f, pt);
}

static void test_gre(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	/* a: GRE v0 with Key and Sequence, IPv4 payload; b: the reverse
	   as TEB (0x6558, inner Ethernet) with a checksum */
	eth(&a, 0x0800);
	ip4(&a, OUT_A, OUT_B, 47, 20 + 12 + INNER_LEN, 1, 0);
	gre(&a, 0x3000, 0x0800);
	put32(&a, 42);
	put32(&a, 1);
	inner4(&a, true);
	eth(&b, 0x0800);
	ip4(&b, OUT_B, OUT_A, 47, 20 + 8 + 14 + INNER_LEN, 1, 0);
	gre(&b, 0x8000, 0x6558);
	put32(&b, 0);
	eth(&b, 0x0800);
	inner4(&b, false);
	check_tunnel(&a, &b, NC_TUN_GRE);
	/* an unknown protocol type: gre.unknown_protocol, the outer pair */
	a.b[14 + 20 + 2] = 0x12;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
	/* version 2: gre.bad_version */
	b.b[14 + 20 + 1] = 0x02;
	assert_int_equal(h_all(&b), h_mask(&b, 0));
}

static void test_pptp(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0};
	/* PPTP enhanced GRE (v1, K, S; b also A): a with Address/Control
	   ff 03 and Protocol 0x0021, b without them and compressed 0x21 */
	eth(&a, 0x0800);
	ip4(&a, OUT_A, OUT_B, 47, 20 + 12 + 4 + INNER_LEN, 1, 0);
	gre(&a, 0x3001, 0x880b);
	put32(&a, (uint32_t)(4 + INNER_LEN) << 16 | 0x1111);
	put32(&a, 5);
	put32(&a, 0xff030021);
	inner4(&a, true);
	eth(&b, 0x0800);
	ip4(&b, OUT_B, OUT_A, 47, 20 + 16 + 1 + INNER_LEN, 1, 0);
	gre(&b, 0x3081, 0x880b);
	put32(&b, (uint32_t)(1 + INNER_LEN) << 16 | 0x2222);
	put32(&b, 9);
	put32(&b, 5); /* acknowledgment */
	put8(&b, 0x21);
	inner4(&b, false);
	check_tunnel(&a, &b, NC_TUN_GRE);
	/* LCP (0xc021): gre.ppp_not_ip, the outer pair */
	a.b[14 + 20 + 12 + 2] = 0xc0;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
}

static void test_erspan(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0}, c = {.n = 0}, d = {.n = 0};
	/* type II (0x88be with S): 8 octets, Ver 1, Ethernet */
	eth(&a, 0x0800);
	ip4(&a, OUT_A, OUT_B, 47, 20 + 8 + 8 + 14 + INNER_LEN, 1, 0);
	gre(&a, 0x1000, 0x88be);
	put32(&a, 1);
	put32(&a, 0x10640005); /* Ver 1, VLAN 100, session 5 */
	put32(&a, 0);
	eth(&a, 0x0800);
	inner4(&a, true);
	/* type III (0x22eb) with the O bit: 12 + 8 octets, FT 0 */
	eth(&b, 0x0800);
	ip4(&b, OUT_B, OUT_A, 47, 20 + 4 + 20 + 14 + INNER_LEN, 1, 0);
	gre(&b, 0x0000, 0x22eb);
	put32(&b, 0x20000005);
	put32(&b, 0x12345678); /* timestamp */
	put32(&b, 0x00000001); /* SGT 0, FT 0, O */
	put32(&b, 0);
	put32(&b, 0);
	eth(&b, 0x0800);
	inner4(&b, false);
	check_tunnel(&a, &b, NC_TUN_ERSPAN);
	/* type III, FT 2 (IP), no O; type I (0x88be, no S): no header */
	eth(&c, 0x0800);
	ip4(&c, OUT_A, OUT_B, 47, 20 + 4 + 12 + INNER_LEN, 1, 0);
	gre(&c, 0x0000, 0x22eb);
	put32(&c, 0x20000005);
	put32(&c, 0);
	put32(&c, 0x00000800); /* FT 2 */
	inner4(&c, true);
	eth(&d, 0x0800);
	ip4(&d, OUT_B, OUT_A, 47, 20 + 4 + 14 + INNER_LEN, 1, 0);
	gre(&d, 0x0000, 0x88be);
	eth(&d, 0x0800);
	inner4(&d, false);
	check_tunnel(&c, &d, NC_TUN_ERSPAN);
	/* FT 3: erspan.unknown_frame_type, the outer pair */
	c.b[14 + 20 + 4 + 10] = 0x0c;
	assert_int_equal(h_all(&c), h_mask(&c, 0));
	/* type II with Ver 2: erspan.bad_version */
	a.b[14 + 20 + 8] = 0x20;
	assert_int_equal(h_all(&a), h_mask(&a, 0));
}

static void test_ipip(void **state)
{
	(void)state;
	struct fb a = {.n = 0}, b = {.n = 0}, c = {.n = 0}, d = {.n = 0};
	/* 4in4 and the reply as 4in6 */
	eth(&a, 0x0800);
	ip4(&a, OUT_A, OUT_B, 4, 20 + INNER_LEN, 1, 0);
	inner4(&a, true);
	eth(&b, 0x86dd);
	ip6(&b, 9, 8, 4, INNER_LEN);
	inner4(&b, false);
	assert_int_equal(h_all(&a), inner_hash());
	assert_int_equal(h_all(&b), inner_hash());
	assert_int_not_equal(h_mask(&a, 0), inner_hash());
	assert_int_equal(h_mask(&a, NC_TUN_ALL & ~(1u << NC_TUN_IPIP)),
			 h_mask(&a, 0));
	/* 6in4 and 6in6: the inner IPv6 pair */
	eth(&c, 0x0800);
	ip4(&c, OUT_A, OUT_B, 41, 20 + 40, 1, 0);
	ip6(&c, 1, 2, 59, 0);
	eth(&d, 0x86dd);
	ip6(&d, 9, 8, 41, 40);
	ip6(&d, 2, 1, 59, 0);
	assert_int_equal(h_all(&c), h_all(&d));
	assert_int_not_equal(h_all(&c), h_mask(&c, 0));
	/* protocol 4 carrying an IPv6 header: ipv4.bad_version inside */
	c.b[14 + 9] = 4;
	assert_int_equal(h_all(&c), h_mask(&c, 0));
}

/* -- depth: NC_MAX_TUNNEL_DEPTH tunnels entered, the next one not -- */
static void test_depth(void **state)
{
	(void)state;
	/* n levels of 4in4 under Ethernet: levels 1..n+1 with addresses
	   10.0.0.k -> 10.0.1.k, the innermost TCP */
	for (unsigned n = 1; n <= NC_MAX_TUNNEL_DEPTH + 1; n++) {
		struct fb f = {.n = 0}, top = {.n = 0};
		eth(&f, 0x0800);
		for (unsigned k = 0; k <= n; k++)
			ip4(&f, 0x0a000000u + k, 0x0a000100u + k,
			    k == n ? 6 : 4, (uint16_t)(20 * (n - k + 1) + 20),
			    1, 0);
		for (unsigned i = 0; i < 20; i++)
			put8(&f, 0);
		/* the level the decoders stop at: IP in IP also stops at
		   NC_MAX_IP_DEPTH (ip.tunnel_too_deep) */
		unsigned stop = n;
		if (stop > NC_MAX_TUNNEL_DEPTH)
			stop = NC_MAX_TUNNEL_DEPTH;
		if (stop > NC_MAX_IP_DEPTH - 1)
			stop = NC_MAX_IP_DEPTH - 1;
		eth(&top, 0x0800);
		ip4(&top, 0x0a000000u + stop, 0x0a000100u + stop, 6, 40, 1, 0);
		assert_int_equal(h_all(&f), h_all(&top));
	}
	/* VXLAN in VXLAN ... : NC_MAX_TUNNEL_DEPTH entered, then the pair
	   of the level where the decoder stopped */
	for (unsigned n = 1; n <= NC_MAX_TUNNEL_DEPTH + 1; n++) {
		struct fb f = {.n = 0}, top = {.n = 0};
		eth(&f, 0x0800);
		for (unsigned k = 0; k < n; k++) {
			unsigned rest = n - k; /* VXLAN levels below */
			uint16_t plen =
			    (uint16_t)(rest * (8 + 8 + 14 + 20) -
				       (8 + 14 + 20) + 8 + INNER_LEN - 20 + 20);
			ip4(&f, 0x0a000000u + k, 0x0a000100u + k, 17,
			    (uint16_t)(20 + plen), 1, 0);
			udp(&f, (uint16_t)(1000 + k), 4789, plen);
			put32(&f, 0x08000000);
			put32(&f, k << 8);
			eth(&f, 0x0800);
		}
		ip4(&f, 0x0a000000u + n, 0x0a000100u + n, 6, INNER_LEN, 1, 0);
		for (unsigned i = 0; i < 20; i++)
			put8(&f, 0);
		unsigned stop =
		    n > NC_MAX_TUNNEL_DEPTH ? NC_MAX_TUNNEL_DEPTH : n;
		eth(&top, 0x0800);
		ip4(&top, 0x0a000000u + stop, 0x0a000100u + stop, 6, 40, 1, 0);
		assert_int_equal(h_all(&f), h_all(&top));
	}
}

/*
 * -- fragment steering --
 * A VXLAN datagram of 3 fragments (offsets 0, 24, 48 octets): the first
 * carries the inner header, the others only data. All three must go to
 * the inner flow's worker; arriving out of order (a later one first), all
 * to the outer pair's.
 */
static void vxlan_frags(struct fb fr[3], uint16_t id, uint32_t src)
{
	/* UDP + VXLAN + Ethernet + inner 40 = 70 octets of IP payload;
	   fragments of 24, 24 and 22 octets would cut the inner header,
	   so the first carries 72 (rounded to 8) and the rest 8 each */
	for (int i = 0; i < 3; i++) {
		fr[i].n = 0;
		eth(&fr[i], 0x0800);
	}
	ip4(&fr[0], src, OUT_B, 17, 20 + 72, id, 0x2000); /* MF */
	udp(&fr[0], 5555, 4789, 8 + 8 + 14 + INNER_LEN + 16);
	put32(&fr[0], 0x08000000);
	put32(&fr[0], 0x00000100);
	eth(&fr[0], 0x0800);
	inner4(&fr[0], true);
	put16(&fr[0], 0); /* pad to 72 */
	ip4(&fr[1], src, OUT_B, 17, 20 + 8, id, 0x2000 | 9);
	put32(&fr[1], 0);
	put32(&fr[1], 0);
	ip4(&fr[2], src, OUT_B, 17, 20 + 8, id, 10);
	put32(&fr[2], 0);
	put32(&fr[2], 0);
}

static uint32_t steer(struct nc_frag_steer *s, const struct fb *f, int64_t t)
{
	return nc_flow_hash_steer(s, NC_LINK_ETHERNET, f->b, (uint32_t)f->n,
				  NC_TUN_ALL, t);
}

static void test_frag_steer(void **state)
{
	(void)state;
	static struct nc_frag_steer s;
	struct fb fr[3];
	const int64_t sec = 1000000000;

	nc_frag_steer_init(&s, 30 * sec);
	vxlan_frags(fr, 100, OUT_A);
	uint32_t in = inner_hash(), outer = h_mask(&fr[0], 0);
	assert_int_not_equal(in, outer);
	/* the later fragments alone hash by the outer pair */
	assert_int_equal(h_all(&fr[1]), outer);
	assert_int_equal(h_all(&fr[0]), in);
	/* in order: all to the inner flow's hash */
	assert_int_equal(steer(&s, &fr[0], 1), in);
	assert_int_equal(steer(&s, &fr[1], 2), in);
	assert_int_equal(steer(&s, &fr[2], 3), in);
	/* out of order (another datagram, id 101): the last fragment first
	   pins the datagram to the outer pair, the first follows it */
	vxlan_frags(fr, 101, OUT_A);
	assert_int_equal(steer(&s, &fr[2], 4), outer);
	assert_int_equal(steer(&s, &fr[0], 5), outer);
	assert_int_equal(steer(&s, &fr[1], 6), outer);
	/* first, then the middle one, then the last: inner */
	vxlan_frags(fr, 102, OUT_A);
	assert_int_equal(steer(&s, &fr[0], 7), in);
	assert_int_equal(steer(&s, &fr[2], 8), in);
	assert_int_equal(steer(&s, &fr[1], 9), in);
	/* after the timeout the entry is gone: id 100 again, a later
	   fragment first, is a new datagram (outer pair) */
	vxlan_frags(fr, 100, OUT_A);
	assert_int_equal(steer(&s, &fr[1], 31 * sec), outer);
	/* unfragmented frames do not touch the table */
	uint64_t miss = s.misses;
	struct fb plain = {.n = 0};
	eth(&plain, 0x0800);
	inner4(&plain, false);
	assert_int_equal(steer(&s, &plain, 31 * sec), in);
	assert_int_equal(s.misses, miss);
	/* with VXLAN off the first fragment is the outer pair too */
	vxlan_frags(fr, 103, OUT_A);
	assert_int_equal(nc_flow_hash_steer(&s, NC_LINK_ETHERNET, fr[0].b,
					    (uint32_t)fr[0].n, 0, 32 * sec),
			 outer);
}

/* Many datagrams in flight (more than the table holds): never a crash,
   and each datagram's fragments in order still agree while its entry
   lives; the table evicts only live entries when a set is full. */
static void test_frag_steer_full(void **state)
{
	(void)state;
	static struct nc_frag_steer s;
	struct fb fr[3];
	const unsigned n = NC_FRAG_STEER_SETS * NC_FRAG_STEER_WAYS * 2;
	unsigned agree = 0;

	nc_frag_steer_init(&s, 1000000000);
	for (unsigned i = 0; i < n; i++) {
		vxlan_frags(fr, (uint16_t)i, OUT_A + (i >> 16));
		uint32_t h0 = steer(&s, &fr[0], 1);
		agree +=
		    steer(&s, &fr[1], 1) == h0 && steer(&s, &fr[2], 1) == h0;
	}
	assert_int_equal(agree, n); /* each datagram's fragments adjacent */
	assert_true(s.evictions > 0);
	/* IPv6 Fragment header: the first fragment descends (UDP/VXLAN),
	   a later one hashes the outer pair; steered together */
	struct fb f6[2] = {{.n = 0}, {.n = 0}};
	eth(&f6[0], 0x86dd);
	ip6(&f6[0], 9, 8, 44, 8 + 8 + 8 + 14 + INNER_LEN);
	put32(&f6[0], 0x11000001); /* next UDP, offset 0, M */
	put32(&f6[0], 0xabcdef01);
	udp(&f6[0], 5555, 4789, 8 + 8 + 14 + INNER_LEN + 100);
	put32(&f6[0], 0x08000000);
	put32(&f6[0], 0x00000100);
	eth(&f6[0], 0x0800);
	inner4(&f6[0], true);
	eth(&f6[1], 0x86dd);
	ip6(&f6[1], 9, 8, 44, 8 + 8);
	put32(&f6[1], 0x11000040); /* offset 8 (64 octets), no M */
	put32(&f6[1], 0xabcdef01);
	put32(&f6[1], 0);
	put32(&f6[1], 0);
	uint32_t in = inner_hash();
	assert_int_equal(h_all(&f6[0]), in);
	assert_int_not_equal(h_all(&f6[1]), in);
	nc_frag_steer_init(&s, 1000000000);
	assert_int_equal(nc_flow_hash_steer(&s, NC_LINK_ETHERNET, f6[0].b,
					    (uint32_t)f6[0].n, NC_TUN_ALL, 1),
			 in);
	assert_int_equal(nc_flow_hash_steer(&s, NC_LINK_ETHERNET, f6[1].b,
					    (uint32_t)f6[1].n, NC_TUN_ALL, 2),
			 in);
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
	    cmocka_unit_test(test_vxlan),
	    cmocka_unit_test(test_geneve),
	    cmocka_unit_test(test_gtpu),
	    cmocka_unit_test(test_teredo),
	    cmocka_unit_test(test_gre),
	    cmocka_unit_test(test_pptp),
	    cmocka_unit_test(test_erspan),
	    cmocka_unit_test(test_ipip),
	    cmocka_unit_test(test_depth),
	    cmocka_unit_test(test_frag_steer),
	    cmocka_unit_test(test_frag_steer_full),
	};
	return cmocka_run_group_tests_name("flowhash", tests, NULL, NULL);
}
