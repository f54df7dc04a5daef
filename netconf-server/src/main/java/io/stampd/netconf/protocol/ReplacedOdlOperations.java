package io.stampd.netconf.protocol;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.opendaylight.netconf.api.DocumentedException;
import org.opendaylight.netconf.server.api.monitoring.Capability;
import org.opendaylight.netconf.server.api.monitoring.CapabilityListener;
import org.opendaylight.netconf.server.api.operations.AbstractNetconfOperation;
import org.opendaylight.netconf.server.api.operations.HandlingPriority;
import org.opendaylight.netconf.server.api.operations.NetconfOperation;
import org.opendaylight.netconf.server.api.operations.NetconfOperationChainedExecution;
import org.opendaylight.netconf.server.api.operations.NetconfOperationService;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactory;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactoryListener;
import org.opendaylight.netconf.server.mdsal.operations.Commit;
import org.opendaylight.netconf.server.mdsal.operations.CopyConfig;
import org.opendaylight.netconf.server.mdsal.operations.DiscardChanges;
import org.opendaylight.netconf.server.mdsal.operations.EditConfig;
import org.opendaylight.netconf.server.mdsal.operations.Get;
import org.opendaylight.netconf.server.mdsal.operations.GetConfig;
import org.opendaylight.netconf.server.mdsal.operations.Lock;
import org.opendaylight.netconf.server.mdsal.operations.RuntimeRpc;
import org.opendaylight.netconf.server.mdsal.operations.Unlock;
import org.opendaylight.netconf.server.mdsal.operations.Validate;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.concepts.Registration;
import org.w3c.dom.Document;

/**
 * Stands between OpenDaylight's MdsalNetconfOperationServiceFactory and the aggregator it
 * registers with, and takes away the operations that {@link ProtocolOperationsFactory} replaces.
 * Both would handle the same request with the same (maximal) priority, which OpenDaylight's router
 * refuses; OpenDaylight's other operations (custom RPCs) and its capabilities stay. Its custom RPC
 * handler no longer claims the RPCs of ietf-netconf and ietf-netconf-nmda, which are in the model
 * for the YANG library: those stampd does not implement (delete-config) stay operation-not-supported
 * instead of failing as RPCs without an implementation.
 */
public final class ReplacedOdlOperations implements NetconfOperationServiceFactoryListener {
    private static final Set<Class<?>> REPLACED = Set.of(Get.class, GetConfig.class, EditConfig.class,
            CopyConfig.class, Commit.class, DiscardChanges.class, Lock.class, Unlock.class, Validate.class);
    /** Namespaces whose RPCs are protocol operations, never custom RPCs. */
    private static final Set<String> PROTOCOL_NAMESPACES = Set.of(RpcReplies.BASE_NS, NmdaDatastore.NMDA_NAMESPACE);

    private final NetconfOperationServiceFactoryListener target;
    private final Map<NetconfOperationServiceFactory, NetconfOperationServiceFactory> wrappers =
            new ConcurrentHashMap<>();

    public ReplacedOdlOperations(NetconfOperationServiceFactoryListener target) {
        this.target = target;
    }

    @Override
    public void onAddNetconfOperationServiceFactory(NetconfOperationServiceFactory factory) {
        NetconfOperationServiceFactory wrapper = new Without(factory);
        wrappers.put(factory, wrapper);
        target.onAddNetconfOperationServiceFactory(wrapper);
    }

    @Override
    public void onRemoveNetconfOperationServiceFactory(NetconfOperationServiceFactory factory) {
        NetconfOperationServiceFactory wrapper = wrappers.remove(factory);
        if (wrapper != null) {
            target.onRemoveNetconfOperationServiceFactory(wrapper);
        }
    }

    private record Without(NetconfOperationServiceFactory delegate) implements NetconfOperationServiceFactory {
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
            NetconfOperationService service = delegate.createService(sessionId);
            Set<NetconfOperation> kept = service.getNetconfOperations().stream()
                    .filter(op -> !REPLACED.contains(op.getClass()))
                    .map(op -> op instanceof RuntimeRpc ? new CustomRpcsOnly(op) : op)
                    .collect(Collectors.toUnmodifiableSet());
            return new NetconfOperationService() {
                @Override
                public Set<NetconfOperation> getNetconfOperations() {
                    return kept;
                }

                @Override
                public void close() {
                    service.close();
                }
            };
        }
    }

    /** OpenDaylight's handler of the model's RPCs, declining the protocol operations' namespaces. */
    private record CustomRpcsOnly(NetconfOperation delegate) implements NetconfOperation {
        @Override
        public HandlingPriority canHandle(Document message) throws DocumentedException {
            var operation = new AbstractNetconfOperation.OperationNameAndNamespace(message);
            return PROTOCOL_NAMESPACES.contains(operation.getNamespace()) ? null : delegate.canHandle(message);
        }

        @Override
        public Document handle(Document request, NetconfOperationChainedExecution subsequent)
                throws DocumentedException {
            return delegate.handle(request, subsequent);
        }
    }
}
