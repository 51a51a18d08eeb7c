/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * indicators_build.c: `netcap util db build --feodo FILE --drop FILE -o
 * FILE` and `db check` of its output: an indicator list in the format
 * capture --indicators reads (decoders/abstract/indicators.c), made from
 * block lists the user downloaded:
 *  --feodo: abuse.ch Feodo Tracker's ipblocklist.csv: '#' comment lines,
 *    then "first_seen_utc","dst_ip","dst_port","c2_status","last_online",
 *    "malware" (a header row and data rows): one "ip" line per address.
 *  --drop: Spamhaus DROP or EDROP (drop.txt, edrop.txt): ';' comment
 *    lines, then "<address>/<prefix> ; <SBL id>": one "cidr" line each.
 * The list begins with comment lines naming each source (file, size,
 * SHA-256, modification time, the list's own date where it gives one) and
 * the build, and ends with "# end <SHA-256 of the lines before>"; the
 * loader skips comments, db check verifies them. An address listed twice
 * keeps its first line. Every malformed row is one line naming the file
 * and the row, exit 1, no output file (temporary file, then rename).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "dbfile.h"
#include "indicators.h"

#define IND_MAGIC "# netcap-indicators 1\n"

struct ibuild {
	char *text; /* the indicator lines */
	size_t len, cap;
	char *hdr; /* the source comment lines */
	size_t hlen, hcap;
	char **seen; /* "kind value" of the lines so far, for duplicates */
	size_t nseen, capseen;
	size_t lines, dups;
};

static bool iappend(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool iappend(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return false;
	if (*len + (size_t)n + 1 > *cap) {
		size_t nc = *cap ? *cap * 2 : 65536;
		while (nc < *len + (size_t)n + 1)
			nc *= 2;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return false;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, line, (size_t)n + 1);
	*len += (size_t)n;
	return true;
}

/* Linear in the lines so far: lists are thousands of lines, not more. */
static bool iseen(struct ibuild *b, const char *key)
{
	for (size_t i = 0; i < b->nseen; i++)
		if (!strcmp(b->seen[i], key))
			return true;
	if (b->nseen == b->capseen) {
		size_t nc = b->capseen ? b->capseen * 2 : 256;
		void *nv = realloc(b->seen, nc * sizeof(*b->seen));
		if (!nv)
			return false;
		b->seen = nv;
		b->capseen = nc;
	}
	b->seen[b->nseen] = strdup(key);
	if (b->seen[b->nseen])
		b->nseen++;
	return false;
}

static char *islurp(struct ibuild *b, const char *kind, const char *path)
{
	struct nc_dbsrc d;
	char err[PATH_MAX + 64];

	if (nc_dbsrc_read(path, &d, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		return NULL;
	}
	if (memchr(d.data, '\0', d.len)) {
		nc_dbsrc_free(&d);
		fprintf(stderr, "netcap util db build: %s: not a text file\n",
			path);
		return NULL;
	}
	char *data = d.data;
	size_t len = d.len;
	const char *hex = d.sha256, *mt = d.mtime;
	const char *base = strrchr(path, '/');
	char name[256];
	snprintf(name, sizeof(name), "%s", base ? base + 1 : path);
	for (char *c = name; *c; c++)
		if ((unsigned char)*c <= ' ')
			*c = '_';
	/* the list's own date: Feodo "# Last updated: ...", Spamhaus
	   "; Last-Modified: ..." */
	char upd[80] = "";
	const char *u = strstr(data, "# Last updated: ");
	size_t ul = 16;
	if (!u) {
		u = strstr(data, "; Last-Modified: ");
		ul = 17;
	}
	if (u) {
		snprintf(upd, sizeof(upd), "%.*s",
			 (int)strcspn(u + ul, "#\r\n"), u + ul);
		size_t n = strlen(upd);
		while (n && upd[n - 1] == ' ')
			upd[--n] = '\0';
	}
	if (!iappend(&b->hdr, &b->hlen, &b->hcap,
		     "# source %s %s %zu %s %s%s%s\n", kind, name, len, hex, mt,
		     upd[0] ? " updated " : "", upd)) {
		free(data);
		fputs("netcap util db build: out of memory\n", stderr);
		return NULL;
	}
	return data;
}

/* A token for an indicator's name: spaces and control bytes as '-'. */
static void tokenize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '-';
}

static void oneline(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = ' ';
}

static int read_feodo(struct ibuild *b, const char *path)
{
	char *data = islurp(b, "feodo", path), *f[16];
	unsigned nf, line = 1, row = 0;
	bool header = false;

	if (!data)
		return -1;
	for (char *p = data; *p;) {
		unsigned at = line;
		if (*p == '#') {
			char *nl = strchr(p, '\n');
			p = nl ? nl + 1 : p + strlen(p);
			line++;
			continue;
		}
		int rc = nc_csv_record(&p, f, 16, &nf, &line);
		if (rc == 0 && nf == 1 && !f[0][0])
			continue;
		if (!header) {
			header = rc == 0 && nf == 6 &&
				 !strcmp(f[0], "first_seen_utc") &&
				 !strcmp(f[1], "dst_ip") &&
				 !strcmp(f[5], "malware");
			if (!header) {
				fprintf(
				    stderr,
				    "netcap util db build: %s: line %u: not "
				    "Feodo Tracker's ipblocklist.csv (want "
				    "the header first_seen_utc,dst_ip,"
				    "dst_port,c2_status,last_online,malware)\n",
				    path, at);
				free(data);
				return -1;
			}
			continue;
		}
		row++; /* row 1: the first after the header */
		unsigned char a[16];
		const char *why = rc == -1   ? "unterminated quoted field"
				  : rc == -2 ? "want 6 fields"
				  : nf != 6  ? "want 6 fields"
				  : inet_pton(AF_INET, f[1], a) != 1 &&
					  inet_pton(AF_INET6, f[1], a) != 1
				      ? "dst_ip is not an IPv4 or IPv6 address"
				  : !f[5][0] ? "empty malware"
					     : NULL;
		if (why) {
			fprintf(stderr,
				"netcap util db build: %s: row %u (line %u): "
				"%s\n",
				path, row, at, why);
			free(data);
			return -1;
		}
		char key[96];
		snprintf(key, sizeof(key), "ip %s", f[1]);
		if (iseen(b, key)) {
			b->dups++;
			continue;
		}
		for (unsigned i = 0; i < 6; i++)
			oneline(f[i]);
		char name[80];
		snprintf(name, sizeof(name), "feodo-%s", f[5]);
		tokenize(name);
		if (!iappend(&b->text, &b->len, &b->cap,
			     "ip %s %s reputation=malicious Feodo Tracker: %s "
			     "C2 port %s, %s, first seen %s, last online %s\n",
			     f[1], name, f[5], f[2][0] ? f[2] : "-",
			     f[3][0] ? f[3] : "-", f[0][0] ? f[0] : "-",
			     f[4][0] ? f[4] : "-")) {
			fprintf(stderr,
				"netcap util db build: %s: row %u (line %u): "
				"too long\n",
				path, row, at);
			free(data);
			return -1;
		}
		b->lines++;
	}
	free(data);
	return 0;
}

static int read_drop(struct ibuild *b, const char *path)
{
	char *data = islurp(b, "drop", path);
	unsigned line = 0;

	if (!data)
		return -1;
	char none[1] = "";
	for (char *p = data, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		p[strcspn(p, "\r")] = '\0';
		char *s = p + strspn(p, " \t");
		if (!*s || *s == ';')
			continue;
		char *semi = strchr(s, ';');
		char *id = semi ? semi + 1 + strspn(semi + 1, " \t") : none;
		if (semi)
			*semi = '\0';
		size_t n = strcspn(s, " \t");
		s[n] = '\0';
		char *slash = strchr(s, '/'), *end = NULL;
		unsigned char a[16];
		int fam = strchr(s, ':') ? AF_INET6 : AF_INET;
		long plen = -1;
		if (slash) {
			*slash = '\0';
			plen = strtol(slash + 1, &end, 10);
		}
		if (!slash || end == slash + 1 || *end || plen < 0 ||
		    plen > (fam == AF_INET ? 32 : 128) ||
		    inet_pton(fam, s, a) != 1) {
			if (slash)
				*slash = '/';
			fprintf(stderr,
				"netcap util db build: %s: line %u: '%.48s' is "
				"not an address/prefix\n",
				path, line, s);
			free(data);
			return -1;
		}
		*slash = '/';
		char key[96];
		snprintf(key, sizeof(key), "cidr %s", s);
		if (iseen(b, key)) {
			b->dups++;
			continue;
		}
		oneline(id);
		id[strcspn(id, " \t")] = '\0';
		if (!iappend(&b->text, &b->len, &b->cap,
			     "cidr %s spamhaus-drop reputation=malicious "
			     "Spamhaus DROP%s%s\n",
			     s, id[0] ? " " : "", id)) {
			fprintf(stderr,
				"netcap util db build: %s: line %u: too long\n",
				path, line);
			free(data);
			return -1;
		}
		b->lines++;
	}
	free(data);
	return 0;
}

/* The written list read back by capture's loader. */
static int ind_check(const char *tmp, char *err, size_t errlen)
{
	struct nc_indicators *ind = nc_indicators_load(tmp, err, errlen);

	if (!ind)
		return -1;
	nc_indicators_free(ind);
	return 0;
}

static int write_list(struct ibuild *b, const char *out)
{
	struct nc_dbout o;
	char built[32], err[PATH_MAX + 600];

	nc_utc_stamp(built, sizeof(built), nc_build_time());
	if (nc_dbout_open(&o, out, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		return -1;
	}
	nc_dbout_put(&o, IND_MAGIC, strlen(IND_MAGIC));
	if (b->hlen)
		nc_dbout_put(&o, b->hdr, b->hlen);
	nc_dbout_printf(&o, "# built %s %zu\n", built, b->lines);
	if (b->len)
		nc_dbout_put(&o, b->text, b->len);
	if (nc_dbout_commit(&o, "# end ", ind_check, err, sizeof(err)) != 0) {
		fprintf(stderr, "netcap util db build: %s\n", err);
		return -1;
	}
	return 0;
}

int nc_indicators_build(const char *const *feodo, unsigned nfeodo,
			const char *const *drop, unsigned ndrop,
			const char *out)
{
	struct ibuild b;
	int rc = 0;

	memset(&b, 0, sizeof(b));
	for (unsigned i = 0; i < nfeodo && !rc; i++)
		rc = read_feodo(&b, feodo[i]);
	for (unsigned i = 0; i < ndrop && !rc; i++)
		rc = read_drop(&b, drop[i]);
	if (!rc)
		rc = write_list(&b, out);
	if (!rc) {
		printf("%s: %zu indicators", out, b.lines);
		if (b.dups)
			printf(" (%zu listed again: kept the first)", b.dups);
		printf("\n");
	}
	free(b.text);
	free(b.hdr);
	for (size_t i = 0; i < b.nseen; i++)
		free(b.seen[i]);
	free(b.seen);
	return rc ? 1 : 0;
}

int nc_indicators_check_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0;
	char err[512];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	char hex[65];

	if (f) {
		struct stat st;
		if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) {
			len = (size_t)st.st_size;
			data = malloc(len + 1);
			if (data && fread(data, 1, len, f) != len) {
				free(data);
				data = NULL;
			}
		}
		fclose(f);
	}
	if (!data) {
		fprintf(stderr, "netcap util db check: %s: cannot read it\n",
			path);
		return 1;
	}
	data[len] = '\0';
	char *endl = NULL;
	for (size_t i = len ? len - 1 : 0; i > 0; i--)
		if (data[i - 1] == '\n') {
			endl = data + i;
			break;
		}
	bool ok = endl && len && data[len - 1] == '\n' &&
		  !strncmp(endl, "# end ", 6) &&
		  EVP_Digest(data, (size_t)(endl - data), md, &mdl,
			     EVP_sha256(), NULL) == 1 &&
		  mdl == 32;
	for (unsigned i = 0; ok && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (!ok || strncmp(endl + 6, hex, 64) != 0 || endl[70] != '\n' ||
	    endl + 71 != data + len) {
		fprintf(stderr, "netcap util db check: %s: %s\n", path,
			ok ? "checksum mismatch: the file was changed or cut"
			   : "truncated (no end line)");
		free(data);
		return 1;
	}
	struct nc_indicators *ind = nc_indicators_load(path, err, sizeof(err));
	if (!ind) {
		fprintf(stderr, "netcap util db check: %s\n", err);
		free(data);
		return 1;
	}
	printf("%s: netcap indicator list, format 1\n", path);
	printf("sha256   %s\n", hex);
	for (char *p = data, *nl; p < endl; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		if (!strncmp(p, "# built ", 8))
			printf("built    %s\n", p + 8);
		else if (!strncmp(p, "# source ", 9))
			printf("source   %s\n", p + 9);
	}
	printf("entries  %u indicators\n", nc_indicators_count(ind));
	nc_indicators_free(ind);
	free(data);
	return 0;
}
