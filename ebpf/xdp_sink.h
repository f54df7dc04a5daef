/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Structures shared by xdp_sink.bpf.c and its user-space driver
 * (dataplane: io.stampd.dataplane.bench.XdpSink mirrors these layouts).
 */
#ifndef STAMPD_XDP_SINK_H
#define STAMPD_XDP_SINK_H

#include <linux/types.h>

/* Value of the single entry of map xdp_sink_cfg. */
struct xdp_sink_cfg {
	__u16 port;      /* UDP destination port counted apart (e.g. 862); 0 = none */
	__u16 reserved;
};

/* Value of the single entry of the per-CPU map xdp_sink_stats. */
struct xdp_sink_stats {
	__u64 packets;      /* IPv6 frames dropped (everything IPv6 but ICMPv6) */
	__u64 bytes;        /* their length from the Ethernet header on */
	__u64 port_packets; /* of those: UDP to the configured port */
	__u64 port_bytes;
	__u64 passed;       /* frames passed up: ICMPv6, non-IPv6 and truncated */
};

#endif /* STAMPD_XDP_SINK_H */
