/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dot11.h: what the radiotap decoder (radiotap.c) hands to the IEEE 802.11
 * decoder (dot11.c) with the frame that follows the radiotap header.
 */
#ifndef NC_DOT11_H
#define NC_DOT11_H

#include "decode.h"

/* Radiotap Flags field bits (radiotap.org/fields/Flags). */
#define NC_RT_FLAG_FCS	   0x10 /* the frame ends with a 4-octet FCS */
#define NC_RT_FLAG_DATAPAD 0x20 /* padding between 802.11 header and body */

/* The main radiotap values; have == false for link type 105. */
struct nc_radiotap {
	bool have;
	uint32_t length;  /* it_len */
	uint32_t present; /* first present word */
	uint8_t flags;
	uint64_t tsft;
	uint8_t rate; /* 500 kb/s units */
	uint16_t chan_freq, chan_flags;
	int8_t dbm_signal, dbm_noise;
	uint8_t antenna;
};

/* Decode the 802.11 frame in c; rt is NULL or the radiotap values. */
enum dec_rc nc_dot11_frame(struct nc_dec *d, struct cur c,
			   const struct nc_radiotap *rt);

#endif /* NC_DOT11_H */
