/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the IPv4 decoder (decoders/ipv4.c).
 *
 * Expected values come from tshark 4.0 (-V and -T fields) on the capture
 * the frame was taken from, or, for hand-made frames (marked "crafted"), on
 * a pcap holding the same bytes. tshark's ip.flags is our 3-bit Flags and
 * its ip.frag_offset field our FragOffset (8-octet units); tshark -V
 * prints that offset in octets (FragOffset * 8). Upper layers use protocol
 * 253 (RFC 3692
 * experimentation) where possible, so these tests do not depend on the
 * transport decoders: a datagram handed up then shows as one
 * ip.unknown_protocol event.
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

/* The one Anomaly record of the frame: its event and offset. */
static void assert_anomaly(const struct harness *h, const char *name,
			   int32_t offset)
{
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_non_null(a);
	assert_string_equal(a->event, name);
	assert_int_equal(a->offset, offset);
	H_FREE(a);
}

#define ETH_HDR                                                        \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* dst */                   \
	0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, /* src */                   \
	0x08, 0x00                          /* IPv4 */

/* igmpv2.pcap frame 2: IGMPv2 report with a Router Alert option. */
static void test_ipv4_router_alert_igmp(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa, /* dst */
		0x00, 0x1c, 0x23, 0xaa, 0xbe, 0xad, /* src */
		0x08, 0x00,                         /* IPv4 */
		0x46, 0x00,             /* version 4, IHL 6, TOS 0 */
		0x00, 0x20,             /* total length 32 */
		0x8c, 0x62,             /* id */
		0x00, 0x00,             /* flags 0, offset 0 */
		0x01, 0x02,             /* TTL 1, protocol 2 (IGMP) */
		0xe6, 0x92,             /* checksum */
		0xc0, 0xa8, 0x01, 0x40, /* 192.168.1.64 */
		0xef, 0xff, 0xff, 0xfa, /* 239.255.255.250 */
		0x94, 0x04, 0x00, 0x00, /* Router Alert, len 4, value 0 */
		0x16, 0x00, 0xfa, 0x04, /* IGMPv2 membership report */
		0xef, 0xff, 0xff, 0xfa,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->timestamp, 1000000002LL);
	assert_int_equal(r->version, 4);
	assert_int_equal(r->ihl, 6); /* ip.hdr_len 24 */
	assert_int_equal(r->tos, 0);
	assert_int_equal(r->length, 32);
	assert_int_equal(r->id, 0x8c62);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->fragoffset, 0);
	assert_int_equal(r->ttl, 1);
	assert_int_equal(r->protocol, 2);
	assert_int_equal(r->checksum, 0xe692);
	assert_bytes(r->srcip, 192, 168, 1, 64);
	assert_bytes(r->dstip, 239, 255, 255, 250);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->optiontype, 148);
	assert_int_equal(r->options[0]->optionlength, 4);
	assert_bytes(r->options[0]->optiondata, 0x00, 0x00);
	assert_int_equal(r->padding.len, 0);
	assert_int_equal(r->payloadsize, 8);
	/* 8 octets: fa, ff twice each, four others once: 2.5 bits/octet */
	assert_true(r->payloadentropy == 2.5);
	H_FREE(r);
	assert_false(h_has_anomaly(h, "ipv4.option_invalid"));
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 0);
	assert_false(h->dec.ip_partial);
	/* the context is this header's addresses */
	assert_int_equal(h->dec.ip_len, 4);
	assert_memory_equal(h->dec.src_ip, ((uint8_t[]){ 192, 168, 1, 64 }), 4);
	assert_memory_equal(h->dec.dst_ip,
			    ((uint8_t[]){ 239, 255, 255, 250 }), 4);
	free(h);
}

/*
 * crafted: NOP, Record Route, End of Option List, 3 octets of padding.
 * tshark lists NOP and EOL as options of their own (type only).
 */
static void test_ipv4_nop_rr_eol_padding(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x48, 0x00,             /* version 4, IHL 8 (32 octets) */
		0x00, 0x24,             /* total length 36 */
		0x12, 0x34,             /* id */
		0x40, 0x00,             /* DF */
		0x40, 0xfd,             /* TTL 64, protocol 253 */
		0x00, 0x00,             /* checksum */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x01,                   /* NOP */
		0x07, 0x07, 0x04,       /* Record Route, len 7, pointer 4 */
		0xc0, 0x00, 0x02, 0x09, /*   192.0.2.9 */
		0x00,                   /* End of Option List */
		0x00, 0x00, 0x00,       /* padding */
		0xde, 0xad, 0xbe, 0xef, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->ihl, 8);
	assert_int_equal(r->flags, 2); /* ip.flags 0x2, Don't fragment */
	assert_int_equal(r->id, 0x1234);
	assert_int_equal(r->protocol, 253);
	assert_int_equal(r->n_options, 3);
	assert_int_equal(r->options[0]->optiontype, 1);
	assert_int_equal(r->options[0]->optionlength, 1);
	assert_int_equal(r->options[0]->optiondata.len, 0);
	assert_int_equal(r->options[1]->optiontype, 7);
	assert_int_equal(r->options[1]->optionlength, 7);
	assert_bytes(r->options[1]->optiondata, 0x04, 0xc0, 0x00, 0x02, 0x09);
	assert_int_equal(r->options[2]->optiontype, 0);
	assert_int_equal(r->options[2]->optionlength, 1);
	assert_int_equal(r->options[2]->optiondata.len, 0);
	assert_bytes(r->padding, 0x00, 0x00, 0x00);
	assert_int_equal(r->payloadsize, 4);
	assert_true(r->payloadentropy == 2.0);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/*
 * icmpv4-echo.pcap frame 1 (98 octets on the wire), captured with a
 * 42-octet snaplen: DF set, the total length runs past the captured
 * octets but the capture was cut, so it is no anomaly.
 */
static void test_ipv4_df_snaplen(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xa6, 0x83, 0xe7, 0x0c, 0x90, 0x64, /* dst */
		0x00, 0x0c, 0x29, 0xcf, 0x30, 0x15, /* src */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00,             /* version 4, IHL 5, TOS 0 */
		0x00, 0x54,             /* total length 84 */
		0x94, 0x6a,             /* id */
		0x40, 0x00,             /* DF */
		0x40, 0x01,             /* TTL 64, ICMP */
		0xbd, 0x04,             /* checksum */
		0xac, 0x10, 0x85, 0x02, /* 172.16.133.2 */
		0xac, 0xd9, 0x0b, 0x4e, /* 172.217.11.78 */
		0x08, 0x00, 0xef, 0x24, /* ICMP echo request (first 8) */
		0x04, 0xca, 0x00, 0x01,
	};
	struct harness *h = h_new();
	h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 98);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 84);
	assert_int_equal(r->id, 0x946a);
	assert_int_equal(r->flags, 2); /* ip.flags 0x02 */
	assert_int_equal(r->fragoffset, 0);
	assert_int_equal(r->ttl, 64);
	assert_int_equal(r->protocol, 1);
	assert_int_equal(r->checksum, 0xbd04);
	assert_bytes(r->srcip, 172, 16, 133, 2);
	assert_bytes(r->dstip, 172, 217, 11, 78);
	assert_int_equal(r->payloadsize, 8); /* captured within 84 */
	H_FREE(r);
	assert_false(h_has_anomaly(h, "ipv4.total_length_beyond_frame"));
	assert_int_equal(h_event(h, NC_EV_IPV4_TLEN_LONG), 0);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 0);
	free(h);
}

/*
 * ipv4-fragments_icmp-echo.pcap frame 1 (1010 octets), cut to 42: the
 * first fragment (MF, offset 0) of an ICMP echo request.
 */
static void test_ipv4_first_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x08, 0x00, 0x27, 0xe2, 0x9f, 0xa6, /* dst */
		0x08, 0x00, 0x27, 0xfc, 0x6a, 0xc9, /* src */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00,             /* version 4, IHL 5, TOS 0 */
		0x03, 0xe4,             /* total length 996 */
		0xb5, 0xd0,             /* id */
		0x20, 0x00,             /* MF, offset 0 */
		0x40, 0x01,             /* TTL 64, ICMP */
		0x9b, 0x44,             /* checksum */
		0x02, 0x01, 0x01, 0x02, /* 2.1.1.2 */
		0x02, 0x01, 0x01, 0x01, /* 2.1.1.1 */
		0x08, 0x00, 0x4d, 0x71, /* ICMP echo request (first 8) */
		0x13, 0xc2, 0x00, 0x01,
	};
	struct harness *h = h_new();
	h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 1010);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 996);
	assert_int_equal(r->id, 0xb5d0);
	assert_int_equal(r->flags, 1); /* ip.flags 0x01, ip.flags.mf 1 */
	assert_int_equal(r->fragoffset, 0);
	assert_int_equal(r->checksum, 0x9b44);
	assert_bytes(r->srcip, 2, 1, 1, 2);
	assert_bytes(r->dstip, 2, 1, 1, 1);
	assert_int_equal(r->payloadsize, 8);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 1);
	assert_false(h_has_anomaly(h, "ipv4.total_length_beyond_frame"));
	free(h);
}

/* crafted: a first fragment is handed up (its L4 header is there). */
static void test_ipv4_first_fragment_handed_up(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x18, /* IHL 5, total length 24 */
		0x00, 0x09, 0x20, 0x00, /* id 9, MF, offset 0 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x01, 0x02, 0x03, 0x04, /* payload */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 1);
	assert_int_equal(r->fragoffset, 0);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 1);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	assert_true(h->dec.ip_partial); /* upper lengths may run past it */
	free(h);
}

/*
 * ipv4-fragments_icmp-echo.pcap frame 2 (466 octets), cut to 42: the last
 * fragment, ip.frag_offset 122 (-V: "Fragment Offset: 976"). It holds
 * no ICMP header, so nothing is handed up.
 */
static void test_ipv4_later_fragment(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x08, 0x00, 0x27, 0xe2, 0x9f, 0xa6, /* dst */
		0x08, 0x00, 0x27, 0xfc, 0x6a, 0xc9, /* src */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00,             /* version 4, IHL 5, TOS 0 */
		0x01, 0xc4,             /* total length 452 */
		0xb5, 0xd0,             /* id */
		0x00, 0x7a,             /* flags 0, offset 122 */
		0x40, 0x01,             /* TTL 64, ICMP */
		0xbc, 0xea,             /* checksum */
		0x02, 0x01, 0x01, 0x02, /* 2.1.1.2 */
		0x02, 0x01, 0x01, 0x01, /* 2.1.1.1 */
		0xc8, 0xc9, 0xca, 0xcb, /* ICMP data, continued */
		0xcc, 0xcd, 0xce, 0xcf,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 466),
			 DEC_OK);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 452);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->fragoffset, 122);
	assert_int_equal(r->checksum, 0xbcea);
	assert_int_equal(r->payloadsize, 8);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 1);
	assert_int_equal(h->n, 2); /* Ethernet, IPv4: nothing above */
	free(h);
}

/* crafted: reserved bit and MF, largest offset (tshark: 0x5, 8191). */
static void test_ipv4_reserved_flag_max_offset(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x18, /* IHL 5, total length 24 */
		0x00, 0x08, 0xbf, 0xff, /* id 8, flags 101, offset 8191 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x01, 0x02, 0x03, 0x04, /* payload */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 5);
	assert_int_equal(r->fragoffset, 8191);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 1);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/*
 * malformed_ipv4-invalid-total-length.pcap: total length 85, 84 IP octets
 * in a frame that was not cut (tshark: "IPv4 total length exceeds packet
 * length (84 bytes)"). The same frame said to be cut by a snaplen is no
 * anomaly.
 */
static const uint8_t tlen_long[] = {
	0xc0, 0xd6, 0x82, 0x36, 0x03, 0x2b, /* dst */
	0xf0, 0x4d, 0xa2, 0x3d, 0x5d, 0xa3, /* src */
	0x08, 0x00,                         /* IPv4 */
	0x45, 0x00,             /* version 4, IHL 5, TOS 0 */
	0x00, 0x55,             /* total length 85 */
	0xf1, 0xa6,             /* id */
	0x00, 0x00,             /* flags 0, offset 0 */
	0x40, 0x11,             /* TTL 64, UDP */
	0x45, 0x93,             /* checksum */
	0x8c, 0xd3, 0x09, 0xce, /* 140.211.9.206 */
	0x2d, 0x21, 0x7f, 0x9c, /* 45.33.127.156 */
	0x98, 0xb7, 0x00, 0x35, 0x00, 0x40, 0x6e, 0xcb, /* UDP */
	0x92, 0xaa, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, /* DNS query */
	0x00, 0x00, 0x00, 0x01, 0x03, 0x77, 0x77, 0x77,
	0x07, 0x74, 0x63, 0x70, 0x64, 0x75, 0x6d, 0x70,
	0x03, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08,
	0x8b, 0xc0, 0xe5, 0xf5, 0x3e, 0x71, 0x3b, 0xbd,
};

static void test_ipv4_total_length_beyond_frame(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, tlen_long,
				  sizeof(tlen_long)),
			 DEC_INVALID);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 85);
	assert_int_equal(r->id, 0xf1a6);
	assert_int_equal(r->protocol, 17);
	assert_int_equal(r->checksum, 0x4593);
	assert_int_equal(r->payloadsize, 64); /* captured after the header */
	H_FREE(r);
	assert_anomaly(h, "ipv4.total_length_beyond_frame", 14);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_bytes(a->srcip, 140, 211, 9, 206);
	assert_bytes(a->dstip, 45, 33, 127, 156);
	H_FREE(a);
	assert_int_equal(h->n, 3); /* Ethernet, IPv4, Anomaly */
	free(h);
}

static void test_ipv4_total_length_snaplen(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h_decode_wire(h, NC_LINK_ETHERNET, tlen_long, sizeof(tlen_long),
		      sizeof(tlen_long) + 1);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 85);
	assert_int_equal(r->payloadsize, 64);
	H_FREE(r);
	assert_false(h_has_anomaly(h, "ipv4.total_length_beyond_frame"));
	assert_int_equal(h_event(h, NC_EV_IPV4_TLEN_LONG), 0);
	free(h);
}

/* crafted: 4 octets of datagram in a 60-octet frame (22 of padding). */
static void test_ipv4_ethernet_trailer(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x18, /* IHL 5, total length 24 */
		0x00, 0x01, 0x00, 0x00, /* id 1 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x01, 0x02, 0x03, 0x04, /* payload (tshark: Data 4 bytes) */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* Ethernet padding */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->payloadsize, 4);
	assert_true(r->payloadentropy == 2.0);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/* crafted: option length 1 (tshark: "too-short option length"). */
static void test_ipv4_option_length_short(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x46, 0x00, 0x00, 0x18, /* IHL 6, total length 24 */
		0x00, 0x02, 0x00, 0x00, /* id 2 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x88, 0x01, 0x00, 0x00, /* Stream ID, length 1 */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->ihl, 6);
	assert_int_equal(r->n_options, 0);
	assert_int_equal(r->payloadsize, 0);
	H_FREE(r);
	assert_anomaly(h, "ipv4.option_invalid", 14);
	/* the header length still frames the header: decoding goes on */
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

/* crafted: option length 8 in a 4-octet option area. */
static void test_ipv4_option_past_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x46, 0x00, 0x00, 0x18, /* IHL 6, total length 24 */
		0x00, 0x03, 0x00, 0x00, /* id 3 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x88, 0x08, 0x00, 0x00, /* Stream ID, length 8 */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 0);
	H_FREE(r);
	assert_anomaly(h, "ipv4.option_invalid", 14);
	free(h);
}

/* crafted: total length 16, below the 20-octet header. */
static void test_ipv4_total_length_short(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x10, /* IHL 5, total length 16 */
		0x00, 0x06, 0x00, 0x00, /* id 6 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->length, 16);
	assert_int_equal(r->payloadsize, 0);
	H_FREE(r);
	assert_anomaly(h, "ipv4.total_length_short", 14);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/* crafted: IHL 4 (tshark: "Header Length: 16 bytes (4)", bogus). */
static void test_ipv4_hlen_short(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x44, 0x00, 0x00, 0x14, /* IHL 4, total length 20 */
		0x00, 0x07, 0x00, 0x00, /* id 7 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->ihl, 4);
	H_FREE(r);
	assert_anomaly(h, "ipv4.hlen_short", 14);
	free(h);
}

/* crafted: version 6 under ethertype IPv4 (tshark: "Bogus IPv4 version"). */
static void test_ipv4_bad_version(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x65, 0x00, 0x00, 0x18, /* version 6, IHL 5, length 24 */
		0x00, 0x0a, 0x00, 0x00, /* id 10 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x01, 0x02, 0x03, 0x04, /* payload */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 6);
	H_FREE(r);
	assert_anomaly(h, "ipv4.bad_version", 14);
	assert_int_equal(h->dec.ip_len, 0); /* no context from a bad header */
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

/* crafted: the fixed header ends one octet early. */
static void test_ipv4_truncated_fixed(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x18, /* IHL 5, total length 24 */
		0x00, 0x01, 0x00, 0x00, /* id 1 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64,       /* destination cut */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 38),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_IPV4), 0);
	assert_anomaly(h, "ipv4.truncated", 14);
	free(h);
}

/* crafted: IHL 6, the capture ends inside the options. */
static void test_ipv4_truncated_options(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x46, 0x00, 0x00, 0x18, /* IHL 6, total length 24 */
		0x00, 0x0b, 0x00, 0x00, /* id 11 */
		0x40, 0xfd, 0x00, 0x00, /* TTL 64, protocol 253 */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x94, 0x04,             /* Router Alert, cut */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode_wire(h, NC_LINK_ETHERNET, f, sizeof(f), 38),
			 DEC_TRUNC);
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->ihl, 6);
	assert_int_equal(r->n_options, 0);
	assert_int_equal(r->payloadsize, 0);
	H_FREE(r);
	assert_anomaly(h, "ipv4.truncated", 14);
	free(h);
}

/* crafted: IPv4 in IPv4 (protocol 4); the context ends as the inner pair. */
static void test_ipv4_in_ipv4(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR,
		0x45, 0x00, 0x00, 0x30, /* IHL 5, total length 48 */
		0x00, 0x04, 0x00, 0x00, /* id 4 */
		0x40, 0x04, 0x00, 0x00, /* TTL 64, protocol 4 (IPIP) */
		0xc0, 0x00, 0x02, 0x01, /* 192.0.2.1 */
		0xc6, 0x33, 0x64, 0x02, /* 198.51.100.2 */
		0x45, 0x00, 0x00, 0x1c, /* inner: IHL 5, total length 28 */
		0x00, 0x05, 0x00, 0x00, /* id 5 */
		0x3f, 0xfd, 0x00, 0x00, /* TTL 63, protocol 253 */
		0x0a, 0x00, 0x00, 0x01, /* 10.0.0.1 */
		0x0a, 0x00, 0x00, 0x02, /* 10.0.0.2 */
		0xaa, 0xbb, 0xcc, 0xdd, /* payload */
		0x11, 0x22, 0x33, 0x44,
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_ETHERNET, f, sizeof(f));
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	Netcap__IPv4 *o = h_get(h, NC_REC_IPV4, 0);
	Netcap__IPv4 *i = h_get(h, NC_REC_IPV4, 1);
	assert_int_equal(o->protocol, 4);
	assert_int_equal(o->payloadsize, 28);
	assert_int_equal(i->id, 5);
	assert_int_equal(i->ttl, 63);
	assert_bytes(i->srcip, 10, 0, 0, 1);
	assert_bytes(i->dstip, 10, 0, 0, 2);
	assert_int_equal(i->payloadsize, 8);
	H_FREE(o);
	H_FREE(i);
	assert_memory_equal(h->dec.src_ip, ((uint8_t[]){ 10, 0, 0, 1 }), 4);
	assert_memory_equal(h->dec.dst_ip, ((uint8_t[]){ 10, 0, 0, 2 }), 4);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_router_alert_igmp),
		cmocka_unit_test(test_ipv4_nop_rr_eol_padding),
		cmocka_unit_test(test_ipv4_df_snaplen),
		cmocka_unit_test(test_ipv4_first_fragment),
		cmocka_unit_test(test_ipv4_first_fragment_handed_up),
		cmocka_unit_test(test_ipv4_later_fragment),
		cmocka_unit_test(test_ipv4_reserved_flag_max_offset),
		cmocka_unit_test(test_ipv4_total_length_beyond_frame),
		cmocka_unit_test(test_ipv4_total_length_snaplen),
		cmocka_unit_test(test_ipv4_ethernet_trailer),
		cmocka_unit_test(test_ipv4_option_length_short),
		cmocka_unit_test(test_ipv4_option_past_header),
		cmocka_unit_test(test_ipv4_total_length_short),
		cmocka_unit_test(test_ipv4_hlen_short),
		cmocka_unit_test(test_ipv4_bad_version),
		cmocka_unit_test(test_ipv4_truncated_fixed),
		cmocka_unit_test(test_ipv4_truncated_options),
		cmocka_unit_test(test_ipv4_in_ipv4),
	};
	return cmocka_run_group_tests_name("ipv4", tests, NULL, NULL);
}
