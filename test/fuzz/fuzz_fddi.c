/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_fddi.c: libFuzzer target for nc_dec_fddi (LINKTYPE_FDDI) and the
 * LLC/SNAP layers behind it.
 * Input: one flags octet (test/fuzz/fuzz.h), then the frame's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_fddi, 0);
}
