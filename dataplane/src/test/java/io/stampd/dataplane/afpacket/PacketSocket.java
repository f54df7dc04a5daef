package io.stampd.dataplane.afpacket;

import io.stampd.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Optional;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The least of an AF_PACKET SOCK_RAW socket a test needs: open it receiving nothing, attach a
 * filter, bind it to one interface for every protocol, read one frame at a time with a timeout,
 * and send whole frames. No ring. The constants and layouts are checked against the C headers by
 * StampPacketFilterHeaderTest.
 */
final class PacketSocket implements AutoCloseable {
    /* <sys/socket.h>, <linux/if_ether.h> */
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int ETH_P_ALL = 0x0003;
    static final int SO_RCVTIMEO = 20;

    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr")).withName("sockaddr_ll");
    static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_usec")).withName("timeval");

    private final int fd;
    private boolean closed;

    private PacketSocket(int fd) {
        this.fd = fd;
    }

    /**
     * A packet socket of protocol 0, which receives nothing until {@link #bind}: whatever a test
     * reads arrived after the filter was attached.
     */
    static PacketSocket open() {
        int fd = Libc.socket(AF_PACKET, SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        check(fd, "socket(AF_PACKET, SOCK_RAW, 0)");
        return new PacketSocket(fd);
    }

    int fd() {
        return fd;
    }

    /** Binds the socket to interface {@code ifindex} for every protocol (ETH_P_ALL): it starts receiving. */
    void bind(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sll = arena.allocate(SOCKADDR_LL);
            sll.set(JAVA_SHORT, offset(SOCKADDR_LL, "sll_family"), (short) AF_PACKET);
            sll.set(Libc.NET_U16, offset(SOCKADDR_LL, "sll_protocol"), (short) ETH_P_ALL);
            sll.set(JAVA_INT, offset(SOCKADDR_LL, "sll_ifindex"), ifindex);
            check(Libc.bind(fd, sll, (int) sll.byteSize()), "bind(ifindex " + ifindex + ", ETH_P_ALL)");
        }
    }

    /** The next frame the socket receives, from its Ethernet header on; empty after {@code timeoutMillis}. */
    Optional<byte[]> receive(int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tv = arena.allocate(TIMEVAL);
            tv.set(JAVA_LONG, offset(TIMEVAL, "tv_sec"), timeoutMillis / 1000);
            tv.set(JAVA_LONG, offset(TIMEVAL, "tv_usec"), (timeoutMillis % 1000) * 1000L);
            check(Libc.setsockopt(fd, Libc.SOL_SOCKET, SO_RCVTIMEO, tv, (int) tv.byteSize()), "SO_RCVTIMEO");
            MemorySegment buf = arena.allocate(65536);
            long n = Libc.read(fd, buf, buf.byteSize());
            if (n == -Libc.EAGAIN) {
                return Optional.empty();
            }
            check(n, "read");
            return Optional.of(buf.asSlice(0, n).toArray(JAVA_BYTE));
        }
    }

    /** Sends {@code frame} (from its Ethernet header on) out of the interface the socket is bound to. */
    void send(byte[] frame) {
        try (Arena arena = Arena.ofConfined()) {
            long n = Libc.write(fd, arena.allocateFrom(JAVA_BYTE, frame), frame.length);
            check(n, "write of a " + frame.length + "-octet frame");
            if (n != frame.length) {
                throw new IllegalStateException("wrote " + n + " of " + frame.length + " octets");
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    private static long offset(StructLayout layout, String member) {
        return layout.byteOffset(groupElement(member));
    }

    private static void check(long rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + Libc.strerror((int) -rc) + " (errno " + -rc + ")");
        }
    }
}
