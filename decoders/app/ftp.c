/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ftp.c: the FTP control connection (RFC 959), EPRT/EPSV (RFC 2428),
 * AUTH TLS (RFC 4217). One FTP record per control connection with its
 * commands, replies, login and the data transfers it set up.
 *
 *   client:  CMD [SP argument] CRLF          (USER, PASS, PORT, RETR, ...)
 *   server:  ddd SP text CRLF                (one-line reply)
 *            ddd "-" text CRLF ... ddd SP text CRLF   (multi-line reply,
 *            the lines between may start any way, RFC 959 4.2)
 *   PORT h1,h2,h3,h4,p1,p2                   (client's data address)
 *   227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)
 *   EPRT |af|addr|port|                      (af 1 IPv4, 2 IPv6)
 *   229 Entering Extended Passive Mode (|||port|)   (server's address)
 *
 * Each transfer command (RETR, STOR, STOU, APPE, LIST, NLST, MLSD) gets a
 * Transfers entry with the data endpoint last announced (the data
 * connection to expect) and its final reply code. Each announced endpoint
 * is also handed to the dispatcher (nc_app_expect): the data connection
 * to it is parsed by nc_app_ftpdata, below, which writes the content of
 * RETR, STOR, STOU and APPE transfers as a File record named after the
 * command's argument (listings are not files).
 * Replies are matched to commands in order (FIFO of 32). Bounds: lines
 * NC_LINE_MAX, 256 commands and replies, 64 transfers kept (all counted).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "mail.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define FTP_CMDS  256
#define FTP_XFERS 64
#define FTP_FIFO  32

enum kind {
	K_OTHER = 0,
	K_GREET,
	K_PASS,
	K_USER,
	K_XFER,
	K_PASV,
	K_EPSV,
	K_AUTH_TLS
};

struct xfer {
	int64_t ts;
	char cmd[8];
	char arg[256];
	char mode[8];
	uint8_t ip[16];
	uint8_t alen;
	int32_t port;
	int32_t code;
	bool open; /* final reply not seen yet */
};

struct ftp {
	struct nc_lines ln[2];
	bool tls;
	bool greeted;
	bool in_reply; /* inside a multi-line reply */
	int in_code;   /* its code */
	bool bad_reply;
	bool cred_pending;
	uint8_t fifo[FTP_FIFO];
	uint8_t fxfer[FTP_FIFO]; /* transfer index of K_XFER entries */
	uint32_t fhead, fcount;
	int64_t ts0;
	int32_t nreplies;
	uint32_t ncodes, nxfers, nxfers_all;
	struct nc_strlist cmds, replies;
	int32_t codes[FTP_CMDS];
	/* the data endpoint announced last */
	char mode[8];
	uint8_t dip[16];
	uint8_t dalen;
	int32_t dport;
	char user[256], pass[256], banner[512], first[512];
	struct xfer xf[FTP_XFERS];
};

static void push(struct ftp *s, enum kind k, uint8_t xi)
{
	if (s->fcount < FTP_FIFO) {
		uint32_t i = (s->fhead + s->fcount++) % FTP_FIFO;
		s->fifo[i] = (uint8_t)k;
		s->fxfer[i] = xi;
	}
}

static enum kind pop(struct ftp *s, uint8_t *xi)
{
	if (s->fcount == 0)
		return K_OTHER;
	enum kind k = (enum kind)s->fifo[s->fhead];
	*xi = s->fxfer[s->fhead];
	s->fhead = (s->fhead + 1) % FTP_FIFO;
	s->fcount--;
	return k;
}

/* Up to n decimal numbers separated by commas (spaces allowed): count. */
static int numbers(const uint8_t *p, size_t len, unsigned *v, int n)
{
	int k = 0;
	size_t i = 0;
	while (k < n) {
		while (i < len && p[i] == ' ')
			i++;
		if (i >= len || p[i] < '0' || p[i] > '9')
			break;
		unsigned x = 0;
		while (i < len && p[i] >= '0' && p[i] <= '9' && x < 100000)
			x = x * 10 + (unsigned)(p[i++] - '0');
		v[k++] = x;
		while (i < len && p[i] == ' ')
			i++;
		if (i < len && p[i] == ',')
			i++;
		else
			break;
	}
	return k;
}

/* h1,h2,h3,h4,p1,p2 (RFC 959 4.1.2) into the announced endpoint. */
static bool hostport(struct ftp *s, const uint8_t *p, size_t len,
		     const char *mode)
{
	unsigned v[6];
	if (numbers(p, len, v, 6) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (v[i] > 255)
			return false;
	for (int i = 0; i < 4; i++)
		s->dip[i] = (uint8_t)v[i];
	s->dalen = 4;
	s->dport = (int32_t)(v[4] << 8 | v[5]);
	snprintf(s->mode, sizeof(s->mode), "%s", mode);
	return true;
}

/* EPRT |af|addr|port| (RFC 2428 2): any delimiter in 33..126. */
static bool eprt(struct ftp *s, const uint8_t *p, size_t len)
{
	char f[3][64];
	if (len < 4 || p[0] < 33 || p[0] > 126)
		return false;
	uint8_t dl = p[0];
	size_t i = 1;
	for (int k = 0; k < 3; k++) {
		size_t o = 0;
		while (i < len && p[i] != dl) {
			if (o + 1 >= sizeof(f[k]))
				return false;
			f[k][o++] = (char)p[i++];
		}
		if (i >= len)
			return false;
		f[k][o] = '\0';
		i++;
	}
	char *end;
	long port = strtol(f[2], &end, 10);
	if (end == f[2] || *end || port <= 0 || port > 65535)
		return false;
	if (strcmp(f[0], "1") == 0 && inet_pton(AF_INET, f[1], s->dip) == 1)
		s->dalen = 4;
	else if (strcmp(f[0], "2") == 0 &&
		 inet_pton(AF_INET6, f[1], s->dip) == 1)
		s->dalen = 16;
	else
		return false;
	s->dport = port;
	snprintf(s->mode, sizeof(s->mode), "EPRT");
	return true;
}

/* The data connection to the endpoint announced last carries cmd's data. */
static void expect_data(struct nc_app_ctx *x, const struct ftp *s,
			const char *cmd, const char *name)
{
	if (s->dalen)
		nc_app_expect(x, s->dip, s->dalen, (uint16_t)s->dport,
			      NC_APP_FTPDATA, cmd, name);
}

static bool is_xfer(const char *v)
{
	static const char *const x[] = {"RETR", "STOR", "STOU", "APPE",
					"LIST", "NLST", "MLSD", NULL};
	for (int i = 0; x[i]; i++)
		if (!strcmp(v, x[i]))
			return true;
	return false;
}

static void command(struct nc_app_ctx *x, struct ftp *s, const uint8_t *l,
		    size_t ll)
{
	const uint8_t *arg;
	size_t al;
	size_t vl = nc_split_verb(l, ll, &arg, &al);
	char verb[8];
	enum kind k = K_OTHER;
	uint8_t xi = 0;

	if (vl == 0)
		return;
	nc_list_add(x, &s->cmds, FTP_CMDS, l, ll, 512);
	nc_app_text(verb, sizeof(verb), l, vl < 7 ? vl : 7);
	for (char *v = verb; *v; v++)
		if (*v >= 'a' && *v <= 'z')
			*v = (char)(*v - 32);

	if (!strcmp(verb, "USER")) {
		nc_app_text(s->user, sizeof(s->user), arg, al);
		k = K_USER;
	} else if (!strcmp(verb, "PASS")) {
		nc_app_text(s->pass, sizeof(s->pass), arg, al);
		s->cred_pending = true;
		k = K_PASS;
	} else if (!strcmp(verb, "PORT")) {
		if (!hostport(s, arg, al, "PORT"))
			nc_app_event(x->d, x->c, 0, NC_EV_FTP_BAD_ADDRESS);
		else
			expect_data(x, s, "", "");
	} else if (!strcmp(verb, "EPRT")) {
		if (!eprt(s, arg, al))
			nc_app_event(x->d, x->c, 0, NC_EV_FTP_BAD_ADDRESS);
		else
			expect_data(x, s, "", "");
	} else if (!strcmp(verb, "PASV")) {
		k = K_PASV;
	} else if (!strcmp(verb, "EPSV")) {
		k = K_EPSV;
	} else if (!strcmp(verb, "AUTH") && (nc_ci_prefix(arg, al, "TLS") ||
					     nc_ci_prefix(arg, al, "SSL"))) {
		k = K_AUTH_TLS;
	} else if (is_xfer(verb)) {
		s->nxfers_all++;
		if (s->nxfers < FTP_XFERS) {
			xi = (uint8_t)s->nxfers++;
			struct xfer *t = &s->xf[xi];
			t->ts = x->c->ts;
			snprintf(t->cmd, sizeof(t->cmd), "%s", verb);
			nc_app_text(t->arg, sizeof(t->arg), arg, al);
			snprintf(t->mode, sizeof(t->mode), "%s", s->mode);
			memcpy(t->ip, s->dip, sizeof(t->ip));
			t->alen = s->dalen;
			t->port = s->dport;
			t->open = true;
			k = K_XFER;
		}
		char name[256];
		nc_app_text(name, sizeof(name), arg, al);
		expect_data(x, s, verb, name);
	}
	push(s, k, xi);
}

static void login(struct nc_app_ctx *x, struct ftp *s, const char *notes)
{
	nc_cred_flush(x, &s->cred_pending, "FTP", s->user, s->pass, notes);
}

/* A complete reply (code, first line's text). */
static void reply(struct nc_app_ctx *x, struct ftp *s, int code,
		  const char *first)
{
	char line[600], notes[32];
	uint8_t xi = 0;

	s->nreplies++;
	if (s->ncodes < FTP_CMDS)
		s->codes[s->ncodes++] = code;
	snprintf(line, sizeof(line), "%d %s", code, first);
	nc_list_addf(x, &s->replies, FTP_CMDS, line);

	/* a 1yz preliminary reply is not the final one (RFC 959 4.2) */
	bool prelim = code >= 100 && code < 200;
	if (prelim && s->fcount && s->fifo[s->fhead] == K_XFER)
		return;
	enum kind k = !s->greeted ? K_GREET : pop(s, &xi);
	switch (k) {
	case K_GREET:
		if (prelim)
			return; /* 120 service ready in nnn minutes */
		s->greeted = true;
		snprintf(s->banner, sizeof(s->banner), "%s", first);
		nc_obs_service(x->d, x->c, "FTP", s->banner);
		if (s->banner[0])
			nc_obs_software(x->d, x->c, 1, "Banner", s->banner,
					"FTP");
		break;
	case K_PASS:
		snprintf(notes, sizeof(notes), "%s (%d)",
			 code >= 200 && code < 300 ? "accepted" : "rejected",
			 code);
		login(x, s, notes);
		break;
	case K_USER:
		/* 230 without a password: logged in by USER alone */
		if (code == 230)
			nc_app_credentials(x->d, x->c, 0, "FTP", s->user, "",
					   "accepted (230)");
		break;
	case K_PASV: {
		/* the address in parentheses, or the first digit run */
		const char *q = strchr(first, '(');
		if (!q)
			for (q = first; *q && (*q < '0' || *q > '9'); q++)
				;
		else
			q++;
		if (code != 227)
			break;
		if (!hostport(s, (const uint8_t *)q, strlen(q), "PASV"))
			nc_app_event(x->d, x->c, 1, NC_EV_FTP_BAD_ADDRESS);
		else
			expect_data(x, s, "", "");
		break;
	}
	case K_EPSV: {
		const char *q = strchr(first, '(');
		if (code != 229)
			break;
		/* (|||port|): the server's own address */
		if (q && q[1] && q[2] == q[1] && q[3] == q[1]) {
			char *end;
			long port = strtol(q + 4, &end, 10);
			if (end != q + 4 && *end == q[1] && port > 0 &&
			    port <= 65535) {
				memcpy(s->dip, x->c->addr[1], x->c->alen);
				s->dalen = x->c->alen;
				s->dport = port;
				snprintf(s->mode, sizeof(s->mode), "EPSV");
				expect_data(x, s, "", "");
				break;
			}
		}
		nc_app_event(x->d, x->c, 1, NC_EV_FTP_BAD_ADDRESS);
		break;
	}
	case K_XFER:
		if (xi < s->nxfers) {
			s->xf[xi].code = code;
			s->xf[xi].open = false;
		}
		break;
	case K_AUTH_TLS:
		if (code == 234) {
			s->tls = true;
			nc_app_event(x->d, x->c, 1, NC_EV_FTP_AUTH_TLS);
		}
		break;
	default:
		break;
	}
}

static void server_line(struct nc_app_ctx *x, struct ftp *s, const uint8_t *l,
			size_t ll)
{
	int code;
	bool more;
	const uint8_t *t;
	size_t tl;
	bool ok = nc_reply_line(l, ll, &code, &more, &t, &tl);

	if (s->in_reply) {
		/* only "ddd SP" with the opening code ends it */
		if (ok && !more && code == s->in_code && ll > 3) {
			s->in_reply = false;
			if (!s->first[0]) /* "230-" alone: the last line says */
				nc_app_text(s->first, sizeof(s->first), t, tl);
			reply(x, s, code, s->first);
		}
		return;
	}
	if (!ok) {
		if (!s->bad_reply)
			nc_app_event(x->d, x->c, 1, NC_EV_FTP_BAD_REPLY);
		s->bad_reply = true;
		return;
	}
	nc_app_text(s->first, sizeof(s->first), t, tl);
	if (more) {
		s->in_reply = true;
		s->in_code = code;
		return;
	}
	reply(x, s, code, s->first);
}

static void ftp_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct ftp *s = st;
	const uint8_t *l;
	size_t ll;

	if (!s->ts0)
		s->ts0 = x->c->ts;
	while (len && !s->tls) {
		if (!nc_line_next(x, &s->ln[dir], dir, &p, &len, &l, &ll))
			break;
		if (dir == 0)
			command(x, s, l, ll);
		else
			server_line(x, s, l, ll);
	}
}

static void ftp_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct ftp *s = st;

	(void)len;
	if (s->tls)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_MAIL_GAP);
	if (dir == 1)
		s->in_reply = false;
	nc_line_gap(x, &s->ln[dir]);
}

static void ftp_close(struct nc_app_ctx *x, void *st)
{
	struct ftp *s = st;
	const struct nc_app_conn *c = x->c;
	Netcap__FTPTransfer tr[FTP_XFERS], *tp[FTP_XFERS];

	login(x, s, "");
	if (nc_want(x->d, NC_REC_FTP)) {
		Netcap__FTP r = NETCAP__FTP__INIT;
		char *v_cmds[FTP_CMDS], *v_replies[FTP_CMDS];
		r.timestamp = s->ts0 ? s->ts0 : c->ts;
		nc_app_ends(c, 0, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
		r.uid = nc_app_str(c->uid);
		r.n_commands = nc_list_ptrs(&s->cmds, v_cmds);
		r.commands = v_cmds;
		r.n_replies = nc_list_ptrs(&s->replies, v_replies);
		r.replies = v_replies;
		r.n_replycodes = s->ncodes;
		r.replycodes = s->codes;
		r.user = s->user;
		r.pass = s->pass;
		r.banner = s->banner;
		for (uint32_t i = 0; i < s->nxfers; i++) {
			struct xfer *t = &s->xf[i];
			tr[i] = (Netcap__FTPTransfer)NETCAP__FTPTRANSFER__INIT;
			tr[i].timestamp = t->ts;
			tr[i].command = t->cmd;
			tr[i].argument = t->arg;
			tr[i].mode = t->mode;
			tr[i].dataip.data = t->ip;
			tr[i].dataip.len = t->alen;
			tr[i].dataport = t->port;
			tr[i].replycode = t->code;
			tp[i] = &tr[i];
		}
		r.n_transfers = s->nxfers;
		r.transfers = tp;
		r.isencrypted = s->tls;
		r.numcommands = (int32_t)s->cmds.n_all;
		r.numreplies = s->nreplies;
		nc_emit(x->d, NC_REC_FTP, &r.base);
	}
	nc_line_free_all(x, s->ln, NULL);
	nc_list_free(x, &s->cmds);
	nc_list_free(x, &s->replies);
}

/*
 * Server greeting "220 ... FTP ..." (RFC 959 5.4) or a client's first
 * command that only FTP has. USER is also POP3's: the port decides.
 */
static enum nc_probe ftp_probe(const uint8_t *p, size_t len, int dir)
{
	static const char *yes_s[] = {"FTP", NULL};
	static const char *no_s[] = {"SMTP", NULL};
	static const char *yes_c[] = {"AUTH TLS", "AUTH SSL",  "FEAT\r",
				      "SYST\r",	  "OPTS UTF8", NULL};

	if (dir == 1)
		return nc_probe_reply(p, len, yes_s, no_s);
	return nc_probe_cmd(p, len, yes_c);
}

const struct nc_app_parser nc_app_ftp = {
    .name = "FTP",
    .transports = NC_APP_TCP,
    .ports = {21, 0},
    .recs = {NC_REC_FTP, NC_REC_CREDENTIALS, NC_REC_MAX},
    .probe = ftp_probe,
    .state_size = sizeof(struct ftp),
    .data = ftp_data,
    .gap = ftp_gap,
    .close = ftp_close,
};

/* ---------------------------------------------------------------------- */
/* the data connection (chosen only through nc_app_expect) */

struct ftpdata {
	struct nc_file *f;
	bool file; /* a file transfer (not a listing): write a File */
	bool started;
	bool missing; /* a gap: the content is incomplete */
	char cmd[8];
	char name[256];
};

static void ftpdata_expected(struct nc_app_ctx *x, void *st,
			     const struct nc_app_expect *e)
{
	struct ftpdata *s = st;

	(void)x;
	snprintf(s->cmd, sizeof(s->cmd), "%s", e->cmd);
	snprintf(s->name, sizeof(s->name), "%s", e->name);
	/* the command may still be on its way: no command yet counts as a
	   file, a listing does not */
	s->file = strcmp(e->cmd, "LIST") != 0 && strcmp(e->cmd, "NLST") != 0 &&
		  strcmp(e->cmd, "MLSD") != 0;
}

static void ftpdata_data(struct nc_app_ctx *x, void *st, int dir,
			 const uint8_t *p, size_t len)
{
	struct ftpdata *s = st;

	if (!s->file)
		return;
	if (!s->started) {
		s->started = true;
		s->f = nc_file_open(x, dir, "FTP", s->name, "", "", "");
	}
	nc_file_write(x, s->f, p, len);
}

static void ftpdata_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct ftpdata *s = st;

	(void)x, (void)dir, (void)len;
	s->missing = true;
}

static void ftpdata_close(struct nc_app_ctx *x, void *st)
{
	struct ftpdata *s = st;

	nc_file_close(x, s->f, s->missing);
	s->f = NULL;
}

const struct nc_app_parser nc_app_ftpdata = {
    .name = "FTP-DATA",
    .transports = NC_APP_TCP,
    .recs = {NC_REC_FILE, NC_REC_MAX},
    .state_size = sizeof(struct ftpdata),
    .data = ftpdata_data,
    .gap = ftpdata_gap,
    .close = ftpdata_close,
    .expected = ftpdata_expected,
};
