/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reasm.c: TCP stream reassembly (reasm.h, docs/REASSEMBLY.md).
 *
 * RFC 9293 section 3.4: every data octet has a 32-bit sequence number; the
 * SYN takes the ISN, so the first data octet is ISN + 1, and the FIN takes
 * the number after the last data octet. Comparisons are modulo 2^32: a
 * sequence number is mapped to a 64-bit stream offset through its signed
 * 32-bit distance from the next expected octet, which is meaningful only
 * within +-2^31; segments farther than cfg.window (default 1 GiB) from it
 * are out of window and ignored.
 *
 *            offset 0 = base_seq                  next_off
 *   stream:  |==== delivered (or gap) =========|....|held|...|held|..FIN
 *                                               hole       hole
 *
 * Held (out-of-order) data lives in pool chunks: a sorted singly linked
 * list of disjoint ranges of at most NC_REASM_CHUNK_DATA bytes, every range
 * starting after next_off. A segment that arrives in order is handed to
 * on_data straight from the packet; held data that it reaches is handed
 * over from the chunk (first data wins: bytes already held are kept and a
 * later copy is only compared). In track-only mode one chunk holds at most
 * cfg.max_holes ranges [start, end) and no payload.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

struct nc_reasm_range {
	uint64_t start, end; /* stream offsets, start < end */
};

struct nc_reasm_chunk {
	struct nc_reasm_chunk *next;
	uint64_t off; /* data: stream offset of data[0] */
	uint32_t len; /* data: bytes used; track-only: ranges used */
	uint32_t pad;
	union {
		uint8_t data[NC_REASM_CHUNK_DATA];
		struct nc_reasm_range
		    r[NC_REASM_CHUNK_DATA / sizeof(struct nc_reasm_range)];
	};
};

_Static_assert(sizeof(struct nc_reasm_chunk) == NC_REASM_CHUNK_SIZE,
	       "chunk size");
_Static_assert(NC_REASM_MAX_HOLES_CAP + 1 <=
		   NC_REASM_CHUNK_DATA / sizeof(struct nc_reasm_range),
	       "range block too small");
_Static_assert(sizeof(struct nc_stream) == 72, "stream size");

/* Most chunks one stream can count (struct nc_stream.nchunks). */
#define STREAM_CAP_MAX 0xffffu

struct nc_reasm_pool {
	struct nc_reasm_cfg cfg;
	struct nc_reasm_chunk *mem;  /* nchunks chunks */
	struct nc_reasm_chunk *free; /* returned chunks */
	uint32_t nchunks;
	uint32_t fresh; /* chunks [fresh, nchunks) were never used */
	uint32_t used, peak;
	uint32_t stream_cap;
	struct nc_dec *dec;
	bool in_segment;       /* inside nc_stream_segment() */
	const uint8_t *seg_at; /* its payload, when inside dec's frame */
	int64_t now;
	uint64_t events[NC_EV_MAX]; /* when dec is NULL */
};

enum get_fail { GET_OK = 0, GET_STREAM_CAP, GET_POOL_EMPTY };

void nc_reasm_cfg_default(struct nc_reasm_cfg *cfg)
{
	cfg->pool_bytes = NC_REASM_DEF_POOL_BYTES;
	cfg->stream_bytes = NC_REASM_DEF_STREAM_BYTES;
	cfg->max_holes = NC_REASM_DEF_MAX_HOLES;
	cfg->window = NC_REASM_DEF_WINDOW;
}

struct nc_reasm_pool *nc_reasm_pool_new(const struct nc_reasm_cfg *cfg)
{
	struct nc_reasm_pool *pool = calloc(1, sizeof(*pool));
	if (!pool)
		return NULL;
	pool->cfg = *cfg;
	if (pool->cfg.max_holes < 1)
		pool->cfg.max_holes = 1;
	if (pool->cfg.max_holes > NC_REASM_MAX_HOLES_CAP)
		pool->cfg.max_holes = NC_REASM_MAX_HOLES_CAP;
	if (pool->cfg.window < 1)
		pool->cfg.window = 1;
	if (pool->cfg.window > INT32_MAX)
		pool->cfg.window = INT32_MAX;

	uint64_t n = cfg->pool_bytes / NC_REASM_CHUNK_SIZE;
	if (n > UINT32_MAX - 1) {
		free(pool);
		errno = EINVAL;
		return NULL;
	}
	pool->nchunks = (uint32_t)n;
	uint32_t cap = cfg->stream_bytes / NC_REASM_CHUNK_SIZE;
	pool->stream_cap = cap > STREAM_CAP_MAX ? STREAM_CAP_MAX : cap;
	if (n) {
		/* malloc, not calloc: pages are touched when first used */
		pool->mem = malloc((size_t)n * sizeof(struct nc_reasm_chunk));
		if (!pool->mem) {
			free(pool);
			errno = ENOMEM;
			return NULL;
		}
	}
	return pool;
}

void nc_reasm_pool_free(struct nc_reasm_pool *pool)
{
	if (!pool)
		return;
	free(pool->mem);
	free(pool);
}

void nc_reasm_pool_set_dec(struct nc_reasm_pool *pool, struct nc_dec *d)
{
	pool->dec = d;
}

uint64_t nc_reasm_event_count(const struct nc_reasm_pool *pool,
			      enum nc_event ev)
{
	if (ev >= NC_EV_MAX)
		return 0;
	return pool->dec ? pool->dec->events[ev] : pool->events[ev];
}

void nc_reasm_pool_stats(const struct nc_reasm_pool *pool,
			 struct nc_reasm_stats *st)
{
	st->chunks = pool->nchunks;
	st->chunks_used = pool->used;
	st->chunks_peak = pool->peak;
	st->stream_cap = pool->stream_cap;
}

int64_t nc_reasm_now(const struct nc_reasm_pool *pool)
{
	return pool->now;
}

static void rev(struct nc_reasm_pool *pool, enum nc_event ev)
{
	struct nc_dec *d = pool->dec;

	if (!d)
		pool->events[ev]++;
	else if (pool->in_segment)
		nc_event(d, ev, pool->seg_at);
	else
		d->events[ev]++;
}

static struct nc_reasm_chunk *chunk_get(struct nc_reasm_pool *pool,
					struct nc_stream *s, enum get_fail *why)
{
	struct nc_reasm_chunk *c;

	if (s->nchunks >= pool->stream_cap) {
		*why = GET_STREAM_CAP;
		return NULL;
	}
	if (pool->free) {
		c = pool->free;
		pool->free = c->next;
	} else if (pool->fresh < pool->nchunks) {
		c = &pool->mem[pool->fresh++];
	} else {
		*why = GET_POOL_EMPTY;
		return NULL;
	}
	s->nchunks++;
	if (++pool->used > pool->peak)
		pool->peak = pool->used;
	c->next = NULL;
	c->off = 0;
	c->len = 0;
	return c;
}

static void chunk_put(struct nc_reasm_pool *pool, struct nc_stream *s,
		      struct nc_reasm_chunk *c)
{
	c->next = pool->free;
	pool->free = c;
	s->nchunks--;
	pool->used--;
}

static bool wants_data(const struct nc_stream *s)
{
	return s->ops && s->ops->on_data;
}

/*
 * Map seq to a stream offset through its signed distance from the next
 * expected byte; false when that distance is beyond the window.
 */
static bool seq_off(const struct nc_reasm_pool *pool, const struct nc_stream *s,
		    uint32_t seq, int64_t *off)
{
	uint32_t next_seq = s->base_seq + (uint32_t)s->next_off;
	int64_t d = (int64_t)(int32_t)(seq - next_seq);

	if (d > (int64_t)pool->cfg.window || d < -(int64_t)pool->cfg.window)
		return false;
	*off = (int64_t)s->next_off + d;
	return true;
}

/* Offset of the FIN (valid with NC_STREAM_FIN: never below next_off). */
static uint64_t fin_off(const struct nc_stream *s)
{
	uint32_t next_seq = s->base_seq + (uint32_t)s->next_off;
	return s->next_off + (uint32_t)(s->fin_seq - next_seq);
}

static void emit(struct nc_stream *s, const uint8_t *p, size_t len,
		 uint64_t off)
{
	if (len && s->ops && s->ops->on_data)
		s->ops->on_data(s->arg, p, len, off);
}

/* Skip len bytes at next_off: they are missed. */
static void gap(struct nc_reasm_pool *pool, struct nc_stream *s, uint64_t len)
{
	if (!len)
		return;
	uint64_t off = s->next_off;
	s->missed += len;
	s->next_off += len;
	rev(pool, NC_EV_REASM_GAP);
	if (s->ops && s->ops->on_gap)
		s->ops->on_gap(s->arg, off, len);
}

/* Highest offset held past next_off (0 when nothing is held). */
static uint64_t held_end(const struct nc_stream *s)
{
	const struct nc_reasm_chunk *c = s->buf;

	if (!c)
		return 0;
	if (!wants_data(s))
		return c->len ? c->r[c->len - 1].end : 0;
	while (c->next)
		c = c->next;
	return c->off + c->len;
}

/* ---- data mode ---------------------------------------------------- */

/* Hand over the held chunks that continue at next_off. */
static void drain(struct nc_reasm_pool *pool, struct nc_stream *s)
{
	struct nc_reasm_chunk *c;

	while ((c = s->buf) && c->off == s->next_off) {
		s->buf = c->next;
		s->next_off += c->len;
		emit(s, c->data, c->len, c->off);
		chunk_put(pool, s, c);
	}
}

/* len bytes at next_off; held data they reach wins over them. */
static void data_inorder(struct nc_reasm_pool *pool, struct nc_stream *s,
			 const uint8_t *p, uint32_t len, bool *ov, bool *diff)
{
	while (len > 0) {
		struct nc_reasm_chunk *c = s->buf;
		uint64_t off = s->next_off;
		uint32_t n;

		if (!c || c->off >= off + len) {
			s->next_off += len;
			emit(s, p, len, off);
			break;
		}
		if (c->off > off) {
			n = (uint32_t)(c->off - off);
			s->next_off += n;
			emit(s, p, n, off);
			p += n;
			len -= n;
			continue;
		}
		/* c->off == off: compare, then hand over the held copy */
		n = len < c->len ? len : c->len;
		*ov = true;
		if (memcmp(p, c->data, n) != 0)
			*diff = true;
		p += n;
		len -= n;
		s->buf = c->next;
		s->next_off += c->len;
		emit(s, c->data, c->len, c->off);
		chunk_put(pool, s, c);
	}
	drain(pool, s);
}

/*
 * Hold [off, off + len) (off > next_off) where nothing is held yet,
 * comparing the bytes that are. Returns GET_OK, or why a chunk was refused
 * with *fail = the first offset not stored (what is before it is stored).
 */
static enum get_fail data_insert(struct nc_reasm_pool *pool,
				 struct nc_stream *s, const uint8_t *p,
				 uint64_t off, uint32_t len, bool *ov,
				 bool *diff, uint64_t *fail)
{
	struct nc_reasm_chunk **link = &s->buf, *prev = NULL;
	uint64_t end = off + len;

	while (off < end) {
		struct nc_reasm_chunk *c = *link;

		if (c && c->off + c->len <= off) { /* wholly before */
			prev = c;
			link = &c->next;
			continue;
		}
		if (c && c->off <= off) { /* held: first data wins */
			uint64_t e =
			    c->off + c->len < end ? c->off + c->len : end;
			uint32_t n = (uint32_t)(e - off);
			*ov = true;
			if (memcmp(p, c->data + (off - c->off), n) != 0)
				*diff = true;
			p += n;
			off += n;
			prev = c;
			link = &c->next;
			continue;
		}
		/* [off, lim) is not held */
		uint64_t lim = c && c->off < end ? c->off : end;
		while (off < lim) {
			uint32_t n;
			if (prev && prev->off + prev->len == off &&
			    prev->len < NC_REASM_CHUNK_DATA) {
				n = NC_REASM_CHUNK_DATA - prev->len;
				if (n > lim - off)
					n = (uint32_t)(lim - off);
				memcpy(prev->data + prev->len, p, n);
				prev->len += n;
			} else {
				enum get_fail why = GET_OK;
				struct nc_reasm_chunk *nc =
				    chunk_get(pool, s, &why);
				if (!nc) {
					*fail = off;
					return why;
				}
				n = NC_REASM_CHUNK_DATA;
				if (n > lim - off)
					n = (uint32_t)(lim - off);
				nc->off = off;
				nc->len = n;
				memcpy(nc->data, p, n);
				nc->next = *link;
				*link = nc;
				prev = nc;
				link = &nc->next;
			}
			p += n;
			off += n;
		}
	}
	return GET_OK;
}

static void budget_events(struct nc_reasm_pool *pool, enum get_fail why)
{
	rev(pool, NC_EV_REASM_BUDGET_GAP);
	if (why == GET_POOL_EMPTY)
		rev(pool, NC_EV_REASM_POOL_EXHAUSTED);
}

static void data_segment(struct nc_reasm_pool *pool, struct nc_stream *s,
			 const uint8_t *p, uint64_t off, uint32_t len, bool *ov,
			 bool *diff)
{
	/*
	 * Each pass hands the segment over in order, stores all of it, or
	 * skips the first hole (handing over at least one held chunk, or
	 * reaching off): at most nchunks + 2 passes.
	 */
	for (;;) {
		if (off == s->next_off) {
			data_inorder(pool, s, p, len, ov, diff);
			return;
		}
		uint64_t fail = off;
		enum get_fail why =
		    data_insert(pool, s, p, off, len, ov, diff, &fail);
		if (why == GET_OK)
			return;
		p += fail - off;
		len -= (uint32_t)(fail - off);
		off = fail;
		/* over budget: give up the oldest hole instead */
		budget_events(pool, why);
		uint64_t to = off;
		if (s->buf && s->buf->off < to)
			to = s->buf->off;
		gap(pool, s, to - s->next_off);
		drain(pool, s);
	}
}

/* ---- track-only mode ---------------------------------------------- */

static void ranges_drop_front(struct nc_reasm_chunk *c, uint32_t n)
{
	memmove(&c->r[0], &c->r[n], (c->len - n) * sizeof(c->r[0]));
	c->len -= n;
}

/* next_off moved forward: absorb the ranges it reached. */
static void track_advance(struct nc_reasm_pool *pool, struct nc_stream *s,
			  bool *ov)
{
	struct nc_reasm_chunk *c = s->buf;
	uint32_t i = 0;

	if (!c)
		return;
	while (i < c->len && c->r[i].start <= s->next_off) {
		if (c->r[i].start < s->next_off)
			*ov = true;
		if (c->r[i].end > s->next_off)
			s->next_off = c->r[i].end;
		i++;
	}
	ranges_drop_front(c, i);
	if (c->len == 0) {
		s->buf = NULL;
		chunk_put(pool, s, c);
	}
}

/* Remember [off, end) seen past next_off (off > next_off). */
static void track_insert(struct nc_reasm_pool *pool, struct nc_stream *s,
			 uint64_t off, uint64_t end, bool *ov)
{
	struct nc_reasm_chunk *c = s->buf;

	if (!c) {
		enum get_fail why = GET_OK;
		c = chunk_get(pool, s, &why);
		if (!c) {
			budget_events(pool, why);
			gap(pool, s, off - s->next_off);
			s->next_off = end;
			return;
		}
		s->buf = c;
	}
	uint32_t n = c->len, i = 0, j;
	while (i < n && c->r[i].end < off)
		i++;
	for (j = i; j < n && c->r[j].start <= end; j++)
		if (c->r[j].start < end && c->r[j].end > off)
			*ov = true;
	if (j > i) { /* merge with ranges i .. j-1 (touching or overlapping) */
		if (c->r[i].start < off)
			off = c->r[i].start;
		if (c->r[j - 1].end > end)
			end = c->r[j - 1].end;
		c->r[i].start = off;
		c->r[i].end = end;
		memmove(&c->r[i + 1], &c->r[j], (n - j) * sizeof(c->r[0]));
		c->len = n - (j - i - 1);
	} else { /* n <= max_holes < capacity of the block */
		memmove(&c->r[i + 1], &c->r[i], (n - i) * sizeof(c->r[0]));
		c->r[i].start = off;
		c->r[i].end = end;
		c->len = n + 1;
	}
	/* too many holes: the oldest counts as missed */
	while (c->len > pool->cfg.max_holes) {
		rev(pool, NC_EV_REASM_TOO_MANY_HOLES);
		gap(pool, s, c->r[0].start - s->next_off);
		s->next_off = c->r[0].end;
		ranges_drop_front(c, 1);
	}
}

static void track_segment(struct nc_reasm_pool *pool, struct nc_stream *s,
			  uint64_t off, uint32_t len, bool *ov)
{
	if (off == s->next_off) {
		s->next_off += len;
		track_advance(pool, s, ov);
	} else {
		track_insert(pool, s, off, off + len, ov);
	}
}

/* ---- end of stream ------------------------------------------------ */

/*
 * Hand over what is held, report holes and the known tail (up to the FIN,
 * or up to the peer's ACK) as gaps, then on_end once.
 */
static void stream_end(struct nc_reasm_pool *pool, struct nc_stream *s,
		       enum nc_stream_end why)
{
	struct nc_reasm_chunk *c;

	if (wants_data(s)) {
		while ((c = s->buf)) {
			gap(pool, s, c->off - s->next_off);
			drain(pool, s);
		}
	} else if ((c = s->buf)) {
		for (uint32_t i = 0; i < c->len; i++) {
			gap(pool, s, c->r[i].start - s->next_off);
			s->next_off = c->r[i].end;
		}
		s->buf = NULL;
		chunk_put(pool, s, c);
	}
	if (s->flags & NC_STREAM_STARTED) {
		uint64_t tail = s->next_off;
		uint64_t fin = (s->flags & NC_STREAM_FIN) ? fin_off(s) : 0;
		int64_t a;
		if (fin > tail)
			tail = fin;
		if ((s->flags & NC_STREAM_ACK) &&
		    seq_off(pool, s, s->ack_seq, &a) &&
		    a > (int64_t)s->next_off) {
			/* an ACK of the FIN covers its sequence number */
			if ((s->flags & NC_STREAM_FIN) && (uint64_t)a > fin)
				a = (int64_t)fin;
			if ((uint64_t)a > tail)
				tail = (uint64_t)a;
		}
		gap(pool, s, tail - s->next_off);
	}
	s->flags |= NC_STREAM_ENDED;
	s->end = (uint8_t)why;
	if (s->ops && s->ops->on_end)
		s->ops->on_end(s->arg, why);
}

/* ---- segments ----------------------------------------------------- */

/* A segment of a stream that already ended. */
static void after_end(struct nc_reasm_pool *pool, struct nc_stream *s,
		      uint32_t seq, uint8_t flags, uint32_t len)
{
	int64_t off;

	if (flags & NC_SEG_SYN)
		seq++;
	if (!len || !(s->flags & NC_STREAM_STARTED) ||
	    !seq_off(pool, s, seq, &off))
		return;
	if (off + (int64_t)len <= (int64_t)s->next_off) {
		s->retrans += len;
		rev(pool, NC_EV_REASM_RETRANSMISSION);
	} else if (s->end == NC_STREAM_END_FIN) {
		rev(pool, NC_EV_REASM_DATA_AFTER_FIN);
	} else {
		rev(pool, NC_EV_REASM_DATA_AFTER_END);
	}
}

/* Start the stream or check the SYN against it; false: drop the segment. */
static bool syn(struct nc_reasm_pool *pool, struct nc_stream *s, uint32_t seq)
{
	if (!(s->flags & NC_STREAM_STARTED)) {
		s->base_seq = seq + 1;
		s->flags |= NC_STREAM_STARTED | NC_STREAM_SYN;
		return true;
	}
	/* retransmitted, or late after a pickup at ISN + 1; any other ISN
	   would move bytes already handed over */
	if (seq + 1 == s->base_seq) {
		s->flags |= NC_STREAM_SYN;
		return true;
	}
	rev(pool, NC_EV_REASM_SYN_MISMATCH);
	return false;
}

/*
 * The capture cut a segment: bytes [cut, cut_end) of it exist but were not
 * captured. When the stream has reached them, they are a gap now (up to
 * the next held byte) instead of a hole that waits for a flush.
 */
static void cut_gap(struct nc_reasm_pool *pool, struct nc_stream *s,
		    uint64_t cut, uint64_t cut_end)
{
	const struct nc_reasm_chunk *c = s->buf;
	uint64_t lim = cut_end;
	bool ov = false;

	if (s->next_off < cut || s->next_off >= lim)
		return;
	if ((s->flags & NC_STREAM_FIN) && fin_off(s) < lim)
		lim = fin_off(s);
	if (c && wants_data(s) && c->off < lim)
		lim = c->off;
	if (c && !wants_data(s) && c->len && c->r[0].start < lim)
		lim = c->r[0].start;
	if (lim <= s->next_off)
		return;
	gap(pool, s, lim - s->next_off);
	if (wants_data(s))
		drain(pool, s);
	else
		track_advance(pool, s, &ov);
}

static void segment(struct nc_reasm_pool *pool, struct nc_stream *s,
		    uint32_t seq, uint8_t flags, const uint8_t *data,
		    uint32_t len, uint32_t wire)
{
	int64_t off;

	if (s->flags & NC_STREAM_ENDED) {
		after_end(pool, s, seq, flags, len);
		return;
	}
	if (flags & NC_SEG_RST) {
		/* RST data (RFC 9293 3.10.7.3 diagnostic text) is not stream
		   data; an RST far out of window is not believed */
		if ((s->flags & NC_STREAM_STARTED) &&
		    !seq_off(pool, s, seq, &off)) {
			rev(pool, NC_EV_REASM_OUT_OF_WINDOW);
			return;
		}
		stream_end(pool, s, NC_STREAM_END_RST);
		return;
	}
	if (flags & NC_SEG_SYN) {
		if (!syn(pool, s, seq))
			return;
		seq++;
	} else if (!(s->flags & NC_STREAM_STARTED)) {
		if (len == 0 && !(flags & NC_SEG_FIN))
			return;
		s->base_seq = seq;
		s->flags |= NC_STREAM_STARTED | NC_STREAM_MIDSTREAM;
		rev(pool, NC_EV_REASM_MIDSTREAM);
	}
	if (!seq_off(pool, s, seq, &off)) {
		rev(pool, NC_EV_REASM_OUT_OF_WINDOW);
		return;
	}
	int64_t end = off + (int64_t)len;
	int64_t wire_end = off + (int64_t)wire; /* the FIN comes after these */

	if (flags & NC_SEG_FIN) {
		if (s->flags & NC_STREAM_FIN) {
			if (s->fin_seq != seq + wire)
				rev(pool, NC_EV_REASM_FIN_MISMATCH);
		} else if (wire_end < (int64_t)s->next_off ||
			   (uint64_t)wire_end < held_end(s)) {
			/* data already seen lies past this FIN */
			rev(pool, NC_EV_REASM_FIN_MISMATCH);
		} else {
			s->fin_seq = seq + wire;
			s->flags |= NC_STREAM_FIN;
		}
	}
	if (s->flags & NC_STREAM_FIN) {
		int64_t f = (int64_t)fin_off(s);
		/* a bare ACK after the FIN carries FIN + 1: no data */
		if (len > 0 && end > f) {
			rev(pool, NC_EV_REASM_DATA_AFTER_FIN);
			end = f;
		}
	}
	if (off < (int64_t)s->next_off && end > off) {
		int64_t e =
		    end < (int64_t)s->next_off ? end : (int64_t)s->next_off;
		s->retrans += (uint64_t)(e - off);
		rev(pool, NC_EV_REASM_RETRANSMISSION);
		data += e - off;
		off = e;
	}
	if (end > off) {
		bool ov = false, diff = false;
		uint32_t n = (uint32_t)(end - off);
		if (wants_data(s))
			data_segment(pool, s, data, (uint64_t)off, n, &ov,
				     &diff);
		else
			track_segment(pool, s, (uint64_t)off, n, &ov);
		if (ov) {
			s->overlaps++;
			rev(pool, NC_EV_REASM_OVERLAP);
		}
		if (diff) {
			s->overlap_differs++;
			rev(pool, NC_EV_REASM_OVERLAP_DIFFERS);
		}
	}
	if (wire > len && end >= 0 && wire_end > end)
		cut_gap(pool, s, (uint64_t)end, (uint64_t)wire_end);
	if ((s->flags & NC_STREAM_FIN) && s->next_off == fin_off(s))
		stream_end(pool, s, NC_STREAM_END_FIN);
}

void nc_stream_segment(struct nc_reasm_pool *pool, struct nc_stream *s,
		       uint32_t seq, uint8_t flags, const uint8_t *data,
		       uint32_t len, int64_t ts)
{
	nc_stream_segment_cut(pool, s, seq, flags, data, len, len, ts);
}

void nc_stream_segment_cut(struct nc_reasm_pool *pool, struct nc_stream *s,
			   uint32_t seq, uint8_t flags, const uint8_t *data,
			   uint32_t len, uint32_t wire_len, int64_t ts)
{
	const struct nc_dec *d = pool->dec;

	if (!data)
		len = 0;
	if (wire_len < len)
		wire_len = len;
	pool->now = ts;
	pool->in_segment = true;
	pool->seg_at = NULL;
	if (d && d->frame && data) {
		uintptr_t a = (uintptr_t)data, f = (uintptr_t)d->frame;
		if (a >= f && a < f + d->caplen)
			pool->seg_at = data;
	}
	segment(pool, s, seq, flags, data, len, wire_len);
	pool->in_segment = false;
}

/* ---- the rest of the API ------------------------------------------ */

void nc_stream_init(struct nc_stream *s)
{
	memset(s, 0, sizeof(*s));
}

int nc_stream_attach(struct nc_stream *s, const struct nc_stream_ops *ops,
		     void *arg)
{
	if (s->flags & NC_STREAM_STARTED)
		return -EBUSY;
	s->ops = ops;
	s->arg = arg;
	return 0;
}

void nc_stream_detach(struct nc_reasm_pool *pool, struct nc_stream *s)
{
	struct nc_reasm_chunk *list = wants_data(s) ? s->buf : NULL;

	if (list)
		s->buf = NULL;
	s->ops = NULL;
	s->arg = NULL;
	/* held chunks become ranges; a freed chunk is there for the block */
	while (list) {
		struct nc_reasm_chunk *c = list;
		uint64_t off = c->off, end = c->off + c->len;
		list = c->next;
		chunk_put(pool, s, c);
		while (list && list->off == end) {
			c = list;
			end += c->len;
			list = c->next;
			chunk_put(pool, s, c);
		}
		bool ov = false;
		if (off > s->next_off)
			track_insert(pool, s, off, end, &ov);
		else if (end > s->next_off) { /* not reached: defensive */
			s->next_off = end;
			track_advance(pool, s, &ov);
		}
	}
}

void nc_stream_ack(struct nc_stream *s, uint32_t ack)
{
	if (!(s->flags & NC_STREAM_ACK) || (int32_t)(ack - s->ack_seq) > 0) {
		s->ack_seq = ack;
		s->flags |= NC_STREAM_ACK;
	}
}

void nc_stream_flush(struct nc_reasm_pool *pool, struct nc_stream *s)
{
	if (!(s->flags & NC_STREAM_ENDED))
		stream_end(pool, s,
			   (s->flags & NC_STREAM_FIN) ? NC_STREAM_END_FIN
						      : NC_STREAM_END_CLOSE);
	nc_stream_release(pool, s);
}

void nc_stream_release(struct nc_reasm_pool *pool, struct nc_stream *s)
{
	struct nc_reasm_chunk *c;

	/* data chunks, or the one range block (its next is NULL) */
	while ((c = s->buf)) {
		s->buf = c->next;
		chunk_put(pool, s, c);
	}
}
