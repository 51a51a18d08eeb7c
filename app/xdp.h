/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.h: --xdp-filter RULES (xdp.c), the in-kernel prefilter of
 * net_af_xdp ports. Kept apart from engine.h so that xdp.c can include
 * libbpf's headers, whose struct bpf_insn clashes with libpcap's.
 */
#ifndef NC_XDP_H
#define NC_XDP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct nc_xdp;

#define NC_XDP_OBJ "xdp_filter.o" /* next to the netcap binary */
/* Parse and check the rules before EAL; NULL with one line in err. */
struct nc_xdp *nc_xdp_new(const char *rules, char *err, size_t errlen);
/* The XDP object's path (next to the binary) into buf; 0 or -1 with err. */
int nc_xdp_obj_path(char *buf, size_t len, char *err, size_t errlen);
/* The -i spec with xdp_prog=OBJ added to its net_af_xdp device; 0 or -1. */
int nc_xdp_devargs(const char *iface, const char *obj, char *buf, size_t len,
		   char *err, size_t errlen);
/* After the port started: find the program the PMD attached to the
   interface and fill its rule maps; 0, or -1 with one line in err. */
int nc_xdp_install(struct nc_xdp *x, const char *iface, char *err,
		   size_t errlen);
/* Packets the program dropped by rule kind (net, proto, port) and passed,
   summed over the CPUs (a map read; any thread). */
#define NC_XDP_COUNTS 4
void nc_xdp_counts(struct nc_xdp *x, uint64_t out[NC_XDP_COUNTS]);
/* Summary lines xdp.dropped.<kind>, xdp.dropped, xdp.passed. */
void nc_xdp_summary(struct nc_xdp *x, FILE *o);
void nc_xdp_free(struct nc_xdp *x);

#endif /* NC_XDP_H */
