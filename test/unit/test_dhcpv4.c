/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dhcpv4.c: the DHCPv4 parser (decoders/dhcpv4.c) on one datagram at
 * a time. Packets come from test/data/dhcpv4_all-message-types.pcap (the
 * expected values are tshark's decoding of them) or are built by hand from
 * RFC 2131/2132 (the expected values follow from the RFC).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app_harness.h"
#include "observe.h"

extern const struct nc_app_parser nc_app_dhcpv4;

static const uint8_t ip_cli[4] = {0, 0, 0, 0};
static const uint8_t ip_srv[4] = {128, 2, 6, 152};

static struct nc_app_conn conn(void)
{
	struct nc_app_conn c = {
	    .uid = "CtestDHCP4xx",
	    .alen = 4,
	    .proto = 17,
	    .addr = {ip_cli, ip_srv},
	    .port = {68, 67},
	    .ts = 1370200442328120000ll,
	};
	return c;
}

/* Run the parser on a private heap copy (ASan sees any over-read). */
static void run(struct harness *h, int dir, const uint8_t *p, size_t len)
{
	struct nc_app_conn c = conn();
	app_datagram(h, &nc_app_dhcpv4, &c, dir, p, len);
}

/*
 * Frame 2 of dhcpv4_all-message-types.pcap (DHCP Offer), fixed part up to
 * chaddr; sname and file are all zero.
 */
static const uint8_t offer_fixed[] = {
    0x02,		    /* op: BOOTREPLY */
    0x01,		    /* htype: Ethernet */
    0x06,		    /* hlen */
    0x00,		    /* hops */
    0x00, 0x00, 0x07, 0xc0, /* xid 0x000007c0 */
    0x00, 0x00,		    /* secs */
    0x00, 0x00,		    /* flags */
    0x00, 0x00, 0x00, 0x00, /* ciaddr 0.0.0.0 */
    0x80, 0x02, 0x06, 0x61, /* yiaddr 128.2.6.97 */
    0xac, 0x13, 0xe6, 0x07, /* siaddr 172.19.230.7 */
    0x00, 0x00, 0x00, 0x00, /* giaddr 0.0.0.0 */
    0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29, /* chaddr 90:b1:1c:99:49:29 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding */
};

static const uint8_t offer_opts[] = {
    0x63, 0x82, 0x53, 0x63,		/* magic cookie */
    0x35, 0x01, 0x02,			/* 53 message type: Offer */
    0x36, 0x04, 0x80, 0x02, 0x06, 0x98, /* 54 server id 128.2.6.152 */
    0x33, 0x04, 0x00, 0x00, 0x03, 0x84, /* 51 lease 900 s */
    0x01, 0x04, 0xff, 0xff, 0xff, 0x00, /* 1 subnet mask */
    0x03, 0x04, 0x80, 0x02, 0x06, 0x01, /* 3 router */
    0x06, 0x08, 0x80, 0x02, 0x01, 0x0b, 0x80, 0x02, 0x01, 0x0a, /* 6 DNS */
    0x04, 0x08, 0x80, 0x02, 0x01, 0x14, 0x80, 0x02, 0x01, 0x15, /* 4 time */
    0x43, 0x0d, 'n', 'e', 't', 'w', 'o', 'r', 'k', '-', 'c', 'o', 'n', 'f',
    'g',				/* 67 bootfile name */
    0x1c, 0x04, 0x80, 0x02, 0x06, 0xff, /* 28 broadcast */
    0x2a, 0x0c, 0x80, 0x02, 0x01, 0x14, 0x80, 0x02, 0x01, 0x15, 0x80, 0x02,
    0x01, 0x16,				     /* 42 NTP servers */
    0x2b, 0x0b, '1', '7', '2', '.', '1', '8', '.', '6', '.', '3', '7', /* 43 */
    0x3c, 0x07, 'A', 'r', 'u', 'b', 'a', 'A', 'P', /* 60 vendor class */
    0x2c, 0x08, 0x80, 0x02, 0x68, 0x1d, 0x80, 0x02, 0x68, 0x1e, /* 44 */
    0x2e, 0x01, 0x02,					     /* 46 */
    0x0f, 0x07, 'c', 'm', 'u', '.', 'e', 'd', 'u', /* 15 domain */
    0xff,					   /* end */
};

/* fixed part (44 octets), zero sname/file, then cookie and options */
static size_t build(uint8_t *buf, const uint8_t *fixed, const uint8_t *opts,
		    size_t nopts)
{
	memcpy(buf, fixed, 44);
	memset(buf + 44, 0, 192);
	memcpy(buf + 236, opts, nopts);
	return 236 + nopts;
}

/* an observer that keeps the last software observation */
static char obs_name[64], obs_data[256], obs_svc[16];
static void obs_sw(void *arg, struct nc_dec *d, const struct nc_app_conn *c,
		   int from, const char *name, const char *data,
		   const char *svc)
{
	(void)arg, (void)d, (void)c, (void)from;
	snprintf(obs_name, sizeof(obs_name), "%s", name);
	snprintf(obs_data, sizeof(obs_data), "%s", data);
	snprintf(obs_svc, sizeof(obs_svc), "%s", svc);
}
static const struct nc_observer test_obs = {.software = obs_sw};

static void test_offer(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len = build(buf, offer_fixed, offer_opts, sizeof(offer_opts));
	h->dec.obs = &test_obs;
	obs_name[0] = 0;

	run(h, 1, buf, len);
	assert_int_equal(h_count(h, NC_REC_DHCPV4), 1);
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->operation, 2);
	assert_int_equal(r->hardwaretype, 1);
	assert_int_equal(r->hardwarelen, 6);
	assert_int_equal(r->xid, 0x7c0);
	assert_bytes(r->clientip, 0, 0, 0, 0);
	assert_bytes(r->yourclientip, 128, 2, 6, 97);
	assert_bytes(r->nextserverip, 172, 19, 230, 7);
	assert_bytes(r->relayagentip, 0, 0, 0, 0);
	assert_bytes(r->clienthwaddr, 0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29);
	assert_string_equal(r->servername, "");
	assert_string_equal(r->file, "");
	/* tshark: 53,54,51,1,3,6,4,67,28,42,43,60,44,46,15, end */
	static const int types[] = {53, 54, 51, 1,  3,	6,  4,	67,
				    28, 42, 43, 60, 44, 46, 15, 255};
	assert_int_equal(r->n_options, 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(r->options[i]->type, types[i]);
	assert_int_equal(r->options[7]->length, 13);
	assert_memory_equal(r->options[7]->data.data, "network-confg", 13);
	assert_int_equal(r->messagetype, 2);
	assert_bytes(r->serverip, 128, 2, 6, 152);
	assert_int_equal(r->leasetime, 900);
	assert_string_equal(r->vendorclass, "ArubaAP");
	assert_string_equal(r->fingerprint, "");
	assert_string_equal(r->hostname, "");
	assert_int_equal(r->srcport, 67);
	assert_int_equal(r->dstport, 68);
	assert_bytes(r->srcip, 128, 2, 6, 152);
	assert_string_equal(r->uid, "CtestDHCP4xx");
	assert_int_equal(r->timestamp, 1370200442328120000ll);
	H_FREE(r);
	/* option 60 is reported to the profiles */
	assert_string_equal(obs_name, "DHCP vendor class");
	assert_string_equal(obs_data, "ArubaAP");
	assert_string_equal(obs_svc, "DHCP");
	free(h);
}

/*
 * Frame 1 (Discover) options, and a parameter request list added by hand
 * (RFC 2132 9.8): Fingerprint is its codes in order, comma-joined.
 */
static const uint8_t discover_fixed[] = {
    0x01, 0x01, 0x06, 0x00, /* op BOOTREQUEST, Ethernet, hlen 6, hops */
    0x00, 0x00, 0x07, 0xc0, /* xid */
    0x00, 0x00, 0x00, 0x00, /* secs, flags */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ci/yi/si/giaddr */
    0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t discover_opts[] = {
    0x63, 0x82, 0x53, 0x63,		/* cookie */
    0x35, 0x01, 0x01,			/* 53 Discover */
    0x32, 0x04, 0xc0, 0xa8, 0xd3, 0xc2, /* 50 requested 192.168.211.194 */
    0x0c, 0x0d, 'b', 't', 'e', 's', 't', '.', 'i', 's', '.', 'c', 'o', 'o',
    'l',				/* 12 host name */
    0x37, 0x04, 0x01, 0x03, 0x06, 0x0f, /* 55 PRL: 1, 3, 6, 15 */
    0x3d, 0x07, 0x01, 0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29, /* 61 client id */
    0x00, 0x00,						  /* pad */
    0xff,						  /* end */
};

static void test_discover(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len =
	    build(buf, discover_fixed, discover_opts, sizeof(discover_opts));
	run(h, 0, buf, len);
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->messagetype, 1);
	assert_string_equal(r->hostname, "btest.is.cool");
	assert_bytes(r->requestedip, 192, 168, 211, 194);
	assert_string_equal(r->fingerprint, "1,3,6,15");
	assert_bytes(r->clientid, 0x01, 0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29);
	assert_int_equal(r->serverip.len, 0);
	/* pads are not options; end is */
	assert_int_equal(r->n_options, 6);
	assert_int_equal(r->options[5]->type, 255);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/* Every prefix of the Offer: no read past it, the right event. */
static void test_truncated_every_byte(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len = build(buf, offer_fixed, offer_opts, sizeof(offer_opts));
	for (size_t n = 0; n < len; n++) {
		uint64_t t0 = h_event(h, NC_EV_DHCPV4_TRUNC);
		uint64_t o0 = h_event(h, NC_EV_DHCPV4_OPT_TRUNC) +
			      h_event(h, NC_EV_DHCPV4_NO_END);
		run(h, 1, buf, n);
		if (n < 236) {
			assert_int_equal(h_count(h, NC_REC_DHCPV4), 0);
			assert_int_equal(h_event(h, NC_EV_DHCPV4_TRUNC), t0 + 1);
			assert_true(h_has_anomaly(h, "dhcpv4.truncated"));
		} else {
			assert_int_equal(h_count(h, NC_REC_DHCPV4), 1);
			/* options cut: truncated option or no end (or a
			   BOOTP message without cookie) */
			if (n >= 240)
				assert_int_equal(
				    h_event(h, NC_EV_DHCPV4_OPT_TRUNC) +
					h_event(h, NC_EV_DHCPV4_NO_END),
				    o0 + 1);
		}
	}
	free(h);
}

/* An option length beyond the datagram (RFC 2132 2: len octets follow). */
static void test_option_too_long(void **state)
{
	(void)state;
	static const uint8_t opts[] = {
	    0x63, 0x82, 0x53, 0x63, /* cookie */
	    0x35, 0x01, 0x03,	    /* 53 Request */
	    0x0c, 0xff, 'x', 'y',   /* 12 host name, 255 octets claimed */
	};
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len = build(buf, discover_fixed, opts, sizeof(opts));
	run(h, 0, buf, len);
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 1);
	assert_int_equal(r->messagetype, 3);
	assert_string_equal(r->hostname, "");
	H_FREE(r);
	assert_true(h_has_anomaly(h, "dhcpv4.option_truncated"));
	free(h);
}

/*
 * Option overload (RFC 2132 9.3), value 3: file, then sname, hold options.
 * An overload option inside them is not followed again.
 */
static void test_overload(void **state)
{
	(void)state;
	static const uint8_t opts[] = {
	    0x63, 0x82, 0x53, 0x63, /* cookie */
	    0x34, 0x01, 0x03,	    /* 52 overload: file and sname */
	    0xff,		    /* end */
	};
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len = build(buf, discover_fixed, opts, sizeof(opts));
	/* file (offset 108): message type Inform, overload again, end */
	static const uint8_t file_opts[] = {0x35, 0x01, 0x08, 0x34,
					    0x01, 0x03, 0xff};
	memcpy(buf + 108, file_opts, sizeof(file_opts));
	/* sname (offset 44): host name "h", end */
	static const uint8_t sname_opts[] = {0x0c, 0x01, 'h', 0xff};
	memcpy(buf + 44, sname_opts, sizeof(sname_opts));
	run(h, 0, buf, len);
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	/* 52, end | 53, 52, end | 12, end */
	static const int types[] = {52, 255, 53, 52, 255, 12, 255};
	assert_int_equal(r->n_options, 7);
	for (int i = 0; i < 7; i++)
		assert_int_equal(r->options[i]->type, types[i]);
	assert_int_equal(r->messagetype, 8);
	assert_string_equal(r->hostname, "h");
	assert_string_equal(r->servername, "");
	assert_string_equal(r->file, "");
	H_FREE(r);
	free(h);
}

/* sname and file as text, up to their NUL; invalid UTF-8 as \xNN. */
static void test_sname_file(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t buf[600];
	size_t len = build(buf, discover_fixed, discover_opts,
			   sizeof(discover_opts));
	memcpy(buf + 44, "srv\xff", 4);
	memcpy(buf + 108, "pxelinux.0", 10);
	run(h, 0, buf, len);
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	assert_string_equal(r->servername, "srv\\xff");
	assert_string_equal(r->file, "pxelinux.0");
	H_FREE(r);
	free(h);
}

/* More options than a record keeps (256): bounded, one event. */
static void test_many_options(void **state)
{
	(void)state;
	struct harness *h = h_new();
	enum { N = 300 };
	uint8_t buf[240 + 2 * N + 1];
	memcpy(buf, discover_fixed, 44);
	memset(buf + 44, 0, 192);
	static const uint8_t ck[] = {0x63, 0x82, 0x53, 0x63};
	memcpy(buf + 236, ck, 4);
	for (int i = 0; i < N; i++) {
		buf[240 + 2 * i] = 200; /* unassigned code, empty value */
		buf[241 + 2 * i] = 0;
	}
	buf[sizeof(buf) - 1] = 0xff;
	run(h, 0, buf, sizeof(buf));
	Netcap__DHCPv4 *r = h_get(h, NC_REC_DHCPV4, 0);
	assert_non_null(r);
	assert_int_equal(r->n_options, 256);
	H_FREE(r);
	assert_int_equal(h_event(h, NC_EV_DHCPV4_OPT_TOO_MANY), 1);
	free(h);
}

/* The probe: cookie claims, op must be 1 or 2. */
static void test_probe(void **state)
{
	(void)state;
	uint8_t buf[600];
	size_t len = build(buf, offer_fixed, offer_opts, sizeof(offer_opts));
	assert_int_equal(nc_app_dhcpv4.probe(buf, len, 0), NC_PROBE_YES);
	assert_int_equal(nc_app_dhcpv4.probe(buf, 100, 0), NC_PROBE_NEED);
	buf[236] = 0;
	assert_int_equal(nc_app_dhcpv4.probe(buf, len, 0), NC_PROBE_NEED);
	buf[0] = 3;
	assert_int_equal(nc_app_dhcpv4.probe(buf, len, 0), NC_PROBE_NO);
	assert_int_equal(nc_app_dhcpv4.probe((const uint8_t *)"GET /", 5, 0),
			 NC_PROBE_NO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offer),
	    cmocka_unit_test(test_discover),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_option_too_long),
	    cmocka_unit_test(test_overload),
	    cmocka_unit_test(test_sname_file),
	    cmocka_unit_test(test_many_options),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
