/* SPDX-License-Identifier: BSD-3-Clause OR GPL-2.0 */
/*
 * xdp_filter.c: netcap's XDP program for net_af_xdp ports (--xdp-filter).
 *
 * Built with `clang -O2 -g -target bpf -c` into xdp_filter.o next to the
 * netcap binary. netcap passes it to the PMD as xdp_prog=<path>: the PMD
 * loads the object, attaches its one program to the interface and puts
 * its AF_XDP sockets into the map named "xsks_map" (the name DPDK 22.11
 * looks up). netcap then finds the program on the interface (app/xdp.c),
 * fills the rule maps and at the end reads nc_counts.
 *
 * Per packet: Ethernet, at most one VLAN tag (802.1Q or 802.1ad), IPv4 or
 * IPv6, and for TCP, UDP and SCTP the ports. A packet is dropped
 * (XDP_DROP) when
 *   its source or destination address lies in a CIDR of nc_net4/nc_net6,
 *   or its IP protocol (IPv6: the first next header) is set in nc_proto,
 *   or its source or destination port is in nc_port (not for IPv4
 *   fragments after the first, nor IPv6 packets with extension headers),
 * checked in that order and counted once, under the first kind that
 * matched. Everything else, non-IP frames included, is redirected to the
 * AF_XDP socket of its RX queue, or passed to the kernel when that queue
 * has none. Bounded work: at most 4 map lookups per packet, no loops.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* nc_counts slots; app/xdp.c reads them by these numbers */
#define CNT_NET	  0
#define CNT_PROTO 1
#define CNT_PORT  2
#define CNT_PASS  3
#define CNT_MAX	  4

struct lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm4_key);
	__type(value, __u8);
} nc_net4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm6_key);
	__type(value, __u8);
} nc_net6 SEC(".maps");

/* IP protocol number -> 1: drop; an array, one slot per number */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u8);
} nc_proto SEC(".maps");

/* L4 port (host order) -> 1: drop */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u8);
} nc_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} nc_counts SEC(".maps");

/* Packet bytes [off, off + n) lie inside the frame. */
#define IN_FRAME(data, end, off, n)                                            \
	((void *)(data) + (off) + (n) <= (void *)(end))

static __always_inline int count(__u32 slot, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&nc_counts, &slot);

	if (c)
		*c += 1; /* per-CPU slot: no atomics needed */
	return verdict;
}

static __always_inline __u16 be16_at(const __u8 *p)
{
	return (__u16)((__u16)p[0] << 8 | p[1]);
}

static __always_inline int l4_has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static __always_inline int port_listed(const __u8 *l4)
{
	__u16 sport = be16_at(l4), dport = be16_at(l4 + 2);

	return bpf_map_lookup_elem(&nc_port, &sport) ||
	       bpf_map_lookup_elem(&nc_port, &dport);
}

static __always_inline int proto_listed(__u8 proto)
{
	__u32 key = proto;
	__u8 *v = bpf_map_lookup_elem(&nc_proto, &key);

	return v && *v;
}

SEC("xdp")
int nc_xdp_filter(struct xdp_md *ctx)
{
	const __u8 *data = (const __u8 *)(long)ctx->data;
	const __u8 *end = (const __u8 *)(long)ctx->data_end;
	__u32 off = ETH_HLEN;
	__u16 type;

	if (!IN_FRAME(data, end, 0, ETH_HLEN))
		goto pass;
	type = be16_at(data + 12);
	if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
		if (!IN_FRAME(data, end, off, 4))
			goto pass;
		type = be16_at(data + off + 2);
		off += 4;
	}

	if (type == ETH_P_IP) {
		const __u8 *ip = data + off;
		struct lpm4_key k = {.prefixlen = 32};
		__u32 ihl;
		__u8 proto;

		if (!IN_FRAME(ip, end, 0, 20))
			goto pass;
		__builtin_memcpy(k.addr, ip + 12, 4);
		if (bpf_map_lookup_elem(&nc_net4, &k))
			return count(CNT_NET, XDP_DROP);
		__builtin_memcpy(k.addr, ip + 16, 4);
		if (bpf_map_lookup_elem(&nc_net4, &k))
			return count(CNT_NET, XDP_DROP);
		proto = ip[9];
		if (proto_listed(proto))
			return count(CNT_PROTO, XDP_DROP);
		ihl = (__u32)(ip[0] & 0x0f) * 4;
		/* a fragment after the first carries no L4 header */
		if (!l4_has_ports(proto) || ihl < 20 ||
		    (be16_at(ip + 6) & 0x1fff))
			goto pass;
		if (!IN_FRAME(ip, end, ihl, 4))
			goto pass;
		if (port_listed(ip + ihl))
			return count(CNT_PORT, XDP_DROP);
	} else if (type == ETH_P_IPV6) {
		const __u8 *ip = data + off;
		struct lpm6_key k = {.prefixlen = 128};
		__u8 proto;

		if (!IN_FRAME(ip, end, 0, 40))
			goto pass;
		__builtin_memcpy(k.addr, ip + 8, 16);
		if (bpf_map_lookup_elem(&nc_net6, &k))
			return count(CNT_NET, XDP_DROP);
		__builtin_memcpy(k.addr, ip + 24, 16);
		if (bpf_map_lookup_elem(&nc_net6, &k))
			return count(CNT_NET, XDP_DROP);
		proto = ip[6];
		if (proto_listed(proto))
			return count(CNT_PROTO, XDP_DROP);
		if (!l4_has_ports(proto) || !IN_FRAME(ip, end, 40, 4))
			goto pass;
		if (port_listed(ip + 40))
			return count(CNT_PORT, XDP_DROP);
	}
pass:
	count(CNT_PASS, 0);
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "Dual BSD/GPL";
