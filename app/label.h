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
#include <string.h>

#include "netcap.pb-c.h"
#include "rec.h"

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
/* The strings of one alert or attack (not the struct itself). */
void lbl_alert_free(struct lbl_alert *a);
void lbl_attack_free(struct lbl_attack *a);

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

/* ---- the per-record rules (label_rec.c), shared by `netcap label` and
 * `capture --attacks` (docs/LABEL.md sections 4 and 5) ---- */

/* How a record type is joined, from the fields it has. */
enum rec_class {
	RC_CONN,  /* Connection */
	RC_PORTS, /* Timestamp, addresses and ports, no UID: per packet */
	RC_UID,	  /* has a UID field */
	RC_ADDR,  /* Timestamp and addresses, no ports */
	RC_FLOWS, /* a list of connection UIDs (Software, Service) */
	RC_TS,	  /* Timestamp, no addresses: per frame (Ethernet, ARP) */
	RC_NONE,  /* none of these (profiles): attack lists only */
};

struct lbl_rec {
	const ProtobufCMessageDescriptor *d;
	const ProtobufCFieldDescriptor *ts, *first, *last, *src, *dst, *sport,
	    *dport, *uid, *tun, *cid, *ipproto, *flows;
	int proto; /* IP protocol the type implies; -1 none */
	enum rec_class cls;
};

void lbl_rec_info(enum nc_rec t, struct lbl_rec *ri);

#define LBL_AT(m, f, T) (*(const T *)((const char *)(m) + (f)->offset))

static inline int64_t lbl_i64(const ProtobufCMessage *m,
			      const ProtobufCFieldDescriptor *f)
{
	return f ? LBL_AT(m, f, int64_t) : 0;
}

static inline int lbl_i32(const ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f)
{
	return f ? LBL_AT(m, f, int32_t) : -1;
}

static inline const char *lbl_str(const ProtobufCMessage *m,
				  const ProtobufCFieldDescriptor *f)
{
	const char *s = f ? LBL_AT(m, f, char *) : NULL;

	return s ? s : "";
}

/* Address field as lbl_addr; false when empty or not 4/16 octets. */
static inline bool lbl_addr_of(const ProtobufCMessage *m,
			       const ProtobufCFieldDescriptor *f,
			       struct lbl_addr *a)
{
	if (!f)
		return false;
	const ProtobufCBinaryData *b = &LBL_AT(m, f, ProtobufCBinaryData);
	if (b->len != 4 && b->len != 16)
		return false;
	memset(a, 0, sizeof(*a));
	memcpy(a->a, b->data, b->len);
	a->len = (uint8_t)b->len;
	return true;
}

/* The tunnel tenant (16 hex digits), "" for untunnelled traffic. */
static inline const char *lbl_tenant(const ProtobufCMessage *m,
				     const struct lbl_rec *ri)
{
	if (!ri->tun)
		return "";
	const Netcap__Tunnel *t = LBL_AT(m, ri->tun, Netcap__Tunnel *);
	return t && t->tenant ? t->tenant : "";
}

/* Do addresses s and d match attack a (its window aside)? */
bool lbl_attack_hit(const struct lbl_attack *a, const struct lbl_addr *s,
		    const struct lbl_addr *d);

/* ---- capture --attacks (label_rec.c) ---- */

/* Is path a Netcap v0.5 CSV list (its name ends in .csv)? */
bool lbl_csv_list(const char *path);

#define LBL_SET_MAX   64 /* labels of one record; more are cut */
#define LBL_FRAME_MAX 8	 /* (time, tenant) groups of one frame */
#define LBL_TEXT_MAX  4096

/* The attack lists and the rule of each record type; read-only once
 * loaded, shared by the workers. */
struct lbl_cap {
	struct lbl_attacks atk; /* .label: index into texts */
	char **texts;		/* distinct labels, in list order */
	size_t ntexts;
	bool collect; /* every label joined by " | ", else the first */
	struct lbl_rec rec[NC_REC_MAX];
};

/* One worker's: the labels of the records with addresses of the frame
 * being decoded, by time and tenant. */
struct lbl_frame {
	struct {
		int64_t ts;
		char tenant[17];
		uint8_t n;
		uint16_t ids[LBL_SET_MAX];
	} g[LBL_FRAME_MAX];
	unsigned ng;
	char text[LBL_TEXT_MAX];
};

/*
 * Read the lists of files (comma-separated; a name ending in .csv is a
 * v0.5 CSV list, its times in zone tz) into lc; labels are categories,
 * names with description. 0, or -1 with one line in err.
 */
int lbl_cap_load(struct lbl_cap *lc, const char *files, const char *tz,
		 bool description, bool collect, char *err, size_t errlen);
void lbl_cap_free(struct lbl_cap *lc);

/*
 * The Result text of record m of type t, entering it in fr when it is a
 * per-packet record with addresses; NULL for a record labelled by its
 * frame (class RC_TS): lbl_cap_frame() once the frame is decoded. The
 * text lives until the next call.
 */
const char *lbl_cap_record(const struct lbl_cap *lc, struct lbl_frame *fr,
			   enum nc_rec t, const ProtobufCMessage *m);

/* The Result text of a record of the frame, time ts, tenant tenant. */
const char *lbl_cap_frame(const struct lbl_cap *lc, struct lbl_frame *fr,
			  int64_t ts, const char *tenant);

#endif /* NC_LABEL_H */
