/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_app.h: the harness of the application-parser targets
 * (test/fuzz/fuzz_<proto>.c). A target is three lines:
 *
 *	#include "fuzz_app.h"
 *	extern const struct nc_app_parser nc_app_dns;
 *	FZ_APP_TARGET(nc_app_dns)
 *
 * The input drives one connection of that parser:
 *   octet 0      flags: bit 0 IPv6 addresses, bit 1 call end() of both
 *                directions before close(), bit 2 UDP (datagram()) even
 *                if the parser also reads TCP
 *   then chunks  [hdr][len: 2 octets big-endian][len octets]; hdr bit 0
 *                is the sender (0 client, 1 server), bit 1 a gap of len
 *                octets instead of data (TCP); a short last chunk is cut
 *                to what is left.
 * TCP parsers get data()/gap() per chunk, then end() and close(); UDP
 * parsers one datagram() per chunk. Records are packed and read back by
 * fz_sink (fuzz.h). The memory budget is small (1 MiB), so the budget
 * paths run too, and every byte a parser allocated must be given back by
 * close() (checked).
 */
#ifndef NC_FUZZ_APP_H
#define NC_FUZZ_APP_H

#include "applayer.h"
#include "fuzz.h"

static int fz_app_run(const struct nc_app_parser *ps, const uint8_t *data,
		      size_t size)
{
	static const uint8_t a4[2][16] = {{10, 0, 0, 1}, {10, 0, 0, 2}};
	static const uint8_t a6[2][16] = {
	    {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
	    {0x20, 0x01, 0x0d, 0xb8, [15] = 2}};
	static const uint8_t mac[2][6] = {{2, 0, 0, 0, 0, 1},
					  {2, 0, 0, 0, 0, 2}};
	static struct nc_dec_cfg cfg;
	struct nc_dec d;

	if (size < 1)
		return 0;
	uint8_t fl = data[0];
	data++, size--;
	for (int t = 0; t < NC_REC_MAX; t++)
		cfg.want.on[t] = true;
	cfg.payload = true;
	cfg.tunnels = NC_TUN_ALL;
	nc_dec_init(&d, &cfg, fz_sink, NULL);

	struct nc_app_cfg acfg;
	nc_app_cfg_default(&acfg);
	acfg.max_flows = 4;
	acfg.memory_bytes = 1u << 20;
	acfg.max_message = 64u << 10;
	struct nc_apptab *tab = nc_apptab_new(&acfg, &cfg.want);
	if (!tab)
		abort();
	d.apps = tab;

	struct nc_app_conn c = {
	    .uid = "CfuzzFUZZfuz",
	    .alen = (fl & 1) ? 16 : 4,
	    .proto = 6,
	    .addr = {(fl & 1) ? a6[0] : a4[0], (fl & 1) ? a6[1] : a4[1]},
	    .port = {40000, ps->ports[0] ? ps->ports[0] : 9999},
	    .mac = {mac[0], mac[1]},
	    .ts = 1600000000000000000LL,
	};
	bool udp = (ps->transports & NC_APP_UDP) && ps->datagram &&
		   ((fl & 4) || !(ps->transports & NC_APP_TCP) || !ps->data);
	if (!udp && !ps->data) {
		nc_apptab_free(tab);
		return 0;
	}
	c.proto = udp ? 17 : 6;

	struct nc_app_ctx x = {.d = &d, .tab = tab, .c = &c};
	void *st = NULL;
	if (!udp) {
		st = nc_app_alloc(&x, ps->state_size);
		if (!st)
			abort();
	}
	while (size >= 3) {
		uint8_t hdr = data[0];
		size_t len = (size_t)data[1] << 8 | data[2];
		data += 3, size -= 3;
		int dir = hdr & 1;
		if (!udp && (hdr & 2)) {
			if (ps->gap)
				ps->gap(&x, st, dir, len);
			continue;
		}
		if (len > size)
			len = size;
		if (len == 0)
			continue;
		/* a private copy: reading past it is an ASan report */
		uint8_t *p = malloc(len);
		if (!p)
			abort();
		memcpy(p, data, len);
		c.ts += 1000;
		if (udp)
			ps->datagram(&d, &c, dir, p, len);
		else
			ps->data(&x, st, dir, p, len);
		free(p);
		data += len, size -= len;
	}
	if (!udp) {
		if ((fl & 2) && ps->end) {
			ps->end(&x, st, 0);
			ps->end(&x, st, 1);
		}
		if (ps->close)
			ps->close(&x, st);
		nc_app_free(&x, st, ps->state_size);
		struct nc_app_stats as;
		nc_app_stats(tab, &as);
		if (as.bytes != 0) {
			fprintf(stderr, "fuzz: %s kept %llu bytes after close\n",
				ps->name, (unsigned long long)as.bytes);
			abort();
		}
	}
	nc_apptab_free(tab);
	return 0;
}

#define FZ_APP_TARGET(sym)                                                    \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)          \
	{                                                                     \
		return fz_app_run(&sym, data, size);                          \
	}

#endif /* NC_FUZZ_APP_H */
