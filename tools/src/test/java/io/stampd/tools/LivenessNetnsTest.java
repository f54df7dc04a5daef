package io.stampd.tools;

import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.reflectorSession;
import static io.stampd.tools.NetconfAgentNetnsTest.senderSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.tools.testing.Testbed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness over the SRv6 test bed, seen as an operator sees it: agents in the sender's and the
 * reflector's namespaces, a sender session at 20 ms with a 200 ms loss timeout (down after 5 lost,
 * up after 3 answered). The delay line dropping every packet makes the session down (a
 * session-liveness-change notification, the liveness leaf of {@code <get>}, stampd_sender_up 0 on
 * the metrics endpoint); the line restored makes it up again.
 */
@Tag("netns")
class LivenessNetnsTest {
    private static final String SENDER_STATE =
            "//s:stamp-state/s:stamp-session-sender-state/s:test-session-state[s:session-index=1]";
    static final int METRICS_PORT = 9464;

    @TempDir
    Path dir;

    @BeforeAll
    static void prerequisites() throws Exception {
        NetconfAgentNetnsTest.prerequisites();
        io.stampd.sys.TestMachine.require("curl (tools/lib/prereqs.sh)",
                io.stampd.sys.TestMachine.findCommand("curl") == null ? List.of("command 'curl'") : List.of());
    }

    /** The agents' pair: the sender's with its metrics endpoint on [::1]:9464 of the sender's namespace. */
    record Agents(AgentInNamespace sender, AgentInNamespace reflector) implements AutoCloseable {
        static Agents start(Testbed tb, Path dir) throws Exception {
            AgentInNamespace reflector = AgentInNamespace.start(tb, tb.reflectorNs(), dir.resolve("reflector"));
            AgentInNamespace sender = AgentInNamespace.start(tb, tb.senderNs(), dir.resolve("sender"),
                    "metrics.port = " + METRICS_PORT + "\nmetrics.listen-address = ::1\n");
            Agents agents = new Agents(sender, reflector);
            try {
                reflector.awaitListening(Duration.ofSeconds(60));
                sender.awaitListening(Duration.ofSeconds(60));
            } catch (Throwable t) {
                agents.close();
                throw t;
            }
            return agents;
        }

        @Override
        public void close() throws InterruptedException {
            try {
                sender.close();
            } finally {
                reflector.close();
            }
        }
    }

    /** The sender agent's exposition, scraped from inside its namespace. */
    static String scrape(Testbed tb) {
        return tb.exec(tb.senderNs(), "curl", "-sS", "--max-time", "10", "http://[::1]:" + METRICS_PORT + "/metrics")
                .requireSuccess().stdout();
    }

    private static double senderUp(Testbed tb) {
        String text = scrape(tb);
        Matcher m = Pattern.compile("(?m)^stampd_sender_up\\{[^}]*session_id=\"1\"[^}]*\\} (\\S+)$").matcher(text);
        assertTrue(m.find(), "no stampd_sender_up of session 1 in\n" + text);
        return Double.parseDouble(m.group(1));
    }

    /** The liveness leaf once it reads {@code want}, or what it reads after 5 s (the state is published once a second). */
    private static String awaitLiveness(NetconfClient snd, String want) throws Exception {
        String now = snd.get().string(SENDER_STATE + "/s:liveness");
        for (long deadline = System.nanoTime() + 5_000_000_000L; !now.equals(want) && System.nanoTime() < deadline; ) {
            Thread.sleep(100);
            now = snd.get().string(SENDER_STATE + "/s:liveness");
        }
        return now;
    }

    private static long number(String notification, String leaf) {
        Matcher m = Pattern.compile("<" + leaf + ">(\\d+)</" + leaf + ">").matcher(notification);
        assertTrue(m.find(), "no " + leaf + " in " + notification);
        return Long.parseLong(m.group(1));
    }

    @Test
    void everyPacketLostMakesTheSessionDownAndTheLineRestoredMakesItUp() throws Exception {
        try (Testbed tb = Testbed.up(1000, 0); Agents agents = Agents.start(tb, dir)) {
            agents.reflector().client().commitOk(config(reflectorSession(tb)));
            NetconfClient snd = agents.sender().client();

            NetconfClient.CommitResult refused = snd.commit(config(senderSession(tb, 1, 20,
                    "<liveness><down-after-lost>0</down-after-lost></liveness>")));
            assertNotNull(refused.error(), "down-after-lost 0 accepted");
            System.out.println("down-after-lost 0: " + refused.error());
            assertTrue(refused.error().toString().contains("down-after-lost")
                    && refused.error().toString().contains("1..1000000"), refused.error().toString());

            NetconfClient.Subscription sub = snd.subscribe(Duration.ofSeconds(120));
            List<String> seen = new ArrayList<>();
            snd.commitOk(config(senderSession(tb, 1, 20, "<loss-timeout>200</loss-timeout>"
                    + "<liveness><down-after-lost>5</down-after-lost><up-after-received>3</up-after-received>"
                    + "</liveness>")));
            String up = sub.await("<liveness>up</liveness>", Duration.ofSeconds(10), seen);
            assertNotNull(up, "no session-liveness-change to up; seen: " + seen);
            assertTrue(up.contains("session-liveness-change") && up.contains("<previous-liveness>pending"), up);
            assertTrue(number(up, "consecutive-received") >= 3, up);
            assertEquals("up", awaitLiveness(snd, "up"));
            assertEquals(1, senderUp(tb));
            Matcher open = Pattern.compile("(?m)^stampd_netconf_sessions (\\S+)$").matcher(scrape(tb));
            assertTrue(open.find() && Double.parseDouble(open.group(1)) >= 1, "the subscription's NETCONF session");

            tb.set(1000, 100);
            long lossAt = System.nanoTime();
            String down = sub.await("<liveness>down</liveness>", Duration.ofSeconds(10), seen);
            long detectedMs = (System.nanoTime() - lossAt) / 1_000_000;
            assertNotNull(down, "no session-liveness-change to down with 100 % loss; seen: " + seen);
            assertTrue(down.contains("<previous-liveness>up</previous-liveness>"), down);
            assertTrue(number(down, "consecutive-lost") >= 5, down);
            assertEquals("down", awaitLiveness(snd, "down"));
            assertEquals(0, senderUp(tb));

            tb.set(1000, 0);
            long restoredAt = System.nanoTime();
            String back = sub.await("<liveness>up</liveness>", Duration.ofSeconds(10), seen);
            long backMs = (System.nanoTime() - restoredAt) / 1_000_000;
            assertNotNull(back, "no session-liveness-change to up after the loss ended; seen: " + seen);
            assertTrue(back.contains("<previous-liveness>down</previous-liveness>"), back);
            assertEquals("up", awaitLiveness(snd, "up"));
            assertEquals(1, senderUp(tb));
            System.out.println("liveness: down " + detectedMs + " ms after 100 % loss began, up " + backMs
                    + " ms after it ended\n" + down + "\n" + back);
            sub.process().destroy();
            sub.process().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
