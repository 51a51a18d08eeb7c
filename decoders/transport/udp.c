/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * udp.c: User Datagram Protocol header (RFC 768).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Length             |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                          data octets ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Contract:
 *   - The ports become frame context as soon as the first four octets are
 *     read. A header not fully captured is udp.truncated (no record).
 *   - Length counts header and data. Length < 8 is udp.length_invalid, and
 *     so is a Length beyond the octets of the IP payload unless that
 *     payload was cut: by the snap length (wirelen > caplen and the
 *     payload ends at the capture end) or by fragmentation (a first
 *     fragment: nc_data_cut()). On udp.length_invalid the record is still
 * written with all captured octets after the header as payload, and the decoder
 * returns DEC_INVALID. A valid Length narrows the payload to Length - 8 octets
 * (octets after it are ignored); on a snaplen-cut frame the payload is what was
 * captured of it.
 *   - Known gap: Length 0 of an IPv6 jumbogram (RFC 2675) is reported as
 *     invalid.
 *   - PayloadSize is the captured payload octets; Payload only with
 *     --payload. A datagram with a valid Length goes on to the tunnel
 *     decoder udpports.def names for its ports (VXLAN, Geneve, GTP-U,
 *     Teredo; nc_dispatch_udpport); application parsers run later, from
 *     the connection.
 *   - Once the header is read, d->l4 summarizes the datagram for
 *     connection tracking (payload on the wire: Length - 8 when valid).
 */
#include "decode.h"
#include "registry.h"

#define UDP_HDR_LEN 8

enum dec_rc nc_dec_udp(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 */
	const uint8_t *start = c.p;
	size_t avail = cur_left(&c);
	uint16_t sport = cur_be16(&c);
	uint16_t dport = cur_be16(&c);

	if (!c.err) {
		d->have_ports = true;
		d->src_port = sport;
		d->dst_port = dport;
	}
	uint16_t len = cur_be16(&c);
	uint16_t csum = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_UDP_TRUNC, start);
		return DEC_TRUNC;
	}

	/* the capture, not a length field, ended the IP payload */
	bool snap_cut = nc_data_cut(d, &c);
	bool bad = len < UDP_HDR_LEN || (len > avail && !snap_cut);
	if (!bad && len <= avail)
		cur_limit(&c, (size_t)len - UDP_HDR_LEN);

	nc_l4_fill(d, 17, &ipp, &c);
	d->l4.sport = sport;
	d->l4.dport = dport;
	if (!bad) /* Length is the datagram on the wire */
		d->l4.payload_wire = (uint32_t)len - UDP_HDR_LEN;

	if (nc_want(d, NC_REC_UDP)) {
		Netcap__UDP r = NETCAP__UDP__INIT;
		r.timestamp = d->ts;
		r.srcport = sport;
		r.dstport = dport;
		r.length = len;
		r.checksum = csum;
		nc_payload_fill(d, &c, &r.payloadentropy, &r.payloadsize,
				&r.payload);
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_tm_layer_obs(d, NC_TM_UDP, r.payloadsize, r.payloadentropy);
		nc_emit(d, NC_REC_UDP, &r.base);
	}

	if (bad) {
		nc_event(d, NC_EV_UDP_LEN_BAD, start);
		return DEC_INVALID;
	}
	/* -- VXLAN, Geneve, GTP-U, Teredo: tunnels by port (udpports.def) -- */
	return nc_dispatch_udpport(d, sport, dport, c);
}
