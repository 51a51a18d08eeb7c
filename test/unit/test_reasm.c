/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of TCP stream reassembly (decoders/reasm.c). No frames: the
 * segments are (sequence number, flags, bytes) as TCP hands them over.
 * Expected values follow from RFC 9293 section 3.4 (the SYN takes the ISN,
 * data starts at ISN + 1, the FIN takes the number after the last data
 * octet, arithmetic modulo 2^32) and from the policy in docs/REASSEMBLY.md.
 * A sink checks every callback sequence: each on_data / on_gap starts where
 * the previous ended, on_end comes once and last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reasm.h"

#define SINK_CAP (1u << 20)
#define MAX_GAPS 1024

struct sink {
	uint8_t data[SINK_CAP]; /* delivered bytes at their offsets */
	uint64_t pos;		/* where the next callback must start */
	uint64_t delivered;
	unsigned ndata;
	const uint8_t *last_p; /* pointer of the last on_data */
	unsigned ngaps;
	uint64_t gap_off[MAX_GAPS], gap_len[MAX_GAPS];
	unsigned ends;
	enum nc_stream_end reason;
	unsigned bad; /* order violations */
};

static void s_data(void *arg, const uint8_t *p, size_t len, uint64_t off)
{
	struct sink *k = arg;
	if (off != k->pos || k->ends || len == 0)
		k->bad++;
	if (off + len <= SINK_CAP)
		memcpy(k->data + off, p, len);
	else
		k->bad++;
	k->pos = off + len;
	k->delivered += len;
	k->ndata++;
	k->last_p = p;
}

static void s_gap(void *arg, uint64_t off, uint64_t len)
{
	struct sink *k = arg;
	if (off != k->pos || k->ends || len == 0)
		k->bad++;
	if (k->ngaps < MAX_GAPS) {
		k->gap_off[k->ngaps] = off;
		k->gap_len[k->ngaps] = len;
	}
	k->ngaps++;
	k->pos = off + len;
}

static void s_end(void *arg, enum nc_stream_end reason)
{
	struct sink *k = arg;
	k->ends++;
	k->reason = reason;
}

static const struct nc_stream_ops sink_ops = {s_data, s_gap, s_end};
/* track-only consumer: gaps and end, no data */
static const struct nc_stream_ops track_ops = {NULL, s_gap, s_end};

static struct sink *sink_new(void)
{
	struct sink *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	return k;
}

static struct nc_reasm_pool *pool_new(uint64_t pool_bytes,
				      uint32_t stream_bytes, uint32_t holes)
{
	struct nc_reasm_cfg cfg;
	nc_reasm_cfg_default(&cfg);
	if (pool_bytes)
		cfg.pool_bytes = pool_bytes;
	if (stream_bytes)
		cfg.stream_bytes = stream_bytes;
	if (holes)
		cfg.max_holes = holes;
	struct nc_reasm_pool *p = nc_reasm_pool_new(&cfg);
	assert_non_null(p);
	return p;
}

static uint32_t chunks_used(const struct nc_reasm_pool *p)
{
	struct nc_reasm_stats st;
	nc_reasm_pool_stats(p, &st);
	return st.chunks_used;
}

#define EV(p, id) nc_reasm_event_count(p, NC_EV_REASM_##id)

/* shorthand: a segment of string bytes */
static void seg(struct nc_reasm_pool *p, struct nc_stream *s, uint32_t seq,
		uint8_t fl, const char *str)
{
	nc_stream_segment(p, s, seq, fl, (const uint8_t *)str,
			  str ? (uint32_t)strlen(str) : 0, 0);
}

/* a stream with a consumer, SYN seen with ISN isn */
static void open_stream(struct nc_reasm_pool *p, struct nc_stream *s,
			struct sink *k, uint32_t isn)
{
	nc_stream_init(s);
	assert_int_equal(nc_stream_attach(s, &sink_ops, k), 0);
	seg(p, s, isn, NC_SEG_SYN, NULL);
}

static void test_in_order(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	static const uint8_t w[] = " world";

	open_stream(p, &s, k, 1000);
	assert_true(s.flags & NC_STREAM_SYN);
	seg(p, &s, 1001, 0, "hello");
	nc_stream_segment(p, &s, 1006, 0, w, 6, 0);
	assert_ptr_equal(k->last_p, w); /* in order: zero copy */
	assert_int_equal(k->ends, 0);
	seg(p, &s, 1012, NC_SEG_FIN, NULL); /* FIN after 11 data octets */
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_FIN);
	assert_memory_equal(k->data, "hello world", 11);
	assert_int_equal(k->delivered, 11);
	assert_int_equal(nc_stream_delivered(&s), 11);
	assert_int_equal(s.missed, 0);
	assert_int_equal(k->ngaps, 0);
	assert_int_equal(chunks_used(p), 0);
	/* flush after the end: nothing more */
	nc_stream_flush(p, &s);
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->bad, 0);
	assert_int_equal(EV(p, MIDSTREAM), 0);
	free(k);
	nc_reasm_pool_free(p);
}

/*
 * RFC 9293 3.10.7.4: after its FIN an endpoint's ACKs carry SEQ = FIN + 1
 * and no data. One arriving while a hole before the FIN is still open is
 * not data after the FIN (found by the gaps flood, test/run-flood.sh).
 */
static void test_bare_ack_after_fin(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world");	    /* offsets 5..10, hole 0..5 */
	seg(p, &s, 11, NC_SEG_FIN, NULL); /* FIN occupies offset 10 */
	assert_int_equal(k->ends, 0);	    /* the hole is still open */
	seg(p, &s, 12, 0, NULL);	    /* bare ACK at FIN + 1 */
	assert_int_equal(EV(p, DATA_AFTER_FIN), 0);
	seg(p, &s, 13, 0, "x"); /* real data after the FIN still counts */
	assert_int_equal(EV(p, DATA_AFTER_FIN), 1);
	seg(p, &s, 1, 0, "hello"); /* fills the hole: the stream ends */
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_FIN);
	assert_memory_equal(k->data, "helloworld", 10);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_out_of_order(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world"); /* offset 5 */
	assert_int_equal(k->delivered, 0);
	assert_int_equal(chunks_used(p), 1);
	seg(p, &s, 1, 0, "hello"); /* fills the hole */
	assert_int_equal(k->delivered, 10);
	assert_memory_equal(k->data, "helloworld", 10);
	assert_int_equal(chunks_used(p), 0);
	assert_int_equal(s.missed, 0);
	assert_int_equal(s.overlaps, 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_reorder_many(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	/* five 3-byte segments "aaa" .. "eee" fed as 4, 2, 5, 1, 3 */
	static const char *part[] = {"aaa", "bbb", "ccc", "ddd", "eee"};
	static const int order[] = {3, 1, 4, 0, 2};

	open_stream(p, &s, k, 500);
	for (int i = 0; i < 5; i++) {
		int j = order[i];
		seg(p, &s, 501 + 3 * (uint32_t)j, 0, part[j]);
		if (i < 3)
			assert_int_equal(k->delivered, 0);
	}
	assert_int_equal(k->delivered, 15);
	assert_memory_equal(k->data, "aaabbbcccdddeee", 15);
	/* after "aaa": bbb held -> delivered; ccc hole until the last */
	assert_int_equal(k->delivered, s.next_off);
	assert_int_equal(chunks_used(p), 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_retransmission(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 100);
	seg(p, &s, 101, 0, "hello");
	seg(p, &s, 101, 0, "hello"); /* all 5 again */
	seg(p, &s, 101, 0, "hel");   /* 3 again */
	seg(p, &s, 103, 0, "lloXY"); /* "llo" again, "XY" new */
	assert_int_equal(s.retrans, 11);
	assert_int_equal(k->delivered, 7);
	assert_memory_equal(k->data, "helloXY", 7);
	/* delivered bytes are not kept: differing copies cannot be told */
	seg(p, &s, 101, 0, "HELLO");
	assert_int_equal(s.retrans, 16);
	assert_int_equal(s.overlap_differs, 0);
	assert_int_equal(EV(p, RETRANSMISSION), 4);
	/* the SYN again (same ISN) is a retransmission, not a mismatch */
	seg(p, &s, 100, NC_SEG_SYN, NULL);
	assert_int_equal(EV(p, SYN_MISMATCH), 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_overlap_held_same(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world"); /* held at 5..10 */
	seg(p, &s, 8, 0, "rld!!"); /* 7..12: "rld" held, "!!" new */
	assert_int_equal(s.overlaps, 1);
	assert_int_equal(s.overlap_differs, 0);
	seg(p, &s, 1, 0, "hello");
	assert_int_equal(k->delivered, 12);
	assert_memory_equal(k->data, "helloworld!!", 12);
	assert_int_equal(EV(p, OVERLAP), 1);
	assert_int_equal(EV(p, OVERLAP_DIFFERS), 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

/* held first, then a differing out-of-order copy: the held bytes win */
static void test_overlap_differs_held_first(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world");
	seg(p, &s, 4, 0, "XXWORLDYY"); /* 3..12 over held 5..10 */
	assert_int_equal(s.overlaps, 1);
	assert_int_equal(s.overlap_differs, 1);
	seg(p, &s, 1, 0, "abc");
	assert_int_equal(k->delivered, 12);
	assert_memory_equal(k->data, "abcXXworldYY", 12);
	assert_int_equal(EV(p, OVERLAP_DIFFERS), 1);
	assert_true(nc_event_is_anomaly(NC_EV_REASM_OVERLAP_DIFFERS));
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

/* held first, then an in-order segment that runs over it with other bytes */
static void test_overlap_differs_inorder_over_held(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world");
	seg(p, &s, 1, 0, "helloWORLD!"); /* 0..11 */
	assert_int_equal(k->delivered, 11);
	assert_memory_equal(k->data, "helloworld!", 11);
	assert_int_equal(s.overlaps, 1);
	assert_int_equal(s.overlap_differs, 1);
	/* and with the same bytes: an overlap, no difference */
	seg(p, &s, 15, 0, "mn"); /* held 14..16 */
	seg(p, &s, 12, 0, "jklmnop");
	assert_int_equal(s.overlaps, 2);
	assert_int_equal(s.overlap_differs, 1);
	assert_int_equal(k->delivered, 18);
	assert_memory_equal(k->data + 11, "jklmnop", 7);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_gap_at_flush(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 6, 0, "world");  /* 5..10 */
	seg(p, &s, 21, 0, "tail!"); /* 20..25 */
	nc_stream_flush(p, &s);
	assert_int_equal(k->ngaps, 2);
	assert_int_equal(k->gap_off[0], 0);
	assert_int_equal(k->gap_len[0], 5);
	assert_int_equal(k->gap_off[1], 10);
	assert_int_equal(k->gap_len[1], 10);
	assert_memory_equal(k->data + 5, "world", 5);
	assert_memory_equal(k->data + 20, "tail!", 5);
	assert_int_equal(s.missed, 15);
	assert_int_equal(nc_stream_delivered(&s), 10);
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_CLOSE);
	assert_int_equal(EV(p, GAP), 2);
	assert_int_equal(chunks_used(p), 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_wraparound(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	/* ISN 2^32 - 8: data octets 0..6 below 2^32, octet 7 is seq 0 */
	open_stream(p, &s, k, 0xfffffff8u);
	seg(p, &s, 0x00000005u, 0, "CCCC");	/* offsets 12..16 */
	seg(p, &s, 0xfffffff9u, 0, "AAAAAAAA"); /* 0..8, crosses 2^32 */
	assert_int_equal(k->delivered, 8);
	seg(p, &s, 0x00000001u, 0, "BBBB"); /* 8..12 */
	assert_int_equal(k->delivered, 16);
	assert_memory_equal(k->data, "AAAAAAAABBBBCCCC", 16);
	seg(p, &s, 0xfffffffdu, 0, "AAAA"); /* old, from before the wrap */
	assert_int_equal(s.retrans, 4);
	seg(p, &s, 0x00000009u, NC_SEG_FIN, NULL);
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_FIN);
	assert_int_equal(EV(p, OUT_OF_WINDOW), 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

/* a long stream: offsets go past 2^32 while sequence numbers wrap */
static void test_offset_past_4g(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct nc_stream s;
	static uint8_t buf[65536];
	nc_stream_init(&s); /* track-only: no copy of 4 GiB needed */
	uint32_t seq = 7;
	nc_stream_segment(p, &s, seq, NC_SEG_SYN, NULL, 0, 0);
	seq++;
	for (int i = 0; i < 65537; i++) { /* 65537 * 64 KiB > 2^32 */
		nc_stream_segment(p, &s, seq, 0, buf, sizeof(buf), 0);
		seq += sizeof(buf);
	}
	assert_int_equal(s.next_off, 65537ull * 65536ull);
	assert_int_equal(s.missed, 0);
	nc_stream_segment(p, &s, seq + 100, 0, buf, 10, 0); /* a hole */
	nc_stream_flush(p, &s);
	assert_int_equal(s.missed, 100);
	nc_reasm_pool_free(p);
}

static void test_fin_waits_for_holes(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 4, NC_SEG_FIN, "def"); /* 3..6, FIN at 6 */
	assert_int_equal(k->ends, 0);
	assert_true(s.flags & NC_STREAM_FIN);
	seg(p, &s, 1, 0, "abc");
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_FIN);
	assert_memory_equal(k->data, "abcdef", 6);
	/* data beyond the FIN afterwards: anomaly, not delivered */
	seg(p, &s, 7, 0, "zz");
	assert_int_equal(EV(p, DATA_AFTER_FIN), 1);
	assert_int_equal(k->delivered, 6);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_data_past_fin_trimmed(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 5, NC_SEG_FIN, NULL); /* FIN at offset 4, data missing */
	seg(p, &s, 1, 0, "abcdefgh");	 /* 0..8: 4 bytes past the FIN */
	assert_int_equal(k->delivered, 4);
	assert_memory_equal(k->data, "abcd", 4);
	assert_int_equal(EV(p, DATA_AFTER_FIN), 1);
	assert_int_equal(k->ends, 1);
	/* a FIN with a different sequence number */
	struct nc_stream t;
	struct sink *k2 = sink_new();
	open_stream(p, &t, k2, 0);
	seg(p, &t, 11, NC_SEG_FIN, NULL);
	seg(p, &t, 21, NC_SEG_FIN, NULL);
	assert_int_equal(EV(p, FIN_MISMATCH), 1);
	nc_stream_flush(p, &t);
	assert_int_equal(t.missed, 10); /* up to the first FIN */
	assert_int_equal(k2->reason, NC_STREAM_END_FIN);
	assert_int_equal(k->bad + k2->bad, 0);
	free(k);
	free(k2);
	nc_reasm_pool_free(p);
}

static void test_rst(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 1, 0, "ab");
	seg(p, &s, 6, 0, "fg"); /* held 5..7 */
	seg(p, &s, 3, NC_SEG_RST, "diagnostic");
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_RST);
	assert_int_equal(k->ngaps, 1);
	assert_int_equal(k->gap_off[0], 2);
	assert_int_equal(k->gap_len[0], 3);
	assert_int_equal(k->delivered, 4); /* "ab" and "fg", not RST text */
	assert_memory_equal(k->data + 5, "fg", 2);
	assert_int_equal(s.end, NC_STREAM_END_RST);
	seg(p, &s, 8, 0, "late");
	assert_int_equal(EV(p, DATA_AFTER_END), 1);
	assert_int_equal(k->delivered, 4);
	nc_stream_flush(p, &s);
	assert_int_equal(k->ends, 1);
	assert_int_equal(chunks_used(p), 0);
	/* an RST far out of window is not believed */
	struct nc_stream t;
	struct sink *k2 = sink_new();
	open_stream(p, &t, k2, 0);
	seg(p, &t, 0x80000000u, NC_SEG_RST, NULL);
	assert_int_equal(k2->ends, 0);
	assert_int_equal(EV(p, OUT_OF_WINDOW), 1);
	assert_int_equal(k->bad + k2->bad, 0);
	free(k);
	free(k2);
	nc_reasm_pool_free(p);
}

static void test_midstream(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	nc_stream_init(&s);
	nc_stream_attach(&s, &sink_ops, k);
	seg(p, &s, 5000, 0, NULL); /* a pure ACK does not start it */
	assert_false(s.flags & NC_STREAM_STARTED);
	seg(p, &s, 5000, 0, "mid");
	assert_true(s.flags & NC_STREAM_MIDSTREAM);
	assert_false(s.flags & NC_STREAM_SYN);
	assert_int_equal(EV(p, MIDSTREAM), 1);
	assert_int_equal(k->delivered, 3);
	assert_int_equal(nc_stream_attach(&s, &sink_ops, k), -EBUSY);
	seg(p, &s, 4990, 0, "0123456789"); /* before the pickup point */
	assert_int_equal(s.retrans, 10);
	assert_int_equal(k->delivered, 3);
	seg(p, &s, 4999, NC_SEG_SYN, NULL); /* its SYN, late */
	assert_true(s.flags & NC_STREAM_SYN);
	assert_int_equal(EV(p, SYN_MISMATCH), 0);
	seg(p, &s, 1234, NC_SEG_SYN, NULL); /* another ISN */
	assert_int_equal(EV(p, SYN_MISMATCH), 1);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_zero_length(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	uint8_t b[3] = {'x', 'y', 'z'};

	nc_stream_init(&s);
	nc_stream_attach(&s, &sink_ops, k);
	/* a zero-length FIN-less segment is ignored; data NULL counts as 0 */
	nc_stream_segment(p, &s, 50, 0, NULL, 3, 0);
	assert_false(s.flags & NC_STREAM_STARTED);
	seg(p, &s, 100, NC_SEG_SYN, NULL);
	nc_stream_segment(p, &s, 101, 0, b, 3, 0);
	nc_stream_segment(p, &s, 104, 0, b, 0, 0); /* zero length */
	assert_int_equal(k->delivered, 3);
	assert_int_equal(s.next_off, 3);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_stream_budget(void **state)
{
	(void)state;
	/* 2 chunks per stream */
	struct nc_reasm_pool *p = pool_new(0, 2 * NC_REASM_CHUNK_SIZE, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	static uint8_t d[3 * NC_REASM_CHUNK_DATA];
	const uint32_t C = NC_REASM_CHUNK_DATA;

	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i * 7 + 3);
	open_stream(p, &s, k, 0);
	/* hole 0..100, then three chunk-sized segments */
	nc_stream_segment(p, &s, 1 + 100, 0, d, C, 0);
	nc_stream_segment(p, &s, 1 + 100 + C, 0, d + C, C, 0);
	assert_int_equal(s.nchunks, 2);
	assert_int_equal(k->delivered, 0);
	nc_stream_segment(p, &s, 1 + 100 + 2 * C, 0, d + 2 * C, C, 0);
	/* over budget: the hole is given up, everything after it handed */
	assert_int_equal(k->ngaps, 1);
	assert_int_equal(k->gap_off[0], 0);
	assert_int_equal(k->gap_len[0], 100);
	assert_int_equal(s.missed, 100);
	assert_int_equal(k->delivered, 3 * C);
	assert_memory_equal(k->data + 100, d, 3 * C);
	assert_int_equal(EV(p, BUDGET_GAP), 1);
	assert_int_equal(EV(p, POOL_EXHAUSTED), 0);
	assert_int_equal(s.nchunks, 0);
	/* the late bytes of the hole are retransmissions now */
	nc_stream_segment(p, &s, 1, 0, d, 100, 0);
	assert_int_equal(s.retrans, 100);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

/* the budget is hit in the middle of a segment: what fits is kept */
static void test_stream_budget_mid_segment(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 2 * NC_REASM_CHUNK_SIZE, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	static uint8_t d[5000];
	for (size_t i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(i ^ (i >> 8));
	open_stream(p, &s, k, 0);
	nc_stream_segment(p, &s, 1 + 10, 0, d + 10, 5000 - 10, 0);
	/* 4990 bytes need 3 chunks; 2 are allowed */
	assert_int_equal(k->ngaps, 1);
	assert_int_equal(k->gap_len[0], 10);
	assert_int_equal(k->delivered, 4990);
	assert_memory_equal(k->data + 10, d + 10, 4990);
	assert_int_equal(s.nchunks, 0);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_pool_budget(void **state)
{
	(void)state;
	/* 2 chunks in the pool, up to 8 per stream */
	struct nc_reasm_pool *p =
	    pool_new(2 * NC_REASM_CHUNK_SIZE, 8 * NC_REASM_CHUNK_SIZE, 0);
	struct sink *ka = sink_new(), *kb = sink_new();
	struct nc_stream a, b;

	open_stream(p, &a, ka, 0);
	open_stream(p, &b, kb, 0);
	seg(p, &a, 11, 0, "a1"); /* held */
	seg(p, &a, 21, 0, "a2"); /* held: the pool is empty now */
	assert_int_equal(chunks_used(p), 2);
	seg(p, &b, 31, 0, "b1"); /* nothing to give up: skip to it */
	assert_int_equal(kb->ngaps, 1);
	assert_int_equal(kb->gap_len[0], 30);
	assert_int_equal(kb->delivered, 2);
	assert_int_equal(b.missed, 30);
	assert_int_equal(EV(p, POOL_EXHAUSTED), 1);
	assert_int_equal(EV(p, BUDGET_GAP), 1);
	/* a needs a third chunk: gives up its first hole */
	seg(p, &a, 41, 0, "a3");
	assert_int_equal(ka->ngaps, 1);
	assert_int_equal(ka->gap_len[0], 10);
	assert_int_equal(ka->delivered, 2);
	assert_int_equal(chunks_used(p), 2); /* a2 and a3 held */
	assert_int_equal(EV(p, POOL_EXHAUSTED), 2);
	nc_stream_flush(p, &a);
	nc_stream_flush(p, &b);
	assert_int_equal(a.missed, 10 + 8 + 18);
	assert_int_equal(chunks_used(p), 0);
	struct nc_reasm_stats st;
	nc_reasm_pool_stats(p, &st);
	assert_int_equal(st.chunks, 2);
	assert_int_equal(st.chunks_peak, 2);
	assert_int_equal(ka->bad + kb->bad, 0);
	free(ka);
	free(kb);
	nc_reasm_pool_free(p);
}

/* a pool of size 0: nothing is ever held, streams still work */
static void test_pool_empty(void **state)
{
	(void)state;
	struct nc_reasm_cfg cfg;
	nc_reasm_cfg_default(&cfg);
	cfg.pool_bytes = 0;
	struct nc_reasm_pool *p = nc_reasm_pool_new(&cfg);
	assert_non_null(p);
	struct sink *k = sink_new();
	struct nc_stream s;
	open_stream(p, &s, k, 0);
	seg(p, &s, 4, 0, "def");
	seg(p, &s, 1, 0, "abc"); /* late: a retransmission now */
	assert_int_equal(s.missed, 3);
	assert_int_equal(s.retrans, 3);
	assert_int_equal(k->delivered, 3);
	nc_stream_flush(p, &s);
	assert_int_equal(k->bad, 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_track_only(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct nc_stream s;
	static uint8_t d[100];

	nc_stream_init(&s);
	nc_stream_segment(p, &s, 0, NC_SEG_SYN, NULL, 0, 0);
	nc_stream_segment(p, &s, 1, 0, d, 100, 0);   /* 0..100 */
	nc_stream_segment(p, &s, 201, 0, d, 100, 0); /* 200..300 */
	nc_stream_segment(p, &s, 401, 0, d, 100, 0); /* 400..500 */
	nc_stream_segment(p, &s, 451, 0, d, 100, 0); /* 450..550 overlap */
	assert_int_equal(s.next_off, 100);
	assert_int_equal(chunks_used(p), 1); /* one range block */
	assert_int_equal(s.overlaps, 1);
	nc_stream_segment(p, &s, 101, 0, d, 50, 0); /* 100..150 */
	assert_int_equal(s.next_off, 150);
	nc_stream_segment(p, &s, 151, 0, d, 60, 0); /* 150..210: joins */
	assert_int_equal(s.next_off, 300);
	assert_int_equal(s.overlaps, 2);
	nc_stream_segment(p, &s, 551, NC_SEG_FIN, NULL, 0, 0); /* FIN 550 */
	assert_false(s.flags & NC_STREAM_ENDED);
	nc_stream_flush(p, &s);
	assert_int_equal(s.missed, 100); /* 300..400 */
	assert_int_equal(nc_stream_delivered(&s), 450);
	assert_int_equal(s.end, NC_STREAM_END_FIN);
	assert_int_equal(chunks_used(p), 0);
	nc_reasm_pool_free(p);
}

static void test_track_too_many_holes(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 2); /* 2 holes */
	struct sink *k = sink_new();
	struct nc_stream s;
	static uint8_t d[10];

	nc_stream_init(&s);
	nc_stream_attach(&s, &track_ops, k);
	nc_stream_segment(p, &s, 0, NC_SEG_SYN, NULL, 0, 0);
	nc_stream_segment(p, &s, 1 + 20, 0, d, 10, 0); /* hole 0..20 */
	nc_stream_segment(p, &s, 1 + 40, 0, d, 10, 0); /* hole 30..40 */
	assert_int_equal(s.missed, 0);
	nc_stream_segment(p, &s, 1 + 60, 0, d, 10, 0); /* a third hole */
	assert_int_equal(EV(p, TOO_MANY_HOLES), 1);
	assert_int_equal(s.missed, 20); /* the oldest, 0..20 */
	assert_int_equal(s.next_off, 30);
	/* a range inside the first hole, with two holes after it */
	nc_stream_segment(p, &s, 1 + 32, 0, d, 4, 0); /* 32..36 */
	assert_int_equal(EV(p, TOO_MANY_HOLES), 2);
	assert_int_equal(s.missed, 22); /* 30..32 */
	assert_int_equal(s.next_off, 36);
	nc_stream_segment(p, &s, 1 + 36, 0, d, 4, 0); /* 36..40 fills */
	assert_int_equal(s.next_off, 50);
	nc_stream_flush(p, &s);
	assert_int_equal(s.missed, 32); /* + 50..60 */
	/* track-only: gaps come in order, seen ranges between them */
	assert_int_equal(k->ngaps, 3);
	assert_int_equal(k->gap_off[0], 0);
	assert_int_equal(k->gap_len[0], 20);
	assert_int_equal(k->gap_off[1], 30);
	assert_int_equal(k->gap_len[1], 2);
	assert_int_equal(k->gap_off[2], 50);
	assert_int_equal(k->gap_len[2], 10);
	assert_int_equal(k->delivered, 0);
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_CLOSE);
	free(k);
	nc_reasm_pool_free(p);
}

/* bytes the peer acknowledged but the capture never held */
static void test_ack_tail(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 1000);
	nc_stream_ack(&s, 1001); /* ACK of the SYN */
	seg(p, &s, 1001, 0, "0123456789");
	nc_stream_ack(&s, 1031);
	nc_stream_ack(&s, 1011); /* older: ignored */
	nc_stream_flush(p, &s);
	assert_int_equal(k->ngaps, 1);
	assert_int_equal(k->gap_off[0], 10);
	assert_int_equal(k->gap_len[0], 20);
	assert_int_equal(s.missed, 20);
	/* with a FIN, the ACK of the FIN is not a missed byte */
	struct nc_stream t;
	struct sink *k2 = sink_new();
	open_stream(p, &t, k2, 0);
	seg(p, &t, 1, 0, "abc");
	seg(p, &t, 9, NC_SEG_FIN, NULL); /* FIN at 8: 3..8 missing */
	nc_stream_ack(&t, 10);		 /* ACK of the FIN */
	nc_stream_flush(p, &t);
	assert_int_equal(t.missed, 5);
	assert_int_equal(k2->reason, NC_STREAM_END_FIN);
	assert_int_equal(k->bad + k2->bad, 0);
	free(k);
	free(k2);
	nc_reasm_pool_free(p);
}

/* the capture cut segments: the uncaptured bytes are gaps at once */
static void test_cut_segments(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;
	const uint8_t *b = (const uint8_t *)"abcdefghij";

	open_stream(p, &s, k, 0);
	nc_stream_segment_cut(p, &s, 1, 0, b, 4, 10, 0); /* 0..4 of 0..10 */
	assert_int_equal(k->ngaps, 1);
	assert_int_equal(k->gap_off[0], 4);
	assert_int_equal(k->gap_len[0], 6);
	assert_int_equal(s.next_off, 10);
	/* held data inside the cut part stops the gap there */
	seg(p, &s, 1 + 16, 0, "qr");			  /* held 16..18 */
	nc_stream_segment_cut(p, &s, 11, 0, b, 2, 10, 0); /* 10..12 of 10..20 */
	assert_int_equal(k->ngaps, 2);
	assert_int_equal(k->gap_off[1], 12);
	assert_int_equal(k->gap_len[1], 4);
	assert_int_equal(s.next_off, 18);
	/* the FIN follows the bytes on the wire, not the captured ones */
	nc_stream_segment_cut(p, &s, 19, NC_SEG_FIN, b, 3, 8, 0); /* 18..26 */
	assert_int_equal(k->ends, 1);
	assert_int_equal(k->reason, NC_STREAM_END_FIN);
	assert_int_equal(s.missed, 6 + 4 + 5);
	assert_int_equal(k->delivered, 4 + 2 + 2 + 3);
	assert_int_equal(EV(p, FIN_MISMATCH), 0);
	assert_int_equal(k->bad, 0);
	/* track-only: the same counts */
	struct nc_stream t;
	nc_stream_init(&t);
	nc_stream_segment(p, &t, 0, NC_SEG_SYN, NULL, 0, 0);
	nc_stream_segment_cut(p, &t, 1, 0, b, 4, 10, 0);
	nc_stream_segment(p, &t, 1 + 16, 0, b, 2, 0);
	nc_stream_segment_cut(p, &t, 11, 0, b, 2, 10, 0);
	nc_stream_segment_cut(p, &t, 19, NC_SEG_FIN, b, 3, 8, 0);
	assert_true(t.flags & NC_STREAM_ENDED);
	assert_int_equal(t.missed, 15);
	assert_int_equal(chunks_used(p), 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_huge_jump(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 1, 0, "ok");
	seg(p, &s, 3 + 0x60000000u, 0, "far ahead"); /* 1.5 GiB */
	seg(p, &s, 3 - 0x60000000u, 0, "far back");
	assert_int_equal(EV(p, OUT_OF_WINDOW), 2);
	assert_int_equal(chunks_used(p), 0);
	assert_int_equal(s.retrans, 0);
	seg(p, &s, 3 + 0x3fffff00u, 0, "near 1 GiB"); /* inside */
	assert_int_equal(chunks_used(p), 1);
	nc_stream_release(p, &s);
	assert_int_equal(chunks_used(p), 0);
	assert_int_equal(k->ends, 0); /* release calls nothing */
	assert_true(nc_event_is_anomaly(NC_EV_REASM_OUT_OF_WINDOW));
	free(k);
	nc_reasm_pool_free(p);
}

static void test_detach(void **state)
{
	(void)state;
	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	struct sink *k = sink_new();
	struct nc_stream s;

	open_stream(p, &s, k, 0);
	seg(p, &s, 1, 0, "ab");
	seg(p, &s, 11, 0, "kl"); /* 10..12 */
	seg(p, &s, 13, 0, "mn"); /* 12..14, same chunk */
	seg(p, &s, 21, 0, "uv"); /* 20..22 */
	nc_stream_detach(p, &s);
	assert_int_equal(chunks_used(p), 1); /* the range block */
	seg(p, &s, 3, 0, "cdefghij");	     /* 2..10: joins 10..14 */
	assert_int_equal(s.next_off, 14);
	nc_stream_flush(p, &s);
	assert_int_equal(s.missed, 6);
	assert_int_equal(k->delivered, 2);
	assert_int_equal(k->ends, 0); /* detached: no more calls */
	assert_int_equal(chunks_used(p), 0);
	free(k);
	nc_reasm_pool_free(p);
}

/* events go to the worker's decoder; ANOM ones write Anomaly records */
static unsigned anomalies;
static char last_anomaly[64];
static void count_emit(void *arg, enum nc_rec t, const ProtobufCMessage *msg)
{
	(void)arg;
	if (t == NC_REC_ANOMALY) {
		const Netcap__Anomaly *a = (const Netcap__Anomaly *)msg;
		anomalies++;
		strncpy(last_anomaly, a->event, sizeof(last_anomaly) - 1);
	}
}

static void test_events_to_decoder(void **state)
{
	(void)state;
	struct nc_dec_cfg cfg;
	struct nc_dec d;
	uint8_t frame[64] = {0};
	memset(&cfg, 0, sizeof(cfg));
	cfg.want.on[NC_REC_ANOMALY] = true;
	nc_dec_init(&d, &cfg, count_emit, NULL);
	d.frame = frame;
	d.caplen = sizeof(frame);

	struct nc_reasm_pool *p = pool_new(0, 0, 0);
	nc_reasm_pool_set_dec(p, &d);
	struct sink *k = sink_new();
	struct nc_stream s;
	open_stream(p, &s, k, 0);
	memcpy(frame + 54, "world", 5);
	nc_stream_segment(p, &s, 6, 0, frame + 54, 5, 0);
	memcpy(frame + 54, "WORLD", 5);
	nc_stream_segment(p, &s, 6, 0, frame + 54, 5, 0);
	assert_int_equal(d.events[NC_EV_REASM_OVERLAP_DIFFERS], 1);
	assert_int_equal(EV(p, OVERLAP_DIFFERS), 1);
	assert_int_equal(anomalies, 1);
	assert_string_equal(last_anomaly, "reasm.overlap_differs");
	nc_stream_flush(p, &s); /* outside a segment: counted only */
	assert_int_equal(d.events[NC_EV_REASM_GAP], 1);
	assert_int_equal(anomalies, 1);
	assert_string_equal(nc_event_name(NC_EV_REASM_BUDGET_GAP),
			    "reasm.budget_gap");
	free(k);
	nc_reasm_pool_free(p);
}

/* ---- randomized: shuffled, duplicated, overlapping identical copies -- */

static uint64_t rng_state;
static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

struct piece {
	uint32_t off, len;
};

static void random_round(uint64_t seed, bool track, uint64_t pool_bytes)
{
	enum { N = 200000, MAXP = 1200 };
	static uint8_t orig[N];
	static struct piece pc[MAXP];
	rng_state = seed;
	uint32_t total = 1000 + rnd() % (N - 1000);
	for (uint32_t i = 0; i < total; i++)
		orig[i] = (uint8_t)rnd();

	/* cut into segments of 1..1500 bytes */
	unsigned n = 0;
	for (uint32_t o = 0; o < total && n < MAXP / 2;) {
		uint32_t l = 1 + rnd() % 1500;
		if (o + l > total || n == MAXP / 2 - 1)
			l = total - o;
		pc[n].off = o;
		pc[n].len = l;
		n++;
		o += l;
	}
	/* duplicates and overlapping copies of random ranges */
	unsigned extra = rnd() % (MAXP - n);
	for (unsigned i = 0; i < extra; i++) {
		uint32_t o = rnd() % total;
		uint32_t l = 1 + rnd() % 3000;
		if (o + l > total)
			l = total - o;
		pc[n].off = o;
		pc[n].len = l;
		n++;
	}
	/* shuffle (Fisher-Yates) */
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = rnd() % (i + 1);
		struct piece t = pc[i];
		pc[i] = pc[j];
		pc[j] = t;
	}

	struct nc_reasm_pool *p = pool_new(pool_bytes, 8u << 20, 64);
	struct sink *k = sink_new();
	struct nc_stream s;
	uint32_t isn = rnd();
	if (seed & 1)
		isn = 0xffffffffu - (total / 2); /* wrap in the middle */
	nc_stream_init(&s);
	if (!track)
		nc_stream_attach(&s, &sink_ops, k);
	nc_stream_segment(p, &s, isn, NC_SEG_SYN, NULL, 0, 0);
	for (unsigned i = 0; i < n; i++)
		nc_stream_segment(p, &s, isn + 1 + pc[i].off, 0,
				  orig + pc[i].off, pc[i].len, (int64_t)i);
	nc_stream_segment(p, &s, isn + 1 + total, NC_SEG_FIN, NULL, 0, 0);
	struct nc_reasm_stats st;
	nc_reasm_pool_stats(p, &st);
	assert_true(st.chunks_peak > 0); /* something was held */
	assert_true(s.retrans > 0 || s.overlaps > 0);
	if (track) {
		/* 64 holes may not be enough: only the sum is checked */
		assert_int_equal(nc_stream_delivered(&s) + s.missed, total);
		if (EV(p, TOO_MANY_HOLES) == 0)
			assert_int_equal(s.missed, 0);
		assert_true(s.flags & NC_STREAM_ENDED || s.missed > 0);
	} else {
		assert_int_equal(k->ends, 1);
		assert_int_equal(k->reason, NC_STREAM_END_FIN);
		assert_int_equal(k->ngaps, 0);
		assert_int_equal(s.missed, 0);
		assert_int_equal(k->delivered, total);
		assert_memory_equal(k->data, orig, total);
		assert_int_equal(s.overlap_differs, 0);
		assert_int_equal(k->bad, 0);
	}
	nc_stream_flush(p, &s);
	assert_int_equal(chunks_used(p), 0);
	free(k);
	nc_reasm_pool_free(p);
}

static void test_random(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 40; seed++)
		random_round(seed * 0x9e3779b97f4a7c15ull, false, 0);
}

static void test_random_track(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 20; seed++)
		random_round(seed * 0xc2b2ae3d27d4eb4full, true, 0);
}

/* a tight pool: gaps may appear, but whatever is delivered is right */
static void test_random_tight_pool(void **state)
{
	(void)state;
	enum { N = 60000 };
	static uint8_t orig[N];
	uint64_t budget_gaps = 0;
	for (uint64_t seed = 1; seed <= 20; seed++) {
		rng_state = seed;
		for (uint32_t i = 0; i < N; i++)
			orig[i] = (uint8_t)rnd();
		struct nc_reasm_pool *p =
		    pool_new(4 * NC_REASM_CHUNK_SIZE, 0, 0);
		struct sink *k = sink_new();
		struct nc_stream s;
		nc_stream_init(&s);
		nc_stream_attach(&s, &sink_ops, k);
		nc_stream_segment(p, &s, 77, NC_SEG_SYN, NULL, 0, 0);
		for (unsigned i = 0; i < 400; i++) {
			uint32_t o = rnd() % N, l = 1 + rnd() % 1000;
			if (o + l > N)
				l = N - o;
			nc_stream_segment(p, &s, 78 + o, 0, orig + o, l, 0);
		}
		nc_stream_flush(p, &s);
		budget_gaps += EV(p, BUDGET_GAP);
		assert_int_equal(k->bad, 0);
		assert_int_equal(k->ends, 1);
		assert_int_equal(k->delivered + s.missed, s.next_off);
		/* every delivered byte is the original byte */
		assert_true(k->ngaps <= MAX_GAPS);
		uint64_t o = 0;
		for (unsigned g = 0; g <= k->ngaps; g++) {
			uint64_t e = g < k->ngaps ? k->gap_off[g] : s.next_off;
			assert_memory_equal(k->data + o, orig + o, e - o);
			if (g < k->ngaps)
				o = k->gap_off[g] + k->gap_len[g];
		}
		assert_int_equal(chunks_used(p), 0);
		free(k);
		nc_reasm_pool_free(p);
	}
	assert_true(budget_gaps > 0); /* the budget did bite */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),
	    cmocka_unit_test(test_bare_ack_after_fin),
	    cmocka_unit_test(test_out_of_order),
	    cmocka_unit_test(test_reorder_many),
	    cmocka_unit_test(test_retransmission),
	    cmocka_unit_test(test_overlap_held_same),
	    cmocka_unit_test(test_overlap_differs_held_first),
	    cmocka_unit_test(test_overlap_differs_inorder_over_held),
	    cmocka_unit_test(test_gap_at_flush),
	    cmocka_unit_test(test_wraparound),
	    cmocka_unit_test(test_offset_past_4g),
	    cmocka_unit_test(test_fin_waits_for_holes),
	    cmocka_unit_test(test_data_past_fin_trimmed),
	    cmocka_unit_test(test_rst),
	    cmocka_unit_test(test_midstream),
	    cmocka_unit_test(test_zero_length),
	    cmocka_unit_test(test_stream_budget),
	    cmocka_unit_test(test_stream_budget_mid_segment),
	    cmocka_unit_test(test_pool_budget),
	    cmocka_unit_test(test_pool_empty),
	    cmocka_unit_test(test_track_only),
	    cmocka_unit_test(test_track_too_many_holes),
	    cmocka_unit_test(test_ack_tail),
	    cmocka_unit_test(test_cut_segments),
	    cmocka_unit_test(test_huge_jump),
	    cmocka_unit_test(test_detach),
	    cmocka_unit_test(test_events_to_decoder),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_random_track),
	    cmocka_unit_test(test_random_tight_pool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
