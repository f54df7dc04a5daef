package io.stampd.dataplane.session;

/**
 * What a data plane reports about a sender session, on its I/O thread. Primitive arguments: the
 * per-packet path allocates nothing.
 */
public interface SenderListener {
    /** Ignores everything: for sessions whose results nobody reads (the data plane's warm-up, tests). */
    SenderListener IGNORE = new SenderListener() {
        @Override
        public void onSent(long seq, long t1, long monoNanos) {
        }

        @Override
        public void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                            long monoNanos) {
        }

        @Override
        public void onRejected(String reason) {
        }

        @Override
        public void onMalformed(String reason) {
        }
    };

    /** A test packet left with sequence number {@code seq}; T1 in Unix ns, {@code monoNanos} from System.nanoTime. */
    void onSent(long seq, long t1, long monoNanos);

    /** A valid reply for this session arrived. Sequence numbers are unsigned 32-bit values. */
    void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                 long monoNanos);

    /**
     * A valid reply carried Follow-Up Telemetry (RFC 8972 §4.7): the reflector's reply numbered
     * {@code reflectorSeq} (32 bits) left at {@code transmitNanos} (Unix ns), more exactly than
     * the T3 it carried. Called before onReply of the reply that brought it.
     */
    default void onFollowUp(long reflectorSeq, long transmitNanos) {
    }

    /**
     * A valid reply carried the session's Class of Service TLV (RFC 8972 §4.4,
     * draft-ietf-ippm-stamp-cos-ecn): the DSCP and ECN the test packet reached the reflector with,
     * its RPD and RPE answers, and the Traffic Class the reply arrived with (-1 if the plane did
     * not read it). Called after onReply of that reply.
     */
    default void onClassOfService(int dscp2, int ecn2, int rpd, int rpe, int replyTrafficClass) {
    }

    /** A reply that names this session failed verification (bad HMAC) and was dropped. */
    void onRejected(String reason);

    /**
     * The TLVs of a valid reply carried flags set by the reflector (RFC 8972 §4): a TLV it did
     * not understand (U), found malformed (M) or could not verify (I). Called before onReply.
     */
    default void onReplyTlvFlags(boolean unrecognized, boolean malformed, boolean integrityFailed) {
    }

    /** A reply that names this session could not be parsed (too short, invalid timestamp) and was dropped. */
    void onMalformed(String reason);
}
