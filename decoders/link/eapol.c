/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eapol.c: IEEE 802.1X-2020 EAP over LAN, EtherType 0x888e (also reached
 * from LLC/SNAP on 802.11 through nc_dispatch_ethertype), with the EAP
 * packet (RFC 3748 section 4) and the EAPOL-Key descriptors it carries.
 *
 *   EAPOL:  | Version (1) | Type (1) | Body Length (2) | Body ...
 *   EAP:    | Code (1) | Identifier (1) | Length (2) | Type (1) | Type-Data
 *           (Type only for Request (1) and Response (2))
 *   Key, RC4 descriptor (802.1X-2004 7.6):
 *           | Type=1 | Key Length (2) | Replay Counter (8) | Key IV (16) |
 *           | Key Index (1: bit 7 unicast) | Key Signature (16) | Key ...
 *   Key, RSN (2) / WPA (254) descriptor (802.11-2016 12.7.2):
 *           | Type | Key Information (2) | Key Length (2) |
 *           | Replay Counter (8) | Nonce (32) | Key IV (16) | RSC (8) |
 *           | Reserved/ID (8) | MIC (16) | Key Data Length (2) | Key Data
 *
 * The body is narrowed to Body Length (octets after it are Ethernet
 * padding). A body longer than the data is eapol.length_beyond_frame
 * (eapol.truncated when the snap length cut it), and the EAPOL record is
 * still written; what is there is decoded. EAP: Length < 4 (or < 5 for
 * Request/Response) or past the body is eap.length_invalid (eap.truncated
 * when cut), the record written with what was read. EAPOL-Key: a
 * descriptor shorter than its fixed part is eapol.key_truncated (no
 * record), a Key Data Length past the body eapol.key_data_beyond_body (the
 * record keeps the octets there); other descriptor types are
 * eapol.key_unknown_descriptor (a record with the type only). The MIC is
 * taken as 16 octets (the AKMs whose MIC is longer are not told apart);
 * RSC and ID are read big-endian, as Netcap does.
 */
#include "decode.h"
#include "registry.h"

#define EAPOL_EAP 0
#define EAPOL_KEY 3

#define EAPOL_KEY_RC4 1
#define EAPOL_KEY_RSN 2
#define EAPOL_KEY_WPA 254

static uint64_t eapol_be64(struct cur *c)
{
	uint64_t hi = cur_be32(c);
	return hi << 32 | cur_be32(c);
}

static enum dec_rc eap_packet(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t code = cur_u8(&c);
	uint8_t id = cur_u8(&c);
	uint16_t len = cur_be16(&c);
	enum dec_rc rc = DEC_OK;

	if (c.err) {
		nc_event(d, NC_EV_EAP_TRUNC, start);
		return DEC_TRUNC;
	}
	bool has_type = code == 1 || code == 2;
	if (len < (has_type ? 5u : 4u)) {
		nc_event(d, NC_EV_EAP_LEN_BAD, start);
		rc = DEC_INVALID;
	} else if (!cur_limit(&c, len - 4u)) {
		bool cut = nc_data_cut(d, &c);
		nc_event(d, cut ? NC_EV_EAP_TRUNC : NC_EV_EAP_LEN_BAD, start);
		rc = cut ? DEC_TRUNC : DEC_INVALID;
	}
	if (!nc_want(d, NC_REC_EAP))
		return rc;
	Netcap__EAP r = NETCAP__EAP__INIT;
	r.timestamp = d->ts;
	r.code = code;
	r.id = id;
	r.length = len;
	if (has_type && len >= 5 && cur_left(&c) > 0) {
		r.type = cur_u8(&c);
		nc_bytes(&r.typedata, c.p, cur_left(&c));
	}
	nc_emit(d, NC_REC_EAP, &r.base);
	return rc;
}

static enum dec_rc eapol_key(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	Netcap__EAPOLKey r = NETCAP__EAPOLKEY__INIT;
	enum dec_rc rc = DEC_OK;

	r.timestamp = d->ts;
	r.keydescriptortype = cur_u8(&c);
	if (c.err) {
		nc_event(d, NC_EV_EAPOL_KEY_TRUNC, start);
		return DEC_TRUNC;
	}
	if (r.keydescriptortype == EAPOL_KEY_RC4) {
		r.keylength = cur_be16(&c);
		r.replaycounter = eapol_be64(&c);
		nc_bytes(&r.iv, cur_bytes(&c, 16), 16);
		uint8_t idx = cur_u8(&c);
		nc_bytes(&r.mic, cur_bytes(&c, 16), 16);
		if (c.err) {
			nc_event(d, NC_EV_EAPOL_KEY_TRUNC, start);
			return DEC_TRUNC;
		}
		r.keytype = idx >> 7;
		r.keyindex = idx & 0x7f;
		r.keydatalength = (int32_t)cur_left(&c);
		nc_bytes(&r.encryptedkeydata, c.p, cur_left(&c));
	} else if (r.keydescriptortype == EAPOL_KEY_RSN ||
		   r.keydescriptortype == EAPOL_KEY_WPA) {
		uint16_t info = cur_be16(&c);
		r.keylength = cur_be16(&c);
		r.replaycounter = eapol_be64(&c);
		nc_bytes(&r.nonce, cur_bytes(&c, 32), 32);
		nc_bytes(&r.iv, cur_bytes(&c, 16), 16);
		r.rsc = eapol_be64(&c);
		r.id = eapol_be64(&c);
		nc_bytes(&r.mic, cur_bytes(&c, 16), 16);
		uint16_t dlen = cur_be16(&c);
		if (c.err) {
			nc_event(d, NC_EV_EAPOL_KEY_TRUNC, start);
			return DEC_TRUNC;
		}
		r.keydescriptorversion = info & 0x0007;
		r.keytype = (info & 0x0008) >> 3;
		r.keyindex = (info & 0x0030) >> 4;
		r.install = info & 0x0040;
		r.keyack = info & 0x0080;
		r.keymic = info & 0x0100;
		r.secure = info & 0x0200;
		r.micerror = info & 0x0400;
		r.request = info & 0x0800;
		r.hasencryptedkeydata = info & 0x1000;
		r.smkmessage = info & 0x2000;
		r.keydatalength = dlen;
		size_t have = cur_left(&c);
		if (dlen > have) {
			bool cut = nc_data_cut(d, &c);
			nc_event(d,
				 cut ? NC_EV_EAPOL_KEY_TRUNC
				     : NC_EV_EAPOL_KEY_DATA_LONG,
				 start);
			rc = cut ? DEC_TRUNC : DEC_INVALID;
		}
		nc_bytes(&r.encryptedkeydata, c.p, dlen < have ? dlen : have);
	} else {
		nc_event(d, NC_EV_EAPOL_KEY_UNKNOWN, start);
		rc = DEC_UNSUPPORTED;
	}
	if (nc_want(d, NC_REC_EAPOLKEY))
		nc_emit(d, NC_REC_EAPOLKEY, &r.base);
	return rc;
}

enum dec_rc nc_dec_eapol(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t version = cur_u8(&c);
	uint8_t type = cur_u8(&c);
	uint16_t len = cur_be16(&c);
	enum dec_rc rc = DEC_OK;

	if (c.err) {
		nc_event(d, NC_EV_EAPOL_TRUNC, start);
		return DEC_TRUNC;
	}
	if (nc_want(d, NC_REC_EAPOL)) {
		Netcap__EAPOL r = NETCAP__EAPOL__INIT;
		r.timestamp = d->ts;
		r.version = version;
		r.type = type;
		r.length = len;
		nc_emit(d, NC_REC_EAPOL, &r.base);
	}
	if (!cur_limit(&c, len)) {
		bool cut = nc_data_cut(d, &c);
		nc_event(d, cut ? NC_EV_EAPOL_TRUNC : NC_EV_EAPOL_LEN_LONG,
			 start);
		rc = cut ? DEC_TRUNC : DEC_INVALID;
	}
	enum dec_rc up = DEC_OK;
	if (type == EAPOL_EAP && cur_left(&c) > 0)
		up = eap_packet(d, c);
	else if (type == EAPOL_KEY && cur_left(&c) > 0)
		up = eapol_key(d, c);
	return rc != DEC_OK ? rc : up;
}
