/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * observe.h: what application parsers tell the abstractions that span
 * connections and workers (Software, Service, DeviceProfile, IPProfile).
 *
 * A parser reports an observation, the connection table every closing
 * connection; the observer (set by the owner of the
 * decoder in d->obs, decoders/profile.c) aggregates it and writes the
 * records when the input ends. Without an observer (d->obs NULL, or no
 * such record type selected) a call costs one branch. Strings are valid
 * only during the call.
 */
#ifndef NC_OBSERVE_H
#define NC_OBSERVE_H

#include "applayer.h"

/* What a closing connection adds (conn.c reports it). */
struct nc_obs_conn {
	const struct nc_app_conn *c; /* addresses, ports, MACs, UID */
	uint64_t pkts[2];	     /* sent by endpoint k */
	uint64_t bytes[2];	     /* wire bytes sent by endpoint k */
	uint64_t payload[2];	     /* transport payload sent by k */
	int64_t first, last;	     /* packet times */
	const char *app;	     /* ApplicationProto or NULL */
};

struct nc_observer {
	void *arg;
	/* a connection closed */
	void (*conn)(void *arg, struct nc_dec *d, const struct nc_obs_conn *oc);
	/* a product named by source_name ("User-Agent", "Server", "SSH
	   banner", ...) in text source_data, sent by endpoint from */
	void (*software)(void *arg, struct nc_dec *d,
			 const struct nc_app_conn *c, int from,
			 const char *source_name, const char *source_data,
			 const char *service);
	/* the responder of c speaks protocol name; banner may be "" */
	void (*service)(void *arg, struct nc_dec *d,
			const struct nc_app_conn *c, const char *name,
			const char *banner);
	/* DNS said name has address ip (alen 4 or 16) */
	void (*dns_name)(void *arg, struct nc_dec *d, const uint8_t *ip,
			 unsigned alen, const char *name);
	/* endpoint from of c showed fingerprint kind ("ja3", "ja3s",
	   "ja4", "hassh", "hasshServer") with value */
	void (*fingerprint)(void *arg, struct nc_dec *d,
			    const struct nc_app_conn *c, int from,
			    const char *kind, const char *value);
};

static inline void nc_obs_conn(struct nc_dec *d, const struct nc_obs_conn *oc)
{
	if (d->obs && d->obs->conn)
		d->obs->conn(d->obs->arg, d, oc);
}

static inline void nc_obs_software(struct nc_dec *d,
				   const struct nc_app_conn *c, int from,
				   const char *source_name,
				   const char *source_data, const char *service)
{
	if (d->obs && d->obs->software)
		d->obs->software(d->obs->arg, d, c, from, source_name,
				 source_data, service);
}

static inline void nc_obs_service(struct nc_dec *d, const struct nc_app_conn *c,
				  const char *name, const char *banner)
{
	if (d->obs && d->obs->service)
		d->obs->service(d->obs->arg, d, c, name, banner);
}

static inline void nc_obs_dns_name(struct nc_dec *d, const uint8_t *ip,
				   unsigned alen, const char *name)
{
	if (d->obs && d->obs->dns_name)
		d->obs->dns_name(d->obs->arg, d, ip, alen, name);
}

static inline void nc_obs_fingerprint(struct nc_dec *d,
				      const struct nc_app_conn *c, int from,
				      const char *kind, const char *value)
{
	if (d->obs && d->obs->fingerprint)
		d->obs->fingerprint(d->obs->arg, d, c, from, kind, value);
}

#endif /* NC_OBSERVE_H */
