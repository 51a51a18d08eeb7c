/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * indicators.h: Alert records (Netcap's name) from local indicator lists
 * (capture --indicators FILE[,FILE...]; docs/APPLICATION.md "Indicator
 * lists" gives the line format).
 *
 * The lists are read once at start into sorted arrays, shared read-only
 * by every worker. The hook is the record sink: with a list loaded, each
 * worker's emit function also hands every Connection, DNS, TLSClientHello
 * and SSH record it writes to nc_indicators_check, which writes one Alert
 * per match through the same decoder. Without a list the sink is the
 * plain one: no cost at all.
 */
#ifndef NC_INDICATORS_H
#define NC_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct nc_indicators;

/*
 * Read the comma-separated list of files. NULL on a problem, with one
 * line in err ("FILE:LINE: ...").
 */
struct nc_indicators *nc_indicators_load(const char *files, char *err,
					 size_t errlen);
void nc_indicators_free(struct nc_indicators *ind);

/* Entries loaded. */
uint32_t nc_indicators_count(const struct nc_indicators *ind);

/*
 * Record msg of type t was just written through d: write one Alert per
 * indicator it matches (Connection: SrcIP, DstIP against ip/cidr; DNS:
 * each question name and its parent domains against domain; TLSClientHello:
 * Ja3, Ja4; SSH: HASSH). Other types cost one switch.
 */
void nc_indicators_check(const struct nc_indicators *ind, struct nc_dec *d,
			 enum nc_rec t, const ProtobufCMessage *msg);

#endif /* NC_INDICATORS_H */
