/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * profile.h: the abstractions that span connections and workers: Software,
 * Service, DeviceProfile and IPProfile (Netcap's names).
 *
 * Each worker owns one struct nc_profiles and installs it as its decoder's
 * observer (observe.h): application parsers report software, services,
 * DNS names and fingerprints; the connection table reports every
 * connection when it closes (nc_profile_conn), which gives the packet and
 * byte counts, ports and MAC/IP pairs without any per-packet work. When
 * the input ends, one thread merges every worker's tables
 * (nc_profiles_emit) and writes one record per key, in key order, so the
 * records do not depend on the number of workers.
 *
 * Memory: every table and set is bounded (struct nc_profile_cfg); what does
 * not fit is counted (profile.* events), never grown.
 */
#ifndef NC_PROFILE_H
#define NC_PROFILE_H

#include <stdint.h>

#include "applayer.h"
#include "netcap.pb-c.h"
#include "observe.h"

/* What a fingerprint database knows about one JA3/JA3S/JA4/HASSH value
   (strings never NULL; "" when unknown). */
struct nc_fp_entry {
	const char *product, *version, *vendor, *os, *notes;
};

struct nc_profile_cfg {
	uint32_t max_ips;      /* IPProfile entries per worker */
	uint32_t max_macs;     /* DeviceProfile entries per worker */
	uint32_t max_software; /* Software entries per worker */
	uint32_t max_services; /* Service entries per worker */
	uint32_t max_set;      /* elements of one list (names, ports, UIDs) */
	/* vendor of a MAC address (IEEE OUI), or NULL; may be NULL */
	const char *(*vendor)(void *arg, const uint8_t mac[6]);
	void *vendor_arg;
	/* the known software behind a fingerprint of kind ("ja3", "ja3s",
	   "ja4", "hassh", "hasshServer"), or NULL; may be NULL. With it, a
	   known fingerprint adds a Software record */
	const struct nc_fp_entry *(*fingerprint)(void *arg, const char *kind,
						 const char *value);
	void *fingerprint_arg;
	/* called with every Software record made when the input ends, even
	   when Software is not selected (vulndb.h: Vulnerability and Exploit
	   records); with it the Software table is kept; may be NULL */
	unsigned (*software_done)(void *arg, struct nc_dec *d,
				  const Netcap__Software *sw);
	void *software_arg;
};

void nc_profile_cfg_default(struct nc_profile_cfg *cfg);

struct nc_profiles;

/* Tables for want (only the selected types are kept); NULL and errno. */
struct nc_profiles *nc_profiles_new(const struct nc_profile_cfg *cfg,
				    const struct nc_recset *want);
void nc_profiles_free(struct nc_profiles *p);

/* Is any of Software, Service, DeviceProfile, IPProfile selected? */
bool nc_profiles_wanted(const struct nc_recset *want);

/* The observer to install as d->obs (arg: p). */
const struct nc_observer *nc_profiles_observer(struct nc_profiles *p);

/*
 * Merge the tables of n workers and write the records through d (one
 * thread, after every worker stopped adding). Counts what did not fit.
 */
void nc_profiles_emit(struct nc_dec *d, struct nc_profiles *const *p,
		      unsigned n);

/* Bytes held now by p's tables (for the summary). */
uint64_t nc_profiles_bytes(const struct nc_profiles *p);

#endif /* NC_PROFILE_H */
