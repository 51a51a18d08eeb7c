/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cdp.c: Cisco Discovery Protocol, versions 1 and 2, after SNAP OUI
 * 00000c PID 0x2000 (snap.def).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Version    |      TTL      |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |             Type              |   Length (header included)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Value ...                             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   more TLVs to the end of the data ...        |
 *
 * CiscoDiscovery: the header and the TLVs as they are (Values, at most
 * NC_MAX_OPTIONS; more is cdp.too_many_tlvs and the walk stops there).
 * CiscoDiscoveryInfo: the TLVs decoded, field by field as gopacket
 * (Netcap) decodes them; a TLV type it does not know goes to Unknown.
 * A known TLV too short for its value, an address list that breaks its
 * own counts, or a TLV length below 4 or past the data is cdp.tlv_invalid
 * (a TLV cut by the snap length: cdp.truncated); the TLVs before it are
 * kept. The checksum is not verified. The frame ends here.
 */
#include "applayer.h"
#include "decode.h"
#include "registry.h"

/* TLV types (Wireshark packet-cdp.c names) */
enum {
	CDP_DEVICE_ID = 0x0001,
	CDP_ADDRESSES = 0x0002,
	CDP_PORT_ID = 0x0003,
	CDP_CAPABILITIES = 0x0004,
	CDP_VERSION = 0x0005,
	CDP_PLATFORM = 0x0006,
	CDP_IP_PREFIX = 0x0007,
	CDP_HELLO = 0x0008,
	CDP_VTP_DOMAIN = 0x0009,
	CDP_NATIVE_VLAN = 0x000a,
	CDP_DUPLEX = 0x000b,
	CDP_VLAN_REPLY = 0x000e,
	CDP_VLAN_QUERY = 0x000f,
	CDP_POWER = 0x0010,
	CDP_MTU = 0x0011,
	CDP_TRUST = 0x0012,
	CDP_UNTRUSTED_COS = 0x0013,
	CDP_SYS_NAME = 0x0014,
	CDP_SYS_OID = 0x0015,
	CDP_MGMT_ADDRESSES = 0x0016,
	CDP_LOCATION = 0x0017,
	CDP_POWER_REQUESTED = 0x0019,
	CDP_POWER_AVAILABLE = 0x001a,
	CDP_ENERGYWISE = 0x001d,
	CDP_SPARE_POE = 0x001f,
};

/* Text of all string fields of one message: each octet may become \xNN. */
#define CDP_TEXT 8192

/* The CiscoDiscoveryInfo record and the storage its pointers use. */
struct cdp_info {
	Netcap__CiscoDiscoveryInfo r;
	Netcap__CDPHello hello;
	Netcap__CDPCapabilities caps;
	Netcap__CDPVLANDialogue vreply, vquery;
	Netcap__CDPLocation loc;
	Netcap__CDPPowerDialogue preq, pavail;
	Netcap__CDPSparePairPoE poe;
	Netcap__CDPEnergyWise ew;
	ProtobufCBinaryData addr[NC_MAX_OPTIONS];
	ProtobufCBinaryData mgmt[NC_MAX_OPTIONS];
	Netcap__IPNet net[NC_MAX_OPTIONS];
	Netcap__IPNet *pnet[NC_MAX_OPTIONS];
	uint8_t mask[NC_MAX_OPTIONS][4];
	uint32_t preqv[NC_MAX_OPTIONS], pavailv[NC_MAX_OPTIONS];
	Netcap__CiscoDiscoveryValue *unknown[NC_MAX_OPTIONS];
	char text[CDP_TEXT];
	size_t used;
};

/* Octets of v as a string field (escaped as nc_app_text does). */
static char *cdp_text(struct cdp_info *x, struct cur v)
{
	size_t cap = CDP_TEXT - x->used;
	char *out = x->text + x->used;

	if (cap == 0)
		return (char *)protobuf_c_empty_string;
	x->used += nc_app_text(out, cap, v.p, cur_left(&v)) + 1;
	return out;
}

/*
 * An address list (Addresses, MgmtAddresses): a 32-bit count, then per
 * address protocol type (1 NLPID, 2 802.2), protocol length, protocol,
 * a 16-bit address length and the address. IPv4 (NLPID 0xcc) and IPv6
 * (802.2 AAAA03 000000 86DD) are kept, others skipped. False when the
 * list breaks its counts.
 */
static bool cdp_addresses(struct cur v, ProtobufCBinaryData *out, size_t *n)
{
	static const uint8_t ipv6[8] = {0xaa, 0xaa, 0x03, 0x00,
					0x00, 0x00, 0x86, 0xdd};
	uint32_t count = cur_be32(&v);

	if (v.err || count == 0)
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint8_t ptype = cur_u8(&v);
		uint8_t plen = cur_u8(&v);
		const uint8_t *proto = cur_bytes(&v, plen);
		uint16_t alen = cur_be16(&v);
		const uint8_t *a = cur_bytes(&v, alen);
		if (v.err)
			return false;
		bool v4 =
		    ptype == 1 && plen == 1 && proto[0] == 0xcc && alen == 4;
		bool v6 = ptype == 2 && plen == 8 &&
			  memcmp(proto, ipv6, 8) == 0 && alen == 16;
		if ((v4 || v6) && *n < NC_MAX_OPTIONS)
			nc_bytes(&out[(*n)++], a, alen);
	}
	return true;
}

/* Power Requested / Available: ID, management ID, then 32-bit values. */
static void cdp_power(struct cur v, Netcap__CDPPowerDialogue *p, uint32_t *vals)
{
	p->id = cur_be16(&v);
	p->mgmtid = cur_be16(&v);
	p->values = vals;
	while (cur_left(&v) >= 4 && p->n_values < NC_MAX_OPTIONS)
		vals[p->n_values++] = cur_be32(&v);
}

/* One TLV into the Info record; false when its value is too short. */
static bool cdp_tlv(struct cdp_info *x, Netcap__CiscoDiscoveryValue *tv,
		    struct cur v)
{
	Netcap__CiscoDiscoveryInfo *r = &x->r;
	size_t len = cur_left(&v);
	static const size_t min[] = {
	    [CDP_ADDRESSES] = 4,
	    [CDP_CAPABILITIES] = 4,
	    [CDP_HELLO] = 32,
	    [CDP_NATIVE_VLAN] = 2,
	    [CDP_DUPLEX] = 1,
	    [CDP_VLAN_REPLY] = 3,
	    [CDP_VLAN_QUERY] = 3,
	    [CDP_POWER] = 2,
	    [CDP_MTU] = 4,
	    [CDP_TRUST] = 1,
	    [CDP_UNTRUSTED_COS] = 1,
	    [CDP_MGMT_ADDRESSES] = 4,
	    [CDP_LOCATION] = 2,
	    [CDP_POWER_REQUESTED] = 4,
	    [CDP_POWER_AVAILABLE] = 4,
	    [CDP_ENERGYWISE] = 72,
	    [CDP_SPARE_POE] = 1,
	};

	if (tv->type < (int32_t)(sizeof(min) / sizeof(min[0])) &&
	    len < min[tv->type])
		return false;

	switch (tv->type) {
	case CDP_DEVICE_ID:
		r->deviceid = cdp_text(x, v);
		break;
	case CDP_ADDRESSES:
		r->addresses = x->addr;
		return cdp_addresses(v, x->addr, &r->n_addresses);
	case CDP_PORT_ID:
		r->portid = cdp_text(x, v);
		break;
	case CDP_CAPABILITIES: {
		uint32_t m = cur_be32(&v);
		Netcap__CDPCapabilities *k = &x->caps;
		k->l3router = m & 0x01;
		k->tbbridge = (m & 0x02) != 0;
		k->spbridge = (m & 0x04) != 0;
		k->l2switch = (m & 0x08) != 0;
		k->ishost = (m & 0x10) != 0;
		k->igmpfilter = (m & 0x20) != 0;
		k->l1repeater = (m & 0x40) != 0;
		k->isphone = (m & 0x80) != 0;
		k->remotelymanaged = (m & 0x100) != 0;
		r->capabilities = k;
		break;
	}
	case CDP_VERSION:
		r->version = cdp_text(x, v);
		break;
	case CDP_PLATFORM:
		r->platform = cdp_text(x, v);
		break;
	case CDP_IP_PREFIX:
		/* 4-octet network and a prefix length, each; Wireshark also
		   reads a 4-octet value as an ODR default gateway */
		if (len % 5 != 0)
			return false;
		r->ipprefixes = x->pnet;
		while (cur_left(&v) >= 5 && r->n_ipprefixes < NC_MAX_OPTIONS) {
			size_t i = r->n_ipprefixes++;
			Netcap__IPNet *p = &x->net[i];
			*p = (Netcap__IPNet)NETCAP__IPNET__INIT;
			nc_bytes(&p->ip, cur_bytes(&v, 4), 4);
			uint8_t bits = cur_u8(&v);
			uint32_t m = bits == 0	  ? 0
				     : bits >= 32 ? 0xffffffffu
						  : ~((1u << (32 - bits)) - 1);
			x->mask[i][0] = (uint8_t)(m >> 24);
			x->mask[i][1] = (uint8_t)(m >> 16);
			x->mask[i][2] = (uint8_t)(m >> 8);
			x->mask[i][3] = (uint8_t)m;
			nc_bytes(&p->ipmask, x->mask[i], 4);
			x->pnet[i] = p;
		}
		break;
	case CDP_HELLO: {
		Netcap__CDPHello *h = &x->hello;
		nc_bytes(&h->oui, cur_bytes(&v, 3), 3);
		h->protocolid = cur_be16(&v);
		nc_bytes(&h->clustermaster, cur_bytes(&v, 4), 4);
		nc_bytes(&h->unknown1, cur_bytes(&v, 4), 4);
		h->version = cur_u8(&v);
		h->subversion = cur_u8(&v);
		h->status = cur_u8(&v);
		h->unknown2 = cur_u8(&v);
		nc_bytes(&h->clustercommander, cur_bytes(&v, 6), 6);
		nc_bytes(&h->switchmac, cur_bytes(&v, 6), 6);
		h->unknown3 = cur_u8(&v);
		h->managementvlan = cur_be16(&v);
		r->cdphello = h;
		break;
	}
	case CDP_VTP_DOMAIN:
		r->vtpdomain = cdp_text(x, v);
		break;
	case CDP_NATIVE_VLAN:
		r->nativevlan = cur_be16(&v);
		break;
	case CDP_DUPLEX:
		r->fullduplex = cur_u8(&v) == 1;
		break;
	case CDP_VLAN_REPLY:
	case CDP_VLAN_QUERY: {
		Netcap__CDPVLANDialogue *q =
		    tv->type == CDP_VLAN_REPLY ? &x->vreply : &x->vquery;
		q->id = cur_u8(&v);
		q->vlan = cur_be16(&v);
		if (tv->type == CDP_VLAN_REPLY)
			r->vlanreply = q;
		else
			r->vlanquery = q;
		break;
	}
	case CDP_POWER:
		r->powerconsumption = cur_be16(&v);
		break;
	case CDP_MTU:
		r->mtu = cur_be32(&v);
		break;
	case CDP_TRUST:
		r->extendedtrust = cur_u8(&v);
		break;
	case CDP_UNTRUSTED_COS:
		r->untrustedcos = cur_u8(&v);
		break;
	case CDP_SYS_NAME:
		r->sysname = cdp_text(x, v);
		break;
	case CDP_SYS_OID:
		nc_bytes(&r->sysoid, v.p, len);
		break;
	case CDP_MGMT_ADDRESSES:
		r->mgmtaddresses = x->mgmt;
		return cdp_addresses(v, x->mgmt, &r->n_mgmtaddresses);
	case CDP_LOCATION:
		x->loc.type = cur_u8(&v);
		x->loc.location = cdp_text(x, v);
		r->location = &x->loc;
		break;
	case CDP_POWER_REQUESTED:
		cdp_power(v, &x->preq, x->preqv);
		r->powerrequest = &x->preq;
		break;
	case CDP_POWER_AVAILABLE:
		cdp_power(v, &x->pavail, x->pavailv);
		r->poweravailable = &x->pavail;
		break;
	case CDP_SPARE_POE: {
		uint8_t b = cur_u8(&v);
		x->poe.psefourwire = b & 0x01;
		x->poe.pdarchshared = (b & 0x02) != 0;
		x->poe.pdrequeston = (b & 0x04) != 0;
		x->poe.pseon = (b & 0x08) != 0;
		r->sparepairpoe = &x->poe;
		break;
	}
	case CDP_ENERGYWISE: {
		/* the fixed part; the sub-TLV table after it is not read */
		Netcap__CDPEnergyWise *e = &x->ew;
		nc_bytes(&e->encrypteddata, cur_bytes(&v, 20), 20);
		e->unknown1 = cur_be32(&v);
		e->sequencenumber = cur_be32(&v);
		e->modelnumber = cdp_text(x, cur_sub(&v, 16));
		e->unknown2 = cur_be16(&v);
		e->hardwareid = cdp_text(x, cur_sub(&v, 3));
		e->serialnum = cdp_text(x, cur_sub(&v, 11));
		nc_bytes(&e->unknown3, cur_bytes(&v, 8), 8);
		r->energywise = e;
		break;
	}
	default:
		if (r->n_unknown < NC_MAX_OPTIONS) {
			x->unknown[r->n_unknown++] = tv;
			r->unknown = x->unknown;
		}
		break;
	}
	return true;
}

enum dec_rc nc_dec_cdp(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t version = cur_u8(&c);
	uint8_t ttl = cur_u8(&c);
	uint16_t checksum = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_CDP_TRUNC, start);
		return DEC_TRUNC;
	}
	if (version != 1 && version != 2) {
		nc_event(d, NC_EV_CDP_BAD_VERSION, start);
		return DEC_INVALID;
	}

	bool want = nc_want(d, NC_REC_CISCO_DISCOVERY);
	bool want_info = nc_want(d, NC_REC_CISCO_DISCOVERY_INFO);
	Netcap__CiscoDiscoveryValue vals[NC_MAX_OPTIONS];
	Netcap__CiscoDiscoveryValue *pv[NC_MAX_OPTIONS];
	struct cdp_info x; /* about 15 KB of stack; set up when wanted */
	size_t n = 0;
	enum dec_rc rc = DEC_OK;

	if (want_info) {
		x.used = 0;
		x.r = (Netcap__CiscoDiscoveryInfo)
		    NETCAP__CISCO_DISCOVERY_INFO__INIT;
		x.hello = (Netcap__CDPHello)NETCAP__CDPHELLO__INIT;
		x.caps = (Netcap__CDPCapabilities)NETCAP__CDPCAPABILITIES__INIT;
		x.vreply =
		    (Netcap__CDPVLANDialogue)NETCAP__CDPVLANDIALOGUE__INIT;
		x.vquery = x.vreply;
		x.loc = (Netcap__CDPLocation)NETCAP__CDPLOCATION__INIT;
		x.preq =
		    (Netcap__CDPPowerDialogue)NETCAP__CDPPOWER_DIALOGUE__INIT;
		x.pavail = x.preq;
		x.poe =
		    (Netcap__CDPSparePairPoE)NETCAP__CDPSPARE_PAIR_PO_E__INIT;
		x.ew = (Netcap__CDPEnergyWise)NETCAP__CDPENERGY_WISE__INIT;
		x.r.timestamp = d->ts;
	}

	while (cur_left(&c) > 0) {
		const uint8_t *t = c.p;
		if (n == NC_MAX_OPTIONS) {
			nc_event(d, NC_EV_CDP_TOO_MANY_TLVS, t);
			rc = DEC_INVALID;
			break;
		}
		uint16_t type = cur_be16(&c);
		uint16_t len = cur_be16(&c);
		if (c.err) {
			nc_event(d,
				 nc_data_cut(d, &c) ? NC_EV_CDP_TRUNC
						    : NC_EV_CDP_TLV_BAD,
				 t);
			rc = DEC_INVALID;
			break;
		}
		if (len < 4) {
			nc_event(d, NC_EV_CDP_TLV_BAD, t);
			rc = DEC_INVALID;
			break;
		}
		struct cur v = cur_sub(&c, len - 4u);
		if (c.err) {
			bool cut = nc_data_cut(d, &c);
			nc_event(d, cut ? NC_EV_CDP_TRUNC : NC_EV_CDP_TLV_BAD,
				 t);
			rc = cut ? DEC_TRUNC : DEC_INVALID;
			break;
		}
		Netcap__CiscoDiscoveryValue *tv = &vals[n];
		*tv = (Netcap__CiscoDiscoveryValue)
		    NETCAP__CISCO_DISCOVERY_VALUE__INIT;
		tv->type = type;
		tv->length = len;
		nc_bytes(&tv->value, v.p, cur_left(&v));
		pv[n] = tv;
		n++;
		if (want_info && !cdp_tlv(&x, tv, v)) {
			nc_event(d, NC_EV_CDP_TLV_BAD, t);
			rc = DEC_INVALID;
		}
	}

	if (want) {
		Netcap__CiscoDiscovery r = NETCAP__CISCO_DISCOVERY__INIT;
		r.timestamp = d->ts;
		r.version = version;
		r.ttl = ttl;
		r.checksum = checksum;
		r.n_values = n;
		r.values = pv;
		nc_emit(d, NC_REC_CISCO_DISCOVERY, &r.base);
	}
	if (want_info)
		nc_emit(d, NC_REC_CISCO_DISCOVERY_INFO, &x.r.base);
	return rc;
}
