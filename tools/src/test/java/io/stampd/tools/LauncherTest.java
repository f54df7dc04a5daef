package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/stampd}, the launcher, against the packaged jar. Tagged "packaged" so that it runs
 * after {@code package}: run earlier, the launcher would find no jar and start a Maven build of its own.
 */
@Tag("packaged")
class LauncherTest {
    @TempDir
    Path dir;

    private static Process launch(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(TestEnv.projectRoot().resolve("tools/stampd").toString());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The launcher starts the agent from AgentMain (no picocli tree): the same errors and exit codes. */
    @Test
    void theLauncherRunsTheAgentsOwnMainWithTheSameErrors() throws Exception {
        for (String[] args : new String[][] {{"agent"}, {"agent", "--config", dir.resolve("none.conf").toString()}}) {
            Process p = launch(args);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), err);
            assertTrue(err.startsWith("stampd agent: ") && (err.contains("--config FILE is required")
                    || err.contains("does not exist")), err);
        }
    }
}
