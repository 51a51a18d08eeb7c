/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * profile.c: Software, Service, DeviceProfile and IPProfile (profile.h).
 *
 * Four keyed tables per worker. A table is a chained hash over an entry
 * array that grows by doubling up to its bound; a key is a short byte
 * string (an address, a MAC, "product\0version\0source"). The lists inside
 * an entry (DNS names, ports, UIDs) are small arrays scanned linearly and
 * bounded by max_set. At the end every worker's tables are merged into
 * fresh ones in worker order and the records written in key order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcap.pb-c.h"
#include "profile.h"

#define NIL UINT32_MAX

/* ---------------------------------------------------------------------- */
/* bounded lists */

struct strset {
	char **v;
	uint32_t n, cap;
};

struct portent {
	uint16_t port;
	uint8_t proto;
	uint64_t pkts, bytes;
};

struct portset {
	struct portent *v;
	uint32_t n, cap;
};

struct addr {
	uint8_t len;
	uint8_t a[16];
};

struct addrset {
	struct addr *v;
	uint32_t n, cap;
};

/* Grow an array of n elements of size es to hold one more, up to max. */
static bool grow(void **v, uint32_t *cap, uint32_t n, size_t es, uint32_t max)
{
	if (n < *cap)
		return true;
	if (n >= max)
		return false;
	uint32_t nc = *cap ? *cap * 2 : 4;
	if (nc > max)
		nc = max;
	void *nv = realloc(*v, (size_t)nc * es);
	if (!nv)
		return false;
	*v = nv;
	*cap = nc;
	return true;
}

struct nc_profiles;
static void count_full(struct nc_profiles *p);

static void strset_add(struct nc_profiles *p, struct strset *s, const char *v,
		       uint32_t max)
{
	if (!v || !v[0])
		return;
	for (uint32_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return;
	char *d = NULL;
	if (!grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), max) ||
	    !(d = strdup(v))) {
		count_full(p);
		return;
	}
	s->v[s->n++] = d;
}

static void strset_free(struct strset *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void portset_add(struct nc_profiles *p, struct portset *s, uint16_t port,
			uint8_t proto, uint64_t pkts, uint64_t bytes,
			uint32_t max)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->v[i].port == port && s->v[i].proto == proto) {
			s->v[i].pkts += pkts;
			s->v[i].bytes += bytes;
			return;
		}
	}
	if (!grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), max)) {
		count_full(p);
		return;
	}
	s->v[s->n++] = (struct portent){port, proto, pkts, bytes};
}

static void addrset_add(struct nc_profiles *p, struct addrset *s,
			const uint8_t *a, unsigned len, uint32_t max)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i].len == len && memcmp(s->v[i].a, a, len) == 0)
			return;
	if (!grow((void **)&s->v, &s->cap, s->n, sizeof(*s->v), max)) {
		count_full(p);
		return;
	}
	struct addr *d = &s->v[s->n++];
	memset(d, 0, sizeof(*d));
	d->len = (uint8_t)len;
	memcpy(d->a, a, len);
}

/* ---------------------------------------------------------------------- */
/* entries */

struct ipprof {
	int64_t first, last;
	uint64_t pkts, bytes;
	struct strset dns, apps, fps;
	struct portset sp, dp, cp;
};

struct devprof {
	int64_t first, last;
	uint64_t pkts, bytes;
	struct addrset ips, contacts;
	struct strset fps;
};

struct software {
	int64_t first;
	char *product, *version, *source, *data, *service, *os;
	char *vendor, *notes; /* from a fingerprint database, or NULL */
	struct strset flows, macs;
};

struct service {
	int64_t first;
	char *name, *banner;
	uint64_t bytes_server, bytes_client;
	struct strset flows;
};

enum tab { T_IP, T_DEV, T_SW, T_SVC, T_MAX };

static const size_t val_size[T_MAX] = {
    sizeof(struct ipprof), sizeof(struct devprof), sizeof(struct software),
    sizeof(struct service)};

struct ent {
	uint64_t h;
	uint32_t next;
	uint32_t klen;
	uint8_t *key;
	void *val;
};

struct map {
	struct ent *e;
	uint32_t n, cap, max;
	uint32_t *bucket;
	uint32_t mask;
	enum tab kind;
};

struct nc_profiles {
	struct nc_profile_cfg cfg;
	struct nc_observer obs;
	bool on[T_MAX];
	struct map m[T_MAX];
	struct nc_dec *d; /* the decoder of the call at hand, for counters */
	uint64_t full_tables, full_lists;
};

static void count_full(struct nc_profiles *p)
{
	p->full_lists++;
	if (p->d)
		p->d->events[NC_EV_PROFILE_SET_FULL]++;
}

static uint64_t hash_bytes(const uint8_t *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0x100000001b3ull;
	}
	return h ^ (h >> 29);
}

static bool map_init(struct map *m, uint32_t max, enum tab kind)
{
	uint32_t nb = 16;

	while (nb < max && nb < (1u << 30))
		nb <<= 1;
	m->bucket = malloc((size_t)nb * sizeof(*m->bucket));
	if (!m->bucket)
		return false;
	memset(m->bucket, 0xff, (size_t)nb * sizeof(*m->bucket));
	m->mask = nb - 1;
	m->max = max;
	m->kind = kind;
	return true;
}

static void val_free(enum tab kind, void *v)
{
	switch (kind) {
	case T_IP: {
		struct ipprof *x = v;
		strset_free(&x->dns);
		strset_free(&x->apps);
		strset_free(&x->fps);
		free(x->sp.v);
		free(x->dp.v);
		free(x->cp.v);
		break;
	}
	case T_DEV: {
		struct devprof *x = v;
		free(x->ips.v);
		free(x->contacts.v);
		strset_free(&x->fps);
		break;
	}
	case T_SW: {
		struct software *x = v;
		free(x->product);
		free(x->version);
		free(x->source);
		free(x->data);
		free(x->service);
		free(x->os);
		free(x->vendor);
		free(x->notes);
		strset_free(&x->flows);
		strset_free(&x->macs);
		break;
	}
	case T_SVC: {
		struct service *x = v;
		free(x->name);
		free(x->banner);
		strset_free(&x->flows);
		break;
	}
	case T_MAX:
		break;
	}
	free(v);
}

static void map_free(struct map *m)
{
	for (uint32_t i = 0; i < m->n; i++) {
		free(m->e[i].key);
		val_free(m->kind, m->e[i].val);
	}
	free(m->e);
	free(m->bucket);
	memset(m, 0, sizeof(*m));
}

/* The value for key, created zeroed if missing; NULL when full. */
static void *map_get(struct nc_profiles *p, struct map *m, const void *key,
		     size_t klen)
{
	uint64_t h = hash_bytes(key, klen);
	uint32_t *b = &m->bucket[h & m->mask];

	/* a chain holds only entries below m->n, all written by this
	   function (the analyzers cannot follow the indexes) */
	/* NOLINTBEGIN(clang-analyzer-core.NullDereference) */
	/* NOLINTBEGIN(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	for (uint32_t i = *b; i != NIL; i = m->e[i].next) {
		const struct ent *x = &m->e[i];
		if (x->h == h && x->klen == klen &&
		    memcmp(x->key, key, klen) == 0)
			return x->val;
	}
	/* NOLINTEND(clang-analyzer-core.UndefinedBinaryOperatorResult) */
	/* NOLINTEND(clang-analyzer-core.NullDereference) */
	if (!grow((void **)&m->e, &m->cap, m->n, sizeof(*m->e), m->max)) {
		p->full_tables++;
		if (p->d)
			p->d->events[NC_EV_PROFILE_TABLE_FULL]++;
		return NULL;
	}
	uint8_t *k = malloc(klen ? klen : 1);
	void *v = calloc(1, val_size[m->kind]);
	if (!k || !v) {
		free(k);
		free(v);
		p->full_tables++;
		return NULL;
	}
	memcpy(k, key, klen);
	uint32_t i = m->n++;
	m->e[i] = (struct ent){
	    .h = h, .next = *b, .klen = (uint32_t)klen, .key = k, .val = v};
	*b = i;
	return v;
}

/* ---------------------------------------------------------------------- */
/* keys */

static size_t ip_key(uint8_t *k, const uint8_t *a, unsigned alen)
{
	k[0] = (uint8_t)alen;
	memcpy(k + 1, a, alen);
	return 1 + alen;
}

static size_t svc_key(uint8_t *k, const uint8_t *a, unsigned alen,
		      uint16_t port, uint8_t proto)
{
	size_t n = ip_key(k, a, alen);
	k[n++] = (uint8_t)(port >> 8);
	k[n++] = (uint8_t)port;
	k[n++] = proto;
	return n;
}

/* ---------------------------------------------------------------------- */
/* software names */

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

struct swname {
	char product[64], version[64], os[32];
};

static void copy_tok(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* "name/version" starting at tok (up to a space, ';' or ')'). */
static void product_token(struct swname *w, const char *tok)
{
	size_t n = strcspn(tok, " ;)(");
	const char *sl = memchr(tok, '/', n);

	if (sl) {
		copy_tok(w->product, sizeof(w->product), tok,
			 (size_t)(sl - tok));
		copy_tok(w->version, sizeof(w->version), sl + 1,
			 n - (size_t)(sl - tok) - 1);
	} else {
		copy_tok(w->product, sizeof(w->product), tok, n);
	}
}

static void guess_os(struct swname *w, const char *s)
{
	static const char *const os[][2] = {
	    {"Windows", "Windows"}, {"Android", "Android"},
	    {"iPhone", "iOS"},	    {"iPad", "iOS"},
	    {"Mac OS X", "macOS"},  {"Debian", "Debian"},
	    {"Ubuntu", "Ubuntu"},   {"FreeBSD", "FreeBSD"},
	    {"Linux", "Linux"},
	};
	for (size_t i = 0; i < sizeof(os) / sizeof(os[0]); i++) {
		if (strstr(s, os[i][0])) {
			copy_tok(w->os, sizeof(w->os), os[i][1],
				 strlen(os[i][1]));
			return;
		}
	}
}

/*
 * Product and version from a User-Agent or Server header (RFC 9110
 * 10.1.5: product tokens, the most significant first; browsers name
 * themselves last), an SSH identification (RFC 4253 4.2:
 * SSH-protoversion-softwareversion SP comments) or a banner.
 */
static void software_name(struct swname *w, const char *source,
			  const char *data)
{
	memset(w, 0, sizeof(*w));
	guess_os(w, data);
	if (strcmp(source, "SSH banner") == 0 &&
	    strncmp(data, "SSH-", 4) == 0) {
		const char *sv = strchr(data + 4, '-');
		if (!sv)
			return;
		sv++;
		size_t n = strcspn(sv, " \r\n");
		const char *us = memchr(sv, '_', n);
		if (us) {
			copy_tok(w->product, sizeof(w->product), sv,
				 (size_t)(us - sv));
			copy_tok(w->version, sizeof(w->version), us + 1,
				 n - (size_t)(us - sv) - 1);
		} else {
			copy_tok(w->product, sizeof(w->product), sv, n);
		}
		return;
	}
	if (strcmp(source, "User-Agent") == 0) {
		/* browsers: the distinguishing token, not "Mozilla/5.0" */
		static const char *const br[] = {
		    "Edg/", "OPR/", "Firefox/", "Chrome/", "Version/", NULL};
		for (int i = 0; br[i]; i++) {
			const char *t = strstr(data, br[i]);
			if (!t)
				continue;
			product_token(w, t);
			if (strcmp(br[i], "Version/") == 0) {
				if (!strstr(data, "Safari/"))
					break;
				copy_tok(w->product, sizeof(w->product),
					 "Safari", 6);
			} else if (strcmp(br[i], "Edg/") == 0) {
				copy_tok(w->product, sizeof(w->product), "Edge",
					 4);
			} else if (strcmp(br[i], "OPR/") == 0) {
				copy_tok(w->product, sizeof(w->product),
					 "Opera", 5);
			}
			return;
		}
	}
	if (strcmp(source, "User-Agent") == 0 ||
	    strcmp(source, "Server") == 0) {
		product_token(w, data);
		return;
	}
	/* banners: a known server name, with the token after it */
	static const char *const known[] = {
	    "Postfix", "Exim",	  "Sendmail",  "Microsoft ESMTP",
	    "vsFTPd",  "ProFTPD", "Pure-FTPd", "FileZilla Server",
	    "Dovecot", "Courier", "Cyrus",     NULL};
	for (int i = 0; known[i]; i++) {
		const char *t = strstr(data, known[i]);
		if (!t)
			continue;
		copy_tok(w->product, sizeof(w->product), known[i],
			 strlen(known[i]));
		t += strlen(known[i]);
		while (*t == ' ')
			t++;
		if (*t >= '0' && *t <= '9')
			copy_tok(w->version, sizeof(w->version), t,
				 strcspn(t, " )\r\n"));
		return;
	}
	copy_tok(w->product, sizeof(w->product), data, strcspn(data, "\r\n"));
}

/* ---------------------------------------------------------------------- */
/* observer callbacks */

static void mac_text(const uint8_t *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void obs_software(void *arg, struct nc_dec *d,
			 const struct nc_app_conn *c, int from,
			 const char *source_name, const char *source_data,
			 const char *service)
{
	struct nc_profiles *p = arg;
	struct swname w;
	uint8_t key[160];

	if (!p->on[T_SW] || !source_data || !source_data[0])
		return;
	p->d = d;
	software_name(&w, source_name, source_data);
	if (!w.product[0])
		return;
	size_t a = strlen(w.product), b = strlen(w.version);
	size_t s = strnlen(source_name, 30);
	memcpy(key, w.product, a + 1);
	memcpy(key + a + 1, w.version, b + 1);
	memcpy(key + a + b + 2, source_name, s);
	struct software *x = map_get(p, &p->m[T_SW], key, a + b + 2 + s);
	if (!x)
		return;
	if (!x->product) {
		x->first = c->ts;
		x->product = strdup(w.product);
		x->version = strdup(w.version);
		x->os = strdup(w.os);
		x->source = strdup(source_name);
		x->data = dupn(source_data, strnlen(source_data, 512));
		x->service = strdup(service ? service : "");
	}
	if (c->ts < x->first)
		x->first = c->ts;
	strset_add(p, &x->flows, c->uid, p->cfg.max_set);
	if (c->mac[from]) {
		char m[18];
		mac_text(c->mac[from], m);
		strset_add(p, &x->macs, m, p->cfg.max_set);
	}
}

static struct service *service_of(struct nc_profiles *p,
				  const struct nc_app_conn *c)
{
	uint8_t key[24];
	size_t n = svc_key(key, c->addr[1], c->alen, c->port[1], c->proto);

	return map_get(p, &p->m[T_SVC], key, n);
}

static void obs_service(void *arg, struct nc_dec *d,
			const struct nc_app_conn *c, const char *name,
			const char *banner)
{
	struct nc_profiles *p = arg;

	if (!p->on[T_SVC])
		return;
	p->d = d;
	struct service *x = service_of(p, c);
	if (!x)
		return;
	if (!x->name || !x->name[0]) {
		free(x->name);
		x->name = strdup(name ? name : "");
		x->first = c->ts;
	}
	if (banner && banner[0] && (!x->banner || !x->banner[0])) {
		free(x->banner);
		x->banner = dupn(banner, strnlen(banner, 512));
	}
	if (c->ts < x->first || !x->first)
		x->first = c->ts;
	strset_add(p, &x->flows, c->uid, p->cfg.max_set);
}

static void obs_dns_name(void *arg, struct nc_dec *d, const uint8_t *ip,
			 unsigned alen, const char *name)
{
	struct nc_profiles *p = arg;
	uint8_t key[17];

	if (!p->on[T_IP] || (alen != 4 && alen != 16))
		return;
	p->d = d;
	struct ipprof *x = map_get(p, &p->m[T_IP], key, ip_key(key, ip, alen));
	if (x)
		strset_add(p, &x->dns, name, p->cfg.max_set);
}

/* The Software SourceName of a fingerprint kind, or NULL. */
static const char *fp_source(const char *kind)
{
	static const char *const src[][2] = {
	    {"ja3", "JA3"},
	    {"ja3s", "JA3S"},
	    {"ja4", "JA4"},
	    {"hassh", "HASSH"},
	    {"hasshServer", "HASSH server"},
	};
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		if (strcmp(kind, src[i][0]) == 0)
			return src[i][1];
	return NULL;
}

/*
 * A fingerprint the database knows: one Software entry per product,
 * version, kind and value (key "product\0version\0source\0value").
 */
static void fp_software(struct nc_profiles *p, const struct nc_app_conn *c,
			int from, const char *kind, const char *value)
{
	const char *source = fp_source(kind);
	uint8_t key[64 + 64 + 16 + 128];

	if (!source || !value || !value[0])
		return;
	const struct nc_fp_entry *fe =
	    p->cfg.fingerprint(p->cfg.fingerprint_arg, kind, value);
	if (!fe || !fe->product || !fe->product[0])
		return;
	const char *ver = fe->version ? fe->version : "";
	size_t a = strnlen(fe->product, 63), b = strnlen(ver, 63);
	size_t s = strlen(source), v = strnlen(value, 127), n = 0;
	memcpy(key, fe->product, a);
	key[a] = '\0';
	n = a + 1;
	memcpy(key + n, ver, b);
	key[n + b] = '\0';
	n += b + 1;
	memcpy(key + n, source, s + 1);
	n += s + 1;
	memcpy(key + n, value, v);
	n += v;
	struct software *x = map_get(p, &p->m[T_SW], key, n);
	if (!x)
		return;
	if (!x->product) {
		x->first = c->ts;
		x->product = dupn(fe->product, a);
		x->version = dupn(ver, b);
		x->vendor = strdup(fe->vendor ? fe->vendor : "");
		x->os = strdup(fe->os ? fe->os : "");
		x->notes = strdup(fe->notes ? fe->notes : "");
		x->source = strdup(source);
		x->data = dupn(value, v);
		x->service = strdup(kind[0] == 'j' ? "TLS" : "SSH");
	}
	if (c->ts < x->first)
		x->first = c->ts;
	strset_add(p, &x->flows, c->uid, p->cfg.max_set);
	if (c->mac[from]) {
		char m[18];
		mac_text(c->mac[from], m);
		strset_add(p, &x->macs, m, p->cfg.max_set);
	}
}

static void obs_fingerprint(void *arg, struct nc_dec *d,
			    const struct nc_app_conn *c, int from,
			    const char *kind, const char *value)
{
	struct nc_profiles *p = arg;
	char fp[160];
	uint8_t key[17];

	snprintf(fp, sizeof(fp), "%s:%s", kind, value);
	p->d = d;
	if (p->on[T_SW] && p->cfg.fingerprint)
		fp_software(p, c, from, kind, value);
	if (p->on[T_IP]) {
		struct ipprof *x = map_get(p, &p->m[T_IP], key,
					   ip_key(key, c->addr[from], c->alen));
		if (x)
			strset_add(p, &x->fps, fp, p->cfg.max_set);
	}
	if (p->on[T_DEV] && c->mac[from]) {
		struct devprof *x = map_get(p, &p->m[T_DEV], c->mac[from], 6);
		if (x)
			strset_add(p, &x->fps, fp, p->cfg.max_set);
	}
}

static void span(int64_t *first, int64_t *last, int64_t f, int64_t l)
{
	if (*first == 0 || f < *first)
		*first = f;
	if (l > *last)
		*last = l;
}

static void obs_conn(void *arg, struct nc_dec *d, const struct nc_obs_conn *oc)
{
	struct nc_profiles *p = arg;
	const struct nc_app_conn *c = oc->c;
	uint8_t key[17];

	p->d = d;
	for (int k = 0; k < 2; k++) {
		uint64_t pk = oc->pkts[0] + oc->pkts[1];
		uint64_t by = oc->bytes[0] + oc->bytes[1];
		if (p->on[T_IP]) {
			struct ipprof *x =
			    map_get(p, &p->m[T_IP], key,
				    ip_key(key, c->addr[k], c->alen));
			if (x) {
				span(&x->first, &x->last, oc->first, oc->last);
				x->pkts += pk;
				x->bytes += by;
				if (oc->app)
					strset_add(p, &x->apps, oc->app,
						   p->cfg.max_set);
				if (c->proto == 6 || c->proto == 17 ||
				    c->proto == 132) {
					uint32_t m = p->cfg.max_set;
					if (oc->pkts[k]) {
						portset_add(
						    p, &x->sp, c->port[k],
						    c->proto, oc->pkts[k],
						    oc->bytes[k], m);
						portset_add(
						    p, &x->dp, c->port[!k],
						    c->proto, oc->pkts[k],
						    oc->bytes[k], m);
					}
					if (k == 1)
						portset_add(
						    p, &x->cp, c->port[1],
						    c->proto, pk, by, m);
				}
			}
		}
		if (p->on[T_DEV] && c->mac[k] && oc->pkts[k]) {
			struct devprof *x =
			    map_get(p, &p->m[T_DEV], c->mac[k], 6);
			if (x) {
				span(&x->first, &x->last, oc->first, oc->last);
				x->pkts += pk;
				x->bytes += by;
				addrset_add(p, &x->ips, c->addr[k], c->alen,
					    p->cfg.max_set);
				addrset_add(p, &x->contacts, c->addr[!k],
					    c->alen, p->cfg.max_set);
			}
		}
	}
	if (p->on[T_SVC] && oc->app) {
		struct service *x = service_of(p, c);
		if (x) {
			if (!x->name || !x->name[0]) {
				free(x->name);
				x->name = strdup(oc->app);
			}
			if (!x->first || oc->first < x->first)
				x->first = oc->first;
			x->bytes_server += oc->payload[1];
			x->bytes_client += oc->payload[0];
			strset_add(p, &x->flows, c->uid, p->cfg.max_set);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* life */

void nc_profile_cfg_default(struct nc_profile_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_ips = 1u << 16;
	cfg->max_macs = 1u << 14;
	cfg->max_software = 1u << 12;
	cfg->max_services = 1u << 14;
	cfg->max_set = 64;
}

static const enum nc_rec tab_rec[T_MAX] = {
    NC_REC_IPPROFILE, NC_REC_DEVICEPROFILE, NC_REC_SOFTWARE, NC_REC_SERVICE};

bool nc_profiles_wanted(const struct nc_recset *want)
{
	for (int t = 0; t < T_MAX; t++)
		if (want->on[tab_rec[t]])
			return true;
	return false;
}

struct nc_profiles *nc_profiles_new(const struct nc_profile_cfg *cfg,
				    const struct nc_recset *want)
{
	struct nc_profiles *p = calloc(1, sizeof(*p));
	const uint32_t max[T_MAX] = {cfg->max_ips, cfg->max_macs,
				     cfg->max_software, cfg->max_services};

	if (!p)
		return NULL;
	p->cfg = *cfg;
	if (!p->cfg.max_set)
		p->cfg.max_set = 64;
	for (int t = 0; t < T_MAX; t++) {
		p->on[t] =
		    want->on[tab_rec[t]] || (t == T_SW && cfg->software_done);
		if (!map_init(&p->m[t], max[t], (enum tab)t)) {
			nc_profiles_free(p);
			errno = ENOMEM;
			return NULL;
		}
	}
	p->obs = (struct nc_observer){
	    .arg = p,
	    .conn = obs_conn,
	    .software = obs_software,
	    .service = obs_service,
	    .dns_name = obs_dns_name,
	    .fingerprint = obs_fingerprint,
	};
	return p;
}

void nc_profiles_free(struct nc_profiles *p)
{
	if (!p)
		return;
	for (int t = 0; t < T_MAX; t++)
		map_free(&p->m[t]);
	free(p);
}

const struct nc_observer *nc_profiles_observer(struct nc_profiles *p)
{
	return &p->obs;
}

uint64_t nc_profiles_bytes(const struct nc_profiles *p)
{
	uint64_t b = 0;

	for (int t = 0; t < T_MAX; t++)
		b +=
		    (uint64_t)p->m[t].cap * (sizeof(struct ent) + val_size[t]) +
		    ((uint64_t)p->m[t].mask + 1) * sizeof(uint32_t);
	return b;
}

/* ---------------------------------------------------------------------- */
/* merge and emit */

static void strset_merge(struct nc_profiles *p, struct strset *to,
			 const struct strset *from)
{
	for (uint32_t i = 0; i < from->n; i++)
		strset_add(p, to, from->v[i], p->cfg.max_set);
}

static void portset_merge(struct nc_profiles *p, struct portset *to,
			  const struct portset *from)
{
	for (uint32_t i = 0; i < from->n; i++)
		portset_add(p, to, from->v[i].port, from->v[i].proto,
			    from->v[i].pkts, from->v[i].bytes, p->cfg.max_set);
}

static void addrset_merge(struct nc_profiles *p, struct addrset *to,
			  const struct addrset *from)
{
	for (uint32_t i = 0; i < from->n; i++)
		addrset_add(p, to, from->v[i].a, from->v[i].len,
			    p->cfg.max_set);
}

static void keep_str(char **to, const char *from)
{
	if ((!*to || !(*to)[0]) && from && from[0]) {
		free(*to);
		*to = strdup(from);
	}
}

static void merge_val(struct nc_profiles *p, enum tab t, void *to,
		      const void *from)
{
	switch (t) {
	case T_IP: {
		struct ipprof *a = to;
		const struct ipprof *b = from;
		if (b->pkts || b->first)
			span(&a->first, &a->last, b->first, b->last);
		a->pkts += b->pkts;
		a->bytes += b->bytes;
		strset_merge(p, &a->dns, &b->dns);
		strset_merge(p, &a->apps, &b->apps);
		strset_merge(p, &a->fps, &b->fps);
		portset_merge(p, &a->sp, &b->sp);
		portset_merge(p, &a->dp, &b->dp);
		portset_merge(p, &a->cp, &b->cp);
		break;
	}
	case T_DEV: {
		struct devprof *a = to;
		const struct devprof *b = from;
		if (b->pkts || b->first)
			span(&a->first, &a->last, b->first, b->last);
		a->pkts += b->pkts;
		a->bytes += b->bytes;
		addrset_merge(p, &a->ips, &b->ips);
		addrset_merge(p, &a->contacts, &b->contacts);
		strset_merge(p, &a->fps, &b->fps);
		break;
	}
	case T_SW: {
		struct software *a = to;
		const struct software *b = from;
		if (!a->product || b->first < a->first) {
			/* the first sighting's texts */
			a->first = b->first;
			free(a->data);
			a->data = b->data ? strdup(b->data) : NULL;
		}
		keep_str(&a->product, b->product);
		keep_str(&a->version, b->version);
		keep_str(&a->source, b->source);
		keep_str(&a->service, b->service);
		keep_str(&a->os, b->os);
		keep_str(&a->vendor, b->vendor);
		keep_str(&a->notes, b->notes);
		strset_merge(p, &a->flows, &b->flows);
		strset_merge(p, &a->macs, &b->macs);
		break;
	}
	case T_SVC: {
		struct service *a = to;
		const struct service *b = from;
		if (!a->first || (b->first && b->first < a->first))
			a->first = b->first;
		keep_str(&a->name, b->name);
		keep_str(&a->banner, b->banner);
		a->bytes_server += b->bytes_server;
		a->bytes_client += b->bytes_client;
		strset_merge(p, &a->flows, &b->flows);
		break;
	}
	case T_MAX:
		break;
	}
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	uint32_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_port(const void *a, const void *b)
{
	const struct portent *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->proto - (int)y->proto;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct addr *x = a, *y = b;

	if (x->len != y->len)
		return (int)x->len - (int)y->len;
	return memcmp(x->a, y->a, x->len);
}

static void sort_strs(struct strset *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
}

/* Port records of s, in port order (arrays of at least s->n). */
static size_t ports_out(struct portset *s, Netcap__Port *pm,
			Netcap__PortStats *ps, Netcap__Port **pp,
			char (*pnames)[4])
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_port);
	for (uint32_t i = 0; i < s->n; i++) {
		netcap__port_stats__init(&ps[i]);
		netcap__port__init(&pm[i]);
		ps[i].packets = s->v[i].pkts;
		ps[i].bytes = s->v[i].bytes;
		pm[i].portnumber = s->v[i].port;
		pm[i].protocol =
		    (char *)nc_transport_name(s->v[i].proto, pnames[i]);
		pm[i].stats = &ps[i];
		pp[i] = &pm[i];
	}
	return s->n;
}

static size_t addrs_out(struct addrset *s, ProtobufCBinaryData *out)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_addr);
	for (uint32_t i = 0; i < s->n; i++) {
		out[i].data = s->v[i].a;
		out[i].len = s->v[i].len;
	}
	return s->n;
}

static void emit_ip(struct nc_dec *d, const struct ent *e, struct ipprof *x,
		    uint32_t max_set)
{
	Netcap__IPProfile r = NETCAP__IPPROFILE__INIT;
	Netcap__Port pm[3][max_set];
	Netcap__PortStats ps[3][max_set];
	Netcap__Port *pp[3][max_set];
	char pn[3][max_set][4];

	r.addr.data = e->key + 1;
	r.addr.len = e->key[0];
	r.numpackets = (int64_t)x->pkts;
	r.bytes = x->bytes;
	r.timestampfirst = x->first;
	r.timestamplast = x->last;
	r.geolocation = (char *)"";
	sort_strs(&x->dns);
	sort_strs(&x->apps);
	sort_strs(&x->fps);
	r.n_dnsnames = x->dns.n;
	r.dnsnames = x->dns.v;
	r.n_applications = x->apps.n;
	r.applications = x->apps.v;
	r.n_fingerprints = x->fps.n;
	r.fingerprints = x->fps.v;
	r.n_srcports = ports_out(&x->sp, pm[0], ps[0], pp[0], pn[0]);
	r.srcports = pp[0];
	r.n_dstports = ports_out(&x->dp, pm[1], ps[1], pp[1], pn[1]);
	r.dstports = pp[1];
	r.n_contactedports = ports_out(&x->cp, pm[2], ps[2], pp[2], pn[2]);
	r.contactedports = pp[2];
	nc_emit(d, NC_REC_IPPROFILE, &r.base);
}

static void emit_dev(struct nc_dec *d, const struct nc_profiles *p,
		     const struct ent *e, struct devprof *x)
{
	Netcap__DeviceProfile r = NETCAP__DEVICE_PROFILE__INIT;
	ProtobufCBinaryData ips[p->cfg.max_set], con[p->cfg.max_set];
	const char *vendor = NULL;

	r.macaddr.data = e->key;
	r.macaddr.len = 6;
	if (p->cfg.vendor)
		vendor = p->cfg.vendor(p->cfg.vendor_arg, e->key);
	r.devicemanufacturer = (char *)(vendor ? vendor : "");
	r.n_deviceips = addrs_out(&x->ips, ips);
	r.deviceips = ips;
	r.n_contacts = addrs_out(&x->contacts, con);
	r.contacts = con;
	r.numpackets = (int64_t)x->pkts;
	r.bytes = x->bytes;
	r.timestamp = x->first;
	r.timestamplast = x->last;
	sort_strs(&x->fps);
	r.n_fingerprints = x->fps.n;
	r.fingerprints = x->fps.v;
	nc_emit(d, NC_REC_DEVICEPROFILE, &r.base);
}

static void emit_sw(struct nc_dec *d, const struct nc_profile_cfg *cfg,
		    struct software *x)
{
	Netcap__Software r = NETCAP__SOFTWARE__INIT;

	r.timestamp = x->first;
	r.product = x->product;
	r.version = x->version;
	r.os = x->os;
	r.vendor = x->vendor ? x->vendor : (char *)"";
	r.notes = x->notes ? x->notes : (char *)"";
	r.sourcename = x->source;
	r.sourcedata = x->data;
	r.service = x->service;
	sort_strs(&x->flows);
	sort_strs(&x->macs);
	r.n_flows = x->flows.n;
	r.flows = x->flows.v;
	r.n_deviceprofiles = x->macs.n;
	r.deviceprofiles = x->macs.v;
	if (nc_want(d, NC_REC_SOFTWARE))
		nc_emit(d, NC_REC_SOFTWARE, &r.base);
	if (cfg->software_done)
		cfg->software_done(cfg->software_arg, d, &r);
}

static void emit_svc(struct nc_dec *d, const struct ent *e, struct service *x)
{
	Netcap__Service r = NETCAP__SERVICE__INIT;
	unsigned alen = e->key[0];
	char pname[4];

	r.timestamp = x->first;
	r.ip.data = e->key + 1;
	r.ip.len = alen;
	r.port = e->key[1 + alen] << 8 | e->key[2 + alen];
	r.protocol = (char *)nc_transport_name(e->key[3 + alen], pname);
	r.name = x->name;
	r.banner = x->banner;
	r.bytesserver = (int64_t)x->bytes_server;
	r.bytesclient = (int64_t)x->bytes_client;
	sort_strs(&x->flows);
	r.n_flows = x->flows.n;
	r.flows = x->flows.v;
	nc_emit(d, NC_REC_SERVICE, &r.base);
}

void nc_profiles_emit(struct nc_dec *d, struct nc_profiles *const *pv,
		      unsigned n)
{
	if (n == 0 || !pv[0])
		return;
	struct nc_profiles *p0 = pv[0];

	for (int t = 0; t < T_MAX; t++) {
		if (!p0->on[t])
			continue;
		uint64_t total = 0;
		for (unsigned w = 0; w < n; w++)
			total += pv[w]->m[t].n;
		if (total == 0)
			continue;
		if (total > UINT32_MAX / 2)
			total = UINT32_MAX / 2;
		struct map merged = {0};
		struct nc_profiles tmp = *p0; /* counters and bounds */
		tmp.d = d;
		if (!map_init(&merged, (uint32_t)total, (enum tab)t))
			continue;
		for (unsigned w = 0; w < n; w++) {
			const struct map *m = &pv[w]->m[t];
			for (uint32_t i = 0; i < m->n; i++) {
				void *v = map_get(&tmp, &merged, m->e[i].key,
						  m->e[i].klen);
				if (v)
					merge_val(&tmp, (enum tab)t, v,
						  m->e[i].val);
			}
		}
		if (merged.n > 1)
			qsort(merged.e, merged.n, sizeof(*merged.e), cmp_ent);
		for (uint32_t i = 0; i < merged.n; i++) {
			struct ent *e = &merged.e[i];
			switch ((enum tab)t) {
			case T_IP:
				emit_ip(d, e, e->val, p0->cfg.max_set);
				break;
			case T_DEV:
				emit_dev(d, p0, e, e->val);
				break;
			case T_SW:
				emit_sw(d, &p0->cfg, e->val);
				break;
			case T_SVC:
				emit_svc(d, e, e->val);
				break;
			case T_MAX:
				break;
			}
		}
		map_free(&merged);
	}
}
