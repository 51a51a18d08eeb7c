/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ssh.c: libFuzzer target for the SSH parser (decoders/ssh.c).
 * Input: the application harness format (test/fuzz/fuzz_app.h).
 */
#include "fuzz_app.h"

extern const struct nc_app_parser nc_app_ssh;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
FZ_APP_TARGET(nc_app_ssh)
