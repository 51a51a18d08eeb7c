/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oui.c: MAC address vendors from the IEEE MA-L registry as Debian's
 * ieee-data package ships it (/usr/share/ieee-data/oui.txt), read once at
 * start when DeviceProfile records are selected. Lines of interest:
 *	00-22-72   (hex)		American Micro-Fuel Device Corp.
 * The table is sorted by OUI for a binary search; a missing file leaves
 * DeviceManufacturer empty (the summary says so), it is not an error.
 */
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

int nc_oui_load(struct nc_oui *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* "XX-XX-XX   (hex)" then the name */
		static const char tag[] = "(hex)";
		int a = hex2(line), b = hex2(line + 3), c = hex2(line + 6);
		if (a < 0 || b < 0 || c < 0 || line[2] != '-' || line[5] != '-')
			continue;
		char *name = line + 8;
		name += strspn(name, " \t");
		if (strncmp(name, tag, sizeof(tag) - 1) != 0)
			continue;
		name += sizeof(tag) - 1;
		name += strspn(name, " \t");
		name[strcspn(name, "\r\n")] = '\0';
		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 4096;
			void *nv = realloc(t->v, nc * sizeof(*t->v));
			if (!nv)
				break;
			t->v = nv;
			cap = nc;
		}
		char *d = strdup(name);
		if (!d)
			break;
		t->v[t->n++] =
		    (struct oui_ent){(uint32_t)(a << 16 | b << 8 | c), d};
	}
	fclose(f);
	qsort(t->v, t->n, sizeof(*t->v), cmp_oui);
	return 0;
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
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}
