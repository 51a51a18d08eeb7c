/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ssh.c: SSH (RFC 4253) from reassembled TCP streams, port 22 and 2222
 * plus a content probe.
 *
 * Each direction starts with the identification string (RFC 4253 4.2),
 * a line of at most 255 octets with its CR LF; a server may send other
 * lines of text before it:
 *
 *   SSH-protoversion-softwareversion SP comments CR LF
 *
 * then binary packets (RFC 4253 6), in clear text until NEWKEYS:
 *
 *   +--------------------------------+-------------+-------- . . . --+
 *   | packet_length (uint32, octets  | padding_    | payload         |
 *   | after this field, MAC excl.)   | length (u8) | (packet_length  |
 *   +--------------------------------+-------------+  - padding - 1) |
 *   | random padding (padding_length octets, >= 4)  | [MAC: none yet]|
 *   +-----------------------------------------------+----------------+
 *
 * The first packet is normally SSH_MSG_KEXINIT (RFC 4253 7.1):
 *
 *   byte         SSH_MSG_KEXINIT (20)
 *   byte[16]     cookie (random bytes)
 *   name-list    kex_algorithms
 *   name-list    server_host_key_algorithms
 *   name-list    encryption_algorithms_client_to_server
 *   name-list    encryption_algorithms_server_to_client
 *   name-list    mac_algorithms_client_to_server
 *   name-list    mac_algorithms_server_to_client
 *   name-list    compression_algorithms_client_to_server
 *   name-list    compression_algorithms_server_to_client
 *   name-list    languages_client_to_server
 *   name-list    languages_server_to_client
 *   boolean      first_kex_packet_follows
 *   uint32       0 (reserved for future extension)
 *
 * a name-list being a uint32 length and that many octets (RFC 4251 5).
 * After the KEXINIT a direction is not parsed any more: what follows is
 * key exchange and then ciphertext, so bulk data costs one branch per
 * chunk.
 *
 * One SSH record per side: at its KEXINIT, or at the end of the direction
 * with the banner alone. HASSH (Salesforce): MD5 hex of
 * "kex;enc;mac;comp", the client's client-to-server lists (hassh) or the
 * server's server-to-client lists (hasshServer).
 *
 * Bounds: an identification line keeps at most 255 octets; at most 64 KiB
 * and 1024 lines of text before it; a packet_length above 35000 (the
 * largest packet RFC 4253 6.1 asks implementations to take) stops the
 * direction; at most 16 packets (IGNORE, DEBUG, ...) before the KEXINIT.
 * A direction buffers at most one packet (35004 octets) and only when it
 * is split across chunks; the buffer is freed when the direction stops.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "applayer.h"
#include "cursor.h"
#include "observe.h"
#include "render.h"

#define SSH_IDENT_MAX	       255	   /* RFC 4253 4.2, CR LF included */
#define SSH_PRE_BYTES	       (64u << 10) /* text before the banner */
#define SSH_PRE_LINES	       1024u
#define SSH_PACKET_MAX	       35000u /* RFC 4253 6.1 */
#define SSH_PACKETS_BEFORE_KEX 16u

#define SSH_MSG_DISCONNECT    1
#define SSH_MSG_IGNORE	      2
#define SSH_MSG_UNIMPLEMENTED 3
#define SSH_MSG_DEBUG	      4
#define SSH_MSG_KEXINIT	      20

enum ssh_phase {
	PH_LINES = 0, /* lines before and of the identification string */
	PH_SKIP_LINE, /* rest of a line not kept (text, or an overlong ident) */
	PH_PACKETS,   /* binary packets up to the KEXINIT */
	PH_DONE,      /* nothing more read in this direction */
};

struct ssh_dir {
	uint8_t phase;	    /* enum ssh_phase */
	uint8_t have_ident; /* the identification string was seen */
	uint8_t after_skip; /* phase after PH_SKIP_LINE */
	uint8_t emitted;    /* the side's record was written */
	uint16_t linelen;   /* octets kept in line[] */
	uint16_t packets;   /* binary packets seen */
	uint32_t prebytes;  /* octets before the identification string */
	uint32_t prelines;
	int64_t ident_ts; /* when the identification string was complete */
	uint8_t line[SSH_IDENT_MAX + 1];
	struct nc_app_buf buf; /* one packet split across chunks */
};

struct ssh_state {
	struct ssh_dir dir[2];
};

/* ---------------------------------------------------------------------- */
/* probe */

static bool ssh_prefix(const uint8_t *p, size_t len)
{
	static const char tag[] = "SSH-";
	size_t n = len < 4 ? len : 4;

	return memcmp(p, tag, n) == 0;
}

/* Text of a line before the banner: no control octets but TAB and CR. */
static bool ssh_text_octet(uint8_t b)
{
	return b >= 0x20 ? b != 0x7f : (b == '\t' || b == '\r');
}

/*
 * "SSH-" at the start says yes. A server may send lines of text before
 * its banner: yes when a later line within the first 4 KiB starts with
 * "SSH-" and every octet before it is text; need while only text was seen.
 * Anything else is not SSH.
 */
static enum nc_probe ssh_probe(const uint8_t *p, size_t len, int dir)
{
	if (len < 4)
		return ssh_prefix(p, len) ? NC_PROBE_NEED : NC_PROBE_NO;
	if (ssh_prefix(p, len))
		return NC_PROBE_YES;
	if (dir != 1)
		return NC_PROBE_NO;
	size_t n = len < 4096 ? len : 4096;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			size_t rest = n - (i + 1);
			if (rest == 0)
				return NC_PROBE_NEED;
			if (ssh_prefix(p + i + 1, rest))
				return rest >= 4 ? NC_PROBE_YES : NC_PROBE_NEED;
			continue;
		}
		if (!ssh_text_octet(p[i]))
			return NC_PROBE_NO;
	}
	return NC_PROBE_NEED;
}

/* ---------------------------------------------------------------------- */
/* records */

/* "sender:port->receiver:port" (IPv6 in brackets). */
static void ssh_flow(const struct nc_app_conn *c, int from, char *out,
		     size_t cap)
{
	char a[2][48];

	for (int k = 0; k < 2; k++)
		nc_render_addr(c->addr[k], c->alen, a[k], sizeof(a[k]));
	const char *fmt = c->alen == 16 ? "[%s]:%u->[%s]:%u" : "%s:%u->%s:%u";
	snprintf(out, cap, fmt, a[from], c->port[from], a[!from],
		 c->port[!from]);
}

/* The parts of an identification string (RFC 4253 4.2). */
struct ssh_ident {
	char text[4 * SSH_IDENT_MAX + 1]; /* whole line, UTF-8 */
	char version[4 * SSH_IDENT_MAX + 1];
	char software[4 * SSH_IDENT_MAX + 1];
	char comments[4 * SSH_IDENT_MAX + 1];
	bool ok; /* SSH-protoversion-softwareversion form */
};

static void ssh_split_ident(const struct ssh_dir *s, struct ssh_ident *id)
{
	const uint8_t *l = s->line;
	size_t n = s->linelen;

	nc_app_text(id->text, sizeof(id->text), l, n);
	id->version[0] = id->software[0] = id->comments[0] = '\0';
	id->ok = false;
	if (n < 4)
		return;
	/* protoversion: after "SSH-" up to '-'; softwareversion: up to SP */
	size_t v = 4, e = v;
	while (e < n && l[e] != '-' && l[e] != ' ')
		e++;
	nc_app_text(id->version, sizeof(id->version), l + v, e - v);
	if (e >= n || l[e] != '-' || e == v)
		return;
	size_t sw = e + 1, se = sw;
	while (se < n && l[se] != ' ')
		se++;
	nc_app_text(id->software, sizeof(id->software), l + sw, se - sw);
	if (se < n)
		nc_app_text(id->comments, sizeof(id->comments), l + se + 1,
			    n - se - 1);
	id->ok = se > sw;
}

/* A parsed KEXINIT: the name-lists point into the packet. */
#define SSH_NLISTS 10
struct ssh_kexinit {
	const uint8_t *cookie;
	const uint8_t *list[SSH_NLISTS];
	uint32_t len[SSH_NLISTS];
	unsigned nlists; /* name-lists read whole */
	bool first_follows;
	bool complete; /* every field present */
};

enum {
	NL_KEX,
	NL_HOSTKEY,
	NL_ENC_CS,
	NL_ENC_SC,
	NL_MAC_CS,
	NL_MAC_SC,
	NL_COMP_CS,
	NL_COMP_SC,
	NL_LANG_CS,
	NL_LANG_SC
};

/* The lists HASSH uses for a side: kex, enc, mac, comp. */
static void ssh_hassh_lists(int from, unsigned idx[4])
{
	idx[0] = NL_KEX;
	idx[1] = from == 0 ? NL_ENC_CS : NL_ENC_SC;
	idx[2] = from == 0 ? NL_MAC_CS : NL_MAC_SC;
	idx[3] = from == 0 ? NL_COMP_CS : NL_COMP_SC;
}

/* MD5 of the raw "kex;enc;mac;comp" into hex (33 octets). */
static bool ssh_hassh(const struct ssh_kexinit *k, int from, char hex[33])
{
	static const char hexd[] = "0123456789abcdef";
	unsigned idx[4];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	bool ok;

	ssh_hassh_lists(from, idx);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return false;
	ok = EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1;
	for (unsigned i = 0; ok && i < 4; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ";", 1) == 1;
		if (ok && k->len[idx[i]])
			ok = EVP_DigestUpdate(ctx, k->list[idx[i]],
					      k->len[idx[i]]) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 16;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return false;
	for (unsigned i = 0; i < 16; i++) {
		hex[2 * i] = hexd[md[i] >> 4];
		hex[2 * i + 1] = hexd[md[i] & 15];
	}
	hex[32] = '\0';
	return true;
}

/*
 * Write side `from`'s record (k NULL: banner only) and its fingerprint
 * observation. Text of the name-lists goes to one scratch block of
 * 4 octets per packet octet (nc_app_text's worst case), held only here.
 */
static void ssh_emit(struct nc_app_ctx *x, struct ssh_dir *s, int from,
		     const struct ssh_kexinit *k, size_t kexlen, int64_t ts,
		     const char *notes)
{
	struct nc_dec *d = x->d;
	const struct nc_app_conn *c = x->c;
	char hash[33] = "";
	struct ssh_ident id;
	char flow[128];

	s->emitted = 1;
	bool hashed = k && k->nlists == SSH_NLISTS && ssh_hassh(k, from, hash);
	if (hashed)
		nc_obs_fingerprint(d, c, from,
				   from == 0 ? "hassh" : "hasshServer", hash);
	if (!nc_want(d, NC_REC_SSH))
		return;

	Netcap__SSH r = NETCAP__SSH__INIT;
	char *lists[SSH_NLISTS];
	char *algos = NULL;
	char *scratch = NULL;
	size_t scap = 0;

	if (k) {
		/* every list and the Algorithms string: 4 * kexlen each at
		   most, + NULs */
		scap = 8 * kexlen + SSH_NLISTS + 8;
		scratch = nc_app_alloc(x, scap);
		if (!scratch)
			k = NULL; /* counted: the record keeps the banner */
	}
	static char empty[] = "";
	for (unsigned i = 0; i < SSH_NLISTS; i++)
		lists[i] = empty;
	algos = empty;
	if (k) {
		char *o = scratch, *end = scratch + scap;
		for (unsigned i = 0; i < k->nlists; i++) {
			lists[i] = o;
			o += nc_app_text(o, (size_t)(end - o), k->list[i],
					 k->len[i]) +
			     1;
		}
		if (hashed) {
			unsigned idx[4];
			ssh_hassh_lists(from, idx);
			algos = o;
			for (unsigned i = 0; i < 4; i++) {
				if (i)
					*o++ = ';';
				o += nc_app_text(o, (size_t)(end - o),
						 k->list[idx[i]],
						 k->len[idx[i]]);
			}
			*o = '\0';
		}
		r.cookie.data = (uint8_t *)k->cookie;
		r.cookie.len = 16;
		r.firstkexpacketfollows = k->first_follows;
		r.haskexinit = true;
	}

	r.timestamp = ts;
	r.hassh = hash;
	ssh_flow(c, from, flow, sizeof(flow));
	r.flow = flow;
	r.notes = nc_app_str(notes);
	ssh_split_ident(s, &id);
	r.ident = id.text;
	r.version = id.version;
	r.software = id.software;
	r.comments = id.comments;
	r.algorithms = algos;
	r.isclient = from == 0;
	nc_app_ends(c, from, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	r.uid = nc_app_str(c->uid);
	r.kexalgorithms = lists[NL_KEX];
	r.hostkeyalgorithms = lists[NL_HOSTKEY];
	r.encryptionalgorithmsclienttoserver = lists[NL_ENC_CS];
	r.encryptionalgorithmsservertoclient = lists[NL_ENC_SC];
	r.macalgorithmsclienttoserver = lists[NL_MAC_CS];
	r.macalgorithmsservertoclient = lists[NL_MAC_SC];
	r.compressionalgorithmsclienttoserver = lists[NL_COMP_CS];
	r.compressionalgorithmsservertoclient = lists[NL_COMP_SC];
	r.languagesclienttoserver = lists[NL_LANG_CS];
	r.languagesservertoclient = lists[NL_LANG_SC];
	nc_emit(d, NC_REC_SSH, &r.base);
	nc_app_free(x, scratch, scap);
}

/* Stop reading a direction; its buffer goes back. */
static void ssh_stop(struct nc_app_ctx *x, struct ssh_dir *s)
{
	s->phase = PH_DONE;
	nc_app_buf_free(x, &s->buf);
}

/* ---------------------------------------------------------------------- */
/* identification string */

/* The line in s->line is complete (CR LF stripped): banner or not. */
static void ssh_line_done(struct nc_app_ctx *x, struct ssh_dir *s, int dir)
{
	struct ssh_ident id;

	s->have_ident = 1;
	s->ident_ts = x->c->ts;
	ssh_split_ident(s, &id);
	nc_obs_software(x->d, x->c, dir, "SSH banner", id.text, "SSH");
	if (dir == 1)
		nc_obs_service(x->d, x->c, "SSH", id.text);
	if (!id.ok) {
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_BAD_IDENT);
		s->after_skip = PH_DONE;
		return;
	}
	/* "2.0", and "1.99" (RFC 4253 5.1: a server that speaks both) */
	if (strcmp(id.version, "2.0") != 0 && strcmp(id.version, "1.99") != 0) {
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_VERSION1);
		s->after_skip = PH_DONE;
		return;
	}
	s->after_skip = PH_PACKETS;
}

/*
 * Lines up to and including the identification string. Returns the
 * octets of p used; s->phase says what comes next.
 */
static size_t ssh_lines(struct nc_app_ctx *x, struct ssh_dir *s, int dir,
			const uint8_t *p, size_t len)
{
	size_t used = 0;

	while (used < len &&
	       (s->phase == PH_LINES || s->phase == PH_SKIP_LINE)) {
		const uint8_t *q = p + used;
		size_t left = len - used;
		const uint8_t *nl = memchr(q, '\n', left);
		size_t seg = nl ? (size_t)(nl - q) : left; /* before LF */
		size_t take = nl ? seg + 1 : seg;

		if (s->phase == PH_SKIP_LINE) {
			if (s->after_skip == PH_LINES) {
				/* a line of text before the banner */
				for (size_t i = 0; i < seg; i++)
					if (!ssh_text_octet(q[i])) {
						nc_app_event(x->d, x->c, dir,
							     NC_EV_SSH_NOT_SSH);
						ssh_stop(x, s);
						return used + i;
					}
				s->prebytes += (uint32_t)take;
			}
			used += take;
			if (nl) {
				/* line[] keeps an overlong banner's start */
				s->phase = s->after_skip;
				if (s->after_skip == PH_LINES)
					s->prelines++;
			}
		} else {
			/* keep what fits of the line */
			size_t room = SSH_IDENT_MAX - s->linelen;
			size_t keep = seg < room ? seg : room;
			memcpy(s->line + s->linelen, q, keep);
			s->linelen = (uint16_t)(s->linelen + keep);
			size_t pre = s->linelen < 4 ? s->linelen : 4;
			/* a line that is not "SSH-...": an empty line, "SS" */
			if (memcmp(s->line, "SSH-", pre) != 0 ||
			    (nl && s->linelen < 4)) {
				/* text before the banner: the rest is
				   scanned and dropped, not kept */
				s->prebytes += s->linelen;
				used += keep;
				s->phase = PH_SKIP_LINE;
				s->after_skip = PH_LINES;
				for (size_t i = 0; i < s->linelen; i++)
					if (!ssh_text_octet(s->line[i])) {
						nc_app_event(x->d, x->c, dir,
							     NC_EV_SSH_NOT_SSH);
						ssh_stop(x, s);
						return used;
					}
				s->linelen = 0;
			} else if (keep < seg) {
				/* more than 255 octets before LF (RFC 4253
				   4.2: 255 with CR LF): the first 255 count,
				   the rest of the line is skipped */
				used += keep;
				nc_app_event(x->d, x->c, dir,
					     NC_EV_SSH_IDENT_TOO_LONG);
				ssh_line_done(x, s, dir);
				s->phase = PH_SKIP_LINE;
			} else if (nl) {
				used += take;
				if (s->linelen &&
				    s->line[s->linelen - 1] == '\r')
					s->linelen--;
				ssh_line_done(x, s, dir);
				s->phase = s->after_skip;
			} else {
				used += take;
			}
		}
		if (s->phase != PH_DONE && !s->have_ident &&
		    (s->prebytes > SSH_PRE_BYTES ||
		     s->prelines > SSH_PRE_LINES)) {
			nc_app_event(x->d, x->c, dir, NC_EV_SSH_NO_BANNER);
			ssh_stop(x, s);
		}
	}
	if (s->phase == PH_DONE)
		nc_app_buf_free(x, &s->buf);
	return used;
}

/* ---------------------------------------------------------------------- */
/* binary packets */

/* Parse the payload of a KEXINIT (message code already read). */
static void ssh_kexinit(struct nc_app_ctx *x, struct ssh_dir *s, int dir,
			struct cur c, size_t paylen)
{
	struct ssh_kexinit k = {0};

	k.cookie = cur_bytes(&c, 16);
	for (unsigned i = 0; k.cookie && i < SSH_NLISTS; i++) {
		uint32_t n = cur_be32(&c);
		const uint8_t *v = cur_bytes(&c, n);
		if (c.err)
			break;
		k.list[i] = v;
		k.len[i] = n;
		k.nlists++;
	}
	k.first_follows = cur_u8(&c) != 0;
	(void)cur_be32(&c); /* reserved */
	k.complete = !c.err;
	if (!k.complete)
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_BAD_KEXINIT);
	if (!k.cookie) {
		ssh_emit(x, s, dir, NULL, 0, x->c->ts, "malformed KEXINIT");
		return;
	}
	if (k.nlists < SSH_NLISTS)
		k.first_follows = false;
	ssh_emit(x, s, dir, &k, paylen, x->c->ts,
		 k.complete ? "" : "malformed KEXINIT");
}

/*
 * One whole packet (packet_length and what it covers; no MAC before the
 * first NEWKEYS). Returns false when the direction is done.
 */
static bool ssh_packet(struct nc_app_ctx *x, struct ssh_dir *s, int dir,
		       const uint8_t *p, size_t len)
{
	struct cur c = cur_make(p, len);
	uint32_t plen = cur_be32(&c);
	uint8_t pad = cur_u8(&c);

	if (c.err || (uint32_t)pad + 1 >= plen) {
		/* no room for a message code: padding longer than the packet */
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_BAD_PADDING);
		return false;
	}
	size_t paylen = plen - 1u - pad;
	struct cur pl = cur_sub(&c, paylen);
	uint8_t code = cur_u8(&pl);

	s->packets++;
	switch (code) {
	case SSH_MSG_KEXINIT:
		ssh_kexinit(x, s, dir, pl, paylen);
		return false; /* key exchange follows: stop */
	case SSH_MSG_IGNORE:
	case SSH_MSG_UNIMPLEMENTED:
	case SSH_MSG_DEBUG:
		if (s->packets <= SSH_PACKETS_BEFORE_KEX)
			return true;
		/* fall through */
	default:
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_UNEXPECTED_MESSAGE);
		return false;
	case SSH_MSG_DISCONNECT:
		return false;
	}
}

/* Check a packet_length; false (event counted) when out of bounds. */
static bool ssh_plen_ok(struct nc_app_ctx *x, int dir, uint32_t plen)
{
	if (plen > SSH_PACKET_MAX) {
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_PACKET_TOO_LONG);
		return false;
	}
	return true;
}

static uint32_t ssh_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Binary packets: whole ones in place, a split one through s->buf. */
static void ssh_packets(struct nc_app_ctx *x, struct ssh_dir *s, int dir,
			const uint8_t *p, size_t len)
{
	while (len && s->phase == PH_PACKETS) {
		if (s->buf.len == 0 && len >= 4) {
			uint32_t plen = ssh_be32(p);
			if (!ssh_plen_ok(x, dir, plen))
				goto stop;
			size_t total = 4 + (size_t)plen;
			if (len >= total) {
				if (!ssh_packet(x, s, dir, p, total))
					goto stop;
				p += total, len -= total;
				continue;
			}
		}
		/* gather: first the length, then the rest of the packet */
		size_t want;
		if (s->buf.len < 4) {
			want = 4 - s->buf.len;
		} else {
			want = 4 + (size_t)ssh_be32(s->buf.p) - s->buf.len;
		}
		size_t n = len < want ? len : want;
		if (!nc_app_buf_add(x, &s->buf, p, n))
			goto stop;
		p += n, len -= n;
		if (s->buf.len == 4 && !ssh_plen_ok(x, dir, ssh_be32(s->buf.p)))
			goto stop;
		if (s->buf.len >= 4 &&
		    s->buf.len == 4 + (size_t)ssh_be32(s->buf.p)) {
			bool more = ssh_packet(x, s, dir, s->buf.p, s->buf.len);
			nc_app_buf_consume(&s->buf, s->buf.len);
			if (!more)
				goto stop;
		}
	}
	return;
stop:
	ssh_stop(x, s);
}

/* ---------------------------------------------------------------------- */
/* parser callbacks */

static void ssh_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct ssh_dir *s = &((struct ssh_state *)st)->dir[dir & 1];

	if (s->phase == PH_DONE)
		return;
	if (s->phase != PH_PACKETS) {
		size_t used = ssh_lines(x, s, dir, p, len);
		p += used, len -= used;
	}
	if (s->phase == PH_PACKETS && len)
		ssh_packets(x, s, dir, p, len);
}

static void ssh_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct ssh_dir *s = &((struct ssh_state *)st)->dir[dir & 1];

	(void)len;
	if (s->phase == PH_DONE)
		return;
	/* no resynchronising on a binary packet stream or a line */
	nc_app_event(x->d, x->c, dir, NC_EV_SSH_GAP);
	ssh_stop(x, s);
}

/* The side's record with what was seen, if none was written. */
static void ssh_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct ssh_dir *s = &((struct ssh_state *)st)->dir[dir & 1];

	if (s->phase == PH_PACKETS && s->buf.len)
		nc_app_event(x->d, x->c, dir, NC_EV_SSH_TRUNCATED);
	if (!s->emitted && s->have_ident)
		ssh_emit(x, s, dir, NULL, 0, s->ident_ts, "no KEXINIT");
	s->emitted = 1;
	ssh_stop(x, s);
}

static void ssh_close(struct nc_app_ctx *x, void *st)
{
	for (int k = 0; k < 2; k++)
		ssh_end(x, st, k);
}

const struct nc_app_parser nc_app_ssh = {
    .name = "SSH",
    .transports = NC_APP_TCP,
    .ports = {22, 2222, 0},
    .recs = {NC_REC_SSH, NC_REC_SOFTWARE, NC_REC_SERVICE, NC_REC_MAX},
    .probe = ssh_probe,
    .state_size = sizeof(struct ssh_state),
    .data = ssh_data,
    .gap = ssh_gap,
    .end = ssh_end,
    .close = ssh_close,
};
