/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generated record unpackers (nc_unpack_record, build/gen/netcap_pack.c
 * from scripts/gen-packers.py) against protobuf_c_message_unpack, the
 * oracle (the comparison is test/fuzz/unpack_check.h, shared with
 * fuzz_unpack): for every record type, random messages (rand_msg.h, Result
 * set too) packed by protobuf-c, and variants of those octets:
 *
 *   plain      as packed: the unpacker must take every one
 *   reorder    fields shuffled at every level            must take
 *   unpack     packed repeated numbers split into single values and
 *              shorter packed runs, in order              must take
 *   noncanon   varints and lengths padded with 0x80 octets (as long as
 *              protobuf-c reads them), keys of fields below 16 in two
 *              octets                                     must take
 *   dup        a singular scalar, string or bytes field twice, the first
 *              with another value                         must take
 *   dupsub     a singular sub-message twice (protobuf-c merges them)
 *                                                         must decline
 *   result     packed without Result by the generated packer, Result
 *              appended as capture --attacks does         must take
 *   unknown    an unknown field inserted (protobuf-c keeps it)
 *                                                         must decline
 *   concat     two messages one after the other (a merge)
 *   trunc      cut anywhere
 *   flip       1 to 3 octets changed
 *
 * For each the contract of unpack_check.h holds: an accepted input unpacks
 * as protobuf-c unpacks it. The last three only count how often the
 * unpacker took the input.
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
#include "netcap_pack.h"
#include "rand_msg.h"
#include "unpack_types_pack.h"
#include "../fuzz/unpack_check.h"

#define PER_TYPE 500

/* ---- octets out ---------------------------------------------------------- */

struct wb {
	uint8_t *p;
	size_t len, cap;
};

static void wb_put(struct wb *w, const void *d, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		while (cap < w->len + n)
			cap *= 2;
		w->p = realloc(w->p, cap);
		assert_non_null(w->p);
		w->cap = cap;
	}
	if (n)
		memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void wb_byte(struct wb *w, uint8_t b)
{
	wb_put(w, &b, 1);
}

/* v as a varint of at least min octets (padded with 0x80 groups). */
static void wb_varint_pad(struct wb *w, uint64_t v, unsigned min)
{
	unsigned n = 0;

	while (v >= 0x80 || n + 1 < min) {
		wb_byte(w, (uint8_t)(v | 0x80));
		v >>= 7;
		n++;
	}
	wb_byte(w, (uint8_t)v);
}

static void wb_varint(struct wb *w, uint64_t v)
{
	wb_varint_pad(w, v, 1);
}

static unsigned varint_len(uint64_t v)
{
	unsigned n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* ---- octets in: the top-level fields of a well-formed message ------------ */

struct ent {
	uint32_t num;
	unsigned wire;
	const uint8_t *val; /* the value; for wire type 2 after the length */
	size_t vlen;
};

static size_t get_varint(const uint8_t *p, size_t len, uint64_t *v)
{
	int k = nc_varint_get(p, p + len, v);

	assert_true(k > 0);
	return (size_t)k;
}

static size_t parse_ents(const uint8_t *p, size_t len, struct ent **out)
{
	struct ent *e = NULL;
	size_t n = 0, i = 0;

	while (i < len) {
		uint64_t key, l;
		i += get_varint(p + i, len - i, &key);
		e = realloc(e, (n + 1) * sizeof(*e));
		assert_non_null(e);
		e[n].num = (uint32_t)(key >> 3);
		e[n].wire = (unsigned)(key & 7);
		switch (e[n].wire) {
		case 0:
			e[n].val = p + i;
			e[n].vlen = get_varint(p + i, len - i, &l);
			break;
		case 1:
			e[n].val = p + i;
			e[n].vlen = 8;
			break;
		case 2:
			i += get_varint(p + i, len - i, &l);
			e[n].val = p + i;
			e[n].vlen = (size_t)l;
			break;
		case 5:
			e[n].val = p + i;
			e[n].vlen = 4;
			break;
		default:
			fail_msg("wire type %u", e[n].wire);
		}
		i += e[n].vlen;
		assert_true(i <= len);
		n++;
	}
	*out = e;
	return n;
}

/* ---- variants ------------------------------------------------------------ */

enum {
	V_REORDER = 1,
	V_UNPACK = 2,
	V_NONCANON = 4,
	V_DUP = 8,
	V_DUPSUB = 16,
};

struct xf {
	unsigned mode;
	bool dupsub_done; /* a singular sub-message was doubled */
};

static bool packable(ProtobufCType t)
{
	return t != PROTOBUF_C_TYPE_STRING && t != PROTOBUF_C_TYPE_BYTES &&
	       t != PROTOBUF_C_TYPE_MESSAGE;
}

/* Native wire type of a packable type, and its width (0: a varint). */
static unsigned native_wire(ProtobufCType t, size_t *width)
{
	switch (t) {
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		*width = 4;
		return 5;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		*width = 8;
		return 1;
	default:
		*width = 0;
		return 0;
	}
}

static void put_key(struct wb *w, const struct xf *x, uint32_t num,
		    unsigned wire)
{
	uint64_t key = (uint64_t)num << 3 | wire;

	if ((x->mode & V_NONCANON) && key < 0x80 && rnd_below(2))
		wb_varint_pad(w, key, 2);
	else
		wb_varint(w, key);
}

/* A varint value as in the input, or padded (never past 10 octets). */
static void put_varint_val(struct wb *w, const struct xf *x, uint64_t v)
{
	unsigned n = varint_len(v);

	if ((x->mode & V_NONCANON) && n < 10 && rnd_below(2))
		wb_varint_pad(w, v, n + 1 + rnd_below(10 - n));
	else
		wb_varint(w, v);
}

/* A length prefix, padded up to protobuf-c's 5 octets in noncanon. */
static void put_len(struct wb *w, const struct xf *x, size_t l)
{
	unsigned n = varint_len(l);

	if ((x->mode & V_NONCANON) && n < 5 && rnd_below(2))
		wb_varint_pad(w, l, n + 1 + rnd_below(5 - n));
	else
		wb_varint(w, l);
}

static void rewrite(const ProtobufCMessageDescriptor *d, const uint8_t *p,
		    size_t len, struct wb *out, struct xf *x);

/* A random value of wire type wire, for a doubled field. */
static void put_random_value(struct wb *w, const ProtobufCFieldDescriptor *f,
			     unsigned wire)
{
	uint8_t b[8];

	switch (wire) {
	case 0:
		wb_varint(w, f->type == PROTOBUF_C_TYPE_BOOL ? rnd_below(3)
							     : rnd_bits());
		break;
	case 1:
	case 5:
		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)rnd();
		wb_put(w, b, wire == 1 ? 8 : 4);
		break;
	default: {
		size_t l = rnd_below(12);
		wb_varint(w, l);
		for (size_t i = 0; i < l; i++)
			wb_byte(w, (uint8_t)(0x20 + rnd_below(95)));
	}
	}
}

/* One field (entry e of message d) into a chunk of its own. */
static void rewrite_ent(const ProtobufCMessageDescriptor *d,
			const struct ent *e, struct wb *c, struct xf *x)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(d, e->num);

	assert_non_null(f);
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		struct wb sub = {0};
		rewrite(f->descriptor, e->val, e->vlen, &sub, x);
		put_key(c, x, e->num, 2);
		put_len(c, x, sub.len);
		wb_put(c, sub.p, sub.len);
		free(sub.p);
		return;
	}
	if (f->label == PROTOBUF_C_LABEL_REPEATED && packable(f->type) &&
	    e->wire == 2 && (x->mode & (V_UNPACK | V_NONCANON))) {
		size_t width;
		unsigned nw = native_wire(f->type, &width);
		struct wb run = {0};
		size_t i = 0;
		while (i < e->vlen) {
			uint64_t v = 0;
			size_t k = width;
			if (!width)
				k = get_varint(e->val + i, e->vlen - i, &v);
			if ((x->mode & V_UNPACK) && rnd_below(2)) {
				if (run.len) { /* the run so far, packed */
					put_key(c, x, e->num, 2);
					put_len(c, x, run.len);
					wb_put(c, run.p, run.len);
					run.len = 0;
				}
				put_key(c, x, e->num, nw);
				if (width)
					wb_put(c, e->val + i, width);
				else
					put_varint_val(c, x, v);
			} else if (width) {
				wb_put(&run, e->val + i, width);
			} else {
				put_varint_val(&run, x, v);
			}
			i += k;
		}
		if (run.len) {
			put_key(c, x, e->num, 2);
			put_len(c, x, run.len);
			wb_put(c, run.p, run.len);
		}
		free(run.p);
		return;
	}
	put_key(c, x, e->num, e->wire);
	if (e->wire == 0) {
		uint64_t v;
		get_varint(e->val, e->vlen, &v);
		put_varint_val(c, x, v);
	} else if (e->wire == 2) {
		put_len(c, x, e->vlen);
		wb_put(c, e->val, e->vlen);
	} else {
		wb_put(c, e->val, e->vlen);
	}
}

/*
 * The fields of [p, p + len) (a message of type d) rewritten into out as
 * x->mode asks, at every level.
 */
static void rewrite(const ProtobufCMessageDescriptor *d, const uint8_t *p,
		    size_t len, struct wb *out, struct xf *x)
{
	struct ent *e;
	size_t n = parse_ents(p, len, &e);
	struct wb *c = calloc(n * 2 + 1, sizeof(*c));
	size_t nc = 0;

	assert_non_null(c);
	for (size_t i = 0; i < n; i++) {
		const ProtobufCFieldDescriptor *f =
		    protobuf_c_message_descriptor_get_field(d, e[i].num);
		bool singular = f->label != PROTOBUF_C_LABEL_REPEATED;
		bool sub = f->type == PROTOBUF_C_TYPE_MESSAGE;
		/* dup: another value first, so the real one wins */
		if ((x->mode & V_DUP) && singular && !sub &&
		    rnd_below(3) == 0) {
			put_key(&c[nc], x, e[i].num, e[i].wire);
			put_random_value(&c[nc], f, e[i].wire);
			nc++;
		}
		rewrite_ent(d, &e[i], &c[nc++], x);
		if ((x->mode & V_DUPSUB) && singular && sub &&
		    !x->dupsub_done) {
			rewrite_ent(d, &e[i], &c[nc++], x);
			x->dupsub_done = true;
		}
	}
	if (x->mode & V_REORDER) {
		for (size_t i = nc; i > 1; i--) {
			size_t j = rnd_below((unsigned)i);
			struct wb t = c[i - 1];
			c[i - 1] = c[j];
			c[j] = t;
		}
	}
	for (size_t i = 0; i < nc; i++) {
		wb_put(out, c[i].p, c[i].len);
		free(c[i].p);
	}
	free(c);
	free(e);
}

/* ---- the test ------------------------------------------------------------ */

enum {
	K_PLAIN,
	K_REORDER,
	K_UNPACK,
	K_NONCANON,
	K_DUP,
	K_DUPSUB,
	K_RESULT,
	K_UNKNOWN,
	K_CONCAT,
	K_TRUNC,
	K_FLIP,
	K_HAND, /* the hand-made cases below */
	K_MAX
};

static const char *const kname[K_MAX] = {
    "plain",  "reorder", "unpack", "noncanon", "dup",  "dupsub",
    "result", "unknown", "concat", "trunc",    "flip", "hand",
};

static unsigned long tried[K_MAX], taken[K_MAX];

/* What is unpacked: a record type, or UtAll of unpack_types.proto. */
struct target {
	const ProtobufCMessageDescriptor *desc;
	uc_unpack_fn fn;
	const void *ctx;
	int rec; /* enum nc_rec, or -1 */
};

static void report(void)
{
	for (int k = 0; k < K_MAX; k++)
		print_message("%-9s %8lu inputs, %8lu taken by the unpacker\n",
			      kname[k], tried[k], taken[k]);
	/* the undecided ones must be taken sometimes, or they test nothing */
	assert_true(taken[K_CONCAT] > 0 && taken[K_TRUNC] > 0 &&
		    taken[K_FLIP] > 0);
	assert_true(tried[K_DUPSUB] > 0);
}

static struct target rec_target(const enum nc_rec *t)
{
	return (struct target){nc_rec_desc(*t), uc_unpack_record, t, (int)*t};
}

/* must: 1 the unpacker must take it, -1 must decline, 0 either */
static void check_in(const struct target *g, int k, const uint8_t *p,
		     size_t len, int must)
{
	bool handled;
	const char *bad = uc_check_fn(g->desc, g->fn, g->ctx, p, len, &handled);
	const char *name = g->desc->name;

	if (bad)
		fail_msg("%s, %s variant, %zu octets: %s", name, kname[k], len,
			 bad);
	if (must > 0 && !handled)
		fail_msg("%s, %s variant, %zu octets: not taken", name,
			 kname[k], len);
	if (must < 0 && handled)
		fail_msg("%s, %s variant, %zu octets: taken", name, kname[k],
			 len);
	if (must < 0) { /* protobuf-c reads it */
		ProtobufCMessage *m =
		    protobuf_c_message_unpack(g->desc, NULL, len, p);
		assert_non_null(m);
		protobuf_c_message_free_unpacked(m, NULL);
	}
	tried[k]++;
	taken[k] += handled;
}

static void check(enum nc_rec t, int k, const uint8_t *p, size_t len, int must)
{
	struct target g = rec_target(&t);

	check_in(&g, k, p, len, must);
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *len)
{
	*len = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(*len + 1);
	assert_non_null(b);
	assert_int_equal(protobuf_c_message_pack(m, b), *len);
	return b;
}

static void variant(const struct target *g, int k, const uint8_t *p, size_t len,
		    unsigned mode)
{
	struct xf x = {.mode = mode};
	struct wb w = {0};

	rewrite(g->desc, p, len, &w, &x);
	if (mode & V_DUPSUB) {
		if (x.dupsub_done)
			check_in(g, k, w.p, w.len, -1);
	} else {
		check_in(g, k, w.p, w.len, 1);
	}
	free(w.p);
}

/* A field number no field of d has. */
static uint32_t unknown_number(const ProtobufCMessageDescriptor *d)
{
	for (;;) {
		uint32_t n = 1 + rnd_below(rnd_below(4) ? 40 : 3000);
		if (!protobuf_c_message_descriptor_get_field(d, n))
			return n;
	}
}

static void variants(const struct target *g, const ProtobufCMessage *m,
		     const ProtobufCMessage *m2)
{
	size_t len, len2;
	uint8_t *b = pack(m, &len);
	uint8_t *b2 = pack(m2, &len2);
	struct wb w = {0};

	check_in(g, K_PLAIN, b, len, 1);
	variant(g, K_REORDER, b, len, V_REORDER);
	variant(g, K_UNPACK, b, len, V_UNPACK);
	variant(g, K_NONCANON, b, len, V_NONCANON);
	variant(g, K_DUP, b, len, V_DUP);
	variant(g, K_DUPSUB, b, len, V_DUPSUB);

	/* result: the capture path's octets, Result appended */
	if (g->rec >= 0) {
		enum nc_rec t = (enum nc_rec)g->rec;
		size_t n = nc_size_record(t, m);
		uint8_t *r = malloc(n + 1);
		assert_non_null(r);
		assert_int_equal(nc_pack_record(t, m, r, n), n);
		wb_put(&w, r, n);
		free(r);
		for (unsigned i = 0, k = 1 + rnd_below(2); i < k; i++) {
			const char *label =
			    rnd_below(2) ? "normal" : "dos | scan";
			wb_varint(&w, (uint64_t)NC_LABEL_FIELD << 3 | 2);
			wb_varint(&w, strlen(label));
			wb_put(&w, label, strlen(label));
		}
		check_in(g, K_RESULT, w.p, w.len, 1);
	}

	/* unknown: a field number the type lacks, before field pos */
	struct ent *e;
	size_t ne = parse_ents(b, len, &e);
	size_t pos = rnd_below((unsigned)ne + 1), off = 0;
	w.len = 0;
	for (size_t i = 0; i <= ne; i++) {
		if (i == pos) {
			unsigned wire = (unsigned[]){0, 1, 2, 5}[rnd_below(4)];
			wb_varint(&w, (uint64_t)unknown_number(g->desc) << 3 |
					  wire);
			if (wire == 0)
				wb_varint(&w, rnd_bits());
			else if (wire == 2)
				wb_put(&w, "\003abc", 4);
			else
				wb_put(&w, "\001\002\003\004\005\006\007\010",
				       wire == 1 ? 8 : 4);
		}
		if (i == ne)
			break;
		size_t end = (size_t)(e[i].val - b) + e[i].vlen;
		wb_put(&w, b + off, end - off);
		off = end;
	}
	free(e);
	check_in(g, K_UNKNOWN, w.p, w.len, -1);

	/* concat: a merge of two messages */
	w.len = 0;
	wb_put(&w, b, len);
	wb_put(&w, b2, len2);
	check_in(g, K_CONCAT, w.p, w.len, 0);

	/* trunc: every cut of a short message, a few of a long one */
	for (size_t cut = 0; cut < len;
	     cut += len < 64 ? 1 : 1 + rnd_below((unsigned)len / 8))
		check_in(g, K_TRUNC, b, cut, 0);

	/* flip: 1 to 3 octets changed */
	if (len) {
		for (int i = 0; i < 4; i++) {
			w.len = 0;
			wb_put(&w, b, len);
			for (unsigned j = 0, k = 1 + rnd_below(3); j < k; j++)
				w.p[rnd_below((unsigned)len)] ^=
				    (uint8_t)(1 + rnd_below(255));
			check_in(g, K_FLIP, w.p, w.len, 0);
		}
	}
	free(w.p);
	free(b);
	free(b2);
}

static void test_random_records(void **state)
{
	(void)state;
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		enum nc_rec rt = (enum nc_rec)t;
		struct target g = rec_target(&rt);
		for (int i = 0; i < PER_TYPE; i++) {
			ProtobufCMessage *m = new_message(g.desc, 0, true);
			ProtobufCMessage *m2 = new_message(g.desc, 0, true);
			variants(&g, m, m2);
			protobuf_c_message_free_unpacked(m, NULL);
			protobuf_c_message_free_unpacked(m2, NULL);
		}
	}
	report();
}

/* ---- every type: unpack_types.proto ------------------------------------- */

static int ut_unpack(const void *ctx, const uint8_t *p, size_t len,
		     ProtobufCAllocator *al, ProtobufCMessage **out)
{
	Ut__UtAll *m;

	(void)ctx;
	if (!nc_unpack_UtAll(p, len, al, &m))
		return 0;
	*out = &m->base;
	return 1;
}

static const struct target ut_target = {&ut__ut_all__descriptor, ut_unpack,
					NULL, -1};

/*
 * sint, fixed, float and packed fixed-width fields are not in netcap.proto
 * yet: the generated packers and unpackers of a schema with every type,
 * against protobuf-c, the same way as the records.
 */
static void test_all_types(void **state)
{
	(void)state;
	memset(tried, 0, sizeof(tried));
	memset(taken, 0, sizeof(taken));
	for (int i = 0; i < 3 * PER_TYPE; i++) {
		ProtobufCMessage *m = new_message(ut_target.desc, 0, true);
		ProtobufCMessage *m2 = new_message(ut_target.desc, 0, true);
		/* the packers too: protobuf-c's octets exactly */
		size_t want = protobuf_c_message_get_packed_size(m);
		uint8_t *ref = malloc(want + 1), *got = malloc(want + 1);
		assert_non_null(ref);
		assert_non_null(got);
		assert_int_equal(protobuf_c_message_pack(m, ref), want);
		assert_int_equal(nc_size_UtAll((const Ut__UtAll *)m), want);
		assert_int_equal(nc_pack_UtAll((const Ut__UtAll *)m, got, want),
				 want);
		assert_memory_equal(got, ref, want);
		free(ref);
		free(got);
		variants(&ut_target, m, m2);
		protobuf_c_message_free_unpacked(m, NULL);
		protobuf_c_message_free_unpacked(m2, NULL);
	}
	report();

	/* S32 (5) = zigzag 3: -2; SX32 (11) = 0xfffffffe: -2; F (9) = 1.5;
	   RX32 (30) packed, 6 octets: refused (not a multiple of 4), as
	   RD (28) packed with 12 */
	static const uint8_t known[] = {0x28, 0x03, 0x5d, 0xfe, 0xff,
					0xff, 0xff, 0x4d, 0x00, 0x00,
					0xc0, 0x3f, 0xf8, 0x7f, 0x09};
	struct uc_arena a = {0};
	ProtobufCAllocator al = {uc_alloc, uc_free, &a};
	Ut__UtAll *u;
	check_in(&ut_target, K_HAND, known, sizeof(known), 1);
	assert_int_equal(nc_unpack_UtAll(known, sizeof(known), &al, &u), 1);
	assert_int_equal(u->s32, -2);
	assert_int_equal(u->sx32, -2);
	assert_true(u->f == 1.5f);
	assert_int_equal(u->far, 9); /* field 2047: a two-octet key */
	static const uint8_t odd32[] = {0xf2, 0x01, 0x06, 1, 2, 3, 4, 5, 6};
	static const uint8_t odd64[] = {0xe2, 0x01, 0x0c, 1, 2,	 3,  4, 5,
					6,    7,    8,	  9, 10, 11, 12};
	check_in(&ut_target, K_HAND, odd32, sizeof(odd32), 0);
	check_in(&ut_target, K_HAND, odd64, sizeof(odd64), 0);
	assert_int_equal(nc_unpack_UtAll(odd32, sizeof(odd32), &al, &u), 0);
	assert_int_equal(nc_unpack_UtAll(odd64, sizeof(odd64), &al, &u), 0);
	uc_arena_free(&a);
}

/* Hand-made octets with protobuf-c's known answers. */
static void expect_tcp(const uint8_t *p, size_t len, int must,
		       Netcap__TCP **out, struct uc_arena *a)
{
	ProtobufCAllocator al = {uc_alloc, uc_free, a};
	ProtobufCMessage *m = NULL;

	check(NC_REC_TCP, K_HAND, p, len, must);
	*out = NULL;
	if (nc_unpack_record(NC_REC_TCP, p, len, &al, &m))
		*out = (Netcap__TCP *)m;
}

static void test_known(void **state)
{
	struct uc_arena a = {0};
	Netcap__TCP *t;

	(void)state;
	/* empty: every field at protobuf-c's default, the same pointers */
	expect_tcp(NULL, 0, 1, &t, &a);
	assert_non_null(t);
	assert_ptr_equal(t->result, protobuf_c_empty_string);
	assert_null(t->srcip.data);
	assert_int_equal(t->n_options, 0);
	assert_null(t->options);

	/* FIN (7) as 0x80 x9 0x02: only bit 64 set, true for protobuf-c;
	   SYN (8) as 0x80 0x00: false; RST (9) = 2: true (stored as 1) */
	static const uint8_t bools[] = {0x38, 0x80, 0x80, 0x80, 0x80, 0x80,
					0x80, 0x80, 0x80, 0x80, 0x02, 0x40,
					0x80, 0x00, 0x48, 0x02};
	expect_tcp(bools, sizeof(bools), 1, &t, &a);
	assert_int_equal(t->fin, 1);
	assert_int_equal(t->syn, 0);
	assert_int_equal(t->rst, 1);

	/* SrcPort (2, int32) from a 10-octet varint: the low 32 bits;
	   SeqNum (4, uint32) = 2^32 + 5: 5 */
	static const uint8_t ints[] = {0x10, 0xfe, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff, 0x01, 0x20,
				       0x85, 0x80, 0x80, 0x80, 0x10};
	expect_tcp(ints, sizeof(ints), 1, &t, &a);
	assert_int_equal(t->srcport, -2);
	assert_int_equal(t->seqnum, 5);

	/* a varint of 11 octets: refused by both */
	static const uint8_t longv[] = {0x08, 0x80, 0x80, 0x80, 0x80, 0x80,
					0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
	expect_tcp(longv, sizeof(longv), 0, &t, &a);
	assert_null(t);
	assert_null(protobuf_c_message_unpack(&netcap__tcp__descriptor, NULL,
					      sizeof(longv), longv));

	/* present empty Result (1001) and SrcIP (24): a fresh "", NULL data */
	static const uint8_t empty[] = {0xca, 0x3e, 0x00, 0xc2, 0x01, 0x00};
	expect_tcp(empty, sizeof(empty), 1, &t, &a);
	assert_non_null(t->result);
	assert_true(t->result != protobuf_c_empty_string);
	assert_string_equal(t->result, "");
	assert_int_equal(t->srcip.len, 0);
	assert_null(t->srcip.data);

	/* Result twice: the last wins; Timestamp (1) twice: the last */
	static const uint8_t twice[] = {0xca, 0x3e, 0x01, 'a', 0x08, 0x05, 0xca,
					0x3e, 0x02, 'b',  'c', 0x08, 0x07};
	expect_tcp(twice, sizeof(twice), 1, &t, &a);
	assert_string_equal(t->result, "bc");
	assert_int_equal(t->timestamp, 7);

	/* Options (20) twice, two elements in order; Tunnel (1000) twice:
	   protobuf-c merges, so the unpacker declines */
	static const uint8_t opts[] = {0xa2, 0x01, 0x02, 0x08, 0x03,
				       0xa2, 0x01, 0x02, 0x08, 0x04};
	expect_tcp(opts, sizeof(opts), 1, &t, &a);
	assert_int_equal(t->n_options, 2);
	assert_int_equal(t->options[0]->optiontype, 3);
	assert_int_equal(t->options[1]->optiontype, 4);
	static const uint8_t tun[] = {0xc2, 0x3e, 0x00, 0xc2, 0x3e, 0x00};
	expect_tcp(tun, sizeof(tun), -1, &t, &a);

	/* a wire type other than the field's: Timestamp as 64-bit */
	static const uint8_t wire[] = {0x09, 1, 2, 3, 4, 5, 6, 7, 8};
	expect_tcp(wire, sizeof(wire), 0, &t, &a);
	assert_null(t);

	/* a length past the end; a length prefix of 6 octets */
	static const uint8_t past[] = {0xc2, 0x01, 0x05, 1, 2, 3, 4};
	expect_tcp(past, sizeof(past), 0, &t, &a);
	assert_null(t);
	static const uint8_t len6[] = {0xc2, 0x01, 0x84, 0x80, 0x80, 0x80,
				       0x80, 0x00, 1,	 2,    3,    4};
	expect_tcp(len6, sizeof(len6), 0, &t, &a);
	assert_null(t);
	assert_null(protobuf_c_message_unpack(&netcap__tcp__descriptor, NULL,
					      sizeof(len6), len6));
	uc_arena_free(&a);
}

/* Repeated numbers: packed, one by one, mixed; a cut packed run. */
static void test_repeated_numbers(void **state)
{
	(void)state;
	/* an int32 and a uint32 repeated field of some record type */
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		const ProtobufCMessageDescriptor *d = nc_rec_desc(t);
		for (unsigned i = 0; i < d->n_fields; i++) {
			const ProtobufCFieldDescriptor *f = &d->fields[i];
			if (f->label != PROTOBUF_C_LABEL_REPEATED ||
			    !packable(f->type))
				continue;
			struct wb w = {0};
			uint8_t k0 = 0;
			/* packed {1, 300, -1}, then 7 alone, then {} */
			wb_varint(&w, (uint64_t)f->id << 3 | 2);
			wb_varint(&w, 1 + 2 + 10);
			wb_varint(&w, 1);
			wb_varint(&w, 300);
			wb_varint(&w, UINT64_MAX);
			wb_varint(&w, (uint64_t)f->id << 3 | 0);
			wb_varint(&w, 7);
			wb_varint(&w, (uint64_t)f->id << 3 | 2);
			wb_put(&w, &k0, 1);
			check((enum nc_rec)t, K_HAND, w.p, w.len, 1);
			/* a packed run cut inside its last varint */
			w.len = 0;
			wb_varint(&w, (uint64_t)f->id << 3 | 2);
			wb_varint(&w, 2);
			wb_byte(&w, 0x01);
			wb_byte(&w, 0x81);
			check((enum nc_rec)t, K_HAND, w.p, w.len, 0);
			assert_null(
			    protobuf_c_message_unpack(d, NULL, w.len, w.p));
			free(w.p);
		}
	}
}

/* Diameter AVPs nested past the unpackers' depth: protobuf-c's. */
static void test_deep(void **state)
{
	(void)state;
	for (unsigned depth = 1; depth < 48; depth += 3) {
		struct wb w = {0};
		/* innermost AVP: AttributeCode (1) = 5 */
		wb_byte(&w, 0x08);
		wb_byte(&w, 0x05);
		for (unsigned i = 0; i < depth; i++) {
			struct wb o = {0};
			/* Grouped (13) of an AVP; AVPs (9) of Diameter last */
			wb_varint(&o,
				  i + 1 < depth ? (13 << 3 | 2) : (9 << 3 | 2));
			wb_varint(&o, w.len);
			wb_put(&o, w.p, w.len);
			free(w.p);
			w = o;
		}
		check(NC_REC_DIAMETER, K_HAND, w.p, w.len,
		      depth <= 32 ? 1 : -1);
		free(w.p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known),
	    cmocka_unit_test(test_repeated_numbers),
	    cmocka_unit_test(test_deep),
	    cmocka_unit_test(test_random_records),
	    cmocka_unit_test(test_all_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
