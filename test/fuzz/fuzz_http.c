/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_http.c: the HTTP/1.x parser (decoders/http.c) and File (files.c). */
#include "fuzz_app.h"
extern const struct nc_app_parser nc_app_http;
FZ_APP_TARGET(nc_app_http)
