/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vendordb.c: `netcap util db build --oui FILE... -o FILE`, `db check` of
 * its output and `db lookup`.
 *
 * build reads the IEEE registry CSVs as the IEEE publishes them (and
 * Debian's ieee-data ships them: oui.csv, mam.csv, oui36.csv, iab.csv):
 *	Registry,Assignment,Organization Name,Organization Address
 *	MA-L,002272,American Micro-Fuel Device Corp.,2181 Buchanan Loop ...
 * RFC 4180 fields (quoted ones hold commas, quotes and newlines). Each
 * row's assignment has the length of its registry: MA-L 6 hex digits (24
 * bits), MA-M 7 (28), MA-S and IAB 9 (36). It writes one vendor database
 * (the format is in oui.c, which loads it for capture --vendors): sorted
 * by prefix, the organization with control bytes made spaces and outer
 * spaces cut, the address left out. Nothing is downloaded.
 *
 * Every problem in an input is one line naming the file and the row
 * (row 1 is the first after the header; its line in the file too), exit
 * status 1, and no output file: the database is written to a temporary
 * file next to -o and renamed only when complete.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "dbfile.h"
#include "engine.h"

struct vent {
	char prefix[10]; /* uppercase hex, 6, 7 or 9 digits */
	unsigned reg;	 /* index into nc_oui_registry */
	unsigned order;	 /* input order: ties keep it */
	char *name;
};

struct vsrc {
	const char *path;
	uint64_t size;
	char sha256[65], mtime[32];
};

struct vbuild {
	struct vent *v;
	size_t n, cap;
	struct vsrc src[NC_VENDORDB_MAX_SRC];
	unsigned nsrc;
	size_t count[4];
	char err[1024];
};

static const unsigned digits[4] = {6, 7, 9, 9};

static int vfail(struct vbuild *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int vfail(struct vbuild *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* The whole file, NUL-terminated, and its source entry. */
static char *slurp(struct vbuild *b, const char *path)
{
	struct nc_dbsrc d;

	if (nc_dbsrc_read(path, &d, b->err, sizeof(b->err)) != 0)
		return NULL;
	if (memchr(d.data, '\0', d.len)) {
		nc_dbsrc_free(&d);
		vfail(b, "%s: a NUL byte: not a CSV file", path);
		return NULL;
	}
	struct vsrc *s = &b->src[b->nsrc++];
	s->path = path;
	s->size = (uint64_t)d.len;
	memcpy(s->sha256, d.sha256, sizeof(s->sha256));
	memcpy(s->mtime, d.mtime, sizeof(s->mtime));
	return d.data;
}

static char *clean_name(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

static const char *const header[4] = {
    "Registry", "Assignment", "Organization Name", "Organization Address"};

static int read_registry(struct vbuild *b, const char *path, unsigned *order)
{
	char *data = slurp(b, path), *f[8];
	unsigned nf, line = 1, row = 0;

	if (!data)
		return -1;
	char *p = data;
	if (!strncmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a UTF-8 byte order mark */
	int rc = nc_csv_record(&p, f, 8, &nf, &line);
	bool hdr_ok = rc == 0 && nf == 4;
	for (unsigned i = 0; hdr_ok && i < 4; i++)
		hdr_ok = !strcmp(f[i], header[i]);
	if (!hdr_ok) {
		vfail(b,
		      "%s: line 1: not an IEEE registry CSV (want the "
		      "header Registry,Assignment,Organization Name,"
		      "Organization Address)",
		      path);
		free(data); /* after: the message quotes it */
		return -1;
	}
	while (*p) {
		unsigned at = line;
		row++;
		rc = nc_csv_record(&p, f, 8, &nf, &line);
		if (rc == 0 && nf == 1 && !f[0][0]) {
			row--;
			continue; /* an empty line */
		}
		if (rc == -1) {
			vfail(b,
			      "%s: row %u (line %u): unterminated "
			      "quoted field",
			      path, row, at);
			free(data); /* after: the message quotes it */
			return -1;
		}
		if (rc == -2 || nf != 4) {
			vfail(b,
			      "%s: row %u (line %u): %s fields, want 4 "
			      "(Registry,Assignment,Organization "
			      "Name,Organization Address)",
			      path, row, at,
			      rc == -2	? "more than 8"
			      : nf == 1 ? "1"
			      : nf == 2 ? "2"
			      : nf == 3 ? "3"
					: "5 or more");
			free(data); /* after: the message quotes it */
			return -1;
		}
		unsigned r = 0;
		while (r < 4 && strcmp(f[0], nc_oui_registry[r]) != 0)
			r++;
		if (r == 4) {
			vfail(b,
			      "%s: row %u (line %u): registry '%.16s' "
			      "(MA-L, MA-M, MA-S or IAB)",
			      path, row, at, f[0]);
			free(data); /* after: the message quotes it */
			return -1;
		}
		size_t al = strlen(f[1]);
		if (al != digits[r]) {
			vfail(b,
			      "%s: row %u (line %u): assignment "
			      "'%.16s' has %zu characters, %s "
			      "assignments have %u hex digits",
			      path, row, at, f[1], al, f[0], digits[r]);
			free(data); /* after: the message quotes it */
			return -1;
		}
		if (strspn(f[1], "0123456789ABCDEFabcdef") != al) {
			vfail(b,
			      "%s: row %u (line %u): assignment "
			      "'%.16s' is not hexadecimal",
			      path, row, at, f[1]);
			free(data); /* after: the message quotes it */
			return -1;
		}
		char *name = clean_name(f[2]);
		if (!*name) {
			vfail(b,
			      "%s: row %u (line %u, %s %s): empty "
			      "organization name",
			      path, row, at, f[0], f[1]);
			free(data); /* after: the message quotes it */
			return -1;
		}
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 4096;
			void *nv = realloc(b->v, nc * sizeof(*b->v));
			if (!nv) {
				vfail(b, "out of memory");
				free(data); /* after: the message quotes it */
				return -1;
			}
			b->v = nv;
			b->cap = nc;
		}
		struct vent *e = &b->v[b->n];
		for (size_t i = 0; i <= al; i++)
			e->prefix[i] = (char)(f[1][i] >= 'a' && f[1][i] <= 'f'
						  ? f[1][i] - 'a' + 'A'
						  : f[1][i]);
		e->reg = r;
		e->order = (*order)++;
		e->name = strdup(name);
		if (!e->name) {
			vfail(b, "out of memory");
			free(data); /* after: the message quotes it */
			return -1;
		}
		b->n++;
		b->count[r]++;
	}
	free(data);
	return 0;
}

static int cmp_vent(const void *a, const void *b)
{
	const struct vent *x = a, *y = b;
	int c = strcmp(x->prefix, y->prefix);

	if (c)
		return c;
	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int write_vendordb(struct vbuild *b, const char *out)
{
	struct nc_dbout o;
	char built[32];

	if (b->n)
		qsort(b->v, b->n, sizeof(*b->v), cmp_vent);
	if (nc_dbout_open(&o, out, b->err, sizeof(b->err)) != 0)
		return -1;
	nc_utc_stamp(built, sizeof(built), nc_build_time());
	nc_dbout_printf(&o, "%s\t%d\n", NC_VENDORDB_MAGIC, NC_VENDORDB_FORMAT);
	for (unsigned i = 0; i < b->nsrc; i++) {
		const struct vsrc *s = &b->src[i];
		const char *base = strrchr(s->path, '/');
		char name[256];
		/* a tab or newline in a file name would break the line */
		snprintf(name, sizeof(name), "%s", base ? base + 1 : s->path);
		clean_name(name);
		nc_dbout_printf(&o, "source\t%s\t%llu\t%s\t%s\n", name,
				(unsigned long long)s->size, s->sha256,
				s->mtime);
	}
	nc_dbout_printf(&o, "built\t%s\t%zu\n", built, b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct vent *e = &b->v[i];
		nc_dbout_printf(&o, "%s\t%s\t%u\t%s\n", nc_oui_registry[e->reg],
				e->prefix, digits[e->reg] * 4, e->name);
	}
	return nc_dbout_commit(&o, "end\t", NULL, b->err, sizeof(b->err));
}

int nc_vendordb_build(const char *const *files, unsigned n, const char *out)
{
	struct vbuild *b = calloc(1, sizeof(*b));
	unsigned order = 0;
	int rc = 0;

	if (!b) {
		fputs("netcap util db build: out of memory\n", stderr);
		return 1;
	}
	if (n > NC_VENDORDB_MAX_SRC) {
		fprintf(stderr,
			"netcap util db build: at most %d --oui files\n",
			NC_VENDORDB_MAX_SRC);
		free(b);
		return 2;
	}
	for (unsigned i = 0; i < n && !rc; i++)
		rc = read_registry(b, files[i], &order);
	if (!rc)
		rc = write_vendordb(b, out);
	if (rc)
		fprintf(stderr, "netcap util db build: %s\n", b->err);
	else
		printf("%s: %zu assignments (MA-L %zu, MA-M %zu, MA-S %zu, "
		       "IAB %zu)\n",
		       out, b->n, b->count[0], b->count[1], b->count[2],
		       b->count[3]);
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].name);
	free(b->v);
	free(b);
	return rc ? 1 : 0;
}

int nc_vendordb_check(const char *path)
{
	struct nc_oui *t = calloc(1, sizeof(*t));
	char err[512];

	if (!t) {
		fputs("netcap util db check: out of memory\n", stderr);
		return 1;
	}
	if (nc_oui_load_db(t, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db check: %s: %s\n", path, err);
		nc_oui_free(t);
		free(t);
		return 1;
	}
	printf("%s: netcap vendor database, format %d\n", path,
	       NC_VENDORDB_FORMAT);
	printf("built    %s\n", t->built);
	printf("sha256   %s\n", t->sha256);
	printf("entries  %zu assignments: MA-L %zu, MA-M %zu, MA-S %zu, IAB "
	       "%zu\n",
	       t->n, t->count[0], t->count[1], t->count[2], t->count[3]);
	for (unsigned i = 0; i < t->nsrc; i++) {
		const struct nc_oui_src *s = &t->src[i];
		printf("source   %s  %s bytes  sha256 %s  modified %s\n",
		       s->name, s->size, s->sha256, s->mtime);
	}
	nc_oui_free(t);
	free(t);
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" (or '-' separated, or 12 hex digits) into mac. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned k = 0;

	for (const char *p = s; *p; p++) {
		char c = *p;
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0) {
			if ((c == ':' || c == '-' || c == '.') && k % 2 == 0 &&
			    k && k < 12)
				continue;
			return false;
		}
		if (k == 12)
			return false;
		mac[k / 2] = (uint8_t)(k % 2 ? mac[k / 2] << 4 | d : d);
		k++;
	}
	return k == 12;
}

int nc_util_db_lookup(int argc, char **argv)
{
	if (argc < 3 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		FILE *f =
		    argc < 3 && !(argc == 2 && (!strcmp(argv[1], "-h") ||
						!strcmp(argv[1], "--help")))
			? stderr
			: stdout;
		fprintf(f, "usage: netcap util db lookup VENDORS.DB MAC...\n\n"
			   "Prints each MAC address and its vendor (longest "
			   "prefix: MA-S/IAB,\nMA-M, MA-L), as capture "
			   "--vendors finds it; \"\" when none.\n");
		return f == stdout ? 0 : 2;
	}
	struct nc_oui *t = calloc(1, sizeof(*t));
	char err[512];
	int rc = 0;

	if (!t) {
		fputs("netcap util db lookup: out of memory\n", stderr);
		return 1;
	}
	if (nc_oui_load_db(t, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db lookup: %s: %s\n", argv[1],
			err);
		nc_oui_free(t);
		free(t);
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		uint8_t mac[6];
		if (!parse_mac(argv[i], mac)) {
			fprintf(stderr,
				"netcap util db lookup: '%s': not a MAC "
				"address\n",
				argv[i]);
			rc = 2;
			break;
		}
		const char *v = nc_oui_vendor(t, mac);
		printf("%02x:%02x:%02x:%02x:%02x:%02x\t%s\n", mac[0], mac[1],
		       mac[2], mac[3], mac[4], mac[5], v ? v : "");
	}
	nc_oui_free(t);
	free(t);
	return rc;
}
