/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * harness.h: decoder unit-test helpers.
 *
 * A test decodes a frame given as a commented hex byte array with every
 * record type selected, and the sink packs each record (the same path as
 * capture) and keeps it. Tests then unpack the n-th record of a type and
 * assert its fields. Include after <cmocka.h>.
 */
#ifndef NC_TEST_HARNESS_H
#define NC_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "registry.h"

#define H_MAX_RECS 64

struct h_rec {
	enum nc_rec type;
	size_t len;
	uint8_t buf[4096];
};

struct harness {
	struct nc_dec_cfg cfg;
	struct nc_dec dec;
	unsigned n;
	struct h_rec recs[H_MAX_RECS];
	enum dec_rc rc;
};

static void h_sink(void *arg, enum nc_rec t, const ProtobufCMessage *m)
{
	struct harness *h = arg;
	if (h->n >= H_MAX_RECS)
		return;
	struct h_rec *r = &h->recs[h->n++];
	r->type = t;
	size_t need = protobuf_c_message_get_packed_size(m);
	if (need > sizeof(r->buf)) {
		fprintf(stderr, "harness: record of %zu bytes too big\n", need);
		abort();
	}
	r->len = protobuf_c_message_pack(m, r->buf);
}

/* Fresh harness with every record type selected, payloads on. */
static inline struct harness *h_new(void)
{
	struct harness *h = calloc(1, sizeof(*h));
	for (int i = 0; i < NC_REC_MAX; i++)
		h->cfg.want.on[i] = true;
	h->cfg.payload = true;
	h->cfg.entropy = true;
	h->cfg.tunnels = NC_TUN_ALL;
	nc_dec_init(&h->dec, &h->cfg, h_sink, h);
	return h;
}

/* Decode one frame (timestamp 1 s + 2 ns) and keep its records. */
static inline enum dec_rc h_decode(struct harness *h, int link,
				   const uint8_t *frame, size_t len)
{
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, link, frame, (uint32_t)len,
				(uint32_t)len, 1000000002LL);
	return h->rc;
}

/* Number of kept records of type t. */
static inline unsigned h_count(const struct harness *h, enum nc_rec t)
{
	unsigned k = 0;
	for (unsigned i = 0; i < h->n; i++)
		k += h->recs[i].type == t;
	return k;
}

/*
 * Unpack the nth (0-based) record of type t, or NULL. Free with
 * protobuf_c_message_free_unpacked(m, NULL).
 */
static inline void *h_get(const struct harness *h, enum nc_rec t, unsigned nth)
{
	for (unsigned i = 0; i < h->n; i++) {
		if (h->recs[i].type != t)
			continue;
		if (nth-- == 0)
			return protobuf_c_message_unpack(
				nc_rec_desc(t), NULL, h->recs[i].len,
				h->recs[i].buf);
	}
	return NULL;
}

/* Count of event ev since h_new(). */
static inline uint64_t h_event(const struct harness *h, enum nc_event ev)
{
	return h->dec.events[ev];
}

/* Is the Anomaly record with this event name among the kept ones? */
static inline int h_has_anomaly(const struct harness *h, const char *name)
{
	for (unsigned i = 0; i < h->n; i++) {
		if (h->recs[i].type != NC_REC_ANOMALY)
			continue;
		Netcap__Anomaly *a = (Netcap__Anomaly *)protobuf_c_message_unpack(
			nc_rec_desc(NC_REC_ANOMALY), NULL, h->recs[i].len,
			h->recs[i].buf);
		int hit = a && strcmp(a->event, name) == 0;
		protobuf_c_message_free_unpacked(&a->base, NULL);
		if (hit)
			return 1;
	}
	return 0;
}

#define H_FREE(m) protobuf_c_message_free_unpacked((ProtobufCMessage *)(m), NULL)

/* Compare a bytes field with an expected array. */
#define assert_bytes(field, ...)                                            \
	do {                                                                \
		static const uint8_t exp_[] = { __VA_ARGS__ };              \
		assert_int_equal((field).len, sizeof(exp_));                \
		assert_memory_equal((field).data, exp_, sizeof(exp_));      \
	} while (0)

#endif /* NC_TEST_HARNESS_H */
