package io.stampd.netconf.southbound;

import io.stampd.dataplane.session.Ipv6Addresses;
import io.stampd.grpc.srv6pm.AuthenticationMode;
import io.stampd.grpc.srv6pm.StatusCode;
import io.stampd.store.ConfigStore;
import io.stampd.store.ConfigTree;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/** What the sender and reflector sides of the southbound share: argument checks and store transactions. */
final class Southbound {
    /** The StatusCode of a change refused because running is locked or a confirmed commit waits. */
    static final StatusCode BUSY = StatusCode.STATUS_CODE_INTERNAL_ERROR;

    private Southbound() {
    }

    /** One call's work; a Refusal ends it with that outcome. */
    @FunctionalInterface
    interface Call {
        Outcome run() throws Outcome.Refusal;
    }

    /** A transaction's change of running; an Abort ends the call with its outcome, changing nothing. */
    @FunctionalInterface
    interface Plan {
        ConfigTree.Change plan(ContainerNode running) throws StoreException, Abort;
    }

    static final class Abort extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Outcome.Refusal refusal;

        Abort(Outcome.Refusal refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }

        Outcome.Refusal refusal() {
            return refusal;
        }
    }

    static Outcome run(Call call) {
        try {
            return call.run();
        } catch (Outcome.Refusal r) {
            return r.outcome();
        }
    }

    static void transaction(ConfigStore store, LockOwner owner, StatusCode busy, Plan plan) throws Outcome.Refusal {
        Abort[] aborted = {null};
        try {
            store.transaction(owner, running -> {
                try {
                    return plan.plan(running);
                } catch (Abort a) {
                    aborted[0] = a;
                    throw new StoreException(io.stampd.store.StoreError.operationFailed(null, a.getMessage()));
                }
            });
        } catch (StoreException e) {
            if (aborted[0] != null) {
                throw aborted[0].refusal;
            }
            throw Outcome.of(e, busy);
        }
    }

    /** An SSID of the request: RFC 8972's field has 16 bits. */
    static int ssid(int value) throws Outcome.Refusal {
        if (value < 0 || value > 0xFFFF) {
            throw Outcome.invalid("ssid " + Integer.toUnsignedString(value) + " does not fit STAMP's 16-bit SSID");
        }
        return value;
    }

    /** An IPv6 address literal of the request in RFC 5952 form, or "" if empty. */
    static String address(String field, String text) throws Outcome.Refusal {
        if (text.isEmpty()) {
            return "";
        }
        try {
            return Ipv6Addresses.format(Ipv6Addresses.parse(text, field));
        } catch (IllegalArgumentException e) {
            throw Outcome.invalid(e.getMessage());
        }
    }

    /** The interfaces of an Init must exist on this node. */
    static void checkInterfaces(List<String> names) throws Outcome.Refusal {
        for (String name : names) {
            try {
                if (name.isEmpty() || NetworkInterface.getByName(name) == null) {
                    throw Outcome.invalid("interface '" + name + "' does not exist on this node");
                }
            } catch (SocketException e) {
                throw Outcome.invalid("interface '" + name + "' cannot be looked up: " + e.getMessage());
            }
        }
    }

    /** The session with this SSID in running; SESSION_NOT_FOUND if there is none. */
    static StampSessions.Entry existing(ConfigStore store, Function<ContainerNode, List<StampSessions.Entry>> sessions,
                                        String role, int ssid) throws Outcome.Refusal {
        try {
            return find(sessions.apply(store.running()), ssid).orElseThrow(() -> Outcome.notFound(role, ssid));
        } catch (StoreException e) {
            throw Outcome.of(e, BUSY);
        } catch (Abort e) {
            throw e.refusal();
        }
    }

    static void requireInitialized(boolean initialized, String role) throws Outcome.Refusal {
        if (!initialized) {
            throw Outcome.refuse(StatusCode.STATUS_CODE_NOT_INITIALIZED, "the " + role + " is not initialised: call"
                    + " Init first");
        }
    }

    /**
     * Whether a request asks for HMAC-SHA-256; refuses a key chain without it, and HMAC without a
     * key chain (the key chain's existence is checked against running in the transaction).
     */
    static boolean hmac(AuthenticationMode mode, String keyChain) throws Outcome.Refusal {
        boolean hmac = mode == AuthenticationMode.AUTHENTICATION_MODE_HMAC_SHA_256;
        if (hmac && keyChain.isEmpty()) {
            throw Outcome.invalid("auth_mode HMAC_SHA_256 needs key_chain: the name of a key chain configured"
                    + " under /stamp/key-chains");
        }
        if (!hmac && !keyChain.isEmpty()) {
            throw Outcome.invalid("key_chain '" + keyChain + "' given, but auth_mode is not HMAC_SHA_256");
        }
        return hmac;
    }

    static Optional<StampSessions.Entry> find(List<StampSessions.Entry> sessions, int ssid) throws Abort {
        try {
            return StampSessions.bySsid(sessions, ssid);
        } catch (StampSessions.Ambiguous e) {
            throw new Abort(Outcome.invalid(e.getMessage()));
        }
    }
}
