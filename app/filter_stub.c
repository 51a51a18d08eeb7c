/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * filter_stub.c: placeholder for nc_filter_burst() on the ports branch;
 * replaced by app/filter.c (--bpf), delete this file at merge. Never
 * called here: e->filter stays NULL without filter.c.
 */
#include "engine.h"

unsigned nc_filter_burst(struct nc_filter *f, struct rte_mbuf **pkts,
			 unsigned n)
{
	(void)f;
	(void)pkts;
	return n;
}
