/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen-flood.c: write flood captures for test/run-flood.sh.
 *
 * usage: gen-flood syn|frags|gaps N OUT.pcap   (OUT "-" is stdout)
 *        gen-flood conns N OUT.pcap [PKTS]
 *
 * Classic pcap (little-endian, microseconds, LINKTYPE_ETHERNET, snaplen
 * 65535), timestamps 1 us apart from 2023-11-14, a fixed random seed: the
 * same arguments give the same bytes. Every IPv4 header checksum, TCP
 * checksum and UDP checksum is valid. Plain C, libc only. On stderr, one
 * line of what was written, "gen-flood: MODE key=value ...": the
 * expectations test/run-flood.sh checks netcap's counters against, derived
 * here from what was sent, not from netcap.
 *
 * syn N    N TCP SYNs, each a distinct connection: source 10.0.0.1 + i
 *          (10.0.0.0/8, then the next source port), port 1024 + ...,
 *          to 192.168.0.1:80; 60-octet frames.
 *
 * frags N  an IP fragment storm (UDP datagrams, IPv4 and IPv6). Phase 1,
 *          one datagram at a time (no table pressure), 50 of each class
 *          per family: complete in order, reversed, with an overlapping
 *          fragment of different octets, with an exact duplicate, ten
 *          8-octet fragments; 65 copies of one fragment (one over a limit
 *          of 64 per datagram); two last fragments with different ends;
 *          a fragment at offset 65528 (past 65535); a lone last fragment
 *          at offset 65488 (legal, never completes); a lone first fragment.
 *          Then 40 s of silence (past a 30 s reassembly timeout). Phase 2:
 *          N datagrams that never complete, each from its own source
 *          (first, middle, 8-octet or near-65535 fragments; one in four
 *          IPv6), every odd one sent twice in a row at the same offset with
 *          different octets: more datagrams than any table holds.
 *
 * gaps N   N TCP connections, 2000 at a time (packets interleaved, 20 s
 *          of silence between groups so that closed ones time out), each
 *          with a handshake, ten blocks of data per direction with holes
 *          between them (1..5000 octets, up to 1 MiB, or 100 MiB; never
 *          sent), swapped segments, identical retransmissions, overlapping
 *          retransmissions with different octets, one in four with an ISN
 *          that makes the sequence numbers wrap, one in three with a
 *          segment 2^31 past the data (out of any window), and FIN, ACK,
 *          FIN, ACK. skipped= is the octets of the sequence space up to
 *          the FINs never sent; late= the octets first sent after octets
 *          beyond them (a reassembler that gave up a hole for lack of
 *          memory counts them as missed too).
 *
 * conns N [PKTS]  the benchmark's traffic (b) (scripts/bench.sh): N
 *          concurrent TCP connections in PKTS (default 3N) minimum-size
 *          frames (60 octets). Round r carries packet r of every
 *          connection, the connections in a fresh random order each round
 *          (the last round may be partial): SYN, SYN-ACK, ACK, then 6
 *          octets of data from the client and the server's ACK of them,
 *          alternately. Client 10.0.0.0/8 + 1 + i, port 1024 + i % 64000,
 *          server 192.168.x.1 (x = i % 256) port 80 or 443. Nothing closes:
 *          after PKTS packets all N connections are open.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP 65535u

static FILE *out;
static uint64_t now_us = 1700000000ull * 1000000ull;
static uint64_t npackets;
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void die(const char *what)
{
	fprintf(stderr, "gen-flood: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_all(const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n)
		die("write");
}

static void pcap_header(void)
{
	uint8_t h[24];
	put_le32(h, 0xa1b2c3d4u);
	h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4 */
	put_le32(h + 8, 0);			/* thiszone */
	put_le32(h + 12, 0);			/* sigfigs */
	put_le32(h + 16, SNAP);
	put_le32(h + 20, 1); /* LINKTYPE_ETHERNET */
	write_all(h, sizeof(h));
}

/* One frame, padded to the Ethernet minimum of 60 octets (without FCS). */
static void frame(uint8_t *f, size_t len)
{
	uint8_t h[16];
	if (len < 60) {
		memset(f + len, 0, 60 - len);
		len = 60;
	}
	put_le32(h, (uint32_t)(now_us / 1000000u));
	put_le32(h + 4, (uint32_t)(now_us % 1000000u));
	put_le32(h + 8, (uint32_t)len);
	put_le32(h + 12, (uint32_t)len);
	write_all(h, sizeof(h));
	write_all(f, len);
	now_us++;
	npackets++;
}

/* Ones' complement sum (RFC 1071) of n octets, added to sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		sum += (uint32_t)p[i] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t eth(uint8_t *f, uint16_t type)
{
	static const uint8_t mac[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	memcpy(f, mac, 12);
	put_be16(f + 12, type);
	return 14;
}

/* IPv4 header (RFC 791) at p, no options; flags_off: flags and offset/8. */
static void ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint16_t id,
		 uint16_t flags_off, uint8_t proto, uint16_t total)
{
	p[0] = 0x45;
	p[1] = 0;
	put_be16(p + 2, total);
	put_be16(p + 4, id);
	put_be16(p + 6, flags_off);
	p[8] = 64;
	p[9] = proto;
	put_be16(p + 10, 0);
	put_be32(p + 12, src);
	put_be32(p + 16, dst);
	put_be16(p + 10, csum_fold(csum_add(0, p, 20)));
}

/* TCP segment with checksum over the IPv4 pseudo header (RFC 9293 3.1). */
static size_t tcp4(uint8_t *f, uint32_t src, uint32_t dst, uint16_t sport,
		   uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		   const uint8_t *data, uint16_t len)
{
	size_t o = eth(f, 0x0800);
	uint8_t *t = f + o + 20;
	uint32_t sum;

	ipv4(f + o, src, dst, (uint16_t)npackets, 0x4000, 6,
	     (uint16_t)(40 + len));
	put_be16(t, sport);
	put_be16(t + 2, dport);
	put_be32(t + 4, seq);
	put_be32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put_be16(t + 14, 64240);
	put_be16(t + 16, 0);
	put_be16(t + 18, 0);
	if (len)
		memcpy(t + 20, data, len);
	sum = csum_add(0, f + o + 12, 8); /* source and destination */
	sum += 6 + 20u + len;
	sum = csum_add(sum, t, 20u + len);
	put_be16(t + 16, csum_fold(sum));
	return o + 40 + len;
}

#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

/* ---- syn ---------------------------------------------------------- */

static void gen_syn(uint64_t n)
{
	uint8_t f[64];
	const uint64_t space = (1u << 24) - 2; /* 10.0.0.1 .. 10.255.255.254 */

	for (uint64_t i = 0; i < n; i++) {
		uint32_t src = (10u << 24) + 1 + (uint32_t)(i % space);
		uint16_t sport = (uint16_t)(1024 + (i / space) % 64000);
		size_t len = tcp4(f, src, 0xc0a80001u, sport, 80,
				  (uint32_t)(i * 7919u), 0, F_SYN, NULL, 0);
		frame(f, len);
	}
	fprintf(stderr, "gen-flood: syn connections=%" PRIu64
			" packets=%" PRIu64 "\n",
		n, npackets);
}

/* ---- frags -------------------------------------------------------- */

struct dgram {
	int fam; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t data[2048]; /* the UDP datagram, header included */
	uint32_t len;
};

static uint64_t nfrag4, nfrag6;

/* Send octets [off, off + len) of g as one fragment; alt: flip them. */
static void frag(const struct dgram *g, uint32_t off, uint32_t len, int more,
		 int alt)
{
	static uint8_t f[2048];
	uint8_t *d;
	size_t o = eth(f, g->fam == 4 ? 0x0800 : 0x86dd);

	if (g->fam == 4) {
		ipv4(f + o, (uint32_t)g->src[0] << 24 | g->src[1] << 16 |
				g->src[2] << 8 | g->src[3],
		     (uint32_t)g->dst[0] << 24 | g->dst[1] << 16 |
			 g->dst[2] << 8 | g->dst[3],
		     (uint16_t)g->id, (uint16_t)((more ? 0x2000 : 0) | off / 8),
		     17, (uint16_t)(20 + len));
		d = f + o + 20;
		nfrag4++;
	} else {
		/* RFC 8200: IPv6 header, then the Fragment header (44) */
		uint8_t *p = f + o;
		put_be32(p, 0x60000000u);
		put_be16(p + 4, 8 + len);
		p[6] = 44;
		p[7] = 64;
		memcpy(p + 8, g->src, 16);
		memcpy(p + 24, g->dst, 16);
		p[40] = 17;
		p[41] = 0;
		put_be16(p + 42, off | (more ? 1 : 0));
		put_be32(p + 44, g->id);
		d = p + 48;
		nfrag6++;
	}
	for (uint32_t i = 0; i < len; i++) {
		uint32_t k = off + i;
		/* octets past the datagram (near 65535): a pattern */
		uint8_t v = k < g->len ? g->data[k] : (uint8_t)(k * 13);
		d[i] = alt ? (uint8_t)~v : v;
	}
	frame(f, (size_t)(d - f) + len);
}

/* A UDP datagram of len octets (RFC 768), checksum over the pseudo header. */
static void dgram_init(struct dgram *g, int fam, uint32_t key, uint32_t len)
{
	uint32_t sum = 0;

	memset(g->src, 0, sizeof(g->src));
	memset(g->dst, 0, sizeof(g->dst));
	g->fam = fam;
	g->id = key;
	g->len = len;
	if (fam == 4) {
		put_be32(g->src, (100u << 24) + key);
		put_be32(g->dst, 0xc0a80101u);
		sum = csum_add(0, g->src, 4);
		sum = csum_add(sum, g->dst, 4);
	} else {
		g->src[0] = 0x20, g->src[1] = 0x01, g->src[2] = 0x0d,
		g->src[3] = 0xb8;
		put_be32(g->src + 12, key);
		g->dst[0] = 0x20, g->dst[1] = 0x01, g->dst[2] = 0x0d,
		g->dst[3] = 0xb8, g->dst[15] = 1;
		sum = csum_add(0, g->src, 16);
		sum = csum_add(sum, g->dst, 16);
	}
	if (len < 8)
		return;
	put_be16(g->data, 40000 + key % 20000);
	put_be16(g->data + 2, 9999);
	put_be16(g->data + 4, len);
	put_be16(g->data + 6, 0);
	for (uint32_t i = 8; i < len; i++)
		g->data[i] = (uint8_t)(key + i * 7);
	sum += 17 + len;
	sum = csum_add(sum, g->data, len);
	uint16_t c = csum_fold(sum);
	put_be16(g->data + 6, c ? c : 0xffff);
}

static void gen_frags(uint64_t n)
{
	static struct dgram g;
	const unsigned per = 50; /* datagrams of each class, each family */
	uint32_t key = 1;
	uint64_t reasm = 0, big = 0, many = 0, badend = 0, pending = 0;
	uint64_t ov1 = 0, diff1 = 0, singles = 0, pairs = 0;

	/* phase 1: one datagram at a time */
	for (int fam = 4; fam <= 6; fam += 2) {
		for (unsigned j = 0; j < per; j++) {
			dgram_init(&g, fam, key++, 1200); /* in order */
			frag(&g, 0, 400, 1, 0);
			frag(&g, 400, 400, 1, 0);
			frag(&g, 800, 400, 0, 0);
			dgram_init(&g, fam, key++, 1200); /* reversed */
			frag(&g, 800, 400, 0, 0);
			frag(&g, 400, 400, 1, 0);
			frag(&g, 0, 400, 1, 0);
			dgram_init(&g, fam, key++, 1200); /* overlap, differs */
			frag(&g, 0, 400, 1, 0);
			frag(&g, 400, 400, 1, 0);
			frag(&g, 304, 400, 1, 1);
			frag(&g, 800, 400, 0, 0);
			dgram_init(&g, fam, key++, 1200); /* exact duplicate */
			frag(&g, 0, 400, 1, 0);
			frag(&g, 0, 400, 1, 0);
			frag(&g, 400, 400, 1, 0);
			frag(&g, 800, 400, 0, 0);
			dgram_init(&g, fam, key++, 80); /* tiny fragments */
			for (uint32_t o = 0; o < 80; o += 8)
				frag(&g, o, 8, o + 8 < 80, 0);
			reasm += 5;
			ov1 += 2;
			diff1 += 1;

			dgram_init(&g, fam, key++, 1200); /* 65 copies */
			for (unsigned c = 0; c < 65; c++)
				frag(&g, 8, 8, 1, 0);
			many++;
			ov1 += 63; /* copies 2 .. 64 are held and overlap */

			dgram_init(&g, fam, key++, 1200); /* two ends */
			frag(&g, 0, 400, 1, 0);
			frag(&g, 800, 400, 0, 0);
			frag(&g, 800, 800, 0, 0);
			badend++;

			dgram_init(&g, fam, key++, 1200); /* past 65535 */
			frag(&g, 65528, 16, 0, 0);
			big++;

			dgram_init(&g, fam, key++, 1200); /* lone, near top */
			frag(&g, 65488, 24, 0, 0);
			dgram_init(&g, fam, key++, 1200); /* lone first */
			frag(&g, 0, 400, 1, 0);
			pending += 2;
		}
	}
	uint64_t phase1 = npackets;
	now_us += 40ull * 1000000ull; /* past a 30 s timeout */

	/* phase 2: datagrams that never complete, one source each */
	for (uint64_t j = 0; j < n; j++) {
		int fam = j % 8 == 3 || j % 8 == 6 ? 6 : 4;
		int pair = j % 2 == 1;
		uint32_t off, len, more = 1;

		dgram_init(&g, fam, key++, 64);
		switch ((j / 4) % 4) {
		case 0: /* first fragment, with the UDP header */
			off = 0, len = 64;
			break;
		case 1: /* a middle one */
			off = 1480, len = 64;
			break;
		case 2: /* tiny */
			off = 8, len = 8;
			break;
		default: /* the last, near the top */
			off = 65488, len = 24, more = 0;
			break;
		}
		frag(&g, off, len, (int)more, 0);
		if (pair)
			frag(&g, off, len, (int)more, 1);
		pairs += pair;
		singles += !pair;
	}
	if (key >= (1u << 24))
		fprintf(stderr, "gen-flood: warning: sources repeat\n");
	fprintf(stderr,
		"gen-flood: frags packets=%" PRIu64 " v4=%" PRIu64
		" v6=%" PRIu64 " phase1=%" PRIu64 " reassembled=%" PRIu64
		" too_big=%" PRIu64 " too_many=%" PRIu64 " bad_end=%" PRIu64
		" pending=%" PRIu64 " overlap1=%" PRIu64 " differs1=%" PRIu64
		" singles=%" PRIu64 " pairs=%" PRIu64 "\n",
		npackets, nfrag4, nfrag6, phase1, reasm, big, many, badend,
		pending, ov1, diff1,
		singles, pairs);
}

/* ---- gaps --------------------------------------------------------- */

#define WAVE	   2000u /* connections at a time */
#define BLOCKS	   10
#define SEGS	   4
#define MAX_PKTS   128
#define HUNDRED_MB (100u << 20)

struct pkt {
	uint8_t dir;   /* 0 client to server, 1 back */
	uint8_t flags; /* TCP flags */
	uint8_t alt;   /* octets flipped (an overlap that differs) */
	uint32_t off;  /* stream offset (from ISN + 1) */
	uint16_t len;
	uint32_t ack;
};

struct conn {
	uint32_t cli, srv;
	uint16_t sport;
	uint32_t isn[2];
	uint32_t fin[2]; /* FIN offset */
	unsigned n, next;
	struct pkt p[MAX_PKTS];
};

static uint64_t g_skipped, g_late, g_far;

static void add(struct conn *c, uint8_t dir, uint8_t flags, uint32_t off,
		uint32_t len, uint8_t alt, uint32_t ack)
{
	if (c->n == MAX_PKTS) {
		fprintf(stderr, "gen-flood: too many packets\n");
		exit(1);
	}
	struct pkt *p = &c->p[c->n++];
	p->dir = dir;
	p->flags = flags;
	p->off = off;
	p->len = (uint16_t)len;
	p->alt = alt;
	p->ack = ack;
}

/* Data of direction k: blocks of contiguous segments with holes between. */
static void direction(struct conn *c, unsigned k)
{
	uint32_t pos = 0, bigs = 0;
	uint32_t ack = c->isn[!k] + 1;
	int far = (c->cli % 3) == 0;

	for (unsigned b = 0; b < BLOCKS; b++) {
		if (b > 0 || rnd() % 4 == 0) {
			uint32_t r = rnd() % 10, hole;
			if (r < 5)
				hole = 1 + rnd() % 5000;
			else if (r < 8 || bigs == 3)
				hole = 1 + rnd() % (1u << 20);
			else
				hole = HUNDRED_MB + rnd() % 1000, bigs++;
			pos += hole;
			g_skipped += hole;
		}
		uint32_t s[SEGS], l[SEGS];
		for (unsigned i = 0; i < SEGS; i++) {
			s[i] = pos;
			l[i] = 64 + rnd() % 400;
			pos += l[i];
		}
		uint32_t r = b == BLOCKS - 1 ? 3 : rnd() % 3;
		if (r == 0) { /* the last two swapped */
			add(c, (uint8_t)k, F_ACK, s[0], l[0], 0, ack);
			add(c, (uint8_t)k, F_ACK, s[1], l[1], 0, ack);
			add(c, (uint8_t)k, F_ACK | F_PSH, s[3], l[3], 0, ack);
			add(c, (uint8_t)k, F_ACK, s[2], l[2], 0, ack);
			g_late += l[2];
		} else {
			for (unsigned i = 0; i < SEGS; i++)
				add(c, (uint8_t)k, F_ACK, s[i], l[i], 0, ack);
			if (r == 1) /* the second again, the same octets */
				add(c, (uint8_t)k, F_ACK, s[1], l[1], 0, ack);
			if (r == 2) { /* across three, other octets */
				uint32_t a = s[1] + l[1] / 2;
				uint32_t e = s[3] + l[3] / 2;
				add(c, (uint8_t)k, F_ACK, a, e - a, 1, ack);
			}
		}
		if (far && b == BLOCKS / 2) { /* 2^31 away: out of window */
			add(c, (uint8_t)k, F_ACK, pos + 0x80000000u + 17, 50,
			    0, ack);
			g_far++;
		}
	}
	if (rnd() % 4 == 0) { /* octets before the FIN never seen */
		uint32_t hole = 1 + rnd() % 3000;
		pos += hole;
		g_skipped += hole;
	}
	c->fin[k] = pos;
}

static void conn_init(struct conn *c, uint32_t i)
{
	c->cli = (10u << 24) + 1 + i;
	c->srv = 0xc0a80201u;
	c->sport = (uint16_t)(20000 + i % 40000);
	c->n = c->next = 0;
	for (unsigned k = 0; k < 2; k++) {
		c->isn[k] = rnd();
		if (i % 4 == 0) /* wraps within the first 400 MB */
			c->isn[k] = 0u - 1u - rnd() % (400u << 20);
	}
	/* the offsets of SYN and handshake ACK are not used (see emit) */
	add(c, 0, F_SYN, 0, 0, 0, 0);
	add(c, 1, F_SYN | F_ACK, 0, 0, 0, c->isn[0] + 1);
	add(c, 0, F_ACK, 0, 0, 0, c->isn[1] + 1);
	direction(c, 0);
	direction(c, 1);
	/* interleave nothing more: FIN, ACK, FIN, ACK */
	add(c, 0, F_FIN | F_ACK, c->fin[0], 0, 0, c->isn[1] + 1);
	add(c, 1, F_ACK, c->fin[1], 0, 0, c->isn[0] + 1 + c->fin[0] + 1);
	add(c, 1, F_FIN | F_ACK, c->fin[1], 0, 0,
	    c->isn[0] + 1 + c->fin[0] + 1);
	add(c, 0, F_ACK, c->fin[0] + 1, 0, 0, c->isn[1] + 1 + c->fin[1] + 1);
}

static void emit_pkt(const struct conn *c, const struct pkt *p)
{
	static uint8_t f[1600], data[1500];
	uint32_t seq;
	unsigned k = p->dir;

	if (p->flags & F_SYN)
		seq = c->isn[k];
	else if (p->len == 0 && !(p->flags & F_FIN) && p->off == 0)
		seq = c->isn[k] + 1;
	else
		seq = c->isn[k] + 1 + p->off;
	for (unsigned i = 0; i < p->len; i++) {
		uint8_t v = (uint8_t)((p->off + i) * 131u + k * 7u + c->cli);
		data[i] = p->alt ? (uint8_t)(v ^ 0xa5) : v;
	}
	size_t len = k == 0 ? tcp4(f, c->cli, c->srv, c->sport, 5001, seq,
				   p->ack, p->flags, data, p->len)
			    : tcp4(f, c->srv, c->cli, 5001, c->sport, seq,
				   p->ack, p->flags, data, p->len);
	frame(f, len);
}

static void gen_gaps(uint64_t n)
{
	static struct conn w[WAVE];

	for (uint64_t base = 0; base < n; base += WAVE) {
		if (base) /* 20 s of silence: the last wave's connections end */
			now_us += 20ull * 1000000ull;
		unsigned m = n - base < WAVE ? (unsigned)(n - base) : WAVE;
		for (unsigned i = 0; i < m; i++)
			conn_init(&w[i], (uint32_t)(base + i));
		for (unsigned left = m; left;) {
			left = 0;
			for (unsigned i = 0; i < m; i++) {
				struct conn *c = &w[i];
				if (c->next < c->n)
					emit_pkt(c, &c->p[c->next++]);
				left += c->next < c->n;
			}
		}
	}
	fprintf(stderr,
		"gen-flood: gaps connections=%" PRIu64 " packets=%" PRIu64
		" skipped=%" PRIu64 " late=%" PRIu64 " far=%" PRIu64 "\n",
		n, npackets, g_skipped, g_late, g_far);
}

/* ---- conns ------------------------------------------------------- */

static void gen_conns(uint64_t n, uint64_t pkts)
{
	uint32_t *isn = malloc(2 * n * sizeof(*isn));
	uint32_t *order = malloc(n * sizeof(*order));
	uint8_t f[64];
	const uint8_t data[6] = {'n', 'e', 't', 'c', 'a', 'p'};

	if (!isn || !order)
		die("conns");
	for (uint64_t i = 0; i < n; i++) {
		isn[2 * i] = rnd();
		isn[2 * i + 1] = rnd();
		order[i] = (uint32_t)i;
	}
	for (uint64_t r = 0; npackets < pkts; r++) {
		for (uint64_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
			uint64_t j = (((uint64_t)rnd() << 32) | rnd()) % (i + 1);
			uint32_t t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (uint64_t k = 0; k < n && npackets < pkts; k++) {
			uint32_t i = order[k];
			uint32_t cli = (10u << 24) + 1 + i;
			uint32_t srv = 0xc0a80001u | (i % 256) << 8;
			uint16_t sp = (uint16_t)(1024 + i % 64000);
			uint16_t dp = i % 2 ? 443 : 80;
			uint32_t ci = isn[2 * (uint64_t)i];
			uint32_t si = isn[2 * (uint64_t)i + 1];
			size_t len;
			if (r == 0) {
				len = tcp4(f, cli, srv, sp, dp, ci, 0, F_SYN,
					   NULL, 0);
			} else if (r == 1) {
				len = tcp4(f, srv, cli, dp, sp, si, ci + 1,
					   F_SYN | F_ACK, NULL, 0);
			} else if (r == 2) {
				len = tcp4(f, cli, srv, sp, dp, ci + 1, si + 1,
					   F_ACK, NULL, 0);
			} else {
				uint32_t d = (uint32_t)(r - 3) / 2; /* sent */
				uint32_t seq = ci + 1 + 6 * d;
				if ((r - 3) % 2 == 0)
					len = tcp4(f, cli, srv, sp, dp, seq,
						   si + 1, F_PSH | F_ACK, data,
						   sizeof(data));
				else
					len = tcp4(f, srv, cli, dp, sp, si + 1,
						   seq + 6, F_ACK, NULL, 0);
			}
			frame(f, len);
		}
	}
	free(isn);
	free(order);
	fprintf(stderr,
		"gen-flood: conns connections=%" PRIu64 " packets=%" PRIu64
		"\n",
		n, npackets);
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n, pkts = 0;

	if (argc == 5 && strcmp(argv[1], "conns") == 0) {
		errno = 0;
		pkts = strtoull(argv[4], &end, 10);
		if (errno || *end || end == argv[4]) {
			fprintf(stderr, "gen-flood: PKTS: not a number: %s\n",
				argv[4]);
			return 2;
		}
	} else if (argc != 4) {
		fprintf(stderr, "usage: gen-flood syn|frags|gaps N OUT.pcap\n"
				"       gen-flood conns N OUT.pcap [PKTS]\n");
		return 2;
	}
	errno = 0;
	n = strtoull(argv[2], &end, 10);
	if (errno || *end || end == argv[2]) {
		fprintf(stderr, "gen-flood: N: not a number: %s\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[3], "-") == 0) {
		out = stdout;
	} else {
		out = fopen(argv[3], "wb");
		if (!out)
			die(argv[3]);
	}
	static char buf[1 << 20];
	setvbuf(out, buf, _IOFBF, sizeof(buf));
	pcap_header();
	if (strcmp(argv[1], "syn") == 0) {
		gen_syn(n);
	} else if (strcmp(argv[1], "frags") == 0) {
		if (n > (1u << 24) - 2000) {
			fprintf(stderr, "gen-flood: frags: N too large\n");
			return 2;
		}
		gen_frags(n);
	} else if (strcmp(argv[1], "gaps") == 0) {
		if (n > (1u << 24) - 2) {
			fprintf(stderr, "gen-flood: gaps: N too large\n");
			return 2;
		}
		gen_gaps(n);
	} else if (strcmp(argv[1], "conns") == 0) {
		if (n == 0 || n > (1u << 24) - 2) {
			fprintf(stderr, "gen-flood: conns: N out of range\n");
			return 2;
		}
		gen_conns(n, pkts ? pkts : 3 * n);
	} else {
		fprintf(stderr, "gen-flood: unknown mode %s\n", argv[1]);
		return 2;
	}
	if (fflush(out) != 0)
		die("write");
	if (out != stdout && fclose(out) != 0)
		die("close");
	return 0;
}
