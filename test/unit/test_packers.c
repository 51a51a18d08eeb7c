/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generated record packers (build/gen/netcap_pack.c, made by
 * scripts/gen-packers.py) against protobuf-c, the oracle: for every record
 * type of records/rec_types.def, random messages must pack to exactly the
 * bytes protobuf_c_message_pack writes, nc_pack_delimited must write
 * varint(length) + those bytes, and a buffer one byte short must be
 * refused without a byte written.
 *
 * Messages are filled by walking the protobuf-c descriptors (rand_msg.h),
 * so a record type or field added to the schema is covered without
 * touching this file; their values are chosen to hit the encoder's edges.
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
#include "rand_msg.h"

#define PER_TYPE  2000
#define CANARY	  0xa5
#define SLACK	  32

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
			ProtobufCMessage *m = new_message(nc_rec_desc(t), 0, false);
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
