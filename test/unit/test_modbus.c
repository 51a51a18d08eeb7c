/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_modbus.c: the Modbus/TCP parser (decoders/app/modbus.c). ADUs are
 * frames 57, 58 and 9 of test/data/modbus-tcp.pcap; expected values are
 * tshark's (mbtcp.*, modbus.*).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_modbus;

static const uint8_t ip_c[4] = {10, 0, 0, 57};
static const uint8_t ip_s[4] = {10, 0, 0, 3};

static void open_mb(struct app_run *r)
{
	struct nc_app_conn c = {
	    .uid = "CtestMODBUSx",
	    .alen = 4,
	    .proto = 6,
	    .addr = {ip_c, ip_s},
	    .port = {2578, 502},
	    .ts = 42,
	};
	app_open(r, NULL, &nc_app_modbus, &c, NULL);
}

/* frame 57: Read Holding Registers request */
static const uint8_t req[] = {
    0x00, 0x01, /* trans_id 1 */
    0x00, 0x00, /* prot_id 0 */
    0x00, 0x06, /* len 6 */
    0x0a,	/* unit_id 10 */
    0x03,	/* func_code 3 */
    0x00, 0x05, /* reference_num 5 */
    0x00, 0x02, /* word_cnt 2 */
};
/* frame 58: its response */
static const uint8_t resp[] = {
    0x00, 0x01, 0x00, 0x00, 0x00, 0x07, /* trans 1, prot 0, len 7 */
    0x0a, 0x03,				/* unit 10, fc 3 */
    0x04,				/* byte_cnt 4 */
    0x00, 0x09, 0x00, 0x18,		/* registers 9, 24 */
};
/* frame 9: exception response to Diagnostics */
static const uint8_t exc[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x03, /* trans 0, prot 0, len 3 */
    0x0a, 0x88,				/* unit 10, fc 8 | 0x80 */
    0x0b, /* exception_code 11 (gateway target failed) */
};

static void test_request_response(void **state)
{
	(void)state;
	struct app_run r;
	open_mb(&r);
	app_data(&r, 0, req, sizeof(req), 0);
	app_data(&r, 1, resp, sizeof(resp), 0);
	assert_int_equal(h_count(r.h, NC_REC_MODBUS), 2);
	Netcap__Modbus *m = got(r.h, NC_REC_MODBUS, 0);
	assert_int_equal(m->transactionid, 1);
	assert_int_equal(m->protocolid, 0);
	assert_int_equal(m->length, 6);
	assert_int_equal(m->unitid, 10);
	assert_int_equal(m->functioncode, 3);
	assert_false(m->exception);
	assert_false(m->isresponse);
	assert_int_equal(m->address, 5);
	assert_int_equal(m->quantity, 2);
	assert_int_equal(m->payload.len, 4);
	assert_string_equal(m->uid, "CtestMODBUSx");
	assert_int_equal(m->dstport, 502);
	m = got(r.h, NC_REC_MODBUS, 1);
	assert_true(m->isresponse);
	assert_int_equal(m->length, 7);
	assert_int_equal(m->address, -1);
	assert_int_equal(m->quantity, -1);
	assert_int_equal(m->payload.len, 5);
	assert_int_equal(m->srcport, 502);
	app_free(&r);
}

static void test_exception(void **state)
{
	(void)state;
	struct app_run r;
	open_mb(&r);
	app_data(&r, 1, exc, sizeof(exc), 0);
	Netcap__Modbus *m = got(r.h, NC_REC_MODBUS, 0);
	assert_non_null(m);
	assert_true(m->exception);
	assert_int_equal(m->functioncode, 8);
	assert_int_equal(m->exceptioncode, 11);
	app_free(&r);
}

/* one octet at a time, and two ADUs in one segment */
static void test_split_and_joined(void **state)
{
	(void)state;
	struct app_run r;
	uint8_t two[sizeof(req) * 2];
	memcpy(two, req, sizeof(req));
	memcpy(two + sizeof(req), req, sizeof(req));
	two[sizeof(req) + 1] = 0x02; /* second transaction 2 */
	open_mb(&r);
	app_data(&r, 0, req, sizeof(req), 1);
	app_data(&r, 0, two, sizeof(two), 0);
	app_data(&r, 0, two, 5, 0); /* a header cut at the end */
	assert_int_equal(h_count(r.h, NC_REC_MODBUS), 3);
	Netcap__Modbus *m = got(r.h, NC_REC_MODBUS, 0);
	assert_int_equal(m->address, 5);
	m = got(r.h, NC_REC_MODBUS, 2);
	assert_int_equal(m->transactionid, 2);
	app_close(&r);
	assert_int_equal(h_event(r.h, NC_EV_MODBUS_TRUNCATED), 1);
	app_free(&r);
}

/* Protocol ID not 0, Length 1, Length 255: the direction stops */
static void test_bad_header(void **state)
{
	(void)state;
	static const uint8_t bad[][12] = {
	    {0, 1, 0, 1, 0, 6, 10, 3, 0, 5, 0, 2},
	    {0, 1, 0, 0, 0, 1, 10, 3, 0, 5, 0, 2},
	    {0, 1, 0, 0, 0, 255, 10, 3, 0, 5, 0, 2},
	};
	for (unsigned i = 0; i < 3; i++) {
		struct app_run r;
		open_mb(&r);
		app_data(&r, 0, bad[i], sizeof(bad[i]), 0);
		app_data(&r, 0, req, sizeof(req), 0); /* not read any more */
		assert_int_equal(h_count(r.h, NC_REC_MODBUS), 0);
		assert_int_equal(h_event(r.h, NC_EV_MODBUS_BAD_HEADER), 1);
		app_free(&r);
	}
}

static void test_gap(void **state)
{
	(void)state;
	struct app_run r;
	open_mb(&r);
	app_data(&r, 0, req, 7, 0);
	app_gap(&r, 0, 100);
	app_data(&r, 0, req, sizeof(req), 0);
	assert_int_equal(h_count(r.h, NC_REC_MODBUS), 0);
	assert_int_equal(h_event(r.h, NC_EV_MODBUS_GAP), 1);
	app_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_request_response, free_got),
	    cmocka_unit_test_teardown(test_exception, free_got),
	    cmocka_unit_test_teardown(test_split_and_joined, free_got),
	    cmocka_unit_test_teardown(test_bad_header, free_got),
	    cmocka_unit_test_teardown(test_gap, free_got),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
