/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tls.h: TLS hello fingerprints (JA3, JA3S, JA4) of decoders/tls.c,
 * exported so that tests can check them against the published examples.
 */
#ifndef NC_TLS_H
#define NC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most values kept of one list of a hello (ciphers, extensions, ...);
   more are counted as tls.too_many_values and left out. */
#define NC_TLS_MAX_LIST 512

/* JA3 string: version and four lists of at most NC_TLS_MAX_LIST values of
   at most 5 digits and a separator each. */
#define NC_TLS_JA3_MAX (8 + 4 * NC_TLS_MAX_LIST * 6)

/* RFC 8701: 0x0a0a, 0x1a1a, ..., 0xfafa */
static inline bool nc_tls_grease(uint32_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* What the client fingerprints are computed from. */
struct nc_tls_fp {
	int version; /* legacy_version of the hello */
	const int32_t *ciphers, *exts, *groups, *points, *sigs, *versions;
	size_t n_ciphers, n_exts, n_groups, n_points, n_sigs, n_versions;
	const uint8_t *alpn; /* first ALPN value, NULL if none */
	size_t alpn_len;
};

/*
 * JA3 (Salesforce): "version,ciphers,extensions,groups,points", decimal,
 * values joined by '-', GREASE left out of the first three lists. str gets
 * the string (cap >= NC_TLS_JA3_MAX), md5 its MD5 in hex (33 octets).
 */
void nc_tls_ja3(const struct nc_tls_fp *f, char *str, size_t cap, char md5[33]);

/* JA3S: "version,cipher,extensions" and its MD5. */
void nc_tls_ja3s(int version, int cipher, const int32_t *exts, size_t n,
		 char *str, size_t cap, char md5[33]);

/*
 * JA4 (FoxIO): "t13d1516h2_8daaf6152771_e5627efa2ab1". proto is 't'
 * (TCP), 'q' (QUIC) or 'd' (DTLS). out: 37 octets.
 */
void nc_tls_ja4(const struct nc_tls_fp *f, char proto, char out[37]);

#endif /* NC_TLS_H */
