/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_gre.c: libFuzzer target for nc_dec_gre (GRE, IP protocol 47).
 * Input: one flags octet (test/fuzz/fuzz.h), then the layer's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_gre, 0);
}
