package io.stampd.tools;

import io.stampd.sys.TestMachine;
import io.stampd.tools.testing.TestEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tools/install} and the systemd unit it installs ({@code tools/systemd/stampd-agent.service}),
 * into a temporary root ({@code --prefix}). Tagged "packaged": install copies the packaged jar (run
 * before package it would build one of its own).
 */
@Tag("packaged")
class InstallServiceTest {
    private static final String UNIT = "etc/systemd/system/stampd-agent.service";

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result install(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(TestEnv.projectRoot().resolve("tools/install").toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        var err = p.getErrorStream();
        var errText = new java.util.concurrent.CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            try {
                errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                errText.completeExceptionally(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + command);
        return new Result(p.exitValue(), out, errText.get());
    }

    /** Every path under {@code root} with its size and modification time: a change to any shows. */
    private static List<String> snapshot(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(p -> {
                try {
                    return root.relativize(p) + " " + (Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                            : Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void installPutsTheFilesInPlaceAgainAndAgainAndUninstallRemovesThem() throws Exception {
        Path root = dir.resolve("root");
        Result r = install("--prefix", root.toString());
        assertEquals(0, r.exit(), r.err());

        assertTrue(Files.isExecutable(root.resolve("opt/stampd/tools/stampd")), r.err());
        assertTrue(Files.isRegularFile(root.resolve("opt/stampd/tools/target/stampd-tools.jar")));
        assertTrue(Files.isRegularFile(root.resolve("opt/stampd/tools/lib/java-env.sh")));
        assertTrue(Files.isRegularFile(root.resolve("opt/stampd/tools/lib/agent-heap.sh")));
        try (Stream<Path> jars = Files.list(root.resolve("opt/stampd/tools/target/lib"))) {
            assertTrue(jars.count() > 10, "the dependencies' jars");
        }
        Path link = root.resolve("usr/local/bin/stampd");
        assertEquals(Path.of("/opt/stampd/tools/stampd"), Files.readSymbolicLink(link));

        Path conf = root.resolve("etc/stampd/agent.conf");
        String config = Files.readString(conf);
        assertTrue(config.contains("\nstampd.state-dir = /var/lib/stampd\n"), config);
        assertTrue(config.contains("\nnetconf.ssh.host-key = /var/lib/stampd/ssh_host_key\n"), config);
        assertFalse(config.lines().anyMatch(l -> l.startsWith("netconf.user.")), "no built-in user: " + config);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(conf)));
        assertTrue(r.err().contains("openssl passwd -6"), "says how to add a user: " + r.err());

        String unit = Files.readString(root.resolve(UNIT));
        assertTrue(unit.contains("\nExecStart=/opt/stampd/tools/stampd agent --config /etc/stampd/agent.conf\n"), unit);
        assertFalse(java.util.regex.Pattern.compile("@[A-Z_]+@").matcher(unit).find(), "every placeholder is filled in: " + unit);
        String javaHome = unit.lines().filter(l -> l.startsWith("Environment=JAVA_HOME=")).findFirst().orElseThrow()
                .substring("Environment=JAVA_HOME=".length());
        assertTrue(Files.isExecutable(Path.of(javaHome, "bin/java")), javaHome);

        // The installed tree runs through a symlink (the launcher resolves it to find its jars):
        // the agent's own main class answers, with its exit code for a missing --config.
        Path relativeLink = dir.resolve("stampd");
        Files.createSymbolicLink(relativeLink, root.resolve("opt/stampd/tools/stampd"));
        Result agent = run(List.of(relativeLink.toString(), "agent"));
        assertEquals(2, agent.exit(), agent.err());
        assertTrue(agent.err().contains("--config FILE is required"), agent.err());

        // Again, with a user added meanwhile: the configuration is kept, everything else replaced.
        Files.writeString(conf, config + "netconf.user.admin.password-hash = $6$x$y\n");
        Files.writeString(root.resolve("opt/stampd/tools/target/lib/stale-0.1.jar"), "old");
        r = install("--prefix", root.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.readString(conf).endsWith("netconf.user.admin.password-hash = $6$x$y\n"));
        assertFalse(Files.exists(root.resolve("opt/stampd/tools/target/lib/stale-0.1.jar")), "no stale jar stays");
        assertEquals(unit, Files.readString(root.resolve(UNIT)));

        r = install("--prefix", root.toString(), "--uninstall");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(root.resolve("opt/stampd")));
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve(UNIT)));
        assertTrue(Files.exists(conf), "the configuration is kept without --purge");
        r = install("--prefix", root.toString(), "--uninstall");
        assertEquals(0, r.exit(), "uninstalling twice: " + r.err());

        r = install("--prefix", root.toString(), "--uninstall", "--purge");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(root.resolve("etc/stampd")));
    }

    @Test
    void dryRunChangesNothing() throws Exception {
        Path fresh = dir.resolve("fresh");
        Result r = install("--prefix", fresh.toString(), "--dry-run");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(fresh), "nothing made: " + snapshot(fresh));
        assertTrue(r.out().contains("would write " + fresh.resolve(UNIT)), r.out());
        assertTrue(r.out().contains("ExecStart=/opt/stampd/tools/stampd agent --config /etc/stampd/agent.conf"), r.out());

        Path root = dir.resolve("root");
        assertEquals(0, install("--prefix", root.toString()).exit());
        List<String> before = snapshot(root);
        Thread.sleep(20);
        for (String[] args : new String[][] {{"--dry-run"}, {"--dry-run", "--uninstall"}, {"--dry-run", "--uninstall", "--purge"}}) {
            List<String> command = new ArrayList<>(List.of("--prefix", root.toString()));
            command.addAll(List.of(args));
            r = install(command.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("would "), r.out());
            assertEquals(before, snapshot(root), String.join(" ", args));
        }
    }

    @Test
    void theInstalledUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path analyze = TestMachine.findCommand("systemd-analyze");
        if (analyze == null) {
            TestMachine.unavailable("systemd-analyze missing (Debian package systemd; tools/lib/prereqs.sh installs it)");
        }
        Path root = dir.resolve("root");
        Result r = install("--prefix", root.toString());
        assertEquals(0, r.exit(), r.err());
        // verify --root resolves the unit's dependencies (sysinit.target, network-online.target...)
        // and its ExecStart in that root: give it the system's units beside the installed one.
        Path units = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(units.getParent());
        Result copy = run(List.of("cp", "-a", "/usr/lib/systemd/system", units.toString()));
        assertEquals(0, copy.exit(), copy.err());
        // The masked units' links to /dev/null are not needed (and JUnit warns deleting them).
        Result unmask = run(List.of("find", units.toString(), "-lname", "/dev/null", "-delete"));
        assertEquals(0, unmask.exit(), unmask.err());
        Result v = run(List.of(analyze.toString(), "verify", "--man=no", "--root=" + root, "/" + UNIT));
        // verify exits 0 after "Failed to parse ..., ignoring" warnings: a clean unit prints nothing.
        assertEquals(0, v.exit(), v.out() + v.err());
        assertEquals("", (v.out() + v.err()).strip());

        // And it notices a broken one (the ExecStart missing), so the check above checks something.
        Files.delete(root.resolve("opt/stampd/tools/stampd"));
        v = run(List.of(analyze.toString(), "verify", "--man=no", "--root=" + root, "/" + UNIT));
        assertTrue(v.exit() != 0 && v.err().contains("/opt/stampd/tools/stampd"), v.out() + v.err());
    }
}
