/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_apptext.c: nc_app_text (decoders/applayer.c), the text fields of
 * application records: valid UTF-8 (RFC 3629) kept, every other octet
 * (NUL included) written as \xHH, cut to the buffer.
 *
 * Fixed cases are worked out by hand from RFC 3629's table; the random
 * cases compare with a reference written here octet by octet from the
 * same rules (the decoder's eight-octet ASCII path must not change one
 * byte of the output, for any capacity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer.h"

/* Octets of the well-formed UTF-8 sequence at p, 0 if none (RFC 3629
 * section 4: the syntax of UTF-8 byte sequences, NUL excluded here). */
static size_t ref_seq(const uint8_t *p, size_t left)
{
	uint8_t a = p[0];

	if (a >= 0x01 && a <= 0x7f)
		return 1;
	if (a >= 0xc2 && a <= 0xdf)
		return left >= 2 && p[1] >= 0x80 && p[1] <= 0xbf ? 2 : 0;
	if (a >= 0xe0 && a <= 0xef) {
		uint8_t lo = a == 0xe0 ? 0xa0 : 0x80;
		uint8_t hi = a == 0xed ? 0x9f : 0xbf;
		return left >= 3 && p[1] >= lo && p[1] <= hi && p[2] >= 0x80 &&
			       p[2] <= 0xbf
			   ? 3
			   : 0;
	}
	if (a >= 0xf0 && a <= 0xf4) {
		uint8_t lo = a == 0xf0 ? 0x90 : 0x80;
		uint8_t hi = a == 0xf4 ? 0x8f : 0xbf;
		return left >= 4 && p[1] >= lo && p[1] <= hi && p[2] >= 0x80 &&
			       p[2] <= 0xbf && p[3] >= 0x80 && p[3] <= 0xbf
			   ? 4
			   : 0;
	}
	return 0;
}

static size_t ref_text(char *out, size_t cap, const uint8_t *p, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t n = ref_seq(p + i, len - i);
		if (n) {
			if (o + n >= cap)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (o + 4 >= cap)
			break;
		o += (size_t)snprintf(out + o, 5, "\\x%02x", p[i]);
		i++;
	}
	out[o] = '\0';
	return o;
}

static void check(const char *in, size_t len, size_t cap, const char *want)
{
	char got[256];

	assert_true(cap <= sizeof(got));
	size_t n = nc_app_text(got, cap, (const uint8_t *)in, len);
	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static void test_fixed(void **state)
{
	(void)state;
	check("GET /index.html HTTP/1.1", 24, 64, "GET /index.html HTTP/1.1");
	/* a NUL inside an ASCII run of more than eight octets */
	check("abcdefgh\0ijklmnop", 17, 64, "abcdefgh\\x00ijklmnop");
	check("abc\0defghijklmnop", 17, 64, "abc\\x00defghijklmnop");
	/* U+00E9, U+20AC, U+1F600 kept; a lone continuation octet, an
	 * overlong form, a surrogate and 0xff escaped */
	check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 64,
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check("\x80\xc0\xaf\xed\xa0\x80\xff", 7, 64,
	      "\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xff");
	/* cut: cap 9 holds 8 octets and the NUL */
	check("0123456789abcdef", 16, 9, "01234567");
	check("0123456789abcdef", 16, 8, "0123456");
	check("ab\xff", 3, 6, "ab");
	check("ab\xff", 3, 7, "ab\\xff");
}

static void test_random(void **state)
{
	(void)state;
	uint8_t in[200];
	char got[256], want[256];
	unsigned seed = 12345;

	for (int r = 0; r < 20000; r++) {
		size_t len = (size_t)(rand_r(&seed) % sizeof(in));
		for (size_t i = 0; i < len; i++) {
			unsigned k = (unsigned)rand_r(&seed) % 16;
			/* mostly printable ASCII, some NULs, high octets and
			 * the lead and continuation octets of sequences */
			in[i] = k < 10	  ? (uint8_t)(0x20 + rand_r(&seed) % 95)
				: k == 10 ? 0
				: k < 13  ? (uint8_t)(0x80 + rand_r(&seed) % 64)
					  : (uint8_t)(0xc0 + rand_r(&seed) % 64);
		}
		size_t cap = 1 + (size_t)(rand_r(&seed) % sizeof(got));
		size_t n = nc_app_text(got, cap, in, len);
		size_t m = ref_text(want, cap, in, len);
		assert_int_equal(n, m);
		assert_memory_equal(got, want, m + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
