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
	static const fz_layer_fn fns[] = {nc_dec_linux_sll, nc_dec_linux_sll2,
					  nc_dec_null_host, nc_dec_loop,
					  nc_dec_raw_ip};
	return fz_run_link(data, size, fns, sizeof(fns) / sizeof(fns[0]));
}
