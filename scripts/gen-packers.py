#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""gen-packers.py: generate direct protobuf packers from records/netcap.proto.

    gen-packers.py records/netcap.proto build/gen/netcap_pack

writes build/gen/netcap_pack.h and build/gen/netcap_pack.c (build outputs,
never committed). For every message M of the schema they hold

    size_t nc_size_M(const Netcap__M *m);       exact packed size
    size_t nc_pack_M(const Netcap__M *m, uint8_t *buf, size_t cap);

and record-type dispatchers over records/rec_types.def (see the header).
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
                if number != APPENDED_FIELD:
                    msg.fields.append(Field(name, ftype, number, repeated,
                                            line))
            i += 1
            messages.append(msg)
        else:
            fail(path, line, "unexpected '%s'" % tok)

    names = {m.name for m in messages}
    for m in messages:
        seen = set()
        for f in m.fields:
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
        # protoc-c orders descriptor fields (and so the wire) by number
        m.fields.sort(key=lambda f: f.number)
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


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-packers.py netcap.proto OUT_BASENAME")
    proto, base = sys.argv[1], sys.argv[2]
    package, messages = parse(proto)
    prefix = c_prefix(package)
    hname = base.rsplit("/", 1)[-1] + ".h"
    guard = "NC_" + re.sub(r"[^A-Za-z0-9]", "_", hname).upper()
    note = ("/* Generated by scripts/gen-packers.py from %s: do not edit. */\n"
            % proto)

    h = [note, "#ifndef %s\n#define %s\n\n" % (guard, guard)]
    h.append("#include <stddef.h>\n#include <stdint.h>\n\n")
    h.append('#include "netcap.pb-c.h"\n#include "rec.h"\n\n')
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

#endif
""")

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

    # Dispatchers over the record registry: a record type the generator
    # does not know (nc_pack_<Name> missing) does not compile.
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

    for suffix, text in ((".h", h), (".c", c)):
        tmp = base + suffix + ".tmp"
        with open(tmp, "w") as f:
            f.write("".join(text))
        os.replace(tmp, base + suffix)


if __name__ == "__main__":
    main()
