/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The STAMP reflector's maps as user space fills and reads them (stamp_reflector.bpf.c).
 * Mirrored in Java (io.stampd.dataplane.xdp); a test compares sizes and offsets
 * with what the host compiler makes of this header.
 */
#ifndef STAMP_REFLECTOR_H
#define STAMP_REFLECTOR_H

#include <linux/bpf.h>

#include "stamp_xdp.h"

/*
 * Which match fields of a reflector session are wildcards. A session's pattern is
 * the OR of these; refl_ports[port] has bit (1 << pattern) set for every pattern used
 * by a session on that port, so the program looks up only the patterns in use.
 * Overlapping sessions are refused by user space, so at most one session matches.
 */
#define STAMP_WILD_REFLECTOR_ADDR 1
#define STAMP_WILD_SENDER_ADDR 2
#define STAMP_WILD_SENDER_PORT 4
#define STAMP_WILD_SSID 8
#define STAMP_PATTERNS 16

/* Key of refl_sessions. A wildcard address is all zero, a wildcard port 0, a wildcard SSID STAMP_ANY_SSID. */
struct stamp_refl_key {
	__u8 reflector_addr[16];	/* the address the test packet is sent to */
	__u8 sender_addr[16];		/* the test packet's source address */
	__u16 reflector_port;		/* UDP destination port of the test packet */
	__u16 sender_port;		/* UDP source port of the test packet */
	__u32 ssid;			/* STAMP Session Identifier, RFC 8972 */
};

/* refl_sessions value flags */
#define STAMP_RS_STATEFUL 1	/* own sequence numbers per flow (RFC 8762 section 4.3.1) */
#define STAMP_RS_PTP 2		/* PTPv2 timestamps; NTP otherwise */
#define STAMP_RS_USER 4		/* served in user space (authenticated mode): XDP_PASS untouched */
#define STAMP_RS_LIMITED 8	/* rate limited: refl_limits[slot] is its token bucket */

/* Value of refl_sessions: what the reflector needs to answer a session's test packets. */
struct stamp_refl_session {
	__u32 slot;			/* index of the session's counters in refl_counters and of its flows */
	__u32 flags;			/* STAMP_RS_* */
	__u16 error_estimate;		/* Error Estimate of the replies when T2 is a software reading */
	__u16 error_estimate_hw;	/* Error Estimate when T2 is the NIC's receive timestamp */
	__u8 hop_limit;			/* IPv6 hop limit of the replies */
	__u8 segments;			/* return path length; 0: straight back to the test packet's source */
	__u16 reserved;
	__u8 segment[STAMP_MAX_SEGMENTS][16]; /* return path, first hop first; the last one is replaced
					       * by the test packet's source (the final destination) */
};

/* Value of refl_counters (an array indexed by slot); updated atomically by every CPU. */
struct stamp_refl_counters {
	__u64 reflected;		/* test packets answered in the kernel */
	__u64 last_sender_seq;		/* Sequence Number of the last one answered */
	__u64 last_reflector_seq;	/* the reflector's number in that reply */
	__u64 hw_rx_timestamps;		/* replies whose T2 is the NIC's receive timestamp */
	__u64 source_limited;		/* test packets dropped over the per-source limit (part of what the
					 * session received, as in the core) */
};

/*
 * Value of refl_limits (an array indexed by slot): a rate-limited session's token bucket, the
 * same arithmetic as user space's (io.stampd.dataplane.core.TokenBucket): a packet is
 * STAMP_PACKET_CREDIT credits, a nanosecond adds rate, exact integers. Both CPUs answer the
 * session's packets, so the bucket is read and changed under its spin lock (per-CPU buckets would
 * each pass the whole rate). User space writes it at provisioning (the lock is not copied).
 */
struct stamp_refl_limit {
	struct bpf_spin_lock lock;
	__u32 reserved;
	__u64 rate;			/* packets per second */
	__u64 capacity;			/* burst x STAMP_PACKET_CREDIT */
	__u64 credit;			/* now; starts at capacity */
	__u64 last_ns;			/* CLOCK_MONOTONIC of the last refill; 0 before the first packet */
	__u64 limited;			/* packets dropped over the limit (XDP_DROP, never answered) */
};
#define STAMP_PACKET_CREDIT 1000000000

/*
 * Value of refl_source_limit (an array of one): the node's per-source rate limit, one bucket per
 * sender address whatever session its packets match (io.stampd.dataplane.core.SourceRateLimiter);
 * rate 0: none. Both fields fit one 8-octet load, so the program never reads half a commit.
 */
struct stamp_source_limit {
	__u32 rate;			/* packets per second (at most 100,000,000) */
	__u32 burst;			/* the bucket's depth in packets (at most 1,000,000) */
};

/*
 * Key of refl_sources (LRU hash, STAMP_MAX_SOURCES): a sender address under one limit. The limit
 * is part of the key because the value is counted in that limit's units: no old value is ever read
 * in new units. User space carries each source over to a changed limit (KernelSourceBuckets).
 */
struct stamp_source_key {
	__u8 addr[16];			/* the test packet's source address */
	__u32 rate;
	__u32 burst;
};
/*
 * Value of refl_sources: __u64, the source's theoretical arrival time (GCRA, the token bucket
 * above as one number, so that it changes with one compare-and-swap and needs no lock, which an
 * LRU map does not allow). In credits: CLOCK_MONOTONIC ns x rate, modulo 2^64, so that a packet
 * is exactly STAMP_PACKET_CREDIT of them and the bucket is TokenBucket's to the credit.
 */
#define STAMP_MAX_SOURCES 4096		/* as many as SourceRateLimiter tracks */

/* Key of refl_flows: one test session of a stateful reflector session (RFC 8972 section 3). */
struct stamp_flow_key {
	__u32 slot;			/* the reflector session */
	__u16 sender_port;
	__u16 ssid;
	__u8 sender_addr[16];
};
/* Value of refl_flows: __u64, the flow's next reflector sequence number. */

/*
 * Context of the syscall program stamp_flow_take (BPF_PROG_RUN from user space): the one
 * way user space numbers a stateful flow while the XDP program numbers it too, so that
 * the kernel map stays the only counter and no number is given twice.
 *
 * Giving back is a compare-and-swap: number seq goes back only while the flow's next number
 * is still seq + 1. (A plain "decrement if > 0" would hand out twice a number the XDP program
 * took between user space's take and give-back.)
 */
struct stamp_flow_take_args {
	struct stamp_flow_key key;
	__s32 delta;			/* +1: take the next number; -1: give number seq back */
	__u32 reserved;
	__u64 seq;			/* delta +1: out, the number taken; delta -1: in, the number given back */
};

/* Return values of stamp_flow_take (BPF_PROG_RUN's retval). */
#define STAMP_FLOW_OK 0			/* taken, or given back */
#define STAMP_FLOW_STALE 1		/* not given back: a later number was taken meanwhile, or no such flow */
#define STAMP_FLOW_ERROR 2		/* delta other than +1/-1, or the flow could not be created */

#endif /* STAMP_REFLECTOR_H */
