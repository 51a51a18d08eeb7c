/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dot11.c: IEEE 802.11 MAC frames (IEEE Std 802.11-2020, 9.2-9.3), as
 * LINKTYPE_IEEE802_11 (105: the frame alone, no FCS) or after a radiotap
 * header (127, radiotap.c; its Flags say whether an FCS ends the frame).
 * All multi-octet fields are little-endian.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|Typ|Subtyp|     Flags     |          Duration/ID          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Address 1 (6 octets) ...                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Address 2, Address 3 (6 + 6), Sequence Control (2),          |
 *  |  Address 4 (6, data frames with ToDS and FromDS),             |
 *  |  QoS Control (2, QoS data), HT Control (4, Order flag set in   |
 *  |  QoS data and management frames), body, [FCS (4)]             |
 *
 * Control frames carry Address 2 except CTS, ACK and Control Wrapper,
 * and no Sequence Control. Extension frames (type 3) have only the first
 * three fields read. Type is Netcap's (gopacket's) Dot11Type: the first
 * octet >> 2, i.e. subtype << 2 | type.
 *
 * Only unprotected, non-null data frames that are not fragments and not
 * A-MSDUs carry a body netcap decodes: LLC (nc_dec_llc). For those the
 * frame's source and destination addresses (SA and DA, placed by ToDS
 * and FromDS) become d->src_mac / d->dst_mac, so connections and device
 * profiles on a wireless link have the stations' MACs like on Ethernet.
 */
#include <stdio.h>

#include "decode.h"
#include "dot11.h"
#include "registry.h"

#define FC_TODS	     0x01
#define FC_FROMDS    0x02
#define FC_MOREFRAG  0x04
#define FC_PROTECTED 0x40
#define FC_ORDER     0x80

enum { T_MGMT = 0, T_CTRL = 1, T_DATA = 2, T_EXT = 3 };

static void mac_str(char out[18], const uint8_t *m)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/* HT Control, 9.2.4.6: the HT and VHT variants. */
struct htc_bufs {
	Netcap__Dot11HTControl htc;
	Netcap__Dot11HTControlHT ht;
	Netcap__Dot11LinkAdapationControl lac;
	Netcap__Dot11ASEL asel;
	Netcap__Dot11HTControlVHT vht;
	Netcap__Dot11HTControlMFB mfb;
};

static void htc_fill(struct htc_bufs *b, uint32_t w)
{
	netcap__dot11_htcontrol__init(&b->htc);
	b->htc.acconstraint = (w >> 30) & 1;
	b->htc.rdgmoreppdu = (w >> 31) & 1;
	if (w & 1) { /* VHT variant */
		netcap__dot11_htcontrol_vht__init(&b->vht);
		netcap__dot11_htcontrol_mfb__init(&b->mfb);
		b->vht.mrq = (w >> 2) & 1;
		b->vht.unsolicitedmfb = (w >> 29) & 1;
		if (b->vht.unsolicitedmfb) {
			b->vht.compressedmsi = (w >> 3) & 3;
			b->vht.stbcindication = (w >> 5) & 1;
			b->vht.gid =
			    (int32_t)(((w >> 6) & 7) | ((w >> 24) & 7) << 3);
		} else {
			b->vht.msi = (w >> 3) & 7;
			b->vht.mfsi = (w >> 6) & 7;
		}
		b->mfb.numsts = (w >> 9) & 7;
		b->mfb.vhtmcs = (w >> 12) & 0xf;
		b->mfb.bw = (w >> 16) & 3;
		b->mfb.snr = (w >> 18) & 0x3f;
		b->vht.mfb = &b->mfb;
		b->vht.codingtype = (w >> 27) & 1;
		b->vht.fbtxbeamformed = (w >> 28) & 1;
		b->htc.vht = &b->vht;
		return;
	}
	netcap__dot11_htcontrol_ht__init(&b->ht);
	netcap__dot11_link_adapation_control__init(&b->lac);
	uint32_t lac = (w >> 1) & 0x7fff;
	uint32_t mai = (lac >> 1) & 0xf;
	b->lac.trq = lac & 1;
	b->lac.mfsi = (lac >> 5) & 7;
	if (mai == 14) { /* ASELI: the MFB/ASELC field is ASEL */
		netcap__dot11_asel__init(&b->asel);
		b->asel.command = (lac >> 8) & 7;
		b->asel.data = (lac >> 11) & 0xf;
		b->lac.asel = &b->asel;
	} else {
		b->lac.mrq = mai & 1;
		b->lac.msi = mai >> 1;
		b->lac.mfb = (lac >> 8) & 0x7f;
	}
	b->ht.linkadapationcontrol = &b->lac;
	b->ht.calibrationposition = (w >> 16) & 3;
	b->ht.calibrationsequence = (w >> 18) & 3;
	b->ht.csisteering = (w >> 22) & 3;
	b->ht.ndpannouncement = (w >> 24) & 1;
	b->ht.dei = (w >> 29) & 1;
	b->htc.ht = &b->ht;
}

enum dec_rc nc_dot11_frame(struct nc_dec *d, struct cur c,
			   const struct nc_radiotap *rt)
{
	const uint8_t *start = c.p;
	uint32_t fcs = 0;

	/* An FCS at the end is not payload: cut it off, keep its value. */
	if (rt && (rt->flags & NC_RT_FLAG_FCS)) {
		uint32_t lost = nc_snap_lost(d, &c);
		size_t left = cur_left(&c);
		if (lost == 0 && left >= 4) {
			const uint8_t *q = c.end - 4;
			fcs = (uint32_t)q[0] | (uint32_t)q[1] << 8 |
			      (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
			c.end -= 4;
		} else if (lost < 4) {
			size_t cut = 4 - lost;
			c.end -= cut < left ? cut : left;
		}
	}

	uint8_t fc0 = cur_u8(&c);
	uint8_t flags = cur_u8(&c);
	uint16_t dur = cur_le16(&c);
	const uint8_t *a1 = cur_bytes(&c, 6);
	if (c.err) {
		nc_event(d, NC_EV_DOT11_TRUNC, start);
		return DEC_TRUNC;
	}
	uint8_t version = fc0 & 3, type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
	if (version != 0) {
		nc_event(d, NC_EV_DOT11_BAD_VERSION, start);
		return DEC_INVALID;
	}

	const uint8_t *a2 = NULL, *a3 = NULL, *a4 = NULL;
	uint16_t seq = 0;
	bool qos = false, htc = false;
	uint16_t qc = 0;
	uint32_t htw = 0;
	if (type == T_CTRL) {
		/* CTS (12), ACK (13), Control Wrapper (7): Address 1 only */
		if (subtype != 12 && subtype != 13 && subtype != 7)
			a2 = cur_bytes(&c, 6);
	} else if (type == T_MGMT || type == T_DATA) {
		a2 = cur_bytes(&c, 6);
		a3 = cur_bytes(&c, 6);
		seq = cur_le16(&c);
		if (type == T_DATA &&
		    (flags & (FC_TODS | FC_FROMDS)) == (FC_TODS | FC_FROMDS))
			a4 = cur_bytes(&c, 6);
		qos = type == T_DATA && (subtype & 0x8);
		if (qos)
			qc = cur_le16(&c);
		htc = (flags & FC_ORDER) && (qos || type == T_MGMT);
		if (htc)
			htw = cur_le32(&c);
	}
	if (c.err) {
		nc_event(d, NC_EV_DOT11_TRUNC, start);
		return DEC_TRUNC;
	}

	/* Radiotap's data padding aligns the body to 4 octets. */
	if (rt && (rt->flags & NC_RT_FLAG_DATAPAD)) {
		size_t hl = (size_t)(c.p - start);
		cur_skip(&c, ((hl + 3) & ~(size_t)3) - hl);
		if (c.err) {
			nc_event(d, NC_EV_DOT11_TRUNC, start);
			return DEC_TRUNC;
		}
	}

	if (nc_want(d, NC_REC_DOT11)) {
		Netcap__Dot11 r = NETCAP__DOT11__INIT;
		Netcap__Dot11QOS q = NETCAP__DOT11_QOS__INIT;
		struct htc_bufs hb;
		char s1[18], s2[18], s3[18], s4[18];
		r.timestamp = d->ts;
		r.type = fc0 >> 2;
		r.proto = version;
		r.flags = flags;
		r.durationid = dur;
		mac_str(s1, a1);
		r.address1 = s1;
		if (a2) {
			mac_str(s2, a2);
			r.address2 = s2;
		}
		if (a3) {
			mac_str(s3, a3);
			r.address3 = s3;
		}
		if (a4) {
			mac_str(s4, a4);
			r.address4 = s4;
		}
		r.sequencenumber = seq >> 4;
		r.fragmentnumber = seq & 0xf;
		r.checksum = fcs;
		if (qos) {
			q.tid = qc & 0xf;
			q.eosp = (qc >> 4) & 1;
			q.ackpolicy = (qc >> 5) & 3;
			q.txop = qc >> 8;
			r.qos = &q;
		}
		if (htc) {
			htc_fill(&hb, htw);
			r.htcontrol = &hb.htc;
		}
		if (rt && rt->have) {
			r.radiotaplength = rt->length;
			r.radiotappresent = rt->present;
			r.radiotapflags = rt->flags;
			r.tsft = rt->tsft;
			r.rate = rt->rate;
			r.channelfrequency = rt->chan_freq;
			r.channelflags = rt->chan_flags;
			/* dBm: signed on the wire (radiotap), signed here */
			r.dbmantennasignal = (int32_t)rt->dbm_signal;
			r.dbmantennanoise = (int32_t)rt->dbm_noise;
			r.antenna = rt->antenna;
		}
		r.payloadsize = (uint32_t)cur_left(&c);
		nc_emit(d, NC_REC_DOT11, &r.base);
	}

	/* Only data frames with a plain body go on. */
	if (type != T_DATA || (subtype & 0x4) || cur_left(&c) == 0) {
		/* management bodies (and extension frames) are not decoded */
		if (type == T_EXT || (type == T_MGMT && cur_left(&c) > 0))
			nc_event(d, NC_EV_DOT11_NOT_DATA, c.p);
		return DEC_OK;
	}
	if (flags & FC_PROTECTED) {
		nc_event(d, NC_EV_DOT11_PROTECTED, c.p);
		return DEC_UNSUPPORTED;
	}
	if ((flags & FC_MOREFRAG) || (seq & 0xf)) {
		nc_event(d, NC_EV_DOT11_FRAGMENT, c.p);
		return DEC_UNSUPPORTED;
	}
	if (qos && (qc & 0x80)) {
		nc_event(d, NC_EV_DOT11_AMSDU, c.p);
		return DEC_UNSUPPORTED;
	}

	/* SA and DA by ToDS / FromDS (9.3.2.1, Table 9-26). */
	switch (flags & (FC_TODS | FC_FROMDS)) {
	case 0:
		d->dst_mac = a1;
		d->src_mac = a2;
		break;
	case FC_FROMDS:
		d->dst_mac = a1;
		d->src_mac = a3;
		break;
	case FC_TODS:
		d->dst_mac = a3;
		d->src_mac = a2;
		break;
	default:
		d->dst_mac = a3;
		d->src_mac = a4;
		break;
	}
	return nc_dec_llc(d, c);
}

enum dec_rc nc_dec_ieee80211(struct nc_dec *d, struct cur c)
{
	return nc_dot11_frame(d, c, NULL);
}
