/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the --metrics payload histograms (decoders/layerhist.h):
 * both size buckets against the bucket bounds searched one by one, and the
 * decoders' hook (decode.h nc_tm_layer_obs) against the PayloadSize and
 * PayloadEntropy of the records the same frames make.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"
#include "net_frames.h"

/* the bucket bounds as Prometheus sees them (le), searched linearly */
static unsigned ref_bucket(int64_t v)
{
	static const int64_t le[NC_TM_SIZE_LE] = {
	    0, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
	for (unsigned i = 0; i < NC_TM_SIZE_LE; i++)
		if (v <= le[i])
			return i;
	return NC_TM_SIZE_LE;
}

static void test_buckets(void **state)
{
	(void)state;
	for (int64_t v = 0; v <= 300000; v++) {
		unsigned want = ref_bucket(v);
		if (nc_tm_size_bucket(v) != want ||
		    nc_tm_size_bucket_u((uint32_t)v) != want)
			fail_msg("size %lld: bucket %u (clz) %u (table), want %u",
				 (long long)v, nc_tm_size_bucket(v),
				 nc_tm_size_bucket_u((uint32_t)v), want);
	}
	assert_int_equal(nc_tm_size_bucket(-5), 0);
	assert_int_equal(nc_tm_size_bucket_u(UINT32_MAX), NC_TM_SIZE_LE);
	assert_int_equal(nc_tm_ent_bucket(0.0), 0);
	assert_int_equal(nc_tm_ent_bucket(0.5), 1);
	assert_int_equal(nc_tm_ent_bucket(1.0), 1);
	assert_int_equal(nc_tm_ent_bucket(7.99), 8);
	assert_int_equal(nc_tm_ent_bucket(8.0), 8);
}

/* Ethernet (02:..:01 -> 02:..:02) around an IPv4 packet; returns its length */
static size_t eth_ip4(uint8_t *buf, uint8_t proto, const uint8_t *pl, size_t n)
{
	static const uint8_t hdr[14] = {2, 0, 0, 0, 0, 2, 2,   0,
					0, 0, 0, 1, 0x08, 0x00};
	memcpy(buf, hdr, 14);
	return 14 + nf_ip4(buf + 14, proto, pl, n);
}

static unsigned tm_apps;
static void count_app(void *arg, enum nc_rec t, const ProtobufCMessage *m)
{
	(void)arg;
	(void)t;
	(void)m;
	tm_apps++;
}

static void check_layer(const struct harness *h,
			const struct nc_tm_layer *l, enum nc_rec t)
{
	uint64_t n = 0;
	for (unsigned b = 0; b <= NC_TM_SIZE_LE; b++)
		n += l->size[b];
	assert_int_equal(n, h_count(h, t));

	/* the layer's record as packed: its PayloadSize and PayloadEntropy */
	ProtobufCMessage *m = h_get(h, t, 0);
	assert_non_null(m);
	int32_t size;
	double ent;
	switch (t) {
	case NC_REC_ETHERNET:
		size = ((Netcap__Ethernet *)m)->payloadsize;
		ent = ((Netcap__Ethernet *)m)->payloadentropy;
		break;
	case NC_REC_IPV4:
		size = ((Netcap__IPv4 *)m)->payloadsize;
		ent = ((Netcap__IPv4 *)m)->payloadentropy;
		break;
	default:
		size = ((Netcap__UDP *)m)->payloadsize;
		ent = ((Netcap__UDP *)m)->payloadentropy;
		break;
	}
	protobuf_c_message_free_unpacked(m, NULL);
	assert_int_equal(l->size[ref_bucket(size)], 1);
	assert_int_equal(l->size_sum, (uint64_t)size);
	assert_int_equal(l->ent[nc_tm_ent_bucket(ent)], 1);
	assert_true(l->ent_sum == ent);
}

static void test_hook(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 63, 64, 65, 1000, 1472};
	uint8_t pl[1500], frame[1600];

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct harness *h = h_new();
		struct nc_tm_layer layer[NC_TM_LAYERS];
		memset(layer, 0, sizeof(layer));
		h->dec.tm_layer = layer;
		h->dec.tm_entropy = true;
		h->dec.tm_app = count_app;
		tm_apps = 0;

		/* UDP 40000 -> 9 (discard: no application parser) */
		size_t n = sizes[k];
		pl[0] = 0x9c;
		pl[1] = 0x40;
		pl[2] = 0;
		pl[3] = 9;
		pl[4] = (uint8_t)((8 + n) >> 8);
		pl[5] = (uint8_t)(8 + n);
		pl[6] = pl[7] = 0;
		for (size_t i = 0; i < n; i++)
			pl[8 + i] = (uint8_t)(i * 7 + k);
		size_t len = eth_ip4(frame, 17, pl, 8 + n);
		h_decode(h, 1 /* LINKTYPE_ETHERNET */, frame, len);

		check_layer(h, &layer[NC_TM_ETHERNET], NC_REC_ETHERNET);
		check_layer(h, &layer[NC_TM_IPV4], NC_REC_IPV4);
		check_layer(h, &layer[NC_TM_UDP], NC_REC_UDP);
		for (unsigned b = 0; b <= NC_TM_SIZE_LE; b++)
			assert_int_equal(layer[NC_TM_IPV6].size[b] +
					     layer[NC_TM_TCP].size[b],
					 0);
		assert_int_equal(tm_apps, 0); /* no Connection, DNS, TLS, HTTP */

		/* the same frame without the hook changes nothing */
		struct nc_tm_layer before[NC_TM_LAYERS];
		memcpy(before, layer, sizeof(layer));
		h->dec.tm_layer = NULL;
		h_decode(h, 1, frame, len);
		assert_memory_equal(before, layer, sizeof(layer));
		free(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets),
	    cmocka_unit_test(test_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
