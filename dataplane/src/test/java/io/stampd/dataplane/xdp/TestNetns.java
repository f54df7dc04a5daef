package io.stampd.dataplane.xdp;

import io.stampd.sys.bpf.NetNamespace;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away network namespace "sxt-&lt;random&gt;" for one test class: created with ip netns add,
 * configured with ip -n, deleted on close (and by a shutdown hook should the JVM end first).
 * Every command runs with a timeout, so nothing here can hang a build.
 */
final class TestNetns implements AutoCloseable {

    private final String name;
    private final Thread cleanup;
    private boolean closed;

    private TestNetns(String name) {
        this.name = name;
        this.cleanup = new Thread(() -> delete(name), "delete-" + name);
    }

    /** Creates a namespace with a fresh unique name; lo is brought up. */
    static TestNetns create() {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        String name = "sxt-" + HexFormat.of().formatHex(random);
        run(List.of("ip", "netns", "add", name));
        TestNetns ns = new TestNetns(name);
        Runtime.getRuntime().addShutdownHook(ns.cleanup);
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    String name() {
        return name;
    }

    /** ip -n NAME args... */
    void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        run(command);
    }

    /** sysctl -qw key=value inside the namespace. */
    void sysctl(String key, String value) {
        run(List.of("ip", "netns", "exec", name, "sysctl", "-qw", key + "=" + value));
    }

    /** Runs {@code task} on a thread inside the namespace and returns its result. */
    <T> T call(Callable<T> task) {
        try {
            return NetNamespace.callIn(name, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("task in namespace " + name + " failed", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        delete(name);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already; the hook deletes it too (harmlessly twice)
        }
    }

    private static void delete(String name) {
        try {
            run(List.of("ip", "netns", "del", name));
        } catch (RuntimeException e) {
            // already gone, or the JVM is going down: nothing more to do
        }
    }

    private static void run(List<String> command) {
        io.stampd.sys.TestMachine.run(command);
    }
}
