/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the ICMP decoders (decoders/icmpv4.c, decoders/icmpv6.c).
 *
 * The decoders are called directly on the ICMP bytes, with the IP context
 * set by hand as the IP decoders would set it. Bytes come from captures in
 * /work/shared/testdata/pcaps (tshark -x); expected values from tshark -T
 * fields (icmp.*, icmpv6.*) or, for hand-made messages, RFC 792 / 4861.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

typedef enum dec_rc (*dec_fn)(struct nc_dec *, struct cur);

/*
 * Decode b with fn as the IP payload of a frame of len captured and
 * wirelen wire octets (the frame starts at b); ip_len 4 or 16.
 */
static enum dec_rc h_l4(struct harness *h, dec_fn fn, const uint8_t *b,
			size_t len, uint32_t wirelen, uint8_t ip_len,
			const uint8_t *src, const uint8_t *dst)
{
	struct nc_dec *d = &h->dec;

	h->n = 0;
	d->ts = 1000000002LL;
	d->frame = b;
	d->caplen = (uint32_t)len;
	d->wirelen = wirelen;
	d->ip_len = ip_len;
	memcpy(d->src_ip, src, ip_len);
	memcpy(d->dst_ip, dst, ip_len);
	d->have_ports = false;
	h->rc = fn(d, cur_make(b, len));
	return h->rc;
}

static const uint8_t v4_a[4] = { 172, 16, 133, 2 };
static const uint8_t v4_b[4] = { 172, 217, 11, 78 };
/* fe80::c000:54ff:fef5:0 and ff02::1 */
static const uint8_t v6_ll[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
				   0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0, 0 };
static const uint8_t v6_all[16] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				    0,    0,    0, 0, 0, 0, 0, 1 };

/* ---- ICMPv4 ---- */

/*
 * icmpv4-echo.pcap frames 1 and 2: tshark icmp.type 8 / 0, code 0,
 * checksum 0xef24 / 0xf724, ident 1226 (0x04ca), seq 1.
 */
static const uint8_t icmp4_echo_req[] = {
	0x08, 0x00,             /* type 8 echo request, code 0 */
	0xef, 0x24,             /* checksum */
	0x04, 0xca,             /* identifier 1226 */
	0x00, 0x01,             /* sequence 1 */
	/* data (56 octets) */
	0x8b, 0xcf, 0xcf, 0x5f, 0x00, 0x00, 0x00, 0x00, 0xdb, 0x0d, 0x0f, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};

static void test_icmpv4_echo(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv4, icmp4_echo_req,
			      sizeof(icmp4_echo_req), sizeof(icmp4_echo_req),
			      4, v4_a, v4_b),
			 DEC_OK);
	assert_int_equal(h->n, 1);
	Netcap__ICMPv4 *r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->timestamp, 1000000002LL);
	assert_int_equal(r->typecode, 8 << 8 | 0);
	assert_int_equal(r->checksum, 0xef24);
	assert_int_equal(r->id, 1226);
	assert_int_equal(r->seq, 1);
	assert_bytes(r->srcip, 172, 16, 133, 2);
	assert_bytes(r->dstip, 172, 217, 11, 78);
	H_FREE(r);

	static const uint8_t reply[] = {
		0x00, 0x00,             /* type 0 echo reply, code 0 */
		0xf7, 0x24,             /* checksum */
		0x04, 0xca, 0x00, 0x01, /* identifier 1226, sequence 1 */
		0x8b, 0xcf, 0xcf, 0x5f, /* data (first octets) */
	};
	assert_int_equal(h_l4(h, nc_dec_icmpv4, reply, sizeof(reply),
			      sizeof(reply), 4, v4_b, v4_a),
			 DEC_OK);
	r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 0);
	assert_int_equal(r->checksum, 0xf724);
	assert_int_equal(r->id, 1226);
	assert_int_equal(r->seq, 1);
	H_FREE(r);
	free(h);
}

/*
 * ppp_mpls_icmp-traceroute.pcap frame 2: tshark icmp.type 11 code 0
 * checksum 0xcd04 (time exceeded; the second word is unused).
 */
static void test_icmpv4_time_exceeded(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x0b, 0x00,             /* type 11 time exceeded, code 0 */
		0xcd, 0x04,             /* checksum */
		0x00, 0x00, 0x00, 0x00, /* unused */
		/* quoted IPv4 header + 8 octets (not decoded) */
		0x45, 0x00, 0x00, 0x28, 0xa5, 0x4c, 0x00, 0x00, 0x01, 0x11,
		0xf7, 0x6f, 0x0c, 0x04, 0x04, 0x04, 0x0c, 0x01, 0x01, 0x01,
		0xa5, 0x4b, 0x82, 0x9b, 0x00, 0x14, 0x00, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv4, b, sizeof(b), sizeof(b), 4,
			      v4_a, v4_b),
			 DEC_OK);
	assert_int_equal(h->n, 1);
	Netcap__ICMPv4 *r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 11 << 8);
	assert_int_equal(r->checksum, 0xcd04);
	assert_int_equal(r->id, 0);
	assert_int_equal(r->seq, 0);
	H_FREE(r);
	free(h);
}

/*
 * RFC 792 timestamp (13), information (15) and RFC 950 address mask (18)
 * messages carry Identifier and Sequence Number; destination unreachable
 * (3) does not (its second word here is the RFC 1191 next-hop MTU).
 */
static void test_icmpv4_id_seq_types(void **state)
{
	(void)state;
	static const uint8_t ts[] = {
		0x0d, 0x00,             /* type 13 timestamp, code 0 */
		0x12, 0x34,             /* checksum */
		0xab, 0xcd,             /* identifier 0xabcd */
		0x00, 0x2a,             /* sequence 42 */
		0x00, 0x00, 0x00, 0x01, /* originate timestamp */
		0x00, 0x00, 0x00, 0x00, /* receive timestamp */
		0x00, 0x00, 0x00, 0x00, /* transmit timestamp */
	};
	static const uint8_t info[] = {
		0x0f, 0x00, 0x00, 0x00, /* type 15 information request */
		0x00, 0x07, 0x00, 0x08, /* identifier 7, sequence 8 */
	};
	static const uint8_t mask[] = {
		0x12, 0x00, 0x00, 0x00, /* type 18 address mask reply */
		0x00, 0x05, 0x00, 0x06, /* identifier 5, sequence 6 */
		0xff, 0xff, 0xff, 0x00, /* mask 255.255.255.0 */
	};
	static const uint8_t unreach[] = {
		0x03, 0x04, 0x00, 0x00, /* type 3 code 4 frag needed */
		0x00, 0x00, 0x05, 0xdc, /* unused, next-hop MTU 1500 */
	};
	struct harness *h = h_new();
	Netcap__ICMPv4 *r;

	h_l4(h, nc_dec_icmpv4, ts, sizeof(ts), sizeof(ts), 4, v4_a, v4_b);
	r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 13 << 8);
	assert_int_equal(r->checksum, 0x1234);
	assert_int_equal(r->id, 0xabcd);
	assert_int_equal(r->seq, 42);
	H_FREE(r);

	h_l4(h, nc_dec_icmpv4, info, sizeof(info), sizeof(info), 4, v4_a,
	     v4_b);
	r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 15 << 8);
	assert_int_equal(r->id, 7);
	assert_int_equal(r->seq, 8);
	H_FREE(r);

	h_l4(h, nc_dec_icmpv4, mask, sizeof(mask), sizeof(mask), 4, v4_a,
	     v4_b);
	r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 18 << 8);
	assert_int_equal(r->id, 5);
	assert_int_equal(r->seq, 6);
	H_FREE(r);

	h_l4(h, nc_dec_icmpv4, unreach, sizeof(unreach), sizeof(unreach), 4,
	     v4_a, v4_b);
	r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 3 << 8 | 4);
	assert_int_equal(r->id, 0);
	assert_int_equal(r->seq, 0);
	H_FREE(r);
	free(h);
}

/* The first 7 octets of the echo request: the 8-octet header is cut. */
static void test_icmpv4_truncated(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv4, icmp4_echo_req, 7, 98, 4,
			      v4_a, v4_b),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 0);
	assert_int_equal(h_event(h, NC_EV_ICMPV4_TRUNC), 1);
	assert_true(h_has_anomaly(h, "icmpv4.truncated"));
	assert_int_equal(h_l4(h, nc_dec_icmpv4, icmp4_echo_req, 0, 98, 4,
			      v4_a, v4_b),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_ICMPV4_TRUNC), 2);
	free(h);
}

/* ---- ICMPv6 ---- */

/*
 * icmpv6-echo.pcap frame 1: tshark icmpv6.type 128 code 0 checksum 0x2910
 * echo.identifier 0x0001 echo.sequence_number 3,
 * 2620:0:e00:400e:d1d:db37:beb:5aac -> 2001:4860:8006::63.
 */
static const uint8_t icmp6_echo[] = {
	0x80, 0x00,             /* type 128 echo request, code 0 */
	0x29, 0x10,             /* checksum */
	0x00, 0x01,             /* identifier 1 */
	0x00, 0x03,             /* sequence 3 */
	/* data "abcdefghijklmnopqrstuvwabcdefghi" */
	0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c,
	0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x61,
	0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
};

static void test_icmpv6_echo(void **state)
{
	(void)state;
	static const uint8_t src[16] = { 0x26, 0x20, 0x00, 0x00, 0x0e, 0x00,
					 0x40, 0x0e, 0x0d, 0x1d, 0xdb, 0x37,
					 0x0b, 0xeb, 0x5a, 0xac };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x48, 0x60, 0x80, 0x06,
					 0,    0,    0,    0,    0,    0,
					 0,    0,    0,    0x63 };
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, icmp6_echo, sizeof(icmp6_echo),
			      sizeof(icmp6_echo), 16, src, dst),
			 DEC_OK);
	assert_int_equal(h->n, 2);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(c);
	assert_int_equal(c->timestamp, 1000000002LL);
	assert_int_equal(c->typecode, 128 << 8);
	assert_int_equal(c->checksum, 0x2910);
	assert_int_equal(c->srcip.len, 16);
	assert_memory_equal(c->srcip.data, src, 16);
	assert_memory_equal(c->dstip.data, dst, 16);
	H_FREE(c);
	Netcap__ICMPv6Echo *e = h_get(h, NC_REC_ICMPV6ECHO, 0);
	assert_non_null(e);
	assert_int_equal(e->identifier, 1);
	assert_int_equal(e->seqnumber, 3);
	assert_memory_equal(e->srcip.data, src, 16);
	H_FREE(e);

	/* icmpv6-echo.pcap frame 2: type 129, checksum 0x2810 */
	static const uint8_t reply[] = {
		0x81, 0x00, 0x28, 0x10, /* type 129 echo reply, checksum */
		0x00, 0x01, 0x00, 0x03, /* identifier 1, sequence 3 */
	};
	assert_int_equal(h_l4(h, nc_dec_icmpv6, reply, sizeof(reply),
			      sizeof(reply), 16, dst, src),
			 DEC_OK);
	c = h_get(h, NC_REC_ICMPV6, 0);
	assert_int_equal(c->typecode, 129 << 8);
	assert_int_equal(c->checksum, 0x2810);
	H_FREE(c);
	e = h_get(h, NC_REC_ICMPV6ECHO, 0);
	assert_non_null(e);
	assert_int_equal(e->identifier, 1);
	assert_int_equal(e->seqnumber, 3);
	H_FREE(e);
	free(h);
}

static void test_icmpv6_truncated(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* 3 octets: not even the common header */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, icmp6_echo, 3, 94, 16, v6_ll,
			      v6_all),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 0);
	assert_true(h_has_anomaly(h, "icmpv6.truncated"));
	/* 6 octets: the common header, but the echo body is cut */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, icmp6_echo, 6, 94, 16, v6_ll,
			      v6_all),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 1);
	assert_int_equal(h_count(h, NC_REC_ICMPV6ECHO), 0);
	assert_true(h_has_anomaly(h, "icmpv6.truncated"));
	assert_int_equal(h_event(h, NC_EV_ICMPV6_TRUNC), 2);
	free(h);
}

/*
 * icmpv6-nd-options.pcap frame 1: tshark icmpv6.type 135 checksum 0x673c
 * nd.ns.target_address fe80::c000:54ff:fef5:0, no options (:: source).
 */
static void test_icmpv6_ns(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x87, 0x00,             /* type 135 NS, code 0 */
		0x67, 0x3c,             /* checksum */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
	};
	static const uint8_t unspec[16] = { 0 };
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      unspec, v6_all),
			 DEC_OK);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(c);
	assert_int_equal(c->typecode, 135 << 8);
	assert_int_equal(c->checksum, 0x673c);
	H_FREE(c);
	Netcap__ICMPv6NeighborSolicitation *r = h_get(h, NC_REC_ICMPV6NS, 0);
	assert_non_null(r);
	assert_int_equal(r->targetaddress.len, 16);
	assert_memory_equal(r->targetaddress.data, v6_ll, 16);
	assert_int_equal(r->n_options, 0);
	assert_memory_equal(r->srcip.data, unspec, 16);
	H_FREE(r);
	free(h);
}

/* RFC 4861 4.3 NS with a Source Link-Layer Address option (type 1). */
static void test_icmpv6_ns_option(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x87, 0x00, 0x00, 0x00, /* type 135 NS, code, checksum */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
		0x01, 0x01,             /* SLLA option, length 1 (8 octets) */
		0x00, 0x0c, 0x29, 0x0e, 0x4c, 0x67, /* MAC */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	Netcap__ICMPv6NeighborSolicitation *r = h_get(h, NC_REC_ICMPV6NS, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->type, 1);
	assert_bytes(r->options[0]->data, 0x00, 0x0c, 0x29, 0x0e, 0x4c, 0x67);
	H_FREE(r);
	free(h);
}

/*
 * icmpv6-nd-options.pcap frame 2: tshark icmpv6.type 136 checksum 0x9abb
 * nd.na.flag 0xa0000000 (router, override), target
 * fe80::c000:54ff:fef5:0, opt.type 2 opt.length 1 linkaddr
 * c2:00:54:f5:00:00.
 */
static void test_icmpv6_na(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x88, 0x00,             /* type 136 NA, code 0 */
		0x9a, 0xbb,             /* checksum */
		0xa0, 0x00, 0x00, 0x00, /* R=1 S=0 O=1, reserved */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
		0x02, 0x01,             /* TLLA option, length 1 */
		0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00, /* MAC */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	assert_int_equal(h->n, 2);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_int_equal(c->typecode, 136 << 8);
	assert_int_equal(c->checksum, 0x9abb);
	H_FREE(c);
	Netcap__ICMPv6NeighborAdvertisement *r = h_get(h, NC_REC_ICMPV6NA, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 0xa0); /* top octet of 0xa0000000 */
	assert_memory_equal(r->targetaddress.data, v6_ll, 16);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->type, 2);
	assert_bytes(r->options[0]->data, 0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00);
	assert_memory_equal(r->dstip.data, v6_all, 16);
	H_FREE(r);
	free(h);
}

/*
 * icmpv6-nd-options.pcap frame 3: tshark icmpv6.type 134 checksum 0xc4fe
 * cur_hop_limit 64 flag 0x00 router_lifetime 1800 reachable_time 0
 * retrans_timer 0, opt.type 1,5,3 opt.length 1,1,4: SLLA
 * c2:00:54:f5:00:00, MTU 1500, prefix 2001:db8:0:1::/64 flags 0xc0 valid
 * 2592000 preferred 604800.
 */
static void test_icmpv6_ra(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x86, 0x00,             /* type 134 RA, code 0 */
		0xc4, 0xfe,             /* checksum */
		0x40,                   /* cur hop limit 64 */
		0x00,                   /* flags: none */
		0x07, 0x08,             /* router lifetime 1800 */
		0x00, 0x00, 0x00, 0x00, /* reachable time */
		0x00, 0x00, 0x00, 0x00, /* retrans timer */
		0x01, 0x01,             /* SLLA, length 1 */
		0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00,
		0x05, 0x01,             /* MTU, length 1 */
		0x00, 0x00, 0x00, 0x00, 0x05, 0xdc, /* reserved, MTU 1500 */
		0x03, 0x04,             /* prefix information, length 4 */
		0x40, 0xc0,             /* prefix length 64, L A flags */
		0x00, 0x27, 0x8d, 0x00, /* valid lifetime 2592000 */
		0x00, 0x09, 0x3a, 0x80, /* preferred lifetime 604800 */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01, /* prefix */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_int_equal(c->typecode, 134 << 8);
	assert_int_equal(c->checksum, 0xc4fe);
	H_FREE(c);
	Netcap__ICMPv6RouterAdvertisement *r = h_get(h, NC_REC_ICMPV6RA, 0);
	assert_non_null(r);
	assert_int_equal(r->hoplimit, 64);
	assert_int_equal(r->flags, 0);
	assert_int_equal(r->routerlifetime, 1800);
	assert_int_equal(r->reachabletime, 0);
	assert_int_equal(r->retranstimer, 0);
	assert_int_equal(r->n_options, 3);
	assert_int_equal(r->options[0]->type, 1);
	assert_bytes(r->options[0]->data, 0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00);
	assert_int_equal(r->options[1]->type, 5);
	assert_bytes(r->options[1]->data, 0x00, 0x00, 0x00, 0x00, 0x05, 0xdc);
	assert_int_equal(r->options[2]->type, 3);
	assert_int_equal(r->options[2]->data.len, 30);
	assert_int_equal(r->options[2]->data.data[0], 64);
	assert_int_equal(r->options[2]->data.data[1], 0xc0);
	H_FREE(r);
	free(h);
}

/*
 * icmpv6_ra-mld.pcap frame 1: tshark icmpv6.checksum 0x2401 cur_hop_limit
 * 64 nd.ra.flag 0x20 router_lifetime 15 reachable_time 0 retrans_timer 0,
 * opt.type 3,25,31,5,1,7,8 opt.length 4,5,7,1,1,1,1.
 */
static void test_icmpv6_ra_many_options(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x86, 0x00, 0x24, 0x01, /* type 134 RA, code, checksum */
		0x40, 0x20,             /* hop limit 64, flags: H (0x20) */
		0x00, 0x0f,             /* router lifetime 15 */
		0x00, 0x00, 0x00, 0x00, /* reachable time */
		0x00, 0x00, 0x00, 0x00, /* retrans timer */
		0x03, 0x04,             /* prefix information, length 4 */
		0x48, 0xc0, 0x00, 0x27, 0x8d, 0x00, 0x00, 0x09, 0x3a, 0x80,
		0x00, 0x00, 0x00, 0x00, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44,
		0x55, 0x55, 0x66, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x19, 0x05,             /* RDNSS, length 5 */
		0x00, 0x00,             /*   reserved */
		0x00, 0x00, 0x00, 0x05, /*   lifetime 5 */
		0xab, 0xcd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* abcd::efef */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xef, 0xef,
		0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00, /* 1234:5678::1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x1f, 0x07,             /* DNSSL, length 7 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x07, 0x65, 0x78, 0x61,
		0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x07,
		0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x6f, 0x72,
		0x67, 0x00, 0x04, 0x64, 0x6f, 0x6d, 0x31, 0x04, 0x64, 0x6f,
		0x6d, 0x32, 0x03, 0x74, 0x6c, 0x64, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0x05, 0x01,             /* MTU, length 1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x64,
		0x01, 0x01,             /* SLLA, length 1 */
		0xb0, 0x99, 0x28, 0xc8, 0xd6, 0x6c,
		0x07, 0x01,             /* advertisement interval, length 1 */
		0x00, 0x00, 0x00, 0x00, 0x13, 0x88,
		0x08, 0x01,             /* home agent information, length 1 */
		0x00, 0x00, 0xc3, 0x51, 0x00, 0x0f,
	};
	struct harness *h = h_new();
	assert_int_equal(sizeof(b), 176); /* IPv6 payload length 0x00b0 */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	Netcap__ICMPv6RouterAdvertisement *r = h_get(h, NC_REC_ICMPV6RA, 0);
	assert_non_null(r);
	assert_int_equal(r->hoplimit, 64);
	assert_int_equal(r->flags, 0x20);
	assert_int_equal(r->routerlifetime, 15);
	assert_int_equal(r->n_options, 7);
	static const int types[] = { 3, 25, 31, 5, 1, 7, 8 };
	static const int lens[] = { 4, 5, 7, 1, 1, 1, 1 };
	for (int i = 0; i < 7; i++) {
		assert_int_equal(r->options[i]->type, types[i]);
		assert_int_equal(r->options[i]->data.len, lens[i] * 8 - 2);
	}
	assert_bytes(r->options[4]->data, 0xb0, 0x99, 0x28, 0xc8, 0xd6, 0x6c);
	assert_bytes(r->options[6]->data, 0x00, 0x00, 0xc3, 0x51, 0x00, 0x0f);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_ICMPV6_OPT_BAD), 0);
	free(h);
}

/*
 * icmpv6-nd-options.pcap frame 13: tshark icmpv6.type 133 checksum 0x7bb8,
 * no options.
 */
static void test_icmpv6_rs(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x85, 0x00,             /* type 133 RS, code 0 */
		0x7b, 0xb8,             /* checksum */
		0x00, 0x00, 0x00, 0x00, /* reserved */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_int_equal(c->typecode, 133 << 8);
	assert_int_equal(c->checksum, 0x7bb8);
	H_FREE(c);
	Netcap__ICMPv6RouterSolicitation *r = h_get(h, NC_REC_ICMPV6RS, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 0);
	assert_memory_equal(r->srcip.data, v6_ll, 16);
	H_FREE(r);

	/* reserved field cut: ICMPv6 record, then icmpv6.truncated */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, 6, 100, 16, v6_ll, v6_all),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 1);
	assert_int_equal(h_count(h, NC_REC_ICMPV6RS), 0);
	assert_true(h_has_anomaly(h, "icmpv6.truncated"));
	free(h);
}

/* RFC 4861 4.6: Length 0 is invalid; parsing stops, the record stays. */
static void test_icmpv6_zero_length_option(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x85, 0x00, 0x00, 0x00, /* type 133 RS, code, checksum */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0x01, 0x01,             /* SLLA, length 1 */
		0x00, 0x0c, 0x29, 0x0e, 0x4c, 0x67,
		0x0e, 0x00,             /* type 14, length 0: invalid */
		0x01, 0x01, 0x00, 0x00, 0x00, 0x00, /* never parsed */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_INVALID);
	Netcap__ICMPv6RouterSolicitation *r = h_get(h, NC_REC_ICMPV6RS, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->type, 1);
	assert_bytes(r->options[0]->data, 0x00, 0x0c, 0x29, 0x0e, 0x4c, 0x67);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_ICMPV6_OPT_BAD), 1);
	assert_true(h_has_anomaly(h, "icmpv6.option_invalid"));
	free(h);
}

/* An option longer than the message: invalid, or truncated if snap-cut. */
static void test_icmpv6_option_overrun(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x88, 0x00, 0x00, 0x00, /* type 136 NA, code, checksum */
		0x40, 0x00, 0x00, 0x00, /* S flag */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
		0x02, 0x01,             /* TLLA, length 1 */
		0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00,
		0x03, 0x04,             /* prefix info, length 4: 32 octets */
		0x40, 0xc0, 0x00, 0x27, /* ... only 4 more here */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_INVALID);
	Netcap__ICMPv6NeighborAdvertisement *r = h_get(h, NC_REC_ICMPV6NA, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 0x40);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->type, 2);
	H_FREE(r);
	assert_true(h_has_anomaly(h, "icmpv6.option_invalid"));

	/* same octets, but the capture was cut by the snap length */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b) + 28,
			      16, v6_ll, v6_all),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ICMPV6NA), 1);
	assert_true(h_has_anomaly(h, "icmpv6.truncated"));
	assert_int_equal(h_event(h, NC_EV_ICMPV6_OPT_BAD), 1);

	/* a lone type octet at the end */
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, 33, 33, 16, v6_ll, v6_all),
			 DEC_INVALID);
	r = h_get(h, NC_REC_ICMPV6NA, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 1);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_ICMPV6_OPT_BAD), 2);
	free(h);
}

/* More than NC_MAX_OPTIONS options: the first NC_MAX_OPTIONS are kept. */
static void test_icmpv6_too_many_options(void **state)
{
	(void)state;
	enum { N = NC_MAX_OPTIONS + 1 };
	static uint8_t b[8 + 8 * N];
	memset(b, 0, sizeof(b));
	b[0] = 133; /* RS; code, checksum, reserved 0 */
	for (int i = 0; i < N; i++) {
		b[8 + 8 * i] = 1;     /* SLLA */
		b[8 + 8 * i + 1] = 1; /* length 1 */
		b[8 + 8 * i + 7] = (uint8_t)i;
	}
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_INVALID);
	Netcap__ICMPv6RouterSolicitation *r = h_get(h, NC_REC_ICMPV6RS, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, NC_MAX_OPTIONS);
	assert_int_equal(r->options[NC_MAX_OPTIONS - 1]->data.data[5],
			 NC_MAX_OPTIONS - 1);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_ICMPV6_OPT_TOO_MANY), 1);
	assert_true(h_has_anomaly(h, "icmpv6.too_many_options"));
	free(h);
}

/*
 * icmpv6-nd-options.pcap frame 4: tshark icmpv6.type 143 (MLDv2 report)
 * checksum 0x5c13: only the ICMPv6 record.
 */
static void test_icmpv6_other_type(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x8f, 0x00,             /* type 143 MLDv2 report, code 0 */
		0x5c, 0x13,             /* checksum */
		0x00, 0x00, 0x00, 0x01, /* reserved, 1 record */
		0x04, 0x00, 0x00, 0x00, /* record: change to exclude */
		0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* group */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_icmpv6, b, sizeof(b), sizeof(b), 16,
			      v6_ll, v6_all),
			 DEC_OK);
	assert_int_equal(h->n, 1);
	Netcap__ICMPv6 *c = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(c);
	assert_int_equal(c->typecode, 143 << 8);
	assert_int_equal(c->checksum, 0x5c13);
	H_FREE(c);
	free(h);
}

/* ---- whole frames through nc_decode_frame (link + IP decoders) ---- */

/* icmpv4-echo.pcap frame 1 (Ethernet), first 8 data octets kept. */
static void test_frame_icmpv4_echo(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xa6, 0x83, 0xe7, 0x0c, 0x90, 0x64, /* dst MAC */
		0x00, 0x0c, 0x29, 0xcf, 0x30, 0x15, /* src MAC */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00, 0x00, 0x54, /* IPv4, total length 84 */
		0x94, 0x6a, 0x40, 0x00, /* id, DF */
		0x40, 0x01, 0xbd, 0x04, /* TTL 64, ICMP, checksum */
		0xac, 0x10, 0x85, 0x02, /* 172.16.133.2 */
		0xac, 0xd9, 0x0b, 0x4e, /* 172.217.11.78 */
		0x08, 0x00, 0xef, 0x24, /* echo request, checksum */
		0x04, 0xca, 0x00, 0x01, /* identifier 1226, sequence 1 */
		0x8b, 0xcf, 0xcf, 0x5f, 0x00, 0x00, 0x00, 0x00, /* data */
		/* ... 48 more data octets, cut by the snap length */
	};
	struct harness *h = h_new();
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, NC_LINK_ETHERNET, f, sizeof(f), 98,
				1000000002LL);
	assert_int_equal(h->rc, DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__ICMPv4 *r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 8 << 8);
	assert_int_equal(r->checksum, 0xef24);
	assert_int_equal(r->id, 1226);
	assert_int_equal(r->seq, 1);
	assert_bytes(r->srcip, 172, 16, 133, 2);
	assert_bytes(r->dstip, 172, 217, 11, 78);
	H_FREE(r);
	free(h);
}

/* icmpv6-nd-options.pcap frame 2 (Ethernet): the NA of test_icmpv6_na. */
static void test_frame_icmpv6_na(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x33, 0x33, 0x00, 0x00, 0x00, 0x01, /* dst MAC */
		0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00, /* src MAC */
		0x86, 0xdd,                         /* IPv6 */
		0x6e, 0x00, 0x00, 0x00, /* version 6, traffic class, flow */
		0x00, 0x20, 0x3a, 0xff, /* payload 32, ICMPv6, hop limit 255 */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* src */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
		0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* dst */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x88, 0x00, 0x9a, 0xbb, /* NA, checksum */
		0xa0, 0x00, 0x00, 0x00, /* R O flags */
		0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* target */
		0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
		0x02, 0x01, 0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00, /* TLLA */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 1);
	Netcap__ICMPv6NeighborAdvertisement *r = h_get(h, NC_REC_ICMPV6NA, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 0xa0);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->type, 2);
	assert_memory_equal(r->srcip.data, v6_ll, 16);
	assert_memory_equal(r->dstip.data, v6_all, 16);
	H_FREE(r);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icmpv4_echo),
		cmocka_unit_test(test_icmpv4_time_exceeded),
		cmocka_unit_test(test_icmpv4_id_seq_types),
		cmocka_unit_test(test_icmpv4_truncated),
		cmocka_unit_test(test_icmpv6_echo),
		cmocka_unit_test(test_icmpv6_truncated),
		cmocka_unit_test(test_icmpv6_ns),
		cmocka_unit_test(test_icmpv6_ns_option),
		cmocka_unit_test(test_icmpv6_na),
		cmocka_unit_test(test_icmpv6_ra),
		cmocka_unit_test(test_icmpv6_ra_many_options),
		cmocka_unit_test(test_icmpv6_rs),
		cmocka_unit_test(test_icmpv6_zero_length_option),
		cmocka_unit_test(test_icmpv6_option_overrun),
		cmocka_unit_test(test_icmpv6_too_many_options),
		cmocka_unit_test(test_icmpv6_other_type),
		cmocka_unit_test(test_frame_icmpv4_echo),
		cmocka_unit_test(test_frame_icmpv6_na),
	};
	return cmocka_run_group_tests_name("icmp", tests, NULL, NULL);
}
