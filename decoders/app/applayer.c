/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * applayer.c: the application-layer dispatcher (applayer.h).
 *
 * A TCP flow state is 16 octets per stream slot of the connection table,
 * indexed by slot number, allocated with the table (calloc: the pages are
 * touched when a slot is first used). Parser state and message buffers come
 * from malloc under the worker's byte budget, so a flood of half-open
 * requests cannot take more than the budget.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer.h"
#include "netcap.pb-c.h"
#include "render.h"

#define A(id, sym) extern const struct nc_app_parser sym;
#include "apps.def"
#undef A

const struct nc_app_parser *const nc_app_parsers[NC_APP_COUNT + 1] = {
#define A(id, sym) [NC_APP_##id] = &sym,
#include "apps.def"
#undef A
};

enum flow_state {
	FS_NEW = 0, /* no payload seen yet */
	FS_PARSE,   /* parser id chosen, st allocated */
	FS_NONE,    /* no parser: ignore for the connection's lifetime */
};

struct nc_app_flow {
	uint8_t state;	 /* enum flow_state */
	uint8_t id;	 /* enum nc_app_id, FS_PARSE */
	uint8_t probed;	 /* directions whose first bytes were probed */
	uint8_t ended;	 /* directions whose end() was called */
	uint32_t nfiles; /* File idents handed out (nc_app_ctx.seq) */
	void *st;
};

_Static_assert(sizeof(struct nc_app_flow) == 16, "app flow state layout");

struct nc_apptab {
	struct nc_app_cfg cfg;
	struct nc_app_flow *flows; /* max_flows + 1: slot numbers start at 1 */
	bool on[NC_APP_COUNT];	   /* a record type of the parser is wanted */
	bool any_udp, any_tcp;
	uint64_t bytes, peak;
	uint32_t nflows;
	uint32_t top; /* highest slot handed out: nc_apptab_free stops there */
	/* expected connections (FTP data), a ring; used ones have ts 0 */
	struct nc_app_expect expect[NC_APP_EXPECT_MAX];
	uint32_t nexpect, expect_next;
};

void nc_app_cfg_default(struct nc_app_cfg *cfg)
{
	cfg->max_flows = 65536;
	cfg->memory_bytes = NC_APP_DEF_MEMORY;
	cfg->max_message = NC_APP_DEF_MESSAGE;
	cfg->file_sink = NULL;
	cfg->file_hashes = 1u << 0; /* NC_FILE_MD5 (files.h) */
}

uint64_t nc_app_bytes(const struct nc_app_cfg *cfg)
{
	return cfg->memory_bytes +
	       ((uint64_t)cfg->max_flows + 1) * sizeof(struct nc_app_flow);
}

static bool parser_wanted(const struct nc_app_parser *p,
			  const struct nc_recset *want)
{
	for (unsigned i = 0; i < 8 && p->recs[i] != NC_REC_MAX; i++)
		if (want->on[p->recs[i]])
			return true;
	return false;
}

bool nc_app_wanted(const struct nc_recset *want)
{
	for (int i = 0; i < (int)NC_APP_COUNT; i++)
		if (parser_wanted(nc_app_parsers[i], want))
			return true;
	return false;
}

struct nc_apptab *nc_apptab_new(const struct nc_app_cfg *cfg,
				const struct nc_recset *want)
{
	struct nc_apptab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (t->cfg.max_message == 0)
		t->cfg.max_message = NC_APP_DEF_MESSAGE;
	t->flows = calloc((size_t)cfg->max_flows + 1, sizeof(*t->flows));
	if (!t->flows) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	for (int i = 0; i < (int)NC_APP_COUNT; i++) {
		const struct nc_app_parser *p = nc_app_parsers[i];
		t->on[i] = parser_wanted(p, want);
		if (t->on[i] && (p->transports & NC_APP_UDP) && p->datagram)
			t->any_udp = true;
		if (t->on[i] && (p->transports & NC_APP_TCP) && p->data)
			t->any_tcp = true;
	}
	return t;
}

void nc_apptab_free(struct nc_apptab *t)
{
	if (!t)
		return;
	/* connections are closed (nc_conn_flush) before the table goes;
	   a state still held here is only freed. Slots above top were
	   never touched (reading them would fault in their pages). */
	for (uint32_t i = 0; i <= t->top; i++)
		free(t->flows[i].st);
	free(t->flows);
	free(t);
}

const struct nc_app_cfg *nc_app_config(const struct nc_apptab *t)
{
	return &t->cfg;
}

void nc_app_stats(const struct nc_apptab *t, struct nc_app_stats *st)
{
	st->bytes = t->bytes;
	st->peak = t->peak;
	st->budget = t->cfg.memory_bytes;
	st->flows = t->nflows;
}

/* ---------------------------------------------------------------------- */
/* memory */

static bool budget_take(struct nc_app_ctx *x, size_t size)
{
	struct nc_apptab *t = x->tab;

	if (size > t->cfg.memory_bytes - t->bytes) {
		nc_event(x->d, NC_EV_APP_MEMORY_LIMIT, NULL);
		return false;
	}
	t->bytes += size;
	if (t->bytes > t->peak)
		t->peak = t->bytes;
	return true;
}

void *nc_app_alloc(struct nc_app_ctx *x, size_t size)
{
	if (!budget_take(x, size))
		return NULL;
	void *p = calloc(1, size ? size : 1);
	if (!p) {
		x->tab->bytes -= size;
		nc_event(x->d, NC_EV_APP_MEMORY_LIMIT, NULL);
	}
	return p;
}

void *nc_app_alloc_raw(struct nc_app_ctx *x, size_t size)
{
	if (!budget_take(x, size))
		return NULL;
	void *p = malloc(size ? size : 1);
	if (!p) {
		x->tab->bytes -= size;
		nc_event(x->d, NC_EV_APP_MEMORY_LIMIT, NULL);
	}
	return p;
}

void nc_app_free(struct nc_app_ctx *x, void *p, size_t size)
{
	if (!p)
		return;
	free(p);
	x->tab->bytes -= size;
}

bool nc_app_buf_add(struct nc_app_ctx *x, struct nc_app_buf *b,
		    const uint8_t *p, size_t len)
{
	struct nc_apptab *t = x->tab;

	if (len > t->cfg.max_message - b->len) {
		nc_event(x->d, NC_EV_APP_MESSAGE_TOO_LONG, NULL);
		return false;
	}
	size_t need = b->len + len;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		while (cap < need)
			cap *= 2;
		if (cap > t->cfg.max_message)
			cap = t->cfg.max_message;
		if (!budget_take(x, cap - b->cap))
			return false;
		uint8_t *np = realloc(b->p, cap);
		if (!np) {
			t->bytes -= cap - b->cap;
			nc_event(x->d, NC_EV_APP_MEMORY_LIMIT, NULL);
			return false;
		}
		b->p = np;
		b->cap = (uint32_t)cap;
	}
	if (len)
		memcpy(b->p + b->len, p, len);
	b->len += (uint32_t)len;
	return true;
}

void nc_app_buf_consume(struct nc_app_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= (uint32_t)n;
}

void nc_app_buf_free(struct nc_app_ctx *x, struct nc_app_buf *b)
{
	if (b->p) {
		free(b->p);
		x->tab->bytes -= b->cap;
	}
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---------------------------------------------------------------------- */
/* choosing a parser */

static bool has_port(const struct nc_app_parser *p, uint16_t port)
{
	for (unsigned i = 0; i < NC_APP_MAX_PORTS && p->ports[i]; i++)
		if (p->ports[i] == port)
			return true;
	return false;
}

/*
 * The parser for a payload from endpoint dir of c, or -1. A parser on the
 * responder's port wins unless its probe says no; else the first parser
 * whose probe says yes. tcp picks the transport.
 */
static int choose(const struct nc_apptab *t, const struct nc_app_conn *c,
		  int dir, const uint8_t *p, size_t len, bool tcp)
{
	uint8_t tr = tcp ? NC_APP_TCP : NC_APP_UDP;
	int by_content = -1;

	for (int i = 0; i < (int)NC_APP_COUNT; i++) {
		const struct nc_app_parser *ps = nc_app_parsers[i];
		if (!t->on[i] || !(ps->transports & tr))
			continue;
		if (tcp ? !ps->data : !ps->datagram)
			continue;
		/* the responder's (server's) port; for UDP also the
		   originator's, as a flow may start with a reply */
		bool port = has_port(ps, c->port[1]) ||
			    (!tcp && has_port(ps, c->port[0]));
		enum nc_probe pr = ps->probe
				       ? ps->probe(p, len, dir)
				       : (port ? NC_PROBE_NEED : NC_PROBE_NO);
		if (port && pr != NC_PROBE_NO)
			return (int)i;
		if (pr == NC_PROBE_YES && by_content < 0)
			by_content = (int)i;
	}
	return by_content;
}

/* ---------------------------------------------------------------------- */
/* UDP */

void nc_app_udp(struct nc_dec *d, const struct nc_app_conn *c, int dir)
{
	struct nc_apptab *t = d->apps;
	const uint8_t *p = d->l4.payload;
	size_t len = d->l4.payload_len;

	if (!t || !t->any_udp || len == 0)
		return;
	int id = choose(t, c, dir, p, len, false);
	if (id < 0)
		return;
	nc_app_parsers[id]->datagram(d, c, dir, p, len);
}

/* ---------------------------------------------------------------------- */
/* TCP */

static struct nc_app_flow *flow_of(struct nc_apptab *t, uint32_t slot)
{
	if (!t || slot == 0 || slot > t->cfg.max_flows)
		return NULL;
	if (slot > t->top)
		t->top = slot;
	return &t->flows[slot];
}

void nc_app_expect(struct nc_app_ctx *x, const uint8_t *addr, unsigned alen,
		   uint16_t port, enum nc_app_id id, const char *cmd,
		   const char *name)
{
	struct nc_apptab *t = x->tab;
	struct nc_app_expect *e = NULL;

	if (!t || (alen != 4 && alen != 16) || port == 0 || !t->on[id])
		return;
	for (unsigned i = 0; i < NC_APP_EXPECT_MAX; i++) {
		struct nc_app_expect *c = &t->expect[i];
		if (c->ts && c->alen == alen && c->port == port &&
		    memcmp(c->addr, addr, alen) == 0) {
			e = c;
			break;
		}
	}
	if (!e) {
		e = &t->expect[t->expect_next];
		t->expect_next = (t->expect_next + 1) % NC_APP_EXPECT_MAX;
		if (!e->ts)
			t->nexpect++;
	}
	memset(e, 0, sizeof(*e));
	e->alen = (uint8_t)alen;
	memcpy(e->addr, addr, alen);
	e->port = port;
	e->id = (uint8_t)id;
	e->ts = x->c->ts ? x->c->ts : 1;
	snprintf(e->uid, sizeof(e->uid), "%s", x->c->uid);
	snprintf(e->cmd, sizeof(e->cmd), "%s", cmd ? cmd : "");
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
}

/* The expectation for a connection to c's responder, taken out; NULL. */
static const struct nc_app_expect *expected(struct nc_apptab *t,
					    const struct nc_app_conn *c,
					    struct nc_app_expect *out)
{
	if (!t->nexpect)
		return NULL;
	for (unsigned i = 0; i < NC_APP_EXPECT_MAX; i++) {
		struct nc_app_expect *e = &t->expect[i];
		if (!e->ts)
			continue;
		if (c->ts - e->ts > NC_APP_EXPECT_TTL) {
			e->ts = 0; /* stale */
			t->nexpect--;
			continue;
		}
		if (e->alen == c->alen && e->port == c->port[1] &&
		    memcmp(e->addr, c->addr[1], c->alen) == 0) {
			*out = *e;
			e->ts = 0;
			t->nexpect--;
			return out;
		}
	}
	return NULL;
}

void nc_app_tcp_data(struct nc_dec *d, uint32_t slot,
		     const struct nc_app_conn *c, int dir, const uint8_t *p,
		     size_t len)
{
	struct nc_apptab *t = d->apps;
	struct nc_app_flow *f = flow_of(t, slot);
	struct nc_app_ctx x = {
	    .d = d, .tab = t, .c = c, .seq = f ? &f->nfiles : NULL};

	if (!f || !t->any_tcp || f->state == FS_NONE || len == 0)
		return;
	if (f->state == FS_NEW) {
		struct nc_app_expect ex;
		const struct nc_app_expect *e = expected(t, c, &ex);
		int id = e ? e->id : choose(t, c, dir, p, len, true);
		f->probed |= (uint8_t)(1u << dir);
		if (id < 0) {
			/* the other direction's first bytes may still tell
			   (a server banner before the client speaks) */
			if (f->probed == 3)
				f->state = FS_NONE;
			return;
		}
		const struct nc_app_parser *ps = nc_app_parsers[id];
		f->st = nc_app_alloc(&x, ps->state_size);
		if (!f->st) {
			f->state = FS_NONE;
			return;
		}
		f->id = (uint8_t)id;
		f->state = FS_PARSE;
		t->nflows++;
		if (e && ps->expected)
			ps->expected(&x, f->st, e);
	}
	nc_app_parsers[f->id]->data(&x, f->st, dir, p, len);
}

void nc_app_tcp_gap(struct nc_dec *d, uint32_t slot,
		    const struct nc_app_conn *c, int dir, uint64_t len)
{
	struct nc_app_flow *f = flow_of(d->apps, slot);
	struct nc_app_ctx x = {
	    .d = d, .tab = d->apps, .c = c, .seq = f ? &f->nfiles : NULL};

	if (!f)
		return;
	if (f->state == FS_NEW) {
		/* the start of this direction is lost: no probing it */
		f->probed |= (uint8_t)(1u << dir);
		if (f->probed == 3)
			f->state = FS_NONE;
		return;
	}
	if (f->state == FS_PARSE && nc_app_parsers[f->id]->gap)
		nc_app_parsers[f->id]->gap(&x, f->st, dir, len);
}

void nc_app_tcp_end(struct nc_dec *d, uint32_t slot,
		    const struct nc_app_conn *c, int dir)
{
	struct nc_app_flow *f = flow_of(d->apps, slot);
	struct nc_app_ctx x = {
	    .d = d, .tab = d->apps, .c = c, .seq = f ? &f->nfiles : NULL};

	if (!f || f->state != FS_PARSE || (f->ended & (1u << dir)))
		return;
	f->ended |= (uint8_t)(1u << dir);
	if (nc_app_parsers[f->id]->end)
		nc_app_parsers[f->id]->end(&x, f->st, dir);
}

void nc_app_tcp_close(struct nc_dec *d, uint32_t slot,
		      const struct nc_app_conn *c)
{
	struct nc_apptab *t = d->apps;
	struct nc_app_flow *f = flow_of(t, slot);
	struct nc_app_ctx x = {
	    .d = d, .tab = t, .c = c, .seq = f ? &f->nfiles : NULL};

	if (!f)
		return;
	if (f->state == FS_PARSE) {
		const struct nc_app_parser *ps = nc_app_parsers[f->id];
		for (int k = 0; k < 2; k++)
			nc_app_tcp_end(d, slot, c, k);
		if (ps->close)
			ps->close(&x, f->st);
		nc_app_free(&x, f->st, ps->state_size);
		t->nflows--;
	}
	memset(f, 0, sizeof(*f));
}

bool nc_app_wants_tcp(const struct nc_apptab *t)
{
	return t && t->any_tcp;
}

const char *nc_app_tcp_name(const struct nc_apptab *t, uint32_t slot)
{
	if (!t || slot == 0 || slot > t->cfg.max_flows)
		return NULL;
	const struct nc_app_flow *f = &t->flows[slot];
	return f->state == FS_PARSE ? nc_app_parsers[f->id]->name : NULL;
}

/* ---------------------------------------------------------------------- */
/* records shared by parsers */

void nc_app_credentials(struct nc_dec *d, const struct nc_app_conn *c,
			int client, const char *service, const char *user,
			const char *password, const char *notes)
{
	char a[2][48], flow[128];

	if (!nc_want(d, NC_REC_CREDENTIALS))
		return;
	Netcap__Credentials r = NETCAP__CREDENTIALS__INIT;
	r.timestamp = c->ts;
	r.service = nc_app_str(service);
	r.user = nc_app_str(user);
	r.password = nc_app_str(password);
	r.notes = nc_app_str(notes);
	nc_app_ends(c, client, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	for (int k = 0; k < 2; k++)
		nc_render_addr(c->addr[k], c->alen, a[k], sizeof(a[k]));
	/* IPv6 in brackets, so the port stays readable */
	const char *fmt = c->alen == 16 ? "[%s]:%u->[%s]:%u" : "%s:%u->%s:%u";
	snprintf(flow, sizeof(flow), fmt, a[client], c->port[client],
		 a[!client], c->port[!client]);
	r.flow = flow;
	r.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_CREDENTIALS, &r.base);
}

void nc_app_event(struct nc_dec *d, const struct nc_app_conn *c, int from,
		  enum nc_event ev)
{
	d->events[ev]++;
	if (!nc_event_is_anomaly(ev) || !nc_want(d, NC_REC_ANOMALY))
		return;
	Netcap__Anomaly a = NETCAP__ANOMALY__INIT;
	a.timestamp = c->ts;
	a.event = nc_app_str(nc_event_name(ev));
	nc_app_ends(c, from, &a.srcip, &a.dstip, &a.srcport, &a.dstport);
	a.uid = nc_app_str(c->uid);
	nc_emit(d, NC_REC_ANOMALY, &a.base);
}

/* ---------------------------------------------------------------------- */
/* text */

/* Octets of the valid UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_seq(const uint8_t *p, size_t left)
{
	uint8_t b = p[0];
	size_t n;
	uint32_t min, cp;

	if (b < 0x80)
		return b ? 1 : 0;
	if ((b & 0xe0) == 0xc0) {
		n = 2, min = 0x80, cp = b & 0x1f;
	} else if ((b & 0xf0) == 0xe0) {
		n = 3, min = 0x800, cp = b & 0x0f;
	} else if ((b & 0xf8) == 0xf0) {
		n = 4, min = 0x10000, cp = b & 0x07;
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t nc_app_text(char *out, size_t cap, const uint8_t *p, size_t len)
{
	static const char hexd[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		/* eight octets at a time while they are ASCII and not NUL
		 * (what utf8_seq passes one by one): same output */
		while (len - i >= 8 && o + 8 < cap) {
			uint64_t v;
			memcpy(&v, p + i, 8);
			if (((v - 0x0101010101010101ull) | v) &
			    0x8080808080808080ull)
				break; /* a NUL or a non-ASCII octet */
			memcpy(out + o, &v, 8);
			o += 8;
			i += 8;
		}
		if (i >= len)
			break;
		size_t n = utf8_seq(p + i, len - i);
		if (n) {
			if (o + n >= cap)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		if (o + 4 >= cap)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hexd[p[i] >> 4];
		out[o++] = hexd[p[i] & 15];
		i++;
	}
	out[o] = '\0';
	return o;
}
