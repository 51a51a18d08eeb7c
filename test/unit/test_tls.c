/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the TLS hello parser (decoders/tls.c), driven through its
 * nc_app_parser callbacks as the dispatcher drives them.
 *
 * Streams: the TCP payloads of tls13_hello-retry-request.pcap (tshark -e
 * tcp.payload, frames 4, 6, 8 and the start of 11). Expected values are
 * tshark's (tshark -o tcp.reassemble_out_of_order:TRUE -T fields:
 * tls.handshake.ja3, ja3_full, ja3s, ja3s_full, ciphersuite,
 * extension.type, extensions.supported_version, key_share groups).
 * ja4_hello is hand-made from the values of the JA4 specification's
 * example (FoxIO technical_details/JA4.md: ciphers, extensions, signature
 * algorithms, plus GREASE); its JA4 is the spec's published
 * "t13d1516h2_8daaf6152771_e5627efa2ab1" and its JA3 is tshark's (the
 * bytes written to a pcap with text2pcap). Hostile inputs are built from
 * RFC 8446's layouts; their expectations come from the RFC and the
 * documented limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app_harness.h"
#include "tls.h"

extern const struct nc_app_parser nc_app_tls;

static const uint8_t hrr_ch1[] = {
	0x16, 0x03, 0x01, 0x00, 0xe7,  /* record: type 22, version 0x0301, length 231 */
	0x01, 0x00, 0x00, 0xe3,  /* handshake type 1, length 227 */
	0x03, 0x03,  /* legacy_version 0x0303 */
	0x30, 0xf1, 0x90, 0x3e, 0x37, 0xd4, 0xf5, 0x98,  /* random */
	0xa7, 0x0d, 0x69, 0x6a, 0x91, 0x72, 0xb2, 0x96,
	0xc9, 0x68, 0x52, 0xc9, 0xda, 0xe4, 0xa3, 0xc9,
	0xca, 0x6b, 0x49, 0xd2, 0x02, 0x16, 0x68, 0xa1,
	0x20,  /* session_id length 32 */
	0x1a, 0x6b, 0xb8, 0x36, 0x8a, 0xdd, 0x0e, 0x28,  /* session_id */
	0x01, 0x5b, 0xd6, 0xcc, 0xed, 0x64, 0x82, 0x36,
	0xf4, 0x9e, 0x24, 0x07, 0xf1, 0x96, 0x53, 0xac,
	0x1f, 0xdd, 0x1f, 0xfa, 0x48, 0xbf, 0xae, 0xcd,
	0x00, 0x08,  /* cipher_suites length 8 */
	0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0x00, 0xff,  /* cipher suites */
	0x01, 0x00,  /* compression methods (1) */
	0x00, 0x92,  /* extensions length 146 */
	0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02,  /* ext 11 ec_point_formats, length 4 */
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x15,  /* ext 10 supported_groups, length 8 */
	0x00, 0x17, 0x00, 0x18,
	0x00, 0x23, 0x00, 0x00,  /* ext 35 session_ticket, length 0 */
	0x00, 0x16, 0x00, 0x00,  /* ext 22 encrypt_then_mac, length 0 */
	0x00, 0x17, 0x00, 0x00,  /* ext 23 extended_master_secret, length 0 */
	0x00, 0x0d, 0x00, 0x1e, 0x00, 0x1c, 0x04, 0x03,  /* ext 13 signature_algorithms, length 30 */
	0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08,
	0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04,
	0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01,
	0x06, 0x01,
	0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,  /* ext 43 supported_versions, length 3 */
	0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,  /* ext 45 psk_key_exchange_modes, length 2 */
	0x00, 0x33, 0x00, 0x3f, 0x00, 0x3d, 0x00, 0x15,  /* ext 51 key_share, length 63 */
	0x00, 0x39, 0x04, 0x74, 0x2b, 0xee, 0xe2, 0xf4,
	0x0d, 0x71, 0xfd, 0x7d, 0xe4, 0x42, 0xc4, 0x82,
	0x94, 0x50, 0xb0, 0x81, 0x22, 0x55, 0x14, 0xe2,
	0x2c, 0x5d, 0x87, 0xb4, 0x7f, 0xc5, 0x95, 0x8b,
	0xcc, 0xc7, 0xff, 0x69, 0x83, 0x5d, 0x77, 0x31,
	0x16, 0x6b, 0x62, 0xe9, 0x2d, 0xe5, 0x16, 0xb8,
	0xaf, 0x90, 0xfe, 0x45, 0xcb, 0xb0, 0x56, 0xce,
	0x36, 0x4f, 0x40,
};
static const uint8_t hrr_hrr[] = {
	0x16, 0x03, 0x03, 0x00, 0x58,  /* record: type 22, version 0x0303, length 88 */
	0x02, 0x00, 0x00, 0x54,  /* handshake type 2, length 84 */
	0x03, 0x03,  /* legacy_version 0x0303 */
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,  /* random */
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	0x20,  /* session_id length 32 */
	0x1a, 0x6b, 0xb8, 0x36, 0x8a, 0xdd, 0x0e, 0x28,  /* session_id */
	0x01, 0x5b, 0xd6, 0xcc, 0xed, 0x64, 0x82, 0x36,
	0xf4, 0x9e, 0x24, 0x07, 0xf1, 0x96, 0x53, 0xac,
	0x1f, 0xdd, 0x1f, 0xfa, 0x48, 0xbf, 0xae, 0xcd,
	0x13, 0x02,  /* cipher_suite 0x1302 */
	0x00,  /* compression_method 0 */
	0x00, 0x0c,  /* extensions length 12 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,  /* ext 43 supported_versions, length 2 */
	0x00, 0x33, 0x00, 0x02, 0x00, 0x17,  /* ext 51 key_share, length 2 */
	0x14, 0x03, 0x03, 0x00, 0x01,  /* record: type 20, version 0x0303, length 1 */
	0x01,  /* record body */
};
static const uint8_t hrr_ch2[] = {
	0x14, 0x03, 0x03, 0x00, 0x01,  /* record: type 20, version 0x0303, length 1 */
	0x01,  /* record body */
	0x16, 0x03, 0x03, 0x00, 0xef,  /* record: type 22, version 0x0303, length 239 */
	0x01, 0x00, 0x00, 0xeb,  /* handshake type 1, length 235 */
	0x03, 0x03,  /* legacy_version 0x0303 */
	0x30, 0xf1, 0x90, 0x3e, 0x37, 0xd4, 0xf5, 0x98,  /* random */
	0xa7, 0x0d, 0x69, 0x6a, 0x91, 0x72, 0xb2, 0x96,
	0xc9, 0x68, 0x52, 0xc9, 0xda, 0xe4, 0xa3, 0xc9,
	0xca, 0x6b, 0x49, 0xd2, 0x02, 0x16, 0x68, 0xa1,
	0x20,  /* session_id length 32 */
	0x1a, 0x6b, 0xb8, 0x36, 0x8a, 0xdd, 0x0e, 0x28,  /* session_id */
	0x01, 0x5b, 0xd6, 0xcc, 0xed, 0x64, 0x82, 0x36,
	0xf4, 0x9e, 0x24, 0x07, 0xf1, 0x96, 0x53, 0xac,
	0x1f, 0xdd, 0x1f, 0xfa, 0x48, 0xbf, 0xae, 0xcd,
	0x00, 0x08,  /* cipher_suites length 8 */
	0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0x00, 0xff,  /* cipher suites */
	0x01, 0x00,  /* compression methods (1) */
	0x00, 0x9a,  /* extensions length 154 */
	0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02,  /* ext 11 ec_point_formats, length 4 */
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x15,  /* ext 10 supported_groups, length 8 */
	0x00, 0x17, 0x00, 0x18,
	0x00, 0x23, 0x00, 0x00,  /* ext 35 session_ticket, length 0 */
	0x00, 0x16, 0x00, 0x00,  /* ext 22 encrypt_then_mac, length 0 */
	0x00, 0x17, 0x00, 0x00,  /* ext 23 extended_master_secret, length 0 */
	0x00, 0x0d, 0x00, 0x1e, 0x00, 0x1c, 0x04, 0x03,  /* ext 13 signature_algorithms, length 30 */
	0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08,
	0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04,
	0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01,
	0x06, 0x01,
	0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,  /* ext 43 supported_versions, length 3 */
	0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,  /* ext 45 psk_key_exchange_modes, length 2 */
	0x00, 0x33, 0x00, 0x47, 0x00, 0x45, 0x00, 0x17,  /* ext 51 key_share, length 71 */
	0x00, 0x41, 0x04, 0x77, 0x07, 0x06, 0xeb, 0xa5,
	0xd9, 0x06, 0x22, 0xe4, 0x11, 0x5a, 0x28, 0x43,
	0xaf, 0xeb, 0xa4, 0xb1, 0xf4, 0xed, 0x9b, 0x39,
	0xeb, 0x09, 0x93, 0x98, 0x58, 0x0d, 0x4e, 0xe2,
	0x21, 0xf8, 0x1d, 0x79, 0x4d, 0xc5, 0x69, 0xec,
	0xc7, 0xd7, 0x3a, 0x27, 0xbe, 0xbd, 0x24, 0x49,
	0x04, 0x23, 0x23, 0x4a, 0xa1, 0x53, 0xcb, 0x87,
	0x0d, 0xbd, 0x2c, 0xe5, 0xa7, 0x58, 0x3e, 0x6c,
	0xbc, 0x3d, 0x01,
};
static const uint8_t hrr_sh[] = {
	0x16, 0x03, 0x03, 0x00, 0x9b,  /* record: type 22, version 0x0303, length 155 */
	0x02, 0x00, 0x00, 0x97,  /* handshake type 2, length 151 */
	0x03, 0x03,  /* legacy_version 0x0303 */
	0xc9, 0x62, 0xa4, 0x8c, 0xac, 0x61, 0x14, 0xd3,  /* random */
	0x91, 0xe8, 0x63, 0x2c, 0x6c, 0xdc, 0xed, 0x9c,
	0x20, 0x75, 0xd7, 0xeb, 0xb8, 0x3b, 0x45, 0xa8,
	0x93, 0x73, 0xe8, 0x71, 0x3a, 0x55, 0x3f, 0xe6,
	0x20,  /* session_id length 32 */
	0x1a, 0x6b, 0xb8, 0x36, 0x8a, 0xdd, 0x0e, 0x28,  /* session_id */
	0x01, 0x5b, 0xd6, 0xcc, 0xed, 0x64, 0x82, 0x36,
	0xf4, 0x9e, 0x24, 0x07, 0xf1, 0x96, 0x53, 0xac,
	0x1f, 0xdd, 0x1f, 0xfa, 0x48, 0xbf, 0xae, 0xcd,
	0x13, 0x02,  /* cipher_suite 0x1302 */
	0x00,  /* compression_method 0 */
	0x00, 0x4f,  /* extensions length 79 */
	0x00, 0x33, 0x00, 0x45, 0x00, 0x17, 0x00, 0x41,  /* ext 51 key_share, length 69 */
	0x04, 0x65, 0xfe, 0x52, 0xa1, 0x96, 0x86, 0xb5,
	0xdd, 0x1d, 0xe1, 0x0c, 0x56, 0xf3, 0x80, 0x94,
	0xae, 0x84, 0x2e, 0xf6, 0x0f, 0x51, 0x11, 0xec,
	0x0e, 0x0e, 0xe1, 0x7d, 0x39, 0x2e, 0x54, 0xec,
	0x42, 0x16, 0x48, 0x9b, 0x6e, 0xcb, 0x62, 0x2c,
	0x5c, 0x88, 0x4d, 0x90, 0x26, 0xe2, 0x4a, 0x42,
	0x99, 0x0c, 0x44, 0x59, 0xf2, 0x29, 0xcc, 0xee,
	0x0d, 0x30, 0xdf, 0xc2, 0xa3, 0x67, 0xf9, 0x63,
	0xd8,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,  /* ext 43 supported_versions, length 2 */
	0x17, 0x03, 0x03, 0x04, 0xe0,  /* record: type 23, version 0x0303, length 1248 */
	0x07, 0x82, 0x9f, 0x08,  /* record body (first 4 octets) */
};
static const uint8_t ja4_hello[] = {
	0x16, 0x03, 0x01, 0x00, 0xdf,  /* record: type 22, version 0x0301, length 223 */
	0x01, 0x00, 0x00, 0xdb,  /* handshake type 1, length 219 */
	0x03, 0x03,  /* legacy_version 0x0303 */
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,  /* random */
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x00,  /* session_id length 0 */
	0x00, 0x20,  /* cipher_suites length 32 */
	0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03,  /* cipher suites */
	0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30,
	0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14,
	0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35,
	0x01, 0x00,  /* compression methods (1) */
	0x00, 0x92,  /* extensions length 146 */
	0x2a, 0x2a, 0x00, 0x00,  /* ext 10794 , length 0 */
	0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02,  /* ext 27 , length 3 */
	0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00,  /* ext 0 server_name, length 16 */
	0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
	0x2e, 0x63, 0x6f, 0x6d,
	0x00, 0x33, 0x00, 0x02, 0x00, 0x00,  /* ext 51 key_share, length 2 */
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 0x68,  /* ext 16 alpn, length 14 */
	0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31,
	0x2e, 0x31,
	0x44, 0x69, 0x00, 0x00,  /* ext 17513 , length 0 */
	0x00, 0x17, 0x00, 0x00,  /* ext 23 extended_master_secret, length 0 */
	0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,  /* ext 45 psk_key_exchange_modes, length 2 */
	0x00, 0x0d, 0x00, 0x12, 0x00, 0x10, 0x04, 0x03,  /* ext 13 signature_algorithms, length 18 */
	0x08, 0x04, 0x04, 0x01, 0x05, 0x03, 0x08, 0x05,
	0x05, 0x01, 0x08, 0x06, 0x06, 0x01,
	0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00,  /* ext 5 status_request, length 5 */
	0x00,
	0x00, 0x23, 0x00, 0x00,  /* ext 35 session_ticket, length 0 */
	0x00, 0x12, 0x00, 0x00,  /* ext 18 , length 0 */
	0x00, 0x2b, 0x00, 0x07, 0x06, 0x1a, 0x1a, 0x03,  /* ext 43 supported_versions, length 7 */
	0x04, 0x03, 0x03,
	0xff, 0x01, 0x00, 0x01, 0x00,  /* ext 65281 renegotiation_info, length 1 */
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,  /* ext 11 ec_point_formats, length 2 */
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x1a, 0x1a,  /* ext 10 supported_groups, length 8 */
	0x00, 0x1d, 0x00, 0x17,
	0x00, 0x15, 0x00, 0x00,  /* ext 21 padding, length 0 */
};

/* The next record of hrr_sh: application data (encrypted), 4 octets of
   its body. Nothing after the ServerHello is read. */
static const uint8_t appdata_tail[] = {0x07, 0x82, 0x9f, 0x08};

/* ---------------------------------------------------------------------- */
/* driver */

static const uint8_t ip_c[4] = {192, 168, 1, 10}, ip_s[4] = {93, 184, 216, 34};
static const uint8_t mac_c[6] = {2, 0, 0, 0, 0, 1}, mac_s[6] = {2, 0, 0, 0, 0, 2};

static void t_open(struct app_run *t, uint32_t max_message)
{
	static const struct nc_app_conn c = {
	    .uid = "CtlsTLStls01",
	    .alen = 4,
	    .proto = 6,
	    .addr = {ip_c, ip_s},
	    .port = {63564, 443},
	    .mac = {mac_c, mac_s},
	    .ts = 1600000000000000000ll,
	};
	struct nc_app_cfg cfg;

	app_cfg(&cfg);
	if (max_message)
		cfg.max_message = max_message;
	app_open(t, NULL, &nc_app_tls, &c, &cfg);
}

#define assert_ints(arr, n, ...)                                            \
	do {                                                                \
		static const int32_t exp_[] = {__VA_ARGS__};                \
		assert_int_equal((n), sizeof(exp_) / sizeof(exp_[0]));      \
		for (size_t i_ = 0; i_ < (n); i_++)                         \
			assert_int_equal((arr)[i_], exp_[i_]);              \
	} while (0)

/* ---------------------------------------------------------------------- */
/* the HelloRetryRequest exchange */

static void hrr_exchange(size_t chunk)
{
	struct app_run t;

	t_open(&t, 0);
	app_data(&t, 0, hrr_ch1, sizeof(hrr_ch1), chunk);
	app_data(&t, 1, hrr_hrr, sizeof(hrr_hrr), chunk);
	app_data(&t, 0, hrr_ch2, sizeof(hrr_ch2), chunk);
	app_data(&t, 1, hrr_sh, sizeof(hrr_sh), chunk);
	app_data(&t, 1, appdata_tail, sizeof(appdata_tail), chunk);
	struct harness *h = t.h;
	/* h->n is reset by nothing here: all records of the stream */
	assert_int_equal(h_count(h, NC_REC_TLS_CLIENT_HELLO), 2);
	assert_int_equal(h_count(h, NC_REC_TLS_SERVER_HELLO), 2);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);

	for (unsigned k = 0; k < 2; k++) {
		Netcap__TLSClientHello *r =
		    h_get(h, NC_REC_TLS_CLIENT_HELLO, k);
		assert_non_null(r);
		/* frame 4: record 0x0301 len 231, hs len 227, ext len 146;
		   frame 8: record 0x0303 len 239, hs len 235, ext len 154 */
		assert_int_equal(r->type, 22);
		assert_int_equal(r->version, k ? 0x0303 : 0x0301);
		assert_int_equal(r->messagelen, k ? 239 : 231);
		assert_int_equal(r->handshaketype, 1);
		assert_int_equal(r->handshakelen, k ? 235 : 227);
		assert_int_equal(r->handshakeversion, 0x0303);
		assert_int_equal(r->random.len, 32);
		assert_int_equal(r->random.data[0], 0x30);
		assert_int_equal(r->random.data[31], 0xa1);
		assert_int_equal(r->sessionidlen, 32);
		assert_int_equal(r->sessionid.data[0], 0x1a);
		assert_int_equal(r->ciphersuitelen, 8);
		assert_int_equal(r->extensionlen, k ? 154 : 146);
		assert_string_equal(r->sni, "");
		assert_false(r->oscp);
		assert_ints(r->ciphersuites, r->n_ciphersuites, 0x1302, 0x1303,
			    0x1301, 0x00ff);
		assert_ints(r->compressmethods, r->n_compressmethods, 0);
		assert_ints(r->extensions, r->n_extensions, 11, 10, 35, 22, 23,
			    13, 43, 45, 51);
		assert_ints(r->supportedgroups, r->n_supportedgroups, 0x15,
			    0x17, 0x18);
		assert_ints(r->supportedpoints, r->n_supportedpoints, 0, 1, 2);
		assert_ints(r->signaturealgs, r->n_signaturealgs, 0x0403,
			    0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
			    0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
			    0x0601);
		assert_ints(r->supportedversions, r->n_supportedversions,
			    0x0304);
		assert_int_equal(r->n_alpns, 0);
		assert_string_equal(r->ja3string,
				    "771,4866-4867-4865-255,11-10-35-22-23-13-"
				    "43-45-51,21-23-24,0-1-2");
		assert_string_equal(r->ja3, "0f14b679807628ec7f9c02cada3ee941");
		assert_int_equal(r->srcport, 63564);
		assert_int_equal(r->dstport, 443);
		assert_memory_equal(r->srcip.data, ip_c, 4);
		assert_memory_equal(r->dstip.data, ip_s, 4);
		assert_memory_equal(r->srcmac.data, mac_c, 6);
		assert_memory_equal(r->dstmac.data, mac_s, 6);
		assert_string_equal(r->uid, "CtlsTLStls01");
		/* JA4 by the spec's rules: t, 13 (supported_versions), i (no
		   SNI), 04 ciphers, 09 extensions, 00 (no ALPN) */
		assert_memory_equal(r->ja4, "t13i040900_", 11);
		H_FREE(r);
	}

	Netcap__TLSServerHello *s = h_get(h, NC_REC_TLS_SERVER_HELLO, 0);
	assert_non_null(s);
	/* frame 6: HelloRetryRequest, key_share selected_group 23 */
	assert_true(s->ishelloretryrequest);
	assert_int_equal(s->version, 0x0303);
	assert_int_equal(s->recordversion, 0x0303);
	assert_int_equal(s->handshakelen, 84);
	assert_int_equal(s->random.data[0], 0xcf);
	assert_int_equal(s->sessionid.len, 32);
	assert_int_equal(s->ciphersuite, 0x1302);
	assert_int_equal(s->compressionmethod, 0);
	assert_ints(s->extensions, s->n_extensions, 43, 51);
	assert_int_equal(s->supportedversion, 0x0304);
	assert_int_equal(s->selectedgroup, 23);
	assert_string_equal(s->ja3sstring, "771,4866,43-51");
	assert_string_equal(s->ja3s, "15af977ce25de452b96affa2addb1036");
	assert_int_equal(s->srcport, 443);
	assert_int_equal(s->dstport, 63564);
	assert_memory_equal(s->srcmac.data, mac_s, 6);
	H_FREE(s);

	s = h_get(h, NC_REC_TLS_SERVER_HELLO, 1);
	assert_non_null(s);
	/* frame 11: the ServerHello, key_share group 23 */
	assert_false(s->ishelloretryrequest);
	assert_int_equal(s->handshakelen, 151);
	assert_int_equal(s->random.data[0], 0xc9);
	assert_ints(s->extensions, s->n_extensions, 51, 43);
	assert_int_equal(s->supportedversion, 0x0304);
	assert_int_equal(s->selectedgroup, 23);
	assert_string_equal(s->ja3sstring, "771,4866,51-43");
	assert_string_equal(s->ja3s, "907bf3ecef1c987c889946b737b43de8");
	H_FREE(s);
	app_free(&t);
}

static void test_hrr_one_chunk(void **state)
{
	(void)state;
	hrr_exchange(0);
}

static void test_hrr_byte_chunks(void **state)
{
	(void)state;
	hrr_exchange(1);
}

static void test_hrr_odd_chunks(void **state)
{
	(void)state;
	hrr_exchange(7);
	hrr_exchange(100);
}

/* Without a HelloRetryRequest, the client's later records are skipped:
   the second ClientHello is not looked for after a real ServerHello. */
static void test_no_second_hello_after_server_hello(void **state)
{
	struct app_run t;

	(void)state;
	t_open(&t, 0);
	app_data(&t, 0, hrr_ch1, sizeof(hrr_ch1), 0);
	app_data(&t, 1, hrr_sh, sizeof(hrr_sh), 0);
	app_data(&t, 0, hrr_ch2 + 6, sizeof(hrr_ch2) - 6, 0);
	assert_int_equal(h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 1);
	assert_int_equal(h_count(t.h, NC_REC_TLS_SERVER_HELLO), 1);
	app_free(&t);
}

/* ---------------------------------------------------------------------- */
/* a hello split over TLS records */

static void test_hello_over_records(void **state)
{
	/* hrr_ch1's handshake message (227 + 4 octets) re-framed as three
	   records of 100, 100 and 31 octets; a record may hold any part of
	   a handshake message (RFC 8446 5.1) */
	uint8_t s[sizeof(hrr_ch1) + 10];
	const uint8_t *m = hrr_ch1 + 5;
	size_t o = 0, cuts[3] = {100, 100, 31}, at = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		s[o++] = 0x16, s[o++] = 0x03, s[o++] = 0x01;
		s[o++] = 0, s[o++] = (uint8_t)cuts[i];
		memcpy(s + o, m + at, cuts[i]);
		o += cuts[i], at += cuts[i];
	}
	assert_int_equal(o, sizeof(s));
	for (size_t chunk = 0; chunk < 3; chunk++) {
		struct app_run t;
		t_open(&t, 0);
		app_data(&t, 0, s, sizeof(s), chunk);
		Netcap__TLSClientHello *r =
		    h_get(t.h, NC_REC_TLS_CLIENT_HELLO, 0);
		assert_non_null(r);
		assert_string_equal(r->ja3, "0f14b679807628ec7f9c02cada3ee941");
		/* the record the hello began in */
		assert_int_equal(r->messagelen, 100);
		H_FREE(r);
		app_free(&t);
	}
}

/* ---------------------------------------------------------------------- */
/* JA4 */

static void test_ja4_spec_example(void **state)
{
	struct app_run t;

	(void)state;
	t_open(&t, 0);
	app_data(&t, 0, ja4_hello, sizeof(ja4_hello), 0);
	Netcap__TLSClientHello *r = h_get(t.h, NC_REC_TLS_CLIENT_HELLO, 0);
	assert_non_null(r);
	assert_string_equal(r->ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	/* tshark on the same bytes (text2pcap) */
	assert_string_equal(r->ja3string,
			    "771,4865-4866-4867-49195-49199-49196-49200-52393-"
			    "52392-49171-49172-156-157-47-53,27-0-51-16-17513-"
			    "23-45-13-5-35-18-43-65281-11-10-21,29-23,0");
	assert_string_equal(r->ja3, "c7240d90981bb4a546a859dd3bd5457c");
	assert_string_equal(r->sni, "example.com");
	assert_int_equal(r->n_alpns, 2);
	assert_string_equal(r->alpns[0], "h2");
	assert_string_equal(r->alpns[1], "http/1.1");
	assert_true(r->oscp);
	/* lists as sent, GREASE kept */
	assert_int_equal(r->n_ciphersuites, 16);
	assert_int_equal(r->ciphersuites[0], 0x0a0a);
	assert_int_equal(r->n_extensions, 17);
	assert_ints(r->supportedversions, r->n_supportedversions, 0x1a1a,
		    0x0304, 0x0303);
	assert_ints(r->supportedgroups, r->n_supportedgroups, 0x1a1a, 0x1d,
		    0x17);
	H_FREE(r);
	app_free(&t);
}

/* The spec's parts one at a time, through nc_tls_ja4(). */
static void test_ja4_parts(void **state)
{
	static const int32_t ciphers[] = {0x1301, 0x1302, 0x1303, 0xc02b,
					  0xc02f, 0xc02c, 0xc030, 0xcca9,
					  0xcca8, 0xc013, 0xc014, 0x009c,
					  0x009d, 0x002f, 0x0035};
	static const int32_t exts[] = {0x001b, 0x0000, 0x0033, 0x0010,
				       0x4469, 0x0017, 0x002d, 0x000d,
				       0x0005, 0x0023, 0x0012, 0x002b,
				       0xff01, 0x000b, 0x000a, 0x0015};
	static const int32_t sigs[] = {0x0403, 0x0804, 0x0401, 0x0503,
				       0x0805, 0x0501, 0x0806, 0x0601};
	static const int32_t vers[] = {0x0304, 0x0303};
	static const uint8_t h1[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
	char out[37];
	struct nc_tls_fp f = {
	    .version = 0x0303,
	    .ciphers = ciphers, .n_ciphers = 15,
	    .exts = exts, .n_exts = 16,
	    .sigs = sigs, .n_sigs = 8,
	    .versions = vers, .n_versions = 2,
	    .alpn = (const uint8_t *)"h2", .alpn_len = 2,
	};

	(void)state;
	nc_tls_ja4(&f, 't', out);
	assert_string_equal(out, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	/* spec: without signature algorithms the list ends without "_" */
	f.n_sigs = 0;
	nc_tls_ja4(&f, 't', out);
	assert_string_equal(out, "t13d1516h2_8daaf6152771_6d807ffa2a79");
	/* spec: "http/1.1" first gives "h1"; no ALPN "00"; QUIC "q" */
	f.n_sigs = 8;
	f.alpn = h1, f.alpn_len = sizeof(h1);
	nc_tls_ja4(&f, 'q', out);
	assert_memory_equal(out, "q13d1516h1_", 11);
	f.alpn = NULL, f.alpn_len = 0;
	f.n_versions = 0; /* the hello's version then: 0x0303 "12" */
	nc_tls_ja4(&f, 't', out);
	assert_memory_equal(out, "t12d151600_8daaf6152771_", 24);
}

static void test_grease(void **state)
{
	(void)state;
	/* RFC 8701 2: 0x0A0A, 0x1A1A, ..., 0xFAFA */
	for (uint32_t i = 0; i < 16; i++)
		assert_true(nc_tls_grease(i << 12 | 0x0a00 | i << 4 | 0x0a));
	assert_false(nc_tls_grease(0x0a1a));
	assert_false(nc_tls_grease(0x1301));
	assert_false(nc_tls_grease(0x000a));
}

/* ---------------------------------------------------------------------- */
/* truncation and hostile input */

/* Every prefix of the stream: no record until the whole hello is there,
   no read past what was given (ASan), memory given back. */
static void test_truncated_every_byte(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(hrr_ch1); k++) {
		struct app_run t;
		t_open(&t, 0);
		app_data(&t, 0, hrr_ch1, k, 0);
		assert_int_equal(h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 0);
		app_free(&t);
	}
	for (size_t k = 0; k < sizeof(hrr_sh); k++) {
		struct app_run t;
		t_open(&t, 0);
		app_data(&t, 1, hrr_sh, k, 1);
		assert_int_equal(h_count(t.h, NC_REC_TLS_SERVER_HELLO),
				 k >= 160 ? 1 : 0);
		app_free(&t);
	}
}

/* The message is cut short inside its own declared lengths: the hello
   length says 227 but the fields end early. */
static void test_short_fields(void **state)
{
	(void)state;
	for (size_t cut = 0; cut < 227; cut += 13) {
		uint8_t s[sizeof(hrr_ch1)];
		struct app_run t;
		memcpy(s, hrr_ch1, sizeof(s));
		/* record and handshake lengths say cut octets of body */
		s[3] = (uint8_t)((cut + 4) >> 8), s[4] = (uint8_t)(cut + 4);
		s[6] = 0, s[7] = 0, s[8] = (uint8_t)cut;
		t_open(&t, 0);
		app_data(&t, 0, s, 9 + cut, 0);
		/* no valid hello before the extensions (cut < 79): anomaly */
		if (cut < 79) {
			assert_int_equal(
			    h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 0);
			assert_true(h_has_anomaly(t.h, "tls.bad_hello"));
		} else if (cut > 79) {
			/* the extensions block runs past the message */
			assert_int_equal(
			    h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 1);
			assert_true(h_has_anomaly(t.h, "tls.bad_extension"));
		}
		app_free(&t);
	}
}

/* A 16 MiB handshake length: anomaly, the direction is given up, nothing
   is buffered for it. */
static void test_huge_handshake_length(void **state)
{
	static const uint8_t s[] = {
	    0x16, 0x03, 0x01, 0x00, 0x08, /* record: handshake, length 8 */
	    0x01, 0xff, 0xff, 0xff,	  /* ClientHello, length 16777215 */
	    0x03, 0x03, 0x00, 0x00,	  /* (the start of a body) */
	};
	struct app_run t;

	(void)state;
	t_open(&t, 0);
	app_data(&t, 0, s, sizeof(s), 0);
	assert_true(h_has_anomaly(t.h, "tls.handshake_too_long"));
	struct nc_app_stats as;
	nc_app_stats(t.tab, &as);
	assert_int_equal(as.bytes, nc_app_tls.state_size);
	/* a valid hello afterwards is not read: the direction is done */
	app_data(&t, 0, hrr_ch1, sizeof(hrr_ch1), 0);
	assert_int_equal(h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 0);
	app_free(&t);
}

/* A bad record header (wrong content type or version, or a length over
   2^14 + 2048): anomaly, direction given up. */
static void test_bad_record(void **state)
{
	static const uint8_t bad[][5] = {
	    {0x19, 0x03, 0x01, 0x00, 0x10}, /* content type 25 */
	    {0x16, 0x02, 0x00, 0x00, 0x10}, /* version 0x0200 */
	    {0x16, 0x03, 0x05, 0x00, 0x10}, /* version 0x0305 */
	    {0x16, 0x03, 0x03, 0x48, 0x01}, /* length 18433 */
	};
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct app_run t;
		t_open(&t, 0);
		app_data(&t, 0, bad[i], 5, 0);
		assert_true(h_has_anomaly(t.h, "tls.bad_record"));
		app_free(&t);
	}
}

/* 10,000 empty extensions (40,000 octets) over three records: the first
   NC_TLS_MAX_LIST are kept, tls.too_many_values counted. */
static void test_many_extensions(void **state)
{
	enum { N = 10000 };
	size_t body = 2 + 32 + 1 + 2 + 2 + 2 + 2 + 4 * N;
	size_t mlen = 4 + body;
	uint8_t *m = malloc(mlen), *s = malloc(mlen + 5 * 4);
	size_t o = 0;

	(void)state;
	m[o++] = 1, m[o++] = (uint8_t)(body >> 16);
	m[o++] = (uint8_t)(body >> 8), m[o++] = (uint8_t)body;
	m[o++] = 3, m[o++] = 3;		/* legacy_version */
	memset(m + o, 0x22, 32), o += 32; /* random */
	m[o++] = 0;			/* session_id */
	m[o++] = 0, m[o++] = 2;		/* cipher_suites length 2 */
	m[o++] = 0x13, m[o++] = 0x01;	/* TLS_AES_128_GCM_SHA256 */
	m[o++] = 1, m[o++] = 0;		/* compression: null */
	m[o++] = (uint8_t)((4 * N) >> 8), m[o++] = (uint8_t)(4 * N);
	for (int i = 0; i < N; i++) {
		m[o++] = 0, m[o++] = 99; /* type 99, length 0 */
		m[o++] = 0, m[o++] = 0;
	}
	assert_int_equal(o, mlen);
	/* records of at most 16384 octets */
	size_t so = 0;
	for (size_t at = 0; at < mlen;) {
		size_t n = mlen - at > 16384 ? 16384 : mlen - at;
		s[so++] = 0x16, s[so++] = 3, s[so++] = 1;
		s[so++] = (uint8_t)(n >> 8), s[so++] = (uint8_t)n;
		memcpy(s + so, m + at, n);
		so += n, at += n;
	}
	struct app_run t;
	t_open(&t, 0);
	app_data(&t, 0, s, so, 1000);
	Netcap__TLSClientHello *r = h_get(t.h, NC_REC_TLS_CLIENT_HELLO, 0);
	assert_non_null(r);
	assert_int_equal(r->n_extensions, NC_TLS_MAX_LIST);
	assert_int_equal(r->extensionlen, 4 * N);
	assert_true(h_has_anomaly(t.h, "tls.too_many_values"));
	H_FREE(r);
	app_free(&t);
	free(m);
	free(s);
}

/* Zero-length lists (RFC 8446 requires at least one cipher suite; a
   parser must still not trip): empty fields in JA3. */
static void test_empty_lists(void **state)
{
	static const uint8_t s[] = {
	    0x16, 0x03, 0x01, 0x00, 0x3a, /* record: handshake, length 58 */
	    0x01, 0x00, 0x00, 0x36,	  /* ClientHello, length 54 */
	    0x03, 0x03,			  /* legacy_version TLS 1.2 */
	    0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, /* random */
	    0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	    0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	    0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44,
	    0x00,			/* session_id length 0 */
	    0x00, 0x00,			/* cipher_suites length 0 */
	    0x00,			/* compression methods: none */
	    0x00, 0x0e,			/* extensions length 14 */
	    0x00, 0x0a, 0x00, 0x02, 0x00, 0x00, /* supported_groups, [] */
	    0x00, 0x10, 0x00, 0x02, 0x00, 0x00, /* ALPN, [] */
	    0x00, 0x00,	/* server_name (type 0) ... */
	};
	struct app_run t;

	(void)state;
	/* the last extension header is cut: 2 of its 4 octets */
	t_open(&t, 0);
	app_data(&t, 0, s, sizeof(s), 0);
	Netcap__TLSClientHello *r = h_get(t.h, NC_REC_TLS_CLIENT_HELLO, 0);
	assert_non_null(r);
	assert_int_equal(r->n_ciphersuites, 0);
	assert_int_equal(r->n_compressmethods, 0);
	assert_int_equal(r->n_supportedgroups, 0);
	assert_int_equal(r->n_alpns, 0);
	assert_ints(r->extensions, r->n_extensions, 10, 16);
	/* JA3 (Salesforce): empty lists give empty fields */
	assert_string_equal(r->ja3string, "771,,10-16,,");
	assert_true(h_has_anomaly(t.h, "tls.bad_extension"));
	H_FREE(r);
	app_free(&t);
}

/* A gap in the middle of a hello: the direction is given up. */
static void test_gap(void **state)
{
	struct app_run t;

	(void)state;
	t_open(&t, 0);
	app_data(&t, 0, hrr_ch1, 50, 0);
	app_gap(&t, 0, 20);
	app_data(&t, 0, hrr_ch1 + 70, sizeof(hrr_ch1) - 70, 0);
	assert_int_equal(h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 0);
	assert_int_equal(h_event(t.h, NC_EV_TLS_HELLO_TRUNCATED), 1);
	app_free(&t);
}

/* A message buffer over the table's max_message: dropped. */
static void test_max_message(void **state)
{
	struct app_run t;

	(void)state;
	t_open(&t, 100);
	app_data(&t, 0, hrr_ch1, sizeof(hrr_ch1), 10);
	assert_int_equal(h_count(t.h, NC_REC_TLS_CLIENT_HELLO), 0);
	assert_int_equal(h_event(t.h, NC_EV_APP_MESSAGE_TOO_LONG), 1);
	app_free(&t);
}

/* ---------------------------------------------------------------------- */
/* probe */

static void test_probe(void **state)
{
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	(void)state;
	/* a ClientHello from the client, a ServerHello from the server */
	assert_int_equal(nc_app_tls.probe(hrr_ch1, sizeof(hrr_ch1), 0),
			 NC_PROBE_YES);
	assert_int_equal(nc_app_tls.probe(hrr_ch1, 11, 0), NC_PROBE_YES);
	assert_int_equal(nc_app_tls.probe(hrr_hrr, sizeof(hrr_hrr), 1),
			 NC_PROBE_YES);
	/* the wrong hello for the direction */
	assert_int_equal(nc_app_tls.probe(hrr_ch1, sizeof(hrr_ch1), 1),
			 NC_PROBE_NO);
	assert_int_equal(nc_app_tls.probe(hrr_hrr, sizeof(hrr_hrr), 0),
			 NC_PROBE_NO);
	/* too few octets to tell */
	for (size_t k = 0; k < 11; k++)
		assert_int_equal(nc_app_tls.probe(hrr_ch1, k, 0),
				 NC_PROBE_NEED);
	assert_int_equal(nc_app_tls.probe(http, sizeof(http) - 1, 0),
			 NC_PROBE_NO);
	/* a ChangeCipherSpec first (hrr_ch2) is not a hello */
	assert_int_equal(nc_app_tls.probe(hrr_ch2, sizeof(hrr_ch2), 0),
			 NC_PROBE_NO);
	/* an implausible hello length: only on a TLS port */
	uint8_t s[16];
	memcpy(s, hrr_ch1, sizeof(s));
	s[6] = 0xff;
	assert_int_equal(nc_app_tls.probe(s, sizeof(s), 0), NC_PROBE_NEED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hrr_one_chunk),
	    cmocka_unit_test(test_hrr_byte_chunks),
	    cmocka_unit_test(test_hrr_odd_chunks),
	    cmocka_unit_test(test_no_second_hello_after_server_hello),
	    cmocka_unit_test(test_hello_over_records),
	    cmocka_unit_test(test_ja4_spec_example),
	    cmocka_unit_test(test_ja4_parts),
	    cmocka_unit_test(test_grease),
	    cmocka_unit_test(test_truncated_every_byte),
	    cmocka_unit_test(test_short_fields),
	    cmocka_unit_test(test_huge_handshake_length),
	    cmocka_unit_test(test_bad_record),
	    cmocka_unit_test(test_many_extensions),
	    cmocka_unit_test(test_empty_lists),
	    cmocka_unit_test(test_gap),
	    cmocka_unit_test(test_max_message),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
