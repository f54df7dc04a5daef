package io.stampd.dataplane;

/**
 * Packets that no session could take: {@code unmatched} (no provisioned session: discarded, RFC
 * 8972 §3), {@code malformed} (too short, truncated, invalid fields), plus send errors and internal
 * failures of the I/O loop (which survives them), and how often a packet came without a kernel
 * receive timestamp so that T2/T4 had to be read in user space (less exact). Of the replies to
 * Session-Senders, {@code kernelTxTimestamps} had the kernel's transmit time of their test packet
 * as T1, {@code userSpaceTxTimestamps} the clock reading taken before the system call (less exact:
 * no transmit timestamp came, or the kernel cannot key them to packets). {@code sourceRateLimited}:
 * test packets of a session dropped unanswered because their source address was over the node's
 * per-source rate limit.
 */
public record DataPlaneCounters(long unmatched, long malformed, long sendErrors, long internalErrors,
                                long userSpaceRxTimestamps, long kernelTxTimestamps, long userSpaceTxTimestamps,
                                long sourceRateLimited) {

    /** Counters of a node without a per-source rate limit. */
    public DataPlaneCounters(long unmatched, long malformed, long sendErrors, long internalErrors,
                             long userSpaceRxTimestamps, long kernelTxTimestamps, long userSpaceTxTimestamps) {
        this(unmatched, malformed, sendErrors, internalErrors, userSpaceRxTimestamps, kernelTxTimestamps,
                userSpaceTxTimestamps, 0);
    }

    /** These counters less {@code zero} (the reading at the last clear). */
    public DataPlaneCounters since(DataPlaneCounters zero) {
        return new DataPlaneCounters(unmatched - zero.unmatched, malformed - zero.malformed,
                sendErrors - zero.sendErrors, internalErrors - zero.internalErrors,
                userSpaceRxTimestamps - zero.userSpaceRxTimestamps, kernelTxTimestamps - zero.kernelTxTimestamps,
                userSpaceTxTimestamps - zero.userSpaceTxTimestamps, sourceRateLimited - zero.sourceRateLimited);
    }
}
