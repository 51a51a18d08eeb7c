/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.c: the settings of `netcap capture` (config.h): one option table,
 * read by getopt for the flags and by the loader of the --config file.
 *
 * Order: defaults, then the file, then the flags, each value checked as it
 * is set, then the checks that span options. Errors are one line:
 *   netcap capture: --FLAG: WHAT (try 'netcap capture --help')
 *   netcap capture: FILE: KEY: WHAT
 *   netcap capture: FILE:LINE:COLUMN: JSON SYNTAX ERROR
 * where WHAT shows the value and what is allowed, with the same limits for
 * a flag and its key.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "natsconn.h"

enum opt_kind {
	K_STR,		/* const char *, not empty */
	K_BOOL,		/* bool; the flag sets .set */
	K_TRI,		/* int: -1 unset, 0, 1; the flag sets .set */
	K_UINT,		/* unsigned or uint64_t in [lo, hi] */
	K_SIZE,		/* uint64_t bytes in [lo, hi]; K, M, G, T suffixes */
	K_SECONDS,	/* double in [lo, hi] */
	K_TIMEOUT,	/* conn.timeout_ns[.idx], given in seconds */
	K_ENUM,		/* int or bool: the index of the name in .noun */
	K_TYPES,	/* record types: .idx 0 include, 1 exclude */
	K_CPUS,		/* const char *: a CPU list */
	K_ARGS,		/* eal_args (file only; flags: after --) */
	K_TIMEOUT_LIST, /* --timeout S=SEC,... (flag only) */
	K_CONFIG,	/* --config FILE */
	K_PRINT,	/* --print-config */
	K_HELP,		/* -h */
};

#define O_NULL	   1u /* null in the file: the field's unset value */
#define O_NULL_MAX 2u /* unset is all ones (otherwise 0) */
#define O_ZERO_OFF 4u /* 0 is allowed below lo: off */
#define O_LO_OPEN  8u /* lo itself is excluded */

struct opt {
	const char *flag; /* long flag, NULL: file only */
	int chr;	  /* short flag, or 0 */
	const char *key;  /* dotted JSON key, NULL: flag only */
	enum opt_kind kind;
	size_t off, size; /* the field in struct nc_capture_cfg */
	double lo, hi;
	unsigned fl;	  /* O_ */
	int set;	  /* K_BOOL, K_TRI: what the flag sets */
	const char *noun; /* K_STR: what it names; K_ENUM: "a|b|c" */
	int idx;	  /* K_TIMEOUT, K_TYPES */
};

#define FLD(f)                                                                 \
	offsetof(struct nc_capture_cfg, f),                                    \
	    sizeof(((struct nc_capture_cfg *)0)->f)
#define OSTR(flag, chr, key, f, noun)                                          \
	{                                                                      \
		flag, chr, key, K_STR, FLD(f), 0, 0, O_NULL, 0, noun, 0        \
	}
#define OBOOL(flag, chr, key, f, set)                                          \
	{                                                                      \
		flag, chr, key, K_BOOL, FLD(f), 0, 0, 0, set, NULL, 0          \
	}
#define ONUM(flag, chr, key, kind, f, lo, hi, fl)                              \
	{                                                                      \
		flag, chr, key, kind, FLD(f), lo, hi, fl, 0, NULL, 0           \
	}
#define OENUM(flag, key, f, names)                                             \
	{                                                                      \
		flag, 0, key, K_ENUM, FLD(f), 0, 0, 0, 0, names, 0             \
	}
#define TIMEOUT_MAX 1e6 /* seconds */
#define OTIMEOUT(key, k)                                                       \
	{                                                                      \
		NULL, 0, key, K_TIMEOUT, FLD(conn.timeout_ns[k]), 0,           \
		    TIMEOUT_MAX, O_LO_OPEN, 0, NULL, k                         \
	}
#define OSPECIAL(flag, chr, key, kind, fl, idx)                                \
	{                                                                      \
		flag, chr, key, kind, 0, 0, 0, 0, fl, 0, NULL, idx             \
	}

#define TB ((double)(1ull << 40))

/*
 * Every option. The file's layout is this order; a key's section is the
 * part before the dot. Limits here are the only ones: flags and keys share
 * them.
 */
static const struct opt opts[] = {
    OSTR("read", 'r', "input.read", input, "file name"),
    OSTR("interface", 'i', "input.interface", iface, "port"),
    OBOOL("bare", 0, "input.bare", bare, 1),
    ONUM("duration", 0, "input.duration", K_SECONDS, duration, 0, 1e9,
	 O_NULL | O_LO_OPEN),
    OENUM("rx-mode", "input.rx_mode", rx_mode, "auto|rss|dispatch"),
    OENUM("rss-fields", "input.rss_fields", rss_l4, "ip|ip,l4"),
    ONUM("rx-desc", 0, "input.rx_desc", K_UINT, rx_desc, 64, 32768, 0),
    ONUM("mtu", 0, "input.mtu", K_UINT, mtu, 68, 9000, O_NULL),
    ONUM("mbufs", 0, "input.mbufs", K_UINT, mbufs, 1024, 16777215, O_NULL),
    ONUM("link-wait", 0, "input.link_wait", K_SECONDS, link_wait, 0, 3600, 0),
    OSTR("bpf", 0, "input.bpf", bpf, "filter"),
    OSTR("xdp-filter", 0, "input.xdp_filter", xdp_filter, "rule list"),
    ONUM("workers", 'w', "cpus.workers", K_UINT, workers, 1, NC_MAX_WORKERS,
	 O_NULL),
    {"cpus", 0, "cpus.cpu_list", K_CPUS, FLD(cpus), 0, 0, O_NULL, 0, NULL, 0},
    ONUM("writers", 0, "cpus.writers", K_UINT, writers, 1, NC_MAX_WRITERS, 0),
    OSPECIAL("include", 0, "records.include", K_TYPES, O_NULL, 0),
    OSPECIAL("exclude", 0, "records.exclude", K_TYPES, O_NULL, 1),
    OBOOL("payload", 0, "records.payload", payload, 1),
    OBOOL("entropy", 0, "records.entropy", entropy, 1),
    OSTR("fingerprints", 0, "records.fingerprints", fingerprints, "file name"),
    OSTR("vuln-db", 0, "records.vuln_db", vuln_db, "file name"),
    OSTR("vendors", 0, "records.vendors", vendors, "file name"),
    OSTR("indicators", 0, "records.indicators", indicators, "file list"),
    OSTR("attacks", 0, "records.attacks", attacks, "file list"),
    OSTR("attacks-tz", 0, "records.attacks_tz", attacks_tz, "zone"),
    OBOOL("label-description", 0, "records.label_description",
	  label_description, 1),
    OBOOL("label-collect", 0, "records.label_collect", label_collect, 1),
    OSTR("out", 'o', "output.dir", outdir, "directory"),
    OBOOL("no-compress", 0, "output.compress", compress, 0),
    ONUM("rotate-size", 0, "output.rotate_size", K_SIZE, rotate_size, 4096, TB,
	 O_ZERO_OFF),
    ONUM("rotate-interval", 0, "output.rotate_interval", K_SECONDS,
	 rotate_interval, 1, 31622400, O_ZERO_OFF),
    ONUM("min-free-disk", 0, "output.min_free_disk", K_SIZE, min_free_disk, 0,
	 TB, 0),
    OSTR("files", 0, "output.files", files_dir, "directory"),
    OSTR("file-hashes", 0, "output.file_hashes", file_hashes, "hash list"),
    ONUM("max-file-size", 0, "output.max_file_size", K_SIZE, max_file_size, 1,
	 TB, 0),
    ONUM("max-files-bytes", 0, "output.max_files_bytes", K_SIZE,
	 max_files_bytes, 1, TB, 0),
    OSTR("streams", 0, "output.streams", streams_dir, "directory"),
    ONUM("max-connections", 0, "limits.max_connections", K_UINT,
	 max_connections, 1, NC_MAX_CONNS, 0),
    ONUM("max-streams", 0, "limits.max_streams", K_UINT, max_streams, 0,
	 NC_MAX_CONNS, O_NULL | O_NULL_MAX),
    ONUM("max-stream-buffer", 0, "limits.max_stream_buffer", K_SIZE,
	 max_stream_buffer, 1, TB, O_NULL),
    ONUM("max-app-memory", 0, "limits.max_app_memory", K_SIZE, max_app_memory,
	 1, TB, O_NULL),
    OBOOL("no-defrag", 0, "limits.defrag", defrag, 0),
    OSTR("tunnels", 0, "records.tunnels", tunnels, "tunnel list"),
    OBOOL("no-tunnels", 0, "records.decode_tunnels", decode_tunnels, 0),
    OTIMEOUT("timeouts.tcp_handshake", NC_CT_TCP_HANDSHAKE),
    OTIMEOUT("timeouts.tcp_established", NC_CT_TCP_ESTABLISHED),
    OTIMEOUT("timeouts.tcp_closed", NC_CT_TCP_CLOSED),
    OTIMEOUT("timeouts.udp", NC_CT_UDP),
    OTIMEOUT("timeouts.icmp", NC_CT_ICMP),
    OTIMEOUT("timeouts.other", NC_CT_OTHER),
    OSPECIAL("timeout", 0, NULL, K_TIMEOUT_LIST, 0, 0),
    OSTR("stats-file", 0, "stats.file", stats_file, "file name"),
    OSTR("metrics", 0, "stats.metrics", metrics, "ADDR:PORT"),
    ONUM("metrics-linger", 0, "stats.metrics_linger", K_SECONDS, metrics_linger,
	 0, 86400, 0),
    ONUM("stats-interval", 0, "stats.interval", K_SECONDS, stats_interval, 0.1,
	 3600, 0),
    {"telemetry", 0, "stats.telemetry", K_TRI, FLD(telemetry), 0, 0, O_NULL, 1,
     NULL, 0},
    {"no-telemetry", 0, NULL, K_TRI, FLD(telemetry), 0, 0, 0, 0, NULL, 0},
    /* netcap agent only (docs/DISTRIBUTED.md) */
    OSTR("nats", 0, "nats.servers", nats_servers, "URL list"),
    OSTR("sensor", 0, "nats.sensor", sensor, "name"),
    OSTR("spool", 0, "nats.spool", spool_dir, "directory"),
    ONUM("spool-max", 0, "nats.spool_max", K_SIZE, spool_max, 64 << 10, TB, 0),
    OENUM("spool-policy", "nats.spool_policy", spool_policy,
	  "drop-oldest|drop-newest"),
    ONUM("max-inflight", 0, "nats.max_inflight", K_UINT, max_inflight, 1, 65536,
	 0),
    ONUM("ack-wait", 0, "nats.ack_wait", K_SECONDS, ack_wait, 0.1, 3600, 0),
    ONUM("drain-timeout", 0, "nats.drain_timeout", K_SECONDS, drain_timeout, 0,
	 86400, 0),
    OSTR("nats-ca", 0, "nats.ca", nats_ca, "file name"),
    OSTR("nats-cert", 0, "nats.cert", nats_cert, "file name"),
    OSTR("nats-key", 0, "nats.key", nats_key, "file name"),
    OBOOL("nats-tls", 0, "nats.tls", nats_tls, 1),
    OSTR("nats-creds", 0, "nats.creds", nats_creds, "file name"),
    OSTR("nats-user", 0, "nats.user", nats_user, "name"),
    OSTR("nats-password-file", 0, "nats.password_file", nats_password_file,
	 "file name"),
    OSTR("nats-token-file", 0, "nats.token_file", nats_token_file, "file name"),
    OSTR("nats-nkey", 0, "nats.nkey", nats_nkey, "public key"),
    OSTR("nats-nkey-seed", 0, "nats.nkey_seed", nats_nkey_seed, "file name"),
    OBOOL("quiet", 'q', "quiet", quiet, 1),
    OSPECIAL(NULL, 0, "eal_args", K_ARGS, 0, 0),
    OSPECIAL("config", 0, NULL, K_CONFIG, 0, 0),
    OSPECIAL("print-config", 0, NULL, K_PRINT, 0, 0),
    OSPECIAL("help", 'h', NULL, K_HELP, 0, 0),
};

#define NOPTS	  (sizeof(opts) / sizeof(opts[0]))
#define MAX_EAL	  64
#define MIN_SBUF  (64u << 10) /* stream buffer per worker */
#define WHY_LEN	  4096
#define SHOWN_LEN 80

_Static_assert(NOPTS <= NC_CONFIG_MAX_OPTS, "raise NC_CONFIG_MAX_OPTS");

enum { FROM_DEFAULT, FROM_FILE, FROM_FLAG };

/* What messages start with: capture's, or `util env`'s while it parses. */
static const char *prog = "netcap capture";
/* parsing for netcap agent: -o optional, the nats.* options allowed */
static bool agent_mode;

static bool takes_arg(const struct opt *o)
{
	return o->kind != K_BOOL && o->kind != K_TRI && o->kind != K_PRINT &&
	       o->kind != K_HELP;
}

static int opt_index(const char *flag)
{
	for (unsigned i = 0; i < NOPTS; i++)
		if (opts[i].flag && !strcmp(opts[i].flag, flag))
			return (int)i;
	return -1;
}

static int key_index(const char *key)
{
	for (unsigned i = 0; i < NOPTS; i++)
		if (opts[i].key && !strcmp(opts[i].key, key))
			return (int)i;
	return -1;
}

/* ---- messages ---- */

static int flag_err(const struct opt *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int flag_err(const struct opt *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	if (o)
		fprintf(stderr, "--%s: ", o->flag);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '%s --help')\n", prog);
	return 2;
}

static int file_err(const struct nc_config *c, const char *key, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
static int file_err(const struct nc_config *c, const char *key, const char *fmt,
		    ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, c->file);
	if (key)
		fprintf(stderr, "%s: ", key);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* A key of the file as text safe for one line. */
static void safe_text(char *out, size_t len, const char *s)
{
	size_t i = 0;

	for (; *s && i + 1 < len; s++)
		out[i++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[i] = '\0';
}

/* A file value as compact JSON, cut at SHOWN_LEN. */
static void shown_json(char *out, size_t len, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (!s) {
		snprintf(out, len, "(value)");
		return;
	}
	if (strlen(s) > SHOWN_LEN)
		memcpy(s + SHOWN_LEN - 3, "...", 4);
	snprintf(out, len, "%s", s);
	free(s);
}

/* "64M" for 64 MiB; plain digits when no suffix is exact. */
static void fmt_size(char *out, size_t len, uint64_t v)
{
	static const char sfx[] = "KMGT";

	for (int k = 4; k >= 1; k--) {
		uint64_t unit = 1ull << (10 * k);
		if (v && v % unit == 0) {
			snprintf(out, len, "%llu%c",
				 (unsigned long long)(v / unit), sfx[k - 1]);
			return;
		}
	}
	snprintf(out, len, "%llu", (unsigned long long)v);
}

/* "auto, rss or dispatch" from "auto|rss|dispatch". */
static void enum_names(char *out, size_t len, const char *names)
{
	size_t o = 0;
	const char *p = names;

	out[0] = '\0';
	while (*p && o + 1 < len) {
		size_t n = strcspn(p, "|");
		const char *next = p[n] ? p + n + 1 : p + n;
		const char *sep = o == 0 ? "" : *next ? ", " : " or ";
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", sep, (int)n,
				      p);
		if (o >= len)
			break;
		p = next;
	}
}

/* What the option allows, e.g. "a number from 1 to 64". */
static void describe(char *out, size_t len, const struct opt *o, bool file)
{
	char lo[32], hi[32], names[256];
	const char *orn = file && (o->fl & O_NULL) ? ", or null" : "";

	switch (o->kind) {
	case K_UINT:
		snprintf(out, len, "a number from %.0f to %.0f%s", o->lo, o->hi,
			 orn);
		break;
	case K_SIZE:
		fmt_size(lo, sizeof(lo), (uint64_t)o->lo);
		fmt_size(hi, sizeof(hi), (uint64_t)o->hi);
		snprintf(out, len, "a size from %s%s to %s %s%s", lo,
			 o->fl & O_ZERO_OFF ? " (or 0: off)" : "", hi,
			 file ? "(a number of bytes or a string like \"1G\")"
			      : "(digits with an optional K, M, G or T "
				"suffix)",
			 orn);
		break;
	case K_SECONDS:
	case K_TIMEOUT:
		if (o->fl & O_LO_OPEN)
			snprintf(out, len,
				 "a positive number of seconds up to %.15g%s",
				 o->hi, orn);
		else
			snprintf(out, len,
				 "a number of seconds from %.15g to %.15g%s%s",
				 o->lo, o->hi,
				 o->fl & O_ZERO_OFF ? " (or 0: off)" : "", orn);
		break;
	case K_ENUM:
		enum_names(names, sizeof(names), o->noun);
		snprintf(out, len, "%s", names);
		break;
	case K_BOOL:
		snprintf(out, len, "true or false");
		break;
	case K_TRI:
		snprintf(out, len, "true, false or null");
		break;
	case K_STR:
		snprintf(out, len, "a %s (a string)%s", o->noun, orn);
		break;
	case K_TYPES:
		snprintf(out, len, "a list of record type names%s", orn);
		break;
	case K_CPUS:
		snprintf(out, len,
			 "a list of CPUs like \"2-9\" or \"0,2,4\"%s%s",
			 file ? " (a string)" : "", orn);
		break;
	case K_ARGS:
		snprintf(out, len, "a list of at most %d strings", MAX_EAL);
		break;
	default:
		snprintf(out, len, "valid");
		break;
	}
}

static void not_a(char *why, const struct opt *o, const char *shown, bool file)
{
	char d[512];

	describe(d, sizeof(d), o, file);
	snprintf(why, WHY_LEN, "%s is not %s", shown, d);
}

/* ---- fields ---- */

static void *field(struct nc_capture_cfg *cfg, const struct opt *o)
{
	return (char *)cfg + o->off;
}

static void put_uint(struct nc_capture_cfg *cfg, const struct opt *o,
		     uint64_t v)
{
	if (o->size == sizeof(uint64_t))
		*(uint64_t *)field(cfg, o) = v;
	else
		*(unsigned *)field(cfg, o) = (unsigned)v;
}

static uint64_t get_uint(struct nc_capture_cfg *cfg, const struct opt *o)
{
	if (o->size == sizeof(uint64_t))
		return *(uint64_t *)field(cfg, o);
	return *(unsigned *)field(cfg, o);
}

static void put_enum(struct nc_capture_cfg *cfg, const struct opt *o, int v)
{
	if (o->size == sizeof(bool))
		*(bool *)field(cfg, o) = v != 0;
	else
		*(int *)field(cfg, o) = v;
}

static int get_enum(struct nc_capture_cfg *cfg, const struct opt *o)
{
	if (o->size == sizeof(bool))
		return *(bool *)field(cfg, o);
	return *(int *)field(cfg, o);
}

/* ---- values ---- */

/* "64M" into *v: decimal digits and an optional K, M, G or T (powers of
 * 1024); false when it is not that or overflows. */
bool nc_parse_bytes(const char *s, uint64_t *v)
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

/* A whole decimal number; false otherwise. */
static bool parse_uint(const char *s, unsigned long long *v)
{
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*v = n;
	return true;
}

/* A decimal number of seconds; false otherwise. */
static bool parse_seconds(const char *s, double *v)
{
	char *end;

	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end)
		return false;
	*v = d;
	return true;
}

static bool uint_ok(const struct opt *o, unsigned long long v)
{
	return (double)v >= o->lo && (double)v <= o->hi;
}

static bool size_ok(const struct opt *o, uint64_t v)
{
	if (v == 0 && (o->fl & O_ZERO_OFF))
		return true;
	return (double)v >= o->lo && (double)v <= o->hi;
}

static bool seconds_ok(const struct opt *o, double d)
{
	if (d == 0 && (o->fl & O_ZERO_OFF))
		return true;
	if (o->fl & O_LO_OPEN ? !(d > o->lo) : !(d >= o->lo))
		return false;
	return d <= o->hi;
}

static void put_seconds(struct nc_capture_cfg *cfg, const struct opt *o,
			double d)
{
	if (o->kind == K_TIMEOUT)
		*(int64_t *)field(cfg, o) = (int64_t)(d * 1e9);
	else
		*(double *)field(cfg, o) = d;
}

static int enum_value(const char *names, const char *s)
{
	int i = 0;

	for (const char *p = names; *p; i++) {
		size_t n = strcspn(p, "|");
		if (strlen(s) == n && !strncmp(p, s, n))
			return i;
		p += n;
		if (*p == '|')
			p++;
	}
	return -1;
}

static void rec_names_list(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned t = 0; t < NC_REC_MAX && off < len; t++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					t ? ", " : "", nc_rec_name(t));
}

static void unknown_type(char *why, const char *shown)
{
	char names[2048];

	rec_names_list(names, sizeof(names));
	snprintf(why, WHY_LEN, "unknown record type %s (valid: %s)", shown,
		 names);
}

/* CPUs as "0-3,6"; *any false when none. */
static void cpu_set_text(char *buf, size_t len, const cpu_set_t *set)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < CPU_SETSIZE && off + 24 < len; i++) {
		if (!CPU_ISSET(i, set))
			continue;
		int j = i;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, set))
			j++;
		off += (size_t)snprintf(buf + off, len - off,
					j > i ? "%s%d-%d" : "%s%d",
					off ? "," : "", i, j);
		i = j;
	}
}

static void affinity(cpu_set_t *set)
{
	if (sched_getaffinity(0, sizeof(*set), set) != 0) {
		CPU_ZERO(set);
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET((int)i, set);
	}
}

/* "2-9,12" into set (syntax only); false when it is not a CPU list. */
static bool cpus_syntax(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (!*s)
		return false;
	for (const char *p = s;;) {
		char *end;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		unsigned long a = strtoul(p, &end, 10), b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!(*p >= '0' && *p <= '9'))
				return false;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (b < a || b >= CPU_SETSIZE)
			return false;
		for (unsigned long i = a; i <= b; i++)
			CPU_SET((int)i, set);
		if (!*p)
			return true;
		if (*p != ',')
			return false;
		p++;
	}
}

/* A CPU list this process may use; false with why set otherwise. */
static bool cpus_check(const struct opt *o, const char *s, const char *shown,
		       bool file, char *why)
{
	cpu_set_t set, aff;
	char may[512];
	long nconf = sysconf(_SC_NPROCESSORS_CONF);

	if (!cpus_syntax(s, &set)) {
		not_a(why, o, shown, file);
		return false;
	}
	affinity(&aff);
	cpu_set_text(may, sizeof(may), &aff);
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (nconf > 0 && i >= nconf) {
			snprintf(why, WHY_LEN,
				 "%s names CPU %d, which does not exist (this "
				 "machine has CPUs 0-%ld)",
				 shown, i, nconf - 1);
			return false;
		}
		if (!CPU_ISSET(i, &aff)) {
			snprintf(why, WHY_LEN,
				 "%s names CPU %d, which this process may not "
				 "use (it may use %s)",
				 shown, i, may);
			return false;
		}
	}
	return true;
}

/* ---- setting one option ---- */

static bool parse_types_text(const char *list, struct nc_recset *set, char *why)
{
	char bad[64], shown[80];

	memset(set, 0, sizeof(*set));
	if (nc_recset_parse(set, list, bad, sizeof(bad)) == 0)
		return true;
	snprintf(shown, sizeof(shown), "'%s'", bad);
	unknown_type(why, shown);
	return false;
}

/* --timeout S=SEC,...: each state through its timeouts.S entry. */
static bool timeout_list(struct nc_config *c, const char *list, char *why)
{
	char item[64], key[80];

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
		double sec = 0;
		if (eq) {
			*eq = '\0';
			snprintf(key, sizeof(key), "timeouts.%s", item);
			k = key_index(key);
			*eq = '=';
		}
		if (k < 0 || !parse_seconds(eq + 1, &sec) ||
		    !seconds_ok(&opts[k], sec)) {
			snprintf(why, WHY_LEN,
				 "'%s' is not STATE=SECONDS with STATE one of "
				 "tcp_handshake, tcp_established, tcp_closed, "
				 "udp, icmp, other and 0 < SECONDS <= %.15g",
				 item, TIMEOUT_MAX);
			return false;
		}
		put_seconds(c->cfg, &opts[k], sec);
		c->from[k] = FROM_FLAG;
	}
	return true;
}

/* A flag's value; false with why set. */
static bool set_text(struct nc_config *c, const struct opt *o, const char *s,
		     char *why)
{
	struct nc_capture_cfg *cfg = c->cfg;
	char shown[SHOWN_LEN + 8];
	unsigned long long u;
	uint64_t b;
	double d;
	int e;

	if (!s) /* a switch: no value */
		s = "";
	snprintf(shown, sizeof(shown), "'%s'", s);
	switch (o->kind) {
	case K_STR:
		if (!*s) {
			snprintf(why, WHY_LEN, "empty %s", o->noun);
			return false;
		}
		*(const char **)field(cfg, o) = s;
		return true;
	case K_BOOL:
		*(bool *)field(cfg, o) = o->set != 0;
		return true;
	case K_TRI:
		*(int *)field(cfg, o) = o->set;
		return true;
	case K_UINT:
		if (!parse_uint(s, &u) || !uint_ok(o, u))
			break;
		put_uint(cfg, o, u);
		return true;
	case K_SIZE:
		if (!nc_parse_bytes(s, &b) || !size_ok(o, b))
			break;
		put_uint(cfg, o, b);
		return true;
	case K_SECONDS:
		if (!parse_seconds(s, &d) || !seconds_ok(o, d))
			break;
		put_seconds(cfg, o, d);
		return true;
	case K_ENUM:
		e = enum_value(o->noun, s);
		if (e < 0)
			break;
		put_enum(cfg, o, e);
		return true;
	case K_TYPES:
		if (!parse_types_text(s, o->idx ? &c->exclude : &c->include,
				      why))
			return false;
		if (!o->idx)
			c->include_set = true;
		return true;
	case K_CPUS:
		if (!cpus_check(o, s, shown, false, why))
			return false;
		*(const char **)field(cfg, o) = s;
		return true;
	case K_TIMEOUT_LIST:
		return timeout_list(c, s, why);
	default:
		return true;
	}
	not_a(why, o, shown, false);
	return false;
}

/* The unset value of an O_NULL option. */
static void set_null(struct nc_config *c, const struct opt *o)
{
	switch (o->kind) {
	case K_STR:
	case K_CPUS:
		*(const char **)field(c->cfg, o) = NULL;
		break;
	case K_TRI:
		*(int *)field(c->cfg, o) = -1;
		break;
	case K_UINT:
	case K_SIZE:
		put_uint(c->cfg, o, o->fl & O_NULL_MAX ? UINT64_MAX : 0);
		break;
	case K_SECONDS:
		put_seconds(c->cfg, o, 0);
		break;
	case K_TYPES:
		if (o->idx)
			memset(&c->exclude, 0, sizeof(c->exclude));
		else
			c->include_set = false;
		break;
	default:
		break;
	}
}

/* A value of the file; false with why set. */
static bool set_json(struct nc_config *c, const struct opt *o, json_t *v,
		     char *why)
{
	struct nc_capture_cfg *cfg = c->cfg;
	char shown[SHOWN_LEN + 8];
	uint64_t b;
	size_t i;
	json_t *x;
	int e;

	shown_json(shown, sizeof(shown), v);
	if (json_is_null(v) && (o->fl & O_NULL)) {
		set_null(c, o);
		return true;
	}
	switch (o->kind) {
	case K_STR:
		if (!json_is_string(v))
			break;
		if (!json_string_length(v)) {
			snprintf(why, WHY_LEN, "empty %s", o->noun);
			return false;
		}
		*(const char **)field(cfg, o) = json_string_value(v);
		return true;
	case K_BOOL:
		if (!json_is_boolean(v))
			break;
		*(bool *)field(cfg, o) = json_is_true(v);
		return true;
	case K_TRI:
		if (!json_is_boolean(v))
			break;
		*(int *)field(cfg, o) = json_is_true(v);
		return true;
	case K_UINT:
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    !uint_ok(o, (unsigned long long)json_integer_value(v)))
			break;
		put_uint(cfg, o, (uint64_t)json_integer_value(v));
		return true;
	case K_SIZE:
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			b = (uint64_t)json_integer_value(v);
		else if (!json_is_string(v) ||
			 !nc_parse_bytes(json_string_value(v), &b))
			break;
		if (!size_ok(o, b))
			break;
		put_uint(cfg, o, b);
		return true;
	case K_SECONDS:
	case K_TIMEOUT:
		if (!json_is_number(v) || !seconds_ok(o, json_number_value(v)))
			break;
		put_seconds(cfg, o, json_number_value(v));
		return true;
	case K_ENUM:
		if (!json_is_string(v))
			break;
		e = enum_value(o->noun, json_string_value(v));
		if (e < 0)
			break;
		put_enum(cfg, o, e);
		return true;
	case K_TYPES: {
		struct nc_recset *set = o->idx ? &c->exclude : &c->include;
		if (!json_is_array(v))
			break;
		memset(set, 0, sizeof(*set));
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x)) {
				shown_json(shown, sizeof(shown), x);
				snprintf(why, WHY_LEN,
					 "%s is not a record type name (a "
					 "string)",
					 shown);
				return false;
			}
			int t = nc_rec_by_name(json_string_value(x));
			if (t < 0) {
				shown_json(shown, sizeof(shown), x);
				unknown_type(why, shown);
				return false;
			}
			set->on[t] = true;
		}
		if (!o->idx)
			c->include_set = true;
		return true;
	}
	case K_CPUS:
		if (!json_is_string(v))
			break;
		if (!cpus_check(o, json_string_value(v), shown, true, why))
			return false;
		*(const char **)field(cfg, o) = json_string_value(v);
		return true;
	case K_ARGS:
		if (!json_is_array(v) || json_array_size(v) > MAX_EAL)
			break;
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x)) {
				shown_json(shown, sizeof(shown), x);
				snprintf(why, WHY_LEN,
					 "%s is not an EAL argument (a "
					 "string)",
					 shown);
				return false;
			}
		}
		free(c->eal_json);
		c->eal_json = calloc(json_array_size(v) + 1, sizeof(char *));
		if (!c->eal_json) {
			snprintf(why, WHY_LEN, "out of memory");
			return false;
		}
		json_array_foreach(v, i, x)
		{
			c->eal_json[i] = (char *)json_string_value(x);
		}
		cfg->eal_argc = (int)json_array_size(v);
		cfg->eal_argv = c->eal_json;
		return true;
	default:
		break;
	}
	not_a(why, o, shown, true);
	return false;
}

/* ---- the file ---- */

static bool is_section(const char *name, size_t len)
{
	for (unsigned i = 0; i < NOPTS; i++) {
		const char *k = opts[i].key;
		if (k && strlen(k) > len && k[len] == '.' &&
		    !strncmp(k, name, len))
			return true;
	}
	return false;
}

/* The keys allowed in section (NULL: the top level), "a, b, c". */
static void allowed_keys(char *out, size_t len, const char *section)
{
	size_t o = 0, sl = section ? strlen(section) : 0;

	out[0] = '\0';
	for (unsigned i = 0; i < NOPTS && o < len; i++) {
		const char *k = opts[i].key;
		size_t n;
		if (!k)
			continue;
		if (section) {
			if (strncmp(k, section, sl) != 0 || k[sl] != '.')
				continue;
			k += sl + 1;
			n = strlen(k);
		} else {
			n = strcspn(k, ".");
			bool seen = false;
			for (unsigned j = 0; j < i; j++)
				if (opts[j].key &&
				    strcspn(opts[j].key, ".") == n &&
				    !strncmp(opts[j].key, k, n))
					seen = true;
			if (seen)
				continue;
		}
		o += (size_t)snprintf(out + o, len - o, "%s%.*s", o ? ", " : "",
				      (int)n, k);
	}
}

/* The file's value v of name in section (NULL: the top level). */
static int apply_key(struct nc_config *c, const char *section, const char *name,
		     json_t *v)
{
	char why[WHY_LEN], key[256], safe[128], allowed[1024];
	int i;

	if (section)
		snprintf(key, sizeof(key), "%s.%s", section, name);
	else
		snprintf(key, sizeof(key), "%s", name);
	/* a dotted name is no shortcut into a section */
	i = strchr(name, '.') ? -1 : key_index(key);
	if (i < 0) {
		safe_text(safe, sizeof(safe), key);
		allowed_keys(allowed, sizeof(allowed), section);
		return file_err(c, safe, "unknown key (allowed: %s)", allowed);
	}
	if (!set_json(c, &opts[i], v, why))
		return file_err(c, key, "%s", why);
	c->from[i] = FROM_FILE;
	return 0;
}

static int load_file(struct nc_config *c)
{
	json_error_t je;
	struct stat st;
	const char *k, *k2;
	json_t *v, *v2;
	char safe[128], shown[SHOWN_LEN + 8];

	FILE *f = fopen(c->file, "r");
	if (!f)
		return file_err(c, NULL, "cannot read: %s", strerror(errno));
	if (fstat(fileno(f), &st) == 0 &&
	    (S_ISDIR(st.st_mode) || st.st_size == 0)) {
		fclose(f);
		if (S_ISDIR(st.st_mode))
			return file_err(c, NULL, "cannot read: %s",
					strerror(EISDIR));
		return file_err(c, NULL, "empty file (want a JSON object)");
	}
	c->root = json_loadf(f, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	fclose(f);
	if (!c->root) {
		safe_text(safe, sizeof(safe), je.text);
		fprintf(stderr, "%s: %s:%d:%d: %s\n", prog, c->file, je.line,
			je.column, safe);
		return 2;
	}
	if (!json_is_object(c->root)) {
		shown_json(shown, sizeof(shown), c->root);
		return file_err(c, NULL,
				"the top level is %s, not an object ({...})",
				shown);
	}
	json_object_foreach(c->root, k, v)
	{
		if (strchr(k, '.') || !is_section(k, strlen(k))) {
			if (apply_key(c, NULL, k, v))
				return 2;
			continue;
		}
		if (!json_is_object(v)) {
			shown_json(shown, sizeof(shown), v);
			return file_err(c, k, "%s is not an object ({...})",
					shown);
		}
		json_object_foreach(v, k2, v2)
		{
			if (apply_key(c, k, k2, v2))
				return 2;
		}
	}
	return 0;
}

/* ---- printing ---- */

static json_t *size_json(uint64_t v)
{
	char s[32];

	if (v < 1024 || v % 1024)
		return json_integer((json_int_t)v);
	fmt_size(s, sizeof(s), v);
	return json_string(s);
}

static json_t *seconds_json(double d)
{
	if (d == floor(d) && fabs(d) < 1e15)
		return json_integer((json_int_t)d);
	return json_real(d);
}

static json_t *types_json(const struct nc_recset *set)
{
	json_t *a = json_array();

	for (unsigned t = 0; a && t < NC_REC_MAX; t++)
		if (set->on[t])
			json_array_append_new(a, json_string(nc_rec_name(t)));
	return a;
}

static json_t *str_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The option's effective value; NULL when it cannot be shown. */
static json_t *value_json(struct nc_config *c, const struct opt *o)
{
	struct nc_capture_cfg *cfg = c->cfg;
	uint64_t u;
	json_t *a;

	switch (o->kind) {
	case K_STR:
	case K_CPUS:
		return str_json(*(const char **)field(cfg, o));
	case K_BOOL:
		return json_boolean(*(bool *)field(cfg, o));
	case K_TRI: {
		int t = *(int *)field(cfg, o);
		return t < 0 ? json_null() : json_boolean(t);
	}
	case K_UINT:
	case K_SIZE:
		u = get_uint(cfg, o);
		if ((o->fl & O_NULL) &&
		    u == (o->fl & O_NULL_MAX ? UINT64_MAX : 0))
			return json_null();
		return o->kind == K_SIZE ? size_json(u)
					 : json_integer((json_int_t)u);
	case K_SECONDS: {
		double d = *(double *)field(cfg, o);
		if ((o->fl & O_NULL) && d == 0)
			return json_null();
		return seconds_json(d);
	}
	case K_TIMEOUT:
		return seconds_json((double)*(int64_t *)field(cfg, o) / 1e9);
	case K_ENUM: {
		int e = get_enum(cfg, o);
		const char *p = o->noun;
		for (int i = 0; i < e && *p; i++) {
			p += strcspn(p, "|");
			if (*p == '|')
				p++;
		}
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, "|"), p);
		return json_string(name);
	}
	case K_TYPES:
		if (!o->idx && !c->include_set)
			return json_null();
		return types_json(o->idx ? &c->exclude : &c->include);
	case K_ARGS:
		a = json_array();
		for (int i = 0; a && i < cfg->eal_argc; i++)
			if (json_array_append_new(
				a, json_string(cfg->eal_argv[i])) != 0) {
				json_decref(a);
				return NULL;
			}
		return a;
	default:
		return json_null();
	}
}

/* The effective settings as JSON on stdout; 0, or 2 (printed). */
static int print_config(struct nc_config *c)
{
	json_t *root = json_object();
	char section[64];

	for (unsigned i = 0; root && i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		if (!o->key)
			continue;
		json_t *v = value_json(c, o), *obj = root;
		const char *dot = strchr(o->key, '.'), *name = o->key;
		if (!v) {
			json_decref(root);
			return flag_err(&opts[i],
					"the value is not UTF-8 text, so "
					"--print-config cannot show it");
		}
		if (dot) {
			snprintf(section, sizeof(section), "%.*s",
				 (int)(dot - o->key), o->key);
			obj = json_object_get(root, section);
			if (!obj) {
				obj = json_object();
				json_object_set_new(root, section, obj);
			}
			name = dot + 1;
		}
		json_object_set_new(obj, name, v);
	}
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (!s) {
		fprintf(stderr, "netcap capture: --print-config: cannot show "
				"the settings (a value is not UTF-8 text)\n");
		return 2;
	}
	printf("%s\n", s);
	free(s);
	fflush(stdout);
	return 0;
}

/* ---- the layers ---- */

static void defaults(struct nc_capture_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->compress = true;
	cfg->workers = 0; /* from the CPUs, once they are known */
	cfg->writers = 1;
	cfg->rx_desc = 1024;
	cfg->link_wait = 10;
	cfg->min_free_disk = 64ull << 20;
	cfg->stats_interval = 1;
	cfg->spool_max = 1ull << 30;
	cfg->max_inflight = 256;
	cfg->ack_wait = 5;
	cfg->drain_timeout = 30;
	cfg->telemetry = -1;
	cfg->max_connections = NC_DEFAULT_MAX_CONNS;
	cfg->max_streams = UINT64_MAX; /* as max_connections */
	cfg->max_file_size = 64ull << 20;
	cfg->max_files_bytes = 1ull << 30;
	nc_reasm_cfg_default(&cfg->reasm);
	cfg->defrag = true;
	cfg->decode_tunnels = true;
	cfg->defrag_cfg = nc_defrag_cfg_default();
	nc_conn_cfg_default(&cfg->conn);
}

/* CPUs this process may use (or --cpus) minus 1, at least 1. */
static unsigned default_workers(const struct nc_capture_cfg *cfg)
{
	cpu_set_t set;
	unsigned n;

	if (!cfg->cpus || !cpus_syntax(cfg->cpus, &set))
		affinity(&set);
	n = (unsigned)CPU_COUNT(&set);
	n = n > 1 ? n - 1 : 1;
	return n > NC_MAX_WORKERS ? NC_MAX_WORKERS : n;
}

/* How to name option i in a message: its key when the file set it. */
static const char *name_of(const struct nc_config *c, int i, char *buf,
			   size_t len)
{
	if (c->from[i] == FROM_FILE)
		snprintf(buf, len, "%s", opts[i].key);
	else if (opts[i].chr)
		snprintf(buf, len, "-%c", opts[i].chr);
	else
		snprintf(buf, len, "--%s", opts[i].flag);
	return buf;
}

/* A check spanning options, blamed on option i. */
static int cross_err(const struct nc_config *c, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int cross_err(const struct nc_config *c, int i, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	if (c->from[i] == FROM_FILE)
		fprintf(stderr, "%s: ", c->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (c->from[i] == FROM_FILE)
		fputc('\n', stderr);
	else
		fprintf(stderr, " (try '%s --help')\n", prog);
	return 2;
}

static int finish(struct nc_config *c, bool env)
{
	struct nc_capture_cfg *cfg = c->cfg;
	int i_read = opt_index("read");
	int i_bare = opt_index("bare"), i_streams = opt_index("streams");
	int i_ms = opt_index("max-streams");
	int i_sbuf = opt_index("max-stream-buffer");
	char n1[64], n2[64];

	if (!env && !cfg->print_config && !cfg->input && !cfg->iface)
		return flag_err(NULL,
				"missing -r FILE or -i PORT (what to read)");
	if (cfg->input && cfg->iface) {
		if (c->from[i_read] == FROM_FILE)
			return cross_err(c, i_read,
					 "input.read and input.interface "
					 "exclude each other");
		return flag_err(NULL, "-r and -i exclude each other");
	}
	if (cfg->bare && !cfg->iface)
		return cross_err(c, i_bare, "%s needs %s",
				 name_of(c, i_bare, n1, sizeof(n1)),
				 c->from[i_bare] == FROM_FILE
				     ? "input.interface"
				     : "-i PORT");
	if (!env && !cfg->print_config && !cfg->outdir && !agent_mode)
		return flag_err(NULL, "missing -o DIR (where record files go)");
	/* a file may hold them (one file for capture and agent); a flag
	   given to capture is a mistake */
	for (unsigned i = 0; i < NOPTS && !agent_mode && !env; i++)
		if (opts[i].key && !strncmp(opts[i].key, "nats.", 5) &&
		    c->from[i] == FROM_FLAG)
			return cross_err(c, (int)i,
					 "%s is an option of 'netcap agent'",
					 name_of(c, (int)i, n1, sizeof(n1)));
	if (agent_mode && cfg->sensor && !nc_sensor_ok(cfg->sensor))
		return cross_err(
		    c, opt_index("sensor"),
		    "%s '%s': 1 to %d of A-Z a-z 0-9 _ -",
		    name_of(c, opt_index("sensor"), n1, sizeof(n1)),
		    cfg->sensor, NC_SENSOR_MAX);
	if (!cfg->workers)
		cfg->workers = default_workers(cfg);
	/* the publisher is one NATS connection, fed by one writer */
	if (agent_mode && cfg->writers > 1)
		return cross_err(
		    c, opt_index("writers"),
		    "%s must be 1: the records are published "
		    "from one writer",
		    name_of(c, opt_index("writers"), n1, sizeof(n1)));
	uint64_t streams = cfg->max_streams == UINT64_MAX ? cfg->max_connections
							  : cfg->max_streams;
	if (cfg->streams_dir && streams == 0)
		return cross_err(c, i_streams,
				 "%s needs stream reassembly (%s is 0)",
				 name_of(c, i_streams, n1, sizeof(n1)),
				 name_of(c, i_ms, n2, sizeof(n2)));
	if (cfg->max_stream_buffer &&
	    cfg->max_stream_buffer / cfg->workers < MIN_SBUF)
		return cross_err(c, i_sbuf,
				 "%s: %llu bytes is less than %u KiB per "
				 "worker for %u workers",
				 name_of(c, i_sbuf, n1, sizeof(n1)),
				 (unsigned long long)cfg->max_stream_buffer,
				 MIN_SBUF >> 10, cfg->workers);
	if (env)
		return 0;
	if (cfg->print_config)
		return print_config(c) ? 2 : NC_CONFIG_PRINTED;
	cfg->max_streams = streams;
	for (unsigned t = 0; t < NC_REC_MAX; t++)
		cfg->want.on[t] =
		    (!c->include_set || c->include.on[t]) && !c->exclude.on[t];
	return 0;
}

static const struct opt *opt_of_getopt(int ch)
{
	if (ch >= 256 && ch < 256 + (int)NOPTS)
		return &opts[ch - 256];
	for (unsigned i = 0; i < NOPTS; i++)
		if (opts[i].chr == ch)
			return &opts[i];
	return NULL;
}

/* nc_config_parse; env: for `util env` (no input or output needed). */
static int parse(struct nc_config *c, struct nc_capture_cfg *cfg, int argc,
		 char **argv, bool env)
{
	static struct option lopts[NOPTS + 1];
	char shortopts[2 * NOPTS + 2], why[WHY_LEN];
	int nargs = argc, eal_argc = -1, nl = 0, ns = 0, ch;
	char **eal_argv = NULL;

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	defaults(cfg);
	shortopts[ns++] = ':';
	for (unsigned i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		if (!o->flag)
			continue;
		lopts[nl++] = (struct option){
		    o->flag, takes_arg(o) ? required_argument : no_argument,
		    NULL, o->chr ? o->chr : 256 + (int)i};
		if (o->chr) {
			shortopts[ns++] = (char)o->chr;
			if (takes_arg(o))
				shortopts[ns++] = ':';
		}
	}
	lopts[nl] = (struct option){NULL, 0, NULL, 0};
	shortopts[ns] = '\0';

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			nargs = i;
			eal_argc = argc - i - 1;
			eal_argv = argv + i + 1;
			break;
		}
	}
	if (eal_argc > MAX_EAL)
		return flag_err(NULL, "too many EAL arguments after -- (at "
				      "most 64)");

	/* pass 1: the syntax of the command line, --config and -h */
	optind = 0; /* full reset of GNU getopt */
	opterr = 0;
	while ((ch = getopt_long(nargs, argv, shortopts, lopts, NULL)) != -1) {
		const struct opt *o = opt_of_getopt(ch);
		if (ch == ':')
			return flag_err(NULL, "option '%s' needs a value",
					argv[optind - 1]);
		if (!o) {
			if (optopt)
				return flag_err(NULL, "unknown option '-%c'",
						optopt);
			return flag_err(NULL, "unknown option '%s'",
					argv[optind - 1]);
		}
		if (o->kind == K_HELP)
			return NC_CONFIG_HELP;
		if (o->kind == K_CONFIG) {
			if (!optarg[0])
				return flag_err(o, "empty file name");
			c->file = optarg;
		}
	}
	if (optind < nargs)
		return flag_err(NULL, "unexpected argument '%s'", argv[optind]);
	cfg->config_file = c->file;

	/* the file */
	if (c->file && load_file(c) != 0)
		return 2;

	/* pass 2: the flags' values, over the file's */
	int i_read = opt_index("read"), i_if = opt_index("interface");
	optind = 0;
	while ((ch = getopt_long(nargs, argv, shortopts, lopts, NULL)) != -1) {
		const struct opt *o = opt_of_getopt(ch);
		if (!o) /* pass 1 saw the same argv */
			continue;
		int i = (int)(o - opts);
		if (o->kind == K_CONFIG || o->kind == K_HELP)
			continue;
		if (o->kind == K_PRINT) {
			cfg->print_config = true;
			continue;
		}
		if (!set_text(c, o, optarg, why))
			return flag_err(o, "%s", why);
		c->from[i] = FROM_FLAG;
		/* -r or -i on the command line replaces the file's input */
		if ((i == i_read || i == i_if) &&
		    c->from[i == i_read ? i_if : i_read] == FROM_FILE) {
			int j = i == i_read ? i_if : i_read;
			set_null(c, &opts[j]);
			c->from[j] = FROM_DEFAULT;
		}
	}
	if (eal_argc >= 0) {
		cfg->eal_argc = eal_argc;
		cfg->eal_argv = eal_argv;
		c->from[key_index("eal_args")] = FROM_FLAG;
	}
	return finish(c, env);
}

int nc_config_parse(struct nc_config *c, struct nc_capture_cfg *cfg, int argc,
		    char **argv)
{
	return parse(c, cfg, argc, argv, false);
}

int nc_config_parse_agent(struct nc_config *c, struct nc_capture_cfg *cfg,
			  int argc, char **argv)
{
	prog = "netcap agent";
	agent_mode = true;
	int rc = parse(c, cfg, argc, argv, false);
	cfg->agent = true;
	return rc;
}

/* ---- util env ---- */

static void env_usage(FILE *f)
{
	fprintf(f,
		"usage: netcap util env [--config FILE] [capture flags...] "
		"[-- EAL args]\n"
		"Load the settings as `netcap capture` does (defaults, then "
		"the --config\n"
		"file, then the flags; -r/-i and -o are not needed) and print "
		"every\n"
		"setting, one a line:\n"
		"  KEY VALUE SOURCE\n"
		"KEY: the JSON key (docs/ops-config.md); VALUE: the effective "
		"value as\n"
		"JSON (null: unset); SOURCE: default, file or flag.\n"
		"Exit status: 0; 2 a bad flag or config file (one line).\n");
}

/* Where option i's value came from, flag-only aliases included. */
static int source_of(const struct nc_config *c, unsigned i)
{
	int from = c->from[i];

	for (unsigned j = 0; j < NOPTS; j++)
		if (!opts[j].key && opts[j].kind == opts[i].kind &&
		    opts[j].size && opts[j].off == opts[i].off &&
		    c->from[j] > from)
			from = c->from[j];
	return from;
}

int nc_util_env(int argc, char **argv)
{
	static const char *const src[] = {"default", "file", "flag"};
	struct nc_capture_cfg *cfg = calloc(1, sizeof(*cfg));
	struct nc_config c;
	int rc;

	if (!cfg) {
		fprintf(stderr, "netcap util env: out of memory\n");
		return 1;
	}
	prog = "netcap util env";
	rc = parse(&c, cfg, argc, argv, true);
	prog = "netcap capture";
	if (rc == NC_CONFIG_HELP) {
		env_usage(stdout);
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	for (unsigned i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		if (!o->key)
			continue;
		json_t *v = value_json(&c, o);
		char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
						JSON_REAL_PRECISION(15))
			    : NULL;
		json_decref(v);
		printf("%s %s %s\n", o->key, s ? s : "\"(not UTF-8)\"",
		       src[source_of(&c, i)]);
		free(s);
	}
	if (fflush(stdout) != 0)
		rc = 1;
out:
	nc_config_free(&c);
	free(cfg);
	return rc;
}

void nc_config_free(struct nc_config *c)
{
	free(c->eal_json);
	c->eal_json = NULL;
	json_decref(c->root);
	c->root = NULL;
}

void nc_config_lcores(const struct nc_capture_cfg *cfg, const char *affinity,
		      char *buf, size_t len)
{
	unsigned nw = cfg->workers, nwr = cfg->writers ? cfg->writers : 1;
	unsigned last = nw + 1 + nwr; /* the last writer's lcore */
	cpu_set_t set;
	int cpu[NC_MAX_WORKERS + NC_MAX_WRITERS + 1] = {0}, n = 0;

	if (!cfg->cpus || !cpus_syntax(cfg->cpus, &set)) {
		snprintf(buf, len, "(0-%u)@(%s)", last, affinity);
		return;
	}
	for (int i = 0; i < CPU_SETSIZE && n < (int)(nw + 1 + nwr); i++)
		if (CPU_ISSET(i, &set))
			cpu[n++] = i;
	if (n < (int)nw + 1) {
		snprintf(buf, len, "(0-%u)@(%s)", last, cfg->cpus);
		return;
	}
	/* main and RX share the first CPU; a CPU per worker; the writers
	   get one each when there are enough, else share the first */
	bool own = n >= (int)(nw + 1 + nwr);
	size_t off = (size_t)snprintf(buf, len, "(0,1");
	for (unsigned k = 0; k < nwr && !own && off < len; k++)
		off +=
		    (size_t)snprintf(buf + off, len - off, ",%u", nw + 2 + k);
	if (off < len)
		off += (size_t)snprintf(buf + off, len - off, ")@%d", cpu[0]);
	for (unsigned w = 0; w < nw && off < len; w++)
		off += (size_t)snprintf(buf + off, len - off, ",%u@%d", w + 2,
					cpu[1 + w]);
	for (unsigned k = 0; k < nwr && own && off < len; k++)
		off += (size_t)snprintf(buf + off, len - off, ",%u@%d",
					nw + 2 + k, cpu[1 + nw + k]);
}
