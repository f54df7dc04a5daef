/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a STAMP frame in XDP, shared by stamp_reflector.bpf.c and stamp_collector.bpf.c:
 * the Ethernet/IPv6/extension-header/UDP walk, the RFC 8972 TLV walk and the UDP checksum.
 *
 * Nothing here writes to the packet: a frame either parses into a struct stamp_pkt or the
 * caller gets the one STAMP_C_* reason it is left to the kernel for, and passes it untouched.
 * Every header is bounds-checked against the frame before it is read, and every length the
 * packet states is checked against the others (IPv6 payload length against the frame, each
 * extension header and the UDP length against the IPv6 payload length), so a packet that the
 * kernel would drop as malformed is never answered here.
 */
#ifndef STAMP_PARSE_H
#define STAMP_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "stamp_xdp.h"

/* Fixed offsets in the frame: Ethernet without VLAN tag, then the IPv6 header. */
#define STAMP_OFF_IP6 ETH_HLEN
#define STAMP_OFF_SADDR (STAMP_OFF_IP6 + 8)
#define STAMP_OFF_DADDR (STAMP_OFF_IP6 + 24)
#define STAMP_OFF_EXT (STAMP_OFF_IP6 + 40)

/* Extension headers walked before giving up (STAMP_C_HEADER_CHAIN). */
#define STAMP_MAX_EXT_HEADERS 8
/* TLVs walked after the base packet before giving up (STAMP_C_TLV). */
#define STAMP_MAX_TLVS 16
/* RFC 8972 section 4.1: Extra Padding, the one TLV these programs handle. */
#define STAMP_TLV_EXTRA_PADDING 1

/*
 * Checksum work unit: bpf_csum_diff sums at most 512 octets per call, and the chunks go through
 * a per-CPU buffer of STAMP_CSUM_CHUNK + 8 octets (room to zero-pad an odd tail to 4).
 * STAMP_CSUM_CHUNKS chunks cover a UDP datagram of a 9000-octet STAMP payload.
 */
#define STAMP_CSUM_CHUNK 512
#define STAMP_CSUM_CHUNKS 18
#define STAMP_MAX_UDP_LENGTH (STAMP_CSUM_CHUNK * STAMP_CSUM_CHUNKS)

/* IPv6 next header values the walk knows (linux/in6.h spells some of them, not all). */
#define STAMP_NH_HOPOPTS 0
#define STAMP_NH_ROUTING 43
#define STAMP_NH_FRAGMENT 44
#define STAMP_NH_DSTOPTS 60
#define STAMP_ROUTING_SRH 4

/* What a frame parsed into. Offsets are from the start of the frame. */
struct stamp_pkt {
	__u32 udp;		/* the UDP header */
	__u32 payload;		/* the UDP payload (udp + 8) */
	__u32 payload_len;	/* octets of UDP payload */
	__u32 ip_end;		/* just past the IPv6 packet; Ethernet padding may follow up to the frame end */
	__u32 frame_len;	/* data_end - data */
	__u32 srh;		/* the SRH (Segments Left 0), or 0 when there is none */
	__u16 sport;		/* UDP source port, host order */
	__u16 dport;		/* UDP destination port, host order */
	__u16 udp_check;	/* the UDP checksum field as it lies in memory */
	__u8 hop_limit;		/* as received */
	__u8 tclass;		/* traffic class as received (DSCP and ECN) */
};

/* Which reason a next header that ends the walk gets: an extension header we do not know, or no UDP. */
static __always_inline int stamp_nh_reason(__u8 nh)
{
	switch (nh) {
	case 135:	/* Mobility */
	case 139:	/* HIP */
	case 140:	/* Shim6 */
	case 253:	/* experimental extension headers (RFC 3692) */
	case 254:
		return STAMP_C_HEADER_CHAIN;
	default:	/* TCP, ICMPv6, Fragment, ESP, AH, No Next Header, ...: no UDP to read */
		return STAMP_C_NOT_UDP;
	}
}

/*
 * Parses Ethernet / IPv6 / extension headers / UDP. Returns -1 and fills *pkt when the frame is a
 * whole IPv6 UDP datagram at its final destination, else the STAMP_C_* reason to pass it up.
 */
static __always_inline int stamp_parse(struct xdp_md *ctx, struct stamp_pkt *pkt)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct udphdr *udp;
	__u32 off, ip_end, udp_len;
	__u8 nh;

	if ((void *)(eth + 1) > data_end)
		return STAMP_C_TRUNCATED;
	/* A VLAN tag (0x8100, 0x88a8) shows up here as another ethertype: not ours either. */
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return STAMP_C_NOT_IPV6;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return STAMP_C_TRUNCATED;
	if (ip6->version != 6)
		return STAMP_C_NOT_IPV6;

	pkt->frame_len = (__u32)(data_end - data);
	/* A payload length of 0 is a Jumbogram's (RFC 2675); its UDP length cannot agree below. */
	ip_end = STAMP_OFF_EXT + bpf_ntohs(ip6->payload_len);
	if (ip_end > pkt->frame_len)
		return STAMP_C_TRUNCATED;
	pkt->ip_end = ip_end;
	pkt->hop_limit = ip6->hop_limit;
	pkt->tclass = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
	pkt->srh = 0;

	nh = ip6->nexthdr;
	off = STAMP_OFF_EXT;
	for (int i = 0; i <= STAMP_MAX_EXT_HEADERS; i++) {
		__u8 *h;
		__u32 len;

		if (nh == IPPROTO_UDP)
			break;
		if (nh != STAMP_NH_HOPOPTS && nh != STAMP_NH_DSTOPTS && nh != STAMP_NH_ROUTING)
			return stamp_nh_reason(nh);
		/* RFC 8200 section 4.1: Hop-by-Hop only right after the IPv6 header. */
		if (i == STAMP_MAX_EXT_HEADERS || (nh == STAMP_NH_HOPOPTS && i != 0))
			return STAMP_C_HEADER_CHAIN;
		/* off <= ip_end < 2^17 here; the mask states it to the verifier. */
		h = data + (off & 0x1ffff);
		if ((void *)(h + 8) > data_end || off + 8 > ip_end)
			return STAMP_C_TRUNCATED;
		len = ((__u32)h[1] + 1) * 8;
		if (off + len > ip_end)
			return STAMP_C_TRUNCATED;
		if (nh == STAMP_NH_ROUTING) {
			if (h[2] == STAMP_ROUTING_SRH) {
				/*
				 * RFC 8754 section 2: Segment List[0..Last Entry] must fit in the header
				 * (the rest, if any, is SRH TLVs); a second SRH is not something we walk.
				 */
				if (pkt->srh || h[1] < 2 || (__u32)h[4] + 1 > (__u32)h[1] / 2)
					return pkt->srh ? STAMP_C_HEADER_CHAIN : STAMP_C_TRUNCATED;
				if (h[3] != 0)
					return STAMP_C_SEGMENTS_LEFT;
				pkt->srh = off;
			} else if (h[3] != 0) {
				/* RFC 8200 section 4.4: another routing type with Segments Left 0 is skipped. */
				return STAMP_C_SEGMENTS_LEFT;
			}
		}
		nh = h[0];
		off += len;
	}

	udp = data + (off & 0x1ffff);
	if ((void *)(udp + 1) > data_end || off + sizeof(*udp) > ip_end)
		return STAMP_C_TRUNCATED;
	udp_len = bpf_ntohs(udp->len);
	if (udp_len < sizeof(*udp) || off + udp_len != ip_end)
		return STAMP_C_TRUNCATED;
	pkt->udp = off;
	pkt->payload = off + sizeof(*udp);
	pkt->payload_len = udp_len - sizeof(*udp);
	pkt->sport = bpf_ntohs(udp->source);
	pkt->dport = bpf_ntohs(udp->dest);
	pkt->udp_check = udp->check;
	return -1;
}

/* The TLVs after the base packet, as stamp_walk_tlvs found them. */
struct stamp_tlvs {
	__u32 flags_or;		/* OR of every TLV's flags octet */
	__u32 flags_sum;	/* the flags octets as 16-bit words in memory order (for the checksum) */
};

/*
 * Walks the TLVs in [STAMP_BASE_LENGTH, payload_len) of the UDP payload. Returns 0 if they are
 * all Extra Padding, framed exactly up to the end of the payload and at most STAMP_MAX_TLVS;
 * -1 otherwise (another type, a fragment shorter than a TLV header, a Length running past the
 * payload, or more TLVs than the walk takes): the user-space reflector or sender does those.
 * Only unknown values leave the loop (no count, no positions), so the verifier's states
 * after it merge whatever iteration it ended in.
 */
static __always_inline int stamp_walk_tlvs(struct xdp_md *ctx, const struct stamp_pkt *pkt, struct stamp_tlvs *t)
{
	__u32 end = pkt->payload_len;
	__u32 off = STAMP_BASE_LENGTH;

	t->flags_or = 0;
	t->flags_sum = 0;
	for (int i = 0; i < STAMP_MAX_TLVS; i++) {
		__u8 h[4];

		if (off >= end)
			break;
		if (end - off < sizeof(h) || bpf_xdp_load_bytes(ctx, pkt->payload + off, h, sizeof(h)))
			return -1;
		if (h[1] != STAMP_TLV_EXTRA_PADDING)
			return -1;
		t->flags_or |= h[0];
		/*
		 * The payload starts at an even offset from the UDP header, so an even payload offset
		 * is the first octet of a checksum word. As a memory-order word, the octet alone in
		 * the first position is htons(f << 8), in the second htons(f), on either byte order.
		 */
		t->flags_sum += (off & 1) ? bpf_htons((__u16)h[0]) : bpf_htons((__u16)h[0] << 8);
		off += sizeof(h) + (((__u32)h[2] << 8) | h[3]);
	}
	return off == end ? 0 : -1;
}

/* Folds a one's complement sum of memory-order words into 16 bits. */
static __always_inline __u16 stamp_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * Verifies the UDP checksum (RFC 8200 section 8.1) of the parsed datagram: the pseudo-header
 * with the IPv6 source and destination (at the final destination, which Segments Left 0 says
 * this is, the destination is the final one, as the kernel checks it), then the whole datagram
 * in chunks through the per-CPU buffer chunk (STAMP_CSUM_CHUNK + 8 octets). Sums are taken
 * in memory order, the way bpf_csum_diff adds words, which a one's complement sum permits.
 *
 * A datagram that a local socket sent through a veth, and that no device has finished yet,
 * carries a partial checksum (CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum,
 * the rest was left to the NIC); the kernel trusts such an skb, and so does this check. XDP sees
 * no skb flag, so a field equal to the pseudo-header's sum is taken as one; a corrupted datagram
 * matches that by chance as often (2^-16) as it matches a right checksum.
 *
 * Returns 0 if the checksum is non-zero and right (or partial), -1 otherwise. *sum (if the
 * datagram passes) is the folded sum of the pseudo-header and the datagram without its checksum
 * field: what a reply's checksum is derived from.
 */
static __always_inline int stamp_verify_udp_csum(struct xdp_md *ctx, const struct stamp_pkt *pkt, __u8 *chunk,
						 __u16 *sum_out)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 udp_len = pkt->payload_len + sizeof(struct udphdr);
	__u8 *addrs = data + STAMP_OFF_SADDR;
	__s64 s;
	__u64 sum;
	__u16 pseudo, total;

	/* Over IPv6 a zero checksum means none, which is not allowed for UDP. */
	if (pkt->udp_check == 0 || udp_len > STAMP_MAX_UDP_LENGTH)
		return -1;
	if ((void *)(addrs + 32) > data_end)
		return -1;
	s = bpf_csum_diff(0, 0, (__be32 *)addrs, 32, 0);
	if (s < 0)
		return -1;
	sum = (__u64)s + bpf_htonl(udp_len) + bpf_htonl(IPPROTO_UDP);
	pseudo = stamp_csum_fold(sum);

	for (int i = 0; i < STAMP_CSUM_CHUNKS; i++) {
		__u32 done = (__u32)i * STAMP_CSUM_CHUNK;
		__u32 n, padded;

		if (done >= udp_len)
			break;
		n = udp_len - done;
		if (n > STAMP_CSUM_CHUNK)
			n = STAMP_CSUM_CHUNK;
		if (n == 0)	/* cannot happen (done < udp_len); tells the verifier n >= 1 */
			break;
		/* An odd tail is summed as if followed by zero octets up to a multiple of 4. */
		padded = (n + 3) & ~3U;
		*(__u32 *)(chunk + (n & ~3U)) = 0;
		if (bpf_xdp_load_bytes(ctx, pkt->udp + done, chunk, n))
			return -1;
		s = bpf_csum_diff(0, 0, (__be32 *)chunk, padded, 0);
		if (s < 0)
			return -1;
		sum += (__u64)s;
	}
	total = stamp_csum_fold(sum);
	if (total != 0xffff && pkt->udp_check != pseudo)
		return -1;
	/* Without the checksum field: plus its one's complement. */
	*sum_out = stamp_csum_fold((__u64)total + (__u16)~pkt->udp_check);
	return 0;
}

/* Adds one to counter reason of a per-CPU stats map (refl_stats, coll_stats). */
#define STAMP_COUNT(map, reason)						\
	do {									\
		__u32 __k = (reason);						\
		__u64 *__v = bpf_map_lookup_elem(&(map), &__k);			\
		if (__v)							\
			*__v += 1;						\
	} while (0)

#endif /* STAMP_PARSE_H */
