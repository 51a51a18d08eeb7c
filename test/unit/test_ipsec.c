/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ipsec.c: AH and ESP (decoders/net/ipsec.c, and AH as an IPv6
 * extension header in decoders/net/ipv6.c). Frames marked "from
 * <capture>" are IP packets of test/data captures (tshark -x without the
 * Ethernet header) with tshark's values; the others follow RFC 4302 and
 * RFC 4303.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "net_frames.h"

/* from ah_ipv4_icmp_isakmp.pcapng frame 5: AH (HMAC-96) then ICMP echo */
static const uint8_t ah_icmp[] = {
    0x45, 0x00, 0x00, 0x7c, 0x00, 0x13, 0x00, 0x00, /* total length 124 */
    0xff, 0x33, 0xa0, 0x31, 0x0a, 0x02, 0x03, 0x02, /* AH, 10.2.3.2 */
    0x0a, 0x03, 0x04, 0x04,			    /* 10.3.4.4 */
    0x01, 0x04, 0x00, 0x00, /* next ICMP, payload len 4, reserved */
    0x60, 0x48, 0x16, 0xf6, /* SPI 0x604816f6 */
    0x00, 0x00, 0x00, 0x01, /* sequence 1 */
    0xe7, 0x32, 0xab, 0xac, 0xe1, 0xc6, 0x00, 0x46, /* ICV */
    0xee, 0xc6, 0x41, 0xed,
    0x08, 0x00, 0x67, 0x04, /* ICMP echo request, csum 0x6704 */
    0x00, 0x05, 0x00, 0x01, /* id 5, seq 1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x17, 0x2c, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
    0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd, 0xab, 0xcd,
};

/* from esp_ipv4_3des.pcap frame 1 (first 40 octets of 108 encrypted) */
static const uint8_t esp_hdr[] = {
    0x12, 0x34, 0x56, 0x78, /* SPI 0x12345678 */
    0x00, 0x00, 0x00, 0x01, /* sequence 1 */
    0x4c, 0x20, 0x45, 0x2f, 0x3c, 0xb0, 0x92, 0x11, 0xd3, 0xa7, 0x48, 0xcd,
    0xe5, 0xc8, 0x11, 0xe3, 0x9c, 0x4e, 0xe8, 0x3c, 0xfe, 0x96, 0xa1, 0xe4,
    0x2a, 0xcf, 0xd2, 0xb8, 0x7a, 0xab, 0x05, 0xd1, 0x64, 0x2b, 0xa3, 0xaf,
};

static void test_ah_icmp(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IPV4, ah_icmp, sizeof(ah_icmp)),
			 DEC_OK);
	Netcap__IPSecAH *a = h_get(h, NC_REC_IPSECAH, 0);
	assert_non_null(a);
	assert_int_equal(a->nextheader, 1);
	assert_int_equal(a->payloadlen, 4);
	assert_int_equal(a->reserved, 0);
	assert_int_equal(a->spi, 0x604816f6);
	assert_int_equal(a->seq, 1);
	assert_bytes(a->authenticationdata, 0xe7, 0x32, 0xab, 0xac, 0xe1, 0xc6,
		     0x00, 0x46, 0xee, 0xc6, 0x41, 0xed);
	assert_bytes(a->srcip, 10, 2, 3, 2);
	assert_bytes(a->dstip, 10, 3, 4, 4);
	H_FREE(a);
	/* what AH protects is decoded, and is the connection */
	Netcap__ICMPv4 *i = h_get(h, NC_REC_ICMPV4, 0);
	assert_non_null(i);
	assert_int_equal(i->typecode, 8 << 8);
	assert_int_equal(i->checksum, 0x6704);
	assert_int_equal(i->id, 5);
	H_FREE(i);
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 1);
	assert_int_equal(h->dec.l4.sport, 8);
	assert_int_equal(h->dec.l4.ip_len, 124);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/* every cut inside the 24-octet AH: ah.truncated, a protocol-51 connection */
static void test_ah_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < 24; n++) {
		uint8_t f[64];
		struct harness *h = h_new();
		size_t len = nf_ip4(f, 51, ah_icmp + 20, n);
		assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_IPSECAH), 0);
		assert_true(h_has_anomaly(h, "ah.truncated"));
		assert_true(h->dec.l4.valid);
		assert_int_equal(h->dec.l4.ip_proto, 51);
		assert_int_equal(h->dec.l4.payload_len, n);
		free(h);
	}
}

/* Payload Len 0: an 8-octet header, shorter than AH's fixed 12 */
static void test_ah_bad_length(void **state)
{
	(void)state;
	static const uint8_t ah[] = {0x01, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1};
	uint8_t f[64];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 51, ah, sizeof(ah));
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_INVALID);
	assert_true(h_has_anomaly(h, "ah.bad_length"));
	assert_int_equal(h_count(h, NC_REC_IPSECAH), 0);
	assert_int_equal(h->dec.l4.ip_proto, 51);
	free(h);
}

/* 17 AH headers in a row (null ICV): 16 records, then ah.too_deep */
static void test_ah_chain(void **state)
{
	(void)state;
	uint8_t ah[17 * 12];
	for (int i = 0; i < 17; i++) {
		uint8_t *x = ah + i * 12;
		memset(x, 0, 12);
		x[0] = 51; /* next: AH again */
		x[1] = 1;  /* 12 octets */
		x[11] = (uint8_t)i;
	}
	uint8_t f[20 + sizeof(ah)];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 51, ah, sizeof(ah));
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_IPSECAH), NC_MAX_IPV6_EXT);
	assert_true(h_has_anomaly(h, "ah.too_deep"));
	assert_int_equal(h->dec.l4.ip_proto, 51);
	free(h);
}

/* IPv6: AH is walked as an extension header, then UDP */
static void test_ah_ipv6_udp(void **state)
{
	(void)state;
	static const uint8_t pl[] = {
	    17,	  4,	0,    0,    /* next UDP, 24 octets (RFC 4302 2.2) */
	    0x00, 0x00, 0x10, 0x01, /* SPI 0x1001 */
	    0x00, 0x00, 0x00, 0x07, /* sequence 7 */
	    1,	  2,	3,    4,    5, 6, 7, 8, 9, 10, 11, 12, /* ICV */
	    0x04, 0xd2, 0x16, 0x2e, /* UDP 1234 -> 5678 */
	    0x00, 0x0a, 0x00, 0x00, /* length 10 */
	    0xab, 0xcd,
	};
	uint8_t f[128];
	struct harness *h = h_new();
	size_t len = nf_ip6(f, 51, pl, sizeof(pl));
	assert_int_equal(h_decode(h, NC_LINK_IPV6, f, len), DEC_OK);
	Netcap__IPSecAH *a = h_get(h, NC_REC_IPSECAH, 0);
	assert_non_null(a);
	assert_int_equal(a->nextheader, 17);
	assert_int_equal(a->spi, 0x1001);
	assert_int_equal(a->seq, 7);
	assert_int_equal(a->authenticationdata.len, 12);
	assert_int_equal(a->srcip.len, 16);
	H_FREE(a);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	assert_int_equal(h->dec.l4.sport, 1234);
	assert_int_equal(h->dec.l4.dport, 5678);
	free(h);
}

/* IPv6: an AH of 8 octets is ah.bad_length, and the walk goes on */
static void test_ah_ipv6_short(void **state)
{
	(void)state;
	static const uint8_t pl[] = {
	    17,	  0,	0,    0,    /* next UDP, Payload Len 0: 8 octets */
	    0x00, 0x00, 0x10, 0x01, /* SPI, no sequence number */
	    0x04, 0xd2, 0x16, 0x2e, /* UDP 1234 -> 5678 */
	    0x00, 0x08, 0x00, 0x00, /* length 8 */
	};
	uint8_t f[128];
	struct harness *h = h_new();
	size_t len = nf_ip6(f, 51, pl, sizeof(pl));
	assert_int_equal(h_decode(h, NC_LINK_IPV6, f, len), DEC_OK);
	assert_true(h_has_anomaly(h, "ah.bad_length"));
	assert_int_equal(h_count(h, NC_REC_IPSECAH), 0);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h->dec.l4.ip_proto, 17);
	free(h);
}

static void test_esp(void **state)
{
	(void)state;
	uint8_t f[128];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 50, esp_hdr, sizeof(esp_hdr));
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_OK);
	Netcap__IPSecESP *e = h_get(h, NC_REC_IPSECESP, 0);
	assert_non_null(e);
	assert_int_equal(e->spi, 0x12345678);
	assert_int_equal(e->seq, 1);
	assert_int_equal(e->lenencrypted, sizeof(esp_hdr) - 8);
	assert_bytes(e->srcip, 10, 0, 0, 1);
	H_FREE(e);
	/* as before ESP was decoded: a connection of protocol 50 */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 50);
	assert_int_equal(h->dec.l4.payload_len, sizeof(esp_hdr));
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	free(h);
}

static void test_esp_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < 8; n++) {
		uint8_t f[64];
		struct harness *h = h_new();
		size_t len = nf_ip4(f, 50, esp_hdr, n);
		assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_IPSECESP), 0);
		assert_true(h_has_anomaly(h, "esp.truncated"));
		assert_int_equal(h->dec.l4.ip_proto, 50);
		assert_int_equal(h->dec.l4.payload_len, n);
		free(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ah_icmp),
	    cmocka_unit_test(test_ah_truncated),
	    cmocka_unit_test(test_ah_bad_length),
	    cmocka_unit_test(test_ah_chain),
	    cmocka_unit_test(test_ah_ipv6_udp),
	    cmocka_unit_test(test_ah_ipv6_short),
	    cmocka_unit_test(test_esp),
	    cmocka_unit_test(test_esp_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
