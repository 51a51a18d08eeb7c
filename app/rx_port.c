/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rx_port.c: the RX lcore for a DPDK port (-i).
 *
 * The port is a vdev for now (net_pcap, net_af_packet, net_ring, net_null,
 * ...), given to EAL with --vdev; NIC ports by PCI address, RSS mode and
 * multi-queue set-up come with the live-appliance work. One RX queue feeds
 * the same dispatch as the file source: symmetric hash of the address
 * pair, one SPSC ring per worker.
 *
 * A port is a live source, so RX never waits: a full worker ring drops the
 * rest of that burst, counted per worker (rx.ring_full_drops.<w>); when
 * a whole burst was dropped RX yields its CPU once (sched_yield), so a
 * writer or main lcore sharing that CPU gets to run.
 * Packets are stamped with the port's clock: realtime at start plus TSC
 * ticks since, computed once per burst.
 *
 * --bare is the benchmark baseline: receive and free, nothing else
 * (rx.cycles_per_packet is then the cost of the bare loop).
 *
 * Replay (net_pcap with infinite_rx=1, scripts/bench.sh): the PMD holds
 * the whole rx_pcap file in mbufs of the queue's pool and copies each
 * packet into a fresh mbuf of that pool on every receive. Such a port gets
 * its own pool in anonymous memory outside EAL's (rte_mempool_populate_anon,
 * freed at teardown): the file's packets plus as many mbufs as the
 * pipeline's pool holds, each with data room for the file's longest frame,
 * so a replay of a few hundred thousand minimum-size frames (100,000
 * connections) fits. Any other port, or a replay pool that cannot be
 * made, uses the pipeline's pool as before.
 */
#include <inttypes.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_ring.h>

#include "engine.h"
#include "flowhash.h"

#define NC_PORT_RX_DESC 1024

/* the replay pool of the port, if it has one (one port per process) */
static struct rte_mempool *replay_pool;

/* Packets and longest frame of a capture file; -1 if it cannot be read. */
static int pcap_extent(const char *path, unsigned *count, unsigned *maxlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, errbuf);

	if (!p)
		return -1;
	*count = *maxlen = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		(*count)++;
		if (h->caplen > *maxlen)
			*maxlen = h->caplen;
	}
	pcap_close(p);
	return 0;
}

/* A pool for a net_pcap replay port (see the top), or NULL. */
static struct rte_mempool *replay_pool_new(struct nc_engine *e)
{
	const char *spec = e->cfg->iface;
	const char *args = strchr(spec, ',');
	struct rte_kvargs *kv;
	struct rte_mempool *mp = NULL;
	unsigned count, maxlen;

	if (strncmp(spec, "net_pcap", 8) != 0 || !args)
		return NULL;
	kv = rte_kvargs_parse(args + 1, NULL);
	if (!kv)
		return NULL;
	const char *file = rte_kvargs_get(kv, "rx_pcap");
	const char *inf = rte_kvargs_get(kv, "infinite_rx");
	if (file && inf && strcmp(inf, "1") == 0 &&
	    pcap_extent(file, &count, &maxlen) == 0 && count > 0) {
		unsigned n = count + e->mbuf_pool->size;
		uint16_t room = (uint16_t)RTE_ALIGN_CEIL(
		    RTE_PKTMBUF_HEADROOM + (maxlen < 64 ? 64 : maxlen), 64);
		struct rte_pktmbuf_pool_private priv = {
		    .mbuf_data_room_size = room, .mbuf_priv_size = 0};
		if (maxlen > RTE_MBUF_DEFAULT_DATAROOM)
			goto out; /* net_pcap replays single segments only */
		mp = rte_mempool_create_empty(
		    "nc_replay", n, sizeof(struct rte_mbuf) + room,
		    NC_MBUF_CACHE, sizeof(priv), SOCKET_ID_ANY, 0);
		if (!mp)
			goto out;
		if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(),
					       NULL) != 0)
			goto fail;
		rte_pktmbuf_pool_init(mp, &priv);
		if (rte_mempool_populate_anon(mp) != (int)n)
			goto fail;
		rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	}
	goto out;
fail:
	rte_mempool_free(mp);
	mp = NULL;
out:
	rte_kvargs_free(kv);
	return mp;
}

int nc_port_setup(struct nc_engine *e, char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t port;
	int rc;

	if (rte_eth_dev_count_avail() == 0) {
		snprintf(err, errlen,
			 "%s: no DPDK port came up (the device could not be "
			 "created: check its name and arguments)",
			 e->cfg->iface);
		return -1;
	}
	port = (uint16_t)rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER);
	replay_pool = replay_pool_new(e);
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc == 0)
		rc = rte_eth_dev_configure(port, 1, 0, &conf);
	if (rc == 0) {
		uint16_t nb = NC_PORT_RX_DESC;
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb, NULL);
		if (rc == 0)
			rc = rte_eth_rx_queue_setup(
			    port, 0, nb, (unsigned)rte_eth_dev_socket_id(port),
			    NULL, replay_pool ? replay_pool : e->mbuf_pool);
	}
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	if (rc != 0) {
		rte_eth_dev_close(port); /* gives the replay's mbufs back */
		rte_mempool_free(replay_pool);
		replay_pool = NULL;
		snprintf(err, errlen, "%s: cannot start the port: %s",
			 e->cfg->iface, rte_strerror(-rc));
		return -1;
	}
	rte_eth_promiscuous_enable(port); /* not every vdev supports it */
	e->port = port;
	e->ports[0] = port;
	e->nports = 1;
	e->port_started = true;
	return 0;
}

void nc_port_teardown(struct nc_engine *e)
{
	if (e->port_started) {
		rte_eth_dev_stop(e->port);
		e->port_started = false;
		rte_eth_dev_close(e->port);
	}
	rte_mempool_free(replay_pool); /* the port gave its mbufs back */
	replay_pool = NULL;
}

void nc_port_read_stats(struct nc_engine *e)
{
	if (e->port_started)
		rte_eth_stats_get(e->port, &e->port_stats);
}

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int nc_rx_port_main(void *arg)
{
	struct nc_engine *e = arg;
	struct nc_rx *rx = &e->rx;
	const uint16_t port = e->port;
	const uint64_t nw = e->nworkers;
	const bool bare = e->cfg->bare;
	const double ns_per_tick = 1e9 / (double)rte_get_tsc_hz();
	const int64_t t0_ns = realtime_ns();
	const uint64_t t0_tsc = rte_rdtsc();
	struct rte_mbuf *pkts[NC_BURST];
	struct rte_mbuf *out[NC_MAX_WORKERS][NC_BURST];
	unsigned nout[NC_MAX_WORKERS];
	uint64_t packets = 0, bytes = 0, busy = 0;

	while (!nc_load(&e->stop)) {
		/* busy cycles count the receive too, but not empty polls */
		uint64_t t = rte_rdtsc();
		uint16_t n = rte_eth_rx_burst(port, 0, pkts, NC_BURST);
		if (n == 0)
			continue;
		packets += n;
		if (bare) {
			for (unsigned i = 0; i < n; i++)
				bytes += rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free_bulk(pkts, n);
			busy += rte_rdtsc() - t;
			goto progress;
		}
		int64_t ts =
		    t0_ns + (int64_t)((double)(t - t0_tsc) * ns_per_tick);
		memset(nout, 0, sizeof(nout[0]) * nw);
		for (unsigned i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t len = rte_pktmbuf_data_len(m);
			uint32_t h =
			    nc_flow_hash(NC_LINK_ETHERNET,
					 rte_pktmbuf_mtod(m, uint8_t *), len);
			unsigned w = (unsigned)(((uint64_t)h * nw) >> 32);
			struct nc_pkt_meta *meta = RTE_MBUF_DYNFIELD(
			    m, e->meta_off, struct nc_pkt_meta *);
			meta->ts = ts;
			meta->wirelen = rte_pktmbuf_pkt_len(m);
			meta->link = NC_LINK_ETHERNET;
			bytes += meta->wirelen;
			out[w][nout[w]++] = m;
		}
		unsigned dropped = 0;
		for (unsigned w = 0; w < nw; w++) {
			if (!nout[w])
				continue;
			unsigned k = rte_ring_sp_enqueue_burst(
			    e->workers[w].ring, (void **)out[w], nout[w], NULL);
			if (k < nout[w]) {
				rx->ring_full_drops[w] += nout[w] - k;
				dropped += nout[w] - k;
				rte_pktmbuf_free_bulk(out[w] + k, nout[w] - k);
			}
		}
		busy += rte_rdtsc() - t;
		/* every ring of this burst full: the workers are behind, so
		   let a writer or main lcore sharing this CPU run */
		if (dropped == n)
			sched_yield();
	progress:
		__atomic_store_n(&rx->packets, packets, __ATOMIC_RELAXED);
		__atomic_store_n(&rx->bytes, bytes, __ATOMIC_RELAXED);
	}
	rx->busy_cycles = busy;
	nc_store(&e->rx_done, 1);
	return 0;
}
