/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * appframe.h: length-prefixed binary messages on a reassembled TCP
 * direction (Modbus/TCP, EtherNet/IP, Diameter): each message starts with
 * a fixed header that says the message's total length. Whole messages are
 * handed over in place; a message split over several data() calls is
 * gathered in a budgeted buffer (nc_app_buf), so both a message split over
 * segments and several messages in one segment work.
 */
#ifndef NC_APPFRAME_H
#define NC_APPFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer.h"

struct nc_frame_dir {
	struct nc_app_buf buf; /* a message split over calls */
	bool stopped;	       /* nothing more read in this direction */
	bool bad_header;       /* stopped by a header total() refused */
};

struct nc_frame_ops {
	size_t hdr; /* octets needed to know the total length (> 0) */
	/* Total octets of the message whose first hdr octets are at p;
	   0: not a valid header (the direction stops). */
	size_t (*total)(const uint8_t *p);
	/* One whole message of len octets. */
	void (*msg)(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		    size_t len);
};

/*
 * Feed len in-order octets of direction dir. Returns false when the
 * direction stopped now: a bad header (bad_header set; the caller counts
 * its event) or a message over the buffer bounds (counted by
 * nc_app_buf_add).
 */
bool nc_frame_feed(struct nc_app_ctx *x, struct nc_frame_dir *f,
		   const struct nc_frame_ops *ops, void *st, int dir,
		   const uint8_t *p, size_t len);

/* Stop reading the direction; the buffer goes back. */
void nc_frame_stop(struct nc_app_ctx *x, struct nc_frame_dir *f);

/* Octets of an unfinished message held (for a truncation event). */
static inline size_t nc_frame_pending(const struct nc_frame_dir *f)
{
	return f->stopped ? 0 : f->buf.len;
}

#endif /* NC_APPFRAME_H */
