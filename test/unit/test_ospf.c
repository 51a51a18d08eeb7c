/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ospf.c: OSPFv2 and OSPFv3 (decoders/net/ospf.c). Frames are cut from
 * test/data/ospfv2_ls-update-ack.pcap (frames 1, 2) and
 * test/data/ospfv3_broadcast-adjacency.pcap (frames 1, 19); expected
 * values are tshark 4.0's decoding of them. Truncated, invalid-length and
 * list-limit cases are built from them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "harness.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* ospfv2_ls-update-ack.pcap frame 1: LS Update with one Router-LSA */
static const uint8_t v2_lsu[] = {
    0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x30, 0xaa, 0xbb, 0xcc, 0x00, 0x0a, 0x30,
    0x08, 0x00,
    /* IPv4 10.1.10.10 -> 10.1.10.1, protocol 89, total length 108 */
    0x45, 0xc0, 0x00, 0x6c, 0x00, 0xfa, 0x00, 0x00, 0x01, 0x59, 0x8f, 0x73,
    0x0a, 0x01, 0x0a, 0x0a, 0x0a, 0x01, 0x0a, 0x01,
    /* OSPF: version 2, LS Update (4), length 88, router 172.16.0.10,
       area 0.0.0.6, checksum 0xab27, AuType 0, auth 0 */
    0x02, 0x04, 0x00, 0x58, 0xac, 0x10, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x06,
    0xab, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* Number of LSAs: 1 */
    0x00, 0x00, 0x00, 0x01,
    /* LSA header: age 1, options 0x22, type 1 (Router-LSA), ID
       172.16.0.10, adv 172.16.0.10, seq 0x80000012, cksum 0xc58a, len 60 */
    0x00, 0x01, 0x22, 0x01, 0xac, 0x10, 0x00, 0x0a, 0xac, 0x10, 0x00, 0x0a,
    0x80, 0x00, 0x00, 0x12, 0xc5, 0x8a, 0x00, 0x3c,
    /* flags 0x00, 0, 3 links */
    0x00, 0x00, 0x00, 0x03,
    /* stub 10.0.0.10/255.255.255.255, type 3, 0 TOS, metric 1 */
    0x0a, 0x00, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x03, 0x00, 0x00, 0x01,
    /* stub 172.16.0.10/255.255.255.255, type 3, 0 TOS, metric 1 */
    0xac, 0x10, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x03, 0x00, 0x00, 0x01,
    /* transit DR 10.1.10.10, data 10.1.10.10, type 2, 0 TOS, metric 10 */
    0x0a, 0x01, 0x0a, 0x0a, 0x0a, 0x01, 0x0a, 0x0a, 0x02, 0x00, 0x00, 0x0a,
};
#define V2_OSPF 34 /* offset of the OSPF header */
#define V2_LSA	62 /* offset of the LSA header */

/* ospfv2_ls-update-ack.pcap frame 2: LS Acknowledge of that LSA */
static const uint8_t v2_ack[] = {
    0xaa, 0xbb, 0xcc, 0x00, 0x0a, 0x30, 0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x30,
    0x08, 0x00,
    0x45, 0xc0, 0x00, 0x40, 0x02, 0xa9, 0x00, 0x00, 0x01, 0x59, 0x8d, 0xf0,
    0x0a, 0x01, 0x0a, 0x01, 0x0a, 0x01, 0x0a, 0x0a,
    /* version 2, LS Ack (5), length 44, router 10.1.10.1, area 0.0.0.6,
       checksum 0x33b7, AuType 0 */
    0x02, 0x05, 0x00, 0x2c, 0x0a, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06,
    0x33, 0xb7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    /* LSA header as in the update */
    0x00, 0x01, 0x22, 0x01, 0xac, 0x10, 0x00, 0x0a, 0xac, 0x10, 0x00, 0x0a,
    0x80, 0x00, 0x00, 0x12, 0xc5, 0x8a, 0x00, 0x3c,
};

/* ospfv3_broadcast-adjacency.pcap frame 1: Hello */
static const uint8_t v3_hello[] = {
    0x33, 0x33, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x00, 0x1f, 0xfa, 0x00, 0x01,
    0x86, 0xdd,
    /* IPv6 fe80::1 -> ff02::5, payload 36, next header 89 */
    0x6e, 0x00, 0x00, 0x00, 0x00, 0x24, 0x59, 0x01,
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
    /* version 3, Hello, length 36, router 1.1.1.1, area 0.0.0.1,
       checksum 0xfb86, instance 0, reserved 0 */
    0x03, 0x01, 0x00, 0x24, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01,
    0xfb, 0x86, 0x00, 0x00,
    /* interface ID 5, priority 1, options 0x000013, hello 10, dead 40,
       DR 0.0.0.0, BDR 0.0.0.0, no neighbor */
    0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x13, 0x00, 0x0a, 0x00, 0x28,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ospfv3_broadcast-adjacency.pcap frame 19: LS Update, 4 LSAs */
static const uint8_t v3_lsu[] = {
    0x33, 0x33, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x00, 0x1f, 0xfa, 0x00, 0x01,
    0x86, 0xdd,
    0x6e, 0x00, 0x00, 0x00, 0x00, 0xa8, 0x59, 0x01,
    0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
    /* version 3, LS Update, length 168, router 1.1.1.1, area 0.0.0.1,
       checksum 0x722a */
    0x03, 0x04, 0x00, 0xa8, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01,
    0x72, 0x2a, 0x00, 0x00,
    /* 4 LSAs */
    0x00, 0x00, 0x00, 0x04,
    /* Network-LSA 0x2002: age 1, ID 0.0.0.5, adv 1.1.1.1, seq
       0x80000001, cksum 0x27cc, len 32; options 0x33; attached 1.1.1.1,
       2.2.2.2 */
    0x00, 0x01, 0x20, 0x02, 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x01, 0x01,
    0x80, 0x00, 0x00, 0x01, 0x27, 0xcc, 0x00, 0x20,
    0x00, 0x00, 0x00, 0x33, 0x01, 0x01, 0x01, 0x01, 0x02, 0x02, 0x02, 0x02,
    /* Intra-Area-Prefix-LSA 0x2009: age 1, ID 0.0.20.0, len 44; 1 prefix,
       referenced 0x2002 0.0.0.5 1.1.1.1; 2001:db8:0:12::/64, options 0,
       metric 0 */
    0x00, 0x01, 0x20, 0x09, 0x00, 0x00, 0x14, 0x00, 0x01, 0x01, 0x01, 0x01,
    0x80, 0x00, 0x00, 0x01, 0x8f, 0x1c, 0x00, 0x2c,
    0x00, 0x01, 0x20, 0x02, 0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x01, 0x01,
    0x40, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x12,
    /* Intra-Area-Prefix-LSA: age 3600, ID 0, seq 0x80000002, len 32;
       0 prefixes, referenced 0x2001 0.0.0.0 1.1.1.1 */
    0x0e, 0x10, 0x20, 0x09, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01,
    0x80, 0x00, 0x00, 0x02, 0x14, 0xf6, 0x00, 0x20,
    0x00, 0x00, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01,
    /* Router-LSA 0x2001: age 1, seq 0x80000003, len 40; flags 0x01,
       options 0x33; transit (2), metric 10, interface 5, neighbor
       interface 5, neighbor router 1.1.1.1 */
    0x00, 0x01, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01,
    0x80, 0x00, 0x00, 0x03, 0x55, 0x8b, 0x00, 0x28,
    0x01, 0x00, 0x00, 0x33, 0x02, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x05, 0x01, 0x01, 0x01, 0x01,
};

static enum dec_rc decode_cut(struct harness *h, const uint8_t *f,
			      size_t caplen, size_t wirelen)
{
	h->n = 0;
	h->rc = nc_decode_frame(&h->dec, 1, f, (uint32_t)caplen,
				(uint32_t)wirelen, 1000000002LL);
	return h->rc;
}

static void test_v2_lsu(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h_decode(h, 1, v2_lsu, sizeof(v2_lsu));
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 2);
	assert_int_equal(r->type, 4);
	assert_int_equal(r->packetlength, 88);
	assert_int_equal(r->routerid, IP4(172, 16, 0, 10));
	assert_int_equal(r->areaid, 6);
	assert_int_equal(r->checksum, 0xab27);
	assert_int_equal(r->autype, 0);
	assert_bytes(r->srcip, 10, 1, 10, 10);
	assert_bytes(r->dstip, 10, 1, 10, 1);
	assert_null(r->hellov2);
	assert_null(r->dbdesc);
	assert_non_null(r->lsu);
	assert_int_equal(r->lsu->numoflsas, 1);
	assert_int_equal(r->lsu->n_lsas, 1);
	Netcap__LSA *l = r->lsu->lsas[0];
	assert_int_equal(l->header->lsage, 1);
	assert_int_equal(l->header->lsoptions, 0x22);
	assert_int_equal(l->header->lstype, 1);
	assert_int_equal(l->header->linkstateid, IP4(172, 16, 0, 10));
	assert_int_equal(l->header->advrouter, IP4(172, 16, 0, 10));
	assert_int_equal(l->header->lsseqnumber, 0x80000012u);
	assert_int_equal(l->header->lschecksum, 0xc58a);
	assert_int_equal(l->header->length, 60);
	assert_non_null(l->rlsav2);
	assert_int_equal(l->rlsav2->flags, 0);
	assert_int_equal(l->rlsav2->links, 3);
	assert_int_equal(l->rlsav2->n_routers, 3);
	assert_int_equal(l->rlsav2->routers[0]->type, 3);
	assert_int_equal(l->rlsav2->routers[0]->linkid, IP4(10, 0, 0, 10));
	assert_int_equal(l->rlsav2->routers[0]->linkdata, 0xffffffffu);
	assert_int_equal(l->rlsav2->routers[0]->metric, 1);
	assert_int_equal(l->rlsav2->routers[2]->type, 2);
	assert_int_equal(l->rlsav2->routers[2]->linkid, IP4(10, 1, 10, 10));
	assert_int_equal(l->rlsav2->routers[2]->linkdata, IP4(10, 1, 10, 10));
	assert_int_equal(l->rlsav2->routers[2]->metric, 10);
	assert_bytes(l->srcip, 10, 1, 10, 10);
	H_FREE(r);
	/* a port-less connection, as before OSPF was decoded */
	assert_true(h->dec.l4.valid);
	assert_int_equal(h->dec.l4.ip_proto, 89);
	assert_int_equal(h->dec.l4.payload_len, 88);
	assert_int_equal(h_event(h, NC_EV_IP_UNKNOWN_PROTO), 0);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

static void test_v2_ack(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h_decode(h, 1, v2_ack, sizeof(v2_ack));
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->type, 5);
	assert_int_equal(r->packetlength, 44);
	assert_int_equal(r->routerid, IP4(10, 0, 0, 1));
	assert_int_equal(r->checksum, 0x33b7);
	assert_null(r->lsu);
	assert_int_equal(r->n_lsas, 1);
	assert_int_equal(r->lsas[0]->lstype, 1);
	assert_int_equal(r->lsas[0]->lsseqnumber, 0x80000012u);
	assert_int_equal(r->lsas[0]->length, 60);
	H_FREE(r);
	free(h);
}

static void test_v3_hello(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h_decode(h, 1, v3_hello, sizeof(v3_hello));
	assert_int_equal(h_count(h, NC_REC_OSPFV2), 0);
	Netcap__OSPFv3 *r = h_get(h, NC_REC_OSPFV3, 0);
	assert_non_null(r);
	assert_int_equal(r->version, 3);
	assert_int_equal(r->type, 1);
	assert_int_equal(r->packetlength, 36);
	assert_int_equal(r->routerid, IP4(1, 1, 1, 1));
	assert_int_equal(r->areaid, 1);
	assert_int_equal(r->checksum, 0xfb86);
	assert_int_equal(r->instance, 0);
	assert_non_null(r->hello);
	assert_int_equal(r->hello->interfaceid, 5);
	assert_int_equal(r->hello->rtrpriority, 1);
	assert_int_equal(r->hello->options, 0x13);
	assert_int_equal(r->hello->hellointerval, 10);
	assert_int_equal(r->hello->routerdeadinterval, 40);
	assert_int_equal(r->hello->designatedrouterid, 0);
	assert_int_equal(r->hello->n_neighborid, 0);
	assert_int_equal(r->srcip.len, 16);
	assert_int_equal(r->srcip.data[15], 1);
	H_FREE(r);
	free(h);
}

static void test_v3_lsu(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h_decode(h, 1, v3_lsu, sizeof(v3_lsu));
	Netcap__OSPFv3 *r = h_get(h, NC_REC_OSPFV3, 0);
	assert_non_null(r);
	assert_int_equal(r->lsu->numoflsas, 4);
	assert_int_equal(r->lsu->n_lsas, 4);
	Netcap__LSA **l = r->lsu->lsas;
	assert_int_equal(l[0]->header->lstype, 0x2002);
	assert_int_equal(l[0]->header->linkstateid, 5);
	assert_non_null(l[0]->nlsa);
	assert_int_equal(l[0]->nlsa->options, 0x33);
	assert_int_equal(l[0]->nlsa->n_attachedrouter, 2);
	assert_int_equal(l[0]->nlsa->attachedrouter[1], IP4(2, 2, 2, 2));
	assert_non_null(l[1]->intraaprefixlsa);
	assert_int_equal(l[1]->intraaprefixlsa->numofprefixes, 1);
	assert_int_equal(l[1]->intraaprefixlsa->reflstype, 0x2002);
	assert_int_equal(l[1]->intraaprefixlsa->reflinkstateid, 5);
	assert_int_equal(l[1]->intraaprefixlsa->refadvrouter, IP4(1, 1, 1, 1));
	assert_int_equal(l[1]->intraaprefixlsa->n_prefixes, 1);
	Netcap__LSAPrefix *p = l[1]->intraaprefixlsa->prefixes[0];
	assert_int_equal(p->prefixlength, 64);
	assert_int_equal(p->prefixoptions, 0);
	assert_int_equal(p->metric, 0);
	assert_bytes(p->addressprefix, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x12);
	assert_int_equal(l[2]->header->lsage, 3600);
	assert_int_equal(l[2]->intraaprefixlsa->n_prefixes, 0);
	assert_int_equal(l[2]->intraaprefixlsa->reflstype, 0x2001);
	assert_non_null(l[3]->rlsa);
	assert_int_equal(l[3]->rlsa->flags, 1);
	assert_int_equal(l[3]->rlsa->options, 0x33);
	assert_int_equal(l[3]->rlsa->n_routers, 1);
	assert_int_equal(l[3]->rlsa->routers[0]->type, 2);
	assert_int_equal(l[3]->rlsa->routers[0]->metric, 10);
	assert_int_equal(l[3]->rlsa->routers[0]->interfaceid, 5);
	assert_int_equal(l[3]->rlsa->routers[0]->neighborinterfaceid, 5);
	assert_int_equal(l[3]->rlsa->routers[0]->neighborrouterid,
			 IP4(1, 1, 1, 1));
	H_FREE(r);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	free(h);
}

/* Cut by the snap length inside the Router-LSA's second link: truncation,
 * the LSA overruns what was captured, the record keeps what was read. */
static void test_v2_snap_cut(void **state)
{
	(void)state;
	struct harness *h = h_new();
	size_t cut = V2_LSA + 20 + 4 + 12 + 6;
	decode_cut(h, v2_lsu, cut, sizeof(v2_lsu));
	assert_int_equal(h_event(h, NC_EV_OSPF_TRUNC), 2);
	assert_int_equal(h_event(h, NC_EV_OSPF_LSA_OVERRUN), 1);
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->lsu->n_lsas, 1);
	assert_int_equal(r->lsu->lsas[0]->rlsav2->links, 3);
	assert_int_equal(r->lsu->lsas[0]->rlsav2->n_routers, 1);
	H_FREE(r);
	/* every shorter cut: no crash, a record only with a full header */
	for (size_t n = 14 + 20; n < sizeof(v2_lsu); n++) {
		decode_cut(h, v2_lsu, n, sizeof(v2_lsu));
		assert_int_equal(h_count(h, NC_REC_OSPFV2),
				 n >= V2_OSPF + 24 ? 1 : 0);
	}
	free(h);
}

/* The LSA says 200 octets in an 88-octet packet: ospf.lsa_overrun (an
 * anomaly), the record is written with the links there were. */
static void test_v2_lsa_overrun(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t f[sizeof(v2_lsu)];
	memcpy(f, v2_lsu, sizeof(f));
	f[V2_LSA + 19] = 200;
	h_decode(h, 1, f, sizeof(f));
	assert_int_equal(h_event(h, NC_EV_OSPF_LSA_OVERRUN), 1);
	assert_true(h_has_anomaly(h, "ospf.lsa_overrun"));
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->lsu->lsas[0]->header->length, 200);
	assert_int_equal(r->lsu->lsas[0]->rlsav2->n_routers, 3);
	H_FREE(r);

	/* an LSA length below its header: invalid, the header is kept */
	f[V2_LSA + 19] = 8;
	h_decode(h, 1, f, sizeof(f));
	assert_true(h_has_anomaly(h, "ospf.length_invalid"));
	r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->lsu->n_lsas, 1);
	assert_null(r->lsu->lsas[0]->rlsav2);
	H_FREE(r);
	free(h);
}

static void test_bad_header(void **state)
{
	(void)state;
	struct harness *h = h_new();
	uint8_t f[sizeof(v2_lsu)];
	/* version 4: no record */
	memcpy(f, v2_lsu, sizeof(f));
	f[V2_OSPF] = 4;
	h_decode(h, 1, f, sizeof(f));
	assert_true(h_has_anomaly(h, "ospf.bad_version"));
	assert_int_equal(h_count(h, NC_REC_OSPFV2), 0);
	/* packet length 10 (below the 24-octet header): header only */
	memcpy(f, v2_lsu, sizeof(f));
	f[V2_OSPF + 3] = 10;
	h_decode(h, 1, f, sizeof(f));
	assert_true(h_has_anomaly(h, "ospf.length_invalid"));
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->packetlength, 10);
	assert_null(r->lsu);
	H_FREE(r);
	/* packet length 200 beyond the IP datagram (not cut): invalid */
	memcpy(f, v2_lsu, sizeof(f));
	f[V2_OSPF + 3] = 200;
	h_decode(h, 1, f, sizeof(f));
	assert_true(h_has_anomaly(h, "ospf.length_invalid"));
	assert_int_equal(h_count(h, NC_REC_OSPFV2), 1);
	/* type 9: unknown, header kept */
	memcpy(f, v2_lsu, sizeof(f));
	f[V2_OSPF + 1] = 9;
	h_decode(h, 1, f, sizeof(f));
	assert_true(h_has_anomaly(h, "ospf.unknown_type"));
	assert_int_equal(h_count(h, NC_REC_OSPFV2), 1);
	free(h);
}

/* An Ethernet + IPv4 frame around an OSPFv2 packet of len octets at
 * buf + 34 (the OSPF length field is set here). */
static size_t v2_frame(uint8_t *buf, size_t len)
{
	memcpy(buf, v2_lsu, V2_OSPF + 24);
	buf[16] = (uint8_t)((20 + len) >> 8);
	buf[17] = (uint8_t)(20 + len);
	buf[V2_OSPF + 2] = (uint8_t)(len >> 8);
	buf[V2_OSPF + 3] = (uint8_t)len;
	return V2_OSPF + len;
}

/* 70 neighbors in a Hello, 70 LSAs in an update: lists stop at
 * NC_MAX_OPTIONS (64) with ospf.list_full. */
static void test_limits(void **state)
{
	(void)state;
	struct harness *h = h_new();
	static uint8_t f[2048];
	memset(f, 0, sizeof(f));
	size_t len = 24 + 20 + 70 * 4;
	v2_frame(f, len);
	f[V2_OSPF + 1] = 1; /* Hello */
	for (int i = 0; i < 70; i++)
		f[V2_OSPF + 24 + 20 + 4 * i + 3] = (uint8_t)(i + 1);
	h_decode(h, 1, f, V2_OSPF + len);
	assert_int_equal(h_event(h, NC_EV_OSPF_LIST_FULL), 1);
	Netcap__OSPFv2 *r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->hellov2->n_neighborid, NC_MAX_OPTIONS);
	assert_int_equal(r->hellov2->neighborid[63], 64);
	H_FREE(r);

	memset(f, 0, sizeof(f));
	len = 24 + 4 + 70 * 20;
	v2_frame(f, len);
	f[V2_OSPF + 1] = 4; /* LS Update, 70 LSAs of type 99 (no body) */
	f[V2_OSPF + 24 + 3] = 70;
	for (int i = 0; i < 70; i++) {
		f[V2_OSPF + 28 + 20 * i + 3] = 99;
		f[V2_OSPF + 28 + 20 * i + 19] = 20;
	}
	h_decode(h, 1, f, V2_OSPF + len);
	assert_int_equal(h_event(h, NC_EV_OSPF_LIST_FULL), 2);
	r = h_get(h, NC_REC_OSPFV2, 0);
	assert_non_null(r);
	assert_int_equal(r->lsu->numoflsas, 70);
	assert_int_equal(r->lsu->n_lsas, NC_MAX_OPTIONS);
	H_FREE(r);

	/* a count larger than the LSAs there are: truncated */
	f[V2_OSPF + 24 + 3] = 71;
	f[V2_OSPF + 24 + 2] = 0;
	len = 24 + 4 + 3 * 20;
	v2_frame(f, len);
	h_decode(h, 1, f, V2_OSPF + len);
	assert_true(h_has_anomaly(h, "ospf.truncated"));
	r = h_get(h, NC_REC_OSPFV2, 0);
	assert_int_equal(r->lsu->n_lsas, 3);
	H_FREE(r);
	free(h);
}

/* Only the selected type is written; OSPFv3 not selected: nothing. */
static void test_not_wanted(void **state)
{
	(void)state;
	struct harness *h = h_new();
	h->cfg.want.on[NC_REC_OSPFV3] = false; /* dec.cfg points here */
	h_decode(h, 1, v3_lsu, sizeof(v3_lsu));
	assert_int_equal(h_count(h, NC_REC_OSPFV3), 0);
	assert_int_equal(h_count(h, NC_REC_IPV6), 1);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v2_lsu),	   cmocka_unit_test(test_v2_ack),
	    cmocka_unit_test(test_v3_hello),	   cmocka_unit_test(test_v3_lsu),
	    cmocka_unit_test(test_v2_snap_cut),	   cmocka_unit_test(test_v2_lsa_overrun),
	    cmocka_unit_test(test_bad_header),	   cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_not_wanted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
