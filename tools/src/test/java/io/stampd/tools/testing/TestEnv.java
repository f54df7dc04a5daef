package io.stampd.tools.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prerequisites of the tests that build network namespaces, shared by every such test of the
 * project. Where they are missing the test is skipped, except under CI (env CI=true), where a
 * skipped namespace test would hide a broken machine, so it fails instead.
 */
public final class TestEnv {
    /** The delay line every test bed attaches; tests name further objects they need. */
    public static final String DELAY_LINE_OBJECT = "/io/stampd/ebpf/delay_line.bpf.o";

    private static final List<String> COMMANDS = List.of("ip", "ping");
    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/lib64"));

    private TestEnv() {
    }

    /**
     * Returns if namespace tests can run here: Linux, root, IPv6, ip and ping, libbpf.so.1, the
     * packaged CLI (tools/target/stampd-tools.jar, tools/stampd, tools/testbed) and the
     * clang-built BPF objects (the delay line plus {@code bpfObjects}, class path resources).
     * Otherwise skips the test, or fails it with an AssertionError naming what is missing when
     * CI=true.
     */
    public static void requireNetns(String... bpfObjects) {
        List<String> missing = missingPrerequisites(bpfObjects);
        if (missing.isEmpty()) {
            return;
        }
        String what = "namespace test prerequisites missing: " + String.join("; ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(what + " (CI=true, so this fails instead of being skipped)");
        }
        Assumptions.abort(what);
    }

    /** What {@link #requireNetns} would complain about; empty when everything is there. */
    public static List<String> missingPrerequisites(String... bpfObjects) {
        List<String> missing = new ArrayList<>();
        if (!System.getProperty("os.name", "").equals("Linux")) {
            missing.add("Linux (running on " + System.getProperty("os.name") + ")");
            return missing;
        }
        long uid = effectiveUid();
        if (uid != 0) {
            missing.add("root (effective uid is " + uid + ")");
        }
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            missing.add("IPv6 in the kernel (/proc/sys/net/ipv6)");
        }
        for (String command : COMMANDS) {
            if (findCommand(command) == null) {
                missing.add("command '" + command + "' (install iproute2 / iputils-ping)");
            }
        }
        if (LIBRARY_DIRS.stream().noneMatch(dir -> Files.exists(dir.resolve("libbpf.so.1")))) {
            missing.add("libbpf.so.1 (install libbpf1)");
        }
        List<String> objects = new ArrayList<>(List.of(DELAY_LINE_OBJECT));
        objects.addAll(List.of(bpfObjects));
        for (String object : objects) {
            if (TestEnv.class.getResource(object) == null) {
                missing.add("BPF object " + object + " on the class path (build ebpf/ with clang and libbpf-dev)");
            }
        }
        Path root;
        try {
            root = projectRoot();
        } catch (IllegalStateException e) {
            missing.add(e.getMessage());
            return missing;
        }
        if (!Files.isRegularFile(root.resolve("tools/target/stampd-tools.jar"))) {
            missing.add("the packaged CLI tools/target/stampd-tools.jar (run the package phase first)");
        }
        for (String script : List.of("tools/stampd", "tools/testbed")) {
            if (!Files.isExecutable(root.resolve(script))) {
                missing.add("executable " + script);
            }
        }
        return missing;
    }

    /**
     * The project's top directory: env STAMPD_HOME (surefire sets it), else the nearest
     * directory at or above the working directory that contains mvnw.
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

    /** Is the running Linux kernel at least major.minor (os.version, e.g. "6.18.44-fc")? */
    public static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int kMajor = Integer.parseInt(v[0]);
        int kMinor = Integer.parseInt(v[1]);
        return kMajor > major || (kMajor == major && kMinor >= minor);
    }

    /** The command's path in PATH or the sbin directories, or null. */
    static Path findCommand(String name) {
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
    static long effectiveUid() {
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
}
