package io.stampd.netconf.engine;

import static io.stampd.netconf.engine.StampNames.id;
import static io.stampd.netconf.engine.StampNames.qname;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.mdsal.dom.api.DOMRpcException;
import org.opendaylight.mdsal.dom.api.DOMRpcIdentifier;
import org.opendaylight.mdsal.dom.api.DOMRpcImplementation;
import org.opendaylight.mdsal.dom.api.DOMRpcProviderService;
import org.opendaylight.mdsal.dom.api.DOMRpcResult;
import org.opendaylight.mdsal.dom.spi.DefaultDOMRpcResult;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stampd-stamp.yang's operations: stamp-sender-start, stamp-sender-stop, clear-statistics and
 * fetch-records (fetch-and-drain, as GetStampSessionResults). A refused request becomes an
 * rpc-error whose message says why.
 */
final class StampRpcs implements DOMRpcImplementation {
    private static final Logger LOG = LoggerFactory.getLogger(StampRpcs.class);

    private final SessionManager sessions;
    private final Runnable afterChange;

    /** The rpc-error's message is this exception's toString, so it is just the message. */
    static final class Refused extends DOMRpcException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** @param afterChange runs after an RPC changed a session (its threshold evaluation starts or stops) */
    StampRpcs(SessionManager sessions, Runnable afterChange) {
        this.sessions = sessions;
        this.afterChange = afterChange;
    }

    Registration register(DOMRpcProviderService provider) {
        return provider.registerRpcImplementation(this, Set.of(
                DOMRpcIdentifier.create(qname("stamp-sender-start")),
                DOMRpcIdentifier.create(qname("stamp-sender-stop")),
                DOMRpcIdentifier.create(qname("clear-statistics")),
                DOMRpcIdentifier.create(qname("fetch-records"))));
    }

    @Override
    public ListenableFuture<? extends DOMRpcResult> invokeRpc(DOMRpcIdentifier rpc, ContainerNode input) {
        String name = rpc.getType().getLocalName();
        try {
            ContainerNode output = switch (name) {
                case "stamp-sender-start" -> {
                    sessions.startSender(sessionId(input, "stamp-session-id"));
                    afterChange.run();
                    yield null;
                }
                case "stamp-sender-stop" -> {
                    sessions.stopSender(sessionId(input, "stamp-session-id"));
                    afterChange.run();
                    yield null;
                }
                case "clear-statistics" -> {
                    clear(input);
                    afterChange.run();
                    yield null;
                }
                case "fetch-records" -> fetch(input);
                default -> throw new SessionManager.RequestRefused("unknown operation " + name);
            };
            return Futures.immediateFuture(new DefaultDOMRpcResult(output));
        } catch (SessionManager.RequestRefused e) {
            LOG.info("{} refused: {}", name, e.getMessage());
            return Futures.immediateFailedFuture(new Refused(name + ": " + e.getMessage()));
        }
    }

    private void clear(ContainerNode input) throws SessionManager.RequestRefused {
        Optional<String> sender = ConfigNodes.leafInChoices(input, "stamp-session-id");
        Optional<String> reflector = ConfigNodes.leafInChoices(input, "session-index");
        if (sender.isPresent()) {
            sessions.clearSender(Long.parseLong(sender.get()));
        } else if (reflector.isPresent()) {
            sessions.clearReflector(Long.parseLong(reflector.get()));
        } else if (hasLeafInChoices(input, "all")) {
            sessions.clearAll();
        } else {
            throw new SessionManager.RequestRefused("say what to clear: stamp-session-id, session-index or all");
        }
    }

    /** Type empty leaves have no text; their presence is what counts. */
    private static boolean hasLeafInChoices(ContainerNode input, String name) {
        return ConfigNodes.leafInChoices(input, name).isPresent();
    }

    private ContainerNode fetch(ContainerNode input) throws SessionManager.RequestRefused {
        long id = sessionId(input, "stamp-session-id");
        long max = ConfigNodes.leaf(input, "max-records").map(Long::parseLong).orElse(Long.MAX_VALUE);
        SessionManager.FetchedRecords fetched = sessions.fetchRecords(id, max);
        var output = ImmutableNodes.newContainerBuilder().withNodeIdentifier(id("output"))
                .withChild(StateTree.leaf("remaining-records", StateTree.u64(fetched.remaining())));
        if (!fetched.records().isEmpty()) {
            output.withChild(StateTree.recordList(fetched.records()));
        }
        return output.build();
    }

    private static long sessionId(ContainerNode input, String leaf) throws SessionManager.RequestRefused {
        return Long.parseLong(ConfigNodes.leaf(input, leaf).orElseThrow(
                () -> new SessionManager.RequestRefused(leaf + " is missing")));
    }
}
