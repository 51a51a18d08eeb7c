/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dbfile.h: what `netcap util db build` does for every database it makes
 * (vulnerabilities, vendors, fingerprints, indicators): read a source file
 * whole with its size, SHA-256 and modification time, stamp the build
 * time, and write the output whole or not at all, ending in the SHA-256
 * of the lines before.
 */
#ifndef NC_DBFILE_H
#define NC_DBFILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* "YYYY-MM-DDTHH:MM:SSZ" of t. */
void nc_utc_stamp(char *out, size_t cap, time_t t);
/* The build time: SOURCE_DATE_EPOCH when set (reproducible builds), now. */
time_t nc_build_time(void);
/* SHA-256 of n bytes as 64 hex digits; false if OpenSSL fails. */
bool nc_sha256_hex(const void *p, size_t n, char out[65]);

/* A source file read whole (NUL-terminated). */
struct nc_dbsrc {
	char *data;
	size_t len;
	char sha256[65];
	char mtime[32]; /* nc_utc_stamp of its modification time */
};
/* 0, or -1 with "PATH: why" in err (missing, not a regular file, not
   readable). */
int nc_dbsrc_read(const char *path, struct nc_dbsrc *s, char *err,
		  size_t errlen);
void nc_dbsrc_free(struct nc_dbsrc *s);

/*
 * The output: a temporary file beside path (the mode fopen would give),
 * lines added to it and to a running SHA-256, then a last line END_PREFIX
 * <hex digest>, fsync, and a rename over path. Nothing is left behind on
 * failure.
 */
struct nc_dbout {
	FILE *f;
	void *md; /* EVP_MD_CTX */
	char *tmp;
	const char *path;
	bool bad;
};
int nc_dbout_open(struct nc_dbout *o, const char *path, char *err,
		  size_t errlen);
void nc_dbout_put(struct nc_dbout *o, const void *s, size_t n);
void nc_dbout_printf(struct nc_dbout *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ends the file (the digest line unless end_prefix is NULL) and flushes
   it; then check(tmp) when given (the loader reading it back: 0 or -1
   with err), then the rename. 0, or -1 with "PATH: why" in err. */
int nc_dbout_commit(struct nc_dbout *o, const char *end_prefix,
		    int (*check)(const char *tmp, char *err, size_t errlen),
		    char *err, size_t errlen);
void nc_dbout_abort(struct nc_dbout *o);

#endif /* NC_DBFILE_H */
