/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prom.h: the /metrics endpoint (docs/OPERATIONS.md "Metrics").
 *
 * struct nc_prom is one scrape's text in Prometheus's text exposition
 * format 0.0.4, or OpenMetrics 1.0 when the scraper asks for it (Accept:
 * application/openmetrics-text). The HTTP side is libmicrohttpd, on its
 * own thread (nc_metrics_start); it calls a render function per request.
 */
#ifndef NC_PROM_H
#define NC_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nc_prom {
	char *buf;
	size_t len, cap;
	bool om;     /* OpenMetrics */
	bool failed; /* out of memory: the scrape gets a 500 */
};

void nc_prom_printf(struct nc_prom *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "# HELP" and "# TYPE" of a family; type "counter", "gauge" or
   "histogram". A counter's name ends in _total; OpenMetrics names the
   family without it. */
void nc_prom_family(struct nc_prom *p, const char *name, const char *type,
		    const char *help);
/* One sample; labels is "" or 'a="x",b="y"' (values escaped by the
   caller with nc_prom_escape when they are not from a fixed set). */
void nc_prom_u64(struct nc_prom *p, const char *name, const char *labels,
		 uint64_t v);
void nc_prom_f64(struct nc_prom *p, const char *name, const char *labels,
		 double v);
/* A histogram's samples: counts per bucket (not cumulative), n finite
   upper bounds le[] and counts[n] above the last; sum of the values. */
void nc_prom_hist(struct nc_prom *p, const char *name, const char *labels,
		  const double *le, const uint64_t *counts, unsigned n,
		  double sum);
/* The end of a scrape (OpenMetrics: "# EOF"). */
void nc_prom_end(struct nc_prom *p);
/* Escape a label value (backslash, double quote, newline) into out. */
void nc_prom_escape(char *out, size_t outlen, const char *v);

/*
 * --metrics ADDR:PORT ("127.0.0.1:9380", "[::1]:9380", ":9380" for every
 * address): parse, bind and listen, before EAL starts. Returns the
 * listening socket, or -1 with one line in err.
 */
int nc_metrics_listen(const char *spec, char *err, size_t errlen);

typedef void (*nc_metrics_fn)(void *arg, struct nc_prom *p);
struct nc_metrics_srv;
/* Serve GET /metrics on fd (taken over) from a thread of its own:
   at most NC_METRICS_CONNS connections, each with NC_METRICS_CONN_MEM
   octets of request memory and an idle timeout of NC_METRICS_IDLE_S. */
#define NC_METRICS_CONNS    32
#define NC_METRICS_CONN_MEM (16 * 1024)
#define NC_METRICS_IDLE_S   5
struct nc_metrics_srv *nc_metrics_start(int fd, nc_metrics_fn fn, void *arg,
					char *err, size_t errlen);
void nc_metrics_stop(struct nc_metrics_srv *s);
/* Requests answered, and refused or failed (for tests and the summary). */
uint64_t nc_metrics_requests(const struct nc_metrics_srv *s);

#endif /* NC_PROM_H */
