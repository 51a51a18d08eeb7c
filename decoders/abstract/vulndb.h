/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vulndb.h: Vulnerability and Exploit records (Netcap's names) from a
 * local vulnerability database (`netcap util db build`, docs/APPLICATION.md
 * "Vulnerability database"), matched against the Software records when
 * the input ends.
 *
 * The database is one text file of tab-separated lines, loaded in one
 * pass into arrays that point into the file's bytes: CVEs sorted by ID,
 * CPE ranges sorted by (product, vendor), Exploit-DB entries sorted by
 * CVE. A Software record costs one binary search on its product.
 */
#ifndef NC_VULNDB_H
#define NC_VULNDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "netcap.pb-c.h"

#define NC_VULNDB_MAGIC	 "netcap-vulndb"
#define NC_VULNDB_FORMAT 1

/*
 * Compare two version strings the way NVD ranges mean them: <0, 0, >0.
 * Both are cut into tokens, a run of digits or a run of letters (other
 * bytes separate tokens and are otherwise ignored): "7.4p1" is 7 4 p 1.
 * Tokens compare in order: two numbers numerically (any length), two
 * words case-insensitively by bytes, a number above a word. When one
 * string runs out first, it is the greater if the other's next token is
 * a pre-release word (alpha, beta, pre, rc, dev, preview: "1.0rc1" <
 * "1.0"), else the smaller ("9.3" < "9.3p1", "1.1.1" < "1.1.1k").
 */
int nc_vercmp(const char *a, const char *b);

/* One vulnerable cpeMatch of NVD (strings never NULL; "" when absent). */
struct nc_cpe_range {
	const char *product, *vendor; /* normalised (nc_cpe_norm) */
	const char *version, *update; /* the CPE's fields: "*", "-" or text */
	const char *start_incl, *start_excl, *end_incl, *end_excl;
};

/*
 * Does a Software record's version fall in r (NVD's semantics)? With a
 * range bound (start/end including/excluding) the CPE version is "*" and
 * every bound given must hold. Without one: version "*" matches any
 * version; "-" (not applicable) none; else the version must equal the
 * CPE's version (nc_vercmp) and, when the CPE's update is a value, the
 * CPE's version followed by its update ("8.5" "p1" is "8.5p1"); update
 * "-" means no update ("9.8" but not "9.8p1"); update "*" any ("7.4"
 * matches "7.4" and "7.4p1"). An empty version matches nothing.
 */
bool nc_cpe_version_match(const struct nc_cpe_range *r, const char *version);

/*
 * A vendor or product name as matched: lowercased, spaces as '_', CPE
 * backslash escapes removed ("node\.js" is "node.js"). out has cap bytes.
 */
void nc_cpe_norm(char *out, size_t cap, const char *in);

struct nc_vulndb_source {
	const char *kind;    /* "nvd" or "exploitdb" */
	const char *name;    /* file name as given to util db build */
	const char *size;    /* bytes */
	const char *sha256;  /* hex */
	const char *mtime;   /* the file's modification time, UTC ISO 8601 */
	const char *feed_ts; /* NVD: the feed's "timestamp", else "" */
};

struct nc_vulndb_cve {
	const char *id, *published, *cvss_version, *severity, *vector, *desc;
	double score, v2score;
};

struct nc_vulndb_cpe {
	struct nc_cpe_range r;
	const char *part; /* "a", "o", "h" */
	uint32_t cve;	  /* index into cves */
};

struct nc_vulndb_exploit {
	const char *cve, *id, *file, *date, *author, *type, *platform, *port,
	    *desc;
};

struct nc_vulndb {
	char *buf; /* the file, cut into fields in place */
	size_t len;
	struct nc_vulndb_source *src;
	struct nc_vulndb_cve *cve;
	struct nc_vulndb_cpe *cpe;
	struct nc_vulndb_exploit *xp;
	uint32_t nsrc, ncve, ncpe, nxp;
	const char *built; /* build time, UTC ISO 8601 */
	char sha256[65];   /* of the file up to its end line */
};

/*
 * Load and validate a database file: every line's kind and field count,
 * the sort orders, every CPE line's CVE, the end line's SHA-256 of what
 * precedes it. 0, or -1 with one line in err ("line N: ...").
 */
int nc_vulndb_load(struct nc_vulndb *db, const char *path, char *err,
		   size_t errlen);
void nc_vulndb_free(struct nc_vulndb *db);

/*
 * For one Software record (profile.h's software hook, arg: the
 * database): one Vulnerability record per matching CVE and one Exploit
 * record per Exploit-DB entry naming one of them, through d, when those
 * types are selected. Returns the number of CVEs matched.
 */
unsigned nc_vulndb_software(void *arg, struct nc_dec *d,
			    const Netcap__Software *sw);

#endif /* NC_VULNDB_H */
