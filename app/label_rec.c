/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * label_rec.c: the label rules per record type (docs/LABEL.md sections 4
 * and 5), shared by `netcap label` (label.c, over record files) and
 * `capture --attacks` (here, the labeller the workers call as they pack
 * each record).
 *
 * capture --attacks applies section 5 where the record is made: a record
 * with addresses gets the labels of the attacks whose window holds its
 * time (Connection and Flow: overlaps [first, last]) and whose addresses
 * match; a record with a Timestamp and no addresses (Ethernet, ARP, ...)
 * the union of those of the per-packet records with addresses (TCP, UDP,
 * IPv4, ICMP, ...) of its frame with the same time and tenant, known once
 * the frame is decoded (the worker holds it back until then). label.c
 * takes that union over every record of that time: the two differ only
 * when two frames share a nanosecond timestamp (docs/LABEL.md section 10).
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "label.h"
#include "render.h"

static bool addr_in(const struct lbl_addr *a, const struct lbl_addr *v,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].len == a->len && !memcmp(v[i].a, a->a, a->len))
			return true;
	return false;
}

bool lbl_attack_hit(const struct lbl_attack *a, const struct lbl_addr *s,
		    const struct lbl_addr *d)
{
	if (a->nips)
		return addr_in(s, a->ips, a->nips) ||
		       addr_in(d, a->ips, a->nips);
	if (a->flag_victim)
		return addr_in(s, a->attackers, a->nattackers) ||
		       addr_in(d, a->attackers, a->nattackers) ||
		       addr_in(s, a->victims, a->nvictims) ||
		       addr_in(d, a->victims, a->nvictims);
	return (addr_in(s, a->attackers, a->nattackers) &&
		addr_in(d, a->victims, a->nvictims)) ||
	       (addr_in(s, a->victims, a->nvictims) &&
		addr_in(d, a->attackers, a->nattackers));
}

static const ProtobufCFieldDescriptor *fld(const ProtobufCMessageDescriptor *d,
					   const char *name, ProtobufCType type)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field_by_name(d, name);

	return f && f->type == type && f->label != PROTOBUF_C_LABEL_REPEATED
		   ? f
		   : NULL;
}

void lbl_rec_info(enum nc_rec t, struct lbl_rec *ri)
{
	const ProtobufCMessageDescriptor *d = nc_rec_desc(t);
	const char *name = nc_rec_name(t);

	memset(ri, 0, sizeof(*ri));
	ri->d = d;
	ri->ts = fld(d, "Timestamp", PROTOBUF_C_TYPE_INT64);
	ri->first = fld(d, "TimestampFirst", PROTOBUF_C_TYPE_INT64);
	ri->last = fld(d, "TimestampLast", PROTOBUF_C_TYPE_INT64);
	ri->src = fld(d, "SrcIP", PROTOBUF_C_TYPE_BYTES);
	ri->dst = fld(d, "DstIP", PROTOBUF_C_TYPE_BYTES);
	ri->sport = fld(d, "SrcPort", PROTOBUF_C_TYPE_INT32);
	ri->dport = fld(d, "DstPort", PROTOBUF_C_TYPE_INT32);
	ri->uid = fld(d, "UID", PROTOBUF_C_TYPE_STRING);
	ri->tun = fld(d, "Tunnel", PROTOBUF_C_TYPE_MESSAGE);
	ri->cid = fld(d, "CommunityID", PROTOBUF_C_TYPE_STRING);
	ri->ipproto = fld(d, "IPProtocol", PROTOBUF_C_TYPE_INT32);
	ri->flows = protobuf_c_message_descriptor_get_field_by_name(d, "Flows");
	if (ri->flows && (ri->flows->type != PROTOBUF_C_TYPE_STRING ||
			  ri->flows->label != PROTOBUF_C_LABEL_REPEATED))
		ri->flows = NULL;
	if (!ri->ipproto && !strcmp(name, "IPv4"))
		ri->ipproto = fld(d, "Protocol", PROTOBUF_C_TYPE_INT32);
	ri->proto = -1;
	if (!strcmp(name, "TCP"))
		ri->proto = 6;
	else if (!strcmp(name, "UDP"))
		ri->proto = 17;
	else if (!strcmp(name, "SCTP"))
		ri->proto = 132;
	else if (!strcmp(name, "ICMPv4"))
		ri->proto = 1;
	else if (!strncmp(name, "ICMPv6", 6))
		ri->proto = 58;
	else if (!strcmp(name, "IGMP"))
		ri->proto = 2;
	bool addrs = ri->src && ri->dst;
	if (t == NC_REC_CONNECTION && ri->first && ri->last && addrs)
		ri->cls = RC_CONN;
	else if (ri->uid)
		ri->cls = RC_UID;
	else if (ri->ts && addrs && ri->sport && ri->dport)
		ri->cls = RC_PORTS;
	else if (ri->ts && addrs)
		ri->cls = RC_ADDR;
	else if (ri->flows)
		ri->cls = RC_FLOWS;
	else if (ri->ts && !strstr(name, "Profile"))
		ri->cls = RC_TS;
	else
		ri->cls = RC_NONE;
}

/* ---- capture --attacks ---- */

bool lbl_csv_list(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcasecmp(path + n - 4, ".csv");
}

void lbl_cap_free(struct lbl_cap *lc)
{
	lbl_attacks_free(&lc->atk);
	for (size_t i = 0; i < lc->ntexts; i++)
		free(lc->texts[i]);
	free(lc->texts);
	memset(lc, 0, sizeof(*lc));
}

int lbl_cap_load(struct lbl_cap *lc, const char *files, const char *tz,
		 bool description, bool collect, char *err, size_t errlen)
{
	char *list = strdup(files), *save = NULL;

	memset(lc, 0, sizeof(*lc));
	if (!list) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (char *f = strtok_r(list, ",", &save); f;
	     f = strtok_r(NULL, ",", &save)) {
		int rc =
		    lbl_csv_list(f)
			? lbl_read_attacks_csv(f, tz, &lc->atk, err, errlen)
			: lbl_read_attacks(f, &lc->atk, err, errlen);
		if (rc < 0) {
			free(list);
			lbl_cap_free(lc);
			return -1;
		}
	}
	free(list);
	lc->texts = calloc(lc->atk.n ? lc->atk.n : 1, sizeof(*lc->texts));
	if (!lc->texts) {
		snprintf(err, errlen, "out of memory");
		lbl_cap_free(lc);
		return -1;
	}
	/* label ids in list order, one per distinct text, as label.c */
	for (size_t i = 0; i < lc->atk.n; i++) {
		struct lbl_attack *a = &lc->atk.v[i];
		const char *text = description || !a->category || !*a->category
				       ? a->name
				       : a->category;
		if (!text)
			text = "";
		size_t k = 0;
		while (k < lc->ntexts &&
		       (!lc->texts[k] || strcmp(lc->texts[k], text) != 0))
			k++;
		if (k == lc->ntexts) {
			lc->texts[k] = strdup(text);
			if (!lc->texts[k]) {
				snprintf(err, errlen, "out of memory");
				lbl_cap_free(lc);
				return -1;
			}
			lc->ntexts++;
		}
		a->label = (uint32_t)k;
	}
	lc->collect = collect;
	for (int t = 0; t < NC_REC_MAX; t++)
		lbl_rec_info((enum nc_rec)t, &lc->rec[t]);
	return 0;
}

/* Add the labels of the attacks active in [lo, hi] between s and d. */
static void attacks_add(const struct lbl_cap *lc, int64_t lo, int64_t hi,
			const struct lbl_addr *s, const struct lbl_addr *d,
			uint16_t *ids, uint8_t *n)
{
	for (size_t i = 0; i < lc->atk.n; i++) {
		const struct lbl_attack *a = &lc->atk.v[i];
		if (hi < a->start || lo > a->end || !lbl_attack_hit(a, s, d))
			continue;
		bool have = false;
		for (unsigned k = 0; k < *n && !have; k++)
			have = ids[k] == a->label;
		if (!have && *n < LBL_SET_MAX)
			ids[(*n)++] = (uint16_t)a->label;
	}
}

static const char *set_text(const struct lbl_cap *lc, struct lbl_frame *fr,
			    const uint16_t *ids, unsigned n)
{
	if (n == 0)
		return "normal";
	if (n == 1 || !lc->collect)
		return lc->texts[ids[0]];
	size_t len = 0;
	for (unsigned i = 0; i < n; i++) {
		const char *t = lc->texts[ids[i]];
		size_t tl = strlen(t);
		if (len + tl + 4 > sizeof(fr->text))
			break; /* cut at a label */
		if (i) {
			memcpy(fr->text + len, " | ", 3);
			len += 3;
		}
		memcpy(fr->text + len, t, tl);
		len += tl;
	}
	fr->text[len] = '\0';
	return fr->text;
}

/* Enter the labels of a per-packet record in its frame's group. */
static void frame_put(struct lbl_frame *fr, int64_t ts, const char *tenant,
		      const uint16_t *ids, unsigned n)
{
	unsigned g = 0;

	while (g < fr->ng &&
	       (fr->g[g].ts != ts || strcmp(fr->g[g].tenant, tenant) != 0))
		g++;
	if (g == fr->ng) {
		if (g == LBL_FRAME_MAX)
			return; /* more tunnels than nesting allows */
		fr->ng++;
		fr->g[g].ts = ts;
		snprintf(fr->g[g].tenant, sizeof(fr->g[g].tenant), "%s",
			 tenant);
		fr->g[g].n = 0;
	}
	for (unsigned i = 0; i < n; i++) {
		bool have = false;
		for (unsigned k = 0; k < fr->g[g].n && !have; k++)
			have = fr->g[g].ids[k] == ids[i];
		if (!have && fr->g[g].n < LBL_SET_MAX)
			fr->g[g].ids[fr->g[g].n++] = ids[i];
	}
}

const char *lbl_cap_record(const struct lbl_cap *lc, struct lbl_frame *fr,
			   enum nc_rec t, const ProtobufCMessage *m)
{
	const struct lbl_rec *ri = &lc->rec[t];
	struct lbl_addr s, d;
	uint16_t ids[LBL_SET_MAX];
	uint8_t n = 0;

	if (ri->cls == RC_TS)
		return NULL;
	if (!lbl_addr_of(m, ri->src, &s) || !lbl_addr_of(m, ri->dst, &d) ||
	    s.len != d.len)
		return "normal";
	int64_t ts = lbl_i64(m, ri->ts);
	if (ri->ts || ri->first) {
		int64_t lo = ri->ts ? ts : lbl_i64(m, ri->first);
		int64_t hi = ri->ts ? ts : lbl_i64(m, ri->last);
		attacks_add(lc, lo, hi ? hi : lo, &s, &d, ids, &n);
	}
	if (ri->cls == RC_PORTS || ri->cls == RC_ADDR)
		frame_put(fr, ts, lbl_tenant(m, ri), ids, n);
	return set_text(lc, fr, ids, n);
}

const char *lbl_cap_frame(const struct lbl_cap *lc, struct lbl_frame *fr,
			  int64_t ts, const char *tenant)
{
	for (unsigned g = 0; g < fr->ng; g++)
		if (fr->g[g].ts == ts && !strcmp(fr->g[g].tenant, tenant))
			return set_text(lc, fr, fr->g[g].ids, fr->g[g].n);
	return "normal";
}
