/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_usb.c: libFuzzer target for Linux usbmon (usb.c).
 * Input: one selector octet (low 3 bits: 0 LINKTYPE_USB_LINUX (189), 1 or
 * more LINKTYPE_USB_LINUX_MMAPPED (220); bit 3 the snap-length cut of fuzz.h),
 * then the frame (fuzz.h fz_run_link).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const fz_layer_fn fns[] = {nc_dec_usb_linux,
					  nc_dec_usb_linux_mmapped};
	return fz_run_link(data, size, fns, sizeof(fns) / sizeof(fns[0]));
}
