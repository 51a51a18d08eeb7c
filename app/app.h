/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * app.h: subcommands of the netcap binary.
 * Each returns the process exit status: 0 success, 1 runtime failure,
 * 2 usage error. A failure prints one line "netcap <cmd>: <what>" on stderr.
 */
#ifndef NC_APP_H
#define NC_APP_H

int nc_cmd_capture(int argc, char **argv);
int nc_cmd_agent(int argc, char **argv);
int nc_cmd_collect(int argc, char **argv);
int nc_cmd_dump(int argc, char **argv);
int nc_cmd_util(int argc, char **argv);
int nc_cmd_label(int argc, char **argv);
int nc_cmd_export(int argc, char **argv);
int nc_cmd_transform(int argc, char **argv);
int nc_cmd_proxy(int argc, char **argv);

/* util's verbs (vulndb_build.c): argv[0] is the verb */
int nc_util_db_build(int argc, char **argv);
int nc_util_db_check(int argc, char **argv);
int nc_csv_record(char **p, char **f, unsigned max, unsigned *nf,
		  unsigned *line);
/* db build --oui and db check of a vendor database (vendordb.c) */
int nc_vendordb_build(const char *const *files, unsigned n, const char *out);
int nc_vendordb_check(const char *path);
int nc_util_db_lookup(int argc, char **argv);
/* db build --ja3-sslbl/--fingerprints and its check (fpdb_build.c) */
int nc_fpdb_build(const char *const *sslbl, unsigned nsslbl,
		  const char *const *fps, unsigned nfps, const char *out);
int nc_fpdb_check(const char *path);
/* db build --feodo/--drop and its check (indicators_build.c) */
int nc_indicators_build(const char *const *feodo, unsigned nfeodo,
			const char *const *drop, unsigned ndrop,
			const char *out);
int nc_indicators_check_file(const char *path);
/* util's verb-less tools (util_tools.c; env: config.c): argv[0] the noun */
int nc_util_check(int argc, char **argv);
int nc_util_ts2utc(int argc, char **argv);
int nc_util_mkpacket(int argc, char **argv);
int nc_util_interfaces(int argc, char **argv);
int nc_util_env(int argc, char **argv);

/* Print "netcap: " + message + newline on stderr. */
void nc_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* NC_APP_H */
