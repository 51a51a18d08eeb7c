/* SPDX-License-Identifier: BSD-3-Clause */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_pop3;
FZ_APP_TARGET(nc_app_pop3)
