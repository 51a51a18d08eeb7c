/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tcp.c: Transmission Control Protocol header (RFC 9293, NS bit RFC 3540).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsvd|S|W|C|R|C|S|S|Y|I|            Window             |
 *  |       |     | |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options                    |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Contract:
 *   - The ports become frame context (d->have_ports) as soon as the first
 *     four octets are read, so every later Anomaly record carries them.
 *   - Data Offset < 5 is tcp.hlen_short and a header not fully captured is
 *     tcp.truncated: no TCP record is written in either case.
 *   - Options: EOL (kind 0) and NOP (kind 1) are one octet; every other
 *     kind is kind, length, data with 2 <= length <= octets left in the
 *     header. OptionLength is the octets the option takes on the wire
 *     (1 for EOL and NOP, the length octet otherwise); OptionData is the
 *     octets after kind and length (empty for EOL and NOP). EOL is kept as
 *     an option and the header octets after it go to Padding. A kind
 *     without room for its length, or a bad length, is tcp.option_invalid:
 *     option parsing stops, the options before it are kept and the record
 *     is written. 40 option octets give at most 40 options, below
 *     NC_MAX_OPTIONS.
 *   - PayloadSize is the captured octets after the header (bounded by the
 *     IP payload); Payload is filled only with --payload.
 *   - Once the whole header is read, d->l4 summarizes the segment for
 *     connection tracking (whether or not TCP records are selected).
 *   - Nothing is dispatched above TCP yet.
 */
#include "decode.h"
#include "registry.h"

#define TCP_HDR_MIN 20
#define TCP_HDR_MAX 60
#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1

_Static_assert(TCP_HDR_MAX - TCP_HDR_MIN <= NC_MAX_OPTIONS,
	       "TCP option array must hold one option per option octet");

/*
 * Parse the option octets o into opts (at most TCP_HDR_MAX - TCP_HDR_MIN).
 * Returns the number of options; *pad gets the octets after EOL;
 * *bad is set when an option is malformed.
 */
static size_t tcp_options(struct cur o, Netcap__TCPOption *opts,
			  ProtobufCBinaryData *pad, bool *bad)
{
	size_t n = 0;

	*bad = false;
	while (cur_left(&o) > 0) {
		uint8_t kind = cur_u8(&o);
		Netcap__TCPOption *op = &opts[n];

		*op = (Netcap__TCPOption)NETCAP__TCPOPTION__INIT;
		op->optiontype = kind;
		if (kind == TCP_OPT_EOL || kind == TCP_OPT_NOP) {
			op->optionlength = 1;
			n++;
			if (kind == TCP_OPT_EOL) {
				nc_bytes(pad, o.p, cur_left(&o));
				break;
			}
			continue;
		}
		uint8_t len = cur_u8(&o);
		if (o.err || len < 2 || (size_t)len - 2 > cur_left(&o)) {
			*bad = true;
			break;
		}
		op->optionlength = len;
		nc_bytes(&op->optiondata, cur_bytes(&o, len - 2u), len - 2u);
		n++;
	}
	return n;
}

enum dec_rc nc_dec_tcp(struct nc_dec *d, struct cur c)
{
	const struct cur ipp = c; /* the IP payload, for d->l4 */
	const uint8_t *start = c.p;
	uint16_t sport = cur_be16(&c);
	uint16_t dport = cur_be16(&c);

	if (!c.err) {
		d->have_ports = true;
		d->src_port = sport;
		d->dst_port = dport;
	}
	uint32_t seq = cur_be32(&c);
	uint32_t ack = cur_be32(&c);
	uint8_t off_ns = cur_u8(&c);
	uint8_t flags = cur_u8(&c);
	uint16_t win = cur_be16(&c);
	uint16_t csum = cur_be16(&c);
	uint16_t urg = cur_be16(&c);

	if (c.err) {
		nc_event(d, NC_EV_TCP_TRUNC, start);
		return DEC_TRUNC;
	}

	unsigned doff = off_ns >> 4;
	size_t hlen = (size_t)doff * 4;
	if (hlen < TCP_HDR_MIN) {
		nc_event(d, NC_EV_TCP_HLEN_SHORT, start);
		return DEC_INVALID;
	}
	struct cur opt = cur_sub(&c, hlen - TCP_HDR_MIN);
	if (c.err) {
		nc_event(d, NC_EV_TCP_TRUNC, start);
		return DEC_TRUNC;
	}

	/* the whole header is here: summary for connection tracking */
	nc_l4_fill(d, 6, &ipp, &c);
	d->l4.tcp_flags = flags;
	d->l4.tcp_ns = (off_ns & 0x01) != 0;
	d->l4.sport = sport;
	d->l4.dport = dport;
	d->l4.seq = seq;
	d->l4.ack = ack;
	d->l4.window = win;

	Netcap__TCPOption opts[TCP_HDR_MAX - TCP_HDR_MIN];
	Netcap__TCPOption *optp[TCP_HDR_MAX - TCP_HDR_MIN];
	ProtobufCBinaryData pad = {0, NULL};
	bool bad;
	size_t nopt = tcp_options(opt, opts, &pad, &bad);

	if (nc_want(d, NC_REC_TCP)) {
		Netcap__TCP r = NETCAP__TCP__INIT;
		r.timestamp = d->ts;
		r.srcport = sport;
		r.dstport = dport;
		r.seqnum = seq;
		r.acknum = ack;
		r.dataoffset = (int32_t)doff;
		r.fin = (flags & 0x01) != 0;
		r.syn = (flags & 0x02) != 0;
		r.rst = (flags & 0x04) != 0;
		r.psh = (flags & 0x08) != 0;
		r.ack = (flags & 0x10) != 0;
		r.urg = (flags & 0x20) != 0;
		r.ece = (flags & 0x40) != 0;
		r.cwr = (flags & 0x80) != 0;
		r.ns = (off_ns & 0x01) != 0;
		r.window = win;
		r.checksum = csum;
		r.urgent = urg;
		r.padding = pad;
		for (size_t i = 0; i < nopt; i++)
			optp[i] = &opts[i];
		r.n_options = nopt;
		r.options = nopt ? optp : NULL;
		nc_payload_fill(d, &c, &r.payloadentropy, &r.payloadsize,
				&r.payload);
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_tm_layer_obs(d, NC_TM_TCP, r.payloadsize, r.payloadentropy);
		nc_emit(d, NC_REC_TCP, &r.base);
	}

	if (bad) {
		nc_event(d, NC_EV_TCP_OPT_BAD, start);
		return DEC_INVALID;
	}
	return DEC_OK;
}
