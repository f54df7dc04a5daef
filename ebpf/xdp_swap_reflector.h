/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Structures shared by xdp_swap_reflector.bpf.c and its user-space driver
 * (dataplane: io.stampd.dataplane.bench.XdpSwapReflector mirrors these layouts).
 */
#ifndef STAMPD_XDP_SWAP_REFLECTOR_H
#define STAMPD_XDP_SWAP_REFLECTOR_H

#include <linux/types.h>

/* Value of the single entry of map xdp_swap_cfg. */
struct xdp_swap_cfg {
	__u16 port;      /* UDP destination port answered (e.g. STAMP's 862); 0 = none */
	__u16 reserved;
};

/* Value of the single entry of the per-CPU map xdp_swap_stats. */
struct xdp_swap_stats {
	__u64 reflected; /* frames sent back with XDP_TX */
	__u64 passed;    /* frames passed up: anything else */
};

#endif /* STAMPD_XDP_SWAP_REFLECTOR_H */
