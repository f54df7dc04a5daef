package io.stampd.dataplane.session;

/**
 * What a reflector session lets a Class of Service TLV ask of its replies (RFC 8972 §4.4 and
 * draft-ietf-ippm-stamp-cos-ecn): the DSCP the sender asks for (DSCP1; refused, the reply keeps
 * the request's DSCP and says RPD=1) and the ECN it asks for (EC1; refused, the reply is Not-ECT
 * and says RPE=0b10). An operator refuses them where test replies must not claim another traffic
 * class or signal ECN capability on the reverse path.
 */
public record ClassOfServicePolicy(boolean replyDscpAllowed, boolean replyEcnAllowed) {
    /** Both allowed: the default, what a reflector without a policy does. */
    public static final ClassOfServicePolicy ALLOW_ALL = new ClassOfServicePolicy(true, true);

    @Override
    public String toString() {
        return "reply DSCP " + (replyDscpAllowed ? "allowed" : "refused") + ", reply ECN "
                + (replyEcnAllowed ? "allowed" : "refused");
    }
}
