// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdp_swap_reflector: the benchmark's yardstick for the STAMP reflector, not
 * a reflector. It answers every Ethernet + IPv6 + UDP frame (no extension
 * header) to one port by swapping MAC addresses, IPv6 addresses and UDP ports
 * and sending the frame back with XDP_TX: the least any XDP reflector must do.
 * The UDP checksum stays right: swapping summands does not change a sum.
 * Everything else goes up (XDP_PASS). No timestamps, no sessions, no checks
 * of the payload: stamp_reflector.bpf.c is measured against this. Port 0
 * answers nothing: then it is the least an XDP program costs the frames it
 * passes, which stamp_reflector.bpf.c's cost on data traffic is measured against.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xdp_swap_reflector.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_swap_cfg);
} xdp_swap_cfg SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_swap_stats);
} xdp_swap_stats SEC(".maps");

SEC("xdp")
int xdp_swap_reflector(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdp_swap_stats *stats;
	struct xdp_swap_cfg *cfg;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);
	unsigned char mac[ETH_ALEN];
	struct in6_addr addr;
	__be16 port;
	__u32 key = 0;

	stats = bpf_map_lookup_elem(&xdp_swap_stats, &key);
	cfg = bpf_map_lookup_elem(&xdp_swap_cfg, &key);
	if (!stats || !cfg)
		return XDP_PASS;
	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6)
	    || ip6->nexthdr != IPPROTO_UDP || !cfg->port || udp->dest != bpf_htons(cfg->port)) {
		stats->passed++;
		return XDP_PASS;
	}
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip6->daddr;
	ip6->daddr = ip6->saddr;
	ip6->saddr = addr;
	port = udp->dest;
	udp->dest = udp->source;
	udp->source = port;
	stats->reflected++;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
