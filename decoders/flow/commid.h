/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commid.h: Community ID v1 flow hashes, with the SHA-1 (RFC 3174) and
 * base64 (RFC 4648) they need. No library: a few hundred bytes of code that
 * the connection table calls once per closed connection.
 *
 * Community ID v1 (github.com/corelight/community-id-spec):
 *   "1:" + base64(SHA-1(seed, saddr, daddr, proto, 0, sport, dport))
 * with the seed and the ports in network byte order, the endpoints ordered
 * so both directions of a flow give the same value, and ICMP/ICMPv6
 * type/code mapped onto ports (nc_commid_icmp_ports()).
 */
#ifndef NC_COMMID_H
#define NC_COMMID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SHA-1 (RFC 3174 / FIPS 180-4), streaming. */
struct nc_sha1 {
	uint32_t h[5];
	uint64_t len;	 /* octets hashed so far */
	uint8_t buf[64]; /* partial block */
	unsigned buf_len;
};

void nc_sha1_init(struct nc_sha1 *s);
void nc_sha1_update(struct nc_sha1 *s, const void *data, size_t len);
void nc_sha1_final(struct nc_sha1 *s, uint8_t out[20]);
/* One-shot SHA-1 of len octets. */
void nc_sha1(const void *data, size_t len, uint8_t out[20]);

/*
 * Standard base64 (RFC 4648 section 4, '=' padding) of n octets into out,
 * which must hold 4 * ((n + 2) / 3) + 1 chars. Returns the length written
 * (without the terminating NUL).
 */
size_t nc_base64(const uint8_t *in, size_t n, char *out);

/*
 * ICMP (proto 1) and ICMPv6 (proto 58) type/code as Community ID ports:
 * a type with a request/reply counterpart gives (type, counterpart) and is
 * two-way; any other type gives (type, code) and is one-way. Echo request
 * and echo reply thus map to the same ordered pair of ports.
 */
void nc_commid_icmp_ports(uint8_t proto, uint8_t type, uint8_t code,
			  uint16_t *sport, uint16_t *dport, bool *one_way);

/* Does this ICMP/ICMPv6 type have a request/reply counterpart? Sets *peer. */
bool nc_commid_icmp_counterpart(uint8_t proto, uint8_t type, uint8_t *peer);

/* "1:" + 28 base64 chars + NUL */
#define NC_COMMID_LEN 31

/*
 * Community ID v1 of a flow. alen is 4 or 16. sport/dport are ports for
 * TCP, UDP and SCTP and type/code for ICMP and ICMPv6 (mapped here); they
 * are ignored for other protocols. Writes a NUL-terminated string to out.
 */
void nc_community_id(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr,
		     unsigned alen, uint8_t proto, uint16_t sport,
		     uint16_t dport, char out[NC_COMMID_LEN]);

#endif /* NC_COMMID_H */
