/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ethernet.c: Ethernet II / IEEE 802.3 MAC header.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Destination MAC (6 octets) ...                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   ... Destination MAC       |       Source MAC (6 octets) ... |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       ... Source MAC                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   EtherType / Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * A type/length value <= 1500 is an IEEE 802.3 length (LLC follows):
 * counted as eth.llc_frame (INFO); the data is narrowed to that length
 * (nc_8023_payload: the trailer padding dropped, as gopacket does) and goes
 * to nc_dec_llc. The record has Netcap's representation: EthernetType 0
 * (gopacket's EthernetTypeLLC) and PayloadSize the narrowed data, i.e. the
 * 802.3 length (less, when the length points past the captured data:
 * eth.length_beyond_frame, or the snap length cut the frame). For
 * Ethernet II PayloadSize is the captured bytes after the header, trailer
 * included, as Netcap reports it.
 */
#include "decode.h"
#include "registry.h"

/* The Ethernet record; c is the data after the type/length field. */
static inline void eth_record(struct nc_dec *d, const uint8_t *src,
			      const uint8_t *dst, int32_t type, struct cur c)
{
	if (nc_want(d, NC_REC_ETHERNET)) {
		Netcap__Ethernet r = NETCAP__ETHERNET__INIT;
		r.timestamp = d->ts;
		nc_bytes(&r.srcmac, src, 6);
		nc_bytes(&r.dstmac, dst, 6);
		r.ethernettype = type;
		nc_payload_stats(d, c.p, cur_left(&c), &r.payloadentropy,
				 &r.payloadsize);
		nc_tm_layer_obs(d, NC_TM_ETHERNET, r.payloadsize,
				r.payloadentropy);
		nc_emit(d, NC_REC_ETHERNET, &r.base);
	}
}

/*
 * An 802.3 frame (type/length <= 1500): EthernetType 0 (Netcap's LLC),
 * the data narrowed to the length, then LLC. Out of line, so the
 * EtherType path stays as short as before 802.3 was decoded.
 */
static __attribute__((noinline)) enum dec_rc
eth_8023(struct nc_dec *d, const uint8_t *src, const uint8_t *dst, uint16_t len,
	 struct cur c)
{
	nc_event(d, NC_EV_ETH_LLC, c.p);
	c = nc_8023_payload(d, len, c);
	eth_record(d, src, dst, 0, c);
	return nc_dec_llc(d, c);
}

enum dec_rc nc_dec_ethernet(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	const uint8_t *dst = cur_bytes(&c, 6);
	const uint8_t *src = cur_bytes(&c, 6);
	uint16_t type = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_ETH_TRUNC, start);
		return DEC_TRUNC;
	}

	d->src_mac = src;
	d->dst_mac = dst;

	if (__builtin_expect(type <= 1500, 0))
		return eth_8023(d, src, dst, type, c);
	eth_record(d, src, dst, type, c);
	return nc_dispatch_ethertype(d, type, c);
}
