/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_tls.c: libFuzzer target for the TLS hello parser (decoders/tls.c).
 * Input: the application harness format (test/fuzz/fuzz_app.h).
 */
#include "fuzz_app.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const struct nc_app_parser nc_app_tls;
FZ_APP_TARGET(nc_app_tls)
