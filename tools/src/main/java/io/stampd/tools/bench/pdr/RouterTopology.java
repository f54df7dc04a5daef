package io.stampd.tools.bench.pdr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's generator -- router under test -- sink namespaces, built and removed by
 * {@code tools/lib/bench/router-topology} (see its header for the addresses and the router's tuning).
 */
final class RouterTopology implements AutoCloseable {
    private static final String ENCAP_RESOURCE = "/io/stampd/ebpf/srv6_encap.bpf.o";

    private final Path script;
    private final String id;
    private final Path encapObject;
    private final Map<String, String> values;

    private RouterTopology(Path script, String id, Path encapObject, Map<String, String> values) {
        this.script = script;
        this.id = id;
        this.encapObject = encapObject;
        this.values = values;
    }

    /** Builds the topology; the router's NAPI thread is pinned to {@code routerCpu}. */
    static RouterTopology up(Path root, String id, int routerCpu) {
        Path script = root.resolve("tools/lib/bench/router-topology");
        Path encap = extractEncapObject();
        try {
            String out = Commands.run(List.of(script.toString(), "up", "--id", id, "--encap-obj", encap.toString(),
                    "--router-cpu", Integer.toString(routerCpu)));
            return new RouterTopology(script, id, encap, Commands.keyValues(out));
        } catch (RuntimeException e) {
            deleteQuietly(encap);
            throw e;
        }
    }

    /**
     * A topology known only by the key=value lines router-topology prints, built by no one: what
     * the tests check commands against. Closing it removes nothing.
     */
    static RouterTopology described(Map<String, String> values) {
        return new RouterTopology(null, null, null, Map.copyOf(values));
    }

    String genNs() {
        return get("GEN_NS");
    }

    String routerNs() {
        return get("ROUTER_NS");
    }

    String sinkNs() {
        return get("SINK_NS");
    }

    String genDev() {
        return get("GEN_DEV");
    }

    String genAddr() {
        return get("GEN_ADDR");
    }

    String routerInDev() {
        return get("ROUTER_IN_DEV");
    }

    String routerInMac() {
        return get("ROUTER_IN_MAC");
    }

    String routerAddr() {
        return get("ROUTER_ADDR");
    }

    String sinkDev() {
        return get("SINK_DEV");
    }

    String dataDst() {
        return get("DATA_DST");
    }

    int routerCpu() {
        return Integer.parseInt(get("ROUTER_CPU"));
    }

    private String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("router-topology printed no " + key + ": " + values);
        }
        return v;
    }

    @Override
    public void close() {
        if (script == null) {
            return;
        }
        try {
            Commands.run(List.of(script.toString(), "down", "--id", id));
        } finally {
            deleteQuietly(encapObject);
        }
    }

    /** iproute2 loads the H.Encaps program from a file; the built one ships inside the stampd-ebpf jar. */
    private static Path extractEncapObject() {
        try (InputStream in = RouterTopology.class.getResourceAsStream(ENCAP_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ENCAP_RESOURCE + " is not on the class path (build ebpf/ with clang)");
            }
            Path file = Files.createTempFile("stampd-srv6-encap", ".bpf.o");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + ENCAP_RESOURCE, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temporary file; nothing else depends on it
        }
    }
}
