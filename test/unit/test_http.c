/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_http.c: the HTTP/1.x parser (decoders/http.c) through its parser
 * callbacks, as the dispatcher calls them.
 *
 * Expected values come from tshark's dissection of the same bytes
 * (test/data/http_get_gzip-response.pcap, http_post-urlencoded_json-
 * response.pcap: fields and --export-objects http hashes), from the RFCs'
 * examples (RFC 9112 chunked coding, RFC 7617 Basic, RFC 6265 cookies) or
 * from Python's hashlib/zlib/calendar for hand-made bodies; never from
 * running netcap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "app_harness.h"
#include "netcap.pb-c.h"

extern const struct nc_app_parser nc_app_http;

/* ---------------------------------------------------------------------- */
/* a connection driven through the parser callbacks */

static const uint8_t t_addr[2][4] = {{141, 142, 228, 5}, {54, 243, 118, 187}};

/* A connection with payloads as given, no entropy, File idents counted. */
static struct app_run *t_new_cfg(bool payload, uint32_t max_message,
				 uint64_t budget)
{
	static const struct nc_app_conn c = {
	    .uid = "CHttpTest001",
	    .alen = 4,
	    .proto = 6,
	    .addr = {t_addr[0], t_addr[1]},
	    .port = {50153, 80},
	    .ts = 1363624631406021000ll,
	};
	struct app_run *t = calloc(1, sizeof(*t));
	struct nc_app_cfg acfg;
	app_cfg(&acfg);
	if (max_message)
		acfg.max_message = max_message;
	if (budget)
		acfg.memory_bytes = budget;
	app_open(t, NULL, &nc_app_http, &c, &acfg);
	t->h->cfg.payload = payload;
	t->h->cfg.entropy = false;
	t->x.seq = &t->seq;
	return t;
}

static struct app_run *t_new(void)
{
	return t_new_cfg(false, 0, 0);
}

static void t_str(struct app_run *t, int dir, const char *s, size_t chunk)
{
	app_data(t, dir, s, strlen(s), chunk);
}

static void t_free(struct app_run *t)
{
	app_free(t);
	free(t);
}

/* ---------------------------------------------------------------------- */
/* test/data/http_get_gzip-response.pcap, frames 4, 6 and 8 */

/* frame 4: the request (79 octets) */
static const char gz_req[] = "GET /gzip HTTP/1.1\r\n"
			     "User-Agent: curl/7.29.0\r\n"
			     "Host: httpbin.org\r\n"
			     "Accept: */*\r\n"
			     "\r\n";
/* frame 6: the status line (17 octets); frame 8: headers and body */
static const char gz_res_head[] = "HTTP/1.1 200 OK\r\n"
				  "Server: gunicorn/0.16.1\r\n"
				  "Date: Mon, 18 Mar 2013 16:37:11 GMT\r\n"
				  "Content-Type: application/json\r\n"
				  "Content-Length: 165\r\n"
				  "Content-Encoding: gzip\r\n"
				  "Connection: close\r\n"
				  "\r\n";
/* the 165 body octets: a gzip member (RFC 1952: 1f 8b, CM 8 deflate,
   FLG 0, MTIME, XFL 2, OS 255) of a 197-octet JSON document */
static const uint8_t gz_body[] = {
    0x1f, 0x8b, 0x08, 0x00, 0xb7, 0x42, 0x47, 0x51, 0x02, 0xff, 0x35, 0xcd,
    0x41, 0x0e, 0x82, 0x30, 0x10, 0x05, 0xd0, 0x3d, 0xa7, 0x68, 0x66, 0x49,
    0xb4, 0x40, 0x35, 0x11, 0xdc, 0x11, 0x63, 0xf4, 0x00, 0x7a, 0x00, 0x2d,
    0x93, 0xd2, 0x04, 0x3a, 0x4d, 0x5b, 0x36, 0x12, 0xee, 0x6e, 0xdb, 0x84,
    0xe5, 0xfc, 0xf7, 0x67, 0x66, 0x2d, 0x18, 0x03, 0x72, 0x5a, 0x69, 0x03,
    0x57, 0x06, 0x4d, 0xcd, 0x85, 0x38, 0xf3, 0xa6, 0xed, 0xb8, 0x38, 0xb5,
    0x70, 0x48, 0x3a, 0xe2, 0x67, 0x40, 0xe7, 0x23, 0xaf, 0x71, 0x8c, 0xc1,
    0x93, 0x7c, 0x48, 0xe5, 0x31, 0x04, 0xfb, 0xd5, 0x86, 0x93, 0x53, 0xb9,
    0x19, 0xe9, 0x46, 0xc6, 0xa0, 0x0c, 0x9a, 0xf2, 0x35, 0x39, 0x91, 0xc7,
    0x9d, 0x7a, 0x29, 0xd1, 0xe6, 0xbd, 0xb2, 0x2a, 0xf7, 0xf0, 0xed, 0xd1,
    0x1d, 0x7b, 0x85, 0x26, 0x83, 0x5c, 0xdc, 0x54, 0x5d, 0xb8, 0xe8, 0x78,
    0x0d, 0xd1, 0xb7, 0xfc, 0x5e, 0xfd, 0xb4, 0xb5, 0x38, 0x44, 0x0f, 0x6e,
    0xc1, 0x1c, 0xcd, 0x18, 0x46, 0x4a, 0x09, 0x3c, 0xee, 0x2f, 0x28, 0xb6,
    0x3f, 0xbc, 0x3e, 0xc7, 0xdc, 0xc5, 0x00, 0x00, 0x00,
};

/* the whole exchange as one buffer per direction */
static size_t gz_response(uint8_t *out)
{
	size_t n = strlen(gz_res_head);
	memcpy(out, gz_res_head, n);
	memcpy(out + n, gz_body, sizeof(gz_body));
	return n + sizeof(gz_body);
}

static void run_gzip(struct app_run *t, size_t chunk)
{
	uint8_t res[1024];
	size_t n = gz_response(res);
	t_str(t, 0, gz_req, chunk);
	t->c.ts += 34973000; /* first response octet (frame 6) */
	app_data(t, 1, res, 17, chunk);
	t->c.ts += 324000; /* frame 8 */
	app_data(t, 1, res + 17, n - 17, chunk);
}

static void test_get_gzip(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	run_gzip(t, 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	assert_int_equal(h_count(t->h, NC_REC_FILE), 1);

	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	/* tshark: http.request.method, uri, version, host, user_agent */
	assert_string_equal(h->method, "GET");
	assert_string_equal(h->url, "/gzip");
	assert_string_equal(h->proto, "HTTP/1.1");
	assert_string_equal(h->host, "httpbin.org");
	assert_string_equal(h->useragent, "curl/7.29.0");
	assert_string_equal(h->referer, "");
	/* tshark: http.response.code, phrase, server, content_type,
	   content_length, content_encoding */
	assert_int_equal(h->statuscode, 200);
	assert_string_equal(h->statusmsg, "OK");
	assert_string_equal(h->servername, "gunicorn/0.16.1");
	assert_string_equal(h->rescontenttype, "application/json");
	assert_int_equal(h->rescontentlength, 165);
	assert_string_equal(h->rescontentencoding, "gzip");
	assert_int_equal(h->responsebodylength, 165);
	assert_int_equal(h->reqcontentlength, 0);
	assert_string_equal(h->rescontenttypedetected, "application/json");
	assert_string_equal(h->contenttypedetected, "");
	/* frame times: request 1363624631.406021, frame 6 .441 (+34.973 ms),
	   frame 8 (+35.297 ms) */
	assert_int_equal(h->timestamp, 1363624631406021000ll);
	assert_int_equal(h->firstbyteafter, 34973000);
	assert_int_equal(h->doneafter, 35297000);
	/* the proxy's timings: a tap sees neither */
	assert_int_equal(h->dnsdoneafter, 0);
	assert_int_equal(h->tlsdoneafter, 0);
	assert_int_equal(h->n_reqheaders, 3);
	assert_string_equal(h->reqheaders[0], "User-Agent: curl/7.29.0");
	assert_string_equal(h->reqheaders[2], "Accept: */*");
	assert_int_equal(h->n_resheaders, 6);
	assert_string_equal(h->resheaders[5], "Connection: close");
	/* client first */
	assert_int_equal(h->srcport, 50153);
	assert_int_equal(h->dstport, 80);
	assert_memory_equal(h->srcip.data, t_addr[0], 4);
	assert_string_equal(h->uid, "CHttpTest001");
	assert_int_equal(h->responsebody.len, 0); /* no --payload */
	H_FREE(h);

	/* tshark --export-objects http (decompressed): 197 octets */
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	assert_int_equal(f->length, 197);
	assert_string_equal(f->hash, "5baba7eea57bc8a42a92c817ed566d72");
	assert_string_equal(f->sha1,
			    "e351b8c693c3353716787c02e2923f4d12ebbb31");
	assert_string_equal(f->sha256, "202b775be087f5af98e95120e42769a9b3488f"
				       "84c5aa79c4f4c1093d348f849c");
	assert_string_equal(f->name, "/gzip");
	assert_string_equal(f->host, "httpbin.org");
	assert_string_equal(f->source, "HTTP response");
	assert_string_equal(f->contenttype, "application/json");
	assert_string_equal(f->contenttypedetected, "application/json");
	assert_string_equal(f->ident, "CHttpTest001-1");
	assert_string_equal(f->contentencoding, "gzip");
	assert_false(f->truncated);
	assert_int_equal(f->srcport, 80); /* the sender of the content */
	H_FREE(f);
	t_free(t);
}

/* The same stream in 1-octet chunks and in 7-octet chunks: the same
   records, octet for octet. */
static void test_split_chunks(void **state)
{
	(void)state;
	struct app_run *a = t_new();
	run_gzip(a, 0);
	app_close(a);
	for (size_t chunk = 1; chunk <= 7; chunk += 6) {
		struct app_run *b = t_new();
		run_gzip(b, chunk);
		app_close(b);
		assert_int_equal(a->h->n, b->h->n);
		for (unsigned i = 0; i < a->h->n; i++) {
			assert_int_equal(a->h->recs[i].type,
					 b->h->recs[i].type);
			assert_int_equal(a->h->recs[i].len, b->h->recs[i].len);
			assert_memory_equal(a->h->recs[i].buf,
					    b->h->recs[i].buf,
					    a->h->recs[i].len);
		}
		t_free(b);
	}
	t_free(a);
}

/* Cut the exchange after every octet: no crash, everything given back,
   at most one HTTP record. */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	uint8_t res[1024];
	size_t rn = gz_response(res);
	size_t qn = strlen(gz_req);
	for (size_t cut = 0; cut <= qn + rn; cut++) {
		struct app_run *t = t_new();
		app_data(t, 0, gz_req, cut < qn ? cut : qn, 0);
		if (cut > qn)
			app_data(t, 1, res, cut - qn, 0);
		app_close(t);
		assert_true(h_count(t->h, NC_REC_HTTP) <= 1);
		if (cut >= qn) /* the request is complete */
			assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
		t_free(t);
	}
}

/* ---------------------------------------------------------------------- */
/* test/data/http_post-urlencoded_json-response.pcap, frame 4: a form */

static const char post_req[] =
    "POST /post HTTP/1.1\r\n"
    "User-Agent: curl/7.29.0\r\n"
    "Host: httpbin.org\r\n"
    "Accept: */*\r\n"
    "Content-Length: 11\r\n"
    "Content-Type: application/x-www-form-urlencoded\r\n"
    "\r\n"
    "hello world";

static void test_post_form(void **state)
{
	(void)state;
	struct app_run *t = t_new_cfg(true, 0, 0);
	t_str(t, 0, post_req, 0);
	t_str(t, 1,
	      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	      "Content-Type: application/json\r\n\r\n{}",
	      0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->method, "POST");
	/* tshark: http.content_length 11, http.content_type */
	assert_int_equal(h->reqcontentlength, 11);
	assert_string_equal(h->contenttype,
			    "application/x-www-form-urlencoded");
	/* tshark: urlencoded-form.key "hello world", no value */
	assert_int_equal(h->n_parameters, 1);
	assert_string_equal(h->parameters[0], "hello world=");
	assert_int_equal(h->requestbodylength, 11);
	assert_int_equal(h->requestbody.len, 11); /* --payload */
	assert_memory_equal(h->requestbody.data, "hello world", 11);
	assert_int_equal(h->responsebody.len, 2);
	assert_string_equal(h->contenttypedetected,
			    "text/plain; charset=utf-8");
	H_FREE(h);
	/* the request body is a File too (tshark exports "post":
	   MD5 of "hello world") */
	assert_int_equal(h_count(t->h, NC_REC_FILE), 2);
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	assert_string_equal(f->source, "HTTP request");
	assert_string_equal(f->hash, "5eb63bbbe01eeed093cb22bb8f5acdc3");
	assert_int_equal(f->srcport, 50153);
	assert_string_equal(f->ident, "CHttpTest001-1");
	H_FREE(f);
	f = h_get(t->h, NC_REC_FILE, 1);
	assert_string_equal(f->ident, "CHttpTest001-2");
	H_FREE(f);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* RFC 9112 7.1: chunked coding with extensions and a trailer */

static void test_chunked(void **state)
{
	(void)state;
	static const char res[] =
	    "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "4;name=value\r\n" /* chunk-size 4, a chunk extension */
	    "Wiki\r\n"
	    "5 ; quoted=\"a;b\"\r\n" /* BWS and a quoted extension */
	    "pedia\r\n"
	    "0\r\n"		 /* last-chunk */
	    "Expires: never\r\n" /* trailer section */
	    "\r\n";
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		struct app_run *t = t_new();
		t_str(t, 0, "GET /wiki HTTP/1.1\r\nHost: example.org\r\n\r\n",
		      chunk);
		t_str(t, 1, res, chunk);
		/* the next exchange stays in step after the trailer */
		t_str(t, 0, "GET /2 HTTP/1.1\r\n\r\n", chunk);
		t_str(t, 1,
		      "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		      chunk);
		assert_int_equal(h_count(t->h, NC_REC_HTTP), 2);
		Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
		assert_int_equal(h->rescontentlength, -1);
		assert_int_equal(h->responsebodylength, 9); /* "Wikipedia" */
		H_FREE(h);
		h = h_get(t->h, NC_REC_HTTP, 1);
		assert_string_equal(h->url, "/2");
		assert_int_equal(h->statuscode, 404);
		assert_string_equal(h->statusmsg, "Not Found");
		H_FREE(h);
		Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
		/* hashlib.md5(b"Wikipedia") */
		assert_string_equal(f->hash,
				    "9c677286866aad38f8e9b660f5411814");
		assert_string_equal(f->contentencoding, "chunked");
		assert_string_equal(f->name, "/wiki");
		assert_string_equal(f->host, "example.org");
		H_FREE(f);
		assert_int_equal(h_count(t->h, NC_REC_FILE), 1);
		t_free(t);
	}
}

static void test_bad_chunk(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0, "GET / HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1,
	      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	      "zz\r\nxx\r\n",
	      0);
	assert_true(h_has_anomaly(t->h, "http.bad_chunk"));
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_true(h->restruncated);
	H_FREE(h);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* pipelining, no response, HEAD, 204, 304, 100-continue */

static void test_pipelining(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0,
	      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
	      "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
	      "GET /c HTTP/1.1\r\nHost: h\r\n\r\n"
	      "GET /d HTTP/1.1\r\nHost: h\r\n\r\n",
	      0);
	t_str(t, 1,
	      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
	      /* HEAD: a Content-Length, but no body (RFC 9110 9.3.2) */
	      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
	      0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 3);
	app_close(t);
	/* /d never got a response: written at close */
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 4);
	static const char *const url[] = {"/a", "/b", "/c", "/d"};
	static const int code[] = {200, 200, 304, 0};
	for (unsigned i = 0; i < 4; i++) {
		Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, i);
		assert_string_equal(h->url, url[i]);
		assert_int_equal(h->statuscode, code[i]);
		H_FREE(h);
	}
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 1);
	assert_string_equal(h->method, "HEAD");
	assert_int_equal(h->rescontentlength, 1000);
	assert_int_equal(h->responsebodylength, 0);
	H_FREE(h);
	/* one body only: "abc" */
	assert_int_equal(h_count(t->h, NC_REC_FILE), 1);
	assert_int_equal(t->h->dec.events[NC_EV_HTTP_NO_RESPONSE], 1);
	t_free(t);
}

static void test_continue_and_204(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0,
	      "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\n"
	      "Content-Length: 5\r\n\r\n",
	      0);
	t_str(t, 1, "HTTP/1.1 100 Continue\r\n\r\n", 0);
	t_str(t, 0, "12345", 0);
	t_str(t, 1, "HTTP/1.1 204 No Content\r\n\r\n", 0);
	t_str(t, 0, "GET /next HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 2);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->method, "PUT");
	assert_int_equal(h->statuscode, 204);
	assert_int_equal(h->requestbodylength, 5);
	assert_int_equal(h->rescontentlength, 0);
	H_FREE(h);
	h = h_get(t->h, NC_REC_HTTP, 1);
	assert_string_equal(h->url, "/next");
	H_FREE(h);
	t_free(t);
}

/* A response until the server closes (HTTP/1.0, no Content-Length). */
static void test_until_close(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0, "GET / HTTP/1.0\r\n\r\n", 0);
	t_str(t, 1, "HTTP/1.0 200 OK\r\n\r\nabc", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 0);
	app_end(t, 1);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->responsebodylength, 3);
	assert_int_equal(h->rescontentlength, -1);
	assert_false(h->restruncated);
	H_FREE(h);
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	/* hashlib.md5(b"abc") (RFC 1321 A.5) */
	assert_string_equal(f->hash, "900150983cd24fb0d6963f7d28e17f72");
	H_FREE(f);
	t_free(t);
}

/* The capture starts with the server's octets: roles from content. */
static void test_roles_from_content(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	/* endpoint 0 is the server here */
	t_str(t, 1, "GET /x HTTP/1.1\r\n\r\n", 0);
	t_str(t, 0, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->srcport, 80); /* the client is endpoint 1 */
	assert_memory_equal(h->srcip.data, t_addr[1], 4);
	assert_int_equal(h->statuscode, 200);
	H_FREE(h);
	t_free(t);
}

static void test_response_without_request(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->method, "");
	assert_string_equal(h->proto, "HTTP/1.1");
	assert_int_equal(h->srcport, 50153);
	H_FREE(h);
	t_free(t);
}

static void test_upgrade_tunnel(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0,
	      "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\n"
	      "Connection: Upgrade\r\n\r\n",
	      0);
	t_str(t, 1,
	      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
	      0);
	/* websocket frames: not HTTP, no records, no anomalies */
	app_data(t, 0, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11, 0);
	app_data(t, 1, "\x81\x05Hello", 7, 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	assert_int_equal(h_count(t->h, NC_REC_ANOMALY), 0);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->statuscode, 101);
	H_FREE(h);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* credentials, cookies, parameters */

static void test_basic_auth(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	/* RFC 7617 section 2: Aladdin / open sesame */
	t_str(t, 0,
	      "GET /private HTTP/1.1\r\n"
	      "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n",
	      0);
	assert_int_equal(h_count(t->h, NC_REC_CREDENTIALS), 1);
	Netcap__Credentials *c = h_get(t->h, NC_REC_CREDENTIALS, 0);
	assert_string_equal(c->service, "HTTP Basic");
	assert_string_equal(c->user, "Aladdin");
	assert_string_equal(c->password, "open sesame");
	assert_int_equal(c->srcport, 50153);
	H_FREE(c);
	app_close(t);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->username, "Aladdin");
	H_FREE(h);
	t_free(t);

	t = t_new();
	t_str(t, 0, "GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\n", 0);
	assert_int_equal(h_count(t->h, NC_REC_CREDENTIALS), 0);
	assert_true(h_has_anomaly(t->h, "http.bad_basic_auth"));
	t_free(t);
}

static void test_cookies(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0,
	      "GET /?a=1&b=x%20y+z&c HTTP/1.1\r\n"
	      "Cookie: SID=31d4d96e407aad42; lang=en-US\r\n\r\n",
	      0);
	/* RFC 6265 3.1 examples; Expires dates: calendar.timegm() */
	t_str(t, 1,
	      "HTTP/1.1 200 OK\r\n"
	      "Set-Cookie: SID=31d4d96e407aad42; Path=/; Secure; HttpOnly\r\n"
	      "Set-Cookie: lang=en-US; Expires=Wed, 09 Jun 2021 10:18:14 "
	      "GMT; Domain=example.com; SameSite=Lax; Max-Age=3600\r\n"
	      "Set-Cookie: old=1; expires=Sunday, 06-Nov-94 08:49:37 GMT; "
	      "samesite=strict\r\n"
	      "Content-Length: 0\r\n\r\n",
	      0);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->n_reqcookies, 2);
	assert_string_equal(h->reqcookies[0]->name, "SID");
	assert_string_equal(h->reqcookies[0]->value, "31d4d96e407aad42");
	assert_string_equal(h->reqcookies[1]->name, "lang");
	assert_string_equal(h->reqcookies[1]->value, "en-US");
	assert_int_equal(h->n_rescookies, 3);
	Netcap__HTTPCookie *c = h->rescookies[0];
	assert_string_equal(c->name, "SID");
	assert_string_equal(c->path, "/");
	assert_true(c->secure);
	assert_true(c->httponly);
	assert_int_equal(c->expires, 0);
	c = h->rescookies[1];
	assert_string_equal(c->value, "en-US");
	assert_string_equal(c->domain, "example.com");
	assert_int_equal(c->expires, 1623233894);
	assert_int_equal(c->maxage, 3600);
	assert_int_equal(c->samesite, 2);
	c = h->rescookies[2];
	assert_int_equal(c->expires,
			 784111777); /* RFC 850 date, 2-digit year */
	assert_int_equal(c->samesite, 3);
	/* query parameters, percent- and '+'-decoded */
	assert_int_equal(h->n_parameters, 3);
	assert_string_equal(h->parameters[0], "a=1");
	assert_string_equal(h->parameters[1], "b=x y z");
	assert_string_equal(h->parameters[2], "c=");
	H_FREE(h);
	t_free(t);
}

/* Octets that are not UTF-8 become "\xNN" (string fields stay valid). */
static void test_binary_text(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	static const char req[] = "GET /\xff HTTP/1.1\r\n"
				  "User-Agent: a\xc0z\r\n\r\n";
	app_data(t, 0, req, sizeof(req) - 1, 0);
	app_close(t);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_non_null(h);
	assert_string_equal(h->url, "/\\xff");
	assert_string_equal(h->useragent, "a\\xc0z");
	H_FREE(h);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* content codings */

static void test_deflate(void **state)
{
	(void)state;
	/* zlib.compress(b"hello deflate world", 9) (RFC 1950) and the same
	   as raw deflate (RFC 1951), which some servers send */
	static const uint8_t zl[] = {0x78, 0xda, 0xcb, 0x48, 0xcd, 0xc9, 0xc9,
				     0x57, 0x48, 0x49, 0x4d, 0xcb, 0x49, 0x2c,
				     0x49, 0x55, 0x28, 0xcf, 0x2f, 0xca, 0x49,
				     0x01, 0x00, 0x48, 0xa9, 0x07, 0x52};
	static const uint8_t raw[] = {0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0x48,
				      0x49, 0x4d, 0xcb, 0x49, 0x2c, 0x49, 0x55,
				      0x28, 0xcf, 0x2f, 0xca, 0x49, 0x01, 0x00};
	for (int k = 0; k < 2; k++) {
		struct app_run *t = t_new();
		char hd[128];
		size_t n = k ? sizeof(raw) : sizeof(zl);
		snprintf(hd, sizeof(hd),
			 "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
			 "Content-Length: %zu\r\n\r\n",
			 n);
		t_str(t, 0, "GET / HTTP/1.1\r\n\r\n", 0);
		t_str(t, 1, hd, 0);
		app_data(t, 1, k ? raw : zl, n, 0);
		Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
		assert_non_null(f);
		/* hashlib.md5(b"hello deflate world") */
		assert_string_equal(f->hash,
				    "13f4087062c3af67846787962c532d82");
		assert_int_equal(f->length, 19);
		assert_false(f->truncated);
		H_FREE(f);
		t_free(t);
	}
}

/* A decompression bomb: 64 MiB of zeros gzipped stop at the limit. */
static void test_gzip_bomb(void **state)
{
	(void)state;
	size_t plain = 64u << 20;
	uint8_t *zero = calloc(1, 1u << 20);
	uint8_t *out = malloc(1u << 20);
	z_stream z = {0};
	assert_int_equal(
	    deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY),
	    Z_OK);
	size_t zn = 0;
	z.next_out = out;
	z.avail_out = 1u << 20;
	for (size_t done = 0; done < plain; done += 1u << 20) {
		z.next_in = zero;
		z.avail_in = 1u << 20;
		int rc = deflate(&z, done + (1u << 20) >= plain ? Z_FINISH
								: Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
	}
	zn = (1u << 20) - z.avail_out;
	deflateEnd(&z);

	struct app_run *t = t_new();
	char hd[160];
	snprintf(hd, sizeof(hd),
		 "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		 "Content-Length: %zu\r\n\r\n",
		 zn);
	t_str(t, 0, "GET /bomb HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1, hd, 0);
	app_data(t, 1, out, zn, 1460);
	assert_true(h_has_anomaly(t->h, "http.decompression_limit"));
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	assert_true(f->truncated);
	assert_true(f->length < (int64_t)plain);
	H_FREE(f);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->responsebodylength, zn);
	H_FREE(h);
	t_free(t);
	free(zero);
	free(out);
}

static void test_gzip_garbage(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0, "GET / HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1,
	      "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
	      "Content-Length: 10\r\n\r\n0123456789",
	      0);
	assert_true(h_has_anomaly(t->h, "http.decompression_error"));
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* hostile sizes */

/* A 4 GB Content-Length: the body streams through, nothing buffers it. */
static void test_huge_content_length(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	uint8_t *blk = malloc(1u << 16);
	memset(blk, 'A', 1u << 16);
	t_str(t, 0, "GET /big HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n", 0);
	for (int i = 0; i < 64; i++) /* 4 MiB of it */
		app_data(t, 1, blk, 1u << 16, 0);
	struct nc_app_stats as;
	nc_app_stats(t->tab, &as);
	assert_true(as.peak < (64u << 10));
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 0);
	app_close(t);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_int_equal(h->rescontentlength, 4294967296ll);
	assert_int_equal(h->responsebodylength, 4u << 20);
	assert_true(h->restruncated);
	H_FREE(h);
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	assert_true(f->truncated);
	assert_int_equal(f->length, 4u << 20);
	H_FREE(f);
	free(blk);
	t_free(t);
}

/* A 1 MB header line: over max_message, dropped; the next request is
   found again. */
static void test_long_header_line(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	size_t n = 1u << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	t_str(t, 0, "GET /a HTTP/1.1\r\nX-Big: ", 0);
	app_data(t, 0, big, n, 65536);
	t_str(t, 0, "\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", 0);
	app_close(t);
	assert_true(h_has_anomaly(t->h, "http.header_too_long"));
	assert_int_equal(t->h->dec.events[NC_EV_HTTP_RESYNC], 1);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->url, "/b");
	H_FREE(h);
	free(big);
	t_free(t);
}

/* 100,000 header fields: bounded by max_message; with a bigger one, the
   record keeps NC_HTTP_MAX_HEADERS (64) of them. */
static void test_many_headers(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct app_run *t = t_new_cfg(false, k ? (8u << 20) : 0, 0);
		t_str(t, 0, "GET / HTTP/1.1\r\n", 0);
		for (int i = 0; i < 100000; i++)
			t_str(t, 0, "a: b\r\n", 0);
		t_str(t, 0, "\r\n", 0);
		app_close(t);
		if (k == 0) {
			assert_true(
			    h_has_anomaly(t->h, "http.header_too_long"));
			assert_int_equal(h_count(t->h, NC_REC_HTTP), 0);
		} else {
			assert_true(
			    h_has_anomaly(t->h, "http.too_many_headers"));
			Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
			assert_int_equal(h->n_reqheaders, 64);
			H_FREE(h);
		}
		t_free(t);
	}
}

/* More than 16 requests without responses: the oldest are written. */
static void test_too_many_pending(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	for (int i = 0; i < 40; i++)
		t_str(t, 0, "GET / HTTP/1.1\r\n\r\n", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 24);
	app_close(t);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 40);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* gaps */

/* A gap inside a body of known length: in step, the File is Truncated. */
static void test_gap_in_body(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0, "GET /1 HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n012", 0);
	app_gap(t, 1, 4);
	t_str(t, 1, "789", 0);
	t_str(t, 0, "GET /2 HTTP/1.1\r\n\r\n", 0);
	t_str(t, 1, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", 0);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 2);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_true(h->restruncated);
	assert_int_equal(h->responsebodylength, 10);
	H_FREE(h);
	h = h_get(t->h, NC_REC_HTTP, 1);
	assert_int_equal(h->statuscode, 201);
	H_FREE(h);
	Netcap__File *f = h_get(t->h, NC_REC_FILE, 0);
	assert_true(f->truncated);
	assert_int_equal(f->length, 3);
	H_FREE(f);
	t_free(t);
}

/* A gap that takes a header: resynchronise on the next request line. */
static void test_gap_resync(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	t_str(t, 0, "GET /1 HTTP/1.1\r\nHo", 0);
	app_gap(t, 0, 100);
	t_str(t, 0, "st: x\r\n\r\nGE", 0); /* the rest of a lost request */
	t_str(t, 0, "T /2 HTTP/1.1\r\n\r\n", 0); /* a line start cut */
	t_str(t, 1, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0);
	assert_int_equal(t->h->dec.events[NC_EV_HTTP_RESYNC], 1);
	assert_int_equal(h_count(t->h, NC_REC_HTTP), 1);
	Netcap__HTTP *h = h_get(t->h, NC_REC_HTTP, 0);
	assert_string_equal(h->url, "/2");
	H_FREE(h);
	t_free(t);
}

/* Garbage without a start line: the direction is given up after 1 MiB. */
static void test_give_up(void **state)
{
	(void)state;
	struct app_run *t = t_new();
	uint8_t *junk = malloc(1u << 16);
	memset(junk, 'q', 1u << 16);
	t_str(t, 0, "GET / HTTP/1.1\r\n\r\n", 0);
	app_gap(t, 0, 10);
	for (int i = 0; i < 20; i++)
		app_data(t, 0, junk, 1u << 16, 0);
	assert_int_equal(t->h->dec.events[NC_EV_HTTP_GAVE_UP], 1);
	free(junk);
	t_free(t);
}

/* ---------------------------------------------------------------------- */
/* the content probe */

static void test_probe(void **state)
{
	(void)state;
	enum nc_probe (*pr)(const uint8_t *, size_t, int) = nc_app_http.probe;
#define P(s) pr((const uint8_t *)(s), sizeof(s) - 1, 0)
	assert_int_equal(P("GET / HTTP/1.1\r\n"), NC_PROBE_YES);
	assert_int_equal(P("\r\nPOST /x?y HTTP/1.0\r\n"), NC_PROBE_YES);
	assert_int_equal(P("HTTP/1.1 200 OK\r\n"), NC_PROBE_YES);
	assert_int_equal(P("HTTP/1.0 404"), NC_PROBE_YES);
	assert_int_equal(P("GE"), NC_PROBE_NEED);
	assert_int_equal(P("GET /long/path"), NC_PROBE_NEED);
	assert_int_equal(P("HTTP/1"), NC_PROBE_NEED);
	/* other protocols with the same shape */
	assert_int_equal(P("OPTIONS rtsp://a/b RTSP/1.0\r\n"), NC_PROBE_NO);
	assert_int_equal(P("INVITE sip:a@b SIP/2.0\r\n"), NC_PROBE_NO);
	assert_int_equal(P("SIP/2.0 200 OK\r\n"), NC_PROBE_NO);
	assert_int_equal(P("SSH-2.0-OpenSSH_8.9\r\n"), NC_PROBE_NO);
	assert_int_equal(P("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
			 NC_PROBE_NO);
	assert_int_equal(P("get / HTTP/1.1\r\n"), NC_PROBE_NO);
	assert_int_equal(P("HTTP/2.0 200"), NC_PROBE_NO);
	assert_int_equal(P("HTTP/1.1 2x0"), NC_PROBE_NO);
	assert_int_equal(P("220 mail ESMTP\r\n"), NC_PROBE_NO);
#undef P
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_get_gzip),
	    cmocka_unit_test(test_split_chunks),
	    cmocka_unit_test(test_truncated_everywhere),
	    cmocka_unit_test(test_post_form),
	    cmocka_unit_test(test_chunked),
	    cmocka_unit_test(test_bad_chunk),
	    cmocka_unit_test(test_pipelining),
	    cmocka_unit_test(test_continue_and_204),
	    cmocka_unit_test(test_until_close),
	    cmocka_unit_test(test_roles_from_content),
	    cmocka_unit_test(test_response_without_request),
	    cmocka_unit_test(test_upgrade_tunnel),
	    cmocka_unit_test(test_basic_auth),
	    cmocka_unit_test(test_cookies),
	    cmocka_unit_test(test_binary_text),
	    cmocka_unit_test(test_deflate),
	    cmocka_unit_test(test_gzip_bomb),
	    cmocka_unit_test(test_gzip_garbage),
	    cmocka_unit_test(test_huge_content_length),
	    cmocka_unit_test(test_long_header_line),
	    cmocka_unit_test(test_many_headers),
	    cmocka_unit_test(test_too_many_pending),
	    cmocka_unit_test(test_gap_in_body),
	    cmocka_unit_test(test_gap_resync),
	    cmocka_unit_test(test_give_up),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
