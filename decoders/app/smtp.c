/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * smtp.c: SMTP (RFC 5321), ESMTP extensions AUTH (RFC 4954, PLAIN RFC
 * 4616, LOGIN), STARTTLS (RFC 3207), PIPELINING (RFC 2920), CHUNKING/BDAT
 * (RFC 3030). One SMTP record per connection, one Mail record per message
 * (mail.c), Credentials for AUTH PLAIN/LOGIN.
 *
 *   client:  VERB [SP argument] CRLF           (EHLO, MAIL FROM:<a>, ...)
 *            DATA CRLF  ... message lines (dot-stuffed) ... CRLF . CRLF
 *            BDAT n [LAST] CRLF  n octets
 *   server:  ddd "-" text CRLF  (more lines follow)
 *            ddd SP text CRLF   (last line of a reply)
 *
 * Replies are matched to commands in order through a FIFO of what the
 * client asked (pipelining sends several commands before the replies);
 * intermediate 334 (AUTH) and 354 (DATA) replies are not final.
 * After an accepted STARTTLS (220) nothing more is parsed.
 * Bounds: lines NC_LINE_MAX; 256 commands, 256 reply codes, 64 RCPT TO,
 * 64 Message-IDs kept (all counted); 32 replies awaited.
 */
#include <stdio.h>
#include <string.h>

#include "mail.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define SMTP_CMDS  256
#define SMTP_RCPTS 64
#define SMTP_IDS   64
#define SMTP_FIFO  32

/* what the client side is sending */
enum cli {
	CLI_CMD = 0,
	CLI_DATA,	/* message lines until "." */
	CLI_BDAT,	/* bdat_left raw octets */
	CLI_AUTH_USER,	/* AUTH LOGIN: base64 user name */
	CLI_AUTH_PASS,	/* AUTH LOGIN: base64 password */
	CLI_AUTH_PLAIN, /* AUTH PLAIN: base64 token */
	CLI_AUTH_OTHER, /* another mechanism: lines until the final reply */
};

/* what a final reply answers */
enum kind { K_OTHER = 0, K_GREET, K_DATA, K_DATA_END, K_AUTH, K_STARTTLS };

struct smtp {
	struct nc_lines ln[2];
	struct nc_msg msg;
	uint8_t cli;
	bool tls;
	bool greeted;
	bool in_reply;	   /* inside a multi-line reply */
	bool auth_pending; /* user/pass wait for the AUTH's final reply */
	bool bdat_last;
	bool bad_reply; /* smtp.bad_reply counted once */
	uint8_t fifo[SMTP_FIFO];
	uint32_t fhead, fcount;
	uint64_t bdat_left;
	int64_t ts0;
	uint32_t nmail;
	int32_t nresp;
	uint32_t ncodes;
	struct nc_strlist cmds, rcpts, ids;
	int32_t codes[SMTP_CMDS];
	char helo[256], from[256], banner[512], subject[512];
	char user[256], pass[256], last_reply[512], first_line[512];
	char envto[1024]; /* RCPT TO paths of the current transaction */
};

static void push(struct smtp *s, enum kind k)
{
	if (s->fcount < SMTP_FIFO)
		s->fifo[(s->fhead + s->fcount++) % SMTP_FIFO] = (uint8_t)k;
}

static enum kind pop(struct smtp *s)
{
	if (s->fcount == 0)
		return K_OTHER;
	enum kind k = (enum kind)s->fifo[s->fhead];
	s->fhead = (s->fhead + 1) % SMTP_FIFO;
	s->fcount--;
	return k;
}

static void creds(struct nc_app_ctx *x, struct smtp *s, const char *notes)
{
	nc_cred_flush(x, &s->auth_pending, "SMTP AUTH", s->user, s->pass,
		      notes);
}

static void finish_mail(struct nc_app_ctx *x, struct smtp *s)
{
	char id[512], subj[512];
	struct nc_mail_env env = {.origin = "SMTP",
				  .from = 0,
				  .envelope_to = s->envto,
				  .seq = ++s->nmail};

	if (!s->msg.active)
		return;
	nc_mail_finish(x, &s->msg, &env, id, sizeof(id), subj, sizeof(subj));
	if (id[0])
		nc_list_addf(x, &s->ids, SMTP_IDS, id);
	if (s->nmail == 1)
		snprintf(s->subject, sizeof(s->subject), "%s", subj);
}

/* A base64 line of an AUTH exchange (RFC 4954 4). */
static void auth_line(struct nc_app_ctx *x, struct smtp *s, const uint8_t *l,
		      size_t ll)
{
	uint8_t buf[512];
	bool bad;
	size_t n;

	if (ll == 1 && l[0] == '*') { /* cancelled */
		s->cli = CLI_AUTH_OTHER;
		s->auth_pending = false;
		return;
	}
	switch (s->cli) {
	case CLI_AUTH_USER:
	case CLI_AUTH_PASS:
		n = nc_b64_decode(l, ll, buf, sizeof(buf) - 1, &bad);
		if (bad)
			nc_app_event(x->d, x->c, 0, NC_EV_SMTP_BAD_AUTH);
		if (s->cli == CLI_AUTH_USER) {
			nc_app_text(s->user, sizeof(s->user), buf, n);
			s->cli = CLI_AUTH_PASS;
		} else {
			nc_app_text(s->pass, sizeof(s->pass), buf, n);
			s->auth_pending = true;
			s->cli = CLI_AUTH_OTHER;
		}
		break;
	case CLI_AUTH_PLAIN:
		if (nc_sasl_plain(l, ll, s->user, sizeof(s->user), s->pass,
				  sizeof(s->pass)))
			s->auth_pending = true;
		else
			nc_app_event(x->d, x->c, 0, NC_EV_SMTP_BAD_AUTH);
		s->cli = CLI_AUTH_OTHER;
		break;
	default:
		break;
	}
}

static void command(struct nc_app_ctx *x, struct smtp *s, const uint8_t *l,
		    size_t ll)
{
	const uint8_t *arg;
	size_t al;
	size_t vl = nc_split_verb(l, ll, &arg, &al);
	char verb[16];

	if (vl == 0)
		return; /* an empty line is no command */
	nc_list_add(x, &s->cmds, SMTP_CMDS, l, ll, 512);
	nc_app_text(verb, sizeof(verb), l, vl < 15 ? vl : 15);
	for (char *v = verb; *v; v++)
		if (*v >= 'a' && *v <= 'z')
			*v = (char)(*v - 32);

	enum kind k = K_OTHER;
	if (!strcmp(verb, "HELO") || !strcmp(verb, "EHLO")) {
		nc_app_text(s->helo, sizeof(s->helo), arg, al);
	} else if (!strcmp(verb, "MAIL")) {
		if (!s->from[0])
			nc_mail_path(arg, al, s->from, sizeof(s->from));
		s->envto[0] = '\0';
	} else if (!strcmp(verb, "RCPT")) {
		char to[256];
		nc_mail_path(arg, al, to, sizeof(to));
		nc_list_addf(x, &s->rcpts, SMTP_RCPTS, to);
		size_t el = strlen(s->envto);
		snprintf(s->envto + el, sizeof(s->envto) - el, "%s%s",
			 el ? ", " : "", to);
	} else if (!strcmp(verb, "DATA")) {
		k = K_DATA;
		s->cli = CLI_DATA;
		nc_msg_begin(&s->msg);
	} else if (!strcmp(verb, "BDAT")) {
		unsigned long long n = 0;
		size_t i = 0;
		while (i < al && arg[i] >= '0' && arg[i] <= '9' &&
		       n < (1ull << 40))
			n = n * 10 + (unsigned)(arg[i++] - '0');
		s->bdat_left = n;
		s->bdat_last =
		    al > i && nc_ci_prefix(arg + i + 1, al - i - 1, "LAST");
		if (!s->msg.active)
			nc_msg_begin(&s->msg);
		s->cli = CLI_BDAT;
		if (n == 0 && s->bdat_last) {
			finish_mail(x, s);
			s->cli = CLI_CMD;
		} else if (n == 0) {
			s->cli = CLI_CMD;
		}
	} else if (!strcmp(verb, "AUTH")) {
		const uint8_t *ini;
		size_t il;
		size_t ml = nc_split_verb(arg, al, &ini, &il);
		k = K_AUTH;
		s->auth_pending = false;
		s->user[0] = s->pass[0] = '\0';
		if (ml == 5 && nc_ci_prefix(arg, al, "LOGIN")) {
			s->cli = CLI_AUTH_USER;
			if (il) /* initial response: the user name */
				auth_line(x, s, ini, il);
		} else if (ml == 5 && nc_ci_prefix(arg, al, "PLAIN")) {
			s->cli = CLI_AUTH_PLAIN;
			if (il && !(il == 1 && ini[0] == '='))
				auth_line(x, s, ini, il);
		} else {
			s->cli = CLI_AUTH_OTHER;
		}
	} else if (!strcmp(verb, "STARTTLS")) {
		k = K_STARTTLS;
	}
	push(s, k);
}

static void client_line(struct nc_app_ctx *x, struct smtp *s, const uint8_t *l,
			size_t ll)
{
	switch (s->cli) {
	case CLI_DATA:
		if (ll == 1 && l[0] == '.') {
			finish_mail(x, s);
			s->cli = CLI_CMD;
		} else {
			nc_msg_line(x, &s->msg, l, ll);
		}
		break;
	case CLI_AUTH_USER:
	case CLI_AUTH_PASS:
	case CLI_AUTH_PLAIN:
	case CLI_AUTH_OTHER:
		auth_line(x, s, l, ll);
		break;
	default:
		command(x, s, l, ll);
		break;
	}
}

/* A complete reply (its last line): what it answers. */
static void reply(struct nc_app_ctx *x, struct smtp *s, int code,
		  const uint8_t *text, size_t tl)
{
	char notes[64];

	s->nresp++;
	if (s->ncodes < SMTP_CMDS)
		s->codes[s->ncodes++] = code;
	int n = snprintf(s->last_reply, sizeof(s->last_reply), "%d ", code);
	nc_app_text(s->last_reply + n, sizeof(s->last_reply) - (size_t)n, text,
		    tl);

	/* AUTH and DATA have intermediate replies */
	if (code == 334 && s->fcount && s->fifo[s->fhead] == K_AUTH)
		return;
	enum kind k = !s->greeted ? K_GREET : pop(s);
	switch (k) {
	case K_GREET:
		s->greeted = true;
		snprintf(s->banner, sizeof(s->banner), "%s", s->first_line);
		nc_obs_service(x->d, x->c, "SMTP", s->banner);
		if (s->banner[0])
			nc_obs_software(x->d, x->c, 1, "Banner", s->banner,
					"SMTP");
		break;
	case K_DATA:
		if (code == 354) {
			push(s, K_DATA_END);
		} else if (s->cli == CLI_DATA && s->msg.lines == 0) {
			/* refused: the client sends no message */
			s->cli = CLI_CMD;
			s->msg.active = false;
		}
		break;
	case K_AUTH:
		if (s->cli >= CLI_AUTH_USER)
			s->cli = CLI_CMD;
		if (code >= 200 && code < 300)
			snprintf(notes, sizeof(notes), "accepted (%d)", code);
		else
			snprintf(notes, sizeof(notes), "rejected (%d)", code);
		creds(x, s, notes);
		break;
	case K_STARTTLS:
		if (code == 220) {
			s->tls = true;
			nc_app_event(x->d, x->c, 1, NC_EV_SMTP_STARTTLS);
		}
		break;
	default:
		break;
	}
}

static void server_line(struct nc_app_ctx *x, struct smtp *s, const uint8_t *l,
			size_t ll)
{
	int code;
	bool more;
	const uint8_t *t;
	size_t tl;

	if (!nc_reply_line(l, ll, &code, &more, &t, &tl)) {
		if (!s->bad_reply)
			nc_app_event(x->d, x->c, 1, NC_EV_SMTP_BAD_REPLY);
		s->bad_reply = true;
		return;
	}
	if (!s->in_reply && !s->greeted)
		nc_app_text(s->first_line, sizeof(s->first_line), t, tl);
	if (more) {
		s->in_reply = true;
		return;
	}
	s->in_reply = false;
	reply(x, s, code, t, tl);
}

static void smtp_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		      size_t len)
{
	struct smtp *s = st;
	const uint8_t *l;
	size_t ll;

	if (!s->ts0)
		s->ts0 = x->c->ts;
	while (len && !s->tls) {
		if (dir == 0 && s->cli == CLI_BDAT) {
			size_t n =
			    len < s->bdat_left ? len : (size_t)s->bdat_left;
			nc_msg_add(x, &s->msg, p, n);
			p += n, len -= n;
			s->bdat_left -= n;
			if (s->bdat_left == 0) {
				if (s->bdat_last)
					finish_mail(x, s);
				s->cli = CLI_CMD;
			}
			continue;
		}
		if (!nc_line_next(x, &s->ln[dir], dir, &p, &len, &l, &ll))
			break;
		if (dir == 0)
			client_line(x, s, l, ll);
		else
			server_line(x, s, l, ll);
	}
}

static void smtp_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct smtp *s = st;

	if (s->tls)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_MAIL_GAP);
	if (dir == 0 && s->cli == CLI_BDAT) {
		uint64_t n = len < s->bdat_left ? len : s->bdat_left;
		s->bdat_left -= n;
		s->msg.size += n;
		s->msg.truncated = true;
		if (s->bdat_left == 0) {
			if (s->bdat_last)
				finish_mail(x, s);
			s->cli = CLI_CMD;
		}
		return; /* the chunk boundary is known: no resync needed */
	}
	if (dir == 0 && s->msg.active)
		s->msg.truncated = true;
	if (dir == 1)
		s->in_reply = false;
	nc_line_gap(x, &s->ln[dir]);
}

static void smtp_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct smtp *s = st;

	if (dir == 0 && s->msg.active) {
		s->msg.truncated = true;
		finish_mail(x, s);
		s->cli = CLI_CMD;
	}
}

static void smtp_close(struct nc_app_ctx *x, void *st)
{
	struct smtp *s = st;
	const struct nc_app_conn *c = x->c;

	smtp_end(x, st, 0);
	creds(x, s, "");
	if (nc_want(x->d, NC_REC_SMTP)) {
		Netcap__SMTP r = NETCAP__SMTP__INIT;
		char *v_ids[SMTP_IDS], *v_cmds[SMTP_CMDS], *v_rcpts[SMTP_RCPTS];
		r.timestamp = s->ts0 ? s->ts0 : c->ts;
		r.isencrypted = s->tls;
		nc_app_ends(c, 0, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
		r.uid = nc_app_str(c->uid);
		r.n_mailids = nc_list_ptrs(&s->ids, v_ids);
		r.mailids = v_ids;
		r.n_commands = nc_list_ptrs(&s->cmds, v_cmds);
		r.commands = v_cmds;
		r.helo = s->helo;
		r.mailfrom = s->from;
		r.n_rcptto = nc_list_ptrs(&s->rcpts, v_rcpts);
		r.rcptto = v_rcpts;
		r.serverbanner = s->banner;
		r.n_responsecodes = s->ncodes;
		r.responsecodes = s->codes;
		r.subject = s->subject;
		r.user = s->user;
		r.numcommands = (int32_t)s->cmds.n_all;
		r.numresponses = s->nresp;
		r.nummails = (int32_t)s->nmail;
		r.lastreply = s->last_reply;
		nc_emit(x->d, NC_REC_SMTP, &r.base);
	}
	nc_line_free_all(x, s->ln, &s->msg);
	nc_list_free(x, &s->cmds);
	nc_list_free(x, &s->rcpts);
	nc_list_free(x, &s->ids);
}

/*
 * Server greeting "220 host ESMTP ..." (RFC 5321 4.3.1) or client
 * EHLO/HELO. A 220 greeting that names FTP is not SMTP's; one that names
 * neither is left to the port.
 */
static enum nc_probe smtp_probe(const uint8_t *p, size_t len, int dir)
{
	static const char *yes_s[] = {"SMTP", "ESMTP", "Postfix", NULL};
	static const char *no_s[] = {"FTP", NULL};
	static const char *yes_c[] = {"EHLO ", "HELO ", NULL};

	if (dir == 1) {
		/* "FTP" would match inside "SFTP": ask for SMTP first */
		enum nc_probe r = nc_probe_reply(p, len, yes_s, NULL);
		if (r == NC_PROBE_YES)
			return r;
		return nc_probe_reply(p, len, NULL, no_s);
	}
	return nc_probe_cmd(p, len, yes_c);
}

const struct nc_app_parser nc_app_smtp = {
    .name = "SMTP",
    .transports = NC_APP_TCP,
    .ports = {25, 587, 2525, 0},
    .recs = {NC_REC_SMTP, NC_REC_MAIL, NC_REC_FILE, NC_REC_CREDENTIALS,
	     NC_REC_MAX},
    .probe = smtp_probe,
    .state_size = sizeof(struct smtp),
    .data = smtp_data,
    .gap = smtp_gap,
    .end = smtp_end,
    .close = smtp_close,
};
