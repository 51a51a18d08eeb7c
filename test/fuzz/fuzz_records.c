/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_records.c: libFuzzer target for the record-file reader behind
 * `netcap dump`: the input is a record file (LZ4 frame or plain), put in a
 * memfd and read with nc_reader_* as dump does; every record is rendered
 * in all four formats to /dev/null, and the header as dump --header does.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *fz_null;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], path[64];

	if (!fz_null) {
		fz_null = fopen("/dev/null", "w");
		if (!fz_null)
			abort();
	}
	int fd = memfd_create("fuzz_records", 0);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
	if (!r) {
		close(fd);
		return 0;
	}
	const Netcap__Header *h = nc_reader_header(r);
	nc_render_kv(fz_null, &h->base, NC_TIME_RFC3339);
	nc_render_json_line(fz_null, &h->base, NULL, 0, NC_TIME_NS);
	int type = nc_reader_type(r);
	if (type >= 0) {
		const ProtobufCMessageDescriptor *desc =
		    nc_rec_desc((enum nc_rec)type);
		struct nc_render *rr[4];
		for (int f = 0; f < 4; f++)
			rr[f] =
			    nc_render_new(fz_null, (enum nc_fmt)f,
					  f & 1 ? NC_TIME_RFC3339 : NC_TIME_NS,
					  desc, NULL, 0);
		ProtobufCMessage *m;
		while (nc_reader_next(r, &m) == 1) {
			for (int f = 0; f < 4; f++)
				if (rr[f])
					nc_render_row(rr[f], m);
			protobuf_c_message_free_unpacked(m, NULL);
		}
		(void)nc_reader_error(r);
		for (int f = 0; f < 4; f++)
			if (rr[f])
				nc_render_end(rr[f]);
	}
	nc_reader_close(r);
	close(fd);
	return 0;
}
