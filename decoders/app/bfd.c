/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bfd.c: Bidirectional Forwarding Detection control packets (RFC 5880
 * 4.1) over UDP: port 3784 single-hop (RFC 5881), 4784 multihop (RFC
 * 5883); one record per datagram. Port 3785 carries echo packets, whose
 * content only their sender reads: counted (bfd.echo), no record.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       My Discriminator                        |
 *  |                      Your Discriminator                       |
 *  |                    Desired Min TX Interval                    |
 *  |                   Required Min RX Interval                    |
 *  |                 Required Min Echo RX Interval                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Auth Type   |   Auth Len    |    Auth Key ID  | ...         |
 *
 * Authentication section (A set, RFC 5880 4.2-4.4): type 1 (simple
 * password) is Key ID then the password; 2/3 (keyed / meticulous keyed
 * MD5) and 4/5 (SHA1) are Key ID, a reserved octet, the Sequence Number
 * and the digest (16 or 20 octets). BFDAuthHeader.Data is the password or
 * the digest. A datagram shorter than 24 octets is bfd.truncated (no
 * record); a Length below 24 (26 with A) or past the datagram is
 * bfd.bad_length, an Auth Len below 3 or past Length bfd.bad_auth: the
 * record is written with the fixed fields, without AuthHeader. No probe:
 * BFD has no magic, so only its ports select it.
 */
#include "applayer.h"
#include "cursor.h"

#define BFD_HDR_LEN   24
#define BFD_ECHO_PORT 3785

static void bfd_datagram(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len)
{
	if ((c->port[0] == BFD_ECHO_PORT || c->port[1] == BFD_ECHO_PORT) &&
	    c->port[0] != 3784 && c->port[1] != 3784 && c->port[0] != 4784 &&
	    c->port[1] != 4784) {
		nc_app_event(d, c, dir, NC_EV_BFD_ECHO);
		return;
	}

	struct cur k = cur_make(p, len);
	uint8_t b0 = cur_u8(&k);
	uint8_t b1 = cur_u8(&k);
	uint8_t mult = cur_u8(&k);
	uint8_t blen = cur_u8(&k);
	uint32_t mydisc = cur_be32(&k);
	uint32_t yourdisc = cur_be32(&k);
	uint32_t mintx = cur_be32(&k);
	uint32_t minrx = cur_be32(&k);
	uint32_t minecho = cur_be32(&k);
	if (k.err) {
		nc_app_event(d, c, dir, NC_EV_BFD_TRUNC);
		return;
	}

	bool auth = b1 & 0x04;
	Netcap__BFDAuthHeader ah = NETCAP__BFDAUTH_HEADER__INIT;
	bool have_auth = false;
	if (blen < BFD_HDR_LEN + (auth ? 2 : 0) || blen > len) {
		nc_app_event(d, c, dir, NC_EV_BFD_BAD_LENGTH);
	} else if (auth) {
		/* the section ends where Length says */
		struct cur a = cur_make(p + BFD_HDR_LEN, blen - BFD_HDR_LEN);
		uint8_t atype = cur_u8(&a);
		uint8_t alen = cur_u8(&a);
		uint8_t key = cur_u8(&a);
		if (alen < 3 || !cur_limit(&a, alen - 3u) || a.err) {
			nc_app_event(d, c, dir, NC_EV_BFD_BAD_AUTH);
		} else {
			ah.authtype = atype;
			ah.keyid = key;
			have_auth = true;
			if (atype >= 2 && atype <= 5) {
				cur_skip(&a, 1); /* reserved */
				ah.sequencenumber = cur_be32(&a);
				if (a.err) {
					nc_app_event(d, c, dir,
						     NC_EV_BFD_BAD_AUTH);
					have_auth = false;
				}
			}
			if (have_auth && cur_left(&a))
				nc_bytes(&ah.data, a.p, cur_left(&a));
		}
	}
	if (!nc_want(d, NC_REC_BFD))
		return;

	Netcap__BFD r = NETCAP__BFD__INIT;
	r.timestamp = c->ts;
	r.version = b0 >> 5;
	r.diagnostic = b0 & 0x1f;
	r.state = b1 >> 6;
	r.poll = b1 & 0x20;
	r.final = b1 & 0x10;
	r.controlplaneindependent = b1 & 0x08;
	r.authpresent = auth;
	r.demand = b1 & 0x02;
	r.multipoint = b1 & 0x01;
	r.detectmultiplier = mult;
	r.mydiscriminator = mydisc;
	r.yourdiscriminator = yourdisc;
	r.desiredmintxinterval = mintx;
	r.requiredminrxinterval = minrx;
	r.requiredminechorxinterval = minecho;
	if (have_auth)
		r.authheader = &ah;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_BFD, &r.base);
}

const struct nc_app_parser nc_app_bfd = {
    .name = "BFD",
    .transports = NC_APP_UDP,
    .ports = {3784, 4784, BFD_ECHO_PORT, 0},
    .recs = {NC_REC_BFD, NC_REC_MAX},
    .datagram = bfd_datagram,
};
