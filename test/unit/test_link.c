/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the pseudo link layers (decoders/link.c): Linux SLL and
 * SLL2, BSD NULL and LOOP, raw IP.
 *
 * None of these layers writes a record, so tests see them through what they
 * dispatch to: ARP (an ARP record, decoders/arp.c) or IP, which other
 * decoders handle; for IP the tests only check that the link layer raised
 * none of its own events. Frames marked "from <capture>" are copied from
 * /work/shared/testdata/pcaps with tshark -x; expected values are tshark's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* ARP request body from arp_request-reply_icmp.pcap frame 1 (28 octets). */
#define ARP_REQ_BODY                                                       \
	0x00, 0x01,                         /* htype 1 Ethernet */         \
	0x08, 0x00,                         /* ptype IPv4 */               \
	0x06, 0x04,                         /* hlen 6, plen 4 */           \
	0x00, 0x01,                         /* oper 1 request */           \
	0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* sha */                      \
	0x0a, 0x0a, 0x0a, 0x02,             /* spa 10.10.10.2 */           \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */                      \
	0x0a, 0x0a, 0x0a, 0x01              /* tpa 10.10.10.1 */

/* IPv6 header, payload length 0, next header 59 (no next header). */
#define IPV6_EMPTY                                                         \
	0x60, 0x00, 0x00, 0x00,             /* version 6, class, flow */   \
	0x00, 0x00, 0x3b, 0x40,             /* plen 0, nh 59, hlim 64 */   \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* src ::1 */      \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1  /* dst ::1 */

/* None of the link-layer events of this file fired. */
static void assert_no_link_events(const struct harness *h)
{
	static const enum nc_event evs[] = {
		NC_EV_SLL_TRUNC,	  NC_EV_SLL2_TRUNC,
		NC_EV_SLL_NOT_ETHERTYPE,  NC_EV_SLL2_NOT_ETHERTYPE,
		NC_EV_NULL_TRUNC,	  NC_EV_NULL_UNKNOWN_FAMILY,
		NC_EV_RAW_TRUNC,	  NC_EV_RAW_BAD_VERSION,
		NC_EV_ETH_UNKNOWN_TYPE, NC_EV_LINK_UNSUPPORTED,
	};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		assert_int_equal(h_event(h, evs[i]), 0);
}

/* The ARP request of ARP_REQ_BODY, as tshark decodes it. */
static void assert_arp_request(const struct harness *h)
{
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->timestamp, 1000000002LL);
	assert_int_equal(a->addrtype, 1);
	assert_int_equal(a->protocol, 0x0800);
	assert_int_equal(a->hwaddresssize, 6);
	assert_int_equal(a->protocoladdresssize, 4);
	assert_int_equal(a->operation, 1);
	assert_bytes(a->srchwaddress, 0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc);
	assert_bytes(a->srcprotocoladdress, 10, 10, 10, 2);
	assert_bytes(a->dsthwaddress, 0, 0, 0, 0, 0, 0);
	assert_bytes(a->dstprotocoladdress, 10, 10, 10, 1);
	H_FREE(a);
}

/* ---- Linux SLL (v1) ---- */

static void test_sll_arp(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x01,                         /* packet type broadcast */
		0x00, 0x01,                         /* ARPHRD_ETHER */
		0x00, 0x06,                         /* address length 6 */
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* address */
		0x00, 0x00,                         /* address padding */
		0x08, 0x06,                         /* protocol ARP */
		ARP_REQ_BODY,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, f, sizeof(f)),
			 DEC_OK);
	assert_arp_request(h);
	assert_no_link_events(h);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_sll_ipv4_capture(void **state)
{
	(void)state;
	/* from linux-sll_tcp-handshake_nsec.pcap frame 1: header + IPv4 */
	static const uint8_t f[] = {
		0x00, 0x04,             /* packet type 4: sent by us */
		0x02, 0x00,             /* ARPHRD 512 (PPP) */
		0x00, 0x00,             /* address length 0 */
		0x00, 0x00, 0x00, 0x00, /* address (unused) */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00,             /* protocol IPv4 */
		/* IPv4 + TCP SYN 131.155.215.69 -> 137.116.81.94 */
		0x45, 0x00, 0x00, 0x3c, 0x29, 0xa9, 0x40, 0x00, 0x40, 0x06,
		0xdb, 0x5f, 0x83, 0x9b, 0xd7, 0x45, 0x89, 0x74, 0x51, 0x5e,
		0xb6, 0x40, 0x00, 0x50, 0x2f, 0x84, 0x2a, 0xcb, 0x00, 0x00,
		0x00, 0x00, 0xa0, 0x02, 0x6a, 0x40, 0x50, 0xc4, 0x00, 0x00,
		0x02, 0x04, 0x05, 0x50, 0x04, 0x02, 0x08, 0x0a, 0x43, 0x6a,
		0x03, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_LINUX_SLL, f, sizeof(f));
	assert_no_link_events(h);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	free(h);
}

static void test_sll_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00,                         /* packet type to us */
		0x00, 0x01,                         /* ARPHRD_ETHER */
		0x00, 0x06,                         /* address length */
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* address */
		0x00, 0x00,                         /* padding */
		0x08,                               /* protocol cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_SLL_TRUNC), 1);
	assert_true(h_has_anomaly(h, "sll.truncated"));
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_non_null(a);
	assert_int_equal(a->offset, 0);
	assert_int_equal(a->framelength, 15);
	H_FREE(a);
	free(h);
}

static void test_sll_empty(void **state)
{
	(void)state;
	static const uint8_t f[1] = { 0 };
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, f, 0), DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_SLL_TRUNC), 1);
	free(h);
}

static void test_sll_not_ethertype(void **state)
{
	(void)state;
	static const uint8_t llc[] = {
		0x00, 0x00,             /* packet type to us */
		0x00, 0x01,             /* ARPHRD_ETHER */
		0x00, 0x00,             /* address length 0 */
		0x00, 0x00, 0x00, 0x00, /* address */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x04,             /* protocol 4: 802.2 LLC follows */
		0x42, 0x42, 0x03,       /* LLC: STP SAPs, UI */
	};
	static const uint8_t novell[] = {
		0x00, 0x00,             /* packet type to us */
		0x00, 0x01,             /* ARPHRD_ETHER */
		0x00, 0x00,             /* address length 0 */
		0x00, 0x00, 0x00, 0x00, /* address */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x01,             /* protocol 1: Novell 802.3 */
		0xff, 0xff,             /* IPX checksum */
	};
	static const uint8_t netlink[] = {
		0x00, 0x04,             /* packet type: sent by us */
		0x03, 0x38,             /* ARPHRD_NETLINK (824) */
		0x00, 0x00,             /* address length 0 */
		0x00, 0x00, 0x00, 0x00, /* address */
		0x00, 0x00, 0x00, 0x00,
		0x08, 0x00,             /* netlink family, not an ethertype */
		0x14, 0x00, 0x00, 0x00, /* nlmsghdr length ... */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, llc, sizeof(llc)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_SLL_NOT_ETHERTYPE), 1);
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, novell,
				  sizeof(novell)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_SLL_NOT_ETHERTYPE), 2);
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, netlink,
				  sizeof(netlink)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_SLL_NOT_ETHERTYPE), 3);
	/* INFO events: counted, no Anomaly record, nothing dispatched */
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_ETH_UNKNOWN_TYPE), 0);
	assert_int_equal(h->dec.ip_len, 0);
	free(h);
}

/* ---- Linux SLL2 ---- */

static void test_sll2_arp_capture(void **state)
{
	(void)state;
	/* from linux-sll2_icmp-icmpv6-arp.pcap frame 5 */
	static const uint8_t f[] = {
		0x08, 0x06,                         /* protocol ARP */
		0x00, 0x00,                         /* reserved */
		0x00, 0x00, 0x00, 0x1a,             /* interface index 26 */
		0x00, 0x01,                         /* ARPHRD_ETHER */
		0x04,                               /* packet type: sent by us */
		0x06,                               /* address length 6 */
		0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, /* address */
		0x00, 0x00,                         /* padding */
		0x00, 0x01,                         /* htype Ethernet */
		0x08, 0x00,                         /* ptype IPv4 */
		0x06, 0x04,                         /* hlen, plen */
		0x00, 0x01,                         /* oper request */
		0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, /* sha */
		0xc0, 0x00, 0x02, 0x01,             /* spa 192.0.2.1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */
		0xc0, 0x00, 0x02, 0x02,             /* tpa 192.0.2.2 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL2, f, sizeof(f)),
			 DEC_OK);
	assert_no_link_events(h);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->addrtype, 1);
	assert_int_equal(a->protocol, 0x0800);
	assert_int_equal(a->hwaddresssize, 6);
	assert_int_equal(a->protocoladdresssize, 4);
	assert_int_equal(a->operation, 1);
	assert_bytes(a->srchwaddress, 0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf);
	assert_bytes(a->srcprotocoladdress, 192, 0, 2, 1);
	assert_bytes(a->dsthwaddress, 0, 0, 0, 0, 0, 0);
	assert_bytes(a->dstprotocoladdress, 192, 0, 2, 2);
	H_FREE(a);
	free(h);
}

static void test_sll2_rarp_capture(void **state)
{
	(void)state;
	/* linux-sll2_icmp-icmpv6-arp.pcap frame 6: RARP (tshark: arp.opcode 3) */
	static const uint8_t f[] = {
		0x80, 0x35,                         /* protocol RARP */
		0x00, 0x00,                         /* reserved */
		0x00, 0x00, 0x00, 0x1a,             /* interface index 26 */
		0x00, 0x01,                         /* ARPHRD_ETHER */
		0x04,                               /* packet type */
		0x06,                               /* address length */
		0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, /* address */
		0x00, 0x00,                         /* padding */
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, /* RARP header */
		0x00, 0x03,                         /* oper 3 */
		0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, 0xc0, 0x00, 0x02, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL2, f, sizeof(f)),
			 DEC_OK);
	/* RARP has the ARP layout and is written as an ARP record */
	assert_int_equal(h_event(h, NC_EV_ETH_UNKNOWN_TYPE), 0);
	assert_int_equal(h_event(h, NC_EV_SLL2_NOT_ETHERTYPE), 0);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->operation, 3);
	assert_bytes(a->srcprotocoladdress, 192, 0, 2, 1);
	assert_bytes(a->dstprotocoladdress, 192, 0, 2, 2);
	H_FREE(a);
	free(h);
}

static void test_sll2_ipv6_capture(void **state)
{
	(void)state;
	/* from linux-sll2_icmp-icmpv6-arp.pcap frame 3, header + IPv6 */
	static const uint8_t f[] = {
		0x86, 0xdd,             /* protocol IPv6 */
		0x00, 0x00,             /* reserved */
		0x00, 0x00, 0x00, 0x01, /* interface index 1 */
		0x03, 0x04,             /* ARPHRD_LOOPBACK (772) */
		0x00,                   /* packet type to us */
		0x06,                   /* address length */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* address */
		/* IPv6 + ICMPv6 echo request fe80::8c36:6ff:fe44:acaf */
		0x60, 0x05, 0xc2, 0xe4, 0x00, 0x40, 0x3a, 0x40, 0xfe, 0x80,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x36, 0x06, 0xff,
		0xfe, 0x44, 0xac, 0xaf, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x8c, 0x36, 0x06, 0xff, 0xfe, 0x44, 0xac, 0xaf,
		0x80, 0x00, 0xa8, 0xd7, 0x00, 0x09, 0x00, 0x01, 0xf8, 0xbd,
		0xf9, 0x62, 0x00, 0x00, 0x00, 0x00, 0xab, 0x59, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
		0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
		0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
		0x34, 0x35, 0x36, 0x37,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_LINUX_SLL2, f, sizeof(f));
	assert_no_link_events(h);
	free(h);
}

static void test_sll2_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x08, 0x06,                         /* protocol ARP */
		0x00, 0x00,                         /* reserved */
		0x00, 0x00, 0x00, 0x1a,             /* interface index */
		0x00, 0x01,                         /* ARPHRD_ETHER */
		0x04,                               /* packet type */
		0x06,                               /* address length */
		0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, /* address */
		0x00,                               /* padding cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL2, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_SLL2_TRUNC), 1);
	assert_true(h_has_anomaly(h, "sll2.truncated"));
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	free(h);
}

static void test_sll2_not_ethertype(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x04,             /* protocol 4: 802.2 LLC */
		0x00, 0x00,             /* reserved */
		0x00, 0x00, 0x00, 0x02, /* interface index 2 */
		0x00, 0x01,             /* ARPHRD_ETHER */
		0x00,                   /* packet type */
		0x00,                   /* address length */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* address */
		0x42, 0x42, 0x03,       /* LLC: STP SAPs, UI */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL2, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_SLL2_NOT_ETHERTYPE), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/* ---- BSD NULL / LOOP ---- */

static void test_null_le_ipv4_capture(void **state)
{
	(void)state;
	/* from null-loopback_dns-svcb.pcap frame 1 */
	static const uint8_t f[] = {
		0x02, 0x00, 0x00, 0x00, /* family 2 (AF_INET), little-endian */
		/* IPv4 + UDP + DNS query 127.0.0.1 -> 127.0.0.1 */
		0x45, 0x00, 0x00, 0x50, 0xb2, 0x66, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
		0xe0, 0xcd, 0x00, 0x35, 0x00, 0x3c, 0xfe, 0x4f, 0xc9, 0x64,
		0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
		0x6f, 0x6d, 0x00, 0x00, 0x40, 0x00, 0x01, 0x00, 0x00, 0x29,
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a,
		0x00, 0x08, 0xae, 0x42, 0x38, 0xd9, 0x3c, 0x7c, 0x85, 0x38,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_NULL, f, sizeof(f));
	assert_no_link_events(h);
	free(h);
}

static void test_null_be_ipv4(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00, 0x00, 0x02, /* family 2 (AF_INET), big-endian */
		0x45, 0x00, 0x00, 0x14, /* IPv4, IHL 5, total length 20 */
		0x00, 0x01, 0x00, 0x00, /* id 1, no fragment */
		0x40, 0x3b, 0x7c, 0xac, /* TTL 64, proto 59, checksum */
		0x7f, 0x00, 0x00, 0x01, /* src 127.0.0.1 */
		0x7f, 0x00, 0x00, 0x01, /* dst 127.0.0.1 */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_NULL, f, sizeof(f));
	assert_no_link_events(h);
	/* the same family in network order under LINKTYPE_LOOP */
	h_decode(h, NC_LINK_LOOP, f, sizeof(f));
	assert_no_link_events(h);
	free(h);
}

static void test_null_ipv6_families(void **state)
{
	(void)state;
	/* AF_INET6 of NetBSD/OpenBSD (24), FreeBSD (28), Darwin (30) */
	static const uint8_t fams[] = { 24, 28, 30 };
	uint8_t f[4 + 40] = {
		0x00, 0x00, 0x00, 0x00, /* family, filled in below */
		IPV6_EMPTY,
	};
	struct harness *h = h_new();
	for (size_t i = 0; i < sizeof(fams); i++) {
		/* little-endian: 18 00 00 00 */
		memset(f, 0, 4);
		f[0] = fams[i];
		h_decode(h, NC_LINK_NULL, f, sizeof(f));
		assert_no_link_events(h);
		/* big-endian: 00 00 00 18, under NULL and under LOOP */
		memset(f, 0, 4);
		f[3] = fams[i];
		h_decode(h, NC_LINK_NULL, f, sizeof(f));
		assert_no_link_events(h);
		h_decode(h, NC_LINK_LOOP, f, sizeof(f));
		assert_no_link_events(h);
	}
	free(h);
}

static void test_null_unknown_family(void **state)
{
	(void)state;
	static const uint8_t linux_inet6[] = {
		0x0a, 0x00, 0x00, 0x00, /* 10: Linux AF_INET6, not a BSD one */
		IPV6_EMPTY,
	};
	static const uint8_t zero[] = {
		0x00, 0x00, 0x00, 0x00, /* family 0 */
		0x45, 0x00,
	};
	static const uint8_t le_under_loop[] = {
		0x02, 0x00, 0x00, 0x00, /* LOOP is network order: 0x02000000 */
		0x45, 0x00,
	};
	static const uint8_t high_both[] = {
		0x00, 0x02, 0x00, 0x02, /* neither order gives a family */
		0x45, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_NULL, linux_inet6,
				  sizeof(linux_inet6)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_NULL_UNKNOWN_FAMILY), 1);
	assert_int_equal(h_decode(h, NC_LINK_NULL, zero, sizeof(zero)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_NULL_UNKNOWN_FAMILY), 2);
	assert_int_equal(h_decode(h, NC_LINK_LOOP, le_under_loop,
				  sizeof(le_under_loop)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_NULL_UNKNOWN_FAMILY), 3);
	assert_int_equal(h_decode(h, NC_LINK_NULL, high_both,
				  sizeof(high_both)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_NULL_UNKNOWN_FAMILY), 4);
	/* INFO: no Anomaly record, nothing decoded behind it */
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h->dec.ip_len, 0);
	free(h);
}

static void test_null_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x02, 0x00, 0x00, /* family cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_NULL, f, sizeof(f)), DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_NULL_TRUNC), 1);
	assert_true(h_has_anomaly(h, "null.truncated"));
	assert_int_equal(h_decode(h, NC_LINK_LOOP, f, sizeof(f)), DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_NULL_TRUNC), 2);
	free(h);
}

/* ---- raw IP ---- */

static void test_raw_ipv4_capture(void **state)
{
	(void)state;
	/* from rawip-dlt101_ipv4_dns.pcap frame 1 */
	static const uint8_t f[] = {
		0x45, 0x00, 0x00, 0x39, /* IPv4, IHL 5, total length 57 */
		0x00, 0x01, 0x00, 0x00, /* id 1 */
		0x40, 0x11, 0xa6, 0x95, /* TTL 64, UDP, checksum */
		0xc0, 0xa8, 0x01, 0x64, /* 192.168.1.100 */
		0x09, 0x09, 0x09, 0x09, /* 9.9.9.9 */
		/* UDP 12345 -> 53, DNS query example.com A */
		0x30, 0x39, 0x00, 0x35, 0x00, 0x25, 0x19, 0x76, 0x12, 0x34,
		0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
		0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_RAW, f, sizeof(f));
	assert_no_link_events(h);
	h_decode(h, NC_LINK_IPV4, f, sizeof(f));
	assert_no_link_events(h);
	free(h);
}

static void test_raw_ipv6(void **state)
{
	(void)state;
	static const uint8_t f[] = { IPV6_EMPTY };
	struct harness *h = h_new();
	h_decode(h, NC_LINK_RAW, f, sizeof(f));
	assert_no_link_events(h);
	h_decode(h, NC_LINK_IPV6, f, sizeof(f));
	assert_no_link_events(h);
	free(h);
}

static void test_raw_bad_version(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x55, 0x00, 0x00, 0x14, /* version 5 (ST-II): not IP here */
		0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t zero[] = {
		0x00, /* version 0 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_RAW, f, sizeof(f)), DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_RAW_BAD_VERSION), 1);
	assert_true(h_has_anomaly(h, "raw.bad_version"));
	assert_int_equal(h_decode(h, NC_LINK_RAW, zero, sizeof(zero)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_RAW_BAD_VERSION), 2);
	assert_int_equal(h->dec.ip_len, 0);
	free(h);
}

static void test_raw_empty(void **state)
{
	(void)state;
	static const uint8_t f[1] = { 0x45 };
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_RAW, f, 0), DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_RAW_TRUNC), 1);
	assert_true(h_has_anomaly(h, "raw.truncated"));
	free(h);
}

/* Every link layer survives every short prefix of a valid frame. */
static void test_link_prefixes(void **state)
{
	(void)state;
	static const uint8_t sll2[] = {
		0x08, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x01,
		0x04, 0x06, 0x8e, 0x36, 0x06, 0x44, 0xac, 0xaf, 0x00, 0x00,
		ARP_REQ_BODY,
	};
	static const int links[] = {
		NC_LINK_LINUX_SLL, NC_LINK_LINUX_SLL2, NC_LINK_NULL,
		NC_LINK_LOOP,      NC_LINK_RAW,
	};
	struct harness *h = h_new();
	for (size_t l = 0; l < sizeof(links) / sizeof(links[0]); l++) {
		for (size_t n = 0; n < sizeof(sll2); n++) {
			/* a heap copy of exactly n bytes, so ASan sees overreads */
			uint8_t *p = malloc(n ? n : 1);
			memcpy(p, sll2, n);
			h_decode(h, links[l], p, n);
			free(p);
		}
	}
	/* SLL2 prefixes: 20 header cuts, then 28 ARP cuts */
	assert_int_equal(h_event(h, NC_EV_SLL2_TRUNC), 20);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sll_arp),
		cmocka_unit_test(test_sll_ipv4_capture),
		cmocka_unit_test(test_sll_truncated),
		cmocka_unit_test(test_sll_empty),
		cmocka_unit_test(test_sll_not_ethertype),
		cmocka_unit_test(test_sll2_arp_capture),
		cmocka_unit_test(test_sll2_rarp_capture),
		cmocka_unit_test(test_sll2_ipv6_capture),
		cmocka_unit_test(test_sll2_truncated),
		cmocka_unit_test(test_sll2_not_ethertype),
		cmocka_unit_test(test_null_le_ipv4_capture),
		cmocka_unit_test(test_null_be_ipv4),
		cmocka_unit_test(test_null_ipv6_families),
		cmocka_unit_test(test_null_unknown_family),
		cmocka_unit_test(test_null_truncated),
		cmocka_unit_test(test_raw_ipv4_capture),
		cmocka_unit_test(test_raw_ipv6),
		cmocka_unit_test(test_raw_bad_version),
		cmocka_unit_test(test_raw_empty),
		cmocka_unit_test(test_link_prefixes),
	};
	return cmocka_run_group_tests_name("link", tests, NULL, NULL);
}
