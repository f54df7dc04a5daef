package io.stampd.dataplane.session;

/**
 * What a sender session's Class of Service TLV asks of the reflector (RFC 8972 §4.4 and
 * draft-ietf-ippm-stamp-cos-ecn): the DSCP (DSCP1) and the ECN (EC1) for its replies. The TLV
 * brings back the DSCP and ECN the test packet arrived with (DSCP2, ECN2), so that a sender sees
 * re-marking and congestion marks on the forward path, and the reply's own traffic class shows
 * them on the backward path.
 */
public record ClassOfServiceRequest(int replyDscp, int replyEcn) {
    /** Octets of the TLV (header and 4-octet value). */
    public static final int TLV_LENGTH = 8;

    public ClassOfServiceRequest {
        if (replyDscp < 0 || replyDscp > 63) {
            throw new IllegalArgumentException("reply DSCP " + replyDscp + " is outside 0..63");
        }
        if (replyEcn < 0 || replyEcn > 3) {
            throw new IllegalArgumentException("reply ECN " + replyEcn + " is outside 0..3");
        }
    }

    @Override
    public String toString() {
        return "class of service: reply DSCP " + replyDscp + ", ECN " + Ecn.name(replyEcn);
    }
}
