/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * util_tools.c: the verb-less `netcap util` tools (docs/TOOLS.md):
 *
 *   check FILE|DIR...   validate record files, print a summary table
 *   ts2utc VALUE...     ns or seconds since the epoch as RFC 3339 UTC
 *   mkpacket [FILE]     hex lines to a nanosecond pcap
 *   interfaces          kernel interfaces and DPDK-bound PCI devices
 *
 * (`util env` lives in config.c, next to the option table it reports.)
 *
 * Exit status, every verb: 0 done; 1 bad data (check: an invalid record
 * file); 2 usage error or malformed argument, one line on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "label.h"
#include "ncfile.h"
#include "render.h"

static void util_err(const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void util_err(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "netcap util %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Options of a verb that takes only --help (and what getopt_long makes of
 * the rest). Returns -1 to go on, else the exit status.
 */
static int help_only(const char *verb, int argc, char **argv,
		     void (*usage)(FILE *))
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	/* '+': stop at the first operand, so "-1.5" is a value */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		util_err(verb,
			 "unknown option '%s' (try 'netcap util %s --help')",
			 argv[optind - 1], verb);
		return 2;
	}
	return -1;
}

/* ---- ts2utc ---- */

/*
 * A time: integer ns since the epoch ("1700000000123456789", "-5"), or
 * seconds with a fraction of up to 9 digits ("1700000000.5", "-0.25").
 */
static bool parse_time(const char *s, int64_t *ns)
{
	bool neg = false;
	const char *p = s;
	uint64_t ip = 0, frac = 0;
	int nfrac = 0, nint = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, nint++) {
		if (ip > (UINT64_MAX - 9) / 10)
			return false;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, nfrac++) {
			if (nfrac == 9)
				return false;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!nint && !nfrac)
			return false;
		for (int i = nfrac; i < 9; i++)
			frac *= 10;
		if (ip > (uint64_t)INT64_MAX / 1000000000u)
			return false;
		ip = ip * 1000000000u + frac;
	} else if (!nint) {
		return false;
	}
	if (*p || ip > (uint64_t)INT64_MAX)
		return false;
	*ns = neg ? -(int64_t)ip : (int64_t)ip;
	return true;
}

static void ts2utc_usage(FILE *f)
{
	fprintf(f, "usage: netcap util ts2utc VALUE...\n"
		   "Print each VALUE as RFC 3339 UTC with nanoseconds, one a "
		   "line.\n"
		   "VALUE: integer nanoseconds since the epoch "
		   "(1700000000123456789),\n"
		   "or seconds with a fraction of up to 9 digits "
		   "(1700000000.123456789);\n"
		   "either may be negative.\n"
		   "Exit status: 0 printed; 2 a malformed VALUE (nothing "
		   "printed).\n");
}

int nc_util_ts2utc(int argc, char **argv)
{
	char buf[64];
	int64_t ns;

	/* no getopt: "-1.5" is a VALUE, not an option */
	optind = 1;
	if (argc > 1 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		ts2utc_usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--"))
		optind = 2;
	if (optind >= argc) {
		util_err("ts2utc",
			 "missing VALUE (try 'netcap util ts2utc --help')");
		return 2;
	}
	for (int i = optind; i < argc; i++)
		if (!parse_time(argv[i], &ns)) {
			util_err("ts2utc",
				 "'%s' is not integer ns or SECONDS.FRACTION",
				 argv[i]);
			return 2;
		}
	for (int i = optind; i < argc; i++) {
		parse_time(argv[i], &ns);
		nc_render_time(ns, buf, sizeof(buf));
		printf("%s\n", buf);
	}
	return fflush(stdout) ? 1 : 0;
}

/* ---- mkpacket ---- */

/* Largest packet mkpacket writes (pcap snaplen). */
#define MK_SNAPLEN 262144u

static void mkpacket_usage(FILE *f)
{
	fprintf(f,
		"usage: netcap util mkpacket [options] [FILE]\n"
		"Hex bytes from FILE (or stdin) to a nanosecond pcap: one "
		"packet per\n"
		"non-empty line; whitespace, colons and 0x prefixes allowed; "
		"# starts\n"
		"a comment.\n"
		"  --link-type NAME|NUMBER  link type: a libpcap name (EN10MB, "
		"RAW,\n"
		"                   LINUX_SLL) or a LINKTYPE_ number (1, 101, "
		"113);\n"
		"                   default EN10MB (1)\n"
		"  --time VALUE     time of the first packet (as ts2utc: ns or "
		"SEC.FRAC,\n"
		"                   not negative); each next one 1 us later. "
		"Default 0\n"
		"  -o OUT.pcap      output file (default stdout)\n"
		"  -h, --help       this text\n"
		"Exit status: 0 written; 1 a write error; 2 usage error or bad "
		"hex\n"
		"(one line naming the line number, no output file left).\n");
}

/* LINKTYPE_ value of a libpcap DLT_ value (where they differ on Linux). */
static int dlt_linktype(int dlt)
{
	switch (dlt) {
	case 11: /* DLT_ATM_RFC1483 */
		return 100;
	case 12: /* DLT_RAW */
		return 101;
	case 15: /* DLT_SLIP_BSDOS */
		return 102;
	case 16: /* DLT_PPP_BSDOS */
		return 103;
	case 19: /* DLT_ATM_CLIP */
		return 106;
	default:
		return dlt;
	}
}

static bool parse_linktype(const char *s, int *lt)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s && !*end && !errno) {
		if (v < 0 || v > 0xffff)
			return false;
		*lt = (int)v;
		return true;
	}
	int dlt = pcap_datalink_name_to_val(s);
	if (dlt < 0)
		return false;
	*lt = dlt_linktype(dlt);
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One line's bytes into out (cap MK_SNAPLEN); returns the count, or -1
 * with why set.
 */
static long parse_hex_line(char *line, uint8_t *out, const char **why)
{
	char *hash = strchr(line, '#');
	long n = 0;

	if (hash)
		*hash = '\0';
	for (char *p = line; *p;) {
		if (*p == ' ' || *p == '\t' || *p == ':' || *p == '\r' ||
		    *p == '\n') {
			p++;
			continue;
		}
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			p += 2;
		char *t = p;
		while (hexval((unsigned char)*p) >= 0)
			p++;
		if (*p && !strchr(" \t:\r\n", *p)) {
			*why = "not a hex digit";
			return -1;
		}
		if (p == t) {
			*why = "0x without hex digits";
			return -1;
		}
		if ((p - t) % 2) {
			*why = "odd number of hex digits";
			return -1;
		}
		for (; t < p; t += 2) {
			if (n == MK_SNAPLEN) {
				*why = "packet longer than 262144 bytes";
				return -1;
			}
			out[n++] = (uint8_t)(hexval((unsigned char)t[0]) << 4 |
					     hexval((unsigned char)t[1]));
		}
	}
	return n;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* pcap: the writer's byte order */
}

int nc_util_mkpacket(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"link-type", required_argument, NULL, 'l'},
	    {"time", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out = NULL, *in = NULL;
	int lt = 1, c, rc = 0;
	int64_t t0 = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!parse_linktype(optarg, &lt)) {
				util_err("mkpacket",
					 "--link-type '%s': not a libpcap link "
					 "type name or a number 0..65535",
					 optarg);
				return 2;
			}
			break;
		case 't':
			if (!parse_time(optarg, &t0) || t0 < 0 ||
			    t0 / 1000000000 > UINT32_MAX) {
				util_err("mkpacket",
					 "--time '%s': not ns or SEC.FRAC "
					 "between 1970 and 2106",
					 optarg);
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			mkpacket_usage(stdout);
			return 0;
		case ':':
			util_err("mkpacket", "option '%s' needs a value",
				 argv[optind - 1]);
			return 2;
		default:
			util_err("mkpacket",
				 "unknown option '%s' (try 'netcap util "
				 "mkpacket --help')",
				 argv[optind - 1]);
			return 2;
		}
	}
	if (argc - optind > 1) {
		util_err("mkpacket", "one input file at most, got %d",
			 argc - optind);
		return 2;
	}
	if (optind < argc && strcmp(argv[optind], "-") != 0)
		in = argv[optind];
	FILE *fi = in ? fopen(in, "r") : stdin;
	if (!fi) {
		util_err("mkpacket", "%s: %s", in, strerror(errno));
		return 2;
	}
	uint8_t *pkt = malloc(MK_SNAPLEN);
	/* the pcap in memory first: bad hex leaves no output file */
	char *obuf = NULL;
	size_t olen = 0;
	FILE *mem = open_memstream(&obuf, &olen);
	char *line = NULL;
	size_t lcap = 0;
	if (!pkt || !mem) {
		util_err("mkpacket", "out of memory");
		rc = 1;
		goto out;
	}
	uint8_t hdr[24];
	put32(hdr, 0xa1b23c4d);	  /* nanosecond pcap */
	uint16_t ver[2] = {2, 4}; /* version 2.4, native order */
	memcpy(hdr + 4, ver, 4);
	put32(hdr + 8, 0);  /* thiszone */
	put32(hdr + 12, 0); /* sigfigs */
	put32(hdr + 16, MK_SNAPLEN);
	put32(hdr + 20, (uint32_t)lt);
	fwrite(hdr, 1, sizeof(hdr), mem);
	unsigned long lineno = 0;
	int64_t t = t0;
	while (getline(&line, &lcap, fi) >= 0) {
		const char *why = NULL;
		lineno++;
		long n = parse_hex_line(line, pkt, &why);
		if (n < 0) {
			util_err("mkpacket", "%s line %lu: %s",
				 in ? in : "stdin", lineno, why);
			rc = 2;
			goto out;
		}
		if (n == 0)
			continue;
		uint8_t rh[16];
		put32(rh, (uint32_t)(t / 1000000000));
		put32(rh + 4, (uint32_t)(t % 1000000000));
		put32(rh + 8, (uint32_t)n);
		put32(rh + 12, (uint32_t)n);
		fwrite(rh, 1, sizeof(rh), mem);
		fwrite(pkt, 1, (size_t)n, mem);
		t += 1000;
	}
	if (ferror(fi)) {
		util_err("mkpacket", "%s: read error", in ? in : "stdin");
		rc = 2;
		goto out;
	}
	if (fflush(mem) != 0) {
		util_err("mkpacket", "out of memory");
		rc = 1;
		goto out;
	}
	FILE *fo = out ? fopen(out, "wb") : stdout;
	if (!fo) {
		util_err("mkpacket", "%s: %s", out, strerror(errno));
		rc = 1;
		goto out;
	}
	size_t w = fwrite(obuf, 1, olen, fo);
	int e = fo == stdout ? fflush(fo) : fclose(fo);
	if (w != olen || e != 0) {
		util_err("mkpacket", "%s: write error",
			 out ? out : "standard output");
		rc = 1;
	}
out:
	if (mem)
		fclose(mem);
	free(obuf);
	free(line);
	free(pkt);
	if (fi != stdin)
		fclose(fi);
	return rc;
}

/* ---- check ---- */

struct chk_row {
	char *path;
	const char *type;
	uint64_t recs, bytes, ooo, nts; /* nts: records with a timestamp */
	int64_t first, last;
	bool has_ts;
};

static void check_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap util check FILE|DIR...\n"
	    "Validate record files (a DIR: every *.ncap.lz4 and *.ncap in "
	    "it, sorted):\n"
	    "the LZ4 frame and its block checksums, the Header, every record "
	    "unpacked\n"
	    "by protobuf-c against netcap.proto. Prints one line per file: "
	    "type,\n"
	    "records, bytes on disk, first and last timestamp (RFC 3339 UTC) "
	    "and\n"
	    "how many records have a timestamp earlier than the record "
	    "before\n"
	    "(timestamp 0, unset, is skipped).\n"
	    "Out-of-order timestamps are not an error: with several workers "
	    "a file\n"
	    "interleaves their batches, so no type is ordered across "
	    "workers.\n"
	    "Exit status: 0 all valid; 1 at the first invalid file, one "
	    "line:\n"
	    "  netcap util check: FILE: offset N (file|stream): what is "
	    "wrong\n"
	    "N is a byte offset in the file (\"file\"), or, inside an LZ4 "
	    "frame, in\n"
	    "the decompressed record stream (\"stream\"); 2 usage error.\n");
}

/* Check one file; 0 (row filled), 1 invalid (printed), 2 unreadable. */
static int check_file(const char *path, struct chk_row *row)
{
	char err[512];
	uint8_t magic[4] = {0};
	struct stat st;
	bool lz4 = false;
	const char *msg;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		util_err("check", "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	if (read(fd, magic, 4) == 4)
		lz4 = (magic[0] | magic[1] << 8 | magic[2] << 16 |
		       (uint32_t)magic[3] << 24) == 0x184D2204u;
	close(fd);
	memset(row, 0, sizeof(*row));
	row->bytes = (uint64_t)st.st_size;

	uint64_t off = 0;
	int at = 0;
	struct nc_reader *r =
	    nc_reader_open_at(path, err, sizeof(err), &off, &at);
	if (!r && !lz4) {
		util_err(
		    "check",
		    "%s: offset 0 (file): not a netcap record file (no LZ4 "
		    "frame, no readable Header)",
		    path);
		return 1;
	}
	if (!r) {
		size_t pl = strlen(path);
		msg = strncmp(err, path, pl) == 0 && !strncmp(err + pl, ": ", 2)
			  ? err + pl + 2
			  : err;
		util_err("check", "%s: offset %" PRIu64 " (%s): %s", path, off,
			 at == 2 ? "stream" : "file", msg);
		return 1;
	}
	const Netcap__Header *h = nc_reader_header(r);
	int type = nc_reader_type(r);
	if (type < 0 || !h->version || !*h->version) {
		util_err("check",
			 "%s: offset 0 (file): not a netcap record file (%s)",
			 path,
			 type < 0 ? "header names no known record type"
				  : "header has no Version");
		nc_reader_close(r);
		return 1;
	}
	struct lbl_rec ri;
	lbl_rec_info((enum nc_rec)type, &ri);
	const ProtobufCFieldDescriptor *tf = ri.ts ? ri.ts : ri.first;
	row->type = nc_rec_desc((enum nc_rec)type)->short_name;
	row->has_ts = tf != NULL;
	ProtobufCMessage *m;
	int k;
	int64_t prev = 0;
	/* nc_reader_next: protobuf-c's own unpacker, not the generated one */
	while ((k = nc_reader_next(r, &m)) == 1) {
		int64_t ts = tf ? lbl_i64(m, tf) : 0;
		if (ts) { /* 0: unset (a profile without packets) */
			if (!row->nts++)
				row->first = ts;
			else if (ts < prev)
				row->ooo++;
			prev = ts;
			row->last = ts;
		}
		row->recs++;
		protobuf_c_message_free_unpacked(m, NULL);
	}
	if (k < 0) {
		bool in_file = true;
		msg = nc_reader_error(r);
		if (!nc_reader_error_offset(r, &off, &in_file))
			off = 0;
		util_err("check", "%s: offset %" PRIu64 " (%s): %s", path, off,
			 in_file ? "file" : "stream", msg);
		nc_reader_close(r);
		return 1;
	}
	nc_reader_close(r);
	return 0;
}

static int dirent_filter(const struct dirent *e)
{
	return e->d_name[0] != '.' && nc_record_suffix(e->d_name) != 0;
}

/* Append path to the list; false when out of memory. */
static bool push_path(char ***v, size_t *n, size_t *cap, char *p)
{
	if (!p)
		return false;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		char **nv = realloc(*v, nc * sizeof(*nv));
		if (!nv) {
			free(p);
			return false;
		}
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = p;
	return true;
}

int nc_util_check(int argc, char **argv)
{
	int rc = help_only("check", argc, argv, check_usage);
	char **paths = NULL;
	size_t np = 0, pcap = 0;
	struct chk_row *rows = NULL;

	if (rc >= 0)
		return rc;
	rc = 0;
	if (optind >= argc) {
		util_err(
		    "check",
		    "missing FILE or DIR (try 'netcap util check --help')");
		return 2;
	}
	for (int i = optind; i < argc && !rc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			util_err("check", "%s: %s", argv[i], strerror(errno));
			rc = 2;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (!push_path(&paths, &np, &pcap, strdup(argv[i])))
				rc = -1;
			continue;
		}
		struct dirent **ents = NULL;
		int n = scandir(argv[i], &ents, dirent_filter, alphasort);
		if (n < 0) {
			util_err("check", "%s: %s", argv[i], strerror(errno));
			rc = 2;
			break;
		}
		if (n == 0) {
			util_err("check", "%s: no *.ncap.lz4 or *.ncap files",
				 argv[i]);
			rc = 1;
		}
		for (int j = 0; j < n; j++) {
			char *p = NULL;
			if (!rc &&
			    asprintf(&p, "%s/%s", argv[i], ents[j]->d_name) < 0)
				p = NULL;
			if (!rc && !push_path(&paths, &np, &pcap, p))
				rc = -1;
			free(ents[j]);
		}
		free(ents);
	}
	if (!rc && !(rows = calloc(np ? np : 1, sizeof(*rows))))
		rc = -1;
	for (size_t i = 0; !rc && i < np; i++) {
		rc = check_file(paths[i], &rows[i]);
		rows[i].path = paths[i];
	}
	if (rc < 0) {
		util_err("check", "out of memory");
		rc = 1;
	}
	if (!rc) {
		int wp = 4, wt = 4;
		uint64_t total = 0;
		for (size_t i = 0; i < np; i++) {
			int l = (int)strlen(rows[i].path);
			wp = l > wp ? l : wp;
			l = (int)strlen(rows[i].type);
			wt = l > wt ? l : wt;
		}
		printf("%-*s  %-*s  %10s  %12s  %-30s  %-30s  %s\n", wp, "FILE",
		       wt, "TYPE", "RECORDS", "BYTES", "FIRST", "LAST",
		       "OUT_OF_ORDER");
		for (size_t i = 0; i < np; i++) {
			const struct chk_row *w = &rows[i];
			char f[64] = "-", l[64] = "-";
			if (w->has_ts && w->nts) {
				nc_render_time(w->first, f, sizeof(f));
				nc_render_time(w->last, l, sizeof(l));
			}
			printf("%-*s  %-*s  %10" PRIu64 "  %12" PRIu64
			       "  %-30s  %-30s  %" PRIu64 "\n",
			       wp, w->path, wt, w->type, w->recs, w->bytes, f,
			       l, w->ooo);
			total += w->recs;
		}
		printf("%zu files valid, %" PRIu64 " records\n", np, total);
		if (fflush(stdout) != 0)
			rc = 1;
	}
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	free(rows);
	return rc;
}

/* ---- interfaces ---- */

static void interfaces_usage(FILE *f)
{
	fprintf(f,
		"usage: netcap util interfaces\n"
		"List the kernel's network interfaces (/sys/class/net) and "
		"the PCI\n"
		"network devices (class 0x02) bound to a DPDK driver "
		"(vfio-pci,\n"
		"uio_pci_generic, igb_uio; /sys/bus/pci/devices), one table:\n"
		"NAME DRIVER PCI NUMA STATE SPEED MAC RXQ TXQ (\"-\": not "
		"known;\n"
		"SPEED in Mb/s; a DPDK device's NAME is \"-\" and its STATE "
		"\"dpdk\").\n"
		"Needs no EAL and no privileges. Exit status: 0, or 2 on a "
		"usage error.\n");
}

/* First line of a sysfs file into buf ("-" when unreadable or empty). */
static void sys_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "-");
	if (!f)
		return;
	if (fgets(buf, (int)len, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (!*buf)
			snprintf(buf, len, "-");
	} else {
		snprintf(buf, len, "-");
	}
	fclose(f);
}

/* Basename of a symlink's target into buf ("-" when none). */
static void sys_link(const char *path, char *buf, size_t len)
{
	char t[PATH_MAX];
	ssize_t n = readlink(path, t, sizeof(t) - 1);

	if (n <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	t[n] = '\0';
	const char *b = strrchr(t, '/');
	snprintf(buf, len, "%.*s", (int)len - 1, b ? b + 1 : t);
}

static int count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

static int name_filter(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* The driver name `ethtool -i` shows (no privileges needed). */
static void ethtool_driver(const char *ifname, char *buf, size_t len)
{
	struct ethtool_drvinfo di = {.cmd = ETHTOOL_GDRVINFO};
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		close(fd);
		return;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ifr.ifr_data = (void *)&di;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && di.driver[0])
		snprintf(buf, len, "%.*s", (int)sizeof(di.driver), di.driver);
	close(fd);
}

#define IF_FMT "%-16s %-16s %-13s %-4s %-8s %-6s %-17s %-4s %s\n"

static void print_kernel_ifaces(void)
{
	struct dirent **ents = NULL;
	int n = scandir("/sys/class/net", &ents, name_filter, alphasort);

	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		char p[PATH_MAX], drv[64], pci[64], sub[64], numa[16],
		    state[32], speed[32], mac[64], rq[16] = "-", tq[16] = "-";
		snprintf(p, sizeof(p), "/sys/class/net/%s/device/driver", nm);
		sys_link(p, drv, sizeof(drv));
		snprintf(p, sizeof(p), "/sys/class/net/%s/device/subsystem",
			 nm);
		sys_link(p, sub, sizeof(sub));
		snprintf(p, sizeof(p), "/sys/class/net/%s/device", nm);
		sys_link(p, pci, sizeof(pci));
		if (strcmp(sub, "pci") != 0)
			snprintf(pci, sizeof(pci), "-");
		if (!strcmp(drv, "-")) /* virtual: ask the driver its name */
			ethtool_driver(nm, drv, sizeof(drv));
		snprintf(p, sizeof(p), "/sys/class/net/%s/device/numa_node",
			 nm);
		sys_read(p, numa, sizeof(numa));
		snprintf(p, sizeof(p), "/sys/class/net/%s/operstate", nm);
		sys_read(p, state, sizeof(state));
		snprintf(p, sizeof(p), "/sys/class/net/%s/speed", nm);
		sys_read(p, speed, sizeof(speed));
		if (speed[0] == '-')
			snprintf(speed, sizeof(speed), "-");
		snprintf(p, sizeof(p), "/sys/class/net/%s/address", nm);
		sys_read(p, mac, sizeof(mac));
		snprintf(p, sizeof(p), "/sys/class/net/%s/queues", nm);
		int k = count_prefix(p, "rx-");
		if (k >= 0)
			snprintf(rq, sizeof(rq), "%d", k);
		k = count_prefix(p, "tx-");
		if (k >= 0)
			snprintf(tq, sizeof(tq), "%d", k);
		printf(IF_FMT, nm, drv, pci, numa, state, speed, mac, rq, tq);
		free(ents[i]);
	}
	free(ents);
}

static void print_dpdk_devices(void)
{
	static const char *const dpdk_drv[] = {"vfio-pci", "uio_pci_generic",
					       "igb_uio"};
	struct dirent **ents = NULL;
	int n = scandir("/sys/bus/pci/devices", &ents, name_filter, alphasort);

	for (int i = 0; i < n; i++) {
		const char *a = ents[i]->d_name;
		char p[PATH_MAX], cls[32], drv[64], numa[16];
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/class", a);
		sys_read(p, cls, sizeof(cls));
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", a);
		sys_link(p, drv, sizeof(drv));
		bool dpdk = false;
		for (size_t j = 0; j < sizeof(dpdk_drv) / sizeof(*dpdk_drv);
		     j++)
			dpdk |= !strcmp(drv, dpdk_drv[j]);
		if (!strncmp(cls, "0x02", 4) && dpdk) {
			snprintf(p, sizeof(p),
				 "/sys/bus/pci/devices/%s/numa_node", a);
			sys_read(p, numa, sizeof(numa));
			printf(IF_FMT, "-", drv, a, numa, "dpdk", "-", "-", "-",
			       "-");
		}
		free(ents[i]);
	}
	free(ents);
}

int nc_util_interfaces(int argc, char **argv)
{
	int rc = help_only("interfaces", argc, argv, interfaces_usage);

	if (rc >= 0)
		return rc;
	if (optind < argc) {
		util_err("interfaces", "unexpected argument '%s'",
			 argv[optind]);
		return 2;
	}
	printf(IF_FMT, "NAME", "DRIVER", "PCI", "NUMA", "STATE", "SPEED", "MAC",
	       "RXQ", "TXQ");
	print_kernel_ifaces();
	print_dpdk_devices();
	return fflush(stdout) ? 1 : 0;
}
