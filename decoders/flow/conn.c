/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conn.c: per-worker connection tracking; writes Connection and Flow
 * records (docs/CONNECTIONS.md has the semantics of every field).
 *
 * Structure (all taken at nc_conntab_new(), nothing per packet):
 *
 *   bucket[nbuckets]  uint32 index of the first entry of a hash chain
 *   e[1 + max_conns]  struct nc_conn, chained through hnext (index 0 is
 *                     NIL); entries closed form a free list through hnext,
 *                     entries never used are taken in order (fresh)
 *   lru[class]        one intrusive doubly linked list per timeout class
 *                     (enum nc_ct_timeout), newest at head, oldest at tail
 *
 * A connection is in exactly one class list, the one its state selects;
 * a packet moves it to the head of that list. Each list has one timeout,
 * so its tail is its first to expire: expiry pops tails (O(closed + 1) per
 * class) and eviction compares the NC_CT_MAX tails (O(1)).
 *
 * Key: IP version, the two (address, port) endpoints in either order, IP
 * protocol. ICMP and ICMPv6 type/code are mapped onto ports as Community
 * ID does (commid.h), so echo request and reply share a key. The entry
 * keeps its endpoints in originator, responder order: endpoint 0 is the
 * originator, and dir[0] counts what the originator sent.
 *
 * TCP follows Zeek's endpoint state machine (states INACTIVE .. RESET,
 * conn_state derived from the pair), history letters and sequence-number
 * based byte counts; see docs/CONNECTIONS.md for what is simplified.
 *
 * TCP streams (reasm.h) live outside the entries, in a fixed array of
 * max_streams slot pairs taken at nc_conntab_new() (free slots on a
 * stack of indexes): a TCP connection takes a pair at creation when one is
 * free, feeds every segment to it, and flushes both streams when it
 * closes, before its record is built (MissedBytes). Stream callbacks run
 * only inside the nc_stream_* calls made here, so the table keeps the
 * connection and direction of the call in progress instead of a context
 * per stream.
 */
#include "conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "applayer.h"
#include "commid.h"
#include "flowhash.h"
#include "observe.h"
#include "reasm.h"

/*
 * Index 0 of the entry and slot arrays is never used, so NIL is 0 and the
 * calloc'd arrays start out as empty chains: pages of entries, buckets and
 * slots a run never reaches are never touched (resident memory grows with
 * the connections actually tracked, up to the stated bound).
 */
#define NIL	 0u
#define NS_PER_S 1000000000LL

/* Zeek's TCP endpoint states */
enum ep_state {
	EP_INACTIVE,
	EP_SYN_SENT,
	EP_SYN_ACK_SENT,
	EP_PARTIAL,
	EP_ESTABLISHED,
	EP_CLOSED,
	EP_RESET,
};

/* st[] octet of an endpoint: state, previous state, FIN seen */
#define ST_STATE(s) ((enum ep_state)((s)&7u))
#define ST_PREV(s)  ((enum ep_state)(((s) >> 3) & 7u))
#define ST_FIN	    0x40u
#define ST_MAKE(cur, prev, fin)                                                \
	((uint8_t)((cur) | ((prev) << 3) | ((fin) ? ST_FIN : 0u)))

/* TCP flags as in struct nc_l4 */
#define F_FIN 0x01u
#define F_SYN 0x02u
#define F_RST 0x04u
#define F_PSH 0x08u
#define F_ACK 0x10u
#define F_URG 0x20u
#define F_ECE 0x40u
#define F_CWR 0x80u

/* history letters: bit i of hmask[] is letter hist_letters[i] */
static const char hist_letters[] = "SHADFRTWIQ";
enum { H_S, H_H, H_A, H_D, H_F, H_R, H_T, H_W, H_I, H_Q };

/* cflags */
#define CF_V6	   0x01u
#define CF_FLIPPED 0x02u
#define CF_MAC	   0x04u
#define CF_RMAC	   0x40u /* rmac is set */
#define CF_LINK(f) (((f) >> 3) & 7u)

enum link_kind {
	LK_OTHER,
	LK_ETHERNET,
	LK_SLL,
	LK_SLL2,
	LK_NULL,
	LK_RAW,
	/* -- Dot11 (802.11, radiotap) -- */
	LK_DOT11
};
static const char *const link_names[] = {
    [LK_OTHER] = "",	     [LK_ETHERNET] = "Ethernet", [LK_SLL] = "LinuxSLL",
    [LK_SLL2] = "LinuxSLL2", [LK_NULL] = "Null",	 [LK_RAW] = "Raw",
    [LK_DOT11] = "Dot11", /* link types 105 and 127 */
};

/* Flag counters, in Connection field order */
enum {
	NF_FIN,
	NF_RST,
	NF_ACK,
	NF_SYN,
	NF_URG,
	NF_ECE,
	NF_PSH,
	NF_CWR,
	NF_NS,
	NF_MAX
};

/*
 * History: at most HIST_MAX symbols, '^' included. Symbol n is nibble n
 * of hist (0 none, 1 + i letter hist_letters[i], HIST_FLIP '^') and bit n
 * of hcase tells the endpoint (1: responder, lower case): 10 octets
 * instead of 16 characters, so that an entry and its bucket heads take
 * 256 octets.
 */
#define HIST_MAX  16
#define HIST_FLIP 15u

/* What one endpoint sent. 56 octets. */
struct nc_dir {
	uint64_t pkts;
	uint64_t ip_bytes;   /* sum of IP length fields */
	uint64_t wire_bytes; /* sum of frame lengths on the wire */
	uint64_t payload;    /* transport payload octets on the wire */
	int64_t first, last; /* packet times, ns */
	uint32_t start;	     /* TCP: ISN, or first seq - 1 without a SYN */
	uint32_t seq_end;    /* TCP: highest seq + segment length */
};

/*
 * One tracked connection: 248 octets, 256 with its share of the bucket
 * heads (static asserts below; nc_conn_bytes_per_entry). Endpoint 0 is
 * the originator. Ports are key ports: TCP/UDP ports, ICMP mapped
 * type/code (nc_commid_icmp_ports), 0 for other protocols.
 */
struct nc_conn {
	uint32_t hnext;	     /* hash chain, or free list */
	uint32_t prev, next; /* class list (LRU), NIL at the ends */
	uint32_t sslot;	     /* TCP stream slot pair, NIL: none */
	uint16_t port[2];
	uint8_t addr[2][16]; /* 4 or 16 octets used (CF_V6) */
	uint8_t mac[2][6];   /* first packet's source and destination MAC,
				by endpoint (CF_MAC) */
	uint8_t proto;
	uint8_t cflags;		/* CF_*, link kind in bits 3..5 */
	uint8_t st[2];		/* TCP endpoint state octets */
	uint32_t nflag[NF_MAX]; /* TCP flag counts, both directions */
	uint16_t hmask[2];	/* history letters seen, per endpoint */
	uint16_t hcase;		/* history: bit n set: symbol n lower case */
	uint8_t rmac[6];  /* source MAC of the first packet of the endpoint
			     that did not send the first (CF_RMAC) */
	uint32_t tun;	  /* tunnel of the first packet: tuns[] slot + 1,
			     NIL when not tunnelled */
	uint64_t hist;	  /* history symbols, nibble n symbol n */
	uint64_t win_sum; /* TCP window fields, summed */
	struct nc_dir dir[2];
};

_Static_assert(sizeof(struct nc_dir) == 56, "nc_dir layout");
_Static_assert(sizeof(struct nc_conn) == 248,
	       "connection entry: keep it at 248 octets (docs/CONNECTIONS.md)");
_Static_assert(sizeof(struct nc_conn) + 2 * sizeof(uint32_t) <= 256,
	       "an entry and two bucket heads: at most 256 octets");

/* The two streams of a TCP connection, indexed by sender (0 originator). */
struct nc_stream_pair {
	struct nc_stream s[2];
};

struct nc_lru {
	uint32_t head, tail; /* newest, oldest */
};

/*
 * The tunnel of a connection's first packet (struct nc_tun_ctx: type,
 * IDs, outer addresses as that packet had them, tenant), shared by the
 * connections that began with the same one and counted by them: a slot
 * is freed when its last connection closes, so the table never holds
 * more than the live tunnelled connections: max_conns slots, chained
 * from tun_bucket[] like the entries (a slot never moves, so its index
 * is the connection's reference). The connection key compares by
 * tenant only, read through the slot.
 */
struct nc_tun_slot {
	struct nc_tun_ctx ctx;
	uint64_t key;  /* hash of ctx (tun_key) */
	uint32_t refs; /* connections holding it; 0: free */
	uint32_t next; /* hash chain, or free list */
};

struct nc_conntab {
	struct nc_conn_cfg cfg;
	struct nc_conn *e;
	uint32_t *bucket;
	size_t e_bytes, bucket_bytes, sp_bytes; /* as allocated (big_zalloc) */
	uint32_t mask;				/* nbuckets - 1 */
	uint32_t free_head; /* entries closed and free again */
	uint32_t fresh;	    /* next never-used entry, 1..max_conns */
	uint32_t active;
	struct nc_lru lru[NC_CT_MAX];
	/* connections closed by an idle timeout and by eviction, by the
	   timeout class they were in (nc_conn_close_counts) */
	uint64_t timeouts[NC_CT_MAX];
	uint64_t evictions[NC_CT_MAX];
	/* TCP stream slots: nstreams pairs, free ones stacked in sfree */
	struct nc_stream_pair *sp;
	uint32_t *sfree;
	uint32_t nstreams;
	uint32_t nsfree;
	uint32_t sfresh; /* next never-used slot, 1..nstreams */
	/* tunnels of tunnelled connections (struct nc_tun_slot), index 0
	   unused like the entries' */
	struct nc_tun_slot *tuns;
	uint32_t *tun_bucket; /* mask + 1 chain heads */
	size_t tuns_bytes, tun_bucket_bytes;
	uint32_t tun_free;  /* freed slots */
	uint32_t tun_fresh; /* next never-used slot, 1..max_conns */
	/* the stream call in progress, for the sink callback */
	struct nc_dec *cb_d;
	uint32_t cb_conn;
	uint8_t cb_dir;
	bool cb_uid_ok;
	char cb_uid[13];
};

/* ---------------------------------------------------------------------- */
/* configuration and table life */

void nc_conn_cfg_default(struct nc_conn_cfg *cfg)
{
	cfg->max_conns = 65536;
	cfg->max_streams = UINT32_MAX; /* one pair per connection */
	cfg->stream_data = NULL;
	cfg->stream_arg = NULL;
	cfg->timeout_ns[NC_CT_TCP_HANDSHAKE] = 30 * NS_PER_S;
	cfg->timeout_ns[NC_CT_TCP_ESTABLISHED] = 3600 * NS_PER_S;
	cfg->timeout_ns[NC_CT_TCP_CLOSED] = 10 * NS_PER_S;
	cfg->timeout_ns[NC_CT_UDP] = 60 * NS_PER_S;
	cfg->timeout_ns[NC_CT_ICMP] = 30 * NS_PER_S;
	cfg->timeout_ns[NC_CT_OTHER] = 60 * NS_PER_S;
}

size_t nc_conn_bytes_per_entry(void)
{
	/* the entry plus at most two bucket heads (nbuckets < 2 * max) */
	return sizeof(struct nc_conn) + 2 * sizeof(uint32_t);
}

size_t nc_conn_bytes_per_stream_pair(void)
{
	return sizeof(struct nc_stream_pair) + sizeof(uint32_t);
}

/*
 * Zeroed memory for the big arrays. Lookups land on random entries, so
 * with 4 KiB pages nearly every packet of a table of 100,000 connections
 * also misses the TLB: arrays of 2 MiB and more are mapped anonymously
 * and offered to transparent huge pages (MADV_HUGEPAGE; Linux's default
 * THP mode "madvise" needs the hint). Pages are still taken only when
 * first touched, so resident memory grows with use as before, in steps of
 * at most 2 MiB per array. Sanitizer builds keep calloc, whose bounds
 * they check.
 */
#if defined(__SANITIZE_ADDRESS__)
#define NC_CONN_CALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NC_CONN_CALLOC 1
#endif
#endif
#define BIG_ARRAY (2u << 20)

static void *big_zalloc(size_t n, size_t size, size_t *bytes)
{
	*bytes = 0;
	if (size && n > SIZE_MAX / size)
		return NULL;
#if !defined(NC_CONN_CALLOC) && defined(MADV_HUGEPAGE)
	size_t b = n * size;
	if (b >= BIG_ARRAY) {
		void *p =
		    mmap(NULL, b, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		(void)madvise(p, b, MADV_HUGEPAGE); /* a hint: may fail */
		*bytes = b;
		return p;
	}
#endif
	return calloc(n ? n : 1, size ? size : 1);
}

static void big_free(void *p, size_t bytes)
{
	if (p && bytes)
		munmap(p, bytes);
	else
		free(p);
}

struct nc_conntab *nc_conntab_new(const struct nc_conn_cfg *cfg)
{
	if (!cfg || cfg->max_conns == 0 || cfg->max_conns > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	for (int i = 0; i < NC_CT_MAX; i++) {
		if (cfg->timeout_ns[i] <= 0) {
			errno = EINVAL;
			return NULL;
		}
	}
	struct nc_conntab *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	uint32_t nb = 1;
	while (nb < cfg->max_conns)
		nb <<= 1;
	t->cfg = *cfg;
	t->mask = nb - 1;
	t->e =
	    big_zalloc((size_t)cfg->max_conns + 1, sizeof(*t->e), &t->e_bytes);
	t->bucket = big_zalloc(nb, sizeof(*t->bucket), &t->bucket_bytes);
	/* pages of tunnel slots are touched only by tunnelled traffic */
	t->tuns = big_zalloc((size_t)cfg->max_conns + 1, sizeof(*t->tuns),
			     &t->tuns_bytes);
	t->tun_bucket =
	    big_zalloc(nb, sizeof(*t->tun_bucket), &t->tun_bucket_bytes);
	t->nstreams = cfg->max_streams < cfg->max_conns ? cfg->max_streams
							: cfg->max_conns;
	if (t->nstreams) {
		/* calloc: pages of slots never used are never touched */
		t->sp = big_zalloc((size_t)t->nstreams + 1, sizeof(*t->sp),
				   &t->sp_bytes);
		t->sfree = malloc((size_t)t->nstreams * sizeof(*t->sfree));
	}
	if (!t->e || !t->bucket || !t->tuns || !t->tun_bucket ||
	    (t->nstreams && (!t->sp || !t->sfree))) {
		nc_conntab_free(t);
		errno = ENOMEM;
		return NULL;
	}
	/* calloc made every bucket, chain, list and free stack empty (NIL) */
	t->fresh = 1;
	t->sfresh = 1;
	t->tun_fresh = 1;
	return t;
}

void nc_conntab_free(struct nc_conntab *t)
{
	if (!t)
		return;
	big_free(t->e, t->e_bytes);
	big_free(t->bucket, t->bucket_bytes);
	big_free(t->tuns, t->tuns_bytes);
	big_free(t->tun_bucket, t->tun_bucket_bytes);
	big_free(t->sp, t->sp_bytes);
	free(t->sfree);
	free(t);
}

uint32_t nc_conn_active(const struct nc_conntab *t)
{
	return t ? t->active : 0;
}

void nc_conn_close_counts(const struct nc_conntab *t,
			  uint64_t timeouts[NC_CT_MAX],
			  uint64_t evictions[NC_CT_MAX])
{
	for (int c = 0; c < NC_CT_MAX; c++) {
		timeouts[c] =
		    t ? __atomic_load_n(&t->timeouts[c], __ATOMIC_RELAXED) : 0;
		evictions[c] =
		    t ? __atomic_load_n(&t->evictions[c], __ATOMIC_RELAXED) : 0;
	}
}

uint32_t nc_conn_streams_active(const struct nc_conntab *t)
{
	return t ? t->sfresh - 1 - t->nsfree : 0;
}

uint32_t nc_conn_streams_max(const struct nc_conntab *t)
{
	return t ? t->nstreams : 0;
}

/* ---------------------------------------------------------------------- */
/* hashing: a fixed 64-bit mix over little-endian words, so a key hashes
 * the same on every host and every run (the UID depends on it) */

static inline uint64_t fmix64(uint64_t k)
{
	/* MurmurHash3 finalizer constants */
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/*
 * Hash of the canonical key (endpoints ordered, smaller first) and extra
 * (0 for the table, TimestampFirst for the UID).
 */
static uint64_t key_hash(const uint8_t *a, uint16_t pa, const uint8_t *b,
			 uint16_t pb, unsigned alen, uint8_t proto,
			 uint64_t extra)
{
	int cmp = memcmp(a, b, alen);
	if (cmp > 0 || (cmp == 0 && pa > pb)) {
		const uint8_t *ta = a;
		a = b;
		b = ta;
		uint16_t tp = pa;
		pa = pb;
		pb = tp;
	}
	uint8_t k[40] = {0};
	k[0] = (uint8_t)alen;
	k[1] = proto;
	k[2] = (uint8_t)(pa >> 8);
	k[3] = (uint8_t)pa;
	k[4] = (uint8_t)(pb >> 8);
	k[5] = (uint8_t)pb;
	memcpy(k + 8, a, alen);
	memcpy(k + 24, b, alen);

	uint64_t h = 0x6a09e667f3bcc908ULL;
	for (int i = 0; i < 5; i++) {
		h ^= fmix64(nc_load_le64(k + 8 * i) + (uint64_t)i);
		h = (h << 29 | h >> 35) * 0x9e3779b97f4a7c15ULL;
	}
	h ^= fmix64(extra ^ 0x5bd1e9955bd1e995ULL);
	return fmix64(h);
}

static inline unsigned conn_alen(const struct nc_conn *e)
{
	return (e->cflags & CF_V6) ? 16 : 4;
}

/*
 * The table's bucket hash, apart from the UID's key_hash: it only has to
 * be symmetric and the same for every packet of a key within one run, so
 * it reads host-order words and orders the two endpoints as integers.
 * About a fifth of key_hash's cost, which was a quarter of the
 * Connection-only path (docs/PERFORMANCE.md).
 */
static inline uint64_t tab_mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

static inline uint64_t tab_hash(const uint8_t *a, uint16_t pa, const uint8_t *b,
				uint16_t pb, unsigned alen, uint8_t proto)
{
	uint64_t h = (uint64_t)proto << 8 | alen;

	if (alen == 4) {
		uint32_t x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		uint64_t ea = (uint64_t)x << 16 | pa,
			 eb = (uint64_t)y << 16 | pb;
		uint64_t lo = ea < eb ? ea : eb, hi = ea ^ eb ^ lo;
		h ^= lo * 0x9e3779b97f4a7c15ULL;
		h += hi * 0xc2b2ae3d27d4eb4fULL;
		return tab_mix(h);
	}
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	if (a0 > b0 || (a0 == b0 && (a1 > b1 || (a1 == b1 && pa > pb)))) {
		uint64_t t0 = a0, t1 = a1;
		uint16_t tp = pa;
		a0 = b0, a1 = b1, pa = pb;
		b0 = t0, b1 = t1, pb = tp;
	}
	h ^= (uint64_t)pa << 32 | (uint64_t)pb << 16;
	h = (h ^ a0) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (a1 + (h >> 29))) * 0xc2b2ae3d27d4eb4fULL;
	h = (h ^ (b0 + (h >> 29))) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (b1 + (h >> 29))) * 0xc2b2ae3d27d4eb4fULL;
	return tab_mix(h);
}

/* Head of the hash chain of table hash h. */
static inline uint32_t *bucket_of(const struct nc_conntab *t, uint64_t h)
{
	return &t->bucket[h & t->mask];
}

/* The tenant of e's key (struct nc_tun_ctx), 0 when not tunnelled. */
static inline uint64_t conn_tenant(const struct nc_conntab *t,
				   const struct nc_conn *e)
{
	return e->tun == NIL ? 0 : t->tuns[e->tun].ctx.tenant;
}

/* A tunnel's tenant folded into a table hash (none: unchanged). */
static inline uint64_t tab_tenant(uint64_t h, uint64_t tenant)
{
	return tenant ? tab_mix(h ^ tenant * 0x9e3779b97f4a7c15ULL) : h;
}

static inline uint64_t conn_tab_hash(const struct nc_conntab *t,
				     const struct nc_conn *e)
{
	return tab_tenant(tab_hash(e->addr[0], e->port[0], e->addr[1],
				   e->port[1], conn_alen(e), e->proto),
			  conn_tenant(t, e));
}

/* The UID's hash: an untunnelled connection's is what it always was. */
static uint64_t conn_hash(const struct nc_conntab *t, const struct nc_conn *e,
			  uint64_t extra)
{
	return key_hash(e->addr[0], e->port[0], e->addr[1], e->port[1],
			conn_alen(e), e->proto, extra ^ conn_tenant(t, e));
}

/* ---------------------------------------------------------------------- */
/* tunnel slots */

/* Hash of everything tun_same compares (only the octets in use). */
static uint64_t tun_key(const struct nc_tun_ctx *c)
{
	uint64_t h = fmix64(c->tenant ^
			    ((uint64_t)c->id << 24 | (uint64_t)c->type << 16 |
			     (uint64_t)c->depth << 8 | c->nlabels));
	for (unsigned i = 0; i < c->outer_len; i += 4)
		h = fmix64(h ^ ((uint64_t)nc_load_be32(c->outer_src + i) << 32 |
				nc_load_be32(c->outer_dst + i)));
	for (unsigned i = 0; i < c->nlabels; i++)
		h = fmix64(h ^ c->labels[i]);
	return h ? h : 1;
}

static bool tun_same(const struct nc_tun_ctx *a, const struct nc_tun_ctx *b)
{
	if (a->tenant != b->tenant || a->type != b->type ||
	    a->depth != b->depth || a->has_id != b->has_id || a->id != b->id ||
	    a->outer_len != b->outer_len || a->nlabels != b->nlabels)
		return false;
	for (unsigned i = 0; i < a->nlabels; i++)
		if (a->labels[i] != b->labels[i])
			return false;
	return memcmp(a->outer_src, b->outer_src, a->outer_len) == 0 &&
	       memcmp(a->outer_dst, b->outer_dst, a->outer_len) == 0;
}

/* The slot of tunnel c, taken (or shared) by one more connection. */
static uint32_t tun_get(struct nc_conntab *t, const struct nc_tun_ctx *c)
{
	uint64_t key = tun_key(c);
	uint32_t *b = &t->tun_bucket[key & t->mask];

	for (uint32_t s = *b; s != NIL; s = t->tuns[s].next) {
		struct nc_tun_slot *ts = &t->tuns[s];
		if (ts->key == key && tun_same(&ts->ctx, c)) {
			ts->refs++;
			return s;
		}
	}
	/* a live connection holds each used slot: one is free */
	uint32_t s = t->tun_free;
	if (s != NIL)
		t->tun_free = t->tuns[s].next;
	else
		s = t->tun_fresh++;
	struct nc_tun_slot *ts = &t->tuns[s];
	ts->ctx = *c;
	ts->key = key;
	ts->refs = 1;
	ts->next = *b;
	*b = s;
	return s;
}

/* Drop one connection's hold on slot s; free it on the last. */
static void tun_put(struct nc_conntab *t, uint32_t s)
{
	struct nc_tun_slot *ts = &t->tuns[s];

	if (--ts->refs)
		return;
	uint32_t *pp = &t->tun_bucket[ts->key & t->mask];
	while (*pp != s)
		pp = &t->tuns[*pp].next; /* s is on this chain */
	*pp = ts->next;
	ts->next = t->tun_free;
	t->tun_free = s;
}

/* ---------------------------------------------------------------------- */
/* classes and lists */

static enum nc_ct_timeout conn_class(const struct nc_conn *e)
{
	switch (e->proto) {
	case 6:
	case 132: /* an SCTP association: tcp_state() over its chunks */ {
		enum ep_state o = ST_STATE(e->st[0]), r = ST_STATE(e->st[1]);
		if ((o == EP_CLOSED && r == EP_CLOSED) || o == EP_RESET ||
		    r == EP_RESET)
			return NC_CT_TCP_CLOSED;
		if (o >= EP_PARTIAL || r >= EP_PARTIAL)
			return NC_CT_TCP_ESTABLISHED;
		return NC_CT_TCP_HANDSHAKE;
	}
	case 17:
		return NC_CT_UDP;
	case 1:
	case 58:
		return NC_CT_ICMP;
	default:
		return NC_CT_OTHER;
	}
}

static inline int64_t conn_last(const struct nc_conn *e)
{
	if (e->dir[0].pkts == 0)
		return e->dir[1].last;
	if (e->dir[1].pkts == 0)
		return e->dir[0].last;
	return e->dir[0].last > e->dir[1].last ? e->dir[0].last
					       : e->dir[1].last;
}

static inline int64_t conn_first(const struct nc_conn *e)
{
	if (e->dir[0].pkts == 0)
		return e->dir[1].first;
	if (e->dir[1].pkts == 0)
		return e->dir[0].first;
	return e->dir[0].first < e->dir[1].first ? e->dir[0].first
						 : e->dir[1].first;
}

static void lru_unlink(struct nc_conntab *t, struct nc_lru *l, uint32_t i)
{
	struct nc_conn *e = &t->e[i];
	if (e->prev != NIL)
		t->e[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != NIL)
		t->e[e->next].prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NIL;
}

static void lru_push(struct nc_conntab *t, struct nc_lru *l, uint32_t i)
{
	struct nc_conn *e = &t->e[i];
	e->prev = NIL;
	e->next = l->head;
	if (l->head != NIL)
		t->e[l->head].prev = i;
	else
		l->tail = i;
	l->head = i;
}

/* ---------------------------------------------------------------------- */
/* Zeek semantics: sizes, conn_state, history */

/* Zeek's endpoint size: TCP from sequence numbers, else payload octets. */
static uint64_t dir_size(const struct nc_conn *e, unsigned k)
{
	const struct nc_dir *dr = &e->dir[k];

	if (e->proto != 6)
		return dr->payload;
	if (dr->pkts == 0)
		return 0;
	/*
	 * seq_end - start is modulo 2^32; add the wraps that bring it
	 * closest to the payload octets seen (connections over 4 GiB).
	 */
	uint64_t size = (uint32_t)(dr->seq_end - dr->start);
	if (dr->payload > size)
		size += ((dr->payload - size + (1ULL << 31)) >> 32) << 32;
	if (size > 0)
		size--; /* the SYN octet (or the one before the first seq) */
	if ((e->st[k] & ST_FIN) && size > 0)
		size--; /* the FIN octet */
	return size;
}

/* Zeek's RSTOS0 test: history matches ^?S[^HAFGIQ]*R.* */
static bool hist_rstos0(const char *h, size_t n)
{
	size_t i = 0;
	if (i < n && h[i] == '^')
		i++;
	if (i >= n || h[i] != 'S')
		return false;
	for (i++; i < n; i++) {
		if (h[i] == 'R')
			return true;
		if (strchr("HAFGIQ", h[i]))
			return false;
	}
	return false;
}

/* Symbols in the history (they fill nibbles from the lowest). */
static size_t hist_len(const struct nc_conn *e)
{
	if (e->hist == 0)
		return 0;
	return (size_t)(64 - __builtin_clzll(e->hist) + 3) / 4;
}

/* The history as text, n characters (no NUL); returns n. */
static size_t hist_text(const struct nc_conn *e, char out[HIST_MAX])
{
	size_t n = hist_len(e);

	for (size_t i = 0; i < n; i++) {
		unsigned sym = (unsigned)(e->hist >> (4 * i)) & 15u;
		if (sym == HIST_FLIP) {
			out[i] = '^';
			continue;
		}
		char c = hist_letters[sym - 1];
		out[i] = (e->hcase >> i) & 1u ? (char)(c - 'A' + 'a') : c;
	}
	return n;
}

static const char *conn_state(const struct nc_conn *e)
{
	if (e->proto == 17) {
		bool o = e->dir[0].pkts > 0, r = e->dir[1].pkts > 0;
		if (o)
			return r ? "SF" : "S0";
		return r ? "SHR" : "OTH";
	}
	if (e->proto != 6 && e->proto != 132)
		return "OTH";

	enum ep_state os = ST_STATE(e->st[0]), rs = ST_STATE(e->st[1]);
	bool o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
	bool r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;

	if (rs == EP_RESET) {
		if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT ||
		    (os == EP_RESET && dir_size(e, 0) == 0 &&
		     dir_size(e, 1) == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == EP_RESET) {
		if (r_inactive) {
			char h[HIST_MAX] = {0};
			size_t n = hist_text(e, h);
			return hist_rstos0(h, n) ? "RSTOS0" : "OTH";
		}
		return "RSTO";
	}
	if (rs == EP_CLOSED && os == EP_CLOSED)
		return "SF";
	if (os == EP_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == EP_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == EP_SYN_SENT && rs == EP_INACTIVE)
		return "S0";
	if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
		return "S1";
	return "OTH";
}

/* Add history letter bit for endpoint k (upper case for the originator),
 * once per endpoint. */
static void hist_add(struct nc_conn *e, unsigned k, unsigned bit)
{
	if (e->hmask[k] & (1u << bit))
		return;
	e->hmask[k] |= (uint16_t)(1u << bit);
	size_t n = hist_len(e);
	if (n >= HIST_MAX)
		return;
	e->hist |= (uint64_t)(bit + 1u) << (4 * n);
	e->hcase |= (uint16_t)(k << n);
}

/* ---------------------------------------------------------------------- */
/* originator heuristics */

/* Ports of common services: a first packet from one of these to a port
 * that is not one is taken as the server answering. */
static bool service_port(uint16_t p)
{
	static const uint16_t ports[] = {
	    20,	  21,	22,   23,   25,	  53,	69,   80,   88,	  110,	111,
	    123,  135,	137,  138,  139,  143,	161,  162,  179,  389,	443,
	    445,  465,	500,  514,  587,  636,	853,  993,  995,  1194, 1433,
	    1521, 1701, 1723, 1812, 1813, 1900, 2049, 3128, 3306, 3389, 4500,
	    5060, 5061, 5353, 5355, 5432, 5683, 6379, 8080, 8443, 9200, 27017,
	};
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == p)
			return true;
	return false;
}

static bool ports_say_flip(uint16_t sp, uint16_t dp)
{
	return (sp < 1024 && dp >= 1024) ||
	       (service_port(sp) && !service_port(dp));
}

/* Is the first packet's sender the responder? */
static bool first_packet_flips(const struct nc_l4 *l)
{
	switch (l->ip_proto) {
	case 6:
	case 132: /* SCTP: INIT and INIT ACK map to SYN and SYN-ACK (sctp.c) */
		if (l->tcp_flags & F_SYN)
			return (l->tcp_flags & F_ACK) != 0; /* SYN-ACK */
		return ports_say_flip(l->sport, l->dport);
	case 17:
		return ports_say_flip(l->sport, l->dport);
	case 1: /* replies of request/reply pairs */
		return l->sport == 0 || l->sport == 14 || l->sport == 16 ||
		       l->sport == 18;
	case 58:
		return l->sport == 129 || l->sport == 140 || l->sport == 145;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------------- */
/* records */

static void conn_uid(const struct nc_conntab *t, const struct nc_conn *e,
		     char out[13])
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz";
	uint64_t h = conn_hash(t, e, (uint64_t)conn_first(e));

	out[0] = 'C';
	for (int i = 11; i >= 1; i--) {
		out[i] = b62[h % 62];
		h /= 62;
	}
	out[12] = '\0';
}

/* Record ports of what endpoint k sent: TCP/UDP ports; ICMP type and code
 * (code known from the key for one-way types, 0 for request/reply types). */
static void dir_ports(const struct nc_conn *e, unsigned k, int32_t *sp,
		      int32_t *dp)
{
	uint8_t peer;
	*sp = e->port[k];
	*dp = e->port[!k];
	if ((e->proto == 1 || e->proto == 58) &&
	    nc_commid_icmp_counterpart(e->proto, (uint8_t)e->port[0], &peer))
		*dp = 0;
}

static void conn_emit(struct nc_dec *d, const struct nc_conn *e,
		      const char *reason, uint64_t missed, const char *app)
{
	bool want_c = nc_want(d, NC_REC_CONNECTION);
	bool want_f = nc_want(d, NC_REC_FLOW);
	if (!want_c && !want_f)
		return;

	unsigned alen = conn_alen(e);
	char uid[13], tbuf[4];
	conn_uid(d->conns, e, uid);
	const char *link = link_names[CF_LINK(e->cflags)];
	const char *net = alen == 16 ? "IPv6" : "IPv4";
	const char *tr = nc_transport_name(e->proto, tbuf);
	size_t mlen = (e->cflags & CF_MAC) ? 6 : 0;

	if (want_c) {
		Netcap__Connection r = NETCAP__CONNECTION__INIT;
		char cid[NC_COMMID_LEN];
		char hist[HIST_MAX + 1];
		uint64_t pk = e->dir[0].pkts + e->dir[1].pkts;

		r.timestampfirst = conn_first(e);
		r.timestamplast = conn_last(e);
		r.duration = r.timestamplast - r.timestampfirst;
		r.linkproto = (char *)link;
		r.networkproto = (char *)net;
		r.transportproto = (char *)tr;
		r.applicationproto = (char *)(app ? app : "");
		nc_bytes(&r.srcmac, mlen ? e->mac[0] : NULL, mlen);
		nc_bytes(&r.dstmac, mlen ? e->mac[1] : NULL, mlen);
		nc_bytes(&r.srcip, e->addr[0], alen);
		nc_bytes(&r.dstip, e->addr[1], alen);
		dir_ports(e, 0, &r.srcport, &r.dstport);
		r.totalsize =
		    (int64_t)(e->dir[0].wire_bytes + e->dir[1].wire_bytes);
		r.apppayloadsize =
		    (int64_t)(e->dir[0].payload + e->dir[1].payload);
		r.numpackets = (int64_t)pk;
		r.uid = uid;
		r.bytesclienttoserver = (int64_t)e->dir[0].wire_bytes;
		r.bytesservertoclient = (int64_t)e->dir[1].wire_bytes;
		r.numfinflags = (int32_t)e->nflag[NF_FIN];
		r.numrstflags = (int32_t)e->nflag[NF_RST];
		r.numackflags = (int32_t)e->nflag[NF_ACK];
		r.numsynflags = (int32_t)e->nflag[NF_SYN];
		r.numurgflags = (int32_t)e->nflag[NF_URG];
		r.numeceflags = (int32_t)e->nflag[NF_ECE];
		r.numpshflags = (int32_t)e->nflag[NF_PSH];
		r.numcwrflags = (int32_t)e->nflag[NF_CWR];
		r.numnsflags = (int32_t)e->nflag[NF_NS];
		if (e->proto == 6 && pk)
			r.meanwindowsize = (int32_t)(e->win_sum / pk);
		r.origpackets = (int64_t)e->dir[0].pkts;
		r.origbytes = (int64_t)dir_size(e, 0);
		r.origipbytes = (int64_t)e->dir[0].ip_bytes;
		r.resppackets = (int64_t)e->dir[1].pkts;
		r.respbytes = (int64_t)dir_size(e, 1);
		r.respipbytes = (int64_t)e->dir[1].ip_bytes;
		r.connstate = (char *)conn_state(e);
		hist[hist_text(e, hist)] = '\0';
		r.history = hist;
		r.missedbytes = (int64_t)missed;
		nc_community_id(0, e->addr[0], e->addr[1], alen, e->proto,
				(uint16_t)r.srcport, (uint16_t)r.dstport, cid);
		/* ICMP: Community ID wants the type/code, which the record
		 * ports are; other protocols: the ports themselves */
		r.communityid = cid;
		r.ipprotocol = e->proto;
		r.closereason = (char *)reason;
		nc_emit_tm(d, NC_REC_CONNECTION, &r.base);
	}

	if (want_f) {
		for (unsigned k = 0; k < 2; k++) {
			const struct nc_dir *dr = &e->dir[k];
			if (dr->pkts == 0)
				continue;
			Netcap__Flow f = NETCAP__FLOW__INIT;
			f.timestampfirst = dr->first;
			f.timestamplast = dr->last;
			f.duration = dr->last - dr->first;
			f.linkproto = (char *)link;
			f.networkproto = (char *)net;
			f.transportproto = (char *)tr;
			f.applicationproto = (char *)(app ? app : "");
			nc_bytes(&f.srcmac, mlen ? e->mac[k] : NULL, mlen);
			nc_bytes(&f.dstmac, mlen ? e->mac[!k] : NULL, mlen);
			nc_bytes(&f.srcip, e->addr[k], alen);
			nc_bytes(&f.dstip, e->addr[!k], alen);
			dir_ports(e, k, &f.srcport, &f.dstport);
			f.totalsize = (int64_t)dr->wire_bytes;
			f.apppayloadsize = (int64_t)dr->payload;
			f.numpackets = (int64_t)dr->pkts;
			f.uid = uid;
			nc_emit(d, NC_REC_FLOW, &f.base);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* TCP streams */

/* The endpoint that sent the first packet. */
static inline unsigned first_sender(const struct nc_conn *e)
{
	return (e->cflags & CF_FLIPPED) ? 1 : 0;
}

/* Source MAC endpoint k sent from, NULL if unknown (or k never sent). */
static const uint8_t *src_mac(const struct nc_conn *e, unsigned k)
{
	if (!(e->cflags & CF_MAC))
		return NULL;
	if (k == first_sender(e))
		return e->mac[k];
	return (e->cflags & CF_RMAC) ? e->rmac : NULL;
}

/* The application-layer view of entry e (applayer.h); uid is the caller's. */
static void app_conn(const struct nc_conn *e, const char *uid, int64_t ts,
		     struct nc_app_conn *c)
{
	c->uid = uid;
	c->alen = (uint8_t)conn_alen(e);
	c->proto = e->proto;
	for (unsigned k = 0; k < 2; k++) {
		c->addr[k] = e->addr[k];
		c->port[k] = e->port[k];
		c->mac[k] = src_mac(e, k);
	}
	c->ts = ts;
}

/* The UID of the connection the stream call in progress belongs to. */
static const char *cb_uid(struct nc_conntab *t)
{
	if (!t->cb_uid_ok) {
		conn_uid(t, &t->e[t->cb_conn], t->cb_uid);
		t->cb_uid_ok = true;
	}
	return t->cb_uid;
}

/*
 * Callbacks of every stream in data mode (arg: the table): the
 * application parsers (d->apps) and the --streams sink (cfg.stream_data).
 */
static void sink_data(void *arg, const uint8_t *p, size_t len, uint64_t off)
{
	struct nc_conntab *t = arg;
	struct nc_conn *e = &t->e[t->cb_conn];

	if (t->cb_d->apps) {
		struct nc_app_conn c;
		app_conn(e, cb_uid(t), nc_reasm_now(t->cb_d->reasm), &c);
		nc_app_tcp_data(t->cb_d, e->sslot, &c, t->cb_dir, p, len);
	}
	if (t->cfg.stream_data)
		t->cfg.stream_data(t->cfg.stream_arg, cb_uid(t), t->cb_dir, p,
				   len, off);
}

static void sink_gap(void *arg, uint64_t off, uint64_t len)
{
	struct nc_conntab *t = arg;
	struct nc_conn *e = &t->e[t->cb_conn];

	(void)off;
	if (t->cb_d->apps) {
		struct nc_app_conn c;
		app_conn(e, cb_uid(t), nc_reasm_now(t->cb_d->reasm), &c);
		nc_app_tcp_gap(t->cb_d, e->sslot, &c, t->cb_dir, len);
	}
}

static void sink_end(void *arg, enum nc_stream_end reason)
{
	struct nc_conntab *t = arg;
	struct nc_conn *e = &t->e[t->cb_conn];

	(void)reason;
	if (t->cb_d->apps) {
		struct nc_app_conn c;
		app_conn(e, cb_uid(t), nc_reasm_now(t->cb_d->reasm), &c);
		nc_app_tcp_end(t->cb_d, e->sslot, &c, t->cb_dir);
	}
}

static const struct nc_stream_ops sink_ops = {
    .on_data = sink_data, .on_gap = sink_gap, .on_end = sink_end};

/* Stream calls for connection i follow: the sink's context. */
static void stream_ctx(struct nc_dec *d, struct nc_conntab *t, uint32_t i)
{
	t->cb_d = d;
	t->cb_conn = i;
	t->cb_uid_ok = false;
}

/* A new TCP connection takes a stream slot pair, if reassembly is on and
 * one is free; a connection without one still is tracked. */
static void stream_open(struct nc_dec *d, struct nc_conntab *t,
			struct nc_conn *e)
{
	e->sslot = NIL;
	if (e->proto != 6 || !d->reasm)
		return;
	if (t->nsfree == 0 && t->sfresh > t->nstreams) {
		nc_event(d, NC_EV_CONN_NO_STREAM_SLOT, NULL);
		return;
	}
	e->sslot = t->nsfree ? t->sfree[--t->nsfree] : t->sfresh++;
	struct nc_stream_pair *p = &t->sp[e->sslot];
	for (unsigned k = 0; k < 2; k++) {
		nc_stream_init(&p->s[k]);
		if (t->cfg.stream_data || nc_app_wants_tcp(d->apps))
			nc_stream_attach(&p->s[k], &sink_ops, t);
	}
}

/* The TCP segment endpoint k of connection i sent (d->l4). */
static void stream_feed(struct nc_dec *d, struct nc_conntab *t, uint32_t i,
			unsigned k)
{
	const struct nc_l4 *l = &d->l4;
	struct nc_stream_pair *p = &t->sp[t->e[i].sslot];

	stream_ctx(d, t, i);
	t->cb_dir = (uint8_t)k;
	nc_stream_segment_cut(d->reasm, &p->s[k], l->seq, l->tcp_flags,
			      l->payload_len ? l->payload : NULL,
			      l->payload_len, l->payload_wire, d->ts);
	/* k's ACK covers what the peer sent */
	if (l->tcp_flags & F_ACK)
		nc_stream_ack(&p->s[!k], l->ack);
}

/*
 * Without stream state: the sequence space an endpoint used (Zeek's size)
 * beyond the payload octets it sent. A lower bound of the missed bytes:
 * retransmitted payload hides a gap of the same size.
 */
static uint64_t seq_missed(const struct nc_conn *e)
{
	uint64_t m = 0;

	for (unsigned k = 0; k < 2; k++) {
		uint64_t size = dir_size(e, k);
		if (size > e->dir[k].payload)
			m += size - e->dir[k].payload;
	}
	return m;
}

/*
 * The connection is closing: flush both streams (held data and gaps to the
 * sink), give the slot back; returns MissedBytes.
 */
static uint64_t stream_close(struct nc_dec *d, struct nc_conntab *t, uint32_t i)
{
	struct nc_conn *e = &t->e[i];

	if (e->proto != 6)
		return 0;
	if (e->sslot == NIL)
		return seq_missed(e);
	struct nc_stream_pair *p = &t->sp[e->sslot];
	stream_ctx(d, t, i);
	for (unsigned k = 0; k < 2; k++) {
		t->cb_dir = (uint8_t)k;
		nc_stream_flush(d->reasm, &p->s[k]);
	}
	if (d->apps) {
		struct nc_app_conn c;
		app_conn(e, cb_uid(t), nc_reasm_now(d->reasm), &c);
		nc_app_tcp_close(d, e->sslot, &c);
	}
	uint64_t missed = p->s[0].missed + p->s[1].missed;
	t->sfree[t->nsfree++] = e->sslot;
	e->sslot = NIL;
	return missed;
}

/* ---------------------------------------------------------------------- */
/* closing */

static bool tcp_reset(const struct nc_conn *e)
{
	return ST_STATE(e->st[0]) == EP_RESET || ST_STATE(e->st[1]) == EP_RESET;
}

/* CloseReason of a connection that went idle past its timeout. */
static const char *closed_reason(const struct nc_conn *e)
{
	if (e->proto == 132) /* SCTP: ABORT or SHUTDOWN (sctp.c) */
		return tcp_reset(e) ? "abort" : "shutdown";
	return tcp_reset(e) ? "rst" : "fin";
}

static const char *idle_reason(const struct nc_conn *e)
{
	if (conn_class(e) == NC_CT_TCP_CLOSED)
		return closed_reason(e);
	return "timeout";
}

/* Emit entry i with reason, then unlink and free it. */
static void conn_close(struct nc_dec *d, struct nc_conntab *t, uint32_t i,
		       const char *reason)
{
	struct nc_conn *e = &t->e[i];
	const char *app = e->proto == 6 && e->sslot != NIL
			      ? nc_app_tcp_name(d->apps, e->sslot)
			      : NULL;

	/*
	 * What this connection writes now (Connection, Flow, the last
	 * application records) carries its own tunnel, not the tunnel of
	 * the frame being decoded, which may belong to another connection.
	 */
	bool swap = e->tun != NIL || d->tun.depth;
	struct nc_tun_ctx frame_tun;
	if (swap) {
		frame_tun = d->tun;
		if (e->tun != NIL)
			d->tun = t->tuns[e->tun].ctx;
		else
			d->tun.depth = 0;
		d->tun_msg_ok = false;
	}
	conn_emit(d, e, reason, stream_close(d, t, i), app);
	if (d->obs) {
		char uid[13];
		struct nc_app_conn c;
		struct nc_obs_conn oc = {.c = &c, .app = app};
		conn_uid(t, e, uid);
		app_conn(e, uid, conn_last(e), &c);
		for (unsigned k = 0; k < 2; k++) {
			oc.pkts[k] = e->dir[k].pkts;
			oc.bytes[k] = e->dir[k].wire_bytes;
			oc.payload[k] = e->dir[k].payload;
		}
		oc.first = conn_first(e);
		oc.last = conn_last(e);
		nc_obs_conn(d, &oc);
	}
	if (swap) {
		d->tun = frame_tun;
		d->tun_msg_ok = false;
	}
	if (strcmp(reason, "timeout") == 0) {
		nc_event(d, NC_EV_CONN_TIMEOUT, NULL);
		t->timeouts[conn_class(e)]++;
	}

	uint32_t *pp = bucket_of(t, conn_tab_hash(t, e));
	while (*pp != i)
		pp = &t->e[*pp].hnext; /* i is on this chain */
	*pp = e->hnext;
	if (e->tun != NIL)
		tun_put(t, e->tun);
	lru_unlink(t, &t->lru[conn_class(e)], i);
	e->hnext = t->free_head;
	t->free_head = i;
	t->active--;
}

static inline bool idle_past(const struct nc_conntab *t,
			     const struct nc_conn *e, int64_t now)
{
	return now - conn_last(e) > t->cfg.timeout_ns[conn_class(e)];
}

/*
 * A free entry index; a full table first closes an expired class tail,
 * else the least recently active connection (conn.evicted).
 */
static uint32_t conn_alloc(struct nc_dec *d, struct nc_conntab *t)
{
	if (t->free_head == NIL && t->fresh > t->cfg.max_conns) {
		uint32_t victim = NIL;
		for (int c = 0; c < NC_CT_MAX; c++) {
			uint32_t i = t->lru[c].tail;
			if (i != NIL && idle_past(t, &t->e[i], d->ts)) {
				victim = i;
				break;
			}
		}
		if (victim != NIL) {
			conn_close(d, t, victim, idle_reason(&t->e[victim]));
		} else {
			int64_t oldest = 0;
			for (int c = 0; c < NC_CT_MAX; c++) {
				uint32_t i = t->lru[c].tail;
				if (i == NIL)
					continue;
				int64_t l = conn_last(&t->e[i]);
				if (victim == NIL || l < oldest) {
					victim = i;
					oldest = l;
				}
			}
			nc_event(d, NC_EV_CONN_EVICTED, NULL);
			t->evictions[conn_class(&t->e[victim])]++;
			conn_close(d, t, victim, "evicted");
		}
	}
	uint32_t i = t->free_head;
	if (i != NIL)
		t->free_head = t->e[i].hnext;
	else
		i = t->fresh++;
	t->active++;
	return i;
}

/* ---------------------------------------------------------------------- */
/* TCP */

static void ep_set(struct nc_conn *e, unsigned k, enum ep_state s)
{
	uint8_t o = e->st[k];
	e->st[k] = ST_MAKE(s, ST_STATE(o), o & ST_FIN);
}

/*
 * Zeek's endpoint state machine for the segment endpoint k sent
 * (len: payload octets on the wire). Inlined at both call sites, TCP and
 * SCTP: a call here costed every TCP packet about 10 instructions.
 */
static inline __attribute__((always_inline)) void
tcp_state(struct nc_conn *e, unsigned k, uint8_t fl, uint32_t len)
{
	unsigned p = !k;
	bool is_orig = k == 0;
	enum ep_state me = ST_STATE(e->st[k]);
	enum ep_state peer = ST_STATE(e->st[p]);

	switch (me) {
	case EP_INACTIVE:
		if (fl & F_SYN) {
			if (is_orig) {
				ep_set(e, k,
				       (fl & F_ACK) ? EP_SYN_ACK_SENT
						    : EP_SYN_SENT);
			} else {
				if (peer == EP_SYN_SENT)
					ep_set(e, p, EP_ESTABLISHED);
				ep_set(e, k, EP_ESTABLISHED);
			}
		}
		if (fl & F_FIN)
			ep_set(e, k, EP_CLOSED);
		if (fl & F_RST)
			ep_set(e, k, EP_RESET);
		if (ST_STATE(e->st[k]) == EP_INACTIVE) {
			if (!is_orig && len == 0 &&
			    ST_STATE(e->st[0]) == EP_SYN_SENT)
				; /* an ACK of the SYN before the SYN-ACK */
			else if ((fl & F_ACK) &&
				 ST_STATE(e->st[p]) == EP_ESTABLISHED)
				ep_set(e, k, EP_ESTABLISHED); /* missed SYN */
			else
				ep_set(e, k, EP_PARTIAL);
		}
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (fl & F_FIN)
			ep_set(e, k, EP_CLOSED);
		if (fl & F_RST)
			ep_set(e, k, EP_RESET);
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if ((fl & F_SYN) && me == EP_PARTIAL && peer == EP_INACTIVE &&
		    !(fl & F_ACK))
			ep_set(e, k, EP_SYN_SENT);
		if ((fl & F_FIN) && !(fl & F_RST)) {
			ep_set(e, k, EP_CLOSED);
			/* FIN then RST from the peer was a normal close */
			if (peer == EP_RESET && ST_PREV(e->st[p]) == EP_CLOSED)
				ep_set(e, p, EP_CLOSED);
		}
		if (fl & F_RST)
			ep_set(e, k, EP_RESET);
		break;
	case EP_CLOSED:
		if ((fl & F_RST) && peer != EP_CLOSED)
			ep_set(e, k, EP_RESET);
		break;
	case EP_RESET:
		break;
	}
	if (fl & F_FIN)
		e->st[k] |= ST_FIN;
}

#define TOO_LARGE_SEQ_DELTA 1048576

static void tcp_packet(struct nc_conn *e, unsigned k, const struct nc_l4 *l)
{
	struct nc_dir *dr = &e->dir[k];
	uint8_t fl = l->tcp_flags;
	uint32_t len = l->payload_wire;
	enum ep_state me = ST_STATE(e->st[k]);

	e->nflag[NF_FIN] += (fl & F_FIN) != 0;
	e->nflag[NF_RST] += (fl & F_RST) != 0;
	e->nflag[NF_ACK] += (fl & F_ACK) != 0;
	e->nflag[NF_SYN] += (fl & F_SYN) != 0;
	e->nflag[NF_URG] += (fl & F_URG) != 0;
	e->nflag[NF_ECE] += (fl & F_ECE) != 0;
	e->nflag[NF_PSH] += (fl & F_PSH) != 0;
	e->nflag[NF_CWR] += (fl & F_CWR) != 0;
	e->nflag[NF_NS] += l->tcp_ns;
	e->win_sum += l->window;

	/* sequence space the segment takes: SYN and FIN count one each; a
	 * RST's payload is not stream data */
	uint32_t seg = len + ((fl & F_SYN) != 0) + ((fl & F_FIN) != 0);
	if (fl & F_RST)
		seg -= len;
	uint32_t seg_end = l->seq + seg;

	if (dr->pkts == 1) {
		/* first segment of this endpoint: without a SYN, number as if
		 * the SYN was the octet before it */
		dr->start = (fl & F_SYN) ? l->seq : l->seq - 1;
		dr->seq_end = l->seq;
	} else if ((fl & F_SYN) &&
		   (((me == EP_SYN_SENT || me == EP_SYN_ACK_SENT) &&
		     l->seq != dr->start) ||
		    me == EP_ESTABLISHED || me == EP_PARTIAL ||
		    (me == EP_RESET && ST_PREV(e->st[k]) == EP_INACTIVE))) {
		/* a SYN that (re)starts this endpoint's sequence space */
		dr->start = l->seq;
		dr->seq_end = l->seq;
	}

	/* history: one control letter, or data, or a pure ACK */
	unsigned bits =
	    ((fl & F_SYN) != 0) + ((fl & F_FIN) != 0) + ((fl & F_RST) != 0);
	if (bits > 1)
		hist_add(e, k, (fl & F_FIN) && (fl & F_RST) ? H_I : H_Q);
	else if (bits == 1) {
		if (fl & F_SYN)
			hist_add(e, k, (fl & F_ACK) ? H_H : H_S);
		if (fl & F_FIN)
			hist_add(e, k, H_F);
		if (fl & F_RST)
			hist_add(e, k, H_R);
	} else if (len)
		hist_add(e, k, H_D);
	else if (fl & F_ACK)
		hist_add(e, k, H_A);

	/* zero window, unless it comes with or after a reset, or after the
	 * peer closed */
	if (l->window == 0 && !(fl & F_RST) &&
	    ST_STATE(e->st[!k]) != EP_CLOSED && me != EP_RESET)
		hist_add(e, k, H_W);

	/* highest sequence number; payload not advancing it is a
	 * retransmission */
	int32_t delta = (int32_t)(seg_end - dr->seq_end);
	/* a wild SYN or RST, and anything after a reset, is not trusted */
	bool wild = (fl & (F_SYN | F_RST)) && (delta > TOO_LARGE_SEQ_DELTA ||
					       delta < -TOO_LARGE_SEQ_DELTA);
	bool first_fin = (fl & F_FIN) && dr->seq_end == dr->start + 1;
	if (!wild && (first_fin || (me != EP_RESET && delta > 0)))
		dr->seq_end = seg_end;
	else if (!wild && me != EP_RESET && len > 0)
		hist_add(e, k, H_T);

	tcp_state(e, k, fl, len);
}

/* Is this TCP segment a new SYN on a closed connection (reuse)? */
static bool tcp_syn_reuses(const struct nc_conn *e, unsigned k,
			   const struct nc_l4 *l)
{
	if ((l->tcp_flags & (F_SYN | F_ACK)) != F_SYN ||
	    conn_class(e) != NC_CT_TCP_CLOSED)
		return false;
	/* a retransmitted SYN (same ISN) stays with its connection */
	const struct nc_dir *dr = &e->dir[k];
	return !(dr->pkts && (e->hmask[k] & (1u << H_S)) &&
		 dr->start == l->seq);
}

/* ---------------------------------------------------------------------- */
/* the per-packet entry point */

static enum link_kind link_kind(int link)
{
	switch (link) {
	case NC_LINK_ETHERNET:
		return LK_ETHERNET;
	case NC_LINK_LINUX_SLL:
		return LK_SLL;
	case NC_LINK_LINUX_SLL2:
		return LK_SLL2;
	case NC_LINK_NULL:
	case NC_LINK_LOOP:
		return LK_NULL;
	case NC_LINK_RAW:
	case 12:
	case 14:
	case NC_LINK_IPV4:
	case NC_LINK_IPV6:
		return LK_RAW;
	case 105: /* IEEE 802.11 */
	case 127: /* radiotap + IEEE 802.11 */
		return LK_DOT11;
	default:
		return LK_OTHER;
	}
}

/* Key ports of the packet: TCP/UDP/SCTP ports, ICMP mapped, else 0. */
static void packet_ports(const struct nc_l4 *l, uint16_t *sp, uint16_t *dp)
{
	bool one_way;

	switch (l->ip_proto) {
	case 6:
	case 17:
	case 132: /* SCTP */
		*sp = l->sport;
		*dp = l->dport;
		break;
	case 1:
	case 58:
		nc_commid_icmp_ports(l->ip_proto, (uint8_t)l->sport,
				     (uint8_t)l->dport, sp, dp, &one_way);
		break;
	default:
		*sp = *dp = 0;
		break;
	}
}

/* Equal addresses of alen (4 or 16) octets: fixed-size loads, no call. */
static inline bool addr_eq(const uint8_t *a, const uint8_t *b, unsigned alen)
{
	if (alen == 4) {
		uint32_t x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return x == y;
	}
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

/* Find the entry of the key; *k gets the sender's endpoint (0 orig). */
static uint32_t conn_find(const struct nc_conntab *t, uint64_t h,
			  const uint8_t *src, uint16_t sp, const uint8_t *dst,
			  uint16_t dp, unsigned alen, uint8_t proto,
			  uint64_t tenant, unsigned *k)
{
	uint8_t v6 = alen == 16 ? CF_V6 : 0;

	for (uint32_t i = *bucket_of(t, h); i != NIL; i = t->e[i].hnext) {
		const struct nc_conn *e = &t->e[i];
		if (e->proto != proto || (e->cflags & CF_V6) != v6)
			continue;
		if ((tenant || e->tun != NIL) && conn_tenant(t, e) != tenant)
			continue;
		if (e->port[0] == sp && e->port[1] == dp &&
		    addr_eq(e->addr[0], src, alen) &&
		    addr_eq(e->addr[1], dst, alen)) {
			*k = 0;
			return i;
		}
		if (e->port[0] == dp && e->port[1] == sp &&
		    addr_eq(e->addr[0], dst, alen) &&
		    addr_eq(e->addr[1], src, alen)) {
			*k = 1;
			return i;
		}
	}
	return NIL;
}

/* Start a connection for the current packet; returns the sender's side. */
static unsigned conn_init(struct nc_dec *d, struct nc_conntab *t, uint32_t i,
			  uint64_t h, uint16_t sp, uint16_t dp)
{
	struct nc_conn *e = &t->e[i];
	unsigned alen = d->ip_len;
	bool flip = first_packet_flips(&d->l4);
	unsigned k = flip ? 1 : 0; /* the sender */

	memset(e, 0, sizeof(*e));
	if (d->tun.depth)
		e->tun = tun_get(t, &d->tun);
	e->proto = d->l4.ip_proto;
	e->cflags =
	    (uint8_t)((alen == 16 ? CF_V6 : 0) | (link_kind(d->link) << 3));
	memcpy(e->addr[k], d->src_ip, alen);
	memcpy(e->addr[!k], d->dst_ip, alen);
	e->port[k] = sp;
	e->port[!k] = dp;
	if (d->src_mac && d->dst_mac) {
		e->cflags |= CF_MAC;
		memcpy(e->mac[k], d->src_mac, 6);
		memcpy(e->mac[!k], d->dst_mac, 6);
	}
	if (flip) {
		e->cflags |= CF_FLIPPED;
		e->hist = HIST_FLIP; /* '^' first */
		nc_event(d, NC_EV_CONN_FLIPPED, NULL);
	}
	stream_open(d, t, e);

	uint32_t *b = bucket_of(t, h);
	e->hnext = *b;
	*b = i;
	lru_push(t, &t->lru[conn_class(e)], i);
	nc_event(d, NC_EV_CONN_NEW, NULL);
	return k;
}

void nc_conn_packet(struct nc_dec *d)
{
	struct nc_conntab *t = d->conns;
	const struct nc_l4 *l = &d->l4;
	unsigned alen = d->ip_len;
	uint16_t sp, dp;
	unsigned k = 0;

	if (!t || !l->valid || (alen != 4 && alen != 16))
		return;
	packet_ports(l, &sp, &dp);
	uint64_t tenant = d->tun.depth ? d->tun.tenant : 0;
	uint64_t h = tab_tenant(
	    tab_hash(d->src_ip, sp, d->dst_ip, dp, alen, l->ip_proto), tenant);
	uint32_t i = conn_find(t, h, d->src_ip, sp, d->dst_ip, dp, alen,
			       l->ip_proto, tenant, &k);

	if (i != NIL) {
		struct nc_conn *e = &t->e[i];
		if (idle_past(t, e, d->ts)) {
			conn_close(d, t, i, idle_reason(e));
			nc_event(d, NC_EV_CONN_REUSED_AFTER_TIMEOUT, NULL);
			i = NIL;
		} else if (e->proto == 6 && tcp_syn_reuses(e, k, l)) {
			conn_close(d, t, i, tcp_reset(e) ? "rst" : "fin");
			nc_event(d, NC_EV_CONN_REUSED_AFTER_CLOSE, NULL);
			i = NIL;
		}
	}
	if (i == NIL) {
		i = conn_alloc(d, t);
		k = conn_init(d, t, i, h, sp, dp);
	}

	struct nc_conn *e = &t->e[i];
	enum nc_ct_timeout before = conn_class(e);
	struct nc_dir *dr = &e->dir[k];

	if (dr->pkts == 0) {
		dr->first = d->ts;
		if (k != first_sender(e) && d->src_mac) {
			memcpy(e->rmac, d->src_mac, 6);
			e->cflags |= CF_RMAC;
		}
	}
	dr->last = d->ts;
	dr->pkts++;
	dr->ip_bytes += l->ip_len;
	dr->wire_bytes += d->wirelen;
	dr->payload += l->payload_wire;
	if (e->proto == 6) {
		tcp_packet(e, k, l);
		if (e->sslot != NIL)
			stream_feed(d, t, i, k);
	} else if (e->proto == 132) {
		/* association state: the chunks as TCP flags (sctp.c) */
		tcp_state(e, k, l->tcp_flags, l->payload_wire);
	} else if (e->proto == 17 && l->payload_wire) {
		hist_add(e, k, H_D);
		if (d->apps && l->payload_len) {
			char uid[13];
			struct nc_app_conn c;
			conn_uid(t, e, uid);
			app_conn(e, uid, d->ts, &c);
			nc_app_udp(d, &c, (int)k);
		}
	}
	/* a reassembled datagram: the frames of all its fragments (defrag.h),
	   added after tcp_packet, which takes pkts == 1 for an endpoint's
	   first segment; one test on every other frame */
	if (__builtin_expect(d->frag_frames != 0, 0)) {
		dr->pkts += d->frag_frames - 1;
		dr->wire_bytes += d->frag_wire - d->wirelen;
	}

	/* most recently active: head of the list of its (new) class */
	lru_unlink(t, &t->lru[before], i);
	lru_push(t, &t->lru[conn_class(e)], i);
}

/* ---------------------------------------------------------------------- */
/* prefetching for a burst (worker.c): three loads that depend on each
 * other, each issued for every packet of the burst before the next */

uint64_t nc_conn_prefetch_bucket(const struct nc_dec *d,
				 const struct nc_flow_key *k)
{
	const struct nc_conntab *t = d->conns;
	uint64_t h =
	    tab_hash(k->src, k->sport, k->dst, k->dport, k->alen, k->proto);

	__builtin_prefetch(bucket_of(t, h));
	return h;
}

void nc_conn_prefetch_entry(const struct nc_dec *d, uint64_t h)
{
	const struct nc_conntab *t = d->conns;
	uint32_t i = *bucket_of(t, h);

	if (i != NIL) {
		const char *p = (const char *)&t->e[i];
		/* every cache line of the entry is read or written */
		__builtin_prefetch(p, 1);
		__builtin_prefetch(p + 64, 1);
		__builtin_prefetch(p + 128, 1);
		__builtin_prefetch(p + 192, 1);
		__builtin_prefetch(p + sizeof(struct nc_conn) - 1, 1);
	}
}

void nc_conn_prefetch_stream(const struct nc_dec *d, uint64_t h)
{
	const struct nc_conntab *t = d->conns;
	uint32_t i = *bucket_of(t, h);

	if (i == NIL)
		return;
	const struct nc_conn *e = &t->e[i];
	/* its neighbours on the LRU list, which moving it writes */
	__builtin_prefetch(&t->e[e->prev], 1);
	__builtin_prefetch(&t->e[e->next], 1);
	if (e->sslot != NIL) {
		const char *p = (const char *)&t->sp[e->sslot];
		__builtin_prefetch(p, 1);
		__builtin_prefetch(p + 64, 1);
		__builtin_prefetch(p + sizeof(struct nc_stream_pair) - 1, 1);
	}
}

unsigned nc_conn_expire(struct nc_dec *d, int64_t now_ns, unsigned max_visit)
{
	struct nc_conntab *t = d->conns;
	unsigned visited = 0, closed = 0;

	if (!t)
		return 0;
	for (int c = 0; c < NC_CT_MAX && visited < max_visit; c++) {
		while (visited < max_visit) {
			uint32_t i = t->lru[c].tail;
			if (i == NIL || !idle_past(t, &t->e[i], now_ns))
				break;
			visited++;
			conn_close(d, t, i, idle_reason(&t->e[i]));
			closed++;
		}
	}
	return closed;
}

void nc_conn_flush(struct nc_dec *d)
{
	struct nc_conntab *t = d->conns;

	if (!t)
		return;
	for (int c = 0; c < NC_CT_MAX; c++) {
		/* oldest first, so records come out in activity order */
		while (t->lru[c].tail != NIL) {
			uint32_t i = t->lru[c].tail;
			const struct nc_conn *e = &t->e[i];
			const char *why = "end_of_input";
			if (c == NC_CT_TCP_CLOSED)
				why = closed_reason(e);
			conn_close(d, t, i, why);
		}
	}
}
