package io.stampd.dataplane.session;

/**
 * How a reflector session sets the Traffic Class of its replies. Without a Class of Service TLV
 * the reply carries {@code replyDscp}, or the request's DSCP where that is {@link #COPY_RECEIVED},
 * and Not-ECT (the request's ECN belongs to the forward path). A Class of Service TLV (RFC 8972
 * §4.4, draft-ietf-ippm-stamp-cos-ecn) may ask for another DSCP (DSCP1; refused, the reply keeps
 * the DSCP above and says RPD=1) and an ECN (EC1; refused, the reply stays Not-ECT and says
 * RPE=0b10). An operator refuses them where test replies must not claim another traffic class or
 * signal ECN capability on the reverse path.
 */
public record ClassOfServicePolicy(int replyDscp, boolean dscp1Allowed, boolean ecn1Allowed) {
    /** {@link #replyDscp}: the reply carries the DSCP the request arrived with. */
    public static final int COPY_RECEIVED = -1;
    /** The default: the request's DSCP, and whatever a Class of Service TLV asks for. */
    public static final ClassOfServicePolicy DEFAULT = new ClassOfServicePolicy(COPY_RECEIVED, true, true);

    public ClassOfServicePolicy {
        if (replyDscp < COPY_RECEIVED || replyDscp > 63) {
            throw new IllegalArgumentException("reply DSCP " + replyDscp + " is outside 0..63");
        }
    }

    @Override
    public String toString() {
        return "reply DSCP " + (replyDscp == COPY_RECEIVED ? "as received" : String.valueOf(replyDscp))
                + ", Class of Service DSCP1 " + (dscp1Allowed ? "allowed" : "refused") + ", EC1 "
                + (ecn1Allowed ? "allowed" : "refused");
    }
}
