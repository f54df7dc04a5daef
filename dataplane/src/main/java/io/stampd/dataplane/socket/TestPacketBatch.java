package io.stampd.dataplane.socket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.stampd.dataplane.core.TestPacketPort;
import io.stampd.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The test packets the socket plane's Session-Senders send in one turn of the I/O thread, held
 * back so that those of one socket leave together: one sendmmsg per socket and routing header
 * (the SRH is a sticky socket option, so a socket's packets are grouped by it), each message with
 * its own destination, traffic class and transmit-timestamp key. The batch is sent when it is
 * full or when the turn's timers are done ({@link io.stampd.dataplane.core.EventLoop#afterTimers}),
 * and each session hears how its packet went.
 *
 * <p>What holding back does to T1: each packet's T1 is still read as its own packet is finished,
 * but the packet then waits for the rest of the batch to be built (about a microsecond each, more
 * with HMAC) and, inside the system call, for the kernel to send the ones ahead of it (a few
 * microseconds each on a VM). With at most {@value #SLOTS} packets that gap stays within tens of
 * microseconds for the first and last of a full batch, and is none for a batch of one (a session
 * due alone). Where the kernel reports transmit timestamps, T1 as reported is the time the packet
 * left, and the gap does not count at all.
 *
 * <p>Preallocated native memory, no allocation per packet; I/O thread only (or the warm-up
 * before it starts).
 */
final class TestPacketBatch implements AutoCloseable {
    static final int SLOTS = TestPacketPort.MAX_HELD;
    private static final int CONTROL = 64;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment hdrs;
    private final MemorySegment[] payload = new MemorySegment[SLOTS];
    private final MemorySegment[] iov = new MemorySegment[SLOTS];
    private final MemorySegment[] control = new MemorySegment[SLOTS];
    /** hdrs from entry k on: where a partial sendmmsg resumes. */
    private final MemorySegment[] hdrTail = new MemorySegment[SLOTS];
    private final long[] controlLength = new long[SLOTS];
    /** Per held packet: whose it is (null once reported) and its sequence number. */
    private final SocketTestPort[] port = new SocketTestPort[SLOTS];
    private final long[] seq = new long[SLOTS];
    /** The held packets of the group being sent, in the order of its messages. */
    private final int[] group = new int[SLOTS];
    private int held;
    /** Test packets handed to the kernel (sent or refused), and the system calls that took them. */
    private long messages;
    private long systemCalls;

    TestPacketBatch() {
        hdrs = arena.allocate((long) Libc.MMSGHDR_SIZE * SLOTS, 8);
        MemorySegment payloads = arena.allocate((long) SocketDataPlane.MAX_DATAGRAM * SLOTS, 64);
        MemorySegment iovs = arena.allocate((long) Libc.IOVEC_SIZE * SLOTS, 8);
        MemorySegment controls = arena.allocate((long) CONTROL * SLOTS, 8);
        for (int i = 0; i < SLOTS; i++) {
            payload[i] = payloads.asSlice((long) SocketDataPlane.MAX_DATAGRAM * i, SocketDataPlane.MAX_DATAGRAM);
            iov[i] = iovs.asSlice((long) Libc.IOVEC_SIZE * i, Libc.IOVEC_SIZE);
            iov[i].set(ADDRESS, 0, payload[i]);
            control[i] = controls.asSlice((long) CONTROL * i, CONTROL);
            hdrTail[i] = hdrs.asSlice((long) Libc.MMSGHDR_SIZE * i);
        }
    }

    /** Where the next test packet is built. */
    MemorySegment next() {
        return payload[held];
    }

    /** Sets up the send of the packet in {@link #next()} ({@code length} octets) as {@code p}'s packet {@code s}. */
    void prepare(SocketTestPort p, long s, int length, int trafficClass, boolean keyed, int key) {
        int i = held;
        iov[i].set(JAVA_LONG, 8, length);
        long used = 0;
        if (trafficClass > 0) {
            used = p.ipv4 ? Libc.putCmsgInt(control[i], used, Libc.IPPROTO_IP, Libc.IP_TOS, trafficClass)
                    : Libc.putCmsgInt(control[i], used, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, trafficClass);
        }
        if (keyed) {
            used = Libc.putCmsgInt(control[i], used, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, key);
        }
        controlLength[i] = used;
        port[i] = p;
        seq[i] = s;
    }

    /** Holds the prepared packet (T1 written); sends the batch once it is full. */
    void commit() {
        if (++held == SLOTS) {
            flush();
        }
    }

    /** Sends every held packet, one sendmmsg per socket and route, and reports each to its session. */
    void flush() {
        for (int first = 0; first < held; first++) {
            SocketTestPort lead = port[first];
            if (lead == null) {
                continue; // sent with an earlier group
            }
            int n = 0;
            for (int i = first; i < held; i++) {
                SocketTestPort p = port[i];
                if (p != null && p.endpoint == lead.endpoint && p.route == lead.route) {
                    header(n, i, p);
                    group[n++] = i;
                }
            }
            send(lead, n);
        }
        held = 0;
    }

    private void header(int k, int i, SocketTestPort p) {
        long h = (long) Libc.MMSGHDR_SIZE * k;
        Libc.putMsgHeader(hdrs, h, p.destination, iov[i]);
        hdrs.set(ADDRESS, h + Libc.MSG_CONTROL, controlLength[i] == 0 ? MemorySegment.NULL : control[i]);
        hdrs.set(JAVA_LONG, h + Libc.MSG_CONTROLLEN, controlLength[i]);
        hdrs.set(JAVA_INT, h + Libc.MSG_FLAGS, 0);
    }

    /** Sends the {@code n} messages of the group; a message the kernel refuses is reported and skipped. */
    private void send(SocketTestPort lead, int n) {
        UdpSocket socket = lead.endpoint.socket;
        int routeError = socket.useRoute(lead.route);
        int done = 0;
        while (done < n) {
            int r = routeError;
            if (r == 0) {
                r = Libc.sendmmsg(socket.fd, hdrTail[done], n - done, Libc.MSG_DONTWAIT);
                systemCalls++;
            }
            if (r == -Libc.EINTR) {
                continue;
            }
            if (r > 0) {
                for (int k = done; k < done + r; k++) {
                    report(k, hdrs.get(JAVA_INT, (long) Libc.MMSGHDR_SIZE * k + Libc.MMSG_LEN));
                }
                done += r;
            } else {
                report(done++, r < 0 ? r : -Libc.EAGAIN);
            }
        }
    }

    private void report(int k, long result) {
        int i = group[k];
        SocketTestPort p = port[i];
        port[i] = null;
        messages++;
        p.session.sendCompleted(seq[i], result);
    }

    /** Test packets handed to the kernel so far. I/O thread. */
    long messages() {
        return messages;
    }

    /** The sendmmsg calls that took them. I/O thread. */
    long systemCalls() {
        return systemCalls;
    }

    @Override
    public void close() {
        arena.close();
    }
}
