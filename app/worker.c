/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker.c: the worker lcores.
 *
 * Each worker owns one struct nc_worker (cache aligned): its SPSC ring from
 * RX, its decoder state and counters, and one open batch per record type.
 * The decoder's emit callback packs each record (varint length + protobuf)
 * into the batch of its type; a batch that cannot take the next record goes
 * onto the writer's MPSC ring and a fresh one comes from the fixed batch
 * pool (bounded memory: an empty pool makes the worker wait, counted as
 * worker.batch_pool_empty_waits). A single record larger than a whole batch
 * travels alone in a malloc'd batch (worker.oversize_records); that needs a
 * frame of tens of KiB with --payload, never the common path.
 *
 * Packets come from the worker's ring (file, or a port in dispatch mode)
 * or, in rss mode, straight from RX queue w->rxq of every port
 * (nc_port_rx_worker, rx_port.c). The worker stops when RX is done and its
 * ring is empty (rss: when the stop flag is set, after decoding what it
 * received), then hands every non-empty batch to the writer. Records depend
 * only on packet contents and packet timestamps, so the set of records does
 * not depend on how many workers there are.
 */
#include <limits.h>
#include <stdlib.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_cycles.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "engine.h"
#include "netcap_pack.h"

/*
 * TSC cycles this worker thread waited for the writer (batch pool empty,
 * writer ring full) inside its bursts: left out of worker.busy_cycles, so
 * worker.cycles_per_packet is the worker's own work also when the writer
 * falls behind (the waits are counted in worker.batch_pool_empty_waits and
 * worker.writer_ring_full_waits).
 */
static __thread uint64_t writer_wait_cycles;

static struct nc_batch *batch_get(struct nc_worker *w, enum nc_rec t)
{
	struct nc_batch *b;
	unsigned spins = 0;
	uint64_t t0 = 0;

	while (rte_mempool_get(w->eng->batch_pool, (void **)&b) != 0) {
		if (spins == 0) {
			w->batch_pool_waits++;
			t0 = rte_rdtsc();
		}
		nc_backoff(&spins);
	}
	if (spins)
		writer_wait_cycles += rte_rdtsc() - t0;
	b->type = t;
	b->len = 0;
	b->cap = NC_BATCH_CAP;
	b->heap = 0;
	return b;
}

void nc_batch_put(struct nc_engine *eng, struct nc_batch *b)
{
	if (b->heap)
		free(b);
	else
		rte_mempool_put(eng->batch_pool, b);
}

/* To the ring of the writer that owns the batch's record type. */
static void batch_send(struct nc_worker *w, struct nc_batch *b)
{
	struct nc_wr *wr = &w->eng->wr[w->eng->wr_of[b->type]];
	unsigned spins = 0;
	uint64_t t0 = 0;

	while (rte_ring_mp_enqueue(wr->ring, b) != 0) {
		if (spins == 0) {
			w->writer_ring_waits++;
			t0 = rte_rdtsc();
		}
		nc_backoff(&spins);
	}
	if (spins) {
		uint64_t c = rte_rdtsc() - t0;
		writer_wait_cycles += c;
		__atomic_add_fetch(&wr->full_waits, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&wr->wait_cycles, c, __ATOMIC_RELAXED);
	}
}

static void emit_oversize(struct nc_worker *w, enum nc_rec t,
			  const ProtobufCMessage *msg)
{
	size_t cap = nc_size_record(t, msg) + NC_VARINT_MAX;
	struct nc_batch *b = malloc(sizeof(*b) + cap);

	if (!b) {
		w->dropped_records++;
		return;
	}
	b->type = t;
	b->cap = (uint32_t)cap;
	b->heap = 1;
	b->len = (uint32_t)nc_pack_record_delimited(t, msg, b->data, cap);
	if (b->len == 0) {
		free(b);
		w->dropped_records++;
		return;
	}
	w->oversize_records++;
	batch_send(w, b);
}

/* nc_emit_fn: pack one record into the batch of its type. */
static inline void worker_emit(void *arg, enum nc_rec t,
			       const ProtobufCMessage *msg)
{
	struct nc_worker *w = arg;
	struct nc_batch *b = w->cur[t];
	size_t n;

	if (likely(b != NULL)) {
		n = nc_pack_record_delimited(t, msg, b->data + b->len,
					     b->cap - b->len);
		if (likely(n != 0)) {
			b->len += (uint32_t)n;
			return;
		}
		if (b->len == 0) { /* an empty batch is too small */
			emit_oversize(w, t, msg);
			return;
		}
		batch_send(w, b);
	}
	b = w->cur[t] = batch_get(w, t);
	n = nc_pack_record_delimited(t, msg, b->data, b->cap);
	if (n == 0)
		emit_oversize(w, t, msg);
	b->len = (uint32_t)n;
}

/* nc_emit_fn with --indicators: the record, then an Alert per match
   (an Alert comes back here and goes straight to worker_emit) */
static void worker_emit_ind(void *arg, enum nc_rec t,
			    const ProtobufCMessage *msg)
{
	struct nc_worker *w = arg;

	worker_emit(arg, t, msg);
	if (t != NC_REC_ALERT)
		nc_indicators_check(w->eng->ind, &w->dec, t, msg);
}

/*
 * capture --attacks: every record gets its Result (label_rec.c). The
 * generated packers leave Result out (scripts/gen-packers.py: no test of
 * it on every record of every other capture), so the record is packed
 * into a buffer here and its Result field appended to the packed bytes
 * (fields may come in any order; 1001 is the last anyway) on the way into
 * its batch. A record labelled by its frame (a Timestamp, no addresses:
 * Ethernet, ARP, ...) comes before the frame's records with addresses:
 * it is packed and held back in stage until the frame is decoded
 * (worker_lbl_frame_end).
 */
struct lbl_held {
	uint32_t off, len; /* of the delimited record in stage */
	enum nc_rec t;
	int64_t ts;
	char tenant[17];
};

struct nc_lbl_state {
	struct lbl_frame fr;
	uint8_t *stage; /* held-back records, packed */
	size_t stage_len, stage_cap;
	struct lbl_held *held;
	unsigned nheld, cheld;
	uint8_t *out; /* one record with its Result */
	size_t out_cap;
};

static bool lbl_grow(uint8_t **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	uint8_t *q = realloc(*p, c);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* Pack msg, delimited, at *buf + off; its length, 0 when out of memory. */
static size_t lbl_pack(uint8_t **buf, size_t *cap, size_t off, enum nc_rec t,
		       const ProtobufCMessage *msg)
{
	size_t need = nc_size_record(t, msg) + NC_VARINT_MAX;

	if (!lbl_grow(buf, cap, off + need))
		return 0;
	return nc_pack_record_delimited(t, msg, *buf + off, need);
}

/* Copy n packed bytes (a delimited record) into the batch of type t. */
static void worker_put_raw(struct nc_worker *w, enum nc_rec t, const uint8_t *p,
			   size_t n)
{
	struct nc_batch *b = w->cur[t];

	if (b && b->cap - b->len < n && b->len) {
		batch_send(w, b);
		b = NULL;
	}
	if (!b)
		b = w->cur[t] = batch_get(w, t);
	if (b->cap - b->len < n) { /* larger than a batch */
		struct nc_batch *h = malloc(sizeof(*h) + n);
		if (!h) {
			w->dropped_records++;
			return;
		}
		h->type = t;
		h->cap = h->len = (uint32_t)n;
		h->heap = 1;
		memcpy(h->data, p, n);
		w->oversize_records++;
		batch_send(w, h);
		return;
	}
	memcpy(b->data + b->len, p, n);
	b->len += (uint32_t)n;
}

/* The delimited record p (n bytes) with Result text appended, into its
 * batch. */
static void lbl_write(struct nc_worker *w, enum nc_rec t, const uint8_t *p,
		      size_t n, const char *text)
{
	struct nc_lbl_state *ls = w->lbl;
	uint64_t body = 0;
	size_t pre = 0;

	for (int sh = 0; pre < n && sh < 64; sh += 7) {
		body |= (uint64_t)(p[pre] & 0x7f) << sh;
		if (!(p[pre++] & 0x80))
			break;
	}
	if (body > n - pre) { /* not what nc_pack_record_delimited wrote */
		w->dropped_records++;
		return;
	}
	size_t tl = strlen(text);
	uint8_t field[2 * NC_VARINT_MAX];
	size_t fl = nc_varint_put(field, (NC_LABEL_FIELD << 3) | 2);
	fl += nc_varint_put(field + fl, tl);
	size_t total = body + fl + tl;
	if (!lbl_grow(&ls->out, &ls->out_cap, total + NC_VARINT_MAX)) {
		w->dropped_records++;
		return;
	}
	size_t k = nc_varint_put(ls->out, total);
	memcpy(ls->out + k, p + pre, body);
	k += body;
	memcpy(ls->out + k, field, fl);
	k += fl;
	memcpy(ls->out + k, text, tl);
	worker_put_raw(w, t, ls->out, k + tl);
}

/* Hold record msg back until its frame is decoded. */
static void lbl_hold(struct nc_worker *w, enum nc_rec t,
		     const ProtobufCMessage *msg)
{
	struct nc_lbl_state *ls = w->lbl;
	const struct lbl_rec *ri = &w->eng->lbl->rec[t];

	if (ls->nheld == ls->cheld) {
		unsigned c = ls->cheld ? ls->cheld * 2 : 16;
		struct lbl_held *h = realloc(ls->held, c * sizeof(*h));
		if (!h) {
			w->dropped_records++;
			return;
		}
		ls->held = h;
		ls->cheld = c;
	}
	size_t n = lbl_pack(&ls->stage, &ls->stage_cap, ls->stage_len, t, msg);
	if (n == 0) {
		w->dropped_records++;
		return;
	}
	struct lbl_held *h = &ls->held[ls->nheld++];
	h->off = (uint32_t)ls->stage_len;
	h->len = (uint32_t)n;
	h->t = t;
	h->ts = lbl_i64(msg, ri->ts);
	snprintf(h->tenant, sizeof(h->tenant), "%s", lbl_tenant(msg, ri));
	ls->stage_len += n;
}

/* The frame is decoded: the held records with their Result, in order. */
static void worker_lbl_frame_end(struct nc_worker *w)
{
	struct nc_lbl_state *ls = w->lbl;

	for (unsigned i = 0; i < ls->nheld; i++) {
		const struct lbl_held *h = &ls->held[i];
		lbl_write(
		    w, h->t, ls->stage + h->off, h->len,
		    lbl_cap_frame(w->eng->lbl, &ls->fr, h->ts, h->tenant));
	}
	ls->nheld = 0;
	ls->stage_len = 0;
	ls->fr.ng = 0;
}

/* nc_emit_fn with --attacks: the record, packed, with its Result. An
   Alert of --indicators comes back here through worker_emit_ind. */
static void worker_emit_lbl(void *arg, enum nc_rec t,
			    const ProtobufCMessage *msg)
{
	struct nc_worker *w = arg;
	struct nc_lbl_state *ls = w->lbl;
	const char *text = lbl_cap_record(w->eng->lbl, &ls->fr, t, msg);

	if (!text) {
		lbl_hold(w, t, msg);
		return;
	}
	/* after the held records, in stage (empty outside a frame) */
	size_t n = lbl_pack(&ls->stage, &ls->stage_cap, ls->stage_len, t, msg);
	if (n == 0) {
		w->dropped_records++;
		return;
	}
	lbl_write(w, t, ls->stage + ls->stage_len, n, text);
	if (w->eng->ind && t != NC_REC_ALERT)
		nc_indicators_check(w->eng->ind, &w->dec, t, msg);
}

/* --metrics: the Connection, DNS, TLSServerHello and HTTP records
   (decode.h nc_emit_tm); the layer histograms are the decoder's */
static void worker_tm_app(void *arg, enum nc_rec t, const ProtobufCMessage *msg)
{
	nc_tm_observe_app(arg, t, msg);
}

int nc_worker_setup(struct nc_worker *w)
{
	nc_emit_fn emit = w->eng->ind ? worker_emit_ind : worker_emit;

	if (w->eng->lbl) {
		w->lbl = calloc(1, sizeof(*w->lbl));
		if (!w->lbl)
			return -1;
		emit = worker_emit_lbl;
	}
	if (w->eng->cfg->metrics) {
		w->tm = calloc(1, sizeof(*w->tm));
		if (!w->tm)
			return -1;
		w->tm->entropy = w->eng->cfg->entropy;
	}
	nc_dec_init(&w->dec, &w->eng->dec_cfg, emit, w);
	if (w->tm) {
		w->dec.tm_layer = w->tm->layer;
		w->dec.tm_entropy = w->tm->entropy;
		w->dec.tm_app = worker_tm_app;
		w->dec.tm_arg = w->tm;
	}
	w->clock = INT64_MIN; /* packet times may be before 1970 */
	return 0;
}

void nc_worker_free(struct nc_worker *w)
{
	free(w->tm);
	w->tm = NULL;
	if (!w->lbl)
		return;
	free(w->lbl->stage);
	free(w->lbl->held);
	free(w->lbl->out);
	free(w->lbl);
	w->lbl = NULL;
}

/*
 * The loop: up to NC_WORKER_BURST packets from the ring, decoded in order,
 * each after prefetch steps run some packets ahead of it, so that their
 * cache misses overlap the decoding of the packets before:
 *   AHEAD_MBUF packets ahead   the mbuf's two cache lines (data address,
 *                              metadata);
 *   AHEAD_FRAME packets ahead  the frame's first cache line;
 * with connection tracking, once the table holds AHEAD_MIN_CONNS
 * connections (below that it stays in the caches and the steps cost more
 * than they save: about 50 cycles a packet on the real mix of make bench):
 *   AHEAD_KEY packets ahead    the frame's connection key peeked and its
 *                              bucket (nc_dec_prefetch_key);
 *   AHEAD_ENTRY packets ahead  the connection entry on that bucket;
 *   AHEAD_NEAR packets ahead   its TCP stream slot and LRU neighbours.
 * Each step loads what the step before prefetched, some packets (hundreds
 * of cycles) later. Chained mbufs (frames longer than a segment) are
 * copied into linbuf first (worker.linearized) and not peeked. The burst
 * is freed in bulk.
 *
 * Measured: docs/PERFORMANCE.md (make bench).
 */
#define NC_WORKER_BURST (2 * NC_BURST)
#define AHEAD_MBUF	16
#define AHEAD_FRAME	12
#define AHEAD_KEY	8
#define AHEAD_ENTRY	4
#define AHEAD_NEAR	2
#define AHEAD_MIN_CONNS 4096

struct pf_state {
	struct nc_dec *d;
	struct rte_mbuf **pkts;
	int off, link;
	const uint8_t *data[NC_WORKER_BURST];
	uint32_t clen[NC_WORKER_BURST];
	uint64_t hash[NC_WORKER_BURST];
	uint8_t hashed[NC_WORKER_BURST];
};

static inline void pf_mbuf(struct pf_state *s, unsigned j)
{
	rte_prefetch0(s->pkts[j]);
	rte_prefetch0(RTE_MBUF_DYNFIELD(s->pkts[j], s->off, void *));
}

static inline void pf_frame(struct pf_state *s, unsigned j)
{
	struct rte_mbuf *m = s->pkts[j];

	s->data[j] = rte_pktmbuf_mtod(m, const uint8_t *);
	s->clen[j] = m->nb_segs == 1 ? m->data_len : 0;
	rte_prefetch0(s->data[j]);
}

static inline void pf_key(struct pf_state *s, unsigned j)
{
	s->hashed[j] = nc_dec_prefetch_key(s->d, s->link, s->data[j],
					   s->clen[j], &s->hash[j]);
}

static inline void pf_entry(struct pf_state *s, unsigned j)
{
	if (s->hashed[j])
		nc_conn_prefetch_entry(s->d, s->hash[j]);
}

static inline void pf_near(struct pf_state *s, unsigned j)
{
	if (s->hashed[j])
		nc_conn_prefetch_stream(s->d, s->hash[j]);
}

/*
 * Hand every non-empty batch to the writer: at the end, and when the oldest
 * open batch is older than NC_BATCH_MAX_AGE_MS, so records of rare types on
 * a live port reach disk within about that time.
 */
static void flush_batches(struct nc_worker *w)
{
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		struct nc_batch *b = w->cur[t];
		if (b && b->len) {
			batch_send(w, b);
			w->cur[t] = NULL;
		}
	}
}

/*
 * Packet time drives timeouts, with bounded work every NC_EXPIRE_EVERY
 * packets of this worker's own sequence: the same input gives the same
 * records and counters however the RX core happened to fill the ring.
 */
static void worker_expire(struct nc_worker *w)
{
	w->since_expire = 0;
	if (w->dec.defrag)
		nc_defrag_expire(&w->dec, w->clock, NC_EXPIRE_PER_BURST);
	if (w->dec.conns)
		nc_conn_expire(&w->dec, w->clock, NC_EXPIRE_PER_BURST);
	if (w->lbl) /* records held outside a frame: none expected */
		worker_lbl_frame_end(w);
}

/*
 * A live port: once a second the port's clock (what its packets are
 * stamped with) also moves this worker's clock, so a quiet link still
 * times its connections out and writes their records, as Zeek's
 * conn.log does; a capture file keeps pure packet time.
 */
static void live_tick(struct nc_worker *w)
{
	const struct nc_engine *e = w->eng;
	const double ns_per_tick = 1e9 / (double)rte_get_tsc_hz();
	int64_t now =
	    e->port_t0_ns +
	    (int64_t)((double)(rte_rdtsc() - e->port_t0_tsc) * ns_per_tick);

	if (w->clock == INT64_MIN || now <= w->clock)
		return;
	w->clock = now;
	worker_expire(w);
}

int nc_worker_main(void *arg)
{
	struct nc_worker *w = arg;
	struct nc_engine *e = w->eng;
	const int off = e->meta_off;
	const uint64_t max_age = rte_get_tsc_hz() / 1000 * NC_BATCH_MAX_AGE_MS;
	uint64_t deadline = rte_rdtsc() + max_age;
	struct rte_mbuf *pkts[NC_WORKER_BURST];
	struct pf_state pf = {.d = &w->dec, .pkts = pkts, .off = off};
	const bool rss = e->rss;
	const bool live = e->cfg->iface != NULL;
	unsigned idle = 0;

	for (;;) {
		unsigned n;
		if (rss) {
			/* a stop leaves the queues: what was received is
			   decoded, the NIC keeps the rest */
			if (nc_load(&e->stop))
				break;
			n = nc_port_rx_worker(w, pkts, NC_WORKER_BURST);
		} else {
			n = rte_ring_sc_dequeue_burst(w->ring, (void **)pkts,
						      NC_WORKER_BURST, NULL);
		}
		if (unlikely(rte_rdtsc() > deadline)) {
			flush_batches(w);
			deadline = rte_rdtsc() + max_age;
			if (live)
				live_tick(w);
		}
		if (n == 0) {
			if (!rss && nc_load(&e->rx_done) &&
			    rte_ring_empty(w->ring))
				break;
			nc_backoff(&idle);
			continue;
		}
		idle = 0;
		uint64_t t0 = rte_rdtsc(), waited = writer_wait_cycles;
		const bool ct = w->dec.conns &&
				nc_conn_active(w->dec.conns) >= AHEAD_MIN_CONNS;
		pf.link =
		    RTE_MBUF_DYNFIELD(pkts[0], off, struct nc_pkt_meta *)->link;
		for (unsigned j = 0; j < n && j < AHEAD_MBUF; j++)
			pf_mbuf(&pf, j);
		for (unsigned j = 0; j < n && j < AHEAD_FRAME; j++)
			pf_frame(&pf, j);
		if (ct) {
			for (unsigned j = 0; j < n && j < AHEAD_KEY; j++)
				pf_key(&pf, j);
			for (unsigned j = 0; j < n && j < AHEAD_ENTRY; j++)
				pf_entry(&pf, j);
			for (unsigned j = 0; j < n && j < AHEAD_NEAR; j++)
				pf_near(&pf, j);
		}
		for (unsigned i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			if (i + AHEAD_MBUF < n)
				pf_mbuf(&pf, i + AHEAD_MBUF);
			if (i + AHEAD_FRAME < n)
				pf_frame(&pf, i + AHEAD_FRAME);
			if (ct) {
				if (i + AHEAD_KEY < n)
					pf_key(&pf, i + AHEAD_KEY);
				if (i + AHEAD_ENTRY < n)
					pf_entry(&pf, i + AHEAD_ENTRY);
				if (i + AHEAD_NEAR < n)
					pf_near(&pf, i + AHEAD_NEAR);
			}
			const struct nc_pkt_meta *meta = RTE_MBUF_DYNFIELD(
			    m, off, const struct nc_pkt_meta *);
			uint32_t len = rte_pktmbuf_pkt_len(m);
			const uint8_t *p = pf.data[i];
			if (unlikely(m->nb_segs != 1)) {
				p = rte_pktmbuf_read(m, 0, len, w->linbuf);
				w->linearized++;
			}
			nc_decode_frame(&w->dec, meta->link, p, len,
					meta->wirelen, meta->ts);
			if (unlikely(w->lbl != NULL))
				worker_lbl_frame_end(w);
			if (meta->ts > w->clock)
				w->clock = meta->ts;
			w->bytes += meta->wirelen;
			if (unlikely(++w->since_expire == NC_EXPIRE_EVERY))
				worker_expire(w);
		}
		w->packets += n;
		rte_pktmbuf_free_bulk(pkts, n);
		w->busy_cycles +=
		    rte_rdtsc() - t0 - (writer_wait_cycles - waited);
	}

	/*
	 * End of input. Time out, at the newest packet time of all workers,
	 * what has timed out, so a connection closes as "timeout" or
	 * "end_of_input" the same way whatever worker it ran on: a
	 * barrier over the workers, once per run.
	 */
	int64_t mine = w->clock, seen = nc_load64(&e->end_clock);
	while (mine > seen &&
	       !__atomic_compare_exchange_n(&e->end_clock, &seen, mine, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	__atomic_add_fetch(&e->workers_drained, 1, __ATOMIC_ACQ_REL);
	idle = 0;
	while ((unsigned)nc_load(&e->workers_drained) < e->nworkers)
		nc_backoff(&idle);
	int64_t end = nc_load64(&e->end_clock);
	if (w->dec.defrag)
		nc_defrag_expire(&w->dec, end, UINT_MAX);
	if (w->dec.conns)
		nc_conn_expire(&w->dec, end, UINT_MAX);
	if (w->dec.defrag)
		nc_defrag_flush(&w->dec); /* incomplete datagrams, counted */
	if (w->dec.conns)
		nc_conn_flush(&w->dec); /* every open connection as a record */
	if (w->prof) {
		/* worker 0 merges every worker's profiles once all of them
		   closed their connections (the last observations) */
		__atomic_add_fetch(&e->workers_flushed, 1, __ATOMIC_ACQ_REL);
		if (w->id == 0) {
			struct nc_profiles *pv[NC_MAX_WORKERS];
			idle = 0;
			while ((unsigned)nc_load(&e->workers_flushed) <
			       e->nworkers)
				nc_backoff(&idle);
			for (unsigned k = 0; k < e->nworkers; k++)
				pv[k] = e->workers[k].prof;
			nc_profiles_emit(&w->dec, pv, e->nworkers);
		}
	}
	if (w->lbl)
		worker_lbl_frame_end(w);
	flush_batches(w);
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		if (w->cur[t])
			nc_batch_put(e, w->cur[t]); /* empty ones */
		w->cur[t] = NULL;
	}
	__atomic_add_fetch(&e->workers_done, 1, __ATOMIC_ACQ_REL);
	return 0;
}
