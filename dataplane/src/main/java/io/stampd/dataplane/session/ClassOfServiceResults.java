package io.stampd.dataplane.session;

import io.stampd.dataplane.codec.ClassOfServiceTlv;

/**
 * What the Class of Service TLVs of a sender session's replies showed (RFC 8972 §4.4,
 * draft-ietf-ippm-stamp-cos-ecn): whether the forward path re-marked the test packets' DSCP or
 * ECN (DSCP2 and ECN2 against what was sent; a congestion mark is ECN2 = CE where the packet
 * left ECN-capable), whether the reflector honoured the reply DSCP and ECN asked for (RPD, RPE),
 * and whether the backward path re-marked the reply (its Traffic Class as it arrived against what
 * the reflector said it set). Fed by {@link SenderStatistics} under its lock; allocation-free.
 */
final class ClassOfServiceResults {
    private final int sentDscp;
    private final int sentEcn;
    private final ClassOfServiceRequest request;
    private long replies;
    private long forwardDscpChanged;
    private long forwardEcnChanged;
    private long forwardCongestionMarked;
    private long replyDscpRefused;
    private long replyEcnRefused;
    private long replyEcnNotSupported;
    private long backwardDscpChanged;
    private long backwardEcnChanged;
    private long backwardCongestionMarked;
    private int lastDscp2 = -1;
    private int lastEcn2 = -1;
    private int lastReplyTrafficClass = -1;

    ClassOfServiceResults(int sentDscp, int sentEcn, ClassOfServiceRequest request) {
        this.sentDscp = sentDscp;
        this.sentEcn = sentEcn;
        this.request = request;
    }

    void onReply(int dscp2, int ecn2, int rpd, int rpe, int replyTrafficClass) {
        replies++;
        lastDscp2 = dscp2;
        lastEcn2 = ecn2;
        lastReplyTrafficClass = replyTrafficClass;
        if (dscp2 != sentDscp) {
            forwardDscpChanged++;
        }
        if (ecn2 != sentEcn) {
            forwardEcnChanged++;
            if (ecn2 == ClassOfServiceTlv.CE && sentEcn != ClassOfServiceTlv.NOT_ECT) {
                forwardCongestionMarked++;
            }
        }
        if (rpd == ClassOfServiceTlv.RP_DSCP1_REFUSED) {
            replyDscpRefused++;
        }
        if (rpe == ClassOfServiceTlv.RPE_EC1_REFUSED) {
            replyEcnRefused++;
        } else if (rpe == ClassOfServiceTlv.RPE_NOT_SUPPORTED) {
            replyEcnNotSupported++;
        }
        if (replyTrafficClass < 0 || request == null) {
            return;
        }
        // The backward path is judged against what the reflector says it set: DSCP1 unless refused,
        // EC1 only where it says so (RPE 0b11); a reflector that does not know EC1 sets Not-ECT or
        // anything, so its reply ECN says nothing.
        if (rpd == ClassOfServiceTlv.RP_DSCP1_USED && replyTrafficClass >>> 2 != request.replyDscp()) {
            backwardDscpChanged++;
        }
        int replyEcn = replyTrafficClass & 0x3;
        if (rpe == ClassOfServiceTlv.RPE_EC1_USED && replyEcn != request.replyEcn()) {
            backwardEcnChanged++;
            if (replyEcn == ClassOfServiceTlv.CE && request.replyEcn() != ClassOfServiceTlv.NOT_ECT) {
                backwardCongestionMarked++;
            }
        }
    }

    void clear() {
        replies = forwardDscpChanged = forwardEcnChanged = forwardCongestionMarked = 0;
        replyDscpRefused = replyEcnRefused = replyEcnNotSupported = 0;
        backwardDscpChanged = backwardEcnChanged = backwardCongestionMarked = 0;
        lastDscp2 = lastEcn2 = lastReplyTrafficClass = -1;
    }

    ClassOfServiceSummary summary() {
        return new ClassOfServiceSummary(replies, forwardDscpChanged, forwardEcnChanged, forwardCongestionMarked,
                replyDscpRefused, replyEcnRefused, replyEcnNotSupported, backwardDscpChanged, backwardEcnChanged,
                backwardCongestionMarked, lastDscp2, lastEcn2, lastReplyTrafficClass);
    }
}
