/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * applayer.h: application-layer parsers (DNS, HTTP, TLS, SSH, mail, ...) and
 *the dispatcher that picks one per UDP datagram or TCP connection.
 *
 * Every parser is one file (decoders/<proto>.c) that defines one
 *	const struct nc_app_parser nc_app_<name>;
 * and one line in decoders/apps.def. The dispatcher (applayer.c) hands it
 *   - UDP: each datagram whose port is the parser's, or whose content the
 *     parser's probe claims (datagram());
 *   - TCP: the in-order bytes of both directions of a connection it was
 *     chosen for (data(), gap(), end(), close()), reassembled by reasm.c
 *     through the connection table (conn.c).
 * A TCP connection gets a parser at its first payload bytes: a parser
 * whose port is the responder's port and whose probe does not say no, else
 * the first parser whose probe says yes on the content (HTTP on 8080, TLS
 * on 8443). Neither: the connection is left alone for its lifetime (no
 * further cost).
 *
 * Parsers read through the bounds-checked cursor (cursor.h), never trust a
 * length, write records with nc_emit() and bad input with nc_event(). All
 * memory a parser keeps goes through nc_app_alloc()/nc_app_buf_*(): a
 * per-worker byte budget (--max-app-memory) bounds it, and a parser that
 * cannot get memory drops the message and counts app.memory_limit.
 *
 * Records of a connection carry its UID (conn.h), so they join with
 * Connection records; UDP records carry the UID of their flow.
 */
#ifndef NC_APPLAYER_H
#define NC_APPLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* The connection (or UDP flow) an application message belongs to. */
struct nc_app_conn {
	const char *uid;	/* "C" + 11 characters; "" when untracked */
	uint8_t alen;		/* 4 or 16 */
	uint8_t proto;		/* 6 TCP, 17 UDP */
	const uint8_t *addr[2]; /* [0] originator (client), [1] responder */
	uint16_t port[2];
	const uint8_t *mac[2]; /* source MAC of each endpoint, or NULL */
	int64_t ts;	       /* packet time of the bytes at hand (ns) */
};

/* What a parser's probe says about the first bytes of a direction. */
enum nc_probe {
	NC_PROBE_NO = 0, /* not this protocol */
	NC_PROBE_YES,	 /* the content says this protocol */
	NC_PROBE_NEED,	 /* too few bytes to tell */
};

struct nc_apptab;     /* per worker: flow states and the memory budget */
struct nc_app_expect; /* an expected connection (below) */

/* where File contents go (files.h) */
struct nc_file_sink;

/* Handed to every TCP callback. */
struct nc_app_ctx {
	struct nc_dec *d; /* nc_emit(), nc_event(), cfg */
	struct nc_apptab *tab;
	const struct nc_app_conn *c;
	/* per-connection counter for File idents (files.h); NULL: none */
	uint32_t *seq;
};

#define NC_APP_UDP	 0x01
#define NC_APP_TCP	 0x02
#define NC_APP_MAX_PORTS 12

struct nc_app_parser {
	const char *name;   /* "HTTP": Connection.ApplicationProto */
	uint8_t transports; /* NC_APP_UDP | NC_APP_TCP */
	uint16_t ports[NC_APP_MAX_PORTS]; /* server ports, 0-terminated */
	/*
	 * Record types this parser writes: it runs only when one of them is
	 * selected (a NULL-free list ending with NC_REC_MAX).
	 */
	enum nc_rec recs[8];
	/*
	 * Content check on the first len bytes one direction sent (dir 0:
	 * originator; for UDP the datagram and dir 0). NULL: ports only.
	 */
	enum nc_probe (*probe)(const uint8_t *p, size_t len, int dir);

	/* UDP: one datagram from endpoint dir (d's frame is its packet) */
	void (*datagram)(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len);

	/* TCP: st is state_size zeroed bytes, the parser's own */
	size_t state_size;
	/* len > 0 in-order bytes endpoint dir sent; p valid during the call */
	void (*data)(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len);
	/* len bytes endpoint dir sent were never captured */
	void (*gap)(struct nc_app_ctx *x, void *st, int dir, uint64_t len);
	/* direction dir ended (FIN, RST, or the connection closes) */
	void (*end)(struct nc_app_ctx *x, void *st, int dir);
	/* last call: write what is pending, free what was allocated */
	void (*close)(struct nc_app_ctx *x, void *st);
	/* chosen by an expectation: called once, before the first data() */
	void (*expected)(struct nc_app_ctx *x, void *st,
			 const struct nc_app_expect *e);
};

/*
 * An expected connection (FTP data, RFC 959 3.2): the control parser says
 * which endpoint the data connection will go to and what it carries; the
 * next TCP connection whose responder is that endpoint gets parser id
 * (nc_app_expect), whatever its port or content.
 */
struct nc_app_expect {
	uint8_t alen;
	uint8_t addr[16];
	uint16_t port;
	uint8_t id;	/* enum nc_app_id */
	int64_t ts;	/* when announced (packet time) */
	char uid[13];	/* the control connection's UID */
	char cmd[8];	/* "RETR", "STOR", ... or "" */
	char name[256]; /* the file name (command argument) or "" */
};

/* The registry (apps.def): nc_app_parsers[i], i < NC_APP_COUNT; NULL last. */
enum nc_app_id {
#define A(id, sym) NC_APP_##id,
#include "apps.def"
#undef A
	NC_APP_COUNT
};
extern const struct nc_app_parser *const nc_app_parsers[NC_APP_COUNT + 1];

/* ---------------------------------------------------------------------- */
/* per-worker table (the worker, app/capture.c, owns it) */

struct nc_app_cfg {
	uint32_t max_flows;    /* TCP flow states: the connection table's
				  stream slots (nc_conn_streams_max) */
	uint64_t memory_bytes; /* parser memory budget for this worker */
	uint32_t max_message;  /* most bytes one message may buffer */
	/* where File contents go (files.h), e.g. files on disk; NULL:
	   nowhere (the File record only) */
	const struct nc_file_sink *file_sink;
	/* the digests of each File's content (NC_FILE_MD5 ... files.h):
	   MD5 is Netcap's Hash and always computed; SHA1 and SHA256 stay ""
	   unless their bit is set */
	unsigned file_hashes;
};

#define NC_APP_DEF_MEMORY  (64ull << 20)
#define NC_APP_DEF_MESSAGE (256u << 10)

void nc_app_cfg_default(struct nc_app_cfg *cfg);

/* A table; NULL and errno on failure. Memory is touched when used. */
struct nc_apptab *nc_apptab_new(const struct nc_app_cfg *cfg,
				const struct nc_recset *want);
void nc_apptab_free(struct nc_apptab *t);

/* The most memory a table for cfg takes: flow states and the budget. */
uint64_t nc_app_bytes(const struct nc_app_cfg *cfg);

/* The table's configuration (read-only). */
const struct nc_app_cfg *nc_app_config(const struct nc_apptab *t);

/* Is any parser's record type selected in want? */
bool nc_app_wanted(const struct nc_recset *want);

/* Budget accounting: bytes held now, most held, the budget. */
struct nc_app_stats {
	uint64_t bytes, peak, budget;
	uint32_t flows; /* TCP flows with a parser now */
};
void nc_app_stats(const struct nc_apptab *t, struct nc_app_stats *st);

/* ---------------------------------------------------------------------- */
/* entry points (decode.c and conn.c call these) */

/* After connection tracking: the frame's UDP payload, if any parser wants
 * it. c describes the flow (originator first); dir is the sender. */
void nc_app_udp(struct nc_dec *d, const struct nc_app_conn *c, int dir);

/* TCP stream slot `slot` (conn.c): bytes, gaps, direction end, close. */
void nc_app_tcp_data(struct nc_dec *d, uint32_t slot,
		     const struct nc_app_conn *c, int dir, const uint8_t *p,
		     size_t len);
void nc_app_tcp_gap(struct nc_dec *d, uint32_t slot,
		    const struct nc_app_conn *c, int dir, uint64_t len);
void nc_app_tcp_end(struct nc_dec *d, uint32_t slot,
		    const struct nc_app_conn *c, int dir);
void nc_app_tcp_close(struct nc_dec *d, uint32_t slot,
		      const struct nc_app_conn *c);

/*
 * Expect a TCP connection to addr:port (its responder) for parser id,
 * described by cmd and name; a later call for the same endpoint updates
 * the entry (the transfer command follows PASV). Entries are kept for
 * NC_APP_EXPECT_TTL of packet time, at most NC_APP_EXPECT_MAX per worker
 * (the oldest is replaced).
 */
#define NC_APP_EXPECT_MAX 64
#define NC_APP_EXPECT_TTL (300ll * 1000000000)
void nc_app_expect(struct nc_app_ctx *x, const uint8_t *addr, unsigned alen,
		   uint16_t port, enum nc_app_id id, const char *cmd,
		   const char *name);

/* Does any selected parser read TCP streams? (t may be NULL) */
bool nc_app_wants_tcp(const struct nc_apptab *t);

/* The parser chosen for slot's connection, or NULL. */
const char *nc_app_tcp_name(const struct nc_apptab *t, uint32_t slot);

/* ---------------------------------------------------------------------- */
/* helpers for parsers */

/* Budgeted allocation (zeroed); NULL and app.memory_limit when over. */
void *nc_app_alloc(struct nc_app_ctx *x, size_t size);
/* The same, not zeroed (for a library that initialises what it reads). */
void *nc_app_alloc_raw(struct nc_app_ctx *x, size_t size);
void nc_app_free(struct nc_app_ctx *x, void *p, size_t size);

/*
 * A growable buffer for a message split over several calls. Bytes held
 * count against the budget; a buffer never holds more than the table's
 * max_message bytes.
 */
struct nc_app_buf {
	uint8_t *p;
	uint32_t len, cap;
};

/* Append; false (nothing appended, app.message_too_long or
 * app.memory_limit counted) when over either bound. */
bool nc_app_buf_add(struct nc_app_ctx *x, struct nc_app_buf *b,
		    const uint8_t *p, size_t len);
/* Drop the first n bytes (n <= len). */
void nc_app_buf_consume(struct nc_app_buf *b, size_t n);
void nc_app_buf_free(struct nc_app_ctx *x, struct nc_app_buf *b);

/*
 * The record context of a message endpoint `from` sent to the other:
 * SrcIP/DstIP as bytes fields (borrowed), SrcPort/DstPort.
 */
static inline void nc_app_ends(const struct nc_app_conn *c, int from,
			       ProtobufCBinaryData *src,
			       ProtobufCBinaryData *dst, int32_t *sport,
			       int32_t *dport)
{
	src->data = (uint8_t *)c->addr[from];
	src->len = c->alen;
	dst->data = (uint8_t *)c->addr[!from];
	dst->len = c->alen;
	*sport = c->port[from];
	*dport = c->port[!from];
}

/*
 * Write a Credentials record (when selected): endpoint client of x->c sent
 * user and password for service ("HTTP Basic", "FTP", "POP3", "IMAP",
 * "SMTP AUTH", "Telnet"); notes may be "" (e.g. "login failed").
 */
void nc_app_credentials(struct nc_dec *d, const struct nc_app_conn *c,
			int client, const char *service, const char *user,
			const char *password, const char *notes);

/*
 * Count ev for an application message of c that endpoint from sent; an
 * ANOM event also writes an Anomaly record with c's addresses, ports and
 * UID (the frame at hand may be another connection's, at a timeout).
 */
void nc_app_event(struct nc_dec *d, const struct nc_app_conn *c, int from,
		  enum nc_event ev);

/*
 * Copy len bytes of protocol text at p into out (cap > 0 bytes) as valid
 * UTF-8 for a string field: valid UTF-8 sequences are kept, a NUL or an
 * invalid byte becomes "\xNN" (Wireshark's notation). Stops before cap
 * (always NUL-terminated, never a cut sequence). Returns the length.
 */
size_t nc_app_text(char *out, size_t cap, const uint8_t *p, size_t len);

/* protobuf-c wants char * for string fields; records never write them. */
static inline char *nc_app_str(const char *s)
{
	return (char *)s;
}

#endif /* NC_APPLAYER_H */
