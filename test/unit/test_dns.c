/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the DNS parser (decoders/dns.c): UDP datagrams, TCP
 * streams in any chunking, mDNS, names, truncation and hostile counts.
 *
 * Message bytes come from the test captures (tshark -x); expected values
 * from tshark 4.0 -T fields on the same frames (dns.*), or from RFC 1035
 * for hand-made messages. Name texts for odd octets, the root, loops and
 * long names are what tshark printed for the same hand-made names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_harness.h"
#include "dns.h"
#include "observe.h"

/* dns_a-aaaa-mx.pcap frame 6, UDP payload (8.8.8.8:53 -> 10.16.1.11:54380):
 * header: ID 0x5616, flags 0x8180 (QR RD RA), QD 1 AN 5 NS 0 AR 1;
 * question google.com MX IN; five MX answers (name pointer c0 0c, TTL 599,
 * preference 10..50, exchange aspmx.l / altN.aspmx.l, compressed); OPT
 * (root, type 41, payload size 512, TTL 0, RDLENGTH 0). */
static const uint8_t mx_resp[] = {
	0x56, 0x16, 0x81, 0x80, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01,  /* 0000 V........... */
	0x06, 0x67, 0x6f, 0x6f, 0x67, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00,  /* 000c .google.com. */
	0x00, 0x0f, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00,  /* 0018 ............ */
	0x02, 0x57, 0x00, 0x0c, 0x00, 0x0a, 0x05, 0x61, 0x73, 0x70, 0x6d, 0x78,  /* 0024 .W.....aspmx */
	0x01, 0x6c, 0xc0, 0x0c, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00,  /* 0030 .l.......... */
	0x02, 0x57, 0x00, 0x09, 0x00, 0x14, 0x04, 0x61, 0x6c, 0x74, 0x31, 0xc0,  /* 003c .W.....alt1. */
	0x2a, 0xc0, 0x0c, 0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x02, 0x57, 0x00,  /* 0048 ..........W. */
	0x09, 0x00, 0x1e, 0x04, 0x61, 0x6c, 0x74, 0x32, 0xc0, 0x2a, 0xc0, 0x0c,  /* 0054 ....alt2.... */
	0x00, 0x0f, 0x00, 0x01, 0x00, 0x00, 0x02, 0x57, 0x00, 0x09, 0x00, 0x28,  /* 0060 .......W...( */
	0x04, 0x61, 0x6c, 0x74, 0x33, 0xc0, 0x2a, 0xc0, 0x0c, 0x00, 0x0f, 0x00,  /* 006c .alt3....... */
	0x01, 0x00, 0x00, 0x02, 0x57, 0x00, 0x09, 0x00, 0x32, 0x04, 0x61, 0x6c,  /* 0078 ....W...2.al */
	0x74, 0x34, 0xc0, 0x2a, 0x00, 0x00, 0x29, 0x02, 0x00, 0x00, 0x00, 0x00,  /* 0084 t4....)..... */
	0x00, 0x00, 0x00,  /* 0090 ... */
};

/* dns-over-tcp.pcap frame 6, TCP payload (209.87.249.18:53 -> 192.168.1.11:33779):
 * length prefix 0x00e0 (224), then ID 0x4319, flags 0x8500 (QR AA RD),
 * QD 1 AN 2 NS 2 AR 5: www.tcpdump.org A; A 192.139.46.66, 198.199.88.104;
 * NS nic.sandelman.ca, sns.cooperix.net; glue A/AAAA; OPT 4096. */
static const uint8_t tcp_resp[] = {
	0x00, 0xe0, 0x43, 0x19, 0x85, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02,  /* 0000 ..C......... */
	0x00, 0x05, 0x03, 0x77, 0x77, 0x77, 0x07, 0x74, 0x63, 0x70, 0x64, 0x75,  /* 000c ...www.tcpdu */
	0x6d, 0x70, 0x03, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0,  /* 0018 mp.org...... */
	0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0xc0,  /* 0024 ........<... */
	0x8b, 0x2e, 0x42, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,  /* 0030 ..B......... */
	0x3c, 0x00, 0x04, 0xc6, 0xc7, 0x58, 0x68, 0xc0, 0x10, 0x00, 0x02, 0x00,  /* 003c <....Xh..... */
	0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 0x12, 0x03, 0x6e, 0x69, 0x63, 0x09,  /* 0048 ...Q....nic. */
	0x73, 0x61, 0x6e, 0x64, 0x65, 0x6c, 0x6d, 0x61, 0x6e, 0x02, 0x63, 0x61,  /* 0054 sandelman.ca */
	0x00, 0xc0, 0x10, 0x00, 0x02, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00,  /* 0060 .........Q.. */
	0x12, 0x03, 0x73, 0x6e, 0x73, 0x08, 0x63, 0x6f, 0x6f, 0x70, 0x65, 0x72,  /* 006c ..sns.cooper */
	0x69, 0x78, 0x03, 0x6e, 0x65, 0x74, 0x00, 0xc0, 0x4d, 0x00, 0x01, 0x00,  /* 0078 ix.net..M... */
	0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04, 0xd1, 0x57, 0xf9, 0x12, 0xc0,  /* 0084 ....,...W... */
	0x4d, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x10, 0x26,  /* 0090 M.......,..& */
	0x07, 0xf0, 0xb0, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xba,  /* 009c ............ */
	0xbe, 0xf0, 0x0d, 0xc0, 0x6b, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x1c,  /* 00a8 ....k....... */
	0x20, 0x00, 0x04, 0x61, 0x6b, 0x85, 0x0f, 0xc0, 0x6b, 0x00, 0x1c, 0x00,  /* 00b4  ..ak...k... */
	0x01, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x10, 0x26, 0x00, 0x3c, 0x03, 0x00,  /* 00c0 .... ..&.<.. */
	0x00, 0x00, 0x00, 0xf0, 0x3c, 0x91, 0xff, 0xfe, 0x96, 0xe8, 0xef, 0x00,  /* 00cc ....<....... */
	0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* 00d8 .)........ */
};

/* radiotap_80211-data_llc-ip-mdns.pcap frame 3, UDP payload
 * ([fe80::a667:6ff:fef7:ec54]:5353 -> [ff02::fb]:5353): ID 0, flags 0x8400
 * (QR AA), QD 0 AN 4 NS 0 AR 4; PTR (ip6.arpa, in-addr.arpa), AAAA, A, all
 * class IN with the cache-flush bit (0x8001), TTL 120; NSEC x3, OPT. */
static const uint8_t mdns_resp[] = {
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04,  /* 0000 ............ */
	0x01, 0x34, 0x01, 0x35, 0x01, 0x43, 0x01, 0x45, 0x01, 0x37, 0x01, 0x46,  /* 000c .4.5.C.E.7.F */
	0x01, 0x45, 0x01, 0x46, 0x01, 0x46, 0x01, 0x46, 0x01, 0x36, 0x01, 0x30,  /* 0018 .E.F.F.F.6.0 */
	0x01, 0x37, 0x01, 0x36, 0x01, 0x36, 0x01, 0x41, 0x01, 0x30, 0x01, 0x30,  /* 0024 .7.6.6.A.0.0 */
	0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30,  /* 0030 .0.0.0.0.0.0 */
	0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x30, 0x01, 0x38,  /* 003c .0.0.0.0.0.8 */
	0x01, 0x45, 0x01, 0x46, 0x03, 0x69, 0x70, 0x36, 0x04, 0x61, 0x72, 0x70,  /* 0048 .E.F.ip6.arp */
	0x61, 0x00, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x19,  /* 0054 a........x.. */
	0x11, 0x41, 0x72, 0x74, 0x2d, 0x54, 0x65, 0x61, 0x63, 0x68, 0x65, 0x72,  /* 0060 .Art-Teacher */
	0x73, 0x2d, 0x69, 0x50, 0x61, 0x64, 0x05, 0x6c, 0x6f, 0x63, 0x61, 0x6c,  /* 006c s-iPad.local */
	0x00, 0x02, 0x38, 0x30, 0x03, 0x31, 0x35, 0x36, 0x02, 0x31, 0x37, 0x03,  /* 0078 ..80.156.17. */
	0x31, 0x37, 0x32, 0x07, 0x69, 0x6e, 0x2d, 0x61, 0x64, 0x64, 0x72, 0xc0,  /* 0084 172.in-addr. */
	0x50, 0x00, 0x0c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x02, 0xc0,  /* 0090 P.......x... */
	0x60, 0xc0, 0x60, 0x00, 0x1c, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00,  /* 009c `.`.......x. */
	0x10, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa6, 0x67, 0x06,  /* 00a8 ..........g. */
	0xff, 0xfe, 0xf7, 0xec, 0x54, 0xc0, 0x60, 0x00, 0x01, 0x80, 0x01, 0x00,  /* 00b4 ....T.`..... */
	0x00, 0x00, 0x78, 0x00, 0x04, 0xac, 0x11, 0x9c, 0x50, 0xc0, 0x0c, 0x00,  /* 00c0 ..x.....P... */
	0x2f, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x06, 0xc0, 0x0c, 0x00,  /* 00cc ......x..... */
	0x02, 0x00, 0x08, 0xc0, 0x79, 0x00, 0x2f, 0x80, 0x01, 0x00, 0x00, 0x00,  /* 00d8 ....y....... */
	0x78, 0x00, 0x06, 0xc0, 0x79, 0x00, 0x02, 0x00, 0x08, 0xc0, 0x60, 0x00,  /* 00e4 x...y.....`. */
	0x2f, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x08, 0xc0, 0x60, 0x00,  /* 00f0 ......x...`. */
	0x04, 0x40, 0x00, 0x00, 0x08, 0x00, 0x00, 0x29, 0x05, 0xa0, 0x00, 0x00,  /* 00fc .@.....).... */
	0x11, 0x94, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x08, 0x00, 0x17, 0xa4, 0x67,  /* 0108 ...........g */
	0x06, 0xf7, 0xec, 0x54,  /* 0114 ...T */
};

static const uint8_t ip_a[4] = {10, 16, 1, 11};
static const uint8_t ip_b[4] = {8, 8, 8, 8};

/* a UDP flow: originator a:sport, responder b:dport */
static struct nc_app_conn conn(uint16_t sport, uint16_t dport, uint8_t proto)
{
	struct nc_app_conn c = {
	    .uid = "CdnsTESTdns1",
	    .alen = 4,
	    .proto = proto,
	    .addr = {ip_a, ip_b},
	    .port = {sport, dport},
	    .ts = 1494364063000000000ll,
	};
	return c;
}

static void udp(struct harness *h, const struct nc_app_conn *c, int dir,
		const uint8_t *p, size_t len)
{
	app_datagram(h, &nc_app_dns, c, dir, p, len);
}

static Netcap__DNS *dns_rec(struct harness *h, unsigned nth)
{
	return h_get(h, NC_REC_DNS, nth);
}

/* ---------------------------------------------------------------------- */

static void test_udp_mx(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(54380, 53, 17);

	udp(h, &c, 1, mx_resp, sizeof(mx_resp));
	assert_int_equal(h_count(h, NC_REC_DNS), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__DNS *r = dns_rec(h, 0);
	assert_non_null(r);
	assert_int_equal(r->timestamp, c.ts);
	assert_int_equal(r->id, 0x5616);
	assert_true(r->qr);
	assert_int_equal(r->opcode, 0);
	assert_false(r->aa);
	assert_false(r->tc);
	assert_true(r->rd);
	assert_true(r->ra);
	assert_int_equal(r->z, 0);
	assert_int_equal(r->responsecode, 0);
	assert_int_equal(r->qdcount, 1);
	assert_int_equal(r->ancount, 5);
	assert_int_equal(r->nscount, 0);
	assert_int_equal(r->arcount, 1);
	assert_false(r->incomplete);
	assert_int_equal(r->length, sizeof(mx_resp));
	/* sender is the responder (dir 1) */
	assert_int_equal(r->srcport, 53);
	assert_int_equal(r->dstport, 54380);
	assert_memory_equal(r->srcip.data, ip_b, 4);
	assert_string_equal(r->uid, "CdnsTESTdns1");

	assert_int_equal(r->n_questions, 1);
	assert_string_equal(r->questions[0]->name, "google.com");
	assert_int_equal(r->questions[0]->type, 15);
	assert_int_equal(r->questions[0]->class_, 1);

	static const char *const mx[] = {
	    "aspmx.l.google.com", "alt1.aspmx.l.google.com",
	    "alt2.aspmx.l.google.com", "alt3.aspmx.l.google.com",
	    "alt4.aspmx.l.google.com"};
	static const int dl[] = {12, 9, 9, 9, 9};
	assert_int_equal(r->n_answers, 5);
	for (int i = 0; i < 5; i++) {
		Netcap__DNSResourceRecord *a = r->answers[i];
		assert_string_equal(a->name, "google.com");
		assert_int_equal(a->type, 15);
		assert_int_equal(a->class_, 1);
		assert_int_equal(a->ttl, 599);
		assert_int_equal(a->datalength, dl[i]);
		assert_int_equal(a->data.len, (size_t)dl[i]);
		assert_non_null(a->mx);
		assert_int_equal(a->mx->preference, 10 * (i + 1));
		assert_string_equal(a->mx->name, mx[i]);
	}
	assert_int_equal(r->n_authorities, 0);
	assert_int_equal(r->n_additionals, 1);
	Netcap__DNSResourceRecord *o = r->additionals[0];
	assert_string_equal(o->name, "<Root>");
	assert_int_equal(o->type, 41);
	assert_int_equal(o->udppayloadsize, 512);
	assert_int_equal(o->extendedrcode, 0);
	assert_int_equal(o->ednsversion, 0);
	assert_false(o->do_);
	assert_int_equal(o->n_ednsoptions, 0);
	assert_int_equal(o->datalength, 0);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(h);
}

/* ---------------------------------------------------------------------- */
/* TCP */

/* Feed p in chunks of `chunk` octets (0: one chunk); the packed record. */
static size_t tcp_feed(struct harness *h, const uint8_t *p, size_t len,
		       size_t chunk, uint8_t *out, size_t cap)
{
	struct nc_app_conn c = conn(33779, 53, 6);
	struct app_run t;

	app_open(&t, h, &nc_app_dns, &c, NULL);
	app_data(&t, 1, p, len, chunk);
	app_free(&t);
	assert_int_equal(h_count(h, NC_REC_DNS), 1);
	assert_true(h->recs[0].len <= cap);
	memcpy(out, h->recs[0].buf, h->recs[0].len);
	return h->recs[0].len;
}

static void test_tcp_chunks(void **state)
{
	(void)state;
	struct harness *h = h_new();
	static uint8_t one[4096], other[4096];

	size_t n1 = tcp_feed(h, tcp_resp, sizeof(tcp_resp), 0, one,
			     sizeof(one));
	Netcap__DNS *r = dns_rec(h, 0);
	assert_non_null(r);
	/* tshark: dns.id 0x4319 flags 0x8500, counts 1/2/2/5 */
	assert_int_equal(r->id, 0x4319);
	assert_true(r->qr);
	assert_true(r->aa);
	assert_true(r->rd);
	assert_false(r->ra);
	assert_int_equal(r->ancount, 2);
	assert_int_equal(r->nscount, 2);
	assert_int_equal(r->arcount, 5);
	assert_int_equal(r->length, 224);
	assert_false(r->incomplete);
	assert_string_equal(r->questions[0]->name, "www.tcpdump.org");
	assert_int_equal(r->n_answers, 2);
	static const uint8_t a0[4] = {192, 139, 46, 66},
			     a1[4] = {198, 199, 88, 104};
	assert_memory_equal(r->answers[0]->ip.data, a0, 4);
	assert_memory_equal(r->answers[1]->ip.data, a1, 4);
	assert_int_equal(r->answers[0]->ttl, 60);
	assert_int_equal(r->n_authorities, 2);
	assert_string_equal(r->authorities[0]->name, "tcpdump.org");
	assert_string_equal(r->authorities[0]->ns, "nic.sandelman.ca");
	assert_string_equal(r->authorities[1]->ns, "sns.cooperix.net");
	assert_int_equal(r->authorities[1]->ttl, 86400);
	assert_int_equal(r->n_additionals, 5);
	assert_string_equal(r->additionals[0]->name, "nic.sandelman.ca");
	static const uint8_t a6[16] = {0x26, 0x07, 0xf0, 0xb0, 0, 0x0f, 0, 0,
				       0,    0,	   0,	 0,    0xba, 0xbe,
				       0xf0, 0x0d};
	assert_int_equal(r->additionals[1]->type, 28);
	assert_memory_equal(r->additionals[1]->ip.data, a6, 16);
	assert_string_equal(r->additionals[3]->name, "sns.cooperix.net");
	assert_int_equal(r->additionals[3]->ttl, 7200);
	assert_string_equal(r->additionals[4]->name, "<Root>");
	assert_int_equal(r->additionals[4]->udppayloadsize, 4096);
	assert_false(r->additionals[4]->do_);
	protobuf_c_message_free_unpacked(&r->base, NULL);

	/* 1-octet chunks, and every split into two: the same record */
	size_t n2 = tcp_feed(h, tcp_resp, sizeof(tcp_resp), 1, other,
			     sizeof(other));
	assert_int_equal(n1, n2);
	assert_memory_equal(one, other, n1);
	for (size_t cut = 1; cut < sizeof(tcp_resp); cut++) {
		struct nc_app_conn c = conn(33779, 53, 6);
		struct app_run t;
		app_open(&t, h, &nc_app_dns, &c, NULL);
		app_data(&t, 1, tcp_resp, cut, 0);
		app_data(&t, 1, tcp_resp + cut, sizeof(tcp_resp) - cut, 0);
		app_free(&t);
		assert_int_equal(h_count(h, NC_REC_DNS), 1);
		assert_int_equal(h->recs[0].len, n1);
		assert_memory_equal(h->recs[0].buf, one, n1);
	}
	free(h);
}

/* Two messages in one segment, then a third split across two. */
static void test_tcp_several(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(33779, 53, 6);
	struct app_run t;
	static uint8_t buf[3 * sizeof(tcp_resp)];

	for (int i = 0; i < 3; i++)
		memcpy(buf + i * sizeof(tcp_resp), tcp_resp, sizeof(tcp_resp));
	app_open(&t, h, &nc_app_dns, &c, NULL);
	size_t cut = 2 * sizeof(tcp_resp) + 1; /* inside the length prefix */
	app_data(&t, 1, buf, cut, 0);
	assert_int_equal(h_count(h, NC_REC_DNS), 2);
	app_data(&t, 1, buf + cut, sizeof(buf) - cut, 0);
	assert_int_equal(h_count(h, NC_REC_DNS), 3);
	app_free(&t);
	assert_int_equal(h_event(h, NC_EV_DNS_TCP_INCOMPLETE), 0);
	free(h);
}

/* A gap ends the direction; a message cut by the end is counted; a zero
   length prefix is an anomaly. */
static void test_tcp_faults(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(33779, 53, 6);
	struct app_run t;
	static const uint8_t zero[2] = {0x00, 0x00};

	app_open(&t, h, &nc_app_dns, &c, NULL);
	app_data(&t, 1, zero, 2, 0);
	assert_int_equal(h_event(h, NC_EV_DNS_TCP_ZERO_LENGTH), 1);
	app_data(&t, 1, tcp_resp, 100, 0);
	app_gap(&t, 1, 50);
	assert_int_equal(h_event(h, NC_EV_DNS_TCP_GAP), 1);
	app_data(&t, 1, tcp_resp, sizeof(tcp_resp), 0);
	assert_int_equal(h_count(h, NC_REC_DNS), 0); /* direction given up */
	/* the other direction: half a message, then the end */
	app_data(&t, 0, tcp_resp, 40, 0);
	app_free(&t);
	assert_int_equal(h_event(h, NC_EV_DNS_TCP_INCOMPLETE), 1);
	assert_int_equal(h_count(h, NC_REC_DNS), 0);
	free(h);
}

/* ---------------------------------------------------------------------- */
/* mDNS (RFC 6762) and what responses tell the observer */

static unsigned obs_calls;
static char obs_names[4][64];
static uint8_t obs_ips[4][16];

static void on_dns_name(void *arg, struct nc_dec *d, const uint8_t *ip,
			unsigned alen, const char *name)
{
	(void)arg;
	(void)d;
	if (obs_calls < 4) {
		snprintf(obs_names[obs_calls], 64, "%s", name);
		memcpy(obs_ips[obs_calls], ip, alen);
	}
	obs_calls++;
}

static void test_mdns(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(5353, 5353, 17);
	struct nc_observer obs = {.dns_name = on_dns_name};

	h->dec.obs = &obs;
	obs_calls = 0;
	udp(h, &c, 0, mdns_resp, sizeof(mdns_resp));
	Netcap__DNS *r = dns_rec(h, 0);
	assert_non_null(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	assert_int_equal(r->id, 0);
	assert_true(r->qr);
	assert_true(r->aa);
	assert_int_equal(r->n_questions, 0);
	assert_int_equal(r->n_answers, 4);
	assert_int_equal(r->n_additionals, 4);
	/* tshark: types 12,12,28,1 | 47,47,47,41; class 0x0001 and
	   cache_flush 1 on all but OPT; TTL 120 */
	static const int types[8] = {12, 12, 28, 1, 47, 47, 47, 41};
	for (int i = 0; i < 8; i++) {
		Netcap__DNSResourceRecord *x =
		    i < 4 ? r->answers[i] : r->additionals[i - 4];
		assert_int_equal(x->type, types[i]);
		if (i == 7)
			continue;
		assert_int_equal(x->class_, 1);
		assert_true(x->cacheflush);
		assert_int_equal(x->ttl, 120);
	}
	assert_string_equal(r->answers[0]->name,
			    "4.5.C.E.7.F.E.F.F.F.6.0.7.6.6.A.0.0.0.0.0.0.0.0."
			    "0.0.0.0.0.8.E.F.ip6.arpa");
	assert_string_equal(r->answers[0]->ptr, "Art-Teachers-iPad.local");
	assert_string_equal(r->answers[1]->name, "80.156.17.172.in-addr.arpa");
	assert_string_equal(r->answers[1]->ptr, "Art-Teachers-iPad.local");
	assert_string_equal(r->answers[2]->name, "Art-Teachers-iPad.local");
	static const uint8_t v4[4] = {172, 17, 156, 80};
	assert_memory_equal(r->answers[3]->ip.data, v4, 4);
	assert_string_equal(r->additionals[3]->name, "<Root>");
	assert_int_equal(r->additionals[3]->udppayloadsize, 1440);
	assert_int_equal(r->additionals[3]->n_ednsoptions, 1);
	assert_int_equal(r->additionals[3]->ednsoptions[0]->code, 4);
	/* the AAAA and the A answer */
	assert_int_equal(obs_calls, 2);
	assert_string_equal(obs_names[0], "Art-Teachers-iPad.local");
	assert_string_equal(obs_names[1], "Art-Teachers-iPad.local");
	assert_memory_equal(obs_ips[1], v4, 4);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(h);
}

/* ---------------------------------------------------------------------- */
/* names */

/* A query: header (ID 0x1234, RD, QD 1), then name octets n, QTYPE A,
   QCLASS IN; returns the length. */
static size_t query(uint8_t *out, const uint8_t *n, size_t nlen)
{
	static const uint8_t hdr[12] = {0x12, 0x34, 0x01, 0x00, 0, 1,
					0,    0,    0,	  0,	0, 0};
	memcpy(out, hdr, 12);
	memcpy(out + 12, n, nlen);
	memcpy(out + 12 + nlen, "\x00\x01\x00\x01", 4);
	return 12 + nlen + 4;
}

/* The first question's name and type of the query with name octets n. */
static void name_is(const uint8_t *n, size_t nlen, const char *want,
		    enum nc_event ev)
{
	struct harness *h = h_new();
	struct nc_app_conn c = conn(1234, 53, 17);
	static uint8_t msg[70000];
	size_t len = query(msg, n, nlen);

	udp(h, &c, 0, msg, len);
	Netcap__DNS *r = dns_rec(h, 0);
	assert_non_null(r);
	assert_int_equal(r->n_questions, 1);
	assert_string_equal(r->questions[0]->name, want);
	assert_int_equal(r->questions[0]->type, 1);
	assert_false(r->incomplete);
	if (ev != NC_EV_MAX)
		assert_int_equal(h_event(h, ev), 1);
	else
		assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(h);
}

static void test_names(void **state)
{
	(void)state;
	/* tshark: the root is "<Root>"; "." and "\" inside a label stay */
	name_is((const uint8_t *)"\x00", 1, "<Root>", NC_EV_MAX);
	name_is((const uint8_t *)"\x03"
				 "a.b\x01"
				 "c\x00",
		7, "a.b.c", NC_EV_MAX);
	name_is((const uint8_t *)"\x03"
				 "a\\b\x00",
		5, "a\\b", NC_EV_MAX);
	/* tshark: \000\001\177 and U+FFFD for 0xff */
	name_is((const uint8_t *)"\x04\x00\x01\x7f\xff\x00", 6,
		"\\000\\001\\177\xef\xbf\xbd", NC_EV_MAX);
	/* tshark: "a\a\b\v\f\rz" */
	name_is((const uint8_t *)"\x07"
				 "a\x07\x08\x0b\x0c\x0d"
				 "z\x00",
		9, "a\\a\\b\\v\\f\\rz", NC_EV_MAX);
	/* a pointer to itself (offset 12), and a label then a pointer back
	   to it: tshark "<Name contains a pointer that loops>", QTYPE read */
	name_is((const uint8_t *)"\xc0\x0c", 2,
		"<Name contains a pointer that loops>", NC_EV_DNS_POINTER_LOOP);
	name_is((const uint8_t *)"\x01"
				 "a\xc0\x0c",
		4, "<Name contains a pointer that loops>",
		NC_EV_DNS_POINTER_LOOP);

	/* 253 characters is the longest name; 254 is "<Name too long>" */
	static uint8_t n[30000];
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		size_t l = i < 3 ? 63 : 62 - 1; /* 3 * 64 + 61 = 253 */
		n[k++] = (uint8_t)l;
		memset(n + k, 'z', l);
		k += l;
	}
	n[k++] = 0;
	char want[300];
	memset(want, 'z', 253);
	want[253] = 0;
	for (int i = 1; i < 4; i++)
		want[i * 64 - 1] = '.';
	name_is(n, k, want, NC_EV_MAX);
	n[k - 1 - 61 - 1] = 62; /* last label one longer: 254 */
	memmove(n + k - 1, n + k - 2, 2);
	n[k - 1] = 'z';
	n[k] = 0;
	name_is(n, k + 1, "<Name too long>", NC_EV_DNS_NAME_TOO_LONG);

	/* 10,000 one-octet labels in place: walked to the end, QTYPE read */
	k = 0;
	for (int i = 0; i < 10000; i++) {
		n[k++] = 1;
		n[k++] = 'y';
	}
	n[k++] = 0;
	name_is(n, k, "<Name too long>", NC_EV_DNS_NAME_TOO_LONG);
}

/* text escapes, as tshark printed the same label octets */
static void test_text(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} v[] = {
	    {"\x80", 1, "\xef\xbf\xbd"},
	    {"\xc3\x28", 2, "\xef\xbf\xbd("},
	    {"\xed\xa0\x80", 3, "\xef\xbf\xbd"},
	    {"\xc0\xaf", 2, "/"},
	    {"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd"},
	    {"\xe2\x82", 2, "\xef\xbf\xbd"},
	    {"\xe2\x82\xac", 3, "\xe2\x82\xac"},
	    {"\x09\x0a\x1f\x20", 4, "\\t\\n\\037 "},
	    {"\xff\xfe", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xc0\x80", 2, "\\u0000"},
	    {"\xc1\x81", 2, "A"},
	    {"\xc2\x80", 2, "\\u0080"},
	    {"\xf8\x88\x80\x80\x80", 5, "\xef\xbf\xbd"},
	    {"\xef\xbf\xbe", 3, "\\uFFFE"},
	    {"\xe2\x80\x8b", 3, "\\u200B"},
	    {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
	    {"\x80\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf8"
	     "A",
	     2, "\xef\xbf\xbd"
		"A"},
	    {"\xfe\x80\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf0\x9f\x98", 3, "\xef\xbf\xbd"},
	    {"\xf3\xb0\x80\x80", 4, "\xf3\xb0\x80\x80"},
	    {"\xc2\xad", 2, "\\u00AD"},
	    {"\xf4\x8f\xbf\xbf", 4, "\\U0010FFFF"},
	    {"\xc2\xa0", 2, "\xc2\xa0"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		nc_dns_text(out, sizeof(out), (const uint8_t *)v[i].in,
			    v[i].len);
		assert_string_equal(out, v[i].want);
	}
	/* a small buffer: cut before an escape that does not fit */
	assert_int_equal(nc_dns_text(out, 4, (const uint8_t *)"ab\x01", 3),
			 2);
	assert_string_equal(out, "ab");
}

/* ---------------------------------------------------------------------- */
/* broken and hostile messages */

static void test_truncated_every_byte(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(54380, 53, 17);

	for (size_t len = 0; len < sizeof(mx_resp); len++) {
		udp(h, &c, 1, mx_resp, len); /* a copy: ASan sees overreads */
		if (len < 12) {
			assert_int_equal(h_count(h, NC_REC_DNS), 0);
			continue;
		}
		Netcap__DNS *r = dns_rec(h, 0);
		assert_non_null(r);
		assert_true(r->incomplete);
		assert_int_equal(r->id, 0x5616);
		assert_true(r->n_answers <= 5);
		assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
		protobuf_c_message_free_unpacked(&r->base, NULL);
	}
	assert_true(h_event(h, NC_EV_DNS_TRUNC) > 0);
	assert_true(h_event(h, NC_EV_DNS_COUNT_MISMATCH) > 0);
	free(h);
}

/* The capture cut the datagram (snap length): no anomaly. */
static void test_snapped(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(54380, 53, 17);

	h->dec.l4.payload_wire = sizeof(mx_resp);
	udp(h, &c, 1, mx_resp, 60);
	assert_int_equal(h_count(h, NC_REC_DNS), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_hostile(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct nc_app_conn c = conn(1234, 53, 17);
	static uint8_t msg[8192];

	/* counts of 65535 and one question: parsed, counts kept as sent */
	size_t len = query(msg, (const uint8_t *)"\x01x\x00", 3);
	memset(msg + 4, 0xff, 8);
	udp(h, &c, 0, msg, len);
	Netcap__DNS *r = dns_rec(h, 0);
	assert_non_null(r);
	assert_int_equal(r->qdcount, 65535);
	assert_int_equal(r->arcount, 65535);
	assert_int_equal(r->n_questions, 1);
	assert_true(r->incomplete);
	assert_int_equal(h_event(h, NC_EV_DNS_COUNT_MISMATCH), 1);
	protobuf_c_message_free_unpacked(&r->base, NULL);

	/* a pointer past the end, label types 01 and 10 */
	static const uint8_t *const bad[] = {
	    (const uint8_t *)"\x01x\xc1\x00", (const uint8_t *)"\x41\x00",
	    (const uint8_t *)"\x81\x00"};
	static const enum nc_event ev[] = {NC_EV_DNS_BAD_POINTER,
					   NC_EV_DNS_BAD_LABEL,
					   NC_EV_DNS_BAD_LABEL};
	for (int i = 0; i < 3; i++) {
		uint64_t before = h_event(h, ev[i]);
		len = query(msg, bad[i], i == 0 ? 4 : 2);
		udp(h, &c, 0, msg, len);
		r = dns_rec(h, 0);
		assert_non_null(r);
		assert_int_equal(r->n_questions, 0);
		assert_true(r->incomplete);
		assert_int_equal(h_event(h, ev[i]), before + 1);
		protobuf_c_message_free_unpacked(&r->base, NULL);
	}

	/* 400 answers of 16 octets: DNS_MAX_RR kept, the rest counted */
	h->cfg.want.on[NC_REC_DNS] = false; /* too big for the harness */
	len = query(msg, (const uint8_t *)"\x01x\x00", 3);
	msg[2] = 0x81;
	msg[6] = 400 >> 8;
	msg[7] = 400 & 0xff;
	for (int i = 0; i < 400; i++) {
		static const uint8_t a[16] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0,
					      0,    60,	  0, 4, 10, 0, 0, 1};
		memcpy(msg + len, a, 16);
		len += 16;
	}
	udp(h, &c, 1, msg, len);
	assert_int_equal(h_event(h, NC_EV_DNS_TOO_MANY_RECORDS), 1);
	/* a bad A RDATA length: the record is kept, the RR counted */
	h->cfg.want.on[NC_REC_DNS] = true;
	len = query(msg, (const uint8_t *)"\x01x\x00", 3);
	msg[2] = 0x81;
	msg[7] = 1;
	static const uint8_t a3[15] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0,
				       0,    60,   0, 3, 10, 0, 0};
	memcpy(msg + len, a3, 15);
	udp(h, &c, 1, msg, len + 15);
	r = dns_rec(h, 0);
	assert_non_null(r);
	assert_int_equal(r->n_answers, 1);
	assert_int_equal(r->answers[0]->ip.len, 0);
	assert_int_equal(r->answers[0]->datalength, 3);
	assert_false(r->incomplete);
	assert_int_equal(h_event(h, NC_EV_DNS_BAD_RDATA), 1);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	free(h);
}

/* The probe: strict on content, NEED for short data. */
static void test_probe(void **state)
{
	(void)state;
	assert_int_equal(nc_app_dns.probe(mx_resp, sizeof(mx_resp), 1),
			 NC_PROBE_YES);
	assert_int_equal(nc_app_dns.probe(tcp_resp, sizeof(tcp_resp), 1),
			 NC_PROBE_YES);
	assert_int_equal(nc_app_dns.probe(mx_resp, 5, 1), NC_PROBE_NEED);
	static const uint8_t http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	assert_int_equal(nc_app_dns.probe(http, sizeof(http) - 1, 0),
			 NC_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp_mx),
	    cmocka_unit_test(test_tcp_chunks),
	    cmocka_unit_test(test_tcp_several),
	    cmocka_unit_test(test_tcp_faults),
	    cmocka_unit_test(test_mdns),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_snapped),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
