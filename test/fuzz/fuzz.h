/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz.h: shared parts of the libFuzzer targets (test/fuzz/fuzz_*.c).
 *
 * Every target decodes with every record type selected, payloads and
 * entropy on, and a sink that packs each record exactly as capture does
 * (nc_pack_delimited) and unpacks it again: a record that does not read
 * back is a bug and aborts. Nothing here keeps state from one input to the
 * next except counters, so a crash input reproduces on its own.
 *
 * Per-decoder targets (fuzz_tcp.c ...) take one flags octet and then the
 * layer's bytes:
 *
 *   flags bit 0  ip_partial (inside the first fragment of a datagram)
 *         bit 1  the frame was cut by the snap length (wirelen = caplen + 64)
 *         bit 2  IPv6 context for upper layers (else IPv4), addresses from
 *                a fixed pattern
 *         bit 3  defragmentation table on (IP decoders only)
 */
#ifndef NC_FUZZ_H
#define NC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer.h"
#include "conn.h"
#include "decode.h"
#include "registry.h"
#include "defrag.h"
#include "ncfile.h"
#include "profile.h"
#include "reasm.h"

#define FZ_PART	  0x01
#define FZ_CUT	  0x02
#define FZ_V6	  0x04
#define FZ_DEFRAG 0x08

/* Largest packed record: a 256 KiB frame with payload, with room to spare. */
#define FZ_PACK_CAP (1u << 20)

static uint8_t fz_packbuf[FZ_PACK_CAP];
static uint8_t fz_refbuf[FZ_PACK_CAP];

/* The capture path's sink, plus a read-back check. */
static void fz_sink(void *arg, enum nc_rec t, const ProtobufCMessage *m)
{
	(void)arg;
	size_t n = nc_pack_delimited(m, fz_packbuf, sizeof(fz_packbuf));
	if (n == 0) {
		fprintf(stderr, "fuzz: record of type %d does not pack\n",
			(int)t);
		abort();
	}
	uint64_t len;
	int k = nc_varint_get(fz_packbuf, fz_packbuf + n, &len);
	if (k <= 0 || (size_t)k + len != n) {
		fprintf(stderr, "fuzz: bad length prefix\n");
		abort();
	}
	/* the same bytes as protobuf-c writes (records/ncfile.c packs with
	   the packers scripts/gen-packers.py generates) */
	size_t want = protobuf_c_message_get_packed_size(m);
	if (want != len || want > sizeof(fz_refbuf) ||
	    protobuf_c_message_pack(m, fz_refbuf) != want ||
	    memcmp(fz_refbuf, fz_packbuf + k, want) != 0) {
		fprintf(stderr,
			"fuzz: record of type %d packs differently from "
			"protobuf-c (%zu vs %zu bytes)\n",
			(int)t, (size_t)len, want);
		abort();
	}
	ProtobufCMessage *back = protobuf_c_message_unpack(nc_rec_desc(t), NULL,
							   len, fz_packbuf + k);
	if (!back) {
		fprintf(stderr, "fuzz: record of type %d does not unpack\n",
			(int)t);
		abort();
	}
	protobuf_c_message_free_unpacked(back, NULL);
}

static struct nc_dec_cfg fz_cfg;
static struct nc_dec fz_dec;

/* The decoder with every record type on; once per process. */
static inline struct nc_dec *fz_init(void)
{
	static int done;
	if (!done) {
		for (int i = 0; i < NC_REC_MAX; i++)
			fz_cfg.want.on[i] = true;
		fz_cfg.payload = true;
		fz_cfg.entropy = true;
		fz_cfg.tunnels = NC_TUN_ALL;
		nc_dec_init(&fz_dec, &fz_cfg, fz_sink, NULL);
		done = 1;
	}
	return &fz_dec;
}

/* A small defragmentation table (created once, emptied after each input). */
static inline struct nc_defrag *fz_defrag(void)
{
	static struct nc_defrag *df;
	if (!df) {
		struct nc_defrag_cfg c = nc_defrag_cfg_default();
		c.max_datagrams = 8;
		c.max_bytes = 16 * NC_DEFRAG_PAGE;
		c.max_fragments_per_datagram = 16;
		c.timeout_ns = 2000000000LL;
		df = nc_defrag_new(&c);
		if (!df)
			abort();
	}
	return df;
}

/*
 * Set up the frame state nc_decode_frame() would, for a direct call of one
 * layer decoder on [p, p + len), with the context the flags ask for.
 */
static inline void fz_frame(struct nc_dec *d, uint8_t flags, const uint8_t *p,
			    size_t len)
{
	d->frames++;
	d->ts = 1000000000LL * (int64_t)d->frames;
	d->frame = p;
	d->caplen = (uint32_t)len;
	d->wirelen = (uint32_t)len + ((flags & FZ_CUT) ? 64u : 0u);
	d->link = NC_LINK_RAW;
	d->vlan_depth = 0;
	d->ip_depth = 0;
	d->mpls_depth = 0;
	d->tun.depth = 0;
	d->tun.tenant = 0;
	d->tun_msg_ok = false;
	d->src_mac = NULL;
	d->dst_mac = NULL;
	memset(&d->l4, 0, sizeof(d->l4));
	d->have_ports = false;
	d->ip_partial = (flags & FZ_PART) != 0;
	d->ip_version = (flags & FZ_V6) ? 6 : 4;
	d->ip_len = (flags & FZ_V6) ? 16 : 4;
	for (unsigned i = 0; i < 16; i++) {
		d->src_ip[i] = (uint8_t)(0x20 + i);
		d->dst_ip[i] = (uint8_t)(0x40 + i);
	}
	d->conns = NULL;
	d->defrag = NULL;
	d->reasm = NULL;
}

/* One direct call of a layer decoder: flags octet, then the layer. */
typedef enum dec_rc (*fz_layer_fn)(struct nc_dec *d, struct cur c);

/*
 * One call of a link-layer decoder picked by a selector octet: its low 3
 * bits index fns (an index past the end picks the last), bit 3 is the
 * snap-length cut (FZ_CUT); then the frame, with no IP context.
 */
static inline int fz_run_link(const uint8_t *data, size_t size,
			      const fz_layer_fn *fns, unsigned nfns)
{
	if (size < 1)
		return 0;
	struct nc_dec *d = fz_init();
	uint8_t sel = data[0];
	size_t len = size - 1;
	/* a copy of exactly the frame's bytes, so ASan sees any overread */
	uint8_t *p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, len);
	fz_frame(d, (sel & 0x08) ? FZ_CUT : 0, p, len);
	d->ip_len = 0;
	d->ip_version = 0;
	unsigned i = sel & 0x07u;
	fns[i < nfns ? i : nfns - 1](d, cur_make(p, len));
	free(p);
	return 0;
}

static inline int fz_run_layer(const uint8_t *data, size_t size, fz_layer_fn fn,
			       int ip_layer)
{
	if (size < 1)
		return 0;
	struct nc_dec *d = fz_init();
	uint8_t flags = data[0];
	/* a copy of exactly the layer's bytes, so ASan sees any overread */
	size_t len = size - 1;
	uint8_t *p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + 1, len);
	fz_frame(d, flags, p, len);
	if (ip_layer) {
		/* IP decoders set their own context */
		d->ip_len = 0;
		d->ip_version = 0;
		if (flags & FZ_DEFRAG)
			d->defrag = fz_defrag();
	}
	fn(d, cur_make(p, len));
	if (d->defrag) {
		nc_defrag_flush(d);
		d->defrag = NULL;
	}
	free(p);
	return 0;
}

/* TCP stream sink: reads every byte (so ASan sees a bad pointer) and the
 * connection UID string. */
static volatile uint64_t fz_stream_sum;
static void fz_stream(void *arg, const char *uid, int dir, const uint8_t *p,
		      size_t len, uint64_t off)
{
	(void)arg;
	uint64_t s = strlen(uid) + (uint64_t)dir + off;
	for (size_t i = 0; i < len; i++)
		s += p[i];
	fz_stream_sum += s;
}

/*
 * Connection table (max_conns entries, max_streams TCP stream slot pairs,
 * short timeouts so that a few packets reach them) with a small stream
 * reassembly pool, and the defragmentation table: the state a worker has.
 * Created once; callers flush them after each input.
 */
static struct nc_profiles *fz_prof;

static inline void fz_tables(struct nc_dec *d, uint32_t max_conns,
			     uint32_t max_streams)
{
	static struct nc_conntab *t;
	static struct nc_reasm_pool *pool;
	if (!t) {
		struct nc_conn_cfg c;
		nc_conn_cfg_default(&c);
		c.max_conns = max_conns; /* small: evictions happen */
		c.max_streams = max_streams;
		c.timeout_ns[NC_CT_TCP_HANDSHAKE] = 3000000000LL;
		c.timeout_ns[NC_CT_TCP_ESTABLISHED] = 8000000000LL;
		c.timeout_ns[NC_CT_TCP_CLOSED] = 1000000000LL;
		c.timeout_ns[NC_CT_UDP] = 2000000000LL;
		c.timeout_ns[NC_CT_ICMP] = 2000000000LL;
		c.timeout_ns[NC_CT_OTHER] = 2000000000LL;
		c.stream_data = fz_stream;
		t = nc_conntab_new(&c);
		struct nc_reasm_cfg rc;
		nc_reasm_cfg_default(&rc);
		rc.pool_bytes = 32 * NC_REASM_CHUNK_SIZE; /* runs out */
		rc.stream_bytes = 8 * NC_REASM_CHUNK_SIZE;
		pool = nc_reasm_pool_new(&rc);
		if (!t || !pool)
			abort();
	}
	/* every application parser with a small budget (its limits run),
	   and profiles: fresh per input, as both keep state across
	   connections (expected FTP data connections, aggregates) */
	struct nc_app_cfg ac;
	nc_app_cfg_default(&ac);
	ac.max_flows = max_streams;
	ac.memory_bytes = 1u << 20;
	ac.max_message = 64u << 10;
	struct nc_apptab *apps = nc_apptab_new(&ac, &d->cfg->want);
	struct nc_profile_cfg pc;
	nc_profile_cfg_default(&pc);
	pc.max_ips = pc.max_macs = pc.max_software = pc.max_services = 8;
	pc.max_set = 4;
	struct nc_profiles *prof = nc_profiles_new(&pc, &d->cfg->want);
	if (!prof || !apps)
		abort();
	d->conns = t;
	d->reasm = pool;
	d->apps = apps;
	d->obs = nc_profiles_observer(prof);
	fz_prof = prof;
	nc_reasm_pool_set_dec(pool, d);
	d->defrag = fz_defrag();
}

/* End of input: expire, flush, and check that nothing is left. */
static inline void fz_tables_end(struct nc_dec *d, int64_t now)
{
	nc_defrag_expire(d, now, UINT32_MAX);
	nc_conn_expire(d, now, UINT32_MAX);
	nc_defrag_flush(d);
	nc_conn_flush(d);
	if (nc_conn_active(d->conns) != 0 ||
	    nc_defrag_inflight(d->defrag) != 0) {
		fprintf(stderr, "fuzz: state left after flush\n");
		abort();
	}
	struct nc_reasm_stats st;
	nc_reasm_pool_stats(d->reasm, &st);
	if (st.chunks_used != 0) {
		fprintf(stderr, "fuzz: %u stream chunks held after flush\n",
			st.chunks_used);
		abort();
	}
	struct nc_app_stats as;
	nc_app_stats(d->apps, &as);
	if (as.bytes != 0 || as.flows != 0) {
		fprintf(stderr,
			"fuzz: parsers hold %llu bytes, %u flows after "
			"flush\n",
			(unsigned long long)as.bytes, as.flows);
		abort();
	}
	nc_profiles_emit(d, &fz_prof, 1); /* the records, read back */
	nc_profiles_free(fz_prof);
	fz_prof = NULL;
	nc_apptab_free(d->apps);
	d->conns = NULL;
	d->defrag = NULL;
	d->reasm = NULL;
	d->apps = NULL;
	d->obs = NULL;
}

#endif /* NC_FUZZ_H */
