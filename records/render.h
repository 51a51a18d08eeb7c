/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * render.h: text renderings of records, generic over protobuf-c message
 * descriptors, so every record type (present and future) renders without
 * per-type code.
 *
 * Columns are the message's top-level fields in field-number order (the
 * .proto order; the schema is append-only) or a selection of them. Names
 * are the .proto field names (SrcIP, not srcip).
 *
 * Value notation (CSV, TSV and table cells):
 *  - integers: decimal. bool: true / false. enum: its value name (NC_TCP),
 *    the number when the schema lacks it.
 *  - double, float: the shortest "%.*g" text that reads back to the same
 *    value (0.5, 1, 3.1415926535897931); nan, inf, -inf.
 *  - timestamps (int64 fields named Timestamp, TimestampFirst, TimestampLast,
 *    Created): integer nanoseconds since the epoch, or with NC_TIME_RFC3339
 *    "2009-11-26T08:05:33.123456789Z" (UTC, always 9 fractional digits).
 *  - address bytes (name ends in IP, MAC or Address): 4 octets dotted quad,
 *    16 octets RFC 5952 text (inet_ntop: 2001:db8::1, ::ffff:1.2.3.4), 6
 *    octets lowercase colon MAC (00:11:22:aa:bb:cc), empty -> empty cell,
 *    any other length lowercase hex. Other bytes: lowercase hex.
 *  - string: as is (CSV quotes it when needed, TSV/table escape it).
 *  - sub-message: "(" its fields' cells joined by "/" ")", fields in number
 *    order, same rules inside: a TCP MSS option is "(2/4/05b4)".
 *  - repeated: the elements joined by ";": "(2/4/05b4);(1/1/)"; no elements
 *    -> empty cell.
 *  - a proto3 optional or oneof field that is not set, or a NULL
 *    sub-message: empty cell.
 * The cell notation is for reading and spreadsheets; it is not reversible
 * when strings contain ";" "/" or ")". JSON is the lossless format.
 *
 * Formats:
 *  - CSV (RFC 4180): a header line of field names, then one line per record,
 *    lines end in "\n"; a cell containing a comma, quote, CR or LF is quoted
 *    and its quotes doubled.
 *  - TSV: header line, tab-separated cells; in values backslash, tab, LF
 *    and CR become \\ \t \n \r.
 *  - JSON lines (jansson): one object per record, keys the .proto field
 *    names in number order, every field present including defaults. Integers
 *    are JSON integers (uint64 above 2^63-1 becomes a decimal string),
 *    timestamps integer ns or an RFC 3339 string, bytes as in cells
 *    (addresses as text, others hex), enums by name, repeated fields arrays,
 *    sub-messages objects, unset optional fields null, nan/inf null.
 *  - table: aligned columns for a terminal, two spaces apart, values
 *    escaped as in TSV. Rows are buffered NC_TABLE_ROWS at a time; column
 *    widths only grow from one buffer to the next.
 */
#ifndef NC_RENDER_H
#define NC_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

#include "rec.h"

enum nc_fmt { NC_FMT_CSV, NC_FMT_TSV, NC_FMT_JSON, NC_FMT_TABLE };
enum nc_timefmt { NC_TIME_NS, NC_TIME_RFC3339 };

#define NC_TABLE_ROWS 1000

/* A growable string; zero-initialize, free p when done. */
struct nc_sb {
	char *p;
	size_t len, cap;
};

void nc_sb_add(struct nc_sb *sb, const char *s, size_t n);
void nc_sb_puts(struct nc_sb *sb, const char *s);

/* Is f rendered as an address / as a timestamp? */
bool nc_render_is_addr(const ProtobufCFieldDescriptor *f);
bool nc_render_is_time(const ProtobufCFieldDescriptor *f);

/* Address text of len octets (rules above) into out; returns strlen. */
size_t nc_render_addr(const uint8_t *p, size_t len, char *out, size_t cap);
/* RFC 3339 UTC text of ns since the epoch; returns strlen. */
size_t nc_render_time(int64_t ns, char *out, size_t cap);
/* Shortest round-trip text of v; returns strlen. */
size_t nc_render_double(double v, char *out, size_t cap);

/* Append the cell text of field f of m (notation above) to sb. */
void nc_render_cell(struct nc_sb *sb, const ProtobufCMessage *m,
		    const ProtobufCFieldDescriptor *f, enum nc_timefmt tf);

/*
 * JSON object of m with the given columns (indexes into descriptor fields;
 * cols NULL: all fields). New reference; NULL only when out of memory.
 */
json_t *nc_render_json(const ProtobufCMessage *m, const unsigned *cols,
		       unsigned ncols, enum nc_timefmt tf);

/*
 * Write m (those columns) as one compact JSON line; doubles with the
 * fewest digits that read back exactly. 0, or -1 when out of memory.
 */
int nc_render_json_line(FILE *out, const ProtobufCMessage *m,
			const unsigned *cols, unsigned ncols,
			enum nc_timefmt tf);

/*
 * Parse a comma-separated list of field names of d (exact match first,
 * then case-insensitive) into field indexes. Returns the count, or -1 with
 * a one-line message naming the bad field and the valid ones in err.
 */
int nc_render_select(const ProtobufCMessageDescriptor *d, const char *list,
		     unsigned *cols, unsigned maxcols, char *err,
		     size_t errlen);

/* Write "Name: value" lines, one per field of m, in cell notation. */
void nc_render_kv(FILE *out, const ProtobufCMessage *m, enum nc_timefmt tf);

/*
 * The Result field (number NC_LABEL_FIELD, rec.h) of every record type is set
 * only by capture --attacks, whose files name their lists in
 * Header.LabelSource: renderings show it for those files only, and never
 * in a record embedded in another (Vulnerability's Software). Fills cols
 * with the indexes of every field of d but Result (with it when labelled);
 * returns the count. cols holds d->n_fields.
 */
unsigned nc_render_record_cols(const ProtobufCMessageDescriptor *d,
			       bool labelled, unsigned *cols);

struct nc_render;

/*
 * A renderer of records of type d to out. cols: field indexes (copied),
 * NULL for all fields. NULL when out of memory.
 */
struct nc_render *nc_render_new(FILE *out, enum nc_fmt fmt, enum nc_timefmt tf,
				const ProtobufCMessageDescriptor *d,
				const unsigned *cols, unsigned ncols);

/* Render one record (of descriptor d). 0, or -1 when out of memory. */
int nc_render_row(struct nc_render *r, const ProtobufCMessage *m);

/*
 * CSV and TSV only, set before the first row: sep separates cells instead
 * of ',' or tab (CSV then quotes cells that contain sep); a trailing column
 * named name follows the record's columns, its cell given to
 * nc_render_row_extra (netcap label's "result").
 */
void nc_render_set_sep(struct nc_render *r, char sep);
void nc_render_set_extra(struct nc_render *r, const char *name);
int nc_render_row_extra(struct nc_render *r, const ProtobufCMessage *m,
			const char *extra);

/*
 * Write what is buffered (the table; the CSV/TSV header when no row came)
 * and free r. Returns 0, or -1 when out had a write error.
 */
int nc_render_end(struct nc_render *r);

#endif /* NC_RENDER_H */
