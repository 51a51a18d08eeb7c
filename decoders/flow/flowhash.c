/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash.c: symmetric flow hash over the outermost IP address pair.
 *
 * A small peek, not a decoder: no events, no records. It walks the link
 * header, VLAN tags, MPLS labels (RFC 3032: the IP version nibble follows
 * the bottom-of-stack label) and a PPPoE session header (RFC 2516, PPP
 * protocol 0x0021 IPv4 / 0x0057 IPv6), then hashes the IPv4 (RFC 791,
 * addresses at offsets 12 and 16) or IPv6 (RFC 8200, offsets 8 and 24)
 * addresses. Each address is hashed on its own and the two hashes are
 * added, so the result does not depend on direction.
 */
#include "flowhash.h"

#include "cursor.h"
#include "decode.h"

#define MAX_MPLS_LABELS 8

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
 * The destination connection tracking uses for the IPv6 header h whose
 * extension headers start at c: the final destination of a Routing header
 * (nc_ipv6_routing_final) found among the first NC_MAX_IPV6_EXT
 * Hop-by-Hop / Destination Options / Routing headers, else h's own.
 */
static const uint8_t *ipv6_final_dst(const uint8_t *h, struct cur c)
{
	uint8_t nh = h[6];

	for (unsigned i = 0; i < NC_MAX_IPV6_EXT; i++) {
		if (nh != 0 && nh != 60 && nh != 43)
			break;
		size_t len = 8 * ((size_t)cur_peek_u8(&c, 1) + 1);
		uint8_t next = cur_peek_u8(&c, 0);
		struct cur e = cur_sub(&c, len);
		if (c.err)
			break;
		if (nh == 43) {
			const uint8_t *f = nc_ipv6_routing_final(e);
			if (f)
				return f;
		}
		nh = next;
	}
	return h + 24;
}

/* IP header at c (version from the first nibble). */
static uint32_t ip_hash(struct cur c)
{
	uint8_t v = cur_peek_u8(&c, 0) >> 4;
	const uint8_t *h;

	if (v == 4) {
		h = cur_bytes(&c, 20);
		return h ? pair_hash(h + 12, h + 16, 4) : 0;
	}
	if (v == 6) {
		h = cur_bytes(&c, 40);
		if (!h)
			return 0;
		return pair_hash(h + 8, ipv6_final_dst(h, c), 16);
	}
	return 0;
}

/*
 * -- MPLS (decoders/tunnel/mpls.c) --
 * The payload after the bottom of an MPLS stack, read as mpls.c reads it:
 * IPv4 or IPv6 by its first nibble; nibble 1 (associated channel) is not
 * decoded; otherwise an Ethernet pseudowire (after a 4-octet control word
 * when the nibble is 0), whose inner IP pair is hashed past its VLAN tags.
 * MPLS again inside it hashes to 0 (every such frame on one worker).
 */
static uint32_t mpls_payload_hash(struct cur c)
{
	uint8_t v = cur_peek_u8(&c, 0) >> 4;

	if (v == 4 || v == 6)
		return ip_hash(c);
	if (v == 1)
		return 0;
	if (v == 0)
		cur_skip(&c, 4); /* control word */
	cur_skip(&c, 12);	 /* MAC addresses */
	uint16_t type = cur_be16(&c);
	for (unsigned i = 0;
	     i < NC_MAX_VLAN_DEPTH &&
	     (type == 0x8100 || type == 0x88a8 || type == 0x9100);
	     i++) {
		cur_skip(&c, 2); /* TCI */
		type = cur_be16(&c);
	}
	if (c.err || (type != 0x0800 && type != 0x86dd))
		return 0;
	return ip_hash(c);
}

/* Payload of ethertype type at c. */
static uint32_t ethertype_hash(uint16_t type, struct cur c)
{
	unsigned depth = 0;

	while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) &&
	       depth++ < NC_MAX_VLAN_DEPTH) {
		cur_skip(&c, 2); /* TCI */
		type = cur_be16(&c);
	}
	if (c.err)
		return 0;

	switch (type) {
	case 0x0800:
	case 0x86dd:
		return ip_hash(c);
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
		for (unsigned i = 0; i < MAX_MPLS_LABELS; i++) {
			uint32_t label = cur_be32(&c);
			if (c.err)
				return 0;
			if (label & 0x100) /* bottom of stack */
				return mpls_payload_hash(c);
		}
		return 0;
	case 0x8864: { /* PPPoE session */
		cur_skip(&c, 6);
		uint16_t proto = cur_be16(&c);
		if (c.err)
			return 0;
		return (proto == 0x0021 || proto == 0x0057) ? ip_hash(c) : 0;
	}
	default:
		return 0;
	}
}

uint32_t nc_flow_hash(int link, const uint8_t *p, uint32_t len)
{
	struct cur c = cur_make(p, len);
	uint32_t h;

	switch (link) {
	case NC_LINK_ETHERNET: {
		const uint8_t *dst = cur_bytes(&c, 6);
		const uint8_t *src = cur_bytes(&c, 6);
		uint16_t type = cur_be16(&c);
		if (c.err)
			return 0;
		h = ethertype_hash(type, c);
		return h ? h : pair_hash(src, dst, 6);
	}
	case NC_LINK_LINUX_SLL:
		cur_skip(&c, 14);
		return ethertype_hash(cur_be16(&c), c);
	case NC_LINK_LINUX_SLL2: {
		uint16_t type = cur_be16(&c);
		cur_skip(&c, 18);
		return ethertype_hash(type, c);
	}
	case NC_LINK_NULL:
	case NC_LINK_LOOP:
		cur_skip(&c, 4);
		return c.err ? 0 : ip_hash(c);
	case NC_LINK_RAW:
	case 12:
	case 14:
	case NC_LINK_IPV4:
	case NC_LINK_IPV6:
		return ip_hash(c);
	default:
		return 0;
	}
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
