/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_sip.c: the sip parser, one flow (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_sip;
FZ_APP_TARGET(nc_app_sip)
