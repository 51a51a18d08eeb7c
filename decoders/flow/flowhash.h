/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flowhash.h: the symmetric flow hash the dispatcher spreads packets with.
 */
#ifndef NC_FLOWHASH_H
#define NC_FLOWHASH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Hash of the innermost IP address pair of a frame of link type link
 * (LINKTYPE_ value, enum nc_link; 12 and 14 are taken as raw IP), for
 * picking the worker that tracks its connection.
 *
 * Tunnels: the walk descends into every tunnel type in tunnels (1 <<
 * enum nc_tun, struct nc_dec_cfg.tunnels: NC_TUN_ALL by default, 0 with
 * --no-tunnels) exactly where its decoder enters it (nc_tunnel_enter:
 * header valid, type decoded, fewer than NC_MAX_TUNNEL_DEPTH entered;
 * IP in IP also within NC_MAX_IP_DEPTH, MPLS within NC_MAX_MPLS_DEPTH
 * entries): MPLS, GRE (TEB 0x6558, PPTP PPP 0x880b, any EtherType netcap
 * decodes), ERSPAN I-III, IP protocols 4 and 41, VXLAN (UDP destination
 * 4789), Geneve (6081), GTP-U G-PDUs (2152 either port), Teredo (3544
 * either port, IPv6 inside). Where the decoder stops (a type left out, a
 * payload it does not decode: unknown GRE protocol, GTP-U signalling, UDP
 * on 3544 that is not IPv6, a malformed header, the depth bound), the
 * pair of the IP header above is hashed, since that level's transport is
 * then the connection. An inner frame without IP (ARP in VXLAN) hashes by
 * the IP pair above it.
 *
 * Symmetric: swapping source and destination gives the same value at
 * every level (outer addresses and ports may differ by direction, only the
 * innermost pair counts). Ports are not used, so every fragment of an
 * untunnelled datagram hashes alike; a tunnelled datagram's later
 * fragments do not carry the inner header: nc_flow_hash_steer keeps them
 * with the first. The IPv6 destination is a Routing header's final one,
 * as connection tracking keys it.
 *
 * Non-IP Ethernet frames hash by their MAC pair (also symmetric);
 * anything else, and anything too short to tell, hashes to 0. Never reads
 * outside [p, p + len). Without the wire length, an IP length running
 * past the captured data is taken as a snaplen cut (the decoders call
 * such a frame malformed unless it was cut, and do not go in).
 *
 * Untunnelled traffic costs about what the outer hash cost
 * (docs/PERFORMANCE.md "Inner flow hash").
 */
uint32_t nc_flow_hash(int link, const uint8_t *p, uint32_t len,
		      uint32_t tunnels);

/*
 * Fragment steering, on the RX lcore (app/rx.c, app/rx_port.c dispatch
 * mode): all fragments of one outer datagram must reach the worker that
 * reassembles them (defrag.h), and that should be the worker of the inner
 * flow, yet only the first fragment (offset 0) carries the inner headers.
 *
 * For a frame whose outermost IP header is a fragment (IPv4 MF or an
 * offset; IPv6 a Fragment header with M or an offset), nc_flow_hash_steer
 * looks the datagram up by (source, destination, Identification, and for
 * IPv4 Protocol: the defragmenter's key): on a hit it returns the hash
 * stored for the datagram; on a miss it computes one (a first fragment
 * descends into its tunnel as nc_flow_hash does; a later one hashes the
 * outer pair) and stores it. Other frames are nc_flow_hash's.
 *
 * Deterministic for a given packet order. Out of order, a later fragment
 * that arrives before the first pins the datagram to the outer pair's
 * worker: all its fragments still go together (and are reassembled), but
 * that datagram's inner packets are then tracked on the outer pair's
 * worker, apart from the rest of their inner connection when those
 * differ. Likewise when the first fragment is too short to hold the inner
 * IP header, and for a fragmented IP header inside a tunnel (steered by
 * its own level's pair, which is its first fragment's too unless yet
 * another tunnel is inside).
 *
 * Bounded: NC_FRAG_STEER_SETS sets of NC_FRAG_STEER_WAYS entries (4096
 * datagrams, 96 KiB), no allocation per packet. An entry lives timeout_ns
 * of packet time from its first fragment (the defragmenter's timeout, so
 * a reused Identification starts afresh after it); a full set gives way
 * to its oldest entry (a datagram still in flight then loses its pin: its
 * later fragments fall back to the outer pair). Keys are stored as a
 * 64-bit digest. Single-threaded: one table per RX lcore.
 */
#define NC_FRAG_STEER_WAYS 4
#define NC_FRAG_STEER_SETS 1024 /* power of two */

struct nc_frag_steer_slot {
	uint64_t key; /* digest of the datagram key; 0: free */
	int64_t ts;   /* packet time (ns) of its first fragment seen */
	uint32_t hash;
};

struct nc_frag_steer {
	int64_t timeout_ns;
	uint64_t hits, misses, evictions; /* evictions: live entries lost */
	struct nc_frag_steer_slot slot[NC_FRAG_STEER_SETS][NC_FRAG_STEER_WAYS];
};

/* The outermost IP header's fragment identity (filled by the walk when
   that header is a fragment: MF/M set or an offset). */
struct nc_frag_id {
	const uint8_t *src, *dst;
	uint32_t id;   /* IPv4 Identification or IPv6 Fragment ID */
	uint8_t alen;  /* 4 or 16 */
	uint8_t proto; /* IPv4 Protocol; 0 for IPv6 */
	bool first;    /* offset 0 */
};

/* An empty table whose entries live timeout_ns (> 0) of packet time. */
void nc_frag_steer_init(struct nc_frag_steer *s, int64_t timeout_ns);

/* nc_flow_hash with fragments steered through s (above); now_ns is the
   packet's time. */
uint32_t nc_flow_hash_steer(struct nc_frag_steer *s, int link, const uint8_t *p,
			    uint32_t len, uint32_t tunnels, int64_t now_ns);

/*
 * rss mode (--rx-mode rss: the NIC hashes, no RX lcore, no steering) and
 * af_packet's fanout: the hash is the NIC's (or the kernel's), over the
 * outer headers, so per tunnel type:
 *   - with the default --rss-fields ip the NIC hashes the outermost
 *     address pair (symmetric key): every packet of one tunnel, whatever
 *     its inner flows, lands on one worker. Correct (each inner connection
 *     is whole on that worker) but not spread: one busy VXLAN, Geneve,
 *     GRE, ERSPAN, PPTP, IP in IP, GTP-U or Teredo tunnel between two
 *     endpoints loads one worker. Fragments stay together (no ports).
 *     MPLS: a NIC that does not parse MPLS gives such frames no IP hash
 *     (one queue): still whole, not spread.
 *   - with --rss-fields ip,l4, and with af_packet's fanout hash (the
 *     kernel's flow hash, which includes the ports), a UDP tunnel's inner
 *     connection can be split between two workers when the two
 *     directions' outer port pairs differ: VXLAN and Geneve always may
 *     (each endpoint picks the outer source port from the inner flow with
 *     its own hash), GTP-U when a peer sends from a port other than 2152,
 *     Teredo when the two directions pass different relays. Its records
 *     then come out in two halves, one per worker. Port-less tunnels (GRE,
 *     ERSPAN, PPTP, IP in IP) stay whole per tunnel as with ip (the
 *     kernel's flow dissector may itself look into GRE and IP in IP, which
 *     keeps an inner flow whole too); non-first fragments have no ports
 *     and may leave their first fragment's worker (af_packet reassembles
 *     first). Dispatch mode (the RX lcore hashes the inner pair, above)
 *     spreads inner flows and keeps each whole.
 */

/*
 * The connection key of a plain TCP or UDP frame, for prefetching the
 * connection table before the frame is decoded (worker.c,
 * nc_conn_prefetch_bucket in decode.h). Addresses point into the frame.
 */
struct nc_flow_key {
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint8_t alen;  /* 4 or 16 */
	uint8_t proto; /* 6 or 17 */
};

/*
 * Fill *k from an Ethernet (up to NC_MAX_VLAN_DEPTH tags) or raw IP frame
 * whose IPv4 header (not a fragment) or IPv6 header (no extension header)
 * carries TCP or UDP, with both ports captured; false for anything else.
 * A peek, not a decode: it is the key the connection table will look up
 * for such frames, and only a guess for tunnels (the table keys the
 * innermost header). Never reads outside [p, p + len).
 */
bool nc_flow_key(int link, const uint8_t *p, uint32_t len,
		 struct nc_flow_key *k);

#endif /* NC_FLOWHASH_H */
