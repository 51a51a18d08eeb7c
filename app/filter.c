/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * filter.c: --bpf EXPR, the capture filter.
 *
 * The expression is compiled by libpcap (pcap_compile on a dead handle of
 * the input's link type, so the syntax and the semantics are tcpdump's),
 * converted from classic BPF to DPDK eBPF (rte_bpf_convert) and loaded
 * with rte_bpf_load; the x86-64 JIT runs it when DPDK made one, the
 * interpreter (rte_bpf_exec_burst) otherwise.
 *
 * The converted program's argument is the mbuf itself
 * (RTE_BPF_ARG_PTR_MBUF): its packet loads go through rte_pktmbuf_read,
 * so chained mbufs are read whole, and a load past the end rejects the
 * packet, as in libpcap. `len` (greater, less) is the mbuf's pkt_len, the
 * captured length: for a capture file cut by a snap length that is less
 * than the wire length tcpdump would use.
 *
 * nc_filter_check runs before EAL (flag validation); nc_filter_new needs
 * EAL (rte_bpf_convert allocates with rte_malloc). A filter is read-only
 * once made: several lcores may run nc_filter_burst on it at once.
 */
#define ALLOW_EXPERIMENTAL_API 1 /* rte_bpf_convert (DPDK 22.11) */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_bpf.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "engine.h"

#define FILTER_SNAPLEN NC_MAX_FRAME
#define FILTER_CHUNK   64 /* packets judged per step of nc_filter_burst */

struct nc_filter {
	struct rte_bpf *bpf;
	uint64_t (*jit)(void *ctx); /* NULL: the interpreter */
};

/* Compile expr for dlt into prog; 0, or -1 with pcap's message in err. */
static int filter_compile(const char *expr, int dlt, struct bpf_program *prog,
			  char *err, size_t errlen)
{
	pcap_t *p = pcap_open_dead(dlt, FILTER_SNAPLEN);

	if (!p) {
		snprintf(err, errlen, "libpcap cannot open link type %d", dlt);
		return -1;
	}
	if (pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	pcap_close(p);
	return 0;
}

/*
 * Two defects of DPDK 22.11 are worked around on the converted program:
 *
 * 1. rte_bpf_convert copies a cBPF indirect load (ld [x + k]) as is and
 *    takes its index register from BPF_SRC(code), the 0x08 bit. That bit
 *    is the size bit BPF_H there, so only halfword loads get X (r7); byte
 *    and word loads index with A (r0): 'tcp[13] & 2 != 0' never matched.
 *    Every LD|IND of a converted program comes from a cBPF one, whose
 *    index is always X: set it (idempotent where DPDK gets it right).
 * 2. The x86-64 JIT encodes 'jset dst, #k' with k in -128..127 as TEST
 *    with a one-byte immediate, which x86 does not have: the code that
 *    follows is misdecoded and crashes. Such a jset becomes
 *    'mov64 r9, #k; jset dst, r9' (same semantics: both sign-extend k;
 *    the converter never uses r9), and jump offsets are moved to match.
 *
 * Returns a malloc'd program of *nout instructions, or NULL.
 */
static bool small_jset(const struct ebpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_JSET | BPF_K) && in->imm >= -128 &&
	       in->imm <= 127;
}

static struct ebpf_insn *fix_program(const struct ebpf_insn *in, uint32_t n,
				     uint32_t *nout)
{
	uint32_t *at = malloc((n + 1) * sizeof(*at)); /* old -> new index */
	uint32_t m = 0;
	struct ebpf_insn *out;

	if (!at)
		return NULL;
	for (uint32_t i = 0; i < n; i++) {
		at[i] = m + (small_jset(&in[i]) ? 1 : 0);
		m = at[i] + 1;
	}
	at[n] = m;
	out = calloc(m ? m : 1, sizeof(*out));
	if (!out) {
		free(at);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct ebpf_insn x = in[i];
		uint8_t cls = BPF_CLASS(x.code), op = BPF_OP(x.code);

		if (cls == BPF_LD && BPF_MODE(x.code) == BPF_IND)
			x.src_reg = EBPF_REG_7;
		if (cls == BPF_JMP && op != EBPF_CALL && op != EBPF_EXIT) {
			int64_t t = (int64_t)i + 1 + x.off; /* old target */
			if (t < 0 || t > (int64_t)n) {
				free(at);
				free(out);
				return NULL;
			}
			x.off = (int16_t)((int64_t)at[t] - at[i] - 1);
		}
		if (small_jset(&in[i])) {
			out[at[i] - 1] = (struct ebpf_insn){
			    .code = EBPF_ALU64 | EBPF_MOV | BPF_K,
			    .dst_reg = EBPF_REG_9,
			    .imm = x.imm,
			};
			x.code = BPF_JMP | BPF_JSET | BPF_X;
			x.src_reg = EBPF_REG_9;
			x.imm = 0;
		}
		out[at[i]] = x;
	}
	free(at);
	*nout = m;
	return out;
}

int nc_filter_check(const char *expr, int dlt, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (filter_compile(expr, dlt, &prog, err, errlen) != 0)
		return -1;
	pcap_freecode(&prog);
	return 0;
}

struct nc_filter *nc_filter_new(const char *expr, int dlt, char *err,
				size_t errlen)
{
	struct bpf_program prog;
	struct rte_bpf_prm *prm, fixed;
	struct rte_bpf_jit jit;
	struct nc_filter *f;

	if (filter_compile(expr, dlt, &prog, err, errlen) != 0) {
		errno = EINVAL;
		return NULL;
	}
	prm = rte_bpf_convert(&prog);
	pcap_freecode(&prog);
	if (!prm) {
		snprintf(err, errlen,
			 "DPDK cannot convert the compiled filter: %s",
			 rte_strerror(rte_errno));
		errno = EINVAL;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		rte_free(prm);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	fixed = *prm;
	fixed.ins = fix_program(prm->ins, prm->nb_ins, &fixed.nb_ins);
	if (!fixed.ins) {
		rte_free(prm);
		free(f);
		snprintf(err, errlen, "cannot prepare the filter program");
		errno = EINVAL;
		return NULL;
	}
	f->bpf = rte_bpf_load(&fixed); /* copies the instructions */
	free((void *)(uintptr_t)fixed.ins);
	rte_free(prm);
	if (!f->bpf) {
		snprintf(err, errlen, "DPDK cannot load the filter: %s",
			 rte_strerror(rte_errno));
		free(f);
		errno = EINVAL;
		return NULL;
	}
	/* NETCAP_BPF_INTERP=1: the interpreter even with a JIT (tests) */
	const char *interp = getenv("NETCAP_BPF_INTERP");
	if (!(interp && interp[0] == '1') &&
	    rte_bpf_get_jit(f->bpf, &jit) == 0 && jit.func)
		f->jit = jit.func;
	return f;
}

bool nc_filter_jit(const struct nc_filter *f)
{
	return f && f->jit;
}

unsigned nc_filter_burst(struct nc_filter *f, struct rte_mbuf **pkts,
			 unsigned n)
{
	struct rte_mbuf *drop[FILTER_CHUNK];
	uint64_t rc[FILTER_CHUNK];
	unsigned kept = 0;

	for (unsigned base = 0; base < n; base += FILTER_CHUNK) {
		unsigned k = n - base < FILTER_CHUNK ? n - base : FILTER_CHUNK;
		unsigned ndrop = 0;

		if (f->jit) {
			for (unsigned i = 0; i < k; i++)
				rc[i] = f->jit(pkts[base + i]);
		} else {
			rte_bpf_exec_burst(f->bpf, (void **)(pkts + base), rc,
					   k);
		}
		for (unsigned i = 0; i < k; i++) {
			if (rc[i])
				pkts[kept++] = pkts[base + i];
			else
				drop[ndrop++] = pkts[base + i];
		}
		if (ndrop)
			rte_pktmbuf_free_bulk(drop, ndrop);
	}
	return kept;
}

void nc_filter_free(struct nc_filter *f)
{
	if (!f)
		return;
	rte_bpf_destroy(f->bpf);
	free(f);
}
