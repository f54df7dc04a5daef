// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * srv6_encap: SRv6 H.Encaps (RFC 8986 §5.1) as an LWT-BPF xmit program, for
 * the benchmark router on kernels built without CONFIG_IPV6_SEG6_LWTUNNEL.
 *
 * Pushes an outer IPv6 header and an SRH (srv6_encap.h) in front of the
 * routed IPv6 packet and asks the kernel to route it again on the outer
 * destination, which is what `encap seg6 mode encap` does natively.
 */
#include <linux/bpf.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/seg6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "srv6_encap.h"

/* The fixed part of an SRH (RFC 8754 §2); linux/seg6.h's ends in a flexible array. */
struct srh_fixed {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 type;
	__u8 segments_left;
	__u8 first_segment;
	__u8 flags;
	__u16 tag;
};

#define SRH_LEN (sizeof(struct srh_fixed) + SRV6_ENCAP_SEGMENTS * sizeof(struct in6_addr))
/* Inner packet is IPv6 (RFC 8200 next header value 41). */
#define NEXTHDR_IPV6_IN_IPV6 41

struct encap_header {
	struct ipv6hdr ip6;
	struct srh_fixed srh;
	struct in6_addr segments[SRV6_ENCAP_SEGMENTS];
};
/* 40 + 8 + 16n octets with no padding: every member falls on a 4-octet boundary. */
_Static_assert(sizeof(struct encap_header) == sizeof(struct ipv6hdr) + SRH_LEN, "encap header has padding");

static __always_inline void set_address(struct in6_addr *a, __u32 w0, __u32 w1, __u32 w2, __u32 w3)
{
	a->in6_u.u6_addr32[0] = bpf_htonl(w0);
	a->in6_u.u6_addr32[1] = bpf_htonl(w1);
	a->in6_u.u6_addr32[2] = bpf_htonl(w2);
	a->in6_u.u6_addr32[3] = bpf_htonl(w3);
}

SEC("lwt_xmit")
int srv6_encap(struct __sk_buff *skb)
{
	struct encap_header h = {};
	__u32 inner_len = skb->len;

	/* Only IPv6 is encapsulated; anything else leaves as it came. */
	if (skb->protocol != bpf_htons(0x86DD))
		return BPF_OK;

	h.ip6.version = 6;
	h.ip6.payload_len = bpf_htons(SRH_LEN + inner_len);
	h.ip6.nexthdr = IPPROTO_ROUTING;
	h.ip6.hop_limit = SRV6_ENCAP_HOP_LIMIT;
	set_address(&h.ip6.saddr, SRV6_ENCAP_SOURCE);
	set_address(&h.ip6.daddr, SRV6_ENCAP_SEGMENT_FIRST);
	h.srh.nexthdr = NEXTHDR_IPV6_IN_IPV6;
	h.srh.hdrlen = (SRH_LEN >> 3) - 1;
	h.srh.type = IPV6_SRCRT_TYPE_4;
	h.srh.segments_left = SRV6_ENCAP_SEGMENTS - 1;
	h.srh.first_segment = SRV6_ENCAP_SEGMENTS - 1;
	set_address(&h.segments[0], SRV6_ENCAP_SEGMENT_LAST);
	set_address(&h.segments[1], SRV6_ENCAP_SEGMENT_FIRST);

	if (bpf_lwt_push_encap(skb, BPF_LWT_ENCAP_IP, &h, sizeof(h)))
		return BPF_DROP;
	return BPF_LWT_REROUTE;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
