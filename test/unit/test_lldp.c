/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the LLDP decoder (decoders/link/lldp.c). The frame marked
 * "from <capture>" is copied from test/data with tshark -x and its expected
 * values are tshark's; the others are built from it following IEEE
 * 802.1AB.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* from lldp_extreme-procurve_org-tlvs.pcap frame 3 (HP ProCurve 2600) */
static const uint8_t procurve[] = {
		/* Ethernet: dst 0180c200000e, src 00132157ca7f, type 0x88cc */
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x00, 0x13,
		0x21, 0x57, 0xca, 0x7f, 0x88, 0xcc,
		/* TLV type 1, length 7 */
		0x02, 0x07, 0x04, 0x00, 0x13, 0x21, 0x57, 0xca,
		0x40,
		/* TLV type 2, length 2 */
		0x04, 0x02, 0x07, 0x31,
		/* TLV type 3, length 2 */
		0x06, 0x02, 0x00, 0x78,
		/* TLV type 4, length 1 */
		0x08, 0x01, 0x31,
		/* TLV type 5, length 26 */
		0x0a, 0x1a, 0x50, 0x72, 0x6f, 0x43, 0x75, 0x72,
		0x76, 0x65, 0x20, 0x53, 0x77, 0x69, 0x74, 0x63,
		0x68, 0x20, 0x32, 0x36, 0x30, 0x30, 0x2d, 0x38,
		0x2d, 0x50, 0x57, 0x52,
		/* TLV type 6, length 95 */
		0x0c, 0x5f, 0x50, 0x72, 0x6f, 0x43, 0x75, 0x72,
		0x76, 0x65, 0x20, 0x4a, 0x38, 0x37, 0x36, 0x32,
		0x41, 0x20, 0x53, 0x77, 0x69, 0x74, 0x63, 0x68,
		0x20, 0x32, 0x36, 0x30, 0x30, 0x2d, 0x38, 0x2d,
		0x50, 0x57, 0x52, 0x2c, 0x20, 0x72, 0x65, 0x76,
		0x69, 0x73, 0x69, 0x6f, 0x6e, 0x20, 0x48, 0x2e,
		0x30, 0x38, 0x2e, 0x38, 0x39, 0x2c, 0x20, 0x52,
		0x4f, 0x4d, 0x20, 0x48, 0x2e, 0x30, 0x38, 0x2e,
		0x35, 0x58, 0x20, 0x28, 0x2f, 0x73, 0x77, 0x2f,
		0x63, 0x6f, 0x64, 0x65, 0x2f, 0x62, 0x75, 0x69,
		0x6c, 0x64, 0x2f, 0x66, 0x69, 0x73, 0x68, 0x28,
		0x74, 0x73, 0x5f, 0x30, 0x38, 0x5f, 0x35, 0x29,
		0x29,
		/* TLV type 7, length 4 */
		0x0e, 0x04, 0x00, 0x14, 0x00, 0x04,
		/* TLV type 8, length 12 */
		0x10, 0x0c, 0x05, 0x01, 0x0f, 0xff, 0x7a, 0x94,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
		/* TLV type 127, length 9 */
		0xfe, 0x09, 0x00, 0x12, 0x0f, 0x01, 0x03, 0x6c,
		0x00, 0x00, 0x10,
		/* TLV type 127, length 7 */
		0xfe, 0x07, 0x00, 0x12, 0xbb, 0x01, 0x00, 0x0f,
		0x04,
		/* TLV type 127, length 8 */
		0xfe, 0x08, 0x00, 0x12, 0xbb, 0x02, 0x01, 0x40,
		0x65, 0xae,
		/* TLV type 127, length 46 */
		0xfe, 0x2e, 0x00, 0x12, 0xbb, 0x03, 0x02, 0x28,
		0x02, 0x55, 0x53, 0x01, 0x02, 0x43, 0x41, 0x03,
		0x09, 0x52, 0x6f, 0x73, 0x65, 0x76, 0x69, 0x6c,
		0x6c, 0x65, 0x06, 0x09, 0x46, 0x6f, 0x6f, 0x74,
		0x68, 0x69, 0x6c, 0x6c, 0x73, 0x13, 0x04, 0x38,
		0x30, 0x30, 0x30, 0x1a, 0x03, 0x52, 0x33, 0x4c,
		/* TLV type 127, length 7 */
		0xfe, 0x07, 0x00, 0x12, 0xbb, 0x04, 0x03, 0x00,
		0x41,
		/* TLV type 0, length 0 */
		0x00, 0x00,
};

static void test_lldp_capture(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, procurve,
				  sizeof(procurve)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);

	Netcap__LinkLayerDiscovery *l = h_get(h, NC_REC_LLDP, 0);
	assert_non_null(l);
	assert_int_equal(l->timestamp, 1000000002LL);
	assert_int_equal(l->chassisid->subtype, 4); /* MAC address */
	assert_bytes(l->chassisid->id, 0x00, 0x13, 0x21, 0x57, 0xca, 0x40);
	assert_int_equal(l->portid->subtype, 7); /* locally assigned */
	assert_bytes(l->portid->id, '1');
	assert_int_equal(l->ttl, 120);
	/* lldp.tlv.type / lldp.tlv.len */
	static const int types[] = {1, 2, 3, 4, 5, 6, 7, 8, 127, 127, 127,
				    127, 127, 0};
	static const int lens[] = {7, 2, 2, 1, 26, 95, 4, 12, 9, 7, 8, 46, 7, 0};
	assert_int_equal(l->n_values, 14);
	for (size_t i = 0; i < 14; i++) {
		assert_int_equal(l->values[i]->type, types[i]);
		assert_int_equal(l->values[i]->length, lens[i]);
		assert_int_equal(l->values[i]->value.len, lens[i]);
	}
	H_FREE(l);

	Netcap__LinkLayerDiscoveryInfo *in = h_get(h, NC_REC_LLDPINFO, 0);
	assert_non_null(in);
	assert_string_equal(in->portdescription, "1");
	assert_string_equal(in->sysname, "ProCurve Switch 2600-8-PWR");
	assert_string_equal(in->sysdescription,
			    "ProCurve J8762A Switch 2600-8-PWR, revision "
			    "H.08.89, ROM H.08.5X (/sw/code/build/fish"
			    "(ts_08_5))");
	/* system_cap 0x0014 (bridge, router), enabled 0x0004 (bridge) */
	assert_non_null(in->syscapabilities);
	Netcap__LLDPCapabilities *sc = in->syscapabilities->systemcap;
	Netcap__LLDPCapabilities *ec = in->syscapabilities->enabledcap;
	assert_true(sc->bridge && sc->router);
	assert_false(sc->other || sc->repeater || sc->wlanap || sc->phone ||
		     sc->docsis || sc->stationonly || sc->cvlan || sc->svlan ||
		     sc->tmpr);
	assert_true(ec->bridge);
	assert_false(ec->router);
	/* lldp.mgn.*: IPv4 15.255.122.148, ifIndex (2) 0, no OID */
	assert_non_null(in->mgmtaddress);
	assert_int_equal(in->mgmtaddress->subtype, 1);
	assert_bytes(in->mgmtaddress->address, 15, 255, 122, 148);
	assert_int_equal(in->mgmtaddress->interfacesubtype, 2);
	assert_int_equal(in->mgmtaddress->interfacenumber, 0);
	assert_string_equal(in->mgmtaddress->oid, "");
	/* lldp.orgtlv.oui: 00-12-0f (IEEE 802.3), then 4x 00-12-bb (TIA) */
	assert_int_equal(in->n_orgtlvs, 5);
	assert_int_equal(in->orgtlvs[0]->oui, 0x00120f);
	assert_int_equal(in->orgtlvs[0]->subtype, 1);
	assert_bytes(in->orgtlvs[0]->info, 0x03, 0x6c, 0x00, 0x00, 0x10);
	for (size_t i = 1; i < 5; i++) {
		assert_int_equal(in->orgtlvs[i]->oui, 0x0012bb);
		assert_int_equal(in->orgtlvs[i]->subtype, (int)i);
	}
	assert_int_equal(in->n_unknown, 0);
	H_FREE(in);
	free(h);
}

/* A TLV whose length runs past the frame: the records keep what was read. */
static void test_lldp_tlv_beyond_frame(void **state)
{
	(void)state;
	/* the frame cut inside System Description (TLV 6 at offset 47) */
	size_t cut = 14 + 9 + 4 + 4 + 3 + 28 + 20;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, procurve, cut),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_LLDP_TLV_LONG), 1);
	assert_true(h_has_anomaly(h, "lldp.tlv_length_beyond_frame"));
	Netcap__LinkLayerDiscovery *l = h_get(h, NC_REC_LLDP, 0);
	assert_non_null(l);
	assert_int_equal(l->n_values, 5);
	assert_int_equal(l->ttl, 120);
	H_FREE(l);
	Netcap__LinkLayerDiscoveryInfo *in = h_get(h, NC_REC_LLDPINFO, 0);
	assert_non_null(in);
	assert_string_equal(in->sysname, "ProCurve Switch 2600-8-PWR");
	assert_string_equal(in->sysdescription, "");
	H_FREE(in);
	free(h);

	/* the same cut by the snap length is a truncation */
	h = h_new();
	h->n = 0;
	assert_int_equal(nc_decode_frame(&h->dec, NC_LINK_ETHERNET, procurve,
					 (uint32_t)cut,
					 (uint32_t)sizeof(procurve), 1),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_LLDP_TRUNC), 1);
	assert_int_equal(h_count(h, NC_REC_LLDP), 1);
	free(h);
}

/* Chassis ID, then TLVs 9 (Unknown) until more than NC_MAX_OPTIONS. */
static void test_lldp_too_many_tlvs(void **state)
{
	(void)state;
	uint8_t f[14 + 9 + 4 + 4 + 80 * 3];
	memcpy(f, procurve, 14 + 9 + 4 + 4); /* Ethernet, Chassis, Port, TTL */
	size_t n = 14 + 9 + 4 + 4;
	for (int i = 0; i < 80; i++) {
		f[n++] = 9 << 1; /* type 9 (reserved), length 1 */
		f[n++] = 1;
		f[n++] = (uint8_t)i;
	}
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, n), DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_LLDP_TOO_MANY), 1);
	Netcap__LinkLayerDiscovery *l = h_get(h, NC_REC_LLDP, 0);
	assert_non_null(l);
	assert_int_equal(l->n_values, NC_MAX_OPTIONS);
	H_FREE(l);
	Netcap__LinkLayerDiscoveryInfo *in = h_get(h, NC_REC_LLDPINFO, 0);
	assert_non_null(in);
	assert_int_equal(in->n_unknown, NC_MAX_OPTIONS - 3);
	assert_int_equal(in->unknown[0]->type, 9);
	assert_bytes(in->unknown[0]->value, 0x00);
	H_FREE(in);
	free(h);
}

/* TTL first, a 3-octet System Capabilities, a lying Management Address. */
static void test_lldp_invalid(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, /* dst LLDP multicast */
		0x00, 0x13, 0x21, 0x57, 0xca, 0x7f, /* src */
		0x88, 0xcc,                         /* LLDP */
		0x06, 0x02, 0x00, 0x78,             /* TTL 120 (not first) */
		0x0e, 0x03, 0x00, 0x14, 0x00,       /* caps, length 3 */
		0x10, 0x09, 0x09, 0x01, 0x0a, 0x00, /* mgmt: address length 9 */
		0x00, 0x01, 0x02, 0x00, 0x00,       /* ... runs past the TLV */
		0x00, 0x00,                         /* End of LLDPDU */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_true(h_event(h, NC_EV_LLDP_MANDATORY) >= 1);
	assert_int_equal(h_event(h, NC_EV_LLDP_TLV_BAD), 2);
	Netcap__LinkLayerDiscovery *l = h_get(h, NC_REC_LLDP, 0);
	assert_non_null(l);
	assert_int_equal(l->n_values, 4);
	assert_int_equal(l->ttl, 0); /* no TTL in third place */
	H_FREE(l);
	Netcap__LinkLayerDiscoveryInfo *in = h_get(h, NC_REC_LLDPINFO, 0);
	assert_non_null(in);
	assert_null(in->syscapabilities);
	assert_null(in->mgmtaddress);
	H_FREE(in);
	free(h);

	/* an LLDPDU of one octet */
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, 15), DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_LLDP_TRUNC), 1);
	assert_int_equal(h_count(h, NC_REC_LLDP), 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lldp_capture),
		cmocka_unit_test(test_lldp_tlv_beyond_frame),
		cmocka_unit_test(test_lldp_too_many_tlvs),
		cmocka_unit_test(test_lldp_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
