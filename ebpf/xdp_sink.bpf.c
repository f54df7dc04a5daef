// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_sink: the packet counter of the benchmarks. Drops and counts every IPv6
 * frame except ICMPv6 (passed up, so neighbour discovery and ping keep
 * working), and counts UDP to one configured port (e.g. STAMP's 862) apart.
 * One Hop-by-Hop header (as MLD has) and one routing header (an SRv6 SRH)
 * before the ICMPv6 or UDP header are skipped.
 *
 * Attached to a veth it also turns on that veth's NAPI, which frames
 * redirected into it by XDP need.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_sink.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_sink_cfg);
} xdp_sink_cfg SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_sink_stats);
} xdp_sink_stats SEC(".maps");

/* The generic IPv6 extension header start: next header and length in 8-octet units beyond the first 8. */
struct ext_hdr {
	__u8 nexthdr;
	__u8 hdrlen;
};

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdp_sink_stats *stats;
	struct xdp_sink_cfg *cfg;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct udphdr *udp;
	void *l4;
	__u32 key = 0;
	__u8 nexthdr;

	stats = bpf_map_lookup_elem(&xdp_sink_stats, &key);
	cfg = bpf_map_lookup_elem(&xdp_sink_cfg, &key);
	if (!stats || !cfg)
		return XDP_PASS;

	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6)) {
		stats->passed++;
		return XDP_PASS;
	}
	nexthdr = ip6->nexthdr;
	l4 = ip6 + 1;
	/* MLD reports carry a Hop-by-Hop header (router alert) before the ICMPv6 header. */
	if (nexthdr == IPPROTO_HOPOPTS) {
		struct ext_hdr *ext = l4;

		if ((void *)(ext + 1) > data_end) {
			stats->passed++;
			return XDP_PASS;
		}
		nexthdr = ext->nexthdr;
		l4 += ((__u32)ext->hdrlen + 1) * 8;
	}
	if (nexthdr == IPPROTO_ICMPV6) {
		stats->passed++;
		return XDP_PASS;
	}

	stats->packets++;
	stats->bytes += data_end - data;

	if (nexthdr == IPPROTO_ROUTING) {
		struct ext_hdr *ext = l4;

		if ((void *)(ext + 1) > data_end)
			return XDP_DROP;
		nexthdr = ext->nexthdr;
		l4 += ((__u32)ext->hdrlen + 1) * 8;
	}
	udp = l4;
	if (nexthdr == IPPROTO_UDP && cfg->port && (void *)(udp + 1) <= data_end
	    && udp->dest == bpf_htons(cfg->port)) {
		stats->port_packets++;
		stats->port_bytes += data_end - data;
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
