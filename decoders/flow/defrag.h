/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * defrag.h: per-worker IPv4 (RFC 791) and IPv6 (RFC 8200 section 4.5)
 * fragment reassembly, bounded in memory and in time.
 *
 * One table per worker, no locks (the RX flow hash covers only the address
 * pair, so every fragment of a datagram reaches the same worker). All
 * memory is taken by nc_defrag_new(); offering a fragment allocates
 * nothing. d->defrag == NULL turns the feature off: IP decoders then hand
 * up a first fragment on its own (d->ip_partial), as before.
 *
 * Memory (nc_defrag_bytes() returns the exact sum):
 *   fragment data   max_bytes rounded up to NC_DEFRAG_PAGE (1 KiB) pages,
 *                   one shared arena; a datagram holds the pages that its
 *                   received octets touch, so the budget is counted in pages
 *   contexts        max_datagrams * (sizeof context (360 octets on x86-64)
 *                                    + 8 * max_fragments_per_datagram)
 *   hash buckets    4 octets * (power of two >= 2 * max_datagrams)
 *   page free list  4 octets per page
 *   output buffer   65535 octets (the reassembled payload), in the table
 * Defaults (1024 datagrams, 4 MiB, 64 fragments): 5185640 octets (4.9 MiB)
 * per worker, all allocated by nc_defrag_new() (the arena also written).
 *
 * Time is packet time (ns): a datagram is dropped (defrag.timeout) once
 * timeout_ns have passed since its first fragment arrived, like Linux's
 * ipfrag_time (30 s).
 */
#ifndef NC_DEFRAG_H
#define NC_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "decode.h"

#define NC_DEFRAG_PAGE 1024u /* arena page: the unit of the byte budget */
/*
 * Largest end (offset + length) of fragment data: IPv4 counts the header
 * too (total length <= 65535), IPv6 the fragmentable part (Linux's check
 * against IPV6_MAXPLEN). Beyond it: *.frag_too_big, datagram dropped.
 */
#define NC_DEFRAG_MAX_END 65535u

struct nc_defrag_cfg {
	uint32_t max_datagrams; /* datagrams in flight */
	uint32_t max_bytes;	/* buffered fragment octets (in 1 KiB pages) */
	int64_t timeout_ns;	/* packet time from the first fragment */
	uint32_t max_fragments_per_datagram; /* duplicates count too */
};

/* 1024 datagrams, 4 MiB (Linux's ipfrag_high_thresh), 30 s, 64 fragments. */
struct nc_defrag_cfg nc_defrag_cfg_default(void);

/* Octets nc_defrag_new(cfg) allocates (see the table above). */
size_t nc_defrag_bytes(const struct nc_defrag_cfg *cfg);

/*
 * A table for cfg, every byte allocated here. NULL with errno EINVAL
 * (max_datagrams 0 or > 2^24, max_bytes < one page or > 2^31, timeout_ns
 * <= 0, max_fragments_per_datagram 0 or > 4096) or ENOMEM.
 */
struct nc_defrag *nc_defrag_new(const struct nc_defrag_cfg *cfg);
void nc_defrag_free(struct nc_defrag *df);

/* One fragment as the IP decoder saw it. */
struct nc_frag {
	uint8_t family;	    /* 4 or 6 */
	uint8_t proto;	    /* IPv4 Protocol; IPv6 Next Header of this
			       Fragment header (only offset 0's is used) */
	uint8_t ip_hlen;    /* IPv4 header octets (0 for IPv6) */
	const uint8_t *src; /* 4 or 16 octets */
	const uint8_t *dst;
	uint32_t id;	   /* IPv4 Identification, IPv6 Identification */
	uint32_t offset;   /* octets */
	bool more;	   /* MF / M flag */
	bool cut;	   /* the capture holds less than the fragment */
	uint32_t ip_len;   /* IPv4 Total Length, IPv6 40 + Payload Length:
			      the IP octets this fragment took */
	struct cur data;   /* exactly the fragment's data octets */
	const uint8_t *at; /* header start, for events */
};

enum nc_defrag_rc {
	NC_DEFRAG_HELD,	     /* kept (or ignored): nothing to decode yet */
	NC_DEFRAG_DONE,	     /* the datagram is complete: see out */
	NC_DEFRAG_DROPPED,   /* not reassembled (event counted) */
	NC_DEFRAG_NOT_TAKEN, /* cut by the snaplen or inside a reassembled
				datagram: the caller decodes the fragment as
				without defragmentation */
};

/*
 * A reassembled datagram: valid until the next nc_defrag_offer/flush.
 * fragments, ip_bytes and wire count every fragment the datagram kept,
 * duplicates and overlapping ones included (each was a frame on the wire),
 * the completing one included; one fragment is offered per frame, so
 * fragments is also the number of frames that carried the datagram.
 */
struct nc_defrag_out {
	const uint8_t *data; /* the upper-layer payload, complete */
	uint32_t len;
	uint8_t proto; /* IPv4 Protocol, IPv6 Next Header of offset 0 */
	uint16_t fragments;
	uint32_t ip_bytes; /* sum of the fragments' nc_frag.ip_len */
	uint64_t wire;	   /* sum of d->wirelen of the frames offering them */
};

/*
 * Offer fragment f of the frame being decoded (d->defrag set, time d->ts).
 * Key: IPv4 (src, dst, id, protocol), IPv6 (src, dst, identification);
 * overlapping octets: the first received wins. Counts events (ANOM with
 * an Anomaly record at f->at); does a bounded amount of expiry first.
 */
enum nc_defrag_rc nc_defrag_offer(struct nc_dec *d, const struct nc_frag *f,
				  struct nc_defrag_out *out);

/* The decoder a reassembled payload goes to (nc_dispatch_ipproto, ...). */
typedef enum dec_rc (*nc_defrag_next_fn)(struct nc_dec *d, uint8_t proto,
					 struct cur c);

/*
 * Decode a reassembled payload with next: d->ip_partial is false and
 * d->wirelen equals d->caplen during the call (so nc_data_cut() reports no
 * cut), d->frame points at out->data (Anomaly offsets inside the upper
 * layers count from the reassembled payload), and fragments met inside are
 * NC_DEFRAG_NOT_TAKEN (one level of reassembly). All restored on return.
 */
enum dec_rc nc_defrag_decode(struct nc_dec *d, const struct nc_defrag_out *out,
			     nc_defrag_next_fn next);

/*
 * Drop datagrams whose first fragment is timeout_ns or more older than
 * now_ns (defrag.timeout). Visits at most max_visit, oldest first, and
 * stops at the first one still in time; returns the number dropped.
 */
unsigned nc_defrag_expire(struct nc_dec *d, int64_t now_ns, unsigned max_visit);

/*
 * End of input: drop every incomplete datagram (defrag.incomplete_at_end);
 * returns the number dropped. Visits at most max_datagrams.
 */
unsigned nc_defrag_flush(struct nc_dec *d);

/* Datagrams and arena pages in use (for tests and stats). */
unsigned nc_defrag_inflight(const struct nc_defrag *df);
unsigned nc_defrag_pages_used(const struct nc_defrag *df);

#endif /* NC_DEFRAG_H */
