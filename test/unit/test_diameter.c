/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_diameter.c: the Diameter parser (decoders/app/diameter.c). The
 * messages are built here by RFC 6733 (header 3, AVP 4.1) and RFC 4006
 * (credit-control AVPs); the header values are those tshark shows for
 * frame 1 of test/data/diameter_tcp.pcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_diameter;

static const uint8_t ip_c[4] = {10, 201, 9, 245};
static const uint8_t ip_s[4] = {10, 201, 9, 11};

static void open_diam(struct app_run *r)
{
	struct nc_app_conn c = {
	    .uid = "CtestDIAMxxx",
	    .alen = 4,
	    .proto = 6,
	    .addr = {ip_c, ip_s},
	    .port = {40000, 3868},
	    .ts = 42,
	};
	app_open(r, NULL, &nc_app_diameter, &c, NULL);
}

/* 20 + 20 + 12 + 16 + 40 = 108 octets */
static const uint8_t ccr[] = {
    0x01,
    0x00,
    0x00,
    0x6c, /* version 1, length 108 */
    0x80,
    0x00,
    0x01,
    0x10, /* flags R, command 272 (Credit-Control) */
    0x00,
    0x00,
    0x00,
    0x04, /* application 4 (credit control) */
    0x02,
    0xea,
    0x49,
    0x30, /* hop-by-hop 0x02ea4930 */
    0x26,
    0xf0,
    0x00,
    0x03, /* end-to-end 0x26f00003 */
    /* Session-Id (263), M, length 19: "nxl;api;123" + 1 padding */
    0x00,
    0x00,
    0x01,
    0x07,
    0x40,
    0x00,
    0x00,
    0x13,
    'n',
    'x',
    'l',
    ';',
    'a',
    'p',
    'i',
    ';',
    '1',
    '2',
    '3',
    0x00,
    /* CC-Request-Number (415), M, 12: 0 */
    0x00,
    0x00,
    0x01,
    0x9f,
    0x40,
    0x00,
    0x00,
    0x0c,
    0,
    0,
    0,
    0,
    /* vendor AVP 1 of vendor 10415 (3GPP), V M, 16: 0x2a */
    0x00,
    0x00,
    0x00,
    0x01,
    0xc0,
    0x00,
    0x00,
    0x10,
    0x00,
    0x00,
    0x28,
    0xaf,
    0x00,
    0x00,
    0x00,
    0x2a,
    /* Subscription-Id (443), grouped, 40: */
    0x00,
    0x00,
    0x01,
    0xbb,
    0x40,
    0x00,
    0x00,
    0x28,
    /*   Subscription-Id-Type (450), 12: 0 (END_USER_E164) */
    0x00,
    0x00,
    0x01,
    0xc2,
    0x40,
    0x00,
    0x00,
    0x0c,
    0,
    0,
    0,
    0,
    /*   Subscription-Id-Data (444), 20: "919080000016" */
    0x00,
    0x00,
    0x01,
    0xbc,
    0x40,
    0x00,
    0x00,
    0x14,
    '9',
    '1',
    '9',
    '0',
    '8',
    '0',
    '0',
    '0',
    '0',
    '0',
    '1',
    '6',
};

static void test_ccr(void **state)
{
	(void)state;
	struct app_run r;
	open_diam(&r);
	app_data(&r, 0, ccr, sizeof(ccr), 7);
	Netcap__Diameter *m = got(r.h, NC_REC_DIAMETER, 0);
	assert_non_null(m);
	assert_int_equal(m->version, 1);
	assert_int_equal(m->messagelen, 108);
	assert_int_equal(m->flags, 0x80);
	assert_int_equal(m->commandcode, 272);
	assert_int_equal(m->applicationid, 4);
	assert_int_equal(m->hopbyhopid, 0x02ea4930);
	assert_int_equal(m->endtoendid, 0x26f00003);
	assert_string_equal(m->uid, "CtestDIAMxxx");
	assert_int_equal(m->n_avps, 4);
	Netcap__AVP *a = m->avps[0];
	assert_int_equal(a->attributecode, 263);
	assert_string_equal(a->attributename, "Session-Id");
	assert_string_equal(a->attributeformat, "UTF8String");
	assert_int_equal(a->flags, 0x40);
	assert_int_equal(a->len, 19);
	assert_int_equal(a->headerlen, 8);
	assert_int_equal(a->padding, 1);
	assert_int_equal(a->valuelen, 11);
	assert_string_equal(a->decodedvalue, "nxl;api;123");
	a = m->avps[1];
	assert_string_equal(a->attributename, "CC-Request-Number");
	assert_string_equal(a->decodedvalue, "0");
	a = m->avps[2];
	assert_int_equal(a->flags, 0xc0);
	assert_int_equal(a->headerlen, 12);
	assert_int_equal(a->vendorcode, 10415);
	assert_string_equal(a->attributename, "");
	assert_string_equal(a->decodedvalue, "0000002a");
	a = m->avps[3];
	assert_string_equal(a->attributeformat, "Grouped");
	assert_int_equal(a->n_grouped, 2);
	assert_int_equal(a->value.len, 0);
	assert_string_equal(a->grouped[0]->decodedvalue, "0");
	assert_string_equal(a->grouped[1]->attributename,
			    "Subscription-Id-Data");
	assert_string_equal(a->grouped[1]->decodedvalue, "919080000016");
	app_free(&r);
}

/* Address (RFC 6733 4.3.1), Time (4.3.1: NTP seconds), Integer32 */
static void test_value_types(void **state)
{
	(void)state;
	static const uint8_t m[] = {
	    0x01,
	    0x00,
	    0x00,
	    0x4c,
	    0x00,
	    0x00,
	    0x01,
	    0x01, /* 76, CER 257 */
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    0,
	    1,
	    0,
	    0,
	    0,
	    2,
	    /* Host-IP-Address (257), 14: family 1, 10.201.9.245, 2 pad */
	    0x00,
	    0x00,
	    0x01,
	    0x01,
	    0x40,
	    0x00,
	    0x00,
	    0x0e,
	    0x00,
	    0x01,
	    10,
	    201,
	    9,
	    245,
	    0,
	    0,
	    /* Event-Timestamp (55), 12: 0xcef6999e (tshark frame 1 of
	       diameter_tcp.pcap: Jan 12, 2010 06:47:58 UTC) */
	    0x00,
	    0x00,
	    0x00,
	    0x37,
	    0x40,
	    0x00,
	    0x00,
	    0x0c,
	    0xce,
	    0xf6,
	    0x99,
	    0x9e,
	    /* Exponent (429), 12: -2 */
	    0x00,
	    0x00,
	    0x01,
	    0xad,
	    0x40,
	    0x00,
	    0x00,
	    0x0c,
	    0xff,
	    0xff,
	    0xff,
	    0xfe,
	    /* Host-IP-Address with family 2 but 4 octets: hex */
	    0x00,
	    0x00,
	    0x01,
	    0x01,
	    0x40,
	    0x00,
	    0x00,
	    0x0e,
	    0x00,
	    0x02,
	    1,
	    2,
	    3,
	    4,
	    0,
	    0,
	};
	struct app_run r;
	open_diam(&r);
	app_data(&r, 1, m, sizeof(m), 0);
	Netcap__Diameter *d = got(r.h, NC_REC_DIAMETER, 0);
	assert_non_null(d);
	assert_int_equal(d->n_avps, 4);
	assert_string_equal(d->avps[0]->attributeformat, "Address");
	assert_string_equal(d->avps[0]->decodedvalue, "10.201.9.245");
	assert_int_equal(d->avps[0]->padding, 2);
	assert_string_equal(d->avps[1]->decodedvalue, "2010-01-12T06:47:58Z");
	assert_string_equal(d->avps[2]->decodedvalue, "-2");
	assert_string_equal(d->avps[3]->decodedvalue, "000201020304");
	app_free(&r);
}

/* an AVP length beyond the message; below the header */
static void test_bad_avp(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct app_run r;
		uint8_t b[sizeof(ccr)];
		memcpy(b, ccr, sizeof(b));
		b[47] = k ? 0x07 : 0xf0; /* CC-Request-Number length */
		open_diam(&r);
		app_data(&r, 0, b, sizeof(b), 0);
		Netcap__Diameter *m = got(r.h, NC_REC_DIAMETER, 0);
		assert_non_null(m);
		assert_int_equal(m->n_avps, 1);
		assert_int_equal(h_event(r.h, NC_EV_DIAMETER_BAD_AVP), 1);
		app_free(&r);
	}
}

/* version 2, length below 20: the direction stops */
static void test_bad_header(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct app_run r;
		uint8_t b[sizeof(ccr)];
		memcpy(b, ccr, sizeof(b));
		if (k)
			b[3] = 0x10;
		else
			b[0] = 2;
		open_diam(&r);
		app_data(&r, 0, b, sizeof(b), 0);
		app_data(&r, 0, ccr, sizeof(ccr), 0);
		assert_int_equal(h_count(r.h, NC_REC_DIAMETER), 0);
		assert_int_equal(h_event(r.h, NC_EV_DIAMETER_BAD_HEADER), 1);
		app_free(&r);
	}
}

/* 70 AVPs: 64 kept; 10 nested Grouped AVPs: 8 levels decoded */
static void test_limits(void **state)
{
	(void)state;
	uint8_t b[20 + 70 * 12];
	memcpy(b, ccr, 20);
	for (int i = 0; i < 70; i++) {
		static const uint8_t avp[12] = {0, 0, 1, 0x9f, 0x40, 0, 0, 12};
		memcpy(b + 20 + 12 * i, avp, 12);
	}
	size_t n = sizeof(b);
	b[1] = (uint8_t)(n >> 16), b[2] = (uint8_t)(n >> 8), b[3] = (uint8_t)n;
	struct app_run r;
	open_diam(&r);
	app_data(&r, 0, b, n, 0);
	Netcap__Diameter *m = got(r.h, NC_REC_DIAMETER, 0);
	assert_int_equal(m->n_avps, NC_MAX_OPTIONS);
	assert_int_equal(h_event(r.h, NC_EV_DIAMETER_TOO_MANY_AVPS), 1);
	app_free(&r);

	/* Proxy-Info (284, Grouped) inside each other, 10 deep */
	uint8_t g[20 + 10 * 8];
	memcpy(g, ccr, 20);
	for (int i = 0; i < 10; i++) {
		uint32_t l = (uint32_t)(8 * (10 - i));
		uint8_t *p = g + 20 + 8 * i;
		p[0] = 0, p[1] = 0, p[2] = 1, p[3] = 0x1c, p[4] = 0x40;
		p[5] = 0, p[6] = 0, p[7] = (uint8_t)l;
	}
	n = sizeof(g);
	g[1] = 0, g[2] = 0, g[3] = (uint8_t)n;
	open_diam(&r);
	app_data(&r, 0, g, n, 0);
	m = got(r.h, NC_REC_DIAMETER, 0);
	Netcap__AVP *a = m->avps[0];
	int depth = 1;
	while (a->n_grouped) {
		a = a->grouped[0];
		depth++;
	}
	assert_int_equal(depth, 8);
	assert_int_equal(h_event(r.h, NC_EV_DIAMETER_AVP_DEPTH), 1);
	app_free(&r);
}

static void test_gap_truncated(void **state)
{
	(void)state;
	struct app_run r;
	open_diam(&r);
	app_data(&r, 0, ccr, 50, 0);
	app_data(&r, 1, ccr, 30, 0);
	app_gap(&r, 0, 10);
	app_close(&r);
	assert_int_equal(h_event(r.h, NC_EV_DIAMETER_GAP), 1);
	assert_int_equal(h_event(r.h, NC_EV_DIAMETER_TRUNCATED), 1);
	assert_int_equal(h_count(r.h, NC_REC_DIAMETER), 0);
	app_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_ccr, free_got),
	    cmocka_unit_test_teardown(test_value_types, free_got),
	    cmocka_unit_test_teardown(test_bad_avp, free_got),
	    cmocka_unit_test_teardown(test_bad_header, free_got),
	    cmocka_unit_test_teardown(test_limits, free_got),
	    cmocka_unit_test_teardown(test_gap_truncated, free_got),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
