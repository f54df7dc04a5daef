/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Structures shared by traffic_gen.bpf.c, traffic_gen_tc.bpf.c and their user-space driver
 * (dataplane: io.stampd.dataplane.bench.TrafficGenerator mirrors these layouts
 * and checks the map value sizes against them at run time).
 */
#ifndef STAMPD_TRAFFIC_GEN_H
#define STAMPD_TRAFFIC_GEN_H

#include <linux/types.h>

/* STAMP share is expressed in parts per million of frames. */
#define TRAFFIC_GEN_PPM 1000000ULL
/*
 * How late a paced frame may be before the schedule restarts from it instead
 * of catching up: a generator stalled by a preempted CPU would otherwise send
 * the backlog back to back, a burst the receiver's 256-frame ring cannot take,
 * and the trial would measure the stall, not the receiver. Frames of one batch
 * leave together anyway, so the bound is the larger of 32 periods and 100 us:
 * on this VM the CPU is taken away for 30-100 us dozens of times a second
 * (softirqs, ksoftirqd), and a 50 us bound turned those into restarts that
 * cost a paced TC run up to 3 % of its rate.
 */
#define TRAFFIC_GEN_MAX_LAG_PERIODS 32
#define TRAFFIC_GEN_MAX_LAG_NS 100000ULL
/* Longest pause between two frames the program waits for (1 pps). */
#define TRAFFIC_GEN_MAX_PERIOD_NS 1000000000ULL
/* Unauthenticated STAMP base packet (RFC 8762 4.2.1/4.3.1): UDP payload octets. */
#define TRAFFIC_GEN_STAMP_PAYLOAD 44
/* Ethernet + IPv6 + UDP headers. */
#define TRAFFIC_GEN_HEADERS 62
/* Whole STAMP frame on the wire. */
#define TRAFFIC_GEN_STAMP_FRAME (TRAFFIC_GEN_HEADERS + TRAFFIC_GEN_STAMP_PAYLOAD)
/* Data frame bounds: headers only up to a 1500-octet IPv6 packet. */
#define TRAFFIC_GEN_MIN_FRAME TRAFFIC_GEN_HEADERS
#define TRAFFIC_GEN_MAX_FRAME 1514

/*
 * The TC path (traffic_gen_tc.bpf.c): user space sends trigger frames out of
 * the device, each an Ethernet header with this EtherType followed by struct
 * traffic_gen_trigger; the program attached to the device's egress turns each
 * into a burst of at most TRAFFIC_GEN_TC_MAX_BURST frames (IEEE 802 local
 * experimental EtherType 1: a trigger that no program takes is dropped by the
 * receiver's stack).
 */
#define TRAFFIC_GEN_TRIGGER_ETH_P 0x88B5
#define TRAFFIC_GEN_TC_MAX_BURST 256
/*
 * A burst stops before a paced frame whose slot lies further than this after
 * the trigger arrived: the program runs with bottom halves off, so it never
 * holds the CPU for longer (user space sends the next trigger nearer its slot).
 */
#define TRAFFIC_GEN_TC_MAX_HOLD_NS 1000000ULL

/* What the STAMP frames are. */
enum traffic_gen_stamp_kind {
	TRAFFIC_GEN_STAMP_SENDER = 0,    /* Session-Sender test packets, to a reflector */
	TRAFFIC_GEN_STAMP_REFLECTOR = 1, /* Session-Reflector test packets, to a sender (collector) */
};

/*
 * Value of the single entry of map traffic_gen_cfg (128 bytes). Addresses and
 * MACs are in network order as they go on the wire; ports and the rest are
 * host order. The checksum seeds are 16-bit one's complement sums of the
 * memory (as the CPU loads it, the way bpf_csum_diff adds), prepared by user
 * space so the program only adds what changes per frame.
 */
struct traffic_gen_cfg {
	__u8 dst_mac[6];
	__u8 src_mac[6];
	__u32 ifindex;          /* redirect target (in the caller's namespace) */
	__u8 src_addr[16];
	__u8 data_dst_addr[16];
	__u8 stamp_dst_addr[16];
	__u64 period_ns;        /* frame i leaves at start + i * period; period 0 = unpaced */
	__u64 start_ns;         /* CLOCK_MONOTONIC start; 0 = taken at frame 0 of each run */
	__u32 stamp_ppm;        /* share of STAMP frames, 0..1000000 */
	__u32 flows;            /* data source ports data_src_port .. + flows - 1, at least 1 */
	__u16 data_src_port;
	__u16 data_dst_port;
	__u16 stamp_src_port;
	__u16 stamp_dst_port;
	__u16 data_frame_len;   /* TRAFFIC_GEN_MIN_FRAME .. TRAFFIC_GEN_MAX_FRAME */
	__u16 ssid;             /* RFC 8972 SSID of the STAMP frames */
	__u16 error_estimate;   /* RFC 8762 Error Estimate, host order */
	__u8 stamp_kind;        /* enum traffic_gen_stamp_kind */
	__u8 hop_limit;
	__u32 data_csum_seed;   /* pseudo-header + data UDP header (source port 0) + zero payload */
	__u32 stamp_csum_seed;  /* pseudo-header of the STAMP frames */
	__u32 period_frac;      /* fraction of period_ns in units of 2^-16 ns, so rates are exact */
	__u32 run_frames;       /* frames of the current run: the last one's time is recorded */
	__u64 trigger_token;    /* TC path: acts only on triggers carrying this value */
};

/*
 * Payload of a trigger frame (TC path), right after its Ethernet header, in
 * host order. The trigger frame is as long as the longest frame of the run.
 */
struct traffic_gen_trigger {
	__u64 token;            /* traffic_gen_cfg.trigger_token */
	__u32 frames;           /* frames to send, 1..TRAFFIC_GEN_TC_MAX_BURST */
	__u32 reserved;
};

/*
 * Value of the single entry of map traffic_gen_state: the run's progress.
 * Only the generating CPU writes it while a run lasts (BPF_PROG_RUN keeps
 * the caller on one CPU); user space resets next_index before each run.
 */
struct traffic_gen_state {
	__u64 next_index;         /* frame number within the run */
	__u64 start_ns;           /* CLOCK_MONOTONIC of frame 0 of the run */
	__u64 realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC, for the STAMP timestamps */
	__u32 stamp_seq;          /* next STAMP sequence number, runs on across runs */
	__u32 reserved;
	__u64 first_ns;           /* CLOCK_MONOTONIC when frame 0 was handed to the redirect */
	__u64 last_ns;            /* ... and frame run_frames - 1: the run's own span */
};

/* Value of the single entry of the per-CPU map traffic_gen_stats. */
struct traffic_gen_stats {
	__u64 built;          /* frames built (program invocations that produced a frame) */
	__u64 data;           /* of those: data frames */
	__u64 stamp;          /* of those: STAMP frames */
	__u64 redirect_errors;/* the redirect (XDP) or clone redirect (TC) failed, or a frame could not be built */
	__u64 resyncs;        /* paced frames found over TRAFFIC_GEN_MAX_LAG late: the schedule restarted there */
};

#endif /* STAMPD_TRAFFIC_GEN_H */
