/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http_fields.c: HTTP header values into HTTP record fields, for the
 * capture parser (http.c) and `netcap proxy` (app/proxy_rec.c) alike
 * (http_fields.h): RFC 9110 5.6 tokens and OWS, RFC 3986 percent-encoding
 * with the HTML form '+', RFC 6265 Cookie, Set-Cookie and cookie-date,
 * RFC 7617 Basic credentials.
 *
 *   query / form   = pair *( "&" pair )       pair = key [ "=" value ]
 *   Cookie         = cookie-pair *( ";" OWS cookie-pair )
 *   Set-Cookie     = cookie-pair *( ";" OWS cookie-av )
 *   cookie-date    = tokens split at delimiters: hh:mm:ss, day, month, year
 *                    in any order (RFC 6265 5.1.1)
 *   Authorization  = "Basic" 1*SP base64( user ":" password )
 *
 * Bounds: every loop is bounded by the octets given; counts and string
 * lengths by the caller's max and the fixed cuts in http_fields.h.
 */
#include <string.h>

#include "applayer.h"
#include "http_fields.h"

/* ---------------------------------------------------------------------- */
/* small text helpers */

static uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + 32) : b;
}

static bool is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

bool nc_http_ieq(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(p[i]) != (uint8_t)s[i])
			return false;
	return true;
}

bool nc_http_iprefix(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && nc_http_ieq(p, k, s);
}

int nc_http_hexval(uint8_t b)
{
	if (is_digit(b))
		return b - '0';
	b = lower(b);
	return (b >= 'a' && b <= 'f') ? b - 'a' + 10 : -1;
}

void nc_http_trim(const uint8_t **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t'))
		(*p)++, (*n)--;
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

int64_t nc_http_uint(const uint8_t *p, size_t n)
{
	int64_t v = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		if (v < ((int64_t)1 << 58))
			v = v * 10 + (p[i] - '0');
	}
	return v;
}

char *nc_http_text(struct nc_http_arena *a, const void *s, size_t n, size_t max)
{
	/* nc_app_text writes at most 4 octets ("\xNN") per input octet */
	size_t cap = n * 4 + 1;
	if (cap > max)
		cap = max;
	if (cap > a->left)
		cap = a->left;
	if (cap == 0)
		return nc_app_str("");
	char *o = a->p;
	size_t l = nc_app_text(o, cap, s, n);
	a->p += l + 1;
	a->left -= l + 1;
	return o;
}

void nc_http_lists_init(struct nc_http_lists *l)
{
	/* the arrays are written before they are read: only the counts */
	l->n_reqc = l->n_resc = l->n_reqh = l->n_resh = l->n_params = 0;
}

void nc_http_lists_set(Netcap__HTTP *r, struct nc_http_lists *l)
{
	for (size_t i = 0; i < l->n_reqc; i++)
		l->reqcp[i] = &l->reqc[i];
	for (size_t i = 0; i < l->n_resc; i++)
		l->rescp[i] = &l->resc[i];
	r->n_reqcookies = l->n_reqc;
	r->reqcookies = l->reqcp;
	r->n_rescookies = l->n_resc;
	r->rescookies = l->rescp;
	r->n_reqheaders = l->n_reqh;
	r->reqheaders = l->reqh;
	r->n_resheaders = l->n_resh;
	r->resheaders = l->resh;
	r->n_parameters = l->n_params;
	r->parameters = l->params;
}

/* ---------------------------------------------------------------------- */
/* Parameters */

/* "%XX" and '+' decoding of n octets into out (cap), returns length */
static size_t pct_decode(uint8_t *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o < cap; i++) {
		uint8_t b = p[i];
		if (b == '+') {
			b = ' ';
		} else if (b == '%' && i + 2 < n &&
			   nc_http_hexval(p[i + 1]) >= 0 &&
			   nc_http_hexval(p[i + 2]) >= 0) {
			b = (uint8_t)(nc_http_hexval(p[i + 1]) << 4 |
				      nc_http_hexval(p[i + 2]));
			i += 2;
		}
		out[o++] = b;
	}
	return o;
}

void nc_http_params(struct nc_http_arena *a, const uint8_t *p, size_t n,
		    char **out, size_t *count, size_t max)
{
	uint8_t tmp[1024];
	while (n && *count < max) {
		const uint8_t *amp = memchr(p, '&', n);
		size_t k = amp ? (size_t)(amp - p) : n;
		if (k) {
			const uint8_t *eq = memchr(p, '=', k);
			size_t kl = eq ? (size_t)(eq - p) : k;
			size_t o = pct_decode(tmp, sizeof(tmp) - 1, p, kl);
			tmp[o++] = '=';
			if (eq)
				o += pct_decode(tmp + o, sizeof(tmp) - o,
						eq + 1, k - kl - 1);
			out[(*count)++] = nc_http_text(a, tmp, o, 4096);
		}
		if (!amp)
			break;
		n -= k + 1;
		p = amp + 1;
	}
}

/* ---------------------------------------------------------------------- */
/* cookies */

/* RFC 6265 5.1.1 delimiter */
static bool is_delim(uint8_t b)
{
	return b == 0x09 || (b >= 0x20 && b <= 0x2f) ||
	       (b >= 0x3b && b <= 0x40) || (b >= 0x5b && b <= 0x60) ||
	       (b >= 0x7b && b <= 0x7e);
}

/* min..max DIGIT at p followed by the end or a non-digit: value, or -1 */
static int digits(const uint8_t *p, size_t n, size_t min, size_t max,
		  size_t *used)
{
	size_t i = 0;
	int v = 0;
	while (i < n && is_digit(p[i]) && i < max)
		v = v * 10 + (p[i++] - '0');
	if (i < min || (i < n && is_digit(p[i])))
		return -1;
	*used = i;
	return v;
}

/* RFC 6265 5.1.1 cookie-date: unix seconds, 0 when unparseable */
static uint64_t cookie_date(const uint8_t *p, size_t n)
{
	static const char mon[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int hh = -1, mm = 0, ss = 0, day = -1, month = -1, year = -1;
	size_t i = 0;

	while (i < n) {
		while (i < n && is_delim(p[i]))
			i++;
		size_t s = i;
		while (i < n && !is_delim(p[i]))
			i++;
		const uint8_t *t = p + s;
		size_t tl = i - s, u;
		if (tl == 0)
			break;
		if (hh < 0) {
			int a = digits(t, tl, 1, 2, &u);
			if (a >= 0 && u < tl && t[u] == ':') {
				size_t o = u + 1, u2, u3;
				int b = digits(t + o, tl - o, 1, 2, &u2);
				if (b >= 0 && o + u2 < tl && t[o + u2] == ':') {
					o += u2 + 1;
					int c =
					    digits(t + o, tl - o, 1, 2, &u3);
					if (c >= 0) {
						hh = a, mm = b, ss = c;
						continue;
					}
				}
			}
		}
		if (day < 0) {
			int a = digits(t, tl, 1, 2, &u);
			if (a >= 0) {
				day = a;
				continue;
			}
		}
		if (month < 0 && tl >= 3) {
			bool hit = false;
			for (int k = 0; k < 12 && !hit; k++)
				if (lower(t[0]) == (uint8_t)mon[3 * k] &&
				    lower(t[1]) == (uint8_t)mon[3 * k + 1] &&
				    lower(t[2]) == (uint8_t)mon[3 * k + 2]) {
					month = k + 1;
					hit = true;
				}
			if (hit)
				continue;
		}
		if (year < 0) {
			int a = digits(t, tl, 2, 4, &u);
			if (a >= 0)
				year = a;
		}
	}
	if (year >= 70 && year <= 99)
		year += 1900;
	else if (year >= 0 && year <= 69)
		year += 2000;
	if (hh < 0 || day < 1 || day > 31 || month < 0 || year < 1601 ||
	    hh > 23 || mm > 59 || ss > 59)
		return 0;
	/* days from 1970-01-01 (civil calendar, H. Hinnant's algorithm) */
	int y = year - (month <= 2);
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	int64_t t = days * 86400 + hh * 3600 + mm * 60 + ss;
	return t > 0 ? (uint64_t)t : 0;
}

void nc_http_req_cookies(struct nc_http_arena *a, const uint8_t *p, size_t n,
			 Netcap__HTTPCookie *ck, size_t *count, size_t max)
{
	while (n && *count < max) {
		const uint8_t *semi = memchr(p, ';', n);
		size_t k = semi ? (size_t)(semi - p) : n;
		const uint8_t *e = p;
		size_t el = k;
		nc_http_trim(&e, &el);
		if (el) {
			const uint8_t *eq = memchr(e, '=', el);
			size_t nl = eq ? (size_t)(eq - e) : el;
			Netcap__HTTPCookie *c = &ck[(*count)++];
			netcap__httpcookie__init(c);
			c->name = nc_http_text(a, e, nl, 1024);
			c->value =
			    eq ? nc_http_text(a, eq + 1, el - nl - 1, 4096)
			       : nc_app_str("");
		}
		if (!semi)
			break;
		n -= k + 1;
		p = semi + 1;
	}
}

void nc_http_set_cookie(struct nc_http_arena *a, const uint8_t *p, size_t n,
			Netcap__HTTPCookie *c)
{
	netcap__httpcookie__init(c);
	const uint8_t *semi = memchr(p, ';', n);
	size_t k = semi ? (size_t)(semi - p) : n;
	const uint8_t *e = p;
	size_t el = k;
	nc_http_trim(&e, &el);
	const uint8_t *eq = memchr(e, '=', el);
	size_t nl = eq ? (size_t)(eq - e) : 0;
	const uint8_t *nm = e;
	nc_http_trim(&nm, &nl);
	c->name = nc_http_text(a, nm, nl, 1024);
	const uint8_t *v = eq ? eq + 1 : e;
	size_t vl = eq ? el - (size_t)(eq + 1 - e) : el;
	nc_http_trim(&v, &vl);
	c->value = nc_http_text(a, v, vl, 4096);
	c->path = c->domain = nc_app_str("");
	int attrs = 0;
	while (semi && attrs++ < 64) {
		n -= k + 1;
		p = semi + 1;
		semi = memchr(p, ';', n);
		k = semi ? (size_t)(semi - p) : n;
		const uint8_t *an = p;
		size_t anl = k;
		nc_http_trim(&an, &anl);
		const uint8_t *aeq = memchr(an, '=', anl);
		const uint8_t *av = aeq ? aeq + 1 : an + anl;
		size_t avl = aeq ? anl - (size_t)(aeq + 1 - an) : 0;
		if (aeq)
			anl = (size_t)(aeq - an);
		nc_http_trim(&an, &anl);
		nc_http_trim(&av, &avl);
		if (nc_http_ieq(an, anl, "path")) {
			c->path = nc_http_text(a, av, avl, 1024);
		} else if (nc_http_ieq(an, anl, "domain")) {
			c->domain = nc_http_text(a, av, avl, 1024);
		} else if (nc_http_ieq(an, anl, "expires")) {
			c->expires = cookie_date(av, avl);
		} else if (nc_http_ieq(an, anl, "max-age")) {
			bool neg = avl && av[0] == '-';
			int64_t s = nc_http_uint(av + neg, avl - neg);
			if (s >= 0)
				c->maxage = neg || s == 0   ? -1
					    : s > INT32_MAX ? INT32_MAX
							    : (int32_t)s;
		} else if (nc_http_ieq(an, anl, "secure")) {
			c->secure = true;
		} else if (nc_http_ieq(an, anl, "httponly")) {
			c->httponly = true;
		} else if (nc_http_ieq(an, anl, "samesite")) {
			c->samesite = nc_http_ieq(av, avl, "lax")      ? 2
				      : nc_http_ieq(av, avl, "strict") ? 3
				      : nc_http_ieq(av, avl, "none")   ? 4
								       : 1;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* credentials and header lines */

bool nc_http_basic_auth(const uint8_t *v, size_t n, uint8_t *out, size_t cap,
			size_t *ulen, size_t *plen, bool *bad)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (n < 6 || !nc_http_iprefix(v, n, "basic "))
		return false;
	v += 6, n -= 6;
	nc_http_trim(&v, &n);
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '=')
			break;
		const char *q = v[i] ? strchr(b64, v[i]) : NULL;
		if (!q) {
			*bad = true;
			return false;
		}
		acc = acc << 6 | (uint32_t)(q - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= cap) {
				*bad = true;
				return false;
			}
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	const uint8_t *colon = memchr(out, ':', o);
	if (!colon) {
		*bad = true;
		return false;
	}
	*ulen = (size_t)(colon - out);
	*plen = o - *ulen - 1;
	return true;
}

char *nc_http_basic_user(struct nc_http_arena *a, const uint8_t *v, size_t n)
{
	uint8_t up[512];
	size_t ul, pl;
	bool bad = false;
	if (!nc_http_basic_auth(v, n, up, sizeof(up), &ul, &pl, &bad))
		return NULL;
	return nc_http_text(a, up, ul, 512);
}

char *nc_http_header(struct nc_http_arena *a, const uint8_t *name, size_t nlen,
		     const uint8_t *val, size_t vlen)
{
	uint8_t tmp[1024];
	size_t nl = nlen < 256 ? nlen : 256;
	size_t vl = vlen < sizeof(tmp) - nl - 2 ? vlen : sizeof(tmp) - nl - 2;
	memcpy(tmp, name, nl);
	tmp[nl] = ':';
	tmp[nl + 1] = ' ';
	memcpy(tmp + nl + 2, val, vl);
	return nc_http_text(a, tmp, nl + 2 + vl, 2048);
}
