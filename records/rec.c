/* SPDX-License-Identifier: BSD-3-Clause */
#include "rec.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const rec_names[NC_REC_MAX] = {
#define X(id, name, desc, wire) [NC_REC_##id] = #name,
#include "rec_types.def"
#undef X
};

static const ProtobufCMessageDescriptor *const rec_descs[NC_REC_MAX] = {
#define X(id, name, desc, wire) [NC_REC_##id] = &desc,
#include "rec_types.def"
#undef X
};

static const Netcap__Type rec_wires[NC_REC_MAX] = {
#define X(id, name, desc, wire) [NC_REC_##id] = wire,
#include "rec_types.def"
#undef X
};

const char *nc_rec_name(enum nc_rec t)
{
	return t < NC_REC_MAX ? rec_names[t] : "?";
}

const ProtobufCMessageDescriptor *nc_rec_desc(enum nc_rec t)
{
	return t < NC_REC_MAX ? rec_descs[t] : NULL;
}

Netcap__Type nc_rec_wire(enum nc_rec t)
{
	return t < NC_REC_MAX ? rec_wires[t] : NETCAP__TYPE__NC_Header;
}

int nc_rec_by_name(const char *name)
{
	for (int i = 0; i < NC_REC_MAX; i++)
		if (strcmp(rec_names[i], name) == 0)
			return i;
	for (int i = 0; i < NC_REC_MAX; i++)
		if (strcasecmp(rec_names[i], name) == 0)
			return i;
	return -1;
}

int nc_rec_by_wire(int wire)
{
	for (int i = 0; i < NC_REC_MAX; i++)
		if ((int)rec_wires[i] == wire)
			return i;
	return -1;
}

int nc_recset_parse(struct nc_recset *set, const char *list, char *bad,
		    unsigned badlen)
{
	char name[64];
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");
		if (n > 0) {
			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			memcpy(name, p, n);
			name[n] = '\0';
			int t = nc_rec_by_name(name);
			if (t < 0) {
				snprintf(bad, badlen, "%s", name);
				return -1;
			}
			set->on[t] = true;
		}
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

size_t nc_pb_type_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	}
	return 0;
}
