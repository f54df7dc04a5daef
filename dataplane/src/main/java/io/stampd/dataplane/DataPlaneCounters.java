package io.stampd.dataplane;

/**
 * Packets that no session could take: {@code unmatched} (no provisioned session: discarded, RFC
 * 8972 §3), {@code malformed} (too short, truncated, invalid fields), plus send errors and internal
 * failures of the I/O loop (which survives them), and how often a packet came without a kernel
 * receive timestamp so that T2/T4 had to be read in user space (less exact).
 */
public record DataPlaneCounters(long unmatched, long malformed, long sendErrors, long internalErrors,
                                long userSpaceRxTimestamps) {
}
