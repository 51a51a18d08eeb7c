/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_gtpu.c: libFuzzer target for nc_dec_gtpu (GTP-U, UDP 2152) and the
 * inner IPv4/IPv6 packet it decodes as a tunnel's.
 * Input: one flags octet (test/fuzz/fuzz.h), then the layer's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_gtpu, 0);
}
