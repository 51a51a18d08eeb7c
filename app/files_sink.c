/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * files_sink.c: `netcap capture --files DIR`, the file sink of the File
 * abstraction (decoders/files.h struct nc_file_sink).
 *
 * Each transferred object's decoded content is written to a temporary
 * DIR/.part-<pid>-<n> and, when it ends, renamed to DIR/<SHA-256> (hex):
 * content-addressed, so the same object seen twice is stored once and a
 * name says what is inside. File.Location is that path. Bounds: an object
 * over --max-file-size is not kept (files.too_big), and once the objects
 * kept reach --max-files-bytes no new one is started (files.budget_full);
 * both are counted, neither stops the capture. A failed write drops that
 * object (files.errors, the first one printed).
 *
 * The writes happen on the worker lcore, in the packet path, as for
 * --streams: an export facility for captures, not for line rate.
 * Workers share the sink; its counters are atomic and temporary names
 * unique (an atomic counter).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

struct part {
	int fd;
	uint64_t written;
	bool dropped; /* too big or a write failed: removed */
	char path[PATH_MAX];
};

static void warn_once(struct nc_files_sink *s, const char *what,
		      const char *path)
{
	if (__atomic_exchange_n(&s->warned, 1, __ATOMIC_ACQ_REL) == 0)
		fprintf(stderr, "netcap capture: --files: %s %s: %s\n", what,
			path, strerror(errno));
}

static void *fs_open(void *arg, const struct nc_file_info *fi)
{
	struct nc_files_sink *s = arg;
	(void)fi;

	if (__atomic_load_n(&s->bytes, __ATOMIC_RELAXED) >= s->max_total) {
		__atomic_add_fetch(&s->budget_full, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	struct part *h = malloc(sizeof(*h));
	if (!h) {
		__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	uint64_t n = __atomic_add_fetch(&s->seq, 1, __ATOMIC_RELAXED);
	snprintf(h->path, sizeof(h->path), "%s/.part-%ld-%llu", s->dir,
		 (long)getpid(), (unsigned long long)n);
	h->fd = open(h->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (h->fd < 0) {
		warn_once(s, "cannot create", h->path);
		__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
		free(h);
		return NULL;
	}
	h->written = 0;
	h->dropped = false;
	return h;
}

static void drop(struct part *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	unlink(h->path);
	h->dropped = true;
}

static void fs_write(void *arg, void *hv, const uint8_t *p, size_t len)
{
	struct nc_files_sink *s = arg;
	struct part *h = hv;

	if (h->dropped)
		return;
	if (h->written + len > s->max_file) {
		__atomic_add_fetch(&s->too_big, 1, __ATOMIC_RELAXED);
		drop(h);
		return;
	}
	while (len > 0) {
		ssize_t k = write(h->fd, p, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			warn_once(s, "cannot write", h->path);
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			drop(h);
			return;
		}
		p += k;
		len -= (size_t)k;
		h->written += (uint64_t)k;
	}
}

static void fs_close(void *arg, void *hv, const struct nc_file_done *fd,
		     char *loc, size_t cap)
{
	struct nc_files_sink *s = arg;
	struct part *h = hv;
	char final[PATH_MAX];

	loc[0] = '\0';
	if (!h->dropped) {
		if (close(h->fd) != 0) {
			warn_once(s, "cannot write", h->path);
			__atomic_add_fetch(&s->errors, 1, __ATOMIC_RELAXED);
			unlink(h->path);
		} else {
			snprintf(final, sizeof(final), "%s/%s", s->dir,
				 fd->sha256);
			if (rename(h->path, final) != 0) {
				warn_once(s, "cannot rename", h->path);
				__atomic_add_fetch(&s->errors, 1,
						   __ATOMIC_RELAXED);
				unlink(h->path);
			} else {
				snprintf(loc, cap, "%s", final);
				__atomic_add_fetch(&s->files, 1,
						   __ATOMIC_RELAXED);
				__atomic_add_fetch(&s->bytes, h->written,
						   __ATOMIC_RELAXED);
			}
		}
	}
	free(h);
}

void nc_files_sink_init(struct nc_files_sink *s, const char *dir,
			uint64_t max_file, uint64_t max_total)
{
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->max_file = max_file;
	s->max_total = max_total;
	s->ops.arg = s;
	s->ops.open = fs_open;
	s->ops.write = fs_write;
	s->ops.close = fs_close;
}
