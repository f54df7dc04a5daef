package io.stampd.dataplane.xdp;

import io.stampd.sys.TestMachine;

import java.util.ArrayList;
import java.util.List;

/**
 * Prerequisites of the XDP program tests: Linux, root, the ip command, libbpf.so.1 and the
 * clang-built objects on the class path (missing ones skip the test, or fail it under CI=true;
 * see {@link TestMachine}).
 */
final class XdpTestEnv {
    static final String REFLECTOR_OBJECT = "/io/stampd/ebpf/stamp_reflector.bpf.o";
    static final String COLLECTOR_OBJECT = "/io/stampd/ebpf/stamp_collector.bpf.o";

    private XdpTestEnv() {
    }

    /** Returns if the tests can run; otherwise skips them, or fails them under CI=true. */
    static void require(String... extraCommands) {
        TestMachine.require("XDP program test prerequisites", missing(extraCommands));
    }

    static List<String> missing(String... extraCommands) {
        List<String> commands = new ArrayList<>(List.of("ip"));
        commands.addAll(List.of(extraCommands));
        List<String> missing = new ArrayList<>(TestMachine.missingRootLinux(commands, true));
        for (String object : List.of(REFLECTOR_OBJECT, COLLECTOR_OBJECT)) {
            if (XdpTestEnv.class.getResource(object) == null) {
                missing.add("BPF object " + object + " on the class path (build ebpf/ with clang and libbpf-dev)");
            }
        }
        return missing;
    }
}
