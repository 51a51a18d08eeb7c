/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_llc.c: libFuzzer target for nc_dec_llc (IEEE 802.2 LLC) and what it
 * dispatches to: SNAP, CDP (CiscoDiscovery, CiscoDiscoveryInfo), NDP and
 * the EtherTypes under OUI 000000.
 * Input: one flags octet (test/fuzz/fuzz.h), then the layer's bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run_layer(data, size, nc_dec_llc, 0);
}
