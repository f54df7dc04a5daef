package io.stampd.tools;

import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.reflectorSession;
import static io.stampd.tools.NetconfAgentNetnsTest.senderSession;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.tools.NetconfClient.Xml;
import io.stampd.tools.testing.TestEnv;
import io.stampd.tools.testing.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurement intervals end to end: real agents in the test bed's namespaces, configured, read
 * and subscribed to over NETCONF, while the delay line steps from 1 ms to 5 ms.
 */
@Tag("netns")
class IntervalHistoryNetnsTest {
    private static final long MS = 1_000_000L;
    private static final int INTERVAL_SECONDS = 3;
    private static final String HISTORY = "//s:stamp-state/s:stamp-session-sender-state/s:test-session-state"
            + "[s:session-index=1]/s:history-stats";

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        TestEnv.requireNetns(TestEnv.DELAY_LINE_OBJECT);
        NetconfClient.requireNcclient();
    }

    /**
     * Intervals of 3 s, 20 ms packets (the delay line spins a CPU for each packet's delay), bins from 0, 3 and 10 ms, and a periodic bound of 3 ms on
     * the interval's 90th percentile of the round trip (third-percentile 90: a few late packets
     * at 1 ms do not cross it, a tenth of an interval at 5 ms does). Two intervals at 1 ms, then the
     * line steps to 5 ms: the interval of the step (or, if it came in its last tenth, the next one)
     * crosses the bound, notified when it closes, within one interval and its close delay of the
     * step. The history shows ~1 ms before and ~5 ms after, and the round trips moving to the 3 ms bin.
     */
    @Test
    void theIntervalsBinsAndPeriodicThresholdShowAStepOfTheDelay() throws Exception {
        try (Testbed tb = Testbed.up(1000, 0);
             AgentInNamespace reflector = AgentInNamespace.start(tb, tb.reflectorNs(), dir.resolve("reflector"));
             AgentInNamespace sender = AgentInNamespace.start(tb, tb.senderNs(), dir.resolve("sender"))) {
            reflector.awaitListening(Duration.ofSeconds(60));
            sender.awaitListening(Duration.ofSeconds(60));
            reflector.client().commitOk(config(reflectorSession(tb)));
            NetconfClient snd = sender.client();
            NetconfClient.Subscription sub = snd.subscribe(Duration.ofSeconds(90));
            snd.commitOk(config(senderSession(tb, 1, 20, "<measurement-interval>" + INTERVAL_SECONDS
                    + "</measurement-interval><history-size>8</history-size><record-capacity>2048</record-capacity>"
                    + "<delay-bin-edge>0</delay-bin-edge><delay-bin-edge>3000</delay-bin-edge>"
                    + "<delay-bin-edge>10000</delay-bin-edge><third-percentile>90</third-percentile>"
                    + "<thresholds><delay-threshold><metric>two-way-delay</metric>"
                    + "<statistic>high-percentile</statistic><kind>periodic</kind><raise>3000000</raise>"
                    + "</delay-threshold></thresholds>")));
            List<String> seen = new ArrayList<>();
            String closed = null;
            for (int i = 0; i < 2; i++) {
                closed = sub.await("measurement-interval-closed", Duration.ofSeconds(INTERVAL_SECONDS + 3), seen);
                assertNotNull(closed, "no measurement-interval-closed; seen: " + seen);
            }
            assertTrue(closed.contains("<bin>") && closed.contains("<lower-bound>3000</lower-bound>"), closed);
            assertTrue(seen.stream().noneMatch(n -> n.contains("threshold-crossed")), "crossed at 1 ms: " + seen);
            long beforeStep = number(closed, "interval-number");

            long setStart = System.nanoTime();
            tb.set(5000, 0); // a process of its own: the step comes somewhere within this call
            long step = System.nanoTime();
            System.out.println("interval " + beforeStep + " closed; the line stepped within the next "
                    + (step - setStart) / MS + " ms");
            String crossed = sub.await("threshold-crossed", Duration.ofSeconds(INTERVAL_SECONDS + 3), seen);
            assertNotNull(crossed, "no threshold-crossed after the step; seen: " + seen);
            System.out.println("threshold-crossed " + (System.nanoTime() - step) / MS + " ms after the line's"
                    + " change returned: " + crossed);
            // When the step came: after the last round trip at or below 3 ms among the records (40 s of
            // them; an early one above 3 ms, say the first packet's, is no step).
            Xml records = snd.rpc("<fetch-records xmlns=\"" + NetconfClient.STAMP_NS + "\"><stamp-session-id>1"
                    + "</stamp-session-id></fetch-records>");
            long stepT1 = records.number("(//s:record[s:two-way-delay <= 3000000])[last()]/s:t1");
            long crossedAt = java.time.Instant.parse(crossed.replaceAll(".*<eventTime>([^<]+)</eventTime>.*", "$1"))
                    .toEpochMilli();
            long sinceStep = crossedAt - stepT1 / MS;
            System.out.println("threshold-crossed " + sinceStep + " ms after the last 1 ms round trip was sent");
            // One interval, its close delay (at most 1 s) and, if the step came in the last tenth of
            // an interval (too few 5 ms round trips for its 90th percentile), that tenth.
            assertTrue(sinceStep > 0 && sinceStep <= INTERVAL_SECONDS * 1000 + 1000 + INTERVAL_SECONDS * 100,
                    "threshold-crossed " + sinceStep + " ms after the step");
            assertTrue(crossed.contains("<kind>periodic</kind>"), crossed);
            assertTrue(crossed.contains("<metric>two-way-delay</metric>"), crossed);
            long crossedInterval = number(crossed, "interval-number");
            assertTrue(crossedInterval == beforeStep + 1 || crossedInterval == beforeStep + 2,
                    crossed + "\nseen: " + seen);
            assertTrue(number(crossed, "delay") > 3 * MS, crossed);

            // The interval after the crossed one saw 5 ms all along.
            long full = crossedInterval + 1;
            String later = null;
            while (later == null || number(later, "interval-number") < full) {
                later = sub.await("measurement-interval-closed", Duration.ofSeconds(INTERVAL_SECONDS + 3), seen);
                assertNotNull(later, "no measurement-interval-closed after the step; seen: " + seen);
            }
            sub.process().destroy();

            Xml state = snd.get();
            String beforePath = HISTORY + "[s:session-index=" + beforeStep + "]";
            String fullPath = HISTORY + "[s:session-index=" + full + "]";
            for (String interval : List.of(beforePath, fullPath)) {
                System.out.println(interval + ": sent " + state.string(interval + "/s:sent-packets") + ", received "
                        + state.string(interval + "/s:rcv-packets") + ", lost "
                        + state.string(interval + "/s:two-way-loss/s:loss-count") + ", round trip avg "
                        + state.string(interval + "/s:two-way-delay/s:delay/s:avg") + " ns, bins "
                        + state.nodes(interval + "/s:bin/s:two-way-delay-count").stream()
                        .map(n -> n.getTextContent().strip()).toList());
            }
            long avgBefore = state.number(beforePath + "/s:two-way-delay/s:delay/s:avg");
            long avgAfter = state.number(fullPath + "/s:two-way-delay/s:delay/s:avg");
            assertTrue(avgBefore > 900_000 && avgBefore < 2_500_000, "avg before the step " + avgBefore);
            assertTrue(avgAfter > 4_900_000 && avgAfter < 6_500_000, "avg after the step " + avgAfter);
            for (String interval : List.of(beforePath, fullPath)) {
                long received = state.number(interval + "/s:rcv-packets");
                long sent = state.number(interval + "/s:sent-packets");
                assertTrue(sent >= 100 && received >= sent * 9 / 10, interval + ": " + received + " of " + sent);
            }
            long low = binCount(state, beforePath, 0);
            long high = binCount(state, fullPath, 3000);
            assertTrue(low >= state.number(beforePath + "/s:rcv-packets") * 9 / 10, "1 ms in bin 0: " + low);
            assertTrue(binCount(state, beforePath, 3000) < low / 10, "few round trips above 3 ms before the step");
            assertTrue(high >= state.number(fullPath + "/s:rcv-packets") * 9 / 10, "5 ms in bin 3000: " + high);
        }
    }

    private static long binCount(Xml state, String interval, long lowerBoundMicros) {
        return state.number(interval + "/s:bin[s:lower-bound=" + lowerBoundMicros + "]/s:two-way-delay-count");
    }

    /** The number in the first {@code <leaf>} of a notification line. */
    private static long number(String notification, String leaf) {
        var m = java.util.regex.Pattern.compile("<" + leaf + ">(\\d+)</" + leaf + ">").matcher(notification);
        assertTrue(m.find(), leaf + " in " + notification);
        return Long.parseLong(m.group(1));
    }
}
