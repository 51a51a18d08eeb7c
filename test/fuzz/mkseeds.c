/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mkseeds.c: build the seed corpora of the fuzz targets from capture files.
 *
 *   mkseeds OUTDIR CAPTURE...
 *
 * writes OUTDIR/<target>/<hash> files:
 *   pcap       every capture file as it is
 *   packet     link octet + up to 16 packets per seed, in the fuzz_packet.c
 *              framing (len, dt, cut)
 *   ethernet, link, vlan, arp, ipv4, ipv6, icmpv4, icmpv6, tcp, udp, sctp,
 *   igmp, ah, vrrp, ospf (IP protocol 89), gre, vxlan, geneve, mpls,
 *   gtpu, teredo, erspan (flags bits 4-5: the type, fuzz_erspan.c),
 *   dot11, usb,
 *   llc, fddi (LLC, SNAP, ...: 802.3 data narrowed to its length, FDDI)
 *              the bytes of that layer from each packet (found by a small
 *              header walk here, independent of the decoders), after the
 *              flags octet of fuzz.h; at most 24 per capture and target
 *   records    record files: each capture decoded with every type on, the
 *              first 8 KiB of records of each type written with nc_writer
 *              (LZ4 and, for every third type, plain)
 *   unpack     the first UNPACK_CAP records of each type of each capture,
 *              one per seed: the type octet, then the packed record
 * Seed names are a hash of their contents, so duplicates collapse.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "decode.h"
#include "ncfile.h"

#define PER_CAP 24
#define REC_CAP 8192
#define UNPACK_CAP 4

static const char *outdir;

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static void mkdir_p(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", outdir, dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

/* Write OUTDIR/target/<hash> = [pre] + p[0..n). */
static void seed(const char *target, int pre, const uint8_t *p, size_t n)
{
	char path[4096];
	uint8_t *b = malloc(n + 1);
	size_t len = 0;

	if (!b)
		exit(1);
	if (pre >= 0)
		b[len++] = (uint8_t)pre;
	memcpy(b + len, p, n);
	len += n;
	snprintf(path, sizeof(path), "%s/%s/%016llx", outdir, target,
		 (unsigned long long)fnv(b, len));
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	free(b);
}

enum {
	T_ETH,
	T_LINK,
	T_VLAN,
	T_ARP,
	T_IPV4,
	T_IPV6,
	T_ICMPV4,
	T_ICMPV6,
	T_TCP,
	T_UDP,
	T_SCTP,
	/* -- IGMP, IPSecAH, VRRPv2 -- */
	T_IGMP,
	T_AH,
	T_VRRP,
	T_OSPF, /* -- OSPFv2, OSPFv3 -- */
	/* -- GRE, VXLAN, Geneve, MPLS (decoders/tunnel/) -- */
	T_GRE,
	T_VXLAN,
	T_GENEVE,
	T_MPLS,
	/* -- GTP-U, Teredo (UDP ports), ERSPAN (in GRE) -- */
	T_GTPU,
	T_TEREDO,
	T_ERSPAN,
	/* -- Dot11 (802.11, radiotap), USB (usbmon) -- */
	T_DOT11,
	T_USB,
	/* LLC, SNAP, ... */
	T_LLC,
	T_FDDI,
	T_MAX
};
static const char *tname[T_MAX] = {"ethernet", "link", "vlan",	 "arp",
				   "ipv4",     "ipv6", "icmpv4", "icmpv6",
				   "tcp",      "udp",  "sctp",
				   /* -- IGMP, IPSecAH, VRRPv2 -- */
				   "igmp", "ah", "vrrp",
				   /* -- OSPFv2, OSPFv3 -- */
				   "ospf",
				   /* -- GRE, VXLAN, Geneve, MPLS -- */
				   "gre", "vxlan", "geneve", "mpls",
				   /* -- GTP-U, Teredo, ERSPAN -- */
				   "gtpu", "teredo", "erspan",
				   /* -- Dot11, USB -- */
				   "dot11", "usb",
				   /* LLC, SNAP, ... */
				   "llc",      "fddi"};
static unsigned tcount[T_MAX];

static void layer(int t, int flags, const uint8_t *p, size_t n)
{
	if (tcount[t]++ < PER_CAP)
		seed(tname[t], flags, p, n);
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void walk_ip(const uint8_t *p, size_t n, int cut);
static void walk(int link, const uint8_t *p, size_t n, int cut);

/*
 * GTP-U (TS 29.281) at p: the G-PDU's inner IP packet, walked in turn.
 * The header is 8 octets, 12 with E, S or N, then extension headers
 * (length in 4-octet units, the next type in their last octet).
 */
static void walk_gtpu(const uint8_t *p, size_t n, int cut)
{
	if (n < 8 || p[0] >> 5 != 1 || p[1] != 255)
		return;
	size_t off = 8;
	if (p[0] & 0x07) {
		if (n < 12)
			return;
		unsigned next = p[11];
		off = 12;
		for (int k = 0; next && k < 16; k++) {
			if (off >= n || p[off] == 0)
				return;
			off += (size_t)p[off] * 4;
			if (off > n)
				return;
			next = p[off - 1];
		}
		if (next)
			return;
	}
	if (off < n)
		walk_ip(p + off, n - off, cut);
}

/*
 * Teredo (RFC 4380) at p: the IPv6 packet after the optional
 * authentication (0x0001) and origin (0x0000) indicators, walked in turn.
 */
static void walk_teredo(const uint8_t *p, size_t n, int cut)
{
	size_t off = 0;
	if (n >= 4 && p[0] == 0 && p[1] == 1)
		off = 4 + (size_t)p[2] + p[3] + 9;
	if (off + 2 <= n && p[off] == 0 && p[off + 1] == 0)
		off += 8;
	if (off < n && p[off] >> 4 == 6)
		walk_ip(p + off, n - off, cut);
}

/*
 * GRE at p (RFC 2784, 2890; PPTP's version 1): ERSPAN seeds for Protocol
 * Types 0x88be and 0x22eb, and the inner Ethernet frame (0x6558) or IP
 * packet walked in turn. GRE with routing (RFC 1701) is left alone.
 */
static void walk_gre(const uint8_t *p, size_t n, int fl, int cut)
{
	if (n < 4 || (p[0] & 0x40))
		return;
	unsigned pt = be16(p + 2);
	size_t off = 4 + ((p[0] & 0x80) ? 4 : 0) + ((p[0] & 0x20) ? 4 : 0) +
		     ((p[0] & 0x10) ? 4 : 0) +
		     ((p[1] & 7) == 1 && (p[1] & 0x80) ? 4 : 0);
	if (off > n)
		return;
	if (pt == 0x88be || pt == 0x22eb) {
		int type = pt == 0x22eb ? 2 : (p[0] & 0x10) ? 1 : 0;
		layer(T_ERSPAN, fl | type << 4, p + off, n - off);
	} else if (pt == 0x6558) {
		walk(1, p + off, n - off, cut);
	} else if (pt == 0x0800 || pt == 0x86dd) {
		walk_ip(p + off, n - off, cut);
	}
}

/* IP and above, starting at p (n octets); cut: the snap length cut it. */
static void walk_ip(const uint8_t *p, size_t n, int cut)
{
	if (n < 1)
		return;
	int v = p[0] >> 4, proto;
	size_t off;
	if (v == 4) {
		layer(T_IPV4, cut, p, n);
		layer(T_IPV4, cut | 0x08, p, n); /* with defragmentation */
		if (n < 20 || (be16(p + 6) & 0x1fff) != 0)
			return;
		off = (size_t)(p[0] & 15) * 4;
		proto = p[9];
	} else if (v == 6) {
		layer(T_IPV6, cut, p, n);
		layer(T_IPV6, cut | 0x08, p, n);
		if (n < 40)
			return;
		off = 40;
		proto = p[6];
		for (int k = 0; k < 16 && off + 8 <= n; k++) {
			if (proto == 0 || proto == 43 || proto == 60 ||
			    proto == 135 || proto == 139 || proto == 140) {
				proto = p[off];
				off += ((size_t)p[off + 1] + 1) * 8;
			} else if (proto == 44) {
				if (be16(p + off + 2) & 0xfff8)
					return;
				proto = p[off];
				off += 8;
			} else if (proto == 51) {
				proto = p[off];
				off += ((size_t)p[off + 1] + 2) * 4;
			} else {
				break;
			}
		}
	} else {
		return;
	}
	if (off > n)
		return;
	int fl = cut | (v == 6 ? 0x04 : 0);
	switch (proto) {
	case 6:
		layer(T_TCP, fl, p + off, n - off);
		break;
	case 17:
		layer(T_UDP, fl, p + off, n - off);
		/* -- VXLAN, Geneve: by destination port (udpports.def) -- */
		if (off + 8 <= n && be16(p + off + 2) == 4789)
			layer(T_VXLAN, fl, p + off + 8, n - off - 8);
		if (off + 8 <= n && be16(p + off + 2) == 6081)
			layer(T_GENEVE, fl, p + off + 8, n - off - 8);
		/* -- GTP-U, Teredo: either port (udpports.def) -- */
		if (off + 8 <= n && (be16(p + off) == 2152 ||
				     be16(p + off + 2) == 2152)) {
			layer(T_GTPU, fl, p + off + 8, n - off - 8);
			walk_gtpu(p + off + 8, n - off - 8, cut);
		}
		if (off + 8 <= n && (be16(p + off) == 3544 ||
				     be16(p + off + 2) == 3544)) {
			layer(T_TEREDO, fl, p + off + 8, n - off - 8);
			walk_teredo(p + off + 8, n - off - 8, cut);
		}
		break;
	case 47: /* -- GRE -- */
		layer(T_GRE, fl, p + off, n - off);
		walk_gre(p + off, n - off, fl, cut);
		break;
	case 132:
		layer(T_SCTP, fl, p + off, n - off);
		break;
	case 1:
		layer(T_ICMPV4, fl, p + off, n - off);
		break;
	case 58:
		layer(T_ICMPV6, fl, p + off, n - off);
		break;
	case 4:
	case 41:
		walk_ip(p + off, n - off, cut);
		break;
	/* -- IGMP, IPSecAH, VRRPv2 -- */
	case 2:
		layer(T_IGMP, fl, p + off, n - off);
		break;
	case 51:
		layer(T_AH, fl, p + off, n - off);
		break;
	case 112:
		layer(T_VRRP, fl, p + off, n - off);
		break;
	/* -- OSPFv2, OSPFv3 -- */
	case 89:
		layer(T_OSPF, fl, p + off, n - off);
		break;
	}
}

/* -- LLDP, EthernetCTP, EAPOL: the layer after the EtherType -- */
static const struct {
	unsigned type;
	const char *target;
} l2misc_targets[] = {{0x88cc, "lldp"}, {0x9000, "ectp"}, {0x888e, "eapol"}};
static unsigned l2misc_count[3];

static void l2misc_seed(unsigned type, int cut, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < 3; i++) {
		if (type != l2misc_targets[i].type)
			continue;
		if (l2misc_count[i] == 0)
			mkdir_p(l2misc_targets[i].target);
		if (l2misc_count[i]++ < PER_CAP)
			seed(l2misc_targets[i].target, cut, p, n);
	}
}

static void walk_type(unsigned type, const uint8_t *p, size_t n, int cut)
{
	for (int k = 0; k < 8; k++) {
		if (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
			layer(T_VLAN, cut, p, n);
			if (n < 4)
				return;
			type = be16(p + 2);
			p += 4;
			n -= 4;
			continue;
		}
		break;
	}
	l2misc_seed(type, cut, p, n); /* LLDP, EthernetCTP, EAPOL */
	if (type <= 1500) /* LLC, SNAP, ...: an 802.3 length */
		layer(T_LLC, cut, p, n < type ? n : type);
	else if (type == 0x0806 || type == 0x8035)
		layer(T_ARP, cut, p, n);
	else if (type == 0x8847 || type == 0x8848) /* -- MPLS -- */
		layer(T_MPLS, cut, p, n);
	else if (type == 0x0800 || type == 0x86dd)
		walk_ip(p, n, cut);
}

static void walk(int link, const uint8_t *p, size_t n, int cut)
{
	switch (link) {
	case 1:
		layer(T_ETH, cut, p, n);
		if (n >= 14)
			walk_type(be16(p + 12), p + 14, n - 14, cut);
		break;
	case 113:
		layer(T_LINK, 0 | (cut ? 8 : 0), p, n);
		if (n >= 16)
			walk_type(be16(p + 14), p + 16, n - 16, cut);
		break;
	case 276:
		layer(T_LINK, 1 | (cut ? 8 : 0), p, n);
		if (n >= 20)
			walk_type(be16(p), p + 20, n - 20, cut);
		break;
	case 10: /* LLC, SNAP, ...: FDDI */
		layer(T_FDDI, cut, p, n);
		if (n >= 13)
			layer(T_LLC, cut, p + 13, n - 13);
		break;
	case 0:
	case 108:
		layer(T_LINK, (link ? 3 : 2) | (cut ? 8 : 0), p, n);
		if (n >= 4)
			walk_ip(p + 4, n - 4, cut);
		break;
	case 101:
	case 228:
	case 229:
		layer(T_LINK, 4 | (cut ? 8 : 0), p, n);
		walk_ip(p, n, cut);
		break;
	/* -- Dot11 (802.11, radiotap), USB (usbmon): the selector octets
	   of fuzz_dot11.c and fuzz_usb.c -- */
	case 105:
	case 127:
		layer(T_DOT11, (link == 127) | (cut ? 8 : 0), p, n);
		break;
	case 189:
	case 220:
		layer(T_USB, (link == 220) | (cut ? 8 : 0), p, n);
		break;
	}
}

/* fuzz_packet.c's link index of a link type (its fz_links[] order). */
static int link_index(int link)
{
	static const int links[] = {1, 113, 276, 0, 108, 101, 228, 229, 12, 14};
	for (unsigned i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (links[i] == link)
			return (int)i;
	/* -- Dot11 (802.11, radiotap), USB (usbmon): after 147 -- */
	static const int links_dot11_usb[] = {105, 127, 189, 220};
	for (unsigned i = 0; i < 4; i++)
		if (links_dot11_usb[i] == link)
			return 11 + (int)i;
	return 10;
}

/* Record files of one capture. */
struct recbuf {
	size_t len;
	uint8_t data[REC_CAP];
};
static struct recbuf recs[NC_REC_MAX];
static unsigned unpack_seeds[NC_REC_MAX]; /* of the current capture */

static void rec_sink(void *arg, enum nc_rec t, const ProtobufCMessage *m)
{
	(void)arg;
	struct recbuf *b = &recs[t];
	b->len += nc_pack_delimited(m, b->data + b->len, REC_CAP - b->len);
	if (unpack_seeds[t] < UNPACK_CAP) {
		static uint8_t one[1 << 16];
		size_t n = nc_pack_delimited(m, one, sizeof(one));
		uint64_t len;
		int k = nc_varint_get(one, one + n, &len);
		if (n && k > 0) {
			seed("unpack", (int)t, one + k, (size_t)len);
			unpack_seeds[t]++;
		}
	}
}

static void write_records(const char *tag)
{
	char path[4096];
	for (int t = 0; t < NC_REC_MAX; t++) {
		if (recs[t].len == 0)
			continue;
		for (int plain = 0; plain < 1 + (t % 3 == 0); plain++) {
			snprintf(path, sizeof(path), "%s/records/%s.%s%s",
				 outdir, tag, nc_rec_name((enum nc_rec)t),
				 plain ? ".ncap" : ".ncap.lz4");
			struct nc_writer_opts o = {
			    .type = (enum nc_rec)t,
			    .input_source = tag,
			    .created = 1700000000000000000LL,
			    .payloads = true,
			    .compress = !plain,
			};
			struct nc_writer *w = nc_writer_open(path, &o);
			if (!w ||
			    nc_writer_append(w, recs[t].data, recs[t].len) !=
				0 ||
			    nc_writer_close(w) != 0) {
				perror(path);
				exit(1);
			}
		}
		recs[t].len = 0;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkseeds OUTDIR CAPTURE...\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	mkdir_p("pcap");
	mkdir_p("packet");
	mkdir_p("records");
	mkdir_p("unpack");
	for (int t = 0; t < T_MAX; t++)
		mkdir_p(tname[t]);

	struct nc_dec_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	for (int i = 0; i < NC_REC_MAX; i++)
		cfg.want.on[i] = true;
	cfg.payload = true;
	cfg.tunnels = NC_TUN_ALL;

	for (int a = 2; a < argc; a++) {
		char errbuf[PCAP_ERRBUF_SIZE];
		FILE *f = fopen(argv[a], "rb");
		if (!f) {
			perror(argv[a]);
			return 1;
		}
		static uint8_t file[1 << 22];
		size_t fl = fread(file, 1, sizeof(file), f);
		fclose(f);
		seed("pcap", -1, file, fl);

		pcap_t *pc = pcap_open_offline_with_tstamp_precision(
		    argv[a], PCAP_TSTAMP_PRECISION_NANO, errbuf);
		if (!pc)
			continue; /* not readable: still a pcap seed */
		int dlt = pcap_datalink(pc);
		int link =
		    (dlt == DLT_RAW || dlt == 12 || dlt == 14) ? 101 : dlt;
		struct nc_dec d;
		nc_dec_init(&d, &cfg, rec_sink, NULL);
		memset(tcount, 0, sizeof(tcount));
		memset(unpack_seeds, 0, sizeof(unpack_seeds));

		static uint8_t pk[1 << 16];
		size_t pl = 0;
		unsigned npk = 0;
		int64_t last = 0;
		struct pcap_pkthdr *h;
		const u_char *data;
		while (pcap_next_ex(pc, &h, &data) == 1) {
			int cut = h->len > h->caplen ? 2 : 0;
			uint32_t wire = h->len < h->caplen ? h->caplen : h->len;
			int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 +
				     (int64_t)h->ts.tv_usec;
			walk(link, data, h->caplen, cut);
			nc_decode_frame(&d, link, data, h->caplen, wire, ts);
			/* packet seed: chunks of 16 packets */
			if (npk == 0) {
				pk[0] = (uint8_t)link_index(link);
				pl = 1;
				last = ts;
			}
			size_t len = h->caplen > 4096 ? 4096 : h->caplen;
			if (pl + 4 + len <= sizeof(pk)) {
				int64_t dt = (ts - last) / 50000000;
				pk[pl++] = (uint8_t)(len >> 8);
				pk[pl++] = (uint8_t)len;
				pk[pl++] = (uint8_t)(dt < 0	? 0
						     : dt > 255 ? 255
								: dt);
				pk[pl++] = (uint8_t)(wire - h->caplen > 255
							 ? 255
							 : wire - h->caplen);
				memcpy(pk + pl, data, len);
				pl += len;
				last = ts;
			}
			if (++npk == 16) {
				seed("packet", -1, pk, pl);
				npk = 0;
			}
		}
		if (npk)
			seed("packet", -1, pk, pl);
		pcap_close(pc);
		const char *base = strrchr(argv[a], '/');
		base = base ? base + 1 : argv[a];
		char tag[256];
		snprintf(tag, sizeof(tag), "%.200s", base);
		char *dot = strchr(tag, '.');
		if (dot)
			*dot = 0;
		write_records(tag);
	}
	return 0;
}
