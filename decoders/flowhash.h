/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash.h: the symmetric flow hash the dispatcher spreads packets with.
 */
#ifndef NC_FLOWHASH_H
#define NC_FLOWHASH_H

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

#endif /* NC_FLOWHASH_H */
