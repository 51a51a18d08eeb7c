/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vulndb.c: version ranges, the database file and the Vulnerability and
 * Exploit records (vulndb.h).
 *
 * The file (written by app/vulndb_build.c; docs/APPLICATION.md gives the
 * grammar) is read whole, cut into lines and fields in place, and indexed
 * by three arrays of pointers into it: nothing is copied, so loading the
 * full NVD set (~250,000 CVEs, ~1.5 million CPE ranges) is one read and
 * one pass. The sort orders the arrays are searched by are checked here,
 * not trusted.
 */
#include "vulndb.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------------- */
/* versions */

struct vtok {
	const char *p;
	size_t n;
	bool num;
};

/* The next token of *s, or false at the end. */
static bool vtok_next(const char **s, struct vtok *t)
{
	const char *p = *s;

	while (*p && !isalnum((unsigned char)*p))
		p++;
	if (!*p) {
		*s = p;
		return false;
	}
	t->p = p;
	t->num = isdigit((unsigned char)*p) != 0;
	if (t->num)
		while (isdigit((unsigned char)*p))
			p++;
	else
		while (isalpha((unsigned char)*p))
			p++;
	t->n = (size_t)(p - t->p);
	*s = p;
	return true;
}

static int num_cmp(const struct vtok *a, const struct vtok *b)
{
	const char *x = a->p, *y = b->p;
	size_t m = a->n, n = b->n;

	while (m > 1 && *x == '0')
		x++, m--;
	while (n > 1 && *y == '0')
		y++, n--;
	if (m != n)
		return m < n ? -1 : 1;
	int c = memcmp(x, y, m);
	return c < 0 ? -1 : c > 0;
}

static int word_cmp(const struct vtok *a, const struct vtok *b)
{
	size_t n = a->n < b->n ? a->n : b->n;

	for (size_t i = 0; i < n; i++) {
		int x = tolower((unsigned char)a->p[i]);
		int y = tolower((unsigned char)b->p[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a->n == b->n ? 0 : a->n < b->n ? -1 : 1;
}

static bool prerelease(const struct vtok *t)
{
	static const char *const w[] = {"alpha", "beta", "pre",
					"rc",	 "dev",	 "preview"};

	if (t->num)
		return false;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (strlen(w[i]) == t->n && strncasecmp(w[i], t->p, t->n) == 0)
			return true;
	return false;
}

int nc_vercmp(const char *a, const char *b)
{
	struct vtok x, y;

	for (;;) {
		bool hx = vtok_next(&a, &x), hy = vtok_next(&b, &y);
		if (!hx && !hy)
			return 0;
		if (!hx) /* a ran out */
			return prerelease(&y) ? 1 : -1;
		if (!hy)
			return prerelease(&x) ? -1 : 1;
		int c;
		if (x.num && y.num)
			c = num_cmp(&x, &y);
		else if (!x.num && !y.num)
			c = word_cmp(&x, &y);
		else
			c = x.num ? 1 : -1;
		if (c)
			return c;
	}
}

static bool is_any(const char *s)
{
	return s[0] == '*' && s[1] == '\0';
}

static bool is_na(const char *s)
{
	return s[0] == '-' && s[1] == '\0';
}

bool nc_cpe_version_match(const struct nc_cpe_range *r, const char *v)
{
	if (!v || !v[0])
		return false;
	bool ranged = r->start_incl[0] || r->start_excl[0] || r->end_incl[0] ||
		      r->end_excl[0];
	if (ranged) {
		if (r->start_incl[0] && nc_vercmp(v, r->start_incl) < 0)
			return false;
		if (r->start_excl[0] && nc_vercmp(v, r->start_excl) <= 0)
			return false;
		if (r->end_incl[0] && nc_vercmp(v, r->end_incl) > 0)
			return false;
		if (r->end_excl[0] && nc_vercmp(v, r->end_excl) >= 0)
			return false;
		/* NVD writes "*" with a range; a fixed version with a range
		   (not seen in the feeds) must also hold */
		if (!is_any(r->version) && !is_na(r->version) &&
		    r->version[0] && nc_vercmp(v, r->version) != 0)
			return false;
		return true;
	}
	if (is_any(r->version))
		return true;
	if (is_na(r->version) || !r->version[0])
		return false;
	if (is_any(r->update) || !r->update[0]) {
		if (nc_vercmp(v, r->version) == 0)
			return true;
		/* "7.4p1" is version 7.4 with update p1: the CPE's version
		   followed by letters */
		size_t n = strlen(r->version);
		return strncasecmp(v, r->version, n) == 0 &&
		       isalpha((unsigned char)v[n]);
	}
	if (is_na(r->update))
		return nc_vercmp(v, r->version) == 0;
	char full[256];
	snprintf(full, sizeof(full), "%s%s", r->version, r->update);
	return nc_vercmp(v, full) == 0;
}

void nc_cpe_norm(char *out, size_t cap, const char *in)
{
	size_t n = 0;

	if (!cap)
		return;
	for (; *in && n + 1 < cap; in++) {
		unsigned char ch = (unsigned char)*in;
		if (ch == '\\' && in[1]) {
			in++;
			ch = (unsigned char)*in;
		}
		out[n++] = ch == ' ' ? '_' : (char)tolower(ch);
	}
	out[n] = '\0';
}

/* ---------------------------------------------------------------------- */
/* the file */

#define MAX_FIELDS 12

static int lerr(char *err, size_t cap, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int lerr(char *err, size_t cap, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, cap, "line %u: ", line) : 0;

	if (n < 0 || (size_t)n >= cap)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Undo the writer's escapes (\\ \t \n \r) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't'   ? '\t'
			       : *s == 'n' ? '\n'
			       : *s == 'r' ? '\r'
					   : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static unsigned split(char *line, char **f, unsigned max)
{
	unsigned n = 0;

	f[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\t') {
			*p = '\0';
			if (n == max)
				return max + 1;
			f[n++] = p + 1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		unescape(f[i]);
	return n;
}

static bool parse_count(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 50000000ul)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_score(const char *s, double *out)
{
	char *end;
	if (!s[0]) {
		*out = 0;
		return true;
	}
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 10))
		return false;
	*out = v;
	return true;
}

static int cve_find(const struct nc_vulndb *db, const char *id)
{
	uint32_t lo = 0, hi = db->ncve;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		/* every entry below ncve has its id (a field of its line) */
		// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
		int c = strcmp(db->cve[mid].id, id);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int cpe_key_cmp(const struct nc_cpe_range *a,
		       const struct nc_cpe_range *b)
{
	int c = strcmp(a->product, b->product);
	return c ? c : strcmp(a->vendor, b->vendor);
}

static bool sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;

	if (EVP_Digest(p, n, md, &mdl, EVP_sha256(), NULL) != 1 || mdl != 32)
		return false;
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return true;
}

enum sect { S_HEAD, S_SRC, S_CVE, S_CPE, S_XP, S_END };

/* Free db after the message (which may point into it) is made. */
static int bail(struct nc_vulndb *db, int rc)
{
	nc_vulndb_free(db);
	return rc;
}

int nc_vulndb_load(struct nc_vulndb *db, const char *path, char *err,
		   size_t errlen)
{
	memset(db, 0, sizeof(*db));
	FILE *f = fopen(path, "rb");
	if (!f)
		return lerr(err, errlen, 0, "%s", strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size <= 0 || (uint64_t)st.st_size > (8ull << 30)) {
		fclose(f);
		return lerr(err, errlen, 0, "not a database file (size)");
	}
	db->len = (size_t)st.st_size;
	db->buf = malloc(db->len + 1);
	if (!db->buf || fread(db->buf, 1, db->len, f) != db->len) {
		fclose(f);
		return bail(db, lerr(err, errlen, 0, "cannot read it"));
	}
	fclose(f);
	db->buf[db->len] = '\0';
	if (memchr(db->buf, '\0', db->len)) {
		return bail(db, lerr(err, errlen, 0,
				     "a NUL byte: not a database file"));
	}

	/* the end line and the checksum of everything before it */
	char *endl = NULL;
	if (db->len < 2 || db->buf[db->len - 1] != '\n') {
		return bail(
		    db, lerr(err, errlen, 0, "truncated (no final newline)"));
	}
	for (size_t i = db->len - 1; i > 0; i--)
		if (db->buf[i - 1] == '\n') {
			endl = db->buf + i;
			break;
		}
	if (!endl || strncmp(endl, "end\t", 4) != 0) {
		return bail(db,
			    lerr(err, errlen, 0, "truncated (no end line)"));
	}
	if (!sha256_hex(db->buf, (size_t)(endl - db->buf), db->sha256) ||
	    strncmp(endl + 4, db->sha256, 64) != 0 || endl[68] != '\n') {
		return bail(
		    db, lerr(err, errlen, 0,
			     "checksum mismatch: the file was changed or cut"));
	}

	enum sect s = S_HEAD;
	unsigned line = 0;
	uint32_t cap_cve = 0, cap_cpe = 0, cap_xp = 0;
	char *p = db->buf;
	while (p < db->buf + db->len) {
		char *nl = strchr(p, '\n');
		*nl = '\0';
		line++;
		char *fl[MAX_FIELDS];
		unsigned n = split(p, fl, MAX_FIELDS);
		const char *tag = fl[0];
		p = nl + 1;
#define WANT(k)                                                                \
	do {                                                                   \
		if (n != (k)) {                                                \
			return bail(db, lerr(err, errlen, line,                \
					     "%s line: %u fields, want %u",    \
					     tag, n, (unsigned)(k)));          \
		}                                                              \
	} while (0)
		if (s == S_HEAD) {
			if (strcmp(tag, NC_VULNDB_MAGIC) != 0) {
				return bail(db,
					    lerr(err, errlen, line,
						 "not a netcap vulnerability "
						 "database"));
			}
			WANT(2);
			if (strcmp(fl[1], "1") != 0) {
				return bail(
				    db, lerr(err, errlen, line,
					     "format %s, this netcap reads 1",
					     fl[1]));
			}
			s = S_SRC;
			continue;
		}
		if (strcmp(tag, "source") == 0 && s == S_SRC) {
			WANT(7);
			void *v =
			    realloc(db->src, (db->nsrc + 1) * sizeof(*db->src));
			if (!v) {
				return bail(db, lerr(err, errlen, line,
						     "out of memory"));
			}
			db->src = v;
			db->src[db->nsrc++] = (struct nc_vulndb_source){
			    fl[1], fl[2], fl[3], fl[4], fl[5], fl[6]};
			continue;
		}
		if (strcmp(tag, "built") == 0 && s == S_SRC) {
			WANT(5);
			db->built = fl[1];
			if (!parse_count(fl[2], &cap_cve) ||
			    !parse_count(fl[3], &cap_cpe) ||
			    !parse_count(fl[4], &cap_xp)) {
				return bail(
				    db, lerr(err, errlen, line, "bad counts"));
			}
			db->cve = calloc(cap_cve + 1, sizeof(*db->cve));
			db->cpe = calloc(cap_cpe + 1, sizeof(*db->cpe));
			db->xp = calloc(cap_xp + 1, sizeof(*db->xp));
			if (!db->cve || !db->cpe || !db->xp) {
				return bail(db, lerr(err, errlen, line,
						     "out of memory"));
			}
			s = S_CVE;
			continue;
		}
		if (strcmp(tag, "cve") == 0 && s == S_CVE) {
			WANT(9);
			if (db->ncve == cap_cve) {
				return bail(
				    db, lerr(err, errlen, line,
					     "more cve lines than counted"));
			}
			struct nc_vulndb_cve *c = &db->cve[db->ncve];
			c->id = fl[1];
			c->published = fl[2];
			c->cvss_version = fl[3];
			c->severity = fl[5];
			c->vector = fl[6];
			c->desc = fl[8];
			if (!parse_score(fl[4], &c->score) ||
			    !parse_score(fl[7], &c->v2score)) {
				return bail(db, lerr(err, errlen, line,
						     "%s: bad score", c->id));
			}
			if (db->ncve &&
			    strcmp(db->cve[db->ncve - 1].id, c->id) >= 0) {
				return bail(
				    db, lerr(err, errlen, line,
					     "%s: cve lines not sorted by ID",
					     c->id));
			}
			db->ncve++;
			continue;
		}
		if (strcmp(tag, "cpe") == 0 && (s == S_CVE || s == S_CPE)) {
			s = S_CPE;
			WANT(11);
			if (db->ncpe == cap_cpe) {
				return bail(
				    db, lerr(err, errlen, line,
					     "more cpe lines than counted"));
			}
			struct nc_vulndb_cpe *c = &db->cpe[db->ncpe];
			c->r =
			    (struct nc_cpe_range){fl[1], fl[2], fl[4], fl[5],
						  fl[6], fl[7], fl[8], fl[9]};
			c->part = fl[3];
			int k = cve_find(db, fl[10]);
			if (k < 0) {
				return bail(
				    db, lerr(err, errlen, line,
					     "cpe line names %s, which has no "
					     "cve line",
					     fl[10]));
			}
			c->cve = (uint32_t)k;
			if (db->ncpe &&
			    cpe_key_cmp(&db->cpe[db->ncpe - 1].r, &c->r) > 0) {
				return bail(
				    db, lerr(err, errlen, line,
					     "cpe lines not sorted by product, "
					     "vendor"));
			}
			db->ncpe++;
			continue;
		}
		if (strcmp(tag, "exploit") == 0 && s >= S_CVE && s <= S_XP) {
			s = S_XP;
			WANT(10);
			if (db->nxp == cap_xp) {
				return bail(
				    db,
				    lerr(err, errlen, line,
					 "more exploit lines than counted"));
			}
			db->xp[db->nxp] = (struct nc_vulndb_exploit){
			    fl[1], fl[2], fl[3], fl[4], fl[5],
			    fl[6], fl[7], fl[8], fl[9]};
			if (db->nxp &&
			    strcmp(db->xp[db->nxp - 1].cve, fl[1]) > 0) {
				return bail(
				    db,
				    lerr(err, errlen, line,
					 "exploit lines not sorted by CVE"));
			}
			db->nxp++;
			continue;
		}
		if (strcmp(tag, "end") == 0 && s >= S_CVE) {
			WANT(2);
			s = S_END;
			break;
		}
		return bail(db, lerr(err, errlen, line, "unexpected %s line",
				     tag[0] ? tag : "empty"));
#undef WANT
	}
	if (s != S_END || !db->built) {
		return bail(db, lerr(err, errlen, line, "incomplete database"));
	}
	if (db->ncve != cap_cve || db->ncpe != cap_cpe || db->nxp != cap_xp) {
		return bail(db, lerr(err, errlen, line,
				     "counts differ from the built line"));
	}
	return 0;
}

void nc_vulndb_free(struct nc_vulndb *db)
{
	free(db->buf);
	free(db->src);
	free(db->cve);
	free(db->cpe);
	free(db->xp);
	memset(db, 0, sizeof(*db));
}

/* ---------------------------------------------------------------------- */
/* matching */

/* Software names that differ from the NVD product (docs/APPLICATION.md). */
static const struct {
	const char *name, *vendor, *product;
} aliases[] = {
    {"apache", "apache", "http_server"},
    {"apache_httpd", "apache", "http_server"},
    {"httpd", "apache", "http_server"},
    {"microsoft-iis", "microsoft", "internet_information_services"},
};

struct hit {
	uint32_t cve;
	uint32_t cpe;
};

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->cve != y->cve)
		return x->cve < y->cve ? -1 : 1;
	return x->cpe < y->cpe ? -1 : x->cpe > y->cpe;
}

/* "openbsd:openssh >= 8.6, < 9.8" */
static void range_text(char *out, size_t cap, const struct nc_vulndb_cpe *c)
{
	const struct nc_cpe_range *r = &c->r;
	int n = snprintf(out, cap, "%s:%s", r->vendor, r->product);
	const char *sep = " ";

	if (n < 0 || (size_t)n >= cap)
		return;
	const struct {
		const char *op, *v;
	} b[] = {{">=", r->start_incl},
		 {">", r->start_excl},
		 {"<=", r->end_incl},
		 {"<", r->end_excl}};
	bool ranged = false;
	for (unsigned i = 0; i < 4; i++) {
		if (!b[i].v[0])
			continue;
		int k = snprintf(out + n, cap - (size_t)n, "%s%s %s", sep,
				 b[i].op, b[i].v);
		if (k < 0 || (size_t)k >= cap - (size_t)n)
			return;
		n += k;
		sep = ", ";
		ranged = true;
	}
	if (ranged)
		return;
	if (is_any(r->version))
		snprintf(out + n, cap - (size_t)n, " (all versions)");
	else if (is_any(r->update) || is_na(r->update) || !r->update[0])
		snprintf(out + n, cap - (size_t)n, " = %s%s", r->version,
			 is_any(r->update) ? " (any update)" : "");
	else
		snprintf(out + n, cap - (size_t)n, " = %s %s", r->version,
			 r->update);
}

static const char *access_vector(const char *vec)
{
	const char *p = strstr(vec, "AV:");

	if (!p)
		return "";
	switch (p[3]) {
	case 'N':
		return "NETWORK";
	case 'A':
		return "ADJACENT_NETWORK";
	case 'L':
		return "LOCAL";
	case 'P':
		return "PHYSICAL";
	}
	return "";
}

static unsigned port_of(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	return end != s && !*end && v <= 65535 ? (unsigned)v : 0;
}

#define MAX_HITS	 4096
#define MAX_RANGES_SHOWN 16
#define MAX_EXPLOITS	 1024

unsigned nc_vulndb_software(void *arg, struct nc_dec *d,
			    const Netcap__Software *sw)
{
	const struct nc_vulndb *db = arg;
	char prod[128], vend[128];
	const char *want_vendor = NULL;

	if (!db || !sw->version || !sw->version[0] || !sw->product)
		return 0;
	nc_cpe_norm(prod, sizeof(prod), sw->product);
	if (sw->vendor && sw->vendor[0]) {
		nc_cpe_norm(vend, sizeof(vend), sw->vendor);
		want_vendor = vend;
	}
	bool aliased = false;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(prod, aliases[i].name) == 0) {
			aliased = true;
			snprintf(prod, sizeof(prod), "%s", aliases[i].product);
			snprintf(vend, sizeof(vend), "%s", aliases[i].vendor);
			want_vendor = vend;
			break;
		}
	}

	/* how it was matched, for Notes */
	char notes[320];
	snprintf(notes, sizeof(notes), "matched as %s%s%s%s", prod,
		 want_vendor ? " of vendor " : " of any vendor",
		 want_vendor ? vend : "",
		 aliased ? " (the name's NVD product)" : "");

	/* the first CPE line of the product */
	uint32_t lo = 0, hi = db->ncpe;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(db->cpe[mid].r.product, prod) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct hit *hits = NULL;
	uint32_t nh = 0, caph = 0;
	for (uint32_t i = lo; i < db->ncpe; i++) {
		const struct nc_vulndb_cpe *c = &db->cpe[i];
		if (strcmp(c->r.product, prod) != 0)
			break;
		if (want_vendor && strcmp(c->r.vendor, want_vendor) != 0)
			continue;
		if (!nc_cpe_version_match(&c->r, sw->version))
			continue;
		if (nh == caph) {
			uint32_t nc = caph ? caph * 2 : 16;
			if (nc > MAX_HITS)
				break;
			void *v = realloc(hits, nc * sizeof(*hits));
			if (!v)
				break;
			hits = v;
			caph = nc;
		}
		hits[nh++] = (struct hit){c->cve, i};
	}
	if (nh > 1)
		qsort(hits, nh, sizeof(*hits), hit_cmp);

	char rtext[MAX_RANGES_SHOWN][192];
	char *rv[MAX_RANGES_SHOWN];
	const char *seen[MAX_EXPLOITS];
	unsigned nseen = 0, ncves = 0;
	for (uint32_t i = 0; i < nh;) {
		const struct nc_vulndb_cve *cv = &db->cve[hits[i].cve];
		unsigned nr = 0;
		uint32_t j = i;
		for (; j < nh && hits[j].cve == hits[i].cve; j++) {
			if (nr < MAX_RANGES_SHOWN) {
				range_text(rtext[nr], sizeof(rtext[nr]),
					   &db->cpe[hits[j].cpe]);
				if (nr == 0 ||
				    strcmp(rtext[nr], rtext[nr - 1]) != 0)
					rv[nr] = rtext[nr], nr++;
			}
		}
		i = j;
		ncves++;
		if (nc_want(d, NC_REC_VULNERABILITY)) {
			Netcap__Vulnerability r = NETCAP__VULNERABILITY__INIT;
			r.timestamp = sw->timestamp;
			r.id = (char *)cv->id;
			r.description = (char *)cv->desc;
			r.severity = (char *)cv->severity;
			r.v2score = cv->v2score;
			r.accessvector = (char *)access_vector(cv->vector);
			r.n_versions = nr;
			r.versions = rv;
			r.notes = notes;
			r.software = (Netcap__Software *)sw;
			r.score = cv->score;
			r.cvssversion = (char *)cv->cvss_version;
			r.vector = (char *)cv->vector;
			r.published = (char *)cv->published;
			r.n_sourceuids = sw->n_flows;
			r.sourceuids = sw->flows;
			nc_emit(d, NC_REC_VULNERABILITY, &r.base);
		}
		if (!nc_want(d, NC_REC_EXPLOIT))
			continue;
		/* the first exploit line of the CVE */
		uint32_t a = 0, b = db->nxp;
		while (a < b) {
			uint32_t mid = a + (b - a) / 2;
			if (strcmp(db->xp[mid].cve, cv->id) < 0)
				a = mid + 1;
			else
				b = mid;
		}
		for (; a < db->nxp && strcmp(db->xp[a].cve, cv->id) == 0; a++) {
			const struct nc_vulndb_exploit *x = &db->xp[a];
			bool dup = false;
			for (unsigned k = 0; k < nseen && !dup; k++)
				dup = strcmp(seen[k], x->id) == 0;
			if (dup || nseen == MAX_EXPLOITS)
				continue;
			seen[nseen++] = x->id;
			Netcap__Exploit r = NETCAP__EXPLOIT__INIT;
			r.timestamp = sw->timestamp;
			r.id = (char *)x->id;
			r.description = (char *)x->desc;
			r.file = (char *)x->file;
			r.notes = (char *)"";
			r.date = (char *)x->date;
			r.author = (char *)x->author;
			r.typ = (char *)x->type;
			r.platform = (char *)x->platform;
			r.port = port_of(x->port);
			r.software = (Netcap__Software *)sw;
			r.cve = (char *)x->cve;
			r.n_sourceuids = sw->n_flows;
			r.sourceuids = sw->flows;
			nc_emit(d, NC_REC_EXPLOIT, &r.base);
		}
	}
	free(hits);
	return ncves;
}
