package io.stampd.dataplane;

/**
 * Packets that no session could take: {@code unmatched} (no provisioned session: discarded, RFC
 * 8972 §3), {@code malformed} (too short, truncated, invalid fields), plus send errors and internal
 * failures of the I/O loop (which survives them).
 */
public record DataPlaneCounters(long unmatched, long malformed, long sendErrors, long internalErrors) {
}
