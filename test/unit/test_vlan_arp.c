/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the 802.1Q/802.1ad decoder (decoders/vlan.c) and the ARP
 * decoder (decoders/arp.c). Frames marked "from <capture>" are copied from
 * /work/shared/testdata/pcaps with tshark -x and their expected values are
 * tshark's; the others follow IEEE 802.1Q and RFC 826 and were checked with
 * tshark on a pcap holding them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#define ETH_HDR(type_hi, type_lo)                                          \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst broadcast */            \
	0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* src */                      \
	type_hi, type_lo                    /* ethertype */

/* ARP request body from arp_request-reply_icmp.pcap frame 1 (28 octets). */
#define ARP_REQ_BODY                                                       \
	0x00, 0x01,                         /* htype 1 Ethernet */         \
	0x08, 0x00,                         /* ptype IPv4 */               \
	0x06, 0x04,                         /* hlen 6, plen 4 */           \
	0x00, 0x01,                         /* oper 1 request */           \
	0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* sha */                      \
	0x0a, 0x0a, 0x0a, 0x02,             /* spa 10.10.10.2 */           \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */                      \
	0x0a, 0x0a, 0x0a, 0x01              /* tpa 10.10.10.1 */

/* ---- 802.1Q / 802.1ad ---- */

static void test_qinq_capture(void **state)
{
	(void)state;
	/* from qinq-8021ad_arp.pcap frame 1 */
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* dst broadcast */
		0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, /* src */
		0x88, 0xa8,                         /* 802.1ad S-tag */
		0x00, 0xc8,                         /* PCP 0, DEI 0, VID 200 */
		0x81, 0x00,                         /* next: 802.1Q C-tag */
		0x07, 0xd1,                         /* PCP 0, DEI 0, VID 2001 */
		0x08, 0x06,                         /* next: ARP */
		0x00, 0x01, 0x08, 0x00,             /* Ethernet, IPv4 */
		0x06, 0x04, 0x00, 0x01,             /* 6, 4, request */
		0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f, /* sha */
		0xac, 0x15, 0x4f, 0x61,             /* spa 172.21.79.97 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */
		0xac, 0x15, 0x4f, 0x64,             /* tpa 172.21.79.100 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding ... */
		0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,             /* trailer */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), 2);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);

	Netcap__Dot1Q *outer = h_get(h, NC_REC_DOT1Q, 0);
	assert_non_null(outer);
	assert_int_equal(outer->timestamp, 1000000002LL);
	assert_int_equal(outer->priority, 0);
	assert_false(outer->dropeligible);
	assert_int_equal(outer->vlanidentifier, 200);
	assert_int_equal(outer->type, 0x8100);
	H_FREE(outer);

	Netcap__Dot1Q *inner = h_get(h, NC_REC_DOT1Q, 1);
	assert_non_null(inner);
	assert_int_equal(inner->priority, 0);
	assert_false(inner->dropeligible);
	assert_int_equal(inner->vlanidentifier, 2001);
	assert_int_equal(inner->type, 0x0806);
	H_FREE(inner);

	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->operation, 1);
	assert_bytes(a->srchwaddress, 0x00, 0x20, 0xd2, 0x5a, 0xfb, 0x3f);
	assert_bytes(a->srcprotocoladdress, 172, 21, 79, 97);
	assert_bytes(a->dsthwaddress, 0, 0, 0, 0, 0, 0);
	assert_bytes(a->dstprotocoladdress, 172, 21, 79, 100);
	H_FREE(a);
	free(h);
}

static void test_vlan_pcp_dei(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x81, 0x00), /* 802.1Q */
		0xb0, 0x64,          /* PCP 5 (101), DEI 1, VID 100 */
		0x08, 0x06,          /* next: ARP */
		ARP_REQ_BODY,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	Netcap__Dot1Q *v = h_get(h, NC_REC_DOT1Q, 0);
	assert_non_null(v);
	assert_int_equal(v->priority, 5);
	assert_true(v->dropeligible);
	assert_int_equal(v->vlanidentifier, 100);
	assert_int_equal(v->type, 0x0806);
	H_FREE(v);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	free(h);
}

static void test_vlan_max_fields(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x91, 0x00), /* pre-standard QinQ TPID */
		0xff, 0xff,          /* PCP 7, DEI 1, VID 4095 */
		0x88, 0xb5,          /* next: local experimental */
		0x02, 0x07,          /* payload */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	Netcap__Dot1Q *v = h_get(h, NC_REC_DOT1Q, 0);
	assert_non_null(v);
	assert_int_equal(v->priority, 7);
	assert_true(v->dropeligible);
	assert_int_equal(v->vlanidentifier, 4095);
	assert_int_equal(v->type, 0x88b5);
	H_FREE(v);
	assert_int_equal(h_event(h, NC_EV_ETH_UNKNOWN_TYPE), 1);
	free(h);
}

static void test_vlan_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x81, 0x00), /* 802.1Q */
		0x00, 0x64,          /* VID 100 */
		0x08,                /* next type cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), 0);
	assert_int_equal(h_event(h, NC_EV_VLAN_TRUNC), 1);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_non_null(a);
	assert_string_equal(a->event, "vlan.truncated");
	assert_int_equal(a->offset, 14); /* the tag starts after Ethernet */
	H_FREE(a);
	free(h);
}

static void test_vlan_llc(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x81, 0x00), /* 802.1Q */
		0x00, 0x0a,          /* VID 10 */
		0x00, 0x03,          /* 802.3 length 3 */
		0x42, 0x42, 0x03,    /* LLC: STP SAPs, UI */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	Netcap__Dot1Q *v = h_get(h, NC_REC_DOT1Q, 0);
	assert_non_null(v);
	assert_int_equal(v->vlanidentifier, 10);
	assert_int_equal(v->type, 3);
	H_FREE(v);
	assert_int_equal(h_event(h, NC_EV_ETH_LLC), 1);
	free(h);
}

/*
 * Ethernet with TPID 0x8100, then ntags tags (each TCI = VID i+1 and the
 * next type: 0x8100 while tags follow, 0x0806 after the last), then an
 * ARP request. Returns the frame length.
 */
static size_t stacked_frame(uint8_t *f, size_t cap, unsigned ntags)
{
	static const uint8_t eth[] = { ETH_HDR(0x81, 0x00) };
	static const uint8_t arp[] = { ARP_REQ_BODY };
	size_t n = 0;

	assert_true(sizeof(eth) + 4 * ntags + sizeof(arp) <= cap);
	memcpy(f, eth, sizeof(eth));
	n += sizeof(eth);
	for (unsigned i = 0; i < ntags; i++) {
		f[n++] = 0x00;                /* PCP 0, DEI 0 */
		f[n++] = (uint8_t)(i + 1);    /* VID i+1 */
		bool last = i + 1 == ntags;
		f[n++] = last ? 0x08 : 0x81;  /* next: ARP or 802.1Q */
		f[n++] = last ? 0x06 : 0x00;
	}
	memcpy(f + n, arp, sizeof(arp));
	return n + sizeof(arp);
}

static void test_vlan_depth_cap(void **state)
{
	(void)state;
	uint8_t f[256];
	struct harness *h = h_new();

	/* NC_MAX_VLAN_DEPTH tags: all decoded, ARP reached */
	size_t n = stacked_frame(f, sizeof(f), NC_MAX_VLAN_DEPTH);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, n), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), NC_MAX_VLAN_DEPTH);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	assert_int_equal(h_event(h, NC_EV_VLAN_TOO_DEEP), 0);
	for (unsigned i = 0; i < NC_MAX_VLAN_DEPTH; i++) {
		Netcap__Dot1Q *v = h_get(h, NC_REC_DOT1Q, i);
		assert_non_null(v);
		assert_int_equal(v->vlanidentifier, i + 1); /* outer first */
		H_FREE(v);
	}

	/* one more: the extra tag is vlan.too_deep, nothing behind it */
	n = stacked_frame(f, sizeof(f), NC_MAX_VLAN_DEPTH + 1);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, n), DEC_INVALID);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), NC_MAX_VLAN_DEPTH);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	assert_int_equal(h_event(h, NC_EV_VLAN_TOO_DEEP), 1);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_non_null(a);
	assert_string_equal(a->event, "vlan.too_deep");
	assert_int_equal(a->offset, 14 + 4 * NC_MAX_VLAN_DEPTH);
	H_FREE(a);

	/* the depth is per frame: a one-tag frame decodes again */
	n = stacked_frame(f, sizeof(f), 1);
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, n), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), 1);
	free(h);
}

static void test_vlan_not_wanted(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x81, 0x00), /* 802.1Q */
		0x00, 0x64,          /* VID 100 */
		0x08, 0x06,          /* next: ARP */
		ARP_REQ_BODY,
	};
	struct harness *h = h_new();
	h->cfg.want.on[NC_REC_DOT1Q] = false;
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT1Q), 0);
	assert_int_equal(h_count(h, NC_REC_ARP), 1);
	assert_int_equal(h->dec.records[NC_REC_DOT1Q], 0);
	free(h);
}

/* ---- ARP ---- */

static void test_arp_request_reply_capture(void **state)
{
	(void)state;
	/* from arp_request-reply_icmp.pcap frame 1 (60 octets) */
	static const uint8_t req[] = {
		ETH_HDR(0x08, 0x06),
		ARP_REQ_BODY,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding to 60 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	/* from arp_request-reply_icmp.pcap frame 2 */
	static const uint8_t rep[] = {
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* dst */
		0x00, 0x1d, 0x09, 0xf0, 0x92, 0xab, /* src */
		0x08, 0x06,                         /* ARP */
		0x00, 0x01,                         /* htype Ethernet */
		0x08, 0x00,                         /* ptype IPv4 */
		0x06, 0x04,                         /* hlen 6, plen 4 */
		0x00, 0x02,                         /* oper 2 reply */
		0x00, 0x1d, 0x09, 0xf0, 0x92, 0xab, /* sha */
		0x0a, 0x0a, 0x0a, 0x01,             /* spa 10.10.10.1 */
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* tha */
		0x0a, 0x0a, 0x0a, 0x02,             /* tpa 10.10.10.2 */
	};
	struct harness *h = h_new();

	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, req, sizeof(req)),
			 DEC_OK);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->timestamp, 1000000002LL);
	assert_int_equal(a->addrtype, 1);
	assert_int_equal(a->protocol, 0x0800);
	assert_int_equal(a->hwaddresssize, 6);
	assert_int_equal(a->protocoladdresssize, 4);
	assert_int_equal(a->operation, 1);
	assert_bytes(a->srchwaddress, 0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc);
	assert_bytes(a->srcprotocoladdress, 10, 10, 10, 2);
	assert_bytes(a->dsthwaddress, 0, 0, 0, 0, 0, 0);
	assert_bytes(a->dstprotocoladdress, 10, 10, 10, 1);
	H_FREE(a);
	/* ARP addresses are payload: no IP context for the frame */
	assert_int_equal(h->dec.ip_len, 0);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);

	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, rep, sizeof(rep)),
			 DEC_OK);
	a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->operation, 2);
	assert_bytes(a->srchwaddress, 0x00, 0x1d, 0x09, 0xf0, 0x92, 0xab);
	assert_bytes(a->srcprotocoladdress, 10, 10, 10, 1);
	assert_bytes(a->dsthwaddress, 0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc);
	assert_bytes(a->dstprotocoladdress, 10, 10, 10, 2);
	H_FREE(a);
	assert_int_equal(h->dec.ip_len, 0);
	free(h);
}

static void test_arp_truncated_header(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x01,       /* htype */
		0x08, 0x00,       /* ptype */
		0x06, 0x04,       /* hlen, plen */
		0x00,             /* oper cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	assert_int_equal(h_event(h, NC_EV_ARP_TRUNC), 1);
	Netcap__Anomaly *a = h_get(h, NC_REC_ANOMALY, 0);
	assert_non_null(a);
	assert_string_equal(a->event, "arp.truncated");
	assert_int_equal(a->offset, 14);
	assert_int_equal(a->srcip.len, 0);
	H_FREE(a);
	free(h);
}

static void test_arp_truncated_addresses(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x01,                         /* htype Ethernet */
		0x08, 0x00,                         /* ptype IPv4 */
		0x06, 0x04,                         /* hlen 6, plen 4 */
		0x00, 0x01,                         /* oper request */
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* sha */
		0x0a, 0x0a, 0x0a, 0x02,             /* spa */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* tha */
		0x0a, 0x0a, 0x0a,                   /* tpa cut short */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	assert_int_equal(h_event(h, NC_EV_ARP_TRUNC), 1);
	assert_int_equal(h_event(h, NC_EV_ARP_BAD_SIZES), 0);
	free(h);
}

static void test_arp_zero_sizes(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x01, /* htype Ethernet */
		0x08, 0x00, /* ptype IPv4 */
		0x00, 0x00, /* hlen 0, plen 0: no addresses */
		0x00, 0x01, /* oper request */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "arp.bad_address_sizes"));
	/* the readable part is still written */
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->hwaddresssize, 0);
	assert_int_equal(a->protocoladdresssize, 0);
	assert_int_equal(a->operation, 1);
	assert_int_equal(a->srchwaddress.len, 0);
	assert_int_equal(a->srcprotocoladdress.len, 0);
	assert_int_equal(a->dsthwaddress.len, 0);
	assert_int_equal(a->dstprotocoladdress.len, 0);
	H_FREE(a);
	free(h);
}

static void test_arp_sizes_mismatch(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x01,             /* htype Ethernet ... */
		0x08, 0x00,             /* ptype IPv4 ... */
		0x02, 0x02,             /* ... with hlen 2, plen 2 */
		0x00, 0x02,             /* oper reply */
		0xaa, 0xbb,             /* sha */
		0x0a, 0x0a,             /* spa */
		0xcc, 0xdd,             /* tha */
		0x0a, 0x0b,             /* tpa */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_ARP_BAD_SIZES), 1);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->hwaddresssize, 2);
	assert_int_equal(a->protocoladdresssize, 2);
	assert_bytes(a->srchwaddress, 0xaa, 0xbb);
	assert_bytes(a->srcprotocoladdress, 0x0a, 0x0a);
	assert_bytes(a->dsthwaddress, 0xcc, 0xdd);
	assert_bytes(a->dstprotocoladdress, 0x0a, 0x0b);
	H_FREE(a);
	free(h);
}

static void test_arp_bad_sizes_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x01, /* htype Ethernet */
		0x08, 0x00, /* ptype IPv4 */
		0xff, 0x04, /* hlen 255: far beyond the frame */
		0x00, 0x01, /* oper request */
		0x00, 0x1a, 0x6b, 0x6c, 0x0c, 0xcc, /* 6 octets of sha */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_ARP_BAD_SIZES), 1);
	assert_int_equal(h_event(h, NC_EV_ARP_TRUNC), 1);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	free(h);
}

static void test_arp_infiniband(void **state)
{
	(void)state;
	/* RFC 4391: IPoIB ARP, hardware type 32, 20-octet addresses */
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		0x00, 0x20,             /* htype 32 InfiniBand */
		0x08, 0x00,             /* ptype IPv4 */
		0x14, 0x04,             /* hlen 20, plen 4 */
		0x00, 0x01,             /* oper request */
		0x00, 0x00, 0x04, 0x04, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x02, 0xc9, 0x03, 0x00, 0x01, 0x23, 0x45,
		                        /* sha: QPN + port GID */
		0x0a, 0x00, 0x00, 0x01, /* spa 10.0.0.1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		                        /* tha: unknown */
		0x0a, 0x00, 0x00, 0x02, /* tpa 10.0.0.2 */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_event(h, NC_EV_ARP_BAD_SIZES), 0);
	Netcap__ARP *a = h_get(h, NC_REC_ARP, 0);
	assert_non_null(a);
	assert_int_equal(a->addrtype, 32);
	assert_int_equal(a->hwaddresssize, 20);
	assert_int_equal(a->srchwaddress.len, 20);
	assert_int_equal(a->srchwaddress.data[19], 0x45);
	assert_bytes(a->srcprotocoladdress, 10, 0, 0, 1);
	assert_bytes(a->dstprotocoladdress, 10, 0, 0, 2);
	H_FREE(a);
	free(h);
}

static void test_arp_not_wanted(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x08, 0x06),
		ARP_REQ_BODY,
	};
	struct harness *h = h_new();
	h->cfg.want.on[NC_REC_ARP] = false;
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)), DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ARP), 0);
	assert_int_equal(h_count(h, NC_REC_ETHERNET), 1);
	free(h);
}

/* Every prefix of a tagged ARP frame: no crash, no overread, one event. */
static void test_vlan_arp_prefixes(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		ETH_HDR(0x88, 0xa8), /* 802.1ad */
		0x00, 0xc8,          /* VID 200 */
		0x81, 0x00,          /* next: 802.1Q */
		0x07, 0xd1,          /* VID 2001 */
		0x08, 0x06,          /* next: ARP */
		ARP_REQ_BODY,
	};
	struct harness *h = h_new();
	for (size_t n = 0; n < sizeof(f); n++) {
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, f, n);
		assert_int_equal(h_decode(h, NC_LINK_ETHERNET, p, n),
				 DEC_TRUNC);
		free(p);
		assert_int_equal(h_count(h, NC_REC_ANOMALY), 1);
	}
	assert_int_equal(h_event(h, NC_EV_ETH_TRUNC), 14);
	assert_int_equal(h_event(h, NC_EV_VLAN_TRUNC), 8);
	assert_int_equal(h_event(h, NC_EV_ARP_TRUNC), 28);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qinq_capture),
		cmocka_unit_test(test_vlan_pcp_dei),
		cmocka_unit_test(test_vlan_max_fields),
		cmocka_unit_test(test_vlan_truncated),
		cmocka_unit_test(test_vlan_llc),
		cmocka_unit_test(test_vlan_depth_cap),
		cmocka_unit_test(test_vlan_not_wanted),
		cmocka_unit_test(test_arp_request_reply_capture),
		cmocka_unit_test(test_arp_truncated_header),
		cmocka_unit_test(test_arp_truncated_addresses),
		cmocka_unit_test(test_arp_zero_sizes),
		cmocka_unit_test(test_arp_sizes_mismatch),
		cmocka_unit_test(test_arp_bad_sizes_truncated),
		cmocka_unit_test(test_arp_infiniband),
		cmocka_unit_test(test_arp_not_wanted),
		cmocka_unit_test(test_vlan_arp_prefixes),
	};
	return cmocka_run_group_tests_name("vlan_arp", tests, NULL, NULL);
}
