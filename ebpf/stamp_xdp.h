/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP data plane's programs (stamp_reflector.bpf.c, stamp_collector.bpf.c)
 * share with each other and with the Java side that fills their maps and reads their
 * counters and records (io.stampd.dataplane.xdp). Every struct here is mirrored in
 * Java; a test compiles this header with the host compiler and compares sizes and
 * offsets, so a change here that the Java side misses fails the build.
 *
 * Byte order: addresses and segments are in network order (as on the wire); every
 * other integer is in host order, as user space writes and reads it.
 */
#ifndef STAMP_XDP_H
#define STAMP_XDP_H

#include <linux/types.h>

/* Segments of a return path (io.stampd.dataplane.codec.SegmentPath.MAX_SEGMENTS). */
#define STAMP_MAX_SEGMENTS 32
/* Octets of an unauthenticated STAMP base packet (RFC 8762 section 4.2.1). */
#define STAMP_BASE_LENGTH 44
/* Reflector sessions and sender sessions each map can hold. */
#define STAMP_MAX_SESSIONS 16384
/* Stateful flows (SSID + sender address + sender port per session) tracked at once. */
#define STAMP_MAX_FLOWS 65536
/* The match field of a reflector session that matches any SSID. */
#define STAMP_ANY_SSID 0xFFFFFFFFu

/* Value of refl_config / coll_config (one entry, index 0), written by user space. */
struct stamp_xdp_config {
	__s64 tai_offset_ns;		/* CLOCK_TAI - CLOCK_REALTIME: UTC = bpf_ktime_get_tai_ns() - this */
	__u32 flags;			/* reserved, 0 */
	__u32 reserved;
	__u64 route_ttl_ns;		/* reflector: how long a route bpf_fib_lookup found is reused; 0: never */
};

/*
 * Per-CPU counters (refl_stats, coll_stats: arrays of __u64 indexed by these): what each
 * program did with the frames it saw and why it passed the others up.
 */
enum stamp_xdp_counter {
	STAMP_C_NOT_IPV6 = 0,		/* not Ethernet + IPv6 (IPv4, ARP, VLAN-tagged, ...) */
	STAMP_C_NOT_UDP,		/* IPv6 without UDP after the extension headers (ICMPv6, TCP, fragment, ...) */
	STAMP_C_HEADER_CHAIN,		/* more extension headers than the program walks, or one it does not know */
	STAMP_C_TRUNCATED,		/* a header runs past the frame, or the lengths disagree */
	STAMP_C_OTHER_PORT,		/* UDP to a port no session uses */
	STAMP_C_SEGMENTS_LEFT,		/* SRH with Segments Left > 0: the packet is not at its final destination */
	STAMP_C_SHORT,			/* UDP payload shorter than a base packet */
	STAMP_C_NO_SESSION,		/* no provisioned session matches */
	STAMP_C_USER_SESSION,		/* the session is served in user space */
	STAMP_C_TLV,			/* a TLV other than Extra Padding, malformed TLV framing, or (collector) TLV flags the reflector set */
	STAMP_C_BAD_CHECKSUM,		/* UDP checksum zero or wrong: left to the kernel, which drops it */
	STAMP_C_NO_NEIGHBOUR,		/* the next hop is not resolved yet: the kernel answers and resolves it */
	STAMP_C_NO_ROUTE,		/* the route lookup failed otherwise: the kernel decides */
	STAMP_C_RING_FULL,		/* collector: no room in the ring buffer, left to user space */
	STAMP_C_ERROR,			/* a helper failed while building the reply */
	STAMP_C_TX,			/* reflected out of the arrival interface (XDP_TX) */
	STAMP_C_REDIRECT,		/* reflected out of another interface (bpf_redirect) */
	STAMP_C_COLLECTED,		/* collector: record pushed, frame dropped */
	STAMP_C_NOT_LOCAL,		/* the destination is not one of the node's addresses (refl_local, coll_local):
					 * the packet is being forwarded through this node. Added after the others so
					 * that their numbers stay as first published. */
	STAMP_C_RATE_LIMITED,		/* reflector: over its session's rate limit, dropped (XDP_DROP), never answered */
	STAMP_C_SOURCE_LIMITED,		/* reflector: over the per-source rate limit, dropped (XDP_DROP), never answered */
	STAMP_C_COUNT
};

#endif /* STAMP_XDP_H */
