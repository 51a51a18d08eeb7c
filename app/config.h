/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.h: the settings of `netcap capture`, from three layers in order:
 * defaults, the JSON file of --config, then the command-line flags.
 *
 * One table (config.c) names every option once: its flag, its dotted JSON
 * key, its kind and limits, and its field in struct nc_capture_cfg. The
 * flag parser and the JSON loader both go through it, so a value has the
 * same limits and the same message whichever way it came. Everything is
 * checked before EAL starts and before any directory is made; docs/
 * ops-config.md lists the keys.
 */
#ifndef NC_CONFIG_H
#define NC_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

#define NC_CONFIG_HELP	   (-1) /* -h given: print the usage, exit 0 */
#define NC_CONFIG_PRINTED  (-2) /* --print-config done: exit 0 */
#define NC_CONFIG_MAX_OPTS 96	/* entries of the option table */

/* Parser state that outlives parsing: cfg's strings point into it. */
struct nc_config {
	struct nc_capture_cfg *cfg;
	const char *file; /* --config FILE, or NULL */
	json_t *root;	  /* the parsed file, or NULL */
	char **eal_json;  /* eal_args of the file (pointers into root) */
	bool include_set; /* records.include / --include given */
	struct nc_recset include, exclude;
	unsigned char from[NC_CONFIG_MAX_OPTS]; /* per option: where its value
						   came from (config.c) */
};

/*
 * Defaults, then --config FILE, then the flags into *cfg. Returns 0 (cfg
 * ready), 2 after a user error (one line printed on stderr),
 * NC_CONFIG_HELP or NC_CONFIG_PRINTED. Call nc_config_free() in every case.
 */
int nc_config_parse(struct nc_config *c, struct nc_capture_cfg *cfg, int argc,
		    char **argv);
void nc_config_free(struct nc_config *c);
/* "64M" into *v: digits and an optional K, M, G or T (powers of 1024);
   false when it is not that or overflows (every size option's syntax). */
bool nc_parse_bytes(const char *s, uint64_t *v);
/* nc_config_parse for netcap agent: -o optional, nats.* allowed. */
int nc_config_parse_agent(struct nc_config *c, struct nc_capture_cfg *cfg,
			  int argc, char **argv);

/*
 * The EAL --lcores value for cfg: lcores 0 (main), 1 (RX), 2..W+1
 * (workers), W+2..W+1+N (the N writers). With --cpus naming at least W+1
 * CPUs each worker is pinned to a CPU of its own and main and RX share the
 * first, with the writers unless --cpus names W+1+N CPUs, which gives
 * each writer one too; otherwise all float over --cpus, or over affinity
 * (the list of CPUs this process may use, "0-3,6") when --cpus is not
 * given.
 */
void nc_config_lcores(const struct nc_capture_cfg *cfg, const char *affinity,
		      char *buf, size_t len);

#endif /* NC_CONFIG_H */
