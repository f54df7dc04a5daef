/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STAMP timestamps from the kernel's clocks, exactly as the Java codec makes them
 * (io.stampd.dataplane.codec.Timestamps): the programs read CLOCK_TAI
 * (bpf_ktime_get_tai_ns), user space tells them the kernel's TAI - UTC offset
 * (struct stamp_xdp_config.tai_offset_ns), and both wire formats start from UTC.
 */
#ifndef STAMP_TIME_H
#define STAMP_TIME_H

#include <linux/types.h>
#include <bpf/bpf_endian.h>

#define STAMP_NSEC_PER_SEC 1000000000ULL
/* Seconds from the NTP epoch (1900-01-01) to the Unix epoch (Timestamps.NTP_UNIX_OFFSET_S). */
#define STAMP_NTP_UNIX_OFFSET 2208988800ULL
/* TAI - UTC the PTP format assumes (Timestamps.TAI_UTC_OFFSET_S), whatever the kernel's offset. */
#define STAMP_PTP_TAI_UTC 37ULL

/* CLOCK_TAI nanoseconds to UTC nanoseconds since the Unix epoch. */
static __always_inline __u64 stamp_utc_ns(__u64 tai_ns, __s64 tai_offset_ns)
{
	return tai_ns - (__u64)tai_offset_ns;
}

/*
 * NTP 64-bit: seconds since 1900 (mod 2^32, the era wraps) and the fraction in units of
 * 2^-32 s rounded to nearest, the rounding carrying into the seconds (Timestamps.toNtp).
 * ns << 32 < 10^9 * 2^32 < 2^62, so nothing overflows.
 */
static __always_inline __u64 stamp_ntp(__u64 utc_ns)
{
	__u64 sec = utc_ns / STAMP_NSEC_PER_SEC;
	__u64 ns = utc_ns - sec * STAMP_NSEC_PER_SEC;
	__u64 frac = ((ns << 32) + STAMP_NSEC_PER_SEC / 2) / STAMP_NSEC_PER_SEC;

	sec += STAMP_NTP_UNIX_OFFSET;
	if (frac >> 32) {
		frac = 0;
		sec++;
	}
	return (sec << 32) | frac;
}

/* PTPv2 truncated: TAI seconds (UTC + 37, mod 2^32) and nanoseconds (Timestamps.toPtp). */
static __always_inline __u64 stamp_ptp(__u64 utc_ns)
{
	__u64 sec = utc_ns / STAMP_NSEC_PER_SEC;
	__u64 ns = utc_ns - sec * STAMP_NSEC_PER_SEC;

	return ((sec + STAMP_PTP_TAI_UTC) << 32) | ns;
}

/* Writes a 64-bit wire value (host order in) at p in network order, as two 32-bit words. */
static __always_inline void stamp_put_ts(void *p, __u64 wire)
{
	((__be32 *)p)[0] = bpf_htonl((__u32)(wire >> 32));
	((__be32 *)p)[1] = bpf_htonl((__u32)wire);
}

#endif /* STAMP_TIME_H */
