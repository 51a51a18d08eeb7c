/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the EAPOL decoder (decoders/link/eapol.c): EAPOL, EAP and
 * EAPOL-Key. Frames marked "from <capture>" are copied with tshark -x and
 * their expected values are tshark's; the others are built from them
 * following IEEE 802.1X and RFC 3748.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

/* from eapol_eap-identity-sim_rc4-key.pcap frame 6: EAP Response/Identity */
static const uint8_t eap_ident[] = {
	0x00, 0x0c, 0xce, 0x88, 0x31, 0x9a, /* dst */
	0x00, 0x04, 0x23, 0x57, 0xa5, 0x7a, /* src */
	0x88, 0x8e,                         /* 802.1X */
	0x01, 0x00, 0x00, 0x2d,             /* version 1, EAP packet, len 45 */
	0x02, 0x02, 0x00, 0x2d,             /* Response, id 2, length 45 */
	0x01,                               /* type 1 Identity */
	0x31, 0x32, 0x39, 0x35, 0x30, 0x32, 0x33, 0x38, /* "1295023820005391@ */
	0x32, 0x30, 0x30, 0x30, 0x35, 0x33, 0x39, 0x31, /* mnc023.mcc295. */
	0x40, 0x6d, 0x6e, 0x63, 0x30, 0x32, 0x33, 0x2e, /* owlan.org" */
	0x6d, 0x63, 0x63, 0x32, 0x39, 0x35, 0x2e, 0x6f,
	0x77, 0x6c, 0x61, 0x6e, 0x2e, 0x6f, 0x72, 0x67,
};

/* from eapol_eap-identity-sim_rc4-key.pcap frame 12: RC4 key descriptor */
static const uint8_t rc4_key[] = {
	0x00, 0x04, 0x23, 0x57, 0xa5, 0x7a, /* dst */
	0x00, 0x0c, 0xce, 0x88, 0x31, 0x9a, /* src */
	0x88, 0x8e,                         /* 802.1X */
	0x01, 0x03, 0x00, 0x39,             /* version 1, Key, length 57 */
	0x01,                               /* RC4 descriptor */
	0x00, 0x0d,                         /* key length 13 */
	0x00, 0x00, 0x40, 0x60, 0x55, 0x11, 0x00, 0x9b, /* replay counter */
	0x6a, 0xba, 0x18, 0x85, 0x0f, 0x27, 0xac, 0x38, /* key IV */
	0xae, 0x1a, 0xca, 0x82, 0x53, 0x85, 0x8f, 0x26,
	0x02,                               /* broadcast, index 2 */
	0x5d, 0x11, 0x31, 0x5d, 0x47, 0xc7, 0x7d, 0x85, /* key signature */
	0x47, 0xa0, 0x20, 0xd8, 0xcb, 0x9d, 0x49, 0x43,
	0x9a, 0xf1, 0xd1, 0x53, 0xd2, 0xba, 0x5c, 0xcf, /* key (13) */
	0x63, 0xc3, 0xa2, 0x26, 0xb8,
};

/*
 * from wlan-noradiotap_eapol-key_wpa2-4way.pcap frame 4 (message 3 of the
 * 4-way handshake), the EAPOL part after LLC/SNAP, under an Ethernet header
 */
static const uint8_t rsn_key[] = {
	0x00, 0x13, 0x46, 0xfe, 0x32, 0x0c, /* dst */
	0x00, 0x14, 0x6c, 0x7e, 0x40, 0x80, /* src */
	0x88, 0x8e,                         /* 802.1X */
	0x01, 0x03, 0x00, 0x97,             /* version 1, Key, length 151 */
	0x02,                               /* RSN descriptor */
	0x13, 0xca,                         /* key info */
	0x00, 0x10,                         /* key length 16 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* replay counter 2 */
	0x22, 0x58, 0x54, 0xb0, 0x44, 0x4d, 0xe3, 0xaf, /* nonce */
	0x06, 0xd1, 0x49, 0x2b, 0x85, 0x29, 0x84, 0xf0,
	0x4c, 0xf6, 0x27, 0x4c, 0x0e, 0x32, 0x18, 0xb8,
	0x68, 0x17, 0x56, 0x86, 0x4d, 0xb7, 0xa0, 0x55,
	0x19, 0x2e, 0xee, 0xf7, 0xfd, 0x96, 0x8e, 0xc8, /* key IV */
	0x0a, 0xee, 0x3d, 0xfb, 0x87, 0x5e, 0x82, 0x22,
	0x37, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* RSC */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* ID */
	0x1e, 0x22, 0x86, 0x72, 0xd2, 0xde, 0xe9, 0x30, /* MIC */
	0x71, 0x4f, 0x68, 0x8c, 0x57, 0x46, 0x02, 0x8d,
	0x00, 0x38,                         /* key data length 56 */
	0x3c, 0xa9, 0x18, 0x54, 0x62, 0xec, 0xa4, 0xab, /* key data */
	0x7f, 0xf5, 0x1c, 0xd3, 0xa3, 0xe6, 0x17, 0x9a,
	0x83, 0x91, 0xf5, 0xad, 0x82, 0x4c, 0x9e, 0x09,
	0x76, 0x37, 0x94, 0xc6, 0x80, 0x90, 0x2a, 0xd3,
	0xbf, 0x07, 0x03, 0x45, 0x2f, 0xbb, 0x7c, 0x1f,
	0x5f, 0x1e, 0xe9, 0xf5, 0xbb, 0xd3, 0x88, 0xae,
	0x55, 0x9e, 0x78, 0xd2, 0x7e, 0x6b, 0x12, 0x1f,
};

static void test_eap_identity(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, eap_ident,
				  sizeof(eap_ident)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__EAPOL *e = h_get(h, NC_REC_EAPOL, 0);
	assert_non_null(e);
	assert_int_equal(e->timestamp, 1000000002LL);
	assert_int_equal(e->version, 1);
	assert_int_equal(e->type, 0);
	assert_int_equal(e->length, 45);
	H_FREE(e);
	Netcap__EAP *p = h_get(h, NC_REC_EAP, 0);
	assert_non_null(p);
	assert_int_equal(p->code, 2);
	assert_int_equal(p->id, 2);
	assert_int_equal(p->length, 45);
	assert_int_equal(p->type, 1);
	assert_int_equal(p->typedata.len, 40);
	assert_memory_equal(p->typedata.data,
			    "1295023820005391@mnc023.mcc295.owlan.org", 40);
	H_FREE(p);
	free(h);
}

static void test_eapol_rc4_key(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, rc4_key,
				  sizeof(rc4_key)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_EAP), 0);
	Netcap__EAPOLKey *k = h_get(h, NC_REC_EAPOLKEY, 0);
	assert_non_null(k);
	assert_int_equal(k->keydescriptortype, 1);
	assert_int_equal(k->keylength, 13);
	assert_int_equal(k->replaycounter, 70782488215707ULL);
	assert_bytes(k->iv, 0x6a, 0xba, 0x18, 0x85, 0x0f, 0x27, 0xac, 0x38,
		     0xae, 0x1a, 0xca, 0x82, 0x53, 0x85, 0x8f, 0x26);
	assert_int_equal(k->keytype, 0); /* Broadcast */
	assert_int_equal(k->keyindex, 2);
	assert_bytes(k->mic, 0x5d, 0x11, 0x31, 0x5d, 0x47, 0xc7, 0x7d, 0x85,
		     0x47, 0xa0, 0x20, 0xd8, 0xcb, 0x9d, 0x49, 0x43);
	assert_int_equal(k->keydatalength, 13);
	assert_bytes(k->encryptedkeydata, 0x9a, 0xf1, 0xd1, 0x53, 0xd2, 0xba,
		     0x5c, 0xcf, 0x63, 0xc3, 0xa2, 0x26, 0xb8);
	assert_int_equal(k->nonce.len, 0);
	H_FREE(k);
	free(h);
}

static void test_eapol_rsn_key(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, rsn_key,
				  sizeof(rsn_key)),
			 DEC_OK);
	Netcap__EAPOLKey *k = h_get(h, NC_REC_EAPOLKEY, 0);
	assert_non_null(k);
	assert_int_equal(k->keydescriptortype, 2);
	/* key_info 0x13ca: version 2, pairwise, install, ack, mic, secure,
	 * encrypted key data */
	assert_int_equal(k->keydescriptorversion, 2);
	assert_int_equal(k->keytype, 1);
	assert_int_equal(k->keyindex, 0);
	assert_true(k->install && k->keyack && k->keymic && k->secure &&
		    k->hasencryptedkeydata);
	assert_false(k->micerror || k->request || k->smkmessage);
	assert_int_equal(k->keylength, 16);
	assert_int_equal(k->replaycounter, 2);
	assert_int_equal(k->nonce.len, 32);
	assert_int_equal(k->nonce.data[0], 0x22);
	assert_int_equal(k->iv.data[0], 0x19);
	assert_int_equal(k->rsc, 0x3700000000000000ULL); /* read big-endian */
	assert_int_equal(k->id, 0);
	assert_bytes(k->mic, 0x1e, 0x22, 0x86, 0x72, 0xd2, 0xde, 0xe9, 0x30,
		     0x71, 0x4f, 0x68, 0x8c, 0x57, 0x46, 0x02, 0x8d);
	assert_int_equal(k->keydatalength, 56);
	assert_int_equal(k->encryptedkeydata.len, 56);
	assert_int_equal(k->encryptedkeydata.data[55], 0x1f);
	H_FREE(k);
	free(h);
}

static void test_eapol_truncated(void **state)
{
	(void)state;
	/* three octets of EAPOL header */
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, eap_ident, 17),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_EAPOL_TRUNC), 1);
	assert_int_equal(h_count(h, NC_REC_EAPOL), 0);
	free(h);

	/* body length 45 past the frame: EAPOL and the EAP header kept */
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, eap_ident, 30),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_EAPOL_LEN_LONG), 1);
	assert_int_equal(h_event(h, NC_EV_EAP_LEN_BAD), 1);
	assert_int_equal(h_count(h, NC_REC_EAPOL), 1);
	Netcap__EAP *p = h_get(h, NC_REC_EAP, 0);
	assert_non_null(p);
	assert_int_equal(p->length, 45);
	assert_int_equal(p->type, 1);
	assert_int_equal(p->typedata.len, 7);
	H_FREE(p);
	free(h);

	/* the same cut by the snap length: truncations */
	h = h_new();
	assert_int_equal(nc_decode_frame(&h->dec, NC_LINK_ETHERNET, eap_ident,
					 30, sizeof(eap_ident), 1),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_EAPOL_TRUNC), 1);
	assert_int_equal(h_event(h, NC_EV_EAP_TRUNC), 1);
	free(h);

	/* RC4 descriptor cut before the key signature ends */
	uint8_t f[sizeof(rc4_key)];
	memcpy(f, rc4_key, sizeof(f));
	f[17] = 30; /* body length 30 */
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_TRUNC);
	assert_int_equal(h_event(h, NC_EV_EAPOL_KEY_TRUNC), 1);
	assert_int_equal(h_count(h, NC_REC_EAPOLKEY), 0);
	free(h);
}

static void test_eapol_invalid(void **state)
{
	(void)state;
	/* EAP Length 3 */
	uint8_t f[sizeof(eap_ident)];
	memcpy(f, eap_ident, sizeof(f));
	f[20] = 0x00;
	f[21] = 0x03;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, f, sizeof(f)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_EAP_LEN_BAD), 1);
	Netcap__EAP *p = h_get(h, NC_REC_EAP, 0);
	assert_int_equal(p->length, 3);
	assert_int_equal(p->type, 0);
	H_FREE(p);
	free(h);

	/* RSN Key Data Length 200 past the body */
	uint8_t k[sizeof(rsn_key)];
	memcpy(k, rsn_key, sizeof(k));
	k[14 + 4 + 93] = 0x00;
	k[14 + 4 + 94] = 0xc8;
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, k, sizeof(k)),
			 DEC_INVALID);
	assert_int_equal(h_event(h, NC_EV_EAPOL_KEY_DATA_LONG), 1);
	Netcap__EAPOLKey *r = h_get(h, NC_REC_EAPOLKEY, 0);
	assert_int_equal(r->keydatalength, 200);
	assert_int_equal(r->encryptedkeydata.len, 56);
	H_FREE(r);
	free(h);

	/* descriptor type 3 is unknown: the type alone */
	memcpy(k, rsn_key, sizeof(k));
	k[18] = 3;
	h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_ETHERNET, k, sizeof(k)),
			 DEC_UNSUPPORTED);
	assert_int_equal(h_event(h, NC_EV_EAPOL_KEY_UNKNOWN), 1);
	r = h_get(h, NC_REC_EAPOLKEY, 0);
	assert_int_equal(r->keydescriptortype, 3);
	assert_int_equal(r->keylength, 0);
	H_FREE(r);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eap_identity),
		cmocka_unit_test(test_eapol_rc4_key),
		cmocka_unit_test(test_eapol_rsn_key),
		cmocka_unit_test(test_eapol_truncated),
		cmocka_unit_test(test_eapol_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
