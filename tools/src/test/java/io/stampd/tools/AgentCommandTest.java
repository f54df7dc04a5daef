package io.stampd.tools;

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
}
