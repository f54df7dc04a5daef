package io.stampd.sys;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every module's machine-dependent tests ask of the machine (the namespace, XDP and C-layout
 * tests): root, commands, libbpf, the project's directory, and one rule for what is missing, which
 * skips the test except under CI (env CI=true), where a skipped test would hide a broken machine,
 * so it fails instead.
 */
public final class TestMachine {
    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/lib64"));

    private TestMachine() {
    }

    /** Returns if {@code missing} is empty; else skips the test, or fails it under CI=true, naming what is missing. */
    public static void require(String what, List<String> missing) {
        if (!missing.isEmpty()) {
            unavailable(what + " missing: " + String.join("; ", missing));
        }
    }

    /** Skips the test, or fails it under CI=true. */
    public static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(why + " (CI=true, so this fails instead of being skipped)");
        }
        Assumptions.abort(why);
    }

    /**
     * What a Linux test running as root with {@code commands} and libbpf.so.1 lacks here: "Linux
     * (running on ...)" alone when it is not Linux, else any of root, the commands and libbpf.
     */
    public static List<String> missingRootLinux(List<String> commands, boolean libbpf) {
        List<String> missing = new ArrayList<>();
        if (!System.getProperty("os.name", "").equals("Linux")) {
            missing.add("Linux (running on " + System.getProperty("os.name") + ")");
            return missing;
        }
        long uid = effectiveUid();
        if (uid != 0) {
            missing.add("root (effective uid is " + uid + ")");
        }
        for (String command : commands) {
            if (findCommand(command) == null) {
                missing.add("command '" + command + "'");
            }
        }
        if (libbpf && LIBRARY_DIRS.stream().noneMatch(dir -> Files.exists(dir.resolve("libbpf.so.1")))) {
            missing.add("libbpf.so.1 (install libbpf1)");
        }
        return missing;
    }

    /** The command's path in PATH or the sbin directories, or null. */
    public static Path findCommand(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /** Effective uid from /proc/self/status ("Uid: real effective saved fs"). */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("/proc/self/status has no Uid: line");
    }

    /**
     * The project's top directory: env STAMPD_HOME (surefire sets it), else the nearest directory
     * at or above the working directory that contains mvnw.
     */
    public static Path projectRoot() {
        String home = System.getenv("STAMPD_HOME");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "mvnw"))) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("project root (a directory with mvnw) not found from "
                + Path.of("").toAbsolutePath() + " and STAMPD_HOME is " + (home == null ? "unset" : "'" + home + "'"));
    }

    /**
     * Runs a set-up command (ip, sysctl, ...) with no input, for at most 20 s; its output is
     * returned, and a failure throws naming the command, the exit code and the output.
     */
    public static String run(java.util.List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 20 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue()
                        + "): " + output);
            }
            return output;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** {@link #run(java.util.List)} with the command as arguments. */
    public static String run(String... command) {
        return run(java.util.List.of(command));
    }
}
