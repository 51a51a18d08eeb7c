/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * registry.h: the decoders the dispatch registries name (linktypes.def,
 * ethertypes.def, ipprotos.def, udpports.def, llcsaps.def, snap.def),
 * declared from those lists, and the LLC entry point the 802 links share.
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
/* -- UDP tunnel ports (udpports.def: VXLAN, Geneve, GTP-U, Teredo) -- */
#define U(v, fn, either) NC_DECL(fn)
#include "udpports.def"
#undef U
/* LLC, SNAP: LLC SAPs and SNAP OUI/PID */
#define A(v, fn) NC_DECL(fn)
#include "llcsaps.def"
#undef A
#define O(oui)
#define S(oui, pid, fn) NC_DECL(fn)
#include "snap.def"
#undef S
#undef O
#undef NC_DECL

/*
 * LLC (llc.c): the IEEE 802.2 header that follows an 802.3 length
 * (Ethernet, 802.1Q), FDDI and 802.11 data frames; c starts at the DSAP
 * and ends where the MAC layer's data ends (an 802.3 length narrows it
 * first: nc_8023_payload). Writes LLC, then nc_dispatch_llcsap.
 */
enum dec_rc nc_dec_llc(struct nc_dec *d, struct cur c);

/*
 * The data of an 802.3 frame whose type/length field is len (<= 1500), c
 * starting after that field: c narrowed to len octets (the trailer
 * padding dropped). A length beyond the captured data leaves c as it is,
 * counted as eth.length_beyond_frame unless the snap length cut it.
 */
struct cur nc_8023_payload(struct nc_dec *d, uint16_t len, struct cur c);

/*
 * ERSPAN (erspan.c): the payload of a GRE packet of Protocol Type pt
 * (0x88be type I or II, 0x22eb type III), c at the first octet after the
 * GRE header; seq: the GRE S bit (type I has none and no ERSPAN header).
 */
enum dec_rc nc_dec_erspan(struct nc_dec *d, struct cur c, uint16_t pt,
			  bool seq);

#endif /* NC_REGISTRY_H */
