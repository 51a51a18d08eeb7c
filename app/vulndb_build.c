/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vulndb_build.c: `netcap util db build` and `netcap util db check`.
 *
 * build reads files the user downloaded (no network): NVD CVE JSON 2.0
 * feeds (--nvd, several) and Exploit-DB's files_exploits.csv
 * (--exploitdb), and writes one database file (-o) that capture
 * --vuln-db loads (decoders/abstract/vulndb.h). The format is text, one
 * tab-separated line per CVE, CPE range and exploit, sorted the way the
 * loader searches it, ending in the SHA-256 of the lines before: it loads
 * with one read and one pass and no JSON parser (the full NVD set in
 * well under a second, where parsing the feeds takes tens of seconds),
 * and it can still be read with grep. docs/APPLICATION.md gives the
 * grammar.
 *
 * Every problem in an input is one line naming the file and the entry
 * (NVD: vulnerabilities[i] and its CVE ID; CSV: the row and its id), exit
 * status 1, and no output file: the database is written to a temporary
 * file next to -o and renamed only when complete.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "dbfile.h"
#include "engine.h"
#include "vulndb.h"

#define MAX_INPUTS 64

/* ---------------------------------------------------------------------- */
/* collected entries */

struct cve {
	char *id, *published, *cvss_version, *severity, *vector, *desc;
	double score, v2score;
	unsigned order; /* input order: a later duplicate wins */
};

struct cpe {
	char *product, *vendor, *part, *version, *update;
	char *si, *se, *ei, *ee, *cve;
};

struct xp {
	char *cve, *id, *file, *date, *author, *type, *platform, *port, *desc;
	unsigned long idn;
};

struct src {
	const char *kind, *path;
	uint64_t size;
	char sha256[65];
	char mtime[32];
	char *feed_ts;
};

struct build {
	struct cve *cve;
	size_t ncve, capcve;
	struct cpe *cpe;
	size_t ncpe, capcpe;
	struct xp *xp;
	size_t nxp, capxp;
	struct src src[2 * MAX_INPUTS];
	unsigned nsrc;
	size_t xp_unknown; /* exploit entries whose CVEs are not in the feeds */
	char err[1024];
};

static int fail(struct build *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct build *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void *grow(void *v, size_t *cap, size_t n, size_t es)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 64;
	void *nv = realloc(v, nc * es);
	if (nv)
		*cap = nc;
	return nv;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d) {
		fputs("netcap util db build: out of memory\n", stderr);
		exit(1);
	}
	return d;
}

/* ---------------------------------------------------------------------- */
/* inputs */

static int read_file(struct build *b, const char *kind, const char *path,
		     char **data, size_t *len)
{
	struct nc_dbsrc d;

	if (nc_dbsrc_read(path, &d, b->err, sizeof(b->err)) != 0)
		return -1;
	*data = d.data;
	*len = d.len;
	struct src *s = &b->src[b->nsrc++];
	s->kind = kind;
	s->path = path;
	s->size = (uint64_t)d.len;
	s->feed_ts = NULL;
	memcpy(s->sha256, d.sha256, sizeof(s->sha256));
	memcpy(s->mtime, d.mtime, sizeof(s->mtime));
	return 0;
}

/* The English text of an NVD descriptions array ("" when none). */
static const char *english(json_t *arr)
{
	size_t i;
	json_t *d;

	json_array_foreach(arr, i, d)
	{
		const char *lang =
		    json_string_value(json_object_get(d, "lang"));
		const char *v = json_string_value(json_object_get(d, "value"));
		if (lang && v && strcmp(lang, "en") == 0)
			return v;
	}
	return "";
}

/* Split a cpe:2.3 string at unescaped ':' into its 13 parts. */
static bool cpe_split(const char *s, char *buf, size_t cap, char **part)
{
	size_t n = strlen(s);
	unsigned k = 0;

	if (n >= cap || strncmp(s, "cpe:2.3:", 8) != 0)
		return false;
	memcpy(buf, s, n + 1);
	part[k++] = buf;
	for (char *p = buf; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ':') {
			*p = '\0';
			if (k == 13)
				return false;
			part[k++] = p + 1;
		}
	}
	if (k != 13)
		return false;
	for (unsigned i = 2; i < 7; i++)
		if (!part[i][0])
			return false;
	return part[2][0] == 'a' || part[2][0] == 'o' || part[2][0] == 'h' ||
	       part[2][0] == '*';
}

/* A version field without CPE escapes ("1.0\-rc1" is "1.0-rc1"). */
static char *unesc(const char *s)
{
	char *d = xstrdup(s), *o = d;
	for (const char *p = s; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return d;
}

/* Check one optional string member; false: present but not a string. */
static bool opt_str(json_t *o, const char *k, const char **v)
{
	json_t *x = json_object_get(o, k);
	*v = "";
	if (!x)
		return true;
	if (!json_is_string(x))
		return false;
	*v = json_string_value(x);
	return true;
}

/* The metric NVD gives first among v3.1, v3.0, v2 (the Primary one). */
static int nvd_metrics(struct build *b, const char *file, size_t i,
		       const char *id, json_t *metrics, struct cve *c)
{
	static const struct {
		const char *key, *ver;
	} m[] = {{"cvssMetricV31", "3.1"},
		 {"cvssMetricV30", "3.0"},
		 {"cvssMetricV2", "2.0"}};

	c->cvss_version = xstrdup("");
	c->severity = xstrdup("");
	c->vector = xstrdup("");
	if (!metrics)
		return 0;
	if (!json_is_object(metrics))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): metrics: not an "
			    "object",
			    file, i, id);
	bool chosen = false;
	for (unsigned k = 0; k < 3; k++) {
		json_t *arr = json_object_get(metrics, m[k].key);
		if (!arr)
			continue;
		if (!json_is_array(arr))
			return fail(
			    b,
			    "%s: vulnerabilities[%zu] (%s): metrics.%s: "
			    "not an array",
			    file, i, id, m[k].key);
		size_t j, pick = SIZE_MAX;
		bool pick_primary = false;
		json_t *e;
		json_array_foreach(arr, j, e)
		{
			json_t *cd = json_object_get(e, "cvssData");
			json_t *bs = json_object_get(cd, "baseScore");
			json_t *vs = json_object_get(cd, "vectorString");
			if (!json_is_object(cd) || !json_is_number(bs) ||
			    !json_is_string(vs) || json_number_value(bs) < 0 ||
			    json_number_value(bs) > 10)
				return fail(b,
					    "%s: vulnerabilities[%zu] (%s): "
					    "metrics.%s[%zu]: cvssData needs "
					    "baseScore (0-10) and vectorString",
					    file, i, id, m[k].key, j);
			const char *type =
			    json_string_value(json_object_get(e, "type"));
			bool primary = type && !strcmp(type, "Primary");
			if (pick == SIZE_MAX || (primary && !pick_primary)) {
				pick = j;
				pick_primary = primary;
			}
		}
		if (pick == SIZE_MAX)
			continue;
		json_t *e0 = json_array_get(arr, pick);
		json_t *cd = json_object_get(e0, "cvssData");
		double score =
		    json_number_value(json_object_get(cd, "baseScore"));
		if (k == 2)
			c->v2score = score;
		if (chosen)
			continue;
		chosen = true;
		const char *sev = json_string_value(
		    json_object_get(k == 2 ? e0 : cd, "baseSeverity"));
		free(c->cvss_version);
		free(c->severity);
		free(c->vector);
		c->cvss_version = xstrdup(m[k].ver);
		c->severity = xstrdup(sev);
		c->vector = xstrdup(
		    json_string_value(json_object_get(cd, "vectorString")));
		c->score = score;
	}
	return 0;
}

static int nvd_cpematch(struct build *b, const char *file, size_t i,
			const char *id, const char *where, json_t *m)
{
	json_t *vul = json_object_get(m, "vulnerable");
	const char *crit = json_string_value(json_object_get(m, "criteria"));
	char buf[1024], *part[13];
	const char *si, *se, *ei, *ee;

	if (!json_is_object(m) || !json_is_boolean(vul))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): %s: needs "
			    "vulnerable (true/false)",
			    file, i, id, where);
	if (!crit || !cpe_split(crit, buf, sizeof(buf), part))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): %s.criteria: "
			    "not a cpe:2.3 string",
			    file, i, id, where);
	if (!opt_str(m, "versionStartIncluding", &si) ||
	    !opt_str(m, "versionStartExcluding", &se) ||
	    !opt_str(m, "versionEndIncluding", &ei) ||
	    !opt_str(m, "versionEndExcluding", &ee))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): %s: a "
			    "version bound is not a string",
			    file, i, id, where);
	if (!json_is_true(vul)) /* a platform condition, not the product */
		return 0;
	char prod[256], vend[256];
	nc_cpe_norm(prod, sizeof(prod), part[4]);
	nc_cpe_norm(vend, sizeof(vend), part[3]);
	b->cpe = grow(b->cpe, &b->capcpe, b->ncpe, sizeof(*b->cpe));
	if (!b->cpe)
		return fail(b, "out of memory");
	b->cpe[b->ncpe++] = (struct cpe){
	    xstrdup(prod),  xstrdup(vend), xstrdup(part[2]), unesc(part[5]),
	    unesc(part[6]), unesc(si),	   unesc(se),	     unesc(ei),
	    unesc(ee),	    xstrdup(id)};
	return 0;
}

static int nvd_entry(struct build *b, const char *file, size_t i, json_t *v,
		     unsigned order)
{
	json_t *c = json_object_get(v, "cve");
	const char *id = json_string_value(json_object_get(c, "id"));

	if (!json_is_object(c))
		return fail(b, "%s: vulnerabilities[%zu]: no cve object", file,
			    i);
	if (!id || strncmp(id, "CVE-", 4) != 0 || strlen(id) > 32 ||
	    strspn(id + 4, "0123456789-") != strlen(id + 4))
		return fail(b,
			    "%s: vulnerabilities[%zu]: cve.id missing or "
			    "not a CVE ID",
			    file, i);
	json_t *desc = json_object_get(c, "descriptions");
	if (desc && !json_is_array(desc))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): descriptions: "
			    "not an array",
			    file, i, id);
	const char *pub;
	if (!opt_str(c, "published", &pub))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): published: not "
			    "a string",
			    file, i, id);

	b->cve = grow(b->cve, &b->capcve, b->ncve, sizeof(*b->cve));
	if (!b->cve)
		return fail(b, "out of memory");
	struct cve *e = &b->cve[b->ncve++];
	memset(e, 0, sizeof(*e));
	e->id = xstrdup(id);
	e->published = xstrdup(pub);
	e->desc = xstrdup(english(desc));
	e->order = order;
	if (nvd_metrics(b, file, i, id, json_object_get(c, "metrics"), e))
		return -1;

	json_t *cfgs = json_object_get(c, "configurations");
	if (!cfgs)
		return 0;
	if (!json_is_array(cfgs))
		return fail(b,
			    "%s: vulnerabilities[%zu] (%s): configurations: "
			    "not an array",
			    file, i, id);
	size_t ci, ni, mi;
	json_t *cfg, *node, *m;
	json_array_foreach(cfgs, ci, cfg)
	{
		json_t *nodes = json_object_get(cfg, "nodes");
		if (!json_is_array(nodes))
			return fail(b,
				    "%s: vulnerabilities[%zu] (%s): "
				    "configurations[%zu].nodes: not an array",
				    file, i, id, ci);
		json_array_foreach(nodes, ni, node)
		{
			json_t *ms = json_object_get(node, "cpeMatch");
			if (!json_is_array(ms))
				return fail(b,
					    "%s: vulnerabilities[%zu] (%s): "
					    "configurations[%zu].nodes[%zu]."
					    "cpeMatch: not an array",
					    file, i, id, ci, ni);
			json_array_foreach(ms, mi, m)
			{
				char where[96];
				snprintf(where, sizeof(where),
					 "configurations[%zu].nodes[%zu]."
					 "cpeMatch[%zu]",
					 ci, ni, mi);
				if (nvd_cpematch(b, file, i, id, where, m))
					return -1;
			}
		}
	}
	return 0;
}

static int read_nvd(struct build *b, const char *path, unsigned *order)
{
	char *data = NULL;
	size_t len = 0;
	json_error_t je;

	if (read_file(b, "nvd", path, &data, &len))
		return -1;
	json_t *root = json_loadb(data, len, 0, &je);
	free(data);
	if (!root)
		return fail(b, "%s: line %d: %s", path, je.line, je.text);
	json_t *vs = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vs)) {
		json_decref(root);
		return fail(b,
			    "%s: not an NVD CVE JSON 2.0 feed (no "
			    "vulnerabilities array)",
			    path);
	}
	const char *ts = json_string_value(json_object_get(root, "timestamp"));
	b->src[b->nsrc - 1].feed_ts = xstrdup(ts);
	size_t i;
	json_t *v;
	json_array_foreach(vs, i, v)
	{
		if (nvd_entry(b, path, i, v, (*order)++)) {
			json_decref(root);
			return -1;
		}
	}
	json_decref(root);
	return 0;
}

/*
 * One CSV record (RFC 4180) from *p; fields point into buf (rewritten).
 * 0, -1 for an unterminated quote, -2 for more than max fields; *line
 * counts the newlines read (inside quotes too).
 */
int nc_csv_record(char **p, char **f, unsigned max, unsigned *nf,
		  unsigned *line)
{
	char *s = *p, *o = s;
	unsigned n = 0;

	f[n++] = o;
	for (;;) {
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					return -1; /* unterminated quote */
				if (*s == '"' && s[1] == '"') {
					*o++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					if (*s == '\n')
						(*line)++;
					*o++ = *s++;
				}
			}
		}
		while (*s && *s != ',' && *s != '\n' && *s != '\r')
			*o++ = *s++;
		if (*s == ',') {
			*o++ = '\0';
			s++;
			if (n == max)
				return -2;
			f[n++] = o;
			continue;
		}
		if (*s == '\r')
			s++;
		if (*s == '\n') {
			s++;
			(*line)++;
		}
		*o = '\0';
		break;
	}
	*p = s;
	*nf = n;
	return 0;
}

enum {
	C_ID,
	C_FILE,
	C_DESC,
	C_DATE,
	C_AUTHOR,
	C_TYPE,
	C_PLAT,
	C_PORT,
	C_CODES,
	NCOL
};

static int read_exploitdb(struct build *b, const char *path)
{
	static const char *const names[NCOL] = {
	    "id",   "file",	"description", "date_published", "author",
	    "type", "platform", "port",	       "codes"};
	char *data = NULL, *p, *f[64];
	size_t len = 0;
	unsigned nf, line = 1, nhead, row = 0;
	int col[NCOL];

#define XFAIL(...)                                                             \
	do {                                                                   \
		fail(b, __VA_ARGS__);                                          \
		free(data);                                                    \
		return -1;                                                     \
	} while (0)
	if (read_file(b, "exploitdb", path, &data, &len))
		return -1;
	p = data;
	if (nc_csv_record(&p, f, 64, &nhead, &line) != 0) {
		XFAIL("%s: line 1: unreadable header", path);
	}
	for (unsigned k = 0; k < NCOL; k++) {
		col[k] = -1;
		for (unsigned j = 0; j < nhead; j++)
			if (!strcmp(f[j], names[k]) ||
			    (k == C_DATE && !strcmp(f[j], "date")))
				col[k] = (int)j;
		if (col[k] < 0) {
			XFAIL("%s: header has no '%s' column (not "
			      "Exploit-DB's files_exploits.csv)",
			      path, names[k]);
		}
	}
	while (*p) {
		unsigned at = line;
		row++;
		int rc = nc_csv_record(&p, f, 64, &nf, &line);
		if (rc == 0 && nf == 1 && !f[0][0])
			continue; /* empty line */
		const char *idv = rc == 0 && f[0][0] ? f[col[C_ID]] : "?";
		if (rc == -1) {
			XFAIL("%s: row %u (line %u): unterminated "
			      "quoted field",
			      path, row, at);
		}
		if (rc == -2 || nf != nhead) {
			XFAIL("%s: row %u (line %u, id %s): %u fields, "
			      "the header has %u",
			      path, row, at, idv, rc == -2 ? 65u : nf, nhead);
		}
		char *end;
		unsigned long idn = strtoul(idv, &end, 10);
		if (end == idv || *end) {
			XFAIL("%s: row %u (line %u): id '%s' is not a "
			      "number",
			      path, row, at, idv);
		}
		/* one entry per CVE it names (codes:
		 * "CVE-2018-15473;OSVDB-...") */
		char *codes = f[col[C_CODES]], *save = NULL;
		for (char *t = strtok_r(codes, ";", &save); t;
		     t = strtok_r(NULL, ";", &save)) {
			while (*t == ' ')
				t++;
			if (strncmp(t, "CVE-", 4) != 0)
				continue;
			b->xp = grow(b->xp, &b->capxp, b->nxp, sizeof(*b->xp));
			if (!b->xp) {
				XFAIL("out of memory");
			}
			b->xp[b->nxp++] = (struct xp){xstrdup(t),
						      xstrdup(idv),
						      xstrdup(f[col[C_FILE]]),
						      xstrdup(f[col[C_DATE]]),
						      xstrdup(f[col[C_AUTHOR]]),
						      xstrdup(f[col[C_TYPE]]),
						      xstrdup(f[col[C_PLAT]]),
						      xstrdup(f[col[C_PORT]]),
						      xstrdup(f[col[C_DESC]]),
						      idn};
		}
	}
	free(data);
	return 0;
#undef XFAIL
}

/* ---------------------------------------------------------------------- */
/* output */

static int cmp_cve(const void *a, const void *b)
{
	const struct cve *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static int cmp_cpe(const void *a, const void *b)
{
	const struct cpe *x = a, *y = b;
	const char *const fx[] = {x->product, x->vendor, x->cve, x->part,
				  x->version, x->update, x->si,	 x->se,
				  x->ei,      x->ee};
	const char *const fy[] = {y->product, y->vendor, y->cve, y->part,
				  y->version, y->update, y->si,	 y->se,
				  y->ei,      y->ee};
	for (unsigned i = 0; i < 10; i++) {
		int c = strcmp(fx[i], fy[i]);
		if (c)
			return c;
	}
	return 0;
}

static int cmp_xp(const void *a, const void *b)
{
	const struct xp *x = a, *y = b;
	int c = strcmp(x->cve, y->cve);
	if (c)
		return c;
	return x->idn < y->idn ? -1 : x->idn > y->idn;
}

static void cve_free(struct cve *e)
{
	free(e->id);
	free(e->published);
	free(e->cvss_version);
	free(e->severity);
	free(e->vector);
	free(e->desc);
}

static void cpe_free(struct cpe *e)
{
	char *v[] = {e->product, e->vendor, e->part, e->version, e->update,
		     e->si,	 e->se,	    e->ei,   e->ee,	 e->cve};
	for (unsigned k = 0; k < 10; k++)
		free(v[k]);
}

static void xp_free(struct xp *e)
{
	char *v[] = {e->cve,  e->id,	   e->file, e->date, e->author,
		     e->type, e->platform, e->port, e->desc};
	for (unsigned k = 0; k < 9; k++)
		free(v[k]);
}

static void build_free(struct build *b)
{
	for (size_t i = 0; i < b->ncve; i++)
		cve_free(&b->cve[i]);
	free(b->cve);
	for (size_t i = 0; i < b->ncpe; i++)
		cpe_free(&b->cpe[i]);
	free(b->cpe);
	for (size_t i = 0; i < b->nxp; i++)
		xp_free(&b->xp[i]);
	free(b->xp);
	for (unsigned i = 0; i < b->nsrc; i++)
		free(b->src[i].feed_ts);
}

/* Fields joined by tabs, each escaped (\\ \t \n \r), then a newline. */
static void line_out(struct nc_dbout *o, unsigned n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);
		if (i)
			nc_dbout_put(o, "\t", 1);
		for (const char *p = s ? s : ""; *p; p++) {
			const char *e = *p == '\\'   ? "\\\\"
					: *p == '\t' ? "\\t"
					: *p == '\n' ? "\\n"
					: *p == '\r' ? "\\r"
						     : NULL;
			if (e)
				nc_dbout_put(o, e, 2);
			else
				nc_dbout_put(o, p, 1);
		}
	}
	nc_dbout_put(o, "\n", 1);
	va_end(ap);
}

static bool cve_known(const struct build *b, const char *id)
{
	size_t lo = 0, hi = b->ncve;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->cve[mid].id, id);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int write_db(struct build *b, const char *out)
{
	/* sort, keep the last of duplicate CVEs, drop duplicate lines */
	if (b->ncve)
		qsort(b->cve, b->ncve, sizeof(*b->cve), cmp_cve);
	size_t n = 0;
	for (size_t i = 0; i < b->ncve; i++) {
		if (i + 1 < b->ncve &&
		    !strcmp(b->cve[i].id, b->cve[i + 1].id)) {
			cve_free(&b->cve[i]);
			continue;
		}
		b->cve[n++] = b->cve[i];
	}
	b->ncve = n;
	if (b->ncpe)
		qsort(b->cpe, b->ncpe, sizeof(*b->cpe), cmp_cpe);
	n = 0;
	for (size_t i = 0; i < b->ncpe; i++) {
		if (n && !cmp_cpe(&b->cpe[n - 1], &b->cpe[i]))
			cpe_free(&b->cpe[i]);
		else
			b->cpe[n++] = b->cpe[i];
	}
	b->ncpe = n;
	if (b->nxp)
		qsort(b->xp, b->nxp, sizeof(*b->xp), cmp_xp);
	n = 0;
	for (size_t i = 0; i < b->nxp; i++) {
		if (!cve_known(b, b->xp[i].cve)) {
			b->xp_unknown++;
			xp_free(&b->xp[i]);
			continue;
		}
		if (n && !cmp_xp(&b->xp[n - 1], &b->xp[i])) {
			xp_free(&b->xp[i]);
			continue;
		}
		b->xp[n++] = b->xp[i];
	}
	b->nxp = n;

	struct nc_dbout o;
	if (nc_dbout_open(&o, out, b->err, sizeof(b->err)) != 0)
		return -1;
	char built[32], a[24], c[24], d[24];
	nc_utc_stamp(built, sizeof(built), nc_build_time());

	line_out(&o, 2, NC_VULNDB_MAGIC, "1");
	for (unsigned i = 0; i < b->nsrc; i++) {
		const struct src *s = &b->src[i];
		const char *base = strrchr(s->path, '/');
		snprintf(a, sizeof(a), "%llu", (unsigned long long)s->size);
		line_out(&o, 7, "source", s->kind, base ? base + 1 : s->path, a,
			 s->sha256, s->mtime, s->feed_ts ? s->feed_ts : "");
	}
	snprintf(a, sizeof(a), "%zu", b->ncve);
	snprintf(c, sizeof(c), "%zu", b->ncpe);
	snprintf(d, sizeof(d), "%zu", b->nxp);
	line_out(&o, 5, "built", built, a, c, d);
	for (size_t i = 0; i < b->ncve; i++) {
		const struct cve *e = &b->cve[i];
		char sc[16] = "", v2[16] = "";
		if (e->cvss_version[0])
			snprintf(sc, sizeof(sc), "%.1f", e->score);
		if (e->v2score > 0)
			snprintf(v2, sizeof(v2), "%.1f", e->v2score);
		line_out(&o, 9, "cve", e->id, e->published, e->cvss_version, sc,
			 e->severity, e->vector, v2, e->desc);
	}
	for (size_t i = 0; i < b->ncpe; i++) {
		const struct cpe *e = &b->cpe[i];
		line_out(&o, 11, "cpe", e->product, e->vendor, e->part,
			 e->version, e->update, e->si, e->se, e->ei, e->ee,
			 e->cve);
	}
	for (size_t i = 0; i < b->nxp; i++) {
		const struct xp *e = &b->xp[i];
		line_out(&o, 10, "exploit", e->cve, e->id, e->file, e->date,
			 e->author, e->type, e->platform, e->port, e->desc);
	}
	return nc_dbout_commit(&o, "end\t", NULL, b->err, sizeof(b->err));
}

static void build_usage(FILE *f)
{
	fprintf(
	    f, "usage: netcap util db build --nvd FILE [--nvd FILE...] "
	       "[--exploitdb FILE] -o FILE\n"
	       "       netcap util db build --oui FILE [--oui FILE...] -o "
	       "FILE\n"
	       "       netcap util db build [--ja3-sslbl FILE...] "
	       "[--fingerprints FILE...] -o FILE\n"
	       "       netcap util db build [--feodo FILE...] [--drop FILE...] "
	       "-o FILE\n\n"
	       "  --nvd FILE        an NVD CVE JSON 2.0 feed "
	       "(nvdcve-2.0-<year>.json), several allowed\n"
	       "  --exploitdb FILE  Exploit-DB's files_exploits.csv\n"
	       "  --oui FILE        an IEEE registry CSV (oui.csv, mam.csv, "
	       "oui36.csv, iab.csv):\n"
	       "                    a vendor database for capture --vendors\n"
	       "  --ja3-sslbl FILE  abuse.ch SSLBL's ja3_fingerprints.csv: "
	       "a fingerprints JSON\n"
	       "                    for capture --fingerprints\n"
	       "  --fingerprints FILE  a netcap fingerprints JSON to merge "
	       "(its entries win)\n"
	       "  --feodo FILE      abuse.ch Feodo Tracker's ipblocklist.csv: "
	       "an indicator list\n"
	       "                    for capture --indicators\n"
	       "  --drop FILE       Spamhaus DROP/EDROP (drop.txt): an "
	       "indicator list\n"
	       "  -o, --out FILE    the database to write (replaced only when "
	       "complete)\n\n"
	       "One database per run. Reads only the files named; nothing is "
	       "downloaded.\n");
}

int nc_util_db_build(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"nvd", required_argument, NULL, 'n'},
	    {"exploitdb", required_argument, NULL, 'x'},
	    {"oui", required_argument, NULL, 'v'},
	    {"ja3-sslbl", required_argument, NULL, 's'},
	    {"fingerprints", required_argument, NULL, 'f'},
	    {"feodo", required_argument, NULL, 'F'},
	    {"drop", required_argument, NULL, 'D'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *nvd[MAX_INPUTS], *xdb[MAX_INPUTS], *out = NULL;
	const char *oui[MAX_INPUTS], *ssl[MAX_INPUTS], *fps[MAX_INPUTS];
	const char *feo[MAX_INPUTS], *drp[MAX_INPUTS];
	unsigned nn = 0, nx = 0, no = 0, ns = 0, nf = 0, nfe = 0, nd = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
		case 'x':
			if ((c == 'n' ? nn : nx) == MAX_INPUTS) {
				fprintf(stderr,
					"netcap util db build: at most %d "
					"files per option\n",
					MAX_INPUTS);
				return 2;
			}
			if (c == 'n')
				nvd[nn++] = optarg;
			else
				xdb[nx++] = optarg;
			break;
		case 'v':
		case 's':
		case 'f':
		case 'F':
		case 'D': {
			unsigned *k = c == 'v'	 ? &no
				      : c == 's' ? &ns
				      : c == 'f' ? &nf
				      : c == 'F' ? &nfe
						 : &nd;
			const char **a = c == 'v'   ? oui
					 : c == 's' ? ssl
					 : c == 'f' ? fps
					 : c == 'F' ? feo
						    : drp;
			if (*k == MAX_INPUTS) {
				fprintf(stderr,
					"netcap util db build: at most %d "
					"files per option\n",
					MAX_INPUTS);
				return 2;
			}
			a[(*k)++] = optarg;
			break;
		}
		case 'o':
			out = optarg;
			break;
		case 'h':
			build_usage(stdout);
			return 0;
		default:
			build_usage(stderr);
			return 2;
		}
	}
	unsigned kinds = (nn || nx) + !!no + (ns || nf) + (nfe || nd);
	if (optind != argc || !out || kinds != 1 || (nx && !nn)) {
		fprintf(stderr, "netcap util db build: %s (try --help)\n",
			optind != argc ? "unexpected argument"
			: kinds > 1
			    ? "one database per run: --nvd/--exploitdb, "
			      "--oui, --ja3-sslbl/--fingerprints or "
			      "--feodo/--drop"
			: !kinds ? "--nvd, --oui, --ja3-sslbl, --fingerprints, "
				   "--feodo or --drop FILE is required"
			: nx && !nn ? "--nvd FILE is required"
				    : "-o FILE is required");
		return 2;
	}
	if (no)
		return nc_vendordb_build(oui, no, out);
	if (ns || nf)
		return nc_fpdb_build(ssl, ns, fps, nf, out);
	if (nfe || nd)
		return nc_indicators_build(feo, nfe, drp, nd, out);

	struct build *b = calloc(1, sizeof(*b));
	if (!b) {
		fputs("netcap util db build: out of memory\n", stderr);
		return 1;
	}
	unsigned order = 0;
	int rc = 0;
	for (unsigned i = 0; i < nn && !rc; i++)
		rc = read_nvd(b, nvd[i], &order);
	for (unsigned i = 0; i < nx && !rc; i++)
		rc = read_exploitdb(b, xdb[i]);
	if (!rc)
		rc = write_db(b, out);
	if (rc) {
		fprintf(stderr, "netcap util db build: %s\n", b->err);
		build_free(b);
		free(b);
		return 1;
	}
	printf("%s: %zu CVEs, %zu CPE ranges, %zu exploits", out, b->ncve,
	       b->ncpe, b->nxp);
	if (b->xp_unknown)
		printf(" (%zu exploit entries name CVEs not in the feeds: "
		       "left out)",
		       b->xp_unknown);
	printf("\n");
	build_free(b);
	free(b);
	return 0;
}

int nc_util_db_check(int argc, char **argv)
{
	if (argc == 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: netcap util db check FILE\n\n"
		       "Validates a database written by 'netcap util db build' "
		       "(vulnerability,\nvendor or fingerprints, told by its "
		       "first bytes) and prints its sources.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: netcap util db check FILE\n");
		return 2;
	}
	char head[32] = "";
	FILE *hf = fopen(argv[1], "rb");
	if (hf) {
		size_t hn = fread(head, 1, sizeof(head) - 1, hf);
		head[hn] = '\0';
		fclose(hf);
	}
	if (!strncmp(head, NC_VENDORDB_MAGIC "\t", sizeof(NC_VENDORDB_MAGIC)))
		return nc_vendordb_check(argv[1]);
	if (!strncmp(head, "# netcap-indicators 1\n", 22))
		return nc_indicators_check_file(argv[1]);
	const char *j = head + strspn(head, " \t\r\n");
	if (*j == '{')
		return nc_fpdb_check(argv[1]);
	struct nc_vulndb db;
	char err[512];
	if (nc_vulndb_load(&db, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db check: %s: %s\n", argv[1], err);
		return 1;
	}
	printf("%s: netcap vulnerability database, format %d\n", argv[1],
	       NC_VULNDB_FORMAT);
	printf("built    %s\n", db.built);
	printf("sha256   %s\n", db.sha256);
	printf("entries  %u CVEs, %u CPE ranges, %u exploits\n", db.ncve,
	       db.ncpe, db.nxp);
	for (uint32_t i = 0; i < db.nsrc; i++) {
		const struct nc_vulndb_source *s = &db.src[i];
		printf(
		    "source   %-9s %s  %s bytes  sha256 %s  modified %s%s%s\n",
		    s->kind, s->name, s->size, s->sha256, s->mtime,
		    s->feed_ts[0] ? "  feed timestamp " : "", s->feed_ts);
	}
	nc_vulndb_free(&db);
	return 0;
}
