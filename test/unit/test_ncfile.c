/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of record files (records/ncfile.c): varints, write + read back,
 * truncation at every byte, corruption.
 *
 * With NC_SAMPLE_DIR set, the test leaves sample files there
 * (TCP.ncap.lz4, IPv4.ncap.lz4, UDP.ncap, Ethernet.ncap.lz4) for
 * test/run-records.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ncfile.h"

static char tmpdir[] = "/tmp/nc_test_ncfile.XXXXXX";

/* ---- varints --------------------------------------------------------------- */

static void test_varint_known(void **state)
{
	(void)state;
	uint8_t b[NC_VARINT_MAX];
	uint64_t v;

	/* Examples from the protobuf encoding guide. */
	assert_int_equal(nc_varint_put(b, 1), 1);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(nc_varint_put(b, 150), 2);
	assert_int_equal(b[0], 0x96);
	assert_int_equal(b[1], 0x01);
	assert_int_equal(nc_varint_put(b, 0), 1);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(nc_varint_put(b, UINT64_MAX), 10);
	assert_int_equal(b[9], 0x01);

	static const uint8_t v150[] = { 0x96, 0x01 };
	assert_int_equal(nc_varint_get(v150, v150 + 2, &v), 2);
	assert_int_equal(v, 150);
	/* ends inside the varint */
	assert_int_equal(nc_varint_get(v150, v150 + 1, &v), 0);
	assert_int_equal(nc_varint_get(v150, v150, &v), 0);
	/* 11 bytes with continuation bits: too long */
	static const uint8_t tl[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0xff, 0xff, 0xff, 0xff, 0x01 };
	assert_int_equal(nc_varint_get(tl, tl + sizeof(tl), &v), -1);
}

static void test_varint_roundtrip(void **state)
{
	(void)state;
	uint8_t b[NC_VARINT_MAX + 1];
	uint64_t v;

	for (int bit = 0; bit < 64; bit++) {
		uint64_t vals[3] = { (uint64_t)1 << bit,
				     ((uint64_t)1 << bit) - 1,
				     ((uint64_t)1 << bit) + 1 };
		for (int i = 0; i < 3; i++) {
			size_t n = nc_varint_put(b, vals[i]);
			assert_true(n >= 1 && n <= NC_VARINT_MAX);
			/* 7 payload bits per byte */
			uint64_t x = vals[i];
			size_t want = 1;
			while (x >= 0x80) {
				x >>= 7;
				want++;
			}
			assert_int_equal(n, want);
			assert_int_equal(nc_varint_get(b, b + n, &v), (int)n);
			assert_true(v == vals[i]);
			for (size_t k = 0; k < n; k++)
				assert_int_equal(nc_varint_get(b, b + k, &v), 0);
		}
	}
}

static void test_pack_delimited(void **state)
{
	(void)state;
	Netcap__UDP u = NETCAP__UDP__INIT;
	uint8_t buf[64];
	uint64_t len;

	u.srcport = 53;
	u.dstport = 40000;
	size_t plen = protobuf_c_message_get_packed_size(&u.base);
	size_t n = nc_pack_delimited(&u.base, buf, sizeof(buf));
	assert_int_equal(n, plen + 1);
	assert_int_equal(nc_varint_get(buf, buf + n, &len), 1);
	assert_int_equal(len, plen);
	/* does not fit: 0 and nothing written */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(nc_pack_delimited(&u.base, buf, plen), 0);
	assert_int_equal(buf[0], 0xaa);
}

/* ---- sample records ------------------------------------------------------- */

static uint8_t ip4a[4] = { 192, 0, 2, 1 }, ip4b[4] = { 198, 51, 100, 7 };
static uint8_t ip6a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static uint8_t ip6b[16] = { 0xfe, 0x80, [8] = 0x02, [15] = 0xfe };

/* A packed TCP record, varied by i; payload bytes when big. */
static size_t make_tcp(unsigned i, uint8_t *out, size_t cap, size_t payload)
{
	Netcap__TCP t = NETCAP__TCP__INIT;
	Netcap__TCPOption o1 = NETCAP__TCPOPTION__INIT;
	Netcap__TCPOption o2 = NETCAP__TCPOPTION__INIT;
	Netcap__TCPOption *opts[2] = { &o1, &o2 };
	static uint8_t mss[2] = { 0x05, 0xb4 };
	static uint8_t pl[300000];

	for (size_t k = 0; k < sizeof(pl); k++)
		pl[k] = (uint8_t)(k * 7 + (k >> 9));
	t.timestamp = 1259222733123456789LL + (int64_t)i * 1000;
	t.srcport = 1024 + (int32_t)i;
	t.dstport = 443;
	t.seqnum = 0xfffffff0u + i;
	t.acknum = i * 3;
	t.dataoffset = 6;
	t.syn = i % 2;
	t.ack = 1;
	t.window = 65535;
	o1.optiontype = 2;
	o1.optionlength = 4;
	o1.optiondata.data = mss;
	o1.optiondata.len = 2;
	o2.optiontype = 1;
	o2.optionlength = 1;
	t.n_options = i % 3 == 0 ? 0 : 2;
	t.options = opts;
	t.payloadentropy = 7.25 + i / 1000.0;
	t.payloadsize = (int32_t)payload;
	t.payload.data = pl;
	t.payload.len = payload;
	t.srcip.data = i % 2 ? ip6a : ip4a;
	t.srcip.len = i % 2 ? 16 : 4;
	t.dstip.data = i % 2 ? ip6b : ip4b;
	t.dstip.len = i % 2 ? 16 : 4;
	return nc_pack_delimited(&t.base, out, cap);
}

static size_t make_ipv4(unsigned i, uint8_t *out, size_t cap)
{
	Netcap__IPv4 p = NETCAP__IPV4__INIT;
	Netcap__IPv4Option o = NETCAP__IPV4_OPTION__INIT;
	Netcap__IPv4Option *opts[1] = { &o };
	static uint8_t ra[2] = { 0, 0 };

	p.timestamp = 1000000000LL * i;
	p.version = 4;
	p.ihl = 6;
	p.length = 40 + (int32_t)i;
	p.ttl = 64;
	p.protocol = 6;
	p.srcip.data = ip4a;
	p.srcip.len = 4;
	p.dstip.data = ip4b;
	p.dstip.len = 4;
	o.optiontype = 148; /* router alert */
	o.optionlength = 4;
	o.optiondata.data = ra;
	o.optiondata.len = 2;
	p.n_options = 1;
	p.options = opts;
	return nc_pack_delimited(&p.base, out, cap);
}

/* ---- file helpers --------------------------------------------------------- */

struct sample {
	char path[256];
	enum nc_rec type;
	unsigned n;          /* records */
	uint8_t *recs[64];   /* each delimited record as written */
	size_t lens[64];
	uint64_t end_at[64]; /* nc_writer_bytes after the append of record k */
	size_t size;         /* file size */
};

/* Write n TCP records, one append each; record 5 has big payload bytes. */
static void write_tcp_big(struct sample *s, const char *name, unsigned n,
			  bool compress, size_t big)
{
	struct nc_writer_opts o = { .type = NC_REC_TCP,
				    .input_source = "test.pcap",
				    .created = 1259222733000000000LL,
				    .payloads = true,
				    .compress = compress };
	struct stat st;

	snprintf(s->path, sizeof(s->path), "%s/%s", tmpdir, name);
	s->type = NC_REC_TCP;
	s->n = n;
	struct nc_writer *w = nc_writer_open(s->path, &o);
	assert_non_null(w);
	for (unsigned i = 0; i < n; i++) {
		size_t cap = 256 + 200000;
		s->recs[i] = malloc(cap);
		s->lens[i] = make_tcp(i, s->recs[i], cap, i == 5 ? big : i);
		assert_true(s->lens[i] > 0);
		assert_int_equal(nc_writer_append(w, s->recs[i], s->lens[i]), 0);
		s->end_at[i] = nc_writer_bytes(w);
	}
	assert_int_equal(nc_writer_close(w), 0);
	assert_int_equal(stat(s->path, &st), 0);
	s->size = (size_t)st.st_size;
}

/* The same with a 200 KB record 5 (four LZ4 blocks). */
static void write_tcp(struct sample *s, const char *name, unsigned n,
		      bool compress)
{
	write_tcp_big(s, name, n, compress, 200000);
}

static void free_sample(struct sample *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->recs[i]);
}

/* Is m the same record as delimited bytes d? (compare re-packed bytes) */
static void assert_same(const ProtobufCMessage *m, const uint8_t *d,
			size_t dlen)
{
	uint64_t len;
	int k = nc_varint_get(d, d + dlen, &len);
	assert_true(k > 0);
	size_t n = protobuf_c_message_get_packed_size(m);
	assert_int_equal(n, len);
	uint8_t *b = malloc(n + 1);
	protobuf_c_message_pack(m, b);
	assert_memory_equal(b, d + k, n);
	free(b);
}

/*
 * Read path fully. Returns the final nc_reader_next code (0 or -1), or -2
 * when open failed; *got counts the records returned, each checked against
 * s. err gets the error text.
 */
/* records nc_reader_peek gave (read_all) */
static unsigned long peeked;

static int read_all(const char *path, const struct sample *s, unsigned *got,
		    char *err, size_t errlen)
{
	struct nc_reader *r = nc_reader_open(path, err, errlen);
	ProtobufCMessage *m;
	int rc;

	*got = 0;
	if (!r)
		return -2;
	const Netcap__Header *h = nc_reader_header(r);
	assert_non_null(h);
	assert_int_equal(nc_reader_type(r), s->type);
	while ((rc = nc_reader_next(r, &m)) == 1) {
		assert_true(*got < s->n);
		assert_same(m, s->recs[*got], s->lens[*got]);
		protobuf_c_message_free_unpacked(m, NULL);
		(*got)++;
		/* a peek, when it gives bytes, gives the next record's */
		const uint8_t *p;
		size_t n = nc_reader_peek(r, &p);
		if (n) {
			peeked++;
			uint64_t len;
			assert_true(*got < s->n);
			int k = nc_varint_get(s->recs[*got],
					      s->recs[*got] + s->lens[*got],
					      &len);
			assert_true(k > 0);
			assert_int_equal(n, len);
			assert_memory_equal(p, s->recs[*got] + k, n);
		}
	}
	assert_null(m);
	snprintf(err, errlen, "%s", nc_reader_error(r));
	/* an error or end is sticky */
	assert_int_equal(nc_reader_next(r, &m), rc);
	nc_reader_close(r);
	return rc;
}

static void copy_prefix(const char *from, const char *to, size_t n)
{
	FILE *f = fopen(from, "rb");
	assert_non_null(f);
	uint8_t *b = malloc(n + 1);
	assert_int_equal(fread(b, 1, n, f), n);
	fclose(f);
	f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
	free(b);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*n + 1);
	assert_int_equal(fread(b, 1, *n, f), *n);
	fclose(f);
	return b;
}

static void spit(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

/* ---- round trips ---------------------------------------------------------- */

static void test_roundtrip(bool compress)
{
	struct sample s;
	char err[256];
	unsigned got;

	write_tcp(&s, compress ? "rt.ncap.lz4" : "rt.ncap", 12, compress);
	if (compress) {
		/* a standard LZ4 frame: magic 04 22 4d 18 at offset 0 */
		size_t n;
		uint8_t *b = slurp(s.path, &n);
		static const uint8_t magic[] = { 0x04, 0x22, 0x4d, 0x18 };
		assert_memory_equal(b, magic, 4);
		/* FLG: version 01, block independence, block checksum */
		assert_int_equal(b[4], 0x40 | 0x20 | 0x10);
		/* BD: 64 KB max block size (code 4) */
		assert_int_equal(b[5], 4 << 4);
		free(b);
	}
	peeked = 0;
	assert_int_equal(read_all(s.path, &s, &got, err, sizeof(err)), 0);
	assert_int_equal(got, 12);
	/* the raw file is read in chunks: next records are at hand (this
	   LZ4 sample has a block per record, decompressed one at a time) */
	assert_true(compress || peeked > 0);

	struct nc_reader *r = nc_reader_open(s.path, err, sizeof(err));
	assert_non_null(r);
	const Netcap__Header *h = nc_reader_header(r);
	assert_int_equal(h->type, NETCAP__TYPE__NC_TCP);
	assert_string_equal(h->inputsource, "test.pcap");
	assert_true(strlen(h->version) > 0); /* NC_VERSION of the library */
	assert_true(h->created == 1259222733000000000LL);
	assert_true(h->containspayloads);
	ProtobufCMessage *m;
	assert_int_equal(nc_reader_next(r, &m), 1);
	Netcap__TCP *t = (Netcap__TCP *)m;
	assert_int_equal(t->srcport, 1024);
	assert_int_equal(t->n_options, 0);
	protobuf_c_message_free_unpacked(m, NULL);
	assert_int_equal(nc_reader_next(r, &m), 1);
	t = (Netcap__TCP *)m;
	assert_int_equal(t->n_options, 2);
	assert_int_equal(t->options[0]->optiondata.len, 2);
	assert_int_equal(t->srcip.len, 16);
	protobuf_c_message_free_unpacked(m, NULL);
	nc_reader_close(r);

	if (getenv("NC_SAMPLE_DIR") && compress) {
		char p[512];
		snprintf(p, sizeof(p), "%s/TCP.ncap.lz4", getenv("NC_SAMPLE_DIR"));
		size_t n;
		uint8_t *b = slurp(s.path, &n);
		spit(p, b, n);
		free(b);
	}
	free_sample(&s);
}

static void test_roundtrip_lz4(void **state)
{
	(void)state;
	test_roundtrip(true);
}

static void test_roundtrip_raw(void **state)
{
	(void)state;
	test_roundtrip(false);
}

/* Many records in one append, several types, empty file of records. */
static void test_batches_and_types(void **state)
{
	(void)state;
	char path[256], err[256];
	const char *dir = getenv("NC_SAMPLE_DIR");
	struct {
		enum nc_rec type;
		const char *name;
		bool compress;
	} files[] = {
		{ NC_REC_IPV4, "IPv4.ncap.lz4", true },
		{ NC_REC_UDP, "UDP.ncap", false },
		{ NC_REC_ETHERNET, "Ethernet.ncap.lz4", true },
	};
	for (size_t fi = 0; fi < sizeof(files) / sizeof(files[0]); fi++) {
		snprintf(path, sizeof(path), "%s/%s", dir ? dir : tmpdir,
			 files[fi].name);
		struct nc_writer_opts o = { .type = files[fi].type,
					    .input_source = "in,put\"x",
					    .created = -1,
					    .compress = files[fi].compress };
		struct nc_writer *w = nc_writer_open(path, &o);
		assert_non_null(w);
		uint8_t *batch = malloc(1 << 20);
		size_t len = 0;
		unsigned n = 0;
		for (unsigned i = 0; i < 3000; i++) {
			if (files[fi].type == NC_REC_IPV4) {
				len += make_ipv4(i, batch + len, 1024);
			} else if (files[fi].type == NC_REC_UDP) {
				Netcap__UDP u = NETCAP__UDP__INIT;
				static uint8_t pl[] = "a,b\"c\nd\te";
				u.timestamp = -1500000000LL + i; /* before 1970 */
				u.srcport = 53;
				u.dstport = (int32_t)i;
				u.payload.data = pl;
				u.payload.len = sizeof(pl) - 1;
				u.srcip.data = ip6b;
				u.srcip.len = 16;
				u.dstip.data = ip4a;
				u.dstip.len = i % 5 ? 4 : 0;
				len += nc_pack_delimited(&u.base, batch + len, 1024);
			} else {
				Netcap__Ethernet e = NETCAP__ETHERNET__INIT;
				static uint8_t mac[6] = { 0, 0x11, 0x22, 0xaa, 0xbb, 0xcc };
				e.timestamp = i;
				e.srcmac.data = mac;
				e.srcmac.len = 6;
				e.dstmac.data = mac;
				e.dstmac.len = i % 7 ? 6 : 3; /* odd length: hex */
				e.ethernettype = 0x0800;
				e.payloadentropy = i / 7.0;
				len += nc_pack_delimited(&e.base, batch + len, 1024);
			}
			n++;
			if (i % 1000 == 999) {
				assert_int_equal(nc_writer_append(w, batch, len), 0);
				len = 0;
			}
		}
		assert_int_equal(nc_writer_close(w), 0);
		free(batch);

		struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
		assert_non_null(r);
		assert_int_equal(nc_reader_type(r), files[fi].type);
		ProtobufCMessage *m;
		unsigned got = 0;
		int rc;
		while ((rc = nc_reader_next(r, &m)) == 1) {
			assert_ptr_equal(m->descriptor,
					 nc_rec_desc(files[fi].type));
			protobuf_c_message_free_unpacked(m, NULL);
			got++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(got, n);
		nc_reader_close(r);
	}

	/* A file with the Header only: no records, clean end. */
	snprintf(path, sizeof(path), "%s/empty.ncap.lz4", tmpdir);
	struct nc_writer_opts o = { .type = NC_REC_ARP, .compress = true };
	struct nc_writer *w = nc_writer_open(path, &o);
	assert_non_null(w);
	assert_int_equal(nc_writer_close(w), 0);
	struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	ProtobufCMessage *m;
	assert_int_equal(nc_reader_next(r, &m), 0);
	nc_reader_close(r);
}

/* "-" reads standard input. */
static void test_stdin(void **state)
{
	(void)state;
	struct sample s;
	char err[256];
	unsigned got;

	write_tcp(&s, "stdin.ncap.lz4", 7, true);
	int saved = dup(STDIN_FILENO);
	int fd = open(s.path, O_RDONLY);
	assert_true(fd >= 0);
	dup2(fd, STDIN_FILENO);
	close(fd);
	assert_int_equal(read_all("-", &s, &got, err, sizeof(err)), 0);
	assert_int_equal(got, 7);
	dup2(saved, STDIN_FILENO);
	close(saved);
	free_sample(&s);
}

/* ---- truncation ----------------------------------------------------------- */

static void truncate_all(bool compress)
{
	struct sample s;
	char cut[300], err[256];
	unsigned got;

	/* record 5 spans two blocks; cuts inside it step by 61 bytes */
	write_tcp_big(&s, compress ? "tr.ncap.lz4" : "tr.ncap", 8, compress,
		      70000);
	snprintf(cut, sizeof(cut), "%s/cut", tmpdir);
	/* header end: bytes before the first record's append */
	uint64_t hdr_end = s.end_at[0] - (compress ? 0 : s.lens[0]);
	for (size_t p = 0; p <= s.size;
	     p += p > s.end_at[4] + 64 && p + 64 < s.end_at[5] ? 61 : 1) {
		copy_prefix(s.path, cut, p);
		int rc = read_all(cut, &s, &got, err, sizeof(err));
		if (p == s.size) {
			assert_int_equal(rc, 0);
			assert_int_equal(got, s.n);
			continue;
		}
		if (rc == -2) {
			/* only a cut inside the header may fail the open */
			assert_true(compress || p < hdr_end);
			assert_true(p <= s.end_at[0]);
			continue;
		}
		/*
		 * A plain stream has no end mark: a cut at a record boundary
		 * reads as a clean end. LZ4 frames end with a mark.
		 */
		bool boundary = p == hdr_end;
		for (unsigned k = 0; k < s.n; k++)
			boundary |= p == s.end_at[k];
		if (rc == 0 && !compress && boundary)
			continue;
		assert_int_equal(rc, -1);
		assert_true(strlen(err) > 0);
		assert_non_null(strstr(err, "offset"));
		/* every record whose append reached the disk came back */
		unsigned whole = 0;
		while (whole < s.n && s.end_at[whole] <= p)
			whole++;
		if (compress)
			assert_true(got >= whole);
		else
			assert_int_equal(got, whole);
	}
	free_sample(&s);
}

static void test_truncate_lz4(void **state)
{
	(void)state;
	truncate_all(true);
}

static void test_truncate_raw(void **state)
{
	(void)state;
	truncate_all(false);
}

/* The error names the stream offset and record number. */
static void test_truncate_message(void **state)
{
	(void)state;
	struct sample s;
	char cut[300], err[256], want[128];
	unsigned got;

	write_tcp(&s, "msg.ncap", 3, false);
	snprintf(cut, sizeof(cut), "%s/cut", tmpdir);
	/* cut 2 bytes into record 3 */
	size_t at = (size_t)s.end_at[1];
	copy_prefix(s.path, cut, at + 2);
	assert_int_equal(read_all(cut, &s, &got, err, sizeof(err)), -1);
	assert_int_equal(got, 2);
	snprintf(want, sizeof(want), "truncated record at stream offset %zu "
		 "(record 3)", at);
	assert_non_null(strstr(err, want));
	/* cut exactly after record 2 of the LZ4 file: the end mark is missing */
	free_sample(&s);
	write_tcp(&s, "msg.ncap.lz4", 3, true);
	copy_prefix(s.path, cut, (size_t)s.end_at[1]);
	assert_int_equal(read_all(cut, &s, &got, err, sizeof(err)), -1);
	assert_int_equal(got, 2);
	assert_non_null(strstr(err, "end mark missing at file offset"));
	free_sample(&s);
}

/* ---- corruption ----------------------------------------------------------- */

static void test_corrupt_lz4(void **state)
{
	(void)state;
	struct sample s;
	char err[256];
	unsigned got;
	size_t n;

	write_tcp(&s, "co.ncap.lz4", 8, true);
	uint8_t *orig = slurp(s.path, &n);
	uint8_t *b = malloc(n);
	char bad[300];
	snprintf(bad, sizeof(bad), "%s/bad.ncap.lz4", tmpdir);

	/* a flipped bit inside record 3's block: its checksum fails */
	memcpy(b, orig, n);
	size_t at = (size_t)(s.end_at[1] + s.end_at[2]) / 2;
	b[at] ^= 0x10;
	spit(bad, b, n);
	assert_int_equal(read_all(bad, &s, &got, err, sizeof(err)), -1);
	assert_int_equal(got, 2);
	assert_non_null(strstr(err, "LZ4"));
	assert_non_null(strstr(err, "file offset"));

	/* trailing garbage after the frame */
	uint8_t *g = malloc(n + 5);
	memcpy(g, orig, n);
	memcpy(g + n, "junk!", 5);
	spit(bad, g, n + 5);
	assert_int_equal(read_all(bad, &s, &got, err, sizeof(err)), -1);
	assert_int_equal(got, 8);
	free(g);

	/* every single-byte change: no crash, records returned are intact */
	for (size_t i = 0; i < n; i += 3) {
		memcpy(b, orig, n);
		b[i] ^= 0xa5;
		spit(bad, b, n);
		struct nc_reader *r = nc_reader_open(bad, err, sizeof(err));
		if (!r)
			continue;
		ProtobufCMessage *m;
		while (nc_reader_next(r, &m) == 1)
			protobuf_c_message_free_unpacked(m, NULL);
		nc_reader_close(r);
	}
	free(b);
	free(orig);
	free_sample(&s);
}

static void test_corrupt_raw(void **state)
{
	(void)state;
	char path[300], err[256];
	uint8_t b[256];
	size_t n;
	struct nc_reader *r;
	ProtobufCMessage *m;

	snprintf(path, sizeof(path), "%s/hdr.ncap", tmpdir);
	struct nc_writer_opts o = { .type = NC_REC_UDP, .compress = false };
	struct nc_writer *w = nc_writer_open(path, &o);
	assert_non_null(w);
	assert_int_equal(nc_writer_close(w), 0);
	uint8_t *hdr = slurp(path, &n);
	assert_true(n + 20 < sizeof(b));

	/* an 11-byte length varint */
	memcpy(b, hdr, n);
	memset(b + n, 0xff, 11);
	spit(path, b, n + 11);
	r = nc_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(nc_reader_next(r, &m), -1);
	assert_non_null(strstr(nc_reader_error(r), "bad record length varint"));
	nc_reader_close(r);

	/* a length of 100 MiB */
	memcpy(b, hdr, n);
	size_t k = nc_varint_put(b + n, 100u << 20);
	spit(path, b, n + k);
	r = nc_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(nc_reader_next(r, &m), -1);
	assert_non_null(strstr(nc_reader_error(r), "record too large"));
	nc_reader_close(r);

	/* a record that is not protobuf: field 1 with wire type 7 */
	memcpy(b, hdr, n);
	b[n] = 2;
	b[n + 1] = 0x0f;
	b[n + 2] = 0x00;
	spit(path, b, n + 3);
	r = nc_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(nc_reader_next(r, &m), -1);
	assert_non_null(strstr(nc_reader_error(r), "does not parse"));
	nc_reader_close(r);

	/* unknown record type in the header */
	Netcap__Header h = NETCAP__HEADER__INIT;
	h.type = 199;
	n = nc_pack_delimited(&h.base, b, sizeof(b));
	spit(path, b, n);
	r = nc_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(nc_reader_type(r), -1);
	assert_int_equal(nc_reader_next(r, &m), -1);
	nc_reader_close(r);

	/* empty file */
	spit(path, b, 0);
	assert_null(nc_reader_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "empty"));
	free(hdr);
}

/* ---- writer errors ------------------------------------------------------- */

static void test_writer_enospc(void **state)
{
	(void)state;
	struct nc_writer_opts o = { .type = NC_REC_TCP, .compress = true };

	errno = 0;
	assert_null(nc_writer_open("/dev/full", &o));
	assert_int_equal(errno, ENOSPC);
	o.compress = false;
	errno = 0;
	assert_null(nc_writer_open("/dev/full", &o));
	assert_int_equal(errno, ENOSPC);
	errno = 0;
	assert_null(nc_writer_open("/nonexistent-dir/x.ncap", &o));
	assert_int_equal(errno, ENOENT);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint_known),
		cmocka_unit_test(test_varint_roundtrip),
		cmocka_unit_test(test_pack_delimited),
		cmocka_unit_test(test_roundtrip_lz4),
		cmocka_unit_test(test_roundtrip_raw),
		cmocka_unit_test(test_batches_and_types),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_truncate_lz4),
		cmocka_unit_test(test_truncate_raw),
		cmocka_unit_test(test_truncate_message),
		cmocka_unit_test(test_corrupt_lz4),
		cmocka_unit_test(test_corrupt_raw),
		cmocka_unit_test(test_writer_enospc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
