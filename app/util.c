/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * util.c: `netcap util <noun> <verb> [options]`, offline tools that need
 * no capture. A small dispatcher: one table line per verb; the verbs live
 * next to what they work on (db: vulndb_build.c, vendordb.c,
 * fpdb_build.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app.h"

struct util_verb {
	const char *noun, *verb;
	int (*fn)(int argc, char **argv); /* argv[0]: the verb (or noun) */
	const char *help;
};

static const struct util_verb verbs[] = {
    {"db", "build", nc_util_db_build,
     "build a vulnerability, vendor, fingerprint or indicator "
     "database from downloaded files"},
    {"db", "check", nc_util_db_check,
     "validate a database and print its sources"},
    {"db", "lookup", nc_util_db_lookup,
     "print the vendors of MAC addresses from a vendor database"},
    {"check", NULL, nc_util_check,
     "validate record files, print records and time range per file"},
    {"ts2utc", NULL, nc_util_ts2utc,
     "print ns or seconds since the epoch as RFC 3339 UTC"},
    {"mkpacket", NULL, nc_util_mkpacket, "write hex bytes as a pcap file"},
    {"env", NULL, nc_util_env,
     "print every capture setting, its value and where it came from"},
    {"interfaces", NULL, nc_util_interfaces,
     "list network interfaces and DPDK-bound PCI devices"},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *f)
{
	char name[32];

	fprintf(f, "usage: netcap util <noun> [<verb>] [options]\n\n");
	for (size_t i = 0; i < NVERBS; i++) {
		snprintf(name, sizeof(name), "%s%s%s", verbs[i].noun,
			 verbs[i].verb ? " " : "",
			 verbs[i].verb ? verbs[i].verb : "");
		fprintf(f, "  %-11s %s\n", name, verbs[i].help);
	}
	fprintf(f, "\n'netcap util <noun> [<verb>] --help' shows its "
		   "options.\n");
}

int nc_cmd_util(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	bool noun_ok = false;
	for (size_t i = 0; i < NVERBS; i++) {
		if (strcmp(argv[1], verbs[i].noun) != 0)
			continue;
		noun_ok = true;
		if (!verbs[i].verb)
			return verbs[i].fn(argc - 1, argv + 1);
		if (argc >= 3 && !strcmp(argv[2], verbs[i].verb))
			return verbs[i].fn(argc - 2, argv + 2);
	}
	if (noun_ok)
		fprintf(stderr,
			"netcap util: %s: %s verb '%s' (try 'netcap util "
			"--help')\n",
			argv[1], argc >= 3 ? "unknown" : "missing",
			argc >= 3 ? argv[2] : "");
	else
		fprintf(stderr,
			"netcap util: unknown noun '%s' (try 'netcap util "
			"--help')\n",
			argv[1]);
	return 2;
}
