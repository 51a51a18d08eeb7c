/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_lcm.c: the LCM parser, one flow (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_lcm;
FZ_APP_TARGET(nc_app_lcm)
