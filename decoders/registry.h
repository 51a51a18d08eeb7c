/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * registry.h: the decoders the dispatch registries name (linktypes.def,
 * ethertypes.def, ipprotos.def, udpports.def), declared from those lists.
 *
 * Included by decode.c, which dispatches, and by tests and fuzz targets
 * that call a decoder directly. A decoder includes decode.h only: it
 * reaches the next layer through nc_dispatch_*(), never another decoder,
 * so includes point one way: decode.c -> registry.h -> decoders ->
 * decode.h.
 */
#ifndef NC_REGISTRY_H
#define NC_REGISTRY_H

#include "decode.h"

#define NC_DECL(fn) enum dec_rc fn(struct nc_dec *d, struct cur c);
#define L(v, fn)    NC_DECL(fn)
#include "linktypes.def"
#undef L
#define T(v, fn) NC_DECL(fn)
#include "ethertypes.def"
#undef T
#define P(v, fn) NC_DECL(fn)
#include "ipprotos.def"
#undef P
/* -- UDP tunnel ports (udpports.def: VXLAN, Geneve) -- */
#define U(v, fn) NC_DECL(fn)
#include "udpports.def"
#undef U
#undef NC_DECL

#endif /* NC_REGISTRY_H */
