/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * static_stubs.c: what build/netcap-static (make static) links in place of
 * the parts that need a library Debian 12 ships no static archive of
 * (docs/PERFORMANCE.md "Static binary"). Compiled into that binary only;
 * build/netcap links the real files.
 *
 *   NC_NO_NATS  libnats: agent.c, collect.c and natsconn.c are left out;
 *               main.c refuses `agent` and `collect`, the rest below
 *               only satisfies the linker (capture never opens a
 *               publisher without `agent`)
 *   NC_NO_MHD   libmicrohttpd's static archive needs gnutls, which needs
 *               p11-kit and libunistring (no .a): prom.c keeps the text
 *               format, the HTTP server below refuses --metrics and
 *               `export` before anything starts
 *   NC_NO_ZIP   libzip: transform.c refuses --export-config
 *
 * Each refusal is one line and exit 2 (nc_no_feature).
 *
 * It also replaces EAL's get_tsc_freq_arch (below), which only a static
 * link can do, to take the TSC calibration off the start-up path.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <x86intrin.h>

#include "agent.h"
#include "app.h"
#include "natsconn.h"
#include "prom.h"
#include "static_stubs.h"

void nc_no_feature_msg(char *buf, size_t len, const char *what)
{
	snprintf(buf, len,
		 "this binary was built without %s support (make static); "
		 "use build/netcap",
		 what);
}

int nc_no_feature(const char *what)
{
	char msg[160];

	nc_no_feature_msg(msg, sizeof(msg), what);
	nc_errorf("%s", msg);
	return 2;
}

/* ---- NC_NO_NATS ----------------------------------------------------- */

int nc_cmd_collect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return nc_no_feature("NATS");
}

/* config.c checks --sensor only for `agent`, which main.c refuses */
bool nc_sensor_ok(const char *s)
{
	(void)s;
	return false;
}

struct nc_pub *nc_pub_open(struct nc_engine *e, char *err, size_t errlen)
{
	(void)e;
	nc_no_feature_msg(err, errlen, "NATS");
	return NULL;
}

/* never called: there is no publisher without nc_pub_open */
void nc_pub_batch(struct nc_pub *p, const struct nc_batch *b)
{
	(void)p;
	(void)b;
}

void nc_pub_poll(struct nc_pub *p)
{
	(void)p;
}

void nc_pub_finish(struct nc_pub *p)
{
	(void)p;
}

void nc_pub_counts(struct nc_pub *p, struct nc_pub_counts *c)
{
	(void)p;
	*c = (struct nc_pub_counts){0};
}

void nc_pub_summary(struct nc_pub *p, FILE *f)
{
	(void)p;
	(void)f;
}

void nc_pub_close(struct nc_pub *p)
{
	(void)p;
}

/* ---- NC_NO_MHD ------------------------------------------------------ */

int nc_metrics_listen(const char *spec, char *err, size_t errlen)
{
	char msg[160];

	(void)spec;
	nc_no_feature_msg(msg, sizeof(msg), "HTTP server");
	snprintf(err, errlen, "--metrics: %s", msg);
	return -1;
}

struct nc_metrics_srv *nc_metrics_start(int fd, nc_metrics_fn fn, void *arg,
					char *err, size_t errlen)
{
	(void)fd;
	(void)fn;
	(void)arg;
	nc_no_feature_msg(err, errlen, "HTTP server");
	return NULL;
}

void nc_metrics_stop(struct nc_metrics_srv *s)
{
	(void)s;
}

uint64_t nc_metrics_requests(const struct nc_metrics_srv *s)
{
	(void)s;
	return 0;
}

/* ---- libdbus-1.a (libpcap's D-Bus capture) ---------------------------
 * Its socket activation code refers to two libsystemd functions, and
 * libsystemd has no static archive. A client (libpcap) never reaches
 * them; the answers are libsystemd's own for a process that systemd
 * passed no sockets. */
int sd_listen_fds(int unset_environment);
int sd_is_socket(int fd, int family, int type, int listening);

int sd_listen_fds(int unset_environment)
{
	(void)unset_environment;
	return 0;
}

int sd_is_socket(int fd, int family, int type, int listening)
{
	(void)fd;
	(void)family;
	(void)type;
	(void)listening;
	return 0;
}

/* ---- EAL's TSC frequency ---------------------------------------------
 * rte_eal_init asks get_tsc_freq_arch (CPUID leaf 0x15, else MSR 0xCE
 * through /dev/cpu/0/msr) and, when that gives 0, as on this KVM guest,
 * measures the TSC against CLOCK_MONOTONIC_RAW across a 100 ms sleep and
 * rounds to 10 MHz (DPDK 22.11, eal_common_timer.c set_tsc_freq). In a
 * static link this definition is taken instead of librte_eal.a's (its
 * object, eal_x86_rte_cycles.c.o, defines nothing else). It measures the
 * same way over the time since the process started, which start-up
 * spends anyway (15-20 ms here), sleeping only what is missing to
 * NC_TSC_SPAN_NS, and rounds the same way. Each end is a TSC read between
 * two clock reads at most NC_TSC_PAIR_NS apart: the frequency is within
 * 2 * NC_TSC_PAIR_NS / NC_TSC_SPAN_NS (0.01 %) before rounding. When no
 * such pair is read it returns 0 and EAL calibrates as before. A DPDK
 * whose set_tsc_freq measures whatever this returns only loses the gain.
 */
#define NC_TSC_SPAN_NS 20000000ull /* 20 ms */
#define NC_TSC_PAIR_NS 1000ull

struct tsc_pair {
	uint64_t ns, tsc;
};

static uint64_t mono_raw_ns(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_MONOTONIC_RAW, &t) != 0)
		return 0;
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* 0, or -1 if no pair was read tightly enough in a few tries */
static int tsc_pair_read(struct tsc_pair *p)
{
	for (int i = 0; i < 8; i++) {
		uint64_t a = mono_raw_ns();
		uint64_t t = __rdtsc();
		uint64_t b = mono_raw_ns();
		if (a && b >= a && b - a <= NC_TSC_PAIR_NS) {
			p->ns = a + (b - a) / 2;
			p->tsc = t;
			return 0;
		}
	}
	return -1;
}

static struct tsc_pair tsc_start;
static bool tsc_start_ok;

static void __attribute__((constructor)) tsc_start_read(void)
{
	tsc_start_ok = tsc_pair_read(&tsc_start) == 0;
}

uint64_t get_tsc_freq_arch(void);

uint64_t get_tsc_freq_arch(void)
{
	struct tsc_pair end;

	if (!tsc_start_ok)
		return 0;
	uint64_t now = mono_raw_ns();
	if (now < tsc_start.ns)
		return 0;
	if (now - tsc_start.ns < NC_TSC_SPAN_NS) {
		uint64_t left = NC_TSC_SPAN_NS - (now - tsc_start.ns);
		struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)left};
		nanosleep(&ts, NULL);
	}
	if (tsc_pair_read(&end) != 0 ||
	    end.ns - tsc_start.ns < NC_TSC_SPAN_NS || end.tsc <= tsc_start.tsc)
		return 0;
	double hz = (double)(end.tsc - tsc_start.tsc) * 1e9 /
		    (double)(end.ns - tsc_start.ns);
	/* to the nearest 10 MHz, as EAL's own measurement */
	return (uint64_t)llround(hz / 1e7) * 10000000ull;
}
