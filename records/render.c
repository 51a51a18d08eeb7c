/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * render.c: CSV, TSV, JSON-lines and table renderings of records, driven by
 * protobuf-c descriptors only (notation and formats in render.h).
 */
#include "render.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- growable string ------------------------------------------------------
 */

/* Make room for n more octets and the NUL (the slow path of sb_add). */
static void sb_grow(struct nc_sb *sb, size_t n)
{
	size_t ncap = sb->cap ? sb->cap : 64;
	while (ncap < sb->len + n + 1)
		ncap *= 2;
	char *np = realloc(sb->p, ncap);
	if (!np)
		abort(); /* a few KB per record; nothing sane to do */
	sb->p = np;
	sb->cap = ncap;
}

/* nc_sb_add, inlined in the renderers' hot paths. */
static inline void sb_add(struct nc_sb *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		sb_grow(sb, n);
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

/* Room for n more octets at sb->p + sb->len (the caller then adds its
   length and the NUL). */
static inline char *sb_room(struct nc_sb *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		sb_grow(sb, n);
	return sb->p + sb->len;
}

void nc_sb_add(struct nc_sb *sb, const char *s, size_t n)
{
	sb_add(sb, s, n);
}

void nc_sb_puts(struct nc_sb *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* ---- field classes and value texts --------------------------------------- */

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

bool nc_render_is_addr(const ProtobufCFieldDescriptor *f)
{
	return f->type == PROTOBUF_C_TYPE_BYTES &&
	       (ends_with(f->name, "IP") || ends_with(f->name, "MAC") ||
		ends_with(f->name, "Address") || ends_with(f->name, "Addr") ||
		ends_with(f->name, "IPs") || strcmp(f->name, "Contacts") == 0 ||
		/* LLC, SNAP, ...: CDP addresses, masks, cluster members;
		   NDP's SrcMac/DstMac (Netcap's spelling) */
		ends_with(f->name, "Addresses") || ends_with(f->name, "Mac") ||
		strcmp(f->name, "IPMask") == 0 ||
		strncmp(f->name, "Cluster", 7) == 0);
}

bool nc_render_is_time(const ProtobufCFieldDescriptor *f)
{
	static const char *const names[] = {"Timestamp", "TimestampFirst",
					    "TimestampLast", "Created"};
	if (f->type != PROTOBUF_C_TYPE_INT64 &&
	    f->type != PROTOBUF_C_TYPE_SINT64 &&
	    f->type != PROTOBUF_C_TYPE_SFIXED64)
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(f->name, names[i]) == 0)
			return true;
	return false;
}

static size_t hex(const uint8_t *p, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	for (size_t i = 0; i < len && n + 2 < cap; i++) {
		out[n++] = digits[p[i] >> 4];
		out[n++] = digits[p[i] & 15];
	}
	if (cap)
		out[n] = '\0';
	return n;
}

/* Decimal text of an octet (no leading zeros); returns the length. */
static inline size_t dec8(unsigned v, char *out)
{
	if (v >= 100) {
		out[0] = (char)('0' + v / 100);
		out[1] = (char)('0' + v / 10 % 10);
		out[2] = (char)('0' + v % 10);
		return 3;
	}
	if (v >= 10) {
		out[0] = (char)('0' + v / 10);
		out[1] = (char)('0' + v % 10);
		return 2;
	}
	out[0] = (char)('0' + v);
	return 1;
}

size_t nc_render_addr(const uint8_t *p, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";

	/* what inet_ntop and "%02x:..." write, without their cost */
	if (len == 4 && cap >= 16) {
		size_t n = 0;
		for (int i = 0; i < 4; i++) {
			if (i)
				out[n++] = '.';
			n += dec8(p[i], out + n);
		}
		out[n] = '\0';
		return n;
	}
	if (len == 6 && cap >= 18) {
		for (int i = 0; i < 6; i++) {
			out[3 * i] = digits[p[i] >> 4];
			out[3 * i + 1] = digits[p[i] & 15];
			out[3 * i + 2] = i < 5 ? ':' : '\0';
		}
		return 17;
	}
	if (len == 4 || len == 16) {
		if (!inet_ntop(len == 4 ? AF_INET : AF_INET6, p, out,
			       (socklen_t)cap))
			return hex(p, len, out, cap);
		return strlen(out);
	}
	if (len == 6) {
		int n = snprintf(out, cap, "%02x:%02x:%02x:%02x:%02x:%02x",
				 p[0], p[1], p[2], p[3], p[4], p[5]);
		return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
	}
	return hex(p, len, out, cap);
}

size_t nc_render_time(int64_t ns, char *out, size_t cap)
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	struct tm tm;

	if (frac < 0) {
		frac += 1000000000;
		sec -= 1;
	}
	time_t t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		int n = snprintf(out, cap, "%" PRId64, ns);
		return n < 0 ? 0 : (size_t)n;
	}
	int n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)frac);
	return n < 0 ? 0 : (size_t)n;
}

/* Fewest significant digits (1..17) that read back to v exactly. */
static int shortest_prec(double v)
{
	char tmp[40];

	for (int prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			return prec;
	}
	return 17;
}

/*
 * "%.*g" with the shortest precision for an integral v, |v| < 1e15 (every
 * integer there and every rounding of it to fewer digits is exact, so the
 * shortest precision is v's count of significant digits). Returns the
 * length, or 0 when v is not such a value (or cap is short).
 */
static size_t double_int(double v, char *out, size_t cap)
{
	char d[24];
	size_t nd = 0, n = 0;

	if (!(v > -1e15 && v < 1e15) || cap < 24 || v != (double)(int64_t)v)
		return 0;
	int64_t iv = (int64_t)v;
	uint64_t u = iv < 0 ? -(uint64_t)iv : (uint64_t)iv;
	if (signbit(v))
		out[n++] = '-';
	do {
		d[nd++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	/* d holds the digits least significant first */
	size_t tz = 0;
	while (tz + 1 < nd && d[tz] == '0')
		tz++;
	size_t sig = nd - tz;
	if (sig == nd) { /* exponent < precision: plain digits */
		while (nd)
			out[n++] = d[--nd];
	} else { /* d.ddde+XX */
		size_t x = nd - 1;
		out[n++] = d[nd - 1];
		if (sig > 1) {
			out[n++] = '.';
			for (size_t i = 1; i < sig; i++)
				out[n++] = d[nd - 1 - i];
		}
		out[n++] = 'e';
		out[n++] = '+';
		if (x >= 10)
			out[n++] = (char)('0' + x / 10);
		else
			out[n++] = '0';
		out[n++] = (char)('0' + x % 10);
	}
	out[n] = '\0';
	return n;
}

size_t nc_render_double(double v, char *out, size_t cap)
{
	int n;
	size_t k = double_int(v, out, cap);

	if (k)
		return k;
	if (isnan(v))
		n = snprintf(out, cap, "nan");
	else if (isinf(v))
		n = snprintf(out, cap, v < 0 ? "-inf" : "inf");
	else {
		n = snprintf(out, cap, "%.*g", shortest_prec(v), v);
	}
	return n < 0 ? 0 : (size_t)n;
}

/* ---- generic field access -------------------------------------------------
 */

static const void *fptr(const ProtobufCMessage *m,
			const ProtobufCFieldDescriptor *f)
{
	return (const char *)m + f->offset;
}

/*
 * Elements of field f in m: the repeat count, 1 for a set singular field,
 * 0 for an unset optional / oneof member or a NULL sub-message (-> unset).
 * *unset tells the last case apart from an empty repeated field.
 */
static size_t fcount(const ProtobufCMessage *m,
		     const ProtobufCFieldDescriptor *f, bool *unset)
{
	const char *base = (const char *)m;

	*unset = false;
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const size_t *)(base + f->quantifier_offset);
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		if (*(const uint32_t *)(base + f->quantifier_offset) != f->id) {
			*unset = true;
			return 0;
		}
	} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		   f->type != PROTOBUF_C_TYPE_MESSAGE &&
		   f->type != PROTOBUF_C_TYPE_STRING) {
		if (!*(const protobuf_c_boolean *)(base +
						   f->quantifier_offset)) {
			*unset = true;
			return 0;
		}
	}
	if ((f->type == PROTOBUF_C_TYPE_MESSAGE ||
	     f->type == PROTOBUF_C_TYPE_STRING) &&
	    !*(const void *const *)fptr(m, f)) {
		*unset = true;
		return 0;
	}
	return 1;
}

/* Pointer to element i of f (a repeated field's array, or the field). */
static const void *felem(const ProtobufCMessage *m,
			 const ProtobufCFieldDescriptor *f, size_t i)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return *(const char *const *)fptr(m, f) +
		       i * nc_pb_type_size(f->type);
	return fptr(m, f);
}

static const char *enum_name(const ProtobufCFieldDescriptor *f, int v)
{
	const ProtobufCEnumValue *ev =
	    protobuf_c_enum_descriptor_get_value(f->descriptor, v);
	return ev ? ev->name : NULL;
}

/* ---- cell notation --------------------------------------------------------
 */

static void sub_cell(struct nc_sb *sb, const ProtobufCMessage *m,
		     enum nc_timefmt tf);

/* Decimal text of v into tmp (at least 21 bytes, no NUL); returns the
   length. Two digits a step, from the end. */
static const char d2[] = "00010203040506070809"
			 "10111213141516171819"
			 "20212223242526272829"
			 "30313233343536373839"
			 "40414243444546474849"
			 "50515253545556575859"
			 "60616263646566676869"
			 "70717273747576777879"
			 "80818283848586878889"
			 "90919293949596979899";

/* The digits of v < 10^9 (32-bit arithmetic: cheaper divisions by 100). */
static size_t u32_text(char *tmp, uint32_t v)
{
	size_t n = v < 10000	   ? (v < 100	 ? (v < 10 ? 1 : 2)
				      : v < 1000 ? 3
						 : 4)
		   : v < 1000000   ? (v < 100000 ? 5 : 6)
		   : v < 100000000 ? (v < 10000000 ? 7 : 8)
				   : 9;
	size_t pos = n;

	while (v >= 100) {
		uint32_t q = v / 100;
		unsigned k = (v - q * 100) * 2;
		v = q;
		tmp[--pos] = d2[k + 1];
		tmp[--pos] = d2[k];
	}
	if (v >= 10) {
		tmp[--pos] = d2[v * 2 + 1];
		tmp[--pos] = d2[v * 2];
	} else {
		tmp[--pos] = (char)('0' + v);
	}
	return n;
}

/* Exactly nine digits of v < 10^9, leading zeros included. */
static void nine_digits(char *out, uint32_t v)
{
	for (int i = 8; i > 0; i -= 2) {
		uint32_t q = v / 100;
		unsigned k = (v - q * 100) * 2;
		v = q;
		out[i] = d2[k + 1];
		out[i - 1] = d2[k];
	}
	out[0] = (char)('0' + v);
}

/*
 * Decimal digits of v; returns their count. Nanosecond timestamps (19
 * digits) are the common long number: they go as 32-bit pieces of nine
 * digits.
 */
static size_t u64_text(char *tmp, uint64_t v)
{
	if (v < 10) { /* most counters and flags */
		tmp[0] = (char)('0' + v);
		return 1;
	}
	if (v < 1000000000u)
		return u32_text(tmp, (uint32_t)v);
	uint64_t hi = v / 1000000000u;
	size_t n = u64_text(tmp, hi);
	nine_digits(tmp + n, (uint32_t)(v - hi * 1000000000u));
	return n + 9;
}

static size_t i64_text(char *tmp, int64_t v)
{
	if (v >= 0)
		return u64_text(tmp, (uint64_t)v);
	tmp[0] = '-';
	return 1 + u64_text(tmp + 1, -(uint64_t)v);
}

/* Append the decimal text of v / of u to sb. */
static inline void sb_i64(struct nc_sb *sb, int64_t v)
{
	char *o = sb_room(sb, 21);
	sb->len += i64_text(o, v);
	sb->p[sb->len] = '\0';
}

static inline void sb_u64(struct nc_sb *sb, uint64_t u)
{
	char *o = sb_room(sb, 21);
	sb->len += u64_text(o, u);
	sb->p[sb->len] = '\0';
}

/* nc_render_is_addr(f), remembered per descriptor (a few name compares
   per cell otherwise). */
static bool is_addr_cached(const ProtobufCFieldDescriptor *f)
{
	static _Thread_local struct {
		const ProtobufCFieldDescriptor *f;
		bool addr;
	} cache[256];
	size_t h = ((uintptr_t)f >> 4) & 255;

	if (cache[h].f != f) {
		cache[h].addr = nc_render_is_addr(f);
		cache[h].f = f;
	}
	return cache[h].addr;
}

/* Append the text of one value of f at p. */
static void value_text(struct nc_sb *sb, const ProtobufCFieldDescriptor *f,
		       const void *p, enum nc_timefmt tf)
{
	char tmp[64];
	int n = 0;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		sb_i64(sb, *(const int32_t *)p);
		return;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		sb_u64(sb, *(const uint32_t *)p);
		return;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (tf == NC_TIME_RFC3339 && nc_render_is_time(f))
			n = (int)nc_render_time(*(const int64_t *)p, tmp,
						sizeof(tmp));
		else {
			sb_i64(sb, *(const int64_t *)p);
			return;
		}
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		sb_u64(sb, *(const uint64_t *)p);
		return;
	case PROTOBUF_C_TYPE_FLOAT:
		n = (int)nc_render_double(*(const float *)p, tmp, sizeof(tmp));
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		n = (int)nc_render_double(*(const double *)p, tmp, sizeof(tmp));
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (*(const protobuf_c_boolean *)p)
			sb_add(sb, "true", 4);
		else
			sb_add(sb, "false", 5);
		return;
	case PROTOBUF_C_TYPE_ENUM: {
		const char *name = enum_name(f, *(const int *)p);
		if (name) {
			nc_sb_puts(sb, name);
			return;
		}
		n = snprintf(tmp, sizeof(tmp), "%d", *(const int *)p);
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;
		if (s)
			nc_sb_puts(sb, s);
		return;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		if (is_addr_cached(f) &&
		    (b->len == 4 || b->len == 6 || b->len == 16)) {
			char *a = sb_room(sb, INET6_ADDRSTRLEN + 1);
			sb->len += nc_render_addr(b->data, b->len, a,
						  INET6_ADDRSTRLEN + 1);
			sb->p[sb->len] = '\0';
			return;
		}
		for (size_t i = 0; i < b->len; i += 16) {
			size_t k = b->len - i < 16 ? b->len - i : 16;
			char h[40];
			sb_add(sb, h, hex(b->data + i, k, h, sizeof(h)));
		}
		return;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sm =
		    *(const ProtobufCMessage *const *)p;
		if (sm)
			sub_cell(sb, sm, tf);
		return;
	}
	}
	if (n > 0)
		sb_add(sb, tmp,
		       (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void nc_render_cell(struct nc_sb *sb, const ProtobufCMessage *m,
		    const ProtobufCFieldDescriptor *f, enum nc_timefmt tf)
{
	bool unset;
	size_t n = fcount(m, f, &unset);

	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(sb, ";", 1);
		value_text(sb, f, felem(m, f, i), tf);
	}
}

static void sub_cell(struct nc_sb *sb, const ProtobufCMessage *m,
		     enum nc_timefmt tf)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	sb_add(sb, "(", 1);
	for (unsigned i = 0; i < d->n_fields; i++) {
		/* a record inside a record (Vulnerability's Software) never
		   carries a Result: capture --attacks sets the outer one */
		if (d->fields[i].id == NC_LABEL_FIELD)
			continue;
		if (i)
			sb_add(sb, "/", 1);
		nc_render_cell(sb, m, &d->fields[i], tf);
	}
	sb_add(sb, ")", 1);
}

/* ---- JSON -----------------------------------------------------------------
 */

/* State of one JSON rendering: the time format, the digits doubles need. */
struct jctx {
	enum nc_timefmt tf;
	int prec;
};

static json_t *json_msg(const ProtobufCMessage *m, const unsigned *cols,
			unsigned ncols, struct jctx *c);

/* A JSON string of s, invalid UTF-8 bytes replaced by U+FFFD. */
static json_t *json_text(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	if (j)
		return j;
	struct nc_sb sb = {0};
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80 && c != 0)
			sb_add(&sb, s + i, 1);
		else if (c == 0)
			sb_add(&sb, "\\0", 2);
		else
			nc_sb_puts(&sb, "\xef\xbf\xbd");
	}
	j = json_stringn(sb.p ? sb.p : "", sb.len);
	free(sb.p);
	return j;
}

static json_t *json_value(const ProtobufCFieldDescriptor *f, const void *p,
			  struct jctx *c)
{
	enum nc_timefmt tf = c->tf;
	char tmp[64];

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if (tf == NC_TIME_RFC3339 && nc_render_is_time(f)) {
			nc_render_time(*(const int64_t *)p, tmp, sizeof(tmp));
			return json_string(tmp);
		}
		return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t v = *(const uint64_t *)p;
		if (v <= INT64_MAX)
			return json_integer((json_int_t)v);
		snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
		return json_string(tmp);
	}
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE: {
		double v = f->type == PROTOBUF_C_TYPE_FLOAT
			       ? *(const float *)p
			       : *(const double *)p;
		if (!isfinite(v))
			return json_null();
		int prec = shortest_prec(v);
		if (prec > c->prec)
			c->prec = prec;
		return json_real(v);
	}
	case PROTOBUF_C_TYPE_BOOL:
		return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		const char *name = enum_name(f, *(const int *)p);
		return name ? json_string(name) : json_integer(*(const int *)p);
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;
		return s ? json_text(s, strlen(s)) : json_null();
	}
	case PROTOBUF_C_TYPE_BYTES: {
		struct nc_sb sb = {0};
		value_text(&sb, f, p, tf);
		json_t *j = json_stringn(sb.p ? sb.p : "", sb.len);
		free(sb.p);
		return j;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sm =
		    *(const ProtobufCMessage *const *)p;
		if (!sm)
			return json_null();
		/* a record inside a record carries no Result (sub_cell) */
		unsigned cols[256];
		if (sm->descriptor->n_fields > 256)
			return json_msg(sm, NULL, 0, c);
		unsigned n = nc_render_record_cols(sm->descriptor, false, cols);
		return json_msg(sm, cols, n, c);
	}
	}
	return json_null();
}

static json_t *json_field(const ProtobufCMessage *m,
			  const ProtobufCFieldDescriptor *f, struct jctx *c)
{
	bool unset;
	size_t n = fcount(m, f, &unset);

	if (f->label != PROTOBUF_C_LABEL_REPEATED)
		return unset ? json_null() : json_value(f, felem(m, f, 0), c);
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a,
					  json_value(f, felem(m, f, i), c))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *json_msg(const ProtobufCMessage *m, const unsigned *cols,
			unsigned ncols, struct jctx *c)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	json_t *o = json_object();
	unsigned n = cols ? ncols : d->n_fields;

	for (unsigned i = 0; o && i < n; i++) {
		const ProtobufCFieldDescriptor *f =
		    &d->fields[cols ? cols[i] : i];
		if (json_object_set_new(o, f->name, json_field(m, f, c))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *nc_render_json(const ProtobufCMessage *m, const unsigned *cols,
		       unsigned ncols, enum nc_timefmt tf)
{
	struct jctx c = {tf, 1};
	return json_msg(m, cols, ncols, &c);
}

int nc_render_json_line(FILE *out, const ProtobufCMessage *m,
			const unsigned *cols, unsigned ncols,
			enum nc_timefmt tf)
{
	struct jctx c = {tf, 1};
	json_t *o = json_msg(m, cols, ncols, &c);

	if (!o)
		return -1;
	/*
	 * jansson prints every real with one "%.*g" precision: the most
	 * digits any double of this record needs to read back exactly, so a
	 * lone 7.251 prints as 7.251, not 7.2510000000000003.
	 */
	/* One fwrite per record: json_dumpf writes token by token. */
	size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(c.prec);
	char buf[4096];
	size_t n = json_dumpb(o, buf, sizeof(buf) - 1, flags);
	if (n > 0 && n < sizeof(buf)) {
		buf[n] = '\n';
		fwrite(buf, 1, n + 1, out);
	} else {
		char *big = json_dumps(o, flags);
		if (!big) {
			json_decref(o);
			return -1;
		}
		fputs(big, out);
		fputc('\n', out);
		free(big);
	}
	json_decref(o);
	return 0;
}

/* ---- selection and key/value --------------------------------------------- */

int nc_render_select(const ProtobufCMessageDescriptor *d, const char *list,
		     unsigned *cols, unsigned maxcols, char *err, size_t errlen)
{
	unsigned n = 0;
	const char *p = list;

	for (;;) {
		size_t k = strcspn(p, ",");
		if (k > 0) {
			int hit = -1;
			for (unsigned i = 0; i < d->n_fields && hit < 0; i++)
				if (strlen(d->fields[i].name) == k &&
				    !memcmp(d->fields[i].name, p, k))
					hit = (int)i;
			for (unsigned i = 0; i < d->n_fields && hit < 0; i++)
				if (strlen(d->fields[i].name) == k &&
				    !strncasecmp(d->fields[i].name, p, k))
					hit = (int)i;
			if (hit < 0 || n >= maxcols) {
				struct nc_sb sb = {0};
				for (unsigned i = 0; i < d->n_fields; i++) {
					if (i)
						sb_add(&sb, ", ", 2);
					nc_sb_puts(&sb, d->fields[i].name);
				}
				if (hit < 0)
					snprintf(err, errlen,
						 "unknown field '%.*s' for %s; "
						 "valid fields: %s",
						 (int)k, p, d->short_name,
						 sb.p);
				else
					snprintf(err, errlen,
						 "more than %u fields selected",
						 maxcols);
				free(sb.p);
				return -1;
			}
			cols[n++] = (unsigned)hit;
		}
		if (!p[k])
			break;
		p += k + 1;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty field selection");
		return -1;
	}
	return (int)n;
}

unsigned nc_render_record_cols(const ProtobufCMessageDescriptor *d,
			       bool labelled, unsigned *cols)
{
	unsigned n = 0;

	for (unsigned i = 0; i < d->n_fields; i++)
		if (labelled || d->fields[i].id != NC_LABEL_FIELD)
			cols[n++] = i;
	return n;
}

void nc_render_kv(FILE *out, const ProtobufCMessage *m, enum nc_timefmt tf)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	struct nc_sb sb = {0};

	for (unsigned i = 0; i < d->n_fields; i++) {
		sb.len = 0;
		sb_add(&sb, "", 0);
		nc_render_cell(&sb, m, &d->fields[i], tf);
		fprintf(out, "%s: %s\n", d->fields[i].name, sb.p);
	}
	free(sb.p);
}

/* ---- row renderers --------------------------------------------------------
 */

struct nc_render {
	FILE *out;
	enum nc_fmt fmt;
	enum nc_timefmt tf;
	const ProtobufCMessageDescriptor *d;
	unsigned ncols;
	unsigned *cols;
	bool header_done;
	char sep;	   /* CSV/TSV cell separator */
	const char *extra; /* name of a trailing column, or NULL */
	struct nc_sb cell;
	struct nc_sb line; /* CSV/TSV: the row being assembled */
	/* table: up to NC_TABLE_ROWS rows of ncols cells */
	char **cells;
	size_t *width;
	unsigned nrows;
	/* CSV/TSV, set with the header: plain[c] when column c's text can
	   never hold what line_cell quotes or escapes (no scan per cell) */
	bool *plain;
	/* and kind[c]: a direct rendering for a singular (proto3, not oneof)
	   scalar column, or K_CELL for nc_render_cell */
	unsigned char *kind;
};

enum { K_CELL, K_I32, K_U32, K_I64, K_U64, K_BOOL, K_BYTES };

/* The direct kind of field f (see kind above). */
static unsigned char col_kind(const struct nc_render *r,
			      const ProtobufCFieldDescriptor *f)
{
	if (f->label != PROTOBUF_C_LABEL_NONE ||
	    (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return K_CELL;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return K_I32;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return K_U32;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return r->tf == NC_TIME_RFC3339 && nc_render_is_time(f) ? K_CELL
									: K_I64;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return K_U64;
	case PROTOBUF_C_TYPE_BOOL:
		return K_BOOL;
	case PROTOBUF_C_TYPE_BYTES:
		return K_BYTES;
	default:
		return K_CELL;
	}
}

/* Append s to sb with backslash, tab, LF, CR escaped (TSV). */
static void sb_escaped(struct nc_sb *sb, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *e = NULL;
		switch (s[i]) {
		case '\\':
			e = "\\\\";
			break;
		case '\t':
			e = "\\t";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		default:
			continue;
		}
		sb_add(sb, s + run, i - run);
		sb_add(sb, e, 2);
		run = i + 1;
	}
	sb_add(sb, s + run, n - run);
}

/* Append s to sb as one RFC 4180 field (sep: the cell separator). */
static void sb_csv(struct nc_sb *sb, const char *s, size_t n, char sep)
{
	const char special[] = {sep, '"', '\r', '\n', 0};

	if (strcspn(s, special) >= n) {
		sb_add(sb, s, n);
		return;
	}
	sb_add(sb, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			sb_add(sb, "\"", 1);
		sb_add(sb, s + i, 1);
	}
	sb_add(sb, "\"", 1);
}

/* Escape backslash, tab, LF, CR (table). */
static void put_escaped(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			fputs("\\\\", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			fputc(s[i], out);
		}
	}
}

static void put_csv(FILE *out, const char *s, size_t n, char sep)
{
	const char special[] = {sep, '"', '\r', '\n', 0};

	if (strcspn(s, special) >= n) {
		fwrite(s, 1, n, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

static const char *col_name(const struct nc_render *r, unsigned i)
{
	return r->d->fields[r->cols[i]].name;
}

/* Display width: UTF-8 code points of the escaped text. */
static size_t disp_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n += (*p == '\\' || *p == '\t' || *p == '\n' ||
			      *p == '\r')
				 ? 2
				 : 1;
	return n;
}

static void table_line(struct nc_render *r, char *const *cells)
{
	for (unsigned c = 0; c < r->ncols; c++) {
		const char *s = cells[c];
		put_escaped(r->out, s, strlen(s));
		if (c + 1 < r->ncols) {
			for (size_t k = disp_width(s); k < r->width[c] + 2; k++)
				fputc(' ', r->out);
		}
	}
	fputc('\n', r->out);
}

static void table_flush(struct nc_render *r)
{
	for (unsigned c = 0; c < r->ncols; c++) {
		size_t w = disp_width(col_name(r, c));
		if (w > r->width[c])
			r->width[c] = w;
		for (unsigned i = 0; i < r->nrows; i++) {
			w = disp_width(r->cells[(size_t)i * r->ncols + c]);
			if (w > r->width[c])
				r->width[c] = w;
		}
	}
	if (!r->header_done) {
		char **hdr = calloc(r->ncols ? r->ncols : 1, sizeof(*hdr));
		if (hdr) {
			for (unsigned c = 0; c < r->ncols; c++)
				hdr[c] = (char *)col_name(r, c);
			table_line(r, hdr);
			free(hdr);
		}
		r->header_done = true;
	}
	for (unsigned i = 0; i < r->nrows; i++) {
		char **row = &r->cells[(size_t)i * r->ncols];
		table_line(r, row);
		for (unsigned c = 0; c < r->ncols; c++) {
			free(row[c]);
			row[c] = NULL;
		}
	}
	r->nrows = 0;
}

/* Does any octet of the alphabet a need quoting or escaping here? */
static bool alpha_special(const struct nc_render *r, const char *a)
{
	for (; *a; a++) {
		if (r->fmt == NC_FMT_CSV ? (*a == r->sep || *a == '"' ||
					    *a == '\r' || *a == '\n')
					 : (*a == '\\' || *a == '\t' ||
					    *a == '\n' || *a == '\r'))
			return true;
	}
	return false;
}

/* Can field f's cell text never need quoting or escaping (value_text's
   alphabet for its type)? */
static bool col_plain(const struct nc_render *r,
		      const ProtobufCFieldDescriptor *f)
{
	const char *a;

	if (f->label == PROTOBUF_C_LABEL_REPEATED && alpha_special(r, ";"))
		return false;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		/* decimal, or nc_render_time's text */
		a = "-0123456789:.TZ";
		break;
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE:
		a = "-+.0123456789einaf";
		break;
	case PROTOBUF_C_TYPE_BOOL:
		a = "truefalse";
		break;
	case PROTOBUF_C_TYPE_BYTES: /* hex, or address text */
		a = "0123456789abcdef:.";
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *e = f->descriptor;
		for (unsigned i = 0; i < e->n_values; i++)
			if (alpha_special(r, e->values[i].name))
				return false;
		a = "-0123456789";
		break;
	}
	default: /* strings, sub-messages */
		return false;
	}
	return !alpha_special(r, a);
}

static void sep_header(struct nc_render *r)
{
	r->plain = calloc(r->ncols ? r->ncols : 1, sizeof(*r->plain));
	r->kind = calloc(r->ncols ? r->ncols : 1, sizeof(*r->kind));
	for (unsigned c = 0; r->plain && c < r->ncols; c++)
		r->plain[c] = col_plain(r, &r->d->fields[r->cols[c]]);
	for (unsigned c = 0; r->kind && c < r->ncols; c++)
		r->kind[c] = col_kind(r, &r->d->fields[r->cols[c]]);

	for (unsigned c = 0; c <= r->ncols; c++) {
		const char *s = c < r->ncols ? col_name(r, c) : r->extra;
		if (!s)
			break;
		if (c)
			fputc(r->sep, r->out);
		if (r->fmt == NC_FMT_CSV)
			put_csv(r->out, s, strlen(s), r->sep);
		else
			put_escaped(r->out, s, strlen(s));
	}
	fputc('\n', r->out);
	r->header_done = true;
}

struct nc_render *nc_render_new(FILE *out, enum nc_fmt fmt, enum nc_timefmt tf,
				const ProtobufCMessageDescriptor *d,
				const unsigned *cols, unsigned ncols)
{
	struct nc_render *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->out = out;
	r->fmt = fmt;
	r->tf = tf;
	r->d = d;
	r->sep = fmt == NC_FMT_CSV ? ',' : '\t';
	r->ncols = cols ? ncols : d->n_fields;
	r->cols = malloc((r->ncols ? r->ncols : 1) * sizeof(*r->cols));
	r->width = calloc(r->ncols ? r->ncols : 1, sizeof(*r->width));
	if (fmt == NC_FMT_TABLE)
		r->cells =
		    calloc((size_t)NC_TABLE_ROWS * (r->ncols ? r->ncols : 1),
			   sizeof(*r->cells));
	if (!r->cols || !r->width || (fmt == NC_FMT_TABLE && !r->cells)) {
		free(r->cols);
		free(r->width);
		free(r->cells);
		free(r);
		return NULL;
	}
	for (unsigned i = 0; i < r->ncols; i++)
		r->cols[i] = cols ? cols[i] : i;
	return r;
}

void nc_render_set_sep(struct nc_render *r, char sep)
{
	r->sep = sep;
}

void nc_render_set_extra(struct nc_render *r, const char *name)
{
	r->extra = name;
}

/* Append one cell to the CSV/TSV line being assembled. */
static void line_cell(struct nc_render *r, const char *s, size_t n)
{
	if (r->fmt == NC_FMT_CSV)
		sb_csv(&r->line, s, n, r->sep);
	else
		sb_escaped(&r->line, s, n);
}

/* Would line_cell write s (n octets, NUL-terminated) other than as is? */
static bool cell_special(const struct nc_render *r, const char *s, size_t n)
{
	if (r->fmt == NC_FMT_CSV) {
		/* sb_csv's strcspn test: stops at a NUL */
		for (size_t i = 0; i < n; i++) {
			char ch = s[i];
			if (ch == r->sep || ch == '"' || ch == '\r' ||
			    ch == '\n')
				return true;
			if (ch == '\0')
				return false;
		}
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\\' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r')
			return true;
	return false;
}

int nc_render_row(struct nc_render *r, const ProtobufCMessage *m)
{
	return nc_render_row_extra(r, m, NULL);
}

int nc_render_row_extra(struct nc_render *r, const ProtobufCMessage *m,
			const char *extra)
{
	if (r->fmt == NC_FMT_JSON)
		return nc_render_json_line(r->out, m, r->cols, r->ncols, r->tf);
	if (r->fmt == NC_FMT_TABLE) {
		char **row = &r->cells[(size_t)r->nrows * r->ncols];
		for (unsigned c = 0; c < r->ncols; c++) {
			r->cell.len = 0;
			sb_add(&r->cell, "", 0);
			nc_render_cell(&r->cell, m, &r->d->fields[r->cols[c]],
				       r->tf);
			row[c] = strdup(r->cell.p);
			if (!row[c])
				return -1;
		}
		if (++r->nrows == NC_TABLE_ROWS)
			table_flush(r);
		return 0;
	}
	if (!r->header_done)
		sep_header(r);
	r->line.len = 0;
	sb_room(&r->line, 0)[0] = '\0';
	for (unsigned c = 0; c < r->ncols; c++) {
		if (c)
			sb_add(&r->line, &r->sep, 1);
		/* render into the line; a cell that needs quoting or escaping
		   (rare) moves to r->cell and comes back through line_cell */
		size_t start = r->line.len;
		/* (the line is NUL-terminated: sb_room below, each append) */
		const ProtobufCFieldDescriptor *f = &r->d->fields[r->cols[c]];
		const void *p = (const char *)m + f->offset;
		switch (r->kind ? r->kind[c] : K_CELL) {
		case K_I32:
			sb_i64(&r->line, *(const int32_t *)p);
			break;
		case K_U32:
			sb_u64(&r->line, *(const uint32_t *)p);
			break;
		case K_I64:
			sb_i64(&r->line, *(const int64_t *)p);
			break;
		case K_U64:
			sb_u64(&r->line, *(const uint64_t *)p);
			break;
		case K_BOOL:
			if (*(const protobuf_c_boolean *)p)
				sb_add(&r->line, "true", 4);
			else
				sb_add(&r->line, "false", 5);
			break;
		case K_BYTES:
			value_text(&r->line, f, p, r->tf);
			break;
		default:
			nc_render_cell(&r->line, m, f, r->tf);
		}
		if (!(r->plain && r->plain[c]) &&
		    cell_special(r, r->line.p + start, r->line.len - start)) {
			size_t n = r->line.len - start;
			r->cell.len = 0;
			sb_add(&r->cell, r->line.p + start, n);
			r->line.len = start;
			line_cell(r, r->cell.p, n);
		}
	}
	if (r->extra) {
		if (r->ncols)
			sb_add(&r->line, &r->sep, 1);
		line_cell(r, extra ? extra : "", extra ? strlen(extra) : 0);
	}
	sb_add(&r->line, "\n", 1);
	fwrite(r->line.p, 1, r->line.len, r->out);
	return 0;
}

int nc_render_end(struct nc_render *r)
{
	if (r->fmt == NC_FMT_TABLE)
		table_flush(r);
	else if (r->fmt != NC_FMT_JSON && !r->header_done)
		sep_header(r);
	int rc = fflush(r->out) == 0 && !ferror(r->out) ? 0 : -1;
	free(r->cols);
	free(r->width);
	free(r->cells);
	free(r->plain);
	free(r->kind);
	free(r->cell.p);
	free(r->line.p);
	free(r);
	return rc;
}
