/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lldp.c: Link Layer Discovery Protocol (IEEE 802.1AB-2016), EtherType
 * 0x88cc. The LLDPDU is a list of TLVs:
 *
 *   0                   1                   2
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type (7)   |   Length (9)    |  Value (Length octets) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Chassis ID (1), Port ID (2) and TTL (3) come first, in that order
 * (lldp.mandatory_tlv_missing otherwise); End of LLDPDU (0) ends the list
 * (octets after it are padding). Optional TLVs: Port Description (4),
 * System Name (5), System Description (6), System Capabilities (7),
 * Management Address (8), Organizationally Specific (127); 9..126 are
 * kept as Unknown.
 *
 * Two records per LLDPDU: LinkLayerDiscovery (the mandatory TLVs and every
 * TLV, End included, as Values) and LinkLayerDiscoveryInfo (the optional
 * TLVs decoded). At most NC_MAX_OPTIONS TLVs are kept (lldp.too_many_tlvs
 * stops the walk); a TLV whose length runs past the data is
 * lldp.tlv_length_beyond_frame (lldp.truncated when the snap length cut
 * it); a TLV too short for its type is lldp.tlv_invalid. In every case the
 * records are still written with the TLVs read before. Only the first
 * Management Address TLV is kept in Info (Netcap keeps the last). The
 * strings drop trailing NUL octets; other bytes that are not UTF-8 become
 * "\xNN" (nc_app_text).
 */
#include <stdio.h>

#include "applayer.h" /* nc_app_text */
#include "decode.h"
#include "registry.h"

#define LLDP_END     0
#define LLDP_CHASSIS 1
#define LLDP_PORT    2
#define LLDP_TTL     3
#define LLDP_PDESC   4
#define LLDP_SNAME   5
#define LLDP_SDESC   6
#define LLDP_CAPS    7
#define LLDP_MGMT    8
#define LLDP_ORG     127

/* A TLV value is at most 511 octets; "\xNN" is 4 characters per octet. */
#define LLDP_TEXT (511 * 4 + 1)

struct lldp_state {
	Netcap__LinkLayerDiscoveryValue val[NC_MAX_OPTIONS];
	Netcap__LinkLayerDiscoveryValue *valp[NC_MAX_OPTIONS];
	Netcap__LinkLayerDiscoveryValue *unkp[NC_MAX_OPTIONS];
	Netcap__LLDPOrgSpecificTLV org[NC_MAX_OPTIONS];
	Netcap__LLDPOrgSpecificTLV *orgp[NC_MAX_OPTIONS];
	size_t nval, nunk, norg;
	Netcap__LLDPChassisID chassis;
	Netcap__LLDPPortID port;
	Netcap__LLDPSysCapabilities caps;
	Netcap__LLDPCapabilities syscap, encap;
	Netcap__LLDPMgmtAddress mgmt;
	bool have_caps, have_mgmt;
	char pdesc[LLDP_TEXT], sname[LLDP_TEXT], sdesc[LLDP_TEXT];
	char oid[512];
};

static void lldp_caps(Netcap__LLDPCapabilities *c, uint16_t v)
{
	*c = (Netcap__LLDPCapabilities)NETCAP__LLDPCAPABILITIES__INIT;
	c->other = v & 0x0001;
	c->repeater = v & 0x0002;
	c->bridge = v & 0x0004;
	c->wlanap = v & 0x0008;
	c->router = v & 0x0010;
	c->phone = v & 0x0020;
	c->docsis = v & 0x0040;
	c->stationonly = v & 0x0080;
	c->cvlan = v & 0x0100;
	c->svlan = v & 0x0200;
	c->tmpr = v & 0x0400;
}

/*
 * BER object identifier contents (X.690 8.19) as dotted decimal into out;
 * an empty string when the encoding is bad (a cut sub-identifier, or one
 * over 32 bits).
 */
static void lldp_oid(char *out, size_t cap, const uint8_t *p, size_t len)
{
	size_t n = 0;
	uint64_t v = 0;
	bool first = true;

	out[0] = '\0';
	for (size_t i = 0; i < len; i++) {
		v = v << 7 | (p[i] & 0x7f);
		if (v > 0xffffffffu) {
			out[0] = '\0';
			return;
		}
		if (p[i] & 0x80) {
			if (i + 1 == len) {
				out[0] = '\0';
				return;
			}
			continue;
		}
		int k;
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;
			k = snprintf(out + n, cap - n, "%u.%llu", a,
				     (unsigned long long)(v - 40u * a));
			first = false;
		} else {
			k = snprintf(out + n, cap - n, ".%llu",
				     (unsigned long long)v);
		}
		if (k < 0 || (size_t)k >= cap - n) {
			out[0] = '\0';
			return;
		}
		n += (size_t)k;
		v = 0;
	}
}

/* Management Address TLV value v: false when its lengths do not fit. */
static bool lldp_mgmt(struct lldp_state *s, struct cur v)
{
	uint8_t alen = cur_u8(&v); /* subtype + address */
	if (v.err || alen < 2 || cur_left(&v) < alen)
		return false;
	uint8_t fam = cur_u8(&v);
	const uint8_t *addr = cur_bytes(&v, alen - 1u);
	uint8_t isub = cur_u8(&v);
	uint32_t inum = cur_be32(&v);
	uint8_t olen = cur_u8(&v);
	const uint8_t *oid = cur_bytes(&v, olen);
	if (v.err)
		return false;
	s->mgmt = (Netcap__LLDPMgmtAddress)NETCAP__LLDPMGMT_ADDRESS__INIT;
	s->mgmt.subtype = fam;
	nc_bytes(&s->mgmt.address, addr, alen - 1u);
	s->mgmt.interfacesubtype = isub;
	s->mgmt.interfacenumber = inum;
	lldp_oid(s->oid, sizeof(s->oid), oid, olen);
	s->mgmt.oid = s->oid;
	return true;
}

/*
 * The optional TLV of type t, value v, into Info. False when the value is
 * too short for the type.
 */
static bool lldp_optional(struct lldp_state *s, unsigned t,
			  Netcap__LinkLayerDiscoveryValue *tv, struct cur v)
{
	size_t len = cur_left(&v), slen = len;

	/* strings lose their trailing NULs (C terminators), as in Wireshark */
	while (slen > 0 && v.p[slen - 1] == 0)
		slen--;
	switch (t) {
	case LLDP_PDESC:
		nc_app_text(s->pdesc, sizeof(s->pdesc), v.p, slen);
		return true;
	case LLDP_SNAME:
		nc_app_text(s->sname, sizeof(s->sname), v.p, slen);
		return true;
	case LLDP_SDESC:
		nc_app_text(s->sdesc, sizeof(s->sdesc), v.p, slen);
		return true;
	case LLDP_CAPS: {
		uint16_t sys = cur_be16(&v);
		uint16_t en = cur_be16(&v);
		if (v.err || cur_left(&v) != 0)
			return false;
		lldp_caps(&s->syscap, sys);
		lldp_caps(&s->encap, en);
		s->have_caps = true;
		return true;
	}
	case LLDP_MGMT:
		if (s->have_mgmt)
			return true;
		s->have_mgmt = lldp_mgmt(s, v);
		return s->have_mgmt;
	case LLDP_ORG: {
		uint32_t oui = cur_be24(&v);
		uint8_t sub = cur_u8(&v);
		if (v.err)
			return false;
		Netcap__LLDPOrgSpecificTLV *o = &s->org[s->norg];
		*o = (Netcap__LLDPOrgSpecificTLV)
		    NETCAP__LLDPORG_SPECIFIC_TLV__INIT;
		o->oui = oui;
		o->subtype = sub;
		nc_bytes(&o->info, v.p, cur_left(&v));
		s->orgp[s->norg++] = o;
		return true;
	}
	default: /* 9..126 */
		s->unkp[s->nunk++] = tv;
		return true;
	}
}

static void lldp_emit(struct nc_dec *d, struct lldp_state *s, uint16_t ttl)
{
	if (nc_want(d, NC_REC_LLDP)) {
		Netcap__LinkLayerDiscovery r =
		    NETCAP__LINK_LAYER_DISCOVERY__INIT;
		r.timestamp = d->ts;
		r.chassisid = &s->chassis;
		r.portid = &s->port;
		r.ttl = ttl;
		r.n_values = s->nval;
		r.values = s->valp;
		nc_emit(d, NC_REC_LLDP, &r.base);
	}
	if (nc_want(d, NC_REC_LLDPINFO)) {
		Netcap__LinkLayerDiscoveryInfo r =
		    NETCAP__LINK_LAYER_DISCOVERY_INFO__INIT;
		r.timestamp = d->ts;
		r.portdescription = s->pdesc;
		r.sysname = s->sname;
		r.sysdescription = s->sdesc;
		if (s->have_caps) {
			s->caps = (Netcap__LLDPSysCapabilities)
			    NETCAP__LLDPSYS_CAPABILITIES__INIT;
			s->caps.systemcap = &s->syscap;
			s->caps.enabledcap = &s->encap;
			r.syscapabilities = &s->caps;
		}
		if (s->have_mgmt)
			r.mgmtaddress = &s->mgmt;
		r.n_orgtlvs = s->norg;
		r.orgtlvs = s->orgp;
		r.n_unknown = s->nunk;
		r.unknown = s->unkp;
		nc_emit(d, NC_REC_LLDPINFO, &r.base);
	}
}

enum dec_rc nc_dec_lldp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	struct lldp_state s;
	enum dec_rc rc = DEC_OK;
	uint16_t ttl = 0;

	s.nval = s.nunk = s.norg = 0;
	s.have_caps = s.have_mgmt = false;
	s.pdesc[0] = s.sname[0] = s.sdesc[0] = '\0';
	s.chassis = (Netcap__LLDPChassisID)NETCAP__LLDPCHASSIS_ID__INIT;
	s.port = (Netcap__LLDPPortID)NETCAP__LLDPPORT_ID__INIT;

	if (cur_left(&c) < 2) {
		nc_event(d, NC_EV_LLDP_TRUNC, start);
		return DEC_TRUNC;
	}
	while (cur_left(&c) > 0) {
		const uint8_t *at = c.p;
		uint16_t th = cur_be16(&c);
		unsigned t = th >> 9, len = th & 0x1ff;
		if (c.err) {
			nc_event(d, NC_EV_LLDP_TRUNC, at);
			rc = DEC_TRUNC;
			break;
		}
		if (len > cur_left(&c)) {
			bool cut = nc_data_cut(d, &c);
			nc_event(d,
				 cut ? NC_EV_LLDP_TRUNC : NC_EV_LLDP_TLV_LONG,
				 at);
			rc = cut ? DEC_TRUNC : DEC_INVALID;
			break;
		}
		if (s.nval == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_LLDP_TOO_MANY, at);
			rc = DEC_INVALID;
			break;
		}
		struct cur v = cur_sub(&c, len);
		Netcap__LinkLayerDiscoveryValue *tv = &s.val[s.nval];
		*tv = (Netcap__LinkLayerDiscoveryValue)
		    NETCAP__LINK_LAYER_DISCOVERY_VALUE__INIT;
		tv->type = (int32_t)t;
		tv->length = (int32_t)len;
		nc_bytes(&tv->value, v.p, len);
		s.valp[s.nval] = tv;
		size_t idx = s.nval++;

		bool ok = true;
		if (idx < 3 && t != idx + 1u) {
			nc_event(d, NC_EV_LLDP_MANDATORY, at);
			rc = DEC_INVALID;
		}
		if (t == LLDP_END) {
			if (len != 0)
				ok = false;
		} else if (t == LLDP_CHASSIS || t == LLDP_PORT) {
			/* a subtype octet and at least one ID octet */
			if (len < 2) {
				ok = false;
			} else if (t == LLDP_CHASSIS && idx == 0) {
				s.chassis.subtype = v.p[0];
				nc_bytes(&s.chassis.id, v.p + 1, len - 1u);
			} else if (t == LLDP_PORT && idx == 1) {
				s.port.subtype = v.p[0];
				nc_bytes(&s.port.id, v.p + 1, len - 1u);
			}
		} else if (t == LLDP_TTL) {
			if (len < 2)
				ok = false;
			else if (idx == 2)
				ttl = (uint16_t)(v.p[0] << 8 | v.p[1]);
		} else {
			ok = lldp_optional(&s, t, tv, v);
		}
		if (!ok) {
			nc_event(d, NC_EV_LLDP_TLV_BAD, at);
			rc = DEC_INVALID;
		}
		if (t == LLDP_END)
			break;
	}
	if (s.nval < 3 && rc == DEC_OK) {
		nc_event(d, NC_EV_LLDP_MANDATORY, start);
		rc = DEC_INVALID;
	}
	lldp_emit(d, &s, ttl);
	return rc;
}
