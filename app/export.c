/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * export.c: `netcap export`, serve Prometheus metrics computed from stored
 * record files, to look at a stored capture in Grafana (Netcap's export
 * tool does the same).
 *
 * The listening socket is bound and every file opened (its Header read)
 * before anything is served, so a bad option, path or address fails at
 * once. Then the HTTP server runs on its own thread (prom.c) while this
 * thread reads the records into one struct nc_tm (traffic.c): all at once,
 * or with --replay at their original pace, merged across the files in
 * timestamp order. A scrape sees the counts so far. Once every record is
 * read it prints a summary and serves until SIGTERM or SIGINT.
 *
 * Exit status: 0 served until a signal; 1 a file ended with a read error
 * (its records before the error are counted) or the server did not start;
 * 2 usage error, unreadable path, no record files, address not bindable.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "label.h"
#include "nc_version.h"
#include "ncfile.h"
#include "prom.h"
#include "traffic.h"

#define EX_SPEED_MAX 1e6
/* Longest single sleep: how soon a signal is noticed while waiting. */
#define EX_NAP_NS (50 * 1000 * 1000LL)

struct ex_file {
	char *path;
	struct nc_reader *r;
	enum nc_rec type;
	const ProtobufCFieldDescriptor *ts; /* NULL: the type has no time */
	/* --replay: the file's next record (owned by r) and its time */
	ProtobufCMessage *m;
	int64_t t;
};

struct ex_state {
	struct ex_file *f;
	size_t n, cap;
	struct nc_tm *tm;
	/* written by the reading thread, read by scrapes (relaxed) */
	uint64_t records, errors;
	uint32_t finished;
};

static volatile sig_atomic_t ex_stop;

static void ex_on_signal(int sig)
{
	(void)sig;
	ex_stop = 1;
}

static void ex_usage(FILE *f)
{
	fprintf(f,
		"usage: netcap export -r PATH[,PATH...] --metrics ADDR:PORT "
		"[options]\n"
		"Serve Prometheus metrics computed from record files.\n"
		"PATH is a record file (<Type>.ncap.lz4 or .ncap) or a "
		"directory\n"
		"holding them (not searched recursively).\n"
		"  -r, --read PATHS     record files or directories, comma-"
		"separated\n"
		"  --metrics ADDR:PORT  serve GET /metrics there "
		"(127.0.0.1:9380,\n"
		"                       [::1]:9380, :9380 for every address)\n"
		"  --replay             feed the records at their original "
		"pace,\n"
		"                       merged across files in time order\n"
		"  --speed F            --replay F times faster (default 1, "
		"at most 1e6)\n"
		"  -q, --quiet          no summary\n"
		"  -h, --help           this text\n"
		"It serves until SIGTERM or SIGINT.\n");
}

static void ex_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void ex_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("netcap export: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t ex_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep until CLOCK_MONOTONIC reaches target, or a signal came. */
static void ex_wait_until(int64_t target)
{
	while (!ex_stop) {
		int64_t d = target - ex_now_ns();
		if (d <= 0)
			return;
		if (d > EX_NAP_NS)
			d = EX_NAP_NS;
		struct timespec ts = {d / 1000000000LL, d % 1000000000LL};
		nanosleep(&ts, NULL);
	}
}

/*
 * Open path as a record file and append it. explicit: named by -r, so an
 * unknown record type is an error; in a directory such a file is skipped.
 * 0 added, 1 skipped, -1 error (printed).
 */
static int ex_add_file(struct ex_state *st, const char *path, bool explicit)
{
	char err[512];
	struct nc_reader *r = nc_reader_open(path, err, sizeof(err));

	if (!r) {
		ex_err("%s", err);
		return -1;
	}
	int type = nc_reader_type(r);
	if (type < 0) {
		int wire = (int)nc_reader_header(r)->type;
		nc_reader_close(r);
		if (explicit) {
			ex_err("%s: record type %d is unknown to this netcap",
			       path, wire);
			return -1;
		}
		fprintf(stderr,
			"netcap export: %s: record type %d is unknown to this "
			"netcap, skipped\n",
			path, wire);
		return 1;
	}
	char *p = strdup(path);
	if (p && st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 16;
		struct ex_file *v = realloc(st->f, cap * sizeof(*v));
		if (v) {
			st->f = v;
			st->cap = cap;
		}
	}
	if (!p || st->n == st->cap) {
		free(p);
		nc_reader_close(r);
		ex_err("out of memory");
		return -1;
	}
	struct ex_file *f = &st->f[st->n++];
	struct lbl_rec ri;
	memset(f, 0, sizeof(*f));
	f->path = p;
	f->r = r;
	f->type = (enum nc_rec)type;
	/* the record's time: Timestamp, or TimestampFirst (Connection) */
	lbl_rec_info(f->type, &ri);
	f->ts = ri.ts ? ri.ts : ri.first;
	return 0;
}

static int ex_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.ncap.lz4 and *.ncap files directly in dir, in name order. */
static int ex_add_dir(struct ex_state *st, const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, added = 0;
	int rc = 0;

	if (!dp) {
		ex_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp))) {
		const char *nm = de->d_name;
		if (!nc_record_suffix(nm))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **v = realloc(names, cap * sizeof(*v));
			if (!v) {
				rc = -1;
				break;
			}
			names = v;
		}
		size_t pl = strlen(dir) + strlen(nm) + 2;
		char *path = malloc(pl);
		if (!path) {
			rc = -1;
			break;
		}
		snprintf(path, pl, "%s/%s", dir, nm);
		names[n++] = path;
	}
	closedir(dp);
	if (rc < 0)
		ex_err("out of memory");
	if (n)
		qsort(names, n, sizeof(*names), ex_cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat sb;
		/* a directory named X.ncap is not a record file */
		if (stat(names[i], &sb) == 0 && !S_ISREG(sb.st_mode))
			continue;
		int k = ex_add_file(st, names[i], false);
		if (k < 0)
			rc = -1;
		else if (k == 0)
			added++;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0 && added == 0) {
		ex_err("%s: no record files (*.ncap.lz4, *.ncap) in it", dir);
		rc = -1;
	}
	return rc;
}

/* Every PATH of one -r value (comma-separated). */
static int ex_add_paths(struct ex_state *st, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int rc = 0;

	if (!copy) {
		ex_err("out of memory");
		return -1;
	}
	for (char *p = strtok_r(copy, ",", &save); p && rc == 0;
	     p = strtok_r(NULL, ",", &save)) {
		struct stat sb;
		if (stat(p, &sb) != 0) {
			ex_err("%s: %s", p, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			rc = ex_add_dir(st, p);
		} else {
			rc = ex_add_file(st, p, true) == 0 ? 0 : -1;
		}
	}
	free(copy);
	return rc;
}

static void ex_free(struct ex_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		nc_reader_close(st->f[i].r);
		free(st->f[i].path);
	}
	free(st->f);
	free(st->tm);
}

static void ex_render(void *arg, struct nc_prom *p)
{
	struct ex_state *st = arg;
	char ver[64], lab[96];

	nc_prom_family(p, "netcap_build_info", "gauge", "netcap's version");
	nc_prom_escape(ver, sizeof(ver), NC_VERSION);
	snprintf(lab, sizeof(lab), "version=\"%s\"", ver);
	nc_prom_u64(p, "netcap_build_info", lab, 1);
	/* st->n is fixed before the server starts */
	nc_prom_family(p, "netcap_export_files", "gauge",
		       "Record files being exported");
	nc_prom_u64(p, "netcap_export_files", "", st->n);
	nc_prom_family(p, "netcap_export_records_total", "counter",
		       "Records read from the files");
	nc_prom_u64(p, "netcap_export_records_total", "",
		    __atomic_load_n(&st->records, __ATOMIC_RELAXED));
	nc_prom_family(p, "netcap_export_errors_total", "counter",
		       "Files that ended with a read error");
	nc_prom_u64(p, "netcap_export_errors_total", "",
		    __atomic_load_n(&st->errors, __ATOMIC_RELAXED));
	nc_prom_family(p, "netcap_export_finished", "gauge",
		       "1 once every record is read");
	nc_prom_u64(p, "netcap_export_finished", "",
		    __atomic_load_n(&st->finished, __ATOMIC_RELAXED));
	nc_tm_render(p, &st->tm, 1, NULL);
}

static void ex_count(struct ex_state *st, const struct ex_file *f,
		     const ProtobufCMessage *m)
{
	nc_tm_count(st->tm, f->type);
	nc_tm_observe(st->tm, f->type, m);
	__atomic_store_n(&st->records, st->records + 1, __ATOMIC_RELAXED);
}

static void ex_read_error(struct ex_state *st, const struct ex_file *f)
{
	ex_err("%s: %s", f->path, nc_reader_error(f->r));
	__atomic_store_n(&st->errors, st->errors + 1, __ATOMIC_RELAXED);
}

/* Every record of every file, one file after the other. */
static void ex_read_all(struct ex_state *st)
{
	for (size_t i = 0; i < st->n && !ex_stop; i++) {
		struct ex_file *f = &st->f[i];
		ProtobufCMessage *m;
		int k = 0;
		while (!ex_stop && (k = nc_reader_next_tmp(f->r, &m)) == 1)
			ex_count(st, f, m);
		if (!ex_stop && k < 0)
			ex_read_error(st, f);
	}
}

/* --replay: read file f's next record into f->m; false at its end. */
static bool ex_advance(struct ex_state *st, struct ex_file *f)
{
	int k = nc_reader_next_tmp(f->r, &f->m);

	if (k < 0)
		ex_read_error(st, f);
	if (k != 1) {
		f->m = NULL;
		return false;
	}
	/* records of a type without a time go first, unpaced */
	f->t = f->ts ? LBL_AT(f->m, f->ts, int64_t) : INT64_MIN;
	return true;
}

/* A min-heap of file indexes by (next record's time, index). */
static bool ex_less(const struct ex_state *st, size_t a, size_t b)
{
	const struct ex_file *x = &st->f[a], *y = &st->f[b];

	return x->t < y->t || (x->t == y->t && a < b);
}

static void ex_sift_down(const struct ex_state *st, size_t *h, size_t n,
			 size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l < n && ex_less(st, h[l], h[m]))
			m = l;
		if (l + 1 < n && ex_less(st, h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		size_t tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

/*
 * --replay: a k-way merge of the files by record time. Each record is fed
 * when (its time - the first record's time) / speed has passed since the
 * first was fed; a record earlier than one already fed (a file slightly
 * out of order) or without a time (0) is fed at once.
 */
static int ex_replay(struct ex_state *st, double speed)
{
	size_t *h = malloc(st->n * sizeof(*h)), nh = 0;
	int64_t base = 0, t0 = 0;
	bool started = false;

	if (!h) {
		ex_err("out of memory");
		return -1;
	}
	for (size_t i = 0; i < st->n && !ex_stop; i++)
		if (ex_advance(st, &st->f[i]))
			h[nh++] = i;
	for (size_t i = nh / 2; i-- > 0;)
		ex_sift_down(st, h, nh, i);
	while (nh && !ex_stop) {
		struct ex_file *f = &st->f[h[0]];
		if (f->t > 0) {
			if (!started) {
				started = true;
				base = f->t;
				t0 = ex_now_ns();
			}
			/* in double: no overflow on a wild timestamp */
			double d = ((double)f->t - (double)base) / speed;
			if (d > 0) {
				if (d > 1e17) /* three years: stay in int64 */
					d = 1e17;
				ex_wait_until(t0 + (int64_t)d);
				if (ex_stop)
					break;
			}
		}
		ex_count(st, f, f->m);
		if (!ex_advance(st, f))
			h[0] = h[--nh];
		ex_sift_down(st, h, nh, 0);
	}
	free(h);
	return 0;
}

static void ex_summary(const struct ex_state *st)
{
	uint64_t total = 0;

	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		uint64_t n = st->tm->records[t];
		total += n;
		if (n)
			printf("records.%-28s %" PRIu64 "\n",
			       nc_rec_name((enum nc_rec)t), n);
	}
	printf("%-36s %" PRIu64 "\n", "records.total", total);
	printf("%-36s %zu\n", "files", st->n);
	fflush(stdout);
}

int nc_cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"read", required_argument, NULL, 'r'},
	    {"metrics", required_argument, NULL, 'M'},
	    {"replay", no_argument, NULL, 'R'},
	    {"speed", required_argument, NULL, 's'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *metrics = NULL;
	const char **reads = NULL;
	size_t nreads = 0;
	bool replay = false, quiet = false;
	double speed = 1.0;
	int c, fd, rc = 2;
	char err[512];
	struct ex_state st;
	struct sigaction sa, old_int, old_term;
	struct nc_metrics_srv *srv;

	memset(&st, 0, sizeof(st));

	/* at most one -r per argument */
	reads = calloc((size_t)argc + 1, sizeof(*reads));
	if (!reads) {
		ex_err("out of memory");
		return 1;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reads[nreads++] = optarg;
			break;
		case 'M':
			metrics = optarg;
			break;
		case 'R':
			replay = true;
			break;
		case 's': {
			char *end;
			errno = 0;
			speed = strtod(optarg, &end);
			if (end == optarg || *end || errno ||
			    !isfinite(speed) || speed <= 0 ||
			    speed > EX_SPEED_MAX) {
				ex_err("--speed '%s': expected a number "
				       "above 0, at most 1e6",
				       optarg);
				goto out_args;
			}
			break;
		}
		case 'q':
			quiet = true;
			break;
		case 'h':
			ex_usage(stdout);
			rc = 0;
			goto out_args;
		case ':':
			ex_err("option '%s' needs a value", argv[optind - 1]);
			goto out_args;
		default:
			ex_err("unknown option '%s' (try 'netcap export "
			       "--help')",
			       argv[optind - 1]);
			goto out_args;
		}
	}
	if (optind < argc) {
		ex_err("unexpected argument '%s' (try 'netcap export --help')",
		       argv[optind]);
		goto out_args;
	}
	if (!nreads) {
		ex_err("missing -r PATH (try 'netcap export --help')");
		goto out_args;
	}
	if (!metrics) {
		ex_err("missing --metrics ADDR:PORT (try 'netcap export "
		       "--help')");
		goto out_args;
	}

	/* bind first: an address in use fails before any file is read */
	fd = nc_metrics_listen(metrics, err, sizeof(err));
	if (fd < 0) {
		ex_err("%s", err);
		goto out_args;
	}
	for (size_t i = 0; i < nreads; i++) {
		if (ex_add_paths(&st, reads[i]) < 0) {
			close(fd);
			goto out_state;
		}
	}
	st.tm = calloc(1, sizeof(*st.tm));
	if (!st.tm) {
		ex_err("out of memory");
		close(fd);
		rc = 1;
		goto out_state;
	}
	st.tm->entropy = true; /* the records hold whatever they hold */

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ex_on_signal;
	sigemptyset(&sa.sa_mask);
	ex_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	srv = nc_metrics_start(fd, ex_render, &st, err, sizeof(err));
	if (!srv) { /* fd is closed */
		ex_err("%s", err);
		rc = 1;
		goto out_sig;
	}
	rc = 0;
	if (replay)
		rc = ex_replay(&st, speed) < 0 ? 1 : 0;
	else
		ex_read_all(&st);
	if (!ex_stop && rc == 0) {
		__atomic_store_n(&st.finished, 1, __ATOMIC_RELAXED);
		if (!quiet)
			ex_summary(&st);
	}
	while (!ex_stop && rc == 0) {
		struct timespec ts = {0, EX_NAP_NS};
		nanosleep(&ts, NULL);
	}
	nc_metrics_stop(srv);
	if (st.errors)
		rc = 1;
out_sig:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out_state:
	ex_free(&st);
out_args:
	free(reads);
	return rc;
}
