/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ntp.c: the NTP parser (decoders/ntp.c). The packet is frame 4 of
 * test/data/ntp.pcap; expected values are tshark's decoding of it (raw
 * wire values where tshark converts: RFC 5905 7.3 formats).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_ntp;

static const uint8_t ip_a[4] = {192, 168, 100, 2};
static const uint8_t ip_b[4] = {192, 168, 100, 1};

static void run(struct harness *h, int dir, const uint8_t *p, size_t len)
{
	struct nc_app_conn c = {
	    .uid = "CtestNTPxxxx",
	    .alen = 4,
	    .proto = 17,
	    .addr = {ip_a, ip_b},
	    .port = {58054, 123},
	    .ts = 42,
	};
	app_datagram(h, &nc_app_ntp, &c, dir, p, len);
}

static const uint8_t server[] = {
    0x24,		    /* LI 0, VN 4, mode 4 (server) */
    0x02,		    /* stratum 2 */
    0x00,		    /* poll 0 */
    0xe9,		    /* precision -23 (tshark: 233 unsigned) */
    0x00, 0x00, 0x27, 0xcf, /* root delay 10191/65536 s (0.155502) */
    0x00, 0x00, 0x00, 0x67, /* root dispersion 103/65536 s (0.001572) */
    0x0a, 0x05, 0x1b, 0x0a, /* reference ID 10.5.27.10 */
    0xdc, 0xf2, 0x5b, 0xe5, 0xb8, 0x6d, 0x56, 0x55, /* reference ts */
    0xae, 0x9d, 0x0a, 0xa8, 0x1b, 0x89, 0x71, 0xa7, /* origin ts */
    0xdc, 0xf2, 0x5b, 0xe6, 0x7e, 0x92, 0xd2, 0x40, /* receive ts */
    0xdc, 0xf2, 0x5b, 0xe6, 0x7e, 0x9a, 0x9f, 0xc9, /* transmit ts */
    0x00, 0x00, 0x00, 0x08,			    /* key ID 8 */
    0x62, 0x99, 0x90, 0xa7, 0xfc, 0x22, 0xcc, 0x84, 0x67, 0xdd, /* MAC */
    0x88, 0xb7, 0xaf, 0x2d, 0x22, 0x0d, 0xbe, 0x32, 0x87, 0xd6,
};

static void test_server(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 1, server, sizeof(server));
	Netcap__NTP *r = h_get(h, NC_REC_NTP, 0);
	assert_non_null(r);
	assert_int_equal(r->leapindicator, 0);
	assert_int_equal(r->version, 4);
	assert_int_equal(r->mode, 4);
	assert_int_equal(r->stratum, 2);
	assert_int_equal(r->poll, 0);
	assert_int_equal(r->precision, -23);
	assert_int_equal(r->rootdelay, 10191);
	assert_int_equal(r->rootdispersion, 103);
	assert_int_equal(r->referenceid, 0x0a051b0a);
	assert_true(r->referencetimestamp == 0xdcf25be5b86d5655ull);
	assert_true(r->origintimestamp == 0xae9d0aa81b8971a7ull);
	assert_true(r->receivetimestamp == 0xdcf25be67e92d240ull);
	assert_true(r->transmittimestamp == 0xdcf25be67e9a9fc9ull);
	assert_int_equal(r->extensionbytes.len, 24);
	assert_memory_equal(r->extensionbytes.data, server + 48, 24);
	assert_bytes(r->srcip, 192, 168, 100, 1);
	assert_int_equal(r->srcport, 123);
	assert_int_equal(r->dstport, 58054);
	assert_string_equal(r->uid, "CtestNTPxxxx");
	assert_int_equal(r->timestamp, 42);
	H_FREE(r);
	free(h);
}

/* Every prefix shorter than the 48-octet header: an event, no record. */
static void test_truncated_every_byte(void **state)
{
	(void)state;
	struct harness *h = h_new();
	for (size_t n = 0; n <= sizeof(server); n++) {
		uint64_t t0 = h_event(h, NC_EV_NTP_TRUNC);
		run(h, 0, server, n);
		if (n < 48) {
			assert_int_equal(h_count(h, NC_REC_NTP), 0);
			assert_int_equal(h_event(h, NC_EV_NTP_TRUNC), t0 + 1);
			assert_true(h_has_anomaly(h, "ntp.truncated"));
		} else {
			assert_int_equal(h_count(h, NC_REC_NTP), 1);
			Netcap__NTP *r = h_get(h, NC_REC_NTP, 0);
			assert_int_equal(r->extensionbytes.len, n - 48);
			H_FREE(r);
		}
	}
	free(h);
}

/* The probe: strict on content, NEED (port only) when less sure. */
static void test_probe(void **state)
{
	(void)state;
	uint8_t p[sizeof(server)];
	memcpy(p, server, sizeof(p));
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_YES);
	assert_int_equal(nc_app_ntp.probe(p, sizeof(p), 0), NC_PROBE_YES);
	/* short, or not a multiple of 4 past the header: port only */
	assert_int_equal(nc_app_ntp.probe(p, 20, 0), NC_PROBE_NEED);
	assert_int_equal(nc_app_ntp.probe(p, 50, 0), NC_PROBE_NEED);
	/* mode 6 (control), mode 0, version 0/5: not this layout */
	p[0] = 0x26;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NO);
	p[0] = 0x20;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NO);
	p[0] = 0x04;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NO);
	p[0] = 0x2c;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NO);
	/* version 2: port only */
	p[0] = 0x14;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NEED);
	/* stratum 17 (reserved) */
	p[0] = 0x24;
	p[1] = 17;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NO);
	/* poll -123 (a DNS header read as NTP) */
	p[1] = 2;
	p[2] = 0x85;
	assert_int_equal(nc_app_ntp.probe(p, 48, 0), NC_PROBE_NEED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_server),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
