/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * enip.c: EtherNet/IP encapsulation (The CIP Networks Library Vol. 2,
 * chapter 2) on TCP and UDP port 44818, implicit I/O on UDP 2222, and
 * the CIP messages (Vol. 1, 2-4) it carries. One ENIP record per
 * encapsulation message, one CIP record per CIP message.
 *
 * Encapsulation header, 24 octets, little-endian:
 *   | Command (2) | Length (2: octets after the header) |
 *   | Session Handle (4) | Status (4) | Sender Context (8) | Options (4) |
 * then Length octets of command-specific data. SendRRData (0x6f) and
 * SendUnitData (0x70) carry an Interface Handle (4), a Timeout (2) and a
 * Common Packet Format list; ListIdentity (0x63), ListInterfaces (0x64)
 * and ListServices (0x04) replies carry the CPF list alone:
 *   | Item Count (2) | { Type ID (2) | Length (2) | Data } ... |
 * CIP messages are the data of an Unconnected Data item (0xb2) and, after
 * a 2-octet sequence count, of a Connected Data item (0xb1):
 *   request:  | Service (1) | Path Size (1, words) | EPATH | data |
 *   response: | Service|0x80 (1) | 0 (1) | General Status (1) |
 *             | Additional Status Size (1, words) | words ... | data |
 * Class, instance and attribute come from the logical segments of the
 * request path (Vol. 1, C-1.4.2); port, symbolic, data and key segments
 * are stepped over. A Multiple Service Packet (0x0a) lists its services
 * by offset and an Unconnected Send (0x52 to the Connection Manager) holds
 * one request: each embedded service gets its own CIP record (Embedded)
 * after the outer one. UDP 2222 (Class 0/1 I/O) has no encapsulation
 * header: its ENIP record (IO) has the CPF items only, and its connected
 * data is application data, not a CIP message.
 *
 * Bounds: at most NC_MAX_OPTIONS CPF items per message
 * (enip.too_many_items), CommandSpecific.Data at most ENIP_DATA_MAX
 * octets, at most NC_MAX_OPTIONS embedded services (cip.too_many_services)
 * and one level of embedding. A CPF list or item longer than its data is
 * enip.bad_items; a CIP message shorter than its header or path
 * cip.bad_message; an unknown path segment cip.bad_path. The encapsulation
 * Length is 16 bits, so a message is at most 65559 octets.
 */
#include <string.h>

#include "appframe.h"
#include "applayer.h"
#include "cursor.h"

#define ENIP_HDR_LEN  24
#define ENIP_DATA_MAX 2048
#define ENIP_IO_PORT  2222

#define CIP_MSP	      0x0a /* Multiple Service Packet */
#define CIP_UCSEND    0x52 /* Unconnected Send */
#define CIP_CLASS_CM  0x06 /* Connection Manager */
#define CIP_MAX_ADDST 16   /* additional status words kept */

struct enip_state {
	struct nc_frame_dir dir[2];
};

/* What a message is written with: the connection, the sender. */
struct enip_at {
	struct nc_dec *d;
	const struct nc_app_conn *c;
	int dir;
};

/* ---------------------------------------------------------------------- */
/* probe */

static bool enip_known_cmd(unsigned cmd)
{
	switch (cmd) {
	case 0x0000: /* NOP */
	case 0x0004: /* ListServices */
	case 0x0063: /* ListIdentity */
	case 0x0064: /* ListInterfaces */
	case 0x0065: /* RegisterSession */
	case 0x0066: /* UnRegisterSession */
	case 0x006f: /* SendRRData */
	case 0x0070: /* SendUnitData */
	case 0x0072: /* IndicateStatus */
	case 0x0073: /* Cancel */
		return true;
	default:
		return false;
	}
}

/*
 * A known encapsulation command (or, for UDP I/O, a CPF item count of
 * 1-4) is plausible: parsed on the ports. A whole header with a known
 * command other than NOP, Options 0 and a Length within what was sent is
 * claimed anywhere (YES), so a connection picked up in the middle, whose
 * first packet is the server's, is still parsed.
 */
static enum nc_probe enip_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 2)
		return NC_PROBE_NEED;
	unsigned v = (unsigned)p[1] << 8 | p[0];
	if (!enip_known_cmd(v))
		return v >= 1 && v <= 4 ? NC_PROBE_NEED : NC_PROBE_NO;
	if (v == 0 || len < ENIP_HDR_LEN)
		return NC_PROBE_NEED;
	size_t l = (size_t)p[3] << 8 | p[2];
	bool opt0 = (p[20] | p[21] | p[22] | p[23]) == 0;
	if (opt0 && ENIP_HDR_LEN + l <= len)
		return NC_PROBE_YES;
	return NC_PROBE_NEED;
}

static size_t enip_total(const uint8_t *p)
{
	return ENIP_HDR_LEN + ((size_t)p[3] << 8 | p[2]);
}

/* ---------------------------------------------------------------------- */
/* CIP */

/*
 * The request path at k (words of 2 octets): logical class, instance and
 * attribute. false when a segment is unknown or cut.
 */
static bool cip_path(struct cur k, Netcap__CIP *r)
{
	while (cur_left(&k)) {
		uint8_t seg = cur_u8(&k);
		uint32_t v = 0;
		if ((seg & 0xe0) == 0x00) {
			/* port segment (C-1.4.1) */
			if ((seg & 0x0f) == 0x0f)
				(void)cur_le16(&k);
			if (seg & 0x10) {
				uint8_t n = cur_u8(&k);
				cur_skip(&k, n);
				if ((1u + ((seg & 0x0f) == 0x0f ? 2u : 0u) +
				     1u + n) &
				    1u)
					cur_skip(&k, 1);
			} else {
				cur_skip(&k, 1);
			}
		} else if ((seg & 0xe0) == 0x20) {
			/* logical segment: type bits 4-2, format bits 1-0 */
			unsigned type = (seg >> 2) & 7, fmt = seg & 3;
			if (type == 5) { /* special: electronic key */
				uint8_t f = cur_u8(&k);
				cur_skip(&k, f == 4 ? 8 : 0);
				if (f != 4)
					return false;
				continue;
			}
			if (fmt == 0) {
				v = cur_u8(&k);
			} else if (fmt == 1) {
				cur_skip(&k, 1);
				v = cur_le16(&k);
			} else if (fmt == 2) {
				cur_skip(&k, 1);
				v = cur_le32(&k);
			} else {
				return false;
			}
			if (type == 0)
				r->classid = v;
			else if (type == 1)
				r->instanceid = v;
			else if (type == 4)
				r->attributeid = v;
		} else if (seg == 0x91) {
			/* ANSI extended symbolic, padded to a word */
			uint8_t n = cur_u8(&k);
			cur_skip(&k, (size_t)n + (n & 1));
		} else if (seg == 0x80) {
			/* simple data segment: n words */
			uint8_t n = cur_u8(&k);
			cur_skip(&k, 2 * (size_t)n);
		} else {
			return false;
		}
		if (k.err)
			return false;
	}
	return true;
}

static void cip_one(const struct enip_at *at, const uint8_t *p, size_t len,
		    bool embedded, unsigned depth);

/* Emit a parsed CIP record. */
static void cip_emit(const struct enip_at *at, Netcap__CIP *r)
{
	if (!nc_want(at->d, NC_REC_CIP))
		return;
	r->timestamp = at->c->ts;
	nc_app_ends(at->c, at->dir, &r->srcip, &r->dstip, &r->srcport,
		    &r->dstport);
	r->uid = nc_app_str(at->c->uid);
	nc_emit(at->d, NC_REC_CIP, &r->base);
}

/* The services of a Multiple Service Packet's data (request or reply). */
static void cip_msp(const struct enip_at *at, const uint8_t *p, size_t len,
		    unsigned depth)
{
	struct cur k = cur_make(p, len);
	uint16_t n = cur_le16(&k);

	if (k.err)
		return;
	if (n > NC_MAX_OPTIONS) {
		nc_app_event(at->d, at->c, at->dir,
			     NC_EV_CIP_TOO_MANY_SERVICES);
		n = NC_MAX_OPTIONS;
	}
	for (unsigned i = 0; i < n; i++) {
		uint16_t off = cur_le16(&k);
		struct cur nx = k;
		uint16_t end = i + 1 < n ? cur_le16(&nx) : (uint16_t)0;
		if (k.err || off < 2 + 2u * n || off > len ||
		    (i + 1 < n && !nx.err && (end < off || end > len))) {
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_CIP_BAD_MESSAGE);
			return;
		}
		size_t stop = i + 1 < n && !nx.err ? end : len;
		cip_one(at, p + off, stop - off, true, depth + 1);
	}
}

/* One CIP message of len octets at p. */
static void cip_one(const struct enip_at *at, const uint8_t *p, size_t len,
		    bool embedded, unsigned depth)
{
	struct cur k = cur_make(p, len);
	Netcap__CIP r = NETCAP__CIP__INIT;
	uint32_t addst[CIP_MAX_ADDST];

	uint8_t sc = cur_u8(&k);
	r.response = (sc & 0x80) != 0;
	r.serviceid = sc & 0x7f;
	r.embedded = embedded;
	if (r.response) {
		(void)cur_u8(&k); /* reserved */
		r.status = cur_u8(&k);
		uint8_t words = cur_u8(&k);
		for (unsigned i = 0; i < words; i++) {
			uint16_t w = cur_le16(&k);
			if (i < CIP_MAX_ADDST)
				addst[r.n_additionalstatus++] = w;
		}
		r.additionalstatus = addst;
	} else {
		uint8_t words = cur_u8(&k);
		struct cur path = cur_sub(&k, 2 * (size_t)words);
		if (!k.err && !cip_path(path, &r))
			nc_app_event(at->d, at->c, at->dir, NC_EV_CIP_BAD_PATH);
	}
	if (k.err) {
		nc_app_event(at->d, at->c, at->dir, NC_EV_CIP_BAD_MESSAGE);
		return;
	}
	if (cur_left(&k)) {
		r.data.data = (uint8_t *)k.p;
		r.data.len = cur_left(&k);
	}
	cip_emit(at, &r);
	if (depth > 0)
		return; /* one level of embedding */
	/* embedded services: a reply's only when it succeeded or is the
	   MSP's "embedded service error" (0x1e) */
	if (r.serviceid == CIP_MSP &&
	    (!r.response || r.status == 0 || r.status == 0x1e))
		cip_msp(at, k.p, cur_left(&k), depth);
	else if (!r.response && r.serviceid == CIP_UCSEND &&
		 r.classid == CIP_CLASS_CM) {
		/* priority/tick, timeout ticks, message size, message */
		cur_skip(&k, 2);
		uint16_t sz = cur_le16(&k);
		const uint8_t *m = cur_bytes(&k, sz);
		if (k.err)
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_CIP_BAD_MESSAGE);
		else
			cip_one(at, m, sz, true, depth + 1);
	}
}

/* ---------------------------------------------------------------------- */
/* ENIP */

/*
 * The CPF list at k into items[]; CIP messages of its data items are
 * written (cip: not for I/O data). Returns the number of items kept.
 */
static size_t enip_cpf(const struct enip_at *at, struct cur k,
		       Netcap__ENIPItem *items, Netcap__ENIPItem **ptr,
		       bool cip)
{
	uint16_t n = cur_le16(&k);
	size_t kept = 0;

	if (k.err) {
		nc_app_event(at->d, at->c, at->dir, NC_EV_ENIP_BAD_ITEMS);
		return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		if (kept >= NC_MAX_OPTIONS) {
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_ENIP_TOO_MANY_ITEMS);
			break;
		}
		uint16_t type = cur_le16(&k);
		uint16_t ilen = cur_le16(&k);
		const uint8_t *data = cur_bytes(&k, ilen);
		if (k.err) {
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_ENIP_BAD_ITEMS);
			break;
		}
		Netcap__ENIPItem *it = &items[kept];
		*it = (Netcap__ENIPItem)NETCAP__ENIPITEM__INIT;
		it->typeid_ = type;
		it->length = ilen;
		if (ilen) {
			it->data.data = (uint8_t *)data;
			it->data.len = ilen;
		}
		ptr[kept] = it;
		kept++;
		if (!cip)
			continue;
		if (type == 0x00b2 && ilen)
			cip_one(at, data, ilen, false, 0);
		else if (type == 0x00b1 && ilen > 2)
			cip_one(at, data + 2, ilen - 2u, false, 0);
	}
	return kept;
}

/*
 * One encapsulation message (io: UDP 2222 CPF list, no header). The ENIP
 * record is written after the CIP records of its items (it borrows the
 * item array only while being written).
 */
static void enip_one(const struct enip_at *at, const uint8_t *p, size_t len,
		     bool io)
{
	struct cur k = cur_make(p, len);
	Netcap__ENIP r = NETCAP__ENIP__INIT;
	Netcap__ENIPCommandSpecificData cs =
	    NETCAP__ENIPCOMMAND_SPECIFIC_DATA__INIT;
	Netcap__ENIPItem items[NC_MAX_OPTIONS];
	Netcap__ENIPItem *ptr[NC_MAX_OPTIONS];

	r.io = io;
	if (!io) {
		r.command = cur_le16(&k);
		r.length = cur_le16(&k);
		r.sessionhandle = cur_le32(&k);
		r.status = cur_le32(&k);
		const uint8_t *ctx = cur_bytes(&k, 8);
		r.options = cur_le32(&k);
		if (k.err || r.length != cur_left(&k)) {
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_ENIP_TRUNCATED);
			return;
		}
		r.sendercontext.data = (uint8_t *)ctx;
		r.sendercontext.len = 8;
	}
	cs.cmd = r.command;
	size_t dl = cur_left(&k) < ENIP_DATA_MAX ? cur_left(&k) : ENIP_DATA_MAX;
	if (dl) {
		cs.data.data = (uint8_t *)k.p;
		cs.data.len = dl;
	}
	bool cpf = io;
	switch (io ? 0xffff : r.command) {
	case 0x006f:
	case 0x0070:
		cs.interfacehandle = cur_le32(&k);
		cs.timeout = cur_le16(&k);
		if (k.err) {
			nc_app_event(at->d, at->c, at->dir,
				     NC_EV_ENIP_BAD_LENGTH);
			break;
		}
		cpf = true;
		break;
	case 0x0004:
	case 0x0063:
	case 0x0064:
		cpf = cur_left(&k) > 0; /* requests have no data */
		break;
	default:
		break;
	}
	if (cpf && !k.err) {
		cs.n_items = enip_cpf(at, k, items, ptr, !io);
		cs.items = ptr;
	}
	if (!nc_want(at->d, NC_REC_ENIP))
		return;
	r.commandspecific = &cs;
	r.timestamp = at->c->ts;
	nc_app_ends(at->c, at->dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(at->c->uid);
	nc_emit(at->d, NC_REC_ENIP, &r.base);
}

/* ---------------------------------------------------------------------- */
/* UDP */

static void enip_datagram(struct nc_dec *d, const struct nc_app_conn *c,
			  int dir, const uint8_t *p, size_t len)
{
	struct enip_at at = {d, c, dir};

	if (c->port[0] == ENIP_IO_PORT || c->port[1] == ENIP_IO_PORT) {
		enip_one(&at, p, len, true);
		return;
	}
	/* encapsulation messages, one after the other */
	while (len) {
		size_t total = len >= 4 ? enip_total(p) : ENIP_HDR_LEN;
		if (total > len) {
			nc_app_event(d, c, dir, NC_EV_ENIP_TRUNCATED);
			return;
		}
		enip_one(&at, p, total, false);
		p += total, len -= total;
	}
}

/* ---------------------------------------------------------------------- */
/* TCP */

static void enip_msg(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct enip_at at = {x->d, x->c, dir};

	(void)st;
	enip_one(&at, p, len, false);
}

static const struct nc_frame_ops enip_ops = {
    .hdr = 4, /* Command and Length */
    .total = enip_total,
    .msg = enip_msg,
};

static void enip_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		      size_t len)
{
	struct nc_frame_dir *f = &((struct enip_state *)st)->dir[dir & 1];

	if (f->stopped)
		return;
	(void)nc_frame_feed(x, f, &enip_ops, st, dir & 1, p, len);
}

static void enip_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct nc_frame_dir *f = &((struct enip_state *)st)->dir[dir & 1];

	(void)len;
	if (f->stopped)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_ENIP_GAP);
	nc_frame_stop(x, f);
}

static void enip_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct nc_frame_dir *f = &((struct enip_state *)st)->dir[dir & 1];

	if (nc_frame_pending(f))
		nc_app_event(x->d, x->c, dir, NC_EV_ENIP_TRUNCATED);
	nc_frame_stop(x, f);
}

static void enip_close(struct nc_app_ctx *x, void *st)
{
	for (int k = 0; k < 2; k++)
		enip_end(x, st, k);
}

const struct nc_app_parser nc_app_enip = {
    .name = "ENIP",
    .transports = NC_APP_TCP | NC_APP_UDP,
    .ports = {44818, ENIP_IO_PORT, 0},
    .recs = {NC_REC_ENIP, NC_REC_CIP, NC_REC_MAX},
    .probe = enip_probe,
    .datagram = enip_datagram,
    .state_size = sizeof(struct enip_state),
    .data = enip_data,
    .gap = enip_gap,
    .end = enip_end,
    .close = enip_close,
};
