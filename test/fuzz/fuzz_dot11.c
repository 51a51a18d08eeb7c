/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_dot11.c: libFuzzer target for IEEE 802.11 (dot11.c) and radiotap
 * (radiotap.c). Input: one selector octet (low 3 bits: 0 LINKTYPE_IEEE802_11
 * (105), 1 or more radiotap (127); bit 3 the snap-length cut of fuzz.h), then
 * the frame (fuzz.h fz_run_link).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fz_layer_fn fns[] = {nc_dec_ieee80211, nc_dec_radiotap};
	return fz_run_link(data, size, fns, sizeof(fns) / sizeof(fns[0]));
}
