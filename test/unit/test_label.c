/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of label's inputs (app/label_in.c, compiled in here: it is
 * part of the netcap binary, not of libnccore). Expected values: Go's
 * time.Parse rules (time/format.go: which tokens take a fixed number of
 * digits), UTC instants worked by hand from the zones' offsets and
 * checked with GNU `TZ=... date -d`, Suricata's documented formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "../../app/label_in.c"
#include "eve_diff.h"
#include "../../app/label_map.h"

static void go_ok(const char *layout, const char *value, int y, int mo, int d,
		  int h, int mi, int s, long ns, bool has_date)
{
	struct lbl_gotime t;
	char err[256];

	if (lbl_go_parse(layout, value, &t, err, sizeof(err)) != 0)
		fail_msg("%s / %s: %s", layout, value, err);
	if (has_date) {
		assert_int_equal(t.year, y);
		assert_int_equal(t.mon, mo);
		assert_int_equal(t.day, d);
	}
	assert_int_equal(t.hour, h);
	assert_int_equal(t.min, mi);
	assert_int_equal(t.sec, s);
	assert_int_equal(t.nsec, ns);
	assert_int_equal(t.has_date, has_date);
}

static void go_bad(const char *layout, const char *value, const char *why)
{
	struct lbl_gotime t;
	char err[256] = "";

	assert_int_equal(lbl_go_parse(layout, value, &t, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("%s / %s: '%s' lacks '%s'", layout, value, err, why);
}

static void test_go_layouts(void **state)
{
	(void)state;
	/* the lists' layouts (../shared/reference/label/) */
	go_ok("15:04", "9:26", 0, 0, 0, 9, 26, 0, 0, false); /* 15: 1-2 */
	go_ok("15:04", "14:01", 0, 0, 0, 14, 1, 0, 0, false);
	go_ok("Monday-02-01-2006", "Thursday-15-02-2018", 2018, 2, 15, 0, 0, 0,
	      0, true);
	go_ok("2006/1/2 15:04:05", "2019/12/6 10:30:00", 2019, 12, 6, 10, 30, 0,
	      0, true);
	go_ok("2006/1/2", "2019/12/6", 2019, 12, 6, 0, 0, 0, 0, true);
	/* fractions: .000 fixed, .999 optional, and after 05 unnamed */
	go_ok("15:04:05.000", "01:59:59.800", 0, 0, 0, 1, 59, 59, 800000000,
	      false);
	go_ok("15:04:05.999", "01:59:59", 0, 0, 0, 1, 59, 59, 0, false);
	go_ok("15:04:05", "01:59:59.25", 0, 0, 0, 1, 59, 59, 250000000, false);
	/* month names, _2, 12-hour clock, two-digit years */
	go_ok("Jan _2 06 3:04PM", "Feb  3 19 4:05PM", 2019, 2, 3, 16, 5, 0, 0,
	      true);
	go_ok("January 2, 2006 03:04 pm", "march 9, 2021 12:00 am", 2021, 3, 9,
	      0, 0, 0, 0, true);
	go_ok("Mon Jan 02 2006", "Sun Mar 29 2026", 2026, 3, 29, 0, 0, 0, 0,
	      true);
	/* 04, 02, 01 take exactly two digits; 2006 four */
	go_bad("15:04", "9:6", "bad minute");
	go_bad("Monday-02-01-2006", "Sunday-29-3-2026", "bad month");
	go_bad("02/01/2006", "1/03/2026", "bad day");
	go_bad("2006", "26", "bad year");
	go_bad("15:04:05.000", "01:59:59.8", "fraction");
	go_bad("15:04", "25:00", "bad hour");
	go_bad("15:04", "9:26 am", "extra text");
	go_bad("2006-01-02", "2019-02-29", "out of range");
	go_bad("Monday 2006", "Caturday 2019", "day of the week");
	go_bad("15:04", "9.26", "does not match");
}

static int64_t sec(int64_t ns)
{
	return ns / 1000000000;
}

static void test_zones(void **state)
{
	(void)state;
	assert_true(lbl_zone_ok("UTC"));
	assert_true(lbl_zone_ok("Europe/Berlin"));
	assert_true(lbl_zone_ok("Canada/Atlantic"));
	assert_false(lbl_zone_ok("Europe/Atlantis"));
	assert_false(lbl_zone_ok("../../etc/passwd"));
	assert_false(lbl_zone_ok("/etc/localtime"));
	assert_false(lbl_zone_ok(""));
	/* Europe/Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST at
	 * 01:00 UTC (1774746000) */
	assert_int_equal(
	    sec(lbl_local_ns("Europe/Berlin", 2026, 3, 29, 1, 59, 59, 0)),
	    1774745999);
	assert_int_equal(
	    sec(lbl_local_ns("Europe/Berlin", 2026, 3, 29, 3, 0, 0, 0)),
	    1774746000);
	assert_int_equal(
	    lbl_local_ns("Europe/Berlin", 2026, 3, 29, 3, 0, 0, 700000000) %
		1000000000,
	    700000000);
	/* winter and summer */
	assert_int_equal(
	    sec(lbl_local_ns("Europe/Berlin", 2026, 11, 26, 12, 13, 46, 0)),
	    1795691626);
	assert_int_equal(
	    sec(lbl_local_ns("Europe/Berlin", 2026, 7, 1, 12, 0, 0, 0)),
	    1782900000);
	/* Australia/Sydney, AEDT (+11) until 2026-04-05 */
	assert_int_equal(
	    sec(lbl_local_ns("Australia/Sydney", 2026, 3, 29, 12, 0, 0, 0)),
	    1774746000);
	/* Canada/Atlantic, AST (-4) in February 2018: CIC-IDS2018's
	 * DoS-GoldenEye start, Thursday 2018-02-15 09:26 = 13:26 UTC */
	assert_int_equal(
	    sec(lbl_local_ns("Canada/Atlantic", 2018, 2, 15, 9, 26, 0, 0)),
	    1518701160);
	/* the zone switches back */
	assert_int_equal(sec(lbl_local_ns("UTC", 2026, 3, 29, 1, 0, 0, 0)),
			 1774746000);
}

static char *tmpfile_with(const char *text)
{
	static char path[64];
	strcpy(path, "/tmp/nc_label_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_eve(void **state)
{
	(void)state;
	struct lbl_alerts al = {0};
	uint32_t seq = 0;
	char err[512];
	/* Suricata's example alert (docs: eve-json-format), offset +0200 */
	char *p = tmpfile_with(
	    "{\"timestamp\":\"2021-08-28T17:04:33.690298+0200\",\"flow_id\":"
	    "1,\"event_type\":\"alert\",\"src_ip\":\"10.0.0.1\",\"src_port\":"
	    "41010,\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":"
	    "\"TCP\",\"community_id\":\"1:abc=\",\"alert\":{\"signature\":"
	    "\"ET X\",\"category\":\"Misc activity\"}}\n"
	    "\n"
	    "{\"timestamp\":\"2021-08-28T15:04:33Z\",\"event_type\":\"dns\"}\n"
	    "{\"timestamp\":\"2021-08-28T15:04:34.5+00:00\",\"event_type\":"
	    "\"alert\",\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"2001:db8::2\","
	    "\"proto\":\"IPv6-ICMP\",\"alert\":{\"signature\":\"S\"}}\n");
	assert_int_equal(lbl_read_eve(p, false, &al, &seq, err, sizeof(err)),
			 0);
	unlink(p);
	assert_int_equal(al.n, 2);
	/* 17:04:33.690298 at +02:00 = 15:04:33 UTC = 1630163073 */
	assert_int_equal(al.v[0].ts, 1630163073690298000LL);
	assert_int_equal(al.v[0].sport, 41010);
	assert_int_equal(al.v[0].dport, 80);
	assert_int_equal(al.v[0].proto, 6);
	assert_string_equal(al.v[0].cid, "1:abc=");
	assert_string_equal(al.v[0].category, "Misc activity");
	assert_int_equal(al.v[1].ts, 1630163074500000000LL);
	assert_int_equal(al.v[1].proto, 58);
	assert_int_equal(al.v[1].sport, -1);
	assert_int_equal(al.v[1].src.len, 16);
	assert_null(al.v[1].cid);
	assert_string_equal(al.v[1].category, "");
	lbl_alerts_free(&al);

	/* errors name file:line and field; nothing is kept */
	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"{\"event_type\":\"alert\",\n", ":1: malformed JSON"},
	    {"{}\n", ":1: event_type"},
	    {"{\"event_type\":\"alert\",\"timestamp\":\"2021-08-28 17:04:33\","
	     "\"src_ip\":\"1.2.3.4\",\"dest_ip\":\"1.2.3.5\",\"proto\":"
	     "\"TCP\"}",
	     ":1: timestamp '2021-08-28 17:04:33'"},
	    {"{\"event_type\":\"alert\",\"timestamp\":\"2021-08-28T17:04:33\","
	     "\"src_ip\":\"1.2.3.4\",\"dest_ip\":\"1.2.3.5\",\"proto\":"
	     "\"TCP\"}",
	     ":1: timestamp"}, /* no offset */
	    {"{\"event_type\":\"alert\",\"timestamp\":\"2021-08-28T17:04:33Z\","
	     "\"src_ip\":\"1.2.3\",\"dest_ip\":\"1.2.3.5\",\"proto\":\"TCP\"}",
	     ":1: src_ip '1.2.3'"},
	    {"{\"event_type\":\"alert\",\"timestamp\":\"2021-08-28T17:04:33Z\","
	     "\"src_ip\":\"1.2.3.4\",\"dest_ip\":\"1.2.3.5\",\"proto\":\"TCP\","
	     "\"src_port\":\"80\",\"alert\":{\"signature\":\"s\"}}",
	     ":1: src_port"},
	    {"{\"event_type\":\"alert\",\"timestamp\":\"2021-08-28T17:04:33Z\","
	     "\"src_ip\":\"1.2.3.4\",\"dest_ip\":\"1.2.3.5\",\"proto\":"
	     "\"XTP\"}",
	     ":1: proto 'XTP'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = tmpfile_with(bad[i].text);
		assert_int_equal(
		    lbl_read_eve(p, false, &al, &seq, err, sizeof(err)), -1);
		unlink(p);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s' lacks '%s'", err, bad[i].want);
		assert_int_equal(al.n, 0);
	}
	lbl_alerts_free(&al);
}

/*
 * The EVE reader's fast path keeps only label's members; on lines it
 * takes, the alert (or error) must be what the jansson tree gives.
 */
static void test_eve_paths(void **state)
{
	(void)state;
#define BASE                                                                   \
	"\"timestamp\":\"2021-08-28T17:04:33.5Z\",\"src_ip\":\"10.0.0.1\","      \
	"\"dest_ip\":\"10.0.0.2\",\"proto\":\"TCP\""
	static const char *const lines[] = {
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"signature\":\"s\"}}",
	    /* a key given twice: the last value */
	    "{\"event_type\":\"dns\",\"event_type\":\"alert\"," BASE
	    ",\"alert\":{\"signature\":\"a\",\"category\":\"c\"},"
	    "\"alert\":{\"signature\":\"b\"}}",
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"signature\":\"a\"},"
	    "\"alert\":7}",
	    /* members elsewhere do not count */
	    "{\"event_type\":\"alert\"," BASE ",\"metadata\":{\"alert\":{"
	    "\"signature\":\"m\"},\"src_port\":9},\"alert\":{\"signature\":\"s\","
	    "\"x\":[1,{\"category\":\"no\"},[],null,true,false,-3]}}",
	    /* null, wrong types, ports */
	    "{\"event_type\":\"alert\"," BASE ",\"src_port\":null,\"dest_port\":"
	    "65535,\"community_id\":null,\"alert\":{\"signature\":\"s\","
	    "\"category\":null}}",
	    "{\"event_type\":\"alert\"," BASE ",\"src_port\":65536,\"alert\":{"
	    "\"signature\":\"s\"}}",
	    "{\"event_type\":\"alert\"," BASE ",\"src_port\":-1,\"alert\":{"
	    "\"signature\":\"s\"}}",
	    "{\"event_type\":\"alert\"," BASE ",\"community_id\":5,\"alert\":{"
	    "\"signature\":\"s\"}}",
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"signature\":true}}",
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"category\":\"c\"}}",
	    "{\"event_type\":7}",
	    "{\"event_type\":\"alert\",\"timestamp\":null}",
	    /* escapes */
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"signature\":"
	    "\"a\\\"b\\\\c\\/d\\te\",\"category\":\"x\\ny\"}}",
	    "{ \"event_type\" : \"alert\" , " BASE " , \"alert\" : { \"signature\""
	    " : \"s\" } }",
	    /* escapes in members label skips, keys and values */
	    "{\"no\\tte\":\"x\\\"y\\\\z\\/\",\"event_type\":\"alert\"," BASE
	    ",\"alert\":{\"sig\\nnature\":\"no\",\"signature\":\"s\"}}",
	    /* anomalies */
	    "{\"event_type\":\"anomaly\"," BASE ",\"anomaly\":{\"type\":\"decode\","
	    "\"event\":\"decoder.ipv4.trunc\"}}",
	    "{\"event_type\":\"anomaly\"," BASE ",\"anomaly\":{\"event\":1}}",
	    "{\"event_type\":\"anomaly\",\"timestamp\":\"x\",\"anomaly\":{}}",
	    "{\"event_type\":\"anomaly\"," BASE ",\"anomaly\":\"s\"}",
	    /* the fast reader passes these to json_loadb */
	    "{\"event_type\":\"alert\"," BASE ",\"alert\":{\"signature\":"
	    "\"\\u00e9\"}}",
	    "{\"event_type\":\"alert\"," BASE ",\"src_port\":80.0}",
	    "[1]",
	    "{\"event_type\":\"alert\",}",
	};
#undef BASE
	for (int k = 0; k < EK_MAX; k++)
		assert_int_equal(ev_klen[k], strlen(ev_keys[k]));
	size_t nlines = sizeof(lines) / sizeof(lines[0]);
	for (size_t i = 0; i < nlines; i++)
		for (int an = 0; an < 2; an++) {
			int rc = eve_diff(lines[i], strlen(lines[i]), an);
			if (rc < 0)
				fail_msg("line %zu (anomalies %d): the paths "
					 "differ",
					 i, an);
			/* the last four go to json_loadb */
			if (rc != (i + 4 < nlines))
				fail_msg("line %zu: fast reader %s", i,
					 rc ? "took it" : "did not take it");
		}
}

/* label's map: no two keys share their 128-bit hash (the keys a weak hash
   confuses: zeros at every length, one octet changed anywhere) */
struct hh {
	uint64_t h, h2;
};

static int hh_cmp(const void *a, const void *b)
{
	const struct hh *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	if (x->h2 != y->h2)
		return x->h2 < y->h2 ? -1 : 1;
	return 0;
}

static void test_map_hash(void **state)
{
	(void)state;
	size_t n = 0, cap = 64 * 64 * 255 + 64;
	struct hh *v = malloc(cap * sizeof(*v));
	uint8_t k[64];

	assert_non_null(v);
	for (size_t len = 0; len < 64; len++) {
		memset(k, 0, sizeof(k));
		v[n].h = bhash(k, len, &v[n].h2);
		n++;
		for (size_t pos = 0; pos < len; pos++)
			for (int val = 1; val < 256; val++) {
				memset(k, 0, sizeof(k));
				k[pos] = (uint8_t)val;
				v[n].h = bhash(k, len, &v[n].h2);
				n++;
			}
	}
	qsort(v, n, sizeof(*v), hh_cmp);
	size_t same = 0;
	for (size_t i = 1; i < n; i++)
		same += v[i].h == v[i - 1].h;
	free(v);
	if (same)
		fail_msg("%zu of %zu keys share a hash", same, n);
}

static void test_map(void **state)
{
	(void)state;
	struct bmap m = {0};
	bool created;
	uint8_t k[12];

	/* 100,000 keys of 12 octets (the table grows many times) */
	for (uint32_t i = 0; i < 100000; i++) {
		uint64_t x = (uint64_t)i * 0x10001;
		memcpy(k, &i, 4);
		memcpy(k + 4, &x, 8);
		uint32_t *v = bmap_at(&m, k, sizeof(k), true, 7, &created);
		assert_true(created);
		assert_int_equal(*v, 7);
		*v = i;
	}
	for (uint32_t i = 0; i < 100000; i++) {
		uint64_t x = (uint64_t)i * 0x10001;
		memcpy(k, &i, 4);
		memcpy(k + 4, &x, 8);
		uint32_t *v = bmap_at(&m, k, sizeof(k), true, 7, &created);
		assert_false(created);
		assert_int_equal(*v, i);
		/* the same octets, one shorter: another key, absent */
		assert_null(bmap_at(&m, k, sizeof(k) - 1, false, 0, NULL));
		x++;
		memcpy(k + 4, &x, 8);
		assert_null(bmap_at(&m, k, sizeof(k), false, 0, NULL));
	}
	assert_int_equal(m.n, 100000);
	bmap_free(&m);
}

/* EVE anomaly events (Suricata's "anomaly" event type), with --anomalies */
static void test_eve_anomaly(void **state)
{
	(void)state;
	struct lbl_alerts al = {0};
	uint32_t seq = 0;
	char err[512];
	char *p = tmpfile_with(
	    "{\"timestamp\":\"2021-08-28T17:04:33.690298+0200\",\"event_type\":"
	    "\"anomaly\",\"src_ip\":\"10.0.0.1\",\"src_port\":1,\"dest_ip\":"
	    "\"10.0.0.2\",\"dest_port\":2,\"proto\":\"TCP\",\"anomaly\":{"
	    "\"type\":\"stream\",\"event\":\"stream.pkt_invalid_ack\"}}\n"
	    "{\"timestamp\":\"2021-08-28T17:04:34.000000+0200\",\"event_type\":"
	    "\"anomaly\",\"anomaly\":{\"type\":\"decode\",\"event\":"
	    "\"decoder.ipv4.trunc_pkt\"}}\n");
	assert_int_equal(lbl_read_eve(p, false, &al, &seq, err, sizeof(err)),
			 0);
	assert_int_equal(al.n, 0);
	assert_int_equal(lbl_read_eve(p, true, &al, &seq, err, sizeof(err)), 0);
	unlink(p);
	assert_int_equal(al.n, 1); /* the one without addresses is skipped */
	assert_string_equal(al.v[0].category, "stream.pkt_invalid_ack");
	assert_int_equal(al.v[0].proto, 6);
	lbl_alerts_free(&al);
}

static void test_fastlog(void **state)
{
	(void)state;
	struct lbl_alerts al = {0};
	uint32_t seq = 0;
	char err[512];
	char *p = tmpfile_with(
	    "08/28/2021-17:04:33.690298  [**] [1:2013028:7] ET POLICY curl "
	    "User-Agent Outbound [**] [Classification: Attempted Information "
	    "Leak] [Priority: 2] {TCP} 192.168.1.2:51234 -> 1.2.3.4:80\n"
	    "08/28/2021-17:04:34.000000  [**] [1:1:1] v6 [**] [Priority: 3] "
	    "{UDP} 2001:db8::1:53 -> 2001:db8::2:5353\n"
	    "08/28/2021-17:04:35.000000  [**] [1:2:1] gre [**] "
	    "[Classification: Misc] [Priority: 3] {GRE} 10.0.0.1 -> "
	    "10.0.0.2\n");
	/* Europe/Berlin in August: CEST, +2 */
	assert_int_equal(
	    lbl_read_fastlog(p, "Europe/Berlin", &al, &seq, err, sizeof(err)),
	    0);
	assert_int_equal(al.n, 3);
	assert_int_equal(al.v[0].ts, 1630163073690298000LL);
	assert_string_equal(al.v[0].category, "Attempted Information Leak");
	assert_string_equal(al.v[0].signature,
			    "ET POLICY curl User-Agent Outbound");
	assert_int_equal(al.v[0].sport, 51234);
	assert_int_equal(al.v[0].dport, 80);
	assert_int_equal(al.v[1].proto, 17);
	assert_int_equal(al.v[1].src.len, 16);
	assert_int_equal(al.v[1].sport, 53);
	assert_int_equal(al.v[1].dport, 5353);
	assert_string_equal(al.v[1].category, "");
	assert_int_equal(al.v[2].proto, 47);
	assert_int_equal(al.v[2].sport, -1);
	lbl_alerts_free(&al);
	/* the same line read as UTC is two hours later */
	assert_int_equal(
	    lbl_read_fastlog(p, "UTC", &al, &seq, err, sizeof(err)), 0);
	assert_int_equal(al.v[0].ts, 1630170273690298000LL);
	lbl_alerts_free(&al);
	unlink(p);

	p = tmpfile_with(
	    "08/28/2021-17:04:33.690298  [**] [1:1:1] x [**] [Priority: 2] "
	    "{TCP} 192.168.1.2:51234 -> 1.2.3.4:80\n"
	    "08/28/2021-17:04:33.690298  [**] [1:1:1] x [**] [Priority: 2] "
	    "{TCP} 192.168.1.2 -> 1.2.3.4:80\n");
	assert_int_equal(
	    lbl_read_fastlog(p, "UTC", &al, &seq, err, sizeof(err)), -1);
	unlink(p);
	assert_non_null(strstr(err, ":2: source '192.168.1.2'"));
	assert_int_equal(al.n, 0);
	lbl_alerts_free(&al);
}

static void test_attacks(void **state)
{
	(void)state;
	struct lbl_attacks at = {0};
	char err[512];
	char *p = tmpfile_with("location: \"Canada/Atlantic\"\n"
			       "timeFormat: \"15:04\"\n"
			       "dateFormat: \"Monday-02-01-2006\"\n"
			       "attacks:\n"
			       "  - name: DoS-GoldenEye\n"
			       "    date: Thursday-15-02-2018\n"
			       "    ips:\n"
			       "      - 18.217.21.148\n"
			       "    start: 9:26\n"
			       "    end: 10:09\n"
			       "    proto: HTTP\n"
			       "    category: denial-of-service\n"
			       "    mitre: T1498\n"
			       "  - name: Infiltration\n"
			       "    date: Thursday-01-03-2018\n"
			       "    victims: [172.31.69.13]\n"
			       "    attackers: [13.58.225.34]\n"
			       "    start: 14:00\n"
			       "    end: 15:37\n"
			       "    category: infiltration\n"
			       "    flagVictimTraffic: true\n");
	assert_int_equal(lbl_read_attacks(p, &at, err, sizeof(err)), 0);
	unlink(p);
	assert_int_equal(at.n, 2);
	/* 2018-02-15 09:26 AST (-4) = 13:26 UTC */
	assert_int_equal(at.v[0].start, 1518701160LL * 1000000000);
	assert_int_equal(at.v[0].end, (1518701160LL + 43 * 60) * 1000000000);
	assert_int_equal(at.v[0].nips, 1);
	assert_string_equal(at.v[0].category, "denial-of-service");
	assert_false(at.v[0].flag_victim);
	/* 2018-03-01 14:00 AST = 18:00 UTC = 1519927200 */
	assert_int_equal(at.v[1].start, 1519927200LL * 1000000000);
	assert_true(at.v[1].flag_victim);
	assert_int_equal(at.v[1].nvictims, 1);
	assert_int_equal(at.v[1].nattackers, 1);
	lbl_attacks_free(&at);

	/* a timeFormat with a date is used as it is (SWaT) */
	p = tmpfile_with("location: \"Asia/Singapore\"\n"
			 "timeFormat: \"2006/1/2 15:04:05\"\n"
			 "dateFormat: \"2006/1/2\"\n"
			 "attacks:\n"
			 "  - name: Data Exfiltration 1\n"
			 "    start: 2019/12/6 10:30:00\n"
			 "    end: 2019/12/6 10:35:00\n"
			 "    ips: [192.168.1.201, 192.168.1.181]\n"
			 "    notes: Sends process data\n"
			 "    category: Data Exfiltration\n"
			 "    date: 2019/12/6\n");
	assert_int_equal(lbl_read_attacks(p, &at, err, sizeof(err)), 0);
	unlink(p);
	/* 2019-12-06 10:30 SGT (+8) = 02:30 UTC = 1575599400 */
	assert_int_equal(at.v[0].start, 1575599400LL * 1000000000);
	assert_int_equal(at.v[0].nips, 2);
	lbl_attacks_free(&at);

	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"location: UTC\ntimeFormat: \"15:04\"\nattacks: []\ncolour: red\n",
	     ":4: unknown field 'colour'"},
	    {"location: Mars/Base\ntimeFormat: \"15:04\"\nattacks: []\n",
	     ":1: location 'Mars/Base': unknown time zone"},
	    {"timeFormat: \"15:04\"\ndateFormat: \"2006-01-02\"\nattacks:\n"
	     "  - name: a\n    date: 2020-1-02\n    start: 1:00\n    end: "
	     "2:00\n    ips: [1.2.3.4]\n",
	     ":5: date '2020-1-02' does not match dateFormat"},
	    {"timeFormat: \"15:04\"\ndateFormat: \"2006-01-02\"\nattacks:\n"
	     "  - name: a\n    date: 2020-01-02\n    start: 1:00\n    end: "
	     "2:0\n    ips: [1.2.3.4]\n",
	     ":7: end '2:0' does not match timeFormat"},
	    {"timeFormat: \"15:04\"\ndateFormat: \"2006-01-02\"\nattacks:\n"
	     "  - name: a\n    date: 2020-01-02\n    start: 3:00\n    end: "
	     "2:00\n    ips: [1.2.3.4]\n",
	     "end '2:00' is before start"},
	    {"timeFormat: \"15:04\"\nattacks:\n  - name: a\n    wrong: 1\n",
	     ":4: unknown field 'wrong'"},
	    {"timeFormat: \"15:04\"\nattacks:\n  - name: a\n    ips: [x]\n",
	     ":4: ips: 'x' is not an IP address"},
	    {"timeFormat: \"15:04\"\nattacks:\n  - name: [a\n", "YAML"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = tmpfile_with(bad[i].text);
		assert_int_equal(lbl_read_attacks(p, &at, err, sizeof(err)),
				 -1);
		unlink(p);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s' lacks '%s'", err, bad[i].want);
		assert_int_equal(at.n, 0);
	}
	lbl_attacks_free(&at);
}

static void test_attacks_csv(void **state)
{
	(void)state;
	struct lbl_attacks at = {0};
	char err[512];
	/* Netcap's label/configs/swat-2019-attacks.csv (first line), a note
	 * quoted with a comma and a doubled quote */
	char *p = tmpfile_with(
	    "Num,Name,Start,End,IPs,Proto,Notes,Category,MITRE,Date,Victims,"
	    "Attackers\n"
	    "1,Data Exfiltration 1,2019/12/6 10:30:00,2019/12/6 10:35:00,"
	    "192.168.1.201;192.168.1.181,TCP,\"Sends data, via \"\"X11\"\"\","
	    "Data Exfiltration,Collection,2019/12/6,,\n"
	    "2,Two,2019/12/6 11:00:00,2019/12/6 11:05:00,,TCP,,Other,,,"
	    "10.0.0.1,10.0.0.2;10.0.0.3\n");
	/* 2019-12-06 10:30 SGT (+8) = 02:30 UTC = 1575599400 */
	assert_int_equal(
	    lbl_read_attacks_csv(p, "Asia/Singapore", &at, err, sizeof(err)),
	    0);
	unlink(p);
	assert_int_equal(at.n, 2);
	assert_int_equal(at.v[0].start, 1575599400LL * 1000000000);
	assert_int_equal(at.v[0].end, 1575599700LL * 1000000000);
	assert_int_equal(at.v[0].nips, 2);
	assert_string_equal(at.v[0].notes, "Sends data, via \"X11\"");
	assert_string_equal(at.v[0].category, "Data Exfiltration");
	assert_int_equal(at.v[1].nips, 0);
	assert_int_equal(at.v[1].nvictims, 1);
	assert_int_equal(at.v[1].nattackers, 2);
	lbl_attacks_free(&at);

	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"Num,Name,Start,End,IPs,Colour\n", ":1: unknown column 'Colour'"},
	    {"Num,Start,End,IPs\n", ":1: the header needs Name"},
	    {"Name,Start,End,IPs\na,2019/12/6 10:30,2019/12/6 10:35:00,"
	     "1.2.3.4\n",
	     ":2: Start '2019/12/6 10:30' does not match"},
	    {"Name,Start,End,IPs\na,2019/12/6 10:30:00,2019/12/6 10:35:00\n",
	     ":2: 3 fields, the header has 4"},
	    {"Name,Start,End,IPs\na\"b,2019/12/6 10:30:00,2019/12/6 "
	     "10:35:00,1.2.3.4\n",
	     ":2: not a CSV line"},
	    {"Name,Start,End,IPs\na,2019/12/6 10:30:00,2019/12/6 10:35:00,"
	     "1.2.3.4;x\n",
	     ":2: IPs: 'x' is not an IP address"},
	    {"", "empty"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = tmpfile_with(bad[i].text);
		assert_int_equal(
		    lbl_read_attacks_csv(p, "UTC", &at, err, sizeof(err)), -1);
		unlink(p);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s' lacks '%s'", err, bad[i].want);
		assert_int_equal(at.n, 0);
	}
	lbl_attacks_free(&at);
}

static void test_notice(void **state)
{
	(void)state;
	struct lbl_alerts al = {0};
	uint32_t seq = 0;
	char err[512];
	/* TSV as Zeek writes it (header lines, tab-separated, "-" unset) */
	char *p = tmpfile_with(
	    "#separator \\x09\n#set_separator\t,\n#path\tnotice\n"
	    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t"
	    "proto\tnote\tmsg\n"
	    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tenum\t"
	    "string\n"
	    "1258567191.405770\tCabc\t192.168.1.103\t1087\t"
	    "192.150.187.43\t80\ttcp\tHTTP::SQL_Injection_Attacker\t"
	    "An SQL injection attacker was discovered!\n"
	    "1258567192.000000\t-\t-\t-\t-\t-\t-\tScan::Port_Scan\t-\n"
	    "1258567193.5\tCdef\t2001:db8::1\t-\t2001:db8::2\t-\ticmp\t"
	    "ICMP::Odd\t-\n");
	assert_int_equal(lbl_read_notice(p, &al, &seq, err, sizeof(err)), 0);
	unlink(p);
	assert_int_equal(al.n, 2); /* the port scan names no connection */
	assert_int_equal(al.v[0].ts, 1258567191405770000LL);
	assert_int_equal(al.v[0].sport, 1087);
	assert_int_equal(al.v[0].dport, 80);
	assert_int_equal(al.v[0].proto, 6);
	assert_string_equal(al.v[0].category, "HTTP::SQL_Injection_Attacker");
	assert_string_equal(al.v[0].signature,
			    "An SQL injection attacker was discovered!");
	assert_int_equal(al.v[1].ts, 1258567193500000000LL);
	assert_int_equal(al.v[1].proto, 58); /* icmp over IPv6 */
	assert_int_equal(al.v[1].sport, -1);
	assert_string_equal(al.v[1].signature, "ICMP::Odd"); /* no msg */
	lbl_alerts_free(&al);

	/* JSON logs: ts a number or ISO 8601, ports numbers */
	p = tmpfile_with(
	    "{\"ts\":1258567191.40577,\"uid\":\"Cabc\",\"id.orig_h\":"
	    "\"10.0.0.1\",\"id.orig_p\":1087,\"id.resp_h\":\"10.0.0.2\","
	    "\"id.resp_p\":53,\"proto\":\"udp\",\"note\":\"DNS::X\"}\n"
	    "{\"ts\":\"2009-11-18T17:59:51.405770Z\",\"id.orig_h\":"
	    "\"10.0.0.1\",\"id.orig_p\":1087,\"id.resp_h\":\"10.0.0.2\","
	    "\"id.resp_p\":53,\"proto\":\"udp\",\"note\":\"DNS::Y\"}\n");
	assert_int_equal(lbl_read_notice(p, &al, &seq, err, sizeof(err)), 0);
	unlink(p);
	assert_int_equal(al.n, 2);
	assert_int_equal(al.v[0].ts, 1258567191405770000LL);
	assert_int_equal(al.v[0].proto, 17);
	assert_int_equal(al.v[1].ts, 1258567191405770000LL);
	lbl_alerts_free(&al);

	static const struct {
		const char *text, *want;
	} bad[] = {
	    {"1258567191.4\tx\n", ":1: a record before the #fields line"},
	    {"#fields\tts\tnote\n", ":1: #fields lacks 'id.orig_h'"},
	    {"#separator ,\n", ":1: separator ','"},
	    {"#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	     "note\n"
	     "17:59\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tN\n",
	     ":2: ts '17:59'"},
	    {"#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
	     "note\n"
	     "1.5\t10.0.0.1\t70000\t10.0.0.2\t2\ttcp\tN\n",
	     ":2: id.orig_p '70000'"},
	    {"{\"ts\":1.5,\"note\":\"N\"\n", ":1: malformed JSON"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = tmpfile_with(bad[i].text);
		assert_int_equal(
		    lbl_read_notice(p, &al, &seq, err, sizeof(err)), -1);
		unlink(p);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s' lacks '%s'", err, bad[i].want);
		assert_int_equal(al.n, 0);
	}
	lbl_alerts_free(&al);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_go_layouts),
	    cmocka_unit_test(test_zones),
	    cmocka_unit_test(test_eve),
	    cmocka_unit_test(test_eve_anomaly),
	    cmocka_unit_test(test_eve_paths),
	    cmocka_unit_test(test_map_hash),
	    cmocka_unit_test(test_map),
	    cmocka_unit_test(test_fastlog),
	    cmocka_unit_test(test_attacks),
	    cmocka_unit_test(test_attacks_csv),
	    cmocka_unit_test(test_notice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
