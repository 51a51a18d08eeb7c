/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the Linux usbmon decoder (decoders/link/usb.c). Frames
 * are from usb-linux-mmapped_get-descriptor_pcapng-content.pcap (tshark
 * -x) with tshark's values; the usbmon header is in host byte order
 * (little-endian here, as libpcap hands it to a little-endian reader).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness.h"

#define NC_LINK_USB_LINUX	  189
#define NC_LINK_USB_LINUX_MMAPPED 220

/* frame 1: URB_SUBMIT of GET_DESCRIPTOR(DEVICE), 64-octet header */
#define USB_SUBMIT_48                                                      \
	0x00, 0xaa, 0xcd, 0xda, 0x00, 0x00, 0x00, 0x00, /* URB id */       \
	0x53,		   /* 'S' submit */                                \
	0x02,		   /* control */                                   \
	0x80,		   /* endpoint 0, IN */                            \
	0x02,		   /* device 2 */                                  \
	0x01, 0x00,	   /* bus 1 */                                     \
	0x00,		   /* setup flag: present */                       \
	0x3c,		   /* data flag '<': not present */                \
	0xc5, 0x2f, 0x68, 0x5c, 0x00, 0x00, 0x00, 0x00, /* 1550331845 */   \
	0x22, 0xca, 0x01, 0x00, /* 117282 us */                            \
	0x8d, 0xff, 0xff, 0xff, /* status -115 */                          \
	0x28, 0x00, 0x00, 0x00, /* URB length 40 */                        \
	0x00, 0x00, 0x00, 0x00, /* data length 0 */                        \
	0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x28, 0x00 /* setup */

static const uint8_t submit[] = {
	USB_SUBMIT_48,
	0x00, 0x00, 0x00, 0x00, /* interval 0 */
	0x00, 0x00, 0x00, 0x00, /* start frame 0 */
	0x00, 0x02, 0x00, 0x00, /* transfer flags 0x200 */
	0x00, 0x00, 0x00, 0x00, /* ndesc 0 */
};

/* frame 2: URB_COMPLETE with the 18-octet device descriptor */
static const uint8_t complete[] = {
	0x00, 0xaa, 0xcd, 0xda, 0x00, 0x00, 0x00, 0x00, 0x43, 0x02, 0x80,
	0x02, 0x01, 0x00, 0x2d, 0x00, 0xc5, 0x2f, 0x68, 0x5c, 0x00, 0x00,
	0x00, 0x00, 0x51, 0xd0, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, /* .. */
	0x12, 0x00, 0x00, 0x00, /* URB length 18 */
	0x12, 0x00, 0x00, 0x00, /* data length 18 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* no setup */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00,
	0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x08, 0x6e, 0x05, /* .. */
	0xff, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x01, /* descriptor */
};

static void test_usb_submit_setup(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_USB_LINUX_MMAPPED, submit,
				  sizeof(submit)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_USB), 1);
	assert_int_equal(h_count(h, NC_REC_USB_SETUP), 1);
	assert_int_equal(h_count(h, NC_REC_ANOMALY), 0);
	Netcap__USB *u = h_get(h, NC_REC_USB, 0);
	assert_non_null(u);
	assert_int_equal(u->id, 0xdacdaa00u);
	assert_int_equal(u->eventtype, 'S');
	assert_int_equal(u->transfertype, 2);
	assert_int_equal(u->direction, 1);
	assert_int_equal(u->endpointnumber, 0);
	assert_int_equal(u->deviceaddress, 2);
	assert_int_equal(u->busid, 1);
	assert_true(u->setup);
	assert_false(u->data);
	assert_int_equal(u->timestampsec, 1550331845);
	assert_int_equal(u->timestampusec, 117282);
	assert_int_equal(u->status, -115);
	assert_int_equal(u->urblength, 40);
	assert_int_equal(u->urbdatalength, 0);
	assert_int_equal(u->urbinterval, 0);
	assert_int_equal(u->urbstartframe, 0);
	assert_int_equal(u->urbcopyoftransferflags, 0x200);
	assert_int_equal(u->isonumdesc, 0);
	assert_int_equal(u->payload.len, 0);
	H_FREE(u);
	Netcap__USBRequestBlockSetup *s = h_get(h, NC_REC_USB_SETUP, 0);
	assert_non_null(s);
	assert_int_equal(s->requesttype, 0x80);
	assert_int_equal(s->request, 6); /* GET_DESCRIPTOR */
	assert_int_equal(s->value, 0x0100); /* DEVICE, index 0 */
	assert_int_equal(s->index, 0);
	assert_int_equal(s->length, 40);
	H_FREE(s);
	free(h);
}

static void test_usb_complete_data(void **state)
{
	(void)state;
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_USB_LINUX_MMAPPED, complete,
				  sizeof(complete)),
			 DEC_OK);
	assert_int_equal(h_count(h, NC_REC_USB_SETUP), 0);
	Netcap__USB *u = h_get(h, NC_REC_USB, 0);
	assert_non_null(u);
	assert_int_equal(u->eventtype, 'C');
	assert_false(u->setup); /* '-' */
	assert_true(u->data);
	assert_int_equal(u->status, 0);
	assert_int_equal(u->urbdatalength, 18);
	assert_int_equal(u->payload.len, 18);
	assert_int_equal(u->payload.data[0], 0x12); /* bLength */
	assert_int_equal(u->payload.data[1], 0x01); /* DEVICE */
	H_FREE(u);
	free(h);
}

/* The 48-octet header of link type 189 (checked with tshark on frame 1
   cut to 48 octets and written as link type 189). */
static void test_usb_linux_48(void **state)
{
	(void)state;
	static const uint8_t f[] = {USB_SUBMIT_48};
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_USB_LINUX, f, sizeof(f)), DEC_OK);
	Netcap__USB *u = h_get(h, NC_REC_USB, 0);
	assert_non_null(u);
	assert_int_equal(u->urblength, 40);
	assert_int_equal(u->status, -115);
	assert_int_equal(u->urbcopyoftransferflags, 0); /* not in 48 */
	H_FREE(u);
	Netcap__USBRequestBlockSetup *s = h_get(h, NC_REC_USB_SETUP, 0);
	assert_non_null(s);
	assert_int_equal(s->length, 40);
	H_FREE(s);
	/* the 64-octet link type needs 16 octets more */
	assert_int_equal(
	    h_decode(h, NC_LINK_USB_LINUX_MMAPPED, f, sizeof(f)), DEC_TRUNC);
	assert_true(h_has_anomaly(h, "usb.truncated"));
	free(h);
}

static void test_usb_truncated(void **state)
{
	(void)state;
	struct harness *h = h_new();
	for (size_t n = 0; n < 64; n++) {
		assert_int_equal(
		    h_decode(h, NC_LINK_USB_LINUX_MMAPPED, submit, n),
		    DEC_TRUNC);
		assert_int_equal(h_count(h, NC_REC_USB), 0);
		assert_true(h_has_anomaly(h, "usb.truncated"));
	}
	/* data length 18, 10 octets there, not cut by the snaplen */
	assert_int_equal(h_decode(h, NC_LINK_USB_LINUX_MMAPPED, complete, 74),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "usb.bad_data_length"));
	Netcap__USB *u = h_get(h, NC_REC_USB, 0);
	assert_non_null(u);
	assert_int_equal(u->payload.len, 10);
	H_FREE(u);
	/* the same cut by the snaplen */
	h->n = 0;
	assert_int_equal(nc_decode_frame(&h->dec, NC_LINK_USB_LINUX_MMAPPED,
					 complete, 74, sizeof(complete), 1),
			 DEC_TRUNC);
	assert_true(h_has_anomaly(h, "usb.truncated"));
	free(h);
}

/* ISO transfer whose ndesc would need 64 GiB of descriptors. */
static void test_usb_iso_ndesc(void **state)
{
	(void)state;
	uint8_t f[sizeof(submit)];
	memcpy(f, submit, sizeof(f));
	f[9] = 0x00;				       /* isochronous */
	f[14] = '-';				       /* no setup */
	f[60] = f[61] = f[62] = f[63] = 0xff;	       /* ndesc */
	struct harness *h = h_new();
	assert_int_equal(h_decode(h, NC_LINK_USB_LINUX_MMAPPED, f, sizeof(f)),
			 DEC_INVALID);
	assert_true(h_has_anomaly(h, "usb.bad_data_length"));
	Netcap__USB *u = h_get(h, NC_REC_USB, 0);
	assert_non_null(u);
	assert_int_equal(u->isonumdesc, 0xffffffffu);
	assert_false(u->setup);
	H_FREE(u);
	assert_int_equal(h_count(h, NC_REC_USB_SETUP), 0);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_usb_submit_setup),
	    cmocka_unit_test(test_usb_complete_data),
	    cmocka_unit_test(test_usb_linux_48),
	    cmocka_unit_test(test_usb_truncated),
	    cmocka_unit_test(test_usb_iso_ndesc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
