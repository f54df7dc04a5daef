package io.stampd.dataplane.xdp;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The XDP plane's contract with its programs, mirrored from ebpf/stamp_xdp.h, stamp_reflector.h
 * and stamp_collector.h: every struct as a {@link StructLayout} whose member names are the C
 * field names, the offsets taken from those layouts, the constants, and allocation-free writers
 * and readers on native segments. Mechanical on purpose: XdpStructsLayoutTest compiles the C
 * headers with the host compiler and checks every size, offset and constant here against them.
 *
 * <p>Byte order as in the headers: addresses and segments are 16 octets in network order;
 * every other integer is in host (native) order.
 */
public final class XdpStructs {
    private XdpStructs() {
    }

    private static MemoryLayout address(String name) {
        return MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName(name);
    }

    private static long offset(StructLayout struct, String member) {
        return struct.byteOffset(groupElement(member));
    }

    // ==== stamp_xdp.h ========================================================================

    public static final int STAMP_MAX_SEGMENTS = 32;
    public static final int STAMP_BASE_LENGTH = 44;
    public static final int STAMP_MAX_SESSIONS = 16384;
    public static final int STAMP_MAX_FLOWS = 65536;
    /** STAMP_ANY_SSID as the __u32 it is (0xFFFFFFFF). */
    public static final int STAMP_ANY_SSID = 0xFFFF_FFFF;

    public static final StructLayout STAMP_XDP_CONFIG = MemoryLayout.structLayout(
            JAVA_LONG.withName("tai_offset_ns"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("route_ttl_ns")).withName("stamp_xdp_config");
    public static final long CONFIG_TAI_OFFSET_NS = offset(STAMP_XDP_CONFIG, "tai_offset_ns");
    public static final long CONFIG_FLAGS = offset(STAMP_XDP_CONFIG, "flags");
    public static final long CONFIG_ROUTE_TTL_NS = offset(STAMP_XDP_CONFIG, "route_ttl_ns");

    /* enum stamp_xdp_counter: indexes of refl_stats and coll_stats. */
    public static final int STAMP_C_NOT_IPV6 = 0;
    public static final int STAMP_C_NOT_UDP = 1;
    public static final int STAMP_C_HEADER_CHAIN = 2;
    public static final int STAMP_C_TRUNCATED = 3;
    public static final int STAMP_C_OTHER_PORT = 4;
    public static final int STAMP_C_SEGMENTS_LEFT = 5;
    public static final int STAMP_C_SHORT = 6;
    public static final int STAMP_C_NO_SESSION = 7;
    public static final int STAMP_C_USER_SESSION = 8;
    public static final int STAMP_C_TLV = 9;
    public static final int STAMP_C_BAD_CHECKSUM = 10;
    public static final int STAMP_C_NO_NEIGHBOUR = 11;
    public static final int STAMP_C_NO_ROUTE = 12;
    public static final int STAMP_C_RING_FULL = 13;
    public static final int STAMP_C_ERROR = 14;
    public static final int STAMP_C_TX = 15;
    public static final int STAMP_C_REDIRECT = 16;
    public static final int STAMP_C_COLLECTED = 17;
    public static final int STAMP_C_NOT_LOCAL = 18;
    public static final int STAMP_C_RATE_LIMITED = 19;
    public static final int STAMP_C_SOURCE_LIMITED = 20;
    public static final int STAMP_C_COUNT = 21;

    private static final String[] COUNTER_NAMES = {"not_ipv6", "not_udp", "header_chain", "truncated",
        "other_port", "segments_left", "short", "no_session", "user_session", "tlv", "bad_checksum",
        "no_neighbour", "no_route", "ring_full", "error", "tx", "redirect", "collected", "not_local",
        "rate_limited", "source_limited"};

    /** A counter's name for messages: "bad_checksum" for STAMP_C_BAD_CHECKSUM. */
    public static String counterName(int counter) {
        return counter >= 0 && counter < COUNTER_NAMES.length ? COUNTER_NAMES[counter] : "counter " + counter;
    }

    /** Writes a stamp_xdp_config that reuses no route (every reply looks its route up). */
    public static void config(MemorySegment value, long taiOffsetNanos) {
        config(value, taiOffsetNanos, 0);
    }

    /** Writes a stamp_xdp_config. */
    public static void config(MemorySegment value, long taiOffsetNanos, long routeTtlNanos) {
        value.set(JAVA_LONG, CONFIG_TAI_OFFSET_NS, taiOffsetNanos);
        value.set(JAVA_INT, CONFIG_FLAGS, 0);
        value.set(JAVA_INT, offset(STAMP_XDP_CONFIG, "reserved"), 0);
        value.set(JAVA_LONG, CONFIG_ROUTE_TTL_NS, routeTtlNanos);
    }

    // ==== stamp_reflector.h ==================================================================

    public static final int STAMP_WILD_REFLECTOR_ADDR = 1;
    public static final int STAMP_WILD_SENDER_ADDR = 2;
    public static final int STAMP_WILD_SENDER_PORT = 4;
    public static final int STAMP_WILD_SSID = 8;
    public static final int STAMP_PATTERNS = 16;

    public static final int STAMP_RS_STATEFUL = 1;
    public static final int STAMP_RS_PTP = 2;
    public static final int STAMP_RS_USER = 4;
    public static final int STAMP_RS_LIMITED = 8;
    public static final int STAMP_PACKET_CREDIT = 1_000_000_000;

    public static final int STAMP_FLOW_OK = 0;
    public static final int STAMP_FLOW_STALE = 1;
    public static final int STAMP_FLOW_ERROR = 2;

    public static final StructLayout STAMP_REFL_KEY = MemoryLayout.structLayout(
            address("reflector_addr"),
            address("sender_addr"),
            JAVA_SHORT.withName("reflector_port"),
            JAVA_SHORT.withName("sender_port"),
            JAVA_INT.withName("ssid")).withName("stamp_refl_key");
    public static final long REFL_KEY_REFLECTOR_ADDR = offset(STAMP_REFL_KEY, "reflector_addr");
    public static final long REFL_KEY_SENDER_ADDR = offset(STAMP_REFL_KEY, "sender_addr");
    public static final long REFL_KEY_REFLECTOR_PORT = offset(STAMP_REFL_KEY, "reflector_port");
    public static final long REFL_KEY_SENDER_PORT = offset(STAMP_REFL_KEY, "sender_port");
    public static final long REFL_KEY_SSID = offset(STAMP_REFL_KEY, "ssid");

    public static final StructLayout STAMP_REFL_SESSION = MemoryLayout.structLayout(
            JAVA_INT.withName("slot"),
            JAVA_INT.withName("flags"),
            JAVA_SHORT.withName("error_estimate"),
            JAVA_SHORT.withName("error_estimate_hw"),
            JAVA_BYTE.withName("hop_limit"),
            JAVA_BYTE.withName("segments"),
            JAVA_SHORT.withName("reserved"),
            MemoryLayout.sequenceLayout(STAMP_MAX_SEGMENTS, MemoryLayout.sequenceLayout(16, JAVA_BYTE))
                    .withName("segment")).withName("stamp_refl_session");
    public static final long REFL_SESSION_SLOT = offset(STAMP_REFL_SESSION, "slot");
    public static final long REFL_SESSION_FLAGS = offset(STAMP_REFL_SESSION, "flags");
    public static final long REFL_SESSION_ERROR_ESTIMATE = offset(STAMP_REFL_SESSION, "error_estimate");
    public static final long REFL_SESSION_ERROR_ESTIMATE_HW = offset(STAMP_REFL_SESSION, "error_estimate_hw");
    public static final long REFL_SESSION_HOP_LIMIT = offset(STAMP_REFL_SESSION, "hop_limit");
    public static final long REFL_SESSION_SEGMENTS = offset(STAMP_REFL_SESSION, "segments");
    public static final long REFL_SESSION_RESERVED = offset(STAMP_REFL_SESSION, "reserved");
    public static final long REFL_SESSION_SEGMENT = offset(STAMP_REFL_SESSION, "segment");

    public static final StructLayout STAMP_REFL_COUNTERS = MemoryLayout.structLayout(
            JAVA_LONG.withName("reflected"),
            JAVA_LONG.withName("last_sender_seq"),
            JAVA_LONG.withName("last_reflector_seq"),
            JAVA_LONG.withName("hw_rx_timestamps"),
            JAVA_LONG.withName("source_limited")).withName("stamp_refl_counters");
    public static final long REFL_COUNTERS_REFLECTED = offset(STAMP_REFL_COUNTERS, "reflected");
    public static final long REFL_COUNTERS_LAST_SENDER_SEQ = offset(STAMP_REFL_COUNTERS, "last_sender_seq");
    public static final long REFL_COUNTERS_LAST_REFLECTOR_SEQ = offset(STAMP_REFL_COUNTERS, "last_reflector_seq");
    public static final long REFL_COUNTERS_HW_RX_TIMESTAMPS = offset(STAMP_REFL_COUNTERS, "hw_rx_timestamps");
    public static final long REFL_COUNTERS_SOURCE_LIMITED = offset(STAMP_REFL_COUNTERS, "source_limited");

    public static final StructLayout STAMP_REFL_LIMIT = MemoryLayout.structLayout(
            JAVA_INT.withName("lock"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("rate"),
            JAVA_LONG.withName("capacity"),
            JAVA_LONG.withName("credit"),
            JAVA_LONG.withName("last_ns"),
            JAVA_LONG.withName("limited")).withName("stamp_refl_limit");
    public static final long REFL_LIMIT_LIMITED = offset(STAMP_REFL_LIMIT, "limited");

    /** Writes a full stamp_refl_limit of {@code burst} packets at {@code rate} per second, nothing dropped yet. */
    public static void reflLimit(MemorySegment value, long rate, long burst) {
        value.fill((byte) 0);
        value.set(JAVA_LONG, offset(STAMP_REFL_LIMIT, "rate"), rate);
        value.set(JAVA_LONG, offset(STAMP_REFL_LIMIT, "capacity"), burst * STAMP_PACKET_CREDIT);
        value.set(JAVA_LONG, offset(STAMP_REFL_LIMIT, "credit"), burst * STAMP_PACKET_CREDIT);
    }

    public static final StructLayout STAMP_SOURCE_LIMIT = MemoryLayout.structLayout(
            JAVA_INT.withName("rate"),
            JAVA_INT.withName("burst")).withName("stamp_source_limit");

    /** Writes the stamp_source_limit of {@code rate} packets per second and {@code burst}; rate 0: none. */
    public static void sourceLimit(MemorySegment value, long rate, long burst) {
        value.set(JAVA_INT, offset(STAMP_SOURCE_LIMIT, "rate"), Math.toIntExact(rate));
        value.set(JAVA_INT, offset(STAMP_SOURCE_LIMIT, "burst"), Math.toIntExact(burst));
    }

    public static final StructLayout STAMP_SOURCE_KEY = MemoryLayout.structLayout(
            address("addr"),
            JAVA_INT.withName("rate"),
            JAVA_INT.withName("burst")).withName("stamp_source_key");
    public static final long SOURCE_KEY_RATE = offset(STAMP_SOURCE_KEY, "rate");
    public static final long SOURCE_KEY_BURST = offset(STAMP_SOURCE_KEY, "burst");
    public static final int STAMP_MAX_SOURCES = 4096;

    public static final StructLayout STAMP_FLOW_KEY = MemoryLayout.structLayout(
            JAVA_INT.withName("slot"),
            JAVA_SHORT.withName("sender_port"),
            JAVA_SHORT.withName("ssid"),
            address("sender_addr")).withName("stamp_flow_key");
    public static final long FLOW_KEY_SLOT = offset(STAMP_FLOW_KEY, "slot");
    public static final long FLOW_KEY_SENDER_PORT = offset(STAMP_FLOW_KEY, "sender_port");
    public static final long FLOW_KEY_SSID = offset(STAMP_FLOW_KEY, "ssid");
    public static final long FLOW_KEY_SENDER_ADDR = offset(STAMP_FLOW_KEY, "sender_addr");

    public static final StructLayout STAMP_FLOW_TAKE_ARGS = MemoryLayout.structLayout(
            STAMP_FLOW_KEY.withName("key"),
            JAVA_INT.withName("delta"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("seq")).withName("stamp_flow_take_args");
    public static final long FLOW_TAKE_KEY = offset(STAMP_FLOW_TAKE_ARGS, "key");
    public static final long FLOW_TAKE_DELTA = offset(STAMP_FLOW_TAKE_ARGS, "delta");
    public static final long FLOW_TAKE_RESERVED = offset(STAMP_FLOW_TAKE_ARGS, "reserved");
    public static final long FLOW_TAKE_SEQ = offset(STAMP_FLOW_TAKE_ARGS, "seq");

    /**
     * Writes a stamp_refl_key. Wildcards as the program looks them up: an all-zero address, port
     * 0, SSID {@link #STAMP_ANY_SSID}.
     */
    public static void reflKey(MemorySegment key, byte[] reflectorAddr, byte[] senderAddr, int reflectorPort,
                               int senderPort, int ssid) {
        putAddress(key, REFL_KEY_REFLECTOR_ADDR, reflectorAddr);
        putAddress(key, REFL_KEY_SENDER_ADDR, senderAddr);
        key.set(JAVA_SHORT, REFL_KEY_REFLECTOR_PORT, (short) reflectorPort);
        key.set(JAVA_SHORT, REFL_KEY_SENDER_PORT, (short) senderPort);
        key.set(JAVA_INT, REFL_KEY_SSID, ssid);
    }

    /**
     * Writes a stamp_refl_session; the return path is {@code segmentCount} 16-octet segments at
     * {@code path[pathOffset]}, first hop first (none when 0). Unused segment slots are zeroed.
     */
    public static void reflSession(MemorySegment value, int slot, int flags, short errorEstimate,
                                   short errorEstimateHw, int hopLimit, MemorySegment path, long pathOffset,
                                   int segmentCount) {
        if (segmentCount < 0 || segmentCount > STAMP_MAX_SEGMENTS) {
            throw new IllegalArgumentException("a return path has 0.." + STAMP_MAX_SEGMENTS + " segments, not "
                    + segmentCount);
        }
        value.set(JAVA_INT, REFL_SESSION_SLOT, slot);
        value.set(JAVA_INT, REFL_SESSION_FLAGS, flags);
        value.set(JAVA_SHORT, REFL_SESSION_ERROR_ESTIMATE, errorEstimate);
        value.set(JAVA_SHORT, REFL_SESSION_ERROR_ESTIMATE_HW, errorEstimateHw);
        value.set(JAVA_BYTE, REFL_SESSION_HOP_LIMIT, (byte) hopLimit);
        value.set(JAVA_BYTE, REFL_SESSION_SEGMENTS, (byte) segmentCount);
        value.set(JAVA_SHORT, REFL_SESSION_RESERVED, (short) 0);
        value.asSlice(REFL_SESSION_SEGMENT, (long) STAMP_MAX_SEGMENTS * 16).fill((byte) 0);
        if (segmentCount > 0) {
            MemorySegment.copy(path, pathOffset, value, REFL_SESSION_SEGMENT, segmentCount * 16L);
        }
    }

    /** Writes a stamp_flow_key. */
    public static void flowKey(MemorySegment key, int slot, int senderPort, int ssid, byte[] senderAddr) {
        flowKeyAt(key, 0, slot, senderPort, ssid, senderAddr);
    }

    private static void flowKeyAt(MemorySegment s, long at, int slot, int senderPort, int ssid, byte[] senderAddr) {
        s.set(JAVA_INT, at + FLOW_KEY_SLOT, slot);
        s.set(JAVA_SHORT, at + FLOW_KEY_SENDER_PORT, (short) senderPort);
        s.set(JAVA_SHORT, at + FLOW_KEY_SSID, (short) ssid);
        putAddress(s, at + FLOW_KEY_SENDER_ADDR, senderAddr);
    }

    /** Writes a stamp_flow_take_args for flow (slot, sender port, SSID, sender address). */
    public static void flowTakeArgs(MemorySegment args, int slot, int senderPort, int ssid, byte[] senderAddr,
                                    int delta, long seq) {
        flowKeyAt(args, FLOW_TAKE_KEY, slot, senderPort, ssid, senderAddr);
        args.set(JAVA_INT, FLOW_TAKE_DELTA, delta);
        args.set(JAVA_INT, FLOW_TAKE_RESERVED, 0);
        args.set(JAVA_LONG, FLOW_TAKE_SEQ, seq);
    }

    public static long flowTakeSeq(MemorySegment args) {
        return args.get(JAVA_LONG, FLOW_TAKE_SEQ);
    }

    public static long countersReflected(MemorySegment counters) {
        return counters.get(JAVA_LONG, REFL_COUNTERS_REFLECTED);
    }

    public static long countersLastSenderSeq(MemorySegment counters) {
        return counters.get(JAVA_LONG, REFL_COUNTERS_LAST_SENDER_SEQ);
    }

    public static long countersLastReflectorSeq(MemorySegment counters) {
        return counters.get(JAVA_LONG, REFL_COUNTERS_LAST_REFLECTOR_SEQ);
    }

    public static long countersHwRxTimestamps(MemorySegment counters) {
        return counters.get(JAVA_LONG, REFL_COUNTERS_HW_RX_TIMESTAMPS);
    }

    public static long countersSourceLimited(MemorySegment counters) {
        return counters.get(JAVA_LONG, REFL_COUNTERS_SOURCE_LIMITED);
    }

    // ==== stamp_collector.h ==================================================================

    public static final int STAMP_SS_USER = 1;
    public static final int STAMP_REC_T4_HW = 1;

    public static final StructLayout STAMP_SENDER_KEY = MemoryLayout.structLayout(
            address("reflector_addr"),
            JAVA_SHORT.withName("reflector_port"),
            JAVA_SHORT.withName("sender_port"),
            JAVA_INT.withName("ssid")).withName("stamp_sender_key");
    public static final long SENDER_KEY_REFLECTOR_ADDR = offset(STAMP_SENDER_KEY, "reflector_addr");
    public static final long SENDER_KEY_REFLECTOR_PORT = offset(STAMP_SENDER_KEY, "reflector_port");
    public static final long SENDER_KEY_SENDER_PORT = offset(STAMP_SENDER_KEY, "sender_port");
    public static final long SENDER_KEY_SSID = offset(STAMP_SENDER_KEY, "ssid");

    public static final StructLayout STAMP_SENDER_SESSION = MemoryLayout.structLayout(
            JAVA_INT.withName("session_id"),
            JAVA_INT.withName("flags")).withName("stamp_sender_session");
    public static final long SENDER_SESSION_SESSION_ID = offset(STAMP_SENDER_SESSION, "session_id");
    public static final long SENDER_SESSION_FLAGS = offset(STAMP_SENDER_SESSION, "flags");

    public static final StructLayout STAMP_RECORD = MemoryLayout.structLayout(
            JAVA_INT.withName("session_id"),
            JAVA_INT.withName("sender_seq"),
            JAVA_INT.withName("reflector_seq"),
            JAVA_SHORT.withName("error_estimate"),
            JAVA_BYTE.withName("sender_ttl"),
            JAVA_BYTE.withName("hop_limit"),
            JAVA_LONG.withName("t1"),
            JAVA_LONG.withName("t2"),
            JAVA_LONG.withName("t3"),
            JAVA_LONG.withName("t4"),
            JAVA_SHORT.withName("length"),
            JAVA_SHORT.withName("flags"),
            JAVA_INT.withName("reserved")).withName("stamp_record");
    public static final long RECORD_SESSION_ID = offset(STAMP_RECORD, "session_id");
    public static final long RECORD_SENDER_SEQ = offset(STAMP_RECORD, "sender_seq");
    public static final long RECORD_REFLECTOR_SEQ = offset(STAMP_RECORD, "reflector_seq");
    public static final long RECORD_ERROR_ESTIMATE = offset(STAMP_RECORD, "error_estimate");
    public static final long RECORD_SENDER_TTL = offset(STAMP_RECORD, "sender_ttl");
    public static final long RECORD_HOP_LIMIT = offset(STAMP_RECORD, "hop_limit");
    public static final long RECORD_T1 = offset(STAMP_RECORD, "t1");
    public static final long RECORD_T2 = offset(STAMP_RECORD, "t2");
    public static final long RECORD_T3 = offset(STAMP_RECORD, "t3");
    public static final long RECORD_T4 = offset(STAMP_RECORD, "t4");
    public static final long RECORD_LENGTH = offset(STAMP_RECORD, "length");
    public static final long RECORD_FLAGS = offset(STAMP_RECORD, "flags");

    /** Writes a stamp_sender_key. */
    public static void senderKey(MemorySegment key, byte[] reflectorAddr, int reflectorPort, int senderPort,
                                 int ssid) {
        putAddress(key, SENDER_KEY_REFLECTOR_ADDR, reflectorAddr);
        key.set(JAVA_SHORT, SENDER_KEY_REFLECTOR_PORT, (short) reflectorPort);
        key.set(JAVA_SHORT, SENDER_KEY_SENDER_PORT, (short) senderPort);
        key.set(JAVA_INT, SENDER_KEY_SSID, ssid);
    }

    /** Writes a stamp_sender_session. */
    public static void senderSession(MemorySegment value, int sessionId, int flags) {
        value.set(JAVA_INT, SENDER_SESSION_SESSION_ID, sessionId);
        value.set(JAVA_INT, SENDER_SESSION_FLAGS, flags);
    }

    public static int recordSessionId(MemorySegment r) {
        return r.get(JAVA_INT, RECORD_SESSION_ID);
    }

    public static long recordSenderSeq(MemorySegment r) {
        return Integer.toUnsignedLong(r.get(JAVA_INT, RECORD_SENDER_SEQ));
    }

    public static long recordReflectorSeq(MemorySegment r) {
        return Integer.toUnsignedLong(r.get(JAVA_INT, RECORD_REFLECTOR_SEQ));
    }

    public static short recordErrorEstimate(MemorySegment r) {
        return r.get(JAVA_SHORT, RECORD_ERROR_ESTIMATE);
    }

    public static int recordSenderTtl(MemorySegment r) {
        return Byte.toUnsignedInt(r.get(JAVA_BYTE, RECORD_SENDER_TTL));
    }

    public static int recordHopLimit(MemorySegment r) {
        return Byte.toUnsignedInt(r.get(JAVA_BYTE, RECORD_HOP_LIMIT));
    }

    /** T1 as the 64-bit wire value (NTP or PTP, per the sender's format). */
    public static long recordT1(MemorySegment r) {
        return r.get(JAVA_LONG, RECORD_T1);
    }

    public static long recordT2(MemorySegment r) {
        return r.get(JAVA_LONG, RECORD_T2);
    }

    public static long recordT3(MemorySegment r) {
        return r.get(JAVA_LONG, RECORD_T3);
    }

    /** T4 in nanoseconds since the Unix epoch (UTC). */
    public static long recordT4(MemorySegment r) {
        return r.get(JAVA_LONG, RECORD_T4);
    }

    public static int recordLength(MemorySegment r) {
        return Short.toUnsignedInt(r.get(JAVA_SHORT, RECORD_LENGTH));
    }

    public static int recordFlags(MemorySegment r) {
        return Short.toUnsignedInt(r.get(JAVA_SHORT, RECORD_FLAGS));
    }

    // ==== per-CPU counters ===================================================================

    /**
     * A counter's total over CPUs, from the value buffer a per-CPU look-up of refl_stats or
     * coll_stats fills ({@code cpus} __u64 values, {@code stride} octets apart).
     */
    public static long sumPerCpu(MemorySegment values, int cpus, int stride) {
        long total = 0;
        for (int cpu = 0; cpu < cpus; cpu++) {
            total += values.get(JAVA_LONG, (long) cpu * stride);
        }
        return total;
    }

    private static void putAddress(MemorySegment s, long at, byte[] address) {
        if (address.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets, not " + address.length);
        }
        MemorySegment.copy(address, 0, s, ValueLayout.JAVA_BYTE, at, 16);
    }
}
