/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oui.c: MAC address vendors from the IEEE MA-L registry as Debian's
 * ieee-data package ships it (/usr/share/ieee-data/oui.txt), read once at
 * start when DeviceProfile records are selected. Lines of interest:
 *	00-22-72   (hex)		American Micro-Fuel Device Corp.
 * The table is sorted by OUI for a binary search; a missing file leaves
 * DeviceManufacturer empty, it is not an error.
 *
 * capture --vendors FILE reads a vendor database written by `netcap util
 * db build --oui` (vendordb.c) instead: MA-L (24-bit), MA-M (28-bit),
 * MA-S and IAB (36-bit) prefixes, found longest first. Such a file is
 * checked whole (its SHA-256 end line, every line's fields) and a problem
 * is an error, not an empty table.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct oui_ent {
	uint64_t key;	/* the prefix's bits, right-aligned */
	uint32_t order; /* line order: the first of equal prefixes wins */
	uint8_t bits;	/* 24, 28 or 36 */
	char *name;
};

/* Two hex digits at p (0..255), or -1. */
static int hex2(const char *p)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int cmp_oui(const void *a, const void *b)
{
	const struct oui_ent *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool oui_push(struct nc_oui *t, size_t *cap, uint64_t key, unsigned bits,
		     char *name)
{
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		void *nv = realloc(t->v, nc * sizeof(*t->v));
		if (!nv)
			return false;
		t->v = nv;
		*cap = nc;
	}
	t->v[t->n] = (struct oui_ent){key, (uint32_t)t->n, (uint8_t)bits, name};
	t->n++;
	t->lens |= bits == 24 ? 1u : bits == 28 ? 2u : 4u;
	return true;
}

/* The whole file in one buffer, NUL-terminated; NULL on error. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			size_t nc = cap ? cap * 2 : 1 << 22;
			char *nb = realloc(buf, nc + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = nc;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * One read and one pass: the names stay in the file's buffer (cut with a
 * NUL) instead of a line-by-line read with a copy of every name (12.7 to
 * 10 ms for the 32,530 vendors of Debian's file; it is read at every
 * start of a capture with DeviceProfile records).
 */
int nc_oui_load(struct nc_oui *t, const char *path)
{
	size_t len = 0, cap = 0;

	t->v = NULL;
	t->n = 0;
	t->lens = 0;
	t->buf = read_all(path, &len);
	if (!t->buf)
		return -1;
	for (char *line = t->buf, *end = t->buf + len; line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *next = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		/* "XX-XX-XX   (hex)" then the name */
		static const char tag[] = "(hex)";
		size_t ll = (size_t)((nl ? nl : end) - line);
		int a = ll > 8 ? hex2(line) : -1;
		int b = a >= 0 ? hex2(line + 3) : -1;
		int c = b >= 0 ? hex2(line + 6) : -1;
		char *name = line + 8;
		if (c < 0 || line[2] != '-' || line[5] != '-')
			goto next;
		name += strspn(name, " \t");
		if (strncmp(name, tag, sizeof(tag) - 1) != 0)
			goto next;
		name += sizeof(tag) - 1;
		name += strspn(name, " \t");
		name[strcspn(name, "\r")] = '\0';
		if (!oui_push(t, &cap, (uint64_t)(a << 16 | b << 8 | c), 24,
			      name))
			break;
	next:
		line = next;
	}
	if (t->n) /* t->v is NULL for a file without a vendor line */
		qsort(t->v, t->n, sizeof(*t->v), cmp_oui);
	return 0;
}

const char *const nc_oui_registry[4] = {"MA-L", "MA-M", "MA-S", "IAB"};
static const unsigned reg_digits[4] = {6, 7, 9, 9};

static int db_err(char *err, size_t errlen, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int db_err(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, errlen, "line %u: ", line) : 0;

	if (n < 0 || (size_t)n >= errlen)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split at tabs, at most max fields; the count (max + 1 when more). */
static unsigned split_tabs(char *s, char **f, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			return n;
		*t = '\0';
		s = t + 1;
	}
}

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* n uppercase hex digits into *v */
static bool hex_upper(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return true;
}

/*
 * The format (vendordb.c writes it; docs/TOOLS.md):
 *	netcap-vendors	1
 *	source	<file>	<bytes>	<sha256>	<modified>	(one per input)
 *	built	<date>	<entries>
 *	<registry>	<prefix hex>	<bits>	<organization>	(sorted)
 *	end	<sha256 of the lines before>
 * Checks every line; visits the file once plus one sort.
 */
int nc_oui_load_db(struct nc_oui *t, const char *path, char *err, size_t errlen)
{
	size_t len = 0, cap = 0, want = 0;
	unsigned line = 0;
	bool built = false;

	memset(t, 0, sizeof(*t));
	errno = 0;
	t->buf = read_all(path, &len);
	if (!t->buf)
		return db_err(err, errlen, 0, "%s",
			      errno ? strerror(errno) : "cannot read it");
	if (strncmp(t->buf, NC_VENDORDB_MAGIC "\t",
		    sizeof(NC_VENDORDB_MAGIC)) != 0)
		return db_err(err, errlen, 1, "not a netcap vendor database");
	if (t->buf[len - 1] != '\n' || memchr(t->buf, '\0', len))
		return db_err(err, errlen, 0,
			      "truncated or binary (a NUL byte, no final "
			      "newline)");
	char *endl = NULL;
	for (size_t i = len - 1; i > 0; i--)
		if (t->buf[i - 1] == '\n') {
			endl = t->buf + i;
			break;
		}
	if (!endl || strncmp(endl, "end\t", 4) != 0)
		return db_err(err, errlen, 0, "truncated (no end line)");
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	if (EVP_Digest(t->buf, (size_t)(endl - t->buf), md, &mdl, EVP_sha256(),
		       NULL) != 1 ||
	    mdl != 32)
		return db_err(err, errlen, 0, "SHA-256 failed");
	for (unsigned i = 0; i < 32; i++)
		snprintf(t->sha256 + 2 * i, 3, "%02x", md[i]);
	if (strncmp(endl + 4, t->sha256, 64) != 0 || endl[68] != '\n' ||
	    endl + 69 != t->buf + len)
		return db_err(err, errlen, 0,
			      "checksum mismatch: the file was changed or cut");

	for (char *p = t->buf; p < endl;) {
		char *nl = strchr(p, '\n'), *f[8];
		*nl = '\0';
		line++;
		unsigned n = split_tabs(p, f, 7);
		p = nl + 1;
		if (line == 1) {
			if (strcmp(f[0], NC_VENDORDB_MAGIC) != 0)
				return db_err(err, errlen, line,
					      "not a netcap vendor database");
			if (n != 2 || strcmp(f[1], "1") != 0)
				return db_err(err, errlen, line,
					      "format %s, this netcap reads 1",
					      n > 1 ? f[1] : "?");
			continue;
		}
		if (!strcmp(f[0], "source") && !built) {
			if (n != 5 || !all_digits(f[2]) || strlen(f[3]) != 64)
				return db_err(err, errlen, line,
					      "source line: want file, size, "
					      "SHA-256, date");
			if (t->nsrc == NC_VENDORDB_MAX_SRC)
				return db_err(err, errlen, line,
					      "more than %d sources",
					      NC_VENDORDB_MAX_SRC);
			t->src[t->nsrc++] =
			    (struct nc_oui_src){f[1], f[2], f[3], f[4]};
			continue;
		}
		if (!strcmp(f[0], "built") && !built) {
			if (n != 3 || !all_digits(f[2]) || !t->nsrc)
				return db_err(err, errlen, line,
					      "built line: want date and "
					      "count, after the sources");
			t->built = f[1];
			want = strtoull(f[2], NULL, 10);
			built = true;
			continue;
		}
		unsigned r = 0;
		while (r < 4 && strcmp(f[0], nc_oui_registry[r]) != 0)
			r++;
		if (!built || r == 4)
			return db_err(err, errlen, line,
				      "unexpected line '%.16s'", f[0]);
		uint64_t key;
		unsigned bits = reg_digits[r] * 4;
		if (n != 4)
			return db_err(err, errlen, line,
				      "%u fields, want 4 (registry, prefix, "
				      "bits, organization)",
				      n);
		if (!hex_upper(f[1], reg_digits[r], &key))
			return db_err(err, errlen, line,
				      "%s prefix '%.16s': want %u uppercase "
				      "hex digits",
				      f[0], f[1], reg_digits[r]);
		if (strtoul(f[2], NULL, 10) != bits || !all_digits(f[2]))
			return db_err(err, errlen, line,
				      "%s prefix length '%.8s': want %u", f[0],
				      f[2], bits);
		if (!f[3][0])
			return db_err(err, errlen, line, "empty organization");
		for (const char *c = f[3]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return db_err(err, errlen, line,
					      "control character in the "
					      "organization");
		if (!oui_push(t, &cap, key, bits, f[3]))
			return db_err(err, errlen, 0, "out of memory");
		t->count[r]++;
	}
	if (!built)
		return db_err(err, errlen, 0, "no built line");
	t->db = true;
	if (want != t->n)
		return db_err(err, errlen, 0,
			      "built line counts %zu entries, the file has %zu",
			      want, t->n);
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_oui);
	return 0;
}

static void *load_main(void *arg)
{
	struct nc_oui *t = arg;

	nc_oui_load(t, t->path);
	return NULL;
}

/*
 * Load in a thread of its own while EAL starts (rte_eal_init sleeps 100
 * ms to calibrate the TSC where the CPU does not tell its frequency);
 * nc_oui_wait before the first lookup. Without a thread: load now.
 */
void nc_oui_load_start(struct nc_oui *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	if (pthread_create(&t->thread, NULL, load_main, t) == 0)
		t->loading = true;
	else
		nc_oui_load(t, path);
}

void nc_oui_wait(struct nc_oui *t)
{
	if (t->loading) {
		pthread_join(t->thread, NULL);
		t->loading = false;
	}
}

/* The first entry of (bits, key) in the sorted table, or NULL. */
static const struct oui_ent *oui_find(const struct nc_oui *t, unsigned bits,
				      uint64_t key)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct oui_ent *e = &t->v[mid];
		if (e->bits < bits || (e->bits == bits && e->key < key))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->v[lo].bits == bits && t->v[lo].key == key)
		return &t->v[lo];
	return NULL;
}

/*
 * Any entry of key in a table of 24-bit prefixes only (oui.txt): the
 * search netcap always made there, kept so that the prefixes the IEEE
 * lists more than once (080030, 0001C8) resolve as they did.
 */
static const struct oui_ent *oui_find_txt(const struct nc_oui *t, uint64_t key)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].key < key)
			lo = mid + 1;
		else if (t->v[mid].key > key)
			hi = mid;
		else
			return &t->v[mid];
	}
	return NULL;
}

/*
 * Longest prefix first: 36 bits (MA-S, IAB), 28 (MA-M), 24 (MA-L); in a
 * vendor database the first entry of a prefix listed more than once.
 */
const char *nc_oui_vendor(void *arg, const uint8_t mac[6])
{
	const struct nc_oui *t = arg;
	uint64_t m = 0;
	static const unsigned lens[] = {36, 28, 24};

	for (int i = 0; i < 6; i++)
		m = m << 8 | mac[i];
	if (!t->db) {
		const struct oui_ent *e = oui_find_txt(t, m >> 24);
		return e ? e->name : NULL;
	}
	for (unsigned i = 0; i < 3; i++) {
		if (!(t->lens & (4u >> i)))
			continue;
		const struct oui_ent *e =
		    oui_find(t, lens[i], m >> (48 - lens[i]));
		if (e)
			return e->name;
	}
	return NULL;
}

void nc_oui_free(struct nc_oui *t)
{
	nc_oui_wait(t);
	free(t->v);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
