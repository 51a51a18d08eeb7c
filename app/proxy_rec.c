/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxy_rec.c: the HTTP record (records/netcap.proto, message HTTP) of one
 * exchange `netcap proxy` forwarded or refused, with the conventions the
 * capture side uses (decoders/app/http.c): ns timestamps, ReqContentLength
 * -1 for a chunked request, ResContentLength -1 for a chunked response and
 * 0 for one without a body, SrcIP/DstIP as 4 or 16 octets, header lines in
 * order, Parameters from the query string then an urlencoded body. Header
 * values become fields through the capture side's own code
 * (decoders/app/http_fields.c: "Name: value" lines, Cookie and Set-Cookie
 * with their Expires, Parameters, the Basic user), so the two agree.
 *
 * Bounds: NC_HTTP_MAX_HEADERS header lines and NC_HTTP_MAX_COOKIES cookies
 * per side, NC_HTTP_MAX_PARAMS parameters, every string cut to a fixed length
 * and copied as valid UTF-8 (nc_app_text) into one NC_HTTP_ARENA-octet arena.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/keyvalq_struct.h>

#include "applayer.h"
#include "files.h"
#include "http_fields.h"
#include "ncfile.h"
#include "netcap.pb-c.h"
#include "proxy.h"

/* a NUL-terminated libevent string (NULL: absent) as record text */
static char *ar_str(struct nc_http_arena *a, const char *s, size_t max)
{
	return s ? nc_http_text(a, s, strlen(s), max) : nc_app_str("");
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
	char mem[NC_HTTP_ARENA];
	struct nc_http_arena a = {mem, sizeof(mem)};
	Netcap__HTTP h = NETCAP__HTTP__INIT;
	struct nc_http_lists ls;
	char proto[16] = "";

	nc_http_lists_init(&ls);
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
	char *user =
	    auth ? nc_http_basic_user(&a, (const uint8_t *)auth, strlen(auth))
		 : NULL;
	h.username = user ? user : nc_app_str("");
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
	h.dnsdoneafter = r->dns_done_after;
	h.tlsdoneafter = r->tls_done_after;

	/* repeated fields last: they take what the arena has left */
	for (const struct evkeyval *kv = kv_first(r->reqh); kv;
	     kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, "Cookie"))
			nc_http_req_cookies(&a, (const uint8_t *)kv->value,
					    strlen(kv->value), ls.reqc,
					    &ls.n_reqc, NC_HTTP_MAX_COOKIES);
	for (const struct evkeyval *kv = kv_first(r->resh);
	     kv && ls.n_resc < NC_HTTP_MAX_COOKIES; kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, "Set-Cookie"))
			nc_http_set_cookie(&a, (const uint8_t *)kv->value,
					   strlen(kv->value),
					   &ls.resc[ls.n_resc++]);
	const char *q = r->url ? strchr(r->url, '?') : NULL;
	if (q) {
		q++;
		nc_http_params(&a, (const uint8_t *)q, strcspn(q, "#"),
			       ls.params, &ls.n_params, NC_HTTP_MAX_PARAMS);
	}
	if (r->form)
		nc_http_params(&a, r->form, r->form_len, ls.params,
			       &ls.n_params, NC_HTTP_MAX_PARAMS);
	for (int side = 0; side < 2; side++) {
		char **out = side ? ls.resh : ls.reqh;
		size_t *n = side ? &ls.n_resh : &ls.n_reqh;
		for (const struct evkeyval *kv =
			 kv_first(side ? r->resh : r->reqh);
		     kv && *n < NC_HTTP_MAX_HEADERS; kv = kv->next.tqe_next)
			out[(*n)++] = nc_http_header(
			    &a, (const uint8_t *)kv->key, strlen(kv->key),
			    (const uint8_t *)kv->value, strlen(kv->value));
	}
	nc_http_lists_set(&h, &ls);
	return nc_pack_delimited(&h.base, buf, cap);
}
