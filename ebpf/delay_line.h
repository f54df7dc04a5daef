/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Structures shared by delay_line.bpf.c and its user-space loader
 * (tools: io.stampd.tools.DelayLineCommand mirrors these layouts and checks
 * the map value sizes against them at run time).
 */
#ifndef STAMPD_DELAY_LINE_H
#define STAMPD_DELAY_LINE_H

#include <linux/types.h>

/* Largest delay the program honours; it busy-waits in the receive path, so
 * longer waits would stall the interface for too long. */
#define DELAY_LINE_MAX_DELAY_NS 1000000000ULL
/* Loss is expressed in parts per million of packets. */
#define DELAY_LINE_PPM 1000000U

/* Value of the single entry of map delay_line_cfg. */
struct delay_line_cfg {
	__u64 delay_ns;  /* one-way delay added to each affected packet */
	__u32 loss_ppm;  /* drop probability, parts per million */
	__u32 reserved;  /* explicit padding so both sides agree on 16 bytes */
};

/* Value of the single entry of the per-CPU map delay_line_stats. */
struct delay_line_stats {
	__u64 seen;           /* IP packets the delay line applied to (not ICMP other than echo) */
	__u64 passed;         /* of those: passed on after the delay */
	__u64 dropped;        /* of those: dropped by the random loss */
	__u64 wait_exhausted; /* of the passed: released early, bounded wait ran out */
};

#endif /* STAMPD_DELAY_LINE_H */
