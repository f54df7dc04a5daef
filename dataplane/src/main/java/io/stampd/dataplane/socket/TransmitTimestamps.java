package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import io.stampd.sys.ControlMessageCursor;
import io.stampd.dataplane.core.Transmitted;
import io.stampd.dataplane.session.Ipv6Addresses;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Kernel transmit timestamps of one socket. On a Session-Sender socket they make a session's T1 the
 * time its test packet left (the driver's software transmit timestamp, skb_tx_timestamp) rather than the
 * clock reading user space wrote into the packet before the system call. On a VM that system call
 * alone (socket layer, IPv6 output, routing header) takes 20-50 µs, all of which used to count as
 * forward delay.
 *
 * <p>Each test packet is sent with an SCM_TS_OPT_ID key chosen here ({@link #key}); the kernel
 * returns the timestamp on the socket's error queue with that key (OPT_TSONLY: no copy of the
 * packet), and {@link #drain} hands it to the session that sent the packet. Linux before 6.13 does
 * not take the key cmsg: {@link #on} finds that out with a probe that sends nothing, and leaves
 * transmit timestamps off, so T1 stays the user-space reading. On a reflector socket they give
 * Follow-Up Telemetry (RFC 8972 §4.7) the time a reply really left. One per endpoint, I/O thread
 * only, no allocation per packet.
 */
public final class TransmitTimestamps implements AutoCloseable {
    /** Keys in flight between sendmsg and the error queue: far more than one loop turn sends. */
    private static final int RING = 1024;
    private static final int BATCH = 16;
    private static final int CONTROL = 256;
    /** Reporting options; the request to stamp (TX_SOFTWARE) is per socket or per packet. */
    private static final int REPORTING = Libc.SOF_TIMESTAMPING_SOFTWARE | Libc.SOF_TIMESTAMPING_OPT_ID
            | Libc.SOF_TIMESTAMPING_OPT_TSONLY;
    /** The per-packet request, as a SO_TIMESTAMPING cmsg carries it. */
    public static final int STAMP_THIS_PACKET = Libc.SOF_TIMESTAMPING_TX_SOFTWARE;
    /** SOL_PACKET and PACKET_TX_TIMESTAMP: a packet socket's error-queue message names its key here. */
    private static final int SOL_PACKET = 263;
    private static final int PACKET_TX_TIMESTAMP = 16;
    private static volatile Boolean keysTaken;

    private static final Inet6Address LOOPBACK = Ipv6Addresses.parse("::1", "probe address");
    private final int fd;
    private final Transmitted[] senders = new Transmitted[RING];
    private final long[] seqs = new long[RING];
    private final int[] keys = new int[RING];
    private int nextKey;
    private final boolean enabled;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment hdrs;
    private final MemorySegment control;
    private final ControlMessageCursor cmsgs = new ControlMessageCursor();

    private TransmitTimestamps(int fd, boolean enabled) {
        this.fd = fd;
        this.enabled = enabled;
        hdrs = arena.allocate((long) Libc.MMSGHDR_SIZE * BATCH, 8);
        control = arena.allocate((long) CONTROL * BATCH, 8);
        for (int i = 0; i < BATCH; i++) {
            long h = (long) Libc.MMSGHDR_SIZE * i;
            hdrs.set(ADDRESS, h + Libc.MSG_NAME, MemorySegment.NULL);
            hdrs.set(ADDRESS, h + Libc.MSG_IOV, MemorySegment.NULL);
            hdrs.set(JAVA_LONG, h + Libc.MSG_IOVLEN, 0);
            hdrs.set(ADDRESS, h + Libc.MSG_CONTROL, control.asSlice((long) CONTROL * i, CONTROL));
        }
    }

    /**
     * Switches transmit timestamps on for {@code socket} if the kernel takes both the socket option
     * and the per-packet key; otherwise they stay off. {@code everyPacket}: the kernel stamps every
     * packet sent (a sender's test packets); otherwise only those sent with a
     * {@link #STAMP_THIS_PACKET} cmsg (the reflector's replies that a follow-up will report).
     */
    static TransmitTimestamps on(UdpSocket socket, boolean everyPacket) {
        int flags = REPORTING | (everyPacket ? Libc.SOF_TIMESTAMPING_TX_SOFTWARE : 0);
        boolean ok = Libc.setsockoptInt(socket.fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING, flags) == 0;
        if (ok && !kernelTakesKeys(socket.fd)) {
            Libc.setsockoptInt(socket.fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING, 0);
            ok = false;
        }
        return new TransmitTimestamps(socket.fd, ok);
    }

    /**
     * Does the kernel know SCM_TS_OPT_ID? A sendmsg with MSG_PROBE builds no packet, but the
     * kernel parses the control messages first and refuses an unknown one with EINVAL, before it
     * looks at the route (which may fail here with another errno: that still means yes).
     */
    private static boolean kernelTakesKeys(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocate(Libc.SOCKADDR_IN6_SIZE, 8);
            Sockaddr.write(name, LOOPBACK, 9);
            MemorySegment payload = a.allocate(1);
            MemorySegment iov = a.allocate(Libc.IOVEC_SIZE, 8);
            iov.set(ADDRESS, 0, payload);
            iov.set(JAVA_LONG, 8, 1);
            MemorySegment control = a.allocate(Libc.CMSG_HDR + 8, 8);
            Libc.putCmsgInt(control, 0, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, 0);
            MemorySegment hdr = a.allocate(Libc.MMSGHDR_SIZE, 8);
            Libc.putMsgHeader(hdr, 0, name, iov);
            hdr.set(ADDRESS, Libc.MSG_CONTROL, control);
            hdr.set(JAVA_LONG, Libc.MSG_CONTROLLEN, Libc.CMSG_HDR + 8);
            return Libc.sendmsg(fd, hdr, Libc.MSG_PROBE | Libc.MSG_DONTWAIT) != -Libc.EINVAL;
        }
    }

    /**
     * Transmit timestamps for the packets sent on packet socket {@code fd} with a
     * {@link #STAMP_THIS_PACKET} cmsg and a key (a plane's test packets, and the replies a
     * follow-up will report), if this kernel takes per-packet keys (asked once, of a UDP socket:
     * a packet socket would send the probe).
     */
    public static TransmitTimestamps forPacketSocket(int fd) {
        boolean ok = kernelTakesKeys() && Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING, REPORTING) == 0;
        return new TransmitTimestamps(fd, ok);
    }

    /** Whether this kernel takes SCM_TS_OPT_ID (probed once on a UDP socket of its own). */
    public static boolean kernelTakesKeys() {
        Boolean known = keysTaken;
        if (known == null) {
            int fd = Libc.socket(Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            known = fd >= 0 && Libc.setsockoptInt(fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING, REPORTING) == 0
                    && kernelTakesKeys(fd);
            if (fd >= 0) {
                Libc.close(fd);
            }
            keysTaken = known;
        }
        return known;
    }

    /** Keyed sends on {@code socket} without asking the kernel: the warm-up's invalid descriptor. */
    static TransmitTimestamps assumedOn(UdpSocket socket) {
        return new TransmitTimestamps(socket.fd, true);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The key to send packet {@code seq} of {@code s} with. Every call takes a new key: one whose
     * packet the kernel refused just never comes back.
     */
    public int key(Transmitted s, long seq) {
        int k = nextKey++;
        int slot = k & (RING - 1);
        senders[slot] = s;
        seqs[slot] = seq;
        keys[slot] = k;
        return k;
    }

    /** Forgets the packets of {@code s} (the session stopped). */
    public void forget(Transmitted s) {
        for (int i = 0; i < RING; i++) {
            if (senders[i] == s) {
                senders[i] = null;
            }
        }
    }

    /** Reads the error queue dry and reports each transmit timestamp to its session; returns how many messages it read. */
    public int drain() {
        int total = 0;
        while (true) {
            for (int i = 0; i < BATCH; i++) {
                long h = (long) Libc.MMSGHDR_SIZE * i;
                hdrs.set(JAVA_INT, h + Libc.MSG_NAMELEN, 0);
                hdrs.set(JAVA_LONG, h + Libc.MSG_CONTROLLEN, CONTROL);
                hdrs.set(JAVA_INT, h + Libc.MSG_FLAGS, 0);
            }
            int n = Libc.recvmmsg(fd, hdrs, BATCH, Libc.MSG_ERRQUEUE | Libc.MSG_DONTWAIT);
            total += Math.max(0, n);
            for (int i = 0; i < n; i++) {
                long h = (long) Libc.MMSGHDR_SIZE * i;
                parse((long) CONTROL * i, Math.min(CONTROL, hdrs.get(JAVA_LONG, h + Libc.MSG_CONTROLLEN)));
            }
            if (n < BATCH) {
                return total;
            }
        }
    }

    /** One error-queue message: a software timestamp cmsg and the extended error naming its key. */
    private void parse(long base, long end) {
        long nanos = 0;
        long key = -1;
        cmsgs.reset(control, base, end);
        while (cmsgs.next()) {
            long data = cmsgs.data();
            if (cmsgs.is(Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPING, 16)) {
                // struct scm_timestamping: ts[0] is the software timestamp
                nanos = control.get(JAVA_LONG, data) * 1_000_000_000L + control.get(JAVA_LONG, data + Libc.TV_NSEC);
            } else if (cmsgs.is(Libc.IPPROTO_IPV6, Libc.IPV6_RECVERR, 16)
                    || cmsgs.is(Libc.IPPROTO_IP, Libc.IP_RECVERR, 16) || cmsgs.is(SOL_PACKET, PACKET_TX_TIMESTAMP, 16)) {
                // struct sock_extended_err: errno, origin, type, code, pad, info, data (the key)
                int errno = control.get(JAVA_INT, data);
                int origin = control.get(JAVA_BYTE, data + Libc.EE_ORIGIN);
                int info = control.get(JAVA_INT, data + Libc.EE_INFO);
                if (errno == Libc.ENOMSG && origin == Libc.SO_EE_ORIGIN_TIMESTAMPING && info == Libc.SCM_TSTAMP_SND) {
                    key = Integer.toUnsignedLong(control.get(JAVA_INT, data + Libc.EE_DATA));
                }
            }
        }
        if (nanos == 0 || key < 0) {
            return;
        }
        int slot = (int) key & (RING - 1);
        Transmitted s = senders[slot];
        if (s != null && keys[slot] == (int) key) {
            senders[slot] = null;
            s.onTransmitted(seqs[slot], nanos);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
