/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rx.c: the RX lcore for a capture file.
 *
 * Reads packets with libpcap, copies each into mbufs from the one packet
 * pool (frames longer than a segment's room are chained), stores the
 * timestamp, link type and wire length in the nc_pkt_meta dynfield, hashes
 * the innermost IP address pair (nc_flow_hash_steer: symmetric, into the
 * tunnels --tunnels decodes, a tunnelled datagram's fragments kept with
 * its first) to pick a worker, and enqueues bursts of up to NC_BURST onto that
 * worker's SPSC ring.
 *
 * With --bpf each burst read is filtered (nc_filter_burst) before the
 * dispatch; rejected packets are freed and counted (rx.filtered).
 *
 * A file source is lossless: a full ring or an empty pool makes RX wait
 * (rx.ring_full_waits per worker, rx.mbuf_pool_waits count the times it
 * had to). Before waiting for mbufs RX hands its partly filled bursts to
 * the workers, so the mbufs it holds can never starve them.
 *
 * A frame the source read in place from its mapping of a classic pcap
 * file is not copied: the mbuf is attached to it as an external buffer
 * (rx.lent counts them), with a reference count per worker and megabyte of
 * file that never reaches zero (the mapping lives until the source is
 * closed, after every lcore stopped).
 *
 * rx.busy_cycles is the lcore's TSC time less those waits: reading the
 * file, copying, hashing and enqueueing, so rx.cycles_per_packet says how
 * fast one RX lcore can feed the workers when they keep up.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "engine.h"
#include "flowhash.h"

struct rx_pending {
	unsigned n;
	struct rte_mbuf *m[NC_BURST];
};

struct rx_state {
	struct nc_engine *eng;
	uint64_t wait_cycles; /* TSC cycles waiting for a ring or mbufs */
	unsigned nstash;
	struct rte_mbuf *stash[NC_BURST];
	struct rx_pending pend[NC_MAX_WORKERS];
	struct nc_frag_steer steer; /* fragments' workers (flowhash.h) */
};

static void rx_flush(struct rx_state *st, unsigned w)
{
	struct nc_engine *e = st->eng;
	struct rx_pending *p = &st->pend[w];
	struct rte_ring *r = e->workers[w].ring;
	unsigned done = 0, spins = 0;
	uint64_t t0 = 0;

	while (done < p->n) {
		done += rte_ring_sp_enqueue_burst(r, (void **)p->m + done,
						  p->n - done, NULL);
		if (done < p->n) {
			if (spins == 0) {
				e->rx.ring_full_waits[w]++;
				t0 = rte_rdtsc();
			}
			nc_backoff(&spins);
		}
	}
	if (spins)
		st->wait_cycles += rte_rdtsc() - t0;
	p->n = 0;
}

static void rx_flush_all(struct rx_state *st)
{
	for (unsigned w = 0; w < st->eng->nworkers; w++)
		if (st->pend[w].n)
			rx_flush(st, w);
}

static struct rte_mbuf *rx_alloc(struct rx_state *st)
{
	struct rte_mempool *mp = st->eng->mbuf_pool;
	unsigned spins = 0;
	uint64_t t0 = 0;

	if (likely(st->nstash))
		return st->stash[--st->nstash];
	for (;;) {
		if (rte_pktmbuf_alloc_bulk(mp, st->stash, NC_BURST) == 0) {
			st->nstash = NC_BURST;
			return st->stash[--st->nstash];
		}
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		if (m) {
			if (spins)
				st->wait_cycles += rte_rdtsc() - t0;
			return m;
		}
		if (spins == 0) {
			st->eng->rx.mbuf_pool_waits++;
			rx_flush_all(st);
			t0 = rte_rdtsc();
		}
		nc_backoff(&spins);
	}
}

/* Copy caplen bytes into a (possibly chained) mbuf. */
static struct rte_mbuf *rx_fill(struct rx_state *st, const uint8_t *data,
				uint32_t caplen)
{
	struct rte_mbuf *head = rx_alloc(st), *last = head;
	uint32_t off = 0;

	for (struct rte_mbuf *seg = head;;) {
		uint32_t room = rte_pktmbuf_tailroom(seg);
		uint32_t n = caplen - off < room ? caplen - off : room;
		rte_memcpy(rte_pktmbuf_mtod(seg, uint8_t *), data + off, n);
		seg->data_len = (uint16_t)n;
		off += n;
		if (off >= caplen)
			break;
		seg = rx_alloc(st);
		seg->data_off = 0; /* continuation segments need no headroom */
		last->next = seg;
		last = seg;
		head->nb_segs++;
	}
	head->pkt_len = caplen;
	if (head->nb_segs > 1)
		st->eng->rx.chained++;
	return head;
}

/* The worker of flow hash h among nw (RX dispatch, lending). */
static inline unsigned rx_worker(uint32_t h, uint64_t nw)
{
	return (unsigned)(((uint64_t)h * nw) >> 32);
}

/*
 * A frame read in place (source_pcap.c) goes to worker w without a copy:
 * the mbuf points into the file's mapping. NULL when it cannot (the frame
 * is not in the mapping, or longer than an mbuf segment can say).
 */
static struct rte_mbuf *rx_lend(struct rx_state *st, const uint8_t *data,
				uint32_t caplen, unsigned w)
{
	struct rte_mbuf_ext_shared_info *sh =
	    nc_source_lend(&st->eng->src, data, caplen, w);

	if (!sh)
		return NULL;
	struct rte_mbuf *m = rx_alloc(st);
	rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)data, RTE_BAD_IOVA,
				  (uint16_t)caplen, sh);
	m->data_len = (uint16_t)caplen;
	m->pkt_len = caplen;
	st->eng->rx.lent++;
	return m;
}

int nc_rx_main(void *arg)
{
	struct nc_engine *e = arg;
	struct nc_rx *rx = &e->rx;
	struct rx_state *st;
	const int link = e->src.link;
	const uint64_t nw = e->nworkers;
	const uint32_t tunnels = e->dec_cfg.tunnels;
	uint64_t packets = 0, bytes = 0, bursts = 0;
	int rc = NC_SRC_PKT;

	st = calloc(1, sizeof(*st));
	if (!st) {
		rx->failed = true;
		snprintf(rx->errmsg, sizeof(rx->errmsg), "out of memory");
		nc_store(&e->rx_done, 1);
		return -1;
	}
	st->eng = e;
	nc_frag_steer_init(&st->steer, e->cfg->defrag_cfg.timeout_ns);
	const bool zc = nc_source_zc_init(&e->src, e->nworkers);
	uint64_t start = rte_rdtsc();

	while (rc == NC_SRC_PKT && !nc_load(&e->stop)) {
		struct rte_mbuf *burst[NC_BURST];
		unsigned n = 0;

		for (unsigned i = 0; i < NC_BURST; i++) {
			const uint8_t *data;
			uint32_t caplen, wirelen;
			int64_t ts;

			rc = nc_source_next(&e->src, &data, &caplen, &wirelen,
					    &ts);
			if (rc != NC_SRC_PKT)
				break;
			if (unlikely(caplen > NC_MAX_FRAME)) {
				caplen = NC_MAX_FRAME;
				rx->clipped++;
			}
			/* picks the worker */
			uint32_t h = nc_flow_hash_steer(&st->steer, link, data,
							caplen, tunnels, ts);
			struct rte_mbuf *m =
			    zc ? rx_lend(st, data, caplen, rx_worker(h, nw))
			       : NULL;
			if (!m)
				m = rx_fill(st, data, caplen);
			struct nc_pkt_meta *meta = RTE_MBUF_DYNFIELD(
			    m, e->meta_off, struct nc_pkt_meta *);
			meta->ts = ts;
			meta->wirelen = wirelen;
			meta->link = link;
			m->hash.rss = h; /* the RSS field is free here */
			burst[n++] = m;
			packets++;
			bytes += wirelen;
		}
		if (e->filter && n) {
			unsigned kept = nc_filter_burst(e->filter, burst, n);
			rx->filtered += n - kept;
			n = kept;
		}
		for (unsigned i = 0; i < n; i++) {
			unsigned w = rx_worker(burst[i]->hash.rss, nw);
			struct rx_pending *p = &st->pend[w];
			p->m[p->n++] = burst[i];
			if (p->n == NC_BURST)
				rx_flush(st, w);
		}
		__atomic_store_n(&rx->packets, packets, __ATOMIC_RELAXED);
		__atomic_store_n(&rx->bytes, bytes, __ATOMIC_RELAXED);
		if ((++bursts & 63) == 0)
			__atomic_store_n(&rx->file_pos, nc_source_pos(&e->src),
					 __ATOMIC_RELAXED);
	}
	rx_flush_all(st);
	if (st->nstash)
		rte_pktmbuf_free_bulk(st->stash, st->nstash);
	rx->busy_cycles = rte_rdtsc() - start - st->wait_cycles;
	__atomic_store_n(&rx->file_pos, nc_source_pos(&e->src),
			 __ATOMIC_RELAXED);

	if (rc == NC_SRC_TRUNC) {
		rx->truncated = true;
	} else if (rc == NC_SRC_ERR) {
		const char *msg = nc_source_error(&e->src);
		rx->failed = true;
		if (strstr(msg, "different from the type of the first"))
			snprintf(rx->errmsg, sizeof(rx->errmsg),
				 "its pcapng interfaces have different link "
				 "types, which libpcap cannot read (%s)",
				 msg);
		else
			snprintf(rx->errmsg, sizeof(rx->errmsg),
				 "read error after %" PRIu64 " packets: %s",
				 packets, msg);
	}
	free(st);
	nc_store(&e->rx_done, 1);
	return 0;
}
