package io.stampd.tools;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A probe that gets no reply says so, instead of printing a table of 0.000 delays, and exits 1:
 * here a probe of ::1 on a port where nothing listens.
 */
class ProbeNoReplyTest {
    private static int closedPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return s.getLocalPort();
        }
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run probe(String... extra) throws Exception {
        String[] args = new String[7 + extra.length];
        System.arraycopy(new String[] {"probe", "--reflector", "::1", "--port", Integer.toString(closedPort()),
                "--count", "3"}, 0, args, 0, 7);
        System.arraycopy(extra, 0, args, 7, extra.length);
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            MainRun r = MainRun.of(args);
            return new Run(r.exitCode(), out.toString(StandardCharsets.UTF_8), r.stderr());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void noReplyIsSaidPlainlyAndExitsOne() throws Exception {
        Run r = probe("--interval", "10ms", "--timeout", "200ms");
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("no reply received (3 sent)"), r.stdout());
        assertTrue(r.stdout().contains("3 sent, 0 received, 3 lost (100.0%)"), r.stdout());
        assertFalse(r.stdout().contains("delay (ms)"), "no delay table: " + r.stdout());
        assertFalse(r.stdout().contains("0.000"), "no delays of zero: " + r.stdout());
    }

    @Test
    void jsonSummaryStillSaysNothingWasReceived() throws Exception {
        Run r = probe("--interval", "10ms", "--timeout", "200ms", "--json");
        assertEquals(1, r.exitCode(), r.stdout() + r.stderr());
        String summary = StampCli.summaryOf(r.stdout());
        assertEquals(3, StampCli.field(summary, null, "sent"), summary);
        assertEquals(0, StampCli.field(summary, null, "received"), summary);
    }
}
