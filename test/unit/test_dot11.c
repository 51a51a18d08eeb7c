/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the IEEE 802.11 decoder (decoders/link/dot11.c) and the
 * radiotap decoder (decoders/link/radiotap.c). Frames marked "from
 * <capture>" are copied from test/data with tshark -x and their expected
 * values are tshark's; the crafted ones follow IEEE 802.11-2020 and
 * radiotap.org and were checked with tshark 4.0 on a pcap holding them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#define NC_LINK_IEEE802_11	   105
#define NC_LINK_IEEE802_11_RADIO 127

/* 802.11 QoS data frame with LLC/SNAP, IPv4, UDP and a DNS query: from
   wlan-noradiotap_llc-snap_mdns.pcap frame 1 (also the 802.11 part of
   radiotap_80211-data_llc-ip-mdns.pcap frame 1). */
#define WLAN_DNS_FRAME                                                     \
	0x88, 0x01,                         /* QoS data, ToDS */           \
	0x2c, 0x00,                         /* duration 44 */              \
	0x8a, 0x15, 0x14, 0x9b, 0x5a, 0xe0, /* A1 BSSID (RA) */            \
	0x90, 0x72, 0x40, 0x97, 0xb6, 0xf5, /* A2 SA (TA) */               \
	0x44, 0x2b, 0x03, 0xaa, 0xab, 0x8d, /* A3 DA */                    \
	0x10, 0x00,                         /* seq 1, frag 0 */            \
	0x06, 0x00,                         /* QoS: TID 6 */               \
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, /* LLC/SNAP */                 \
	0x08, 0x00,                         /* IPv4 */                     \
	0x45, 0x00, 0x00, 0x3f, 0xd6, 0x8d, 0x00, 0x00, 0x40, 0x11, 0xae,  \
	0xa2, 0xac, 0x11, 0x9c, 0x4c, 0xd0, 0x43, 0xdc, 0xdc, /* .. */     \
	0xf1, 0x2a, 0x00, 0x35, 0x00, 0x2b, 0xc5, 0xdf, /* UDP -> 53 */    \
	0xa7, 0x2f, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,  \
	0x00, 0x07, 0x63, 0x61, 0x70, 0x74, 0x69, 0x76, 0x65, 0x05, 0x61,  \
	0x70, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01,  \
	0x00, 0x01 /* DNS captive.apple.com A */

static void test_dot11_data_llc(void **state)
{
	(void)state;
	/* the capture's 4 last octets (an FCS, but link type 105 says
	   there is none) are IPv4 trailer: in PayloadSize */
	static const uint8_t f[] = {WLAN_DNS_FRAME, 0x03, 0x12, 0xc6, 0xa7};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11, f, sizeof(f)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT11), 1);
	assert_int_equal(h_count(h, NC_REC_IPV4), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);

	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	/* wlan.fc.type_subtype 0x0028: type 2, subtype 8 -> 8 << 2 | 2 */
	assert_int_equal(r->type, 34);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->flags, 0x01);
	assert_int_equal(r->durationid, 44);
	assert_string_equal(r->address1, "8a:15:14:9b:5a:e0");
	assert_string_equal(r->address2, "90:72:40:97:b6:f5");
	assert_string_equal(r->address3, "44:2b:03:aa:ab:8d");
	assert_string_equal(r->address4, "");
	assert_int_equal(r->sequencenumber, 1);
	assert_int_equal(r->fragmentnumber, 0);
	assert_int_equal(r->checksum, 0); /* no FCS on link type 105 */
	assert_non_null(r->qos);
	assert_int_equal(r->qos->tid, 6);
	assert_false(r->qos->eosp);
	assert_int_equal(r->qos->ackpolicy, 0);
	assert_null(r->htcontrol);
	assert_int_equal(r->radiotaplength, 0);
	assert_int_equal(r->payloadsize, 75);
	H_FREE(r);

	/* ToDS: SA is Address 2, DA Address 3 */
	static const uint8_t sa[] = {0x90, 0x72, 0x40, 0x97, 0xb6, 0xf5};
	static const uint8_t da[] = {0x44, 0x2b, 0x03, 0xaa, 0xab, 0x8d};
	assert_memory_equal(h->dec.src_mac, sa, 6);
	assert_memory_equal(h->dec.dst_mac, da, 6);
	free(h);
}

/* from radiotap_80211-data_llc-ip-mdns.pcap frame 1: 48-octet radiotap
   header (present 0x001c086b), the frame above, FCS 0xa7c61203 */
static void test_radiotap_fcs(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00, 0x30, 0x00, /* version 0, pad, it_len 48 */
		0x6b, 0x08, 0x1c, 0x00, /* present 0x001c086b */
		0xe1, 0x61, 0x56, 0x56, 0x00, 0x00, 0x00, 0x00, /* TSFT */
		0x10,			/* flags: FCS at end */
		0x00,			/* pad (channel aligns to 2) */
		0xa4, 0x15, 0x40, 0x01, /* channel 5540 MHz, flags 0x0140 */
		0xb6,			/* dBm signal -74 */
		0xa3,			/* dBm noise -93 */
		0x01,			/* antenna 1 */
		0x4e, 0x34, 0x97, 0x40, 0x01, 0x01, 0x00, /* .. */
		0xa4, 0x15, 0x6c, 0x22, 0x1f, 0x01, 0x07, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* MCS, A-MPDU */
		WLAN_DNS_FRAME,
		0x03, 0x12, 0xc6, 0xa7, /* FCS */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, f, sizeof(f)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT11), 1);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	assert_int_equal(r->type, 34);
	assert_int_equal(r->checksum, 0xa7c61203u);
	assert_int_equal(r->radiotaplength, 48);
	assert_int_equal(r->radiotappresent, 0x001c086b);
	assert_int_equal(r->radiotapflags, 0x10);
	assert_int_equal(r->tsft, 1448501729);
	assert_int_equal(r->rate, 0); /* no Rate field (tshark: MCS) */
	assert_int_equal(r->channelfrequency, 5540);
	assert_int_equal(r->channelflags, 0x0140);
	assert_int_equal(r->dbmantennasignal, -74);
	assert_int_equal(r->dbmantennanoise, -93);
	assert_int_equal(r->antenna, 1);
	assert_int_equal(r->payloadsize, 71); /* FCS excluded */
	H_FREE(r);
	free(h);
}

/* from radiotap_80211-mgmt.pcap frame 25: null function, two present
   words, the second with bits netcap does not know */
static void test_radiotap_unknown_bits(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00, 0x5d, 0x00, /* it_len 93 */
		0x6b, 0x48, 0x08, 0x80, /* 0x8008486b: ext */
		0xfb, 0x01, 0x77, 0x10, /* 0x107701fb: fields 32.. */
		0x00, 0x00, 0x00, 0x00, /* pad: TSFT aligns to 8 */
		/* fields from offset 16: TSFT, flags, channel, dBm signal,
		   noise, antenna, RX flags, MCS, then the unknown ones */
		0xa9, 0xc9, 0xcb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
		0x6c, 0x09, 0x80, 0x04, 0xea, 0xaa, 0x01, 0x00, 0x00, 0x00,
		0x07, 0x00, 0x02, 0x00, 0x00, 0x07, 0x00, 0x02, 0x6c, 0x09,
		0x80, 0x04, 0x03, 0x1b, 0xa9, 0xc9, 0xcb, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x1d, 0x00, 0x01, 0x40, 0x35, 0x40, 0x80, 0xaa,
		0x00, 0x9f, 0xff, 0x01, 0x9c, 0xff, 0x79, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x48, 0x01, 0x30, 0x00, /* null function, ToDS, 48 */
		0x90, 0xa4, 0xde, 0xc0, 0x46, 0x0a, /* A1 */
		0x90, 0xa4, 0xde, 0xc0, 0x46, 0x11, /* A2 */
		0x90, 0xa4, 0xde, 0xc0, 0x46, 0x0a, /* A3 */
		0xd0, 0x01,			    /* seq 29 */
		0xad, 0x7f, 0x46, 0xff,		    /* FCS */
	};
	assert_int_equal(sizeof(f), 121);
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, f, sizeof(f)),
			 DEC_OK);
	assert_int_equal(h_event(h, NC_EV_RADIOTAP_UNKNOWN_FIELD), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	assert_int_equal(r->type, 4 << 2 | 2); /* 0x0024 */
	assert_int_equal(r->radiotaplength, 93);
	assert_int_equal(r->radiotappresent, 0x8008486b);
	assert_int_equal(r->tsft, 13355433);
	assert_int_equal(r->channelfrequency, 2412);
	assert_int_equal(r->channelflags, 0x0480);
	assert_int_equal(r->dbmantennasignal, -22);
	assert_int_equal(r->dbmantennanoise, -86);
	assert_int_equal(r->antenna, 1);
	assert_string_equal(r->address3, "90:a4:de:c0:46:0a");
	assert_int_equal(r->sequencenumber, 29);
	assert_int_equal(r->checksum, 0xff467fadu);
	assert_int_equal(r->payloadsize, 0);
	H_FREE(r);
	free(h);
}

/* Crafted: 4-address QoS data, +HTC VHT variant 0x585674ed. tshark:
   SA 02:..:04, QoS TID 5 ack 1, HTC MRQ 1 MSI 5 NUM_STS 2 VHT-MCS 7 BW 2
   SNR 21 coding 1 FB Tx 1 AC constraint 1. MFSI (B6-8) is 3 by the
   standard; tshark 4.0 shows only a boolean for it. */
static void test_dot11_4addr_htc_vht(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x88, 0x83, 0x30, 0x00, /* QoS data, ToDS FromDS Order */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* A1 RA */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* A2 TA */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x03, /* A3 DA */
		0x50, 0x01,			    /* seq 21 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x04, /* A4 SA */
		0x25, 0x00,			    /* QoS */
		0xed, 0x74, 0x56, 0x58,		    /* HTC */
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x88, 0xb5, /* SNAP */
		'h', 'e', 'l', 'l', 'o',
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_IEEE802_11, f, sizeof(f));
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	assert_int_equal(r->flags, 0x83);
	assert_string_equal(r->address4, "02:00:00:00:00:04");
	assert_int_equal(r->sequencenumber, 21);
	assert_int_equal(r->qos->tid, 5);
	assert_int_equal(r->qos->ackpolicy, 1);
	assert_non_null(r->htcontrol);
	assert_true(r->htcontrol->acconstraint);
	assert_false(r->htcontrol->rdgmoreppdu);
	assert_null(r->htcontrol->ht);
	Netcap__Dot11HTControlVHT *v = r->htcontrol->vht;
	assert_non_null(v);
	assert_true(v->mrq);
	assert_false(v->unsolicitedmfb);
	assert_int_equal(v->msi, 5);
	assert_int_equal(v->mfsi, 3);
	assert_int_equal(v->mfb->numsts, 2);
	assert_int_equal(v->mfb->vhtmcs, 7);
	assert_int_equal(v->mfb->bw, 2);
	assert_int_equal(v->mfb->snr, 21);
	assert_int_equal(v->codingtype, 1);
	assert_true(v->fbtxbeamformed);
	H_FREE(r);
	static const uint8_t sa[] = {2, 0, 0, 0, 0, 4};
	static const uint8_t da[] = {2, 0, 0, 0, 0, 3};
	assert_memory_equal(h->dec.src_mac, sa, 6);
	assert_memory_equal(h->dec.dst_mac, da, 6);
	free(h);
}

/* Crafted: +HTC HT variant 0xa1c6977a. tshark: LAC TRQ 1, MAI 14
   (ASELI), MFSI 5, ASEL command 3 data 9, calibration position 2 and
   sequence 1, RDG/More PPDU 1; B29 (DEI) set, which tshark 4.0 shows as
   part of Reserved (0x10). */
static void test_dot11_htc_ht(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x88, 0x80, 0x30, 0x00, /* QoS data, Order */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, /* A1 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* A2 */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x03, /* A3 */
		0x60, 0x01, 0x07, 0x00,		    /* seq 22, TID 7 */
		0x7a, 0x97, 0xc6, 0xa1,		    /* HTC */
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, /* SNAP */
	};
	struct harness *h = h_new();
	h_decode(h, NC_LINK_IEEE802_11, f, sizeof(f));
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	Netcap__Dot11HTControl *c = r->htcontrol;
	assert_non_null(c);
	assert_null(c->vht);
	assert_false(c->acconstraint);
	assert_true(c->rdgmoreppdu);
	Netcap__Dot11HTControlHT *t = c->ht;
	assert_non_null(t);
	assert_true(t->linkadapationcontrol->trq);
	assert_int_equal(t->linkadapationcontrol->mfsi, 5);
	assert_non_null(t->linkadapationcontrol->asel);
	assert_int_equal(t->linkadapationcontrol->asel->command, 3);
	assert_int_equal(t->linkadapationcontrol->asel->data, 9);
	assert_int_equal(t->calibrationposition, 2);
	assert_int_equal(t->calibrationsequence, 1);
	assert_true(t->dei);
	H_FREE(r);
	/* the IPv4 header is missing: the IPv4 decoder counts it */
	assert_int_equal(h_count(h, NC_REC_IPV4), 0);
	free(h);
}

/* Crafted: a protected (CCMP) data frame is not decoded further. */
static void test_dot11_protected(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x08, 0x41, 0x30, 0x00, /* data, ToDS, Protected */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x70, 0x01,
		0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, /* CCMP */
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, /* ciphertext */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11, f, sizeof(f)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_count(h, NC_REC_DOT11), 1);
	assert_int_equal(h_event(h, NC_EV_DOT11_PROTECTED), 1);
	assert_int_equal(h_count(h, NC_REC_LLC), 0);
	assert_null(h->dec.src_mac);
	free(h);
}

/* Crafted: radiotap with a vendor namespace between two radiotap
   namespaces; tshark: it_len 30, dBm signal -40,-60, antenna 2, and the
   ACK to 02:00:00:00:00:09 after it_len. */
static void test_radiotap_vendor_ns(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00, 0x1e, 0x00, /* it_len 30 */
		0x20, 0x00, 0x00, 0xc0, /* dBm signal, vendor NS, ext */
		0x00, 0x00, 0x00, 0xa0, /* vendor word: radiotap NS, ext */
		0x20, 0x08, 0x00, 0x00, /* dBm signal, antenna */
		0xd8,			/* -40 */
		0x00,			/* pad to 2 */
		0x00, 0x11, 0x22, 0x00, 0x04, 0x00, /* OUI, subns, skip 4 */
		0xde, 0xad, 0xbe, 0xef,		    /* vendor data */
		0xc4, 0x02,			    /* -60, antenna 2 */
		0xd4, 0x00, 0x00, 0x00,		    /* ACK */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x09,
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, f, sizeof(f)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	assert_int_equal(r->dbmantennasignal, -40); /* the first */
	assert_int_equal(r->antenna, 2);
	assert_int_equal(r->type, 13 << 2 | 1); /* ACK */
	assert_string_equal(r->address1, "02:00:00:00:00:09");
	assert_string_equal(r->address2, "");
	H_FREE(r);
	free(h);
}

/* Crafted: 17 present words (16 with ext) are more than netcap walks. */
static void test_radiotap_too_many_words(void **state)
{
	(void)state;
	uint8_t f[4 + 17 * 4 + 10] = {0x00, 0x00, 4 + 17 * 4, 0x00};
	for (int i = 0; i < 16; i++)
		f[4 + 4 * i + 3] = 0x80;
	static const uint8_t ack[] = {0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 9};
	memcpy(f + 4 + 17 * 4, ack, sizeof(ack));
	struct harness *h = h_new();
	h_decode(h, NC_LINK_IEEE802_11_RADIO, f, sizeof(f));
	assert_true(h_has_anomaly(h, "radiotap.too_many_present_words"));
	assert_int_equal(h_count(h, NC_REC_DOT11), 1); /* still decoded */
	free(h);
}

static void test_radiotap_bad(void **state)
{
	(void)state;
	struct harness *h = h_new();
	/* version 1 */
	static const uint8_t v1[] = {0x01, 0, 8, 0, 0, 0, 0, 0, 0xd4, 0};
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, v1, sizeof(v1)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "radiotap.bad_version"));
	/* it_len 4: shorter than the fixed header */
	static const uint8_t l4[] = {0, 0, 4, 0, 0, 0, 0, 0, 0xd4, 0};
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, l4, sizeof(l4)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "radiotap.bad_length"));
	/* it_len 64 beyond a 10-octet frame not cut by the snaplen */
	static const uint8_t l64[] = {0, 0, 64, 0, 0, 0, 0, 0, 0xd4, 0};
	assert_int_equal(
	    h_decode(h, NC_LINK_IEEE802_11_RADIO, l64, sizeof(l64)),
	    DEC_INVALID);
	assert_true(h_has_anomaly(h, "radiotap.bad_length"));
	/* the same cut by the snaplen: a truncation */
	h->n = 0;
	assert_int_equal(nc_decode_frame(&h->dec, NC_LINK_IEEE802_11_RADIO,
					 l64, sizeof(l64), 100, 1),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "radiotap.truncated"));
	/* 6 octets: no room for the present word */
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, l4, 6),
			 DEC_TRUNC);
	/* TSFT present, it_len 12: the field runs past the header */
	static const uint8_t tsft[] = {0, 0, 12, 0, 1, 0, 0, 0,
				       0, 0, 0, 0, 0xd4, 0, 0, 0,
				       2, 0, 0, 0, 0, 9};
	h_decode(h, NC_LINK_IEEE802_11_RADIO, tsft, sizeof(tsft));
	assert_true(h_has_anomaly(h, "radiotap.bad_length"));
	assert_int_equal(h_count(h, NC_REC_DOT11), 1);
	/* ext bit set in the last word inside it_len */
	static const uint8_t ext[] = {0, 0, 8, 0, 0, 0, 0, 0x80, 0xd4, 0};
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, ext, sizeof(ext)),
			 DEC_INVALID);
	free(h);
}

static void test_dot11_truncated(void **state)
{
	(void)state;
	static const uint8_t f[] = {WLAN_DNS_FRAME};
	struct harness *h = h_new();
	/* every cut inside the MAC header: no record, one anomaly */
	for (size_t n = 0; n < 26; n++) {
		assert_int_equal(h_decode(h, NC_LINK_IEEE802_11, f, n),
				 DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_DOT11), 0);
		assert_true(h_has_anomaly(h, "dot11.truncated"));
	}
	/* ACK: 10 octets are a whole frame */
	static const uint8_t ack[] = {0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 9};
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11, ack, sizeof(ack)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_DOT11), 1);
	/* protocol version 1 */
	static const uint8_t v1[] = {0xd5, 0, 0, 0, 2, 0, 0, 0, 0, 9};
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11, v1, sizeof(v1)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "dot11.bad_version"));
	free(h);
}

/* Crafted: radiotap Flags 0x20 (data pad): 2 octets align the body of a
   26-octet QoS data header to 28; tshark: llc, ip 1.2.3.4, udp 53. */
static void test_radiotap_datapad(void **state)
{
	(void)state;
	static const uint8_t f[] = {
		0x00, 0x00, 0x09, 0x00, /* it_len 9 */
		0x02, 0x00, 0x00, 0x00, /* Flags */
		0x20,			/* data pad */
		0x88, 0x01, 0x30, 0x00, /* QoS data, ToDS */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 0x10, 0x00,
		0x00, 0x00, /* QoS */
		0x00, 0x00, /* pad */
		0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, /* SNAP */
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x00, 0x35, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00, /* UDP */
	};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_IEEE802_11_RADIO, f, sizeof(f)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_UDP), 1);
	Netcap__Dot11 *r = h_get(h, NC_REC_DOT11, 0);
	assert_non_null(r);
	assert_int_equal(r->radiotapflags, 0x20);
	assert_int_equal(r->payloadsize, 36); /* after the pad */
	H_FREE(r);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dot11_data_llc),
	    cmocka_unit_test(test_radiotap_fcs),
	    cmocka_unit_test(test_radiotap_unknown_bits),
	    cmocka_unit_test(test_dot11_4addr_htc_vht),
	    cmocka_unit_test(test_dot11_htc_ht),
	    cmocka_unit_test(test_dot11_protected),
	    cmocka_unit_test(test_radiotap_vendor_ns),
	    cmocka_unit_test(test_radiotap_datapad),
	    cmocka_unit_test(test_radiotap_too_many_words),
	    cmocka_unit_test(test_radiotap_bad),
	    cmocka_unit_test(test_dot11_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
