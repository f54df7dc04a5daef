package io.stampd.dataplane.session;

/**
 * A consistent view of a sender session's Class of Service results (see {@code
 * ClassOfServiceResults}). Counts are of replies carrying the Class of Service TLV; the last-seen
 * values are -1 before the first such reply, {@code lastReplyTrafficClass} also when the plane
 * did not read the reply's Traffic Class.
 *
 * @param replies                  replies that carried the TLV
 * @param forwardDscpChanged       DSCP2 differed from the DSCP sent
 * @param forwardEcnChanged        ECN2 differed from the ECN sent
 * @param forwardCongestionMarked  ECN2 was CE where the test packet left ECN-capable
 * @param replyDscpRefused         RPD = 1: the reflector's policy did not allow DSCP1
 * @param replyEcnRefused          RPE = 0b10: the reflector did not set EC1 (the reply was Not-ECT)
 * @param replyEcnNotSupported     RPE = 0b00: the reflector knows only RFC 8972's fields
 * @param backwardDscpChanged      the reply arrived with another DSCP than the DSCP1 it was sent with
 * @param backwardEcnChanged       the reply arrived with another ECN than the EC1 it was sent with
 * @param backwardCongestionMarked the reply arrived CE where EC1 was ECN-capable
 */
public record ClassOfServiceSummary(long replies, long forwardDscpChanged, long forwardEcnChanged,
                                    long forwardCongestionMarked, long replyDscpRefused, long replyEcnRefused,
                                    long replyEcnNotSupported, long backwardDscpChanged, long backwardEcnChanged,
                                    long backwardCongestionMarked, int lastDscp2, int lastEcn2,
                                    int lastReplyTrafficClass) {
}
