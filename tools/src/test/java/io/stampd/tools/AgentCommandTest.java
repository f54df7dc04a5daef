package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stampd agent}: bad arguments and unusable configurations end it with exit code 2 and a clear message. */
class AgentCommandTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        MainRun r = MainRun.of(args);
        return new String[] {String.valueOf(r.exitCode()), r.stderr()};
    }

    @Test
    void configIsRequired() {
        String[] r = run("agent");
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("--config"), r[1]);
    }

    @Test
    void aMissingFileSaysHowToWriteOne() {
        String[] r = run("agent", "--config", dir.resolve("none.conf").toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("does not exist") && r[1].contains("openssl passwd -6"), r[1]);
    }

    @Test
    void unknownEngineSettingsAreRefused() throws Exception {
        Path conf = dir.resolve("agent.conf");
        Files.writeString(conf, "netconf.user.a.password-hash = $6$salt$" + "x".repeat(86) + "\nstampd.records = 3\n");
        String[] r = run("agent", "--config", conf.toString());
        assertEquals("2", r[0]);
        assertTrue(r[1].contains("stampd.records: unknown setting"), r[1]);
    }

    /** The launcher starts the agent from AgentMain (no picocli tree): the same errors and exit codes. */
    @Test
    void theLauncherRunsTheAgentsOwnMainWithTheSameErrors() throws Exception {
        Path launcher = TestEnv.projectRoot().resolve("tools/stampd");
        for (String[] args : new String[][] {{"agent"}, {"agent", "--config", dir.resolve("none.conf").toString()}}) {
            Process p = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of(launcher.toString()),
                    java.util.Arrays.stream(args)).toList()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), err);
            assertTrue(err.startsWith("stampd agent: ") && (err.contains("--config FILE is required")
                    || err.contains("does not exist")), err);
        }
    }
}
