/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The frame logic of the traffic generator, shared by its two ways of sending:
 * traffic_gen.bpf.c (XDP, run with BPF_PROG_RUN live frames) and
 * traffic_gen_tc.bpf.c (a TC egress program that turns one trigger frame into
 * a burst of frames with bpf_clone_redirect). Both use the same maps, so user
 * space (io.stampd.dataplane.bench.TrafficGenerator) drives either the same way.
 *
 * Frame i of a run is a STAMP frame iff floor((i+1)*ppm/1e6) > floor(i*ppm/1e6),
 * which makes the share exact over any window; the others are data frames
 * whose UDP source port cycles over cfg.flows ports. With a period, frame i
 * is released at start + i*period by busy-waiting.
 *
 * STAMP timestamps are CLOCK_REALTIME (bpf_ktime_get_ns, i.e. CLOCK_MONOTONIC,
 * plus the offset user space measured right before the run) in NTP format.
 * Included by BPF programs only.
 */
#ifndef STAMPD_TRAFFIC_GEN_FRAME_H
#define STAMPD_TRAFFIC_GEN_FRAME_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "busy_wait.h"
#include "traffic_gen.h"

/* Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
#define NTP_UNIX_OFFSET 2208988800ULL
#define NSEC_PER_SEC 1000000000ULL
/* Session-Sender TTL a reflector packet claims (the hop limit it "received"). */
#define REFLECTED_TTL 255

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct traffic_gen_cfg);
} traffic_gen_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct traffic_gen_state);
} traffic_gen_state SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct traffic_gen_stats);
} traffic_gen_stats SEC(".maps");

/* One's complement fold of a 32-bit sum (memory order) into the 16-bit UDP checksum field. */
static __always_inline __u16 csum_finish(__u64 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	/* UDP over IPv6: a computed 0 is sent as 0xffff (RFC 8200 8.1). */
	return sum ? (__u16)sum : 0xffff;
}

/* CLOCK_REALTIME in ns as an NTP 64-bit timestamp (seconds mod 2^32: the 2036 era wraps). */
static __always_inline void ntp_timestamp(__u64 realtime_ns, __u32 *words)
{
	__u64 seconds = realtime_ns / NSEC_PER_SEC;
	__u64 rest = realtime_ns - seconds * NSEC_PER_SEC;

	words[0] = bpf_htonl((__u32)(seconds + NTP_UNIX_OFFSET));
	/* rest < 2^30, so rest << 32 fits; the fraction is in units of 2^-32 s. */
	words[1] = bpf_htonl((__u32)((rest << 32) / NSEC_PER_SEC));
}

static __always_inline void copy_addr(struct in6_addr *to, const __u8 *from)
{
	__builtin_memcpy(to, from, sizeof(*to));
}

/*
 * The unauthenticated STAMP base packet (44 octets as 11 words): a
 * Session-Sender packet, or a Session-Reflector packet as a stateless
 * reflector would send it (T1 := T2, so the collector sees no forward delay).
 */
static __always_inline void write_stamp(__u32 *p, const struct traffic_gen_cfg *cfg, __u32 seq,
					__u64 realtime_offset_ns)
{
	__u32 ee_ssid = bpf_htonl(((__u32)cfg->error_estimate << 16) | cfg->ssid);
	__u32 ts[2];
	__u32 t2[2];

	p[0] = bpf_htonl(seq);
	p[3] = ee_ssid;
	if (cfg->stamp_kind == TRAFFIC_GEN_STAMP_REFLECTOR) {
		/* T2 and T3 are two readings of the clock, T3 as late as possible. */
		ntp_timestamp(bpf_ktime_get_ns() + realtime_offset_ns, t2);
		p[4] = t2[0];
		p[5] = t2[1];
		p[6] = bpf_htonl(seq);       /* Session-Sender sequence number */
		p[7] = t2[0];                /* Session-Sender timestamp T1 */
		p[8] = t2[1];
		p[9] = bpf_htonl((__u32)cfg->error_estimate << 16); /* sender EE + MBZ */
		p[10] = bpf_htonl((__u32)REFLECTED_TTL << 24);      /* sender TTL + MBZ */
	} else {
		/* Octets 16..43 are MBZ in a Session-Sender packet. */
		p[4] = 0;
		p[5] = 0;
		p[6] = 0;
		p[7] = 0;
		p[8] = 0;
		p[9] = 0;
		p[10] = 0;
	}
	ntp_timestamp(bpf_ktime_get_ns() + realtime_offset_ns, ts);
	p[1] = ts[0];
	p[2] = ts[1];
}

/* Zeroes the data payload octets a STAMP frame may have left in this buffer (at most 44). */
static __always_inline void clear_data_payload(__u8 *payload, void *data_end)
{
	__u32 *words = (__u32 *)payload;

	if ((void *)(payload + TRAFFIC_GEN_STAMP_PAYLOAD) <= data_end) {
#pragma unroll
		for (int i = 0; i < TRAFFIC_GEN_STAMP_PAYLOAD / 4; i++)
			words[i] = 0;
		return;
	}
	/* Short data frames: octet by octet up to the end of the frame. */
#pragma unroll
	for (int i = 0; i < TRAFFIC_GEN_STAMP_PAYLOAD; i++) {
		if ((void *)(payload + i + 1) > data_end)
			break;
		payload[i] = 0;
	}
}

/* Lateness beyond which the schedule restarts (traffic_gen.h, TRAFFIC_GEN_MAX_LAG_*). */
static __always_inline __u64 max_lag_ns(const struct traffic_gen_cfg *cfg)
{
	__u64 lag = TRAFFIC_GEN_MAX_LAG_PERIODS * cfg->period_ns;

	return lag > TRAFFIC_GEN_MAX_LAG_NS ? lag : TRAFFIC_GEN_MAX_LAG_NS;
}

static __always_inline int traffic_gen_paced(const struct traffic_gen_cfg *cfg)
{
	return cfg->period_ns || cfg->period_frac;
}

/* Whether frame index of a run is a STAMP frame (exact share, see the top of this file). */
static __always_inline int traffic_gen_is_stamp(const struct traffic_gen_cfg *cfg, __u64 index)
{
	__u64 ppm = cfg->stamp_ppm;

	if (ppm > TRAFFIC_GEN_PPM)
		ppm = TRAFFIC_GEN_PPM;
	return (index + 1) * ppm / TRAFFIC_GEN_PPM > index * ppm / TRAFFIC_GEN_PPM;
}

/* Length on the wire of a STAMP or data frame. */
static __always_inline __u32 traffic_gen_frame_len(const struct traffic_gen_cfg *cfg, int is_stamp)
{
	__u32 frame_len = is_stamp ? TRAFFIC_GEN_STAMP_FRAME : cfg->data_frame_len;

	if (frame_len < TRAFFIC_GEN_MIN_FRAME || frame_len > TRAFFIC_GEN_MAX_FRAME)
		frame_len = TRAFFIC_GEN_STAMP_FRAME;
	return frame_len;
}

/*
 * The CLOCK_MONOTONIC slot of paced frame index (the run's start is taken at
 * frame 0, or cfg.start_ns when user space gave one). index < 2^32 and
 * period_frac < 2^16: neither product overflows.
 */
static __always_inline __u64 traffic_gen_slot(const struct traffic_gen_cfg *cfg, struct traffic_gen_state *state,
					      __u64 index, __u64 now)
{
	if (index == 0)
		state->start_ns = cfg->start_ns ? cfg->start_ns : now;
	return state->start_ns + index * cfg->period_ns + ((index * cfg->period_frac) >> 16);
}

/*
 * Waits for the slot of a paced frame; a frame found over max_lag_ns late
 * restarts the schedule from itself instead of catching up (counted in
 * stats.resyncs). Then records the run's first and last frame times.
 */
static __always_inline void traffic_gen_release(const struct traffic_gen_cfg *cfg, struct traffic_gen_state *state,
						struct traffic_gen_stats *stats, __u64 index, __u64 slot_ns)
{
	if (traffic_gen_paced(cfg)) {
		__u64 now = bpf_ktime_get_ns();

		if (now < slot_ns) {
			busy_wait_until(slot_ns);
		} else if (now - slot_ns > max_lag_ns(cfg)) {
			/* Stalled: restart the schedule at this frame rather than burst the backlog. */
			state->start_ns += now - slot_ns;
			stats->resyncs++;
		}
	}
	/* Two clock reads per run, not per frame: the span gives the rate without the set-up. */
	if (index == 0)
		state->first_ns = bpf_ktime_get_ns();
	if (index + 1 == cfg->run_frames)
		state->last_ns = bpf_ktime_get_ns();
}

/*
 * Writes every header octet of frame index, and the payload octets the
 * checksum covers, into [data, data_end), which must hold exactly frame_len
 * octets: buffers are reused, and a frame of the other kind (or the receiver)
 * may have left anything in them. Payload octets past the first 44 of a data
 * frame must already be zero. Returns 0, or -1 if the buffer is too short
 * (counted in stats.redirect_errors). Counts built, data and stamp frames.
 */
static __always_inline int traffic_gen_write(const struct traffic_gen_cfg *cfg, struct traffic_gen_state *state,
					     struct traffic_gen_stats *stats, void *data, void *data_end,
					     __u64 index, int is_stamp, __u32 frame_len)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);

	if ((void *)(udp + 1) > data_end) {
		stats->redirect_errors++;
		return -1;
	}

	__builtin_memcpy(eth->h_dest, cfg->dst_mac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, cfg->src_mac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	/* Version 6, traffic class 0, flow label 0. */
	*(__be32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons((__u16)(frame_len - sizeof(*eth) - sizeof(*ip6)));
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = cfg->hop_limit;
	copy_addr(&ip6->saddr, cfg->src_addr);
	udp->len = ip6->payload_len;

	if (is_stamp) {
		__u32 *payload = (__u32 *)(udp + 1);
		__s64 sum;

		if ((void *)(payload + TRAFFIC_GEN_STAMP_PAYLOAD / 4) > data_end) {
			stats->redirect_errors++;
			return -1;
		}
		copy_addr(&ip6->daddr, cfg->stamp_dst_addr);
		udp->source = bpf_htons(cfg->stamp_src_port);
		udp->dest = bpf_htons(cfg->stamp_dst_port);
		udp->check = 0;
		write_stamp(payload, cfg, state->stamp_seq, state->realtime_offset_ns);
		state->stamp_seq++;
		sum = bpf_csum_diff(0, 0, (__be32 *)udp, sizeof(*udp) + TRAFFIC_GEN_STAMP_PAYLOAD,
				    cfg->stamp_csum_seed);
		if (sum < 0) {
			stats->redirect_errors++;
			return -1;
		}
		udp->check = csum_finish((__u64)sum);
		stats->stamp++;
	} else {
		__u32 flows = cfg->flows ? cfg->flows : 1;
		__u16 port = bpf_htons((__u16)(cfg->data_src_port + index % flows));

		copy_addr(&ip6->daddr, cfg->data_dst_addr);
		udp->source = port;
		udp->dest = bpf_htons(cfg->data_dst_port);
		clear_data_payload((__u8 *)(udp + 1), data_end);
		/* The seed covers everything but the source port, which is added as it lies in memory. */
		udp->check = csum_finish((__u64)cfg->data_csum_seed + port);
		stats->data++;
	}
	stats->built++;
	return 0;
}

#endif /* STAMPD_TRAFFIC_GEN_FRAME_H */
