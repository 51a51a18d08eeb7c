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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp_sf),
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
