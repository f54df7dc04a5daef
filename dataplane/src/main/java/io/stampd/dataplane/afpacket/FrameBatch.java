package io.stampd.dataplane.afpacket;

import io.stampd.dataplane.codec.UdpChecksum;
import io.stampd.dataplane.core.Datagrams;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The STAMP datagrams of received Ethernet frames, parsed and copied out of the ring into
 * preallocated slots (the ring's block goes back to the kernel at once; a reflector turns the
 * copy into its reply in place). Parsing checks what the kernel's UDP path would have checked
 * for a socket: IPv6, the extension-header chain (a routing header must be spent, Segments Left
 * 0), the UDP length against the frame, and the UDP checksum, under the final-destination rule.
 * I/O thread only, allocation-free.
 */
final class FrameBatch implements Datagrams {
    static final int ETH_HEADER = 14;
    static final int IPV6_HEADER = 40;
    static final int UDP_HEADER = 8;
    /** Longest extension-header chain walked, as the socket filter's. */
    static final int MAX_EXTENSION_HEADERS = 8;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Why a frame was not taken. */
    enum Refusal { NONE, NOT_IPV6, EXTENSION_HEADERS, TRUNCATED, CHECKSUM, TOO_LONG }

    final int slots;
    final int payloadSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] payload;
    private final MemorySegment[] source;
    private final MemorySegment[] destination;
    final int[] length;
    final int[] sourcePort;
    final int[] destinationPort;
    final int[] hopLimit;
    final int[] trafficClass;
    final long[] rxNanos;
    private final int ifindex;
    int count;

    FrameBatch(int slots, int payloadSize, int ifindex) {
        this(payloadSize, ifindex, slices(slots, payloadSize));
    }

    /**
     * A batch whose datagram {@code i} is copied into {@code payloadSlots[i]}: the reflector's
     * reply frames, so that the payload the core turns into a reply in place is already where the
     * reply is sent from (one copy per packet, out of the ring).
     */
    FrameBatch(int payloadSize, int ifindex, MemorySegment[] payloadSlots) {
        int slots = payloadSlots.length;
        this.slots = slots;
        this.payloadSize = payloadSize;
        this.ifindex = ifindex;
        payload = payloadSlots.clone();
        source = new MemorySegment[slots];
        destination = new MemorySegment[slots];
        MemorySegment addrs = arena.allocate(32L * slots, 8);
        for (int i = 0; i < slots; i++) {
            source[i] = addrs.asSlice(32L * i, 16);
            destination[i] = addrs.asSlice(32L * i + 16, 16);
        }
        length = new int[slots];
        sourcePort = new int[slots];
        destinationPort = new int[slots];
        hopLimit = new int[slots];
        trafficClass = new int[slots];
        rxNanos = new long[slots];
    }

    private static MemorySegment[] slices(int slots, int payloadSize) {
        MemorySegment data = Arena.ofAuto().allocate((long) slots * payloadSize, 64);
        MemorySegment[] out = new MemorySegment[slots];
        for (int i = 0; i < slots; i++) {
            out[i] = data.asSlice((long) i * payloadSize, payloadSize);
        }
        return out;
    }

    boolean full() {
        return count == slots;
    }

    /**
     * Parses the frame at {@code ring[mac]} ({@code captured} octets) into the next slot. Returns
     * {@link Refusal#NONE} if it took it. The UDP checksum is verified unless the kernel says it
     * is done ({@code checksumDone}: validated, or partial from a local sender).
     */
    Refusal add(MemorySegment ring, long mac, int captured, long nanos, boolean checksumDone) {
        if (captured < ETH_HEADER + IPV6_HEADER + UDP_HEADER
                || Short.toUnsignedInt(ring.get(U16, mac + 12)) != 0x86DD) {
            return Refusal.NOT_IPV6;
        }
        long ip = mac + ETH_HEADER;
        int first = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, ip));
        if (first >>> 4 != 6) {
            return Refusal.NOT_IPV6;
        }
        long end = ip + IPV6_HEADER + Short.toUnsignedInt(ring.get(U16, ip + 4));
        if (end > mac + captured) {
            return Refusal.TRUNCATED;
        }
        int next = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, ip + 6));
        long at = ip + IPV6_HEADER;
        for (int h = 0; next != 17; h++) {
            if (h == MAX_EXTENSION_HEADERS || !(next == 0 || next == 60 || next == 43)) {
                return Refusal.EXTENSION_HEADERS;
            }
            if (at + 8 > end) {
                return Refusal.TRUNCATED;
            }
            if (next == 43 && ring.get(ValueLayout.JAVA_BYTE, at + 3) != 0) {
                return Refusal.EXTENSION_HEADERS; // Segments Left > 0: in transit, not for us
            }
            next = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, at));
            at += (Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, at + 1)) + 1) * 8L;
        }
        if (at + UDP_HEADER > end) {
            return Refusal.TRUNCATED;
        }
        int udpLength = Short.toUnsignedInt(ring.get(U16, at + 4));
        if (udpLength < UDP_HEADER || at + udpLength > end) {
            return Refusal.TRUNCATED;
        }
        // With Segments Left 0 the IPv6 destination is the final one.
        if (!checksumDone && !UdpChecksum.verify(ring, ip + 8, ring, ip + 24, ring, at, udpLength)) {
            return Refusal.CHECKSUM;
        }
        int n = udpLength - UDP_HEADER;
        if (n > payloadSize) {
            return Refusal.TOO_LONG;
        }
        int i = count++;
        MemorySegment.copy(ring, at + UDP_HEADER, payload[i], 0, n);
        MemorySegment.copy(ring, ip + 8, source[i], 0, 16);
        MemorySegment.copy(ring, ip + 24, destination[i], 0, 16);
        length[i] = n;
        sourcePort[i] = Short.toUnsignedInt(ring.get(U16, at));
        destinationPort[i] = Short.toUnsignedInt(ring.get(U16, at + 2));
        hopLimit[i] = Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, ip + 7));
        trafficClass[i] = (first & 0x0F) << 4 | Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, ip + 1)) >>> 4;
        rxNanos[i] = nanos;
        return Refusal.NONE;
    }

    @Override
    public MemorySegment payload(int i) {
        return payload[i];
    }

    @Override
    public int length(int i) {
        return length[i];
    }

    @Override
    public boolean truncated(int i) {
        return false;
    }

    @Override
    public MemorySegment sourceAddress(int i) {
        return source[i];
    }

    @Override
    public int sourcePort(int i) {
        return sourcePort[i];
    }

    @Override
    public MemorySegment destinationAddress(int i) {
        return destination[i];
    }

    @Override
    public long receiveNanos(int i) {
        return rxNanos[i];
    }

    @Override
    public int hopLimit(int i) {
        return hopLimit[i];
    }

    @Override
    public int trafficClass(int i) {
        return trafficClass[i];
    }

    @Override
    public int ifIndex(int i) {
        return ifindex;
    }

    void close() {
        arena.close();
    }
}
