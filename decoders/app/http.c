/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * http.c: HTTP/1.0 and HTTP/1.1 over reassembled TCP (RFC 9110 semantics,
 * RFC 9112 message syntax, RFC 6265 cookies, RFC 7617 Basic auth,
 * RFC 1950/1951/1952 content codings).
 *
 *   request  = method SP request-target SP HTTP-version CRLF
 *   response = HTTP-version SP 3DIGIT SP [ reason-phrase ] CRLF
 *              *( field-name ":" OWS field-value OWS CRLF )
 *              CRLF
 *              [ message-body ]
 *
 *   message-body length (RFC 9112 section 6.3), in this order:
 *     response to HEAD, 1xx, 204, 304           none
 *     2xx to CONNECT, 101                        the connection is a tunnel
 *     Transfer-Encoding ending in chunked        chunks:
 *         chunk-size [ ; ext ] CRLF data CRLF ... 0 CRLF *(trailer CRLF) CRLF
 *     Content-Length                             that many octets
 *     request without either                     none
 *     response without either                    until the server closes
 *
 * Contract:
 *   - One HTTP record per request/response pair, written when the
 *     response ends; requests wait in a queue (pipelining, at most
 *     HTTP_MAX_PENDING; more: the oldest is written without response). A
 *     request still waiting when the connection closes is written alone
 *     (StatusCode 0), a response without a request alone (Method "").
 *     1xx responses other than 101 are skipped (100-continue).
 *   - The client is the endpoint that sends requests: a capture that
 *     starts with the server's bytes still gets the roles right.
 *   - Memory: a message's start line and header block are copied into a
 *     buffer of at most max_message octets (over: http.header_too_long,
 *     the message is dropped and the parser looks for the next start
 *     line). Bodies are never buffered: they are streamed through the
 *     content decoder into the File (hashes) and into at most
 *     NC_FILE_HEAD octets for ContentTypeDetected, HTTP_FORM_KEEP octets
 *     of an urlencoded request body (Parameters) and, with --payload,
 *     HTTP_BODY_KEEP octets for RequestBody/ResponseBody. A 4 GB
 *     Content-Length costs a counter.
 *   - Content codings gzip, x-gzip and deflate (zlib or raw) are decoded
 *     (zlib, its memory from the parser budget) as far as someone needs the
 *     content: always the first NC_FILE_HEAD octets, all of it when File
 *     records, a file sink or --payload are on. Decoding stops at
 *     HTTP_INFLATE_MAX octets, or past 1 MiB at a ratio above
 *     HTTP_INFLATE_RATIO (http.decompression_limit; the File is
 *     Truncated).
 *   - Gaps: inside a body of known length (Content-Length, a chunk) the
 *     parser stays in step; the message is Truncated and its content
 *     (File) ends at the gap. Anywhere else the message in progress ends
 *     Truncated and the direction resynchronises on the next line that
 *     starts like a request or status line (http.resynchronised), or
 *     gives up after HTTP_RESYNC_MAX octets (http.gave_up_direction).
 *   - Every loop is bounded by the octets at hand; header lines kept per
 *     message, cookies and parameters are bounded counts.
 */
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "applayer.h"
#include "files.h"
#include "http_fields.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define HTTP_MAX_PENDING   16	 /* requests waiting for responses */
#define HTTP_MANY_HEADERS  1000	 /* more lines: http.too_many_headers */
#define HTTP_FORM_KEEP	   8192	 /* urlencoded request body kept */
#define HTTP_BODY_KEEP	   65536 /* RequestBody/ResponseBody (--payload) */
#define HTTP_INFLATE_MAX   (32u << 20) /* decoded octets per body */
#define HTTP_INFLATE_RATIO 250	       /* decoded/encoded past 1 MiB */
#define HTTP_RESYNC_MAX	   (1u << 20)  /* octets searched for a start line */
#define HTTP_CHUNK_LINE	   4096	       /* chunk-size line with extensions */
#define HTTP_TRAILER_MAX   65536       /* trailer section octets */

/* where a direction is */
enum http_ps {
	PS_START = 0, /* before a start line (empty lines skipped) */
	PS_HEADER,    /* in the start line or header block */
	PS_BODY,      /* remain octets of a Content-Length body */
	PS_CHUNK_SIZE,
	PS_CHUNK_DATA,
	PS_CHUNK_CRLF, /* the CRLF after chunk data */
	PS_TRAILER,
	PS_CLOSE,  /* body until the server closes */
	PS_RESYNC, /* looking for a start line */
	PS_TUNNEL, /* not HTTP any more (101, CONNECT) */
	PS_DEAD,   /* given up */
};

enum http_coding { CODING_NONE = 0, CODING_GZIP, CODING_DEFLATE, CODING_OTHER };

/* one request or response */
struct http_msg {
	struct nc_app_buf hdr;	/* start line and header block as sent */
	struct nc_app_buf keep; /* first decoded body octets (form/payload) */
	int64_t ts;		/* first octet */
	int64_t ts_last;	/* last octet */
	int64_t res_first;	/* request: first octet of its response */
	uint64_t body_len;	/* after transfer decoding, gaps included */
	int64_t clen;		/* Content-Length, -1 none */
	int status;		/* response */
	bool chunked, truncated, done, head, connect, form, keep_full;
	uint8_t coding; /* enum http_coding */
	uint32_t head_len;
	uint8_t headb[NC_FILE_HEAD]; /* first decoded body octets */
};

struct http_dir {
	uint8_t ps;	    /* enum http_ps */
	uint8_t hscan;	    /* header end search: 1 after LF, 2 after LF CR */
	bool own;	    /* cur is ours (not in the request queue) */
	bool line_start;    /* resync: the next octet starts a line */
	bool chunk_ext;	    /* in the extension of a chunk-size line */
	bool chunk_digits;  /* chunk-size has a digit */
	bool z_on;	    /* zs is initialised */
	bool z_stop;	    /* no more content decoding for this body */
	bool content_stop;  /* no more content for this body (gap, error) */
	bool content_trunc; /* the content is incomplete */
	bool req_gone;	    /* server: the request was written alone */
	bool file_tried;    /* a File was opened (or refused) for this body */
	uint8_t lsn;	    /* resync: octets in lsb */
	uint8_t lsb[16];    /* resync: start of a line cut by a chunk end */
	uint32_t line_len;  /* chunk-size or trailer line octets so far */
	uint32_t trailer;   /* trailer octets so far */
	uint64_t remain;    /* body or chunk octets left */
	uint64_t chunk;	    /* chunk-size being read */
	uint64_t resync;    /* octets searched */
	uint64_t z_in, z_out;
	struct http_msg *cur;
	struct nc_file *file;
	z_stream zs;
};

struct http_state {
	struct http_dir dir[2];
	struct http_msg *q[HTTP_MAX_PENDING]; /* requests, oldest first */
	uint8_t nq;
	uint8_t client; /* endpoint that sends requests (0 until known) */
	bool roles;	/* client is known */
	bool served;	/* Service observed */
	uint32_t ua_hash, srv_hash, cred_hash; /* last reported (FNV-1a) */
	struct nc_app_ctx zx; /* budget for zlib's allocations */
};

/* ---------------------------------------------------------------------- */
/* small text helpers (the ones for header values, shared with `netcap
   proxy`, are in http_fields.c) */

static bool is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

/* RFC 9110 5.6.2 tchar */
static bool is_tchar(uint8_t b)
{
	if (b >= 'a' && b <= 'z')
		return true;
	if (b >= 'A' && b <= 'Z')
		return true;
	if (is_digit(b))
		return true;
	return b && strchr("!#$%&'*+-.^_`|~", b) != NULL;
}

/* FNV-1a: to tell whether a User-Agent or Server changed */
static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h | 1;
}

/* ---------------------------------------------------------------------- */
/* start lines */

static const char *const methods[] = {
    "GET",	   "POST",	 "HEAD",   "PUT",      "DELETE",
    "OPTIONS",	   "CONNECT",	 "TRACE",  "PATCH",    "PROPFIND",
    "PROPPATCH",   "MKCOL",	 "COPY",   "MOVE",     "LOCK",
    "UNLOCK",	   "SEARCH",	 "REPORT", "CHECKOUT", "MERGE",
    "MKACTIVITY",  "MKCALENDAR", "ACL",	   "BIND",     "SUBSCRIBE",
    "UNSUBSCRIBE", "NOTIFY",	 "PURGE",  "LINK",     "UNLINK"};

/* Length of the known method p starts with, followed by SP; 0 none;
   -1 when p is a proper prefix of one (too short to tell). */
static int method_len(const uint8_t *p, size_t n)
{
	bool partial = false;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t k = strlen(methods[i]);
		if (n > k) {
			if (memcmp(p, methods[i], k) == 0 && p[k] == ' ')
				return (int)k;
		} else if (memcmp(p, methods[i], n) == 0) {
			partial = true;
		}
	}
	return partial ? -1 : 0;
}

/* "HTTP/1.x" at p (n octets): 1 yes, 0 no, -1 too short to tell */
static int version_at(const uint8_t *p, size_t n)
{
	static const char v[] = "HTTP/1.";
	size_t k = n < 7 ? n : 7;
	if (memcmp(p, v, k) != 0)
		return 0;
	if (n < 8)
		return -1;
	return is_digit(p[7]) ? 1 : 0;
}

/* A status line "HTTP/1.x NNN" at p: YES, NO, NEED. */
static enum nc_probe status_line(const uint8_t *p, size_t n)
{
	int v = version_at(p, n);
	if (v <= 0)
		return v < 0 ? NC_PROBE_NEED : NC_PROBE_NO;
	for (size_t i = 8; i < 12; i++) {
		if (i >= n)
			return NC_PROBE_NEED;
		if (i == 8 ? p[i] != ' ' : !is_digit(p[i]))
			return NC_PROBE_NO;
	}
	return NC_PROBE_YES;
}

/*
 * A request line "METHOD SP target SP HTTP/1.x" at p (the whole line when
 * full, else its start only: "METHOD SP x" is enough).
 */
static enum nc_probe request_line(const uint8_t *p, size_t n, bool full)
{
	int m = method_len(p, n);
	if (m == 0)
		return NC_PROBE_NO;
	if (m < 0)
		return NC_PROBE_NEED;
	size_t i = (size_t)m + 1;
	if (i >= n)
		return NC_PROBE_NEED;
	if (p[i] <= ' ' || p[i] == 0x7f)
		return NC_PROBE_NO;
	if (!full)
		return NC_PROBE_YES;
	/* the target: visible octets up to SP; then the version */
	size_t lim = n < 8192 ? n : 8192;
	for (; i < lim; i++) {
		if (p[i] == ' ') {
			int v = version_at(p + i + 1, n - i - 1);
			return v > 0   ? NC_PROBE_YES
			       : v < 0 ? NC_PROBE_NEED
				       : NC_PROBE_NO;
		}
		if (p[i] < ' ' || p[i] == 0x7f)
			return NC_PROBE_NO;
	}
	return n < 8192 ? NC_PROBE_NEED : NC_PROBE_NO;
}

static enum nc_probe http_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	size_t i = 0;
	while (i < len && i < 4 && (p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == len)
		return NC_PROBE_NEED;
	enum nc_probe s = status_line(p + i, len - i);
	if (s != NC_PROBE_NO)
		return s;
	return request_line(p + i, len - i, true);
}

/* ---------------------------------------------------------------------- */
/* header block */

struct hline {
	const uint8_t *name, *val;
	size_t nlen, vlen;
};

/* The next line of c without its CRLF or LF; false at the end. */
static bool next_line(struct cur *c, const uint8_t **l, size_t *n)
{
	if (cur_left(c) == 0)
		return false;
	const uint8_t *p = c->p;
	const uint8_t *e = memchr(p, '\n', cur_left(c));
	size_t len = e ? (size_t)(e - p) : cur_left(c);
	cur_skip(c, e ? len + 1 : len);
	if (len && p[len - 1] == '\r')
		len--;
	*l = p;
	*n = len;
	return true;
}

/*
 * Iterate the header fields of a header block (after the start line): a
 * line without a colon is skipped (*bad set), a folded line (obs-fold)
 * too. false at the empty line or the end.
 */
static bool next_field(struct cur *c, struct hline *h, bool *bad)
{
	const uint8_t *l;
	size_t n;
	while (next_line(c, &l, &n)) {
		if (n == 0)
			return false;
		if (l[0] == ' ' || l[0] == '\t')
			continue;
		const uint8_t *colon = memchr(l, ':', n);
		if (!colon || colon == l) {
			*bad = true;
			continue;
		}
		h->name = l;
		h->nlen = (size_t)(colon - l);
		h->val = colon + 1;
		h->vlen = n - h->nlen - 1;
		nc_http_trim(&h->name, &h->nlen);
		nc_http_trim(&h->val, &h->vlen);
		return true;
	}
	return false;
}

/* A header block's cursor past its start line. */
static struct cur fields_of(const struct http_msg *m, const uint8_t **sl,
			    size_t *sn)
{
	struct cur c = cur_make(m->hdr.p, m->hdr.len);
	if (!next_line(&c, sl, sn)) {
		*sl = m->hdr.p;
		*sn = 0;
	}
	return c;
}

/* The request line's parts. */
struct reqline {
	const uint8_t *method, *target, *version;
	size_t mlen, tlen, vlen;
};

static bool parse_reqline(const uint8_t *l, size_t n, struct reqline *r)
{
	if (n == 0)
		return false;
	const uint8_t *sp1 = memchr(l, ' ', n);
	if (!sp1)
		return false;
	r->method = l;
	r->mlen = (size_t)(sp1 - l);
	const uint8_t *t = sp1 + 1;
	size_t left = n - r->mlen - 1;
	while (left && *t == ' ')
		t++, left--;
	const uint8_t *sp2 = memchr(t, ' ', left);
	if (!sp2)
		return false;
	r->target = t;
	r->tlen = (size_t)(sp2 - t);
	r->version = sp2 + 1;
	r->vlen = left - r->tlen - 1;
	nc_http_trim(&r->version, &r->vlen);
	if (r->mlen == 0 || r->tlen == 0)
		return false;
	for (size_t i = 0; i < r->mlen; i++)
		if (!is_tchar(l[i]))
			return false;
	for (size_t i = 0; i < r->tlen; i++)
		if (t[i] <= ' ' || t[i] == 0x7f)
			return false;
	return r->vlen == 8 && version_at(r->version, r->vlen) > 0;
}

/* The status line's parts. */
static bool parse_statusline(const uint8_t *l, size_t n, int *code,
			     const uint8_t **msg, size_t *mlen)
{
	if (n < 12 || status_line(l, n) != NC_PROBE_YES)
		return false;
	if (n > 12 && l[12] != ' ')
		return false;
	*code = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	*msg = n > 13 ? l + 13 : l + n;
	*mlen = n > 13 ? n - 13 : 0;
	return true;
}

static uint8_t parse_coding(const uint8_t *p, size_t n)
{
	if (n == 0 || nc_http_ieq(p, n, "identity"))
		return CODING_NONE;
	if (nc_http_ieq(p, n, "gzip") || nc_http_ieq(p, n, "x-gzip"))
		return CODING_GZIP;
	if (nc_http_ieq(p, n, "deflate"))
		return CODING_DEFLATE;
	return CODING_OTHER;
}

/* Does the last transfer coding of a Transfer-Encoding value say chunked? */
static bool te_chunked(const uint8_t *p, size_t n)
{
	const uint8_t *comma = NULL;
	for (size_t i = 0; i < n; i++)
		if (p[i] == ',')
			comma = p + i;
	if (comma) {
		n -= (size_t)(comma + 1 - p);
		p = comma + 1;
	}
	nc_http_trim(&p, &n);
	return nc_http_ieq(p, n, "chunked");
}

/* ---------------------------------------------------------------------- */
/* memory of messages */

static struct http_msg *msg_new(struct nc_app_ctx *x)
{
	struct http_msg *m = nc_app_alloc(x, sizeof(*m));
	if (m) {
		m->ts = m->ts_last = x->c->ts;
		m->clen = -1;
	}
	return m;
}

static void msg_free(struct nc_app_ctx *x, struct http_msg *m)
{
	if (!m)
		return;
	nc_app_buf_free(x, &m->hdr);
	nc_app_buf_free(x, &m->keep);
	nc_app_free(x, m, sizeof(*m));
}

/* ---------------------------------------------------------------------- */
/* the record: header values become fields through http_fields.c, so that
   `netcap proxy` (app/proxy_rec.c) writes the same fields for the same
   exchange */

/* "Name: value" for ReqHeaders/ResHeaders */
static char *hdr_text(struct nc_http_arena *a, const struct hline *h)
{
	return nc_http_header(a, h->name, h->nlen, h->val, h->vlen);
}

static void emit_pair(struct nc_app_ctx *x, struct http_state *st,
		      struct http_msg *rq, struct http_msg *rs)
{
	if (!nc_want(x->d, NC_REC_HTTP))
		return;
	char mem[NC_HTTP_ARENA];
	struct nc_http_arena a = {mem, sizeof(mem)};
	Netcap__HTTP r = NETCAP__HTTP__INIT;
	struct nc_http_lists ls;
	const uint8_t *l;
	size_t ln;
	struct hline h;
	bool bad = false;
	int client = st->client;

	nc_http_lists_init(&ls);
	r.proto = r.method = r.host = r.useragent = r.referer = r.url =
	    r.contenttype = r.reqcontentencoding = r.rescontentencoding =
		r.servername = r.rescontenttype = r.contenttypedetected =
		    r.rescontenttypedetected = r.statusmsg = r.username =
			nc_app_str("");
	nc_app_ends(x->c, client, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(x->c->uid);
	r.timestamp = rq ? rq->ts : rs ? rs->ts : x->c->ts;

	const uint8_t *query = NULL;
	size_t qlen = 0;
	const uint8_t *form = NULL;
	size_t flen = 0;
	if (rq) {
		struct reqline rl;
		struct cur c = fields_of(rq, &l, &ln);
		if (parse_reqline(l, ln, &rl)) {
			r.method = nc_http_text(&a, rl.method, rl.mlen, 64);
			r.url = nc_http_text(&a, rl.target, rl.tlen, 16384);
			r.proto = nc_http_text(&a, rl.version, rl.vlen, 16);
			const uint8_t *qm = memchr(rl.target, '?', rl.tlen);
			if (qm) {
				query = qm + 1;
				qlen = rl.tlen - (size_t)(qm + 1 - rl.target);
				const uint8_t *hash = memchr(query, '#', qlen);
				if (hash)
					qlen = (size_t)(hash - query);
			}
		}
		r.reqcontentlength = rq->chunked    ? -1
				     : rq->clen < 0 ? 0
						    : rq->clen;
		while (next_field(&c, &h, &bad)) {
			if (nc_http_ieq(h.name, h.nlen, "host"))
				r.host = nc_http_text(&a, h.val, h.vlen, 1024);
			else if (nc_http_ieq(h.name, h.nlen, "user-agent"))
				r.useragent =
				    nc_http_text(&a, h.val, h.vlen, 2048);
			else if (nc_http_ieq(h.name, h.nlen, "referer"))
				r.referer =
				    nc_http_text(&a, h.val, h.vlen, 8192);
			else if (nc_http_ieq(h.name, h.nlen, "content-type"))
				r.contenttype =
				    nc_http_text(&a, h.val, h.vlen, 512);
			else if (nc_http_ieq(h.name, h.nlen,
					     "content-encoding"))
				r.reqcontentencoding =
				    nc_http_text(&a, h.val, h.vlen, 128);
			else if (nc_http_ieq(h.name, h.nlen, "cookie"))
				nc_http_req_cookies(&a, h.val, h.vlen, ls.reqc,
						    &ls.n_reqc,
						    NC_HTTP_MAX_COOKIES);
			else if (nc_http_ieq(h.name, h.nlen, "authorization")) {
				/* the last Basic one wins, as in header_done */
				char *u = nc_http_basic_user(&a, h.val, h.vlen);
				if (u)
					r.username = u;
			}
		}
		r.contenttypedetected =
		    nc_app_str(nc_file_mime(rq->headb, rq->head_len));
		r.requestbodylength = (int64_t)rq->body_len;
		r.reqtruncated = rq->truncated;
		if (rq->form) {
			form = rq->keep.p;
			flen = rq->keep.len;
		}
		if (x->d->cfg->payload && rq->keep.len)
			nc_bytes(&r.requestbody, rq->keep.p, rq->keep.len);
	}
	if (rs) {
		struct cur c = fields_of(rs, &l, &ln);
		int code;
		const uint8_t *sm;
		size_t sml;
		if (parse_statusline(l, ln, &code, &sm, &sml)) {
			r.statuscode = code;
			r.statusmsg = nc_http_text(&a, sm, sml, 512);
			if (!rq)
				r.proto = nc_http_text(&a, l, 8, 16);
		}
		r.rescontentlength = rs->clen >= 0		  ? rs->clen
				     : (rs->chunked || !rs->head) ? -1
								  : 0;
		while (next_field(&c, &h, &bad)) {
			if (nc_http_ieq(h.name, h.nlen, "server"))
				r.servername =
				    nc_http_text(&a, h.val, h.vlen, 1024);
			else if (nc_http_ieq(h.name, h.nlen, "content-type"))
				r.rescontenttype =
				    nc_http_text(&a, h.val, h.vlen, 512);
			else if (nc_http_ieq(h.name, h.nlen,
					     "content-encoding"))
				r.rescontentencoding =
				    nc_http_text(&a, h.val, h.vlen, 128);
			else if (nc_http_ieq(h.name, h.nlen, "set-cookie") &&
				 ls.n_resc < NC_HTTP_MAX_COOKIES)
				nc_http_set_cookie(&a, h.val, h.vlen,
						   &ls.resc[ls.n_resc++]);
		}
		r.rescontenttypedetected =
		    nc_app_str(nc_file_mime(rs->headb, rs->head_len));
		r.responsebodylength = (int64_t)rs->body_len;
		r.restruncated = rs->truncated;
		if (x->d->cfg->payload && rs->keep.len)
			nc_bytes(&r.responsebody, rs->keep.p, rs->keep.len);
		if (rq) {
			r.doneafter = rs->ts_last - rq->ts;
			r.firstbyteafter =
			    rq->res_first ? rq->res_first - rq->ts : 0;
		}
	}
	/* repeated strings last: they take what the arena has left */
	if (query)
		nc_http_params(&a, query, qlen, ls.params, &ls.n_params,
			       NC_HTTP_MAX_PARAMS);
	if (form)
		nc_http_params(&a, form, flen, ls.params, &ls.n_params,
			       NC_HTTP_MAX_PARAMS);
	for (int side = 0; side < 2; side++) {
		struct http_msg *m = side ? rs : rq;
		char **out = side ? ls.resh : ls.reqh;
		size_t *n = side ? &ls.n_resh : &ls.n_reqh;
		if (!m)
			continue;
		struct cur c = fields_of(m, &l, &ln);
		while (*n < NC_HTTP_MAX_HEADERS && next_field(&c, &h, &bad))
			out[(*n)++] = hdr_text(&a, &h);
	}
	nc_http_lists_set(&r, &ls);
	nc_emit_tm(x->d, NC_REC_HTTP, &r.base);
}

/* ---------------------------------------------------------------------- */
/* the request queue */

static void q_pop(struct http_state *st)
{
	/* q holds pointers, moved down one place */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	memmove(st->q, st->q + 1, (size_t)(st->nq - 1) * sizeof(st->q[0]));
	st->q[--st->nq] = NULL;
}

/* Free the oldest request; the client keeps it if still reading it. */
static void q_drop_head(struct nc_app_ctx *x, struct http_state *st)
{
	struct http_msg *m = st->q[0];
	struct http_dir *cd = &st->dir[st->client];
	q_pop(st);
	if (cd->cur == m)
		cd->own = true;
	else
		msg_free(x, m);
}

static void q_push(struct nc_app_ctx *x, struct http_state *st,
		   struct http_msg *m)
{
	if (st->nq == HTTP_MAX_PENDING) {
		struct http_dir *sd = &st->dir[!st->client];
		nc_app_event(x->d, x->c, st->client,
			     NC_EV_HTTP_TOO_MANY_PENDING);
		emit_pair(x, st, st->q[0], NULL);
		if (sd->cur)
			sd->req_gone = true;
		q_drop_head(x, st);
	}
	st->q[st->nq++] = m;
}

/* ---------------------------------------------------------------------- */
/* content: decoding, File, kept octets */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	struct http_state *st = opaque;
	size_t n = (size_t)items * size + 16;
	/* not zeroed: zlib initialises what it reads (its 32 KiB window
	   and 7 KiB state were 8 % of capture's instructions on web
	   traffic, zeroed for every compressed body) */
	uint64_t *p = nc_app_alloc_raw(&st->zx, n);
	if (!p)
		return Z_NULL;
	p[0] = n;
	return p + 2;
}

static void z_free(voidpf opaque, voidpf addr)
{
	struct http_state *st = opaque;
	uint64_t *p = (uint64_t *)addr - 2;
	nc_app_free(&st->zx, p, (size_t)p[0]);
}

static bool is_client(const struct http_state *st, int dir)
{
	return dir == st->client;
}

/* Does anyone still want this body's content? */
static bool content_wanted(struct nc_app_ctx *x, const struct http_dir *dd,
			   const struct http_msg *m)
{
	if (dd->content_stop)
		return false;
	if (m->head_len < NC_FILE_HEAD || dd->file)
		return true;
	if (!m->keep_full && (m->form || x->d->cfg->payload))
		return true;
	return false;
}

/* What a File says about a body: the name (Content-Disposition
   filename, else the URL path), host, Content-Type, Content-Encoding
   (each out[k] has cap[k] octets). */
static void file_info(const struct http_msg *m, const struct http_msg *rq,
		      char *out, size_t cap, char *host, size_t hcap,
		      char *ctype, size_t ccap, char *enc, size_t ecap)
{
	const uint8_t *l;
	size_t ln;
	struct hline h;
	bool bad = false;
	struct cur c = fields_of(m, &l, &ln);

	out[0] = host[0] = ctype[0] = enc[0] = '\0';
	while (next_field(&c, &h, &bad)) {
		if (nc_http_ieq(h.name, h.nlen, "content-type")) {
			nc_app_text(ctype, ccap, h.val, h.vlen);
		} else if (nc_http_ieq(h.name, h.nlen, "content-encoding")) {
			nc_app_text(enc, ecap, h.val, h.vlen);
		} else if (nc_http_ieq(h.name, h.nlen, "content-disposition")) {
			for (size_t i = 0; i + 9 <= h.vlen; i++) {
				if (!nc_http_iprefix(h.val + i, h.vlen - i,
						     "filename="))
					continue;
				const uint8_t *v = h.val + i + 9;
				size_t vl = h.vlen - i - 9;
				if (vl && *v == '"') {
					v++, vl--;
					const uint8_t *q = memchr(v, '"', vl);
					if (q)
						vl = (size_t)(q - v);
				} else {
					const uint8_t *s = memchr(v, ';', vl);
					if (s)
						vl = (size_t)(s - v);
				}
				nc_app_text(out, cap, v, vl);
				break;
			}
		}
	}
	if (!rq)
		return;
	c = fields_of(rq, &l, &ln);
	struct reqline rl;
	if (!out[0] && parse_reqline(l, ln, &rl)) {
		const uint8_t *qm = memchr(rl.target, '?', rl.tlen);
		nc_app_text(out, cap, rl.target,
			    qm ? (size_t)(qm - rl.target) : rl.tlen);
	}
	while (next_field(&c, &h, &bad))
		if (nc_http_ieq(h.name, h.nlen, "host"))
			nc_app_text(host, hcap, h.val, h.vlen);
}

/* Decoded content octets of the body of dd->cur. */
static void content_out(struct nc_app_ctx *x, struct http_state *st, int dir,
			const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	struct http_msg *m = dd->cur;

	if (n == 0)
		return;
	if (m->head_len < NC_FILE_HEAD) {
		size_t k = NC_FILE_HEAD - m->head_len;
		if (k > n)
			k = n;
		memcpy(m->headb + m->head_len, p, k);
		m->head_len += (uint32_t)k;
	}
	if (!m->keep_full && (m->form || x->d->cfg->payload)) {
		size_t lim =
		    x->d->cfg->payload ? HTTP_BODY_KEEP : HTTP_FORM_KEEP;
		uint32_t mm = nc_app_config(x->tab)->max_message;
		if (lim > mm)
			lim = mm;
		size_t k = lim > m->keep.len ? lim - m->keep.len : 0;
		if (k > n)
			k = n;
		if (k && !nc_app_buf_add(x, &m->keep, p, k))
			m->keep_full = true;
		if (m->keep.len >= lim)
			m->keep_full = true;
	}
	if (!dd->file_tried && nc_file_wanted(x)) {
		/* first content: open the File */
		char name[512], host[256], ctype[128], ce[64], enc[80];
		bool client = is_client(st, dir);
		struct http_msg *rq =
		    client ? m : (st->nq && !dd->req_gone ? st->q[0] : NULL);
		file_info(m, rq, name, sizeof(name), host, sizeof(host), ctype,
			  sizeof(ctype), ce, sizeof(ce));
		snprintf(enc, sizeof(enc), "%s%s%s", ce,
			 ce[0] && m->chunked ? ", " : "",
			 m->chunked ? "chunked" : "");
		dd->file = nc_file_open(
		    x, dir, client ? "HTTP request" : "HTTP response", name,
		    ctype, host, enc);
		dd->file_tried = true;
	}
	nc_file_write(x, dd->file, p, n);
}

/* The end of a body's content (message end, gap, error). */
static void content_end(struct nc_app_ctx *x, struct http_state *st,
			struct http_dir *dd, bool truncated)
{
	if (dd->z_on) {
		inflateEnd(&dd->zs);
		dd->z_on = false;
	}
	if (truncated)
		dd->content_trunc = true;
	if (dd->file) {
		nc_file_close(x, dd->file, dd->content_trunc);
		dd->file = NULL;
	}
	dd->content_stop = true;
	(void)st;
}

/* Transfer-decoded body octets of dd->cur: content decoding. */
static void body_data(struct nc_app_ctx *x, struct http_state *st, int dir,
		      const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	struct http_msg *m = dd->cur;

	m->body_len += n;
	if (n == 0 || !content_wanted(x, dd, m))
		return;
	if (m->coding == CODING_NONE || m->coding == CODING_OTHER) {
		content_out(x, st, dir, p, n);
		return;
	}
	if (dd->z_stop)
		return;
	if (!dd->z_on) {
		int wb = 15 + 32; /* gzip or zlib */
		if (m->coding == CODING_DEFLATE &&
		    !((p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7))
			wb = -15; /* raw deflate, as some servers send */
		memset(&dd->zs, 0, sizeof(dd->zs));
		dd->zs.zalloc = z_alloc;
		dd->zs.zfree = z_free;
		dd->zs.opaque = st;
		st->zx = *x;
		if (inflateInit2(&dd->zs, wb) != Z_OK) {
			dd->z_stop = true;
			content_end(x, st, dd, true);
			return;
		}
		dd->z_on = true;
		dd->z_in = dd->z_out = 0;
	}
	st->zx = *x;
	uint8_t out[16384];
	dd->zs.next_in = (Bytef *)p;
	dd->zs.avail_in = (uInt)n;
	for (;;) {
		dd->zs.next_out = out;
		dd->zs.avail_out = sizeof(out);
		uInt before = dd->zs.avail_in;
		int rc = inflate(&dd->zs, Z_NO_FLUSH);
		size_t got = sizeof(out) - dd->zs.avail_out;
		dd->z_in += before - dd->zs.avail_in;
		dd->z_out += got;
		content_out(x, st, dir, out, got);
		if (dd->z_out > HTTP_INFLATE_MAX ||
		    (dd->z_out > (1u << 20) &&
		     dd->z_out / HTTP_INFLATE_RATIO > dd->z_in)) {
			nc_app_event(x->d, x->c, dir,
				     NC_EV_HTTP_DECOMPRESS_LIMIT);
			dd->z_stop = true;
			content_end(x, st, dd, true);
			return;
		}
		if (rc == Z_STREAM_END) {
			/* a further gzip member follows, or trailing octets
			   that are ignored */
			if (dd->zs.avail_in >= 2 && dd->zs.next_in[0] == 0x1f &&
			    dd->zs.next_in[1] == 0x8b) {
				inflateReset(&dd->zs);
				continue;
			}
			dd->z_stop = true;
			inflateEnd(&dd->zs);
			dd->z_on = false;
			return;
		}
		if (rc == Z_BUF_ERROR && got == 0)
			return; /* needs more input */
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			nc_app_event(x->d, x->c, dir,
				     NC_EV_HTTP_DECOMPRESS_ERROR);
			dd->z_stop = true;
			content_end(x, st, dd, true);
			return;
		}
		if (dd->zs.avail_in == 0 && dd->zs.avail_out != 0)
			return;
		if (!content_wanted(x, dd, m)) {
			inflateEnd(&dd->zs);
			dd->z_on = false;
			dd->z_stop = true;
			return;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* message boundaries */

static void resync_start(struct nc_app_ctx *x, struct http_dir *dd, int dir,
			 bool line_start)
{
	(void)x;
	(void)dir;
	dd->ps = PS_RESYNC;
	dd->line_start = line_start;
	dd->lsn = 0;
	dd->resync = 0;
}

/* The body of dd->cur is complete (or ends here, truncated). */
static void msg_done(struct nc_app_ctx *x, struct http_state *st, int dir,
		     bool truncated)
{
	struct http_dir *dd = &st->dir[dir];
	struct http_msg *m = dd->cur;

	if (!m)
		return;
	if (truncated) {
		m->truncated = true;
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BODY_TRUNCATED);
	}
	content_end(x, st, dd, truncated || m->truncated);
	m->done = true;
	m->ts_last = x->c->ts;
	dd->cur = NULL;
	dd->ps = PS_START;
	if (is_client(st, dir)) {
		if (dd->own)
			msg_free(x, m); /* its response came first */
		return;
	}
	struct http_msg *rq = NULL;
	if (st->nq && !dd->req_gone)
		rq = st->q[0];
	emit_pair(x, st, rq, m);
	msg_free(x, m);
	if (rq)
		q_drop_head(x, st);
	dd->req_gone = false;
}

/* Drop the message in progress of dd (its header was not complete). */
static void msg_drop(struct nc_app_ctx *x, struct http_dir *dd)
{
	if (dd->cur && dd->own)
		msg_free(x, dd->cur);
	dd->cur = NULL;
}

static void tunnel(struct nc_app_ctx *x, struct http_state *st)
{
	nc_app_event(x->d, x->c, !st->client, NC_EV_HTTP_TUNNEL);
	for (int k = 0; k < 2; k++) {
		struct http_dir *dd = &st->dir[k];
		if (dd->cur && !dd->own) {
			/* a request still in the queue: leave it there */
			content_end(x, st, dd, true);
			dd->cur = NULL;
		} else if (dd->cur) {
			content_end(x, st, dd, true);
			msg_drop(x, dd);
		}
		dd->ps = PS_TUNNEL;
	}
}

/* The header block of dd->cur is complete: frame its body. */
static void header_done(struct nc_app_ctx *x, struct http_state *st, int dir)
{
	struct http_dir *dd = &st->dir[dir];
	struct http_msg *m = dd->cur;
	bool client = is_client(st, dir);
	const uint8_t *l;
	size_t ln;
	struct hline h;
	bool bad = false, te = false, cl_bad = false;
	unsigned nlines = 0;
	struct cur c = fields_of(m, &l, &ln);
	struct reqline rl;
	int code = 0;
	const uint8_t *sm;
	size_t sml;

	if (client ? !parse_reqline(l, ln, &rl)
		   : !parse_statusline(l, ln, &code, &sm, &sml)) {
		nc_app_event(x->d, x->c, dir,
			     client ? NC_EV_HTTP_BAD_REQUEST_LINE
				    : NC_EV_HTTP_BAD_STATUS_LINE);
		msg_drop(x, dd);
		resync_start(x, dd, dir, false);
		return;
	}
	m->status = code;
	char ua[1024] = "", srv[1024] = "";
	while (next_field(&c, &h, &bad)) {
		nlines++;
		if (nc_http_ieq(h.name, h.nlen, "content-length")) {
			int64_t v = nc_http_uint(h.val, h.vlen);
			if (v < 0 || (m->clen >= 0 && v != m->clen))
				cl_bad = true;
			else
				m->clen = v;
		} else if (nc_http_ieq(h.name, h.nlen, "transfer-encoding")) {
			te = true;
			m->chunked = te_chunked(h.val, h.vlen);
		} else if (nc_http_ieq(h.name, h.nlen, "content-encoding")) {
			m->coding = parse_coding(h.val, h.vlen);
		} else if (client &&
			   nc_http_ieq(h.name, h.nlen, "content-type")) {
			m->form = nc_http_iprefix(
			    h.val, h.vlen, "application/x-www-form-urlencoded");
		} else if (client &&
			   nc_http_ieq(h.name, h.nlen, "user-agent")) {
			nc_app_text(ua, sizeof(ua), h.val, h.vlen);
		} else if (!client && nc_http_ieq(h.name, h.nlen, "server")) {
			nc_app_text(srv, sizeof(srv), h.val, h.vlen);
		} else if (client &&
			   nc_http_ieq(h.name, h.nlen, "authorization")) {
			uint8_t up[512];
			size_t ul, pl;
			bool b2 = false;
			if (nc_http_basic_auth(h.val, h.vlen, up, sizeof(up),
					       &ul, &pl, &b2)) {
				char u[1024], pw[1024];
				nc_app_text(u, sizeof(u), up, ul);
				nc_app_text(pw, sizeof(pw), up + ul + 1, pl);
				/* browsers repeat it on every request: one
				   record while it stays the same */
				uint32_t ch = fnv(u) * 31u ^ fnv(pw);
				if (ch != st->cred_hash) {
					st->cred_hash = ch;
					nc_app_credentials(x->d, x->c, dir,
							   "HTTP Basic", u, pw,
							   "");
				}
			} else if (b2) {
				nc_app_event(x->d, x->c, dir,
					     NC_EV_HTTP_BAD_BASIC_AUTH);
			}
		}
	}
	if (bad)
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BAD_HEADER);
	if (nlines > HTTP_MANY_HEADERS)
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_TOO_MANY_HEADERS);
	if (cl_bad)
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BAD_CONTENT_LENGTH);
	if (te && m->clen >= 0)
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_LENGTH_AND_CHUNKED);
	if (te && !m->chunked && client) {
		/* a request with a transfer coding other than chunked has
		   no length it can be framed by (RFC 9112 6.3) */
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BAD_CHUNK);
	}

	bool none = false, close_delim = false;
	if (client) {
		m->head = rl.mlen == 4 && memcmp(rl.method, "HEAD", 4) == 0;
		m->connect =
		    rl.mlen == 7 && memcmp(rl.method, "CONNECT", 7) == 0;
		if (ua[0] && fnv(ua) != st->ua_hash) {
			st->ua_hash = fnv(ua);
			nc_obs_software(x->d, x->c, dir, "User-Agent", ua,
					"HTTP");
		}
		dd->own = false;
		q_push(x, st, m);
		none = !m->chunked && m->clen <= 0;
	} else {
		struct http_msg *rq = st->nq && !dd->req_gone ? st->q[0] : NULL;
		if (!rq && !dd->req_gone)
			nc_app_event(x->d, x->c, dir, NC_EV_HTTP_NO_REQUEST);
		if (srv[0] && fnv(srv) != st->srv_hash) {
			st->srv_hash = fnv(srv);
			nc_obs_software(x->d, x->c, dir, "Server", srv, "HTTP");
		}
		if (!st->served) {
			st->served = true;
			nc_obs_service(x->d, x->c, "HTTP", srv);
		}
		if (code >= 100 && code < 200 && code != 101) {
			/* interim: the final response follows */
			msg_drop(x, dd);
			dd->ps = PS_START;
			return;
		}
		if (code == 101 || (rq && rq->connect && code / 100 == 2)) {
			m->done = true;
			m->ts_last = x->c->ts;
			emit_pair(x, st, rq, m);
			msg_drop(x, dd);
			if (rq)
				q_drop_head(x, st);
			tunnel(x, st);
			return;
		}
		m->head = rq && rq->head; /* no body, whatever it says */
		none = m->head || code == 204 || code == 304;
		close_delim = !none && !m->chunked && m->clen < 0;
		if (none)
			m->head = true; /* ResContentLength: 0, not -1 */
		if (!m->chunked && m->clen == 0)
			none = true;
	}
	if (none) {
		msg_done(x, st, dir, false);
		return;
	}
	dd->content_stop = dd->content_trunc = false;
	dd->z_stop = dd->file_tried = false;
	if (m->chunked) {
		dd->ps = PS_CHUNK_SIZE;
		dd->chunk = 0;
		dd->line_len = 0;
		dd->chunk_ext = dd->chunk_digits = false;
	} else if (close_delim) {
		dd->ps = PS_CLOSE;
	} else {
		dd->ps = PS_BODY;
		dd->remain = (uint64_t)m->clen;
	}
}

/* ---------------------------------------------------------------------- */
/* the byte stream of one direction */

static size_t feed(struct nc_app_ctx *x, struct http_state *st, int dir,
		   const uint8_t *p, size_t n);

/*
 * Resync: find a line that starts a message of this direction's kind.
 * Returns octets used; on a find, the state is PS_START and the rest
 * (from the line's start) is left to the caller.
 */
static size_t resync(struct nc_app_ctx *x, struct http_state *st, int dir,
		     const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	bool client = is_client(st, dir);
	size_t i = 0;

	if (dd->lsn) {
		/* a line start cut by the last chunk's end: try it with
		   the first octets of this one */
		uint8_t tmp[32];
		size_t k =
		    n < sizeof(tmp) - dd->lsn ? n : sizeof(tmp) - dd->lsn;
		memcpy(tmp, dd->lsb, dd->lsn);
		memcpy(tmp + dd->lsn, p, k);
		enum nc_probe pr = client
				       ? request_line(tmp, dd->lsn + k, false)
				       : status_line(tmp, dd->lsn + k);
		if (pr == NC_PROBE_YES) {
			uint8_t held[16];
			size_t hn = dd->lsn;
			memcpy(held, dd->lsb, hn);
			dd->lsn = 0;
			dd->ps = PS_START;
			nc_app_event(x->d, x->c, dir, NC_EV_HTTP_RESYNC);
			feed(x, st, dir, held, hn);
			return 0;
		}
		if (pr == NC_PROBE_NEED && dd->lsn + k < sizeof(dd->lsb)) {
			memcpy(dd->lsb + dd->lsn, p, k);
			dd->lsn = (uint8_t)(dd->lsn + k);
			return n;
		}
		dd->lsn = 0;
		dd->line_start = false; /* p starts mid-line */
	}
	while (i < n) {
		if (dd->line_start) {
			enum nc_probe pr =
			    client ? request_line(p + i, n - i, false)
				   : status_line(p + i, n - i);
			if (pr == NC_PROBE_YES) {
				dd->ps = PS_START;
				nc_app_event(x->d, x->c, dir,
					     NC_EV_HTTP_RESYNC);
				return i;
			}
			if (pr == NC_PROBE_NEED && n - i < sizeof(dd->lsb)) {
				memcpy(dd->lsb, p + i, n - i);
				dd->lsn = (uint8_t)(n - i);
				dd->resync += n - i;
				return n;
			}
			dd->line_start = false;
		}
		const uint8_t *nl = memchr(p + i, '\n', n - i);
		size_t k = nl ? (size_t)(nl - (p + i)) + 1 : n - i;
		i += k;
		dd->resync += k;
		dd->line_start = nl != NULL;
		if (dd->resync > HTTP_RESYNC_MAX) {
			nc_app_event(x->d, x->c, dir, NC_EV_HTTP_GAVE_UP);
			dd->ps = PS_DEAD;
			return n;
		}
	}
	return n;
}

/* Header octets: copy up to the end of the block. */
static size_t header_bytes(struct nc_app_ctx *x, struct http_state *st, int dir,
			   const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	size_t i = 0;
	bool end = false;

	for (; i < n; i++) {
		uint8_t b = p[i];
		if (b == '\n') {
			if (dd->hscan) {
				end = true;
				i++;
				break;
			}
			dd->hscan = 1;
		} else if (b == '\r' && dd->hscan == 1) {
			dd->hscan = 2;
		} else {
			dd->hscan = 0;
		}
	}
	if (!nc_app_buf_add(x, &dd->cur->hdr, p, i)) {
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_HEADER_TOO_LONG);
		msg_drop(x, dd);
		resync_start(x, dd, dir, false);
		return i;
	}
	if (end)
		header_done(x, st, dir);
	return i;
}

/* Chunked framing: the chunk-size line, data, CRLF, trailers. */
static size_t chunk_bytes(struct nc_app_ctx *x, struct http_state *st, int dir,
			  const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	size_t i = 0;

	switch (dd->ps) {
	case PS_CHUNK_SIZE:
		for (; i < n; i++) {
			uint8_t b = p[i];
			if (++dd->line_len > HTTP_CHUNK_LINE)
				goto bad;
			if (b == '\n') {
				i++;
				if (!dd->chunk_digits)
					goto bad;
				if (dd->chunk == 0) {
					dd->ps = PS_TRAILER;
					dd->line_len = dd->trailer = 0;
				} else {
					dd->ps = PS_CHUNK_DATA;
					dd->remain = dd->chunk;
				}
				return i;
			}
			if (dd->chunk_ext || b == '\r')
				continue;
			if (b == ';' || b == ' ' || b == '\t') {
				dd->chunk_ext = true;
				continue;
			}
			int v = nc_http_hexval(b);
			if (v < 0 || dd->chunk >> 56)
				goto bad;
			dd->chunk = dd->chunk << 4 | (uint64_t)v;
			dd->chunk_digits = true;
		}
		return n;
	case PS_CHUNK_DATA: {
		size_t k = dd->remain < n ? (size_t)dd->remain : n;
		body_data(x, st, dir, p, k);
		dd->remain -= k;
		if (dd->remain == 0) {
			dd->ps = PS_CHUNK_CRLF;
			dd->line_len = 0;
		}
		return k;
	}
	case PS_CHUNK_CRLF:
		for (; i < n; i++) {
			if (p[i] == '\n') {
				dd->ps = PS_CHUNK_SIZE;
				dd->chunk = 0;
				dd->line_len = 0;
				dd->chunk_ext = dd->chunk_digits = false;
				return i + 1;
			}
			if (p[i] != '\r' || ++dd->line_len > 1)
				goto bad;
		}
		return n;
	case PS_TRAILER:
		for (; i < n; i++) {
			if (++dd->trailer > HTTP_TRAILER_MAX)
				goto bad;
			if (p[i] == '\n') {
				if (dd->line_len == 0) {
					msg_done(x, st, dir, false);
					return i + 1;
				}
				dd->line_len = 0;
			} else if (p[i] != '\r') {
				dd->line_len++;
			}
		}
		return n;
	default:
		return n;
	}
bad:
	nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BAD_CHUNK);
	msg_done(x, st, dir, true);
	resync_start(x, dd, dir, false);
	return i < n ? i + 1 : n;
}

/* Learn who the client is from the first octets of a direction. */
static void roles(struct http_state *st, int dir, const uint8_t *p, size_t n)
{
	if (st->roles)
		return;
	st->roles = true;
	size_t i = 0;
	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == n) {
		st->roles = false;
		return;
	}
	st->client =
	    (uint8_t)(status_line(p + i, n - i) != NC_PROBE_NO ? !dir : dir);
}

/* Parse n octets of direction dir; returns octets used (all, except when
   a resync found a start line inside them). */
static size_t feed(struct nc_app_ctx *x, struct http_state *st, int dir,
		   const uint8_t *p, size_t n)
{
	struct http_dir *dd = &st->dir[dir];
	size_t i = 0;

	/* each round consumes at least one octet or changes state to one
	   that does, so the loop ends within n + a few rounds */
	while (i < n) {
		size_t k = 0;
		switch (dd->ps) {
		case PS_START:
			while (i < n && (p[i] == '\r' || p[i] == '\n'))
				i++;
			if (i == n)
				return n;
			dd->cur = msg_new(x);
			if (!dd->cur) {
				dd->ps = PS_DEAD;
				return n;
			}
			dd->own = true;
			dd->hscan = 0;
			dd->ps = PS_HEADER;
			if (!is_client(st, dir) && st->nq &&
			    st->q[0]->res_first == 0)
				st->q[0]->res_first = x->c->ts;
			continue;
		case PS_HEADER:
			k = header_bytes(x, st, dir, p + i, n - i);
			break;
		case PS_BODY:
			k = dd->remain < n - i ? (size_t)dd->remain : n - i;
			body_data(x, st, dir, p + i, k);
			dd->remain -= k;
			if (dd->remain == 0)
				msg_done(x, st, dir, false);
			break;
		case PS_CHUNK_SIZE:
		case PS_CHUNK_DATA:
		case PS_CHUNK_CRLF:
		case PS_TRAILER:
			k = chunk_bytes(x, st, dir, p + i, n - i);
			break;
		case PS_CLOSE:
			k = n - i;
			body_data(x, st, dir, p + i, k);
			dd->cur->ts_last = x->c->ts;
			break;
		case PS_RESYNC:
			k = resync(x, st, dir, p + i, n - i);
			break;
		default: /* PS_TUNNEL, PS_DEAD */
			return n;
		}
		i += k;
		if (k == 0 && dd->ps == PS_RESYNC)
			break; /* cannot happen: resync uses what it gets */
	}
	return n;
}

/* ---------------------------------------------------------------------- */
/* parser callbacks */

static void http_data(struct nc_app_ctx *x, void *stp, int dir,
		      const uint8_t *p, size_t len)
{
	struct http_state *st = stp;
	roles(st, dir, p, len);
	feed(x, st, dir, p, len);
}

static void http_gap(struct nc_app_ctx *x, void *stp, int dir, uint64_t len)
{
	struct http_state *st = stp;
	struct http_dir *dd = &st->dir[dir];

	switch (dd->ps) {
	case PS_BODY:
	case PS_CHUNK_DATA:
		if (len <= dd->remain) {
			/* still in step: only the content is lost */
			dd->cur->truncated = true;
			dd->cur->body_len += len;
			dd->remain -= len;
			nc_app_event(x->d, x->c, dir,
				     NC_EV_HTTP_BODY_TRUNCATED);
			content_end(x, st, dd, true);
			if (dd->remain == 0) {
				if (dd->ps == PS_BODY)
					msg_done(x, st, dir, false);
				else
					dd->ps = PS_CHUNK_CRLF;
			}
			return;
		}
		msg_done(x, st, dir, true);
		break;
	case PS_CLOSE:
		dd->cur->truncated = true;
		dd->cur->body_len += len;
		nc_app_event(x->d, x->c, dir, NC_EV_HTTP_BODY_TRUNCATED);
		content_end(x, st, dd, true);
		return;
	case PS_HEADER:
		msg_drop(x, dd);
		break;
	case PS_CHUNK_SIZE:
	case PS_CHUNK_CRLF:
	case PS_TRAILER:
		msg_done(x, st, dir, true);
		break;
	case PS_RESYNC:
		dd->lsn = 0;
		dd->line_start = true;
		return;
	case PS_START:
		break;
	default:
		return;
	}
	resync_start(x, dd, dir, true);
}

static void http_end(struct nc_app_ctx *x, void *stp, int dir)
{
	struct http_state *st = stp;
	struct http_dir *dd = &st->dir[dir];

	switch (dd->ps) {
	case PS_CLOSE:
		msg_done(x, st, dir, false);
		break;
	case PS_BODY:
	case PS_CHUNK_SIZE:
	case PS_CHUNK_DATA:
	case PS_CHUNK_CRLF:
	case PS_TRAILER:
		msg_done(x, st, dir, true);
		break;
	case PS_HEADER:
		msg_drop(x, dd);
		break;
	default:
		break;
	}
	if (dd->ps != PS_TUNNEL)
		dd->ps = PS_DEAD;
}

static void http_close(struct nc_app_ctx *x, void *stp)
{
	struct http_state *st = stp;

	for (int k = 0; k < 2; k++)
		http_end(x, st, k);
	while (st->nq) {
		nc_app_event(x->d, x->c, st->client, NC_EV_HTTP_NO_RESPONSE);
		emit_pair(x, st, st->q[0], NULL);
		q_drop_head(x, st);
	}
	for (int k = 0; k < 2; k++) {
		struct http_dir *dd = &st->dir[k];
		content_end(x, st, dd, true);
		msg_drop(x, dd);
	}
}

const struct nc_app_parser nc_app_http = {
    .name = "HTTP",
    .transports = NC_APP_TCP,
    .ports = {80, 8080, 8000, 8008, 3128, 0},
    .recs = {NC_REC_HTTP, NC_REC_FILE, NC_REC_CREDENTIALS, NC_REC_MAX},
    .probe = http_probe,
    .state_size = sizeof(struct http_state),
    .data = http_data,
    .gap = http_gap,
    .end = http_end,
    .close = http_close,
};
