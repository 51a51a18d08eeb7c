/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipip.c: IP in IP (RFC 2003, IP protocol 4) and IPv6 in IP (RFC 2473,
 * IP protocol 41), in IPv4 or IPv6 (4in4, 6in4, 4in6, 6in6): a tunnel
 * (nc_tunnel_enter, type IPinIP, tenant the outer address pair), the
 * inner header decoded like the outer one, at most NC_MAX_IP_DEPTH IP
 * headers deep (ip.tunnel_too_deep). With IPinIP left out of --tunnels
 * the inner header is ipip.inner_not_decoded (INFO). An outer packet
 * whose inner header is not decoded is a port-less connection of IP
 * protocol 4 or 41, as an undecoded GRE packet is one of 47.
 */
#include "decode.h"
#include "registry.h"

/*
 * DEC_OK to go on into the inner header, else what to return. proto: the
 * outer header's protocol (4 or 41); when the inner header is not
 * decoded, the outer packet is a port-less connection of it, as
 * nc_dispatch_ipproto makes of a protocol it does not decode (and as an
 * undecoded GRE packet is).
 */
static enum dec_rc ip_deeper(struct nc_dec *d, struct cur c, uint8_t proto,
			     bool *go)
{
	*go = false;
	if (++d->ip_depth >= NC_MAX_IP_DEPTH) {
		nc_l4_fill(d, proto, &c, &c);
		nc_event(d, NC_EV_IP_TOO_DEEP, c.p);
		return DEC_INVALID;
	}
	if (!nc_tunnel_enter(d, NC_TUN_IPIP, false, 0, NC_TK_OUTER, c.p)) {
		nc_l4_fill(d, proto, &c, &c);
		return DEC_OK;
	}
	*go = true;
	return DEC_OK;
}

enum dec_rc nc_dec_ipv4_in_ip(struct nc_dec *d, struct cur c)
{
	bool go;
	enum dec_rc rc = ip_deeper(d, c, 4, &go);
	return go ? nc_dec_ipv4(d, c) : rc;
}

enum dec_rc nc_dec_ipv6_in_ip(struct nc_dec *d, struct cur c)
{
	bool go;
	enum dec_rc rc = ip_deeper(d, c, 41, &go);
	return go ? nc_dec_ipv6(d, c) : rc;
}
