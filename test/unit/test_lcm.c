/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_lcm.c: the LCM parser (decoders/app/lcm.c). The datagrams are
 * gopacket's layers/lcm_test.go shortPacket, fragmentedPacket and
 * invalidPacket with the values that test expects (tshark 4.0 has no LCM
 * dissector), and frame 4 of test/data/lcm_udpm.pcap (a later fragment).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_lcm;

static const uint8_t ip_a[4] = {10, 0, 0, 1};
static const uint8_t ip_b[4] = {239, 255, 76, 67};

static void run(struct harness *h, const uint8_t *p, size_t len)
{
	struct nc_app_conn c = {
	    .uid = "CtestLCMxxxx",
	    .alen = 4,
	    .proto = 17,
	    .addr = {ip_a, ip_b},
	    .port = {40001, 7667},
	    .ts = 42,
	};
	app_datagram(h, &nc_app_lcm, &c, 0, p, len);
}

static const uint8_t short_msg[] = {
    0x4c, 0x43, 0x30, 0x32, /* "LC02" */
    0x00, 0x00, 0x00, 0x00, /* sequence 0 */
    /* "LCM_SELF_TEST" NUL */
    0x4c, 0x43, 0x4d, 0x5f, 0x53, 0x45, 0x4c, 0x46, 0x5f, 0x54, 0x45, 0x53,
    0x54, 0x00,
    /* payload "lcm self test" (13 octets) */
    0x6c, 0x63, 0x6d, 0x20, 0x73, 0x65, 0x6c, 0x66, 0x20, 0x74, 0x65, 0x73,
    0x74,
};

static const uint8_t frag0[] = {
    0x4c, 0x43, 0x30, 0x33, /* "LC03" */
    0x00, 0x00, 0x00, 0x01, /* sequence 1 */
    0x00, 0x00, 0x00, 0x0d, /* message size 13 */
    0x00, 0x00, 0x00, 0x2d, /* fragment offset 45 */
    0x00, 0x00,		    /* fragment 0 */
    0x00, 0x02,		    /* of 2 */
    0x4c, 0x43, 0x4d, 0x5f, 0x53, 0x45, 0x4c, 0x46, 0x5f, 0x54, 0x45, 0x53,
    0x54, 0x00, /* "LCM_SELF_TEST" NUL */
    0x6c, 0x63, 0x6d, 0x20, 0x73, 0x65, 0x6c, 0x66, 0x20, 0x74, 0x65, 0x73,
    0x74,
};

/* lcm_udpm.pcap frame 4: fragment 1 of 2, no channel name */
static const uint8_t frag1[] = {
    0x4c, 0x43, 0x30, 0x33, 0x00, 0x00, 0x00, 0x08, /* LC03, seq 8 */
    0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x14, /* size 40, offset 20 */
    0x00, 0x01, 0x00, 0x02,			    /* 1 of 2 */
    0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
};

static void test_short(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, short_msg, sizeof(short_msg));
	Netcap__LCM *r = h_get(h, NC_REC_LCM, 0);
	assert_non_null(r);
	assert_int_equal(r->magic, 0x4c433032);
	assert_int_equal(r->sequencenumber, 0);
	assert_string_equal(r->channelname, "LCM_SELF_TEST");
	assert_false(r->fragmented);
	assert_int_equal(r->payloadsize, 13);
	assert_bytes(r->srcip, 10, 0, 0, 1);
	assert_bytes(r->dstip, 239, 255, 76, 67);
	assert_int_equal(r->srcport, 40001);
	assert_int_equal(r->dstport, 7667);
	assert_string_equal(r->uid, "CtestLCMxxxx");
	assert_int_equal(r->timestamp, 42);
	H_FREE(r);
	free(h);
}

static void test_fragments(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, frag0, sizeof(frag0));
	Netcap__LCM *r = h_get(h, NC_REC_LCM, 0);
	assert_non_null(r);
	assert_int_equal(r->magic, 0x4c433033);
	assert_int_equal(r->sequencenumber, 1);
	assert_int_equal(r->payloadsize, 0x0d);
	assert_int_equal(r->fragmentoffset, 0x2d);
	assert_int_equal(r->fragmentnumber, 0);
	assert_int_equal(r->totalfragments, 2);
	assert_string_equal(r->channelname, "LCM_SELF_TEST");
	assert_true(r->fragmented);
	H_FREE(r);

	run(h, frag1, sizeof(frag1));
	r = h_get(h, NC_REC_LCM, 0);
	assert_non_null(r);
	assert_int_equal(r->sequencenumber, 8);
	assert_int_equal(r->payloadsize, 40);
	assert_int_equal(r->fragmentoffset, 20);
	assert_int_equal(r->fragmentnumber, 1);
	assert_int_equal(r->totalfragments, 2);
	assert_string_equal(r->channelname, "");
	H_FREE(r);
	free(h);
}

static void test_invalid(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* gopacket's invalidPacket: magic "LC04" */
	static const uint8_t bad[] = {0x4c, 0x43, 0x30, 0x34, 0, 0, 0, 0,
				      0,    0,    0,    0};
	run(h, bad, sizeof(bad));
	assert_int_equal(h_count(h, NC_REC_LCM), 0);
	assert_true(h_has_anomaly(h, "lcm.bad_magic"));
	/* every cut of the fragment header: truncated, no record */
	for (size_t n = 0; n < 20; n++) {
		run(h, frag0, n);
		assert_int_equal(h_count(h, NC_REC_LCM), 0);
		assert_true(h_has_anomaly(h, "lcm.truncated"));
	}
	/* a channel name without its NUL: a record and lcm.truncated */
	for (size_t n = 9; n < 22; n++) {
		run(h, short_msg, n);
		assert_true(h_has_anomaly(h, "lcm.truncated"));
		Netcap__LCM *r = h_get(h, NC_REC_LCM, 0);
		assert_non_null(r);
		assert_int_equal(strlen(r->channelname), n - 8);
		assert_int_equal(r->payloadsize, 0);
		H_FREE(r);
	}
	/* a channel name longer than 63 octets: cut there */
	uint8_t longname[8 + 100];
	memcpy(longname, short_msg, 8);
	memset(longname + 8, 'A', 100);
	run(h, longname, sizeof(longname));
	assert_true(h_has_anomaly(h, "lcm.truncated"));
	Netcap__LCM *r = h_get(h, NC_REC_LCM, 0);
	assert_int_equal(strlen(r->channelname), 63);
	H_FREE(r);
	free(h);
}

static void test_probe(void **state)
{
	(void)state;
	assert_int_equal(nc_app_lcm.probe(short_msg, sizeof(short_msg), 0),
			 NC_PROBE_YES);
	assert_int_equal(nc_app_lcm.probe(frag0, 4, 0), NC_PROBE_YES);
	assert_int_equal(nc_app_lcm.probe(frag0, 2, 0), NC_PROBE_NEED);
	static const uint8_t lc04[] = {0x4c, 0x43, 0x30, 0x34};
	assert_int_equal(nc_app_lcm.probe(lc04, 4, 0), NC_PROBE_NEED);
	static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00};
	assert_int_equal(nc_app_lcm.probe(dns, 4, 0), NC_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_short),
	    cmocka_unit_test(test_fragments),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
