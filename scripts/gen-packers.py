#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""gen-packers.py: generate direct protobuf packers and unpackers from
records/netcap.proto.

    gen-packers.py records/netcap.proto build/gen/netcap_pack [--no-records]

writes build/gen/netcap_pack.h and build/gen/netcap_pack.c (build outputs,
never committed). For every message M of the schema they hold

    size_t nc_size_M(const Netcap__M *m);       exact packed size
    size_t nc_pack_M(const Netcap__M *m, uint8_t *buf, size_t cap);
    int nc_unpack_M(const uint8_t *p, size_t len, ProtobufCAllocator *al,
                    Netcap__M **out);           1, or 0: ask protobuf-c

and record-type dispatchers over records/rec_types.def (see the header;
--no-records leaves them out, for other schemas such as
test/unit/unpack_types.proto). The unpackers are described in the
"unpackers" comment below; the rest of this text is about the packers.

The bytes are exactly what protobuf-c 1.4 writes for the same struct
(test/unit/test_packers.c proves it on random messages of every record
type): fields in field-number order, proto3 implicit presence (a field is
left out when it is 0, false, a double equal to 0.0 (so -0.0 too), an empty
or NULL string, bytes of length 0, a NULL sub-message), int32 and enum
values sign-extended to 10-byte varints when negative, bool written as 1,
repeated sub-messages as one length-delimited entry each.

Packing is a size pass (no stores) and then a write pass without bounds
checks, so nothing is written when the message does not fit.
Sub-message lengths in the write pass: one byte is reserved and the body
moved only when it is 128 bytes or longer (never in practice).

Only the proto3 subset netcap uses is accepted: top-level messages and
enums, singular and repeated scalar/string/bytes/enum/message fields
(repeated numeric fields packed, as proto3 and protoc-c do by default). Anything else stops the build with a message naming the
line, so the schema cannot silently outgrow the generator.
"""
import os
import re
import sys

VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5

# proto scalar type -> (C value expression template, wire type, kind)
SCALARS = {
    # through int32_t: an enum whose values are all >= 0 may have an
    # unsigned C type, but protobuf-c packs its negative values as int32
    "int32": ("(uint64_t)(int64_t)(int32_t){v}", VARINT, "varint"),
    "int64": ("(uint64_t){v}", VARINT, "varint"),
    "uint32": ("(uint64_t){v}", VARINT, "varint"),
    "uint64": ("(uint64_t){v}", VARINT, "varint"),
    "sint32": ("(uint64_t)(((uint32_t){v} << 1) ^ (uint32_t)((int32_t){v} >> 31))", VARINT, "varint"),
    "sint64": ("(((uint64_t){v} << 1) ^ (uint64_t)((int64_t){v} >> 63))", VARINT, "varint"),
    "bool": (None, VARINT, "bool"),
    "double": (None, FIXED64, "double"),
    "float": (None, FIXED32, "float"),
    "fixed32": ("(uint32_t){v}", FIXED32, "fixed32"),
    "sfixed32": ("(uint32_t){v}", FIXED32, "fixed32"),
    "fixed64": ("(uint64_t){v}", FIXED64, "fixed64"),
    "sfixed64": ("(uint64_t){v}", FIXED64, "fixed64"),
    "string": (None, LENGTH, "string"),
    "bytes": (None, LENGTH, "bytes"),
}

# protoc-c appends '_' to field names that are C or C++ keywords (its
# keyword list is protobuf's C++ one: "class" becomes "class_").
C_KEYWORDS = set("""and and_eq asm auto bitand bitor bool break case catch
char class compl const const_cast continue default delete do double
dynamic_cast else enum explicit export extern false float for friend goto if
inline int long mutable namespace new not not_eq operator or or_eq private
protected public register reinterpret_cast return short signed sizeof static
static_cast struct switch template this throw true try typedef typeid
typename union unsigned using virtual void volatile wchar_t while xor
xor_eq""".split())


class Field:
    def __init__(self, name, ftype, number, repeated, line):
        self.name, self.type, self.number = name, ftype, number
        self.repeated, self.line = repeated, line
        c = name.lower()
        self.c = c + "_" if c in C_KEYWORDS else c


class Message:
    def __init__(self, name, line):
        self.name, self.line, self.fields = name, line, []
        # every field, APPENDED_FIELD too: what the unpackers read
        self.read_fields = []


def fail(path, line, msg):
    sys.exit("%s:%d: gen-packers: %s" % (path, line, msg))


def strip_comments(text):
    """Blank out comments, keeping line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


TOKEN = re.compile(r'[A-Za-z_][A-Za-z0-9_.]*|-?\d+|"[^"]*"|\S')


def tokenize(text):
    """(token, line number) pairs."""
    toks = []
    for n, line in enumerate(text.split("\n"), 1):
        toks.extend((t, n) for t in TOKEN.findall(line))
    return toks


# Result (1001), in every record message, is not packed here: only
# capture --attacks sets it, and app/worker.c appends it to the packed
# record (protobuf allows fields in any order; it is the last anyway), so
# the packers of every other capture do not test it on every record.
APPENDED_FIELD = 1001

# The unpackers take keys (field number << 3 | wire type) of one or two
# octets, so field numbers below 2048; parse() refuses larger ones.
UN_KEY_FIELDS = 1 << 11


def parse(path):
    with open(path) as f:
        toks = tokenize(strip_comments(f.read()))
    package, messages, enums = "", [], set()
    i = 0

    def expect(tok):
        nonlocal i
        if i >= len(toks) or toks[i][0] != tok:
            fail(path, toks[min(i, len(toks) - 1)][1], "expected '%s'" % tok)
        i += 1

    def skip_statement():
        nonlocal i
        while toks[i][0] != ";":
            i += 1
        i += 1

    while i < len(toks):
        tok, line = toks[i]
        if tok in ("syntax", "option", "import"):
            if tok == "syntax" and '"proto3"' not in [t for t, _ in toks[i:i + 4]]:
                fail(path, line, "only proto3 is supported")
            skip_statement()
        elif tok == "package":
            package = toks[i + 1][0]
            i += 2
            expect(";")
        elif tok == "enum":
            enums.add(toks[i + 1][0])
            i += 2
            expect("{")
            while toks[i][0] != "}":
                i += 1
            i += 1
        elif tok == "message":
            msg = Message(toks[i + 1][0], line)
            i += 2
            expect("{")
            while toks[i][0] != "}":
                tok, line = toks[i]
                if tok == "reserved" or tok == "option":
                    skip_statement()
                    continue
                if tok in ("message", "enum", "oneof", "map", "optional",
                           "extensions", "extend", "group", "required"):
                    fail(path, line, "'%s' is not supported" % tok)
                repeated = tok == "repeated"
                if repeated:
                    i += 1
                ftype, name = toks[i][0], toks[i + 1][0]
                i += 2
                expect("=")
                try:
                    number = int(toks[i][0])
                except ValueError:
                    fail(path, toks[i][1], "bad field number")
                i += 1
                if toks[i][0] == "[":
                    fail(path, line, "field options are not supported")
                expect(";")
                f = Field(name, ftype, number, repeated, line)
                msg.read_fields.append(f)
                if number != APPENDED_FIELD:
                    msg.fields.append(f)
            i += 1
            messages.append(msg)
        else:
            fail(path, line, "unexpected '%s'" % tok)

    names = {m.name for m in messages}
    for m in messages:
        seen = set()
        for f in m.read_fields:
            if f.number in seen or not 0 < f.number < (1 << 29):
                fail(path, f.line, "bad or duplicate field number %d" % f.number)
            seen.add(f.number)
            if f.type.startswith(".") or "." in f.type:
                fail(path, f.line, "qualified type names are not supported")
            if f.type in enums:
                f.kind = "enum"
            elif f.type in names:
                f.kind = "message"
            elif f.type in SCALARS:
                f.kind = "scalar"
            else:
                fail(path, f.line, "unknown type '%s'" % f.type)
            if f.number >= UN_KEY_FIELDS:
                fail(path, f.line, "field number %d: the unpackers read "
                     "keys of at most 2 octets (numbers below %d)" %
                     (f.number, UN_KEY_FIELDS))
        # protoc-c orders descriptor fields (and so the wire) by number
        m.fields.sort(key=lambda f: f.number)
        m.read_fields.sort(key=lambda f: f.number)
    return package, messages


def c_prefix(package):
    """protoc-c's C name prefix of a package, e.g. netcap -> Netcap__."""
    if not package:
        return ""
    parts = []
    for p in package.split("."):
        parts.append("".join(w[:1].upper() + w[1:] for w in p.split("_")))
    return "__".join(parts) + "__"


def varint_bytes(v):
    out = []
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return out


def tag_of(f, wire):
    return varint_bytes(f.number << 3 | wire)


def put_tag(tb, ind):
    """C statements storing the constant tag bytes."""
    stores = "; ".join("p[%d] = 0x%02x" % (k, b) for k, b in enumerate(tb))
    return "%s%s;\n%sp += %d;\n" % (ind, stores, ind, len(tb))


def scalar_of(f):
    return SCALARS["int32"] if f.kind == "enum" else SCALARS[f.type]


def packed_payload(f, v, ind):
    """C statements leaving the packed payload size of v in `pl`."""
    expr, wire, kind = scalar_of(f)
    n = "m->n_" + f.c
    if kind == "varint":
        return ("%ssize_t pl = 0;\n%sfor (size_t i = 0; i < %s; i++)\n"
                "%s\tpl += pk_vlen(%s);\n" %
                (ind, ind, n, ind, expr.format(v=v + "[i]")))
    width = {"bool": 1, "double": 8, "float": 4, "fixed32": 4,
             "fixed64": 8}[kind]
    return "%ssize_t pl = %s * %d;\n" % (ind, n, width)


def gen_rep_size(f, v):
    """Size of a repeated scalar, string or bytes field."""
    expr, wire, kind = scalar_of(f)
    n = "m->n_" + f.c
    if kind in ("string", "bytes"):
        tl = len(tag_of(f, LENGTH))
        ln = ("(%s[i] ? strlen(%s[i]) : 0)" % (v, v) if kind == "string"
              else "%s[i].len" % v)
        return ("\tfor (size_t i = 0; i < %s; i++) {\n"
                "\t\tsize_t l = %s;\n"
                "\t\tn += %d + pk_vlen(l) + l;\n\t}\n" % (n, ln, tl))
    tl = len(tag_of(f, LENGTH))
    return ("\tif (%s) {\n%s\t\tn += %d + pk_vlen(pl) + pl;\n\t}\n" %
            (n, packed_payload(f, v, "\t\t"), tl))


def gen_rep_put(f, v):
    """Write a repeated scalar (packed), string or bytes field."""
    expr, wire, kind = scalar_of(f)
    n = "m->n_" + f.c
    tb = tag_of(f, LENGTH)
    if kind == "string":
        return ("\tfor (size_t i = 0; i < %s; i++) {\n%s"
                "\t\tconst char *s = %s[i] ? %s[i] : \"\";\n"
                "\t\tp = pk_lenbytes(p, s, strlen(s));\n\t}\n" %
                (n, put_tag(tb, "\t\t"), v, v))
    if kind == "bytes":
        return ("\tfor (size_t i = 0; i < %s; i++) {\n%s"
                "\t\tp = pk_lenbytes(p, %s[i].data, %s[i].len);\n\t}\n" %
                (n, put_tag(tb, "\t\t"), v, v))
    o = ["\tif (%s) {\n" % n, packed_payload(f, v, "\t\t"),
         put_tag(tb, "\t\t"), "\t\tp = pk_varint(p, pl);\n",
         "\t\tfor (size_t i = 0; i < %s; i++)\n" % n]
    e = v + "[i]"
    if kind == "varint":
        o.append("\t\t\tp = pk_varint(p, %s);\n" % expr.format(v=e))
    elif kind == "bool":
        o.append("\t\t\t*p++ = %s ? 1 : 0;\n" % e)
    elif kind in ("double", "float"):
        o.append("\t\t\tp = pk_%s(p, %s);\n" % (kind, e))
    else:
        o.append("\t\t\tp = pk_le(p, %s, %d);\n" %
                 (expr.format(v=e), 4 if kind == "fixed32" else 8))
    o.append("\t}\n")
    return "".join(o)


# Singular sub-message fields numbered from COLD_FIELD on (the Tunnel field,
# 1000, of every record) are set on few records: their code is moved out of
# line, behind pk_unlikely, so the packers of the common records stay as
# short as before the field existed.
COLD_FIELD = 1000


def is_cold(f):
    return f.kind == "message" and not f.repeated and f.number >= COLD_FIELD


def cold_name(what, f):
    return "cold%s_%s_%d" % (what, f.type, f.number)


def gen_cold(messages, prefix):
    """The out-of-line size, bound and write of each cold field."""
    seen, o = set(), []
    for m in messages:
        for f in m.fields:
            if not is_cold(f) or (f.type, f.number) in seen:
                continue
            seen.add((f.type, f.number))
            tb = tag_of(f, LENGTH)
            t = "const %s%s *v" % (prefix, f.type)
            o.append("static __attribute__((noinline, cold)) size_t\n"
                     "%s(%s)\n{\n\tsize_t l = nc_size_%s(v);\n\n"
                     "\treturn %d + pk_vlen(l) + l;\n}\n\n" %
                     (cold_name("size", f), t, f.type, len(tb)))
            o.append("static __attribute__((noinline, cold)) size_t\n"
                     "%s(%s)\n{\n\treturn %d + bound_%s(v);\n}\n\n" %
                     (cold_name("bound", f), t, len(tb) + 10, f.type))
            o.append("static __attribute__((noinline, cold)) uint8_t *\n"
                     "%s(uint8_t *p, %s)\n{\n%s"
                     "\treturn pk_sub(p, put_%s(v, p + 1));\n}\n\n" %
                     (cold_name("put", f), t, put_tag(tb, "\t"), f.type))
    return "".join(o)


def gen_size(m, prefix):
    o = []
    o.append("size_t nc_size_%s(const %s%s *m)\n{\n\tsize_t n = 0;\n\n" %
             (m.name, prefix, m.name))
    for f in m.fields:
        v = "m->" + f.c
        if f.kind == "message":
            tl = len(tag_of(f, LENGTH))
            if f.repeated:
                o.append("\tfor (size_t i = 0; i < m->n_%s; i++) {\n" % f.c)
                o.append("\t\tsize_t l = nc_size_%s(%s[i]);\n" % (f.type, v))
                o.append("\t\tn += %d + pk_vlen(l) + l;\n\t}\n" % tl)
            elif is_cold(f):
                o.append("\tif (pk_unlikely(%s))\n\t\tn += %s(%s);\n" %
                         (v, cold_name("size", f), v))
            else:
                o.append("\tif (%s) {\n" % v)
                o.append("\t\tsize_t l = nc_size_%s(%s);\n" % (f.type, v))
                o.append("\t\tn += %d + pk_vlen(l) + l;\n\t}\n" % tl)
            continue
        if f.repeated:
            o.append(gen_rep_size(f, v))
            continue
        if f.kind == "enum":
            expr, wire, kind = SCALARS["int32"]
        else:
            expr, wire, kind = SCALARS[f.type]
        tl = len(tag_of(f, wire))
        if kind == "varint":
            o.append("\tif (%s)\n\t\tn += %d + pk_vlen(%s);\n" %
                     (v, tl, expr.format(v=v)))
        elif kind == "bool":
            o.append("\tif (%s)\n\t\tn += %d;\n" % (v, tl + 1))
        elif kind in ("double", "float"):
            o.append("\tif (%s != 0)\n\t\tn += %d;\n" %
                     (v, tl + (8 if kind == "double" else 4)))
        elif kind in ("fixed32", "fixed64"):
            o.append("\tif (%s)\n\t\tn += %d;\n" %
                     (v, tl + (4 if kind == "fixed32" else 8)))
        elif kind == "string":
            o.append("\tif (%s && %s[0]) {\n" % (v, v))
            o.append("\t\tsize_t l = strlen(%s);\n" % v)
            o.append("\t\tn += %d + pk_vlen(l) + l;\n\t}\n" % tl)
        elif kind == "bytes":
            o.append("\tif (%s.len)\n" % v)
            o.append("\t\tn += %d + pk_vlen(%s.len) + %s.len;\n" % (tl, v, v))
    o.append("\treturn n;\n}\n\n")
    return "".join(o)


def gen_bound(m, prefix):
    """An upper bound of the packed size, cheaper than the exact size:
    every varint (tags aside) counted at its most, 10 octets."""
    const, dyn = 0, []
    for f in m.fields:
        v = "m->" + f.c
        if f.kind == "message":
            tl = len(tag_of(f, LENGTH))
            if f.repeated:
                dyn.append("\tfor (size_t i = 0; i < m->n_%s; i++)\n"
                           "\t\tn += %d + bound_%s(%s[i]);\n" %
                           (f.c, tl + 10, f.type, v))
            elif is_cold(f):
                dyn.append("\tif (pk_unlikely(%s))\n\t\tn += %s(%s);\n" %
                           (v, cold_name("bound", f), v))
            else:
                dyn.append("\tif (%s)\n\t\tn += %d + bound_%s(%s);\n" %
                           (v, tl + 10, f.type, v))
            continue
        expr, wire, kind = scalar_of(f)
        if f.repeated:
            tl = len(tag_of(f, LENGTH))
            n = "m->n_" + f.c
            if kind == "string":
                dyn.append("\tfor (size_t i = 0; i < %s; i++)\n"
                           "\t\tn += %d + (%s[i] ? strlen(%s[i]) : 0);\n" %
                           (n, tl + 10, v, v))
            elif kind == "bytes":
                dyn.append("\tfor (size_t i = 0; i < %s; i++)\n"
                           "\t\tn += %d + %s[i].len;\n" % (n, tl + 10, v))
            else:
                width = {"varint": 10, "bool": 1, "double": 8, "float": 4,
                         "fixed32": 4, "fixed64": 8}[kind]
                dyn.append("\tn += %d + %s * %d;\n" % (tl + 10, n, width))
            continue
        tl = len(tag_of(f, wire))
        if kind == "varint":
            const += tl + 10
        elif kind == "bool":
            const += tl + 1
        elif kind in ("double", "fixed64"):
            const += tl + 8
        elif kind in ("float", "fixed32"):
            const += tl + 4
        elif kind == "string":
            dyn.append("\tif (%s)\n\t\tn += %d + strlen(%s);\n" %
                       (v, tl + 10, v))
        elif kind == "bytes":
            dyn.append("\tn += %d + %s.len;\n" % (tl + 10, v))
    return ("static size_t bound_%s(const %s%s *m)\n{\n\tsize_t n = %d;\n\n"
            "%s\t(void)m;\n\treturn n;\n}\n\n" %
            (m.name, prefix, m.name, const, "".join(dyn)))


def gen_put(m, prefix):
    o = []
    o.append("static uint8_t *put_%s(const %s%s *m, uint8_t *p)\n{\n" %
             (m.name, prefix, m.name))
    for f in m.fields:
        v = "m->" + f.c
        if f.kind == "message":
            tb = tag_of(f, LENGTH)
            if f.repeated:
                o.append("\tfor (size_t i = 0; i < m->n_%s; i++) {\n" % f.c)
                o.append(put_tag(tb, "\t\t"))
                o.append("\t\tp = pk_sub(p, put_%s(%s[i], p + 1));\n\t}\n" %
                         (f.type, v))
            elif is_cold(f):
                o.append("\tif (pk_unlikely(%s))\n\t\tp = %s(p, %s);\n" %
                         (v, cold_name("put", f), v))
            else:
                o.append("\tif (%s) {\n" % v)
                o.append(put_tag(tb, "\t\t"))
                o.append("\t\tp = pk_sub(p, put_%s(%s, p + 1));\n\t}\n" %
                         (f.type, v))
            continue
        if f.repeated:
            o.append(gen_rep_put(f, v))
            continue
        if f.kind == "enum":
            expr, wire, kind = SCALARS["int32"]
        else:
            expr, wire, kind = SCALARS[f.type]
        tb = tag_of(f, wire)
        if kind == "varint":
            o.append("\tif (%s) {\n" % v)
            o.append(put_tag(tb, "\t\t"))
            o.append("\t\tp = pk_varint(p, %s);\n\t}\n" % expr.format(v=v))
        elif kind == "bool":
            o.append("\tif (%s) {\n" % v)
            o.append(put_tag(tb + [1], "\t\t"))
            o.append("\t}\n")
        elif kind in ("double", "float"):
            o.append("\tif (%s != 0) {\n" % v)
            o.append(put_tag(tb, "\t\t"))
            o.append("\t\tp = pk_%s(p, %s);\n\t}\n" % (kind, v))
        elif kind in ("fixed32", "fixed64"):
            o.append("\tif (%s) {\n" % v)
            o.append(put_tag(tb, "\t\t"))
            o.append("\t\tp = pk_le(p, %s, %d);\n\t}\n" %
                     (expr.format(v=v), 4 if kind == "fixed32" else 8))
        elif kind == "string":
            o.append("\tif (%s && %s[0]) {\n" % (v, v))
            o.append(put_tag(tb, "\t\t"))
            o.append("\t\tp = pk_lenbytes(p, %s, strlen(%s));\n\t}\n" % (v, v))
        elif kind == "bytes":
            o.append("\tif (%s.len) {\n" % v)
            o.append(put_tag(tb, "\t\t"))
            o.append("\t\tp = pk_lenbytes(p, %s.data, %s.len);\n\t}\n" % (v, v))
    o.append("\treturn p;\n}\n\n")
    return "".join(o)


HELPERS = r"""
#define pk_unlikely(x) __builtin_expect(!!(x), 0)
#define pk_likely(x)   __builtin_expect(!!(x), 1)

/* Bytes of v as a varint (1..10). */
static inline size_t pk_vlen(uint64_t v)
{
	return (size_t)(((63 - __builtin_clzll(v | 1)) * 9 + 73) >> 6);
}

static inline uint8_t *pk_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* n (4 or 8) bytes of v, little-endian. */
static inline uint8_t *pk_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		p[k] = (uint8_t)(v >> (8 * k));
	return p + n;
}

static inline uint8_t *pk_double(uint8_t *p, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return pk_le(p, v, 8);
}

static inline uint8_t *pk_float(uint8_t *p, float f)
{
	uint32_t v;

	memcpy(&v, &f, sizeof(v));
	return pk_le(p, v, 4);
}

static inline uint8_t *pk_lenbytes(uint8_t *p, const void *d, size_t len)
{
	const uint8_t *s = d;

	p = pk_varint(p, len);
	if (len >= 4 && len <= 16) {
		/* addresses and MACs: two overlapping moves, not a call */
		if (len >= 8) {
			uint64_t a, b;
			memcpy(&a, s, 8);
			memcpy(&b, s + len - 8, 8);
			memcpy(p, &a, 8);
			memcpy(p + len - 8, &b, 8);
		} else {
			uint32_t a, b;
			memcpy(&a, s, 4);
			memcpy(&b, s + len - 4, 4);
			memcpy(p, &a, 4);
			memcpy(p + len - 4, &b, 4);
		}
	} else if (len) { /* a repeated bytes element may be empty, no data */
		memcpy(p, d, len);
	}
	return p + len;
}

/*
 * A sub-message body was written at lp + 1 up to end, one byte after its
 * length lp: store the length, moving the body up when the length takes
 * more than one byte. The room for that is there: the size pass counted
 * the real length, or the bound (packd_*) ten octets for each length.
 */
static inline uint8_t *pk_sub(uint8_t *lp, uint8_t *end)
{
	size_t len = (size_t)(end - lp - 1);

	if (pk_unlikely(len >= 0x80)) {
		size_t hl = pk_vlen(len);
		memmove(lp + hl, lp + 1, len);
		pk_varint(lp, len);
		return lp + hl + len;
	}
	*lp = (uint8_t)len;
	return end;
}

"""


# ---- unpackers ---------------------------------------------------------
#
# The read side: per message a function that reads the wire bytes into the
# protobuf-c struct exactly as protobuf_c_message_unpack (1.4) does, or
# gives up (returns 0) on anything it does not handle the same way, so the
# caller can take protobuf-c then. The rules taken from protobuf-c's
# protobuf-c.c (parse_required_member, parse_packed_repeated_member and
# the scan loop of protobuf_c_message_unpack):
#
# - A singular field met again: the last value wins; a string or bytes
#   value is a fresh copy. A singular sub-message met again is merged by
#   protobuf-c: given up.
# - Varints of 1 to 10 octets; a 32-bit field keeps the low 32 bits, a
#   64-bit one the low 64 (bits past them drop). sint32/sint64 zigzag.
#   A bool is true when any value bit of its varint is set (so also when
#   only bits past 64 are). protobuf-c takes a bool in any wire type; only
#   the varint one is handled here.
# - fixed32/sfixed32/float: 4 octets, fixed64/sfixed64/double: 8, the bit
#   pattern kept (NaN payloads, -0.0).
# - Length prefixes of at most 5 octets, not past the end.
# - string: a NUL-terminated copy (a present empty string is a fresh "",
#   not the default protobuf-c's init leaves); bytes: a copy, NULL data for
#   length 0.
# - A repeated numeric field in either encoding, packed (length-delimited)
#   or one value per key, mixed too, the values in wire order; a packed run
#   that does not divide into whole values is refused (as by protobuf-c).
# - Unknown field numbers (protobuf-c keeps them as unknown fields), a key
#   longer than 2 octets, a wire type other than the field's: given up.
# - Sub-messages nested deeper than UN_DEPTH and messages over 128 MiB
#   (protobuf-c's limit of fields might apply): given up.
#
# Repeated fields take a second pass: the first stores the singular fields
# and counts the elements, then the arrays are allocated at their exact
# size and the second pass, from the first repeated element on, fills them.
# Nothing is freed: the allocator is meant to be an arena, emptied as a
# whole (records/ncfile.c); after a 0 what was allocated is garbage.


def c_lower(name):
    """protoc-c's lower-case C name of a message: Dot1Q -> dot1_q,
    ICMPv6Echo -> icmpv6_echo ('_' before a capital after a non-capital)."""
    out, prev_upper = [], True
    for ch in name:
        if ch.isupper():
            if not prev_upper:
                out.append("_")
            out.append(ch.lower())
            prev_upper = True
        else:
            out.append(ch)
            prev_upper = False
    return "".join(out)


def c_init(package, m):
    """protoc-c's initializer macro of message m, e.g. NETCAP__TCP__INIT."""
    parts = [c_lower(p) for p in package.split(".")] if package else []
    return "__".join(parts + [c_lower(m.name), "INIT"]).upper()


# value kind -> (C expression of a decoded varint v / the octets at p,
# width in octets for fixed kinds)
UN_VARINT_EXPR = {
    "int32": "(int32_t)(uint32_t)v",
    "int64": "(int64_t)v",
    "uint32": "(uint32_t)v",
    "uint64": "v",
    "sint32": "un_zz32((uint32_t)v)",
    "sint64": "un_zz64(v)",
}
UN_FIXED_EXPR = {
    "fixed32": ("un_le32(p)", 4),
    "sfixed32": ("(int32_t)un_le32(p)", 4),
    "float": ("un_f32(p)", 4),
    "fixed64": ("un_le64(p)", 8),
    "sfixed64": ("(int64_t)un_le64(p)", 8),
    "double": ("un_f64(p)", 8),
}


def un_type(f):
    """The proto scalar type f is read as (enums as int32)."""
    return "int32" if f.kind == "enum" else f.type


def un_key(f, wire):
    return f.number << 3 | wire


def un_case(f, wire, what):
    names = {VARINT: "varint", FIXED64: "64-bit", LENGTH: "length-delimited",
             FIXED32: "32-bit"}
    return "\t\tcase %d: /* %s (%d), %s%s */\n" % (
        un_key(f, wire), f.name, f.number, names[wire], what)


def un_give_up(cond, ind):
    return "%sif (%s)\n%s\treturn 0;\n" % (ind, cond, ind)


def un_first_singular(f):
    """Pass 1: a singular field, stored."""
    v = "m->" + f.c
    t = un_type(f)
    if f.kind == "message":
        return (un_case(f, LENGTH, "") +
                "\t\t\tif (!(p = un_len(p, end, &l)) || %s ||\n"
                "\t\t\t    !un_%s(p, p + l, al, &%s, depth + 1))\n"
                "\t\t\t\treturn 0;\n\t\t\tp += l;\n\t\t\tbreak;\n" %
                (v, f.type, v))
    if t in UN_VARINT_EXPR:
        return (un_case(f, VARINT, "") +
                un_give_up("!(p = un_varint(p, end, &v))", "\t\t\t") +
                "\t\t\t%s = %s;\n\t\t\tbreak;\n" % (v, UN_VARINT_EXPR[t]))
    if t == "bool":
        return (un_case(f, VARINT, "") +
                un_give_up("!(p = un_bool(p, end, &%s))" % v, "\t\t\t") +
                "\t\t\tbreak;\n")
    if t in UN_FIXED_EXPR:
        expr, w = UN_FIXED_EXPR[t]
        return (un_case(f, FIXED64 if w == 8 else FIXED32, "") +
                un_give_up("end - p < %d" % w, "\t\t\t") +
                "\t\t\t%s = %s;\n\t\t\tp += %d;\n\t\t\tbreak;\n" %
                (v, expr, w))
    if t == "string":
        return (un_case(f, LENGTH, "") +
                un_give_up("!(p = un_len(p, end, &l)) ||\n"
                           "\t\t\t    !(%s = un_str(al, p, l))" % v,
                           "\t\t\t") +
                "\t\t\tp += l;\n\t\t\tbreak;\n")
    if t == "bytes":
        return (un_case(f, LENGTH, "") +
                un_give_up("!(p = un_len(p, end, &l)) ||\n"
                           "\t\t\t    !un_bytes(al, p, l, &%s)" % v,
                           "\t\t\t") +
                "\t\t\tp += l;\n\t\t\tbreak;\n")
    raise AssertionError(t)


REP_MARK = "\t\t\tif (!rep)\n\t\t\t\trep = at;\n"


def un_first_repeated(f):
    """Pass 1: a repeated field, its elements counted."""
    n = "m->n_" + f.c
    t = un_type(f)
    if f.kind == "message" or t in ("string", "bytes"):
        return (un_case(f, LENGTH, ", counted") + REP_MARK +
                un_give_up("!(p = un_len(p, end, &l))", "\t\t\t") +
                "\t\t\tp += l;\n\t\t\t%s++;\n\t\t\tbreak;\n" % n)
    if t in UN_FIXED_EXPR:
        w = UN_FIXED_EXPR[t][1]
        return (un_case(f, LENGTH, " (packed), counted") + REP_MARK +
                un_give_up("!(p = un_len(p, end, &l)) || l %% %d" % w,
                           "\t\t\t") +
                "\t\t\tp += l;\n\t\t\t%s += l / %d;\n\t\t\tbreak;\n" %
                (n, w) +
                un_case(f, FIXED64 if w == 8 else FIXED32, ", counted") +
                REP_MARK + un_give_up("end - p < %d" % w, "\t\t\t") +
                "\t\t\tp += %d;\n\t\t\t%s++;\n\t\t\tbreak;\n" % (w, n))
    # varints and bools: a packed run holds as many values as octets that
    # end a varint; a run cut inside a varint is refused in pass 2
    return (un_case(f, LENGTH, " (packed), counted") + REP_MARK +
            un_give_up("!(p = un_len(p, end, &l))", "\t\t\t") +
            "\t\t\t%s += un_count_varints(p, l);\n"
            "\t\t\tp += l;\n\t\t\tbreak;\n" % n +
            un_case(f, VARINT, ", counted") + REP_MARK +
            un_give_up("!(p = un_varint(p, end, &v))", "\t\t\t") +
            "\t\t\t%s++;\n\t\t\tbreak;\n" % n)


def un_second(f):
    """Pass 2: the elements of a repeated field, stored."""
    a, n, cap = "m->" + f.c, "m->n_" + f.c, "cap_" + f.c
    full = "%s == %s" % (n, cap)
    t = un_type(f)
    if f.kind == "message":
        return (un_case(f, LENGTH, "") +
                un_give_up("!(p = un_len(p, end, &l)) || %s ||\n"
                           "\t\t\t    !un_%s(p, p + l, al, &%s[%s], "
                           "depth + 1)" % (full, f.type, a, n), "\t\t\t") +
                "\t\t\t%s++;\n\t\t\tp += l;\n\t\t\tbreak;\n" % n)
    if t == "string":
        return (un_case(f, LENGTH, "") +
                un_give_up("!(p = un_len(p, end, &l)) || %s ||\n"
                           "\t\t\t    !(%s[%s] = un_str(al, p, l))" %
                           (full, a, n), "\t\t\t") +
                "\t\t\t%s++;\n\t\t\tp += l;\n\t\t\tbreak;\n" % n)
    if t == "bytes":
        return (un_case(f, LENGTH, "") +
                un_give_up("!(p = un_len(p, end, &l)) || %s ||\n"
                           "\t\t\t    !un_bytes(al, p, l, &%s[%s])" %
                           (full, a, n), "\t\t\t") +
                "\t\t\t%s++;\n\t\t\tp += l;\n\t\t\tbreak;\n" % n)
    if t in UN_FIXED_EXPR:
        expr, w = UN_FIXED_EXPR[t]
        return (un_case(f, LENGTH, " (packed)") +
                un_give_up("!(p = un_len(p, end, &l)) || l %% %d ||\n"
                           "\t\t\t    l / %d > %s - %s" % (w, w, cap, n),
                           "\t\t\t") +
                "\t\t\tfor (const uint8_t *e = p + l; p < e; p += %d)\n"
                "\t\t\t\t%s[%s++] = %s;\n\t\t\tbreak;\n" % (w, a, n, expr) +
                un_case(f, FIXED64 if w == 8 else FIXED32, "") +
                un_give_up("end - p < %d || %s" % (w, full), "\t\t\t") +
                "\t\t\t%s[%s++] = %s;\n\t\t\tp += %d;\n\t\t\tbreak;\n" %
                (a, n, expr, w))
    if t == "bool":
        one = "un_bool(p, %s, &%s[%s])"
        return (un_case(f, LENGTH, " (packed)") +
                un_give_up("!(p = un_len(p, end, &l))", "\t\t\t") +
                "\t\t\tfor (const uint8_t *e = p + l; p < e; %s++)\n"
                "\t\t\t\tif (%s || !(p = %s))\n\t\t\t\t\treturn 0;\n"
                "\t\t\tbreak;\n" % (n, full, one % ("e", a, n)) +
                un_case(f, VARINT, "") +
                un_give_up("%s || !(p = %s)" % (full, one % ("end", a, n)),
                           "\t\t\t") +
                "\t\t\t%s++;\n\t\t\tbreak;\n" % n)
    expr = UN_VARINT_EXPR[t]
    return (un_case(f, LENGTH, " (packed)") +
            un_give_up("!(p = un_len(p, end, &l))", "\t\t\t") +
            "\t\t\tfor (const uint8_t *e = p + l; p < e;) {\n"
            "\t\t\t\tif (%s || !(p = un_varint(p, e, &v)))\n"
            "\t\t\t\t\treturn 0;\n"
            "\t\t\t\t%s[%s++] = %s;\n\t\t\t}\n\t\t\tbreak;\n" %
            (full, a, n, expr) +
            un_case(f, VARINT, "") +
            un_give_up("%s || !(p = un_varint(p, end, &v))" % full,
                       "\t\t\t") +
            "\t\t\t%s[%s++] = %s;\n\t\t\tbreak;\n" % (a, n, expr))


def un_signature(m, prefix):
    return ("static int un_%s(const uint8_t *p, const uint8_t *end,\n"
            "\t\tProtobufCAllocator *al, %s%s **out, unsigned depth)" %
            (m.name, prefix, m.name))


def gen_unpack(m, prefix, package):
    reps = [f for f in m.read_fields if f.repeated]
    o = [un_signature(m, prefix), "\n{\n"]
    o.append("\t%s%s *m;\n" % (prefix, m.name))
    if reps:
        o.append("\tconst uint8_t *rep = NULL; /* first repeated element */\n")
    decl = len(o)
    o.append("\tif (depth > UN_DEPTH ||\n"
             "\t    !(m = un_alloc(al, sizeof(*m))))\n\t\treturn 0;\n")
    o.append("\t*m = (%s%s)%s;\n" % (prefix, m.name, c_init(package, m)))
    o.append("\twhile (p < end) {\n")
    if reps:
        o.append("\t\tconst uint8_t *at = p;\n\n")
    o.append("\t\tif (!(p = un_key(p, end, &key)))\n\t\t\treturn 0;\n")
    o.append("\t\tswitch (key) {\n")
    for f in m.read_fields:
        o.append(un_first_repeated(f) if f.repeated
                 else un_first_singular(f))
    o.append("\t\tdefault: /* unknown field or wire type */\n"
             "\t\t\treturn 0;\n\t\t}\n\t}\n")
    if reps:
        o.append("\tif (rep) {\n")
        for f in reps:
            o.append("\t\tsize_t cap_%s = m->n_%s;\n" % (f.c, f.c))
        o.append("\n")
        for f in reps:
            o.append("\t\tif (cap_%s &&\n"
                     "\t\t    !(m->%s = un_alloc(al, cap_%s * "
                     "sizeof(*m->%s))))\n\t\t\treturn 0;\n"
                     "\t\tm->n_%s = 0;\n" % (f.c, f.c, f.c, f.c, f.c))
        o.append("\t\tfor (p = rep; p < end;) {\n"
                 "\t\t\tif (!(p = un_key(p, end, &key)))\n"
                 "\t\t\t\treturn 0;\n\t\t\tswitch (key) {\n")
        body = "".join(un_second(f) for f in reps)
        # one level deeper than pass 1's cases
        o.append("\n".join(("\t" + ln) if ln else ln
                           for ln in body.split("\n")))
        o.append("\t\t\tdefault:\n"
                 "\t\t\t\tif (!(p = un_skip(p, end, key)))\n"
                 "\t\t\t\t\treturn 0;\n\t\t\t}\n\t\t}\n")
        # every element counted in pass 1 was stored in pass 2
        for f in reps:
            o.append("\t\tif (m->n_%s != cap_%s)\n\t\t\treturn 0;\n" %
                     (f.c, f.c))
        o.append("\t}\n")
    o.append("\t*out = m;\n\treturn 1;\n}\n\n")
    body = "".join(o[decl:])
    o.insert(decl, "".join(
        "\t%s;\n" % d for u, d in (("&v)", "uint64_t v"), ("&l)", "size_t l"))
        if u in body) + "\tuint32_t key;\n\n")
    o.append("int nc_unpack_%s(const uint8_t *p, size_t len,\n"
             "\t\tProtobufCAllocator *al, %s%s **out)\n{\n"
             "\tif (len > UN_MAX)\n\t\treturn 0;\n"
             "\tif (!len)\n\t\tp = un_none; /* p may be NULL */\n"
             "\treturn un_%s(p, p + len, al, out, 0);\n}\n\n" %
             (m.name, prefix, m.name, m.name))
    return "".join(o)


UN_HELPERS = r"""
/* ---- unpacking (gen_unpack in scripts/gen-packers.py) ---- */

/*
 * Sub-messages nested deeper than this (only AVP holds itself) go to
 * protobuf-c, which has no limit of its own.
 */
#define UN_DEPTH 32
/*
 * protobuf-c refuses a message of more than about 134 million fields
 * ("too many fields"); below 128 MiB there cannot be as many (a field
 * takes at least 2 octets). Larger messages go to protobuf-c.
 */
#define UN_MAX ((size_t)128 << 20)

static const uint8_t un_none[1];

static inline void *un_alloc(ProtobufCAllocator *al, size_t n)
{
	return al->alloc(al->allocator_data, n);
}

static inline uint32_t un_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t un_le64(const uint8_t *p)
{
	return (uint64_t)un_le32(p) | (uint64_t)un_le32(p + 4) << 32;
}

/* The 7-bit groups of the (up to) 8 varint octets in w, joined. */
static inline uint64_t un_join7(uint64_t w)
{
	w &= 0x7f7f7f7f7f7f7f7full;
	w = (w & 0x007f007f007f007full) | (w & 0x7f007f007f007f00ull) >> 1;
	w = (w & 0x00003fff00003fffull) | (w & 0x3fff00003fff0000ull) >> 2;
	return (w & 0x000000000fffffffull) | (w & 0x0fffffff00000000ull) >> 4;
}

/*
 * A varint at p, not past end, into *v: the octets after it, or NULL when
 * end cuts it or it is longer than 10 octets (protobuf-c refuses both).
 * Value bits past 64 drop, as in protobuf-c. With 10 octets left, the
 * first 8 are read as one word (timestamps take 9, sequence numbers 5).
 */
static __attribute__((noinline)) const uint8_t *
un_varint_long(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	size_t n = (size_t)(end - p);
	uint64_t x = 0;

	if (pk_likely(n >= 10)) {
		uint64_t w = un_le64(p);
		uint64_t stop = ~w & 0x8080808080808080ull;

		if (stop) { /* ends in the word: after bit 8k - 1, k octets */
			unsigned bits = (unsigned)__builtin_ctzll(stop) + 1;

			*v = un_join7(bits == 64 ? w : w & ((1ull << bits) - 1));
			return p + bits / 8;
		}
		x = un_join7(w);
		if (p[8] < 0x80) {
			*v = x | (uint64_t)p[8] << 56;
			return p + 9;
		}
		x |= (uint64_t)(p[8] & 0x7f) << 56;
		if (p[9] < 0x80) {
			*v = x | (uint64_t)p[9] << 63;
			return p + 10;
		}
		return NULL;
	}
	for (size_t i = 0; i < n && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (p[i] < 0x80) {
			*v = x;
			return p + i + 1;
		}
	}
	return NULL;
}

static inline const uint8_t *un_varint(const uint8_t *p, const uint8_t *end,
				       uint64_t *v)
{
	if (pk_likely(p < end && p[0] < 0x80)) {
		*v = p[0];
		return p + 1;
	}
	return un_varint_long(p, end, v);
}

/*
 * A bool varint: protobuf-c's value is 1 when any value bit of the varint
 * is set, past bit 63 too (so not always the 64-bit value != 0).
 */
static inline const uint8_t *un_bool(const uint8_t *p, const uint8_t *end,
				     protobuf_c_boolean *b)
{
	size_t n = (size_t)(end - p);
	unsigned any = 0;

	if (n > 10)
		n = 10;
	for (size_t i = 0; i < n; i++) {
		any |= p[i] & 0x7fu;
		if (p[i] < 0x80) {
			*b = any != 0;
			return p + i + 1;
		}
	}
	return NULL;
}

/*
 * A length prefix into *len: the octets after it, or NULL when it is
 * longer than 5 octets (protobuf-c's limit) or the data would pass end.
 */
static inline __attribute__((always_inline)) const uint8_t *
un_len(const uint8_t *p, const uint8_t *end, size_t *len)
{
	size_t n = (size_t)(end - p);
	size_t x = 0;

	if (pk_likely(n > 0 && p[0] < 0x80)) {
		if (p[0] > n - 1)
			return NULL;
		*len = p[0];
		return p + 1;
	}
	if (n > 5)
		n = 5;
	for (size_t i = 0; i < n; i++) {
		x |= (size_t)(p[i] & 0x7f) << (7 * i);
		if (p[i] < 0x80) {
			if (x > (size_t)(end - p) - i - 1)
				return NULL;
			*len = x;
			return p + i + 1;
		}
	}
	return NULL;
}

/*
 * A key (field number << 3 | wire type) at p < end: one or two octets
 * (every field number of the schema is below 2048); NULL for a longer
 * one, or a cut one. protobuf-c reads the same numbers from the same
 * octets (non-minimal two-octet keys included).
 */
static inline const uint8_t *un_key(const uint8_t *p, const uint8_t *end,
				    uint32_t *key)
{
	if (pk_likely(p[0] < 0x80)) {
		*key = p[0];
		return p + 1;
	}
	if (end - p < 2 || p[1] >= 0x80)
		return NULL;
	*key = (uint32_t)(p[0] & 0x7f) | (uint32_t)p[1] << 7;
	return p + 2;
}

/* Past the value of a field of no interest in pass 2. */
static inline const uint8_t *un_skip(const uint8_t *p, const uint8_t *end,
				     uint32_t key)
{
	uint64_t v;
	size_t l;

	switch (key & 7) {
	case 0:
		return un_varint(p, end, &v);
	case 1:
		return end - p >= 8 ? p + 8 : NULL;
	case 2:
		return (p = un_len(p, end, &l)) ? p + l : NULL;
	case 5:
		return end - p >= 4 ? p + 4 : NULL;
	default:
		return NULL;
	}
}

/* Values in a packed varint run: the octets that end a varint. */
static inline size_t un_count_varints(const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] < 0x80;
	return n;
}

/* These serve some field types only (and clang warns of an unused
   static inline function in a .c file). */
static inline __attribute__((unused)) int32_t
un_zz32(uint32_t v)
{
	return (int32_t)((v >> 1) ^ (0u - (v & 1)));
}

static inline __attribute__((unused)) int64_t
un_zz64(uint64_t v)
{
	return (int64_t)((v >> 1) ^ (0u - (v & 1)));
}

static inline __attribute__((unused)) float
un_f32(const uint8_t *p)
{
	uint32_t u = un_le32(p);
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

static inline __attribute__((unused)) double
un_f64(const uint8_t *p)
{
	uint64_t u = un_le64(p);
	double d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* A string value: a NUL-terminated copy. */
static inline char *un_str(ProtobufCAllocator *al, const uint8_t *p,
			   size_t len)
{
	char *s = un_alloc(al, len + 1);

	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

/* A bytes value: a copy; length 0 has data NULL. 1, or 0 (no memory). */
static inline int un_bytes(ProtobufCAllocator *al, const uint8_t *p,
			   size_t len, ProtobufCBinaryData *b)
{
	b->len = len;
	b->data = NULL;
	if (!len)
		return 1;
	b->data = un_alloc(al, len);
	if (!b->data)
		return 0;
	if (len >= 4 && len <= 16) {
		/* addresses and MACs: two overlapping moves, not a call */
		if (len >= 8) {
			uint64_t x, y;
			memcpy(&x, p, 8);
			memcpy(&y, p + len - 8, 8);
			memcpy(b->data, &x, 8);
			memcpy(b->data + len - 8, &y, 8);
		} else {
			uint32_t x, y;
			memcpy(&x, p, 4);
			memcpy(&y, p + len - 4, 4);
			memcpy(b->data, &x, 4);
			memcpy(b->data + len - 4, &y, 4);
		}
	} else {
		memcpy(b->data, p, len);
	}
	return 1;
}

"""


def gen_pack_dispatch(prefix):
    """The packers by record type, over the record registry: a record type
    the generator does not know (nc_pack_<Name> missing) does not compile."""
    c = []

    def switch(ret):
        return ("\tswitch (t) {\n"
                "#define X(id, name, desc, wire) \\\n"
                "\tcase NC_REC_##id: \\\n"
                "\t\treturn %s;\n"
                "#include \"rec_types.def\"\n#undef X\n"
                "\tdefault:\n\t\treturn 0;\n\t}\n" % ret)
    cast = "(const %s##name *)m" % prefix
    c.append("size_t nc_size_record(enum nc_rec t, const ProtobufCMessage *m)\n{\n")
    c.append(switch("nc_size_##name(%s)" % cast) + "}\n\n")
    c.append("size_t nc_pack_record(enum nc_rec t, const ProtobufCMessage *m, uint8_t *buf,\n"
             "\t\t      size_t cap)\n{\n")
    c.append(switch("nc_pack_##name(%s, buf, cap)" % cast) + "}\n\n")
    c.append("size_t nc_pack_record_delimited(enum nc_rec t, const ProtobufCMessage *m,\n"
             "\t\t\t\tuint8_t *buf, size_t cap)\n{\n")
    c.append(switch("packd_##name(%s, buf, cap)" % cast) + "}\n\n")
    c.append("int nc_pack_rec_type(const ProtobufCMessage *m)\n{\n"
             "\tconst ProtobufCMessageDescriptor *d = m->descriptor;\n\n"
             "#define X(id, name, desc, wire) \\\n"
             "\tif (d == &desc) \\\n\t\treturn NC_REC_##id;\n"
             "#include \"rec_types.def\"\n#undef X\n"
             "\treturn -1;\n}\n")
    return "".join(c)


def main():
    # --no-records: no record-type dispatchers (they need rec_types.def),
    # for other schemas (test/unit/unpack_types.proto)
    records = "--no-records" not in sys.argv[3:]
    if len(sys.argv) not in (3, 4) or len(sys.argv) == 4 and records:
        sys.exit("usage: gen-packers.py netcap.proto OUT_BASENAME "
                 "[--no-records]")
    proto, base = sys.argv[1], sys.argv[2]
    pbc = os.path.basename(proto).rsplit(".", 1)[0] + ".pb-c.h"
    package, messages = parse(proto)
    prefix = c_prefix(package)
    hname = base.rsplit("/", 1)[-1] + ".h"
    guard = "NC_" + re.sub(r"[^A-Za-z0-9]", "_", hname).upper()
    note = ("/* Generated by scripts/gen-packers.py from %s: do not edit. */\n"
            % proto)

    h = [note, "#ifndef %s\n#define %s\n\n" % (guard, guard)]
    h.append("#include <stddef.h>\n#include <stdint.h>\n\n")
    h.append('#include "%s"\n' % pbc)
    h.append('#include "rec.h"\n\n' if records else "\n")
    h.append("""/*
 * nc_size_M: bytes protobuf-c packs m into. nc_pack_M: pack m into buf
 * exactly as protobuf_c_message_pack does; returns the bytes written, or 0
 * when they do not fit in cap (then nothing is written). A message with
 * every field at its default packs to 0 bytes. The one exception: the
 * Result field (NC_LABEL_FIELD) of a record is never packed here; capture
 * --attacks appends it (app/worker.c).
 */
""")
    for m in messages:
        h.append("size_t nc_size_%s(const %s%s *m);\n" % (m.name, prefix, m.name))
        h.append("size_t nc_pack_%s(const %s%s *m, uint8_t *buf, size_t cap);\n"
                 % (m.name, prefix, m.name))
    if records:
        h.append("""
/* The same by record type; m must be a message of type t. */
size_t nc_size_record(enum nc_rec t, const ProtobufCMessage *m);
size_t nc_pack_record(enum nc_rec t, const ProtobufCMessage *m, uint8_t *buf,
		      size_t cap);
/*
 * Length varint + record, as nc_pack_delimited; 0 when it does not fit in
 * cap (then nothing is written).
 */
size_t nc_pack_record_delimited(enum nc_rec t, const ProtobufCMessage *m,
				uint8_t *buf, size_t cap);
/* Record type of a message by its descriptor; -1 when it is no record. */
int nc_pack_rec_type(const ProtobufCMessage *m);
""")
    h.append("""
/*
 * nc_unpack_M: read the len octets at p (a packed M) into a new message,
 * allocated from al, as protobuf_c_message_unpack(&desc, al, len, p)
 * would: the same field values (Result included), strings NUL-terminated
 * copies, sub-messages from al too. Returns 1 with *out set, or 0 when the
 * octets hold something these unpackers do not read exactly as protobuf-c
 * does (an unknown field, a wire type other than the field's, a singular
 * sub-message twice, nesting past 32, ...) or are malformed, or al fails:
 * then ask protobuf_c_message_unpack, whose answer (a message or NULL) is
 * the one that counts. Nothing is freed on 0: al must be an arena whose
 * memory goes as a whole (records/ncfile.c), and a message from here is
 * not for protobuf_c_message_free_unpacked with another allocator.
 */
""")
    for m in messages:
        h.append("int nc_unpack_%s(const uint8_t *p, size_t len,\n"
                 "\t\tProtobufCAllocator *al, %s%s **out);\n" %
                 (m.name, prefix, m.name))
    if records:
        h.append("""
/* The same by record type. */
int nc_unpack_record(enum nc_rec t, const uint8_t *p, size_t len,
		     ProtobufCAllocator *al, ProtobufCMessage **out);
""")
    h.append("\n#endif\n")

    c = [note, '#include "%s"\n\n#include <string.h>\n' % hname, HELPERS]
    for m in messages:
        c.append("static uint8_t *put_%s(const %s%s *m, uint8_t *p);\n" %
                 (m.name, prefix, m.name))
        c.append("static size_t bound_%s(const %s%s *m);\n" %
                 (m.name, prefix, m.name))
    c.append("\n")
    cold = gen_cold(messages, prefix)
    if cold:
        for m in messages:
            c.append("size_t nc_size_%s(const %s%s *m);\n" %
                     (m.name, prefix, m.name))
        c.append("\n" + cold)
    for m in messages:
        c.append(gen_size(m, prefix))
        c.append(gen_bound(m, prefix))
        c.append(gen_put(m, prefix))
        c.append("size_t nc_pack_%s(const %s%s *m, uint8_t *buf, size_t cap)\n"
                 "{\n\tsize_t n = nc_size_%s(m);\n\n"
                 "\tif (n > cap)\n\t\treturn 0;\n"
                 "\tput_%s(m, buf);\n\treturn n;\n}\n\n"
                 % (m.name, prefix, m.name, m.name, m.name))
        # Delimited: one pass when the bound leaves room for the largest
        # length prefix (the body is written one byte in, then its length
        # stored before it as for a sub-message); the exact size pass
        # only near the end of the buffer, so a record that fits is never
        # refused.
        c.append("static inline size_t packd_%s(const %s%s *m, uint8_t *buf, size_t cap)\n"
                 "{\n\tsize_t b = bound_%s(m);\n\n"
                 "\tif (pk_likely(cap >= 10 && b <= cap - 10))\n"
                 "\t\treturn (size_t)(pk_sub(buf, put_%s(m, buf + 1)) - buf);\n\n"
                 "\tsize_t n = nc_size_%s(m);\n\tsize_t hl = pk_vlen(n);\n\n"
                 "\tif (n > cap || hl > cap - n)\n\t\treturn 0;\n"
                 "\tput_%s(m, pk_varint(buf, n));\n\treturn hl + n;\n}\n\n"
                 % (m.name, prefix, m.name, m.name, m.name, m.name, m.name))

    if records:
        c.append(gen_pack_dispatch(prefix))

    c.append(UN_HELPERS)
    for m in messages:
        c.append(un_signature(m, prefix) + ";\n")
    c.append("\n")
    for m in messages:
        c.append(gen_unpack(m, prefix, package))
    if records:
        c.append("int nc_unpack_record(enum nc_rec t, const uint8_t *p, size_t len,\n"
                 "\t\t     ProtobufCAllocator *al, ProtobufCMessage **out)\n{\n"
                 "\tswitch (t) {\n"
                 "#define X(id, name, desc, wire) \\\n"
                 "\tcase NC_REC_##id: { \\\n"
                 "\t\t%s##name *m; \\\n"
                 "\t\tif (!nc_unpack_##name(p, len, al, &m)) \\\n"
                 "\t\t\treturn 0; \\\n"
                 "\t\t*out = &m->base; \\\n"
                 "\t\treturn 1; \\\n"
                 "\t}\n"
                 "#include \"rec_types.def\"\n#undef X\n"
                 "\tdefault:\n\t\treturn 0;\n\t}\n}\n" % prefix)

    for suffix, text in ((".h", h), (".c", c)):
        tmp = base + suffix + ".tmp"
        with open(tmp, "w") as f:
            f.write("".join(text))
        os.replace(tmp, base + suffix)


if __name__ == "__main__":
    main()
