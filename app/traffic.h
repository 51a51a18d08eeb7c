/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * traffic.h: traffic metrics from records (docs/OPERATIONS.md "Metrics").
 *
 * nc_tm_observe() looks at one record as it is emitted (capture
 * --metrics: each worker its own struct nc_tm, plain stores) or read back
 * (export); nc_tm_render() sums any number of them into the exposition,
 * reading with relaxed atomic loads. Every label value comes from a fixed
 * table (record type names, DNS types and codes, TLS versions and suites,
 * HTTP methods and status classes, Zeek connection states), never from a
 * field's text, so the series count has a bound: NC_TM_MAX_SERIES.
 */
#ifndef NC_TRAFFIC_H
#define NC_TRAFFIC_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "prom.h"
#include "rec.h"

#define NC_TM_SIZE_LE  12 /* 0, 64, 128, ... 65536 octets */
#define NC_TM_ENT_LE   9  /* 0, 1, ... 8 bits per octet */
#define NC_TM_CSIZE_LE 13 /* 64 * 4^k octets, k = 0..12 */
#define NC_TM_CPKTS_LE 21 /* 2^k packets, k = 0..20 */
#define NC_TM_CDUR_LE  8  /* 0.001 s ... 3600 s */
#define NC_TM_LAYERS   5  /* Ethernet, IPv4, IPv6, TCP, UDP */
#define NC_TM_STATES   14 /* Zeek conn_state values and "other" */
#define NC_TM_QTYPES   20 /* DNS question types and "other" */
#define NC_TM_RCODES   12 /* DNS response codes and "other" */
#define NC_TM_TLSVERS  6  /* SSL 3.0 ... TLS 1.3 and "other" */
#define NC_TM_SUITES   37 /* cipher suites named and "other" */
#define NC_TM_METHODS  10 /* HTTP methods and "other" */
#define NC_TM_STATUSES 6  /* 1xx ... 5xx and "other" */

struct nc_tm_layer {
	uint64_t size[NC_TM_SIZE_LE + 1];
	uint64_t size_sum;
	uint64_t ent[NC_TM_ENT_LE + 1];
	double ent_sum;
};

struct nc_tm {
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

void nc_tm_observe(struct nc_tm *tm, enum nc_rec t, const ProtobufCMessage *m);
/* The traffic families, summed over tm[0..n). */
void nc_tm_render(struct nc_prom *p, struct nc_tm *const *tm, unsigned n);

#endif /* NC_TRAFFIC_H */
