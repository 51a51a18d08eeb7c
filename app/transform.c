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
 * filter field(s) render as VALUE (when the transform has a filter), and
 * emit one entity per distinct non-empty text of the value field (a
 * "Sub.Field" path reaches into a sub-message; repeated fields give one
 * value per element). Texts are render.h's cell notation (addresses as
 * text). Weight: the number of supporting records, capped at 100; the
 * uncapped count is the additional field "count".
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
#include <zip.h>

#include "app.h"
#include "ncfile.h"
#include "rec.h"
#include "render.h"

/* One transform: one line. extra: comma-separated fields whose text (of
 * the first supporting record) becomes an additional field. */
struct tx {
	const char *name;
	const char *rec;   /* record type */
	const char *field; /* value field, "Sub.Field" into a sub-message */
	const char
	    *filter;	 /* NULL, or comma-separated fields matched to VALUE */
	const char *in;	 /* input entity type */
	const char *out; /* output entity type */
	const char *extra; /* NULL or comma-separated fields */
	const char *descr;
};

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

static void vals_add(struct vals *vs, const char *s, size_t n,
		     const ProtobufCMessage *m)
{
	if (n == 0)
		return;
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
	for (struct val *v = vs->tab[b]; v; v = v->next)
		if (v->n == n && memcmp(v->text, s, n) == 0) {
			v->count++;
			return;
		}
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

/* A value field: f, and sub (the field inside it) for "Sub.Field". */
struct vfield {
	const ProtobufCFieldDescriptor *f, *sub;
};

/* Add the text of element i of repeated / singular field f of m. */
static void add_elem(struct vals *vs, const ProtobufCMessage *m,
		     const ProtobufCFieldDescriptor *f, const void *p,
		     const ProtobufCMessage *rec)
{
	(void)m;
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)p;
		if (s)
			vals_add(vs, s, strlen(s), rec);
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
		vals_add(vs, buf, n, rec);
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

/* The values of field f of m (any type; repeated strings, bytes and
 * sub-messages element by element). */
static void field_values(struct vals *vs, const ProtobufCMessage *m,
			 const ProtobufCFieldDescriptor *f,
			 const ProtobufCFieldDescriptor *sub,
			 const ProtobufCMessage *rec)
{
	const char *base = (const char *)m;

	if (f->label == PROTOBUF_C_LABEL_REPEATED && elem_size(f)) {
		size_t cnt = *(const size_t *)(base + f->quantifier_offset);
		const char *arr = *(char *const *)(base + f->offset);
		for (size_t i = 0; i < cnt; i++) {
			const void *p = arr + i * elem_size(f);
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				const ProtobufCMessage *sm =
				    *(ProtobufCMessage *const *)p;
				if (sm && sub)
					field_values(vs, sm, sub, NULL, rec);
			} else {
				add_elem(vs, m, f, p, rec);
			}
		}
		return;
	}
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *sm =
		    *(ProtobufCMessage *const *)(base + f->offset);
		if (sm && sub)
			field_values(vs, sm, sub, NULL, rec);
		return;
	}
	struct nc_sb sb = {0};
	nc_render_cell(&sb, m, f, NC_TIME_RFC3339);
	vals_add(vs, sb.p ? sb.p : "", sb.len, rec);
	free(sb.p);
}

/* Does any filter field of m render as value? */
static bool filter_match(const ProtobufCMessage *m,
			 const ProtobufCFieldDescriptor *const *flt,
			 unsigned nflt, const char *value)
{
	bool hit = false;

	for (unsigned i = 0; i < nflt && !hit; i++) {
		struct nc_sb sb = {0};
		nc_render_cell(&sb, m, flt[i], NC_TIME_RFC3339);
		hit = sb.p && sb.len == strlen(value) &&
		      memcmp(sb.p, value, sb.len) == 0;
		free(sb.p);
	}
	return hit;
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

static void run_tx(const struct tx *t, const char *dir, const char *value,
		   struct resp *r)
{
	int type = nc_rec_by_name(t->rec);
	const ProtobufCMessageDescriptor *d =
	    nc_rec_desc((enum nc_rec)(type < 0 ? 0 : type));
	struct vals vs = {0};
	struct vfield vf = {0};
	const ProtobufCFieldDescriptor *flt[4];
	unsigned nflt = 0;
	uint64_t nrec = 0, nmatch = 0;

	const char *dot = strchr(t->field, '.');
	vf.f = field_by_name(d, t->field,
			     dot ? (size_t)(dot - t->field) : strlen(t->field));
	if (dot && vf.f && vf.f->type == PROTOBUF_C_TYPE_MESSAGE)
		vf.sub =
		    field_by_name(vf.f->descriptor, dot + 1, strlen(dot + 1));
	if (type < 0 || !vf.f || (dot && !vf.sub)) {
		resp_msg(r, "FatalError", "%s: no field %s in %s", t->name,
			 t->field, t->rec);
		return;
	}
	for (const char *p = t->filter; p && *p && nflt < 4;) {
		size_t n = strcspn(p, ",");
		flt[nflt] = field_by_name(d, p, n);
		if (flt[nflt])
			nflt++;
		p += n + (p[n] == ',');
	}
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

	char **files;
	int nf = rec_files(dir, t->rec, &files);
	if (nf < 0) {
		resp_msg(r, "FatalError", "cannot read directory %s: %s", dir,
			 strerror(errno));
		vals_free(&vs);
		return;
	}
	for (int i = 0; i < nf; i++) {
		char err[512];
		struct nc_reader *rd =
		    nc_reader_open(files[i], err, sizeof(err));
		if (!rd) {
			resp_msg(r, "PartialError", "%s", err);
			continue;
		}
		if (nc_reader_type(rd) != type) {
			resp_msg(r, "PartialError", "%s: not %s records",
				 files[i], t->rec);
			nc_reader_close(rd);
			continue;
		}
		ProtobufCMessage *m;
		int rc;
		while ((rc = nc_reader_next_tmp(rd, &m)) == 1) {
			nrec++;
			if (t->filter && !filter_match(m, flt, nflt, value))
				continue;
			nmatch++;
			field_values(&vs, m, vf.f, vf.sub, m);
		}
		if (rc < 0)
			resp_msg(r, "PartialError", "%s", nc_reader_error(rd));
		nc_reader_close(rd);
	}
	for (int i = 0; i < nf; i++)
		free(files[i]);
	free(files);

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
	if (nf == 0)
		resp_msg(r, "Inform", "no %s records in %s", t->rec, dir);
	else if (t->filter && nmatch == 0)
		resp_msg(r, "Inform", "%s not found in %llu %s records", value,
			 (unsigned long long)nrec, t->rec);
	else
		resp_msg(r, "Inform", "%s: %zu values from %llu %s records",
			 t->name, vs.n, (unsigned long long)nmatch, t->rec);
	vals_free(&vs);
}

/* ---- the Maltego configuration archive --------------------------------- */

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
	if (!dir && !t->filter && stat(value, &st) == 0 && S_ISDIR(st.st_mode))
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
