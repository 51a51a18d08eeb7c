/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * transform.c: `netcap transform`, Maltego local transforms over record
 * files (docs/TOOLS.md "transform").
 *
 *   netcap transform [--dir DIR] NAME VALUE [PROPERTIES]
 *   netcap transform --list
 *   netcap transform --export-config OUT.mtz
 *
 * Maltego runs a local transform as `command parameters VALUE PROPERTIES`,
 * PROPERTIES being key=value#key=value with \#, \= and \\ escaped. The
 * record directory is --dir, else the property path (a directory, or a
 * file in it), else VALUE when it is a directory (the root entity).
 *
 * One generic engine runs every transform of the table below: read the
 * records of one type from DIR/<Type>[.*].ncap[.lz4], keep those whose
 * filter conditions hold (a field with a given text, a field with VALUE's
 * text), and emit one entity per distinct non-empty text of the value
 * field(s) (a "Sub.Field" path reaches into a sub-message; repeated
 * fields give one value per element; address-list fields one value per
 * address). Texts are render.h's cell notation (addresses as text). A
 * transform with a "via" first collects the texts of a field of another
 * record type whose filter has VALUE (the UIDs of an IP's connections)
 * and filters on those. Weight: the number of supporting records
 * (elements), capped at 100; the uncapped count is the additional field
 * "count".
 *
 * Errors go into the response as a UIMessage (FatalError: no directory,
 * unknown transform, malformed properties; PartialError: a record file
 * that breaks; Inform: nothing found) and exit 0, as Maltego expects.
 * Usage errors: one line on stderr, exit 2.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifndef NC_NO_ZIP
#include <zip.h>
#endif

#include "app.h"
#include "ncfile.h"
#include "rec.h"
#include "render.h"

/*
 * One transform: one line. field: comma-separated paths ("Sub.Field" into
 * a sub-message), the values of all of them. filter: comma-separated
 * conditions, "Path=text" (must hold) or "Path" (one of them must have a
 * text that is a key: VALUE, or with via the texts of Field in the Type
 * records whose Filter has VALUE). extra: comma-separated fields whose
 * text (of the first supporting record) becomes an additional field.
 */
struct tx {
	const char *name;
	const char *rec;    /* record type */
	const char *field;  /* value paths */
	const char *filter; /* NULL or conditions */
	const char *in;	    /* input entity type */
	const char *out;    /* output entity type */
	const char *extra;  /* NULL or comma-separated fields */
	const char *descr;
	const char *via; /* NULL, or "Type:Field:Filter": the keys */
	unsigned flags;	 /* TX_ADDRS */
};

/* The values are RFC 5322 address lists: one entity per address. */
#define TX_ADDRS 1u

#define DIRENT "netcap.RecordDir"
#define IPENT  "netcap.IPAddr"

static const struct tx txs[] = {
    {"ToDevices", "DeviceProfile", "MacAddr", NULL, DIRENT, "netcap.Device",
     "DeviceManufacturer", "devices (MAC address, vendor)"},
    {"ToSourceIPs", "Connection", "SrcIP", NULL, DIRENT, IPENT, NULL,
     "connection originators"},
    {"ToDestinationIPs", "Connection", "DstIP", NULL, DIRENT, IPENT, NULL,
     "connection responders"},
    {"ToDNSQuestions", "DNS", "Questions.Name", NULL, DIRENT, "netcap.DNSName",
     NULL, "names asked in DNS"},
    {"ToHTTPHosts", "HTTP", "Host", NULL, DIRENT, "netcap.Host", NULL,
     "HTTP Host headers"},
    {"ToURLs", "HTTP", "URL", NULL, DIRENT, "netcap.URL", "Host",
     "HTTP request targets"},
    {"ToHTTPUserAgents", "HTTP", "UserAgent", NULL, DIRENT, "netcap.UserAgent",
     NULL, "HTTP User-Agent headers"},
    {"ToSNIs", "TLSClientHello", "SNI", NULL, DIRENT, "netcap.SNI", NULL,
     "TLS server names"},
    {"ToJA3Hashes", "TLSClientHello", "Ja3", NULL, DIRENT, "netcap.JA3",
     "Ja3String", "TLS client JA3 hashes"},
    {"ToJA4Fingerprints", "TLSClientHello", "Ja4", NULL, DIRENT, "netcap.JA4",
     NULL, "TLS client JA4 fingerprints"},
    {"ToSoftwareProducts", "Software", "Product", NULL, DIRENT,
     "netcap.Software", "Vendor,Version,SourceName", "software seen"},
    {"ToServices", "Service", "Name", NULL, DIRENT, "netcap.Service",
     "IP,Port,Product", "services (application protocol)"},
    {"ToFiles", "File", "Name", NULL, DIRENT, "netcap.File",
     "Hash,ContentType,Source", "files carried"},
    {"ToLoginInformation", "Credentials", "User", NULL, DIRENT,
     "netcap.Credentials", "Service,Password", "credentials (user names)"},
    {"ToMails", "Mail", "Subject", NULL, DIRENT, "netcap.Email", "From,To",
     "mails (subject)"},
    {"ToSoftwareVulnerabilities", "Vulnerability", "ID", NULL, DIRENT,
     "netcap.Vulnerability", "Severity,Description",
     "vulnerabilities of software seen"},
    {"ToExploits", "Exploit", "ID", NULL, DIRENT, "netcap.Exploit",
     "Description,CVE", "exploits for software seen"},
    {"ToConnections", "Connection", "UID", NULL, DIRENT, "netcap.Connection",
     "SrcIP,SrcPort,DstIP,DstPort,TransportProto", "connections"},
    {"ToConnectionsForIP", "Connection", "UID", "SrcIP,DstIP", IPENT,
     "netcap.Connection", "SrcIP,SrcPort,DstIP,DstPort,TransportProto",
     "connections of an IP"},
    {"ToDNSQuestionsForIP", "DNS", "Questions.Name", "SrcIP,DstIP", IPENT,
     "netcap.DNSName", NULL, "names in DNS messages of an IP"},
    {"ToHTTPHostsForIP", "HTTP", "Host", "SrcIP,DstIP", IPENT, "netcap.Host",
     NULL, "HTTP hosts in requests of an IP"},
    {"ToSNIsForIP", "TLSClientHello", "SNI", "SrcIP,DstIP", IPENT, "netcap.SNI",
     NULL, "TLS server names in hellos of an IP"},
    {"ToDNSAnswers", "DNS", "Answers.IP", NULL, DIRENT, IPENT, NULL,
     "addresses in DNS answers (A, AAAA)"},
    {"ToDNSAnswerNames", "DNS",
     "Answers.CNAME,Answers.PTR,Answers.NS,Answers.MX.Name", NULL, DIRENT,
     "netcap.DNSName", NULL, "names in DNS answers (CNAME, PTR, NS, MX)"},
    {"ToHTTPCookies", "HTTP", "ReqCookies.Name,ResCookies.Name", NULL, DIRENT,
     "netcap.HTTPCookie", "Host", "HTTP cookie names (Cookie, Set-Cookie)"},
    {"ToHTTPCookieValues", "HTTP", "ReqCookies.Value,ResCookies.Value", NULL,
     DIRENT, "netcap.HTTPCookieValue", "Host",
     "HTTP cookie values (Cookie, Set-Cookie)"},
    {"ToSSHClients", "SSH", "HASSH", "IsClient=true", DIRENT,
     "netcap.SSHClient", "Ident,Software,Algorithms",
     "SSH client HASSH fingerprints"},
    {"ToSSHServers", "SSH", "HASSH", "IsClient=false", DIRENT,
     "netcap.SSHServer", "Ident,Software,Algorithms",
     "SSH server HASSH fingerprints"},
    {"ToMailContacts", "Mail", "From,To,CC", NULL, DIRENT,
     "netcap.EmailAddress", NULL, "addresses in mail From, To and CC", NULL,
     TX_ADDRS},
    {"ToDeviceIPs", "DeviceProfile", "DeviceIPs", "MacAddr", "netcap.Device",
     IPENT, NULL, "addresses a device sent from"},
    {"ToConnectionsForDevice", "Connection", "UID", "SrcMAC,DstMAC",
     "netcap.Device", "netcap.Connection",
     "SrcIP,SrcPort,DstIP,DstPort,TransportProto", "connections of a device"},
    {"ToSoftwareForDevice", "Software", "Product", "DeviceProfiles",
     "netcap.Device", "netcap.Software", "Vendor,Version,SourceName",
     "software a device ran"},
    {"ToSoftwareForIP", "Software", "Product", "Flows", IPENT,
     "netcap.Software", "Vendor,Version,SourceName",
     "software seen in the connections of an IP", "Connection:UID:SrcIP,DstIP"},
    {"ToFilesForIP", "File", "Name", "SrcIP,DstIP", IPENT, "netcap.File",
     "Hash,ContentType,Source", "files an IP sent or received"},
    {"ToIPsForDNSName", "DNS", "Answers.IP", "Questions.Name", "netcap.DNSName",
     IPENT, NULL, "addresses a name resolved to (answers to it)"},
    {"ToIPsForHost", "DNS", "Answers.IP", "Questions.Name", "netcap.Host",
     IPENT, NULL, "addresses a host name resolved to (answers to it)"},
};
#define NTX (sizeof(txs) / sizeof(txs[0]))

#define WEIGHT_MAX 100

/* ---- XML text ---------------------------------------------------------- */

/* Append s[0..n) to sb XML-escaped, dropping bytes that are not valid
 * UTF-8 or encode a character XML 1.0 does not allow. */
static void xml_add(struct nc_sb *sb, const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];
		if (c < 0x80) {
			i++;
			switch (c) {
			case '&':
				nc_sb_puts(sb, "&amp;");
				break;
			case '<':
				nc_sb_puts(sb, "&lt;");
				break;
			case '>':
				nc_sb_puts(sb, "&gt;");
				break;
			case '"':
				nc_sb_puts(sb, "&quot;");
				break;
			case '\'':
				nc_sb_puts(sb, "&apos;");
				break;
			default:
				if (c >= 0x20 || c == '\t' || c == '\n' ||
				    c == '\r')
					nc_sb_add(sb, (const char *)&c, 1);
			}
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			i++;
			continue;
		}
		if (n - i < len) {
			i++;
			continue;
		}
		size_t k;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if (k < len || cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
		    cp == 0xffff) {
			i++;
			continue;
		}
		nc_sb_add(sb, s + i, len);
		i += len;
	}
}

static void xml_puts(struct nc_sb *sb, const char *s)
{
	xml_add(sb, s, strlen(s));
}

/* ---- the response ------------------------------------------------------ */

struct resp {
	struct nc_sb ents; /* <Entity> elements */
	struct nc_sb msgs; /* <UIMessage> elements */
};

static void resp_msg(struct resp *r, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void resp_msg(struct resp *r, const char *type, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nc_sb_puts(&r->msgs, "<UIMessage MessageType=\"");
	nc_sb_puts(&r->msgs, type);
	nc_sb_puts(&r->msgs, "\">");
	xml_puts(&r->msgs, buf);
	nc_sb_puts(&r->msgs, "</UIMessage>\n");
}

static void resp_field(struct nc_sb *sb, const char *name, const char *disp,
		       const char *val, size_t n)
{
	nc_sb_puts(sb, "<Field Name=\"");
	xml_puts(sb, name);
	nc_sb_puts(sb, "\" DisplayName=\"");
	xml_puts(sb, disp);
	nc_sb_puts(sb, "\">");
	xml_add(sb, val, n);
	nc_sb_puts(sb, "</Field>");
}

/* Print the response and free r. Returns 0 (the exit status). */
static int resp_end(struct resp *r)
{
	fputs("<MaltegoMessage>\n<MaltegoTransformResponseMessage>\n"
	      "<Entities>\n",
	      stdout);
	if (r->ents.len)
		fwrite(r->ents.p, 1, r->ents.len, stdout);
	fputs("</Entities>\n<UIMessages>\n", stdout);
	if (r->msgs.len)
		fwrite(r->msgs.p, 1, r->msgs.len, stdout);
	fputs("</UIMessages>\n</MaltegoTransformResponseMessage>\n"
	      "</MaltegoMessage>\n",
	      stdout);
	free(r->ents.p);
	free(r->msgs.p);
	if (fflush(stdout) != 0) {
		nc_errorf("transform: write error: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- properties -------------------------------------------------------- */

/*
 * Find key in Maltego's key=value#key=value (\# \= \\ escaped); copy its
 * unescaped value to out. Returns 1 found, 0 not, -1 malformed.
 */
static int prop_get(const char *props, const char *key, char *out, size_t cap)
{
	const char *p = props;

	while (*p) {
		char k[256], v[PATH_MAX];
		size_t kn = 0, vn = 0;
		bool inval = false;

		for (; *p && *p != '#'; p++) {
			char c = *p;
			if (c == '\\') {
				if (p[1] != '#' && p[1] != '=' && p[1] != '\\')
					return -1;
				c = *++p;
			} else if (c == '=' && !inval) {
				inval = true;
				continue;
			}
			if (!inval) {
				if (kn + 1 >= sizeof(k))
					return -1;
				k[kn++] = c;
			} else {
				if (vn + 1 >= sizeof(v))
					return -1;
				v[vn++] = c;
			}
		}
		if (*p == '#')
			p++;
		if (!inval) {
			if (kn == 0)
				continue; /* empty element */
			return -1;
		}
		k[kn] = v[vn] = 0;
		if (kn == 0)
			return -1;
		if (strcmp(k, key) == 0) {
			if (vn >= cap)
				return -1;
			memcpy(out, v, vn + 1);
			return 1;
		}
	}
	return 0;
}

/* ---- values ------------------------------------------------------------ */

struct val {
	char *text;
	size_t n;
	uint64_t count;
	char **extra; /* texts of the extra fields, first record */
	struct val *next;
};

struct vals {
	struct val **tab;
	size_t nbuckets, n;
	struct val **order; /* first-seen order */
	size_t ordercap;
	unsigned nextra;
	const ProtobufCFieldDescriptor *extra[8];
	char *extraname[8];
};

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
	return h;
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);
	if (!p) {
		nc_errorf("transform: out of memory");
		exit(1);
	}
	return p;
}

static struct val *vals_find(const struct vals *vs, const char *s, size_t n)
{
	if (!vs->nbuckets)
		return NULL;
	for (struct val *v = vs->tab[fnv(s, n) & (vs->nbuckets - 1)]; v;
	     v = v->next)
		if (v->n == n && memcmp(v->text, s, n) == 0)
			return v;
	return NULL;
}

/* Count s[0..n) (m: the record, for the extra fields of a new value). */
static void vals_add(struct vals *vs, const char *s, size_t n,
		     const ProtobufCMessage *m)
{
	if (n == 0)
		return;
	struct val *old = vals_find(vs, s, n);
	if (old) {
		old->count++;
		return;
	}
	if (vs->n * 2 >= vs->nbuckets) {
		size_t nb = vs->nbuckets ? vs->nbuckets * 2 : 256;
		/* an array of pointers */
		struct val **t = xmalloc(nb * sizeof(void *));
		for (size_t i = 0; i < vs->n; i++) {
			struct val *v = vs->order[i];
			size_t b = fnv(v->text, v->n) & (nb - 1);
			v->next = t[b];
			t[b] = v;
		}
		free(vs->tab);
		vs->tab = t;
		vs->nbuckets = nb;
	}
	size_t b = fnv(s, n) & (vs->nbuckets - 1);
	struct val *v = xmalloc(sizeof(*v));
	v->text = xmalloc(n + 1);
	memcpy(v->text, s, n);
	v->n = n;
	v->count = 1;
	if (vs->nextra) {
		v->extra = xmalloc(vs->nextra * sizeof(char *));
		for (unsigned i = 0; i < vs->nextra; i++) {
			struct nc_sb sb = {0};
			nc_render_cell(&sb, m, vs->extra[i], NC_TIME_RFC3339);
			nc_sb_add(&sb, "", 1); /* the NUL */
			v->extra[i] = sb.p;
		}
	}
	v->next = vs->tab[b];
	vs->tab[b] = v;
	if (vs->n == vs->ordercap) {
		vs->ordercap = vs->ordercap ? vs->ordercap * 2 : 256;
		struct val **o =
		    realloc(vs->order, vs->ordercap * sizeof(void *));
		if (!o) {
			nc_errorf("transform: out of memory");
			exit(1);
		}
		vs->order = o;
	}
	vs->order[vs->n++] = v;
}

static void vals_free(struct vals *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		struct val *v = vs->order[i];
		for (unsigned k = 0; v->extra && k < vs->nextra; k++)
			free(v->extra[k]);
		free(v->extra);
		free(v->text);
		free(v);
	}
	free(vs->order);
	free(vs->tab);
	for (unsigned k = 0; k < vs->nextra; k++)
		free(vs->extraname[k]);
}

static const ProtobufCFieldDescriptor *
field_by_name(const ProtobufCMessageDescriptor *d, const char *name, size_t n)
{
	char buf[128];

	if (n >= sizeof(buf))
		return NULL;
	memcpy(buf, name, n);
	buf[n] = 0;
	return protobuf_c_message_descriptor_get_field_by_name(d, buf);
}

/* ---- field paths ------------------------------------------------------- */

#define PATH_DEPTH 4

/* "Field" or "Sub.Field" (down to PATH_DEPTH levels): f[0] a field of the
 * record, f[i + 1] a field of the sub-message f[i]. */
struct fpath {
	const ProtobufCFieldDescriptor *f[PATH_DEPTH];
	unsigned n;
};

/* Parse s[0..len) as a path of d; false if a name is not there. */
static bool path_parse(const ProtobufCMessageDescriptor *d, const char *s,
		       size_t len, struct fpath *p)
{
	p->n = 0;
	for (;;) {
		size_t k = 0;
		while (k < len && s[k] != '.')
			k++;
		if (!d || p->n == PATH_DEPTH)
			return false;
		const ProtobufCFieldDescriptor *f = field_by_name(d, s, k);
		if (!f)
			return false;
		p->f[p->n++] = f;
		if (k == len)
			return true;
		d = f->type == PROTOBUF_C_TYPE_MESSAGE ? f->descriptor : NULL;
		s += k + 1;
		len -= k + 1;
	}
}

/* Called with each text of a path in a record. */
typedef void (*visit_fn)(void *ctx, const char *s, size_t n);

/* The text of one string or bytes element at p. */
static void visit_elem(const ProtobufCFieldDescriptor *f, const void *p,
		       visit_fn fn, void *ctx)
{
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)p;
		if (s)
			fn(ctx, s, strlen(s));
	} else if (f->type == PROTOBUF_C_TYPE_BYTES) {
		const ProtobufCBinaryData *b = p;
		char buf[256];
		size_t n = 0;
		if (nc_render_is_addr(f))
			n = nc_render_addr(b->data, b->len, buf, sizeof(buf));
		else
			for (size_t i = 0; i < b->len && n + 3 < sizeof(buf);
			     i++)
				n += (size_t)snprintf(buf + n, sizeof(buf) - n,
						      "%02x", b->data[i]);
		fn(ctx, buf, n);
	}
}

/* Size of an element of a repeated string, bytes or message field; 0 for
   other types (their values are rendered whole). */
static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
	return f->type == PROTOBUF_C_TYPE_STRING ||
		       f->type == PROTOBUF_C_TYPE_BYTES ||
		       f->type == PROTOBUF_C_TYPE_MESSAGE
		   ? nc_pb_type_size(f->type)
		   : 0;
}

/* Call fn with the texts of path p from level depth in m: repeated
 * strings, bytes and sub-messages element by element, other fields as
 * their cell. A path that ends at a sub-message gives nothing. */
static void visit(const ProtobufCMessage *m, const struct fpath *p,
		  unsigned depth, visit_fn fn, void *ctx)
{
	const ProtobufCFieldDescriptor *f = p->f[depth];
	const char *base = (const char *)m;
	bool last = depth + 1 == p->n;

	if (f->label == PROTOBUF_C_LABEL_REPEATED && elem_size(f)) {
		size_t cnt = *(const size_t *)(base + f->quantifier_offset);
		const char *arr = *(char *const *)(base + f->offset);
		for (size_t i = 0; i < cnt; i++) {
			const void *ep = arr + i * elem_size(f);
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				const ProtobufCMessage *sm =
				    *(ProtobufCMessage *const *)ep;
				if (sm && !last)
					visit(sm, p, depth + 1, fn, ctx);
			} else {
				visit_elem(f, ep, fn, ctx);
			}
		}
		return;
	}
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *sm =
		    *(ProtobufCMessage *const *)(base + f->offset);
		if (sm && !last)
			visit(sm, p, depth + 1, fn, ctx);
		return;
	}
	struct nc_sb sb = {0};
	nc_render_cell(&sb, m, f, NC_TIME_RFC3339);
	fn(ctx, sb.p ? sb.p : "", sb.len);
	free(sb.p);
}

/* ---- mail addresses ---------------------------------------------------- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* fn(ctx, a) with a = sb without the white space around it, if any. */
static void addr_emit(const struct nc_sb *sb, visit_fn fn, void *ctx)
{
	size_t b = 0, e = sb->len;

	while (b < e && is_ws(sb->p[b]))
		b++;
	while (e > b && is_ws(sb->p[e - 1]))
		e--;
	if (e > b)
		fn(ctx, sb->p + b, e - b);
}

/*
 * The addresses of an RFC 5322 address list, "A <a@x>, b@y (B), G: c@z;":
 * mailboxes end at ',' or ';' outside quotes, comments and <>; a group's
 * name ends at ':'. Of each mailbox the text in <> when it has one, else
 * its text without comments; white space around it dropped.
 */
static void addr_list(const char *s, size_t n, visit_fn fn, void *ctx)
{
	struct nc_sb text = {0}, angle = {0};
	bool quote = false, inangle = false, hasangle = false;
	unsigned comment = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && (quote || comment) && i + 1 < n) {
			if (!comment)
				nc_sb_add(inangle ? &angle : &text, s + i, 2);
			i++;
			continue;
		}
		if (quote) {
			quote = c != '"';
			nc_sb_add(inangle ? &angle : &text, &c, 1);
			continue;
		}
		if (comment) {
			comment += c == '(';
			comment -= c == ')';
			continue;
		}
		if (c == '(') {
			comment = 1;
		} else if (c == '"') {
			quote = true;
			nc_sb_add(inangle ? &angle : &text, &c, 1);
		} else if (c == '<' && !inangle) {
			inangle = hasangle = true;
			angle.len = 0;
		} else if (c == '>' && inangle) {
			inangle = false;
		} else if (inangle) {
			nc_sb_add(&angle, &c, 1);
		} else if (c == ':') {
			text.len = 0; /* a group's name */
		} else if (c == ',' || c == ';') {
			addr_emit(hasangle ? &angle : &text, fn, ctx);
			text.len = angle.len = 0;
			hasangle = false;
		} else {
			nc_sb_add(&text, &c, 1);
		}
	}
	/* the last one, also when a quote, comment or <> is left open */
	addr_emit(hasangle ? &angle : &text, fn, ctx);
	free(text.p);
	free(angle.p);
}

/* ---- one pass over the records of one type ----------------------------- */

/* A filter condition: a path whose text is want (want NULL: one of the
 * keys, VALUE or what the via pass found). */
struct cond {
	struct fpath path;
	const char *want;
	size_t wantn;
};

#define SPEC_MAX 4

struct spec {
	const char *rec;
	int type;
	struct fpath val[SPEC_MAX]; /* the value paths */
	unsigned nval;
	struct cond cond[SPEC_MAX];
	unsigned ncond;
	bool haskey; /* a condition compares to the keys */
	bool addrs;  /* values are address lists */
};

/* Parse the record type, value paths (comma-separated) and filter
 * ("Path" or "Path=text", comma-separated) of a pass. On an error a
 * FatalError in r and -1. */
static int spec_parse(struct spec *s, const char *rec, size_t recn,
		      const char *field, size_t fieldn, const char *filter,
		      size_t filtern, struct resp *r)
{
	char name[64];

	memset(s, 0, sizeof(*s));
	if (recn >= sizeof(name)) {
		resp_msg(r, "FatalError", "no record type %.*s", (int)recn,
			 rec);
		return -1;
	}
	memcpy(name, rec, recn);
	name[recn] = 0;
	s->type = nc_rec_by_name(name);
	if (s->type < 0) {
		resp_msg(r, "FatalError", "no record type %s", name);
		return -1;
	}
	s->rec = nc_rec_name((enum nc_rec)s->type);
	const ProtobufCMessageDescriptor *d = nc_rec_desc((enum nc_rec)s->type);
	for (size_t i = 0; i < fieldn;) {
		size_t n = 0;
		while (i + n < fieldn && field[i + n] != ',')
			n++;
		if (s->nval == SPEC_MAX ||
		    !path_parse(d, field + i, n, &s->val[s->nval])) {
			resp_msg(r, "FatalError", "no field %.*s in %s", (int)n,
				 field + i, name);
			return -1;
		}
		s->nval++;
		i += n + 1;
	}
	for (size_t i = 0; i < filtern;) {
		size_t n = 0;
		while (i + n < filtern && filter[i + n] != ',')
			n++;
		const char *eq = memchr(filter + i, '=', n);
		size_t pn = eq ? (size_t)(eq - (filter + i)) : n;
		struct cond *c = &s->cond[s->ncond];
		if (s->ncond == SPEC_MAX ||
		    !path_parse(d, filter + i, pn, &c->path)) {
			resp_msg(r, "FatalError", "no field %.*s in %s",
				 (int)pn, filter + i, name);
			return -1;
		}
		if (eq) {
			c->want = eq + 1;
			c->wantn = n - pn - 1;
		} else {
			s->haskey = true;
		}
		s->ncond++;
		i += n + 1;
	}
	return 0;
}

struct match {
	const struct vals *keys;
	const char *want;
	size_t wantn;
	bool hit;
};

static void match_cb(void *ctx, const char *s, size_t n)
{
	struct match *mt = ctx;

	if (mt->hit)
		return;
	if (mt->want)
		mt->hit = n == mt->wantn && memcmp(s, mt->want, n) == 0;
	else
		mt->hit = mt->keys && vals_find(mt->keys, s, n) != NULL;
}

/* Every Path=text condition holds, and, if s has key conditions, one of
 * them has a text among keys. */
static bool spec_match(const struct spec *s, const ProtobufCMessage *m,
		       const struct vals *keys)
{
	bool key = !s->haskey;

	for (unsigned i = 0; i < s->ncond; i++) {
		const struct cond *c = &s->cond[i];
		if (!c->want && key)
			continue;
		struct match mt = {keys, c->want, c->wantn, false};
		visit(m, &c->path, 0, match_cb, &mt);
		if (c->want && !mt.hit)
			return false;
		if (!c->want && mt.hit)
			key = true;
	}
	return key;
}

struct collect {
	struct vals *vs;
	const ProtobufCMessage *rec;
};

static void collect_cb(void *ctx, const char *s, size_t n)
{
	struct collect *c = ctx;

	vals_add(c->vs, s, n, c->rec);
}

static void collect_addrs_cb(void *ctx, const char *s, size_t n)
{
	addr_list(s, n, collect_cb, ctx);
}

/* Files of type name in dir, sorted: <name>.ncap[.lz4], <name>.*.ncap[.lz4]. */
static int rec_files(const char *dir, const char *name, char ***out)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	int k = 0;
	size_t nl = strlen(name);

	if (n < 0)
		return -1;
	*out = xmalloc((size_t)(n + 1) * sizeof(char *));
	for (int i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		size_t el = strlen(e);
		bool ok = strncmp(e, name, nl) == 0 && e[nl] == '.' &&
			  nc_record_suffix(e) != 0;
		/* <name>.<stamp>.ncap: the stamp starts with a digit */
		if (ok && strcmp(e + nl, ".ncap.lz4") != 0 &&
		    strcmp(e + nl, ".ncap") != 0 &&
		    !(e[nl + 1] >= '0' && e[nl + 1] <= '9'))
			ok = false;
		if (ok) {
			size_t len = strlen(dir) + el + 2;
			(*out)[k] = xmalloc(len);
			snprintf((*out)[k], len, "%s/%s", dir, e);
			k++;
		}
		free(ents[i]);
	}
	free(ents);
	return k;
}

struct counts {
	int nfiles; /* -1: the directory could not be read */
	uint64_t nrec, nmatch;
};

/* Read the records of s's type in dir; of those that match (keys: the
 * texts key conditions compare to), add the texts of the value paths to
 * out. */
static void pass(const struct spec *s, const char *dir, const struct vals *keys,
		 struct vals *out, struct resp *r, struct counts *cn)
{
	char **files;
	int nf = rec_files(dir, s->rec, &files);

	memset(cn, 0, sizeof(*cn));
	if (nf < 0) {
		resp_msg(r, "FatalError", "cannot read directory %s: %s", dir,
			 strerror(errno));
		cn->nfiles = -1;
		return;
	}
	cn->nfiles = nf;
	for (int i = 0; i < nf; i++) {
		char err[512];
		struct nc_reader *rd =
		    nc_reader_open(files[i], err, sizeof(err));
		if (!rd) {
			resp_msg(r, "PartialError", "%s", err);
			continue;
		}
		if (nc_reader_type(rd) != s->type) {
			resp_msg(r, "PartialError", "%s: not %s records",
				 files[i], s->rec);
			nc_reader_close(rd);
			continue;
		}
		ProtobufCMessage *m;
		int rc;
		while ((rc = nc_reader_next_tmp(rd, &m)) == 1) {
			cn->nrec++;
			if (s->ncond && !spec_match(s, m, keys))
				continue;
			cn->nmatch++;
			struct collect c = {out, m};
			for (unsigned k = 0; k < s->nval; k++)
				visit(m, &s->val[k], 0,
				      s->addrs ? collect_addrs_cb : collect_cb,
				      &c);
		}
		if (rc < 0)
			resp_msg(r, "PartialError", "%s", nc_reader_error(rd));
		nc_reader_close(rd);
	}
	for (int i = 0; i < nf; i++)
		free(files[i]);
	free(files);
}

/* The via pass of t ("Type:Field:Filter"): the texts of Field in the
 * Type records whose Filter matches VALUE, into keys. 0, or -1 when
 * there is nothing to look for (the reason in r). */
static int run_via(const struct tx *t, const char *dir, const char *value,
		   struct vals *keys, struct resp *r)
{
	const char *v = t->via;
	size_t tn = strcspn(v, ":");
	const char *fld = v[tn] ? v + tn + 1 : v + tn;
	size_t fn = strcspn(fld, ":");
	const char *flt = fld[fn] ? fld + fn + 1 : "";
	struct spec s;
	struct vals found = {0};
	struct counts cn;

	if (spec_parse(&s, v, tn, fld, fn, flt, strlen(flt), r) < 0)
		return -1;
	pass(&s, dir, keys, &found, r, &cn);
	vals_free(keys);
	*keys = found;
	if (cn.nfiles < 0)
		return -1;
	if (cn.nfiles == 0)
		resp_msg(r, "Inform", "no %s records in %s", s.rec, dir);
	else if (found.n == 0)
		resp_msg(r, "Inform", "%s not found in %llu %s records", value,
			 (unsigned long long)cn.nrec, s.rec);
	return found.n ? 0 : -1;
}

static void run_tx(const struct tx *t, const char *dir, const char *value,
		   struct resp *r)
{
	struct spec s;
	struct vals keys = {0}, vs = {0};
	struct counts cn;

	if (spec_parse(&s, t->rec, strlen(t->rec), t->field, strlen(t->field),
		       t->filter ? t->filter : "",
		       t->filter ? strlen(t->filter) : 0, r) < 0)
		return;
	s.addrs = t->flags & TX_ADDRS;
	vals_add(&keys, value, strlen(value), NULL);
	if (t->via && run_via(t, dir, value, &keys, r) < 0) {
		vals_free(&keys);
		return;
	}
	const ProtobufCMessageDescriptor *d = nc_rec_desc((enum nc_rec)s.type);
	for (const char *p = t->extra; p && *p && vs.nextra < 8;) {
		size_t n = strcspn(p, ",");
		const ProtobufCFieldDescriptor *f = field_by_name(d, p, n);
		if (f) {
			vs.extra[vs.nextra] = f;
			vs.extraname[vs.nextra] = xmalloc(n + 1);
			memcpy(vs.extraname[vs.nextra], p, n);
			vs.nextra++;
		}
		p += n + (p[n] == ',');
	}
	pass(&s, dir, &keys, &vs, r, &cn);
	vals_free(&keys);
	if (cn.nfiles < 0) {
		vals_free(&vs);
		return;
	}

	for (size_t i = 0; i < vs.n; i++) {
		const struct val *v = vs.order[i];
		char w[32];
		nc_sb_puts(&r->ents, "<Entity Type=\"");
		nc_sb_puts(&r->ents, t->out);
		nc_sb_puts(&r->ents, "\"><Value>");
		xml_add(&r->ents, v->text, v->n);
		snprintf(w, sizeof(w), "%llu",
			 (unsigned long long)(v->count > WEIGHT_MAX
						  ? WEIGHT_MAX
						  : v->count));
		nc_sb_puts(&r->ents, "</Value><Weight>");
		nc_sb_puts(&r->ents, w);
		nc_sb_puts(&r->ents, "</Weight>\n<AdditionalFields>");
		resp_field(&r->ents, "path", "Path", dir, strlen(dir));
		snprintf(w, sizeof(w), "%llu", (unsigned long long)v->count);
		resp_field(&r->ents, "count", "Records", w, strlen(w));
		for (unsigned k = 0; k < vs.nextra; k++)
			resp_field(&r->ents, vs.extraname[k], vs.extraname[k],
				   v->extra[k], strlen(v->extra[k]));
		nc_sb_puts(&r->ents, "</AdditionalFields></Entity>\n");
	}
	if (cn.nfiles == 0)
		resp_msg(r, "Inform", "no %s records in %s", t->rec, dir);
	else if (s.haskey && cn.nmatch == 0)
		resp_msg(r, "Inform", "%s not found in %llu %s records", value,
			 (unsigned long long)cn.nrec, t->rec);
	else
		resp_msg(r, "Inform", "%s: %zu values from %llu %s records",
			 t->name, vs.n, (unsigned long long)cn.nmatch, t->rec);
	vals_free(&vs);
}

/* ---- the Maltego configuration archive --------------------------------- */

#ifdef NC_NO_ZIP
#include "static_stubs.h"

/* build/netcap-static (make static) has no libzip */
static int export_config(const char *out)
{
	(void)out;
	return nc_no_feature("zip archive (--export-config)");
}
#else

static const char *const entities[] = {
    DIRENT,
    "netcap.Device",
    IPENT,
    "netcap.DNSName",
    "netcap.Host",
    "netcap.URL",
    "netcap.UserAgent",
    "netcap.SNI",
    "netcap.JA3",
    "netcap.JA4",
    "netcap.Software",
    "netcap.Service",
    "netcap.Credentials",
    "netcap.File",
    "netcap.Email",
    "netcap.Vulnerability",
    "netcap.Exploit",
    "netcap.Connection",
    "netcap.HTTPCookie",
    "netcap.HTTPCookieValue",
    "netcap.SSHClient",
    "netcap.SSHServer",
    "netcap.EmailAddress",
};
#define NENT (sizeof(entities) / sizeof(entities[0]))

static int zadd(zip_t *z, const char *name, struct nc_sb *sb)
{
	zip_source_t *s = zip_source_buffer(z, sb->p, sb->len, 1);
	if (!s)
		return -1;
	sb->p = NULL;
	sb->len = sb->cap = 0;
	if (zip_file_add(z, name, s, ZIP_FL_OVERWRITE) < 0) {
		zip_source_free(s);
		return -1;
	}
	return 0;
}

static void prop(struct nc_sb *sb, const char *name, const char *type,
		 const char *disp)
{
	nc_sb_puts(sb, "<Property name=\"");
	nc_sb_puts(sb, name);
	nc_sb_puts(sb, "\" type=\"");
	nc_sb_puts(sb, type);
	nc_sb_puts(sb, "\" nullable=\"true\" hidden=\"false\" "
		       "readonly=\"false\" description=\"\" popup=\"false\" "
		       "abstract=\"false\" visibility=\"public\" "
		       "auth=\"false\" displayName=\"");
	nc_sb_puts(sb, disp);
	nc_sb_puts(sb, "\"><SampleValue></SampleValue></Property>\n");
}

static void setting(struct nc_sb *sb, const char *name, const char *type,
		    const char *val)
{
	nc_sb_puts(sb, "<Property name=\"");
	nc_sb_puts(sb, name);
	nc_sb_puts(sb, "\" type=\"");
	nc_sb_puts(sb, type);
	nc_sb_puts(sb, "\" popup=\"false\">");
	xml_puts(sb, val);
	nc_sb_puts(sb, "</Property>\n");
}

static int export_config(const char *out)
{
	char self[PATH_MAX];
	ssize_t sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int zerr;
	char name[256];

	if (sn < 0) {
		nc_errorf("transform: /proc/self/exe: %s", strerror(errno));
		return 1;
	}
	self[sn] = 0;
	zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		nc_errorf("transform: %s: %s", out, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return 1;
	}
	struct nc_sb sb = {0};
	int bad = 0;

	nc_sb_puts(&sb, "<EntityCategory name=\"Netcap\"/>\n");
	bad |= zadd(z, "EntityCategories/netcap.category", &sb);
	for (size_t i = 0; i < NENT; i++) {
		const char *e = entities[i];
		const char *shortn = e + strlen("netcap.");
		nc_sb_puts(&sb, "<MaltegoEntity id=\"");
		nc_sb_puts(&sb, e);
		nc_sb_puts(&sb, "\" displayName=\"");
		nc_sb_puts(&sb, shortn);
		nc_sb_puts(&sb, "\" displayNamePlural=\"");
		nc_sb_puts(&sb, shortn);
		nc_sb_puts(&sb, "s\" description=\"netcap ");
		nc_sb_puts(&sb, shortn);
		nc_sb_puts(&sb, "\" category=\"Netcap\" "
				"smallIconResource=\"General/SharkAttack\" "
				"largeIconResource=\"General/SharkAttack\" "
				"allowedRoot=\"true\" "
				"conversionOrder=\"2147483647\" "
				"visible=\"true\">\n"
				"<Properties value=\"properties.value\" "
				"displayValue=\"properties.value\">\n"
				"<Groups/>\n<Fields>\n"
				"<Field name=\"properties.value\" "
				"type=\"string\" nullable=\"true\" "
				"hidden=\"false\" readonly=\"false\" "
				"description=\"\" displayName=\"");
		nc_sb_puts(&sb, shortn);
		nc_sb_puts(&sb, "\"><SampleValue>-</SampleValue></Field>\n"
				"<Field name=\"path\" type=\"string\" "
				"nullable=\"true\" hidden=\"false\" "
				"readonly=\"false\" description=\"record "
				"directory\" displayName=\"Path\">"
				"<SampleValue></SampleValue></Field>\n"
				"</Fields>\n</Properties>\n</MaltegoEntity>\n");
		snprintf(name, sizeof(name), "Entities/%s.entity", e);
		bad |= zadd(z, name, &sb);
	}
	nc_sb_puts(&sb, "<TransformSet name=\"Netcap\" "
			"description=\"netcap transforms\">\n<Transforms>\n");
	for (size_t i = 0; i < NTX; i++) {
		nc_sb_puts(&sb, "<Transform name=\"netcap.");
		nc_sb_puts(&sb, txs[i].name);
		nc_sb_puts(&sb, "\"/>\n");
	}
	nc_sb_puts(&sb, "</Transforms>\n</TransformSet>\n");
	bad |= zadd(z, "TransformSets/netcap.set", &sb);
	/* the local "server" that lists the local transforms */
	nc_sb_puts(&sb, "<MaltegoServer name=\"Local\" enabled=\"true\" "
			"description=\"Local transforms hosted on this "
			"machine\" url=\"http://localhost\">\n"
			"<LastSync>2026-01-01 00:00:00 UTC</LastSync>\n"
			"<Protocol version=\"0.0\"/>\n"
			"<Authentication type=\"none\"/>\n<Transforms>\n");
	for (size_t i = 0; i < NTX; i++) {
		nc_sb_puts(&sb, "<Transform name=\"netcap.");
		nc_sb_puts(&sb, txs[i].name);
		nc_sb_puts(&sb, "\"/>\n");
	}
	nc_sb_puts(&sb, "</Transforms>\n<Seeds/>\n</MaltegoServer>\n");
	bad |= zadd(z, "Servers/Local.tas", &sb);

	for (size_t i = 0; i < NTX; i++) {
		const struct tx *t = &txs[i];
		nc_sb_puts(&sb, "<MaltegoTransform name=\"netcap.");
		nc_sb_puts(&sb, t->name);
		nc_sb_puts(&sb, "\" displayName=\"");
		nc_sb_puts(&sb, t->name);
		nc_sb_puts(&sb, "\" abstract=\"false\" template=\"false\" "
				"visibility=\"public\" description=\"");
		xml_puts(&sb, t->descr);
		nc_sb_puts(&sb,
			   "\" author=\"netcap\" "
			   "requireDisplayInfo=\"false\">\n"
			   "<TransformAdapter>com.paterva.maltego."
			   "transform.protocol.v2api.LocalTransformAdapterV2"
			   "</TransformAdapter>\n<Properties>\n<Fields>\n");
		prop(&sb, "transform.local.command", "string", "Command line");
		prop(&sb, "transform.local.parameters", "string",
		     "Command parameters");
		prop(&sb, "transform.local.working-directory", "string",
		     "Working directory");
		prop(&sb, "transform.local.debug", "boolean",
		     "Show debug info");
		nc_sb_puts(&sb, "</Fields>\n</Properties>\n<InputConstraints>"
				"<Entity type=\"");
		nc_sb_puts(&sb, t->in);
		nc_sb_puts(&sb, "\" min=\"1\" max=\"1\"/></InputConstraints>\n"
				"<OutputEntities><Entity type=\"");
		nc_sb_puts(&sb, t->out);
		nc_sb_puts(&sb, "\"/></OutputEntities>\n<defaultSets>"
				"<Set name=\"Netcap\"/></defaultSets>\n"
				"<StealthLevel>0</StealthLevel>\n"
				"</MaltegoTransform>\n");
		snprintf(name, sizeof(name),
			 "TransformRepositories/Local/netcap.%s.transform",
			 t->name);
		bad |= zadd(z, name, &sb);

		char params[128];
		snprintf(params, sizeof(params), "transform %s", t->name);
		nc_sb_puts(&sb, "<TransformSettings enabled=\"true\" "
				"disclaimerAccepted=\"false\" "
				"showHelp=\"true\" runWithAll=\"true\" "
				"favorite=\"false\">\n<Properties>\n");
		setting(&sb, "transform.local.command", "string", self);
		setting(&sb, "transform.local.parameters", "string", params);
		setting(&sb, "transform.local.working-directory", "string",
			"/");
		setting(&sb, "transform.local.debug", "boolean", "false");
		nc_sb_puts(&sb, "</Properties>\n</TransformSettings>\n");
		snprintf(name, sizeof(name),
			 "TransformRepositories/Local/"
			 "netcap.%s.transformsettings",
			 t->name);
		bad |= zadd(z, name, &sb);
	}
	free(sb.p);
	if (bad) {
		nc_errorf("transform: %s: %s", out, zip_strerror(z));
		zip_discard(z);
		return 1;
	}
	if (zip_close(z) < 0) {
		nc_errorf("transform: %s: %s", out, zip_strerror(z));
		zip_discard(z);
		return 1;
	}
	return 0;
}
#endif /* NC_NO_ZIP */

/* ---- the command ------------------------------------------------------- */

static void tx_usage(FILE *f)
{
	fputs("usage: netcap transform [--dir DIR] NAME VALUE [PROPERTIES]\n"
	      "       netcap transform --list\n"
	      "       netcap transform --export-config OUT.mtz\n"
	      "Maltego local transforms over the record files of DIR (or the\n"
	      "property path=DIR). See docs/TOOLS.md.\n",
	      f);
}

int nc_cmd_transform(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"list", no_argument, NULL, 'l'},
	    {"export-config", required_argument, NULL, 'x'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *mtz = NULL;
	bool list = false;
	int c;

	optind = 1;
	opterr = 0;
	/* "+": options only before NAME; VALUE may start with '-' */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			list = true;
			break;
		case 'x':
			mtz = optarg;
			break;
		case 'h':
			tx_usage(stdout);
			return 0;
		case ':':
			nc_errorf("transform: option '%s' needs a value",
				  argv[optind - 1]);
			return 2;
		default:
			nc_errorf("transform: unknown option '%s' (try "
				  "'netcap transform --help')",
				  argv[optind - 1]);
			return 2;
		}
	}
	if (list) {
		for (size_t i = 0; i < NTX; i++)
			printf("%s\n", txs[i].name);
		return fflush(stdout) ? 1 : 0;
	}
	if (mtz)
		return export_config(mtz);
	if (argc - optind < 2 || argc - optind > 3) {
		nc_errorf("transform: expected NAME VALUE [PROPERTIES] (try "
			  "'netcap transform --help')");
		return 2;
	}
	const char *name = argv[optind], *value = argv[optind + 1];
	const char *props = argc - optind == 3 ? argv[optind + 2] : "";
	struct resp r = {0};
	const struct tx *t = NULL;

	for (size_t i = 0; i < NTX; i++)
		if (strcmp(txs[i].name, name) == 0)
			t = &txs[i];
	if (!t) {
		resp_msg(&r, "FatalError",
			 "unknown transform %s (netcap transform --list)",
			 name);
		return resp_end(&r);
	}
	char pathbuf[PATH_MAX];
	int pr = prop_get(props, "path", pathbuf, sizeof(pathbuf));
	if (pr < 0) {
		resp_msg(&r, "FatalError", "malformed properties: %s", props);
		return resp_end(&r);
	}
	struct stat st;
	if (!dir && pr == 1) {
		dir = pathbuf;
		if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
			char *slash = strrchr(pathbuf, '/');
			if (slash == pathbuf)
				slash[1] = 0;
			else if (slash)
				*slash = 0;
			else
				strcpy(pathbuf, ".");
		}
	}
	if (!dir && strcmp(t->in, DIRENT) == 0 && stat(value, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		dir = value;
	if (!dir) {
		resp_msg(&r, "FatalError",
			 "no record directory: set the property path (or "
			 "--dir)");
		return resp_end(&r);
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		resp_msg(&r, "FatalError", "%s: %s", dir,
			 stat(dir, &st) != 0 ? strerror(errno)
					     : "not a directory");
		return resp_end(&r);
	}
	run_tx(t, dir, value, &r);
	return resp_end(&r);
}
