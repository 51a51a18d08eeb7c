/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pop3.c: POP3 (RFC 1939), CAPA and STLS (RFC 2449, 2595), AUTH (RFC
 * 5034, PLAIN RFC 4616). One POP3 record per connection, one Mail record
 * per message retrieved (RETR, TOP; mail.c), Credentials for USER/PASS,
 * APOP and AUTH PLAIN.
 *
 *   client:  KEYWORD [SP argument ...] CRLF        (USER, PASS, RETR 1, ...)
 *   server:  "+OK" [SP text] CRLF  /  "-ERR" [SP text] CRLF
 *            "+" SP base64 CRLF                    (AUTH continuation)
 *            after +OK to RETR, TOP, CAPA, LIST and UIDL without argument
 *            (and AUTH without one): lines, dot-stuffed, until "." CRLF
 *
 * Responses are matched to commands in order (a FIFO of 32: clients may
 * pipeline). After an accepted STLS nothing more is parsed. Bounds: lines
 * NC_LINE_MAX, 256 commands and responses, 64 Message-IDs kept.
 */
#include <stdio.h>
#include <string.h>

#include "mail.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define POP3_CMDS 256
#define POP3_IDS  64
#define POP3_FIFO 32

enum kind {
	K_OTHER = 0,
	K_GREET,
	K_MULTI,
	K_RETR,
	K_PASS,
	K_APOP,
	K_AUTH,
	K_STLS
};

struct pop3 {
	struct nc_lines ln[2];
	struct nc_msg msg;
	bool tls;
	bool greeted;
	bool sasl;  /* client lines are AUTH continuations */
	bool multi; /* server lines are a multi-line body */
	bool cred_pending;
	bool bad;
	uint8_t fifo[POP3_FIFO];
	uint32_t fhead, fcount;
	int64_t ts0;
	uint32_t nmail;
	int32_t nresp;
	struct nc_strlist cmds, resps, ids;
	char user[256], pass[256], token[512], banner[512];
};

static void push(struct pop3 *s, enum kind k)
{
	if (s->fcount < POP3_FIFO)
		s->fifo[(s->fhead + s->fcount++) % POP3_FIFO] = (uint8_t)k;
}

static enum kind pop(struct pop3 *s)
{
	if (s->fcount == 0)
		return K_OTHER;
	enum kind k = (enum kind)s->fifo[s->fhead];
	s->fhead = (s->fhead + 1) % POP3_FIFO;
	s->fcount--;
	return k;
}

static void creds(struct nc_app_ctx *x, struct pop3 *s, const char *notes)
{
	nc_cred_flush(x, &s->cred_pending, "POP3", s->user, s->pass, notes);
}

static void sasl_token(struct pop3 *s, const uint8_t *t, size_t tl, bool plain)
{
	nc_app_text(s->token, sizeof(s->token), t, tl);
	if (plain && nc_sasl_plain(t, tl, s->user, sizeof(s->user), s->pass,
				   sizeof(s->pass)))
		s->cred_pending = true;
}

static void command(struct nc_app_ctx *x, struct pop3 *s, const uint8_t *l,
		    size_t ll)
{
	const uint8_t *arg;
	size_t al;
	size_t vl = nc_split_verb(l, ll, &arg, &al);
	char verb[8];
	enum kind k = K_OTHER;

	if (s->sasl) {
		/* "*" cancels (RFC 5034 4) */
		if (!(ll == 1 && l[0] == '*'))
			sasl_token(s, l, ll, s->token[0] == '\0');
		return;
	}
	if (vl == 0)
		return;
	nc_list_add(x, &s->cmds, POP3_CMDS, l, ll, 512);
	nc_app_text(verb, sizeof(verb), l, vl < 7 ? vl : 7);
	for (char *v = verb; *v; v++)
		if (*v >= 'a' && *v <= 'z')
			*v = (char)(*v - 32);

	if (!strcmp(verb, "USER")) {
		nc_app_text(s->user, sizeof(s->user), arg, al);
	} else if (!strcmp(verb, "PASS")) {
		nc_app_text(s->pass, sizeof(s->pass), arg, al);
		s->cred_pending = true;
		k = K_PASS;
	} else if (!strcmp(verb, "APOP")) {
		const uint8_t *dg;
		size_t dl;
		size_t nl = nc_split_verb(arg, al, &dg, &dl);
		nc_app_text(s->user, sizeof(s->user), arg, nl);
		nc_app_text(s->token, sizeof(s->token), dg, dl);
		nc_app_text(s->pass, sizeof(s->pass), dg, dl);
		s->cred_pending = true;
		k = K_APOP;
	} else if (!strcmp(verb, "AUTH")) {
		if (al == 0) {
			k = K_MULTI; /* lists mechanisms on some servers */
		} else {
			const uint8_t *ini;
			size_t il;
			size_t ml = nc_split_verb(arg, al, &ini, &il);
			bool plain = ml == 5 && nc_ci_prefix(arg, al, "PLAIN");
			s->token[0] = '\0';
			s->cred_pending = false;
			if (il && !(il == 1 && ini[0] == '='))
				sasl_token(s, ini, il, plain);
			s->sasl = true;
			k = K_AUTH;
			if (!plain)
				s->token[0] = '\0';
		}
	} else if (!strcmp(verb, "RETR") || !strcmp(verb, "TOP")) {
		k = K_RETR;
	} else if (!strcmp(verb, "CAPA") ||
		   ((!strcmp(verb, "LIST") || !strcmp(verb, "UIDL")) &&
		    al == 0)) {
		k = K_MULTI;
	} else if (!strcmp(verb, "STLS")) {
		k = K_STLS;
	}
	push(s, k);
}

static void finish_mail(struct nc_app_ctx *x, struct pop3 *s)
{
	char id[512];
	struct nc_mail_env env = {
	    .origin = "POP3", .from = 1, .envelope_to = "", .seq = ++s->nmail};

	nc_mail_finish(x, &s->msg, &env, id, sizeof(id), NULL, 0);
	if (id[0])
		nc_list_addf(x, &s->ids, POP3_IDS, id);
}

static void status(struct nc_app_ctx *x, struct pop3 *s, const uint8_t *l,
		   size_t ll)
{
	char notes[32];
	bool ok = nc_ci_prefix(l, ll, "+OK");
	bool err = nc_ci_prefix(l, ll, "-ERR");

	if (!ok && !err) {
		if (ll && l[0] == '+' && s->fcount &&
		    s->fifo[s->fhead] == K_AUTH)
			return; /* "+ challenge": the AUTH goes on */
		if (!s->bad)
			nc_app_event(x->d, x->c, 1, NC_EV_POP3_BAD_RESPONSE);
		s->bad = true;
		return;
	}
	s->nresp++;
	nc_list_add(x, &s->resps, POP3_CMDS, l, ll, 512);
	enum kind k = !s->greeted ? K_GREET : pop(s);
	switch (k) {
	case K_GREET: {
		const uint8_t *t;
		size_t tl;
		nc_split_verb(l, ll, &t, &tl);
		s->greeted = true;
		nc_app_text(s->banner, sizeof(s->banner), t, tl);
		nc_obs_service(x->d, x->c, "POP3", s->banner);
		if (s->banner[0])
			nc_obs_software(x->d, x->c, 1, "Banner", s->banner,
					"POP3");
		break;
	}
	case K_MULTI:
		s->multi = ok;
		break;
	case K_RETR:
		if (ok) {
			s->multi = true;
			nc_msg_begin(&s->msg);
		}
		break;
	case K_AUTH:
		s->sasl = false;
		/* fall through */
	case K_PASS:
	case K_APOP:
		snprintf(notes, sizeof(notes), "%s",
			 ok ? "accepted" : "rejected");
		creds(x, s, notes);
		break;
	case K_STLS:
		if (ok) {
			s->tls = true;
			nc_app_event(x->d, x->c, 1, NC_EV_POP3_STLS);
		}
		break;
	default:
		break;
	}
}

static void server_line(struct nc_app_ctx *x, struct pop3 *s, const uint8_t *l,
			size_t ll)
{
	if (s->multi) {
		if (ll == 1 && l[0] == '.') {
			s->multi = false;
			if (s->msg.active)
				finish_mail(x, s);
		} else if (s->msg.active) {
			nc_msg_line(x, &s->msg, l, ll);
		}
		return;
	}
	status(x, s, l, ll);
}

static void pop3_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		      size_t len)
{
	struct pop3 *s = st;
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

static void pop3_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct pop3 *s = st;

	(void)len;
	if (s->tls)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_MAIL_GAP);
	if (dir == 1 && s->msg.active)
		s->msg.truncated = true;
	nc_line_gap(x, &s->ln[dir]);
}

static void pop3_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct pop3 *s = st;

	if (dir == 1 && s->msg.active) {
		s->msg.truncated = true;
		finish_mail(x, s);
		s->multi = false;
	}
}

static void pop3_close(struct nc_app_ctx *x, void *st)
{
	struct pop3 *s = st;
	const struct nc_app_conn *c = x->c;

	pop3_end(x, st, 1);
	creds(x, s, "");
	if (nc_want(x->d, NC_REC_POP3)) {
		Netcap__POP3 r = NETCAP__POP3__INIT;
		char *v_ids[POP3_IDS], *v_cmds[POP3_CMDS], *v_resps[POP3_CMDS];
		r.timestamp = s->ts0 ? s->ts0 : c->ts;
		r.clientip.data = (uint8_t *)c->addr[0];
		r.clientip.len = c->alen;
		r.serverip.data = (uint8_t *)c->addr[1];
		r.serverip.len = c->alen;
		r.authtoken = s->token;
		r.user = s->user;
		r.pass = s->pass;
		r.n_mailids = nc_list_ptrs(&s->ids, v_ids);
		r.mailids = v_ids;
		r.n_commands = nc_list_ptrs(&s->cmds, v_cmds);
		r.commands = v_cmds;
		nc_app_ends(c, 0, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
		r.uid = nc_app_str(c->uid);
		r.serverbanner = s->banner;
		r.n_responses = nc_list_ptrs(&s->resps, v_resps);
		r.responses = v_resps;
		r.numcommands = (int32_t)s->cmds.n_all;
		r.numresponses = s->nresp;
		r.isencrypted = s->tls;
		nc_emit(x->d, NC_REC_POP3, &r.base);
	}
	nc_line_free_all(x, s->ln, &s->msg);
	nc_list_free(x, &s->cmds);
	nc_list_free(x, &s->resps);
	nc_list_free(x, &s->ids);
}

/*
 * Server greeting "+OK text" (RFC 1939 4) or a client command only POP3
 * has (CAPA, APOP, STLS). "+OK" alone (a Redis reply) is not enough; USER
 * is also FTP's: the port decides.
 */
static enum nc_probe pop3_probe(const uint8_t *p, size_t len, int dir)
{
	static const char *yes_c[] = {"CAPA\r", "APOP ", "STLS\r", NULL};

	if (dir == 1) {
		static const char *ok[] = {"+OK ", NULL};
		static const char *other[] = {"+OK\r", "-ERR", NULL};
		enum nc_probe r = nc_probe_cmd(p, len, ok);
		if (r == NC_PROBE_YES) {
			if (len < 5)
				return NC_PROBE_NEED;
			for (size_t i = 4; i < len && p[i] != '\n'; i++)
				if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\r')
					return NC_PROBE_NO;
			return NC_PROBE_YES;
		}
		if (r == NC_PROBE_NEED && len < 4)
			return NC_PROBE_NEED;
		/* a bare +OK or -ERR: the port decides */
		return nc_probe_cmd(p, len, other) == NC_PROBE_NO
			   ? NC_PROBE_NO
			   : NC_PROBE_NEED;
	}
	return nc_probe_cmd(p, len, yes_c);
}

const struct nc_app_parser nc_app_pop3 = {
    .name = "POP3",
    .transports = NC_APP_TCP,
    .ports = {110, 0},
    .recs = {NC_REC_POP3, NC_REC_MAIL, NC_REC_FILE, NC_REC_CREDENTIALS,
	     NC_REC_MAX},
    .probe = pop3_probe,
    .state_size = sizeof(struct pop3),
    .data = pop3_data,
    .gap = pop3_gap,
    .end = pop3_end,
    .close = pop3_close,
};
