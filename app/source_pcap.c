/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * source_pcap.c: capture files through libpcap.
 *
 * libpcap reads pcap (µs and ns, either byte order) and pcapng; opened with
 * nanosecond precision, the header's tv_usec holds nanoseconds whatever the
 * file's resolution. A file cut short inside a packet makes pcap_next_ex()
 * fail with "truncated dump file"; that is NC_SRC_TRUNC, every packet before
 * it has been delivered.
 *
 * A classic pcap file (version 2.4, the two standard magics in either byte
 * order) of a link type whose frames libpcap passes on unchanged is read
 * in place instead: the file is mapped and each record header parsed where
 * it lies, so the frames are not copied by read(2) and stdio before RX
 * copies them into mbufs (about half of the RX lcore's time on large
 * frames, docs/PERFORMANCE.md). libpcap still opens the file and checks
 * its header. The first record the in-place reader does not take as it is
 * (a caplen above the snapshot length or 262144, a record cut short by the
 * end of the file) and everything after it goes back to libpcap, which
 * seeks to that record and reports, salvages or fails exactly as it always
 * does. NETCAP_PCAP_READER=libpcap turns the in-place reader off (the
 * tests compare the two). A file truncated by another process while it is
 * being read in place ends the run with SIGBUS; libpcap would see a
 * shorter file.
 */
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "engine.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_MAX_CAP  262144u /* libpcap's MAXIMUM_SNAPLEN */
#define PCAP_HDR      24u
#define PCAP_REC_HDR  16u

/* Link types libpcap hands on as they are in the file (pcap_post_process
   rewrites USB and NFLOG pseudo-headers, which are not read in place). */
static bool inplace_link(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
	case DLT_EN10MB:
	case 12: /* DLT_RAW: 12 here, 14 on OpenBSD */
	case 14:
	case DLT_LINUX_SLL:
	case 228: /* DLT_IPV4 */
	case 229: /* DLT_IPV6 */
		return true;
	default:
		return false;
	}
}

static uint32_t rd32(const struct nc_source *s, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return s->swapped ? bswap_32(v) : v;
}

/* NETCAP_PCAP_READER is name (the tests' switches: libpcap, copy). */
static bool reader_is(const char *name)
{
	const char *env = getenv("NETCAP_PCAP_READER");

	return env && !strcmp(env, name);
}

/* Map path when it is a classic pcap file the in-place reader takes. */
static void inplace_open(struct nc_source *s, const char *path)
{
	struct stat st;
	uint32_t magic, v;

	if (reader_is("libpcap") || !inplace_link(s->dlt))
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)PCAP_HDR) {
		close(fd);
		return;
	}
	/* writable but private: a decoder that wrote into a frame lent to it
	   would get a copy of the page, never change the file or fault */
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	const uint8_t *p = m;
	memcpy(&magic, p, sizeof(magic));
	s->swapped = magic == bswap_32(PCAP_MAGIC_US) ||
		     magic == bswap_32(PCAP_MAGIC_NS);
	if (s->swapped)
		magic = bswap_32(magic);
	memcpy(&v, p + 4, sizeof(v)); /* version major, minor: 2 octets each */
	uint16_t major = (uint16_t)(s->swapped ? bswap_32(v) >> 16 : v),
		 minor = (uint16_t)(s->swapped ? bswap_32(v) : v >> 16);
	if ((magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) || major != 2 ||
	    minor < 4) {
		munmap(m, (size_t)st.st_size);
		return;
	}
	madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	s->map = p;
	s->map_len = (uint64_t)st.st_size;
	s->off = PCAP_HDR;
	s->inplace = true;
	s->ns = magic == PCAP_MAGIC_NS;
	s->snap = (uint32_t)pcap_snapshot(s->pcap);
}

/* From the record at s->off on, libpcap reads (the mapping stays: frames
   lent from it may still be with the workers). */
static int inplace_leave(struct nc_source *s)
{
	s->inplace = false;
	if (fseeko(s->file, (off_t)s->off, SEEK_SET) != 0) {
		snprintf(s->errbuf, sizeof(s->errbuf),
			 "cannot seek to offset %" PRIu64 ": %s", s->off,
			 strerror(errno));
		return NC_SRC_ERR;
	}
	return NC_SRC_PKT;
}

/* One reference count of lent frames, a cache line of its own. */
struct nc_zc_ref {
	struct rte_mbuf_ext_shared_info sh;
} __rte_cache_aligned;

/* The mapping lives until nc_source_close: nothing to free per frame. */
static void zc_keep(void *addr, void *opaque)
{
	(void)addr;
	(void)opaque;
}

#define ZC_MIN_SHIFT 20	  /* 1 MiB of file per reference count ... */
#define ZC_MAX_UNITS 4096 /* ... or more, at most this many per worker */

bool nc_source_zc_init(struct nc_source *s, unsigned nworkers)
{
	unsigned shift = ZC_MIN_SHIFT;

	if (!s->map || s->zc || reader_is("copy"))
		return s->zc != NULL;
	while ((s->map_len >> shift) >= ZC_MAX_UNITS)
		shift++;
	size_t units = (size_t)(s->map_len >> shift) + 1;
	/* a cache line each: RX adds, one worker subtracts */
	size_t n = units * nworkers;
	struct nc_zc_ref *zc =
	    aligned_alloc(RTE_CACHE_LINE_SIZE, n * sizeof(*zc));
	if (!zc)
		return false;
	memset(zc, 0, n * sizeof(*zc));
	for (size_t i = 0; i < n; i++) {
		zc[i].sh.free_cb = zc_keep;
		/* the mapping's own reference: never reaches 0 */
		rte_mbuf_ext_refcnt_set(&zc[i].sh, 1);
	}
	s->zc = zc;
	s->zc_shift = shift;
	s->zc_workers = nworkers;
	return true;
}

struct rte_mbuf_ext_shared_info *nc_source_lend(struct nc_source *s,
						const uint8_t *data,
						uint32_t caplen, unsigned w)
{
	if (!s->zc || !s->inplace || caplen > UINT16_MAX)
		return NULL;
	uint64_t off = (uint64_t)(data - s->map);
	size_t i = (size_t)(off >> s->zc_shift) * s->zc_workers + w;
	/* at most a ring's worth of one worker's frames are out at once,
	   far below the 16-bit count */
	rte_mbuf_ext_refcnt_update(&s->zc[i].sh, 1);
	return &s->zc[i].sh;
}

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
	s->errbuf[0] = '\0'; /* from here on: the in-place reader's errors */
	if (s->file)
		inplace_open(s, path);
	return 0;
}

int nc_source_next(struct nc_source *s, const uint8_t **data, uint32_t *caplen,
		   uint32_t *wirelen, int64_t *ts)
{
	struct pcap_pkthdr *h;
	const u_char *d;

	if (s->inplace) {
		uint64_t left = s->map_len - s->off;
		if (left == 0)
			return NC_SRC_EOF;
		const uint8_t *r = s->map + s->off;
		uint32_t cap = left >= PCAP_REC_HDR ? rd32(s, r + 8) : 0;
		if (likely(left >= PCAP_REC_HDR && cap <= s->snap &&
			   cap <= PCAP_MAX_CAP && cap <= left - PCAP_REC_HDR)) {
			uint32_t len = rd32(s, r + 12);
			/* libpcap: signed 32-bit seconds and fraction */
			int64_t sec = (int32_t)rd32(s, r);
			int64_t frac = (int32_t)rd32(s, r + 4);
			*data = r + PCAP_REC_HDR;
			*caplen = cap;
			*wirelen = len < cap ? cap : len;
			*ts = sec * 1000000000 + (s->ns ? frac : frac * 1000);
			s->off += PCAP_REC_HDR + cap;
			return NC_SRC_PKT;
		}
		int rc = inplace_leave(s);
		if (rc != NC_SRC_PKT)
			return rc;
	}
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
	if (s->inplace)
		return (int64_t)s->off;
	long pos = s->file ? ftell(s->file) : -1;
	return pos < 0 ? 0 : (int64_t)pos;
}

const char *nc_source_error(struct nc_source *s)
{
	return s->errbuf[0] ? s->errbuf : pcap_geterr(s->pcap);
}

const char *nc_source_link_name(const struct nc_source *s)
{
	const char *n = pcap_datalink_val_to_name(s->dlt);
	return n ? n : "unknown";
}

void nc_source_close(struct nc_source *s)
{
	if (s->map)
		munmap((void *)(uintptr_t)s->map, s->map_len);
	s->map = NULL;
	s->inplace = false;
	free(s->zc);
	s->zc = NULL;
	if (s->pcap)
		pcap_close(s->pcap);
	s->pcap = NULL;
	s->file = NULL;
}
