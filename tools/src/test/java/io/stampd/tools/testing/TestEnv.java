package io.stampd.tools.testing;

import io.stampd.sys.TestMachine;

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
        TestMachine.require("namespace test prerequisites", missingPrerequisites(bpfObjects));
    }

    /** What {@link #requireNetns} would complain about; empty when everything is there. */
    public static List<String> missingPrerequisites(String... bpfObjects) {
        List<String> missing = new ArrayList<>(TestMachine.missingRootLinux(COMMANDS, true));
        if (!System.getProperty("os.name", "").equals("Linux")) {
            return missing;
        }
        if (!Files.isDirectory(Path.of("/proc/sys/net/ipv6"))) {
            missing.add("IPv6 in the kernel (/proc/sys/net/ipv6)");
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

    /** The project's top directory ({@link TestMachine#projectRoot()}). */
    public static Path projectRoot() {
        return TestMachine.projectRoot();
    }

    /** Is the running Linux kernel at least major.minor (os.version, e.g. "6.18.44-fc")? */
    public static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int kMajor = Integer.parseInt(v[0]);
        int kMinor = Integer.parseInt(v[1]);
        return kMajor > major || (kMajor == major && kMinor >= minor);
    }
}
