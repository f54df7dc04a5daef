package io.stampd.dataplane;

/**
 * Per reflector session: test packets received (matched to the session), reflected, and rejected
 * (matched but failing authentication or validation); last sequence numbers (-1 before the first).
 */
public record ReflectorCounters(long received, long reflected, long rejected, long lastSenderSeq,
                                long lastReflectorSeq) {
}
