/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash.c: symmetric flow hash over the innermost IP address pair the
 * decoders reach, and the RX lcore's fragment steering table.
 *
 * A peek, not a decoder: no events, no records. It walks the link header,
 * VLAN tags, a PPPoE session header (RFC 2516), IPv4 (RFC 791) and IPv6
 * (RFC 8200, extension headers) and every tunnel netcap decodes (MPLS,
 * GRE with TEB, PPTP's PPP and ERSPAN I-III, IP in IP, VXLAN, Geneve,
 * GTP-U, Teredo) under the conditions its decoder enters it, and hashes
 * the address pair of the innermost IP header reached. Each address is
 * hashed on its own and the two hashes are added, so the result does not
 * depend on direction.
 */
#include "flowhash.h"

#include <string.h>

#include "cursor.h"
#include "decode.h"

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* Hash n bytes (n <= 16) of an address. */
static uint32_t addr_hash(const uint8_t *a, unsigned n)
{
	uint32_t h = 0x9e3779b9u ^ n;
	unsigned i = 0;

	for (; i + 4 <= n; i += 4)
		h = nc_fmix32(h ^
			      ((uint32_t)a[i] << 24 | (uint32_t)a[i + 1] << 16 |
			       (uint32_t)a[i + 2] << 8 | a[i + 3]));
	for (; i < n; i++)
		h = nc_fmix32(h ^ a[i]);
	return h;
}

static uint32_t pair_hash(const uint8_t *a, const uint8_t *b, unsigned n)
{
	return nc_fmix32(addr_hash(a, n) + addr_hash(b, n));
}

/*
 * The walk: one frame's way down, as the decoders take it. Every tunnel
 * is entered under the conditions its decoder (decoders/tunnel/,
 * decoders/net/ipip.c) enters it with nc_tunnel_enter: its header parsed
 * and valid, its type in the --tunnels mask, fewer than
 * NC_MAX_TUNNEL_DEPTH tunnels entered. Each IP header's pair is the
 * answer unless a tunnel below it yields an inner one (0: none), so the
 * hash is the pair of the innermost IP header the decoders reach, which
 * is the pair of the connection they track.
 */
struct walk {
	const uint8_t *end; /* end of the captured frame */
	uint32_t mask;	    /* 1 << enum nc_tun: tunnels decoded */
	/* 0 at the start (walk_hash; adjacent, so one store) */
	uint8_t depth; /* tunnels entered (d->tun.depth) */
	uint8_t ipip;  /* IP-in-IP entered (d->ip_depth) */
	uint8_t mpls;  /* MPLS entries read (d->mpls_depth) */
	bool partial;  /* in a first fragment (d->ip_partial) */
	bool snap;     /* an IP length ran past the capture */
	bool seen_ip;  /* the outermost IP header was read */
	bool is_frag;  /* ... and is a fragment: frag is set */
	struct nc_frag_id frag;
};

static uint32_t ipv4_hash(struct walk *w, struct cur c);
static uint32_t ipv6_hash(struct walk *w, struct cur c);
static uint32_t eth_hash(struct walk *w, struct cur c);
static uint32_t ethertype_hash(struct walk *w, uint16_t type, struct cur c);

/* nc_tunnel_enter's test: type decoded, depth not reached. */
static inline bool enter(struct walk *w, enum nc_tun type)
{
	if (!(w->mask & (1u << type)) || w->depth >= NC_MAX_TUNNEL_DEPTH)
		return false;
	w->depth++;
	return true;
}

/* nc_data_cut: lengths past c's end are a cut, not a lie. Without the
   wire length, data ending with the capture is taken as cut when an IP
   length said there was more. */
static inline bool data_cut(const struct walk *w, const struct cur *c)
{
	return w->partial || (w->snap && c->end == w->end);
}

/* IP by its version nibble (MPLS payloads, ERSPAN FT 2, GTP-U, raw). */
static uint32_t ip_hash(struct walk *w, struct cur c)
{
	uint8_t v = cur_peek_u8(&c, 0) >> 4;

	if (v == 4)
		return ipv4_hash(w, c);
	if (v == 6)
		return ipv6_hash(w, c);
	return 0;
}

/*
 * -- MPLS (decoders/tunnel/mpls.c) --
 * At most NC_MAX_MPLS_DEPTH entries a frame; the payload after the bottom
 * of stack by its first nibble: 4 IPv4, 6 IPv6, 0 a control word and an
 * Ethernet pseudowire, 1 not decoded, other an Ethernet pseudowire when 14
 * octets are there and the EtherType at octet 12 is one netcap decodes.
 */
static uint32_t mpls_hash(struct walk *w, struct cur c)
{
	for (;;) {
		if (w->mpls >= NC_MAX_MPLS_DEPTH)
			return 0;
		uint32_t e = cur_be32(&c);
		if (c.err)
			return 0;
		w->mpls++;
		if (e & 0x100) /* bottom of stack */
			break;
	}
	if (cur_left(&c) == 0)
		return 0;
	switch (cur_peek_u8(&c, 0) >> 4) {
	case 4:
		return enter(w, NC_TUN_MPLS) ? ipv4_hash(w, c) : 0;
	case 6:
		return enter(w, NC_TUN_MPLS) ? ipv6_hash(w, c) : 0;
	case 0:
		cur_skip(&c, 4); /* control word */
		if (c.err || !enter(w, NC_TUN_MPLS))
			return 0;
		return eth_hash(w, c);
	case 1: /* associated channel */
		return 0;
	default:
		if (cur_left(&c) < 14 ||
		    !nc_ethertype_known((uint16_t)(cur_peek_u8(&c, 12) << 8 |
						   cur_peek_u8(&c, 13))) ||
		    !enter(w, NC_TUN_MPLS))
			return 0;
		return eth_hash(w, c);
	}
}

/* Payload of EtherType type at c (VLAN tags first). */
static uint32_t ethertype_hash(struct walk *w, uint16_t type, struct cur c)
{
	unsigned depth = 0;

	if (likely(type == 0x0800))
		return ipv4_hash(w, c);

	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
	       depth++ < NC_MAX_VLAN_DEPTH) {
		cur_skip(&c, 2); /* TCI */
		type = cur_be16(&c);
	}
	if (c.err)
		return 0;

	switch (type) {
	case 0x0800:
		return ipv4_hash(w, c);
	case 0x86dd:
		return ipv6_hash(w, c);
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
		return mpls_hash(w, c);
	case 0x8864: { /* PPPoE session */
		cur_skip(&c, 6);
		uint16_t proto = cur_be16(&c);
		if (c.err)
			return 0;
		return (proto == 0x0021 || proto == 0x0057) ? ip_hash(w, c) : 0;
	}
	default:
		return 0;
	}
}

/* An inner Ethernet frame (VXLAN, Geneve and GRE TEB, ERSPAN, MPLS
   pseudowires): its IP pair, 0 when it carries none (ARP, ...). */
static uint32_t eth_hash(struct walk *w, struct cur c)
{
	cur_skip(&c, 12); /* MAC addresses */
	uint16_t type = cur_be16(&c);
	return c.err ? 0 : ethertype_hash(w, type, c);
}

/*
 * -- ERSPAN (decoders/tunnel/erspan.c) --
 * Type I (0x88be without a GRE Sequence Number): no header; II (0x88be
 * with one): 8 octets, Ver 1; III (0x22eb): 12 octets (+ 8 with the O
 * bit), Ver 2, FT 0 Ethernet or 2 IP, no other frame type.
 */
static uint32_t erspan_hash(struct walk *w, struct cur c, uint16_t pt, bool seq)
{
	bool ip = false;

	if (pt == 0x88be && seq) {
		uint16_t w0 = cur_be16(&c);
		cur_skip(&c, 6); /* VLAN.., Session ID, Reserved, Index */
		if (c.err || w0 >> 12 != 1)
			return 0;
	} else if (pt == 0x22eb) {
		uint16_t w0 = cur_be16(&c);
		cur_skip(&c, 2 + 4 + 2); /* Session ID, Timestamp, SGT */
		uint16_t w3 = cur_be16(&c);
		if (!c.err && (w3 & 1))
			cur_skip(&c, 8); /* platform specific subheader */
		if (c.err || w0 >> 12 != 2)
			return 0;
		unsigned ft = (w3 >> 10) & 0x1f;
		if (ft == 2)
			ip = true;
		else if (ft != 0)
			return 0;
	}
	if (!enter(w, NC_TUN_ERSPAN))
		return 0;
	if (ip)
		return cur_peek_u8(&c, 0) >> 4 == 6 ? ipv6_hash(w, c)
						    : ipv4_hash(w, c);
	return eth_hash(w, c);
}

/*
 * -- GRE (decoders/tunnel/gre.c) --
 * Version 0 or 1; optional fields by the C/R, K, S and (version 1) A
 * bits; version 0's SRE list up to its null SRE (the list ends after
 * NC_MAX_OPTIONS + 1 SREs, as gre.c's). A non-empty payload of type
 * 0x6558 (Ethernet), 0x880b (PPP), 0x88be/0x22eb (ERSPAN) or any EtherType
 * netcap decodes.
 */
static uint32_t gre_hash(struct walk *w, struct cur c)
{
	uint8_t b0 = cur_u8(&c);
	uint8_t b1 = cur_u8(&c);
	uint16_t pt = cur_be16(&c);
	unsigned ver = b1 & 7;

	if (c.err || ver > 1)
		return 0;
	if (b0 & 0xc0) /* C or R: Checksum, Offset */
		cur_skip(&c, 4);
	if (b0 & 0x20) /* K */
		cur_skip(&c, 4);
	if (b0 & 0x10) /* S */
		cur_skip(&c, 4);
	if ((b1 & 0x80) && ver == 1) /* A */
		cur_skip(&c, 4);
	if ((b0 & 0x40) && ver == 0) {
		for (unsigned n = 0; !c.err; n++) {
			uint16_t af = cur_be16(&c);
			cur_skip(&c, 1); /* SRE Offset */
			uint8_t len = cur_u8(&c);
			cur_skip(&c, len);
			if (c.err || (af == 0 && len == 0) ||
			    n == NC_MAX_OPTIONS)
				break;
		}
	}
	if (c.err || cur_left(&c) == 0)
		return 0;
	if (pt == 0x88be || pt == 0x22eb)
		return erspan_hash(w, c, pt, (b0 & 0x10) != 0);
	if (!(pt == 0x6558 || pt == 0x880b || nc_ethertype_known(pt)) ||
	    !enter(w, NC_TUN_GRE))
		return 0;
	if (pt == 0x6558)
		return eth_hash(w, c);
	if (pt == 0x880b) { /* PPTP: PPP, Address/Control optional */
		if (cur_peek_u8(&c, 0) == 0xff && cur_peek_u8(&c, 1) == 0x03)
			cur_skip(&c, 2);
		uint16_t proto = cur_u8(&c);
		if (!(proto & 1)) /* not compressed */
			proto = (uint16_t)(proto << 8 | cur_u8(&c));
		if (c.err)
			return 0;
		if (proto == 0x0021)
			return ipv4_hash(w, c);
		if (proto == 0x0057)
			return ipv6_hash(w, c);
		return 0;
	}
	return ethertype_hash(w, pt, c);
}

/* -- Geneve (decoders/tunnel/geneve.c): version 0, options well formed -- */
static uint32_t geneve_hash(struct walk *w, struct cur c)
{
	uint8_t b0 = cur_u8(&c);
	cur_skip(&c, 1);
	uint16_t proto = cur_be16(&c);
	cur_skip(&c, 4); /* VNI, reserved */
	if (c.err || b0 >> 6 != 0)
		return 0;
	struct cur oc = cur_sub(&c, (size_t)(b0 & 0x3f) * 4);
	if (c.err)
		return 0;
	while (cur_left(&oc) > 0) {
		cur_skip(&oc, 3); /* Class, Type */
		uint8_t fl = cur_u8(&oc);
		cur_skip(&oc, (size_t)(fl & 0x1f) * 4);
		if (oc.err)
			return 0; /* geneve.bad_option: not entered */
	}
	if (!enter(w, NC_TUN_GENEVE))
		return 0;
	if (proto == 0x6558)
		return eth_hash(w, c);
	return ethertype_hash(w, proto, c);
}

/* -- GTP-U (decoders/tunnel/gtpu.c): a G-PDU's IP payload -- */
#define GTPU_MAX_EXT 16
static uint32_t gtpu_hash(struct walk *w, struct cur c)
{
	uint8_t flags = cur_u8(&c);
	uint8_t type = cur_u8(&c);
	uint16_t len = cur_be16(&c);
	cur_skip(&c, 4); /* TEID */

	if (c.err || flags >> 5 != 1 || !(flags & 0x10))
		return 0;
	if (len > cur_left(&c)) {
		if (!data_cut(w, &c))
			return 0;
	} else {
		cur_limit(&c, len);
	}
	if (flags & 0x07) {
		cur_skip(&c, 3); /* Sequence Number, N-PDU Number */
		uint8_t next = cur_u8(&c);
		unsigned n = 0;
		while (!c.err && next) {
			size_t elen = (size_t)cur_u8(&c) * 4;
			if (c.err)
				break;
			if (elen == 0 || ++n > GTPU_MAX_EXT)
				return 0;
			cur_skip(&c, elen - 2);
			next = cur_u8(&c);
		}
		if (c.err)
			return 0;
	}
	if (type != 255) /* signalling: the outer UDP is the connection */
		return 0;
	uint8_t v = cur_peek_u8(&c, 0) >> 4;
	if ((v != 4 && v != 6) || !enter(w, NC_TUN_GTPU))
		return 0;
	return v == 6 ? ipv6_hash(w, c) : ipv4_hash(w, c);
}

/* -- Teredo (decoders/tunnel/teredo.c): indicators, then IPv6 -- */
static uint32_t teredo_hash(struct walk *w, struct cur c)
{
	if (cur_peek_u8(&c, 0) == 0 && cur_peek_u8(&c, 1) == 1 &&
	    cur_left(&c) >= 2) { /* Authentication */
		cur_skip(&c, 2);
		uint8_t idlen = cur_u8(&c);
		uint8_t aulen = cur_u8(&c);
		cur_skip(&c, (size_t)idlen + aulen + 8 + 1);
	}
	if (!c.err && cur_left(&c) >= 2 && cur_peek_u8(&c, 0) == 0 &&
	    cur_peek_u8(&c, 1) == 0) /* Origin indication */
		cur_skip(&c, 8);
	if (c.err || cur_left(&c) < 40 || cur_peek_u8(&c, 0) >> 4 != 6 ||
	    !enter(w, NC_TUN_TEREDO))
		return 0;
	return ipv6_hash(w, c);
}

/* -- UDP (decoders/transport/udp.c): a valid Length, then the tunnel
   ports of udpports.def (destination first, then GTP-U and Teredo's
   source) -- */
static uint32_t udp_hash(struct walk *w, struct cur c)
{
	size_t avail = cur_left(&c);
	uint16_t sport = cur_be16(&c);
	uint16_t dport = cur_be16(&c);
	uint16_t len = cur_be16(&c);
	cur_skip(&c, 2); /* checksum */

	if (c.err || len < 8 || (len > avail && !data_cut(w, &c)))
		return 0;
	if (len <= avail)
		cur_limit(&c, (size_t)len - 8);
	switch (dport) {
	case 4789:
		if (cur_left(&c) < 8 || !enter(w, NC_TUN_VXLAN))
			return 0;
		cur_skip(&c, 8);
		return eth_hash(w, c);
	case 6081:
		return geneve_hash(w, c);
	case 2152:
		return gtpu_hash(w, c);
	case 3544:
		return teredo_hash(w, c);
	}
	switch (sport) {
	case 2152:
		return gtpu_hash(w, c);
	case 3544:
		return teredo_hash(w, c);
	}
	return 0;
}

/*
 * Could the payload of IP protocol proto at [l4, end) lead into a tunnel
 * of w->mask? A cheap filter in front of ipproto_hash, so that untunnelled
 * traffic costs about what the outer hash cost: IP in IP, GRE, and UDP
 * with a tunnel port of udpports.def (the ports read when captured).
 */
static inline bool maybe_tunnel(const struct walk *w, uint8_t proto,
				const uint8_t *l4, const uint8_t *end)
{
	if (proto == 17) {
		if (!(w->mask & (1u << NC_TUN_VXLAN | 1u << NC_TUN_GENEVE |
				 1u << NC_TUN_GTPU | 1u << NC_TUN_TEREDO)) ||
		    end - l4 < 4)
			return false;
		unsigned sp = (unsigned)l4[0] << 8 | l4[1];
		unsigned dp = (unsigned)l4[2] << 8 | l4[3];
		return dp == 4789 || dp == 6081 || dp == 2152 || dp == 3544 ||
		       sp == 2152 || sp == 3544;
	}
	if (proto == 47)
		return w->mask & (1u << NC_TUN_GRE | 1u << NC_TUN_ERSPAN);
	return (proto == 4 || proto == 41) && (w->mask & 1u << NC_TUN_IPIP);
}

/* The payload of IP protocol proto (an unfragmented datagram or a first
   fragment): an inner pair, or 0. */
static uint32_t ipproto_hash(struct walk *w, uint8_t proto, struct cur c)
{
	switch (proto) {
	case 17:
		return udp_hash(w, c);
	case 47:
		return gre_hash(w, c);
	case 4: /* IPv4 in IP: ipip.c checks NC_MAX_IP_DEPTH first */
		if (++w->ipip >= NC_MAX_IP_DEPTH || !enter(w, NC_TUN_IPIP) ||
		    cur_peek_u8(&c, 0) >> 4 != 4)
			return 0;
		return ipv4_hash(w, c);
	case 41: /* IPv6 in IP */
		if (++w->ipip >= NC_MAX_IP_DEPTH || !enter(w, NC_TUN_IPIP) ||
		    cur_peek_u8(&c, 0) >> 4 != 6)
			return 0;
		return ipv6_hash(w, c);
	default:
		return 0;
	}
}

/*
 * IPv4 (RFC 791, addresses at offsets 12 and 16). A fragment with an
 * offset hashes by its pair (no transport header); offset 0 goes on with
 * what the fragment holds, as the decoders do (reassembled or not).
 */
static uint32_t ipv4_deeper(struct walk *w, struct cur c);

static uint32_t ipv4_hash(struct walk *w, struct cur c)
{
	const uint8_t *h = c.p;

	if (cur_left(&c) < 20 || h[0] >> 4 != 4)
		return 0;
	/* the common case: no fragment, nothing below to enter */
	if (likely(!((h[6] & 0x3f) | h[7]) &&
		   !maybe_tunnel(w, h[9], h + (h[0] & 15) * 4u, c.end))) {
		w->seen_ip = true;
		return pair_hash(h + 12, h + 16, 4);
	}
	return ipv4_deeper(w, c);
}

/* ipv4_hash's other cases: a fragment, or a payload to look into */
static uint32_t ipv4_deeper(struct walk *w, struct cur c)
{
	const uint8_t *h = c.p;
	unsigned hlen = (h[0] & 15) * 4u;
	unsigned tlen = (unsigned)h[2] << 8 | h[3];
	unsigned off = ((unsigned)h[6] << 8 | h[7]) & 0x1fff;
	bool mf = h[6] & 0x20;

	if ((mf || off) && !w->seen_ip) {
		w->is_frag = true;
		w->frag.first = off == 0;
		w->frag.alen = 4;
		w->frag.proto = h[9];
		w->frag.src = h + 12;
		w->frag.dst = h + 16;
		w->frag.id = (uint32_t)h[4] << 8 | h[5];
	}
	w->seen_ip = true;
	if (off || hlen < 20 || tlen < hlen ||
	    !maybe_tunnel(w, h[9], h + hlen, c.end))
		return pair_hash(h + 12, h + 16, 4);
	cur_skip(&c, hlen);
	if (c.err)
		return pair_hash(h + 12, h + 16, 4);
	if (!cur_limit(&c, tlen - hlen))
		w->snap = true; /* cut: what was captured */
	if (mf)
		w->partial = true;
	uint32_t in = ipproto_hash(w, h[9], c);
	return in ? in : pair_hash(h + 12, h + 16, 4);
}

/*
 * IPv6 (RFC 8200, addresses at offsets 8 and 24), its extension headers
 * walked as ipv6.c walks them (at most NC_MAX_IPV6_EXT). The destination
 * is the one connection tracking uses: a Routing header's final
 * destination (nc_ipv6_routing_final), else the header's own.
 */
static uint32_t ipv6_hash(struct walk *w, struct cur c)
{
	const uint8_t *h = cur_bytes(&c, 40);

	if (!h || h[0] >> 4 != 6)
		return 0;
	const uint8_t *dst = h + 24;
	unsigned plen = (unsigned)h[4] << 8 | h[5];
	uint8_t nh = h[6];
	bool first_ip = !w->seen_ip, upper = false;

	w->seen_ip = true;
	/* payload length 0 + Hop-by-Hop: a jumbogram, the rest */
	if ((plen || nh != 0) && !cur_limit(&c, plen))
		w->snap = true;
	for (unsigned i = 0; i <= NC_MAX_IPV6_EXT; i++) {
		size_t len;
		switch (nh) {
		case 0:
		case 43:
		case 60:
		case 135:
		case 139:
		case 140:
			len = 8 * ((size_t)cur_peek_u8(&c, 1) + 1);
			break;
		case 44:
			len = 8;
			break;
		case 51:
			len = 4 * ((size_t)cur_peek_u8(&c, 1) + 2);
			break;
		case 59:
			len = 0;
			break;
		default:
			upper = true;
			len = 0;
			break;
		}
		if (upper || nh == 59 || i == NC_MAX_IPV6_EXT ||
		    cur_left(&c) < 2 || cur_left(&c) < len)
			break;
		struct cur e = cur_sub(&c, len);
		uint8_t next = e.p[0];
		if (nh == 43) {
			const uint8_t *f = nc_ipv6_routing_final(e);
			if (f)
				dst = f;
		} else if (nh == 44) {
			unsigned fo = (unsigned)e.p[2] << 8 | e.p[3];
			if ((fo & 0xfff9) && first_ip) {
				w->is_frag = true;
				w->frag.first = (fo >> 3) == 0;
				w->frag.alen = 16;
				w->frag.proto = 0; /* not part of the key */
				w->frag.src = h + 8;
				w->frag.dst = h + 24;
				w->frag.id = (uint32_t)e.p[4] << 24 |
					     (uint32_t)e.p[5] << 16 |
					     (uint32_t)e.p[6] << 8 | e.p[7];
			}
			if (fo >> 3)
				break; /* a later fragment: no upper header */
			if (fo & 1)
				w->partial = true;
		}
		nh = next;
	}
	uint32_t in = upper && maybe_tunnel(w, nh, c.p, c.end)
			  ? ipproto_hash(w, nh, c)
			  : 0;
	return in ? in : pair_hash(h + 8, dst, 16);
}

static inline __attribute__((always_inline)) uint32_t
link_hash(struct walk *w, int link, struct cur c)
{
	switch (link) {
	case NC_LINK_ETHERNET: {
		const uint8_t *e = c.p;
		if (cur_left(&c) < 14)
			return 0;
		cur_skip(&c, 14);
		uint32_t h =
		    ethertype_hash(w, (uint16_t)(e[12] << 8 | e[13]), c);
		return h ? h : pair_hash(e + 6, e, 6);
	}
	case NC_LINK_LINUX_SLL:
		cur_skip(&c, 14);
		return ethertype_hash(w, cur_be16(&c), c);
	case NC_LINK_LINUX_SLL2: {
		uint16_t type = cur_be16(&c);
		cur_skip(&c, 18);
		return ethertype_hash(w, type, c);
	}
	case NC_LINK_NULL:
	case NC_LINK_LOOP:
		cur_skip(&c, 4);
		return c.err ? 0 : ip_hash(w, c);
	case NC_LINK_RAW:
	case 12:
	case 14:
	case NC_LINK_IPV4:
	case NC_LINK_IPV6:
		return ip_hash(w, c);
	default:
		return 0;
	}
}

static inline uint32_t walk_hash(struct walk *w, int link, const uint8_t *p,
				 uint32_t len, uint32_t tunnels)
{
	w->end = p + len;
	w->mask = tunnels;
	w->depth = w->ipip = w->mpls = 0;
	w->partial = w->snap = w->seen_ip = w->is_frag = false;
	return link_hash(w, link, cur_make(p, len));
}

uint32_t nc_flow_hash(int link, const uint8_t *p, uint32_t len,
		      uint32_t tunnels)
{
	struct walk w;
	return walk_hash(&w, link, p, len, tunnels);
}

/* -- fragment steering -- */

void nc_frag_steer_init(struct nc_frag_steer *s, int64_t timeout_ns)
{
	memset(s, 0, sizeof(*s));
	s->timeout_ns = timeout_ns;
}

/* An ordered 64-bit digest of a datagram's key; never 0 (free slot). */
static uint64_t frag_key(const struct nc_frag_id *f)
{
	uint64_t k = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)f->alen << 40) ^
		     ((uint64_t)f->proto << 32) ^ f->id;
	const uint8_t *a[2] = {f->src, f->dst};

	for (unsigned j = 0; j < 2; j++) {
		for (unsigned i = 0; i < f->alen; i += 4) {
			uint32_t v = (uint32_t)a[j][i] << 24 |
				     (uint32_t)a[j][i + 1] << 16 |
				     (uint32_t)a[j][i + 2] << 8 | a[j][i + 3];
			k = (k ^ v) * 0xff51afd7ed558ccdULL;
			k ^= k >> 29;
		}
	}
	k ^= k >> 32;
	return k ? k : 1;
}

uint32_t nc_flow_hash_steer(struct nc_frag_steer *s, int link, const uint8_t *p,
			    uint32_t len, uint32_t tunnels, int64_t now_ns)
{
	struct walk w;
	uint32_t h = walk_hash(&w, link, p, len, tunnels);

	if (likely(!w.is_frag))
		return h;

	uint64_t key = frag_key(&w.frag);
	struct nc_frag_steer_slot *set =
	    s->slot[key & (NC_FRAG_STEER_SETS - 1)];
	struct nc_frag_steer_slot *victim = NULL;
	bool victim_live = true;

	for (unsigned i = 0; i < NC_FRAG_STEER_WAYS; i++) {
		struct nc_frag_steer_slot *e = &set[i];
		bool live = e->key != 0 && now_ns - e->ts < s->timeout_ns;
		if (live && e->key == key) {
			s->hits++;
			return e->hash;
		}
		/* the first free or expired way, else the oldest */
		if (!live && victim_live) {
			victim = e;
			victim_live = false;
		} else if (live && victim_live &&
			   (!victim || e->ts < victim->ts)) {
			victim = e;
		}
	}
	if (victim_live)
		s->evictions++;
	s->misses++;
	victim->key = key;
	victim->ts = now_ns;
	victim->hash = h;
	return h;
}

/* The transport ports after an IP header of hlen octets at c. */
static bool key_ports(struct cur c, size_t hlen, struct nc_flow_key *k)
{
	cur_skip(&c, hlen);
	k->sport = cur_be16(&c);
	k->dport = cur_be16(&c);
	return !c.err;
}

static bool ip_key(struct cur c, struct nc_flow_key *k)
{
	const uint8_t *h = c.p;

	if (cur_left(&c) < 40)
		return false; /* shorter than any IPv6 or IPv4 + ports */
	if (h[0] >> 4 == 4) {
		size_t hlen = (size_t)(h[0] & 15) * 4;
		/* fragments (MF or an offset) key on reassembly */
		if (hlen < 20 || (h[6] & 0x3f) || h[7] ||
		    (h[9] != 6 && h[9] != 17))
			return false;
		k->alen = 4;
		k->proto = h[9];
		k->src = h + 12;
		k->dst = h + 16;
		return key_ports(c, hlen, k);
	}
	if (h[0] >> 4 == 6 && (h[6] == 6 || h[6] == 17)) {
		k->alen = 16;
		k->proto = h[6];
		k->src = h + 8;
		k->dst = h + 24;
		return key_ports(c, 40, k);
	}
	return false;
}

bool nc_flow_key(int link, const uint8_t *p, uint32_t len,
		 struct nc_flow_key *k)
{
	struct cur c = cur_make(p, len);

	switch (link) {
	case NC_LINK_ETHERNET: {
		cur_skip(&c, 12);
		uint16_t type = cur_be16(&c);
		for (unsigned d = 0;
		     (type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
		     d < NC_MAX_VLAN_DEPTH;
		     d++) {
			cur_skip(&c, 2); /* TCI */
			type = cur_be16(&c);
		}
		if (c.err || (type != 0x0800 && type != 0x86dd))
			return false;
		return ip_key(c, k);
	}
	case NC_LINK_RAW:
	case 12:
	case 14:
	case NC_LINK_IPV4:
	case NC_LINK_IPV6:
		return ip_key(c, k);
	default:
		return false;
	}
}
