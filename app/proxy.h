/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxy.h: `netcap proxy` (proxy.c: the event loop; proxy_rec.c: the HTTP
 * record of one exchange).
 */
#ifndef NC_PROXY_H
#define NC_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct evkeyvalq;

/* Body octets kept per side for ContentTypeDetected (nc_file_mime). */
#define PX_HEAD_KEEP 512
/* urlencoded request body octets parsed into Parameters */
#define PX_FORM_KEEP 8192

/*
 * What one exchange leaves for its HTTP record. Pointers are borrowed
 * for the call; a NULL header list is an absent message side.
 */
struct px_rec {
	int64_t ts; /* first octet of the request, ns since epoch */
	const struct sockaddr *src; /* the client */
	const struct sockaddr *dst; /* the proxy's address it connected to */
	const char *method; /* "" when the request line was not parsed */
	const char *url;    /* request-target as sent, or "" */
	int major, minor;   /* HTTP version of the request, 0.0 unknown */
	const struct evkeyvalq *reqh; /* request headers as received */
	const struct evkeyvalq *resh; /* response headers as sent */
	int status;
	const char *reason;
	bool res_nobody;  /* HEAD, 1xx, 204, 304: ResContentLength 0 */
	int64_t req_body; /* request body octets (dechunked) */
	int64_t res_body; /* response body octets forwarded */
	const uint8_t *req_head, *res_head; /* first body octets */
	size_t req_head_len, res_head_len;
	const uint8_t *form; /* urlencoded request body, or NULL */
	size_t form_len;
	int64_t first_byte_after; /* ns, request to response headers; 0 none */
	int64_t done_after;	  /* ns, request to the response's end; 0 */
	int64_t dns_done_after;	  /* ns, request to the end of the remote
				     name's resolution made for it; 0 none */
	int64_t tls_done_after;	  /* ns, request to the end of the upstream
				     TLS handshake made for it; 0 none */
	bool req_trunc, res_trunc;
};

/*
 * Pack r as one delimited Netcap__HTTP record (nc_pack_delimited) into
 * buf; returns the octets written, 0 when they do not fit in cap. Uses at
 * most about 200 KiB of stack; every list and string is bounded.
 */
size_t px_rec_pack(const struct px_rec *r, uint8_t *buf, size_t cap);

#endif /* NC_PROXY_H */
