/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_label.c: libFuzzer target for the inputs of `netcap label`
 * (app/label_in.c, compiled in): the first octet picks the reader (mod 6:
 * EVE JSON, fast.log, Zeek notice.log, YAML attack list, v0.5 CSV attack
 * list, Go layout + value split at the first NUL), the rest is the file,
 * put in a memfd and read by path as `netcap label` reads its inputs.
 * EVE lines are also read by both paths of the EVE reader, which must
 * agree (test/unit/eve_diff.h).
 * Seeds: test/fuzz/regress/label/ (one of each).
 */
#include <sys/mman.h>
#include <unistd.h>

/* the readers are compiled in: they live in app/, not libnccore */
#include "../../app/label_in.c" // NOLINT(bugprone-suspicious-include)
#include "../unit/eve_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024], path[64];
	uint32_t seq = 0;

	if (size < 1)
		return 0;
	int kind = data[0] % 6;
	data++;
	size--;
	if (kind == 5) {
		char buf[512];
		struct lbl_gotime t;
		size_t n = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1;
		memcpy(buf, data, n);
		buf[n] = 0;
		const char *value =
		    memchr(buf, 0, n) ? buf + strlen(buf) + 1 : buf + n;
		(void)lbl_go_parse(buf, value, &t, err, sizeof(err));
		return 0;
	}
	int fd = memfd_create("fuzz_label", 0);
	if (fd < 0)
		abort();
	size_t off = 0;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct lbl_alerts al = {0};
	struct lbl_attacks at = {0};
	switch (kind) {
	case 0:
		(void)lbl_read_eve(path, size & 1, &al, &seq, err, sizeof(err));
		/* each line: the fast reader and jansson agree */
		for (const char *l = (const char *)data,
				*e = (const char *)data + size;
		     l < e;) {
			const char *nl = memchr(l, '\n', (size_t)(e - l));
			size_t n = nl ? (size_t)(nl - l) : (size_t)(e - l);
			if (eve_diff(l, n, size & 1) < 0)
				abort();
			l += n + 1;
		}
		break;
	case 1:
		(void)lbl_read_fastlog(path, "Europe/Berlin", &al, &seq, err,
				       sizeof(err));
		break;
	case 2:
		(void)lbl_read_notice(path, &al, &seq, err, sizeof(err));
		break;
	case 3:
		(void)lbl_read_attacks(path, &at, err, sizeof(err));
		break;
	default:
		(void)lbl_read_attacks_csv(path, "UTC", &at, err, sizeof(err));
		break;
	}
	lbl_alerts_free(&al);
	lbl_attacks_free(&at);
	close(fd);
	return 0;
}
