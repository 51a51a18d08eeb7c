/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * indicators.c: local indicator lists and the Alert records (indicators.h).
 *
 * Addresses (ip and cidr alike) are kept as masked prefixes sorted by
 * (family, prefix length, address): a lookup masks the address once per
 * prefix length present in the lists and binary-searches, so a list of
 * a million /32s costs one search per endpoint. Domains are sorted names;
 * a DNS name is looked up as itself and as each parent ("a.b.evil.example",
 * "b.evil.example", "evil.example", "example"). Fingerprints are sorted
 * per kind.
 */
#include "indicators.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcap.pb-c.h"

enum kind { K_NET, K_DOMAIN, K_JA3, K_JA4, K_HASSH, K_MAX };

struct ind {
	char *value; /* normalised: lowercase name or hash; net: text */
	char *name, *desc, *mitre, *rep;
	char *listed; /* "<kind> <value>" as written */
	char *src;    /* "<file>:<line>" */
	uint8_t alen, plen;
	uint8_t addr[16]; /* masked */
};

struct nc_indicators {
	struct ind *v[K_MAX];
	uint32_t n[K_MAX], cap[K_MAX];
	bool plen4[33], plen6[129]; /* prefix lengths present */
};

static void mask(uint8_t *a, unsigned alen, unsigned plen)
{
	for (unsigned i = 0; i < alen; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		if (bits < 8)
			a[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static int net_cmp(const struct ind *a, const struct ind *b)
{
	if (a->alen != b->alen)
		return a->alen < b->alen ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return memcmp(a->addr, b->addr, a->alen);
}

static int sort_net(const void *a, const void *b)
{
	return net_cmp(a, b);
}

static int sort_str(const void *a, const void *b)
{
	const struct ind *x = a, *y = b;
	return strcmp(x->value, y->value);
}

static void ind_free(struct ind *e)
{
	free(e->value);
	free(e->name);
	free(e->desc);
	free(e->mitre);
	free(e->rep);
	free(e->listed);
	free(e->src);
}

void nc_indicators_free(struct nc_indicators *ind)
{
	if (!ind)
		return;
	for (int k = 0; k < K_MAX; k++) {
		for (uint32_t i = 0; i < ind->n[k]; i++)
			ind_free(&ind->v[k][i]);
		free(ind->v[k]);
	}
	free(ind);
}

uint32_t nc_indicators_count(const struct nc_indicators *ind)
{
	uint32_t n = 0;
	for (int k = 0; ind && k < K_MAX; k++)
		n += ind->n[k];
	return n;
}

static bool parse_net(const char *s, bool cidr, struct ind *e)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf) || (cidr != (slash != NULL)))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, e->addr) == 1)
		e->alen = 4;
	else if (inet_pton(AF_INET6, buf, e->addr) == 1)
		e->alen = 16;
	else
		return false;
	unsigned max = e->alen * 8u, plen = max;
	if (slash) {
		char *end;
		unsigned long v = strtoul(slash + 1, &end, 10);
		if (end == slash + 1 || *end || v > max)
			return false;
		plen = (unsigned)v;
	}
	e->plen = (uint8_t)plen;
	mask(e->addr, e->alen, plen);
	return true;
}

static bool hexlen(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return false;
	return true;
}

static char *dup_lower(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[n] = '\0';
	return d;
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* The next whitespace-separated token of *p (NULL at the end). */
static const char *token(const char **p, size_t *n)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	const char *t = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	*n = (size_t)(s - t);
	*p = s;
	return t;
}

static int load_line(struct nc_indicators *ind, const char *file,
		     unsigned lineno, char *line, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum kind k;
	} kinds[] = {{"ip", K_NET},  {"cidr", K_NET}, {"domain", K_DOMAIN},
		     {"ja3", K_JA3}, {"ja4", K_JA4},  {"hassh", K_HASSH}};
	const char *p = line, *t, *v;
	size_t tn, vn;
	char kw[16], val[256];

	t = token(&p, &tn);
	if (!t || *t == '#')
		return 0;
	int ki = -1;
	for (unsigned i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == tn &&
		    strncasecmp(kinds[i].name, t, tn) == 0)
			ki = (int)i;
	if (ki < 0) {
		snprintf(err, errlen,
			 "%s:%u: unknown kind '%.*s' (ip, cidr, domain, ja3, "
			 "ja4, hassh)",
			 file, lineno, (int)(tn > 20 ? 20 : tn), t);
		return -1;
	}
	snprintf(kw, sizeof(kw), "%s", kinds[ki].name);
	v = token(&p, &vn);
	if (!v || vn >= sizeof(val)) {
		snprintf(err, errlen, "%s:%u: %s: %s value", file, lineno, kw,
			 v ? "too long a" : "no");
		return -1;
	}
	memcpy(val, v, vn);
	val[vn] = '\0';

	struct ind e;
	memset(&e, 0, sizeof(e));
	enum kind k = kinds[ki].k;
	bool ok = true;
	switch (k) {
	case K_NET:
		ok = parse_net(val, ki == 1, &e);
		break;
	case K_DOMAIN: {
		size_t n = vn;
		while (n && val[n - 1] == '.')
			n--;
		if (n > 2 && val[0] == '*' && val[1] == '.') {
			/* "*.evil.example" is evil.example and below */
			memmove(val, val + 2, n - 2);
			n -= 2;
		}
		ok = n > 0 && memchr(val, '/', n) == NULL;
		val[n] = '\0';
		break;
	}
	case K_JA3:
	case K_HASSH:
		ok = hexlen(val, 32);
		break;
	case K_JA4:
		ok = vn >= 10 && vn < 128;
		break;
	case K_MAX:
		break;
	}
	if (!ok) {
		snprintf(err, errlen, "%s:%u: %s: '%s' is not %s", file, lineno,
			 kw, val,
			 k == K_NET	 ? (ki == 1 ? "an address/prefix"
						    : "an IPv4 or IPv6 address")
			 : k == K_DOMAIN ? "a domain name"
			 : k == K_JA4	 ? "a JA4 fingerprint"
					 : "32 hex digits (MD5)");
		return -1;
	}

	/* name, then key=value tags, then the description */
	const char *name = token(&p, &tn);
	size_t nlen = name ? tn : 0;
	const char *mitre = NULL, *rep = NULL;
	size_t ml = 0, rl = 0;
	for (;;) {
		const char *q = p;
		size_t n;
		const char *x = token(&q, &n);
		if (x && n > 6 && strncmp(x, "mitre=", 6) == 0) {
			mitre = x + 6, ml = n - 6;
		} else if (x && n > 11 && strncmp(x, "reputation=", 11) == 0) {
			rep = x + 11, rl = n - 11;
		} else {
			break;
		}
		p = q;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	size_t dl = strlen(p);
	while (dl && (p[dl - 1] == ' ' || p[dl - 1] == '\t'))
		dl--;

	char listed[300], src[512];
	snprintf(listed, sizeof(listed), "%s %s", kw, v ? val : "");
	snprintf(src, sizeof(src), "%s:%u", file, lineno);
	e.value = k == K_NET ? dupn(v, vn) : dup_lower(val, strlen(val));
	e.name = name ? dupn(name, nlen) : strdup(listed);
	e.desc = dupn(p, dl);
	e.mitre = dupn(mitre ? mitre : "", ml);
	e.rep = rep ? dupn(rep, rl) : strdup(k == K_NET ? "listed" : "");
	e.listed = strdup(listed);
	e.src = strdup(src);
	if (!e.value || !e.name || !e.desc || !e.mitre || !e.rep || !e.listed ||
	    !e.src) {
		ind_free(&e);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ind->n[k] == ind->cap[k]) {
		uint32_t nc = ind->cap[k] ? ind->cap[k] * 2 : 64;
		void *nv = realloc(ind->v[k], nc * sizeof(struct ind));
		if (!nv) {
			ind_free(&e);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ind->v[k] = nv;
		ind->cap[k] = nc;
	}
	ind->v[k][ind->n[k]++] = e;
	if (k == K_NET) {
		if (e.alen == 4)
			ind->plen4[e.plen] = true;
		else
			ind->plen6[e.plen] = true;
	}
	return 0;
}

struct nc_indicators *nc_indicators_load(const char *files, char *err,
					 size_t errlen)
{
	struct nc_indicators *ind = calloc(1, sizeof(*ind));
	char *list = strdup(files ? files : "");
	char *save = NULL;

	if (!ind || !list) {
		snprintf(err, errlen, "out of memory");
		free(list);
		free(ind);
		return NULL;
	}
	for (char *f = strtok_r(list, ",", &save); f;
	     f = strtok_r(NULL, ",", &save)) {
		FILE *fp = fopen(f, "r");
		if (!fp) {
			snprintf(err, errlen, "%s: %s", f, strerror(errno));
			goto fail;
		}
		char line[4096];
		unsigned lineno = 0;
		while (fgets(line, sizeof(line), fp)) {
			lineno++;
			size_t n = strlen(line);
			if (n && line[n - 1] != '\n' && !feof(fp)) {
				snprintf(err, errlen,
					 "%s:%u: line longer than %zu bytes", f,
					 lineno, sizeof(line) - 2);
				fclose(fp);
				goto fail;
			}
			while (n &&
			       (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (load_line(ind, f, lineno, line, err, errlen)) {
				fclose(fp);
				goto fail;
			}
		}
		fclose(fp);
	}
	free(list);
	for (int k = 0; k < K_MAX; k++)
		if (ind->n[k] > 1)
			qsort(ind->v[k], ind->n[k], sizeof(struct ind),
			      k == K_NET ? sort_net : sort_str);
	return ind;
fail:
	free(list);
	nc_indicators_free(ind);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* matching */

/* The first entry of v[0..n) equal to key (cmp), or n. */
static uint32_t first_net(const struct ind *v, uint32_t n,
			  const struct ind *key)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (net_cmp(&v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t first_str(const struct ind *v, uint32_t n, const char *key,
			  size_t klen)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strncmp(v[mid].value, key, klen);
		if (c == 0 && v[mid].value[klen])
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool str_eq(const char *v, const char *key, size_t klen)
{
	return strncmp(v, key, klen) == 0 && v[klen] == '\0';
}

struct ctx {
	struct nc_dec *d;
	int64_t ts;
	ProtobufCBinaryData src, dst;
	uint32_t sport, dport;
	const char *uid, *proto;
};

static void alert(const struct ctx *c, const struct ind *e, const char *domain,
		  const char *notes)
{
	Netcap__Alert a = NETCAP__ALERT__INIT;

	a.timestamp = c->ts;
	a.name = e->name;
	a.description = e->desc;
	a.srcip = c->src;
	a.srcport = c->sport;
	a.dstip = c->dst;
	a.dstport = c->dport;
	a.mitre = e->mitre;
	a.ipreputation = e->rep;
	a.domain = (char *)domain;
	a.protocol = (char *)c->proto;
	a.notes = (char *)notes;
	a.uid = (char *)(c->uid ? c->uid : "");
	a.indicator = e->listed;
	a.source = e->src;
	nc_emit(c->d, NC_REC_ALERT, &a.base);
}

static void check_ip(const struct nc_indicators *ind, const struct ctx *c,
		     const ProtobufCBinaryData *ip, const char *field)
{
	const bool *pl = ip->len == 4 ? ind->plen4 : ind->plen6;
	unsigned max = ip->len == 4 ? 32 : 128;
	const struct ind *v = ind->v[K_NET];
	uint32_t n = ind->n[K_NET];

	if (ip->len != 4 && ip->len != 16)
		return;
	for (unsigned plen = 0; plen <= max; plen++) {
		if (!pl[plen])
			continue;
		struct ind key;
		memset(&key, 0, sizeof(key));
		key.alen = (uint8_t)ip->len;
		key.plen = (uint8_t)plen;
		memcpy(key.addr, ip->data, ip->len);
		mask(key.addr, key.alen, plen);
		for (uint32_t i = first_net(v, n, &key);
		     i < n && net_cmp(&v[i], &key) == 0; i++) {
			char txt[INET6_ADDRSTRLEN], notes[96];
			inet_ntop(ip->len == 4 ? AF_INET : AF_INET6, ip->data,
				  txt, sizeof(txt));
			snprintf(notes, sizeof(notes), "%s %s", field, txt);
			alert(c, &v[i], "", notes);
		}
	}
}

static void check_fp(const struct nc_indicators *ind, const struct ctx *c,
		     enum kind k, const char *value, const char *field)
{
	char low[160];
	size_t n = value ? strlen(value) : 0;

	if (!n || n >= sizeof(low) || !ind->n[k])
		return;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)value[i]);
	low[n] = '\0';
	const struct ind *v = ind->v[k];
	for (uint32_t i = first_str(v, ind->n[k], low, n);
	     i < ind->n[k] && str_eq(v[i].value, low, n); i++) {
		char notes[200];
		snprintf(notes, sizeof(notes), "%s %s", field, value);
		alert(c, &v[i], "", notes);
	}
}

static void check_name(const struct nc_indicators *ind, const struct ctx *c,
		       const char *name)
{
	char low[256];
	size_t n = name ? strlen(name) : 0;

	while (n && name[n - 1] == '.')
		n--;
	if (!n || n >= sizeof(low))
		return;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	const struct ind *v = ind->v[K_DOMAIN];
	uint32_t nv = ind->n[K_DOMAIN];
	/* the name, then each parent */
	for (const char *s = low; s;) {
		size_t sl = strlen(s);
		for (uint32_t i = first_str(v, nv, s, sl);
		     i < nv && str_eq(v[i].value, s, sl); i++) {
			/* "Question " low " (under " s ")": both fit whole */
			char notes[2 * sizeof(low) + 32];
			snprintf(notes, sizeof(notes), "Question %s%s%s", low,
				 s == low ? "" : " (under ", s == low ? "" : s);
			if (s != low)
				strncat(notes, ")",
					sizeof(notes) - strlen(notes) - 1);
			alert(c, &v[i], low, notes);
		}
		const char *dot = strchr(s, '.');
		s = dot ? dot + 1 : NULL;
	}
}

void nc_indicators_check(const struct nc_indicators *ind, struct nc_dec *d,
			 enum nc_rec t, const ProtobufCMessage *msg)
{
	struct ctx c = {.d = d};

	switch (t) {
	case NC_REC_CONNECTION: {
		const Netcap__Connection *r = (const void *)msg;
		if (!ind->n[K_NET])
			return;
		c.ts = r->timestampfirst;
		c.src = r->srcip;
		c.dst = r->dstip;
		c.sport = (uint32_t)r->srcport;
		c.dport = (uint32_t)r->dstport;
		c.uid = r->uid;
		c.proto = "Connection";
		check_ip(ind, &c, &r->srcip, "SrcIP");
		check_ip(ind, &c, &r->dstip, "DstIP");
		return;
	}
	case NC_REC_DNS: {
		const Netcap__DNS *r = (const void *)msg;
		if (!ind->n[K_DOMAIN])
			return;
		c.ts = r->timestamp;
		c.src = r->srcip;
		c.dst = r->dstip;
		c.sport = (uint32_t)r->srcport;
		c.dport = (uint32_t)r->dstport;
		c.uid = r->uid;
		c.proto = "DNS";
		for (size_t i = 0; i < r->n_questions; i++)
			check_name(ind, &c, r->questions[i]->name);
		return;
	}
	case NC_REC_TLS_CLIENT_HELLO: {
		const Netcap__TLSClientHello *r = (const void *)msg;
		c.ts = r->timestamp;
		c.src = r->srcip;
		c.dst = r->dstip;
		c.sport = (uint32_t)r->srcport;
		c.dport = (uint32_t)r->dstport;
		c.uid = r->uid;
		c.proto = "TLSClientHello";
		check_fp(ind, &c, K_JA3, r->ja3, "JA3");
		check_fp(ind, &c, K_JA4, r->ja4, "JA4");
		return;
	}
	case NC_REC_SSH: {
		const Netcap__SSH *r = (const void *)msg;
		c.ts = r->timestamp;
		c.src = r->srcip;
		c.dst = r->dstip;
		c.sport = (uint32_t)r->srcport;
		c.dport = (uint32_t)r->dstport;
		c.uid = r->uid;
		c.proto = "SSH";
		check_fp(ind, &c, K_HASSH, r->hassh,
			 r->isclient ? "HASSH" : "HASSHServer");
		return;
	}
	default:
		return;
	}
}
