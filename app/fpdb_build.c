/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fpdb_build.c: `netcap util db build --ja3-sslbl FILE... --fingerprints
 * FILE... -o FILE` and `db check` of its output.
 *
 * Writes a fingerprints JSON in the format capture --fingerprints reads
 * (fpdb.c), with "built" (the date) and "sources" (each input's file
 * name, kind, size, SHA-256, modification date; for SSLBL its "Last
 * updated" comment). Inputs, all downloaded by the user:
 *  --fingerprints: netcap fingerprints JSON files, checked by fpdb.c's
 *    loader, merged; a value in an earlier file wins.
 *  --ja3-sslbl: abuse.ch SSLBL's ja3_fingerprints.csv: '#' comment lines,
 *    then ja3_md5,Firstseen,Lastseen,Listingreason. Each row becomes a
 *    "ja3" entry whose product is the listing reason (the malware family)
 *    and whose notes give the dates; a JA3 already in a --fingerprints
 *    file keeps that entry, a repeated one keeps its first row.
 *
 * Every problem in an input is one line naming the file and the row or
 * key, exit status 1, and no output file (a temporary file next to -o,
 * loaded back with fpdb.c's loader, then renamed).
 */
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "dbfile.h"
#include "engine.h"

static const char *const fp_kinds[] = {"ja3", "ja3s", "ja4", "hassh",
				       "hasshServer"};
#define NFPKINDS (sizeof(fp_kinds) / sizeof(fp_kinds[0]))

/* The file whole, NUL-terminated, and its "sources" object. */
static char *fp_slurp(const char *path, const char *kind, json_t *sources,
		      size_t *len)
{
	struct nc_dbsrc d;
	char err[PATH_MAX + 64];

	if (nc_dbsrc_read(path, &d, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		return NULL;
	}
	*len = d.len;
	const char *base = strrchr(path, '/');
	json_array_append_new(sources,
			      json_pack("{s:s, s:s, s:I, s:s, s:s}", "file",
					base ? base + 1 : path, "kind", kind,
					"size", (json_int_t)d.len, "sha256",
					d.sha256, "modified", d.mtime));
	return d.data;
}

/* The written file read back by capture's loader. */
static int fp_check(const char *tmp, char *err, size_t errlen)
{
	struct nc_fpdb db;

	if (nc_fpdb_load(&db, tmp, err, errlen) != 0)
		return -1;
	nc_fpdb_free(&db);
	return 0;
}

/* Merge one netcap fingerprints JSON; earlier entries win. */
static int merge_fps(json_t *out, json_t *sources, const char *path,
		     size_t *added)
{
	struct nc_fpdb db;
	char err[512];
	json_error_t je;
	size_t len;

	if (nc_fpdb_load(&db, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		return -1;
	}
	nc_fpdb_free(&db);
	char *data = fp_slurp(path, "fingerprints", sources, &len);
	if (!data)
		return -1;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	free(data);
	if (!root) {
		fprintf(stderr, "netcap util db build: %s: line %d: %s\n", path,
			je.line, je.text);
		return -1;
	}
	for (size_t k = 0; k < NFPKINDS; k++) {
		json_t *src = json_object_get(root, fp_kinds[k]);
		json_t *dst = json_object_get(out, fp_kinds[k]);
		const char *key;
		json_t *v;
		json_object_foreach(src, key, v)
		{
			if (json_object_get(dst, key))
				continue;
			json_object_set(dst, key, v);
			(*added)++;
		}
	}
	json_decref(root);
	return 0;
}

static bool md5_hex(char *s)
{
	if (strlen(s) != 32)
		return false;
	for (char *p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return true;
}

/* One SSLBL ja3_fingerprints.csv; rows whose JA3 is there already: kept. */
static int read_sslbl(json_t *out, json_t *sources, const char *path,
		      size_t *added, size_t *known)
{
	size_t len;
	char *data = fp_slurp(path, "ja3-sslbl", sources, &len), *f[8];
	unsigned nf, line = 1, row = 0;
	json_t *ja3 = json_object_get(out, "ja3");

	if (!data)
		return -1;
	json_t *src = json_array_get(sources, json_array_size(sources) - 1);
	for (char *p = data; *p;) {
		unsigned at = line;
		if (*p == '#') {
			char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			static const char lu[] = "# Last updated: ";
			if (n > sizeof(lu) - 1 &&
			    !strncmp(p, lu, sizeof(lu) - 1)) {
				char upd[64];
				size_t m = n - (sizeof(lu) - 1);
				snprintf(upd, sizeof(upd), "%.*s",
					 (int)(m < 63 ? m : 63),
					 p + sizeof(lu) - 1);
				upd[strcspn(upd, "#\r")] = '\0';
				size_t ul = strlen(upd);
				while (ul && upd[ul - 1] == ' ')
					upd[--ul] = '\0';
				json_object_set_new(src, "updated",
						    json_string(upd));
			}
			p = nl ? nl + 1 : p + n;
			line++;
			continue;
		}
		int rc = nc_csv_record(&p, f, 8, &nf, &line);
		if (rc == 0 && nf == 1 && !f[0][0])
			continue;
		row++;
		if (rc == 0 && nf == 4 && !strcmp(f[0], "ja3_md5"))
			continue; /* an uncommented header */
		const char *why =
		    rc == -1		? "unterminated quoted field"
		    : nf != 4		? "want 4 fields (ja3_md5,Firstseen,"
					  "Lastseen,Listingreason)"
		    : !md5_hex(f[0])	? "ja3_md5 is not 32 hex digits"
		    : !f[3][0]		? "empty Listingreason"
		    : strlen(f[3]) > 63 ? "Listingreason longer than 63 bytes"
					: NULL;
		if (rc == -2)
			why = "want 4 fields (ja3_md5,Firstseen,Lastseen,"
			      "Listingreason)";
		for (unsigned i = 0; !why && i < 4; i++)
			for (const char *c = f[i]; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					why = "a control character in a field";
		if (why) {
			fprintf(stderr,
				"netcap util db build: %s: row %u (line %u): "
				"%s\n",
				path, row, at, why);
			free(data);
			return -1;
		}
		if (json_object_get(ja3, f[0])) {
			(*known)++;
			continue;
		}
		char notes[512];
		snprintf(notes, sizeof(notes),
			 "abuse.ch SSLBL: listed as %s, first seen %s, last "
			 "seen %s",
			 f[3], f[1][0] ? f[1] : "-", f[2][0] ? f[2] : "-");
		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s}", "product",
				      f[3], "version", "", "vendor", "", "os",
				      "", "notes", notes);
		if (!e || json_object_set_new(ja3, f[0], e) != 0) {
			fprintf(stderr,
				"netcap util db build: %s: row %u (line %u): "
				"not UTF-8 text\n",
				path, row, at);
			free(data);
			return -1;
		}
		(*added)++;
	}
	free(data);
	return 0;
}

int nc_fpdb_build(const char *const *sslbl, unsigned nsslbl,
		  const char *const *fps, unsigned nfps, const char *out)
{
	json_t *root = json_object(), *sources = json_array();
	size_t from_fps = 0, from_ssl = 0, known = 0;
	char built[32];
	int rc = 1;

	if (!root || !sources) {
		fputs("netcap util db build: out of memory\n", stderr);
		json_decref(root);
		json_decref(sources);
		return 1;
	}
	nc_utc_stamp(built, sizeof(built), nc_build_time());
	json_object_set_new(root, "built", json_string(built));
	json_object_set_new(root, "sources", sources);
	for (size_t k = 0; k < NFPKINDS; k++)
		json_object_set_new(root, fp_kinds[k], json_object());
	for (unsigned i = 0; i < nfps; i++)
		if (merge_fps(root, sources, fps[i], &from_fps))
			goto out;
	for (unsigned i = 0; i < nsslbl; i++)
		if (read_sslbl(root, sources, sslbl[i], &from_ssl, &known))
			goto out;

	struct nc_dbout o;
	char err[PATH_MAX + 600];
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text || nc_dbout_open(&o, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n",
			text ? err : "out of memory");
		free(text);
		goto out;
	}
	nc_dbout_put(&o, text, strlen(text));
	nc_dbout_put(&o, "\n", 1);
	free(text);
	if (nc_dbout_commit(&o, NULL, fp_check, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		goto out;
	}
	printf("%s: %zu fingerprints (%zu from --fingerprints, %zu JA3 from "
	       "SSLBL",
	       out, from_fps + from_ssl, from_fps, from_ssl);
	if (known)
		printf(", %zu SSLBL rows already there: kept the first", known);
	printf(")\n");
	rc = 0;
out:
	json_decref(root);
	return rc;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "?";
}

int nc_fpdb_check(const char *path)
{
	struct nc_fpdb db;
	char err[512];
	json_error_t je;

	if (nc_fpdb_load(&db, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db check: %s\n", err);
		return 1;
	}
	nc_fpdb_free(&db);
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		fprintf(stderr, "netcap util db check: %s: %s\n", path,
			je.text);
		return 1;
	}
	printf("%s: netcap fingerprints (JSON)\n", path);
	printf("built    %s\n", jstr(root, "built"));
	printf("entries ");
	for (size_t k = 0; k < NFPKINDS; k++)
		printf(" %s %zu%s", fp_kinds[k],
		       json_object_size(json_object_get(root, fp_kinds[k])),
		       k + 1 < NFPKINDS ? "," : "\n");
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(root, "sources"), i, s)
	{
		const char *upd =
		    json_string_value(json_object_get(s, "updated"));
		printf(
		    "source   %-12s %s  %lld bytes  sha256 %s  modified "
		    "%s%s%s\n",
		    jstr(s, "kind"), jstr(s, "file"),
		    (long long)json_integer_value(json_object_get(s, "size")),
		    jstr(s, "sha256"), jstr(s, "modified"),
		    upd ? "  updated " : "", upd ? upd : "");
	}
	json_decref(root);
	return 0;
}
