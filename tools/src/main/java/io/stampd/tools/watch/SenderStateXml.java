package io.stampd.tools.watch;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the sender sessions out of a {@code <get>} reply of the agent
 * ({@code stamp-state/stamp-session-sender-state/test-session-state}, yang/stampd-stamp.yang):
 * the newest record gives the latest delays; without records the current-stats averages do.
 */
public final class SenderStateXml {
    public static final String STAMP_NS = "urn:stampd:yang:stampd-stamp";
    /** The subtree filter of the one {@code <get>} per refresh: only the sender sessions' state. */
    public static final String FILTER = "<filter type=\"subtree\"><stamp-state xmlns=\"" + STAMP_NS + "\">"
            + "<stamp-session-sender-state/></stamp-state></filter>";

    private SenderStateXml() {
    }

    public static List<SessionSample> parse(Document reply) {
        List<SessionSample> sessions = new ArrayList<>();
        var states = reply.getElementsByTagNameNS(STAMP_NS, "stamp-session-sender-state");
        for (int i = 0; i < states.getLength(); i++) {
            for (Element s : children(states.item(i), "test-session-state")) {
                sessions.add(session(s));
            }
        }
        sessions.sort(java.util.Comparator.comparingLong(SessionSample::id));
        return sessions;
    }

    private static SessionSample session(Element s) {
        long id = Long.parseLong(require(s, "session-index"));
        Element stats = child(s, "current-stats");
        String peer = "-";
        Long fwd = null;
        Long bwd = null;
        Long rtt = null;
        Double loss = null;
        if (stats != null) {
            String ip = text(stats, "session-reflector-ip");
            String port = text(stats, "session-reflector-udp-port");
            if (ip != null) {
                peer = port == null ? ip : (ip.indexOf(':') >= 0 ? "[" + ip + "]:" : ip + ":") + port;
            }
            fwd = average(stats, "one-way-delay-far-end");
            bwd = average(stats, "one-way-delay-near-end");
            rtt = average(stats, "two-way-delay");
            Element twoWayLoss = child(stats, "two-way-loss");
            String ratio = twoWayLoss == null ? null : text(twoWayLoss, "loss-ratio");
            loss = ratio == null ? null : Double.valueOf(ratio);
        }
        List<DelayPoint> points = new ArrayList<>();
        Element records = child(s, "records");
        if (records != null) {
            for (Element r : children(records, "record")) {
                DelayPoint p = point(r);
                if (p != null) {
                    points.add(p);
                }
            }
        }
        points.sort(java.util.Comparator.comparingLong(DelayPoint::t1Nanos));
        if (!points.isEmpty()) {
            DelayPoint newest = points.getLast();
            fwd = newest.forwardNanos();
            bwd = newest.backwardNanos();
            rtt = newest.roundTripNanos();
        }
        String state = text(s, "sender-session-state");
        return new SessionSample(id, peer, state == null ? "-" : state, fwd, bwd, rtt, loss, text(s, "liveness"),
                points);
    }

    /**
     * Every measurement record anywhere in a reply: those of a {@code fetch-records} output or of the
     * sender state of a {@code <get>}, in document order.
     */
    public static List<DelayPoint> records(Document reply) {
        List<DelayPoint> points = new ArrayList<>();
        var records = reply.getElementsByTagNameNS(STAMP_NS, "record");
        for (int i = 0; i < records.getLength(); i++) {
            DelayPoint p = point((Element) records.item(i));
            if (p != null) {
                points.add(p);
            }
        }
        return points;
    }

    /** A record with all four timestamps, or null for one the agent left incomplete. */
    private static DelayPoint point(Element r) {
        String seq = text(r, "sequence-number");
        String t1 = text(r, "t1");
        String t4 = text(r, "t4");
        String fwd = text(r, "one-way-delay-far-end");
        String bwd = text(r, "one-way-delay-near-end");
        String rtt = text(r, "two-way-delay");
        if (seq == null || t1 == null || t4 == null || fwd == null || bwd == null || rtt == null) {
            return null;
        }
        return new DelayPoint(Long.parseLong(seq), Long.parseUnsignedLong(t1), Long.parseUnsignedLong(t4),
                Long.parseLong(fwd), Long.parseLong(bwd), Long.parseLong(rtt));
    }

    /** current-stats' {@code <container>/delay/avg}, or null before the first reply. */
    private static Long average(Element stats, String container) {
        Element c = child(stats, container);
        Element delay = c == null ? null : child(c, "delay");
        String avg = delay == null ? null : text(delay, "avg");
        return avg == null ? null : Long.valueOf(avg);
    }

    private static String require(Element parent, String name) {
        String v = text(parent, name);
        if (v == null) {
            throw new IllegalArgumentException("test-session-state without " + name);
        }
        return v;
    }

    private static String text(Element parent, String name) {
        return NetconfSshClient.text(parent, STAMP_NS, name);
    }

    private static Element child(Node parent, String name) {
        List<Element> l = children(parent, name);
        return l.isEmpty() ? null : l.getFirst();
    }

    private static List<Element> children(Node parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && name.equals(e.getLocalName()) && STAMP_NS.equals(e.getNamespaceURI())) {
                out.add(e);
            }
        }
        return out;
    }
}
