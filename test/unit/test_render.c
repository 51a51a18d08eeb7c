/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the record renderers (records/render.c). Expected texts come
 * from the RFCs (4180 CSV, 5952 IPv6 text, 3339 time; calendar dates checked
 * with GNU `date -u -d @SECONDS`), not from running this code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncfile.h"
#include "render.h"

/* Render msgs of descriptor d in fmt into a string (free it). */
static char *render(enum nc_fmt fmt, enum nc_timefmt tf,
		    const ProtobufCMessage *const *msgs, unsigned n,
		    const unsigned *cols, unsigned ncols)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct nc_render *r = nc_render_new(f, fmt, tf, msgs[0]->descriptor,
					    cols, ncols);
	assert_non_null(r);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(nc_render_row(r, msgs[i]), 0);
	assert_int_equal(nc_render_end(r), 0);
	fclose(f);
	return buf;
}

static char *cell(const ProtobufCMessage *m, const char *field,
		  enum nc_timefmt tf)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(m->descriptor,
								 field);
	assert_non_null(f);
	struct nc_sb sb = { 0 };
	nc_sb_add(&sb, "", 0);
	nc_render_cell(&sb, m, f, tf);
	return sb.p;
}

#define assert_cell(m, field, tf, want)                                    \
	do {                                                               \
		char *c_ = cell((const ProtobufCMessage *)(m), field, tf); \
		assert_string_equal(c_, want);                             \
		free(c_);                                                  \
	} while (0)

static void test_addr_ipv6_rfc5952(void **state)
{
	(void)state;
	char out[64];
	/* RFC 5952 4.2.1: the longest run of zero fields is "::" */
	static const uint8_t a1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	nc_render_addr(a1, 16, out, sizeof(out));
	assert_string_equal(out, "2001:db8::1");
	/* 4.2.2: a single 16-bit 0 field is not shortened */
	static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
					0, 1, 0, 1, 0, 1, 0, 1 };
	nc_render_addr(a2, 16, out, sizeof(out));
	assert_string_equal(out, "2001:db8:0:1:1:1:1:1");
	/* 4.2.3: the longest run is shortened: 2001:0:0:1:0:0:0:1 */
	static const uint8_t a3[16] = { 0x20, 0x01, 0, 0, 0, 0, 0, 1,
					0, 0, 0, 0, 0, 0, 0, 1 };
	nc_render_addr(a3, 16, out, sizeof(out));
	assert_string_equal(out, "2001:0:0:1::1");
	/* 4.2.3: of equal runs the first: 2001:db8:0:0:1:0:0:1 */
	static const uint8_t a4[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					0, 1, 0, 0, 0, 0, 0, 1 };
	nc_render_addr(a4, 16, out, sizeof(out));
	assert_string_equal(out, "2001:db8::1:0:0:1");
	/* 4.3: lowercase; 4.1: no leading zeros */
	static const uint8_t a5[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					0, 0, 0, 0, 0x0a, 0xbc, 0, 0x0f };
	nc_render_addr(a5, 16, out, sizeof(out));
	assert_string_equal(out, "2001:db8::abc:f");
	/* 5: IPv4-mapped addresses end in dotted quad */
	static const uint8_t a6[16] = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 };
	nc_render_addr(a6, 16, out, sizeof(out));
	assert_string_equal(out, "::ffff:192.0.2.1");
	static const uint8_t a7[16] = { 0 };
	nc_render_addr(a7, 16, out, sizeof(out));
	assert_string_equal(out, "::");
}

static void test_addr_other(void **state)
{
	(void)state;
	char out[64];
	static const uint8_t v4[4] = { 198, 51, 100, 7 };
	nc_render_addr(v4, 4, out, sizeof(out));
	assert_string_equal(out, "198.51.100.7");
	static const uint8_t mac[6] = { 0x00, 0x1B, 0x21, 0xAA, 0x0f, 0xFF };
	nc_render_addr(mac, 6, out, sizeof(out));
	assert_string_equal(out, "00:1b:21:aa:0f:ff");
	static const uint8_t odd[3] = { 0xde, 0xAD, 0x01 };
	nc_render_addr(odd, 3, out, sizeof(out));
	assert_string_equal(out, "dead01");
	nc_render_addr(odd, 0, out, sizeof(out));
	assert_string_equal(out, "");
}

static void test_time_rfc3339(void **state)
{
	(void)state;
	char out[64];
	/* date -u -d @1259222733 -> 2009-11-26T08:05:33 */
	nc_render_time(1259222733123456789LL, out, sizeof(out));
	assert_string_equal(out, "2009-11-26T08:05:33.123456789Z");
	nc_render_time(0, out, sizeof(out));
	assert_string_equal(out, "1970-01-01T00:00:00.000000000Z");
	/* one ns before the epoch */
	nc_render_time(-1, out, sizeof(out));
	assert_string_equal(out, "1969-12-31T23:59:59.999999999Z");
	/* date -u -d @-1500000000 -> 1922-06-20T21:20:00 */
	nc_render_time(-1500000000LL * 1000000000LL + 5, out, sizeof(out));
	assert_string_equal(out, "1922-06-20T21:20:00.000000005Z");
	/* date -u -d @4102444800 -> 2100-01-01T00:00:00 */
	nc_render_time(4102444800LL * 1000000000LL + 1000, out, sizeof(out));
	assert_string_equal(out, "2100-01-01T00:00:00.000001000Z");
}

static void test_double(void **state)
{
	(void)state;
	char out[64];
	nc_render_double(0.1, out, sizeof(out));
	assert_string_equal(out, "0.1");
	nc_render_double(1.0, out, sizeof(out));
	assert_string_equal(out, "1");
	nc_render_double(0.0, out, sizeof(out));
	assert_string_equal(out, "0");
	nc_render_double(7.251, out, sizeof(out));
	assert_string_equal(out, "7.251");
	nc_render_double(1.0 / 3.0, out, sizeof(out));
	assert_string_equal(out, "0.3333333333333333");
	assert_true(strtod(out, NULL) == 1.0 / 3.0);
	nc_render_double(0.1 + 0.2, out, sizeof(out));
	assert_string_equal(out, "0.30000000000000004");
}

/* RFC 4180: quote cells with , " CR LF; double the quotes. */
static void test_csv_quoting(void **state)
{
	(void)state;
	Netcap__Anomaly a = NETCAP__ANOMALY__INIT;
	Netcap__Anomaly b = NETCAP__ANOMALY__INIT;
	const ProtobufCMessage *msgs[] = { &a.base, &b.base };
	unsigned cols[] = { 1, 2 }; /* Event, Offset */

	a.event = "say \"hi\", twice";
	a.offset = 14;
	b.event = "two\r\nlines";
	b.offset = -1;
	char *s = render(NC_FMT_CSV, NC_TIME_NS, msgs, 2, cols, 2);
	assert_string_equal(s, "Event,Offset\n"
			       "\"say \"\"hi\"\", twice\",14\n"
			       "\"two\r\nlines\",-1\n");
	free(s);
	/* TSV: tabs and newlines escaped */
	a.event = "a\tb\\c";
	s = render(NC_FMT_TSV, NC_TIME_NS, msgs, 2, cols, 2);
	assert_string_equal(s, "Event\tOffset\n"
			       "a\\tb\\\\c\t14\n"
			       "two\\r\\nlines\t-1\n");
	free(s);
	/* no records: the header line alone */
	s = render(NC_FMT_CSV, NC_TIME_NS, msgs, 0, cols, 2);
	assert_string_equal(s, "Event,Offset\n");
	free(s);
}

/* label's output: another separator and a trailing column (RFC 4180 with
 * ';': a cell holding ';' is quoted, one holding ',' is not). */
static void test_csv_sep_extra(void **state)
{
	(void)state;
	Netcap__Anomaly a = NETCAP__ANOMALY__INIT;
	unsigned cols[] = { 1, 2 }; /* Event, Offset */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	a.event = "a;b,c";
	a.offset = 3;
	struct nc_render *r = nc_render_new(f, NC_FMT_CSV, NC_TIME_NS,
					    a.base.descriptor, cols, 2);
	assert_non_null(r);
	nc_render_set_sep(r, ';');
	nc_render_set_extra(r, "result");
	assert_int_equal(nc_render_row_extra(r, &a.base, "x | y"), 0);
	assert_int_equal(nc_render_row_extra(r, &a.base, "p;q"), 0);
	assert_int_equal(nc_render_end(r), 0);
	fclose(f);
	assert_string_equal(buf, "Event;Offset;result\n"
				 "\"a;b,c\";3;x | y\n"
				 "\"a;b,c\";3;\"p;q\"\n");
	free(buf);
}

static uint8_t mss[2] = { 0x05, 0xb4 };
static uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static uint8_t dst4[4] = { 192, 0, 2, 255 };
static uint8_t pl[3] = { 0x00, 0xff, 0x10 };

static void fill_tcp(Netcap__TCP *t, Netcap__TCPOption **opts,
		     Netcap__TCPOption *o1, Netcap__TCPOption *o2)
{
	netcap__tcp__init(t);
	netcap__tcpoption__init(o1);
	netcap__tcpoption__init(o2);
	t->timestamp = 1259222733123456789LL;
	t->srcport = 49152;
	t->dstport = 443;
	t->seqnum = 4294967295u;
	t->syn = 1;
	o1->optiontype = 2;
	o1->optionlength = 4;
	o1->optiondata.data = mss;
	o1->optiondata.len = 2;
	o2->optiontype = 1;
	o2->optionlength = 1;
	opts[0] = o1;
	opts[1] = o2;
	t->n_options = 2;
	t->options = opts;
	t->payloadentropy = 0.5;
	t->payload.data = pl;
	t->payload.len = 3;
	t->srcip.data = src6;
	t->srcip.len = 16;
	t->dstip.data = dst4;
	t->dstip.len = 4;
}

/* Integers as printf writes them: the cell text and a CSV row (the row
   renderer's own path), around every power of ten and at the limits */
static void test_integers(void **state)
{
	(void)state;
	Netcap__Connection c = NETCAP__CONNECTION__INIT;
	const ProtobufCMessage *msgs[] = {&c.base};
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(
			c.base.descriptor, "TotalSize");
	assert_non_null(f);
	unsigned col = (unsigned)(f - c.base.descriptor->fields);
	int64_t vals[200];
	size_t n = 0;
	int64_t p = 1;
	for (int e = 0; e <= 18; e++) {
		vals[n++] = p - 1;
		vals[n++] = p;
		vals[n++] = p + 1;
		vals[n++] = -p;
		if (e < 18) {
			vals[n++] = p * 9 + (p - 1); /* all nines */
			p *= 10;
		}
	}
	vals[n++] = INT64_MAX;
	vals[n++] = INT64_MIN;
	vals[n++] = 1259222733123456789LL;
	vals[n++] = 999999999LL * 1000000000LL + 1;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 40000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		int64_t v = (int64_t)(x >> (x & 63));
		char want[32], row[64];
		if (n < sizeof(vals) / sizeof(vals[0]))
			vals[n++] = v;
		v = i < (int)n ? vals[i] : v;
		snprintf(want, sizeof(want), "%lld", (long long)v);
		c.totalsize = v;
		assert_cell(&c, "TotalSize", NC_TIME_NS, want);
		char *s = render(NC_FMT_CSV, NC_TIME_NS, msgs, 1, &col, 1);
		snprintf(row, sizeof(row), "TotalSize\n%s\n", want);
		assert_string_equal(s, row);
		free(s);
	}
}

static void test_cells(void **state)
{
	(void)state;
	Netcap__TCP t;
	Netcap__TCPOption o1, o2, *opts[2];
	fill_tcp(&t, opts, &o1, &o2);

	assert_cell(&t, "Timestamp", NC_TIME_NS, "1259222733123456789");
	assert_cell(&t, "Timestamp", NC_TIME_RFC3339,
		    "2009-11-26T08:05:33.123456789Z");
	assert_cell(&t, "SeqNum", NC_TIME_NS, "4294967295");
	assert_cell(&t, "SYN", NC_TIME_NS, "true");
	assert_cell(&t, "FIN", NC_TIME_NS, "false");
	assert_cell(&t, "Options", NC_TIME_NS, "(2/4/05b4);(1/1/)");
	assert_cell(&t, "Padding", NC_TIME_NS, "");
	assert_cell(&t, "Payload", NC_TIME_NS, "00ff10");
	assert_cell(&t, "SrcIP", NC_TIME_NS, "2001:db8::1");
	assert_cell(&t, "DstIP", NC_TIME_NS, "192.0.2.255");
	assert_cell(&t, "PayloadEntropy", NC_TIME_NS, "0.5");
	/* a port is not a time even with --time rfc3339 */
	assert_cell(&t, "DstPort", NC_TIME_RFC3339, "443");

	Netcap__Header h = NETCAP__HEADER__INIT;
	h.type = NETCAP__TYPE__NC_TCP;
	h.created = 0;
	assert_cell(&h, "Type", NC_TIME_NS, "NC_TCP");
	assert_cell(&h, "Created", NC_TIME_RFC3339,
		    "1970-01-01T00:00:00.000000000Z");
	h.type = 12345; /* not in the schema: the number */
	assert_cell(&h, "Type", NC_TIME_NS, "12345");

	/* ARP addresses: names ending in Address */
	Netcap__ARP a = NETCAP__ARP__INIT;
	static uint8_t hw[6] = { 0x00, 0x0c, 0x29, 0x3a, 0x4b, 0x5c };
	a.srchwaddress.data = hw;
	a.srchwaddress.len = 6;
	a.srcprotocoladdress.data = dst4;
	a.srcprotocoladdress.len = 4;
	assert_cell(&a, "SrcHwAddress", NC_TIME_NS, "00:0c:29:3a:4b:5c");
	assert_cell(&a, "SrcProtocolAddress", NC_TIME_NS, "192.0.2.255");
	assert_cell(&a, "DstHwAddress", NC_TIME_NS, "");
}

static void test_json(void **state)
{
	(void)state;
	Netcap__TCP t;
	Netcap__TCPOption o1, o2, *opts[2];
	fill_tcp(&t, opts, &o1, &o2);
	const ProtobufCMessage *msgs[] = { &t.base };

	char *s = render(NC_FMT_JSON, NC_TIME_NS, msgs, 1, NULL, 0);
	json_error_t e;
	json_t *o = json_loads(s, 0, &e);
	assert_non_null(o);
	assert_non_null(strchr(s, '\n'));
	assert_int_equal(strchr(s, '\n')[1], '\0'); /* one line */
	/* keys: exactly the .proto names, in .proto order, all present */
	static const char *const keys[] = {
		"Timestamp", "SrcPort", "DstPort", "SeqNum", "AckNum",
		"DataOffset", "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE",
		"CWR", "NS", "Window", "Checksum", "Urgent", "Padding",
		"Options", "PayloadEntropy", "PayloadSize", "Payload",
		"SrcIP", "DstIP", "Tunnel", "Result",
	};
	assert_int_equal(json_object_size(o), sizeof(keys) / sizeof(keys[0]));
	const char *prev = s;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char q[64];
		snprintf(q, sizeof(q), "\"%s\":", keys[i]);
		const char *at = strstr(s, q);
		assert_non_null(at);
		assert_true(at >= prev);
		prev = at;
		assert_non_null(json_object_get(o, keys[i]));
	}
	assert_true(json_integer_value(json_object_get(o, "Timestamp")) ==
		    1259222733123456789LL);
	assert_true(json_integer_value(json_object_get(o, "SeqNum")) ==
		    4294967295LL);
	assert_true(json_is_false(json_object_get(o, "FIN")));
	assert_true(json_is_true(json_object_get(o, "SYN")));
	assert_int_equal(json_integer_value(json_object_get(o, "AckNum")), 0);
	assert_string_equal(json_string_value(json_object_get(o, "SrcIP")),
			    "2001:db8::1");
	assert_string_equal(json_string_value(json_object_get(o, "Payload")),
			    "00ff10");
	assert_string_equal(json_string_value(json_object_get(o, "Padding")),
			    "");
	assert_true(json_real_value(json_object_get(o, "PayloadEntropy")) ==
		    0.5);
	json_t *ops = json_object_get(o, "Options");
	assert_true(json_is_array(ops));
	assert_int_equal(json_array_size(ops), 2);
	json_t *o0 = json_array_get(ops, 0);
	assert_int_equal(json_integer_value(json_object_get(o0, "OptionType")),
			 2);
	assert_string_equal(
		json_string_value(json_object_get(o0, "OptionData")), "05b4");
	json_decref(o);
	free(s);

	s = render(NC_FMT_JSON, NC_TIME_RFC3339, msgs, 1,
		   (const unsigned[]){ 23, 0 }, 2); /* SrcIP, Timestamp */
	assert_string_equal(s, "{\"SrcIP\":\"2001:db8::1\",\"Timestamp\":"
			       "\"2009-11-26T08:05:33.123456789Z\"}\n");
	free(s);
}

static void test_table(void **state)
{
	(void)state;
	Netcap__Anomaly a = NETCAP__ANOMALY__INIT;
	Netcap__Anomaly b = NETCAP__ANOMALY__INIT;
	const ProtobufCMessage *msgs[] = { &a.base, &b.base };
	unsigned cols[] = { 1, 2, 3 }; /* Event, Offset, FrameLength */

	a.event = "tcp.hlen_short";
	a.offset = 34;
	a.framelength = 60;
	b.event = "x";
	b.offset = 1000;
	b.framelength = 7;
	char *s = render(NC_FMT_TABLE, NC_TIME_NS, msgs, 2, cols, 3);
	assert_string_equal(s, "Event           Offset  FrameLength\n"
			       "tcp.hlen_short  34      60\n"
			       "x               1000    7\n");
	free(s);
}

static void test_select(void **state)
{
	(void)state;
	unsigned cols[8];
	char err[512];
	const ProtobufCMessageDescriptor *d = &netcap__tcp__descriptor;

	assert_int_equal(nc_render_select(d, "DstIP,srcport,SYN", cols, 8, err,
					  sizeof(err)),
			 3);
	assert_string_equal(d->fields[cols[0]].name, "DstIP");
	assert_string_equal(d->fields[cols[1]].name, "SrcPort");
	assert_string_equal(d->fields[cols[2]].name, "SYN");
	assert_int_equal(nc_render_select(d, "SrcPort,Bogus", cols, 8, err,
					  sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "'Bogus'"));
	assert_non_null(strstr(err, "Timestamp, SrcPort"));
	assert_int_equal(nc_render_select(d, "", cols, 8, err, sizeof(err)),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_ipv6_rfc5952),
		cmocka_unit_test(test_addr_other),
		cmocka_unit_test(test_time_rfc3339),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_csv_sep_extra),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
