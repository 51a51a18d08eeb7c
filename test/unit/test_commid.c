/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of decoders/commid.c: SHA-1 against the RFC 3174 section 7.3
 * and FIPS 180 test vectors, base64 against RFC 4648 section 10, and
 * Community ID v1 against the spec's baseline table (community-id-spec
 * baseline/README.md, default seed 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commid.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_sha1(const void *msg, size_t len, const char *want)
{
	uint8_t dig[20];
	char got[41];

	nc_sha1(msg, len, dig);
	hex(dig, 20, got);
	assert_string_equal(got, want);
}

static void test_sha1_vectors(void **state)
{
	(void)state;
	/* RFC 3174 TEST1 */
	check_sha1("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	/* RFC 3174 TEST2: 448 bits, padding spills into a second block */
	const char *t2 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_sha1(t2, strlen(t2), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	/* FIPS 180: the empty message */
	check_sha1("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");

	/* RFC 3174 TEST3: one million 'a', fed in odd-sized pieces */
	struct nc_sha1 s;
	uint8_t dig[20];
	char got[41];
	char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	nc_sha1_init(&s);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		nc_sha1_update(&s, chunk, n);
		left -= n;
	}
	nc_sha1_final(&s, dig);
	hex(dig, 20, got);
	assert_string_equal(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");

	/* RFC 3174 TEST4: "01234567" * 80, exactly 10 blocks */
	char t4[640];
	for (int i = 0; i < 80; i++)
		memcpy(t4 + 8 * i, "01234567", 8);
	check_sha1(t4, sizeof(t4), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
}

static void test_base64_vectors(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	static const struct {
		const char *in, *out;
	} v[] = {
	    {"", ""},
	    {"f", "Zg=="},
	    {"fo", "Zm8="},
	    {"foo", "Zm9v"},
	    {"foob", "Zm9vYg=="},
	    {"fooba", "Zm9vYmE="},
	    {"foobar", "Zm9vYmFy"},
	};
	char out[16];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n =
		    nc_base64((const uint8_t *)v[i].in, strlen(v[i].in), out);
		assert_int_equal(n, strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
}

static const uint8_t a4[4] = {1, 2, 3, 4};
static const uint8_t b4[4] = {5, 6, 7, 8};
/* fe80:0001:0203:0405:0607:0809:0a0b:0c0d */
static const uint8_t a6[16] = {0xfe, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
			       0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d};
/* fe80:1011:1213:1415:1617:1819:1a1b:1c1d */
static const uint8_t b6[16] = {0xfe, 0x80, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
			       0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d};

static void check_cid(const uint8_t *s, const uint8_t *d, unsigned alen,
		      uint8_t proto, uint16_t sp, uint16_t dp, const char *want)
{
	char out[NC_COMMID_LEN];
	nc_community_id(0, s, d, alen, proto, sp, dp, out);
	assert_string_equal(out, want);
}

static void test_community_id_baseline(void **state)
{
	(void)state;
	/* community-id-spec baseline, "Default settings" table */
	check_cid(a4, b4, 4, 6, 1122, 3344, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	check_cid(b4, a4, 4, 6, 3344, 1122, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
	check_cid(a4, b4, 4, 17, 1122, 3344, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
	check_cid(b4, a4, 4, 17, 3344, 1122, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
	check_cid(a4, b4, 4, 132, 1122, 3344, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=");
	check_cid(b4, a4, 4, 132, 3344, 1122, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=");
	/* ICMP: type/code; echo request and reply join */
	check_cid(a4, b4, 4, 1, 8, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	check_cid(b4, a4, 4, 1, 0, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	check_cid(a4, b4, 4, 1, 11, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=");
	check_cid(a6, b6, 16, 58, 128, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
	check_cid(b6, a6, 16, 58, 129, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
	check_cid(a6, b6, 16, 58, 146, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10=");
	/* RSVP: no ports */
	check_cid(a4, b4, 4, 46, 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=");
	check_cid(b4, a4, 4, 46, 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768=");
	check_cid(a6, b6, 16, 46, 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=");
	check_cid(b6, a6, 16, 46, 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=");
}

static void test_community_id_seed1(void **state)
{
	(void)state;
	/* baseline "A custom seed=1 value" table, a sample */
	char out[NC_COMMID_LEN];
	nc_community_id(1, a4, b4, 4, 6, 1122, 3344, out);
	assert_string_equal(out, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
	nc_community_id(1, b4, a4, 4, 1, 0, 0, out);
	assert_string_equal(out, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
}

static void test_icmp_ports(void **state)
{
	(void)state;
	uint16_t sp, dp;
	bool ow;
	nc_commid_icmp_ports(1, 0, 0, &sp, &dp, &ow); /* echo reply */
	assert_int_equal(sp, 0);
	assert_int_equal(dp, 8);
	assert_false(ow);
	nc_commid_icmp_ports(1, 3, 3, &sp, &dp, &ow); /* port unreachable */
	assert_int_equal(sp, 3);
	assert_int_equal(dp, 3);
	assert_true(ow);
	nc_commid_icmp_ports(58, 136, 0, &sp, &dp, &ow); /* NA */
	assert_int_equal(sp, 136);
	assert_int_equal(dp, 135);
	assert_false(ow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha1_vectors),
	    cmocka_unit_test(test_base64_vectors),
	    cmocka_unit_test(test_community_id_baseline),
	    cmocka_unit_test(test_community_id_seed1),
	    cmocka_unit_test(test_icmp_ports),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
