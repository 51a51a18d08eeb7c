/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdp.c: --xdp-filter RULES, the in-kernel prefilter of net_af_xdp ports.
 *
 * RULES is a comma-separated list of
 *   net CIDR       IPv4 or IPv6 network (or one address), matched against
 *                  the source and the destination address
 *   proto P        IP protocol: a number 0-255 or tcp, udp, icmp, icmp6,
 *                  sctp, gre, esp, ah
 *   port N         TCP, UDP or SCTP port 0-65535, source or destination
 * e.g. 'net 10.0.0.0/8,port 22,proto icmp'. Matching packets are dropped
 * by bpf/xdp_filter.c in the kernel, before they reach the AF_XDP socket.
 *
 * Before EAL: nc_xdp_new parses the rules, nc_xdp_obj_path finds
 * xdp_filter.o next to the netcap binary (or, installed, in
 * ../lib/netcap/ from it) and nc_xdp_devargs adds
 * xdp_prog=<path> to the port's devargs, so the PMD loads our program
 * instead of libxdp's default one. After the port started:
 * nc_xdp_install finds the program attached to the interface
 * (bpf_xdp_query_id), its maps by name, and fills the rule maps. Packets
 * that arrive between the start of the port and the rules (milliseconds,
 * before the workers launch) pass unfiltered. nc_xdp_summary reads the
 * per-CPU counters; the map stays readable after the PMD detached the
 * program because this file holds a descriptor of it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

#define XDP_MAX_RULES 1024 /* per kind: the map sizes in xdp_filter.c */

/* nc_counts slots, as in bpf/xdp_filter.c */
enum { CNT_NET, CNT_PROTO, CNT_PORT, CNT_PASS, CNT_MAX };
_Static_assert(CNT_MAX == NC_XDP_COUNTS, "NC_XDP_COUNTS");

struct xdp_net {
	uint8_t addr[16];
	unsigned plen;
	bool v6;
};

/* the map keys of bpf/xdp_filter.c */
struct lpm4_key {
	uint32_t prefixlen;
	uint8_t addr[4];
};
struct lpm6_key {
	uint32_t prefixlen;
	uint8_t addr[16];
};

struct nc_xdp {
	struct xdp_net net[XDP_MAX_RULES];
	unsigned nnet;
	bool proto[256];
	uint16_t port[XDP_MAX_RULES];
	unsigned nport;
	int counts_fd; /* nc_counts, -1 until installed */
	uint32_t prog_id;
	char ifname[IF_NAMESIZE];
};

static const struct {
	const char *name;
	unsigned num;
} proto_names[] = {
    {"icmp", 1}, {"tcp", 6}, {"udp", 17},   {"gre", 47},
    {"esp", 50}, {"ah", 51}, {"icmp6", 58}, {"sctp", 132},
};

static bool parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!(*s >= '0' && *s <= '9'))
		return false;
	errno = 0;
	unsigned long n = strtoul(s, &end, 10);
	if (errno || *end || n > max)
		return false;
	*v = n;
	return true;
}

static int parse_net(struct nc_xdp *x, const char *arg, char *err,
		     size_t errlen)
{
	struct xdp_net *n = &x->net[x->nnet];
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(arg, '/');
	size_t alen = slash ? (size_t)(slash - arg) : strlen(arg);
	unsigned long plen;

	if (x->nnet == XDP_MAX_RULES) {
		snprintf(err, errlen, "more than %d net rules", XDP_MAX_RULES);
		return -1;
	}
	memset(n, 0, sizeof(*n));
	if (alen >= sizeof(addr))
		goto bad;
	memcpy(addr, arg, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, n->addr) == 1)
		n->v6 = false;
	else if (inet_pton(AF_INET6, addr, n->addr) == 1)
		n->v6 = true;
	else
		goto bad;
	plen = n->v6 ? 128 : 32;
	if (slash && !parse_num(slash + 1, n->v6 ? 128 : 32, &plen))
		goto bad;
	n->plen = (unsigned)plen;
	/* bits beyond the prefix must be zero, as tcpdump's 'net' insists */
	for (unsigned b = n->plen; b < (n->v6 ? 128u : 32u); b++)
		if (n->addr[b / 8] & (0x80 >> (b % 8))) {
			snprintf(err, errlen,
				 "'net %s': address bits beyond the /%u "
				 "prefix are set",
				 arg, n->plen);
			return -1;
		}
	x->nnet++;
	return 0;
bad:
	snprintf(err, errlen,
		 "'net %s' is not an IPv4 or IPv6 address with an optional "
		 "/prefix (e.g. 10.0.0.0/8, fd00::/64)",
		 arg);
	return -1;
}

static int parse_rule(struct nc_xdp *x, char *rule, char *err, size_t errlen)
{
	char *kind, *arg, *extra, *save = NULL;
	unsigned long v;

	kind = strtok_r(rule, " \t", &save);
	arg = kind ? strtok_r(NULL, " \t", &save) : NULL;
	extra = arg ? strtok_r(NULL, " \t", &save) : NULL;
	if (!kind) {
		snprintf(err, errlen,
			 "empty rule (rules are separated by "
			 "commas)");
		return -1;
	}
	if (!arg || extra) {
		snprintf(err, errlen,
			 "'%s%s%s': a rule is 'net CIDR', 'proto P' or "
			 "'port N'",
			 kind, arg ? " " : "", arg ? arg : "");
		return -1;
	}
	if (!strcmp(kind, "net"))
		return parse_net(x, arg, err, errlen);
	if (!strcmp(kind, "proto")) {
		for (size_t i = 0; i < DIM(proto_names); i++)
			if (!strcmp(arg, proto_names[i].name)) {
				x->proto[proto_names[i].num] = true;
				return 0;
			}
		if (!parse_num(arg, 255, &v)) {
			snprintf(err, errlen,
				 "'proto %s': not a number 0-255 or one of "
				 "tcp, udp, icmp, icmp6, sctp, gre, esp, ah",
				 arg);
			return -1;
		}
		x->proto[v] = true;
		return 0;
	}
	if (!strcmp(kind, "port")) {
		if (!parse_num(arg, 65535, &v)) {
			snprintf(err, errlen, "'port %s': not a number 0-65535",
				 arg);
			return -1;
		}
		if (x->nport == XDP_MAX_RULES) {
			snprintf(err, errlen, "more than %d port rules",
				 XDP_MAX_RULES);
			return -1;
		}
		x->port[x->nport++] = (uint16_t)v;
		return 0;
	}
	snprintf(err, errlen,
		 "unknown rule '%s %s' (rules: net CIDR, proto P, port N)",
		 kind, arg);
	return -1;
}

struct nc_xdp *nc_xdp_new(const char *rules, char *err, size_t errlen)
{
	struct nc_xdp *x = calloc(1, sizeof(*x));
	char *copy = strdup(rules), *save = NULL;
	const char *p;
	int rc = 0;

	if (!x || !copy) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	x->counts_fd = -1;
	/* strtok would skip empty items; reject them explicitly */
	for (p = rules; *p; p++)
		if (*p == ',' && (p == rules || p[1] == ',' || p[1] == '\0')) {
			snprintf(err, errlen,
				 "empty rule (rules are "
				 "separated by commas)");
			goto fail;
		}
	for (char *r = strtok_r(copy, ",", &save); r && rc == 0;
	     r = strtok_r(NULL, ",", &save))
		rc = parse_rule(x, r, err, errlen);
	if (rc != 0)
		goto fail;
	free(copy);
	return x;
fail:
	free(copy);
	free(x);
	errno = EINVAL;
	return NULL;
}

int nc_xdp_obj_path(char *buf, size_t len, char *err, size_t errlen)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0) {
		snprintf(err, errlen, "cannot find the netcap binary: %s",
			 strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	if (snprintf(buf, len, "%s/%s", slash ? exe : ".", NC_XDP_OBJ) >=
	    (int)len) {
		snprintf(err, errlen, "%s/%s: path too long", exe, NC_XDP_OBJ);
		return -1;
	}
	if (access(buf, R_OK) == 0)
		return 0;
	/* installed: PREFIX/bin/netcap and PREFIX/lib/netcap/xdp_filter.o */
	char inst[PATH_MAX];
	if (snprintf(inst, sizeof(inst), "%s/../lib/netcap/%s",
		     slash ? exe : ".", NC_XDP_OBJ) < (int)sizeof(inst) &&
	    access(inst, R_OK) == 0 && strlen(inst) < len) {
		memcpy(buf, inst, strlen(inst) + 1);
		return 0;
	}
	snprintf(err, errlen,
		 "%s: cannot read the XDP program (make builds it next to "
		 "netcap; make install puts it in PREFIX/lib/netcap): %s",
		 buf, strerror(errno));
	return -1;
}

int nc_xdp_devargs(const char *iface, const char *obj, char *buf, size_t len,
		   char *err, size_t errlen)
{
	if (strncmp(iface, "net_af_xdp", 10) != 0) {
		snprintf(err, errlen,
			 "needs an -i net_af_xdp port (e.g. "
			 "net_af_xdp0,iface=eth0), not '%s'",
			 iface);
		return -1;
	}
	if (strstr(iface, "xdp_prog=")) {
		snprintf(err, errlen,
			 "'%s' already names an xdp_prog; netcap loads its "
			 "own",
			 iface);
		return -1;
	}
	if (!strstr(iface, "iface=")) {
		snprintf(err, errlen, "'%s' has no iface=NAME", iface);
		return -1;
	}
	if (snprintf(buf, len, "%s,xdp_prog=%s", iface, obj) >= (int)len) {
		snprintf(err, errlen, "port arguments too long");
		return -1;
	}
	return 0;
}

/* The value of iface= in a devargs string. */
static int iface_name(const char *spec, char *name, size_t len)
{
	const char *p = spec;

	while ((p = strstr(p, "iface=")) != NULL) {
		if (p == spec || p[-1] == ',')
			break;
		p++;
	}
	if (!p)
		return -1;
	p += 6;
	size_t n = strcspn(p, ",");
	if (n == 0 || n >= len)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

/* Fill one rule map (by its name) from x; 0 or -errno. */
static int fill_map(const struct nc_xdp *x, const char *name, int fd)
{
	uint8_t one = 1;

	if (!strcmp(name, "nc_net4") || !strcmp(name, "nc_net6")) {
		bool v6 = name[6] == '6';
		for (unsigned i = 0; i < x->nnet; i++) {
			const struct xdp_net *n = &x->net[i];
			struct lpm4_key k4 = {.prefixlen = n->plen};
			struct lpm6_key k6 = {.prefixlen = n->plen};
			if (n->v6 != v6)
				continue;
			memcpy(k4.addr, n->addr, 4);
			memcpy(k6.addr, n->addr, 16);
			if (bpf_map_update_elem(fd, v6 ? (void *)&k6 : &k4,
						&one, BPF_ANY) != 0)
				return -errno;
		}
	} else if (!strcmp(name, "nc_proto")) {
		for (uint32_t p = 0; p < 256; p++)
			if (x->proto[p] &&
			    bpf_map_update_elem(fd, &p, &one, BPF_ANY) != 0)
				return -errno;
	} else if (!strcmp(name, "nc_port")) {
		for (unsigned i = 0; i < x->nport; i++)
			if (bpf_map_update_elem(fd, &x->port[i], &one,
						BPF_ANY) != 0)
				return -errno;
	}
	return 0;
}

int nc_xdp_install(struct nc_xdp *x, const char *iface, char *err,
		   size_t errlen)
{
	static const char *const need[] = {"nc_net4", "nc_net6", "nc_proto",
					   "nc_port", "nc_counts"};
	struct bpf_prog_info info;
	uint32_t ids[16], found = 0, ilen = sizeof(info);
	int ifindex, prog_fd, rc = -1;

	if (iface_name(iface, x->ifname, sizeof(x->ifname)) != 0) {
		snprintf(err, errlen, "--xdp-filter: '%s' has no iface=NAME",
			 iface);
		return -1;
	}
	ifindex = (int)if_nametoindex(x->ifname);
	if (ifindex == 0) {
		snprintf(err, errlen, "--xdp-filter: %s: %s", x->ifname,
			 strerror(errno));
		return -1;
	}
	if (bpf_xdp_query_id(ifindex, 0, &x->prog_id) != 0 || !x->prog_id) {
		snprintf(err, errlen,
			 "--xdp-filter: %s has no XDP program after the port "
			 "started (can its kernel driver run XDP?)",
			 x->ifname);
		return -1;
	}
	prog_fd = bpf_prog_get_fd_by_id(x->prog_id);
	if (prog_fd < 0) {
		snprintf(err, errlen,
			 "--xdp-filter: %s: cannot open XDP program %u: %s",
			 x->ifname, x->prog_id, strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = DIM(ids);
	info.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &ilen) != 0) {
		snprintf(err, errlen,
			 "--xdp-filter: %s: cannot read XDP program %u: %s",
			 x->ifname, x->prog_id, strerror(errno));
		goto out;
	}
	for (uint32_t i = 0; i < info.nr_map_ids && i < DIM(ids); i++) {
		struct bpf_map_info mi;
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) != 0) {
			close(fd);
			continue;
		}
		for (unsigned k = 0; k < DIM(need); k++) {
			if (strcmp(mi.name, need[k]) != 0)
				continue;
			found |= 1u << k;
			int e = fill_map(x, mi.name, fd);
			if (e) {
				snprintf(err, errlen,
					 "--xdp-filter: %s: cannot fill map "
					 "%s: %s",
					 x->ifname, mi.name, strerror(-e));
				close(fd);
				goto out;
			}
			if (!strcmp(mi.name, "nc_counts")) {
				x->counts_fd = fd;
				fd = -1;
			}
		}
		if (fd >= 0)
			close(fd);
	}
	if (found != (1u << DIM(need)) - 1) {
		snprintf(err, errlen,
			 "--xdp-filter: the XDP program on %s (id %u, '%s') is "
			 "not netcap's %s (maps missing)",
			 x->ifname, x->prog_id, info.name, NC_XDP_OBJ);
		goto out;
	}
	rc = 0;
out:
	close(prog_fd);
	return rc;
}

void nc_xdp_counts(struct nc_xdp *x, uint64_t out[NC_XDP_COUNTS])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL;

	memset(out, 0, NC_XDP_COUNTS * sizeof(*out));
	for (uint32_t k = 0; v && x->counts_fd >= 0 && k < CNT_MAX; k++) {
		if (bpf_map_lookup_elem(x->counts_fd, &k, v) != 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
	free(v);
}

void nc_xdp_summary(struct nc_xdp *x, FILE *o)
{
	static const char *const names[] = {"xdp.dropped.net",
					    "xdp.dropped.proto",
					    "xdp.dropped.port", "xdp.passed"};
	uint64_t sum[NC_XDP_COUNTS];

	nc_xdp_counts(x, sum);
	for (unsigned k = 0; k < CNT_PASS; k++)
		fprintf(o, "%-36s %" PRIu64 "\n", names[k], sum[k]);
	fprintf(o, "%-36s %" PRIu64 "\n", "xdp.dropped",
		sum[CNT_NET] + sum[CNT_PROTO] + sum[CNT_PORT]);
	fprintf(o, "%-36s %" PRIu64 "\n", names[CNT_PASS], sum[CNT_PASS]);
}

void nc_xdp_free(struct nc_xdp *x)
{
	if (!x)
		return;
	if (x->counts_fd >= 0)
		close(x->counts_fd);
	free(x);
}
