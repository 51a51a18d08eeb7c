/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * label_in.c: the inputs of `netcap label`: Suricata EVE JSON and fast.log
 * alerts, Netcap's YAML attack lists, Go time layouts and zoneinfo zones.
 * Formats and rules: docs/LABEL.md.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#include "label.h"

static int failed(int printed)
{
	(void)printed;
	return -1;
}

/* Write the message to err; the value is -1. */
#define in_fail(err, errlen, ...) failed(snprintf((err), (errlen), __VA_ARGS__))

/* The value of exactly n decimal digits at s (n <= 9), or -1. */
static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fputs("netcap label: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* ---- time ---- */

bool lbl_zone_ok(const char *tz)
{
	if (!strcmp(tz, "UTC"))
		return true;
	if (!*tz || tz[0] == '/' || strstr(tz, "..") || strlen(tz) > 200)
		return false;
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s",
		 dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	/* a tzfile starts with "TZif" (the directory also holds tables) */
	FILE *f = fopen(path, "rb");
	char magic[4] = {0};
	bool ok = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	if (f)
		fclose(f);
	return ok;
}

/* sec + nsec as ns since the epoch; LBL_TIME_BAD outside int64. */
static int64_t sec_ns(int64_t sec, long nsec)
{
	if (sec > INT64_MAX / 1000000000 - 1 ||
	    sec < INT64_MIN / 1000000000 + 1)
		return LBL_TIME_BAD;
	return sec * 1000000000 + nsec;
}

int64_t lbl_local_ns(const char *tz, int year, int mon, int day, int hour,
		     int min, int sec, long nsec)
{
	static char cur[256];
	struct tm tm = {0};

	if (strcmp(cur, tz) != 0) {
		snprintf(cur, sizeof(cur), "%s", tz);
		setenv("TZ", tz, 1);
		tzset();
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1 && (tm.tm_year != 69 || tm.tm_mday != 31))
		return LBL_TIME_BAD;
	return sec_ns((int64_t)t, nsec);
}

static int days_in(int mon, int year)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : d[mon - 1];
}

static const char *const months[] = {
    "January", "February", "March",	"April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
static const char *const wdays[] = {"Sunday",	 "Monday",   "Tuesday",
				    "Wednesday", "Thursday", "Friday",
				    "Saturday"};

/* Read 1..max digits (exactly max when fixed) at *v. -1 when none. */
static int getnum(const char **v, int max, bool fixed)
{
	int n = 0, k = 0;

	while (k < max && isdigit((unsigned char)(*v)[k])) {
		n = n * 10 + ((*v)[k] - '0');
		k++;
	}
	if (k == 0 || (fixed && k != max))
		return -1;
	*v += k;
	return n;
}

/* Case-insensitive name (full, or its first 3 letters when abbr). */
static int lookup(const char *const *tab, int n, bool abbr, const char **v)
{
	for (int i = 0; i < n; i++) {
		size_t k = abbr ? 3 : strlen(tab[i]);
		if (!strncasecmp(*v, tab[i], k)) {
			*v += k;
			return i;
		}
	}
	return -1;
}

/* Go's layout tokens (time/format.go), longest first where they share a
 * prefix. Zone tokens are not taken: the lists give the zone by name. */
enum go_tok {
	G_LIT,
	G_LONGMONTH,
	G_MONTH,
	G_NUMMONTH,
	G_ZEROMONTH,
	G_LONGWEEKDAY,
	G_WEEKDAY,
	G_DAY,
	G_UNDERDAY,
	G_ZERODAY,
	G_HOUR,
	G_HOUR12,
	G_ZEROHOUR12,
	G_MINUTE,
	G_ZEROMINUTE,
	G_SECOND,
	G_ZEROSECOND,
	G_LONGYEAR,
	G_YEAR,
	G_PM,
	G_pm,
	G_FRAC,
};

static const struct {
	const char *s;
	enum go_tok t;
} go_toks[] = {
    {"January", G_LONGMONTH},
    {"Jan", G_MONTH},
    {"Monday", G_LONGWEEKDAY},
    {"Mon", G_WEEKDAY},
    {"2006", G_LONGYEAR},
    {"01", G_ZEROMONTH},
    {"02", G_ZERODAY},
    {"03", G_ZEROHOUR12},
    {"04", G_ZEROMINUTE},
    {"05", G_ZEROSECOND},
    {"06", G_YEAR},
    {"15", G_HOUR},
    {"1", G_NUMMONTH},
    {"_2", G_UNDERDAY},
    {"2", G_DAY},
    {"3", G_HOUR12},
    {"4", G_MINUTE},
    {"5", G_SECOND},
    {"PM", G_PM},
    {"pm", G_pm},
};

int lbl_go_parse(const char *layout, const char *value, struct lbl_gotime *t,
		 char *err, size_t errlen)
{
	const char *l = layout, *v = value;
	int pm = -1, h12 = -1;

	memset(t, 0, sizeof(*t));
	t->mon = 1;
	t->day = 1;
	while (*l) {
		/* fractional seconds: .000 or .999 (, too) */
		if ((*l == '.' || *l == ',') && (l[1] == '0' || l[1] == '9')) {
			const char *e = l + 1;
			while (*e == l[1])
				e++;
			if (!isdigit((unsigned char)*e)) {
				int want = (int)(e - l - 1);
				if (*v != *l && l[1] == '9') {
					l = e;
					continue;
				}
				if (*v != *l)
					return in_fail(err, errlen,
						       "expected '%c' at '%s'",
						       *l, v);
				v++;
				long ns = 0;
				int k = 0;
				while (isdigit((unsigned char)*v)) {
					if (k < 9)
						ns = ns * 10 + (*v - '0');
					k++;
					v++;
				}
				if ((l[1] == '0' && k != want) || k == 0)
					return in_fail(
					    err, errlen,
					    "bad fraction of a second");
				for (; k < 9; k++)
					ns *= 10;
				t->nsec = ns;
				l = e;
				continue;
			}
		}
		enum go_tok tok = G_LIT;
		size_t tl = 1;
		for (size_t i = 0; i < sizeof(go_toks) / sizeof(go_toks[0]);
		     i++) {
			size_t k = strlen(go_toks[i].s);
			if (!strncmp(l, go_toks[i].s, k)) {
				tok = go_toks[i].t;
				tl = k;
				break;
			}
		}
		int n = 0;
		const char *at = v;
		switch (tok) {
		case G_LIT:
			if (*v != *l)
				return in_fail(
				    err, errlen,
				    "'%s' does not match layout '%s'", value,
				    layout);
			v++;
			break;
		case G_LONGMONTH:
		case G_MONTH:
			n = lookup(months, 12, tok == G_MONTH, &v);
			if (n < 0)
				return in_fail(err, errlen, "bad month at '%s'",
					       at);
			t->mon = n + 1;
			t->has_date = true;
			break;
		case G_LONGWEEKDAY:
		case G_WEEKDAY:
			if (lookup(wdays, 7, tok == G_WEEKDAY, &v) < 0)
				return in_fail(err, errlen,
					       "bad day of the week at '%s'",
					       at);
			break;
		case G_LONGYEAR:
			n = getnum(&v, 4, true);
			if (n < 0)
				return in_fail(err, errlen, "bad year at '%s'",
					       at);
			t->year = n;
			t->has_date = true;
			break;
		case G_YEAR:
			n = getnum(&v, 2, true);
			if (n < 0)
				return in_fail(err, errlen, "bad year at '%s'",
					       at);
			t->year = n >= 69 ? 1900 + n : 2000 + n;
			t->has_date = true;
			break;
		case G_NUMMONTH:
		case G_ZEROMONTH:
			n = getnum(&v, 2, tok == G_ZEROMONTH);
			if (n < 1 || n > 12)
				return in_fail(err, errlen, "bad month at '%s'",
					       at);
			t->mon = n;
			t->has_date = true;
			break;
		case G_UNDERDAY:
			if (*v == ' ')
				v++;
			/* fall through */
		case G_DAY:
		case G_ZERODAY:
			n = getnum(&v, 2, tok == G_ZERODAY);
			if (n < 1 || n > 31)
				return in_fail(err, errlen, "bad day at '%s'",
					       at);
			t->day = n;
			t->has_date = true;
			break;
		case G_HOUR:
			n = getnum(&v, 2, false);
			if (n < 0 || n > 23)
				return in_fail(err, errlen, "bad hour at '%s'",
					       at);
			t->hour = n;
			break;
		case G_HOUR12:
		case G_ZEROHOUR12:
			n = getnum(&v, 2, tok == G_ZEROHOUR12);
			if (n < 1 || n > 12)
				return in_fail(err, errlen, "bad hour at '%s'",
					       at);
			h12 = n;
			break;
		case G_MINUTE:
		case G_ZEROMINUTE:
			n = getnum(&v, 2, tok == G_ZEROMINUTE);
			if (n < 0 || n > 59)
				return in_fail(err, errlen,
					       "bad minute at '%s'", at);
			t->min = n;
			break;
		case G_SECOND:
		case G_ZEROSECOND:
			n = getnum(&v, 2, tok == G_ZEROSECOND);
			if (n < 0 || n > 59)
				return in_fail(err, errlen,
					       "bad second at '%s'", at);
			t->sec = n;
			/* Go reads a fraction the layout does not name */
			if (*v == '.' && isdigit((unsigned char)v[1]) &&
			    l[tl] != '.' && l[tl] != ',') {
				long ns = 0;
				int k = 0;
				for (v++; isdigit((unsigned char)*v); v++, k++)
					if (k < 9)
						ns = ns * 10 + (*v - '0');
				for (; k < 9; k++)
					ns *= 10;
				t->nsec = ns;
			}
			break;
		case G_PM:
		case G_pm:
			if (!strncasecmp(v, "PM", 2))
				pm = 1;
			else if (!strncasecmp(v, "AM", 2))
				pm = 0;
			else
				return in_fail(err, errlen,
					       "expected AM or PM at '%s'", at);
			v += 2;
			break;
		case G_FRAC:
			break;
		}
		l += tl;
	}
	if (*v)
		return in_fail(err, errlen, "extra text '%s' after layout '%s'",
			       v, layout);
	if (h12 >= 0)
		t->hour = (h12 % 12) + (pm == 1 ? 12 : 0);
	if (t->has_date && t->day > days_in(t->mon, t->year))
		return in_fail(err, errlen, "day %d out of range", t->day);
	return 0;
}

/* ---- addresses and protocols ---- */

bool lbl_addr_parse(const char *s, struct lbl_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->len = 4;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->len = 16;
		return true;
	}
	return false;
}

int lbl_proto_num(const char *s)
{
	static const struct {
		const char *n;
		int p;
	} names[] = {
	    {"TCP", 6},	      {"UDP", 17},   {"ICMP", 1},   {"IPV6-ICMP", 58},
	    {"ICMPV6", 58},   {"SCTP", 132}, {"GRE", 47},   {"ESP", 50},
	    {"AH", 51},	      {"IGMP", 2},   {"IPV6", 41},  {"IP", 4},
	    {"UDPLITE", 136}, {"OSPF", 89},  {"VRRP", 112},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].n))
			return names[i].p;
	if (!strncasecmp(s, "PROTO:", 6))
		s += 6;
	size_t k = strlen(s);
	int n = k >= 1 && k <= 3 ? num(s, (int)k) : -1;
	return n <= 255 ? n : -1;
}

static void alerts_push(struct lbl_alerts *out, const struct lbl_alert *a)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 256;
		out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	out->v[out->n++] = *a;
}

void lbl_alert_free(struct lbl_alert *a)
{
	free(a->cid);
	free(a->category);
	free(a->signature);
}

void lbl_alerts_free(struct lbl_alerts *a)
{
	for (size_t i = 0; i < a->n; i++)
		lbl_alert_free(&a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Drop what a failed file appended (nothing is kept from it). */
static void alerts_cut(struct lbl_alerts *out, size_t n0)
{
	while (out->n > n0)
		lbl_alert_free(&out->v[--out->n]);
}

/* ---- EVE JSON ---- */

/*
 * Suricata's timestamp: 2021-08-28T17:04:33.690298+0200 (the offset also
 * as +02:00 or Z). -1 when it is not one.
 */
static int eve_time(const char *s, int64_t *ns)
{
	/* YYYY-MM-DDTHH:MM:SS */
	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	int y = num(s, 4), mo = num(s + 5, 2), d = num(s + 8, 2),
	    h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2),
	    n = 19;
	if (y < 0 || h < 0 || mi < 0 || se < 0 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in(mo, y) || h > 23 || mi > 59 || se > 60)
		return -1;
	const char *p = s + n;
	long frac = 0;
	if (*p == '.') {
		int k = 0;
		for (p++; isdigit((unsigned char)*p); p++, k++)
			if (k < 9)
				frac = frac * 10 + (*p - '0');
		if (k == 0)
			return -1;
		for (; k < 9; k++)
			frac *= 10;
	}
	int off = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1, oh, om;
		p++;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return -1;
		oh = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (*p == ':')
			p++;
		if (!isdigit((unsigned char)p[0]) ||
		    !isdigit((unsigned char)p[1]))
			return -1;
		om = (p[0] - '0') * 10 + (p[1] - '0');
		p += 2;
		if (oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p)
		return -1;
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = se};
	*ns = sec_ns((int64_t)timegm(&tm) - off, frac);
	return *ns == LBL_TIME_BAD ? -1 : 0;
}

/*
 * The members of an EVE line that label reads, however the line was
 * parsed: top-level event_type, timestamp, src_ip, dest_ip, proto,
 * src_port, dest_port, community_id, and alert.category,
 * alert.signature, anomaly.event. Like jansson's objects, a key given
 * twice keeps its last value.
 */
enum ev_kind { EV_ABSENT, EV_NULL, EV_STR, EV_INT, EV_OBJ, EV_OTHER };

struct ev_val {
	enum ev_kind kind;
	const char *s; /* EV_STR */
	size_t off;    /* EV_STR from the fast reader: offset in its buffer */
	json_int_t i;  /* EV_INT */
};

enum {
	EK_EVENT_TYPE,
	EK_TIMESTAMP,
	EK_SRC_IP,
	EK_DEST_IP,
	EK_PROTO,
	EK_SRC_PORT,
	EK_DEST_PORT,
	EK_COMMUNITY_ID,
	EK_ALERT,
	EK_ANOMALY,
	EK_ALERT_CATEGORY, /* inside alert */
	EK_ALERT_SIGNATURE,
	EK_ANOMALY_EVENT, /* inside anomaly */
	EK_MAX
};

static const char *const ev_keys[EK_MAX] = {
    [EK_EVENT_TYPE] = "event_type",
    [EK_TIMESTAMP] = "timestamp",
    [EK_SRC_IP] = "src_ip",
    [EK_DEST_IP] = "dest_ip",
    [EK_PROTO] = "proto",
    [EK_SRC_PORT] = "src_port",
    [EK_DEST_PORT] = "dest_port",
    [EK_COMMUNITY_ID] = "community_id",
    [EK_ALERT] = "alert",
    [EK_ANOMALY] = "anomaly",
    [EK_ALERT_CATEGORY] = "category",
    [EK_ALERT_SIGNATURE] = "signature",
    [EK_ANOMALY_EVENT] = "event",
};

static const uint8_t ev_klen[EK_MAX] = {
    [EK_EVENT_TYPE] = 10,   [EK_TIMESTAMP] = 9,	     [EK_SRC_IP] = 6,
    [EK_DEST_IP] = 7,	    [EK_PROTO] = 5,	     [EK_SRC_PORT] = 8,
    [EK_DEST_PORT] = 9,	    [EK_COMMUNITY_ID] = 12,  [EK_ALERT] = 5,
    [EK_ANOMALY] = 7,	    [EK_ALERT_CATEGORY] = 8, [EK_ALERT_SIGNATURE] = 9,
    [EK_ANOMALY_EVENT] = 5,
};

struct eve_ev {
	struct ev_val v[EK_MAX];
};

/* A string member (NULL when absent or null); -2 when present but not a
   string. */
static int ev_str(const struct eve_ev *ev, int k, const char **out)
{
	const struct ev_val *v = &ev->v[k];

	*out = NULL;
	if (v->kind == EV_ABSENT || v->kind == EV_NULL)
		return 0;
	if (v->kind != EV_STR)
		return -2;
	*out = v->s;
	return 0;
}

static int ev_port(const struct eve_ev *ev, int k, int *out)
{
	const struct ev_val *v = &ev->v[k];

	*out = -1;
	if (v->kind == EV_ABSENT || v->kind == EV_NULL)
		return 0;
	if (v->kind != EV_INT || v->i < 0 || v->i > 65535)
		return -2;
	*out = (int)v->i;
	return 0;
}

static void ev_of_json(struct ev_val *v, json_t *j)
{
	memset(v, 0, sizeof(*v));
	if (!j)
		v->kind = EV_ABSENT;
	else if (json_is_null(j))
		v->kind = EV_NULL;
	else if (json_is_string(j))
		v->kind = EV_STR, v->s = json_string_value(j);
	else if (json_is_integer(j))
		v->kind = EV_INT, v->i = json_integer_value(j);
	else if (json_is_object(j))
		v->kind = EV_OBJ;
	else
		v->kind = EV_OTHER;
}

/* The members of a line json_loadb parsed (o must be an object). */
static void ev_from_json(struct eve_ev *ev, json_t *o)
{
	for (int k = 0; k < EK_ALERT_CATEGORY; k++)
		ev_of_json(&ev->v[k], json_object_get(o, ev_keys[k]));
	json_t *al = json_object_get(o, "alert"),
	       *an = json_object_get(o, "anomaly");
	al = json_is_object(al) ? al : NULL;
	an = json_is_object(an) ? an : NULL;
	ev_of_json(&ev->v[EK_ALERT_CATEGORY],
		   al ? json_object_get(al, "category") : NULL);
	ev_of_json(&ev->v[EK_ALERT_SIGNATURE],
		   al ? json_object_get(al, "signature") : NULL);
	ev_of_json(&ev->v[EK_ANOMALY_EVENT],
		   an ? json_object_get(an, "event") : NULL);
}

static int eve_line(const char *path, unsigned line, const struct eve_ev *o,
		    bool anomalies, struct lbl_alerts *out, uint32_t *seq,
		    char *err, size_t errlen)
{
	const char *et, *ts, *src, *dst, *proto, *cid, *cat, *sig;
	struct lbl_alert a = {0};

	if (ev_str(o, EK_EVENT_TYPE, &et) < 0 || !et)
		return in_fail(err, errlen,
			       "%s:%u: event_type: missing or not a string",
			       path, line);
	bool anomaly = anomalies && !strcmp(et, "anomaly");
	if (strcmp(et, "alert") != 0 && !anomaly)
		return 0;
	/* an anomaly of a packet without IP (or not yet decoded) names no
	 * connection */
	if (anomaly &&
	    (o->v[EK_SRC_IP].kind != EV_STR || o->v[EK_PROTO].kind != EV_STR))
		return 0;
#define NEED(k, name, var)                                                     \
	do {                                                                   \
		if (ev_str(o, k, &var) < 0 || !var)                            \
			return in_fail(err, errlen,                            \
				       "%s:%u: " name                          \
				       ": missing or not a string",            \
				       path, line);                            \
	} while (0)
	NEED(EK_TIMESTAMP, "timestamp", ts);
	NEED(EK_SRC_IP, "src_ip", src);
	NEED(EK_DEST_IP, "dest_ip", dst);
	NEED(EK_PROTO, "proto", proto);
#undef NEED
	if (eve_time(ts, &a.ts) < 0)
		return in_fail(err, errlen,
			       "%s:%u: timestamp '%s': expected "
			       "YYYY-MM-DDTHH:MM:SS[.ffffff](+hhmm|Z)",
			       path, line, ts);
	if (!lbl_addr_parse(src, &a.src))
		return in_fail(err, errlen,
			       "%s:%u: src_ip '%s': not an address", path, line,
			       src);
	if (!lbl_addr_parse(dst, &a.dst) || a.dst.len != a.src.len)
		return in_fail(
		    err, errlen,
		    "%s:%u: dest_ip '%s': not an address of src_ip's "
		    "family",
		    path, line, dst);
	a.proto = lbl_proto_num(proto);
	if (a.proto < 0)
		return in_fail(err, errlen,
			       "%s:%u: proto '%s': unknown protocol", path,
			       line, proto);
	if (ev_port(o, EK_SRC_PORT, &a.sport) < 0)
		return in_fail(err, errlen,
			       "%s:%u: src_port: not a port number", path,
			       line);
	if (ev_port(o, EK_DEST_PORT, &a.dport) < 0)
		return in_fail(err, errlen,
			       "%s:%u: dest_port: not a port number", path,
			       line);
	if (ev_str(o, EK_COMMUNITY_ID, &cid) < 0)
		return in_fail(err, errlen, "%s:%u: community_id: not a string",
			       path, line);
	if (anomaly) {
		/* "anomaly": {"type": "decode", "event": "decoder.ipv4..."} */
		const char *ev = NULL;
		if (o->v[EK_ANOMALY].kind != EV_OBJ ||
		    ev_str(o, EK_ANOMALY_EVENT, &ev) < 0 || !ev)
			return in_fail(err, errlen,
				       "%s:%u: anomaly.event: missing or not a "
				       "string",
				       path, line);
		a.cid = cid && *cid ? xstrdup(cid) : NULL;
		a.category = xstrdup(ev);
		a.signature = xstrdup(ev);
		a.seq = (*seq)++;
		alerts_push(out, &a);
		return 0;
	}
	if (o->v[EK_ALERT].kind != EV_OBJ)
		return in_fail(err, errlen,
			       "%s:%u: alert: missing or not an object", path,
			       line);
	if (ev_str(o, EK_ALERT_CATEGORY, &cat) < 0)
		return in_fail(err, errlen,
			       "%s:%u: alert.category: not a string", path,
			       line);
	if (ev_str(o, EK_ALERT_SIGNATURE, &sig) < 0 || !sig)
		return in_fail(
		    err, errlen,
		    "%s:%u: alert.signature: missing or not a string", path,
		    line);
	a.cid = cid && *cid ? xstrdup(cid) : NULL;
	a.category = xstrdup(cat ? cat : "");
	a.signature = xstrdup(sig);
	a.seq = (*seq)++;
	alerts_push(out, &a);
	return 0;
}

/*
 * A fast reader for the common EVE line: plain ASCII JSON with integers,
 * no \u escapes, no reals. It checks the whole line as json_loadb would
 * and keeps only the members label reads (struct eve_ev), building no
 * tree; anything else (a line that is not an object, non-ASCII, \u,
 * reals, big integers, deep nesting, any error) returns -1 and the line
 * goes to json_loadb, which then also gives its own error text.
 * (jansson's lexer and its trees were most of the cost of reading
 * alerts.)
 */
struct fj {
	const char *p, *end;
	char *sb; /* decoded strings, each NUL-terminated, from used on */
	size_t cap, used;
};

static void fj_ws(struct fj *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* The string at j->p (after its opening quote) into j->sb at j->used
   (keep; else only checked and skipped); its length, or -1. j->used is
   left as it was: the caller keeps the string by moving it past. */
static long fj_str(struct fj *j, bool keep)
{
	size_t n = j->used;

	if (!keep) {
		for (;;) {
			while (j->p < j->end && (unsigned char)*j->p >= 0x20 &&
			       (unsigned char)*j->p < 0x80 && *j->p != '"' &&
			       *j->p != '\\')
				j->p++;
			if (j->p >= j->end)
				return -1;
			char c = *j->p++;
			if (c == '"')
				return 0;
			if (c != '\\' || j->p >= j->end ||
			    !strchr("\"\\/bfnrt", *j->p) || !*j->p)
				return -1; /* a control, non-ASCII, \u:
					      json_loadb */
			j->p++;
		}
	}

	for (;;) {
		/* a run of plain octets at once */
		const char *q = j->p;
		while (q < j->end && (unsigned char)*q >= 0x20 &&
		       (unsigned char)*q < 0x80 && *q != '"' && *q != '\\')
			q++;
		if (q > j->p) {
			size_t k = (size_t)(q - j->p);
			if (n + k + 2 > j->cap) {
				size_t nc = j->cap ? j->cap : 256;
				while (nc < n + k + 2)
					nc *= 2;
				char *r = realloc(j->sb, nc);
				if (!r)
					return -1;
				j->sb = r;
				j->cap = nc;
			}
			memcpy(j->sb + n, j->p, k);
			n += k;
			j->p = q;
		}
		if (j->p >= j->end)
			return -1;
		unsigned char c = (unsigned char)*j->p++;
		if (c == '"')
			break;
		if (c < 0x20 || c >= 0x80)
			return -1;
		if (c == '\\') {
			if (j->p >= j->end)
				return -1;
			switch (*j->p++) {
			case '"':
				c = '"';
				break;
			case '\\':
				c = '\\';
				break;
			case '/':
				c = '/';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			default:
				return -1; /* \u and errors: json_loadb */
			}
		}
		if (n + 2 > j->cap) {
			size_t nc = j->cap ? j->cap * 2 : 256;
			char *nb = realloc(j->sb, nc);
			if (!nb)
				return -1;
			j->sb = nb;
			j->cap = nc;
		}
		j->sb[n++] = (char)c;
	}
	if (!j->sb) {
		j->sb = malloc(256);
		if (!j->sb)
			return -1;
		j->cap = 256;
	}
	j->sb[n] = 0;
	return (long)(n - j->used);
}

/* Which member key names, among ev_keys[from, to); -1 none. */
static int fj_key(const char *k, size_t n, int from, int to)
{
	for (int i = from; i < to; i++)
		if (ev_klen[i] == n && !memcmp(ev_keys[i], k, n))
			return i;
	return -1;
}

/* The key at j->p (after its quote): its index in ev_keys[from, to), -1
   another (or from < 0), -2 not a string the fast reader takes. A plain
   key is compared where it is, without a copy. */
static int fj_member(struct fj *j, int from, int to)
{
	const char *q = j->p;

	while (q < j->end && (unsigned char)*q >= 0x20 &&
	       (unsigned char)*q < 0x80 && *q != '"' && *q != '\\')
		q++;
	if (q < j->end && *q == '"') {
		const char *k = j->p;
		j->p = q + 1;
		return from < 0 ? -1 : fj_key(k, (size_t)(q - k), from, to);
	}
	long kn = fj_str(j, from >= 0);
	if (kn < 0)
		return -2;
	return from < 0 ? -1 : fj_key(j->sb + j->used, (size_t)kn, from, to);
}

static int fj_value(struct fj *j, int depth, struct ev_val *dst, int sub,
		    struct eve_ev *ev);

/* The object at j->p (past its '{'); members in ev_keys[from, to) are
   kept in ev (from < 0: none). 0, or -1. */
static int fj_object(struct fj *j, int depth, int from, int to,
		     struct eve_ev *ev)
{
	fj_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		fj_ws(j);
		if (j->p >= j->end || *j->p != '"')
			return -1;
		j->p++;
		int k = fj_member(j, from, to);
		if (k == -2)
			return -1;
		fj_ws(j);
		if (j->p >= j->end || *j->p != ':')
			return -1;
		j->p++;
		/* alert and anomaly: their members too */
		int sub = k == EK_ALERT ? 1 : k == EK_ANOMALY ? 2 : 0;
		if (fj_value(j, depth + 1, k >= 0 ? &ev->v[k] : NULL, sub, ev) <
		    0)
			return -1;
		fj_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			return 0;
		}
		return -1;
	}
}

/*
 * Check the value at j->p and skip it; when dst, record its kind (and a
 * string's offset, an integer's value). sub 1 / 2: an object whose
 * category and signature / event are kept (alert, anomaly). 0, or -1.
 */
static int fj_value(struct fj *j, int depth, struct ev_val *dst, int sub,
		    struct eve_ev *ev)
{
	fj_ws(j);
	if (j->p >= j->end || depth > 64)
		return -1;
	char c = *j->p;
	if (dst)
		memset(dst, 0, sizeof(*dst));
	if (c == '{') {
		j->p++;
		if (dst)
			dst->kind = EV_OBJ;
		if (sub) {
			/* a later alert (anomaly) replaces an earlier one */
			int from =
			    sub == 1 ? EK_ALERT_CATEGORY : EK_ANOMALY_EVENT;
			int to = sub == 1 ? EK_ANOMALY_EVENT : EK_MAX;
			for (int k = from; k < to; k++)
				memset(&ev->v[k], 0, sizeof(ev->v[k]));
			return fj_object(j, depth, from, to, ev);
		}
		return fj_object(j, depth, -1, 0, ev);
	}
	if (dst)
		dst->kind = EV_OTHER;
	if (c == '[') {
		j->p++;
		fj_ws(j);
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		for (;;) {
			if (fj_value(j, depth + 1, NULL, 0, ev) < 0)
				return -1;
			fj_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				return 0;
			}
			return -1;
		}
	}
	if (c == '"') {
		j->p++;
		long n = fj_str(j, dst != NULL);
		if (n < 0)
			return -1;
		if (dst) {
			dst->kind = EV_STR;
			dst->off = j->used;
			j->used += (size_t)n + 1;
		}
		return 0;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		/* -?(0|[1-9][0-9]*), not followed by . e E: an integer */
		const char *q = j->p;
		if (*q == '-')
			q++;
		if (q >= j->end || *q < '0' || *q > '9')
			return -1;
		if (*q == '0' && q + 1 < j->end && q[1] >= '0' && q[1] <= '9')
			return -1;
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
		if (q < j->end && (*q == '.' || *q == 'e' || *q == 'E'))
			return -1;
		if (q - j->p > 18) /* maybe past int64: json_loadb */
			return -1;
		char tmp[24];
		memcpy(tmp, j->p, (size_t)(q - j->p));
		tmp[q - j->p] = 0;
		j->p = q;
		if (dst) {
			dst->kind = EV_INT;
			dst->i = (json_int_t)strtoll(tmp, NULL, 10);
		}
		return 0;
	}
	static const struct {
		const char *w;
		size_t n;
	} lit[] = {{"true", 4}, {"false", 5}, {"null", 4}};
	for (int i = 0; i < 3; i++)
		if ((size_t)(j->end - j->p) >= lit[i].n &&
		    memcmp(j->p, lit[i].w, lit[i].n) == 0) {
			j->p += lit[i].n;
			if (dst && i == 2)
				dst->kind = EV_NULL;
			return 0;
		}
	return -1;
}

/* The members of line s (n octets) into ev, when it is an object the fast
   reader takes; -1 otherwise (then json_loadb). */
static int fj_load(struct fj *j, const char *s, size_t n, struct eve_ev *ev)
{
	j->p = s;
	j->end = s + n;
	j->used = 0;
	memset(ev, 0, sizeof(*ev));
	fj_ws(j);
	if (j->p >= j->end || *j->p != '{')
		return -1;
	j->p++;
	if (fj_object(j, 0, EK_EVENT_TYPE, EK_ALERT_CATEGORY, ev) < 0)
		return -1;
	fj_ws(j);
	if (j->p != j->end)
		return -1;
	for (int k = 0; k < EK_MAX; k++)
		if (ev->v[k].kind == EV_STR)
			ev->v[k].s = j->sb + ev->v[k].off;
	return 0;
}

int lbl_read_eve(const char *path, bool anomalies, struct lbl_alerts *out,
		 uint32_t *seq, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n0 = out->n;

	if (!f)
		return in_fail(err, errlen, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned line = 0;
	int rc = 0;
	struct fj fj = {0};
	struct eve_ev ev;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (strspn(buf, " \t") == (size_t)len)
			continue;
		if (fj_load(&fj, buf, (size_t)len, &ev) == 0) {
			rc = eve_line(path, line, &ev, anomalies, out, seq, err,
				      errlen);
		} else {
			json_error_t je;
			json_t *o = json_loadb(buf, (size_t)len, 0, &je);
			if (!o) {
				rc = in_fail(err, errlen,
					     "%s:%u: malformed JSON: %s", path,
					     line, je.text);
				break;
			}
			if (json_is_object(o)) {
				ev_from_json(&ev, o);
				rc = eve_line(path, line, &ev, anomalies, out,
					      seq, err, errlen);
			} else {
				rc = in_fail(err, errlen,
					     "%s:%u: not a JSON object", path,
					     line);
			}
			json_decref(o);
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = in_fail(err, errlen, "%s: read error", path);
	free(fj.sb);
	free(buf);
	fclose(f);
	if (rc < 0)
		alerts_cut(out, n0);
	return rc;
}

/* ---- fast.log ---- */

/* "1.2.3.4:80", "2001:db8::1:80" (the port after the last colon),
 * "[2001:db8::1]:80", or an address alone when ports are optional. */
static bool fast_ep(char *s, struct lbl_addr *a, int *port, bool need_port)
{
	*port = -1;
	if (lbl_addr_parse(s, a) && !need_port)
		return true;
	char *c = strrchr(s, ':');
	if (!c)
		return false;
	*c = 0;
	char *p = c + 1;
	size_t k = strlen(p);
	int v = k >= 1 && k <= 5 ? num(p, (int)k) : -1;
	if (v < 0 || v > 65535)
		return false;
	*port = v;
	if (*s == '[' && c[-1] == ']') {
		c[-1] = 0;
		s++;
	}
	return lbl_addr_parse(s, a);
}

static int fast_line(const char *path, unsigned line, char *s, const char *tz,
		     struct lbl_alerts *out, uint32_t *seq, char *err,
		     size_t errlen)
{
	struct lbl_alert a = {0};
	/* MM/DD/YYYY-HH:MM:SS */
	bool shape = strlen(s) >= 19 && s[2] == '/' && s[5] == '/' &&
		     s[10] == '-' && s[13] == ':' && s[16] == ':';
	int mo = -1, d = -1, y = -1, h = -1, mi = -1, se = -1, n = 19;
	if (shape) {
		mo = num(s, 2);
		d = num(s + 3, 2);
		y = num(s + 6, 4);
		h = num(s + 11, 2);
		mi = num(s + 14, 2);
		se = num(s + 17, 2);
	}
	if (y < 0 || h < 0 || mi < 0 || se < 0 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in(mo, y) || h > 23 || mi > 59 || se > 60)
		return in_fail(err, errlen,
			       "%s:%u: timestamp: expected MM/DD/YYYY-HH:MM:SS."
			       "ffffff at '%.26s'",
			       path, line, s);
	char *p = s + n;
	long frac = 0;
	if (*p == '.') {
		int k = 0;
		for (p++; isdigit((unsigned char)*p); p++, k++)
			if (k < 9)
				frac = frac * 10 + (*p - '0');
		for (; k < 9; k++)
			frac *= 10;
	}
	a.ts = lbl_local_ns(tz, y, mo, d, h, mi, se, frac);
	if (a.ts == LBL_TIME_BAD)
		return in_fail(err, errlen,
			       "%s:%u: timestamp: year %d out of range "
			       "(1678..2261)",
			       path, line, y);

	/* [**] [gid:sid:rev] MESSAGE [**] */
	char *m = strstr(p, "[**]");
	char *sid = m ? strchr(m + 4, '[') : NULL;
	char *msg = sid ? strchr(sid, ']') : NULL;
	char *mend = msg ? strstr(msg, "[**]") : NULL;
	if (!mend)
		return in_fail(err, errlen,
			       "%s:%u: message: expected '[**] [gid:sid:rev] "
			       "MESSAGE [**]'",
			       path, line);
	msg++;
	while (*msg == ' ')
		msg++;
	char *e = mend;
	while (e > msg && e[-1] == ' ')
		e--;
	p = mend + 4;

	const char *cat = "";
	char *c = strstr(p, "[Classification: ");
	if (c) {
		cat = c + 17;
		char *ce = strchr(c, ']');
		if (!ce)
			return in_fail(err, errlen,
				       "%s:%u: Classification: no closing ']'",
				       path, line);
		*ce = 0;
		p = ce + 1;
	}
	char *b = strchr(p, '{');
	char *be = b ? strchr(b, '}') : NULL;
	if (!be)
		return in_fail(err, errlen,
			       "%s:%u: protocol: expected '{PROTO}'", path,
			       line);
	*be = 0;
	a.proto = lbl_proto_num(b + 1);
	if (a.proto < 0)
		return in_fail(err, errlen, "%s:%u: protocol '%s': unknown",
			       path, line, b + 1);
	bool ports = a.proto == 6 || a.proto == 17 || a.proto == 132 ||
		     a.proto == 1 || a.proto == 58;
	char src[128], dst[128], arrow[8], extra[2];
	int k = sscanf(be + 1, " %127s %7s %127s %1s", src, arrow, dst, extra);
	if (k != 3 || strcmp(arrow, "->") != 0)
		return in_fail(
		    err, errlen,
		    "%s:%u: addresses: expected 'SRC:PORT -> DST:PORT'", path,
		    line);
	if (!fast_ep(src, &a.src, &a.sport, ports))
		return in_fail(err, errlen, "%s:%u: source '%s': not ADDR:PORT",
			       path, line, src);
	if (!fast_ep(dst, &a.dst, &a.dport, ports) || a.dst.len != a.src.len)
		return in_fail(err, errlen,
			       "%s:%u: destination '%s': not ADDR:PORT of the "
			       "source's family",
			       path, line, dst);
	*e = 0;
	a.signature = xstrdup(msg);
	a.category = xstrdup(cat);
	a.seq = (*seq)++;
	alerts_push(out, &a);
	return 0;
}

int lbl_read_fastlog(const char *path, const char *tz, struct lbl_alerts *out,
		     uint32_t *seq, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n0 = out->n;

	if (!f)
		return in_fail(err, errlen, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned line = 0;
	int rc = 0;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (strspn(buf, " \t") == (size_t)len)
			continue;
		rc = fast_line(path, line, buf, tz, out, seq, err, errlen);
		if (rc < 0)
			break;
	}
	if (rc == 0 && ferror(f))
		rc = in_fail(err, errlen, "%s: read error", path);
	free(buf);
	fclose(f);
	if (rc < 0)
		alerts_cut(out, n0);
	return rc;
}

/* ---- YAML attack lists ---- */

struct yctx {
	yaml_document_t *doc;
	const char *path;
	char *err;
	size_t errlen;
};

static unsigned yline(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

static const char *yscalar(struct yctx *y, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE) {
		in_fail(y->err, y->errlen, "%s:%u: %s: expected a single value",
			y->path, yline(n), key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

/* A list of addresses (a sequence of scalars). */
static int yaddrs(struct yctx *y, yaml_node_t *n, const char *key,
		  struct lbl_addr **out, size_t *nout)
{
	if (n->type == YAML_SCALAR_NODE && !*n->data.scalar.value)
		return 0; /* "ips:" with nothing */
	if (n->type != YAML_SEQUENCE_NODE)
		return in_fail(y->err, y->errlen,
			       "%s:%u: %s: expected a list of addresses",
			       y->path, yline(n), key);
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *it);
		const char *s = yscalar(y, e, key);
		if (!s)
			return -1;
		struct lbl_addr a;
		if (!lbl_addr_parse(s, &a))
			return in_fail(y->err, y->errlen,
				       "%s:%u: %s: '%s' is not an IP address",
				       y->path, yline(e), key, s);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[(*nout)++] = a;
	}
	return 0;
}

struct yattack {
	const char *name, *date, *start, *end, *proto, *category, *mitre,
	    *notes;
	unsigned line, ldate, lstart, lend;
};

static int ybool(struct yctx *y, yaml_node_t *n, bool *out)
{
	static const char *const t[] = {"true", "yes", "on", "y"};
	static const char *const f[] = {"false", "no", "off", "n"};
	const char *s = yscalar(y, n, "flagVictimTraffic");

	if (!s)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (!strcasecmp(s, t[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, f[i])) {
			*out = false;
			return 0;
		}
	}
	return in_fail(y->err, y->errlen,
		       "%s:%u: flagVictimTraffic: '%s' is not true or false",
		       y->path, yline(n), s);
}

/*
 * start/end: by timeFormat; when it names no date, on the day of date (by
 * dateFormat). Netcap adds the date to every start and end, which puts a
 * timeFormat with a date 2000 years ahead; here a date in the time wins.
 */
static int ywhen(struct yctx *y, const char *tfmt, const char *dfmt,
		 const char *loc, const struct yattack *ya, const char *val,
		 unsigned line, const char *key, int64_t *ns)
{
	struct lbl_gotime t, d;
	char why[256];

	if (!val)
		return in_fail(y->err, y->errlen,
			       "%s:%u: attack '%s': %s missing", y->path,
			       ya->line, ya->name, key);
	if (lbl_go_parse(tfmt, val, &t, why, sizeof(why)) < 0)
		return in_fail(y->err, y->errlen,
			       "%s:%u: %s '%s' does not match timeFormat '%s': "
			       "%s",
			       y->path, line, key, val, tfmt, why);
	if (!t.has_date) {
		if (!ya->date)
			return in_fail(y->err, y->errlen,
				       "%s:%u: attack '%s': date missing (the "
				       "timeFormat has no date)",
				       y->path, ya->line, ya->name);
		if (lbl_go_parse(dfmt, ya->date, &d, why, sizeof(why)) < 0)
			return in_fail(y->err, y->errlen,
				       "%s:%u: date '%s' does not match "
				       "dateFormat '%s': %s",
				       y->path, ya->ldate, ya->date, dfmt, why);
		t.year = d.year;
		t.mon = d.mon;
		t.day = d.day;
	}
	*ns = lbl_local_ns(loc, t.year, t.mon, t.day, t.hour, t.min, t.sec,
			   t.nsec);
	if (*ns == LBL_TIME_BAD)
		return in_fail(y->err, y->errlen,
			       "%s:%u: %s '%s': year %d out of range "
			       "(1678..2261)",
			       y->path, line, key, val, t.year);
	return 0;
}

static int yattack(struct yctx *y, yaml_node_t *n, const char *tfmt,
		   const char *dfmt, const char *loc, struct lbl_attacks *out)
{
	struct yattack ya = {.line = yline(n)};
	struct lbl_attack a = {0};
	int rc = -1;

	if (n->type != YAML_MAPPING_NODE)
		return in_fail(y->err, y->errlen,
			       "%s:%u: attacks: each entry must be a mapping",
			       y->path, yline(n));
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key = yscalar(y, k, "key");
		if (!key)
			goto out;
		const char **sp = NULL;
		if (!strcmp(key, "name"))
			sp = &ya.name;
		else if (!strcmp(key, "date"))
			sp = &ya.date, ya.ldate = yline(v);
		else if (!strcmp(key, "start"))
			sp = &ya.start, ya.lstart = yline(v);
		else if (!strcmp(key, "end"))
			sp = &ya.end, ya.lend = yline(v);
		else if (!strcmp(key, "proto"))
			sp = &ya.proto;
		else if (!strcmp(key, "category"))
			sp = &ya.category;
		else if (!strcmp(key, "mitre"))
			sp = &ya.mitre;
		else if (!strcmp(key, "notes"))
			sp = &ya.notes;
		if (sp) {
			if (!(*sp = yscalar(y, v, key)))
				goto out;
			continue;
		}
		if (!strcmp(key, "num")) {
			if (!yscalar(y, v, key))
				goto out;
		} else if (!strcmp(key, "ips")) {
			if (yaddrs(y, v, key, &a.ips, &a.nips) < 0)
				goto out;
		} else if (!strcmp(key, "victims")) {
			if (yaddrs(y, v, key, &a.victims, &a.nvictims) < 0)
				goto out;
		} else if (!strcmp(key, "attackers")) {
			if (yaddrs(y, v, key, &a.attackers, &a.nattackers) < 0)
				goto out;
		} else if (!strcmp(key, "flagVictimTraffic")) {
			if (ybool(y, v, &a.flag_victim) < 0)
				goto out;
		} else {
			in_fail(
			    y->err, y->errlen,
			    "%s:%u: unknown field '%s' (known: name, date, "
			    "start, end, ips, victims, attackers, proto, "
			    "category, mitre, notes, num, flagVictimTraffic)",
			    y->path, yline(k), key);
			goto out;
		}
	}
	if (!ya.name || !*ya.name || !strcmp(ya.name, " ")) {
		fprintf(stderr,
			"netcap label: %s:%u: attack without a name skipped "
			"(as Netcap does)\n",
			y->path, ya.line);
		rc = 0;
		goto out;
	}
	if (ywhen(y, tfmt, dfmt, loc, &ya, ya.start, ya.lstart, "start",
		  &a.start) < 0 ||
	    ywhen(y, tfmt, dfmt, loc, &ya, ya.end, ya.lend, "end", &a.end) < 0)
		goto out;
	if (a.end < a.start) {
		in_fail(y->err, y->errlen,
			"%s:%u: attack '%s': end '%s' is before start '%s'",
			y->path, ya.lend, ya.name, ya.end, ya.start);
		goto out;
	}
	if (!a.nips && !a.nattackers && !a.nvictims) {
		in_fail(y->err, y->errlen,
			"%s:%u: attack '%s': no ips, victims or attackers",
			y->path, ya.line, ya.name);
		goto out;
	}
	a.name = xstrdup(ya.name);
	a.category = xstrdup(ya.category ? ya.category : "");
	a.proto = xstrdup(ya.proto ? ya.proto : "");
	a.mitre = xstrdup(ya.mitre ? ya.mitre : "");
	a.notes = xstrdup(ya.notes ? ya.notes : "");
	out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
	out->v[out->n++] = a;
	return 0;
out:
	free(a.ips);
	free(a.victims);
	free(a.attackers);
	return rc;
}

int lbl_read_attacks(const char *path, struct lbl_attacks *out, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	struct yctx y = {
	    .doc = &doc, .path = path, .err = err, .errlen = errlen};
	int rc = -1;

	if (!f)
		return in_fail(err, errlen, "%s: %s", path, strerror(errno));
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		in_fail(err, errlen, "%s:%zu: YAML: %s", path,
			parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		fclose(f);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	const char *loc = "UTC", *tfmt = NULL, *dfmt = NULL;
	yaml_node_t *list = NULL;
	unsigned lloc = 1;
	if (!root || root->type != YAML_MAPPING_NODE) {
		in_fail(err, errlen,
			"%s:1: expected a mapping with location, timeFormat, "
			"dateFormat and attacks",
			path);
		goto out;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key = yscalar(&y, k, "key");
		if (!key)
			goto out;
		if (!strcmp(key, "location")) {
			if (!(loc = yscalar(&y, v, key)))
				goto out;
			lloc = yline(v);
		} else if (!strcmp(key, "timeFormat")) {
			if (!(tfmt = yscalar(&y, v, key)))
				goto out;
		} else if (!strcmp(key, "dateFormat")) {
			if (!(dfmt = yscalar(&y, v, key)))
				goto out;
		} else if (!strcmp(key, "attacks")) {
			list = v;
		} else {
			in_fail(err, errlen,
				"%s:%u: unknown field '%s' (known: location, "
				"timeFormat, dateFormat, attacks)",
				path, yline(k), key);
			goto out;
		}
	}
	if (!*loc)
		loc = "UTC"; /* Go's time.LoadLocation("") */
	if (!lbl_zone_ok(loc)) {
		in_fail(err, errlen,
			"%s:%u: location '%s': unknown time zone (not in the "
			"system's zoneinfo)",
			path, lloc, loc);
		goto out;
	}
	if (!tfmt || !*tfmt) {
		in_fail(err, errlen, "%s: timeFormat missing", path);
		goto out;
	}
	if (!dfmt)
		dfmt = "";
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		in_fail(err, errlen, "%s: attacks: missing or not a list",
			path);
		goto out;
	}
	size_t n0 = out->n;
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		if (yattack(&y, yaml_document_get_node(&doc, *it), tfmt, dfmt,
			    loc, out) < 0) {
			while (out->n > n0)
				lbl_attack_free(&out->v[--out->n]);
			goto out;
		}
	}
	free(out->location);
	out->location = xstrdup(loc);
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

void lbl_attack_free(struct lbl_attack *a)
{
	free(a->name);
	free(a->category);
	free(a->proto);
	free(a->mitre);
	free(a->notes);
	free(a->ips);
	free(a->victims);
	free(a->attackers);
}

void lbl_attacks_free(struct lbl_attacks *a)
{
	for (size_t i = 0; i < a->n; i++)
		lbl_attack_free(&a->v[i]);
	free(a->v);
	free(a->location);
	memset(a, 0, sizeof(*a));
}

/* ---- Netcap v0.5 CSV attack lists ---- */

/*
 * Split one CSV line (RFC 4180 as Go's encoding/csv reads it: "" in a
 * quoted field is a quote; no line breaks inside fields) into at most
 * max fields, in place. Returns the count, or -1 on a stray quote.
 */
static int csv_split(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		char *w = s;
		f[n++] = s;
		if (*s == '"') {
			for (s++;; s++) {
				if (!*s)
					return -1;
				if (*s == '"') {
					if (s[1] != '"')
						break;
					s++;
				}
				*w++ = *s;
			}
			s++;
			if (*s && *s != ',')
				return -1;
		} else {
			while (*s && *s != ',') {
				if (*s == '"')
					return -1;
				*w++ = *s++;
			}
		}
		bool more = *s == ',';
		*w = 0;
		if (!more)
			return n;
		s++;
	}
}

/* "a;b;c" into addresses; an empty cell is none. */
static int csv_addrs(const char *path, unsigned line, const char *col,
		     char *cell, struct lbl_addr **out, size_t *nout, char *err,
		     size_t errlen)
{
	char *save = NULL;

	for (char *t = strtok_r(cell, ";", &save); t;
	     t = strtok_r(NULL, ";", &save)) {
		struct lbl_addr a;
		if (!lbl_addr_parse(t, &a))
			return in_fail(err, errlen,
				       "%s:%u: %s: '%s' is not an IP address",
				       path, line, col, t);
		*out = xrealloc(*out, (*nout + 1) * sizeof(**out));
		(*out)[(*nout)++] = a;
	}
	return 0;
}

int lbl_read_attacks_csv(const char *path, const char *tz,
			 struct lbl_attacks *out, char *err, size_t errlen)
{
	static const char *const names[] = {
	    "num",   "name",	 "start", "end",  "ips",     "proto",
	    "notes", "category", "mitre", "date", "victims", "attackers"};
	enum {
		C_NUM,
		C_NAME,
		C_START,
		C_END,
		C_IPS,
		C_PROTO,
		C_NOTES,
		C_CAT,
		C_MITRE,
		C_DATE,
		C_VICTIMS,
		C_ATTACKERS,
		C_N
	};
	FILE *f = fopen(path, "r");
	size_t n0 = out->n;
	int col[C_N], ncols = 0, rc = 0;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned line = 0;

	if (!f)
		return in_fail(err, errlen, "%s: %s", path, strerror(errno));
	for (int i = 0; i < C_N; i++)
		col[i] = -1;
	while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0) {
		char *cell[C_N + 1];
		line++;
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (len == 0)
			continue;
		int n = csv_split(buf, cell, C_N + 1);
		if (n < 0) {
			rc = in_fail(err, errlen,
				     "%s:%u: not a CSV line of at most %d "
				     "fields",
				     path, line, C_N);
			break;
		}
		if (!ncols) { /* the header: which column is which */
			for (int i = 0; i < n && rc == 0; i++) {
				int k = 0;
				while (k < C_N &&
				       strcasecmp(cell[i], names[k]) != 0)
					k++;
				if (k == C_N)
					rc = in_fail(
					    err, errlen,
					    "%s:%u: unknown column '%s' "
					    "(known: Num, Name, Start, "
					    "End, IPs, Proto, Notes, "
					    "Category, MITRE, Date, "
					    "Victims, Attackers)",
					    path, line, cell[i]);
				else
					col[k] = i;
			}
			ncols = n;
			if (rc == 0 && (col[C_NAME] < 0 || col[C_START] < 0 ||
					col[C_END] < 0))
				rc = in_fail(err, errlen,
					     "%s:%u: the header needs Name, "
					     "Start and End",
					     path, line);
			continue;
		}
		if (n != ncols) {
			rc = in_fail(err, errlen,
				     "%s:%u: %d fields, the header has %d",
				     path, line, n, ncols);
			break;
		}
#define CELL(c) (col[c] >= 0 ? cell[col[c]] : (char *)"")
		struct lbl_attack a = {0};
		const char *when[2] = {CELL(C_START), CELL(C_END)};
		int64_t *dst[2] = {&a.start, &a.end};
		for (int i = 0; i < 2 && rc == 0; i++) {
			struct lbl_gotime t;
			char why[256];
			if (lbl_go_parse("2006/1/2 15:04:05", when[i], &t, why,
					 sizeof(why)) < 0)
				rc = in_fail(err, errlen,
					     "%s:%u: %s '%s' does not match "
					     "2006/1/2 15:04:05: %s",
					     path, line, i ? "End" : "Start",
					     when[i], why);
			else if ((*dst[i] = lbl_local_ns(
				      tz, t.year, t.mon, t.day, t.hour, t.min,
				      t.sec, t.nsec)) == LBL_TIME_BAD)
				rc = in_fail(err, errlen,
					     "%s:%u: %s '%s': year %d out of "
					     "range (1678..2261)",
					     path, line, i ? "End" : "Start",
					     when[i], t.year);
		}
		if (rc == 0 && a.end < a.start)
			rc = in_fail(err, errlen,
				     "%s:%u: End '%s' is before Start '%s'",
				     path, line, when[1], when[0]);
		if (rc == 0)
			rc = csv_addrs(path, line, "IPs", CELL(C_IPS), &a.ips,
				       &a.nips, err, errlen);
		if (rc == 0)
			rc = csv_addrs(path, line, "Victims", CELL(C_VICTIMS),
				       &a.victims, &a.nvictims, err, errlen);
		if (rc == 0)
			rc = csv_addrs(path, line, "Attackers",
				       CELL(C_ATTACKERS), &a.attackers,
				       &a.nattackers, err, errlen);
		if (rc == 0 && !a.nips && !a.nvictims && !a.nattackers)
			rc = in_fail(err, errlen,
				     "%s:%u: no IPs, Victims or Attackers",
				     path, line);
		const char *name = CELL(C_NAME);
		if (rc == 0 && (!*name || !strcmp(name, " "))) {
			fprintf(stderr,
				"netcap label: %s:%u: attack without a name "
				"skipped (as Netcap does)\n",
				path, line);
			free(a.ips);
			free(a.victims);
			free(a.attackers);
			continue;
		}
		if (rc < 0) {
			free(a.ips);
			free(a.victims);
			free(a.attackers);
			break;
		}
		a.name = xstrdup(name);
		a.category = xstrdup(CELL(C_CAT));
		a.proto = xstrdup(CELL(C_PROTO));
		a.mitre = xstrdup(CELL(C_MITRE));
		a.notes = xstrdup(CELL(C_NOTES));
#undef CELL
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = a;
	}
	if (rc == 0 && ferror(f))
		rc = in_fail(err, errlen, "%s: read error", path);
	if (rc == 0 && !ncols)
		rc = in_fail(err, errlen, "%s: empty (no header line)", path);
	free(buf);
	fclose(f);
	if (rc < 0) {
		for (size_t i = n0; i < out->n; i++) {
			struct lbl_attack *t = &out->v[i];
			free(t->name);
			free(t->category);
			free(t->proto);
			free(t->mitre);
			free(t->notes);
			free(t->ips);
			free(t->victims);
			free(t->attackers);
		}
		out->n = n0;
	}
	return rc;
}

/* ---- Zeek notice.log ---- */

/* Zeek's ts: seconds since the epoch with a fraction ("1258567191.405770").
 * -1 when it is not one. */
static int zeek_time(const char *s, int64_t *ns)
{
	int64_t sec = 0, frac = 0;
	int k = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (sec > (INT64_MAX / 1000000000 - 10) / 10)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++, k++)
			if (k < 9)
				frac = frac * 10 + (*s - '0');
	if (*s)
		return -1;
	for (; k < 9; k++)
		frac *= 10;
	*ns = sec * 1000000000 + frac;
	return 0;
}

/* A Zeek port ("80", "-" unset: -1); false when it is neither. */
static bool zeek_port(const char *s, int *port)
{
	size_t k = strlen(s);

	*port = -1;
	if (!strcmp(s, "-") || !strcmp(s, "(empty)") || !k)
		return true;
	int v = k <= 5 ? num(s, (int)k) : -1;
	if (v < 0 || v > 65535)
		return false;
	*port = v;
	return true;
}

/* One notice from its fields (strings; NULL or "-" unset). 1 appended, 0
 * skipped (no connection), -1 error. */
static int notice_add(const char *path, unsigned line, const char *ts,
		      bool ts_iso, const char *oh, const char *op,
		      const char *rh, const char *rp, const char *proto,
		      const char *note, const char *msg, struct lbl_alerts *out,
		      uint32_t *seq, char *err, size_t errlen)
{
	struct lbl_alert a = {0};

#define UNSET(x) (!(x) || !*(x) || !strcmp((x), "-") || !strcmp((x), "(empty)"))
	if (UNSET(ts) ||
	    (ts_iso ? eve_time(ts, &a.ts) : zeek_time(ts, &a.ts)) < 0)
		return in_fail(err, errlen,
			       "%s:%u: ts '%s': expected seconds since the "
			       "epoch (1258567191.405770)%s",
			       path, line, ts ? ts : "",
			       ts_iso ? " or ISO 8601" : "");
	if (UNSET(note))
		return in_fail(err, errlen, "%s:%u: note: missing", path, line);
	if (UNSET(oh) || UNSET(rh))
		return 0; /* a notice about no connection (a host, a file) */
	if (!lbl_addr_parse(oh, &a.src))
		return in_fail(err, errlen,
			       "%s:%u: id.orig_h '%s': not an address", path,
			       line, oh);
	if (!lbl_addr_parse(rh, &a.dst) || a.dst.len != a.src.len)
		return in_fail(err, errlen,
			       "%s:%u: id.resp_h '%s': not an address of "
			       "id.orig_h's family",
			       path, line, rh);
	if (!zeek_port(op ? op : "-", &a.sport))
		return in_fail(err, errlen, "%s:%u: id.orig_p '%s': not a port",
			       path, line, op);
	if (!zeek_port(rp ? rp : "-", &a.dport))
		return in_fail(err, errlen, "%s:%u: id.resp_p '%s': not a port",
			       path, line, rp);
	/* Zeek's transport_proto: tcp, udp, icmp, unknown_transport */
	a.proto = UNSET(proto) || !strcmp(proto, "unknown_transport")
		      ? -1
		      : lbl_proto_num(proto);
	if (a.proto < 0 && !UNSET(proto) &&
	    strcmp(proto, "unknown_transport") != 0)
		return in_fail(err, errlen, "%s:%u: proto '%s': unknown", path,
			       line, proto);
	if (a.proto == 1 && a.src.len == 16)
		a.proto = 58; /* Zeek says icmp for ICMPv6 too */
	if (a.proto < 0)
		return 0;
	a.category = xstrdup(note);
	a.signature = xstrdup(UNSET(msg) ? note : msg);
#undef UNSET
	a.seq = (*seq)++;
	alerts_push(out, &a);
	return 1;
}

int lbl_read_notice(const char *path, struct lbl_alerts *out, uint32_t *seq,
		    char *err, size_t errlen)
{
	static const char *const want[] = {
	    "ts",	 "id.orig_h", "id.orig_p", "id.resp_h",
	    "id.resp_p", "proto",     "note",	   "msg"};
	enum { NW = sizeof(want) / sizeof(want[0]) };
	FILE *f = fopen(path, "r");
	size_t n0 = out->n;
	int col[NW], rc = 0;
	bool have_fields = false;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned line = 0;

	if (!f)
		return in_fail(err, errlen, "%s: %s", path, strerror(errno));
	while (rc == 0 && (len = getline(&buf, &cap, f)) >= 0) {
		line++;
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (strspn(buf, " \t") == (size_t)len)
			continue;
		if (buf[0] == '{') { /* JSON logs (LogAscii::use_json) */
			json_error_t je;
			json_t *o = json_loadb(buf, (size_t)len, 0, &je);
			if (!json_is_object(o)) {
				rc = in_fail(
				    err, errlen, "%s:%u: malformed JSON: %s",
				    path, line, o ? "not an object" : je.text);
				json_decref(o);
				break;
			}
			const char *v[NW];
			char ts[40], op[24], rp[24];
			bool iso = false;
			for (int i = 0; i < NW; i++) {
				json_t *x = json_object_get(o, want[i]);
				v[i] = json_is_string(x) ? json_string_value(x)
							 : NULL;
			}
			json_t *t = json_object_get(o, "ts");
			if (json_is_number(t)) {
				double d = json_number_value(t);
				snprintf(ts, sizeof(ts), "%.6f", d);
				v[0] = ts;
			} else {
				iso = v[0] != NULL;
			}
			json_t *p1 = json_object_get(o, "id.orig_p");
			json_t *p2 = json_object_get(o, "id.resp_p");
			if (json_is_integer(p1)) {
				snprintf(op, sizeof(op), "%lld",
					 (long long)json_integer_value(p1));
				v[2] = op;
			}
			if (json_is_integer(p2)) {
				snprintf(rp, sizeof(rp), "%lld",
					 (long long)json_integer_value(p2));
				v[4] = rp;
			}
			int k = notice_add(path, line, v[0], iso, v[1], v[2],
					   v[3], v[4], v[5], v[6], v[7], out,
					   seq, err, errlen);
			json_decref(o);
			if (k < 0)
				rc = -1;
			continue;
		}
		if (buf[0] == '#') {
			if (!strncmp(buf, "#separator ", 11) &&
			    strcmp(buf + 11, "\\x09") != 0) {
				rc = in_fail(err, errlen,
					     "%s:%u: separator '%s': only tab "
					     "(\\x09) is read",
					     path, line, buf + 11);
			} else if (!strncmp(buf, "#fields\t", 8)) {
				for (int i = 0; i < NW; i++)
					col[i] = -1;
				char *save = NULL;
				int k = 0;
				for (char *t = strtok_r(buf + 8, "\t", &save);
				     t; t = strtok_r(NULL, "\t", &save), k++)
					for (int i = 0; i < NW; i++)
						if (!strcmp(t, want[i]))
							col[i] = k;
				for (int i = 0; i < NW && rc == 0; i++)
					if (col[i] < 0 && i != 7)
						rc = in_fail(
						    err, errlen,
						    "%s:%u: #fields lacks '%s'",
						    path, line, want[i]);
				have_fields = true;
			}
			continue;
		}
		if (!have_fields) {
			rc = in_fail(err, errlen,
				     "%s:%u: a record before the #fields line "
				     "(not a Zeek notice.log)",
				     path, line);
			break;
		}
		/* split on tabs, keeping empty fields */
		const char *cell[256];
		int n = 0;
		for (char *p = buf; n < 256;) {
			cell[n++] = p;
			char *t = strchr(p, '\t');
			if (!t)
				break;
			*t = 0;
			p = t + 1;
		}
		const char *v[NW];
		for (int i = 0; i < NW; i++)
			v[i] = col[i] >= 0 && col[i] < n ? cell[col[i]] : NULL;
		if (notice_add(path, line, v[0], false, v[1], v[2], v[3], v[4],
			       v[5], v[6], v[7], out, seq, err, errlen) < 0)
			rc = -1;
	}
	if (rc == 0 && ferror(f))
		rc = in_fail(err, errlen, "%s: read error", path);
	free(buf);
	fclose(f);
	if (rc < 0)
		alerts_cut(out, n0);
	return rc;
}
