/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * imap.c: IMAP4rev1 (RFC 3501), STARTTLS (RFC 3501 6.2.1), AUTHENTICATE
 * (PLAIN RFC 4616, SASL-IR RFC 4959), LITERAL+ (RFC 7888). One IMAP
 * record per connection, one Mail record per message fetched (BODY[],
 * BODY[HEADER], RFC822, RFC822.HEADER literals; mail.c), Credentials for
 * LOGIN and AUTHENTICATE PLAIN.
 *
 *   client:  tag SP command [SP arguments] CRLF
 *            an argument may be a literal: "{" n ["+"] "}" CRLF n octets,
 *            after which the command line goes on
 *   server:  "*" SP untagged data CRLF   (CAPABILITY, FETCH, OK, ...)
 *            "+" SP continuation CRLF
 *            tag SP ("OK" / "NO" / "BAD") SP text CRLF
 *            a line ending in "{" n "}" CRLF has n octets of literal data
 *            after it and goes on after them
 *
 * Literals are never buffered beyond a bound: a client literal is kept in
 * the command text up to 256 octets (as a quoted string), a message
 * literal up to the table's max_message (the rest counted, Truncated), any
 * other server literal skipped. Bounds: lines NC_LINE_MAX, a command 2048
 * octets, 256 commands and responses, 64 capabilities, mailboxes and
 * Message-IDs kept (all counted).
 */
#include <stdio.h>
#include <string.h>

#include "mail.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define IMAP_CMDS    256
#define IMAP_LIST    64
#define IMAP_CMDLEN  2048
#define IMAP_LITKEEP 256

struct imap {
	struct nc_lines ln[2];
	struct nc_msg msg;
	bool tls;
	bool greeted;
	bool sasl; /* client lines are AUTHENTICATE responses */
	bool cred_pending;
	bool srv_cont; /* the next server line continues a response */
	bool lit_msg;  /* the server literal is a message */
	bool bad;
	bool sasl_plain;   /* the AUTHENTICATE is PLAIN */
	uint32_t cli_kept; /* client literal octets kept */
	uint64_t cli_lit;  /* client literal octets to come */
	uint64_t srv_lit;  /* server literal octets to come */
	uint32_t clen;	   /* command text assembled */
	int64_t ts0;
	uint32_t nmail;
	int32_t nresp;
	struct nc_strlist cmds, caps, boxes, ids, resps;
	char cmd[IMAP_CMDLEN];
	char login_tag[64], sasl_tag[64], tls_tag[64];
	char user[256], pass[256], banner[512];
};

/* "{n}" or "{n+}" at the end of p/len: true with n, len cut before it. */
static bool literal_at_end(const uint8_t *p, size_t *len, uint64_t *n)
{
	size_t l = *len;
	if (l < 3 || p[l - 1] != '}')
		return false;
	size_t i = l - 1;
	if (i && p[i - 1] == '+')
		i--;
	size_t e = i;
	while (i && p[i - 1] >= '0' && p[i - 1] <= '9' && e - i < 20)
		i--;
	if (i == e || i == 0 || p[i - 1] != '{')
		return false;
	uint64_t v = 0;
	for (size_t k = i; k < e; k++)
		v = v * 10 + (uint64_t)(p[k] - '0');
	*n = v;
	*len = i - 1;
	return true;
}

static void cmd_add(struct imap *s, const char *p, size_t n)
{
	if (n > IMAP_CMDLEN - 1 - s->clen)
		n = IMAP_CMDLEN - 1 - s->clen;
	memcpy(s->cmd + s->clen, p, n);
	s->clen += (uint32_t)n;
	s->cmd[s->clen] = '\0';
}

/* Next astring (RFC 3501 9: atom or quoted) of *p: into out. */
static bool astring(const char **p, char *out, size_t cap)
{
	const char *q = *p;
	size_t o = 0;
	while (*q == ' ')
		q++;
	if (!*q)
		return false;
	if (*q == '"') {
		q++;
		while (*q && *q != '"') {
			if (*q == '\\' && q[1])
				q++;
			if (o + 1 < cap)
				out[o++] = *q;
			q++;
		}
		if (*q == '"')
			q++;
	} else {
		while (*q && *q != ' ') {
			if (o + 1 < cap)
				out[o++] = *q;
			q++;
		}
	}
	out[o] = '\0';
	*p = q;
	return true;
}

static void creds(struct nc_app_ctx *x, struct imap *s, const char *notes)
{
	nc_cred_flush(x, &s->cred_pending, "IMAP", s->user, s->pass, notes);
}

/* A complete command (literals folded in as quoted strings). */
static void command(struct nc_app_ctx *x, struct imap *s)
{
	char tag[64], verb[32], a1[512], a2[512];
	const char *q = s->cmd;

	if (s->clen == 0)
		return;
	nc_list_addf(x, &s->cmds, IMAP_CMDS, s->cmd);
	if (!astring(&q, tag, sizeof(tag)) || !astring(&q, verb, sizeof(verb)))
		return;
	for (char *v = verb; *v; v++)
		if (*v >= 'a' && *v <= 'z')
			*v = (char)(*v - 32);
	if (!strcmp(verb, "UID") && !astring(&q, verb, sizeof(verb)))
		return;
	if (!strcmp(verb, "LOGIN")) {
		if (astring(&q, a1, sizeof(a1)) &&
		    astring(&q, a2, sizeof(a2))) {
			nc_app_text(s->user, sizeof(s->user), (uint8_t *)a1,
				    strlen(a1));
			nc_app_text(s->pass, sizeof(s->pass), (uint8_t *)a2,
				    strlen(a2));
			snprintf(s->login_tag, sizeof(s->login_tag), "%s", tag);
			s->cred_pending = true;
		}
	} else if (!strcmp(verb, "AUTHENTICATE")) {
		bool plain =
		    astring(&q, a1, sizeof(a1)) && strcasecmp(a1, "PLAIN") == 0;
		snprintf(s->sasl_tag, sizeof(s->sasl_tag), "%s", tag);
		s->sasl = true;
		s->cred_pending = false;
		if (plain && astring(&q, a2, sizeof(a2)) &&
		    nc_sasl_plain((uint8_t *)a2, strlen(a2), s->user,
				  sizeof(s->user), s->pass, sizeof(s->pass)))
			s->cred_pending = true;
		s->sasl_plain = plain;
	} else if (!strcmp(verb, "SELECT") || !strcmp(verb, "EXAMINE")) {
		if (astring(&q, a1, sizeof(a1)))
			nc_list_addf(x, &s->boxes, IMAP_LIST, a1);
	} else if (!strcmp(verb, "STARTTLS")) {
		snprintf(s->tls_tag, sizeof(s->tls_tag), "%s", tag);
	}
}

static void client_line(struct nc_app_ctx *x, struct imap *s, const uint8_t *l,
			size_t ll)
{
	if (s->sasl && s->clen == 0) {
		/* an AUTHENTICATE response line (base64), "*" cancels */
		if (s->sasl_plain && !s->cred_pending &&
		    nc_sasl_plain(l, ll, s->user, sizeof(s->user), s->pass,
				  sizeof(s->pass)))
			s->cred_pending = true;
		return;
	}
	uint64_t n;
	size_t keep = ll;
	bool lit = literal_at_end(l, &keep, &n);
	char t[IMAP_CMDLEN];
	size_t tl = nc_app_text(t, sizeof(t), l, keep);
	cmd_add(s, t, tl);
	if (lit) {
		s->cli_lit = n;
		s->cli_kept = 0;
		cmd_add(s, "\"", 1);
		return;
	}
	command(x, s);
	s->clen = 0;
}

/* Client literal octets: kept quoted in the command text, bounded. */
static void client_literal(struct imap *s, const uint8_t *p, size_t n)
{
	char t[8];
	for (size_t i = 0; i < n; i++) {
		if (s->cli_kept++ >= IMAP_LITKEEP)
			break;
		size_t k;
		if (p[i] == '"' || p[i] == '\\') {
			t[0] = '\\', t[1] = (char)p[i], k = 2;
		} else {
			k = nc_app_text(t, sizeof(t), p + i, 1);
		}
		cmd_add(s, t, k);
	}
}

static void finish_mail(struct nc_app_ctx *x, struct imap *s)
{
	char id[512];
	struct nc_mail_env env = {
	    .origin = "IMAP", .from = 1, .envelope_to = "", .seq = ++s->nmail};

	nc_mail_finish(x, &s->msg, &env, id, sizeof(id), NULL, 0);
	if (id[0])
		nc_list_addf(x, &s->ids, IMAP_LIST, id);
}

/* Capability names after "CAPABILITY" in p/len, up to "]" or the end. */
static void capabilities(struct nc_app_ctx *x, struct imap *s, const uint8_t *p,
			 size_t len)
{
	size_t i = 0;
	while (i < len && p[i] != ']') {
		while (i < len && p[i] == ' ')
			i++;
		size_t b = i;
		while (i < len && p[i] != ' ' && p[i] != ']')
			i++;
		if (i > b) {
			char c[128];
			nc_app_text(c, sizeof(c), p + b, i - b);
			if (!nc_list_has(&s->caps, c))
				nc_list_addf(x, &s->caps, IMAP_LIST, c);
		}
	}
}

/*
 * Capabilities in a response: untagged "CAPABILITY ..." (at the start of
 * data) or a "[CAPABILITY ...]" response code anywhere in the text.
 */
static void find_caps(struct nc_app_ctx *x, struct imap *s, const uint8_t *l,
		      size_t ll, bool untagged)
{
	if (untagged && nc_ci_prefix(l, ll, "CAPABILITY ")) {
		capabilities(x, s, l + 11, ll - 11);
		return;
	}
	for (size_t i = 0; i + 12 <= ll; i++) {
		if (l[i] == '[' &&
		    nc_ci_prefix(l + i + 1, ll - i - 1, "CAPABILITY ")) {
			capabilities(x, s, l + i + 12, ll - i - 12);
			return;
		}
	}
}

/*
 * Is the literal announced at the end of l (cut before "{n}") a whole
 * message or its header: the last FETCH item is BODY[], BODY[HEADER],
 * RFC822 or RFC822.HEADER (RFC 3501 7.4.2)?
 */
static bool message_item(const uint8_t *l, size_t ll)
{
	while (ll && l[ll - 1] == ' ')
		ll--;
	size_t b = ll;
	while (b && l[b - 1] != ' ' && l[b - 1] != '(')
		b--;
	const uint8_t *it = l + b;
	size_t il = ll - b;
	static const char *const ok[] = {"BODY[]",   "BODY[HEADER]",
					 "RFC822",   "RFC822.HEADER",
					 "BINARY[]", NULL};
	/* BODY[]<0> (a partial fetch from the start) counts too */
	if (il > 3 && it[il - 1] == '>') {
		while (il && it[il - 1] != '<')
			il--;
		if (il)
			il--;
	}
	for (int i = 0; ok[i]; i++)
		if (strlen(ok[i]) == il && nc_ci_prefix(it, il, ok[i]))
			return true;
	return false;
}

static void server_line(struct nc_app_ctx *x, struct imap *s, const uint8_t *l,
			size_t ll)
{
	uint64_t n;
	size_t keep = ll;
	bool cont = s->srv_cont;
	bool lit = literal_at_end(l, &keep, &n);

	s->srv_cont = false;
	if (lit) {
		s->srv_lit = n;
		s->srv_cont = true;
		s->lit_msg = message_item(l, keep) &&
			     (cont || nc_ci_prefix(l, ll, "* "));
		if (s->lit_msg)
			nc_msg_begin(&s->msg);
	}
	if (cont)
		return; /* the rest of a response after a literal */
	if (ll >= 2 && l[0] == '*' && l[1] == ' ') {
		if (!s->greeted) {
			s->greeted = true;
			const uint8_t *t;
			size_t tl;
			nc_split_verb(l + 2, ll - 2, &t, &tl);
			nc_app_text(s->banner, sizeof(s->banner), t, tl);
			nc_obs_service(x->d, x->c, "IMAP", s->banner);
			if (s->banner[0])
				nc_obs_software(x->d, x->c, 1, "Banner",
						s->banner, "IMAP");
		}
		find_caps(x, s, l + 2, keep - 2, true);
		return;
	}
	if (ll >= 1 && l[0] == '+')
		return; /* continuation request */
	/* tag SP status SP text */
	const uint8_t *st;
	size_t sl;
	size_t tg = nc_split_verb(l, keep, &st, &sl);
	if (tg == 0 || sl == 0) {
		if (!s->bad)
			nc_app_event(x->d, x->c, 1, NC_EV_IMAP_BAD_LITERAL);
		s->bad = true;
		return;
	}
	char tag[64];
	nc_app_text(tag, sizeof(tag), l, tg < 63 ? tg : 63);
	bool ok = nc_ci_prefix(st, sl, "OK");
	s->nresp++;
	nc_list_add(x, &s->resps, IMAP_CMDS, l, keep, 512);
	find_caps(x, s, st, sl, false);
	if (s->sasl && !strcmp(tag, s->sasl_tag)) {
		s->sasl = false;
		creds(x, s, ok ? "accepted" : "rejected");
	}
	if (s->login_tag[0] && !strcmp(tag, s->login_tag))
		creds(x, s, ok ? "accepted" : "rejected");
	if (s->tls_tag[0] && !strcmp(tag, s->tls_tag) && ok) {
		s->tls = true;
		nc_app_event(x->d, x->c, 1, NC_EV_IMAP_STARTTLS);
	}
}

static void imap_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		      size_t len)
{
	struct imap *s = st;
	const uint8_t *l;
	size_t ll;

	if (!s->ts0)
		s->ts0 = x->c->ts;
	while (len && !s->tls) {
		uint64_t *left = dir ? &s->srv_lit : &s->cli_lit;
		if (*left) {
			size_t n = len < *left ? len : (size_t)*left;
			if (dir == 0) {
				client_literal(s, p, n);
			} else if (s->lit_msg) {
				nc_msg_add(x, &s->msg, p, n);
			}
			p += n, len -= n;
			*left -= n;
			if (*left == 0) {
				if (dir == 0)
					cmd_add(s, "\"", 1);
				else if (s->lit_msg) {
					finish_mail(x, s);
					s->lit_msg = false;
				}
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

static void imap_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct imap *s = st;

	if (s->tls)
		return;
	nc_app_event(x->d, x->c, dir, NC_EV_MAIL_GAP);
	uint64_t *left = dir ? &s->srv_lit : &s->cli_lit;
	if (*left) {
		/* inside a literal: its end is known, no resync needed */
		uint64_t n = len < *left ? len : *left;
		*left -= n;
		if (dir == 1 && s->lit_msg) {
			s->msg.size += n;
			s->msg.truncated = true;
			if (*left == 0) {
				finish_mail(x, s);
				s->lit_msg = false;
			}
		}
		if (n == len)
			return;
	}
	if (dir == 0)
		s->clen = 0;
	nc_line_gap(x, &s->ln[dir]);
}

static void imap_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct imap *s = st;

	if (dir == 1 && s->lit_msg) {
		s->msg.truncated = true;
		finish_mail(x, s);
		s->lit_msg = false;
	}
}

static void imap_close(struct nc_app_ctx *x, void *st)
{
	struct imap *s = st;
	const struct nc_app_conn *c = x->c;

	imap_end(x, st, 1);
	creds(x, s, "");
	if (nc_want(x->d, NC_REC_IMAP)) {
		Netcap__IMAP r = NETCAP__IMAP__INIT;
		char *v_cmds[IMAP_CMDS], *v_resps[IMAP_CMDS];
		char *v_caps[IMAP_LIST], *v_boxes[IMAP_LIST], *v_ids[IMAP_LIST];
		r.timestamp = s->ts0 ? s->ts0 : c->ts;
		nc_app_ends(c, 0, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
		r.uid = nc_app_str(c->uid);
		r.n_commands = nc_list_ptrs(&s->cmds, v_cmds);
		r.commands = v_cmds;
		r.user = s->user;
		r.n_capabilities = nc_list_ptrs(&s->caps, v_caps);
		r.capabilities = v_caps;
		r.n_mailboxes = nc_list_ptrs(&s->boxes, v_boxes);
		r.mailboxes = v_boxes;
		r.n_mailids = nc_list_ptrs(&s->ids, v_ids);
		r.mailids = v_ids;
		r.serverbanner = s->banner;
		r.isencrypted = s->tls;
		r.n_responses = nc_list_ptrs(&s->resps, v_resps);
		r.responses = v_resps;
		r.numcommands = (int32_t)s->cmds.n_all;
		r.numresponses = s->nresp;
		nc_emit(x->d, NC_REC_IMAP, &r.base);
	}
	nc_line_free_all(x, s->ln, &s->msg);
	nc_list_free(x, &s->cmds);
	nc_list_free(x, &s->caps);
	nc_list_free(x, &s->boxes);
	nc_list_free(x, &s->ids);
	nc_list_free(x, &s->resps);
}

/*
 * Server greeting "* OK", "* PREAUTH" or "* BYE" (RFC 3501 7.1), or a
 * client's "tag CAPABILITY/LOGIN/AUTHENTICATE/STARTTLS" (tag: atom
 * characters).
 */
static enum nc_probe imap_probe(const uint8_t *p, size_t len, int dir)
{
	if (dir == 1) {
		static const char *yes[] = {"* OK ", "* PREAUTH ", "* BYE ",
					    NULL};
		enum nc_probe r = nc_probe_cmd(p, len, yes);
		return r == NC_PROBE_YES		  ? r
		       : (len < 10 && r == NC_PROBE_NEED) ? r
							  : NC_PROBE_NO;
	}
	size_t t = 0;
	while (t < len && t < 32 && p[t] > 0x20 && p[t] < 0x7f && p[t] != '(' &&
	       p[t] != ')' && p[t] != '{' && p[t] != '*' && p[t] != '"' &&
	       p[t] != '%')
		t++;
	if (t == len)
		return NC_PROBE_NEED;
	if (t == 0 || p[t] != ' ')
		return NC_PROBE_NO;
	static const char *cmds[] = {"CAPABILITY", "LOGIN ", "AUTHENTICATE ",
				     "STARTTLS",   "ID ",    NULL};
	enum nc_probe r = nc_probe_cmd(p + t + 1, len - t - 1, cmds);
	return r == NC_PROBE_YES ? r : (r == NC_PROBE_NEED ? r : NC_PROBE_NO);
}

const struct nc_app_parser nc_app_imap = {
    .name = "IMAP",
    .transports = NC_APP_TCP,
    .ports = {143, 0},
    .recs = {NC_REC_IMAP, NC_REC_MAIL, NC_REC_FILE, NC_REC_CREDENTIALS,
	     NC_REC_MAX},
    .probe = imap_probe,
    .state_size = sizeof(struct imap),
    .data = imap_data,
    .gap = imap_gap,
    .end = imap_end,
    .close = imap_close,
};
