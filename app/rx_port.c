/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rx_port.c: live ports (-i PORT[,PORT...]): parsing, set-up, and the two
 * ways their packets reach the workers.
 *
 * -i is a comma-separated list of ports, where "key=value" items belong to
 * the port before them: "0000:03:00.0,0000:03:00.1" is two NIC ports (EAL
 * -a, with hugepages), "net_af_packet0,iface=eth1,qpairs=4" one vdev
 * (EAL --vdev, no hugepages). nc_port_parse() checks the list before EAL.
 *
 * rss mode (--rx-mode rss, or auto when every port can give each worker an
 * RX queue): port queue w belongs to worker w, which polls it itself
 * (nc_port_rx_worker from the worker loop); no RX lcore, no rings. The NIC
 * spreads packets with a symmetric Toeplitz key (0x6D5A repeated), so both
 * directions of a connection land in the same queue. By default the hash
 * covers the IP addresses only: every fragment of a datagram then goes to
 * the worker that holds the rest of its connection (hashing the ports too,
 * --rss-fields ip,l4, spreads better but sends non-first fragments, which
 * have no ports, elsewhere). A driver without RSS (net_af_packet) gets no
 * RSS configuration: af_packet's queues are a PACKET_FANOUT group hashing
 * with the kernel's symmetric flow hash (with fragment reassembly first).
 *
 * dispatch mode: one RX queue per port, read by the RX lcore, which hashes
 * the innermost address pair (nc_flow_hash_steer: symmetric, into the
 * tunnels --tunnels decodes, fragments kept with their first) into one
 * SPSC ring per worker.
 * A port is a live source, so RX never waits: a full worker ring drops the
 * rest of that burst, counted per worker (rx.ring_full_drops.<w>); when
 * a whole burst was dropped RX yields its CPU once (sched_yield), so a
 * writer or main lcore sharing that CPU gets to run.
 *
 * Packets are stamped with the ports' clock: realtime at set-up plus TSC
 * ticks since, computed once per burst (nc_port_stamp). Packets the NIC
 * flagged with a bad IP or L4 checksum (RX checksum offload, requested
 * when offered) are counted, and decoded like any other.
 *
 * Each port gets its own packet pool on its NUMA node, sized from its
 * queues' descriptors plus what the workers, rings and per-lcore caches
 * can hold (or --mbufs). MTUs above what a default mbuf holds use scatter
 * when the port offers it (chained mbufs, linearized by the worker), else
 * larger mbufs.
 *
 * --bare is the benchmark baseline: dispatch mode, receive and free,
 * nothing else (rx.cycles_per_packet is then the cost of the bare loop).
 *
 * Replay (net_pcap with infinite_rx=1, scripts/bench.sh): the PMD holds
 * the whole rx_pcap file in mbufs of the queue's pool and copies each
 * packet into a fresh mbuf of that pool on every receive. Such a port gets
 * its own pool in anonymous memory outside EAL's (rte_mempool_populate_anon,
 * freed at teardown): the file's packets plus as many mbufs as the port's
 * pool holds, each with data room for the file's longest frame, so a
 * replay of a few hundred thousand minimum-size frames (100,000
 * connections) fits. Any other port, or a replay pool that cannot be
 * made, uses the port's pool.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

#define NC_RSS_KEY_MAX	  64 /* bytes; 40 for most NICs, 52 for i40e/ice */
#define NC_LINK_STEP_MS	  100
#define NC_FRAME_OVERHEAD (RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 8)
#define NC_PORT_TX_DESC	  64 /* af_xdp only: netcap never transmits */

/* replay pools (see the top), per port index, or NULL */
static struct rte_mempool *replay_pool[NC_MAX_PORTS];

/* ---- the -i list ------------------------------------------------------ */

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* DDDD:BB:DD.F or BB:DD.F (n characters of s). */
static bool is_pci_addr(const char *s, size_t n)
{
	if (n == 12 && s[4] == ':')
		return is_hex(s, 4) && is_pci_addr(s + 5, 7);
	return n == 7 && is_hex(s, 2) && s[2] == ':' && is_hex(s + 3, 2) &&
	       s[5] == '.' && s[6] >= '0' && s[6] <= '7';
}

/* A vdev name: net_ then letters, digits, underscores. */
static bool is_vdev_name(const char *s, size_t n)
{
	if (n <= 4 || strncmp(s, "net_", 4) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* "key=value": key of letters, digits, '_' or '-', value not empty. */
static bool is_kv(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);

	if (!eq || eq == s || eq == s + n - 1)
		return false;
	for (const char *p = s; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

/* The port's name (up to the first comma) into buf. */
static void port_name(const struct nc_port_spec *p, char *buf, size_t len)
{
	size_t n = strcspn(p->arg, ",");

	if (n >= len)
		n = len - 1;
	memcpy(buf, p->arg, n);
	buf[n] = '\0';
}

int nc_port_parse(const char *list, struct nc_port_spec *v, unsigned max,
		  unsigned *n, char *err, size_t errlen)
{
	static const char hint[] =
	    "a PCI address (0000:03:00.0) or a DPDK vdev "
	    "(net_af_packet0,iface=eth0)";
	const char *p = list;

	*n = 0;
	if (!*list) {
		snprintf(err, errlen, "-i: empty port list");
		return -1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		if (len == 0) {
			snprintf(err, errlen,
				 "-i '%s': empty item (two commas, or a comma "
				 "at an end)",
				 list);
			return -1;
		}
		if (memchr(p, '=', len)) {
			if (*n == 0 || !is_kv(p, len)) {
				snprintf(err, errlen,
					 "-i '%s': '%.*s' is not a port "
					 "argument key=value after a port name "
					 "(a port is %s)",
					 list, (int)len, p, hint);
				return -1;
			}
		} else {
			bool pci = is_pci_addr(p, len);
			if (!pci && !is_vdev_name(p, len)) {
				snprintf(err, errlen,
					 "-i: '%.*s' is not a DPDK port: give "
					 "%s",
					 (int)len, p, hint);
				return -1;
			}
			if (*n == max) {
				snprintf(err, errlen,
					 "-i '%s': more than %u ports", list,
					 max);
				return -1;
			}
			v[*n].arg[0] = '\0';
			v[*n].pci = pci;
			(*n)++;
		}
		struct nc_port_spec *cur = &v[*n - 1];
		size_t used = strlen(cur->arg);
		if (used + len + 2 > sizeof(cur->arg)) {
			snprintf(err, errlen,
				 "-i: the arguments of port %u are longer than "
				 "%zu bytes",
				 *n - 1, sizeof(cur->arg) - 1);
			return -1;
		}
		if (used)
			cur->arg[used++] = ',';
		memcpy(cur->arg + used, p, len);
		cur->arg[used + len] = '\0';
		p += len;
		if (!*p)
			break;
		p++;
		if (!*p) {
			snprintf(err, errlen, "-i '%s': comma at the end",
				 list);
			return -1;
		}
	}
	/* EAL refuses a device given twice; say which */
	for (unsigned i = 0; i < *n; i++) {
		char a[64], b[64];
		port_name(&v[i], a, sizeof(a));
		for (unsigned j = 0; j < i; j++) {
			port_name(&v[j], b, sizeof(b));
			if (!strcasecmp(a, b)) {
				snprintf(err, errlen,
					 "-i: port '%s' is given twice (vdevs "
					 "need distinct names: net_pcap0, "
					 "net_pcap1, ...)",
					 a);
				return -1;
			}
		}
	}
	return 0;
}

/* Leading decimal digits of s into *v; false when there are none. */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno)
		return false;
	*v = x;
	return true;
}

static bool read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	char line[32];
	bool ok = f && fgets(line, sizeof(line), f) && parse_u64(line, v);

	if (f)
		fclose(f);
	return ok;
}

int nc_port_check_hugepages(const struct nc_capture_cfg *c, unsigned need_mb,
			    char *err, size_t errlen)
{
	const struct nc_port_spec *pci = NULL;
	uint64_t free_b = 0;
	glob_t g;

	for (unsigned i = 0; i < c->nport_spec && !pci; i++)
		if (c->port_spec[i].pci)
			pci = &c->port_spec[i];
	if (!pci)
		return 0;
	if (glob("/sys/kernel/mm/hugepages/hugepages-*kB", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char path[PATH_MAX];
			uint64_t kb, nfree;
			const char *d = strrchr(g.gl_pathv[i], '-');
			if (!d || !parse_u64(d + 1, &kb))
				continue;
			snprintf(path, sizeof(path), "%s/free_hugepages",
				 g.gl_pathv[i]);
			if (read_u64(path, &nfree))
				free_b += nfree * kb * 1024;
		}
		globfree(&g);
	}
	if (free_b >= (uint64_t)need_mb << 20)
		return 0;
	char name[64];
	unsigned pages = (need_mb + 1) / 2 + 64; /* 2 MiB pages */
	port_name(pci, name, sizeof(name));
	snprintf(err, errlen,
		 "-i %s: a PCI port needs hugepages: %" PRIu64
		 " MiB free, %u MiB needed (run: scripts/setup-hugepages.sh "
		 "%u)",
		 name, free_b >> 20, need_mb, pages < 1024 ? 1024 : pages);
	return -1;
}

/* ---- pools ------------------------------------------------------------ */

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
static struct rte_mempool *replay_pool_new(const char *spec, unsigned idx,
					   unsigned pool_size)
{
	const char *args = strchr(spec, ',');
	struct rte_kvargs *kv;
	struct rte_mempool *mp = NULL;
	unsigned count, maxlen;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (strncmp(spec, "net_pcap", 8) != 0 || !args)
		return NULL;
	kv = rte_kvargs_parse(args + 1, NULL);
	if (!kv)
		return NULL;
	const char *file = rte_kvargs_get(kv, "rx_pcap");
	const char *inf = rte_kvargs_get(kv, "infinite_rx");
	if (file && inf && strcmp(inf, "1") == 0 &&
	    pcap_extent(file, &count, &maxlen) == 0 && count > 0) {
		unsigned n = count + pool_size;
		uint16_t room = (uint16_t)RTE_ALIGN_CEIL(
		    RTE_PKTMBUF_HEADROOM + (maxlen < 64 ? 64 : maxlen), 64);
		struct rte_pktmbuf_pool_private priv = {
		    .mbuf_data_room_size = room, .mbuf_priv_size = 0};
		if (maxlen > RTE_MBUF_DEFAULT_DATAROOM)
			goto out; /* net_pcap replays single segments only */
		snprintf(name, sizeof(name), "nc_replay%u", idx);
		mp = rte_mempool_create_empty(
		    name, n, sizeof(struct rte_mbuf) + room, NC_MBUF_CACHE,
		    sizeof(priv), SOCKET_ID_ANY, 0);
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

/*
 * mbufs of one port's pool: its RX descriptors, plus what can be away from
 * the port at once: every worker ring full (dispatch), a burst in hand and
 * a mempool cache (up to 1.5 times its size) per lcore, and slack.
 */
static unsigned port_pool_size(unsigned nw, unsigned nq, unsigned desc,
			       bool rings)
{
	unsigned per_lcore = NC_BURST * 2 + NC_MBUF_CACHE * 3 / 2;
	uint64_t n =
	    (uint64_t)nq * desc + (uint64_t)(nw + 2) * per_lcore + 4096;

	if (rings)
		n += (uint64_t)nw * NC_WORKER_RING;
	if (n > (1u << 24))
		n = 1u << 24;
	return rte_align32pow2((uint32_t)n) - 1;
}

/* Bytes of one mbuf with data room for the MTU (no scatter assumed). */
static unsigned mbuf_bytes(unsigned mtu)
{
	unsigned room = RTE_MBUF_DEFAULT_BUF_SIZE;

	if (mtu && mtu + NC_FRAME_OVERHEAD > RTE_MBUF_DEFAULT_DATAROOM)
		room = RTE_PKTMBUF_HEADROOM + mtu + NC_FRAME_OVERHEAD;
	return (unsigned)sizeof(struct rte_mbuf) + room + 128;
}

unsigned nc_port_pool_mb(const struct nc_capture_cfg *c)
{
	uint64_t per =
	    c->mbufs ? c->mbufs
		     : port_pool_size(c->workers, c->workers, c->rx_desc, true);
	uint64_t b =
	    per * mbuf_bytes(c->mtu) * (c->nport_spec ? c->nport_spec : 1);
	return (unsigned)(b >> 20) + 1;
}

/* ---- set-up ----------------------------------------------------------- */

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int port_id(const struct nc_port_spec *s, uint16_t *id, char *err,
		   size_t errlen)
{
	char name[64], full[80];

	port_name(s, name, sizeof(name));
	if (s->pci) {
		/* EAL names a PCI device DDDD:BB:DD.F in lower case */
		snprintf(full, sizeof(full), "%s%s",
			 strlen(name) == 7 ? "0000:" : "", name);
		for (char *q = full; *q; q++)
			*q = (char)tolower((unsigned char)*q);
	} else {
		snprintf(full, sizeof(full), "%s", name);
	}
	if (rte_eth_dev_get_port_by_name(full, id) == 0)
		return 0;
	if (s->pci)
		snprintf(err, errlen,
			 "%s: no DPDK port at this PCI address (is it bound "
			 "to vfio-pci? scripts/bind-nic.sh %s)",
			 name, full);
	else
		snprintf(err, errlen,
			 "%s: no DPDK port came up (the device could not be "
			 "created: check its name and arguments)",
			 s->arg);
	return -1;
}

/* The symmetric Toeplitz key: 0x6D, 0x5A repeated. */
static void rss_key(uint8_t *key, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		key[i] = (i & 1) ? 0x5A : 0x6D;
}

/* Configure, set up the queues of and start port i (e->ports[i] set). */
static int port_start(struct nc_engine *e, unsigned i,
		      const struct rte_eth_dev_info *info, char *err,
		      size_t errlen)
{
	const struct nc_capture_cfg *c = e->cfg;
	const char *spec = c->port_spec[i].arg;
	const uint16_t port = e->ports[i];
	const uint16_t nq = e->nrxq[i];
	static uint8_t key[NC_MAX_PORTS][NC_RSS_KEY_MAX];
	struct rte_eth_conf conf;
	struct rte_eth_rxconf rxq = info->default_rxconf;
	uint16_t nb = (uint16_t)c->rx_desc;
	unsigned room = RTE_MBUF_DEFAULT_BUF_SIZE;
	const int sock = rte_eth_dev_socket_id(port);
	const unsigned qsock =
	    sock >= 0 ? (unsigned)sock : (unsigned)SOCKET_ID_ANY;
	int rc;

	memset(&conf, 0, sizeof(conf));
	if (nq > 1) {
		uint64_t hf = RTE_ETH_RSS_IP;
		if (c->rss_l4)
			hf |= RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
		hf &= info->flow_type_rss_offloads;
		if (hf) {
			unsigned klen =
			    info->hash_key_size ? info->hash_key_size : 40;
			if (klen > NC_RSS_KEY_MAX)
				klen = NC_RSS_KEY_MAX;
			rss_key(key[i], klen);
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_key = key[i];
			conf.rx_adv_conf.rss_conf.rss_key_len = (uint8_t)klen;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		} else if (e->rss && strncmp(spec, "net_af_packet", 13) != 0) {
			fprintf(stderr,
				"netcap capture: warning: %s: the driver "
				"offers no RSS; how it fills its %u queues "
				"decides whether a connection stays on one "
				"worker\n",
				spec, nq);
		}
	}
	if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_CHECKSUM)
		conf.rxmode.offloads |=
		    info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_CHECKSUM;
	if (c->mtu) {
		if (c->mtu > info->max_mtu || c->mtu < info->min_mtu) {
			snprintf(err, errlen,
				 "%s: --mtu %u: the port allows %u to %u", spec,
				 c->mtu, info->min_mtu, info->max_mtu);
			return -1;
		}
		conf.rxmode.mtu = c->mtu;
		if (c->mtu + NC_FRAME_OVERHEAD > RTE_MBUF_DEFAULT_DATAROOM) {
			if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
				conf.rxmode.offloads |=
				    RTE_ETH_RX_OFFLOAD_SCATTER;
			else
				room = RTE_PKTMBUF_HEADROOM + c->mtu +
				       NC_FRAME_OVERHEAD;
		}
	}
	rxq.offloads = conf.rxmode.offloads;

	/* netcap never sends; net_af_xdp alone wants its queues in RX/TX
	   pairs (its configure refuses anything else) */
	const uint16_t ntx =
	    info->driver_name && strstr(info->driver_name, "af_xdp") ? nq : 0;
	rc = rte_eth_dev_configure(port, nq, ntx, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot configure %u RX queues: %s",
			 spec, nq, rte_strerror(-rc));
		return -1;
	}
	rc = c->mtu ? rte_eth_dev_set_mtu(port, (uint16_t)c->mtu) : 0;
	if (rc == -ENOTSUP) /* a vdev without an MTU of its own */
		fprintf(stderr,
			"netcap capture: warning: %s: the driver cannot set "
			"the MTU; --mtu %u only sizes the packet buffers\n",
			spec, c->mtu);
	else if (rc != 0) {
		snprintf(err, errlen, "%s: cannot set MTU %u: %s", spec, c->mtu,
			 rte_strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "%s: --rx-desc %u: %s", spec, c->rx_desc,
			 rte_strerror(-rc));
		return -1;
	}

	unsigned size = port_pool_size(e->nworkers, nq, nb, !e->rss);
	if (c->mbufs) {
		if (c->mbufs < (unsigned)nq * nb + 1024) {
			snprintf(err, errlen,
				 "%s: --mbufs %u is too few for %u queues of "
				 "%u descriptors (at least %u)",
				 spec, c->mbufs, nq, nb,
				 (unsigned)nq * nb + 1024);
			return -1;
		}
		size = c->mbufs;
	}
	char pname[RTE_MEMPOOL_NAMESIZE];
	snprintf(pname, sizeof(pname), "nc_mbuf%u", i);
	e->port_pool[i] = rte_pktmbuf_pool_create(
	    pname, size, NC_MBUF_CACHE, 0, (uint16_t)room,
	    sock >= 0 ? sock : SOCKET_ID_ANY);
	if (!e->port_pool[i] && sock >= 0) {
		fprintf(stderr,
			"netcap capture: warning: %s: no memory on its NUMA "
			"node %d for the packet pool; using any node\n",
			spec, sock);
		e->port_pool[i] =
		    rte_pktmbuf_pool_create(pname, size, NC_MBUF_CACHE, 0,
					    (uint16_t)room, SOCKET_ID_ANY);
	}
	if (!e->port_pool[i]) {
		snprintf(err, errlen,
			 "%s: cannot allocate %u packet buffers: %s (try "
			 "--mbufs or --rx-desc lower)",
			 spec, size, rte_strerror(rte_errno));
		return -1;
	}
	replay_pool[i] = replay_pool_new(spec, i, size);
	for (uint16_t q = 0; q < nq && rc == 0; q++)
		rc = rte_eth_rx_queue_setup(port, q, nb, qsock, &rxq,
					    replay_pool[i] ? replay_pool[i]
							   : e->port_pool[i]);
	for (uint16_t q = 0; q < ntx && rc == 0; q++)
		rc = rte_eth_tx_queue_setup(port, q, NC_PORT_TX_DESC, qsock,
					    NULL);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot set up %s queues: %s", spec,
			 ntx ? "RX/TX" : "RX", rte_strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot start the port: %s", spec,
			 rte_strerror(-rc));
		return -1;
	}
	rc = rte_eth_promiscuous_enable(port);
	if (rc != 0 && rc != -ENOTSUP && c->port_spec[i].pci)
		fprintf(stderr,
			"netcap capture: warning: %s: promiscuous mode: %s\n",
			spec, rte_strerror(-rc));
	return 0;
}

/* Wait up to --link-wait seconds for every port's link; warn for each
   port still down. */
static void link_wait(struct nc_engine *e)
{
	const double wait = e->cfg->link_wait;
	bool up[NC_MAX_PORTS] = {false};
	unsigned nup = 0;

	for (unsigned waited = 0;; waited += NC_LINK_STEP_MS) {
		for (unsigned i = 0; i < e->nports; i++) {
			struct rte_eth_link l;
			if (up[i])
				continue;
			memset(&l, 0, sizeof(l));
			if (rte_eth_link_get_nowait(e->ports[i], &l) != 0 ||
			    l.link_status == RTE_ETH_LINK_UP) {
				up[i] = true; /* no link state: assume up */
				nup++;
			}
		}
		if (nup == e->nports || waited >= wait * 1000)
			break;
		rte_delay_ms(NC_LINK_STEP_MS);
	}
	for (unsigned i = 0; i < e->nports; i++) {
		char name[64];
		if (up[i])
			continue;
		port_name(&e->cfg->port_spec[i], name, sizeof(name));
		fprintf(stderr,
			"netcap capture: warning: %s: link down after %g s "
			"(cable? switch port?)\n",
			name, wait);
	}
}

/*
 * Drivers whose RX queues exist from the device arguments on, each
 * receiving its share whether read or not: af_packet's qpairs (one socket
 * each in a fanout group), net_pcap's rx_pcap/rx_iface, af_xdp's
 * queue_count. Every one of their queues is read (rss: queue q by worker
 * q % workers), or the packets on the unread ones would be lost.
 */
static bool fixed_queues(const struct rte_eth_dev_info *info)
{
	static const char *const drv[] = {"net_af_packet", "net_pcap",
					  "net_af_xdp"};

	for (unsigned k = 0; k < RTE_DIM(drv); k++)
		if (info->driver_name && !strcmp(info->driver_name, drv[k]))
			return true;
	return false;
}

int nc_port_setup(struct nc_engine *e, char *err, size_t errlen)
{
	const struct nc_capture_cfg *c = e->cfg;
	struct rte_eth_dev_info info[NC_MAX_PORTS];
	const unsigned nw = e->nworkers;
	bool can_rss = !c->bare;

	memset(info, 0, sizeof(info));

	for (unsigned i = 0; i < c->nport_spec; i++) {
		int rc;
		if (port_id(&c->port_spec[i], &e->ports[i], err, errlen) != 0)
			return -1;
		e->nports = i + 1;
		rc = rte_eth_dev_info_get(e->ports[i], &info[i]);
		if (rc != 0) {
			snprintf(err, errlen, "%s: no device information: %s",
				 c->port_spec[i].arg, rte_strerror(-rc));
			return -1;
		}
		if (info[i].max_rx_queues < nw) {
			if (c->rx_mode == NC_RX_RSS) {
				snprintf(err, errlen,
					 "%s: --rx-mode rss needs %u RX "
					 "queues (one per worker), the port "
					 "has %u (fewer --workers, "
					 "--rx-mode dispatch, or for "
					 "net_af_packet qpairs=%u)",
					 c->port_spec[i].arg, nw,
					 info[i].max_rx_queues, nw);
				return -1;
			}
			can_rss = false;
		}
	}
	e->rss =
	    c->rx_mode == NC_RX_RSS || (c->rx_mode == NC_RX_AUTO && can_rss);
	e->port = e->ports[0];
	for (unsigned w = 0; w < nw; w++)
		e->workers[w].rxq = (uint16_t)w;
	for (unsigned i = 0; i < e->nports; i++) {
		if (fixed_queues(&info[i]))
			e->nrxq[i] = info[i].max_rx_queues;
		else
			e->nrxq[i] = e->rss ? (uint16_t)nw : 1;
		if (port_start(e, i, &info[i], err, errlen) != 0)
			return -1; /* nc_port_teardown cleans up */
	}
	e->port_started = true;
	link_wait(e);
	e->port_t0_tsc = rte_rdtsc();
	e->port_t0_ns = realtime_ns();
	return 0;
}

void nc_port_teardown(struct nc_engine *e)
{
	for (unsigned i = 0; i < e->nports; i++) {
		if (e->port_started)
			rte_eth_dev_stop(e->ports[i]);
		rte_eth_dev_close(e->ports[i]); /* gives the mbufs back */
	}
	e->port_started = false;
	for (unsigned i = 0; i < NC_MAX_PORTS; i++) {
		rte_mempool_free(replay_pool[i]);
		replay_pool[i] = NULL;
		rte_mempool_free(e->port_pool[i]);
		e->port_pool[i] = NULL;
	}
	e->nports = 0;
}

void nc_port_read_stats(struct nc_engine *e)
{
	struct rte_eth_stats *sum = &e->port_stats;

	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < e->nports; i++) {
		struct rte_eth_stats *s = &e->ports_stats[i];
		memset(s, 0, sizeof(*s));
		if (rte_eth_stats_get(e->ports[i], s) != 0)
			continue;
		sum->ipackets += s->ipackets;
		sum->ibytes += s->ibytes;
		sum->imissed += s->imissed;
		sum->ierrors += s->ierrors;
		sum->rx_nombuf += s->rx_nombuf;
	}
	if (e->rss) {
		e->rx.packets = e->rx.bytes = 0;
		e->rx.cksum_bad_ip = e->rx.cksum_bad_l4 = 0;
		for (unsigned w = 0; w < e->nworkers; w++) {
			const struct nc_worker *k = &e->workers[w];
			e->rx.packets += k->rx_packets;
			e->rx.bytes += k->rx_bytes;
			e->rx.cksum_bad_ip += k->cksum_bad_ip;
			e->rx.cksum_bad_l4 += k->cksum_bad_l4;
		}
	}
}

/* ---- receiving -------------------------------------------------------- */

/*
 * Stamp a burst received at TSC tsc: time, wire length, link type; count
 * NIC-flagged checksums. Returns the burst's wire bytes.
 */
static inline uint64_t port_stamp(const struct nc_engine *e,
				  struct rte_mbuf **pkts, unsigned n,
				  uint64_t tsc, uint64_t *bad_ip,
				  uint64_t *bad_l4)
{
	const double ns_per_tick = 1e9 / (double)rte_get_tsc_hz();
	const int64_t ts =
	    e->port_t0_ns +
	    (int64_t)((double)(tsc - e->port_t0_tsc) * ns_per_tick);
	uint64_t bytes = 0;

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct nc_pkt_meta *meta =
		    RTE_MBUF_DYNFIELD(m, e->meta_off, struct nc_pkt_meta *);
		meta->ts = ts;
		meta->wirelen = rte_pktmbuf_pkt_len(m);
		meta->link = NC_LINK_ETHERNET;
		bytes += meta->wirelen;
		if (unlikely((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			     RTE_MBUF_F_RX_IP_CKSUM_BAD))
			(*bad_ip)++;
		if (unlikely((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			     RTE_MBUF_F_RX_L4_CKSUM_BAD))
			(*bad_l4)++;
	}
	return bytes;
}

/* the port this worker thread reads first in its next call */
static __thread unsigned next_port;

unsigned nc_port_rx_worker(struct nc_worker *w, struct rte_mbuf **pkts,
			   unsigned max)
{
	struct nc_engine *e = w->eng;
	const unsigned np = e->nports;
	unsigned n = 0, start = next_port;
	uint64_t tsc = rte_rdtsc();

	/* up to NC_BURST from each of its queues of each port in turn (queues
	   w, w + workers, ...), starting one port further each call, so no
	   port starves the others */
	for (unsigned k = 0; k < np && n < max; k++) {
		unsigned i = (start + k) % np;
		for (unsigned q = w->rxq; q < e->nrxq[i] && n < max;
		     q += e->nworkers) {
			unsigned want = max - n < NC_BURST ? max - n : NC_BURST;
			n += rte_eth_rx_burst(e->ports[i], (uint16_t)q,
					      pkts + n, (uint16_t)want);
		}
	}
	next_port = start + 1 < np ? start + 1 : 0;
	if (n == 0)
		return 0;
	uint64_t bytes =
	    port_stamp(e, pkts, n, tsc, &w->cksum_bad_ip, &w->cksum_bad_l4);
	__atomic_store_n(&w->rx_packets, w->rx_packets + n, __ATOMIC_RELAXED);
	__atomic_store_n(&w->rx_bytes, w->rx_bytes + bytes, __ATOMIC_RELAXED);
	if (e->filter) {
		unsigned k = nc_filter_burst(e->filter, pkts, n);
		w->filtered += n - k;
		n = k;
	}
	return n;
}

int nc_rx_port_main(void *arg)
{
	struct nc_engine *e = arg;
	struct nc_rx *rx = &e->rx;
	const uint64_t nw = e->nworkers;
	const unsigned np = e->nports;
	const bool bare = e->cfg->bare;
	struct rte_mbuf *pkts[NC_BURST];
	struct rte_mbuf *out[NC_MAX_WORKERS][NC_BURST];
	unsigned nout[NC_MAX_WORKERS];
	uint64_t packets = 0, bytes = 0, busy = 0;
	unsigned pi = 0;
	uint16_t qi = 0;
	if (e->rss) { /* the workers read the queues */
		nc_store(&e->rx_done, 1);
		return 0;
	}
	const uint32_t tunnels = e->dec_cfg.tunnels;
	struct nc_frag_steer *steer = malloc(sizeof(*steer));
	if (!steer) {
		rx->failed = true;
		snprintf(rx->errmsg, sizeof(rx->errmsg), "out of memory");
		nc_store(&e->rx_done, 1);
		return -1;
	}
	nc_frag_steer_init(steer, e->cfg->defrag_cfg.timeout_ns);
	while (!nc_load(&e->stop)) {
		/* busy cycles count the receive too, but not empty polls */
		uint64_t t = rte_rdtsc();
		uint16_t port = e->ports[pi], q = qi;
		if (++qi == e->nrxq[pi]) {
			qi = 0;
			pi = pi + 1 < np ? pi + 1 : 0;
		}
		unsigned n = rte_eth_rx_burst(port, q, pkts, NC_BURST);
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
		bytes += port_stamp(e, pkts, n, t, &rx->cksum_bad_ip,
				    &rx->cksum_bad_l4);
		if (e->filter) {
			unsigned k = nc_filter_burst(e->filter, pkts, n);
			rx->filtered += n - k;
			n = k;
		}
		memset(nout, 0, sizeof(nout[0]) * nw);
		for (unsigned i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t h = nc_flow_hash_steer(
			    steer, NC_LINK_ETHERNET,
			    rte_pktmbuf_mtod(m, uint8_t *),
			    rte_pktmbuf_data_len(m), tunnels,
			    RTE_MBUF_DYNFIELD(m, e->meta_off,
					      struct nc_pkt_meta *)
				->ts);
			unsigned w = (unsigned)(((uint64_t)h * nw) >> 32);
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
		if (n && dropped == n)
			sched_yield();
	progress:
		__atomic_store_n(&rx->packets, packets, __ATOMIC_RELAXED);
		__atomic_store_n(&rx->bytes, bytes, __ATOMIC_RELAXED);
	}
	rx->busy_cycles = busy;
	free(steer);
	nc_store(&e->rx_done, 1);
	return 0;
}
