/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decode.c: frame entry point, layer dispatch tables, events and emission.
 */
#include "decode.h"

#include "conn.h"
#include "flowhash.h"

#include <math.h>
#include <stdio.h>
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
	case NC_LINK_ETHERNET:
		rc = nc_dec_ethernet(d, c);
		break;
	case NC_LINK_LINUX_SLL:
		rc = nc_dec_linux_sll(d, c);
		break;
	case NC_LINK_LINUX_SLL2:
		rc = nc_dec_linux_sll2(d, c);
		break;
	case NC_LINK_NULL:
		rc = nc_dec_null(d, c, false);
		break;
	case NC_LINK_LOOP:
		rc = nc_dec_null(d, c, true);
		break;
	case NC_LINK_RAW:
	case 12: /* LINKTYPE_RAW as some OpenBSD writers number it */
	case 14:
	case NC_LINK_IPV4:
	case NC_LINK_IPV6:
		rc = nc_dec_raw_ip(d, c);
		break;
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
	case 0x0800:
		return nc_dec_ipv4(d, c);
	case 0x86dd:
		return nc_dec_ipv6(d, c);
	case 0x0806: /* ARP */
	case 0x8035: /* RARP (RFC 903): the ARP layout */
		return nc_dec_arp(d, c);
	case 0x8100: /* 802.1Q */
	case 0x88a8: /* 802.1ad service tag */
	case 0x9100: /* pre-standard QinQ */
		return nc_dec_dot1q(d, c);
	default:
		nc_event(d, NC_EV_ETH_UNKNOWN_TYPE, c.p);
		return DEC_UNSUPPORTED;
	}
}

enum dec_rc nc_dispatch_ipproto(struct nc_dec *d, uint8_t proto, struct cur c)
{
	switch (proto) {
	case 6:
		return nc_dec_tcp(d, c);
	case 17:
		return nc_dec_udp(d, c);
	case 1:
		return nc_dec_icmpv4(d, c);
	case 58:
		return nc_dec_icmpv6(d, c);
	case 4:	 /* IPv4 in IP (RFC 2003) */
	case 41: /* IPv6 in IP (RFC 2473) */
		if (++d->ip_depth >= NC_MAX_IP_DEPTH) {
			nc_event(d, NC_EV_IP_TOO_DEEP, c.p);
			return DEC_INVALID;
		}
		return proto == 4 ? nc_dec_ipv4(d, c) : nc_dec_ipv6(d, c);
	case 132: {
		/*
		 * SCTP (RFC 9260): no record yet, but its common header's
		 * ports key the connection and its Community ID.
		 */
		struct cur s = c;
		uint16_t sp = cur_be16(&s), dp = cur_be16(&s);
		nc_l4_fill(d, proto, &c, &c);
		if (!s.err) {
			d->l4.sport = sp;
			d->l4.dport = dp;
		}
		nc_event(d, NC_EV_IP_UNKNOWN_PROTO, c.p);
		return DEC_UNSUPPORTED;
	}
	default:
		/* a connection without ports (Community ID's port-less case) */
		nc_l4_fill(d, proto, &c, &c);
		nc_event(d, NC_EV_IP_UNKNOWN_PROTO, c.p);
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
