/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture.c: `netcap capture`: flags, validation, EAL arguments, setup and
 * teardown of the engine (engine.h walks the roles).
 *
 * Everything a user can get wrong is checked before EAL starts: flags (exit
 * 2), the input file and the output directory (exit 1). Each failure is one
 * line on stderr, "netcap capture: <what>", and leaves no output behind (a
 * directory created for the run is removed again).
 *
 * EAL runs without hugepages, PCI or shared files (--no-huge --no-pci
 * --no-shconf), so concurrent runs never collide, with memory sized from the
 * pools (-m) and the lcores main, RX, workers and writer floating over the
 * CPUs this process may use (--lcores '(0-K)@(cpus)'). Arguments after `--`
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
#include "engine.h"

#define MAX_MADE_DIRS 32

static void cap_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cap_err(const char *fmt, ...)
{
	va_list ap;

	fputs("netcap capture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap capture -r FILE|-i PORT -o DIR [options] [-- EAL "
	    "args]\n"
	    "\n"
	    "Read a capture file (pcap or pcapng) or a DPDK port and write "
	    "one\n"
	    "record file per record type, DIR/<Type>.ncap.lz4, then print a\n"
	    "summary.\n"
	    "\n"
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
	    "      --fingerprints FILE  known JA3/JA3S/JA4/HASSH values\n"
	    "                        (JSON, e.g. config/fingerprints.json):\n"
	    "                        a match adds a Software record\n"
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
	    "      --telemetry, --no-telemetry  DPDK telemetry socket\n"
	    "                        (default: on for -i)\n"
	    "      --config FILE     settings as JSON (config/netcap.json);\n"
	    "                        flags override them\n"
	    "      --print-config    print the effective settings and exit\n"
	    "  -q, --quiet           no progress line\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Arguments after -- are appended to the DPDK EAL arguments.\n",
	    NC_MAX_WORKERS, NC_DEFAULT_MAX_CONNS,
	    (unsigned long long)(NC_REASM_DEF_POOL_BYTES >> 20),
	    (unsigned long long)(NC_APP_DEF_MEMORY >> 20));
}

static int usage_err(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("netcap capture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try 'netcap capture --help')\n", stderr);
	return 2;
}

static void rec_names_list(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned t = 0; t < NC_REC_MAX && off < len; t++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					t ? ", " : "", nc_rec_name(t));
}

static int parse_types(const char *flag, const char *list,
		       struct nc_recset *set)
{
	char bad[64], names[2048];

	if (nc_recset_parse(set, list, bad, sizeof(bad)) == 0)
		return 0;
	rec_names_list(names, sizeof(names));
	fprintf(stderr,
		"netcap capture: %s: unknown record type '%s' (valid: %s)\n",
		flag, bad, names);
	return -1;
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
	snprintf(a->lcores, sizeof(a->lcores), "(0-%u)@(%s)", c->workers + 2,
		 cpus);

	a->argc = 0;
	a->argv[a->argc++] = "netcap";
	if (!huge)
		a->argv[a->argc++] = "--no-huge";
	a->argv[a->argc++] = "-m";
	a->argv[a->argc++] = a->mem;
	if (!huge)
		a->argv[a->argc++] = "--no-pci";
	a->argv[a->argc++] = huge ? "--in-memory" : "--no-shconf";
	a->argv[a->argc++] = "--no-telemetry";
	a->argv[a->argc++] = "--log-level=lib.eal:error";
	a->argv[a->argc++] = "--lcores";
	a->argv[a->argc++] = a->lcores;
	for (unsigned i = 0; i < c->nport_spec; i++) {
		a->argv[a->argc++] = c->port_spec[i].pci ? "-a" : "--vdev";
		a->argv[a->argc++] = c->port_spec[i].arg;
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
	if (nids < nw + 2) {
		cap_err("EAL gave %u lcores besides the main one; %u workers "
			"need %u (RX, workers, writer)",
			nids, nw, nw + 2);
		return -1;
	}
	e->lcore_rx = ids[0];
	for (unsigned w = 0; w < nw; w++)
		e->lcore_worker[w] = ids[1 + w];
	e->lcore_writer = ids[1 + nw];

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
	e->writer_ring =
	    rte_ring_create("nc_writer", rte_align32pow2(batch_count(nw) + 256),
			    SOCKET_ID_ANY, RING_F_SC_DEQ);
	e->workers = rte_zmalloc("nc_workers", sizeof(*e->workers) * nw,
				 RTE_CACHE_LINE_SIZE);
	if ((!e->mbuf_pool && !e->cfg->iface) || !e->batch_pool ||
	    !e->writer_ring || !e->workers) {
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
		if (!k->ring || !k->linbuf) {
			cap_err("cannot allocate worker %u: %s", w,
				rte_strerror(rte_errno));
			return -1;
		}
		nc_worker_setup(k);
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
			k->prof = nc_profiles_new(&e->cfg->prof, &e->cfg->want);
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
			    nc_apptab_new(&e->cfg->app, &e->cfg->want);
			if (!k->dec.apps) {
				cap_err("cannot allocate the application "
					"parser table of worker %u: %s",
					w, strerror(errno));
				return -1;
			}
		}
	}
	e->rx.eng = e;
	e->wr.eng = e;
	return 0;
}

static void engine_teardown(struct nc_engine *e)
{
	if (e->workers) {
		for (unsigned w = 0; w < e->nworkers; w++) {
			rte_ring_free(e->workers[w].ring);
			free(e->workers[w].linbuf);
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
	rte_ring_free(e->writer_ring);
	rte_mempool_free(e->batch_pool);
	rte_mempool_free(e->mbuf_pool);
}

static unsigned default_workers(void)
{
	cpu_set_t set;
	unsigned n = allowed_cpus(&set);
	n = n > 1 ? n - 1 : 1;
	return n > NC_MAX_WORKERS ? NC_MAX_WORKERS : n;
}

static const char *const timeout_names[NC_CT_MAX] = {
    [NC_CT_TCP_HANDSHAKE] = "tcp_handshake",
    [NC_CT_TCP_ESTABLISHED] = "tcp_established",
    [NC_CT_TCP_CLOSED] = "tcp_closed",
    [NC_CT_UDP] = "udp",
    [NC_CT_ICMP] = "icmp",
    [NC_CT_OTHER] = "other",
};

/* "udp=30,tcp_established=600" into cfg->timeout_ns; 0 or -1 (printed). */
static int parse_timeouts(const char *list, struct nc_conn_cfg *cfg)
{
	char item[64];

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, p, n);
		item[n] = '\0';
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
		char *eq = strchr(item, '=');
		int k = -1;
		if (eq) {
			*eq = '\0';
			for (int i = 0; i < NC_CT_MAX; i++)
				if (!strcmp(item, timeout_names[i]))
					k = i;
		}
		char *end = NULL;
		double sec = eq ? strtod(eq + 1, &end) : -1;
		if (k < 0 || !end || end == eq + 1 || *end || !(sec > 0) ||
		    sec > 1e6) {
			usage_err("--timeout: '%s' is not STATE=SECONDS with "
				  "STATE one of tcp_handshake, "
				  "tcp_established, tcp_closed, udp, icmp, "
				  "other and 0 < SECONDS <= 1000000",
				  eq ? (*eq = '=', item) : item);
			return -1;
		}
		cfg->timeout_ns[k] = (int64_t)(sec * 1e9);
	}
	return 0;
}

enum {
	OPT_INCLUDE = 256,
	OPT_EXCLUDE,
	OPT_PAYLOAD,
	OPT_ENTROPY,
	OPT_NO_COMPRESS,
	OPT_DURATION,
	OPT_BARE,
	OPT_MAX_CONNS,
	OPT_TIMEOUT,
	OPT_NO_DEFRAG,
	OPT_STREAMS,
	OPT_MAX_STREAMS,
	OPT_MAX_STREAM_BUFFER,
	OPT_MAX_APP_MEMORY,
	OPT_FILES,
	OPT_MAX_FILE_SIZE,
	OPT_MAX_FILES_BYTES,
	OPT_FINGERPRINTS,
	OPT_RX_MODE,
	OPT_RX_DESC,
	OPT_MTU,
	OPT_MBUFS,
	OPT_LINK_WAIT,
	OPT_RSS_FIELDS,
	OPT_BPF,
	OPT_XDP_FILTER,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_INTERVAL,
	OPT_MIN_FREE_DISK,
	OPT_STATS_FILE,
	OPT_STATS_INTERVAL,
	OPT_TELEMETRY,
	OPT_NO_TELEMETRY,
	OPT_CONFIG,
	OPT_PRINT_CONFIG
};

static const struct option long_opts[] = {
    {"read", required_argument, NULL, 'r'},
    {"interface", required_argument, NULL, 'i'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"bare", no_argument, NULL, OPT_BARE},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"no-defrag", no_argument, NULL, OPT_NO_DEFRAG},
    {"streams", required_argument, NULL, OPT_STREAMS},
    {"max-streams", required_argument, NULL, OPT_MAX_STREAMS},
    {"max-stream-buffer", required_argument, NULL, OPT_MAX_STREAM_BUFFER},
    {"max-app-memory", required_argument, NULL, OPT_MAX_APP_MEMORY},
    {"files", required_argument, NULL, OPT_FILES},
    {"fingerprints", required_argument, NULL, OPT_FINGERPRINTS},
    {"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
    {"max-files-bytes", required_argument, NULL, OPT_MAX_FILES_BYTES},
    {"out", required_argument, NULL, 'o'},
    {"workers", required_argument, NULL, 'w'},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"payload", no_argument, NULL, OPT_PAYLOAD},
    {"entropy", no_argument, NULL, OPT_ENTROPY},
    {"no-compress", no_argument, NULL, OPT_NO_COMPRESS},
    {"rx-mode", required_argument, NULL, OPT_RX_MODE},
    {"rx-desc", required_argument, NULL, OPT_RX_DESC},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"mbufs", required_argument, NULL, OPT_MBUFS},
    {"link-wait", required_argument, NULL, OPT_LINK_WAIT},
    {"rss-fields", required_argument, NULL, OPT_RSS_FIELDS},
    {"bpf", required_argument, NULL, OPT_BPF},
    {"xdp-filter", required_argument, NULL, OPT_XDP_FILTER},
    {"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
    {"rotate-interval", required_argument, NULL, OPT_ROTATE_INTERVAL},
    {"min-free-disk", required_argument, NULL, OPT_MIN_FREE_DISK},
    {"stats-file", required_argument, NULL, OPT_STATS_FILE},
    {"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
    {"telemetry", no_argument, NULL, OPT_TELEMETRY},
    {"no-telemetry", no_argument, NULL, OPT_NO_TELEMETRY},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define NC_MIN_STREAM_BUFFER (64u << 10)  /* per worker */
#define NC_MAX_STREAM_BUFFER (1ull << 40) /* all workers */

/* "64M" into *v: decimal digits and an optional K, M, G or T (powers of
 * 1024); false when it is not that or overflows. */
static bool parse_bytes(const char *s, uint64_t *v)
{
	char *end;
	unsigned shift = 0;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	default:
		return false;
	}
	if (shift && end[1] != '\0')
		return false;
	if (n > (UINT64_MAX >> shift))
		return false;
	*v = (uint64_t)n << shift;
	return true;
}

/* A whole decimal number in [lo, hi]; false otherwise. */
static bool parse_uint(const char *s, unsigned long long lo,
		       unsigned long long hi, unsigned long long *v)
{
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return false;
	*v = n;
	return true;
}

/* Seconds in [lo, hi] (decimals allowed); false otherwise. */
static bool parse_seconds(const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || !(d >= lo) || !(d <= hi))
		return false;
	*v = d;
	return true;
}

/* Flags into cfg; 0, 2 on a usage error, or -1 for --help. */
static int parse_flags(int argc, char **argv, struct nc_capture_cfg *cfg)
{
	const char *include = NULL, *exclude = NULL;
	int nargs = argc, c;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			nargs = i;
			cfg->eal_argc = argc - i - 1;
			cfg->eal_argv = argv + i + 1;
			break;
		}
	}
	if (cfg->eal_argc > 64)
		return usage_err(
		    "too many EAL arguments after -- (at most 64)");

	optind = 0; /* full reset of GNU getopt */
	opterr = 0;
	while ((c = getopt_long(nargs, argv, ":r:i:o:w:qh", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
			cfg->input = optarg;
			break;
		case 'i':
			cfg->iface = optarg;
			break;
		case 'o':
			cfg->outdir = optarg;
			break;
		case OPT_DURATION: {
			char *end;
			errno = 0;
			double d = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(d > 0))
				return usage_err("--duration: '%s' is not a "
						 "positive number of seconds",
						 optarg);
			cfg->duration = d;
			break;
		}
		case OPT_BARE:
			cfg->bare = true;
			break;
		case OPT_MAX_CONNS: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    optarg[0] == '-' || n < 1 || n > NC_MAX_CONNS)
				return usage_err("--max-connections: '%s' is "
						 "not a number from 1 to %u",
						 optarg, NC_MAX_CONNS);
			cfg->max_connections = n;
			break;
		}
		case OPT_NO_DEFRAG:
			cfg->defrag = false;
			break;
		case OPT_FILES:
			if (!optarg[0])
				return usage_err("--files: empty directory");
			cfg->files_dir = optarg;
			break;
		case OPT_FINGERPRINTS:
			if (!optarg[0])
				return usage_err("--fingerprints: empty file "
						 "name");
			cfg->fingerprints = optarg;
			break;
		case OPT_MAX_FILE_SIZE:
		case OPT_MAX_FILES_BYTES: {
			uint64_t b;
			const char *name = c == OPT_MAX_FILE_SIZE
					       ? "--max-file-size"
					       : "--max-files-bytes";
			if (!parse_bytes(optarg, &b) || b == 0 ||
			    b > NC_MAX_STREAM_BUFFER)
				return usage_err(
				    "%s: '%s' is not a size from 1 to 1T "
				    "(digits with an optional K, M, G or T "
				    "suffix)",
				    name, optarg);
			if (c == OPT_MAX_FILE_SIZE)
				cfg->max_file_size = b;
			else
				cfg->max_files_bytes = b;
			break;
		}
		case OPT_STREAMS:
			if (!optarg[0])
				return usage_err("--streams: empty directory");
			cfg->streams_dir = optarg;
			break;
		case OPT_MAX_STREAMS: {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    optarg[0] == '-' || n > NC_MAX_CONNS)
				return usage_err("--max-streams: '%s' is not a "
						 "number from 0 to %u",
						 optarg, NC_MAX_CONNS);
			cfg->max_streams = n;
			break;
		}
		case OPT_MAX_STREAM_BUFFER: {
			uint64_t b;
			if (!parse_bytes(optarg, &b) || b == 0 ||
			    b > NC_MAX_STREAM_BUFFER)
				return usage_err(
				    "--max-stream-buffer: '%s' is not a size "
				    "from 1 to 1T (digits with an optional K, "
				    "M, G or T suffix)",
				    optarg);
			cfg->max_stream_buffer = b;
			break;
		}
		case OPT_MAX_APP_MEMORY: {
			uint64_t b;
			if (!parse_bytes(optarg, &b) || b == 0 ||
			    b > NC_MAX_STREAM_BUFFER)
				return usage_err(
				    "--max-app-memory: '%s' is not a size "
				    "from 1 to 1T (digits with an optional K, "
				    "M, G or T suffix)",
				    optarg);
			cfg->max_app_memory = b;
			break;
		}
		case OPT_TIMEOUT:
			if (parse_timeouts(optarg, &cfg->conn) != 0)
				return 2;
			break;
		case 'w': {
			char *end;
			errno = 0;
			unsigned long n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end ||
			    optarg[0] == '-' || n < 1 || n > NC_MAX_WORKERS)
				return usage_err("--workers: '%s' is not a "
						 "number from 1 to %d",
						 optarg, NC_MAX_WORKERS);
			cfg->workers = (unsigned)n;
			break;
		}
		case OPT_INCLUDE:
			include = optarg;
			break;
		case OPT_EXCLUDE:
			exclude = optarg;
			break;
		case OPT_PAYLOAD:
			cfg->payload = true;
			break;
		case OPT_ENTROPY:
			cfg->entropy = true;
			break;
		case OPT_NO_COMPRESS:
			cfg->compress = false;
			break;
		case OPT_RX_MODE:
			if (!strcmp(optarg, "auto"))
				cfg->rx_mode = NC_RX_AUTO;
			else if (!strcmp(optarg, "rss"))
				cfg->rx_mode = NC_RX_RSS;
			else if (!strcmp(optarg, "dispatch"))
				cfg->rx_mode = NC_RX_DISPATCH;
			else
				return usage_err("--rx-mode: '%s' is not auto, "
						 "rss or dispatch",
						 optarg);
			break;
		case OPT_RX_DESC:
		case OPT_MTU:
		case OPT_MBUFS: {
			static const struct {
				const char *name;
				unsigned long long lo, hi;
			} lim[] = {{"--rx-desc", 64, 32768},
				   {"--mtu", 68, 9000},
				   {"--mbufs", 1024, 16777215}};
			unsigned k = c == OPT_RX_DESC ? 0
				     : c == OPT_MTU   ? 1
						      : 2;
			unsigned long long n;
			if (!parse_uint(optarg, lim[k].lo, lim[k].hi, &n))
				return usage_err("%s: '%s' is not a number "
						 "from %llu to %llu",
						 lim[k].name, optarg, lim[k].lo,
						 lim[k].hi);
			if (k == 0)
				cfg->rx_desc = (unsigned)n;
			else if (k == 1)
				cfg->mtu = (unsigned)n;
			else
				cfg->mbufs = (unsigned)n;
			break;
		}
		case OPT_LINK_WAIT:
			if (!parse_seconds(optarg, 0, 3600, &cfg->link_wait))
				return usage_err("--link-wait: '%s' is not a "
						 "number of seconds from 0 to "
						 "3600",
						 optarg);
			break;
		case OPT_RSS_FIELDS:
			if (!strcmp(optarg, "ip"))
				cfg->rss_l4 = false;
			else if (!strcmp(optarg, "ip,l4"))
				cfg->rss_l4 = true;
			else
				return usage_err("--rss-fields: '%s' is not ip "
						 "or ip,l4",
						 optarg);
			break;
		case OPT_BPF:
			if (!optarg[0])
				return usage_err("--bpf: empty filter");
			cfg->bpf = optarg;
			break;
		case OPT_XDP_FILTER:
			if (!optarg[0])
				return usage_err("--xdp-filter: empty rules");
			cfg->xdp_filter = optarg;
			break;
		case OPT_ROTATE_SIZE:
		case OPT_MIN_FREE_DISK: {
			uint64_t b;
			const char *name = c == OPT_ROTATE_SIZE
					       ? "--rotate-size"
					       : "--min-free-disk";
			if (!parse_bytes(optarg, &b) ||
			    b > NC_MAX_STREAM_BUFFER ||
			    (c == OPT_ROTATE_SIZE && b && b < 4096))
				return usage_err(
				    "%s: '%s' is not a size from %s to 1T "
				    "(digits with an optional K, M, G or T "
				    "suffix)",
				    name, optarg,
				    c == OPT_ROTATE_SIZE ? "4K (or 0: off)"
							 : "0");
			if (c == OPT_ROTATE_SIZE)
				cfg->rotate_size = b;
			else
				cfg->min_free_disk = b;
			break;
		}
		case OPT_ROTATE_INTERVAL:
			if (!parse_seconds(optarg, 0, 31622400,
					   &cfg->rotate_interval) ||
			    (cfg->rotate_interval > 0 &&
			     cfg->rotate_interval < 1))
				return usage_err("--rotate-interval: '%s' is "
						 "not a number of seconds "
						 "from 1 to 31622400 (or 0: "
						 "off)",
						 optarg);
			break;
		case OPT_STATS_FILE:
			if (!optarg[0])
				return usage_err("--stats-file: empty file "
						 "name");
			cfg->stats_file = optarg;
			break;
		case OPT_STATS_INTERVAL:
			if (!parse_seconds(optarg, 0.1, 3600,
					   &cfg->stats_interval))
				return usage_err("--stats-interval: '%s' is "
						 "not a number of seconds "
						 "from 0.1 to 3600",
						 optarg);
			break;
		case OPT_TELEMETRY:
			cfg->telemetry = 1;
			break;
		case OPT_NO_TELEMETRY:
			cfg->telemetry = 0;
			break;
		case OPT_CONFIG:
			if (!optarg[0])
				return usage_err("--config: empty file name");
			cfg->config_file = optarg;
			break;
		case OPT_PRINT_CONFIG:
			cfg->print_config = true;
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case ':':
			return usage_err("option '%s' needs a value",
					 argv[optind - 1]);
		default:
			if (optopt)
				return usage_err("unknown option '-%c'",
						 optopt);
			return usage_err("unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < nargs)
		return usage_err("unexpected argument '%s'", argv[optind]);
	if (!cfg->input && !cfg->iface)
		return usage_err("missing -r FILE or -i PORT (what to read)");
	if (cfg->input && cfg->iface)
		return usage_err("-r and -i exclude each other");
	if (cfg->bare && !cfg->iface)
		return usage_err("--bare needs -i PORT");
	if (!cfg->outdir)
		return usage_err("missing -o DIR (where record files go)");
	if (cfg->max_streams == UINT64_MAX)
		cfg->max_streams = cfg->max_connections;
	if (cfg->streams_dir && cfg->max_streams == 0)
		return usage_err("--streams needs stream reassembly "
				 "(--max-streams is 0)");
	if (cfg->max_stream_buffer &&
	    cfg->max_stream_buffer / cfg->workers < NC_MIN_STREAM_BUFFER)
		return usage_err("--max-stream-buffer: %llu bytes is less than "
				 "%u KiB per worker for %u workers",
				 (unsigned long long)cfg->max_stream_buffer,
				 NC_MIN_STREAM_BUFFER >> 10, cfg->workers);

	if (include) {
		memset(&cfg->want, 0, sizeof(cfg->want));
		if (parse_types("--include", include, &cfg->want))
			return 2;
	} else {
		for (unsigned t = 0; t < NC_REC_MAX; t++)
			cfg->want.on[t] = true;
	}
	if (exclude) {
		struct nc_recset ex = {0};
		if (parse_types("--exclude", exclude, &ex))
			return 2;
		for (unsigned t = 0; t < NC_REC_MAX; t++)
			if (ex.on[t])
				cfg->want.on[t] = false;
	}
	return 0;
}

int nc_cmd_capture(int argc, char **argv)
{
	struct nc_capture_cfg cfg = {.compress = true};
	static char made[MAX_MADE_DIRS][PATH_MAX];
	unsigned nmade = 0;
	struct nc_engine *e;
	struct eal_args *ea;
	char err[PCAP_ERRBUF_SIZE + PATH_MAX];
	int rc;

	cfg.workers = default_workers();
	cfg.rx_desc = 1024;
	cfg.link_wait = 10;
	cfg.min_free_disk = 64ull << 20;
	cfg.stats_interval = 1;
	cfg.telemetry = -1;
	cfg.max_connections = NC_DEFAULT_MAX_CONNS;
	cfg.max_streams = UINT64_MAX; /* as --max-connections */
	nc_reasm_cfg_default(&cfg.reasm);
	cfg.defrag = true;
	cfg.defrag_cfg = nc_defrag_cfg_default();
	nc_conn_cfg_default(&cfg.conn);
	rc = parse_flags(argc, argv, &cfg);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (cfg.iface) {
		static struct nc_port_spec ports[NC_MAX_PORTS];
		cfg.port_spec = ports;
		if (nc_port_parse(cfg.iface, ports, NC_MAX_PORTS,
				  &cfg.nport_spec, err, sizeof(err)) != 0) {
			cap_err("%s", err);
			return 2;
		}
		if (cfg.bare && cfg.rx_mode == NC_RX_RSS)
			return usage_err("--bare reads on the RX lcore: it "
					 "needs --rx-mode dispatch or auto");
	}
	cfg.apps = nc_app_wanted(&cfg.want);
	cfg.profiles = nc_profiles_wanted(&cfg.want);
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
	e->nworkers = cfg.workers;
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
	if (cfg.files_dir) {
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
	if (cfg.want.on[NC_REC_DEVICEPROFILE] &&
	    nc_oui_load(&e->oui, NC_OUI_PATH) == 0) {
		cfg.prof.vendor = nc_oui_vendor;
		cfg.prof.vendor_arg = &e->oui;
	}
	e->dec_cfg.want = cfg.want;
	e->dec_cfg.payload = cfg.payload;
	e->dec_cfg.entropy = cfg.entropy;

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
	if (make_dirs(cfg.outdir, made, &nmade) != 0 ||
	    probe_dir(cfg.outdir) != 0) {
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

	if (engine_setup(e) != 0)
		goto out_eal;
	if (cfg.iface && nc_port_setup(e, err, sizeof(err)) != 0) {
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
	if (rc != 0 && e->wr.nfiles == 0)
		remove_made_dirs(made, nmade);
	nc_port_teardown(e);
	engine_teardown(e);
	nc_oui_free(&e->oui);
	rte_eal_cleanup();
	nc_source_close(&e->src);
	nc_fpdb_free(&e->fpdb);
	free(e);
	free(ea);
	return rc;

out_eal:
	nc_port_teardown(e);
	engine_teardown(e);
	rte_eal_cleanup();
out_dirs:
	remove_made_dirs(made, nmade);
	nc_source_close(&e->src);
out_free:
	nc_oui_free(&e->oui); /* safe when not loaded or freed */
	nc_fpdb_free(&e->fpdb);
	free(e);
	free(ea);
	return rc;
}
