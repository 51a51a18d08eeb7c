/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the SCTP decoder (decoders/transport/sctp.c) and of SCTP
 * associations in connection tracking (decoders/flow/conn.c). Frames
 * marked "from <capture>" are copied from test/data with tshark -x and
 * their expected values are tshark's; the others are built from RFC 9260
 * section 3 by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* Ethernet + IPv4 (protocol 132, no options) of the capture's first frame */
#define ETH_IP4(len_hi, len_lo)                                            \
	0x00, 0x04, 0x96, 0x08, 0xe0, 0x40, 0x00, 0x0e, 0x2e, 0x24, 0x37,  \
	    0x5f, 0x08, 0x00,		/* Ethernet, IPv4 */               \
	    0x45, 0x02, len_hi, len_lo, /* v4, IHL 5, total length */      \
	    0x00, 0x00, 0x40, 0x00,	/* id 0, DF */                     \
	    0x40, 0x84, 0x00, 0x00,	/* TTL 64, SCTP, checksum */       \
	    0x9b, 0xe6, 0x18, 0x9b,	/* 155.230.24.155 */               \
	    0xcb, 0xff, 0xfc, 0xc2	/* 203.255.252.194 */

/* from sctp_http_init-shutdown.pcap frame 1: an INIT */
static const uint8_t init_frame[] = {
	ETH_IP4(0x00, 0x5c),
	0x80, 0x44, 0x00, 0x50, /* ports 32836 -> 80 */
	0x00, 0x00, 0x00, 0x00, /* verification tag 0 */
	0x30, 0xba, 0xef, 0x54, /* checksum */
	0x01, 0x00, 0x00, 0x3c, /* INIT, flags 0, length 60 */
	0x3b, 0xb9, 0x9c, 0x46, /* initiate tag */
	0x00, 0x01, 0xa0, 0x00, /* a_rwnd 106496 */
	0x00, 0x0a, 0xff, 0xff, /* OS 10, MIS 65535 */
	0x2b, 0x2d, 0x7e, 0xb2, /* initial TSN 724401842 */
	0x00, 0x05, 0x00, 0x08, 0x9b, 0xe6, 0x18, 0x9b, /* IPv4 address */
	0x00, 0x05, 0x00, 0x08, 0x9b, 0xe6, 0x18, 0x9c, /* IPv4 address */
	0x00, 0x0c, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00, /* address types */
	0x80, 0x00, 0x00, 0x04, /* ECN capable */
	0xc0, 0x00, 0x00, 0x04, /* forward TSN supported */
	0xc0, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, /* add IP (0xc006) */
};

static void test_init(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, init_frame,
				  sizeof(init_frame)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_SCTP), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__SCTP *r = h_get(h, NC_REC_SCTP, 0);
	assert_int_equal(r->srcport, 32836);
	assert_int_equal(r->dstport, 80);
	assert_int_equal(r->verificationtag, 0);
	assert_int_equal(r->checksum, 0x30baef54);
	assert_int_equal(r->n_chunks, 1);
	Netcap__SCTPChunk *k = r->chunks[0];
	assert_int_equal(k->type, 1);
	assert_int_equal(k->length, 60);
	assert_int_equal(k->initiatetag, 0x3bb99c46);
	assert_int_equal(k->advertisedreceiverwindowcredit, 106496);
	assert_int_equal(k->outboundstreams, 10);
	assert_int_equal(k->inboundstreams, 65535);
	assert_int_equal(k->initialtsn, 724401842);
	/* tshark: 0x0005,0x0005,0x000c,0x8000,0xc000,0xc006 */
	static const int32_t pt[] = {5, 5, 12, 0x8000, 0xc000, 0xc006};
	assert_int_equal(k->n_parametertypes, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(k->parametertypes[i], pt[i]);
	H_FREE(r);
	/* the connection summary: ports, INIT as SYN */
	assert_int_equal(h->dec.l4.ip_proto, 132);
	assert_int_equal(h->dec.l4.sport, 32836);
	assert_int_equal(h->dec.l4.dport, 80);
	assert_int_equal(h->dec.l4.tcp_flags, 0x02);
	free(h);
}

/* from sctp_http_init-shutdown.pcap frame 6: a SACK */
static void test_sack(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x0e, 0x2e, 0x24, 0x37, 0x5f, 0x00, 0x04, 0x96, 0x08,
		0xe0, 0x40, 0x08, 0x00, 0x45, 0x00, 0x00, 0x30, 0x00, 0x00,
		0x40, 0x00, 0x3b, 0x84, 0xc2, 0x06, 0xcb, 0xff, 0xfc, 0xc2,
		0x9b, 0xe6, 0x18, 0x9b, /* IPv4 203.255.252.194 -> ... */
		0x00, 0x50, 0x80, 0x44, /* ports 80 -> 32836 */
		0x3b, 0xb9, 0x9c, 0x46, /* verification tag */
		0xda, 0xfd, 0xf9, 0x7b, /* checksum */
		0x03, 0x00, 0x00, 0x10, /* SACK, length 16 */
		0x2b, 0x2d, 0x7e, 0xb2, /* cumulative TSN ack 724401842 */
		0x00, 0x01, 0x9e, 0x6d, /* a_rwnd 106093 */
		0x00, 0x00, 0x00, 0x00, /* 0 gap blocks, 0 duplicates */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__SCTP *r = h_get(h, NC_REC_SCTP, 0);
	assert_non_null(r);
	assert_int_equal(r->verificationtag, 0x3bb99c46);
	assert_int_equal(r->n_chunks, 1);
	assert_int_equal(r->chunks[0]->type, 3);
	assert_int_equal(r->chunks[0]->cumulativetsnack, 724401842);
	assert_int_equal(r->chunks[0]->advertisedreceiverwindowcredit, 106093);
	assert_int_equal(r->chunks[0]->numgapacks, 0);
	assert_int_equal(r->chunks[0]->numduplicatetsns, 0);
	H_FREE(r);
	assert_int_equal(h->dec.l4.tcp_flags, 0x10); /* ACK */
	free(h);
}

/* A bundle, RFC 9260 3.3.1 and 3.3.7: DATA (5 octets of user data, padded
 * to 8) then SHUTDOWN; the first chunk's padding must be skipped. */
static void test_bundle_padding(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_IP4(0x00, 0x40),
		0x0b, 0x59, 0x0b, 0x59, /* ports 2905 */
		0x01, 0x02, 0x03, 0x04, /* verification tag */
		0x00, 0x00, 0x00, 0x00, /* checksum */
		0x00, 0x07, 0x00, 0x15, /* DATA, U B E, length 21 */
		0x00, 0x00, 0x00, 0x2a, /* TSN 42 */
		0x00, 0x03, 0x00, 0x09, /* stream 3, SSN 9 */
		0x00, 0x00, 0x00, 0x03, /* PPID 3 (M3UA) */
		'h', 'e', 'l', 'l', 'o', 0x00, 0x00, 0x00, /* data + pad */
		0x07, 0x00, 0x00, 0x08, /* SHUTDOWN, length 8 */
		0x00, 0x00, 0x00, 0x29, /* cumulative TSN ack 41 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__SCTP *r = h_get(h, NC_REC_SCTP, 0);
	assert_non_null(r);
	assert_int_equal(r->n_chunks, 2);
	Netcap__SCTPChunk *d = r->chunks[0];
	assert_int_equal(d->type, 0);
	assert_int_equal(d->length, 21);
	assert_int_equal(d->tsn, 42);
	assert_int_equal(d->streamid, 3);
	assert_int_equal(d->streamsequence, 9);
	assert_int_equal(d->payloadprotocol, 3);
	assert_true(d->unordered && d->beginfragment && d->endfragment);
	assert_false(d->immediateack);
	assert_int_equal(d->userdatalength, 5);
	assert_int_equal(r->payloadsize, 5);
	assert_int_equal(r->chunks[1]->type, 7);
	assert_int_equal(r->chunks[1]->cumulativetsnack, 41);
	H_FREE(r);
	/* DATA is ACK, SHUTDOWN is FIN */
	assert_int_equal(h->dec.l4.tcp_flags, 0x11);
	free(h);
}

/* Header only 10 octets: sctp.truncated, no record. */
static void test_truncated_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_IP4(0x00, 0x1e),
		0x0b, 0x59, 0x0b, 0x59, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_SCTP), 0);
	assert_int_equal(h_event(h, NC_EV_SCTP_TRUNC), 1);
	assert_true(h_has_anomaly(h, "sctp.truncated"));
	free(h);
}

/* A chunk length of 2 (< 4) and one past the packet: invalid, the record
 * is still written with the chunks before. */
static void test_bad_chunk_lengths(void **state)
{
	(void)state;
	static const uint8_t short_len[] = {
		ETH_IP4(0x00, 0x28),
		0x0b, 0x59, 0x0b, 0x59, 0x01, 0x02, 0x03, 0x04,
		0x00, 0x00, 0x00, 0x00,
		0x0b, 0x00, 0x00, 0x04, /* COOKIE ACK, length 4 */
		0x0e, 0x01, 0x00, 0x02, /* SHUTDOWN COMPLETE, length 2 */
	};
	struct harness *h = h_new();
	assert_int_equal(
	    h_decode(h, NC_LINK_ETHERNET, short_len, sizeof(short_len)),
	    DEC_INVALID);
	Netcap__SCTP *r = h_get(h, NC_REC_SCTP, 0);
	assert_non_null(r);
	assert_int_equal(r->n_chunks, 1);
	assert_int_equal(r->chunks[0]->type, 11);
	H_FREE(r);
	assert_true(h_has_anomaly(h, "sctp.chunk_length_invalid"));

	static const uint8_t overrun[] = {
		ETH_IP4(0x00, 0x28),
		0x0b, 0x59, 0x0b, 0x59, 0x01, 0x02, 0x03, 0x04,
		0x00, 0x00, 0x00, 0x00,
		0x0a, 0x00, 0x00, 0x40, /* COOKIE ECHO, length 64: 4 present */
		0xde, 0xad, 0xbe, 0xef,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, overrun, sizeof(overrun)),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_SCTP), 1);
	assert_int_equal(h_event(h, NC_EV_SCTP_CHUNK_LEN_BAD), 2);
	free(h);
}

/* 70 COOKIE ACK chunks: 64 kept, sctp.too_many_chunks once. */
static void test_too_many_chunks(void **state)
{
	(void)state;
	uint8_t f[34 + 12 + 70 * 4];
	static const uint8_t hdr[] = {
		ETH_IP4(0x01, 0x38), /* 20 + 12 + 280 = 312 */
		0x0b, 0x59, 0x0b, 0x59, 0x01, 0x02, 0x03, 0x04,
		0x00, 0x00, 0x00, 0x00,
	};
	memcpy(f, hdr, sizeof(hdr));
	for (unsigned i = 0; i < 70; i++) {
		uint8_t *p = f + sizeof(hdr) + 4 * i;
		p[0] = 0x0b, p[1] = 0, p[2] = 0, p[3] = 4;
	}
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__SCTP *r = h_get(h, NC_REC_SCTP, 0);
	assert_non_null(r);
	assert_int_equal(r->n_chunks, NC_MAX_OPTIONS);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_SCTP_TOO_MANY_CHUNKS), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init),
	    cmocka_unit_test(test_sack),
	    cmocka_unit_test(test_bundle_padding),
	    cmocka_unit_test(test_truncated_header),
	    cmocka_unit_test(test_bad_chunk_lengths),
	    cmocka_unit_test(test_too_many_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
