/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket filter of the AF_PACKET data plane and its TC ingress twin (stamp_packet_filter.bpf.c): what user space
 * puts in its maps and reads from its counters. Mirrored in Java by
 * io.stampd.dataplane.afpacket.StampPacketFilter; a test compiles this header with the host
 * compiler and compares every constant, so a change here that the Java side misses fails the build.
 */
#ifndef STAMP_PACKET_FILTER_H
#define STAMP_PACKET_FILTER_H

/* Entries of pf_local (the node's own addresses: key 16 octets in network order, value __u8). */
#define STAMP_PF_MAX_LOCAL 1024
/* Entries of pf_ports (index: UDP destination port in host order; value __u8, non-zero = accept). */
#define STAMP_PF_PORTS 65536
/* Extension headers walked before the UDP header; a longer chain is rejected. */
#define STAMP_PF_MAX_EXT_HEADERS 8

/*
 * Indexes of the per-CPU counters pf_stats (__u64 each): the packets the socket filter accepted,
 * and why each other one was not (every packet the socket filter sees counts exactly once in
 * those); and, on their own, the packets the TC ingress program took from the kernel's stack.
 */
enum stamp_pf_counter {
	STAMP_PF_ACCEPTED = 0,		/* handed to the socket whole */
	STAMP_PF_NOT_IPV6,		/* not IPv6 (IPv4, ARP, VLAN-tagged, IP version not 6) or not for this host
					 * (pkt_type other than PACKET_HOST: multicast, other host, outgoing) */
	STAMP_PF_NOT_LOCAL,		/* the IPv6 destination is not in pf_local */
	STAMP_PF_EXT_HEADER,		/* a routing header with Segments Left > 0 (the kernel processes or
					 * forwards it), a Fragment header, or more than
					 * STAMP_PF_MAX_EXT_HEADERS extension headers */
	STAMP_PF_NOT_UDP,		/* the chain ends in something other than UDP (TCP, ICMPv6, ESP, ...) */
	STAMP_PF_PORT,			/* UDP to a port pf_ports does not accept */
	STAMP_PF_TRUNCATED,		/* a header runs past the packet or past the IPv6 payload length */
	STAMP_PF_TAKEN,			/* stamp_packet_take: accepted for the ring, so dropped at TC ingress
					 * before the kernel's IPv6 and UDP stack processed a second copy */
	STAMP_PF_COUNT
};

#endif /* STAMP_PACKET_FILTER_H */
