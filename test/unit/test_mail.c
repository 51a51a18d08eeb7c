/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the mail and file-transfer parsers: decoders/smtp.c,
 * pop3.c, imap.c, ftp.c and the message parser decoders/mail.c.
 *
 * The parsers are driven as the dispatcher drives them (data() per chunk,
 * end(), close()) on one connection 10.0.0.1:40000 -> 10.0.0.2:<port>.
 * Sessions come from the test captures (tshark -z follow,tcp,raw), the
 * expected values from tshark -T fields (smtp.req.command,
 * smtp.response.code, imf.*, ftp.*, pop.*, imap.*) or, for hand-made
 * input, from the RFCs named at each test. Every session is also fed one
 * octet at a time and must give the same records, and cut at every
 * octet, which must not crash or leak (the budget must be back to 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "app_harness.h"
#include "mail.h"

extern const struct nc_app_parser nc_app_smtp, nc_app_pop3, nc_app_imap,
	nc_app_ftp;

static const uint8_t a_cli[4] = {10, 0, 0, 1}, a_srv[4] = {10, 0, 0, 2};

/* app_open_fn: a connection to the parser's first port, arg the parser */
static void run_open(struct app_run *r, const void *arg)
{
	const struct nc_app_parser *ps = arg;
	struct nc_app_conn c = {
	    .uid = "CtestTESTtes",
	    .alen = 4,
	    .proto = 6,
	    .addr = {a_cli, a_srv},
	    .port = {40000, ps->ports[0]},
	    .ts = 1000000000,
	};
	app_open(r, NULL, ps, &c, NULL);
}

/* Same records (type and packed length, timestamps aside: chunking moves
   them) from whole segments and from one octet at a time. */
static void same_records(const struct nc_app_parser *ps,
			 const struct app_seg *s, size_t n)
{
	app_same_records(run_open, ps, s, n, false);
}

/* Cut the session at every octet: no crash, nothing kept after close. */
static void every_cut(const struct nc_app_parser *ps, const struct app_seg *s,
		      size_t n)
{
	app_every_cut(run_open, ps, s, n);
}

/* ---------------------------------------------------------------------- */
/* SMTP */

/*
 * smtp_auth-login_mime_multi-rcpt.pcap tcp.stream 2 (frames 66-88), the
 * whole conversation (tshark -z follow,tcp,raw,2).
 */
static const struct app_seg smtp_s2[] = {
	/* server, 35 octets */
	{1, 35,
	"220 uprise ESMTP SubEthaSMTP null\r\n"},
	/* client, 24 octets */
	{0, 24,
	"EHLO [192.168.133.100]\r\n"},
	/* server, 50 octets */
	{1, 50,
	"250-uprise\r\n"
	"250-8BITMIME\r\n"
	"250-AUTH LOGIN\r\n"
	"250 Ok\r\n"},
	/* client, 32 octets */
	{0, 32,
	"MAIL FROM:<albert@example.com>\r\n"},
	/* server, 8 octets */
	{1, 8,
	"250 Ok\r\n"},
	/* client, 32 octets */
	{0, 32,
	"RCPT TO:<ericlim220@yahoo.com>\r\n"},
	/* server, 8 octets */
	{1, 8,
	"250 Ok\r\n"},
	/* client, 33 octets */
	{0, 33,
	"RCPT TO:<felica4uu@hotmail.com>\r\n"},
	/* server, 8 octets */
	{1, 8,
	"250 Ok\r\n"},
	/* client, 35 octets */
	{0, 35,
	"RCPT TO:<davis_mark1@outlook.com>\r\n"},
	/* server, 8 octets */
	{1, 8,
	"250 Ok\r\n"},
	/* client, 6 octets */
	{0, 6,
	"DATA\r\n"},
	/* server, 37 octets */
	{1, 37,
	"354 End data with <CR><LF>.<CR><LF>\r\n"},
	/* client, 807 octets */
	{0, 807,
	"Content-Type: text/plain; charset=us-ascii\r\n"
	"Mime-Version: 1.0 (Mac OS X Mail 8.2 \\(2102\\))\r\n"
	"Subject: Re: Bro SMTP CC Header\r\n"
	"From: Albert Zaharovits <albert@example.com>\r\n"
	"In-Reply-To: <9ACEE03C-AB98-4046-AEC1-BF4910C61E96@example.com>\r\n"
	"Date: Sat, 25 Jul 2015 16:43:07 +0300\r\n"
	"Cc: felica4uu@hotmail.com,\r\n"
	" davis_mark1@outlook.com\r\n"
	"Content-Transfer-Encoding: 7bit\r\n"
	"Message-Id: <A6202DF2-8E58-4E41-BE0B-C8D3989A4AEE@example.com>\r\n"
	"References: <FA60128E-63CF-4C4E-8241-C5805EA0F66E@example.com> <9ACEE03C-AB98-4046-AEC1-BF4910C61E96@example.com>\r\n"
	"To: ericlim220@yahoo.com\r\n"
	"X-Mailer: Apple Mail (2.2102)\r\n"
	"\r\n"
	"\r\n"
	"> On 25 Jul 2015, at 16:38, Albert Zaharovits <albert@example.com> wrote:\r\n"
	"> \r\n"
	"> \r\n"
	">> On 25 Jul 2015, at 16:21, Albert Zaharovits <albert@example.com> wrote:\r\n"
	">> \r\n"
	">> Bro SMTP CC Header\r\n"
	">> TEST\r\n"
	"> \r\n"
	"\r\n"
	".\r\n"},
	/* server, 8 octets */
	{1, 8,
	"250 Ok\r\n"}
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_smtp_session(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_smtp);
	app_feed_segs(&r, smtp_s2, N(smtp_s2), 0, SIZE_MAX);
	app_close(&r);
	assert_int_equal(h_count(r.h, NC_REC_SMTP), 1);
	assert_int_equal(h_count(r.h, NC_REC_MAIL), 1);

	Netcap__SMTP *s = h_get(r.h, NC_REC_SMTP, 0);
	assert_non_null(s);
	/* tshark smtp.req.command / smtp.req.parameter, frames 68-84 */
	static const char *cmds[] = {
	    "EHLO [192.168.133.100]", "MAIL FROM:<albert@example.com>",
	    "RCPT TO:<ericlim220@yahoo.com>",
	    "RCPT TO:<felica4uu@hotmail.com>",
	    "RCPT TO:<davis_mark1@outlook.com>", "DATA"};
	assert_int_equal(s->n_commands, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(s->commands[i], cmds[i]);
	/* tshark smtp.response.code, frames 66-88 */
	static const int codes[] = {220, 250, 250, 250, 250, 250, 354, 250};
	assert_int_equal(s->n_responsecodes, 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(s->responsecodes[i], codes[i]);
	assert_string_equal(s->helo, "[192.168.133.100]");
	assert_string_equal(s->mailfrom, "albert@example.com");
	assert_int_equal(s->n_rcptto, 3);
	assert_string_equal(s->rcptto[2], "davis_mark1@outlook.com");
	assert_string_equal(s->serverbanner, "uprise ESMTP SubEthaSMTP null");
	assert_string_equal(s->subject, "Re: Bro SMTP CC Header");
	assert_int_equal(s->n_mailids, 1);
	assert_string_equal(s->mailids[0],
			    "<A6202DF2-8E58-4E41-BE0B-C8D3989A4AEE@example.com>");
	assert_false(s->isencrypted);
	assert_int_equal(s->srcport, 40000);
	H_FREE(s);

	/* tshark imf.* of frame 87; Cc unfolded (RFC 5322 2.2.3) */
	Netcap__Mail *m = h_get(r.h, NC_REC_MAIL, 0);
	assert_non_null(m);
	assert_string_equal(m->from, "Albert Zaharovits <albert@example.com>");
	assert_string_equal(m->to, "ericlim220@yahoo.com");
	assert_string_equal(m->cc,
			    "felica4uu@hotmail.com, davis_mark1@outlook.com");
	assert_string_equal(m->subject, "Re: Bro SMTP CC Header");
	assert_string_equal(m->date, "Sat, 25 Jul 2015 16:43:07 +0300");
	assert_string_equal(m->inreplyto,
			    "<9ACEE03C-AB98-4046-AEC1-BF4910C61E96@example.com>");
	assert_string_equal(m->origin, "SMTP");
	assert_false(m->hasattachments);
	/* tshark --export-objects imf: 802 octets,
	   md5 092373ddb1e0b666f8bae85a63bee2c8 */
	assert_int_equal(m->size, 802);
	assert_string_equal(m->md5, "092373ddb1e0b666f8bae85a63bee2c8");
	assert_int_equal(m->n_body, 1);
	assert_string_equal(m->body[0]->contenttype, "text/plain");
	H_FREE(m);
	app_free(&r);

	same_records(&nc_app_smtp, smtp_s2, N(smtp_s2));
	every_cut(&nc_app_smtp, smtp_s2, N(smtp_s2));
}

/*
 * AUTH LOGIN (RFC 4954, capture stream 0 frames 10-15): the base64 lines
 * decode (RFC 4648) to "gurpartap@patriots.in" / "punjab@123"; 235 means
 * accepted.
 */
static const struct app_seg smtp_auth[] = {
	{1, 0, "220 xc90.websitewelcome.com ESMTP Exim 4.69\r\n"},
	{0, 0, "EHLO GP\r\n"},
	{1, 0, "250-xc90.websitewelcome.com Hello GP\r\n"
	       "250 HELP\r\n"},
	{0, 0, "AUTH LOGIN\r\n"},
	{1, 0, "334 VXNlcm5hbWU6\r\n"},		/* "Username:" */
	{0, 0, "Z3VycGFydGFwQHBhdHJpb3RzLmlu\r\n"},
	{1, 0, "334 UGFzc3dvcmQ6\r\n"},		/* "Password:" */
	{0, 0, "cHVuamFiQDEyMw==\r\n"},
	{1, 0, "235 Authentication succeeded\r\n"},
	/* AUTH PLAIN with an initial response (RFC 4616: "\0u\0p") */
	{0, 0, "AUTH PLAIN AHUAcA==\r\n"},
	{1, 0, "535 no\r\n"},
	{0, 0, "STARTTLS\r\n"},
	{1, 0, "220 go ahead\r\n"},
	{0, 0, "\x16\x03\x01\x00\x05hello\r\nQUIT\r\n"},
};

static void test_smtp_auth_starttls(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_smtp);
	app_feed_segs(&r, smtp_auth, N(smtp_auth), 0, SIZE_MAX);
	app_close(&r);
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 2);
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->service, "SMTP AUTH");
	assert_string_equal(c->user, "gurpartap@patriots.in");
	assert_string_equal(c->password, "punjab@123");
	assert_string_equal(c->notes, "accepted (235)");
	H_FREE(c);
	c = h_get(r.h, NC_REC_CREDENTIALS, 1);
	assert_string_equal(c->user, "u");
	assert_string_equal(c->password, "p");
	assert_string_equal(c->notes, "rejected (535)");
	H_FREE(c);
	Netcap__SMTP *s = h_get(r.h, NC_REC_SMTP, 0);
	assert_true(s->isencrypted);
	/* nothing after STARTTLS is a command */
	assert_int_equal(s->n_commands, 4);
	assert_string_equal(s->commands[3], "STARTTLS");
	assert_string_equal(s->user, "u");
	H_FREE(s);
	app_free(&r);
	same_records(&nc_app_smtp, smtp_auth, N(smtp_auth));
	every_cut(&nc_app_smtp, smtp_auth, N(smtp_auth));
}

/*
 * MIME (RFC 2046 5.1): a multipart/mixed message with a text part, a
 * dot-stuffed line (RFC 5321 4.5.2) and a base64 attachment of the
 * octets 00 01 02 03 04 (md5sum: d05374dc381d9b52806446a71c8e79b1).
 */
static const struct app_seg smtp_mime[] = {
	{1, 0, "220 mx ESMTP\r\n"},
	{0, 0, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"},
	{1, 0, "250 ok\r\n250 ok\r\n354 go\r\n"}, /* pipelined */
	{0, 0, "From: a@b\r\n"
	       "Subject: =?utf-8?q?x?=\r\n"
	       "Content-Type: multipart/mixed;\r\n"
	       "\tboundary=\"" /* 100 octets: longer than RFC 2046's 70 */
	       "0123456789012345678901234567890123456789"
	       "0123456789012345678901234567890123456789"
	       "01234567890123456789\"\r\n"
	       "\r\n"
	       "preamble\r\n"
	       "--0123456789012345678901234567890123456789"
	       "0123456789012345678901234567890123456789"
	       "01234567890123456789\r\n"
	       "Content-Type: text/plain\r\n"
	       "\r\n"
	       "..hello\r\n"
	       "--0123456789012345678901234567890123456789"
	       "0123456789012345678901234567890123456789"
	       "01234567890123456789\r\n"
	       "Content-Type: application/octet-stream\r\n"
	       "Content-Disposition: attachment; filename=\"a.bin\"\r\n"
	       "Content-Transfer-Encoding: base64\r\n"
	       "\r\n"
	       "AAECAwQ=\r\n"
	       "--0123456789012345678901234567890123456789"
	       "0123456789012345678901234567890123456789"
	       "01234567890123456789--\r\n"
	       ".\r\n"},
	{1, 0, "250 queued\r\n"},
};

static void test_smtp_mime(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_smtp);
	app_feed_segs(&r, smtp_mime, N(smtp_mime), 0, SIZE_MAX);
	app_close(&r);
	Netcap__Mail *m = h_get(r.h, NC_REC_MAIL, 0);
	assert_non_null(m);
	assert_true(m->hasattachments);
	assert_int_equal(m->n_body, 2);
	assert_string_equal(m->body[0]->id, "1");
	assert_string_equal(m->body[0]->content, ".hello"); /* unstuffed */
	assert_string_equal(m->body[1]->id, "2");
	assert_string_equal(m->body[1]->filename, "a.bin");
	assert_int_equal(m->body[1]->size, 5);
	assert_string_equal(m->envelopeto, "c@d");
	H_FREE(m);
	Netcap__File *f = h_get(r.h, NC_REC_FILE, 0);
	assert_non_null(f);
	assert_string_equal(f->name, "a.bin");
	assert_int_equal(f->length, 5);
	assert_string_equal(f->hash, "d05374dc381d9b52806446a71c8e79b1");
	assert_string_equal(f->source, "SMTP");
	H_FREE(f);
	app_free(&r);
	same_records(&nc_app_smtp, smtp_mime, N(smtp_mime));
	every_cut(&nc_app_smtp, smtp_mime, N(smtp_mime));
}

/* Nesting past NC_MIME_DEPTH: mail.mime_depth, no recursion beyond. */
static void test_mime_depth(void **state)
{
	(void)state;
	static char msg[8192];
	size_t o = 0;
	o += (size_t)snprintf(msg + o, sizeof(msg) - o,
			      "Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o,
				      "--b%d\r\nContent-Type: multipart/mixed; "
				      "boundary=b%d\r\n\r\n", i, i + 1);
	o += (size_t)snprintf(msg + o, sizeof(msg) - o, "--b20\r\n\r\nx\r\n.\r\n");
	struct app_seg s[] = {{0, 0, "DATA\r\n"}, {0, o, msg}};
	struct app_run r;
	run_open(&r, &nc_app_smtp);
	app_feed_segs(&r, s, 2, 0, SIZE_MAX);
	app_close(&r);
	assert_true(h_event(r.h, NC_EV_MAIL_MIME_DEPTH) >= 1);
	assert_int_equal(h_count(r.h, NC_REC_MAIL), 1);
	app_free(&r);
}

/* A line over NC_LINE_MAX is dropped (mail.line_too_long); the next is a
   command. 1000 commands: 256 kept, all counted. */
static void test_smtp_hostile(void **state)
{
	(void)state;
	size_t big = NC_LINE_MAX + 100;
	char *l = malloc(big + 64);
	memset(l, 'A', big);
	memcpy(l + big, "\r\nHELO x\r\n", 11);
	struct app_seg s[] = {{0, big + 10, l}};
	struct app_run r;
	run_open(&r, &nc_app_smtp);
	app_feed_segs(&r, s, 1, 0, SIZE_MAX);
	for (int i = 0; i < 1000; i++)
		app_feed_segs(&r, (struct app_seg[]){{0, 0, "NOOP\r\n"}}, 1, 0,
			      SIZE_MAX);
	app_close(&r);
	assert_int_equal(h_event(r.h, NC_EV_MAIL_LINE_TOO_LONG), 1);
	Netcap__SMTP *m = h_get(r.h, NC_REC_SMTP, 0);
	assert_string_equal(m->helo, "x");
	assert_int_equal(m->n_commands, 256);
	assert_int_equal(m->numcommands, 1001);
	H_FREE(m);
	app_free(&r);
	free(l);
}

/* ---------------------------------------------------------------------- */
/* FTP */

/*
 * ftp_ipv4_passive.pcap stream 0 (frames 4-59; the 230 multi-line banner
 * shortened). tshark: ftp.response.code 220,331,230,227,150,226,200,...;
 * ftp.passive.ip 199.233.217.249 port 56666; ftp.active.port 33582.
 */
static const struct app_seg ftp_s[] = {
	{1, 0, "220 ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.\r\n"},
	{0, 0, "USER anonymous\r\n"},
	{1, 0, "331 Guest login ok, type your name as password.\r\n"},
	{0, 0, "PASS test\r\n"},
	{1, 0, "230-\r\n"},
	{1, 0, "    The NetBSD Project FTP Server\r\n"
	       "230 Guest login ok, access restrictions apply.\r\n"},
	{0, 0, "PASV\r\n"},
	{1, 0, "227 Entering Passive Mode (199,233,217,249,221,90)\r\n"},
	{0, 0, "RETR robots.txt\r\n"},
	{1, 0, "150 Opening BINARY mode data connection for 'robots.txt' (77 bytes).\r\n"},
	{1, 0, "226 Transfer complete.\r\n"},
	{0, 0, "PORT 141,142,220,235,131,46\r\n"},
	{1, 0, "200 PORT command successful.\r\n"},
	{0, 0, "LIST\r\n"},
	{1, 0, "150 Opening ASCII mode data connection for '/bin/ls'.\r\n"
	       "226 Transfer complete.\r\n"},
	/* RFC 2428: EPRT and EPSV */
	{0, 0, "EPRT |2|2001:db8::7|5282|\r\nSTOR up.bin\r\n"},
	{1, 0, "200 ok\r\n550 denied\r\n"},
	{0, 0, "EPSV\r\n"},
	{1, 0, "229 Entering Extended Passive Mode (|||6446|)\r\n"},
	{0, 0, "NLST\r\nQUIT\r\n"},
	{1, 0, "425 no\r\n221 bye\r\n"},
};

static void test_ftp_session(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_ftp);
	app_feed_segs(&r, ftp_s, N(ftp_s), 0, SIZE_MAX);
	app_close(&r);
	Netcap__FTP *f = h_get(r.h, NC_REC_FTP, 0);
	assert_non_null(f);
	static const int codes[] = {220, 331, 230, 227, 150, 226, 200,
				    150, 226, 200, 550, 229, 425, 221};
	assert_int_equal(f->n_replycodes, N(codes));
	for (size_t i = 0; i < N(codes); i++)
		assert_int_equal(f->replycodes[i], codes[i]);
	assert_string_equal(f->commands[0], "USER anonymous");
	assert_string_equal(f->user, "anonymous");
	assert_string_equal(f->pass, "test");
	assert_string_equal(f->banner,
			    "ftp.NetBSD.org FTP server (NetBSD-ftpd 20100320) ready.");
	assert_int_equal(f->n_transfers, 4);
	assert_string_equal(f->transfers[0]->command, "RETR");
	assert_string_equal(f->transfers[0]->argument, "robots.txt");
	assert_string_equal(f->transfers[0]->mode, "PASV");
	assert_bytes(f->transfers[0]->dataip, 199, 233, 217, 249);
	assert_int_equal(f->transfers[0]->dataport, 56666);
	assert_int_equal(f->transfers[0]->replycode, 226);
	assert_string_equal(f->transfers[1]->mode, "PORT");
	assert_bytes(f->transfers[1]->dataip, 141, 142, 220, 235);
	assert_int_equal(f->transfers[1]->dataport, 33582);
	assert_string_equal(f->transfers[2]->mode, "EPRT");
	assert_bytes(f->transfers[2]->dataip, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0,
		     0, 0, 0, 0, 0, 0, 0, 0, 7);
	assert_int_equal(f->transfers[2]->dataport, 5282);
	assert_int_equal(f->transfers[2]->replycode, 550);
	assert_string_equal(f->transfers[3]->mode, "EPSV");
	assert_bytes(f->transfers[3]->dataip, 10, 0, 0, 2);
	assert_int_equal(f->transfers[3]->dataport, 6446);
	H_FREE(f);
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->service, "FTP");
	assert_string_equal(c->notes, "accepted (230)");
	H_FREE(c);
	app_free(&r);
	same_records(&nc_app_ftp, ftp_s, N(ftp_s));
	every_cut(&nc_app_ftp, ftp_s, N(ftp_s));
}

/* ---------------------------------------------------------------------- */
/* POP3 */

/*
 * pop3_pcapng-content-with-pcap-extension.pcap stream 2 (frames 48-57):
 * tshark pop.request.command AUTH, CAPA, AUTH PLAIN, then the token;
 * pop.response.indicator +OK, -ERR, +OK, -ERR. The token decodes
 * (RFC 4616) to digitalinvestigator@networksims.com / napier.
 */
static const struct app_seg pop_s[] = {
	{1, 0, "+OK POP server ready H mimap8 0MHXFQ-1VDgSF1308-003NYq\r\n"},
	{0, 0, "AUTH\r\n"},
	{1, 0, "-ERR 1 argument required\r\n"},
	{0, 0, "CAPA\r\n"},
	{1, 0, "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nSTLS\r\n"
	       "SASL PLAIN\r\nIMPLEMENTATION trinity\r\n.\r\n"},
	{0, 0, "AUTH PLAIN\r\n"},
	{1, 0, "+ \r\n"},
	{0, 0, "AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcg==\r\n"},
	{1, 0, "-ERR authentication failed\r\n"},
	/* RFC 1939 7: RETR with a dot-stuffed line, pipelined with QUIT */
	{0, 0, "RETR 1\r\nQUIT\r\n"},
	{1, 0, "+OK 30 octets\r\nMessage-ID: <x@y>\r\n\r\n..a\r\n.\r\n"
	       "+OK bye\r\n"},
};

static void test_pop3_session(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_pop3);
	app_feed_segs(&r, pop_s, N(pop_s), 0, SIZE_MAX);
	app_close(&r);
	Netcap__POP3 *p = h_get(r.h, NC_REC_POP3, 0);
	assert_non_null(p);
	assert_int_equal(p->n_commands, 5);
	assert_string_equal(p->commands[2], "AUTH PLAIN");
	assert_string_equal(p->commands[3], "RETR 1");
	assert_string_equal(p->authtoken,
			    "AGRpZ2l0YWxpbnZlc3RpZ2F0b3JAbmV0d29ya3NpbXMuY29tAG5hcGllcg==");
	assert_string_equal(p->user, "digitalinvestigator@networksims.com");
	assert_string_equal(p->pass, "napier");
	assert_int_equal(p->n_responses, 6);
	assert_memory_equal(p->responses[1], "-ERR", 4);
	assert_memory_equal(p->responses[3], "-ERR", 4);
	assert_int_equal(p->n_mailids, 1);
	assert_string_equal(p->mailids[0], "<x@y>");
	assert_bytes(p->serverip, 10, 0, 0, 2);
	H_FREE(p);
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->notes, "rejected");
	H_FREE(c);
	Netcap__Mail *m = h_get(r.h, NC_REC_MAIL, 0);
	assert_string_equal(m->origin, "POP3");
	assert_string_equal(m->body[0]->content, ".a");
	assert_int_equal(m->srcport, 110); /* the server sent it */
	H_FREE(m);
	app_free(&r);
	same_records(&nc_app_pop3, pop_s, N(pop_s));
	every_cut(&nc_app_pop3, pop_s, N(pop_s));
}

/* ---------------------------------------------------------------------- */
/* IMAP */

/*
 * imap.pcap stream 0 (frames 4-32, the FETCH literal shortened to a
 * 44-octet message): tshark imap.request_tag C00000.., imap.request
 * "C00001 LOGIN samir pfres", imap.request.username samir,
 * imap.request.folder INBOX. Then a LOGIN with literals (RFC 3501 4.3).
 */
static const struct app_seg imap_s[] = {
	{1, 0, "* OK IMAP4Rev1 Server Version 4.9.04.012\r\n"},
	{0, 0, "C00000 CAPABILITY\r\n"},
	{1, 0, "* CAPABILITY IMAP4rev1 IDLE AUTH=LOGIN AUTH=PLAIN AUTH=CRAM-MD5\r\n"},
	{1, 0, "C00000 OK CAPABILITY completed\r\n"},
	{0, 0, "C00001 LOGIN samir pfres\r\n"},
	{1, 0, "C00001 OK LOGIN completed\r\n"},
	{0, 0, "C00004 SELECT INBOX\r\n"},
	{1, 0, "* 1 EXISTS\r\nC00004 OK [READ-WRITE] SELECT Completed\r\n"},
	{0, 0, "C00005 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER])\r\n"},
	{1, 0, "* 1 FETCH (UID 10 FLAGS (\\Recent) BODY[HEADER] {44}\r\n"},
	{1, 0, "Message-ID: <20080610@x>\r\nSubject: coucou\r\n"},
	{1, 0, ")\r\nC00005 OK FETCH Completed\r\n"},
	{0, 0, "a6 LOGIN {5}\r\n"},
	{1, 0, "+ Ready\r\n"},
	{0, 0, "us\"er {4}\r\npa\\s\r\n"},
	{1, 0, "a6 NO bad\r\n"},
};

static void test_imap_session(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_imap);
	app_feed_segs(&r, imap_s, N(imap_s), 0, SIZE_MAX);
	app_close(&r);
	Netcap__IMAP *m = h_get(r.h, NC_REC_IMAP, 0);
	assert_non_null(m);
	assert_int_equal(m->n_commands, 5);
	assert_string_equal(m->commands[1], "C00001 LOGIN samir pfres");
	assert_string_equal(m->commands[4],
			    "a6 LOGIN \"us\\\"er\" \"pa\\\\s\"");
	assert_string_equal(m->user, "us\"er");
	assert_int_equal(m->n_capabilities, 5);
	assert_string_equal(m->capabilities[4], "AUTH=CRAM-MD5");
	assert_int_equal(m->n_mailboxes, 1);
	assert_string_equal(m->mailboxes[0], "INBOX");
	assert_int_equal(m->n_mailids, 1);
	assert_string_equal(m->mailids[0], "<20080610@x>");
	assert_string_equal(m->serverbanner,
			    "IMAP4Rev1 Server Version 4.9.04.012");
	H_FREE(m);
	assert_int_equal(h_count(r.h, NC_REC_CREDENTIALS), 2);
	Netcap__Credentials *c = h_get(r.h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->user, "samir");
	assert_string_equal(c->password, "pfres");
	assert_string_equal(c->notes, "accepted");
	H_FREE(c);
	c = h_get(r.h, NC_REC_CREDENTIALS, 1);
	assert_string_equal(c->password, "pa\\s");
	assert_string_equal(c->notes, "rejected");
	H_FREE(c);
	Netcap__Mail *ml = h_get(r.h, NC_REC_MAIL, 0);
	assert_string_equal(ml->subject, "coucou");
	assert_int_equal(ml->size, 44);
	H_FREE(ml);
	app_free(&r);
	same_records(&nc_app_imap, imap_s, N(imap_s));
	every_cut(&nc_app_imap, imap_s, N(imap_s));
}

/* A literal of 4 GB announced and a gap inside it: bounded, no hang. */
static void test_imap_hostile_literal(void **state)
{
	(void)state;
	struct app_run r;
	run_open(&r, &nc_app_imap);
	app_feed_segs(&r,
		      (struct app_seg[]){{1, 0,
					  "* 1 FETCH (RFC822 {4294967296}\r\n"
					  "From: a\r\n\r\n"}},
		      1, 0, SIZE_MAX);
	app_gap(&r, 1, 1000);
	app_close(&r);
	Netcap__Mail *m = h_get(r.h, NC_REC_MAIL, 0);
	assert_non_null(m);
	assert_true(m->truncated);
	H_FREE(m);
	app_free(&r);
}

/* ---------------------------------------------------------------------- */
/* probes */

#define P(ps, s, dir) (ps).probe((const uint8_t *)(s), strlen(s), dir)

static void test_probes(void **state)
{
	(void)state;
	/* greetings (RFC 5321 4.3.1, RFC 959 5.4, RFC 1939 4, RFC 3501 7.1) */
	assert_int_equal(P(nc_app_smtp, "220 mx ESMTP Postfix\r\n", 1), NC_PROBE_YES);
	assert_int_equal(P(nc_app_ftp, "220 mx ESMTP Postfix\r\n", 1), NC_PROBE_NO);
	assert_int_equal(P(nc_app_ftp, "220 ProFTPD Server\r\n", 1), NC_PROBE_YES);
	assert_int_equal(P(nc_app_smtp, "220 ProFTPD Server\r\n", 1), NC_PROBE_NO);
	assert_int_equal(P(nc_app_smtp, "220 host ready\r\n", 1), NC_PROBE_NEED);
	assert_int_equal(P(nc_app_ftp, "220 host ready\r\n", 1), NC_PROBE_NEED);
	assert_int_equal(P(nc_app_pop3, "+OK POP3 ready\r\n", 1), NC_PROBE_YES);
	assert_int_equal(P(nc_app_pop3, "+OK\r\n", 1), NC_PROBE_NEED);
	assert_int_equal(P(nc_app_imap, "* OK IMAP4rev1\r\n", 1), NC_PROBE_YES);
	assert_int_equal(P(nc_app_imap, "* PREAUTH hi\r\n", 1), NC_PROBE_YES);
	/* clients */
	assert_int_equal(P(nc_app_smtp, "EHLO x\r\n", 0), NC_PROBE_YES);
	assert_int_equal(P(nc_app_pop3, "CAPA\r\n", 0), NC_PROBE_YES);
	assert_int_equal(P(nc_app_imap, "a1 LOGIN u p\r\n", 0), NC_PROBE_YES);
	assert_int_equal(P(nc_app_ftp, "AUTH TLS\r\n", 0), NC_PROBE_YES);
	assert_int_equal(P(nc_app_ftp, "USER x\r\n", 0), NC_PROBE_NEED);
	/* not these protocols */
	static const char *const other[] = {
	    "SSH-2.0-OpenSSH_8.9\r\n", "\x16\x03\x01\x02\x00\x01",
	    "HTTP/1.1 200 OK\r\n", "\x00\x01\x02"};
	for (int i = 0; i < 4; i++) {
		const uint8_t *p = (const uint8_t *)other[i];
		size_t n = i == 3 ? 3 : strlen(other[i]);
		assert_int_not_equal(nc_app_smtp.probe(p, n, 1), NC_PROBE_YES);
		assert_int_equal(nc_app_ftp.probe(p, n, 1), NC_PROBE_NO);
		assert_int_equal(nc_app_pop3.probe(p, n, 1), NC_PROBE_NO);
		assert_int_equal(nc_app_imap.probe(p, n, 1), NC_PROBE_NO);
	}
}

/* base64 (RFC 4648 10 test vectors) and garbage */
static void test_base64(void **state)
{
	(void)state;
	uint8_t out[16];
	bool bad;
	size_t n = nc_b64_decode((const uint8_t *)"Zm9vYmFy", 8, out, 16, &bad);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "foobar", 6);
	assert_false(bad);
	n = nc_b64_decode((const uint8_t *)"Zm9vYg==", 8, out, 16, &bad);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "foob", 4);
	n = nc_b64_decode((const uint8_t *)"Zm9v!!YmFy", 10, out, 16, &bad);
	assert_true(bad);
	assert_int_equal(n, 6);
	/* never more than cap */
	n = nc_b64_decode((const uint8_t *)"Zm9vYmFyZm9vYmFyZm9vYmFy", 24, out,
			  4, &bad);
	assert_int_equal(n, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smtp_session),
	    cmocka_unit_test(test_smtp_auth_starttls),
	    cmocka_unit_test(test_smtp_mime),
	    cmocka_unit_test(test_mime_depth),
	    cmocka_unit_test(test_smtp_hostile),
	    cmocka_unit_test(test_ftp_session),
	    cmocka_unit_test(test_pop3_session),
	    cmocka_unit_test(test_imap_session),
	    cmocka_unit_test(test_imap_hostile_literal),
	    cmocka_unit_test(test_probes),
	    cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
