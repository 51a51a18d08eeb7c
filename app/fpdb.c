/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fpdb.c: capture --fingerprints FILE, the software behind known TLS and
 * SSH client/server fingerprints (JA3, JA3S, JA4, HASSH, HASSH server).
 *
 * FILE is one JSON object, read once at start (before the EAL):
 *
 *	{ "ja3":  { "<md5 hex>": { "product": "curl", "version": "7.88.1",
 *	                           "vendor": "", "os": "", "notes": "" } },
 *	  "ja3s": {...}, "ja4": {...}, "hassh": {...}, "hasshServer": {...} }
 *
 * A file written by `netcap util db build --ja3-sslbl/--fingerprints`
 * (fpdb_build.c) also has "built" (a string, the date) and "sources" (an
 * array of objects: file, kind, size, sha256, modified): checked for
 * their types and otherwise not used here.
 *
 * Every part is checked; the first problem is reported with the path of
 * keys that leads to it ("ja3.<hash>.product: ...") and the capture does
 * not start. The entries are kept in one array sorted by (kind, value) and
 * found by binary search (profile.c asks once per fingerprint sighting).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const char *const kinds[] = {"ja3", "ja3s", "ja4", "hassh",
				    "hasshServer"};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct fpdb_ent {
	unsigned kind; /* index into kinds */
	char *value;
	struct nc_fp_entry e;
};

/* The fields of an entry, with the longest text each may hold. */
static const struct {
	const char *name;
	size_t max;
	const char *too_long;
} fields[] = {
    {"product", 63, "longer than 63 bytes"},
    {"version", 63, "longer than 63 bytes"},
    {"vendor", 127, "longer than 127 bytes"},
    {"os", 63, "longer than 63 bytes"},
    {"notes", 511, "longer than 511 bytes"},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static int kind_index(const char *k)
{
	for (unsigned i = 0; i < NKINDS; i++)
		if (strcmp(k, kinds[i]) == 0)
			return (int)i;
	return -1;
}

/* A key as it may be printed on one line: control bytes as '?', cut. */
static void shown(char *out, size_t cap, const char *k)
{
	size_t n = 0;

	for (; *k && n + 4 < cap; k++)
		out[n++] = (unsigned char)*k < 0x20 || *k == 0x7f ? '?' : *k;
	if (*k) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) &&
		    !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

/*
 * Is v a well-formed value of kind k? JA3, JA3S, HASSH and HASSH server
 * are MD5 digests in lowercase hex; JA4 is "a_b_c": ten letters and
 * digits (protocol, version, SNI, counts, ALPN), then two truncated
 * SHA-256 digests of 12 lowercase hex digits.
 */
static const char *bad_value(unsigned k, const char *v)
{
	size_t n = strlen(v);

	if (strcmp(kinds[k], "ja4") != 0)
		return n == 32 && all_hex(v, 32)
			   ? NULL
			   : "not an MD5 digest (32 lowercase hex digits)";
	if (n != 36 || v[10] != '_' || v[23] != '_' || !all_hex(v + 11, 12) ||
	    !all_hex(v + 24, 12))
		return "not a JA4 fingerprint (like t13d1516h2_"
		       "<12 hex>_<12 hex>)";
	for (int i = 0; i < 10; i++)
		if (!islower((unsigned char)v[i]) &&
		    !isdigit((unsigned char)v[i]))
			return "not a JA4 fingerprint (like t13d1516h2_"
			       "<12 hex>_<12 hex>)";
	return NULL;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct fpdb_ent *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->value, y->value);
}

static void ent_free(struct fpdb_ent *x)
{
	free(x->value);
	free((char *)x->e.product);
	free((char *)x->e.version);
	free((char *)x->e.vendor);
	free((char *)x->e.os);
	free((char *)x->e.notes);
}

void nc_fpdb_free(struct nc_fpdb *db)
{
	for (size_t i = 0; i < db->n; i++)
		ent_free(&db->v[i]);
	free(db->v);
	memset(db, 0, sizeof(*db));
}

/* One entry's object into x; NULL or what is wrong (field in *at). */
static const char *load_entry(json_t *o, struct fpdb_ent *x, const char **at)
{
	const char **dst[NFIELDS] = {&x->e.product, &x->e.version, &x->e.vendor,
				     &x->e.os, &x->e.notes};
	const char *key;
	json_t *val;

	*at = NULL;
	if (!json_is_object(o))
		return "not a JSON object";
	json_object_foreach(o, key, val)
	{
		size_t f = 0;
		while (f < NFIELDS && strcmp(key, fields[f].name) != 0)
			f++;
		*at = key;
		if (f == NFIELDS)
			return "unknown field (product, version, vendor, "
			       "os, notes)";
		if (!json_is_string(val))
			return "not a string";
		const char *s = json_string_value(val);
		size_t n = json_string_length(val);
		if (n > fields[f].max)
			return fields[f].too_long;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return "holds a control character";
		if (!(*dst[f] = strdup(s)))
			return "out of memory";
	}
	*at = "product";
	if (!x->e.product || !x->e.product[0])
		return "missing or empty (every entry names a product)";
	*at = NULL;
	for (size_t f = 0; f < NFIELDS; f++)
		if (!*dst[f] && !(*dst[f] = strdup("")))
			return "out of memory";
	return NULL;
}

int nc_fpdb_load(struct nc_fpdb *db, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	const char *kind, *value, *why = NULL;
	json_t *kobj, *eobj;
	char k1[80], k2[80];
	size_t cap = 0;

	memset(db, 0, sizeof(*db));
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (je.line > 0)
			snprintf(err, errlen, "%s: line %d column %d: %s", path,
				 je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s", je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: top level: not a JSON object", path);
		goto fail;
	}
	json_object_foreach(root, kind, kobj)
	{
		int k = kind_index(kind);
		shown(k1, sizeof(k1), kind);
		if (!strcmp(kind, "built")) {
			if (json_is_string(kobj))
				continue;
			snprintf(err, errlen, "%s: built: not a string", path);
			goto fail;
		}
		if (!strcmp(kind, "sources")) {
			size_t i;
			json_t *so;
			if (!json_is_array(kobj)) {
				snprintf(err, errlen,
					 "%s: sources: not a JSON array", path);
				goto fail;
			}
			json_array_foreach(kobj, i, so)
			{
				if (json_is_object(so))
					continue;
				snprintf(err, errlen,
					 "%s: sources[%zu]: not a JSON object",
					 path, i);
				goto fail;
			}
			continue;
		}
		if (k < 0) {
			snprintf(err, errlen,
				 "%s: %s: unknown kind (ja3, ja3s, ja4, "
				 "hassh, hasshServer; or built, sources)",
				 path, k1);
			goto fail;
		}
		if (!json_is_object(kobj)) {
			snprintf(err, errlen, "%s: %s: not a JSON object", path,
				 k1);
			goto fail;
		}
		json_object_foreach(kobj, value, eobj)
		{
			const char *at = NULL;
			shown(k2, sizeof(k2), value);
			if ((why = bad_value((unsigned)k, value))) {
				snprintf(err, errlen, "%s: %s.%s: %s", path, k1,
					 k2, why);
				goto fail;
			}
			if (db->n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				void *nv = realloc(db->v, nc * sizeof(*db->v));
				if (!nv) {
					snprintf(err, errlen,
						 "%s: out of memory", path);
					goto fail;
				}
				db->v = nv;
				cap = nc;
			}
			struct fpdb_ent *x = &db->v[db->n++];
			memset(x, 0, sizeof(*x));
			x->kind = (unsigned)k;
			x->value = strdup(value);
			why = x->value ? load_entry(eobj, x, &at)
				       : "out of memory";
			if (why) {
				char f[80];
				shown(f, sizeof(f), at ? at : "");
				snprintf(err, errlen, "%s: %s.%s%s%s: %s", path,
					 k1, k2, at ? "." : "", f, why);
				goto fail;
			}
		}
	}
	json_decref(root);
	if (db->n > 1)
		qsort(db->v, db->n, sizeof(*db->v), cmp_ent);
	return 0;
fail:
	json_decref(root);
	nc_fpdb_free(db);
	return -1;
}

const struct nc_fp_entry *nc_fpdb_lookup(void *arg, const char *kind,
					 const char *value)
{
	const struct nc_fpdb *db = arg;
	int k = kind_index(kind);
	size_t lo = 0, hi = db->n;

	if (k < 0)
		return NULL;
	struct fpdb_ent key = {.kind = (unsigned)k, .value = (char *)value};
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_ent(&db->v[mid], &key);
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return &db->v[mid].e;
	}
	return NULL;
}
