/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of LLC, SNAP, FDDI, CDP and NDP (decoders/link/llc.c,
 * snap.c, fddi.c, cdp.c, ndp.c) and of 802.3 frames in ethernet.c and
 * vlan.c. Frames are cut from test/data captures; the expected values are
 * what tshark 4.0 shows for them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* lldp_cdp.pcap frame 1, the CDP TLVs cut to a few: Ethernet 802.3 with
   the length of what follows (126), 4 octets of trailer padding. */
static const uint8_t cdp_frame[] = {
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, /* dst CDP multicast */
	0x00, 0x18, 0xba, 0x98, 0x68, 0x8f, /* src */
	0x00, 0x7e,			    /* 802.3 length 126 */
	0xaa, 0xaa, 0x03,		    /* LLC: SNAP SAPs, UI */
	0x00, 0x00, 0x0c, 0x20, 0x00,	    /* SNAP: Cisco, CDP */
	0x02, 0xb4, 0x0b, 0xea,		    /* CDP v2, TTL 180, checksum */
	0x00, 0x01, 0x00, 0x06, 'S', '1',   /* Device ID "S1" */
	0x00, 0x02, 0x00, 0x11,		    /* Addresses, 17 */
	0x00, 0x00, 0x00, 0x01,		    /*   1 address */
	0x01, 0x01, 0xcc,		    /*   NLPID, length 1, IP */
	0x00, 0x04, 0x00, 0x00, 0x00, 0x00, /*   4 octets: 0.0.0.0 */
	0x00, 0x03, 0x00, 0x14,		    /* Port ID, 20 */
	'F', 'a', 's', 't', 'E', 't', 'h', 'e', 'r', 'n', 'e', 't', '0', '/',
	'1', '3',
	0x00, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x28, /* Capabilities:
							   switch, IGMP */
	0x00, 0x08, 0x00, 0x24,		    /* Protocol Hello, 36 */
	0x00, 0x00, 0x0c, 0x01, 0x12,	    /*   OUI Cisco, cluster mgmt */
	0x00, 0x00, 0x00, 0x00,		    /*   cluster master IP */
	0xff, 0xff, 0xff, 0xff,		    /*   IP? */
	0x01, 0x02, 0x20, 0xff,		    /*   version, sub, status, unk */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /*   commander MAC */
	0x00, 0x18, 0xba, 0x98, 0x68, 0x80, /*   switch MAC */
	0xff, 0x00, 0x00,		    /*   unknown, management VLAN 0 */
	0x00, 0x0a, 0x00, 0x06, 0x00, 0x01, /* Native VLAN 1 */
	0x00, 0x0b, 0x00, 0x05, 0x01,	    /* Duplex full */
	0x00, 0x1a, 0x00, 0x10,		    /* Power Available, 16 */
	0x00, 0x00, 0x00, 0x01,		    /*   request 0, management 1 */
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, /*   0, 4294967295 mW */
	0x00, 0x00, 0x00, 0x00, /* trailer padding (not in the length) */
};

static void test_cdp_frame(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, cdp_frame,
				  sizeof(cdp_frame)),
			 DEC_OK);

	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 0);
	assert_non_null(e);
	assert_int_equal(e->ethernettype, 0); /* gopacket's EthernetTypeLLC */
	assert_int_equal(e->payloadsize, 126); /* eth.len; padding excluded */
	H_FREE(e);
	assert_int_equal(h_event(h, NC_EV_ETH_LLC), 1);

	Netcap__LLC *l = h_get(h, NC_REC_LLC, 0);
	assert_non_null(l);
	assert_int_equal(l->dsap, 0xaa);
	assert_false(l->ig);
	assert_int_equal(l->ssap, 0xaa);
	assert_false(l->cr);
	assert_int_equal(l->control, 0x03);
	H_FREE(l);

	Netcap__SNAP *s = h_get(h, NC_REC_SNAP, 0);
	assert_non_null(s);
	assert_bytes(s->organizationalcode, 0x00, 0x00, 0x0c);
	assert_int_equal(s->type, 0x2000);
	H_FREE(s);

	Netcap__CiscoDiscovery *c = h_get(h, NC_REC_CISCO_DISCOVERY, 0);
	assert_non_null(c);
	assert_int_equal(c->version, 2);
	assert_int_equal(c->ttl, 180);
	assert_int_equal(c->checksum, 0x0bea);
	assert_int_equal(c->n_values, 8);
	assert_int_equal(c->values[0]->type, 1);
	assert_int_equal(c->values[0]->length, 6);
	assert_bytes(c->values[0]->value, 'S', '1');
	assert_int_equal(c->values[7]->type, 0x1a);
	assert_int_equal(c->values[7]->length, 16);
	H_FREE(c);

	Netcap__CiscoDiscoveryInfo *i = h_get(h, NC_REC_CISCO_DISCOVERY_INFO, 0);
	assert_non_null(i);
	assert_string_equal(i->deviceid, "S1");
	assert_string_equal(i->portid, "FastEthernet0/13");
	assert_int_equal(i->n_addresses, 1);
	assert_bytes(i->addresses[0], 0, 0, 0, 0);
	assert_non_null(i->capabilities);
	assert_true(i->capabilities->l2switch);
	assert_true(i->capabilities->igmpfilter);
	assert_false(i->capabilities->l3router);
	assert_non_null(i->cdphello);
	assert_bytes(i->cdphello->oui, 0x00, 0x00, 0x0c);
	assert_int_equal(i->cdphello->protocolid, 0x0112);
	assert_bytes(i->cdphello->unknown1, 0xff, 0xff, 0xff, 0xff);
	assert_int_equal(i->cdphello->version, 1);
	assert_int_equal(i->cdphello->subversion, 2);
	assert_int_equal(i->cdphello->status, 0x20);
	assert_int_equal(i->cdphello->unknown2, 0xff);
	assert_bytes(i->cdphello->switchmac, 0x00, 0x18, 0xba, 0x98, 0x68, 0x80);
	assert_int_equal(i->cdphello->unknown3, 0xff);
	assert_int_equal(i->cdphello->managementvlan, 0);
	assert_int_equal(i->nativevlan, 1);
	assert_true(i->fullduplex);
	assert_null(i->powerrequest);
	assert_non_null(i->poweravailable);
	assert_int_equal(i->poweravailable->id, 0);
	assert_int_equal(i->poweravailable->mgmtid, 1);
	assert_int_equal(i->poweravailable->n_values, 2);
	assert_int_equal(i->poweravailable->values[0], 0);
	assert_int_equal(i->poweravailable->values[1], 4294967295u);
	assert_int_equal(i->n_unknown, 0);
	H_FREE(i);
	free(h);
}

/* CDP after Ethernet + LLC + SNAP: 14 + 3 + 5 octets, length set by len. */
#define CDP_HDR(len_hi, len_lo)                                              \
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, 0x00, 0x18, 0xba, 0x98, 0x68,    \
		0x8f, len_hi, len_lo, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c,    \
		0x20, 0x00

static void test_cdp_bad(void **state)
{
	(void)state;
	struct harness *h = h_new();

	static const uint8_t badver[] = {
		CDP_HDR(0x00, 0x0c),
		0x03, 0xb4, 0x00, 0x00, /* version 3 */
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, badver, sizeof(badver)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "cdp.bad_version"));
	assert_int_equal(h_count(h, NC_REC_CISCO_DISCOVERY), 0);

	static const uint8_t shortlen[] = {
		CDP_HDR(0x00, 0x16),
		0x02, 0xb4, 0x00, 0x00,		    /* v2 */
		0x00, 0x01, 0x00, 0x06, 'S', '1',   /* Device ID "S1" */
		0x00, 0x01, 0x00, 0x03, 0x00, 0x00, /* TLV length 3 < 4 */
	};
	assert_int_equal(
		h_decode(h, NC_LINK_ETHERNET, shortlen, sizeof(shortlen)),
		DEC_INVALID);
	assert_true(h_has_anomaly(h, "cdp.tlv_invalid"));
	Netcap__CiscoDiscovery *c = h_get(h, NC_REC_CISCO_DISCOVERY, 0);
	assert_non_null(c);
	assert_int_equal(c->n_values, 1); /* the TLV before is kept */
	H_FREE(c);
	Netcap__CiscoDiscoveryInfo *i = h_get(h, NC_REC_CISCO_DISCOVERY_INFO, 0);
	assert_non_null(i);
	assert_string_equal(i->deviceid, "S1");
	H_FREE(i);

	static const uint8_t beyond[] = {
		CDP_HDR(0x00, 0x10),
		0x02, 0xb4, 0x00, 0x00,		  /* v2 */
		0x00, 0x01, 0x00, 0x20, 'S', '1', /* length 32 > the data */
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, beyond, sizeof(beyond)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "cdp.tlv_invalid"));

	static const uint8_t shortcap[] = {
		CDP_HDR(0x00, 0x12),
		0x02, 0xb4, 0x00, 0x00,		    /* v2 */
		0x00, 0x04, 0x00, 0x06, 0x00, 0x28, /* Capabilities, 2 octets */
	};
	assert_int_equal(
		h_decode(h, NC_LINK_ETHERNET, shortcap, sizeof(shortcap)),
		DEC_INVALID);
	assert_true(h_has_anomaly(h, "cdp.tlv_invalid"));
	i = h_get(h, NC_REC_CISCO_DISCOVERY_INFO, 0);
	assert_non_null(i);
	assert_null(i->capabilities);
	H_FREE(i);

	static const uint8_t trunc[] = {
		CDP_HDR(0x00, 0x0a),
		0x02, 0xb4, /* header cut after 2 octets */
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, trunc, sizeof(trunc)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "cdp.truncated"));
	free(h);
}

/* 65 empty TLVs of an unknown type: 64 kept, then cdp.too_many_tlvs. */
static void test_cdp_too_many(void **state)
{
	(void)state;
	uint8_t f[22 + 4 + 65 * 4] = {CDP_HDR(0x00, 0x00), 0x02, 0xb4};
	size_t len = sizeof(f) - 14;
	f[12] = (uint8_t)(len >> 8);
	f[13] = (uint8_t)len;
	for (int k = 0; k < 65; k++) {
		uint8_t *t = f + 26 + 4 * k;
		t[0] = 0x00, t[1] = 0xff, t[2] = 0x00, t[3] = 0x04;
	}
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "cdp.too_many_tlvs"));
	Netcap__CiscoDiscovery *c = h_get(h, NC_REC_CISCO_DISCOVERY, 0);
	assert_non_null(c);
	assert_int_equal(c->n_values, NC_MAX_OPTIONS);
	H_FREE(c);
	Netcap__CiscoDiscoveryInfo *i = h_get(h, NC_REC_CISCO_DISCOVERY_INFO, 0);
	assert_non_null(i);
	assert_int_equal(i->n_unknown, NC_MAX_OPTIONS);
	H_FREE(i);
	free(h);
}

/* nortel-ndp_stp_vlan.pcap frame 3: 802.1Q VLAN 1, 802.3 length 19. */
static void test_ndp(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x01, 0x00, 0x81, 0x00, 0x01, 0x00, /* dst Nortel autodiscovery */
		0x00, 0x19, 0x69, 0xdf, 0xdc, 0x01, /* src */
		0x81, 0x00, 0x00, 0x01,		    /* 802.1Q, VLAN 1 */
		0x00, 0x13,			    /* 802.3 length 19 */
		0xaa, 0xaa, 0x03,		    /* LLC: SNAP, UI */
		0x00, 0x00, 0x81, 0x01, 0xa2,	    /* Nortel, segment hello */
		0x00, 0x00, 0x00, 0x00,		    /* IP address 0.0.0.0 */
		0x00, 0x01, 0x15,		    /* segment 0x000115 */
		0x83, 0x0c, 0x02, 0x00, /* chassis 131, backplane 12,
					   state 2 (heartbeat), 0 links */
		0x00, 0x00, 0x00, 0x00, /* padding */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__Dot1Q *v = h_get(h, NC_REC_DOT1Q, 0);
	assert_non_null(v);
	assert_int_equal(v->type, 19);
	H_FREE(v);
	Netcap__SNAP *s = h_get(h, NC_REC_SNAP, 0);
	assert_non_null(s);
	assert_int_equal(s->type, 0x01a2);
	H_FREE(s);
	Netcap__NortelDiscovery *n = h_get(h, NC_REC_NORTEL_DISCOVERY, 0);
	assert_non_null(n);
	assert_bytes(n->ipaddress, 0, 0, 0, 0);
	assert_bytes(n->segmentid, 0x00, 0x01, 0x15);
	assert_int_equal(n->chassis, 131);
	assert_int_equal(n->backplane, 12);
	assert_int_equal(n->state, 2);
	assert_int_equal(n->numlinks, 0);
	assert_bytes(n->srcmac, 0x00, 0x19, 0x69, 0xdf, 0xdc, 0x01);
	assert_bytes(n->dstmac, 0x01, 0x00, 0x81, 0x00, 0x01, 0x00);
	H_FREE(n);

	/* the same, 802.3 length 14: the NDP body is cut after 6 octets */
	uint8_t g[sizeof(f)];
	memcpy(g, f, sizeof(f));
	g[17] = 14;
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, g, sizeof(g)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "ndp.truncated"));
	assert_int_equal(h_count(h, NC_REC_NORTEL_DISCOVERY), 0);
	free(h);
}

/* nortel-ndp_stp_vlan.pcap frame 1: STP BPDU, LLC SAP 0x42. */
static void test_llc_stp(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, /* dst STP */
		0x00, 0x19, 0x69, 0xdf, 0xdc, 0x01, /* src */
		0x00, 0x26,			    /* 802.3 length 38 */
		0x42, 0x42, 0x03,		    /* LLC: STP SAPs, UI */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x19, 0x69,
		0xdf, 0xdc, 0x01, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00,
		0x19, 0x69, 0xdf, 0xdc, 0x01, 0x80, 0x15, 0x00, 0x00, 0x14,
		0x00, 0x02, 0x00, 0x0f, 0x00, /* BPDU (35 octets) */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	Netcap__LLC *l = h_get(h, NC_REC_LLC, 0);
	assert_non_null(l);
	assert_int_equal(l->dsap, 0x42);
	assert_int_equal(l->ssap, 0x42);
	assert_int_equal(l->control, 0x03);
	H_FREE(l);
	assert_int_equal(h_event(h, NC_EV_LLC_UNSUPPORTED_SAP), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0); /* INFO only */
	assert_int_equal(h_count(h, NC_REC_SNAP), 0);
	free(h);
}

/* LLC: I-format control (2 octets), group DSAP, response; truncation;
   an 802.3 length beyond the frame. */
static void test_llc_fields(void **state)
{
	(void)state;
	static const uint8_t iframe[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x04,			    /* 802.3 length 4 */
		0xf1, 0xf1, 0x0a, 0x0c, /* DSAP F0 group, SSAP F0 response,
					   I frame N(S) 5, N(R) 6 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, iframe, sizeof(iframe)),
			 DEC_UNSUPPORTED);
	Netcap__LLC *l = h_get(h, NC_REC_LLC, 0);
	assert_non_null(l);
	assert_int_equal(l->dsap, 0xf0);
	assert_true(l->ig);
	assert_int_equal(l->ssap, 0xf0);
	assert_true(l->cr);
	assert_int_equal(l->control, 0x0a0c); /* first octet high */
	H_FREE(l);

	static const uint8_t cut[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x03,			    /* 802.3 length 3 */
		0xf0, 0xf0, 0x00, /* I frame: the second control octet is
				     past the length */
		0x00,
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, cut, sizeof(cut)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "llc.truncated"));
	assert_int_equal(h_count(h, NC_REC_LLC), 0);

	static const uint8_t beyond[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x40,			    /* 802.3 length 64 */
		0x42, 0x42, 0x03,		    /* only 3 octets */
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, beyond, sizeof(beyond)),
			 DEC_UNSUPPORTED);
	assert_true(h_has_anomaly(h, "eth.length_beyond_frame"));
	Netcap__Ethernet *e = h_get(h, NC_REC_ETHERNET, 0);
	assert_non_null(e);
	assert_int_equal(e->ethernettype, 0);
	assert_int_equal(e->payloadsize, 3); /* what there is */
	H_FREE(e);
	assert_int_equal(h_count(h, NC_REC_LLC), 1); /* decoded as captured */
	free(h);
}

/* SNAP: OUI 000000 dispatches the PID as an EtherType; an unknown
   OUI/PID is counted; a cut header is snap.truncated. */
static void test_snap(void **state)
{
	(void)state;
	static const uint8_t dtp[] = {
		0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x08,			    /* 802.3 length 8 */
		0xaa, 0xaa, 0x03,		    /* LLC */
		0x00, 0x00, 0x0c, 0x20, 0x04,	    /* Cisco DTP */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, dtp, sizeof(dtp)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_SNAP_UNSUPPORTED), 1);
	assert_int_equal(h_count(h, NC_REC_SNAP), 1);

	static const uint8_t cut[] = {
		0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, /* dst */
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, /* src */
		0x00, 0x07,			    /* 802.3 length 7 */
		0xaa, 0xaa, 0x03,		    /* LLC */
		0x00, 0x00, 0x0c, 0x20,		    /* PID cut */
	};
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, cut, sizeof(cut)),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "snap.truncated"));
	assert_int_equal(h_count(h, NC_REC_SNAP), 0);
	free(h);
}

/* fddi_llc_ip_tcp_dns.pcap frame 1 (first 41 octets: FDDI, LLC, SNAP,
   IPv4 with its 20-octet header; the TCP header cut off). */
static void test_fddi(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x50,				    /* FC: async LLC, prio 0 */
		0xaa, 0x00, 0x04, 0x00, 0x83, 0xa7, /* dst (tshark, bit-
						       swapped: 55:00:20:00:c1:e5) */
		0xaa, 0x00, 0x04, 0x00, 0x82, 0xa7, /* src (55:00:20:00:41:e5) */
		0xaa, 0xaa, 0x03,		    /* LLC: SNAP, UI */
		0x00, 0x00, 0x00, 0x08, 0x00,	    /* SNAP: EtherType IPv4 */
		0x45, 0x00, 0x00, 0x2c, 0xe3, 0x76, 0x00, 0x00, 0x33, 0x06,
		0xe1, 0x46, 0xd4, 0xb4, 0x2a, 0x64, 0x83, 0xf3, 0x40, 0x03,
		/* IPv4 212.180.42.100 -> 131.243.64.3, TCP */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_FDDI, f, sizeof(f));
	Netcap__FDDI *r = h_get(h, NC_REC_FDDI, 0);
	assert_non_null(r);
	assert_int_equal(r->framecontrol, 0x50);
	assert_int_equal(r->priority, 0);
	assert_bytes(r->dstmac, 0xaa, 0x00, 0x04, 0x00, 0x83, 0xa7);
	assert_bytes(r->srcmac, 0xaa, 0x00, 0x04, 0x00, 0x82, 0xa7);
	H_FREE(r);
	Netcap__SNAP *s = h_get(h, NC_REC_SNAP, 0);
	assert_non_null(s);
	assert_bytes(s->organizationalcode, 0x00, 0x00, 0x00);
	assert_int_equal(s->type, 0x0800);
	H_FREE(s);
	Netcap__IPv4 *ip = h_get(h, NC_REC_IPV4, 0);
	assert_non_null(ip);
	assert_bytes(ip->srcip, 212, 180, 42, 100);
	H_FREE(ip);

	/* FC 0x57: async LLC, priority 7 */
	uint8_t g[sizeof(f)];
	memcpy(g, f, sizeof(f));
	g[0] = 0x57;
	h_decode(h, NC_LINK_FDDI, g, sizeof(g));
	r = h_get(h, NC_REC_FDDI, 0);
	assert_non_null(r);
	assert_int_equal(r->framecontrol, 0x50);
	assert_int_equal(r->priority, 7);
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_LLC), 1);

	/* FC 0x41: an SMT frame, not LLC */
	g[0] = 0x41;
	assert_int_equal(h_decode(h, NC_LINK_FDDI, g, sizeof(g)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_FDDI_NOT_LLC), 1);
	assert_int_equal(h_count(h, NC_REC_LLC), 0);

	/* a header cut in the source address */
	assert_int_equal(h_decode(h, NC_LINK_FDDI, f, 10), DEC_TRUNC);
	assert_true(h_has_anomaly(h, "fddi.truncated"));
	assert_int_equal(h_count(h, NC_REC_FDDI), 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdp_frame),
		cmocka_unit_test(test_cdp_bad),
		cmocka_unit_test(test_cdp_too_many),
		cmocka_unit_test(test_ndp),
		cmocka_unit_test(test_llc_stp),
		cmocka_unit_test(test_llc_fields),
		cmocka_unit_test(test_snap),
		cmocka_unit_test(test_fddi),
	};
	return cmocka_run_group_tests_name("llc", tests, NULL, NULL);
}
