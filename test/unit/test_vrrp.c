/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vrrp.c: the VRRP decoder (decoders/net/vrrp.c). Frames marked
 * "from <capture>" are IP packets of test/data/vrrp-v2-v3.pcap (tshark -x
 * without the Ethernet header) with tshark's values; the others follow
 * RFC 3768 and RFC 5798.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "net_frames.h"

/* from vrrp-v2-v3.pcap frame 1: v2, 3 addresses, simple-text auth */
static const uint8_t v2[] = {
    0x45, 0x00, 0x00, 0x30, 0x12, 0x34, 0x00, 0x00, /* total length 48 */
    0xff, 0x70, 0xbe, 0xbc, 0x0a, 0x00, 0x00, 0x5b, /* VRRP, 10.0.0.91 */
    0xe0, 0x00, 0x00, 0x12,			    /* 224.0.0.18 */
    0x21, 0x2a, 0xbf, 0x03, /* v2 advert, VRID 42, prio 191, 3 addrs */
    0x01, 0x0a, 0xf1, 0x1f, /* auth 1, adver int 10, csum 0xf11f */
    0x0a, 0x04, 0x2a, 0x01, 0x0a, 0x04, 0x2a, 0x02, 0x0a, 0x04, 0x2a, 0x03,
    0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, /* auth "abcdefgh" */
};

/* from vrrp-v2-v3.pcap frame 6: v3 over IPv6, 2 addresses */
static const uint8_t v3_6[] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x70, 0xff, /* plen 40, VRRP */
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* fe80::d6ca:... */
    0xd6, 0xca, 0x6d, 0xff, 0xfe, 0x66, 0xcf, 0x60,
    0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ff02::12 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12,
    0x31, 0x2d, 0xbf, 0x02, /* v3 advert, VRID 45, prio 191, 2 addrs */
    0x03, 0xe8, 0xcf, 0xa0, /* max adver int 1000 cs, csum 0xcfa0 */
    0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* fe80::200:5eff.. */
    0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x02, 0x2d,
    0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 2001::abcd:a */
    0x00, 0x00, 0x00, 0x00, 0xab, 0xcd, 0x00, 0x0a,
};

static void test_v2(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IPV4, v2, sizeof(v2)), DEC_OK);
	Netcap__VRRPv2 *r = h_get(h, NC_REC_VRRPV2, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 2);
	assert_int_equal(r->type, 1);
	assert_int_equal(r->virtualrtrid, 42);
	assert_int_equal(r->priority, 191);
	assert_int_equal(r->countipaddr, 3);
	assert_int_equal(r->authtype, 1);
	assert_int_equal(r->adverint, 10);
	assert_int_equal(r->checksum, 0xf11f);
	assert_int_equal(r->n_ipaddress, 3);
	assert_bytes(r->ipaddress[2], 10, 4, 42, 3);
	assert_bytes(r->srcip, 10, 0, 0, 91);
	H_FREE(r);
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 112);
	assert_int_equal(h->dec.l4.payload_len, 28);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_v3_ipv6(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IPV6, v3_6, sizeof(v3_6)),
			 DEC_OK);
	Netcap__VRRPv2 *r = h_get(h, NC_REC_VRRPV2, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 3);
	assert_int_equal(r->virtualrtrid, 45);
	assert_int_equal(r->countipaddr, 2);
	assert_int_equal(r->authtype, 0);
	assert_int_equal(r->adverint, 1000);
	assert_int_equal(r->checksum, 0xcfa0);
	assert_int_equal(r->n_ipaddress, 2);
	assert_bytes(r->ipaddress[1], 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0xab, 0xcd, 0x00, 0x0a);
	H_FREE(r);
	assert_int_equal(h->dec.l4.ip_proto, 112);
	free(h);
}

/* every cut inside the 8-octet header: vrrp.truncated, no record */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < 8; n++) {
		uint8_t f[64];
		struct harness *h = h_new();
		size_t len = nf_ip4(f, 112, v2 + 20, n);
		assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_VRRPV2), 0);
		assert_true(h_has_anomaly(h, "vrrp.truncated"));
		assert_int_equal(h->dec.l4.ip_proto, 112);
		free(h);
	}
}

/* a count of 3 with 2 addresses there: the 2 kept, vrrp.bad_count */
static void test_bad_count(void **state)
{
	(void)state;
	uint8_t f[64];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 112, v2 + 20, 16);
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_INVALID);
	assert_true(h_has_anomaly(h, "vrrp.bad_count"));
	Netcap__VRRPv2 *r = h_get(h, NC_REC_VRRPV2, 0);
	assert_non_null(r);
	assert_int_equal(r->countipaddr, 3);
	assert_int_equal(r->n_ipaddress, 2);
	H_FREE(r);
	free(h);
}

/* version 4: the header only, vrrp.bad_version */
static void test_bad_version(void **state)
{
	(void)state;
	uint8_t p[28];
	memcpy(p, v2 + 20, sizeof(p));
	p[0] = 0x41;
	uint8_t f[64];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 112, p, sizeof(p));
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_INVALID);
	assert_true(h_has_anomaly(h, "vrrp.bad_version"));
	Netcap__VRRPv2 *r = h_get(h, NC_REC_VRRPV2, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 4);
	assert_int_equal(r->n_ipaddress, 0);
	H_FREE(r);
	free(h);
}

/* 255 addresses: 64 kept, vrrp.too_many_addresses */
static void test_too_many(void **state)
{
	(void)state;
	static uint8_t p[8 + 255 * 4];
	memset(p, 0, sizeof(p));
	p[0] = 0x21;
	p[3] = 255;
	for (int i = 0; i < 255; i++)
		p[8 + i * 4 + 3] = (uint8_t)i;
	static uint8_t f[20 + sizeof(p)];
	struct harness *h = h_new();
	size_t len = nf_ip4(f, 112, p, sizeof(p));
	assert_int_equal(h_decode(h, NC_LINK_IPV4, f, len), DEC_OK);
	assert_int_equal(h_event(h, NC_EV_VRRP_TOO_MANY), 1);
	Netcap__VRRPv2 *r = h_get(h, NC_REC_VRRPV2, 0);
	assert_non_null(r);
	assert_int_equal(r->countipaddr, 255);
	assert_int_equal(r->n_ipaddress, NC_MAX_OPTIONS);
	assert_bytes(r->ipaddress[63], 0, 0, 0, 63);
	H_FREE(r);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v2),
	    cmocka_unit_test(test_v3_ipv6),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_bad_count),
	    cmocka_unit_test(test_bad_version),
	    cmocka_unit_test(test_too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
