/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * emit.c: what every decoder calls back into: record emission, events
 * (counters and Anomaly records), payload entropy. Depends on decode.h
 * only; the dispatch that calls the decoders is decode.c.
 */
#include "decode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

static void tun_offsets(uint16_t *tun_off);

/* layerhist.h: index (size + 63) / 64 -> bucket (le 0, 64, 128, ... 65536,
   +Inf): index i covers sizes up to 64 i, in bucket 1 + ceil(log2(i)) */
const uint8_t nc_tm_size_lut[1026] = {
    [0] = 0,
    [1] = 1,
    [2] = 2,
    [3 ... 4] = 3,
    [5 ... 8] = 4,
    [9 ... 16] = 5,
    [17 ... 32] = 6,
    [33 ... 64] = 7,
    [65 ... 128] = 8,
    [129 ... 256] = 9,
    [257 ... 512] = 10,
    [513 ... 1024] = 11,
    [1025] = NC_TM_SIZE_LE,
};

void nc_dec_init(struct nc_dec *d, const struct nc_dec_cfg *cfg,
		 nc_emit_fn emit, void *emit_arg)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->emit = emit;
	d->emit_arg = emit_arg;
	tun_offsets(d->tun_off);
}

/*
 * Offset of the Tunnel field (number NC_TUNNEL_FIELD) in each record
 * type's message, from its descriptor; 0 for a type without one.
 */
static void tun_offsets(uint16_t *tun_off)
{
	for (int t = 0; t < NC_REC_MAX; t++) {
		const ProtobufCMessageDescriptor *md = nc_rec_desc(t);
		const ProtobufCFieldDescriptor *f =
		    md ? protobuf_c_message_descriptor_get_field(
			     md, NC_TUNNEL_FIELD)
		       : NULL;
		if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
		    f->descriptor == &netcap__tunnel__descriptor)
			tun_off[t] = (uint16_t)f->offset;
	}
}

static const char *const tun_names[NC_TUN_MAX] = {
    [NC_TUN_GRE] = "GRE",     [NC_TUN_ERSPAN] = "ERSPAN",
    [NC_TUN_VXLAN] = "VXLAN", [NC_TUN_GENEVE] = "Geneve",
    [NC_TUN_MPLS] = "MPLS",   [NC_TUN_IPIP] = "IPinIP",
    [NC_TUN_GTPU] = "GTP-U",  [NC_TUN_TEREDO] = "Teredo",
};

const char *nc_tun_name(enum nc_tun t)
{
	return t > NC_TUN_NONE && t < NC_TUN_MAX ? tun_names[t] : NULL;
}

enum nc_tun nc_tun_parse(const char *name, size_t len)
{
	for (int t = NC_TUN_NONE + 1; t < NC_TUN_MAX; t++)
		if (strlen(tun_names[t]) == len &&
		    strncasecmp(tun_names[t], name, len) == 0)
			return (enum nc_tun)t;
	return NC_TUN_NONE;
}

int nc_tunnels_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
	*mask = NC_TUN_ALL;
	if (!list || strcasecmp(list, "all") == 0)
		return 0;
	*mask = 0;
	if (strcasecmp(list, "none") == 0)
		return 0;
	for (const char *p = list;;) {
		size_t n = strcspn(p, ",");
		enum nc_tun t = nc_tun_parse(p, n);
		if (t == NC_TUN_NONE) {
			snprintf(err, errlen,
				 "unknown tunnel \"%.*s\" (GRE, ERSPAN, VXLAN, "
				 "Geneve, MPLS, IPinIP, GTP-U, Teredo, all, "
				 "none)",
				 (int)(n > 40 ? 40 : n), p);
			return -1;
		}
		*mask |= 1u << t;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

void nc_tun_msg_fill(Netcap__Tunnel *m, const struct nc_tun_ctx *tc,
		     char tenant[17])
{
	static const char hexd[] = "0123456789abcdef";

	netcap__tunnel__init(m);
	m->type = (char *)nc_tun_name((enum nc_tun)tc->type);
	m->id = tc->id;
	m->hasid = tc->has_id;
	nc_bytes(&m->outersrcip, tc->outer_len ? tc->outer_src : NULL,
		 tc->outer_len);
	nc_bytes(&m->outerdstip, tc->outer_len ? tc->outer_dst : NULL,
		 tc->outer_len);
	m->n_labels = tc->nlabels;
	m->labels = (uint32_t *)tc->labels;
	m->depth = tc->depth;
	for (int i = 0; i < 16; i++)
		tenant[i] = hexd[(tc->tenant >> (60 - 4 * i)) & 15];
	tenant[16] = '\0';
	m->tenant = tenant;
}

/* nc_emit inside a tunnel: set the record's Tunnel field, then emit. */
static __attribute__((noinline, cold)) void
emit_tunnelled(struct nc_dec *d, enum nc_rec t, const ProtobufCMessage *msg)
{
	if (d->tun_off[t]) {
		if (!d->tun_msg_ok) {
			nc_tun_msg_fill(&d->tun_msg, &d->tun, d->tun_tenant);
			d->tun_msg_ok = true;
		}
		/* the decoder's own record, on its stack */
		*(Netcap__Tunnel **)((uint8_t *)(uintptr_t)msg +
				     d->tun_off[t]) = &d->tun_msg;
	}
	d->emit(d->emit_arg, t, msg);
}

void nc_emit(struct nc_dec *d, enum nc_rec t, const ProtobufCMessage *msg)
{
	d->records[t]++;
	/* both calls are tail calls: no frame on the common path */
	if (__builtin_expect(d->tun.depth != 0, 0)) {
		emit_tunnelled(d, t, msg);
		return;
	}
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
