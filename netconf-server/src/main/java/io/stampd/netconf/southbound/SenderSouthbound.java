package io.stampd.netconf.southbound;

import static io.stampd.netconf.southbound.ConfigEdits.leaf;

import io.stampd.dataplane.session.StampRecord;
import io.stampd.grpc.SenderBackend;
import io.stampd.grpc.srv6pm.AuthenticationMode;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionReply;
import io.stampd.grpc.srv6pm.CreateStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.DelayMeasurementMode;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.GetStampSessionResultsRequest;
import io.stampd.grpc.srv6pm.InitStampSenderReply;
import io.stampd.grpc.srv6pm.InitStampSenderRequest;
import io.stampd.grpc.srv6pm.PacketLossType;
import io.stampd.grpc.srv6pm.ResetStampSenderReply;
import io.stampd.grpc.srv6pm.ResetStampSenderRequest;
import io.stampd.grpc.srv6pm.StampResults;
import io.stampd.grpc.srv6pm.StampResultsCountersReply;
import io.stampd.grpc.srv6pm.StampResultsCountersRequest;
import io.stampd.grpc.srv6pm.StampSenderParameters;
import io.stampd.grpc.srv6pm.StampSessionResult;
import io.stampd.grpc.srv6pm.StartStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StartStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.StatusCode;
import io.stampd.grpc.srv6pm.StopStampSenderSessionReply;
import io.stampd.grpc.srv6pm.StopStampSenderSessionRequest;
import io.stampd.grpc.srv6pm.TimestampFormat;
import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The Session-Sender side of the gRPC southbound (EveryWAN's STAMPSessionSenderService) as
 * transactions on the shared configuration store: Create adds a disabled sender-test-session,
 * Start and Stop set its test-session-enable, Destroy removes it, Init and Reset set the node's
 * sender-wide settings. A session is addressed by its SSID, whichever front end created it.
 *
 * <p>Records are taken from the engine. Start gives a session fresh statistics, so the records
 * not fetched by then are kept here first: GetStampSessionResults returns every record once.
 */
public final class SenderSouthbound implements SenderBackend {
    /** gRPC sessions keep up to this many unfetched records (the model's maximum; the ring grows as needed). */
    static final int RECORD_CAPACITY = 1_048_576;

    private final ConfigStore store;
    private final ConfigEdits edits;
    private final RecordSource records;
    private final LockOwner owner;
    private final Map<Long, ArrayDeque<StampRecord>> kept = new HashMap<>();
    private boolean initialized;
    private int defaultPort;
    private String defaultSource = "";

    public SenderSouthbound(ConfigStore store, io.stampd.netconf.protocol.ConfigModel model, RecordSource records,
                            LockOwner owner) {
        this.store = store;
        this.edits = new ConfigEdits(model);
        this.records = records;
        this.owner = owner;
    }

    @Override
    public synchronized InitStampSenderReply init(InitStampSenderRequest r) {
        Outcome o = run(() -> {
            if (initialized) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_ALREADY_INITIALIZED, "the sender is initialised already;"
                        + " Reset first to change its settings");
            }
            int port = r.getSenderUdpPort();
            if (port != 0 && (port < 1024 || port > 65535)) {
                throw Outcome.invalid("sender_udp_port " + port + " is not 0 (any) or 1024..65535");
            }
            String source = Southbound.address("stamp_source_ipv6_address", r.getStampSourceIpv6Address());
            Southbound.checkInterfaces(r.getInterfacesList());
            transaction(Southbound.BUSY, running -> edits.merge("<stamp-session-sender>"
                    + leaf("sender-enable", true) + "</stamp-session-sender>"));
            initialized = true;
            defaultPort = port;
            defaultSource = source;
            return Outcome.SUCCESS;
        });
        return InitStampSenderReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized ResetStampSenderReply reset(ResetStampSenderRequest r) {
        Outcome o = run(() -> {
            if (!initialized) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_NOT_INITIALIZED, "the sender is not initialised");
            }
            List<Long> removed = new ArrayList<>();
            transaction(StatusCode.STATUS_CODE_RESET_FAILED, running -> {
                StringBuilder body = new StringBuilder("<stamp-session-sender>");
                for (StampSessions.Entry e : StampSessions.senders(running)) {
                    removed.add(e.key());
                    body.append("<sender-test-session xc:operation='remove'>").append(leaf("stamp-session-id", e.key()))
                            .append("</sender-test-session>");
                }
                return edits.merge(body.append("</stamp-session-sender>").toString());
            });
            removed.forEach(kept::remove);
            initialized = false;
            defaultPort = 0;
            defaultSource = "";
            return new Outcome(StatusCode.STATUS_CODE_SUCCESS, "removed " + removed.size() + " sender sessions");
        });
        return ResetStampSenderReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized CreateStampSenderSessionReply create(CreateStampSenderSessionRequest r) {
        StampSenderParameters.Builder resolved = StampSenderParameters.newBuilder();
        Outcome o = run(() -> {
            requireInitialized();
            int ssid = Southbound.ssid(r.getSsid());
            StampSenderParameters p = r.getStampParams();
            List<String> segments = new ArrayList<>();
            for (String s : r.getSidlist().getSegmentsList()) {
                segments.add(Southbound.address("sidlist segment", s));
            }
            String reflector = Southbound.address("stamp_params.reflector_ip", p.getReflectorIp());
            if (reflector.isEmpty()) {
                if (segments.isEmpty()) {
                    throw Outcome.invalid("no reflector: give stamp_params.reflector_ip or a sidlist whose last"
                            + " segment is the reflector");
                }
                reflector = segments.getLast();
            }
            int port = p.getReflectorUdpPort() == 0 ? 862 : p.getReflectorUdpPort();
            long intervalMicros = intervalMicros(r);
            DelayMeasurementMode mode = p.getDelayMeasurementMode();
            if (mode == DelayMeasurementMode.DELAY_MEASUREMENT_MODE_ONE_WAY
                    || mode == DelayMeasurementMode.DELAY_MEASUREMENT_MODE_LOOPBACK) {
                throw Outcome.invalid("delay_measurement_mode " + mode + " is not supported: this node measures"
                        + " two-way (T1..T4 in every result); one-way delays are derived from them");
            }
            if (mode == DelayMeasurementMode.UNRECOGNIZED || p.getPacketLossType() == PacketLossType.UNRECOGNIZED
                    || p.getAuthMode() == AuthenticationMode.UNRECOGNIZED
                    || p.getTimestampFormat() == TimestampFormat.UNRECOGNIZED) {
                throw Outcome.invalid("stamp_params holds an enum value this node does not know");
            }
            boolean hmac = Southbound.hmac(p.getAuthMode(), p.getKeyChain());
            boolean ptp = p.getTimestampFormat() == TimestampFormat.TIMESTAMP_FORMAT_PTPv2;
            String source = Southbound.address("stamp_source_ipv6_address", r.getStampSourceIpv6Address());
            String sender = source.isEmpty() ? defaultSource : source;
            String reflectorIp = reflector;
            long[] key = {0};
            transaction(Southbound.BUSY, running -> {
                List<StampSessions.Entry> senders = StampSessions.senders(running);
                if (Southbound.find(senders, ssid).isPresent()) {
                    throw new Southbound.Abort(Outcome.refuse(StatusCode.STATUS_CODE_SESSION_EXISTS,
                            "a sender session with SSID " + ssid + " exists"));
                }
                if (hmac && !StampSessions.keyChainExists(running, p.getKeyChain())) {
                    throw new Southbound.Abort(Outcome.invalid("key_chain '" + p.getKeyChain() + "' is not configured"
                            + " under /stamp/key-chains"));
                }
                key[0] = StampSessions.newKey(senders, ssid);
                StringBuilder s = new StringBuilder("<stamp-session-sender><sender-test-session>")
                        .append(leaf("stamp-session-id", key[0]))
                        .append(leaf("test-session-enable", false))
                        .append(leaf("ssid", ssid))
                        .append(leaf("interval", intervalMicros))
                        .append(leaf("session-reflector-ip", reflectorIp))
                        .append(leaf("session-reflector-udp-port", port))
                        .append(leaf("sender-timestamp-format", ptp ? "ptp-format" : "ntp-format"))
                        .append(leaf("record-capacity", RECORD_CAPACITY));
                if (!sender.isEmpty()) {
                    s.append(leaf("sender-ip", sender));
                }
                if (defaultPort != 0) {
                    s.append(leaf("session-sender-udp-port", defaultPort));
                }
                if (hmac) {
                    s.append("<security>").append(leaf("key-chain", p.getKeyChain())).append("</security>");
                }
                s.append("<forward-path>");
                segments.forEach(seg -> s.append(leaf("segment", seg)));
                s.append("</forward-path></sender-test-session></stamp-session-sender>");
                return edits.merge(s.toString());
            });
            kept.remove(key[0]); // records of an earlier session under the same key are not this one's
            resolved.setReflectorIp(reflector).setReflectorUdpPort(port)
                    .setAuthMode(hmac ? AuthenticationMode.AUTHENTICATION_MODE_HMAC_SHA_256
                            : AuthenticationMode.AUTHENTICATION_MODE_UNAUTHENTICATED)
                    .setKeyChain(p.getKeyChain())
                    .setTimestampFormat(ptp ? TimestampFormat.TIMESTAMP_FORMAT_PTPv2 : TimestampFormat.TIMESTAMP_FORMAT_NTP)
                    .setPacketLossType(p.getPacketLossType() == PacketLossType.PACKET_LOSS_TYPE_UNSPECIFIED
                            ? PacketLossType.PACKET_LOSS_TYPE_ROUND_TRIP : p.getPacketLossType())
                    .setDelayMeasurementMode(DelayMeasurementMode.DELAY_MEASUREMENT_MODE_TWO_WAY);
            return Outcome.SUCCESS;
        });
        var reply = CreateStampSenderSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description());
        if (o.status() == StatusCode.STATUS_CODE_SUCCESS) {
            reply.setStampParams(resolved);
        }
        return reply.build();
    }

    @Override
    public synchronized StartStampSenderSessionReply start(StartStampSenderSessionRequest r) {
        Outcome o = run(() -> {
            requireInitialized();
            int ssid = Southbound.ssid(r.getSsid());
            StampSessions.Entry e = existing(ssid);
            if (e.enabled()) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_SESSION_RUNNING, "sender session " + ssid + " is running");
            }
            // Starting gives the session fresh statistics: keep what the controller has not fetched yet.
            keep(e.key());
            enable(e.key(), true);
            return Outcome.SUCCESS;
        });
        return StartStampSenderSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized StopStampSenderSessionReply stop(StopStampSenderSessionRequest r) {
        Outcome o = run(() -> {
            requireInitialized();
            int ssid = Southbound.ssid(r.getSsid());
            StampSessions.Entry e = existing(ssid);
            if (!e.enabled()) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_SESSION_NOT_RUNNING, "sender session " + ssid
                        + " is not running");
            }
            enable(e.key(), false);
            return Outcome.SUCCESS;
        });
        return StopStampSenderSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized StampResults results(GetStampSessionResultsRequest r) {
        List<StampSessionResult> out = new ArrayList<>();
        Outcome o = run(() -> {
            int ssid = Southbound.ssid(r.getSsid());
            StampSessions.Entry e = existing(ssid);
            keep(e.key());
            ArrayDeque<StampRecord> waiting = kept.remove(e.key());
            if (waiting != null) {
                for (StampRecord rec : waiting) {
                    out.add(result(ssid, rec));
                }
            }
            return Outcome.SUCCESS;
        });
        return StampResults.newBuilder().setStatus(o.status()).setDescription(o.description()).addAllResults(out)
                .build();
    }

    @Override
    public synchronized DestroyStampSenderSessionReply destroy(DestroyStampSenderSessionRequest r) {
        Outcome o = run(() -> {
            requireInitialized();
            int ssid = Southbound.ssid(r.getSsid());
            StampSessions.Entry e = existing(ssid);
            transaction(Southbound.BUSY, running -> edits.merge("<stamp-session-sender>"
                    + "<sender-test-session xc:operation='remove'>" + leaf("stamp-session-id", e.key())
                    + "</sender-test-session></stamp-session-sender>"));
            kept.remove(e.key());
            return Outcome.SUCCESS;
        });
        return DestroyStampSenderSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description())
                .build();
    }

    @Override
    public synchronized StampResultsCountersReply counter(StampResultsCountersRequest r) {
        long[] count = {0};
        Outcome o = run(() -> {
            StampSessions.Entry e = existing(Southbound.ssid(r.getSsid()));
            ArrayDeque<StampRecord> waiting = kept.get(e.key());
            count[0] = (waiting == null ? 0 : waiting.size()) + records.pending(e.key());
            return Outcome.SUCCESS;
        });
        return StampResultsCountersReply.newBuilder().setStatus(o.status())
                .setNumResults((int) Math.min(count[0], 0xFFFF_FFFFL)).build();
    }

    /** interval_us (stampd's extension) if given, else interval in whole seconds, as the model's microseconds. */
    private static long intervalMicros(CreateStampSenderSessionRequest r) throws Outcome.Refusal {
        if (r.getIntervalUs() != 0) {
            long us = Integer.toUnsignedLong(r.getIntervalUs());
            if (us < 1000) {
                throw Outcome.invalid("interval_us " + us + " is shorter than this node allows (1000 µs)");
            }
            return us;
        }
        if (r.getInterval() == 0) {
            throw Outcome.invalid("interval 0: give the seconds between test packets (at least 1), or interval_us");
        }
        long us = Integer.toUnsignedLong(r.getInterval()) * 1_000_000L;
        if (us > 0xFFFF_FFFFL) {
            throw Outcome.invalid("interval " + Integer.toUnsignedString(r.getInterval())
                    + " s is longer than this node allows (4294 s)");
        }
        return us;
    }

    /**
     * One record as the controller reads it. clock_step (stampd's field 100, which an original
     * controller skips) marks a record whose T1 and T4 were read on two clocks: its delays are off
     * by the step, and a controller computing them from the timestamps must be able to tell.
     */
    static StampSessionResult result(int ssid, StampRecord r) {
        return StampSessionResult.newBuilder().setSsid(ssid)
                .setTestPktTxTimestamp(EpochSeconds.of(r.t1()))
                .setTestPktRxTimestamp(EpochSeconds.of(r.t2()))
                .setReplyPktTxTimestamp(EpochSeconds.of(r.t3()))
                .setReplyPktRxTimestamp(EpochSeconds.of(r.t4()))
                .setClockStep(r.clockStep())
                .build();
    }

    /** Moves the engine's unfetched records of a session here. */
    private void keep(long key) {
        List<StampRecord> taken;
        try {
            taken = records.drain(key, Long.MAX_VALUE);
        } catch (NoSuchElementException e) {
            return; // configured but not (yet) known to the engine: nothing recorded
        }
        if (!taken.isEmpty()) {
            kept.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(taken);
        }
    }

    private void enable(long key, boolean on) throws Outcome.Refusal {
        transaction(Southbound.BUSY, running -> edits.merge("<stamp-session-sender><sender-test-session>"
                + leaf("stamp-session-id", key) + leaf("test-session-enable", on)
                + "</sender-test-session></stamp-session-sender>"));
    }

    private StampSessions.Entry existing(int ssid) throws Outcome.Refusal {
        return Southbound.existing(store, StampSessions::senders, "sender", ssid);
    }

    private void requireInitialized() throws Outcome.Refusal {
        Southbound.requireInitialized(initialized, "sender");
    }

    private void transaction(StatusCode busy, Southbound.Plan plan) throws Outcome.Refusal {
        Southbound.transaction(store, owner, busy, plan);
    }

    private static Outcome run(Southbound.Call call) {
        return Southbound.run(call);
    }
}
