/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * unpack_check.h: the generated unpackers (nc_unpack_record, made by
 * scripts/gen-packers.py) against protobuf_c_message_unpack, the oracle,
 * on the same octets. Shared by test/unit/test_unpack.c and
 * test/fuzz/fuzz_unpack.c.
 *
 * The contract: when the unpacker answers 1, protobuf-c must unpack the
 * octets too, and the two messages must be equal field by field (scalars
 * bit for bit, NaN payloads and -0.0 included; bools as protobuf-c stores
 * them; strings by content and by whether they are protobuf-c's default
 * empty string or a present one; bytes by length, content and NULL data;
 * repeated fields element by element; no unknown fields) and pack to the
 * same octets. When it answers 0, protobuf-c decides and nothing is
 * compared.
 *
 * Both unpack into arenas of individually malloc'ed blocks, freed
 * together, as records/ncfile.c does for nc_reader_next_tmp; one block per
 * allocation, so that ASan sees any write past one.
 */
#ifndef NC_UNPACK_CHECK_H
#define NC_UNPACK_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netcap_pack.h"
#include "rec.h"

struct uc_block {
	struct uc_block *next;
	max_align_t data[];
};

struct uc_arena {
	struct uc_block *blocks;
};

static void *uc_alloc(void *arg, size_t n)
{
	struct uc_arena *a = arg;
	struct uc_block *b = malloc(sizeof(*b) + n);

	if (!b)
		return NULL;
	b->next = a->blocks;
	a->blocks = b;
	return b->data;
}

static void uc_free(void *arg, void *p)
{
	(void)arg;
	(void)p; /* everything goes in uc_arena_free */
}

static void uc_arena_free(struct uc_arena *a)
{
	while (a->blocks) {
		struct uc_block *b = a->blocks;
		a->blocks = b->next;
		free(b);
	}
}

static int uc_diff_msg(const ProtobufCMessage *a, const ProtobufCMessage *b,
		       char *why, size_t whylen);

/* One value of field f at va and vb; 0 when equal. */
static int uc_diff_value(const ProtobufCFieldDescriptor *f, const void *va,
			 const void *vb, char *why, size_t whylen)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *sa = *(const char *const *)va;
		const char *sb = *(const char *const *)vb;
		if (!sa || !sb) {
			if (sa != sb) {
				snprintf(why, whylen, "%s: NULL string",
					 f->name);
				return 1;
			}
			return 0;
		}
		if ((sa == protobuf_c_empty_string) !=
			(sb == protobuf_c_empty_string) ||
		    strcmp(sa, sb) != 0) {
			snprintf(why, whylen, "%s: strings differ", f->name);
			return 1;
		}
		return 0;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *ba = va, *bb = vb;
		if (ba->len != bb->len || !ba->data != !bb->data ||
		    (ba->len && ba->data && bb->data &&
		     memcmp(ba->data, bb->data, ba->len) != 0)) {
			snprintf(why, whylen, "%s: bytes differ", f->name);
			return 1;
		}
		return 0;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *ma =
		    *(const ProtobufCMessage *const *)va;
		const ProtobufCMessage *mb =
		    *(const ProtobufCMessage *const *)vb;
		if (!ma || !mb) {
			if (ma != mb) {
				snprintf(why, whylen,
					 "%s: sub-message only in one",
					 f->name);
				return 1;
			}
			return 0;
		}
		return uc_diff_msg(ma, mb, why, whylen);
	}
	default:
		/* the stored bits: NaN payloads, -0.0, bool values */
		if (memcmp(va, vb, nc_pb_type_size(f->type)) != 0) {
			snprintf(why, whylen, "%s: values differ", f->name);
			return 1;
		}
		return 0;
	}
}

/* Field by field; 0 when a and b are equal, else why names the field. */
static int uc_diff_msg(const ProtobufCMessage *a, const ProtobufCMessage *b,
		       char *why, size_t whylen)
{
	const ProtobufCMessageDescriptor *d = a->descriptor;

	if (b->descriptor != d) {
		snprintf(why, whylen, "descriptors differ");
		return 1;
	}
	if (a->n_unknown_fields || b->n_unknown_fields) {
		snprintf(why, whylen, "%s: unknown fields (%u, %u)", d->name,
			 a->n_unknown_fields, b->n_unknown_fields);
		return 1;
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const uint8_t *pa = (const uint8_t *)a + f->offset;
		const uint8_t *pb = (const uint8_t *)b + f->offset;

		if (f->label != PROTOBUF_C_LABEL_REPEATED) {
			if (uc_diff_value(f, pa, pb, why, whylen))
				return 1;
			continue;
		}
		size_t na = *(const size_t *)((const uint8_t *)a +
					      f->quantifier_offset);
		size_t nb = *(const size_t *)((const uint8_t *)b +
					      f->quantifier_offset);
		if (na != nb) {
			snprintf(why, whylen, "%s.%s: %zu vs %zu elements",
				 d->name, f->name, na, nb);
			return 1;
		}
		const uint8_t *ea = *(const uint8_t *const *)pa;
		const uint8_t *eb = *(const uint8_t *const *)pb;
		size_t es = nc_pb_type_size(f->type);
		for (size_t k = 0; k < na; k++)
			if (uc_diff_value(f, ea + k * es, eb + k * es, why,
					  whylen))
				return 1;
	}
	return 0;
}

/* 0 when a and b pack to the same octets. */
static int uc_diff_packed(const ProtobufCMessage *a, const ProtobufCMessage *b)
{
	size_t la = protobuf_c_message_get_packed_size(a);
	size_t lb = protobuf_c_message_get_packed_size(b);
	int rc = 1;

	if (la != lb)
		return 1;
	uint8_t *ba = malloc(la ? la : 1);
	uint8_t *bb = malloc(lb ? lb : 1);
	if (ba && bb && protobuf_c_message_pack(a, ba) == la &&
	    protobuf_c_message_pack(b, bb) == lb && memcmp(ba, bb, la) == 0)
		rc = 0;
	free(ba);
	free(bb);
	return rc;
}

/* An unpacker under test: nc_unpack_record, or one nc_unpack_M. */
typedef int (*uc_unpack_fn)(const void *ctx, const uint8_t *p, size_t len,
			    ProtobufCAllocator *al, ProtobufCMessage **out);

/*
 * Unpack [p, p + len) with fn and with protobuf-c as a message of type d
 * and compare. Returns NULL when the contract holds (*handled: fn answered
 * 1), else what broke it.
 */
static const char *uc_check_fn(const ProtobufCMessageDescriptor *d,
			       uc_unpack_fn fn, const void *ctx,
			       const uint8_t *p, size_t len, bool *handled)
{
	static char why[256];
	struct uc_arena fa = {0}, ra = {0};
	ProtobufCAllocator fal = {uc_alloc, uc_free, &fa};
	ProtobufCAllocator ral = {uc_alloc, uc_free, &ra};
	ProtobufCMessage *fast = NULL;
	const char *bad = NULL;

	*handled = fn(ctx, p, len, &fal, &fast) == 1;
	ProtobufCMessage *ref = protobuf_c_message_unpack(d, &ral, len, p);
	if (*handled) {
		if (!fast) {
			bad = "unpacker answered 1 without a message";
		} else if (!ref) {
			bad = "unpacker accepted what protobuf-c refuses";
		} else if (uc_diff_msg(fast, ref, why, sizeof(why))) {
			bad = why;
		} else if (uc_diff_packed(fast, ref)) {
			bad = "the messages pack differently";
		}
	}
	uc_arena_free(&fa);
	uc_arena_free(&ra);
	return bad;
}

static int uc_unpack_record(const void *ctx, const uint8_t *p, size_t len,
			    ProtobufCAllocator *al, ProtobufCMessage **out)
{
	return nc_unpack_record(*(const enum nc_rec *)ctx, p, len, al, out);
}

/* uc_check_fn for record type t and nc_unpack_record. */
static inline const char *uc_check(enum nc_rec t, const uint8_t *p, size_t len,
				   bool *handled)
{
	return uc_check_fn(nc_rec_desc(t), uc_unpack_record, &t, p, len,
			   handled);
}

#endif /* NC_UNPACK_CHECK_H */
