/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lcm.c: LCM (Lightweight Communications and Marshalling, lcm-proj UDP
 * multicast protocol, 239.255.76.67 port 7667), one record per datagram.
 *
 * Short message (magic "LC02"):       Fragment (magic "LC03"):
 *  +-------------------------------+   +-------------------------------+
 *  |        Magic 0x4c433032       |   |        Magic 0x4c433033       |
 *  |        Sequence number        |   |        Sequence number        |
 *  +-------------------------------+   |     Message size (octets)     |
 *  | Channel name ... NUL          |   |        Fragment offset        |
 *  | Payload ...                   |   | Fragment no.  | # fragments   |
 *  +-------------------------------+   +-------------------------------+
 *                                      | fragment 0: channel name NUL  |
 *                                      | Payload ...                   |
 *
 * PayloadSize: a fragment's message size field (as Netcap), a short
 * message's octets after the channel name. A channel name without its NUL
 * or longer than LCM_CHANNEL_MAX (the LCM library's limit) is
 * lcm.truncated; the name is kept as far as it went.
 */
#include "applayer.h"
#include "cursor.h"

#define LCM_SHORT	0x4c433032u
#define LCM_FRAG	0x4c433033u
#define LCM_CHANNEL_MAX 63

/*
 * The magic claims a datagram on any port (YES). "LC" and another version
 * (or fewer than 4 octets) is LCM-like: NEED, parsed on port 7667 only,
 * where it counts lcm.bad_magic (lcm.truncated); anything else is NO.
 */
static enum nc_probe lcm_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len >= 1 && p[0] != 'L')
		return NC_PROBE_NO;
	if (len >= 2 && p[1] != 'C')
		return NC_PROBE_NO;
	if (len < 4)
		return NC_PROBE_NEED;
	uint32_t m = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		     (uint32_t)p[2] << 8 | p[3];
	return m == LCM_SHORT || m == LCM_FRAG ? NC_PROBE_YES : NC_PROBE_NEED;
}

static void lcm_datagram(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint32_t magic = cur_be32(&k);
	uint32_t seq = cur_be32(&k);
	if (k.err) {
		nc_app_event(d, c, dir, NC_EV_LCM_TRUNC);
		return;
	}
	if (magic != LCM_SHORT && magic != LCM_FRAG) {
		nc_app_event(d, c, dir, NC_EV_LCM_BAD_MAGIC);
		return;
	}
	Netcap__LCM r = NETCAP__LCM__INIT;
	r.magic = (int32_t)magic;
	r.sequencenumber = seq;
	if (magic == LCM_FRAG) {
		r.fragmented = true;
		r.payloadsize = (int32_t)cur_be32(&k);
		r.fragmentoffset = cur_be32(&k);
		r.fragmentnumber = cur_be16(&k);
		r.totalfragments = cur_be16(&k);
		if (k.err) {
			nc_app_event(d, c, dir, NC_EV_LCM_TRUNC);
			return;
		}
	}
	char name[LCM_CHANNEL_MAX * 4 + 1] = "";
	if (!r.fragmented || r.fragmentnumber == 0) {
		size_t n = 0, left = cur_left(&k);
		while (n < left && n < LCM_CHANNEL_MAX && k.p[n] != 0)
			n++;
		bool nul = n < left && k.p[n] == 0;
		nc_app_text(name, sizeof name, k.p, n);
		if (!nul) {
			nc_app_event(d, c, dir, NC_EV_LCM_TRUNC);
			cur_skip(&k, n);
		} else {
			cur_skip(&k, n + 1);
		}
	}
	if (!r.fragmented)
		r.payloadsize = (int32_t)cur_left(&k);
	if (!nc_want(d, NC_REC_LCM))
		return;
	r.timestamp = c->ts;
	r.channelname = name;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_LCM, &r.base);
}

const struct nc_app_parser nc_app_lcm = {
    .name = "LCM",
    .transports = NC_APP_UDP,
    .ports = {7667, 0},
    .recs = {NC_REC_LCM, NC_REC_MAX},
    .probe = lcm_probe,
    .datagram = lcm_datagram,
};
