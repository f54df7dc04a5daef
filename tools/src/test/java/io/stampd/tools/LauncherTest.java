package io.stampd.tools;

import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * With only an old JDK (JAVA_HOME names a Java 17; /usr/lib/jvm is hidden under an empty tmpfs in
     * a mount namespace of its own), the launcher stops with one clear line and runs nothing.
     */
    @Test
    void anOldJdkIsRefusedWithAClearMessage() throws Exception {
        TestEnv.requireNetns();
        Path oldJdk = dir.resolve("jdk-17");
        Files.createDirectories(oldJdk.resolve("bin"));
        Files.writeString(oldJdk.resolve("release"), "JAVA_VERSION=\"17.0.13\"\n");
        Path java = oldJdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho 'the old JDK ran' >&2\nexit 99\n");
        java.toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs stampd-test /usr/lib/jvm && exec \"$0\" --help",
                TestEnv.projectRoot().resolve("tools/stampd").toString());
        pb.environment().put("JAVA_HOME", oldJdk.toString());
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("stampd: needs a JDK 25 or newer") && err.contains("JAVA_HOME=" + oldJdk + " is older"), err);
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
