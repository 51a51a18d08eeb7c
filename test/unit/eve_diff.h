/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eve_diff.h: the EVE reader's two paths on one line, for test_label and
 * fuzz_label (both compile app/label_in.c in): when the fast reader
 * (fj_load) takes a line, json_loadb must parse it too, and eve_line must
 * give the same result from both: the same return, error text and alert.
 * Returns -1 on a difference (details on stderr), 1 when both paths read
 * the line, 0 when the fast reader left it to json_loadb.
 */
#ifndef NC_EVE_DIFF_H
#define NC_EVE_DIFF_H

#include <stdio.h>

static bool alert_same(const struct lbl_alert *a, const struct lbl_alert *b)
{
	const char *ac = a->cid ? a->cid : "", *bc = b->cid ? b->cid : "";

	return a->ts == b->ts && a->src.len == b->src.len &&
	       !memcmp(a->src.a, b->src.a, sizeof(a->src.a)) &&
	       a->dst.len == b->dst.len &&
	       !memcmp(a->dst.a, b->dst.a, sizeof(a->dst.a)) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->proto == b->proto && !strcmp(ac, bc) &&
	       !strcmp(a->category, b->category) &&
	       !strcmp(a->signature, b->signature);
}

static int eve_diff(const char *line, size_t n, bool anomalies)
{
	struct fj fj = {0};
	struct eve_ev ev;
	struct lbl_alerts fa = {0}, sa = {0};
	char fe[512] = "", se[512] = "";
	uint32_t fseq = 0, sseq = 0;
	int rc = 0;

	if (fj_load(&fj, line, n, &ev) == 0) {
		rc = 1;
		int fr = eve_line("t", 1, &ev, anomalies, &fa, &fseq, fe,
				  sizeof(fe));
		json_error_t je;
		json_t *o = json_loadb(line, n, 0, &je);
		if (!o || !json_is_object(o)) {
			fprintf(stderr, "eve_diff: fast reader took a line "
					"json_loadb does not read as an "
					"object\n");
			rc = -1;
		} else {
			ev_from_json(&ev, o);
			int sr = eve_line("t", 1, &ev, anomalies, &sa, &sseq, se,
					  sizeof(se));
			if (fr != sr || strcmp(fe, se) != 0 || fa.n != sa.n ||
			    (fa.n && !alert_same(&fa.v[0], &sa.v[0]))) {
				fprintf(stderr,
					"eve_diff: fast %d '%s' %zu, jansson "
					"%d '%s' %zu\n",
					fr, fe, fa.n, sr, se, sa.n);
				rc = -1;
			}
		}
		json_decref(o);
	}
	free(fj.sb);
	lbl_alerts_free(&fa);
	lbl_alerts_free(&sa);
	return rc;
}

#endif /* NC_EVE_DIFF_H */
