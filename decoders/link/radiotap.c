/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * radiotap.c: the radiotap header of LINKTYPE_IEEE802_11_RADIOTAP (127),
 * https://www.radiotap.org. Little-endian throughout.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  it_version   |    it_pad     |           it_len              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  it_present (bit 31: another word follows)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  fields, in bit order, each aligned to its natural size       |
 *  |  counted from the start of the header ...                     |
 *
 * Present words: bit 31 extends the bitmap; bit 29 makes the next word a
 * radiotap-namespace word (bits numbered from 0 again), bit 30 a vendor
 * namespace word, whose data opens with OUI (3), sub-namespace (1) and
 * skip length (2, aligned to 2) and is skipped whole. Within a radiotap
 * namespace word k, bit b is field 32 * k + b. A field netcap does not
 * know has an unknown size, so the fields after it cannot be found: the
 * walk stops there (radiotap.unknown_field, INFO) with the values read so
 * far. A field that repeats in a later namespace keeps its first value.
 * it_len bounds everything; the 802.11 frame starts at it_len.
 * No record of its own: the values go into the Dot11 record.
 */
#include "decode.h"
#include "dot11.h"
#include "registry.h"

/* Most present words walked; more is radiotap.too_many_present_words. */
#define RT_MAX_WORDS 16

#define RT_BIT_RADIOTAP_NS 29
#define RT_BIT_VENDOR_NS   30
#define RT_BIT_EXT	   31

/* Alignment and size of the radiotap-namespace fields 0..27. */
static const struct {
	uint8_t align, size;
} rt_fields[] = {
    {8, 8},  /* 0 TSFT */
    {1, 1},  /* 1 Flags */
    {1, 1},  /* 2 Rate */
    {2, 4},  /* 3 Channel: frequency, flags */
    {2, 2},  /* 4 FHSS */
    {1, 1},  /* 5 dBm antenna signal */
    {1, 1},  /* 6 dBm antenna noise */
    {2, 2},  /* 7 lock quality */
    {2, 2},  /* 8 TX attenuation */
    {2, 2},  /* 9 dB TX attenuation */
    {1, 1},  /* 10 dBm TX power */
    {1, 1},  /* 11 antenna */
    {1, 1},  /* 12 dB antenna signal */
    {1, 1},  /* 13 dB antenna noise */
    {2, 2},  /* 14 RX flags */
    {2, 2},  /* 15 TX flags */
    {1, 1},  /* 16 RTS retries */
    {1, 1},  /* 17 data retries */
    {4, 8},  /* 18 XChannel */
    {1, 3},  /* 19 MCS */
    {4, 8},  /* 20 A-MPDU status */
    {2, 12}, /* 21 VHT */
    {8, 12}, /* 22 timestamp */
    {2, 12}, /* 23 HE */
    {2, 12}, /* 24 HE-MU */
    {2, 6},  /* 25 HE-MU-other-user */
    {1, 1},  /* 26 0-length PSDU */
    {2, 4},  /* 27 L-SIG */
};
#define RT_NFIELDS (sizeof(rt_fields) / sizeof(rt_fields[0]))

/*
 * Read radiotap field idx at *off (from the header start) of h, whose
 * fields end at len. False when it runs past it_len.
 */
static bool rt_field(const uint8_t *h, uint32_t len, uint32_t *off,
		     unsigned idx, struct nc_radiotap *rt)
{
	uint32_t a = rt_fields[idx].align;
	uint32_t o = (*off + a - 1) & ~(a - 1);
	if (o > len || len - o < rt_fields[idx].size)
		return false;
	struct cur f = cur_make(h + o, rt_fields[idx].size);
	switch (idx) {
	case 0:
		rt->tsft = cur_le32(&f);
		rt->tsft |= (uint64_t)cur_le32(&f) << 32;
		break;
	case 1:
		rt->flags = cur_u8(&f);
		break;
	case 2:
		rt->rate = cur_u8(&f);
		break;
	case 3:
		rt->chan_freq = cur_le16(&f);
		rt->chan_flags = cur_le16(&f);
		break;
	case 5:
		rt->dbm_signal = (int8_t)cur_u8(&f);
		break;
	case 6:
		rt->dbm_noise = (int8_t)cur_u8(&f);
		break;
	case 11:
		rt->antenna = cur_u8(&f);
		break;
	default:
		break;
	}
	*off = o + rt_fields[idx].size;
	return true;
}

enum dec_rc nc_dec_radiotap(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	struct nc_radiotap rt = {0};

	uint8_t version = cur_u8(&c);
	cur_skip(&c, 1); /* it_pad */
	uint16_t len = cur_le16(&c);
	uint32_t present = cur_le32(&c);
	if (c.err) {
		nc_event(d, NC_EV_RADIOTAP_TRUNC, start);
		return DEC_TRUNC;
	}
	if (version != 0) {
		nc_event(d, NC_EV_RADIOTAP_BAD_VERSION, start);
		return DEC_INVALID;
	}
	if (len < 8) {
		nc_event(d, NC_EV_RADIOTAP_BAD_LENGTH, start);
		return DEC_INVALID;
	}
	if (len > (size_t)(c.end - start)) {
		nc_event(d,
			 nc_data_cut(d, &c) ? NC_EV_RADIOTAP_TRUNC
					    : NC_EV_RADIOTAP_BAD_LENGTH,
			 start);
		return nc_data_cut(d, &c) ? DEC_TRUNC : DEC_INVALID;
	}
	rt.have = true;
	rt.length = len;
	rt.present = present;

	/* All present words first: the fields follow the last one. */
	uint32_t words[RT_MAX_WORDS];
	unsigned nw = 0;
	uint32_t off = 4;
	bool overflow = false;
	for (;;) {
		if (off + 4 > len) {
			nc_event(d, NC_EV_RADIOTAP_BAD_LENGTH, start);
			return DEC_INVALID;
		}
		uint32_t w = (uint32_t)start[off] |
			     (uint32_t)start[off + 1] << 8 |
			     (uint32_t)start[off + 2] << 16 |
			     (uint32_t)start[off + 3] << 24;
		off += 4;
		if (nw < RT_MAX_WORDS)
			words[nw++] = w;
		else
			overflow = true;
		if (!(w & 1u << RT_BIT_EXT))
			break;
	}
	if (overflow)
		nc_event(d, NC_EV_RADIOTAP_TOO_MANY_WORDS, start);

	/* The fields, namespace by namespace. */
	/*
	 * A field may repeat in later radiotap namespaces (per-antenna signal
	 * and antenna, mostly): the first occurrence is kept, later ones are
	 * walked for their sizes into a scratch copy.
	 */
	struct nc_radiotap later = rt;
	uint32_t seen = 0;   /* fields 0..27 already read */
	bool vendor = false; /* the current word is a vendor-namespace one */
	unsigned base = 0;   /* field number of bit 0 of the current word */
	bool stop = overflow;
	for (unsigned i = 0; i < nw && !stop; i++) {
		uint32_t w = words[i];
		if (!vendor) {
			for (unsigned b = 0; b < RT_BIT_RADIOTAP_NS; b++) {
				if (!(w & 1u << b))
					continue;
				unsigned idx = base + b;
				if (idx >= RT_NFIELDS) {
					nc_event(d,
						 NC_EV_RADIOTAP_UNKNOWN_FIELD,
						 start);
					stop = true;
					break;
				}
				struct nc_radiotap *store =
				    (seen & 1u << idx) ? &later : &rt;
				seen |= 1u << idx;
				if (!rt_field(start, len, &off, idx, store)) {
					nc_event(d, NC_EV_RADIOTAP_BAD_LENGTH,
						 start);
					stop = true;
					break;
				}
			}
		}
		if (stop || !(w & 1u << RT_BIT_EXT))
			break;
		if (w & 1u << RT_BIT_VENDOR_NS) {
			/* OUI, sub-namespace, skip length; data skipped. */
			off = (off + 1) & ~1u;
			if (off > len || len - off < 6) {
				nc_event(d, NC_EV_RADIOTAP_BAD_LENGTH, start);
				break;
			}
			uint32_t skip = (uint32_t)start[off + 4] |
					(uint32_t)start[off + 5] << 8;
			off += 6;
			if (skip > len - off) {
				nc_event(d, NC_EV_RADIOTAP_BAD_LENGTH, start);
				break;
			}
			off += skip;
			vendor = true;
			base = 0;
		} else if (w & 1u << RT_BIT_RADIOTAP_NS) {
			vendor = false;
			base = 0;
		} else if (!vendor) {
			base += 32;
		}
	}

	struct cur f = cur_make(start + len, (size_t)(c.end - (start + len)));
	return nc_dot11_frame(d, f, &rt);
}
