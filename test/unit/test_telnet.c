/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the Telnet login parser (decoders/telnet.c).
 *
 * The parser is driven as the dispatcher drives it (data() per chunk,
 * end(), close()) on one connection 10.0.0.1:40000 -> 10.0.0.2:23. The
 * captured session is test/data/telnet_login.pcap (made by
 * scripts/make-telnet-capture.sh against GNU inetutils telnetd and
 * /bin/login), every TCP payload in frame order as tshark shows it
 * (tshark -Y 'tcp.len>0' -e tcp.payload); the expected user names and
 * passwords are the keys tshark shows in telnet.data, edited as RFC 854
 * and the terminal's erase character (DEL) say. Hand-made sessions test
 * the NVT rules of RFC 854/855 and NEW-ENVIRON (RFC 1572). Every session
 * is also fed one octet at a time and must give the same records, and
 * cut at every octet, which must not crash or leak.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_harness.h"
#include "observe.h"

extern const struct nc_app_parser nc_app_telnet;

static const uint8_t a_cli[4] = {10, 0, 0, 1}, a_srv[4] = {10, 0, 0, 2};

/* what the parser told the observer */
static char seen_name[64], seen_banner[512];
static unsigned seen_n;

static void obs_service(void *arg, struct nc_dec *d,
			const struct nc_app_conn *c, const char *name,
			const char *banner)
{
	(void)arg, (void)d, (void)c;
	seen_n++;
	snprintf(seen_name, sizeof(seen_name), "%s", name);
	snprintf(seen_banner, sizeof(seen_banner), "%s", banner);
}

static const struct nc_observer observer = {.service = obs_service};

/* app_open_fn: the connection to port 23, the observer above */
static void run_open(struct app_run *r, const void *arg)
{
	static const struct nc_app_conn c = {
	    .uid = "CtestTESTtes",
	    .alen = 4,
	    .proto = 6,
	    .addr = {a_cli, a_srv},
	    .port = {40000, 23},
	    .ts = 1000000000,
	};
	(void)arg;
	app_open(r, NULL, &nc_app_telnet, &c, NULL);
	r->h->dec.obs = &observer;
	seen_n = 0;
	seen_name[0] = seen_banner[0] = '\0';
}

/* Same records (type and packed bytes: the time of a segment does not
   depend on the chunks) from whole segments and one octet at a time. */
static void same_records(const struct app_seg *s, size_t n)
{
	app_same_records(run_open, NULL, s, n, true);
}

/* Cut the session at every octet: no crash, nothing kept after close. */
static void every_cut(const struct app_seg *s, size_t n)
{
	app_every_cut(run_open, NULL, s, n);
}

/* The k-th Credentials record: user, password, notes. */
static void cred_is(const struct harness *h, unsigned k, const char *user,
		    const char *pass, const char *notes)
{
	Netcap__Credentials *c = h_get(h, NC_REC_CREDENTIALS, k);
	assert_non_null(c);
	assert_string_equal(c->service, "Telnet");
	assert_string_equal(c->user, user);
	assert_string_equal(c->password, pass);
	assert_string_equal(c->notes, notes);
	protobuf_c_message_free_unpacked(&c->base, NULL);
}

/* Run a whole session; the caller checks h and frees with app_free. */
static void run_all(struct app_run *r, const struct app_seg *s, size_t n)
{
	run_open(r, NULL);
	app_feed_segs(r, s, n, 0, SIZE_MAX);
	app_close(r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* the captured session */

/*
 * test/data/telnet_login.pcap: every segment with data, in frame order.
 * Option negotiation (RFC 855; option names from the IANA registry), the
 * banner line, "login:" answered one key per segment with echo (a typo
 * 'x' erased by DEL, line end CR NUL), the wrong password "wrong-pass" CR
 * LF, "Login incorrect", "login:" answered with a line, the password
 * typed one key per segment (an extra 'q' erased by DEL), motd, "$ ".
 */
static const struct app_seg capture[] = {
	/* frame 4, server: IAC WILL AUTHENTICATION, IAC WILL ENCRYPT, IAC DO
	 * TTYPE, IAC DO TSPEED, IAC DO XDISPLOC, IAC DO NEW-ENVIRON, IAC DO
	 * ENVIRON */
	{1, 21,
	 "\377\373%\377\373&\377\375\030\377\375 \377\375#\377\375'\377\375$"},
	/* frame 6, client: IAC DONT AUTHENTICATION */
	{0, 3, "\377\376%"},
	/* frame 8, client: IAC DONT ENCRYPT */
	{0, 3, "\377\376&"},
	/* frame 10, client: IAC WONT TTYPE */
	{0, 3, "\377\374\030"},
	/* frame 12, client: IAC WONT TSPEED */
	{0, 3, "\377\374 "},
	/* frame 14, client: IAC WONT XDISPLOC */
	{0, 3, "\377\374#"},
	/* frame 16, client: IAC WONT NEW-ENVIRON */
	{0, 3, "\377\374'"},
	/* frame 18, client: IAC WONT ENVIRON */
	{0, 3, "\377\374$"},
	/* frame 20, server: IAC WILL SGA, IAC DO ECHO, IAC DO LINEMODE, IAC DO
	 * NAWS, IAC WILL STATUS, IAC DO LFLOW */
	{1, 18,
	 "\377\373\003\377\375\001\377\375\042\377\375\037\377\373\005\377"
	 "\375!"},
	/* frame 21, client: IAC DO SGA */
	{0, 3, "\377\375\003"},
	/* frame 22, client: IAC WONT ECHO */
	{0, 3, "\377\374\001"},
	/* frame 23, client: IAC WONT LINEMODE */
	{0, 3, "\377\374\042"},
	/* frame 24, client: IAC WONT NAWS */
	{0, 3, "\377\374\037"},
	/* frame 25, client: IAC DONT STATUS */
	{0, 3, "\377\376\005"},
	/* frame 26, client: IAC WONT LFLOW */
	{0, 3, "\377\374!"},
	/* frame 28, server: IAC WILL ECHO, IAC DO TIMING-MARK, IAC DO BINARY */
	{1, 9, "\377\373\001\377\375\006\377\375\000"},
	/* frame 29, client: IAC DO ECHO */
	{0, 3, "\377\375\001"},
	/* frame 30, server: text */
	{1, 51,
	 "\r\n"
	 "Linux 6.18.44-fc-v657 (nc-telnet-srv) (pts/0)\r\n"
	 "\r\n"},
	/* frame 31, client: IAC WONT TIMING-MARK */
	{0, 3, "\377\374\006"},
	/* frame 32, client: IAC WONT BINARY */
	{0, 3, "\377\374\000"},
	/* frame 34, server: text */
	{1, 21, "nc-telnet-srv login: "},
	/* frame 35, client: key */
	{0, 1, "n"},
	/* frame 36, server: echo */
	{1, 1, "n"},
	/* frame 38, client: key */
	{0, 1, "c"},
	/* frame 39, server: echo */
	{1, 1, "c"},
	/* frame 41, client: key */
	{0, 1, "-"},
	/* frame 42, server: echo */
	{1, 1, "-"},
	/* frame 44, client: key */
	{0, 1, "t"},
	/* frame 45, server: echo */
	{1, 1, "t"},
	/* frame 47, client: key */
	{0, 1, "e"},
	/* frame 48, server: echo */
	{1, 1, "e"},
	/* frame 50, client: key */
	{0, 1, "l"},
	/* frame 51, server: echo */
	{1, 1, "l"},
	/* frame 53, client: key */
	{0, 1, "n"},
	/* frame 54, server: echo */
	{1, 1, "n"},
	/* frame 56, client: key */
	{0, 1, "e"},
	/* frame 57, server: echo */
	{1, 1, "e"},
	/* frame 59, client: key */
	{0, 1, "t"},
	/* frame 60, server: echo */
	{1, 1, "t"},
	/* frame 62, client: key */
	{0, 1, "-"},
	/* frame 63, server: echo */
	{1, 1, "-"},
	/* frame 65, client: key */
	{0, 1, "t"},
	/* frame 66, server: echo */
	{1, 1, "t"},
	/* frame 68, client: key */
	{0, 1, "e"},
	/* frame 69, server: echo */
	{1, 1, "e"},
	/* frame 71, client: key */
	{0, 1, "s"},
	/* frame 72, server: echo */
	{1, 1, "s"},
	/* frame 74, client: key */
	{0, 1, "x"},
	/* frame 75, server: echo */
	{1, 1, "x"},
	/* frame 77, client: key DEL */
	{0, 1, "\177"},
	/* frame 78, server: text */
	{1, 3, "\010 \010"},
	/* frame 80, client: key */
	{0, 1, "t"},
	/* frame 81, server: echo */
	{1, 1, "t"},
	/* frame 83, client: key */
	{0, 1, "\r"},
	/* frame 84, server: text */
	{1, 2, "\r\n"},
	/* frame 86, server: text */
	{1, 10, "Password: "},
	/* frame 87, client: NUL (after CR) */
	{0, 1, "\000"},
	/* frame 89, client: text */
	{0, 12, "wrong-pass\r\n"},
	/* frame 91, server: text */
	{1, 2, "\r\n"},
	/* frame 93, server: text */
	{1, 19,
	 "\r\n"
	 "Login incorrect\r\n"},
	/* frame 95, server: text */
	{1, 21, "nc-telnet-srv login: "},
	/* frame 97, client: text */
	{0, 16, "nc-telnet-test\r\n"},
	/* frame 98, server: text */
	{1, 16, "nc-telnet-test\r\n"},
	/* frame 100, server: text */
	{1, 10, "Password: "},
	/* frame 102, client: key */
	{0, 1, "n"},
	/* frame 104, client: key */
	{0, 1, "c"},
	/* frame 106, client: key */
	{0, 1, "-"},
	/* frame 108, client: key */
	{0, 1, "e"},
	/* frame 110, client: key */
	{0, 1, "4"},
	/* frame 112, client: key */
	{0, 1, "f"},
	/* frame 114, client: key */
	{0, 1, "7"},
	/* frame 116, client: key */
	{0, 1, "9"},
	/* frame 118, client: key */
	{0, 1, "2"},
	/* frame 120, client: key */
	{0, 1, "7"},
	/* frame 122, client: key */
	{0, 1, "1"},
	/* frame 124, client: key */
	{0, 1, "1"},
	/* frame 126, client: key */
	{0, 1, "f"},
	/* frame 128, client: key */
	{0, 1, "q"},
	/* frame 130, client: key DEL */
	{0, 1, "\177"},
	/* frame 132, client: key */
	{0, 1, "\r"},
	/* frame 134, server: text */
	{1, 2, "\r\n"},
	/* frame 136, client: NUL (after CR) */
	{0, 1, "\000"},
	/* frame 138, server: text */
	{1, 363,
	 "Linux nc-telnet-srv 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0 x86_"
	 "64\r\n"
	 "\r\n"
	 "The programs included with the Debian GNU/Linux system are free so"
	 "ftware;\r\n"
	 "the exact distribution terms for each program are described in the"
	 "\r\n"
	 "individual files in /usr/share/doc/*/copyright.\r\n"
	 "\r\n"
	 "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent"
	 "\r\n"
	 "permitted by applicable law.\r\n"},
	/* frame 140, server: text */
	{1, 2, "$ "},
	/* frame 142, client: text */
	{0, 4, "id\r\n"},
	/* frame 144, server: text */
	{1, 4, "id\r\n"},
	/* frame 146, server: text */
	{1, 79,
	 "uid=1001(nc-telnet-test) gid=1001(nc-telnet-test) groups=1001(nc-t"
	 "elnet-test)\r\n"},
	/* frame 148, server: text */
	{1, 2, "$ "},
	/* frame 150, client: text */
	{0, 6, "exit\r\n"},
	/* frame 151, server: text */
	{1, 6, "exit\r\n"},
};

static void test_capture(void **state)
{
	struct app_run r;

	(void)state;
	run_all(&r, capture, N(capture));
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 2);
	cred_is(r.h, 0, "nc-telnet-test", "wrong-pass", "login failed");
	cred_is(r.h, 1, "nc-telnet-test", "nc-e4f792711f", "login accepted");
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->flow, "10.0.0.1:40000->10.0.0.2:23");
	assert_int_equal(c->srcport, 40000);
	assert_int_equal(c->dstport, 23);
	assert_memory_equal(c->srcip.data, a_cli, 4);
	assert_memory_equal(c->dstip.data, a_srv, 4);
	assert_string_equal(c->uid, "CtestTESTtes");
	protobuf_c_message_free_unpacked(&c->base, NULL);
	/* frame 30: the first server line, NVT commands aside */
	assert_int_equal(seen_n, 1);
	assert_string_equal(seen_name, "Telnet");
	assert_string_equal(seen_banner,
			    "Linux 6.18.44-fc-v657 (nc-telnet-srv) (pts/0)");
	assert_int_equal(h_count(r.h, NC_REC_ANOMALY), 0);
	app_free(&r);
	same_records(capture, N(capture));
	every_cut(capture, N(capture));
}

/* ---------------------------------------------------------------------- */
/* hand-made sessions (RFC 854, 855, 1572) */

/*
 * Line mode, a router's prompts: "Username:" and "Password:", IAC IAC in
 * the password is one data octet 255 (RFC 854: not valid UTF-8, so the
 * record shows it as Wireshark does, "\xff"), IAC GA after each prompt
 * (no SUPPRESS-GO-AHEAD), a failure in the router's words, then a second
 * try that gets a "Router>" prompt.
 */
static const struct app_seg router[] = {
	/* IAC WILL ECHO, IAC WILL SGA, then the banner line */
	{1, 0, "\377\373\001\377\373\003\r\nUser Access Verification\r\n\r\n"},
	/* IAC DO ECHO, IAC DO SGA */
	{0, 0, "\377\375\001\377\375\003"},
	/* prompt, IAC GA (249) */
	{1, 0, "Username: \377\371"},
	{0, 0, "admin\r\n"},
	{1, 0, "admin\r\nPassword: \377\371"},
	/* "pa" IAC IAC "ss" CR LF */
	{0, 9, "pa\377\377ss\r\n"},
	{1, 0, "\r\n% Authentication failed\r\n\r\nUsername: "},
	/* BS (0x08) erases a typo; IAC EC (247) erases the 'x' */
	{0, 0, "admim\010n\r\n"},
	{1, 0, "admin\r\nPassword: "},
	{0, 0, "cisco1x\377\367\r\n"},
	{1, 0, "\r\nRouter>"},
	{0, 0, "show version\r\n"},
};

static void test_router(void **state)
{
	struct app_run r;

	(void)state;
	run_all(&r, router, N(router));
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 2);
	cred_is(r.h, 0, "admin", "pa\\xffss", "login failed");
	cred_is(r.h, 1, "admin", "cisco1", "login accepted");
	assert_string_equal(seen_banner, "User Access Verification");
	app_free(&r);
	same_records(router, N(router));
	every_cut(router, N(router));
}

/*
 * telnet -l: the user name is the USER variable of NEW-ENVIRON (RFC 1572
 * 5), the server asks for the password only. The subnegotiation holds an
 * ESC-quoted octet and a USERVAR; IAC IAC inside SB is a data 255.
 *   IAC SB NEW-ENVIRON(39) IS(0) VAR(0) "USER" VALUE(1) "jo" ESC(2) 0x01
 *   "e" USERVAR(3) "X" VALUE(1) 0xff 0xff IAC SE
 * so USER is "jo\x01e" (the ESC'd VALUE octet is part of the value).
 */
static const struct app_seg environ_login[] = {
	/* IAC DO NEW-ENVIRON, IAC SB NEW-ENVIRON SEND IAC SE */
	{1, 9, "\377\375\047\377\372\047\001\377\360"},
	/* IAC WILL NEW-ENVIRON */
	{0, 3, "\377\373\047"},
	{0, 22,
	 "\377\372\047\000\000USER\001jo\002\001e\003X\001\377\377\377\360"},
	{1, 0, "Debian GNU/Linux 12\r\nPassword: "},
	{0, 0, "s3cret\r\000"},
	{1, 0, "\r\nLast login: Mon Jan  1 00:00:00 UTC 2024 on pts/1\r\n"},
	{1, 0, "jo@host:~$ "},
};

static void test_environ(void **state)
{
	struct app_run r;

	(void)state;
	run_all(&r, environ_login, N(environ_login));
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 1);
	cred_is(r.h, 0, "jo\x01" "e", "s3cret", "login accepted");
	assert_string_equal(seen_banner, "Debian GNU/Linux 12");
	app_free(&r);
	same_records(environ_login, N(environ_login));
	every_cut(environ_login, N(environ_login));
}

/*
 * No verdict: the connection ends after the password (notes ""), and a
 * new prompt before any verdict writes the pending one with "". Escape
 * sequences (an arrow key, ESC [ D) and ^U (kill line) are edited out.
 */
static const struct app_seg no_verdict[] = {
	{1, 0, "login: "},
	{0, 0, "bob\033[D\r\n"},
	{1, 0, "Password: "},
	{0, 0, "first\r\n"},
	{1, 0, "\r\nlogin: "},
	{0, 0, "xyz\025alice\r\n"},
	{1, 0, "password:"},
	{0, 0, "second\r\n"},
};

static void test_no_verdict(void **state)
{
	struct app_run r;

	(void)state;
	run_all(&r, no_verdict, N(no_verdict));
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 2);
	cred_is(r.h, 0, "bob", "first", "");
	cred_is(r.h, 1, "alice", "second", "");
	/* no server line before the client's first: the banner is what the
	   server had sent */
	assert_string_equal(seen_banner, "login: ");
	app_free(&r);
	same_records(no_verdict, N(no_verdict));
}

/* Hostile: an unterminated subnegotiation longer than the bound, a
   command byte below SE, a line longer than the kept text, a gap. */
static void test_hostile(void **state)
{
	struct app_run r;
	static uint8_t big[6000];

	(void)state;
	/* IAC SB TTYPE then 5997 octets, never IAC SE */
	big[0] = 0xff, big[1] = 0xfa, big[2] = 24;
	memset(big + 3, 'a', sizeof(big) - 3);
	struct app_seg s[] = {
	    {1, sizeof(big), (const char *)big},
	    /* IAC 0x41: not a command (RFC 854 commands are 240..255) */
	    {1, 0, "\377A\r\nlogin: "},
	};
	run_open(&r, NULL);
	app_feed_segs(&r, s, N(s), 0, SIZE_MAX);
	assert_int_equal(h_event(r.h, NC_EV_TELNET_SB_TOO_LONG), 1);
	assert_int_equal(h_event(r.h, NC_EV_TELNET_BAD_COMMAND), 1);
	assert_true(h_has_anomaly(r.h, "telnet.subnegotiation_too_long"));
	/* the subnegotiation ended at the bound: the rest is text, so the
	   prompt is still found */
	static char longline[1000];
	memset(longline, 'u', sizeof(longline) - 3);
	longline[sizeof(longline) - 3] = '\r';
	longline[sizeof(longline) - 2] = '\n';
	struct app_seg t[] = {
	    {0, 0, longline},
	    {1, 0, "Password: "},
	    {0, 0, "pw\r\n"},
	};
	app_feed_segs(&r, t, N(t), 0, SIZE_MAX);
	assert_int_equal(h_event(r.h, NC_EV_TELNET_LINE_TOO_LONG), 1);
	/* a gap in the client's keys: the answer pending is dropped */
	app_gap(&r, 0, 100);
	assert_int_equal(h_event(r.h, NC_EV_TELNET_GAP), 1);
	app_close(&r);
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 1);
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_int_equal(strlen(c->user), 255); /* kept: 256 octets, cut */
	assert_string_equal(c->password, "pw");
	protobuf_c_message_free_unpacked(&c->base, NULL);
	app_free(&r);

	/* a gap after a prompt: the next line does not answer it */
	struct app_seg g1[] = {{1, 0, "login: "}};
	struct app_seg g2[] = {{0, 0, "eve\r\n"}, {1, 0, "Password: "},
			   {0, 0, "x\r\n"}};
	run_open(&r, NULL);
	app_feed_segs(&r, g1, N(g1), 0, SIZE_MAX);
	app_gap(&r, 0, 10);
	app_feed_segs(&r, g2, N(g2), 0, SIZE_MAX);
	app_close(&r);
	/* "eve" answered the prompt the gap dropped? no: the user stays "" */
	cred_is(r.h, 0, "", "x", "");
	app_free(&r);
}

/* The content probe (either direction's first octets). */
static void test_probe(void **state)
{
	enum nc_probe (*pr)(const uint8_t *, size_t, int) = nc_app_telnet.probe;
	(void)state;
	/* IAC DO TTYPE (24), IAC WILL ECHO */
	assert_int_equal(pr((const uint8_t *)"\377\375\030\377\373\001", 6, 1),
			 NC_PROBE_YES);
	/* IAC WONT TTYPE */
	assert_int_equal(pr((const uint8_t *)"\377\374\030", 3, 0),
			 NC_PROBE_YES);
	/* IAC DO, option to come */
	assert_int_equal(pr((const uint8_t *)"\377\375", 2, 1), NC_PROBE_NEED);
	/* IAC DO 200: no such option */
	assert_int_equal(pr((const uint8_t *)"\377\375\310", 3, 1), NC_PROBE_NO);
	/* IAC NOP first: not option negotiation */
	assert_int_equal(pr((const uint8_t *)"\377\361\377\375\001", 5, 1),
			 NC_PROBE_NO);
	/* IAC DO ECHO then binary */
	assert_int_equal(pr((const uint8_t *)"\377\375\001\001\002\003", 6, 1),
			 NC_PROBE_NO);
	/* IAC DO ECHO, IAC SB TTYPE SEND IAC SE, text */
	assert_int_equal(
	    pr((const uint8_t *)"\377\375\001\377\372\030\001\377\360login: ",
	       16, 1),
	    NC_PROBE_YES);
	/* text only: the port decides */
	assert_int_equal(pr((const uint8_t *)"login: ", 7, 1), NC_PROBE_NEED);
	/* TLS ClientHello, SSH binary packet: not Telnet */
	assert_int_equal(pr((const uint8_t *)"\026\003\001\002\000\001", 6, 0),
			 NC_PROBE_NO);
	assert_int_equal(pr((const uint8_t *)"\000\000\001\024\012", 5, 0),
			 NC_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture),
	    cmocka_unit_test(test_router),
	    cmocka_unit_test(test_environ),
	    cmocka_unit_test(test_no_verdict),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
