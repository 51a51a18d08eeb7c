/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generated record packers (build/gen/netcap_pack.c, made by
 * scripts/gen-packers.py) against protobuf-c, the oracle: for every record
 * type of records/rec_types.def, random messages must pack to exactly the
 * bytes protobuf_c_message_pack writes, nc_pack_delimited must write
 * varint(length) + those bytes, and a buffer one byte short must be
 * refused without a byte written.
 *
 * Messages are filled by walking the protobuf-c descriptors, so a record
 * type or field added to the schema is covered without touching this file.
 * Values are chosen to hit the encoder's edges: 0 (left out in proto3),
 * negative int32 and enum values (10-byte varints), every varint length,
 * bool values other than 1, doubles 0.0, -0.0, NaN, infinities and
 * denormals, NULL and empty strings, bytes of length 0 with and without a
 * data pointer, lengths past 127 (two-byte length varints), 0..5 repeated
 * sub-messages and NULL sub-messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ncfile.h"
#include "netcap_pack.h"

#define PER_TYPE  2000
#define MAX_DEPTH 3
#define CANARY	  0xa5
#define SLACK	  32

/* xorshift64*, fixed seed: every run packs the same messages. */
static uint64_t rng_state = 0x6e6574636170ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A 64-bit value of random bit length: every varint length turns up. */
static uint64_t rnd_bits(void)
{
	unsigned bits = rnd_below(65);

	return bits == 64 ? rnd() : rnd() & ((1ull << bits) - 1);
}

static uint32_t rnd_u32(void)
{
	switch (rnd_below(6)) {
	case 0:
		return 0;
	case 1:
		return UINT32_MAX;
	case 2:
		return rnd_below(128);
	default:
		return (uint32_t)rnd_bits();
	}
}

static int32_t rnd_i32(void)
{
	switch (rnd_below(8)) {
	case 0:
		return 0;
	case 1:
		return INT32_MIN;
	case 2:
		return INT32_MAX;
	case 3:
		return -1 - (int32_t)rnd_below(300);
	default:
		return (int32_t)rnd_u32();
	}
}

static uint64_t rnd_u64(void)
{
	switch (rnd_below(6)) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX;
	case 2:
		return (uint64_t)INT64_MIN;
	default:
		return rnd_bits();
	}
}

static double rnd_double(void)
{
	static const double special[] = {0.0, -0.0, 1.0, -1.0, 7.99};
	uint64_t bits;
	double d;

	switch (rnd_below(10)) {
	case 0:
	case 1:
		return special[rnd_below(5)];
	case 2:
		return NAN;
	case 3:
		return rnd_below(2) ? INFINITY : -INFINITY;
	case 4:
		return 4.9e-324; /* smallest denormal */
	case 5:
		bits = rnd(); /* any bit pattern, signalling NaNs included */
		memcpy(&d, &bits, sizeof(d));
		return d;
	default:
		return (double)rnd_bits() / 1024.0 - 1e6;
	}
}

/* 0..300 bytes, mostly short; at least min. */
static size_t rnd_len(size_t min)
{
	size_t n = rnd_below(8) == 0 ? rnd_below(301) : rnd_below(20);

	return n < min ? min : n;
}

/* Size of one element of a repeated field of type t (not messages). */
static size_t elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

/*
 * A random value of scalar type t at v. in_repeated: a string is never
 * NULL (protobuf-c cannot pack a NULL element).
 */
static void fill_value(ProtobufCType t, void *v, bool in_repeated)
{
	switch (t) {
		case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		*(int32_t *)v = rnd_i32();
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*(uint32_t *)v = rnd_u32();
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*(uint64_t *)v = rnd_u64();
		break;
	case PROTOBUF_C_TYPE_BOOL: {
		static const protobuf_c_boolean b[] = {0, 1, 1, 2, -1};
		*(protobuf_c_boolean *)v = b[rnd_below(5)];
		break;
	}
	case PROTOBUF_C_TYPE_DOUBLE:
		*(double *)v = rnd_double();
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		*(float *)v = (float)rnd_double();
		break;
	case PROTOBUF_C_TYPE_STRING: {
		unsigned k = rnd_below(5);
		char *s = NULL;
		if (in_repeated && k == 0)
			k = 1;
		if (k > 0) { /* k == 1: "" */
			size_t n = k == 1 ? 0 : rnd_len(1);
			s = malloc(n + 1);
			assert_non_null(s);
			for (size_t j = 0; j < n; j++)
				s[j] = (char)(1 + rnd_below(255));
			s[n] = '\0';
		}
		*(char **)v = s;
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *b = v;
		unsigned k = rnd_below(5);
		b->len = k == 0 || k == 1 ? 0 : rnd_len(1);
		b->data = NULL;
		if (k != 0) { /* k == 1: length 0, data set */
			b->data = malloc(b->len + 1);
			assert_non_null(b->data);
			for (size_t j = 0; j < b->len; j++)
				b->data[j] = (uint8_t)rnd();
		}
		break;
	}
	default:
		fail_msg("field type %d not covered", (int)t);
	}
}

static void fill(ProtobufCMessage *m, int depth);

static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *d,
				     int depth)
{
	ProtobufCMessage *m = malloc(d->sizeof_message);

	assert_non_null(m);
	d->message_init(m);
	fill(m, depth);
	return m;
}

/*
 * Random values for every field of m. Everything is malloc'ed, so
 * protobuf_c_message_free_unpacked(m, NULL) frees it.
 */
static void fill(ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		void *v = (uint8_t *)m + f->offset;

		/* Result is never packed by the generated packers: capture
		   --attacks appends it (app/worker.c, test/run-label.sh) */
		if (f->id == NC_LABEL_FIELD)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = depth < MAX_DEPTH ? rnd_below(6) : 0;
			void *arr = NULL;
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				ProtobufCMessage **ma = NULL;
				if (n) {
					ma = calloc(n, sizeof(*ma));
					assert_non_null(ma);
				}
				for (size_t k = 0; k < n; k++)
					ma[k] = new_message(f->descriptor,
							    depth + 1);
				arr = ma;
			} else if (n) {
				size_t es = elem_size(f->type);
				arr = calloc(n, es);
				assert_non_null(arr);
				for (size_t k = 0; k < n; k++)
					fill_value(f->type,
						   (uint8_t *)arr + k * es,
						   true);
			}
			*(size_t *)((uint8_t *)m + f->quantifier_offset) = n;
			*(void **)v = arr;
			continue;
		}
		assert_int_equal(f->label, PROTOBUF_C_LABEL_NONE);
		if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			*(ProtobufCMessage **)v =
			    depth < MAX_DEPTH && rnd_below(2)
				? new_message(f->descriptor, depth + 1)
				: NULL;
			continue;
		}
		fill_value(f->type, v, false);
	}
}

static bool untouched(const uint8_t *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (b[i] != CANARY)
			return false;
	return true;
}

/* One message: packers against protobuf-c, and the cap boundary. */
static void check_one(enum nc_rec t, const ProtobufCMessage *m)
{
	size_t want = protobuf_c_message_get_packed_size(m);
	uint8_t *ref = malloc(want + 1);
	size_t cap = NC_VARINT_MAX + want + SLACK;
	uint8_t *buf = malloc(cap);
	uint8_t hdr[NC_VARINT_MAX];
	size_t hl = nc_varint_put(hdr, want);

	assert_non_null(ref);
	assert_non_null(buf);
	assert_int_equal(protobuf_c_message_pack(m, ref), want);
	assert_int_equal(nc_size_record(t, m), want);

	/* exact bytes, nothing past them */
	memset(buf, CANARY, cap);
	assert_int_equal(nc_pack_record(t, m, buf, want), want);
	assert_memory_equal(buf, ref, want);
	assert_true(untouched(buf, want, cap));

	/* one byte short: refused, nothing written */
	if (want > 0) {
		memset(buf, CANARY, cap);
		assert_int_equal(nc_pack_record(t, m, buf, want - 1), 0);
		assert_true(untouched(buf, 0, cap));
	}

	/* delimited: varint(length) + the same bytes */
	memset(buf, CANARY, cap);
	assert_int_equal(nc_pack_delimited(m, buf, hl + want), hl + want);
	assert_memory_equal(buf, hdr, hl);
	assert_memory_equal(buf + hl, ref, want);
	assert_true(untouched(buf, hl + want, cap));
	memset(buf, CANARY, cap);
	assert_int_equal(nc_pack_delimited(m, buf, hl + want - 1), 0);
	assert_true(untouched(buf, 0, cap));
	assert_int_equal(nc_pack_delimited(m, buf, 0), 0);

	/* delimited with room to spare: the one-pass path of the packers
	   (body first, then its length), the same bytes */
	size_t big = 12 * want + 65536;
	uint8_t *roomy = malloc(big);
	assert_non_null(roomy);
	memset(roomy, CANARY, big);
	assert_int_equal(nc_pack_record_delimited(t, m, roomy, big), hl + want);
	assert_memory_equal(roomy, hdr, hl);
	assert_memory_equal(roomy + hl, ref, want);
	assert_true(untouched(roomy, hl + want, big));
	free(roomy);

	free(ref);
	free(buf);
}

static void test_registry_known(void **state)
{
	(void)state;
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		Netcap__Header h = NETCAP__HEADER__INIT;
		ProtobufCMessage *m = malloc(nc_rec_desc(t)->sizeof_message);
		assert_non_null(m);
		nc_rec_desc(t)->message_init(m);
		assert_int_equal(nc_pack_rec_type(m), (int)t);
		free(m);
		assert_int_equal(nc_pack_rec_type(&h.base), -1);
	}
}

/* Every field at its default: an empty record, a one-byte delimited one. */
static void test_empty_records(void **state)
{
	(void)state;
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		ProtobufCMessage *m = malloc(nc_rec_desc(t)->sizeof_message);
		uint8_t b[4] = {CANARY, CANARY, CANARY, CANARY};
		assert_non_null(m);
		nc_rec_desc(t)->message_init(m);
		assert_int_equal(nc_size_record(t, m), 0);
		assert_int_equal(nc_pack_delimited(m, b, sizeof(b)), 1);
		assert_int_equal(b[0], 0);
		assert_int_equal(b[1], CANARY);
		free(m);
	}
}

/* A few hand-checked encodings (protobuf encoding guide rules). */
static void test_known_bytes(void **state)
{
	(void)state;
	Netcap__UDP u = NETCAP__UDP__INIT;
	uint8_t b[32];

	/* field 2 SrcPort = -1: tag 0x10, 10-byte varint */
	u.srcport = -1;
	/* field 6 PayloadEntropy = -0.0: equal to 0, left out */
	u.payloadentropy = -0.0;
	static const uint8_t want[] = {0x10, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff, 0x01};
	assert_int_equal(nc_pack_UDP(&u, b, sizeof(b)), sizeof(want));
	assert_memory_equal(b, want, sizeof(want));

	/* field 2 Options, one option: tag 0x12, length 4, {08 02 12 00}
	 * is not written for empty Data, so {08 02} with length 2 */
	Netcap__ICMPv6RouterSolicitation rs =
	    NETCAP__ICMPV6_ROUTER_SOLICITATION__INIT;
	Netcap__ICMPv6Option o = NETCAP__ICMPV6_OPTION__INIT;
	Netcap__ICMPv6Option *op[1] = {&o};
	o.type = 2;
	rs.n_options = 1;
	rs.options = op;
	static const uint8_t want2[] = {0x12, 0x02, 0x08, 0x02};
	assert_int_equal(nc_pack_ICMPv6RouterSolicitation(&rs, b, sizeof(b)),
			 sizeof(want2));
	assert_memory_equal(b, want2, sizeof(want2));
}

static void test_random_records(void **state)
{
	(void)state;
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		for (int i = 0; i < PER_TYPE; i++) {
			ProtobufCMessage *m = new_message(nc_rec_desc(t), 0);
			check_one((enum nc_rec)t, m);
			protobuf_c_message_free_unpacked(m, NULL);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry_known),
	    cmocka_unit_test(test_empty_records),
	    cmocka_unit_test(test_known_bytes),
	    cmocka_unit_test(test_random_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
