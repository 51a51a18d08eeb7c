/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mail.h: what the line-based mail and file-transfer parsers share
 * (smtp.c, pop3.c, imap.c and ftp.c):
 *   - a CRLF line splitter over TCP chunks (bounded line length),
 *   - bounded string lists for the repeated fields of connection records,
 *   - a message collector (dot-unstuffed or literal bytes, bounded) and the
 *     RFC 5322 / MIME parser that writes one Mail record per message and
 *     the attachments' File records (mail.c).
 */
#ifndef NC_MAIL_H
#define NC_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applayer.h"

/* Longest command or reply line kept; longer lines are skipped to their LF
   with mail.line_too_long (RFC 5321 4.5.3.1.4 allows 512 for commands,
   RFC 5322 998 for message lines; real mail has longer HTML lines). */
#define NC_LINE_MAX 16384

/* ---------------------------------------------------------------------- */
/* lines */

struct nc_msg;

struct nc_lines {
	struct nc_app_buf b;
	bool skip;   /* inside a too-long line: drop bytes until LF */
	bool taken;  /* the buffer holds the line returned last: clear it */
	bool gapped; /* a gap was seen; the next line may be partial */
};

/*
 * Take the next line from p[0], len[0] (advanced past what was used).
 * Returns true with line[0], llen[0] (CR LF or LF stripped) valid until the
 * next call,
 * false when more bytes are needed (what is left was buffered). A line
 * over NC_LINE_MAX counts mail.line_too_long and is dropped.
 */
bool nc_line_next(struct nc_app_ctx *x, struct nc_lines *l, int from,
		  const uint8_t **p, size_t *len, const uint8_t **line,
		  size_t *llen);
/* Bytes lost: drop the partial line, resynchronise at the next LF. */
void nc_line_gap(struct nc_app_ctx *x, struct nc_lines *l);
void nc_line_free(struct nc_app_ctx *x, struct nc_lines *l);
/* Free both directions' lines and the message m (NULL: none). */
void nc_line_free_all(struct nc_app_ctx *x, struct nc_lines ln[2],
		      struct nc_msg *m);

/*
 * Write the Credentials record a login left pending (*pending), once:
 * service, user and password as the session gave them, notes the outcome.
 */
void nc_cred_flush(struct nc_app_ctx *x, bool *pending, const char *service,
		   const char *user, const char *pass, const char *notes);

/* ---------------------------------------------------------------------- */
/* bounded string lists (repeated string fields) */

/*
 * Up to max strings kept in one budgeted buffer that grows as they come
 * (at most NC_LIST_BYTES); entries past either bound are counted in n_all
 * only. The strings are reached through nc_list_ptrs() when the record is
 * written (the buffer may move while it grows).
 */
#define NC_LIST_BYTES (64u << 10)

struct nc_strlist {
	struct nc_app_buf a; /* the strings, NUL-terminated, back to back */
	uint32_t *off;	     /* max offsets into a */
	uint32_t n, max, n_all;
};

/* Add the text of p/len (made valid UTF-8, cut at cap octets, cap at most
   1024). */
void nc_list_add(struct nc_app_ctx *x, struct nc_strlist *s, unsigned max,
		 const uint8_t *p, size_t len, size_t cap);
void nc_list_addf(struct nc_app_ctx *x, struct nc_strlist *s, unsigned max,
		  const char *str);
bool nc_list_has(const struct nc_strlist *s, const char *str);
/* Pointers to the strings into v (room for the list's max): the count. */
size_t nc_list_ptrs(const struct nc_strlist *s, char **v);
void nc_list_free(struct nc_app_ctx *x, struct nc_strlist *s);

/* ---------------------------------------------------------------------- */
/* small text helpers */

/* Case-insensitive: does p/len start with the NUL-terminated word w? */
bool nc_ci_prefix(const uint8_t *p, size_t len, const char *w);
/* Split "VERB rest": verb length (letters/digits up to SP), rest after
   one or more SP. */
size_t nc_split_verb(const uint8_t *p, size_t len, const uint8_t **rest,
		     size_t *rlen);
/*
 * An SMTP/FTP reply line "ddd" [SP / "-"] text (RFC 5321 4.2, RFC 959
 * 4.2): true with the code, *more set for "ddd-" (the reply goes on) and
 * the text after the separator; false when the line does not start so.
 */
bool nc_reply_line(const uint8_t *p, size_t len, int *code, bool *more,
		   const uint8_t **text, size_t *tlen);
/*
 * Probe helpers: a server's first line "ddd[ -]text" naming one of the
 * words in yes (YES) or in no (NO), else NEED (ports decide) while it
 * looks like a reply; a client's first line starting with one of the
 * words in yes (YES), a plausible command word (NEED) or not (NO).
 */
enum nc_probe nc_probe_reply(const uint8_t *p, size_t len, const char *yes[],
			     const char *no[]);
enum nc_probe nc_probe_cmd(const uint8_t *p, size_t len, const char *yes[]);

/* Base64 (RFC 4648, padding optional, whitespace skipped) into out (at
   most cap octets; out may be p); returns the decoded length, *bad set when
   an invalid character was skipped. */
size_t nc_b64_decode(const uint8_t *p, size_t len, uint8_t *out, size_t cap,
		     bool *bad);
/* SASL PLAIN (RFC 4616) "authzid NUL authcid NUL passwd" base64 token:
   true with user and pass as text. */
bool nc_sasl_plain(const uint8_t *tok, size_t len, char *user, size_t ucap,
		   char *pass, size_t pcap);
/* A mail address without the angle brackets and ESMTP parameters:
   "FROM:<a@b> SIZE=1" -> "a@b". */
void nc_mail_path(const uint8_t *p, size_t len, char *out, size_t cap);

/* ---------------------------------------------------------------------- */
/* messages */

/* One message being received; the bytes are kept (bounded by the table's
   max_message), the rest only counted. */
struct nc_msg {
	struct nc_app_buf b;
	uint64_t size;	/* octets seen, also those not kept */
	uint32_t lines; /* body lines added (nc_msg_line) */
	bool active;
	bool truncated;
};

void nc_msg_begin(struct nc_msg *m);
void nc_msg_add(struct nc_app_ctx *x, struct nc_msg *m, const uint8_t *p,
		size_t len);
/* A body line as sent in DATA / RETR: dot-unstuffed, CR LF appended. */
void nc_msg_line(struct nc_app_ctx *x, struct nc_msg *m, const uint8_t *p,
		 size_t len);
void nc_msg_free(struct nc_app_ctx *x, struct nc_msg *m);

/* What the protocol knows about a message besides its bytes. */
struct nc_mail_env {
	const char *origin;	 /* "SMTP", "POP3", "IMAP" */
	int from;		 /* endpoint that sent the message bytes */
	const char *envelope_to; /* SMTP RCPT TO paths joined, or "" */
	uint32_t seq;		 /* message number in the connection */
};

/*
 * Parse the message m holds (RFC 5322 header, MIME parts) and write its
 * Mail record and one File record per attachment. Message-ID (text) goes
 * to msgid, Subject to subject (both may be NULL). The message is reset.
 */
void nc_mail_finish(struct nc_app_ctx *x, struct nc_msg *m,
		    const struct nc_mail_env *env, char *msgid, size_t idcap,
		    char *subject, size_t subcap);

/* For tests: MIME parts nest at most this deep; at most this many parts. */
#define NC_MIME_DEPTH 8
#define NC_MIME_PARTS 32
#define NC_MAIL_TEXT  4096

#endif /* NC_MAIL_H */
