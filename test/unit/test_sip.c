/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sip.c: the SIP parser (decoders/sip.c) over UDP and TCP. The
 * INVITE and the 401 are frames 19 and 2 of test/data/sip_udp_sdp.pcap
 * (expected values: tshark's decoding); compact forms, folding and hostile
 * sizes are built from RFC 3261 (expected values follow from the RFC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"
#include "observe.h"

extern const struct nc_app_parser nc_app_sip;

static const uint8_t ip_a[4] = {192, 168, 1, 2};
static const uint8_t ip_b[4] = {200, 68, 120, 81};

static struct nc_app_conn conn(uint8_t proto)
{
	struct nc_app_conn c = {
	    .uid = "CtestSIPxxxx",
	    .alen = 4,
	    .proto = proto,
	    .addr = {ip_a, ip_b},
	    .port = {5060, 5060},
	    .ts = 99,
	};
	return c;
}

static void run(struct harness *h, int dir, const void *p, size_t len)
{
	struct nc_app_conn c = conn(17);
	app_datagram(h, &nc_app_sip, &c, dir, p, len);
}

/* frame 19: INVITE with an SDP body of 272 octets */
#define INVITE_HDR                                                          \
	"INVITE sip:97239287044@voip.brujula.net SIP/2.0\r\n"               \
	"Via: SIP/2.0/UDP 192.168.1.2:5060;branch=z9hG4bKnp104984053-"      \
	"44ce4a41192.168.1.2;rport\r\n"                                     \
	"From: \"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9\r\n"     \
	"To: <sip:97239287044@voip.brujula.net>\r\n"                        \
	"Call-ID: 105090259-446faf7a@192.168.1.2\r\n"                       \
	"CSeq: 1 INVITE\r\n"                                                \
	"User-Agent: Nero SIPPS IP Phone Version 2.0.51.16\r\n"             \
	"Expires: 120\r\n"                                                  \
	"Accept: application/sdp\r\n"                                       \
	"Content-Type: application/sdp\r\n"                                 \
	"Content-Length: 272\r\n"                                           \
	"Contact: <sip:816666@192.168.1.2>\r\n"                             \
	"Max-Forwards: 70\r\n"                                              \
	"Allow: INVITE, ACK, CANCEL, BYE, REFER, OPTIONS, NOTIFY, INFO\r\n" \
	"\r\n"
#define INVITE_BODY                                                         \
	"v=0\r\n"                                                           \
	"o=SIPPS 105015165 105015162 IN IP4 192.168.1.2\r\n"                \
	"s=SIP call\r\n"                                                    \
	"c=IN IP4 192.168.1.2\r\n"                                          \
	"t=0 0\r\n"                                                         \
	"m=audio 30000 RTP/AVP 0 8 97 2 3\r\n"                              \
	"a=rtpmap:0 pcmu/8000\r\n"                                          \
	"a=rtpmap:8 pcma/8000\r\n"                                          \
	"a=rtpmap:97 iLBC/8000\r\n"                                         \
	"a=rtpmap:2 G726-32/8000\r\n"                                       \
	"a=rtpmap:3 GSM/8000\r\n"                                           \
	"a=fmtp:97 mode=20\r\n"                                             \
	"a=sendrecv\r\n"
static const char invite[] = INVITE_HDR INVITE_BODY;

/* frame 2: 401 Unauthorized (WWW-Authenticate shortened) */
static const char resp401[] =
    "SIP/2.0 401 Unauthorized\r\n"
    "Call-ID: 578222729-4665d775@578222732-4665d772\r\n"
    "CSeq: 68 REGISTER\r\n"
    "From: <sip:voi18063@sip.cybercity.dk>;tag=903df0a\r\n"
    "To: <sip:voi18063@sip.cybercity.dk>;tag=00-04092-1701af62-120c67172\r\n"
    "Via: SIP/2.0/UDP 192.168.1.2;received=80.230.219.70;rport=5060;"
    "branch=z9hG4bKnp151248737-46ea715e192.168.1.2\r\n"
    "WWW-Authenticate: Digest realm=\"sip.cybercity.dk\",algorithm=MD5\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static char obs_data[256];
static void obs_sw(void *arg, struct nc_dec *d, const struct nc_app_conn *c,
		   int from, const char *name, const char *data,
		   const char *svc)
{
	(void)arg, (void)d, (void)c, (void)from;
	if (strcmp(name, "User-Agent") == 0 && strcmp(svc, "SIP") == 0)
		snprintf(obs_data, sizeof(obs_data), "%s", data);
}
static const struct nc_observer test_obs = {.software = obs_sw};

static void check_invite(Netcap__SIP *r)
{
	assert_non_null(r);
	assert_string_equal(r->method, "INVITE");
	assert_string_equal(r->version, "SIP/2.0");
	assert_false(r->isresponse);
	assert_int_equal(r->responsecode, 0);
	assert_string_equal(r->requesturi, "sip:97239287044@voip.brujula.net");
	assert_string_equal(r->from,
			    "\"arik\" <sip:816666@voip.brurjula.net>;tag=6433ef9");
	assert_string_equal(r->to, "<sip:97239287044@voip.brujula.net>");
	assert_string_equal(r->callid, "105090259-446faf7a@192.168.1.2");
	assert_string_equal(r->cseq, "1 INVITE");
	assert_string_equal(r->useragent,
			    "Nero SIPPS IP Phone Version 2.0.51.16");
	assert_string_equal(r->contenttype, "application/sdp");
	assert_string_equal(r->contact, "<sip:816666@192.168.1.2>");
	assert_int_equal(r->contentlength, 272);
	assert_int_equal(r->n_headers, 13);
	assert_string_equal(r->headers[4], "CSeq: 1 INVITE");
	assert_int_equal(r->n_via, 1);
}

static void test_invite(void **state)
{
	(void)state;
	assert_int_equal(sizeof(INVITE_BODY) - 1, 272);
	struct harness *h = h_new();
	h->dec.obs = &test_obs;
	obs_data[0] = 0;
	run(h, 0, invite, sizeof(invite) - 1);
	Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
	check_invite(r);
	assert_bytes(r->srcip, 192, 168, 1, 2);
	assert_string_equal(r->uid, "CtestSIPxxxx");
	H_FREE(r);
	assert_string_equal(obs_data, "Nero SIPPS IP Phone Version 2.0.51.16");
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_response(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 1, resp401, sizeof(resp401) - 1);
	Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
	assert_non_null(r);
	assert_true(r->isresponse);
	assert_int_equal(r->responsecode, 401);
	assert_string_equal(r->responsestatus, "Unauthorized");
	assert_string_equal(r->method, "");
	assert_string_equal(r->cseq, "68 REGISTER");
	assert_string_equal(r->callid,
			    "578222729-4665d775@578222732-4665d772");
	assert_int_equal(r->contentlength, 0);
	assert_int_equal(r->srcport, 5060);
	assert_bytes(r->srcip, 200, 68, 120, 81);
	H_FREE(r);
	free(h);
}

/* RFC 3261 7.3.3 compact forms, 7.3.1 folding, LF-only lines. */
static void test_compact_and_folding(void **state)
{
	(void)state;
	static const char msg[] = "OPTIONS sip:a@b SIP/2.0\n"
				  "v: SIP/2.0/UDP h1\n"
				  "V: SIP/2.0/UDP h2\n"
				  "f: <sip:x@y>\n"
				  "t: <sip:a@b>\n"
				  "i: abc\n"
				  "m: <sip:x@1.2.3.4>\n"
				  "c: text/plain\n"
				  "s: hello\n"
				  "\t world\n"
				  "l: 2\n"
				  "\n"
				  "hi";
	struct harness *h = h_new();
	run(h, 0, msg, sizeof(msg) - 1);
	Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
	assert_non_null(r);
	assert_string_equal(r->method, "OPTIONS");
	assert_string_equal(r->from, "<sip:x@y>");
	assert_string_equal(r->to, "<sip:a@b>");
	assert_string_equal(r->callid, "abc");
	assert_string_equal(r->contact, "<sip:x@1.2.3.4>");
	assert_string_equal(r->contenttype, "text/plain");
	assert_string_equal(r->subject, "hello world");
	assert_int_equal(r->contentlength, 2);
	assert_int_equal(r->n_via, 2);
	assert_string_equal(r->via[1], "SIP/2.0/UDP h2");
	assert_string_equal(r->headers[7], "s: hello world");
	H_FREE(r);
	free(h);
}

/* A body shorter than Content-Length (RFC 3261 18.3): an anomaly. */
static void test_body_short(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 0, invite, sizeof(invite) - 11);
	Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
	assert_non_null(r);
	assert_int_equal(r->contentlength, 262);
	H_FREE(r);
	assert_true(h_has_anomaly(h, "sip.body_truncated"));
	free(h);
}

/* Every prefix: a record once the start line is whole, no over-read. */
static void test_truncated_every_byte(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* "SIP/2.0 401" (11 octets) is a status line, the reason may be
	   empty (RFC 3261 25.1: Reason-Phrase = *(...)) */
	for (size_t n = 0; n < sizeof(resp401) - 1; n++) {
		run(h, 1, resp401, n);
		assert_int_equal(h_count(h, NC_REC_SIP), n >= 11 ? 1 : 0);
	}
	free(h);
}

/* Not SIP: no record, one anomaly. */
static void test_bad_start(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 0, "HELLO\r\n\r\n", 9);
	assert_int_equal(h_count(h, NC_REC_SIP), 0);
	assert_true(h_has_anomaly(h, "sip.bad_start_line"));
	/* keep-alive: nothing at all */
	run(h, 0, "\r\n\r\n", 4);
	assert_int_equal(h->n, 0);
	free(h);
}

/* 10,000 headers: 64 kept, one event, linear time. */
static void test_many_headers(void **state)
{
	(void)state;
	size_t cap = 200000, n = 0;
	char *m = malloc(cap);
	n += (size_t)sprintf(m + n, "MESSAGE sip:a@b SIP/2.0\r\n");
	for (int i = 0; i < 10000; i++)
		n += (size_t)sprintf(m + n, "X-H%d: %d\r\n", i, i);
	n += (size_t)sprintf(m + n, "User-Agent: late\r\n\r\n");
	struct harness *h = h_new();
	run(h, 0, m, n);
	Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
	assert_non_null(r);
	assert_int_equal(r->n_headers, 64);
	assert_string_equal(r->headers[63], "X-H63: 63");
	assert_string_equal(r->useragent, "late");
	H_FREE(r);
	assert_true(h_has_anomaly(h, "sip.too_many_headers"));
	free(m);
	free(h);
}

/* ------------------------------------------------------------------ TCP */

static void tcp_open(struct harness *h, struct app_run *t)
{
	struct nc_app_conn c = conn(6);
	struct nc_app_cfg acfg;
	app_cfg(&acfg);
	acfg.memory_bytes = 4u << 20;
	acfg.max_message = 64u << 10;
	app_open(t, h, &nc_app_sip, &c, &acfg);
}

/* close() without end(): every byte given back */
static void tcp_close(struct app_run *t)
{
	app_finish(t);
	app_free(t);
}

/* keep-alive, INVITE with body, 401: same records whatever the chunks */
static void test_tcp_chunks(void **state)
{
	(void)state;
	static const char stream[] = "\r\n\r\n" INVITE_HDR INVITE_BODY
	    "SIP/2.0 401 Unauthorized\r\nCSeq: 1 INVITE\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const size_t chunks[] = {1, 2, 7, 100, sizeof(stream)};
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct harness *h = h_new();
		struct app_run t;
		tcp_open(h, &t);
		app_data(&t, 0, stream, sizeof(stream) - 1, chunks[i]);
		assert_int_equal(h_count(h, NC_REC_SIP), 2);
		Netcap__SIP *r = h_get(h, NC_REC_SIP, 0);
		check_invite(r);
		H_FREE(r);
		r = h_get(h, NC_REC_SIP, 1);
		assert_int_equal(r->responsecode, 401);
		assert_string_equal(r->cseq, "1 INVITE");
		H_FREE(r);
		assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
		tcp_close(&t);
		free(h);
	}
}

/* A 1 MB line: buffered up to max_message, then the direction ends. */
static void test_tcp_huge_line(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct app_run t;
	tcp_open(h, &t);
	size_t n = 1u << 20;
	char *m = malloc(n);
	memset(m, 'a', n);
	memcpy(m, "INVITE sip:", 11);
	app_data(&t, 0, m, n, 1460);
	assert_int_equal(h_count(h, NC_REC_SIP), 0);
	/* the probe gave up past 2 KiB without a line end */
	assert_true(h_has_anomaly(h, "sip.bad_start_line") ||
		    h_event(h, NC_EV_APP_MESSAGE_TOO_LONG) > 0);
	/* the other direction still works */
	app_data(&t, 1, resp401, sizeof(resp401) - 1, 5);
	assert_int_equal(h_count(h, NC_REC_SIP), 1);
	free(m);
	tcp_close(&t);
	free(h);
}

/* A header section that never ends: bounded by max_message. */
static void test_tcp_endless_headers(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct app_run t;
	tcp_open(h, &t);
	app_data(&t, 0, "REGISTER sip:a SIP/2.0\r\n", 24, 24);
	for (int i = 0; i < 20000; i++)
		app_data(&t, 0, "X-A: b\r\n", 8, 8);
	assert_int_equal(h_count(h, NC_REC_SIP), 0);
	assert_true(h_event(h, NC_EV_APP_MESSAGE_TOO_LONG) > 0);
	tcp_close(&t);
	free(h);
}

/* A gap ends the direction; end() writes a message cut short. */
static void test_tcp_gap_end(void **state)
{
	(void)state;
	struct harness *h = h_new();
	struct app_run t;
	tcp_open(h, &t);
	app_data(&t, 0, invite, sizeof(invite) - 1 - 10, 100);
	assert_int_equal(h_count(h, NC_REC_SIP), 0);
	app_end(&t, 0);
	assert_int_equal(h_count(h, NC_REC_SIP), 1);
	assert_true(h_has_anomaly(h, "sip.body_truncated"));
	app_data(&t, 1, resp401, 10, 10);
	app_gap(&t, 1, 100);
	app_data(&t, 1, resp401, sizeof(resp401) - 1, 10);
	assert_int_equal(h_count(h, NC_REC_SIP), 1);
	assert_int_equal(h_event(h, NC_EV_SIP_GAP), 1);
	tcp_close(&t);
	free(h);
}

static void test_probe(void **state)
{
	(void)state;
	const struct {
		const char *s;
		enum nc_probe want;
	} cases[] = {
	    {"INVITE sip:a@b SIP/2.0\r\n", NC_PROBE_YES},
	    {"REGISTER sips:b SIP/2.0\r\n", NC_PROBE_YES},
	    {"SIP/2.0 200 OK\r\n", NC_PROBE_YES},
	    {"SIP/2.0 2", NC_PROBE_NEED},
	    {"SIP/", NC_PROBE_NEED},
	    {"INVITE sip:a@b", NC_PROBE_NEED},
	    {"INV", NC_PROBE_NEED},
	    {"GET / HTTP/1.1\r\n", NC_PROBE_NO},
	    {"GET sip:a HTTP/1.1\r\n", NC_PROBE_NO},
	    {"HTTP/1.1 200 OK\r\n", NC_PROBE_NO},
	    {"invite sip:a SIP/2.0\r\n", NC_PROBE_NO},
	    {"SIP/2.0 abc\r\n", NC_PROBE_NO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(nc_app_sip.probe((const uint8_t *)cases[i].s,
						  strlen(cases[i].s), 0),
				 cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invite),
	    cmocka_unit_test(test_response),
	    cmocka_unit_test(test_compact_and_folding),
	    cmocka_unit_test(test_body_short),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_bad_start),
	    cmocka_unit_test(test_many_headers),
	    cmocka_unit_test(test_tcp_chunks),
	    cmocka_unit_test(test_tcp_huge_line),
	    cmocka_unit_test(test_tcp_endless_headers),
	    cmocka_unit_test(test_tcp_gap_end),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
