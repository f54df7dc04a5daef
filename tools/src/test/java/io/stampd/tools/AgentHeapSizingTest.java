package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tools/lib/agent-heap.sh, which tools/stampd sources to size the agent's heap: it finds the saved
 * running configuration where the agent does (EngineSettings) and counts its sessions.
 */
class AgentHeapSizingTest {
    @TempDir
    Path dir;

    private static String shell(String script, String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("bash", "-c",
                ". \"$0\"; " + script, TestEnv.projectRoot().resolve("tools/lib/agent-heap.sh").toString()));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String running(int senders) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<config xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><stamp xmlns=\"urn:stampd:yang:stampd-stamp\">"
                + "<stamp-session-reflector><reflector-test-session><session-index>1</session-index>"
                + "</reflector-test-session></stamp-session-reflector><stamp-session-sender>");
        for (int i = 1; i <= senders; i++) {
            b.append("<sender-test-session><stamp-session-id>").append(i)
                    .append("</stamp-session-id><session-reflector-ip>::1</session-reflector-ip></sender-test-session>");
        }
        return b.append("</stamp-session-sender></stamp></config>\n").toString();
    }

    @Test
    void theSessionsAreCountedInTheStateDirectoryOfTheConfiguration() throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, "netconf.port = 830\n");
        assertEquals("0", shell("stampd_saved_sessions \"$1\"", conf.toString()), "nothing saved yet");
        Files.writeString(dir.resolve("running.xml"), running(3));
        assertEquals("4", shell("stampd_saved_sessions \"$1\"", conf.toString()), "default: the file's directory");

        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/running.xml"), running(1200));
        Files.writeString(conf, "stampd.state-dir = elsewhere\nstampd.state-dir: state  \n");
        assertEquals("1201", shell("stampd_saved_sessions \"$1\"", conf.toString()), "relative, the last one wins");
        Files.writeString(conf, "stampd.state-dir=" + dir.resolve("state") + "\n");
        assertEquals("1201", shell("stampd_saved_sessions \"$1\"", conf.toString()), "absolute");
    }

    @Test
    void theConfigurationFileIsFoundAmongTheAgentsArguments() throws Exception {
        assertEquals("a.conf", shell("stampd_agent_config_file \"$@\"", "--config", "a.conf"));
        assertEquals("b.conf", shell("stampd_agent_config_file \"$@\"", "-c", "b.conf"));
        assertEquals("c.conf", shell("stampd_agent_config_file \"$@\"", "--config=c.conf"));
        assertEquals("", shell("stampd_agent_config_file \"$@\"", "--help"));
    }

    @Test
    void theHeapGrowsWithTheSessionsAboveAFloor() throws Exception {
        assertEquals("384", shell("stampd_agent_heap_mb 0 1024"));
        assertEquals("384", shell("stampd_agent_heap_mb 1000 1024"), "128 + 98 MB is below the floor");
        assertEquals("1105", shell("stampd_agent_heap_mb 10000 1024"), "128 MB + 2 x 50 KB x 10,000");
        assertEquals("512", shell("stampd_agent_heap_mb 0 2048"), "a quarter of the machine's memory");
        assertEquals("1024", shell("stampd_agent_heap_mb 0 24576"), "up to 1 GB");
        assertEquals("2082", shell("stampd_agent_heap_mb 20000 24576"), "or what the saved sessions need");
        long memoryMb = java.nio.file.Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                .findFirst().orElseThrow();
        assertEquals(String.valueOf(Math.max(384, Math.min(1024, memoryMb / 4))), shell("stampd_agent_heap_mb 0"),
                "this machine's memory by default");
    }
}
