/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fddi.c: ANSI X3.139 FDDI MAC header (LINKTYPE_FDDI, 10).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Frame Control |        Destination address (6 octets) ...     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           ... |        Source address (6 octets) ...          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           ... | LLC ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Frame Control: CLFFZZZZ; for asynchronous LLC frames (0101 0PPP) the low
 * three bits are the priority. FrameControl is the octet with those bits
 * cleared, Priority the low three bits, as gopacket (Netcap) has them.
 * LLC frames (class/format 0x5 asynchronous or 0xd synchronous) go to
 * nc_dec_llc; SMT, MAC and other frames end here (fddi.not_llc).
 *
 * Addresses are kept as captured. libpcap hands them over in canonical
 * (Ethernet) bit order on the systems that write LINKTYPE_FDDI captures
 * (the DECnet AA-00-04-00 prefix of test/data/fddi_llc_ip_tcp_dns.pcap
 * shows it), and gopacket reads them as they are; Wireshark bit-reverses
 * each octet for this link type ("FDDI with bit-swapped MAC addresses"),
 * so tshark shows aa:00:04:00:83:a7 as 55:00:20:00:c1:e5. d->src_mac and
 * dst_mac stay unset: connections keep MACs of Ethernet only.
 */
#include "decode.h"
#include "registry.h"

enum dec_rc nc_dec_fddi(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	uint8_t fc = cur_u8(&c);
	const uint8_t *dst = cur_bytes(&c, 6);
	const uint8_t *src = cur_bytes(&c, 6);

	if (c.err) {
		nc_event(d, NC_EV_FDDI_TRUNC, start);
		return DEC_TRUNC;
	}
	if (nc_want(d, NC_REC_FDDI)) {
		Netcap__FDDI r = NETCAP__FDDI__INIT;
		r.timestamp = d->ts;
		r.framecontrol = fc & 0xf8;
		r.priority = fc & 0x07;
		nc_bytes(&r.srcmac, src, 6);
		nc_bytes(&r.dstmac, dst, 6);
		nc_emit(d, NC_REC_FDDI, &r.base);
	}
	if ((fc & 0x78) != 0x50) {
		nc_event(d, NC_EV_FDDI_NOT_LLC, c.p);
		return DEC_UNSUPPORTED;
	}
	return nc_dec_llc(d, c);
}
