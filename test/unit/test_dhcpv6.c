/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dhcpv6.c: the DHCPv6 parser (decoders/dhcpv6.c). Solicit and
 * Advertise are frames 1 and 2 of test/data/dhcpv6_ia-na.pcap (expected
 * values: tshark's decoding); relay and domain-list messages are built
 * from RFC 8415 (expected values follow from the RFC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"

extern const struct nc_app_parser nc_app_dhcpv6;

static const uint8_t ip_cli[16] = {0xfe, 0x80, [8] = 0x02, 0x01, 0x02, 0xff,
				   0xfe, 0x03, 0x04, 0x05};
static const uint8_t ip_srv[16] = {0xff, 0x02, [13] = 1, 0, 2};

static void run(struct harness *h, int dir, const uint8_t *p, size_t len)
{
	struct nc_app_conn c = {
	    .uid = "CtestDHCP6xx",
	    .alen = 16,
	    .proto = 17,
	    .addr = {ip_cli, ip_srv},
	    .port = {546, 547},
	    .ts = 7,
	};
	app_datagram(h, &nc_app_dhcpv6, &c, dir, p, len);
}

static const uint8_t solicit[] = {
    0x01,	      /* msg-type Solicit */
    0x90, 0xb4, 0x5c, /* transaction-id 0x90b45c */
    0x00, 0x01, 0x00, 0x0a, /* Client Identifier, 10 */
    0x00, 0x03, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, /* DUID-LL */
    0x00, 0x06, 0x00, 0x04, /* Option Request, 4 */
    0x00, 0x17, 0x00, 0x18, /* 23 DNS servers, 24 domain list */
    0x00, 0x08, 0x00, 0x02, /* Elapsed time, 2 */
    0x00, 0x00,		    /* 0 ms */
    0x00, 0x03, 0x00, 0x0c, /* IA_NA, 12 */
    0x02, 0x03, 0x04, 0x05, /* IAID */
    0x00, 0x00, 0x0e, 0x10, /* T1 3600 */
    0x00, 0x00, 0x15, 0x18, /* T2 5400 */
};

static const uint8_t advertise[] = {
    0x02,		    /* msg-type Advertise */
    0x90, 0xb4, 0x5c,	    /* transaction-id */
    0x00, 0x03, 0x00, 0x28, /* IA_NA, 40 */
    0x02, 0x03, 0x04, 0x05, /* IAID */
    0x00, 0x00, 0x0e, 0x10, /* T1 */
    0x00, 0x00, 0x15, 0x18, /* T2 */
    0x00, 0x05, 0x00, 0x18, /* IA Address, 24 */
    0x2a, 0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00, /* 2a00:1:1:200: */
    0x38, 0xe6, 0xb2, 0x2e, 0xc4, 0x40, 0xac, 0xdf, /* 38e6:b22e:c440:acdf */
    0x00, 0x00, 0x11, 0x94, /* preferred 4500 */
    0x00, 0x00, 0x1c, 0x20, /* valid 7200 */
    0x00, 0x01, 0x00, 0x0a, /* Client Identifier */
    0x00, 0x03, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
    0x00, 0x02, 0x00, 0x0e, /* Server Identifier, 14: DUID-LLT */
    0x00, 0x01, 0x00, 0x01, 0x18, 0x46, 0x48, 0x8c, 0x00, 0x11, 0x22, 0x33,
    0x44, 0x55,
};

static void test_solicit(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 0, solicit, sizeof(solicit));
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->msgtype, 1);
	assert_int_equal(r->transactionid, 0x90b45c);
	/* tshark: options 1, 6, 8, 3 */
	assert_int_equal(r->n_options, 4);
	assert_int_equal(r->options[0]->code, 1);
	assert_int_equal(r->options[1]->code, 6);
	assert_int_equal(r->options[2]->code, 8);
	assert_int_equal(r->options[3]->code, 3);
	assert_int_equal(r->options[3]->length, 12);
	assert_string_equal(r->fingerprint, "23,24");
	assert_bytes(r->clientduid, 0x00, 0x03, 0x00, 0x01, 0x00, 0x01, 0x02,
		     0x03, 0x04, 0x05);
	assert_int_equal(r->serverduid.len, 0);
	assert_int_equal(r->n_ianaips, 0);
	assert_int_equal(r->relaydepth, 0);
	assert_int_equal(r->linkaddr.len, 0);
	assert_int_equal(r->srcport, 546);
	assert_int_equal(r->dstport, 547);
	H_FREE(r);
	free(h);
}

static void test_advertise(void **state)
{
	(void)state;
	struct harness *h = h_new();
	run(h, 1, advertise, sizeof(advertise));
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->msgtype, 2);
	assert_int_equal(r->n_options, 3);
	assert_int_equal(r->n_ianaips, 1);
	assert_bytes(r->ianaips[0], 0x2a, 0x00, 0x00, 0x01, 0x00, 0x01, 0x02,
		     0x00, 0x38, 0xe6, 0xb2, 0x2e, 0xc4, 0x40, 0xac, 0xdf);
	assert_bytes(r->serverduid, 0x00, 0x01, 0x00, 0x01, 0x18, 0x46, 0x48,
		     0x8c, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55);
	assert_string_equal(r->fingerprint, "");
	assert_int_equal(r->srcport, 547);
	H_FREE(r);
	free(h);
}

static void test_truncated_every_byte(void **state)
{
	(void)state;
	struct harness *h = h_new();
	for (size_t n = 0; n < sizeof(advertise); n++) {
		uint64_t t0 = h_event(h, NC_EV_DHCPV6_TRUNC) +
			      h_event(h, NC_EV_DHCPV6_OPT_TRUNC);
		run(h, 1, advertise, n);
		if (n < 4) {
			assert_int_equal(h_count(h, NC_REC_DHCPV6), 0);
			assert_true(h_has_anomaly(h, "dhcpv6.truncated"));
		} else {
			assert_int_equal(h_count(h, NC_REC_DHCPV6), 1);
		}
		/* a cut anywhere but at an option boundary is an event */
		bool boundary = n == 4 || n == 48 || n == 62;
		if (!boundary)
			assert_int_equal(h_event(h, NC_EV_DHCPV6_TRUNC) +
					     h_event(h, NC_EV_DHCPV6_OPT_TRUNC),
					 t0 + 1);
	}
	free(h);
}

/* RELAY-FORW (RFC 8415 9) around the Solicit. */
static size_t relay(uint8_t *out, uint8_t hop, const uint8_t *inner,
		    size_t n)
{
	memmove(out + 38, inner, n);
	out[0] = 12; /* RELAY-FORW */
	out[1] = hop;
	memset(out + 2, 0, 32);
	out[2] = 0x20, out[3] = 0x01, out[17] = hop;	/* link 2001::hop */
	out[18] = 0xfe, out[19] = 0x80, out[33] = 0x05; /* peer fe80::5 */
	out[34] = 0, out[35] = 9;			/* Relay Message */
	out[36] = (uint8_t)(n >> 8), out[37] = (uint8_t)n;
	return 38 + n;
}

static void test_relay(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t buf[1024];
	size_t n = sizeof(solicit);
	memcpy(buf, solicit, n);
	n = relay(buf, 0, buf, n);
	n = relay(buf, 1, buf, n);
	run(h, 0, buf, n);
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->msgtype, 12);
	assert_int_equal(r->hopcount, 1);
	assert_bytes(r->linkaddr, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 1);
	assert_bytes(r->peeraddr, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		     0, 0, 5);
	assert_int_equal(r->relaydepth, 2);
	assert_int_equal(r->relayedmsgtype, 1);
	assert_int_equal(r->transactionid, 0x90b45c);
	assert_string_equal(r->fingerprint, "23,24");
	assert_int_equal(r->clientduid.len, 10);
	/* the outer message's options: the relay message only */
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->options[0]->code, 9);
	H_FREE(r);
	free(h);
}

/* 20 nested relays: followed 8 deep, then an event. */
static void test_relay_too_deep(void **state)
{
	(void)state;
	struct harness *h = h_new();
	static uint8_t buf[2048];
	size_t n = sizeof(solicit);
	memcpy(buf, solicit, n);
	for (int i = 0; i < 20; i++)
		n = relay(buf, (uint8_t)i, buf, n);
	run(h, 0, buf, n);
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->relaydepth, 8);
	assert_int_equal(r->relayedmsgtype, 12);
	assert_int_equal(r->transactionid, 0);
	H_FREE(r);
	assert_true(h_has_anomaly(h, "dhcpv6.relay_too_deep"));
	free(h);
}

/* Domain Search List (RFC 8415 21.26, RFC 1035 names). */
static void test_domain_list(void **state)
{
	(void)state;
	static const uint8_t reply[] = {
	    0x07, 0x00, 0x00, 0x01, /* Reply, xid 1 */
	    0x00, 0x18, 0x00, 0x14, /* Domain Search List, 20 */
	    0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	    0x03, 'l', 'a', 'n', 0x00,
	    0x02, 'x', /* a cut name: the option ends inside it */
	};
	struct harness *h = h_new();
	run(h, 1, reply, sizeof(reply));
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	/* the cut name is not kept */
	assert_int_equal(r->n_domainlist, 2);
	assert_string_equal(r->domainlist[0], "example.com");
	assert_string_equal(r->domainlist[1], "lan");
	H_FREE(r);
	assert_true(h_has_anomaly(h, "dhcpv6.option_truncated"));
	free(h);
}

/* An option length beyond the datagram. */
static void test_option_too_long(void **state)
{
	(void)state;
	static const uint8_t msg[] = {
	    0x01, 0x00, 0x00, 0x02, /* Solicit */
	    0x00, 0x08, 0x00, 0x02, 0x00, 0x00, /* Elapsed time */
	    0x00, 0x01, 0xff, 0xff, 0x00, 0x03, /* Client ID, 65535 claimed */
	};
	struct harness *h = h_new();
	run(h, 0, msg, sizeof(msg));
	Netcap__DHCPv6 *r = h_get(h, NC_REC_DHCPV6, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->clientduid.len, 0);
	H_FREE(r);
	assert_true(h_has_anomaly(h, "dhcpv6.option_truncated"));
	free(h);
}

/* No magic: NEED (port only) for a known type, NO otherwise. */
static void test_probe(void **state)
{
	(void)state;
	assert_int_equal(nc_app_dhcpv6.probe(solicit, sizeof(solicit), 0),
			 NC_PROBE_NEED);
	static const uint8_t zero[4] = {0};
	assert_int_equal(nc_app_dhcpv6.probe(zero, 4, 0), NC_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_solicit),
	    cmocka_unit_test(test_advertise),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_relay),
	    cmocka_unit_test(test_relay_too_deep),
	    cmocka_unit_test(test_domain_list),
	    cmocka_unit_test(test_option_too_long),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
