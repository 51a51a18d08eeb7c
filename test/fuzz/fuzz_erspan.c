/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_erspan.c: libFuzzer target for nc_dec_erspan (ERSPAN I, II, III
 * after a GRE header) and the mirrored frame it decodes as a tunnel's.
 * Input: one flags octet (test/fuzz/fuzz.h) whose bits 4-5, unused there,
 * say what the GRE header announced: 0 type I (0x88be, no Sequence
 * Number), 1 type II (0x88be with one), 2 and 3 type III (0x22eb); then
 * the bytes after the GRE header.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned fz_erspan_type;

static enum dec_rc fz_erspan(struct nc_dec *d, struct cur c)
{
	return nc_dec_erspan(d, c, fz_erspan_type >= 2 ? 0x22eb : 0x88be,
			     fz_erspan_type == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fz_erspan_type = (data[0] >> 4) & 3u;
	return fz_run_layer(data, size, fz_erspan, 0);
}
