/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxy_rec.c: the HTTP record (records/netcap.proto, message HTTP) of one
 * exchange `netcap proxy` forwarded or refused, with the conventions the
 * capture side uses (decoders/app/http.c): ns timestamps, ReqContentLength
 * -1 for a chunked request, ResContentLength -1 for a chunked response and
 * 0 for one without a body, SrcIP/DstIP as 4 or 16 octets, "Name: value"
 * header lines in order, cookies split as RFC 6265, Parameters from the
 * query string then an urlencoded body, percent-decoded.
 *
 * Bounds: HTTP_MAX_HEADERS header lines and HTTP_MAX_COOKIES cookies per
 * side, PX_MAX_PARAMS parameters, every string cut to a fixed length and
 * copied as valid UTF-8 (nc_app_text) into one PX_ARENA-octet arena.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/keyvalq_struct.h>
#include <openssl/evp.h>

#include "applayer.h"
#include "files.h"
#include "ncfile.h"
#include "netcap.pb-c.h"
#include "proxy.h"

#define PX_MAX_HEADERS 64 /* ReqHeaders/ResHeaders kept */
#define PX_MAX_COOKIES 32 /* per side */
#define PX_MAX_PARAMS  64
#define PX_ARENA       98304

struct arena {
	char *p;
	size_t left;
};

/* n octets of s as a string of at most max octets in the arena */
static char *ar_text(struct arena *a, const void *s, size_t n, size_t max)
{
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

static char *ar_str(struct arena *a, const char *s, size_t max)
{
	return s ? ar_text(a, s, strlen(s), max) : nc_app_str("");
}

static const struct evkeyval *kv_first(const struct evkeyvalq *h)
{
	return h ? h->tqh_first : NULL;
}

static const char *find(const struct evkeyvalq *h, const char *name)
{
	for (const struct evkeyval *kv = kv_first(h); kv;
	     kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, name))
			return kv->value;
	return NULL;
}

static int hexval(int b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

/* "%XX" and '+' decoding of n octets into out (cap); returns the length */
static size_t pct_decode(uint8_t *out, size_t cap, const char *p, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o < cap; i++) {
		int b = (unsigned char)p[i];
		if (b == '+') {
			b = ' ';
		} else if (b == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
			   hexval(p[i + 2]) >= 0) {
			b = hexval(p[i + 1]) << 4 | hexval(p[i + 2]);
			i += 2;
		}
		out[o++] = (uint8_t)b;
	}
	return o;
}

/* "k=v&k=v" into out[*n < PX_MAX_PARAMS] as decoded "k=v" */
static void add_params(struct arena *a, const char *p, size_t len, char **out,
		       size_t *n)
{
	uint8_t tmp[1024];
	while (len && *n < PX_MAX_PARAMS) {
		const char *amp = memchr(p, '&', len);
		size_t k = amp ? (size_t)(amp - p) : len;
		if (k) {
			const char *eq = memchr(p, '=', k);
			size_t kl = eq ? (size_t)(eq - p) : k;
			size_t o = pct_decode(tmp, sizeof(tmp) - 1, p, kl);
			tmp[o++] = '=';
			if (eq)
				o += pct_decode(tmp + o, sizeof(tmp) - o,
						eq + 1, k - kl - 1);
			out[(*n)++] = ar_text(a, tmp, o, 4096);
		}
		if (!amp)
			break;
		len -= k + 1;
		p = amp + 1;
	}
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t'))
		(*p)++, (*n)--;
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

static bool ieq(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && !strncasecmp(p, s, n);
}

/* Cookie: "a=b; c=d" */
static void req_cookies(struct arena *a, const char *p, Netcap__HTTPCookie *ck,
			size_t *n)
{
	size_t len = strlen(p);
	while (len && *n < PX_MAX_COOKIES) {
		const char *semi = memchr(p, ';', len);
		size_t k = semi ? (size_t)(semi - p) : len;
		const char *e = p;
		size_t el = k;
		trim(&e, &el);
		if (el) {
			const char *eq = memchr(e, '=', el);
			size_t nl = eq ? (size_t)(eq - e) : el;
			Netcap__HTTPCookie *c = &ck[(*n)++];
			netcap__httpcookie__init(c);
			c->name = ar_text(a, e, nl, 1024);
			c->value = eq ? ar_text(a, eq + 1, el - nl - 1, 4096)
				      : nc_app_str("");
		}
		if (!semi)
			break;
		len -= k + 1;
		p = semi + 1;
	}
}

/* an Expires attribute (IMF-fixdate, RFC 9110 5.6.7): unix seconds or 0 */
static uint64_t cookie_date(const char *v, size_t n)
{
	char tmp[64];
	struct tm tm;
	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, v, n);
	tmp[n] = 0;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(tmp, "%a, %d %b %Y %H:%M:%S", &tm);
	if (!end)
		end = strptime(tmp, "%a, %d-%b-%Y %H:%M:%S", &tm);
	if (!end)
		return 0;
	time_t t = timegm(&tm);
	return t > 0 ? (uint64_t)t : 0;
}

/* Set-Cookie: "n=v; Attr=val; Flag" (RFC 6265 5.2) */
static void set_cookie(struct arena *a, const char *p, Netcap__HTTPCookie *c)
{
	size_t len = strlen(p);
	netcap__httpcookie__init(c);
	const char *semi = memchr(p, ';', len);
	size_t k = semi ? (size_t)(semi - p) : len;
	const char *e = p;
	size_t el = k;
	trim(&e, &el);
	const char *eq = memchr(e, '=', el);
	size_t nl = eq ? (size_t)(eq - e) : 0;
	const char *nm = e;
	trim(&nm, &nl);
	c->name = ar_text(a, nm, nl, 1024);
	const char *v = eq ? eq + 1 : e;
	size_t vl = eq ? el - (size_t)(eq + 1 - e) : el;
	trim(&v, &vl);
	c->value = ar_text(a, v, vl, 4096);
	c->path = c->domain = nc_app_str("");
	int attrs = 0;
	while (semi && attrs++ < 64) {
		len -= k + 1;
		p = semi + 1;
		semi = memchr(p, ';', len);
		k = semi ? (size_t)(semi - p) : len;
		const char *an = p;
		size_t anl = k;
		trim(&an, &anl);
		const char *aeq = memchr(an, '=', anl);
		const char *av = aeq ? aeq + 1 : an + anl;
		size_t avl = aeq ? anl - (size_t)(aeq + 1 - an) : 0;
		if (aeq)
			anl = (size_t)(aeq - an);
		trim(&an, &anl);
		trim(&av, &avl);
		if (ieq(an, anl, "path")) {
			c->path = ar_text(a, av, avl, 1024);
		} else if (ieq(an, anl, "domain")) {
			c->domain = ar_text(a, av, avl, 1024);
		} else if (ieq(an, anl, "expires")) {
			c->expires = cookie_date(av, avl);
		} else if (ieq(an, anl, "max-age")) {
			char tmp[24];
			size_t tl =
			    avl < sizeof(tmp) - 1 ? avl : sizeof(tmp) - 1;
			memcpy(tmp, av, tl);
			tmp[tl] = 0;
			char *end;
			long long s = strtoll(tmp, &end, 10);
			if (tl && !*end)
				c->maxage = s <= 0	    ? -1
					    : s > INT32_MAX ? INT32_MAX
							    : (int32_t)s;
		} else if (ieq(an, anl, "secure")) {
			c->secure = true;
		} else if (ieq(an, anl, "httponly")) {
			c->httponly = true;
		} else if (ieq(an, anl, "samesite")) {
			c->samesite = ieq(av, avl, "lax")      ? 2
				      : ieq(av, avl, "strict") ? 3
				      : ieq(av, avl, "none")   ? 4
							       : 1;
		}
	}
}

/* the user of "Basic <base64(user:password)>", or "" */
static char *basic_user(struct arena *a, const char *v)
{
	uint8_t out[512];
	if (strncasecmp(v, "basic ", 6) != 0)
		return nc_app_str("");
	v += 6;
	while (*v == ' ')
		v++;
	size_t n = strcspn(v, " \t");
	if (n == 0 || n % 4 || n / 4 * 3 >= sizeof(out))
		return nc_app_str("");
	int o = EVP_DecodeBlock(out, (const unsigned char *)v, (int)n);
	if (o < 0)
		return nc_app_str("");
	const uint8_t *colon = memchr(out, ':', (size_t)o);
	if (!colon)
		return nc_app_str("");
	return ar_text(a, out, (size_t)(colon - out), 512);
}

static void set_addr(const struct sockaddr *sa, ProtobufCBinaryData *ip,
		     int32_t *port)
{
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		ip->data = (uint8_t *)&s->sin_addr;
		ip->len = 4;
		*port = ntohs(s->sin_port);
	} else if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		ip->data = (uint8_t *)&s->sin6_addr;
		ip->len = 16;
		*port = ntohs(s->sin6_port);
	}
}

/* Content-Length: its value, or -1 when absent or not a number */
static int64_t clen(const struct evkeyvalq *h)
{
	const char *v = find(h, "Content-Length");
	if (!v || !*v)
		return -1;
	char *end;
	long long n = strtoll(v, &end, 10);
	return *end || n < 0 ? -1 : (int64_t)n;
}

static bool chunked(const struct evkeyvalq *h)
{
	const char *v = find(h, "Transfer-Encoding");
	return v && strcasestr(v, "chunked");
}

size_t px_rec_pack(const struct px_rec *r, uint8_t *buf, size_t cap)
{
	char mem[PX_ARENA];
	struct arena a = {mem, sizeof(mem)};
	Netcap__HTTP h = NETCAP__HTTP__INIT;
	Netcap__HTTPCookie rqc[PX_MAX_COOKIES], rsc[PX_MAX_COOKIES];
	Netcap__HTTPCookie *rqcp[PX_MAX_COOKIES], *rscp[PX_MAX_COOKIES];
	char *rqh[PX_MAX_HEADERS], *rsh[PX_MAX_HEADERS];
	char *params[PX_MAX_PARAMS];
	size_t nrqc = 0, nrsc = 0, nrqh = 0, nrsh = 0, np = 0;
	char proto[16] = "";

	h.timestamp = r->ts;
	set_addr(r->src, &h.srcip, &h.srcport);
	set_addr(r->dst, &h.dstip, &h.dstport);
	if (r->major || r->minor)
		snprintf(proto, sizeof(proto), "HTTP/%d.%d", r->major,
			 r->minor);
	h.proto = ar_str(&a, proto, 16);
	h.method = ar_str(&a, r->method, 64);
	h.url = ar_str(&a, r->url, 16384);
	h.host = ar_str(&a, find(r->reqh, "Host"), 1024);
	h.useragent = ar_str(&a, find(r->reqh, "User-Agent"), 2048);
	h.referer = ar_str(&a, find(r->reqh, "Referer"), 8192);
	h.contenttype = ar_str(&a, find(r->reqh, "Content-Type"), 512);
	h.reqcontentencoding =
	    ar_str(&a, find(r->reqh, "Content-Encoding"), 128);
	h.servername = ar_str(&a, find(r->resh, "Server"), 1024);
	h.rescontenttype = ar_str(&a, find(r->resh, "Content-Type"), 512);
	h.rescontentencoding =
	    ar_str(&a, find(r->resh, "Content-Encoding"), 128);
	h.statusmsg = ar_str(&a, r->status ? r->reason : "", 512);
	h.uid = nc_app_str("");
	const char *auth = find(r->reqh, "Authorization");
	h.username = auth ? basic_user(&a, auth) : nc_app_str("");
	h.statuscode = r->status;
	if (r->reqh) {
		int64_t l = clen(r->reqh);
		h.reqcontentlength = chunked(r->reqh) ? -1 : l < 0 ? 0 : l;
	}
	if (r->resh) {
		int64_t l = clen(r->resh);
		h.rescontentlength = l >= 0 ? l : r->res_nobody ? 0 : -1;
	}
	/* the content type of encoded content is not guessed from its
	   first octets (capture decodes gzip first; the proxy does not) */
	h.contenttypedetected = nc_app_str(
	    h.reqcontentencoding[0]
		? ""
		: nc_file_mime(r->req_head, r->req_head ? r->req_head_len : 0));
	h.rescontenttypedetected = nc_app_str(
	    h.rescontentencoding[0]
		? ""
		: nc_file_mime(r->res_head, r->res_head ? r->res_head_len : 0));
	h.requestbodylength = r->req_body;
	h.responsebodylength = r->res_body;
	h.reqtruncated = r->req_trunc;
	h.restruncated = r->res_trunc;
	h.firstbyteafter = r->first_byte_after;
	h.doneafter = r->done_after;

	/* repeated fields last: they take what the arena has left */
	for (const struct evkeyval *kv = kv_first(r->reqh); kv;
	     kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, "Cookie"))
			req_cookies(&a, kv->value, rqc, &nrqc);
	for (const struct evkeyval *kv = kv_first(r->resh);
	     kv && nrsc < PX_MAX_COOKIES; kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, "Set-Cookie"))
			set_cookie(&a, kv->value, &rsc[nrsc++]);
	const char *q = r->url ? strchr(r->url, '?') : NULL;
	if (q) {
		q++;
		add_params(&a, q, strcspn(q, "#"), params, &np);
	}
	if (r->form)
		add_params(&a, (const char *)r->form, r->form_len, params, &np);
	for (int side = 0; side < 2; side++) {
		char **out = side ? rsh : rqh;
		size_t *n = side ? &nrsh : &nrqh;
		for (const struct evkeyval *kv =
			 kv_first(side ? r->resh : r->reqh);
		     kv && *n < PX_MAX_HEADERS; kv = kv->next.tqe_next) {
			char tmp[2048];
			int l = snprintf(tmp, sizeof(tmp), "%.256s: %s",
					 kv->key, kv->value);
			if (l < 0)
				continue;
			if ((size_t)l >= sizeof(tmp))
				l = sizeof(tmp) - 1;
			out[(*n)++] = ar_text(&a, tmp, (size_t)l, 2048);
		}
	}
	for (size_t i = 0; i < nrqc; i++)
		rqcp[i] = &rqc[i];
	for (size_t i = 0; i < nrsc; i++)
		rscp[i] = &rsc[i];
	h.n_reqcookies = nrqc;
	h.reqcookies = rqcp;
	h.n_rescookies = nrsc;
	h.rescookies = rscp;
	h.n_reqheaders = nrqh;
	h.reqheaders = rqh;
	h.n_resheaders = nrsh;
	h.resheaders = rsh;
	h.n_parameters = np;
	h.parameters = params;
	return nc_pack_delimited(&h.base, buf, cap);
}
