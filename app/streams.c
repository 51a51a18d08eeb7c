/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * streams.c: `netcap capture --streams DIR`, the file sink for reassembled
 * TCP payload (conn.h nc_conn_stream_fn).
 *
 * Each call appends its bytes to DIR/<UID>.orig (originator to responder)
 * or DIR/<UID>.resp (responder to originator): open, write, close. Calls of
 * one direction come in stream order, so each file holds the bytes that
 * direction delivered, gaps left out (as tshark's follow,tcp,raw). No file
 * stays open between calls, so the number of connections cannot exhaust
 * descriptors and no table grows; the price is two system calls per
 * delivered chunk, which makes this a debugging and export facility, not
 * the appliance's fast path. Workers share the sink: their connections
 * (and so their files) are disjoint, and the counters are atomic.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

/* Write all of p; 0 or -1 with errno. */
static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void nc_streams_write(void *arg, const char *uid, int dir, const uint8_t *p,
		      size_t len, uint64_t off)
{
	struct nc_stream_sink *s = arg;
	char path[PATH_MAX];
	int fd = -1, err = 0;

	(void)off; /* in order per direction: appending is enough */
	if (snprintf(path, sizeof(path), "%s/%s.%s", s->dir, uid,
		     dir == 0 ? "orig" : "resp") >= (int)sizeof(path))
		err = ENAMETOOLONG;
	else if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			    0644)) < 0 ||
		 write_all(fd, p, len) != 0)
		err = errno;
	if (fd >= 0 && close(fd) != 0 && !err)
		err = errno;
	if (!err) {
		__atomic_add_fetch(&s->bytes, len, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
	/* warn once; the rest is counted and summed up at the end */
	if (!__atomic_exchange_n(&s->warned, 1, __ATOMIC_RELAXED))
		fprintf(stderr,
			"netcap capture: --streams: %s: %s (further errors "
			"are only counted)\n",
			path, strerror(err));
}
