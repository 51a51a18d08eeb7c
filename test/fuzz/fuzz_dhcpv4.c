/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_dhcpv4.c: the dhcpv4 parser, one flow (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_dhcpv4;
FZ_APP_TARGET(nc_app_dhcpv4)
