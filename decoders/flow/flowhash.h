/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash.h: the symmetric flow hash the dispatcher spreads packets with.
 */
#ifndef NC_FLOWHASH_H
#define NC_FLOWHASH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Hash of the outermost IP address pair of a frame of link type link
 * (LINKTYPE_ value, enum nc_link; 12 and 14 are taken as raw IP).
 * Symmetric: swapping source and destination gives the same value, and the
 * ports are not used, so both directions and every fragment of a flow hash
 * alike. Non-IP Ethernet frames hash by their MAC pair (also symmetric);
 * anything else, and anything too short to tell, hashes to 0.
 * Reads at most the link header, up to NC_MAX_VLAN_DEPTH tags (802.1Q/ad),
 * up to 8 MPLS labels or one PPPoE session header, and the first 40 bytes of
 * the IP header; never outside [p, p + len).
 */
uint32_t nc_flow_hash(int link, const uint8_t *p, uint32_t len);

/*
 * The connection key of a plain TCP or UDP frame, for prefetching the
 * connection table before the frame is decoded (worker.c,
 * nc_conn_prefetch_bucket in decode.h). Addresses point into the frame.
 */
struct nc_flow_key {
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint8_t alen;  /* 4 or 16 */
	uint8_t proto; /* 6 or 17 */
};

/*
 * Fill *k from an Ethernet (up to NC_MAX_VLAN_DEPTH tags) or raw IP frame
 * whose IPv4 header (not a fragment) or IPv6 header (no extension header)
 * carries TCP or UDP, with both ports captured; false for anything else.
 * A peek, not a decode: it is the key the connection table will look up
 * for such frames, and only a guess for tunnels (the table keys the
 * innermost header). Never reads outside [p, p + len).
 */
bool nc_flow_key(int link, const uint8_t *p, uint32_t len,
		 struct nc_flow_key *k);

#endif /* NC_FLOWHASH_H */
