/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_http_fields.c: header values into HTTP record fields
 * (decoders/app/http_fields.c), the code the capture parser and
 * `netcap proxy` share. test_http.c covers it through the parser; these
 * pin the cases where the proxy's former copy answered differently
 * (cookie-dates strptime did not read, Max-Age "+5", a Basic token
 * followed by more text, header values past 1 KiB), so both sides keep
 * the same contract.
 *
 * Expected values come from RFC 6265, RFC 7617 and RFC 9110 examples and
 * from Python's calendar.timegm; never from running netcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http_fields.h"

#define U(s) (const uint8_t *)(s), strlen(s)

static char mem[1 << 16];

static struct nc_http_arena arena(void)
{
	struct nc_http_arena a = {mem, sizeof(mem)};
	return a;
}

static void test_tokens(void **state)
{
	(void)state;
	assert_true(nc_http_ieq(U("Content-Length"), "content-length"));
	assert_false(nc_http_ieq(U("Content-Lengt"), "content-length"));
	assert_true(nc_http_iprefix(U("Basic abc"), "basic "));
	assert_false(nc_http_iprefix(U("Basi"), "basic "));
	assert_int_equal(nc_http_hexval('F'), 15);
	assert_int_equal(nc_http_hexval('a'), 10);
	assert_int_equal(nc_http_hexval('9'), 9);
	assert_int_equal(nc_http_hexval('g'), -1);
	const uint8_t *p = (const uint8_t *)" \t x y\t ";
	size_t n = 8;
	nc_http_trim(&p, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "x y", 3);
	assert_int_equal(nc_http_uint(U("0042")), 42);
	assert_int_equal(nc_http_uint(U("")), -1);
	assert_int_equal(nc_http_uint(U("+5")), -1);
	assert_int_equal(nc_http_uint(U("5 ")), -1);
	/* stops growing past 2^58, never overflows */
	assert_true(nc_http_uint(U("99999999999999999999999999")) > 0);
}

static void test_params(void **state)
{
	(void)state;
	struct nc_http_arena a = arena();
	char *out[4];
	size_t n = 0;
	nc_http_params(&a, U("a=1&b=x%20y+z&&c&d=%4g%41"), out, &n, 4);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "a=1");
	assert_string_equal(out[1], "b=x y z");
	assert_string_equal(out[2], "c=");
	assert_string_equal(out[3], "d=%4gA"); /* a bad escape stays */
	/* full: more pairs are dropped */
	nc_http_params(&a, U("e=5"), out, &n, 4);
	assert_int_equal(n, 4);
}

static void test_req_cookies(void **state)
{
	(void)state;
	struct nc_http_arena a = arena();
	Netcap__HTTPCookie ck[2];
	size_t n = 0;
	/* RFC 6265 3.1; an empty pair is skipped, max bounds the rest */
	nc_http_req_cookies(&a, U("SID=31d4d96e407aad42; ; lang; x=1"), ck, &n,
			    2);
	assert_int_equal(n, 2);
	assert_string_equal(ck[0].name, "SID");
	assert_string_equal(ck[0].value, "31d4d96e407aad42");
	assert_string_equal(ck[1].name, "lang");
	assert_string_equal(ck[1].value, "");
}

static uint64_t expires(const char *v)
{
	struct nc_http_arena a = arena();
	Netcap__HTTPCookie c;
	nc_http_set_cookie(&a, (const uint8_t *)v, strlen(v), &c);
	return c.expires;
}

static void test_set_cookie(void **state)
{
	(void)state;
	struct nc_http_arena a = arena();
	Netcap__HTTPCookie c;
	nc_http_set_cookie(&a,
			   U(" lang = en-US ; Path=/docs; Domain=example.com; "
			     "Secure; HttpOnly; SameSite=None; Max-Age=3600"),
			   &c);
	assert_string_equal(c.name, "lang");
	assert_string_equal(c.value, "en-US");
	assert_string_equal(c.path, "/docs");
	assert_string_equal(c.domain, "example.com");
	assert_true(c.secure);
	assert_true(c.httponly);
	assert_int_equal(c.samesite, 4);
	assert_int_equal(c.maxage, 3600);
	assert_int_equal(c.expires, 0);

	/* Max-Age (RFC 6265 5.2.2): 1*DIGIT after an optional '-' */
	nc_http_set_cookie(&a, U("a=1; Max-Age=0"), &c);
	assert_int_equal(c.maxage, -1);
	nc_http_set_cookie(&a, U("a=1; Max-Age=-7"), &c);
	assert_int_equal(c.maxage, -1);
	nc_http_set_cookie(&a, U("a=1; Max-Age=+5"), &c);
	assert_int_equal(c.maxage, 0);
	nc_http_set_cookie(&a, U("a=1; Max-Age=99999999999"), &c);
	assert_int_equal(c.maxage, INT32_MAX);
	nc_http_set_cookie(&a, U("a=1; SameSite=whatever"), &c);
	assert_int_equal(c.samesite, 1);

	/* the three date forms of RFC 9110 5.6.7 and RFC 6265 5.1.1's
	   tolerance; calendar.timegm((2021, 6, 9, 10, 18, 14)) and
	   calendar.timegm((1994, 11, 6, 8, 49, 37)) */
	assert_int_equal(expires("a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT"),
			 1623233894);
	assert_int_equal(expires("a=1; Expires=Wed, 09-Jun-2021 10:18:14 GMT"),
			 1623233894);
	assert_int_equal(expires("a=1; expires=Sunday, 06-Nov-94 08:49:37 GMT"),
			 784111777);
	assert_int_equal(expires("a=1; Expires=Wed Jun  9 10:18:14 2021"),
			 1623233894);
	assert_int_equal(expires("a=1; Expires=9 jun 2021 10:18:14"),
			 1623233894);
	assert_int_equal(expires("a=1; Expires=Wed, 32 Jun 2021 10:18:14"), 0);
	assert_int_equal(expires("a=1; Expires=Wed, 09 Jun 2021"), 0);
	assert_int_equal(expires("a=1; Expires=Sat, 01 Jan 1600 00:00:00"), 0);
}

static void test_basic(void **state)
{
	(void)state;
	struct nc_http_arena a = arena();
	uint8_t up[64];
	size_t ul, pl;
	bool bad = false;
	/* RFC 7617 2: Aladdin / open sesame */
	assert_true(nc_http_basic_auth(U("Basic  QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
				       up, sizeof(up), &ul, &pl, &bad));
	assert_int_equal(ul, 7);
	assert_memory_equal(up, "Aladdin", 7);
	assert_int_equal(pl, 11);
	assert_memory_equal(up + 8, "open sesame", 11);
	assert_false(bad);
	assert_string_equal(
	    nc_http_basic_user(&a, U("basic QWxhZGRpbjpvcGVuIHNlc2FtZQ")),
	    "Aladdin");

	/* not Basic: no user, not bad */
	assert_false(nc_http_basic_auth(U("Bearer abc"), up, sizeof(up), &ul,
					&pl, &bad));
	assert_false(bad);
	assert_null(nc_http_basic_user(&a, U("Bearer abc")));
	/* text after the token, no ':', too long: bad */
	assert_false(nc_http_basic_auth(U("Basic QWxhZGRpbjpvcGVu x"), up,
					sizeof(up), &ul, &pl, &bad));
	assert_true(bad);
	bad = false;
	assert_false(nc_http_basic_auth(U("Basic QWxhZGRpbg=="), up, sizeof(up),
					&ul, &pl, &bad));
	assert_true(bad);
	bad = false;
	assert_false(nc_http_basic_auth(U("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ"),
					up, 8, &ul, &pl, &bad));
	assert_true(bad);
}

static void test_header_and_arena(void **state)
{
	(void)state;
	static uint8_t name[300], val[2000];
	memset(name, 'N', sizeof(name));
	memset(val, 'v', sizeof(val));
	struct nc_http_arena a = arena();
	assert_string_equal(nc_http_header(&a, U("Host"), U("example.com")),
			    "Host: example.com");
	/* name cut at 256, the line at 1024 octets */
	char *l = nc_http_header(&a, name, sizeof(name), val, sizeof(val));
	assert_int_equal(strlen(l), 1024);
	assert_int_equal(l[255], 'N');
	assert_memory_equal(l + 256, ": v", 3);

	/* text is cut to max - 1 octets; a full arena gives "" */
	char small[8];
	struct nc_http_arena s = {small, sizeof(small)};
	assert_string_equal(nc_http_text(&s, "abcdef", 6, 4), "abc");
	assert_string_equal(nc_http_text(&s, "xyz", 3, 16), "xyz");
	assert_int_equal(s.left, 0);
	assert_string_equal(nc_http_text(&s, "q", 1, 16), "");
	/* octets that are not UTF-8 become "\xnn" (nc_app_text) */
	struct nc_http_arena b = arena();
	assert_string_equal(nc_http_text(&b, "a\xff", 2, 16), "a\\xff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_req_cookies),
	    cmocka_unit_test(test_set_cookie),
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_header_and_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
