/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: every counter of a running capture, by cause, while it runs.
 *
 * One snapshot (struct stats_snap) reads the counters of every role: the
 * ports' own (rte_eth_stats_get: ipackets, imissed, rx_nombuf, ierrors, per
 * queue q_ipackets/q_errors), the RX lcore's, each worker's, the writer's
 * and the writer ring's fill level. The snapshot is rendered three ways:
 *
 *   - the status line (stderr, -i ports, terminal, not --quiet): rates and
 *     drops by cause, redrawn once a second by the main lcore;
 *   - --stats-file FILE: one compact JSON object per --stats-interval and
 *     a final one ("final": true) after every lcore has stopped, appended
 *     and flushed line by line;
 *   - DPDK telemetry commands /netcap/stats, /netcap/ports and
 *     /netcap/workers: the same JSON object (less the rates), flattened
 *     into a telemetry dict (see tel_flatten), built on the telemetry
 *     thread on each request.
 *
 * Concurrency. The roles update their counters with plain stores, and the
 * snapshot reads them with relaxed atomic loads (main lcore, telemetry
 * thread): every counter is an aligned 64-bit (or 32-bit) field, which x86-64
 * and arm64 load and store in one access, so a read is never torn; it may be
 * a little stale, and two counters of one snapshot may be from slightly
 * different moments (a packet counted by RX and not yet by its worker). The
 * hot paths stay free of atomics. The final snapshot is taken after
 * rte_eal_mp_wait_lcore(), so it equals the summary.
 *
 * The telemetry callbacks reach the engine through tel_eng, set by
 * nc_stats_start() once every role is set up and cleared by
 * nc_stats_final() before any of it is torn down, under tel_lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/statvfs.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ring.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "agent.h"
#include "engine.h"
#include "nc_version.h"
#include "prom.h"
#include "xdp.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

struct stats_port {
	uint16_t id;
	char name[RTE_ETH_NAME_MAX_LEN];
	unsigned nq; /* queues with counters (<= RTE_ETHDEV_QUEUE_STAT_CNTRS) */
	struct rte_eth_stats st;
};

struct stats_worker {
	uint64_t packets, bytes, rx_packets, filtered;
	uint64_t batch_pool_waits, writer_ring_waits;
	uint64_t dropped_records, oversize_records, linearized;
};

struct stats_writer {
	uint64_t batches, file_bytes, busy_cycles, wait_cycles;
	unsigned files, backlog;
};

/* One reading of every counter; the drop totals by cause are derived. */
struct stats_snap {
	double elapsed; /* seconds since the roles were launched */
	int64_t ts_ns;	/* realtime */
	bool final;
	unsigned nports;
	struct stats_port port[NC_MAX_PORTS];
	struct {
		uint64_t packets, bytes, mbuf_pool_waits, clipped, chained;
		uint64_t filtered;
		uint64_t ring_full_waits[NC_MAX_WORKERS];
		uint64_t ring_full_drops[NC_MAX_WORKERS];
	} rx;
	unsigned nworkers;
	struct stats_worker w[NC_MAX_WORKERS];
	struct {
		uint64_t batches, record_bytes, file_bytes, rotations;
		uint64_t disk_floor_batches, disk_floor_records;
		unsigned files, backlog, ring_size;
	} wr; /* all writers */
	unsigned nwriters;
	struct stats_writer wrs[NC_MAX_WRITERS];
	/* totals over ports and workers */
	struct {
		uint64_t ipackets, ibytes, imissed, rx_nombuf, ierrors;
		uint64_t ring_full, filtered, dropped_records;
		uint64_t batch_pool_waits, writer_ring_waits;
	} sum;
};

struct nc_stats {
	FILE *file; /* --stats-file, or NULL */
	bool file_failed;
	double next_line; /* elapsed seconds of the next file line */
	double next_draw; /* of the next status line */
	bool drew;	  /* a status line is on the terminal */
	struct stats_snap *cur, *line_prev, *draw_prev;
	struct nc_metrics_srv *metrics; /* --metrics, or NULL */
	int final;			/* counters final (atomic) */
};

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nc_engine *tel_eng;
static double tel_t0; /* monotonic seconds at launch */

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool nc_stats_telemetry_on(const struct nc_capture_cfg *c)
{
	return c->telemetry < 0 ? c->iface != NULL : c->telemetry != 0;
}

/*
 * Read every counter. Port counters come from the driver; for the final
 * snapshot what nc_port_read_stats read for the summary
 * (e->ports_stats[i]) is used as is, so the last line equals the summary
 * also for a NIC whose imissed keeps growing once nobody polls it.
 */
static void snap_take(struct nc_engine *e, struct stats_snap *s, double el,
		      bool final)
{
	struct timespec now;
	unsigned nw = e->nworkers;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_REALTIME, &now);
	s->ts_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	s->elapsed = el;
	s->final = final;

	s->nports = e->port_started ? LD(e->nports) : 0;
	if (s->nports > NC_MAX_PORTS)
		s->nports = NC_MAX_PORTS;
	for (unsigned i = 0; i < s->nports; i++) {
		struct stats_port *p = &s->port[i];
		struct rte_eth_dev_info info;

		p->id = e->ports[i];
		if (rte_eth_dev_get_name_by_port(p->id, p->name) != 0)
			snprintf(p->name, sizeof(p->name), "port%u", p->id);
		if (rte_eth_dev_info_get(p->id, &info) == 0)
			p->nq = info.nb_rx_queues < RTE_ETHDEV_QUEUE_STAT_CNTRS
				    ? info.nb_rx_queues
				    : RTE_ETHDEV_QUEUE_STAT_CNTRS;
		if (final)
			p->st = e->ports_stats[i];
		else if (rte_eth_stats_get(p->id, &p->st) != 0)
			memset(&p->st, 0, sizeof(p->st));
		s->sum.ipackets += p->st.ipackets;
		s->sum.ibytes += p->st.ibytes;
		s->sum.imissed += p->st.imissed;
		s->sum.rx_nombuf += p->st.rx_nombuf;
		s->sum.ierrors += p->st.ierrors;
	}

	s->rx.packets = LD(e->rx.packets);
	s->rx.bytes = LD(e->rx.bytes);
	s->rx.mbuf_pool_waits = LD(e->rx.mbuf_pool_waits);
	s->rx.clipped = LD(e->rx.clipped);
	s->rx.chained = LD(e->rx.chained);
	s->rx.filtered = LD(e->rx.filtered);
	s->sum.filtered = s->rx.filtered;
	s->nworkers = nw;
	for (unsigned w = 0; w < nw; w++) {
		const struct nc_worker *k = &e->workers[w];
		struct stats_worker *o = &s->w[w];

		s->rx.ring_full_waits[w] = LD(e->rx.ring_full_waits[w]);
		s->rx.ring_full_drops[w] = LD(e->rx.ring_full_drops[w]);
		s->sum.ring_full += s->rx.ring_full_drops[w];
		o->packets = LD(k->packets);
		o->bytes = LD(k->bytes);
		o->rx_packets = LD(k->rx_packets);
		o->filtered = LD(k->filtered);
		o->batch_pool_waits = LD(k->batch_pool_waits);
		o->writer_ring_waits = LD(k->writer_ring_waits);
		o->dropped_records = LD(k->dropped_records);
		o->oversize_records = LD(k->oversize_records);
		o->linearized = LD(k->linearized);
		s->sum.filtered += o->filtered;
		s->sum.dropped_records += o->dropped_records;
		s->sum.batch_pool_waits += o->batch_pool_waits;
		s->sum.writer_ring_waits += o->writer_ring_waits;
	}

	memset(&s->wr, 0, sizeof(s->wr));
	s->nwriters = e->nwriters;
	for (unsigned k = 0; k < e->nwriters; k++) {
		const struct nc_wr *w = &e->wr[k];
		struct stats_writer *o = &s->wrs[k];

		o->batches = LD(w->batches);
		o->file_bytes = LD(w->file_bytes);
		o->files = LD(w->nfiles);
		o->backlog = rte_ring_count(w->ring);
		o->busy_cycles = LD(w->busy_cycles);
		o->wait_cycles = LD(w->wait_cycles);
		s->wr.batches += o->batches;
		s->wr.record_bytes += LD(w->record_bytes);
		s->wr.file_bytes += o->file_bytes;
		s->wr.rotations += LD(w->rotations);
		s->wr.disk_floor_batches += LD(w->disk_floor_batches);
		s->wr.disk_floor_records += LD(w->disk_floor_records);
		s->wr.files += o->files;
		s->wr.backlog += o->backlog;
		s->wr.ring_size += rte_ring_get_capacity(w->ring);
	}
}

static void jset_u64(json_t *o, const char *k, uint64_t v)
{
	json_object_set_new(o, k, json_integer((json_int_t)v));
}

static json_t *ju64_array(const uint64_t *v, unsigned n)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

static json_t *ports_json(const struct stats_snap *s)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < s->nports; i++) {
		const struct stats_port *p = &s->port[i];
		json_t *o = json_object(), *q = json_array();

		jset_u64(o, "port", p->id);
		json_object_set_new(o, "name", json_string(p->name));
		jset_u64(o, "ipackets", p->st.ipackets);
		jset_u64(o, "ibytes", p->st.ibytes);
		jset_u64(o, "imissed", p->st.imissed);
		jset_u64(o, "rx_nombuf", p->st.rx_nombuf);
		jset_u64(o, "ierrors", p->st.ierrors);
		for (unsigned k = 0; k < p->nq; k++) {
			json_t *qo = json_object();
			jset_u64(qo, "q", k);
			jset_u64(qo, "ipackets", p->st.q_ipackets[k]);
			jset_u64(qo, "errors", p->st.q_errors[k]);
			json_array_append_new(q, qo);
		}
		json_object_set_new(o, "queues", q);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *workers_json(const struct nc_engine *e,
			    const struct stats_snap *s)
{
	json_t *a = json_array();

	for (unsigned w = 0; w < s->nworkers; w++) {
		const struct stats_worker *k = &s->w[w];
		json_t *o = json_object();

		jset_u64(o, "worker", w);
		jset_u64(o, "lcore", e->lcore_worker[w]);
		jset_u64(o, "packets", k->packets);
		jset_u64(o, "bytes", k->bytes);
		jset_u64(o, "rx_packets", k->rx_packets);
		jset_u64(o, "filtered", k->filtered);
		jset_u64(o, "batch_pool_waits", k->batch_pool_waits);
		jset_u64(o, "writer_ring_waits", k->writer_ring_waits);
		jset_u64(o, "dropped_records", k->dropped_records);
		jset_u64(o, "oversize_records", k->oversize_records);
		jset_u64(o, "linearized", k->linearized);
		json_array_append_new(a, o);
	}
	return a;
}

/* Each writer (--writers): what it wrote, its backlog, and the seconds it
   spent writing and that workers spent waiting for its ring. */
static json_t *writers_json(const struct nc_engine *e,
			    const struct stats_snap *s)
{
	double hz = (double)rte_get_tsc_hz();
	json_t *a = json_array();

	for (unsigned k = 0; k < s->nwriters; k++) {
		const struct stats_writer *w = &s->wrs[k];
		json_t *o = json_object();

		jset_u64(o, "writer", k);
		jset_u64(o, "lcore", e->wr[k].lcore);
		jset_u64(o, "batches", w->batches);
		jset_u64(o, "file_bytes", w->file_bytes);
		jset_u64(o, "files", w->files);
		jset_u64(o, "backlog", w->backlog);
		json_object_set_new(o, "busy_s",
				    json_real((double)w->busy_cycles / hz));
		json_object_set_new(o, "worker_wait_s",
				    json_real((double)w->wait_cycles / hz));
		json_array_append_new(a, o);
	}
	return a;
}

static double rate(uint64_t now, uint64_t then, double dt)
{
	return dt > 0 && now >= then ? (double)(now - then) / dt : 0.0;
}

/* a rate as a whole number per second */
static json_t *jrate(double r)
{
	return json_integer((json_int_t)llround(r));
}

/* seconds to the millisecond */
static json_t *jsecs(double s)
{
	return json_real(round(s * 1000) / 1000);
}

/* The object of a --stats-file line; prev (or NULL) adds the rates. */
static json_t *snap_json(const struct nc_engine *e, const struct stats_snap *s,
			 const struct stats_snap *prev)
{
	json_t *o = json_object(), *rx = json_object(), *wr = json_object();
	json_t *d = json_object();
	char ts[40];
	time_t sec = (time_t)(s->ts_ns / 1000000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03dZ",
		 (int)(s->ts_ns % 1000000000 / 1000000));
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "elapsed_s", jsecs(s->elapsed));
	json_object_set_new(
	    o, "input",
	    json_string(e->cfg->input ? e->cfg->input : e->cfg->iface));
	if (s->final)
		json_object_set_new(o, "final", json_true());
	json_object_set_new(o, "ports", ports_json(s));

	jset_u64(rx, "lcore", e->lcore_rx);
	jset_u64(rx, "packets", s->rx.packets);
	jset_u64(rx, "bytes", s->rx.bytes);
	jset_u64(rx, "filtered", s->rx.filtered);
	jset_u64(rx, "mbuf_pool_waits", s->rx.mbuf_pool_waits);
	jset_u64(rx, "chained", s->rx.chained);
	jset_u64(rx, "clipped", s->rx.clipped);
	json_object_set_new(rx, "ring_full_drops",
			    ju64_array(s->rx.ring_full_drops, s->nworkers));
	json_object_set_new(rx, "ring_full_waits",
			    ju64_array(s->rx.ring_full_waits, s->nworkers));
	json_object_set_new(o, "rx", rx);
	json_object_set_new(o, "workers", workers_json(e, s));

	jset_u64(wr, "lcore", e->wr[0].lcore);
	jset_u64(wr, "batches", s->wr.batches);
	jset_u64(wr, "record_bytes", s->wr.record_bytes);
	jset_u64(wr, "file_bytes", s->wr.file_bytes);
	jset_u64(wr, "files", s->wr.files);
	jset_u64(wr, "rotations", s->wr.rotations);
	jset_u64(wr, "disk_floor_batches", s->wr.disk_floor_batches);
	jset_u64(wr, "disk_floor_records", s->wr.disk_floor_records);
	jset_u64(wr, "backlog", s->wr.backlog);
	jset_u64(wr, "ring_size", s->wr.ring_size);
	json_object_set_new(o, "writer", wr);
	json_object_set_new(o, "writers", writers_json(e, s));

	/* by cause, all ports and lcores together (docs/ops-stats.md) */
	jset_u64(d, "port_imissed", s->sum.imissed);
	jset_u64(d, "port_rx_nombuf", s->sum.rx_nombuf);
	jset_u64(d, "port_ierrors", s->sum.ierrors);
	jset_u64(d, "ring_full", s->sum.ring_full);
	jset_u64(d, "filtered", s->sum.filtered);
	jset_u64(d, "batch_pool_waits", s->sum.batch_pool_waits);
	jset_u64(d, "writer_ring_waits", s->sum.writer_ring_waits);
	jset_u64(d, "dropped_records", s->sum.dropped_records);
	jset_u64(d, "disk_floor_records", s->wr.disk_floor_records);
	json_object_set_new(o, "drops", d);

	if (prev) {
		json_t *r = json_object();
		double dt = s->elapsed - prev->elapsed;
		json_object_set_new(r, "interval_s", jsecs(dt));
		json_object_set_new(
		    r, "port_packets_per_s",
		    jrate(rate(s->sum.ipackets, prev->sum.ipackets, dt)));
		json_object_set_new(
		    r, "port_bits_per_s",
		    jrate(8 * rate(s->sum.ibytes, prev->sum.ibytes, dt)));
		json_object_set_new(
		    r, "rx_packets_per_s",
		    jrate(rate(s->rx.packets, prev->rx.packets, dt)));
		json_object_set_new(
		    r, "rx_bits_per_s",
		    jrate(8 * rate(s->rx.bytes, prev->rx.bytes, dt)));
		json_object_set_new(
		    r, "imissed_per_s",
		    jrate(rate(s->sum.imissed, prev->sum.imissed, dt)));
		json_object_set_new(
		    r, "rx_nombuf_per_s",
		    jrate(rate(s->sum.rx_nombuf, prev->sum.rx_nombuf, dt)));
		json_object_set_new(
		    r, "ring_full_per_s",
		    jrate(rate(s->sum.ring_full, prev->sum.ring_full, dt)));
		json_object_set_new(
		    r, "filtered_per_s",
		    jrate(rate(s->sum.filtered, prev->sum.filtered, dt)));
		json_object_set_new(o, "rates", r);
	}
	return o;
}

/* "1.23M" */
static void si(char *buf, size_t len, double v)
{
	const char *u = "";
	if (v >= 1e9) {
		v /= 1e9;
		u = "G";
	} else if (v >= 1e6) {
		v /= 1e6;
		u = "M";
	} else if (v >= 1e3) {
		v /= 1e3;
		u = "k";
	}
	snprintf(buf, len, *u ? "%.2f%s" : "%.0f%s", v, u);
}

static void draw_status(struct nc_engine *e, const struct stats_snap *s,
			const struct stats_snap *prev)
{
	double dt = s->elapsed - prev->elapsed;
	char pps[16], bps[16];

	si(pps, sizeof(pps), rate(s->sum.ipackets, prev->sum.ipackets, dt));
	si(bps, sizeof(bps), 8 * rate(s->sum.ibytes, prev->sum.ibytes, dt));
	fprintf(stderr,
		"\r\033[Krx %s pkt/s %sbit/s | drops: nic %" PRIu64
		" nombuf %" PRIu64 " ring %" PRIu64 " filtered %" PRIu64
		" disk %" PRIu64 " | writer backlog %u/%u",
		pps, bps, s->sum.imissed + s->sum.ierrors, s->sum.rx_nombuf,
		s->sum.ring_full, s->sum.filtered, s->wr.disk_floor_records,
		s->wr.backlog, s->wr.ring_size);
	if (e->pub) { /* netcap agent */
		struct nc_pub_counts c;
		nc_pub_counts(e->pub, &c);
		fprintf(stderr,
			" | batches: %" PRIu64 " published %" PRIu64
			" acked %" PRIu64 " spooled %" PRIu64 " resent %" PRIu64
			" dropped",
			c.published, c.acked, c.spooled, c.resent, c.dropped);
	}
	fflush(stderr);
}

static void write_line(struct nc_engine *e, const struct stats_snap *s,
		       const struct stats_snap *prev)
{
	struct nc_stats *st = e->stats;
	json_t *o = snap_json(e, s, prev);
	char *txt = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));

	json_decref(o);
	if (!txt || fprintf(st->file, "%s\n", txt) < 0 ||
	    fflush(st->file) != 0) {
		if (!st->file_failed)
			fprintf(stderr,
				"netcap capture: --stats-file %s: cannot "
				"write: %s\n",
				e->cfg->stats_file, strerror(errno));
		st->file_failed = true;
	}
	free(txt);
}

/* ---- telemetry ---- */

static bool json_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static void tel_scalar(struct rte_tel_data *d, const char *k, const json_t *v)
{
	char buf[64];

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		rte_tel_data_add_dict_u64(d, k,
					  (uint64_t)json_integer_value(v));
	else if (json_is_integer(v))
		rte_tel_data_add_dict_int(d, k, (int)json_integer_value(v));
	else if (json_is_boolean(v))
		rte_tel_data_add_dict_int(d, k, json_is_true(v));
	else if (json_is_string(v))
		rte_tel_data_add_dict_string(d, k, json_string_value(v));
	else if (json_is_real(v)) {
		/* telemetry 22.11 has no floating point values */
		snprintf(buf, sizeof(buf), "%.3f", json_real_value(v));
		rte_tel_data_add_dict_string(d, k, buf);
	}
}

/* A column of scalars as one telemetry array: u64, or strings. */
static void tel_column(struct rte_tel_data *d, const char *k, json_t *arr,
		       const char *field)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	bool ints = true;
	size_t i;
	json_t *el;
	char buf[64];

	if (!c)
		return;
	json_array_foreach(arr, i, el)
	{
		json_t *v = field ? json_object_get(el, field) : el;
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			ints = false;
	}
	rte_tel_data_start_array(c,
				 ints ? RTE_TEL_U64_VAL : RTE_TEL_STRING_VAL);
	json_array_foreach(arr, i, el)
	{
		json_t *v = field ? json_object_get(el, field) : el;
		if (ints)
			rte_tel_data_add_array_u64(
			    c, (uint64_t)json_integer_value(v));
		else if (json_is_string(v))
			rte_tel_data_add_array_string(c, json_string_value(v));
		else {
			snprintf(buf, sizeof(buf), "%g",
				 json_is_number(v) ? json_number_value(v) : 0);
			rte_tel_data_add_array_string(c, buf);
		}
	}
	if (rte_tel_data_add_dict_container(d, k, c, 0) != 0)
		rte_tel_data_free(c);
}

static void tel_flatten(struct rte_tel_data *d, const char *prefix, json_t *o);

/*
 * An array under path: scalars become one telemetry array; objects are
 * taken column by column ("path/field": one value per element), and a
 * field that is itself an array or object goes under "path/<i>/field".
 */
static void tel_array(struct rte_tel_data *d, const char *path, json_t *a)
{
	char k[RTE_TEL_MAX_STRING_LEN];
	json_t *first = json_array_get(a, 0);
	const char *field;
	json_t *v;

	if (!first || json_scalar(first)) {
		tel_column(d, path, a, NULL);
		return;
	}
	if (!json_is_object(first))
		return; /* arrays of arrays: none in the stats object */
	json_object_foreach(first, field, v)
	{
		snprintf(k, sizeof(k), "%s/%s", path, field);
		if (json_scalar(v)) {
			tel_column(d, k, a, field);
			continue;
		}
		size_t i;
		json_t *el;
		json_array_foreach(a, i, el)
		{
			json_t *sub = json_object_get(el, field);
			snprintf(k, sizeof(k), "%s/%zu/%s", path, i, field);
			if (json_is_array(sub))
				tel_array(d, k, sub);
			else if (json_is_object(sub))
				tel_flatten(d, k, sub);
		}
	}
}

/* An object as one telemetry dict, keys joined with '/'. */
static void tel_flatten(struct rte_tel_data *d, const char *prefix, json_t *o)
{
	char k[RTE_TEL_MAX_STRING_LEN];
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v)
	{
		if (prefix)
			snprintf(k, sizeof(k), "%s/%s", prefix, key);
		else
			snprintf(k, sizeof(k), "%s", key);
		if (json_is_object(v))
			tel_flatten(d, k, v);
		else if (json_is_array(v))
			tel_array(d, k, v);
		else
			tel_scalar(d, k, v);
	}
}

static int tel_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct stats_snap *s;
	json_t *o = NULL;

	(void)params;
	rte_tel_data_start_dict(d);
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	pthread_mutex_lock(&tel_lock);
	if (tel_eng) {
		snap_take(tel_eng, s, mono_s() - tel_t0, false);
		o = snap_json(tel_eng, s, NULL);
	}
	pthread_mutex_unlock(&tel_lock);
	free(s);
	if (!o) {
		rte_tel_data_add_dict_string(d, "state", "not running");
		return 0;
	}
	if (!strcmp(cmd, "/netcap/ports"))
		tel_array(d, "ports", json_object_get(o, "ports"));
	else if (!strcmp(cmd, "/netcap/workers"))
		tel_array(d, "workers", json_object_get(o, "workers"));
	else
		tel_flatten(d, NULL, o);
	json_decref(o);
	return 0;
}

/* ---- the control lcore's calls ---- */

/* ---- --metrics: the engine's counters in Prometheus's format ---------- */

static void gauge(struct nc_prom *p, const char *name, const char *help,
		  double v)
{
	nc_prom_family(p, name, "gauge", help);
	nc_prom_f64(p, name, "", v);
}

static void counter(struct nc_prom *p, const char *name, const char *help,
		    uint64_t v)
{
	nc_prom_family(p, name, "counter", help);
	nc_prom_u64(p, name, "", v);
}

/* a family with one sample per worker; get reads worker w */
static void per_worker(struct nc_prom *p, const struct nc_engine *e,
		       const char *name, const char *type, const char *help,
		       double (*get)(const struct nc_engine *, unsigned))
{
	char lab[32];

	nc_prom_family(p, name, type, help);
	for (unsigned w = 0; w < e->nworkers; w++) {
		snprintf(lab, sizeof(lab), "worker=\"%u\"", w);
		nc_prom_f64(p, name, lab, get(e, w));
	}
}

static double w_packets(const struct nc_engine *e, unsigned w)
{
	return (double)LD(e->workers[w].packets);
}

static double w_busy(const struct nc_engine *e, unsigned w)
{
	return (double)LD(e->workers[w].busy_cycles) / (double)rte_get_tsc_hz();
}

static double w_ring(const struct nc_engine *e, unsigned w)
{
	return e->workers[w].ring ? (double)rte_ring_count(e->workers[w].ring)
				  : 0;
}

static double w_ring_drops(const struct nc_engine *e, unsigned w)
{
	return (double)LD(e->rx.ring_full_drops[w]);
}

/* The tables' own counters: plain fields of the worker's structs, read
   while it writes them; a value may be a moment old (see the top). */
static double w_conns(const struct nc_engine *e, unsigned w)
{
	return nc_conn_active(e->workers[w].dec.conns);
}

static double w_streams(const struct nc_engine *e, unsigned w)
{
	const struct nc_conntab *t = e->workers[w].dec.conns;
	uint32_t a = nc_conn_streams_active(t), m = nc_conn_streams_max(t);
	return a <= m ? a : m;
}

static double w_reasm(const struct nc_engine *e, unsigned w)
{
	struct nc_reasm_stats rs;

	if (!e->workers[w].dec.reasm)
		return 0;
	nc_reasm_pool_stats(e->workers[w].dec.reasm, &rs);
	return (double)rs.chunks_used * NC_REASM_CHUNK_SIZE;
}

static double w_defrag(const struct nc_engine *e, unsigned w)
{
	const struct nc_defrag *df = e->workers[w].dec.defrag;
	return df ? (double)nc_defrag_pages_used(df) * NC_DEFRAG_PAGE : 0;
}

static double w_app(const struct nc_engine *e, unsigned w)
{
	struct nc_app_stats as;

	if (!e->workers[w].dec.apps)
		return 0;
	nc_app_stats(e->workers[w].dec.apps, &as);
	return (double)as.bytes;
}

static void prom_drops(struct nc_prom *p, const struct nc_engine *e,
		       const struct stats_snap *s)
{
	nc_prom_family(
	    p, "netcap_dropped_packets_total", "counter",
	    "Packets lost before decoding, by stage and cause "
	    "(filters are not drops: netcap_filtered_packets_total)");
	nc_prom_u64(p, "netcap_dropped_packets_total",
		    "stage=\"nic\",cause=\"imissed\"", s->sum.imissed);
	nc_prom_u64(p, "netcap_dropped_packets_total",
		    "stage=\"nic\",cause=\"rx_nombuf\"", s->sum.rx_nombuf);
	nc_prom_u64(p, "netcap_dropped_packets_total",
		    "stage=\"nic\",cause=\"ierrors\"", s->sum.ierrors);
	nc_prom_u64(p, "netcap_dropped_packets_total",
		    "stage=\"rx\",cause=\"ring_full\"", s->sum.ring_full);

	nc_prom_family(p, "netcap_filtered_packets_total", "counter",
		       "Packets a capture filter rejected: --bpf (never "
		       "decoded) and --xdp-filter (dropped in the kernel)");
	nc_prom_u64(p, "netcap_filtered_packets_total", "filter=\"bpf\"",
		    s->sum.filtered);
	if (e->xdp) {
		uint64_t x[NC_XDP_COUNTS];
		nc_xdp_counts(e->xdp, x);
		nc_prom_u64(p, "netcap_filtered_packets_total",
			    "filter=\"xdp\"", x[0] + x[1] + x[2]);
	}

	nc_prom_family(p, "netcap_dropped_records_total", "counter",
		       "Records lost after decoding, by stage and cause");
	nc_prom_u64(p, "netcap_dropped_records_total",
		    "stage=\"worker\",cause=\"unpackable\"",
		    s->sum.dropped_records);
	nc_prom_u64(p, "netcap_dropped_records_total",
		    "stage=\"writer\",cause=\"disk_floor\"",
		    s->wr.disk_floor_records);

	nc_prom_family(p, "netcap_waits_total", "counter",
		       "Times a stage found the next one full and waited "
		       "(files only; nothing lost)");
	nc_prom_u64(p, "netcap_waits_total", "stage=\"rx\",cause=\"mbuf_pool\"",
		    s->rx.mbuf_pool_waits);
	uint64_t rw = 0;
	for (unsigned w = 0; w < s->nworkers; w++)
		rw += s->rx.ring_full_waits[w];
	nc_prom_u64(p, "netcap_waits_total",
		    "stage=\"rx\",cause=\"worker_ring\"", rw);
	nc_prom_u64(p, "netcap_waits_total",
		    "stage=\"worker\",cause=\"batch_pool\"",
		    s->sum.batch_pool_waits);
	nc_prom_u64(p, "netcap_waits_total",
		    "stage=\"worker\",cause=\"writer_ring\"",
		    s->sum.writer_ring_waits);
}

/* One sample per port (queues false: the uint64_t at off in struct
   rte_eth_stats) or per counted RX queue (true: the array at off). */
static void per_port(struct nc_prom *p, const struct stats_snap *s,
		     const char *name, const char *help, size_t off,
		     bool queues)
{
	char lab[RTE_ETH_NAME_MAX_LEN * 2 + 32], pn[RTE_ETH_NAME_MAX_LEN * 2];

	nc_prom_family(p, name, "counter", help);
	for (unsigned i = 0; i < s->nports; i++) {
		const uint64_t *v =
		    (const uint64_t *)((const char *)&s->port[i].st + off);
		nc_prom_escape(pn, sizeof(pn), s->port[i].name);
		if (!queues) {
			snprintf(lab, sizeof(lab), "port=\"%s\"", pn);
			nc_prom_u64(p, name, lab, *v);
			continue;
		}
		for (unsigned q = 0; q < s->port[i].nq; q++) {
			snprintf(lab, sizeof(lab), "port=\"%s\",queue=\"%u\"",
				 pn, q);
			nc_prom_u64(p, name, lab, v[q]);
		}
	}
}

static void prom_ports(struct nc_prom *p, const struct stats_snap *s)
{
	per_port(p, s, "netcap_port_received_packets_total",
		 "Packets a port received (rte_eth_stats ipackets)",
		 offsetof(struct rte_eth_stats, ipackets), false);
	per_port(p, s, "netcap_port_received_octets_total",
		 "Octets a port received (rte_eth_stats ibytes)",
		 offsetof(struct rte_eth_stats, ibytes), false);
	per_port(p, s, "netcap_queue_received_packets_total",
		 "Packets an RX queue received, where the driver counts them "
		 "per queue",
		 offsetof(struct rte_eth_stats, q_ipackets), true);
	per_port(p, s, "netcap_queue_received_octets_total",
		 "Octets an RX queue received, where the driver counts them "
		 "per queue",
		 offsetof(struct rte_eth_stats, q_ibytes), true);
}

static void prom_workers(struct nc_prom *p, const struct nc_engine *e)
{
	const struct nc_capture_cfg *c = e->cfg;

	per_worker(p, e, "netcap_worker_packets_total", "counter",
		   "Packets a worker decoded", w_packets);
	per_worker(p, e, "netcap_worker_busy_seconds_total", "counter",
		   "Time a worker spent on non-empty bursts (TSC)", w_busy);
	if (!e->rss) {
		per_worker(p, e, "netcap_worker_ring_packets", "gauge",
			   "Packets waiting in a worker's ring", w_ring);
		gauge(p, "netcap_worker_ring_capacity_packets",
		      "Packets one worker ring holds", NC_WORKER_RING - 1);
		per_worker(p, e, "netcap_worker_ring_full_drops_total",
			   "counter",
			   "Packets the RX lcore dropped: this worker's ring "
			   "was full (ports only)",
			   w_ring_drops);
	}
	per_worker(p, e, "netcap_connections_active", "gauge",
		   "Connections a worker's table tracks", w_conns);
	/* timeouts and evictions by timeout class (the timeouts.* keys) */
	static const char *const cls[NC_CT_MAX] = {
	    "tcp_handshake", "tcp_established", "tcp_closed", "udp", "icmp",
	    "other"};
	uint64_t to[NC_CT_MAX] = {0}, ev[NC_CT_MAX] = {0};
	for (unsigned w = 0; w < e->nworkers; w++) {
		uint64_t a[NC_CT_MAX], b[NC_CT_MAX];
		nc_conn_close_counts(e->workers[w].dec.conns, a, b);
		for (int k = 0; k < NC_CT_MAX; k++) {
			to[k] += a[k];
			ev[k] += b[k];
		}
	}
	char lab[64];
	nc_prom_family(p, "netcap_connection_timeouts_total", "counter",
		       "Connections closed by their idle timeout, by the "
		       "state (timeout class) they were in");
	for (int k = 0; k < NC_CT_MAX; k++) {
		snprintf(lab, sizeof(lab), "state=\"%s\"", cls[k]);
		nc_prom_u64(p, "netcap_connection_timeouts_total", lab, to[k]);
	}
	nc_prom_family(p, "netcap_connection_evictions_total", "counter",
		       "Connections closed early for room in a full table, by "
		       "the state (timeout class) they were in");
	for (int k = 0; k < NC_CT_MAX; k++) {
		snprintf(lab, sizeof(lab), "state=\"%s\"", cls[k]);
		nc_prom_u64(p, "netcap_connection_evictions_total", lab, ev[k]);
	}
	gauge(p, "netcap_connections_limit",
	      "Connections one worker's table holds (--max-connections / "
	      "workers)",
	      c->track_conns ? (double)c->conn.max_conns : 0);
	per_worker(p, e, "netcap_stream_slots_active", "gauge",
		   "TCP stream reassembly slot pairs in use", w_streams);
	per_worker(p, e, "netcap_reassembly_buffer_bytes", "gauge",
		   "Octets of a worker's stream buffer pool held by streams",
		   w_reasm);
	gauge(p, "netcap_reassembly_buffer_limit_bytes",
	      "Octets of one worker's stream buffer pool",
	      c->track_conns && c->max_streams ? (double)c->reasm.pool_bytes
					       : 0);
	per_worker(p, e, "netcap_defrag_buffer_bytes", "gauge",
		   "Octets of fragments a worker holds for reassembly",
		   w_defrag);
	gauge(p, "netcap_defrag_buffer_limit_bytes",
	      "Octets of fragments one worker may hold",
	      c->defrag ? (double)c->defrag_cfg.max_bytes : 0);
	per_worker(p, e, "netcap_app_parser_bytes", "gauge",
		   "Octets the application parsers of a worker hold", w_app);
	gauge(p, "netcap_app_parser_limit_bytes",
	      "Octets the application parsers of one worker may hold",
	      c->apps ? (double)c->app.memory_bytes : 0);
}

/* the decoders' record counts, all workers */
static void records_sum(const struct nc_engine *e, uint64_t rec[NC_REC_MAX])
{
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		rec[t] = 0;
		for (unsigned w = 0; w < e->nworkers; w++)
			rec[t] += LD(e->workers[w].dec.records[t]);
	}
}

static void prom_records(struct nc_prom *p, const struct nc_engine *e)
{
	uint64_t rec[NC_REC_MAX];
	char lab[160];

	records_sum(e, rec);
	nc_prom_family(p, "netcap_records_total", "counter",
		       "Records decoded, by type (the record file's name)");
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		if (!rec[t] && !e->cfg->want.on[t])
			continue;
		snprintf(lab, sizeof(lab), "type=\"%s\"", nc_rec_name(t));
		nc_prom_u64(p, "netcap_records_total", lab, rec[t]);
	}
	nc_prom_family(p, "netcap_events_total", "counter",
		       "Anomalies and informational events, by name");
	for (unsigned v = 0; v < NC_EV_MAX; v++) {
		uint64_t n = 0;
		for (unsigned w = 0; w < e->nworkers; w++)
			n += LD(e->workers[w].dec.events[v]);
		if (!n)
			continue;
		snprintf(lab, sizeof(lab), "event=\"%s\",kind=\"%s\"",
			 nc_event_name(v),
			 nc_event_is_anomaly(v) ? "anomaly" : "info");
		nc_prom_u64(p, "netcap_events_total", lab, n);
	}
}

static void prom_writer(struct nc_prom *p, const struct nc_engine *e,
			const struct stats_snap *s)
{
	struct statvfs vfs;

	counter(p, "netcap_writer_batches_total", "Record batches written",
		s->wr.batches);
	counter(p, "netcap_writer_record_octets_total",
		"Octets of records written, before compression",
		s->wr.record_bytes);
	counter(p, "netcap_writer_file_octets_total",
		"Octets written to record files", s->wr.file_bytes);
	gauge(p, "netcap_writer_files", "Record files open", s->wr.files);
	counter(p, "netcap_writer_rotations_total",
		"Record files closed and renamed (--rotate-*, SIGHUP)",
		s->wr.rotations);
	gauge(p, "netcap_writer_ring_batches", "Batches waiting for the writer",
	      s->wr.backlog);
	gauge(p, "netcap_writer_ring_capacity_batches",
	      "Batches the writer's ring holds", s->wr.ring_size);
	if (e->cfg->outdir && statvfs(e->cfg->outdir, &vfs) == 0)
		gauge(p, "netcap_disk_free_bytes",
		      "Octets free to netcap on the output file system",
		      (double)vfs.f_bavail * (double)vfs.f_frsize);
	gauge(p, "netcap_disk_floor_bytes",
	      "Octets kept free: below them batches are dropped "
	      "(--min-free-disk)",
	      (double)e->cfg->min_free_disk);
}

/* nc_metrics_fn (the HTTP thread): every engine and traffic metric. */
static void prom_render(void *arg, struct nc_prom *p)
{
	struct nc_engine *e = arg;
	struct stats_snap *s = malloc(sizeof(*s));
	bool fin = __atomic_load_n(&e->stats->final, __ATOMIC_ACQUIRE);
	char lab[128];

	if (!s) {
		p->failed = true;
		return;
	}
	snap_take(e, s, 0, fin);
	if (e->rss && !fin) { /* the workers receive (rx_port.c) */
		s->rx.packets = s->rx.bytes = 0;
		for (unsigned w = 0; w < e->nworkers; w++) {
			s->rx.packets += LD(e->workers[w].rx_packets);
			s->rx.bytes += LD(e->workers[w].rx_bytes);
		}
	}
	nc_prom_family(p, "netcap_build_info", "gauge",
		       "netcap's version and the DPDK it runs on");
	snprintf(lab, sizeof(lab), "version=\"%s\",dpdk_version=\"%s\"",
		 NC_VERSION, rte_version());
	nc_prom_u64(p, "netcap_build_info", lab, 1);
	gauge(p, "netcap_start_time_seconds",
	      "When the capture started (seconds since the epoch)",
	      (double)e->created / 1e9);
	gauge(p, "netcap_capture_finished",
	      "1 once every packet is decoded and every file closed", fin);
	gauge(p, "netcap_workers", "Worker lcores", e->nworkers);
	counter(p, "netcap_packets_total",
		"Packets read from the input (ports: received, before --bpf)",
		s->rx.packets);
	counter(p, "netcap_octets_total", "Wire octets of those packets",
		s->rx.bytes);
	prom_ports(p, s);
	prom_drops(p, e, s);
	uint64_t over = 0;
	for (unsigned w = 0; w < s->nworkers; w++)
		over += s->w[w].oversize_records;
	counter(p, "netcap_oversize_records_total",
		"Records larger than a batch, written alone", over);
	prom_workers(p, e);
	prom_records(p, e);
	prom_writer(p, e, s);
	free(s);

	struct nc_tm *tm[NC_MAX_WORKERS];
	uint64_t rec[NC_REC_MAX];
	unsigned n = 0;
	for (unsigned w = 0; w < e->nworkers; w++)
		if (e->workers[w].tm)
			tm[n++] = e->workers[w].tm;
	records_sum(e, rec);
	nc_tm_render(p, tm, n, rec);
}

void nc_stats_metrics_end(struct nc_engine *e)
{
	struct nc_stats *st = e->stats;

	if (!st || !st->metrics)
		return;
	/* 50 ms naps, so a signal ends it at once */
	long naps = (long)ceil(e->cfg->metrics_linger * 20);
	for (long i = 0; i < naps && !e->signalled; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	nc_metrics_stop(st->metrics);
	st->metrics = NULL;
}

int nc_stats_init(struct nc_engine *e, char *err, size_t errlen)
{
	const struct nc_capture_cfg *c = e->cfg;
	struct nc_stats *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->stats = st;
	st->cur = calloc(3, sizeof(struct stats_snap));
	if (!st->cur) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->line_prev = st->cur + 1;
	st->draw_prev = st->cur + 2;
	if (c->stats_file) {
		st->file = fopen(c->stats_file, "a");
		if (!st->file) {
			snprintf(err, errlen, "--stats-file %s: %s",
				 c->stats_file, strerror(errno));
			return -1;
		}
	}
	/* registered before rte_eal_init(), which starts the socket; a
	   command answers "not running" until nc_stats_start() */
	if (nc_stats_telemetry_on(c)) {
		rte_telemetry_register_cmd(
		    "/netcap/stats", tel_cb,
		    "Every counter of the capture, by role and cause. "
		    "Keys are the --stats-file JSON paths joined with '/'.");
		rte_telemetry_register_cmd(
		    "/netcap/ports", tel_cb,
		    "Counters of the capture's ports and their RX queues.");
		rte_telemetry_register_cmd(
		    "/netcap/workers", tel_cb,
		    "Counters of the capture's worker lcores.");
	}
	return 0;
}

void nc_stats_start(struct nc_engine *e, double t0)
{
	struct nc_stats *st = e->stats;

	snap_take(e, st->line_prev, 0, false);
	*st->draw_prev = *st->line_prev;
	st->next_line = e->cfg->stats_interval;
	st->next_draw = 1.0;
	pthread_mutex_lock(&tel_lock);
	tel_t0 = t0;
	tel_eng = e;
	pthread_mutex_unlock(&tel_lock);
	if (e->metrics_fd >= 0) {
		char err[256];
		int fd = e->metrics_fd;
		e->metrics_fd = -1; /* the server's now */
		st->metrics =
		    nc_metrics_start(fd, prom_render, e, err, sizeof(err));
		if (!st->metrics)
			fprintf(stderr, "netcap capture: %s\n", err);
	}
}

void nc_stats_tick(struct nc_engine *e, double elapsed, bool status)
{
	struct nc_stats *st = e->stats;
	bool line = st->file && elapsed >= st->next_line;
	bool draw = status && elapsed >= st->next_draw;

	if (!line && !draw)
		return;
	snap_take(e, st->cur, elapsed, false);
	if (line) {
		write_line(e, st->cur, st->line_prev);
		*st->line_prev = *st->cur;
		while (st->next_line <= elapsed)
			st->next_line += e->cfg->stats_interval;
	}
	if (draw) {
		draw_status(e, st->cur, st->draw_prev);
		*st->draw_prev = *st->cur;
		st->drew = true;
		while (st->next_draw <= elapsed)
			st->next_draw += 1.0;
	}
}

void nc_stats_final(struct nc_engine *e, double elapsed)
{
	struct nc_stats *st = e->stats;

	pthread_mutex_lock(&tel_lock);
	tel_eng = NULL;
	pthread_mutex_unlock(&tel_lock);
	__atomic_store_n(&st->final, 1, __ATOMIC_RELEASE);
	if (st->drew) {
		fputs("\r\033[K", stderr);
		st->drew = false;
	}
	if (st->file) {
		snap_take(e, st->cur, elapsed, true);
		write_line(e, st->cur, st->line_prev);
	}
}

void nc_stats_free(struct nc_engine *e)
{
	struct nc_stats *st = e->stats;

	if (!st)
		return;
	pthread_mutex_lock(&tel_lock);
	if (tel_eng == e)
		tel_eng = NULL;
	pthread_mutex_unlock(&tel_lock);
	nc_metrics_stop(st->metrics);
	if (st->file)
		fclose(st->file);
	free(st->cur);
	free(st);
	e->stats = NULL;
}
