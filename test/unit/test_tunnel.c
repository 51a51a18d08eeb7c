/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the tunnel decoders (decoders/tunnel/): GRE, VXLAN,
 * Geneve, MPLS. Frames marked "from <capture>" are copied from test/data
 * with tshark -x and their expected values are tshark's (where a frame was
 * cut, the IPv4 Total Length and UDP Length were lowered to match and say
 * so); the others are built from the RFC layouts drawn in the decoders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#define ETH(type_hi, type_lo)                                              \
	0x00, 0x16, 0x3e, 0x08, 0x71, 0xcf, /* dst */                      \
	0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x40, /* src */                      \
	type_hi, type_lo

/* IPv4 header, no options: total length tl, protocol p,
   192.168.203.1 -> 192.168.202.1 */
#define IPV4(tl, p)                                                        \
	0x45, 0x00, (tl) >> 8, (tl) & 0xff, /* v4 IHL 5, total length */   \
	0xd2, 0xc0, 0x40, 0x00,             /* id, DF */                   \
	0x40, p, 0x00, 0x00,                /* TTL 64, proto, csum */      \
	0xc0, 0xa8, 0xcb, 0x01,             /* src 192.168.203.1 */        \
	0xc0, 0xa8, 0xca, 0x01              /* dst 192.168.202.1 */

/* ---- GRE ---- */

static void test_gre_key_capture(void **state)
{
	(void)state;
	/* from gre_various.pcap frame 12 (the whole frame) */
	static const uint8_t f[] = {
		0xaa, 0xbb, 0xcc, 0x00, 0x02, 0x00, /* dst */
		0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00, /* src */
		0x81, 0x00, 0x04, 0xbd, 0x08, 0x00, /* VLAN 1213, IPv4 */
		0x45, 0xc0, 0x00, 0x1c, 0x00, 0xa3, 0x00, 0x00,
		0xfe, 0x2f, 0x25, 0xeb,             /* TTL 254, proto 47 */
		0x0a, 0xac, 0x40, 0x06,             /* 10.172.64.6 */
		0x0a, 0xac, 0x40, 0x07,             /* 10.172.64.7 */
		0x20, 0x00,                         /* K, version 0 */
		0x00, 0x00,                         /* protocol 0 */
		0x00, 0x00, 0x00, 0x28,             /* key 0x28 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_GRE), 1);
	assert_int_equal(h_event(h, NC_EV_GRE_INNER), 1);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	/* the port-less connection, as before GRE was decoded */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	assert_int_equal(h->dec.l4.payload_len, 8);
	Netcap__GRE *g = h_get(h, NC_REC_GRE, 0);
	assert_non_null(g);
	assert_false(g->checksumpresent);
	assert_false(g->routingpresent);
	assert_true(g->keypresent);
	assert_false(g->seqpresent);
	assert_false(g->strictsourceroute);
	assert_false(g->ackpresent);
	assert_int_equal(g->recursioncontrol, 0);
	assert_int_equal(g->flags, 0);
	assert_int_equal(g->version, 0);
	assert_int_equal(g->protocol, 0);
	assert_int_equal(g->key, 0x28);
	assert_int_equal(g->n_routing, 0);
	assert_bytes(g->srcip, 10, 172, 64, 6);
	assert_bytes(g->dstip, 10, 172, 64, 7);
	H_FREE(g);
	free(h);
}

static void test_gre_pptp_capture(void **state)
{
	(void)state;
	/* from bigendian_pptp-gre-ppp.pcap frame 16, cut after 2 octets of
	   PPP (IPv4 Total Length lowered from 80 to 34) */
	static const uint8_t f[] = {
		0x08, 0x00, 0x20, 0x9f, 0x6b, 0x72, /* dst */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* src */
		0x08, 0x00,
		0x45, 0x00, 0x00, 0x22, 0x03, 0xbc, 0x00, 0x00,
		0x80, 0x2f, 0x20, 0xad,             /* proto 47 */
		0x0a, 0x01, 0x01, 0x0b,             /* 10.1.1.11 */
		0x0a, 0x01, 0x01, 0x0a,             /* 10.1.1.10 */
		0x30, 0x01,                         /* K S, version 1 */
		0x88, 0x0b,                         /* PPP */
		0x00, 0x30, 0x00, 0x00,             /* payload len 48, call 0 */
		0x00, 0x00, 0x00, 0x00,             /* seq 0 */
		0xff, 0x03,                         /* PPP ... */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__GRE *g = h_get(h, NC_REC_GRE, 0);
	assert_non_null(g);
	assert_true(g->keypresent);
	assert_true(g->seqpresent);
	assert_false(g->ackpresent);
	assert_int_equal(g->version, 1);
	assert_int_equal(g->protocol, 0x880b);
	assert_int_equal(g->key, 48u << 16 | 0);
	assert_int_equal(g->seq, 0);
	H_FREE(g);
	free(h);
}

/* GRE version 0 with routing (RFC 1701): one SRE, then the null SRE. */
#define GRE_ROUTING_HDR                                                    \
	0x40, 0x00, 0x08, 0x00,             /* R, v0, IPv4 */              \
	0x12, 0x34, 0x00, 0x04,             /* checksum, offset 4 */       \
	0x08, 0x00, 0x00, 0x04,             /* SRE: AF IPv4, off 0, len 4 */ \
	0x0a, 0x00, 0x00, 0x01              /* 10.0.0.1 */

static void test_gre_routing(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(20 + 20, 47), GRE_ROUTING_HDR,
		0x00, 0x00, 0x00, 0x00, /* null SRE */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__GRE *g = h_get(h, NC_REC_GRE, 0);
	assert_non_null(g);
	assert_true(g->routingpresent);
	assert_int_equal(g->checksum, 0x1234);
	assert_int_equal(g->offset, 4);
	assert_int_equal(g->n_routing, 1);
	assert_int_equal(g->routing[0]->addressfamily, 0x0800);
	assert_int_equal(g->routing[0]->sreoffset, 0);
	assert_int_equal(g->routing[0]->srelength, 4);
	assert_bytes(g->routing[0]->routinginformation, 10, 0, 0, 1);
	H_FREE(g);

	/* the same without its null SRE: the list lies */
	static const uint8_t bad[] = {
		ETH(0x08, 0x00), IPV4(20 + 16, 47), GRE_ROUTING_HDR,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, bad, sizeof(bad)),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_GRE), 1);
	assert_true(h_has_anomaly(h, "gre.bad_routing"));
	free(h);
}

static void test_gre_bad(void **state)
{
	(void)state;
	/* version 2 */
	static const uint8_t v2[] = {
		ETH(0x08, 0x00), IPV4(20 + 4, 47), 0x00, 0x02, 0x08, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, v2, sizeof(v2)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gre.bad_version"));
	assert_int_equal(h_count(h, NC_REC_GRE), 1);

	/* 2 octets of GRE: truncated, no record, still a connection */
	static const uint8_t t[] = {
		ETH(0x08, 0x00), IPV4(20 + 2, 47), 0x20, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, t, sizeof(t)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_GRE), 0);
	assert_true(h_has_anomaly(h, "gre.truncated"));
	assert_true(h->dec.l4.valid);

	/* K set but the key is missing */
	static const uint8_t k[] = {
		ETH(0x08, 0x00), IPV4(20 + 6, 47),
		0x20, 0x00, 0x08, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, k, sizeof(k)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_GRE), 0);
	free(h);
}

/* ---- VXLAN ---- */

static void test_vxlan_capture(void **state)
{
	(void)state;
	/* from vxlan_icmp-arp.pcap frame 1, cut after 4 octets of the inner
	   frame (IPv4 Total Length 134 -> 40, UDP Length 114 -> 20) */
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(40, 17),
		0xb0, 0x5d, 0x12, 0xb5,             /* 45149 -> 4789 */
		0x00, 0x14, 0x00, 0x00,             /* length 20 */
		0x08, 0x00, 0x00, 0x00,             /* I; GPID 0 */
		0x00, 0x00, 0x64, 0x00,             /* VNI 100 */
		0x00, 0x30, 0x88, 0x01,             /* inner Ethernet ... */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_event(h, NC_EV_VXLAN_INNER), 1);
	Netcap__VXLAN *v = h_get(h, NC_REC_VXLAN, 0);
	assert_non_null(v);
	assert_true(v->valididflag);
	assert_int_equal(v->vni, 100);
	assert_false(v->gbpextension);
	assert_false(v->gbpdontlearn);
	assert_false(v->gbpapplied);
	assert_int_equal(v->gbpgrouppolicyid, 0);
	H_FREE(v);
	free(h);
}

static void test_vxlan_gbp_and_truncated(void **state)
{
	(void)state;
	/* Group Policy: G, I, D, A set, group 0x1234, VNI 0xabcdef */
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(36, 17),
		0xc0, 0x00, 0x12, 0xb5, 0x00, 0x10, 0x00, 0x00,
		0x88, 0x48, 0x12, 0x34, 0xab, 0xcd, 0xef, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__VXLAN *v = h_get(h, NC_REC_VXLAN, 0);
	assert_non_null(v);
	assert_true(v->valididflag);
	assert_true(v->gbpextension);
	assert_true(v->gbpdontlearn);
	assert_true(v->gbpapplied);
	assert_int_equal(v->gbpgrouppolicyid, 0x1234);
	assert_int_equal(v->vni, 0xabcdef);
	H_FREE(v);

	/* 4 octets of VXLAN */
	static const uint8_t t[] = {
		ETH(0x08, 0x00), IPV4(32, 17),
		0xc0, 0x00, 0x12, 0xb5, 0x00, 0x0c, 0x00, 0x00,
		0x08, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, t, sizeof(t)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_count(h, NC_REC_VXLAN), 0);
	assert_true(h_has_anomaly(h, "vxlan.truncated"));

	/* source port 4789 only: not VXLAN */
	static const uint8_t sp[] = {
		ETH(0x08, 0x00), IPV4(36, 17),
		0x12, 0xb5, 0xc0, 0x00, 0x00, 0x10, 0x00, 0x00,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, sp, sizeof(sp)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_VXLAN), 0);
	free(h);
}

/* ---- Geneve ---- */

static void test_geneve_capture(void **state)
{
	(void)state;
	/* from geneve_ssh-icmp.pcap frame 1, cut after 4 octets of the inner
	   frame (IPv4 Total Length 142 -> 48, UDP Length 122 -> 28) */
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(48, 17),
		0x31, 0x4a, 0x17, 0xc1,             /* 12618 -> 6081 */
		0x00, 0x1c, 0x00, 0x00,
		0x02, 0x40, 0x65, 0x58,             /* v0, optlen 2, C, TEB */
		0x00, 0x00, 0x0a, 0x00,             /* VNI 10 */
		0x00, 0x00, 0x80, 0x01,             /* class 0, type 0x80, len 1 */
		0x00, 0x00, 0x00, 0x0c,             /* option data */
		0xfe, 0x71, 0xd8, 0x83,             /* inner Ethernet ... */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GENEVE_INNER), 1);
	Netcap__Geneve *g = h_get(h, NC_REC_GENEVE, 0);
	assert_non_null(g);
	assert_int_equal(g->version, 0);
	assert_int_equal(g->optionslength, 8);
	assert_false(g->oampacket);
	assert_true(g->criticaloption);
	assert_int_equal(g->protocol, 0x6558);
	assert_int_equal(g->vni, 10);
	assert_int_equal(g->n_options, 1);
	assert_int_equal(g->options[0]->class_, 0);
	assert_int_equal(g->options[0]->type, 0x80);
	assert_int_equal(g->options[0]->flags, 0);
	assert_int_equal(g->options[0]->length, 8);
	assert_bytes(g->options[0]->data, 0x00, 0x00, 0x00, 0x0c);
	H_FREE(g);
	free(h);
}

static void test_geneve_bad(void **state)
{
	(void)state;
	/* an option whose length (2 words) runs past Opt Len (2 words) */
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(44, 17),
		0x31, 0x4a, 0x17, 0xc1, 0x00, 0x18, 0x00, 0x00,
		0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0b, 0x00,
		0x00, 0x00, 0x01, 0x02, 0x11, 0x22, 0x33, 0x44,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "geneve.bad_option"));
	Netcap__Geneve *g = h_get(h, NC_REC_GENEVE, 0);
	assert_non_null(g);
	assert_int_equal(g->n_options, 0);
	H_FREE(g);

	/* Opt Len 2 words, 4 octets of options captured */
	static const uint8_t t[] = {
		ETH(0x08, 0x00), IPV4(40, 17),
		0x31, 0x4a, 0x17, 0xc1, 0x00, 0x14, 0x00, 0x00,
		0x02, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0b, 0x00,
		0x00, 0x00, 0x01, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, t, sizeof(t)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_GENEVE), 0);
	assert_true(h_has_anomaly(h, "geneve.truncated"));

	/* version 1 */
	static const uint8_t v[] = {
		ETH(0x08, 0x00), IPV4(36, 17),
		0x31, 0x4a, 0x17, 0xc1, 0x00, 0x10, 0x00, 0x00,
		0x40, 0x00, 0x65, 0x58, 0x00, 0x00, 0x0b, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, v, sizeof(v)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "geneve.bad_version"));
	assert_int_equal(h_count(h, NC_REC_GENEVE), 1);
	free(h);
}

/* ---- MPLS ---- */

static void test_mpls_capture(void **state)
{
	(void)state;
	/* from vlan_mpls_http.pcap frame 3, cut after the TCP header (IPv4
	   Total Length 710 -> 52) */
	static const uint8_t f[] = {
		0x00, 0x08, 0xe3, 0x41, 0x41, 0x41, /* dst */
		0x00, 0x08, 0xe3, 0x41, 0x41, 0x41, /* src */
		0x81, 0x00, 0x0d, 0x47,             /* VLAN 3399 */
		0x88, 0x47,                         /* MPLS */
		0x00, 0x0f, 0xe0, 0x3c,             /* label 254, TC 0, TTL 60 */
		0x00, 0x06, 0x31, 0x3c,             /* label 99, S, TTL 60 */
		0x45, 0x00, 0x00, 0x34, 0x58, 0xf6, 0x40, 0x00,
		0x3d, 0x06, 0xb7, 0x2c,             /* TTL 61, TCP */
		0x41, 0x41, 0x41, 0x41,             /* 65.65.65.65 */
		0x41, 0x41, 0x41, 0x41,             /* 65.65.65.65 */
		0xef, 0x09, 0x00, 0x50,             /* 61193 -> 80 */
		0x9c, 0xc1, 0xe6, 0x76,             /* seq */
		0x5f, 0x07, 0x2e, 0xd2,             /* ack */
		0x80, 0x18, 0x63, 0x88,             /* hdr 32, PSH ACK */
		0xc1, 0x94, 0x00, 0x00,
		0x01, 0x01, 0x08, 0x0a,             /* NOP NOP timestamps */
		0x00, 0xa4, 0x60, 0xde, 0x48, 0xbb, 0x56, 0x18,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_MPLS), 2);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_TCP), 1);
	Netcap__MPLS *m = h_get(h, NC_REC_MPLS, 0);
	assert_non_null(m);
	assert_int_equal(m->label, 254);
	assert_int_equal(m->trafficclass, 0);
	assert_false(m->stackbottom);
	assert_int_equal(m->ttl, 60);
	H_FREE(m);
	m = h_get(h, NC_REC_MPLS, 1);
	assert_int_equal(m->label, 99);
	assert_true(m->stackbottom);
	assert_int_equal(m->ttl, 60);
	H_FREE(m);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_int_equal(t->srcport, 61193);
	assert_int_equal(t->dstport, 80);
	H_FREE(t);
	free(h);
}

/* label 16, TC 5, S, TTL 255 */
#define MPLS_BOS 0x00, 0x01, 0x0b, 0xff
#define ARP_BODY                                                           \
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,                    \
	0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, 0x0a, 0x0a, 0x0a, 0x02,        \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x0a, 0x0a, 0x01

static void test_mpls_pseudowire(void **state)
{
	(void)state;
	/* control word (RFC 4385), then Ethernet with ARP (RFC 4448) */
	static const uint8_t cw[] = {
		ETH(0x88, 0x47), MPLS_BOS, 0x00, 0x00, 0x00, 0x07,
		ETH(0x08, 0x06), ARP_BODY,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, cw, sizeof(cw)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_MPLS), 1);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 2);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	Netcap__MPLS *m = h_get(h, NC_REC_MPLS, 0);
	assert_int_equal(m->label, 16);
	assert_int_equal(m->trafficclass, 5);
	assert_true(m->stackbottom);
	assert_int_equal(m->ttl, 255);
	H_FREE(m);

	/* no control word, destination MAC 0x36...: EtherType ARP, safe */
	static const uint8_t nocw[] = {
		ETH(0x88, 0x47), MPLS_BOS,
		0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x40,
		0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x41, 0x08, 0x06, ARP_BODY,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, nocw, sizeof(nocw)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);

	/* the same with an EtherType netcap does not know: not guessed */
	static const uint8_t unk[] = {
		ETH(0x88, 0x47), MPLS_BOS,
		0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x40,
		0x36, 0xdc, 0x85, 0x1e, 0xb3, 0x41, 0x12, 0x34, ARP_BODY,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, unk, sizeof(unk)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_int_equal(h_event(h, NC_EV_MPLS_UNKNOWN_PAYLOAD), 1);

	/* associated channel (first nibble 1) */
	static const uint8_t ach[] = {
		ETH(0x88, 0x47), MPLS_BOS, 0x10, 0x00, 0x00, 0x21,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ach, sizeof(ach)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_MPLS_PW_ACH), 1);
	free(h);
}

static void test_mpls_limits(void **state)
{
	(void)state;
	/* 9 entries, none the bottom: 8 decoded, then too deep */
	static const uint8_t deep[] = {
		ETH(0x88, 0x47),
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x01, 0x40,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, deep, sizeof(deep)),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_MPLS), NC_MAX_MPLS_DEPTH);
	assert_true(h_has_anomaly(h, "mpls.too_deep"));

	/* MPLS in a pseudowire's Ethernet in MPLS ...: the depth is per
	   frame, so nesting ends too */
	static const uint8_t nest[] = {
		ETH(0x88, 0x47), MPLS_BOS, 0x00, 0x00, 0x00, 0x00,
		ETH(0x88, 0x47), MPLS_BOS, 0x00, 0x00, 0x00, 0x00,
		ETH(0x88, 0x47), 0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40, 0x00, 0x01, 0x00, 0x40,
		0x00, 0x01, 0x00, 0x40,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, nest, sizeof(nest)),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_MPLS), NC_MAX_MPLS_DEPTH);

	/* cut inside the second entry */
	static const uint8_t cut[] = {
		ETH(0x88, 0x47), 0x00, 0x01, 0x00, 0x40, 0x00, 0x01,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, cut, sizeof(cut)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_MPLS), 1);
	assert_true(h_has_anomaly(h, "mpls.truncated"));
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gre_key_capture),
		cmocka_unit_test(test_gre_pptp_capture),
		cmocka_unit_test(test_gre_routing),
		cmocka_unit_test(test_gre_bad),
		cmocka_unit_test(test_vxlan_capture),
		cmocka_unit_test(test_vxlan_gbp_and_truncated),
		cmocka_unit_test(test_geneve_capture),
		cmocka_unit_test(test_geneve_bad),
		cmocka_unit_test(test_mpls_capture),
		cmocka_unit_test(test_mpls_pseudowire),
		cmocka_unit_test(test_mpls_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
