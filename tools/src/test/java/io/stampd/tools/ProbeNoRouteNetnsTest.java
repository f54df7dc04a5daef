package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A probe whose sends the kernel refuses (no route: a network namespace with only lo) says that
 * no reply came and why, without a table of zero delays, and exits 1.
 */
@Tag("netns")
class ProbeNoRouteNetnsTest {
    @Test
    void noRouteIsReportedWithTheKernelsReason() throws Exception {
        TestEnv.requireNetns();
        Process p = new ProcessBuilder("unshare", "--net", "sh", "-c", "ip link set lo up && exec \"$0\" probe"
                + " --reflector 2001:db8::1 --count 3 --interval 10ms --timeout 200ms",
                TestEnv.projectRoot().resolve("tools/stampd").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("no reply received (0 sent; 3 sends refused by the kernel: Network is unreachable)"),
                out);
        assertFalse(out.contains("delay (ms)"), out);
    }
}
