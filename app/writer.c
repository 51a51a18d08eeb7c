/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * writer.c: the writer lcores.
 *
 * --writers N starts N of them. Each record type belongs to one writer for
 * the whole run (e->wr_of, chosen in capture.c), so every type still has
 * one file at a time, written in batch order, and the files are the same
 * for any N; the per-packet types (Ethernet, IPv4, TCP, ...) are spread
 * over the writers first.
 *
 * A writer dequeues record batches from its own MPSC ring, opens
 * <Type>.ncap.lz4 (or <Type>.ncap with --no-compress) on the first batch of
 * a type, so types without records leave no file, appends the batch and
 * returns it to the pool. It stops once every worker has flushed and its
 * ring is empty, then closes every file it opened.
 *
 * Rotation (docs/ops-output.md): the open file of a type is always
 * DIR/<Type>.ncap.lz4. It is closed (a complete LZ4 frame) and renamed to
 * DIR/<Type>.<UTC open time>[-N].ncap.lz4 when, after a batch, it holds
 * --rotate-size compressed bytes (so it may exceed the size by one batch),
 * when the wall clock passes the next multiple of --rotate-interval after
 * its open time, and on SIGHUP (e->rotate counts them). The next batch of
 * the type opens a new file with its own Header.Created. Once rotation is
 * configured or a SIGHUP came, the files still open at the end are renamed
 * the same way, so every finished file has a timestamped name.
 *
 * Free-disk floor (--min-free-disk): statvfs(DIR) after 1 s or after a
 * share of the free space above the floor has been written (at most 64 MiB);
 * while the free space is below the floor, whole batches are dropped and
 * counted, never half-written.
 *
 * A failed open, write or rename (ENOSPC, EIO, ...) sets the stop flag so RX
 * stops reading; the writer keeps draining its ring, returning batches
 * unwritten, so no worker blocks, and still closes (and, rotating, renames)
 * every file it opened.
 *
 * netcap agent (one writer): every batch also goes to the publisher
 * (agent.c), without -o to it alone; the writer polls its spool between
 * batches and, after the last one, waits for the acknowledgements
 * (--drain-timeout).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "agent.h"
#include "engine.h"

#define WR_NS_PER_S	   1000000000LL
#define FLOOR_CHECK_MAX	   (64ull << 20) /* bytes between statvfs calls */
#define FLOOR_CHECK_MIN	   (64ull << 10)
#define FLOOR_CHECK_PERIOD WR_NS_PER_S /* and at least this often */

/* One record type's open file. */
struct wr_type {
	int64_t opened;	   /* ns since the epoch: Header.Created, the name */
	int64_t rotate_at; /* --rotate-interval: close at this time, 0 never */
	int64_t name_sec;  /* second of the last timestamped name given */
	unsigned name_n;   /* highest -N suffix used in that second */
	uint64_t nfiles;   /* files opened */
};

/* A writer lcore's own state (nothing else reads it). */
struct wr_state {
	struct nc_engine *e;
	struct nc_wr *wr;
	unsigned rotate_seen; /* e->rotate when the files were last rotated */
	struct wr_type t[NC_REC_MAX];
	bool renaming;	/* rotation configured, or a SIGHUP came */
	int64_t ivl_ns; /* --rotate-interval in ns, 0 off */
	/* --min-free-disk */
	bool below;	      /* free space is below the floor: dropping */
	uint64_t since_check; /* bytes written since the last statvfs */
	uint64_t check_bytes; /* statvfs again after this many bytes ... */
	int64_t check_at;     /* ... or at this monotonic time (ns) */
	unsigned polls;	      /* agent: batches since the last spool poll */
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * WR_NS_PER_S + ts.tv_nsec;
}

static const char *wr_ext(const struct nc_engine *e)
{
	return e->cfg->compress ? "ncap.lz4" : "ncap";
}

/* DIR/<Type>.ncap.lz4: the name of the open file. */
static void wr_path(const struct nc_engine *e, unsigned t, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%s/%s.%s", e->cfg->outdir, nc_rec_name(t),
		 wr_ext(e));
}

static void wr_fail(struct nc_wr *wr, const char *what, int err)
{
	if (wr->failed)
		return;
	wr->failed = true;
	snprintf(wr->errmsg, sizeof(wr->errmsg), "%s: %s", what, strerror(err));
	nc_store(&wr->eng->stop, 1);
}

/*
 * rename(2) that never replaces: 0, -EEXIST when to exists, or -errno.
 * renameat2(RENAME_NOREPLACE) is atomic; where the filesystem lacks it a
 * stat(2) check comes first (the writer is the only one naming files there).
 */
static int rename_new(const char *from, const char *to)
{
	struct stat st;

	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -errno;
	if (stat(to, &st) == 0)
		return -EEXIST;
	return rename(from, to) == 0 ? 0 : -errno;
}

/*
 * Rename the closed DIR/<Type>.ext to DIR/<Type>.<YYYY-MM-DDTHH-MM-SSZ>.ext,
 * adding -1, -2, ... when that name is taken. 0, or -errno.
 */
static int wr_rename(struct wr_state *s, unsigned t, const char *from)
{
	struct nc_engine *e = s->e;
	struct wr_type *ty = &s->t[t];
	int64_t sec = ty->opened / WR_NS_PER_S;
	time_t tt = (time_t)sec;
	struct tm tm;
	char stamp[32], to[PATH_MAX];

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H-%M-%SZ", &tm))
		return -EINVAL;
	/* many files in one second (a small --rotate-size): go on from the
	   last suffix given in it rather than probe from -1 every time */
	unsigned n = ty->name_sec == sec ? ty->name_n + 1 : 0;
	for (;; n++) {
		if (n == 0)
			snprintf(to, sizeof(to), "%s/%s.%s.%s", e->cfg->outdir,
				 nc_rec_name(t), stamp, wr_ext(e));
		else
			snprintf(to, sizeof(to), "%s/%s.%s-%u.%s",
				 e->cfg->outdir, nc_rec_name(t), stamp, n,
				 wr_ext(e));
		int rc = rename_new(from, to);
		if (rc == -EEXIST && n < 1000000)
			continue;
		if (rc == 0) {
			ty->name_sec = sec;
			ty->name_n = n;
			s->wr->rotations++;
		}
		return rc;
	}
}

/*
 * Close type t's open file (a complete frame) and, when renaming, give it
 * its timestamped name. Errors set wr->failed; the file is closed anyway.
 */
static void wr_close(struct wr_state *s, unsigned t)
{
	struct nc_engine *e = s->e;
	struct nc_wr *wr = s->wr;
	char path[PATH_MAX];

	if (!wr->files[t])
		return;
	wr_path(e, t, path, sizeof(path));
	wr->file_bytes += nc_writer_bytes(wr->files[t]);
	int rc = nc_writer_close(wr->files[t]);
	wr->files[t] = NULL;
	if (rc < 0)
		wr_fail(wr, path, -rc);
	/* renamed even after a write error: the file was cut back to its last
	   complete batch and ended, so it is finished; a later file of the
	   type must not truncate it */
	if (s->renaming) {
		rc = wr_rename(s, t, path);
		if (rc < 0)
			wr_fail(wr, path, -rc);
	}
}

/* SIGHUP: close and rename every open file; new ones open on demand. */
static void wr_rotate_all(struct wr_state *s)
{
	s->renaming = true;
	for (unsigned t = 0; t < NC_REC_MAX; t++)
		wr_close(s, t);
}

/* --rotate-interval: close the files whose period has ended. */
static void wr_rotate_due(struct wr_state *s, int64_t now)
{
	for (unsigned t = 0; t < NC_REC_MAX; t++)
		if (s->wr->files[t] && s->t[t].rotate_at &&
		    now >= s->t[t].rotate_at)
			wr_close(s, t);
}

/* Records in a batch: its varint length delimiters, walked. */
static uint64_t batch_records(const struct nc_batch *b)
{
	const uint8_t *p = b->data, *end = b->data + b->len;
	uint64_t n = 0, len;

	while (p < end) {
		int k = nc_varint_get(p, end, &len);
		if (k <= 0 || len > (uint64_t)(end - p - k))
			break;
		p += k + (size_t)len;
		n++;
	}
	return n;
}

/*
 * --min-free-disk: true while the free space of DIR is below the floor.
 * statvfs(2) runs once a second, or once half of the space that was above
 * the floor at the last check has been written (at least 64 KiB, at most
 * 64 MiB), so a small disk is watched closely and a large one cheaply.
 */
static bool wr_below_floor(struct wr_state *s)
{
	struct nc_engine *e = s->e;
	uint64_t floor = e->cfg->min_free_disk;
	struct statvfs sv;

	if (!floor)
		return false;
	int64_t now = clock_ns(CLOCK_MONOTONIC_COARSE);
	if (s->since_check < s->check_bytes && now < s->check_at)
		return s->below;
	s->since_check = 0;
	s->check_at = now + FLOOR_CHECK_PERIOD;
	if (statvfs(e->cfg->outdir, &sv) != 0) {
		/* cannot tell: keep writing, a full disk still shows as an
		   error on write */
		s->check_bytes = FLOOR_CHECK_MAX;
		return s->below = false;
	}
	uint64_t free = (uint64_t)sv.f_bavail * sv.f_frsize;
	s->below = free < floor;
	uint64_t room = s->below ? 0 : (free - floor) / 2;
	s->check_bytes = room < FLOOR_CHECK_MIN	  ? FLOOR_CHECK_MIN
			 : room > FLOOR_CHECK_MAX ? FLOOR_CHECK_MAX
						  : room;
	if (s->below &&
	    !__atomic_exchange_n(&e->floor_warned, 1, __ATOMIC_RELAXED)) {
		fprintf(
		    stderr,
		    "netcap capture: %s: free space %.1f MiB below "
		    "--min-free-disk %.1f MiB: dropping records (counted)\n",
		    e->cfg->outdir, (double)free / (1 << 20),
		    (double)floor / (1 << 20));
	}
	return s->below;
}

static void wr_batch(struct wr_state *s, const struct nc_batch *b)
{
	struct nc_engine *e = s->e;
	struct nc_wr *wr = s->wr;
	enum nc_rec t = (enum nc_rec)b->type;
	struct wr_type *ty = &s->t[t];
	char path[PATH_MAX];

	if (wr_below_floor(s)) {
		wr->disk_floor_batches++;
		wr->disk_floor_records += batch_records(b);
		return;
	}
	wr_path(e, t, path, sizeof(path));
	if (!wr->files[t]) {
		/* the first file of a type starts with the run */
		ty->opened = ty->nfiles ? clock_ns(CLOCK_REALTIME) : e->created;
		struct nc_writer_opts o = {
		    .type = t,
		    .input_source =
			e->cfg->input ? e->cfg->input : e->cfg->iface,
		    .created = ty->opened,
		    .payloads = e->cfg->payload,
		    .label_source = e->cfg->attacks,
		    .compress = e->cfg->compress,
		};
		wr->files[t] = nc_writer_open(path, &o);
		if (!wr->files[t]) {
			wr_fail(wr, path, errno ? errno : EIO);
			return;
		}
		wr->nfiles++;
		ty->nfiles++;
		ty->rotate_at =
		    s->ivl_ns ? (ty->opened / s->ivl_ns + 1) * s->ivl_ns : 0;
	}
	uint64_t before = nc_writer_bytes(wr->files[t]);
	int rc = nc_writer_append(wr->files[t], b->data, b->len);
	if (rc < 0) {
		wr_fail(wr, path, -rc);
		return;
	}
	uint64_t size = nc_writer_bytes(wr->files[t]);
	s->since_check += size - before;
	wr->batches++;
	wr->record_bytes += b->len;
	if (e->cfg->rotate_size && size >= e->cfg->rotate_size)
		wr_close(s, t);
}

/* SIGHUP: e->rotate changed since this writer last looked. */
static bool wr_hup(struct wr_state *s)
{
	unsigned g = __atomic_load_n(&s->e->rotate, __ATOMIC_ACQUIRE);

	if (g == s->rotate_seen)
		return false;
	s->rotate_seen = g;
	return true;
}

int nc_writer_main(void *arg)
{
	struct nc_wr *wr = arg;
	struct nc_engine *e = wr->eng;
	struct wr_state s = {.e = e, .wr = wr};
	void *objs[NC_BURST];
	unsigned idle = 0;
	uint64_t t0 = rte_rdtsc();

	s.renaming = e->cfg->rotate_size || e->cfg->rotate_interval > 0;
	s.ivl_ns = (int64_t)(e->cfg->rotate_interval * WR_NS_PER_S);
	s.rotate_seen = __atomic_load_n(&e->rotate, __ATOMIC_ACQUIRE);
	for (;;) {
		if (wr_hup(&s))
			wr_rotate_all(&s);
		if (s.ivl_ns)
			wr_rotate_due(&s, clock_ns(CLOCK_REALTIME_COARSE));
		unsigned n =
		    rte_ring_sc_dequeue_burst(wr->ring, objs, NC_BURST, NULL);
		if (e->pub && (n == 0 || ++s.polls % 64 == 0))
			nc_pub_poll(e->pub); /* the spool, when connected */
		uint64_t t1 = rte_rdtsc();
		if (n == 0) {
			wr->idle_cycles += t1 - t0;
			t0 = t1;
			if ((unsigned)nc_load(&e->workers_done) ==
				e->nworkers &&
			    rte_ring_empty(wr->ring))
				break;
			/* nothing to write: no latency to keep, so after a
			 * short spin give the CPU to the lcores sharing it */
			if (idle < 256)
				nc_backoff(&idle);
			else
				usleep(100);
			continue;
		}
		idle = 0;
		for (unsigned i = 0; i < n; i++) {
			struct nc_batch *b = objs[i];
			if (!wr->failed && e->cfg->outdir)
				wr_batch(&s, b);
			if (e->pub)
				nc_pub_batch(e->pub, b);
			nc_batch_put(e, b);
		}
		t0 = rte_rdtsc();
		wr->busy_cycles += t0 - t1;
	}

	/* a SIGHUP during the drain still counts: the run is rotated */
	if (wr_hup(&s))
		s.renaming = true;
	for (unsigned t = 0; t < NC_REC_MAX; t++)
		wr_close(&s, t);
	if (e->pub)
		nc_pub_finish(e->pub); /* acknowledgements, then the spool */
	__atomic_add_fetch(&e->writers_done, 1, __ATOMIC_RELEASE);
	return 0;
}
