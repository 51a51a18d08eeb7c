/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ncfile.h: record files.
 *
 * A record file <Type>.ncap.lz4 is one standard LZ4 frame (`lz4 -dc` reads
 * it) whose content is a delimited protobuf stream: a Header record, then
 * records of one type, each preceded by its length as a protobuf varint.
 * <Type>.ncap is the same stream without compression. Writers flush one LZ4
 * block per append, so a killed writer leaves a file readable up to its last
 * complete block.
 */
#ifndef NC_NCFILE_H
#define NC_NCFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rec.h"

/* Longest varint of a 64-bit value. */
#define NC_VARINT_MAX 10

/* Write v as a protobuf varint at buf; returns the bytes written (1..10). */
size_t nc_varint_put(uint8_t *buf, uint64_t v);

/*
 * Decode a varint from [p, end). Returns bytes consumed, 0 when the input
 * ends inside the varint, -1 when it is longer than 10 bytes.
 */
int nc_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v);

/*
 * Append msg to buf as length varint + packed message. Returns the bytes
 * written, or 0 when they do not fit in cap (buf is then unchanged).
 */
size_t nc_pack_delimited(const ProtobufCMessage *msg, uint8_t *buf, size_t cap);

struct nc_writer;

struct nc_writer_opts {
	enum nc_rec type;
	const char *input_source; /* Header.InputSource */
	int64_t created;	  /* Header.Created, ns since the epoch */
	bool payloads;		  /* Header.ContainsPayloads */
	const char *label_source; /* Header.LabelSource, or NULL */
	bool compress;		  /* LZ4 frame (default) or plain .ncap */
};

/*
 * Create path (truncating) and write the Header. Returns NULL and sets
 * errno on failure.
 */
struct nc_writer *nc_writer_open(const char *path,
				 const struct nc_writer_opts *o);

/* Append len bytes of delimited records. 0, or -errno. */
int nc_writer_append(struct nc_writer *w, const uint8_t *buf, size_t len);

/* Bytes written to disk so far (compressed). */
uint64_t nc_writer_bytes(const struct nc_writer *w);

/* Finish the frame, flush and close; frees w. 0, or -errno. */
int nc_writer_close(struct nc_writer *w);

/*
 * Reopen a compressed record file to append after its first offset bytes
 * (a size nc_writer_bytes() gave after an append, so a block boundary):
 * anything after them (an end mark, a half-written block) is cut off.
 * NULL with errno set; EINVAL when the file is shorter than offset.
 */
struct nc_writer *nc_writer_resume(const char *path, uint64_t offset);
/* Close without ending the frame (nc_writer_resume goes on from
   nc_writer_bytes()); frees w. 0, or -errno. */
int nc_writer_detach(struct nc_writer *w);
/* fdatasync(2) the file. 0, or -errno. */
int nc_writer_sync(struct nc_writer *w);

struct nc_reader;

/*
 * Open a record file ("-" for stdin), compressed or not (told by the LZ4
 * magic), and read its Header. Returns NULL with a one-line message in err.
 */
struct nc_reader *nc_reader_open(const char *path, char *err, size_t errlen);
/* nc_reader_open that also says where a failure is (where: 0 unknown, 1
   *off counts file bytes, 2 bytes of the decompressed stream); where may
   be NULL. */
struct nc_reader *nc_reader_open_at(const char *path, char *err, size_t errlen,
				    uint64_t *off, int *where);

const Netcap__Header *nc_reader_header(const struct nc_reader *r);

/* Record type of the file (from Header.Type); -1 when netcap lacks it. */
int nc_reader_type(const struct nc_reader *r);

/*
 * Next record: 1 and *msg set (free with protobuf_c_message_free_unpacked),
 * 0 at a clean end of file, -1 on a truncated or corrupt file with a one-line
 * message naming the byte offset in nc_reader_error().
 */
int nc_reader_next(struct nc_reader *r, ProtobufCMessage **msg);

/*
 * nc_reader_next, but *msg belongs to r: valid until the next call or
 * nc_reader_close, not to be freed (its memory is one arena, reused per
 * record: no malloc/free per field). The record is read by the unpacker
 * generated for its type (nc_unpack_record, build/gen/netcap_pack.h), by
 * protobuf-c only when that declines: the same message either way.
 */
int nc_reader_next_tmp(struct nc_reader *r, ProtobufCMessage **msg);

/*
 * The packed bytes of the record after the one last read, when they are
 * already decompressed (a hint for prefetching: 0 otherwise, nothing
 * consumed, nothing read). *data is valid until the next nc_reader call.
 */
size_t nc_reader_peek(const struct nc_reader *r, const uint8_t **data);

const char *nc_reader_error(const struct nc_reader *r);
/* Length of a record file name's suffix: 9 for "X.ncap.lz4", 5 for
   "X.ncap" (a name before it), 0 for any other name. */
size_t nc_record_suffix(const char *name);
/* Where the last error is, when the reader knows: *off counts bytes of the
   file (*in_file) or of the decompressed record stream; false if unknown. */
bool nc_reader_error_offset(const struct nc_reader *r, uint64_t *off,
			    bool *in_file);

void nc_reader_close(struct nc_reader *r);

/*
 * A record checker: whether len bytes are one record of type t, read as a
 * reader reads it (the generated unpacker, protobuf-c where it declines),
 * without a malloc per field: one arena, reused. For records that arrive
 * without a file (netcap collect).
 */
struct nc_rcheck;
struct nc_rcheck *nc_rcheck_new(void);
bool nc_rcheck(struct nc_rcheck *c, enum nc_rec t, const uint8_t *p,
	       size_t len);
void nc_rcheck_free(struct nc_rcheck *c);

#endif /* NC_NCFILE_H */
