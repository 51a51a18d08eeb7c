/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prom.c: Prometheus text exposition and the HTTP endpoint that serves it.
 *
 * HTTP is libmicrohttpd's: one internal polling thread (epoll on Linux)
 * answers every request in turn, so one scrape renders at a time. The
 * memory a client can make netcap hold is bounded: at most
 * NC_METRICS_CONNS connections, each with NC_METRICS_CONN_MEM octets for
 * its request (a longer request line or header block is refused by
 * libmicrohttpd), idle ones closed after NC_METRICS_IDLE_S seconds; the
 * one rendered response in flight per connection is freed when sent.
 * Connections past the limit are accepted and closed at once. None of it
 * runs on a worker, RX or writer lcore: the thread inherits the main
 * lcore's CPU set (it is started after rte_eal_init).
 *
 * Routes: GET or HEAD /metrics (the exposition), / (a line naming
 * /metrics); any other path 404, any other method 405.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NC_NO_MHD /* build/netcap-static: static_stubs.c */
#include <microhttpd.h>
#endif

#include "prom.h"

#define TEXT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OM_TYPE	  "application/openmetrics-text; version=1.0.0; charset=utf-8"

static bool grow(struct nc_prom *p, size_t need)
{
	if (p->failed)
		return false;
	if (p->len + need + 1 <= p->cap)
		return true;
	size_t cap = p->cap ? p->cap : 16384;
	while (cap < p->len + need + 1)
		cap *= 2;
	char *b = realloc(p->buf, cap);
	if (!b) {
		p->failed = true;
		return false;
	}
	p->buf = b;
	p->cap = cap;
	return true;
}

void nc_prom_printf(struct nc_prom *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(p, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
	va_end(ap);
	p->len += (size_t)n;
}

void nc_prom_family(struct nc_prom *p, const char *name, const char *type,
		    const char *help)
{
	size_t n = strlen(name);

	/* OpenMetrics: a counter family is named without its _total */
	if (p->om && !strcmp(type, "counter") && n > 6 &&
	    !strcmp(name + n - 6, "_total"))
		n -= 6;
	nc_prom_printf(p, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name,
		       help, (int)n, name, type);
}

static void sample_head(struct nc_prom *p, const char *name, const char *labels)
{
	if (labels && labels[0])
		nc_prom_printf(p, "%s{%s} ", name, labels);
	else
		nc_prom_printf(p, "%s ", name);
}

void nc_prom_u64(struct nc_prom *p, const char *name, const char *labels,
		 uint64_t v)
{
	sample_head(p, name, labels);
	nc_prom_printf(p, "%llu\n", (unsigned long long)v);
}

void nc_prom_f64(struct nc_prom *p, const char *name, const char *labels,
		 double v)
{
	sample_head(p, name, labels);
	nc_prom_printf(p, "%.17g\n", v);
}

void nc_prom_hist(struct nc_prom *p, const char *name, const char *labels,
		  const double *le, const uint64_t *counts, unsigned n,
		  double sum)
{
	const char *sep = labels && labels[0] ? "," : "";
	uint64_t cum = 0;

	if (!labels)
		labels = "";
	for (unsigned i = 0; i < n; i++) {
		cum += counts[i];
		nc_prom_printf(p, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
			       labels, sep, le[i], (unsigned long long)cum);
	}
	cum += counts[n];
	nc_prom_printf(p, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels,
		       sep, (unsigned long long)cum);
	char full[128];
	snprintf(full, sizeof(full), "%s_count", name);
	nc_prom_u64(p, full, labels, cum);
	snprintf(full, sizeof(full), "%s_sum", name);
	nc_prom_f64(p, full, labels, sum);
}

void nc_prom_end(struct nc_prom *p)
{
	if (p->om)
		nc_prom_printf(p, "# EOF\n");
}

void nc_prom_escape(char *out, size_t outlen, const char *v)
{
	size_t o = 0;

	for (; *v && o + 3 < outlen; v++) {
		if (*v == '\\' || *v == '"') {
			out[o++] = '\\';
			out[o++] = *v;
		} else if (*v == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *v;
		}
	}
	out[o] = 0;
}

#ifndef NC_NO_MHD /* build/netcap-static: static_stubs.c serves none */
/* ---- listening socket ------------------------------------------------ */

int nc_metrics_listen(const char *spec, char *err, size_t errlen)
{
	char host[256];
	const char *orig = spec;
	const char *colon = strrchr(spec, ':'), *port;
	size_t hl;
	struct addrinfo hints, *ai = NULL;
	int fd, on = 1, rc;

	if (!colon || !colon[1]) {
		snprintf(err, errlen,
			 "--metrics '%s': expected ADDR:PORT, e.g. "
			 "127.0.0.1:9380 or [::1]:9380",
			 spec);
		return -1;
	}
	port = colon + 1;
	char *end;
	errno = 0;
	unsigned long pn = strtoul(port, &end, 10);
	if (*end || errno || pn < 1 || pn > 65535 || port[0] < '0' ||
	    port[0] > '9') {
		snprintf(err, errlen,
			 "--metrics '%s': port '%s' is not a number from 1 to "
			 "65535",
			 spec, port);
		return -1;
	}
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		snprintf(err, errlen, "--metrics: address too long");
		return -1;
	}
	memcpy(host, spec, hl);
	host[hl] = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(hl ? host : NULL, port, &hints, &ai);
	if (rc != 0 || !ai) {
		snprintf(err, errlen, "--metrics '%.*s': %s", (int)hl, host,
			 gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "--metrics: socket: %s", strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	/* a restart binds again at once; a listener already there still
	   makes bind fail (Linux) */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 64) != 0) {
		snprintf(err, errlen, "--metrics %s: cannot listen there: %s",
			 orig, strerror(errno));
		close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/* ---- HTTP ------------------------------------------------------------ */

struct nc_metrics_srv {
	struct MHD_Daemon *d;
	nc_metrics_fn fn;
	void *arg;
	uint64_t requests; /* the MHD thread's; read after it stopped */
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_len, void **state)
{
	struct nc_metrics_srv *s = cls;
	static const char root[] = "netcap: metrics at /metrics\n";
	static const char nf[] = "not found; metrics at /metrics\n";
	static const char na[] = "method not allowed\n";

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	s->requests++;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     (char *)na, sizeof(na) - 1,
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/") == 0)
		return reply(c, MHD_HTTP_OK, "text/plain", (char *)root,
			     sizeof(root) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics") != 0)
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", (char *)nf,
			     sizeof(nf) - 1, MHD_RESPMEM_PERSISTENT);

	const char *accept = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	struct nc_prom p = {0};
	p.om = accept && strstr(accept, "application/openmetrics-text");
	s->fn(s->arg, &p);
	nc_prom_end(&p);
	if (p.failed || !p.buf) {
		free(p.buf);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     (char *)"out of memory\n", 14,
			     MHD_RESPMEM_PERSISTENT);
	}
	return reply(c, MHD_HTTP_OK, p.om ? OM_TYPE : TEXT_TYPE, p.buf, p.len,
		     MHD_RESPMEM_MUST_FREE);
}

struct nc_metrics_srv *nc_metrics_start(int fd, nc_metrics_fn fn, void *arg,
					char *err, size_t errlen)
{
	struct nc_metrics_srv *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "--metrics: out of memory");
		close(fd);
		return NULL;
	}
	s->fn = fn;
	s->arg = arg;
	s->d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
	    on_request, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)NC_METRICS_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)NC_METRICS_IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)NC_METRICS_CONN_MEM,
	    MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen,
			 "--metrics: the HTTP server did not start");
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

void nc_metrics_stop(struct nc_metrics_srv *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d); /* closes the listening socket too */
	free(s);
}

uint64_t nc_metrics_requests(const struct nc_metrics_srv *s)
{
	return s ? s->requests : 0;
}
#endif /* NC_NO_MHD */
