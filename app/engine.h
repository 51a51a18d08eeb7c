/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * engine.h: the capture engine's shared structs, one per lcore role.
 *
 *   source_pcap.c  capture file reader (libpcap)
 *   rx.c           RX lcore: file -> mbufs, symmetric hash, one SPSC ring
 *                  per worker
 *   rx_port.c      DPDK ports (-i): set-up, the RX lcore (dispatch mode)
 *                  and the workers' own receive (rss mode)
 *   worker.c       worker lcores: decode, pack records into per-type batches
 *   writer.c       writer lcores (--writers): batches -> <Type>.ncap.lz4
 *                  files, each record type owned by one writer
 *   control.c      main lcore: launch, progress line, signals, summary
 *   stats.c        counters while running: status line, --stats-file,
 *                  DPDK telemetry
 *   config.c       the option table: flags and --config JSON, --cpus
 *   filter.c       --bpf: libpcap expression run as DPDK BPF per burst
 *   xdp.c          --xdp-filter: rules into netcap's XDP program's maps
 *   capture.c      validation, EAL arguments, setup and teardown
 *   streams.c      --streams: reassembled TCP payload into files
 *
 * Ownership: each role writes only its own struct; the main lcore reads
 * the few progress counters (rx packets, bytes, file position) with relaxed
 * atomic loads while running, everything else after rte_eal_mp_wait_lcore().
 * Configuration (struct nc_capture_cfg, struct nc_dec_cfg) is read-only once
 * the roles are launched.
 */
#ifndef NC_ENGINE_H
#define NC_ENGINE_H

#include <limits.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_pause.h>

#include "applayer.h"
#include "conn.h"
#include "defrag.h"
#include "files.h"
#include "indicators.h"
#include "label.h"
#include "profile.h"
#include "vulndb.h"
#include "decode.h"
#include "ncfile.h"
#include "reasm.h"
#include "rec.h"
#include "traffic.h"
#include "xdp.h"

#define NC_BURST	    32		/* packets per ring burst */
#define NC_WORKER_RING	    1024	/* packets per worker ring */
#define NC_MBUF_CACHE	    128		/* mempool per-lcore cache */
#define NC_BATCH_CAP	    (64 * 1024) /* bytes of records per batch */
#define NC_BATCH_MAX_AGE_MS 1000	/* a worker flushes older batches */
/* Every NC_EXPIRE_EVERY packets of its own a worker times out at most
   NC_EXPIRE_PER_BURST connections: counted in packets, not ring bursts, so
   the records and counters do not depend on how the rings were filled. */
#define NC_EXPIRE_EVERY	     NC_BURST
#define NC_EXPIRE_PER_BURST  64
#define NC_MAX_WORKERS	     64
#define NC_MAX_PORTS	     8
#define NC_MAX_WRITERS	     16
#define NC_DEFAULT_MAX_CONNS 1000000u /* all workers together */
#define NC_MAX_CONNS	     1000000000u
#define NC_MAX_FRAME	     262144 /* longest frame kept (libpcap's max) */

/* Per-mbuf metadata, in a registered dynfield. */
struct nc_pkt_meta {
	int64_t ts;	  /* ns since the epoch, from the capture */
	uint32_t wirelen; /* length on the wire */
	int32_t link;	  /* LINKTYPE_ value */
};

/*
 * A batch of delimited records of one type. From the fixed batch mempool,
 * or (heap = 1) malloc'd for a single record larger than NC_BATCH_CAP.
 */
struct nc_pub;

struct nc_batch {
	uint32_t type; /* enum nc_rec */
	uint32_t len;  /* bytes used in data */
	uint32_t cap;  /* bytes available in data */
	uint32_t heap;
	uint8_t data[];
};

/* How a port's packets reach the workers. */
enum nc_rx_mode {
	NC_RX_AUTO,	/* rss when the port can give every worker a queue */
	NC_RX_RSS,	/* one RX queue per worker, polled by the worker */
	NC_RX_DISPATCH, /* one RX lcore hashes into per-worker rings */
};

/* Validated flags of `netcap capture`. */
struct nc_capture_cfg {
	const char *input; /* -r FILE, or NULL */
	const char *iface; /* -i PORT (a vdev spec), or NULL */
	const char *outdir;
	double duration; /* --duration: stop after this many seconds */
	bool bare;	 /* --bare: RX receives and frees (benchmark) */
	unsigned workers;
	unsigned writers; /* --writers: writer lcores (default 1) */
	struct nc_recset want;
	/* what the application parsers run for: want, plus Software when
	   --vuln-db makes Vulnerability/Exploit records from it */
	struct nc_recset app_want;
	bool payload;
	bool entropy;
	bool compress;
	bool quiet;
	/* connection tracking: on when Connection or Flow is selected, or
	   with --streams */
	bool track_conns;
	uint64_t max_connections; /* all workers together */
	struct nc_conn_cfg conn;  /* max_conns, max_streams: one worker's
				     share */
	/* TCP stream reassembly (with connection tracking) */
	const char *streams_dir;	 /* --streams DIR, or NULL */
	uint64_t max_streams;		 /* all workers; 0: no reassembly */
	uint64_t max_stream_buffer;	 /* all workers, bytes; 0: default */
	struct nc_reasm_cfg reasm;	 /* pool_bytes: one worker's share */
	bool apps;			 /* an application record type is on */
	const char *files_dir;		 /* --files DIR, or NULL */
	const char *file_hashes;	 /* --file-hashes LIST, or NULL: md5 */
	const char *fingerprints;	 /* --fingerprints FILE, or NULL */
	const char *vuln_db;		 /* --vuln-db FILE, or NULL */
	const char *vendors;		 /* --vendors FILE, or NULL */
	const char *indicators;		 /* --indicators FILE[,FILE], or NULL */
	const char *attacks;		 /* --attacks FILE[,FILE], or NULL */
	const char *attacks_tz;		 /* --attacks-tz ZONE (CSV lists) */
	bool label_description;		 /* --label-description */
	bool label_collect;		 /* --label-collect */
	uint64_t max_file_size;		 /* --max-file-size */
	uint64_t max_files_bytes;	 /* --max-files-bytes */
	uint64_t max_app_memory;	 /* all workers, bytes; 0: default */
	struct nc_app_cfg app;		 /* per worker */
	bool profiles;			 /* Software/Service/profiles on */
	struct nc_profile_cfg prof;	 /* per worker */
	bool defrag;			 /* IP defragmentation (default on) */
	const char *tunnels;		 /* --tunnels LIST, or NULL: all */
	bool decode_tunnels;		 /* false: --no-tunnels */
	struct nc_defrag_cfg defrag_cfg; /* per worker */
	int eal_argc;			 /* user EAL args (after --) */
	char **eal_argv;

	/* live ports (-i PORT[,PORT...]): rx_port.c */
	enum nc_rx_mode rx_mode; /* --rx-mode */
	unsigned rx_desc;	 /* --rx-desc: descriptors per RX queue */
	unsigned mtu;		 /* --mtu: 0 = the port's default */
	unsigned mbufs;		 /* --mbufs: packet pool size, 0 = sized */
	double link_wait;	 /* --link-wait: seconds for link up */
	bool rss_l4;		 /* --rss-fields ip,l4: hash ports too */
	const char *bpf;	 /* --bpf EXPR: capture filter, or NULL */
	const char *xdp_filter;	 /* --xdp-filter RULES (AF_XDP), or NULL */
	/* -i split into ports (nc_port_parse, before EAL) */
	struct nc_port_spec *port_spec;
	unsigned nport_spec;

	/* output for weeks: writer.c */
	uint64_t rotate_size;	/* --rotate-size: bytes per file, 0 off */
	double rotate_interval; /* --rotate-interval: seconds, 0 off */
	uint64_t min_free_disk; /* --min-free-disk: bytes kept free */

	/* counters: control.c */
	const char *stats_file; /* --stats-file: JSON lines, or NULL */
	const char *metrics;	/* --metrics ADDR:PORT, or NULL */
	double metrics_linger;	/* --metrics-linger: seconds served at the
				   end */
	double stats_interval;	/* --stats-interval: seconds */
	int telemetry;		/* --telemetry/--no-telemetry, -1 default */

	/* netcap agent (agent.c, natsconn.h): the writer publishes */
	bool agent;
	const char *nats_servers; /* --nats URL[,URL...] */
	const char *sensor;	  /* --sensor NAME (default: host) */
	const char *spool_dir;	  /* --spool DIR */
	uint64_t spool_max;	  /* --spool-max BYTES */
	unsigned spool_policy;	  /* 0 drop-oldest, 1 drop-newest */
	unsigned max_inflight;	  /* --max-inflight batches */
	double ack_wait;	  /* --ack-wait SEC: then spooled */
	double drain_timeout;	  /* --drain-timeout SEC at the end */
	const char *nats_ca, *nats_cert, *nats_key, *nats_creds;
	const char *nats_user, *nats_password_file, *nats_token_file;
	const char *nats_nkey, *nats_nkey_seed;
	bool nats_tls;

	const char *cpus;	 /* --cpus LIST, or NULL: the affinity */
	const char *config_file; /* --config FILE, or NULL */
	bool print_config;	 /* --print-config */
};

/* --streams: where nc_streams_write() puts the files (streams.c). */
struct nc_stream_sink {
	const char *dir;
	uint64_t bytes;	 /* written (atomic) */
	uint64_t errors; /* failed writes (atomic) */
	int warned;	 /* the first error was printed (atomic) */
};

/* nc_conn_stream_fn: append to DIR/<UID>.orig or .resp (arg: the sink). */
void nc_streams_write(void *arg, const char *uid, int dir, const uint8_t *p,
		      size_t len, uint64_t off);

/* --files DIR: decoded objects stored as DIR/<SHA-256> (files_sink.c). */
struct nc_files_sink {
	struct nc_file_sink ops; /* handed to the parsers (files.h) */
	const char *dir;
	uint64_t max_file, max_total; /* bytes */
	/* counters (atomic) */
	uint64_t seq, files, bytes, too_big, budget_full, errors;
	int warned;
};
void nc_files_sink_init(struct nc_files_sink *s, const char *dir,
			uint64_t max_file, uint64_t max_total);

/* The capture file. */
struct nc_zc_ref; /* source_pcap.c */
struct nc_source {
	pcap_t *pcap;
	FILE *file;
	int64_t size; /* bytes, 0 when unknown */
	int dlt;      /* pcap_datalink() */
	int link;     /* LINKTYPE_ value handed to the decoders */
	/* a classic pcap file read in place (source_pcap.c): the mapping,
	   the next record's offset, and how to read its headers; map NULL
	   once libpcap reads (other formats, or from a record on that the
	   in-place reader leaves to it) */
	const uint8_t *map;
	uint64_t map_len, off;
	uint32_t snap; /* pcap_snapshot() */
	bool inplace;  /* records are read from map (else libpcap) */
	bool swapped;  /* the file's byte order is not ours */
	bool ns;       /* nanosecond time stamps */
	/* mbufs pointing into map (rx.c): a reference count per worker and
	   2^zc_shift octets of the file, so RX and a worker rarely share one */
	struct nc_zc_ref *zc;
	unsigned zc_shift, zc_workers;
	char errbuf[PCAP_ERRBUF_SIZE];
};

enum nc_src_rc {
	NC_SRC_PKT = 1,
	NC_SRC_EOF = 0,
	NC_SRC_TRUNC = -1,
	NC_SRC_ERR = -2
};

int nc_source_open(struct nc_source *s, const char *path, char *err,
		   size_t errlen);
/* Next packet: NC_SRC_PKT with *data, *caplen, *wirelen, *ts set. */
int nc_source_next(struct nc_source *s, const uint8_t **data, uint32_t *caplen,
		   uint32_t *wirelen, int64_t *ts);
/* RX: frames read in place may be lent to nworkers workers as external
   mbuf buffers (nc_source_lend); false when this source cannot. */
bool nc_source_zc_init(struct nc_source *s, unsigned nworkers);
/* The shared info for a frame at data, going to worker w, with one more
   reference; NULL when the frame is not in the mapping (copy it). */
struct rte_mbuf_ext_shared_info *nc_source_lend(struct nc_source *s,
						const uint8_t *data,
						uint32_t caplen, unsigned w);
/* Bytes of the file consumed so far. */
int64_t nc_source_pos(const struct nc_source *s);
const char *nc_source_error(struct nc_source *s);
const char *nc_source_link_name(const struct nc_source *s);
void nc_source_close(struct nc_source *s);

struct nc_engine;
struct nc_stats;
struct nc_filter;
struct nc_xdp;

/* One port of -i: what EAL gets (-a for a PCI address, else --vdev). */
struct nc_port_spec {
	char arg[512]; /* "0000:03:00.0[,k=v...]" or "net_x0[,k=v...]" */
	bool pci;
};
/* Split "-i" into ports: 0, or -1 with one line in err (rx_port.c). */
int nc_port_parse(const char *list, struct nc_port_spec *v, unsigned max,
		  unsigned *n, char *err, size_t errlen);
/* 0 when EAL may start for these ports (PCI: free hugepages), else -1
   with one line in err naming the command that fixes it. */
int nc_port_check_hugepages(const struct nc_capture_cfg *c, unsigned need_mb,
			    char *err, size_t errlen);
/* MiB of EAL memory the ports' packet pools may take (an upper bound). */
unsigned nc_port_pool_mb(const struct nc_capture_cfg *c);

/* --bpf EXPR (filter.c): libpcap syntax, compiled for link type dlt. */
/* Syntax check before EAL; 0, or -1 with libpcap's message in err. */
int nc_filter_check(const char *expr, int dlt, char *err, size_t errlen);
/* After EAL; NULL with one line in err. */
struct nc_filter *nc_filter_new(const char *expr, int dlt, char *err,
				size_t errlen);
/* Keep the packets that pass, in order, at the front of pkts; free the
   rest (rte_pktmbuf_free_bulk). Returns how many are kept. Safe to call
   from several lcores at once. */
unsigned nc_filter_burst(struct nc_filter *f, struct rte_mbuf **pkts,
			 unsigned n);
bool nc_filter_jit(const struct nc_filter *f); /* runs as native code */
void nc_filter_free(struct nc_filter *f);

/* --xdp-filter RULES: xdp.h */

/* MAC vendors (oui.c). */
#define NC_OUI_PATH	    "/usr/share/ieee-data/oui.txt"
#define NC_VENDORDB_MAGIC   "netcap-vendors"
#define NC_VENDORDB_FORMAT  1
#define NC_VENDORDB_MAX_SRC 64
/* a source line of a vendor database, pointing into nc_oui.buf */
struct nc_oui_src {
	const char *name, *size, *sha256, *mtime;
};
struct nc_oui {
	struct oui_ent *v;
	size_t n;
	unsigned lens; /* prefix lengths present: 1: 24, 2: 28, 4: 36 bits */
	bool db;       /* from nc_oui_load_db (else oui.txt) */
	char *buf;     /* the file; the names point into it */
	const char *path;
	pthread_t thread; /* nc_oui_load_start's, while loading */
	bool loading;
	/* nc_oui_load_db only: the header and entries per registry */
	struct nc_oui_src src[NC_VENDORDB_MAX_SRC];
	unsigned nsrc;
	const char *built;
	char sha256[65];
	size_t count[4]; /* MA-L, MA-M, MA-S, IAB */
};
int nc_oui_load(struct nc_oui *t, const char *path); /* 0 or -1 */
/* A vendor database (netcap util db build --oui): 0, or -1 and one line
   in err (without the path). */
int nc_oui_load_db(struct nc_oui *t, const char *path, char *err,
		   size_t errlen);
extern const char *const nc_oui_registry[4]; /* "MA-L", "MA-M", "MA-S", "IAB" */
void nc_oui_load_start(struct nc_oui *t, const char *path);
void nc_oui_wait(struct nc_oui *t); /* before the first lookup */
const char *nc_oui_vendor(void *arg, const uint8_t mac[6]);
void nc_oui_free(struct nc_oui *t);

/* --fingerprints FILE: known JA3/JA3S/JA4/HASSH values (fpdb.c). */
struct nc_fpdb {
	struct fpdb_ent *v;
	size_t n;
};
/* 0, or -1 with one line in err ("FILE: key.path: what is wrong") */
int nc_fpdb_load(struct nc_fpdb *db, const char *path, char *err,
		 size_t errlen);
/* nc_profile_cfg.fingerprint (arg: the database) */
const struct nc_fp_entry *nc_fpdb_lookup(void *arg, const char *kind,
					 const char *value);
void nc_fpdb_free(struct nc_fpdb *db);

struct nc_rx {
	struct nc_engine *eng;
	/* progress, read by the main lcore while running */
	uint64_t packets;
	uint64_t bytes;
	int64_t file_pos;
	/* final state */
	uint64_t mbuf_pool_waits;
	uint64_t clipped; /* frames longer than NC_MAX_FRAME, cut */
	uint64_t lent;	  /* frames handed on in place, not copied */
	uint64_t chained; /* frames spread over several mbufs */
	uint64_t ring_full_waits[NC_MAX_WORKERS]; /* file: RX waited */
	uint64_t ring_full_drops[NC_MAX_WORKERS]; /* port: packets dropped */
	uint64_t busy_cycles; /* port: TSC cycles on non-empty bursts */
	uint64_t filtered;    /* --bpf: packets the filter dropped */
	bool truncated;
	bool failed;
	char errmsg[PCAP_ERRBUF_SIZE + 64];
	/* port: packets the NIC flagged with a bad IP / TCP-UDP checksum */
	uint64_t cksum_bad_ip, cksum_bad_l4;
} __rte_cache_aligned;

struct nc_worker {
	struct nc_engine *eng;
	unsigned id;
	struct rte_ring *ring;
	uint8_t *linbuf; /* NC_MAX_FRAME bytes for chained mbufs */
	struct nc_batch *cur[NC_REC_MAX];
	struct nc_dec dec;
	struct nc_profiles *prof; /* Software, Service, profiles, or NULL */
	uint64_t packets;
	uint64_t bytes;
	uint64_t linearized;
	uint64_t batch_pool_waits;
	uint64_t writer_ring_waits;
	uint64_t oversize_records;
	uint64_t dropped_records; /* could not be packed at all */
	uint64_t busy_cycles;	  /* TSC cycles spent on non-empty bursts */
	int64_t clock;		  /* newest packet time seen (ns) */
	unsigned since_expire;	  /* packets since the last expiry */
	/* rss mode: this worker polls queue rxq of every port itself */
	uint16_t rxq;
	uint64_t rx_packets; /* received from its queues (rss mode) */
	uint64_t filtered;   /* --bpf: dropped by the filter (rss mode) */
	uint64_t rx_bytes;   /* their wire bytes (rss mode) */
	uint64_t cksum_bad_ip, cksum_bad_l4; /* NIC flags (rss mode) */
	struct nc_lbl_state *lbl; /* capture --attacks (worker.c), or NULL */
	struct nc_tm *tm;	  /* --metrics: traffic metrics, or NULL */
} __rte_cache_aligned;

/* One writer lcore: its ring (many workers enqueue, it dequeues) and the
   files of the record types it owns (e->wr_of). */
struct nc_wr {
	struct nc_engine *eng;
	unsigned id;
	unsigned lcore;
	struct rte_ring *ring;
	struct nc_writer *files[NC_REC_MAX];
	uint64_t busy_cycles; /* TSC cycles writing (and publishing) batches */
	uint64_t idle_cycles; /* TSC cycles with its ring empty */
	uint64_t full_waits;  /* workers found its ring full (atomic add) */
	uint64_t wait_cycles; /* TSC cycles workers waited for it (atomic) */
	uint64_t batches;
	uint64_t record_bytes;
	uint64_t file_bytes;
	unsigned nfiles;
	uint64_t rotations;	     /* files closed and renamed */
	uint64_t disk_floor_batches; /* batches dropped: --min-free-disk */
	uint64_t disk_floor_records; /* their records */
	bool failed;
	char errmsg[PATH_MAX + 256];
} __rte_cache_aligned;

struct nc_engine {
	const struct nc_capture_cfg *cfg;
	struct nc_dec_cfg dec_cfg;
	struct nc_source src;
	int64_t created; /* ns since the epoch */

	struct rte_mempool *mbuf_pool;
	struct rte_mempool *batch_pool;
	int meta_off; /* dynfield offset of struct nc_pkt_meta */

	uint16_t port;			 /* -i: the (first) DPDK port */
	struct rte_eth_stats port_stats; /* read when the port stops */
	bool port_started;
	/* -i PORT[,PORT...]: every port, and how they are read */
	uint16_t ports[NC_MAX_PORTS];
	unsigned nports;
	bool rss;		  /* rss mode: workers poll the queues */
	struct nc_filter *filter; /* --bpf, or NULL (filter.c) */
	struct nc_xdp *xdp;	  /* --xdp-filter, or NULL (xdp.c) */
	/* per port (rx_port.c): RX queues, packet pool on the port's NUMA
	   node, counters read at the end; the ports' clock is realtime
	   port_t0_ns at TSC port_t0_tsc */
	uint16_t nrxq[NC_MAX_PORTS];
	struct rte_mempool *port_pool[NC_MAX_PORTS];
	struct rte_eth_stats ports_stats[NC_MAX_PORTS];
	int64_t port_t0_ns;
	uint64_t port_t0_tsc;

	unsigned eal_mb; /* EAL memory (-m) */
	unsigned nworkers;
	unsigned lcore_rx;
	unsigned nwriters;
	/* the writer that owns each record type's files (capture.c) */
	uint8_t wr_of[NC_REC_MAX];
	unsigned lcore_worker[NC_MAX_WORKERS];

	struct nc_rx rx;
	struct nc_wr wr[NC_MAX_WRITERS]; /* nwriters used */
	struct nc_worker *workers;	 /* nworkers, cache aligned */
	struct nc_stream_sink sink;	 /* --streams */
	struct nc_oui oui;		 /* DeviceProfile vendors */
	struct nc_files_sink files;	 /* --files */
	struct nc_fpdb fpdb;		 /* --fingerprints */
	struct nc_vulndb vulndb;	 /* --vuln-db (vulndb.h) */
	struct nc_indicators *ind;	 /* --indicators, or NULL */
	struct lbl_cap *lbl;		 /* --attacks, or NULL */
	struct nc_stats *stats;		 /* stats.c */
	int metrics_fd;	    /* --metrics: listening socket, or -1 */
	struct nc_pub *pub; /* netcap agent: the publisher (agent.h) */

	/* control flags (atomic) */
	int stop;	     /* stop reading input (signal, write error) */
	int rx_done;	     /* RX has enqueued its last packet */
	int workers_done;    /* workers that have flushed their last batch */
	int workers_drained; /* workers whose ring is empty at the end */
	int workers_flushed; /* workers that closed every connection */
	int64_t end_clock;   /* newest packet time over all workers */
	int writers_done;    /* writers that closed their files */
	int floor_warned;    /* --min-free-disk: the warning was printed */
	volatile int signalled;
	unsigned rotate; /* SIGHUP count: each writer closes and reopens its
			    files when it changes */
};

/* Bind a worker's decoder to its batches (w->eng set). */
/* The worker's decoder and emit function; -1 when out of memory. */
int nc_worker_setup(struct nc_worker *w);
void nc_worker_free(struct nc_worker *w);

/* The counters of every writer added up into *sum (after the run). */
static inline void nc_wr_sum(const struct nc_engine *e, struct nc_wr *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned k = 0; k < e->nwriters; k++) {
		const struct nc_wr *w = &e->wr[k];
		sum->batches += w->batches;
		sum->record_bytes += w->record_bytes;
		sum->file_bytes += w->file_bytes;
		sum->nfiles += w->nfiles;
		sum->rotations += w->rotations;
		sum->disk_floor_batches += w->disk_floor_batches;
		sum->disk_floor_records += w->disk_floor_records;
		sum->full_waits += w->full_waits;
		sum->wait_cycles += w->wait_cycles;
	}
}

int nc_rx_main(void *arg);	/* struct nc_engine */
int nc_rx_port_main(void *arg); /* struct nc_engine */

/* Configure and start the -i ports (after EAL and the pools), choosing
   rss or dispatch mode; 0 or -1. */
int nc_port_setup(struct nc_engine *e, char *err, size_t errlen);
void nc_port_teardown(struct nc_engine *e);
/* Read every port's counters into e->ports_stats and their sum into
   e->port_stats, and in rss mode the workers' receive counts into e->rx
   (after the lcores stopped, before teardown). */
void nc_port_read_stats(struct nc_engine *e);
/* rss mode: receive up to max packets from queue w->rxq of every port,
   filtered (--bpf) and stamped; counts into w (worker lcore only). */
unsigned nc_port_rx_worker(struct nc_worker *w, struct rte_mbuf **pkts,
			   unsigned max);
int nc_worker_main(void *arg); /* struct nc_worker */
int nc_writer_main(void *arg); /* struct nc_wr */

/* Run the roles to completion on the main lcore; returns the exit status. */
int nc_control_run(struct nc_engine *eng);

/*
 * Counters while running (stats.c). nc_stats_init: before rte_eal_init
 * (opens --stats-file, registers the telemetry commands); 0, or -1 with
 * one line in err. nc_stats_start: once every role is set up, before the
 * launch (t0: CLOCK_MONOTONIC seconds). nc_stats_tick: from the main
 * lcore's watch loop, writes a --stats-file line every --stats-interval
 * and, with status, redraws the status line once a second.
 * nc_stats_final: after rte_eal_mp_wait_lcore() and nc_port_read_stats(),
 * before teardown: clears the status line, detaches telemetry, writes the
 * final line. nc_stats_free: at exit, on every path.
 */
bool nc_stats_telemetry_on(const struct nc_capture_cfg *c);
int nc_stats_init(struct nc_engine *e, char *err, size_t errlen);
void nc_stats_start(struct nc_engine *e, double t0);
void nc_stats_tick(struct nc_engine *e, double elapsed, bool status);
void nc_stats_final(struct nc_engine *e, double elapsed);
void nc_stats_free(struct nc_engine *e);
/*
 * --metrics (stats.c, prom.c): nc_stats_start starts the endpoint on
 * e->metrics_fd; after nc_stats_final it serves the final counters.
 * nc_stats_metrics_end: after the summary, serves them --metrics-linger
 * seconds more (or until a signal), then stops the endpoint; before
 * teardown.
 */
void nc_stats_metrics_end(struct nc_engine *e);

/* Return a batch to its pool (or free a heap batch). */
void nc_batch_put(struct nc_engine *eng, struct nc_batch *b);

/*
 * One step of a wait loop (ring full, pool empty, nothing to do). Lcores
 * may share CPUs (--lcores '(0-K)@(0-C)'), so every 64th step yields the CPU
 * to the lcore being waited for. Never called on the per-packet path.
 */
static inline void nc_backoff(unsigned *spins)
{
	rte_pause();
	if ((++*spins & 63) == 0)
		sched_yield();
}

static inline int nc_load(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline int64_t nc_load64(const int64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void nc_store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

#endif /* NC_ENGINE_H */
