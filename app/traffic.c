/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * traffic.c: traffic metrics from records (traffic.h).
 *
 * Names follow Netcap's export where it has them: nc_protocols_total
 * {Protocol} (here: records of each type), nc_<layer>_size and
 * nc_<layer>_entropy histograms of the payload of Ethernet, IPv4, IPv6,
 * TCP and UDP, nc_connection_size, _payload_size, _numpackets and
 * _duration_seconds. Unlike Netcap, DNS and HTTP counters have no
 * free-text labels: DNS questions by type and responses by code, TLS
 * server hellos by version and cipher suite, HTTP requests by method and
 * responses by status class, connections by Zeek state.
 *
 * The per-packet histograms (layers, decoders/layerhist.h) find their
 * bucket with a count of leading zeros, not a search: capture's decoders
 * fill them for every such record. Connection, DNS, TLS and HTTP records
 * are rarer and search their small tables.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "netcap.pb-c.h"
#include "traffic.h"

#define LD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

static const char *const layer_name[NC_TM_LAYERS] = {"ethernet", "ipv4", "ipv6",
						     "tcp", "udp"};

static const char *const state_name[NC_TM_STATES] = {
    "S0",   "S1",     "SF",    "REJ", "S2",  "S3",  "RSTO",
    "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH", "other"};

static const struct {
	uint16_t v;
	const char *name;
} qtype[NC_TM_QTYPES - 1] = {
    {1, "A"},	   {2, "NS"},	  {5, "CNAME"}, {6, "SOA"},	{12, "PTR"},
    {15, "MX"},	   {16, "TXT"},	  {28, "AAAA"}, {33, "SRV"},	{35, "NAPTR"},
    {43, "DS"},	   {46, "RRSIG"}, {47, "NSEC"}, {48, "DNSKEY"}, {64, "SVCB"},
    {65, "HTTPS"}, {252, "AXFR"}, {255, "ANY"}, {257, "CAA"},
};

/* RFC 1035 and RFC 2136 header codes 0..10, then "other" */
static const char *const rcode_name[NC_TM_RCODES] = {
    "NOERROR",	"FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "other"};

static const char *const tlsver_name[NC_TM_TLSVERS] = {
    "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "other"};

/* IANA TLS cipher suite names (the registry's spelling) */
static const struct {
	uint16_t v;
	const char *name;
} suite[NC_TM_SUITES - 1] = {
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
};

static const char *const method_name[NC_TM_METHODS] = {
    "GET",     "HEAD",	  "POST",  "PUT",   "DELETE",
    "CONNECT", "OPTIONS", "TRACE", "PATCH", "other"};

static const char *const status_name[NC_TM_STATUSES] = {"1xx", "2xx", "3xx",
							"4xx", "5xx", "other"};

static const double size_le[NC_TM_SIZE_LE] = {
    0, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
static const double ent_le[NC_TM_ENT_LE] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
static const double cdur_le[NC_TM_CDUR_LE] = {0.001, 0.01, 0.1, 1,
					      10,    60,   300, 3600};
static const double csize_le[NC_TM_CSIZE_LE] = {
    64,	     256,     1024,	4096,	  16384,     65536,	262144,
    1048576, 4194304, 16777216, 67108864, 268435456, 1073741824};
static const double cpkts_le[NC_TM_CPKTS_LE] = {
    1,	  2,	4,    8,     16,    32,	   64,	   128,	   256,	   512,	   1024,
    2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576};

/* le 64 * 4^k */
static inline unsigned csize_bucket(int64_t v)
{
	if (v <= 64)
		return 0;
	unsigned k = (nc_tm_ceil_log2((uint64_t)v) - 5) / 2;
	return k < NC_TM_CSIZE_LE ? k : NC_TM_CSIZE_LE;
}

/* le 2^k */
static inline unsigned cpkts_bucket(int64_t v)
{
	if (v <= 1)
		return 0;
	unsigned k = nc_tm_ceil_log2((uint64_t)v);
	return k < NC_TM_CPKTS_LE ? k : NC_TM_CPKTS_LE;
}

static unsigned index_of(const char *s, const char *const *names, unsigned n)
{
	for (unsigned i = 0; i + 1 < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return n - 1;
}

static void connection(struct nc_tm *tm, const Netcap__Connection *c)
{
	double d = (double)c->duration / 1e9;
	unsigned i;

	tm->csize[csize_bucket(c->totalsize)]++;
	tm->csize_sum += c->totalsize > 0 ? (uint64_t)c->totalsize : 0;
	tm->cpay[csize_bucket(c->apppayloadsize)]++;
	tm->cpay_sum += c->apppayloadsize > 0 ? (uint64_t)c->apppayloadsize : 0;
	tm->cpkts[cpkts_bucket(c->numpackets)]++;
	tm->cpkts_sum += c->numpackets > 0 ? (uint64_t)c->numpackets : 0;
	for (i = 0; i < NC_TM_CDUR_LE && d > cdur_le[i]; i++)
		;
	tm->cdur[i]++;
	tm->cdur_sum += d > 0 ? d : 0;
	tm->cstate[index_of(c->connstate ? c->connstate : "", state_name,
			    NC_TM_STATES)]++;
}

static void dns(struct nc_tm *tm, const Netcap__DNS *m)
{
	if (m->qr) {
		unsigned rc =
		    m->responsecode >= 0 && m->responsecode < NC_TM_RCODES - 1
			? (unsigned)m->responsecode
			: NC_TM_RCODES - 1;
		tm->dns_rcode[rc]++;
		return;
	}
	for (size_t q = 0; q < m->n_questions; q++) {
		unsigned i;
		for (i = 0; i < NC_TM_QTYPES - 1; i++)
			if (m->questions[q]->type == qtype[i].v)
				break;
		tm->dns_qtype[i]++;
	}
}

static void server_hello(struct nc_tm *tm, const Netcap__TLSServerHello *m)
{
	int32_t v = m->supportedversion ? m->supportedversion : m->version;
	unsigned i;

	tm->tls_version[v >= 0x0300 && v <= 0x0304 ? (unsigned)(v - 0x0300)
						   : NC_TM_TLSVERS - 1]++;
	for (i = 0; i < NC_TM_SUITES - 1; i++)
		if (m->ciphersuite == suite[i].v)
			break;
	tm->tls_suite[i]++;
}

static void http(struct nc_tm *tm, const Netcap__HTTP *m)
{
	if (m->method && m->method[0])
		tm->http_method[index_of(m->method, method_name,
					 NC_TM_METHODS)]++;
	if (m->statuscode > 0)
		tm->http_status[m->statuscode >= 100 && m->statuscode < 600
				    ? (unsigned)(m->statuscode / 100 - 1)
				    : NC_TM_STATUSES - 1]++;
}

void nc_tm_observe_app(struct nc_tm *tm, enum nc_rec t,
		       const ProtobufCMessage *m)
{
	switch (t) {
	case NC_REC_CONNECTION:
		connection(tm, (const void *)m);
		break;
	case NC_REC_DNS:
		dns(tm, (const void *)m);
		break;
	case NC_REC_TLS_SERVER_HELLO:
		server_hello(tm, (const void *)m);
		break;
	case NC_REC_HTTP:
		http(tm, (const void *)m);
		break;
	default:
		break;
	}
}

/* ---- rendering ------------------------------------------------------- */

static uint64_t sum_u64(struct nc_tm *const *tm, unsigned n, size_t off)
{
	uint64_t s = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint64_t *v =
		    (const uint64_t *)((const char *)tm[i] + off);
		s += LD(*v);
	}
	return s;
}

static double sum_f64(struct nc_tm *const *tm, unsigned n, size_t off)
{
	double s = 0;
	for (unsigned i = 0; i < n; i++) {
		/* the double's bits, loaded as one 64-bit word */
		const uint64_t *w =
		    (const uint64_t *)((const char *)tm[i] + off);
		uint64_t bits = __atomic_load_n(w, __ATOMIC_RELAXED);
		double v;
		memcpy(&v, &bits, sizeof(v));
		s += v;
	}
	return s;
}

#define OFF(f) offsetof(struct nc_tm, f)

static void hist(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
		 const char *name, const char *help, const double *le,
		 unsigned nle, size_t off, double sum)
{
	uint64_t c[32];

	for (unsigned b = 0; b <= nle; b++)
		c[b] = sum_u64(tm, n, off + b * sizeof(uint64_t));
	nc_prom_family(p, name, "histogram", help);
	nc_prom_hist(p, name, "", le, c, nle, sum);
}

/* nc_protocols_total: records per type, from records[] when given */
static void protocols(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
		      const uint64_t *records, const char *const *names)
{
	char lab[128];

	nc_prom_family(
	    p, "nc_protocols_total", "counter",
	    "Records written, by record type (Netcap's protocol counter)");
	for (unsigned t = 0; t < NC_REC_MAX; t++) {
		uint64_t v =
		    records
			? records[t]
			: sum_u64(tm, n, OFF(records) + t * sizeof(uint64_t));
		if (!v)
			continue;
		snprintf(lab, sizeof(lab), "Protocol=\"%s\"", names[t]);
		nc_prom_u64(p, "nc_protocols_total", lab, v);
	}
}

/* An entropy histogram: a worker without --entropy saw only zeros (all in
   the first bucket, one per record of the layer). */
static void entropy_hist(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
			 const char *name, const char *help, unsigned l)
{
	uint64_t c[NC_TM_ENT_LE + 1] = {0};
	double sum = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct nc_tm_layer *y = &tm[i]->layer[l];
		if (!tm[i]->entropy) {
			for (unsigned b = 0; b <= NC_TM_SIZE_LE; b++)
				c[0] += LD(y->size[b]);
			continue;
		}
		for (unsigned b = 0; b <= NC_TM_ENT_LE; b++)
			c[b] += LD(y->ent[b]);
		double v;
		__atomic_load(&y->ent_sum, &v, __ATOMIC_RELAXED);
		sum += v;
	}
	nc_prom_family(p, name, "histogram", help);
	nc_prom_hist(p, name, "", ent_le, c, NC_TM_ENT_LE, sum);
}

/* a counter with one label from a fixed table, zero values left out */
static void by_label(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
		     const char *name, const char *help, const char *label,
		     const char *const *names, unsigned nv, size_t off)
{
	char lab[128];

	nc_prom_family(p, name, "counter", help);
	for (unsigned i = 0; i < nv; i++) {
		uint64_t v = sum_u64(tm, n, off + i * sizeof(uint64_t));
		if (!v)
			continue;
		snprintf(lab, sizeof(lab), "%s=\"%s\"", label, names[i]);
		nc_prom_u64(p, name, lab, v);
	}
}

void nc_tm_render(struct nc_prom *p, struct nc_tm *const *tm, unsigned n,
		  const uint64_t *records)
{
	const char
	    *names[NC_TM_SUITES > NC_REC_MAX ? NC_TM_SUITES : NC_REC_MAX];
	char name[64], help[160];

	for (unsigned t = 0; t < NC_REC_MAX; t++)
		names[t] = nc_rec_name(t);
	protocols(p, tm, n, records, names);

	for (unsigned l = 0; l < NC_TM_LAYERS; l++) {
		size_t base = OFF(layer) + l * sizeof(struct nc_tm_layer);
		snprintf(name, sizeof(name), "nc_%s_size", layer_name[l]);
		snprintf(help, sizeof(help),
			 "Payload octets of %s records (PayloadSize)",
			 layer_name[l]);
		hist(p, tm, n, name, help, size_le, NC_TM_SIZE_LE,
		     base + offsetof(struct nc_tm_layer, size),
		     (double)sum_u64(
			 tm, n, base + offsetof(struct nc_tm_layer, size_sum)));
		snprintf(name, sizeof(name), "nc_%s_entropy", layer_name[l]);
		snprintf(help, sizeof(help),
			 "Payload entropy of %s records, bits per octet "
			 "(PayloadEntropy; 0 without --entropy)",
			 layer_name[l]);
		entropy_hist(p, tm, n, name, help, l);
	}
	hist(p, tm, n, "nc_connection_size",
	     "Wire octets of a connection, both directions (TotalSize)",
	     csize_le, NC_TM_CSIZE_LE, OFF(csize),
	     (double)sum_u64(tm, n, OFF(csize_sum)));
	hist(p, tm, n, "nc_connection_payload_size",
	     "Transport payload octets of a connection (AppPayloadSize)",
	     csize_le, NC_TM_CSIZE_LE, OFF(cpay),
	     (double)sum_u64(tm, n, OFF(cpay_sum)));
	hist(p, tm, n, "nc_connection_numpackets",
	     "Packets of a connection, both directions (NumPackets)", cpkts_le,
	     NC_TM_CPKTS_LE, OFF(cpkts),
	     (double)sum_u64(tm, n, OFF(cpkts_sum)));
	hist(p, tm, n, "nc_connection_duration_seconds",
	     "Duration of a connection (Duration)", cdur_le, NC_TM_CDUR_LE,
	     OFF(cdur), sum_f64(tm, n, OFF(cdur_sum)));
	by_label(p, tm, n, "nc_connection_states_total",
		 "Connections by Zeek conn_state (ConnState)", "state",
		 state_name, NC_TM_STATES, OFF(cstate));

	for (unsigned i = 0; i < NC_TM_QTYPES - 1; i++)
		names[i] = qtype[i].name;
	names[NC_TM_QTYPES - 1] = "other";
	by_label(p, tm, n, "nc_dns_questions_total",
		 "Questions of DNS queries (QR 0), by type", "type", names,
		 NC_TM_QTYPES, OFF(dns_qtype));
	by_label(p, tm, n, "nc_dns_responses_total",
		 "DNS responses (QR 1), by response code", "rcode", rcode_name,
		 NC_TM_RCODES, OFF(dns_rcode));
	by_label(p, tm, n, "nc_tls_server_hellos_total",
		 "TLS server hellos by negotiated version", "version",
		 tlsver_name, NC_TM_TLSVERS, OFF(tls_version));
	for (unsigned i = 0; i < NC_TM_SUITES - 1; i++)
		names[i] = suite[i].name;
	names[NC_TM_SUITES - 1] = "other";
	by_label(p, tm, n, "nc_tls_cipher_suites_total",
		 "TLS server hellos by chosen cipher suite (IANA name)",
		 "suite", names, NC_TM_SUITES, OFF(tls_suite));
	by_label(p, tm, n, "nc_http_requests_total", "HTTP requests by method",
		 "method", method_name, NC_TM_METHODS, OFF(http_method));
	by_label(p, tm, n, "nc_http_responses_total",
		 "HTTP responses by status class", "status_class", status_name,
		 NC_TM_STATUSES, OFF(http_status));
}
