package io.stampd.dataplane.xdp;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Prerequisites of the XDP program tests (the dataplane module's counterpart of the tools
 * module's TestEnv): Linux, root, the ip command, libbpf.so.1 and the clang-built objects on
 * the class path. Missing ones skip the test, except under CI (env CI=true), where a skipped
 * test would hide a broken machine, so they fail it.
 */
final class XdpTestEnv {
    static final String REFLECTOR_OBJECT = "/io/stampd/ebpf/stamp_reflector.bpf.o";
    static final String COLLECTOR_OBJECT = "/io/stampd/ebpf/stamp_collector.bpf.o";

    private static final List<Path> LIBRARY_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/lib64"));

    private XdpTestEnv() {
    }

    /** Returns if the tests can run; otherwise skips them, or fails them under CI=true. */
    static void require(String... extraCommands) {
        List<String> missing = missing(extraCommands);
        if (missing.isEmpty()) {
            return;
        }
        String what = "XDP program test prerequisites missing: " + String.join("; ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(what + " (CI=true, so this fails instead of being skipped)");
        }
        Assumptions.abort(what);
    }

    static List<String> missing(String... extraCommands) {
        List<String> missing = new ArrayList<>();
        if (!System.getProperty("os.name", "").equals("Linux")) {
            missing.add("Linux (running on " + System.getProperty("os.name") + ")");
            return missing;
        }
        long uid = effectiveUid();
        if (uid != 0) {
            missing.add("root (effective uid is " + uid + ")");
        }
        List<String> commands = new ArrayList<>(List.of("ip"));
        commands.addAll(List.of(extraCommands));
        for (String command : commands) {
            if (findCommand(command) == null) {
                missing.add("command '" + command + "'");
            }
        }
        if (LIBRARY_DIRS.stream().noneMatch(dir -> Files.exists(dir.resolve("libbpf.so.1")))) {
            missing.add("libbpf.so.1 (install libbpf1)");
        }
        for (String object : List.of(REFLECTOR_OBJECT, COLLECTOR_OBJECT)) {
            if (XdpTestEnv.class.getResource(object) == null) {
                missing.add("BPF object " + object + " on the class path (build ebpf/ with clang and libbpf-dev)");
            }
        }
        return missing;
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

    /**
     * The project's top directory: env STAMPD_HOME (surefire sets it), else the nearest directory
     * at or above the working directory that contains mvnw.
     */
    static Path projectRoot() {
        String home = System.getenv("STAMPD_HOME");
        if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "mvnw"))) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("project root (a directory with mvnw) not found");
    }

    private static long effectiveUid() {
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
