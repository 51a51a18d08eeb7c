/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: the netcap binary's subcommand table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "nc_version.h"
#ifdef NC_NO_NATS
#include "static_stubs.h"
#endif

struct nc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct nc_cmd cmds[] = {
    {"capture", nc_cmd_capture, "read packets, write typed records"},
    {"agent", nc_cmd_agent,
     "capture and publish the records to NATS JetStream"},
    {"collect", nc_cmd_collect,
     "write the records agents publish to NATS JetStream to files"},
    {"dump", nc_cmd_dump, "print record files as CSV, TSV, JSON or a table"},
    {"label", nc_cmd_label,
     "label records with IDS alerts or attack lists (datasets)"},
    {"export", nc_cmd_export, "serve Prometheus metrics from record files"},
    {"util", nc_cmd_util,
     "offline tools: check record files, times, pcaps, settings, NICs"},
    {"transform", nc_cmd_transform,
     "Maltego local transforms over record files"},
    {"proxy", nc_cmd_proxy, "HTTP/1.1 reverse proxy that writes HTTP records"},
};

void nc_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("netcap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netcap <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f,
		"  %-10s %s\n\n'netcap <command> --help' shows its options.\n",
		"version", "print the version");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("netcap %s\n", NC_VERSION);
		return 0;
	}
#ifdef NC_NO_NATS
	/* build/netcap-static (make static) has no libnats */
	if (!strcmp(argv[1], "agent") || !strcmp(argv[1], "collect"))
		return nc_no_feature("NATS");
#endif
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	nc_errorf("unknown command '%s' (try 'netcap --help')", argv[1]);
	return 2;
}
