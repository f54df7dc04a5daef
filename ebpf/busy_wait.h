/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * busy_wait_until(): spin on bpf_ktime_get_ns() until a CLOCK_MONOTONIC
 * deadline, for the XDP programs that hold a packet (delay_line) or pace
 * frames (traffic_gen). Included by BPF programs only.
 */
#ifndef STAMPD_BUSY_WAIT_H
#define STAMPD_BUSY_WAIT_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* bpf_loop refuses more iterations than this per call (BPF_MAX_LOOPS). */
#define BUSY_WAIT_LOOP_ITERATIONS (1U << 23)
/*
 * Upper bound of inner loops (rounds) per wait, so the wait provably ends;
 * the deadline is what normally ends it. A round took ~0.33 s on the test VM
 * (~40 ns per clock read); 128 rounds still last over 1 s on a machine where
 * a read takes only 1 ns, longer than any wait the programs ask for. The
 * rounds run in an outer bpf_loop, not a C loop, because the verifier walks a
 * C loop once per iteration (128 exceeded its budget).
 */
#define BUSY_WAIT_MAX_ROUNDS 128

struct busy_wait_state {
	__u64 deadline_ns;
};

/* bpf_loop callback: returning 1 ends the loop once the deadline is reached. */
static long busy_wait_step(__u64 index, void *ctx)
{
	struct busy_wait_state *state = ctx;

	return bpf_ktime_get_ns() >= state->deadline_ns ? 1 : 0;
}

/* Outer bpf_loop callback: one inner loop of clock reads; stops the outer loop at the deadline. */
static long busy_wait_round(__u64 index, void *ctx)
{
	struct busy_wait_state *state = ctx;

	bpf_loop(BUSY_WAIT_LOOP_ITERATIONS, busy_wait_step, state, 0);
	return bpf_ktime_get_ns() >= state->deadline_ns ? 1 : 0;
}

/* Spins until deadline_ns; returns 0 once reached, -1 if the bounded rounds ran out first. */
static __always_inline int busy_wait_until(__u64 deadline_ns)
{
	struct busy_wait_state state = { .deadline_ns = deadline_ns };

	if (bpf_ktime_get_ns() < deadline_ns)
		bpf_loop(BUSY_WAIT_MAX_ROUNDS, busy_wait_round, &state, 0);
	return bpf_ktime_get_ns() >= deadline_ns ? 0 : -1;
}

#endif /* STAMPD_BUSY_WAIT_H */
