/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The benchmark router's SRv6 policy (tools/bench pdr topology): H.Encaps with
 * an SRH of two segments. This kernel has no seg6 lwtunnel, so the router runs
 * srv6_encap.bpf.c as an LWT-BPF xmit program instead; it is loaded by
 * iproute2 (`ip route ... encap bpf xmit`), which cannot fill maps, so the
 * policy is fixed here and the bench topology is built to match it.
 */
#ifndef STAMPD_SRV6_ENCAP_H
#define STAMPD_SRV6_ENCAP_H

/*
 * Addresses as four host-order 32-bit words (no constant arrays: they would
 * land in a .rodata section that iproute2's loader does not relocate).
 * Outer source: the router's address on its link to the sink, fd00:b2::2.
 */
#define SRV6_ENCAP_SOURCE        0xfd0000b2, 0, 0, 0x00000002
/* Segment list in SRH order (last segment first): fd00:b2::3 (the sink), then fd00:b5::1. */
#define SRV6_ENCAP_SEGMENT_LAST  0xfd0000b2, 0, 0, 0x00000003
#define SRV6_ENCAP_SEGMENT_FIRST 0xfd0000b5, 0, 0, 0x00000001
#define SRV6_ENCAP_SEGMENTS 2
#define SRV6_ENCAP_HOP_LIMIT 64

#endif /* STAMPD_SRV6_ENCAP_H */
