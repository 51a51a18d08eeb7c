/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http_fields.h: the HTTP header-value parsing that the capture parser
 * (decoders/app/http.c) and the proxy's record builder (app/proxy_rec.c)
 * share, so that one exchange gives the same HTTP record fields whichever
 * side saw it:
 *   - an arena the strings of one record are copied into (valid UTF-8,
 *     each cut to a bound),
 *   - case-insensitive tokens, OWS trimming, 1*DIGIT and HEXDIG,
 *   - Parameters from a query string or urlencoded form (percent-decoded),
 *   - Cookie and Set-Cookie (RFC 6265, its cookie-date for Expires),
 *   - Basic credentials (RFC 7617),
 *   - the "Name: value" strings of ReqHeaders/ResHeaders.
 *
 * Every function reads only p[0..n) (no NUL needed), is bounded by n and
 * its out bounds, and allocates nothing but arena space: callable from the
 * fast path and from the proxy's event loop alike.
 */
#ifndef NC_HTTP_FIELDS_H
#define NC_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcap.pb-c.h"

/* The bounds of an HTTP record's repeated fields, capture and proxy alike */
#define NC_HTTP_MAX_HEADERS 64	  /* ReqHeaders/ResHeaders kept */
#define NC_HTTP_MAX_COOKIES 32	  /* ReqCookies/ResCookies kept */
#define NC_HTTP_MAX_PARAMS  64	  /* Parameters kept */
#define NC_HTTP_ARENA	    98304 /* octets of text of one record */

/*
 * The text of one record: strings are carved from the caller's buffer
 * (typically on the stack, freed with the record). When it runs out,
 * strings become "" rather than fail: the record is still written.
 */
struct nc_http_arena {
	char *p;
	size_t left;
};

/*
 * The repeated fields of one record while it is built (on the stack,
 * about 7 KiB): nc_http_lists_init empties them, the parsers below and
 * the caller fill them up to the NC_HTTP_MAX_* bounds, nc_http_lists_set
 * points the record at them (l must outlive the record's packing).
 */
struct nc_http_lists {
	size_t n_reqc, n_resc, n_reqh, n_resh, n_params;
	Netcap__HTTPCookie reqc[NC_HTTP_MAX_COOKIES], resc[NC_HTTP_MAX_COOKIES];
	Netcap__HTTPCookie *reqcp[NC_HTTP_MAX_COOKIES];
	Netcap__HTTPCookie *rescp[NC_HTTP_MAX_COOKIES];
	char *reqh[NC_HTTP_MAX_HEADERS], *resh[NC_HTTP_MAX_HEADERS];
	char *params[NC_HTTP_MAX_PARAMS];
};

void nc_http_lists_init(struct nc_http_lists *l);
void nc_http_lists_set(Netcap__HTTP *r, struct nc_http_lists *l);

/*
 * n protocol octets at s as a string of at most max octets (NUL included)
 * in the arena, made valid UTF-8 by nc_app_text; "" (not in the arena)
 * when the arena is full or max is 0. Never NULL.
 */
char *nc_http_text(struct nc_http_arena *a, const void *s, size_t n,
		   size_t max);

/* p[0..n) equals s ignoring ASCII case; s must be lowercase. */
bool nc_http_ieq(const uint8_t *p, size_t n, const char *s);
/* p[0..n) starts with s ignoring ASCII case; s must be lowercase. */
bool nc_http_iprefix(const uint8_t *p, size_t n, const char *s);
/* The value of one HEXDIG, -1 for any other octet. */
int nc_http_hexval(uint8_t b);
/* Drop leading and trailing OWS (SP, HTAB) of *p, *n. */
void nc_http_trim(const uint8_t **p, size_t *n);
/*
 * 1*DIGIT (Content-Length, Max-Age): the value, or -1 when n is 0 or an
 * octet is not a digit. Past 2^58 the value stops growing (a length that
 * large is bounded by the stream anyway).
 */
int64_t nc_http_uint(const uint8_t *p, size_t n);

/*
 * Parameters from "k=v&k=v" (a query string or an
 * application/x-www-form-urlencoded body): each pair '+'- and
 * %XX-decoded as "k=v" (a key alone as "k="), empty pairs skipped, into
 * out[*count], *count < max; pairs past max are dropped. A decoded pair is
 * cut at 1024 octets (its key at 1023), its text at 4095.
 */
void nc_http_params(struct nc_http_arena *a, const uint8_t *p, size_t n,
		    char **out, size_t *count, size_t max);

/*
 * A Cookie value "a=b; c=d" (RFC 6265 4.2) into ck[*count], *count < max,
 * each initialised: Name (1023 octets at most) and Value (4095), "" when
 * the pair has no '='. Empty pairs are skipped.
 */
void nc_http_req_cookies(struct nc_http_arena *a, const uint8_t *p, size_t n,
			 Netcap__HTTPCookie *ck, size_t *count, size_t max);

/*
 * A Set-Cookie value "n=v; Attr=val; Flag" (RFC 6265 5.2) into c
 * (initialised here): Name, Value, Path, Domain, Expires (unix seconds of
 * an RFC 6265 5.1.1 cookie-date, 0 when it does not parse), MaxAge (-1 for
 * 0 or negative, at most INT32_MAX), Secure, HttpOnly, SameSite (1 other,
 * 2 Lax, 3 Strict, 4 None). At most 64 attributes are read.
 */
void nc_http_set_cookie(struct nc_http_arena *a, const uint8_t *p, size_t n,
			Netcap__HTTPCookie *c);

/*
 * The Basic credentials (RFC 7617) of an Authorization value: true with
 * "user:password" decoded into out (at most cap - 1 octets, no NUL), the
 * user's length in *ulen and the password's in *plen. False when the
 * value is not "Basic ..." (*bad untouched) or when the base64 does not
 * decode, does not fit or has no ':' (*bad set).
 */
bool nc_http_basic_auth(const uint8_t *v, size_t n, uint8_t *out, size_t cap,
			size_t *ulen, size_t *plen, bool *bad);
/* The user of a Basic Authorization value as Username text (511 octets at
   most), or NULL when nc_http_basic_auth says false. */
char *nc_http_basic_user(struct nc_http_arena *a, const uint8_t *v, size_t n);

/*
 * "Name: value" for ReqHeaders/ResHeaders: the name cut at 256 octets,
 * name and value together at 1024 octets, the text at 2047.
 */
char *nc_http_header(struct nc_http_arena *a, const uint8_t *name, size_t nlen,
		     const uint8_t *val, size_t vlen);

#endif /* NC_HTTP_FIELDS_H */
