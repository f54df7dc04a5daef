// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * delay_line: an XDP "link emulator" for the test bed. This kernel has no
 * netem, so the program adds a fixed one-way delay by busy-waiting in the
 * receive path and drops a configurable share of packets at random.
 *
 * It touches IPv6 and IPv4 packets except ICMPv6 and ICMP other than echo
 * request/reply, so neighbour discovery (and ICMP errors) keep working
 * whatever the settings while ping sees the delay and loss as STAMP does.
 * ARP is not IP and is never touched, so IPv4 neighbours resolve too.
 *
 * Busy-waiting blocks the receive queue: packets queued behind a delayed one
 * start their own wait later, so this suits low packet rates (about one
 * packet per delay interval), which is what the delay tests send.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "busy_wait.h"
#include "delay_line.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct delay_line_cfg);
} delay_line_cfg SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct delay_line_stats);
} delay_line_stats SEC(".maps");

/* ICMP echo reply and request types (RFC 792); <linux/icmp.h> pulls in libc's socket headers. */
#define DELAY_LINE_ICMP_ECHOREPLY 0
#define DELAY_LINE_ICMP_ECHO 8

/*
 * Non-zero for the IPv4 packets the delay line applies to: not ICMP, or an
 * ICMP echo request/reply. A header length below 20 octets is not IPv4.
 */
static __always_inline int is_affected_ipv4(struct iphdr *ip4, void *data_end)
{
	__u8 *icmp_type;
	__u32 header_length;

	if ((void *)(ip4 + 1) > data_end)
		return 0;
	header_length = ip4->ihl * 4;
	if (ip4->version != 4 || header_length < sizeof(*ip4))
		return 0;
	if (ip4->protocol != IPPROTO_ICMP)
		return 1;
	/* Only the first fragment carries the ICMP header; the others are left alone. */
	if (ip4->frag_off & bpf_htons(0x1FFF))
		return 0;
	icmp_type = (void *)ip4 + header_length;
	if ((void *)(icmp_type + 1) > data_end)
		return 0;
	return *icmp_type == DELAY_LINE_ICMP_ECHO || *icmp_type == DELAY_LINE_ICMP_ECHOREPLY;
}

/*
 * Non-zero for the packets the delay line applies to: IPv6 whose first next
 * header is not ICMPv6, or is an ICMPv6 echo request/reply; IPv4 likewise
 * (is_affected_ipv4).
 */
static __always_inline int is_affected(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct icmp6hdr *icmp6;

	if ((void *)(eth + 1) > data_end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return is_affected_ipv4((void *)(eth + 1), data_end);
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return 0;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return 0;
	if (ip6->nexthdr != IPPROTO_ICMPV6)
		return 1;
	icmp6 = (void *)(ip6 + 1);
	if ((void *)(icmp6 + 1) > data_end)
		return 0;
	return icmp6->icmp6_type == ICMPV6_ECHO_REQUEST || icmp6->icmp6_type == ICMPV6_ECHO_REPLY;
}

SEC("xdp")
int delay_line(struct xdp_md *ctx)
{
	/* Taken first so parsing and map look-ups count towards the delay. */
	__u64 arrival_ns = bpf_ktime_get_ns();
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct delay_line_stats *stats;
	struct delay_line_cfg *cfg;
	__u32 key = 0;
	__u64 delay_ns;
	__u32 loss_ppm;

	if (!is_affected(data, data_end))
		return XDP_PASS;

	cfg = bpf_map_lookup_elem(&delay_line_cfg, &key);
	stats = bpf_map_lookup_elem(&delay_line_stats, &key);
	if (!cfg || !stats)
		return XDP_PASS;

	/* Read once: user space may rewrite the entry while we run. */
	delay_ns = cfg->delay_ns;
	loss_ppm = cfg->loss_ppm;
	stats->seen++;

	if (loss_ppm && bpf_get_prandom_u32() % DELAY_LINE_PPM < loss_ppm) {
		stats->dropped++;
		return XDP_DROP;
	}

	if (delay_ns > DELAY_LINE_MAX_DELAY_NS)
		delay_ns = DELAY_LINE_MAX_DELAY_NS;
	if (busy_wait_until(arrival_ns + delay_ns))
		stats->wait_exhausted++;
	stats->passed++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
