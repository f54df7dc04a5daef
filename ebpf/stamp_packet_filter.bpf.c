// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_packet_filter: the socket filter (SO_ATTACH_BPF) of the AF_PACKET data plane's packet
 * socket, so that only STAMP test packets for this node reach its receive ring. A packet is
 * accepted whole (the return value is skb->len) when all of these hold, else dropped for the
 * socket (0; the kernel's own processing of the packet is not affected):
 *
 *   - IPv6 (skb->protocol), no VLAN tag in the skb's metadata, and addressed to this host
 *     (pkt_type PACKET_HOST: no multicast, no other host's frame, none this host sends);
 *   - IP version 6, and the destination is one of the node's addresses (map pf_local);
 *   - the extension headers, at most STAMP_PF_MAX_EXT_HEADERS of them, are Hop-by-Hop,
 *     Destination Options and routing headers with Segments Left 0 (one with Segments Left > 0
 *     is not at its final destination: the kernel processes or forwards it, e.g. SRv6 End), and
 *     no Fragment header (STAMP is never fragmented), then UDP;
 *   - the UDP destination port is accepted in pf_ports (the reflector ports and the senders'
 *     local ports), and the IPv6 payload length covers the UDP header.
 *
 * Every read is bpf_skb_load_bytes_relative from the IPv6 header (BPF_HDR_START_NET): on a
 * SOCK_RAW packet socket skb->data is at the MAC header, in BPF_PROG_TEST_RUN of a socket filter
 * at the network header, and relative loads read the same octets in both. A load that would run
 * past the packet fails, and the packet is rejected as truncated. The loads only reach the skb's
 * linear part, which the receive path fills at least through the transport header; the UDP
 * payload is neither read nor required to be all there (the ring's reader checks the lengths).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "stamp_packet_filter.h"

/* IPv6 next header values the walk knows. */
#define PF_NH_HOPOPTS 0
#define PF_NH_ROUTING 43
#define PF_NH_FRAGMENT 44
#define PF_NH_DSTOPTS 60

/* The node's own addresses (network order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMP_PF_MAX_LOCAL);
	__type(key, __u8[16]);
	__type(value, __u8);
} pf_local SEC(".maps");

/* Index: UDP destination port; non-zero: packets to it are accepted. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_PF_PORTS);
	__type(key, __u32);
	__type(value, __u8);
} pf_ports SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAMP_PF_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} pf_stats SEC(".maps");

static __always_inline void pf_count(__u32 reason)
{
	__u64 *v = bpf_map_lookup_elem(&pf_stats, &reason);

	if (v)
		*v += 1;
}

/* Reads len octets at offset off from the IPv6 header; 0 on success. */
static __always_inline long pf_load(struct __sk_buff *skb, __u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes_relative(skb, off, to, len, BPF_HDR_START_NET);
}

/* STAMP_PF_ACCEPTED if the packet is one for the ring, else why not (an enum stamp_pf_counter). */
static __always_inline __u32 pf_classify(struct __sk_buff *skb)
{
	struct ipv6hdr ip6;
	struct udphdr udp;
	__u32 off, ip_end, port;
	__u8 *accept;
	__u8 nh;

	if (skb->protocol != bpf_htons(ETH_P_IPV6) || skb->pkt_type != PACKET_HOST || skb->vlan_present)
		return STAMP_PF_NOT_IPV6;
	if (pf_load(skb, 0, &ip6, sizeof(ip6)))
		return STAMP_PF_TRUNCATED;
	if (ip6.version != 6)
		return STAMP_PF_NOT_IPV6;
	if (!bpf_map_lookup_elem(&pf_local, &ip6.daddr))
		return STAMP_PF_NOT_LOCAL;

	/* A payload length of 0 (a Jumbogram's, RFC 2675) covers no UDP header: truncated below. */
	ip_end = sizeof(ip6) + bpf_ntohs(ip6.payload_len);
	nh = ip6.nexthdr;
	off = sizeof(ip6);
	for (int i = 0; i <= STAMP_PF_MAX_EXT_HEADERS; i++) {
		__u8 h[8];

		if (nh == IPPROTO_UDP)
			break;
		if (nh == PF_NH_FRAGMENT)
			return STAMP_PF_EXT_HEADER;
		if (nh != PF_NH_HOPOPTS && nh != PF_NH_DSTOPTS && nh != PF_NH_ROUTING)
			return STAMP_PF_NOT_UDP;
		if (i == STAMP_PF_MAX_EXT_HEADERS)
			return STAMP_PF_EXT_HEADER;
		/* Next Header, Hdr Ext Len, and for a routing header Routing Type and Segments Left. */
		if (off + sizeof(h) > ip_end || pf_load(skb, off, h, sizeof(h)))
			return STAMP_PF_TRUNCATED;
		if (nh == PF_NH_ROUTING && h[3] != 0)
			return STAMP_PF_EXT_HEADER;
		nh = h[0];
		/* At most 8 headers of at most 2048 octets: off stays far below the helper's 0xffff. */
		off += ((__u32)h[1] + 1) * 8;
	}

	if (off + sizeof(udp) > ip_end || pf_load(skb, off, &udp, sizeof(udp)))
		return STAMP_PF_TRUNCATED;
	port = bpf_ntohs(udp.dest);
	accept = bpf_map_lookup_elem(&pf_ports, &port);
	if (!accept || !*accept)
		return STAMP_PF_PORT;
	return STAMP_PF_ACCEPTED;
}

SEC("socket")
int stamp_packet_filter(struct __sk_buff *skb)
{
	__u32 verdict = pf_classify(skb);

	pf_count(verdict);
	return verdict == STAMP_PF_ACCEPTED ? skb->len : 0;
}

/*
 * stamp_packet_take: the same test at TC ingress, which runs after the packet taps (the ring has
 * its copy by then) and before the protocol handlers. What the ring takes is dropped here, so the
 * kernel's IPv6 and UDP stack never processes it a second time: no UDP socket queues it, no ICMP
 * port unreachable answers it, and the cost of that second path is saved. Everything else goes on
 * untouched, STAMP packets arriving on other interfaces included (the socket path answers them).
 */
SEC("tc")
int stamp_packet_take(struct __sk_buff *skb)
{
	if (pf_classify(skb) != STAMP_PF_ACCEPTED)
		return TC_ACT_OK;
	pf_count(STAMP_PF_TAKEN);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
