/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_pcap.c: libFuzzer target for the capture-file reader: the input is
 * a pcap or pcapng file, read through libpcap from memory (fmemopen +
 * pcap_fopen_offline_with_tstamp_precision, nanoseconds, as
 * app/source_pcap.c opens files), every packet decoded as capture does:
 * link type mapping, wirelen clamp, connection table (16 entries, 8 with
 * TCP stream reassembly) and defragmentation.
 */
#include <pcap/pcap.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Packet time in ns, saturated: pcapng timestamps are 64-bit, so seconds *
 * 1e9 can overflow (regress/pcap/pcapng-timestamp-overflow; the same
 * product in app/source_pcap.c:nc_source_next is undefined behaviour
 * there). Decoders and tables must cope with any value this returns.
 */
static int64_t fz_ts(const struct pcap_pkthdr *h)
{
	const int64_t lim = INT64_MAX / 1000000000 - 1;
	int64_t sec = (int64_t)h->ts.tv_sec;
	if (sec > lim)
		return INT64_MAX;
	if (sec < -lim)
		return INT64_MIN;
	return sec * 1000000000 + (int64_t)h->ts.tv_usec;
}

/* At most this many packets per input, so a loop in libpcap shows. */
#define FZ_MAX_PKTS 100000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(
	    f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc) {
		fclose(f);
		return 0;
	}
	int dlt = pcap_datalink(pc);
	/* as nc_source_open: libpcap maps LINKTYPE_RAW to DLT_RAW */
	int link =
	    (dlt == DLT_RAW || dlt == 12 || dlt == 14) ? NC_LINK_RAW : dlt;
	struct nc_dec *d = fz_init();
	fz_tables(d, 16, 8);
	struct pcap_pkthdr *h;
	const u_char *pkt;
	int64_t clock = 0;
	for (unsigned n = 0; n < FZ_MAX_PKTS; n++) {
		if (pcap_next_ex(pc, &h, &pkt) != 1)
			break;
		uint32_t wire = h->len < h->caplen ? h->caplen : h->len;
		int64_t ts = fz_ts(h);
		nc_decode_frame(d, link, pkt, h->caplen, wire, ts);
		if (ts > clock)
			clock = ts;
		nc_defrag_expire(d, clock, 16);
		nc_conn_expire(d, clock, 16);
	}
	(void)pcap_geterr(pc);
	pcap_close(pc); /* closes f */
	fz_tables_end(d, clock);
	return 0;
}
