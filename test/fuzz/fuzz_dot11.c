/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_dot11.c: libFuzzer target for IEEE 802.11 (dot11.c) and radiotap (radiotap.c).
 * Input: one selector octet (bit 0: 0 LINKTYPE_IEEE802_11 (105), 1 radiotap (127);
 * bit 3 the snap-length cut of fuzz.h), then the frame.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct nc_dec *d = fz_init();
	uint8_t sel = data[0];
	size_t len = size - 1;
	uint8_t *p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, len);
	fz_frame(d, (sel & 0x08) ? FZ_CUT : 0, p, len);
	d->ip_len = 0;
	d->ip_version = 0;
	struct cur c = cur_make(p, len);
	if (sel & 1)
		nc_dec_radiotap(d, c);
	else
		nc_dec_ieee80211(d, c);
	free(p);
	return 0;
}
