/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_ntp.c: the ntp parser, one flow (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_ntp;
FZ_APP_TARGET(nc_app_ntp)
