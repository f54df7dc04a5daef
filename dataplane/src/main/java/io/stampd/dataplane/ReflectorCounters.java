package io.stampd.dataplane;

/**
 * Per reflector session: test packets received (matched to the session), reflected, and rejected
 * (matched but failing authentication or validation); last sequence numbers (-1 before the first);
 * of the reflected ones, those an in-kernel plane (XDP) answered itself.
 */
public record ReflectorCounters(long received, long reflected, long rejected, long lastSenderSeq,
                                long lastReflectorSeq, long inKernel) {
    public static final ReflectorCounters ZERO = new ReflectorCounters(0, 0, 0, -1, -1, 0);
}
