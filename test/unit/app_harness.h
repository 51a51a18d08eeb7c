/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app_harness.h: helpers for the application-layer parser tests.
 *
 * A test drives one parser (struct nc_app_parser) the way the dispatcher
 * does: a connection, an application table and the parser's state, then
 * data() per chunk, gap(), end() and close(), or datagram() for UDP. The
 * records go to a harness.h sink. Every chunk and datagram is handed over
 * as a private heap copy of exactly its length, so a read past it is an
 * ASan report; closing checks that every budgeted byte came back.
 * Include after <cmocka.h>.
 */
#ifndef NC_TEST_APP_HARNESS_H
#define NC_TEST_APP_HARNESS_H

#include <stdbool.h>

#include "harness.h"
#include "applayer.h"

/* One connection driven through a parser's callbacks. */
struct app_run {
	struct harness *h; /* where the records go */
	bool own_h;	   /* h made by app_open(), freed by app_free() */
	struct nc_apptab *tab;
	struct nc_app_conn c;
	struct nc_app_ctx x;
	const struct nc_app_parser *ps;
	void *st; /* the parser's state; NULL once closed */
	uint32_t seq;
};

/* The tests' application config: defaults, 4 flows, every digest. */
static inline void app_cfg(struct nc_app_cfg *acfg)
{
	nc_app_cfg_default(acfg);
	acfg->max_flows = 4;
	acfg->file_hashes = 7; /* every File digest (files.h NC_FILE_*) */
}

/*
 * Open connection c for parser ps (NULL: no parser state, only the table)
 * with config acfg (NULL: app_cfg()). Records go to h, or to a fresh
 * harness (every record type, payloads on) when h is NULL. Kept records of
 * h are dropped.
 */
static inline void app_open(struct app_run *r, struct harness *h,
			    const struct nc_app_parser *ps,
			    const struct nc_app_conn *c,
			    const struct nc_app_cfg *acfg)
{
	struct nc_app_cfg def;

	memset(r, 0, sizeof(*r));
	r->own_h = h == NULL;
	r->h = h ? h : h_new();
	r->h->n = 0;
	if (!acfg) {
		app_cfg(&def);
		acfg = &def;
	}
	r->tab = nc_apptab_new(acfg, &r->h->cfg.want);
	assert_non_null(r->tab);
	r->h->dec.apps = r->tab;
	r->ps = ps;
	r->c = *c;
	r->x.d = &r->h->dec;
	r->x.tab = r->tab;
	r->x.c = &r->c;
	if (ps) {
		r->st = nc_app_alloc(&r->x, ps->state_size);
		assert_non_null(r->st);
	}
}

/* len octets endpoint dir sent, in chunks of at most chunk (0: one). */
static inline void app_data(struct app_run *r, int dir, const void *p,
			    size_t len, size_t chunk)
{
	const uint8_t *b = p;

	while (len) {
		size_t k = chunk && chunk < len ? chunk : len;
		/* a private copy: reading past it is an ASan report */
		uint8_t *cp = malloc(k);
		memcpy(cp, b, k);
		r->ps->data(&r->x, r->st, dir, cp, k);
		free(cp);
		b += k, len -= k;
	}
}

static inline void app_gap(struct app_run *r, int dir, uint64_t len)
{
	r->ps->gap(&r->x, r->st, dir, len);
}

static inline void app_end(struct app_run *r, int dir)
{
	r->ps->end(&r->x, r->st, dir);
}

/* close() without end(), free the state: every byte given back. */
static inline void app_finish(struct app_run *r)
{
	struct nc_app_stats as;

	if (!r->st)
		return;
	r->ps->close(&r->x, r->st);
	nc_app_free(&r->x, r->st, r->ps->state_size);
	r->st = NULL;
	nc_app_stats(r->tab, &as);
	assert_int_equal(as.bytes, 0);
}

/* Both directions end, then app_finish(). */
static inline void app_close(struct app_run *r)
{
	if (!r->st)
		return;
	if (r->ps->end) {
		r->ps->end(&r->x, r->st, 0);
		r->ps->end(&r->x, r->st, 1);
	}
	app_finish(r);
}

/* Close if open (every byte given back), free the table and the harness
   app_open() made. */
static inline void app_free(struct app_run *r)
{
	struct nc_app_stats as;

	app_close(r);
	nc_app_stats(r->tab, &as);
	assert_int_equal(as.bytes, 0);
	if (r->h->dec.apps == r->tab)
		r->h->dec.apps = NULL;
	nc_apptab_free(r->tab);
	r->tab = NULL;
	if (r->own_h)
		free(r->h);
}

/* One datagram of len octets from endpoint dir of c, kept records dropped
   first. */
static inline void app_datagram(struct harness *h,
				const struct nc_app_parser *ps,
				const struct nc_app_conn *c, int dir,
				const void *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);
	memcpy(q, p, len);
	h->n = 0;
	ps->datagram(&h->dec, c, dir, q, len);
	free(q);
}

/* ---------------------------------------------------------------------- */
/* sessions given as text segments */

struct app_seg {
	int dir;    /* 0 client, 1 server */
	size_t len; /* octets of text (0: strlen) */
	const char *text;
};

/* opens r for a session; arg as given to the helpers below */
typedef void app_open_fn(struct app_run *r, const void *arg);

static inline size_t app_seg_len(const struct app_seg *s)
{
	return s->len ? s->len : strlen(s->text);
}

/* Feed segs in chunks of at most chunk octets (0: whole segments), up to
   cut octets in all (SIZE_MAX: everything); each segment is 1000 ns after
   the one before. */
static inline void app_feed_segs(struct app_run *r, const struct app_seg *segs,
				 size_t n, size_t chunk, size_t cut)
{
	size_t total = 0;
	for (size_t i = 0; i < n && total < cut; i++) {
		size_t len = app_seg_len(&segs[i]);
		if (len > cut - total)
			len = cut - total;
		total += len;
		r->c.ts += 1000;
		app_data(r, segs[i].dir, segs[i].text, len, chunk);
	}
}

/* Same records (type and length, and the packed bytes too when bytes is
   set) from whole segments and from one octet at a time. */
static inline void app_same_records(app_open_fn *open, const void *arg,
				    const struct app_seg *s, size_t n,
				    bool bytes)
{
	struct app_run a, b;
	open(&a, arg);
	app_feed_segs(&a, s, n, 0, SIZE_MAX);
	app_close(&a);
	open(&b, arg);
	app_feed_segs(&b, s, n, 1, SIZE_MAX);
	app_close(&b);
	assert_int_equal(a.h->n, b.h->n);
	for (unsigned i = 0; i < a.h->n; i++) {
		assert_int_equal(a.h->recs[i].type, b.h->recs[i].type);
		assert_int_equal(a.h->recs[i].len, b.h->recs[i].len);
		if (bytes)
			assert_memory_equal(a.h->recs[i].buf, b.h->recs[i].buf,
					    a.h->recs[i].len);
	}
	app_free(&a);
	app_free(&b);
}

/* Cut the session at every octet: no crash, nothing kept after close. */
static inline void app_every_cut(app_open_fn *open, const void *arg,
				 const struct app_seg *s, size_t n)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += app_seg_len(&s[i]);
	for (size_t cut = 0; cut <= total; cut++) {
		struct app_run r;
		open(&r, arg);
		app_feed_segs(&r, s, n, 0, cut);
		app_close(&r);
		app_free(&r);
	}
}

/*
 * got(): h_get() whose records are freed after the test by the cmocka
 * teardown free_got (cmocka_unit_test_teardown(test, free_got)), so the
 * ASan run sees no leak. At most 64 records per test are kept.
 */
static inline void *got_keep(void *m, bool free_all)
{
	static void *recs[64];
	static unsigned n;

	if (free_all) {
		while (n)
			H_FREE(recs[--n]);
	} else if (m && n < 64) {
		recs[n++] = m;
	}
	return m;
}

static inline void *got(struct harness *h, enum nc_rec t, unsigned nth)
{
	return got_keep(h_get(h, t, nth), false);
}

static inline int free_got(void **state)
{
	(void)state;
	got_keep(NULL, true);
	return 0;
}

#endif /* NC_TEST_APP_HARNESS_H */
