/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcpv6.c: DHCPv6 (RFC 8415) over UDP ports 546 and 547, one record per
 * datagram.
 *
 * Client/server message (section 8):       Relay message (section 9):
 *   0                   1                   2                   3
 *  +---------------+-----------------------------------------------+
 *  |   msg-type    |           transaction-id (24)                 |
 *  +---------------+-----------------------------------------------+
 *  |                      options ...                              |
 *
 *  +---------------+---------------+
 *  |   msg-type    |   hop-count   |  link-address (16)
 *  +---------------+---------------+  peer-address (16)  options ...
 *
 * Option (section 21.1): option-code (16), option-len (16), data.
 *
 * A RELAY-FORW/RELAY-REPL carries the relayed message in a Relay Message
 * option (9); it is followed at most DHCP6_MAX_DEPTH levels (RFC 8415's
 * HOP_COUNT_LIMIT is 8), iteratively. The record's header fields and
 * Options are the outer message's; TransactionID, the DUIDs, IANAIPs,
 * Fingerprint and DomainList come from the innermost message.
 *
 * Bounds: at most DHCP6_MAX_OPTS options kept, DHCP6_MAX_ADDRS IA
 * addresses, DHCP6_MAX_DOMAINS domain names; every loop ends at its
 * option's end and every option has at least 4 octets.
 */
#include <stdio.h>

#include "applayer.h"
#include "cursor.h"

#define DHCP6_MAX_DEPTH	  8
#define DHCP6_MAX_OPTS	  128
#define DHCP6_MAX_ADDRS	  16
#define DHCP6_MAX_DOMAINS 8
#define DHCP6_FP_MAX	  2048

enum {
	MSG_RELAY_FORW = 12,
	MSG_RELAY_REPL = 13,
	OPT_CLIENTID = 1,
	OPT_SERVERID = 2,
	OPT_IA_NA = 3,
	OPT_IAADDR = 5,
	OPT_ORO = 6,
	OPT_RELAY_MSG = 9,
	OPT_DOMAIN_LIST = 24,
};

struct dhcp6_state {
	Netcap__DHCPv6Option o[DHCP6_MAX_OPTS];
	Netcap__DHCPv6Option *po[DHCP6_MAX_OPTS];
	size_t n;
	bool too_many, trunc;
	const uint8_t *relay; /* this level's Relay Message, or NULL */
	size_t relay_len;
	const uint8_t *cduid, *sduid;
	size_t cduid_len, sduid_len;
	ProtobufCBinaryData addrs[DHCP6_MAX_ADDRS];
	size_t naddrs;
	char fp[DHCP6_FP_MAX];
	size_t fplen;
	bool have_oro;
	char dom[DHCP6_MAX_DOMAINS][256 * 4 + 1];
	char *pdom[DHCP6_MAX_DOMAINS];
	size_t ndom;
};

/*
 * DHCPv6 has no magic: a known message type on 546/547 is parsed (NEED),
 * nothing is claimed on other ports.
 */
static enum nc_probe dhcp6_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 1)
		return NC_PROBE_NEED;
	return p[0] >= 1 && p[0] <= 39 ? NC_PROBE_NEED : NC_PROBE_NO;
}

/* IA_NA (21.4): IAID, T1, T2, then options; keeps IA Address (21.6)
   addresses. */
static void read_ia_na(struct dhcp6_state *s, struct cur v)
{
	cur_skip(&v, 12);
	while (!v.err && cur_left(&v) >= 4) {
		uint16_t code = cur_be16(&v), len = cur_be16(&v);
		struct cur sub = cur_sub(&v, len);
		if (v.err) {
			s->trunc = true;
			return;
		}
		if (code == OPT_IAADDR && cur_left(&sub) >= 24 &&
		    s->naddrs < DHCP6_MAX_ADDRS) {
			s->addrs[s->naddrs].data = (uint8_t *)sub.p;
			s->addrs[s->naddrs++].len = 16;
		}
	}
}

/* Domain Search List (21.26, RFC 1035 names, no compression). */
static void read_domains(struct dhcp6_state *s, struct cur v)
{
	while (cur_left(&v) > 0 && s->ndom < DHCP6_MAX_DOMAINS) {
		char *out = s->dom[s->ndom];
		size_t o = 0, cap = sizeof(s->dom[0]);
		out[0] = '\0';
		/* a name ends at a zero label or the option's end; at most
		   255 octets of labels are rendered (the rest skipped) */
		for (;;) {
			uint8_t l = cur_u8(&v);
			if (v.err || l == 0)
				break;
			const uint8_t *lab = cur_bytes(&v, l);
			if (!lab) {
				s->trunc = true;
				break;
			}
			if (o && o + 1 < cap) {
				out[o++] = '.';
				out[o] = '\0';
			}
			if (o + 1 < cap)
				o += nc_app_text(out + o, cap - o, lab, l);
		}
		if (v.err)
			return; /* a cut name is not kept */
		s->pdom[s->ndom++] = out;
	}
}

/*
 * The options of one message level. record: keep them (the outer level);
 * client: take the client-message fields (a non-relay level).
 */
static void read_opts(struct dhcp6_state *s, struct cur k, bool record,
		      bool client)
{
	s->relay = NULL;
	while (cur_left(&k) > 0) {
		uint16_t code = cur_be16(&k), len = cur_be16(&k);
		if (k.err) {
			s->trunc = true;
			return;
		}
		const uint8_t *v = k.p;
		struct cur sub = cur_sub(&k, len);
		if (k.err) {
			s->trunc = true;
			return;
		}
		if (record) {
			if (s->n < DHCP6_MAX_OPTS) {
				Netcap__DHCPv6Option *o = &s->o[s->n];
				*o = (Netcap__DHCPv6Option)
				    NETCAP__DHCPV6_OPTION__INIT;
				o->code = code;
				o->length = len;
				o->data.data = (uint8_t *)v;
				o->data.len = len;
				s->po[s->n++] = o;
			} else {
				s->too_many = true;
			}
		}
		if (code == OPT_RELAY_MSG && !s->relay) {
			s->relay = v;
			s->relay_len = len;
		}
		if (!client)
			continue;
		switch (code) {
		case OPT_CLIENTID:
			if (!s->cduid)
				s->cduid = v, s->cduid_len = len;
			break;
		case OPT_SERVERID:
			if (!s->sduid)
				s->sduid = v, s->sduid_len = len;
			break;
		case OPT_IA_NA:
			read_ia_na(s, sub);
			break;
		case OPT_ORO:
			if (s->have_oro)
				break;
			s->have_oro = true;
			for (size_t i = 0; i + 1 < len; i += 2) {
				unsigned oc = (unsigned)v[i] << 8 | v[i + 1];
				char t[8];
				int w = snprintf(t, sizeof(t), "%s%u",
						 i ? "," : "", oc);
				if (s->fplen + (size_t)w >= sizeof(s->fp))
					break;
				memcpy(s->fp + s->fplen, t, (size_t)w + 1);
				s->fplen += (size_t)w;
			}
			break;
		case OPT_DOMAIN_LIST:
			if (!s->ndom)
				read_domains(s, sub);
			break;
		}
	}
}

static void dhcp6_datagram(struct nc_dec *d, const struct nc_app_conn *c,
			   int dir, const uint8_t *p, size_t len)
{
	if (!nc_want(d, NC_REC_DHCPV6))
		return;

	/* about 11 KiB on the stack, no malloc */
	struct dhcp6_state s;
	memset(&s, 0, offsetof(struct dhcp6_state, fp));
	s.fp[0] = '\0';
	s.fplen = 0;
	s.have_oro = false;
	s.ndom = 0;

	Netcap__DHCPv6 r = NETCAP__DHCPV6__INIT;
	struct cur k = cur_make(p, len);
	uint8_t type = cur_u8(&k);
	r.msgtype = type;
	int depth = 0;
	for (;;) {
		bool relay = type == MSG_RELAY_FORW || type == MSG_RELAY_REPL;
		uint8_t hop = 0;
		const uint8_t *link = NULL, *peer = NULL;
		uint32_t xid = 0;
		if (relay) {
			hop = cur_u8(&k);
			link = cur_bytes(&k, 16);
			peer = cur_bytes(&k, 16);
		} else {
			xid = cur_be24(&k);
		}
		if (k.err) {
			nc_app_event(d, c, dir, NC_EV_DHCPV6_TRUNC);
			if (depth == 0)
				return;
			break;
		}
		if (depth == 0 && relay) {
			r.hopcount = hop;
			nc_bytes(&r.linkaddr, link, 16);
			nc_bytes(&r.peeraddr, peer, 16);
		}
		if (!relay) {
			r.transactionid = xid;
			if (depth > 0)
				r.relayedmsgtype = type;
		}
		read_opts(&s, k, depth == 0, !relay);
		if (!relay || !s.relay)
			break;
		if (depth == DHCP6_MAX_DEPTH) {
			nc_app_event(d, c, dir, NC_EV_DHCPV6_RELAY_TOO_DEEP);
			break;
		}
		/* into the relayed message */
		depth++;
		k = cur_make(s.relay, s.relay_len);
		type = cur_u8(&k);
		if (type == MSG_RELAY_FORW || type == MSG_RELAY_REPL)
			r.relayedmsgtype = type;
	}
	if (s.trunc)
		nc_app_event(d, c, dir, NC_EV_DHCPV6_OPT_TRUNC);
	if (s.too_many)
		nc_app_event(d, c, dir, NC_EV_DHCPV6_OPT_TOO_MANY);

	r.timestamp = c->ts;
	r.relaydepth = depth;
	r.n_options = s.n;
	r.options = s.po;
	r.fingerprint = s.fp;
	nc_bytes(&r.clientduid, s.cduid, s.cduid_len);
	nc_bytes(&r.serverduid, s.sduid, s.sduid_len);
	r.n_ianaips = s.naddrs;
	r.ianaips = s.addrs;
	r.n_domainlist = s.ndom;
	r.domainlist = s.pdom;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_DHCPV6, &r.base);
}

const struct nc_app_parser nc_app_dhcpv6 = {
    .name = "DHCPv6",
    .transports = NC_APP_UDP,
    .ports = {546, 547, 0},
    .recs = {NC_REC_DHCPV6, NC_REC_MAX},
    .probe = dhcp6_probe,
    .datagram = dhcp6_datagram,
};
