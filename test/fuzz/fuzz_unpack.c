/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_unpack.c: libFuzzer target for the generated record unpackers
 * (nc_unpack_record, scripts/gen-packers.py) behind nc_reader_next_tmp,
 * differential against protobuf_c_message_unpack: the first octet picks
 * the record type (modulo the number of types), the rest is a packed
 * record. Whenever the unpacker accepts the octets, protobuf-c must unpack
 * them to an equal message (unpack_check.h); a mismatch aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unpack_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum nc_rec t = (enum nc_rec)(data[0] % NC_REC_MAX);
	size_t len = size - 1;
	/* a copy of exactly the record's octets, so ASan sees any overread */
	uint8_t *p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, len);
	bool handled;
	const char *bad = uc_check(t, p, len, &handled);
	if (bad) {
		fprintf(stderr, "fuzz: %s record of %zu octets: %s\n",
			nc_rec_name(t), len, bad);
		abort();
	}
	free(p);
	return 0;
}
