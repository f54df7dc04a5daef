package io.stampd.dataplane;

/**
 * Per reflector session: test packets received (matched to the session), reflected, and rejected
 * (matched but failing authentication or validation); last sequence numbers (-1 before the first);
 * of the reflected ones, those an in-kernel plane (XDP) answered itself; and those dropped, never
 * answered, over the session's rate limit. {@code rejected} is the count of HMAC failures (an
 * unverifiable packet is discarded unanswered, RFC 8762 §4.4).
 */
public record ReflectorCounters(long received, long reflected, long rejected, long lastSenderSeq,
                                long lastReflectorSeq, long inKernel, long rateLimited) {
    public static final ReflectorCounters ZERO = new ReflectorCounters(0, 0, 0, -1, -1, 0, 0);

    /** Counters of a session that was never rate limited. */
    public ReflectorCounters(long received, long reflected, long rejected, long lastSenderSeq, long lastReflectorSeq,
                             long inKernel) {
        this(received, reflected, rejected, lastSenderSeq, lastReflectorSeq, inKernel, 0);
    }
}
