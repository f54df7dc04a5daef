package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.dataplane.DataPlane;
import io.stampd.dataplane.DataPlaneCounters;
import io.stampd.dataplane.DataPlaneException;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.SendTiming;
import io.stampd.dataplane.SendTimingRecorder;
import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernel-socket data plane: STAMP over ordinary UDP sockets, the SRv6 path carried by the
 * IPV6_RTHDR socket option, T2/T4 from kernel receive timestamps. One I/O thread runs every
 * session of this instance.
 */
public final class SocketDataPlane implements DataPlane, MessageBatch.SendErrors {
    private static final Logger LOG = Logger.getLogger(SocketDataPlane.class.getName());
    /** Receive buffer per socket: 4 MiB absorbs bursts while the I/O thread is busy. */
    private static final int RECEIVE_BUFFER = 4 << 20;

    final EventLoop loop;
    final MessageBatch rxBatch;
    private final Arena arena = Arena.ofShared();
    final MemorySegment txPayload;
    private final MemorySegment txHdr;
    private final MemorySegment txIov;
    private final MemorySegment txControl;
    private int txRouteError;
    private final Map<SenderEndpoint.Key, SenderEndpoint> senderEndpoints = new HashMap<>();
    private final Map<Integer, ReflectorEndpoint> reflectorEndpoints = new HashMap<>();
    private final LocalAddresses localAddresses = new LocalAddresses();
    /** Written by the I/O thread at every test packet sent. */
    final SendTimingRecorder sendTimingRecorder = new SendTimingRecorder();
    private final short ntpErrorEstimate;
    private final short ptpErrorEstimate;

    volatile long unmatched;
    volatile long malformed;
    volatile long sendErrors;
    volatile long internalErrors;
    volatile long userSpaceRxTimestamps;
    volatile long kernelTxTimestamps;
    volatile long userSpaceTxTimestamps;
    private volatile boolean closed;

    /** Default poll window before a send: see {@link #SocketDataPlane(int, long)}. */
    public static final long DEFAULT_SPIN_NANOS = 200_000L;

    public SocketDataPlane() {
        this(32, DEFAULT_SPIN_NANOS);
    }

    /**
     * @param batch     datagrams per recvmmsg/sendmmsg call
     * @param spinNanos how long before each scheduled test packet the I/O thread polls instead of
     *                  sleeping: sends on time and from a warm CPU (0 = always sleep)
     */
    public SocketDataPlane(int batch, long spinNanos) {
        rxBatch = new MessageBatch(batch, 9216);
        txPayload = arena.allocate(9216, 64);
        txIov = arena.allocate(Libc.IOVEC_SIZE, 8);
        txHdr = arena.allocate(Libc.MMSGHDR_SIZE, 8);
        txControl = arena.allocate(64, 8);
        txIov.set(ADDRESS, 0, txPayload);
        Libc.putMsgHeader(txHdr, 0, null, txIov); // the destination is set per send
        // Software timestamps of an unsynchronised host clock: advertise 1 ms, S = 0 (RFC 8762 §4.2.1).
        ntpErrorEstimate = ErrorEstimate.forError(false, TimestampFormat.NTP, 1_000_000);
        ptpErrorEstimate = ErrorEstimate.forError(false, TimestampFormat.PTP, 1_000_000);
        HotPathWarmup.run(this);
        loop = new EventLoop("stampd-socket-io");
        loop.spinNanos(spinNanos);
        loop.call(() -> {
            localAddresses.refresh();
            loop.schedule(localAddresses, System.nanoTime() + 1_000_000_000L);
            return null;
        });
    }

    LocalAddresses localAddresses() {
        return localAddresses;
    }

    @Override
    public String name() {
        return "socket";
    }

    short errorEstimate(TimestampFormat f) {
        return f == TimestampFormat.PTP ? ptpErrorEstimate : ntpErrorEstimate;
    }

    @Override
    public SenderHandle startSender(SenderSessionConfig config, SenderListener listener) {
        return startSender(config, listener, 0);
    }

    /**
     * Starts a sender whose first sequence number is {@code firstSeq} instead of 0 (RFC 8762
     * §4.2.1: a session starts at zero). For tests only: a session 49 days into its life at 1 ms,
     * where the 32-bit wire number wraps.
     */
    SenderHandle startSender(SenderSessionConfig config, SenderListener listener, long firstSeq) {
        checkOpen();
        SocketSender s = new SocketSender(this, config, listener, firstSeq);
        return loop.call(() -> {
            SenderEndpoint.Key key = new SenderEndpoint.Key(config.senderAddress(), config.senderPort());
            SenderEndpoint ep = config.senderPort() == 0 ? null : senderEndpoints.get(key);
            boolean created = false;
            if (ep == null) {
                UdpSocket sock = UdpSocket.bind(config.senderAddress(), config.senderPort(), RECEIVE_BUFFER,
                        "sender session " + config.id());
                ep = new SenderEndpoint(this, sock, key, TransmitTimestamps.on(sock, true));
                created = true;
            } else {
                for (SocketSender other : ep.sessions) {
                    if (other.config.ssid() == config.ssid()
                            && other.config.reflectorPort() == config.reflectorPort()
                            && other.config.reflectorAddress().equals(config.reflectorAddress())) {
                        throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                                "sender session " + config.id() + ": session " + other.config.id()
                                + " already uses ssid " + config.ssid() + " towards the same reflector from the same port");
                    }
                }
            }
            installOrClose(ep.socket, created ? ep::close : null, s.route); // the kernel validates the SRH now, not at packet 1
            if (created) {
                ep.token = loop.register(ep.socket.fd, ep);
                // Ephemeral-port endpoints are never shared: key them by their descriptor instead.
                senderEndpoints.put(config.senderPort() == 0
                        ? new SenderEndpoint.Key(config.senderAddress(), -ep.socket.fd) : key, ep);
            }
            ep.add(s);
            s.start(System.nanoTime());
            return s;
        });
    }

    void stopSender(SocketSender s) {
        loop.call(() -> {
            loop.cancel(s);
            SenderEndpoint ep = s.endpoint;
            if (ep != null && ep.remove(s)) {
                loop.unregister(ep.socket.fd, ep.token);
                senderEndpoints.values().remove(ep);
                ep.close();
            }
            return null;
        });
    }

    @Override
    public ReflectorHandle startReflector(ReflectorSessionConfig config) {
        checkOpen();
        SocketReflectorSession s = new SocketReflectorSession(this, config);
        return loop.call(() -> {
            ReflectorEndpoint ep = reflectorEndpoints.get(config.reflectorPort());
            boolean created = false;
            if (ep == null) {
                UdpSocket sock = UdpSocket.bind(null, config.reflectorPort(), RECEIVE_BUFFER,
                        "reflector session " + config.id());
                ep = new ReflectorEndpoint(this, sock, config.reflectorPort());
                created = true;
            } else {
                for (SocketReflectorSession other : ep.sessions) {
                    if (other.config.overlaps(config)) {
                        throw new DataPlaneException(DataPlaneException.Reason.INVALID_CONFIGURATION,
                                "reflector session " + config.id() + " overlaps reflector session "
                                + other.config.id() + " (same port, SSID and addresses could match the same packet)");
                    }
                }
            }
            installOrClose(ep.socket, created ? ep::close : null, s.returnRoute);
            if (created) {
                ep.token = loop.register(ep.socket.fd, ep);
                reflectorEndpoints.put(config.reflectorPort(), ep);
            }
            ep.add(s);
            return s;
        });
    }

    /**
     * Installs a session's routing header; if the kernel refuses it, an endpoint opened for that
     * session ({@code openedForIt} non-null) is closed again.
     */
    private static void installOrClose(UdpSocket socket, Runnable openedForIt, RoutingHeader route) {
        try {
            socket.checkRoute(route);
        } catch (RuntimeException e) {
            if (openedForIt != null) {
                openedForIt.run();
            }
            throw e;
        }
    }


    void stopReflector(SocketReflectorSession s) {
        loop.call(() -> {
            ReflectorEndpoint ep = s.endpoint;
            if (ep != null && ep.remove(s)) {
                loop.unregister(ep.socket.fd, ep.token);
                reflectorEndpoints.remove(ep.port);
                ep.close();
            }
            return null;
        });
    }

    /**
     * Prepares the send of the test packet in {@link #txPayload} (routing header, destination,
     * traffic class, transmit-timestamp key) so that {@link #sendPrepared} is only the system
     * call. Loop thread only.
     */
    void prepareTest(UdpSocket socket, RoutingHeader route, MemorySegment destination, int length, int dscp,
                     boolean withKey, int key) {
        txRouteError = socket.useRoute(route);
        txHdr.set(ADDRESS, Libc.MSG_NAME, destination);
        txIov.set(JAVA_LONG, 8, length);
        long used = 0;
        if (dscp > 0) {
            used = Libc.putCmsgInt(txControl, used, Libc.IPPROTO_IPV6, Libc.IPV6_TCLASS, dscp << 2);
        }
        if (withKey) {
            used = Libc.putCmsgInt(txControl, used, Libc.SOL_SOCKET, Libc.SCM_TS_OPT_ID, key);
        }
        txHdr.set(ADDRESS, Libc.MSG_CONTROL, used == 0 ? MemorySegment.NULL : txControl);
        txHdr.set(JAVA_LONG, Libc.MSG_CONTROLLEN, used);
    }


    /** Sends what {@link #prepareTest} prepared; returns octets sent or -errno. */
    long sendPrepared(UdpSocket socket) {
        if (txRouteError < 0) {
            return txRouteError;
        }
        long n;
        do {
            n = Libc.sendmsg(socket.fd, txHdr, Libc.MSG_DONTWAIT);
        } while (n == -Libc.EINTR);
        return n;
    }

    /** Zeroes the node-wide counters (after the warm-up's throw-away sessions touched them). */
    void resetCounters() {
        unmatched = 0;
        malformed = 0;
        sendErrors = 0;
        internalErrors = 0;
        userSpaceRxTimestamps = 0;
        kernelTxTimestamps = 0;
        userSpaceTxTimestamps = 0;
    }

    @Override
    public void onSendError(int errno) {
        sendErrors++;
    }

    void internalError(RuntimeException e) {
        internalErrors++;
        LOG.log(Level.WARNING, "packet handling failed (packet dropped, loop goes on): " + e, e);
    }

    @Override
    public DataPlaneCounters counters() {
        return new DataPlaneCounters(unmatched, malformed, sendErrors, internalErrors + loop.handlerFailures(),
                userSpaceRxTimestamps, kernelTxTimestamps, userSpaceTxTimestamps);
    }

    /** Lateness of every test packet sent by this data plane, T1 against its scheduled time. */
    @Override
    public Optional<SendTiming> sendTiming() {
        return Optional.of(sendTimingRecorder.snapshot());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the socket data plane is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.call(() -> {
            for (SenderEndpoint ep : senderEndpoints.values()) {
                for (SocketSender s : ep.sessions) {
                    loop.cancel(s);
                }
                ep.close();
            }
            for (ReflectorEndpoint ep : reflectorEndpoints.values()) {
                ep.close();
            }
            senderEndpoints.clear();
            reflectorEndpoints.clear();
            localAddresses.close();
            return null;
        });
        loop.close();
        rxBatch.close();
        arena.close();
    }
}
