/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dump.c: `netcap dump`, print a record file as CSV, TSV, JSON lines or a
 * table (renderings in records/render.h).
 *
 * Exit status: 0 all records printed; 1 the file could not be read or is
 * truncated or corrupt (every complete record is printed first, then one
 * error line naming the offset); 2 usage error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "ncfile.h"
#include "render.h"

/* Most columns --select takes (far above any record type's field count). */
#define DUMP_MAX_COLS 256

static void dump_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap dump [options] FILE|-\n"
	    "Print a record file (<Type>.ncap.lz4 or .ncap; - reads stdin).\n"
	    "  --csv            CSV with a header line (default)\n"
	    "  --tsv            tab-separated values\n"
	    "  --json           JSON lines, one object per record\n"
	    "  --table          aligned columns\n"
	    "  --select F1,F2   print these fields, in this order\n"
	    "  --fields         list the field names of the file's type\n"
	    "  --header         print the file header instead of records\n"
	    "  --time ns|rfc3339  timestamps as integer ns (default) or\n"
	    "                   RFC 3339 UTC text\n"
	    "  -h, --help       this text\n");
}

static void dump_err(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void dump_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("netcap dump: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int nc_cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"csv", no_argument, NULL, 'c'},
	    {"tsv", no_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'j'},
	    {"table", no_argument, NULL, 'T'},
	    {"select", required_argument, NULL, 's'},
	    {"fields", no_argument, NULL, 'f'},
	    {"header", no_argument, NULL, 'H'},
	    {"time", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	enum nc_fmt fmt = NC_FMT_CSV;
	enum nc_timefmt tf = NC_TIME_NS;
	const char *select = NULL;
	bool fields = false, header = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			fmt = NC_FMT_CSV;
			break;
		case 't':
			fmt = NC_FMT_TSV;
			break;
		case 'j':
			fmt = NC_FMT_JSON;
			break;
		case 'T':
			fmt = NC_FMT_TABLE;
			break;
		case 's':
			select = optarg;
			break;
		case 'f':
			fields = true;
			break;
		case 'H':
			header = true;
			break;
		case 'm':
			if (strcmp(optarg, "ns") == 0)
				tf = NC_TIME_NS;
			else if (strcmp(optarg, "rfc3339") == 0)
				tf = NC_TIME_RFC3339;
			else {
				dump_err("--time '%s': expected ns or rfc3339",
					 optarg);
				return 2;
			}
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		case ':':
			dump_err("option '%s' needs a value", argv[optind - 1]);
			return 2;
		default:
			dump_err("unknown option '%s' (try 'netcap dump "
				 "--help')",
				 argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		dump_err("missing record file (try 'netcap dump --help')");
		return 2;
	}
	if (argc - optind > 1) {
		dump_err("one record file at a time, got %d", argc - optind);
		return 2;
	}
	const char *path = argv[optind];

	char err[512];
	struct nc_reader *r = nc_reader_open(path, err, sizeof(err));
	if (!r) {
		dump_err("%s", err);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	const Netcap__Header *h = nc_reader_header(r);
	int rc = 0;
	if (header) {
		if (fmt == NC_FMT_JSON) {
			nc_render_json_line(stdout, &h->base, NULL, 0, tf);
		} else {
			nc_render_kv(stdout, &h->base, tf);
		}
		goto out;
	}
	int type = nc_reader_type(r);
	if (type < 0) {
		dump_err("%s: record type %d is unknown to this netcap", path,
			 (int)h->type);
		rc = 1;
		goto out;
	}
	const ProtobufCMessageDescriptor *d = nc_rec_desc((enum nc_rec)type);
	if (fields) {
		for (unsigned i = 0; i < d->n_fields; i++)
			printf("%s\n", d->fields[i].name);
		goto out;
	}
	unsigned cols[DUMP_MAX_COLS];
	int ncols = -1;
	if (select) {
		ncols = nc_render_select(d, select, cols, DUMP_MAX_COLS, err,
					 sizeof(err));
		if (ncols < 0) {
			dump_err("--select: %s", err);
			nc_reader_close(r);
			return 2;
		}
	} else {
		/* the Result column only in files capture --attacks wrote */
		ncols = (int)nc_render_record_cols(
		    d, h->labelsource && *h->labelsource, cols);
	}
	struct nc_render *rr =
	    nc_render_new(stdout, fmt, tf, d, cols, (unsigned)ncols);
	if (!rr) {
		dump_err("out of memory");
		rc = 1;
		goto out;
	}
	ProtobufCMessage *m;
	int k;
	while ((k = nc_reader_next_tmp(r, &m)) == 1) {
		int e = nc_render_row(rr, m);
		if (e < 0) {
			nc_render_end(rr);
			dump_err("out of memory");
			rc = 1;
			goto out;
		}
	}
	if (nc_render_end(rr) < 0) {
		dump_err("write error on standard output");
		rc = 1;
	} else if (k < 0) {
		dump_err("%s: %s", path, nc_reader_error(r));
		rc = 1;
	}
out:
	if (fflush(stdout) != 0 && rc == 0) {
		dump_err("write error on standard output");
		rc = 1;
	}
	nc_reader_close(r);
	return rc;
}
