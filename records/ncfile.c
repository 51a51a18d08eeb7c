/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ncfile.c: record file writer and reader (contract in ncfile.h).
 *
 * Stream layout, identical compressed or not:
 *
 *   +--------+----------------+--------+-----------+--------+-----------+--
 *   | varint | Header message | varint | record 1  | varint | record 2  | ...
 *   +--------+----------------+--------+-----------+--------+-----------+--
 *
 * Compressed files wrap that stream in one LZ4 frame (lz4_Frame_format.md):
 * 64 KB independent blocks, a checksum per block (corruption shows up as an
 * error at the bad block instead of garbage records), no content checksum
 * (a writer that is killed cannot append one; block checksums cover the
 * data). Each append compresses and flushes, so every append ends on a block
 * boundary on disk.
 *
 * Offsets in reader errors: "stream offset" counts bytes of the decompressed
 * delimited stream (the Header record starts at 0); "file offset" counts
 * bytes of the compressed file. Records are numbered from 1 after the Header.
 */
#include "ncfile.h"
#include "nc_version.h"
#include "netcap_pack.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <lz4frame.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest record the reader accepts (a capture never writes one this big). */
#define NC_REC_LIMIT (64u << 20)
/* Input chunk the writer hands LZ4F at once: one 64 KB block. */
#define W_CHUNK (64u << 10)
/* Bytes the reader reads from the file at once. */
#define R_INCAP (64u << 10)
/* Free space the reader keeps for one LZ4F_decompress call. */
#define R_SPACE (64u << 10)
/* LZ4 frame magic number, little-endian at offset 0. */
#define LZ4_MAGIC 0x184D2204u
/* Smallest LZ4 frame header: magic, FLG, BD, HC. */
#define LZ4_HDR_MIN 7

/* ---- varints and delimited packing -------------------------------------- */

size_t nc_varint_put(uint8_t *buf, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		buf[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (uint8_t)v;
	return n;
}

int nc_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;

	for (int i = 0; i < NC_VARINT_MAX; i++) {
		if (p + i >= end)
			return 0;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return -1;
}

/*
 * Records go through the packers generated from netcap.proto
 * (scripts/gen-packers.py): a size pass and a write pass over their own
 * fields, the same bytes as protobuf-c at a fraction of its cost
 * (docs/PERFORMANCE.md). Other messages (the Header) take protobuf-c.
 */
size_t nc_pack_delimited(const ProtobufCMessage *msg, uint8_t *buf, size_t cap)
{
	int t = nc_pack_rec_type(msg);

	if (t >= 0)
		return nc_pack_record_delimited((enum nc_rec)t, msg, buf, cap);

	uint8_t hdr[NC_VARINT_MAX];
	size_t len = protobuf_c_message_get_packed_size(msg);
	size_t hl = nc_varint_put(hdr, len);

	if (hl + len > cap || hl + len < len)
		return 0;
	memcpy(buf, hdr, hl);
	protobuf_c_message_pack(msg, buf + hl);
	return hl + len;
}

/* ---- writer -------------------------------------------------------------- */

struct nc_writer {
	int fd;
	bool compress;
	int err;	/* first write error (-errno), sticky */
	uint64_t bytes; /* bytes written to fd */
	uint64_t good;	/* file size after the last complete append */
	bool rolled;	/* after an error the file was cut back to good */
	LZ4F_cctx *cctx;
	LZ4F_preferences_t prefs;
	uint8_t *out; /* compressed output, outcap bytes */
	size_t outcap;
};

/* write(2) all of buf: retries EINTR and short writes. 0, or -errno. */
static int write_all(struct nc_writer *w, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(w->fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
		w->bytes += (uint64_t)n;
	}
	return 0;
}

static int lz4_err(size_t rc)
{
	(void)rc;
	return -EIO;
}

/*
 * The first error is sticky. The file is then cut back to the end of the
 * last complete append, so a full disk or an I/O error never leaves half a
 * block (or half a record) behind: nc_writer_close() can still end the
 * frame and the file reads completely up to its last complete batch.
 */
static int w_fail(struct nc_writer *w, int rc)
{
	if (!rc)
		return 0;
	if (!w->err) {
		w->err = rc;
		if (ftruncate(w->fd, (off_t)w->good) == 0 &&
		    lseek(w->fd, (off_t)w->good, SEEK_SET) == (off_t)w->good) {
			w->bytes = w->good;
			w->rolled = true;
		}
	}
	return rc;
}

/* The append ended well: the file is complete up to here. */
static int w_done(struct nc_writer *w)
{
	w->good = w->bytes;
	return 0;
}

/*
 * Close w's file (when open) and free w. rc: the result so far; a failed
 * close(2) becomes it when it is 0. Returns it.
 */
static int w_release(struct nc_writer *w, int rc)
{
	if (w->fd >= 0 && close(w->fd) < 0 && !rc && errno != EINTR)
		rc = -errno;
	if (w->cctx)
		LZ4F_freeCompressionContext(w->cctx);
	free(w->out);
	free(w);
	return rc;
}

/*
 * The compression context and a frame header in w->out (*n bytes).
 * Independent blocks, a checksum per block and none for the content: a
 * frame can be cut after any block and resumed (nc_writer_resume).
 */
static int w_frame_begin(struct nc_writer *w, size_t *n)
{
	w->prefs.frameInfo.blockSizeID = LZ4F_max64KB;
	w->prefs.frameInfo.blockMode = LZ4F_blockIndependent;
	w->prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
	w->prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
	w->prefs.autoFlush = 1;
	if (LZ4F_isError(LZ4F_createCompressionContext(&w->cctx, LZ4F_VERSION)))
		return -ENOMEM;
	w->outcap =
	    LZ4F_compressBound(W_CHUNK, &w->prefs) + LZ4F_HEADER_SIZE_MAX;
	w->out = malloc(w->outcap);
	if (!w->out)
		return -ENOMEM;
	*n = LZ4F_compressBegin(w->cctx, w->out, w->outcap, &w->prefs);
	return LZ4F_isError(*n) ? lz4_err(*n) : 0;
}

struct nc_writer *nc_writer_resume(const char *path, uint64_t offset)
{
	struct nc_writer *w = calloc(1, sizeof(*w));
	struct stat st;
	size_t n;
	int rc;

	if (!w)
		return NULL;
	w->compress = true;
	w->fd = open(path, O_WRONLY | O_CLOEXEC);
	if (w->fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < offset || offset < 4) {
		rc = -EINVAL; /* shorter than what was written: not ours */
		goto fail;
	}
	if (ftruncate(w->fd, (off_t)offset) != 0 ||
	    lseek(w->fd, (off_t)offset, SEEK_SET) != (off_t)offset) {
		rc = -errno;
		goto fail;
	}
	w->bytes = w->good = offset;
	/* a new context continues the frame: its header is not written */
	rc = w_frame_begin(w, &n);
	if (rc)
		goto fail;
	return w;
fail:
	(void)w_release(w, rc);
	errno = -rc;
	return NULL;
}

int nc_writer_detach(struct nc_writer *w)
{
	return w_release(w, w->err);
}

int nc_writer_sync(struct nc_writer *w)
{
	return fdatasync(w->fd) == 0 ? 0 : -errno;
}

/* Remove a file nc_writer_open() created but could not start. */
static void w_discard(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		(void)unlink(path);
}

struct nc_writer *nc_writer_open(const char *path,
				 const struct nc_writer_opts *o)
{
	struct nc_writer *w = calloc(1, sizeof(*w));
	uint8_t *hb = NULL;
	int rc = 0;

	if (!w)
		return NULL;
	w->fd = -1;
	if ((unsigned)o->type >= NC_REC_MAX) {
		rc = -EINVAL;
		goto fail;
	}
	w->compress = o->compress;
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (w->compress) {
		size_t n;
		rc = w_frame_begin(w, &n);
		if (!rc)
			rc = write_all(w, w->out, n);
		if (rc)
			goto fail;
	}

	Netcap__Header h = NETCAP__HEADER__INIT;
	h.created = o->created;
	h.inputsource = (char *)(o->input_source ? o->input_source : "");
	h.type = nc_rec_wire(o->type);
	h.version = (char *)NC_VERSION;
	h.containspayloads = o->payloads;
	h.labelsource = (char *)(o->label_source ? o->label_source : "");
	size_t cap =
	    protobuf_c_message_get_packed_size(&h.base) + NC_VARINT_MAX;
	hb = malloc(cap);
	if (!hb) {
		rc = -ENOMEM;
		goto fail;
	}
	size_t hl = nc_pack_delimited(&h.base, hb, cap);
	rc = nc_writer_append(w, hb, hl);
	if (rc)
		goto fail;
	free(hb);
	return w;
fail:
	free(hb);
	/* no header (full disk, I/O error): leave no file behind */
	if (w->fd >= 0)
		w_discard(w->fd, path);
	(void)w_release(w, rc);
	errno = -rc;
	return NULL;
}

int nc_writer_append(struct nc_writer *w, const uint8_t *buf, size_t len)
{
	if (w->err)
		return w->err;
	if (!w->compress)
		return w_fail(w, write_all(w, buf, len)) ? w->err : w_done(w);
	while (len > 0) {
		size_t k = len < W_CHUNK ? len : W_CHUNK;
		size_t n = LZ4F_compressUpdate(w->cctx, w->out, w->outcap, buf,
					       k, NULL);
		if (LZ4F_isError(n))
			return w_fail(w, lz4_err(n));
		int rc = write_all(w, w->out, n);
		if (rc)
			return w_fail(w, rc);
		buf += k;
		len -= k;
	}
	/* autoFlush leaves nothing buffered; flush anyway, it costs nothing. */
	size_t n = LZ4F_flush(w->cctx, w->out, w->outcap, NULL);
	if (LZ4F_isError(n))
		return w_fail(w, lz4_err(n));
	return w_fail(w, write_all(w, w->out, n)) ? w->err : w_done(w);
}

uint64_t nc_writer_bytes(const struct nc_writer *w)
{
	return w->bytes;
}

int nc_writer_close(struct nc_writer *w)
{
	int rc = w->err;

	if (!rc && w->compress) {
		size_t n = LZ4F_compressEnd(w->cctx, w->out, w->outcap, NULL);
		if (LZ4F_isError(n))
			rc = lz4_err(n);
		else
			rc = write_all(w, w->out, n);
	} else if (rc && w->rolled && w->compress) {
		/*
		 * Cut back after an error: end the frame by hand (the end
		 * mark is a zero block size; there is no content checksum),
		 * so the file is a complete frame of what was written. The
		 * error is still returned. If even that fails, cut back
		 * again: then only the end mark is missing.
		 */
		static const uint8_t endmark[4];
		if (write_all(w, endmark, sizeof(endmark)) != 0)
			(void)!ftruncate(w->fd, (off_t)w->good);
	}
	return w_release(w, rc);
}

/* ---- reader -------------------------------------------------------------- */

struct nc_reader {
	int fd;
	bool own_fd;
	bool lz4;
	bool src_eof;	 /* read(2) returned 0 */
	bool frame_open; /* inside an LZ4 frame (end mark not seen yet) */
	LZ4F_dctx *dctx;
	size_t hint; /* input LZ4F wants next: through the next block */

	uint8_t *in; /* file bytes [in_pos, in_len) not yet consumed */
	size_t in_pos, in_len;
	uint64_t in_base; /* file offset of in[0] */

	uint8_t *buf; /* stream bytes [start, end) not yet parsed */
	size_t start, end, cap;
	uint64_t buf_base; /* stream offset of buf[0] */

	uint64_t nrec; /* data records returned */
	Netcap__Header *hdr;
	int type;
	const ProtobufCMessageDescriptor *desc;
	bool failed;
	char err[256];
	/* where the error is (r_fail_at), when known */
	bool err_off_set, err_in_file;
	uint64_t err_off;

	/* nc_reader_next_tmp's messages: one bump arena, reset per record;
	   what does not fit goes in malloc'd blocks chained on big, and the
	   arena grows to fit them at the next reset */
	struct arena {
		char *p;
		size_t used, cap, need;
		void *big;
	} ar;
};

/* A block past the arena: the chain link, then the caller's bytes. */
struct ar_big {
	void *next;
	max_align_t pad[];
};

static void *ar_alloc(void *data, size_t n)
{
	struct arena *a = data;
	size_t k = (n + 15) & ~(size_t)15;

	if (a->used + k <= a->cap) {
		void *q = a->p + a->used;
		a->used += k;
		return q;
	}
	a->need = a->used + k > a->need ? a->used + k : a->need;
	struct ar_big *b = malloc(sizeof(*b) + n);
	if (!b)
		return NULL;
	b->next = a->big;
	a->big = b;
	return b->pad;
}

static void ar_free(void *data, void *q)
{
	(void)data;
	(void)q; /* all of it goes at the next reset */
}

static void ar_reset(struct arena *a)
{
	while (a->big) {
		struct ar_big *b = a->big;
		a->big = b->next;
		free(b);
	}
	if (a->need > a->cap) {
		size_t ncap = a->cap ? a->cap : 4096;
		while (ncap < a->need)
			ncap *= 2;
		char *np = malloc(ncap);
		if (np) {
			free(a->p);
			a->p = np;
			a->cap = ncap;
		}
	}
	a->need = 0;
	a->used = 0;
}

static int r_fail(struct nc_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int r_fail(struct nc_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->failed = true;
	return -1;
}

/* r_fail for an error at a known place: off counts file bytes (in_file)
   or bytes of the decompressed stream (nc_reader_error_offset) */
#define r_fail_at(r, in_file, off, ...)                                        \
	((r)->err_off = (off), (r)->err_in_file = (in_file),                   \
	 (r)->err_off_set = true, r_fail((r), __VA_ARGS__))

/* Read more file bytes into r->in (only when it is drained). 0, or -1. */
static int r_read_in(struct nc_reader *r)
{
	r->in_base += r->in_len;
	r->in_pos = r->in_len = 0;
	for (;;) {
		ssize_t n = read(r->fd, r->in, R_INCAP);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return r_fail_at(r, true, r->in_base,
					 "read error at file offset %" PRIu64
					 ": %s",
					 r->in_base, strerror(errno));
		}
		if (n == 0)
			r->src_eof = true;
		r->in_len = (size_t)n;
		return 0;
	}
}

/* Make room for at least `want` more bytes after r->end. 0, or -1. */
static int r_room(struct nc_reader *r, size_t want)
{
	if (r->cap - r->end >= want)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->buf_base += r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end >= want)
		return 0;
	size_t ncap = r->cap ? r->cap : R_SPACE;
	while (ncap - r->end < want)
		ncap *= 2;
	uint8_t *nb = realloc(r->buf, ncap);
	if (!nb)
		return r_fail(r, "out of memory");
	r->buf = nb;
	r->cap = ncap;
	return 0;
}

/*
 * Have at least `need` unparsed stream bytes in buf, or all there are.
 * need is at most NC_REC_LIMIT + NC_VARINT_MAX, so buf stays bounded.
 * Returns 0 (check r->end - r->start), or -1 on a read or LZ4 error.
 */
static int r_fill(struct nc_reader *r, size_t need)
{
	while (r->end - r->start < need) {
		if (r->in_pos == r->in_len) {
			if (r->src_eof)
				return 0;
			if (r_read_in(r) < 0)
				return -1;
			continue;
		}
		if (r_room(r, need - (r->end - r->start) > R_SPACE
				  ? need - (r->end - r->start)
				  : R_SPACE) < 0)
			return -1;
		size_t src = r->in_len - r->in_pos;
		size_t dst = r->cap - r->end;
		if (!r->lz4) {
			size_t k = src < dst ? src : dst;
			memcpy(r->buf + r->end, r->in + r->in_pos, k);
			r->end += k;
			r->in_pos += k;
			continue;
		}
		/*
		 * Feed at most what LZ4F asked for: one block per call, so a
		 * corrupt block fails only when the stream reaches it, after
		 * the records of the blocks before it were returned.
		 */
		if (src > r->hint)
			src = r->hint;
		uint64_t at = r->in_base + r->in_pos;
		size_t hint = LZ4F_decompress(r->dctx, r->buf + r->end, &dst,
					      r->in + r->in_pos, &src, NULL);
		if (LZ4F_isError(hint)) {
			return r_fail_at(
			    r, true, at,
			    "LZ4 frame error near file offset %" PRIu64 ": %s",
			    at, LZ4F_getErrorName(hint));
		}
		r->in_pos += src;
		r->end += dst;
		/* hint 0: a frame ended; more input would start a new one. */
		r->frame_open = hint != 0;
		r->hint = hint ? hint : LZ4_HDR_MIN;
	}
	return 0;
}

static const char *r_what(const struct nc_reader *r)
{
	return r->hdr ? "record" : "header";
}

/*
 * Parse the next delimited message into *data and *len (pointing into buf).
 * 1 on success, 0 at a clean end, -1 on error.
 */
static int r_frame(struct nc_reader *r, const uint8_t **data, size_t *len)
{
	uint64_t v = 0;
	int k;

	if (r_fill(r, 1) < 0)
		return -1;
	if (r->end == r->start) {
		if (r->lz4 && r->frame_open)
			return r_fail_at(r, true, r->in_base + r->in_pos,
					 "LZ4 frame end mark missing at file "
					 "offset %" PRIu64 " (file truncated "
					 "after record %" PRIu64 ")",
					 r->in_base + r->in_pos, r->nrec);
		if (!r->hdr)
			return r_fail(r, "empty record file: no header");
		return 0;
	}
	uint64_t off = r->buf_base + r->start;
	for (;;) {
		k = nc_varint_get(r->buf + r->start, r->buf + r->end, &v);
		if (k != 0)
			break;
		size_t have = r->end - r->start;
		if (r_fill(r, have + 1) < 0)
			return -1;
		if (r->end - r->start == have)
			return r_fail_at(r, false, off,
					 "truncated %s length at stream offset "
					 "%" PRIu64 " (record %" PRIu64 ")",
					 r_what(r), off, r->nrec + 1);
	}
	if (k < 0)
		return r_fail_at(
		    r, false, off,
		    "bad %s length varint at stream offset %" PRIu64
		    " (record %" PRIu64 ")",
		    r_what(r), off, r->nrec + 1);
	if (v > NC_REC_LIMIT)
		return r_fail_at(r, false, off,
				 "record too large (%" PRIu64 " bytes) at "
				 "stream offset %" PRIu64 " (record %" PRIu64
				 ")",
				 v, off, r->nrec + 1);
	size_t need = (size_t)k + (size_t)v;
	if (r_fill(r, need) < 0)
		return -1;
	if (r->end - r->start < need)
		return r_fail_at(r, false, off,
				 "truncated %s at stream offset %" PRIu64
				 " (record %" PRIu64 "): %zu of %zu bytes",
				 r_what(r), off, r->nrec + 1,
				 r->end - r->start - (size_t)k, (size_t)v);
	*data = r->buf + r->start + k;
	*len = (size_t)v;
	r->start += need;
	return 1;
}

struct nc_reader *nc_reader_open(const char *path, char *err, size_t errlen)
{
	return nc_reader_open_at(path, err, errlen, NULL, NULL);
}

struct nc_reader *nc_reader_open_at(const char *path, char *err, size_t errlen,
				    uint64_t *off, int *where)
{
	if (where)
		*where = 0;
	struct nc_reader *r = calloc(1, sizeof(*r));
	const uint8_t *d = NULL;
	size_t len = 0;

	if (!r || !(r->in = malloc(R_INCAP))) {
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	r->type = -1;
	if (strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail_quiet;
		}
		r->own_fd = true;
	}
	/* Gather 4 bytes (a pipe may deliver fewer at once) for the magic. */
	while (r->in_len < 4 && !r->src_eof) {
		ssize_t n = read(r->fd, r->in + r->in_len, R_INCAP - r->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail_quiet;
		}
		if (n == 0)
			r->src_eof = true;
		r->in_len += (size_t)n;
	}
	if (r->in_len >= 4 && (r->in[0] | r->in[1] << 8 | r->in[2] << 16 |
			       (uint32_t)r->in[3] << 24) == LZ4_MAGIC) {
		r->lz4 = true;
		r->hint = LZ4_HDR_MIN;
		if (LZ4F_isError(LZ4F_createDecompressionContext(
			&r->dctx, LZ4F_VERSION))) {
			snprintf(err, errlen, "out of memory");
			goto fail_quiet;
		}
	}
	if (r_frame(r, &d, &len) != 1)
		goto fail;
	r->hdr = netcap__header__unpack(NULL, len, d);
	if (!r->hdr) {
		r_fail_at(r, false, 0,
			  "header does not parse at stream offset 0");
		goto fail;
	}
	r->type = nc_rec_by_wire(r->hdr->type);
	r->desc = r->type >= 0 ? nc_rec_desc((enum nc_rec)r->type) : NULL;
	return r;
fail:
	snprintf(err, errlen, "%s: %s", path, r->err);
	if (where) {
		bool in_file;
		*where = 0;
		if (nc_reader_error_offset(r, off, &in_file))
			*where = in_file ? 1 : 2;
	}
fail_quiet:
	nc_reader_close(r);
	return NULL;
}

const Netcap__Header *nc_reader_header(const struct nc_reader *r)
{
	return r->hdr;
}

int nc_reader_type(const struct nc_reader *r)
{
	return r->type;
}

size_t nc_reader_peek(const struct nc_reader *r, const uint8_t **data)
{
	uint64_t v = 0;

	if (r->failed || r->start >= r->end)
		return 0;
	int k = nc_varint_get(r->buf + r->start, r->buf + r->end, &v);
	if (k <= 0 || v > r->end - r->start - (size_t)k)
		return 0;
	*data = r->buf + r->start + k;
	return (size_t)v;
}

static int r_next(struct nc_reader *r, ProtobufCMessage **msg, bool tmp)
{
	const uint8_t *d = NULL;
	size_t len = 0;

	*msg = NULL;
	if (r->failed)
		return -1;
	if (!r->desc)
		return r_fail(r, "record type %d is unknown to this netcap",
			      (int)r->hdr->type);
	uint64_t off = r->buf_base + r->start;
	int rc = r_frame(r, &d, &len);
	if (rc != 1)
		return rc;
	if (tmp) {
		ProtobufCAllocator al = {ar_alloc, ar_free, &r->ar};
		ar_reset(&r->ar);
		/*
		 * The unpacker generated for the type (scripts/gen-packers.py)
		 * reads what protobuf-c would, at a fraction of its cost; on
		 * anything else (unknown fields, bad bytes) it answers 0 and
		 * protobuf-c decides, so messages and errors are protobuf-c's.
		 */
		if (nc_unpack_record((enum nc_rec)r->type, d, len, &al, msg)) {
			r->nrec++;
			return 1;
		}
		ar_reset(&r->ar); /* what the unpacker left is garbage */
		*msg = protobuf_c_message_unpack(r->desc, &al, len, d);
	} else {
		*msg = protobuf_c_message_unpack(r->desc, NULL, len, d);
	}
	if (!*msg)
		return r_fail_at(r, false, off,
				 "record %" PRIu64 " at stream offset %" PRIu64
				 " does not parse as %s",
				 r->nrec + 1, off, r->desc->name);
	r->nrec++;
	return 1;
}

/* ---- record checker -------------------------------------------------- */

struct nc_rcheck {
	struct arena ar;
};

struct nc_rcheck *nc_rcheck_new(void)
{
	return calloc(1, sizeof(struct nc_rcheck));
}

bool nc_rcheck(struct nc_rcheck *c, enum nc_rec t, const uint8_t *p, size_t len)
{
	ProtobufCAllocator al = {ar_alloc, ar_free, &c->ar};
	ProtobufCMessage *m;

	/* as nc_reader_next_tmp reads a record: the generated unpacker, and
	   protobuf-c where it declines */
	ar_reset(&c->ar);
	if (nc_unpack_record(t, p, len, &al, &m))
		return true;
	ar_reset(&c->ar);
	return protobuf_c_message_unpack(nc_rec_desc(t), &al, len, p) != NULL;
}

void nc_rcheck_free(struct nc_rcheck *c)
{
	if (!c)
		return;
	ar_reset(&c->ar);
	free(c->ar.p);
	free(c);
}

int nc_reader_next(struct nc_reader *r, ProtobufCMessage **msg)
{
	return r_next(r, msg, false);
}

int nc_reader_next_tmp(struct nc_reader *r, ProtobufCMessage **msg)
{
	return r_next(r, msg, true);
}

bool nc_reader_error_offset(const struct nc_reader *r, uint64_t *off,
			    bool *in_file)
{
	if (!r->failed || !r->err_off_set)
		return false;
	*off = r->err_off;
	/* an uncompressed file is its stream */
	*in_file = r->err_in_file || !r->lz4;
	return true;
}

const char *nc_reader_error(const struct nc_reader *r)
{
	return r->err;
}

void nc_reader_close(struct nc_reader *r)
{
	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	if (r->dctx)
		LZ4F_freeDecompressionContext(r->dctx);
	if (r->hdr)
		netcap__header__free_unpacked(r->hdr, NULL);
	ar_reset(&r->ar);
	free(r->ar.p);
	free(r->in);
	free(r->buf);
	free(r);
}

size_t nc_record_suffix(const char *name)
{
	size_t l = strlen(name);

	if (l > 9 && strcmp(name + l - 9, ".ncap.lz4") == 0)
		return 9;
	if (l > 5 && strcmp(name + l - 5, ".ncap") == 0)
		return 5;
	return 0;
}
