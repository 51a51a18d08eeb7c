/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture.c: `netcap capture`: flags, validation, EAL arguments, setup and
 * teardown of the engine (engine.h walks the roles).
 *
 * Everything a user can get wrong is checked before EAL starts: flags and
 * the --config file (exit 2), the input file and the output directory
 * (exit 1). Each failure is one line on stderr, "netcap capture: <what>",
 * and leaves no output behind (a directory created for the run is removed
 * again).
 *
 * Flags and the --config file are parsed and checked in config.c.
 *
 * EAL runs without hugepages, PCI or shared files (--no-huge --no-pci
 * --no-shconf), so concurrent runs never collide, with memory sized from the
 * pools (-m) and the lcores main, RX, workers and writer floating over the
 * CPUs this process may use (--lcores '(0-K)@(cpus)'), or with --cpus
 * naming enough CPUs, one worker per CPU (config.h). Arguments after `--`
 * are appended for experts.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "app.h"
#include "config.h"
#include "agent.h"
#include "engine.h"
#include "natsconn.h"
#include "prom.h"

#define MAX_MADE_DIRS 32

/* "netcap capture" or "netcap agent": what messages start with */
static const char *cap_prog = "netcap capture";

static void cap_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cap_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cap_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void agent_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap agent -r FILE|-i PORT [--nats URL,...] [-o DIR] "
	    "[options]\n"
	    "\n"
	    "Capture as netcap capture does and publish every record batch "
	    "to\n"
	    "NATS JetStream, subject netcap.<sensor>.<Type> (netcap collect\n"
	    "--setup makes the stream); with -o, write the record files "
	    "too.\n"
	    "A batch counts as delivered when JetStream acknowledges it; "
	    "while\n"
	    "no server answers, batches wait in the spool directory and go\n"
	    "out, oldest first, once one does (docs/DISTRIBUTED.md).\n"
	    "\n"
	    "      --nats URL,...    servers (default %s)\n"
	    "      --sensor NAME     this sensor's name (default: the host "
	    "name)\n"
	    "      --spool DIR       spool directory (default\n"
	    "                        /var/tmp/netcap-spool/<sensor>)\n"
	    "      --spool-max BYTES spool size limit (default 1G)\n"
	    "      --spool-policy P  drop-oldest (default) or drop-newest "
	    "when\n"
	    "                        the spool is full (counted)\n"
	    "      --max-inflight N  batches sent, not yet acknowledged "
	    "(256)\n"
	    "      --ack-wait SEC    spool a batch not acknowledged by then "
	    "(5)\n"
	    "      --drain-timeout SEC  at the end, wait this long for the\n"
	    "                        spool to empty (30); what is left stays\n"
	    "                        for the next run\n"
	    "      --nats-ca FILE    CA certificates: TLS, server verified\n"
	    "      --nats-tls        TLS with the system's CAs\n"
	    "      --nats-cert FILE, --nats-key FILE  client certificate\n"
	    "      --nats-creds FILE NATS credentials (.creds: JWT and "
	    "nkey)\n"
	    "      --nats-user NAME  user; the password from\n"
	    "                        NETCAP_NATS_PASSWORD or:\n"
	    "      --nats-password-file FILE\n"
	    "      --nats-token-file FILE  token (or NETCAP_NATS_TOKEN)\n"
	    "      --nats-nkey PUBKEY, --nats-nkey-seed FILE  nkey\n"
	    "\n"
	    "Capture options (netcap capture --help):\n",
	    NC_NATS_DEFAULT_URL);
}

static void usage(FILE *f, bool agent)
{
	if (agent)
		agent_usage(f);
	else
		fprintf(f,
			"usage: netcap capture -r FILE|-i PORT -o DIR "
			"[options] [-- EAL args]\n"
			"\n"
			"Read a capture file (pcap or pcapng) or a DPDK port "
			"and write one\n"
			"record file per record type, DIR/<Type>.ncap.lz4, "
			"then print a\n"
			"summary.\n"
			"\n");
	fprintf(
	    f,
	    "  -r, --read FILE       capture file to read\n"
	    "  -i, --interface PORT  DPDK vdev to read, e.g.\n"
	    "                        net_pcap0,rx_pcap=F.pcap,infinite_rx=1\n"
	    "      --duration SEC    stop after SEC seconds\n"
	    "      --bare            benchmark baseline: receive and free "
	    "only\n"
	    "  -o, --out DIR         output directory (created if missing)\n"
	    "  -w, --workers N       decoding workers, 1..%d (default: CPUs\n"
	    "                        this process may use minus 1, at least "
	    "1)\n"
	    "      --cpus LIST       CPUs to run on, e.g. 2-9 (default: all\n"
	    "                        this process may use); with workers+1\n"
	    "                        or more, each worker gets a CPU of its\n"
	    "                        own\n"
	    "      --writers N       writer lcores, 1..%d (default 1); each\n"
	    "                        record type is written by one of them\n"
	    "      --include T,...   write only these record types\n"
	    "      --exclude T,...   do not write these record types\n"
	    "      --payload         fill Payload fields\n"
	    "      --entropy         compute PayloadEntropy\n"
	    "      --no-compress     write plain DIR/<Type>.ncap files\n"
	    "      --max-connections N  connections tracked, all workers\n"
	    "                        together (default %u); when full the\n"
	    "                        least recently active closes early\n"
	    "      --no-defrag       do not reassemble IP fragments (decode\n"
	    "                        only a first fragment's upper layer)\n"
	    "      --tunnels LIST    tunnels whose inner traffic is decoded:\n"
	    "                        all (default), or of GRE, ERSPAN, VXLAN,\n"
	    "                        Geneve, MPLS, IPinIP, GTP-U, Teredo\n"
	    "      --no-tunnels      outer records only (--tunnels none)\n"
	    "      --timeout S=SEC,...  idle timeouts in seconds of packet\n"
	    "                        time; S is tcp_handshake (30),\n"
	    "                        tcp_established (3600), tcp_closed (10),\n"
	    "                        udp (60), icmp (30), other (60)\n"
	    "      --max-streams N   TCP connections with stream reassembly\n"
	    "                        (MissedBytes), all workers together\n"
	    "                        (default: --max-connections); 0 turns\n"
	    "                        reassembly off (MissedBytes estimated)\n"
	    "      --max-stream-buffer BYTES  out-of-order TCP data held, all\n"
	    "                        workers together, suffix K, M, G or T\n"
	    "                        (default %lluM per worker)\n"
	    "      --max-app-memory BYTES  application parser memory (message\n"
	    "                        buffers, parser state), all workers\n"
	    "                        together (default %lluM per worker)\n"
	    "      --files DIR       store every transferred object (HTTP\n"
	    "                        bodies, attachments) as DIR/<SHA-256>\n"
	    "      --file-hashes LIST  digests of each File: md5 (Hash, "
	    "always),\n"
	    "                        sha1, sha256 or all (default md5; "
	    "--files\n"
	    "                        adds sha256)\n"
	    "      --fingerprints FILE  known JA3/JA3S/JA4/HASSH values\n"
	    "                        (JSON, e.g. config/fingerprints.json):\n"
	    "                        a match adds a Software record\n"
	    "      --vendors FILE    vendor database (netcap util db build\n"
	    "                        --oui) for DeviceManufacturer, instead\n"
	    "                        of " NC_OUI_PATH "\n"
	    "      --vuln-db FILE    vulnerability database (netcap util db\n"
	    "                        build): Vulnerability and Exploit\n"
	    "                        records for matching Software\n"
	    "      --indicators FILE[,FILE]  indicator lists (ip, cidr,\n"
	    "                        domain, ja3, ja4, hassh lines): an Alert\n"
	    "                        record per matching Connection, DNS,\n"
	    "                        TLSClientHello or SSH record\n"
	    "      --attacks FILE[,FILE]  attack lists (Netcap YAML, v0.5 "
	    "CSV):\n"
	    "                        set every record's Result field to its\n"
	    "                        label or \"normal\" (docs/LABEL.md)\n"
	    "      --attacks-tz ZONE  zone of the CSV lists' times (UTC)\n"
	    "      --label-description  label by attack name, not category\n"
	    "      --label-collect   every matching label, joined by \" | \"\n"
	    "      --max-file-size BYTES  larger objects are not stored\n"
	    "                        (default 64M)\n"
	    "      --max-files-bytes BYTES  stop storing new objects after\n"
	    "                        this many bytes (default 1G)\n"
	    "      --streams DIR     debugging/export: append each TCP\n"
	    "                        connection's reassembled payload to\n"
	    "                        DIR/<UID>.orig and DIR/<UID>.resp (one\n"
	    "                        open/write/close per chunk: slow)\n"
	    "Live ports (-i):\n"
	    "      --rx-mode MODE    auto (default), rss (a queue per\n"
	    "                        worker) or dispatch (one RX lcore)\n"
	    "      --rss-fields F    ip (default) or ip,l4: what the NIC's\n"
	    "                        symmetric RSS hashes\n"
	    "      --rx-desc N       descriptors per RX queue (1024)\n"
	    "      --mtu N           port MTU, up to 9000\n"
	    "      --mbufs N         packet pool size (default: sized from\n"
	    "                        the queues and rings)\n"
	    "      --link-wait SEC   wait this long for link up (10)\n"
	    "      --bpf EXPR        capture filter (pcap syntax)\n"
	    "      --xdp-filter RULES  AF_XDP ports: drop in the kernel\n"
	    "Output for weeks:\n"
	    "      --rotate-size BYTES  start a new file after this size\n"
	    "      --rotate-interval SEC  start new files this often\n"
	    "      --min-free-disk BYTES  drop record batches, counted,\n"
	    "                        rather than fill the disk (64M)\n"
	    "      --stats-file FILE append counters as JSON lines\n"
	    "      --stats-interval SEC  how often (1)\n"
	    "      --metrics ADDR:PORT  serve Prometheus metrics at\n"
	    "                        http://ADDR:PORT/metrics\n"
	    "      --metrics-linger SEC  keep serving the final counters\n"
	    "                        this long after the capture (0)\n"
	    "      --telemetry, --no-telemetry  DPDK telemetry socket\n"
	    "                        (default: on for -i)\n"
	    "      --config FILE     settings as JSON (config/netcap.json);\n"
	    "                        flags override them\n"
	    "      --print-config    print the effective settings and exit\n"
	    "  -q, --quiet           no progress line\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Arguments after -- are appended to the DPDK EAL arguments.\n",
	    NC_MAX_WORKERS, NC_MAX_WRITERS, NC_DEFAULT_MAX_CONNS,
	    (unsigned long long)(NC_REASM_DEF_POOL_BYTES >> 20),
	    (unsigned long long)(NC_APP_DEF_MEMORY >> 20));
}

static unsigned allowed_cpus(cpu_set_t *set)
{
	if (sched_getaffinity(0, sizeof(*set), set) != 0) {
		CPU_ZERO(set);
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET((int)i, set);
	}
	unsigned n = (unsigned)CPU_COUNT(set);
	return n ? n : 1;
}

/* "0-3,6" from a cpu set. */
static void cpu_list(const cpu_set_t *set, char *buf, size_t len)
{
	size_t off = 0;
	int i = 0;

	buf[0] = '\0';
	while (i < CPU_SETSIZE && off + 16 < len) {
		if (!CPU_ISSET(i, set)) {
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
			j++;
		if (j > i)
			off += (size_t)snprintf(buf + off, len - off, "%s%d-%d",
						off ? "," : "", i, j);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%d",
						off ? "," : "", i);
		i = j + 1;
	}
	if (!buf[0])
		snprintf(buf, len, "0");
}

/* mkdir -p; directories made are recorded so a failed run can remove them. */
static int make_dirs(const char *path, char made[][PATH_MAX], unsigned *nmade)
{
	char buf[PATH_MAX];
	struct stat st;
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1;; p++) {
		bool last = *p == '\0';
		if (*p != '/' && !last)
			continue;
		char save = *p;
		*p = '\0';
		if (stat(buf, &st) != 0) {
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			if (*nmade < MAX_MADE_DIRS)
				memcpy(made[(*nmade)++], buf, strlen(buf) + 1);
		} else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		*p = save;
		if (last)
			break;
	}
	return 0;
}

static void remove_made_dirs(char made[][PATH_MAX], unsigned nmade)
{
	while (nmade)
		rmdir(made[--nmade]);
}

/* Writability of dir by creating and removing a file (works for root too). */
static int probe_dir(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/.netcap-probe-XXXXXX", dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(path);
	return 0;
}

struct eal_args {
	int argc;
	char *argv[64 + 16 + 2 * NC_MAX_PORTS];
	char mem[32];
	char lcores[4200];
	char vdev[PATH_MAX + 1024]; /* -i with xdp_prog= (--xdp-filter) */
};

/*
 * Sizes (counts of objects). The packet pool covers every ring full, every
 * RX burst being filled, the per-lcore caches (which can hold 1.5x their
 * size) and one frame of NC_MAX_FRAME in chained segments, with headroom.
 */
static unsigned mbuf_count(unsigned nw)
{
	unsigned per_lcore = NC_BURST * 2 + NC_MBUF_CACHE * 3 / 2;
	unsigned n = nw * (NC_WORKER_RING + per_lcore) + per_lcore + 4096;
	return rte_align32pow2(n) - 1;
}

static unsigned batch_count(unsigned nw)
{
	return nw * (NC_REC_MAX + 2) + 64;
}

/*
 * EAL memory (-m, MiB): the pools plus half again (mempool object headers,
 * padding and heap overhead; measured: 32 workers fail without it) plus
 * 64 MiB for EAL itself. 1 worker: about 100 MiB; 64 workers: about 650.
 * Ports (-i) have their own packet pools instead (nc_port_pool_mb).
 */
static unsigned eal_mem_mb(const struct nc_capture_cfg *c)
{
	unsigned nw = c->workers;
	uint64_t b = c->iface ? (uint64_t)nc_port_pool_mb(c) << 20
			      : (uint64_t)mbuf_count(nw) *
				    (sizeof(struct rte_mbuf) +
				     RTE_MBUF_DEFAULT_BUF_SIZE + 128);
	b += (uint64_t)batch_count(nw) *
	     (sizeof(struct nc_batch) + NC_BATCH_CAP + 128);
	b += (uint64_t)nw * (NC_WORKER_RING * 8 + sizeof(struct nc_worker));
	return (unsigned)(b >> 20) * 3 / 2 + 64;
}

static void build_eal_args(struct eal_args *a, const struct nc_capture_cfg *c)
{
	cpu_set_t set;
	char cpus[4096];

	allowed_cpus(&set);
	cpu_list(&set, cpus, sizeof(cpus));
	bool huge = false; /* a PCI port: hugepages, in memory only */
	for (unsigned i = 0; i < c->nport_spec; i++)
		huge |= c->port_spec[i].pci;
	snprintf(a->mem, sizeof(a->mem), "%u", eal_mem_mb(c));
	nc_config_lcores(c, cpus, a->lcores, sizeof(a->lcores));

	a->argc = 0;
	a->argv[a->argc++] = "netcap";
	if (!huge)
		a->argv[a->argc++] = "--no-huge";
	a->argv[a->argc++] = "-m";
	a->argv[a->argc++] = a->mem;
	if (!huge)
		a->argv[a->argc++] = "--no-pci";
	a->argv[a->argc++] = huge ? "--in-memory" : "--no-shconf";
	if (!nc_stats_telemetry_on(c)) /* on: stats.c's /netcap/ commands */
		a->argv[a->argc++] = "--no-telemetry";
	a->argv[a->argc++] = "--log-level=lib.eal:error";
	a->argv[a->argc++] = "--lcores";
	a->argv[a->argc++] = a->lcores;
	for (unsigned i = 0; i < c->nport_spec; i++) {
		a->argv[a->argc++] = c->port_spec[i].pci ? "-a" : "--vdev";
		/* --xdp-filter: the one af_xdp port with xdp_prog= added */
		a->argv[a->argc++] =
		    i == 0 && a->vdev[0] ? a->vdev : c->port_spec[i].arg;
	}
	for (int i = 0; i < c->eal_argc && i < 64; i++)
		a->argv[a->argc++] = c->eal_argv[i];
	a->argv[a->argc] = NULL;
}

/* Last non-empty line EAL logged to f, without its "EAL: " prefix. */
static void last_log_line(FILE *f, char *out, size_t len)
{
	char line[512];

	out[0] = '\0';
	if (!f)
		return;
	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		const char *s = line;
		if (!strncmp(s, "EAL: ", 5))
			s += 5;
		snprintf(out, len, "%s", s);
	}
}

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Which writer owns each record type: the per-packet types first, one
 * writer after the other, then every other wanted type, then the rest, so
 * that with N writers the N largest streams of records go to different
 * writers. The same for every run with the same types and N.
 */
static void assign_writers(struct nc_engine *e)
{
	static const enum nc_rec per_packet[] = {
	    NC_REC_ETHERNET, NC_REC_IPV4, NC_REC_TCP, NC_REC_UDP, NC_REC_IPV6,
	};
	bool done[NC_REC_MAX] = {false};
	unsigned k = 0, n = e->nwriters ? e->nwriters : 1;

	for (size_t i = 0; i < RTE_DIM(per_packet); i++) {
		enum nc_rec t = per_packet[i];
		if (e->cfg->want.on[t]) {
			e->wr_of[t] = (uint8_t)(k++ % n);
			done[t] = true;
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (unsigned t = 0; t < NC_REC_MAX; t++)
			if (!done[t] && (pass || e->cfg->want.on[t])) {
				e->wr_of[t] = (uint8_t)(k++ % n);
				done[t] = true;
			}
}

/* Pools, rings and per-worker state; 0 or -1 with the message printed. */
static int engine_setup(struct nc_engine *e)
{
	unsigned nw = e->nworkers;
	unsigned ids[RTE_MAX_LCORE] = {0}, nids = 0, id;
	static const struct rte_mbuf_dynfield meta_desc = {
	    .name = "netcap_pkt_meta",
	    .size = sizeof(struct nc_pkt_meta),
	    .align = __alignof__(struct nc_pkt_meta),
	};

	RTE_LCORE_FOREACH_WORKER(id)
	{
		ids[nids++] = id;
	}
	if (nids < nw + 1 + e->nwriters) {
		cap_err("EAL gave %u lcores besides the main one; %u workers "
			"and %u writers need %u (RX, workers, writers)",
			nids, nw, e->nwriters, nw + 1 + e->nwriters);
		return -1;
	}
	e->lcore_rx = ids[0];
	for (unsigned w = 0; w < nw; w++)
		e->lcore_worker[w] = ids[1 + w];
	for (unsigned k = 0; k < e->nwriters; k++) {
		struct nc_wr *wr = &e->wr[k];
		char name[RTE_RING_NAMESIZE];

		wr->eng = e;
		wr->id = k;
		wr->lcore = ids[1 + nw + k];
		/* room for every batch there is: a worker never waits on a
		   ring the pool could not fill */
		snprintf(name, sizeof(name), "nc_writer_%u", k);
		wr->ring = rte_ring_create(
		    name, rte_align32pow2(batch_count(nw) + 256), SOCKET_ID_ANY,
		    RING_F_SC_DEQ);
		if (!wr->ring) {
			cap_err("cannot allocate the ring of writer %u: %s", k,
				rte_strerror(rte_errno));
			return -1;
		}
	}
	assign_writers(e);

	e->meta_off = rte_mbuf_dynfield_register(&meta_desc);
	if (e->meta_off < 0) {
		cap_err("cannot register the mbuf metadata field: %s",
			rte_strerror(rte_errno));
		return -1;
	}
	if (!e->cfg->iface) /* ports have their own (nc_port_setup) */
		e->mbuf_pool = rte_pktmbuf_pool_create(
		    "nc_mbuf", mbuf_count(nw), NC_MBUF_CACHE, 0,
		    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	/* no per-lcore cache: a cached batch would be invisible to the
	 * other workers and the pool sizing below would not hold */
	e->batch_pool = rte_mempool_create(
	    "nc_batch", batch_count(nw), sizeof(struct nc_batch) + NC_BATCH_CAP,
	    0, 0, NULL, NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	e->workers = rte_zmalloc("nc_workers", sizeof(*e->workers) * nw,
				 RTE_CACHE_LINE_SIZE);
	if ((!e->mbuf_pool && !e->cfg->iface) || !e->batch_pool ||
	    !e->workers) {
		cap_err("cannot allocate packet and record pools: %s",
			rte_strerror(rte_errno));
		return -1;
	}
	for (unsigned w = 0; w < nw; w++) {
		struct nc_worker *k = &e->workers[w];
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "nc_rx_%u", w);
		k->eng = e;
		k->id = w;
		k->ring = rte_ring_create(name, NC_WORKER_RING, SOCKET_ID_ANY,
					  RING_F_SP_ENQ | RING_F_SC_DEQ);
		k->linbuf = malloc(NC_MAX_FRAME);
		if (!k->ring || !k->linbuf || nc_worker_setup(k) != 0) {
			cap_err("cannot allocate worker %u: %s", w,
				rte_strerror(rte_errno));
			return -1;
		}
		if (e->cfg->defrag) {
			k->dec.defrag = nc_defrag_new(&e->cfg->defrag_cfg);
			if (!k->dec.defrag) {
				cap_err("cannot allocate the IP reassembly "
					"table of worker %u: %s",
					w, strerror(errno));
				return -1;
			}
		}
		if (e->cfg->track_conns) {
			k->dec.conns = nc_conntab_new(&e->cfg->conn);
			if (!k->dec.conns) {
				cap_err("cannot allocate the connection table "
					"of worker %u (%u connections): %s",
					w, e->cfg->conn.max_conns,
					strerror(errno));
				return -1;
			}
		}
		if (e->cfg->track_conns && e->cfg->max_streams) {
			k->dec.reasm = nc_reasm_pool_new(&e->cfg->reasm);
			if (!k->dec.reasm) {
				cap_err("cannot allocate the TCP stream buffer "
					"of worker %u (%llu bytes): %s",
					w,
					(unsigned long long)
					    e->cfg->reasm.pool_bytes,
					strerror(errno));
				return -1;
			}
			nc_reasm_pool_set_dec(k->dec.reasm, &k->dec);
		}
		if (e->cfg->profiles) {
			k->prof =
			    nc_profiles_new(&e->cfg->prof, &e->cfg->app_want);
			if (!k->prof) {
				cap_err("cannot allocate the profile tables "
					"of worker %u: %s",
					w, strerror(errno));
				return -1;
			}
			k->dec.obs = nc_profiles_observer(k->prof);
		}
		if (e->cfg->apps) {
			k->dec.apps =
			    nc_apptab_new(&e->cfg->app, &e->cfg->app_want);
			if (!k->dec.apps) {
				cap_err("cannot allocate the application "
					"parser table of worker %u: %s",
					w, strerror(errno));
				return -1;
			}
		}
	}
	e->rx.eng = e;
	return 0;
}

static void engine_teardown(struct nc_engine *e)
{
	if (e->workers) {
		for (unsigned w = 0; w < e->nworkers; w++) {
			rte_ring_free(e->workers[w].ring);
			free(e->workers[w].linbuf);
			nc_worker_free(&e->workers[w]);
			if (e->workers[w].dec.conns)
				nc_conntab_free(e->workers[w].dec.conns);
			if (e->workers[w].dec.defrag)
				nc_defrag_free(e->workers[w].dec.defrag);
			nc_reasm_pool_free(e->workers[w].dec.reasm);
			nc_apptab_free(e->workers[w].dec.apps);
			nc_profiles_free(e->workers[w].prof);
		}
		rte_free(e->workers);
	}
	for (unsigned k = 0; k < e->nwriters; k++)
		rte_ring_free(e->wr[k].ring);
	rte_mempool_free(e->batch_pool);
	rte_mempool_free(e->mbuf_pool);
}

static int capture_main(int argc, char **argv, bool agent)
{
	struct nc_capture_cfg cfg;
	struct nc_config conf;
	static char made[MAX_MADE_DIRS][PATH_MAX];
	unsigned nmade = 0;
	struct nc_engine *e;
	struct eal_args *ea;
	char err[PCAP_ERRBUF_SIZE + PATH_MAX];
	int rc;

	/* defaults, then --config FILE, then the flags (config.c) */
	cap_prog = agent ? "netcap agent" : "netcap capture";
	rc = agent ? nc_config_parse_agent(&conf, &cfg, argc, argv)
		   : nc_config_parse(&conf, &cfg, argc, argv);
	if (rc) {
		nc_config_free(&conf);
		if (rc == NC_CONFIG_HELP)
			usage(stdout, agent);
		return rc < 0 ? 0 : rc;
	}
	if (cfg.iface) {
		static struct nc_port_spec ports[NC_MAX_PORTS];
		cfg.port_spec = ports;
		if (nc_port_parse(cfg.iface, ports, NC_MAX_PORTS,
				  &cfg.nport_spec, err, sizeof(err)) != 0) {
			cap_err("%s", err);
			nc_config_free(&conf);
			return 2;
		}
		if (cfg.bare && cfg.rx_mode == NC_RX_RSS) {
			cap_err("--bare reads on the RX lcore: it needs "
				"--rx-mode dispatch or auto");
			nc_config_free(&conf);
			return 2;
		}
	}
	/* Vulnerability and Exploit records come from Software records: the
	   parsers that find software run even when Software is not selected */
	bool vuln = cfg.vuln_db && (cfg.want.on[NC_REC_VULNERABILITY] ||
				    cfg.want.on[NC_REC_EXPLOIT]);
	cfg.app_want = cfg.want;
	if (vuln)
		cfg.app_want.on[NC_REC_SOFTWARE] = true;
	cfg.apps = nc_app_wanted(&cfg.app_want);
	cfg.profiles = nc_profiles_wanted(&cfg.app_want);
	cfg.track_conns = cfg.want.on[NC_REC_CONNECTION] ||
			  cfg.want.on[NC_REC_FLOW] || cfg.streams_dir ||
			  cfg.apps || cfg.profiles;
	nc_profile_cfg_default(&cfg.prof);
	/* each worker gets its share, rounded up (stream buffer: down) */
	cfg.conn.max_conns =
	    (uint32_t)((cfg.max_connections + cfg.workers - 1) / cfg.workers);
	cfg.conn.max_streams =
	    (uint32_t)((cfg.max_streams + cfg.workers - 1) / cfg.workers);
	if (cfg.max_stream_buffer)
		cfg.reasm.pool_bytes = cfg.max_stream_buffer / cfg.workers;
	nc_app_cfg_default(&cfg.app);
	if (cfg.max_app_memory)
		cfg.app.memory_bytes = cfg.max_app_memory / cfg.workers;
	cfg.app.max_flows = cfg.conn.max_streams < cfg.conn.max_conns
				? cfg.conn.max_streams
				: cfg.conn.max_conns;
	if (!cfg.max_streams)
		cfg.app.max_flows = 0;

	e = calloc(1, sizeof(*e));
	ea = calloc(1, sizeof(*ea));
	if (!e || !ea) {
		cap_err("out of memory");
		free(e);
		free(ea);
		return 1;
	}
	e->cfg = &cfg;
	e->end_clock = INT64_MIN;
	e->metrics_fd = -1;
	e->nworkers = cfg.workers;
	e->nwriters = cfg.writers ? cfg.writers : 1;
	if (cfg.fingerprints) {
		if (nc_fpdb_load(&e->fpdb, cfg.fingerprints, err,
				 sizeof(err)) != 0) {
			cap_err("--fingerprints: %s", err);
			rc = 2;
			goto out_free;
		}
		cfg.prof.fingerprint = nc_fpdb_lookup;
		cfg.prof.fingerprint_arg = &e->fpdb;
	}
	if (vuln) {
		if (nc_vulndb_load(&e->vulndb, cfg.vuln_db, err, sizeof(err)) !=
		    0) {
			cap_err("--vuln-db: %s: %s", cfg.vuln_db, err);
			rc = 2;
			goto out_free;
		}
		cfg.prof.software_done = nc_vulndb_software;
		cfg.prof.software_arg = &e->vulndb;
	}
	if (cfg.indicators && cfg.want.on[NC_REC_ALERT]) {
		e->ind = nc_indicators_load(cfg.indicators, err, sizeof(err));
		if (!e->ind) {
			cap_err("--indicators: %s", err);
			rc = 2;
			goto out_free;
		}
	}
	if (cfg.attacks_tz && !lbl_zone_ok(cfg.attacks_tz)) {
		cap_err("--attacks-tz '%s': unknown time zone (not in the "
			"system's zoneinfo)",
			cfg.attacks_tz);
		rc = 2;
		goto out_free;
	}
	if (cfg.attacks) {
		e->lbl = malloc(sizeof(*e->lbl));
		if (!e->lbl ||
		    lbl_cap_load(e->lbl, cfg.attacks,
				 cfg.attacks_tz ? cfg.attacks_tz : "UTC",
				 cfg.label_description, cfg.label_collect, err,
				 sizeof(err)) != 0) {
			cap_err("--attacks: %s",
				e->lbl ? err : "out of memory");
			free(e->lbl);
			e->lbl = NULL;
			rc = 2;
			goto out_free;
		}
	}
	if (nc_file_hashes_parse(cfg.file_hashes, &cfg.app.file_hashes, err,
				 sizeof(err)) != 0) {
		cap_err("--file-hashes: %s", err);
		rc = 2;
		goto out_free;
	}
	if (cfg.files_dir) {
		/* stored files are named by their SHA-256 */
		cfg.app.file_hashes |= NC_FILE_SHA256;
		nc_files_sink_init(
		    &e->files, cfg.files_dir,
		    cfg.max_file_size ? cfg.max_file_size : 64ull << 20,
		    cfg.max_files_bytes ? cfg.max_files_bytes : 1ull << 30);
		cfg.app.file_sink = &e->files.ops;
	}
	if (cfg.streams_dir) {
		e->sink.dir = cfg.streams_dir;
		cfg.conn.stream_data = nc_streams_write;
		cfg.conn.stream_arg = &e->sink;
	}
	if (cfg.vendors) {
		/* checked whole before EAL: a bad database stops the capture */
		if (nc_oui_load_db(&e->oui, cfg.vendors, err, sizeof(err)) !=
		    0) {
			cap_err("--vendors: %s: %s", cfg.vendors, err);
			rc = 2;
			goto out_free;
		}
	} else if (cfg.want.on[NC_REC_DEVICEPROFILE]) {
		/* read while EAL starts; an unreadable file leaves the table
		   empty (DeviceManufacturer ""), it is not an error */
		nc_oui_load_start(&e->oui, NC_OUI_PATH);
	}
	if (cfg.want.on[NC_REC_DEVICEPROFILE]) {
		cfg.prof.vendor = nc_oui_vendor;
		cfg.prof.vendor_arg = &e->oui;
	}
	e->dec_cfg.want = cfg.want;
	e->dec_cfg.payload = cfg.payload;
	e->dec_cfg.entropy = cfg.entropy;
	if (nc_tunnels_parse(cfg.decode_tunnels ? cfg.tunnels : "none",
			     &e->dec_cfg.tunnels, err, sizeof(err)) != 0) {
		cap_err("--tunnels: %s", err);
		rc = 2;
		goto out_free;
	}

	if (cfg.metrics) {
		e->metrics_fd =
		    nc_metrics_listen(cfg.metrics, err, sizeof(err));
		if (e->metrics_fd < 0) {
			cap_err("%s", err);
			rc = 2;
			goto out_free;
		}
	}

	rc = 1;
	if (cfg.input) {
		if (nc_source_open(&e->src, cfg.input, err, sizeof(err)) != 0) {
			cap_err("%s", err);
			goto out_free;
		}
	} else {
		e->src.dlt = DLT_EN10MB;
		e->src.link = NC_LINK_ETHERNET;
	}
	/* filters: checked here, before anything is made (filter.c, xdp.c) */
	if (cfg.bpf && nc_filter_check(cfg.bpf, e->src.dlt, err, sizeof(err))) {
		cap_err("--bpf: %s", err);
		rc = 2;
		goto out_dirs;
	}
	if (cfg.xdp_filter) {
		char obj[PATH_MAX];
		rc = 2;
		if (!cfg.iface || cfg.nport_spec != 1) {
			cap_err("--xdp-filter needs an -i net_af_xdp port (one "
				"port)");
			goto out_dirs;
		}
		e->xdp = nc_xdp_new(cfg.xdp_filter, err, sizeof(err));
		if (!e->xdp ||
		    nc_xdp_devargs(cfg.iface, "", ea->vdev, sizeof(ea->vdev),
				   err, sizeof(err)) != 0) {
			cap_err("--xdp-filter: %s", err);
			goto out_dirs;
		}
		rc = 1;
		if (nc_xdp_obj_path(obj, sizeof(obj), err, sizeof(err)) != 0 ||
		    nc_xdp_devargs(cfg.iface, obj, ea->vdev, sizeof(ea->vdev),
				   err, sizeof(err)) != 0) {
			cap_err("--xdp-filter: %s", err);
			goto out_dirs;
		}
	}
	if (cfg.outdir && (make_dirs(cfg.outdir, made, &nmade) != 0 ||
			   probe_dir(cfg.outdir) != 0)) {
		cap_err("%s: cannot write there: %s", cfg.outdir,
			strerror(errno));
		goto out_dirs;
	}
	if (cfg.files_dir && (make_dirs(cfg.files_dir, made, &nmade) != 0 ||
			      probe_dir(cfg.files_dir) != 0)) {
		cap_err("--files: %s: cannot write there: %s", cfg.files_dir,
			strerror(errno));
		goto out_dirs;
	}
	if (cfg.streams_dir && (make_dirs(cfg.streams_dir, made, &nmade) != 0 ||
				probe_dir(cfg.streams_dir) != 0)) {
		cap_err("--streams: %s: cannot write there: %s",
			cfg.streams_dir, strerror(errno));
		goto out_dirs;
	}

	if (nc_stats_init(e, err, sizeof(err)) != 0) {
		cap_err("%s", err);
		goto out_dirs;
	}
	/* agent: connect before EAL, so a refused credential is one line
	   and exit 2 (libnats' threads keep the process's affinity) */
	if (agent) {
		e->pub = nc_pub_open(e, err, sizeof(err));
		if (!e->pub) {
			cap_err("%s", err);
			rc = 2;
			goto out_dirs;
		}
	}
	if (cfg.iface &&
	    nc_port_check_hugepages(&cfg, eal_mem_mb(&cfg), err, sizeof(err))) {
		cap_err("%s", err);
		goto out_dirs;
	}
	build_eal_args(ea, &cfg);
	FILE *log = tmpfile();
	if (log)
		rte_openlog_stream(log);
	if (rte_eal_init(ea->argc, ea->argv) < 0) {
		char line[512];
		last_log_line(log, line, sizeof(line));
		rte_openlog_stream(stderr);
		cap_err("DPDK EAL init failed: %s",
			line[0] ? line : rte_strerror(rte_errno));
		if (log)
			fclose(log);
		goto out_dirs;
	}
	rte_openlog_stream(stderr);
	if (log)
		fclose(log);

	nc_oui_wait(&e->oui); /* the workers look vendors up */
	if (engine_setup(e) != 0)
		goto out_eal;
	if (cfg.bpf) {
		e->filter =
		    nc_filter_new(cfg.bpf, e->src.dlt, err, sizeof(err));
		if (!e->filter) {
			cap_err("--bpf: %s", err);
			goto out_eal;
		}
	}
	if (cfg.iface && nc_port_setup(e, err, sizeof(err)) != 0) {
		cap_err("%s", err);
		goto out_eal;
	}
	if (e->xdp && nc_xdp_install(e->xdp, cfg.iface, err, sizeof(err))) {
		cap_err("%s", err);
		goto out_eal;
	}
	e->created = realtime_ns();
	e->eal_mb = eal_mem_mb(&cfg);
	rc = nc_control_run(e);
	if (e->files.errors) {
		cap_err("--files: %llu objects could not be stored in %s",
			(unsigned long long)e->files.errors, cfg.files_dir);
		if (rc == 0)
			rc = 1;
	}
	if (e->sink.errors) {
		cap_err("--streams: %llu writes to %s failed",
			(unsigned long long)e->sink.errors, cfg.streams_dir);
		if (rc == 0)
			rc = 1;
	}
	if (rc == 0 && e->pub) {
		struct nc_pub_counts pc;
		nc_pub_counts(e->pub, &pc);
		if (pc.dropped)
			rc = 1; /* records were lost (counted, said) */
	}
	struct nc_wr ws;
	nc_wr_sum(e, &ws);
	if (rc != 0 && ws.nfiles == 0)
		remove_made_dirs(made, nmade);
	nc_port_teardown(e);
	engine_teardown(e);
	nc_filter_free(e->filter);
	nc_xdp_free(e->xdp);
	nc_oui_free(&e->oui);
	rte_eal_cleanup();
	nc_source_close(&e->src);
	nc_fpdb_free(&e->fpdb);
	nc_vulndb_free(&e->vulndb);
	nc_indicators_free(e->ind);
	if (e->lbl)
		lbl_cap_free(e->lbl);
	free(e->lbl);
	nc_stats_free(e);
	nc_pub_close(e->pub);
	free(e);
	free(ea);
	nc_config_free(&conf);
	return rc;

out_eal:
	nc_port_teardown(e);
	engine_teardown(e);
	nc_filter_free(e->filter);
	rte_eal_cleanup();
out_dirs:
	remove_made_dirs(made, nmade);
	nc_source_close(&e->src);
out_free:
	nc_xdp_free(e->xdp);
	nc_oui_free(&e->oui); /* safe when not loaded or freed */
	nc_fpdb_free(&e->fpdb);
	nc_vulndb_free(&e->vulndb);
	nc_indicators_free(e->ind);
	if (e->lbl)
		lbl_cap_free(e->lbl);
	free(e->lbl);
	nc_stats_free(e);
	nc_pub_close(e->pub);
	if (e->metrics_fd >= 0)
		close(e->metrics_fd);
	free(e);
	free(ea);
	nc_config_free(&conf);
	return rc;
}

int nc_cmd_capture(int argc, char **argv)
{
	return capture_main(argc, argv, false);
}

int nc_cmd_agent(int argc, char **argv)
{
	return capture_main(argc, argv, true);
}
