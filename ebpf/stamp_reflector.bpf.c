// SPDX-License-Identifier: GPL-2.0
/*
 * stamp_reflector: the STAMP Session-Reflector (RFC 8762, RFC 8972, RFC 9503 return paths) in
 * XDP, for unauthenticated sessions whose test packets carry at most Extra Padding TLVs. It
 * turns a test packet into its reply in place and sends it back out (XDP_TX) or out of the
 * interface the route names (bpf_redirect). Everything else goes up to the kernel untouched
 * (XDP_PASS, frame byte for byte as received), where the socket data plane serves it: other
 * TLVs, authenticated sessions, malformed packets, an unresolved next hop.
 *
 * Work is ordered so that the frame is only changed once the reply is certain: parse, session,
 * TLVs, checksum and route are all decided first; only then does the program move the head,
 * take a stateful number and write. T2 is read first thing, T3 last thing before returning.
 *
 * User space (io.stampd.dataplane.xdp) fills the maps; see stamp_reflector.h for what they hold.
 * One XDP program per interface: frames to a UDP port without reflector sessions are handed
 * to the program in refl_next (the collector) with a tail call.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "stamp_parse.h"
#include "stamp_reflector.h"
#include "stamp_time.h"

#define AF_INET6 10

/* The longest reply header block: Ethernet, IPv6, an SRH of STAMP_MAX_SEGMENTS, UDP (582 octets). */
#define REPLY_HDR_MAX (ETH_HLEN + 40 + 8 + 16 * STAMP_MAX_SEGMENTS + 8)
/*
 * A reply header block is 62 + 8 + 16n octets, 6 mod 8 long whatever the SRH: started 2 octets
 * into the scratch buffer, its IPv6 and UDP headers and the base packet after it fall on
 * 8-octet boundaries there.
 */
#define SCRATCH_LEAD 2

/* Per-CPU work space: the reply's header block and base packet, and the checksum chunk. */
struct refl_scratch {
	__u8 frame[SCRATCH_LEAD + REPLY_HDR_MAX + STAMP_BASE_LENGTH + 4];
	__u8 chunk[STAMP_CSUM_CHUNK + 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STAMP_MAX_SESSIONS);
	__type(key, struct stamp_refl_key);
	__type(value, struct stamp_refl_session);
} refl_sessions SEC(".maps");

/* Index: UDP destination port; bit (1 << pattern) for each wildcard pattern a session there uses. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} refl_ports SEC(".maps");

/* The node's own addresses: a test packet to any other address is being forwarded, not ours. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u8[16]);
	__type(value, __u8);
} refl_local SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct stamp_refl_counters);
} refl_counters SEC(".maps");

/* Token buckets of rate-limited sessions, by slot (stamp_refl_limit). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAMP_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct stamp_refl_limit);
} refl_limits SEC(".maps");

/* The per-source limit (stamp_source_limit) and each source's arrival time under it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stamp_source_limit);
} refl_source_limit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STAMP_MAX_SOURCES);
	__type(key, struct stamp_source_key);
	__type(value, __u64);
} refl_sources SEC(".maps");

/* Stateful flows: the next reflector sequence number; LRU so that forgotten senders age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STAMP_MAX_FLOWS);
	__type(key, struct stamp_flow_key);
	__type(value, __u64);
} refl_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stamp_xdp_config);
} refl_config SEC(".maps");

/* Per CPU so that counting needs no atomic operations; user space sums. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAMP_C_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} refl_stats SEC(".maps");

/*
 * Routes of replies as bpf_fib_lookup found them (next hop's MAC, our MAC, egress device),
 * reused for stamp_xdp_config.route_ttl_ns: the look-up is most of a reply's cost, and a test
 * session's replies all take the same route. A route or neighbour that changes is seen at the
 * latest after the TTL. Private to the program: user space neither reads nor writes it.
 */
struct refl_route_key {
	__u8 dst[16];
	__u8 src[16];
	__u32 ifindex;
	__u32 tot_len;
};

struct refl_route {
	__u64 expires_tai_ns;
	__u32 ifindex;
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct refl_route_key);
	__type(value, struct refl_route);
} refl_routes SEC(".maps");

/* Slot 0: the program for frames to ports without reflector sessions (the collector). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} refl_next SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct refl_scratch);
} refl_scratch SEC(".maps");

#ifdef STAMP_REFLECTOR_HW
/* The NIC's receive timestamp (Linux 6.3+); needs a program bound to the device at load. */
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
#endif

/* The session a test packet belongs to: the first wildcard pattern in use on its port that matches. */
static __always_inline struct stamp_refl_session *find_session(const struct stamp_refl_key *full, __u32 mask)
{
	struct stamp_refl_key key;

	for (int pattern = 0; pattern < STAMP_PATTERNS; pattern++) {
		struct stamp_refl_session *s;

		if (!(mask & (1U << pattern)))
			continue;
		key = *full;
		if (pattern & STAMP_WILD_REFLECTOR_ADDR)
			__builtin_memset(key.reflector_addr, 0, sizeof(key.reflector_addr));
		if (pattern & STAMP_WILD_SENDER_ADDR)
			__builtin_memset(key.sender_addr, 0, sizeof(key.sender_addr));
		if (pattern & STAMP_WILD_SENDER_PORT)
			key.sender_port = 0;
		if (pattern & STAMP_WILD_SSID)
			key.ssid = STAMP_ANY_SSID;
		s = bpf_map_lookup_elem(&refl_sessions, &key);
		if (s)
			return s;
	}
	return 0;
}

/*
 * Takes the next number of a stateful flow: created at 0 on its first packet. Shared with
 * stamp_flow_take, which user space runs, so the map is the one counter. Returns -1 if the
 * flow cannot be created (the LRU map evicts, so only on a helper failure).
 */
static __always_inline int flow_take(const struct stamp_flow_key *key, __u64 *seq)
{
	__u64 zero = 0;
	__u64 *next = bpf_map_lookup_elem(&refl_flows, key);

	if (!next) {
		/* Two CPUs may race to create it: EEXIST for the loser is fine, the look-up finds the winner's. */
		bpf_map_update_elem(&refl_flows, key, &zero, BPF_NOEXIST);
		next = bpf_map_lookup_elem(&refl_flows, key);
		if (!next)
			return -1;
	}
	*seq = __sync_fetch_and_add(next, 1);
	return 0;
}

/*
 * Takes one packet's credit from the bucket of slot: 1, answer it; 0, it is over the limit
 * (counted). The refill (TokenBucket.refilled): full when the time since the last refill would
 * add at least what is missing, else credit + elapsed x rate, which then stays below capacity +
 * rate: no overflow. A clock reading not later than the last adds nothing.
 */
static __always_inline int take_token(__u32 slot)
{
	struct stamp_refl_limit *l = bpf_map_lookup_elem(&refl_limits, &slot);
	__u64 now = bpf_ktime_get_ns(), missing, elapsed;
	int ok;

	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	if (l->last_ns == 0) {
		l->last_ns = now;
	} else if (now > l->last_ns) {
		elapsed = now - l->last_ns;
		missing = l->capacity > l->credit ? l->capacity - l->credit : 0;
		if (l->rate == 0 || elapsed >= missing / l->rate + 1)
			l->credit = l->capacity > l->credit ? l->capacity : l->credit;
		else
			l->credit += elapsed * l->rate;
		l->last_ns = now;
	}
	ok = l->credit >= STAMP_PACKET_CREDIT;
	if (ok)
		l->credit -= STAMP_PACKET_CREDIT;
	bpf_spin_unlock(&l->lock);
	if (!ok)
		__sync_fetch_and_add(&l->limited, 1);
	return ok;
}

/* Compare-and-swap attempts on a source's arrival time before its packet counts as over the limit. */
#define SOURCE_TRIES 4

/*
 * Takes one packet's credit from the bucket of source address saddr under limit: 1, answer it;
 * 0, it is over the limit. GCRA: with now and the arrival time tat in credits (see
 * stamp_source_limit), the bucket holds capacity - (tat - now) credits while tat is ahead of now,
 * and is full when tat is behind; a packet is answered iff max(tat, now) + STAMP_PACKET_CREDIT -
 * now <= capacity, and then moves tat there. That is TokenBucket to the credit: full at the first
 * packet, rate credits a nanosecond, never above capacity.
 *
 * tat is never more than capacity ahead of a later reading of the clock, so "ahead" beyond
 * capacity can only be a tat far behind now seen through the 2^64 wrap of the credits (a source
 * quiet for about 2^64 / rate ns): taken as behind, a full bucket. Only a source that comes back
 * after a multiple of that time, give or take burst / rate seconds, finds its bucket emptier than
 * it should be (by at most its depth, refilled at the rate as usual).
 *
 * Another CPU may move tat between the read and the swap; the read is done again, SOURCE_TRIES
 * times in all, and then the packet counts as over the limit: only a source whose packets arrive on
 * several CPUs at once can lose that race so often, and dropping is the safe side of a limit.
 */
static __always_inline int take_source_token(const __u8 *saddr, const struct stamp_source_limit *limit)
{
	struct stamp_source_key key = {};
	__u64 rate = limit->rate, capacity = (__u64)limit->burst * STAMP_PACKET_CREDIT;
	__u64 *tat, old, now, ahead;
	int i;

	__builtin_memcpy(key.addr, saddr, 16);
	key.rate = limit->rate;
	key.burst = limit->burst;
	tat = bpf_map_lookup_elem(&refl_sources, &key);
	if (!tat) {
		/* A new source: a full bucket, less this packet. */
		now = bpf_ktime_get_ns() * rate + STAMP_PACKET_CREDIT;
		if (!bpf_map_update_elem(&refl_sources, &key, &now, BPF_NOEXIST))
			return 1;
		/* Another CPU made it meanwhile: take from that one. */
		tat = bpf_map_lookup_elem(&refl_sources, &key);
		if (!tat)
			return 0;
	}
#pragma unroll
	for (i = 0; i < SOURCE_TRIES; i++) {
		old = *(volatile __u64 *)tat;
		/* The clock after tat: no other CPU's swap can be later than this reading. */
		now = bpf_ktime_get_ns() * rate;
		ahead = old - now;
		if ((__s64)ahead < 0 || ahead > capacity)
			ahead = 0;
		if (ahead + STAMP_PACKET_CREDIT > capacity)
			return 0;
		if (__sync_val_compare_and_swap(tat, old, now + ahead + STAMP_PACKET_CREDIT) == old)
			return 1;
	}
	return 0;
}

/*
 * Clears the flags octet of each Extra Padding TLV of the reply whose payload starts at
 * payload (the walk before checked the framing): the reflector understood them (RFC 8972
 * section 4). The TLVs end exactly at the end of the frame now, so the walk stops where a
 * TLV header can no longer be loaded; it does not compare with the payload length, whose
 * range the verifier would then have to track through the whole program.
 */
static __always_inline void clear_tlv_flags(struct xdp_md *ctx, __u32 payload)
{
	__u32 off = STAMP_BASE_LENGTH;
	__u8 zero = 0;

	for (int i = 0; i < STAMP_MAX_TLVS; i++) {
		__u8 h[4];

		if (bpf_xdp_load_bytes(ctx, payload + off, h, sizeof(h)))
			break;
		if (h[0])
			bpf_xdp_store_bytes(ctx, payload + off, &zero, 1);
		off += sizeof(h) + (((__u32)h[2] << 8) | h[3]);
	}
}

static __always_inline int reflect(struct xdp_md *ctx, __u64 t2_tai)
{
	void *data, *data_end;
	struct ipv6hdr *ip6;
	struct stamp_pkt pkt;
	struct stamp_tlvs tlvs;
	struct stamp_refl_key full;
	struct stamp_refl_session *s;
	struct stamp_refl_counters *counters;
	struct stamp_xdp_config *cfg;
	struct stamp_source_limit *source_limit, sources;
	struct refl_scratch *sc;
	struct bpf_fib_lookup fib = {};
	__u8 *base, *out, *hdr, *udp;
	__u32 zero = 0, port, *mask, n, rep_hlen, srh_len, slot;
	__u64 reflector_seq, t2_wire, t3_wire, sum, utc, limit_word;
	__u32 sender_seq, wlen;
	__u16 ee, check;
	__s64 diff;
	__u16 request_sum;
	struct refl_route_key route_key = {};
	struct refl_route *route;
	int reason, delta = 0, action, rc;

	reason = stamp_parse(ctx, &pkt);
	if (reason >= 0)
		goto pass;

	port = pkt.dport;
	mask = bpf_map_lookup_elem(&refl_ports, &port);
	if (!mask || !*mask) {
		STAMP_COUNT(refl_stats, STAMP_C_OTHER_PORT);
		/* Not a reflector port: maybe a reply for the collector. Falls through when slot 0 is empty. */
		bpf_tail_call(ctx, &refl_next, 0);
		return XDP_PASS;
	}
	/*
	 * Shorter than a base packet: a TWAMP-Light test packet, which the socket path answers (base-size
	 * reply) if its session accepts short packets, or counts as malformed.
	 */
	if (pkt.payload_len < STAMP_BASE_LENGTH) {
		reason = STAMP_C_SHORT;
		goto pass;
	}

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + STAMP_OFF_IP6;
	base = data + (pkt.payload & 0xffff);
	if ((void *)(ip6 + 1) > data_end || (void *)(base + STAMP_BASE_LENGTH) > data_end) {
		reason = STAMP_C_TRUNCATED;
		goto pass;
	}
	if (!bpf_map_lookup_elem(&refl_local, &ip6->daddr)) {
		reason = STAMP_C_NOT_LOCAL;
		goto pass;
	}

	__builtin_memcpy(full.reflector_addr, &ip6->daddr, 16);
	__builtin_memcpy(full.sender_addr, &ip6->saddr, 16);
	full.reflector_port = pkt.dport;
	full.sender_port = pkt.sport;
	full.ssid = ((__u32)base[14] << 8) | base[15];
	s = find_session(&full, *mask);
	if (!s) {
		reason = STAMP_C_NO_SESSION;
		goto pass;
	}
	if (s->flags & STAMP_RS_USER) {
		reason = STAMP_C_USER_SESSION;
		goto pass;
	}

	tlvs.flags_sum = 0;
	if (pkt.payload_len > STAMP_BASE_LENGTH && stamp_walk_tlvs(ctx, &pkt, &tlvs)) {
		reason = STAMP_C_TLV;
		goto pass;
	}

	sc = bpf_map_lookup_elem(&refl_scratch, &zero);
	cfg = bpf_map_lookup_elem(&refl_config, &zero);
	if (!sc || !cfg) {
		reason = STAMP_C_ERROR;
		goto pass;
	}
	if (stamp_verify_udp_csum(ctx, &pkt, sc->chunk, &request_sum)) {
		reason = STAMP_C_BAD_CHECKSUM;
		goto pass;
	}

	/* The route back: to the first hop of the return path, or straight to the sender. */
	n = s->segments;
	if (n > STAMP_MAX_SEGMENTS) {
		reason = STAMP_C_ERROR;
		goto pass;
	}
	srh_len = n ? 8 + 16 * n : 0;
	rep_hlen = ETH_HLEN + sizeof(struct ipv6hdr) + srh_len + sizeof(struct udphdr);
	if (rep_hlen > REPLY_HDR_MAX) {	/* cannot happen (n <= 32); states the bound */
		reason = STAMP_C_ERROR;
		goto pass;
	}

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + STAMP_OFF_IP6;
	if ((void *)(ip6 + 1) > data_end) {
		reason = STAMP_C_TRUNCATED;
		goto pass;
	}
	fib.family = AF_INET6;
	fib.l4_protocol = IPPROTO_UDP;
	fib.sport = bpf_htons(pkt.dport);
	fib.dport = bpf_htons(pkt.sport);
	fib.tot_len = (__u16)(rep_hlen - ETH_HLEN + pkt.payload_len);
	fib.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(fib.ipv6_src, &ip6->daddr, 16);
	if (n)
		__builtin_memcpy(fib.ipv6_dst, s->segment[0], 16);
	else
		__builtin_memcpy(fib.ipv6_dst, &ip6->saddr, 16);
	__builtin_memcpy(route_key.dst, fib.ipv6_dst, 16);
	__builtin_memcpy(route_key.src, fib.ipv6_src, 16);
	route_key.ifindex = fib.ifindex;
	route_key.tot_len = fib.tot_len;
	route = cfg->route_ttl_ns ? bpf_map_lookup_elem(&refl_routes, &route_key) : NULL;
	/* On the TAI clock, which can be stepped: a route that seems to expire later than a TTL from
	 * now was cached before the clock went back, and is looked up again. */
	if (route && route->expires_tai_ns > t2_tai && route->expires_tai_ns - t2_tai <= cfg->route_ttl_ns) {
		fib.ifindex = route->ifindex;
		__builtin_memcpy(fib.dmac, route->dmac, ETH_ALEN);
		__builtin_memcpy(fib.smac, route->smac, ETH_ALEN);
	} else {
		rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
		if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
			reason = rc == BPF_FIB_LKUP_RET_NO_NEIGH ? STAMP_C_NO_NEIGHBOUR : STAMP_C_NO_ROUTE;
			goto pass;
		}
		if (cfg->route_ttl_ns) {
			struct refl_route found = { .expires_tai_ns = t2_tai + cfg->route_ttl_ns, .ifindex = fib.ifindex };

			__builtin_memcpy(found.dmac, fib.dmac, ETH_ALEN);
			__builtin_memcpy(found.smac, fib.smac, ETH_ALEN);
			bpf_map_update_elem(&refl_routes, &route_key, &found, BPF_ANY);
		}
	}

	/* The reply's header block, in the scratch buffer: Ethernet, IPv6, SRH, UDP (checksum later). */
	hdr = sc->frame + SCRATCH_LEAD;
	__builtin_memcpy(hdr, fib.dmac, ETH_ALEN);
	__builtin_memcpy(hdr + ETH_ALEN, fib.smac, ETH_ALEN);
	*(__be16 *)(hdr + 12) = bpf_htons(ETH_P_IPV6);
	out = hdr + ETH_HLEN;
	/* Version 6, the request's DSCP (ECN cleared: it belongs to the forward path), flow label 0. */
	*(__be32 *)out = bpf_htonl(0x60000000 | ((__u32)(pkt.tclass & 0xfc) << 20));
	*(__be16 *)(out + 4) = bpf_htons((__u16)(srh_len + sizeof(struct udphdr) + pkt.payload_len));
	out[6] = n ? STAMP_NH_ROUTING : IPPROTO_UDP;
	out[7] = s->hop_limit;
	__builtin_memcpy(out + 8, &ip6->daddr, 16);
	/* Not from fib.ipv6_dst: the look-up replaced that with the next hop (a gateway). */
	if (n)
		__builtin_memcpy(out + 24, s->segment[0], 16);
	else
		__builtin_memcpy(out + 24, &ip6->saddr, 16);
	if (n) {
		__u8 *srh = out + 40;

		srh[0] = IPPROTO_UDP;
		srh[1] = (__u8)(2 * n);
		srh[2] = STAMP_ROUTING_SRH;
		srh[3] = (__u8)(n - 1);		/* Segments Left */
		srh[4] = (__u8)(n - 1);		/* Last Entry */
		srh[5] = 0;			/* Flags */
		*(__u16 *)(srh + 6) = 0;	/* Tag */
		/*
		 * Segment List[i] = path[n-1-i]; Segment List[0], the final destination, is the test
		 * packet's source, as the kernel makes it for the socket plane's sticky SRH.
		 */
		__builtin_memcpy(srh + 8, &ip6->saddr, 16);
		for (__u32 i = 1; i < STAMP_MAX_SEGMENTS; i++) {
			if (i >= n)
				break;
			__builtin_memcpy(srh + 8 + 16 * i, s->segment[(n - 1 - i) & (STAMP_MAX_SEGMENTS - 1)], 16);
		}
	}
	out = hdr + rep_hlen - sizeof(struct udphdr);
	((__be16 *)out)[0] = bpf_htons(pkt.dport);
	((__be16 *)out)[1] = bpf_htons(pkt.sport);
	((__be16 *)out)[2] = bpf_htons((__u16)(sizeof(struct udphdr) + pkt.payload_len));
	((__be16 *)out)[3] = 0;

	/*
	 * Answerable here: the source spends a packet's credit of the per-source limit, then the
	 * session of its own, or the packet is dropped, never answered; a packet over its source's
	 * limit spends none of its session's (the core's order). What the program passes up meets user
	 * space's buckets instead.
	 */
	source_limit = bpf_map_lookup_elem(&refl_source_limit, &zero);
	limit_word = source_limit ? *(volatile __u64 *)source_limit : 0; /* one load: never half a commit */
	__builtin_memcpy(&sources, &limit_word, sizeof(sources));
	if (sources.rate && !take_source_token(full.sender_addr, &sources)) {
		STAMP_COUNT(refl_stats, STAMP_C_SOURCE_LIMITED);
		counters = bpf_map_lookup_elem(&refl_counters, &s->slot);
		if (counters)
			__sync_fetch_and_add(&counters->source_limited, 1);
		return XDP_DROP;
	}
	if ((s->flags & STAMP_RS_LIMITED) && !take_token(s->slot)) {
		STAMP_COUNT(refl_stats, STAMP_C_RATE_LIMITED);
		return XDP_DROP;
	}

	/* The reply is certain now. Its header block replaces the request's (the payload stays put). */
	delta = (int)pkt.payload - (int)rep_hlen;
	if (bpf_xdp_adjust_head(ctx, delta)) {
		/* Not enough headroom for a long return path: the kernel path adds the SRH instead. */
		reason = STAMP_C_ERROR;
		goto pass;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	base = data + rep_hlen;
	if ((void *)(base + STAMP_BASE_LENGTH) > data_end)
		goto restore;

	sender_seq = bpf_ntohl(*(__be32 *)base);
	slot = s->slot;
	if (s->flags & STAMP_RS_STATEFUL) {
		struct stamp_flow_key fk;

		fk.slot = slot;
		fk.sender_port = pkt.sport;
		fk.ssid = (__u16)full.ssid;
		__builtin_memcpy(fk.sender_addr, full.sender_addr, 16);
		if (flow_take(&fk, &reflector_seq))
			goto restore;
	} else {
		reflector_seq = sender_seq;
	}

	/* The reply's base packet (StampLayout.reflectInPlace), T3 zero until the end. */
	utc = stamp_utc_ns(t2_tai, cfg->tai_offset_ns);
	ee = s->error_estimate;
	t2_wire = (s->flags & STAMP_RS_PTP) ? stamp_ptp(utc) : stamp_ntp(utc);
	out = hdr + rep_hlen;
	*(__be32 *)out = bpf_htonl((__u32)reflector_seq);
	*(__u64 *)(out + 4) = 0;
	*(__be16 *)(out + 12) = bpf_htons(ee);
	*(__u16 *)(out + 14) = *(__u16 *)(base + 14);		/* SSID, echoed */
	stamp_put_ts(out + 16, t2_wire);
	*(__u32 *)(out + 24) = *(__u32 *)base;			/* Session-Sender Sequence Number */
	*(__u32 *)(out + 28) = *(__u32 *)(base + 4);		/* Session-Sender Timestamp */
	*(__u32 *)(out + 32) = *(__u32 *)(base + 8);
	*(__u16 *)(out + 36) = *(__u16 *)(base + 12);		/* Session-Sender Error Estimate */
	*(__u16 *)(out + 38) = 0;
	*(__be32 *)(out + 40) = bpf_htonl((__u32)pkt.hop_limit << 24); /* Session-Sender TTL, MBZ */

	/*
	 * The reply's checksum from the request's: the pseudo-header and the UDP header hold the
	 * same words (addresses and ports swapped, Segment List[0] being the request's source), so
	 * the request's sum without its checksum field (~check) changes only by the base packet and
	 * the Extra Padding flags octets, which become zero.
	 */
	diff = bpf_csum_diff((__be32 *)base, STAMP_BASE_LENGTH, (__be32 *)out, STAMP_BASE_LENGTH,
			     request_sum);
	if (diff < 0)
		goto restore;
	sum = (__u64)diff;
	/* Minus the flags octets (one's complement: plus their complement; 0xffff when none is +0). */
	sum += 0xffff ^ stamp_csum_fold(tlvs.flags_sum);

	/*
	 * Drop trailing Ethernet padding: the reply is exactly header block + payload. From here on
	 * the frame is the reply's (a shrink cannot fail; neither can the store, which is in bounds).
	 */
	if (pkt.frame_len > pkt.ip_end)
		bpf_xdp_adjust_tail(ctx, -(int)(pkt.frame_len - pkt.ip_end));
	wlen = rep_hlen + STAMP_BASE_LENGTH;
	if (wlen > REPLY_HDR_MAX + STAMP_BASE_LENGTH || bpf_xdp_store_bytes(ctx, 0, hdr, wlen))
		return XDP_ABORTED;
	if (tlvs.flags_sum)
		clear_tlv_flags(ctx, rep_hlen);

	counters = bpf_map_lookup_elem(&refl_counters, &slot);
	if (counters) {
		__sync_fetch_and_add(&counters->reflected, 1);
		counters->last_sender_seq = sender_seq;
		counters->last_reflector_seq = (__u32)reflector_seq;
	}
	if (fib.ifindex == ctx->ingress_ifindex) {
		STAMP_COUNT(refl_stats, STAMP_C_TX);
		action = XDP_TX;
	} else {
		STAMP_COUNT(refl_stats, STAMP_C_REDIRECT);
		action = bpf_redirect(fib.ifindex, 0);
	}

	/* T3: the second clock reading, as late as the program can take it, then the checksum. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/* Everything through udp, whose offsets the verifier checks: the base packet starts at udp + 8. */
	wlen = rep_hlen - sizeof(struct udphdr);
	barrier_var(wlen);	/* keeps clang from deriving udp from an earlier base pointer */
	udp = data + wlen;
	if ((void *)(udp + sizeof(struct udphdr) + STAMP_BASE_LENGTH) > data_end)
		return XDP_ABORTED;	/* cannot happen: the frame holds header block and payload */
	utc = stamp_utc_ns(bpf_ktime_get_tai_ns(), cfg->tai_offset_ns);
	t3_wire = (s->flags & STAMP_RS_PTP) ? stamp_ptp(utc) : stamp_ntp(utc);
	stamp_put_ts(udp + 12, t3_wire);
	sum += *(__u32 *)(udp + 12);
	sum += *(__u32 *)(udp + 16);
	check = ~stamp_csum_fold(sum);
	*(__u16 *)(udp + 6) = check ? check : 0xffff;
	return action;

restore:
	/* The head moved but nothing was written yet: moving it back restores the frame exactly. */
	reason = STAMP_C_ERROR;
	bpf_xdp_adjust_head(ctx, -delta);
pass:
	STAMP_COUNT(refl_stats, reason);
	return XDP_PASS;
}

SEC("xdp")
int stamp_reflector(struct xdp_md *ctx)
{
	/* T2, the first thing the program does. */
	__u64 t2_tai = bpf_ktime_get_tai_ns();

	return reflect(ctx, t2_tai);
}

/*
 * User space's way to number a stateful flow (BPF_PROG_RUN with args as the context; the
 * kernel copies it back): delta +1 takes the next number into args->seq, creating the flow at
 * 0; delta -1 gives number args->seq back, which only succeeds while it is still the last one
 * taken, so that a number the XDP program took meanwhile is never handed out twice.
 */
SEC("syscall")
int stamp_flow_take(struct stamp_flow_take_args *args)
{
	struct stamp_flow_key key;
	__u64 *next, seq;

	__builtin_memcpy(&key, &args->key, sizeof(key));
	if (args->delta == 1) {
		if (flow_take(&key, &seq))
			return STAMP_FLOW_ERROR;
		args->seq = seq;
		return STAMP_FLOW_OK;
	}
	if (args->delta != -1)
		return STAMP_FLOW_ERROR;
	next = bpf_map_lookup_elem(&refl_flows, &key);
	seq = args->seq;
	if (!next)
		return STAMP_FLOW_STALE;
	return __sync_val_compare_and_swap(next, seq + 1, seq) == seq + 1 ? STAMP_FLOW_OK : STAMP_FLOW_STALE;
}

char LICENSE[] SEC("license") = "GPL";
