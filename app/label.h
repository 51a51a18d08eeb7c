/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * label.h: `netcap label`'s inputs (label_in.c) and the tables the join
 * uses (label.c). docs/LABEL.md states the matching rules.
 *
 * Every parser returns 0, or -1 with one line in err naming the file, the
 * line and the field ("eve.json:3: timestamp '...': ..."); nothing is kept
 * from a file that failed.
 */
#ifndef NC_LABEL_H
#define NC_LABEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IP address as records carry it: 4 or 16 octets. */
struct lbl_addr {
	uint8_t a[16];
	uint8_t len;
};

/* One IDS alert (EVE event_type alert, or a fast.log line). */
struct lbl_alert {
	int64_t ts; /* ns since the epoch, UTC */
	struct lbl_addr src, dst;
	int sport, dport; /* -1: the alert has none */
	int proto;	  /* IP protocol number */
	char *cid;	  /* Community ID, or NULL */
	char *category;	  /* classification ("" when the rule has none) */
	char *signature;
	uint32_t seq; /* input order, over all files */
	uint32_t label;
};

struct lbl_alerts {
	struct lbl_alert *v;
	size_t n, cap;
};

/* One attack of an attack list: a window and its addresses. */
struct lbl_attack {
	char *name, *category, *proto, *mitre, *notes;
	int64_t start, end; /* ns since the epoch, inclusive */
	struct lbl_addr *ips, *victims, *attackers;
	size_t nips, nvictims, nattackers;
	bool flag_victim;
	uint32_t label;
};

struct lbl_attacks {
	struct lbl_attack *v;
	size_t n, cap;
	char *location; /* the list's zone */
};

/* Suricata EVE JSON: the alert events of path (and its anomaly events
 * that name addresses, when anomalies) appended to out. */
int lbl_read_eve(const char *path, bool anomalies, struct lbl_alerts *out,
		 uint32_t *seq, char *err, size_t errlen);

/* Suricata fast.log, its times local to the zone tz (a zoneinfo name). */
int lbl_read_fastlog(const char *path, const char *tz, struct lbl_alerts *out,
		     uint32_t *seq, char *err, size_t errlen);

/*
 * Zeek notice.log, TSV (the #fields header names the columns) or JSON
 * lines: notices with a connection (id.orig_h, id.resp_h, proto); label
 * `note`, with --description `msg`. Notices without one are skipped.
 */
int lbl_read_notice(const char *path, struct lbl_alerts *out, uint32_t *seq,
		    char *err, size_t errlen);

/* Netcap's YAML attack list (docs/LABEL.md "Attack lists"). */
int lbl_read_attacks(const char *path, struct lbl_attacks *out, char *err,
		     size_t errlen);

/*
 * Netcap v0.5's CSV attack list: a header naming the columns (Num, Name,
 * Start, End, IPs, Proto, Notes, Category, MITRE, Date, Victims,
 * Attackers; any order, names case-insensitive), Start and End as
 * "2006/1/2 15:04:05" in zone tz, addresses separated by ';'.
 */
int lbl_read_attacks_csv(const char *path, const char *tz,
			 struct lbl_attacks *out, char *err, size_t errlen);

void lbl_alerts_free(struct lbl_alerts *a);
void lbl_attacks_free(struct lbl_attacks *a);

/* Is tz a zone of the system's zoneinfo ("UTC" always is)? */
bool lbl_zone_ok(const char *tz);

/* A time that int64 nanoseconds cannot hold (before 1678, after 2261). */
#define LBL_TIME_BAD INT64_MIN

/*
 * Wall-clock time in zone tz (daylight saving included: an hour that
 * occurs twice is taken the first time, one that is skipped is read
 * forward, as mktime does) to ns since the epoch; LBL_TIME_BAD when out
 * of range.
 */
int64_t lbl_local_ns(const char *tz, int year, int mon, int day, int hour,
		     int min, int sec, long nsec);

/* A Go time layout's fields as parsed (time.Parse without zones). */
struct lbl_gotime {
	int year, mon, day, hour, min, sec;
	long nsec;
	bool has_date; /* the layout had a year, month or day */
};

/* Parse value by Go layout; -1 with the reason in err. */
int lbl_go_parse(const char *layout, const char *value, struct lbl_gotime *t,
		 char *err, size_t errlen);

/* Parse "a.b.c.d" or IPv6 text; false when it is neither. */
bool lbl_addr_parse(const char *s, struct lbl_addr *a);

/* IP protocol number of a Suricata protocol name ("TCP", "IPv6-ICMP",
 * "PROTO:047", "6"); -1 when unknown. */
int lbl_proto_num(const char *s);

#endif /* NC_LABEL_H */
