/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ospf.c: libFuzzer target for nc_dec_ospf (OSPFv2 and OSPFv3, IP
 * protocol 89). Input: one flags octet (test/fuzz/fuzz.h; FZ_V6 gives the
 * record IPv6 addresses), then the OSPF packet.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_ospf, 0);
}
