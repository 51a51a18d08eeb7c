/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * decode.h: the decoder contract.
 *
 * Decoders are pure C over (pointer, length): no DPDK header, no allocation,
 * no I/O. A worker owns one struct nc_dec and calls nc_decode_frame() once
 * per frame. Each layer decoder
 *   - reads its header through the cursor it is given (cursor.h),
 *   - fills a record message on its own stack and hands it to nc_emit()
 *     when that type is selected (the record is packed before nc_emit
 *     returns, so stack memory is fine),
 *   - records the addresses and ports that upper records carry as context,
 *   - and hands the rest of the cursor to the next layer's dispatcher.
 * Bad input becomes data: nc_event() counts it and writes an Anomaly record;
 * a decoder then stops at that layer and returns DEC_TRUNC or DEC_INVALID.
 * decoders/template.c.in is the commented template for a new decoder.
 */
#ifndef NC_DECODE_H
#define NC_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cursor.h"
#include "layerhist.h"
#include "rec.h"

enum dec_rc {
	DEC_OK = 0,
	DEC_TRUNC,	 /* the capture ended inside the layer */
	DEC_INVALID,	 /* a field breaks the protocol */
	DEC_UNSUPPORTED, /* a protocol netcap does not decode (yet) */
};

enum nc_event {
#define E(id, name, kind) NC_EV_##id,
#include "events.def"
#undef E
	NC_EV_MAX
};

const char *nc_event_name(enum nc_event ev);
bool nc_event_is_anomaly(enum nc_event ev);

/* Link types (the LINKTYPE_ values of pcap files). */
enum nc_link {
	NC_LINK_NULL = 0, /* BSD loopback, host-order 4-byte family */
	NC_LINK_ETHERNET = 1,
	NC_LINK_RAW = 101,  /* raw IPv4 or IPv6 by version nibble */
	NC_LINK_LOOP = 108, /* OpenBSD loopback, network-order family */
	NC_LINK_LINUX_SLL = 113,
	NC_LINK_IPV4 = 228,
	NC_LINK_IPV6 = 229,
	NC_LINK_LINUX_SLL2 = 276,
	NC_LINK_FDDI = 10, /* LLC, SNAP, ...: FDDI (fddi.c) */
};

/* Encapsulation limits: deeper nesting is an anomaly, not recursion. */
#define NC_MAX_VLAN_DEPTH 8
#define NC_MAX_IP_DEPTH	  4
#define NC_MAX_IPV6_EXT	  16
/* MPLS label stack entries decoded per frame (tunnel/mpls.c) */
#define NC_MAX_MPLS_DEPTH 8
/* Most options kept in one record; more are counted as *.too_many_options. */
#define NC_MAX_OPTIONS 64
/* Tunnels decoded inside each other per frame (tunnel.too_deep past it). */
#define NC_MAX_TUNNEL_DEPTH 4

/*
 * Tunnels whose payload is decoded like an outer frame (nc_tunnel_enter;
 * --tunnels LIST takes the names, docs/RECORDS.md "Tunnels").
 */
enum nc_tun {
	NC_TUN_NONE = 0,
	NC_TUN_GRE,    /* GRE v0 and v1 (PPTP) payloads, TEB */
	NC_TUN_ERSPAN, /* ERSPAN II and III (GRE 0x88be, 0x22eb) */
	NC_TUN_VXLAN,
	NC_TUN_GENEVE,
	NC_TUN_MPLS,
	NC_TUN_IPIP, /* IPv4/IPv6 in IPv4/IPv6: 4in4, 6in4, 4in6, 6in6 */
	NC_TUN_GTPU,
	NC_TUN_TEREDO,
	NC_TUN_MAX
};
#define NC_TUN_ALL (((1u << NC_TUN_MAX) - 1) & ~1u)

/* "GRE", "ERSPAN", ... (the Tunnel record's Type); NULL out of range. */
const char *nc_tun_name(enum nc_tun t);
/* enum nc_tun of a --tunnels name (case-insensitive), NC_TUN_NONE if none */
enum nc_tun nc_tun_parse(const char *name, size_t len);
/*
 * --tunnels LIST into *mask (1 << enum nc_tun): "all" or NULL (every
 * tunnel), "none", or names separated by commas. -1 and a message naming
 * the unknown name in err.
 */
int nc_tunnels_parse(const char *list, uint32_t *mask, char *err,
		     size_t errlen);

/*
 * The innermost tunnel of the frame being decoded (d->tun, valid while
 * d->tun.depth > 0): what records of inner traffic carry as their Tunnel.
 */
struct nc_tun_ctx {
	uint8_t type;	   /* enum nc_tun */
	uint8_t depth;	   /* 1: the outermost tunnel of the frame */
	uint8_t outer_len; /* 0 (MPLS on the link), 4 or 16 */
	uint8_t nlabels;   /* MPLS: entries in labels[] */
	bool has_id;
	uint32_t id; /* VNI, GRE key, ERSPAN session, TEID; 0 without */
	uint8_t outer_src[16];
	uint8_t outer_dst[16];
	uint32_t labels[NC_MAX_MPLS_DEPTH];
	/*
	 * Tenant: the connection key's tunnel part, a hash over this and
	 * every enclosing tunnel of what enum nc_tun_key names
	 * (nc_tunnel_enter). 0: not tunnelled.
	 */
	uint64_t tenant;
};

struct nc_conntab;    /* conn.h: per-worker connection table */
struct nc_defrag;     /* defrag.h: per-worker IP fragment reassembly */
struct nc_reasm_pool; /* reasm.h: per-worker TCP stream buffer pool */
struct nc_apptab;     /* applayer.h: per-worker application parsers */
struct nc_observer;   /* observe.h: Software, Service, profiles */
struct nc_flow_key;   /* flowhash.h: a frame's key, peeked */

/*
 * What the transport layer of the current frame told: filled by the TCP,
 * UDP, ICMPv4/v6 decoders (and nc_dispatch_ipproto for other protocols),
 * consumed by connection tracking after the frame is decoded.
 */
struct nc_l4 {
	bool valid;	   /* a transport layer (or other IP protocol) seen */
	uint8_t ip_proto;  /* 6, 17, 1, 58, or another IP protocol */
	uint8_t tcp_flags; /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10
			      URG 0x20 ECE 0x40 CWR 0x80 */
	bool tcp_ns;
	uint16_t sport;	   /* ICMP: type; other protocols: 0 */
	uint16_t dport;	   /* ICMP: code; other protocols: 0 */
	uint32_t seq, ack; /* TCP */
	uint16_t window;   /* TCP */
	uint32_t ip_len;   /* IP header + payload octets (IP length field) */
	const uint8_t *payload; /* transport payload, captured octets */
	uint32_t payload_len;	/* captured payload octets */
	uint32_t payload_wire;	/* payload octets on the wire (from lengths) */
};

/* Read-only decoder configuration, shared by all workers. */
struct nc_dec_cfg {
	struct nc_recset want; /* record types to write */
	bool payload;	       /* fill Payload fields (--payload) */
	bool entropy;	       /* compute PayloadEntropy (--entropy) */
	uint32_t tunnels;      /* 1 << enum nc_tun: payloads decoded
				  (--tunnels; 0 with --no-tunnels) */
};

/*
 * Record sink: called for every selected record. The message is valid only
 * during the call.
 */
typedef void (*nc_emit_fn)(void *arg, enum nc_rec t,
			   const ProtobufCMessage *msg);

struct nc_dec {
	const struct nc_dec_cfg *cfg;
	nc_emit_fn emit;
	void *emit_arg;
	/*
	 * --metrics (app/traffic.h), NULL: off. The payload histograms of
	 * the Ethernet, IPv4, IPv6, TCP and UDP records (NC_TM_LAYERS), and
	 * the callback that sees each Connection, DNS, TLSServerHello and
	 * HTTP record before nc_emit. Set by the owner after nc_dec_init.
	 */
	struct nc_tm_layer *tm_layer;
	bool tm_entropy; /* cfg->entropy, beside the pointer */
	nc_emit_fn tm_app;
	void *tm_arg;

	/* counters, summed over the worker's lifetime */
	uint64_t events[NC_EV_MAX];
	uint64_t records[NC_REC_MAX];
	uint64_t frames;

	/* state of the frame being decoded; reset by nc_decode_frame() */
	int64_t ts;	      /* ns since the epoch */
	const uint8_t *frame; /* first captured byte */
	uint32_t caplen;
	uint32_t wirelen;
	/*
	 * Set by the IP decoder whose fragment completes a datagram
	 * (ipv4.c, ipv6.c): the frames that carried the datagram's fragments
	 * (every fragment the reassembly kept, this frame's included) and the
	 * sum of their wirelen; l4.ip_len is then the sum of their IP
	 * lengths. 0 (reset per frame): the frame carries its packet alone.
	 * Connection tracking counts these instead of 1 and wirelen
	 * (docs/CONNECTIONS.md, "Fragmented datagrams").
	 */
	uint64_t frag_wire;
	uint32_t frag_frames;
	int link; /* link type of the frame (LINKTYPE_ value, enum nc_link) */
	unsigned vlan_depth;
	unsigned ip_depth;
	unsigned mpls_depth; /* MPLS label stack entries so far (mpls.c) */
	/* innermost network addresses so far: 0 (none), 4 or 16 octets */
	uint8_t ip_len;
	uint8_t src_ip[16];
	uint8_t dst_ip[16];
	/*
	 * The IP layer handed up only the first fragment of a datagram, so
	 * upper-layer lengths may point past the data: not an anomaly.
	 */
	bool ip_partial;
	/* link-layer addresses of the frame (NULL when the link has none) */
	const uint8_t *src_mac;
	const uint8_t *dst_mac;
	uint8_t ip_version; /* 4 or 6: the network layer of ip_len */
	struct nc_l4 l4;    /* the frame's transport summary */
	/* per-worker state owned by the worker (NULL: feature off) */
	struct nc_conntab *conns;
	struct nc_defrag *defrag;
	/* TCP streams of d->conns; the owner also calls
	   nc_reasm_pool_set_dec(reasm, d) */
	struct nc_reasm_pool *reasm;
	/* application parsers (needs conns; TCP ones also reasm) */
	struct nc_apptab *apps;
	/* observations for the cross-connection abstractions, or NULL */
	const struct nc_observer *obs;
	/* transport ports, once a transport header was read */
	bool have_ports;
	uint16_t src_port;
	uint16_t dst_port;
	/* the innermost tunnel entered so far (depth 0: none) */
	struct nc_tun_ctx tun;
	/* its Tunnel message, built on first use per tunnel (emit.c) */
	bool tun_msg_ok;
	Netcap__Tunnel tun_msg;
	char tun_tenant[17];
	/* offset of each record type's Tunnel field, 0: none (emit.c) */
	uint16_t tun_off[NC_REC_MAX];
};

void nc_dec_init(struct nc_dec *d, const struct nc_dec_cfg *cfg,
		 nc_emit_fn emit, void *emit_arg);

/*
 * Decode one frame of link type link. caplen bytes are at data; wirelen is
 * the length on the wire (>= caplen). Returns the result of the deepest
 * layer reached. Never reads outside [data, data + caplen).
 */
enum dec_rc nc_decode_frame(struct nc_dec *d, int link, const uint8_t *data,
			    uint32_t caplen, uint32_t wirelen, int64_t ts);

/*
 * Prefetching for the frames of a burst (conn.c, used by worker.c;
 * d->conns set). Each step issues a load that the next one needs, so a
 * worker runs them a few frames apart ahead of the one it decodes:
 * nc_conn_prefetch_bucket returns the table hash of key k (nc_flow_key)
 * and prefetches its bucket; nc_conn_prefetch_entry prefetches the first
 * connection on that bucket, nc_conn_prefetch_stream its TCP stream
 * slot and its LRU neighbours. Hints only: nothing is changed, a wrong
 * key costs a useless load.
 */
uint64_t nc_conn_prefetch_bucket(const struct nc_dec *d,
				 const struct nc_flow_key *k);
void nc_conn_prefetch_entry(const struct nc_dec *d, uint64_t h);
void nc_conn_prefetch_stream(const struct nc_dec *d, uint64_t h);

/*
 * The first step for one frame of link type link (decode.c): peek its
 * connection key (nc_flow_key), store its table hash in *h and prefetch
 * its bucket. False (nothing done) without a connection table or without
 * a key.
 */
bool nc_dec_prefetch_key(const struct nc_dec *d, int link, const uint8_t *data,
			 uint32_t caplen, uint64_t *h);

static inline bool nc_want(const struct nc_dec *d, enum nc_rec t)
{
	return d->cfg->want.on[t];
}

/*
 * Hand a filled record to the sink (counts it). Inside a tunnel (d->tun
 * depth > 0) the record's Tunnel field is set to the tunnel's message
 * first: msg must be writable (every decoder's record is on its stack).
 */
void nc_emit(struct nc_dec *d, enum nc_rec t, const ProtobufCMessage *msg);

/* --metrics: a record's payload into the histogram of its layer (at the
   five decoders that compute PayloadSize; no dispatch on the type) */
static inline void nc_tm_layer_obs(struct nc_dec *d, enum nc_tm_layer_id l,
				   int32_t size, double ent)
{
	struct nc_tm_layer *h = d->tm_layer;

	if (__builtin_expect(h != NULL, 0)) {
		uint32_t v = (uint32_t)size; /* never negative here */
		h[l].size[nc_tm_size_bucket_u(v)]++;
		h[l].size_sum += v;
		if (d->tm_entropy) {
			h[l].ent[nc_tm_ent_bucket(ent)]++;
			h[l].ent_sum += ent;
		}
	}
}

/* nc_emit for the record types --metrics looks into (Connection, DNS,
   TLSServerHello, HTTP) */
static inline void nc_emit_tm(struct nc_dec *d, enum nc_rec t,
			      const ProtobufCMessage *msg)
{
	if (__builtin_expect(d->tm_app != NULL, 0))
		d->tm_app(d->tm_arg, t, msg);
	nc_emit(d, t, msg);
}

/* What keys a tunnel's tenant (struct nc_tun_ctx tenant), besides its type. */
enum nc_tun_key {
	/* the outer address pair in either order: the id, if any, differs
	   by direction (GTP-U TEIDs, PPTP call IDs) or there is none */
	NC_TK_OUTER,
	/* the id and the outer address pair (GRE v0 key: one per tunnel) */
	NC_TK_ID_OUTER,
	/* the id alone (VXLAN, Geneve VNI: the tenant network, whichever
	   VTEPs carry it) */
	NC_TK_ID,
	/* nothing (MPLS: labels are per direction, no outer addresses) */
	NC_TK_NONE,
};

/* Fill m from tc; tenant (17 octets) holds the hex text m points to. */
void nc_tun_msg_fill(Netcap__Tunnel *m, const struct nc_tun_ctx *tc,
		     char tenant[17]);

/*
 * A tunnel header of kind type was read and its payload starts at at: may
 * the payload be decoded? False when --tunnels leaves type out (counted
 * here as the type's *.inner_not_decoded, INFO) or NC_MAX_TUNNEL_DEPTH
 * tunnels were entered already (tunnel.too_deep, an anomaly, and not
 * *.inner_not_decoded); the caller then leaves the payload undecoded
 * (DEC_OK) and the outer transport is a connection as before. On true the
 * outer layers are finished: the transport summary and network context
 * are cleared (the outer transport is not a connection: its packets are
 * spread over the workers by their inner flows, docs/RECORDS.md), and
 * d->tun describes the new tunnel: id (has_id), its outer addresses (the
 * network context so far), depth, tenant (keyed as kk says).
 */
bool nc_tunnel_enter(struct nc_dec *d, enum nc_tun type, bool has_id,
		     uint32_t id, enum nc_tun_key kk, const uint8_t *at);

/*
 * Count ev for the current frame; for ANOM events also write an Anomaly
 * record. at is where the offending layer starts (for the Offset field).
 */
void nc_event(struct nc_dec *d, enum nc_event ev, const uint8_t *at);

/*
 * Does cursor c end where the data it should hold was cut: by the snaplen
 * (wirelen > caplen and c ends at the end of the capture) or by IP
 * fragmentation (first fragment only)? Upper layers use this to tell a
 * truncation from a length field that lies.
 */
static inline bool nc_data_cut(const struct nc_dec *d, const struct cur *c)
{
	return d->ip_partial ||
	       (d->wirelen > d->caplen && c->end == d->frame + d->caplen);
}

/* Octets of c lost to the snap length (c ends where the capture ends). */
static inline uint32_t nc_snap_lost(const struct nc_dec *d, const struct cur *c)
{
	if (d->wirelen > d->caplen && c->end == d->frame + d->caplen)
		return d->wirelen - d->caplen;
	return 0;
}

/*
 * Fill the frame's transport summary (d->l4) for connection tracking:
 * ipp is the cursor the transport layer was handed (the IP payload),
 * pay its payload. Ports, flags and sequence numbers are the caller's.
 * l4.ip_len keeps a value the IP layer set; otherwise it is estimated as
 * a bare IPv4 (20) or IPv6 (40) header plus the IP payload on the wire.
 */
static inline void nc_l4_fill(struct nc_dec *d, uint8_t proto,
			      const struct cur *ipp, const struct cur *pay)
{
	d->l4.valid = true;
	d->l4.ip_proto = proto;
	d->l4.payload = pay->p;
	d->l4.payload_len = (uint32_t)cur_left(pay);
	d->l4.payload_wire = d->l4.payload_len + nc_snap_lost(d, pay);
	if (d->l4.ip_len == 0)
		d->l4.ip_len = (d->ip_version == 6 ? 40u : 20u) +
			       (uint32_t)cur_left(ipp) + nc_snap_lost(d, ipp);
}

/* murmur3's 32-bit finalizer: every input bit affects every output bit. */
static inline uint32_t nc_fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* "TCP", "UDP", "ICMPv4", "ICMPv6", else the number in buf. */
const char *nc_transport_name(uint8_t proto, char buf[4]);

/* Byte offset of p in the current frame. */
static inline int32_t nc_offset(const struct nc_dec *d, const uint8_t *p)
{
	return (int32_t)(p - d->frame);
}

/* Set Src/DstIP fields of an upper-layer record from the frame's context. */
static inline void nc_ctx_ips(const struct nc_dec *d, ProtobufCBinaryData *src,
			      ProtobufCBinaryData *dst)
{
	src->len = d->ip_len;
	src->data = (uint8_t *)d->src_ip;
	dst->len = d->ip_len;
	dst->data = (uint8_t *)d->dst_ip;
}

/* Borrow packet bytes into a bytes field (no copy). */
static inline void nc_bytes(ProtobufCBinaryData *b, const uint8_t *p,
			    size_t len)
{
	b->data = (uint8_t *)p;
	b->len = p ? len : 0;
}

/* Shannon entropy of buf in bits per byte (0..8); 0 for an empty buffer. */
double nc_entropy(const uint8_t *buf, size_t len);

/* Fill PayloadEntropy when --entropy is on; PayloadSize always. */
static inline void nc_payload_stats(const struct nc_dec *d, const uint8_t *p,
				    size_t len, double *entropy, int32_t *size)
{
	*size = (int32_t)len;
	*entropy = d->cfg->entropy ? nc_entropy(p, len) : 0.0;
}

/*
 * The rest of c is a transport payload: PayloadSize and PayloadEntropy as
 * above, and Payload (borrowed) only with --payload.
 */
static inline void nc_payload_fill(const struct nc_dec *d, const struct cur *c,
				   double *entropy, int32_t *size,
				   ProtobufCBinaryData *payload)
{
	nc_payload_stats(d, c->p, cur_left(c), entropy, size);
	if (d->cfg->payload && cur_left(c) > 0)
		nc_bytes(payload, c->p, cur_left(c));
}

/*
 * The dispatchers (decode.c): each takes the cursor positioned at the first
 * byte of the next layer, bounded by the end of captured data or by the
 * enclosing length field, and calls the decoder its registry names
 * (ethertypes.def, ipprotos.def). The decoders themselves are declared in
 * registry.h.
 */
enum dec_rc nc_dispatch_ethertype(struct nc_dec *d, uint16_t type,
				  struct cur c);
enum dec_rc nc_dispatch_ipproto(struct nc_dec *d, uint8_t proto, struct cur c);
/* Does ethertypes.def name type? */
bool nc_ethertype_known(uint16_t type);
/*
 * GRE, VXLAN, Geneve, GTP-U, Teredo, MPLS: udp.c hands a datagram with a
 * valid Length to the decoder udpports.def names for its ports (DEC_OK
 * and nothing done for any other port); mpls.c hands a pseudowire's frame to
 * a link-layer decoder by its LINKTYPE_ value (linktypes.def).
 */
enum dec_rc nc_dispatch_udpport(struct nc_dec *d, uint16_t sport,
				uint16_t dport, struct cur c);
enum dec_rc nc_dispatch_link(struct nc_dec *d, int link, struct cur c);
/* LLC, SNAP: by DSAP (I/G bit cleared; llcsaps.def), by OUI and PID
   (snap.def) */
enum dec_rc nc_dispatch_llcsap(struct nc_dec *d, uint8_t dsap, struct cur c);
enum dec_rc nc_dispatch_snap(struct nc_dec *d, uint32_t oui, uint16_t pid,
			     struct cur c);

/*
 * The final destination named by an IPv6 Routing header h (the whole
 * header), or NULL: type 0 or 2 with Segments Left > 0 (ipv6.c). Shared
 * with the flow hash so both directions of such a flow meet on one worker.
 */
const uint8_t *nc_ipv6_routing_final(struct cur h);

#endif /* NC_DECODE_H */
