/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_igmp.c: the IGMP decoder (decoders/net/igmp.c). Frames marked
 * "from <capture>" are the IP packets of test/data captures (tshark -x
 * without the Ethernet header) and their expected values are tshark's;
 * the others are built from RFC 3376 4.1, 4.2 and 7.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"
#include "net_frames.h"

/* from igmpv1_query-report.pcap frame 1: v1 query (IHL 6, Router Alert) */
static const uint8_t v1_query[] = {
    0x46, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00, 0x00, /* total length 32 */
    0x01, 0x02, 0x72, 0x3d, 0x0a, 0x00, 0xc8, 0x97, /* TTL 1, IGMP */
    0xe0, 0x00, 0x00, 0x01, 0x94, 0x04, 0x00, 0x00, /* Router Alert */
    0x11, 0x00, 0xee, 0xff,			    /* query, code 0, csum */
    0x00, 0x00, 0x00, 0x00,			    /* group 0.0.0.0 */
};

/* from igmpv2.pcap frame 2: v2 membership report */
static const uint8_t v2_report[] = {
    0x46, 0x00, 0x00, 0x20, 0x8c, 0x62, 0x00, 0x00, 0x01, 0x02, 0xe6,
    0x92, 0xc0, 0xa8, 0x01, 0x40, 0xef, 0xff, 0xff, 0xfa, 0x94, 0x04,
    0x00, 0x00, 0x16, 0x00, 0xfa, 0x04, /* v2 report, code 0, csum */
    0xef, 0xff, 0xff, 0xfa,		/* group 239.255.255.250 */
};

/* from igmpv3_queries.pcap frame 2: v3 general query, code 0xfe */
static const uint8_t v3_query[] = {
    0x46, 0xc0, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x01, 0x02, 0x84,
    0x0d, 0xc0, 0x02, 0x00, 0x02, 0xe0, 0x00, 0x00, 0x01, 0x94, 0x04,
    0x00, 0x00, 0x11, 0xfe, 0xeb, 0x84, /* query, exp 7 mant 14, csum */
    0x00, 0x00, 0x00, 0x00,		/* group 0.0.0.0 */
    0x02, 0x7d, 0x00, 0x00,		/* S 0 QRV 2, QQIC 125, 0 sources */
};

/* from igmpv2-v3_report-leave.pcap frame 1: v3 report, one record */
static const uint8_t v3_report[] = {
    0x46, 0xc0, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02,
    0x41, 0xbb, 0xc0, 0xa8, 0x01, 0x96, 0xe0, 0x00, 0x00, 0x16,
    0x94, 0x04, 0x00, 0x00, 0x22, 0x00, 0xea, 0x03, /* v3 report */
    0x00, 0x00, 0x00, 0x01,			    /* 1 record */
    0x04, 0x00, 0x00, 0x00, /* CHANGE_TO_EXCLUDE, aux 0, 0 sources */
    0xef, 0xff, 0xff, 0xfa, /* 239.255.255.250 */
};

static struct harness *decode(const uint8_t *f, size_t n)
{
	struct harness *h = h_new();
	h_decode(h, NC_LINK_IPV4, f, n);
	return h;
}

static void test_v1_query(void **state)
{
	(void)state;
	struct harness *h = decode(v1_query, sizeof(v1_query));
	assert_int_equal(h->rc, DEC_OK);
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 1);
	assert_int_equal(r->type, 0x11);
	assert_int_equal(r->checksum, 0xeeff);
	assert_int_equal(r->maxresponsetime, 0);
	assert_bytes(r->groupaddress, 0, 0, 0, 0);
	assert_bytes(r->srcip, 10, 0, 200, 151);
	assert_bytes(r->dstip, 224, 0, 0, 1);
	H_FREE(r);
	/* a port-less connection of protocol 2, as before IGMP was decoded */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 2);
	assert_int_equal(h->dec.l4.sport, 0);
	assert_int_equal(h->dec.l4.payload_len, 8);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_v2_report(void **state)
{
	(void)state;
	struct harness *h = decode(v2_report, sizeof(v2_report));
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 2);
	assert_int_equal(r->type, 0x16);
	assert_int_equal(r->checksum, 0xfa04);
	assert_bytes(r->groupaddress, 239, 255, 255, 250);
	H_FREE(r);
	free(h);
}

static void test_v3_query(void **state)
{
	(void)state;
	struct harness *h = decode(v3_query, sizeof(v3_query));
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 3);
	assert_int_equal(r->maxresponsetime, 30720); /* tshark max_resp */
	assert_int_equal(r->robustnessvalue, 2);
	assert_int_equal(r->intervaltime, 125);
	assert_false(r->supressrouterprocessing);
	assert_int_equal(r->numberofsources, 0);
	assert_int_equal(r->n_sourceaddresses, 0);
	H_FREE(r);
	free(h);
}

static void test_v3_report(void **state)
{
	(void)state;
	struct harness *h = decode(v3_report, sizeof(v3_report));
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 3);
	assert_int_equal(r->type, 0x22);
	assert_int_equal(r->checksum, 0xea03);
	assert_int_equal(r->groupaddress.len, 0);
	assert_int_equal(r->numberofgrouprecords, 1);
	assert_int_equal(r->n_grouprecords, 1);
	assert_int_equal(r->grouprecords[0]->type, 4);
	assert_int_equal(r->grouprecords[0]->auxdatalen, 0);
	assert_int_equal(r->grouprecords[0]->numberofsources, 0);
	assert_bytes(r->grouprecords[0]->multicastaddress, 239, 255, 255, 250);
	H_FREE(r);
	free(h);
}

/* RFC 3376 4.1: S, QRV, a QQIC >= 128 and two sources */
static void test_v3_query_sources(void **state)
{
	(void)state;
	static const uint8_t q[] = {
	    0x11, 0x64, 0x00, 0x00, /* query, 10 s, csum 0 */
	    239,  1,	2,    3,    /* group-and-source-specific */
	    0x0f, 0x8c, 0x00, 0x02, /* S 1 QRV 7, QQIC 1|000|1100: 224 s */
	    192,  0,	2,    1,    /* source 1 */
	    192,  0,	2,    2,    /* source 2 */
	};
	uint8_t f[64];
	struct harness *h = decode(f, nf_ip4(f, 2, q, sizeof(q)));
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 3);
	assert_int_equal(r->maxresponsetime, 100);
	assert_true(r->supressrouterprocessing);
	assert_int_equal(r->robustnessvalue, 7);
	assert_int_equal(r->intervaltime, 224);
	assert_int_equal(r->numberofsources, 2);
	assert_int_equal(r->n_sourceaddresses, 2);
	assert_bytes(r->sourceaddresses[1], 192, 0, 2, 2);
	assert_bytes(r->groupaddress, 239, 1, 2, 3);
	H_FREE(r);
	free(h);
}

/* RFC 3376 7.1: a query of 9 to 11 octets is no version */
static void test_query_bad_length(void **state)
{
	(void)state;
	static const uint8_t q[] = {0x11, 0x64, 0, 0, 239, 1, 2, 3, 0, 0};
	uint8_t f[64];
	struct harness *h = decode(f, nf_ip4(f, 2, q, sizeof(q)));
	assert_int_equal(h->rc, DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_IGMP_BAD_LENGTH), 1);
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 0);
	assert_int_equal(r->maxresponsetime, 100);
	H_FREE(r);
	free(h);
}

/* every IGMP message shorter than 8 octets: an event, no record */
static void test_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < 8; n++) {
		uint8_t f[64];
		struct harness *h =
		    decode(f, nf_ip4(f, 2, v2_report + 24, n));
		assert_int_equal(h->rc, DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_IGMP), 0);
		assert_true(h_has_anomaly(h, "igmp.truncated"));
		assert_true(h->dec.l4.valid);
		assert_int_equal(h->dec.l4.ip_proto, 2);
		free(h);
	}
}

/* a report whose second record's source is cut short */
static void test_v3_report_short(void **state)
{
	(void)state;
	static const uint8_t rep[] = {
	    0x22, 0, 0, 0, 0, 0, 0x00, 0x02, /* 2 records */
	    0x01, 0, 0x00, 0x01, 239, 1, 1, 1, 10, 0, 0, 1, /* 1 source */
	    0x02, 0, 0x00, 0x01, 239, 2, 2, 2, 10, 0,	    /* cut */
	};
	uint8_t f[64];
	struct harness *h = decode(f, nf_ip4(f, 2, rep, sizeof(rep)));
	assert_int_equal(h->rc, DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_IGMP_BAD_LENGTH), 1);
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->numberofgrouprecords, 2);
	/* the second record's header was read: kept, without its source */
	assert_int_equal(r->n_grouprecords, 2);
	assert_int_equal(r->grouprecords[0]->n_sourceaddresses, 1);
	assert_bytes(r->grouprecords[0]->sourceaddresses[0], 10, 0, 0, 1);
	assert_int_equal(r->grouprecords[1]->numberofsources, 1);
	assert_int_equal(r->grouprecords[1]->n_sourceaddresses, 0);
	H_FREE(r);
	free(h);
}

/* 70 records of 1 source each: 64 records and 64 sources kept */
static void test_v3_report_bounds(void **state)
{
	(void)state;
	static uint8_t rep[8 + 70 * 12];
	memset(rep, 0, sizeof(rep));
	rep[0] = 0x22;
	rep[7] = 70;
	for (int i = 0; i < 70; i++) {
		uint8_t *g = rep + 8 + i * 12;
		g[0] = 1;
		g[3] = 1;
		g[4] = 239;
		g[7] = (uint8_t)i;
		g[8] = 10;
		g[11] = (uint8_t)i;
	}
	static uint8_t f[20 + sizeof(rep)];
	struct harness *h = decode(f, nf_ip4(f, 2, rep, sizeof(rep)));
	assert_int_equal(h->rc, DEC_OK);
	assert_int_equal(h_event(h, NC_EV_IGMP_TOO_MANY), 1);
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->numberofgrouprecords, 70);
	assert_int_equal(r->n_grouprecords, NC_MAX_OPTIONS);
	assert_bytes(r->grouprecords[63]->multicastaddress, 239, 0, 0, 63);
	assert_bytes(r->grouprecords[63]->sourceaddresses[0], 10, 0, 0, 63);
	H_FREE(r);
	free(h);
}

/* a type IGMP does not define here (0x1e, mtrace response): Version 0 */
static void test_unknown_type(void **state)
{
	(void)state;
	static const uint8_t m[] = {0x1e, 0, 0x12, 0x34, 239, 1, 2, 3};
	uint8_t f[64];
	struct harness *h = decode(f, nf_ip4(f, 2, m, sizeof(m)));
	assert_int_equal(h_event(h, NC_EV_IGMP_UNKNOWN_TYPE), 1);
	Netcap__IGMP *r = h_get(h, NC_REC_IGMP, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 0);
	assert_int_equal(r->type, 0x1e);
	assert_int_equal(r->checksum, 0x1234);
	H_FREE(r);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v1_query),
	    cmocka_unit_test(test_v2_report),
	    cmocka_unit_test(test_v3_query),
	    cmocka_unit_test(test_v3_report),
	    cmocka_unit_test(test_v3_query_sources),
	    cmocka_unit_test(test_query_bad_length),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_v3_report_short),
	    cmocka_unit_test(test_v3_report_bounds),
	    cmocka_unit_test(test_unknown_type),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
