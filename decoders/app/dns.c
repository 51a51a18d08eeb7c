/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dns.c: DNS messages (RFC 1035 4.1) over UDP, one per datagram (port 53,
 * mDNS 5353 (RFC 6762), LLMNR 5355 (RFC 4795)), and over TCP (RFC 1035
 * 4.2.2, RFC 7766 8): each message preceded by its length in 2 octets, any
 * number of messages per segment, one message over any number of segments.
 * One DNS record per message.
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *  |                    QDCOUNT                    |
 *  |                    ANCOUNT                    |
 *  |                    NSCOUNT                    |
 *  |                    ARCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  question:  QNAME, QTYPE (16), QCLASS (16)
 *  RR:        NAME, TYPE (16), CLASS (16), TTL (32), RDLENGTH (16), RDATA
 *
 * Names (RFC 1035 4.1.4): labels of 1-63 octets, or a 14-bit pointer to an
 * earlier (here: any) offset of the message. A name walk is bounded:
 * DNS_MAX_JUMPS pointer jumps, a jump target seen twice in one walk is a
 * loop; once the name is longer than 255 wire octets (253 characters) it
 * is "<Name too long>" and the walk goes on at most DNS_MAX_TAIL labels to
 * tell a loop. The in-place part of a name is walked to its end (linear in
 * the octets it covers). Text follows tshark 4.0: labels joined by ".",
 * the root "<Root>", and the octets escaped as its format_text() does.
 *
 * Bounds: a message keeps at most DNS_MAX_Q questions, DNS_MAX_RR records
 * (all sections), DNS_MAX_TXT TXT strings, DNS_MAX_OPT EDNS options and
 * DNS_ARENA characters of names; beyond, records are counted
 * (dns.too_many_records, dns.text_limit) and skipped. All of it lives on
 * the stack during one message; nothing is allocated on the UDP path. A
 * TCP direction buffers at most one message body (<= 65535 octets) under
 * the application memory budget.
 */
#include <stdio.h>
#include <string.h>

#include "applayer.h"
#include "cursor.h"
#include "dns.h"
#include "netcap.pb-c.h"
#include "observe.h"

#define DNS_HDR_LEN	  12
#define DNS_MAX_Q	  32
#define DNS_MAX_RR	  256
#define DNS_MAX_TXT	  512
#define DNS_MAX_OPT	  64
#define DNS_ARENA	  (48u << 10)
#define DNS_MAX_JUMPS	  64
#define DNS_MAX_TAIL	  256
#define DNS_MAX_NAME_TEXT 253 /* 255 wire octets */
#define DNS_RAW_CAP	  256

#define DNS_PORT   53
#define MDNS_PORT  5353
#define LLMNR_PORT 5355

#define TYPE_A	   1
#define TYPE_NS	   2
#define TYPE_CNAME 5
#define TYPE_SOA   6
#define TYPE_PTR   12
#define TYPE_MX	   15
#define TYPE_TXT   16
#define TYPE_AAAA  28
#define TYPE_SRV   33
#define TYPE_OPT   41

static const char ROOT_TEXT[] = "<Root>";
static const char LONG_TEXT[] = "<Name too long>";
static const char LOOP_TEXT[] = "<Name contains a pointer that loops>";

/* one resource record and the sub-message its type uses */
struct dns_rr {
	Netcap__DNSResourceRecord r;
	union {
		Netcap__DNSSOA soa;
		Netcap__DNSSRV srv;
		Netcap__DNSMX mx;
	} u;
};

/* Everything one message needs: the record, its parts and name text. */
struct dns_msg {
	struct nc_dec *d;
	const struct nc_app_conn *c;
	int from;
	const uint8_t *m; /* the message */
	size_t len;
	bool mdns;
	bool cut; /* the capture cut the message: no truncation anomaly */
	bool incomplete;
	uint32_t raised; /* events already counted for this message */

	Netcap__DNS rec;
	Netcap__DNSQuestion q[DNS_MAX_Q];
	Netcap__DNSQuestion *qp[DNS_MAX_Q];
	unsigned nq;
	struct dns_rr rr[DNS_MAX_RR];
	Netcap__DNSResourceRecord *rrp[DNS_MAX_RR];
	unsigned nrr;
	ProtobufCBinaryData txt[DNS_MAX_TXT];
	unsigned ntxt;
	Netcap__DNSEDNSOption opt[DNS_MAX_OPT];
	Netcap__DNSEDNSOption *optp[DNS_MAX_OPT];
	unsigned nopt;
	char arena[DNS_ARENA];
	size_t used;
};

/* Count ev once per message (an ANOM also writes an Anomaly record). */
static void dns_event(struct dns_msg *m, enum nc_event ev)
{
	static const enum nc_event once[] = {NC_EV_DNS_TRUNC,
					     NC_EV_DNS_COUNT_MISMATCH,
					     NC_EV_DNS_BAD_POINTER,
					     NC_EV_DNS_POINTER_LOOP,
					     NC_EV_DNS_NAME_TOO_LONG,
					     NC_EV_DNS_BAD_LABEL,
					     NC_EV_DNS_BAD_RDATA,
					     NC_EV_DNS_TRAILING,
					     NC_EV_DNS_TOO_MANY_RECORDS,
					     NC_EV_DNS_TEXT_LIMIT};
	for (unsigned i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (once[i] != ev)
			continue;
		if (m->raised & (1u << i))
			return;
		m->raised |= 1u << i;
	}
	nc_app_event(m->d, m->c, m->from, ev);
}

/* ---------------------------------------------------------------------- */
/* text as tshark 4.0 writes it (format_text) */

/* Code points tshark shows escaped (GLib's g_unichar_isprint is false):
   controls, format characters, noncharacters and the unassigned planes.
   Unassigned code points inside assigned blocks are not known here. */
static bool dns_printable(uint32_t cp)
{
	static const uint32_t no[][2] = {
	    {0x0000, 0x001f},	{0x007f, 0x009f},   {0x00ad, 0x00ad},
	    {0x0600, 0x0605},	{0x061c, 0x061c},   {0x06dd, 0x06dd},
	    {0x070f, 0x070f},	{0x0890, 0x0891},   {0x08e2, 0x08e2},
	    {0x180e, 0x180e},	{0x200b, 0x200f},   {0x202a, 0x202e},
	    {0x2060, 0x2064},	{0x2066, 0x206f},   {0xd800, 0xdfff},
	    {0xfdd0, 0xfdef},	{0xfeff, 0xfeff},   {0xfff9, 0xfffb},
	    {0x110bd, 0x110bd}, {0x110cd, 0x110cd}, {0x13430, 0x1343f},
	    {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0x323b0, 0xdffff},
	    {0xe0000, 0xe00ff}, {0xe01f0, 0xeffff},
	};
	if ((cp & 0xfffe) == 0xfffe)
		return false;
	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (cp >= no[i][0] && cp <= no[i][1])
			return false;
	return true;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * nc_dns_text (dns.h). Leads of 2 to 6 octets are decoded, overlong forms
 * too; a surrogate or a code point above U+10FFFF is U+FFFD. An escape is
 * at most 10 octets per input octet; one that does not fit is left out.
 */
size_t nc_dns_text(char *out, size_t cap, const uint8_t *p, size_t len)
{
	static const char esc[] = "abtnvfr"; /* \a = 7 .. \r = 13 */
	char tmp[12];
	size_t o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (i < len) {
		uint8_t b = p[i];
		size_t n = 0;

		if (b < 0x80) {
			i++;
			if (b >= 0x20 && b < 0x7f) {
				tmp[0] = (char)b;
				n = 1;
			} else if (b >= 7 && b <= 13) {
				tmp[0] = '\\';
				tmp[1] = esc[b - 7];
				n = 2;
			} else {
				n = (size_t)snprintf(tmp, sizeof(tmp), "\\%03o",
						     b);
			}
		} else {
			size_t need = b >= 0xfe	  ? 0
				      : b >= 0xfc ? 6
				      : b >= 0xf8 ? 5
				      : b >= 0xf0 ? 4
				      : b >= 0xe0 ? 3
				      : b >= 0xc0 ? 2
						  : 0;
			uint32_t cp = need ? b & (0x7fu >> need) : 0;
			bool bad = need == 0;
			size_t k = 1;

			for (; k < need; k++) {
				if (i + k >= len || (p[i + k] & 0xc0) != 0x80) {
					bad = true;
					break;
				}
				cp = cp << 6 | (p[i + k] & 0x3f);
			}
			i += bad && need ? k : (need ? need : 1);
			if (bad || cp > 0x10ffff ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				n = put_utf8(tmp, 0xfffd);
			else if (!dns_printable(cp))
				n = (size_t)snprintf(
				    tmp, sizeof(tmp),
				    cp > 0xffff ? "\\U%08X" : "\\u%04X", cp);
			else
				n = put_utf8(tmp, cp);
		}
		if (o + n >= cap)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* ---------------------------------------------------------------------- */
/* names */

enum dns_name_rc {
	NAME_OK = 0,
	NAME_LONG,  /* longer than 255 octets: "<Name too long>" */
	NAME_LOOP,  /* a pointer loop (or too many jumps) */
	NAME_TRUNC, /* the octets end inside the name */
	NAME_BAD_POINTER,
	NAME_BAD_LABEL, /* label types 01 and 10 (RFC 6891 retired 01) */
};

/* Text of s in the arena, or "" when full (counted). */
static const char *dns_keep(struct dns_msg *m, const uint8_t *s, size_t n)
{
	size_t room = DNS_ARENA - m->used;

	/* the worst case of the escape: 10 characters per octet */
	if (room < 10 * n + 1) {
		dns_event(m, NC_EV_DNS_TEXT_LIMIT);
		return "";
	}
	char *o = m->arena + m->used;
	m->used += nc_dns_text(o, room, s, n) + 1;
	return o;
}

/*
 * Read the name at k (which holds the octets where it must lie in place:
 * the message, or an RDATA) and leave k after its in-place part. *text is
 * its text (arena or a constant). Pointers may lead anywhere in m.
 */
static enum dns_name_rc dns_name(struct dns_msg *m, struct cur *k,
				 const char **text)
{
	uint8_t raw[DNS_RAW_CAP];
	uint16_t seen[DNS_MAX_JUMPS];
	size_t rawlen = 0, textlen = 0;
	unsigned labels = 0, jumps = 0, tail = 0;
	bool jumped = false, longname = false;
	struct cur w = *k;
	enum dns_name_rc rc = NAME_OK;

	*text = "";
	for (;;) {
		uint8_t l = cur_u8(&w);
		if (w.err) {
			rc = NAME_TRUNC;
			break;
		}
		if (l == 0)
			break;
		if ((l & 0xc0) == 0) {
			const uint8_t *s = cur_bytes(&w, l);
			if (!s) {
				rc = NAME_TRUNC;
				break;
			}
			textlen += (labels ? 1u : 0u) + l;
			if (textlen <= DNS_MAX_NAME_TEXT) {
				if (labels)
					raw[rawlen++] = '.';
				memcpy(raw + rawlen, s, l);
				rawlen += l;
			} else {
				longname = true;
			}
			labels++;
			/* past its end a name is only walked to tell a loop */
			if (longname && jumped && ++tail > DNS_MAX_TAIL)
				break;
			continue;
		}
		if ((l & 0xc0) != 0xc0) {
			rc = NAME_BAD_LABEL;
			break;
		}
		uint8_t lo = cur_u8(&w);
		if (w.err) {
			rc = NAME_TRUNC;
			break;
		}
		if (!jumped) {
			*k = w;
			jumped = true;
		}
		uint16_t off = (uint16_t)((l & 0x3f) << 8 | lo);
		if (off >= m->len) {
			rc = NAME_BAD_POINTER;
			break;
		}
		bool loop = jumps == DNS_MAX_JUMPS;
		for (unsigned i = 0; i < jumps && !loop; i++)
			loop = seen[i] == off;
		if (loop) {
			rc = NAME_LOOP;
			break;
		}
		seen[jumps++] = off;
		w = cur_make(m->m + off, m->len - off);
	}
	if (!jumped && rc != NAME_TRUNC)
		*k = w;
	if (rc == NAME_TRUNC)
		cur_fail(k);
	switch (rc) {
	case NAME_OK:
		if (longname) {
			*text = LONG_TEXT;
			return NAME_LONG;
		}
		*text = labels ? dns_keep(m, raw, rawlen) : ROOT_TEXT;
		return NAME_OK;
	case NAME_LOOP:
		*text = LOOP_TEXT;
		return NAME_LOOP;
	default:
		return rc;
	}
}

/*
 * A name inside a record: anomalies counted; false when the message cannot
 * be read further (only where the name is the record's owner).
 */
static bool dns_name_ev(struct dns_msg *m, struct cur *k, const char **text,
			bool in_rdata)
{
	switch (dns_name(m, k, text)) {
	case NAME_OK:
		return true;
	case NAME_LONG:
		dns_event(m, NC_EV_DNS_NAME_TOO_LONG);
		return true;
	case NAME_LOOP:
		dns_event(m, NC_EV_DNS_POINTER_LOOP);
		return true;
	case NAME_TRUNC:
		if (in_rdata)
			dns_event(m, NC_EV_DNS_BAD_RDATA);
		else if (!m->cut)
			dns_event(m, NC_EV_DNS_TRUNC);
		return false;
	case NAME_BAD_POINTER:
		dns_event(m, NC_EV_DNS_BAD_POINTER);
		return false;
	case NAME_BAD_LABEL:
		dns_event(m, NC_EV_DNS_BAD_LABEL);
		return false;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* records */

/* TYPE-specific RDATA (RFC 1035 3.3, 3.4; RFC 3596; RFC 2782; RFC 6891) */
static void dns_rdata(struct dns_msg *m, struct dns_rr *x, struct cur rd,
		      uint16_t type, uint16_t klass, uint32_t ttl)
{
	Netcap__DNSResourceRecord *r = &x->r;
	size_t n = cur_left(&rd);
	const char *t;
	bool ok = true;

	switch (type) {
	case TYPE_A:
	case TYPE_AAAA:
		if (n != (type == TYPE_A ? 4u : 16u)) {
			ok = false;
			break;
		}
		nc_bytes(&r->ip, rd.p, n);
		return;
	case TYPE_NS:
	case TYPE_CNAME:
	case TYPE_PTR:
		if (!dns_name_ev(m, &rd, &t, true))
			return;
		*(type == TYPE_NS      ? &r->ns
		  : type == TYPE_CNAME ? &r->cname
				       : &r->ptr) = nc_app_str(t);
		break;
	case TYPE_MX:
		netcap__dnsmx__init(&x->u.mx);
		x->u.mx.preference = cur_be16(&rd);
		if (rd.err) {
			ok = false;
			break;
		}
		if (!dns_name_ev(m, &rd, &t, true))
			return;
		x->u.mx.name = nc_app_str(t);
		r->mx = &x->u.mx;
		break;
	case TYPE_SRV:
		netcap__dnssrv__init(&x->u.srv);
		x->u.srv.priority = cur_be16(&rd);
		x->u.srv.weight = cur_be16(&rd);
		x->u.srv.port = cur_be16(&rd);
		if (rd.err) {
			ok = false;
			break;
		}
		if (!dns_name_ev(m, &rd, &t, true))
			return;
		x->u.srv.name = nc_app_str(t);
		r->srv = &x->u.srv;
		break;
	case TYPE_SOA: {
		const char *mn, *rn;
		netcap__dnssoa__init(&x->u.soa);
		if (!dns_name_ev(m, &rd, &mn, true) ||
		    !dns_name_ev(m, &rd, &rn, true))
			return;
		x->u.soa.mname = nc_app_str(mn);
		x->u.soa.rname = nc_app_str(rn);
		x->u.soa.serial = cur_be32(&rd);
		x->u.soa.refresh = cur_be32(&rd);
		x->u.soa.retry = cur_be32(&rd);
		x->u.soa.expire = cur_be32(&rd);
		x->u.soa.minimum = cur_be32(&rd);
		if (rd.err) {
			ok = false;
			break;
		}
		r->soa = &x->u.soa;
		break;
	}
	case TYPE_TXT: {
		ProtobufCBinaryData *first = m->txt + m->ntxt;
		size_t cnt = 0;
		while (cur_left(&rd) > 0) {
			uint8_t l = cur_u8(&rd);
			const uint8_t *s = cur_bytes(&rd, l);
			if (!s) {
				ok = false;
				break;
			}
			if (m->ntxt == DNS_MAX_TXT) {
				dns_event(m, NC_EV_DNS_TOO_MANY_RECORDS);
				break;
			}
			nc_bytes(&m->txt[m->ntxt++], s, l);
			cnt++;
		}
		r->n_txts = cnt;
		r->txts = cnt ? first : NULL;
		break;
	}
	case TYPE_OPT: {
		r->udppayloadsize = klass;
		r->extendedrcode = (int32_t)(ttl >> 24);
		r->ednsversion = (int32_t)(ttl >> 16 & 0xff);
		r->do_ = (ttl & 0x8000) != 0;
		r->ednsz = (int32_t)(ttl & 0x7fff);
		Netcap__DNSEDNSOption **first = m->optp + m->nopt;
		size_t cnt = 0;
		while (cur_left(&rd) > 0) {
			uint16_t code = cur_be16(&rd);
			uint16_t l = cur_be16(&rd);
			const uint8_t *s = cur_bytes(&rd, l);
			if (!s) {
				ok = false;
				break;
			}
			if (m->nopt == DNS_MAX_OPT) {
				dns_event(m, NC_EV_DNS_TOO_MANY_RECORDS);
				break;
			}
			Netcap__DNSEDNSOption *o = &m->opt[m->nopt];
			netcap__dnsednsoption__init(o);
			o->code = code;
			nc_bytes(&o->data, s, l);
			m->optp[m->nopt++] = o;
			cnt++;
		}
		r->n_ednsoptions = cnt;
		r->ednsoptions = cnt ? first : NULL;
		break;
	}
	default:
		return;
	}
	if (ok && cur_left(&rd) != 0 && type != TYPE_TXT && type != TYPE_OPT)
		ok = false; /* octets after the fields the type has */
	if (!ok)
		dns_event(m, NC_EV_DNS_BAD_RDATA);
}

/* Does m hold a record slot? Counted once when it does not. */
static bool dns_room(struct dns_msg *m, unsigned n, unsigned max)
{
	if (n < max)
		return true;
	dns_event(m, NC_EV_DNS_TOO_MANY_RECORDS);
	return false;
}

/* One question; false: the message cannot be read further. */
static bool dns_question(struct dns_msg *m, struct cur *k)
{
	const char *t;

	if (!dns_name_ev(m, k, &t, false))
		return false;
	uint16_t type = cur_be16(k);
	uint16_t klass = cur_be16(k);
	if (k->err) {
		if (!m->cut)
			dns_event(m, NC_EV_DNS_TRUNC);
		return false;
	}
	if (!dns_room(m, m->nq, DNS_MAX_Q))
		return true;
	Netcap__DNSQuestion *q = &m->q[m->nq];
	netcap__dnsquestion__init(q);
	q->name = nc_app_str(t);
	q->type = type;
	q->class_ = m->mdns ? klass & 0x7fff : klass;
	q->unicastresponse = m->mdns && (klass & 0x8000);
	m->qp[m->nq++] = q;
	return true;
}

/* One resource record; false: the message cannot be read further. */
static bool dns_record(struct dns_msg *m, struct cur *k)
{
	const char *t;

	if (!dns_name_ev(m, k, &t, false))
		return false;
	uint16_t type = cur_be16(k);
	uint16_t klass = cur_be16(k);
	uint32_t ttl = cur_be32(k);
	uint16_t rdlen = cur_be16(k);
	struct cur rd = cur_sub(k, rdlen);
	if (k->err) {
		if (!m->cut)
			dns_event(m, NC_EV_DNS_TRUNC);
		return false;
	}
	if (!dns_room(m, m->nrr, DNS_MAX_RR))
		return true;
	struct dns_rr *x = &m->rr[m->nrr];
	Netcap__DNSResourceRecord *r = &x->r;
	netcap__dnsresource_record__init(r);
	r->name = nc_app_str(t);
	r->type = type;
	bool flush = m->mdns && type != TYPE_OPT && (klass & 0x8000);
	r->class_ = flush ? klass & 0x7fff : klass;
	r->cacheflush = flush;
	r->ttl = ttl;
	r->datalength = rdlen;
	nc_bytes(&r->data, rd.p, rdlen);
	dns_rdata(m, x, rd, type, klass, ttl);
	m->rrp[m->nrr++] = r;

	/* what a response says a name resolves to */
	if (m->rec.qr && r->ip.len && t[0] && t[0] != '<')
		nc_obs_dns_name(m->d, r->ip.data, (unsigned)r->ip.len, t);
	return true;
}

/*
 * Parse one message of len octets at p that endpoint from of c sent and
 * write its record. cut: the capture ended inside it.
 */
static void dns_message(struct nc_dec *d, const struct nc_app_conn *c, int from,
			const uint8_t *p, size_t len, bool cut)
{
	struct dns_msg m;
	struct cur k = cur_make(p, len);

	/* only the header fields are reset: the arrays are written before
	   they are read */
	m.d = d;
	m.c = c;
	m.from = from;
	m.m = p;
	m.len = len;
	m.mdns = c->port[0] == MDNS_PORT || c->port[1] == MDNS_PORT;
	m.cut = cut;
	m.incomplete = false;
	m.raised = 0;
	m.nq = m.nrr = m.ntxt = m.nopt = 0;
	m.used = 0;

	Netcap__DNS *r = &m.rec;
	netcap__dns__init(r);
	r->id = cur_be16(&k);
	uint16_t fl = cur_be16(&k);
	uint16_t cnt[4];
	for (int i = 0; i < 4; i++)
		cnt[i] = cur_be16(&k);
	if (k.err) {
		if (!cut)
			dns_event(&m, NC_EV_DNS_TRUNC);
		return; /* not even a header: no record */
	}
	r->timestamp = c->ts;
	r->qr = fl >> 15;
	r->opcode = fl >> 11 & 0xf;
	r->aa = fl >> 10 & 1;
	r->tc = fl >> 9 & 1;
	r->rd = fl >> 8 & 1;
	r->ra = fl >> 7 & 1;
	r->z = fl >> 4 & 7;
	r->ad = fl >> 5 & 1;
	r->cd = fl >> 4 & 1;
	r->responsecode = fl & 0xf;
	r->qdcount = cnt[0];
	r->ancount = cnt[1];
	r->nscount = cnt[2];
	r->arcount = cnt[3];
	r->length = (int32_t)len;
	nc_app_ends(c, from, &r->srcip, &r->dstip, &r->srcport, &r->dstport);
	r->uid = nc_app_str(c->uid);

	/* Each record takes at least 5 (question) or 11 octets, so the
	   loops below end with the message whatever the counts say. */
	bool ok = true;
	unsigned done = 0;
	for (unsigned i = 0; i < cnt[0] && ok; i++) {
		if (cur_left(&k) == 0)
			break;
		ok = dns_question(&m, &k);
		done += ok;
	}
	unsigned first[4] = {0, 0, 0, 0};
	for (int s = 1; s < 4; s++) {
		first[s] = m.nrr;
		for (unsigned i = 0; i < cnt[s] && ok; i++) {
			if (cur_left(&k) == 0)
				break;
			ok = dns_record(&m, &k);
			done += ok;
		}
	}
	unsigned total = (unsigned)cnt[0] + cnt[1] + cnt[2] + cnt[3];
	if (!ok) {
		m.incomplete = true;
	} else if (done < total) {
		/* ended at a record boundary before the counts were met */
		m.incomplete = true;
		if (!cut)
			dns_event(&m, NC_EV_DNS_COUNT_MISMATCH);
	} else if (cur_left(&k) > 0) {
		dns_event(&m, NC_EV_DNS_TRAILING);
	}
	r->incomplete = m.incomplete;

	r->n_questions = m.nq;
	r->questions = m.nq ? m.qp : NULL;
	/* sections are consecutive runs of m.rrp */
	Netcap__DNSResourceRecord **sec[3];
	size_t nsec[3];
	for (int s = 1; s < 4; s++) {
		unsigned end = s < 3 ? first[s + 1] : m.nrr;
		nsec[s - 1] = end - first[s];
		sec[s - 1] = nsec[s - 1] ? m.rrp + first[s] : NULL;
	}
	r->n_answers = nsec[0];
	r->answers = sec[0];
	r->n_authorities = nsec[1];
	r->authorities = sec[1];
	r->n_additionals = nsec[2];
	r->additionals = sec[2];
	if (nc_want(d, NC_REC_DNS))
		nc_emit_tm(d, NC_REC_DNS, &r->base);
}

/* ---------------------------------------------------------------------- */
/* the parser */

/* A plausible header and first question at p: strict for unknown ports. */
static bool dns_looks(const uint8_t *p, size_t len)
{
	struct cur k = cur_make(p, len);
	cur_skip(&k, 2);
	uint16_t fl = cur_be16(&k);
	uint16_t qd = cur_be16(&k), an = cur_be16(&k), ns = cur_be16(&k),
		 ar = cur_be16(&k);
	unsigned op = fl >> 11 & 0xf;
	if (k.err || op == 3 || op > 6 || (fl & 0xf) > 10)
		return false;
	/* queries ask one question; every record needs its minimum size */
	if (qd > 1 || (!(fl & 0x8000) && qd == 0) || an > 256 || ns > 256 ||
	    ar > 256)
		return false;
	if ((size_t)qd * 5 + ((size_t)an + ns + ar) * 11 > cur_left(&k))
		return false;
	if (qd == 1) {
		/* an in-place name of valid labels, or a pointer */
		for (unsigned n = 0;; n++) {
			uint8_t l = cur_u8(&k);
			if (k.err || n > 127 || (l & 0xc0) == 0x40 ||
			    (l & 0xc0) == 0x80)
				return false;
			if ((l & 0xc0) == 0xc0) {
				cur_skip(&k, 1);
				break;
			}
			if (l == 0)
				break;
			cur_skip(&k, l);
		}
		cur_skip(&k, 4);
	}
	return !k.err;
}

/*
 * YES: a whole plausible header and question (as a datagram, or after a
 * TCP length prefix that fits). NEED: too short to tell, or a header with
 * a valid opcode and counts below 4096 (on DNS ports the message is
 * parsed and its faults counted; elsewhere NEED claims nothing). NO
 * otherwise.
 */
static bool dns_header_ok(const uint8_t *p)
{
	unsigned op = p[2] >> 3 & 0xf;
	if (op == 3 || op > 6)
		return false;
	for (int i = 4; i < DNS_HDR_LEN; i += 2)
		if (p[i] >= 0x10)
			return false;
	return true;
}

static enum nc_probe dns_probe(const uint8_t *p, size_t len, int dir)
{
	(void)dir;
	if (len >= DNS_HDR_LEN && dns_looks(p, len))
		return NC_PROBE_YES;
	if (len >= DNS_HDR_LEN + 2) {
		size_t ml = (size_t)p[0] << 8 | p[1];
		if (ml >= DNS_HDR_LEN && ml <= len - 2 && dns_looks(p + 2, ml))
			return NC_PROBE_YES;
	}
	if (len < DNS_HDR_LEN + 2)
		return NC_PROBE_NEED;
	size_t ml = (size_t)p[0] << 8 | p[1];
	if (dns_header_ok(p) || (ml >= DNS_HDR_LEN && dns_header_ok(p + 2)))
		return NC_PROBE_NEED;
	return NC_PROBE_NO;
}

static void dns_datagram(struct nc_dec *d, const struct nc_app_conn *c, int dir,
			 const uint8_t *p, size_t len)
{
	/* the capture (snap length, a missing fragment) cut the datagram */
	bool cut = d->l4.payload_wire > len;
	dns_message(d, c, dir, p, len, cut);
}

/* TCP: per direction, the length prefix and the message body so far */
struct dns_dir {
	struct nc_app_buf buf;
	uint32_t need; /* body octets of the current message; 0: prefix */
	uint8_t pre[2];
	uint8_t npre;
	bool dead; /* a gap or a memory limit: the rest is not read */
};

struct dns_tcp {
	struct dns_dir dir[2];
};

static void dns_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct dns_dir *s = &((struct dns_tcp *)st)->dir[dir & 1];

	while (len > 0 && !s->dead) {
		if (s->need == 0) {
			s->pre[s->npre++] = *p++;
			len--;
			if (s->npre < 2)
				continue;
			s->npre = 0;
			s->need = (uint32_t)s->pre[0] << 8 | s->pre[1];
			if (s->need == 0)
				nc_app_event(x->d, x->c, dir,
					     NC_EV_DNS_TCP_ZERO_LENGTH);
			continue;
		}
		if (s->buf.len == 0 && len >= s->need) {
			/* the whole body is here: no copy */
			dns_message(x->d, x->c, dir, p, s->need, false);
			p += s->need;
			len -= s->need;
			s->need = 0;
			continue;
		}
		size_t take = s->need - s->buf.len;
		if (take > len)
			take = len;
		if (!nc_app_buf_add(x, &s->buf, p, take)) {
			nc_app_buf_free(x, &s->buf);
			s->dead = true;
			return;
		}
		p += take;
		len -= take;
		if (s->buf.len == s->need) {
			dns_message(x->d, x->c, dir, s->buf.p, s->need, false);
			nc_app_buf_free(x, &s->buf);
			s->need = 0;
		}
	}
}

static void dns_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct dns_dir *s = &((struct dns_tcp *)st)->dir[dir & 1];

	(void)len;
	if (s->dead)
		return;
	/* no marker to find the next message by: this direction is done */
	nc_app_event(x->d, x->c, dir, NC_EV_DNS_TCP_GAP);
	nc_app_buf_free(x, &s->buf);
	s->dead = true;
}

static void dns_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct dns_dir *s = &((struct dns_tcp *)st)->dir[dir & 1];

	if (!s->dead && (s->need != 0 || s->npre != 0))
		nc_app_event(x->d, x->c, dir, NC_EV_DNS_TCP_INCOMPLETE);
	nc_app_buf_free(x, &s->buf);
	s->need = 0;
	s->npre = 0;
	s->dead = true;
}

static void dns_close(struct nc_app_ctx *x, void *st)
{
	struct dns_tcp *t = st;

	for (int i = 0; i < 2; i++)
		nc_app_buf_free(x, &t->dir[i].buf);
}

const struct nc_app_parser nc_app_dns = {
    .name = "DNS",
    .transports = NC_APP_UDP | NC_APP_TCP,
    .ports = {DNS_PORT, MDNS_PORT, LLMNR_PORT, 0},
    .recs = {NC_REC_DNS, NC_REC_MAX},
    .probe = dns_probe,
    .datagram = dns_datagram,
    .state_size = sizeof(struct dns_tcp),
    .data = dns_data,
    .gap = dns_gap,
    .end = dns_end,
    .close = dns_close,
};
