/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * emit.c: what every decoder calls back into: record emission, events
 * (counters and Anomaly records), payload entropy. Depends on decode.h
 * only; the dispatch that calls the decoders is decode.c.
 */
#include "decode.h"

#include <math.h>
#include <string.h>

static const char *const event_names[NC_EV_MAX] = {
#define E(id, name, kind) [NC_EV_##id] = name,
#include "events.def"
#undef E
};

enum { INFO = 0, ANOM = 1 };
static const bool event_anom[NC_EV_MAX] = {
#define E(id, name, kind) [NC_EV_##id] = (kind),
#include "events.def"
#undef E
};

const char *nc_event_name(enum nc_event ev)
{
	return ev < NC_EV_MAX ? event_names[ev] : "?";
}

bool nc_event_is_anomaly(enum nc_event ev)
{
	return ev < NC_EV_MAX && event_anom[ev];
}

void nc_dec_init(struct nc_dec *d, const struct nc_dec_cfg *cfg,
		 nc_emit_fn emit, void *emit_arg)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->emit = emit;
	d->emit_arg = emit_arg;
}

void nc_emit(struct nc_dec *d, enum nc_rec t, const ProtobufCMessage *msg)
{
	d->records[t]++;
	d->emit(d->emit_arg, t, msg);
}

void nc_event(struct nc_dec *d, enum nc_event ev, const uint8_t *at)
{
	d->events[ev]++;
	if (!event_anom[ev] || !nc_want(d, NC_REC_ANOMALY))
		return;

	Netcap__Anomaly a = NETCAP__ANOMALY__INIT;
	a.timestamp = d->ts;
	a.event = (char *)event_names[ev];
	a.offset = at ? nc_offset(d, at) : 0;
	a.framelength = (int32_t)d->caplen;
	nc_ctx_ips(d, &a.srcip, &a.dstip);
	if (d->have_ports) {
		a.srcport = d->src_port;
		a.dstport = d->dst_port;
	}
	nc_emit(d, NC_REC_ANOMALY, &a.base);
}

double nc_entropy(const uint8_t *buf, size_t len)
{
	uint32_t hist[256] = {0};
	double h = 0.0;

	if (len == 0)
		return 0.0;
	for (size_t i = 0; i < len; i++)
		hist[buf[i]]++;
	for (int i = 0; i < 256; i++) {
		if (hist[i] == 0)
			continue;
		double p = (double)hist[i] / (double)len;
		h -= p * log2(p);
	}
	return h;
}
