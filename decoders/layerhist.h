/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * layerhist.h: the payload histograms of the per-packet records
 * (Ethernet, IPv4, IPv6, TCP, UDP) behind --metrics' nc_<layer>_size and
 * nc_<layer>_entropy (app/traffic.h renders them).
 *
 * Capture fills them in the decoders, where PayloadSize and
 * PayloadEntropy are computed (nc_tm_layer_obs in decode.h): a record
 * costs a table lookup and two adds there, with no dispatch on its type.
 * Export fills them from records read back (traffic.h nc_tm_observe).
 * The bucket comes from a count of leading zeros, not a search.
 */
#ifndef NC_LAYERHIST_H
#define NC_LAYERHIST_H

#include <stdbool.h>
#include <stdint.h>

#define NC_TM_SIZE_LE 12 /* 0, 64, 128, ... 65536 octets */
#define NC_TM_ENT_LE  9	 /* 0, 1, ... 8 bits per octet */

enum nc_tm_layer_id {
	NC_TM_ETHERNET,
	NC_TM_IPV4,
	NC_TM_IPV6,
	NC_TM_TCP,
	NC_TM_UDP,
	NC_TM_LAYERS
};

struct nc_tm_layer {
	uint64_t size[NC_TM_SIZE_LE + 1];
	uint64_t size_sum;
	uint64_t ent[NC_TM_ENT_LE + 1];
	double ent_sum;
};

/* smallest k with 2^k >= v, for v >= 2 */
static inline unsigned nc_tm_ceil_log2(uint64_t v)
{
	return 64u - (unsigned)__builtin_clzll(v - 1);
}

/* payload size bucket: le 0, 64, 128, ... 65536, +Inf; branch-free:
   ceil(log2(max(v, 64))) - 5, 0 for v <= 0 */
static inline unsigned nc_tm_size_bucket(int64_t v)
{
	uint64_t x = ((uint64_t)v - 1) | 63;
	unsigned k = 59u - (unsigned)__builtin_clzll(x);
	k = k < NC_TM_SIZE_LE ? k : NC_TM_SIZE_LE;
	return v > 0 ? k : 0;
}

/* entropy bucket: le 0, 1, ... 8, +Inf */
static inline unsigned nc_tm_ent_bucket(double e)
{
	if (!(e > 0))
		return 0;
	int i = (int)e;
	if ((double)i < e)
		i++;
	return i < NC_TM_ENT_LE ? (unsigned)i : NC_TM_ENT_LE;
}

/*
 * The size bucket by a table of (size + 63) / 64, capped at 1025 (sizes
 * over 65536): for the decoders' sizes, which are never negative.
 */
extern const uint8_t nc_tm_size_lut[1026];

static inline unsigned nc_tm_size_bucket_u(uint32_t v)
{
	uint64_t i = ((uint64_t)v + 63) >> 6;
	return nc_tm_size_lut[i < 1025 ? i : 1025];
}

/* One record's payload. Without PayloadEntropy (entropy false) every
   entropy is 0: the entropy histogram is left alone, and rendering puts
   the layer's records in bucket 0 from their count. */
static inline void nc_tm_layer_add(struct nc_tm_layer *l, bool entropy,
				   int32_t size, double ent)
{
	l->size[nc_tm_size_bucket(size)]++;
	l->size_sum += size > 0 ? (uint32_t)size : 0;
	if (entropy) {
		l->ent[nc_tm_ent_bucket(ent)]++;
		l->ent_sum += ent;
	}
}

#endif /* NC_LAYERHIST_H */
