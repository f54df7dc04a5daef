package io.stampd.dataplane.bench;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;
import io.stampd.sys.bpf.BpfProgramInfo;
import io.stampd.sys.bpf.NetInterfaces;
import io.stampd.sys.bpf.Xdp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * What the benchmark's small XDP programs (the counting sink, the swap reflector) have in common: a
 * one-entry configuration map holding a UDP port, a one-entry per-CPU map of 64-bit counters, and
 * attachment to one interface where it stays after the process exits (found again through the
 * interface, so nothing is pinned).
 *
 * @param object  the object's class-path resource
 * @param program the program's name, by which an attached one is recognised
 * @param header  the C header whose layouts the sizes below mirror, named in errors
 */
record CountingXdpProgram(String object, String program, String configMap, String statsMap, int counters,
                          String header) {
    static final int CFG_SIZE = 4;

    /** One attached instance. */
    record Attached(CountingXdpProgram kind, String device, int ifindex, Xdp.Mode mode, BpfProgramInfo program) {
        /** The configured UDP port. */
        int port() {
            try (BpfMap cfg = program.openMap(kind.configMap)) {
                byte[] value = cfg.lookup(BpfMap.indexKey(0)).orElseThrow(
                        () -> new IllegalStateException("map " + kind.configMap + " has no entry 0"));
                return Short.toUnsignedInt(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getShort(0));
            }
        }

        /** The counters, summed over CPUs. */
        long[] counters() {
            try (BpfMap stats = program.openMap(kind.statsMap)) {
                kind.requireValueSize(stats, kind.counters * 8);
                long[] total = new long[kind.counters];
                for (byte[] value : stats.lookupPerCpu(BpfMap.indexKey(0)).orElseThrow(
                        () -> new IllegalStateException("map " + kind.statsMap + " has no entry 0"))) {
                    ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
                    for (int i = 0; i < total.length; i++) {
                        total[i] += b.getLong(i * 8);
                    }
                }
                return total;
            }
        }

        /** Detaches it, only if it is still the program attached (another one is left in place). */
        void detach() {
            Xdp.detach(ifindex, mode, program.id());
        }
    }

    /**
     * Loads the program with {@code port} configured and attaches it to {@code dev}.
     *
     * @throws IllegalStateException if an XDP program is already attached there
     */
    Attached attach(String dev, Xdp.Mode mode, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        int ifindex = NetInterfaces.indexOf(dev);
        int existing = Xdp.attachedProgramId(ifindex);
        if (existing != 0) {
            throw new IllegalStateException("interface " + dev + " already has XDP program '"
                    + BpfProgramInfo.ofId(existing).name() + "' (id " + existing + "); detach it first");
        }
        try (BpfObject loaded = BpfObject.openResource(object).load()) {
            BpfMap cfg = loaded.map(configMap);
            requireValueSize(cfg, CFG_SIZE);
            requireValueSize(loaded.map(statsMap), counters * 8);
            cfg.update(BpfMap.indexKey(0), ByteBuffer.allocate(CFG_SIZE).order(ByteOrder.nativeOrder())
                    .putShort((short) port).putShort((short) 0).array());
            Xdp.attach(ifindex, loaded.programFd(program), mode);
        }
        return find(dev).orElseThrow(() -> new IllegalStateException("the " + program + " attached to " + dev
                + " vanished"));
    }

    /**
     * The instance attached to {@code dev}, empty when no XDP program is attached.
     *
     * @throws IllegalStateException if another XDP program is attached there
     */
    Optional<Attached> find(String dev) {
        int ifindex = NetInterfaces.indexOf(dev);
        return Xdp.findNamed(dev, ifindex, program)
                .map(found -> new Attached(this, dev, ifindex, found.mode(), found.program()));
    }

    private void requireValueSize(BpfMap map, int expected) {
        if (map.valueSize() != expected) {
            throw new IllegalStateException("map " + map.name() + " holds " + map.valueSize()
                    + "-byte values, expected " + expected + ": " + header + " and the Java side disagree");
        }
    }
}
