/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_modbus.c: the modbus parser, one connection (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_modbus;
FZ_APP_TARGET(nc_app_modbus)
