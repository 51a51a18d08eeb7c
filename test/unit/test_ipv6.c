/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the IPv6 decoder and its extension headers
 * (decoders/ipv6.c).
 *
 * Expected values come from tshark 4.0 (-V and -T fields, ipv6.defragment
 * off) on the capture the frame was taken from, or, for hand-made frames
 * (marked "crafted"), on a pcap holding the same bytes. tshark's
 * ipv6.fraghdr.offset is in 8-octet units, as our FragmentOffset. Upper
 * layers use protocol 253 (RFC 3692 experimentation) where possible, so
 * these tests do not depend on the transport decoders: a payload handed up
 * shows as one ip.unknown_protocol event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* Decode a frame as if cut by a snaplen: wirelen octets were on the wire. */
static enum dec_rc h_decode_wire(struct harness *h, int link,
				 const uint8_t *frame, size_t caplen,
				 size_t wirelen)
{
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, link, frame, (uint32_t)caplen,
				(uint32_t)wirelen, 1000000002LL);
	return h->rc;
}

/* Offset of the first Anomaly record named name, or -1. */
static int32_t anomaly_offset(const struct harness *h, const char *name)
{
	int32_t off = -1;
	for (unsigned i = 0; off < 0; i++) {
		Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, i);
		if (!a)
			break;
		if (strcmp(a->event, name) == 0)
			off = a->offset;
		H_FREE(a);
	}
	return off;
}

#define ETH_HDR6                                                       \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* dst */                   \
	0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, /* src */                   \
	0x86, 0xdd                          /* IPv6 */

/* 2001:db8::1 and 2001:db8::2, the addresses of the crafted frames */
#define ADDR_1                                                         \
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01
#define ADDR_2                                                         \
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,     \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02

/* crafted: traffic class 0xb8, flow 0x12345, first fragment of 253. */
static void test_ipv6_fields_first_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x6b, 0x81, 0x23, 0x45, /* version 6, TC 0xb8, flow 0x12345 */
		0x00, 0x10, 0x2c, 0x40, /* length 16, Fragment, hop limit 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x00,             /* Fragment: next 253, reserved */
		0x00, 0x01,             /* offset 0, M */
		0xde, 0xad, 0xbe, 0xef, /* identification */
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
		0x11, 0x22, 0x33, 0x44,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->timestamp, 1000000002LL);
	assert_int_equal(r->version, 6);
	assert_int_equal(r->trafficclass, 0xb8);
	assert_int_equal(r->flowlabel, 0x12345);
	assert_int_equal(r->length, 16);
	assert_int_equal(r->nextheader, 44);
	assert_int_equal(r->hoplimit, 64);
	assert_bytes(r->srcip, ADDR_1);
	assert_bytes(r->dstip, ADDR_2);
	assert_int_equal(r->payloadsize, 16);
	H_FREE(r);
	Netcap__IPv6Fragment *fr = h_get(h, NC_REC_IPV6FRAGMENT, 0);
	assert_non_null(fr);
	assert_int_equal(fr->timestamp, 1000000002LL);
	assert_int_equal(fr->nextheader, 253);
	assert_int_equal(fr->reserved1, 0);
	assert_int_equal(fr->fragmentoffset, 0);
	assert_int_equal(fr->reserved2, 0);
	assert_true(fr->morefragments);
	assert_int_equal(fr->identification, 0xdeadbeef);
	assert_bytes(fr->srcip, ADDR_1);
	assert_bytes(fr->dstip, ADDR_2);
	H_FREE(fr);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAGMENT), 1);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h->dec.ip_len, 16);
	assert_true(h->dec.ip_partial); /* more fragments follow */
	free(h);
}

/*
 * ipv6-fragments_dns.pcap frame 6 (1494 octets), cut to 70: first
 * fragment of a DNS response over UDP.
 */
static void test_ipv6_dns_first_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xc4, 0x2c, 0x03, 0x3b, 0x6c, 0xaa, /* dst */
		0xd8, 0x30, 0x62, 0x48, 0xc5, 0xb5, /* src */
		0x86, 0xdd,                         /* IPv6 */
		0x60, 0x00, 0x00, 0x00, /* version 6, TC 0, flow 0 */
		0x05, 0xa0, 0x2c, 0x35, /* length 1440, Fragment, hlim 53 */
		0x26, 0x07, 0xf7, 0x40, 0x00, 0x0b, 0x00, 0x00, /* src */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x93,
		0x20, 0x01, 0x04, 0x70, 0x1f, 0x11, 0x08, 0x1f, /* dst */
		0xd1, 0x38, 0x5f, 0x55, 0x06, 0xd4, 0x1f, 0xe2,
		0x11, 0x00,             /* Fragment: next UDP, reserved */
		0x00, 0x01,             /* offset 0, M */
		0x00, 0x00, 0x00, 0x02, /* identification 2 */
		0x00, 0x35, 0xca, 0x8b, /* UDP header */
		0x0c, 0xa6, 0x68, 0x8f,
	};
	struct harness *h = h_new();
	h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 1494);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->trafficclass, 0);
	assert_int_equal(r->flowlabel, 0);
	assert_int_equal(r->length, 1440);
	assert_int_equal(r->nextheader, 44);
	assert_int_equal(r->hoplimit, 53);
	assert_bytes(r->srcip, 0x26, 0x07, 0xf7, 0x40, 0x00, 0x0b, 0x00, 0x00,
		     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x93);
	assert_bytes(r->dstip, 0x20, 0x01, 0x04, 0x70, 0x1f, 0x11, 0x08, 0x1f,
		     0xd1, 0x38, 0x5f, 0x55, 0x06, 0xd4, 0x1f, 0xe2);
	assert_int_equal(r->payloadsize, 16);
	H_FREE(r);
	Netcap__IPv6Fragment *fr = h_get(h, NC_REC_IPV6FRAGMENT, 0);
	assert_non_null(fr);
	assert_int_equal(fr->nextheader, 17);
	assert_int_equal(fr->reserved1, 0);
	assert_int_equal(fr->fragmentoffset, 0);
	assert_int_equal(fr->reserved2, 0);
	assert_true(fr->morefragments);
	assert_int_equal(fr->identification, 2);
	H_FREE(fr);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAGMENT), 1);
	assert_int_equal(h_event(h, NC_EV_IPV6_PLEN_LONG), 0);
	free(h);
}

/*
 * ipv6-fragments_dns.pcap frame 4 (404 octets), cut to 70: last fragment,
 * offset 362 (2896 octets). Nothing above it is decoded.
 */
static void test_ipv6_dns_last_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xc4, 0x2c, 0x03, 0x3b, 0x6c, 0xaa, /* dst */
		0xd8, 0x30, 0x62, 0x48, 0xc5, 0xb5, /* src */
		0x86, 0xdd,                         /* IPv6 */
		0x60, 0x00, 0x00, 0x00, /* version 6, TC 0, flow 0 */
		0x01, 0x5e, 0x2c, 0x35, /* length 350, Fragment, hlim 53 */
		0x26, 0x07, 0xf7, 0x40, 0x00, 0x0b, 0x00, 0x00, /* src */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x93,
		0x20, 0x01, 0x04, 0x70, 0x1f, 0x11, 0x08, 0x1f, /* dst */
		0xd1, 0x38, 0x5f, 0x55, 0x06, 0xd4, 0x1f, 0xe2,
		0x11, 0x00,             /* Fragment: next UDP, reserved */
		0x0b, 0x50,             /* offset 362, not M */
		0x00, 0x00, 0x00, 0x01, /* identification 1 */
		0x58, 0x58, 0x58, 0x58, /* fragment data */
		0x58, 0x58, 0x58, 0x58,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 404),
			 DEC_OK);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 350);
	H_FREE(r);
	Netcap__IPv6Fragment *fr = h_get(h, NC_REC_IPV6FRAGMENT, 0);
	assert_non_null(fr);
	assert_int_equal(fr->nextheader, 17);
	assert_int_equal(fr->fragmentoffset, 362);
	assert_false(fr->morefragments);
	assert_int_equal(fr->identification, 1);
	H_FREE(fr);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAGMENT), 1);
	assert_int_equal(h->n, 3); /* Ethernet, IPv6, IPv6Fragment */
	free(h);
}

/*
 * malformed_ipv6-overlapping-fragments.pcap frame 6 (462 octets), cut to
 * 70: a middle fragment of ICMPv6, offset 51, flow label 1, hop limit 1.
 */
static void test_ipv6_overlapping_middle_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x64, 0x00, 0x6a, 0x5b, 0x8f, 0x4a, /* dst */
		0x00, 0x23, 0x55, 0x9c, 0x73, 0x26, /* src */
		0x86, 0xdd,                         /* IPv6 */
		0x60, 0x00, 0x00, 0x01, /* version 6, TC 0, flow 1 */
		0x01, 0x98, 0x2c, 0x01, /* length 408, Fragment, hlim 1 */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, /* src */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, /* dst */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x3a, 0x00,             /* Fragment: next ICMPv6, reserved */
		0x01, 0x99,             /* offset 51, M */
		0x00, 0x00, 0x00, 0x01, /* identification 1 */
		0x5a, 0x5a, 0x5a, 0x5a, /* fragment data */
		0x5a, 0x5a, 0x5a, 0x5a,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 462),
			 DEC_OK);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->flowlabel, 1);
	assert_int_equal(r->length, 408);
	assert_int_equal(r->hoplimit, 1);
	H_FREE(r);
	Netcap__IPv6Fragment *fr = h_get(h, NC_REC_IPV6FRAGMENT, 0);
	assert_non_null(fr);
	assert_int_equal(fr->nextheader, 58);
	assert_int_equal(fr->fragmentoffset, 51);
	assert_true(fr->morefragments);
	assert_int_equal(fr->identification, 1);
	assert_bytes(fr->srcip, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
		     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02);
	H_FREE(fr);
	assert_int_equal(h->n, 3);
	free(h);
}

/*
 * icmpv6_ra-mld.pcap frame 2: MLDv2 report behind a Hop-by-Hop header
 * with Router Alert (type 5, len 2, value 0) and PadN (type 1, len 0).
 */
static void test_ipv6_hopbyhop_router_alert(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x33, 0x33, 0x00, 0x00, 0x00, 0x16, /* dst */
		0x00, 0x15, 0x17, 0xcc, 0xe5, 0x46, /* src */
		0x86, 0xdd,                         /* IPv6 */
		0x60, 0x00, 0x00, 0x00, /* version 6, TC 0, flow 0 */
		0x00, 0x24, 0x00, 0x01, /* length 36, Hop-by-Hop, hlim 1 */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* src */
		0x02, 0x15, 0x17, 0xff, 0xfe, 0xcc, 0xe5, 0x46,
		0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* dst */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16,
		0x3a, 0x00,             /* HBH: next ICMPv6, length 0 */
		0x05, 0x02, 0x00, 0x00, /* Router Alert, MLD */
		0x01, 0x00,             /* PadN, 0 octets */
		0x8f, 0x00, 0x1f, 0xc5, /* MLDv2 report */
		0x00, 0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00,
		0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x0d, 0xb8, 0x11, 0x22,
		0x33, 0x44,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 36);
	assert_int_equal(r->nextheader, 0);
	assert_int_equal(r->hoplimit, 1);
	assert_int_equal(r->payloadsize, 36);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_IPV6HOPBYHOP), 1);
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->timestamp, 1000000002LL);
	assert_int_equal(hh->nextheader, 58);
	assert_int_equal(hh->headerlength, 0);
	assert_int_equal(hh->n_options, 2);
	assert_int_equal(hh->options[0]->optiontype, 5);
	assert_int_equal(hh->options[0]->optionlength, 2);
	assert_int_equal(hh->options[0]->actuallength, 4);
	assert_bytes(hh->options[0]->optiondata, 0x00, 0x00);
	assert_int_equal(hh->options[1]->optiontype, 1);
	assert_int_equal(hh->options[1]->optionlength, 0);
	assert_int_equal(hh->options[1]->actuallength, 2);
	assert_int_equal(hh->options[1]->optiondata.len, 0);
	assert_bytes(hh->srcip, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		     0x02, 0x15, 0x17, 0xff, 0xfe, 0xcc, 0xe5, 0x46);
	assert_bytes(hh->dstip, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16);
	H_FREE(hh);
	assert_false(h_has_anomaly(h, "ipv6.hopbyhop_not_first"));
	assert_false(h_has_anomaly(h, "ipv6.option_invalid"));
	free(h);
}

/* crafted: Hop-by-Hop of six Pad1 options (one octet each). */
static void test_ipv6_hopbyhop_pad1(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x0c, 0x00, 0x40, /* length 12, Hop-by-Hop, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x00,             /* HBH: next 253, length 0 */
		0x00, 0x00, 0x00,       /* 6 x Pad1 */
		0x00, 0x00, 0x00,
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->nextheader, 253);
	assert_int_equal(hh->n_options, 6);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(hh->options[i]->optiontype, 0);
		assert_int_equal(hh->options[i]->optionlength, 0);
		assert_int_equal(hh->options[i]->actuallength, 1);
		assert_int_equal(hh->options[i]->optiondata.len, 0);
	}
	H_FREE(hh);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/*
 * crafted: Destination Options, then Hop-by-Hop (tshark: "must appear
 * immediately after IPv6 header"), then 253. Both headers hold PadN(4).
 */
static void test_ipv6_hopbyhop_not_first(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x14, 0x3c, 0x40, /* length 20, Dest Options, hlim 64 */
		ADDR_1,
		ADDR_2,
		0x00, 0x00,             /* DstOpts: next HBH, length 0 */
		0x01, 0x04, 0x00, 0x00, 0x00, 0x00, /* PadN(4) */
		0xfd, 0x00,             /* HBH: next 253, length 0 */
		0x01, 0x04, 0x00, 0x00, 0x00, 0x00, /* PadN(4) */
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->nextheader, 253);
	assert_int_equal(hh->n_options, 1);
	assert_int_equal(hh->options[0]->optiontype, 1);
	assert_int_equal(hh->options[0]->optionlength, 4);
	assert_int_equal(hh->options[0]->actuallength, 6);
	assert_bytes(hh->options[0]->optiondata, 0x00, 0x00, 0x00, 0x00);
	H_FREE(hh);
	assert_int_equal(anomaly_offset(h, "ipv6.hopbyhop_not_first"),
			 14 + 40 + 8);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	/* the header length still frames it: decoding goes on */
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/*
 * ipv6-routing-header-type0_icmpv6-udp.pcap frame 3: a type 0 Routing
 * header (length 2: 24 octets, one address) in front of UDP.
 */
static void test_ipv6_routing_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x13, 0xc4, 0xc7, 0x84, 0xf0, /* dst */
		0x00, 0x12, 0x3f, 0xae, 0x22, 0xf7, /* src */
		0x86, 0xdd,                         /* IPv6 */
		0x60, 0x00, 0x00, 0x00, /* version 6, TC 0, flow 0 */
		0x00, 0x20, 0x2b, 0x04, /* length 32, Routing, hlim 4 */
		0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x44, /* src */
		0x02, 0x12, 0x3f, 0xff, 0xfe, 0xae, 0x22, 0xf7,
		0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x40, /* dst */
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		0x11, 0x02, 0x00, 0x01, /* Routing: next UDP, len 2, type 0,
					 * segments left 1 */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x10, /* address */
		0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
		0x16, 0x0d, 0x16, 0x0a, /* UDP */
		0x00, 0x08, 0x27, 0xb6,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 32);
	assert_int_equal(r->nextheader, 43);
	assert_int_equal(r->hoplimit, 4);
	assert_bytes(r->dstip, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x40,
		     0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04);
	assert_int_equal(r->payloadsize, 32);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_IPV6HOPBYHOP), 0);
	assert_int_equal(h_count(h, NC_REC_IPV6FRAGMENT), 0);
	assert_int_equal(h_event(h, NC_EV_IPV6_EXT_TRUNC), 0);
	free(h);
}

/*
 * crafted: Routing (8 octets), then a Destination Options header of 16
 * octets of which 10 were captured (cut by the snaplen).
 */
static void test_ipv6_ext_header_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x18, 0x2b, 0x40, /* length 24, Routing, hlim 64 */
		ADDR_1,
		ADDR_2,
		0x3c, 0x00, 0x00, 0x00, /* Routing: next DstOpts, len 0 */
		0x00, 0x00, 0x00, 0x00,
		0x3c, 0x01,             /* DstOpts: len 1 (16 octets) */
		0x01, 0x06, 0x00, 0x00, /* PadN(6) ... cut */
		0x00, 0x00, 0x00, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f),
				       14 + 40 + 24),
			 DEC_TRUNC);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->payloadsize, 18);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	assert_int_equal(anomaly_offset(h, "ipv6.ext_header_truncated"),
			 14 + 40 + 8);
	assert_int_equal(h_event(h, NC_EV_IPV6_PLEN_LONG), 0);
	free(h);
}

/*
 * fuzzed_ipv6-next-header-oobr.pcap (LINKTYPE_IPV6, 48 of 262144 octets
 * captured): Hop-by-Hop whose PMTU option (0x30) claims 48 octets (tshark:
 * "Invalid Length"), then a Routing header the capture does not hold.
 */
static void test_ipv6_fuzzed_next_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x63, 0x30, 0x30, 0x30, /* version 6, TC 0x33, flow 0x03030 */
		0x30, 0x30, 0x00, 0x30, /* length 12336, HBH, hlim 48 */
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, /* src */
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, /* dst */
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
		0x2b, 0x00,             /* HBH: next Routing, length 0 */
		0x30, 0x30,             /* PMTU, length 48: past the header */
		0x30, 0x30, 0x30, 0x30,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_IPV6, f, sizeof(f), 262144),
			 DEC_TRUNC);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 6);
	assert_int_equal(r->trafficclass, 0x33);
	assert_int_equal(r->flowlabel, 0x03030);
	assert_int_equal(r->length, 12336);
	assert_int_equal(r->nextheader, 0);
	assert_int_equal(r->hoplimit, 48);
	assert_int_equal(r->payloadsize, 8);
	H_FREE(r);
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->nextheader, 43);
	assert_int_equal(hh->headerlength, 0);
	assert_int_equal(hh->n_options, 0);
	H_FREE(hh);
	assert_int_equal(anomaly_offset(h, "ipv6.option_invalid"), 40);
	assert_int_equal(anomaly_offset(h, "ipv6.ext_header_truncated"), 48);
	assert_int_equal(h_event(h, NC_EV_IPV6_PLEN_LONG), 0);
	free(h);
}

/* crafted: 17 Destination Options headers, one past NC_MAX_IPV6_EXT. */
#define DSTOPTS_60 0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00
static void test_ipv6_too_many_ext_headers(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x88, 0x3c, 0x40, /* length 136, Dest Options, hlim 64 */
		ADDR_1,
		ADDR_2,
		DSTOPTS_60, DSTOPTS_60, DSTOPTS_60, DSTOPTS_60, /* next 60 */
		DSTOPTS_60, DSTOPTS_60, DSTOPTS_60, DSTOPTS_60,
		DSTOPTS_60, DSTOPTS_60, DSTOPTS_60, DSTOPTS_60,
		DSTOPTS_60, DSTOPTS_60, DSTOPTS_60, DSTOPTS_60,
		0xfd, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, /* next 253 */
	};
	_Static_assert(NC_MAX_IPV6_EXT == 16, "frame holds 17 headers");
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(anomaly_offset(h, "ipv6.too_many_ext_headers"),
			 14 + 40 + 16 * 8);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/* crafted: Hop-by-Hop of 78 Pad1 options, more than NC_MAX_OPTIONS. */
#define PAD1_X6 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
static void test_ipv6_hopbyhop_too_many_options(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x54, 0x00, 0x40, /* length 84, Hop-by-Hop, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x09,             /* HBH: next 253, length 9 (80) */
		PAD1_X6, PAD1_X6, PAD1_X6, PAD1_X6, PAD1_X6, /* 78 x Pad1 */
		PAD1_X6, PAD1_X6, PAD1_X6, PAD1_X6, PAD1_X6,
		PAD1_X6, PAD1_X6, PAD1_X6,
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	_Static_assert(NC_MAX_OPTIONS < 78, "frame exceeds the option cap");
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->headerlength, 9);
	assert_int_equal(hh->n_options, NC_MAX_OPTIONS);
	H_FREE(hh);
	assert_int_equal(anomaly_offset(h, "ipv6.too_many_options"), 54);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/* crafted: Router Alert claiming 8 octets in an 8-octet header. */
static void test_ipv6_hopbyhop_option_invalid(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x0c, 0x00, 0x40, /* length 12, Hop-by-Hop, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x00,             /* HBH: next 253, length 0 */
		0x05, 0x08, 0x00, 0x00, /* Router Alert, length 8: too long */
		0x00, 0x00,
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->n_options, 0);
	H_FREE(hh);
	assert_int_equal(anomaly_offset(h, "ipv6.option_invalid"), 54);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/* crafted: Authentication Header (length 4: 24 octets), then 253. */
static void test_ipv6_ah_skipped(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x1c, 0x33, 0x40, /* length 28, AH, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x04, 0x00, 0x00, /* AH: next 253, len 4, reserved */
		0x00, 0x00, 0x10, 0x00, /* SPI */
		0x00, 0x00, 0x00, 0x01, /* sequence */
		0x01, 0x02, 0x03, 0x04, /* ICV */
		0x05, 0x06, 0x07, 0x08,
		0x09, 0x0a, 0x0b, 0x0c,
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	/* the same frame cut inside the AH */
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, 14 + 40 + 20,
				       sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(anomaly_offset(h, "ipv6.ext_header_truncated"), 54);
	free(h);
}

/* crafted: No Next Header (59); the 4 octets after it are not decoded. */
static void test_ipv6_no_next_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x04, 0x3b, 0x40, /* length 4, No Next Header, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->nextheader, 59);
	assert_int_equal(r->payloadsize, 4);
	H_FREE(r);
	assert_int_equal(h->n, 2); /* Ethernet, IPv6 */
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/*
 * crafted: jumbogram, payload length 0 and a Jumbo Payload option (0xc2,
 * length 4, 65536); the payload is the rest of the frame.
 */
static void test_ipv6_jumbogram(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x00, 0x00, 0x40, /* length 0, Hop-by-Hop, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xfd, 0x00,             /* HBH: next 253, length 0 */
		0xc2, 0x04, 0x00, 0x01, /* Jumbo Payload, 65536 */
		0x00, 0x00,
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 0);
	assert_int_equal(r->payloadsize, 12);
	H_FREE(r);
	Netcap__IPv6HopByHop *hh = h_get(h, NC_REC_IPV6HOPBYHOP, 0);
	assert_non_null(hh);
	assert_int_equal(hh->n_options, 1);
	assert_int_equal(hh->options[0]->optiontype, 0xc2);
	assert_int_equal(hh->options[0]->optionlength, 4);
	assert_bytes(hh->options[0]->optiondata, 0x00, 0x01, 0x00, 0x00);
	H_FREE(hh);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/*
 * crafted: payload length 100 with 4 octets in a frame that was not cut
 * (tshark: "IPv6 payload length exceeds framing length"); then the same
 * frame said to be cut by a snaplen.
 */
static void test_ipv6_payload_length_beyond_frame(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x64, 0xfd, 0x40, /* length 100, next 253, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 100);
	assert_int_equal(r->payloadsize, 4);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	assert_int_equal(anomaly_offset(h, "ipv6.payload_length_beyond_frame"),
			 14);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_bytes(a->srcip, ADDR_1);
	H_FREE(a);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);

	h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 14 + 40 + 100);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/* crafted: version 4 under ethertype IPv6 (tshark: "Bogus IPv6 version"). */
static void test_ipv6_bad_version(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x40, 0x00, 0x00, 0x00, /* version 4 */
		0x00, 0x04, 0xfd, 0x40, /* length 4, next 253, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	Netcap__IPv6 *r = h_get(h, NC_REC_IPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 4);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	assert_int_equal(anomaly_offset(h, "ipv6.bad_version"), 14);
	assert_int_equal(h->dec.ip_len, 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/* crafted: the fixed header ends inside the destination address. */
static void test_ipv6_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR6,
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x04, 0xfd, 0x40, /* length 4, next 253, hlim 64 */
		ADDR_1,
		0x20, 0x01, 0x0d, 0xb8, /* destination, cut */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 62),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_IPV6), 0);
	assert_int_equal(anomaly_offset(h, "ipv6.truncated"), 14);
	free(h);
}

/* crafted: IPv6 in IPv4 (protocol 41); the context ends as the inner pair. */
static void test_ipv6_in_ipv4(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* dst */
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, /* src */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00, 0x00, 0x40, /* IHL 5, total length 64 */
		0x00, 0x01, 0x00, 0x00, /* id 1 */
		0x40, 0x29, 0x00, 0x00, /* TTL 64, protocol 41 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x60, 0x00, 0x00, 0x00, /* inner IPv6 */
		0x00, 0x04, 0xfd, 0x40, /* length 4, next 253, hlim 64 */
		ADDR_1,
		ADDR_2,
		0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(h->dec.ip_len, 16);
	assert_memory_equal(h->dec.src_ip, ((uint8_t[]){ ADDR_1 }), 16);
	assert_memory_equal(h->dec.dst_ip, ((uint8_t[]){ ADDR_2 }), 16);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_fields_first_fragment),
		cmocka_unit_test(test_ipv6_dns_first_fragment),
		cmocka_unit_test(test_ipv6_dns_last_fragment),
		cmocka_unit_test(test_ipv6_overlapping_middle_fragment),
		cmocka_unit_test(test_ipv6_hopbyhop_router_alert),
		cmocka_unit_test(test_ipv6_hopbyhop_pad1),
		cmocka_unit_test(test_ipv6_hopbyhop_not_first),
		cmocka_unit_test(test_ipv6_routing_header),
		cmocka_unit_test(test_ipv6_ext_header_truncated),
		cmocka_unit_test(test_ipv6_fuzzed_next_header),
		cmocka_unit_test(test_ipv6_too_many_ext_headers),
		cmocka_unit_test(test_ipv6_hopbyhop_too_many_options),
		cmocka_unit_test(test_ipv6_hopbyhop_option_invalid),
		cmocka_unit_test(test_ipv6_ah_skipped),
		cmocka_unit_test(test_ipv6_no_next_header),
		cmocka_unit_test(test_ipv6_jumbogram),
		cmocka_unit_test(test_ipv6_payload_length_beyond_frame),
		cmocka_unit_test(test_ipv6_bad_version),
		cmocka_unit_test(test_ipv6_truncated),
		cmocka_unit_test(test_ipv6_in_ipv4),
	};
	return cmocka_run_group_tests_name("ipv6", tests, NULL, NULL);
}
