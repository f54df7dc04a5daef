package io.stampd.dataplane.afpacket;

import io.stampd.sys.TestMachine;
import io.stampd.sys.bpf.NetNamespace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two throw-away network namespaces joined by a veth pair: pf0 in the reflector's with
 * {@link #REFLECTOR}, pf1 in the sender's with {@link #SENDER}. Deleted on close (and by a
 * shutdown hook if the JVM goes down first). Test prerequisites are checked on open: root, ip(8),
 * the filter's BPF object on the class path.
 */
final class VethPair implements AutoCloseable {
    static final String REFLECTOR = "fd00:5a::1";
    static final String SENDER = "fd00:5a::2";
    static final String REFLECTOR_DEV = "pf0";
    static final String SENDER_DEV = "pf1";

    final String reflectorNs;
    final String senderNs;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanup;

    private VethPair(String name) {
        reflectorNs = name + "-r";
        senderNs = name + "-s";
        cleanup = new Thread(this::deleteNamespaces, "delete-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    static VethPair open(String prefix) {
        List<String> missing = new ArrayList<>(TestMachine.missingRootLinux(List.of("ip"), true));
        if (VethPair.class.getResource(StampPacketFilter.OBJECT) == null) {
            missing.add("BPF object " + StampPacketFilter.OBJECT + " on the class path (build ebpf/ with clang"
                    + " and libbpf-dev)");
        }
        TestMachine.require("AF_PACKET namespace test prerequisites", missing);
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        VethPair p = new VethPair(prefix + "-" + HexFormat.of().formatHex(random));
        try {
            run("ip", "netns", "add", p.reflectorNs);
            p.namespaces.add(p.reflectorNs);
            run("ip", "netns", "add", p.senderNs);
            p.namespaces.add(p.senderNs);
            run("ip", "-n", p.reflectorNs, "link", "add", REFLECTOR_DEV, "type", "veth", "peer", "name", SENDER_DEV,
                    "netns", p.senderNs);
            run("ip", "-n", p.reflectorNs, "addr", "add", REFLECTOR + "/64", "dev", REFLECTOR_DEV, "nodad");
            run("ip", "-n", p.senderNs, "addr", "add", SENDER + "/64", "dev", SENDER_DEV, "nodad");
            for (String ns : p.namespaces) {
                run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            run("ip", "-n", p.reflectorNs, "link", "set", REFLECTOR_DEV, "up");
            run("ip", "-n", p.senderNs, "link", "set", SENDER_DEV, "up");
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** Runs {@code task} on a thread in {@code namespace} (threads it starts stay there). */
    static <T> T in(String namespace, Callable<T> task) throws Exception {
        return NetNamespace.callIn(namespace, task);
    }

    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is going down already; the hook deletes them too (harmlessly twice)
        }
    }

    private void deleteNamespaces() {
        for (String ns : List.copyOf(namespaces)) {
            try {
                run("ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                // already gone, or the JVM is going down: nothing more to do
            }
            namespaces.remove(ns);
        }
    }

    static void run(String... command) {
        io.stampd.sys.TestMachine.run(command);
    }
}
