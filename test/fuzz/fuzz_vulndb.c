/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_vulndb.c: libFuzzer target for the two local files capture reads
 * at start (decoders/abstract/vulndb.c, indicators.c).
 * Input: one mode octet, then the file.
 *   mode even: a vulnerability database without its end line; the target
 *              appends "end\t<SHA-256>\n" so that the content, not the
 *              checksum, is exercised; when it loads, Software records of
 *              several versions are matched (Vulnerability and Exploit
 *              records through fz_sink, which checks their packing).
 *   mode odd:  an indicator list; when it loads, DNS, Connection,
 *              TLSClientHello and SSH records are checked against it.
 */
#include <openssl/evp.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "indicators.h"
#include "vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int to_memfd(const uint8_t *p, size_t n, char *path, size_t cap)
{
	int fd = memfd_create("fuzz_vulndb", 0);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < n;) {
		ssize_t k = write(fd, p + off, n - off);
		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

static void fuzz_db(struct nc_dec *d, const uint8_t *p, size_t n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdl = 0;
	char path[64], err[512], tail[70];
	uint8_t *buf = malloc(n + sizeof(tail));

	if (!buf || EVP_Digest(p, n, md, &mdl, EVP_sha256(), NULL) != 1)
		abort();
	memcpy(buf, p, n);
	int k = snprintf(tail, sizeof(tail), "end\t");
	for (unsigned i = 0; i < 32; i++)
		k += snprintf(tail + k, sizeof(tail) - (size_t)k, "%02x", md[i]);
	k += snprintf(tail + k, sizeof(tail) - (size_t)k, "\n");
	if (k != 69)
		abort();
	memcpy(buf + n, tail, 69);
	int fd = to_memfd(buf, n + 69, path, sizeof(path));
	free(buf);
	struct nc_vulndb db;
	if (nc_vulndb_load(&db, path, err, sizeof(err)) == 0) {
		static const char *const prod[] = {"OpenSSH", "Apache", "a",
						   "http_server"};
		static const char *const ver[] = {"7.4p1", "9.2p1", "2.4.49",
						  "1.0rc1", "*", "1"};
		char *flows[] = {(char *)"CAAAAAAAAAAA"};
		Netcap__Software sw = NETCAP__SOFTWARE__INIT;
		sw.vendor = (char *)"";
		sw.n_flows = 1;
		sw.flows = flows;
		for (size_t i = 0; i < sizeof(prod) / sizeof(prod[0]); i++)
			for (size_t j = 0; j < sizeof(ver) / sizeof(ver[0]);
			     j++) {
				sw.product = (char *)prod[i];
				sw.version = (char *)ver[j];
				nc_vulndb_software(&db, d, &sw);
			}
		/* every CPE line's version against every bound */
		for (uint32_t i = 0; i < db.ncpe; i++) {
			const struct nc_cpe_range *r = &db.cpe[i].r;
			(void)nc_cpe_version_match(r, r->version);
			(void)nc_cpe_version_match(r, r->end_excl);
			(void)nc_vercmp(r->start_incl, r->end_incl);
		}
		nc_vulndb_free(&db);
	}
	close(fd);
}

static void fuzz_ind(struct nc_dec *d, const uint8_t *p, size_t n)
{
	char path[64], err[512];
	int fd = to_memfd(p, n, path, sizeof(path));
	struct nc_indicators *ind = nc_indicators_load(path, err, sizeof(err));

	close(fd);
	if (!ind)
		return;
	static uint8_t v4[4] = {10, 0, 0, 1}, v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	Netcap__Connection c = NETCAP__CONNECTION__INIT;
	c.srcip = (ProtobufCBinaryData){4, v4};
	c.dstip = (ProtobufCBinaryData){16, v6};
	c.uid = (char *)"CAAAAAAAAAAA";
	nc_indicators_check(ind, d, NC_REC_CONNECTION, &c.base);
	Netcap__DNSQuestion q = NETCAP__DNSQUESTION__INIT, *qs[] = {&q};
	q.name = (char *)"a.b.Evil.Example.";
	Netcap__DNS m = NETCAP__DNS__INIT;
	m.n_questions = 1;
	m.questions = qs;
	nc_indicators_check(ind, d, NC_REC_DNS, &m.base);
	Netcap__TLSClientHello t = NETCAP__TLSCLIENT_HELLO__INIT;
	t.ja3 = (char *)"87B9BFC7DA97115ED2276737B09F8D74";
	t.ja4 = (char *)"t13d0412h2_16476d049b0b_85302d7e289e";
	nc_indicators_check(ind, d, NC_REC_TLS_CLIENT_HELLO, &t.base);
	Netcap__SSH s = NETCAP__SSH__INIT;
	s.hassh = (char *)"472b5de333ad665af5cbf10ff892c4df";
	nc_indicators_check(ind, d, NC_REC_SSH, &s.base);
	nc_indicators_free(ind);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_dec *d = fz_init();

	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_ind(d, data + 1, size - 1);
	else
		fuzz_db(d, data + 1, size - 1);
	return 0;
}
