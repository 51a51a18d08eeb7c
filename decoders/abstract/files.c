/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * files.c: the File abstraction (files.h): incremental hashes, the MIME
 * type from the first bytes, the File record, the optional sink.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "files.h"
#include "netcap.pb-c.h"

struct nc_file {
	EVP_MD_CTX *md[3]; /* MD5, SHA-1, SHA-256; NULL if libcrypto failed */
	int64_t ts;
	int64_t len;
	int from;
	void *sink_h; /* the sink's handle, or NULL */
	uint32_t head_len;
	uint8_t head[NC_FILE_HEAD];
	char ident[48];
	char source[32];
	char name[512];
	char ctype[128];
	char host[256];
	char enc[32];
};

static const struct nc_file_sink *sink_of(const struct nc_app_ctx *x)
{
	return x->tab ? nc_app_config(x->tab)->file_sink : NULL;
}

bool nc_file_wanted(const struct nc_app_ctx *x)
{
	return nc_want(x->d, NC_REC_FILE) || sink_of(x) != NULL;
}

static void copy_text(char *out, size_t cap, const char *s)
{
	if (!s)
		s = "";
	nc_app_text(out, cap, (const uint8_t *)s, strlen(s));
}

int nc_file_hashes_parse(const char *list, unsigned *mask, char *err,
			 size_t errlen)
{
	static const char *const names[] = {"md5", "sha1", "sha256"};
	unsigned m = NC_FILE_MD5;
	const char *p = list ? list : "";

	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned i = 0;
		if (n == 3 && !strncmp(p, "all", 3)) {
			m = NC_FILE_MD5 | NC_FILE_SHA1 | NC_FILE_SHA256;
		} else {
			for (i = 0; i < 3; i++)
				if (strlen(names[i]) == n &&
				    !strncmp(p, names[i], n))
					break;
			if (i == 3) {
				snprintf(err, errlen,
					 "unknown hash '%.*s' (md5, sha1, "
					 "sha256, all)",
					 (int)(n < 32 ? n : 32), p);
				return -1;
			}
			m |= 1u << i;
		}
		p += n;
		if (*p == ',' && !*++p) {
			snprintf(err, errlen, "empty hash name at the end");
			return -1;
		}
	}
	*mask = m;
	return 0;
}

static const EVP_MD *md_alg(int i)
{
	return i == 0 ? EVP_md5() : i == 1 ? EVP_sha1() : EVP_sha256();
}

struct nc_file *nc_file_open(struct nc_app_ctx *x, int from, const char *source,
			     const char *name, const char *content_type,
			     const char *host, const char *encoding)
{
	if (!nc_file_wanted(x))
		return NULL;
	struct nc_file *f = nc_app_alloc(x, sizeof(*f));
	if (!f)
		return NULL;
	f->ts = x->c->ts;
	f->from = from;
	unsigned hashes =
	    x->tab ? nc_app_config(x->tab)->file_hashes : NC_FILE_MD5;
	for (int i = 0; i < 3; i++) {
		f->md[i] = NULL;
		if (i > 0 && !(hashes & (1u << i)))
			continue;
		f->md[i] = EVP_MD_CTX_new();
		if (f->md[i] && !EVP_DigestInit_ex(f->md[i], md_alg(i), NULL)) {
			EVP_MD_CTX_free(f->md[i]);
			f->md[i] = NULL;
		}
	}
	uint32_t seq = x->seq ? ++*x->seq : 0;
	snprintf(f->ident, sizeof(f->ident), "%s-%u", x->c->uid, seq);
	copy_text(f->source, sizeof(f->source), source);
	copy_text(f->name, sizeof(f->name), name);
	copy_text(f->ctype, sizeof(f->ctype), content_type);
	copy_text(f->host, sizeof(f->host), host);
	copy_text(f->enc, sizeof(f->enc), encoding);

	const struct nc_file_sink *s = sink_of(x);
	if (s && s->open) {
		struct nc_file_info fi = {
		    .c = x->c,
		    .from = from,
		    .ts = f->ts,
		    .ident = f->ident,
		    .source = f->source,
		    .name = f->name,
		    .content_type = f->ctype,
		    .host = f->host,
		    .encoding = f->enc,
		};
		f->sink_h = s->open(s->arg, &fi);
	}
	return f;
}

void nc_file_write(struct nc_app_ctx *x, struct nc_file *f, const uint8_t *p,
		   size_t len)
{
	if (!f || len == 0)
		return;
	for (int i = 0; i < 3; i++)
		if (f->md[i])
			EVP_DigestUpdate(f->md[i], p, len);
	if (f->head_len < NC_FILE_HEAD) {
		size_t n = NC_FILE_HEAD - f->head_len;
		if (n > len)
			n = len;
		memcpy(f->head + f->head_len, p, n);
		f->head_len += (uint32_t)n;
	}
	f->len += (int64_t)len;
	const struct nc_file_sink *s = sink_of(x);
	if (f->sink_h && s && s->write)
		s->write(s->arg, f->sink_h, p, len);
}

int64_t nc_file_length(const struct nc_file *f)
{
	return f ? f->len : 0;
}

/* Finish digest i into hex (out: 2 * 64 + 1 bytes); "" if none. */
static void md_hex(struct nc_file *f, int i, char *out)
{
	static const char hexd[] = "0123456789abcdef";
	unsigned char v[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (!f->md[i] || !EVP_DigestFinal_ex(f->md[i], v, &n))
		return;
	for (unsigned int k = 0; k < n && k < 64; k++) {
		out[2 * k] = hexd[v[k] >> 4];
		out[2 * k + 1] = hexd[v[k] & 15];
	}
	out[2 * (n < 64 ? n : 64)] = '\0';
}

void nc_file_close(struct nc_app_ctx *x, struct nc_file *f, bool truncated)
{
	char hex[3][2 * EVP_MAX_MD_SIZE + 1];
	char loc[512] = "";

	if (!f)
		return;
	for (int i = 0; i < 3; i++) {
		md_hex(f, i, hex[i]);
		EVP_MD_CTX_free(f->md[i]);
	}
	const char *mime = nc_file_mime(f->head, f->head_len);
	const struct nc_file_sink *s = sink_of(x);
	if (f->sink_h && s && s->close) {
		struct nc_file_done fd = {
		    .length = f->len,
		    .md5 = hex[0],
		    .sha1 = hex[1],
		    .sha256 = hex[2],
		    .content_type_detected = mime,
		    .truncated = truncated,
		};
		s->close(s->arg, f->sink_h, &fd, loc, sizeof(loc));
		loc[sizeof(loc) - 1] = '\0';
	}
	if (nc_want(x->d, NC_REC_FILE)) {
		char lt[sizeof(loc)];
		copy_text(lt, sizeof(lt), loc);
		Netcap__File r = NETCAP__FILE__INIT;
		r.timestamp = f->ts;
		r.name = f->name;
		r.length = f->len;
		r.hash = hex[0];
		r.location = lt;
		r.ident = f->ident;
		r.source = f->source;
		r.contenttype = f->ctype;
		r.host = f->host;
		r.contenttypedetected = nc_app_str(mime);
		nc_app_ends(x->c, f->from, &r.srcip, &r.dstip, &r.srcport,
			    &r.dstport);
		r.uid = nc_app_str(x->c->uid);
		r.sha1 = hex[1];
		r.sha256 = hex[2];
		r.truncated = truncated;
		r.contentencoding = f->enc;
		nc_emit(x->d, NC_REC_FILE, &r.base);
	}
	nc_app_free(x, f, sizeof(*f));
}

/* ---------------------------------------------------------------------- */
/* MIME type from the first bytes */

struct magic {
	uint8_t off, len;
	const char *sig;
	const char *mime;
};

/* Fixed signatures at fixed offsets; the first match wins. */
static const struct magic magics[] = {
    {0, 8, "\x89PNG\r\n\x1a\n", "image/png"},
    {0, 3, "\xff\xd8\xff", "image/jpeg"},
    {0, 6, "GIF87a", "image/gif"},
    {0, 6, "GIF89a", "image/gif"},
    {0, 5, "%PDF-", "application/pdf"},
    {0, 4, "PK\x03\x04", "application/zip"},
    {0, 4, "PK\x05\x06", "application/zip"},
    {0, 3, "\x1f\x8b\x08", "application/x-gzip"},
    {0, 3, "BZh", "application/x-bzip2"},
    {0, 6, "7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"},
    {0, 6,
     "\xfd"
     "7zXZ\x00",
     "application/x-xz"},
    {0, 7, "Rar!\x1a\x07\x00", "application/x-rar-compressed"},
    {0, 4,
     "\x7f"
     "ELF",
     "application/x-elf"},
    {0, 2, "MZ", "application/vnd.microsoft.portable-executable"},
    {0, 4, "\xcf\xfa\xed\xfe", "application/x-mach-binary"},
    {0, 4, "\xca\xfe\xba\xbe", "application/java-vm"},
    {0, 4,
     "\x00"
     "asm",
     "application/wasm"},
    {0, 4, "%!PS", "application/postscript"},
    {0, 5, "{\\rtf", "text/rtf"},
    {0, 4, "OggS", "application/ogg"},
    {0, 3, "ID3", "audio/mpeg"},
    {0, 4, "fLaC", "audio/flac"},
    {0, 4, "\x1a\x45\xdf\xa3", "video/webm"},
    {0, 3, "FWS", "application/x-shockwave-flash"},
    {0, 3, "CWS", "application/x-shockwave-flash"},
    {0, 4, "wOFF", "font/woff"},
    {0, 4, "wOF2", "font/woff2"},
    {0, 4, "\x00\x00\x01\x00", "image/x-icon"},
    {0, 4, "\x00\x00\x02\x00", "image/x-icon"},
    {0, 4, "II*\x00", "image/tiff"},
    {0, 4, "MM\x00*", "image/tiff"},
    {4, 4, "ftyp", "video/mp4"},
    {0, 2, "BM", "image/bmp"},
};

static bool at(const uint8_t *p, size_t len, size_t off, const char *s,
	       size_t n)
{
	return len >= off + n && memcmp(p + off, s, n) == 0;
}

static bool is_ws(uint8_t b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f';
}

/* Does p start with tag (upper case), case-insensitively, followed by
   a space or '>' (HTML sniffing, WHATWG MIME Sniffing 7.1)? */
static bool html_tag(const uint8_t *p, size_t len, const char *tag)
{
	size_t n = strlen(tag);
	if (len < n + 1)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];
		if (b >= 'a' && b <= 'z')
			b = (uint8_t)(b - 32);
		if (b != (uint8_t)tag[i])
			return false;
	}
	return p[n] == ' ' || p[n] == '>';
}

/* A binary octet (WHATWG MIME Sniffing: binary data bytes). */
static bool binary_octet(uint8_t b)
{
	return b <= 0x08 || b == 0x0b || (b >= 0x0e && b <= 0x1a) ||
	       (b >= 0x1c && b <= 0x1f);
}

const char *nc_file_mime(const uint8_t *p, size_t len)
{
	static const char *const tags[] = {"<!DOCTYPE HTML",
					   "<HTML",
					   "<HEAD",
					   "<SCRIPT",
					   "<IFRAME",
					   "<H1",
					   "<DIV",
					   "<FONT",
					   "<TABLE",
					   "<A",
					   "<STYLE",
					   "<TITLE",
					   "<B",
					   "<BODY",
					   "<BR",
					   "<P",
					   "<!--"};

	if (len == 0)
		return "";
	if (len > NC_FILE_HEAD)
		len = NC_FILE_HEAD;
	if (at(p, len, 0, "RIFF", 4) && at(p, len, 8, "WEBP", 4))
		return "image/webp";
	if (at(p, len, 0, "RIFF", 4) && at(p, len, 8, "WAVE", 4))
		return "audio/wave";
	if (at(p, len, 0, "RIFF", 4) && at(p, len, 8, "AVI ", 4))
		return "video/avi";
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (at(p, len, magics[i].off, magics[i].sig, magics[i].len))
			return magics[i].mime;
	/* byte order marks */
	if (at(p, len, 0, "\xef\xbb\xbf", 3) || at(p, len, 0, "\xfe\xff", 2) ||
	    at(p, len, 0, "\xff\xfe", 2))
		return "text/plain; charset=utf-8";

	size_t i = 0;
	while (i < len && is_ws(p[i]))
		i++;
	for (size_t k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
		if (html_tag(p + i, len - i, tags[k]))
			return "text/html; charset=utf-8";
	if (at(p, len, i, "<?xml", 5))
		return "text/xml; charset=utf-8";
	if (i < len && (p[i] == '{' || p[i] == '[')) {
		/* JSON (RFC 8259): an object starts with a member name or
		   ends; an array with a value or ends */
		size_t j = i + 1;
		while (j < len && is_ws(p[j]))
			j++;
		if (j < len) {
			uint8_t b = p[j];
			bool ok = p[i] == '{'
				      ? (b == '"' || b == '}')
				      : (b == '"' || b == '{' || b == '[' ||
					 b == ']' || b == '-' || b == 't' ||
					 b == 'f' || b == 'n' ||
					 (b >= '0' && b <= '9'));
			if (ok)
				return "application/json";
		}
	}
	for (size_t k = 0; k < len; k++)
		if (binary_octet(p[k]))
			return "application/octet-stream";
	return "text/plain; charset=utf-8";
}
