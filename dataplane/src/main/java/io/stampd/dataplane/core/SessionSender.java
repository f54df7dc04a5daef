package io.stampd.dataplane.core;

import io.stampd.dataplane.SenderHandle;
import io.stampd.dataplane.codec.ClassOfServiceTlv;
import io.stampd.dataplane.codec.ErrorEstimate;
import io.stampd.dataplane.codec.FollowUpTelemetryTlv;
import io.stampd.dataplane.codec.SenderTlvWriter;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.TimestampFormat;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.codec.Tlv;
import io.stampd.dataplane.codec.TlvCursor;
import io.stampd.dataplane.session.ClassOfServiceRequest;
import io.stampd.dataplane.session.SenderListener;
import io.stampd.dataplane.session.SenderSessionConfig;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.sys.Libc;
import java.lang.foreign.MemorySegment;

/**
 * One Session-Sender test session, whatever plane moves its packets: a timer on the I/O thread
 * that sends packet {@code k} at {@code start + k × interval} (no drift) through its
 * {@link TestPacketPort}, and the reply side that turns a Session-Reflector packet (a datagram
 * from a plane, or the fields an in-kernel collector took from one) into (T1, T2, T3, T4) for the
 * listener. T1 as reported is the plane's transmit timestamp of the test packet when it has one.
 */
public final class SessionSender extends EventLoop.Timer implements SenderHandle, Transmitted {
    public final SenderSessionConfig config;
    final SenderListener listener;
    public final StampLayout layout;
    final StampHmac hmac;
    /** The reflector address as 16 octets, for reply matching. */
    final byte[] reflectorAddress;
    final short errorEstimate;
    private final StampNode node;
    /** Set by the plane when the session is attached to a local endpoint. */
    private TestPacketPort port;
    private Runnable onClose;

    private long startMono;
    private long attempts;
    /** One past the last sequence number that left; what {@link #sent()} reports. */
    private volatile long seq;
    /** The sequence number the next packet gets. */
    private long nextSeq;
    /** The packets handed to the port whose outcome has not come yet, by sequence number (slot = seq & mask). */
    private final long[] heldSeq = new long[HELD_SLOTS];
    private final long[] heldT1 = new long[HELD_SLOTS];
    private final long[] heldT1Mono = new long[HELD_SLOTS];
    private final long[] heldScheduled = new long[HELD_SLOTS];
    private static final int HELD_SLOTS = 2 * TestPacketPort.MAX_HELD;
    /** Packets handed to the port whose outcome has not come yet. */
    private int unreported;
    private long lastReflectorSeq;
    private final TlvCursor tlvs = new TlvCursor();
    /** Offset of the Follow-Up Telemetry TLV in the reply being handled, or -1. */
    private int followUpTlv = -1;
    /** Offset of the Class of Service TLV in the reply being handled, or -1. */
    private int classOfServiceTlv = -1;
    /** Transmit times of the recent packets, by sequence number (slot = seq & mask). */
    private final long[] transmittedSeq;
    private final long[] transmittedAt;
    private final int transmittedMask;
    private volatile long sendErrors;
    private volatile int lastSendErrno;
    /** Replies an in-kernel plane collected for this session (XDP). */
    public final Counter collected = new Counter();
    private volatile boolean finished;
    private volatile boolean closed;

    /**
     * @param firstSeq the first sequence number (0 for a new session, RFC 8762 §4.2.1; a session
     *                 carried over from another plane continues where it was)
     */
    public SessionSender(StampNode node, SenderSessionConfig config, SenderListener listener, long firstSeq) {
        this.node = node;
        this.seq = firstSeq;
        this.nextSeq = firstSeq;
        this.config = config;
        this.listener = listener;
        this.layout = config.layout();
        this.hmac = config.authenticated() ? new StampHmac(config.hmacKey()) : null;
        this.reflectorAddress = config.reflectorAddress().getAddress();
        this.errorEstimate = node.errorEstimate(config.timestampFormat());
        int window = SenderStatistics.windowFor(config.intervalNanos(), config.lossTimeoutNanos());
        this.transmittedSeq = new long[window];
        this.transmittedAt = new long[window];
        this.transmittedMask = window - 1;
        java.util.Arrays.fill(transmittedSeq, -1);
        java.util.Arrays.fill(heldSeq, -1);
    }

    /** Attaches the session to the plane's port; {@code onClose} detaches it again (I/O thread). */
    public void attach(TestPacketPort port, Runnable onClose) {
        this.port = port;
        this.onClose = onClose;
    }

    /**
     * Sends through {@code p} from now on (another plane takes over the test packets; the detach
     * action stays the first plane's); returns the port used before. I/O thread.
     */
    public TestPacketPort usePort(TestPacketPort p) {
        TestPacketPort before = port;
        port = p;
        return before;
    }

    public TestPacketPort port() {
        return port;
    }

    /** Starts the schedule at {@code nowMono}. I/O thread. */
    public void start(long nowMono) {
        startMono = nowMono;
        node.loop.schedule(this, nowMono);
    }

    @Override
    protected boolean batchesSends() {
        return true;
    }

    /** Sends the packet due now; returns the next deadline or -1. I/O thread (public for the planes' warm-up). */
    @Override
    public long fire(long now) {
        if (closed) {
            return -1;
        }
        long scheduled = startMono + attempts * config.intervalNanos(); // this packet's due time
        attempts++;
        MemorySegment p = port.buffer();
        int len = config.packetLength();
        long s = nextSeq++;
        // Everything but T1 first; T1 is read last, right before the send (and before the HMAC,
        // which covers it), so that the wire time follows it as closely as possible.
        layout.writeSender(p, (int) s, 0L, errorEstimate, config.ssid());
        if (len > layout.baseLength) {
            int at = layout.baseLength;
            if (config.followUpTelemetry()) {
                at = SenderTlvWriter.followUpTelemetry(p, at);
            }
            ClassOfServiceRequest cos = config.classOfService();
            if (cos != null) {
                at = SenderTlvWriter.classOfService(p, at, cos.replyDscp(), cos.replyEcn());
            }
            int padEnd = hmac != null ? len - SenderSessionConfig.HMAC_TLV_LENGTH : len;
            if (padEnd > at) {
                SenderTlvWriter.extraPadding(p, at, padEnd - at);
            }
            if (hmac != null) {
                SenderTlvWriter.hmac(p, padEnd, layout.baseLength, hmac);
            }
        }
        port.prepare(len, config.trafficClass(), s);
        // The schedule is on the monotonic clock: read it next to T1 for the send-time error.
        long t1Mono = System.nanoTime();
        long t1 = Libc.realtimeNanos();
        layout.timestamp(p, Timestamps.encode(t1, config.timestampFormat()));
        if (hmac != null) {
            hmac.sign(p);
        }
        int slot = (int) (s & (HELD_SLOTS - 1));
        heldSeq[slot] = s;
        heldT1[slot] = t1;
        heldT1Mono[slot] = t1Mono;
        heldScheduled[slot] = scheduled;
        unreported++;
        port.send();
        if (lastAttempt()) {
            return -1; // finished once the port has reported this packet
        }
        return startMono + attempts * config.intervalNanos();
    }

    /**
     * The port's report on packet {@code s}: {@code result} octets sent, or -errno. A packet that
     * left counts as sent from its T1 on; a refused one is a send error, and its sequence number
     * goes to the next packet unless that one has its own already. I/O thread.
     */
    public void sendCompleted(long s, long result) {
        int slot = (int) (s & (HELD_SLOTS - 1));
        if (heldSeq[slot] != s) {
            return;
        }
        heldSeq[slot] = -1;
        if (result >= 0) {
            seq = s + 1;
            node.sendTiming.record(heldScheduled[slot], heldT1Mono[slot]);
            // the clock read next to T1 serves the loss timeout too
            listener.onSent(s, heldT1[slot], heldT1Mono[slot]);
        } else {
            sendErrors++;
            lastSendErrno = (int) -result;
            if (nextSeq == s + 1) {
                nextSeq = s;
            }
        }
        if (--unreported == 0 && lastAttempt()) {
            finished = true; // after the packet is counted: whoever sees it finished sees every packet
        }
    }

    private boolean lastAttempt() {
        return config.packetCount() > 0 && attempts >= config.packetCount();
    }

    /** A reply datagram arrived for this session: validate and report it. Returns false if rejected. */
    public boolean onReply(MemorySegment p, int length, long rxNanos) {
        return onReply(p, length, rxNanos, -1);
    }

    /**
     * A reply datagram arrived with Traffic Class {@code trafficClass} (-1 if the plane did not
     * read it): validate and report it. Returns false if rejected.
     */
    public boolean onReply(MemorySegment p, int length, long rxNanos, int trafficClass) {
        if (length < layout.baseLength) {
            listener.onMalformed("shorter than the base packet");
            return false;
        }
        if (hmac != null && !hmac.verify(p)) {
            listener.onRejected("HMAC verification failed");
            return false;
        }
        followUpTlv = -1;
        classOfServiceTlv = -1;
        if (length > layout.baseLength && !checkTlvs(p, length)) {
            return false;
        }
        if (rxNanos == 0) {
            node.counters.userSpaceRxTimestamps.increment();
            rxNanos = Libc.realtimeNanos();
        }
        boolean accepted = accept(layout.senderSeq(p), layout.seq(p), layout.senderTimestamp(p),
                layout.receiveTimestamp(p), layout.timestamp(p), layout.errorEstimate(p), layout.senderTtl(p), rxNanos, p);
        if (accepted && classOfServiceTlv >= 0) {
            listener.onClassOfService(ClassOfServiceTlv.dscp2(p, classOfServiceTlv),
                    ClassOfServiceTlv.ecn2(p, classOfServiceTlv), ClassOfServiceTlv.reversePath(p, classOfServiceTlv),
                    ClassOfServiceTlv.reversePathEcn(p, classOfServiceTlv), trafficClass);
        }
        return accepted;
    }

    /**
     * A reply that a plane parsed itself (the XDP collector): its wire fields and T4. Unauthenticated
     * replies without TLVs to act on only; the rest reaches {@link #onReply}.
     */
    public boolean onCollected(int senderSeqWire, int reflectorSeqWire, long t1Wire, long t2Wire, long t3Wire,
                               short reflectorEe, int senderTtl, long t4) {
        followUpTlv = -1;
        return accept(senderSeqWire, reflectorSeqWire, t1Wire, t2Wire, t3Wire, reflectorEe, senderTtl, t4, null);
    }

    private boolean accept(int senderSeqWire, int reflectorSeqWire, long t1Wire, long t2Wire, long t3Wire,
                           short reflectorEe, int senderTtl, long t4, MemorySegment p) {
        TimestampFormat reflectorFormat = ErrorEstimate.format(reflectorEe);
        if (reflectorFormat == TimestampFormat.PTP
                && !(Timestamps.isValidPtp(t2Wire) && Timestamps.isValidPtp(t3Wire))) {
            listener.onMalformed("invalid PTP timestamp");
            return false;
        }
        // Sequence numbers are 32 bits on the wire and wrap (after 49 days at 1 ms); the listener
        // sees them unwrapped to 64 bits, next to the ones sent (ours) or seen last (reflector's).
        long senderSeq = SequenceNumbers.unwrap(seq - 1, senderSeqWire);
        long t1 = transmitTime(senderSeq, Timestamps.decode(t1Wire, config.timestampFormat()));
        long t2 = Timestamps.decode(t2Wire, reflectorFormat);
        long t3 = Timestamps.decode(t3Wire, reflectorFormat);
        long reflectorSeq = SequenceNumbers.unwrap(lastReflectorSeq, reflectorSeqWire);
        lastReflectorSeq = reflectorSeq;
        if (followUpTlv >= 0) {
            followUp(p, reflectorFormat);
        }
        listener.onReply(senderSeq, t1, t2, t3, t4, senderTtl, reflectorSeq, System.nanoTime());
        return true;
    }

    /**
     * Reports the reply's Follow-Up Telemetry: the transmit time of the reflector's previous reply
     * (in the reflector's timestamp format). All zeros means it has none to report.
     */
    private void followUp(MemorySegment p, TimestampFormat reflectorFormat) {
        long wire = FollowUpTelemetryTlv.timestamp(p, followUpTlv);
        if (wire == 0 || (reflectorFormat == TimestampFormat.PTP
                && !Timestamps.isValidPtp(wire))) {
            return;
        }
        listener.onFollowUp(FollowUpTelemetryTlv.sequenceNumber(p, followUpTlv), Timestamps.decode(wire, reflectorFormat));
    }

    /** The plane's transmit timestamp of packet {@code seq} (I/O thread). */
    @Override
    public void onTransmitted(long seq, long nanos) {
        int slot = (int) (seq & transmittedMask);
        transmittedSeq[slot] = seq;
        transmittedAt[slot] = nanos;
    }

    /**
     * T1 of a reply's packet: the transmit time if it came, else the user-space reading the
     * packet carries. A transmit time more than a second away from that reading is not this
     * packet's (a clock step in between) and is not used.
     */
    private long transmitTime(long senderSeq, long wireT1) {
        int slot = (int) (senderSeq & transmittedMask);
        if (transmittedSeq[slot] != senderSeq && port != null) {
            // The reply came first (a plane that takes replies apart from the socket whose error
            // queue holds the transmit time, e.g. the XDP collector): read that queue now.
            port.drainTransmitTimes();
        }
        long at = transmittedAt[slot];
        if (transmittedSeq[slot] == senderSeq && Math.abs(at - wireT1) < 1_000_000_000L) {
            node.counters.kernelTxTimestamps.increment();
            return at;
        }
        node.counters.userSpaceTxTimestamps.increment();
        return wireT1;
    }

    /**
     * The reflected TLVs: in authenticated mode the HMAC TLV must be last and verify over the
     * reply's sequence number and the TLVs before it (RFC 8972 §4.8), else the reply is rejected;
     * U/M/I flags the reflector set are reported. Returns false if the reply was rejected.
     */
    private boolean checkTlvs(MemorySegment p, int length) {
        int flags = 0;
        int hmacTlv = -1;
        tlvs.reset(p, layout.baseLength, length);
        while (tlvs.next()) {
            flags |= tlvs.flags();
            if (tlvs.type() == Tlv.TYPE_HMAC && tlvs.isLast()) {
                hmacTlv = tlvs.offset();
            } else if (tlvs.type() == FollowUpTelemetryTlv.TYPE && tlvs.valueLength() == FollowUpTelemetryTlv.VALUE_LENGTH
                    && (tlvs.flags() & (Tlv.FLAG_U | Tlv.FLAG_M | Tlv.FLAG_I)) == 0) {
                followUpTlv = tlvs.offset();
            } else if (tlvs.type() == ClassOfServiceTlv.TYPE && tlvs.valueLength() == ClassOfServiceTlv.VALUE_LENGTH
                    && (tlvs.flags() & (Tlv.FLAG_U | Tlv.FLAG_M | Tlv.FLAG_I)) == 0) {
                classOfServiceTlv = tlvs.offset();
            }
        }
        if (tlvs.malformed()) {
            flags |= Tlv.FLAG_M;
        }
        if (hmac != null && (hmacTlv < 0 || !hmac.verifyTlv(p, layout.seq, layout.baseLength, hmacTlv))) {
            listener.onRejected("HMAC TLV missing or wrong");
            return false;
        }
        if ((flags & (Tlv.FLAG_U | Tlv.FLAG_M | Tlv.FLAG_I)) != 0) {
            listener.onReplyTlvFlags((flags & Tlv.FLAG_U) != 0, (flags & Tlv.FLAG_M) != 0, (flags & Tlv.FLAG_I) != 0);
        }
        return true;
    }

    /** The plane in use may hand its replies to user space or take them itself (no TLVs to act on). */
    public boolean collectableInKernel() {
        return hmac == null && !config.followUpTelemetry() && config.classOfService() == null;
    }

    @Override
    public int localPort() {
        return port.localPort();
    }

    @Override
    public long sent() {
        return seq;
    }

    @Override
    public long collectedInKernel() {
        return collected.get();
    }

    @Override
    public long sendErrors() {
        return sendErrors;
    }

    @Override
    public int lastSendErrno() {
        return lastSendErrno;
    }

    @Override
    public boolean finished() {
        return finished;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Runnable r = onClose;
            if (r != null) {
                r.run();
            }
        }
    }
}
