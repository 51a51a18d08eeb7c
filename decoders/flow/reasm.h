/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reasm.h: TCP stream reassembly, one direction at a time (RFC 9293 section
 * 3.4 sequence numbers, section 3.10.7.4 segment text).
 *
 * A worker owns one struct nc_reasm_pool, created once with a byte budget
 * (--max-stream-buffer) carved into NC_REASM_CHUNK_SIZE chunks. A struct
 * nc_stream is one direction of one connection; it is small and plain (no
 * pointer into it is kept anywhere): the connection table keeps two per TCP
 * connection in a fixed array of slot pairs beside its entries (conn.c).
 *
 * A stream hands in-order bytes to its consumer through struct
 * nc_stream_ops: on_data (zero copy from the segment when it arrives in
 * order, from the pool when it fills a hole), on_gap for bytes never seen,
 * on_end exactly once. A stream without on_data only tracks sequence ranges
 * (for MissedBytes) and stores no payload. docs/REASSEMBLY.md is the guide
 * for application parsers.
 *
 * Bounds: nothing is allocated after nc_reasm_pool_new(); a stream holds at
 * most cfg.stream_bytes of out-of-order data and the pool at most
 * cfg.pool_bytes; over either, the oldest hole is skipped and reported as a
 * gap (reasm.budget_gap). A segment walks at most the stream's chunk list
 * (stream_bytes / NC_REASM_CHUNK_SIZE entries). No recursion.
 */
#ifndef NC_REASM_H
#define NC_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Bytes of one pool chunk, header included; NC_REASM_CHUNK_DATA hold data. */
#define NC_REASM_CHUNK_SIZE 2048u
#define NC_REASM_CHUNK_DATA (NC_REASM_CHUNK_SIZE - 24u)

/* Defaults (nc_reasm_cfg_default). */
#define NC_REASM_DEF_POOL_BYTES	  (64ull << 20) /* per worker */
#define NC_REASM_DEF_STREAM_BYTES (1u << 20)	/* per stream */
#define NC_REASM_DEF_MAX_HOLES	  8u		/* track-only mode */
#define NC_REASM_DEF_WINDOW	  (1u << 30)	/* 1 GiB */
/* Most holes a track-only stream can be configured to remember. */
#define NC_REASM_MAX_HOLES_CAP 64u

/* TCP flag bits nc_stream_segment() looks at (the TCP header's values). */
#define NC_SEG_FIN 0x01
#define NC_SEG_SYN 0x02
#define NC_SEG_RST 0x04

struct nc_reasm_cfg {
	uint64_t pool_bytes;   /* per worker; chunks = pool_bytes / 2048 */
	uint32_t stream_bytes; /* most chunk bytes one stream may hold */
	uint32_t max_holes;    /* track-only: holes remembered (1..CAP) */
	uint32_t window;       /* farther than this from the next expected
				  byte, a segment is out of window
				  (1 .. 2^31 - 1) */
};

void nc_reasm_cfg_default(struct nc_reasm_cfg *cfg);

/*
 * A pool for cfg (copied; out-of-range values are clamped). Reserves the
 * memory but touches a chunk only when first used. NULL and errno on
 * failure.
 */
struct nc_reasm_pool *nc_reasm_pool_new(const struct nc_reasm_cfg *cfg);
void nc_reasm_pool_free(struct nc_reasm_pool *pool);

/*
 * Count events in d->events (the worker's counters). Inside
 * nc_stream_segment(), ANOM events also write an Anomaly record for the
 * current frame (d's frame context must be the segment's packet); events
 * raised by nc_stream_flush/ack/detach are only counted. Without a decoder
 * (NULL, the default) the pool counts them itself.
 */
void nc_reasm_pool_set_dec(struct nc_reasm_pool *pool, struct nc_dec *d);

/* Counter of one event raised by this pool (wherever it is counted). */
uint64_t nc_reasm_event_count(const struct nc_reasm_pool *pool,
			      enum nc_event ev);

struct nc_reasm_stats {
	uint32_t chunks;      /* in the pool */
	uint32_t chunks_used; /* held by streams now */
	uint32_t chunks_peak; /* most ever held at once */
	uint32_t stream_cap;  /* most chunks one stream may hold */
};
void nc_reasm_pool_stats(const struct nc_reasm_pool *pool,
			 struct nc_reasm_stats *st);

/* Packet time of the segment being processed (ns), for callbacks. */
int64_t nc_reasm_now(const struct nc_reasm_pool *pool);

/* Why a stream ended (on_end). */
enum nc_stream_end {
	NC_STREAM_END_FIN = 1, /* every byte up to the FIN was handed over */
	NC_STREAM_END_RST,     /* RST seen; held data was handed over first */
	NC_STREAM_END_CLOSE,   /* nc_stream_flush() without FIN or RST */
};

/*
 * The consumer of one stream direction. Each member may be NULL. Calls come
 * in stream order: every on_data / on_gap starts where the previous one
 * ended (the first at offset 0, the byte after the SYN or the first byte
 * seen), and on_end comes once, last. Callbacks must not call nc_stream_*
 * on the same stream. A stream without on_data is track-only.
 */
struct nc_stream_ops {
	/* len > 0 bytes at stream offset off; p is valid during the call */
	void (*on_data)(void *arg, const uint8_t *p, size_t len, uint64_t off);
	/* len > 0 bytes at off were never seen and never will be delivered */
	void (*on_gap)(void *arg, uint64_t off, uint64_t len);
	void (*on_end)(void *arg, enum nc_stream_end reason);
};

/* stream flags (struct nc_stream.flags) */
#define NC_STREAM_STARTED   0x01 /* base_seq is set */
#define NC_STREAM_SYN	    0x02 /* base_seq came from a SYN */
#define NC_STREAM_MIDSTREAM 0x04 /* picked up without a SYN */
#define NC_STREAM_FIN	    0x08 /* fin_seq is set */
#define NC_STREAM_ACK	    0x10 /* ack_seq is set */
#define NC_STREAM_ENDED	    0x20 /* on_end was called */

/*
 * One direction of a TCP connection (72 bytes). Zero it (nc_stream_init)
 * before use; read the counters directly. Offsets are bytes from the first
 * data byte (ISN + 1, or the first byte seen when picked up midstream).
 */
struct nc_stream {
	const struct nc_stream_ops *ops;
	void *arg;
	/* out-of-order data chunks (sorted, disjoint), or in track-only
	   mode one chunk holding the ranges seen past next_off */
	struct nc_reasm_chunk *buf;
	uint64_t next_off; /* next byte expected = delivered + missed */
	uint64_t missed;   /* bytes reported by on_gap (Zeek missed_bytes) */
	uint64_t retrans;  /* bytes seen again below next_off */
	uint32_t base_seq; /* sequence number of offset 0 */
	uint32_t fin_seq;  /* sequence number the FIN occupies */
	uint32_t ack_seq;  /* highest ACK the peer sent for this direction */
	uint32_t overlaps; /* segments overlapping held data */
	uint32_t overlap_differs; /* ... with different bytes */
	uint16_t nchunks;	  /* pool chunks held */
	uint8_t flags;		  /* NC_STREAM_* */
	uint8_t end;		  /* enum nc_stream_end once ENDED, else 0 */
};

void nc_stream_init(struct nc_stream *s);

/*
 * Set the consumer before the first segment. Returns 0, or -EBUSY once the
 * stream has started (a parser that comes late would see a stream that
 * does not begin at offset 0).
 */
int nc_stream_attach(struct nc_stream *s, const struct nc_stream_ops *ops,
		     void *arg);

/*
 * The consumer is gone: drop held data (its ranges are kept as track-only
 * ranges), call nothing more, keep tracking sequence ranges.
 */
void nc_stream_detach(struct nc_reasm_pool *pool, struct nc_stream *s);

/*
 * One TCP segment of this direction: sequence number seq, TCP flags, len
 * payload bytes at data (captured bytes only; NULL when len is 0). ts is
 * the packet time in ns. Copies what it must keep; data is not referenced
 * after the call.
 */
void nc_stream_segment(struct nc_reasm_pool *pool, struct nc_stream *s,
		       uint32_t seq, uint8_t flags, const uint8_t *data,
		       uint32_t len, int64_t ts);

/*
 * The same for a segment the capture cut (snaplen, IP first fragment only):
 * len bytes captured of wire_len on the wire. The FIN is placed after
 * wire_len bytes, and the uncaptured bytes are reported as a gap as soon
 * as the stream reaches them.
 */
void nc_stream_segment_cut(struct nc_reasm_pool *pool, struct nc_stream *s,
			   uint32_t seq, uint8_t flags, const uint8_t *data,
			   uint32_t len, uint32_t wire_len, int64_t ts);

/*
 * The peer acknowledged ack (a segment of the other direction with ACK).
 * Only remembered: at flush, bytes acknowledged but never seen are a gap.
 */
void nc_stream_ack(struct nc_stream *s, uint32_t ack);

/*
 * End the stream now (connection closed, timed out or evicted): hand over
 * held data, report every hole and the bytes known to exist past it (up to
 * the FIN, or up to the peer's ACK) as gaps, then on_end (FIN if a FIN was
 * seen, else CLOSE) unless the stream already ended. Chunks are returned.
 */
void nc_stream_flush(struct nc_reasm_pool *pool, struct nc_stream *s);

/* Return the stream's chunks without any callback. Counters stay. */
void nc_stream_release(struct nc_reasm_pool *pool, struct nc_stream *s);

/* Bytes handed over in order (track-only: seen in order). */
static inline uint64_t nc_stream_delivered(const struct nc_stream *s)
{
	return s->next_off - s->missed;
}

#endif /* NC_REASM_H */
