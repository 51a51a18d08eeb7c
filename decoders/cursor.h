/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cursor.h: bounds-checked reads of packet bytes.
 *
 * Every decoder reads packet memory only through a struct cur. A read past
 * the end returns 0 (or leaves the destination zeroed), sets err and leaves
 * the cursor at its end, so a decoder can read a whole header and check err
 * once. No read ever touches a byte outside [p, end).
 */
#ifndef NC_CURSOR_H
#define NC_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t *p;
	const uint8_t *end;
	bool err;
};

/*
 * Unchecked loads from fixed-size buffers the caller owns (connection
 * keys, stored addresses), not packet bytes: byte order as named,
 * whatever the host's.
 */
static inline uint64_t nc_load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline uint32_t nc_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline struct cur cur_make(const uint8_t *p, size_t len)
{
	struct cur c = {p, p + len, false};
	return c;
}

static inline size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

static inline void cur_fail(struct cur *c)
{
	c->err = true;
	c->p = c->end;
}

static inline bool cur_need(struct cur *c, size_t n)
{
	if (c->err || cur_left(c) < n) {
		cur_fail(c);
		return false;
	}
	return true;
}

static inline uint8_t cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return *c->p++;
}

static inline uint16_t cur_be16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return v;
}

static inline uint16_t cur_le16(struct cur *c)
{
	if (!cur_need(c, 2))
		return 0;
	uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return v;
}

static inline uint32_t cur_be24(struct cur *c)
{
	if (!cur_need(c, 3))
		return 0;
	uint32_t v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	return v;
}

static inline uint32_t cur_be32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
		     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	return v;
}

static inline uint32_t cur_le32(struct cur *c)
{
	if (!cur_need(c, 4))
		return 0;
	uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
		     (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	return v;
}

static inline uint32_t cur_he32(struct cur *c, bool big_endian)
{
	return big_endian ? cur_be32(c) : cur_le32(c);
}

/* Copy n bytes to dst; on a short buffer dst is zeroed and err set. */
static inline void cur_copy(struct cur *c, void *dst, size_t n)
{
	if (!cur_need(c, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->p, n);
	c->p += n;
}

/*
 * Borrow n bytes in place: returns a pointer valid as long as the packet,
 * or NULL (err set) when fewer than n bytes are left.
 */
static inline const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	if (!cur_need(c, n))
		return NULL;
	const uint8_t *q = c->p;
	c->p += n;
	return q;
}

static inline void cur_skip(struct cur *c, size_t n)
{
	if (cur_need(c, n))
		c->p += n;
}

/*
 * Split off the next n bytes as a cursor of their own and advance past them.
 * When fewer than n bytes are left, the sub-cursor holds what is left, its
 * err stays clear (the caller decides whether a short sub-range is a
 * truncation) and the parent's err is set.
 */
static inline struct cur cur_sub(struct cur *c, size_t n)
{
	struct cur s;
	if (c->err) {
		s = cur_make(c->end, 0);
		s.err = true;
		return s;
	}
	if (cur_left(c) < n) {
		s = cur_make(c->p, cur_left(c));
		cur_fail(c);
		return s;
	}
	s = cur_make(c->p, n);
	c->p += n;
	return s;
}

/* Narrow the cursor to at most n bytes from here (a declared length). */
static inline bool cur_limit(struct cur *c, size_t n)
{
	if (cur_left(c) < n)
		return false;
	c->end = c->p + n;
	return true;
}

static inline uint8_t cur_peek_u8(const struct cur *c, size_t off)
{
	if (c->err || cur_left(c) <= off)
		return 0;
	return c->p[off];
}

#endif /* NC_CURSOR_H */
