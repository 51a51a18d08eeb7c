/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * defrag.c: IPv4 (RFC 791 section 3.2) and IPv6 (RFC 8200 section 4.5)
 * fragment reassembly. The API, the bounds and the memory are in defrag.h.
 *
 * Layout. A datagram context (struct dg) is found through a hash table of
 * chains (key: family, addresses, identification, and for IPv4 the
 * protocol). Fragment data is written in place, at its offset, into 1 KiB
 * pages of one shared arena; a context has a page table of 64 entries
 * (64 KiB covers the largest end, 65535) and a sorted list of the octet
 * ranges received so far, merged, at most max_fragments_per_datagram long.
 * When the ranges are one [0, end) and the last fragment (MF/M clear) has
 * set end, the pages are copied into one output buffer, the context and
 * its pages are freed, and the caller decodes the buffer. A context also
 * sums the frame wire lengths and IP lengths of the fragments it kept
 * (nc_defrag_out), for connection tracking to count every fragment.
 *
 * Policy, in the order applied to each fragment:
 *   - a datagram whose first fragment arrived timeout_ns or more before is
 *     dropped (defrag.timeout) and the fragment starts a new one;
 *   - end (offset + length, plus the header for IPv4) > 65535:
 *     *.frag_too_big, the datagram is dropped;
 *   - no free context: defrag.dropped_no_room (the fragment is not kept);
 *   - more than max_fragments_per_datagram fragments, duplicates included:
 *     *.frag_too_many, the datagram is dropped (FreeBSD's
 *     maxfragsperpacket);
 *   - a last fragment whose end differs from an earlier last fragment's, or
 *     lies before octets already received, or a fragment reaching past the
 *     known end: *.frag_bad_end, the datagram is dropped (as Linux does);
 *   - not enough free pages for the octets: defrag.dropped_no_room;
 *   - overlapping octets: the octets received first win (the "first"
 *     policy of target-based reassembly); *.frag_overlap once per
 *     fragment that overlaps (exact duplicates included, as Wireshark
 *     marks them), and *.frag_overlap_differs as well when an overlapping
 *     octet differs from the one kept. Linux since 4.19 and RFC 5722 (IPv6)
 *     drop such datagrams instead; netcap keeps them so that the upper
 *     layer stays visible, and the anomaly says that it was contested.
 * IPv6 takes the upper-layer protocol from the Fragment header of the
 * offset-0 fragment (RFC 8200 section 4.5: the Next Header values of the
 * other fragments may differ and are not used), so it is not in the key.
 *
 * Every loop is bounded: chains and the age list by max_datagrams, ranges
 * by max_fragments_per_datagram, pages by 64 per datagram. Fragment
 * octets are taken from the cursor (cur_bytes) and copied with lengths
 * checked against NC_DEFRAG_MAX_END before any write.
 */
#include "defrag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NIL	      UINT32_MAX
#define DG_PAGES      ((NC_DEFRAG_MAX_END + NC_DEFRAG_PAGE) / NC_DEFRAG_PAGE)
#define MAX_DGRAMS    (1u << 24)
#define MAX_BYTES     (1u << 31)
#define MAX_FRAGS     4096u
#define EXPIRE_INLINE 2 /* timed-out datagrams dropped per offer */

struct dg_range {
	uint32_t start, end; /* [start, end) received */
};

struct dg {
	uint32_t hnext;	       /* hash chain, or the free list */
	uint32_t older, newer; /* age list: creation order */
	uint32_t bucket;
	int64_t created; /* packet time of the first fragment seen */
	uint32_t id;
	uint8_t family, kproto, first_proto;
	bool have_first, have_last;
	uint8_t src[16], dst[16];
	uint32_t end;	  /* datagram data length, once have_last */
	uint32_t max_end; /* largest fragment end received */
	uint16_t nfrags, nranges;
	uint32_t ip_bytes;	 /* the kept fragments' ip_len, summed */
	uint64_t wire;		 /* the kept fragments' frame wirelen, summed */
	uint64_t tenant;	 /* tunnel tenant of the fragments (0: none) */
	struct dg_range *ranges; /* max_fragments_per_datagram slots */
	uint32_t page[DG_PAGES]; /* arena page per 1 KiB, or NIL */
};

struct nc_defrag {
	struct nc_defrag_cfg cfg;
	struct dg *dg;
	struct dg_range *ranges;
	uint32_t *bucket;
	uint32_t bmask;
	uint32_t free_dg; /* head of the free list (hnext) */
	uint32_t oldest, newest;
	uint32_t inflight;
	uint8_t *arena;
	uint32_t npages;
	uint32_t *free_page; /* stack of free page numbers */
	uint32_t nfree;
	uint32_t seed;
	bool busy; /* a reassembled payload is being decoded */
	uint8_t out[NC_DEFRAG_MAX_END];
};

struct nc_defrag_cfg nc_defrag_cfg_default(void)
{
	struct nc_defrag_cfg c = {
	    .max_datagrams = 1024,
	    .max_bytes = 4u << 20,
	    .timeout_ns = 30LL * 1000000000LL,
	    .max_fragments_per_datagram = 64,
	};
	return c;
}

static bool cfg_ok(const struct nc_defrag_cfg *c)
{
	return c->max_datagrams > 0 && c->max_datagrams <= MAX_DGRAMS &&
	       c->max_bytes >= NC_DEFRAG_PAGE && c->max_bytes <= MAX_BYTES &&
	       c->timeout_ns > 0 && c->max_fragments_per_datagram > 0 &&
	       c->max_fragments_per_datagram <= MAX_FRAGS;
}

static uint32_t nbuckets(uint32_t max_datagrams)
{
	uint32_t n = 1;
	while (n < 2 * max_datagrams)
		n <<= 1;
	return n;
}

static uint32_t npages(uint32_t max_bytes)
{
	return (max_bytes + NC_DEFRAG_PAGE - 1) / NC_DEFRAG_PAGE;
}

size_t nc_defrag_bytes(const struct nc_defrag_cfg *c)
{
	size_t n = c->max_datagrams;
	size_t p = npages(c->max_bytes);
	return sizeof(struct nc_defrag) + n * sizeof(struct dg) +
	       n * c->max_fragments_per_datagram * sizeof(struct dg_range) +
	       nbuckets(c->max_datagrams) * sizeof(uint32_t) +
	       p * NC_DEFRAG_PAGE + p * sizeof(uint32_t);
}

void nc_defrag_free(struct nc_defrag *df)
{
	if (!df)
		return;
	free(df->dg);
	free(df->ranges);
	free(df->bucket);
	free(df->arena);
	free(df->free_page);
	free(df);
}

struct nc_defrag *nc_defrag_new(const struct nc_defrag_cfg *cfg)
{
	if (!cfg || !cfg_ok(cfg)) {
		errno = EINVAL;
		return NULL;
	}
	struct nc_defrag *df = calloc(1, sizeof(*df));
	if (!df) {
		errno = ENOMEM;
		return NULL;
	}
	uint32_t n = cfg->max_datagrams;
	uint32_t nb = nbuckets(n);

	df->cfg = *cfg;
	df->npages = npages(cfg->max_bytes);
	df->dg = calloc(n, sizeof(*df->dg));
	df->ranges = calloc((size_t)n * cfg->max_fragments_per_datagram,
			    sizeof(*df->ranges));
	df->bucket = malloc(nb * sizeof(*df->bucket));
	df->arena = malloc((size_t)df->npages * NC_DEFRAG_PAGE);
	df->free_page = malloc((size_t)df->npages * sizeof(*df->free_page));
	if (!df->dg || !df->ranges || !df->bucket || !df->arena ||
	    !df->free_page) {
		nc_defrag_free(df);
		errno = ENOMEM;
		return NULL;
	}
	/* touch everything now: no page faults on the fast path */
	memset(df->arena, 0, (size_t)df->npages * NC_DEFRAG_PAGE);
	df->bmask = nb - 1;
	for (uint32_t i = 0; i < nb; i++)
		df->bucket[i] = NIL;
	for (uint32_t i = 0; i < n; i++) {
		df->dg[i].hnext = i + 1 < n ? i + 1 : NIL;
		df->dg[i].ranges =
		    df->ranges + (size_t)i * cfg->max_fragments_per_datagram;
	}
	df->free_dg = 0;
	for (uint32_t i = 0; i < df->npages; i++)
		df->free_page[i] = df->npages - 1 - i;
	df->nfree = df->npages;
	df->oldest = df->newest = NIL;
	/* the hash seed only spreads chains; records do not depend on it */
	df->seed = (uint32_t)((uintptr_t)df >> 4) * 0x9e3779b1u;
	return df;
}

unsigned nc_defrag_inflight(const struct nc_defrag *df)
{
	return df->inflight;
}

unsigned nc_defrag_pages_used(const struct nc_defrag *df)
{
	return df->npages - df->nfree;
}

static inline uint32_t hstep(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0xcc9e2d51u;
	return h << 15 | h >> 17;
}

static uint32_t hash_addr(uint32_t h, const uint8_t *a, unsigned n)
{
	for (unsigned i = 0; i + 4 <= n; i += 4)
		h = hstep(h, (uint32_t)a[i] << 24 | (uint32_t)a[i + 1] << 16 |
				 (uint32_t)a[i + 2] << 8 | a[i + 3]);
	return h;
}

struct key {
	uint8_t family, kproto, alen;
	uint32_t id;
	const uint8_t *src, *dst;
	uint64_t tenant; /* d->tun's, so two tenants' fragments never mix */
};

static uint32_t key_bucket(const struct nc_defrag *df, const struct key *k)
{
	uint32_t h = df->seed ^ ((uint32_t)k->family << 8 | k->kproto);
	h = hstep(h, k->id);
	if (k->tenant)
		h = hstep(hstep(h, (uint32_t)k->tenant),
			  (uint32_t)(k->tenant >> 32));
	h = hash_addr(h, k->src, k->alen);
	h = hash_addr(h, k->dst, k->alen);
	return nc_fmix32(h) & df->bmask;
}

static bool key_eq(const struct dg *g, const struct key *k)
{
	return g->family == k->family && g->id == k->id &&
	       g->kproto == k->kproto && g->tenant == k->tenant &&
	       memcmp(g->src, k->src, k->alen) == 0 &&
	       memcmp(g->dst, k->dst, k->alen) == 0;
}

/* Visits at most the chain of one bucket (<= max_datagrams entries). */
static uint32_t lookup(const struct nc_defrag *df, const struct key *k,
		       uint32_t b)
{
	for (uint32_t i = df->bucket[b]; i != NIL; i = df->dg[i].hnext)
		if (key_eq(&df->dg[i], k))
			return i;
	return NIL;
}

/* Free context i, its pages, and unlink it everywhere. */
static void drop(struct nc_defrag *df, uint32_t i)
{
	struct dg *g = &df->dg[i];
	uint32_t *pp = &df->bucket[g->bucket];

	while (*pp != NIL && *pp != i)
		pp = &df->dg[*pp].hnext;
	if (*pp == i)
		*pp = g->hnext;

	if (g->older != NIL)
		df->dg[g->older].newer = g->newer;
	else
		df->oldest = g->newer;
	if (g->newer != NIL)
		df->dg[g->newer].older = g->older;
	else
		df->newest = g->older;

	for (unsigned p = 0; p < DG_PAGES; p++) {
		if (g->page[p] != NIL)
			df->free_page[df->nfree++] = g->page[p];
		g->page[p] = NIL;
	}
	g->hnext = df->free_dg;
	df->free_dg = i;
	df->inflight--;
}

static uint32_t create(struct nc_defrag *df, const struct key *k, uint32_t b,
		       int64_t now)
{
	uint32_t i = df->free_dg;
	if (i == NIL)
		return NIL;
	struct dg *g = &df->dg[i];
	df->free_dg = g->hnext;

	struct dg_range *ranges = g->ranges;
	memset(g, 0, sizeof(*g));
	g->ranges = ranges;
	for (unsigned p = 0; p < DG_PAGES; p++)
		g->page[p] = NIL;
	g->family = k->family;
	g->kproto = k->kproto;
	g->id = k->id;
	g->tenant = k->tenant;
	memcpy(g->src, k->src, k->alen);
	memcpy(g->dst, k->dst, k->alen);
	g->created = now;
	g->bucket = b;
	g->hnext = df->bucket[b];
	df->bucket[b] = i;
	g->older = df->newest;
	g->newer = NIL;
	if (df->newest != NIL)
		df->dg[df->newest].newer = i;
	else
		df->oldest = i;
	df->newest = i;
	df->inflight++;
	return i;
}

static bool timed_out(const struct nc_defrag *df, const struct dg *g,
		      int64_t now)
{
	return now - g->created >= df->cfg.timeout_ns;
}

static void count(struct nc_dec *d, enum nc_event ev, const uint8_t *at)
{
	if (d)
		nc_event(d, ev, at);
}

static unsigned expire(struct nc_defrag *df, struct nc_dec *d, int64_t now,
		       unsigned max_visit)
{
	unsigned n = 0;
	for (unsigned v = 0; v < max_visit && df->oldest != NIL; v++) {
		if (!timed_out(df, &df->dg[df->oldest], now))
			break;
		drop(df, df->oldest);
		count(d, NC_EV_DEFRAG_TIMEOUT, NULL);
		n++;
	}
	return n;
}

unsigned nc_defrag_expire(struct nc_dec *d, int64_t now_ns, unsigned max_visit)
{
	if (!d || !d->defrag)
		return 0;
	return expire(d->defrag, d, now_ns, max_visit);
}

unsigned nc_defrag_flush(struct nc_dec *d)
{
	struct nc_defrag *df = d ? d->defrag : NULL;
	unsigned n = 0;
	if (!df)
		return 0;
	while (df->oldest != NIL && n < df->cfg.max_datagrams) {
		drop(df, df->oldest);
		count(d, NC_EV_DEFRAG_INCOMPLETE, NULL);
		n++;
	}
	return n;
}

/* Pages [s, e) touches that g does not have yet. */
static unsigned pages_missing(const struct dg *g, uint32_t s, uint32_t e)
{
	unsigned n = 0;
	if (s >= e)
		return 0;
	for (uint32_t p = s / NC_DEFRAG_PAGE; p <= (e - 1) / NC_DEFRAG_PAGE;
	     p++)
		n += g->page[p] == NIL;
	return n;
}

static void pages_take(struct nc_defrag *df, struct dg *g, uint32_t s,
		       uint32_t e)
{
	if (s >= e)
		return;
	for (uint32_t p = s / NC_DEFRAG_PAGE; p <= (e - 1) / NC_DEFRAG_PAGE;
	     p++)
		if (g->page[p] == NIL)
			g->page[p] = df->free_page[--df->nfree];
}

/* Address of octet off of g (its page must be held). */
static uint8_t *at_off(struct nc_defrag *df, const struct dg *g, uint32_t off)
{
	return df->arena +
	       (size_t)g->page[off / NC_DEFRAG_PAGE] * NC_DEFRAG_PAGE +
	       off % NC_DEFRAG_PAGE;
}

/* Copy src into g's octets [s, e); e <= NC_DEFRAG_MAX_END, pages held. */
static void put(struct nc_defrag *df, struct dg *g, uint32_t s, uint32_t e,
		const uint8_t *src)
{
	while (s < e) {
		uint32_t room = NC_DEFRAG_PAGE - s % NC_DEFRAG_PAGE;
		uint32_t k = e - s < room ? e - s : room;
		memcpy(at_off(df, g, s), src, k);
		src += k;
		s += k;
	}
}

/* Do g's octets [s, e) equal src? */
static bool same(struct nc_defrag *df, const struct dg *g, uint32_t s,
		 uint32_t e, const uint8_t *src)
{
	while (s < e) {
		uint32_t room = NC_DEFRAG_PAGE - s % NC_DEFRAG_PAGE;
		uint32_t k = e - s < room ? e - s : room;
		if (memcmp(at_off(df, g, s), src, k) != 0)
			return false;
		src += k;
		s += k;
	}
	return true;
}

/*
 * Write the octets of [s, e) that g does not have (first wins) and compare
 * the ones it has. data holds e - s octets. Visits each range once.
 */
static void fill(struct nc_defrag *df, struct dg *g, uint32_t s, uint32_t e,
		 const uint8_t *data, bool *overlap, bool *differs)
{
	uint32_t pos = s;
	for (unsigned r = 0; r < g->nranges && pos < e; r++) {
		const struct dg_range *x = &g->ranges[r];
		if (x->end <= pos)
			continue;
		if (x->start >= e)
			break;
		if (x->start > pos) {
			put(df, g, pos, x->start, data + (pos - s));
			pos = x->start;
		}
		uint32_t oe = x->end < e ? x->end : e;
		*overlap = true;
		if (!same(df, g, pos, oe, data + (pos - s)))
			*differs = true;
		pos = oe;
	}
	if (pos < e)
		put(df, g, pos, e, data + (pos - s));
}

/*
 * Merge [s, e) into the sorted, disjoint, non-adjacent ranges. There is
 * room: nranges < nfrags <= max_fragments_per_datagram before the call.
 */
static void add_range(struct dg *g, uint32_t s, uint32_t e)
{
	unsigned i = 0, j;
	while (i < g->nranges && g->ranges[i].end < s)
		i++;
	j = i;
	while (j < g->nranges && g->ranges[j].start <= e)
		j++;
	/* ranges [i, j) touch [s, e): replace them by their union */
	if (i < j) {
		if (g->ranges[i].start < s)
			s = g->ranges[i].start;
		if (g->ranges[j - 1].end > e)
			e = g->ranges[j - 1].end;
	}
	unsigned keep = j - i; /* slots replaced */
	if (keep == 0) {
		memmove(&g->ranges[i + 1], &g->ranges[i],
			(g->nranges - i) * sizeof(g->ranges[0]));
		g->nranges++;
	} else if (keep > 1) {
		memmove(&g->ranges[i + 1], &g->ranges[j],
			(g->nranges - j) * sizeof(g->ranges[0]));
		g->nranges -= (uint16_t)(keep - 1);
	}
	g->ranges[i].start = s;
	g->ranges[i].end = e;
}

static bool complete(const struct dg *g)
{
	return g->have_last && g->nranges == 1 && g->ranges[0].start == 0 &&
	       g->ranges[0].end == g->end;
}

enum nc_defrag_rc nc_defrag_offer(struct nc_dec *d, const struct nc_frag *f,
				  struct nc_defrag_out *out)
{
	struct nc_defrag *df = d->defrag;
	bool v4 = f->family == 4;
	const enum nc_event ev_big =
	    v4 ? NC_EV_IPV4_FRAG_TOO_BIG : NC_EV_IPV6_FRAG_TOO_BIG;
	const enum nc_event ev_many =
	    v4 ? NC_EV_IPV4_FRAG_TOO_MANY : NC_EV_IPV6_FRAG_TOO_MANY;
	const enum nc_event ev_end =
	    v4 ? NC_EV_IPV4_FRAG_BAD_END : NC_EV_IPV6_FRAG_BAD_END;

	if (df->busy) {
		count(d, NC_EV_DEFRAG_NESTED, f->at);
		return NC_DEFRAG_NOT_TAKEN;
	}
	if (f->cut) {
		count(d, NC_EV_DEFRAG_CUT, f->at);
		return NC_DEFRAG_NOT_TAKEN;
	}
	expire(df, d, d->ts, EXPIRE_INLINE);

	struct cur c = f->data;
	size_t len = cur_left(&c);
	uint32_t limit = NC_DEFRAG_MAX_END - (v4 ? f->ip_hlen : 0);
	struct key k = {.family = f->family,
			.kproto = v4 ? f->proto : 0,
			.alen = v4 ? 4 : 16,
			.id = f->id,
			.src = f->src,
			.dst = f->dst,
			.tenant = d->tun.depth ? d->tun.tenant : 0};
	uint32_t b = key_bucket(df, &k);
	uint32_t i = lookup(df, &k, b);

	if (i != NIL && timed_out(df, &df->dg[i], d->ts)) {
		drop(df, i);
		count(d, NC_EV_DEFRAG_TIMEOUT, NULL);
		i = NIL;
	}
	if (f->offset > limit || len > limit - f->offset) {
		if (i != NIL)
			drop(df, i);
		count(d, ev_big, f->at);
		return NC_DEFRAG_DROPPED;
	}
	uint32_t s = f->offset, e = f->offset + (uint32_t)len;
	const uint8_t *data = cur_bytes(&c, len);

	if (i == NIL) {
		i = create(df, &k, b, d->ts);
		if (i == NIL) {
			count(d, NC_EV_DEFRAG_NO_ROOM, f->at);
			return NC_DEFRAG_DROPPED;
		}
	}
	struct dg *g = &df->dg[i];

	if (g->nfrags >= df->cfg.max_fragments_per_datagram) {
		drop(df, i);
		count(d, ev_many, f->at);
		return NC_DEFRAG_DROPPED;
	}
	if ((!f->more && ((g->have_last && g->end != e) || e < g->max_end)) ||
	    (f->more && g->have_last && e > g->end)) {
		drop(df, i);
		count(d, ev_end, f->at);
		return NC_DEFRAG_DROPPED;
	}
	if (pages_missing(g, s, e) > df->nfree) {
		count(d, NC_EV_DEFRAG_NO_ROOM, f->at);
		if (g->nfrags == 0)
			drop(df, i); /* created for this fragment only */
		return NC_DEFRAG_DROPPED;
	}
	pages_take(df, g, s, e);

	bool overlap = false, differs = false;
	if (s < e) {
		fill(df, g, s, e, data, &overlap, &differs);
		add_range(g, s, e);
	}
	g->nfrags++;
	g->ip_bytes += f->ip_len; /* <= 4096 * 65535: no overflow */
	g->wire += d->wirelen;
	if (e > g->max_end)
		g->max_end = e;
	if (!f->more) {
		g->have_last = true;
		g->end = e;
	}
	if (s == 0 && !g->have_first) {
		g->have_first = true;
		g->first_proto = f->proto;
	}
	if (overlap)
		count(d, v4 ? NC_EV_IPV4_FRAG_OVERLAP : NC_EV_IPV6_FRAG_OVERLAP,
		      f->at);
	if (differs)
		count(d,
		      v4 ? NC_EV_IPV4_FRAG_OVERLAP_DIFFERS
			 : NC_EV_IPV6_FRAG_OVERLAP_DIFFERS,
		      f->at);
	if (!complete(g))
		return NC_DEFRAG_HELD;

	/* linearize: every page of [0, end) is held */
	for (uint32_t off = 0; off < g->end; off += NC_DEFRAG_PAGE) {
		uint32_t k2 = g->end - off < NC_DEFRAG_PAGE ? g->end - off
							    : NC_DEFRAG_PAGE;
		memcpy(df->out + off, at_off(df, g, off), k2);
	}
	out->data = df->out;
	out->len = g->end;
	out->proto = g->first_proto;
	out->fragments = g->nfrags;
	out->ip_bytes = g->ip_bytes;
	out->wire = g->wire;
	drop(df, i);
	count(d, NC_EV_DEFRAG_REASSEMBLED, NULL);
	return NC_DEFRAG_DONE;
}

enum dec_rc nc_defrag_decode(struct nc_dec *d, const struct nc_defrag_out *out,
			     nc_defrag_next_fn next)
{
	struct nc_defrag *df = d->defrag;
	const uint8_t *frame = d->frame;
	uint32_t wirelen = d->wirelen;
	bool partial = d->ip_partial;

	d->frame = out->data;
	d->wirelen = d->caplen;
	d->ip_partial = false;
	df->busy = true;
	enum dec_rc rc = next(d, out->proto, cur_make(out->data, out->len));
	df->busy = false;
	d->frame = frame;
	d->wirelen = wirelen;
	d->ip_partial = partial;
	return rc;
}
