/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diameter.c: Diameter (RFC 6733) on TCP port 3868, one record per
 * message. (SCTP transport comes with an SCTP decoder.)
 *
 * Header (RFC 6733 3), 20 octets:
 *   | Version (1) | Message Length (3)                       |
 *   | Flags R P E T r r r r (1) | Command Code (3)           |
 *   | Application-ID (4) | Hop-by-Hop ID (4) | End-to-End ID (4) |
 * then AVPs (RFC 6733 4.1):
 *   | AVP Code (4) | Flags V M P r r r r r (1) | AVP Length (3) |
 *   | [Vendor-ID (4), when V] | Data ... | padding to 4 octets |
 * AVP Length counts the header and the data, not the padding.
 *
 * Values are decoded for the AVPs of the base protocol (RFC 6733) and of
 * credit control (RFC 4006) by their type (RFC 6733 4.2, 4.3): integers
 * as decimal text, UTF8String and DiameterIdentity/URI as text, Address
 * as an IP address, Time as RFC 3339 UTC, OctetString (and any unknown
 * AVP) as hex. A Grouped AVP's data is its AVPs, decoded recursively to
 * DIAM_MAX_DEPTH levels (deeper: diameter.avp_depth, kept as raw octets).
 *
 * Bounds: Version must be 1 and Message Length at least 20 (else
 * diameter.bad_header and the direction stops); at most NC_MAX_OPTIONS
 * AVPs per message in all, grouped ones included (diameter.too_many_avps);
 * an AVP whose length is below its header or beyond its container is
 * diameter.bad_avp and ends its list. A message longer than the parser
 * buffer bound (--max-app-message) stops the direction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "appframe.h"
#include "applayer.h"
#include "cursor.h"
#include "render.h"

#define DIAM_HDR_LEN   20
#define DIAM_MAX_DEPTH 8
#define DIAM_NUM_TEXT  64 /* a number, address or time as text */

enum diam_type {
	DT_OCTETS = 0,
	DT_UTF8,
	DT_IDENT, /* DiameterIdentity */
	DT_URI,	  /* DiameterURI */
	DT_U32,
	DT_U64,
	DT_I32,
	DT_I64,
	DT_ENUM,
	DT_ADDR,
	DT_TIME,
	DT_GROUPED,
	DT_FILTER, /* IPFilterRule */
};

static const char *const diam_type_name[] = {
    [DT_OCTETS] = "OctetString",  [DT_UTF8] = "UTF8String",
    [DT_IDENT] = "DiamIdent",	  [DT_URI] = "DiamURI",
    [DT_U32] = "Unsigned32",	  [DT_U64] = "Unsigned64",
    [DT_I32] = "Integer32",	  [DT_I64] = "Integer64",
    [DT_ENUM] = "Enumerated",	  [DT_ADDR] = "Address",
    [DT_TIME] = "Time",		  [DT_GROUPED] = "Grouped",
    [DT_FILTER] = "IPFilterRule",
};

struct diam_dict {
	uint16_t code;
	uint8_t type;
	const char *name;
};

/* Vendor 0 AVPs: RFC 6733 4.5 and 9.8, RFC 4006 8; sorted by code. */
static const struct diam_dict diam_dict[] = {
    {1, DT_UTF8, "User-Name"},
    {25, DT_OCTETS, "Class"},
    {27, DT_U32, "Session-Timeout"},
    {33, DT_OCTETS, "Proxy-State"},
    {44, DT_OCTETS, "Accounting-Session-Id"},
    {50, DT_UTF8, "Acct-Multi-Session-Id"},
    {55, DT_TIME, "Event-Timestamp"},
    {85, DT_U32, "Acct-Interim-Interval"},
    {257, DT_ADDR, "Host-IP-Address"},
    {258, DT_U32, "Auth-Application-Id"},
    {259, DT_U32, "Acct-Application-Id"},
    {260, DT_GROUPED, "Vendor-Specific-Application-Id"},
    {261, DT_ENUM, "Redirect-Host-Usage"},
    {262, DT_U32, "Redirect-Max-Cache-Time"},
    {263, DT_UTF8, "Session-Id"},
    {264, DT_IDENT, "Origin-Host"},
    {265, DT_U32, "Supported-Vendor-Id"},
    {266, DT_U32, "Vendor-Id"},
    {267, DT_U32, "Firmware-Revision"},
    {268, DT_U32, "Result-Code"},
    {269, DT_UTF8, "Product-Name"},
    {270, DT_U32, "Session-Binding"},
    {271, DT_ENUM, "Session-Server-Failover"},
    {272, DT_U32, "Multi-Round-Time-Out"},
    {273, DT_ENUM, "Disconnect-Cause"},
    {274, DT_ENUM, "Auth-Request-Type"},
    {276, DT_U32, "Auth-Grace-Period"},
    {277, DT_ENUM, "Auth-Session-State"},
    {278, DT_U32, "Origin-State-Id"},
    {279, DT_GROUPED, "Failed-AVP"},
    {280, DT_IDENT, "Proxy-Host"},
    {281, DT_UTF8, "Error-Message"},
    {282, DT_IDENT, "Route-Record"},
    {283, DT_IDENT, "Destination-Realm"},
    {284, DT_GROUPED, "Proxy-Info"},
    {285, DT_ENUM, "Re-Auth-Request-Type"},
    {287, DT_U64, "Accounting-Sub-Session-Id"},
    {291, DT_U32, "Authorization-Lifetime"},
    {292, DT_URI, "Redirect-Host"},
    {293, DT_IDENT, "Destination-Host"},
    {294, DT_IDENT, "Error-Reporting-Host"},
    {295, DT_ENUM, "Termination-Cause"},
    {296, DT_IDENT, "Origin-Realm"},
    {297, DT_GROUPED, "Experimental-Result"},
    {298, DT_U32, "Experimental-Result-Code"},
    {299, DT_U32, "Inband-Security-Id"},
    {411, DT_OCTETS, "CC-Correlation-Id"},
    {412, DT_U64, "CC-Input-Octets"},
    {413, DT_GROUPED, "CC-Money"},
    {414, DT_U64, "CC-Output-Octets"},
    {415, DT_U32, "CC-Request-Number"},
    {416, DT_ENUM, "CC-Request-Type"},
    {417, DT_U64, "CC-Service-Specific-Units"},
    {418, DT_ENUM, "CC-Session-Failover"},
    {419, DT_U64, "CC-Sub-Session-Id"},
    {420, DT_U32, "CC-Time"},
    {421, DT_U64, "CC-Total-Octets"},
    {422, DT_ENUM, "Check-Balance-Result"},
    {423, DT_GROUPED, "Cost-Information"},
    {424, DT_UTF8, "Cost-Unit"},
    {425, DT_U32, "Currency-Code"},
    {426, DT_ENUM, "Credit-Control"},
    {427, DT_ENUM, "Credit-Control-Failure-Handling"},
    {428, DT_ENUM, "Direct-Debiting-Failure-Handling"},
    {429, DT_I32, "Exponent"},
    {430, DT_GROUPED, "Final-Unit-Indication"},
    {431, DT_GROUPED, "Granted-Service-Unit"},
    {432, DT_U32, "Rating-Group"},
    {433, DT_ENUM, "Redirect-Address-Type"},
    {434, DT_GROUPED, "Redirect-Server"},
    {435, DT_UTF8, "Redirect-Server-Address"},
    {436, DT_ENUM, "Requested-Action"},
    {437, DT_GROUPED, "Requested-Service-Unit"},
    {438, DT_FILTER, "Restriction-Filter-Rule"},
    {439, DT_U32, "Service-Identifier"},
    {440, DT_GROUPED, "Service-Parameter-Info"},
    {441, DT_U32, "Service-Parameter-Type"},
    {442, DT_OCTETS, "Service-Parameter-Value"},
    {443, DT_GROUPED, "Subscription-Id"},
    {444, DT_UTF8, "Subscription-Id-Data"},
    {445, DT_GROUPED, "Unit-Value"},
    {446, DT_GROUPED, "Used-Service-Unit"},
    {447, DT_I64, "Value-Digits"},
    {448, DT_U32, "Validity-Time"},
    {449, DT_ENUM, "Final-Unit-Action"},
    {450, DT_ENUM, "Subscription-Id-Type"},
    {451, DT_TIME, "Tariff-Time-Change"},
    {452, DT_ENUM, "Tariff-Change-Usage"},
    {453, DT_U32, "G-S-U-Pool-Identifier"},
    {454, DT_ENUM, "CC-Unit-Type"},
    {455, DT_ENUM, "Multiple-Services-Indicator"},
    {456, DT_GROUPED, "Multiple-Services-Credit-Control"},
    {457, DT_GROUPED, "G-S-U-Pool-Reference"},
    {458, DT_GROUPED, "User-Equipment-Info"},
    {459, DT_ENUM, "User-Equipment-Info-Type"},
    {460, DT_OCTETS, "User-Equipment-Info-Value"},
    {461, DT_UTF8, "Service-Context-Id"},
    {480, DT_ENUM, "Accounting-Record-Type"},
    {483, DT_ENUM, "Accounting-Realtime-Required"},
    {485, DT_U32, "Accounting-Record-Number"},
};

static const struct diam_dict *diam_lookup(uint32_t code, uint32_t vendor)
{
	size_t lo = 0, hi = sizeof(diam_dict) / sizeof(diam_dict[0]);

	if (vendor != 0)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (diam_dict[mid].code == code)
			return &diam_dict[mid];
		if (diam_dict[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct diam_state {
	struct nc_frame_dir dir[2];
};

/* One message's AVP tree: nodes in a flat pool, each container's
   children contiguous in ptr[] (a level is laid out before its groups
   are descended). */
struct diam_tree {
	Netcap__AVP node[NC_MAX_OPTIONS];
	Netcap__AVP *ptr[NC_MAX_OPTIONS];
	unsigned n;   /* nodes used */
	char *text;   /* scratch for DecodedValue strings; NULL: none */
	size_t tleft; /* octets left at text */
	bool full;    /* NC_MAX_OPTIONS reached */
	bool deep;    /* DIAM_MAX_DEPTH reached */
	bool bad;     /* a malformed AVP */
};

/* ---------------------------------------------------------------------- */
/* probe and framing */

static size_t diam_total(const uint8_t *p)
{
	size_t len = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];

	if (p[0] != 1 || len < DIAM_HDR_LEN)
		return 0;
	return len;
}

/* Version 1, a length that is a multiple of 4, reserved flag bits 0. */
static enum nc_probe diam_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 1)
		return NC_PROBE_NEED;
	if (p[0] != 1)
		return NC_PROBE_NO;
	if (len < 5)
		return NC_PROBE_NEED;
	size_t ml = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (ml < DIAM_HDR_LEN || ml % 4 || (p[4] & 0x0f))
		return NC_PROBE_NO;
	return NC_PROBE_NEED; /* port 3868 only */
}

/* ---------------------------------------------------------------------- */
/* values */

/* Text of an AVP value into the scratch block; "" when out of room. */
static char *diam_text(struct diam_tree *t, uint8_t type, const uint8_t *v,
		       size_t n)
{
	static char empty[] = "";
	char *o = t->text;
	size_t cap = t->tleft;
	size_t w = 0;

	if (!o || cap < DIAM_NUM_TEXT)
		return empty;
	switch (type) {
	case DT_U32:
	case DT_ENUM:
		if (n != 4)
			goto hex;
		w = (size_t)snprintf(o, cap, "%" PRIu32,
				     (uint32_t)((uint32_t)v[0] << 24 |
						(uint32_t)v[1] << 16 |
						(uint32_t)v[2] << 8 | v[3]));
		break;
	case DT_I32:
		if (n != 4)
			goto hex;
		w = (size_t)snprintf(o, cap, "%" PRId32,
				     (int32_t)((uint32_t)v[0] << 24 |
					       (uint32_t)v[1] << 16 |
					       (uint32_t)v[2] << 8 | v[3]));
		break;
	case DT_U64:
	case DT_I64: {
		if (n != 8)
			goto hex;
		uint64_t u = 0;
		for (int i = 0; i < 8; i++)
			u = u << 8 | v[i];
		if (type == DT_U64)
			w = (size_t)snprintf(o, cap, "%" PRIu64, u);
		else
			w = (size_t)snprintf(o, cap, "%" PRId64, (int64_t)u);
		break;
	}
	case DT_TIME: {
		/* seconds since 1900-01-01 UTC (RFC 5905 era 0) */
		if (n != 4)
			goto hex;
		uint32_t s = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			     (uint32_t)v[2] << 8 | v[3];
		time_t u = (time_t)((int64_t)s - 2208988800LL);
		struct tm tm;
		if (!gmtime_r(&u, &tm))
			goto hex;
		w = strftime(o, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
		break;
	}
	case DT_ADDR: {
		/* Address family (2 octets, IANA) and the address */
		unsigned fam = n >= 2 ? (unsigned)v[0] << 8 | v[1] : 0;
		if ((fam == 1 && n == 6) || (fam == 2 && n == 18)) {
			nc_render_addr(v + 2, n - 2, o, cap);
			w = strlen(o);
			break;
		}
		goto hex;
	}
	case DT_UTF8:
	case DT_IDENT:
	case DT_URI:
	case DT_FILTER:
		w = nc_app_text(o, cap, v, n);
		break;
	default:
	hex : {
		static const char hx[] = "0123456789abcdef";
		size_t k = 0;
		for (size_t i = 0; i < n && k + 3 <= cap; i++) {
			o[k++] = hx[v[i] >> 4];
			o[k++] = hx[v[i] & 15];
		}
		o[k] = '\0';
		w = k;
		break;
	}
	}
	if (w >= cap)
		w = cap - 1;
	t->text += w + 1;
	t->tleft -= w + 1;
	return o;
}

/* ---------------------------------------------------------------------- */
/* AVPs */

/*
 * Parse the AVP list at p (len octets) into ptr[*first ..]: the list's
 * nodes first, then each Grouped one's children. *count is the number of
 * AVPs of this list kept.
 */
static void diam_avps(struct diam_tree *t, const uint8_t *p, size_t len,
		      unsigned depth, Netcap__AVP ***out, size_t *count)
{
	struct cur k = cur_make(p, len);
	unsigned first = t->n;
	const uint8_t *gdata[NC_MAX_OPTIONS];
	size_t glen[NC_MAX_OPTIONS];

	*out = &t->ptr[first];
	*count = 0;
	while (cur_left(&k)) {
		if (t->n >= NC_MAX_OPTIONS) {
			t->full = true;
			break;
		}
		uint32_t code = cur_be32(&k);
		uint8_t flags = cur_u8(&k);
		uint32_t alen = cur_be24(&k);
		uint32_t hlen = (flags & 0x80) ? 12 : 8;
		uint32_t vendor = (flags & 0x80) ? cur_be32(&k) : 0;
		if (k.err || alen < hlen || alen - hlen > cur_left(&k)) {
			t->bad = true;
			break;
		}
		size_t dlen = alen - hlen;
		const uint8_t *data = cur_bytes(&k, dlen);
		size_t pad = (4 - (alen & 3)) & 3;
		if (pad > cur_left(&k))
			pad = cur_left(&k); /* the last AVP may lack padding */
		cur_skip(&k, pad);

		unsigned i = t->n++;
		Netcap__AVP *a = &t->node[i];
		*a = (Netcap__AVP)NETCAP__AVP__INIT;
		t->ptr[i] = a;
		const struct diam_dict *dd = diam_lookup(code, vendor);
		uint8_t type = dd ? dd->type : DT_OCTETS;
		a->attributecode = code;
		a->attributename = nc_app_str(dd ? dd->name : "");
		a->attributeformat = nc_app_str(diam_type_name[type]);
		a->flags = flags;
		a->headerlen = hlen;
		a->len = alen;
		a->vendorcode = vendor;
		a->padding = (uint32_t)pad;
		a->valuelen = (uint32_t)dlen;
		gdata[i - first] = NULL;
		if (type == DT_GROUPED && depth + 1 < DIAM_MAX_DEPTH) {
			gdata[i - first] = data;
			glen[i - first] = dlen;
			a->decodedvalue = nc_app_str("");
		} else {
			if (type == DT_GROUPED)
				t->deep = true;
			if (dlen) {
				a->value.data = (uint8_t *)data;
				a->value.len = dlen;
			}
			a->decodedvalue =
			    diam_text(t, type == DT_GROUPED ? DT_OCTETS : type,
				      data, dlen);
		}
	}
	unsigned last = t->n;
	*count = last - first;
	for (unsigned i = first; i < last; i++) {
		if (!gdata[i - first])
			continue;
		Netcap__AVP *a = &t->node[i];
		diam_avps(t, gdata[i - first], glen[i - first], depth + 1,
			  &a->grouped, &a->n_grouped);
	}
}

static void diam_msg(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	(void)st;
	struct nc_dec *d = x->d;
	struct cur k = cur_make(p, len);
	Netcap__Diameter r = NETCAP__DIAMETER__INIT;

	r.version = cur_u8(&k);
	r.messagelen = cur_be24(&k);
	r.flags = cur_u8(&k);
	r.commandcode = cur_be24(&k);
	r.applicationid = cur_be32(&k);
	r.hopbyhopid = cur_be32(&k);
	r.endtoendid = cur_be32(&k);
	if (k.err) /* diam_total() asked for the header */
		return;

	struct diam_tree *t = nc_app_alloc(x, sizeof(*t));
	if (!t)
		return; /* counted: app.memory_limit */
	size_t scap = 4 * cur_left(&k) + DIAM_NUM_TEXT * NC_MAX_OPTIONS;
	char *scratch =
	    nc_want(d, NC_REC_DIAMETER) ? nc_app_alloc(x, scap) : NULL;
	t->text = scratch;
	t->tleft = scratch ? scap : 0;
	diam_avps(t, k.p, cur_left(&k), 0, &r.avps, &r.n_avps);
	if (t->bad)
		nc_app_event(d, x->c, dir, NC_EV_DIAMETER_BAD_AVP);
	if (t->full)
		nc_app_event(d, x->c, dir, NC_EV_DIAMETER_TOO_MANY_AVPS);
	if (t->deep)
		nc_app_event(d, x->c, dir, NC_EV_DIAMETER_AVP_DEPTH);
	if (nc_want(d, NC_REC_DIAMETER)) {
		r.timestamp = x->c->ts;
		nc_app_ends(x->c, dir, &r.srcip, &r.dstip, &r.srcport,
			    &r.dstport);
		r.uid = nc_app_str(x->c->uid);
		nc_emit(d, NC_REC_DIAMETER, &r.base);
	}
	if (scratch)
		nc_app_free(x, scratch, scap);
	nc_app_free(x, t, sizeof(*t));
}

/* ---------------------------------------------------------------------- */
/* parser callbacks */

static const struct nc_frame_ops diam_ops = {
    .hdr = 4, /* Version and Message Length */
    .total = diam_total,
    .msg = diam_msg,
};

static void diam_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		      size_t len)
{
	struct nc_frame_dir *f = &((struct diam_state *)st)->dir[dir & 1];

	if (f->stopped)
		return;
	if (!nc_frame_feed(x, f, &diam_ops, st, dir & 1, p, len) &&
	    f->bad_header)
		nc_app_event(x->d, x->c, dir, NC_EV_DIAMETER_BAD_HEADER);
}

static void diam_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct nc_frame_dir *f = &((struct diam_state *)st)->dir[dir & 1];

	(void)len;
	if (f->stopped)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_DIAMETER_GAP);
	nc_frame_stop(x, f);
}

static void diam_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct nc_frame_dir *f = &((struct diam_state *)st)->dir[dir & 1];

	if (nc_frame_pending(f))
		nc_app_event(x->d, x->c, dir, NC_EV_DIAMETER_TRUNCATED);
	nc_frame_stop(x, f);
}

static void diam_close(struct nc_app_ctx *x, void *st)
{
	for (int k = 0; k < 2; k++)
		diam_end(x, st, k);
}

const struct nc_app_parser nc_app_diameter = {
    .name = "Diameter",
    .transports = NC_APP_TCP,
    .ports = {3868, 0},
    .recs = {NC_REC_DIAMETER, NC_REC_MAX},
    .probe = diam_probe,
    .state_size = sizeof(struct diam_state),
    .data = diam_data,
    .gap = diam_gap,
    .end = diam_end,
    .close = diam_close,
};
