/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the tunnel decoders (decoders/tunnel/, net/ipip.c): GRE
 * and its payloads, ERSPAN, VXLAN, Geneve, MPLS, IP-in-IP, GTP-U, Teredo,
 * the inner records' Tunnel field, the nesting bound and --tunnels.
 * Frames marked "from <capture>" are copied from the captures with
 * tshark -x (tunnel_frames.h holds the whole ones) and their expected
 * values are tshark's (where a frame was cut, the IPv4 Total Length and
 * UDP Length were lowered to match and say so); the others are built from
 * the layouts drawn in the decoders, and what they expect is read off the
 * bytes written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "tunnel_frames.h"

/* The Tunnel field (number 1000) of an unpacked record of any type. */
static const Netcap__Tunnel *tun_of(const void *rec)
{
	const ProtobufCMessage *m = rec;
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(m->descriptor, 1000);
	assert_non_null(f);
	return *(Netcap__Tunnel *const *)((const uint8_t *)m + f->offset);
}

/* The Tunnel of rec is set: type, HasID, ID, Depth. */
static const Netcap__Tunnel *tun_is(const void *rec, const char *type,
				    int hasid, uint32_t id, int depth)
{
	const Netcap__Tunnel *t = tun_of(rec);
	assert_non_null(t);
	assert_string_equal(t->type, type);
	assert_int_equal(t->hasid, hasid);
	assert_int_equal(t->id, id);
	assert_int_equal(t->depth, depth);
	assert_int_equal(strlen(t->tenant), 16);
	return t;
}

/* The nth record of type t carries no Tunnel (an outer record). */
static void no_tun(const struct harness *h, enum nc_rec t, unsigned nth)
{
	void *m = h_get(h, t, nth);
	assert_non_null(m);
	assert_null(tun_of(m));
	H_FREE(m);
}

/* Decode with the wire length longer than the capture (a snap-length cut). */
static enum dec_rc h_decode_cut(struct harness *h, int link,
				const uint8_t *frame, size_t len, size_t wire)
{
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, link, frame, (uint32_t)len,
				(uint32_t)wire, 1000000002LL);
	return h->rc;
}

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
	/* Protocol Type 0 and nothing after the header (tshark: no payload):
	   not decoded, no tunnel entered */
	assert_int_equal(h_event(h, NC_EV_GRE_UNKNOWN_PROTO), 1);
	assert_int_equal(h_event(h, NC_EV_GRE_INNER), 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	assert_int_equal(h->dec.tun.depth, 0);
	/* the port-less connection, as before GRE was decoded */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	assert_int_equal(h->dec.l4.payload_len, 8);
	Netcap__GRE *g = h_get(h, NC_REC_GRE, 0);
	assert_non_null(g);
	assert_null(tun_of(g));
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
	/* PPP's Protocol field is not captured: gre.truncated, the tunnel not
	   entered, so the GRE packet stays the port-less connection */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "gre.truncated"));
	assert_int_equal(h->dec.tun.depth, 0);
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 47);
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
	/* vxlan_icmp-arp.pcap frame 1, tshark: VXLAN VNI 100 (I flag) from
	   192.168.203.1 to 192.168.202.1; inner Ethernet 00:16:3e:37:f6:04
	   -> 00:30:88:01:00:02, IPv4 192.168.203.3 -> 192.168.203.5, ICMP
	   echo request (8/0) */
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, vxlan_f1,
				  sizeof(vxlan_f1)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 2);
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 1);
	assert_int_equal(h_event(h, NC_EV_VXLAN_INNER), 0);
	Netcap__VXLAN *v = h_get(h, NC_REC_VXLAN, 0);
	assert_non_null(v);
	assert_null(tun_of(v));
	assert_true(v->valididflag);
	assert_int_equal(v->vni, 100);
	assert_false(v->gbpextension);
	assert_false(v->gbpdontlearn);
	assert_false(v->gbpapplied);
	assert_int_equal(v->gbpgrouppolicyid, 0);
	H_FREE(v);
	/* outer records: no Tunnel */
	no_tun(h, NC_REC_ETHERNET, 0);
	no_tun(h, NC_REC_IPV4, 0);
	no_tun(h, NC_REC_UDP, 0);
	/* inner records: the VXLAN tunnel */
	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 1);
	assert_bytes(e->srcmac, 0x00, 0x16, 0x3e, 0x37, 0xf6, 0x04);
	assert_bytes(e->dstmac, 0x00, 0x30, 0x88, 0x01, 0x00, 0x02);
	const Netcap__Tunnel *t = tun_is(e, "VXLAN", 1, 100, 1);
	assert_bytes(t->outersrcip, 192, 168, 203, 1);
	assert_bytes(t->outerdstip, 192, 168, 202, 1);
	assert_int_equal(t->n_labels, 0);
	H_FREE(e);
	Netcap__IPv4 *ip = h_get(h, NC_REC_IPV4, 1);
	assert_bytes(ip->srcip, 192, 168, 203, 3);
	assert_bytes(ip->dstip, 192, 168, 203, 5);
	t = tun_is(ip, "VXLAN", 1, 100, 1);
	assert_bytes(t->outersrcip, 192, 168, 203, 1);
	H_FREE(ip);
	Netcap__ICMPv4 *ic = h_get(h, NC_REC_ICMPV4, 0);
	assert_int_equal(ic->typecode, 8 << 8);
	assert_bytes(ic->srcip, 192, 168, 203, 3);
	tun_is(ic, "VXLAN", 1, 100, 1);
	H_FREE(ic);
	/* the connection is the inner ICMP one, not the outer UDP */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 1);

	/* VXLAN off: the outer records only, the UDP datagram the
	   connection */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_VXLAN);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, vxlan_f1,
				  sizeof(vxlan_f1)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_VXLAN_INNER), 1);
	assert_int_equal(h_count(h, NC_REC_VXLAN), 1);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 0);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.dport, 4789);
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
	/* no inner frame at all: the tunnel is entered and its Ethernet
	   frame is truncated, an anomaly inside the tunnel */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "eth.truncated"));
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	tun_is(a, "VXLAN", 1, 0xabcdef, 1);
	H_FREE(a);
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
	/* 4 octets of the inner Ethernet frame: truncated inside the
	   tunnel (VNI 10, outer 192.168.203.1 -> 192.168.202.1) */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_GENEVE_INNER), 0);
	assert_true(h_has_anomaly(h, "eth.truncated"));
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	const Netcap__Tunnel *t = tun_is(a, "Geneve", 1, 10, 1);
	assert_bytes(t->outersrcip, 192, 168, 203, 1);
	assert_bytes(t->outerdstip, 192, 168, 202, 1);
	H_FREE(a);
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
	assert_false(h->dec.l4.valid); /* the outer UDP is no connection */

	/* Geneve off: the Geneve record, nothing inside, the UDP datagram
	   the connection */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_GENEVE);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GENEVE_INNER), 1);
	assert_int_equal(h_count(h, NC_REC_GENEVE), 1);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_false(h_has_anomaly(h, "eth.truncated"));
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.dport, 6081);
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
	/* MPLS is a tunnel: its labels, outermost first; no outer IP */
	const Netcap__Tunnel *tn = tun_is(t, "MPLS", 0, 0, 1);
	assert_int_equal(tn->n_labels, 2);
	assert_int_equal(tn->labels[0], 254);
	assert_int_equal(tn->labels[1], 99);
	assert_int_equal(tn->outersrcip.len, 0);
	assert_int_equal(tn->outerdstip.len, 0);
	H_FREE(t);
	Netcap__IPv4 *ip = h_get(h, NC_REC_IPV4, 0);
	tn = tun_is(ip, "MPLS", 0, 0, 1);
	assert_int_equal(tn->n_labels, 2);
	H_FREE(ip);
	no_tun(h, NC_REC_MPLS, 0);
	no_tun(h, NC_REC_MPLS, 1);
	no_tun(h, NC_REC_ETHERNET, 0);
	assert_int_equal(h->dec.l4.ip_proto, 6);

	/* MPLS off: the label stack only */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_MPLS);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_MPLS), 2);
	assert_int_equal(h_count(h, NC_REC_IPV4), 0);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_int_equal(h_event(h, NC_EV_MPLS_INNER), 1);
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
	Netcap__ARP *arp = h_get(h, NC_REC_ARP, 0);
	const Netcap__Tunnel *tn = tun_is(arp, "MPLS", 0, 0, 1);
	assert_int_equal(tn->n_labels, 1);
	assert_int_equal(tn->labels[0], 16);
	H_FREE(arp);
	no_tun(h, NC_REC_ETHERNET, 0);
	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 1);
	tun_is(e, "MPLS", 0, 0, 1);
	H_FREE(e);

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

/* ---- GRE payloads ---- */

/* UDP header: ports sp -> dp, length l */
#define UDP(sp, dp, l)                                                     \
	(sp) >> 8, (sp) & 0xff, (dp) >> 8, (dp) & 0xff, (l) >> 8, (l) & 0xff, \
	    0x00, 0x00

/* inner IPv4 10.0.0.1 -> 10.0.0.2, UDP 1000 -> 53, 4 octets of data:
   32 octets */
#define IN4_UDP                                                            \
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00,                    \
	0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,                    \
	0x0a, 0x00, 0x00, 0x02, UDP(1000, 53, 12), 0xde, 0xad, 0xbe, 0xef

/* inner IPv6 fe80::1 -> fe80::2, UDP 1000 -> 53, 4 octets: 52 octets */
#define IN6_UDP                                                            \
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x11, 0x40,                    \
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,           \
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,           \
	UDP(1000, 53, 12), 0xde, 0xad, 0xbe, 0xef

/* The inner UDP datagram of IN4_UDP / IN6_UDP is the frame's connection. */
static void inner_udp_conn(const struct harness *h)
{
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.sport, 1000);
	assert_int_equal(h->dec.l4.dport, 53);
}

static void test_gre_teb(void **state)
{
	(void)state;
	/* GRE v0, K (key 7), Transparent Ethernet Bridging, Ethernet ARP */
	static const uint8_t f[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 14 + 28, 47),
		0x20, 0x00, 0x65, 0x58, 0x00, 0x00, 0x00, 0x07,
		ETH(0x08, 0x06), ARP_BODY,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 2);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	no_tun(h, NC_REC_GRE, 0);
	no_tun(h, NC_REC_IPV4, 0);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	const Netcap__Tunnel *t = tun_is(a, "GRE", 1, 7, 1);
	assert_bytes(t->outersrcip, 192, 168, 203, 1);
	assert_bytes(t->outerdstip, 192, 168, 202, 1);
	H_FREE(a);
	/* the outer GRE packet is no connection, ARP none either */
	assert_false(h->dec.l4.valid);

	/* GRE off: the GRE packet is the connection, as before */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_GRE);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	assert_int_equal(h_event(h, NC_EV_GRE_INNER), 1);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	free(h);
}

/* PPTP GRE v1 header: K S, PPP, payload length pl, call ID 0x1234, seq 1 */
#define PPTP_HDR(pl)                                                       \
	0x30, 0x01, 0x88, 0x0b, (pl) >> 8, (pl) & 0xff, 0x12, 0x34,         \
	0x00, 0x00, 0x00, 0x01

static void test_gre_ppp(void **state)
{
	(void)state;
	/* Address and Control, Protocol 0x0021: IPv4 */
	static const uint8_t ac[] = {
		ETH(0x08, 0x00), IPV4(20 + 12 + 4 + 32, 47), PPTP_HDR(36),
		0xff, 0x03, 0x00, 0x21, IN4_UDP,
	};
	/* no Address and Control */
	static const uint8_t noac[] = {
		ETH(0x08, 0x00), IPV4(20 + 12 + 2 + 32, 47), PPTP_HDR(34),
		0x00, 0x21, IN4_UDP,
	};
	/* compressed Protocol (0x21, one octet) */
	static const uint8_t comp[] = {
		ETH(0x08, 0x00), IPV4(20 + 12 + 3 + 32, 47), PPTP_HDR(35),
		0xff, 0x03, 0x21, IN4_UDP,
	};
	static const struct {
		const uint8_t *f;
		size_t n;
	} v4[] = {{ac, sizeof(ac)}, {noac, sizeof(noac)}, {comp, sizeof(comp)}};
	struct harness *h = h_new();
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(h_decode(h, NC_LINK_ETHERNET, v4[i].f, v4[i].n),
				 DEC_OK);
		assert_int_equal(h_count(h, NC_REC_IPV4), 2);
		assert_int_equal(h_count(h, NC_REC_UDP), 1);
		Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
		assert_bytes(u->srcip, 10, 0, 0, 1);
		/* version 1: the Tunnel ID is the Call ID */
		const Netcap__Tunnel *t = tun_is(u, "GRE", 1, 0x1234, 1);
		assert_bytes(t->outersrcip, 192, 168, 203, 1);
		H_FREE(u);
		no_tun(h, NC_REC_IPV4, 0);
		inner_udp_conn(h);
	}

	/* compressed 0x57: IPv6 */
	static const uint8_t v6[] = {
		ETH(0x08, 0x00), IPV4(20 + 12 + 1 + 52, 47), PPTP_HDR(53),
		0x57, IN6_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, v6, sizeof(v6)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	Netcap__IPv6 *ip6 = h_get(h, NC_REC_IPV6, 0);
	tun_is(ip6, "GRE", 1, 0x1234, 1);
	H_FREE(ip6);
	inner_udp_conn(h);

	/* LCP (0xc021), as bigendian_pptp-gre-ppp.pcap frame 16 (tshark:
	   ppp.protocol 0xc021): not IP, not decoded, the tunnel not entered,
	   the GRE packet the connection */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, pptp_f16,
				  sizeof(pptp_f16)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GRE_PPP_NOT_IP), 1);
	assert_int_equal(h->dec.tun.depth, 0);
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	assert_int_equal(h_count(h, NC_REC_GRE), 1);
	free(h);
}

static void test_gre_unknown_and_keepalive(void **state)
{
	(void)state;
	/* Protocol Type 0x1234: not an EtherType netcap decodes */
	static const uint8_t unk[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 4, 47),
		0x00, 0x00, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, unk, sizeof(unk)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GRE_UNKNOWN_PROTO), 1);
	assert_int_equal(h->dec.tun.depth, 0);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	assert_int_equal(h->dec.l4.payload_len, 8);

	/* a Cisco keepalive: GRE IPv4 carrying IPv4 with GRE Protocol
	   Type 0 and nothing after (the reply the far end sends back) */
	static const uint8_t ka[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 24, 47),
		0x00, 0x00, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x00,
		0xff, 0x2f, 0x00, 0x00, 0xc0, 0xa8, 0xca, 0x01,
		0xc0, 0xa8, 0xcb, 0x01, /* 192.168.202.1 -> 192.168.203.1 */
		0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ka, sizeof(ka)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_GRE), 2);
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	assert_int_equal(h_event(h, NC_EV_GRE_UNKNOWN_PROTO), 2);
	no_tun(h, NC_REC_GRE, 0);
	Netcap__GRE *g = h_get(h, NC_REC_GRE, 1);
	assert_int_equal(g->protocol, 0);
	const Netcap__Tunnel *t = tun_is(g, "GRE", 0, 0, 1);
	assert_bytes(t->outersrcip, 192, 168, 203, 1);
	H_FREE(g);
	Netcap__IPv4 *ip = h_get(h, NC_REC_IPV4, 1);
	assert_bytes(ip->srcip, 192, 168, 202, 1);
	tun_is(ip, "GRE", 0, 0, 1);
	H_FREE(ip);
	/* the inner GRE packet, undecoded, is the connection */
	assert_int_equal(h->dec.l4.ip_proto, 47);
	assert_int_equal(h->dec.l4.payload_len, 4);
	free(h);
}

/* ---- ERSPAN ---- */

static void test_erspan_capture(void **state)
{
	(void)state;
	/* erspan-ii_vlan_nortel-ndp_stp.pcap frame 1, tshark: GRE 0x1000 (S)
	   0x88be, ERSPAN version 1 (type II), span ID 101, from
	   192.168.1.172 to 192.168.1.249; mirrored Ethernet
	   00:19:69:df:dc:01 -> 01:80:c2:00:00:00, LLC DSAP 0x42 (STP) */
	struct harness *h = h_new();
	/* (netcap has no STP decoder: the LLC layer ends the frame) */
	h_decode(h, NC_LINK_ETHERNET, erspan2_f1, sizeof(erspan2_f1));
	assert_int_equal(h_event(h, NC_EV_ERSPAN_TRUNC), 0);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 2);
	assert_int_equal(h_count(h, NC_REC_LLC), 1);
	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 1);
	assert_bytes(e->srcmac, 0x00, 0x19, 0x69, 0xdf, 0xdc, 0x01);
	assert_bytes(e->dstmac, 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00);
	const Netcap__Tunnel *t = tun_is(e, "ERSPAN", 1, 101, 1);
	assert_bytes(t->outersrcip, 192, 168, 1, 172);
	assert_bytes(t->outerdstip, 192, 168, 1, 249);
	H_FREE(e);
	Netcap__LLC *l = h_get(h, NC_REC_LLC, 0);
	assert_int_equal(l->dsap, 0x42);
	tun_is(l, "ERSPAN", 1, 101, 1);
	H_FREE(l);
	no_tun(h, NC_REC_GRE, 0);
	assert_false(h->dec.l4.valid);

	/* erspan-iii_dot1q.pcap frame 1, tshark: GRE 0x22eb, ERSPAN version
	   2 (type III), span ID 0, O set (platform subheader), FT 0, from
	   172.31.1.23 to 172.31.1.135; mirrored Ethernet from
	   00:ae:cd:00:0c:f1, VLAN 10, IPv4 172.31.10.31 -> 172.31.10.2,
	   ICMP echo request */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, erspan3_f1,
				  sizeof(erspan3_f1)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), 1);
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 1);
	Netcap__Dot1Q *q = h_get(h, NC_REC_DOT1Q, 0);
	assert_int_equal(q->vlanidentifier, 10);
	tun_is(q, "ERSPAN", 1, 0, 1);
	H_FREE(q);
	Netcap__IPv4 *ip = h_get(h, NC_REC_IPV4, 1);
	assert_bytes(ip->srcip, 172, 31, 10, 31);
	assert_bytes(ip->dstip, 172, 31, 10, 2);
	t = tun_is(ip, "ERSPAN", 1, 0, 1);
	assert_bytes(t->outersrcip, 172, 31, 1, 23);
	assert_bytes(t->outerdstip, 172, 31, 1, 135);
	H_FREE(ip);
	assert_int_equal(h->dec.l4.ip_proto, 1);

	/* ERSPAN off: only the outer records */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_ERSPAN);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, erspan3_f1,
				  sizeof(erspan3_f1)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_ERSPAN_INNER), 1);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_int_equal(h->dec.l4.ip_proto, 47);
	free(h);
}

/* ERSPAN III: version 2, VLAN 0, session sid; timestamp; SGT; then the
   P/FT/HwID/D/Gra/O word w3 */
#define ERSPAN3(sid, w3)                                                    \
	0x20, 0x00, (sid) >> 8, (sid) & 0xff, 0x00, 0x00, 0x00, 0x01,       \
	0x00, 0x00, (w3) >> 8, (w3) & 0xff

static void test_erspan_built(void **state)
{
	(void)state;
	struct harness *h = h_new();

	/* type I: 0x88be without a Sequence Number, Ethernet at once */
	static const uint8_t t1[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 42, 47),
		0x00, 0x00, 0x88, 0xbe, ETH(0x08, 0x06), ARP_BODY,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, t1, sizeof(t1)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	tun_is(a, "ERSPAN", 0, 0, 1);
	H_FREE(a);

	/* type III, no O, FT 0: session 0x3ff (the top 6 bits of the word
	   are COS/BSO/T, not session) */
	static const uint8_t t3[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 12 + 42, 47),
		0x00, 0x00, 0x22, 0xeb, ERSPAN3(0xfc00 | 0x3ff, 0x0000),
		ETH(0x08, 0x06), ARP_BODY,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, t3, sizeof(t3)), DEC_OK);
	a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	tun_is(a, "ERSPAN", 1, 0x3ff, 1);
	H_FREE(a);

	/* type III, FT 2: an IP packet (FT in bits 10-14 of the word) */
	static const uint8_t ip[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 12 + 32, 47),
		0x00, 0x00, 0x22, 0xeb, ERSPAN3(5, 2 << 10), IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ip, sizeof(ip)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	tun_is(u, "ERSPAN", 1, 5, 1);
	H_FREE(u);
	inner_udp_conn(h);

	/* FT 1: not decoded, no tunnel, GRE stays the connection */
	static const uint8_t ft1[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 12 + 32, 47),
		0x00, 0x00, 0x22, 0xeb, ERSPAN3(5, 1 << 10), IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ft1, sizeof(ft1)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_ERSPAN_FRAME_TYPE), 1);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h->dec.l4.ip_proto, 47);

	/* type II with version 2 */
	static const uint8_t bad2[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 8, 47),
		0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0x01,
		0x20, 0x00, 0x00, 0x65, 0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, bad2, sizeof(bad2)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "erspan.bad_version"));
	/* type III with version 1 */
	static const uint8_t bad3[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 12, 47),
		0x00, 0x00, 0x22, 0xeb, 0x10, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, bad3, sizeof(bad3)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "erspan.bad_version"));

	/* type II cut after 4 octets */
	static const uint8_t tr2[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 4, 47),
		0x10, 0x00, 0x88, 0xbe, 0x00, 0x00, 0x00, 0x01,
		0x10, 0x00, 0x00, 0x65,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, tr2, sizeof(tr2)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "erspan.truncated"));
	/* type III with O set, its subheader missing */
	static const uint8_t tr3[] = {
		ETH(0x08, 0x00), IPV4(20 + 4 + 12 + 4, 47),
		0x00, 0x00, 0x22, 0xeb, ERSPAN3(1, 0x0001), 0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, tr3, sizeof(tr3)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "erspan.truncated"));
	assert_int_equal(h->dec.tun.depth, 0);
	free(h);
}

/* ---- GTP-U ---- */

/* outer IPv4 and UDP 2152 -> 2152 around a GTP-U message of n octets */
#define GTP_OUTER(n)                                                       \
	ETH(0x08, 0x00), IPV4(20 + 8 + (n), 17), UDP(2152, 2152, 8 + (n))

static void test_gtpu_capture(void **state)
{
	(void)state;
	/* gtpv1u_gn_fragmented.pcap frame 1, tshark: GTP flags 0x30 (v1,
	   PT 1, no E/S/N), G-PDU, TEID 0x8c61be36, from 239.114.155.111 to
	   63.94.149.181; inner IPv4 10.131.47.185 -> 79.101.110.141, TCP
	   1923 -> 80 SYN */
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, gtpu_f1,
				  sizeof(gtpu_f1)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_count(h, NC_REC_TCP), 1);
	no_tun(h, NC_REC_UDP, 0);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_int_equal(t->srcport, 1923);
	assert_int_equal(t->dstport, 80);
	assert_bytes(t->srcip, 10, 131, 47, 185);
	assert_bytes(t->dstip, 79, 101, 110, 141);
	const Netcap__Tunnel *tn = tun_is(t, "GTP-U", 1, 0x8c61be36, 1);
	assert_bytes(tn->outersrcip, 239, 114, 155, 111);
	assert_bytes(tn->outerdstip, 63, 94, 149, 181);
	H_FREE(t);
	assert_int_equal(h->dec.l4.ip_proto, 6);
	assert_int_equal(h->dec.l4.sport, 1923);

	/* GTP-U off: the UDP datagram is the connection */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_GTPU);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, gtpu_f1,
				  sizeof(gtpu_f1)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GTPU_INNER), 1);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	free(h);
}

static void test_gtpu_optional(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* S: sequence number, N-PDU, next type 0 (4 octets in Length) */
	static const uint8_t s[] = {
		GTP_OUTER(12 + 32),
		0x32, 0xff, 0x00, 4 + 32, 0x00, 0x00, 0x00, 0x09,
		0x12, 0x34, 0x00, 0x00, IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, s, sizeof(s)), DEC_OK);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 1);
	assert_non_null(u);
	assert_bytes(u->srcip, 10, 0, 0, 1);
	tun_is(u, "GTP-U", 1, 9, 1);
	H_FREE(u);
	inner_udp_conn(h);

	/* E: two extension headers (1 and 2 units), then IPv6 */
	static const uint8_t e[] = {
		GTP_OUTER(12 + 4 + 8 + 52),
		0x34, 0xff, 0x00, 4 + 4 + 8 + 52, 0x00, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x00, 0x85,
		0x01, 0x10, 0x05, 0xc0, /* 1 unit, next 0xc0 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* last */
		IN6_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, e, sizeof(e)), DEC_OK);
	Netcap__IPv6 *ip6 = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(ip6);
	tun_is(ip6, "GTP-U", 1, 10, 1);
	H_FREE(ip6);
	inner_udp_conn(h);

	/* 17 extension headers of one unit each: too many */
	static const uint8_t many[] = {
		GTP_OUTER(12 + 17 * 4),
		0x34, 0xff, 0x00, 4 + 17 * 4, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x85,
#define X1 0x01, 0x00, 0x00, 0x85
		X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1, X1,
		0x01, 0x00, 0x00, 0x00,
#undef X1
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, many, sizeof(many)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_extension"));
	assert_int_equal(h->dec.tun.depth, 0);

	/* an extension header of length 0 */
	static const uint8_t zero[] = {
		GTP_OUTER(16), 0x34, 0xff, 0x00, 8, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x85, 0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, zero, sizeof(zero)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_extension"));

	/* an extension header of 2 units where Length leaves 4 octets: it
	   runs past the message, all of which was captured */
	static const uint8_t past[] = {
		GTP_OUTER(16), 0x34, 0xff, 0x00, 8, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x85, 0x02, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, past, sizeof(past)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_length"));
	/* E set, Length 0: the optional fields run past the message */
	static const uint8_t len0[] = {
		GTP_OUTER(12), 0x34, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, len0, sizeof(len0)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_length"));
	/* the same extension header with Length 12, the capture cut after
	   its first 4 octets: truncated */
	static const uint8_t cut[] = {
		GTP_OUTER(16), 0x34, 0xff, 0x00, 12, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x85, 0x02, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode_cut(h, NC_LINK_ETHERNET, cut, sizeof(cut),
				      sizeof(cut) + 4),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "gtpu.truncated"));
	free(h);
}

static void test_gtpu_bad(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* version 2 (GTPv2-C on the user-plane port) */
	static const uint8_t v2[] = {
		GTP_OUTER(8), 0x48, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, v2, sizeof(v2)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_version"));
	/* PT 0: GTP' */
	static const uint8_t pt0[] = {
		GTP_OUTER(8), 0x20, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, pt0, sizeof(pt0)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_version"));
	/* Length 100, 32 octets follow, nothing cut: a lie */
	static const uint8_t len[] = {
		GTP_OUTER(8 + 32), 0x30, 0xff, 0x00, 100, 0x00, 0x00, 0x00, 0x01,
		IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, len, sizeof(len)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "gtpu.bad_length"));
	assert_int_equal(h->dec.l4.ip_proto, 17);
	/* the same cut by the snap length: decoded */
	assert_int_equal(h_decode_cut(h, NC_LINK_ETHERNET, len, sizeof(len),
				      sizeof(len) + 68),
			 DEC_OK);
	assert_false(h_has_anomaly(h, "gtpu.bad_length"));
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	/* 6 octets */
	static const uint8_t tr[] = {
		GTP_OUTER(6), 0x30, 0xff, 0x00, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, tr, sizeof(tr)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "gtpu.truncated"));
	free(h);
}

static void test_gtpu_dispatch(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* Echo Request (type 1): signalling, the UDP datagram stays */
	static const uint8_t echo[] = {
		GTP_OUTER(12), 0x32, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, echo, sizeof(echo)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GTPU_SIGNALLING), 1);
	assert_int_equal(h->dec.tun.depth, 0);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	/* G-PDU whose payload is neither IPv4 nor IPv6 */
	static const uint8_t unk[] = {
		GTP_OUTER(12), 0x30, 0xff, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
		0x20, 0x00, 0x00, 0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, unk, sizeof(unk)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_GTPU_UNKNOWN_PAYLOAD), 1);
	assert_int_equal(h->dec.tun.depth, 0);
	/* port 2152 on the source side only: still GTP-U */
	static const uint8_t sp[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 8 + 32, 17),
		UDP(2152, 40000, 8 + 8 + 32),
		0x30, 0xff, 0x00, 32, 0x00, 0x00, 0x00, 0x07, IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, sp, sizeof(sp)), DEC_OK);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 1);
	assert_non_null(u);
	tun_is(u, "GTP-U", 1, 7, 1);
	H_FREE(u);
	/* and on the destination side only */
	static const uint8_t dp[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 8 + 32, 17),
		UDP(40000, 2152, 8 + 8 + 32),
		0x30, 0xff, 0x00, 32, 0x00, 0x00, 0x00, 0x07, IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, dp, sizeof(dp)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_UDP), 2);
	/* neither: ordinary UDP */
	static const uint8_t no[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 8 + 32, 17),
		UDP(40000, 2153, 8 + 8 + 32),
		0x30, 0xff, 0x00, 32, 0x00, 0x00, 0x00, 0x07, IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, no, sizeof(no)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h->dec.tun.depth, 0);
	free(h);
}

/* ---- Teredo ---- */

static void test_teredo_capture(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* teredo_ipv6-over-udp.pcap frame 30, tshark: 192.168.2.16:3797 ->
	   65.55.158.80:3544, no indicator; IPv6
	   2001:0:4137:9e50:8000:f12a:b9c8:2815 -> 2001:4860:0:2001::68,
	   ICMPv6 128 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, teredo_f30,
				  sizeof(teredo_f30)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 1);
	Netcap__IPv6 *ip = h_get(h, NC_REC_IPV6, 0);
	assert_bytes(ip->srcip, 0x20, 0x01, 0x00, 0x00, 0x41, 0x37, 0x9e, 0x50,
		     0x80, 0x00, 0xf1, 0x2a, 0xb9, 0xc8, 0x28, 0x15);
	const Netcap__Tunnel *t = tun_is(ip, "Teredo", 0, 0, 1);
	assert_bytes(t->outersrcip, 192, 168, 2, 16);
	assert_bytes(t->outerdstip, 65, 55, 158, 80);
	H_FREE(ip);
	Netcap__ICMPv6 *ic = h_get(h, NC_REC_ICMPV6, 0);
	assert_int_equal(ic->typecode >> 8, 128);
	H_FREE(ic);
	no_tun(h, NC_REC_UDP, 0);
	assert_int_equal(h->dec.l4.ip_proto, 58);

	/* frame 6: authentication indicator (ID-len 0, AU-len 0); IPv6
	   fe80::8000:ffff:ffff:fffd -> ff02::2, ICMPv6 133 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, teredo_f6,
				  sizeof(teredo_f6)),
			 DEC_OK);
	ic = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(ic);
	assert_int_equal(ic->typecode >> 8, 133);
	assert_bytes(ic->dstip, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0x02);
	tun_is(ic, "Teredo", 0, 0, 1);
	H_FREE(ic);

	/* frame 7: authentication and origin indication (3797,
	   70.55.215.234); ICMPv6 134 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, teredo_f7,
				  sizeof(teredo_f7)),
			 DEC_OK);
	ic = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(ic);
	assert_int_equal(ic->typecode >> 8, 134);
	t = tun_is(ic, "Teredo", 0, 0, 1);
	assert_bytes(t->outersrcip, 65, 55, 158, 81);
	H_FREE(ic);

	/* frame 31: origin indication only; IPv6 next header 59 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, teredo_f31,
				  sizeof(teredo_f31)),
			 DEC_OK);
	ip = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(ip);
	assert_int_equal(ip->nextheader, 59);
	tun_is(ip, "Teredo", 0, 0, 1);
	H_FREE(ip);

	/* Teredo off */
	h->cfg.tunnels = NC_TUN_ALL & ~(1u << NC_TUN_TEREDO);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, teredo_f30,
				  sizeof(teredo_f30)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_TEREDO_INNER), 1);
	assert_int_equal(h_count(h, NC_REC_IPV6), 0);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	free(h);
}

static void test_teredo_built(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* 44 octets on port 3544 that are not IPv6: ordinary UDP */
	static const uint8_t notv6[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 44, 17), UDP(3544, 5000, 52),
		0x45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,
	};
	uint64_t anomalies = h->dec.records[NC_REC_ANOMALY];
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, notv6, sizeof(notv6)),
			 DEC_OK);
	assert_int_equal(h->dec.records[NC_REC_ANOMALY], anomalies);
	assert_int_equal(h->dec.tun.depth, 0);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.dport, 5000);

	/* authentication indicator: ID-len 5, 3 octets of it captured */
	static const uint8_t auth[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 7, 17), UDP(5000, 3544, 15),
		0x00, 0x01, 0x05, 0x00, 0x61, 0x62, 0x63,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, auth, sizeof(auth)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "teredo.truncated"));
	/* origin indication: 5 of its 8 octets */
	static const uint8_t orig[] = {
		ETH(0x08, 0x00), IPV4(20 + 8 + 5, 17), UDP(5000, 3544, 13),
		0x00, 0x00, 0xf1, 0x2a, 0xb9,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, orig, sizeof(orig)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "teredo.truncated"));
	assert_int_equal(h->dec.tun.depth, 0);
	free(h);
}

/* ---- IP in IP ---- */

/* IPv4 header, protocol p, total length tl, 10.0.0.d -> 10.0.1.d */
#define IPV4N(tl, p, d)                                                    \
	0x45, 0x00, (tl) >> 8, (tl) & 0xff, 0x00, 0x00, 0x00, 0x00,         \
	0x40, p, 0x00, 0x00, 10, 0, 0, d, 10, 0, 1, d

static void test_ipip(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* ipip_4in4.pcap frame 1, tshark: 1.2.3.4 -> 5.6.7.8 carrying
	   10.0.0.1 -> 10.0.0.2, UDP 30000 -> 13000 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ipip44_f1,
				  sizeof(ipip44_f1)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	no_tun(h, NC_REC_IPV4, 0);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_int_equal(u->srcport, 30000);
	assert_int_equal(u->dstport, 13000);
	assert_bytes(u->srcip, 10, 0, 0, 1);
	const Netcap__Tunnel *t = tun_is(u, "IPinIP", 0, 0, 1);
	assert_bytes(t->outersrcip, 1, 2, 3, 4);
	assert_bytes(t->outerdstip, 5, 6, 7, 8);
	H_FREE(u);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.sport, 30000);

	/* 6in4_ipv6-in-ipv4.pcap frame 1: 1.2.3.4 -> 5.6.7.8 carrying
	   dead::beef -> cafe::babe, UDP 30000 -> 13000 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ipip64_f1,
				  sizeof(ipip64_f1)),
			 DEC_OK);
	Netcap__IPv6 *ip6 = h_get(h, NC_REC_IPV6, 0);
	assert_bytes(ip6->srcip, 0xde, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0xbe, 0xef);
	t = tun_is(ip6, "IPinIP", 0, 0, 1);
	assert_bytes(t->outersrcip, 1, 2, 3, 4);
	H_FREE(ip6);

	/* 4in6_ipv4-in-ipv6.pcap frame 1: 2002:4637:d5d3::4637:d5d3 ->
	   2001:4860:0:2001::68 carrying 70.55.213.211 -> 192.88.99.1, TCP
	   31337 -> 80 */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ipip46_f1,
				  sizeof(ipip46_f1)),
			 DEC_OK);
	Netcap__TCP *tc = h_get(h, NC_REC_TCP, 0);
	assert_int_equal(tc->srcport, 31337);
	assert_bytes(tc->srcip, 70, 55, 213, 211);
	t = tun_is(tc, "IPinIP", 0, 0, 1);
	assert_bytes(t->outersrcip, 0x20, 0x02, 0x46, 0x37, 0xd5, 0xd3, 0, 0, 0,
		     0, 0, 0, 0x46, 0x37, 0xd5, 0xd3);
	assert_bytes(t->outerdstip, 0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0,
		     0, 0, 0, 0, 0, 0, 0x68);
	H_FREE(tc);

	/* 6in6in6_nested.pcap frame 1: feed::beef -> feed::cafe carrying
	   babe::beef -> dead::babe carrying dead::beef -> cafe::babe, UDP
	   30000 -> 13000: two tunnels */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ipip666_f1,
				  sizeof(ipip666_f1)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV6), 3);
	no_tun(h, NC_REC_IPV6, 0);
	ip6 = h_get(h, NC_REC_IPV6, 1);
	t = tun_is(ip6, "IPinIP", 0, 0, 1);
	assert_bytes(t->outersrcip, 0xfe, 0xed, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0xbe, 0xef);
	H_FREE(ip6);
	u = h_get(h, NC_REC_UDP, 0);
	t = tun_is(u, "IPinIP", 0, 0, 2);
	assert_bytes(t->outersrcip, 0xba, 0xbe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0xbe, 0xef);
	assert_bytes(t->outerdstip, 0xde, 0xad, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0xba, 0xbe);
	H_FREE(u);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.dport, 13000);

	/* IPv4 in IPv4 in IPv4 in IPv4 in IPv4: NC_MAX_IP_DEPTH (4) IP
	   headers are decoded, the 5th is ip.tunnel_too_deep and the 4th
	   (protocol 4, undecoded payload) is the connection */
	static const uint8_t deep[] = {
		ETH(0x08, 0x00),
		IPV4N(4 * 20 + 32, 4, 1), IPV4N(3 * 20 + 32, 4, 2),
		IPV4N(2 * 20 + 32, 4, 3), IPV4N(20 + 32, 4, 4), IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, deep, sizeof(deep)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "ip.tunnel_too_deep"));
	assert_int_equal(h_count(h, NC_REC_IPV4), 4);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	Netcap__IPv4 *i4 = h_get(h, NC_REC_IPV4, 3);
	assert_bytes(i4->srcip, 10, 0, 0, 4);
	t = tun_is(i4, "IPinIP", 0, 0, 3);
	assert_bytes(t->outersrcip, 10, 0, 0, 3);
	H_FREE(i4);
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 4);
	free(h);
}

/* ---- nesting, --tunnels ---- */

/* GRE v0 with key k, Protocol Type IPv4 */
#define GREK(k) 0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, k

static void test_tunnel_too_deep(void **state)
{
	(void)state;
	/* five GRE tunnels inside each other, keys 1 to 5, the innermost
	   IPv4 carrying UDP */
	static const uint8_t f[] = {
		ETH(0x08, 0x00),
		IPV4N(5 * 28 + 32, 47, 1), GREK(1),
		IPV4N(4 * 28 + 32, 47, 2), GREK(2),
		IPV4N(3 * 28 + 32, 47, 3), GREK(3),
		IPV4N(2 * 28 + 32, 47, 4), GREK(4),
		IPV4N(1 * 28 + 32, 47, 5), GREK(5),
		IN4_UDP,
	};
	struct harness *h = h_new();
	/* 4 tunnels decoded, the 5th is tunnel.too_deep; the records of
	   every layer up to it are written */
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_true(h_has_anomaly(h, "tunnel.too_deep"));
	assert_int_equal(h_event(h, NC_EV_TUNNEL_TOO_DEEP), 1);
	assert_int_equal(h_event(h, NC_EV_GRE_INNER), 0);
	assert_int_equal(h_count(h, NC_REC_GRE), 5);
	assert_int_equal(h_count(h, NC_REC_IPV4), 5);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	no_tun(h, NC_REC_IPV4, 0);
	no_tun(h, NC_REC_GRE, 0);
	for (unsigned i = 1; i < 5; i++) {
		Netcap__GRE *g = h_get(h, NC_REC_GRE, i);
		assert_int_equal(g->key, i + 1);
		const Netcap__Tunnel *t = tun_is(g, "GRE", 1, i, (int)i);
		const uint8_t src[4] = {10, 0, 0, (uint8_t)i};
		const uint8_t dst[4] = {10, 0, 1, (uint8_t)i};
		assert_int_equal(t->outersrcip.len, 4);
		assert_memory_equal(t->outersrcip.data, src, 4);
		assert_memory_equal(t->outerdstip.data, dst, 4);
		H_FREE(g);
	}
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	tun_is(a, "GRE", 1, 4, 4);
	H_FREE(a);
	/* the undecoded 5th GRE packet is the connection */
	assert_int_equal(h->dec.l4.ip_proto, 47);

	/* four tunnels: all decoded */
	static const uint8_t f4[] = {
		ETH(0x08, 0x00),
		IPV4N(4 * 28 + 32, 47, 1), GREK(1),
		IPV4N(3 * 28 + 32, 47, 2), GREK(2),
		IPV4N(2 * 28 + 32, 47, 3), GREK(3),
		IPV4N(1 * 28 + 32, 47, 4), GREK(4),
		IN4_UDP,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f4, sizeof(f4)), DEC_OK);
	assert_int_equal(h_event(h, NC_EV_TUNNEL_TOO_DEEP), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	tun_is(u, "GRE", 1, 4, 4);
	H_FREE(u);
	inner_udp_conn(h);
	free(h);
}

static void test_tunnels_parse(void **state)
{
	(void)state;
	uint32_t m = 0;
	char err[160] = "";
	assert_int_equal(nc_tunnels_parse(NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m, NC_TUN_ALL);
	assert_int_equal(nc_tunnels_parse("all", &m, err, sizeof(err)), 0);
	assert_int_equal(m, NC_TUN_ALL);
	assert_int_equal(nc_tunnels_parse("ALL", &m, err, sizeof(err)), 0);
	assert_int_equal(m, NC_TUN_ALL);
	assert_int_equal(nc_tunnels_parse("none", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 0);
	assert_int_equal(nc_tunnels_parse("vxlan", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 1u << NC_TUN_VXLAN);
	assert_int_equal(
	    nc_tunnels_parse("GRE,erspan,Geneve,mpls,ipinip,gtp-u,TEREDO,VXLAN",
			     &m, err, sizeof(err)),
	    0);
	assert_int_equal(m, NC_TUN_ALL);
	assert_int_equal(nc_tunnels_parse("gre,gtp-u", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 1u << NC_TUN_GRE | 1u << NC_TUN_GTPU);
	/* unknown names, empty names */
	assert_int_equal(nc_tunnels_parse("gre,l2tp", &m, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "\"l2tp\""));
	assert_int_equal(nc_tunnels_parse("gtp", &m, err, sizeof(err)), -1);
	assert_int_equal(nc_tunnels_parse("gre,", &m, err, sizeof(err)), -1);
	assert_int_equal(nc_tunnels_parse("", &m, err, sizeof(err)), -1);
	assert_int_equal(nc_tunnels_parse("vxlanx", &m, err, sizeof(err)), -1);
	/* the names */
	assert_string_equal(nc_tun_name(NC_TUN_GTPU), "GTP-U");
	assert_string_equal(nc_tun_name(NC_TUN_IPIP), "IPinIP");
	assert_null(nc_tun_name(NC_TUN_NONE));
	assert_null(nc_tun_name(NC_TUN_MAX));
	assert_int_equal(nc_tun_parse("Teredo", 6), NC_TUN_TEREDO);
	assert_int_equal(nc_tun_parse("Teredo", 5), NC_TUN_NONE);
}

/* cfg.tunnels 0 (--no-tunnels): every capture frame keeps its outer
   records only, counts its type's inner_not_decoded, and its outer
   transport (tshark's ip.proto / ipv6.nxt of the outer header, or UDP) is
   the connection */
static void test_no_tunnels(void **state)
{
	(void)state;
	static const struct {
		const uint8_t *f;
		size_t n;
		enum nc_event ev;
		uint8_t proto;
	} c[] = {
	    {vxlan_f1, sizeof(vxlan_f1), NC_EV_VXLAN_INNER, 17},
	    {gtpu_f1, sizeof(gtpu_f1), NC_EV_GTPU_INNER, 17},
	    {erspan2_f1, sizeof(erspan2_f1), NC_EV_ERSPAN_INNER, 47},
	    {erspan3_f1, sizeof(erspan3_f1), NC_EV_ERSPAN_INNER, 47},
	    {ipip44_f1, sizeof(ipip44_f1), NC_EV_IPIP_INNER, 4},
	    {ipip64_f1, sizeof(ipip64_f1), NC_EV_IPIP_INNER, 41},
	    {ipip46_f1, sizeof(ipip46_f1), NC_EV_IPIP_INNER, 4},
	    {ipip666_f1, sizeof(ipip666_f1), NC_EV_IPIP_INNER, 41},
	    {teredo_f6, sizeof(teredo_f6), NC_EV_TEREDO_INNER, 17},
	};
	struct harness *h = h_new();
	h->cfg.tunnels = 0;
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint64_t before = h_event(h, c[i].ev);
		h_decode(h, NC_LINK_ETHERNET, c[i].f, c[i].n);
		assert_true(h->rc == DEC_OK || c[i].f == erspan2_f1);
		assert_int_equal(h_event(h, c[i].ev), before + 1);
		assert_int_equal(h->dec.tun.depth, 0);
		assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
		assert_int_equal(h_count(h, NC_REC_IPV4) + h_count(h, NC_REC_IPV6),
				 1);
		for (unsigned k = 0; k < h->n; k++) {
			void *m = h_get(h, h->recs[k].type, 0);
			assert_null(tun_of(m));
			H_FREE(m);
		}
		assert_true(h->dec.l4.valid);
		assert_int_equal(h->dec.l4.ip_proto, c[i].proto);
	}
	assert_int_equal(h_event(h, NC_EV_TUNNEL_TOO_DEEP), 0);
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
		cmocka_unit_test(test_gre_teb),
		cmocka_unit_test(test_gre_ppp),
		cmocka_unit_test(test_gre_unknown_and_keepalive),
		cmocka_unit_test(test_erspan_capture),
		cmocka_unit_test(test_erspan_built),
		cmocka_unit_test(test_gtpu_capture),
		cmocka_unit_test(test_gtpu_optional),
		cmocka_unit_test(test_gtpu_bad),
		cmocka_unit_test(test_gtpu_dispatch),
		cmocka_unit_test(test_teredo_capture),
		cmocka_unit_test(test_teredo_built),
		cmocka_unit_test(test_ipip),
		cmocka_unit_test(test_tunnel_too_deep),
		cmocka_unit_test(test_tunnels_parse),
		cmocka_unit_test(test_no_tunnels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
