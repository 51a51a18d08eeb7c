/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipip.c: IP in IP (RFC 2003, IP protocol 4) and IPv6 in IP (RFC 2473,
 * IP protocol 41): the inner header is decoded like the outer one, at most
 * NC_MAX_IP_DEPTH deep (ip.tunnel_too_deep).
 */
#include "decode.h"
#include "registry.h"

static bool ip_deeper(struct nc_dec *d, struct cur c)
{
	if (++d->ip_depth < NC_MAX_IP_DEPTH)
		return true;
	nc_event(d, NC_EV_IP_TOO_DEEP, c.p);
	return false;
}

enum dec_rc nc_dec_ipv4_in_ip(struct nc_dec *d, struct cur c)
{
	return ip_deeper(d, c) ? nc_dec_ipv4(d, c) : DEC_INVALID;
}

enum dec_rc nc_dec_ipv6_in_ip(struct nc_dec *d, struct cur c)
{
	return ip_deeper(d, c) ? nc_dec_ipv6(d, c) : DEC_INVALID;
}
