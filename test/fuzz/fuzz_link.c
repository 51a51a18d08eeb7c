/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_link.c: libFuzzer target for the pseudo link layers of link.c.
 * Input: one selector octet (low 3 bits: 0 Linux SLL, 1 SLL2, 2 BSD NULL,
 * 3 OpenBSD LOOP, 4 raw IP; bit 3 the snap-length cut of fuzz.h), then
 * the frame.
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
	switch (sel & 0x07) {
	case 0:
		nc_dec_linux_sll(d, c);
		break;
	case 1:
		nc_dec_linux_sll2(d, c);
		break;
	case 2:
		nc_dec_null_host(d, c);
		break;
	case 3:
		nc_dec_loop(d, c);
		break;
	default:
		nc_dec_raw_ip(d, c);
		break;
	}
	free(p);
	return 0;
}
