/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the Ethernet Configuration Testing Protocol decoder
 * (decoders/link/ectp.c). The frame marked "from <capture>" is copied from
 * test/data with tshark -x and its expected values are tshark's; the others
 * are built from it following the Ethernet V2.0 specification section 8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* from ethernet-ctp_loopback.pcap frame 3: three forwards and a reply */
static const uint8_t ectp3[] = {
	0xaa, 0x00, 0x04, 0x00, 0x69, 0x04, /* dst */
	0xaa, 0x00, 0x04, 0x00, 0x1d, 0x04, /* src */
	0x90, 0x00,                         /* loopback */
	0x00, 0x00,                         /* skipCount 0 */
	0x02, 0x00,                         /* Forward Data */
	0xaa, 0x00, 0x04, 0x00, 0x6a, 0x04, /* forwarding address */
	0x02, 0x00,                         /* Forward Data */
	0xaa, 0x00, 0x04, 0x00, 0x69, 0x04, /* forwarding address */
	0x02, 0x00,                         /* Forward Data */
	0xaa, 0x00, 0x04, 0x00, 0x1d, 0x04, /* forwarding address */
	0x01, 0x00,                         /* Reply */
	0x02, 0x00,                         /* receipt number 2 */
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, /* data (40) */
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

static void test_ectp_capture(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ectp3, sizeof(ectp3)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__EthernetCTP *e = h_get(h, NC_REC_ECTP, 0);
	assert_non_null(e);
	assert_int_equal(e->timestamp, 1000000002LL);
	assert_int_equal(e->skipcount, 0);
	assert_int_equal(e->relevantfunction, 2); /* loop.relevant_function */
	assert_int_equal(e->n_functions, 4);      /* loop.function 2,2,2,1 */
	assert_int_equal(e->functions[0], 2);
	assert_int_equal(e->functions[3], 1);
	assert_int_equal(e->n_forwardaddress, 3);
	assert_bytes(e->forwardaddress[0], 0xaa, 0x00, 0x04, 0x00, 0x6a, 0x04);
	assert_bytes(e->forwardaddress[2], 0xaa, 0x00, 0x04, 0x00, 0x1d, 0x04);
	H_FREE(e);
	Netcap__EthernetCTPReply *r = h_get(h, NC_REC_ECTPREPLY, 0);
	assert_non_null(r);
	assert_int_equal(r->function, 1);
	assert_int_equal(r->receiptnumber, 2); /* loop.receipt_number */
	assert_int_equal(r->data.len, 40);     /* Data (40 bytes) */
	H_FREE(r);
	free(h);
}

/* skipCount 8 points at the second function (tshark: relevant 2). */
static void test_ectp_skip(void **state)
{
	(void)state;
	uint8_t f[sizeof(ectp3)];
	memcpy(f, ectp3, sizeof(f));
	f[14] = 8;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__EthernetCTP *e = h_get(h, NC_REC_ECTP, 0);
	assert_int_equal(e->skipcount, 8);
	assert_int_equal(e->relevantfunction, 2);
	H_FREE(e);
	free(h);

	/* an odd skipCount */
	f[14] = 3;
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_ECTP_BAD_SKIP), 1);
	e = h_get(h, NC_REC_ECTP, 0);
	assert_int_equal(e->relevantfunction, 0);
	H_FREE(e);
	assert_int_equal(h_count(h, NC_REC_ECTPREPLY), 1);
	free(h);
}

static void test_ectp_truncated_and_unknown(void **state)
{
	(void)state;
	/* cut inside the second forwarding address */
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ectp3, 14 + 2 + 8 + 5),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_ECTP_TRUNC), 1);
	Netcap__EthernetCTP *e = h_get(h, NC_REC_ECTP, 0);
	assert_non_null(e);
	assert_int_equal(e->n_functions, 2);
	assert_int_equal(e->n_forwardaddress, 1);
	H_FREE(e);
	assert_int_equal(h_count(h, NC_REC_ECTPREPLY), 0);
	free(h);

	/* only the skipCount's first octet */
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, ectp3, 15), DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ECTP), 0);
	free(h);

	/* function 3 is not defined */
	uint8_t f[sizeof(ectp3)];
	memcpy(f, ectp3, sizeof(f));
	f[16] = 3;
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_ECTP_BAD_FUNCTION), 1);
	e = h_get(h, NC_REC_ECTP, 0);
	assert_int_equal(e->n_functions, 1);
	assert_int_equal(e->functions[0], 3);
	H_FREE(e);
	free(h);
}

/* More Forward Data functions than NC_MAX_OPTIONS. */
static void test_ectp_too_many(void **state)
{
	(void)state;
	uint8_t f[16 + 70 * 8];
	memcpy(f, ectp3, 16);
	size_t n = 16;
	for (int i = 0; i < 70; i++) {
		f[n++] = 0x02;
		f[n++] = 0x00;
		memcpy(f + n, ectp3 + 18, 6);
		n += 6;
	}
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, n), DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_ECTP_TOO_MANY), 1);
	Netcap__EthernetCTP *e = h_get(h, NC_REC_ECTP, 0);
	assert_int_equal(e->n_functions, NC_MAX_OPTIONS);
	assert_int_equal(e->n_forwardaddress, NC_MAX_OPTIONS);
	H_FREE(e);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ectp_capture),
		cmocka_unit_test(test_ectp_skip),
		cmocka_unit_test(test_ectp_truncated_and_unknown),
		cmocka_unit_test(test_ectp_too_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
