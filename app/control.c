/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control.c: the main lcore while a capture runs.
 *
 * Launches writer, workers and RX on their lcores, wakes every 5 ms to
 * watch them and, when stderr is a terminal and --quiet is off, redraws a
 * progress line once a second (-r) or the status line of stats.c (-i:
 * rates and drops by cause). stats.c also writes --stats-file lines every
 * --stats-interval and a final one after the lcores stopped.
 * SIGINT/SIGTERM set the stop flag: RX stops reading, workers drain their
 * rings and flush, the writer closes every file, exactly as at the end of
 * the input. SIGHUP sets e->rotate: the writer closes and renames
 * its files. At the end the summary goes to stdout.
 *
 * Summary format (stable; tests parse it). One "key value" pair per line,
 * key and value separated by spaces, keys never contain spaces:
 *
 *   input <path or port>
 *   link_type <pcap name> (<DLT number>)
 *   workers <N>
 *   packets <n>
 *   bytes <n>                            wire bytes
 *   elapsed_s <seconds, 3 decimals>
 *   packets_per_s <n>
 *   records.<Type> <n>                   per type with n > 0, in
 *                                        rec_types.def order
 *   records.total <n>
 *   events.<dotted.name> <n> anomaly|info  per event with n > 0
 *   worker.packets.<w> <n>               per worker
 *   rx.ring_full_waits.<w> <n>           per worker (file: RX waited)
 *   rx.ring_full_drops.<w> <n>           per worker, -i only (dropped)
 *   port.ipackets|imissed|rx_nombuf|ierrors <n>  -i only: the ports'
 *                                        own counters (rte_eth_stats),
 *                                        summed over the ports
 *   port.rx_ip_cksum_bad <n>             -i only: packets the NIC flagged
 *   port.rx_l4_cksum_bad <n>             with a bad IP / TCP-UDP checksum
 *                                        (RX checksum offload; decoded)
 *   rx.mode rss|dispatch                 -i only: workers poll a queue of
 *                                        every port, or one RX lcore
 *                                        dispatches (rx_port.c)
 *   ports <n>                            -i only, then per port i (in -i
 *   port.<i>.rx_queues <n>               order): RX queues,
 *   port.<i>.ipackets|imissed|rx_nombuf|ierrors <n>  its counters,
 *   port.<i>.rxq.<q>.ipackets|errors <n> per queue where the driver
 *                                        counts them (q < 16)
 *   worker.rx_packets.<w> <n>            rss mode: packets worker w took
 *                                        from its queues (before --bpf)
 *   rx.cycles_per_packet <n>             TSC cycles per packet in the RX
 *                                        loop (-r: less its waits)
 *   rx.mbuf_pool_waits <n>
 *   rx.chained_packets <n>
 *   rx.lent_packets <n>                  -r only: frames handed to the
 *                                        workers in place, not copied
 *   rx.clipped_packets <n>
 *   worker.linearized_packets <n>
 *   worker.batch_pool_empty_waits <n>
 *   worker.writer_ring_full_waits <n>
 *   worker.oversize_records <n>
 *   worker.dropped_records <n>
 *   worker.cycles_per_packet <n>         TSC cycles per packet in the worker
 *                                        loop (decode, pack, free)
 *   writer.batches <n>
 *   writer.files <n>
 *   writer.bytes <n>                     compressed bytes, before the frame
 *                                        end marks
 *   writer.rotations <n>                 files closed and renamed (shown
 *                                        with --rotate-* or after SIGHUP)
 *   writer.disk_floor_batches <n>        batches and records dropped below
 *   writer.disk_floor_records <n>        --min-free-disk (shown when > 0)
 *   memory.eal_mb <MiB>                  EAL memory (-m)
 *   memory.conn_tables <bytes>           bounds of the per-worker tables,
 *   memory.defrag_tables <bytes>         all workers together (touched
 *   memory.stream_slots <bytes>          only as they fill)
 *   memory.stream_buffers <bytes>
 *   rx.filtered <n>                      --bpf only: packets the filter
 *                                        rejected (RX and rss workers),
 *                                        never decoded
 *   filter.jit 0|1                       --bpf only: native code
 *   xdp.dropped.net|proto|port <n>       --xdp-filter only: dropped in
 *   xdp.dropped <n>                      the kernel, by the first rule
 *   xdp.passed <n>                       kind that matched; passed on
 *   input.truncated 0|1
 *   interrupted 0|1
 *
 * Wait counters count occasions (a ring found full, a pool found empty),
 * not spins. The final --stats-file line (stats.c) holds the same counters
 * under its JSON names: packets = rx.packets, port.* = ports[0].*,
 * rx.ring_full_drops.<w> = rx.ring_full_drops[w], worker.packets.<w> =
 * workers[w].packets, the worker.* wait and drop sums = drops.*,
 * writer.batches/files/bytes = writer.batches/files/file_bytes
 * (docs/ops-stats.md).
 */
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "agent.h"
#include "engine.h"

static struct nc_engine *sig_eng;

static void on_signal(int sig)
{
	(void)sig;
	if (sig_eng) {
		sig_eng->signalled = 1;
		__atomic_store_n(&sig_eng->stop, 1, __ATOMIC_RELEASE);
	}
}

/* SIGHUP: the writers close and rename their files (writer.c) */
static void on_hup(int sig)
{
	(void)sig;
	if (sig_eng)
		__atomic_add_fetch(&sig_eng->rotate, 1, __ATOMIC_RELEASE);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human_bytes(char *buf, size_t len, double b)
{
	const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	unsigned i = 0;
	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, "%.1f %s", b, u[i]);
}

static void draw_progress(struct nc_engine *e, double elapsed,
			  uint64_t *last_pkts, double *last_t)
{
	uint64_t pkts = __atomic_load_n(&e->rx.packets, __ATOMIC_RELAXED);
	uint64_t bytes = __atomic_load_n(&e->rx.bytes, __ATOMIC_RELAXED);
	int64_t pos = __atomic_load_n(&e->rx.file_pos, __ATOMIC_RELAXED);
	double pct =
	    e->src.size > 0 ? 100.0 * (double)pos / (double)e->src.size : 0.0;
	double dt = elapsed - *last_t;
	double rate = dt > 0 ? (double)(pkts - *last_pkts) / dt : 0;
	char hb[32], eta[32] = "?";

	if (pct > 100)
		pct = 100;
	if (pct > 0.1) {
		double left = elapsed * (100.0 - pct) / pct;
		snprintf(eta, sizeof(eta), "%.0fs", left);
	}
	human_bytes(hb, sizeof(hb), (double)bytes);
	fprintf(stderr,
		"\r\033[K%" PRIu64
		" packets  %s  %5.1f%%  %.0f packets/s  %s left",
		pkts, hb, pct, rate, eta);
	if (e->pub) {
		struct nc_pub_counts c;
		nc_pub_counts(e->pub, &c);
		fprintf(stderr,
			"  batches: %" PRIu64 " published %" PRIu64
			" acked %" PRIu64 " spooled %" PRIu64 " resent %" PRIu64
			" dropped",
			c.published, c.acked, c.spooled, c.resent, c.dropped);
	}
	fflush(stderr);
	*last_pkts = pkts;
	*last_t = elapsed;
}

/* -i: the mode, then each port's and queue's counters (see the top). */
static void print_ports(const struct nc_engine *e, FILE *o)
{
	char k[64];

	fprintf(o, "%-36s %s\n", "rx.mode", e->rss ? "rss" : "dispatch");
	fprintf(o, "%-36s %u\n", "ports", e->nports);
	for (unsigned i = 0; i < e->nports; i++) {
		const struct rte_eth_stats *s = &e->ports_stats[i];
		const uint64_t v[] = {s->ipackets, s->imissed, s->rx_nombuf,
				      s->ierrors};
		const char *n[] = {"ipackets", "imissed", "rx_nombuf",
				   "ierrors"};
		unsigned nq = e->nrxq[i] < RTE_ETHDEV_QUEUE_STAT_CNTRS
				  ? e->nrxq[i]
				  : RTE_ETHDEV_QUEUE_STAT_CNTRS;
		bool per_q = false;

		snprintf(k, sizeof(k), "port.%u.rx_queues", i);
		fprintf(o, "%-36s %u\n", k, e->nrxq[i]);
		for (unsigned j = 0; j < 4; j++) {
			snprintf(k, sizeof(k), "port.%u.%s", i, n[j]);
			fprintf(o, "%-36s %" PRIu64 "\n", k, v[j]);
		}
		for (unsigned q = 0; q < nq; q++)
			per_q |= s->q_ipackets[q] || s->q_errors[q];
		for (unsigned q = 0; per_q && q < nq; q++) {
			snprintf(k, sizeof(k), "port.%u.rxq.%u.ipackets", i, q);
			fprintf(o, "%-36s %" PRIu64 "\n", k, s->q_ipackets[q]);
			snprintf(k, sizeof(k), "port.%u.rxq.%u.errors", i, q);
			fprintf(o, "%-36s %" PRIu64 "\n", k, s->q_errors[q]);
		}
	}
	for (unsigned w = 0; e->rss && w < e->nworkers; w++) {
		snprintf(k, sizeof(k), "worker.rx_packets.%u", w);
		fprintf(o, "%-36s %" PRIu64 "\n", k, e->workers[w].rx_packets);
	}
}

/*
 * Each writer: what it wrote, the seconds it spent writing (busy) and
 * with its ring empty (idle), and how often and how long workers found
 * its ring full (a writer that is the bottleneck shows worker waits and
 * no idle time).
 */
static void print_writers(const struct nc_engine *e, FILE *o)
{
	double hz = (double)rte_get_tsc_hz();
	char k[48];

	for (unsigned i = 0; i < e->nwriters; i++) {
		const struct nc_wr *wr = &e->wr[i];
		unsigned types = 0;
		for (unsigned t = 0; t < NC_REC_MAX; t++)
			types += e->cfg->want.on[t] && e->wr_of[t] == i;
#define WR_LINE(name, fmt, v)                                                  \
	do {                                                                   \
		snprintf(k, sizeof(k), "writer.%u.%s", i, name);               \
		fprintf(o, "%-36s " fmt "\n", k, v);                           \
	} while (0)
		WR_LINE("lcore", "%u", wr->lcore);
		WR_LINE("types", "%u", types);
		WR_LINE("files", "%u", wr->nfiles);
		WR_LINE("bytes", "%" PRIu64, wr->file_bytes);
		WR_LINE("busy_s", "%.3f", (double)wr->busy_cycles / hz);
		WR_LINE("idle_s", "%.3f", (double)wr->idle_cycles / hz);
		WR_LINE("worker_waits", "%" PRIu64, wr->full_waits);
		WR_LINE("worker_wait_s", "%.3f", (double)wr->wait_cycles / hz);
#undef WR_LINE
	}
}

static void print_summary(struct nc_engine *e, double elapsed)
{
	uint64_t records[NC_REC_MAX] = {0}, events[NC_EV_MAX] = {0};
	uint64_t lin = 0, bwait = 0, rwait = 0, over = 0, drop = 0, total = 0;
	uint64_t busy = 0, wpkts = 0;
	FILE *o = stdout;

	for (unsigned w = 0; w < e->nworkers; w++) {
		const struct nc_worker *k = &e->workers[w];
		for (unsigned t = 0; t < NC_REC_MAX; t++)
			records[t] += k->dec.records[t];
		for (unsigned v = 0; v < NC_EV_MAX; v++)
			events[v] += k->dec.events[v];
		lin += k->linearized;
		bwait += k->batch_pool_waits;
		rwait += k->writer_ring_waits;
		over += k->oversize_records;
		drop += k->dropped_records;
		busy += k->busy_cycles;
		wpkts += k->packets;
	}

	fprintf(o, "%-36s %s\n", "input",
		e->cfg->input ? e->cfg->input : e->cfg->iface);
	fprintf(o, "%-36s %s (%d)\n", "link_type", nc_source_link_name(&e->src),
		e->src.dlt);
	fprintf(o, "%-36s %u\n", "workers", e->nworkers);
	fprintf(o, "%-36s %" PRIu64 "\n", "packets", e->rx.packets);
	fprintf(o, "%-36s %" PRIu64 "\n", "bytes", e->rx.bytes);
	fprintf(o, "%-36s %.3f\n", "elapsed_s", elapsed);
	fprintf(o, "%-36s %.0f\n", "packets_per_s",
		elapsed > 0 ? (double)e->rx.packets / elapsed : 0.0);
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		total += records[t];
		if (records[t])
			fprintf(o, "records.%-28s %" PRIu64 "\n",
				nc_rec_name(t), records[t]);
	}
	fprintf(o, "%-36s %" PRIu64 "\n", "records.total", total);
	for (unsigned v = 0; v < NC_EV_MAX; v++)
		if (events[v])
			fprintf(o, "events.%-29s %" PRIu64 " %s\n",
				nc_event_name(v), events[v],
				nc_event_is_anomaly(v) ? "anomaly" : "info");
	for (unsigned w = 0; w < e->nworkers; w++)
		fprintf(o, "worker.packets.%-21u %" PRIu64 "\n", w,
			e->workers[w].packets);
	for (unsigned w = 0; w < e->nworkers; w++)
		fprintf(o, "rx.ring_full_waits.%-17u %" PRIu64 "\n", w,
			e->rx.ring_full_waits[w]);
	for (unsigned w = 0; e->cfg->iface && w < e->nworkers; w++)
		fprintf(o, "rx.ring_full_drops.%-17u %" PRIu64 "\n", w,
			e->rx.ring_full_drops[w]);
	if (e->cfg->iface) {
		const struct rte_eth_stats *ps = &e->port_stats;
		fprintf(o, "%-36s %" PRIu64 "\n", "port.ipackets",
			ps->ipackets);
		fprintf(o, "%-36s %" PRIu64 "\n", "port.imissed", ps->imissed);
		fprintf(o, "%-36s %" PRIu64 "\n", "port.rx_nombuf",
			ps->rx_nombuf);
		fprintf(o, "%-36s %" PRIu64 "\n", "port.ierrors", ps->ierrors);
		fprintf(o, "%-36s %" PRIu64 "\n", "port.rx_ip_cksum_bad",
			e->rx.cksum_bad_ip);
		fprintf(o, "%-36s %" PRIu64 "\n", "port.rx_l4_cksum_bad",
			e->rx.cksum_bad_l4);
		print_ports(e, o);
	}
	fprintf(o, "%-36s %.0f\n", "rx.cycles_per_packet",
		e->rx.packets
		    ? (double)e->rx.busy_cycles / (double)e->rx.packets
		    : 0.0);
	fprintf(o, "%-36s %" PRIu64 "\n", "rx.mbuf_pool_waits",
		e->rx.mbuf_pool_waits);
	fprintf(o, "%-36s %" PRIu64 "\n", "rx.chained_packets", e->rx.chained);
	if (e->cfg->input)
		fprintf(o, "%-36s %" PRIu64 "\n", "rx.lent_packets",
			e->rx.lent);
	fprintf(o, "%-36s %" PRIu64 "\n", "rx.clipped_packets", e->rx.clipped);
	fprintf(o, "%-36s %" PRIu64 "\n", "worker.linearized_packets", lin);
	fprintf(o, "%-36s %" PRIu64 "\n", "worker.batch_pool_empty_waits",
		bwait);
	fprintf(o, "%-36s %" PRIu64 "\n", "worker.writer_ring_full_waits",
		rwait);
	fprintf(o, "%-36s %" PRIu64 "\n", "worker.oversize_records", over);
	fprintf(o, "%-36s %" PRIu64 "\n", "worker.dropped_records", drop);
	fprintf(o, "%-36s %.0f\n", "worker.cycles_per_packet",
		wpkts ? (double)busy / (double)wpkts : 0.0);
	struct nc_wr ws;
	nc_wr_sum(e, &ws);
	fprintf(o, "%-36s %" PRIu64 "\n", "writer.batches", ws.batches);
	fprintf(o, "%-36s %u\n", "writer.files", ws.nfiles);
	fprintf(o, "%-36s %" PRIu64 "\n", "writer.bytes", ws.file_bytes);
	if (ws.rotations || e->cfg->rotate_size || e->cfg->rotate_interval)
		fprintf(o, "%-36s %" PRIu64 "\n", "writer.rotations",
			ws.rotations);
	if (ws.disk_floor_batches) {
		fprintf(o, "%-36s %" PRIu64 "\n", "writer.disk_floor_batches",
			ws.disk_floor_batches);
		fprintf(o, "%-36s %" PRIu64 "\n", "writer.disk_floor_records",
			ws.disk_floor_records);
	}
	print_writers(e, o);
	/* the memory bounds this run was configured with */
	fprintf(o, "%-36s %u\n", "memory.eal_mb", e->eal_mb);
	fprintf(o, "%-36s %" PRIu64 "\n", "memory.conn_tables",
		e->cfg->track_conns
		    ? (uint64_t)e->nworkers * e->cfg->conn.max_conns *
			  nc_conn_bytes_per_entry()
		    : 0);
	fprintf(o, "%-36s %" PRIu64 "\n", "memory.defrag_tables",
		e->cfg->defrag ? (uint64_t)e->nworkers *
				     nc_defrag_bytes(&e->cfg->defrag_cfg)
			       : 0);
	uint64_t pairs = e->cfg->conn.max_streams < e->cfg->conn.max_conns
			     ? e->cfg->conn.max_streams
			     : e->cfg->conn.max_conns;
	bool reasm = e->cfg->track_conns && e->cfg->max_streams;
	fprintf(o, "%-36s %" PRIu64 "\n", "memory.stream_slots",
		reasm ? (uint64_t)e->nworkers * pairs *
			    nc_conn_bytes_per_stream_pair()
		      : 0);
	fprintf(o, "%-36s %" PRIu64 "\n", "memory.stream_buffers",
		reasm ? (uint64_t)e->nworkers * e->cfg->reasm.pool_bytes : 0);
	fprintf(o, "%-36s %" PRIu64 "\n", "memory.app_parsers",
		e->cfg->apps ? e->nworkers * nc_app_bytes(&e->cfg->app) : 0);
	uint64_t app_peak = 0;
	for (unsigned w = 0; w < e->nworkers; w++) {
		struct nc_app_stats as;
		if (!e->workers[w].dec.apps)
			continue;
		nc_app_stats(e->workers[w].dec.apps, &as);
		app_peak += as.peak;
	}
	fprintf(o, "%-36s %" PRIu64 "\n", "app.memory_peak", app_peak);
	if (e->cfg->files_dir) {
		fprintf(o, "%-36s %" PRIu64 "\n", "files.stored",
			e->files.files);
		fprintf(o, "%-36s %" PRIu64 "\n", "files.bytes",
			e->files.bytes);
		fprintf(o, "%-36s %" PRIu64 "\n", "files.too_big",
			e->files.too_big);
		fprintf(o, "%-36s %" PRIu64 "\n", "files.budget_full",
			e->files.budget_full);
		fprintf(o, "%-36s %" PRIu64 "\n", "files.errors",
			e->files.errors);
	}
	if (e->cfg->bpf) {
		uint64_t filtered = e->rx.filtered;
		for (unsigned w = 0; w < e->nworkers; w++)
			filtered += e->workers[w].filtered;
		fprintf(o, "%-36s %" PRIu64 "\n", "rx.filtered", filtered);
		fprintf(o, "%-36s %d\n", "filter.jit",
			nc_filter_jit(e->filter) ? 1 : 0);
	}
	if (e->xdp)
		nc_xdp_summary(e->xdp, o);
	if (e->pub)
		nc_pub_summary(e->pub, o);
	fprintf(o, "%-36s %d\n", "input.truncated", e->rx.truncated ? 1 : 0);
	fprintf(o, "%-36s %d\n", "interrupted", e->signalled ? 1 : 0);
	fflush(o);
}

int nc_control_run(struct nc_engine *e)
{
	struct sigaction sa, old_int, old_term, old_hup;
	bool progress = !e->cfg->quiet && isatty(STDERR_FILENO);
	uint64_t last_pkts = 0;
	double last_t = 0, last_draw = 0;
	int status = 0;

	sig_eng = e;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_hup);

	double t0 = now_s();
	nc_stats_start(e, t0);
	/* consumers first, so nothing waits on an unlaunched lcore */
	for (unsigned k = 0; k < e->nwriters; k++)
		rte_eal_remote_launch(nc_writer_main, &e->wr[k],
				      e->wr[k].lcore);
	for (unsigned w = 0; w < e->nworkers; w++)
		rte_eal_remote_launch(nc_worker_main, &e->workers[w],
				      e->lcore_worker[w]);
	rte_eal_remote_launch(e->cfg->iface ? nc_rx_port_main : nc_rx_main, e,
			      e->lcore_rx);

	while ((unsigned)nc_load(&e->writers_done) < e->nwriters) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
		double el = now_s() - t0;
		if (e->cfg->duration > 0 && el >= e->cfg->duration)
			nc_store(&e->stop, 1);
		nc_stats_tick(e, el, progress && e->cfg->iface);
		if (progress && !e->cfg->iface && el - last_draw >= 1.0) {
			draw_progress(e, el, &last_pkts, &last_t);
			last_draw = el;
		}
	}
	rte_eal_mp_wait_lcore();
	double elapsed = now_s() - t0;
	if (e->cfg->iface)
		nc_port_read_stats(e);
	nc_stats_final(e, elapsed);
	if (progress && last_draw > 0)
		fputs("\r\033[K", stderr);

	print_summary(e, elapsed);
	/* --metrics-linger: the final counters stay scrapeable a while;
	   SIGINT/SIGTERM end it */
	nc_stats_metrics_end(e);

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sig_eng = NULL;

	const struct nc_wr *bad = NULL;
	for (unsigned k = 0; k < e->nwriters && !bad; k++)
		if (e->wr[k].failed)
			bad = &e->wr[k];
	if (bad) {
		fprintf(stderr, "netcap capture: write failed: %s\n",
			bad->errmsg);
		status = 1;
	} else if (e->rx.failed) {
		fprintf(stderr, "netcap capture: %s: %s\n",
			e->cfg->input ? e->cfg->input : e->cfg->iface,
			e->rx.errmsg);
		status = 1;
	} else if (e->rx.truncated) {
		fprintf(stderr,
			"netcap capture: warning: %s is cut short inside its "
			"last packet; the %" PRIu64
			" complete packets before it were processed\n",
			e->cfg->input, e->rx.packets);
	}
	return status;
}
