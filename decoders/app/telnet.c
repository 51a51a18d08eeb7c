/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * telnet.c: Telnet logins (RFC 854 NVT, RFC 855 options, RFC 1572
 * NEW-ENVIRON). Netcap has no Telnet record; this parser writes one
 * Credentials record per login attempt it sees and tells the observer the
 * server's banner (a Service).
 *
 * The stream of each direction is NVT data with commands in it:
 *
 *   IAC (255) cmd                  cmd 241..249: NOP, DM, BRK, IP, AO, AYT,
 *                                  EC (erase character), EL (erase line), GA
 *   IAC WILL|WONT|DO|DONT opt      251|252|253|254, option negotiation
 *   IAC SB opt <bytes> IAC SE      250 ... 240, subnegotiation; IAC IAC
 *                                  inside stands for a data 255
 *   IAC IAC                        a data octet 255
 *   CR LF / CR NUL                 end of line
 *
 * A login is a conversation of prompts and answers:
 *
 *   server: "... login: "            (also "Username:", "User name:")
 *   client: "root" CR NUL             (one key per segment, echoed by the
 *                                      server, or a whole line)
 *   server: "Password: "
 *   client: "secret" CR LF
 *   server: "Login incorrect" | "Last login: ..." | "$ "
 *
 * A prompt is what the text the server sent last (since its last line
 * end) ends with, spaces aside, case-insensitive, when the client starts
 * to answer (its next data octet): so the verdict does not depend on how
 * the server's text was cut into segments. The client's keys go through
 * a line editor (BS and DEL erase a character, ^U and IAC EL the line,
 * IAC EC a character, escape sequences are dropped); the line answers the
 * prompt pending. After a password the server's next words decide the
 * Notes: "login incorrect" (also "login failed", "authentication
 * fail(ed|ure)", "access denied") gives "login failed", "Last login" or a
 * shell prompt ($ # > % at the end of the text) "login accepted"; a new
 * prompt or the end of the connection first gives "". A user name sent as
 * the USER variable of NEW-ENVIRON (telnet -l) stands when no login
 * prompt comes.
 *
 * Bounds: client line, server text and kept subnegotiation TN_TEXT
 * octets (a longer client line is cut: telnet.line_too_long; of a longer
 * server line the last TN_TEXT / 2 or more octets are kept, where a
 * prompt is); a subnegotiation of more than TN_SB_MAX octets without
 * IAC SE is telnet.subnegotiation_too_long and ends there. State is
 * fixed-size (no allocation); work is constant per octet.
 */
#include <stdio.h>
#include <string.h>

#include "applayer.h"
#include "cursor.h"
#include "observe.h"

#define TN_TEXT	  256  /* client line, server line, SB octets, strings */
#define TN_SB_MAX 4096 /* longest subnegotiation */

enum {
	IAC = 255,
	DONT = 254,
	DO = 253,
	WONT = 252,
	WILL = 251,
	SB = 250,
	GA = 249,
	EL = 248,
	EC = 247,
	AYT = 246,
	AO = 245,
	IP = 244,
	BRK = 243,
	DM = 242,
	NOP = 241,
	SE = 240,
};

#define OPT_NEW_ENVIRON 39
/* RFC 1572: IS 0, SEND 1, INFO 2; VAR 0, VALUE 1, ESC 2, USERVAR 3 */
#define ENV_IS	    0
#define ENV_INFO    2
#define ENV_VAR	    0
#define ENV_VALUE   1
#define ENV_ESC	    2
#define ENV_USERVAR 3

enum nvt { N_DATA = 0, N_IAC, N_OPT, N_SB_OPT, N_SB, N_SB_IAC };
enum want { W_NONE = 0, W_USER, W_PASS };

struct tn_dir {
	uint8_t nvt; /* enum nvt */
	bool cr;     /* the last data octet was CR */
	uint8_t esc; /* client: 1 after ESC, 2 inside ESC [ / ESC O */
	bool cut;    /* the current line was cut (reported once) */
	uint8_t sbopt;
	uint16_t sblen; /* octets kept in sb */
	uint32_t sbtotal;
	uint32_t len; /* octets in line */
	uint8_t line[TN_TEXT];
	uint8_t sb[TN_TEXT];
};

struct telnet {
	struct tn_dir d[2];
	uint8_t want;	   /* enum want: the prompt pending */
	bool cred_pending; /* a password was typed, no verdict yet */
	bool dirty;	   /* server text since the last look at it */
	bool service_done;
	bool bad; /* one telnet.bad_command per connection */
	char user[TN_TEXT], pass[TN_TEXT], envuser[TN_TEXT];
};

/* ---------------------------------------------------------------------- */
/* text helpers (ASCII case folding, no locale) */

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Does p[0..n) end with word (lower case), trailing spaces aside? */
static bool ends_with(const uint8_t *p, size_t n, const char *word)
{
	size_t wl = strlen(word);

	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n < wl)
		return false;
	for (size_t i = 0; i < wl; i++)
		if (lower(p[n - wl + i]) != (uint8_t)word[i])
			return false;
	return true;
}

/* Does p[0..n) contain word (lower case)? n, wl small: O(n * wl). */
static bool contains(const uint8_t *p, size_t n, const char *word)
{
	size_t wl = strlen(word);

	for (size_t i = 0; i + wl <= n; i++) {
		size_t k = 0;
		while (k < wl && lower(p[i + k]) == (uint8_t)word[k])
			k++;
		if (k == wl)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* the login conversation */

static void verdict(struct nc_app_ctx *x, struct telnet *s, const char *notes)
{
	if (!s->cred_pending)
		return;
	s->cred_pending = false;
	nc_app_credentials(x->d, x->c, 0, "Telnet",
			   s->user[0] ? s->user : s->envuser, s->pass, notes);
}

static void service(struct nc_app_ctx *x, struct telnet *s, const uint8_t *l,
		    size_t ll)
{
	char banner[TN_TEXT];

	if (s->service_done)
		return;
	s->service_done = true;
	nc_app_text(banner, sizeof(banner), l, ll);
	nc_obs_service(x->d, x->c, "Telnet", banner);
}

/* What the server sent since its last line end: l[0..ll). final: a line
   end follows (else it is what the server had sent when the client began
   to answer, or when the connection closed). */
static void server_text(struct nc_app_ctx *x, struct telnet *s,
			const uint8_t *l, size_t ll, bool final)
{
	if (s->cred_pending) {
		if (contains(l, ll, "login incorrect") ||
		    contains(l, ll, "login failed") ||
		    contains(l, ll, "authentication fail") ||
		    contains(l, ll, "access denied"))
			verdict(x, s, "login failed");
		else if (contains(l, ll, "last login"))
			verdict(x, s, "login accepted");
	}
	if (final || contains(l, ll, "last login"))
		return;
	enum want w = W_NONE;
	if (ends_with(l, ll, "login:") || ends_with(l, ll, "username:") ||
	    ends_with(l, ll, "user name:"))
		w = W_USER;
	else if (ends_with(l, ll, "password:"))
		w = W_PASS;
	if (w != W_NONE) {
		verdict(x, s, "");
		s->want = (uint8_t)w;
		return;
	}
	if (s->cred_pending &&
	    (ends_with(l, ll, "$") || ends_with(l, ll, "#") ||
	     ends_with(l, ll, ">") || ends_with(l, ll, "%")))
		verdict(x, s, "login accepted");
}

/* A line the client typed (after editing). */
static void client_line(struct telnet *s, const uint8_t *l, size_t ll)
{
	switch (s->want) {
	case W_USER:
		nc_app_text(s->user, sizeof(s->user), l, ll);
		break;
	case W_PASS:
		nc_app_text(s->pass, sizeof(s->pass), l, ll);
		s->cred_pending = true;
		break;
	default:
		break;
	}
	s->want = W_NONE;
}

/*
 * NEW-ENVIRON from the client (RFC 1572):
 *   IAC SB 39 IS|INFO { VAR|USERVAR name [VALUE value] } IAC SE
 * with ESC quoting the next octet in names and values. USER is the name
 * telnet -l sends.
 */
static void new_environ(struct telnet *s, const uint8_t *p, size_t n)
{
	struct cur c = cur_make(p, n);
	uint8_t name[TN_TEXT], val[TN_TEXT];
	size_t nl = 0, vl = 0;
	int part = 0; /* 0 none, 1 name, 2 value */
	bool var = false;

	uint8_t how = cur_u8(&c);
	if (c.err || (how != ENV_IS && how != ENV_INFO))
		return;
	for (;;) {
		bool end = cur_left(&c) == 0;
		uint8_t b = end ? ENV_VAR : cur_u8(&c);
		if (b == ENV_VAR || b == ENV_USERVAR || b == ENV_VALUE) {
			if (b != ENV_VALUE || part != 1) {
				/* a variable is complete */
				if (var && part && nl == 4 &&
				    !memcmp(name, "USER", 4))
					nc_app_text(s->envuser,
						    sizeof(s->envuser), val,
						    part == 2 ? vl : 0);
				if (end)
					return;
			}
			if (b == ENV_VALUE) {
				part = 2, vl = 0;
			} else {
				part = 1, nl = 0, var = b == ENV_VAR;
			}
			continue;
		}
		if (b == ENV_ESC) {
			b = cur_u8(&c);
			if (c.err)
				b = 0, c.err = false;
		}
		if (part == 1 && nl < sizeof(name))
			name[nl++] = b;
		else if (part == 2 && vl < sizeof(val))
			val[vl++] = b;
	}
}

/* ---------------------------------------------------------------------- */
/* per-direction NVT decoding */

static void line_add(struct nc_app_ctx *x, struct tn_dir *t, int dir, uint8_t b)
{
	if (dir == 1 && t->len == sizeof(t->line)) {
		/* keep the end: amortised one move per TN_TEXT / 2 octets */
		memmove(t->line, t->line + TN_TEXT / 2, TN_TEXT / 2);
		t->len = TN_TEXT / 2;
	}
	if (t->len < sizeof(t->line)) {
		t->line[t->len++] = b;
	} else if (!t->cut) {
		t->cut = true;
		nc_app_event(x->d, x->c, dir, NC_EV_TELNET_LINE_TOO_LONG);
	}
}

/* Erase one character (a UTF-8 sequence) from the client's line. */
static void erase_char(struct tn_dir *t)
{
	while (t->len && (t->line[t->len - 1] & 0xc0) == 0x80)
		t->len--;
	if (t->len)
		t->len--;
}

static void line_end(struct nc_app_ctx *x, struct telnet *s, int dir)
{
	struct tn_dir *t = &s->d[dir];

	if (dir == 0) {
		client_line(s, t->line, t->len);
		/* no server line before it: the banner is what there is */
		if (!s->service_done)
			service(x, s, s->d[1].line, s->d[1].len);
	} else {
		server_text(x, s, t->line, t->len, true);
		if (t->len && !s->service_done)
			service(x, s, t->line, t->len);
	}
	t->len = 0;
	t->cut = false;
}

/* One data octet endpoint dir sent (NVT commands removed). */
static void data_octet(struct nc_app_ctx *x, struct telnet *s, int dir,
		       uint8_t b)
{
	struct tn_dir *t = &s->d[dir];
	bool after_cr = t->cr;

	if (dir == 0 && s->dirty && b != 0 && !(b == '\n' && after_cr)) {
		/* the client answers what the server sent so far */
		s->dirty = false;
		server_text(x, s, s->d[1].line, s->d[1].len, false);
	}
	t->cr = b == '\r';
	if (b == '\r') {
		line_end(x, s, dir);
		return;
	}
	if (b == '\n') {
		if (!after_cr)
			line_end(x, s, dir);
		return;
	}
	if (b == 0)
		return; /* CR NUL, or padding */
	if (dir == 1) {
		line_add(x, t, dir, b);
		s->dirty = true;
		return;
	}
	/* the client's line editor */
	if (t->esc == 1) {
		t->esc = (b == '[' || b == 'O') ? 2 : 0;
		return;
	}
	if (t->esc == 2) {
		if (b >= 0x40 && b <= 0x7e)
			t->esc = 0;
		return;
	}
	if (b == 0x1b)
		t->esc = 1;
	else if (b == 0x08 || b == 0x7f)
		erase_char(t);
	else if (b == 0x15)
		t->len = 0; /* ^U */
	else if (b >= 0x20)
		line_add(x, t, dir, b);
}

static void sb_end(struct telnet *s, int dir)
{
	struct tn_dir *t = &s->d[dir];

	if (dir == 0 && t->sbopt == OPT_NEW_ENVIRON && t->sbtotal == t->sblen)
		new_environ(s, t->sb, t->sblen);
}

static void sb_octet(struct nc_app_ctx *x, struct tn_dir *t, int dir, uint8_t b)
{
	if (t->sblen < sizeof(t->sb))
		t->sb[t->sblen++] = b;
	if (++t->sbtotal > TN_SB_MAX) {
		nc_app_event(x->d, x->c, dir, NC_EV_TELNET_SB_TOO_LONG);
		t->nvt = N_DATA;
	}
}

/* One octet of endpoint dir's stream. */
static void octet(struct nc_app_ctx *x, struct telnet *s, int dir, uint8_t b)
{
	struct tn_dir *t = &s->d[dir];

	switch ((enum nvt)t->nvt) {
	case N_DATA:
		if (b == IAC)
			t->nvt = N_IAC;
		else
			data_octet(x, s, dir, b);
		return;
	case N_IAC:
		t->nvt = N_DATA;
		if (b == IAC) {
			data_octet(x, s, dir, b);
		} else if (b >= WILL) {
			t->nvt = N_OPT;
		} else if (b == SB) {
			t->nvt = N_SB_OPT;
		} else if (b == EC && dir == 0) {
			erase_char(t);
		} else if (b == EL && dir == 0) {
			t->len = 0;
		} else if (b < SE) {
			/* not a command (RFC 854): take it as data */
			if (!s->bad)
				nc_app_event(x->d, x->c, dir,
					     NC_EV_TELNET_BAD_COMMAND);
			s->bad = true;
			data_octet(x, s, dir, b);
		}
		return;
	case N_OPT:
		t->nvt = N_DATA;
		return;
	case N_SB_OPT:
		t->sbopt = b;
		t->sblen = 0;
		t->sbtotal = 0;
		t->nvt = N_SB;
		return;
	case N_SB:
		if (b == IAC)
			t->nvt = N_SB_IAC;
		else
			sb_octet(x, t, dir, b);
		return;
	case N_SB_IAC:
		if (b == IAC) {
			t->nvt = N_SB;
			sb_octet(x, t, dir, b);
		} else if (b == SE) {
			t->nvt = N_DATA;
			sb_end(s, dir);
		} else {
			/* RFC 855 wants IAC SE; a command ends the
			   subnegotiation, read it as one */
			t->nvt = N_IAC;
			octet(x, s, dir, b);
		}
		return;
	}
}

static void tn_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		    size_t len)
{
	struct telnet *s = st;
	struct cur c = cur_make(p, len);

	while (cur_left(&c))
		octet(x, s, dir, cur_u8(&c));
}

static void tn_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct telnet *s = st;
	struct tn_dir *t = &s->d[dir];

	(void)len;
	nc_app_event(x->d, x->c, dir, NC_EV_TELNET_GAP);
	/* the keys or the prompt are lost: start over at the next line */
	t->nvt = N_DATA;
	t->cr = false;
	t->esc = 0;
	t->len = 0;
	t->cut = false;
	s->want = W_NONE;
	s->dirty = false; /* the answer to it may be in the gap */
}

static void tn_close(struct nc_app_ctx *x, void *st)
{
	struct telnet *s = st;

	if (!s->service_done && s->d[1].len)
		service(x, s, s->d[1].line, s->d[1].len);
	if (s->dirty)
		server_text(x, s, s->d[1].line, s->d[1].len, false);
	verdict(x, s, "");
}

/*
 * Content: the stream starts with option negotiation (IAC WILL/WONT/DO/
 * DONT of a known option: 0..49, 138..140, 255 EXOPL), and the first
 * octets that follow are more commands or text. Text without IAC: the
 * port decides (a server that does not negotiate); anything else is not
 * Telnet.
 */
static bool known_option(uint8_t o)
{
	return o <= 49 || (o >= 138 && o <= 140) || o == 255;
}

static bool text_octet(uint8_t b)
{
	return b >= 0x20 || b == '\r' || b == '\n' || b == '\t' || b == 0x08 ||
	       b == 0x07 || b == 0x1b || b == 0;
}

static enum nc_probe tn_probe(const uint8_t *p, size_t len, int dir)
{
	struct cur c = cur_make(p, len < 64 ? len : 64);

	(void)dir;
	if (len == 0)
		return NC_PROBE_NEED;
	if (p[0] != IAC) {
		for (size_t i = 0; i < len && i < 64; i++)
			if (!text_octet(p[i]) || (i == 0 && p[i] == 0))
				return NC_PROBE_NO;
		return NC_PROBE_NEED;
	}
	bool first = true;
	while (cur_left(&c)) {
		uint8_t b = cur_u8(&c);
		if (b != IAC) {
			if (first || !text_octet(b))
				return NC_PROBE_NO;
			continue;
		}
		if (cur_left(&c) == 0)
			break;
		uint8_t cmd = cur_u8(&c);
		if (cmd >= WILL && cmd <= DONT) {
			if (cur_left(&c) == 0)
				return first ? NC_PROBE_NEED : NC_PROBE_YES;
			if (!known_option(cur_u8(&c)))
				return NC_PROBE_NO;
		} else if (first || cmd < SE) {
			/* a stream starts with negotiation; below SE is no
			   command (RFC 854) */
			return NC_PROBE_NO;
		} else if (cmd == SB) {
			/* skip to IAC SE within the window */
			while (cur_left(&c) && cur_u8(&c) != SE)
				;
		}
		first = false;
	}
	return first ? NC_PROBE_NEED : NC_PROBE_YES;
}

const struct nc_app_parser nc_app_telnet = {
    .name = "Telnet",
    .transports = NC_APP_TCP,
    .ports = {23, 0},
    .recs = {NC_REC_CREDENTIALS, NC_REC_SERVICE, NC_REC_MAX},
    .probe = tn_probe,
    .state_size = sizeof(struct telnet),
    .data = tn_data,
    .gap = tn_gap,
    .close = tn_close,
};
