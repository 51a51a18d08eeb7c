/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vulndb.c: NVD version comparison and CPE range matching
 * (decoders/abstract/vulndb.h) against cases worked out by hand, the
 * database loader's checks, and the records for one Software record.
 *
 * The expected orders follow NVD's use of versions: OpenSSH's portable
 * releases are "<version>p<n>" (7.4p1 comes after 7.4 and before 7.5;
 * NVD writes them as version 7.4, update p1), OpenSSL's letter releases
 * follow their number (1.1.1k after 1.1.1), and pre-releases (rc, beta)
 * come before the release.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "harness.h"
#include "vulndb.h"

static int sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

static void test_vercmp(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		int want;
	} c[] = {
	    /* numbers compare numerically, segment by segment */
	    {"7.4", "7.4", 0},
	    {"1.10", "1.9", 1},
	    {"2.4.41", "2.4.9", 1},
	    {"1.01", "1.1", 0},	   /* leading zeros do not count */
	    {"10", "9", 1},
	    {"20230101000000000000", "2023", 1}, /* longer than 64 bits */
	    {"1.0.0", "1.0", 1},   /* more segments: later */
	    /* OpenSSH portable: p<n> after the version, before the next */
	    {"7.4p1", "7.4", 1},
	    {"7.4p1", "7.5", -1},
	    {"7.4p1", "7.7", -1},
	    {"7.8", "7.7", 1},
	    {"9.2p1", "9.3", -1},
	    {"9.3p1", "9.3p2", -1},
	    {"9.3p10", "9.3p9", 1},
	    {"7.4P1", "7.4p1", 0}, /* letters: case does not count */
	    /* OpenSSL letter releases */
	    {"1.1.1k", "1.1.1", 1},
	    {"1.1.1k", "1.1.1l", -1},
	    {"1.1.1k", "1.1.2", -1},
	    /* pre-releases before the release */
	    {"1.0rc1", "1.0", -1},
	    {"1.0-rc1", "1.0", -1},
	    {"1.0alpha", "1.0beta", -1},
	    {"1.0beta2", "1.0rc1", -1},
	    {"2.0-dev", "2.0", -1},
	    /* separators are only separators */
	    {"1-2", "1.2", 0},
	    {"1_2_3", "1.2.3", 0},
	    /* a number ranks above a word at the same place */
	    {"1.0.1", "1.0a", 1},
	    {"", "", 0},
	    {"", "1", -1},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int got = sign(nc_vercmp(c[i].a, c[i].b));
		if (got != c[i].want)
			fail_msg("vercmp(%s, %s) = %d, want %d", c[i].a,
				 c[i].b, got, c[i].want);
		/* antisymmetric */
		assert_int_equal(sign(nc_vercmp(c[i].b, c[i].a)), -c[i].want);
	}
}

static struct nc_cpe_range R(const char *ver, const char *upd, const char *si,
			     const char *se, const char *ei, const char *ee)
{
	return (struct nc_cpe_range){"openssh", "openbsd", ver, upd,
				     si,	se,	 ei, ee};
}

static void test_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *ver, *upd, *si, *se, *ei, *ee, *v;
		bool want;
	} c[] = {
	    /* CVE-2018-15473: * versionEndIncluding 7.7 */
	    {"*", "*", "", "", "7.7", "", "7.4p1", true},
	    {"*", "*", "", "", "7.7", "", "7.7", true},
	    {"*", "*", "", "", "7.7", "", "7.7p1", false},
	    {"*", "*", "", "", "7.7", "", "7.8", false},
	    /* CVE-2024-6387: versionStartIncluding 8.6, EndExcluding 9.8 */
	    {"*", "*", "8.6", "", "", "9.8", "8.5p1", false},
	    {"*", "*", "8.6", "", "", "9.8", "8.6", true},
	    {"*", "*", "8.6", "", "", "9.8", "9.2p1", true},
	    {"*", "*", "8.6", "", "", "9.8", "9.7p1", true},
	    {"*", "*", "8.6", "", "", "9.8", "9.8", false},
	    /* start excluding, end including */
	    {"*", "*", "", "1.0", "2.0", "", "1.0", false},
	    {"*", "*", "", "1.0", "2.0", "", "1.0.1", true},
	    {"*", "*", "", "1.0", "2.0", "", "2.0", true},
	    {"*", "*", "", "1.0", "2.0", "", "2.0.1", false},
	    /* an exact version with an update: 8.5:p1 is 8.5p1 only */
	    {"8.5", "p1", "", "", "", "", "8.5p1", true},
	    {"8.5", "p1", "", "", "", "", "8.5", false},
	    {"8.5", "p1", "", "", "", "", "8.5p2", false},
	    /* update "-" (not applicable): the bare version only */
	    {"9.8", "-", "", "", "", "", "9.8", true},
	    {"9.8", "-", "", "", "", "", "9.8p1", false},
	    /* update "*": the version with any update */
	    {"7.4", "*", "", "", "", "", "7.4", true},
	    {"7.4", "*", "", "", "", "", "7.4p1", true},
	    {"7.4", "*", "", "", "", "", "7.41", false},
	    {"7.4", "*", "", "", "", "", "7.4.1", false},
	    /* version "*" without bounds: every version; "-": none */
	    {"*", "*", "", "", "", "", "0.1", true},
	    {"-", "*", "", "", "", "", "1.0", false},
	    /* no version known: nothing matches */
	    {"*", "*", "", "", "", "", "", false},
	    {"*", "*", "", "", "7.7", "", "", false},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct nc_cpe_range r =
		    R(c[i].ver, c[i].upd, c[i].si, c[i].se, c[i].ei, c[i].ee);
		if (nc_cpe_version_match(&r, c[i].v) != c[i].want)
			fail_msg("case %zu: %s in [%s:%s si=%s se=%s ei=%s "
				 "ee=%s]: want %d",
				 i, c[i].v, c[i].ver, c[i].upd, c[i].si,
				 c[i].se, c[i].ei, c[i].ee, c[i].want);
	}
}

static void test_norm(void **state)
{
	(void)state;
	char out[64];
	nc_cpe_norm(out, sizeof(out), "OpenSSH");
	assert_string_equal(out, "openssh");
	nc_cpe_norm(out, sizeof(out), "Apache HTTP Server");
	assert_string_equal(out, "apache_http_server");
	nc_cpe_norm(out, sizeof(out), "node\\.js");
	assert_string_equal(out, "node.js");
	nc_cpe_norm(out, 5, "openssh"); /* cut, terminated */
	assert_string_equal(out, "open");
}

/* A database file: body + the end line with its SHA-256. */
static void write_db(const char *path, const char *body)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(EVP_Digest(body, strlen(body), md, &mdl, EVP_sha256(),
				    NULL),
			 1);
	fputs(body, f);
	fputs("end\t", f);
	for (unsigned i = 0; i < mdl; i++)
		fprintf(f, "%02x", md[i]);
	fputs("\n", f);
	fclose(f);
}

#define HEAD                                                                   \
	"netcap-vulndb\t1\n"                                                   \
	"source\tnvd\tf.json\t1\tab\t2024-01-01T00:00:00Z\t\n"
#define BODY                                                                   \
	HEAD "built\t2024-01-01T00:00:00Z\t2\t3\t2\n"                          \
	     "cve\tCVE-2018-15473\t2018-08-17\t3.1\t5.3\tMEDIUM\t"             \
	     "CVSS:3.1/AV:N/AC:L\t5.0\tenum\\tdesc\n"                          \
	     "cve\tCVE-2024-6387\t2024-07-01\t3.1\t8.1\tHIGH\t"                \
	     "CVSS:3.1/AV:N/AC:H\t\tregresshion\n"                             \
	     "cpe\thttp_server\tapache\ta\t*\t*\t\t\t2.4.50\t\t"               \
	     "CVE-2024-6387\n"                                                 \
	     "cpe\topenssh\topenbsd\ta\t*\t*\t\t\t7.7\t\tCVE-2018-15473\n"     \
	     "cpe\topenssh\topenbsd\ta\t*\t*\t8.6\t\t\t9.8\tCVE-2024-6387\n"   \
	     "exploit\tCVE-2018-15473\t45210\tx/45210.py\t2018-08-16\ta\t"     \
	     "remote\tlinux\t\tPoC\n"                                          \
	     "exploit\tCVE-2018-15473\t45939\tx/45939.py\t2018-12-04\tb\t"     \
	     "remote\tlinux\t22\tUser Enumeration (2)\n"

static void test_load(void **state)
{
	(void)state;
	char path[] = "/tmp/test_vulndb.XXXXXX", err[256];
	int fd = mkstemp(path);
	struct nc_vulndb db;

	assert_true(fd >= 0);
	close(fd);
	write_db(path, BODY);
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), 0);
	assert_int_equal(db.ncve, 2);
	assert_int_equal(db.ncpe, 3);
	assert_int_equal(db.nxp, 2);
	assert_string_equal(db.cve[0].desc, "enum\tdesc"); /* unescaped */
	assert_true(db.cve[0].v2score == 5.0);
	assert_int_equal(db.cpe[1].cve, 0);
	nc_vulndb_free(&db);

	/* a changed byte */
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, 20, SEEK_SET);
	fputc('X', f);
	fclose(f);
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checksum"));

	/* well formed but unsorted, or naming an unknown CVE */
	write_db(path, HEAD "built\tt\t1\t2\t0\n"
			    "cve\tCVE-1\t\t\t\t\t\t\td\n"
			    "cpe\tzz\tv\ta\t*\t*\t\t\t1\t\tCVE-1\n"
			    "cpe\taa\tv\ta\t*\t*\t\t\t1\t\tCVE-1\n");
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not sorted"));
	write_db(path, HEAD "built\tt\t1\t1\t0\n"
			    "cve\tCVE-1\t\t\t\t\t\t\td\n"
			    "cpe\taa\tv\ta\t*\t*\t\t\t1\t\tCVE-2\n");
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 5: cpe line names CVE-2"));
	write_db(path, HEAD "built\tt\t1\t0\t0\n"
			    "cve\tCVE-1\t\t\t\t\t\td\n");
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 4: cve line: 8 fields, want 9"));
	unlink(path);
}

static void test_software(void **state)
{
	(void)state;
	char path[] = "/tmp/test_vulndb.XXXXXX", err[256];
	int fd = mkstemp(path);
	struct nc_vulndb db;
	struct harness *h = h_new();
	char *flows[] = {(char *)"CAAAAAAAAAAA"};

	assert_true(fd >= 0);
	close(fd);
	write_db(path, BODY);
	assert_int_equal(nc_vulndb_load(&db, path, err, sizeof(err)), 0);

	Netcap__Software sw = NETCAP__SOFTWARE__INIT;
	sw.timestamp = 42;
	sw.product = (char *)"OpenSSH";
	sw.vendor = (char *)"";
	sw.version = (char *)"7.4p1";
	sw.n_flows = 1;
	sw.flows = flows;
	/* 7.4p1: <= 7.7 (CVE-2018-15473) but not in [8.6, 9.8) */
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 1);
	assert_int_equal(h_count(h, NC_REC_VULNERABILITY), 1);
	assert_int_equal(h_count(h, NC_REC_EXPLOIT), 2);
	Netcap__Vulnerability *v = h_get(h, NC_REC_VULNERABILITY, 0);
	assert_non_null(v);
	assert_string_equal(v->id, "CVE-2018-15473");
	assert_string_equal(v->severity, "MEDIUM");
	assert_true(v->score == 5.3 && v->v2score == 5.0);
	assert_string_equal(v->accessvector, "NETWORK");
	assert_int_equal(v->n_versions, 1);
	assert_string_equal(v->versions[0], "openbsd:openssh <= 7.7");
	assert_string_equal(v->notes, "matched as openssh of any vendor");
	assert_int_equal(v->timestamp, 42);
	assert_string_equal(v->software->version, "7.4p1");
	assert_int_equal(v->n_sourceuids, 1);
	assert_string_equal(v->sourceuids[0], "CAAAAAAAAAAA");
	protobuf_c_message_free_unpacked(&v->base, NULL);
	Netcap__Exploit *x = h_get(h, NC_REC_EXPLOIT, 1);
	assert_non_null(x);
	assert_string_equal(x->id, "45939");
	assert_int_equal(x->port, 22);
	assert_string_equal(x->cve, "CVE-2018-15473");
	protobuf_c_message_free_unpacked(&x->base, NULL);

	/* 9.2p1: only [8.6, 9.8); no exploit names that CVE */
	h->n = 0;
	sw.version = (char *)"9.2p1";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 1);
	assert_int_equal(h_count(h, NC_REC_EXPLOIT), 0);
	v = h_get(h, NC_REC_VULNERABILITY, 0);
	assert_string_equal(v->id, "CVE-2024-6387");
	assert_string_equal(v->versions[0], "openbsd:openssh >= 8.6, < 9.8");
	protobuf_c_message_free_unpacked(&v->base, NULL);

	/* the product name case and spaces; a vendor that differs */
	h->n = 0;
	sw.product = (char *)"OPENSSH";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 1);
	sw.vendor = (char *)"Someone Else";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 0);
	/* the Apache alias: Server "Apache/2.4.49" is apache:http_server */
	sw.vendor = (char *)"";
	sw.product = (char *)"Apache";
	sw.version = (char *)"2.4.49";
	h->n = 0;
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 1);
	v = h_get(h, NC_REC_VULNERABILITY, 0);
	assert_string_equal(v->notes, "matched as http_server of vendor apache "
				      "(the name's NVD product)");
	protobuf_c_message_free_unpacked(&v->base, NULL);
	sw.version = (char *)"2.4.51";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 0);
	/* no version: nothing */
	sw.version = (char *)"";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 0);
	/* unknown product */
	sw.product = (char *)"nginx";
	sw.version = (char *)"1.0";
	assert_int_equal(nc_vulndb_software(&db, &h->dec, &sw), 0);

	nc_vulndb_free(&db);
	unlink(path);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vercmp),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_norm),
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_software),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
