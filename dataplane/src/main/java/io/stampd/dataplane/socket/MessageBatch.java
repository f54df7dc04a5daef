package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.dataplane.codec.Ipv6Octets;
import io.stampd.dataplane.core.Datagrams;
import io.stampd.sys.ControlMessageCursor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Pre-allocated native memory for one recvmmsg/sendmmsg batch: per slot a packet buffer, the peer
 * address, ancillary data in both directions, and the parsed ancillary values (kernel receive
 * timestamp, hop limit, traffic class, destination address). Everything is allocated once, so
 * receiving, reflecting and sending allocate nothing per packet. Owned by one thread.
 */
final class MessageBatch implements AutoCloseable, Datagrams {
    static final int RECV_CONTROL = 256;
    static final int SEND_CONTROL = 128;

    final int slots;
    final int bufferSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment recvHdrs;
    private final MemorySegment sendHdrs;
    private final MemorySegment iovs;
    private final MemorySegment sendIovs;
    private final MemorySegment names;
    private final MemorySegment recvControl;
    private final ControlMessageCursor cmsgs = new ControlMessageCursor();
    private final MemorySegment sendControl;
    private final MemorySegment dstAddrs;
    private final MemorySegment[] payload;
    private final MemorySegment[] srcAddr;
    private final MemorySegment[] dstAddr;
    private final MemorySegment[] nameSlots;
    private final MemorySegment[] sendControlSlots;
    private final MemorySegment[] sendIovSlots;
    /** sendHdrs from entry k on: where a partial sendmmsg resumes. */
    private final MemorySegment[] sendHdrTails;

    // parsed per received slot
    final int[] length;
    final int[] flags;
    final long[] rxTimeNanos;
    final int[] hopLimit;
    final int[] trafficClass;
    final int[] ifIndex;

    private int pendingSends;

    MessageBatch(int slots, int bufferSize) {
        this.slots = slots;
        this.bufferSize = bufferSize;
        recvHdrs = arena.allocate((long) Libc.MMSGHDR_SIZE * slots, 8);
        sendHdrs = arena.allocate((long) Libc.MMSGHDR_SIZE * slots, 8);
        iovs = arena.allocate((long) Libc.IOVEC_SIZE * slots, 8);
        sendIovs = arena.allocate((long) Libc.IOVEC_SIZE * slots, 8);
        names = arena.allocate(32L * slots, 8);
        recvControl = arena.allocate((long) RECV_CONTROL * slots, 8);
        sendControl = arena.allocate((long) SEND_CONTROL * slots, 8);
        dstAddrs = arena.allocate(16L * slots, 8);
        MemorySegment buffers = arena.allocate((long) bufferSize * slots, 64);
        payload = new MemorySegment[slots];
        srcAddr = new MemorySegment[slots];
        dstAddr = new MemorySegment[slots];
        length = new int[slots];
        flags = new int[slots];
        rxTimeNanos = new long[slots];
        hopLimit = new int[slots];
        trafficClass = new int[slots];
        ifIndex = new int[slots];
        nameSlots = new MemorySegment[slots];
        sendControlSlots = new MemorySegment[slots];
        sendIovSlots = new MemorySegment[slots];
        sendHdrTails = new MemorySegment[slots];
        for (int i = 0; i < slots; i++) {
            sendIovSlots[i] = sendIovs.asSlice((long) Libc.IOVEC_SIZE * i, Libc.IOVEC_SIZE);
            sendHdrTails[i] = sendHdrs.asSlice((long) Libc.MMSGHDR_SIZE * i);
            nameSlots[i] = names.asSlice(32L * i, Libc.SOCKADDR_IN6_SIZE);
            sendControlSlots[i] = sendControl.asSlice((long) SEND_CONTROL * i, SEND_CONTROL);
            payload[i] = buffers.asSlice((long) i * bufferSize, bufferSize);
            srcAddr[i] = name(i).asSlice(Libc.SIN6_ADDR, 16);
            dstAddr[i] = dstAddrs.asSlice(16L * i, 16);
            MemorySegment iov = iovs.asSlice((long) Libc.IOVEC_SIZE * i, Libc.IOVEC_SIZE);
            iov.set(ADDRESS, 0, payload[i]);
            MemorySegment h = recvHdrs.asSlice((long) Libc.MMSGHDR_SIZE * i, Libc.MMSGHDR_SIZE);
            h.set(ADDRESS, Libc.MSG_NAME, name(i));
            h.set(ADDRESS, Libc.MSG_IOV, iov);
            h.set(JAVA_LONG, Libc.MSG_IOVLEN, 1);
            h.set(ADDRESS, Libc.MSG_CONTROL, recvControl.asSlice((long) RECV_CONTROL * i, RECV_CONTROL));
        }
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
        return (flags[i] & Libc.MSG_TRUNC) != 0;
    }

    @Override
    public long receiveNanos(int i) {
        return rxTimeNanos[i];
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
        return ifIndex[i];
    }

    /** The sockaddr_in6 of slot i: the peer a packet came from, and where its reply goes. */
    MemorySegment name(int i) {
        return nameSlots[i];
    }

    @Override
    public MemorySegment sourceAddress(int i) {
        return srcAddr[i];
    }

    @Override
    public int sourcePort(int i) {
        return Short.toUnsignedInt(names.get(Libc.NET_U16, 32L * i + Libc.SIN6_PORT));
    }

    /** Destination address of the received packet (from IPV6_PKTINFO); zeros if the kernel gave none. */
    @Override
    public MemorySegment destinationAddress(int i) {
        return dstAddr[i];
    }

    /** Receives up to {@code slots} datagrams without blocking; returns the count or -errno. */
    int receive(int fd) {
        for (int i = 0; i < slots; i++) {
            long h = (long) Libc.MMSGHDR_SIZE * i;
            recvHdrs.set(JAVA_INT, h + Libc.MSG_NAMELEN, Libc.SOCKADDR_IN6_SIZE);
            recvHdrs.set(JAVA_LONG, h + Libc.MSG_CONTROLLEN, RECV_CONTROL);
            recvHdrs.set(JAVA_INT, h + Libc.MSG_FLAGS, 0);
            iovs.set(JAVA_LONG, (long) Libc.IOVEC_SIZE * i + 8, bufferSize);
        }
        int n = Libc.recvmmsg(fd, recvHdrs, slots, Libc.MSG_DONTWAIT);
        for (int i = 0; i < n; i++) {
            long h = (long) Libc.MMSGHDR_SIZE * i;
            length[i] = recvHdrs.get(JAVA_INT, h + Libc.MMSG_LEN);
            flags[i] = recvHdrs.get(JAVA_INT, h + Libc.MSG_FLAGS);
            parseControl(i, recvHdrs.get(JAVA_LONG, h + Libc.MSG_CONTROLLEN));
        }
        return n;
    }

    private void parseControl(int i, long controlLength) {
        rxTimeNanos[i] = 0;
        hopLimit[i] = -1;
        trafficClass[i] = -1;
        ifIndex[i] = 0;
        dstAddr[i].fill((byte) 0);
        long base = (long) RECV_CONTROL * i;
        long end = Math.min(controlLength, RECV_CONTROL);
        cmsgs.reset(recvControl, base, end);
        while (cmsgs.next()) {
            long data = cmsgs.data();
            if (cmsgs.is(Libc.SOL_SOCKET, Libc.SCM_TIMESTAMPNS, 16)) {
                rxTimeNanos[i] = recvControl.get(JAVA_LONG, data) * 1_000_000_000L + recvControl.get(JAVA_LONG, data + Libc.TV_NSEC);
            } else if (cmsgs.is(Libc.IPPROTO_IP, Libc.IP_TTL, 4)) {
                hopLimit[i] = recvControl.get(JAVA_INT, data); // an IPv4 datagram's TTL
            } else if (cmsgs.is(Libc.IPPROTO_IP, Libc.IP_TOS, 1)) {
                trafficClass[i] = Byte.toUnsignedInt(recvControl.get(JAVA_BYTE, data)); // its TOS octet
            } else if (cmsgs.is(Libc.IPPROTO_IPV6, Libc.IPV6_HOPLIMIT, 4)) {
                hopLimit[i] = recvControl.get(JAVA_INT, data);
            } else if (cmsgs.is(Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, 4)) {
                trafficClass[i] = recvControl.get(JAVA_INT, data);
            } else if (cmsgs.is(Libc.IPPROTO_IPV6, Libc.IPV6_PKTINFO, 20)) {
                MemorySegment.copy(recvControl, data, dstAddr[i], 0, 16);
                ifIndex[i] = recvControl.get(JAVA_INT, data + Libc.IPI6_IFINDEX);
            }
        }
    }

    /**
     * Queues slot i's buffer ({@code len} octets) as a reply to the address it came from. With a
     * non-null {@code source}, the reply leaves from that address, with a non-zero
     * {@code ifindex} through that interface (IPV6_PKTINFO); a non-negative {@code tclass} sets the
     * traffic class. {@code stamp}: the kernel reports its transmit time with {@code key}.
     */
    void queueReply(int i, int len, MemorySegment source, int ifindex, int tclass, boolean stamp, int key) {
        int k = pendingSends++;
        long h = (long) Libc.MMSGHDR_SIZE * k;
        MemorySegment iov = sendIovSlots[k];
        iov.set(ADDRESS, 0, payload[i]);
        iov.set(JAVA_LONG, 8, len);
        Libc.putMsgHeader(sendHdrs, h, name(i), iov);
        long c = (long) SEND_CONTROL * i;
        long used = 0;
        if (source != null || ifindex != 0) {
            sendControl.set(JAVA_LONG, c, Libc.CMSG_HDR + Libc.IN6_PKTINFO_SIZE);
            sendControl.set(JAVA_INT, c + Libc.CMSG_LEVEL, Libc.IPPROTO_IPV6);
            sendControl.set(JAVA_INT, c + Libc.CMSG_TYPE, Libc.IPV6_PKTINFO);
            if (source != null) {
                MemorySegment.copy(source, 0, sendControl, c + Libc.CMSG_HDR, 16);
            } else {
                sendControl.set(JAVA_LONG, c + Libc.CMSG_HDR, 0L);
                sendControl.set(JAVA_LONG, c + Libc.CMSG_HDR + 8, 0L);
            }
            sendControl.set(JAVA_INT, c + Libc.CMSG_HDR + 16, ifindex);
            used += (Libc.CMSG_HDR + Libc.IN6_PKTINFO_SIZE + 7) & ~7;
        }
        if (tclass >= 0) {
            // An IPv4 reply (IPv4-mapped peer) takes its TOS from IP_TOS; the kernel ignores IPV6_TCLASS there.
            boolean ipv4 = Ipv6Octets.isIpv4Mapped(name(i), Libc.SIN6_ADDR);
            used = Libc.putCmsgInt(sendControl, c + used, ipv4 ? Libc.IPPROTO_IP : Libc.IPPROTO_IPV6,
                    ipv4 ? Libc.IP_TOS : Libc.IPV6_TCLASS, tclass) - c;
        }
        if (stamp) {
            used = Libc.putCmsgInt(sendControl, c + used, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPING,
                    TransmitTimestamps.STAMP_THIS_PACKET) - c;
            used = Libc.putCmsgInt(sendControl, c + used, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, key) - c;
        }
        sendHdrs.set(ADDRESS, h + Libc.MSG_CONTROL, used == 0 ? MemorySegment.NULL : sendControlSlots[i]);
        sendHdrs.set(JAVA_LONG, h + Libc.MSG_CONTROLLEN, used);
        sendHdrs.set(JAVA_INT, h + Libc.MSG_FLAGS, 0);
    }


    int pendingSends() {
        return pendingSends;
    }

    /**
     * Sends the queued replies with as few system calls as possible. Returns how many the kernel
     * took; the rest (socket buffer full, unreachable peer) are dropped, as a router would.
     */
    int flush(int fd, SendErrors errors) {
        int total = pendingSends;
        int done = 0;
        while (done < total) {
            int r = Libc.sendmmsg(fd, sendHdrTails[done], total - done, Libc.MSG_DONTWAIT);
            if (r > 0) {
                done += r;
                continue;
            }
            if (r == -Libc.EINTR) {
                continue;
            }
            errors.onSendError(-r);
            done++; // skip the datagram the kernel refused and go on with the rest
        }
        pendingSends = 0;
        return total;
    }

    /** One sendmmsg of whatever is queued (warm-up helper); returns the raw result. */
    int flushTo(int fd) {
        return Libc.sendmmsg(fd, sendHdrs, Math.max(1, pendingSends), Libc.MSG_DONTWAIT);
    }

    /** Called with the errno of a datagram the kernel refused. */
    interface SendErrors {
        void onSendError(int errno);
    }

    @Override
    public void close() {
        arena.close();
    }
}
