package io.stampd.dataplane.session;

/**
 * Per-session statistics of a Session-Sender, fed by its data plane through {@link SenderListener}.
 * Thread-safe: the data plane's I/O thread records, management threads take snapshots.
 *
 * <p>Loss: a test packet counts as lost once {@code lossTimeout} has passed without a reply (RFC
 * 6673 style waiting time); until then it is in flight. With a stateful reflector (its own
 * sequence counter, RFC 8762 §4.2.1) the loss splits into forward (sender → reflector) and
 * backward, counted from the first reply on. Directions are named, not "near/far end": the
 * reference notes call forward near-end while the YANG model (like RFC 6374) calls it far-end.
 *
 * <p>Delay variation: IPDV (RFC 5481) between consecutively numbered packets (in sending order,
 * whichever reply comes first), in absolute value.
 *
 * <p>Follow-Up Telemetry (RFC 8972 §4.7): a session that asks for it holds each reply's delays
 * back until the next reply, which reports the reflector's transmit time of this one; that time
 * replaces the T3 the reply carried (read before the reflector's send system call). A reply with
 * no follow-up (the last one, or the next reply lost) is recorded with its own T3 once the next
 * reply arrives, or at the first {@link #snapshot} after {@code followUpHoldNanos} (two intervals,
 * at least {@link #MIN_FOLLOW_UP_HOLD_NANOS}, at most the loss timeout).
 */
public final class SenderStatistics implements SenderListener {
    /**
     * The shortest wait for a reply's follow-up. Two intervals alone would be 2 ms at 1 ms, less
     * than a scheduling hiccup of the sender or reflector, and a late next reply would then lose
     * its predecessor's follow-up. Waiting longer costs nothing when replies keep coming: the next
     * one ends the wait.
     */
    static final long MIN_FOLLOW_UP_HOLD_NANOS = 20_000_000L;
    /** Largest loss-tracking window: sequence numbers sent in one loss timeout must fit. */
    private static final int MAX_WINDOW = 1 << 16;
    private static final int MIN_WINDOW = 64;

    /**
     * How far a stateful reflector's number may run ahead of ours before its numbers are taken for
     * something else than a count of our packets (shared with other senders, a restart): packets
     * the reflector gets in another order than we sent them (reordering on the forward path, or a
     * reflector moving its sessions between data planes) are numbered in the order it got them.
     */
    static final int REORDERING_TOLERANCE = 64;

    /** Sequence numbers tracked for loss and duplicates (a power of two). */
    private final int window;
    private final int mask;

    private final double[] percentiles;
    private final long lossTimeoutNanos;
    private final RecordRing records;

    private final DelayStatistic forward = new DelayStatistic();
    private final DelayStatistic backward = new DelayStatistic();
    private final DelayStatistic roundTrip = new DelayStatistic();
    private final DelayStatistic forwardVariation = new DelayStatistic(2);
    private final DelayStatistic backwardVariation = new DelayStatistic(2);
    private final DelayStatistic roundTripVariation = new DelayStatistic(2);

    /** Send time (System.nanoTime) of each sequence number in the window, and whether it was answered. */
    private final long[] sentAt;
    private final long[] sentSeqAt;
    private final boolean[] answered;

    private long sent;
    private long lastSentSeq = -1;
    private long received;
    private long duplicates;
    private long reordered;
    private long rejected;
    private long malformed;
    private long tlvUnrecognized;
    private long tlvMalformed;
    private long tlvIntegrityFailed;
    private long highestSeq = -1;
    private long lastRcvSeq = -1;
    private long lastSentT1;

    /**
     * Delays of the last {@value #VARIATION_RING} sequence numbers measured (slot = seq mod ring), so
     * that the IPDV pair (i, i+1) is found in whichever order the two replies come: RFC 5481 §4.1
     * pairs packets in sending order, not arrival order. A pair reordered further apart than the
     * ring is not found.
     */
    private static final int VARIATION_RING = 64;
    private final long[] variationSeq = new long[VARIATION_RING];
    private final long[] variationForward = new long[VARIATION_RING];
    private final long[] variationBackward = new long[VARIATION_RING];

    // stateful reflector: first (senderSeq, reflectorSeq) seen and highest reflector seq
    private long firstSenderSeq = -1;
    private long firstReflectorSeq;
    private long highestReflectorSeq = -1;
    private boolean reflectorLooksStateful = true;
    /** Seen a reply whose reflector sequence number differs from ours: the reflector counts on its own. */
    private boolean sawOwnNumbering;
    private final ReflectorMode expectedMode;

    /** What the sender knows of the reflector's numbering (YANG test-session-reflector-mode). */
    public enum ReflectorMode {
        /** Decide from the replies: stateful once a reflector sequence number differs from ours. */
        AUTO,
        STATELESS,
        STATEFUL
    }

    private long startUnixNanos;

    /** Up or down from the fates of the packets in sending order; see {@link #decideFates}. */
    private final Liveness liveness = new Liveness(Liveness.Settings.DEFAULT);
    /** The first sequence number, in sending order, whose fate (answered or lost) is not known yet. */
    private long fateSeq;
    /** Per slot: the reply came, but its T4 was a loss timeout or more after T1 (lost for liveness). */
    private final boolean[] answeredLate;
    /** Monotonic time of the last packet sent (onSent), and its T1: the pair converts T4 to the monotonic clock. */
    private long lastSentMono;
    /** The session's interval, 0 if unknown: a reader sees from it whether the I/O thread keeps up. */
    private long intervalNanos;
    /**
     * How long after a reply's arrival the I/O thread may take to read it while it keeps up: a
     * reader decides losses only up to this long ago.
     */
    public static final long READ_MARGIN_NANOS = 20_000_000L;
    /** How late a due packet may be sent before a reader takes the I/O thread for stalled. */
    public static final long STALL_TOLERANCE_NANOS = 100_000_000L;

    /** Records folded into the delay series (see {@link #recordDelays}). */
    private long folded;
    /** Steps of the wall clock, seen at each packet sent; see {@link ClockSteps}. */
    private final ClockSteps clockSteps = new ClockSteps();
    /** Records measured across a step of the wall clock: kept, but not in the delay series. */
    private long clockStepRecords;
    /** Records written when the last packet was sent: the ones after it were read since. */
    private long recordsAtLastSend;
    /** Waiting records beyond which each new reply folds {@link #FOLD_STEP} of them itself: half the ring. */
    private final long foldBacklog;
    private static final long FOLD_STEP = 2;

    /** Told of each record as it is folded (measurement intervals); NONE when nobody listens. */
    private FoldListener foldListener = FoldListener.NONE;

    /**
     * Told of each measured reply's delays as it is folded into the series, under this object's
     * lock (so also on the I/O thread when a backlog is folded there: it must not allocate per
     * call). {@code sentMonoNanos} is the System.nanoTime of the packet's sending, or
     * {@link Long#MIN_VALUE} if the loss window no longer holds it.
     */
    public interface FoldListener {
        FoldListener NONE = new FoldListener() {
            @Override
            public void delays(long sentMonoNanos, long forward, long backward, long roundTrip) {
            }

            @Override
            public void variation(long sentMonoNanos, long forward, long backward, long roundTrip) {
            }
        };

        void delays(long sentMonoNanos, long forward, long backward, long roundTrip);

        /** A reply measured across a step of the wall clock: answered, but without delays. */
        default void answeredAcrossClockStep(long sentMonoNanos) {
        }

        /** |IPDV| of a pair, told with the send time of the pair's later-measured packet. */
        void variation(long sentMonoNanos, long forward, long backward, long roundTrip);
    }

    /** 0: no Follow-Up Telemetry; else how long a reply waits for the follow-up of its T3. */
    private long followUpHoldNanos;
    private boolean pendingValid;
    private long pendingSeq, pendingT1, pendingT2, pendingT3, pendingT4, pendingReflectorSeq, pendingSince;
    private boolean pendingClockStep;
    private int pendingTtl;
    private long followUps;
    /** The Class of Service TLV's results; null for a session that does not send it. */
    private ClassOfServiceResults classOfService;

    public SenderStatistics(int ssid, double[] percentiles, int recordCapacity, long lossTimeoutNanos) {
        this(ssid, percentiles, recordCapacity, lossTimeoutNanos, ReflectorMode.AUTO, MAX_WINDOW);
    }

    /**
     * The loss window holds what is in flight during one loss timeout, plus margin: a session at
     * 1 s with a 2 s timeout tracks 64 numbers, one at 1 ms tracks 4096. That keeps 1,000 idle-ish
     * sessions small while fast ones still see every late reply.
     */
    public static int windowFor(long intervalNanos, long lossTimeoutNanos) {
        long inFlight = lossTimeoutNanos / Math.max(1, intervalNanos) + 2;
        int w = MIN_WINDOW;
        while (w < inFlight * 2 && w < MAX_WINDOW) {
            w <<= 1;
        }
        return w;
    }

    public SenderStatistics(int ssid, double[] percentiles, int recordCapacity, long lossTimeoutNanos,
                            ReflectorMode expectedMode, int window) {
        if (Integer.bitCount(window) != 1 || window < MIN_WINDOW || window > MAX_WINDOW) {
            throw new IllegalArgumentException("loss window " + window + " is not a power of two in "
                    + MIN_WINDOW + ".." + MAX_WINDOW);
        }
        this.window = window;
        this.mask = window - 1;
        this.sentAt = new long[window];
        this.sentSeqAt = new long[window];
        this.answered = new boolean[window];
        this.answeredLate = new boolean[window];
        java.util.Arrays.fill(variationSeq, -1);
        this.expectedMode = expectedMode;
        this.percentiles = percentiles.clone();
        this.lossTimeoutNanos = lossTimeoutNanos;
        this.records = new RecordRing(ssid, recordCapacity);
        this.foldBacklog = Math.max(0, recordCapacity / 2 - 1);
    }

    public static SenderStatistics forSession(SenderSessionConfig c) {
        SenderStatistics s = new SenderStatistics(c.ssid(), c.percentiles(), c.recordCapacity(), c.lossTimeoutNanos(),
                c.reflectorMode(), windowFor(c.intervalNanos(), c.lossTimeoutNanos()));
        if (c.classOfService() != null) {
            s.classOfService = new ClassOfServiceResults(c.dscp(), c.ecn(), c.classOfService());
        }
        s.intervalNanos = c.intervalNanos();
        if (c.followUpTelemetry()) {
            s.followUpHoldNanos = Math.min(c.lossTimeoutNanos(), Math.max(2 * c.intervalNanos(), MIN_FOLLOW_UP_HOLD_NANOS));
        }
        return s;
    }

    @Override
    public synchronized void onSent(long seq, long t1, long monoNanos) {
        if (sent == 0) {
            startUnixNanos = t1;
            fateSeq = seq;
        } else {
            // Before this packet takes the slot of one sent a window ago. Timers run before the
            // sockets are read: replies may wait unread now, after a stall of the I/O thread, so
            // only a packet whose timeout expired a whole loss timeout ago is taken for lost here.
            decideFates(monoNanos - lossTimeoutNanos);
        }
        if (clockSteps.sample(t1, monoNanos)) {
            // A step backward shows only now: the replies read since the last send may be across it.
            clockStepRecords += records.markClockStep(recordsAtLastSend);
            if (pendingValid && pendingSince > lastSentMono) {
                pendingClockStep = true;
            }
        }
        int slot = (int) (seq & mask);
        sentAt[slot] = monoNanos;
        sentSeqAt[slot] = seq;
        answered[slot] = false;
        answeredLate[slot] = false;
        sent++;
        lastSentSeq = seq;
        lastSentT1 = t1;
        lastSentMono = monoNanos;
        recordsAtLastSend = records.written();
    }

    @Override
    public synchronized void onReply(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl,
                                     long reflectorSeq, long monoNanos) {
        int slot = (int) (senderSeq & mask);
        if (sent == 0 || sentSeqAt[slot] != senderSeq || senderSeq > lastSentSeq) {
            rejected++; // not a sequence number we sent (recently): spoofed, stale or corrupt
            return;
        }
        if (answered[slot]) {
            duplicates++;
            return;
        }
        answered[slot] = true;
        boolean acrossStep = clockSteps.across(sentAt[slot], monoNanos, t1, t4);
        // Late on the monotonic clock if the wall clock stepped under it (no spurious loss for liveness).
        answeredLate[slot] = acrossStep ? monoNanos - sentAt[slot] >= lossTimeoutNanos : t4 - t1 >= lossTimeoutNanos;
        received++;
        // Replies are read in the order they arrived: every reply that came before this one's T4
        // has been seen, so a packet whose timeout expired by then is lost.
        decideFates(Math.min(monoNanos, t4 - (lastSentT1 - lastSentMono)));
        if (senderSeq < highestSeq) {
            reordered++;
        } else {
            highestSeq = senderSeq;
        }
        lastRcvSeq = senderSeq;

        if (firstSenderSeq < 0) {
            firstSenderSeq = senderSeq;
            firstReflectorSeq = reflectorSeq;
        }
        if (reflectorSeq > highestReflectorSeq) {
            highestReflectorSeq = reflectorSeq;
        }
        // A stateless reflector echoes our sequence numbers; a stateful one counts on its own and
        // can never be ahead of us.
        if (reflectorSeq != senderSeq) {
            sawOwnNumbering = true;
        }
        if (reflectorSeq - firstReflectorSeq > senderSeq - firstSenderSeq + REORDERING_TOLERANCE) {
            reflectorLooksStateful = false;
        }
        if (followUpHoldNanos == 0) {
            recordDelays(senderSeq, t1, t2, t3, t4, senderTtl, reflectorSeq, acrossStep);
            return;
        }
        recordPending(); // its follow-up did not come with this reply
        pendingValid = true;
        pendingSeq = senderSeq;
        pendingT1 = t1;
        pendingT2 = t2;
        pendingT3 = t3;
        pendingT4 = t4;
        pendingTtl = senderTtl;
        pendingReflectorSeq = reflectorSeq;
        pendingSince = monoNanos;
        pendingClockStep = acrossStep;
    }

    /**
     * The held reply numbered {@code reflectorSeq} by the reflector left it at {@code transmitNanos}:
     * that becomes its T3. A time before the T3 it carried, or more than a second after it, is
     * not that reply's (another session's, or a clock step) and is ignored.
     */
    @Override
    public synchronized void onFollowUp(long reflectorSeq, long transmitNanos) {
        if (!pendingValid || (pendingReflectorSeq & 0xFFFF_FFFFL) != (reflectorSeq & 0xFFFF_FFFFL)
                || transmitNanos < pendingT3 || transmitNanos - pendingT3 > 1_000_000_000L) {
            return;
        }
        pendingT3 = transmitNanos;
        followUps++;
        recordPending();
    }

    /** Records the held reply, if any. */
    private void recordPending() {
        if (pendingValid) {
            pendingValid = false;
            recordDelays(pendingSeq, pendingT1, pendingT2, pendingT3, pendingT4, pendingTtl, pendingReflectorSeq,
                    pendingClockStep);
        }
    }

    /** Records a held reply that waited {@code followUpHoldNanos} for a follow-up in vain. */
    private void recordStalePending(long monoNow) {
        if (pendingValid && monoNow - pendingSince >= followUpHoldNanos) {
            recordPending();
        }
    }

    /**
     * Records the reply held for its follow-up if it has waited long enough, as {@link #snapshot}
     * does: for readers of the records that take no snapshot (fetch-records).
     */
    public synchronized void recordStaleHeldReply(long monoNow) {
        recordStalePending(monoNow);
    }

    /** Records the held reply now, whatever follows (the session ended). */
    public synchronized void flushPending() {
        recordPending();
    }

    /** Replies measured across a step of the wall clock: recorded (flagged) but left out of the delays. */
    public synchronized long clockStepRecords() {
        return clockStepRecords;
    }

    /** Steps of the wall clock seen by this session's sends. */
    public synchronized long clockSteps() {
        return clockSteps.steps();
    }

    /** The last step of the wall clock seen (nanoseconds, positive forward), 0 before the first. */
    public synchronized long lastClockStepNanos() {
        return clockSteps.lastStepNanos();
    }

    /** Replies whose T3 is the reflector's follow-up transmit time. */
    public synchronized long followUps() {
        return followUps;
    }

    /**
     * A measured reply: into the record ring only. Its delays reach the six series later, when the
     * records are folded ({@link #foldRecords}): by a reader (snapshot), by a background thread
     * (the agent's SessionWatch, every second), or a few per reply here once half the ring is
     * waiting, so that none is overwritten unfolded. Recording six histograms per reply was most
     * of the I/O thread's Java work at 100,000 replies a second.
     */
    private void recordDelays(long senderSeq, long t1, long t2, long t3, long t4, int senderTtl, long reflectorSeq,
                              boolean acrossClockStep) {
        records.add(senderSeq, t1, t2, t3, t4, senderTtl, reflectorSeq, acrossClockStep);
        if (acrossClockStep) {
            clockStepRecords++;
        }
        if (records.written() - folded > foldBacklog) {
            fold(FOLD_STEP);
        }
    }

    /** Folds every record not folded yet into the delay series (any thread; cheap when none waits). */
    public synchronized void foldRecords() {
        fold(Long.MAX_VALUE);
    }

    /** Folds at most {@code max} of the waiting records, oldest first, in the order they were measured. */
    private void fold(long max) {
        long end = folded + Math.min(records.written() - folded, max);
        if (folded < records.firstHeld()) {
            throw new IllegalStateException("records overwritten before their delays were recorded"); // cannot: see recordDelays
        }
        for (long n = folded; n < end; n++) {
            long senderSeq = records.seqAt(n);
            int sentSlot = (int) (senderSeq & mask);
            long sentMono = sentSeqAt[sentSlot] == senderSeq ? sentAt[sentSlot] : Long.MIN_VALUE;
            if (records.clockStepAt(n)) {
                // T1 and T4 on two clocks: no delay, and no variation against its neighbours.
                foldListener.answeredAcrossClockStep(sentMono);
                continue;
            }
            long fwd = records.forwardAt(n);
            long bwd = records.backwardAt(n);
            long rtt = fwd + bwd; // (T4 - T1) - (T3 - T2), also when the long arithmetic wraps
            forward.record(fwd);
            backward.record(bwd);
            roundTrip.record(rtt);
            foldListener.delays(sentMono, fwd, bwd, rtt);
            // Each pair is recorded once, when the second of its two packets is measured.
            pairVariation(senderSeq - 1, fwd, bwd, rtt, sentMono);
            pairVariation(senderSeq + 1, fwd, bwd, rtt, sentMono);
            int slot = (int) (senderSeq & (VARIATION_RING - 1));
            variationSeq[slot] = senderSeq;
            variationForward[slot] = fwd;
            variationBackward[slot] = bwd;
        }
        folded = end;
    }

    /**
     * Records |IPDV| against packet {@code neighbour} if its delays are known (D17: unsigned). Its
     * round trip is not kept: (T4 - T1) - (T3 - T2) equals forward + backward, also when the
     * long arithmetic wraps.
     */
    private void pairVariation(long neighbour, long fwd, long bwd, long rtt, long sentMono) {
        int slot = (int) (neighbour & (VARIATION_RING - 1));
        if (neighbour < 0 || variationSeq[slot] != neighbour) {
            return;
        }
        long fwdVariation = Math.abs(fwd - variationForward[slot]);
        long bwdVariation = Math.abs(bwd - variationBackward[slot]);
        long rttVariation = Math.abs(rtt - (variationForward[slot] + variationBackward[slot]));
        forwardVariation.record(fwdVariation);
        backwardVariation.record(bwdVariation);
        roundTripVariation.record(rttVariation);
        foldListener.variation(sentMono, fwdVariation, bwdVariation, rttVariation);
    }

    /** Who is told of each folded record from now on (null: nobody). */
    public synchronized void foldListener(FoldListener listener) {
        foldListener = listener == null ? FoldListener.NONE : listener;
    }

    /** The sequence number the next packet sent will carry. */
    public synchronized long nextSeq() {
        return lastSentSeq + 1;
    }

    /**
     * Packets sent from sequence number {@code firstSeq} up to (not including) the monotonic time
     * {@code endMono}, for a measurement interval that ends there: folds the waiting records first
     * (so that every reply received so far has reached the fold listener), then finds the first
     * sequence number sent at or after {@code endMono} by walking the loss window back from the
     * newest packet, and counts the interval's packets not answered yet and still within their
     * loss timeout at {@code monoNow}. If the window no longer reaches {@code endMono} (the
     * caller came late by more than a loss timeout) the oldest number it holds is taken.
     */
    public synchronized IntervalSent intervalSent(long firstSeq, long endMono, long monoNow) {
        foldRecords();
        long next = lastSentSeq + 1;
        for (long s = lastSentSeq, k = 0; s >= firstSeq && k < window; s--, k++) {
            int slot = (int) (s & mask);
            if (sentSeqAt[slot] != s || sentAt[slot] - endMono < 0) {
                break;
            }
            next = s;
        }
        long awaiting = 0;
        for (long s = next - 1, k = 0; s >= firstSeq && k < window; s--, k++) {
            int slot = (int) (s & mask);
            if (sentSeqAt[slot] != s || monoNow - sentAt[slot] >= lossTimeoutNanos) {
                break;
            }
            if (!answered[slot]) {
                awaiting++;
            }
        }
        return new IntervalSent(Math.max(0, next - Math.max(0, firstSeq)), next, awaiting);
    }

    /**
     * What {@link #intervalSent} found: packets sent in the interval, the first sequence number of
     * the next one, and the interval's packets still awaiting their reply within the loss timeout.
     */
    public record IntervalSent(long sent, long nextFirstSeq, long awaiting) {
    }

    @Override
    public synchronized void onClassOfService(int dscp2, int ecn2, int rpd, int rpe, int replyTrafficClass) {
        if (classOfService != null) {
            classOfService.onReply(dscp2, ecn2, rpd, rpe, replyTrafficClass);
        }
    }

    /** The Class of Service results, or null for a session that sends no Class of Service TLV. */
    public synchronized ClassOfServiceSummary classOfService() {
        return classOfService == null ? null : classOfService.summary();
    }

    @Override
    public synchronized void onRejected(String reason) {
        rejected++;
    }

    @Override
    public synchronized void onMalformed(String reason) {
        malformed++;
    }

    @Override
    public synchronized void onReplyTlvFlags(boolean unrecognized, boolean malformedTlv, boolean integrityFailed) {
        if (unrecognized) {
            tlvUnrecognized++;
        }
        if (malformedTlv) {
            tlvMalformed++;
        }
        if (integrityFailed) {
            tlvIntegrityFailed++;
        }
    }

    /** The newest records, oldest first, at most {@code max}. */
    public synchronized java.util.List<StampRecord> latestRecords(int max) {
        return records.latest(max);
    }

    /** Removes and returns all records collected since the last drain (GetStampSessionResults semantics). */
    public synchronized java.util.List<StampRecord> drainRecords() {
        return records.drain(Long.MAX_VALUE);
    }

    /** Like {@link #drainRecords()}, at most {@code max} records, oldest first; the rest stay for the next call. */
    public synchronized java.util.List<StampRecord> drainRecords(long max) {
        return records.drain(max);
    }

    public synchronized int pendingRecords() {
        return records.pending();
    }

    public synchronized void clear() {
        forward.reset();
        backward.reset();
        roundTrip.reset();
        forwardVariation.reset();
        backwardVariation.reset();
        roundTripVariation.reset();
        sent = received = duplicates = reordered = rejected = malformed = 0;
        tlvUnrecognized = tlvMalformed = tlvIntegrityFailed = 0;
        highestSeq = lastRcvSeq = firstSenderSeq = highestReflectorSeq = -1;
        java.util.Arrays.fill(variationSeq, -1);
        java.util.Arrays.fill(answered, true); // replies to packets sent before the clear are not counted
        reflectorLooksStateful = true;
        sawOwnNumbering = false;
        pendingValid = false;
        followUps = 0;
        if (classOfService != null) {
            classOfService.clear();
        }
        records.clear();
        folded = 0;
        recordsAtLastSend = 0;
        clockStepRecords = 0;
        fateSeq = lastSentSeq + 1; // their replies are no longer told from duplicates: no fate
    }

    /**
     * Feeds the liveness verdict the fates that became known, in sending order: a packet is
     * received (answered, T4 within the loss timeout of T1), or lost (answered later, or not
     * answered by {@code horizon}, a monotonic time by which every reply that had arrived was
     * read, when its timeout had expired); the first one still in flight stops the walk. The I/O
     * thread calls it on each reply and packet sent (amortised one step per packet, no
     * allocation), readers with their own horizon ({@link #liveness(long, boolean)}). A packet
     * whose slot was taken before its fate was known counts for neither.
     */
    private void decideFates(long horizon) {
        if (sent == 0) {
            return;
        }
        if (lastSentSeq - fateSeq >= window) {
            fateSeq = lastSentSeq - window + 1;
        }
        for (; fateSeq <= lastSentSeq; fateSeq++) {
            int slot = (int) (fateSeq & mask);
            if (sentSeqAt[slot] != fateSeq) {
                continue;
            }
            if (answered[slot]) {
                if (answeredLate[slot]) {
                    liveness.lost();
                } else {
                    liveness.received();
                }
            } else if (horizon - sentAt[slot] >= lossTimeoutNanos) {
                liveness.lost();
            } else {
                return;
            }
        }
    }

    /**
     * The liveness verdict as of {@code monoNow}, read by another thread than the I/O thread.
     * While the session sends on schedule, the I/O thread reads replies as they come, so losses
     * are decided up to {@link #READ_MARGIN_NANOS} ago; once a due packet is more than {@link
     * #STALL_TOLERANCE_NANOS} late, the I/O thread is taken for stalled (its replies may wait
     * unread) and losses are decided only up to its last packet sent.
     *
     * @param sending false once the session has sent its last packet: nothing is due, nothing stalls
     */
    public synchronized Liveness.Verdict liveness(long monoNow, boolean sending) {
        boolean stalled = sending && sent > 0 && intervalNanos > 0
                && monoNow - lastSentMono > intervalNanos + STALL_TOLERANCE_NANOS;
        decideFates(stalled ? lastSentMono : monoNow - READ_MARGIN_NANOS);
        return liveness.verdict();
    }

    /** How many lost or received packets in a row decide the liveness verdict, from the next one on. */
    public synchronized void livenessSettings(Liveness.Settings settings) {
        liveness.settings(settings);
    }

    /** Packets sent but not answered within the loss timeout, as of {@code monoNow}. */
    private long inFlight(long monoNow) {
        long n = 0;
        for (long s = lastSentSeq, k = 0; s >= 0 && k < window && k < sent; s--, k++) {
            int slot = (int) (s & mask);
            if (sentSeqAt[slot] != s || monoNow - sentAt[slot] >= lossTimeoutNanos) {
                break;
            }
            if (!answered[slot]) {
                n++;
            }
        }
        return n;
    }

    /**
     * The loss counters alone, as of {@code monoNow}: what a loss threshold needs, without the
     * percentiles a full {@link #snapshot} computes.
     */
    public synchronized LossCounts lossCounts(long monoNow) {
        recordStalePending(monoNow);
        long flight = inFlight(monoNow);
        return new LossCounts(sent, flight, Math.max(0, sent - received - flight));
    }

    /** Packets sent, still within their loss timeout, and lost (sent, not answered, timed out). */
    public record LossCounts(long sent, long inFlight, long lost) {
    }

    public Snapshot snapshot(long monoNow) {
        return snapshot(monoNow, true);
    }

    /**
     * @param withPercentiles false: the delay summaries' median and percentiles are 0 (see {@link
     *                        DelayStatistic#summaryWithoutPercentiles}), for a reader that shows none
     */
    public synchronized Snapshot snapshot(long monoNow, boolean withPercentiles) {
        recordStalePending(monoNow);
        foldRecords();
        long flight = inFlight(monoNow);
        long lost = Math.max(0, sent - received - flight);
        long forwardLost = -1;
        long backwardLost = -1;
        boolean stateful = switch (expectedMode) {
            case STATEFUL -> true;
            case STATELESS -> false;
            case AUTO -> sawOwnNumbering;
        };
        if (stateful && firstSenderSeq >= 0 && reflectorLooksStateful && highestReflectorSeq >= firstReflectorSeq) {
            // reflector saw (highestReflectorSeq - firstReflectorSeq + 1) of our packets since firstSenderSeq
            long reachedReflector = highestReflectorSeq - firstReflectorSeq + 1;
            long sentSinceFirst = highestSeq - firstSenderSeq + 1;
            forwardLost = Math.max(0, sentSinceFirst - reachedReflector);
            backwardLost = Math.max(0, reachedReflector - received);
        }
        return new Snapshot(startUnixNanos, sent, received, lost, flight, duplicates, reordered, rejected, malformed,
                lastSentSeq, lastRcvSeq, forwardLost, backwardLost,
                summary(forward, withPercentiles), summary(backward, withPercentiles),
                summary(roundTrip, withPercentiles), summary(forwardVariation, withPercentiles),
                summary(backwardVariation, withPercentiles), summary(roundTripVariation, withPercentiles),
                percentiles.clone(),
                forward.negativeCount() + backward.negativeCount(), tlvUnrecognized, tlvMalformed,
                tlvIntegrityFailed);
    }

    private DelayStatistic.Summary summary(DelayStatistic d, boolean withPercentiles) {
        return withPercentiles ? d.summary(percentiles) : d.summaryWithoutPercentiles(percentiles.length);
    }

    /**
     * A consistent view of the statistics. Loss counts are -1 where they cannot be known (near/far
     * end with a stateless reflector). {@code rejected}: replies that failed verification or named a
     * sequence number never sent; {@code malformed}: replies that could not be parsed; the
     * {@code repliesWith...} counters: replies whose TLVs the reflector flagged U, M or I.
     */
    public record Snapshot(long startUnixNanos, long sent, long received, long lost, long inFlight,
                           long duplicates, long reordered, long rejected, long malformed, long lastSentSeq,
                           long lastReceivedSeq,
                           long forwardLost, long backwardLost,
                           DelayStatistic.Summary forward, DelayStatistic.Summary backward,
                           DelayStatistic.Summary roundTrip, DelayStatistic.Summary forwardVariation,
                           DelayStatistic.Summary backwardVariation, DelayStatistic.Summary roundTripVariation,
                           double[] percentiles, long negativeOneWayDelays, long repliesWithUnrecognizedTlv,
                           long repliesWithMalformedTlv, long repliesWithIntegrityFailure) {
        public LossCounts lossCounts() {
            return new LossCounts(sent, inFlight, lost);
        }

        /** Round-trip loss ratio in percent of the packets whose fate is known. */
        public double lossPercent() {
            long known = sent - inFlight;
            return known <= 0 ? 0 : 100.0 * lost / known;
        }
    }
}
