#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Read a netcap record file with Google's protobuf library (an independent
reader, to cross-check netcap's own).

usage: read_records.py [--header] FILE.ncap.lz4|FILE.ncap

Prints one JSON object per record (google.protobuf.json_format: .proto field
names, default values included; int64 as strings and bytes as base64, as
json_format writes them). --header prints the Header record first.

The file is an LZ4 frame (decompressed with `lz4 -dc`) or a plain stream of
varint-length-delimited messages: a Header, then records of Header.Type.
The schema records/netcap.proto is compiled at run time into a descriptor
set with protoc-c (the build already needs it) or protoc.

Exit status: 0, or 1 with a message on stderr when the file is truncated or
does not parse (the records before that point are printed).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from google.protobuf import descriptor_pb2, descriptor_pool, json_format
from google.protobuf import message_factory
from google.protobuf.message import DecodeError

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "..", "..", "records")
LZ4_MAGIC = b"\x04\x22\x4d\x18"


def load_schema():
    """Compile netcap.proto; return (pool, message-class getter)."""
    compiler = shutil.which("protoc-c") or shutil.which("protoc")
    if not compiler:
        sys.exit("read_records.py: needs protoc-c or protoc on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "netcap.desc")
        subprocess.run([compiler, "--descriptor_set_out=" + out,
                        "-I" + PROTO_DIR,
                        os.path.join(PROTO_DIR, "netcap.proto")], check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        with open(out, "rb") as f:
            fds.ParseFromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)

    def message_class(full_name):
        desc = pool.FindMessageTypeByName(full_name)
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(desc)
        return message_factory.MessageFactory(pool).GetPrototype(desc)

    return pool, message_class


def read_stream(path):
    with open(path, "rb") as f:
        head = f.read(4)
    if head == LZ4_MAGIC:
        p = subprocess.run(["lz4", "-dc", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        # A truncated frame still yields what was decoded; report it later.
        return p.stdout, (p.returncode != 0)
    with open(path, "rb") as f:
        return f.read(), False


def varint(buf, pos):
    """Decode a varint at pos; return (value, next pos) or None."""
    shift = 0
    val = 0
    while pos < len(buf) and shift < 70:
        b = buf[pos]
        pos += 1
        val |= (b & 0x7F) << shift
        if not b & 0x80:
            return val, pos
        shift += 7
    return None


def messages(buf):
    """Yield (offset, bytes) per delimited message; raise at a bad tail."""
    pos = 0
    while pos < len(buf):
        v = varint(buf, pos)
        if v is None or v[1] + v[0] > len(buf):
            raise ValueError("truncated record at stream offset %d" % pos)
        length, start = v
        yield pos, buf[start:start + length]
        pos = start + length


def to_dict(msg):
    # protobuf >= 5.26 renamed the option that prints default values
    try:
        return json_format.MessageToDict(
            msg, preserving_proto_field_name=True,
            always_print_fields_with_no_presence=True)
    except TypeError:
        return json_format.MessageToDict(
            msg, preserving_proto_field_name=True,
            including_default_value_fields=True)


class ReadError(Exception):
    """A record file that does not read completely; .records has what did."""

    def __init__(self, msg, records, header):
        super().__init__(msg)
        self.records, self.header = records, header


def read_records(path, pool, message_class):
    """(header dict, [record dicts]) of a record file, or ReadError."""
    Header = message_class("netcap.Header")
    type_enum = pool.FindEnumTypeByName("netcap.Type")
    data, lz4_failed = read_stream(path)
    record_class = None
    hdr_dict = None
    recs = []
    try:
        for off, raw in messages(data):
            if record_class is None:
                hdr = Header()
                hdr.ParseFromString(raw)
                name = type_enum.values_by_number[hdr.Type].name
                record_class = message_class("netcap." + name[3:])
                hdr_dict = to_dict(hdr)
                continue
            rec = record_class()
            rec.ParseFromString(raw)
            recs.append(to_dict(rec))
    except (ValueError, DecodeError, KeyError) as e:  # keep what was read
        raise ReadError("%s: after %d records: %s" % (path, len(recs), e),
                        recs, hdr_dict)
    if record_class is None:
        raise ReadError("%s: no header" % path, recs, hdr_dict)
    if lz4_failed:
        raise ReadError("%s: lz4 -dc failed after %d records"
                        % (path, len(recs)), recs, hdr_dict)
    return hdr_dict, recs


def main(argv):
    args = [a for a in argv[1:] if a != "--header"]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    pool, message_class = load_schema()
    out = sys.stdout
    try:
        hdr, recs = read_records(args[0], pool, message_class)
        rc = 0
    except ReadError as e:
        hdr, recs = e.header, e.records
        sys.stderr.write("read_records.py: %s\n" % e)
        rc = 1
    if "--header" in argv and hdr is not None:
        out.write(json.dumps(hdr) + "\n")
    for r in recs:
        out.write(json.dumps(r) + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
