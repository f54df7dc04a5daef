// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_collector: the receiving half of a STAMP Session-Sender in XDP. It takes the replies of
 * the sender sessions user space provisioned, stamps T4 on arrival and hands the four
 * timestamps and the numbers to user space through a ring buffer (coll_records), dropping the
 * frame: the socket never sees it. Replies that need more than that go up untouched (XDP_PASS):
 * TLVs other than Extra Padding or TLVs with flags set (the reflector reported something the
 * sender must count), authenticated sessions, malformed packets.
 *
 * Attached on its own, or chained behind stamp_reflector (its refl_next slot) on a node that
 * both reflects and measures.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "stamp_collector.h"
#include "stamp_parse.h"
#include "stamp_time.h"

/* Records the ring holds: 4 MiB of 56-octet records (64 with the ring's header), about 65000. */
#define COLL_RING_BYTES (4 * 1024 * 1024)

/* Per-CPU work space: the checksum chunk. */
struct coll_scratch {
	__u8 chunk[STAMP_CSUM_CHUNK + 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMP_MAX_SESSIONS);
	__type(key, struct stamp_sender_key);
	__type(value, struct stamp_sender_session);
} coll_sessions SEC(".maps");

/* Index: UDP port; non-zero when a sender session receives its replies there. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} coll_ports SEC(".maps");

/* The node's own addresses (as refl_local). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u8[16]);
	__type(value, __u8);
} coll_local SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, COLL_RING_BYTES);
} coll_records SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stamp_xdp_config);
} coll_config SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAMP_C_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} coll_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct coll_scratch);
} coll_scratch SEC(".maps");

/* A 64-bit field of the reply in network order, to host order. */
static __always_inline __u64 load_be64(const __u8 *p)
{
	return ((__u64)bpf_ntohl(*(__be32 *)p) << 32) | bpf_ntohl(*(__be32 *)(p + 4));
}

static __always_inline int collect(struct xdp_md *ctx, __u64 t4_tai)
{
	void *data, *data_end;
	struct ipv6hdr *ip6;
	struct stamp_pkt pkt;
	struct stamp_tlvs tlvs;
	struct stamp_sender_key key;
	struct stamp_sender_session *s;
	struct stamp_xdp_config *cfg;
	struct coll_scratch *sc;
	struct stamp_record *rec;
	__u32 zero = 0, port, *in_use;
	__u8 *base;
	int reason;
	__u16 request_sum;

	reason = stamp_parse(ctx, &pkt);
	if (reason >= 0)
		goto pass;
	port = pkt.dport;
	in_use = bpf_map_lookup_elem(&coll_ports, &port);
	if (!in_use || !*in_use) {
		reason = STAMP_C_OTHER_PORT;
		goto pass;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + STAMP_OFF_IP6;
	if ((void *)(ip6 + 1) > data_end) {
		reason = STAMP_C_TRUNCATED;
		goto pass;
	}
	if (!bpf_map_lookup_elem(&coll_local, &ip6->daddr)) {
		reason = STAMP_C_NOT_LOCAL;
		goto pass;
	}
	/* Shorter than a base packet: the sender's socket path counts it as malformed. */
	if (pkt.payload_len < STAMP_BASE_LENGTH) {
		reason = STAMP_C_SHORT;
		goto pass;
	}
	base = data + (pkt.payload & 0xffff);
	if ((void *)(base + STAMP_BASE_LENGTH) > data_end) {
		reason = STAMP_C_TRUNCATED;
		goto pass;
	}
	__builtin_memcpy(key.reflector_addr, &ip6->saddr, 16);
	key.reflector_port = pkt.sport;
	key.sender_port = pkt.dport;
	key.ssid = ((__u32)base[14] << 8) | base[15];
	s = bpf_map_lookup_elem(&coll_sessions, &key);
	if (!s) {
		reason = STAMP_C_NO_SESSION;
		goto pass;
	}
	if (s->flags & STAMP_SS_USER) {
		reason = STAMP_C_USER_SESSION;
		goto pass;
	}
	/* Flags on a reply's TLV are the reflector's report (U, M, I): user space counts those. */
	if (pkt.payload_len > STAMP_BASE_LENGTH && (stamp_walk_tlvs(ctx, &pkt, &tlvs) || tlvs.flags_or)) {
		reason = STAMP_C_TLV;
		goto pass;
	}
	sc = bpf_map_lookup_elem(&coll_scratch, &zero);
	cfg = bpf_map_lookup_elem(&coll_config, &zero);
	if (!sc || !cfg) {
		reason = STAMP_C_ERROR;
		goto pass;
	}
	if (stamp_verify_udp_csum(ctx, &pkt, sc->chunk, &request_sum)) {
		reason = STAMP_C_BAD_CHECKSUM;
		goto pass;
	}

	rec = bpf_ringbuf_reserve(&coll_records, sizeof(*rec), 0);
	if (!rec) {
		/* User space is behind: the socket path still gets the reply. */
		reason = STAMP_C_RING_FULL;
		goto pass;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + STAMP_OFF_IP6;
	base = data + (pkt.payload & 0xffff);
	if ((void *)(ip6 + 1) > data_end || (void *)(base + STAMP_BASE_LENGTH) > data_end) {
		bpf_ringbuf_discard(rec, 0);
		reason = STAMP_C_ERROR;
		goto pass;
	}
	rec->session_id = s->session_id;
	rec->sender_seq = bpf_ntohl(*(__be32 *)(base + 24));
	rec->reflector_seq = bpf_ntohl(*(__be32 *)base);
	rec->error_estimate = bpf_ntohs(*(__be16 *)(base + 12));
	rec->sender_ttl = base[40];
	rec->hop_limit = pkt.hop_limit;
	rec->t1 = load_be64(base + 28);
	rec->t2 = load_be64(base + 16);
	rec->t3 = load_be64(base + 4);
	rec->t4 = stamp_utc_ns(t4_tai, cfg->tai_offset_ns);
	rec->length = (__u16)pkt.payload_len;
	rec->flags = 0;
	rec->reserved = 0;
	bpf_ringbuf_submit(rec, 0);
	STAMP_COUNT(coll_stats, STAMP_C_COLLECTED);
	return XDP_DROP;

pass:
	STAMP_COUNT(coll_stats, reason);
	return XDP_PASS;
}

SEC("xdp")
int stamp_collector(struct xdp_md *ctx)
{
	/* T4, the first thing the program does. */
	__u64 t4_tai = bpf_ktime_get_tai_ns();

	return collect(ctx, t4_tai);
}

char LICENSE[] SEC("license") = "GPL";
