package io.stampd.tools;

import static io.stampd.tools.NetconfAgentNetnsTest.canonical;
import static io.stampd.tools.NetconfAgentNetnsTest.config;
import static io.stampd.tools.NetconfAgentNetnsTest.reflectorSession;
import static io.stampd.tools.NetconfAgentNetnsTest.senderSession;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.tools.NetconfClient.Xml;
import io.stampd.tools.testing.Testbed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into agents measuring the SRv6 test bed (issue 14, item 4): kill -9 in the middle
 * of commits, a full state directory, a link going down and up, and the peer of a session
 * vanishing. Each test says what it injects and asserts what must survive.
 */
@Tag("netns")
class FaultInjectionNetnsTest {
    private static final String SENDER = "//s:stamp-state/s:stamp-session-sender-state/s:test-session-state";
    private static final int COMMITS = 100;
    /** Kills in the kill -9 test: 5 in CI (each restart takes 1-3 s); -Dstampd.faults.kills=N for more. */
    private static final int KILLS = Integer.getInteger("stampd.faults.kills", 5);

    /**
     * One test bed and one pair of agents for every test (starting them is most of a test's
     * time); each test starts from the reflector session alone, both agents running. The sender's
     * state directory is a 64 KiB tmpfs, for the full-directory test.
     */
    @TempDir
    static Path dir;
    private static Testbed tb;
    private static LivenessNetnsTest.Agents agents;
    private static Path senderState;

    @BeforeAll
    static void upOnce() throws Exception {
        NetconfAgentNetnsTest.prerequisites();
        senderState = dir.resolve("sender/state");
        Files.createDirectories(senderState);
        run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "stampd-faults", senderState.toString());
        tb = Testbed.up(0, 0);
        agents = LivenessNetnsTest.Agents.start(tb, dir);
        agents.reflector().client().commitOk(config(reflectorSession(tb)));
    }

    @AfterAll
    static void downOnce() throws Exception {
        try {
            if (agents != null) {
                agents.close();
            }
        } finally {
            try {
                if (tb != null) {
                    tb.close();
                }
            } finally {
                run("umount", senderState.toString());
            }
        }
    }

    /** Both agents running (a failed test may have left one held), no sender session. */
    @BeforeEach
    void reset() throws Exception {
        agents.reflector().resume();
        agents.sender().client().commitOk("<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp xmlns=\""
                + NetconfClient.STAMP_NS + "\"><stamp-session-sender xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\""
                + " nc:operation=\"remove\"/></stamp></config>");
    }

    private static String senderState(long id) {
        return SENDER + "[s:session-index=" + id + "]";
    }

    private static String fetchRecords(long id) {
        return "<fetch-records xmlns=\"" + NetconfClient.STAMP_NS + "\"><stamp-session-id>" + id
                + "</stamp-session-id></fetch-records>";
    }

    /** Commit {@code k} of the kill test: sender session 1 with an interval of 20 ms + k × 0.1 ms. */
    private static String commitNumber(Testbed tb, int k) {
        return config(senderSession(tb, 1, 20, "")
                .replace("<interval>20000</interval>", "<interval>" + intervalOfCommit(k) + "</interval>"));
    }

    private static long intervalOfCommit(int k) {
        return 20_000 + 100L * k;
    }

    /** The commit whose interval session 1 has in {@code xml} (get-config or running.xml), 0 for no session 1. */
    private static int commitIn(Xml xml) {
        String interval = xml.string("//s:sender-test-session[s:stamp-session-id=1]/s:interval");
        return interval.isEmpty() ? 0 : (int) ((Long.parseLong(interval) - 20_000) / 100);
    }

    private static Xml runningFile(AgentInNamespace agent) throws IOException {
        return Xml.parse(Files.readString(agent.dir().resolve("state/running.xml")));
    }

    private static List<Path> leftovers(AgentInNamespace agent) throws IOException {
        try (Stream<Path> files = Files.list(agent.dir().resolve("state"))) {
            return files.filter(f -> !f.getFileName().toString().equals("running.xml")).toList();
        }
    }

    /**
     * 100 commits, each a distinct interval of session 1, made one after the other in one NETCONF
     * session; the sender's agent is killed with SIGKILL {@value #KILLS} times, each time right
     * after a randomly chosen commit's {@code <ok/>} arrived plus a random 0..40 ms (so the kill
     * falls between commits or inside the next one, at any stage of it). After each restart running
     * must be the last acknowledged commit, or the one in flight when the kill came (its write may
     * have completed before the reply went out), never anything else; running.xml parses and says
     * the same; nothing but running.xml is in the state directory. At the end the session measures.
     * The seed is printed; -Dstampd.faults.seed=N repeats a run.
     */
    @Test
    void killNineDuringAHundredCommitsKeepsTheLastAcknowledgedCommit() throws Exception {
        long seed = Long.getLong("stampd.faults.seed", System.nanoTime());
        Random random = new Random(seed);
        TreeSet<Integer> killAfter = new TreeSet<>();
        while (killAfter.size() < KILLS) {
            killAfter.add(1 + random.nextInt(COMMITS - 1));
        }
        System.out.println("kill -9 test: seed " + seed + " (-Dstampd.faults.seed), kills after the acknowledgement of "
                + "commits " + killAfter);
        {
            AgentInNamespace sender = agents.sender();
            NetconfClient snd = sender.client();
            int acknowledged = 0;
            int inFlightKept = 0;
            long slowestRecoveryMs = 0;
            long totalRecoveryMs = 0;
            int kills = 0;
            long started = System.nanoTime();
            while (acknowledged < COMMITS) {
                List<String> batch = new ArrayList<>();
                for (int k = acknowledged + 1; k <= COMMITS; k++) {
                    batch.add(commitNumber(tb, k));
                }
                int first = acknowledged + 1;
                Process client = snd.startCommitEach(batch);
                Acknowledgements acks = new Acknowledgements(client);
                Integer killPoint = killAfter.ceiling(first);
                if (killPoint == null) {
                    assertTrue(client.waitFor(120, TimeUnit.SECONDS), "the last commits did not finish");
                    acknowledged = Math.max(acknowledged, first - 1 + acks.awaitLast(client));
                    assertEquals(0, client.exitValue(), "commit-each failed: " + acks.all());
                    assertEquals(COMMITS, acknowledged, acks.all().toString());
                    break;
                }
                killAfter.remove(killPoint);
                acks.await(killPoint - first + 1, Duration.ofSeconds(60));
                Thread.sleep(random.nextInt(41));
                sender.kill9();
                kills++;
                // ncclient waits out its RPC timeout when the connection dies under a commit; a reply
                // that reached it before the kill is printed within moments, so 3 s is enough to see it.
                if (!client.waitFor(3, TimeUnit.SECONDS)) {
                    client.destroy();
                    assertTrue(client.waitFor(10, TimeUnit.SECONDS), "the client survived SIGTERM");
                }
                acknowledged = first - 1 + acks.awaitLast(client);
                int inFlight = acknowledged + 1;

                long restartAt = System.nanoTime();
                sender.restart();
                sender.awaitListening(Duration.ofSeconds(60));
                long recoveryMs = (System.nanoTime() - restartAt) / 1_000_000;
                slowestRecoveryMs = Math.max(slowestRecoveryMs, recoveryMs);
                totalRecoveryMs += recoveryMs;
                int running = commitIn(snd.getConfig());
                int saved = commitIn(runningFile(sender));
                assertEquals(running, saved, "running.xml against <get-config> after kill " + kills);
                assertTrue(running == acknowledged || running == inFlight && inFlight <= COMMITS,
                        "after kill " + kills + " running is commit " + running + "; acknowledged " + acknowledged
                                + ", in flight " + inFlight + " (seed " + seed + ")");
                assertEquals(List.of(), leftovers(sender), "files left in the state directory after kill " + kills);
                if (running == inFlight) {
                    inFlightKept++;
                    acknowledged = inFlight;
                }
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertEquals(COMMITS, commitIn(snd.getConfig()));
            snd.rpc(fetchRecords(1));
            Thread.sleep(1000);
            Xml records = snd.rpc(fetchRecords(1));
            assertTrue(records.count("//s:record") > 10, "session 1 measures after the last restart: " + records);
            assertEquals("active", snd.get().string(senderState(1) + "/s:sender-session-state"));
            System.out.printf("kill -9 test: %d commits, %d kills in %d s; the commit in flight was kept %d times;"
                    + " restart to listening %d ms on average, %d ms at most%n", COMMITS, kills, seconds, inFlightKept,
                    totalRecoveryMs / kills, slowestRecoveryMs);
        }
    }

    /** The "OK i" lines of a commit-each client, read as they come. */
    private static final class Acknowledgements {
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> all = new ArrayList<>();
        private final Thread reader;
        private int last;

        Acknowledgements(Process client) {
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("READ FAILED " + e);
                }
            });
        }

        /** Waits for "OK n". */
        void await(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (last < n) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no OK " + n + " within " + timeout + "; seen " + all);
                }
                take(line);
            }
        }

        /** The last acknowledged commit of this batch once the client has exited. */
        int awaitLast(Process client) throws InterruptedException {
            reader.join(Duration.ofSeconds(30));
            for (String line; (line = lines.poll()) != null; ) {
                take(line);
            }
            return last;
        }

        private void take(String line) {
            all.add(line);
            if (line.startsWith("OK ")) {
                last = Integer.parseInt(line.substring(3).strip());
            }
        }

        List<String> all() {
            return all;
        }
    }

    /**
     * The state directory on a 64 KiB tmpfs, filled up: a commit adding session 2 is refused with
     * operation-failed naming the cause and running.xml; running (get-config and running.xml,
     * byte for byte) stays as it was, no temporary file is left, session 1 keeps its socket and
     * measures on, session 2 never starts. Freed space: the same commit goes through.
     */
    @Test
    void aFullStateDirectoryRefusesTheCommitAndLeavesNothingHalfWritten() throws Exception {
        Path state = senderState;
        Path filler = state.resolve("filler");
        try {
            {
                NetconfClient snd = agents.sender().client();
                snd.commitOk(config(senderSession(tb, 1, 20, "")));
                Thread.sleep(500);
                String runningBefore = canonical(snd.getConfig().toString());
                Path runningXml = state.resolve("running.xml");
                byte[] savedBefore = Files.readAllBytes(runningXml);
                Xml before = snd.get();
                long port = before.number(senderState(1) + "/s:current-stats/s:session-sender-udp-port");
                long sent = before.number(senderState(1) + "/s:current-stats/s:sent-packets");

                long filled = fill(filler);
                String session2 = config(senderSession(tb, 2, 20, "<ssid>2</ssid>"));
                NetconfClient.CommitResult refused = snd.commit(session2);
                assertNotNull(refused.error(), "a commit with the state directory full (" + filled + " bytes of"
                        + " filler) was accepted");
                System.out.println("state directory full: " + refused.error());
                assertEquals("operation-failed", refused.error().tag(), refused.error().toString());
                assertTrue(refused.error().message().contains("No space left on device")
                        && refused.error().message().contains(runningXml.toString()), refused.error().toString());
                assertEquals(runningBefore, canonical(snd.getConfig().toString()), "running changed");
                assertArrayEquals(savedBefore, Files.readAllBytes(runningXml), "running.xml changed");
                assertEquals(List.of(filler), leftovers(agents.sender()), "a temporary file was left behind");
                Thread.sleep(300);
                Xml after = snd.get();
                assertEquals(0, after.count(senderState(2)), "session 2 runs although its commit was refused");
                assertEquals(port, after.number(senderState(1) + "/s:current-stats/s:session-sender-udp-port"),
                        "session 1 lost its socket");
                assertTrue(after.number(senderState(1) + "/s:current-stats/s:sent-packets") > sent,
                        "session 1 stopped sending");

                Files.delete(filler);
                snd.commitOk(session2);
                assertEquals(2, snd.getConfig().count("//s:sender-test-session"));
                assertEquals(2, runningFile(agents.sender()).count("//s:sender-test-session"), "running.xml");
                assertEquals(List.of(), leftovers(agents.sender()));
            }
        } finally {
            Files.deleteIfExists(filler);
        }
    }

    /** The sender session of the link and peer tests: 20 ms, lost after 200 ms, down after 5 lost, up after 3. */
    private static String watchedSession(Testbed tb) {
        return config(senderSession(tb, 1, 20, "<loss-timeout>200</loss-timeout><liveness><down-after-lost>5"
                + "</down-after-lost><up-after-received>3</up-after-received></liveness>"));
    }

    /**
     * CPU seconds the agent's JVM has used (user + system, /proc/PID/stat): an agent spinning on an
     * error (a socket's error queue that is never drained, say) would use one CPU second a second.
     */
    private static double cpuSeconds(AgentInNamespace agent) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + agent.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in USER_HZ (100)
    }

    /**
     * What an agent did in 3 s of a fault it must weather quietly: the CPU time it used, how long
     * the spell really lasted, and what it logged. Quiet is less than half a CPU (not spinning on
     * an error) and at most 5 log lines (no line per packet).
     */
    private record Spell(double cpu, double seconds, String log) {
        static Spell watch(AgentInNamespace agent) throws Exception {
            long logFrom = Files.size(agent.log());
            double cpuBefore = cpuSeconds(agent);
            long from = System.nanoTime();
            Thread.sleep(3000);
            double cpu = cpuSeconds(agent) - cpuBefore;
            return new Spell(cpu, (System.nanoTime() - from) / 1e9, agent.log(logFrom));
        }

        void assertQuiet(String who) {
            assertTrue(cpu < 0.5 * seconds, who + " spun: " + cpu + " CPU s in " + seconds + " s");
            assertTrue(lines(log) <= 5, who + " logged " + lines(log) + " lines in 3 s:\n" + log);
        }

        @Override
        public String toString() {
            return String.format("logged %d lines, used %.2f CPU s in %.1f s%n%s", lines(log), cpu, seconds, log);
        }
    }

    /** Lines of an agent's log, less the test's own NETCONF logins. */
    private static long lines(String text) {
        return text.lines().filter(l -> !l.contains("CryptPasswordAuthenticator")).count();
    }

    /**
     * The transit's interface towards the sender (trn0, where the delay line sits) set down for 2 s
     * and up again: the sender's link loses its carrier, the session becomes down (a
     * session-liveness-change) and up again after the link returns, records arrive again, the agent
     * keeps running and logs a bounded number of lines. keep_addr_on_down is set on trn0 first, as
     * a router's interface keeps its configured addresses: without it the kernel drops them at
     * down and the test bed would not come back. On each data plane of the sender's node (socket,
     * af-packet and xdp on its interface), put back to socket afterwards.
     */
    @ParameterizedTest(name = "{0} plane")
    @ValueSource(strings = {"socket", "af-packet", "xdp"})
    void aLinkGoingDownAndUpIsReportedAndRecovered(String plane) throws Exception {
        NetconfClient snd = agents.sender().client();
        if (!plane.equals("socket")) {
            snd.commitOk(config(plane.equals("xdp") ? NetconfAgentNetnsTest.xdpPlane(tb.senderDev())
                    : NetconfAgentNetnsTest.afPacketPlane(tb.senderDev())));
        }
        try {
            NetconfClient.Subscription sub = snd.subscribe(Duration.ofSeconds(60));
            List<String> seen = new ArrayList<>();
            snd.commitOk(watchedSession(tb));
            assertNotNull(sub.await("<liveness>up</liveness>", Duration.ofSeconds(10), seen), "never up: " + seen);
            String dev = tb.delayDev();
            tb.exec(tb.delayNs(), "sysctl", "-qw", "net.ipv6.conf." + dev + ".keep_addr_on_down=1").requireSuccess();
            long logFrom = Files.size(agents.sender().log());
            double cpuBefore = cpuSeconds(agents.sender());

            tb.exec(tb.delayNs(), "ip", "link", "set", dev, "down").requireSuccess();
            long downAt = System.nanoTime();
            String down = sub.await("<liveness>down</liveness>", Duration.ofSeconds(5), seen);
            long downMs = (System.nanoTime() - downAt) / 1_000_000;
            assertNotNull(down, "no session-liveness-change to down with the link down; seen: " + seen);
            Thread.sleep(Math.max(0, 2000 - downMs));
            double outageSeconds = (System.nanoTime() - downAt) / 1e9;
            double cpu = cpuSeconds(agents.sender()) - cpuBefore;
            Xml during = snd.get();
            tb.exec(tb.delayNs(), "ip", "link", "set", dev, "up").requireSuccess();
            long upAt = System.nanoTime();
            String up = sub.await("<liveness>up</liveness>", Duration.ofSeconds(10), seen);
            long upMs = (System.nanoTime() - upAt) / 1_000_000;
            assertNotNull(up, "no session-liveness-change to up after the link came back; seen: " + seen);
            assertTrue(up.contains("<previous-liveness>down</previous-liveness>"), up);

            snd.rpc(fetchRecords(1));
            Thread.sleep(500);
            assertTrue(snd.rpc(fetchRecords(1)).count("//s:record") > 5, "no records after the link came back");
            String log = agents.sender().log(logFrom);
            assertEquals(plane, snd.get().string("//s:stamp-state/s:data-plane/s:type"));
            System.out.printf(plane + " plane: link %s down 2 s: session down after %d ms, up %d ms after the link; the sender's"
                    + " agent used %.2f CPU s in the %.1f s outage; sent %s, lost %s, send errors %s (session) %s"
                    + " (data plane) at the end of the outage; %d log lines:%n%s%n", dev, downMs, upMs, cpu,
                    outageSeconds, during.string(senderState(1) + "/s:current-stats/s:sent-packets"),
                    during.string(senderState(1) + "/s:current-stats/s:two-way-loss/s:loss-count"),
                    during.string(senderState(1) + "/s:current-stats/s:sent-packets-error"),
                    during.string("//s:data-plane/s:send-errors"), lines(log), log);
            assertTrue(lines(log) <= 10, "the agent logged " + lines(log) + " lines about a 2 s outage:\n" + log);
            assertEquals("0", snd.get().string("//s:data-plane/s:internal-errors"));
            assertTrue(cpu < 0.5 * outageSeconds, "the agent spun: " + cpu + " CPU s in " + outageSeconds + " s");
            sub.process().destroy();
        } finally {
            if (!plane.equals("socket")) {
                snd.commitOk(config(NetconfAgentNetnsTest.socketPlane()));
            }
        }
    }

    /**
     * A session's peer vanishing. First the reflector's agent is killed: its port answers every
     * request with an ICMPv6 port unreachable (the reflector namespace's ICMP rate limit is lifted,
     * so there is one per packet); the sender counts every packet after it as lost, keeps sending
     * and logs a bounded number of lines. Then, the reflector back, the sender becomes
     * unreachable from the transit (an unreachable route to its address, again one ICMPv6 error per
     * reply): the reflector keeps answering every request into the void without logging per
     * packet. Both agents keep running.
     */
    @Test
    void aVanishedPeerIsCountedAsLossWithoutALogStorm() throws Exception {
        {
            NetconfClient rfl = agents.reflector().client();
            NetconfClient snd = agents.sender().client();
            snd.commitOk(watchedSession(tb));
            Thread.sleep(1000);
            tb.exec(tb.reflectorNs(), "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0").requireSuccess();
            tb.exec(tb.transitNs(), "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0").requireSuccess();

            agents.reflector().kill9();
            Thread.sleep(500); // past the loss timeout of the last answered packet
            Xml a = snd.get();
            Spell spell = Spell.watch(agents.sender());
            Xml b = snd.get();
            long sent = b.number(senderState(1) + "/s:current-stats/s:sent-packets")
                    - a.number(senderState(1) + "/s:current-stats/s:sent-packets");
            long lost = b.number(senderState(1) + "/s:current-stats/s:two-way-loss/s:loss-count")
                    - a.number(senderState(1) + "/s:current-stats/s:two-way-loss/s:loss-count");
            System.out.printf("reflector killed: the sender sent %d, counted %d lost, %s%n", sent, lost, spell);
            spell.assertQuiet("the sender");
            assertTrue(sent >= 100, "the sender stopped sending: " + sent + " in 3 s");
            // Packets sent within the loss timeout (10 at 20 ms) are still in flight at either reading.
            assertTrue(Math.abs(sent - lost) <= 12, "sent " + sent + " but lost " + lost);
            assertEquals("down", b.string(senderState(1) + "/s:liveness"));

            agents.reflector().restart();
            agents.reflector().awaitListening(Duration.ofSeconds(60));
            snd.rpc(fetchRecords(1));
            Thread.sleep(1000);
            assertTrue(snd.rpc(fetchRecords(1)).count("//s:record") > 5, "no answers from the restarted reflector");

            String reflected = "//s:stamp-session-refl-state/s:test-session-state[s:session-index=1]/s:sent-packets";
            tb.exec(tb.transitNs(), "ip", "-6", "route", "add", "unreachable", tb.senderAddr() + "/128")
                    .requireSuccess();
            Thread.sleep(300);
            Xml ra = rfl.get();
            Spell reflectorSpell = Spell.watch(agents.reflector());
            Xml rb = rfl.get();
            tb.exec(tb.transitNs(), "ip", "-6", "route", "del", "unreachable", tb.senderAddr() + "/128")
                    .requireSuccess();
            long answered = rb.number(reflected) - ra.number(reflected);
            System.out.printf("sender unreachable: the reflector answered %d (send errors %s), %s%n", answered,
                    rb.string("//s:data-plane/s:send-errors"), reflectorSpell);
            reflectorSpell.assertQuiet("the reflector");
            assertTrue(answered >= 100, "the reflector stopped answering: " + answered + " in 3 s");
            assertEquals("0", rb.string("//s:data-plane/s:internal-errors"));
            snd.rpc(fetchRecords(1));
            Thread.sleep(1000);
            assertTrue(snd.rpc(fetchRecords(1)).count("//s:record") > 5, "the sender's answers did not come back");
        }
    }

    /**
     * The wall clock stepped +10 s and back (-10 s, to exactly where it was against the monotonic
     * clock) while a 20 ms session with a 3 s loss timeout and 1 s measurement intervals runs.
     * The reflector's agent is held (SIGSTOP) across each step, so that some test packets are
     * certainly out while the clock steps (their replies read after it). What must hold: nothing
     * lost and the liveness never down (loss timeouts are monotonic: without that, the replies
     * held across +10 s would be 10 s late), intervals close once a second on the monotonic clock
     * throughout, the replies across a step are counted (clock-step-replies) and their records
     * carry clock-step, every other record's delays are sane (not ±10 s), and the agent says it in
     * one log line per step. The clock is put back in a finally whatever happens (this machine is
     * shared).
     */
    @Test
    void aWallClockStepIsFlaggedAndLeavesLossAndIntervalsAlone() throws Exception {
        {
            NetconfClient snd = agents.sender().client();
            NetconfClient.Subscription sub = snd.subscribe(Duration.ofSeconds(90));
            List<String> seen = new ArrayList<>();
            snd.commitOk(config(senderSession(tb, 1, 20, "<loss-timeout>3000</loss-timeout>"
                    + "<measurement-interval>1</measurement-interval><record-capacity>2048</record-capacity>"
                    + "<liveness><down-after-lost>5</down-after-lost><up-after-received>3</up-after-received>"
                    + "</liveness>")));
            assertNotNull(sub.await("<liveness>up</liveness>", Duration.ofSeconds(10), seen), "never up: " + seen);
            String first = sub.await("measurement-interval-closed", Duration.ofSeconds(5), seen);
            assertNotNull(first, "no interval closed: " + seen);
            long firstAt = System.nanoTime();
            snd.rpc(fetchRecords(1));
            long logFrom = Files.size(agents.sender().log());

            try (WallClockStep clock = WallClockStep.start()) {
                agents.reflector().pause();
                Thread.sleep(300);
                clock.step(10_000_000_000L);
                Thread.sleep(300);
                agents.reflector().resume();
                Thread.sleep(1200);
                agents.reflector().pause();
                Thread.sleep(300);
                clock.restore();
                Thread.sleep(300);
                agents.reflector().resume();
            } finally {
                agents.reflector().resume(); // harmless if running
            }
            Thread.sleep(3500); // past the loss timeout of every packet sent across the steps

            // The intervals closed so far (they keep closing: read for 1.5 s, then take the last).
            String last = null;
            for (long end = System.nanoTime() + 1_500_000_000L; System.nanoTime() < end; ) {
                String n = sub.await("measurement-interval-closed", Duration.ofMillis(200), seen);
                if (n != null) {
                    last = n;
                }
            }
            assertNotNull(last, "no interval closed after the steps: " + seen);
            long lastAt = System.nanoTime();
            long intervals = number(last, "interval-number") - number(first, "interval-number");
            double seconds = (lastAt - firstAt) / 1e9;
            assertTrue(Math.abs(intervals - seconds) <= 1.5, intervals + " intervals closed in " + seconds + " s");
            assertTrue(seen.stream().noneMatch(n -> n.contains("<liveness>down</liveness>")),
                    "the liveness went down: " + seen);

            Xml state = snd.get();
            long sent = state.number(senderState(1) + "/s:current-stats/s:sent-packets");
            assertEquals(0, state.number(senderState(1) + "/s:current-stats/s:two-way-loss/s:loss-count"),
                    "packets lost across the steps, of " + sent);
            long acrossSteps = state.number(senderState(1) + "/s:clock-step-replies");
            Xml records = snd.rpc(fetchRecords(1));
            int flagged = records.count("//s:record[s:clock-step]");
            List<String> insane = new ArrayList<>();
            for (org.w3c.dom.Node r : records.nodes("//s:record[not(s:clock-step)]")) {
                for (String leaf : List.of("one-way-delay-far-end", "one-way-delay-near-end", "two-way-delay")) {
                    long delay = Long.parseLong(Xml.parse(nodeXml(r)).string("//s:" + leaf));
                    if (delay < 0 || delay >= 1_000_000_000L) {
                        insane.add(leaf + " " + delay);
                    }
                }
            }
            String log = agents.sender().log(logFrom);
            List<Double> stepsLogged = java.util.regex.Pattern.compile("wall clock stepped by ([+-][0-9.]+) ms")
                    .matcher(log).results().map(m -> Double.parseDouble(m.group(1))).toList();
            System.out.printf("wall clock +10 s and back: %d sent, 0 lost, %d intervals in %.1f s, %d replies across"
                    + " a step (%d records flagged of %d fetched), steps logged %s%n", sent, intervals, seconds,
                    acrossSteps, flagged, records.count("//s:record"), stepsLogged);
            assertTrue(acrossSteps >= 10, "replies across the steps: " + acrossSteps);
            assertTrue(flagged >= 10, "records flagged clock-step: " + flagged);
            assertEquals(List.of(), insane, "delays of records not flagged");
            assertEquals(2, stepsLogged.size(), "one log line per step:\n" + log);
            assertTrue(stepsLogged.get(0) > 9_900 && stepsLogged.get(1) < -9_900, stepsLogged.toString());
            sub.process().destroy();
        }
    }

    private static long number(String notification, String leaf) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<" + leaf + ">(\\d+)</" + leaf + ">")
                .matcher(notification);
        assertTrue(m.find(), "no " + leaf + " in " + notification);
        return Long.parseLong(m.group(1));
    }

    private static String nodeXml(org.w3c.dom.Node node) throws Exception {
        var out = new java.io.StringWriter();
        javax.xml.transform.TransformerFactory.newInstance().newTransformer().transform(
                new javax.xml.transform.dom.DOMSource(node), new javax.xml.transform.stream.StreamResult(out));
        return out.toString();
    }

    /**
     * Steps CLOCK_REALTIME of this machine (shared by every namespace) and puts it back exactly
     * where it was against CLOCK_MONOTONIC, on {@link #restore} or at close, whatever happened.
     */
    private static final class WallClockStep implements AutoCloseable {
        private static final String PYTHON = "import sys, time\n"
                + "r, m = time.CLOCK_REALTIME, time.CLOCK_MONOTONIC\n"
                + "if sys.argv[1] == 'offset': print(time.clock_gettime_ns(r) - time.clock_gettime_ns(m))\n"
                + "elif sys.argv[1] == 'step': time.clock_settime_ns(r, time.clock_gettime_ns(r) + int(sys.argv[2]))\n"
                + "else: time.clock_settime_ns(r, time.clock_gettime_ns(m) + int(sys.argv[2]))\n";
        private final long offset;
        private boolean stepped;

        private WallClockStep(long offset) {
            this.offset = offset;
        }

        static WallClockStep start() throws IOException, InterruptedException {
            return new WallClockStep(Long.parseLong(python("offset").strip()));
        }

        void step(long nanos) throws IOException, InterruptedException {
            stepped = true;
            python("step", Long.toString(nanos));
        }

        void restore() throws IOException, InterruptedException {
            if (stepped) {
                python("restore", Long.toString(offset));
                stepped = false;
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            restore();
        }

        private static String python(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(NetconfClient.PYTHON, "-c", PYTHON));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("clock " + args[0] + " failed: " + out);
            }
            return out;
        }
    }

    /** Runs a command of this host (mount, umount) and fails with its output unless it succeeds. */
    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 10 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }

    /** Writes {@code file} until the file system is full; returns the bytes written. */
    private static long fill(Path file) throws IOException {
        long written = 0;
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                written += ch.write(block);
                if (written > 1 << 20) {
                    throw new AssertionError("wrote 1 MiB into a 64 KiB tmpfs");
                }
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return written;
    }
}
