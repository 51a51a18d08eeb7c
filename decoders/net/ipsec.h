/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipsec.h: the IPSecAH record of one Authentication Header, shared by
 * ipsec.c (AH as an IP protocol, after IPv4) and ipv6.c (AH as an IPv6
 * extension header, walked in ipv6_ext).
 */
#ifndef NC_IPSEC_H
#define NC_IPSEC_H

#include "decode.h"

/*
 * h: the whole AH header, (Payload Len + 2) * 4 octets, all captured.
 * Writes the IPSecAH record when selected. False (and ah.bad_length, no
 * record) when the header is shorter than the 12 fixed octets.
 */
bool nc_ipsec_ah_record(struct nc_dec *d, struct cur h);

#endif /* NC_IPSEC_H */
