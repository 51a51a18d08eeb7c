/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rand_msg.h: random protobuf-c messages of any type, filled by walking
 * the descriptors (test_packers.c, test_unpack.c). Values are chosen to
 * hit the encoders' and decoders' edges: 0 (left out in proto3), negative
 * int32 and enum values (10-byte varints), every varint length, bool
 * values other than 1, doubles 0.0, -0.0, NaN, infinities and denormals,
 * NULL and empty strings, bytes of length 0 with and without a data
 * pointer, lengths past 127 (two-byte length varints), 0..5 repeated
 * sub-messages and NULL sub-messages, nested MAX_DEPTH deep. A fixed
 * seed: every run makes the same messages. Include after <cmocka.h>.
 */
#ifndef NC_TEST_RAND_MSG_H
#define NC_TEST_RAND_MSG_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rec.h"

#define MAX_DEPTH 3

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

static void fill(ProtobufCMessage *m, int depth, bool result);

static ProtobufCMessage *new_message(const ProtobufCMessageDescriptor *d,
				     int depth, bool result)
{
	ProtobufCMessage *m = malloc(d->sizeof_message);

	assert_non_null(m);
	d->message_init(m);
	fill(m, depth, result);
	return m;
}

/*
 * Random values for every field of m. Everything is malloc'ed, so
 * protobuf_c_message_free_unpacked(m, NULL) frees it. result: the Result
 * field (NC_LABEL_FIELD) of records too, else it is left at its default.
 */
static void fill(ProtobufCMessage *m, int depth, bool result)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		void *v = (uint8_t *)m + f->offset;

		/* Result is never packed by the generated packers: capture
		   --attacks appends it (app/worker.c, test/run-label.sh) */
		if (f->id == NC_LABEL_FIELD && !result)
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
							    depth + 1, result);
				arr = ma;
			} else if (n) {
				size_t es = nc_pb_type_size(f->type);
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
				? new_message(f->descriptor, depth + 1, result)
				: NULL;
			continue;
		}
		fill_value(f->type, v, false);
	}
}

#endif /* NC_TEST_RAND_MSG_H */
