/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_enip.c: the EtherNet/IP and CIP parser (decoders/app/enip.c).
 * Messages are frames 29, 31 and 1 of test/data/enip-cip_multiple-service
 * .pcap; expected values are tshark's (enip.*, cip.*).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_enip;

static const uint8_t ip_c[4] = {141, 81, 0, 10};
static const uint8_t ip_s[4] = {141, 81, 0, 63};

static void open_enip(struct app_run *r)
{
	struct nc_app_conn c = {
	    .uid = "CtestENIPxxx",
	    .alen = 4,
	    .proto = 6,
	    .addr = {ip_c, ip_s},
	    .port = {52593, 44818},
	    .ts = 42,
	};
	app_open(r, NULL, &nc_app_enip, &c, NULL);
}

/* frame 29: SendRRData, Unconnected Send to the Connection Manager
   holding Get Attributes All of class 0xac instance 1 */
static const uint8_t rr_req[] = {
    0x6f, 0x00,				      /* command 0x006f */
    0x26, 0x00,				      /* length 38 */
    0x00, 0x05, 0x02, 0x13,		      /* session 0x13020500 */
    0x00, 0x00, 0x00, 0x00,		      /* status 0 */
    0x6a, 0xc0, 0xbe, 0x00, 0,	  0,	0, 0, /* context 6ac0be0000000000 */
    0x00, 0x00, 0x00, 0x00,		      /* options 0 */
    0x00, 0x00, 0x00, 0x00,		      /* interface handle 0 */
    0x14, 0x00,				      /* timeout 20 */
    0x02, 0x00,				      /* item count 2 */
    0x00, 0x00, 0x00, 0x00,		      /* null address item */
    0xb2, 0x00, 0x16, 0x00,		      /* unconnected data, 22 */
    0x52, 0x02, 0x20, 0x06, 0x24, 0x01,	      /* 0x52, path class 6 inst 1 */
    0x07, 0xe9,				      /* tick time 7, 233 ticks */
    0x08, 0x00,				      /* embedded size 8 */
    0x01, 0x02, 0x20, 0xac, 0x24, 0x01,	      /* 0x01, class 0xac inst 1 */
    0x01, 0x00,				      /* its data 0100 */
    0x01, 0x00, 0x01, 0x00, /* route path 1 word, port 1 address 0 */
};

/* frame 31: the reply, Get Attributes All response, status 0 */
static const uint8_t rr_resp[] = {
    0x6f, 0x00, 0x34, 0x00, 0x00, 0x05, 0x02, 0x13, 0,	  0,	0,
    0,	  0x6a, 0xc0, 0xbe, 0x00, 0,	0,    0,    0,	  0,	0,
    0,	  0,	0,    0,    0,	  0,	0x14, 0x00, 0x02, 0x00, /* iface 0,
								   timeout 20, 2
								   items */
    0x00, 0x00, 0x00, 0x00, 0xb2, 0x00, 0x24, 0x00, /* null, data 36 */
    0x81, 0x00, 0x00, 0x00, /* 0x01 response, status 0, 0 addl words */
    0xe8, 0x00, 0x01, 0x00, 0xe3, 0x02, 0xb2, 0xa4, 0xc1, 0xd1, 0xaf,
    0xa4, 0x00, 0x00, 0xe8, 0x03, 0x02, 0x00, 0x00, 0x00, 0x94, 0x53,
    0xd3, 0x3d, 0x01, 0x00, 0x01, 0x00, 0xe2, 0xfc, 0x20, 0x30,
};

/* frame 1: SendUnitData, Multiple Service Packet with two 0x4c */
static const uint8_t msp[] = {
    0x70, 0x00, 0x3a, 0x00, 0x00, 0x01, 0x02, 0x10, 0,	  0,	0,    0,
    0x1a, 0x39, 0x2f, 0x00, 0,	  0,	0,    0,    0,	  0,	0,    0,
    0,	  0,	0,    0,    0x0a, 0x00, 0x02, 0x00, /* iface 0, timeout 10, 2
						       items */
    0xa1, 0x00, 0x04, 0x00, 0x09, 0x13, 0x35, 0x00, /* conn address */
    0xb1, 0x00, 0x26, 0x00, 0xe4, 0x6a,		    /* conn data 38, sequence */
    0x0a, 0x02, 0x20, 0x02, 0x24, 0x01, /* MSP, class 2 instance 1 */
    0x02, 0x00, 0x06, 0x00, 0x12, 0x00, /* 2 services, offsets 6, 18 */
    0x4c, 0x02, 0x20, 0x72, 0x24, 0x00, 0x00, 0xce, 0x04, 0x00, 0x01, 0x00,
    0x4c, 0x02, 0x20, 0x72, 0x24, 0x00, 0x2c, 0x3d, 0x04, 0x00, 0x01, 0x00,
};

static void test_unconnected_send(void **state)
{
	(void)state;
	struct app_run r;
	open_enip(&r);
	app_data(&r, 0, rr_req, sizeof(rr_req), 0);
	app_data(&r, 1, rr_resp, sizeof(rr_resp), 0);
	assert_int_equal(h_count(r.h, NC_REC_ENIP), 2);
	Netcap__ENIP *e = got(r.h, NC_REC_ENIP, 0);
	assert_int_equal(e->command, 0x6f);
	assert_int_equal(e->length, 38);
	assert_int_equal(e->sessionhandle, 0x13020500);
	assert_int_equal(e->sendercontext.len, 8);
	assert_int_equal(e->sendercontext.data[0], 0x6a);
	assert_int_equal(e->commandspecific->timeout, 20);
	assert_int_equal(e->commandspecific->n_items, 2);
	assert_int_equal(e->commandspecific->items[1]->typeid_, 0xb2);
	assert_int_equal(e->commandspecific->items[1]->length, 22);
	assert_string_equal(e->uid, "CtestENIPxxx");

	assert_int_equal(h_count(r.h, NC_REC_CIP), 3);
	Netcap__CIP *c = got(r.h, NC_REC_CIP, 0);
	assert_false(c->response);
	assert_int_equal(c->serviceid, 0x52);
	assert_int_equal(c->classid, 6);
	assert_int_equal(c->instanceid, 1);
	c = got(r.h, NC_REC_CIP, 1); /* the embedded request */
	assert_true(c->embedded);
	assert_int_equal(c->serviceid, 0x01);
	assert_int_equal(c->classid, 0xac);
	assert_int_equal(c->instanceid, 1);
	assert_int_equal(c->data.len, 2);
	c = got(r.h, NC_REC_CIP, 2);
	assert_true(c->response);
	assert_int_equal(c->serviceid, 0x01);
	assert_int_equal(c->status, 0);
	assert_int_equal(c->n_additionalstatus, 0);
	assert_int_equal(c->data.len, 32);
	assert_int_equal(c->srcport, 44818);
	app_free(&r);
}

static void test_multiple_service(void **state)
{
	(void)state;
	struct app_run r;
	open_enip(&r);
	app_data(&r, 0, msp, sizeof(msp), 3); /* split in 3-octet chunks */
	assert_int_equal(h_count(r.h, NC_REC_CIP), 3);
	Netcap__CIP *c = got(r.h, NC_REC_CIP, 0);
	assert_int_equal(c->serviceid, 0x0a);
	assert_int_equal(c->classid, 2);
	assert_int_equal(c->instanceid, 1);
	for (unsigned i = 1; i < 3; i++) {
		c = got(r.h, NC_REC_CIP, i);
		assert_true(c->embedded);
		assert_int_equal(c->serviceid, 0x4c);
		assert_int_equal(c->classid, 0x72);
		assert_int_equal(c->data.len, 6);
	}
	app_free(&r);
}

/* two messages in one segment, then one cut at the end */
static void test_joined_and_truncated(void **state)
{
	(void)state;
	struct app_run r;
	uint8_t two[2 * sizeof(rr_req)];
	memcpy(two, rr_req, sizeof(rr_req));
	memcpy(two + sizeof(rr_req), rr_req, sizeof(rr_req));
	open_enip(&r);
	app_data(&r, 0, two, sizeof(two), 0);
	app_data(&r, 0, rr_req, 30, 0);
	assert_int_equal(h_count(r.h, NC_REC_ENIP), 2);
	app_close(&r);
	assert_int_equal(h_event(r.h, NC_EV_ENIP_TRUNCATED), 1);
	app_free(&r);
}

/* an item longer than the message; an MSP offset beyond its data */
static void test_bad_items(void **state)
{
	(void)state;
	struct app_run r;
	uint8_t b[sizeof(rr_req)];
	memcpy(b, rr_req, sizeof(b));
	b[38] = 0x30; /* unconnected data item length 48 > 22 */
	open_enip(&r);
	app_data(&r, 0, b, sizeof(b), 0);
	assert_int_equal(h_event(r.h, NC_EV_ENIP_BAD_ITEMS), 1);
	assert_int_equal(h_count(r.h, NC_REC_CIP), 0);
	Netcap__ENIP *e = got(r.h, NC_REC_ENIP, 0);
	assert_int_equal(e->commandspecific->n_items, 1);
	app_free(&r);

	uint8_t m[sizeof(msp)];
	memcpy(m, msp, sizeof(m));
	m[56] = 0x40; /* second offset 64 > 32 */
	open_enip(&r);
	app_data(&r, 0, m, sizeof(m), 0);
	assert_int_equal(h_event(r.h, NC_EV_CIP_BAD_MESSAGE), 1);
	assert_int_equal(h_count(r.h, NC_REC_CIP), 1);
	app_free(&r);
}

/* a request path with an unknown segment type */
static void test_bad_path(void **state)
{
	(void)state;
	struct app_run r;
	uint8_t b[sizeof(rr_req)];
	memcpy(b, rr_req, sizeof(b));
	b[42] = 0xe0; /* reserved segment type 7 */
	open_enip(&r);
	app_data(&r, 0, b, sizeof(b), 0);
	assert_int_equal(h_event(r.h, NC_EV_CIP_BAD_PATH), 1);
	app_free(&r);
}

/* 16-bit class, 32-bit instance, 8-bit attribute, a port segment with
   an extended link address and a symbolic segment (CIP Vol. 1 C-1.4) */
static void test_path_formats(void **state)
{
	(void)state;
	uint8_t b[sizeof(rr_req) + 20];
	memcpy(b, rr_req, 40);
	static const uint8_t cip[] = {
	    0x0e, 0x0b,		    /* Get Attribute Single, 11 words */
	    0x12, 0x02, 0x31, 0x32, /* port 2, 2-octet address "12" */
	    0x91, 0x03, 'a',  'b',  'c',  0x00, /* symbol "abc", pad */
	    0x21, 0x00, 0x34, 0x12,		/* class 0x1234 */
	    0x26, 0x00, 0x78, 0x56, 0x34, 0x12, /* instance 0x12345678 */
	    0x30, 0x07,				/* attribute 7 */
	};
	memcpy(b + 40, cip, sizeof(cip));
	size_t n = 40 + sizeof(cip);
	b[2] = (uint8_t)(n - 24);     /* encapsulation length */
	b[38] = (uint8_t)sizeof(cip); /* item length */
	struct app_run r;
	open_enip(&r);
	app_data(&r, 0, b, n, 0);
	Netcap__CIP *c = got(r.h, NC_REC_CIP, 0);
	assert_non_null(c);
	assert_int_equal(c->serviceid, 0x0e);
	assert_int_equal(c->classid, 0x1234);
	assert_int_equal(c->instanceid, 0x12345678);
	assert_int_equal(c->attributeid, 7);
	assert_int_equal(c->data.len, 0);
	assert_int_equal(h_event(r.h, NC_EV_CIP_BAD_PATH), 0);
	app_free(&r);
}

/* ListIdentity request over UDP 44818; I/O data on UDP 2222 */
static void test_udp(void **state)
{
	(void)state;
	struct harness *h = h_new();
	static const uint8_t li[24] = {0x63, 0x00, [18] = 0xbe};
	static const uint8_t io[] = {
	    0x02, 0x00, /* 2 items */
	    0x02, 0x80, 0x08, 0x00, 1,	  0,	0,    0,
	    5,	  0,	0,    0,			    /* seq addr */
	    0xb1, 0x00, 0x04, 0x00, 0x05, 0x00, 0xaa, 0xbb, /* data */
	};
	struct nc_app_conn c = {
	    .uid = "CtestENIPudp",
	    .alen = 4,
	    .proto = 17,
	    .addr = {ip_c, ip_s},
	    .port = {50000, 44818},
	};
	app_datagram(h, &nc_app_enip, &c, 0, li, sizeof(li));
	Netcap__ENIP *e = got(h, NC_REC_ENIP, 0);
	assert_non_null(e);
	assert_int_equal(e->command, 0x63);
	assert_int_equal(e->commandspecific->n_items, 0);
	c.port[1] = 2222;
	app_datagram(h, &nc_app_enip, &c, 0, io, sizeof(io));
	e = got(h, NC_REC_ENIP, 0);
	assert_non_null(e);
	assert_true(e->io);
	assert_int_equal(e->commandspecific->n_items, 2);
	assert_int_equal(e->commandspecific->items[0]->typeid_, 0x8002);
	assert_int_equal(h_count(h, NC_REC_CIP), 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_unconnected_send, free_got),
	    cmocka_unit_test_teardown(test_multiple_service, free_got),
	    cmocka_unit_test_teardown(test_joined_and_truncated, free_got),
	    cmocka_unit_test_teardown(test_bad_items, free_got),
	    cmocka_unit_test_teardown(test_bad_path, free_got),
	    cmocka_unit_test_teardown(test_path_formats, free_got),
	    cmocka_unit_test_teardown(test_udp, free_got),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
