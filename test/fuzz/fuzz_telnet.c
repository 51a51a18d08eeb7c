/* SPDX-License-Identifier: BSD-3-Clause */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_telnet;
FZ_APP_TARGET(nc_app_telnet)
