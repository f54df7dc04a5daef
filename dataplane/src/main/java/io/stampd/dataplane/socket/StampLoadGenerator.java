package io.stampd.dataplane.socket;

import io.stampd.sys.Libc;
import io.stampd.sys.Sockaddr;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A STAMP load generator for benchmarks (not a Session-Sender): floods one Session-Reflector with
 * valid unauthenticated Session-Sender base packets (44 octets, NTP timestamps) in sendmmsg
 * batches, optionally along an SRv6 path, and counts the replies it reads back with recvmmsg on the
 * same socket. It reuses the socket facade of this package ({@link UdpSocket}, {@link MessageBatch},
 * {@link RoutingHeader}), runs on the calling thread and allocates nothing per packet.
 *
 * <p>Pacing: packet {@code k} of the measured phase is due at {@code start + k / rate}. Packets
 * leave in bursts of {@code burst} (default: as many as fall due in 20 µs, 1 to 32), so each packet
 * leaves up to {@code (burst - 1) / rate} early relative to its own slot; the rate averaged over any
 * window longer than a burst is exact as long as the generator keeps up. Between bursts the thread
 * parks while the next burst is more than {@link #PARK_THRESHOLD_NANOS} away (a park wakes
 * ~100 µs late on a VM) and busy-waits for the rest, reading replies meanwhile (busy-waiting is late
 * by ~0.1-0.2 µs plus one recvmmsg call). A burst that falls behind its time (the generator is
 * slower than the rate, or was descheduled) is sent at once, at most {@link #MAX_BATCH} per call,
 * so the schedule never drifts; {@link Result#maxLagNanos()} and {@link Result#meanLagNanos()}
 * tell how far behind the bursts left. Rate 0 sends batches of {@code burst} (default 32)
 * back to back. Measured on the 2-vCPU test VM (generator pinned to one vCPU, SRv6 End hop and
 * reflector on the same host): the mean rate over 5 s was within 0.003% of 10/25/50/100 kpps;
 * single bursts were late by up to 4-20 ms when the vCPU was preempted (caught up at once, so the
 * receiver then sees bursts of up to 32 packets); the generator itself tops out at about
 * 105-135 kpps through the End hop, because the whole forward path runs on its CPU (veth).
 *
 * <p>Replies are counted when they are at least 44 octets long, come from the reflector's address
 * and port, carry the generator's SSID and echo a sender sequence number of the measured phase
 * (replies to warm-up packets are ignored). Round-trip times use the kernel receive timestamp
 * (SO_TIMESTAMPNS) minus the T1 written into the packet; T1 is read once per burst, so it is the
 * burst's send time.
 *
 * <p>Bounds: the run stops at the duration, at the packet limit, or when the stop condition
 * (polled once per loop, e.g. a shutdown hook's flag) turns true; the drain that follows stops
 * once every sent packet is answered, after {@code drainQuietNanos} without a reply, or after
 * {@link #MAX_DRAIN_NANOS}. Sequence numbers are 32-bit, so one run sends at most 2^31 packets.
 */
public final class StampLoadGenerator implements AutoCloseable, MessageBatch.SendErrors {
    /** Largest sendmmsg / recvmmsg batch. */
    public static final int MAX_BATCH = 32;
    /** Highest paced rate accepted (packets per second). */
    public static final long MAX_RATE = 20_000_000L;
    /** Longest measured phase and longest warm-up. */
    public static final long MAX_DURATION_NANOS = 3_600_000_000_000L;
    /** Longest drain after the last send. */
    public static final long MAX_DRAIN_NANOS = 10_000_000_000L;
    /** Packets per run (the sequence number must not wrap). */
    public static final long MAX_PACKETS = 1L << 31;
    /** The generator parks only if the next burst is further away than this; otherwise it busy-waits. */
    public static final long PARK_THRESHOLD_NANOS = 500_000L;
    private static final long PARK_MARGIN_NANOS = 250_000L;
    /** Paced bursts default to the packets due within this window. */
    private static final long BURST_WINDOW_NANOS = 20_000L;
    private static final int BUFFER = 256;
    private static final StampLayout LAYOUT = StampLayout.UNAUTHENTICATED;

    /**
     * What to send.
     *
     * @param reflector       reflector address (the destination; with segments, the last one)
     * @param port            reflector UDP port
     * @param source          local address to bind, or null for any
     * @param segments        SRv6 forward path, first hop first (empty: plain IPv6)
     * @param ssid            SSID of every packet
     * @param ratePps         packets per second, 0 = as fast as possible
     * @param durationNanos   length of the measured phase
     * @param warmupNanos     sending at the same rate before the measured phase, not counted
     * @param maxPackets      packet limit of the measured phase (0 = none besides the duration)
     * @param burst           packets per sendmmsg, 0 = automatic
     * @param drainQuietNanos after the last send, stop waiting for replies after this long without one
     */
    public record Config(Inet6Address reflector, int port, Inet6Address source, List<Inet6Address> segments,
                         int ssid, long ratePps, long durationNanos, long warmupNanos, long maxPackets, int burst,
                         long drainQuietNanos) {
        public Config {
            Objects.requireNonNull(reflector, "reflector");
            segments = List.copyOf(segments);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("reflector port must be 1-65535, got " + port);
            }
            if (ssid < 0 || ssid > 65535) {
                throw new IllegalArgumentException("ssid must be 0-65535, got " + ssid);
            }
            if (ratePps < 0 || ratePps > MAX_RATE) {
                throw new IllegalArgumentException("rate must be 0 (unlimited) to " + MAX_RATE + " pps, got " + ratePps);
            }
            if (durationNanos <= 0 || durationNanos > MAX_DURATION_NANOS) {
                throw new IllegalArgumentException("duration must be more than 0 and at most 1 h");
            }
            if (warmupNanos < 0 || warmupNanos > MAX_DURATION_NANOS) {
                throw new IllegalArgumentException("warm-up must be 0 to 1 h");
            }
            if (maxPackets < 0 || maxPackets > MAX_PACKETS) {
                throw new IllegalArgumentException("packet count must be 0 to " + MAX_PACKETS);
            }
            if (burst < 0 || burst > MAX_BATCH) {
                throw new IllegalArgumentException("burst must be 0 (automatic) to " + MAX_BATCH + ", got " + burst);
            }
            if (drainQuietNanos < 0 || drainQuietNanos > MAX_DRAIN_NANOS) {
                throw new IllegalArgumentException("drain must be 0 to 10 s");
            }
        }

        /** Packets per sendmmsg call: the given burst, or what falls due in 20 µs (1-32; 32 unpaced). */
        public int effectiveBurst() {
            if (burst > 0) {
                return burst;
            }
            if (ratePps == 0) {
                return MAX_BATCH;
            }
            long n = (ratePps * BURST_WINDOW_NANOS + 999_999_999L) / 1_000_000_000L;
            return (int) Math.max(1, Math.min(MAX_BATCH, n));
        }
    }

    /**
     * Counters of the measured phase.
     *
     * @param sent            packets the kernel accepted
     * @param sendErrors      packets the kernel refused (e.g. EAGAIN, ENOBUFS)
     * @param received        valid replies to measured packets
     * @param ignored         other datagrams read (replies to warm-up packets, foreign or short ones)
     * @param sendNanos       time from the first to the end of the last send of the measured phase
     * @param elapsedNanos    sendNanos plus the drain
     * @param idleNanos       time of the measured phase spent waiting (nothing to send, no reply read)
     * @param bursts          sendmmsg bursts
     * @param maxLagNanos     how late a burst left, at most, after its scheduled time (when its last packet
     *                        fell due); large when the generator cannot keep up with the rate (paced only)
     * @param meanLagNanos    mean of that lag over the bursts (paced only)
     * @param rttCount        replies with a kernel receive timestamp
     * @param rttSumNanos     sum of their round-trip times
     * @param rttMaxNanos     largest round-trip time
     * @param rttMinNanos     smallest round-trip time (Long.MAX_VALUE if none)
     */
    public record Result(long sent, long sendErrors, long received, long ignored, long sendNanos,
                         long elapsedNanos, long idleNanos, long bursts, long maxLagNanos, long meanLagNanos,
                         long rttCount, long rttSumNanos, long rttMaxNanos, long rttMinNanos) {
        public double sentPps() {
            return sendNanos > 0 ? sent * 1e9 / sendNanos : 0;
        }

        /** Replies per second over the send phase (replies that arrive during the drain included). */
        public double receivedPps() {
            return sendNanos > 0 ? received * 1e9 / sendNanos : 0;
        }

        public double lossPercent() {
            return sent > 0 ? 100.0 * (sent - Math.min(sent, received)) / sent : 0;
        }
    }

    private final Config config;
    private final UdpSocket socket;
    private final MessageBatch tx;
    private final MessageBatch rx;
    private final byte[] reflectorBytes;
    private final short errorEstimate;

    // run state (one run at a time, calling thread only)
    private long seq;
    private long measureFromSeq;
    private long sendErrors;
    private long received;
    private long ignored;
    private long rttCount;
    private long rttSum;
    private long rttMax;
    private long rttMin;
    private boolean ran;
    private boolean closed;

    private StampLoadGenerator(Config config, UdpSocket socket, MessageBatch tx, MessageBatch rx) {
        this.config = config;
        this.socket = socket;
        this.tx = tx;
        this.rx = rx;
        this.reflectorBytes = config.reflector().getAddress();
        this.errorEstimate = ErrorEstimate.forError(false, TimestampFormat.NTP, 1_000_000);
    }

    /** Opens the socket (4 MiB receive buffer), installs the SRv6 path and prepares the batches. */
    public static StampLoadGenerator open(Config config) {
        UdpSocket socket = UdpSocket.bind(config.source(), 0, 4 << 20, "load generator");
        MessageBatch tx = null;
        MessageBatch rx = null;
        try {
            socket.checkRoute(RoutingHeader.of(config.segments()));
            tx = new MessageBatch(MAX_BATCH, BUFFER);
            rx = new MessageBatch(MAX_BATCH, BUFFER);
            for (int i = 0; i < MAX_BATCH; i++) {
                // The send batch is never used to receive, so its peer addresses stay the reflector's.
                Sockaddr.write(tx.name(i), config.reflector(), config.port());
            }
            return new StampLoadGenerator(config, socket, tx, rx);
        } catch (RuntimeException e) {
            if (tx != null) {
                tx.close();
            }
            if (rx != null) {
                rx.close();
            }
            socket.close();
            throw e;
        }
    }

    public Config config() {
        return config;
    }

    public int localPort() {
        return socket.localPort;
    }

    /**
     * Runs the warm-up, calls {@code onMeasuring} (once, when the measured phase starts: e.g. to
     * print a marker another process waits for), runs the measured phase and the drain. A generator
     * runs once.
     */
    public Result run(BooleanSupplier stop, Runnable onMeasuring) {
        if (ran || closed) {
            throw new IllegalStateException("a load generator runs once");
        }
        ran = true;
        long rate = config.ratePps();
        int burst = config.effectiveBurst();
        if (config.warmupNanos() > 0) {
            long limit = rate == 0 ? MAX_PACKETS : Math.min(MAX_PACKETS, ceilPackets(rate, config.warmupNanos()));
            phase(stop, rate, burst, System.nanoTime(), config.warmupNanos(), limit, null);
        }
        measureFromSeq = seq;
        resetCounters();
        if (onMeasuring != null) {
            onMeasuring.run();
        }
        long limit = config.maxPackets() > 0 ? config.maxPackets() : MAX_PACKETS - seq;
        if (rate > 0) {
            limit = Math.min(limit, ceilPackets(rate, config.durationNanos()));
        }
        long start = System.nanoTime();
        long[] stats = new long[5];
        phase(stop, rate, burst, start, config.durationNanos(), limit, stats);
        long sendEnd = System.nanoTime();
        long sent = seq - measureFromSeq - sendErrors;
        drain(stop, sent);
        long end = System.nanoTime();
        long bursts = stats[2];
        return new Result(sent, sendErrors, received, ignored, sendEnd - start, end - start, stats[0], bursts,
                stats[1], bursts > 0 ? stats[3] / bursts : 0, rttCount, rttSum, rttMax, rttMin);
    }

    private static long ceilPackets(long rate, long nanos) {
        // rate <= 2e7 and nanos <= 3.6e12: the product overflows a long, so divide first.
        long whole = nanos / 1_000_000_000L;
        long part = nanos % 1_000_000_000L;
        return rate * whole + (rate * part + 999_999_999L) / 1_000_000_000L;
    }

    private void resetCounters() {
        sendErrors = 0;
        received = 0;
        ignored = 0;
        rttCount = 0;
        rttSum = 0;
        rttMax = 0;
        rttMin = Long.MAX_VALUE;
    }

    /**
     * Sends {@code limit} packets at {@code rate} from {@code start} (or for {@code duration}),
     * reading replies in between. {@code stats}, if given, receives idle time, max lag, bursts and
     * summed lag.
     */
    private void phase(BooleanSupplier stop, long rate, int burst, long start, long duration, long limit,
                       long[] stats) {
        long end = start + duration;
        long first = seq;
        double nanosPerPacket = rate > 0 ? 1e9 / rate : 0;
        long idle = 0;
        long maxLag = 0;
        long lagSum = 0;
        long bursts = 0;
        long previous = start;
        boolean didWork = true;
        while (true) {
            long now = System.nanoTime();
            if (!didWork) {
                idle += now - previous;
            }
            previous = now;
            didWork = false;
            long done = seq - first;
            if (now >= end || done >= limit || stop.getAsBoolean()) {
                break;
            }
            int n;
            if (rate == 0) {
                n = (int) Math.min(burst, limit - done);
            } else {
                // Packets due by now: k is due at start + k * nanosPerPacket (k from 0).
                long due = Math.min(limit, (long) ((now - start) / nanosPerPacket) + 1);
                long pending = due - done;
                if (pending >= burst || (pending > 0 && due == limit)) {
                    n = (int) Math.min(MAX_BATCH, pending);
                    // On schedule, this burst leaves when its burst-th packet falls due: how late is it?
                    long lag = Math.max(0, now - (start + (long) ((done + Math.min(n, burst) - 1) * nanosPerPacket)));
                    if (lag > maxLag) {
                        maxLag = lag;
                    }
                    lagSum += lag;
                } else {
                    n = 0;
                    long nextBurst = start + (long) ((done + burst - 1) * nanosPerPacket);
                    long wait = Math.min(nextBurst, end) - now;
                    if (wait > PARK_THRESHOLD_NANOS) {
                        if (receive() > 0) {
                            didWork = true;
                        } else {
                            LockSupport.parkNanos(wait - PARK_MARGIN_NANOS);
                        }
                        continue;
                    }
                }
            }
            if (n > 0) {
                send(n);
                bursts++;
                didWork = true;
            }
            // Read what has arrived; after a send, more than one batch if the replies pile up.
            for (int round = 0; round < 4; round++) {
                int r = receive();
                if (r > 0) {
                    didWork = true;
                }
                if (r < MAX_BATCH) {
                    break;
                }
            }
            if (!didWork) {
                Thread.onSpinWait();
            }
        }
        if (stats != null) {
            stats[0] = idle;
            stats[1] = maxLag;
            stats[2] = bursts;
            stats[3] = lagSum;
        }
    }

    private void send(int n) {
        long t1 = Timestamps.encode(Libc.realtimeNanos(), TimestampFormat.NTP);
        for (int i = 0; i < n; i++) {
            LAYOUT.writeSender(tx.payload(i), (int) seq++, t1, errorEstimate, config.ssid());
            tx.queueReply(i, LAYOUT.baseLength, null, 0, -1, false, 0);
        }
        tx.flush(socket.fd, this);
    }

    /** Reads one batch of replies; returns how many datagrams were read. */
    private int receive() {
        int n = rx.receive(socket.fd);
        for (int i = 0; i < n; i++) {
            MemorySegment p = rx.payload(i);
            if (rx.length[i] < LAYOUT.baseLength || (rx.flags[i] & Libc.MSG_TRUNC) != 0
                    || rx.sourcePort(i) != config.port() || LAYOUT.ssid(p) != config.ssid()
                    || !Sockaddr.sameAddress(rx.sourceAddress(i), 0, reflectorBytes)) {
                ignored++;
                continue;
            }
            long senderSeq = Integer.toUnsignedLong(LAYOUT.senderSeq(p));
            if (senderSeq < measureFromSeq || senderSeq >= seq) {
                ignored++; // a reply to a warm-up packet
                continue;
            }
            received++;
            long t4 = rx.rxTimeNanos[i];
            if (t4 != 0) {
                long rtt = t4 - Timestamps.decode(LAYOUT.senderTimestamp(p), TimestampFormat.NTP);
                rttCount++;
                rttSum += rtt;
                if (rtt > rttMax) {
                    rttMax = rtt;
                }
                if (rtt < rttMin) {
                    rttMin = rtt;
                }
            }
        }
        return Math.max(n, 0);
    }

    /** Reads replies until all {@code sent} are in, or none came for the quiet time, or the cap. */
    private void drain(BooleanSupplier stop, long sent) {
        long quiet = config.drainQuietNanos();
        long start = System.nanoTime();
        long lastReply = start;
        while (received < sent && !stop.getAsBoolean()) {
            long now = System.nanoTime();
            if (now - lastReply >= quiet || now - start >= MAX_DRAIN_NANOS) {
                return;
            }
            if (receive() > 0) {
                lastReply = System.nanoTime();
            } else {
                LockSupport.parkNanos(50_000L);
            }
        }
    }

    @Override
    public void onSendError(int errno) {
        sendErrors++;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            tx.close();
            rx.close();
            socket.close();
        }
    }
}
