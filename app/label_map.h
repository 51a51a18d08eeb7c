/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * label_map.h: the hash map of `netcap label`'s join (app/label.c): byte
 * string keys to uint32 values. In a header so test_label checks the hash
 * on keys built to collide (same bytes at other lengths, one octet
 * changed).
 */
#ifndef NC_LABEL_MAP_H
#define NC_LABEL_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Open addressing, linear probing, load <= 1/2. A key is known by a
 * 128-bit hash (two 64-bit lanes over its bytes), not kept: a false match
 * needs two keys to collide in 128 bits (with 10^7 keys, about 10^-25),
 * and a probe touches one cache line instead of a second one for the key
 * copy (the label bench spent a third of its time in probes).
 */
struct bent {
	uint64_t h, h2; /* h 0: empty */
	uint32_t v;
	uint32_t aux; /* the map user's (the frame table's pair hash) */
};

struct bmap {
	struct bent *t;
	size_t cap, n;
};

/* The 128-bit product of a and b, its halves folded. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t m = (__uint128_t)a * b;

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/*
 * Two 64-bit hashes of k: the return (never 0) and *h2. Sixteen octets
 * per step, one 64x64->128 multiply per lane (the lanes independent, so
 * they run side by side): keys are 17 to 60 octets, hashed a few times
 * per record.
 */
static inline uint64_t bhash(const void *k, size_t n, uint64_t *h2)
{
	const uint8_t *p = k;
	uint64_t h = 0x9e3779b97f4a7c15ull, g = 0x6a09e667f3bcc909ull;
	uint64_t a = 0, b = 0, len = n;

	for (; n > 16; n -= 16, p += 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = mum(a ^ h ^ 0xa0761d6478bd642full,
			b ^ 0xe7037ed1a0b428dbull);
		g = mum(a ^ g ^ 0x8ebc6af09c88c6e3ull,
			b ^ 0x589965cc75374cc3ull);
	}
	a = b = 0;
	if (n > 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, n - 8);
	} else if (n) {
		memcpy(&a, p, n);
	}
	h = mum(a ^ h ^ 0xa0761d6478bd642full, b ^ 0xe7037ed1a0b428dbull);
	g = mum(a ^ g ^ 0x8ebc6af09c88c6e3ull, b ^ 0x589965cc75374cc3ull);
	/* the length in an operand of its own: xored into the data it
	   could cancel a word of it ({4} and the empty key) */
	*h2 = mum(g ^ 0x1d8e4e27c47d124full, len ^ 0x2d358dccaa6c78a5ull);
	h = mum(h ^ 0x4cf5ad432745937full, len ^ 0xc2b2ae3d27d4eb4full);
	return h ? h : 1;
}

static inline void bmap_grow(struct bmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64;
	struct bent *nt = calloc(ncap, sizeof(*nt));

	if (!nt) {
		fflush(stdout);
		fputs("netcap label: out of memory\n", stderr);
		exit(1);
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->t[i].h)
			continue;
		size_t j = m->t[i].h & (ncap - 1);
		while (nt[j].h)
			j = (j + 1) & (ncap - 1);
		nt[j] = m->t[i];
	}
	free(m->t);
	m->t = nt;
	m->cap = ncap;
}

/* The entry of key, or NULL when absent (create: added with v = dflt).
 * The pointer is valid until the next insertion. */
static inline struct bent *bmap_ent(struct bmap *m, const void *k, size_t n,
				    bool create, uint32_t dflt, bool *created)
{
	uint64_t h2, h = bhash(k, n, &h2);

	if (created)
		*created = false;
	if (create && (m->n + 1) * 2 > m->cap)
		bmap_grow(m);
	if (!m->cap)
		return NULL;
	size_t j = h & (m->cap - 1);
	while (m->t[j].h) {
		struct bent *e = &m->t[j];
		if (e->h == h && e->h2 == h2)
			return e;
		j = (j + 1) & (m->cap - 1);
	}
	if (!create)
		return NULL;
	struct bent *e = &m->t[j];
	e->h = h;
	e->h2 = h2;
	e->v = dflt;
	e->aux = 0;
	m->n++;
	if (created)
		*created = true;
	return e;
}

/*
 * Start loading the slot of key k: a record's lookups go to different
 * tables and do not depend on each other, so their cache misses (the
 * tables are far larger than the caches) overlap when each is
 * prefetched before the first is used.
 */
static inline void bmap_prefetch(const struct bmap *m, const void *k, size_t n)
{
	uint64_t h2;

	if (m->cap)
		__builtin_prefetch(&m->t[bhash(k, n, &h2) & (m->cap - 1)]);
}

/* The value slot of key, or NULL when absent (create: added as dflt). */
static inline uint32_t *bmap_at(struct bmap *m, const void *k, size_t n,
				bool create, uint32_t dflt, bool *created)
{
	struct bent *e = bmap_ent(m, k, n, create, dflt, created);

	return e ? &e->v : NULL;
}

static inline void bmap_free(struct bmap *m)
{
	free(m->t);
	memset(m, 0, sizeof(*m));
}

#endif /* NC_LABEL_MAP_H */
