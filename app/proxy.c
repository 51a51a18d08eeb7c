/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * proxy.c: `netcap proxy`, an HTTP/1.1 reverse proxy that writes one HTTP
 * record per exchange (docs/TOOLS.md "proxy").
 *
 * Built on libevent: evhttp serves the clients (it parses every request;
 * there is no HTTP parser here) and evhttp client connections carry the
 * requests to the remote, bufferevent_openssl for TLS on either side. One
 * thread, one event loop; records are packed in that thread into one
 * batch buffer written to DIR/HTTP.ncap.lz4 every PX_TICK_MS.
 *
 * A client connection (struct px_conn) exists from the accept (evhttp's
 * bufferevent callback, where it takes a reference on the bufferevent)
 * until the tick after evhttp freed the connection (the bufferevent's
 * callbacks are then cleared): only then the reference is dropped, which
 * closes the socket. Each client connection has its own upstream
 * connection, made at its first request and kept alive with it (a TLS
 * one is made afresh after the remote closed it: a bufferevent_openssl
 * does not reconnect). A remote given by name is resolved at start (an
 * unknown name is an error there, as in nginx) and again, with evdns,
 * for every upstream connection, so a name that moves is followed; the
 * end of that resolution and of an upstream TLS handshake (seen by the
 * SSL info callback, on_up_tls) are timed for the exchange that made the
 * connection (DNSDoneAfter, TLSDoneAfter). A remote given as an address
 * is never resolved.
 *
 * An exchange (one request at a time per connection: evhttp reads the
 * next request after the response ended):
 *   ST_HEADER    bytes of a request are coming in; must be read in full
 *                by header_timeout + body_timeout after its first octet
 *                (else 408 and close: slow clients)
 *   ST_UPSTREAM  the request went to the remote; its response header
 *                must come within response_timeout (else 504); the
 *                connection to it within connect_timeout (else 504;
 *                refused, reset, TLS failure: 502)
 *   ST_SENDING   the response streams to the client: each body piece is
 *                passed on as it comes; while more than PX_HIGH octets
 *                wait for the client, reading from the remote stops
 *                (memory per exchange stays bounded)
 *   ST_IDLE      between requests (keep-alive: idle_timeout, evhttp's)
 * The record is written when the response ended (or the exchange
 * failed); its StatusCode is what the client was sent. Errors evhttp
 * answers itself (400 malformed, 413 body too large; headers over
 * max_header_size are answered 400 by libevent 2.1) are seen as evhttp
 * writes them and recorded likewise.
 *
 * SIGTERM/SIGINT: the listeners close, idle connections close, each
 * request in flight is finished (its response gets Connection: close)
 * until stop_timeout, then what is left is cut (recorded truncated); the
 * record file is closed, the summary printed, exit 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "app.h"
#include "ncfile.h"
#include "proxy.h"

#define PX_TICK_MS   100	  /* deadlines checked, records written */
#define PX_HIGH	     (256u << 10) /* response octets waiting per client */
#define PX_BATCH     (1u << 20)	  /* record batch buffer */
#define PX_MAX_PROXY 64

enum px_st { ST_HEADER = 0, ST_UPSTREAM, ST_SENDING, ST_IDLE, ST_DONE };

/* error kinds, in the summary's order */
#define PX_ERRS(E)                                                             \
	E(BAD_REQUEST, "bad_request")                                          \
	E(HEADER_TOO_LARGE, "header_too_large")                                \
	E(BODY_TOO_LARGE, "body_too_large")                                    \
	E(SLOW_CLIENT, "slow_client")                                          \
	E(UPSTREAM_UNREACHABLE, "upstream_unreachable")                        \
	E(UPSTREAM_TIMEOUT, "upstream_timeout")                                \
	E(UPSTREAM_ABORTED, "upstream_aborted")                                \
	E(CLIENT_ABORTED, "client_aborted")                                    \
	E(OVER_LIMIT, "over_limit")                                            \
	E(RECORD_WRITE, "record_write")
#define E(id, name) PX_E_##id,
enum px_err { PX_ERRS(E) PX_E_MAX };
#undef E
#define E(id, name) name,
static const char *const px_err_name[] = {PX_ERRS(E)};
#undef E

/* the SSL ex_data slot of an upstream connection's struct px_conn (for
   on_up_tls); set once at start, -1 until an https remote needs it */
static int px_ssl_idx = -1;

struct px_cfg {
	const char *name;
	const char *local;
	const char *remote;
	const char *cert, *key; /* TLS on the local side */
	const char *remote_ca;
	int remote_verify; /* -1 unset (on), 0 off, 1 on */
	double header_to, body_to, connect_to, response_to, idle_to;
	unsigned max_conns;
	uint64_t max_header, max_body;
};

struct px_state;

struct px_proxy {
	struct px_cfg cfg;
	struct px_state *s;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	SSL_CTX *lctx, *rctx; /* local side, remote side (NULL: plain) */
	bool rtls;	      /* the remote is https */
	char lhost[256];
	uint16_t lport;
	char rhost[256];	      /* as in the URL: SNI, certificate name */
	char raddr[INET6_ADDRSTRLEN]; /* resolved at start */
	bool rname; /* rhost is a name: resolved per connection */
	uint16_t rport;
	unsigned nconns;
};

struct px_conn {
	struct px_conn *prev, *next;
	struct px_proxy *p;
	struct bufferevent *bev; /* client side; one reference is ours */
	int fd;			 /* -1 until known */
	bool once_pending;	 /* the accept check is scheduled */
	bool counted;		 /* in p->nconns */
	bool killed;		 /* shut down by us */
	bool addrs;		 /* peer and local are known */
	enum px_st st;
	struct sockaddr_storage peer, local;
	int64_t deadline;  /* monotonic ns, 0 none */
	uint64_t in_bytes; /* octets of the request being read */
	/* upstream */
	struct evhttp_connection *up;
	struct bufferevent *upbev;
	bool up_dead, up_connected, paused;
	bool tls_wait; /* the exchange made a TLS connection: handshake due */
	/* the remote's name being resolved for the exchange (rname) */
	struct evdns_getaddrinfo_request *dnsreq;
	bool resolving;
	/* the exchange */
	struct evhttp_request *req;    /* held from dispatch to the end */
	struct evhttp_request *up_req; /* pending at the remote */
	int64_t ts_first;	       /* realtime ns of the first octet */
	int64_t m_first, m_dispatch, m_headers; /* monotonic ns */
	int64_t m_tls; /* monotonic ns: the upstream TLS handshake it made */
	int64_t m_dns; /* monotonic ns: the name resolution it made */
	int64_t req_body, res_body;
	uint8_t req_head[PX_HEAD_KEEP], res_head[PX_HEAD_KEEP];
	size_t req_head_len, res_head_len;
	uint8_t *form;
	size_t form_len;
	bool started, up_timeout;
};

struct px_state {
	struct event_base *base;
	struct evdns_base *dns; /* NULL: no remote is given by name */
	struct px_proxy px[PX_MAX_PROXY];
	unsigned npx;
	struct px_conn *conns; /* every client connection */
	struct px_conn **by_fd;
	size_t nfd;
	struct event *tick, *sig_term, *sig_int;
	bool stopping;
	int64_t stop_at; /* monotonic ns */
	double stop_to;
	const char *out;
	struct nc_writer *w;
	uint8_t *batch;
	size_t blen;
	bool quiet;
	/* the summary */
	uint64_t requests, completed, records, bytes_in, bytes_out;
	uint64_t conns_total;
	uint64_t err[PX_E_MAX];
	uint64_t resolved; /* names resolved for upstream connections */
};

static void px_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void px_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("netcap proxy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timeval tv_of(double s)
{
	struct timeval tv;
	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* ---------------------------------------------------------------------- */
/* records */

static void px_flush(struct px_state *s)
{
	if (!s->blen || !s->w)
		return;
	int rc = nc_writer_append(s->w, s->batch, s->blen);
	if (rc < 0) {
		if (!s->err[PX_E_RECORD_WRITE])
			px_err("%s/HTTP.ncap.lz4: %s", s->out, strerror(-rc));
		s->err[PX_E_RECORD_WRITE]++;
	}
	s->blen = 0;
}

static void px_emit(struct px_state *s, const struct px_rec *r)
{
	size_t n = px_rec_pack(r, s->batch + s->blen, PX_BATCH - s->blen);
	if (!n) {
		px_flush(s);
		n = px_rec_pack(r, s->batch, PX_BATCH);
	}
	if (!n) {
		s->err[PX_E_RECORD_WRITE]++;
		return;
	}
	s->blen += n;
	s->records++;
}

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "";
}

/*
 * The record of c's exchange: req (may be NULL: a request evhttp refused
 * before it was dispatched), the status the client was sent.
 */
static void px_record(struct px_conn *c, struct evhttp_request *req, int status,
		      const char *reason, bool res_trunc)
{
	struct px_rec r;
	int64_t m = now_ns(CLOCK_MONOTONIC);

	memset(&r, 0, sizeof(r));
	r.ts = c->ts_first ? c->ts_first : now_ns(CLOCK_REALTIME);
	r.src = (const struct sockaddr *)&c->peer;
	r.dst = (const struct sockaddr *)&c->local;
	r.method = "";
	r.url = "";
	r.status = status;
	r.reason = reason ? reason : "";
	r.res_trunc = res_trunc;
	if (req) {
		enum evhttp_cmd_type t = evhttp_request_get_command(req);
		r.method = method_name(t);
		r.url = evhttp_request_get_uri(req);
		if (!r.url)
			r.url = "";
		r.major = (unsigned char)req->major;
		r.minor = (unsigned char)req->minor;
		r.reqh = evhttp_request_get_input_headers(req);
		r.resh = evhttp_request_get_output_headers(req);
		r.res_nobody = t == EVHTTP_REQ_HEAD ||
			       (status >= 100 && status < 200) ||
			       status == 204 || status == 304;
		r.req_body = c->req_body;
		r.res_body = c->res_body;
		r.req_head = c->req_head;
		r.req_head_len = c->req_head_len;
		r.res_head = c->res_head;
		r.res_head_len = c->res_head_len;
		r.form = c->form;
		r.form_len = c->form_len;
		if (c->m_headers && c->m_first)
			r.first_byte_after = c->m_headers - c->m_first;
		if (c->m_tls && c->m_first)
			r.tls_done_after = c->m_tls - c->m_first;
		if (c->m_dns && c->m_first)
			r.dns_done_after = c->m_dns - c->m_first;
		if (c->m_first)
			r.done_after = m - c->m_first;
	}
	px_emit(c->p->s, &r);
}

/* ---------------------------------------------------------------------- */
/* client connections */

static bool bev_freed(struct bufferevent *b)
{
	bufferevent_event_cb ev = NULL;
	bufferevent_getcb(b, NULL, NULL, &ev, NULL);
	return ev == NULL;
}

static int conn_fd(struct px_conn *c)
{
	if (c->fd < 0)
		c->fd = bufferevent_getfd(c->bev);
	return c->fd;
}

/* an answer the connection cannot be given through evhttp (it has no
   request to answer yet): best effort on a plain socket, then close */
static void conn_kill(struct px_conn *c, const char *answer)
{
	int fd = conn_fd(c);
	if (fd < 0 || c->killed)
		return;
	c->killed = true;
	if (answer && !c->p->lctx) {
		ssize_t n = send(fd, answer, strlen(answer),
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0)
			c->p->s->bytes_out += (uint64_t)n;
	}
	shutdown(fd, SHUT_RDWR);
}

/* a resolution in flight is dropped (its callback sees the cancel only) */
static void dns_cancel(struct px_conn *c)
{
	struct evdns_getaddrinfo_request *r = c->dnsreq;

	c->dnsreq = NULL;
	c->resolving = false;
	if (r)
		evdns_getaddrinfo_cancel(r);
}

static void exch_reset(struct px_conn *c)
{
	dns_cancel(c);
	c->req = NULL;
	c->up_req = NULL;
	c->ts_first = 0;
	c->m_first = c->m_dispatch = c->m_headers = c->m_tls = c->m_dns = 0;
	c->tls_wait = false;
	c->req_body = c->res_body = 0;
	c->req_head_len = c->res_head_len = 0;
	free(c->form);
	c->form = NULL;
	c->form_len = 0;
	c->started = c->up_timeout = c->paused = false;
	c->in_bytes = 0;
	c->deadline = 0;
}

static void up_free(struct px_conn *c)
{
	if (c->up) {
		SSL *ssl =
		    c->upbev ? bufferevent_openssl_get_ssl(c->upbev) : NULL;
		if (ssl) /* no handshake news for c once it is gone */
			SSL_set_ex_data(ssl, px_ssl_idx, NULL);
		/* pending requests are freed without their callbacks */
		evhttp_connection_free(c->up);
		c->up = NULL;
		c->upbev = NULL;
	}
	c->up_req = NULL;
	c->up_dead = c->up_connected = false;
}

static void conn_free(struct px_conn *c)
{
	struct px_state *s = c->p->s;

	dns_cancel(c);
	up_free(c);
	if (c->fd >= 0 && (size_t)c->fd < s->nfd && s->by_fd[c->fd] == c)
		s->by_fd[c->fd] = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->counted)
		c->p->nconns--;
	free(c->form);
	/* drops the last reference: the socket closes here */
	bufferevent_decref(c->bev);
	free(c);
}

/* the client's and our address, once the socket is known */
static void conn_addrs(struct px_conn *c)
{
	struct px_state *s = c->p->s;
	socklen_t l;

	if (c->addrs || conn_fd(c) < 0)
		return;
	c->addrs = true;
	if ((size_t)c->fd < s->nfd)
		s->by_fd[c->fd] = c;
	l = sizeof(c->peer);
	getpeername(c->fd, (struct sockaddr *)&c->peer, &l);
	l = sizeof(c->local);
	getsockname(c->fd, (struct sockaddr *)&c->local, &l);
}

/* bytes of a request coming in: its first octet starts the clock */
static void on_in(struct evbuffer *b, const struct evbuffer_cb_info *info,
		  void *arg)
{
	struct px_conn *c = arg;
	struct px_state *s = c->p->s;
	(void)b;

	if (!info->n_added)
		return;
	s->bytes_in += info->n_added;
	conn_addrs(c);
	if (c->st == ST_IDLE) {
		c->st = ST_HEADER;
		c->in_bytes = 0;
	}
	if (c->st == ST_HEADER) {
		if (!c->ts_first) {
			c->ts_first = now_ns(CLOCK_REALTIME);
			c->m_first = now_ns(CLOCK_MONOTONIC);
			c->deadline =
			    c->m_first + (int64_t)((c->p->cfg.header_to +
						    c->p->cfg.body_to) *
						   1e9);
		}
		c->in_bytes += info->n_added;
	}
}

/* what goes to the client: counted; an answer evhttp writes by itself
   (no request of ours in flight) is an error it found in the request */
static void on_out(struct evbuffer *b, const struct evbuffer_cb_info *info,
		   void *arg)
{
	struct px_conn *c = arg;
	struct px_state *s = c->p->s;
	char line[80];

	if (info->n_deleted)
		s->bytes_out += info->n_deleted;
	if (!info->n_added || (c->st != ST_HEADER && c->st != ST_IDLE))
		return;
	/* evhttp's status line: "HTTP/1.1 400 Bad Request\r\n" */
	ev_ssize_t n = evbuffer_copyout(b, line, sizeof(line) - 1);
	if (n < 12 || memcmp(line, "HTTP/", 5) != 0)
		return;
	line[n] = 0;
	line[strcspn(line, "\r\n")] = 0;
	int code = (int)strtol(line + 9, NULL, 10);
	if (code < 200) /* 100 Continue */
		return;
	s->requests++;
	if (code == 413)
		s->err[PX_E_BODY_TOO_LARGE]++;
	else if (c->in_bytes > c->p->cfg.max_header)
		s->err[PX_E_HEADER_TOO_LARGE]++;
	else
		s->err[PX_E_BAD_REQUEST]++;
	px_record(c, NULL, code, strlen(line) > 13 ? line + 13 : "", false);
	c->st = ST_DONE; /* evhttp closes the connection after it */
}

/* the accept, once evhttp gave the socket to the bufferevent */
static void on_accepted(evutil_socket_t fd, short what, void *arg)
{
	struct px_conn *c = arg;
	struct px_state *s = c->p->s;
	(void)fd, (void)what;

	c->once_pending = false;
	if (bev_freed(c->bev))
		return;
	conn_addrs(c);
	if (c->fd < 0)
		return;
	if (c->p->nconns >= c->p->cfg.max_conns || s->stopping) {
		if (!s->stopping)
			s->err[PX_E_OVER_LIMIT]++;
		conn_kill(c, "HTTP/1.1 503 Service Unavailable\r\n"
			     "Connection: close\r\nContent-Length: 0\r\n\r\n");
		c->st = ST_DONE;
		return;
	}
	c->counted = true;
	c->p->nconns++;
}

static struct bufferevent *on_bev(struct event_base *base, void *arg)
{
	struct px_proxy *p = arg;
	struct px_state *s = p->s;
	struct px_conn *c = calloc(1, sizeof(*c));
	struct bufferevent *bev;

	if (p->lctx) {
		SSL *ssl = SSL_new(p->lctx);
		if (!ssl) {
			free(c);
			return NULL;
		}
		bev = bufferevent_openssl_socket_new(base, -1, ssl,
						     BUFFEREVENT_SSL_ACCEPTING,
						     BEV_OPT_CLOSE_ON_FREE);
	} else {
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!c || !bev) {
		/* evhttp makes a plain one itself; not tracked (no memory) */
		free(c);
		if (bev)
			bufferevent_free(bev);
		return NULL;
	}
	c->p = p;
	c->bev = bev;
	c->fd = -1;
	c->st = ST_HEADER;
	c->deadline = now_ns(CLOCK_MONOTONIC) +
		      (int64_t)((p->cfg.header_to + p->cfg.body_to) * 1e9);
	bufferevent_incref(bev);
	evbuffer_add_cb(bufferevent_get_input(bev), on_in, c);
	evbuffer_add_cb(bufferevent_get_output(bev), on_out, c);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->conns_total++;
	struct timeval zero = {0, 0};
	c->once_pending =
	    event_base_once(base, -1, EV_TIMEOUT, on_accepted, c, &zero) == 0;
	return bev;
}

/* ---------------------------------------------------------------------- */
/* the exchange */

static const char *const hop_by_hop[] = {
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
};

static bool is_hop(const char *k, const struct evkeyvalq *h)
{
	for (size_t i = 0; i < sizeof(hop_by_hop) / sizeof(hop_by_hop[0]); i++)
		if (!strcasecmp(k, hop_by_hop[i]))
			return true;
	/* and what Connection names (RFC 9110 7.6.1) */
	const char *conn = evhttp_find_header(h, "Connection");
	if (conn) {
		size_t kl = strlen(k);
		const char *p = conn;
		while (*p) {
			p += strspn(p, ", \t");
			size_t n = strcspn(p, ", \t");
			if (n == kl && !strncasecmp(p, k, n))
				return true;
			p += n;
		}
	}
	return false;
}

/* request: also without Content-Length (set from the body evhttp read)
   and Expect (evhttp answered 100-continue itself) */
static void copy_headers(struct evkeyvalq *to, const struct evkeyvalq *from,
			 bool request)
{
	for (const struct evkeyval *kv = from->tqh_first; kv;
	     kv = kv->next.tqe_next) {
		if (is_hop(kv->key, from))
			continue;
		if (request && (!strcasecmp(kv->key, "Content-Length") ||
				!strcasecmp(kv->key, "Expect")))
			continue;
		evhttp_add_header(to, kv->key, kv->value);
	}
}

static void keep_head(uint8_t *head, size_t *len, struct evbuffer *b)
{
	if (*len >= PX_HEAD_KEEP)
		return;
	ev_ssize_t n = evbuffer_copyout(b, head + *len, PX_HEAD_KEEP - *len);
	if (n > 0)
		*len += (size_t)n;
}

/* the client's request is done with: back to reading the next one */
static void exch_end(struct px_conn *c)
{
	c->st = ST_IDLE;
	exch_reset(c);
	if (c->p->s->stopping && !c->killed)
		c->deadline = 0;
}

/* an error answer while the response has not started */
static void exch_fail(struct px_conn *c, int code, enum px_err e)
{
	struct px_state *s = c->p->s;
	struct evhttp_request *req = c->req;

	s->err[e]++;
	if (evhttp_request_get_connection(req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Connection", "close");
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Content-Length", "0");
	}
	px_record(c, req, code, code == 504 ? "Gateway Timeout" : "Bad Gateway",
		  false);
	/* frees req when the client is gone */
	evhttp_send_reply(
	    req, code, code == 504 ? "Gateway Timeout" : "Bad Gateway", NULL);
	exch_end(c);
}

/* the response stopped half way (remote or client gone, stop timeout):
   the client must not take what it got for the whole */
static void exch_cut(struct px_conn *c, enum px_err e)
{
	struct px_state *s = c->p->s;
	struct evhttp_request *req = c->req;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);

	s->err[e]++;
	px_record(
	    c, req, c->started ? evhttp_request_get_response_code(req) : 0,
	    c->started ? evhttp_request_get_response_code_line(req) : "", true);
	if (evcon) {
		/* frees req with the connection */
		c->killed = true;
		evhttp_connection_free(evcon);
	} else {
		evhttp_send_reply_end(req); /* frees the detached req */
	}
	exch_end(c);
}

static void on_drained(struct evhttp_connection *evcon, void *arg)
{
	struct px_conn *c = arg;
	(void)evcon;

	if (c->paused && c->up_req && c->upbev) {
		c->paused = false;
		bufferevent_enable(c->upbev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_input(c->upbev)))
			bufferevent_trigger(c->upbev, EV_READ,
					    BEV_TRIG_DEFER_CALLBACKS);
	}
}

static int on_up_header(struct evhttp_request *ur, void *arg)
{
	struct px_conn *c = arg;
	struct evhttp_request *req = c->req;

	if (!req || !evhttp_request_get_connection(req))
		return -1; /* the client is gone: drop the upstream */
	int code = evhttp_request_get_response_code(ur);
	const char *reason = evhttp_request_get_response_code_line(ur);
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	copy_headers(out, evhttp_request_get_input_headers(ur), false);
	if (req->major == 1 && req->minor == 0 &&
	    !evhttp_find_header(out, "Content-Length")) {
		/* an HTTP/1.0 client cannot take chunks: the body ends with
		   the connection, which evhttp keeps open (and sends a wrong
		   Content-Length) while the request asked for keep-alive */
		evhttp_remove_header(evhttp_request_get_input_headers(req),
				     "Connection");
	}
	if (c->p->s->stopping)
		evhttp_add_header(out, "Connection", "close");
	c->m_headers = now_ns(CLOCK_MONOTONIC);
	c->started = true;
	c->st = ST_SENDING;
	c->deadline = 0;
	evhttp_send_reply_start(req, code, reason ? reason : "");
	return 0;
}

static void on_up_chunk(struct evhttp_request *ur, void *arg)
{
	struct px_conn *c = arg;
	struct evbuffer *b = evhttp_request_get_input_buffer(ur);
	struct evhttp_request *req = c->req;
	size_t n = evbuffer_get_length(b);

	c->res_body += (int64_t)n;
	keep_head(c->res_head, &c->res_head_len, b);
	if (!req || !evhttp_request_get_connection(req)) {
		evbuffer_drain(b, n);
		return; /* the tick cancels the upstream request */
	}
	evhttp_send_reply_chunk_with_cb(req, b, on_drained, c);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > PX_HIGH &&
	    c->upbev) {
		c->paused = true;
		bufferevent_disable(c->upbev, EV_READ);
	}
}

static void on_up_error(enum evhttp_request_error e, void *arg)
{
	struct px_conn *c = arg;
	if (e == EVREQ_HTTP_TIMEOUT)
		c->up_timeout = true;
}

static void on_up_done(struct evhttp_request *ur, void *arg)
{
	struct px_conn *c = arg;
	struct px_state *s = c->p->s;

	if (!c->up_req)
		return;
	c->up_req = NULL;
	if (!evhttp_request_get_connection(c->req)) {
		c->up_dead = true;
		exch_cut(c, PX_E_CLIENT_ABORTED);
		return;
	}
	if (!ur || evhttp_request_get_response_code(ur) == 0) {
		c->up_dead = true;
		if (c->started) {
			exch_cut(c, PX_E_UPSTREAM_ABORTED);
			return;
		}
		/* a connect that failed on its timeout is a timeout too */
		int64_t el = now_ns(CLOCK_MONOTONIC) - c->m_dispatch;
		bool to =
		    c->up_timeout ||
		    (!c->up_connected &&
		     el >= (int64_t)(c->p->cfg.connect_to * 1e9) - 5000000);
		exch_fail(c, to ? 504 : 502,
			  to ? PX_E_UPSTREAM_TIMEOUT
			     : PX_E_UPSTREAM_UNREACHABLE);
		return;
	}
	struct evbuffer *b = evhttp_request_get_input_buffer(ur);
	if (evbuffer_get_length(b))
		on_up_chunk(ur, c);
	if (!evhttp_request_get_connection(c->req)) {
		exch_cut(c, PX_E_CLIENT_ABORTED);
		return;
	}
	s->completed++;
	px_record(c, c->req, evhttp_request_get_response_code(c->req),
		  evhttp_request_get_response_code_line(c->req), false);
	evhttp_send_reply_end(c->req);
	exch_end(c);
}

static void on_up_closed(struct evhttp_connection *evcon, void *arg)
{
	struct px_conn *c = arg;
	(void)evcon;
	c->up_dead = true;
}

/* the first octets of the request left for the remote: connected */
static void on_up_out(struct evbuffer *b, const struct evbuffer_cb_info *info,
		      void *arg)
{
	struct px_conn *c = arg;
	(void)b;
	if (info->n_deleted && !c->up_connected && c->up) {
		c->up_connected = true;
		struct timeval tv = tv_of(c->p->cfg.response_to);
		evhttp_connection_set_timeout_tv(c->up, &tv);
	}
}

/* the upstream TLS handshake finished: TLSDoneAfter of the exchange that
   made the connection (TLS 1.3 also reports post-handshake messages such
   as NewSessionTicket as HANDSHAKE_DONE: only the first counts) */
static void on_up_tls(const SSL *ssl, int where, int ret)
{
	(void)ret;
	if (!(where & SSL_CB_HANDSHAKE_DONE))
		return;
	struct px_conn *c = SSL_get_ex_data(ssl, px_ssl_idx);
	if (c && c->tls_wait) {
		c->tls_wait = false;
		c->m_tls = now_ns(CLOCK_MONOTONIC);
	}
}

static int up_make(struct px_conn *c, const char *addr)
{
	struct px_proxy *p = c->p;
	struct event_base *base = p->s->base;
	struct bufferevent *bev;

	if (p->rctx) {
		SSL *ssl = SSL_new(p->rctx);
		if (!ssl)
			return -1;
		SSL_set_tlsext_host_name(ssl, p->rhost);
		SSL_set_ex_data(ssl, px_ssl_idx, c);
		SSL_set_info_callback(ssl, on_up_tls);
		if (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) {
			X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
			if (X509_VERIFY_PARAM_set1_ip_asc(vp, p->rhost) != 1)
				SSL_set1_host(ssl, p->rhost);
		}
		bev = bufferevent_openssl_socket_new(base, -1, ssl,
						     BUFFEREVENT_SSL_CONNECTING,
						     BEV_OPT_CLOSE_ON_FREE);
	} else {
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!bev)
		return -1;
	c->up = evhttp_connection_base_bufferevent_new(base, NULL, bev, addr,
						       p->rport);
	if (!c->up) {
		bufferevent_free(bev);
		return -1;
	}
	c->upbev = bev;
	c->up_connected = c->up_dead = false;
	c->tls_wait = p->rctx != NULL;
	struct timeval tv = tv_of(p->cfg.connect_to);
	evhttp_connection_set_timeout_tv(c->up, &tv);
	evhttp_connection_set_closecb(c->up, on_up_closed, c);
	evbuffer_add_cb(bufferevent_get_output(bev), on_up_out, c);
	return 0;
}

static void forward_to(struct px_conn *c, const char *addr);

static void forward(struct px_conn *c)
{
	forward_to(c, c->p->raddr);
}

/* evdns: the remote's name for the exchange's new upstream connection */
static void on_resolved(int err, struct evutil_addrinfo *res, void *arg)
{
	struct px_conn *c = arg;
	char addr[INET6_ADDRSTRLEN] = "";

	if (err == EVUTIL_EAI_CANCEL) { /* c may be on its way out */
		if (res)
			evutil_freeaddrinfo(res);
		return;
	}
	c->dnsreq = NULL;
	c->resolving = false;
	for (struct evutil_addrinfo *a = res; a && !addr[0]; a = a->ai_next) {
		if (a->ai_family == AF_INET)
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)a->ai_addr)->sin_addr,
				  addr, sizeof(addr));
		else if (a->ai_family == AF_INET6)
			inet_ntop(
			    AF_INET6,
			    &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr,
			    addr, sizeof(addr));
	}
	if (res)
		evutil_freeaddrinfo(res);
	if (err || !addr[0]) {
		exch_fail(c, 502, PX_E_UPSTREAM_UNREACHABLE);
		return;
	}
	c->m_dns = now_ns(CLOCK_MONOTONIC);
	c->p->s->resolved++;
	forward_to(c, addr);
}

static void up_resolve(struct px_conn *c)
{
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* the callback may run before evdns_getaddrinfo returns (NULL then) */
	c->resolving = true;
	r = evdns_getaddrinfo(c->p->s->dns, c->p->rhost, NULL, &hints,
			      on_resolved, c);
	if (c->resolving)
		c->dnsreq = r;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct px_proxy *p = arg;
	struct px_state *s = p->s;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
	int fd = bufferevent_getfd(bev);
	struct px_conn *c =
	    fd >= 0 && (size_t)fd < s->nfd ? s->by_fd[fd] : NULL;

	if (!c || c->bev != bev) {
		/* not tracked (allocation failed at accept) */
		evhttp_send_error(req, 503, NULL);
		return;
	}
	s->requests++;
	c->req = req;
	c->st = ST_UPSTREAM;
	c->m_dispatch = now_ns(CLOCK_MONOTONIC);
	if (!c->m_first) {
		c->m_first = c->m_dispatch;
		c->ts_first = now_ns(CLOCK_REALTIME);
	}
	c->deadline = c->m_dispatch + (int64_t)(p->cfg.response_to * 1e9);

	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	c->req_body = (int64_t)evbuffer_get_length(body);
	keep_head(c->req_head, &c->req_head_len, body);
	const char *ct = evhttp_find_header(in, "Content-Type");
	if (ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33) &&
	    c->req_body) {
		size_t n = (size_t)c->req_body < PX_FORM_KEEP
			       ? (size_t)c->req_body
			       : PX_FORM_KEEP;
		c->form = malloc(n);
		if (c->form)
			c->form_len =
			    (size_t)evbuffer_copyout(body, c->form, n);
	}

	if (c->up && c->up_dead)
		up_free(c);
	if (!c->up && p->rname)
		up_resolve(c); /* forward() when the name is resolved */
	else
		forward(c);
}

/* the exchange's request to the remote, on a new connection (made to
   addr) when c has none */
static void forward_to(struct px_conn *c, const char *addr)
{
	struct px_proxy *p = c->p;
	struct evhttp_request *req = c->req;
	struct evbuffer *body = evhttp_request_get_input_buffer(req);
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);

	if (!c->up && up_make(c, addr) < 0) {
		exch_fail(c, 502, PX_E_UPSTREAM_UNREACHABLE);
		return;
	}
	struct evhttp_request *ur = evhttp_request_new(on_up_done, c);
	if (!ur) {
		exch_fail(c, 502, PX_E_UPSTREAM_UNREACHABLE);
		return;
	}
	evhttp_request_set_header_cb(ur, on_up_header);
	evhttp_request_set_chunked_cb(ur, on_up_chunk);
	evhttp_request_set_error_cb(ur, on_up_error);
	struct evkeyvalq *uh = evhttp_request_get_output_headers(ur);
	copy_headers(uh, in, true);
	char peer[INET6_ADDRSTRLEN] = "";
	if (c->peer.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&c->peer)->sin_addr,
			  peer, sizeof(peer));
	else if (c->peer.ss_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((struct sockaddr_in6 *)&c->peer)->sin6_addr, peer,
			  sizeof(peer));
	if (peer[0]) {
		const char *xff = evhttp_find_header(in, "X-Forwarded-For");
		char v[1024];
		if (xff) {
			snprintf(v, sizeof(v), "%s, %s", xff, peer);
			evhttp_remove_header(uh, "X-Forwarded-For");
		} else {
			snprintf(v, sizeof(v), "%s", peer);
		}
		evhttp_add_header(uh, "X-Forwarded-For", v);
	}
	if (!evhttp_find_header(uh, "Host"))
		evhttp_add_header(uh, "Host", p->rhost);
	enum evhttp_cmd_type t = evhttp_request_get_command(req);
	if (c->req_body || t == EVHTTP_REQ_POST || t == EVHTTP_REQ_PUT ||
	    t == EVHTTP_REQ_PATCH) {
		char n[24];
		snprintf(n, sizeof(n), "%" PRId64, c->req_body);
		evhttp_add_header(uh, "Content-Length", n);
	}
	evbuffer_add_buffer(evhttp_request_get_output_buffer(ur), body);
	c->up_req = ur;
	if (evhttp_make_request(c->up, ur, t, evhttp_request_get_uri(req))) {
		/* evhttp freed ur */
		c->up_req = NULL;
		c->up_dead = true;
		exch_fail(c, 502, PX_E_UPSTREAM_UNREACHABLE);
	}
}

/* ---------------------------------------------------------------------- */
/* the tick: deadlines, gone connections, records, the stop */

static void stop_listening(struct px_state *s)
{
	for (unsigned i = 0; i < s->npx; i++)
		if (s->px[i].bound) {
			evhttp_del_accept_socket(s->px[i].http, s->px[i].bound);
			s->px[i].bound = NULL;
		}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct px_state *s = arg;
	int64_t m = now_ns(CLOCK_MONOTONIC);
	bool force = s->stopping && m >= s->stop_at;
	struct px_conn *c, *next;
	(void)fd, (void)what;

	for (c = s->conns; c; c = next) {
		next = c->next;
		if (c->once_pending)
			continue;
		if (bev_freed(c->bev)) {
			/* evhttp let the connection go */
			if (c->req) {
				if (c->up_req) {
					evhttp_cancel_request(c->up_req);
					c->up_req = NULL;
					c->up_dead = true;
				}
				exch_cut(c, PX_E_CLIENT_ABORTED);
			}
			conn_free(c);
			continue;
		}
		if (c->req && !evhttp_request_get_connection(c->req)) {
			/* the client left while its request was in flight */
			if (c->up_req) {
				evhttp_cancel_request(c->up_req);
				c->up_req = NULL;
				c->up_dead = true;
			}
			exch_cut(c, PX_E_CLIENT_ABORTED);
			continue;
		}
		switch (c->st) {
		case ST_HEADER:
			if (c->deadline && m >= c->deadline) {
				s->err[PX_E_SLOW_CLIENT]++;
				if (c->in_bytes) {
					s->requests++;
					px_record(c, NULL, 408,
						  "Request Timeout", false);
				}
				conn_kill(c, "HTTP/1.1 408 Request Timeout\r\n"
					     "Connection: close\r\n"
					     "Content-Length: 0\r\n\r\n");
				c->st = ST_DONE;
			} else if (s->stopping) {
				conn_kill(c, NULL);
				c->st = ST_DONE;
			}
			break;
		case ST_UPSTREAM:
			if ((c->deadline && m >= c->deadline) || force) {
				if (c->up_req) {
					evhttp_cancel_request(c->up_req);
					c->up_req = NULL;
				}
				c->up_dead = true;
				exch_fail(c, 504, PX_E_UPSTREAM_TIMEOUT);
			}
			break;
		case ST_SENDING:
			if (force) {
				if (c->up_req) {
					evhttp_cancel_request(c->up_req);
					c->up_req = NULL;
				}
				c->up_dead = true;
				exch_cut(c, PX_E_UPSTREAM_ABORTED);
			}
			break;
		case ST_IDLE:
			if (s->stopping) {
				conn_kill(c, NULL);
				c->st = ST_DONE;
			}
			break;
		case ST_DONE:
			if (force)
				conn_kill(c, NULL);
			break;
		}
	}
	px_flush(s);
	if (s->stopping && (!s->conns || m >= s->stop_at + 1000000000))
		event_base_loopbreak(s->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct px_state *s = arg;
	(void)what;

	if (s->stopping) {
		if (!s->quiet)
			px_err("second signal %d: stopping now", (int)sig);
		s->stop_at = 0;
		return;
	}
	s->stopping = true;
	s->stop_at = now_ns(CLOCK_MONOTONIC) + (int64_t)(s->stop_to * 1e9);
	stop_listening(s);
}

/* ---------------------------------------------------------------------- */
/* configuration */

#define DEF_HEADER_TO	10.0
#define DEF_BODY_TO	30.0
#define DEF_CONNECT_TO	5.0
#define DEF_RESPONSE_TO 30.0
#define DEF_IDLE_TO	60.0
#define DEF_MAX_CONNS	4096u
#define DEF_MAX_HEADER	65536u
#define DEF_MAX_BODY	(16u << 20)
#define DEF_STOP_TO	10.0
#define MAX_TIMEOUT	86400.0

static void cfg_defaults(struct px_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->remote_verify = -1;
	c->header_to = DEF_HEADER_TO;
	c->body_to = DEF_BODY_TO;
	c->connect_to = DEF_CONNECT_TO;
	c->response_to = DEF_RESPONSE_TO;
	c->idle_to = DEF_IDLE_TO;
	c->max_conns = DEF_MAX_CONNS;
	c->max_header = DEF_MAX_HEADER;
	c->max_body = DEF_MAX_BODY;
}

static bool parse_seconds(const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d) || d <= 0 ||
	    d > MAX_TIMEOUT)
		return false;
	*out = d;
	return true;
}

static bool parse_uint(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*v == '-')
		return false;
	unsigned long long n = strtoull(v, &end, 10);
	if (end == v || *end || errno || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* ADDR:PORT, [V6]:PORT or :PORT (all addresses) into host, port */
static bool parse_hostport(const char *v, char *host, size_t hl, uint16_t *port)
{
	const char *colon;
	size_t n;
	uint64_t pn;

	if (v[0] == '[') {
		const char *e = strchr(v, ']');
		if (!e || e[1] != ':')
			return false;
		n = (size_t)(e - v - 1);
		if (n >= hl)
			return false;
		memcpy(host, v + 1, n);
		host[n] = 0;
		colon = e + 1;
	} else {
		colon = strrchr(v, ':');
		if (!colon)
			return false;
		n = (size_t)(colon - v);
		if (n >= hl || memchr(v, ':', n))
			return false;
		memcpy(host, v, n);
		host[n] = 0;
		if (!n)
			snprintf(host, hl, "0.0.0.0");
	}
	if (!parse_uint(colon + 1, 1, 65535, &pn))
		return false;
	*port = (uint16_t)pn;
	return true;
}

/* the remote URL: http or https, a host, an optional port, no path */
static bool parse_remote(struct px_proxy *p, char *why, size_t wl)
{
	struct evhttp_uri *u = evhttp_uri_parse(p->cfg.remote);
	bool ok = false;

	if (!u) {
		snprintf(why, wl, "not a URL");
		return false;
	}
	const char *sch = evhttp_uri_get_scheme(u);
	const char *host = evhttp_uri_get_host(u);
	const char *path = evhttp_uri_get_path(u);
	int port = evhttp_uri_get_port(u);
	bool tls = sch && !strcasecmp(sch, "https");
	if (!sch || (!tls && strcasecmp(sch, "http") != 0))
		snprintf(why, wl,
			 "expected http://HOST[:PORT] or "
			 "https://HOST[:PORT]");
	else if (!host || !*host || strlen(host) >= sizeof(p->rhost))
		snprintf(why, wl, "no host");
	else if (path && *path && strcmp(path, "/") != 0)
		snprintf(why, wl, "a path prefix is not supported");
	else if (evhttp_uri_get_query(u) || evhttp_uri_get_userinfo(u))
		snprintf(why, wl, "no query or user info allowed");
	else
		ok = true;
	if (ok) {
		snprintf(p->rhost, sizeof(p->rhost), "%s", host);
		p->rport = (uint16_t)(port > 0 ? port : tls ? 443 : 80);
		p->rtls = tls;
	}
	evhttp_uri_free(u);
	return ok;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: netcap proxy --local ADDR:PORT --remote URL -o DIR "
	    "[options]\n"
	    "       netcap proxy --config FILE [-o DIR]\n"
	    "\n"
	    "An HTTP/1.1 reverse proxy: requests to the local address go to "
	    "the remote,\none HTTP record per exchange is written to "
	    "DIR/HTTP.ncap.lz4.\n"
	    "\n"
	    "  --local ADDR:PORT       listen here ([V6]:PORT, :PORT for "
	    "all addresses)\n"
	    "  --remote URL            http://HOST[:PORT] or "
	    "https://HOST[:PORT]\n"
	    "  -o, --out DIR           record directory (created)\n"
	    "  --config FILE           proxies from a JSON file "
	    "(docs/TOOLS.md; -o overrides\n"
	    "                          its \"out\"; the per-proxy flags "
	    "are not allowed with it)\n"
	    "  --tls-cert FILE         TLS on the local side: certificate "
	    "chain (PEM)\n"
	    "  --tls-key FILE          and its private key (PEM)\n"
	    "  --remote-ca FILE        CA certificates that verify an https "
	    "remote (PEM;\n"
	    "                          default: the system's)\n"
	    "  --no-verify             do not verify an https remote's "
	    "certificate\n"
	    "  --header-timeout SEC    request line and headers, from the "
	    "first octet (%g)\n"
	    "  --body-timeout SEC      added for the request body (%g); "
	    "over both: 408\n"
	    "  --connect-timeout SEC   connecting (and TLS) to the remote "
	    "(%g); over: 504\n"
	    "  --response-timeout SEC  the remote's response header, and "
	    "any pause in its\n"
	    "                          body (%g); over: 504 (or the "
	    "response is cut)\n"
	    "  --idle-timeout SEC      keep-alive connection without a "
	    "request, or a client\n"
	    "                          that reads nothing (%g)\n"
	    "  --max-connections N     client connections at once (%u); "
	    "more: 503, closed\n"
	    "  --max-header-size N     request header octets (%u); more: "
	    "400 (libevent)\n"
	    "  --max-body-size N       request body octets, which are "
	    "buffered (%u); more: 413\n"
	    "  --stop-timeout SEC      on SIGTERM/SIGINT, time for requests "
	    "in flight (%g)\n"
	    "  -q, --quiet             no summary line at exit\n"
	    "  -h, --help              this text\n"
	    "\n"
	    "At exit (SIGTERM, SIGINT) it prints one summary line: requests, "
	    "completed,\nrecords, bytes in and out, errors by kind. Exit "
	    "status: 0 stopped by a signal,\n1 runtime failure, 2 usage "
	    "error.\n",
	    DEF_HEADER_TO, DEF_BODY_TO, DEF_CONNECT_TO, DEF_RESPONSE_TO,
	    DEF_IDLE_TO, DEF_MAX_CONNS, DEF_MAX_HEADER, DEF_MAX_BODY,
	    DEF_STOP_TO);
}

/* --config FILE: one line on a problem, naming the key */
static bool load_config(struct px_state *s, const char *path, json_t **root)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	const char *k;
	json_t *v;

	if (!j) {
		px_err("%s:%d:%d: %s", path, je.line, je.column, je.text);
		return false;
	}
	*root = j;
	if (!json_is_object(j)) {
		px_err("%s: expected an object at the top", path);
		return false;
	}
	json_object_foreach(j, k, v)
	{
		if (!strcmp(k, "out")) {
			if (!json_is_string(v) || !json_string_length(v)) {
				px_err("%s: out: expected a directory name",
				       path);
				return false;
			}
			if (!s->out)
				s->out = json_string_value(v);
		} else if (!strcmp(k, "stop_timeout")) {
			if (!json_is_number(v) || json_number_value(v) <= 0 ||
			    json_number_value(v) > MAX_TIMEOUT) {
				px_err("%s: stop_timeout: expected seconds "
				       "above 0, at most %g",
				       path, MAX_TIMEOUT);
				return false;
			}
			s->stop_to = json_number_value(v);
		} else if (!strcmp(k, "proxies")) {
			if (!json_is_array(v) || !json_array_size(v) ||
			    json_array_size(v) > PX_MAX_PROXY) {
				px_err("%s: proxies: expected an array of 1 "
				       "to %d objects",
				       path, PX_MAX_PROXY);
				return false;
			}
		} else {
			px_err("%s: unknown key '%s' (valid: out, "
			       "stop_timeout, proxies)",
			       path, k);
			return false;
		}
	}
	json_t *arr = json_object_get(j, "proxies");
	if (!arr) {
		px_err("%s: proxies: missing", path);
		return false;
	}
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		struct px_cfg *c = &s->px[i].cfg;
		char at[64];
		cfg_defaults(c);
		snprintf(at, sizeof(at), "proxies[%zu]", i);
		if (!json_is_object(e)) {
			px_err("%s: %s: expected an object", path, at);
			return false;
		}
		json_object_foreach(e, k, v)
		{
			static const char *const strs[] = {
			    "name",	"local",   "remote",
			    "tls_cert", "tls_key", "remote_ca"};
			const char **sf[] = {&c->name,	 &c->local,
					     &c->remote, &c->cert,
					     &c->key,	 &c->remote_ca};
			static const char *const secs[] = {
			    "header_timeout", "body_timeout", "connect_timeout",
			    "response_timeout", "idle_timeout"};
			double *df[] = {&c->header_to, &c->body_to,
					&c->connect_to, &c->response_to,
					&c->idle_to};
			bool done = false;
			for (size_t q = 0; q < 6 && !done; q++)
				if (!strcmp(k, strs[q])) {
					if (!json_is_string(v) ||
					    !json_string_length(v)) {
						px_err("%s: %s.%s: expected a "
						       "non-empty string",
						       path, at, k);
						return false;
					}
					*sf[q] = json_string_value(v);
					done = true;
				}
			for (size_t q = 0; q < 5 && !done; q++)
				if (!strcmp(k, secs[q])) {
					if (!json_is_number(v) ||
					    json_number_value(v) <= 0 ||
					    json_number_value(v) >
						MAX_TIMEOUT) {
						px_err("%s: %s.%s: expected "
						       "seconds above 0, at "
						       "most %g",
						       path, at, k,
						       MAX_TIMEOUT);
						return false;
					}
					*df[q] = json_number_value(v);
					done = true;
				}
			if (done)
				continue;
			if (!strcmp(k, "remote_verify")) {
				if (!json_is_boolean(v)) {
					px_err("%s: %s.remote_verify: expected "
					       "true or false",
					       path, at);
					return false;
				}
				c->remote_verify = json_is_true(v);
			} else if (!strcmp(k, "max_connections") ||
				   !strcmp(k, "max_header_size") ||
				   !strcmp(k, "max_body_size")) {
				uint64_t lo = 1, hi = 1000000;
				if (!strcmp(k, "max_header_size"))
					lo = 1024, hi = 1u << 24;
				else if (!strcmp(k, "max_body_size"))
					lo = 0, hi = 1ull << 32;
				if (!json_is_integer(v) ||
				    json_integer_value(v) < (json_int_t)lo ||
				    json_integer_value(v) > (json_int_t)hi) {
					px_err("%s: %s.%s: expected an integer "
					       "from %" PRIu64 " to %" PRIu64,
					       path, at, k, lo, hi);
					return false;
				}
				uint64_t n = (uint64_t)json_integer_value(v);
				if (!strcmp(k, "max_connections"))
					c->max_conns = (unsigned)n;
				else if (!strcmp(k, "max_header_size"))
					c->max_header = n;
				else
					c->max_body = n;
			} else {
				px_err("%s: %s: unknown key '%s' (valid: "
				       "name, local, remote, tls_cert, "
				       "tls_key, remote_ca, remote_verify, "
				       "header_timeout, body_timeout, "
				       "connect_timeout, response_timeout, "
				       "idle_timeout, max_connections, "
				       "max_header_size, max_body_size)",
				       path, at, k);
				return false;
			}
		}
		if (!c->local || !c->remote) {
			px_err("%s: %s: %s missing", path, at,
			       !c->local ? "local" : "remote");
			return false;
		}
		if (!c->name)
			c->name = c->local;
	}
	s->npx = (unsigned)json_array_size(arr);
	return true;
}

/* checks that span keys, addresses, TLS contexts; one line on failure */
static bool px_check(struct px_state *s, unsigned i, const char *where)
{
	struct px_proxy *p = &s->px[i];
	struct px_cfg *c = &p->cfg;
	char why[128];

	p->s = s;
	if (!parse_hostport(c->local, p->lhost, sizeof(p->lhost), &p->lport)) {
		px_err("%slocal '%s': expected ADDR:PORT, [V6ADDR]:PORT or "
		       ":PORT",
		       where, c->local);
		return false;
	}
	if (!parse_remote(p, why, sizeof(why))) {
		px_err("%sremote '%s': %s", where, c->remote, why);
		return false;
	}
	if (!p->rtls && (c->remote_ca || c->remote_verify >= 0)) {
		px_err("%sremote_ca/remote_verify are for an https remote "
		       "('%s' is http)",
		       where, c->remote);
		return false;
	}
	if (c->remote_ca && c->remote_verify == 0) {
		px_err("%sremote_ca and no verification: give one of them",
		       where);
		return false;
	}
	if (!c->cert != !c->key) {
		px_err("%stls_cert and tls_key go together", where);
		return false;
	}
	return true;
}

static SSL_CTX *ctx_fail(SSL_CTX *x, const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	char buf[256];
	ERR_error_string_n(e, buf, sizeof(buf));
	px_err("%s '%s': %s", what, file, e ? buf : "failed");
	SSL_CTX_free(x);
	return NULL;
}

static SSL_CTX *server_ctx(const struct px_cfg *c)
{
	SSL_CTX *x = SSL_CTX_new(TLS_server_method());
	if (!x)
		return ctx_fail(x, "TLS", "server");
	SSL_CTX_set_min_proto_version(x, TLS1_2_VERSION);
	SSL_CTX_set_options(x, SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(x, c->cert) != 1)
		return ctx_fail(x, "tls_cert", c->cert);
	if (SSL_CTX_use_PrivateKey_file(x, c->key, SSL_FILETYPE_PEM) != 1)
		return ctx_fail(x, "tls_key", c->key);
	if (SSL_CTX_check_private_key(x) != 1)
		return ctx_fail(x, "tls_key (does not match tls_cert)", c->key);
	return x;
}

static SSL_CTX *client_ctx(const struct px_cfg *c)
{
	SSL_CTX *x = SSL_CTX_new(TLS_client_method());
	if (!x)
		return ctx_fail(x, "TLS", "client");
	SSL_CTX_set_min_proto_version(x, TLS1_2_VERSION);
	if (c->remote_verify == 0) {
		SSL_CTX_set_verify(x, SSL_VERIFY_NONE, NULL);
		return x;
	}
	SSL_CTX_set_verify(x, SSL_VERIFY_PEER, NULL);
	if (c->remote_ca) {
		if (SSL_CTX_load_verify_locations(x, c->remote_ca, NULL) != 1)
			return ctx_fail(x, "remote_ca", c->remote_ca);
	} else if (SSL_CTX_set_default_verify_paths(x) != 1) {
		return ctx_fail(x, "remote_ca", "(system default)");
	}
	return x;
}

static bool resolve(struct px_proxy *p)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int rc = getaddrinfo(p->rhost, NULL, &hints, &res);
	if (rc || !res) {
		px_err("remote '%s': cannot resolve %s: %s", p->cfg.remote,
		       p->rhost, gai_strerror(rc));
		return false;
	}
	const void *a =
	    res->ai_family == AF_INET6
		? (const void *)&((struct sockaddr_in6 *)res->ai_addr)
		      ->sin6_addr
		: (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr;
	inet_ntop(res->ai_family, a, p->raddr, sizeof(p->raddr));
	freeaddrinfo(res);
	return true;
}

static bool px_setup(struct px_state *s, struct px_proxy *p)
{
	struct px_cfg *c = &p->cfg;
	struct timeval tv;

	if (!resolve(p))
		return false;
	struct in6_addr a6;
	p->rname = inet_pton(AF_INET, p->rhost, &a6) != 1 &&
		   inet_pton(AF_INET6, p->rhost, &a6) != 1;
	if (p->rname && !s->dns) {
		/* /etc/resolv.conf and /etc/hosts, as getaddrinfo above */
		s->dns = evdns_base_new(s->base,
					EVDNS_BASE_INITIALIZE_NAMESERVERS |
					    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (!s->dns) {
			px_err("remote '%s': cannot read the resolver "
			       "configuration (/etc/resolv.conf)",
			       c->remote);
			return false;
		}
	}
	if (p->rtls && !(p->rctx = client_ctx(c)))
		return false;
	if (p->rtls && px_ssl_idx < 0) {
		px_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
		if (px_ssl_idx < 0) {
			px_err("out of memory");
			return false;
		}
	}
	if (c->cert && !(p->lctx = server_ctx(c)))
		return false;
	p->http = evhttp_new(s->base);
	if (!p->http) {
		px_err("out of memory");
		return false;
	}
	evhttp_set_gencb(p->http, on_request, p);
	evhttp_set_bevcb(p->http, on_bev, p);
	evhttp_set_max_headers_size(p->http, (ev_ssize_t)c->max_header);
	evhttp_set_max_body_size(p->http, (ev_ssize_t)c->max_body);
	evhttp_set_default_content_type(p->http, NULL);
	evhttp_set_allowed_methods(
	    p->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
			 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
			 EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	tv = tv_of(c->idle_to);
	evhttp_set_timeout_tv(p->http, &tv);
	return true;
}

/* after every proxy is set up: a listening port means a ready proxy */
static bool px_listen(struct px_proxy *p)
{
	p->bound = evhttp_bind_socket_with_handle(p->http, p->lhost, p->lport);
	if (!p->bound) {
		px_err("local '%s': cannot listen: %s", p->cfg.local,
		       strerror(errno));
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------------- */

static void summary(const struct px_state *s)
{
	printf("proxy: requests %" PRIu64 " completed %" PRIu64
	       " records %" PRIu64 " connections %" PRIu64 " bytes_in %" PRIu64
	       " bytes_out %" PRIu64,
	       s->requests, s->completed, s->records, s->conns_total,
	       s->bytes_in, s->bytes_out);
	uint64_t tot = 0;
	for (int e = 0; e < PX_E_MAX; e++)
		tot += s->err[e];
	printf(" resolved %" PRIu64 " errors %" PRIu64, s->resolved, tot);
	for (int e = 0; e < PX_E_MAX; e++)
		printf(" %s %" PRIu64, px_err_name[e], s->err[e]);
	putchar('\n');
	fflush(stdout);
}

static int px_run(struct px_state *s)
{
	char path[4096];
	struct rlimit rl;
	int rc = 1;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		if (rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	s->nfd = rl.rlim_cur > (1u << 22) ? (1u << 22) : (size_t)rl.rlim_cur;
	s->by_fd = calloc(s->nfd, sizeof(struct px_conn *));
	s->batch = malloc(PX_BATCH);
	s->base = event_base_new();
	if (!s->by_fd || !s->batch || !s->base) {
		px_err("out of memory");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(s->out, 0755) && errno != EEXIST) {
		px_err("%s: %s", s->out, strerror(errno));
		goto out;
	}
	/* SIGTERM while the remotes are resolved stops the proxy cleanly */
	s->sig_term = evsignal_new(s->base, SIGTERM, on_signal, s);
	s->sig_int = evsignal_new(s->base, SIGINT, on_signal, s);
	if (!s->sig_term || !s->sig_int || event_add(s->sig_term, NULL) ||
	    event_add(s->sig_int, NULL)) {
		px_err("cannot set up the event loop");
		goto out;
	}
	for (unsigned i = 0; i < s->npx; i++)
		if (!px_setup(s, &s->px[i]))
			goto out;
	snprintf(path, sizeof(path), "%s/HTTP.ncap.lz4", s->out);
	struct nc_writer_opts o = {
	    .type = NC_REC_HTTP,
	    .input_source = s->px[0].cfg.local,
	    .created = now_ns(CLOCK_REALTIME),
	    .compress = true,
	};
	s->w = nc_writer_open(path, &o);
	if (!s->w) {
		px_err("%s: %s", path, strerror(errno));
		goto out;
	}
	struct timeval tick = {0, PX_TICK_MS * 1000};
	s->tick = event_new(s->base, -1, EV_PERSIST, on_tick, s);
	if (!s->tick || event_add(s->tick, &tick)) {
		px_err("cannot set up the event loop");
		goto out;
	}
	for (unsigned i = 0; i < s->npx; i++)
		if (!px_listen(&s->px[i]))
			goto out;
	if (!s->quiet)
		for (unsigned i = 0; i < s->npx; i++)
			fprintf(stderr,
				"netcap proxy: %s -> %s (records: %s)\n",
				s->px[i].cfg.local, s->px[i].cfg.remote, path);
	event_base_dispatch(s->base);

	/* stopped: what is still open is cut (stop_timeout passed) */
	for (struct px_conn *c = s->conns; c; c = c->next)
		if (c->req && !bev_freed(c->bev)) {
			if (c->up_req) {
				evhttp_cancel_request(c->up_req);
				c->up_req = NULL;
			}
			exch_cut(c, PX_E_UPSTREAM_ABORTED);
		}
	for (unsigned i = 0; i < s->npx; i++)
		if (s->px[i].http) {
			evhttp_free(s->px[i].http); /* its connections too */
			s->px[i].http = NULL;
		}
	for (struct px_conn *c = s->conns, *nx; c; c = nx) {
		nx = c->next;
		conn_free(c);
	}
	px_flush(s);
	rc = nc_writer_close(s->w);
	s->w = NULL;
	if (rc < 0) {
		px_err("%s: %s", path, strerror(-rc));
		rc = 1;
	} else {
		rc = s->err[PX_E_RECORD_WRITE] ? 1 : 0;
	}
	if (!s->quiet)
		summary(s);
out:
	if (s->w)
		nc_writer_close(s->w);
	for (unsigned i = 0; i < s->npx; i++) {
		struct px_proxy *p = &s->px[i];
		if (p->http)
			evhttp_free(p->http);
		if (p->lctx)
			SSL_CTX_free(p->lctx);
		if (p->rctx)
			SSL_CTX_free(p->rctx);
	}
	for (struct px_conn *c = s->conns, *nx; c; c = nx) {
		nx = c->next;
		conn_free(c);
	}
	if (s->tick)
		event_free(s->tick);
	if (s->sig_term)
		event_free(s->sig_term);
	if (s->sig_int)
		event_free(s->sig_int);
	if (s->dns)
		evdns_base_free(s->dns, 0);
	if (s->base)
		event_base_free(s->base);
	free(s->by_fd);
	free(s->batch);
	return rc;
}

int nc_cmd_proxy(int argc, char **argv)
{
	enum {
		O_LOCAL = 256,
		O_REMOTE,
		O_CONFIG,
		O_CERT,
		O_KEY,
		O_CA,
		O_NOVERIFY,
		O_HTO,
		O_BTO,
		O_CTO,
		O_RTO,
		O_ITO,
		O_MAXC,
		O_MAXH,
		O_MAXB,
		O_STO,
	};
	static const struct option opts[] = {
	    {"local", required_argument, NULL, O_LOCAL},
	    {"remote", required_argument, NULL, O_REMOTE},
	    {"out", required_argument, NULL, 'o'},
	    {"config", required_argument, NULL, O_CONFIG},
	    {"tls-cert", required_argument, NULL, O_CERT},
	    {"tls-key", required_argument, NULL, O_KEY},
	    {"remote-ca", required_argument, NULL, O_CA},
	    {"no-verify", no_argument, NULL, O_NOVERIFY},
	    {"header-timeout", required_argument, NULL, O_HTO},
	    {"body-timeout", required_argument, NULL, O_BTO},
	    {"connect-timeout", required_argument, NULL, O_CTO},
	    {"response-timeout", required_argument, NULL, O_RTO},
	    {"idle-timeout", required_argument, NULL, O_ITO},
	    {"max-connections", required_argument, NULL, O_MAXC},
	    {"max-header-size", required_argument, NULL, O_MAXH},
	    {"max-body-size", required_argument, NULL, O_MAXB},
	    {"stop-timeout", required_argument, NULL, O_STO},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static struct px_state st; /* big: px[] */
	struct px_state *s = &st;
	struct px_cfg *c = &s->px[0].cfg;
	const char *config = NULL;
	json_t *root = NULL;
	bool per_proxy = false;
	int ch, rc = 2;
	uint64_t n;

	memset(s, 0, sizeof(*s));
	cfg_defaults(c);
	s->stop_to = DEF_STOP_TO;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
		const char *flag = argv[optind - 1];
		if (ch >= O_LOCAL && ch != O_CONFIG && ch != O_STO)
			per_proxy = true;
		switch (ch) {
		case O_LOCAL:
			c->local = optarg;
			break;
		case O_REMOTE:
			c->remote = optarg;
			break;
		case 'o':
			s->out = optarg;
			break;
		case O_CONFIG:
			config = optarg;
			break;
		case O_CERT:
			c->cert = optarg;
			break;
		case O_KEY:
			c->key = optarg;
			break;
		case O_CA:
			c->remote_ca = optarg;
			break;
		case O_NOVERIFY:
			c->remote_verify = 0;
			break;
		case O_HTO:
		case O_BTO:
		case O_CTO:
		case O_RTO:
		case O_ITO:
		case O_STO: {
			double *d = ch == O_HTO	  ? &c->header_to
				    : ch == O_BTO ? &c->body_to
				    : ch == O_CTO ? &c->connect_to
				    : ch == O_RTO ? &c->response_to
				    : ch == O_ITO ? &c->idle_to
						  : &s->stop_to;
			if (!parse_seconds(optarg, d)) {
				px_err("%s '%s': expected seconds above 0, at "
				       "most %g",
				       flag, optarg, MAX_TIMEOUT);
				goto out;
			}
			break;
		}
		case O_MAXC:
		case O_MAXH:
		case O_MAXB: {
			uint64_t lo = ch == O_MAXC   ? 1
				      : ch == O_MAXH ? 1024
						     : 0;
			uint64_t hi = ch == O_MAXC   ? 1000000
				      : ch == O_MAXH ? 1u << 24
						     : 1ull << 32;
			if (!parse_uint(optarg, lo, hi, &n)) {
				px_err("%s '%s': expected an integer from "
				       "%" PRIu64 " to %" PRIu64,
				       flag, optarg, lo, hi);
				goto out;
			}
			if (ch == O_MAXC)
				c->max_conns = (unsigned)n;
			else if (ch == O_MAXH)
				c->max_header = n;
			else
				c->max_body = n;
			break;
		}
		case 'q':
			s->quiet = true;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		case ':':
			px_err("option '%s' needs a value", flag);
			goto out;
		default:
			px_err("unknown option '%s' (try 'netcap proxy "
			       "--help')",
			       flag);
			goto out;
		}
	}
	if (optind < argc) {
		px_err("unexpected argument '%s' (try 'netcap proxy --help')",
		       argv[optind]);
		goto out;
	}
	if (config) {
		if (per_proxy) {
			px_err("--config: the proxy options go in the file, "
			       "not on the command line");
			goto out;
		}
		if (!load_config(s, config, &root))
			goto out;
	} else {
		if (!c->local || !c->remote) {
			px_err("missing %s (try 'netcap proxy --help')",
			       !c->local ? "--local ADDR:PORT"
					 : "--remote URL");
			goto out;
		}
		c->name = c->local;
		s->npx = 1;
	}
	if (!s->out) {
		px_err("missing -o DIR (try 'netcap proxy --help')");
		goto out;
	}
	for (unsigned i = 0; i < s->npx; i++) {
		char where[96] = "";
		if (config)
			snprintf(where, sizeof(where),
				 "%s: proxies[%u]: ", config, i);
		if (!px_check(s, i, where))
			goto out;
	}
	rc = px_run(s);
out:
	if (root)
		json_decref(root);
	return rc;
}
