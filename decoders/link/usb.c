/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * usb.c: Linux usbmon captures, LINKTYPE_USB_LINUX (189, 48-octet header)
 * and LINKTYPE_USB_LINUX_MMAPPED (220, 64-octet header); the layout is
 * the kernel's struct mon_bin_hdr (Documentation/usb/usbmon.rst).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     URB id (8 octets)                         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  event type   | transfer type |D| endpoint    |device address |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            bus id             |  setup flag   |   data flag   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ts_sec (8) | ts_usec (4) | status (4) | length (4) |         |
 *  |  len_cap (4) | setup packet (8) or ISO error count, ndesc     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  220 only: interval (4), start frame (4), transfer flags (4), |
 *  |  ndesc (4), then ndesc ISO descriptors (16 each) for ISO      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  len_cap octets of URB data                                   |
 *
 * The header is in the byte order of the host that captured. libpcap
 * rewrites it to the byte order of the host that reads the file (its
 * swap_pseudo_headers, for both link types) and netcap reads files
 * through libpcap, so the decoder reads the host's own order. The setup
 * packet is USB's and always little-endian. A flag is 0 when the thing
 * is present ('<' / '>' / 'Z' otherwise), so Setup and Data are
 * "flag == 0", as Netcap has them. The USBRequestBlockSetup record is
 * written when Setup is true (submissions of control transfers).
 * Payload: the len_cap octets of data after the header (and, for 220, the
 * ISO descriptors), with --payload; len_cap beyond the frame is
 * usb.bad_data_length (or a truncation when the snaplen cut it).
 */
#include "decode.h"
#include "registry.h"

#define USB_HDR_LEN	 48
#define USB_MMAP_HDR_LEN 64
#define USB_ISO_DESC_LEN 16
#define USB_XFER_ISO	 0

static uint16_t he16(struct cur *c)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return cur_be16(c);
#else
	return cur_le16(c);
#endif
}

static uint32_t he32(struct cur *c)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return cur_be32(c);
#else
	return cur_le32(c);
#endif
}

static uint64_t he64(struct cur *c)
{
	uint32_t a = he32(c), b = he32(c);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (uint64_t)a << 32 | b;
#else
	return (uint64_t)b << 32 | a;
#endif
}

static enum dec_rc usb_linux(struct nc_dec *d, struct cur c, bool mmapped)
{
	const uint8_t *start = c.p;
	Netcap__USB r = NETCAP__USB__INIT;

	r.id = he64(&c);
	r.eventtype = cur_u8(&c);
	r.transfertype = cur_u8(&c);
	uint8_t ep = cur_u8(&c);
	r.direction = ep >> 7;
	r.endpointnumber = ep & 0x7f;
	r.deviceaddress = cur_u8(&c);
	r.busid = he16(&c);
	uint8_t setup_flag = cur_u8(&c);
	uint8_t data_flag = cur_u8(&c);
	r.setup = setup_flag == 0;
	r.data = data_flag == 0;
	r.timestampsec = (int64_t)he64(&c);
	r.timestampusec = (int32_t)he32(&c);
	r.status = (int32_t)he32(&c);
	r.urblength = he32(&c);
	r.urbdatalength = he32(&c);
	const uint8_t *setup = cur_bytes(&c, 8);
	if (mmapped) {
		r.urbinterval = he32(&c);
		r.urbstartframe = he32(&c);
		r.urbcopyoftransferflags = he32(&c);
		r.isonumdesc = he32(&c);
	}
	if (c.err) {
		nc_event(d, NC_EV_USB_TRUNC, start);
		return DEC_TRUNC;
	}

	/*
	 * What follows the header: for 220, the ISO descriptors (ndesc of
	 * them, ISO transfers only), then len_cap octets of data.
	 */
	uint64_t iso = 0;
	if (mmapped && r.transfertype == USB_XFER_ISO)
		iso = (uint64_t)r.isonumdesc * USB_ISO_DESC_LEN;
	uint64_t want = iso + r.urbdatalength;
	enum dec_rc rc = DEC_OK;
	if (want > cur_left(&c)) {
		bool cut = nc_data_cut(d, &c);
		nc_event(d, cut ? NC_EV_USB_TRUNC : NC_EV_USB_BAD_LENGTH,
			 start);
		rc = cut ? DEC_TRUNC : DEC_INVALID;
	} else {
		cur_limit(&c, (size_t)want);
	}

	if (nc_want(d, NC_REC_USB)) {
		r.timestamp = d->ts;
		if (d->cfg->payload && cur_left(&c) > 0)
			nc_bytes(&r.payload, c.p, cur_left(&c));
		nc_emit(d, NC_REC_USB, &r.base);
	}
	if (r.setup && nc_want(d, NC_REC_USB_SETUP)) {
		Netcap__USBRequestBlockSetup s =
		    NETCAP__USBREQUEST_BLOCK_SETUP__INIT;
		struct cur sc = cur_make(setup, 8);
		s.timestamp = d->ts;
		s.requesttype = cur_u8(&sc);
		s.request = cur_u8(&sc);
		s.value = cur_le16(&sc);
		s.index = cur_le16(&sc);
		s.length = cur_le16(&sc);
		nc_emit(d, NC_REC_USB_SETUP, &s.base);
	}
	return rc;
}

enum dec_rc nc_dec_usb_linux(struct nc_dec *d, struct cur c)
{
	return usb_linux(d, c, false);
}

enum dec_rc nc_dec_usb_linux_mmapped(struct nc_dec *d, struct cur c)
{
	return usb_linux(d, c, true);
}
