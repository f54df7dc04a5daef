package io.stampd.dataplane.xdp;

import io.stampd.sys.bpf.BpfMap;
import io.stampd.sys.bpf.BpfObject;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Fills and reads the reflector program's maps the way the XDP plane will, through XdpStructs. */
final class ReflectorMaps {
    /**
     * A reflector session. A null address, sender port 0 and SSID {@link XdpStructs#STAMP_ANY_SSID}
     * are wildcards; {@code path} is the return path, first hop first (empty: straight back).
     */
    record Session(byte[] reflectorAddr, byte[] senderAddr, int reflectorPort, int senderPort, int ssid, int slot,
                   int flags, short errorEstimate, int hopLimit, List<byte[]> path) {
        int pattern() {
            return (reflectorAddr == null ? XdpStructs.STAMP_WILD_REFLECTOR_ADDR : 0)
                    | (senderAddr == null ? XdpStructs.STAMP_WILD_SENDER_ADDR : 0)
                    | (senderPort == 0 ? XdpStructs.STAMP_WILD_SENDER_PORT : 0)
                    | (ssid == XdpStructs.STAMP_ANY_SSID ? XdpStructs.STAMP_WILD_SSID : 0);
        }
    }

    /** The counters of one slot (struct stamp_refl_counters). */
    record Counters(long reflected, long lastSenderSeq, long lastReflectorSeq, long hwRxTimestamps,
                    long sourceLimited) {
    }

    final BpfMap sessions;
    final BpfMap ports;
    final BpfMap counters;
    final BpfMap flows;
    final BpfMap stats;
    final BpfMap next;
    final BpfMap config;
    final BpfMap limits;
    final BpfMap sourceLimit;
    final BpfMap sources;

    ReflectorMaps(BpfObject reflector) {
        limits = reflector.map("refl_limits");
        sourceLimit = reflector.map("refl_source_limit");
        sources = reflector.map("refl_sources");
        sessions = reflector.map("refl_sessions");
        ports = reflector.map("refl_ports");
        counters = reflector.map("refl_counters");
        flows = reflector.map("refl_flows");
        stats = reflector.map("refl_stats");
        next = reflector.map("refl_next");
        config = reflector.map("refl_config");
    }

    /** Provisions {@code s} and marks its pattern in use on its port. */
    void add(Session s) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(XdpStructs.STAMP_REFL_KEY);
            XdpStructs.reflKey(key, s.reflectorAddr() == null ? new byte[16] : s.reflectorAddr(),
                    s.senderAddr() == null ? new byte[16] : s.senderAddr(), s.reflectorPort(), s.senderPort(), s.ssid());
            MemorySegment value = arena.allocate(XdpStructs.STAMP_REFL_SESSION);
            MemorySegment path = arena.allocate(Math.max(1, 16L * s.path().size()));
            for (int i = 0; i < s.path().size(); i++) {
                MemorySegment.copy(s.path().get(i), 0, path, JAVA_BYTE, 16L * i, 16);
            }
            XdpStructs.reflSession(value, s.slot(), s.flags(), s.errorEstimate(), (short) 0, s.hopLimit(), path, 0,
                    s.path().size());
            sessions.update(key, value);
        }
        int mask = portMask(s.reflectorPort());
        ports.update(BpfMap.indexKey(s.reflectorPort()), intBytes(mask | (1 << s.pattern())));
    }

    int portMask(int port) {
        return ByteBuffer.wrap(ports.lookup(BpfMap.indexKey(port)).orElseThrow()).order(ByteOrder.nativeOrder())
                .getInt();
    }

    Counters counters(int slot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(XdpStructs.STAMP_REFL_COUNTERS);
            if (!counters.lookup(arena.allocateFrom(JAVA_BYTE, BpfMap.indexKey(slot)), value)) {
                throw new AssertionError("refl_counters has no slot " + slot);
            }
            return new Counters(XdpStructs.countersReflected(value), XdpStructs.countersLastSenderSeq(value),
                    XdpStructs.countersLastReflectorSeq(value), XdpStructs.countersHwRxTimestamps(value),
                    XdpStructs.countersSourceLimited(value));
        }
    }

    /** Gives slot {@code slot} a full token bucket of {@code burst} packets at {@code rate} per second. */
    void limit(int slot, long rate, long burst) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(XdpStructs.STAMP_REFL_LIMIT);
            XdpStructs.reflLimit(value, rate, burst);
            limits.update(arena.allocateFrom(JAVA_BYTE, BpfMap.indexKey(slot)), value);
        }
    }

    /** The per-source limit, as the plane writes it on commit; rate 0: none. */
    void sourceLimit(long rate, long burst) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(XdpStructs.STAMP_SOURCE_LIMIT);
            XdpStructs.sourceLimit(value, rate, burst);
            sourceLimit.update(arena.allocateFrom(JAVA_BYTE, BpfMap.indexKey(0)), value);
        }
    }

    /** Packets slot {@code slot}'s bucket dropped. */
    long limited(int slot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(XdpStructs.STAMP_REFL_LIMIT);
            if (!limits.lookup(arena.allocateFrom(JAVA_BYTE, BpfMap.indexKey(slot)), value)) {
                throw new AssertionError("refl_limits has no slot " + slot);
            }
            return value.get(java.lang.foreign.ValueLayout.JAVA_LONG, XdpStructs.REFL_LIMIT_LIMITED);
        }
    }

    /** The next number of a stateful flow, or -1 when the flow is not in refl_flows. */
    long flowNext(int slot, int senderPort, int ssid, byte[] senderAddr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(XdpStructs.STAMP_FLOW_KEY);
            XdpStructs.flowKey(key, slot, senderPort, ssid, senderAddr);
            MemorySegment value = arena.allocate(8, 8);
            return flows.lookup(key, value) ? value.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) : -1;
        }
    }

    long[] stats() {
        return XdpBed.stats(stats);
    }

    static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }
}
