/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_teredo.c: libFuzzer target for nc_dec_teredo (Teredo, UDP 3544:
 * its indicators and the inner IPv6 packet).
 * Input: one flags octet (test/fuzz/fuzz.h), then the layer's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_teredo, 0);
}
