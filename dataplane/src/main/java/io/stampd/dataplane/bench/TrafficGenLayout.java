package io.stampd.dataplane.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The map values of ebpf/traffic_gen.h in native byte order, and the checksum seeds the program
 * adds to. A seed is a one's complement sum of octets "as the CPU loads them" (16-bit words in
 * native order), the way bpf_csum_diff sums the packet, so the program's folded, complemented
 * result can be stored in the UDP header as is.
 */
final class TrafficGenLayout {
    /** sizeof(struct traffic_gen_cfg). */
    static final int CFG_SIZE = 128;
    /** sizeof(struct traffic_gen_state). */
    static final int STATE_SIZE = 48;
    /** sizeof(struct traffic_gen_stats). */
    static final int STATS_SIZE = 40;

    static final int CFG_PERIOD_NS = 64;
    static final int CFG_PERIOD_FRAC = 112;
    static final int CFG_RUN_FRAMES = 116;
    static final int CFG_TRIGGER_TOKEN = 120;

    static final int UDP_HEADER = 8;
    static final int HEADERS = 62;
    private static final int NEXT_HEADER_UDP = 17;

    private TrafficGenLayout() {
    }

    /**
     * struct traffic_gen_cfg for {@code c}, sent out of {@code ifindex} from {@code sourceMac}, unpaced,
     * acting on TC triggers that carry {@code triggerToken}.
     */
    static byte[] encodeConfig(TrafficConfig c, int ifindex, byte[] sourceMac, long triggerToken) {
        ByteBuffer b = ByteBuffer.allocate(CFG_SIZE).order(ByteOrder.nativeOrder());
        b.put(c.destinationMac()).put(sourceMac).putInt(ifindex);
        b.put(c.source().getAddress()).put(c.dataDestination().getAddress());
        b.put(c.stampDestination() == null ? new byte[16] : c.stampDestination().getAddress());
        b.putLong(0); // period_ns: set per run
        b.putLong(0); // start_ns: taken at frame 0
        b.putInt(c.stampPpm()).putInt(c.flows());
        b.putShort((short) c.dataSourcePort()).putShort((short) c.dataPort());
        b.putShort((short) c.stampSourcePort()).putShort((short) c.stampPort());
        b.putShort((short) c.frameLength()).putShort((short) c.ssid());
        b.putShort(TrafficConfig.ERROR_ESTIMATE);
        b.put((byte) c.stampKind().wire).put((byte) c.hopLimit());
        b.putInt(dataChecksumSeed(c));
        b.putInt(stampChecksumSeed(c));
        b.putInt(0); // period_frac: set per run
        b.putInt(0); // run_frames: set per run
        b.putLong(triggerToken);
        return b.array();
    }

    /** Sets run_frames of an encoded config. */
    static void setRunFrames(byte[] cfg, int frames) {
        ByteBuffer.wrap(cfg).order(ByteOrder.nativeOrder()).putInt(CFG_RUN_FRAMES, frames);
    }

    /** Sets period_ns and period_frac (2^-16 ns) of an encoded config for {@code ratePps}, 0 = unpaced. */
    static void setRate(byte[] cfg, long ratePps) {
        ByteBuffer b = ByteBuffer.wrap(cfg).order(ByteOrder.nativeOrder());
        long whole = 0;
        long frac = 0;
        if (ratePps > 0) {
            long fixed = Math.round(1e9 * 65_536 / ratePps); // period in 2^-16 ns
            whole = fixed >>> 16;
            frac = fixed & 0xFFFF;
        }
        b.putLong(CFG_PERIOD_NS, whole);
        b.putInt(CFG_PERIOD_FRAC, (int) frac);
    }

    /** The period (ns) frame i is scheduled with at {@code ratePps}, as the program computes it. */
    static long scheduledOffsetNanos(long index, long ratePps) {
        long fixed = Math.round(1e9 * 65_536 / ratePps);
        return index * (fixed >>> 16) + ((index * (fixed & 0xFFFF)) >>> 16);
    }

    /** Pseudo-header, data UDP header with source port 0 and checksum 0, zero payload. */
    static int dataChecksumSeed(TrafficConfig c) {
        int udpLength = c.frameLength() - HEADERS + UDP_HEADER;
        byte[] words = new byte[4];
        ByteBuffer.wrap(words).putShort((short) c.dataPort()).putShort((short) udpLength);
        return fold(pseudoHeaderSum(c.source().getAddress(), c.dataDestination().getAddress(), udpLength)
                + memorySum(words));
    }

    /** Pseudo-header of the STAMP frames; the program sums their UDP header and payload onto it. */
    static int stampChecksumSeed(TrafficConfig c) {
        if (c.stampDestination() == null) {
            return 0;
        }
        return fold(pseudoHeaderSum(c.source().getAddress(), c.stampDestination().getAddress(),
                TrafficConfig.STAMP_FRAME_LENGTH - HEADERS + UDP_HEADER));
    }

    /** The UDP checksum field (as a native-order short in memory) of a data frame from source port {@code port}. */
    static int dataChecksumInMemory(int seed, int port) {
        long portInMemory = memorySum(new byte[] {(byte) (port >>> 8), (byte) port});
        int sum = ~fold(seed + portInMemory) & 0xFFFF;
        return sum == 0 ? 0xFFFF : sum;
    }

    private static long pseudoHeaderSum(byte[] source, byte[] destination, int upperLayerLength) {
        ByteBuffer pseudo = ByteBuffer.allocate(40);
        pseudo.put(source).put(destination).putInt(upperLayerLength).putInt(NEXT_HEADER_UDP);
        return memorySum(pseudo.array());
    }

    /** Sum of the octets as native-order 16-bit words (an even count). */
    static long memorySum(byte[] octets) {
        ByteBuffer b = ByteBuffer.wrap(octets).order(ByteOrder.nativeOrder());
        long sum = 0;
        while (b.remaining() >= 2) {
            sum += Short.toUnsignedInt(b.getShort());
        }
        return sum;
    }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** struct traffic_gen_state for a new run: frame 0, the given realtime offset, STAMP sequence kept. */
    static byte[] encodeState(long realtimeOffsetNanos, int stampSeq) {
        return ByteBuffer.allocate(STATE_SIZE).order(ByteOrder.nativeOrder())
                .putLong(0).putLong(0).putLong(realtimeOffsetNanos).putInt(stampSeq).putInt(0)
                .putLong(0).putLong(0).array();
    }

    static int stateStampSeq(byte[] state) {
        return ByteBuffer.wrap(state).order(ByteOrder.nativeOrder()).getInt(24);
    }

    static long stateStartNanos(byte[] state) {
        return ByteBuffer.wrap(state).order(ByteOrder.nativeOrder()).getLong(8);
    }

    static long stateNextIndex(byte[] state) {
        return ByteBuffer.wrap(state).order(ByteOrder.nativeOrder()).getLong(0);
    }

    /** Nanoseconds from frame 0 to the run's last frame, 0 when the run ended before it. */
    static long stateSpanNanos(byte[] state) {
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.nativeOrder());
        long first = b.getLong(32);
        long last = b.getLong(40);
        return first != 0 && last > first ? last - first : 0;
    }
}
