/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agent.c: netcap agent's publisher (agent.h, docs/DISTRIBUTED.md).
 *
 * Runs on the writer lcore; libnats runs the connection on its own
 * threads and calls on_ack() there, so the spool and the counters are
 * shared under one mutex (never on a worker's path: a batch is 64 KiB of
 * records).
 *
 * A batch is delivered when JetStream acknowledges it. Until then it is in
 * flight (at most --max-inflight; the writer waits beyond that, and the
 * workers behind it). A batch whose acknowledgement fails or does not come
 * within --ack-wait goes to the spool, and so does every new batch while
 * no server is connected or the spool is not empty, so the spool is sent
 * in the order it was filled. Spool entries are files,
 * SPOOL/<16 hex id>-<records>.batch, removed once acknowledged: a killed
 * agent leaves them for the next run. Beyond --spool-max the oldest (or,
 * with drop-newest, the arriving) batch that was never sent is dropped and
 * counted. A batch sent once whose acknowledgement never came may be in
 * the stream: it is kept (the spool may pass its limit by those, at most
 * the batches in flight when the servers went), so the records counted
 * dropped are exactly the records lost.
 *
 * Every message carries Nats-Msg-Id <sensor>.<run>.<Type>.<seq>, so a
 * batch sent again (an acknowledgement lost, a spool resent) is dropped by
 * the stream's duplicate window and, later, by collect's record of the
 * sequences it wrote.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lz4frame.h>

#include "agent.h"
#include "engine.h"
#include "natsconn.h"
#include "nc_version.h"

#define SP_MAGIC   "NCSPOOL1"
#define SP_DIR_MAX (PATH_MAX - 64)

/* One spooled batch (ids ascend in spool order). */
struct sp_ent {
	uint64_t id;
	uint64_t bytes;
	uint32_t records;
	uint8_t state; /* SP_QUEUED, SP_SENT, SP_DONE */
	/* handed to a server once (its acknowledgement never came, so it
	   may be in the stream): never dropped, so that every dropped
	   batch is certainly lost and the count of lost records exact */
	uint8_t sent;
};

enum { SP_QUEUED, SP_SENT, SP_DONE };

struct nc_pub {
	struct nc_engine *e;
	natsConnection *nc;
	jsCtx *js;
	struct nc_nats_events ev;
	char sensor[NC_SENSOR_MAX + 1];
	uint64_t run;
	uint64_t seq[NC_REC_MAX];
	const char *input;
	int64_t ack_wait_ms;
	unsigned window; /* spooled batches in flight at once */
	uint8_t *zbuf;
	size_t zcap;

	pthread_mutex_t mu; /* everything below */
	char dir[SP_DIR_MAX];
	struct sp_ent *sp; /* [head, n): the spool, oldest first */
	size_t head, n, cap;
	uint64_t next_id;
	unsigned sp_sent; /* spooled batches in flight */
	/* a resend failed (the stream not there yet after a restart): the
	   next waits until retry_at, backoff_ms doubling up to 2 s */
	int64_t retry_at, backoff_ms;
	bool warned_full, warned_io;
	struct nc_pub_counts c;
	int connected; /* atomic: the callbacks' view */
	int closing;   /* atomic: nc_pub_close is closing the connection */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool connected(struct nc_pub *p)
{
	return natsConnection_Status(p->nc) == NATS_CONN_STATUS_CONNECTED;
}

static void on_down(void *arg)
{
	struct nc_pub *p = arg;

	if (__atomic_exchange_n(&p->connected, 0, __ATOMIC_ACQ_REL) &&
	    !__atomic_load_n(&p->closing, __ATOMIC_ACQUIRE))
		fprintf(stderr,
			"netcap agent: NATS connection lost: spooling "
			"batches in %s\n",
			p->dir);
}

static void on_up(void *arg)
{
	struct nc_pub *p = arg;
	char url[256] = "";

	natsConnection_GetConnectedUrl(p->nc, url, sizeof(url));
	if (!__atomic_exchange_n(&p->connected, 1, __ATOMIC_ACQ_REL))
		fprintf(stderr, "netcap agent: connected to %s\n", url);
}

/* ---- the spool (under p->mu) ---------------------------------------- */

static void sp_path(const struct nc_pub *p, const struct sp_ent *s, char *buf,
		    size_t len)
{
	/* p->dir is at most SP_DIR_MAX: the name always fits */
	if (snprintf(buf, len, "%s/%016" PRIx64 "-%" PRIu32 ".batch", p->dir,
		     s->id, s->records) >= (int)len)
		buf[0] = 0;
}

static int sp_push(struct nc_pub *p, struct sp_ent s)
{
	if (p->head + p->n == p->cap) {
		if (p->head > p->cap / 2) {
			memmove(p->sp, p->sp + p->head, p->n * sizeof(*p->sp));
			p->head = 0;
		} else {
			size_t nc = p->cap ? p->cap * 2 : 256;
			struct sp_ent *v = realloc(p->sp, nc * sizeof(*v));
			if (!v)
				return -1;
			p->sp = v;
			p->cap = nc;
		}
	}
	p->sp[p->head + p->n++] = s;
	p->c.spool_batches++;
	p->c.spool_records += s.records;
	p->c.spool_bytes += s.bytes;
	return 0;
}

/* Drop acknowledged entries from the front. */
static void sp_trim(struct nc_pub *p)
{
	while (p->n && p->sp[p->head].state == SP_DONE) {
		p->head++;
		p->n--;
	}
	if (!p->n)
		p->head = 0;
}

static struct sp_ent *sp_find(struct nc_pub *p, uint64_t id)
{
	size_t lo = p->head, hi = p->head + p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->sp[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->head + p->n && p->sp[lo].id == id ? &p->sp[lo] : NULL;
}

static void sp_forget(struct nc_pub *p, struct sp_ent *s)
{
	char path[PATH_MAX];

	sp_path(p, s, path, sizeof(path));
	(void)unlink(path);
	s->state = SP_DONE;
	p->c.spool_batches--;
	p->c.spool_records -= s->records;
	p->c.spool_bytes -= s->bytes;
}

/*
 * Make room for a batch of bytes: drop the oldest queued batches never
 * sent (drop-oldest). false when the new batch is to be dropped instead.
 * A batch that was sent (sent) is always kept, so the spool may pass
 * --spool-max by the batches in flight when the servers went away.
 */
static bool sp_room(struct nc_pub *p, uint64_t bytes, bool sent)
{
	const struct nc_capture_cfg *cfg = p->e->cfg;

	if (p->c.spool_bytes + bytes <= cfg->spool_max || sent)
		return true;
	if (!p->warned_full) {
		p->warned_full = true;
		fprintf(stderr,
			"netcap agent: spool %s full (--spool-max %" PRIu64
			" bytes): dropping the %s batches (counted)\n",
			p->dir, cfg->spool_max,
			cfg->spool_policy ? "newest" : "oldest");
	}
	if (cfg->spool_policy == 1)
		return false;
	for (size_t i = p->head;
	     i < p->head + p->n && p->c.spool_bytes + bytes > cfg->spool_max;
	     i++) {
		struct sp_ent *s = &p->sp[i];
		if (s->state != SP_QUEUED || s->sent)
			continue;
		p->c.dropped++;
		p->c.dropped_records += s->records;
		sp_forget(p, s);
	}
	sp_trim(p);
	return p->c.spool_bytes + bytes <= cfg->spool_max;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	while (len) {
		ssize_t k = write(fd, b, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		len -= (size_t)k;
	}
	return 0;
}

static uint32_t msg_records(natsMsg *m)
{
	const char *v = NULL;

	if (natsMsgHeader_Get(m, "Netcap-Records", &v) != NATS_OK || !v)
		return 0;
	return (uint32_t)strtoul(v, NULL, 10);
}

/*
 * Write message m to the spool: "NCSPOOL1 SUBJECT NHEADERS\n", a line
 * "KEY\tVALUE" per header, then the data. Written under a temporary name
 * and renamed, so a spool file is whole or absent.
 */
static void sp_add(struct nc_pub *p, natsMsg *m, bool sent)
{
	char line[1024], path[PATH_MAX], tmp[PATH_MAX + 8];
	const char **keys = NULL;
	int nkeys = 0;
	uint32_t records = msg_records(m);
	const char *data = natsMsg_GetData(m);
	int dlen = natsMsg_GetDataLength(m);

	if (natsMsgHeader_Keys(m, &keys, &nkeys) != NATS_OK)
		nkeys = 0;
	if (!sp_room(p, (uint64_t)dlen + 1024, sent))
		goto drop;
	struct sp_ent s = {
	    .id = p->next_id++, .records = records, .sent = sent};
	sp_path(p, &s, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto io;
	int rc = 0, k = snprintf(line, sizeof(line), SP_MAGIC " %s %d\n",
				 natsMsg_GetSubject(m), nkeys);
	rc |= write_all(fd, line, (size_t)k);
	for (int i = 0; i < nkeys && !rc; i++) {
		const char *v = "";
		(void)natsMsgHeader_Get(m, keys[i], &v);
		k = snprintf(line, sizeof(line), "%s\t%s\n", keys[i], v);
		if (k < 0 || (size_t)k >= sizeof(line))
			rc = -1;
		else
			rc |= write_all(fd, line, (size_t)k);
	}
	if (!rc)
		rc = write_all(fd, data, (size_t)dlen);
	struct stat st;
	if (!rc && fstat(fd, &st) == 0)
		s.bytes = (uint64_t)st.st_size;
	if (close(fd) != 0)
		rc = -1;
	if (rc || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		goto io;
	}
	if (sp_push(p, s) != 0) {
		(void)unlink(path);
		goto drop;
	}
	p->c.spooled++;
	free((void *)keys);
	return;
io:
	if (!p->warned_io) {
		p->warned_io = true;
		fprintf(stderr,
			"netcap agent: spool %s: %s: dropping batches "
			"(counted)\n",
			p->dir, strerror(errno));
	}
drop:
	p->c.dropped++;
	p->c.dropped_records += records;
	free((void *)keys);
}

/* Read spool file s back as a message (with Netcap-Spool: its id). */
static natsMsg *sp_load(struct nc_pub *p, const struct sp_ent *s)
{
	char path[PATH_MAX], idbuf[32], *line = NULL;
	size_t cap = 0;
	natsMsg *m = NULL;
	uint8_t *d = NULL;
	FILE *f;

	sp_path(p, s, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return NULL;
	/* "NCSPOOL1 SUBJECT NHEADERS" */
	ssize_t ll = getline(&line, &cap, f);
	if (ll <= 0 || line[ll - 1] != '\n')
		goto bad;
	line[ll - 1] = 0;
	char *subj = strchr(line, ' '),
	     *cnt = subj ? strchr(subj + 1, ' ') : NULL;
	if (!cnt || strncmp(line, SP_MAGIC " ", sizeof(SP_MAGIC)) != 0)
		goto bad;
	*cnt++ = 0;
	subj++;
	char *end;
	errno = 0;
	unsigned long nh = strtoul(cnt, &end, 10);
	if (errno || end == cnt || *end || nh > 64)
		goto bad;
	/* headers as "KEY\tVALUE" lines, kept until the data is read */
	char *hk[64], *hv[64];
	unsigned got = 0;
	for (; got < nh; got++) {
		char *h = NULL;
		size_t hc = 0;
		ssize_t hl = getline(&h, &hc, f);
		char *tab = hl > 0 ? strchr(h, '\t') : NULL;
		if (!tab || h[hl - 1] != '\n') {
			free(h);
			break;
		}
		h[hl - 1] = 0;
		*tab = 0;
		hk[got] = h;
		hv[got] = tab + 1;
	}
	long at = ftell(f);
	struct stat st;
	bool ok = got == nh && at >= 0 && fstat(fileno(f), &st) == 0 &&
		  st.st_size >= at;
	size_t dlen = ok ? (size_t)(st.st_size - at) : 0;
	if (ok) {
		d = malloc(dlen ? dlen : 1);
		ok = d && fread(d, 1, dlen, f) == dlen &&
		     natsMsg_Create(&m, subj, NULL, (const char *)d,
				    (int)dlen) == NATS_OK;
	}
	for (unsigned i = 0; i < got; i++) {
		if (ok)
			natsMsgHeader_Set(m, hk[i], hv[i]);
		free(hk[i]);
	}
	if (!ok)
		goto bad;
	snprintf(idbuf, sizeof(idbuf), "%" PRIu64, s->id);
	natsMsgHeader_Set(m, "Netcap-Spool", idbuf);
	free(d);
	free(line);
	fclose(f);
	return m;
bad:
	free(d);
	free(line);
	fclose(f);
	natsMsg_Destroy(m);
	return NULL;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct sp_ent *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The batches a previous run left in the spool (counted as sent: that
   run may have sent them). */
static int sp_scan(struct nc_pub *p, char *err, size_t errlen)
{
	DIR *d = opendir(p->dir);
	struct dirent *de;

	if (!d) {
		snprintf(err, errlen, "--spool %s: %s", p->dir,
			 strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		uint64_t id;
		unsigned long rec;
		struct stat st;
		char path[PATH_MAX], *e;
		/* <16 hex digits>-<records>.batch */
		errno = 0;
		id = strtoull(de->d_name, &e, 16);
		if (errno || e != de->d_name + 16 || *e != '-')
			continue;
		const char *r = e + 1;
		rec = strtoul(r, &e, 10);
		if (errno || e == r || rec > UINT32_MAX ||
		    strcmp(e, ".batch") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", p->dir, de->d_name) >=
			(int)sizeof(path) ||
		    stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (sp_push(p, (struct sp_ent){.id = id,
					       .bytes = (uint64_t)st.st_size,
					       .records = (uint32_t)rec,
					       .sent = 1}) != 0) {
			closedir(d);
			snprintf(err, errlen, "--spool: out of memory");
			return -1;
		}
		if (id >= p->next_id)
			p->next_id = id + 1;
	}
	closedir(d);
	if (p->n)
		qsort(p->sp + p->head, p->n, sizeof(*p->sp), cmp_ent);
	return 0;
}

/* ---- publishing -------------------------------------------------------- */

/* libnats' thread: a batch's acknowledgement, or its failure. */
static void on_ack(jsCtx *js, natsMsg *m, jsPubAck *pa, jsPubAckErr *pae,
		   void *arg)
{
	struct nc_pub *p = arg;
	const char *sid = NULL;
	uint64_t id = 0;
	bool spooled = natsMsgHeader_Get(m, "Netcap-Spool", &sid) == NATS_OK &&
		       sid && (id = strtoull(sid, NULL, 10), true);

	(void)js;
	pthread_mutex_lock(&p->mu);
	struct sp_ent *s = spooled ? sp_find(p, id) : NULL;
	if (spooled && s && s->state == SP_SENT)
		p->sp_sent--;
	if (pa && !pae) {
		p->c.acked++;
		p->c.acked_records += msg_records(m);
		if (pa->Duplicate)
			p->c.duplicates++;
		if (s) {
			sp_forget(p, s);
			sp_trim(p);
			p->backoff_ms = 0;
		}
	} else if (s) {
		s->state = SP_QUEUED; /* its file is still there */
		p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : 100;
		if (p->backoff_ms > 2000)
			p->backoff_ms = 2000;
		p->retry_at = mono_ms() + p->backoff_ms;
	} else if (!spooled) {
		natsMsgHeader_Delete(m, "Netcap-Spool");
		sp_add(p, m, true);
	}
	p->c.inflight--;
	pthread_mutex_unlock(&p->mu);
	natsMsg_Destroy(m);
}

/* Send m; on failure to even queue it, spool it (fresh) or requeue it
   (spooled: sid). */
static void send_msg(struct nc_pub *p, natsMsg *m, bool spooled, uint64_t sid)
{
	jsPubOptions po;

	jsPubOptions_Init(&po);
	po.MaxWait = p->ack_wait_ms;
	pthread_mutex_lock(&p->mu);
	p->c.inflight++;
	pthread_mutex_unlock(&p->mu);
	natsStatus st = js_PublishMsgAsync(p->js, &m, &po);
	if (st == NATS_OK)
		return;
	pthread_mutex_lock(&p->mu);
	p->c.inflight--;
	if (spooled) {
		struct sp_ent *s = sp_find(p, sid);
		if (s && s->state == SP_SENT) {
			s->state = SP_QUEUED;
			p->sp_sent--;
		}
		p->c.resent--;
	} else {
		p->c.published--;
		sp_add(p, m, false);
	}
	pthread_mutex_unlock(&p->mu);
	natsMsg_Destroy(m);
}

/* Records of a batch, and the smallest and largest field 1 (Timestamp,
   TimestampFirst in Connection) among them. */
static uint32_t scan_batch(const struct nc_batch *b, int64_t *first,
			   int64_t *last)
{
	const uint8_t *q = b->data, *end = b->data + b->len;
	uint32_t n = 0;
	uint64_t len, ts;

	*first = INT64_MAX;
	*last = INT64_MIN;
	while (q < end) {
		int k = nc_varint_get(q, end, &len);
		if (k <= 0 || len > (uint64_t)(end - q - k))
			break;
		const uint8_t *r = q + k;
		if (len > 1 && r[0] == 0x08 &&
		    nc_varint_get(r + 1, r + len, &ts) > 0) {
			if ((int64_t)ts < *first)
				*first = (int64_t)ts;
			if ((int64_t)ts > *last)
				*last = (int64_t)ts;
		}
		q = r + len;
		n++;
	}
	if (*first > *last)
		*first = *last = 0;
	return n;
}

static void hdr_u64(natsMsg *m, const char *k, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	natsMsgHeader_Set(m, k, b);
}

static void hdr_i64(natsMsg *m, const char *k, int64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRId64, v);
	natsMsgHeader_Set(m, k, b);
}

void nc_pub_batch(struct nc_pub *p, const struct nc_batch *b)
{
	enum nc_rec t = (enum nc_rec)b->type;
	const char *tn = nc_rec_name(t);
	char subj[128], id[160], run[20];
	int64_t first, last;
	natsMsg *m = NULL;

	uint32_t records = scan_batch(b, &first, &last);
	LZ4F_preferences_t pr = {0};
	pr.frameInfo.blockSizeID = LZ4F_max64KB;
	pr.frameInfo.blockMode = LZ4F_blockIndependent;
	pr.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
	pr.frameInfo.contentSize = b->len;
	size_t need = LZ4F_compressFrameBound(b->len, &pr);
	if (need > p->zcap) {
		uint8_t *z = realloc(p->zbuf, need);
		if (!z)
			goto drop;
		p->zbuf = z;
		p->zcap = need;
	}
	size_t zl = LZ4F_compressFrame(p->zbuf, p->zcap, b->data, b->len, &pr);
	if (LZ4F_isError(zl))
		goto drop;
	uint64_t seq = ++p->seq[t];
	snprintf(subj, sizeof(subj), NC_NATS_SUBJECT_ROOT ".%s.%s", p->sensor,
		 tn);
	nc_batch_msg_id(id, sizeof(id), p->sensor, p->run, tn, seq);
	snprintf(run, sizeof(run), "%016" PRIx64, p->run);
	if (natsMsg_Create(&m, subj, NULL, (const char *)p->zbuf, (int)zl) !=
	    NATS_OK)
		goto drop;
	natsMsgHeader_Set(m, "Nats-Msg-Id", id);
	natsMsgHeader_Set(m, "Netcap-Type", tn);
	natsMsgHeader_Set(m, "Netcap-Sensor", p->sensor);
	natsMsgHeader_Set(m, "Netcap-Run", run);
	hdr_u64(m, "Netcap-Seq", seq);
	hdr_u64(m, "Netcap-Records", records);
	hdr_u64(m, "Netcap-Size", b->len);
	hdr_i64(m, "Netcap-First", first);
	hdr_i64(m, "Netcap-Last", last);
	natsMsgHeader_Set(m, "Netcap-Version", NC_VERSION);
	natsMsgHeader_Set(m, "Netcap-Input", p->input);
	natsMsgHeader_Set(m, "Netcap-Payloads", p->e->cfg->payload ? "1" : "0");

	int64_t maxp = natsConnection_GetMaxPayload(p->nc);
	if (maxp > 0 && (int64_t)zl > maxp - 4096) {
		fprintf(stderr,
			"netcap agent: a %s batch of %zu bytes exceeds the "
			"server's max_payload %" PRId64 ": dropped (counted)\n",
			tn, zl, maxp);
		natsMsg_Destroy(m);
		goto drop;
	}
	pthread_mutex_lock(&p->mu);
	bool to_spool = p->n > 0 || !connected(p);
	if (to_spool)
		sp_add(p, m, false);
	else
		p->c.published++;
	pthread_mutex_unlock(&p->mu);
	if (to_spool) {
		natsMsg_Destroy(m);
		return;
	}
	send_msg(p, m, false, 0);
	return;
drop:
	pthread_mutex_lock(&p->mu);
	p->c.dropped++;
	p->c.dropped_records += records;
	pthread_mutex_unlock(&p->mu);
}

void nc_pub_poll(struct nc_pub *p)
{
	for (;;) {
		struct sp_ent *s = NULL;
		pthread_mutex_lock(&p->mu);
		if (p->n && p->sp_sent < p->window && connected(p) &&
		    mono_ms() >= p->retry_at)
			for (size_t i = p->head; i < p->head + p->n; i++)
				if (p->sp[i].state == SP_QUEUED) {
					s = &p->sp[i];
					break;
				}
		if (!s) {
			pthread_mutex_unlock(&p->mu);
			return;
		}
		natsMsg *m = sp_load(p, s);
		if (!m) {
			/* unreadable (a foreign or damaged file): dropped,
			   counted, removed */
			p->c.dropped++;
			p->c.dropped_records += s->records;
			sp_forget(p, s);
			sp_trim(p);
			pthread_mutex_unlock(&p->mu);
			continue;
		}
		s->state = SP_SENT;
		s->sent = 1;
		p->sp_sent++;
		p->c.resent++;
		uint64_t sid = s->id; /* s moves when on_ack spools */
		pthread_mutex_unlock(&p->mu);
		send_msg(p, m, true, sid);
	}
}

void nc_pub_finish(struct nc_pub *p)
{
	int64_t end = mono_ms() + (int64_t)(p->e->cfg->drain_timeout * 1000);

	for (;;) {
		nc_pub_poll(p);
		pthread_mutex_lock(&p->mu);
		bool idle = p->c.inflight == 0;
		bool done = idle && p->n == 0;
		pthread_mutex_unlock(&p->mu);
		/* past the deadline, wait only for the answers to what is in
		   flight (each comes within --ack-wait) */
		if (done || (idle && mono_ms() >= end))
			break;
		usleep(5000);
	}
}

void nc_pub_counts(struct nc_pub *p, struct nc_pub_counts *c)
{
	pthread_mutex_lock(&p->mu);
	*c = p->c;
	pthread_mutex_unlock(&p->mu);
}

void nc_pub_summary(struct nc_pub *p, FILE *f)
{
	struct nc_pub_counts c;

	nc_pub_counts(p, &c);
	fprintf(f, "%-36s %s (run %016" PRIx64 ")\n", "agent sensor", p->sensor,
		p->run);
	fprintf(f, "%-36s %" PRIu64 "\n", "agent batches published",
		c.published);
	fprintf(f,
		"%-36s %" PRIu64 " (%" PRIu64 " records, %" PRIu64
		" duplicates)\n",
		"agent batches acknowledged", c.acked, c.acked_records,
		c.duplicates);
	fprintf(f, "%-36s %" PRIu64 "\n", "agent batches spooled", c.spooled);
	fprintf(f, "%-36s %" PRIu64 "\n", "agent batches resent", c.resent);
	fprintf(f, "%-36s %" PRIu64 " (%" PRIu64 " records)\n",
		"agent batches dropped", c.dropped, c.dropped_records);
	fprintf(f,
		"%-36s %" PRIu64 " (%" PRIu64 " records, %" PRIu64
		" bytes in %s)\n",
		"agent batches left in spool", c.spool_batches, c.spool_records,
		c.spool_bytes, p->dir);
}

struct nc_pub *nc_pub_open(struct nc_engine *e, char *err, size_t errlen)
{
	const struct nc_capture_cfg *cfg = e->cfg;
	struct nc_pub *p = calloc(1, sizeof(*p));
	jsOptions jo;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->e = e;
	pthread_mutex_init(&p->mu, NULL);
	if (cfg->sensor)
		snprintf(p->sensor, sizeof(p->sensor), "%s", cfg->sensor);
	else
		nc_sensor_default(p->sensor, sizeof(p->sensor));
	if (getrandom(&p->run, sizeof(p->run), 0) != sizeof(p->run))
		p->run = (uint64_t)mono_ms() ^ ((uint64_t)getpid() << 32);
	p->input = cfg->input ? cfg->input : cfg->iface ? cfg->iface : "";
	p->ack_wait_ms = (int64_t)(cfg->ack_wait * 1000);
	p->window = cfg->max_inflight / 2 ? cfg->max_inflight / 2 : 1;
	int dl = cfg->spool_dir
		     ? snprintf(p->dir, sizeof(p->dir), "%s", cfg->spool_dir)
		     : snprintf(p->dir, sizeof(p->dir),
				"/var/tmp/netcap-spool/%s", p->sensor);
	if (dl >= (int)sizeof(p->dir)) {
		snprintf(err, errlen, "--spool: name too long");
		goto fail;
	}
	/* the spool directory, made if missing (0700: records are private) */
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", p->dir);
	for (char *q = tmp + 1; *q; q++)
		if (*q == '/') {
			*q = 0;
			(void)mkdir(tmp, 0700);
			*q = '/';
		}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "--spool %s: %s", p->dir,
			 strerror(errno));
		goto fail;
	}
	if (sp_scan(p, err, errlen) != 0)
		goto fail;

	struct nc_nats_opts o = {
	    .servers = cfg->nats_servers,
	    .ca = cfg->nats_ca,
	    .cert = cfg->nats_cert,
	    .key = cfg->nats_key,
	    .creds = cfg->nats_creds,
	    .nkey = cfg->nats_nkey,
	    .nkey_seed = cfg->nats_nkey_seed,
	    .user = cfg->nats_user,
	    .password_file = cfg->nats_password_file,
	    .token_file = cfg->nats_token_file,
	    .tls = cfg->nats_tls,
	};
	p->ev = (struct nc_nats_events){on_down, on_up, p};
	char name[128];
	snprintf(name, sizeof(name), "netcap-agent-%s", p->sensor);
	if (nc_nats_connect(&o, name, true, &p->ev, &p->nc, err, errlen) != 0)
		goto fail;
	p->connected = connected(p);
	if (!p->connected)
		fprintf(stderr,
			"netcap agent: no NATS server answers yet: spooling "
			"batches in %s\n",
			p->dir);
	jsOptions_Init(&jo);
	jo.PublishAsync.MaxPending = cfg->max_inflight;
	jo.PublishAsync.AckHandler = on_ack;
	jo.PublishAsync.AckHandlerClosure = p;
	/* at the limit the writer waits (the workers behind it), it does
	   not spool a healthy server's batches */
	jo.PublishAsync.StallWait = p->ack_wait_ms;
	jo.Wait = p->ack_wait_ms;
	if (natsConnection_JetStream(&p->js, p->nc, &jo) != NATS_OK) {
		snprintf(err, errlen, "NATS JetStream context: %s",
			 nats_GetLastError(NULL));
		goto fail;
	}
	if (p->n)
		fprintf(stderr,
			"netcap agent: %zu batches from an earlier run in "
			"the spool %s: sending them first\n",
			p->n, p->dir);
	return p;
fail:
	nc_pub_close(p);
	return NULL;
}

void nc_pub_close(struct nc_pub *p)
{
	if (!p)
		return;
	__atomic_store_n(&p->closing, 1, __ATOMIC_RELEASE);
	nc_nats_close(p->nc, p->js);
	p->nc = NULL;
	p->js = NULL;
	pthread_mutex_destroy(&p->mu);
	free(p->sp);
	free(p->zbuf);
	free(p);
}
