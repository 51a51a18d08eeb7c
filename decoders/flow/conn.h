/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conn.h: per-worker connection tracking (Connection and Flow records).
 *
 * One table per worker, no locks: the RX hash sends both directions of a
 * connection (and every fragment) to the same worker. All memory is taken
 * at nc_conntab_new(); a full table closes its least recently active
 * connection early (conn.evicted) instead of failing. Timeouts run on
 * packet time, so a capture gives the same records for any number of
 * workers (evictions aside).
 */
#ifndef NC_CONN_H
#define NC_CONN_H

#include <stdint.h>

#include "decode.h"

/* Connection states whose idle timeout is configurable. */
enum nc_ct_timeout {
	NC_CT_TCP_HANDSHAKE, /* SYN seen, not yet established */
	NC_CT_TCP_ESTABLISHED,
	NC_CT_TCP_CLOSED, /* FIN from both sides, or RST */
	NC_CT_UDP,
	NC_CT_ICMP,
	NC_CT_OTHER,
	NC_CT_MAX
};

/*
 * Stream sink: len > 0 reassembled payload bytes of the TCP connection uid
 * ("C" + 11 characters) in direction dir (0: originator to responder, 1:
 * responder to originator; the roles of the Connection record) at stream
 * offset off. Calls of one direction come in stream order; bytes never
 * captured are skipped (a later call's off is then past the previous end).
 * p is valid only during the call.
 */
typedef void (*nc_conn_stream_fn)(void *arg, const char *uid, int dir,
				  const uint8_t *p, size_t len, uint64_t off);

struct nc_conn_cfg {
	uint32_t max_conns;	       /* this worker's share */
	uint32_t max_streams;	       /* TCP stream slot pairs (0: none;
					  above max_conns: max_conns) */
	int64_t timeout_ns[NC_CT_MAX]; /* idle timeouts, packet time */
	nc_conn_stream_fn stream_data; /* NULL: streams are track-only */
	void *stream_arg;
};

/* Defaults: 30 s handshake, 3600 s established, 10 s closed, 60 s UDP,
 * 30 s ICMP, 60 s other; one stream slot pair per connection (max_streams
 * UINT32_MAX); no sink. */
void nc_conn_cfg_default(struct nc_conn_cfg *cfg);

/* Bytes one tracked connection takes in the table (docs/CONNECTIONS.md). */
size_t nc_conn_bytes_per_entry(void);

/*
 * Bytes one TCP stream slot pair takes (two struct nc_stream and its free
 * list index), allocated max_streams times with the table; reassembly
 * buffers (the worker's struct nc_reasm_pool) aside.
 */
size_t nc_conn_bytes_per_stream_pair(void);

/* A table for max_conns connections; NULL and errno on failure. */
struct nc_conntab *nc_conntab_new(const struct nc_conn_cfg *cfg);
void nc_conntab_free(struct nc_conntab *t);

/*
 * Account the frame just decoded (d->l4 valid, d->ip_len != 0) to its
 * connection; called by nc_decode_frame() after the dispatch chain. May
 * emit records of connections it closes (timeout on reuse, eviction).
 * With d->reasm set, a TCP connection that got a stream slot feeds its
 * segments to reasm.h (MissedBytes, cfg.stream_data); without a slot
 * (conn.no_stream_slot) or without d->reasm, MissedBytes is estimated
 * from sequence numbers.
 */
void nc_conn_packet(struct nc_dec *d);

/*
 * Close and emit every connection idle past its timeout at packet time
 * now_ns. Visits at most max_visit connections (oldest first); returns the
 * number closed. Workers call it once per burst with the newest packet
 * time they have seen.
 */
unsigned nc_conn_expire(struct nc_dec *d, int64_t now_ns, unsigned max_visit);

/* Close and emit every connection (end of input, stop). */
void nc_conn_flush(struct nc_dec *d);

/* Connections currently tracked. */
uint32_t nc_conn_active(const struct nc_conntab *t);

/* Connections closed by an idle timeout (conn.timeout) and by eviction
   (conn.evicted), by the timeout class they were in; any thread (relaxed
   loads of the owner's plain counters). */
void nc_conn_close_counts(const struct nc_conntab *t,
			  uint64_t timeouts[NC_CT_MAX],
			  uint64_t evictions[NC_CT_MAX]);

/* Stream slot pairs in use now, and in the table. */
uint32_t nc_conn_streams_active(const struct nc_conntab *t);
uint32_t nc_conn_streams_max(const struct nc_conntab *t);

#endif /* NC_CONN_H */
