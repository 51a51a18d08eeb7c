/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rec.h: the record-type registry, generated from rec_types.def.
 */
#ifndef NC_REC_H
#define NC_REC_H

#include <stdbool.h>
#include <stdint.h>

#include "netcap.pb-c.h"

enum nc_rec {
#define X(id, name, desc, wire) NC_REC_##id,
#include "rec_types.def"
#undef X
	NC_REC_MAX
};

/*
 * Fields every record message has: Tunnel (set on inner traffic) and
 * Result (set by capture --attacks, docs/LABEL.md).
 */
#define NC_TUNNEL_FIELD 1000
#define NC_LABEL_FIELD	1001

/* Record name as in the schema and the file name, e.g. "TCP". */
const char *nc_rec_name(enum nc_rec t);
/* Octets of one value of protobuf-c type t in a message struct (an element
   of a repeated field's array): 4, 8, a pointer (strings, messages), a
   ProtobufCBinaryData (bytes), a protobuf_c_boolean. */
size_t nc_pb_type_size(ProtobufCType t);
/* protobuf-c descriptor of the record message. */
const ProtobufCMessageDescriptor *nc_rec_desc(enum nc_rec t);
/* Header.Type value written in files of this record type. */
Netcap__Type nc_rec_wire(enum nc_rec t);
/* Record type by name (exact, then case-insensitive); -1 when unknown. */
int nc_rec_by_name(const char *name);
/* Record type by Header.Type value; -1 when unknown. */
int nc_rec_by_wire(int wire);

/* A set of record types (the types a capture writes). */
struct nc_recset {
	bool on[NC_REC_MAX];
};

/*
 * Parse a comma-separated list of type names into set (names are added).
 * Returns 0, or -1 with the first unknown name copied to bad.
 */
int nc_recset_parse(struct nc_recset *set, const char *list, char *bad,
		    unsigned badlen);

#endif /* NC_REC_H */
