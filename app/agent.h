/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agent.h: netcap agent's publisher (agent.c). The writer lcore hands it
 * every record batch; it publishes the batch to NATS JetStream as one
 * message (natsconn.h) and counts it delivered when JetStream acknowledges
 * it. While no server answers, batches go to the spool directory and are
 * sent from there, oldest first, once one does.
 */
#ifndef NC_AGENT_H
#define NC_AGENT_H

#include <stdint.h>
#include <stdio.h>

struct nc_engine;
struct nc_batch;
struct nc_pub;

/* Counters (read by the summary and the progress line). */
struct nc_pub_counts {
	uint64_t published;	  /* batch messages sent (first time) */
	uint64_t acked;		  /* acknowledged by JetStream */
	uint64_t acked_records;	  /* records in them */
	uint64_t duplicates;	  /* acknowledged as a duplicate */
	uint64_t spooled;	  /* batches written to the spool */
	uint64_t resent;	  /* batches sent from the spool */
	uint64_t dropped;	  /* batches dropped: spool full, oversize */
	uint64_t dropped_records; /* records in them */
	uint64_t spool_batches;	  /* in the spool now */
	uint64_t spool_records;
	uint64_t spool_bytes;
	uint64_t inflight; /* sent, not yet acknowledged */
};

/*
 * Connect (one line in err and -1 when the options are wrong or a server
 * refuses us; an unreachable cluster is not an error: the batches spool)
 * and open the spool, taking over the batches a previous run left there.
 * Before EAL.
 */
struct nc_pub *nc_pub_open(struct nc_engine *e, char *err, size_t errlen);
/* Writer lcore: publish (or spool) one batch; the batch stays the
   caller's. */
void nc_pub_batch(struct nc_pub *p, const struct nc_batch *b);
/* Writer lcore, between batches: send spooled batches when connected. */
void nc_pub_poll(struct nc_pub *p);
/* Writer lcore, after the last batch: wait for every acknowledgement and
   send the spool, up to --drain-timeout. */
void nc_pub_finish(struct nc_pub *p);
void nc_pub_counts(struct nc_pub *p, struct nc_pub_counts *c);
/* The summary's lines (after the capture summary). */
void nc_pub_summary(struct nc_pub *p, FILE *f);
void nc_pub_close(struct nc_pub *p);

#endif /* NC_AGENT_H */
