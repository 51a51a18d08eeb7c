/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tls.c: TLS ClientHello and ServerHello from reassembled TCP streams
 * (RFC 8446 TLS 1.3, RFC 5246 TLS 1.2, RFC 6066 extensions), with the
 * JA3/JA3S (Salesforce) and JA4 (FoxIO) fingerprints.
 *
 * Record layer (RFC 8446 5.1), one or more per TCP segment, or one split
 * over several:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | ContentType   |    legacy_record_version      |    length     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   (length)    |  fragment (length octets, at most 2^14 + 2048) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Handshake messages (content type 22) run across record boundaries:
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | HandshakeType |            length (24 bits)                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | body ...
 *
 * ClientHello body: legacy_version(2) random(32) session_id<0..32>
 * cipher_suites<2..2^16-2> compression_methods<1..2^8-1>
 * extensions<0..2^16-1>; ServerHello body: legacy_version(2) random(32)
 * session_id<0..32> cipher_suite(2) compression_method(1) extensions.
 * An extension is type(2) length(2) data.
 *
 * Per direction the parser walks records and keeps (in one budgeted
 * buffer, at most the table's max_message and TLS_MAX_HELLO octets) only
 * the handshake bytes up to its hello. After the hello a direction is
 * done: the client's walks record headers (5 octets per record, bodies
 * skipped) until the ServerHello says whether a HelloRetryRequest
 * (RFC 8446 4.1.4) asks for a second ClientHello; the server's is done
 * after a ServerHello that is not a HelloRetryRequest. Application data,
 * a ChangeCipherSpec outside a HelloRetryRequest exchange, a gap or a bad
 * record header end a direction; its later bytes cost one branch.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applayer.h"
#include "observe.h"
#include "tls.h"

/* The largest ClientHello RFC 8446 allows: 2+32+1+32 + 2+65534 + 1+255 +
   2+65535 octets of body. A longer declared length is a lie. */
#define TLS_MAX_HELLO 131396u
/* RFC 8446 5.2: a record fragment is at most 2^14 + 256 octets; 5.1
   (RFC 5246 6.2.3) allows 2^14 + 2048 for compressed/ciphertext. */
#define TLS_MAX_RECORD (16384u + 2048u)
/* Handshake messages other than the hello skipped before giving up. */
#define TLS_MAX_OTHERS 4
#define TLS_MAX_ALPN   16
#define TLS_MAX_SCTS   16
#define TLS_TEXT       512

enum {
	CT_CCS = 20,
	CT_ALERT = 21,
	CT_HANDSHAKE = 22,
	CT_APPDATA = 23,
	CT_HEARTBEAT = 24,
};

enum { HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2 };

enum {
	EXT_SERVER_NAME = 0,
	EXT_STATUS_REQUEST = 5,
	EXT_SUPPORTED_GROUPS = 10,
	EXT_EC_POINT_FORMATS = 11,
	EXT_SIGNATURE_ALGORITHMS = 13,
	EXT_ALPN = 16,
	EXT_SCT = 18,
	EXT_EXTENDED_MASTER_SECRET = 23,
	EXT_SESSION_TICKET = 35,
	EXT_PRE_SHARED_KEY = 41,
	EXT_SUPPORTED_VERSIONS = 43,
	EXT_COOKIE = 44,
	EXT_KEY_SHARE = 51,
	EXT_NPN = 13172,
	EXT_RENEGOTIATION_INFO = 65281,
};

/* RFC 8446 4.1.3: the Random of a HelloRetryRequest, SHA-256 of
   "HelloRetryRequest". */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
    0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
    0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

enum dir_state {
	D_LOOK = 0, /* reading handshake messages up to the hello */
	D_WAIT,	    /* hello seen: record headers only, bodies skipped */
	D_DONE,	    /* nothing more is read */
};

struct tls_dir {
	struct nc_app_buf hs;	       /* an unfinished handshake message */
	uint32_t rec_left;	       /* body octets left of the record */
	uint32_t hs_skip;	       /* octets left of a message not kept */
	uint16_t rec_version, rec_len; /* the record at hand */
	uint16_t msg_version, msg_len; /* the record the message began in */
	uint8_t rec_type;
	uint8_t hdr_have; /* header octets in hdr; 5: inside a record */
	uint8_t hdr[5];
	uint8_t state; /* enum dir_state */
	uint8_t hellos;
	uint8_t others;
};

struct tls_state {
	struct tls_dir d[2];
	bool hrr; /* a HelloRetryRequest was seen */
};

/* ---------------------------------------------------------------------- */
/* fingerprints */

static const char hexd[] = "0123456789abcdef";

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexd[p[i] >> 4];
		out[2 * i + 1] = hexd[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void md5_hex(const char *s, size_t len, char out[33])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;

	if (!EVP_Digest(s, len, md, &mdlen, EVP_md5(), NULL) || mdlen != 16) {
		out[0] = '\0';
		return;
	}
	hex_of(md, 16, out);
}

/* The first 12 hex digits of SHA-256 of s. */
static void sha256_12(const char *s, size_t len, char out[13])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	char h[65];

	if (!EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32) {
		memcpy(out, "000000000000", 13);
		return;
	}
	hex_of(md, 32, h);
	memcpy(out, h, 12);
	out[12] = '\0';
}

/* Append to a bounded string; never overruns, stays NUL-terminated. */
struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n >= b->cap)
		n = b->cap - 1 - b->len;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_num(struct sbuf *b, int v)
{
	char t[16];
	int n = snprintf(t, sizeof(t), "%d", v);
	sb_put(b, t, (size_t)n);
}

static void sb_hex4(struct sbuf *b, int v)
{
	char t[4] = {hexd[(v >> 12) & 15], hexd[(v >> 8) & 15],
		     hexd[(v >> 4) & 15], hexd[v & 15]};
	sb_put(b, t, 4);
}

/* ",v-v-v" with GREASE values left out when skip_grease */
static void sb_list(struct sbuf *b, const int32_t *v, size_t n,
		    bool skip_grease)
{
	bool first = true;

	sb_put(b, ",", 1);
	for (size_t i = 0; i < n; i++) {
		if (skip_grease && nc_tls_grease((uint32_t)v[i]))
			continue;
		if (!first)
			sb_put(b, "-", 1);
		sb_num(b, v[i]);
		first = false;
	}
}

void nc_tls_ja3(const struct nc_tls_fp *f, char *str, size_t cap, char md5[33])
{
	struct sbuf b = {str, 0, cap};

	str[0] = '\0';
	sb_num(&b, f->version);
	sb_list(&b, f->ciphers, f->n_ciphers, true);
	sb_list(&b, f->exts, f->n_exts, true);
	sb_list(&b, f->groups, f->n_groups, true);
	sb_list(&b, f->points, f->n_points, false);
	md5_hex(str, b.len, md5);
}

void nc_tls_ja3s(int version, int cipher, const int32_t *exts, size_t n,
		 char *str, size_t cap, char md5[33])
{
	struct sbuf b = {str, 0, cap};

	str[0] = '\0';
	sb_num(&b, version);
	sb_put(&b, ",", 1);
	sb_num(&b, cipher);
	sb_list(&b, exts, n, true);
	md5_hex(str, b.len, md5);
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Non-GREASE values of v (at most NC_TLS_MAX_LIST) into out, skipping
   the types in drop (n_drop of them). Returns how many. */
static size_t clean_list(const int32_t *v, size_t n, uint16_t *out,
			 const uint16_t *drop, size_t n_drop)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < NC_TLS_MAX_LIST; i++) {
		uint16_t x = (uint16_t)v[i];
		bool skip = nc_tls_grease(x);
		for (size_t j = 0; j < n_drop && !skip; j++)
			skip = x == drop[j];
		if (!skip)
			out[k++] = x;
	}
	return k;
}

static const char *ja4_version(const struct nc_tls_fp *f)
{
	int v = -1;

	for (size_t i = 0; i < f->n_versions; i++)
		if (!nc_tls_grease((uint32_t)f->versions[i]) &&
		    f->versions[i] > v)
			v = f->versions[i];
	if (v < 0)
		v = f->version;
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	case 0x0200:
		return "s2";
	case 0x0100:
		return "s1";
	case 0xfeff:
		return "d1";
	case 0xfefd:
		return "d2";
	case 0xfefc:
		return "d3";
	default:
		return "00";
	}
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

void nc_tls_ja4(const struct nc_tls_fp *f, char proto, char out[37])
{
	static const uint16_t sni_alpn[2] = {EXT_SERVER_NAME, EXT_ALPN};
	uint16_t ciph[NC_TLS_MAX_LIST], ext[NC_TLS_MAX_LIST],
	    sig[NC_TLS_MAX_LIST];
	char buf[3 * NC_TLS_MAX_LIST * 5 + 8];
	char a[16], hb[13], hc[13];
	bool sni = false;
	size_t n_all = 0;

	for (size_t i = 0; i < f->n_exts; i++) {
		if (nc_tls_grease((uint32_t)f->exts[i]))
			continue;
		n_all++;
		sni |= f->exts[i] == EXT_SERVER_NAME;
	}
	size_t nc = clean_list(f->ciphers, f->n_ciphers, ciph, NULL, 0);
	size_t ne = clean_list(f->exts, f->n_exts, ext, sni_alpn, 2);
	size_t ns = clean_list(f->sigs, f->n_sigs, sig, NULL, 0);

	/* first and last character of the first ALPN value; when one is
	   not alphanumeric, the first and last hex digit of the value */
	char al[2] = {'0', '0'};
	if (f->alpn && f->alpn_len > 0) {
		uint8_t c0 = f->alpn[0], c1 = f->alpn[f->alpn_len - 1];
		if (is_alnum(c0) && is_alnum(c1)) {
			al[0] = (char)c0, al[1] = (char)c1;
		} else {
			al[0] = hexd[c0 >> 4], al[1] = hexd[c1 & 15];
		}
	}
	snprintf(a, sizeof(a), "%c%s%c%02u%02u%c%c", proto, ja4_version(f),
		 sni ? 'd' : 'i', (unsigned)(nc > 99 ? 99 : nc),
		 (unsigned)(n_all > 99 ? 99 : n_all), al[0], al[1]);

	struct sbuf b = {buf, 0, sizeof(buf)};
	if (nc == 0) {
		memcpy(hb, "000000000000", 13);
	} else {
		qsort(ciph, nc, sizeof(ciph[0]), cmp_u16);
		for (size_t i = 0; i < nc; i++) {
			if (i)
				sb_put(&b, ",", 1);
			sb_hex4(&b, ciph[i]);
		}
		sha256_12(buf, b.len, hb);
	}
	b.len = 0;
	if (ne == 0) {
		memcpy(hc, "000000000000", 13);
	} else {
		qsort(ext, ne, sizeof(ext[0]), cmp_u16);
		for (size_t i = 0; i < ne; i++) {
			if (i)
				sb_put(&b, ",", 1);
			sb_hex4(&b, ext[i]);
		}
		for (size_t i = 0; i < ns; i++) {
			sb_put(&b, i ? "," : "_", 1);
			sb_hex4(&b, sig[i]);
		}
		sha256_12(buf, b.len, hc);
	}
	snprintf(out, 37, "%.10s_%s_%s", a, hb, hc);
}

/* ---------------------------------------------------------------------- */
/* hellos */

/* A bounded list of values as the record wants them. */
struct list {
	int32_t v[NC_TLS_MAX_LIST];
	size_t n;
	bool over;
};

static void push(struct list *l, int32_t v)
{
	if (l->n < NC_TLS_MAX_LIST)
		l->v[l->n++] = v;
	else
		l->over = true;
}

/* the 16-bit values of a vector<2..> whose length is an n-octet prefix */
static bool read_u16_vec(struct cur *e, unsigned n, struct list *l)
{
	size_t len = n == 1 ? cur_u8(e) : cur_be16(e);
	struct cur s = cur_sub(e, len);
	if (e->err || (len & 1))
		return false;
	while (cur_left(&s) >= 2)
		push(l, cur_be16(&s));
	return true;
}

struct client_hello {
	uint16_t version;
	const uint8_t *random, *sid;
	uint8_t sid_len;
	uint16_t cs_len, ext_len;
	struct list ciphers, comp, exts, groups, points, sigs, versions;
	const uint8_t *sni;
	size_t sni_len;
	const uint8_t *alpn[TLS_MAX_ALPN];
	uint8_t alpn_len[TLS_MAX_ALPN];
	size_t n_alpn;
	bool alpn_over, ocsp, bad_ext;
};

static void client_ext(struct client_hello *h, uint16_t type, struct cur e)
{
	bool ok = true;

	switch (type) {
	case EXT_SERVER_NAME: { /* RFC 6066 3 */
		struct cur l = cur_sub(&e, cur_be16(&e));
		ok = !e.err;
		while (ok && cur_left(&l) > 0) {
			uint8_t nt = cur_u8(&l);
			uint16_t nl = cur_be16(&l);
			const uint8_t *name = cur_bytes(&l, nl);
			if (l.err) {
				ok = false;
				break;
			}
			if (nt == 0 && !h->sni) {
				h->sni = name;
				h->sni_len = nl;
			}
		}
		break;
	}
	case EXT_STATUS_REQUEST:
		h->ocsp = true;
		break;
	case EXT_SUPPORTED_GROUPS:
		ok = read_u16_vec(&e, 2, &h->groups);
		break;
	case EXT_EC_POINT_FORMATS: {
		struct cur l = cur_sub(&e, cur_u8(&e));
		ok = !e.err;
		while (ok && cur_left(&l) > 0)
			push(&h->points, cur_u8(&l));
		break;
	}
	case EXT_SIGNATURE_ALGORITHMS:
		ok = read_u16_vec(&e, 2, &h->sigs);
		break;
	case EXT_ALPN: { /* RFC 7301 3.1 */
		struct cur l = cur_sub(&e, cur_be16(&e));
		ok = !e.err;
		while (ok && cur_left(&l) > 0) {
			uint8_t n = cur_u8(&l);
			const uint8_t *s = cur_bytes(&l, n);
			if (l.err) {
				ok = false;
				break;
			}
			if (h->n_alpn < TLS_MAX_ALPN) {
				h->alpn[h->n_alpn] = s;
				h->alpn_len[h->n_alpn++] = n;
			} else {
				h->alpn_over = true;
			}
		}
		break;
	}
	case EXT_SUPPORTED_VERSIONS: /* RFC 8446 4.2.1 */
		ok = read_u16_vec(&e, 1, &h->versions);
		break;
	default:
		break;
	}
	if (!ok)
		h->bad_ext = true;
}

/*
 * The extensions block ext (its declared length already applied); calls
 * fn for each with its data. False when an extension runs past the block.
 */
static bool walk_exts(struct cur *ext, struct list *types,
		      void (*fn)(void *h, uint16_t type, struct cur e), void *h)
{
	while (cur_left(ext) > 0) {
		uint16_t type = cur_be16(ext);
		uint16_t len = cur_be16(ext);
		if (ext->err || cur_left(ext) < len)
			return false;
		push(types, type);
		fn(h, type, cur_sub(ext, len));
	}
	return true;
}

static void client_ext_cb(void *h, uint16_t type, struct cur e)
{
	client_ext(h, type, e);
}

static void set_mac(ProtobufCBinaryData *b, const uint8_t *mac)
{
	b->data = (uint8_t *)mac;
	b->len = mac ? 6 : 0;
}

static void client_hello(struct nc_app_ctx *x, struct tls_dir *t, int dir,
			 const uint8_t *msg, size_t n)
{
	struct nc_dec *d = x->d;
	const struct nc_app_conn *c = x->c;
	struct client_hello h;
	struct cur m = cur_make(msg + 4, n - 4);

	/* ~15 KiB of lists: once per hello */
	memset(&h, 0, sizeof(h));
	h.version = cur_be16(&m);
	h.random = cur_bytes(&m, 32);
	h.sid_len = cur_u8(&m);
	h.sid = cur_bytes(&m, h.sid_len);
	h.cs_len = cur_be16(&m);
	struct cur cs = cur_sub(&m, h.cs_len);
	uint8_t comp_len = cur_u8(&m);
	struct cur cm = cur_sub(&m, comp_len);
	if (m.err || h.sid_len > 32 || (h.cs_len & 1)) {
		nc_app_event(d, c, dir, NC_EV_TLS_BAD_HELLO);
		return;
	}
	while (cur_left(&cs) >= 2)
		push(&h.ciphers, cur_be16(&cs));
	while (cur_left(&cm) > 0)
		push(&h.comp, cur_u8(&cm));
	if (cur_left(&m) > 0) {
		h.ext_len = cur_be16(&m);
		struct cur ext = cur_sub(&m, h.ext_len);
		/* a block longer than the message: read what is there */
		bool ok = !m.err;
		ok &= walk_exts(&ext, &h.exts, client_ext_cb, &h);
		if (!ok || h.bad_ext)
			nc_app_event(d, c, dir, NC_EV_TLS_BAD_EXTENSION);
		if (ok && cur_left(&m) > 0)
			nc_app_event(d, c, dir, NC_EV_TLS_BAD_HELLO);
	}
	if (h.ciphers.over || h.comp.over || h.exts.over || h.groups.over ||
	    h.points.over || h.sigs.over || h.versions.over || h.alpn_over)
		nc_app_event(d, c, dir, NC_EV_TLS_TOO_MANY_VALUES);

	struct nc_tls_fp f = {
	    .version = h.version,
	    .ciphers = h.ciphers.v,
	    .n_ciphers = h.ciphers.n,
	    .exts = h.exts.v,
	    .n_exts = h.exts.n,
	    .groups = h.groups.v,
	    .n_groups = h.groups.n,
	    .points = h.points.v,
	    .n_points = h.points.n,
	    .sigs = h.sigs.v,
	    .n_sigs = h.sigs.n,
	    .versions = h.versions.v,
	    .n_versions = h.versions.n,
	    .alpn = h.n_alpn ? h.alpn[0] : NULL,
	    .alpn_len = h.n_alpn ? h.alpn_len[0] : 0,
	};
	char ja3s[NC_TLS_JA3_MAX], ja3[33], ja4[37];
	nc_tls_ja3(&f, ja3s, sizeof(ja3s), ja3);
	nc_tls_ja4(&f, 't', ja4);
	nc_obs_fingerprint(d, c, dir, "ja3", ja3);
	nc_obs_fingerprint(d, c, dir, "ja4", ja4);

	if (!nc_want(d, NC_REC_TLS_CLIENT_HELLO))
		return;
	char sni[TLS_TEXT];
	char alpn_txt[TLS_MAX_ALPN][TLS_TEXT];
	char *alpns[TLS_MAX_ALPN];
	nc_app_text(sni, sizeof(sni), h.sni, h.sni ? h.sni_len : 0);
	for (size_t i = 0; i < h.n_alpn; i++) {
		nc_app_text(alpn_txt[i], TLS_TEXT, h.alpn[i], h.alpn_len[i]);
		alpns[i] = alpn_txt[i];
	}

	Netcap__TLSClientHello r = NETCAP__TLSCLIENT_HELLO__INIT;
	r.timestamp = c->ts;
	r.type = CT_HANDSHAKE;
	r.version = t->msg_version;
	r.messagelen = t->msg_len;
	r.handshaketype = HS_CLIENT_HELLO;
	r.handshakelen = (uint32_t)(n - 4);
	r.handshakeversion = h.version;
	nc_bytes(&r.random, h.random, 32);
	r.sessionidlen = h.sid_len;
	nc_bytes(&r.sessionid, h.sid, h.sid_len);
	r.ciphersuitelen = h.cs_len;
	r.extensionlen = h.ext_len;
	r.sni = sni;
	r.oscp = h.ocsp;
	r.n_ciphersuites = h.ciphers.n, r.ciphersuites = h.ciphers.v;
	r.n_compressmethods = h.comp.n, r.compressmethods = h.comp.v;
	r.n_signaturealgs = h.sigs.n, r.signaturealgs = h.sigs.v;
	r.n_supportedgroups = h.groups.n, r.supportedgroups = h.groups.v;
	r.n_supportedpoints = h.points.n, r.supportedpoints = h.points.v;
	r.n_alpns = h.n_alpn, r.alpns = alpns;
	r.ja3 = ja3;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	set_mac(&r.srcmac, c->mac[dir]);
	set_mac(&r.dstmac, c->mac[!dir]);
	r.n_extensions = h.exts.n, r.extensions = h.exts.v;
	r.uid = nc_app_str(c->uid);
	r.n_supportedversions = h.versions.n;
	r.supportedversions = h.versions.v;
	r.ja3string = ja3s;
	r.ja4 = ja4;
	nc_emit(d, NC_REC_TLS_CLIENT_HELLO, &r.base);
}

struct server_hello {
	struct list exts;
	const uint8_t *npn[TLS_MAX_ALPN];
	uint8_t npn_len[TLS_MAX_ALPN];
	size_t n_npn;
	ProtobufCBinaryData scts[TLS_MAX_SCTS];
	size_t n_scts;
	const uint8_t *alpn, *reneg, *cookie;
	size_t alpn_len, reneg_len, cookie_len;
	int32_t selected_version, selected_identity, group;
	bool npn_seen, ocsp, ticket, reneg_seen, ems, psk, over, bad_ext;
	bool hrr;
};

static void server_ext_cb(void *hv, uint16_t type, struct cur e)
{
	struct server_hello *h = hv;
	bool ok = true;

	switch (type) {
	case EXT_STATUS_REQUEST:
		h->ocsp = true;
		break;
	case EXT_ALPN: { /* RFC 7301 3.1: exactly one name */
		struct cur l = cur_sub(&e, cur_be16(&e));
		uint8_t n = cur_u8(&l);
		const uint8_t *s = cur_bytes(&l, n);
		ok = !e.err && !l.err;
		if (ok) {
			h->alpn = s;
			h->alpn_len = n;
		}
		break;
	}
	case EXT_NPN: /* draft-agl-tls-nextprotoneg: names, no outer length */
		h->npn_seen = true;
		while (cur_left(&e) > 0) {
			uint8_t n = cur_u8(&e);
			const uint8_t *s = cur_bytes(&e, n);
			if (e.err) {
				ok = false;
				break;
			}
			if (h->n_npn < TLS_MAX_ALPN) {
				h->npn[h->n_npn] = s;
				h->npn_len[h->n_npn++] = n;
			} else {
				h->over = true;
			}
		}
		break;
	case EXT_SCT: { /* RFC 6962 3.3 */
		struct cur l = cur_sub(&e, cur_be16(&e));
		ok = !e.err;
		while (ok && cur_left(&l) > 0) {
			uint16_t n = cur_be16(&l);
			const uint8_t *s = cur_bytes(&l, n);
			if (l.err) {
				ok = false;
				break;
			}
			if (h->n_scts < TLS_MAX_SCTS)
				nc_bytes(&h->scts[h->n_scts++], s, n);
			else
				h->over = true;
		}
		break;
	}
	case EXT_EXTENDED_MASTER_SECRET:
		h->ems = true;
		break;
	case EXT_SESSION_TICKET:
		h->ticket = true;
		break;
	case EXT_RENEGOTIATION_INFO: { /* RFC 5746 3.2 */
		uint8_t n = cur_u8(&e);
		h->reneg = cur_bytes(&e, n);
		h->reneg_len = n;
		h->reneg_seen = true;
		ok = !e.err;
		break;
	}
	case EXT_SUPPORTED_VERSIONS: /* RFC 8446 4.2.1: selected_version */
		h->selected_version = cur_be16(&e);
		ok = !e.err;
		break;
	case EXT_PRE_SHARED_KEY: /* RFC 8446 4.2.11: selected_identity */
		h->selected_identity = cur_be16(&e);
		h->psk = !e.err;
		ok = !e.err;
		break;
	case EXT_COOKIE: { /* RFC 8446 4.2.2 */
		uint16_t n = cur_be16(&e);
		h->cookie = cur_bytes(&e, n);
		h->cookie_len = n;
		ok = !e.err;
		break;
	}
	case EXT_KEY_SHARE: /* 4.2.8: selected_group (HRR) or the entry */
		h->group = cur_be16(&e);
		ok = !e.err;
		break;
	default:
		break;
	}
	if (!ok)
		h->bad_ext = true;
}

/* Returns whether the message was a HelloRetryRequest. */
static bool server_hello(struct nc_app_ctx *x, struct tls_dir *t, int dir,
			 const uint8_t *msg, size_t n)
{
	struct nc_dec *d = x->d;
	const struct nc_app_conn *c = x->c;
	struct server_hello h;
	struct cur m = cur_make(msg + 4, n - 4);

	memset(&h, 0, sizeof(h));
	uint16_t version = cur_be16(&m);
	const uint8_t *random = cur_bytes(&m, 32);
	uint8_t sid_len = cur_u8(&m);
	const uint8_t *sid = cur_bytes(&m, sid_len);
	uint16_t cipher = cur_be16(&m);
	uint8_t comp = cur_u8(&m);
	if (m.err || sid_len > 32) {
		nc_app_event(d, c, dir, NC_EV_TLS_BAD_HELLO);
		return false;
	}
	h.hrr = memcmp(random, hrr_random, 32) == 0;
	if (cur_left(&m) > 0) {
		uint16_t ext_len = cur_be16(&m);
		struct cur ext = cur_sub(&m, ext_len);
		bool ok = !m.err;
		ok &= walk_exts(&ext, &h.exts, server_ext_cb, &h);
		if (!ok || h.bad_ext)
			nc_app_event(d, c, dir, NC_EV_TLS_BAD_EXTENSION);
		if (ok && cur_left(&m) > 0)
			nc_app_event(d, c, dir, NC_EV_TLS_BAD_HELLO);
	}
	if (h.exts.over || h.over)
		nc_app_event(d, c, dir, NC_EV_TLS_TOO_MANY_VALUES);

	char ja3s_str[NC_TLS_JA3_MAX], ja3s[33];
	nc_tls_ja3s(version, cipher, h.exts.v, h.exts.n, ja3s_str,
		    sizeof(ja3s_str), ja3s);
	nc_obs_fingerprint(d, c, dir, "ja3s", ja3s);
	nc_obs_service(d, c, "TLS", "");

	if (!nc_want(d, NC_REC_TLS_SERVER_HELLO))
		return h.hrr;
	char alpn[TLS_TEXT];
	char npn_txt[TLS_MAX_ALPN][TLS_TEXT];
	char *npns[TLS_MAX_ALPN];
	nc_app_text(alpn, sizeof(alpn), h.alpn, h.alpn ? h.alpn_len : 0);
	for (size_t i = 0; i < h.n_npn; i++) {
		nc_app_text(npn_txt[i], TLS_TEXT, h.npn[i], h.npn_len[i]);
		npns[i] = npn_txt[i];
	}

	Netcap__TLSServerHello r = NETCAP__TLSSERVER_HELLO__INIT;
	r.timestamp = c->ts;
	r.version = version;
	nc_bytes(&r.random, random, 32);
	nc_bytes(&r.sessionid, sid, sid_len);
	r.ciphersuite = cipher;
	r.compressionmethod = comp;
	r.nextprotoneg = h.npn_seen;
	r.n_nextprotos = h.n_npn, r.nextprotos = npns;
	r.ocspstapling = h.ocsp;
	r.ticketsupported = h.ticket;
	r.securerenegotiationsupported = h.reneg_seen;
	nc_bytes(&r.securerenegotiation, h.reneg, h.reneg ? h.reneg_len : 0);
	r.alpnprotocol = alpn;
	r.ems = h.ems;
	r.n_scts = h.n_scts, r.scts = h.scts;
	r.supportedversion = h.selected_version;
	r.selectedidentitypresent = h.psk;
	r.selectedidentity = h.selected_identity;
	nc_bytes(&r.cookie, h.cookie, h.cookie ? h.cookie_len : 0);
	r.selectedgroup = h.group;
	r.n_extensions = h.exts.n, r.extensions = h.exts.v;
	nc_app_ends(c, dir, &r.srcip, &r.dstip, &r.srcport, &r.dstport);
	set_mac(&r.srcmac, c->mac[dir]);
	set_mac(&r.dstmac, c->mac[!dir]);
	r.ja3s = ja3s;
	r.uid = nc_app_str(c->uid);
	r.ja3sstring = ja3s_str;
	r.ishelloretryrequest = h.hrr;
	r.recordversion = t->msg_version;
	r.handshakelen = (int32_t)(n - 4);
	nc_emit_tm(d, NC_REC_TLS_SERVER_HELLO, &r.base);
	return h.hrr;
}

/* ---------------------------------------------------------------------- */
/* stream */

static void give_up(struct nc_app_ctx *x, struct tls_dir *t)
{
	t->state = D_DONE;
	nc_app_buf_free(x, &t->hs);
}

/*
 * A whole hello msg (n octets, header included) from dir: write it and
 * move both directions on. Does not free dir's buffer (msg may be in it).
 */
static void hello(struct nc_app_ctx *x, struct tls_state *s, int dir,
		  const uint8_t *msg, size_t n)
{
	struct tls_dir *t = &s->d[dir];
	struct tls_dir *o = &s->d[!dir];

	t->hellos++;
	if (dir == 0) {
		client_hello(x, t, dir, msg, n);
		t->state = t->hellos >= 2 ? D_DONE : D_WAIT;
		return;
	}
	bool hrr = server_hello(x, t, dir, msg, n);
	if (hrr && t->hellos < 2) {
		/* RFC 8446 4.1.4: a second ClientHello, then a ServerHello */
		s->hrr = true;
		if (o->state == D_WAIT)
			o->state = D_LOOK;
		return;
	}
	t->state = D_DONE;
	if (o->state != D_DONE)
		give_up(x, o);
}

/*
 * Complete handshake messages in q (n octets): the hello is handled,
 * others are skipped. Returns the octets used; the rest is an
 * unfinished message (all of q once the direction has left D_LOOK).
 */
static size_t hs_messages(struct nc_app_ctx *x, struct tls_state *s, int dir,
			  const uint8_t *q, size_t n)
{
	struct tls_dir *t = &s->d[dir];
	uint8_t want = dir == 0 ? HS_CLIENT_HELLO : HS_SERVER_HELLO;
	size_t off = 0;

	while (t->state == D_LOOK && n - off >= 4) {
		uint8_t type = q[off];
		size_t mlen = (size_t)q[off + 1] << 16 |
			      (size_t)q[off + 2] << 8 | q[off + 3];
		if (type != want) {
			nc_app_event(x->d, x->c, dir,
				     NC_EV_TLS_UNEXPECTED_HANDSHAKE);
			if (++t->others > TLS_MAX_OTHERS) {
				t->state = D_DONE;
				return n;
			}
			if (4 + mlen <= n - off) {
				off += 4 + mlen;
				continue;
			}
			t->hs_skip = (uint32_t)(4 + mlen - (n - off));
			return n;
		}
		if (mlen > TLS_MAX_HELLO) {
			nc_app_event(x->d, x->c, dir,
				     NC_EV_TLS_HANDSHAKE_TOO_LONG);
			t->state = D_DONE;
			return n;
		}
		if (4 + mlen > n - off)
			break;
		hello(x, s, dir, q + off, 4 + mlen);
		off += 4 + mlen;
	}
	return t->state == D_LOOK ? off : n;
}

/* n octets of handshake-record body from dir while it looks for its hello */
static void hs_feed(struct nc_app_ctx *x, struct tls_state *s, int dir,
		    const uint8_t *q, size_t n)
{
	struct tls_dir *t = &s->d[dir];

	if (t->hs_skip) {
		size_t k = n < t->hs_skip ? n : t->hs_skip;
		t->hs_skip -= (uint32_t)k;
		q += k, n -= k;
		if (n == 0)
			return;
	}
	if (t->hs.len == 0) {
		/* in place: no copy when whole messages are at hand */
		t->msg_version = t->rec_version;
		t->msg_len = t->rec_len;
		size_t used = hs_messages(x, s, dir, q, n);
		if (t->state != D_LOOK) {
			nc_app_buf_free(x, &t->hs);
			return;
		}
		if (t->hs_skip || used == n)
			return;
		q += used, n -= used;
		if (!nc_app_buf_add(x, &t->hs, q, n))
			give_up(x, t);
		return;
	}
	if (!nc_app_buf_add(x, &t->hs, q, n)) {
		give_up(x, t);
		return;
	}
	size_t used = hs_messages(x, s, dir, t->hs.p, t->hs.len);
	if (t->state != D_LOOK) {
		nc_app_buf_free(x, &t->hs);
		return;
	}
	nc_app_buf_consume(&t->hs, used);
	if (used) {
		/* what is left began in the record at hand */
		t->msg_version = t->rec_version;
		t->msg_len = t->rec_len;
	}
}

/* The 5 octets of a record header in t->hdr: check and enter the record. */
static void record_start(struct nc_app_ctx *x, struct tls_state *s, int dir)
{
	struct tls_dir *t = &s->d[dir];
	uint8_t type = t->hdr[0];
	uint16_t len = (uint16_t)(t->hdr[3] << 8 | t->hdr[4]);

	if (type < CT_CCS || type > CT_HEARTBEAT || t->hdr[1] != 3 ||
	    t->hdr[2] > 4 || len > TLS_MAX_RECORD) {
		nc_app_event(x->d, x->c, dir, NC_EV_TLS_BAD_RECORD);
		give_up(x, t);
		return;
	}
	if (type == CT_APPDATA || (type == CT_CCS && !s->hrr)) {
		/* encrypted from here on */
		if (t->state == D_LOOK && (t->hs.len || t->hs_skip))
			nc_app_event(x->d, x->c, dir,
				     NC_EV_TLS_HELLO_TRUNCATED);
		give_up(x, t);
		return;
	}
	t->rec_type = type;
	t->rec_version = (uint16_t)(t->hdr[1] << 8 | t->hdr[2]);
	t->rec_len = len;
	t->rec_left = len;
	t->hdr_have = len ? 5 : 0;
}

static void tls_data(struct nc_app_ctx *x, void *st, int dir, const uint8_t *p,
		     size_t len)
{
	struct tls_state *s = st;
	struct tls_dir *t = &s->d[dir];

	while (len > 0 && t->state != D_DONE) {
		if (t->hdr_have < 5) {
			size_t k = 5u - t->hdr_have;
			if (k > len)
				k = len;
			memcpy(t->hdr + t->hdr_have, p, k);
			t->hdr_have = (uint8_t)(t->hdr_have + k);
			p += k, len -= k;
			if (t->hdr_have == 5) {
				t->hdr_have = 0;
				record_start(x, s, dir);
			}
			continue;
		}
		size_t n = len < t->rec_left ? len : t->rec_left;
		if (t->state == D_LOOK && t->rec_type == CT_HANDSHAKE)
			hs_feed(x, s, dir, p, n);
		p += n, len -= n;
		t->rec_left -= (uint32_t)n;
		if (t->rec_left == 0)
			t->hdr_have = 0;
	}
}

static void tls_gap(struct nc_app_ctx *x, void *st, int dir, uint64_t len)
{
	struct tls_state *s = st;
	struct tls_dir *t = &s->d[dir];

	(void)len;
	if (t->state == D_DONE)
		return;
	/* record boundaries are lost: no resynchronising on encrypted
	   bytes that may look like anything */
	if (t->state == D_LOOK)
		nc_app_event(x->d, x->c, dir, NC_EV_TLS_HELLO_TRUNCATED);
	give_up(x, t);
}

static void tls_end(struct nc_app_ctx *x, void *st, int dir)
{
	struct tls_state *s = st;
	struct tls_dir *t = &s->d[dir];

	if (t->state == D_LOOK &&
	    (t->hs.len || (t->hdr_have == 5 && t->rec_type == CT_HANDSHAKE)))
		nc_app_event(x->d, x->c, dir, NC_EV_TLS_HELLO_TRUNCATED);
	give_up(x, t);
}

static void tls_close(struct nc_app_ctx *x, void *st)
{
	struct tls_state *s = st;

	nc_app_buf_free(x, &s->d[0].hs);
	nc_app_buf_free(x, &s->d[1].hs);
}

/*
 * The first octets of a direction: a handshake record holding the start
 * of a ClientHello (dir 0) or ServerHello (dir 1) of plausible length.
 * YES only when all 11 octets agree; an implausible hello length is
 * "maybe" (NEED): TLS on its own port, not claimed elsewhere.
 */
static enum nc_probe tls_probe(const uint8_t *p, size_t len, int dir)
{
	if (len < 1)
		return NC_PROBE_NEED;
	if (p[0] != CT_HANDSHAKE)
		return NC_PROBE_NO;
	if (len >= 2 && p[1] != 3)
		return NC_PROBE_NO;
	if (len >= 3 && p[2] > 4)
		return NC_PROBE_NO;
	if (len >= 5) {
		unsigned rl = (unsigned)p[3] << 8 | p[4];
		if (rl < 4 || rl > TLS_MAX_RECORD)
			return NC_PROBE_NO;
	}
	if (len >= 6 && p[5] != (dir == 0 ? HS_CLIENT_HELLO : HS_SERVER_HELLO))
		return NC_PROBE_NO;
	if (len >= 11 && (p[9] != 3 || p[10] > 4))
		return NC_PROBE_NO;
	if (len < 11)
		return NC_PROBE_NEED;
	uint32_t hl = (uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8];
	if (hl < 38 || hl > TLS_MAX_HELLO)
		return NC_PROBE_NEED;
	return NC_PROBE_YES;
}

const struct nc_app_parser nc_app_tls = {
    .name = "TLS",
    .transports = NC_APP_TCP,
    /* HTTPS, SMTPS, IMAPS, POP3S, LDAPS, DNS over TLS, SIPS, FTPS,
       (telnets 992, ircs 994), alternate HTTPS */
    .ports = {443, 8443, 465, 993, 995, 636, 853, 5061, 990, 992, 994},
    .recs = {NC_REC_TLS_CLIENT_HELLO, NC_REC_TLS_SERVER_HELLO, NC_REC_MAX},
    .probe = tls_probe,
    .state_size = sizeof(struct tls_state),
    .data = tls_data,
    .gap = tls_gap,
    .end = tls_end,
    .close = tls_close,
};
