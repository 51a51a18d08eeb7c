/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ntp.c: NTP over UDP port 123 (RFC 5905 section 7.3), one record per
 * datagram.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |LI | VN  |Mode |    Stratum     |     Poll      |  Precision   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Root Delay (16.16)                    |
 *  |                       Root Dispersion (16.16)                 |
 *  |                          Reference ID                         |
 *  |                   Reference Timestamp (64, 32.32)             |
 *  |                      Origin Timestamp (64)                    |
 *  |                      Receive Timestamp (64)                   |
 *  |                      Transmit Timestamp (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Extension fields (RFC 7822), Key ID and MAC ...        |
 *
 * Modes 6 (control) and 7 (private) have another layout and are not
 * claimed. What follows the 48-octet header is kept raw in ExtensionBytes
 * (at most NTP_EXT_MAX octets).
 */
#include "applayer.h"
#include "cursor.h"

#define NTP_HDR_LEN 48
#define NTP_EXT_MAX 2048

/*
 * NTP has no magic, so the content claims it (YES, any port) only when
 * every header field is what RFC 5905 allows a current implementation:
 * version 3 or 4, mode 1-5 (symmetric active .. broadcast), stratum 0-16
 * (17-255 are reserved), poll 0-17 (MAXPOLL; SNTP clients send 0 and
 * servers answer below MINPOLL 4), and 48 octets plus extension fields and
 * a MAC, which are multiples of 4 octets (RFC 7822). What is NTP-like but
 * less sure (version 1 or 2, an odd length, a short packet) is NEED: parsed
 * on port 123 (a short one counted as truncated), not claimed elsewhere.
 */
static enum nc_probe ntp_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 1)
		return NC_PROBE_NEED;
	unsigned vn = (p[0] >> 3) & 7, mode = p[0] & 7;
	if (vn < 1 || vn > 4 || mode < 1 || mode > 5)
		return NC_PROBE_NO;
	if (len < 3)
		return NC_PROBE_NEED;
	if (p[1] > 16)
		return NC_PROBE_NO;
	if (len < NTP_HDR_LEN || (len - NTP_HDR_LEN) % 4 != 0 || vn < 3 ||
	    p[2] > 17)
		return NC_PROBE_NEED;
	return NC_PROBE_YES;
}

static void ntp_datagram(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	uint8_t b0 = cur_u8(&k);
	uint8_t stratum = cur_u8(&k);
	/* signed 8-bit log2 seconds (RFC 5905 7.3) */
	int32_t poll = cur_u8(&k), prec = cur_u8(&k);
	if (poll > 127)
		poll -= 256;
	if (prec > 127)
		prec -= 256;
	uint32_t rdelay = cur_be32(&k);
	uint32_t rdisp = cur_be32(&k);
	uint32_t refid = cur_be32(&k);
	uint64_t ts[4];
	for (int i = 0; i < 4; i++) {
		uint64_t hi = cur_be32(&k);
		ts[i] = hi << 32 | cur_be32(&k);
	}
	if (k.err) {
		nc_app_event(d, c, dir, NC_EV_NTP_TRUNC);
		return;
	}
	if (!nc_want(d, NC_REC_NTP))
		return;

	Netcap__NTP r = NETCAP__NTP__INIT;
	r.timestamp = c->ts;
	r.leapindicator = b0 >> 6;
	r.version = (b0 >> 3) & 7;
	r.mode = b0 & 7;
	r.stratum = stratum;
	r.poll = poll;
	r.precision = prec;
	r.rootdelay = rdelay;
	r.rootdispersion = rdisp;
	r.referenceid = refid;
	r.referencetimestamp = ts[0];
	r.origintimestamp = ts[1];
	r.receivetimestamp = ts[2];
	r.transmittimestamp = ts[3];
	size_t ext = cur_left(&k);
	if (ext > NTP_EXT_MAX)
		ext = NTP_EXT_MAX;
	if (ext) {
		r.extensionbytes.data = (uint8_t *)k.p;
		r.extensionbytes.len = ext;
	}
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_NTP, &r.base);
}

const struct nc_app_parser nc_app_ntp = {
    .name = "NTP",
    .transports = NC_APP_UDP,
    .ports = {123, 0},
    .recs = {NC_REC_NTP, NC_REC_MAX},
    .probe = ntp_probe,
    .datagram = ntp_datagram,
};
