/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of IP defragmentation (decoders/defrag.c and its use in
 * decoders/ipv4.c and ipv6.c).
 *
 * Crafted datagrams are built from the commented header templates below
 * (raw IP link type, so no link header) and cut into fragments by the
 * test; the expected values follow from RFC 791 / RFC 8200 arithmetic on
 * those bytes. The real captures in test/data are read with a small stdio
 * pcap reader (no libpcap here); their expected values come from tshark
 * 4.0 with -o ip.defragment:TRUE -o ipv6.defragment:TRUE:
 *   ipv4-fragments_icmp-echo.pcap   frame 2 completes 1+2 (ip.reassembled
 *     .length 1408): icmp.type 8, code 0, checksum 0x4d71, ident 5058, seq 1
 *   ipv6-fragments_dns.pcap         frame 8 completes 6+7+8: udp.srcport
 *     53, dstport 51851, length 3238, checksum 0x688f; frame 4 is a lone
 *     last fragment (offset 362, M 0) that never completes
 *   malformed_ipv6-overlapping-fragments.pcap  frame 9 completes the
 *     datagram (ipv6.reassembled.length 1208, ipv6.fragment 5,6,9 and
 *     ipv6.fragment.error 8, fragment.count 4; frame 8 overlaps frame 6:
 *     ipv6.fragment.overlap 1, overlap.conflict 1):
 *     icmpv6.type 128, code 0, checksum 0x7917, echo id 0xface, seq 47806
 *   gtpv1u_gn_fragmented.pcap       40 first fragments, 36 reassembled
 *     (the first in frame 5: udp 2152 -> 2152, length 1496, checksum
 *     0xa665), 4 without their last fragment in the capture
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "defrag.h"

#define SEC 1000000000LL

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

static struct harness *h_defrag(const struct nc_defrag_cfg *cfg)
{
	struct harness *h = h_new();
	struct nc_defrag_cfg def = nc_defrag_cfg_default();
	h->dec.defrag = nc_defrag_new(cfg ? cfg : &def);
	assert_non_null(h->dec.defrag);
	return h;
}

static void h_done(struct harness *h)
{
	nc_defrag_free(h->dec.defrag);
	free(h);
}

static enum dec_rc h_frame(struct harness *h, const uint8_t *f, size_t caplen,
			   size_t wirelen, int64_t ts)
{
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, NC_LINK_RAW, f, (uint32_t)caplen,
				(uint32_t)wirelen, ts);
	return h->rc;
}

/* crafted IPv4 header; total length, id, flags/offset filled per fragment */
static const uint8_t ipv4_tmpl[20] = {
	0x45, 0x00, /* version 4, IHL 5, TOS 0 */
	0x00, 0x00, /* total length (set) */
	0x00, 0x00, /* identification (set) */
	0x00, 0x00, /* flags, fragment offset (set) */
	0x40, 0x11, /* TTL 64, protocol 17 UDP */
	0x00, 0x00, /* checksum (not verified) */
	0x0a, 0x00, 0x00, 0x01, /* source 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02, /* destination 10.0.0.2 */
};

/* crafted IPv6 header + Fragment header; lengths and offsets set */
static const uint8_t ipv6_tmpl[48] = {
	0x60, 0x00, 0x00, 0x00, /* version 6, class 0, flow 0 */
	0x00, 0x00,		/* payload length (set) */
	0x2c, 0x40,		/* next header 44 Fragment, hop limit 64 */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, /* src */
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, /* dst */
	0x11, 0x00, /* Fragment: next header 17 UDP, reserved */
	0x00, 0x00, /* offset (13 bits), res, M (set) */
	0x00, 0x00, 0x00, 0x00, /* identification (set) */
};

#define DGRAM_LEN 2400 /* UDP header + 2392 data octets */
static uint8_t dgram[DGRAM_LEN];

/* A UDP datagram 1234 -> 5678 of DGRAM_LEN octets, data i & 0xff. */
static void make_dgram(void)
{
	static const uint8_t udp[8] = {
		0x04, 0xd2, /* source port 1234 */
		0x16, 0x2e, /* destination port 5678 */
		0x09, 0x60, /* length 2400 */
		0x00, 0x00, /* checksum 0: none */
	};
	memcpy(dgram, udp, sizeof(udp));
	for (size_t i = sizeof(udp); i < DGRAM_LEN; i++)
		dgram[i] = (uint8_t)i;
}

/* IPv4 fragment of src[off, off+len) into buf; returns the frame length. */
static size_t v4frag(uint8_t *buf, uint16_t id, uint8_t proto, unsigned off,
		     const uint8_t *src, unsigned len, bool mf)
{
	memcpy(buf, ipv4_tmpl, 20);
	buf[2] = (uint8_t)((20 + len) >> 8);
	buf[3] = (uint8_t)(20 + len);
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	uint16_t fo = (uint16_t)((mf ? 0x2000 : 0) | (off / 8));
	buf[6] = (uint8_t)(fo >> 8);
	buf[7] = (uint8_t)fo;
	buf[9] = proto;
	memcpy(buf + 20, src + off, len);
	return 20 + len;
}

static size_t v6frag(uint8_t *buf, uint32_t id, uint8_t nh, unsigned off,
		     const uint8_t *src, unsigned len, bool m)
{
	memcpy(buf, ipv6_tmpl, 48);
	buf[4] = (uint8_t)((8 + len) >> 8);
	buf[5] = (uint8_t)(8 + len);
	buf[40] = nh;
	uint16_t fo = (uint16_t)((off / 8) << 3 | (m ? 1 : 0));
	buf[42] = (uint8_t)(fo >> 8);
	buf[43] = (uint8_t)fo;
	buf[44] = (uint8_t)(id >> 24);
	buf[45] = (uint8_t)(id >> 16);
	buf[46] = (uint8_t)(id >> 8);
	buf[47] = (uint8_t)id;
	memcpy(buf + 48, src + off, len);
	return 48 + len;
}

static uint8_t fbuf[70000];

/* Send IPv4 fragment [off, off+len) of dgram at time ts. */
static void send4(struct harness *h, uint16_t id, unsigned off, unsigned len,
		  bool mf, int64_t ts)
{
	size_t n = v4frag(fbuf, id, 17, off, dgram, len, mf);
	h_frame(h, fbuf, n, n, ts);
}

static void send6(struct harness *h, uint32_t id, unsigned off, unsigned len,
		  bool m, int64_t ts)
{
	size_t n = v6frag(fbuf, id, 17, off, dgram, len, m);
	h_frame(h, fbuf, n, n, ts);
}

/* The frame's one UDP record matches dgram, stamped ts. */
static void assert_udp_dgram(const struct harness *h, int64_t ts)
{
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->timestamp, ts);
	assert_int_equal(u->srcport, 1234);
	assert_int_equal(u->dstport, 5678);
	assert_int_equal(u->length, DGRAM_LEN);
	assert_int_equal(u->payloadsize, DGRAM_LEN - 8);
	assert_int_equal(u->payload.len, DGRAM_LEN - 8);
	assert_memory_equal(u->payload.data, dgram + 8, DGRAM_LEN - 8);
	H_FREE(u);
}

/* ------------------------------------------------------------------ */
/* configuration                                                        */
/* ------------------------------------------------------------------ */

static void test_cfg(void **state)
{
	(void)state;
	struct nc_defrag_cfg c = nc_defrag_cfg_default();
	assert_int_equal(c.max_datagrams, 1024);
	assert_int_equal(c.max_bytes, 4u << 20);
	assert_true(c.timeout_ns == 30 * SEC);
	assert_int_equal(c.max_fragments_per_datagram, 64);
	/* the stated bound: arena + contexts + buckets + 64 KiB output */
	size_t b = nc_defrag_bytes(&c);
	assert_true(b >= (4u << 20) + 65535);
	assert_true(b < (6u << 20));

	struct nc_defrag_cfg bad = c;
	bad.max_datagrams = 0;
	errno = 0;
	assert_null(nc_defrag_new(&bad));
	assert_int_equal(errno, EINVAL);
	bad = c;
	bad.max_bytes = 100;
	assert_null(nc_defrag_new(&bad));
	bad = c;
	bad.timeout_ns = 0;
	assert_null(nc_defrag_new(&bad));
	bad = c;
	bad.max_fragments_per_datagram = 0;
	assert_null(nc_defrag_new(&bad));
	assert_null(nc_defrag_new(NULL));
	nc_defrag_free(NULL);
}

/* ------------------------------------------------------------------ */
/* IPv4                                                                 */
/* ------------------------------------------------------------------ */

/* Three fragments in order: UDP only in the third frame, whole. */
static void test_v4_in_order(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 7, 0, 800, true, 1 * SEC);
	assert_int_equal(h->rc, DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 1);
	send4(h, 7, 800, 800, true, 2 * SEC);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	send4(h, 7, 1600, 800, false, 3 * SEC);
	assert_int_equal(h->rc, DEC_OK);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_udp_dgram(h, 3 * SEC);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAGMENT), 3);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	/* the context is gone: the same id starts over */
	send4(h, 7, 1600, 800, false, 4 * SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(nc_defrag_flush(&h->dec), 1);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_INCOMPLETE), 1);
	h_done(h);
}

/* Reverse order, odd sizes: the first fragment completes it. */
static void test_v4_reverse(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 9, 2000, 400, false, 1 * SEC);
	send4(h, 9, 1000, 1000, true, 1 * SEC);
	send4(h, 9, 8, 992, true, 1 * SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	send4(h, 9, 0, 8, true, 5 * SEC);
	assert_udp_dgram(h, 5 * SEC);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	h_done(h);
}

/* An exact duplicate is an overlap with equal data (as Wireshark). */
static void test_v4_duplicate(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 1, 0, 1200, true, SEC);
	send4(h, 1, 0, 1200, true, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP), 1);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP_DIFFERS), 0);
	assert_true(h_has_anomaly(h, "ipv4.frag_overlap"));
	send4(h, 1, 1200, 1200, false, SEC);
	assert_udp_dgram(h, SEC);
	h_done(h);
}

/* Overlap with different data: the first octets win. */
static void test_v4_overlap_differs(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);
	static uint8_t evil[DGRAM_LEN];

	memcpy(evil, dgram, DGRAM_LEN);
	for (unsigned i = 800; i < 1600; i++)
		evil[i] ^= 0xff;

	send4(h, 2, 0, 1200, true, SEC);
	/* [800, 1600): its first 400 octets overlap and differ */
	size_t n = v4frag(fbuf, 2, 17, 800, evil, 800, true);
	h_frame(h, fbuf, n, n, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP), 1);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP_DIFFERS), 1);
	assert_true(h_has_anomaly(h, "ipv4.frag_overlap_differs"));
	/* [1200, 2400) again from the good copy: overlap, differs */
	send4(h, 2, 1200, 1200, false, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP), 2);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_OVERLAP_DIFFERS), 2);
	/* first wins: [0,1200) good, [1200,1600) evil, rest good */
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->payload.len, DGRAM_LEN - 8);
	assert_memory_equal(u->payload.data, dgram + 8, 1200 - 8);
	assert_memory_equal(u->payload.data + 1200 - 8, evil + 1200, 400);
	assert_memory_equal(u->payload.data + 1600 - 8, dgram + 1600, 800);
	H_FREE(u);
	h_done(h);
}

/* Offset + length + header > 65535: dropped with an anomaly. */
static void test_v4_too_big(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 3, 0, 800, true, SEC);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 1);
	/* 65000 + 800 + 20 > 65535 (frame built from a big buffer) */
	static uint8_t big[66000];
	size_t n = v4frag(fbuf, 3, 17, 65000, big, 800, false);
	h_frame(h, fbuf, n, n, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_TOO_BIG), 1);
	assert_true(h_has_anomaly(h, "ipv4.frag_too_big"));
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	/* exactly 65535: accepted */
	n = v4frag(fbuf, 4, 17, 65512, big, 3, false);
	h_frame(h, fbuf, n, n, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_TOO_BIG), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 1);
	h_done(h);
}

/* More fragments than max_fragments_per_datagram (duplicates count). */
static void test_v4_too_many(void **state)
{
	(void)state;
	make_dgram();
	struct nc_defrag_cfg c = nc_defrag_cfg_default();
	c.max_fragments_per_datagram = 4;
	struct harness *h = h_defrag(&c);

	for (unsigned i = 0; i < 4; i++)
		send4(h, 5, 8 * i, 8, true, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_TOO_MANY), 0);
	send4(h, 5, 0, 8, true, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_TOO_MANY), 1);
	assert_true(h_has_anomaly(h, "ipv4.frag_too_many"));
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	h_done(h);
}

/* A second last fragment with another end: bad end, dropped. */
static void test_v4_bad_end(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 6, 1600, 800, false, SEC);
	send4(h, 6, 800, 400, false, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_BAD_END), 1);
	assert_true(h_has_anomaly(h, "ipv4.frag_bad_end"));
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	h_done(h);
}

/* Packet-time timeout, inline on reuse and through nc_defrag_expire. */
static void test_v4_timeout(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send4(h, 8, 0, 800, true, 100 * SEC);
	send4(h, 8, 800, 800, true, 110 * SEC);
	/* 30 s after the first fragment: the datagram is gone */
	send4(h, 8, 1600, 800, false, 130 * SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_TIMEOUT), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 1);

	send4(h, 9, 0, 800, true, 140 * SEC);
	assert_int_equal(nc_defrag_expire(&h->dec, 159 * SEC, 16), 0);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 2);
	/* id 8 (130 s) is due at 160 s, id 9 (140 s) at 170 s */
	assert_int_equal(nc_defrag_expire(&h->dec, 160 * SEC, 16), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 1);
	assert_int_equal(nc_defrag_expire(&h->dec, 500 * SEC, 0), 0);
	assert_int_equal(nc_defrag_expire(&h->dec, 500 * SEC, 16), 1);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_TIMEOUT), 3);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	h_done(h);
}

/* Table full and byte budget exhausted: dropped_no_room, INFO only. */
static void test_v4_no_room(void **state)
{
	(void)state;
	make_dgram();
	struct nc_defrag_cfg c = nc_defrag_cfg_default();
	c.max_datagrams = 2;
	c.max_bytes = 4 * NC_DEFRAG_PAGE;
	struct harness *h = h_defrag(&c);

	send4(h, 1, 0, 800, true, SEC);	 /* page 0 */
	send4(h, 2, 0, 1200, true, SEC); /* pages 0, 1 */
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 3);
	send4(h, 3, 0, 8, true, SEC); /* no context left */
	assert_int_equal(h_event(h, NC_EV_DEFRAG_NO_ROOM), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 2);
	/* needs pages 1 and 2, one is free: not kept */
	send4(h, 1, 800, 1600, false, SEC);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_NO_ROOM), 2);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 3);
	/* finishing datagram 2 frees its pages */
	send4(h, 2, 1200, 1200, false, SEC);
	assert_udp_dgram(h, SEC);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 1);
	send4(h, 1, 800, 1600, false, SEC);
	assert_udp_dgram(h, SEC);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	h_done(h);
}

/* A fragment cut by the snaplen is decoded as without defragmentation. */
static void test_v4_cut(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);
	size_t n = v4frag(fbuf, 1, 17, 0, dgram, 1200, true);

	h_frame(h, fbuf, 60, n, SEC);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_CUT), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(h_count(h, NC_REC_UDP), 1); /* the header it has */
	h_done(h);
}

/* No defragmentation table: the first fragment's UDP header, as before. */
static void test_v4_off(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_new();

	send4(h, 1, 0, 800, true, SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	send4(h, 1, 800, 1600, false, SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 0);
	free(h);
}

/*
 * IPv4 in IPv4, outer datagram fragmented, and the inner header is itself
 * a first fragment: one level of reassembly only, the inner one is
 * decoded on its own (defrag.nested).
 */
static void test_v4_nested(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);
	static uint8_t inner[1220];
	static uint8_t f1[700], f2[700];

	/* inner: first fragment of dgram, id 99, 1200 octets */
	size_t in = v4frag(inner, 99, 17, 0, dgram, 1200, true);
	size_t n1 = v4frag(f1, 42, 4, 0, inner, 600, true);
	size_t n2 = v4frag(f2, 42, 4, 600, inner, (unsigned)in - 600, false);
	h_frame(h, f1, n1, n1, SEC);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	h_frame(h, f2, n2, n2, SEC);
	assert_int_equal(h_count(h, NC_REC_IPV4), 2);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_NESTED), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	/* the inner record comes from the reassembled buffer */
	Netcap__IPv4 *r = h_get(h, NC_REC_IPV4, 1);
	assert_non_null(r);
	assert_int_equal(r->id, 99);
	assert_int_equal(r->length, 1220);
	H_FREE(r);
	h_done(h);
}

/* ------------------------------------------------------------------ */
/* IPv6                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Send IPv4 fragment [off, off+len) of dgram inside IP in IP from outer
 * 192.0.2.1 to 192.0.2.<outer_dst>: the outer address pair is the tunnel's
 * tenant (docs/CONNECTIONS.md "Key").
 */
static void send4_ipip(struct harness *h, uint8_t outer_dst, uint16_t id,
		       unsigned off, unsigned len, bool mf, int64_t ts)
{
	size_t n = v4frag(fbuf + 20, id, 17, off, dgram, len, mf);
	memcpy(fbuf, ipv4_tmpl, 20);
	fbuf[2] = (uint8_t)((20 + n) >> 8);
	fbuf[3] = (uint8_t)(20 + n);
	fbuf[9] = 4; /* IPv4 in IPv4 */
	const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {192, 0, 2, outer_dst};
	memcpy(fbuf + 12, src, 4);
	memcpy(fbuf + 16, dst, 4);
	h_frame(h, fbuf, 20 + n, 20 + n, ts);
}

/* Two tenants' fragments with one inner key never make one datagram. */
static void test_v4_tenants_apart(void **state)
{
	(void)state;
	struct harness *h = h_defrag(NULL);
	make_dgram();

	send4_ipip(h, 2, 77, 0, 1200, true, 1000);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	/* the rest of the same inner datagram, in another tunnel */
	send4_ipip(h, 3, 77, 1200, DGRAM_LEN - 1200, false, 2000);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	/* and in the first tunnel: it completes there */
	send4_ipip(h, 2, 77, 1200, DGRAM_LEN - 1200, false, 3000);
	assert_udp_dgram(h, 3000);
	h_done(h);
}

static void test_v6_reassemble(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send6(h, 0x01020304, 1232, 1168, false, 2 * SEC);
	assert_int_equal(h_count(h, NC_REC_IPV6FRAGMENT), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	/* the offset-0 fragment's Next Header decides (RFC 8200 4.5) */
	size_t n = v6frag(fbuf, 0x01020304, 17, 0, dgram, 1232, true);
	h_frame(h, fbuf, n, n, 3 * SEC);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	assert_int_equal(h_count(h, NC_REC_IPV6FRAGMENT), 1);
	assert_udp_dgram(h, 3 * SEC);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAGMENT), 2);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	/* same octets, other id and a different first Next Header: 59 */
	send6(h, 5, 1232, 1168, false, 4 * SEC);
	n = v6frag(fbuf, 5, 59, 0, dgram, 1232, true);
	h_frame(h, fbuf, n, n, 4 * SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 2);
	h_done(h);
}

static void test_v6_overlap_too_big(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);

	send6(h, 7, 0, 1000, true, SEC);
	send6(h, 7, 504, 1000, true, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAG_OVERLAP), 1);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAG_OVERLAP_DIFFERS), 0);
	assert_true(h_has_anomaly(h, "ipv6.frag_overlap"));
	/* 65528 + 16 > 65535 */
	static uint8_t big[65600];
	size_t n = v6frag(fbuf, 7, 17, 65528, big, 16, false);
	h_frame(h, fbuf, n, n, SEC);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAG_TOO_BIG), 1);
	assert_true(h_has_anomaly(h, "ipv6.frag_too_big"));
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	h_done(h);
}

/* An atomic fragment (offset 0, M 0) is no reassembly at all. */
static void test_v6_atomic(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);
	static uint8_t small[16] = {
		0x04, 0xd2, 0x16, 0x2e, /* ports 1234 -> 5678 */
		0x00, 0x10, 0x00, 0x00, /* length 16, checksum 0 */
		1, 2, 3, 4, 5, 6, 7, 8,
	};
	size_t n = v6frag(fbuf, 3, 17, 0, small, sizeof(small), false);

	h_frame(h, fbuf, n, n, SEC);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 0);
	h_done(h);
}

/*
 * Hostile mix: 20000 random fragments (ids, offsets, lengths, MF, IPv4 and
 * IPv6, time moving on) through a small table. Bounds hold, nothing leaks:
 * after a flush no datagram and no page is held.
 */
static void test_random_mix(void **state)
{
	(void)state;
	make_dgram();
	struct nc_defrag_cfg c = nc_defrag_cfg_default();
	c.max_datagrams = 8;
	c.max_bytes = 16 * NC_DEFRAG_PAGE;
	c.max_fragments_per_datagram = 6;
	c.timeout_ns = 2 * SEC;
	struct harness *h = h_defrag(&c);
	static uint8_t big[66000];
	uint32_t x = 12345;
	int64_t ts = SEC;

	h->cfg.payload = false;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	for (unsigned i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		unsigned id = (x >> 8) % 5;
		unsigned off = ((x >> 12) % 40) * 8;
		if ((x >> 20) % 16 == 0)
			off = 65000 + ((x >> 4) % 8) * 8; /* near the top */
		unsigned len = 1 + (x >> 16) % 600;
		bool mf = (x >> 28) & 1;
		size_t n = (x >> 29) & 1
			       ? v6frag(fbuf, id, 17, off, big, len, mf)
			       : v4frag(fbuf, (uint16_t)id, 17, off, big, len,
					mf);
		ts += (x >> 3) % (SEC / 8);
		h_frame(h, fbuf, n, n, ts);
		assert_true(nc_defrag_inflight(h->dec.defrag) <= 8);
		assert_true(nc_defrag_pages_used(h->dec.defrag) <= 16);
		if (i % 100 == 0)
			nc_defrag_expire(&h->dec, ts, 4);
	}
	nc_defrag_flush(&h->dec);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	h_done(h);
}

/* ------------------------------------------------------------------ */
/* real captures (stdio pcap reader)                                    */
/* ------------------------------------------------------------------ */

struct pcap_file {
	uint8_t *buf;
	size_t len, pos;
	bool swap, nsec;
	uint32_t link;
};

static uint32_t rd32(const struct pcap_file *p, size_t at)
{
	const uint8_t *b = p->buf + at;
	return p->swap ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
			     (uint32_t)b[2] << 8 | b[3]
		       : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
			     (uint32_t)b[1] << 8 | b[0];
}

static void pcap_open(struct pcap_file *p, const char *name)
{
	char path[512];
	const char *dir = getenv("NC_TEST_DATA");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "test/data", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	memset(p, 0, sizeof(*p));
	p->buf = malloc(1 << 20);
	p->len = fread(p->buf, 1, 1 << 20, f);
	fclose(f);
	assert_true(p->len >= 24 && p->len < (1 << 20));
	uint32_t magic = (uint32_t)p->buf[0] | (uint32_t)p->buf[1] << 8 |
			 (uint32_t)p->buf[2] << 16 | (uint32_t)p->buf[3] << 24;
	p->swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	p->nsec = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	assert_true(p->swap || magic == 0xa1b2c3d4 || magic == 0xa1b23c4d);
	p->link = rd32(p, 20);
	p->pos = 24;
}

/* Next packet, or false at the end. */
static bool pcap_next(struct pcap_file *p, const uint8_t **data,
		      uint32_t *caplen, uint32_t *wirelen, int64_t *ts)
{
	if (p->len - p->pos < 16)
		return false;
	uint32_t sec = rd32(p, p->pos), frac = rd32(p, p->pos + 4);
	*caplen = rd32(p, p->pos + 8);
	*wirelen = rd32(p, p->pos + 12);
	p->pos += 16;
	if (*caplen > p->len - p->pos)
		return false;
	*data = p->buf + p->pos;
	p->pos += *caplen;
	*ts = (int64_t)sec * SEC + (int64_t)frac * (p->nsec ? 1 : 1000);
	return true;
}

/* Decode the capture; at frame `at` (1-based) stop and return true. */
static bool run_to(struct harness *h, struct pcap_file *p, unsigned *fno,
		   unsigned at)
{
	const uint8_t *data;
	uint32_t cl, wl;
	int64_t ts;
	while (pcap_next(p, &data, &cl, &wl, &ts)) {
		++*fno;
		h->n = 0;
		h->rc = nc_decode_frame(&h->dec, (int)p->link, data, cl, wl, ts);
		if (*fno == at)
			return true;
	}
	return false;
}

static void test_cap_ipv4_icmp(void **state)
{
	(void)state;
	struct harness *h = h_defrag(NULL);
	struct pcap_file p;
	unsigned fno = 0;

	h->cfg.payload = false;
	pcap_open(&p, "ipv4-fragments_icmp-echo.pcap");
	assert_true(run_to(h, &p, &fno, 1));
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 0);
	assert_true(run_to(h, &p, &fno, 2));
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 1);
	/* for connection tracking: frames 1, 2 (frame.len 1010 + 466, ip.len
	 * 996 + 452) */
	assert_int_equal(h->dec.frag_frames, 2);
	assert_true(h->dec.frag_wire == 1010 + 466);
	assert_int_equal(h->dec.l4.ip_len, 996 + 452);
	Netcap__ICMPv4 *r = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 8 << 8 | 0);
	assert_int_equal(r->checksum, 0x4d71);
	assert_int_equal(r->id, 5058);
	assert_int_equal(r->seq, 1);
	assert_bytes(r->srcip, 2, 1, 1, 2);
	assert_bytes(r->dstip, 2, 1, 1, 1);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_true(run_to(h, &p, &fno, 3));
	assert_int_equal(h_count(h, NC_REC_ICMPV4), 1);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	assert_int_equal(nc_defrag_flush(&h->dec), 0);
	free(p.buf);
	h_done(h);
}

static void test_cap_ipv6_dns(void **state)
{
	(void)state;
	struct harness *h = h_defrag(NULL);
	struct pcap_file p;
	unsigned fno = 0;

	h->cfg.payload = false;
	pcap_open(&p, "ipv6-fragments_dns.pcap");
	for (unsigned f = 1; f <= 7; f++) {
		assert_true(run_to(h, &p, &fno, f));
		/* frames 1, 2, 3, 5 are plain UDP; 4, 6, 7 fragments */
		assert_int_equal(h_count(h, NC_REC_UDP),
				 (f == 4 || f >= 6) ? 0 : 1);
	}
	assert_true(run_to(h, &p, &fno, 8));
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->srcport, 53);
	assert_int_equal(u->dstport, 51851);
	assert_int_equal(u->length, 3238);
	assert_int_equal(u->checksum, 0x688f);
	assert_int_equal(u->payloadsize, 3238 - 8);
	H_FREE(u);
	/* frames 6, 7, 8: frame.len 1494 + 1494 + 436, 40 + ipv6.plen
	 * 1480 + 1480 + 422 */
	assert_int_equal(h->dec.frag_frames, 3);
	assert_true(h->dec.frag_wire == 1494 + 1494 + 436);
	assert_int_equal(h->dec.l4.ip_len, 1480 + 1480 + 422);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_false(run_to(h, &p, &fno, 99));
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	/* frame 4's datagram never completes */
	assert_int_equal(nc_defrag_flush(&h->dec), 1);
	free(p.buf);
	h_done(h);
}

static void test_cap_ipv6_overlap(void **state)
{
	(void)state;
	struct harness *h = h_defrag(NULL);
	struct pcap_file p;
	unsigned fno = 0;

	h->cfg.payload = false;
	pcap_open(&p, "malformed_ipv6-overlapping-fragments.pcap");
	assert_true(run_to(h, &p, &fno, 8));
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAG_OVERLAP), 1);
	assert_int_equal(h_event(h, NC_EV_IPV6_FRAG_OVERLAP_DIFFERS), 1);
	assert_true(h_has_anomaly(h, "ipv6.frag_overlap_differs"));
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 0);
	assert_true(run_to(h, &p, &fno, 9));
	assert_int_equal(h_count(h, NC_REC_ICMPV6), 1);
	Netcap__ICMPv6 *r = h_get(h, NC_REC_ICMPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->typecode, 128 << 8);
	assert_int_equal(r->checksum, 0x7917);
	H_FREE(r);
	Netcap__ICMPv6Echo *e = h_get(h, NC_REC_ICMPV6ECHO, 0);
	assert_non_null(e);
	assert_int_equal(e->identifier, 0xface);
	assert_int_equal(e->seqnumber, 47806);
	H_FREE(e);
	/* frames 5, 6, 8 (overlapping), 9: frame.len 470 + 3 * 462, 40 +
	 * ipv6.plen 456 + 3 * 448 */
	assert_int_equal(h->dec.frag_frames, 4);
	assert_true(h->dec.frag_wire == 470 + 3 * 462);
	assert_int_equal(h->dec.l4.ip_len, 456 + 3 * 448);
	/* the next frame is on its own again */
	assert_true(run_to(h, &p, &fno, 10));
	assert_int_equal(h->dec.frag_frames, 0);
	assert_false(run_to(h, &p, &fno, 99));
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	assert_int_equal(nc_defrag_flush(&h->dec), 0);
	free(p.buf);
	h_done(h);
}

static void test_cap_gtp(void **state)
{
	(void)state;
	struct harness *h = h_defrag(NULL);
	struct pcap_file p;
	unsigned fno = 0;

	h->cfg.payload = false;
	pcap_open(&p, "gtpv1u_gn_fragmented.pcap");
	assert_true(run_to(h, &p, &fno, 4));
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	assert_true(run_to(h, &p, &fno, 5));
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->srcport, 2152);
	assert_int_equal(u->dstport, 2152);
	assert_int_equal(u->length, 1496);
	assert_int_equal(u->checksum, 0xa665);
	H_FREE(u);
	assert_false(run_to(h, &p, &fno, 999));
	assert_int_equal(fno, 108);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 36);
	assert_int_equal(nc_defrag_flush(&h->dec), 4);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_INCOMPLETE), 4);
	assert_int_equal(nc_defrag_pages_used(h->dec.defrag), 0);
	free(p.buf);
	h_done(h);
}

/* ------------------------------------------------------------------ */
/* what a completed datagram reports for connection tracking            */
/* ------------------------------------------------------------------ */

/* Offer [off, off + len) of dgram as id with the given IP and frame
 * lengths (as the IP decoder would: nc_frag.ip_len, d->wirelen). */
static enum nc_defrag_rc offer(struct harness *h, uint32_t id, unsigned off,
			       unsigned len, bool more, uint32_t ip_len,
			       uint32_t wirelen, struct nc_defrag_out *o)
{
	static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
	struct nc_frag f = {
	    .family = 4,
	    .proto = 17,
	    .ip_hlen = 20,
	    .src = a,
	    .dst = b,
	    .id = id,
	    .offset = off,
	    .more = more,
	    .cut = false,
	    .ip_len = ip_len,
	    .data = cur_make(dgram + off, len),
	    .at = dgram + off,
	};
	h->dec.frame = dgram;
	h->dec.caplen = DGRAM_LEN;
	h->dec.wirelen = wirelen;
	h->dec.ts = SEC;
	return nc_defrag_offer(&h->dec, &f, o);
}

/*
 * fragments, ip_bytes and wire sum every fragment the datagram kept,
 * exact duplicates included, and nothing of a datagram dropped before.
 */
static void test_out_counts(void **state)
{
	(void)state;
	make_dgram();
	struct harness *h = h_defrag(NULL);
	struct nc_defrag_out o;

	memset(&o, 0, sizeof(o));
	assert_int_equal(offer(h, 1, 0, 16, true, 36, 50, &o), NC_DEFRAG_HELD);
	assert_int_equal(offer(h, 1, 0, 16, true, 36, 60, &o), NC_DEFRAG_HELD);
	assert_int_equal(offer(h, 1, 16, 8, false, 28, 42, &o),
			 NC_DEFRAG_DONE);
	assert_int_equal(o.len, 24);
	assert_int_equal(o.fragments, 3);
	assert_int_equal(o.ip_bytes, 36 + 36 + 28);
	assert_true(o.wire == 50 + 60 + 42);

	/* id 2: a last fragment ending before octets received (bad end)
	 * drops the datagram; the next two start it afresh */
	assert_int_equal(offer(h, 2, 0, 16, true, 36, 50, &o), NC_DEFRAG_HELD);
	assert_int_equal(offer(h, 2, 0, 8, false, 28, 42, &o),
			 NC_DEFRAG_DROPPED);
	assert_int_equal(h_event(h, NC_EV_IPV4_FRAG_BAD_END), 1);
	assert_int_equal(offer(h, 2, 16, 8, false, 28, 70, &o),
			 NC_DEFRAG_HELD);
	assert_int_equal(offer(h, 2, 0, 16, true, 36, 64, &o), NC_DEFRAG_DONE);
	assert_int_equal(o.fragments, 2);
	assert_int_equal(o.ip_bytes, 28 + 36);
	assert_true(o.wire == 70 + 64);
	assert_int_equal(nc_defrag_inflight(h->dec.defrag), 0);
	h_done(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg),
		cmocka_unit_test(test_v4_in_order),
		cmocka_unit_test(test_v4_reverse),
		cmocka_unit_test(test_v4_duplicate),
		cmocka_unit_test(test_v4_overlap_differs),
		cmocka_unit_test(test_v4_too_big),
		cmocka_unit_test(test_v4_too_many),
		cmocka_unit_test(test_v4_bad_end),
		cmocka_unit_test(test_v4_timeout),
		cmocka_unit_test(test_v4_no_room),
		cmocka_unit_test(test_v4_cut),
		cmocka_unit_test(test_v4_off),
		cmocka_unit_test(test_v4_nested),
	    cmocka_unit_test(test_v4_tenants_apart),
		cmocka_unit_test(test_v6_reassemble),
		cmocka_unit_test(test_v6_overlap_too_big),
		cmocka_unit_test(test_v6_atomic),
		cmocka_unit_test(test_random_mix),
		cmocka_unit_test(test_cap_ipv4_icmp),
		cmocka_unit_test(test_cap_ipv6_dns),
		cmocka_unit_test(test_cap_ipv6_overlap),
		cmocka_unit_test(test_cap_gtp),
		cmocka_unit_test(test_out_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
