/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * static_stubs.h: the refusal of a feature build/netcap-static leaves out
 * (static_stubs.c; make static).
 */
#ifndef NC_STATIC_STUBS_H
#define NC_STATIC_STUBS_H

#include <stddef.h>

/* "this binary was built without WHAT support (make static); use
   build/netcap" into buf */
void nc_no_feature_msg(char *buf, size_t len, const char *what);
/* That line on stderr after "netcap: "; returns the exit status, 2. */
int nc_no_feature(const char *what);

#endif /* NC_STATIC_STUBS_H */
