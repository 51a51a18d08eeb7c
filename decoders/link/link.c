/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * link.c: the pseudo link layers of capture files that are not Ethernet:
 * Linux "cooked" capture v1 and v2, BSD loopback (NULL and LOOP) and raw IP.
 *
 * None of them has a record type (Netcap has none); each decoder reads its
 * header, checks it, and hands the rest of the frame to the network layer.
 * The layouts are those of the tcpdump.org link-type registry
 * (https://www.tcpdump.org/linktypes.html).
 */
#include "decode.h"
#include "registry.h"

/* ARPHRD_ values whose SLL protocol field is not an ethertype. */
#define ARPHRD_IEEE80211_RADIOTAP 803
#define ARPHRD_NETLINK		  824

/*
 * What follows a cooked header. The protocol field holds an ethertype
 * (>= 0x0600) for ordinary device types; below that it holds one of the
 * Linux "pseudo protocols" (1 Novell 802.3, 4 802.2 LLC, 0x0c CAN, ...), and
 * on netlink and radiotap devices it is not an ethertype at all. Netcap
 * decodes none of those: they are counted as ev and the frame stops here.
 */
static enum dec_rc sll_payload(struct nc_dec *d, uint16_t hatype,
			       uint16_t proto, struct cur c, enum nc_event ev)
{
	if (proto < 0x0600 || hatype == ARPHRD_NETLINK ||
	    hatype == ARPHRD_IEEE80211_RADIOTAP) {
		nc_event(d, ev, c.p);
		return DEC_UNSUPPORTED;
	}
	return nc_dispatch_ethertype(d, proto, c);
}

/*
 * LINKTYPE_LINUX_SLL (113): Linux cooked capture v1, 16 octets, network
 * byte order.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Packet type         |        ARPHRD_ type           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Link-layer address length  |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |            Link-layer address (8 octets, zero padded)         |
 *  +                             +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                             |         Protocol type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Packet type: 0 to us, 1 broadcast, 2 multicast, 3 to someone else,
 * 4 sent by us. The address length may exceed 8; only 8 octets are kept.
 */
enum dec_rc nc_dec_linux_sll(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	cur_skip(&c, 2); /* packet type */
	uint16_t hatype = cur_be16(&c);
	cur_skip(&c, 2 + 8); /* address length, address */
	uint16_t proto = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_SLL_TRUNC, start);
		return DEC_TRUNC;
	}
	return sll_payload(d, hatype, proto, c, NC_EV_SLL_NOT_ETHERTYPE);
}

/*
 * LINKTYPE_LINUX_SLL2 (276): Linux cooked capture v2, 20 octets, network
 * byte order.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Protocol type       |       Reserved (MBZ)          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Interface index                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         ARPHRD_ type        |  Packet type  | Address length|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                                                               |
 *  +            Link-layer address (8 octets, zero padded)         +
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The protocol field means what it means in v1.
 */
enum dec_rc nc_dec_linux_sll2(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	uint16_t proto = cur_be16(&c);
	cur_skip(&c, 2 + 4); /* reserved, interface index */
	uint16_t hatype = cur_be16(&c);
	cur_skip(&c, 1 + 1 + 8); /* packet type, address length, address */

	if (c.err) {
		nc_event(d, NC_EV_SLL2_TRUNC, start);
		return DEC_TRUNC;
	}
	return sll_payload(d, hatype, proto, c, NC_EV_SLL2_NOT_ETHERTYPE);
}

/*
 * LINKTYPE_NULL (0) and LINKTYPE_LOOP (108): BSD loopback.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Address family (PF_ value)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * LOOP stores the family in network byte order. NULL stores it in the byte
 * order of the host that wrote the file, which the file does not record
 * reliably (files get converted), so the order is inferred from the value:
 * every family is below 65536, hence a big-endian value starts with two
 * zero octets and a little-endian one ends with them. IPv4 is 2 everywhere;
 * IPv6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly) or
 * 30 (Darwin). Other families are counted (null.unknown_family).
 */
#define BSD_AF_INET	     2
#define BSD_AF_INET6_BSD     24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN  30

static enum dec_rc dec_null(struct nc_dec *d, struct cur c, bool net_order)
{
	const uint8_t *start = c.p;
	const uint8_t *b = cur_bytes(&c, 4);

	if (c.err) {
		nc_event(d, NC_EV_NULL_TRUNC, start);
		return DEC_TRUNC;
	}

	/* the 4 octets decoded both ways; b was checked above */
	uint32_t be = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		      (uint32_t)b[2] << 8 | b[3];
	uint32_t le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
		      (uint32_t)b[1] << 8 | b[0];
	uint32_t family;
	if (net_order || (b[0] == 0 && b[1] == 0))
		family = be;
	else
		family = le;

	switch (family) {
	case BSD_AF_INET:
		return nc_dec_ipv4(d, c);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return nc_dec_ipv6(d, c);
	default:
		nc_event(d, NC_EV_NULL_UNKNOWN_FAMILY, start);
		return DEC_UNSUPPORTED;
	}
}

/*
 * LINKTYPE_RAW (101, and 12 or 14 from some writers), LINKTYPE_IPV4 (228),
 * LINKTYPE_IPV6 (229): the frame is an IP packet with no link header. The
 * version nibble (RFC 791, RFC 8200) chooses the decoder:
 *
 *   0 1 2 3 4 5 6 7
 *  +-+-+-+-+-+-+-+-+
 *  |Version|  ...  |
 *  +-+-+-+-+-+-+-+-+
 *
 * The cursor is handed on unmoved; a frame with no byte at all is
 * raw.truncated, any version but 4 and 6 raw.bad_version.
 */
enum dec_rc nc_dec_raw_ip(struct nc_dec *d, struct cur c)
{
	if (c.err || cur_left(&c) < 1) {
		nc_event(d, NC_EV_RAW_TRUNC, c.p);
		return DEC_TRUNC;
	}
	switch (cur_peek_u8(&c, 0) >> 4) {
	case 4:
		return nc_dec_ipv4(d, c);
	case 6:
		return nc_dec_ipv6(d, c);
	default:
		nc_event(d, NC_EV_RAW_BAD_VERSION, c.p);
		return DEC_INVALID;
	}
}

enum dec_rc nc_dec_null_host(struct nc_dec *d, struct cur c)
{
	return dec_null(d, c, false);
}

enum dec_rc nc_dec_loop(struct nc_dec *d, struct cur c)
{
	return dec_null(d, c, true);
}
