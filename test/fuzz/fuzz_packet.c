/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_packet.c: libFuzzer target for whole packets: nc_decode_frame() on
 * every link type with the connection table, IP defragmentation and every
 * record type on, several packets per input so that connection and
 * fragment state evolves (timeouts, evictions, reuse).
 *
 * Input:
 *   octet 0          link type: index into fz_links[] (modulo its size)
 *   then packets     [len: 2 octets big-endian][dt: 1 octet][cut: 1 octet]
 *                    [len octets of frame]
 *                    dt advances packet time by dt * 50 ms; the frame's
 *                    wire length is len + cut. A last packet shorter than
 *                    its len takes what is left.
 * Connections: 4 entries, 2 of them with TCP stream reassembly and every
 * application parser (a fresh parser table and profiles per input; a pool
 * of 32 chunks), stream data read by a sink.
 * After each packet the worker's bounded expiry runs (as app/worker.c
 * does per burst); at the end every datagram and connection is flushed,
 * so each input starts from empty tables.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int fz_links[] = {
    NC_LINK_ETHERNET,
    NC_LINK_LINUX_SLL,
    NC_LINK_LINUX_SLL2,
    NC_LINK_NULL,
    NC_LINK_LOOP,
    NC_LINK_RAW,
    NC_LINK_IPV4,
    NC_LINK_IPV6,
    12,
    14,
    147 /* unsupported */,
    /* -- Dot11 (802.11, radiotap), USB (usbmon) -- */
    105,
    127,
    189,
    220,
};
#define FZ_NLINKS (sizeof(fz_links) / sizeof(fz_links[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct nc_dec *d = fz_init();
	int link = fz_links[data[0] % FZ_NLINKS];
	size_t pos = 1;
	int64_t ts = 1000000000LL;

	fz_tables(d, 4, 2); /* 4 connections, 2 with stream buffers */
	while (pos + 4 <= size) {
		size_t len = (size_t)data[pos] << 8 | data[pos + 1];
		ts += (int64_t)data[pos + 2] * 50000000LL;
		uint32_t cut = data[pos + 3];
		pos += 4;
		if (len > size - pos)
			len = size - pos;
		/* a copy of exactly the frame, so ASan sees any overread */
		uint8_t *p = malloc(len ? len : 1);
		if (!p)
			break;
		memcpy(p, data + pos, len);
		pos += len;
		nc_decode_frame(d, link, p, (uint32_t)len, (uint32_t)len + cut,
				ts);
		free(p);
		nc_defrag_expire(d, ts, 16);
		nc_conn_expire(d, ts, 16);
	}
	fz_tables_end(d, ts);
	return 0;
}
