/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * files.h: the File abstraction. One transferred object (an HTTP body, a
 * mail attachment, an FTP transfer) becomes one File record, whichever
 * parser saw it.
 *
 * A parser opens a file when the object starts, writes its decoded
 * content in order (de-chunked, decompressed, base64-decoded: the bytes a
 * user would save), and closes it at the end:
 *
 *	struct nc_file *f = nc_file_open(x, from, "HTTP response", name,
 *					 content_type, host, "gzip");
 *	nc_file_write(x, f, p, len);	// any number of times
 *	nc_file_close(x, f, truncated);	// writes the File record, frees f
 *
 * nc_file_open() returns NULL when no File record is selected and no sink
 * is set (nothing to do); write and close accept NULL, so a parser needs
 * no test of its own. The content is never buffered: MD5, SHA-1 and
 * SHA-256 are computed as it comes (libcrypto EVP), and only its first
 * NC_FILE_HEAD bytes are kept, for ContentTypeDetected. So a 4 GB body
 * costs one nc_file (about 1.5 KiB of the parser budget, and one libcrypto
 * digest context per hash computed) whatever its size. Hash (MD5, as
 * Netcap) is always computed; SHA1 and SHA256 only with their bit in
 * nc_app_cfg.file_hashes (capture --file-hashes, and SHA-256 for --files,
 * which names stored files by it), "" otherwise: on web traffic the three
 * digests were two thirds of every instruction capture ran.
 *
 * Ident is the connection's UID, "-", and the file's sequence number in
 * the connection (1, 2, ...; nc_app_ctx.seq), so "CabcDEFghiJK-2" is the
 * second object of that connection.
 *
 * Sinks: decoders do no I/O. Where the contents should also go somewhere
 * (files on disk under a content-addressed name, --files DIR), the owner
 * of the table sets nc_app_cfg.file_sink to a struct nc_file_sink; every
 * file is then also handed to it: open, the content in order, close with
 * the hashes. The sink says where the content went (File.Location). The
 * sink runs on the worker thread, inside the packet path: it should queue
 * the bytes to a writer rather than block.
 */
#ifndef NC_FILES_H
#define NC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer.h"

/* Content bytes kept for the MIME type check. */
#define NC_FILE_HEAD 512

/* nc_app_cfg.file_hashes */
#define NC_FILE_MD5    (1u << 0)
#define NC_FILE_SHA1   (1u << 1)
#define NC_FILE_SHA256 (1u << 2)

/*
 * Parse a --file-hashes list ("md5,sha1,sha256", any order, "all") into
 * *mask (MD5 always included). 0, or -1 with a message in err.
 */
int nc_file_hashes_parse(const char *list, unsigned *mask, char *err,
			 size_t errlen);

struct nc_file;

/* A file as it opens (strings valid during the call only). */
struct nc_file_info {
	const struct nc_app_conn *c;
	int from;	   /* endpoint of c that sent the content */
	int64_t ts;	   /* first byte */
	const char *ident; /* UID-sequence */
	const char *source, *name, *content_type, *host, *encoding;
};

/* A file as it closes (strings valid during the call only). */
struct nc_file_done {
	int64_t length;			 /* content bytes written */
	const char *md5, *sha1, *sha256; /* lower-case hex */
	const char *content_type_detected;
	bool truncated;
};

struct nc_file_sink {
	void *arg;
	/* a new file: the sink's handle for it, or NULL (the sink does not
	   want this one: no write or close follow) */
	void *(*open)(void *arg, const struct nc_file_info *fi);
	/* the next len bytes of content */
	void (*write)(void *arg, void *h, const uint8_t *p, size_t len);
	/* the end: write where the content went into loc (cap bytes,
	   NUL-terminated; leave "" for nowhere); h is not used again */
	void (*close)(void *arg, void *h, const struct nc_file_done *fd,
		      char *loc, size_t cap);
};

/* Would nc_file_open() open a file (File selected, or a sink set)? */
bool nc_file_wanted(const struct nc_app_ctx *x);

/*
 * A new file whose content endpoint `from` of x->c sends. source names
 * what carried it ("HTTP response", "HTTP request", "SMTP", "FTP"); name
 * is the protocol's file name or else the URL path; content_type the
 * protocol's Content-Type, host the server's name, encoding the content
 * or transfer coding as sent ("gzip", "chunked", "base64"); any of these
 * may be NULL or "". The strings are copied (protocol text: made valid
 * UTF-8). NULL when no file is wanted or the parser budget is spent.
 */
struct nc_file *nc_file_open(struct nc_app_ctx *x, int from, const char *source,
			     const char *name, const char *content_type,
			     const char *host, const char *encoding);

/* The next len bytes of decoded content (f may be NULL: nothing). */
void nc_file_write(struct nc_app_ctx *x, struct nc_file *f, const uint8_t *p,
		   size_t len);

/* Content bytes written so far (0 for NULL). */
int64_t nc_file_length(const struct nc_file *f);

/*
 * The end of the content: writes the File record (Length, Hash = MD5,
 * SHA1, SHA256, ContentTypeDetected, Truncated when part of the content
 * is missing) and frees f. f may be NULL.
 */
void nc_file_close(struct nc_app_ctx *x, struct nc_file *f, bool truncated);

/*
 * MIME type of content from its first len bytes (magic numbers, then
 * markup, JSON, text): "image/png", "text/html; charset=utf-8", ...,
 * "application/octet-stream" when nothing matches, "" when len is 0.
 * Names follow Go's http.DetectContentType where it has one.
 */
const char *nc_file_mime(const uint8_t *p, size_t len);

#endif /* NC_FILES_H */
