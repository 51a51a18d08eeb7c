/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dhcpv4.c: DHCP (RFC 2131) and its options (RFC 2132) over UDP ports 67
 * and 68, one record per datagram.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 *  +---------------+---------------+---------------+---------------+
 *  |                            xid (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |           secs (2)            |           flags (2)           |
 *  +-------------------------------+-------------------------------+
 *  |          ciaddr (4)  yiaddr (4)  siaddr (4)  giaddr (4)       |
 *  +---------------------------------------------------------------+
 *  |                          chaddr (16)                          |
 *  |                          sname  (64)                          |
 *  |                          file   (128)                         |
 *  +---------------------------------------------------------------+
 *  |              magic cookie 99.130.83.99 (offset 236)           |
 *  +---------------------------------------------------------------+
 *  |   options: code (1) length (1) value; 0 pad, 255 end          |
 *
 * Option overload (52, RFC 2132 9.3): value 1 the file field, 2 sname, 3
 * both hold further options; they are read after the options field, file
 * first, each at most once (an overload option inside them is ignored).
 * Long-option concatenation (RFC 3396) is not done: each instance is its
 * own DHCPOption. The first instance of an option fills the summary
 * fields (MessageType, Hostname, ...).
 *
 * Bounds: at most DHCP4_MAX_OPTS options per message are kept (every
 * option has at least 2 octets and every loop ends at its area's end).
 */
#include <stdio.h>

#include "applayer.h"
#include "cursor.h"
#include "observe.h"

#define DHCP4_FIXED    236
#define DHCP4_COOKIE   0x63825363u
#define DHCP4_MAX_OPTS 256

enum {
	OPT_PAD = 0,
	OPT_HOSTNAME = 12,
	OPT_REQ_IP = 50,
	OPT_LEASE = 51,
	OPT_OVERLOAD = 52,
	OPT_MSG_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAM_LIST = 55,
	OPT_VENDOR_CLASS = 60,
	OPT_CLIENT_ID = 61,
	OPT_END = 255,
};

/* What one message's option areas gave; values point into the packet. */
struct dhcp4_opts {
	Netcap__DHCPOption o[DHCP4_MAX_OPTS];
	Netcap__DHCPOption *po[DHCP4_MAX_OPTS];
	size_t n;
	bool too_many;
	int overload;
	const uint8_t *val[256]; /* first instance of each option code */
	uint8_t vlen[256];
};

/*
 * op must be a BOOTREQUEST or BOOTREPLY; the magic cookie claims the
 * content. Without it (BOOTP, or too short) the port may still tell.
 */
static enum nc_probe dhcp4_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 1)
		return NC_PROBE_NEED;
	if (p[0] != 1 && p[0] != 2)
		return NC_PROBE_NO;
	if (len < DHCP4_FIXED + 4)
		return NC_PROBE_NEED;
	uint32_t ck = (uint32_t)p[236] << 24 | (uint32_t)p[237] << 16 |
		      (uint32_t)p[238] << 8 | p[239];
	return ck == DHCP4_COOKIE ? NC_PROBE_YES : NC_PROBE_NEED;
}

/*
 * Read one option area. main: the options field (an overload option
 * there counts; an End is expected). Returns false on a truncated option.
 */
static bool read_area(struct dhcp4_opts *s, struct cur a, bool main,
		      bool *ended)
{
	while (cur_left(&a) > 0) {
		uint8_t code = cur_u8(&a);
		if (code == OPT_PAD)
			continue;
		uint8_t len = 0;
		const uint8_t *v = NULL;
		if (code != OPT_END) {
			len = cur_u8(&a);
			v = cur_bytes(&a, len);
			if (a.err)
				return false;
		}
		if (s->n < DHCP4_MAX_OPTS) {
			Netcap__DHCPOption *o = &s->o[s->n];
			*o = (Netcap__DHCPOption)NETCAP__DHCPOPTION__INIT;
			o->type = code;
			o->length = len;
			o->data.data = (uint8_t *)v;
			o->data.len = len;
			s->po[s->n++] = o;
		} else {
			s->too_many = true;
		}
		if (code == OPT_END) {
			*ended = true;
			return true;
		}
		if (main && code == OPT_OVERLOAD && len == 1 && !s->overload)
			s->overload = v[0] & 3;
		if (!s->val[code]) {
			s->val[code] = v;
			s->vlen[code] = len;
		}
	}
	return true;
}

static uint32_t be32_at(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	       (uint32_t)v[2] << 8 | v[3];
}

/* Text of a fixed-size field up to its first NUL. */
static void field_text(char *out, size_t cap, const uint8_t *p, size_t len)
{
	size_t n = 0;
	while (n < len && p[n])
		n++;
	nc_app_text(out, cap, p, n);
}

static void dhcp4_datagram(struct nc_dec *d, const struct nc_app_conn *c,
			   int dir, const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint8_t op = cur_u8(&k), htype = cur_u8(&k), hlen = cur_u8(&k),
		hops = cur_u8(&k);
	uint32_t xid = cur_be32(&k);
	uint16_t secs = cur_be16(&k), flags = cur_be16(&k);
	const uint8_t *ciaddr = cur_bytes(&k, 4), *yiaddr = cur_bytes(&k, 4),
		      *siaddr = cur_bytes(&k, 4), *giaddr = cur_bytes(&k, 4);
	const uint8_t *chaddr = cur_bytes(&k, 16);
	const uint8_t *sname = cur_bytes(&k, 64);
	const uint8_t *file = cur_bytes(&k, 128);
	if (k.err) {
		nc_app_event(d, c, dir, NC_EV_DHCPV4_TRUNC);
		return;
	}
	bool want = nc_want(d, NC_REC_DHCPV4);
	bool obs = d->obs != NULL;
	if (!want && !obs)
		return;

	/* about 16 KiB: the option table lives on the stack, no malloc */
	struct dhcp4_opts s;
	s.n = 0;
	s.too_many = false;
	s.overload = 0;
	memset(s.val, 0, sizeof(s.val));
	memset(s.vlen, 0, sizeof(s.vlen));

	bool cookie = cur_left(&k) >= 4 && be32_at(k.p) == DHCP4_COOKIE;
	if (cookie) {
		cur_skip(&k, 4);
		bool ended = false, ok = read_area(&s, k, true, &ended);
		if (ok && (s.overload & 1)) {
			bool e2 = false;
			ok = read_area(&s, cur_make(file, 128), false, &e2);
		}
		if (ok && (s.overload & 2)) {
			bool e3 = false;
			ok = read_area(&s, cur_make(sname, 64), false, &e3);
		}
		if (!ok)
			nc_app_event(d, c, dir, NC_EV_DHCPV4_OPT_TRUNC);
		else if (!ended)
			nc_app_event(d, c, dir, NC_EV_DHCPV4_NO_END);
		if (s.too_many)
			nc_app_event(d, c, dir, NC_EV_DHCPV4_OPT_TOO_MANY);
	}

	/* sized for nc_app_text: an octet may become "\xNN" */
	char vendor[255 * 4 + 1] = "";
	if (s.val[OPT_VENDOR_CLASS]) {
		nc_app_text(vendor, sizeof(vendor), s.val[OPT_VENDOR_CLASS],
			    s.vlen[OPT_VENDOR_CLASS]);
		nc_obs_software(d, c, dir, "DHCP vendor class", vendor, "DHCP");
	}
	if (!want)
		return;

	Netcap__DHCPv4 r = NETCAP__DHCPV4__INIT;
	r.timestamp = c->ts;
	r.operation = op;
	r.hardwaretype = htype;
	r.hardwarelen = hlen;
	r.hardwareopts = hops;
	r.xid = xid;
	r.secs = secs;
	r.flags = flags;
	nc_bytes(&r.clientip, ciaddr, 4);
	nc_bytes(&r.yourclientip, yiaddr, 4);
	nc_bytes(&r.nextserverip, siaddr, 4);
	nc_bytes(&r.relayagentip, giaddr, 4);
	nc_bytes(&r.clienthwaddr, chaddr, hlen < 16 ? hlen : 16);

	char sn[64 * 4 + 1] = "", fn[128 * 4 + 1] = "";
	if (!(s.overload & 2))
		field_text(sn, sizeof(sn), sname, 64);
	if (!(s.overload & 1))
		field_text(fn, sizeof(fn), file, 128);
	r.servername = sn;
	r.file = fn;
	r.n_options = s.n;
	r.options = s.po;

	char fp[255 * 4 + 1] = "";
	if (s.val[OPT_PARAM_LIST]) {
		size_t o = 0;
		for (unsigned i = 0; i < s.vlen[OPT_PARAM_LIST]; i++)
			o += (size_t)snprintf(fp + o, sizeof(fp) - o, "%s%u",
					      i ? "," : "",
					      s.val[OPT_PARAM_LIST][i]);
	}
	r.fingerprint = fp;

	if (s.val[OPT_MSG_TYPE] && s.vlen[OPT_MSG_TYPE] >= 1)
		r.messagetype = s.val[OPT_MSG_TYPE][0];
	char host[255 * 4 + 1] = "";
	if (s.val[OPT_HOSTNAME])
		nc_app_text(host, sizeof(host), s.val[OPT_HOSTNAME],
			    s.vlen[OPT_HOSTNAME]);
	r.hostname = host;
	if (s.val[OPT_REQ_IP] && s.vlen[OPT_REQ_IP] == 4)
		nc_bytes(&r.requestedip, s.val[OPT_REQ_IP], 4);
	if (s.val[OPT_SERVER_ID] && s.vlen[OPT_SERVER_ID] == 4)
		nc_bytes(&r.serverip, s.val[OPT_SERVER_ID], 4);
	if (s.val[OPT_LEASE] && s.vlen[OPT_LEASE] == 4)
		r.leasetime = be32_at(s.val[OPT_LEASE]);
	r.vendorclass = vendor;
	if (s.val[OPT_CLIENT_ID])
		nc_bytes(&r.clientid, s.val[OPT_CLIENT_ID],
			 s.vlen[OPT_CLIENT_ID]);

	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_DHCPV4, &r.base);
}

const struct nc_app_parser nc_app_dhcpv4 = {
    .name = "DHCP",
    .transports = NC_APP_UDP,
    .ports = {67, 68, 0},
    .recs = {NC_REC_DHCPV4, NC_REC_MAX},
    .probe = dhcp4_probe,
    .datagram = dhcp4_datagram,
};
