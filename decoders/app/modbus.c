/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * modbus.c: Modbus/TCP (Modbus Messaging on TCP/IP Implementation Guide
 * V1.0b, section 3.1) on TCP port 502, one record per ADU.
 *
 *   +----------------+----------------+----------------+--------+-------
 *   | Transaction ID | Protocol ID    | Length         | Unit ID| PDU:
 *   | (2, BE)        | (2, BE, 0)     | (2, BE: Unit ID| (1)    | function
 *   |                |                |  and PDU)      |        | code, data
 *   +----------------+----------------+----------------+--------+-------
 *
 * A function code with bit 0x80 set is an exception response whose one
 * data octet is the exception code (Modbus Application Protocol V1.1b3,
 * section 7). For the common data-access functions the start address and
 * quantity are decoded (section 6): requests of 1-4, 15, 16 (address,
 * quantity), 5 and 6 (address), 23 (read address and quantity); responses
 * of 5, 6 (address) and 15, 16 (address, quantity).
 *
 * Bounds: Length 2..254 (a PDU is at most 253 octets; the Unit ID and a
 * function code at least); Protocol ID must be 0. Either broken is
 * modbus.bad_header and stops the direction (there is no resynchronising
 * on a byte stream).
 */
#include "appframe.h"
#include "applayer.h"
#include "cursor.h"

#define MB_MBAP_LEN   7
#define MB_LENGTH_MIN 2
#define MB_LENGTH_MAX 254

struct mb_state {
	struct nc_frame_dir dir[2];
};

/* Modbus has no magic beyond Protocol ID 0 and a sane Length. */
static enum nc_probe mb_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len < 6)
		return NC_PROBE_NEED;
	unsigned proto = (unsigned)p[2] << 8 | p[3];
	unsigned l = (unsigned)p[4] << 8 | p[5];
	if (proto != 0 || l < MB_LENGTH_MIN || l > MB_LENGTH_MAX)
		return NC_PROBE_NO;
	return NC_PROBE_NEED; /* port 502 only: the content is too plain */
}

static size_t mb_total(const uint8_t *p)
{
	unsigned proto = (unsigned)p[2] << 8 | p[3];
	unsigned l = (unsigned)p[4] << 8 | p[5];
	if (proto != 0 || l < MB_LENGTH_MIN || l > MB_LENGTH_MAX)
		return 0;
	return 6 + (size_t)l;
}

/* Address and quantity of the data-access functions (see the top). */
static void mb_addr(Netcap__Modbus *r, int fc, bool resp, struct cur k)
{
	uint16_t a = cur_be16(&k), q = cur_be16(&k);
	bool two = !k.err; /* both words present */

	r->address = -1;
	r->quantity = -1;
	switch (fc) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 23:
		if (!resp && two) {
			r->address = a;
			r->quantity = q;
		}
		break;
	case 5:
	case 6:
		if (two)
			r->address = a;
		break;
	case 15:
	case 16:
		if (two) {
			r->address = a;
			r->quantity = q;
		}
		break;
	default:
		break;
	}
}

static void mb_msg(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		   size_t len)
{
	(void)st;
	struct nc_dec *d = x->d;
	struct cur k = cur_make(p, len);
	Netcap__Modbus r = NETCAP__MODBUS__INIT;

	r.transactionid = cur_be16(&k);
	r.protocolid = cur_be16(&k);
	r.length = cur_be16(&k);
	r.unitid = cur_u8(&k);
	uint8_t fc = cur_u8(&k);
	if (k.err) /* mb_total() asked for at least the function code */
		return;
	if (!nc_want(d, NC_REC_MODBUS))
		return;
	r.timestamp = x->c->ts;
	r.exception = (fc & 0x80) != 0;
	r.functioncode = fc & 0x7f;
	r.isresponse = dir == 1;
	if (cur_left(&k)) {
		r.payload.data = (uint8_t *)k.p;
		r.payload.len = cur_left(&k);
	}
	if (r.exception) {
		r.exceptioncode = cur_left(&k) ? cur_peek_u8(&k, 0) : 0;
		r.address = r.quantity = -1;
	} else {
		mb_addr(&r, r.functioncode, dir == 1, k);
	}
	nc_app_ends(x->c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(x->c->uid);
	nc_emit(d, NC_REC_MODBUS, &r.base);
}

static const struct nc_frame_ops mb_ops = {
    .hdr = MB_MBAP_LEN - 1, /* Length is octets 4-5 */
    .total = mb_total,
    .msg = mb_msg,
};

static void mb_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		    size_t len)
{
	struct mb_state *s = st;
	struct nc_frame_dir *f = &s->dir[dir & 1];

	if (f->stopped)
		return;
	if (!nc_frame_feed(x, f, &mb_ops, st, dir & 1, p, len) && f->bad_header)
		nc_app_event(x->d, x->c, dir, NC_EV_MODBUS_BAD_HEADER);
}

static void mb_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct nc_frame_dir *f = &((struct mb_state *)st)->dir[dir & 1];

	(void)len;
	if (f->stopped)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_MODBUS_GAP);
	nc_frame_stop(x, f);
}

static void mb_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct nc_frame_dir *f = &((struct mb_state *)st)->dir[dir & 1];

	if (nc_frame_pending(f))
		nc_app_event(x->d, x->c, dir, NC_EV_MODBUS_TRUNCATED);
	nc_frame_stop(x, f);
}

static void mb_close(struct nc_app_ctx *x, void *st)
{
	for (int k = 0; k < 2; k++)
		mb_end(x, st, k);
}

const struct nc_app_parser nc_app_modbus = {
    .name = "Modbus",
    .transports = NC_APP_TCP,
    .ports = {502, 0},
    .recs = {NC_REC_MODBUS, NC_REC_MAX},
    .probe = mb_probe,
    .state_size = sizeof(struct mb_state),
    .data = mb_data,
    .gap = mb_gap,
    .end = mb_end,
    .close = mb_close,
};
