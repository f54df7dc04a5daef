package io.stampd.netconf.protocol;

import io.stampd.nacm.Nacm;
import io.stampd.store.StoreError;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.opendaylight.netconf.api.DocumentedException;
import org.opendaylight.netconf.api.NetconfSession;
import org.opendaylight.netconf.server.api.monitoring.Capability;
import org.opendaylight.netconf.server.api.monitoring.CapabilityListener;
import org.opendaylight.netconf.server.api.operations.HandlingPriority;
import org.opendaylight.netconf.server.api.operations.NetconfOperation;
import org.opendaylight.netconf.server.api.operations.NetconfOperationChainedExecution;
import org.opendaylight.netconf.server.api.operations.NetconfOperationService;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactory;
import org.opendaylight.netconf.server.api.operations.SessionAwareNetconfOperation;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.concepts.Registration;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Protocol operation access (RFC 8341, section 3.4.4) for every operation a NETCONF session can
 * run: stands between the server's session negotiator and the aggregate of all operation
 * factories (stampd's base operations, OpenDaylight's YANG RPCs such as stamp-sender-start,
 * get-schema, create-subscription) and wraps each operation in an exec check of the session's
 * SSH user. A denied request gets an rpc-error access-denied (error-type protocol) and never
 * reaches the operation. close-session is answered by OpenDaylight's router itself, so it is
 * always permitted, as RFC 8341 requires.
 */
public final class NacmOperations implements NetconfOperationServiceFactory {
    private static final String CREATE_SUBSCRIPTION = "create-subscription";

    private final NetconfOperationServiceFactory delegate;
    private final Nacm nacm;
    private final LongConsumer sessionEnded;
    /** Sessions whose operations were created and not closed yet: the NETCONF sessions open. */
    private final java.util.concurrent.atomic.AtomicLong open = new java.util.concurrent.atomic.AtomicLong();

    /** @param sessionEnded told when a session's operations are closed (the session ended) */
    public NacmOperations(NetconfOperationServiceFactory delegate, Nacm nacm, LongConsumer sessionEnded) {
        this.delegate = delegate;
        this.nacm = nacm;
        this.sessionEnded = sessionEnded;
    }

    /** NETCONF sessions open now (their operations created at the hello, closed when they end). */
    public long openSessions() {
        return open.get();
    }

    @Override
    public Set<Capability> getCapabilities() {
        return delegate.getCapabilities();
    }

    @Override
    public Registration registerCapabilityListener(CapabilityListener listener) {
        return delegate.registerCapabilityListener(listener);
    }

    @Override
    public NetconfOperationService createService(SessionIdType sessionId) {
        long id = sessionId.getValue().longValue();
        NetconfOperationService service = delegate.createService(sessionId);
        open.incrementAndGet();
        var closed = new java.util.concurrent.atomic.AtomicBoolean();
        Set<NetconfOperation> guarded = service.getNetconfOperations().stream()
                .map(op -> (NetconfOperation) new Guarded(op, id)).collect(Collectors.toUnmodifiableSet());
        return new NetconfOperationService() {
            @Override
            public Set<NetconfOperation> getNetconfOperations() {
                return guarded;
            }

            @Override
            public void close() {
                try {
                    service.close();
                } finally {
                    if (closed.compareAndSet(false, true)) {
                        open.decrementAndGet();
                    }
                    sessionEnded.accept(id);
                }
            }
        };
    }

    /** One operation of a session, run only if the session's user may. */
    private final class Guarded implements NetconfOperation, SessionAwareNetconfOperation {
        private final NetconfOperation operation;
        private final long sessionId;

        Guarded(NetconfOperation operation, long sessionId) {
            this.operation = operation;
            this.sessionId = sessionId;
        }

        @Override
        public HandlingPriority canHandle(Document message) throws DocumentedException {
            return operation.canHandle(message);
        }

        @Override
        public void setSession(NetconfSession session) {
            if (operation instanceof SessionAwareNetconfOperation aware) {
                aware.setSession(session);
            }
        }

        @Override
        public Document handle(Document request, NetconfOperationChainedExecution subsequent)
                throws DocumentedException {
            Element op = XmlElements.children(request.getDocumentElement()).stream().findFirst().orElse(null);
            if (op == null) {
                return operation.handle(request, subsequent);
            }
            String user = nacm.userOfSession(sessionId);
            Optional<StoreError> denied = nacm.checkExec(user, op.getNamespaceURI(), op.getLocalName());
            if (denied.isPresent()) {
                return RpcReplies.errorReply(request, denied.get());
            }
            if (!CREATE_SUBSCRIPTION.equals(op.getLocalName())) {
                return operation.handle(request, subsequent);
            }
            // the subscription it registers delivers notifications to this user (RFC 8341, 3.4.6)
            DocumentedException[] failed = {null};
            Document reply = Nacm.subscribing(user, () -> {
                try {
                    return operation.handle(request, subsequent);
                } catch (DocumentedException e) {
                    failed[0] = e;
                    return null;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            return reply;
        }

        @Override
        public String toString() {
            return "NACM(" + operation + ")";
        }
    }
}
