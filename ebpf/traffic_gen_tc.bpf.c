// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * traffic_gen_tc: the traffic generator's way to send where BPF_PROG_RUN
 * live frames are refused. User space attaches this program to the egress of
 * the generator's own device (clsact) and sends trigger frames out of it
 * through an AF_PACKET socket (traffic_gen.h: EtherType
 * TRAFFIC_GEN_TRIGGER_ETH_P, then struct traffic_gen_trigger). For each of its
 * own triggers (the token in cfg) the program builds up to trigger.frames
 * frames in the trigger's buffer, one after the other, with the frame logic of
 * traffic_gen_frame.h (as traffic_gen.bpf.c), and sends each with
 * bpf_clone_redirect out of cfg.ifindex; then it consumes the trigger
 * (TC_ACT_STOLEN). Anything else passes on to the next filter untouched
 * (TC_ACT_UNSPEC), the clones among it, which come through here again. A
 * trigger is linear (AF_PACKET makes frames under a page so), so its header is
 * read directly.
 *
 * Pacing is the same busy-wait to each frame's slot; a clone leaves as soon as
 * its slot is reached. The program runs with bottom halves off (the device's
 * transmit path), so a burst stops before a frame due more than
 * TRAFFIC_GEN_TC_MAX_HOLD_NS after the trigger came; user space learns where
 * the run stands from traffic_gen_state and triggers the rest.
 *
 * A clone shares the buffer it was cloned from; bpf_clone_redirect then gives
 * the trigger a private copy for the next frame, whose octets past the old
 * length are undefined after it grows: they are zeroed from traffic_gen_zero.
 */
#include <linux/pkt_cls.h>

#include "traffic_gen_frame.h"

struct zero_frame {
	__u8 octets[TRAFFIC_GEN_MAX_FRAME];
};

/* All zeroes (an array map starts zeroed; nothing writes it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct zero_frame);
} traffic_gen_zero SEC(".maps");

struct tc_burst {
	struct __sk_buff *skb;
	__u64 hold_until_ns;
};

/* bpf_loop callback: builds, paces and sends one frame; 1 ends the burst. */
static long tc_send_one(__u64 i, void *ctx)
{
	struct tc_burst *burst = ctx;
	struct __sk_buff *skb = burst->skb;
	struct traffic_gen_stats *stats;
	struct traffic_gen_state *state;
	struct traffic_gen_cfg *cfg;
	struct zero_frame *zero;
	__u32 key = 0;
	__u64 index, slot_ns = 0;
	__u32 frame_len, old_len;
	int is_stamp;

	cfg = bpf_map_lookup_elem(&traffic_gen_cfg, &key);
	state = bpf_map_lookup_elem(&traffic_gen_state, &key);
	stats = bpf_map_lookup_elem(&traffic_gen_stats, &key);
	zero = bpf_map_lookup_elem(&traffic_gen_zero, &key);
	if (!cfg || !state || !stats || !zero)
		return 1;

	index = state->next_index;
	if (index >= cfg->run_frames)
		return 1;
	if (traffic_gen_paced(cfg)) {
		slot_ns = traffic_gen_slot(cfg, state, index, bpf_ktime_get_ns());
		if (slot_ns > burst->hold_until_ns)
			return 1;
	}
	state->next_index = index + 1;
	is_stamp = traffic_gen_is_stamp(cfg, index);
	traffic_gen_release(cfg, state, stats, index, slot_ns);

	frame_len = traffic_gen_frame_len(cfg, is_stamp);
	old_len = skb->len;
	if (old_len != frame_len) {
		if (bpf_skb_change_tail(skb, frame_len, 0)) {
			stats->redirect_errors++;
			return 1;
		}
		if (frame_len > old_len) {
			__u32 grown = frame_len - old_len;

			/*
			 * 1..1514 already (frame_len > old_len); the mask, which the compiler
			 * must keep, gives the register passed a bound the verifier sees.
			 */
			barrier_var(grown);
			grown &= 0x7ff;
			if (grown == 0 || grown > TRAFFIC_GEN_MAX_FRAME ||
			    bpf_skb_store_bytes(skb, old_len, zero->octets, grown, 0)) {
				stats->redirect_errors++;
				return 1;
			}
		}
	}
	if (traffic_gen_write(cfg, state, stats, (void *)(long)skb->data, (void *)(long)skb->data_end, index,
			      is_stamp, frame_len))
		return 1;
	/*
	 * Below 0: the clone did not reach the device (counted, and the burst ends). Above 0
	 * (NET_XMIT_DROP/CN): the device took it and dropped it, as a veth does when its peer's
	 * ring is full; that frame was offered like one XDP redirects into a full ring, and the
	 * device's drop counters have it.
	 */
	if (bpf_clone_redirect(skb, cfg->ifindex, 0) < 0) {
		stats->redirect_errors++;
		return 1;
	}
	return 0;
}

SEC("tc")
int traffic_gen_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct traffic_gen_trigger *trigger = data + ETH_HLEN;
	struct ethhdr *eth = data;
	struct traffic_gen_cfg *cfg;
	struct tc_burst burst;
	__u32 key = 0;
	__u32 frames;

	/* Every clone comes through here too: the test for "not a trigger" is the fast path. */
	if ((void *)(trigger + 1) > data_end || eth->h_proto != bpf_htons(TRAFFIC_GEN_TRIGGER_ETH_P))
		return TC_ACT_UNSPEC;
	cfg = bpf_map_lookup_elem(&traffic_gen_cfg, &key);
	if (!cfg || !cfg->trigger_token || trigger->token != cfg->trigger_token)
		return TC_ACT_UNSPEC; /* someone else's trigger (another generator's program) */

	frames = trigger->frames;
	if (frames > TRAFFIC_GEN_TC_MAX_BURST)
		frames = TRAFFIC_GEN_TC_MAX_BURST;
	/* The frames are written through skb->data: the whole trigger must be in its linear part. */
	if (frames && !bpf_skb_pull_data(skb, skb->len)) {
		burst.skb = skb;
		burst.hold_until_ns = bpf_ktime_get_ns() + TRAFFIC_GEN_TC_MAX_HOLD_NS;
		bpf_loop(frames, tc_send_one, &burst, 0);
	}
	return TC_ACT_STOLEN;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
