/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipsec.c: IPsec Authentication Header (RFC 4302, IP protocol 51) and
 * Encapsulating Security Payload (RFC 4303, IP protocol 50).
 *
 * AH:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Header   |  Payload Len  |          RESERVED             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Security Parameters Index (SPI)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Sequence Number Field                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Integrity Check Value-ICV (variable)           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * The header is (Payload Len + 2) 32-bit words, at least 3 (a null ICV).
 * AH authenticates but does not encrypt, so what it protects is decoded
 * on: after the IPSecAH record the Next Header goes to
 * nc_dispatch_ipproto, and connection tracking sees the inner transport
 * and its ports. Consecutive AH headers are walked in a loop, at most
 * NC_MAX_IPV6_EXT (ah.too_deep). After IPv6, AH is an extension header
 * walked by ipv6.c's ipv6_ext, which calls nc_ipsec_ah_record for the
 * record and walks on even past an AH under 12 octets (ah.bad_length, as
 * it skipped AH before); nc_dec_ipsec_ah is reached from IPv4 (and from
 * IP-in-IP). A
 * truncated or invalid AH (ah.truncated, ah.bad_length) leaves d->l4 as a
 * port-less connection of protocol 51, as before AH was decoded.
 *
 * ESP:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Security Parameters Index (SPI)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                      Sequence Number                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Payload Data, Padding, Pad Length, Next Header, ICV ...    |
 * All after SPI and Sequence is encrypted (LenEncrypted: its captured
 * octets); nothing is decoded after it. d->l4 is a port-less connection
 * of protocol 50, filled before the header is read, as for a protocol
 * netcap does not decode.
 */
#include "decode.h"
#include "ipsec.h"
#include "registry.h"

#define IPPROTO_AH 51

bool nc_ipsec_ah_record(struct nc_dec *d, struct cur h)
{
	const uint8_t *start = h.p;
	uint8_t next = cur_u8(&h);
	uint8_t plen = cur_u8(&h);
	uint16_t res = cur_be16(&h);
	uint32_t spi = cur_be32(&h);
	uint32_t seq = cur_be32(&h);
	if (h.err) {
		nc_event(d, NC_EV_AH_BAD_LENGTH, start);
		return false;
	}
	if (nc_want(d, NC_REC_IPSECAH)) {
		Netcap__IPSecAH r = NETCAP__IPSEC_AH__INIT;
		r.timestamp = d->ts;
		r.nextheader = next;
		r.payloadlen = plen;
		r.reserved = res;
		r.spi = spi;
		r.seq = seq;
		if (cur_left(&h))
			nc_bytes(&r.authenticationdata, h.p, cur_left(&h));
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_IPSECAH, &r.base);
	}
	return true;
}

enum dec_rc nc_dec_ipsec_ah(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 on failure */

	for (unsigned i = 0;; i++) {
		const uint8_t *at = c.p;
		size_t hlen = 4 * ((size_t)cur_peek_u8(&c, 1) + 2);

		if (i == NC_MAX_IPV6_EXT) {
			nc_event(d, NC_EV_AH_TOO_DEEP, at);
			nc_l4_fill(d, IPPROTO_AH, &ipp, &ipp);
			return DEC_INVALID;
		}
		if (cur_left(&c) < 2 || cur_left(&c) < hlen) {
			nc_event(d, NC_EV_AH_TRUNC, at);
			nc_l4_fill(d, IPPROTO_AH, &ipp, &ipp);
			return DEC_TRUNC;
		}
		struct cur h = cur_sub(&c, hlen);
		uint8_t next = cur_peek_u8(&h, 0);
		if (!nc_ipsec_ah_record(d, h)) {
			nc_l4_fill(d, IPPROTO_AH, &ipp, &ipp);
			return DEC_INVALID;
		}
		if (next != IPPROTO_AH)
			return nc_dispatch_ipproto(d, next, c);
	}
}

enum dec_rc nc_dec_ipsec_esp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;

	/* connection tracking: as for any protocol without ports */
	nc_l4_fill(d, 50, &c, &c);

	uint32_t spi = cur_be32(&c);
	uint32_t seq = cur_be32(&c);
	if (c.err) {
		nc_event(d, NC_EV_ESP_TRUNC, start);
		return DEC_TRUNC;
	}
	if (nc_want(d, NC_REC_IPSECESP)) {
		Netcap__IPSecESP r = NETCAP__IPSEC_ESP__INIT;
		r.timestamp = d->ts;
		r.spi = spi;
		r.seq = seq;
		r.lenencrypted = (int32_t)cur_left(&c);
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_IPSECESP, &r.base);
	}
	return DEC_OK;
}
