/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of connection tracking (decoders/conn.c) through
 * nc_decode_frame(). Frames are built from the commented templates below,
 * with ports, sequence numbers, flags and payload length patched in.
 *
 * Expected values come from Zeek's documented semantics, worked by hand:
 * conn_state from the endpoint states (scripts/base/protocols/conn/
 * main.zeek conn_state()), history letters (Conn::Info$history: one
 * letter per packet kind, upper case originator), orig_bytes from
 * sequence numbers without the SYN and FIN octets, *_ip_bytes the sum of
 * IP length fields; Community IDs from the spec's baseline table or, for
 * the tuples of these tests, from Python's hashlib (an independent
 * SHA-1) over the spec's hash input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#include "conn.h"
#include "defrag.h"
#include "reasm.h"

#define MS 1000000LL
#define S  1000000000LL
#define T0 (1700000000LL * S)

/* Host A 10.0.0.1 (MAC 02:..:01) and host B 10.0.0.2 (MAC 02:..:02). */
static const uint8_t tcp_tmpl[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC B */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC A */
    0x08, 0x00,				/* IPv4 */
    0x45, 0x00, 0x00, 0x28, /* v4, IHL 5, TOS, total length 40 (patched) */
    0x00, 0x01, 0x40, 0x00, /* id 1, DF */
    0x40, 0x06, 0x00, 0x00, /* TTL 64, TCP, checksum (not checked) */
    0x0a, 0x00, 0x00, 0x01, /* src 10.0.0.1 */
    0x0a, 0x00, 0x00, 0x02, /* dst 10.0.0.2 */
    0x9c, 0x40, 0x00, 0x50, /* sport 40000, dport 80 (patched) */
    0x00, 0x00, 0x00, 0x00, /* seq (patched) */
    0x00, 0x00, 0x00, 0x00, /* ack (patched) */
    0x50, 0x00,		    /* data offset 5, flags (patched) */
    0x03, 0xe8,		    /* window 1000 (patched) */
    0x00, 0x00, 0x00, 0x00, /* checksum, urgent */
};

static const uint8_t udp_tmpl[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC B */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC A */
    0x08, 0x00,				/* IPv4 */
    0x45, 0x00, 0x00, 0x1c,		/* total length 28 (patched) */
    0x00, 0x01, 0x00, 0x00,		/* id 1 */
    0x40, 0x11, 0x00, 0x00,		/* TTL 64, UDP */
    0x0a, 0x00, 0x00, 0x01,		/* src 10.0.0.1 */
    0x0a, 0x00, 0x00, 0x02,		/* dst 10.0.0.2 */
    0x13, 0x88, 0x00, 0x35,		/* sport 5000, dport 53 (patched) */
    0x00, 0x08, 0x00, 0x00,		/* length 8 (patched), checksum */
};

/* ICMP echo between the Community ID spec's 1.2.3.4 and 5.6.7.8 */
static const uint8_t icmp_tmpl[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,		    /* dst MAC */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,		    /* src MAC */
    0x08, 0x00,					    /* IPv4 */
    0x45, 0x00, 0x00, 0x24,			    /* total length 36 */
    0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00, /* TTL 64, ICMP */
    0x01, 0x02, 0x03, 0x04,			    /* src 1.2.3.4 */
    0x05, 0x06, 0x07, 0x08,			    /* dst 5.6.7.8 */
    0x08, 0x00, 0x00, 0x00, /* type 8 echo request (patched), code 0 */
    0x12, 0x34, 0x00, 0x01, /* identifier, sequence */
    0xde, 0xad, 0xbe, 0xef, /* 8 octets of data */
    0xde, 0xad, 0xbe, 0xef,
};

/* ICMPv6 echo between the spec's fe80:0001:... and fe80:1011:... */
static const uint8_t icmp6_tmpl[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
    0x86, 0xdd,				/* IPv6 */
    0x60, 0x00, 0x00, 0x00,		/* v6 */
    0x00, 0x08, 0x3a, 0x40, /* payload length 8, next header 58, hops */
    0xfe, 0x80, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, /* src */
    0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
    0xfe, 0x80, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, /* dst */
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x80, 0x00, 0x00, 0x00, /* type 128 echo request (patched), code */
    0x00, 0x01, 0x00, 0x01, /* identifier, sequence */
};

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

enum { A2B, B2A };

struct frame {
	uint8_t b[1600];
	size_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Swap MACs, the IPv4 addresses and the transport ports: B to A. */
static void reverse4(uint8_t *b)
{
	uint8_t t[6];
	memcpy(t, b, 6);
	memcpy(b, b + 6, 6);
	memcpy(b + 6, t, 6);
	memcpy(t, b + 26, 4);
	memcpy(b + 26, b + 30, 4);
	memcpy(b + 30, t, 4);
	memcpy(t, b + 34, 2);
	memcpy(b + 34, b + 36, 2);
	memcpy(b + 36, t, 2);
}

static struct frame tcp(int dir, uint16_t aport, uint16_t bport, uint8_t fl,
			uint32_t seq, uint32_t ack, uint16_t win, size_t pay)
{
	struct frame f;
	memcpy(f.b, tcp_tmpl, sizeof(tcp_tmpl));
	memset(f.b + sizeof(tcp_tmpl), 'x', pay);
	f.len = sizeof(tcp_tmpl) + pay;
	put16(f.b + 16, (uint16_t)(40 + pay));
	put16(f.b + 34, aport);
	put16(f.b + 36, bport);
	put32(f.b + 38, seq);
	put32(f.b + 42, ack);
	f.b[47] = fl;
	put16(f.b + 48, win);
	if (dir == B2A)
		reverse4(f.b);
	return f;
}

static struct frame udp(int dir, uint16_t aport, uint16_t bport, size_t pay)
{
	struct frame f;
	memcpy(f.b, udp_tmpl, sizeof(udp_tmpl));
	memset(f.b + sizeof(udp_tmpl), 'u', pay);
	f.len = sizeof(udp_tmpl) + pay;
	put16(f.b + 16, (uint16_t)(28 + pay));
	put16(f.b + 34, aport);
	put16(f.b + 36, bport);
	put16(f.b + 38, (uint16_t)(8 + pay));
	if (dir == B2A)
		reverse4(f.b);
	return f;
}

static struct frame icmp(int dir, uint8_t type)
{
	struct frame f;
	memcpy(f.b, icmp_tmpl, sizeof(icmp_tmpl));
	f.len = sizeof(icmp_tmpl);
	f.b[34] = type;
	if (dir == B2A) { /* addresses only: no ports to swap */
		uint8_t t[4];
		memcpy(t, f.b + 26, 4);
		memcpy(f.b + 26, f.b + 30, 4);
		memcpy(f.b + 30, t, 4);
	}
	return f;
}

/* A harness with only Connection and Flow selected and a table. */
static struct harness *conn_h(uint32_t max_conns)
{
	struct harness *h = h_new();
	memset(&h->cfg.want, 0, sizeof(h->cfg.want));
	h->cfg.want.on[NC_REC_CONNECTION] = true;
	h->cfg.want.on[NC_REC_FLOW] = true;
	struct nc_conn_cfg cc;
	nc_conn_cfg_default(&cc);
	cc.max_conns = max_conns;
	h->dec.conns = nc_conntab_new(&cc);
	assert_non_null(h->dec.conns);
	return h;
}

static void conn_free(struct harness *h)
{
	nc_conntab_free(h->dec.conns);
	free(h);
}

/* Decode a frame at time ts, keeping records already collected. */
static void feed(struct harness *h, const struct frame *f, int64_t ts)
{
	nc_decode_frame(&h->dec, NC_LINK_ETHERNET, f->b, (uint32_t)f->len,
			(uint32_t)f->len, ts);
}

static Netcap__Connection *conn_rec(struct harness *h, unsigned nth)
{
	return h_get(h, NC_REC_CONNECTION, nth);
}

/*
 * SCTP (RFC 9260) between A:2905 and B:3868: common header, then one chunk
 * of the given type with a 4-octet value (enough for every type used).
 */
static struct frame sctp(int dir, uint8_t chunk, uint8_t flags)
{
	struct frame f;
	memcpy(f.b, udp_tmpl, 34); /* Ethernet + IPv4 header */
	f.b[23] = 132;		   /* protocol SCTP */
	uint8_t *p = f.b + 34;
	put16(p, 2905);
	put16(p + 2, 3868);
	put32(p + 4, 0x11223344); /* verification tag */
	put32(p + 8, 0);	  /* checksum */
	p[12] = chunk;
	p[13] = flags;
	put16(p + 14, 8);
	put32(p + 16, 0);
	f.len = 34 + 20;
	put16(f.b + 16, 20 + 20);
	if (dir == B2A)
		reverse4(f.b);
	return f;
}

enum { C_DATA = 0, C_INIT = 1, C_INIT_ACK = 2, C_SACK = 3, C_ABORT = 6,
       C_SHUTDOWN = 7, C_SHUTDOWN_ACK = 8, C_COOKIE_ECHO = 10,
       C_COOKIE_ACK = 11, C_SHUTDOWN_COMPLETE = 14 };

/* The association of RFC 9260 section 5.1 and 9.2, in order. */
static void test_sctp_assoc_sf(void **state)
{
	(void)state;
	static const struct {
		int dir;
		uint8_t chunk;
	} seq[] = {
	    {A2B, C_INIT},	   {B2A, C_INIT_ACK},	 {A2B, C_COOKIE_ECHO},
	    {B2A, C_COOKIE_ACK},   {A2B, C_DATA},	 {B2A, C_SACK},
	    {A2B, C_SHUTDOWN},	   {B2A, C_SHUTDOWN_ACK},
	    {A2B, C_SHUTDOWN_COMPLETE},
	};
	struct harness *h = conn_h(100);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		struct frame f = sctp(seq[i].dir, seq[i].chunk, 0);
		feed(h, &f, T0 + (int64_t)i * MS);
	}
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_non_null(c);
	assert_string_equal(c->transportproto, "SCTP");
	assert_bytes(c->srcip, 10, 0, 0, 1); /* the INIT's sender */
	assert_int_equal(c->srcport, 2905);
	assert_int_equal(c->dstport, 3868);
	assert_int_equal(c->origpackets, 5);
	assert_int_equal(c->resppackets, 4);
	/* both endpoints closed by SHUTDOWN / SHUTDOWN ACK: Zeek's SF */
	assert_string_equal(c->connstate, "SF");
	assert_string_equal(c->closereason, "shutdown");
	/* TCP's own counters and history stay empty */
	assert_int_equal(c->numsynflags, 0);
	assert_string_equal(c->history, "");
	H_FREE(c);
	conn_free(h);
}

/* An INIT answered by ABORT (T bit clear): rejected, like SYN then RST. */
static void test_sctp_assoc_rej(void **state)
{
	(void)state;
	struct harness *h = conn_h(100);
	struct frame f = sctp(A2B, C_INIT, 0);
	feed(h, &f, T0);
	f = sctp(B2A, C_ABORT, 0);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_non_null(c);
	assert_string_equal(c->connstate, "REJ");
	assert_string_equal(c->closereason, "abort");
	H_FREE(c);
	conn_free(h);
}

/* The INIT ACK seen first: its receiver is the originator. */
static void test_sctp_flip_on_init_ack(void **state)
{
	(void)state;
	struct harness *h = conn_h(100);
	struct frame f = sctp(B2A, C_INIT_ACK, 0);
	feed(h, &f, T0);
	f = sctp(A2B, C_COOKIE_ECHO, 0);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_non_null(c);
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_int_equal(c->srcport, 2905);
	H_FREE(c);
	conn_free(h);
}

/* 3-way handshake, data both ways, FIN both ways. */
static void handshake_session(struct harness *h, int64_t t)
{
	struct frame f;
	f = tcp(A2B, 40000, 80, SYN, 1000, 0, 1000, 0);
	feed(h, &f, t + 0 * MS);
	f = tcp(B2A, 40000, 80, SYN | ACK, 5000, 1001, 2000, 0);
	feed(h, &f, t + 1 * MS);
	f = tcp(A2B, 40000, 80, ACK, 1001, 5001, 1000, 0);
	feed(h, &f, t + 2 * MS);
	f = tcp(A2B, 40000, 80, PSH | ACK, 1001, 5001, 1000, 100);
	feed(h, &f, t + 3 * MS);
	f = tcp(B2A, 40000, 80, ACK, 5001, 1101, 2000, 0);
	feed(h, &f, t + 4 * MS);
	f = tcp(B2A, 40000, 80, PSH | ACK, 5001, 1101, 2000, 200);
	feed(h, &f, t + 5 * MS);
	f = tcp(A2B, 40000, 80, ACK, 1101, 5201, 1000, 0);
	feed(h, &f, t + 6 * MS);
	f = tcp(A2B, 40000, 80, FIN | ACK, 1101, 5201, 1000, 0);
	feed(h, &f, t + 7 * MS);
	f = tcp(B2A, 40000, 80, FIN | ACK, 5201, 1102, 2000, 0);
	feed(h, &f, t + 8 * MS);
	f = tcp(A2B, 40000, 80, ACK, 1102, 5202, 1000, 0);
	feed(h, &f, t + 9 * MS);
}

static void test_tcp_sf(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	handshake_session(h, T0);
	assert_int_equal(h->n, 0); /* closed, but kept for late packets */
	assert_int_equal(nc_conn_active(h->dec.conns), 1);

	/* the closed state times out after 10 s of packet time */
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 9 * MS + 10 * S, 16), 0);
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 9 * MS + 10 * S + 1, 16),
			 1);
	assert_int_equal(nc_conn_active(h->dec.conns), 0);

	Netcap__Connection *c = conn_rec(h, 0);
	assert_non_null(c);
	assert_string_equal(c->connstate, "SF");
	/* S SYN, h SYN-ACK, A pure ACK, D data, a, d, F FIN, f */
	assert_string_equal(c->history, "ShADadFf");
	assert_string_equal(c->closereason, "fin");
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_bytes(c->dstip, 10, 0, 0, 2);
	assert_bytes(c->srcmac, 0x02, 0, 0, 0, 0, 0x01);
	assert_bytes(c->dstmac, 0x02, 0, 0, 0, 0, 0x02);
	assert_int_equal(c->srcport, 40000);
	assert_int_equal(c->dstport, 80);
	assert_string_equal(c->linkproto, "Ethernet");
	assert_string_equal(c->networkproto, "IPv4");
	assert_string_equal(c->transportproto, "TCP");
	assert_string_equal(c->applicationproto, "");
	assert_int_equal(c->ipprotocol, 6);
	assert_int_equal(c->timestampfirst, T0);
	assert_int_equal(c->timestamplast, T0 + 9 * MS);
	assert_int_equal(c->duration, 9 * MS);
	assert_int_equal(c->origpackets, 6);
	assert_int_equal(c->resppackets, 4);
	assert_int_equal(c->numpackets, 10);
	/* 1102 - 1000 without SYN and FIN; 5202 - 5000 likewise */
	assert_int_equal(c->origbytes, 100);
	assert_int_equal(c->respbytes, 200);
	/* IP total lengths: 5 x 40 + 140; 3 x 40 + 240 */
	assert_int_equal(c->origipbytes, 340);
	assert_int_equal(c->respipbytes, 360);
	/* frames: 5 x 54 + 154; 3 x 54 + 254 */
	assert_int_equal(c->bytesclienttoserver, 424);
	assert_int_equal(c->bytesservertoclient, 416);
	assert_int_equal(c->totalsize, 840);
	assert_int_equal(c->apppayloadsize, 300);
	assert_int_equal(c->numsynflags, 2);
	assert_int_equal(c->numfinflags, 2);
	assert_int_equal(c->numackflags, 9);
	assert_int_equal(c->numpshflags, 2);
	assert_int_equal(c->numrstflags, 0);
	assert_int_equal(c->numurgflags, 0);
	assert_int_equal(c->numnsflags, 0);
	/* (6 x 1000 + 4 x 2000) / 10 */
	assert_int_equal(c->meanwindowsize, 1400);
	assert_int_equal(c->missedbytes, 0);
	/* hashlib over 10.0.0.1:40000 -> 10.0.0.2:80, TCP, seed 0 */
	assert_string_equal(c->communityid, "1:3k1SoWXs/FltHw2aBCgUTgbDQF4=");
	assert_int_equal(strlen(c->uid), 12);
	assert_int_equal(c->uid[0], 'C');

	/* one Flow per direction, joined by the UID */
	assert_int_equal(h_count(h, NC_REC_FLOW), 2);
	Netcap__Flow *fo = h_get(h, NC_REC_FLOW, 0);
	Netcap__Flow *fr = h_get(h, NC_REC_FLOW, 1);
	assert_string_equal(fo->uid, c->uid);
	assert_string_equal(fr->uid, c->uid);
	assert_bytes(fo->srcip, 10, 0, 0, 1);
	assert_int_equal(fo->srcport, 40000);
	assert_int_equal(fo->dstport, 80);
	assert_int_equal(fo->numpackets, 6);
	assert_int_equal(fo->totalsize, 424);
	assert_int_equal(fo->apppayloadsize, 100);
	assert_int_equal(fo->timestampfirst, T0);
	assert_int_equal(fo->timestamplast, T0 + 9 * MS);
	assert_bytes(fr->srcip, 10, 0, 0, 2);
	assert_bytes(fr->srcmac, 0x02, 0, 0, 0, 0, 0x02);
	assert_int_equal(fr->srcport, 80);
	assert_int_equal(fr->dstport, 40000);
	assert_int_equal(fr->numpackets, 4);
	assert_int_equal(fr->totalsize, 416);
	assert_int_equal(fr->apppayloadsize, 200);
	assert_int_equal(fr->timestampfirst, T0 + 1 * MS);
	assert_int_equal(fr->timestamplast, T0 + 8 * MS);
	assert_int_equal(fr->duration, 7 * MS);
	H_FREE(fo);
	H_FREE(fr);
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_CONN_NEW), 1);
	assert_int_equal(h_event(h, NC_EV_CONN_TIMEOUT), 0);
	conn_free(h);
}

static void test_tcp_syn_only_s0(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = tcp(A2B, 40000, 80, SYN, 1000, 0, 1000, 0);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->connstate, "S0");
	assert_string_equal(c->history, "S");
	assert_string_equal(c->closereason, "end_of_input");
	assert_int_equal(c->origbytes, 0);
	assert_int_equal(c->resppackets, 0);
	assert_int_equal(h_count(h, NC_REC_FLOW), 1); /* only one direction */
	H_FREE(c);
	conn_free(h);
}

static void test_tcp_rej(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = tcp(A2B, 40000, 80, SYN, 1000, 0, 1000, 0);
	feed(h, &f, T0);
	f = tcp(B2A, 40000, 80, RST | ACK, 0, 1001, 0, 0);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	/* responder RST while the originator is in SYN_SENT */
	assert_string_equal(c->connstate, "REJ");
	assert_string_equal(c->history, "Sr");
	assert_string_equal(c->closereason, "rst");
	assert_int_equal(c->numrstflags, 1);
	H_FREE(c);
	conn_free(h);
}

/* Handshake, then a RST from side rst_dir. */
static Netcap__Connection *reset_after_setup(struct harness *h, int rst_dir)
{
	struct frame f = tcp(A2B, 40000, 80, SYN, 1000, 0, 1000, 0);
	feed(h, &f, T0);
	f = tcp(B2A, 40000, 80, SYN | ACK, 5000, 1001, 2000, 0);
	feed(h, &f, T0 + 1 * MS);
	f = tcp(A2B, 40000, 80, ACK, 1001, 5001, 1000, 0);
	feed(h, &f, T0 + 2 * MS);
	if (rst_dir == A2B)
		f = tcp(A2B, 40000, 80, RST, 1001, 0, 0, 0);
	else
		f = tcp(B2A, 40000, 80, RST, 5001, 0, 0, 0);
	feed(h, &f, T0 + 3 * MS);
	nc_conn_flush(&h->dec);
	return conn_rec(h, 0);
}

static void test_tcp_rsto_rstr(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	Netcap__Connection *c = reset_after_setup(h, A2B);
	assert_string_equal(c->connstate, "RSTO");
	assert_string_equal(c->history, "ShAR");
	assert_string_equal(c->closereason, "rst");
	H_FREE(c);
	conn_free(h);

	h = conn_h(16);
	c = reset_after_setup(h, B2A);
	assert_string_equal(c->connstate, "RSTR");
	assert_string_equal(c->history, "ShAr");
	H_FREE(c);
	conn_free(h);
}

static void test_tcp_flip_on_synack(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	/* the capture starts at the SYN-ACK from B:80 */
	struct frame f = tcp(B2A, 40000, 80, SYN | ACK, 5000, 1001, 2000, 0);
	feed(h, &f, T0);
	f = tcp(A2B, 40000, 80, ACK, 1001, 5001, 1000, 0);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_bytes(c->srcip, 10, 0, 0, 1); /* A is still the originator */
	assert_int_equal(c->srcport, 40000);
	assert_int_equal(c->dstport, 80);
	assert_string_equal(c->history, "^hA");
	/* responder ESTABLISHED by its SYN-ACK, originator by the ACK */
	assert_string_equal(c->connstate, "S1");
	assert_int_equal(c->origpackets, 1);
	assert_int_equal(c->resppackets, 1);
	assert_int_equal(c->timestampfirst, T0);
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_CONN_FLIPPED), 1);
	conn_free(h);
}

static void test_tcp_flip_midstream_ports(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	/* first packet seen: data from the server port 80 */
	struct frame f = tcp(B2A, 40000, 80, PSH | ACK, 5001, 1001, 2000, 10);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_string_equal(c->history, "^d");
	assert_string_equal(c->connstate, "OTH"); /* no SYN seen */
	assert_int_equal(c->respbytes, 10);
	H_FREE(c);
	conn_free(h);
}

static void test_tcp_reuse_after_close(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	handshake_session(h, T0);
	/* a new SYN with a new ISN, 1 s later, starts a new connection */
	struct frame f = tcp(A2B, 40000, 80, SYN, 777777, 0, 1000, 0);
	feed(h, &f, T0 + S);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->connstate, "SF");
	assert_string_equal(c->closereason, "fin");
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_CONN_REUSED_AFTER_CLOSE), 1);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 1);
	assert_string_equal(c->connstate, "S0");
	assert_int_equal(c->timestampfirst, T0 + S);
	H_FREE(c);
	conn_free(h);
}

static void test_udp_states(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = udp(A2B, 5000, 53, 30);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->connstate, "S0");
	assert_string_equal(c->history, "D");
	assert_string_equal(c->transportproto, "UDP");
	assert_int_equal(c->origbytes, 30); /* UDP payload */
	assert_int_equal(c->origipbytes, 58);
	assert_int_equal(c->meanwindowsize, 0);
	H_FREE(c);
	conn_free(h);

	h = conn_h(16);
	f = udp(A2B, 5000, 53, 30);
	feed(h, &f, T0);
	f = udp(B2A, 5000, 53, 90);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 0);
	assert_string_equal(c->connstate, "SF");
	assert_string_equal(c->history, "Dd");
	assert_int_equal(c->origbytes, 30);
	assert_int_equal(c->respbytes, 90);
	assert_int_equal(c->bytesclienttoserver, 42 + 30);
	assert_int_equal(c->bytesservertoclient, 42 + 90);
	assert_int_equal(c->srcport, 5000);
	/* hashlib over 10.0.0.1:5000 -> 10.0.0.2:53, UDP, seed 0 */
	assert_string_equal(c->communityid, "1:4sSMKwiLG6ALt16rSG1QjqDtqLk=");
	H_FREE(c);
	conn_free(h);
}

static void test_udp_flip_from_service_port(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	/* the DNS answer is the first packet seen: the client originates */
	struct frame f = udp(B2A, 5000, 53, 90);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_int_equal(c->srcport, 5000);
	assert_int_equal(c->dstport, 53);
	assert_string_equal(c->history, "^d");
	assert_string_equal(c->connstate, "SHR"); /* only the responder sent */
	H_FREE(c);
	conn_free(h);
}

static void test_icmp_echo_joins(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = icmp(A2B, 8); /* echo request 1.2.3.4 -> 5.6.7.8 */
	feed(h, &f, T0);
	f = icmp(B2A, 0); /* echo reply */
	feed(h, &f, T0 + MS);
	assert_int_equal(nc_conn_active(h->dec.conns), 1);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->transportproto, "ICMPv4");
	assert_bytes(c->srcip, 1, 2, 3, 4);
	assert_int_equal(c->srcport, 8); /* type */
	assert_int_equal(c->dstport, 0); /* code */
	assert_int_equal(c->origpackets, 1);
	assert_int_equal(c->resppackets, 1);
	assert_int_equal(c->origbytes, 8); /* data after the 8-octet header */
	assert_string_equal(c->connstate, "OTH"); /* Zeek: ICMP is OTH */
	/* community-id-spec baseline: ICMP 1.2.3.4 -> 5.6.7.8 type 8 */
	assert_string_equal(c->communityid, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	H_FREE(c);
	Netcap__Flow *fr = h_get(h, NC_REC_FLOW, 1);
	assert_bytes(fr->srcip, 5, 6, 7, 8);
	assert_int_equal(fr->srcport, 0); /* echo reply type */
	H_FREE(fr);
	conn_free(h);

	/* the reply seen first: its receiver is the originator */
	h = conn_h(16);
	f = icmp(B2A, 0);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 0);
	assert_bytes(c->srcip, 1, 2, 3, 4);
	assert_int_equal(c->srcport, 8);
	assert_int_equal(c->origpackets, 0);
	assert_int_equal(c->resppackets, 1);
	assert_string_equal(c->communityid, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
	H_FREE(c);
	conn_free(h);
}

static void test_icmpv6_echo(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f;
	memcpy(f.b, icmp6_tmpl, sizeof(icmp6_tmpl));
	f.len = sizeof(icmp6_tmpl);
	feed(h, &f, T0);
	/* the reply: swap the addresses, type 129 */
	uint8_t t[16];
	memcpy(t, f.b + 22, 16);
	memcpy(f.b + 22, f.b + 38, 16);
	memcpy(f.b + 38, t, 16);
	f.b[54] = 129;
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->networkproto, "IPv6");
	assert_string_equal(c->transportproto, "ICMPv6");
	assert_int_equal(c->srcport, 128);
	assert_int_equal(c->origipbytes, 48); /* 40 + payload length 8 */
	/* community-id-spec baseline: ICMP6 128 fe80:1:: -> fe80:1011:: */
	assert_string_equal(c->communityid, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
	H_FREE(c);
	conn_free(h);
}

static void test_timeout_reuse(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = udp(A2B, 5000, 53, 10);
	feed(h, &f, T0);
	feed(h, &f, T0 + 60 * S);      /* idle exactly 60 s: same connection */
	feed(h, &f, T0 + 120 * S + 1); /* idle 60 s + 1 ns: a new one */
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->closereason, "timeout");
	assert_int_equal(c->origpackets, 2);
	assert_int_equal(c->duration, 60 * S);
	char uid1[16];
	snprintf(uid1, sizeof(uid1), "%s", c->uid);
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_CONN_TIMEOUT), 1);
	assert_int_equal(h_event(h, NC_EV_CONN_REUSED_AFTER_TIMEOUT), 1);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 1);
	assert_int_equal(c->origpackets, 1);
	assert_int_equal(c->timestampfirst, T0 + 120 * S + 1);
	assert_string_equal(c->closereason, "end_of_input");
	assert_string_not_equal(c->uid, uid1); /* new start time, new UID */
	H_FREE(c);
	conn_free(h);
}

static void test_eviction(void **state)
{
	(void)state;
	struct harness *h = conn_h(4);
	for (uint16_t i = 0; i < 5; i++) {
		struct frame f = udp(A2B, (uint16_t)(6000 + i), 53, 10);
		feed(h, &f, T0 + i * MS);
	}
	assert_int_equal(nc_conn_active(h->dec.conns), 4);
	assert_int_equal(h_event(h, NC_EV_CONN_EVICTED), 1);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->closereason, "evicted");
	assert_int_equal(c->srcport, 6000); /* the least recently active */
	H_FREE(c);

	/* touching 6001 makes 6002 the oldest */
	struct frame f = udp(A2B, 6001, 53, 10);
	feed(h, &f, T0 + 10 * MS);
	f = udp(A2B, 7000, 53, 10);
	feed(h, &f, T0 + 11 * MS);
	c = conn_rec(h, 1);
	assert_int_equal(c->srcport, 6002);
	H_FREE(c);
	conn_free(h);
}

static void test_expire(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	struct frame f = udp(A2B, 6000, 53, 10);
	feed(h, &f, T0);
	f = udp(A2B, 6001, 53, 10);
	feed(h, &f, T0 + 10 * S);
	f = udp(A2B, 6002, 53, 10);
	feed(h, &f, T0 + 20 * S);
	f = tcp(A2B, 40000, 80, SYN, 1, 0, 1000, 0); /* handshake: 30 s */
	feed(h, &f, T0 + 20 * S);

	assert_int_equal(nc_conn_expire(&h->dec, T0 + 51 * S, 100), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->transportproto, "TCP");
	assert_string_equal(c->closereason, "timeout");
	H_FREE(c);
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 65 * S, 100), 1);
	c = conn_rec(h, 1);
	assert_int_equal(c->srcport, 6000);
	H_FREE(c);
	/* both others are idle; at most one visit per call */
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 100 * S, 1), 1);
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 100 * S, 1), 1);
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 100 * S, 1), 0);
	assert_int_equal(nc_conn_active(h->dec.conns), 0);
	assert_int_equal(h_event(h, NC_EV_CONN_TIMEOUT), 4);
	conn_free(h);
}

static void test_uid_stable(void **state)
{
	(void)state;
	char uid[2][16];
	for (int run = 0; run < 2; run++) {
		/* a second table, with other traffic before: same UID */
		struct harness *h = conn_h(run ? 2 : 64);
		if (run) {
			struct frame o = udp(A2B, 9999, 53, 1);
			feed(h, &o, T0 - S);
		}
		struct frame f = udp(B2A, 5000, 53, 90);
		feed(h, &f, T0);
		nc_conn_flush(&h->dec);
		Netcap__Connection *c = conn_rec(h, run ? 1 : 0);
		assert_int_equal(c->srcport, 5000);
		snprintf(uid[run], sizeof(uid[run]), "%s", c->uid);
		H_FREE(c);
		conn_free(h);
	}
	assert_string_equal(uid[0], uid[1]);
}

static void test_selected_types_only(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	h->cfg.want.on[NC_REC_FLOW] = false;
	struct frame f = udp(A2B, 5000, 53, 30);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	assert_int_equal(h_count(h, NC_REC_FLOW), 0);
	conn_free(h);

	/* no record selected: the table still tracks and closes */
	h = conn_h(16);
	memset(&h->cfg.want, 0, sizeof(h->cfg.want));
	feed(h, &f, T0);
	assert_int_equal(nc_conn_active(h->dec.conns), 1);
	nc_conn_flush(&h->dec);
	assert_int_equal(nc_conn_active(h->dec.conns), 0);
	assert_int_equal(h->n, 0);
	conn_free(h);
}

static void test_table_limits(void **state)
{
	(void)state;
	assert_true(nc_conn_bytes_per_entry() <= 256);
	/* two 72-octet streams and a free-list index */
	assert_int_equal(nc_conn_bytes_per_stream_pair(), 148);
	struct nc_conn_cfg cc;
	nc_conn_cfg_default(&cc);
	assert_int_equal(cc.timeout_ns[NC_CT_TCP_ESTABLISHED], 3600 * S);
	cc.max_conns = 0;
	assert_null(nc_conntab_new(&cc));
	/* no table: the decoder does no tracking */
	struct harness *h = h_new();
	struct frame f = udp(A2B, 5000, 53, 30);
	feed(h, &f, T0);
	assert_int_equal(h_event(h, NC_EV_CONN_NEW), 0);
	free(h);
}

/* ---------------------------------------------------------------------- */
/* TCP streams: MissedBytes and the stream sink */

/* What the stream sink received, per direction. */
struct sink {
	char uid[16];
	char data[2][256];
	size_t len[2];
	uint64_t next[2]; /* offset the next call must start at (no gaps) */
	unsigned calls;
	bool in_order;
};

static void sink_fn(void *arg, const char *uid, int dir, const uint8_t *p,
		    size_t len, uint64_t off)
{
	struct sink *s = arg;
	assert_true(dir == 0 || dir == 1);
	snprintf(s->uid, sizeof(s->uid), "%s", uid);
	if (off != s->next[dir])
		s->in_order = false;
	assert_true(s->len[dir] + len <= sizeof(s->data[dir]));
	memcpy(s->data[dir] + s->len[dir], p, len);
	s->len[dir] += len;
	s->next[dir] = off + len;
	s->calls++;
}

/*
 * A harness with a table of max_conns connections, max_streams stream slot
 * pairs, a 1 MiB reassembly pool and, when sk is set, the sink.
 */
static struct harness *stream_h(uint32_t max_conns, uint32_t max_streams,
				struct sink *sk)
{
	struct harness *h = h_new();
	memset(&h->cfg.want, 0, sizeof(h->cfg.want));
	h->cfg.want.on[NC_REC_CONNECTION] = true;
	struct nc_conn_cfg cc;
	nc_conn_cfg_default(&cc);
	cc.max_conns = max_conns;
	cc.max_streams = max_streams;
	if (sk) {
		memset(sk, 0, sizeof(*sk));
		sk->in_order = true;
		cc.stream_data = sink_fn;
		cc.stream_arg = sk;
	}
	h->dec.conns = nc_conntab_new(&cc);
	assert_non_null(h->dec.conns);
	struct nc_reasm_cfg rc;
	nc_reasm_cfg_default(&rc);
	rc.pool_bytes = 1u << 20;
	h->dec.reasm = nc_reasm_pool_new(&rc);
	assert_non_null(h->dec.reasm);
	nc_reasm_pool_set_dec(h->dec.reasm, &h->dec);
	return h;
}

static void stream_free(struct harness *h)
{
	nc_reasm_pool_free(h->dec.reasm);
	conn_free(h);
}

/* A TCP segment carrying the bytes of text (ports 40000 and 80). */
static struct frame tcp_text(int dir, uint8_t fl, uint32_t seq, uint32_t ack,
			     const char *text)
{
	size_t n = strlen(text);
	struct frame f = tcp(dir, 40000, 80, fl, seq, ack, 1000, n);
	memcpy(f.b + sizeof(tcp_tmpl), text, n);
	return f;
}

/* Handshake: A ISN 1000, B ISN 5000. */
static void handshake(struct harness *h, int64_t t)
{
	struct frame f = tcp(A2B, 40000, 80, SYN, 1000, 0, 1000, 0);
	feed(h, &f, t);
	f = tcp(B2A, 40000, 80, SYN | ACK, 5000, 1001, 2000, 0);
	feed(h, &f, t + 1 * MS);
	f = tcp(A2B, 40000, 80, ACK, 1001, 5001, 1000, 0);
	feed(h, &f, t + 2 * MS);
}

/* FIN both ways after A sent up to a_end and B up to b_end. */
static void close_both(struct harness *h, int64_t t, uint32_t a_end,
		       uint32_t b_end)
{
	struct frame f = tcp(A2B, 40000, 80, FIN | ACK, a_end, b_end, 1000, 0);
	feed(h, &f, t);
	f = tcp(B2A, 40000, 80, FIN | ACK, b_end, a_end + 1, 2000, 0);
	feed(h, &f, t + 1 * MS);
	f = tcp(A2B, 40000, 80, ACK, a_end + 1, b_end + 1, 1000, 0);
	feed(h, &f, t + 2 * MS);
}

static void test_missed_bytes_gap(void **state)
{
	(void)state;
	struct harness *h = stream_h(16, 16, NULL);
	handshake(h, T0);
	/* A sends 1001..1100, then 1201..1300: octets 1101..1200 (100) are
	 * never captured; B sends 50 octets, all seen */
	struct frame f = tcp(A2B, 40000, 80, PSH | ACK, 1001, 5001, 1000, 100);
	feed(h, &f, T0 + 3 * MS);
	f = tcp(A2B, 40000, 80, PSH | ACK, 1201, 5001, 1000, 100);
	feed(h, &f, T0 + 4 * MS);
	f = tcp(B2A, 40000, 80, PSH | ACK, 5001, 1301, 2000, 50);
	feed(h, &f, T0 + 5 * MS);
	close_both(h, T0 + 6 * MS, 1301, 5051);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->connstate, "SF");
	/* Zeek: orig_bytes from sequence numbers (300), missed_bytes the
	 * 100 octets of the hole */
	assert_int_equal(c->origbytes, 300);
	assert_int_equal(c->respbytes, 50);
	assert_int_equal(c->missedbytes, 100);
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_REASM_GAP), 1);
	assert_int_equal(nc_conn_streams_active(h->dec.conns), 0);
	stream_free(h);

	/* the same with the missing segment arriving late: nothing missed */
	h = stream_h(16, 16, NULL);
	handshake(h, T0);
	f = tcp(A2B, 40000, 80, PSH | ACK, 1001, 5001, 1000, 100);
	feed(h, &f, T0 + 3 * MS);
	f = tcp(A2B, 40000, 80, PSH | ACK, 1201, 5001, 1000, 100);
	feed(h, &f, T0 + 4 * MS);
	f = tcp(A2B, 40000, 80, PSH | ACK, 1101, 5001, 1000, 100);
	feed(h, &f, T0 + 5 * MS);
	close_both(h, T0 + 6 * MS, 1301, 5001);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 0);
	assert_int_equal(c->origbytes, 300);
	assert_int_equal(c->missedbytes, 0);
	H_FREE(c);
	assert_int_equal(h_event(h, NC_EV_REASM_GAP), 0);
	stream_free(h);
}

static void test_missed_bytes_acked_unseen(void **state)
{
	(void)state;
	/* B's 40 octets 5001..5040 are acknowledged by A but never seen;
	 * the connection times out: the flush counts them */
	struct harness *h = stream_h(16, 16, NULL);
	handshake(h, T0);
	struct frame f = tcp(A2B, 40000, 80, ACK, 1001, 5041, 1000, 0);
	feed(h, &f, T0 + 3 * MS);
	assert_int_equal(nc_conn_expire(&h->dec, T0 + 4000 * S, 16), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->closereason, "timeout");
	assert_int_equal(c->missedbytes, 40);
	H_FREE(c);
	stream_free(h);
}

static void test_stream_sink(void **state)
{
	(void)state;
	struct sink sk;
	struct harness *h = stream_h(16, 16, &sk);
	handshake(h, T0);
	/* "world" (seq 1007) before "hello " (seq 1001): reordered */
	struct frame f = tcp_text(A2B, PSH | ACK, 1007, 5001, "world");
	feed(h, &f, T0 + 3 * MS);
	assert_int_equal(sk.calls, 0); /* held until the hole is filled */
	f = tcp_text(A2B, PSH | ACK, 1001, 5001, "hello ");
	feed(h, &f, T0 + 4 * MS);
	f = tcp_text(B2A, PSH | ACK, 5001, 1012, "ok");
	feed(h, &f, T0 + 5 * MS);
	/* a retransmission of "hello " delivers nothing new */
	f = tcp_text(A2B, PSH | ACK, 1001, 5003, "hello ");
	feed(h, &f, T0 + 6 * MS);
	close_both(h, T0 + 7 * MS, 1012, 5003);
	nc_conn_flush(&h->dec);

	assert_int_equal(sk.len[0], 11);
	assert_memory_equal(sk.data[0], "hello world", 11);
	assert_int_equal(sk.len[1], 2);
	assert_memory_equal(sk.data[1], "ok", 2);
	assert_true(sk.in_order);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_string_equal(c->uid, sk.uid);
	assert_int_equal(c->missedbytes, 0);
	H_FREE(c);
	stream_free(h);

	/* capture starts at B's SYN-ACK (flip): B is the responder, so its
	 * bytes are direction 1 */
	h = stream_h(16, 16, &sk);
	f = tcp(B2A, 40000, 80, SYN | ACK, 5000, 1001, 2000, 0);
	feed(h, &f, T0);
	f = tcp_text(B2A, PSH | ACK, 5001, 1001, "banner");
	feed(h, &f, T0 + 1 * MS);
	f = tcp_text(A2B, PSH | ACK, 1001, 5007, "req");
	feed(h, &f, T0 + 2 * MS);
	nc_conn_flush(&h->dec);
	assert_int_equal(sk.len[1], 6);
	assert_memory_equal(sk.data[1], "banner", 6);
	/* A's stream has no SYN: picked up at its first data */
	assert_int_equal(sk.len[0], 3);
	assert_memory_equal(sk.data[0], "req", 3);
	c = conn_rec(h, 0);
	assert_string_equal(c->history, "^hdD");
	assert_string_equal(c->uid, sk.uid);
	H_FREE(c);
	stream_free(h);
}

static void test_stream_slots_exhausted(void **state)
{
	(void)state;
	/* one stream slot pair for up to 4 connections */
	struct harness *h = stream_h(4, 1, NULL);
	assert_int_equal(nc_conn_streams_max(h->dec.conns), 1);
	handshake(h, T0); /* 40000 -> 80 takes the slot */
	assert_int_equal(nc_conn_streams_active(h->dec.conns), 1);

	/* 40001 -> 80: no slot; tracked, MissedBytes from sequence numbers:
	 * 300 octets of sequence space, 200 of payload seen */
	struct frame f = tcp(A2B, 40001, 80, SYN, 7000, 0, 1000, 0);
	feed(h, &f, T0 + 10 * MS);
	f = tcp(A2B, 40001, 80, PSH | ACK, 7001, 0, 1000, 100);
	feed(h, &f, T0 + 11 * MS);
	f = tcp(A2B, 40001, 80, PSH | ACK, 7201, 0, 1000, 100);
	feed(h, &f, T0 + 12 * MS);
	assert_int_equal(h_event(h, NC_EV_CONN_NO_STREAM_SLOT), 1);
	assert_int_equal(nc_conn_active(h->dec.conns), 2);
	assert_int_equal(nc_conn_streams_active(h->dec.conns), 1);

	/* UDP and ICMP never take a slot */
	struct frame u = udp(A2B, 5000, 53, 10);
	feed(h, &u, T0 + 13 * MS);
	assert_int_equal(h_event(h, NC_EV_CONN_NO_STREAM_SLOT), 1);

	nc_conn_flush(&h->dec);
	assert_int_equal(nc_conn_streams_active(h->dec.conns), 0);
	for (unsigned i = 0; i < 3; i++) {
		Netcap__Connection *c = conn_rec(h, i);
		if (c->srcport == 40001) {
			assert_int_equal(c->origbytes, 300);
			assert_int_equal(c->missedbytes, 100);
		} else {
			assert_int_equal(c->missedbytes, 0);
		}
		H_FREE(c);
	}

	/* the slot is free again for the next TCP connection */
	f = tcp(A2B, 40002, 80, SYN, 9000, 0, 1000, 0);
	feed(h, &f, T0 + 20 * MS);
	assert_int_equal(nc_conn_streams_active(h->dec.conns), 1);
	assert_int_equal(h_event(h, NC_EV_CONN_NO_STREAM_SLOT), 1);
	stream_free(h);
}

/* ---------------------------------------------------------------------- */
/* IP lengths and the IPv6 final destination (ipv4.c, ipv6.c) */

static void test_ipv4_options_ip_len(void **state)
{
	(void)state;
	/* IHL 6: 4 octets of options (3 x NOP, End of Option List); UDP
	 * with 10 octets of payload: Total Length 24 + 8 + 10 = 42 */
	static const uint8_t frame[] = {
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x08, 0x00,				/* IPv4 */
	    0x46, 0x00, 0x00, 0x2a,		/* v4, IHL 6, total length 42 */
	    0x00, 0x01, 0x00, 0x00,		/* id 1 */
	    0x40, 0x11, 0x00, 0x00,		/* TTL 64, UDP */
	    0x0a, 0x00, 0x00, 0x01,		/* src 10.0.0.1 */
	    0x0a, 0x00, 0x00, 0x02,		/* dst 10.0.0.2 */
	    0x01, 0x01, 0x01, 0x00,		/* NOP NOP NOP EOL */
	    0x13, 0x88, 0x00, 0x35,		/* sport 5000, dport 53 */
	    0x00, 0x12, 0x00, 0x00,		/* length 18, checksum */
	    'a',  'b',	'c',  'd',  'e',  'f',	'g', 'h', 'i', 'j',
	};
	struct harness *h = conn_h(16);
	struct frame f;
	memcpy(f.b, frame, sizeof(frame));
	f.len = sizeof(frame);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_int_equal(c->origipbytes, 42); /* the Total Length field */
	assert_int_equal(c->origbytes, 10);
	H_FREE(c);
	conn_free(h);
}

static void test_ipv4_reassembled_counts(void **state)
{
	(void)state;
	/* one UDP datagram of 8 + 16 octets in two fragments: offset 0 with
	 * 16 octets (MF), offset 2 (16 octets) with 8 */
	static const uint8_t frag1[] = {
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x08, 0x00,				/* IPv4 */
	    0x45, 0x00, 0x00, 0x24,		/* IHL 5, total length 36 */
	    0x12, 0x34, 0x20, 0x00,		/* id 0x1234, MF, offset 0 */
	    0x40, 0x11, 0x00, 0x00,		/* TTL 64, UDP */
	    0x0a, 0x00, 0x00, 0x01,		/* src 10.0.0.1 */
	    0x0a, 0x00, 0x00, 0x02,		/* dst 10.0.0.2 */
	    0x13, 0x88, 0x00, 0x35,		/* sport 5000, dport 53 */
	    0x00, 0x18, 0x00, 0x00,		/* length 24, checksum */
	    '0',  '1',	'2',  '3',  '4',  '5',	'6', '7', /* data 0..7 */
	};
	static const uint8_t frag2[] = {
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x08, 0x00,				/* IPv4 */
	    0x45, 0x00, 0x00, 0x1c,		/* IHL 5, total length 28 */
	    0x12, 0x34, 0x00, 0x02,		/* id 0x1234, offset 2 (16) */
	    0x40, 0x11, 0x00, 0x00,		/* TTL 64, UDP */
	    0x0a, 0x00, 0x00, 0x01,		/* src 10.0.0.1 */
	    0x0a, 0x00, 0x00, 0x02,		/* dst 10.0.0.2 */
	    '8',  '9',	'a',  'b',  'c',  'd',	'e', 'f', /* data 8..15 */
	};
	struct harness *h = conn_h(16);
	struct nc_defrag_cfg dc = nc_defrag_cfg_default();
	h->dec.defrag = nc_defrag_new(&dc);
	assert_non_null(h->dec.defrag);
	struct frame f;
	memcpy(f.b, frag1, sizeof(frag1));
	f.len = sizeof(frag1);
	feed(h, &f, T0);
	memcpy(f.b, frag2, sizeof(frag2));
	f.len = sizeof(frag2);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	/* every fragment counts: frames 50 + 42 octets, Total Lengths
	 * 36 + 28; the UDP payload (24 - 8) once; the completing frame's
	 * time */
	assert_int_equal(c->origpackets, 2);
	assert_int_equal(c->numpackets, 2);
	assert_int_equal(c->bytesclienttoserver, 92);
	assert_int_equal(c->totalsize, 92);
	assert_int_equal(c->origipbytes, 64);
	assert_int_equal(c->origbytes, 16);
	assert_int_equal(c->resppackets, 0);
	assert_true(c->timestampfirst == T0 + MS);
	H_FREE(c);
	Netcap__Flow *fl = h_get(h, NC_REC_FLOW, 0);
	assert_non_null(fl);
	assert_int_equal(fl->numpackets, 2);
	assert_int_equal(fl->totalsize, 92);
	H_FREE(fl);
	nc_defrag_free(h->dec.defrag);
	conn_free(h);
}

/* ---------------------------------------------------------------------- */
/* fragments built field by field: A 10.0.0.1 -> B 10.0.0.2 (MACs as in
 * the templates), UDP 5000 -> 53 or TCP 40000 -> 80 */

static const uint8_t ip_a[4] = {10, 0, 0, 1}, ip_b[4] = {10, 0, 0, 2};
static const uint8_t ip_ta[4] = {192, 0, 2, 1}, ip_tb[4] = {192, 0, 2, 2};

/* Ethernet header B <- A with EtherType et: 14 octets. */
static size_t put_eth(uint8_t *b, uint16_t et)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
	memcpy(b, macs, 12);
	put16(b + 12, et);
	return 14;
}

/* IPv4 header (IHL 5, TTL 64, checksum 0): 20 octets. */
static size_t put_ip4(uint8_t *b, const uint8_t *src, const uint8_t *dst,
		      uint8_t proto, uint16_t id, bool mf, unsigned off,
		      unsigned tlen)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)tlen);
	put16(b + 4, id);
	put16(b + 6, (uint16_t)((mf ? 0x2000 : 0) | off / 8));
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	return 20;
}

/* IPv6 header 2001:db8::1 -> 2001:db8::2 with a Fragment header (Next
 * Header 17), Payload Length 8 + dlen: 48 octets. */
static size_t put_ip6_frag(uint8_t *b, uint32_t id, bool m, unsigned off,
			   unsigned dlen)
{
	memset(b, 0, 48);
	b[0] = 0x60;
	put16(b + 4, (uint16_t)(8 + dlen));
	b[6] = 44; /* Fragment */
	b[7] = 64;
	b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = 1;
	b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = 2;
	b[40] = 17;
	put16(b + 42, (uint16_t)((off / 8) << 3 | (m ? 1 : 0)));
	put32(b + 44, id);
	return 48;
}

/* A UDP datagram 5000 -> 53 with pay octets of payload: 8 + pay. */
static size_t put_udp(uint8_t *b, unsigned pay)
{
	put16(b, 5000);
	put16(b + 2, 53);
	put16(b + 4, (uint16_t)(8 + pay));
	put16(b + 6, 0);
	for (unsigned i = 0; i < pay; i++)
		b[8 + i] = (uint8_t)('a' + i % 26);
	return 8 + pay;
}

static struct harness *frag_h(void)
{
	struct harness *h = conn_h(16);
	struct nc_defrag_cfg dc = nc_defrag_cfg_default();
	h->dec.defrag = nc_defrag_new(&dc);
	assert_non_null(h->dec.defrag);
	return h;
}

static void frag_free(struct harness *h)
{
	nc_defrag_free(h->dec.defrag);
	conn_free(h);
}

/*
 * IPv6: a UDP datagram of 48 octets (8 + 40) in fragments [0, 24) M and
 * [24, 48), the first sent twice (an exact duplicate is a frame on the
 * wire too). Each frame: 14 + 40 + 8 + 24 = 86 octets, IP length 40 +
 * Payload Length 32 = 72. A second datagram of the same 5-tuple whose last
 * fragment never comes counts nowhere.
 */
static void test_ipv6_reassembled_counts(void **state)
{
	(void)state;
	struct harness *h = frag_h();
	uint8_t dg[48];
	put_udp(dg, 40);
	struct frame f1, f2, lone;

	f1.len = put_eth(f1.b, 0x86dd);
	f1.len += put_ip6_frag(f1.b + f1.len, 77, true, 0, 24);
	memcpy(f1.b + f1.len, dg, 24);
	f1.len += 24;
	f2.len = put_eth(f2.b, 0x86dd);
	f2.len += put_ip6_frag(f2.b + f2.len, 77, false, 24, 24);
	memcpy(f2.b + f2.len, dg + 24, 24);
	f2.len += 24;
	lone = f1;
	put32(lone.b + 14 + 44, 78); /* another identification */
	assert_int_equal(f1.len, 86);
	assert_int_equal(f2.len, 86);

	feed(h, &f1, T0);
	feed(h, &lone, T0 + MS);
	feed(h, &f1, T0 + 2 * MS);
	feed(h, &f2, T0 + 3 * MS);
	assert_int_equal(h_event(h, NC_EV_DEFRAG_REASSEMBLED), 1);
	assert_int_equal(nc_defrag_flush(&h->dec), 1); /* id 78 */
	nc_conn_flush(&h->dec);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_int_equal(c->srcport, 5000);
	assert_int_equal(c->origpackets, 3);
	assert_int_equal(c->bytesclienttoserver, 3 * 86);
	assert_int_equal(c->origipbytes, 3 * 72);
	assert_int_equal(c->origbytes, 40);
	assert_true(c->timestampfirst == T0 + 3 * MS);
	H_FREE(c);
	frag_free(h);
}

/*
 * A TCP segment 40000 -> 80 (no SYN: mid-stream) with 100 octets of
 * payload, fragmented [0, 64) MF and [64, 120): frames 14 + 20 + 64 = 98
 * and 14 + 20 + 56 = 90, Total Lengths 84 and 76; then the next segment,
 * unfragmented, with 10 octets (frame 64, Total Length 50). The first
 * segment still starts the sequence space: OrigBytes 100 + 10.
 */
static void test_tcp_reassembled_first_segment(void **state)
{
	(void)state;
	struct harness *h = frag_h();
	struct frame seg = tcp(A2B, 40000, 80, 0x18, 5000, 1, 1000, 100);
	const uint8_t *dg = seg.b + 34; /* TCP header + payload: 120 */
	struct frame f;

	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_a, ip_b, 6, 9, true, 0, 20 + 64);
	memcpy(f.b + f.len, dg, 64);
	f.len += 64;
	assert_int_equal(f.len, 98);
	feed(h, &f, T0);
	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_a, ip_b, 6, 9, false, 64, 20 + 56);
	memcpy(f.b + f.len, dg + 64, 56);
	f.len += 56;
	assert_int_equal(f.len, 90);
	feed(h, &f, T0 + MS);
	seg = tcp(A2B, 40000, 80, 0x18, 5100, 1, 1000, 10);
	feed(h, &seg, T0 + 2 * MS);
	nc_conn_flush(&h->dec);
	Netcap__Connection *c = conn_rec(h, 0);
	assert_int_equal(c->origpackets, 3);
	assert_int_equal(c->bytesclienttoserver, 98 + 90 + 64);
	assert_int_equal(c->origipbytes, 84 + 76 + 50);
	assert_int_equal(c->origbytes, 110);
	assert_int_equal(c->numpshflags, 2); /* one per segment */
	H_FREE(c);
	frag_free(h);
}

/*
 * Inside a tunnel (IPv4 in IPv4, 192.0.2.1 -> 192.0.2.2): the inner UDP
 * datagram (8 + 16) fragmented as in test_ipv4_reassembled_counts, each
 * fragment in its own outer packet: frames 14 + 20 + 36 = 70 and
 * 14 + 20 + 28 = 62; the inner Total Lengths 36 + 28 count. Then the other
 * way round: a whole inner datagram (20 + 8 + 16 = 44) in an outer
 * datagram fragmented [0, 24) MF and [24, 44): frames 14 + 20 + 24 = 58
 * and 14 + 20 + 20 = 54, the inner Total Length 44 once.
 */
static void test_tunnel_reassembled_counts(void **state)
{
	(void)state;
	struct harness *h = frag_h();
	uint8_t udp[24], inner[44];
	put_udp(udp, 16);
	struct frame f;

	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_ta, ip_tb, 4, 1, false, 0, 20 + 36);
	f.len += put_ip4(f.b + f.len, ip_a, ip_b, 17, 5, true, 0, 36);
	memcpy(f.b + f.len, udp, 16);
	f.len += 16;
	assert_int_equal(f.len, 70);
	feed(h, &f, T0);
	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_ta, ip_tb, 4, 2, false, 0, 20 + 28);
	f.len += put_ip4(f.b + f.len, ip_a, ip_b, 17, 5, false, 16, 28);
	memcpy(f.b + f.len, udp + 16, 8);
	f.len += 8;
	assert_int_equal(f.len, 62);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1); /* inner only */
	Netcap__Connection *c = conn_rec(h, 0);
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_int_equal(c->origpackets, 2);
	assert_int_equal(c->bytesclienttoserver, 70 + 62);
	assert_int_equal(c->origipbytes, 36 + 28);
	assert_int_equal(c->origbytes, 16);
	H_FREE(c);
	frag_free(h);

	h = frag_h();
	put_ip4(inner, ip_a, ip_b, 17, 6, false, 0, 44);
	put_udp(inner + 20, 16);
	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_ta, ip_tb, 4, 3, true, 0, 20 + 24);
	memcpy(f.b + f.len, inner, 24);
	f.len += 24;
	assert_int_equal(f.len, 58);
	feed(h, &f, T0);
	f.len = put_eth(f.b, 0x0800);
	f.len += put_ip4(f.b + f.len, ip_ta, ip_tb, 4, 3, false, 24, 20 + 20);
	memcpy(f.b + f.len, inner + 24, 20);
	f.len += 20;
	assert_int_equal(f.len, 54);
	feed(h, &f, T0 + MS);
	nc_conn_flush(&h->dec);
	assert_int_equal(h_count(h, NC_REC_CONNECTION), 1);
	c = conn_rec(h, 0);
	assert_bytes(c->srcip, 10, 0, 0, 1);
	assert_int_equal(c->origpackets, 2);
	assert_int_equal(c->bytesclienttoserver, 58 + 54);
	assert_int_equal(c->origipbytes, 44);
	assert_int_equal(c->origbytes, 16);
	H_FREE(c);
	frag_free(h);
}

/*
 * IPv6 UDP with a Routing header (type, segments left patched) listing
 * two addresses: 2001:db8::1 -> 2001:db8::2 on the wire, route
 * 2001:db8::a, 2001:db8::b.
 */
static const uint8_t ipv6_rh_tmpl[] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,		    /* dst MAC */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,		    /* src MAC */
    0x86, 0xdd,					    /* IPv6 */
    0x60, 0x00, 0x00, 0x00,			    /* v6 */
    0x00, 0x34, 0x2b, 0x40,			    /* plen 52, Routing, hops */
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* src 2001:db8::1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* dst 2001:db8::2 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x11, 0x04, 0x00, 0x01, /* next UDP, len 4 (40 octets), type 0 and
			       segments left 1 (patched) */
    0x00, 0x00, 0x00, 0x00, /* reserved */
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* 2001:db8::a */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* 2001:db8::b */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
    0x13, 0x88, 0x00, 0x35, /* sport 5000, dport 53 */
    0x00, 0x0c, 0x00, 0x00, /* length 12, checksum */
    'a',  'b',	'c',  'd',  /* payload */
};

static Netcap__Connection *rh_conn(struct harness *h, uint8_t type,
				   uint8_t left)
{
	struct frame f;
	memcpy(f.b, ipv6_rh_tmpl, sizeof(ipv6_rh_tmpl));
	f.len = sizeof(ipv6_rh_tmpl);
	f.b[56] = type;
	f.b[57] = left;
	h->cfg.want.on[NC_REC_IPV6] = true;
	h->n = 0;
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	Netcap__IPv6 *ip = h_get(h, NC_REC_IPV6, 0);
	/* the IPv6 record keeps the destination on the wire */
	assert_bytes(ip->dstip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 0, 0x02);
	H_FREE(ip);
	return conn_rec(h, 0);
}

static void test_ipv6_routing_final_dst(void **state)
{
	(void)state;
	struct harness *h = conn_h(16);
	/* type 0, one segment left: the last address is the destination */
	Netcap__Connection *c = rh_conn(h, 0, 1);
	assert_bytes(c->dstip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 0, 0x0b);
	assert_int_equal(c->origipbytes, 92); /* 40 + Payload Length 52 */
	assert_int_equal(c->origbytes, 4);
	H_FREE(c);
	conn_free(h);

	/* type 0, no segment left: the header's destination is final */
	h = conn_h(16);
	c = rh_conn(h, 0, 0);
	assert_bytes(c->dstip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 0, 0x02);
	H_FREE(c);
	conn_free(h);

	/* type 3 (RPL, RFC 6554): compressed addresses, not followed */
	h = conn_h(16);
	c = rh_conn(h, 3, 1);
	assert_bytes(c->dstip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 0, 0x02);
	H_FREE(c);
	conn_free(h);

	/* type 2 (RFC 6275): Hdr Ext Len 2, one address, the Home Address */
	static const uint8_t rh2[] = {
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* dst MAC */
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* src MAC */
	    0x86, 0xdd,				/* IPv6 */
	    0x60, 0x00, 0x00, 0x00,		/* v6 */
	    0x00, 0x24, 0x2b, 0x40,		/* plen 36, Routing */
	    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* 2001:db8::1 */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* 2001:db8::2 */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	    0x11, 0x02, 0x02, 0x01, /* next UDP, len 2, type 2, left 1 */
	    0x00, 0x00, 0x00, 0x00, /* reserved */
	    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* home address */
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x99, /* 2001:db8::99 */
	    0x13, 0x88, 0x00, 0x35, /* sport 5000, dport 53 */
	    0x00, 0x0c, 0x00, 0x00, /* length 12, checksum */
	    'a',  'b',	'c',  'd',  /* payload */
	};
	h = conn_h(16);
	struct frame f;
	memcpy(f.b, rh2, sizeof(rh2));
	f.len = sizeof(rh2);
	feed(h, &f, T0);
	nc_conn_flush(&h->dec);
	c = conn_rec(h, 0);
	assert_bytes(c->dstip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 0, 0x99);
	assert_int_equal(c->origipbytes, 76); /* 40 + 36 */
	H_FREE(c);
	conn_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_sf),
	    cmocka_unit_test(test_sctp_assoc_sf),
	    cmocka_unit_test(test_sctp_assoc_rej),
	    cmocka_unit_test(test_sctp_flip_on_init_ack),
	    cmocka_unit_test(test_tcp_syn_only_s0),
	    cmocka_unit_test(test_tcp_rej),
	    cmocka_unit_test(test_tcp_rsto_rstr),
	    cmocka_unit_test(test_tcp_flip_on_synack),
	    cmocka_unit_test(test_tcp_flip_midstream_ports),
	    cmocka_unit_test(test_tcp_reuse_after_close),
	    cmocka_unit_test(test_udp_states),
	    cmocka_unit_test(test_udp_flip_from_service_port),
	    cmocka_unit_test(test_icmp_echo_joins),
	    cmocka_unit_test(test_icmpv6_echo),
	    cmocka_unit_test(test_timeout_reuse),
	    cmocka_unit_test(test_eviction),
	    cmocka_unit_test(test_expire),
	    cmocka_unit_test(test_uid_stable),
	    cmocka_unit_test(test_selected_types_only),
	    cmocka_unit_test(test_table_limits),
	    cmocka_unit_test(test_missed_bytes_gap),
	    cmocka_unit_test(test_missed_bytes_acked_unseen),
	    cmocka_unit_test(test_stream_sink),
	    cmocka_unit_test(test_stream_slots_exhausted),
	    cmocka_unit_test(test_ipv4_options_ip_len),
	    cmocka_unit_test(test_ipv4_reassembled_counts),
	    cmocka_unit_test(test_ipv6_reassembled_counts),
	    cmocka_unit_test(test_tcp_reassembled_first_segment),
	    cmocka_unit_test(test_tunnel_reassembled_counts),
	    cmocka_unit_test(test_ipv6_routing_final_dst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
