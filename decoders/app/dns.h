/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dns.h: the DNS parser's helpers other code and tests use (dns.c).
 */
#ifndef NC_DNS_H
#define NC_DNS_H

#include <stddef.h>
#include <stdint.h>

#include "applayer.h"

extern const struct nc_app_parser nc_app_dns;

/*
 * Octets p[0, len) of a DNS name or string as tshark 4.0 shows them (its
 * format_text()): printable ASCII as is, other ASCII as \a \b \t \n \v \f
 * \r or \ooo, UTF-8 as the code point or \uXXXX / \UXXXXXXXX when not
 * printable, a bad sequence as U+FFFD. Always NUL-terminates within cap
 * (cap > 0); returns the length.
 */
size_t nc_dns_text(char *out, size_t cap, const uint8_t *p, size_t len);

#endif /* NC_DNS_H */
