/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decode.c: the frame entry point and the dispatchers, each a switch
 * generated from its registry (linktypes.def, ethertypes.def,
 * ipprotos.def). Emission and events are emit.c.
 */
#include "decode.h"
#include "registry.h"

#include "conn.h"
#include "flowhash.h"

#include <stdio.h>
#include <string.h>

enum dec_rc nc_decode_frame(struct nc_dec *d, int link, const uint8_t *data,
			    uint32_t caplen, uint32_t wirelen, int64_t ts)
{
	struct cur c = cur_make(data, caplen);

	d->frames++;
	d->ts = ts;
	d->frame = data;
	d->caplen = caplen;
	d->wirelen = wirelen;
	d->vlan_depth = 0;
	d->ip_depth = 0;
	d->ip_len = 0;
	d->ip_version = 0;
	d->src_mac = NULL;
	d->dst_mac = NULL;
	d->link = link;
	memset(&d->l4, 0, sizeof(d->l4));
	d->have_ports = false;
	d->ip_partial = false;

	enum dec_rc rc;
	switch (link) {
#define L(v, fn)                                                               \
	case v:                                                                \
		rc = fn(d, c);                                                 \
		break;
#include "linktypes.def"
#undef L
	default:
		nc_event(d, NC_EV_LINK_UNSUPPORTED, data);
		return DEC_UNSUPPORTED;
	}
	/* connection tracking sees every frame with a transport summary */
	if (d->conns && d->l4.valid && d->ip_len)
		nc_conn_packet(d);
	return rc;
}

bool nc_dec_prefetch_key(const struct nc_dec *d, int link, const uint8_t *data,
			 uint32_t caplen, uint64_t *h)
{
	struct nc_flow_key k;

	if (!d->conns || !nc_flow_key(link, data, caplen, &k))
		return false;
	*h = nc_conn_prefetch_bucket(d, &k);
	return true;
}

enum dec_rc nc_dispatch_ethertype(struct nc_dec *d, uint16_t type, struct cur c)
{
	switch (type) {
#define T(v, fn)                                                               \
	case v:                                                                \
		return fn(d, c);
#include "ethertypes.def"
#undef T
	default:
		nc_event(d, NC_EV_ETH_UNKNOWN_TYPE, c.p);
		return DEC_UNSUPPORTED;
	}
}

enum dec_rc nc_dispatch_ipproto(struct nc_dec *d, uint8_t proto, struct cur c)
{
	switch (proto) {
#define P(v, fn)                                                               \
	case v:                                                                \
		return fn(d, c);
#include "ipprotos.def"
#undef P
	default:
		/* a connection without ports (Community ID's port-less case) */
		nc_l4_fill(d, proto, &c, &c);
		nc_event(d, NC_EV_IP_UNKNOWN_PROTO, c.p);
		return DEC_UNSUPPORTED;
	}
}

/* LLC, SNAP */
enum dec_rc nc_dispatch_llcsap(struct nc_dec *d, uint8_t dsap, struct cur c)
{
	switch (dsap) {
#define A(v, fn)                                                               \
	case v:                                                                \
		return fn(d, c);
#include "llcsaps.def"
#undef A
	default:
		nc_event(d, NC_EV_LLC_UNSUPPORTED_SAP, c.p);
		return DEC_UNSUPPORTED;
	}
}

enum dec_rc nc_dispatch_snap(struct nc_dec *d, uint32_t oui, uint16_t pid,
			     struct cur c)
{
#define O(v)                                                                   \
	if (oui == (v))                                                        \
		return nc_dispatch_ethertype(d, pid, c);
#define S(o, p, fn)
#include "snap.def"
#undef S
#undef O
	switch ((uint64_t)oui << 16 | pid) {
#define O(v)
#define S(o, p, fn)                                                            \
	case (uint64_t)(o) << 16 | (p):                                        \
		return fn(d, c);
#include "snap.def"
#undef S
#undef O
	default:
		nc_event(d, NC_EV_SNAP_UNSUPPORTED, c.p);
		return DEC_UNSUPPORTED;
	}
}

const char *nc_transport_name(uint8_t proto, char buf[4])
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 1:
		return "ICMPv4";
	case 58:
		return "ICMPv6";
	default:
		snprintf(buf, 4, "%u", proto);
		return buf;
	}
}
