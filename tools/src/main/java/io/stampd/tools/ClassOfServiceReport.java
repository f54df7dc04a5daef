package io.stampd.tools;

import io.stampd.dataplane.session.ClassOfServiceSummary;
import io.stampd.dataplane.session.Ecn;
import io.stampd.dataplane.session.SenderSessionConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The probe's words for what the Class of Service TLVs of its replies showed. */
final class ClassOfServiceReport {
    private ClassOfServiceReport() {
    }

    static Map<String, Object> json(ClassOfServiceSummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replies", s.replies());
        m.put("forward_dscp_changed", s.forwardDscpChanged());
        m.put("forward_ecn_changed", s.forwardEcnChanged());
        m.put("forward_congestion_marked", s.forwardCongestionMarked());
        m.put("reply_dscp_refused", s.replyDscpRefused());
        m.put("reply_ecn_refused", s.replyEcnRefused());
        m.put("reply_ecn_not_supported", s.replyEcnNotSupported());
        m.put("backward_dscp_changed", s.backwardDscpChanged());
        m.put("backward_ecn_changed", s.backwardEcnChanged());
        m.put("backward_congestion_marked", s.backwardCongestionMarked());
        if (s.lastDscp2() >= 0) {
            m.put("last_forward_dscp", s.lastDscp2());
            m.put("last_forward_ecn", Ecn.name(s.lastEcn2()));
        }
        if (s.lastReplyTrafficClass() >= 0) {
            m.put("last_reply_dscp", s.lastReplyTrafficClass() >>> 2);
            m.put("last_reply_ecn", Ecn.name(s.lastReplyTrafficClass()));
        }
        return m;
    }

    /** One paragraph: what was sent and asked, what arrived each way, what the reflector refused. */
    static String text(SenderSessionConfig c, ClassOfServiceSummary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "class of service: sent DSCP %d %s, asked DSCP %d %s for the replies;"
                        + " %d replies carried the TLV", c.dscp(), Ecn.name(c.ecn()), c.classOfService().replyDscp(),
                Ecn.name(c.classOfService().replyEcn()), s.replies()));
        if (s.lastDscp2() >= 0) {
            b.append(String.format(Locale.ROOT, "%n  forward: arrived as DSCP %d %s; DSCP changed in %d, ECN in %d"
                            + " (%d congestion marks)", s.lastDscp2(), Ecn.name(s.lastEcn2()), s.forwardDscpChanged(),
                    s.forwardEcnChanged(), s.forwardCongestionMarked()));
        }
        if (s.replyDscpRefused() + s.replyEcnRefused() + s.replyEcnNotSupported() > 0) {
            b.append(String.format(Locale.ROOT, "%n  reflector: refused the DSCP in %d replies, the ECN in %d;"
                            + " %d replies from a reflector without the ECN fields", s.replyDscpRefused(),
                    s.replyEcnRefused(), s.replyEcnNotSupported()));
        }
        if (s.lastReplyTrafficClass() >= 0) {
            b.append(String.format(Locale.ROOT, "%n  backward: arrived as DSCP %d %s; DSCP changed in %d, ECN in %d"
                            + " (%d congestion marks)", s.lastReplyTrafficClass() >>> 2,
                    Ecn.name(s.lastReplyTrafficClass()), s.backwardDscpChanged(), s.backwardEcnChanged(),
                    s.backwardCongestionMarked()));
        }
        return b.toString();
    }
}
