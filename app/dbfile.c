/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dbfile.c: sources, build time and whole-or-nothing output for `netcap
 * util db build` (dbfile.h). Written once here for the four databases.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "dbfile.h"

void nc_utc_stamp(char *out, size_t cap, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t nc_build_time(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	return sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
}

static void hex32(const unsigned char *md, char out[65])
{
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

bool nc_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;

	if (EVP_Digest(p, n, md, &mdl, EVP_sha256(), NULL) != 1 || mdl != 32)
		return false;
	hex32(md, out);
	return true;
}

int nc_dbsrc_read(const char *path, struct nc_dbsrc *s, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	s->len = (size_t)st.st_size;
	s->data = malloc(s->len + 1);
	if (!s->data || fread(s->data, 1, s->len, f) != s->len) {
		fclose(f);
		nc_dbsrc_free(s);
		snprintf(err, errlen, "%s: cannot read it", path);
		return -1;
	}
	fclose(f);
	s->data[s->len] = '\0';
	nc_utc_stamp(s->mtime, sizeof(s->mtime), st.st_mtime);
	if (!nc_sha256_hex(s->data, s->len, s->sha256)) {
		nc_dbsrc_free(s);
		snprintf(err, errlen, "%s: SHA-256 failed", path);
		return -1;
	}
	return 0;
}

void nc_dbsrc_free(struct nc_dbsrc *s)
{
	free(s->data);
	s->data = NULL;
	s->len = 0;
}

int nc_dbout_open(struct nc_dbout *o, const char *path, char *err,
		  size_t errlen)
{
	size_t pl = strlen(path);

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->tmp = malloc(pl + 16);
	if (!o->tmp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(o->tmp, pl + 16, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkstemp makes it 0600: give it the mode fopen would (a failure
	   leaves it readable by its owner only, not an error) */
	mode_t um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	o->f = fdopen(fd, "w");
	o->md = EVP_MD_CTX_new();
	if (!o->f || !o->md ||
	    EVP_DigestInit_ex(o->md, EVP_sha256(), NULL) != 1) {
		if (!o->f)
			close(fd);
		nc_dbout_abort(o);
		snprintf(err, errlen, "%s: cannot write", path);
		return -1;
	}
	return 0;
}

void nc_dbout_put(struct nc_dbout *o, const void *s, size_t n)
{
	if (o->bad)
		return;
	if (fwrite(s, 1, n, o->f) != n || EVP_DigestUpdate(o->md, s, n) != 1)
		o->bad = true;
}

void nc_dbout_printf(struct nc_dbout *o, const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		o->bad = true;
	else
		nc_dbout_put(o, line, (size_t)n);
}

int nc_dbout_commit(struct nc_dbout *o, const char *end_prefix,
		    int (*check)(const char *tmp, char *err, size_t errlen),
		    char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	char hex[65];

	if (!o->bad && (EVP_DigestFinal_ex(o->md, md, &mdl) != 1 || mdl != 32))
		o->bad = true;
	if (!o->bad && end_prefix) {
		hex32(md, hex);
		if (fprintf(o->f, "%s%s\n", end_prefix, hex) < 0)
			o->bad = true;
	}
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
		o->bad = true;
	if (fclose(o->f) != 0)
		o->bad = true;
	o->f = NULL;
	snprintf(err, errlen, "%s: write failed", o->path);
	if (!o->bad && check) {
		char why[512] = "does not load";
		if (check(o->tmp, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", o->path, why);
			o->bad = true;
		}
	}
	if (!o->bad && rename(o->tmp, o->path) != 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		o->bad = true;
	}
	if (o->bad) {
		nc_dbout_abort(o);
		return -1;
	}
	EVP_MD_CTX_free(o->md);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return 0;
}

void nc_dbout_abort(struct nc_dbout *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	EVP_MD_CTX_free(o->md);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}
