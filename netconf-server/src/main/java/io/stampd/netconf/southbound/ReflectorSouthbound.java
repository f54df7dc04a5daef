package io.stampd.netconf.southbound;

import static io.stampd.netconf.southbound.ConfigEdits.leaf;

import io.stampd.grpc.ReflectorBackend;
import io.stampd.grpc.srv6pm.AuthenticationMode;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.CreateStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.DestroyStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.InitStampReflectorReply;
import io.stampd.grpc.srv6pm.InitStampReflectorRequest;
import io.stampd.grpc.srv6pm.ResetStampReflectorReply;
import io.stampd.grpc.srv6pm.ResetStampReflectorRequest;
import io.stampd.grpc.srv6pm.SessionReflectorMode;
import io.stampd.grpc.srv6pm.StampReflectorParameters;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StartStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.StatusCode;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionReply;
import io.stampd.grpc.srv6pm.StopStampReflectorSessionRequest;
import io.stampd.grpc.srv6pm.TimestampFormat;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import java.util.ArrayList;
import java.util.List;

/**
 * The Session-Reflector side of the gRPC southbound (STAMPSessionReflectorService) as transactions
 * on the shared configuration store: Create adds a reflector-test-session that does not answer
 * yet, Start and Stop set its test-session-enable, Destroy removes it, Init and Reset set the
 * reflector-wide settings. The reflector mode is node-wide in this model
 * (/stamp/stamp-session-reflector/reflector-mode-state): a Create asking for the other mode while
 * other reflector sessions exist is refused, not half-honoured.
 */
public final class ReflectorSouthbound implements ReflectorBackend {
    private final ConfigStore store;
    private final ConfigEdits edits;
    private final LockOwner owner;
    private boolean initialized;
    private int defaultPort;
    private String defaultSource = "";

    public ReflectorSouthbound(ConfigStore store, ConfigModel model, LockOwner owner) {
        this.store = store;
        this.edits = new ConfigEdits(model);
        this.owner = owner;
    }

    @Override
    public synchronized InitStampReflectorReply init(InitStampReflectorRequest r) {
        Outcome o = Southbound.run(() -> {
            if (initialized) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_ALREADY_INITIALIZED, "the reflector is initialised"
                        + " already; Reset first to change its settings");
            }
            int port = port("reflector_udp_port", r.getReflectorUdpPort());
            String source = Southbound.address("stamp_source_ipv6_address", r.getStampSourceIpv6Address());
            Southbound.checkInterfaces(r.getInterfacesList());
            Southbound.transaction(store, owner, Southbound.BUSY, running -> edits.merge("<stamp-session-reflector>"
                    + leaf("reflector-enable", true) + "</stamp-session-reflector>"));
            initialized = true;
            defaultPort = port;
            defaultSource = source;
            return Outcome.SUCCESS;
        });
        return InitStampReflectorReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized ResetStampReflectorReply reset(ResetStampReflectorRequest r) {
        Outcome o = Southbound.run(() -> {
            if (!initialized) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_NOT_INITIALIZED, "the reflector is not initialised");
            }
            int[] removed = {0};
            Southbound.transaction(store, owner, StatusCode.STATUS_CODE_RESET_FAILED, running -> {
                StringBuilder body = new StringBuilder("<stamp-session-reflector>");
                for (StampSessions.Entry e : StampSessions.reflectors(running)) {
                    removed[0]++;
                    body.append("<reflector-test-session xc:operation='remove'>").append(leaf("session-index", e.key()))
                            .append("</reflector-test-session>");
                }
                return edits.merge(body.append("</stamp-session-reflector>").toString());
            });
            initialized = false;
            defaultPort = 0;
            defaultSource = "";
            return new Outcome(StatusCode.STATUS_CODE_SUCCESS, "removed " + removed[0] + " reflector sessions");
        });
        return ResetStampReflectorReply.newBuilder().setStatus(o.status()).setDescription(o.description()).build();
    }

    @Override
    public synchronized CreateStampReflectorSessionReply create(CreateStampReflectorSessionRequest r) {
        StampReflectorParameters.Builder resolved = StampReflectorParameters.newBuilder();
        Outcome o = Southbound.run(() -> {
            requireInitialized();
            int ssid = Southbound.ssid(r.getSsid());
            StampReflectorParameters p = r.getStampParams();
            List<String> segments = new ArrayList<>();
            for (String s : r.getReturnSidlist().getSegmentsList()) {
                segments.add(Southbound.address("return_sidlist segment", s));
            }
            int requested = port("stamp_params.reflector_udp_port", p.getReflectorUdpPort());
            int port = requested != 0 ? requested : defaultPort != 0 ? defaultPort : 862;
            if (p.getAuthMode() == AuthenticationMode.UNRECOGNIZED || p.getTimestampFormat() == TimestampFormat.UNRECOGNIZED
                    || p.getSessionReflectorMode() == SessionReflectorMode.UNRECOGNIZED) {
                throw Outcome.invalid("stamp_params holds an enum value this node does not know");
            }
            boolean hmac = Southbound.hmac(p.getAuthMode(), p.getKeyChain());
            boolean ptp = p.getTimestampFormat() == TimestampFormat.TIMESTAMP_FORMAT_PTPv2;
            boolean stateful = p.getSessionReflectorMode() == SessionReflectorMode.SESSION_REFLECTOR_MODE_STATEFUL;
            String wanted = stateful ? "stateful" : "stateless";
            String source = Southbound.address("stamp_source_ipv6_address", r.getStampSourceIpv6Address());
            String local = source.isEmpty() ? defaultSource : source;
            Southbound.transaction(store, owner, Southbound.BUSY, running -> {
                List<StampSessions.Entry> reflectors = StampSessions.reflectors(running);
                if (Southbound.find(reflectors, ssid).isPresent()) {
                    throw new Southbound.Abort(Outcome.refuse(StatusCode.STATUS_CODE_SESSION_EXISTS,
                            "a reflector session with SSID " + ssid + " exists"));
                }
                if (hmac && !StampSessions.keyChainExists(running, p.getKeyChain())) {
                    throw new Southbound.Abort(Outcome.invalid("key_chain '" + p.getKeyChain() + "' is not configured"
                            + " under /stamp/key-chains"));
                }
                String mode = StampSessions.globalLeaf(running, "stamp-session-reflector", "reflector-mode-state")
                        .orElse("stateless");
                if (!mode.equals(wanted) && !reflectors.isEmpty()) {
                    throw new Southbound.Abort(Outcome.invalid("session_reflector_mode " + wanted.toUpperCase()
                            + ": this node's reflector sessions are all " + mode + " (the mode is node-wide) and "
                            + reflectors.size() + " exist"));
                }
                StringBuilder s = new StringBuilder("<stamp-session-reflector>")
                        .append(leaf("reflector-mode-state", wanted))
                        .append("<reflector-test-session>")
                        .append(leaf("session-index", StampSessions.newKey(reflectors, ssid)))
                        .append(leaf("test-session-enable", false))
                        .append(leaf("ssid", ssid))
                        .append(leaf("reflector-udp-port", port))
                        .append(leaf("reflector-timestamp-format", ptp ? "ptp-format" : "ntp-format"));
                if (!local.isEmpty()) {
                    s.append(leaf("reflector-ip", local));
                }
                if (hmac) {
                    s.append("<security>").append(leaf("key-chain", p.getKeyChain())).append("</security>");
                }
                s.append("<return-path>");
                segments.forEach(seg -> s.append(leaf("segment", seg)));
                s.append("</return-path></reflector-test-session></stamp-session-reflector>");
                return edits.merge(s.toString());
            });
            resolved.setReflectorUdpPort(port)
                    .setAuthMode(hmac ? AuthenticationMode.AUTHENTICATION_MODE_HMAC_SHA_256
                            : AuthenticationMode.AUTHENTICATION_MODE_UNAUTHENTICATED)
                    .setKeyChain(p.getKeyChain())
                    .setTimestampFormat(ptp ? TimestampFormat.TIMESTAMP_FORMAT_PTPv2 : TimestampFormat.TIMESTAMP_FORMAT_NTP)
                    .setSessionReflectorMode(stateful ? SessionReflectorMode.SESSION_REFLECTOR_MODE_STATEFUL
                            : SessionReflectorMode.SESSION_REFLECTOR_MODE_STATELESS);
            return Outcome.SUCCESS;
        });
        var reply = CreateStampReflectorSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description());
        if (o.status() == StatusCode.STATUS_CODE_SUCCESS) {
            reply.setStampParams(resolved);
        }
        return reply.build();
    }

    @Override
    public synchronized StartStampReflectorSessionReply start(StartStampReflectorSessionRequest r) {
        Outcome o = Southbound.run(() -> {
            requireInitialized();
            StampSessions.Entry e = existing(Southbound.ssid(r.getSsid()));
            if (e.enabled()) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_SESSION_RUNNING, "reflector session " + r.getSsid()
                        + " is running");
            }
            enable(e.key(), true);
            return Outcome.SUCCESS;
        });
        return StartStampReflectorSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description())
                .build();
    }

    @Override
    public synchronized StopStampReflectorSessionReply stop(StopStampReflectorSessionRequest r) {
        Outcome o = Southbound.run(() -> {
            requireInitialized();
            StampSessions.Entry e = existing(Southbound.ssid(r.getSsid()));
            if (!e.enabled()) {
                throw Outcome.refuse(StatusCode.STATUS_CODE_SESSION_NOT_RUNNING, "reflector session " + r.getSsid()
                        + " is not running");
            }
            enable(e.key(), false);
            return Outcome.SUCCESS;
        });
        return StopStampReflectorSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description())
                .build();
    }

    @Override
    public synchronized DestroyStampReflectorSessionReply destroy(DestroyStampReflectorSessionRequest r) {
        Outcome o = Southbound.run(() -> {
            requireInitialized();
            StampSessions.Entry e = existing(Southbound.ssid(r.getSsid()));
            Southbound.transaction(store, owner, Southbound.BUSY, running -> edits.merge("<stamp-session-reflector>"
                    + "<reflector-test-session xc:operation='remove'>" + leaf("session-index", e.key())
                    + "</reflector-test-session></stamp-session-reflector>"));
            return Outcome.SUCCESS;
        });
        return DestroyStampReflectorSessionReply.newBuilder().setStatus(o.status()).setDescription(o.description())
                .build();
    }

    /** A reflector UDP port of a request: 0 (the default), 862 or 1024..65535, as the model allows. */
    private static int port(String field, int port) throws Outcome.Refusal {
        if (port != 0 && port != 862 && (port < 1024 || port > 65535)) {
            throw Outcome.invalid(field + " " + Integer.toUnsignedString(port) + " is not 862 or 1024..65535");
        }
        return port;
    }

    private void enable(long key, boolean on) throws Outcome.Refusal {
        Southbound.transaction(store, owner, Southbound.BUSY, running -> edits.merge("<stamp-session-reflector>"
                + "<reflector-test-session>" + leaf("session-index", key) + leaf("test-session-enable", on)
                + "</reflector-test-session></stamp-session-reflector>"));
    }

    private StampSessions.Entry existing(int ssid) throws Outcome.Refusal {
        return Southbound.existing(store, StampSessions::reflectors, "reflector", ssid);
    }

    private void requireInitialized() throws Outcome.Refusal {
        Southbound.requireInitialized(initialized, "reflector");
    }
}
