/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The STAMP collector's maps and records as user space fills and reads them (stamp_collector.bpf.c).
 * Mirrored in Java (io.stampd.dataplane.xdp); a test compares sizes and offsets
 * with what the host compiler makes of this header.
 */
#ifndef STAMP_COLLECTOR_H
#define STAMP_COLLECTOR_H

#include "stamp_xdp.h"

/* Key of coll_sessions: a reply as the collector sees it. */
struct stamp_sender_key {
	__u8 reflector_addr[16];	/* the reply's source address */
	__u16 reflector_port;		/* the reply's UDP source port */
	__u16 sender_port;		/* the reply's UDP destination port: the session's local port */
	__u32 ssid;
};

/* coll_sessions value flags */
#define STAMP_SS_USER 1			/* replies go up to user space (authenticated, follow-up telemetry) */

/* Value of coll_sessions. */
struct stamp_sender_session {
	__u32 session_id;		/* user space's handle of the sender session */
	__u32 flags;			/* STAMP_SS_* */
};

/* stamp_record.flags */
#define STAMP_REC_T4_HW 1		/* T4 is the NIC's receive timestamp */

/* One reply the collector took, as it goes through coll_records (a BPF ring buffer). */
struct stamp_record {
	__u32 session_id;
	__u32 sender_seq;		/* Session-Sender Sequence Number the reply carries */
	__u32 reflector_seq;		/* the reply's own Sequence Number */
	__u16 error_estimate;		/* the reflector's Error Estimate (its Z bit names the format of T2, T3) */
	__u8 sender_ttl;		/* Session-Sender TTL: the test packet's hop limit at the reflector */
	__u8 hop_limit;			/* the reply's hop limit as received here */
	__u64 t1;			/* Session-Sender Timestamp, the 64-bit wire value in host order */
	__u64 t2;			/* Receive Timestamp, wire value in host order */
	__u64 t3;			/* the reply's Timestamp, wire value in host order */
	__u64 t4;			/* receive time here, nanoseconds since the Unix epoch (UTC) */
	__u16 length;			/* the reply's UDP payload length */
	__u16 flags;			/* STAMP_REC_* */
	__u32 reserved;
};

#endif /* STAMP_COLLECTOR_H */
