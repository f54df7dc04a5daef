package io.stampd.tools;

import io.stampd.tools.testing.Testbed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line in a test bed, as the namespace tests drive it: a reflector process and its
 * JSON lines, tcpdump captures, and the fields of probe's JSON summary.
 */
final class StampCli {
    private StampCli() {
    }

    /** A reflector process and the reader of its standard output (whose first line was "ready"). */
    record Reflector(Process process, BufferedReader out) {
        /** Stops it (SIGTERM) and returns the rest of what it printed. */
        String stop() throws IOException, InterruptedException {
            // ProcessHandle.destroy sends SIGTERM without closing our pipes (Process.destroy closes them).
            process.toHandle().destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
            StringBuilder sb = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        }
    }

    /** Starts a reflector on the test bed's reflector, its return path the test bed's, and waits for "ready". */
    static Reflector startReflector(Testbed tb, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tb.stampd(), "reflect", "--json", "--source", tb.reflectorAddr(),
                "--return-segments", String.join(",", tb.returnSegments())));
        cmd.addAll(Arrays.asList(extra));
        Process p = tb.start(tb.reflectorNs(), cmd.toArray(String[]::new));
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertTrue(line != null && line.contains("\"ready\""), "reflector did not start: " + line + " "
                + new String(p.getErrorStream().readNBytes(Math.max(0, p.getErrorStream().available()))));
        return new Reflector(p, r);
    }

    /** tcpdump of the IPv6 non-ICMPv6 packets on {@code dev} into {@code file}, once it listens. */
    static Process startCapture(Testbed tb, String ns, String dev, Path file) throws IOException {
        // --immediate-mode: no TPACKET_V3 block batching, so nothing is left unread when it stops.
        Process p = tb.start(ns, "tcpdump", "--immediate-mode", "-i", dev, "-U", "-s", "0", "-n", "-w", file.toString(),
                "ip6 and not icmp6");
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        assertTrue(line != null && line.contains("listening on"), "tcpdump did not start: " + line);
        return p;
    }

    /** As {@link #startCapture}, with the tcpdump filter {@code filter}. */
    static Process startCapture(Testbed tb, String ns, String dev, Path file, String filter) throws IOException {
        Process p = tb.start(ns, "tcpdump", "--immediate-mode", "-i", dev, "-U", "-s", "0", "-n", "-w", file.toString(),
                filter);
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        // On "any" tcpdump first says which link type it captures with.
        for (int i = 0; i < 3 && line != null && !line.contains("listening on"); i++) {
            line = err.readLine();
        }
        assertTrue(line != null && line.contains("listening on"), "tcpdump did not start: " + line);
        return p;
    }

    static void stop(Process p) throws InterruptedException {
        p.toHandle().descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    /** A number field of a JSON line, inside object {@code object} when not null. */
    static long field(String json, String object, String name) {
        String scope = json;
        if (object != null) {
            int i = json.indexOf("\"" + object + "\":{");
            assertTrue(i >= 0, "no " + object + " in " + json);
            scope = json.substring(i, json.indexOf('}', i));
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(scope);
        assertTrue(m.find(), "no " + name + " in " + scope);
        return (long) Double.parseDouble(m.group(1));
    }

    /** A number field, 0 when the line does not have it. */
    static long fieldOrZero(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(json);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** The summary line of probe --json, or of reflect --json's output. */
    static String summaryOf(String stdout) {
        return stdout.lines().filter(l -> l.contains("\"type\":\"summary\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary in: " + stdout));
    }
}
