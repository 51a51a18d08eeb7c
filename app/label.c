/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * label.c: `netcap label`, ground truth for datasets: IDS alerts (EVE
 * JSON, fast.log, Zeek notice.log) and attack lists (Netcap's YAML and
 * v0.5 CSV; readers in label_in.c) joined onto the
 * records of a capture directory, written as <Type>_labeled.csv: the CSV
 * of `netcap dump --csv` plus a `result` column.
 *
 * The join (docs/LABEL.md states it per record type):
 *  1. alerts are matched to Connection records (Community ID, else the
 *     5-tuple in either direction), the alert time inside [TimestampFirst
 *     - tol, TimestampLast + tol];
 *  2. records with a UID take their connection's labels (Software and
 *     Service those of the connections in their Flows); per-packet
 *     records with ports (TCP, UDP, SCTP) the labels of the labelled
 *     connection with their 5-tuple and tenant whose [first, last] holds
 *     their Timestamp; each such record is also entered in a frame table
 *     (Timestamp, tenant, addresses);
 *  3. records with addresses but no ports (IPv4, IPv6, ICMP, ...) take the
 *     labels of the frame with their Timestamp, tenant and addresses, else
 *     of a labelled connection between their addresses holding their time;
 *     records with a Timestamp and no addresses (Ethernet, ...) the labels
 *     of the frames with that Timestamp and tenant (from the records with
 *     addresses);
 *  4. attack lists label every record by its own time and addresses.
 * Files are read in that order (Connection; per-packet and UID records;
 * records with addresses; the rest), each once, and written as read.
 *
 * Memory: the alerts, the labelled connections, and the frame table: one
 * entry (24 bytes, the table at most half full) per frame time, one more
 * per address pair where two share a time; record files are streamed.
 *
 * Exit status: 0 written; 1 bad input (one line naming file:line and
 * field) or a failed read or write, no *_labeled file left; 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "app.h"
#include "label.h"
#include "label_map.h"
#include "ncfile.h"
#include "render.h"

#define LABEL_MAX_COLS 256

static void label_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap label -r DIR [options]\n"
	    "Label the records of a capture directory with IDS alerts or an\n"
	    "attack list; writes OUTDIR/<Type>_labeled.csv (docs/LABEL.md).\n"
	    "  -r, --read DIR      the record files (<Type>.ncap.lz4)\n"
	    "  -o, --out OUTDIR    where to write (default DIR)\n"
	    "  --eve FILE          Suricata EVE JSON alerts (repeatable)\n"
	    "  --anomalies         also EVE anomaly events (label: the event)\n"
	    "  --fast-log FILE     Suricata fast.log alerts (repeatable)\n"
	    "  --notice FILE       Zeek notice.log, TSV or JSON (repeatable)\n"
	    "  --tz ZONE           fast.log's and CSV attack lists' time "
	    "zone,\n"
	    "                      a zoneinfo name\n"
	    "                      (default UTC; fast.log has sensor-local "
	    "time)\n"
	    "  --attacks FILE      Netcap attack list, YAML or v0.5 CSV "
	    "(*.csv)\n"
	    "                      (repeatable)\n"
	    "  --tolerance SEC     alert time slack around a connection\n"
	    "                      (default 1)\n"
	    "  --description       label with the signature (attack name)\n"
	    "                      instead of the classification (category)\n"
	    "  --exclude C1,C2     drop alerts and attacks of these "
	    "classifications\n"
	    "  --collect           all labels of a record, joined by ' | '\n"
	    "                      (default: the first)\n"
	    "  --strict            two labels on one record is an error\n"
	    "  --select F1,F2      columns, as dump --select (fields a type\n"
	    "                      lacks are left out for it)\n"
	    "  --sep C             cell separator (default ,)\n"
	    "  --time ns|rfc3339   timestamps as in dump (default ns)\n"
	    "  --gzip              write <Type>_labeled.csv.gz\n"
	    "  -q, --quiet         no summary\n"
	    "  -h, --help          this text\n");
}

static void label_err(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void label_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("netcap label: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xalloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		label_err("out of memory");
		exit(1);
	}
	return q;
}

/* ---- labels and label sets ---- */

/*
 * A label set is a list of label ids in the order they were added (the
 * first is what a record gets without --collect); sets are interned, set
 * 0 is the empty set ("normal").
 */
struct lbl_state {
	char **lab;
	size_t nlab;
	struct bmap labmap;
	uint32_t *sv; /* members of all sets, back to back */
	size_t svn, svcap;
	uint32_t *soff, *slen;
	size_t nset;
	struct bmap setmap;
};

static uint32_t label_id(struct lbl_state *s, const char *text)
{
	bool created;
	uint32_t *v =
	    bmap_at(&s->labmap, text, strlen(text), true, 0, &created);

	if (created) {
		s->lab = xalloc(s->lab, (s->nlab + 1) * sizeof(*s->lab));
		s->lab[s->nlab] = strdup(text);
		if (!s->lab[s->nlab]) {
			label_err("out of memory");
			exit(1);
		}
		*v = (uint32_t)s->nlab++;
	}
	return *v;
}

static uint32_t set_intern(struct lbl_state *s, const uint32_t *ids, size_t n)
{
	bool created;
	uint32_t *v =
	    bmap_at(&s->setmap, ids, n * sizeof(*ids), true, 0, &created);

	if (!created)
		return *v;
	s->soff = xalloc(s->soff, (s->nset + 1) * sizeof(*s->soff));
	s->slen = xalloc(s->slen, (s->nset + 1) * sizeof(*s->slen));
	if (s->svn + n > s->svcap) {
		s->svcap = (s->svcap + n) * 2;
		s->sv = xalloc(s->sv, s->svcap * sizeof(*s->sv));
	}
	if (n)
		memcpy(s->sv + s->svn, ids, n * sizeof(*ids));
	s->soff[s->nset] = (uint32_t)s->svn;
	s->slen[s->nset] = (uint32_t)n;
	s->svn += n;
	*v = (uint32_t)s->nset++;
	return *v;
}

/* Sets hold a handful of labels; a record with more is cut at 64. */
#define SET_MAX 64

static uint32_t set_union(struct lbl_state *s, uint32_t a, uint32_t b)
{
	uint32_t ids[SET_MAX];
	size_t n = 0;

	if (!b || a == b)
		return a;
	if (!a)
		return b;
	for (uint32_t i = 0; i < s->slen[a] && n < SET_MAX; i++)
		ids[n++] = s->sv[s->soff[a] + i];
	for (uint32_t i = 0; i < s->slen[b] && n < SET_MAX; i++) {
		uint32_t id = s->sv[s->soff[b] + i];
		bool have = false;
		for (size_t j = 0; j < n && !have; j++)
			have = ids[j] == id;
		if (!have)
			ids[n++] = id;
	}
	return set_intern(s, ids, n);
}

static uint32_t set_add(struct lbl_state *s, uint32_t a, uint32_t label)
{
	return set_union(s, a, set_intern(s, &label, 1));
}

/* ---- record fields, by name, over any record type ---- */

/* ---- keys ---- */

struct key {
	uint8_t b[96];
	size_t n;
};

static void kput(struct key *k, const void *p, size_t n)
{
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

static void kstart(struct key *k, char kind, const char *tenant)
{
	char t[16] = {0};

	k->n = 0;
	kput(k, &kind, 1);
	memcpy(t, tenant, strnlen(tenant, sizeof(t)));
	kput(k, t, sizeof(t));
}

static int ep_cmp(const struct lbl_addr *a, int pa, const struct lbl_addr *b,
		  int pb)
{
	int c = memcmp(a->a, b->a, 16);

	return c ? c : pa - pb;
}

/* Canonical endpoints (smaller first); ports < 0 left out. */
static void kpair(struct key *k, const struct lbl_addr *a, int pa,
		  const struct lbl_addr *b, int pb, bool ports)
{
	if (!ports)
		pa = pb = 0;
	if (ep_cmp(a, pa, b, pb) > 0) {
		const struct lbl_addr *t = a;
		int tp = pa;
		a = b;
		pa = pb;
		b = t;
		pb = tp;
	}
	uint16_t p1 = (uint16_t)pa, p2 = (uint16_t)pb;
	kput(k, &a->len, 1);
	kput(k, a->a, 16);
	kput(k, &b->a, 16);
	if (ports) {
		kput(k, &p1, 2);
		kput(k, &p2, 2);
	}
}

/* ---- the join ---- */

/* A list of indexes; most hold one, kept in place (no allocation). */
struct u32vec {
	uint32_t *v; /* when cap > 0 */
	uint32_t n, cap;
	uint32_t one; /* the element while cap == 0 */
};

static inline const uint32_t *vdata(const struct u32vec *v)
{
	return v->cap ? v->v : &v->one;
}

static void vpush(struct u32vec *v, uint32_t x)
{
	if (v->n == 0 && v->cap == 0) {
		v->one = x;
		v->n = 1;
		return;
	}
	if (v->n == v->cap || v->cap == 0) {
		uint32_t c = v->cap ? v->cap * 2 : 4;
		v->v = xalloc(v->v, c * sizeof(*v->v));
		if (v->cap == 0)
			v->v[0] = v->one;
		v->cap = c;
	}
	v->v[v->n++] = x;
}

/* The lists of a map's keys, grown by doubling. */
struct vlists {
	struct u32vec *v;
	size_t n, cap;
};

/* A labelled connection, for the per-packet records. */
struct lconn {
	int64_t first, last;
	uint32_t set;
	int proto;
};

struct opts {
	int64_t tol;
	bool description, collect, strict;
	char sep;
	enum nc_timefmt tf;
};

struct join {
	struct lbl_state st;
	struct lbl_alerts alerts;
	struct lbl_attacks attacks;
	uint8_t *alert_hit;
	struct bmap akeys; /* alert key -> index into alists */
	struct vlists alists;
	struct bmap ckeys; /* connection key -> index into clists */
	struct vlists clists;
	struct lconn *conns;
	size_t nconns, cconns;
	struct bmap uids;   /* 'U' uid -> set */
	struct bmap frames; /* 'F' ts tenant [addrs] -> set */
	int64_t tol;
};

static struct u32vec *list_at(struct bmap *m, struct vlists *l,
			      const struct key *k, bool create)
{
	bool created;
	uint32_t *v = bmap_at(m, k->b, k->n, create, 0, &created);

	if (!v)
		return NULL;
	if (created) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->v = xalloc(l->v, l->cap * sizeof(*l->v));
		}
		memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
		*v = (uint32_t)l->n++;
	}
	return &l->v[*v];
}

static int alert_cmp(const void *a, const void *b)
{
	const struct lbl_alert *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Has an alert of this protocol ports that take part in the key? */
static bool proto_ports(int proto)
{
	return proto == 6 || proto == 17 || proto == 132;
}

static void index_alerts(struct join *j)
{
	struct key k;

	if (j->alerts.n)
		qsort(j->alerts.v, j->alerts.n, sizeof(*j->alerts.v),
		      alert_cmp);
	j->alert_hit = calloc(j->alerts.n + 1, 1);
	if (!j->alert_hit) {
		label_err("out of memory");
		exit(1);
	}
	for (size_t i = 0; i < j->alerts.n; i++) {
		const struct lbl_alert *a = &j->alerts.v[i];
		uint8_t p = (uint8_t)a->proto;
		if (a->cid) {
			kstart(&k, 'C', "");
			kput(&k, a->cid,
			     strlen(a->cid) < 64 ? strlen(a->cid) : 64);
		} else {
			bool ports = proto_ports(a->proto) && a->sport >= 0 &&
				     a->dport >= 0;
			kstart(&k, ports ? 'T' : 'N', "");
			kput(&k, &p, 1);
			kpair(&k, &a->src, a->sport, &a->dst, a->dport, ports);
		}
		vpush(list_at(&j->akeys, &j->alists, &k, true), (uint32_t)i);
	}
}

/* Labels of the alerts under key k with a time in [lo, hi]. */
static uint32_t alerts_in(struct join *j, const struct key *k, int64_t lo,
			  int64_t hi, uint32_t set)
{
	struct u32vec *l = list_at(&j->akeys, &j->alists, k, false);

	if (!l)
		return set;
	/* the list is in time order: binary search for the first >= lo */
	const uint32_t *lv = vdata(l);
	size_t a = 0, b = l->n;
	while (a < b) {
		size_t mid = (a + b) / 2;
		if (j->alerts.v[lv[mid]].ts < lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < l->n && j->alerts.v[lv[a]].ts <= hi; a++) {
		set = set_add(&j->st, set, j->alerts.v[lv[a]].label);
		j->alert_hit[lv[a]] = 1;
	}
	return set;
}

/* Attack-list labels of a record active in [lo, hi] between s and d. */
static uint32_t attacks_in(struct join *j, int64_t lo, int64_t hi,
			   const struct lbl_addr *s, const struct lbl_addr *d,
			   uint32_t set)
{
	for (size_t i = 0; i < j->attacks.n; i++) {
		const struct lbl_attack *a = &j->attacks.v[i];
		if (hi < a->start || lo > a->end)
			continue;
		if (lbl_attack_hit(a, s, d))
			set = set_add(&j->st, set, a->label);
	}
	return set;
}

/* Connection: its alerts; indexes it for the records that follow. */
static uint32_t label_conn(struct join *j, const struct lbl_rec *ri,
			   const ProtobufCMessage *m)
{
	struct lbl_addr s, d;
	struct key k;
	uint32_t set = 0;

	if (!lbl_addr_of(m, ri->src, &s) || !lbl_addr_of(m, ri->dst, &d) ||
	    s.len != d.len)
		return 0;
	int64_t first = lbl_i64(m, ri->first), last = lbl_i64(m, ri->last);
	int proto = lbl_i32(m, ri->ipproto);
	int sp = lbl_i32(m, ri->sport), dp = lbl_i32(m, ri->dport);
	const char *tenant = lbl_tenant(m, ri);
	uint8_t p = (uint8_t)proto;
	int64_t lo = first - j->tol, hi = last + j->tol;
	const char *cid = lbl_str(m, ri->cid), *uid = lbl_str(m, ri->uid);
	struct key kc, kt, kn, ku;

	kstart(&ku, 'U', "");
	kput(&ku, uid, strlen(uid) < 64 ? strlen(uid) : 64);
	/* the keys first, their slots prefetched, then the lookups */
	if (j->alerts.n) {
		if (*cid) {
			kstart(&kc, 'C', "");
			kput(&kc, cid, strlen(cid) < 64 ? strlen(cid) : 64);
			bmap_prefetch(&j->akeys, kc.b, kc.n);
		}
		if (proto_ports(proto)) {
			kstart(&kt, 'T', "");
			kput(&kt, &p, 1);
			kpair(&kt, &s, sp, &d, dp, true);
			bmap_prefetch(&j->akeys, kt.b, kt.n);
		}
		kstart(&kn, 'N', "");
		kput(&kn, &p, 1);
		kpair(&kn, &s, sp, &d, dp, false);
		bmap_prefetch(&j->akeys, kn.b, kn.n);
		if (*uid)
			bmap_prefetch(&j->uids, ku.b, ku.n);
		if (*cid)
			set = alerts_in(j, &kc, lo, hi, set);
		if (proto_ports(proto))
			set = alerts_in(j, &kt, lo, hi, set);
		set = alerts_in(j, &kn, lo, hi, set);
	}
	if (set) {
		if (*uid) {
			uint32_t *v =
			    bmap_at(&j->uids, ku.b, ku.n, true, 0, NULL);
			*v = set_union(&j->st, *v, set);
		}
		if (j->nconns == j->cconns) {
			j->cconns = j->cconns ? j->cconns * 2 : 64;
			j->conns =
			    xalloc(j->conns, j->cconns * sizeof(*j->conns));
		}
		j->conns[j->nconns] = (struct lconn){first, last, set, proto};
		/* by 5-tuple (port records) and by address pair */
		struct key ka;
		kstart(&k, 'P', tenant);
		kput(&k, &p, 1);
		kpair(&k, &s, sp, &d, dp, true);
		bmap_prefetch(&j->ckeys, k.b, k.n);
		kstart(&ka, 'A', tenant);
		kpair(&ka, &s, 0, &d, 0, false);
		bmap_prefetch(&j->ckeys, ka.b, ka.n);
		vpush(list_at(&j->ckeys, &j->clists, &k, true),
		      (uint32_t)j->nconns);
		vpush(list_at(&j->ckeys, &j->clists, &ka, true),
		      (uint32_t)j->nconns);
		j->nconns++;
	}
	if (j->attacks.n)
		set = attacks_in(j, first, last, &s, &d, set);
	return set;
}

/* Labels of the labelled connections under k holding ts (proto: -1 any). */
static uint32_t conns_at(struct join *j, const struct key *k, int64_t ts,
			 int proto, uint32_t set, bool *found)
{
	struct u32vec *l = list_at(&j->ckeys, &j->clists, k, false);

	for (size_t i = 0; l && i < l->n; i++) {
		const struct lconn *c = &j->conns[vdata(l)[i]];
		if (ts >= c->first && ts <= c->last &&
		    (proto < 0 || c->proto == proto)) {
			set = set_union(&j->st, set, c->set);
			if (found)
				*found = true;
		}
	}
	return set;
}

/*
 * The frame table: one entry per (Timestamp, tenant) of the records with
 * addresses: v the union of their labels, aux a 32-bit hash of the
 * address pair of the first of them, or
 * FRAME_MULTI once records of a second pair share that time; only then
 * are there entries per (Timestamp, tenant, pair). One probe per record in
 * the usual case of one packet per timestamp.
 */
#define FRAME_MULTI UINT32_MAX

static void frame_key(struct key *k, int64_t ts, const char *tenant)
{
	kstart(k, 'F', tenant);
	kput(k, &ts, sizeof(ts));
}

static uint32_t pair_hash(const struct lbl_addr *s, const struct lbl_addr *d)
{
	uint8_t b[33];

	b[0] = s->len;
	memcpy(b + 1, s->a, 16);
	memcpy(b + 17, d->a, 16);
	uint64_t h2;
	uint32_t h = (uint32_t)(bhash(b, sizeof(b), &h2) >> 32);
	return h == FRAME_MULTI ? 0 : h;
}

static uint32_t *frame_pair_slot(struct join *j, int64_t ts, const char *tenant,
				 uint32_t ph, bool create)
{
	struct key k;

	kstart(&k, 'G', tenant);
	kput(&k, &ts, sizeof(ts));
	kput(&k, &ph, sizeof(ph));
	return bmap_at(&j->frames, k.b, k.n, create, 0, NULL);
}

/* Add a record's labels to its frame. */
static void frame_put(struct join *j, int64_t ts, const char *tenant,
		      const struct lbl_addr *s, const struct lbl_addr *d,
		      uint32_t set)
{
	struct key k;
	bool created;
	uint32_t ph = pair_hash(s, d);

	frame_key(&k, ts, tenant);
	struct bent *e = bmap_ent(&j->frames, k.b, k.n, true, set, &created);
	if (created) {
		e->aux = ph;
		return;
	}
	uint32_t old = e->v, first = e->aux;
	e->v = set_union(&j->st, old, set);
	if (first == ph)
		return;
	e->aux = FRAME_MULTI;
	/* e may move from here on */
	if (first != FRAME_MULTI)
		*frame_pair_slot(j, ts, tenant, first, true) = old;
	uint32_t *v = frame_pair_slot(j, ts, tenant, ph, true);
	*v = set_union(&j->st, *v, set);
}

/* The labels of the frame at ts between s and d; false: no such record. */
static bool frame_pair(struct join *j, int64_t ts, const char *tenant,
		       const struct lbl_addr *s, const struct lbl_addr *d,
		       uint32_t *set)
{
	struct key k;
	uint32_t ph = pair_hash(s, d);

	frame_key(&k, ts, tenant);
	struct bent *e = bmap_ent(&j->frames, k.b, k.n, false, 0, NULL);
	if (!e)
		return false;
	if (e->aux == ph) {
		*set = e->v;
		return true;
	}
	if (e->aux != FRAME_MULTI)
		return false;
	uint32_t *v = frame_pair_slot(j, ts, tenant, ph, false);
	if (v)
		*set = *v;
	return v != NULL;
}

/* The labels of all the records with addresses at ts. */
static uint32_t frame_all(struct join *j, int64_t ts, const char *tenant)
{
	struct key k;

	frame_key(&k, ts, tenant);
	uint32_t *v = bmap_at(&j->frames, k.b, k.n, false, 0, NULL);
	return v ? *v : 0;
}

/*
 * Prefetch the frame slot of the next record of r, when its bytes are at
 * hand and start with its Timestamp (field 1, a varint: every per-packet
 * record) and it is untunnelled (the usual case; a wrong guess only loads
 * a line for nothing).
 */
static void frame_ahead(struct join *j, const struct nc_reader *r)
{
	const uint8_t *p;
	size_t n = nc_reader_peek(r, &p);
	uint64_t ts;

	if (n < 2 || p[0] != 0x08 || nc_varint_get(p + 1, p + n, &ts) <= 0)
		return;
	struct key f;
	frame_key(&f, (int64_t)ts, "");
	bmap_prefetch(&j->frames, f.b, f.n);
}

static uint32_t label_rec(struct join *j, const struct lbl_rec *ri,
			  const ProtobufCMessage *m)
{
	struct lbl_addr s, d;
	struct key k;
	uint32_t set = 0;
	bool addrs = lbl_addr_of(m, ri->src, &s) &&
		     lbl_addr_of(m, ri->dst, &d) && s.len == d.len;
	int64_t ts = lbl_i64(m, ri->ts);
	const char *tenant = lbl_tenant(m, ri);
	enum rec_class cls = ri->cls;

	if (cls == RC_CONN)
		return label_conn(j, ri, m);
	if (cls == RC_FLOWS) {
		size_t n = *(const size_t *)((const char *)m +
					     ri->flows->quantifier_offset);
		const char *const *uids =
		    (const char *const *)LBL_AT(m, ri->flows, char **);
		for (size_t i = 0; i < n; i++) {
			struct key u;
			const char *uid = uids[i] ? uids[i] : "";
			kstart(&u, 'U', "");
			kput(&u, uid, strlen(uid) < 64 ? strlen(uid) : 64);
			uint32_t *v =
			    bmap_at(&j->uids, u.b, u.n, false, 0, NULL);
			if (v)
				set = set_union(&j->st, set, *v);
		}
	}
	if (cls == RC_UID) {
		const char *uid = lbl_str(m, ri->uid);
		if (*uid) {
			struct key u;
			kstart(&u, 'U', "");
			kput(&u, uid, strlen(uid) < 64 ? strlen(uid) : 64);
			uint32_t *v =
			    bmap_at(&j->uids, u.b, u.n, false, 0, NULL);
			set = v ? *v : 0;
			cls = RC_NONE;
		} else if (ri->ts && addrs && ri->sport && ri->dport) {
			cls = RC_PORTS;
		} else if (ri->ts && addrs) {
			cls = RC_ADDR;
		} else {
			cls = RC_NONE;
		}
	}
	bool packet = ri->cls == RC_PORTS;
	uint32_t in_frame = UINT32_MAX; /* the frame's labels, when found */
	if (cls == RC_PORTS && addrs) {
		int sp = lbl_i32(m, ri->sport), dp = lbl_i32(m, ri->dport);
		if (ri->proto >= 0) {
			uint8_t p = (uint8_t)ri->proto;
			kstart(&k, 'P', tenant);
			kput(&k, &p, 1);
			kpair(&k, &s, sp, &d, dp, true);
			set = conns_at(j, &k, ts, -1, set, NULL);
		} else {
			static const uint8_t ps[] = {6, 17, 132};
			for (size_t i = 0; i < sizeof(ps); i++) {
				kstart(&k, 'P', tenant);
				kput(&k, &ps[i], 1);
				kpair(&k, &s, sp, &d, dp, true);
				set = conns_at(j, &k, ts, -1, set, NULL);
			}
		}
	} else if (cls == RC_ADDR && addrs) {
		uint32_t fs;
		if (frame_pair(j, ts, tenant, &s, &d, &fs)) {
			set = set_union(&j->st, set, fs);
			in_frame = fs;
		} else {
			int proto = ri->proto;
			if (proto < 0 && ri->ipproto)
				proto = lbl_i32(m, ri->ipproto);
			kstart(&k, 'A', tenant);
			kpair(&k, &s, 0, &d, 0, false);
			set = conns_at(j, &k, ts, proto, set, NULL);
		}
	} else if (cls == RC_TS && ri->ts) {
		set = set_union(&j->st, set, frame_all(j, ts, tenant));
	}
	if (j->attacks.n && addrs) {
		int64_t lo = ri->ts ? ts : lbl_i64(m, ri->first);
		int64_t hi = ri->ts ? ts : lbl_i64(m, ri->last);
		if (ri->ts || ri->first)
			set = attacks_in(j, lo, hi ? hi : lo, &s, &d, set);
	}
	/* (an IPv4 record that found its TCP record's labels and adds none
	   would leave the frame as it is) */
	if ((packet || ri->cls == RC_ADDR) && addrs && set != in_frame)
		frame_put(j, ts, tenant, &s, &d, set);
	return set;
}

/* ---- output ---- */

static ssize_t gz_write(void *c, const char *buf, size_t n)
{
	int k = gzwrite((gzFile)c, buf, (unsigned)n);

	return k > 0 ? k : (n ? -1 : 0);
}

static int gz_close(void *c)
{
	return gzclose((gzFile)c) == Z_OK ? 0 : -1;
}

struct outfile {
	char *tmp, *final;
};

struct summary_row {
	int type;
	uint32_t label; /* result text, interned */
	uint64_t count;
};

struct label_run {
	const char *dir, *outdir, *select;
	bool gzip, quiet;
	struct opts o;
	struct join j;
	struct outfile *outs;
	size_t nouts;
	struct summary_row *rows;
	size_t nrows, last_row;
	int last_type;
	uint32_t last_set;
};

/* The result cell of set; NULL under --strict when it has two labels. */
static const char *result_text(struct label_run *lr, uint32_t set,
			       struct nc_sb *sb)
{
	struct lbl_state *s = &lr->j.st;

	if (!set)
		return "normal";
	if (s->slen[set] > 1 && lr->o.strict)
		return NULL;
	if (s->slen[set] == 1 || !lr->o.collect)
		return s->lab[s->sv[s->soff[set]]];
	sb->len = 0;
	for (uint32_t i = 0; i < s->slen[set]; i++) {
		if (i)
			nc_sb_puts(sb, " | ");
		nc_sb_puts(sb, s->lab[s->sv[s->soff[set] + i]]);
	}
	nc_sb_add(sb, "", 0);
	return sb->p;
}

/* Count a record of type with label set (its result text) in the
 * summary; the last (type, set) is remembered, as labels come in runs. */
static void count(struct label_run *lr, int type, uint32_t set,
		  const char *text)
{
	if (lr->nrows && lr->last_type == type && lr->last_set == set) {
		lr->rows[lr->last_row].count++;
		return;
	}
	uint32_t id = label_id(&lr->j.st, text);
	lr->last_type = type;
	lr->last_set = set;
	for (size_t i = lr->nrows; i-- > 0;) {
		if (lr->rows[i].type != type)
			break;
		if (lr->rows[i].label == id) {
			lr->rows[i].count++;
			lr->last_row = i;
			return;
		}
	}
	lr->rows = xalloc(lr->rows, (lr->nrows + 1) * sizeof(*lr->rows));
	lr->last_row = lr->nrows;
	lr->rows[lr->nrows++] = (struct summary_row){type, id, 1};
}

/* The fields of list the type has, as one list for nc_render_select. */
static int select_cols(const ProtobufCMessageDescriptor *d, const char *list,
		       unsigned *cols)
{
	struct nc_sb sb = {0};
	char *dup = strdup(list), *save = NULL;
	int n = 0;

	if (!dup)
		return -1;
	for (char *t = strtok_r(dup, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool have = false;
		for (unsigned i = 0; i < d->n_fields && !have; i++)
			have = !strcasecmp(d->fields[i].name, t);
		if (!have)
			continue;
		if (sb.len)
			nc_sb_puts(&sb, ",");
		nc_sb_puts(&sb, t);
	}
	free(dup);
	if (sb.len) {
		char err[512];
		nc_sb_add(&sb, "", 0);
		n = nc_render_select(d, sb.p, cols, LABEL_MAX_COLS, err,
				     sizeof(err));
	}
	free(sb.p);
	return n;
}

static int label_file(struct label_run *lr, const char *path, const char *base)
{
	char err[512];
	struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
	struct lbl_rec ri;
	int rc = 1;

	if (!r) {
		label_err("%s", err);
		return 1;
	}
	int type = nc_reader_type(r);
	lbl_rec_info((enum nc_rec)type, &ri);

	struct outfile of;
	size_t n = strlen(lr->outdir) + strlen(base) + 64;
	of.final = xalloc(NULL, n);
	of.tmp = xalloc(NULL, n);
	snprintf(of.final, n, "%s/%s_labeled.csv%s", lr->outdir, base,
		 lr->gzip ? ".gz" : "");
	snprintf(of.tmp, n, "%s/.%s_labeled.csv.%d.tmp", lr->outdir, base,
		 (int)getpid());
	lr->outs = xalloc(lr->outs, (lr->nouts + 1) * sizeof(*lr->outs));
	lr->outs[lr->nouts++] = of;

	FILE *out;
	if (lr->gzip) {
		gzFile gz = gzopen(of.tmp, "wb6");
		static const cookie_io_functions_t io = {.write = gz_write,
							 .close = gz_close};
		out = gz ? fopencookie(gz, "w", io) : NULL;
		if (gz && !out)
			gzclose(gz);
	} else {
		out = fopen(of.tmp, "w");
	}
	if (!out) {
		label_err("%s: %s", of.tmp, strerror(errno));
		nc_reader_close(r);
		return 1;
	}
	unsigned cols[LABEL_MAX_COLS];
	int ncols;
	if (lr->select) {
		ncols = select_cols(ri.d, lr->select, cols);
	} else {
		/* as dump: Result only in files capture --attacks wrote */
		const Netcap__Header *h = nc_reader_header(r);
		ncols = (int)nc_render_record_cols(
		    ri.d, h->labelsource && *h->labelsource, cols);
	}
	struct nc_render *rr = nc_render_new(out, NC_FMT_CSV, lr->o.tf, ri.d,
					     ncols >= 0 ? cols : NULL,
					     ncols >= 0 ? (unsigned)ncols : 0);
	if (!rr) {
		label_err("out of memory");
		fclose(out);
		nc_reader_close(r);
		return 1;
	}
	nc_render_set_sep(rr, lr->o.sep);
	nc_render_set_extra(rr, "result");

	struct nc_sb sb = {0};
	ProtobufCMessage *m;
	uint64_t recno = 0;
	int k;
	bool bad = false;
	/* per-packet records look their frame up: the next one's slot is
	   prefetched while this one is labelled */
	bool frames = ri.ts && (ri.cls == RC_PORTS || ri.cls == RC_ADDR ||
				ri.cls == RC_TS);
	while ((k = nc_reader_next_tmp(r, &m)) == 1) {
		recno++;
		if (frames)
			frame_ahead(&lr->j, r);
		uint32_t set = label_rec(&lr->j, &ri, m);
		const char *text = result_text(lr, set, &sb);
		if (!text) {
			struct lbl_state *s = &lr->j.st;
			const char *uid = lbl_str(m, ri.uid);
			label_err("%s: record %llu%s%s: two labels, '%s' and "
				  "'%s' (--strict)",
				  path, (unsigned long long)recno,
				  *uid ? " UID " : "", uid,
				  s->lab[s->sv[s->soff[set]]],
				  s->lab[s->sv[s->soff[set] + 1]]);
			bad = true;
			break;
		}
		count(lr, type, set, text);
		int e = nc_render_row_extra(rr, m, text);
		if (e < 0) {
			label_err("out of memory");
			bad = true;
			break;
		}
	}
	if (recno == 0) { /* the type still gets its summary line */
		count(lr, type, 0, "normal");
		lr->rows[lr->nrows - 1].count = 0;
	}
	free(sb.p);
	int we = nc_render_end(rr);
	int ce = fclose(out);
	if (bad)
		goto out;
	if (k < 0) {
		label_err("%s: %s", path, nc_reader_error(r));
		goto out;
	}
	if (we < 0 || ce != 0) {
		label_err("%s: write error", of.tmp);
		goto out;
	}
	rc = 0;
out:
	nc_reader_close(r);
	return rc;
}

/* ---- the record files of a directory ---- */

struct infile {
	char *path, *base;
	int type, phase;
};

static int infile_cmp(const void *a, const void *b)
{
	const struct infile *x = a, *y = b;

	if (x->phase != y->phase)
		return x->phase - y->phase;
	if (x->type != y->type)
		return x->type - y->type;
	return strcmp(x->base, y->base);
}

static int scan_dir(const char *dir, struct infile **out, size_t *nout)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (!dp) {
		label_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp))) {
		const char *nm = de->d_name;
		size_t l = strlen(nm), sl = nc_record_suffix(nm), bl = l - sl;
		if (!sl)
			continue;
		size_t pl = strlen(dir) + l + 2;
		char *path = xalloc(NULL, pl);
		snprintf(path, pl, "%s/%s", dir, nm);
		char err[512];
		struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
		if (!r) {
			label_err("%s", err);
			free(path);
			closedir(dp);
			return -1;
		}
		int type = nc_reader_type(r);
		nc_reader_close(r);
		if (type < 0) {
			fprintf(stderr,
				"netcap label: %s: record type unknown to this "
				"netcap, skipped\n",
				path);
			free(path);
			continue;
		}
		struct lbl_rec ri;
		lbl_rec_info((enum nc_rec)type, &ri);
		*out = xalloc(*out, (*nout + 1) * sizeof(**out));
		struct infile *f = &(*out)[(*nout)++];
		f->path = path;
		f->base = strndup(nm, bl);
		f->type = type;
		f->phase = ri.cls == RC_CONN ? 0
			   : ri.cls == RC_PORTS || ri.cls == RC_UID ||
				   ri.cls == RC_FLOWS
			       ? 1
			   : ri.cls == RC_ADDR ? 2
					       : 3;
	}
	closedir(dp);
	if (*nout)
		qsort(*out, *nout, sizeof(**out), infile_cmp);
	return 0;
}

/* A --select name that no record type of the directory has: true, with
 * the name in err. */
static bool select_unknown(const char *list, const struct infile *files,
			   size_t nfiles, char *err, size_t errlen)
{
	char *dup = strdup(list), *save = NULL;
	bool bad = false;

	if (!dup)
		return false;
	for (char *t = strtok_r(dup, ",", &save); t && !bad;
	     t = strtok_r(NULL, ",", &save)) {
		bool have = false;
		for (size_t i = 0; i < nfiles && !have; i++) {
			const ProtobufCMessageDescriptor *d =
			    nc_rec_desc((enum nc_rec)files[i].type);
			for (unsigned k = 0; k < d->n_fields && !have; k++)
				have = !strcasecmp(d->fields[k].name, t);
		}
		if (!have) {
			snprintf(err, errlen,
				 "no record type in the directory has a field "
				 "'%s' (dump --fields FILE lists them)",
				 t);
			bad = true;
		}
	}
	free(dup);
	return bad;
}

/* An attack list in Netcap v0.5's CSV format (by its name, as Netcap). */
static bool excluded(const char *list, const char *cat)
{
	if (!list || !*cat)
		return false;
	size_t n = strlen(cat);
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && !strncmp(p, cat, n))
			return true;
		p += k;
		if (*p == ',')
			p++;
	}
	return false;
}

static char **row_labels; /* for row_cmp */

/* Within a type: normal first, then the labels by name. */
static int row_cmp(const void *a, const void *b)
{
	const char *x = row_labels[((const struct summary_row *)a)->label];
	const char *y = row_labels[((const struct summary_row *)b)->label];
	int nx = strcmp(x, "normal") != 0, ny = strcmp(y, "normal") != 0;

	return nx != ny ? nx - ny : strcmp(x, y);
}

static void summary(struct label_run *lr, size_t nalerts, size_t nexcl,
		    size_t nattacks, size_t nexcl_atk)
{
	struct join *j = &lr->j;
	size_t miss = 0;

	row_labels = j->st.lab;
	for (size_t i = 0, e; i < lr->nrows; i = e) {
		for (e = i;
		     e < lr->nrows && lr->rows[e].type == lr->rows[i].type;)
			e++;
		qsort(lr->rows + i, e - i, sizeof(*lr->rows), row_cmp);
	}

	for (size_t i = 0; i < j->alerts.n; i++)
		miss += !j->alert_hit[i];
	printf("alerts: %zu read, %zu excluded, %zu matched a connection, %zu "
	       "matched none; attacks: %zu read, %zu excluded\n",
	       nalerts, nexcl, j->alerts.n - miss, miss, nattacks + nexcl_atk,
	       nexcl_atk);
	printf("%-28s %10s  %s\n", "TYPE", "RECORDS", "LABEL");
	for (size_t i = 0; i < lr->nrows; i++)
		printf("%-28s %10llu  %s\n", nc_rec_name(lr->rows[i].type),
		       (unsigned long long)lr->rows[i].count,
		       j->st.lab[lr->rows[i].label]);
}

int nc_cmd_label(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"read", required_argument, NULL, 'r'},
	    {"out", required_argument, NULL, 'o'},
	    {"eve", required_argument, NULL, 'E'},
	    {"anomalies", no_argument, NULL, 'Y'},
	    {"fast-log", required_argument, NULL, 'F'},
	    {"notice", required_argument, NULL, 'N'},
	    {"tz", required_argument, NULL, 'z'},
	    {"attacks", required_argument, NULL, 'A'},
	    {"tolerance", required_argument, NULL, 't'},
	    {"description", no_argument, NULL, 'D'},
	    {"exclude", required_argument, NULL, 'x'},
	    {"collect", no_argument, NULL, 'c'},
	    {"strict", no_argument, NULL, 'S'},
	    {"select", required_argument, NULL, 's'},
	    {"sep", required_argument, NULL, 'p'},
	    {"time", required_argument, NULL, 'm'},
	    {"gzip", no_argument, NULL, 'g'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct label_run lr = {.o = {.sep = ',', .tf = NC_TIME_NS}};
	const char **eves = NULL, **fasts = NULL, **atks = NULL,
		   **notices = NULL;
	const char *tz = "UTC", *exclude = NULL;
	size_t neve = 0, nfast = 0, natk = 0, nnotice = 0;
	double tol = 1.0;
	bool anomalies = false;
	bool renamed = false;
	int c, rc = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			lr.dir = optarg;
			break;
		case 'o':
			lr.outdir = optarg;
			break;
		case 'E':
			eves = xalloc(eves, (neve + 1) * sizeof(*eves));
			eves[neve++] = optarg;
			break;
		case 'F':
			fasts = xalloc(fasts, (nfast + 1) * sizeof(*fasts));
			fasts[nfast++] = optarg;
			break;
		case 'N':
			notices =
			    xalloc(notices, (nnotice + 1) * sizeof(*notices));
			notices[nnotice++] = optarg;
			break;
		case 'z':
			tz = optarg;
			break;
		case 'A':
			atks = xalloc(atks, (natk + 1) * sizeof(*atks));
			atks[natk++] = optarg;
			break;
		case 't': {
			char *e;
			tol = strtod(optarg, &e);
			if (*e || e == optarg || !(tol >= 0 && tol < 1e6)) {
				label_err("--tolerance '%s': expected seconds "
					  ">= 0",
					  optarg);
				goto usage;
			}
			break;
		}
		case 'Y':
			anomalies = true;
			break;
		case 'D':
			lr.o.description = true;
			break;
		case 'x':
			exclude = optarg;
			break;
		case 'c':
			lr.o.collect = true;
			break;
		case 'S':
			lr.o.strict = true;
			break;
		case 's':
			lr.select = optarg;
			break;
		case 'p':
			if (strlen(optarg) != 1 || strchr("\"\r\n", *optarg)) {
				label_err("--sep '%s': expected one character "
					  "(not a quote or line end)",
					  optarg);
				goto usage;
			}
			lr.o.sep = *optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "ns"))
				lr.o.tf = NC_TIME_NS;
			else if (!strcmp(optarg, "rfc3339"))
				lr.o.tf = NC_TIME_RFC3339;
			else {
				label_err("--time '%s': expected ns or rfc3339",
					  optarg);
				goto usage;
			}
			break;
		case 'g':
			lr.gzip = true;
			break;
		case 'q':
			lr.quiet = true;
			break;
		case 'h':
			label_usage(stdout);
			free(eves);
			free(fasts);
			free(atks);
			free(notices);
			return 0;
		case ':':
			label_err("option '%s' needs a value",
				  argv[optind - 1]);
			goto usage;
		default:
			label_err("unknown option '%s' (try 'netcap label "
				  "--help')",
				  argv[optind - 1]);
			goto usage;
		}
	}
	if (optind < argc) {
		label_err("unexpected argument '%s' (try 'netcap label "
			  "--help')",
			  argv[optind]);
		goto usage;
	}
	if (!lr.dir) {
		label_err("missing -r DIR (try 'netcap label --help')");
		goto usage;
	}
	if (!neve && !nfast && !nnotice && !natk) {
		label_err("nothing to label with: give --eve, --fast-log, "
			  "--notice or --attacks");
		goto usage;
	}
	if (!lbl_zone_ok(tz)) {
		label_err("--tz '%s': unknown time zone (not in the system's "
			  "zoneinfo)",
			  tz);
		goto usage;
	}
	if (!lr.outdir)
		lr.outdir = lr.dir;
	lr.o.tol = (int64_t)(tol * 1e9);
	lr.j.tol = lr.o.tol;

	/* inputs first: a bad one stops before anything is written */
	struct join *j = &lr.j;
	char err[1024];
	uint32_t seq = 0;
	for (size_t i = 0; i < neve; i++)
		if (lbl_read_eve(eves[i], anomalies, &j->alerts, &seq, err,
				 sizeof(err)) < 0) {
			label_err("%s", err);
			goto out;
		}
	for (size_t i = 0; i < nfast; i++)
		if (lbl_read_fastlog(fasts[i], tz, &j->alerts, &seq, err,
				     sizeof(err)) < 0) {
			label_err("%s", err);
			goto out;
		}
	for (size_t i = 0; i < nnotice; i++)
		if (lbl_read_notice(notices[i], &j->alerts, &seq, err,
				    sizeof(err)) < 0) {
			label_err("%s", err);
			goto out;
		}
	for (size_t i = 0; i < natk; i++)
		if ((lbl_csv_list(atks[i])
			 ? lbl_read_attacks_csv(atks[i], tz, &j->attacks, err,
						sizeof(err))
			 : lbl_read_attacks(atks[i], &j->attacks, err,
					    sizeof(err))) < 0) {
			label_err("%s", err);
			goto out;
		}
	size_t nalerts = j->alerts.n, nexcl = 0, nexcl_atk = 0, keep = 0;
	for (size_t i = 0; i < j->alerts.n; i++) {
		struct lbl_alert *a = &j->alerts.v[i];
		if (excluded(exclude, a->category)) {
			lbl_alert_free(a);
			nexcl++;
			continue;
		}
		a->label = label_id(&j->st, lr.o.description || !*a->category
						? a->signature
						: a->category);
		j->alerts.v[keep++] = *a;
	}
	j->alerts.n = keep;
	size_t akeep = 0;
	for (size_t i = 0; i < j->attacks.n; i++) {
		struct lbl_attack *a = &j->attacks.v[i];
		if (excluded(exclude, a->category)) {
			nexcl_atk++;
			lbl_attack_free(a);
			continue;
		}
		a->label = label_id(&j->st, lr.o.description || !*a->category
						? a->name
						: a->category);
		j->attacks.v[akeep++] = *a;
	}
	j->attacks.n = akeep;
	index_alerts(j);
	uint32_t none = 0;
	set_intern(&j->st, &none, 0); /* set 0: the empty set */

	struct infile *files = NULL;
	size_t nfiles = 0;
	if (scan_dir(lr.dir, &files, &nfiles) < 0)
		goto out;
	if (!nfiles) {
		label_err("%s: no record files (<Type>.ncap.lz4)", lr.dir);
		goto out_files;
	}
	if (lr.select &&
	    select_unknown(lr.select, files, nfiles, err, sizeof(err))) {
		label_err("--select: %s", err);
		rc = 2;
		goto out_files;
	}
	if (mkdir(lr.outdir, 0755) != 0 && errno != EEXIST) {
		label_err("%s: %s", lr.outdir, strerror(errno));
		goto out_files;
	}
	bool have_conn = nfiles && files[0].phase == 0;
	if (j->alerts.n && !have_conn)
		fprintf(stderr,
			"netcap label: %s: no Connection records, alerts "
			"cannot be joined (capture with Connection "
			"records)\n",
			lr.dir);
	for (size_t i = 0; i < nfiles; i++)
		if (label_file(&lr, files[i].path, files[i].base) != 0)
			goto out_files;
	for (size_t i = 0; i < lr.nouts; i++)
		if (rename(lr.outs[i].tmp, lr.outs[i].final) != 0) {
			label_err("%s: %s", lr.outs[i].final, strerror(errno));
			for (size_t k = 0; k < i; k++)
				unlink(lr.outs[k].final);
			goto out_files;
		}
	renamed = true;
	if (!lr.quiet)
		summary(&lr, nalerts, nexcl, j->attacks.n, nexcl_atk);
	rc = 0;
out_files:
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i].path);
		free(files[i].base);
	}
	free(files);
out:
	for (size_t i = 0; i < lr.nouts; i++) {
		if (!renamed)
			unlink(lr.outs[i].tmp);
		free(lr.outs[i].tmp);
		free(lr.outs[i].final);
	}
	free(lr.outs);
	free(lr.rows);
	free(eves);
	free(fasts);
	free(atks);
	free(notices);
	lbl_alerts_free(&j->alerts);
	lbl_attacks_free(&j->attacks);
	free(j->alert_hit);
	for (size_t i = 0; i < j->alists.n; i++)
		free(j->alists.v[i].v);
	free(j->alists.v);
	for (size_t i = 0; i < j->clists.n; i++)
		free(j->clists.v[i].v);
	free(j->clists.v);
	free(j->conns);
	bmap_free(&j->akeys);
	bmap_free(&j->ckeys);
	bmap_free(&j->uids);
	bmap_free(&j->frames);
	for (size_t i = 0; i < j->st.nlab; i++)
		free(j->st.lab[i]);
	free(j->st.lab);
	free(j->st.sv);
	free(j->st.soff);
	free(j->st.slen);
	bmap_free(&j->st.labmap);
	bmap_free(&j->st.setmap);
	return rc;
usage:
	free(eves);
	free(fasts);
	free(atks);
	free(notices);
	return 2;
}
