/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_dhcpv6.c: the dhcpv6 parser, one flow (fuzz_app.h). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_dhcpv6;
FZ_APP_TARGET(nc_app_dhcpv6)
