package io.stampd.netconf;

import io.stampd.nacm.Nacm;
import io.stampd.nacm.NacmConfig;
import io.stampd.nacm.NacmDefaults;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.protocol.ImplementedCapabilitiesOnly;
import io.stampd.netconf.protocol.NacmOperations;
import io.stampd.netconf.protocol.OperationalState;
import io.stampd.netconf.protocol.ProtocolOperationsFactory;
import io.stampd.netconf.protocol.ReplacedOdlOperations;
import io.stampd.netconf.protocol.YangLibrary;
import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.dom.api.DOMRpcProviderService;
import org.opendaylight.mdsal.dom.api.DOMSchemaService;
import org.opendaylight.mdsal.dom.broker.DOMRpcRouter;
import org.opendaylight.mdsal.dom.broker.RouterDOMRpcProviderService;
import org.opendaylight.mdsal.dom.broker.RouterDOMRpcService;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;
import org.opendaylight.netconf.api.CapabilityURN;
import org.opendaylight.netconf.common.di.DefaultNetconfTimer;
import org.opendaylight.netconf.server.NetconfServerSessionNegotiatorFactory;
import org.opendaylight.netconf.server.ServerTransportInitializer;
import org.opendaylight.netconf.server.api.monitoring.Capability;
import org.opendaylight.netconf.server.api.monitoring.CapabilityListener;
import org.opendaylight.netconf.server.api.operations.NetconfOperation;
import org.opendaylight.netconf.server.api.operations.NetconfOperationService;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactory;
import org.opendaylight.netconf.server.api.operations.NetconfOperationServiceFactoryListener;
import org.opendaylight.netconf.server.impl.DefaultSessionIdProvider;
import org.opendaylight.netconf.server.mdsal.MdsalNetconfOperationServiceFactory;
import org.opendaylight.netconf.server.mdsal.monitoring.GetSchema;
import org.opendaylight.netconf.server.osgi.AggregatedNetconfOperationServiceFactory;
import org.opendaylight.netconf.server.osgi.NetconfMonitoringServiceImpl;
import org.opendaylight.netconf.shaded.sshd.server.auth.password.UserAuthPasswordFactory;
import org.opendaylight.netconf.transport.api.UnsupportedConfigurationException;
import org.opendaylight.netconf.transport.ssh.SSHServer;
import org.opendaylight.netconf.transport.ssh.SSHTransportStackFactory;
import org.opendaylight.netconf.transport.ssh.ServerFactoryManagerConfigurator;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IetfInetUtil;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.PortNumber;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.server.rev240814.netconf.server.listen.stack.grouping.transport.ssh.ssh.TcpServerParametersBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.tcp.server.rev241010.tcp.server.grouping.LocalBindBuilder;
import org.opendaylight.yangtools.binding.util.BindingMap;
import org.opendaylight.yangtools.concepts.Registration;
import org.opendaylight.yangtools.yang.common.Uint16;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded NETCONF server, wired by hand from OpenDaylight parts:
 *
 * <pre>
 * YangModels (runtime-parsed YANG) ── FixedDOMSchemaService
 *   InMemoryDOMDataStore CONFIGURATION + OPERATIONAL ── SerializedDOMDataBroker (raw: the agent's own writes)
 *     CheckedDataBroker (ConfigCommitHook before every client commit; :validate)
 *       ProtocolOperationsFactory (get, get-config, edit-config, commit, lock, ...: shared candidate, locks,
 *         with-defaults, rpc-errors with error-path; NMDA's get-data, edit-data, /yang-library; package protocol)
 *       MdsalNetconfOperationServiceFactory (custom RPCs; its base operations removed by ReplacedOdlOperations)
 *   DOMRpcRouter ── RouterDOMRpcService (custom RPCs plug in here)
 *   GetSchema factory
 *   ── AggregatedNetconfOperationServiceFactory ── NetconfMonitoringServiceImpl
 *     ── NacmOperations (exec check of every operation; Nacm also guards the store's writes and reads)
 *     ── NetconfServerSessionNegotiatorFactory ── ServerTransportInitializer (SessionUsers: SSH user per session)
 *       ── SSHTransportStackFactory.listenServer("netconf", ...) with password authentication
 * </pre>
 */
public final class NetconfAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetconfAgent.class);
    private static final long HELLO_TIMEOUT_MILLIS = 20_000;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final DOMDataBroker broker;
    private ProtocolOperationsFactory protocol;
    private Nacm nacm;
    private NacmOperations operations;
    private final InetSocketAddress address;

    /**
     * The parts of the wired server an application plugs into: the model, the data broker without
     * commit hook (for its own writes), RPC registration, the operation aggregator (for extra
     * NETCONF operations such as create-subscription), and where get takes state from.
     */
    public record Wiring(YangModels models, DOMDataBroker dataBroker, DOMRpcProviderService rpcProvider,
                         NetconfOperationServiceFactoryListener operations, OperationalState state, Nacm nacm,
                         ConfigStore store) {
    }

    /**
     * Runs once the datastores, RPC router and operations exist but before the server listens, so
     * that no client sees the agent before the application has restored its configuration.
     */
    @FunctionalInterface
    public interface BeforeListening {
        void run(Wiring wiring) throws Exception;

        BeforeListening NOTHING = wiring -> { };
    }

    private NetconfAgent(AgentConfig config, YangModels models, ConfigCommitHook hook, BeforeListening beforeListening)
            throws Exception {
        try {
            broker = wire(config, models, hook, beforeListening);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
        address = new InetSocketAddress(config.listenAddress(), config.port());
    }

    private DOMDataBroker wire(AgentConfig config, YangModels models, ConfigCommitHook hook,
                               BeforeListening beforeListening) throws Exception {
        var hostKeys = HostKeys.load(config.hostKey());

        DOMSchemaService schemaService = models.schemaService();
        var listenerExecutor = daemonExecutor("stampd-dtcl");
        var commitExecutor = daemonExecutor("stampd-commit");
        resources.push(listenerExecutor::shutdownNow);
        resources.push(commitExecutor::shutdownNow);

        var configStore = new InMemoryDOMDataStore("CONFIGURATION", LogicalDatastoreType.CONFIGURATION,
                listenerExecutor, 1000, false);
        var operStore = new InMemoryDOMDataStore("OPERATIONAL", LogicalDatastoreType.OPERATIONAL,
                listenerExecutor, 1000, false);
        configStore.onModelContextUpdated(models.context());
        operStore.onModelContextUpdated(models.context());
        resources.push(configStore);
        resources.push(operStore);
        var broker = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.CONFIGURATION, configStore, LogicalDatastoreType.OPERATIONAL, operStore),
                commitExecutor);
        resources.push(broker::close);

        var rpcRouter = new DOMRpcRouter(schemaService);
        resources.push(rpcRouter);
        var rpcService = new RouterDOMRpcService(rpcRouter);

        var aggregator = new AggregatedNetconfOperationServiceFactory();
        resources.push(aggregator);
        var checked = new CheckedDataBroker(broker, hook);
        // OpenDaylight's get, edit-config, commit, lock, ... give way to stampd's (package protocol)
        var mdsal = new MdsalNetconfOperationServiceFactory(schemaService, checked,
                rpcService, new ReplacedOdlOperations(aggregator));
        resources.push(mdsal);
        var monitoring = new NetconfMonitoringServiceImpl(aggregator);
        resources.push(monitoring);
        aggregator.onAddNetconfOperationServiceFactory(new GetSchemaFactory(monitoring));
        // NMDA (RFC 8526): /yang-library, :yang-library:1.1 in the hello, get-data and edit-data
        var library = YangLibrary.of(models.context(), models.features());
        var advertised = new ImplementedCapabilitiesOnly(monitoring, library); // what the hello says
        protocol = new ProtocolOperationsFactory(models.context(), broker, checked, advertised, library);
        resources.push(protocol.datastores());
        aggregator.onAddNetconfOperationServiceFactory(protocol);
        // access control (RFC 8341) over running's /nacm, for every operation, read and write
        var users = new SessionUsers();
        ContainerNode nacmDefaults = nacmDefaults(config);
        nacm = new Nacm(models.context(), protocol.model().paths(), protocol.datastores()::running, users::user,
                config.grpcNacmUser(), nacmDefaults);
        protocol.datastores().useAccess(nacm);
        beforeListening.run(new Wiring(models, broker, new RouterDOMRpcProviderService(rpcRouter), aggregator,
                protocol.operationalState(), nacm, protocol.datastores()));
        seedNacm(nacmDefaults);

        var timer = new DefaultNetconfTimer();
        resources.push(timer);
        var negotiators = NetconfServerSessionNegotiatorFactory.builder()
                .setTimer(timer)
                .setAggregatedOpService(operations = new NacmOperations(aggregator, nacm, users::ended))
                .setIdProvider(users.ids(new DefaultSessionIdProvider()))
                .setConnectionTimeoutMillis(HELLO_TIMEOUT_MILLIS)
                .setMonitoringService(advertised)
                // base:1.0 is always added. :notification and :interleave: create-subscription is
                // wired by the engine (BeforeListening); EXI once it is wired.
                .setBaseCapabilities(Set.of(CapabilityURN.BASE_1_1, CapabilityURN.NOTIFICATION,
                        CapabilityURN.INTERLEAVE))
                .build();

        var authenticator = new CryptPasswordAuthenticator(config.passwordHashes());
        var keyAuthenticator = new PublicKeyAuthenticator(config.authorizedKeys());
        ServerFactoryManagerConfigurator ssh = manager -> {
            SshAlgorithms.restrict(manager);
            manager.setKeyPairProvider(hostKeys);
            manager.setPasswordAuthenticator(authenticator);
            manager.setPublickeyAuthenticator(keyAuthenticator);
            manager.addSessionListener(users.sshListener());
            manager.setUserAuthFactories(List.of(
                    org.opendaylight.netconf.shaded.sshd.server.auth.pubkey.UserAuthPublicKeyFactory.INSTANCE,
                    UserAuthPasswordFactory.INSTANCE));
        };
        var tcp = new TcpServerParametersBuilder()
                .setLocalBind(BindingMap.of(new LocalBindBuilder()
                        .setLocalAddress(IetfInetUtil.ipAddressFor(config.listenAddress()))
                        .setLocalPort(new PortNumber(Uint16.valueOf(config.port())))
                        .build()))
                .build();
        var transport = new SSHTransportStackFactory("stampd-netconf", 2);
        resources.push(transport);
        SSHServer server;
        try {
            server = transport.listenServer("netconf", users.establishing(new ServerTransportInitializer(negotiators)),
                    tcp, null, ssh)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            String why = String.valueOf(e.getCause().getMessage());
            throw new AgentConfig.ConfigException("cannot listen on [" + config.listenAddress().getHostAddress()
                    + "]:" + config.port() + ": " + why + (why.contains("Permission denied")
                    ? io.stampd.sys.Capabilities.privilegedPortHint(config.port()) : ""));
        }
        resources.push(() -> server.shutdown().get(10, TimeUnit.SECONDS));
        return broker;
    }

    /**
     * The documented default /nacm (NacmDefaults): group operator holds every user of the
     * configuration file and the gRPC southbound's user.
     */
    private ContainerNode nacmDefaults(AgentConfig config) throws Exception {
        var operators = new java.util.TreeSet<>(config.users());
        operators.add(config.grpcNacmUser());
        var f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var xml = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                NacmDefaults.xml(operators).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return (ContainerNode) protocol.model().content(xml.getDocumentElement()).childByArg(NacmConfig.NACM);
    }

    /**
     * Running without /nacm (a first start, or a configuration saved before NACM) gets the documented
     * defaults, committed like any change (so saved with running); a restored /nacm whose rules
     * cannot be read stops the start.
     */
    private void seedNacm(ContainerNode defaults) throws Exception {
        ConfigStore store = protocol.datastores();
        try {
            nacm.validate(store.running());
        } catch (StoreException e) {
            throw new AgentConfig.ConfigException("the saved running configuration's access control rules (/nacm)"
                    + " are not valid: " + (e.first().path() == null ? "" : e.first().path() + ": ") + e.getMessage()
                    + ". Fix or remove them (without /nacm the agent starts with the documented defaults).");
        }
        boolean[] seeded = {false};
        try {
            store.transaction(LockOwner.AGENT, running -> {
                if (running.childByArg(NacmConfig.NACM) != null) {
                    return m -> { };
                }
                seeded[0] = true;
                return m -> m.write(YangInstanceIdentifier.of(NacmConfig.NACM), defaults);
            });
        } catch (StoreException e) {
            // the same rules are in force while running has no /nacm; the next commit saves them
            LOG.warn("could not write the default access control rules into running ({}); they apply all the same",
                    e.getMessage());
            return;
        }
        if (seeded[0]) {
            LOG.info("running had no access control rules (/nacm): wrote the defaults, group operator {}, group"
                    + " read-only empty", nacm.config().groupsByUser().keySet().stream().sorted().toList());
        }
    }

    /** Parses the YANG modules, builds the datastores and starts listening. */
    public static NetconfAgent start(AgentConfig config, ConfigCommitHook hook) throws Exception {
        return start(config, hook, BeforeListening.NOTHING);
    }

    /** As {@link #start(AgentConfig, ConfigCommitHook)}, running {@code beforeListening} before it listens. */
    public static NetconfAgent start(AgentConfig config, ConfigCommitHook hook, BeforeListening beforeListening)
            throws Exception {
        long t0 = System.nanoTime();
        YangModels models = YangModels.load();
        long t1 = System.nanoTime();
        try {
            var agent = new NetconfAgent(config, models, hook, beforeListening);
            LOG.info("YANG parsed in {} ms, server wired and listening in {} ms", (t1 - t0) / 1_000_000,
                    (System.nanoTime() - t1) / 1_000_000);
            return agent;
        } catch (UnsupportedConfigurationException | TimeoutException e) {
            throw new AgentConfig.ConfigException("cannot start the NETCONF server: " + e.getMessage());
        }
    }

    /** The configuration store every front end shares (NETCONF's operations, the gRPC southbound). */
    public ConfigStore store() {
        return protocol.datastores();
    }

    /** NETCONF sessions open now (metric stampd_netconf_sessions). */
    public long openSessions() {
        return operations.openSessions();
    }

    /** The access control (NACM) every front end's requests pass. */
    public Nacm nacm() {
        return nacm;
    }

    /** The YANG model the store's configuration follows. */
    public ConfigModel model() {
        return protocol.model();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The broker without commit hook, for the agent's own operational state. */
    public DOMDataBroker dataBroker() {
        return broker;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("error while shutting down: {}", e.toString());
            }
        }
    }

    private static ExecutorService daemonExecutor(String name) {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(name).factory());
    }

    /** Offers get-schema (RFC 6022) on every session, answered from the monitoring service. */
    private record GetSchemaFactory(NetconfMonitoringServiceImpl monitoring) implements NetconfOperationServiceFactory {
        @Override
        public Set<Capability> getCapabilities() {
            return Set.of();
        }

        @Override
        public Registration registerCapabilityListener(CapabilityListener listener) {
            return () -> { };
        }

        @Override
        public NetconfOperationService createService(SessionIdType sessionId) {
            Set<NetconfOperation> ops = Set.of(new GetSchema(sessionId, monitoring));
            return new NetconfOperationService() {
                @Override
                public Set<NetconfOperation> getNetconfOperations() {
                    return ops;
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
