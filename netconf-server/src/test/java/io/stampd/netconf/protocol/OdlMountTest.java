package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.stampd.netconf.YangModels;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.api.DOMDataBroker;
import org.opendaylight.mdsal.dom.api.DOMMountPoint;
import org.opendaylight.mdsal.dom.api.DOMNotification;
import org.opendaylight.mdsal.dom.api.DOMNotificationService;
import org.opendaylight.mdsal.dom.api.DOMRpcService;
import org.opendaylight.mdsal.dom.api.DOMSchemaService;
import org.opendaylight.mdsal.dom.broker.DOMMountPointServiceImpl;
import org.opendaylight.netconf.client.NetconfClientFactoryImpl;
import org.opendaylight.netconf.client.conf.NetconfClientConfiguration.NetconfClientProtocol;
import org.opendaylight.netconf.client.conf.NetconfClientConfigurationBuilder;
import org.opendaylight.netconf.client.mdsal.DeviceActionFactoryImpl;
import org.opendaylight.netconf.client.mdsal.NetconfDeviceBuilder;
import org.opendaylight.netconf.client.mdsal.NetconfDeviceCommunicator;
import org.opendaylight.netconf.client.mdsal.NetconfDeviceSchema;
import org.opendaylight.netconf.client.mdsal.api.NetconfSessionPreferences;
import org.opendaylight.netconf.client.mdsal.api.RemoteDeviceHandler;
import org.opendaylight.netconf.client.mdsal.api.RemoteDeviceId;
import org.opendaylight.netconf.client.mdsal.api.RemoteDeviceServices;
import org.opendaylight.netconf.client.mdsal.impl.DefaultBaseNetconfSchemaProvider;
import org.opendaylight.netconf.client.mdsal.impl.DefaultSchemaResourceManager;
import org.opendaylight.netconf.client.mdsal.spi.NetconfDeviceSalFacade;
import org.opendaylight.netconf.common.di.DefaultNetconfTimer;
import org.opendaylight.netconf.shaded.sshd.common.NamedResource;
import org.opendaylight.netconf.shaded.sshd.common.util.security.SecurityUtils;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.crypto.types.rev241010.SubjectPublicKeyInfoFormat;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.crypto.types.rev241010.password.grouping.password.type.CleartextPasswordBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Host;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.IpAddress;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Ipv6Address;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.PortNumber;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.client.rev240814.netconf.client.initiate.stack.grouping.transport.ssh.ssh.SshClientParametersBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.client.rev240814.netconf.client.initiate.stack.grouping.transport.ssh.ssh.TcpClientParametersBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.ssh.client.rev241010.ssh.client.grouping.ClientIdentityBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.ssh.client.rev241010.ssh.client.grouping.ServerAuthenticationBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.ssh.client.rev241010.ssh.client.grouping.client.identity.PasswordBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.ssh.client.rev241010.ssh.client.grouping.server.authentication.SshHostKeysBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.truststore.rev241010.inline.or.truststore._public.keys.grouping.inline.or.truststore.InlineBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.truststore.rev241010.inline.or.truststore._public.keys.grouping.inline.or.truststore.inline.InlineDefinitionBuilder;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.truststore.rev241010.inline.or.truststore._public.keys.grouping.inline.or.truststore.inline.inline.definition.PublicKeyBuilder;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.Uint16;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.Uint64;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNodes;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier.Absolute;
import org.opendaylight.yangtools.yang.parser.impl.DefaultYangParserFactory;

/**
 * The agent mounted the way an OpenDaylight controller mounts a NETCONF device, by OpenDaylight's
 * own client (netconf-client-mdsal 10.0.2, the code behind ODL's netconf-topology): an SSH
 * NETCONF session with the agent's host key pinned; the models listed in ietf-netconf-monitoring's
 * /netconf-state/schemas downloaded with get-schema into an empty schema repository; the
 * EffectiveModelContext built from them; then a create-subscription through the mount point's
 * DOMRpcService, configuration and state read through its DOMDataBroker, a reflector and a sender
 * session towards it written through it (ODL chooses candidate or running from the hello and
 * locks what it writes), the sender's start received through the mount's DOMNotificationService,
 * its replies read back as state through the mount, and the sender deleted through it again.
 *
 * <p>Everything the client sends and parses goes through the model it downloaded: a capability
 * the agent advertises wrongly, a get-schema answer ODL cannot parse, a module missing from the
 * schemas list or state the model does not allow all fail this test.
 */
class OdlMountTest {
    private static final long CONNECT_SECONDS = 120;
    private static final long RPC_SECONDS = 60;
    private static final long MEASURE_SECONDS = 60;

    private static final QNameModule STAMP = YangModels.STAMP_MODULE;
    private static final QNameModule NOTIFICATIONS = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:netconf:notification:1.0"), Revision.of("2008-07-14"));
    private static final String STAMP_YANG = "stampd-stamp";

    @TempDir
    Path dir;

    private static QName q(String name) {
        return QName.create(STAMP, name);
    }

    private static NodeIdentifier id(String name) {
        return new NodeIdentifier(q(name));
    }

    private static NodeIdentifierWithPredicates entry(String list, String key, Object value) {
        return NodeIdentifierWithPredicates.of(q(list), q(key), value);
    }

    private static YangInstanceIdentifier path(PathArgument... args) {
        return YangInstanceIdentifier.of(args);
    }

    private static final YangInstanceIdentifier STAMP_CONFIG = path(id("stamp"));
    private static final YangInstanceIdentifier STAMP_STATE = path(id("stamp-state"));

    /** Where ODL's topology mounts a node: network-topology/topology[topology-netconf]/node[name]. */
    private static YangInstanceIdentifier topologyMountPath(String node) {
        var nt = QNameModule.of(XMLNamespace.of("urn:TBD:params:xml:ns:yang:network-topology"),
                Revision.of("2013-10-21"));
        QName topology = QName.create(nt, "topology");
        QName nodeList = QName.create(nt, "node");
        return YangInstanceIdentifier.of(new NodeIdentifier(QName.create(nt, "network-topology")),
                new NodeIdentifier(topology),
                NodeIdentifierWithPredicates.of(topology, QName.create(nt, "topology-id"), "topology-netconf"),
                new NodeIdentifier(nodeList),
                NodeIdentifierWithPredicates.of(nodeList, QName.create(nt, "node-id"), node));
    }

    /**
     * What ODL's netconf-topology puts between the device and the mount (NetconfNodeHandler):
     * here it also hands the device's schema to the test.
     */
    private static final class Mounting implements RemoteDeviceHandler {
        final NetconfDeviceSalFacade facade;
        final CompletableFuture<NetconfDeviceSchema> connected = new CompletableFuture<>();
        volatile NetconfSessionPreferences preferences;

        Mounting(NetconfDeviceSalFacade facade) {
            this.facade = facade;
        }

        @Override
        public void onDeviceConnected(NetconfDeviceSchema deviceSchema, NetconfSessionPreferences sessionPreferences,
                RemoteDeviceServices services) {
            preferences = sessionPreferences;
            facade.onDeviceConnected(deviceSchema, sessionPreferences, services);
            connected.complete(deviceSchema);
        }

        @Override
        public void onDeviceDisconnected() {
            facade.onDeviceDisconnected();
            connected.completeExceptionally(new AssertionError("device disconnected before it was mounted"));
        }

        @Override
        public void onDeviceFailed(Throwable throwable) {
            facade.onDeviceFailed(throwable);
            connected.completeExceptionally(throwable);
        }

        @Override
        public void onNotification(DOMNotification domNotification) {
            facade.onNotification(domNotification);
        }

        @Override
        public void close() {
            facade.close();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (var s = new DatagramSocket(new InetSocketAddress(0))) {
            return s.getLocalPort();
        }
    }

    private static <T> T await(Future<T> future, long seconds, String what, ForkedAgent agent) throws Exception {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(what + ": no answer within " + seconds + " s\nagent log:\n" + agent.log(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause() + "\nagent log:\n" + agent.log(), e.getCause());
        }
    }

    private static Optional<NormalizedNode> read(DOMDataBroker broker, LogicalDatastoreType store,
            YangInstanceIdentifier path, ForkedAgent agent) throws Exception {
        try (var tx = broker.newReadOnlyTransaction()) {
            return await(tx.read(store, path), RPC_SECONDS, "read " + store + " " + path, agent);
        }
    }

    private static Object leaf(NormalizedNode root, PathArgument... path) {
        return NormalizedNodes.findNode(root, path).map(n -> ((LeafNode<?>) n).body()).orElse(null);
    }

    private static long counter(NormalizedNode root, PathArgument... path) {
        Object v = leaf(root, path);
        return v == null ? -1 : ((Uint64) v).longValue();
    }

    /** The host's public key from the agent's host key file, as a controller is told it. */
    private static KeyPair hostKey(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            var keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, null);
            return keys.iterator().next();
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void openDaylightMountsTheAgentReadsStateAndConfiguresASessionThatMeasures() throws Exception {
        long t0 = System.nanoTime();
        Path cache = dir.resolve("odl-cache");
        Path agentDir = Files.createDirectories(dir.resolve("agent"));
        ExecutorService processing = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon()
                .name("odl-schema-", 0).factory());
        var timer = new DefaultNetconfTimer();
        var clientFactory = new NetconfClientFactoryImpl(timer);
        try (ForkedAgent agent = ForkedAgent.start(agentDir, "::1")) {
            // --- the controller side, wired as netconf-topology wires it for one node ---
            var parserFactory = new DefaultYangParserFactory();
            var deviceId = new RemoteDeviceId("stampd", new InetSocketAddress("::1", agent.port()));
            var mountPath = topologyMountPath("stampd");
            var mountService = new DOMMountPointServiceImpl();
            // lock-datastore defaults to true in ODL's netconf-node-topology
            var mounting = new Mounting(new NetconfDeviceSalFacade(deviceId, mountService, mountPath, true));
            // A fresh, empty schema cache: every model has to come from the device.
            var schemaManager = new DefaultSchemaResourceManager(parserFactory, cache.toString(), "schema");
            var device = new NetconfDeviceBuilder()
                    .setReconnectOnSchemasChange(false)
                    .setBaseSchemaProvider(new DefaultBaseNetconfSchemaProvider(parserFactory))
                    .setDeviceSchemaProvider(schemaManager.getSchemaResources("schema", "stampd"))
                    .setProcessingExecutor(processing)
                    .setId(deviceId)
                    .setSalFacade(mounting)
                    .setDeviceActionFactory(new DeviceActionFactoryImpl())
                    .build();
            var communicator = new NetconfDeviceCommunicator(deviceId, device, 0);

            // The agent's host key pinned, as an operator enters it for the node (ODL's topology
            // default is to accept any host key).
            KeyPair host = hostKey(agentDir.resolve("ssh_host_key"));
            var pinned = new PublicKeyBuilder().setName("stampd").setPublicKeyFormat(SubjectPublicKeyInfoFormat.VALUE)
                    .setPublicKey(host.getPublic().getEncoded()).build();
            var ssh = new SshClientParametersBuilder()
                    .setClientIdentity(new ClientIdentityBuilder()
                            .setUsername(ForkedAgent.USER)
                            .setPassword(new PasswordBuilder().setPasswordType(new CleartextPasswordBuilder()
                                    .setCleartextPassword(agent.password()).build()).build())
                            .build())
                    .setServerAuthentication(new ServerAuthenticationBuilder()
                            .setSshHostKeys(new SshHostKeysBuilder().setInlineOrTruststore(new InlineBuilder()
                                    .setInlineDefinition(new InlineDefinitionBuilder()
                                            .setPublicKey(Map.of(pinned.key(), pinned))
                                            .build())
                                    .build()).build())
                            .build())
                    .build();
            var config = NetconfClientConfigurationBuilder.create()
                    .withName("stampd")
                    .withProtocol(NetconfClientProtocol.SSH)
                    .withTcpParameters(new TcpClientParametersBuilder()
                            .setRemoteAddress(new Host(new IpAddress(new Ipv6Address("::1"))))
                            .setRemotePort(new PortNumber(Uint16.valueOf(agent.port())))
                            .build())
                    .withSshParameters(ssh)
                    .withConnectionTimeoutMillis(TimeUnit.SECONDS.toMillis(30))
                    .withSessionListener(communicator)
                    .build();
            try {
                await(clientFactory.createClient(config), CONNECT_SECONDS, "NETCONF session over SSH", agent);
                NetconfDeviceSchema schema = await(mounting.connected, CONNECT_SECONDS,
                        "schema download and mount", agent);
                long mountedMs = (System.nanoTime() - t0) / 1_000_000;

                // --- the models: every one downloaded with get-schema, none unresolved ---
                var caps = schema.capabilities();
                assertTrue(caps.unresolvedCapabilites().isEmpty(),
                        "capabilities ODL could not resolve: " + caps.unresolvedCapabilites());
                EffectiveModelContext model = schema.databind().modelContext();
                Set<String> modules = model.getModules().stream()
                        .map(m -> m.getName() + "@" + m.getRevision().map(Revision::toString).orElse(""))
                        .collect(Collectors.toCollection(TreeSet::new));
                Set<String> advertised = mounting.preferences.moduleBasedCaps().keySet().stream()
                        .map(c -> c.getLocalName() + "@" + c.getRevision().map(Revision::toString).orElse(""))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertTrue(modules.contains(STAMP_YANG + "@" + YangModels.STAMP_REVISION), modules.toString());
                assertTrue(modules.containsAll(advertised),
                        "advertised in the hello but not in the model: " + advertised + " vs " + modules);
                Set<String> downloaded;
                try (Stream<Path> files = Files.list(cache.resolve("schema"))) {
                    downloaded = files.map(p -> p.getFileName().toString().replaceFirst("\\.yang$", ""))
                            .collect(Collectors.toCollection(TreeSet::new));
                }
                // The repository started empty: what the model holds is what get-schema brought.
                assertEquals(modules, downloaded, "modules of the model vs. sources fetched with get-schema");
                String stampText = Files.readString(cache.resolve("schema")
                        .resolve(STAMP_YANG + "@" + YangModels.STAMP_REVISION + ".yang"), StandardCharsets.UTF_8);
                String repoText = Files.readString(Path.of(System.getenv().getOrDefault("STAMPD_HOME", "../"))
                        .resolve("yang").resolve(STAMP_YANG + ".yang"), StandardCharsets.UTF_8);
                assertEquals(repoText.strip(), stampText.strip(), "get-schema returned the module of yang/");
                assertTrue(model.findModule(STAMP).isPresent(), "stampd-stamp in the schema context");
                assertTrue(mounting.preferences.isCandidateSupported() || mounting.preferences.isRunningWritable(),
                        "the agent advertises a writable datastore");

                // --- the mount point and its services ---
                DOMMountPoint mount = mountService.getMountPoint(mountPath)
                        .orElseThrow(() -> new AssertionError("no mount point at " + mountPath));
                var broker = mount.getService(DOMDataBroker.class).orElseThrow();
                var mountedModel = mount.getService(DOMSchemaService.class).orElseThrow().getGlobalContext();
                assertTrue(mountedModel.findModule(STAMP).isPresent(), "the mount's schema has stampd-stamp");

                // --- subscribe to the agent's notifications through the mount, as a controller does ---
                BlockingQueue<DOMNotification> notifications = new LinkedBlockingQueue<>();
                var listening = mount.getService(DOMNotificationService.class).orElseThrow()
                        .registerNotificationListener(notifications::add,
                                List.of(Absolute.of(q("session-state-change"))));
                var subscribed = await(mount.getService(DOMRpcService.class).orElseThrow().invokeRpc(
                        QName.create(NOTIFICATIONS, "create-subscription"), ImmutableNodes.newContainerBuilder()
                                .withNodeIdentifier(new NodeIdentifier(QName.create(NOTIFICATIONS, "input")))
                                .build()), RPC_SECONDS, "create-subscription", agent);
                assertTrue(subscribed.errors().isEmpty(), "create-subscription: " + subscribed.errors());

                // --- read operational state and configuration through the mount ---
                NormalizedNode state = read(broker, LogicalDatastoreType.OPERATIONAL, STAMP_STATE, agent)
                        .orElseThrow(() -> new AssertionError("no /stamp-state"));
                assertEquals("socket", leaf(state, id("data-plane"), id("type")), "data plane in use: " + state);
                Optional<NormalizedNode> before = read(broker, LogicalDatastoreType.CONFIGURATION, STAMP_CONFIG,
                        agent);
                assertTrue(before.isEmpty() || NormalizedNodes.findNode(before.orElseThrow(),
                        id("stamp-session-sender")).isEmpty(), "a fresh agent has no sender: " + before);

                // --- write a reflector, then a sender towards it, through the mount ---
                int reflectorPort = freeUdpPort();
                var reflectorPath = path(id("stamp"), id("stamp-session-reflector"), id("reflector-test-session"),
                        entry("reflector-test-session", "session-index", Uint32.valueOf(10)));
                MapEntryNode reflector = ImmutableNodes.newMapEntryBuilder()
                        .withNodeIdentifier(entry("reflector-test-session", "session-index", Uint32.valueOf(10)))
                        .withChild(ImmutableNodes.leafNode(q("session-index"), Uint32.valueOf(10)))
                        .withChild(ImmutableNodes.leafNode(q("reflector-udp-port"), Uint16.valueOf(reflectorPort)))
                        .build();
                var write = broker.newWriteOnlyTransaction();
                write.put(LogicalDatastoreType.CONFIGURATION, reflectorPath, reflector);
                await(write.commit(), RPC_SECONDS, "commit of the reflector", agent);

                var senderKey = entry("sender-test-session", "stamp-session-id", Uint32.valueOf(1));
                var senderPath = path(id("stamp"), id("stamp-session-sender"), id("sender-test-session"), senderKey);
                MapEntryNode sender = ImmutableNodes.newMapEntryBuilder()
                        .withNodeIdentifier(senderKey)
                        .withChild(ImmutableNodes.leafNode(q("stamp-session-id"), Uint32.valueOf(1)))
                        .withChild(ImmutableNodes.leafNode(q("ssid"), Uint16.valueOf(4242)))
                        .withChild(ImmutableNodes.leafNode(q("interval"), Uint32.valueOf(20_000)))
                        .withChild(ImmutableNodes.leafNode(q("sender-ip"), "::1"))
                        .withChild(ImmutableNodes.leafNode(q("session-reflector-ip"), "::1"))
                        .withChild(ImmutableNodes.leafNode(q("session-reflector-udp-port"),
                                Uint16.valueOf(reflectorPort)))
                        .build();
                write = broker.newWriteOnlyTransaction();
                write.merge(LogicalDatastoreType.CONFIGURATION, senderPath, sender);
                await(write.commit(), RPC_SECONDS, "commit of the sender", agent);
                long committedMs = (System.nanoTime() - t0) / 1_000_000;

                // --- the sender's start arrives as a notification through the mount ---
                long notifiedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(RPC_SECONDS);
                List<String> seen = new ArrayList<>();
                while (!seen.contains("sender 1 active")) {
                    long left = notifiedBy - System.nanoTime();
                    DOMNotification n = left > 0 ? notifications.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (n == null) {
                        fail("no session-state-change 'sender 1 active' within " + RPC_SECONDS + " s, got " + seen
                                + "\nagent log:\n" + agent.log());
                    }
                    var body = n.getBody();
                    seen.add(leaf(body, id("role")) + " " + leaf(body, id("session-id")) + " "
                            + leaf(body, id("new-state")));
                }

                // --- the configuration as ODL reads it back ---
                NormalizedNode configured = read(broker, LogicalDatastoreType.CONFIGURATION, STAMP_CONFIG, agent)
                        .orElseThrow(() -> new AssertionError("no /stamp after the commits"));
                assertEquals("::1", leaf(configured, id("stamp-session-sender"), id("sender-test-session"), senderKey,
                        id("session-reflector-ip")), configured.prettyTree().toString());
                assertEquals(Uint16.valueOf(reflectorPort), leaf(configured, id("stamp-session-reflector"),
                        id("reflector-test-session"), entry("reflector-test-session", "session-index",
                                Uint32.valueOf(10)), id("reflector-udp-port")), configured.prettyTree().toString());

                // --- the session measures: replies counted in its state, read through the mount ---
                var senderState = path(id("stamp-state"), id("stamp-session-sender-state"), id("test-session-state"),
                        entry("test-session-state", "session-index", Uint32.valueOf(1)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MEASURE_SECONDS);
                long received = -1;
                NormalizedNode session = null;
                while (received < 10) {
                    if (System.nanoTime() > deadline) {
                        fail("sender session received " + received + " replies in " + MEASURE_SECONDS + " s: "
                                + (session == null ? "no state" : session.prettyTree()) + "\nagent log:\n"
                                + agent.log());
                    }
                    Thread.sleep(200);
                    session = read(broker, LogicalDatastoreType.OPERATIONAL, senderState, agent).orElse(null);
                    received = session == null ? -1 : counter(session, id("current-stats"), id("rcv-packets"));
                }
                long measuredMs = (System.nanoTime() - t0) / 1_000_000;
                assertEquals("active", leaf(session, id("sender-session-state")), session.prettyTree().toString());
                assertTrue(counter(session, id("current-stats"), id("sent-packets")) >= received,
                        session.prettyTree().toString());
                Object minRtt = leaf(session, id("current-stats"), id("two-way-delay"), id("delay"), id("min"));
                assertTrue(minRtt instanceof Uint64 rtt && rtt.longValue() > 0, "round-trip delay measured: "
                        + session.prettyTree());

                // the whole state tree, as a controller polls it: ODL must parse all of it
                state = read(broker, LogicalDatastoreType.OPERATIONAL, STAMP_STATE, agent).orElseThrow();
                long reflected = counter(state, id("stamp-session-refl-state"), id("test-session-state"),
                        entry("test-session-state", "session-index", Uint32.valueOf(10)), id("sent-packets"));
                assertTrue(reflected >= received, "reflector sent " + reflected + ", sender received " + received
                        + ": " + state.prettyTree());
                var records = NormalizedNodes.findNode(state, id("stamp-session-sender-state"),
                        id("test-session-state"), entry("test-session-state", "session-index", Uint32.valueOf(1)),
                        id("records"), id("record"));
                assertTrue(records.isPresent() && !((MapNode) records.orElseThrow()).isEmpty(),
                        "measurement records in the state");

                // --- delete the sender through the mount; it leaves configuration and state ---
                write = broker.newWriteOnlyTransaction();
                write.delete(LogicalDatastoreType.CONFIGURATION, senderPath);
                await(write.commit(), RPC_SECONDS, "commit of the sender's deletion", agent);
                assertTrue(read(broker, LogicalDatastoreType.CONFIGURATION, senderPath, agent).isEmpty(),
                        "sender still configured after its deletion");
                assertTrue(read(broker, LogicalDatastoreType.OPERATIONAL, senderState, agent).isEmpty(),
                        "sender still in the state after its deletion");
                assertFalse(read(broker, LogicalDatastoreType.CONFIGURATION, reflectorPath, agent).isEmpty(),
                        "the reflector stays");

                listening.close();
                System.out.println("OpenDaylight mount (" + (mounting.preferences.isCandidateSupported()
                        ? "candidate" : "") + (mounting.preferences.isRunningWritable() ? " writable-running" : "")
                        + "): " + downloaded.size() + " models by get-schema "
                        + downloaded + ", mounted after " + mountedMs + " ms, sender committed after " + committedMs
                        + " ms, " + received + " replies after " + measuredMs + " ms, min round trip "
                        + minRtt + " ns; notifications " + seen + "; total " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } finally {
                mounting.close();
                communicator.close();
            }
        } finally {
            clientFactory.close();
            timer.close();
            processing.shutdownNow();
        }
    }
}
