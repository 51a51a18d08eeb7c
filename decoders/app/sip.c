/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sip.c: SIP (RFC 3261) over UDP and TCP port 5060, one record per message.
 *
 *   start-line   Method SP Request-URI SP SIP-Version CRLF     (request)
 *                SIP-Version SP Status-Code SP Reason-Phrase CRLF
 *   headers      Name ":" value CRLF, continued by lines that begin with
 *                SP or HT (7.3.1); compact forms (7.3.3, e.g. "f" From)
 *   CRLF
 *   body         Content-Length octets
 *
 * UDP: one message per datagram (18.3); a body longer than Content-Length
 * is cut to it, a shorter one is an anomaly. TCP: messages are framed by
 * the empty line and Content-Length, buffered per direction under the
 * application memory budget (at most max_message octets); CRLF keep-alives
 * between messages (RFC 5626 3.5.1) are skipped. A gap or a message over
 * the bound ends parsing of that direction.
 *
 * Bounds: at most SIP_MAX_HDRS headers and SIP_MAX_VIA Via values are
 * kept, each text at most SIP_TEXT_MAX octets; the rest is read (for
 * Content-Length) but not kept. Lines are found with memchr: time is linear
 * in the message, whatever its headers.
 */
#include <stdio.h>
#include <strings.h>

#include "applayer.h"
#include "cursor.h"
#include "observe.h"

#define SIP_MAX_HDRS   64
#define SIP_MAX_VIA    8
#define SIP_TEXT_MAX   512   /* bytes of one kept field, NUL included */
#define SIP_ARENA      16384 /* all kept Headers texts */
#define SIP_PROBE_LINE 2048  /* a request line longer than this: not SIP */
#define SIP_MAX_CLEN   0x7fffffffu

/* the named headers a record keeps */
enum sip_field {
	F_FROM,
	F_TO,
	F_CALLID,
	F_CSEQ,
	F_UA,
	F_CONTACT,
	F_CTYPE,
	F_SUBJECT,
	F_SERVER,
	F_CLEN,
	F_VIA,
	F_N,
	F_NONE = F_N,
};

static const struct {
	const char *name;
	char compact; /* 7.3.3, 0 if none */
	enum sip_field f;
} sip_names[] = {
    {"From", 'f', F_FROM},
    {"To", 't', F_TO},
    {"Call-ID", 'i', F_CALLID},
    {"CSeq", 0, F_CSEQ},
    {"User-Agent", 0, F_UA},
    {"Contact", 'm', F_CONTACT},
    {"Content-Type", 'c', F_CTYPE},
    {"Subject", 's', F_SUBJECT},
    {"Server", 0, F_SERVER},
    {"Content-Length", 'l', F_CLEN},
    {"Via", 'v', F_VIA},
};

static enum sip_field sip_field_of(const uint8_t *n, size_t len)
{
	for (size_t i = 0; i < sizeof(sip_names) / sizeof(sip_names[0]); i++) {
		if (len == 1 && sip_names[i].compact &&
		    (n[0] | 0x20) == sip_names[i].compact)
			return sip_names[i].f;
		if (strlen(sip_names[i].name) == len &&
		    strncasecmp((const char *)n, sip_names[i].name, len) == 0)
			return sip_names[i].f;
	}
	return F_NONE;
}

/* RFC 3261 25.1 token characters */
static bool sip_tokc(uint8_t ch)
{
	if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch && strchr("-.!%*_+`'~", ch) != NULL;
}

static bool sip_prefix(const uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);
	return len >= n && strncasecmp((const char *)p, s, n) == 0;
}

/*
 * A request line "METHOD sip:... SIP/2.0" (sips: and tel: URIs too) or a
 * status line "SIP/2.0 NNN". NEED while the line may still become one.
 */
static enum nc_probe sip_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	static const char ver[] = "SIP/2.0 ";
	size_t i;

	for (i = 0; i < len && i < 8 && p[i] == (uint8_t)ver[i]; i++)
		;
	if (i == len && len < 8)
		return NC_PROBE_NEED; /* a prefix of "SIP/2.0 " */
	if (i == 8) {
		for (i = 8; i < 11; i++) {
			if (i >= len)
				return NC_PROBE_NEED;
			if (p[i] < '0' || p[i] > '9')
				return NC_PROBE_NO;
		}
		return NC_PROBE_YES;
	}
	/* method: uppercase token */
	for (i = 0; i < len && i < 32 && sip_tokc(p[i]); i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			return NC_PROBE_NO;
	if (i == len)
		return NC_PROBE_NEED;
	if (i == 0 || p[i] != ' ')
		return NC_PROBE_NO;
	i++;
	static const char *const schemes[] = {"sip:", "sips:", "tel:"};
	bool scheme = false, partial = false;
	for (int s = 0; s < 3; s++) {
		size_t n = strlen(schemes[s]);
		size_t k = len - i < n ? len - i : n;
		if (strncasecmp((const char *)p + i, schemes[s], k) == 0) {
			if (k == n)
				scheme = true;
			else
				partial = true;
		}
	}
	if (!scheme)
		return partial ? NC_PROBE_NEED : NC_PROBE_NO;
	size_t lim = len < SIP_PROBE_LINE ? len : SIP_PROBE_LINE;
	const uint8_t *nl = memchr(p + i, '\n', lim - i);
	if (!nl)
		return len < SIP_PROBE_LINE ? NC_PROBE_NEED : NC_PROBE_NO;
	size_t e = (size_t)(nl - p);
	if (e > 0 && p[e - 1] == '\r')
		e--;
	return e >= i + 8 && memcmp(p + e - 8, " SIP/2.0", 8) == 0
		   ? NC_PROBE_YES
		   : NC_PROBE_NO;
}

/* ---------------------------------------------------------------------- */
/* one message */

/* The next line of [*pos, len): its start and length without CR LF. */
static bool sip_line(const uint8_t *p, size_t len, size_t *pos,
		     const uint8_t **ls, size_t *ll)
{
	if (*pos >= len)
		return false;
	const uint8_t *s = p + *pos;
	const uint8_t *nl = memchr(s, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - s) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && s[n - 1] == '\r')
		n--;
	*ls = s;
	*ll = n;
	return true;
}

static void sip_trim(const uint8_t **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/*
 * Offset just past the empty line ending the header section of p, or 0
 * when there is none in [from, len). from lets a caller resume a search.
 */
static size_t sip_header_end(const uint8_t *p, size_t len, size_t from)
{
	for (size_t i = from; i < len;) {
		const uint8_t *nl = memchr(p + i, '\n', len - i);
		if (!nl)
			return 0;
		size_t j = (size_t)(nl - p) + 1;
		if (j < len && p[j] == '\n')
			return j + 1;
		if (j + 1 < len && p[j] == '\r' && p[j + 1] == '\n')
			return j + 2;
		i = j;
	}
	return 0;
}

/* Content-Length value; false when it is not a number. */
static bool sip_clen(const uint8_t *v, size_t n, uint32_t *out)
{
	uint64_t x = 0;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (v[i] - '0');
		if (x > SIP_MAX_CLEN)
			return false;
	}
	*out = (uint32_t)x;
	return true;
}

/* Content-Length of a header section (hdr octets), or 0 and *bad. */
static uint32_t sip_find_clen(const uint8_t *p, size_t hdr, bool *bad)
{
	size_t pos = 0;
	const uint8_t *ls;
	size_t ll;
	uint32_t cl = 0;

	*bad = false;
	sip_line(p, hdr, &pos, &ls, &ll); /* start line */
	while (sip_line(p, hdr, &pos, &ls, &ll) && ll) {
		const uint8_t *colon = memchr(ls, ':', ll);
		if (!colon)
			continue;
		size_t nl = (size_t)(colon - ls);
		const uint8_t *nm = ls;
		sip_trim(&nm, &nl);
		if (sip_field_of(nm, nl) != F_CLEN)
			continue;
		const uint8_t *v = colon + 1;
		size_t vl = ll - (size_t)(v - ls);
		sip_trim(&v, &vl);
		if (!sip_clen(v, vl, &cl)) {
			*bad = true;
			cl = 0;
		}
		return cl;
	}
	return 0;
}

/* Texts of one record under construction. */
struct sip_rec {
	char arena[SIP_ARENA];
	size_t used;
	char *hdr[SIP_MAX_HDRS];
	size_t nhdr;
	bool too_many;
	char field[F_N][SIP_TEXT_MAX];
	char via[SIP_MAX_VIA][SIP_TEXT_MAX];
	char *pvia[SIP_MAX_VIA];
	size_t nvia;
	char method[64], uri[SIP_TEXT_MAX], version[64], reason[SIP_TEXT_MAX];
	/* where a continuation line goes (7.3.1): the last header's texts */
	char *cont_hdr, *cont_field;
	size_t cont_hdr_cap;
};

/* Append " " and the text of v to a kept text s (capacity cap). */
static void sip_append(char *s, size_t cap, const uint8_t *v, size_t n)
{
	size_t o = strlen(s);
	if (o + 2 >= cap)
		return;
	s[o++] = ' ';
	nc_app_text(s + o, cap - o, v, n);
}

static void sip_header(struct sip_rec *r, const uint8_t *nm, size_t nl,
		       const uint8_t *v, size_t vl)
{
	r->cont_hdr = r->cont_field = NULL;
	if (r->nhdr < SIP_MAX_HDRS && r->used + 4 < SIP_ARENA) {
		char *h = r->arena + r->used;
		size_t cap = SIP_ARENA - r->used;
		if (cap > SIP_TEXT_MAX)
			cap = SIP_TEXT_MAX;
		size_t o = nc_app_text(h, cap, nm, nl);
		if (o + 3 < cap) {
			h[o++] = ':';
			h[o++] = ' ';
			o += nc_app_text(h + o, cap - o, v, vl);
		}
		r->hdr[r->nhdr++] = h;
		r->used += o + 1;
		r->cont_hdr = h;
		r->cont_hdr_cap = cap;
	} else if (r->nhdr >= SIP_MAX_HDRS) {
		r->too_many = true;
	}
	enum sip_field f = sip_field_of(nm, nl);
	if (f == F_VIA) {
		if (r->nvia < SIP_MAX_VIA) {
			char *s = r->via[r->nvia];
			nc_app_text(s, SIP_TEXT_MAX, v, vl);
			r->pvia[r->nvia++] = s;
			r->cont_field = s;
		}
	} else if (f != F_NONE && !r->field[f][0]) {
		nc_app_text(r->field[f], SIP_TEXT_MAX, v, vl);
		r->cont_field = r->field[f];
	}
}

/*
 * Parse and write the message p[0, len): hdr octets of start line and
 * headers (0: no empty line, the headers run to len), then the body.
 * False when the start line is not SIP (nothing written).
 */
static bool sip_message(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			const uint8_t *p, size_t len, size_t hdr)
{
	const uint8_t *ls;
	size_t ll, pos = 0;

	if (hdr == 0)
		hdr = len;
	if (!sip_line(p, hdr, &pos, &ls, &ll)) {
		nc_app_event(d, c, dir, NC_EV_SIP_BAD_START_LINE);
		return false;
	}

	/* start line: three parts split at the first two spaces */
	const uint8_t *sp1 = memchr(ls, ' ', ll);
	const uint8_t *sp2 =
	    sp1 ? memchr(sp1 + 1, ' ', ll - (size_t)(sp1 + 1 - ls)) : NULL;
	bool resp = sip_prefix(ls, ll, "SIP/");
	const uint8_t *a = ls, *b = sp1 ? sp1 + 1 : NULL,
		      *e = sp2 ? sp2 + 1 : NULL;
	size_t al = sp1 ? (size_t)(sp1 - ls) : 0;
	size_t bl = sp2 ? (size_t)(sp2 - b) : sp1 ? ll - (size_t)(b - ls) : 0;
	size_t el = sp2 ? ll - (size_t)(e - ls) : 0;
	int code = 0;
	bool ok = sp1 != NULL && al > 0;
	if (ok && resp) {
		/* the reason phrase may be empty, the second space absent */
		ok = bl == 3;
		for (size_t i = 0; ok && i < 3; i++)
			ok = b[i] >= '0' && b[i] <= '9';
		if (ok)
			code = (b[0] - '0') * 100 + (b[1] - '0') * 10 +
			       (b[2] - '0');
	} else if (ok) {
		ok = sp2 != NULL && bl > 0 && sip_prefix(e, el, "SIP/");
		for (size_t i = 0; ok && i < al; i++)
			ok = sip_tokc(a[i]);
	}
	if (!ok) {
		nc_app_event(d, c, dir, NC_EV_SIP_BAD_START_LINE);
		return false;
	}
	bool want = nc_want(d, NC_REC_SIP);
	if (!want && !d->obs)
		return true;

	/* about 40 KiB on the stack: no allocation per message */
	struct sip_rec s;
	s.used = 0;
	s.nhdr = 0;
	s.nvia = 0;
	s.too_many = false;
	s.cont_hdr = s.cont_field = NULL;
	for (int f = 0; f < F_N; f++)
		s.field[f][0] = '\0';
	if (resp) {
		nc_app_text(s.version, sizeof(s.version), a, al);
		nc_app_text(s.reason, sizeof(s.reason), e, el);
		s.method[0] = s.uri[0] = '\0';
	} else {
		nc_app_text(s.method, sizeof(s.method), a, al);
		nc_app_text(s.uri, sizeof(s.uri), b, bl);
		nc_app_text(s.version, sizeof(s.version), e, el);
		s.reason[0] = '\0';
	}

	bool bad_hdr = false;
	while (sip_line(p, hdr, &pos, &ls, &ll) && ll) {
		if (ls[0] == ' ' || ls[0] == '\t') {
			sip_trim(&ls, &ll);
			if (s.cont_hdr) {
				/* the last text in the arena: it grows in
				   place, within its cap */
				sip_append(s.cont_hdr, s.cont_hdr_cap, ls, ll);
				s.used = (size_t)(s.cont_hdr - s.arena) +
					 strlen(s.cont_hdr) + 1;
			}
			if (s.cont_field)
				sip_append(s.cont_field, SIP_TEXT_MAX, ls, ll);
			continue;
		}
		const uint8_t *colon = memchr(ls, ':', ll);
		if (!colon) {
			bad_hdr = true;
			s.cont_hdr = s.cont_field = NULL;
			continue;
		}
		const uint8_t *nm = ls;
		size_t nl = (size_t)(colon - ls);
		sip_trim(&nm, &nl);
		const uint8_t *v = colon + 1;
		size_t vl = ll - (size_t)(v - ls);
		sip_trim(&v, &vl);
		if (nl == 0) {
			bad_hdr = true;
			s.cont_hdr = s.cont_field = NULL;
			continue;
		}
		sip_header(&s, nm, nl, v, vl);
	}
	if (s.used >= SIP_ARENA) /* cannot happen: kept for the reader */
		s.used = SIP_ARENA - 1;

	/* the body: Content-Length octets after the header section */
	size_t body = len - hdr;
	uint32_t cl = (uint32_t)body;
	if (s.field[F_CLEN][0]) {
		const uint8_t *v = (const uint8_t *)s.field[F_CLEN];
		if (!sip_clen(v, strlen(s.field[F_CLEN]), &cl)) {
			bad_hdr = true;
			cl = (uint32_t)body;
		}
	}
	if (cl > body) {
		nc_app_event(d, c, dir, NC_EV_SIP_BODY_TRUNC);
		cl = (uint32_t)body;
	}
	if (bad_hdr)
		nc_app_event(d, c, dir, NC_EV_SIP_BAD_HEADER);
	if (s.too_many)
		nc_app_event(d, c, dir, NC_EV_SIP_TOO_MANY_HEADERS);

	if (s.field[F_UA][0])
		nc_obs_software(d, c, dir, "User-Agent", s.field[F_UA], "SIP");
	if (s.field[F_SERVER][0])
		nc_obs_software(d, c, dir, "Server", s.field[F_SERVER], "SIP");
	if (!want)
		return true;

	Netcap__SIP r = NETCAP__SIP__INIT;
	r.timestamp = c->ts;
	r.version = s.version;
	r.method = s.method;
	r.n_headers = s.nhdr;
	r.headers = s.hdr;
	r.isresponse = resp;
	r.responsecode = code;
	r.responsestatus = s.reason;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	r.requesturi = s.uri;
	r.from = s.field[F_FROM];
	r.to = s.field[F_TO];
	r.callid = s.field[F_CALLID];
	r.cseq = s.field[F_CSEQ];
	r.useragent = s.field[F_UA];
	r.contact = s.field[F_CONTACT];
	r.contenttype = s.field[F_CTYPE];
	r.contentlength = (int32_t)cl;
	r.n_via = s.nvia;
	r.via = s.pvia;
	r.subject = s.field[F_SUBJECT];
	r.server = s.field[F_SERVER];
	nc_emit(d, NC_REC_SIP, &r.base);
	return true;
}

static void sip_datagram(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len)
{
	/* keep-alives: CRLF only (RFC 5626 4.4.1) */
	size_t i = 0;
	while (i < len && (p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == len)
		return;
	sip_message(d, c, dir, p + i, len - i,
		    sip_header_end(p + i, len - i, 0));
}

/* ---------------------------------------------------------------------- */
/* TCP */

struct sip_dir {
	struct nc_app_buf b;
	uint32_t scan; /* the empty line is not before this offset */
	uint32_t need; /* octets of the message at the start, 0: unknown */
	uint32_t hdr;  /* its header section, when need is known */
	bool dead;     /* gave up on this direction */
};

struct sip_tcp {
	struct sip_dir dir[2];
};

static void sip_give_up(struct nc_app_ctx *x, struct sip_dir *s)
{
	nc_app_buf_free(x, &s->b);
	s->dead = true;
}

/* Write the complete messages at the start of s's buffer. */
static void sip_frame(struct nc_app_ctx *x, struct sip_dir *s, int dir)
{
	/* each round consumes at least one octet or returns */
	while (s->b.len > 0) {
		const uint8_t *p = s->b.p;
		size_t len = s->b.len;
		if (s->need == 0) {
			size_t i = 0;
			while (i < len && (p[i] == '\r' || p[i] == '\n'))
				i++;
			if (i > 0) {
				nc_app_buf_consume(&s->b, i);
				s->scan = 0;
				continue;
			}
			size_t h = sip_header_end(p, len, s->scan);
			if (h == 0) {
				s->scan = len > 3 ? (uint32_t)(len - 3) : 0;
				return;
			}
			bool bad = false;
			uint32_t cl = sip_find_clen(p, h, &bad);
			(void)bad; /* sip_message counts it */
			/* a huge length makes the buffer hit max_message:
			   nc_app_buf_add fails and the direction ends */
			s->hdr = (uint32_t)h;
			s->need = (uint32_t)((uint64_t)h + cl > UINT32_MAX
						 ? UINT32_MAX
						 : h + cl);
		}
		if (len < s->need)
			return;
		bool ok = sip_message(x->d, x->c, dir, p, s->need, s->hdr);
		nc_app_buf_consume(&s->b, s->need);
		s->need = s->hdr = s->scan = 0;
		if (!ok) {
			sip_give_up(x, s);
			return;
		}
	}
}

static void sip_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct sip_dir *s = &((struct sip_tcp *)st)->dir[dir];

	if (s->dead)
		return;
	if (s->b.len == 0 && s->need == 0 &&
	    sip_probe(p, len, dir) == NC_PROBE_NO) {
		/* not a message start (after CRLFs skipped below) */
		size_t i = 0;
		while (i < len && (p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i < len && sip_probe(p + i, len - i, dir) == NC_PROBE_NO) {
			nc_app_event(x->d, x->c, dir, NC_EV_SIP_BAD_START_LINE);
			s->dead = true;
			return;
		}
	}
	if (!nc_app_buf_add(x, &s->b, p, len)) {
		sip_give_up(x, s);
		return;
	}
	sip_frame(x, s, dir);
}

static void sip_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct sip_dir *s = &((struct sip_tcp *)st)->dir[dir];
	(void)len;
	if (s->dead)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_SIP_GAP);
	sip_give_up(x, s);
}

static void sip_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct sip_dir *s = &((struct sip_tcp *)st)->dir[dir];

	/* a message whose header section arrived: write what came */
	if (!s->dead && s->need && s->b.len)
		sip_message(x->d, x->c, dir, s->b.p, s->b.len, s->hdr);
	sip_give_up(x, s);
}

static void sip_close(struct nc_app_ctx *x, void *st)
{
	struct sip_tcp *t = st;
	for (int k = 0; k < 2; k++)
		nc_app_buf_free(x, &t->dir[k].b);
}

const struct nc_app_parser nc_app_sip = {
    .name = "SIP",
    .transports = NC_APP_UDP | NC_APP_TCP,
    .ports = {5060, 0},
    .recs = {NC_REC_SIP, NC_REC_MAX},
    .probe = sip_probe,
    .datagram = sip_datagram,
    .state_size = sizeof(struct sip_tcp),
    .data = sip_data,
    .gap = sip_gap,
    .end = sip_end,
    .close = sip_close,
};
