/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decode.c: the frame entry point and the dispatchers, each a switch
 * generated from its registry (linktypes.def, ethertypes.def,
 * ipprotos.def; udpports.def for UDP tunnels, and linktypes.def again
 * for an MPLS pseudowire's Ethernet). Emission and events are emit.c.
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
	d->frag_frames = 0;
	d->vlan_depth = 0;
	d->ip_depth = 0;
	d->ip_len = 0;
	d->ip_version = 0;
	d->mpls_depth = 0;
	d->src_mac = NULL;
	d->dst_mac = NULL;
	d->link = link;
	memset(&d->l4, 0, sizeof(d->l4));
	d->have_ports = false;
	d->ip_partial = false;
	d->tun.depth = 0;
	d->tun.tenant = 0;
	d->tun_msg_ok = false;

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
	/* records written between frames (expiry, profiles) are no
	   tunnel's, unless a connection sets its own (conn.c) */
	d->tun.depth = 0;
	return rc;
}

/* A 64-bit mix of the tenant so far and one tunnel's key words. */
static uint64_t tenant_mix(uint64_t h, uint64_t w)
{
	h ^= w + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

/* The outer address pair, smaller first, into the tenant hash. */
static uint64_t tenant_pair(uint64_t h, const struct nc_dec *d)
{
	const uint8_t *a = d->src_ip, *b = d->dst_ip;
	unsigned n = d->ip_len;

	if (memcmp(a, b, n) > 0) {
		a = d->dst_ip;
		b = d->src_ip;
	}
	h = tenant_mix(h, n);
	for (unsigned i = 0; i < n; i += 8) {
		uint8_t wa[8] = {0}, wb[8] = {0};
		memcpy(wa, a + i, n - i < 8 ? n - i : 8);
		memcpy(wb, b + i, n - i < 8 ? n - i : 8);
		h = tenant_mix(h, nc_load_le64(wa));
		h = tenant_mix(h, nc_load_le64(wb));
	}
	return h;
}

bool nc_tunnel_enter(struct nc_dec *d, enum nc_tun type, bool has_id,
		     uint32_t id, enum nc_tun_key kk, const uint8_t *at)
{
	static const enum nc_event off_ev[NC_TUN_MAX] = {
	    [NC_TUN_GRE] = NC_EV_GRE_INNER,
	    [NC_TUN_ERSPAN] = NC_EV_ERSPAN_INNER,
	    [NC_TUN_VXLAN] = NC_EV_VXLAN_INNER,
	    [NC_TUN_GENEVE] = NC_EV_GENEVE_INNER,
	    [NC_TUN_MPLS] = NC_EV_MPLS_INNER,
	    [NC_TUN_IPIP] = NC_EV_IPIP_INNER,
	    [NC_TUN_GTPU] = NC_EV_GTPU_INNER,
	    [NC_TUN_TEREDO] = NC_EV_TEREDO_INNER,
	};

	if (!(d->cfg->tunnels & (1u << type))) {
		nc_event(d, off_ev[type], at);
		return false;
	}
	if (d->tun.depth >= NC_MAX_TUNNEL_DEPTH) {
		nc_event(d, NC_EV_TUNNEL_TOO_DEEP, at);
		return false;
	}
	/*
	 * The outer transport (VXLAN's UDP, GRE) is not a connection of its
	 * own: the dispatch hash spreads a tunnel's inner flows over the
	 * workers, so no worker sees all of its packets. Its records carry
	 * it (the Tunnel field) instead.
	 */
	struct nc_tun_ctx *t = &d->tun;
	uint64_t h = tenant_mix(t->depth ? t->tenant : 0x243f6a8885a308d3ULL,
				(uint64_t)type << 8 | kk);
	if (has_id && (kk == NC_TK_ID || kk == NC_TK_ID_OUTER))
		h = tenant_mix(h, (uint64_t)id | 1ULL << 32);
	if (kk == NC_TK_OUTER || kk == NC_TK_ID_OUTER)
		h = tenant_pair(h, d);
	t->tenant = h ? h : 1;
	t->type = (uint8_t)type;
	t->depth++;
	t->has_id = has_id;
	t->id = has_id ? id : 0;
	t->nlabels = 0;
	t->outer_len = d->ip_len;
	memcpy(t->outer_src, d->src_ip, d->ip_len);
	memcpy(t->outer_dst, d->dst_ip, d->ip_len);
	d->tun_msg_ok = false;

	/* the inner frame starts afresh */
	memset(&d->l4, 0, sizeof(d->l4));
	d->have_ports = false;
	d->ip_len = 0;
	d->ip_version = 0;
	return true;
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

bool nc_ethertype_known(uint16_t type)
{
	switch (type) {
#define T(v, fn) case v:
#include "ethertypes.def"
#undef T
		return true;
	default:
		return false;
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

/* -- UDP tunnel ports (udpports.def) -- */
enum dec_rc nc_dispatch_udpport(struct nc_dec *d, uint16_t sport,
				uint16_t dport, struct cur c)
{
	switch (dport) {
#define U(v, fn, either)                                                       \
	case v:                                                                \
		return fn(d, c);
#include "udpports.def"
#undef U
	default:
		break;
	}
	switch (sport) {
#define U(v, fn, either)                                                       \
	case v:                                                                \
		if (either)                                                    \
			return fn(d, c);                                       \
		break;
#include "udpports.def"
#undef U
	default:
		break;
	}
	return DEC_OK; /* ordinary UDP */
}

/* -- MPLS payloads (mpls.c): a link layer by its LINKTYPE_ value -- */
enum dec_rc nc_dispatch_link(struct nc_dec *d, int link, struct cur c)
{
	switch (link) {
#define L(v, fn)                                                               \
	case v:                                                                \
		return fn(d, c);
#include "linktypes.def"
#undef L
	default:
		nc_event(d, NC_EV_LINK_UNSUPPORTED, c.p);
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
	case 132:
		return "SCTP";
	default:
		snprintf(buf, 4, "%u", proto);
		return buf;
	}
}
