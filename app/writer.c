/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * writer.c: the writer lcore.
 *
 * Dequeues record batches from the MPSC writer ring, opens <Type>.ncap.lz4
 * (or <Type>.ncap with --no-compress) on the first batch of a type, so
 * types without records leave no file, appends the batch and returns it to
 * the pool. It stops once every worker has flushed and the ring is empty,
 * then closes every file.
 *
 * A failed open or write (ENOSPC, EIO, ...) sets the stop flag so RX stops
 * reading; the writer keeps draining the ring, returning batches unwritten,
 * so no worker blocks, and still closes every file it opened.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <rte_ring.h>

#include "engine.h"

static void wr_fail(struct nc_engine *e, const char *what, int err)
{
	struct nc_wr *wr = &e->wr;

	if (wr->failed)
		return;
	wr->failed = true;
	snprintf(wr->errmsg, sizeof(wr->errmsg), "%s: %s", what, strerror(err));
	nc_store(&e->stop, 1);
}

static void wr_batch(struct nc_engine *e, const struct nc_batch *b)
{
	struct nc_wr *wr = &e->wr;
	enum nc_rec t = (enum nc_rec)b->type;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.%s", e->cfg->outdir, nc_rec_name(t),
		 e->cfg->compress ? "ncap.lz4" : "ncap");
	if (!wr->files[t]) {
		struct nc_writer_opts o = {
		    .type = t,
		    .input_source =
			e->cfg->input ? e->cfg->input : e->cfg->iface,
		    .created = e->created,
		    .payloads = e->cfg->payload,
		    .compress = e->cfg->compress,
		};
		wr->files[t] = nc_writer_open(path, &o);
		if (!wr->files[t]) {
			wr_fail(e, path, errno ? errno : EIO);
			return;
		}
		wr->nfiles++;
	}
	int rc = nc_writer_append(wr->files[t], b->data, b->len);
	if (rc < 0) {
		wr_fail(e, path, -rc);
		return;
	}
	wr->batches++;
	wr->record_bytes += b->len;
}

int nc_writer_main(void *arg)
{
	struct nc_engine *e = arg;
	struct nc_wr *wr = &e->wr;
	void *objs[NC_BURST];
	unsigned idle = 0;

	for (;;) {
		unsigned n = rte_ring_sc_dequeue_burst(e->writer_ring, objs,
						       NC_BURST, NULL);
		if (n == 0) {
			if ((unsigned)nc_load(&e->workers_done) ==
				e->nworkers &&
			    rte_ring_empty(e->writer_ring))
				break;
			/* nothing to write: no latency to keep, so after a
			 * short spin give the CPU to the lcores sharing it */
			if (idle < 256)
				nc_backoff(&idle);
			else
				usleep(100);
			continue;
		}
		idle = 0;
		for (unsigned i = 0; i < n; i++) {
			struct nc_batch *b = objs[i];
			if (!wr->failed)
				wr_batch(e, b);
			nc_batch_put(e, b);
		}
	}

	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		if (!wr->files[t])
			continue;
		wr->file_bytes += nc_writer_bytes(wr->files[t]);
		int rc = nc_writer_close(wr->files[t]);
		wr->files[t] = NULL;
		if (rc < 0) {
			char path[PATH_MAX];
			snprintf(path, sizeof(path), "%s/%s.%s", e->cfg->outdir,
				 nc_rec_name(t),
				 e->cfg->compress ? "ncap.lz4" : "ncap");
			wr_fail(e, path, -rc);
		}
	}
	nc_store(&e->writer_done, 1);
	return 0;
}
