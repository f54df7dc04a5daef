// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * traffic_gen: a paced IPv6/UDP traffic generator for the benchmarks. User
 * space runs it with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES (repeat =
 * number of frames): each invocation turns one page-pool frame into one whole
 * Ethernet/IPv6/UDP frame and redirects it out of cfg.ifindex, a veth whose
 * peer receives it. The frames are those of traffic_gen_frame.h, which
 * traffic_gen_tc.bpf.c (the way to send where live frames are refused) shares.
 *
 * Frames are recycled after the receiver is done with them, and a receiver
 * may have written into them (hop limit, headers pushed into the headroom),
 * so every header octet and the payload octets the checksum covers are
 * written on every invocation.
 *
 * With a period, frame i is released at start + i*period by busy-waiting;
 * BPF_PROG_RUN hands the redirected frames to the device at the end of each
 * batch, so a frame leaves up to (batch_size - 1) periods after its slot.
 */
#include "traffic_gen_frame.h"

SEC("xdp")
int traffic_gen(struct xdp_md *ctx)
{
	struct traffic_gen_stats *stats;
	struct traffic_gen_state *state;
	struct traffic_gen_cfg *cfg;
	void *data, *data_end;
	__u32 key = 0;
	__u64 index, slot_ns = 0;
	__u32 frame_len, have_len;
	int is_stamp;
	long action;

	cfg = bpf_map_lookup_elem(&traffic_gen_cfg, &key);
	state = bpf_map_lookup_elem(&traffic_gen_state, &key);
	stats = bpf_map_lookup_elem(&traffic_gen_stats, &key);
	if (!cfg || !state || !stats)
		return XDP_ABORTED;

	index = state->next_index;
	state->next_index = index + 1;
	is_stamp = traffic_gen_is_stamp(cfg, index);
	if (traffic_gen_paced(cfg))
		slot_ns = traffic_gen_slot(cfg, state, index, bpf_ktime_get_ns());
	traffic_gen_release(cfg, state, stats, index, slot_ns);

	/* Size the frame first: the page may hold a frame of the other kind. */
	frame_len = traffic_gen_frame_len(cfg, is_stamp);
	have_len = (__u32)(ctx->data_end - ctx->data);
	if (have_len != frame_len && bpf_xdp_adjust_tail(ctx, (int)frame_len - (int)have_len)) {
		stats->redirect_errors++;
		return XDP_DROP;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (traffic_gen_write(cfg, state, stats, data, data_end, index, is_stamp, frame_len))
		return XDP_DROP;

	action = bpf_redirect(cfg->ifindex, 0);
	if (action != XDP_REDIRECT)
		stats->redirect_errors++;
	return action;
}

/*
 * Whether this kernel lets BPF_PROG_RUN send live frames: user space runs this
 * once with BPF_F_TEST_XDP_LIVE_FRAMES and repeat 1. It drops its frame, so the
 * probe sends nothing.
 */
SEC("xdp")
int traffic_gen_probe(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
