package io.stampd.dataplane.core;

import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.ReflectorHandle;
import io.stampd.dataplane.codec.StampHmac;
import io.stampd.dataplane.codec.StampLayout;
import io.stampd.dataplane.codec.Timestamps;
import io.stampd.dataplane.session.ClassOfServicePolicy;
import io.stampd.dataplane.session.RateLimit;
import io.stampd.dataplane.session.ReflectorSessionConfig;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One provisioned Session-Reflector test session, whatever plane moves its packets: its match
 * fields, its own sequence numbers (stateful), its counters and the Follow-Up Telemetry state.
 * Mutated on the I/O thread only; counters are read from any thread.
 */
public final class SessionReflector implements ReflectorHandle, Transmitted {
    public final ReflectorSessionConfig config;
    public final StampLayout layout;
    final StampHmac hmac;
    final short errorEstimate;
    /** Match fields as 16 octets, null for a wildcard. */
    final byte[] senderAddress;
    final byte[] reflectorAddress;
    /** The plane's per-session state (its form of the return path, for one). */
    public Object attachment;
    private Runnable onClose;

    /** Own sequence counters of a stateful reflector (RFC 8762 §4.3.1), one per test session served. */
    public final ReflectorFlowCounters flows = new ReflectorFlowCounters();
    /** Where numbers come from: {@link #flows}, or a kernel plane's counters while it numbers the same flows. */
    private FlowNumbers numbers = flows;
    public final Counter received = new Counter();
    public final Counter reflected = new Counter();
    /** Failed HMAC verification: discarded unanswered. */
    public final Counter rejected = new Counter();
    /** Dropped unanswered over the session's rate limit. */
    public final Counter rateLimited = new Counter();
    /** The session's rate limit, null when it has none. I/O thread. */
    TokenBucket bucket;
    /** The limit in force (the configuration's until changed in place). */
    private volatile RateLimit rateLimit;
    /** How the plane changes the limit on its I/O thread. */
    private Consumer<RateLimit> onRateLimit;
    /** Of {@link #reflected}, the replies an in-kernel plane sent (carried over when it left). */
    public final Counter reflectedInKernel = new Counter();
    volatile long lastSenderSeq = -1;
    volatile long lastReflectorSeq = -1;
    /** Counters of a plane that answers some of this session's packets itself (XDP), added to ours. */
    private volatile Supplier<ReflectorCounters> kernelCounters;
    private volatile boolean closed;
    /** Follow-Up Telemetry (RFC 8972 §4.7): the previous reply's sequence number and T3. */
    boolean previousReplyValid;
    long previousReplySeq;
    long previousReplyT3Wire;
    /** A reply of this session waits in the plane's batch for its T3 and the send. */
    boolean replyQueued;
    /** The transmit time of this session's reply numbered {@link #transmittedSeq}. */
    long transmittedSeq = -1;
    long transmittedAt;
    /** A reply was sent asking for its transmit time, which has not come back yet. */
    boolean transmitPending;

    public SessionReflector(StampNode node, ReflectorSessionConfig config) {
        this.config = config;
        this.layout = config.layout();
        this.hmac = config.authenticated() ? new StampHmac(config.hmacKey()) : null;
        this.errorEstimate = node.errorEstimate(config.timestampFormat());
        this.senderAddress = config.senderAddress() == null ? null : config.senderAddress().getAddress();
        this.reflectorAddress = config.reflectorAddress() == null ? null : config.reflectorAddress().getAddress();
        this.rateLimit = config.rateLimit();
        this.bucket = rateLimit == null ? null : new TokenBucket(rateLimit);
    }

    /** {@code onClose} stops the session on its plane (called once, by {@link #close}). */
    public void onClose(Runnable onClose) {
        this.onClose = onClose;
    }

    /** {@code action} changes the limit on the plane's I/O thread (through {@link #applyRateLimit}). */
    public void onRateLimit(Consumer<RateLimit> action) {
        this.onRateLimit = action;
    }

    @Override
    public void rateLimit(RateLimit limit) {
        Consumer<RateLimit> action = onRateLimit;
        if (action != null && !closed) {
            action.accept(limit);
        }
    }

    /** The limit in force, null: none. */
    public RateLimit rateLimit() {
        return rateLimit;
    }

    /**
     * Changes the limit in place at monotonic time {@code nowNanos}: the bucket keeps the credit
     * it earned (cut to the new burst); a new limit starts full. I/O thread.
     */
    public void applyRateLimit(RateLimit limit, long nowNanos) {
        if (limit == null) {
            bucket = null;
        } else if (bucket == null) {
            bucket = new TokenBucket(limit);
        } else {
            bucket.limit(limit, nowNanos);
        }
        rateLimit = limit;
    }

    /** Numbers from {@code source} from now on (null: this session's own table). I/O thread. */
    public void numberFrom(FlowNumbers source) {
        numbers = source == null ? flows : source;
    }

    /** Adds the counters of a plane that answers packets of this session itself (null: none). */
    public void kernelCounters(Supplier<ReflectorCounters> source) {
        kernelCounters = source;
    }

    long takeNumber(MemorySegment source, int sourcePort, int ssid) {
        return numbers.take(source, sourcePort, ssid);
    }

    void untakeNumber(MemorySegment source, int sourcePort, int ssid, long number) {
        numbers.untake(source, sourcePort, ssid, number);
    }

    /**
     * Served by an in-kernel plane only if nothing of it needs user space (authentication, a
     * configured reply DSCP; a session's own rate limit and the node's per-source one the XDP
     * program has buckets for). I/O thread.
     */
    public boolean reflectableInKernel() {
        // The in-kernel reflector copies the request's DSCP; a configured reply DSCP is user space's.
        return hmac == null && config.classOfService().replyDscp() == ClassOfServicePolicy.COPY_RECEIVED;
    }

    @Override
    public void onTransmitted(long seq, long nanos) {
        transmittedSeq = seq;
        transmittedAt = nanos;
        transmitPending = false;
    }

    /**
     * What Follow-Up Telemetry reports for the previous reply: its transmit time if it came, else
     * the T3 it carried; in this session's timestamp wire format.
     */
    long previousReplyTimestampWire() {
        return transmittedSeq == previousReplySeq
                ? Timestamps.encode(transmittedAt, config.timestampFormat())
                : previousReplyT3Wire;
    }

    /**
     * An in-kernel plane stops answering this session: its counters ({@code kernel}, as the
     * plane's supplier gave them) become part of this session's own, and it stops being asked.
     * I/O thread.
     */
    public void foldKernelCounters(ReflectorCounters kernel) {
        kernelCounters = null;
        received.add(kernel.received());
        reflected.add(kernel.reflected());
        rejected.add(kernel.rejected());
        reflectedInKernel.add(kernel.inKernel());
        rateLimited.add(kernel.rateLimited());
        if (kernel.reflected() > 0 && kernel.lastSenderSeq() >= 0) {
            lastSenderSeq = kernel.lastSenderSeq();
            lastReflectorSeq = kernel.lastReflectorSeq();
        }
    }

    @Override
    public ReflectorCounters counters() {
        ReflectorCounters own = new ReflectorCounters(received.get(), reflected.get(), rejected.get(), lastSenderSeq,
                lastReflectorSeq, reflectedInKernel.get(), rateLimited.get());
        Supplier<ReflectorCounters> k = kernelCounters;
        if (k == null) {
            return own;
        }
        ReflectorCounters kc = k.get();
        boolean kernelLatest = kc.lastSenderSeq() >= 0 && kc.reflected() > 0;
        return new ReflectorCounters(own.received() + kc.received(), own.reflected() + kc.reflected(),
                own.rejected() + kc.rejected(), kernelLatest ? kc.lastSenderSeq() : own.lastSenderSeq(),
                kernelLatest ? kc.lastReflectorSeq() : own.lastReflectorSeq(), own.inKernel() + kc.inKernel(),
                own.rateLimited() + kc.rateLimited());
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

    @Override
    public String toString() {
        return config.toString();
    }
}
