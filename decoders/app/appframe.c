/* SPDX-License-Identifier: BSD-3-Clause */
/* appframe.c: length-prefixed messages on a TCP direction (appframe.h). */
#include "appframe.h"

void nc_frame_stop(struct nc_app_ctx *x, struct nc_frame_dir *f)
{
	f->stopped = true;
	nc_app_buf_free(x, &f->buf);
}

bool nc_frame_feed(struct nc_app_ctx *x, struct nc_frame_dir *f,
		   const struct nc_frame_ops *ops, void *st, int dir,
		   const uint8_t *p, size_t len)
{
	while (len && !f->stopped) {
		if (f->buf.len == 0 && len >= ops->hdr) {
			size_t total = ops->total(p);
			if (total < ops->hdr)
				goto bad;
			if (len >= total) {
				ops->msg(x, st, dir, p, total);
				p += total, len -= total;
				continue;
			}
		}
		/* gather: first the header, then the rest of the message */
		size_t want;
		if (f->buf.len < ops->hdr) {
			want = ops->hdr - f->buf.len;
		} else {
			size_t total = ops->total(f->buf.p);
			want = total - f->buf.len;
		}
		size_t n = len < want ? len : want;
		if (!nc_app_buf_add(x, &f->buf, p, n)) {
			nc_frame_stop(x, f);
			return false;
		}
		p += n, len -= n;
		if (f->buf.len < ops->hdr)
			continue;
		size_t total = ops->total(f->buf.p);
		if (total < ops->hdr)
			goto bad;
		if (f->buf.len == total) {
			ops->msg(x, st, dir, f->buf.p, f->buf.len);
			nc_app_buf_consume(&f->buf, f->buf.len);
		}
	}
	return true;
bad:
	f->bad_header = true;
	nc_frame_stop(x, f);
	return false;
}
