/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the Ethernet decoder (decoders/ethernet.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

static void test_eth_unknown_type(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst broadcast */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x88, 0xb5,                         /* local experimental */
		0xde, 0xad,                         /* 2 payload bytes */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 0);
	assert_non_null(e);
	assert_int_equal(e->timestamp, 1000000002LL);
	assert_bytes(e->dstmac, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
	assert_bytes(e->srcmac, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55);
	assert_int_equal(e->ethernettype, 0x88b5);
	assert_int_equal(e->payloadsize, 2);
	assert_true(e->payloadentropy == 1.0); /* two distinct bytes */
	H_FREE(e);
	assert_int_equal(h_event(h, NC_EV_ETH_UNKNOWN_TYPE), 1);
	free(h);
}

static void test_eth_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44,       /* src cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 0);
	assert_true(h_has_anomaly(h, "eth.truncated"));
	free(h);
}

static void test_eth_llc_length(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, /* dst STP multicast */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x03,                         /* 802.3 length 3 */
		0x42, 0x42, 0x03,                   /* LLC: STP SAPs, UI */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	assert_int_equal(h_event(h, NC_EV_ETH_LLC), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eth_unknown_type),
		cmocka_unit_test(test_eth_truncated),
		cmocka_unit_test(test_eth_llc_length),
	};
	return cmocka_run_group_tests_name("ethernet", tests, NULL, NULL);
}
