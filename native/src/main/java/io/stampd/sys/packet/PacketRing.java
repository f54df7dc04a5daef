package io.stampd.sys.packet;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

import static io.stampd.sys.packet.PacketStructs.*;

/**
 * A packet socket bound to one interface with a TPACKET_V3 receive ring mapped into this process:
 * the kernel fills blocks of frames and hands a block over when it is full or when its retire
 * timeout has passed, so a wake-up brings a batch and reading it costs no system call. The socket
 * sends too (sendmmsg of whole Ethernet frames, past the qdisc). It sees the frames arriving on the
 * interface only, not what the host sends (PACKET_IGNORE_OUTGOING), and, once a filter is attached
 * before the bind, only what the filter accepts.
 *
 * <p>Frames are handed to a {@link FrameHandler} in place, in the mapped ring, which stays valid
 * until the handler returns; nothing is allocated per frame. One thread only.
 */
public final class PacketRing implements AutoCloseable {
    /** SOF_TIMESTAMPING_RAW_HARDWARE: the ring carries the NIC's timestamp where the driver gives one. */
    private static final int RAW_HARDWARE = 1 << 6;
    private static final int SO_TIMESTAMPNS = 35;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final MethodHandle GETSOCKOPT = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getsockopt").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    /** What a frame's receive timestamp is. */
    public enum Stamp { HARDWARE, SOFTWARE, COARSE }

    /**
     * Called for each frame of a retired block; {@code mac} is the Ethernet header's offset in
     * {@code ring}. {@code checksumDone}: the kernel or NIC has validated the transport checksum,
     * or the frame carries a partial one that was never to be finished (CHECKSUM_PARTIAL from a
     * local sender over a veth): either way the checksum field is not the reader's to verify.
     */
    public interface FrameHandler {
        void frame(MemorySegment ring, long mac, int capturedLength, int wireLength, long rxNanos, Stamp stamp,
                   boolean checksumDone);
    }

    /** The ring's geometry: blocks of {@code blockSize} octets; {@code retireMillis}: the longest a frame waits in an open block. */
    public record Geometry(int blockSize, int blocks, int frameSize, int retireMillis) {
        public Geometry {
            if (blockSize <= 0 || (blockSize & (blockSize - 1)) != 0 || blockSize % Libc.pageSize() != 0) {
                throw new IllegalArgumentException("block size " + blockSize + " is not a power of two multiple of the page size");
            }
            if (blocks <= 0 || frameSize < 128 || frameSize % 16 != 0 || frameSize > blockSize || retireMillis <= 0) {
                throw new IllegalArgumentException("bad ring geometry " + blocks + " x " + blockSize + ", frame " + frameSize
                        + ", retire " + retireMillis + " ms");
            }
        }

        /** 64 blocks of 128 KiB (8 MiB), 2 KiB frames, 1 ms retire: tens of thousands of frames of room. */
        public static final Geometry DEFAULT = new Geometry(128 << 10, 64, 2048, 1);
    }

    public final int fd;
    public final int ifindex;
    private final Geometry geometry;
    private final MemorySegment ring;
    private int block;
    private boolean closed;

    private PacketRing(int fd, int ifindex, Geometry geometry, MemorySegment ring) {
        this.fd = fd;
        this.ifindex = ifindex;
        this.geometry = geometry;
        this.ring = ring;
    }

    /**
     * Opens the socket and its ring on interface {@code ifindex} (in the calling thread's network
     * namespace). {@code beforeBind} gets the descriptor while the socket still receives nothing
     * (protocol 0, unbound): attach the filter there, so no frame reaches the ring unfiltered.
     *
     * @throws PacketSocketException naming the step and errno that failed; nothing stays open
     */
    public static PacketRing open(int ifindex, Geometry g, IntConsumer beforeBind) {
        int fd = Libc.socket(AF_PACKET, SOCK_RAW | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new PacketSocketException("socket(AF_PACKET, SOCK_RAW)", -fd);
        }
        MemorySegment mapped = MemorySegment.NULL;
        long size = (long) g.blockSize() * g.blocks();
        try {
            check(Libc.setsockoptInt(fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3), "PACKET_VERSION TPACKET_V3");
            check(Libc.setsockoptInt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1), "PACKET_IGNORE_OUTGOING");
            check(Libc.setsockoptInt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1), "PACKET_QDISC_BYPASS");
            // Receive timestamps: the NIC's where it has one, else the kernel's software stamp, which
            // the kernel takes only while some socket asks for it (SO_TIMESTAMPNS here).
            check(Libc.setsockoptInt(fd, SOL_PACKET, PACKET_TIMESTAMP, RAW_HARDWARE), "PACKET_TIMESTAMP");
            check(Libc.setsockoptInt(fd, Libc.SOL_SOCKET, SO_TIMESTAMPNS, 1), "SO_TIMESTAMPNS");
            try (Arena a = Arena.ofConfined()) {
                MemorySegment req = a.allocate(TPACKET_REQ3);
                req.set(ValueLayout.JAVA_INT, 0, g.blockSize());
                req.set(ValueLayout.JAVA_INT, 4, g.blocks());
                req.set(ValueLayout.JAVA_INT, 8, g.frameSize());
                req.set(ValueLayout.JAVA_INT, 12, (int) (size / g.frameSize()));
                req.set(ValueLayout.JAVA_INT, 16, g.retireMillis());
                check(Libc.setsockopt(fd, SOL_PACKET, PACKET_RX_RING, req, (int) TPACKET_REQ3.byteSize()),
                        "PACKET_RX_RING");
            }
            int[] errno = new int[1];
            mapped = Libc.mmapShared(fd, 0, size, PROT_READ | PROT_WRITE, errno);
            if (mapped.equals(MemorySegment.NULL)) {
                throw new PacketSocketException("mmap of the " + size + "-octet ring", errno[0]);
            }
            mapped = mapped.reinterpret(size);
            beforeBind.accept(fd);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment sll = a.allocate(SOCKADDR_LL);
                sll.set(ValueLayout.JAVA_SHORT, SLL_FAMILY, (short) AF_PACKET);
                // ETH_P_ALL, not ETH_P_IPV6: a handler for one protocol on the device is delivered
                // after the kernel's IPv6 handler and takes its place as the last one, which costs
                // IPv6 its batched (list) receive: forwarding lost a third of its rate. A tap is
                // delivered first and leaves the IPv6 handler last. The filter admits IPv6 only.
                sll.set(ValueLayout.JAVA_SHORT.withOrder(java.nio.ByteOrder.BIG_ENDIAN), SLL_PROTOCOL, (short) ETH_P_ALL);
                sll.set(ValueLayout.JAVA_INT, SLL_IFINDEX, ifindex);
                check(Libc.bind(fd, sll, SOCKADDR_LL_SIZE), "bind to interface " + ifindex);
            }
            return new PacketRing(fd, ifindex, g, mapped);
        } catch (RuntimeException e) {
            if (!mapped.equals(MemorySegment.NULL)) {
                Libc.munmap(mapped, size);
            }
            Libc.close(fd);
            throw e;
        }
    }

    private static void check(int r, String what) {
        if (r < 0) {
            throw new PacketSocketException(what, -r);
        }
    }

    /**
     * Hands every frame of the blocks the kernel has retired, in order, to {@code h}, and gives
     * each block back; at most {@code maxBlocks} blocks, so one busy ring cannot starve the loop.
     * Returns the frames handed over.
     */
    public int poll(FrameHandler h, int maxBlocks) {
        int frames = 0;
        long blockSize = geometry.blockSize();
        for (int b = 0; b < maxBlocks; b++) {
            long base = block * blockSize;
            int status = (int) INT.getAcquire(ring, base + BLOCK_STATUS);
            if ((status & TP_STATUS_USER) == 0) {
                break;
            }
            int n = ring.get(ValueLayout.JAVA_INT, base + BLOCK_NUM_PKTS);
            long frame = base + Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, base + BLOCK_FIRST_PKT));
            for (int i = 0; i < n; i++) {
                int fs = ring.get(ValueLayout.JAVA_INT, frame + FRAME_STATUS);
                long nanos = Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, frame + FRAME_SEC)) * 1_000_000_000L
                        + Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, frame + FRAME_NSEC));
                Stamp stamp = (fs & TP_STATUS_TS_RAW_HARDWARE) != 0 ? Stamp.HARDWARE
                        : (fs & TP_STATUS_TS_SOFTWARE) != 0 ? Stamp.SOFTWARE : Stamp.COARSE;
                long mac = frame + Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, frame + FRAME_MAC));
                h.frame(ring, mac, ring.get(ValueLayout.JAVA_INT, frame + FRAME_SNAPLEN),
                        ring.get(ValueLayout.JAVA_INT, frame + FRAME_LEN), nanos, stamp,
                        (fs & (TP_STATUS_CSUMNOTREADY | TP_STATUS_CSUM_VALID)) != 0);
                frames++;
                frame += Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, frame + FRAME_NEXT));
            }
            INT.setRelease(ring, base + BLOCK_STATUS, TP_STATUS_KERNEL);
            block = (block + 1) % geometry.blocks();
        }
        return frames;
    }

    /** Frames the kernel dropped because the ring was full, since the last call (PACKET_STATISTICS resets them). */
    public long takeDrops() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment stats = a.allocate(TPACKET_STATS_V3);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) TPACKET_STATS_V3.byteSize());
            int r = (int) GETSOCKOPT.invokeExact(fd, SOL_PACKET, PACKET_STATISTICS, stats, len);
            return r < 0 ? 0 : Integer.toUnsignedLong(stats.get(ValueLayout.JAVA_INT, 4));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Unmaps the ring and closes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.munmap(ring, ring.byteSize());
        Libc.close(fd);
    }
}
