/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commid.c: SHA-1 (RFC 3174), base64 (RFC 4648) and Community ID v1.
 *
 * SHA-1 processes 64-octet blocks; the message is padded with 0x80, zeros
 * and the 64-bit big-endian bit length (RFC 3174 section 4). Each block is
 * expanded to 80 words W[t] = ROTL1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16])
 * and mixed in 80 rounds with the functions and constants of section 5.
 *
 * Community ID v1 hash input (all integers in network byte order):
 *
 *   +--------+----------------+----------------+-------+-----+-------+-------+
 *   | seed 2 | src addr 4/16  | dst addr 4/16  | proto | pad | sport | dport |
 *   +--------+----------------+----------------+-------+-----+-------+-------+
 *                                                 1       1     2       2
 *
 * sport/dport only for TCP, UDP, SCTP, ICMP and ICMPv6. The endpoints are
 * swapped unless the flow is one-way ICMP or (src addr, sport) is already
 * the smaller endpoint, so both directions hash alike.
 */
#include "commid.h"

#include <string.h>

static inline uint32_t rol32(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

void nc_sha1_init(struct nc_sha1 *s)
{
	/* RFC 3174 section 6.1: H0..H4 */
	s->h[0] = 0x67452301u;
	s->h[1] = 0xefcdab89u;
	s->h[2] = 0x98badcfeu;
	s->h[3] = 0x10325476u;
	s->h[4] = 0xc3d2e1f0u;
	s->len = 0;
	s->buf_len = 0;
}

static void sha1_block(uint32_t h[5], const uint8_t blk[64])
{
	uint32_t w[80];

	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)blk[4 * t] << 24 |
		       (uint32_t)blk[4 * t + 1] << 16 |
		       (uint32_t)blk[4 * t + 2] << 8 | blk[4 * t + 3];
	for (int t = 16; t < 80; t++)
		w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int t = 0; t < 80; t++) {
		uint32_t f, k;
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999u;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1u;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdcu;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6u;
		}
		uint32_t tmp = rol32(a, 5) + f + e + k + w[t];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void nc_sha1_update(struct nc_sha1 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->len += len;
	if (s->buf_len) {
		size_t take = 64 - s->buf_len;
		if (take > len)
			take = len;
		memcpy(s->buf + s->buf_len, p, take);
		s->buf_len += (unsigned)take;
		p += take;
		len -= take;
		if (s->buf_len < 64)
			return;
		sha1_block(s->h, s->buf);
		s->buf_len = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha1_block(s->h, p);
	memcpy(s->buf, p, len);
	s->buf_len = (unsigned)len;
}

void nc_sha1_final(struct nc_sha1 *s, uint8_t out[20])
{
	uint64_t bits = s->len * 8;
	uint8_t pad[72];
	/* 0x80, zeros up to 56 mod 64, then the bit length */
	size_t n = (s->buf_len < 56 ? 56 : 120) - s->buf_len;

	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (int i = 0; i < 8; i++)
		pad[n + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
	nc_sha1_update(s, pad, n + 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void nc_sha1(const void *data, size_t len, uint8_t out[20])
{
	struct nc_sha1 s;

	nc_sha1_init(&s);
	nc_sha1_update(&s, data, len);
	nc_sha1_final(&s, out);
}

size_t nc_base64(const uint8_t *in, size_t n, char *out)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		out[o++] = alpha[(v >> 18) & 63];
		out[o++] = alpha[(v >> 12) & 63];
		out[o++] = left > 1 ? alpha[(v >> 6) & 63] : '=';
		out[o++] = left > 2 ? alpha[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

bool nc_commid_icmp_counterpart(uint8_t proto, uint8_t type, uint8_t *peer)
{
	/* request/reply pairs of the Community ID spec, both ways */
	static const uint8_t v4[][2] = {
	    {8, 0},   /* echo request / reply (RFC 792) */
	    {13, 14}, /* timestamp / reply */
	    {15, 16}, /* information request / reply */
	    {10, 9},  /* router solicitation / advertisement (RFC 1256) */
	    {17, 18}, /* address mask request / reply (RFC 950) */
	};
	static const uint8_t v6[][2] = {
	    {128, 129}, /* echo request / reply (RFC 4443) */
	    {133, 134}, /* router solicitation / advertisement (RFC 4861) */
	    {135, 136}, /* neighbor solicitation / advertisement */
	    {130, 131}, /* MLD query / report (RFC 2710) */
	    {139, 140}, /* node information query / response (RFC 4620) */
	    {144, 145}, /* home agent address discovery (RFC 6275) */
	};
	const uint8_t(*tab)[2] = proto == 1 ? v4 : v6;
	size_t n = proto == 1 ? sizeof(v4) / sizeof(v4[0])
			      : sizeof(v6) / sizeof(v6[0]);

	if (proto != 1 && proto != 58)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (tab[i][0] == type) {
			*peer = tab[i][1];
			return true;
		}
		if (tab[i][1] == type) {
			*peer = tab[i][0];
			return true;
		}
	}
	return false;
}

void nc_commid_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
			  uint16_t *sport, uint16_t *dport, bool *one_way)
{
	uint8_t peer;

	*sport = type;
	if (nc_commid_icmp_counterpart(proto, type, &peer)) {
		*dport = peer;
		*one_way = false;
	} else {
		*dport = code;
		*one_way = true;
	}
}

void nc_community_id(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr,
		     unsigned alen, uint8_t proto, uint16_t sport,
		     uint16_t dport, char out[NC_COMMID_LEN])
{
	bool ports = proto == 6 || proto == 17 || proto == 132 || proto == 1 ||
		     proto == 58;
	bool one_way = false;
	uint8_t buf[2 + 16 + 16 + 2 + 4];
	size_t n = 0;

	if (proto == 1 || proto == 58)
		nc_commid_icmp_ports(proto, (uint8_t)sport, (uint8_t)dport,
				     &sport, &dport, &one_way);
	if (!ports)
		sport = dport = 0;

	int cmp = memcmp(saddr, daddr, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && sport > dport))) {
		const uint8_t *ta = saddr;
		saddr = daddr;
		daddr = ta;
		uint16_t tp = sport;
		sport = dport;
		dport = tp;
	}

	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, saddr, alen);
	n += alen;
	memcpy(buf + n, daddr, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0; /* padding */
	if (ports) {
		buf[n++] = (uint8_t)(sport >> 8);
		buf[n++] = (uint8_t)sport;
		buf[n++] = (uint8_t)(dport >> 8);
		buf[n++] = (uint8_t)dport;
	}

	uint8_t dig[20];
	nc_sha1(buf, n, dig);
	out[0] = '1';
	out[1] = ':';
	nc_base64(dig, sizeof(dig), out + 2);
}
