/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oui.c: MAC address vendors from the IEEE MA-L registry as Debian's
 * ieee-data package ships it (/usr/share/ieee-data/oui.txt), read once at
 * start when DeviceProfile records are selected. Lines of interest:
 *	00-22-72   (hex)		American Micro-Fuel Device Corp.
 * The table is sorted by OUI for a binary search; a missing file leaves
 * DeviceManufacturer empty, it is not an error.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct oui_ent {
	uint32_t oui;
	char *name;
};

/* Two hex digits at p (0..255), or -1. */
static int hex2(const char *p)
{
	int v = 0;

	for (int i = 0; i < 2; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int cmp_oui(const void *a, const void *b)
{
	const struct oui_ent *x = a, *y = b;

	return x->oui < y->oui ? -1 : x->oui > y->oui;
}

/* The whole file in one buffer, NUL-terminated; NULL on error. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			size_t nc = cap ? cap * 2 : 1 << 22;
			char *nb = realloc(buf, nc + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = nc;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * One read and one pass: the names stay in the file's buffer (cut with a
 * NUL) instead of a line-by-line read with a copy of every name (12.7 to
 * 10 ms for the 32,530 vendors of Debian's file; it is read at every
 * start of a capture with DeviceProfile records).
 */
int nc_oui_load(struct nc_oui *t, const char *path)
{
	size_t len = 0, cap = 0;

	t->v = NULL;
	t->n = 0;
	t->buf = read_all(path, &len);
	if (!t->buf)
		return -1;
	for (char *line = t->buf, *end = t->buf + len; line < end;) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *next = nl ? nl + 1 : end;
		if (nl)
			*nl = '\0';
		/* "XX-XX-XX   (hex)" then the name */
		static const char tag[] = "(hex)";
		size_t ll = (size_t)((nl ? nl : end) - line);
		int a = ll > 8 ? hex2(line) : -1;
		int b = a >= 0 ? hex2(line + 3) : -1;
		int c = b >= 0 ? hex2(line + 6) : -1;
		char *name = line + 8;
		if (c < 0 || line[2] != '-' || line[5] != '-')
			goto next;
		name += strspn(name, " \t");
		if (strncmp(name, tag, sizeof(tag) - 1) != 0)
			goto next;
		name += sizeof(tag) - 1;
		name += strspn(name, " \t");
		name[strcspn(name, "\r")] = '\0';
		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			void *nv = realloc(t->v, nc * sizeof(*t->v));
			if (!nv)
				break;
			t->v = nv;
			cap = nc;
		}
		t->v[t->n++] =
		    (struct oui_ent){(uint32_t)(a << 16 | b << 8 | c), name};
	next:
		line = next;
	}
	if (t->n) /* t->v is NULL for a file without a vendor line */
		qsort(t->v, t->n, sizeof(*t->v), cmp_oui);
	return 0;
}

static void *load_main(void *arg)
{
	struct nc_oui *t = arg;

	nc_oui_load(t, t->path);
	return NULL;
}

/*
 * Load in a thread of its own while EAL starts (rte_eal_init sleeps 100
 * ms to calibrate the TSC where the CPU does not tell its frequency);
 * nc_oui_wait before the first lookup. Without a thread: load now.
 */
void nc_oui_load_start(struct nc_oui *t, const char *path)
{
	memset(t, 0, sizeof(*t));
	t->path = path;
	if (pthread_create(&t->thread, NULL, load_main, t) == 0)
		t->loading = true;
	else
		nc_oui_load(t, path);
}

void nc_oui_wait(struct nc_oui *t)
{
	if (t->loading) {
		pthread_join(t->thread, NULL);
		t->loading = false;
	}
}

const char *nc_oui_vendor(void *arg, const uint8_t mac[6])
{
	const struct nc_oui *t = arg;
	uint32_t key = (uint32_t)mac[0] << 16 | mac[1] << 8 | mac[2];
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].oui < key)
			lo = mid + 1;
		else if (t->v[mid].oui > key)
			hi = mid;
		else
			return t->v[mid].name;
	}
	return NULL;
}

void nc_oui_free(struct nc_oui *t)
{
	nc_oui_wait(t);
	free(t->v);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
