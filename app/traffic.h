/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * traffic.h: traffic metrics from records (docs/OPERATIONS.md "Metrics").
 *
 * Capture --metrics gives each worker its own struct nc_tm, filled with
 * plain stores by its decoder as records are made: the layer histograms
 * where PayloadSize is computed (decoders/layerhist.h), Connection, DNS,
 * TLSServerHello and HTTP records through nc_tm_observe_app. Export reads
 * records back through nc_tm_observe(). nc_tm_render() sums any number
 * of them into the exposition, reading with relaxed atomic loads. Every
 * label value comes from a fixed table (record type names, DNS types and
 * codes, TLS versions and suites, HTTP methods and status classes, Zeek
 * connection states), never from a field's text, so the series count has
 * a bound: NC_TM_MAX_SERIES.
 */
#ifndef NC_TRAFFIC_H
#define NC_TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "layerhist.h"
#include "netcap.pb-c.h"
#include "prom.h"
#include "rec.h"

#define NC_TM_CSIZE_LE 13 /* 64 * 4^k octets, k = 0..12 */
#define NC_TM_CPKTS_LE 21 /* 2^k packets, k = 0..20 */
#define NC_TM_CDUR_LE  8  /* 0.001 s ... 3600 s */
#define NC_TM_STATES   14 /* Zeek conn_state values and "other" */
#define NC_TM_QTYPES   20 /* DNS question types and "other" */
#define NC_TM_RCODES   12 /* DNS response codes and "other" */
#define NC_TM_TLSVERS  6  /* SSL 3.0 ... TLS 1.3 and "other" */
#define NC_TM_SUITES   37 /* cipher suites named and "other" */
#define NC_TM_METHODS  10 /* HTTP methods and "other" */
#define NC_TM_STATUSES 6  /* 1xx ... 5xx and "other" */

struct nc_tm {
	/* PayloadEntropy is computed (--entropy; export: always looked at).
	   Without it every entropy is 0: the histograms are not updated per
	   record, and render puts every record of the layer in bucket 0. */
	bool entropy;
	uint64_t records[NC_REC_MAX];
	struct nc_tm_layer layer[NC_TM_LAYERS];
	uint64_t csize[NC_TM_CSIZE_LE + 1], csize_sum;
	uint64_t cpay[NC_TM_CSIZE_LE + 1], cpay_sum;
	uint64_t cpkts[NC_TM_CPKTS_LE + 1], cpkts_sum;
	uint64_t cdur[NC_TM_CDUR_LE + 1];
	double cdur_sum;
	uint64_t cstate[NC_TM_STATES];
	uint64_t dns_qtype[NC_TM_QTYPES];
	uint64_t dns_rcode[NC_TM_RCODES];
	uint64_t tls_version[NC_TM_TLSVERS];
	uint64_t tls_suite[NC_TM_SUITES];
	uint64_t http_method[NC_TM_METHODS];
	uint64_t http_status[NC_TM_STATUSES];
};

/*
 * The most series nc_tm_render() writes: one per record type, per label
 * value of the fixed tables, and per histogram bucket plus _count and
 * _sum.
 */
#define NC_TM_MAX_SERIES                                                       \
	(NC_REC_MAX +                                                          \
	 NC_TM_LAYERS * ((NC_TM_SIZE_LE + 3) + (NC_TM_ENT_LE + 3)) +           \
	 2 * (NC_TM_CSIZE_LE + 3) + (NC_TM_CPKTS_LE + 3) +                     \
	 (NC_TM_CDUR_LE + 3) + NC_TM_STATES + NC_TM_QTYPES + NC_TM_RCODES +    \
	 NC_TM_TLSVERS + NC_TM_SUITES + NC_TM_METHODS + NC_TM_STATUSES)

/*
 * One record read back (export): the per-packet layers inline,
 * Connection, DNS, TLSServerHello and HTTP records in nc_tm_observe_app
 * (which capture's decoders call as they emit those). records[] is not
 * counted here: export calls nc_tm_count, capture's decoder counts its
 * records itself.
 */
void nc_tm_observe_app(struct nc_tm *tm, enum nc_rec t,
		       const ProtobufCMessage *m);

static inline void nc_tm_layer(const struct nc_tm *tm, struct nc_tm_layer *l,
			       int32_t size, double ent)
{
	nc_tm_layer_add(l, tm->entropy, size, ent);
}

static inline void nc_tm_observe(struct nc_tm *tm, enum nc_rec t,
				 const ProtobufCMessage *m)
{
	switch (t) {
	case NC_REC_ETHERNET: {
		const Netcap__Ethernet *r = (const void *)m;
		nc_tm_layer(tm, &tm->layer[NC_TM_ETHERNET], r->payloadsize,
			    r->payloadentropy);
		break;
	}
	case NC_REC_IPV4: {
		const Netcap__IPv4 *r = (const void *)m;
		nc_tm_layer(tm, &tm->layer[NC_TM_IPV4], r->payloadsize,
			    r->payloadentropy);
		break;
	}
	case NC_REC_IPV6: {
		const Netcap__IPv6 *r = (const void *)m;
		nc_tm_layer(tm, &tm->layer[NC_TM_IPV6], r->payloadsize,
			    r->payloadentropy);
		break;
	}
	case NC_REC_TCP: {
		const Netcap__TCP *r = (const void *)m;
		nc_tm_layer(tm, &tm->layer[NC_TM_TCP], r->payloadsize,
			    r->payloadentropy);
		break;
	}
	case NC_REC_UDP: {
		const Netcap__UDP *r = (const void *)m;
		nc_tm_layer(tm, &tm->layer[NC_TM_UDP], r->payloadsize,
			    r->payloadentropy);
		break;
	}
	case NC_REC_CONNECTION:
	case NC_REC_DNS:
	case NC_REC_TLS_SERVER_HELLO:
	case NC_REC_HTTP:
		nc_tm_observe_app(tm, t, m);
		break;
	default:
		break;
	}
}

/* export: one more record of type t */
static inline void nc_tm_count(struct nc_tm *tm, enum nc_rec t)
{
	__atomic_store_n(&tm->records[t], tm->records[t] + 1, __ATOMIC_RELAXED);
}

/* The traffic families, summed over tm[0..n); nc_protocols_total from
   records[NC_REC_MAX] when not NULL, else from the tm's own counts. */
void nc_tm_render(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
		  const uint64_t *records);

#endif /* NC_TRAFFIC_H */
