/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS over UDP (input flag 4) and TCP (decoders/dns.c); see fuzz_app.h. */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_dns;
FZ_APP_TARGET(nc_app_dns)
