/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_files.c: the File abstraction (decoders/files.c): hashes, the MIME
 * type from magic numbers, idents, the record, the sink.
 *
 * Hash values are the published test vectors (RFC 1321 A.5 for MD5,
 * FIPS 180-2 appendix A / RFC 3174 / RFC 6234 for SHA-1 and SHA-256);
 * magic numbers are from the formats' specifications (PNG: RFC 2083,
 * GIF89a, JFIF, PDF 1.7, ZIP APPNOTE, RFC 1952, ELF, PE/COFF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_harness.h"
#include "files.h"
#include "netcap.pb-c.h"

static const uint8_t t_addr[2][4] = {{192, 0, 2, 1}, {198, 51, 100, 2}};

/* The table alone (no parser state); File records wanted or not. */
static struct app_run *t_env_h(bool want_file, const struct nc_file_sink *sink,
			       unsigned hashes)
{
	static const struct nc_app_conn c = {
	    .uid = "CFilesTest01",
	    .alen = 4,
	    .proto = 6,
	    .addr = {t_addr[0], t_addr[1]},
	    .port = {40000, 80},
	    .ts = 1700000000000000000ll,
	};
	struct app_run *e = calloc(1, sizeof(*e));
	struct harness *h = h_new();
	memset(&h->cfg.want, 0, sizeof(h->cfg.want));
	h->cfg.want.on[NC_REC_FILE] = want_file;
	h->cfg.want.on[NC_REC_HTTP] = true;
	h->cfg.payload = false;
	h->cfg.entropy = false;
	struct nc_app_cfg acfg;
	nc_app_cfg_default(&acfg);
	acfg.max_flows = 2;
	acfg.file_sink = sink;
	acfg.file_hashes = hashes;
	app_open(e, h, NULL, &c, &acfg);
	e->own_h = true;
	return e;
}

/* ... with every digest */
static struct app_run *t_env(bool want_file, const struct nc_file_sink *sink)
{
	return t_env_h(want_file, sink,
		       NC_FILE_MD5 | NC_FILE_SHA1 | NC_FILE_SHA256);
}

static struct nc_app_ctx t_x(struct app_run *e, bool seq)
{
	struct nc_app_ctx x = e->x;
	x.seq = seq ? &e->seq : NULL;
	return x;
}

static Netcap__File *t_file(struct app_run *e, unsigned i)
{
	Netcap__File *r = h_get(e->h, NC_REC_FILE, i);
	assert_non_null(r);
	return r;
}

static void t_done(struct app_run *e)
{
	app_free(e);
	free(e);
}

/* the library's default, capture's without --file-hashes: Hash only */
static void test_default_hashes(void **state)
{
	(void)state;
	struct nc_app_cfg def;
	nc_app_cfg_default(&def);
	struct app_run *e = t_env_h(true, NULL, def.file_hashes);
	struct nc_app_ctx x = t_x(e, true);
	struct nc_file *f = nc_file_open(&x, 1, "HTTP response", "/abc",
					 "text/plain", "example.org", "");
	nc_file_write(&x, f, (const uint8_t *)"abc", 3);
	nc_file_close(&x, f, false);
	Netcap__File *r = t_file(e, 0);
	/* RFC 1321 A.5 */
	assert_string_equal(r->hash, "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(r->sha1, "");
	assert_string_equal(r->sha256, "");
	H_FREE(r);
	t_done(e);

	/* SHA-256 alone added */
	e = t_env_h(true, NULL, NC_FILE_MD5 | NC_FILE_SHA256);
	x = t_x(e, true);
	f = nc_file_open(&x, 1, "HTTP response", "/abc", NULL, NULL, NULL);
	nc_file_write(&x, f, (const uint8_t *)"abc", 3);
	nc_file_close(&x, f, false);
	r = t_file(e, 0);
	assert_string_equal(r->hash, "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(r->sha1, "");
	/* FIPS 180-2 appendix B.1 */
	assert_string_equal(r->sha256,
			    "ba7816bf8f01cfea414140de5dae2223b00361a3"
			    "96177a9cb410ff61f20015ad");
	H_FREE(r);
	t_done(e);
}

static void test_hashes_parse(void **state)
{
	(void)state;
	static const struct {
		const char *list;
		int rc;
		unsigned mask;
	} cases[] = {
	    {NULL, 0, NC_FILE_MD5},
	    {"", 0, NC_FILE_MD5},
	    {"md5", 0, NC_FILE_MD5},
	    {"sha1", 0, NC_FILE_MD5 | NC_FILE_SHA1},
	    {"sha256,md5", 0, NC_FILE_MD5 | NC_FILE_SHA256},
	    {"md5,sha1,sha256", 0, NC_FILE_MD5 | NC_FILE_SHA1 | NC_FILE_SHA256},
	    {"all", 0, NC_FILE_MD5 | NC_FILE_SHA1 | NC_FILE_SHA256},
	    {"sha512", -1, 0},
	    {"md5,", -1, 0},
	    {",md5", -1, 0},
	    {"md5,,sha1", -1, 0},
	    {"SHA1", -1, 0},
	    {"sha", -1, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned m = 999;
		char err[128] = "";
		int rc = nc_file_hashes_parse(cases[i].list, &m, err,
					      sizeof(err));
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, want %d (%s)",
				 cases[i].list ? cases[i].list : "(null)", rc,
				 cases[i].rc, err);
		if (rc == 0)
			assert_int_equal(m, cases[i].mask);
		else
			assert_true(err[0] != '\0');
	}
}

static void test_hashes(void **state)
{
	(void)state;
	struct app_run *e = t_env(true, NULL);
	struct nc_app_ctx x = t_x(e, true);

	/* "abc" in two writes */
	struct nc_file *f = nc_file_open(&x, 1, "HTTP response", "/abc",
					 "text/plain", "example.org", "");
	assert_non_null(f);
	nc_file_write(&x, f, (const uint8_t *)"a", 1);
	nc_file_write(&x, f, (const uint8_t *)"bc", 2);
	assert_int_equal(nc_file_length(f), 3);
	nc_file_close(&x, f, false);

	/* an empty file */
	f = nc_file_open(&x, 0, "HTTP request", NULL, NULL, NULL, NULL);
	nc_file_close(&x, f, true);

	assert_int_equal(h_count(e->h, NC_REC_FILE), 2);
	Netcap__File *r = t_file(e, 0);
	assert_int_equal(r->length, 3);
	assert_string_equal(r->hash, "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(r->sha1,
			    "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_string_equal(r->sha256,
			    "ba7816bf8f01cfea414140de5dae2223b00361a3"
			    "96177a9cb410ff61f20015ad");
	assert_string_equal(r->ident, "CFilesTest01-1");
	assert_string_equal(r->name, "/abc");
	assert_string_equal(r->source, "HTTP response");
	assert_string_equal(r->contenttype, "text/plain");
	assert_string_equal(r->host, "example.org");
	assert_string_equal(r->contenttypedetected,
			    "text/plain; charset=utf-8");
	assert_string_equal(r->location, "");
	assert_false(r->truncated);
	/* sent by endpoint 1: the responder */
	assert_int_equal(r->srcport, 80);
	assert_int_equal(r->dstport, 40000);
	assert_memory_equal(r->srcip.data, t_addr[1], 4);
	assert_string_equal(r->uid, "CFilesTest01");
	assert_int_equal(r->timestamp, 1700000000000000000ll);
	H_FREE(r);

	r = t_file(e, 1);
	assert_int_equal(r->length, 0);
	assert_string_equal(r->hash, "d41d8cd98f00b204e9800998ecf8427e");
	assert_string_equal(r->sha256,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
			    "649b934ca495991b7852b855");
	assert_string_equal(r->ident, "CFilesTest01-2");
	assert_string_equal(r->name, "");
	assert_string_equal(r->contenttypedetected, "");
	assert_true(r->truncated);
	H_FREE(r);
	t_done(e);
}

/* SHA-256 of one million 'a' (FIPS 180-2 B.3), written in odd pieces. */
static void test_long_content(void **state)
{
	(void)state;
	struct app_run *e = t_env(true, NULL);
	struct nc_app_ctx x = t_x(e, false);
	static uint8_t a[1000];
	memset(a, 'a', sizeof(a));
	struct nc_file *f = nc_file_open(&x, 0, "FTP", "a.txt", "", "", "");
	size_t left = 1000000;
	for (size_t k = 1; left; k = k % 997 + 1) {
		size_t n = k < left ? k : left;
		nc_file_write(&x, f, a, n);
		left -= n;
	}
	nc_file_close(&x, f, false);
	Netcap__File *r = t_file(e, 0);
	assert_int_equal(r->length, 1000000);
	assert_string_equal(r->sha256,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48"
			    "a497200e046d39ccc7112cd0");
	assert_string_equal(r->sha1,
			    "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	assert_string_equal(r->hash, "7707d6ae4e027c70eea2a935c2296f21");
	/* no sequence counter: 0 */
	assert_string_equal(r->ident, "CFilesTest01-0");
	H_FREE(r);
	t_done(e);
}

/* Without File records and without a sink: nothing at all. */
static void test_not_wanted(void **state)
{
	(void)state;
	struct app_run *e = t_env(false, NULL);
	struct nc_app_ctx x = t_x(e, true);
	assert_false(nc_file_wanted(&x));
	struct nc_file *f = nc_file_open(&x, 0, "HTTP", "", "", "", "");
	assert_null(f);
	nc_file_write(&x, f, (const uint8_t *)"x", 1);
	assert_int_equal(nc_file_length(f), 0);
	nc_file_close(&x, f, false);
	assert_int_equal(h_count(e->h, NC_REC_FILE), 0);
	assert_int_equal(e->seq, 0);
	t_done(e);
}

/* ---------------------------------------------------------------------- */
/* the sink */

struct t_sink_log {
	int opens, closes;
	size_t bytes;
	char ident[64], name[64], sha256[65];
	bool truncated;
};

static void *s_open(void *arg, const struct nc_file_info *fi)
{
	struct t_sink_log *l = arg;
	l->opens++;
	snprintf(l->ident, sizeof(l->ident), "%s", fi->ident);
	snprintf(l->name, sizeof(l->name), "%s", fi->name);
	return l;
}

static void s_write(void *arg, void *h, const uint8_t *p, size_t len)
{
	struct t_sink_log *l = arg;
	assert_ptr_equal(h, l);
	(void)p;
	l->bytes += len;
}

static void s_close(void *arg, void *h, const struct nc_file_done *fd,
		    char *loc, size_t cap)
{
	struct t_sink_log *l = arg;
	assert_ptr_equal(h, l);
	l->closes++;
	l->truncated = fd->truncated;
	snprintf(l->sha256, sizeof(l->sha256), "%s", fd->sha256);
	snprintf(loc, cap, "files/%s", fd->sha256);
}

static void test_sink(void **state)
{
	(void)state;
	struct t_sink_log log = {0};
	const struct nc_file_sink sink = {
	    .arg = &log, .open = s_open, .write = s_write, .close = s_close};
	for (int want = 0; want < 2; want++) {
		memset(&log, 0, sizeof(log));
		struct app_run *e = t_env(want, &sink);
		struct nc_app_ctx x = t_x(e, true);
		assert_true(nc_file_wanted(&x));
		struct nc_file *f =
		    nc_file_open(&x, 1, "SMTP", "note.txt", "", "", "base64");
		assert_non_null(f);
		nc_file_write(&x, f, (const uint8_t *)"abc", 3);
		nc_file_close(&x, f, true);
		assert_int_equal(log.opens, 1);
		assert_int_equal(log.closes, 1);
		assert_int_equal(log.bytes, 3);
		assert_true(log.truncated);
		assert_string_equal(log.ident, "CFilesTest01-1");
		assert_string_equal(log.name, "note.txt");
		assert_string_equal(log.sha256,
				    "ba7816bf8f01cfea414140de5dae2223b00361a3"
				    "96177a9cb410ff61f20015ad");
		assert_int_equal(h_count(e->h, NC_REC_FILE), (unsigned)want);
		if (want) {
			Netcap__File *r = t_file(e, 0);
			assert_string_equal(
			    r->location,
			    "files/ba7816bf8f01cfea414140de5dae2223b00361a3"
			    "96177a9cb410ff61f20015ad");
			assert_string_equal(r->contentencoding, "base64");
			H_FREE(r);
		}
		t_done(e);
	}
}

/* ---------------------------------------------------------------------- */
/* MIME types from the first bytes */

static void test_mime(void **state)
{
	(void)state;
	static const struct {
		const char *p;
		size_t n;
		const char *want;
	} v[] = {
#define V(s, m) {s, sizeof(s) - 1, m}
	    V("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
	    V("\xff\xd8\xff\xe0\0\x10JFIF", "image/jpeg"),
	    V("GIF89a\x01\0\x01\0", "image/gif"),
	    V("GIF87a", "image/gif"),
	    V("%PDF-1.7\n", "application/pdf"),
	    V("PK\x03\x04\x14\0\0\0", "application/zip"),
	    V("\x1f\x8b\x08\0\0\0\0\0", "application/x-gzip"),
	    V("\x7f"
	      "ELF\x02\x01\x01",
	      "application/x-elf"),
	    V("MZ\x90\0\x03\0",
	      "application/vnd.microsoft.portable-executable"),
	    V("RIFF\x24\0\0\0WEBPVP8 ", "image/webp"),
	    V("<!DOCTYPE html>\n<html>", "text/html; charset=utf-8"),
	    V("\r\n  <HTML><body>", "text/html; charset=utf-8"),
	    V("<p>hi</p>", "text/html; charset=utf-8"),
	    V("<!-- c -->", "text/html; charset=utf-8"),
	    V("<?xml version=\"1.0\"?><a/>", "text/xml; charset=utf-8"),
	    V("{\n  \"origin\": \"10.0.0.1\"}", "application/json"),
	    V("[1, 2, 3]", "application/json"),
	    V("[]", "application/json"),
	    V("{not json", "text/plain; charset=utf-8"),
	    V("hello world", "text/plain; charset=utf-8"),
	    V("\xef\xbb\xbfhello", "text/plain; charset=utf-8"),
	    V("a\x01"
	      "b",
	      "application/octet-stream"),
	    V("\0\0\0\0", "application/octet-stream"),
	    V("<pre>", "text/plain; charset=utf-8"), /* not a sniffed tag */
#undef V
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const char *got = nc_file_mime((const uint8_t *)v[i].p, v[i].n);
		if (strcmp(got, v[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, got, v[i].want);
	}
	assert_string_equal(nc_file_mime(NULL, 0), "");
	/* "BM" alone (two octets) is a bitmap, as Go says */
	assert_string_equal(nc_file_mime((const uint8_t *)"BM", 2),
			    "image/bmp");
	/* the type comes from the first NC_FILE_HEAD octets only */
	static uint8_t big[NC_FILE_HEAD + 10];
	memset(big, 'a', sizeof(big));
	big[NC_FILE_HEAD + 5] = 0;
	assert_string_equal(nc_file_mime(big, sizeof(big)),
			    "text/plain; charset=utf-8");
}

/* The File keeps the first bytes for the type: split writes agree. */
static void test_mime_split(void **state)
{
	(void)state;
	struct app_run *e = t_env(true, NULL);
	struct nc_app_ctx x = t_x(e, true);
	struct nc_file *f =
	    nc_file_open(&x, 1, "HTTP response", "", "", "", "");
	static const char png[] = "\x89PNG\r\n\x1a\n";
	for (size_t i = 0; i < 8; i++)
		nc_file_write(&x, f, (const uint8_t *)png + i, 1);
	nc_file_close(&x, f, false);
	Netcap__File *r = t_file(e, 0);
	assert_string_equal(r->contenttypedetected, "image/png");
	H_FREE(r);
	t_done(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hashes),
	    cmocka_unit_test(test_default_hashes),
	    cmocka_unit_test(test_hashes_parse),
	    cmocka_unit_test(test_long_content),
	    cmocka_unit_test(test_not_wanted),
	    cmocka_unit_test(test_sink),
	    cmocka_unit_test(test_mime),
	    cmocka_unit_test(test_mime_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
