/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mail.c: Internet messages (RFC 5322) and MIME (RFC 2045, 2046) carried
 * by SMTP DATA/BDAT, POP3 RETR/TOP and IMAP FETCH literals, and the line
 * and list helpers the line-based parsers share (mail.h).
 *
 *   message  = header-fields CRLF body
 *   field    = name ":" value CRLF *(WSP continuation CRLF)   (folded)
 *   multipart body (RFC 2046 5.1.1):
 *     preamble CRLF "--" boundary [WSP] CRLF part
 *     *(CRLF "--" boundary CRLF part) CRLF "--" boundary "--" epilogue
 *
 * Bounds: a message is at most the table's max_message octets (the rest is
 * counted, Truncated set); header values are cut to their buffers; MIME
 * nests at most NC_MIME_DEPTH deep (mail.mime_depth) with at most
 * NC_MIME_PARTS leaves (mail.mime_too_many_parts); a boundary is at most
 * 200 octets (RFC 2046 allows 70); every scan is linear in the message per
 * nesting level. Memory: one work area per message (nc_app_alloc), freed
 * before returning.
 */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "files.h"
#include "mail.h"
#include "netcap.pb-c.h"

/* ---------------------------------------------------------------------- */
/* lines */

bool nc_line_next(struct nc_app_ctx *x, struct nc_lines *l, int from,
		  const uint8_t **p, size_t *len, const uint8_t **line,
		  size_t *llen)
{
	if (l->taken) {
		l->b.len = 0;
		l->taken = false;
	}
	while (*len) {
		const uint8_t *lf = memchr(*p, '\n', *len);
		if (l->skip) {
			if (!lf) {
				*p += *len;
				*len = 0;
				return false;
			}
			*len -= (size_t)(lf + 1 - *p);
			*p = lf + 1;
			l->skip = false;
			continue;
		}
		size_t n = lf ? (size_t)(lf - *p) + 1 : *len;
		if (l->b.len + n > NC_LINE_MAX) {
			nc_app_event(x->d, x->c, from,
				     NC_EV_MAIL_LINE_TOO_LONG);
			l->b.len = 0;
			l->skip = true;
			continue;
		}
		const uint8_t *s;
		size_t sl;
		if (l->b.len == 0 && lf) {
			s = *p; /* the whole line is in this chunk: no copy */
			sl = n;
		} else {
			if (!nc_app_buf_add(x, &l->b, *p, n)) {
				l->b.len = 0;
				l->skip = !lf;
				*p += n;
				*len -= n;
				continue;
			}
			s = l->b.p;
			sl = l->b.len;
			l->taken = lf != NULL;
		}
		*p += n;
		*len -= n;
		if (!lf)
			return false;
		sl--; /* LF */
		if (sl && s[sl - 1] == '\r')
			sl--;
		*line = s;
		*llen = sl;
		return true;
	}
	return false;
}

void nc_line_gap(struct nc_app_ctx *x, struct nc_lines *l)
{
	(void)x;
	l->b.len = 0;
	l->taken = false;
	l->skip = true;
	l->gapped = true;
}

void nc_line_free(struct nc_app_ctx *x, struct nc_lines *l)
{
	nc_app_buf_free(x, &l->b);
	l->skip = l->taken = false;
}

void nc_line_free_all(struct nc_app_ctx *x, struct nc_lines ln[2],
		      struct nc_msg *m)
{
	nc_line_free(x, &ln[0]);
	nc_line_free(x, &ln[1]);
	if (m)
		nc_msg_free(x, m);
}

void nc_cred_flush(struct nc_app_ctx *x, bool *pending, const char *service,
		   const char *user, const char *pass, const char *notes)
{
	if (!*pending)
		return;
	*pending = false;
	nc_app_credentials(x->d, x->c, 0, service, user, pass, notes);
}

/* ---------------------------------------------------------------------- */
/* lists */

void nc_list_add(struct nc_app_ctx *x, struct nc_strlist *s, unsigned max,
		 const uint8_t *p, size_t len, size_t cap)
{
	char t[1025];

	s->n_all++;
	if (!s->off) {
		s->off = nc_app_alloc(x, (size_t)max * sizeof(*s->off));
		if (!s->off)
			return;
		s->max = max;
	}
	if (s->n >= s->max)
		return;
	if (cap > sizeof(t) - 1)
		cap = sizeof(t) - 1;
	size_t k = nc_app_text(t, cap + 1, p, len);
	if (s->a.len + k + 1 > NC_LIST_BYTES) {
		if (s->n_all == s->n + 1)
			nc_app_event(x->d, x->c, 0, NC_EV_MAIL_LIST_FULL);
		return;
	}
	uint32_t at = s->a.len;
	if (!nc_app_buf_add(x, &s->a, (const uint8_t *)t, k + 1))
		return;
	s->off[s->n++] = at;
}

void nc_list_addf(struct nc_app_ctx *x, struct nc_strlist *s, unsigned max,
		  const char *str)
{
	nc_list_add(x, s, max, (const uint8_t *)str, strlen(str), 1024);
}

bool nc_list_has(const struct nc_strlist *s, const char *str)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (strcmp((const char *)s->a.p + s->off[i], str) == 0)
			return true;
	return false;
}

size_t nc_list_ptrs(const struct nc_strlist *s, char **v)
{
	for (uint32_t i = 0; i < s->n; i++)
		v[i] = (char *)s->a.p + s->off[i];
	return s->n;
}

void nc_list_free(struct nc_app_ctx *x, struct nc_strlist *s)
{
	nc_app_buf_free(x, &s->a);
	if (s->off)
		nc_app_free(x, s->off, (size_t)s->max * sizeof(*s->off));
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------------- */
/* text helpers */

bool nc_ci_prefix(const uint8_t *p, size_t len, const char *w)
{
	size_t n = strlen(w);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower(p[i]) != tolower((unsigned char)w[i]))
			return false;
	return true;
}

size_t nc_split_verb(const uint8_t *p, size_t len, const uint8_t **rest,
		     size_t *rlen)
{
	size_t v = 0;
	while (v < len && p[v] != ' ' && p[v] != '\t')
		v++;
	size_t r = v;
	while (r < len && (p[r] == ' ' || p[r] == '\t'))
		r++;
	*rest = p + r;
	*rlen = len - r;
	return v;
}

bool nc_reply_line(const uint8_t *p, size_t len, int *code, bool *more,
		   const uint8_t **text, size_t *tlen)
{
	if (len < 3 || !isdigit(p[0]) || !isdigit(p[1]) || !isdigit(p[2]))
		return false;
	if (len > 3 && p[3] != ' ' && p[3] != '-')
		return false;
	*code = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	*more = len > 3 && p[3] == '-';
	*text = p + (len > 3 ? 4 : 3);
	*tlen = len > 3 ? len - 4 : 0;
	return true;
}

/* Does the first line of p/len hold word w (case-insensitive)? */
static bool line_has(const uint8_t *p, size_t len, const char *w)
{
	size_t n = strlen(w);
	for (size_t i = 0; i + n <= len && p[i] != '\n'; i++)
		if (nc_ci_prefix(p + i, len - i, w))
			return true;
	return false;
}

enum nc_probe nc_probe_reply(const uint8_t *p, size_t len, const char *yes[],
			     const char *no[])
{
	for (size_t i = 0; i < 3; i++) {
		if (i >= len)
			return NC_PROBE_NEED;
		if (!isdigit(p[i]))
			return NC_PROBE_NO;
	}
	if (len == 3)
		return NC_PROBE_NEED;
	if (p[3] != ' ' && p[3] != '-' && p[3] != '\r' && p[3] != '\n')
		return NC_PROBE_NO;
	for (size_t i = 0; no && no[i]; i++)
		if (line_has(p, len, no[i]))
			return NC_PROBE_NO;
	for (size_t i = 0; yes && yes[i]; i++)
		if (line_has(p, len, yes[i]))
			return NC_PROBE_YES;
	/* text, not binary: the port may still decide */
	for (size_t i = 4; i < len && i < 128 && p[i] != '\n'; i++)
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\r')
			return NC_PROBE_NO;
	return NC_PROBE_NEED;
}

/* Is p/len (case-insensitive) the start of word w? */
static bool prefix_of(const uint8_t *p, size_t len, const char *w)
{
	for (size_t i = 0; i < len; i++)
		if (!w[i] || tolower(p[i]) != tolower((unsigned char)w[i]))
			return false;
	return true;
}

enum nc_probe nc_probe_cmd(const uint8_t *p, size_t len, const char *yes[])
{
	for (size_t i = 0; yes && yes[i]; i++) {
		size_t n = strlen(yes[i]);
		if (nc_ci_prefix(p, len, yes[i]))
			return NC_PROBE_YES;
		/* a prefix of the word: more bytes tell */
		if (len < n && prefix_of(p, len, yes[i]))
			return NC_PROBE_NEED;
	}
	size_t v = 0;
	while (v < len && v < 16 && isalpha(p[v]))
		v++;
	if (v == 0)
		return NC_PROBE_NO;
	if (v == len)
		return NC_PROBE_NEED;
	return (p[v] == ' ' || p[v] == '\r' || p[v] == '\n') ? NC_PROBE_NEED
							     : NC_PROBE_NO;
}

static int b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

size_t nc_b64_decode(const uint8_t *p, size_t len, uint8_t *out, size_t cap,
		     bool *bad)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	*bad = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = p[i];
		if (c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		int v = b64_val(c);
		if (v < 0) {
			*bad = true;
			continue;
		}
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < cap)
				out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

bool nc_sasl_plain(const uint8_t *tok, size_t len, char *user, size_t ucap,
		   char *pass, size_t pcap)
{
	uint8_t buf[768];
	bool bad;
	size_t n = nc_b64_decode(tok, len, buf, sizeof(buf), &bad);
	if (n == 0 || bad)
		return false;
	const uint8_t *z1 = memchr(buf, 0, n);
	if (!z1)
		return false;
	const uint8_t *u = z1 + 1;
	const uint8_t *z2 = memchr(u, 0, (size_t)(buf + n - u));
	if (!z2)
		return false;
	nc_app_text(user, ucap, u, (size_t)(z2 - u));
	nc_app_text(pass, pcap, z2 + 1, (size_t)(buf + n - (z2 + 1)));
	return true;
}

void nc_mail_path(const uint8_t *p, size_t len, char *out, size_t cap)
{
	const uint8_t *c = memchr(p, ':', len);
	if (c) {
		len -= (size_t)(c + 1 - p);
		p = c + 1;
	}
	while (len && (*p == ' ' || *p == '\t'))
		p++, len--;
	const uint8_t *lt = memchr(p, '<', len);
	if (lt) {
		const uint8_t *gt = memchr(lt, '>', (size_t)(p + len - lt));
		size_t n =
		    gt ? (size_t)(gt - lt - 1) : (size_t)(p + len - lt - 1);
		nc_app_text(out, cap, lt + 1, n);
		return;
	}
	size_t n = 0;
	while (n < len && p[n] != ' ')
		n++;
	nc_app_text(out, cap, p, n);
}

/* ---------------------------------------------------------------------- */
/* messages */

void nc_msg_begin(struct nc_msg *m)
{
	m->b.len = 0;
	m->size = 0;
	m->lines = 0;
	m->active = true;
	m->truncated = false;
}

void nc_msg_add(struct nc_app_ctx *x, struct nc_msg *m, const uint8_t *p,
		size_t len)
{
	m->size += len;
	if (m->truncated || len == 0)
		return;
	if (!nc_app_buf_add(x, &m->b, p, len))
		m->truncated = true;
}

void nc_msg_line(struct nc_app_ctx *x, struct nc_msg *m, const uint8_t *p,
		 size_t len)
{
	/* lines are joined with CR LF: the CR LF before the terminating "."
	   belongs to the terminator (RFC 5321 4.1.1.4), as Wireshark
	   exports the message */
	if (m->lines++)
		nc_msg_add(x, m, (const uint8_t *)"\r\n", 2);
	if (len && p[0] == '.')
		p++, len--; /* dot-stuffing (RFC 5321 4.5.2) */
	nc_msg_add(x, m, p, len);
}

void nc_msg_free(struct nc_app_ctx *x, struct nc_msg *m)
{
	nc_app_buf_free(x, &m->b);
	m->active = false;
}

/* ---------------------------------------------------------------------- */
/* RFC 5322 header fields */

/* Next line of [*pos, len): CR LF or LF stripped; false at the end. */
static bool buf_line(const uint8_t *p, size_t len, size_t *pos,
		     const uint8_t **l, size_t *ll)
{
	if (*pos >= len)
		return false;
	const uint8_t *s = p + *pos;
	const uint8_t *lf = memchr(s, '\n', len - *pos);
	size_t n = lf ? (size_t)(lf - s) : len - *pos;
	*pos += n + (lf ? 1 : 0);
	if (n && s[n - 1] == '\r')
		n--;
	*l = s;
	*ll = n;
	return true;
}

/* A header value being unfolded into a bounded buffer. */
#define FIELD_MAX 2048

typedef void (*field_fn)(void *arg, const uint8_t *name, size_t nlen,
			 const uint8_t *val, size_t vlen);

/*
 * Call fn for each field of the header at p/len (unfolded: CR LF before
 * WSP removed, RFC 5322 2.2.3); returns the offset of the body (after the
 * empty line), or len when there is none. At most 1024 fields.
 */
static size_t header_fields(const uint8_t *p, size_t len, field_fn fn,
			    void *arg)
{
	uint8_t cur[FIELD_MAX];
	size_t cn = 0, pos = 0;
	unsigned nfields = 0;
	const uint8_t *l;
	size_t ll;
	bool have = false;

	for (;;) {
		size_t at = pos;
		bool got = buf_line(p, len, &pos, &l, &ll);
		bool cont = got && ll && (l[0] == ' ' || l[0] == '\t');
		if (cont && have) {
			size_t k = ll < FIELD_MAX - cn ? ll : FIELD_MAX - cn;
			memcpy(cur + cn, l, k);
			cn += k;
			continue;
		}
		if (have) {
			const uint8_t *colon = memchr(cur, ':', cn);
			if (colon && nfields++ < 1024) {
				size_t nl = (size_t)(colon - cur);
				while (nl && (cur[nl - 1] == ' ' ||
					      cur[nl - 1] == '\t'))
					nl--;
				const uint8_t *v = colon + 1;
				size_t vl = (size_t)(cur + cn - v);
				while (vl && (*v == ' ' || *v == '\t'))
					v++, vl--;
				while (vl &&
				       (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
					vl--;
				fn(arg, cur, nl, v, vl);
			}
			have = false;
		}
		if (!got)
			return len;
		if (ll == 0)
			return pos; /* the empty line: the body follows */
		if (cont)
			continue; /* continuation without a field: ignore */
		/* a line without a colon before the body (mbox "From ")
		   still starts a field; it is dropped at its end */
		(void)at;
		cn = ll < FIELD_MAX ? ll : FIELD_MAX;
		memcpy(cur, l, cn);
		have = true;
	}
}

static bool name_is(const uint8_t *n, size_t nl, const char *w)
{
	return strlen(w) == nl && nc_ci_prefix(n, nl, w);
}

/* ---------------------------------------------------------------------- */
/* MIME */

struct ent {
	char ctype[1024]; /* Content-Type value as sent (unfolded, text) */
	char cte[64];
	char disp[512];
	char cid[512];
	bool has_ctype;
};

static void ent_field(void *arg, const uint8_t *n, size_t nl, const uint8_t *v,
		      size_t vl)
{
	struct ent *e = arg;
	if (name_is(n, nl, "content-type") && !e->has_ctype) {
		nc_app_text(e->ctype, sizeof(e->ctype), v, vl);
		e->has_ctype = true;
	} else if (name_is(n, nl, "content-transfer-encoding")) {
		nc_app_text(e->cte, sizeof(e->cte), v, vl);
	} else if (name_is(n, nl, "content-disposition")) {
		nc_app_text(e->disp, sizeof(e->disp), v, vl);
	} else if (name_is(n, nl, "content-id")) {
		nc_app_text(e->cid, sizeof(e->cid), v, vl);
	}
}

/* "type/subtype" of a Content-Type value, lower case, into out. */
static void mime_type(const char *v, char *out, size_t cap)
{
	size_t o = 0;
	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v && *v != ';' && *v != ' ' && *v != '\t' && o + 1 < cap; v++)
		out[o++] = (char)tolower((unsigned char)*v);
	out[o] = '\0';
}

/*
 * Parameter attr of a header value ("type; a=b; c="d e""), into out;
 * RFC 2231 "attr*=charset'lang'value" has its %XX decoded. False if
 * absent.
 */
static bool mime_param(const char *v, const char *attr, char *out, size_t cap)
{
	size_t al = strlen(attr);
	const char *s = strchr(v, ';');

	while (s) {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		bool ext = false;
		if (strncasecmp(s, attr, al) == 0 &&
		    (s[al] == '=' || (s[al] == '*' && s[al + 1] == '=') ||
		     (s[al] == ' ' || s[al] == '\t'))) {
			const char *q = s + al;
			if (*q == '*')
				ext = true, q++;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q != '=')
				goto next;
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			size_t o = 0;
			if (*q == '"') {
				q++;
				while (*q && *q != '"' && o + 1 < cap) {
					if (*q == '\\' && q[1])
						q++;
					out[o++] = *q++;
				}
			} else {
				while (*q && *q != ';' && *q != ' ' &&
				       *q != '\t' && o + 1 < cap)
					out[o++] = *q++;
			}
			out[o] = '\0';
			if (ext) {
				/* charset'lang'pct-encoded */
				char *a = strchr(out, '\'');
				char *b = a ? strchr(a + 1, '\'') : NULL;
				const char *r = b ? b + 1 : out;
				size_t k = 0;
				for (; *r; r++) {
					if (*r == '%' &&
					    isxdigit((unsigned char)r[1]) &&
					    isxdigit((unsigned char)r[2])) {
						char hx[3] = {r[1], r[2], 0};
						out[k++] =
						    (char)strtoul(hx, NULL, 16);
						r += 2;
					} else {
						out[k++] = *r;
					}
				}
				out[k] = '\0';
				/* may now hold non-UTF-8 octets */
				char tmp[512];
				size_t tl = nc_app_text(
				    tmp, cap < sizeof(tmp) ? cap : sizeof(tmp),
				    (uint8_t *)out, k);
				if (tl >= cap)
					tl = cap - 1;
				memcpy(out, tmp, tl);
				out[tl] = '\0';
			}
			return true;
		}
	next:
		s = strchr(s, ';');
	}
	return false;
}

/* Quoted-printable (RFC 2045 6.7) decode in place; returns the length. */
static size_t qp_decode(uint8_t *p, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '=') {
			p[o++] = p[i];
			continue;
		}
		if (i + 1 < len && p[i + 1] == '\n') {
			i += 1; /* soft line break */
			continue;
		}
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n') {
			i += 2;
			continue;
		}
		if (i + 2 < len && isxdigit(p[i + 1]) && isxdigit(p[i + 2])) {
			unsigned h = 0;
			for (int k = 1; k <= 2; k++) {
				uint8_t c = (uint8_t)tolower(p[i + k]);
				h = h << 4 |
				    (unsigned)(c <= '9' ? c - '0'
							: c - 'a' + 10);
			}
			p[o++] = (uint8_t)h;
			i += 2;
			continue;
		}
		p[o++] = '=';
	}
	return o;
}

/* Everything one message's parse needs, allocated once per message. */
struct work {
	struct nc_app_ctx *x;
	const struct nc_mail_env *env;
	unsigned nparts;
	bool attachments;
	bool more_parts; /* parts past NC_MIME_PARTS */
	bool truncated;	 /* the message is not complete */
	Netcap__MailPart parts[NC_MIME_PARTS];
	Netcap__MailPart *pp[NC_MIME_PARTS];
	char content[NC_MIME_PARTS][NC_MAIL_TEXT + 1];
	char fname[NC_MIME_PARTS][256];
	char id[NC_MIME_PARTS][512];
	char type[NC_MIME_PARTS][128];
	/* top-level header fields */
	char from[1024], to[1024], cc[1024], subject[1024], date[256];
	char msgid[512], refs[1024], irt[512], lang[128], xoip[128];
	char ctype[1024], envto[1024], retpath[512], ddate[256];
	struct ent top;
};

static void top_field(void *arg, const uint8_t *n, size_t nl, const uint8_t *v,
		      size_t vl)
{
	struct work *w = arg;
	static const struct {
		const char *name;
		size_t off, cap;
	} map[] = {
#define F(h, m) {h, offsetof(struct work, m), sizeof(((struct work *)0)->m)}
	    F("from", from),
	    F("to", to),
	    F("cc", cc),
	    F("subject", subject),
	    F("date", date),
	    F("message-id", msgid),
	    F("references", refs),
	    F("in-reply-to", irt),
	    F("content-language", lang),
	    F("x-originating-ip", xoip),
	    F("content-type", ctype),
	    F("envelope-to", envto),
	    F("return-path", retpath),
	    F("delivery-date", ddate),
#undef F
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!name_is(n, nl, map[i].name))
			continue;
		char *o = (char *)w + map[i].off;
		if (o[0] == '\0') /* the first of a repeated field */
			nc_app_text(o, map[i].cap, v, vl);
		break;
	}
	ent_field(&w->top, n, nl, v, vl);
}

/* The File record of an attachment (decoded content). */
static void emit_file(struct work *w, const uint8_t *data, size_t len,
		      const char *name, const char *type, const char *cte)
{
	struct nc_file *f = nc_file_open(w->x, w->env->from, w->env->origin,
					 name, type, "", cte);
	nc_file_write(w->x, f, data, len);
	nc_file_close(w->x, f, w->truncated);
}

static void leaf(struct work *w, const struct ent *e, uint8_t *body,
		 size_t blen, const char *pos)
{
	char type[128], fname[256] = "";

	if (w->nparts >= NC_MIME_PARTS) {
		if (!w->more_parts)
			nc_app_event(w->x->d, w->x->c, w->env->from,
				     NC_EV_MAIL_MIME_PARTS);
		w->more_parts = true;
		return;
	}
	if (e->has_ctype)
		mime_type(e->ctype, type, sizeof(type));
	else
		snprintf(type, sizeof(type), "text/plain");
	if (!mime_param(e->disp, "filename", fname, sizeof(fname)))
		mime_param(e->ctype, "name", fname, sizeof(fname));

	/* decode in place (both decodings only shrink) */
	size_t dlen = blen;
	if (strcasecmp(e->cte, "base64") == 0) {
		bool bad;
		dlen = nc_b64_decode(body, blen, body, blen, &bad);
		if (bad) /* what decodes around the bad characters is kept */
			nc_app_event(w->x->d, w->x->c, w->env->from,
				     NC_EV_MAIL_BAD_BASE64);
	} else if (strcasecmp(e->cte, "quoted-printable") == 0) {
		dlen = qp_decode(body, blen);
	}

	bool attach = fname[0] || strncasecmp(e->disp, "attachment", 10) == 0 ||
		      (strncmp(type, "text/", 5) != 0 &&
		       strncmp(type, "multipart/", 10) != 0);
	unsigned i = w->nparts++;
	Netcap__MailPart *mp = &w->parts[i];
	*mp = (Netcap__MailPart)NETCAP__MAIL_PART__INIT;
	w->pp[i] = mp;
	snprintf(w->type[i], sizeof(w->type[i]), "%s", type);
	snprintf(w->fname[i], sizeof(w->fname[i]), "%s", fname);
	if (e->cid[0])
		snprintf(w->id[i], sizeof(w->id[i]), "%s", e->cid);
	else
		snprintf(w->id[i], sizeof(w->id[i]), "%s", pos);
	w->content[i][0] = '\0';
	if (!attach)
		nc_app_text(w->content[i], sizeof(w->content[i]), body,
			    dlen < NC_MAIL_TEXT ? dlen : NC_MAIL_TEXT);
	mp->id = w->id[i];
	mp->content = w->content[i];
	mp->filename = w->fname[i];
	mp->contenttype = w->type[i];
	mp->size = (int64_t)dlen;
	if (attach) {
		w->attachments = true;
		emit_file(w, body, dlen, fname, type, e->cte);
	}
}

/*
 * The entity at p/len whose header is already in e (top level) or still
 * to parse (parts); depth counts multipart levels.
 */
static void entity(struct work *w, uint8_t *p, size_t len, struct ent *e,
		   unsigned depth, const char *pos)
{
	char type[128], bnd[256];

	if (e->has_ctype)
		mime_type(e->ctype, type, sizeof(type));
	else
		type[0] = '\0';
	if (strncmp(type, "multipart/", 10) != 0) {
		leaf(w, e, p, len, pos);
		return;
	}
	if (depth >= NC_MIME_DEPTH) {
		nc_app_event(w->x->d, w->x->c, w->env->from,
			     NC_EV_MAIL_MIME_DEPTH);
		return;
	}
	if (!mime_param(e->ctype, "boundary", bnd, sizeof(bnd)) || !bnd[0] ||
	    strlen(bnd) > 200) {
		nc_app_event(w->x->d, w->x->c, w->env->from,
			     NC_EV_MAIL_BAD_BOUNDARY);
		leaf(w, e, p, len, pos);
		return;
	}
	size_t bl = strlen(bnd);
	size_t at = 0, start = 0;
	bool in = false;
	unsigned k = 0;
	const uint8_t *l;
	size_t ll;
	for (;;) {
		size_t ls = at;
		bool got = buf_line(p, len, &at, &l, &ll);
		bool delim = got && ll >= 2 + bl && l[0] == '-' &&
			     l[1] == '-' && memcmp(l + 2, bnd, bl) == 0;
		bool close = delim && ll >= 4 + bl && l[2 + bl] == '-' &&
			     l[3 + bl] == '-';
		if (!got || delim) {
			if (in) {
				/* the CR LF before the delimiter belongs to
				   it (RFC 2046 5.1.1) */
				size_t end = ls;
				if (end > start && p[end - 1] == '\n')
					end--;
				if (end > start && p[end - 1] == '\r')
					end--;
				if (!got)
					end = len;
				char sub[64];
				/* RFC 3501 6.4.5 part numbers: the top
				   multipart's parts are 1, 2, ... */
				if (depth == 0)
					snprintf(sub, sizeof(sub), "%u", ++k);
				else
					snprintf(sub, sizeof(sub), "%s.%u", pos,
						 ++k);
				struct ent pe;
				memset(&pe, 0, sizeof(pe));
				size_t body = header_fields(
				    p + start, end - start, ent_field, &pe);
				entity(w, p + start + body, end - start - body,
				       &pe, depth + 1, sub);
			}
			if (!got || close)
				break;
			in = true;
			start = at;
		}
	}
	if (k == 0)
		nc_app_event(w->x->d, w->x->c, w->env->from,
			     NC_EV_MAIL_BAD_BOUNDARY);
}

void nc_mail_finish(struct nc_app_ctx *x, struct nc_msg *m,
		    const struct nc_mail_env *env, char *msgid, size_t idcap,
		    char *subject, size_t subcap)
{
	const struct nc_app_conn *c = x->c;
	struct work *w = NULL;

	if (msgid && idcap)
		msgid[0] = '\0';
	if (subject && subcap)
		subject[0] = '\0';
	if (!m->active)
		return;
	m->active = false;
	if (m->truncated)
		nc_app_event(x->d, c, env->from, NC_EV_MAIL_TRUNCATED);
	w = nc_app_alloc(x, sizeof(*w));
	if (!w) {
		m->b.len = 0;
		return;
	}
	w->x = x;
	w->env = env;
	w->truncated = m->truncated;

	static uint8_t empty[1];
	uint8_t *p = m->b.p ? m->b.p : empty; /* an empty message */
	size_t len = m->b.len;
	char hex[33] = "";
	if (!m->truncated) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned mdl = 0;
		if (EVP_Digest(p, len, md, &mdl, EVP_md5(), NULL) == 1)
			for (unsigned i = 0; i < mdl && i < 16; i++)
				snprintf(hex + 2 * i, 3, "%02x", md[i]);
	}
	size_t body = len ? header_fields(p, len, top_field, w) : 0;
	if (msgid)
		snprintf(msgid, idcap, "%s", w->msgid);
	if (subject)
		snprintf(subject, subcap, "%s", w->subject);

	if (nc_want(x->d, NC_REC_MAIL) || nc_want(x->d, NC_REC_FILE))
		entity(w, p + body, len - body, &w->top, 0, "1");

	if (nc_want(x->d, NC_REC_MAIL)) {
		Netcap__Mail r = NETCAP__MAIL__INIT;
		char id[64];
		r.timestamp = c->ts;
		r.returnpath = w->retpath;
		r.from = w->from;
		r.to = w->to;
		r.cc = w->cc;
		r.subject = w->subject;
		r.date = w->date;
		r.messageid = w->msgid;
		r.references = w->refs;
		r.inreplyto = w->irt;
		r.contentlanguage = w->lang;
		r.hasattachments = w->attachments;
		r.xoriginatingip = w->xoip;
		r.contenttype = w->ctype;
		r.envelopeto =
		    w->envto[0]
			? w->envto
			: nc_app_str(env->envelope_to ? env->envelope_to : "");
		r.n_body = w->nparts;
		r.body = w->pp;
		r.clientip.data = (uint8_t *)c->addr[0];
		r.clientip.len = c->alen;
		r.serverip.data = (uint8_t *)c->addr[1];
		r.serverip.len = c->alen;
		snprintf(id, sizeof(id), "%s-%u", c->uid, env->seq);
		r.id = id;
		r.deliverydate = w->ddate;
		r.origin = nc_app_str(env->origin);
		nc_app_ends(c, env->from, &r.srcip, &r.dstip, &r.srcport,
			    &r.dstport);
		r.uid = nc_app_str(c->uid);
		r.size = (int64_t)m->size;
		r.md5 = hex;
		r.truncated = m->truncated;
		nc_emit(x->d, NC_REC_MAIL, &r.base);
	}
	nc_app_free(x, w, sizeof(*w));
	m->b.len = 0;
	m->size = 0;
	m->truncated = false;
}
