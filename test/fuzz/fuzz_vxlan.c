/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_vxlan.c: libFuzzer target for nc_dec_vxlan (VXLAN, UDP 4789).
 * Input: one flags octet (test/fuzz/fuzz.h), then the layer's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_vxlan, 0);
}
