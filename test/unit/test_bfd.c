/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_bfd.c: the BFD parser (decoders/app/bfd.c). The packet is the UDP
 * payload of frame 1 of test/data/bfd_auth-md5.pcap; expected values are
 * tshark's. The others follow RFC 5880 4.1-4.4.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_bfd;

static const uint8_t ip_a[4] = {192, 85, 1, 2};
static const uint8_t ip_b[4] = {192, 0, 0, 1};

static void run_port(struct harness *h, uint16_t dport, const uint8_t *p,
		     size_t len)
{
	struct nc_app_conn c = {
	    .uid = "CtestBFDxxxx",
	    .alen = 4,
	    .proto = 17,
	    .addr = {ip_a, ip_b},
	    .port = {1024, dport},
	    .ts = 42,
	};
	app_datagram(h, &nc_app_bfd, &c, 0, p, len);
}

static void run(struct harness *h, const uint8_t *p, size_t len)
{
	run_port(h, 3784, p, len);
}

/* from bfd_auth-md5.pcap frame 1: state Down, keyed MD5 */
static const uint8_t md5[] = {
    0x20,		    /* version 1, diag 0 */
    0x44,		    /* state 1 (Down), A set */
    0x05,		    /* detect multiplier 5 */
    0x30,		    /* length 48 */
    0x00, 0x00, 0x00, 0x01, /* my discriminator 1 */
    0x00, 0x00, 0x00, 0x00, /* your discriminator 0 */
    0x00, 0x0f, 0x42, 0x40, /* desired min TX 1000000 us */
    0x00, 0x0f, 0x42, 0x40, /* required min RX 1000000 us */
    0x00, 0x00, 0x00, 0x00, /* required min echo RX 0 */
    0x02, 0x18, 0x02, 0x00, /* auth type 2 (keyed MD5), len 24, key 2 */
    0x00, 0x00, 0x00, 0x05, /* sequence 5 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* digest */
    0x09, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
    0x3c, 0xc3, 0xf8, 0x21, /* 4 octets past Length, as captured */
};

static void test_md5(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, md5, sizeof(md5));
	Netcap__BFD *r = h_get(h, NC_REC_BFD, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 1);
	assert_int_equal(r->diagnostic, 0);
	assert_int_equal(r->state, 1);
	assert_true(r->authpresent);
	assert_false(r->poll);
	assert_false(r->final);
	assert_false(r->demand);
	assert_int_equal(r->detectmultiplier, 5);
	assert_int_equal(r->mydiscriminator, 1);
	assert_int_equal(r->yourdiscriminator, 0);
	assert_int_equal(r->desiredmintxinterval, 1000000);
	assert_int_equal(r->requiredminrxinterval, 1000000);
	assert_int_equal(r->requiredminechorxinterval, 0);
	assert_non_null(r->authheader);
	assert_int_equal(r->authheader->authtype, 2);
	assert_int_equal(r->authheader->keyid, 2);
	assert_int_equal(r->authheader->sequencenumber, 5);
	assert_int_equal(r->authheader->data.len, 16);
	assert_memory_equal(r->authheader->data.data, md5 + 32, 16);
	assert_bytes(r->srcip, 192, 85, 1, 2);
	assert_int_equal(r->srcport, 1024);
	assert_int_equal(r->dstport, 3784);
	assert_string_equal(r->uid, "CtestBFDxxxx");
	assert_int_equal(r->timestamp, 42);
	H_FREE(r);
	free(h);
}

/* RFC 5880 4.2: simple password, key 1, "secret"; P, F, C, D, M set */
static void test_password(void **state)
{
	(void)state;
	static const uint8_t p[] = {
	    0x27, 0xff, 3, 33, /* v1 diag 7, Up + P F C A D M, mult 3, 33 */
	    0, 0, 0, 9, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
	    1,	9,    1,	  /* type 1, len 9, key 1 */
	    's', 'e', 'c', 'r', 'e', 't',
	};
	struct harness *h = h_new();
	run(h, p, sizeof(p));
	Netcap__BFD *r = h_get(h, NC_REC_BFD, 0);
	assert_non_null(r);
	assert_int_equal(r->diagnostic, 7);
	assert_int_equal(r->state, 3);
	assert_true(r->poll && r->final && r->controlplaneindependent &&
		    r->authpresent && r->demand && r->multipoint);
	assert_int_equal(r->yourdiscriminator, 10);
	assert_int_equal(r->requiredminechorxinterval, 3);
	assert_non_null(r->authheader);
	assert_int_equal(r->authheader->authtype, 1);
	assert_int_equal(r->authheader->keyid, 1);
	assert_int_equal(r->authheader->sequencenumber, 0);
	assert_int_equal(r->authheader->data.len, 6);
	assert_memory_equal(r->authheader->data.data, "secret", 6);
	H_FREE(r);
	free(h);
}

/* every datagram shorter than 24 octets: bfd.truncated, no record */
static void test_truncated(void **state)
{
	(void)state;
	struct harness *h = h_new();
	for (size_t n = 0; n < 24; n++) {
		uint64_t t0 = h_event(h, NC_EV_BFD_TRUNC);
		run(h, md5, n);
		assert_int_equal(h_count(h, NC_REC_BFD), 0);
		assert_int_equal(h_event(h, NC_EV_BFD_TRUNC), t0 + 1);
		assert_true(h_has_anomaly(h, "bfd.truncated"));
	}
	free(h);
}

/* Length past the datagram, and an Auth Len past Length */
static void test_bad_lengths(void **state)
{
	(void)state;
	uint8_t p[sizeof(md5)];
	struct harness *h = h_new();

	/* 40 octets with Length 48: the fixed fields, no AuthHeader */
	run(h, md5, 40);
	assert_true(h_has_anomaly(h, "bfd.bad_length"));
	Netcap__BFD *r = h_get(h, NC_REC_BFD, 0);
	assert_non_null(r);
	assert_int_equal(r->mydiscriminator, 1);
	assert_null(r->authheader);
	H_FREE(r);

	/* Auth Len 30 in a 48-octet packet */
	memcpy(p, md5, sizeof(p));
	p[25] = 30;
	run(h, p, sizeof(p));
	assert_true(h_has_anomaly(h, "bfd.bad_auth"));
	r = h_get(h, NC_REC_BFD, 0);
	assert_non_null(r);
	assert_null(r->authheader);
	H_FREE(r);

	/* Auth Len 2 */
	p[25] = 2;
	uint64_t t0 = h_event(h, NC_EV_BFD_BAD_AUTH);
	run(h, p, sizeof(p));
	assert_int_equal(h_event(h, NC_EV_BFD_BAD_AUTH), t0 + 1);
	free(h);
}

/* port 3785: echo, counted, no record */
static void test_echo(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run_port(h, 3785, md5, sizeof(md5));
	assert_int_equal(h_count(h, NC_REC_BFD), 0);
	assert_int_equal(h_event(h, NC_EV_BFD_ECHO), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_md5),
	    cmocka_unit_test(test_password),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_bad_lengths),
	    cmocka_unit_test(test_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
