/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TCP and UDP decoders (decoders/tcp.c, decoders/udp.c).
 *
 * The decoders are called directly on the transport bytes, with the IPv4
 * context set by hand as the IP decoder would set it. Bytes come from the
 * captures in /work/shared/testdata/pcaps (tshark -x); expected values from
 * tshark -T fields (tcp.seq_raw, tcp.options, tcp.option_kind, ...) or,
 * for hand-made headers, from RFC 9293 / RFC 768.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

typedef enum dec_rc (*dec_fn)(struct nc_dec *, struct cur);

/*
 * Decode the transport bytes b with fn as if they were the IPv4 payload of
 * a frame of len captured and wirelen wire octets (the frame starts at b).
 */
static enum dec_rc h_l4(struct harness *h, dec_fn fn, const uint8_t *b,
			size_t len, uint32_t wirelen, const uint8_t src[4],
			const uint8_t dst[4])
{
	struct nc_dec *d = &h->dec;

	h->n = 0;
	d->ts = 1000000002LL;
	d->frame = b;
	d->caplen = (uint32_t)len;
	d->wirelen = wirelen;
	d->ip_len = 4;
	memcpy(d->src_ip, src, 4);
	memcpy(d->dst_ip, dst, 4);
	d->have_ports = false;
	d->src_port = d->dst_port = 0;
	h->rc = fn(d, cur_make(b, len));
	return h->rc;
}

static const uint8_t ip_a[4] = { 131, 155, 215, 69 };
static const uint8_t ip_b[4] = { 137, 116, 81, 94 };

/* The first Anomaly record kept, or NULL. */
static Netcap__Anomaly *first_anomaly(struct harness *h)
{
	return h_get(h, NC_REC_ANOMALY, 0);
}

/*
 * linux-sll_tcp-handshake_nsec.pcap frame 1, TCP header:
 * tshark: 46656 -> 80 seq_raw 797190859 ack_raw 0 hdr_len 40 flags 0x0002
 * win 27200 cksum 0x50c4 urg 0, option_kind 2,4,8,1,3 option_len 4,2,10,3
 * MSS=1360 SACK_PERM TSval=1131021154 TSecr=0 WS=128.
 */
static const uint8_t tcp_syn[] = {
	0xb6, 0x40,             /* src port 46656 */
	0x00, 0x50,             /* dst port 80 */
	0x2f, 0x84, 0x2a, 0xcb, /* seq 797190859 */
	0x00, 0x00, 0x00, 0x00, /* ack 0 */
	0xa0,                   /* data offset 10, reserved, NS 0 */
	0x02,                   /* flags: SYN */
	0x6a, 0x40,             /* window 27200 */
	0x50, 0xc4,             /* checksum */
	0x00, 0x00,             /* urgent pointer */
	0x02, 0x04, 0x05, 0x50, /* MSS 1360 */
	0x04, 0x02,             /* SACK permitted */
	0x08, 0x0a,             /* timestamps: kind 8, len 10 */
	0x43, 0x6a, 0x03, 0x62, /*   TSval 1131021154 */
	0x00, 0x00, 0x00, 0x00, /*   TSecr 0 */
	0x01,                   /* NOP */
	0x03, 0x03, 0x07,       /* window scale 7 (x128) */
};

static void test_tcp_syn_options(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, tcp_syn, sizeof(tcp_syn),
			      sizeof(tcp_syn), ip_a, ip_b),
			 DEC_OK);
	assert_int_equal(h->n, 1);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->timestamp, 1000000002LL);
	assert_int_equal(t->srcport, 46656);
	assert_int_equal(t->dstport, 80);
	assert_int_equal(t->seqnum, 797190859u);
	assert_int_equal(t->acknum, 0);
	assert_int_equal(t->dataoffset, 10);
	assert_true(t->syn);
	assert_false(t->fin || t->rst || t->psh || t->ack || t->urg ||
		     t->ece || t->cwr || t->ns);
	assert_int_equal(t->window, 27200);
	assert_int_equal(t->checksum, 0x50c4);
	assert_int_equal(t->urgent, 0);
	assert_int_equal(t->padding.len, 0);
	assert_int_equal(t->n_options, 5);
	static const int kinds[] = { 2, 4, 8, 1, 3 };
	static const int lens[] = { 4, 2, 10, 1, 3 };
	for (int i = 0; i < 5; i++) {
		assert_int_equal(t->options[i]->optiontype, kinds[i]);
		assert_int_equal(t->options[i]->optionlength, lens[i]);
	}
	assert_bytes(t->options[0]->optiondata, 0x05, 0x50);
	assert_int_equal(t->options[1]->optiondata.len, 0);
	assert_bytes(t->options[2]->optiondata, 0x43, 0x6a, 0x03, 0x62, 0x00,
		     0x00, 0x00, 0x00);
	assert_int_equal(t->options[3]->optiondata.len, 0);
	assert_bytes(t->options[4]->optiondata, 0x07);
	assert_int_equal(t->payloadsize, 0);
	assert_int_equal(t->payload.len, 0);
	assert_true(t->payloadentropy == 0.0);
	assert_bytes(t->srcip, 131, 155, 215, 69);
	assert_bytes(t->dstip, 137, 116, 81, 94);
	H_FREE(t);
	assert_true(h->dec.have_ports);
	assert_int_equal(h->dec.src_port, 46656);
	assert_int_equal(h->dec.dst_port, 80);
	free(h);
}

/*
 * linux-sll_tcp-handshake_nsec.pcap frame 3: 46656 -> 80 [ACK]
 * seq_raw 797190860 ack_raw 3078856593 hdr_len 32 win 213 cksum 0xd40c,
 * tcp.options 0101080a436a03820df5af50 (NOP, NOP, timestamps).
 */
static void test_tcp_ack_nop_timestamps(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0xb6, 0x40, 0x00, 0x50, /* ports 46656 -> 80 */
		0x2f, 0x84, 0x2a, 0xcc, /* seq */
		0xb7, 0x83, 0x9f, 0x91, /* ack */
		0x80, 0x10,             /* data offset 8, ACK */
		0x00, 0xd5,             /* window 213 */
		0xd4, 0x0c, 0x00, 0x00, /* checksum, urgent */
		0x01, 0x01,             /* NOP NOP */
		0x08, 0x0a, 0x43, 0x6a, 0x03, 0x82, /* TS kind, len, TSval */
		0x0d, 0xf5, 0xaf, 0x50, /* TSecr */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), sizeof(b), ip_a,
			      ip_b),
			 DEC_OK);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->seqnum, 797190860u);
	assert_int_equal(t->acknum, 3078856593u);
	assert_int_equal(t->dataoffset, 8);
	assert_true(t->ack);
	assert_false(t->syn);
	assert_int_equal(t->window, 213);
	assert_int_equal(t->checksum, 0xd40c);
	assert_int_equal(t->n_options, 3);
	assert_int_equal(t->options[0]->optiontype, 1);
	assert_int_equal(t->options[0]->optionlength, 1);
	assert_int_equal(t->options[1]->optiontype, 1);
	assert_int_equal(t->options[2]->optiontype, 8);
	assert_int_equal(t->options[2]->optionlength, 10);
	assert_bytes(t->options[2]->optiondata, 0x43, 0x6a, 0x03, 0x82, 0x0d,
		     0xf5, 0xaf, 0x50);
	H_FREE(t);
	free(h);
}

/*
 * http_get_gzip-response.pcap frame 1: 50153 -> 80 [SYN] seq_raw
 * 3309144849 hdr_len 44 win 65535 cksum 0xc089, tcp.options
 * 020405b4010303040101080a1d1325960000000004020000, option_kind
 * 2,1,3,1,1,8,4,0,0: the list ends with EOL and one more zero octet,
 * which netcap keeps as Padding (tshark shows it as a second EOL).
 */
static void test_tcp_eol_padding(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0xc3, 0xe9, 0x00, 0x50, /* ports 50153 -> 80 */
		0xc5, 0x3d, 0x8b, 0x11, /* seq 3309144849 */
		0x00, 0x00, 0x00, 0x00, /* ack */
		0xb0, 0x02,             /* data offset 11, SYN */
		0xff, 0xff,             /* window 65535 */
		0xc0, 0x89, 0x00, 0x00, /* checksum, urgent */
		0x02, 0x04, 0x05, 0xb4, /* MSS 1460 */
		0x01,                   /* NOP */
		0x03, 0x03, 0x04,       /* window scale 4 */
		0x01, 0x01,             /* NOP NOP */
		0x08, 0x0a, 0x1d, 0x13, 0x25, 0x96, /* TS, TSval */
		0x00, 0x00, 0x00, 0x00, /* TSecr 0 */
		0x04, 0x02,             /* SACK permitted */
		0x00,                   /* EOL */
		0x00,                   /* padding */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), sizeof(b), ip_a,
			      ip_b),
			 DEC_OK);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->srcport, 50153);
	assert_int_equal(t->seqnum, 3309144849u);
	assert_int_equal(t->dataoffset, 11);
	assert_int_equal(t->window, 65535);
	assert_int_equal(t->checksum, 0xc089);
	assert_int_equal(t->n_options, 8);
	static const int kinds[] = { 2, 1, 3, 1, 1, 8, 4, 0 };
	static const int lens[] = { 4, 1, 3, 1, 1, 10, 2, 1 };
	for (int i = 0; i < 8; i++) {
		assert_int_equal(t->options[i]->optiontype, kinds[i]);
		assert_int_equal(t->options[i]->optionlength, lens[i]);
	}
	assert_bytes(t->options[0]->optiondata, 0x05, 0xb4);
	assert_bytes(t->options[2]->optiondata, 0x04);
	assert_int_equal(t->options[7]->optiondata.len, 0);
	assert_bytes(t->padding, 0x00);
	H_FREE(t);
	assert_int_equal(h_event(h, NC_EV_TCP_OPT_BAD), 0);
	free(h);
}

/*
 * truncated_tcp-rst-data_snaplen.pcap: caplen 111 < wire 112. tshark:
 * 80 -> 52875 seq_raw 1617159969 ack_raw 1936660873 hdr_len 20 flags
 * 0x0014 (RST, ACK) win 5785 cksum 0x8471, tcp.len 58; 57 payload octets
 * were captured.
 */
static const uint8_t tcp_rst[] = {
	0x00, 0x50, 0xce, 0x8b, /* ports 80 -> 52875 */
	0x60, 0x63, 0xe7, 0x21, /* seq 1617159969 */
	0x73, 0x6f, 0x19, 0x89, /* ack 1936660873 */
	0x50, 0x14,             /* data offset 5, RST ACK */
	0x16, 0x99,             /* window 5785 */
	0x84, 0x71, 0x00, 0x00, /* checksum, urgent */
	/* payload "BIG-IP: [0x11c5672:3045] {peer} TCP RST from remote syste" */
	0x42, 0x49, 0x47, 0x2d, 0x49, 0x50, 0x3a, 0x20, 0x5b, 0x30, 0x78, 0x31,
	0x31, 0x63, 0x35, 0x36, 0x37, 0x32, 0x3a, 0x33, 0x30, 0x34, 0x35, 0x5d,
	0x20, 0x7b, 0x70, 0x65, 0x65, 0x72, 0x7d, 0x20, 0x54, 0x43, 0x50, 0x20,
	0x52, 0x53, 0x54, 0x20, 0x66, 0x72, 0x6f, 0x6d, 0x20, 0x72, 0x65, 0x6d,
	0x6f, 0x74, 0x65, 0x20, 0x73, 0x79, 0x73, 0x74, 0x65,
};

static void test_tcp_rst_payload_snaplen(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, tcp_rst, sizeof(tcp_rst),
			      sizeof(tcp_rst) + 1, ip_a, ip_b),
			 DEC_OK);
	assert_int_equal(h->n, 1); /* no anomaly: the snap length cut it */
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->srcport, 80);
	assert_int_equal(t->dstport, 52875);
	assert_int_equal(t->seqnum, 1617159969u);
	assert_int_equal(t->acknum, 1936660873u);
	assert_int_equal(t->dataoffset, 5);
	assert_true(t->rst && t->ack);
	assert_false(t->syn || t->fin || t->psh);
	assert_int_equal(t->window, 5785);
	assert_int_equal(t->checksum, 0x8471);
	assert_int_equal(t->n_options, 0);
	assert_int_equal(t->payloadsize, 57);
	assert_int_equal(t->payload.len, 57);
	assert_memory_equal(t->payload.data, "BIG-IP: [0x11c5672", 18);
	assert_true(t->payloadentropy > 3.0 && t->payloadentropy <= 8.0);
	H_FREE(t);
	free(h);
}

static void test_tcp_payload_off(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h->cfg.payload = false;
	h->cfg.entropy = false;
	assert_int_equal(h_l4(h, nc_dec_tcp, tcp_rst, sizeof(tcp_rst),
			      sizeof(tcp_rst) + 1, ip_a, ip_b),
			 DEC_OK);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->payloadsize, 57);
	assert_int_equal(t->payload.len, 0);
	assert_true(t->payloadentropy == 0.0);
	H_FREE(t);
	free(h);
}

/* Only the anomaly is written when TCP records are not selected. */
static void test_tcp_not_selected(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h->cfg.want.on[NC_REC_TCP] = false;
	assert_int_equal(h_l4(h, nc_dec_tcp, tcp_syn, sizeof(tcp_syn),
			      sizeof(tcp_syn), ip_a, ip_b),
			 DEC_OK);
	assert_int_equal(h->n, 0);
	assert_true(h->dec.have_ports);
	free(h);
}

/*
 * fuzzed_tcp-header-heapoverflow.pcap: the IPv4 payload is 12 octets of
 * 0x30 (caplen 46, wire 262144). tshark: tcp.srcport = tcp.dstport =
 * 12336 and nothing else; tcpdump prints [|tcp].
 */
static void test_tcp_fuzzed_truncated(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x30, 0x30, 0x30, 0x30, /* ports 12336 -> 12336 */
		0x30, 0x30, 0x30, 0x30, /* seq */
		0x30, 0x30, 0x30, 0x30, /* ack; capture ends here */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), 262144, ip_a,
			      ip_b),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_int_equal(h_event(h, NC_EV_TCP_TRUNC), 1);
	Netcap__Anomaly *a = first_anomaly(h);
	assert_non_null(a);
	assert_string_equal(a->event, "tcp.truncated");
	assert_int_equal(a->srcport, 12336);
	assert_int_equal(a->dstport, 12336);
	assert_int_equal(a->offset, 0);
	assert_bytes(a->srcip, 131, 155, 215, 69);
	H_FREE(a);
	free(h);
}

/* Fewer than 4 octets: no ports either. */
static void test_tcp_tiny(void **state)
{
	(void)state;
	static const uint8_t b[] = { 0xb6, 0x40, 0x00 };
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), sizeof(b), ip_a,
			      ip_b),
			 DEC_TRUNC);
	assert_false(h->dec.have_ports);
	assert_true(h_has_anomaly(h, "tcp.truncated"));
	free(h);
}

/* Data offset 10 (40 octets) but only 30 captured: the options are cut. */
static void test_tcp_options_truncated(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, tcp_syn, 30, 60, ip_a, ip_b),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_true(h_has_anomaly(h, "tcp.truncated"));
	assert_true(h->dec.have_ports);
	free(h);
}

/* RFC 9293: Data Offset counts 32-bit words, at least 5. */
static void test_tcp_hlen_short(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0xb6, 0x40, 0x00, 0x50, /* ports 46656 -> 80 */
		0x2f, 0x84, 0x2a, 0xcc, /* seq */
		0xb7, 0x83, 0x9f, 0x91, /* ack */
		0x40, 0x10,             /* data offset 4: invalid, ACK */
		0x00, 0xd5,             /* window */
		0xd4, 0x0c, 0x00, 0x00, /* checksum, urgent */
		0x01, 0x02, 0x03, 0x04, /* data */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), sizeof(b), ip_a,
			      ip_b),
			 DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_int_equal(h_event(h, NC_EV_TCP_HLEN_SHORT), 1);
	Netcap__Anomaly *a = first_anomaly(h);
	assert_non_null(a);
	assert_string_equal(a->event, "tcp.hlen_short");
	assert_int_equal(a->srcport, 46656);
	assert_int_equal(a->dstport, 80);
	H_FREE(a);

	/* data offset 0 */
	static const uint8_t z[] = {
		0x00, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x02, 0, 0, 0, 0, 0, 0,
	};
	assert_int_equal(h_l4(h, nc_dec_tcp, z, sizeof(z), sizeof(z), ip_a,
			      ip_b),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_TCP_HLEN_SHORT), 2);
	free(h);
}

/* A bad option length stops option parsing; the record stays. */
static void test_tcp_bad_option_lengths(void **state)
{
	(void)state;
	/* MSS with length 1 (< 2) */
	static const uint8_t len1[] = {
		0x04, 0x00, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
		0x60, 0x02,             /* data offset 6, SYN */
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x01, 0x05, 0xb4, /* MSS kind, bad length 1 */
	};
	/* NOP, then window scale whose length 5 runs past the header */
	static const uint8_t past[] = {
		0x04, 0x00, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
		0x60, 0x02,             /* data offset 6, SYN */
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01,                   /* NOP */
		0x03, 0x05, 0x07,       /* WS, length 5 > 3 octets left */
		0xaa, 0xbb,             /* payload: not option space */
	};
	/* MSS, NOP, NOP, NOP, then a kind with no room for its length */
	static const uint8_t nolen[] = {
		0x04, 0x00, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0,
		0x70, 0x02,             /* data offset 7, SYN */
		0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x04, 0x05, 0xb4, /* MSS 1460 */
		0x01, 0x01, 0x01,       /* NOP x3 */
		0x08,                   /* timestamps kind, header ends */
	};
	struct harness *h = h_new();

	assert_int_equal(h_l4(h, nc_dec_tcp, len1, sizeof(len1), sizeof(len1),
			      ip_a, ip_b),
			 DEC_INVALID);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->n_options, 0);
	assert_int_equal(t->dataoffset, 6);
	H_FREE(t);
	assert_true(h_has_anomaly(h, "tcp.option_invalid"));
	Netcap__Anomaly *a = first_anomaly(h);
	assert_int_equal(a->srcport, 1024);
	assert_int_equal(a->dstport, 80);
	H_FREE(a);

	assert_int_equal(h_l4(h, nc_dec_tcp, past, sizeof(past), sizeof(past),
			      ip_a, ip_b),
			 DEC_INVALID);
	t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->n_options, 1);
	assert_int_equal(t->options[0]->optiontype, 1);
	assert_int_equal(t->payloadsize, 2);
	assert_bytes(t->payload, 0xaa, 0xbb);
	H_FREE(t);
	assert_true(h_has_anomaly(h, "tcp.option_invalid"));

	assert_int_equal(h_l4(h, nc_dec_tcp, nolen, sizeof(nolen),
			      sizeof(nolen), ip_a, ip_b),
			 DEC_INVALID);
	t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->n_options, 4);
	assert_int_equal(t->options[0]->optiontype, 2);
	assert_int_equal(t->options[3]->optiontype, 1);
	H_FREE(t);
	assert_int_equal(h_event(h, NC_EV_TCP_OPT_BAD), 3);
	free(h);
}

/* RFC 9293 flag bits and the RFC 3540 NS bit, all set; urgent pointer. */
static void test_tcp_all_flags(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x12, 0x34, 0x56, 0x78, /* ports 4660 -> 22136 */
		0xff, 0xff, 0xff, 0xff, /* seq 4294967295 */
		0x80, 0x00, 0x00, 0x01, /* ack 2147483649 */
		0x51,                   /* data offset 5, NS */
		0xff,                   /* CWR ECE URG ACK PSH RST SYN FIN */
		0x00, 0x00,             /* window 0 */
		0xbe, 0xef,             /* checksum */
		0x00, 0x07,             /* urgent pointer 7 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_tcp, b, sizeof(b), sizeof(b), ip_a,
			      ip_b),
			 DEC_OK);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->srcport, 0x1234);
	assert_int_equal(t->dstport, 0x5678);
	assert_int_equal(t->seqnum, 4294967295u);
	assert_int_equal(t->acknum, 2147483649u);
	assert_true(t->fin && t->syn && t->rst && t->psh && t->ack &&
		    t->urg && t->ece && t->cwr && t->ns);
	assert_int_equal(t->window, 0);
	assert_int_equal(t->checksum, 0xbeef);
	assert_int_equal(t->urgent, 7);
	H_FREE(t);

	/* only NS and SYN */
	static const uint8_t ns[] = {
		0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0, 0, 0, 0,
		0x51, 0x02, 0, 0, 0, 0, 0, 0,
	};
	assert_int_equal(h_l4(h, nc_dec_tcp, ns, sizeof(ns), sizeof(ns), ip_a,
			      ip_b),
			 DEC_OK);
	t = h_get(h, NC_REC_TCP, 0);
	assert_true(t->ns && t->syn);
	assert_false(t->fin || t->rst || t->psh || t->ack || t->urg ||
		     t->ece || t->cwr);
	H_FREE(t);
	free(h);
}

/*
 * dns_a-aaaa-mx.pcap frame 1, UDP: tshark udp.srcport 55398 udp.dstport 53
 * udp.length 47 udp.checksum 0xb4b2; 10.16.1.11 -> 8.8.8.8.
 */
static const uint8_t udp_dns[] = {
	0xd8, 0x66,             /* src port 55398 */
	0x00, 0x35,             /* dst port 53 */
	0x00, 0x2f,             /* length 47 */
	0xb4, 0xb2,             /* checksum */
	/* DNS query A google.com with OPT (39 octets) */
	0x1a, 0x2d, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00,
};
static const uint8_t ip_c[4] = { 10, 16, 1, 11 };
static const uint8_t ip_d[4] = { 8, 8, 8, 8 };

static void test_udp_dns(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_udp, udp_dns, sizeof(udp_dns),
			      sizeof(udp_dns), ip_c, ip_d),
			 DEC_OK);
	assert_int_equal(h->n, 1);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->timestamp, 1000000002LL);
	assert_int_equal(u->srcport, 55398);
	assert_int_equal(u->dstport, 53);
	assert_int_equal(u->length, 47);
	assert_int_equal(u->checksum, 0xb4b2);
	assert_int_equal(u->payloadsize, 39);
	assert_int_equal(u->payload.len, 39);
	assert_memory_equal(u->payload.data, udp_dns + 8, 39);
	assert_true(u->payloadentropy > 0.0);
	assert_bytes(u->srcip, 10, 16, 1, 11);
	assert_bytes(u->dstip, 8, 8, 8, 8);
	H_FREE(u);
	assert_true(h->dec.have_ports);
	assert_int_equal(h->dec.src_port, 55398);
	assert_int_equal(h->dec.dst_port, 53);
	free(h);
}

/* Octets after Length (e.g. a trailer inside the IP payload) are cut. */
static void test_udp_length_narrows(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0x00, 0x35, 0xd8, 0x66, /* ports 53 -> 55398 */
		0x00, 0x0a,             /* length 10: 2 data octets */
		0x00, 0x00,             /* no checksum */
		0x61, 0x62,             /* data */
		0x00, 0x00, 0x00,       /* beyond Length */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_udp, b, sizeof(b), sizeof(b), ip_c,
			      ip_d),
			 DEC_OK);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->length, 10);
	assert_int_equal(u->checksum, 0);
	assert_int_equal(u->payloadsize, 2);
	assert_bytes(u->payload, 0x61, 0x62);
	H_FREE(u);
	assert_int_equal(h_event(h, NC_EV_UDP_LEN_BAD), 0);
	free(h);
}

static void test_udp_bad_length(void **state)
{
	(void)state;
	static const uint8_t shortlen[] = {
		0x04, 0x00, 0x00, 0x35, /* ports 1024 -> 53 */
		0x00, 0x07,             /* length 7 < 8 */
		0x12, 0x34,             /* checksum */
		0x61, 0x62, 0x63,       /* data */
	};
	static const uint8_t longlen[] = {
		0x04, 0x00, 0x00, 0x35, /* ports 1024 -> 53 */
		0x01, 0x00,             /* length 256 > 11 octets there */
		0x12, 0x34,             /* checksum */
		0x61, 0x62, 0x63,       /* data */
	};
	struct harness *h = h_new();

	assert_int_equal(h_l4(h, nc_dec_udp, shortlen, sizeof(shortlen),
			      sizeof(shortlen), ip_c, ip_d),
			 DEC_INVALID);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->length, 7);
	assert_int_equal(u->payloadsize, 3);
	H_FREE(u);
	Netcap__Anomaly *a = first_anomaly(h);
	assert_non_null(a);
	assert_string_equal(a->event, "udp.length_invalid");
	assert_int_equal(a->srcport, 1024);
	assert_int_equal(a->dstport, 53);
	H_FREE(a);

	/* the whole frame was captured: Length beyond it is invalid */
	assert_int_equal(h_l4(h, nc_dec_udp, longlen, sizeof(longlen),
			      sizeof(longlen), ip_c, ip_d),
			 DEC_INVALID);
	u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->length, 256);
	assert_int_equal(u->payloadsize, 3);
	H_FREE(u);
	assert_int_equal(h_event(h, NC_EV_UDP_LEN_BAD), 2);

	/* cut by the snap length: the rest was on the wire, no anomaly */
	assert_int_equal(h_l4(h, nc_dec_udp, longlen, sizeof(longlen), 1500,
			      ip_c, ip_d),
			 DEC_OK);
	u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->payloadsize, 3);
	assert_bytes(u->payload, 0x61, 0x62, 0x63);
	H_FREE(u);
	assert_int_equal(h_event(h, NC_EV_UDP_LEN_BAD), 2);

	/*
	 * snap-cut frame, but an IP length field ended the payload before
	 * the capture did: Length beyond it is invalid again
	 */
	h->n = 0;
	h->dec.have_ports = false;
	h->dec.caplen = sizeof(longlen) + 4;
	h->dec.wirelen = 1500;
	assert_int_equal(nc_dec_udp(&h->dec, cur_make(longlen,
						      sizeof(longlen))),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_UDP_LEN_BAD), 3);
	free(h);
}

static void test_udp_truncated(void **state)
{
	(void)state;
	static const uint8_t b[] = {
		0xd8, 0x66, 0x00, 0x35, /* ports 55398 -> 53 */
		0x00, 0x2f,             /* length; checksum missing */
	};
	struct harness *h = h_new();
	assert_int_equal(h_l4(h, nc_dec_udp, b, sizeof(b), 100, ip_c, ip_d),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_UDP), 0);
	Netcap__Anomaly *a = first_anomaly(h);
	assert_non_null(a);
	assert_string_equal(a->event, "udp.truncated");
	assert_int_equal(a->srcport, 55398);
	assert_int_equal(a->dstport, 53);
	H_FREE(a);
	free(h);
}

/* ---- whole frames through nc_decode_frame (link + IP decoders) ---- */

/* linux-sll_tcp-handshake_nsec.pcap frame 1 (LINKTYPE_LINUX_SLL). */
static void test_frame_sll_tcp_syn(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x04,             /* SLL packet type: outgoing */
		0x02, 0x00,             /* ARPHRD type */
		0x00, 0x00,             /* address length */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* address */
		0x08, 0x00,             /* protocol IPv4 */
		0x45, 0x00, 0x00, 0x3c, /* IPv4, total length 60 */
		0x29, 0xa9, 0x40, 0x00, /* id, DF */
		0x40, 0x06, 0xdb, 0x5f, /* TTL 64, TCP, checksum */
		0x83, 0x9b, 0xd7, 0x45, /* 131.155.215.69 */
		0x89, 0x74, 0x51, 0x5e, /* 137.116.81.94 */
		/* TCP: the tcp_syn header above */
		0xb6, 0x40, 0x00, 0x50, 0x2f, 0x84, 0x2a, 0xcb, 0x00, 0x00,
		0x00, 0x00, 0xa0, 0x02, 0x6a, 0x40, 0x50, 0xc4, 0x00, 0x00,
		0x02, 0x04, 0x05, 0x50, 0x04, 0x02, 0x08, 0x0a, 0x43, 0x6a,
		0x03, 0x62, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_LINUX_SLL, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	Netcap__TCP *t = h_get(h, NC_REC_TCP, 0);
	assert_non_null(t);
	assert_int_equal(t->srcport, 46656);
	assert_int_equal(t->dstport, 80);
	assert_int_equal(t->seqnum, 797190859u);
	assert_int_equal(t->n_options, 5);
	assert_int_equal(t->payloadsize, 0);
	assert_bytes(t->srcip, 131, 155, 215, 69);
	assert_bytes(t->dstip, 137, 116, 81, 94);
	H_FREE(t);
	free(h);
}

/* dns_a-aaaa-mx.pcap frame 1 (Ethernet). */
static void test_frame_eth_udp_dns(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x15, 0x17, 0x0d, 0x06, 0xf7, /* dst MAC */
		0xd8, 0xcb, 0x8a, 0xed, 0xa1, 0x46, /* src MAC */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x00, 0x00, 0x43, /* IPv4, total length 67 */
		0xff, 0xff, 0x00, 0x00, /* id */
		0x40, 0x11, 0x5f, 0x80, /* TTL 64, UDP, checksum */
		0x0a, 0x10, 0x01, 0x0b, /* 10.16.1.11 */
		0x08, 0x08, 0x08, 0x08, /* 8.8.8.8 */
		/* UDP: the udp_dns datagram above */
		0xd8, 0x66, 0x00, 0x35, 0x00, 0x2f, 0xb4, 0xb2,
		0x1a, 0x2d, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03,
		0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__UDP *u = h_get(h, NC_REC_UDP, 0);
	assert_non_null(u);
	assert_int_equal(u->srcport, 55398);
	assert_int_equal(u->dstport, 53);
	assert_int_equal(u->length, 47);
	assert_int_equal(u->checksum, 0xb4b2);
	assert_int_equal(u->payloadsize, 39);
	assert_bytes(u->srcip, 10, 16, 1, 11);
	assert_bytes(u->dstip, 8, 8, 8, 8);
	H_FREE(u);
	free(h);
}

/*
 * fuzzed_tcp-header-heapoverflow.pcap frame 1: caplen 46, wire 262144,
 * all 0x30 but the ethertype and a few IPv4 octets; the TCP header is cut
 * after 12 octets (tcpdump: [|tcp]).
 */
static void test_frame_fuzzed_tcp(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, /* dst MAC */
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, /* src MAC */
		0x08, 0x00,                         /* IPv4 */
		0x45, 0x30, 0x30, 0x30, /* IPv4, tos 0x30, total length 12336 */
		0x30, 0x30, 0x00, 0x00, /* id, no fragment */
		0x30, 0x06, 0x30, 0x30, /* TTL 48, TCP, checksum */
		0x30, 0x30, 0x30, 0x30, /* 48.48.48.48 */
		0x30, 0x30, 0x30, 0x30, /* 48.48.48.48 */
		0x30, 0x30, 0x30, 0x30, /* TCP ports 12336 -> 12336 */
		0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, /* seq, ack */
	};
	struct harness *h = h_new();
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, NC_LINK_ETHERNET, f, sizeof(f),
				262144, 1000000002LL);
	assert_int_equal(h->rc, DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_TCP), 0);
	assert_int_equal(h_event(h, NC_EV_TCP_TRUNC), 1);
	Netcap__Anomaly *a = first_anomaly(h);
	assert_non_null(a);
	assert_string_equal(a->event, "tcp.truncated");
	assert_int_equal(a->offset, 34);
	assert_int_equal(a->framelength, 46);
	assert_int_equal(a->srcport, 12336);
	assert_int_equal(a->dstport, 12336);
	assert_bytes(a->srcip, 48, 48, 48, 48);
	H_FREE(a);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn_options),
		cmocka_unit_test(test_tcp_ack_nop_timestamps),
		cmocka_unit_test(test_tcp_eol_padding),
		cmocka_unit_test(test_tcp_rst_payload_snaplen),
		cmocka_unit_test(test_tcp_payload_off),
		cmocka_unit_test(test_tcp_not_selected),
		cmocka_unit_test(test_tcp_fuzzed_truncated),
		cmocka_unit_test(test_tcp_tiny),
		cmocka_unit_test(test_tcp_options_truncated),
		cmocka_unit_test(test_tcp_hlen_short),
		cmocka_unit_test(test_tcp_bad_option_lengths),
		cmocka_unit_test(test_tcp_all_flags),
		cmocka_unit_test(test_udp_dns),
		cmocka_unit_test(test_udp_length_narrows),
		cmocka_unit_test(test_udp_bad_length),
		cmocka_unit_test(test_udp_truncated),
		cmocka_unit_test(test_frame_sll_tcp_syn),
		cmocka_unit_test(test_frame_eth_udp_dns),
		cmocka_unit_test(test_frame_fuzzed_tcp),
	};
	return cmocka_run_group_tests_name("tcp_udp", tests, NULL, NULL);
}
