/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * source_pcap.c: capture files through libpcap.
 *
 * libpcap reads pcap (µs and ns, either byte order) and pcapng; opened with
 * nanosecond precision, the header's tv_usec holds nanoseconds whatever the
 * file's resolution. A file cut short inside a packet makes pcap_next_ex()
 * fail with "truncated dump file"; that is NC_SRC_TRUNC, every packet before
 * it has been delivered.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"

int nc_source_open(struct nc_source *s, const char *path, char *err,
		   size_t errlen)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		return -1;
	}
	s->pcap = pcap_open_offline_with_tstamp_precision(
	    path, PCAP_TSTAMP_PRECISION_NANO, s->errbuf);
	if (!s->pcap) {
		snprintf(err, errlen, "%s: not a readable capture file (%s)",
			 path, s->errbuf);
		return -1;
	}
	s->file = pcap_file(s->pcap);
	s->size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
	s->dlt = pcap_datalink(s->pcap);
	/* libpcap maps LINKTYPE_RAW (101) to the platform's DLT_RAW */
	s->link = (s->dlt == DLT_RAW || s->dlt == 12 || s->dlt == 14)
		      ? NC_LINK_RAW
		      : s->dlt;
	return 0;
}

int nc_source_next(struct nc_source *s, const uint8_t **data, uint32_t *caplen,
		   uint32_t *wirelen, int64_t *ts)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(s->pcap, &h, &d);

	if (rc == 1) {
		*data = d;
		*caplen = h->caplen;
		*wirelen = h->len < h->caplen ? h->caplen : h->len;
		/*
		 * pcapng can carry times past what int64 nanoseconds hold
		 * (64-bit stamps, odd if_tsresol): saturate, never overflow.
		 */
		const int64_t lim = INT64_MAX / 1000000000 - 1;
		int64_t sec = (int64_t)h->ts.tv_sec;
		*ts = sec > lim	   ? INT64_MAX
		      : sec < -lim ? INT64_MIN
				   : sec * 1000000000 + (int64_t)h->ts.tv_usec;
		return NC_SRC_PKT;
	}
	if (rc == PCAP_ERROR_BREAK)
		return NC_SRC_EOF;
	if (strstr(pcap_geterr(s->pcap), "truncated"))
		return NC_SRC_TRUNC;
	return NC_SRC_ERR;
}

int64_t nc_source_pos(const struct nc_source *s)
{
	long pos = s->file ? ftell(s->file) : -1;
	return pos < 0 ? 0 : (int64_t)pos;
}

const char *nc_source_error(struct nc_source *s)
{
	return pcap_geterr(s->pcap);
}

const char *nc_source_link_name(const struct nc_source *s)
{
	const char *n = pcap_datalink_val_to_name(s->dlt);
	return n ? n : "unknown";
}

void nc_source_close(struct nc_source *s)
{
	if (s->pcap)
		pcap_close(s->pcap);
	s->pcap = NULL;
	s->file = NULL;
}
