package io.stampd.tools.watch;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/stampd watch} against a real agent measuring its own loopback, drawn in a real
 * terminal: tmux (120 x 30) runs it, {@code capture-pane} reads the screen; then {@code stampd plot}
 * of the session's fetch-records reply. Also key login, the host key check, the clear errors of a
 * wrong password and a closed port, and {@code --once}. Tagged "packaged": it runs the launcher.
 */
@Tag("packaged")
class WatchInTmuxTest {
    /** One session row: id, peer, state, liveness, three delays, loss, sparkline. */
    private static final Pattern ROW = Pattern.compile("^\\s+7\\s+\\[::1\\]:(\\d+)\\s+active\\s+(\\S+)\\s+(-?\\d+\\.\\d{3})"
            + "\\s+(-?\\d+\\.\\d{3})\\s+(\\d+\\.\\d{3})\\s+(\\d+\\.\\d{2})\\s+([ ▁▂▃▄▅▆▇█]+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @BeforeAll
    static void tmuxIsThere() throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/tmux"));
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            assertTrue(present, "tmux missing (apt-get install tmux; tools/lib/prereqs.sh installs it); CI=true");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(present, "tmux missing (apt-get install tmux)");
    }

    private static String stampd() {
        return TestEnv.projectRoot().resolve("tools/stampd").toString();
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String output) {
    }

    private Path passwordFile(String password) throws IOException {
        Path f = dir.resolve("password");
        Files.writeString(f, password + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static String capture(String session) throws Exception {
        return run(List.of("tmux", "capture-pane", "-p", "-t", session)).output();
    }

    @Test
    void theSessionRowShowsDelaysAndASparklineInARealTerminal() throws Exception {
        try (LoopbackAgent agent = LoopbackAgent.start(dir)) {
            int reflectorPort = LoopbackAgent.freePort();
            agent.measureLoopback(reflectorPort);
            String session = "stampd-watch-" + UUID.randomUUID().toString().substring(0, 8);
            List<String> watch = List.of(stampd(), "watch", "--port", String.valueOf(agent.port), "--user",
                    LoopbackAgent.USER, "--password-file", passwordFile(agent.password).toString());
            // -u: the pane is UTF-8 whatever this JVM's locale; the watch runs until Ctrl-C
            assertEquals(0, run(List.of("tmux", "-u", "new-session", "-d", "-s", session, "-x", "120", "-y", "30",
                    String.join(" ", watch))).exitCode());
            try {
                run(List.of("tmux", "set-option", "-t", session, "remain-on-exit", "on"));
                String screen = "";
                Matcher row = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                // at least five columns of the sparkline: five refreshes with measurements
                while (System.nanoTime() < deadline) {
                    screen = capture(session);
                    Matcher m = ROW.matcher(screen);
                    if (m.find() && m.group(7).strip().length() >= 5) {
                        row = m;
                        break;
                    }
                    Thread.sleep(500);
                }
                assertTrue(row != null, "no session row with a sparkline of 5 columns on the screen:\n" + screen
                        + "\nagent log:\n" + agent.log());
                assertEquals(String.valueOf(reflectorPort), row.group(1));
                List<String> lines = screen.lines().toList();
                assertTrue(lines.getFirst().startsWith("stampd watch: agent [::1]:" + agent.port + " as operator"),
                        screen);
                assertTrue(screen.contains("FWD ms") && screen.contains("round trip, last 60 s"), screen);
                double rttMs = Double.parseDouble(row.group(5));
                assertTrue(rttMs > 0 && rttMs < 100, "round trip on loopback: " + rttMs + " ms\n" + screen);
                assertTrue(row.group(2).matches("-|pending|up|down"), "liveness: " + row.group(2));
                lines.forEach(l -> assertTrue(l.length() <= 120, "wider than the pane: " + l));

                // Ctrl-C: the program ends and the alternate screen is gone (the pane shows the shell's screen)
                run(List.of("tmux", "send-keys", "-t", session, "C-c"));
                String after = "";
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                    after = capture(session);
                    String dead = run(List.of("tmux", "display-message", "-p", "-t", session, "#{pane_dead}"))
                            .output().strip();
                    if (dead.equals("1")) {
                        break;
                    }
                    Thread.sleep(200);
                }
                assertFalse(after.contains("round trip, last"), "the frame is still on the screen after Ctrl-C:\n"
                        + after);
            } finally {
                run(List.of("tmux", "kill-session", "-t", session));
            }
            plotTheFetchedRecords(agent);
        }
    }

    /** The same session's records, drained with fetch-records and saved as the reply's XML, plotted. */
    private void plotTheFetchedRecords(LoopbackAgent agent) throws Exception {
        Path xml = dir.resolve("fetch-records.xml");
        try (NetconfSshClient c = NetconfSshClient.connect(agent.login(agent.password))) {
            Document reply = c.rpc("<fetch-records xmlns=\"" + SenderStateXml.STAMP_NS + "\"><stamp-session-id>"
                    + LoopbackAgent.SESSION_ID + "</stamp-session-id></fetch-records>");
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.transform(new DOMSource(reply), new StreamResult(xml.toFile()));
        }
        int records = SenderStateXml.records(NetconfSshClient.parse(Files.readString(xml))).size();
        assertTrue(records >= 20, records + " records fetched:\n" + Files.readString(xml));
        Path png = dir.resolve("fetch-records.png");
        Result r = run(List.of(stampd(), "plot", xml.toString(), "--out", png.toString(), "--width", "900",
                "--height", "500"));
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("(" + records + " measurements, 900x500)"), r.output());
        io.stampd.tools.plot.PlotCommandTest.assertPlot(png, 900, 500);
    }

    @Test
    void onceKeyLoginHostKeyCheckAndClearErrors() throws Exception {
        try (LoopbackAgent agent = LoopbackAgent.start(dir)) {
            List<String> base = new ArrayList<>(List.of(stampd(), "watch", "--user", LoopbackAgent.USER));
            // no sessions yet: --once prints the frame with the notice
            List<String> once = new ArrayList<>(base);
            once.addAll(List.of("--port", String.valueOf(agent.port), "--once", "--password-file",
                    passwordFile(agent.password).toString()));
            Result r = run(once);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("no sender test sessions configured on this agent"), r.output());

            List<String> wrong = new ArrayList<>(base);
            wrong.addAll(List.of("--port", String.valueOf(agent.port), "--once", "--password-file",
                    passwordFile("not-" + agent.password).toString()));
            r = run(wrong);
            assertEquals(1, r.exitCode(), r.output());
            assertEquals("stampd watch: authentication of user 'operator' at [::1]:" + agent.port + " failed: wrong"
                    + " password or key, or no such NETCONF user in the agent's configuration", r.output().strip());

            // public-key login of another user, with the host key checked against what the agent logged
            r = run(List.of(stampd(), "watch", "--user", LoopbackAgent.KEY_USER, "--port", String.valueOf(agent.port),
                    "--once", "--identity", agent.dir.resolve("key").toString(), "--host-key-fingerprint",
                    agent.hostKeyFingerprint()));
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().startsWith("stampd watch: agent [::1]:" + agent.port + " as keyholder (host key"
                    + " verified)"), r.output());
            r = run(List.of(stampd(), "watch", "--user", LoopbackAgent.KEY_USER, "--port", String.valueOf(agent.port),
                    "--once", "--identity", agent.dir.resolve("key").toString(), "--host-key-fingerprint",
                    "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
            assertEquals(1, r.exitCode(), r.output());
            assertEquals("stampd watch: host key of [::1]:" + agent.port + " is " + agent.hostKeyFingerprint()
                    + ", not the expected SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", r.output().strip());

            List<String> closed = new ArrayList<>(base);
            int nobody = LoopbackAgent.freePort();
            closed.addAll(List.of("--port", String.valueOf(nobody), "--once", "--password-file",
                    passwordFile(agent.password).toString()));
            r = run(closed);
            assertEquals(1, r.exitCode(), r.output());
            assertEquals("stampd watch: cannot connect to [::1]:" + nobody + ": connection refused (is the agent"
                    + " running and listening there?)", r.output().strip());
        }
    }
}
