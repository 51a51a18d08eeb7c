/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * collect.c: `netcap collect`, the other end of netcap agent
 * (docs/DISTRIBUTED.md).
 *
 * --setup makes (or checks and updates) the JetStream stream from
 * config/nats-stream.json. Otherwise a pull subscription on a durable
 * consumer with explicit acknowledgement fetches batch messages and writes
 * their records to DIR/<sensor>/<Type>.ncap.lz4.
 *
 * Exactly-once files. For each (sensor, type) the directory holds a lock
 * file .<Type>.lock and a state file .<Type>.state: the size of the open
 * file after the last batch written, and per agent run the batch
 * sequences written (as ranges). A batch is handled under flock(2) of the
 * lock: read the state; a sequence already there is a duplicate
 * (acknowledged, not written); else reopen the file after the state's
 * size (cutting off whatever a killed collector wrote after it), append
 * the records, write the new state (a new file renamed over the old) and
 * only then acknowledge. A collector killed before the state is renamed
 * leaves the batch unacknowledged: JetStream redelivers it and it is
 * written again over the cut-off tail; killed after, the batch is known
 * and its redelivery is a duplicate. Several collect processes sharing the
 * durable consumer take the same lock, so each file has one writer at a
 * time and its state is always the last writer's.
 *
 * Files at rest end their LZ4 frame: a clean exit writes the end mark
 * after the state's size, where the next writer cuts it off again, on
 * every file of the directory that has a state (adopt_all), also those a
 * killed collector left and this run had no batch for. Until then a file
 * a collector killed mid-batch reads up to its last complete batch.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lz4frame.h>

#include "app.h"
#include "config.h"
#include "natsconn.h"
#include "ncfile.h"
#include "rec.h"

#define CO_NS	      1000000000LL
#define MAX_RUNS      256 /* agent runs remembered per (sensor, type) */
#define STATE_MAGIC   "NCCOLLECT1"
#define FETCH_WAIT_MS 500
#define DRAIN_WAIT_MS 100

/* Sequences written for one agent run: sorted, disjoint ranges. */
struct seq_range {
	uint64_t lo, hi;
};
struct run_seqs {
	uint64_t run;
	unsigned n, cap;
	struct seq_range *r;
};

/* A (sensor, type)'s state file, in memory while its lock is held. */
struct cstate {
	uint64_t offset; /* open file's size after its last batch; 0 none */
	int64_t opened;	 /* its Header.Created (ns) */
	unsigned nruns;	 /* runs, least recently written first */
	struct run_seqs runs[MAX_RUNS];
};

/* What this process keeps per (sensor, type) it has written. */
struct slot {
	char sensor[NC_SENSOR_MAX + 1];
	enum nc_rec type;
	int lockfd;
	struct slot *next;
};

struct coll {
	const char *dir;
	const char *stream, *durable;
	uint64_t rotate_size;
	double rotate_interval;
	bool sync, quiet;
	struct slot *slots;
	struct cstate st;
	uint8_t *raw;
	size_t rawcap;
	LZ4F_dctx *dctx;
	struct nc_rcheck *rcheck;
	/* counters */
	uint64_t msgs, batches, records, dups, invalid, bytes, files, errors;
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * CO_NS + ts.tv_nsec;
}

/* One line on stderr: "netcap collect: ..." */
#define cerr(...)                                                              \
	do {                                                                   \
		fputs("netcap collect: ", stderr);                             \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
	} while (0)

/* ---- sequence sets ------------------------------------------------------ */

static bool seqs_has(const struct run_seqs *rs, uint64_t s)
{
	unsigned lo = 0, hi = rs->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (rs->r[mid].hi < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->r[lo].lo <= s;
}

/* Room for one more range. 0, or -1 out of memory. */
static int seqs_room(struct run_seqs *rs)
{
	if (rs->n < rs->cap)
		return 0;
	unsigned nc = rs->cap ? rs->cap * 2 : 4;
	struct seq_range *v = realloc(rs->r, nc * sizeof(*v));
	if (!v)
		return -1;
	rs->r = v;
	rs->cap = nc;
	return 0;
}

static int seqs_add(struct run_seqs *rs, uint64_t s)
{
	unsigned i = 0;

	while (i < rs->n && rs->r[i].hi + 1 < s)
		i++;
	if (i < rs->n && rs->r[i].lo <= s + 1 && rs->r[i].hi + 1 >= s) {
		/* joins range i (from either side), maybe range i+1 too */
		if (s < rs->r[i].lo)
			rs->r[i].lo = s;
		if (s > rs->r[i].hi)
			rs->r[i].hi = s;
		if (i + 1 < rs->n && rs->r[i].hi + 1 >= rs->r[i + 1].lo) {
			rs->r[i].hi = rs->r[i + 1].hi;
			memmove(&rs->r[i + 1], &rs->r[i + 2],
				(rs->n - i - 2) * sizeof(*rs->r));
			rs->n--;
		}
		return 0;
	}
	if (seqs_room(rs) != 0)
		return -1;
	memmove(&rs->r[i + 1], &rs->r[i], (rs->n - i) * sizeof(*rs->r));
	rs->r[i] = (struct seq_range){s, s};
	rs->n++;
	return 0;
}

/* Append [lo, hi] after the last range (the state file's order). */
static int seqs_push(struct run_seqs *rs, uint64_t lo, uint64_t hi)
{
	if (hi < lo || (rs->n && lo <= rs->r[rs->n - 1].hi))
		return -1;
	if (seqs_room(rs) != 0)
		return -1;
	rs->r[rs->n++] = (struct seq_range){lo, hi};
	return 0;
}

static void state_clear(struct cstate *st)
{
	for (unsigned i = 0; i < st->nruns; i++)
		st->runs[i].n = 0;
	st->nruns = 0;
	st->offset = 0;
	st->opened = 0;
}

/* The run's set, made (the most recent) if missing; dropping the least
   recently written run when MAX_RUNS are kept. */
static struct run_seqs *state_run(struct cstate *st, uint64_t run, bool make)
{
	for (unsigned i = 0; i < st->nruns; i++)
		if (st->runs[i].run == run)
			return &st->runs[i];
	if (!make)
		return NULL;
	if (st->nruns == MAX_RUNS) {
		struct run_seqs old = st->runs[0];
		memmove(&st->runs[0], &st->runs[1],
			(MAX_RUNS - 1) * sizeof(st->runs[0]));
		st->nruns--;
		old.n = 0;
		st->runs[st->nruns] = old; /* reuse its array */
	}
	struct run_seqs *rs = &st->runs[st->nruns++];
	rs->run = run;
	rs->n = 0;
	return rs;
}

/* Make rs the most recently written run (last in the file). */
static struct run_seqs *state_touch(struct cstate *st, struct run_seqs *rs)
{
	unsigned i = (unsigned)(rs - st->runs);
	struct run_seqs t = *rs;

	memmove(&st->runs[i], &st->runs[i + 1],
		(st->nruns - i - 1) * sizeof(st->runs[0]));
	st->runs[st->nruns - 1] = t;
	return &st->runs[st->nruns - 1];
}

static void paths(const struct coll *c, const struct slot *s, const char *what,
		  char *buf, size_t len)
{
	if (strcmp(what, "file") == 0)
		snprintf(buf, len, "%s/%s/%s.ncap.lz4", c->dir, s->sensor,
			 nc_rec_name(s->type));
	else
		snprintf(buf, len, "%s/%s/.%s.%s", c->dir, s->sensor,
			 nc_rec_name(s->type), what);
}

/* An unsigned number at *p in base, then *p past it; false if none. */
static bool num_at(char **p, int base, uint64_t *v)
{
	char *end;

	if (!isxdigit((unsigned char)**p))
		return false;
	errno = 0;
	*v = strtoull(*p, &end, base);
	if (errno || end == *p)
		return false;
	*p = end;
	return true;
}

/* One line of the state file into st. false when malformed. */
static bool state_line(struct cstate *st, char *l, bool first)
{
	uint64_t a, b, run;

	l[strcspn(l, "\n")] = 0;
	if (first) { /* "file OFFSET OPENED" */
		if (strncmp(l, "file ", 5) != 0)
			return false;
		l += 5;
		if (!num_at(&l, 10, &st->offset) || *l++ != ' ' ||
		    !num_at(&l, 10, &a) || *l || a > INT64_MAX)
			return false;
		st->opened = (int64_t)a;
		return true;
	}
	/* "run HEX LO-HI,LO-HI,..." */
	if (strncmp(l, "run ", 4) != 0)
		return false;
	l += 4;
	if (!num_at(&l, 16, &run) || *l++ != ' ')
		return false;
	struct run_seqs *rs = state_run(st, run, true);
	for (;;) {
		if (!num_at(&l, 10, &a) || *l++ != '-' || !num_at(&l, 10, &b) ||
		    seqs_push(rs, a, b) != 0)
			return false;
		if (!*l)
			return true;
		if (*l++ != ',')
			return false;
	}
}

/* Read the state file; a missing one is an empty state. 0, or -1. */
static int state_load(struct coll *c, const struct slot *s)
{
	struct cstate *st = &c->st;
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	unsigned n = 0;
	FILE *f;

	state_clear(st);
	paths(c, s, "state", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (getline(&line, &cap, f) > 0) {
		bool ok = n == 0 ? strcmp(line, STATE_MAGIC "\n") == 0
				 : state_line(st, line, n == 1);
		if (!ok)
			goto bad;
		n++;
	}
	if (n < 2)
		goto bad;
	free(line);
	fclose(f);
	return 0;
bad:
	free(line);
	fclose(f);
	errno = EINVAL;
	return -1;
}

/* Write the state: a new file renamed over the old (whole or absent). */
static int state_save(struct coll *c, const struct slot *s)
{
	const struct cstate *st = &c->st;
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	paths(c, s, "state", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	fprintf(f, STATE_MAGIC "\nfile %" PRIu64 " %" PRId64 "\n", st->offset,
		st->opened);
	for (unsigned i = 0; i < st->nruns; i++) {
		const struct run_seqs *rs = &st->runs[i];
		if (!rs->n)
			continue;
		fprintf(f, "run %016" PRIx64, rs->run);
		for (unsigned k = 0; k < rs->n; k++)
			fprintf(f, "%c%" PRIu64 "-%" PRIu64, k ? ',' : ' ',
				rs->r[k].lo, rs->r[k].hi);
		fputc('\n', f);
	}
	int rc =
	    fflush(f) == 0 && (!c->sync || fdatasync(fileno(f)) == 0) ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return -1;
	}
	if (c->sync) { /* the rename too */
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s/%s", c->dir, s->sensor);
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0)
			rc = -1;
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

/* ---- files ------------------------------------------------------------ */

/* Close the open file (end mark) and give it its timestamped name. */
static int file_rotate(struct coll *c, const struct slot *s)
{
	struct cstate *st = &c->st;
	char path[PATH_MAX], to[PATH_MAX + 64], stamp[32];
	struct nc_writer *w;

	if (!st->offset)
		return 0;
	paths(c, s, "file", path, sizeof(path));
	w = nc_writer_resume(path, st->offset);
	if (!w || nc_writer_close(w) != 0)
		return -1;
	time_t tt = (time_t)(st->opened / CO_NS);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%SZ", &tm);
	for (unsigned n = 0; n < 100000; n++) {
		if (n)
			snprintf(to, sizeof(to), "%s/%s/%s.%s-%u.ncap.lz4",
				 c->dir, s->sensor, nc_rec_name(s->type), stamp,
				 n);
		else
			snprintf(to, sizeof(to), "%s/%s/%s.%s.ncap.lz4", c->dir,
				 s->sensor, nc_rec_name(s->type), stamp);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) ==
		    0) {
			st->offset = 0;
			st->opened = 0;
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static struct slot *slot_get(struct coll *c, const char *sensor, enum nc_rec t)
{
	char path[PATH_MAX];
	struct slot *s;

	for (s = c->slots; s; s = s->next)
		if (s->type == t && !strcmp(s->sensor, sensor))
			return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->sensor, sizeof(s->sensor), "%s", sensor);
	s->type = t;
	snprintf(path, sizeof(path), "%s/%s", c->dir, sensor);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		free(s);
		return NULL;
	}
	paths(c, s, "lock", path, sizeof(path));
	s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->lockfd < 0) {
		free(s);
		return NULL;
	}
	s->next = c->slots;
	c->slots = s;
	return s;
}

static int slot_lock(struct slot *s)
{
	while (flock(s->lockfd, LOCK_EX) != 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void slot_unlock(struct slot *s)
{
	(void)flock(s->lockfd, LOCK_UN);
}

/* ---- one batch message ------------------------------------------------ */

struct batch {
	const char *subject;
	char sensor[NC_SENSOR_MAX + 1];
	enum nc_rec type;
	uint64_t run, seq, records, size;
	const char *input;
	bool payloads;
	const uint8_t *raw; /* size bytes of delimited records */
};

static const char *hdr(natsMsg *m, const char *k)
{
	const char *v = NULL;

	return natsMsgHeader_Get(m, k, &v) == NATS_OK ? v : NULL;
}

static bool hdr_u64(natsMsg *m, const char *k, int base, uint64_t *out)
{
	const char *v = hdr(m, k);
	char *end;

	if (!v || !*v || *v == '-')
		return false;
	errno = 0;
	*out = strtoull(v, &end, base);
	return !errno && !*end;
}

/* Inflate the message's LZ4 frame into c->raw (b->size bytes). */
static const char *inflate_batch(struct coll *c, natsMsg *m, struct batch *b)
{
	const uint8_t *in = (const uint8_t *)natsMsg_GetData(m);
	size_t inlen = (size_t)natsMsg_GetDataLength(m), outlen = b->size;

	if (b->size > c->rawcap) {
		uint8_t *r = realloc(c->raw, b->size);
		if (!r)
			return "out of memory";
		c->raw = r;
		c->rawcap = b->size;
	}
	LZ4F_resetDecompressionContext(c->dctx);
	size_t used = inlen, made = outlen;
	size_t hint = LZ4F_decompress(c->dctx, c->raw, &made, in, &used, NULL);
	if (LZ4F_isError(hint))
		return "bad LZ4 frame";
	if (used != inlen || made != outlen || hint != 0) {
		/* not all consumed, a short or long result, or the frame
		   does not end: truncated or not what the headers say */
		if (hint != 0)
			return "truncated LZ4 frame";
		if (made < outlen)
			return "LZ4 content shorter than Netcap-Size";
		return "LZ4 frame longer than Netcap-Size";
	}
	b->raw = c->raw;
	return NULL;
}

/* Every record: a varint length, a message of the type; as many as
   Netcap-Records. NULL, or why not. */
static const char *check_records(struct coll *c, const struct batch *b,
				 char *why, size_t len)
{
	const uint8_t *p = b->raw, *end = b->raw + b->size;
	uint64_t n = 0, l;

	while (p < end) {
		int k = nc_varint_get(p, end, &l);
		if (k <= 0 || l > (uint64_t)(end - p - k)) {
			snprintf(why, len, "record %" PRIu64 ": bad framing",
				 n + 1);
			return why;
		}
		if (!nc_rcheck(c->rcheck, b->type, p + k, (size_t)l)) {
			snprintf(why, len,
				 "record %" PRIu64 ": not a %s message", n + 1,
				 nc_rec_name(b->type));
			return why;
		}
		p += k + l;
		n++;
	}
	if (n != b->records) {
		snprintf(why, len,
			 "%" PRIu64
			 " records where Netcap-Records says %" PRIu64,
			 n, b->records);
		return why;
	}
	return NULL;
}

/* Parse and check a message; NULL, or why it is not a batch. */
static const char *parse_batch(struct coll *c, natsMsg *m, struct batch *b,
			       char *why, size_t len)
{
	const char *subj = natsMsg_GetSubject(m);
	const char *t = hdr(m, "Netcap-Type"), *sn = hdr(m, "Netcap-Sensor");
	char want[160];

	memset(b, 0, sizeof(*b));
	b->subject = subj;
	if (!t || !sn || !nc_sensor_ok(sn))
		return "no Netcap-Type or Netcap-Sensor header";
	int ty = nc_rec_by_name(t);
	if (ty < 0 || strcmp(nc_rec_name((enum nc_rec)ty), t) != 0)
		return "unknown Netcap-Type";
	snprintf(want, sizeof(want), NC_NATS_SUBJECT_ROOT ".%s.%s", sn, t);
	if (strcmp(subj, want) != 0)
		return "subject does not match its headers";
	snprintf(b->sensor, sizeof(b->sensor), "%s", sn);
	b->type = (enum nc_rec)ty;
	if (!hdr_u64(m, "Netcap-Run", 16, &b->run) ||
	    !hdr_u64(m, "Netcap-Seq", 10, &b->seq) || b->seq == 0 ||
	    !hdr_u64(m, "Netcap-Records", 10, &b->records) ||
	    !hdr_u64(m, "Netcap-Size", 10, &b->size))
		return "bad Netcap-Run, -Seq, -Records or -Size header";
	if (b->size > NC_NATS_MAX_RAW)
		return "Netcap-Size too large";
	b->input = hdr(m, "Netcap-Input");
	const char *pl = hdr(m, "Netcap-Payloads");
	b->payloads = pl && !strcmp(pl, "1");
	const char *e = inflate_batch(c, m, b);
	if (e)
		return e;
	return check_records(c, b, why, len);
}

/* Write batch b under its slot's lock. 1 written, 0 duplicate, -1 error. */
static int write_batch(struct coll *c, const struct batch *b)
{
	struct slot *s = slot_get(c, b->sensor, b->type);
	struct cstate *st = &c->st;
	char path[PATH_MAX];
	struct nc_writer *w = NULL;
	int rc = -1;

	if (!s || slot_lock(s) != 0)
		return -1;
	if (state_load(c, s) != 0) {
		cerr("%s/%s: state file unreadable: %s", b->sensor,
		     nc_rec_name(b->type), strerror(errno));
		goto out;
	}
	struct run_seqs *rs = state_run(st, b->run, false);
	if (rs && seqs_has(rs, b->seq)) {
		rc = 0;
		goto out;
	}
	paths(c, s, "file", path, sizeof(path));
	if (st->offset) {
		w = nc_writer_resume(path, st->offset);
		if (!w) {
			/* the file is gone, or shorter than written (cut by
			   hand): start a new one, keeping what is there */
			char aside[PATH_MAX + 32];
			snprintf(aside, sizeof(aside), "%s.broken-%" PRId64,
				 path, now_ns());
			if (errno != ENOENT && rename(path, aside) == 0)
				cerr("%s: shorter than its state says: kept "
				     "as %s",
				     path, aside);
			st->offset = 0;
		}
	}
	if (!w) {
		struct nc_writer_opts o = {
		    .type = b->type,
		    .input_source = b->input ? b->input : "",
		    .created = now_ns(),
		    .payloads = b->payloads,
		    .compress = true,
		};
		w = nc_writer_open(path, &o);
		if (!w) {
			cerr("%s: %s", path, strerror(errno));
			goto out;
		}
		st->opened = o.created;
		c->files++;
	}
	if (nc_writer_append(w, b->raw, b->size) != 0 ||
	    (c->sync && nc_writer_sync(w) != 0)) {
		cerr("%s: %s", path, strerror(errno ? errno : EIO));
		(void)nc_writer_detach(w);
		goto out;
	}
	st->offset = nc_writer_bytes(w);
	if (nc_writer_detach(w) != 0) {
		cerr("%s: %s", path, strerror(errno));
		goto out;
	}
	rs = state_run(st, b->run, true);
	rs = state_touch(st, rs);
	if (seqs_add(rs, b->seq) != 0)
		goto out;
	if ((c->rotate_size && st->offset >= c->rotate_size) ||
	    (c->rotate_interval > 0 &&
	     now_ns() - st->opened >= (int64_t)(c->rotate_interval * CO_NS))) {
		if (file_rotate(c, s) != 0) {
			cerr("%s: rotate: %s", path, strerror(errno));
			goto out;
		}
	}
	if (state_save(c, s) != 0) {
		cerr("%s/%s: state: %s", b->sensor, nc_rec_name(b->type),
		     strerror(errno));
		goto out;
	}
	rc = 1;
out:
	slot_unlock(s);
	return rc;
}

static void handle(struct coll *c, natsMsg *m)
{
	struct batch b;
	char why[160];
	const char *e = parse_batch(c, m, &b, why, sizeof(why));

	c->msgs++;
	if (e) {
		jsMsgMetaData *md = NULL;
		uint64_t sseq = 0;
		if (natsMsg_GetMetaData(&md, m) == NATS_OK) {
			sseq = md->Sequence.Stream;
			jsMsgMetaData_Destroy(md);
		}
		c->invalid++;
		cerr("%s (stream sequence %" PRIu64 "): not a batch: %s: "
		     "acknowledged, not written",
		     b.subject ? b.subject : "?", sseq, e);
		natsMsg_Ack(m, NULL);
		return;
	}
	int rc = write_batch(c, &b);
	if (rc < 0) {
		/* not acknowledged: redelivered after the ack wait */
		c->errors++;
		return;
	}
	if (rc == 0)
		c->dups++;
	else {
		c->batches++;
		c->records += b.records;
		c->bytes += b.size;
	}
	natsMsg_Ack(m, NULL);
}

/*
 * At exit: a slot for every (sensor, type) with a state file in the
 * directory, not only those this run wrote, so that a file a killed
 * collector left open-ended gets its end mark even when no batch of its
 * type came to this run.
 */
static void adopt_all(struct coll *c)
{
	DIR *top = opendir(c->dir);
	struct dirent *d, *f;
	char path[PATH_MAX];

	if (!top)
		return;
	while ((d = readdir(top)) != NULL) {
		if (d->d_name[0] == '.' || strlen(d->d_name) > NC_SENSOR_MAX)
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->dir, d->d_name);
		DIR *sd = opendir(path);
		if (!sd)
			continue;
		while ((f = readdir(sd)) != NULL) {
			/* .<Type>.state */
			size_t n = strlen(f->d_name);
			char type[64];
			if (f->d_name[0] != '.' || n < 8 ||
			    n - 7 >= sizeof(type) ||
			    strcmp(f->d_name + n - 6, ".state") != 0)
				continue;
			memcpy(type, f->d_name + 1, n - 7);
			type[n - 7] = '\0';
			int t = nc_rec_by_name(type);
			if (t >= 0)
				(void)slot_get(c, d->d_name, (enum nc_rec)t);
		}
		closedir(sd);
	}
	closedir(top);
}

/* Rotation by time while no batch comes, and the end marks at exit. */
static void close_all(struct coll *c, bool at_exit)
{
	if (at_exit)
		adopt_all(c);
	for (struct slot *s = c->slots; s; s = s->next) {
		if (slot_lock(s) != 0)
			continue;
		if (state_load(c, s) == 0 && c->st.offset) {
			bool due = c->rotate_interval > 0 &&
				   now_ns() - c->st.opened >=
				       (int64_t)(c->rotate_interval * CO_NS);
			if (due) {
				if (file_rotate(c, s) != 0 ||
				    state_save(c, s) != 0)
					c->errors++;
			} else if (at_exit) {
				/* end the frame after the state's size:
				   the next writer cuts the mark off */
				char path[PATH_MAX];
				paths(c, s, "file", path, sizeof(path));
				struct nc_writer *w =
				    nc_writer_resume(path, c->st.offset);
				if (!w || nc_writer_close(w) != 0)
					c->errors++;
			}
		}
		slot_unlock(s);
	}
}

/* ---- --setup ---------------------------------------------------------- */

struct stream_cfg {
	char name[64];
	int64_t replicas;
	double max_age, duplicate_window; /* seconds; 0 unlimited */
	int64_t max_bytes, max_msgs;	  /* -1 unlimited */
	int64_t max_msg_size;
	bool memory;
};

/* config/nats-stream.json: every key optional, none unknown. */
static int stream_cfg_load(const char *file, struct stream_cfg *sc, char *err,
			   size_t errlen)
{
	json_error_t je;
	json_t *root, *v;
	const char *k;

	*sc = (struct stream_cfg){.name = NC_NATS_STREAM,
				  .replicas = 1,
				  .max_age = 7 * 86400,
				  .duplicate_window = 600,
				  .max_bytes = -1,
				  .max_msgs = -1,
				  .max_msg_size = 8 << 20};
	if (!file)
		return 0;
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d: %s", file, je.line, je.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: not a JSON object", file);
		goto bad;
	}
	json_object_foreach(root, k, v)
	{
		uint64_t b;
		if (!strcmp(k, "name")) {
			const char *s = json_string_value(v);
			if (!s || !*s || strlen(s) >= sizeof(sc->name) ||
			    strpbrk(s, ".*> \t")) {
				snprintf(err, errlen,
					 "%s: name: a stream name (no . * > "
					 "or blanks)",
					 file);
				goto bad;
			}
			snprintf(sc->name, sizeof(sc->name), "%s", s);
		} else if (!strcmp(k, "replicas")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 5) {
				snprintf(err, errlen,
					 "%s: replicas: an integer 1 to 5",
					 file);
				goto bad;
			}
			sc->replicas = json_integer_value(v);
		} else if (!strcmp(k, "storage")) {
			const char *s = json_string_value(v);
			if (!s || (strcmp(s, "file") != 0 &&
				   strcmp(s, "memory") != 0)) {
				snprintf(err, errlen,
					 "%s: storage: \"file\" or \"memory\"",
					 file);
				goto bad;
			}
			sc->memory = !strcmp(s, "memory");
		} else if (!strcmp(k, "max_age") ||
			   !strcmp(k, "duplicate_window")) {
			if (!json_is_number(v) || json_number_value(v) < 0 ||
			    json_number_value(v) > 3.2e8) {
				snprintf(err, errlen,
					 "%s: %s: seconds, 0 to 3.2e8 (0: "
					 "no limit)",
					 file, k);
				goto bad;
			}
			*(k[0] == 'm' ? &sc->max_age : &sc->duplicate_window) =
			    json_number_value(v);
		} else if (!strcmp(k, "max_bytes") ||
			   !strcmp(k, "max_msg_size")) {
			const char *s = json_string_value(v);
			if (json_is_integer(v) && json_integer_value(v) > 0)
				b = (uint64_t)json_integer_value(v);
			else if (!s || !nc_parse_bytes(s, &b) || !b ||
				 b > INT64_MAX) {
				snprintf(err, errlen,
					 "%s: %s: bytes, e.g. 64G (a positive "
					 "integer or digits with K, M, G, T)",
					 file, k);
				goto bad;
			}
			if (k[4] == 'b')
				sc->max_bytes = (int64_t)b;
			else if (b > INT32_MAX) {
				snprintf(err, errlen,
					 "%s: max_msg_size: at most 2G", file);
				goto bad;
			} else
				sc->max_msg_size = (int64_t)b;
		} else if (!strcmp(k, "max_msgs")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1) {
				snprintf(err, errlen,
					 "%s: max_msgs: a positive integer",
					 file);
				goto bad;
			}
			sc->max_msgs = json_integer_value(v);
		} else {
			snprintf(err, errlen,
				 "%s: unknown key '%s' (name, replicas, "
				 "storage, max_age, max_bytes, max_msgs, "
				 "max_msg_size, duplicate_window)",
				 file, k);
			goto bad;
		}
	}
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	return -1;
}

static int setup(jsCtx *js, const struct stream_cfg *sc)
{
	static const char *subjects[] = {NC_NATS_SUBJECT_ROOT ".>"};
	jsStreamConfig cfg;
	jsStreamInfo *si = NULL;
	jsErrCode je = 0;
	natsStatus s;

	jsStreamConfig_Init(&cfg);
	cfg.Name = sc->name;
	cfg.Description = "netcap record batches (netcap agent)";
	cfg.Subjects = subjects;
	cfg.SubjectsLen = 1;
	cfg.Storage = sc->memory ? js_MemoryStorage : js_FileStorage;
	cfg.Replicas = sc->replicas;
	cfg.MaxAge = (int64_t)(sc->max_age * CO_NS);
	cfg.MaxBytes = sc->max_bytes;
	cfg.MaxMsgs = sc->max_msgs;
	cfg.MaxMsgSize = (int32_t)sc->max_msg_size;
	cfg.Duplicates = (int64_t)(sc->duplicate_window * CO_NS);
	cfg.Retention = js_LimitsPolicy;
	cfg.Discard = js_DiscardOld;

	s = js_GetStreamInfo(&si, js, sc->name, NULL, &je);
	const char *verb = "created";
	if (s == NATS_OK) {
		jsStreamInfo_Destroy(si);
		si = NULL;
		s = js_UpdateStream(&si, js, &cfg, NULL, &je);
		verb = "checked and updated";
	} else if (s == NATS_NOT_FOUND) {
		s = js_AddStream(&si, js, &cfg, NULL, &je);
	}
	if (s != NATS_OK) {
		cerr("--setup: stream %s: %s (JetStream error %d)", sc->name,
		     nats_GetLastError(NULL), (int)je);
		return 1;
	}
	printf("stream %s %s: subjects %s, %s storage, %" PRId64
	       " replicas, max age %.0f s, max bytes %" PRId64
	       ", duplicate window %.0f s, %" PRIu64 " messages\n",
	       sc->name, verb, subjects[0], sc->memory ? "memory" : "file",
	       si->Config->Replicas, sc->max_age, sc->max_bytes,
	       sc->duplicate_window, si->State.Msgs);
	jsStreamInfo_Destroy(si);
	return 0;
}

/* ---- the command -------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap collect -o DIR [options]\n"
	    "       netcap collect --setup [--replicas N] [--stream-config "
	    "FILE]\n"
	    "\n"
	    "Fetch the record batches netcap agents publish to NATS "
	    "JetStream\n"
	    "(a durable pull consumer, explicit acknowledgement) and write "
	    "them to\n"
	    "DIR/<sensor>/<Type>.ncap.lz4, each batch exactly once "
	    "(docs/DISTRIBUTED.md).\n"
	    "\n"
	    "  -o, --out DIR         output directory (made if missing)\n"
	    "      --nats URL,...    servers (default %s)\n"
	    "      --stream NAME     the stream (default %s)\n"
	    "      --durable NAME    the consumer: collectors sharing it "
	    "share the\n"
	    "                        work (default netcap-collect)\n"
	    "      --fetch N         messages per fetch (64)\n"
	    "      --ack-wait SEC    redeliver a batch not acknowledged by "
	    "then (30)\n"
	    "      --rotate-size BYTES, --rotate-interval SEC  as capture's\n"
	    "      --sync            fdatasync every batch before its "
	    "acknowledgement\n"
	    "                        (survives a power loss, not only a "
	    "kill)\n"
	    "      --drain           exit once the consumer has nothing "
	    "pending\n"
	    "      --setup           make or update the stream and exit\n"
	    "      --replicas N      --setup: replicas, 1 to 5\n"
	    "      --stream-config FILE  --setup: settings as JSON\n"
	    "                        (config/nats-stream.json)\n"
	    "      --nats-ca FILE, --nats-tls, --nats-cert FILE, --nats-key "
	    "FILE,\n"
	    "      --nats-creds FILE, --nats-user NAME, "
	    "--nats-password-file FILE,\n"
	    "      --nats-token-file FILE, --nats-nkey PUBKEY, "
	    "--nats-nkey-seed FILE\n"
	    "                        as netcap agent's\n"
	    "  -q, --quiet           no summary\n"
	    "  -h, --help            this help\n"
	    "\n"
	    "Exit status: 0; 1 a write or server failure; 2 bad options.\n",
	    NC_NATS_DEFAULT_URL, NC_NATS_STREAM);
}

enum {
	CO_NATS = 256,
	CO_STREAM,
	CO_DURABLE,
	CO_FETCH,
	CO_ACKWAIT,
	CO_RSIZE,
	CO_RIVL,
	CO_SYNC,
	CO_DRAIN,
	CO_SETUP,
	CO_REPL,
	CO_SCFG,
	CO_CA,
	CO_TLS,
	CO_CERT,
	CO_KEY,
	CO_CREDS,
	CO_USER,
	CO_PWF,
	CO_TOKF,
	CO_NKEY,
	CO_SEED,
};

static bool num_arg(const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return !errno && end != s && !*end && *v >= lo && *v <= hi;
}

/* 0: nothing pending for the consumer; 1 something; -1 unknown */
static int consumer_pending(jsCtx *js, const struct coll *c)
{
	jsConsumerInfo *ci = NULL;
	jsErrCode je;

	if (js_GetConsumerInfo(&ci, js, c->stream, c->durable, NULL, &je) !=
	    NATS_OK)
		return -1;
	int r = ci->NumPending || ci->NumAckPending;
	jsConsumerInfo_Destroy(ci);
	return r;
}

static int run_collect(struct coll *c, natsConnection *nc, jsCtx *js, int fetch,
		       double ack_wait, bool drain)
{
	natsSubscription *sub = NULL;
	jsSubOptions so;
	jsErrCode je = 0;
	natsStatus s;
	int rc = 0;

	(void)nc;
	jsSubOptions_Init(&so);
	so.Stream = c->stream;
	so.Config.Durable = c->durable;
	so.Config.AckPolicy = js_AckExplicit;
	so.Config.AckWait = (int64_t)(ack_wait * CO_NS);
	so.Config.DeliverPolicy = js_DeliverAll;
	so.Config.MaxAckPending = fetch * 16;
	/* a subscription needs a server: wait for one (a signal ends it) */
	for (;;) {
		s = js_PullSubscribe(&sub, js, NC_NATS_SUBJECT_ROOT ".>",
				     c->durable, NULL, &so, &je);
		if (s == NATS_OK)
			break;
		if (stopping || (s != NATS_TIMEOUT && s != NATS_NO_RESPONDERS &&
				 s != NATS_CONNECTION_DISCONNECTED &&
				 s != NATS_NOT_YET_CONNECTED)) {
			cerr("consumer %s on stream %s: %s (JetStream error "
			     "%d; was 'netcap collect --setup' run?)",
			     c->durable, c->stream, nats_GetLastError(NULL),
			     (int)je);
			return 1;
		}
		nats_Sleep(250);
	}
	int64_t quiet_since = 0; /* --drain: nothing pending since (ns) */
	while (!stopping) {
		natsMsgList list = {0};
		/* --drain: short waits */
		s = natsSubscription_Fetch(
		    &list, sub, fetch, drain ? DRAIN_WAIT_MS : FETCH_WAIT_MS,
		    &je);
		if (s == NATS_OK) {
			quiet_since = 0;
			for (int i = 0; i < list.Count && !stopping; i++)
				handle(c, list.Msgs[i]);
			natsMsgList_Destroy(&list);
			continue;
		}
		natsMsgList_Destroy(&list);
		if (s != NATS_TIMEOUT)
			nats_Sleep(250); /* a server away: the client
					    reconnects */
		close_all(c, false);	 /* rotation by time */
		/* --drain: done when the consumer has had nothing pending for
		   a second of empty fetches (an acknowledgement of ours may be
		   on its way; after a leader change a replica's answer may be
		   late) */
		if (drain && s == NATS_TIMEOUT &&
		    consumer_pending(js, c) == 0) {
			if (!quiet_since)
				quiet_since = now_ns();
			else if (now_ns() - quiet_since >= CO_NS)
				break;
		} else
			quiet_since = 0;
	}
	natsSubscription_Destroy(sub);
	return rc;
}

int nc_cmd_collect(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"nats", required_argument, NULL, CO_NATS},
	    {"stream", required_argument, NULL, CO_STREAM},
	    {"durable", required_argument, NULL, CO_DURABLE},
	    {"fetch", required_argument, NULL, CO_FETCH},
	    {"ack-wait", required_argument, NULL, CO_ACKWAIT},
	    {"rotate-size", required_argument, NULL, CO_RSIZE},
	    {"rotate-interval", required_argument, NULL, CO_RIVL},
	    {"sync", no_argument, NULL, CO_SYNC},
	    {"drain", no_argument, NULL, CO_DRAIN},
	    {"setup", no_argument, NULL, CO_SETUP},
	    {"replicas", required_argument, NULL, CO_REPL},
	    {"stream-config", required_argument, NULL, CO_SCFG},
	    {"nats-ca", required_argument, NULL, CO_CA},
	    {"nats-tls", no_argument, NULL, CO_TLS},
	    {"nats-cert", required_argument, NULL, CO_CERT},
	    {"nats-key", required_argument, NULL, CO_KEY},
	    {"nats-creds", required_argument, NULL, CO_CREDS},
	    {"nats-user", required_argument, NULL, CO_USER},
	    {"nats-password-file", required_argument, NULL, CO_PWF},
	    {"nats-token-file", required_argument, NULL, CO_TOKF},
	    {"nats-nkey", required_argument, NULL, CO_NKEY},
	    {"nats-nkey-seed", required_argument, NULL, CO_SEED},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct coll c = {.stream = NC_NATS_STREAM, .durable = "netcap-collect"};
	struct nc_nats_opts no = {0};
	const char *scfg = NULL;
	bool do_setup = false, drain = false;
	double fetch = 64, ack_wait = 30, repl = 0, d;
	char err[1024];
	int ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":o:qh", lo, NULL)) != -1) {
		switch (ch) {
		case 'o':
			c.dir = optarg;
			break;
		case 'q':
			c.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case CO_NATS:
			no.servers = optarg;
			break;
		case CO_STREAM:
			c.stream = optarg;
			break;
		case CO_DURABLE:
			if (!*optarg || strpbrk(optarg, ".*> \t")) {
				cerr("--durable '%s': a consumer name (no . * "
				     "> or blanks)",
				     optarg);
				return 2;
			}
			c.durable = optarg;
			break;
		case CO_FETCH:
			if (!num_arg(optarg, 1, 4096, &fetch)) {
				cerr("--fetch '%s': 1 to 4096", optarg);
				return 2;
			}
			break;
		case CO_ACKWAIT:
			if (!num_arg(optarg, 1, 86400, &ack_wait)) {
				cerr("--ack-wait '%s': seconds, 1 to 86400",
				     optarg);
				return 2;
			}
			break;
		case CO_RSIZE:
			if (!nc_parse_bytes(optarg, &c.rotate_size) ||
			    c.rotate_size < 4096) {
				cerr("--rotate-size '%s': bytes, at least 4096 "
				     "(K, M, G, T suffixes)",
				     optarg);
				return 2;
			}
			break;
		case CO_RIVL:
			if (!num_arg(optarg, 1, 31622400, &d)) {
				cerr("--rotate-interval '%s': seconds, 1 to "
				     "31622400",
				     optarg);
				return 2;
			}
			c.rotate_interval = d;
			break;
		case CO_SYNC:
			c.sync = true;
			break;
		case CO_DRAIN:
			drain = true;
			break;
		case CO_SETUP:
			do_setup = true;
			break;
		case CO_REPL:
			if (!num_arg(optarg, 1, 5, &repl) ||
			    repl != (int)repl) {
				cerr("--replicas '%s': 1 to 5", optarg);
				return 2;
			}
			break;
		case CO_SCFG:
			scfg = optarg;
			break;
		case CO_CA:
			no.ca = optarg;
			break;
		case CO_TLS:
			no.tls = true;
			break;
		case CO_CERT:
			no.cert = optarg;
			break;
		case CO_KEY:
			no.key = optarg;
			break;
		case CO_CREDS:
			no.creds = optarg;
			break;
		case CO_USER:
			no.user = optarg;
			break;
		case CO_PWF:
			no.password_file = optarg;
			break;
		case CO_TOKF:
			no.token_file = optarg;
			break;
		case CO_NKEY:
			no.nkey = optarg;
			break;
		case CO_SEED:
			no.nkey_seed = optarg;
			break;
		case ':':
			cerr("%s needs a value (try 'netcap collect --help')",
			     argv[optind - 1]);
			return 2;
		default:
			cerr(
			    "unknown option '%s' (try 'netcap collect --help')",
			    argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		cerr("unexpected argument '%s' (try 'netcap collect --help')",
		     argv[optind]);
		return 2;
	}
	struct stream_cfg sc;
	if (do_setup) {
		if (stream_cfg_load(scfg, &sc, err, sizeof(err)) != 0) {
			cerr("--stream-config %s", err);
			return 2;
		}
		if (repl)
			sc.replicas = (int64_t)repl;
		if (strcmp(c.stream, NC_NATS_STREAM) != 0)
			snprintf(sc.name, sizeof(sc.name), "%s", c.stream);
	} else if (!c.dir) {
		cerr("missing -o DIR (where record files go) or --setup");
		return 2;
	} else if (scfg || repl) {
		cerr("--replicas and --stream-config go with --setup");
		return 2;
	}
	if (c.dir && mkdir(c.dir, 0755) != 0 && errno != EEXIST) {
		cerr("%s: %s", c.dir, strerror(errno));
		return 2;
	}

	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	if (nc_nats_connect(&no, "netcap-collect", !do_setup, NULL, &nc, err,
			    sizeof(err)) != 0) {
		cerr("%s", err);
		return 2;
	}
	jsOptions jo;
	jsOptions_Init(&jo);
	jo.Wait = 5000;
	if (natsConnection_JetStream(&js, nc, &jo) != NATS_OK) {
		cerr("JetStream: %s", nats_GetLastError(NULL));
		nc_nats_close(nc, NULL);
		return 1;
	}
	int rc;
	if (do_setup) {
		rc = setup(js, &sc);
		nc_nats_close(nc, js);
		return rc;
	}

	struct sigaction sa = {0};
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	c.dctx = NULL;
	c.rcheck = nc_rcheck_new();
	if (!c.rcheck || LZ4F_isError(LZ4F_createDecompressionContext(
			     &c.dctx, LZ4F_VERSION))) {
		nc_rcheck_free(c.rcheck);
		cerr("out of memory");
		nc_nats_close(nc, js);
		return 1;
	}
	rc = run_collect(&c, nc, js, (int)fetch, ack_wait, drain);
	close_all(&c, true);
	if (!c.quiet) {
		printf("%-28s %" PRIu64 "\n", "collect messages", c.msgs);
		printf("%-28s %" PRIu64 " (%" PRIu64 " records, %" PRIu64
		       " bytes)\n",
		       "collect batches written", c.batches, c.records,
		       c.bytes);
		printf("%-28s %" PRIu64 "\n", "collect duplicates", c.dups);
		printf("%-28s %" PRIu64 "\n", "collect invalid", c.invalid);
		printf("%-28s %" PRIu64 "\n", "collect files opened", c.files);
		printf("%-28s %" PRIu64 "\n", "collect write errors", c.errors);
	}
	if (c.errors && !rc)
		rc = 1;
	LZ4F_freeDecompressionContext(c.dctx);
	nc_rcheck_free(c.rcheck);
	for (struct slot *s = c.slots, *n; s; s = n) {
		n = s->next;
		close(s->lockfd);
		free(s);
	}
	for (unsigned i = 0; i < MAX_RUNS; i++)
		free(c.st.runs[i].r);
	free(c.raw);
	nc_nats_close(nc, js);
	return rc;
}
