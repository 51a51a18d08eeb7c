/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash-bench: what the RX lcore's flow hash (decoders/flow/flowhash.c)
 * costs per packet, tunnels decoded against --no-tunnels, on captures
 * held in memory. A benchmark, not a test (scripts/bench-flowhash.sh,
 * docs/PERFORMANCE.md "Inner flow hash").
 *
 *   flowhash-bench [--icount all|none|steer] CAPTURE...
 *   flowhash-bench --dump CAPTURE

 *
 * Every packet of the captures is read into memory, then hashed in
 * passes: nc_flow_hash with every tunnel (NC_TUN_ALL), with none (0: the
 * outer pair, as --no-tunnels hashes), and nc_flow_hash_steer (the RX
 * path: fragments steered). Passes alternate, each kind BENCH_ROUNDS (7)
 * times, and the fastest pass of each kind is kept (other load only adds
 * time; the steering table is warm after the first pass, so its
 * fragments are lookups); printed as ns per packet and as a ratio to the mask-0
 pass of
 * the same invocation. --icount runs one pass, every tunnel (all), none,
 * or every tunnel with fragment steering (steer, a cold table), in a
 * function named hash_pass*, for callgrind --toggle-collect=hash_pass*.
 * --dump prints, for each packet in order, its number (from 1),
 * nc_flow_hash with every tunnel and with none, for
 * test/run-flowhash.sh.
 * Built with -DNC_OLD_API, it calls a three-argument nc_flow_hash (an
 * older flowhash.c, outer pair only), for comparing instruction counts.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"
#include "flowhash.h"

#ifdef NC_OLD_API
#define HASH(l, p, n, m) ((void)(m), nc_flow_hash(l, p, n))
#else
#define HASH(l, p, n, m) nc_flow_hash(l, p, n, m)
#endif

struct pkt {
	const uint8_t *p;
	uint32_t len;
	int link;
	int64_t ts;
};

static struct pkt *pk;
static size_t npk, cap;

static void load(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (!pc) {
		fprintf(stderr, "flowhash-bench: %s\n", err);
		exit(1);
	}
	int link = pcap_datalink(pc);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		if (npk == cap) {
			cap = cap ? 2 * cap : 4096;
			pk = realloc(pk, cap * sizeof(*pk));
		}
		uint8_t *c = malloc(h->caplen ? h->caplen : 1);
		if (!pk || !c) {
			fprintf(stderr, "flowhash-bench: out of memory\n");
			exit(1);
		}
		memcpy(c, d, h->caplen);
		pk[npk++] = (struct pkt){c, h->caplen, link,
					 (int64_t)h->ts.tv_sec * 1000000000 +
					     (int64_t)h->ts.tv_usec * 1000};
	}
	pcap_close(pc);
}

static volatile uint32_t sink;

__attribute__((noinline)) static uint32_t hash_pass(uint32_t mask)
{
	uint32_t acc = 0;
	for (size_t i = 0; i < npk; i++)
		acc += HASH(pk[i].link, pk[i].p, pk[i].len, mask);
	return acc;
}

#ifndef NC_OLD_API
static struct nc_frag_steer steer;

__attribute__((noinline)) static uint32_t hash_pass_steer(void)
{
	uint32_t acc = 0;
	for (size_t i = 0; i < npk; i++)
		acc += nc_flow_hash_steer(&steer, pk[i].link, pk[i].p,
					  pk[i].len, NC_TUN_ALL, pk[i].ts);
	return acc;
}
#endif

#ifndef NC_OLD_API
static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
#endif

int main(int argc, char **argv)
{
	int a = 1;
#ifndef NC_OLD_API
	if (argc == 3 && strcmp(argv[1], "--dump") == 0) {
		load(argv[2]);
		for (size_t i = 0; i < npk; i++)
			printf("%zu %08x %08x\n", i + 1,
			       nc_flow_hash(pk[i].link, pk[i].p, pk[i].len,
					    NC_TUN_ALL),
			       nc_flow_hash(pk[i].link, pk[i].p, pk[i].len, 0));
		return 0;
	}
#endif
	bool icount = argc > 2 && strcmp(argv[1], "--icount") == 0;
	uint32_t icount_mask = NC_TUN_ALL;
	bool icount_steer = false;
	if (icount) {
		icount_mask = strcmp(argv[2], "none") == 0 ? 0 : NC_TUN_ALL;
		icount_steer = strcmp(argv[2], "steer") == 0;
		a += 2;
	}
	if (a >= argc) {
		fprintf(stderr,
			"usage: flowhash-bench [--icount all|none|steer] "
			"CAPTURE...\n");
		return 2;
	}
	for (; a < argc; a++)
		load(argv[a]);
	if (!npk) {
		fprintf(stderr, "flowhash-bench: no packets\n");
		return 1;
	}
	if (icount) {
#ifndef NC_OLD_API
		if (icount_steer) {
			nc_frag_steer_init(&steer, 30000000000LL);
			sink = hash_pass_steer();
		} else
#endif
			sink = hash_pass(icount_mask);
		(void)icount_steer;
		printf("%zu packets\n", npk);
		return 0;
	}
#ifdef NC_OLD_API
	fprintf(stderr, "flowhash-bench: timing needs the current API\n");
	return 2;
#else
	const char *r = getenv("BENCH_ROUNDS");
	int rounds = r ? atoi(r) : 7;
	nc_frag_steer_init(&steer, 30000000000LL); /* warm after a pass */
	/* passes of about 20 ms each */
	size_t reps = 1;
	double t0 = now();
	sink = hash_pass(0);
	double one = now() - t0;
	if (one > 0 && one < 0.02)
		reps = (size_t)(0.02 / one) + 1;
	double best[3] = {1e30, 1e30, 1e30};
	for (int k = 0; k < rounds; k++) {
		for (int m = 0; m < 3; m++) {
			t0 = now();
			for (size_t i = 0; i < reps; i++)
				sink += m == 0	 ? hash_pass(0)
					: m == 1 ? hash_pass(NC_TUN_ALL)
						 : hash_pass_steer();
			double t = (now() - t0) / (double)(reps * npk) * 1e9;
			if (t < best[m])
				best[m] = t;
		}
	}
	printf("%-40s %8.1f ns/packet  1.00x\n",
	       "outer pair (--no-tunnels, mask 0)", best[0]);
	printf("%-40s %8.1f ns/packet  %.2fx\n",
	       "innermost pair (every tunnel)", best[1], best[1] / best[0]);
	printf("%-40s %8.1f ns/packet  %.2fx\n",
	       "innermost + fragment steering (RX)", best[2],
	       best[2] / best[0]);
	printf("(%zu packets, fastest of %d passes each)\n", npk, rounds);
	return 0;
#endif
}
