package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import io.stampd.store.RunningDatastore;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.netconf.api.CapabilityURN;
import org.opendaylight.netconf.server.api.monitoring.BasicCapability;
import org.opendaylight.netconf.server.api.monitoring.Capability;
import org.opendaylight.netconf.server.api.monitoring.CapabilityListener;
import org.opendaylight.netconf.server.api.monitoring.NetconfMonitoringService;
import org.opendaylight.netconf.server.api.operations.NetconfOperation;
import org.opendaylight.netconf.server.api.operations.NetconfOperationService;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactory;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;

/**
 * stampd's NETCONF base operations (RFC 6241) in place of OpenDaylight's: one shared candidate
 * with real locks, discard-changes, validate, writable running, get with state and
 * /netconf-state, with-defaults, and rpc-errors with error-tag and error-path; with a YANG library,
 * NMDA's get-data and edit-data (RFC 8526) and /yang-library (RFC 8525). Register it next
 * to OpenDaylight's factory, whose operations of the same names {@link ReplacedOdlOperations}
 * takes away.
 */
public final class ProtocolOperationsFactory implements NetconfOperationServiceFactory {
    /** What these operations add to the capabilities of the hello. */
    private static final Set<Capability> CAPABILITIES = Set.of(
            new BasicCapability("urn:ietf:params:netconf:capability:validate:1.1"),
            new BasicCapability(CapabilityURN.WRITABLE_RUNNING),
            new BasicCapability(CapabilityURN.ROLLBACK_ON_ERROR),
            new BasicCapability("urn:ietf:params:netconf:capability:confirmed-commit:1.1"),
            new BasicCapability(WithDefaultsMode.CAPABILITY));

    private final Set<Capability> capabilities;
    private final ConfigModel model;
    private final ConfigStore datastores;
    private final DataReader reader;
    private final NmdaReader nmda;
    private final OperationalState state;
    private final OpenSessions sessions = new OpenSessions();

    /**
     * @param raw        the broker without commit hook (reads of running and operational state)
     * @param checked    the broker whose commits ask the commit hook (changes of running)
     * @param monitoring the server's monitoring service (capabilities, schemas, sessions)
     */
    public ProtocolOperationsFactory(EffectiveModelContext context, DOMDataBroker raw, DOMDataBroker checked,
                                     NetconfMonitoringService monitoring) {
        this(context, raw, checked, monitoring, null);
    }

    /**
     * As above, and an NMDA server (RFC 8526) when {@code library} is given: /yang-library in the
     * operational state, get-data and edit-data, :yang-library:1.1 and :with-operational-defaults.
     */
    public ProtocolOperationsFactory(EffectiveModelContext context, DOMDataBroker raw, DOMDataBroker checked,
                                     NetconfMonitoringService monitoring, YangLibrary library) {
        this.model = new ConfigModel(context);
        var running = new RunningDatastore(raw, checked, model.paths());
        this.datastores = new ConfigStore(running, model);
        this.state = new OperationalState(running);
        this.reader = new DataReader(model, datastores, new NetconfStateData(context, monitoring, datastores.locks()),
                state, library);
        this.nmda = library == null ? null : new NmdaReader(reader, model, datastores);
        this.capabilities = library == null ? CAPABILITIES : Stream.concat(CAPABILITIES.stream(), Stream.of(
                new BasicCapability(library.capability()),
                new BasicCapability(WithDefaultsMode.OPERATIONAL_CAPABILITY))).collect(Collectors.toUnmodifiableSet());
    }

    public ConfigStore datastores() {
        return datastores;
    }

    /** The YANG model as the operations read and check configuration (other front ends share it). */
    public ConfigModel model() {
        return model;
    }

    /** Where get takes the operational state from (the application plugs its provider in here). */
    public OperationalState operationalState() {
        return state;
    }

    @Override
    public Set<Capability> getCapabilities() {
        return capabilities;
    }

    @Override
    public Registration registerCapabilityListener(CapabilityListener listener) {
        listener.onCapabilitiesChanged(capabilities, Set.of());
        return () -> { };
    }

    @Override
    public NetconfOperationService createService(SessionIdType sessionId) {
        long id = sessionId.getValue().longValue();
        Set<NetconfOperation> base = Set.of(
                new GetOperation(sessionId, reader).recordingIn(sessions),
                new GetConfigOperation(sessionId, reader).recordingIn(sessions),
                new EditConfigOperation(sessionId, model, datastores).recordingIn(sessions),
                new CopyConfigOperation(sessionId, model, datastores).recordingIn(sessions),
                new CommitOperation(sessionId, datastores).recordingIn(sessions),
                new CancelCommitOperation(sessionId, datastores).recordingIn(sessions),
                new DiscardChangesOperation(sessionId, datastores).recordingIn(sessions),
                new ValidateOperation(sessionId, model, datastores).recordingIn(sessions),
                new LockOperation(sessionId, datastores).recordingIn(sessions),
                new UnlockOperation(sessionId, datastores).recordingIn(sessions),
                new KillSessionOperation(sessionId, datastores, sessions).recordingIn(sessions));
        Set<NetconfOperation> operations = nmda == null ? base : Stream.concat(base.stream(), Stream.of(
                new GetDataOperation(sessionId, nmda).recordingIn(sessions),
                new EditDataOperation(sessionId, model, datastores).recordingIn(sessions)))
                .collect(Collectors.toUnmodifiableSet());
        return new NetconfOperationService() {
            @Override
            public Set<NetconfOperation> getNetconfOperations() {
                return operations;
            }

            @Override
            public void close() {
                // the session is over: its locks go (RFC 6241, 7.5)
                datastores.ownerEnded(LockOwner.netconf(id));
                sessions.ended(id);
            }
        };
    }
}
