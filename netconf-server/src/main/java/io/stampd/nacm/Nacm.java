package io.stampd.nacm;

import io.stampd.nacm.NacmConfig.Kind;
import io.stampd.nacm.NacmConfig.Rule;
import io.stampd.nacm.RulePath.NodeStep;
import io.stampd.netconf.protocol.InstancePaths;
import io.stampd.netconf.protocol.SchemaTree;
import io.stampd.store.DataAccess;
import io.stampd.store.ErrorPath;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserLeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserMapNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.CaseSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ContainerSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.Module;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Network Configuration Access Control Model (RFC 8341) over the rules in running's {@code /nacm}
 * (or, while running has none, {@linkplain NacmDefaults the documented defaults}): protocol operation
 * access (exec) for every NETCONF operation (section 3.4.4), data node access for reads, which are
 * pruned (3.4.5), and for writes, which are refused whole when one node they create, update or delete
 * is denied (3.4.5), and notification access (3.4.6). Denials are counted in the state leaves
 * {@code /nacm/denied-operations}, {@code denied-data-writes} and {@code denied-notifications}.
 *
 * <p>Whose access: a NETCONF session's SSH user ({@link Users}), the gRPC southbound's configured
 * user, and nobody for the agent itself ({@link LockOwner#AGENT}), which is not subject to NACM.
 * There is no recovery session (section 3.4.2) over NETCONF: the way back from rules that lock
 * everyone out is the saved running configuration on the host (see the README).
 */
public final class Nacm implements DataAccess {
    private static final Logger LOG = LoggerFactory.getLogger(Nacm.class);

    /** The NETCONF base operations' namespace; RFC 6241's module ietf-netconf defines them. */
    public static final String BASE_NS = "urn:ietf:params:xml:ns:netconf:base:1.0";
    public static final String IETF_NETCONF = "ietf-netconf";
    /** ietf-netconf marks these nacm:default-deny-all: without a rule that permits them, nobody may run them. */
    private static final Set<String> DEFAULT_DENY_ALL_OPERATIONS = Set.of("kill-session", "delete-config");
    /** Modules of operations this agent serves without their module in its schema context. */
    private static final Map<String, String> OPERATION_MODULES = Map.of(
            "urn:ietf:params:xml:ns:netconf:notification:1.0", "notifications",
            "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda", "ietf-netconf-nmda");

    /** Where the rules are: running's root (read on every check; parsed again only when /nacm changed). */
    @FunctionalInterface
    public interface Running {
        ContainerNode read() throws StoreException;
    }

    /** The SSH user of a NETCONF session, empty if not known. */
    @FunctionalInterface
    public interface Users {
        Optional<String> user(long sessionId);
    }

    /** Who receives the notifications of a subscription (see {@link #subscribing}). */
    public record Subscriber(String user) {
    }

    private record Current(ContainerNode node, NacmConfig config, Map<String, List<Rule>> rules) {
        List<Rule> rulesFor(String user) {
            return rules.computeIfAbsent(user, config::rulesFor);
        }
    }

    /** A refused write: the node and the access it needed. */
    private record Denial(YangInstanceIdentifier node, Access access, boolean readable) {
    }

    private static final ThreadLocal<Subscriber> SUBSCRIBING = new ThreadLocal<>();

    private final EffectiveModelContext context;
    private final InstancePaths paths;
    private final Running running;
    private final Users users;
    private final String grpcUser;
    private final ContainerNode defaults;
    private final AtomicLong deniedOperations = new AtomicLong();
    private final AtomicLong deniedDataWrites = new AtomicLong();
    private final AtomicLong deniedNotifications = new AtomicLong();
    private final Map<QNameModule, String> moduleNames = new ConcurrentHashMap<>();
    private final Map<DataSchemaNode, Boolean> mixedBelow = new ConcurrentHashMap<>();
    private volatile Current current;

    /**
     * @param paths    names denied nodes in error-paths
     * @param running  running's root, where /nacm is
     * @param users    the SSH user of each NETCONF session
     * @param grpcUser whose access the gRPC southbound's changes have
     * @param defaults the /nacm container that holds while running has none (the documented defaults)
     */
    public Nacm(EffectiveModelContext context, InstancePaths paths, Running running, Users users, String grpcUser,
                ContainerNode defaults) {
        this.context = context;
        this.paths = paths;
        this.running = running;
        this.users = users;
        this.grpcUser = grpcUser;
        this.defaults = defaults;
    }

    // ---- who

    /** The user whose access {@code owner} has; null for the agent itself, which NACM does not restrict. */
    public String userOf(LockOwner owner) {
        if (owner == null || LockOwner.AGENT.equals(owner)) {
            return null;
        }
        if (LockOwner.NETCONF.equals(owner.protocol())) {
            // a session whose SSH user is not known belongs to no group: the defaults decide
            return users.user(owner.id()).orElse("");
        }
        if ("grpc".equals(owner.protocol())) {
            return grpcUser;
        }
        return "";
    }

    /** The SSH user of a NETCONF session ("" if unknown). */
    public String userOfSession(long sessionId) {
        return users.user(sessionId).orElse("");
    }

    // ---- the rules

    private Current current() {
        ContainerNode node;
        try {
            node = running.read().childByArg(NacmConfig.NACM) instanceof ContainerNode n ? n : defaults;
        } catch (StoreException e) {
            Current c = current;
            if (c != null) {
                return c;
            }
            node = defaults;
        }
        Current c = current;
        if (c != null && (c.node() == node || c.node().equals(node))) {
            return c;
        }
        NacmConfig config;
        try {
            config = NacmConfig.parse(node, this::namespaceOf);
        } catch (IllegalArgumentException e) {
            // validate() keeps such rules out of running; should one be there all the same, deny
            LOG.error("the access control rules in /nacm cannot be read ({}); denying every request", e.getMessage());
            config = new NacmConfig(true, false, false, false, Map.of(), List.of());
        }
        c = new Current(node, config, new ConcurrentHashMap<>());
        current = c;
        return c;
    }

    /** The rules in force (for tests and logs). */
    public NacmConfig config() {
        return current().config();
    }

    private Optional<String> namespaceOf(String prefixOrName) {
        for (Module m : context.getModules()) {
            if (m.getPrefix().equals(prefixOrName) || m.getName().equals(prefixOrName)) {
                return Optional.of(m.getNamespace().toString());
            }
        }
        return Optional.empty();
    }

    private String moduleName(QNameModule module) {
        return moduleNames.computeIfAbsent(module, m -> context.findModule(m).map(Module::getName).orElse(""));
    }

    private String moduleName(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return null;
        }
        if (BASE_NS.equals(namespace)) {
            return IETF_NETCONF;
        }
        String known = OPERATION_MODULES.get(namespace);
        if (known != null) {
            return known;
        }
        return context.findModules(XMLNamespace.of(namespace)).stream().findFirst().map(Module::getName).orElse(null);
    }

    private static Rule firstMatch(List<Rule> rules, Kind kind, Access access, String module, String name,
                                   List<NodeStep> path) {
        for (Rule r : rules) {
            if (!r.access().contains(access)) {
                continue;
            }
            if (!"*".equals(r.module()) && !r.module().equals(module)) {
                continue;
            }
            boolean matches = switch (r.kind()) {
                case ANY -> true;
                case PROTOCOL_OPERATION, NOTIFICATION -> r.kind() == kind && ("*".equals(r.name()) || r.name().equals(name));
                case DATA_NODE -> kind == Kind.DATA_NODE && r.path().matches(path);
            };
            if (matches) {
                return r;
            }
        }
        return null;
    }

    // ---- protocol operations (RFC 8341, 3.4.4)

    /**
     * Whether {@code user} may run the operation {@code {namespace}name}; a denial is counted in
     * denied-operations and comes back as the rpc-error to send (access-denied, error-type protocol).
     * close-session is always permitted (it never gets here: OpenDaylight answers it itself).
     */
    public Optional<StoreError> checkExec(String user, String namespace, String name) {
        if (user == null || "close-session".equals(name) && BASE_NS.equals(namespace)) {
            return Optional.empty();
        }
        Current c = current();
        if (!c.config().enabled()) {
            return Optional.empty();
        }
        String module = moduleName(namespace);
        Rule rule = firstMatch(c.rulesFor(user), Kind.PROTOCOL_OPERATION, Access.EXEC, module, name, List.of());
        boolean permit;
        String why;
        if (rule != null) {
            permit = rule.permit();
            why = rule.toString();
        } else if (defaultDenyAll(namespace, name)) {
            permit = false;
            why = "nacm:default-deny-all, and no rule permits it";
        } else {
            permit = c.config().execPermit();
            why = "exec-default";
        }
        if (permit) {
            return Optional.empty();
        }
        deniedOperations.incrementAndGet();
        LOG.info("access denied: user '{}' may not run {} ({})", user, name, why);
        return Optional.of(StoreError.of(ErrorType.PROTOCOL, ErrorTag.ACCESS_DENIED, null, "access denied: user '"
                + user + "' may not run " + name));
    }

    private boolean defaultDenyAll(String namespace, String name) {
        if (BASE_NS.equals(namespace)) {
            return DEFAULT_DENY_ALL_OPERATIONS.contains(name);
        }
        String module = moduleName(namespace);
        if (module == null) {
            return false;
        }
        return context.findModules(XMLNamespace.of(namespace)).stream().findFirst()
                .flatMap(m -> m.getRpcs().stream().filter(r -> r.getQName().getLocalName().equals(name)).findFirst())
                .map(r -> extension(r, "default-deny-all")).orElse(false);
    }

    // ---- notifications (RFC 8341, 3.4.6)

    /** Runs {@code subscribe} (a create-subscription) with {@code user} as the subscriber it registers. */
    public static <T> T subscribing(String user, Supplier<T> subscribe) {
        Subscriber previous = SUBSCRIBING.get();
        SUBSCRIBING.set(new Subscriber(user));
        try {
            return subscribe.get();
        } finally {
            if (previous == null) {
                SUBSCRIBING.remove();
            } else {
                SUBSCRIBING.set(previous);
            }
        }
    }

    /** The subscriber of the create-subscription this thread is running, if any. */
    public static Optional<Subscriber> currentSubscriber() {
        return Optional.ofNullable(SUBSCRIBING.get());
    }

    /** Whether {@code subscriber} may receive the notification {@code {namespace}name}; a denial is counted. */
    public boolean mayReceive(Subscriber subscriber, String namespace, String name) {
        if (subscriber.user() == null) {
            return true;
        }
        Current c = current();
        if (!c.config().enabled()) {
            return true;
        }
        Rule rule = firstMatch(c.rulesFor(subscriber.user()), Kind.NOTIFICATION, Access.READ, moduleName(namespace),
                name, List.of());
        boolean permit = rule != null ? rule.permit() : c.config().readPermit();
        if (!permit) {
            deniedNotifications.incrementAndGet();
            LOG.debug("access denied: notification {} not sent to user '{}'", name, subscriber.user());
        }
        return permit;
    }

    // ---- data nodes (RFC 8341, 3.4.5)

    /** Data node access of one request: the rules of its user and what is decided where no rule matches. */
    private final class Check {
        final NacmConfig config;
        final List<Rule> rules;

        Check(Current c, String user) {
            this.config = c.config();
            this.rules = c.rulesFor(user);
        }

        boolean permitted(Access access, QName node, List<NodeStep> path, Flags flags) {
            Rule rule = firstMatch(rules, Kind.DATA_NODE, access, moduleName(node.getModule()), null, path);
            if (rule != null) {
                return rule.permit();
            }
            if (flags.denyAll() || access != Access.READ && flags.denyWrite()) {
                return false;
            }
            return access == Access.READ ? config.readPermit() : config.writePermit();
        }

        /** Whether every node below {@code schema} at {@code path} gets the same decision as the node itself. */
        boolean uniform(DataSchemaNode schema, List<NodeStep> path) {
            if (schema == null || mixedBelow(schema)) {
                return false;
            }
            for (Rule r : rules) {
                if (r.kind() == Kind.DATA_NODE && r.path().mayMatchBelow(path)) {
                    return false;
                }
            }
            return true;
        }

        boolean permitsEverything() {
            return !rules.isEmpty() && rules.getFirst().coversEverything() && rules.getFirst().permit();
        }
    }

    /** The nacm:default-deny-* extensions in force at a node (on it or an ancestor). */
    private record Flags(boolean denyAll, boolean denyWrite) {
        static final Flags NONE = new Flags(false, false);

        Flags at(Object schema) {
            if (!(schema instanceof DataSchemaNode node)) {
                return this;
            }
            return new Flags(denyAll || extension(node, "default-deny-all"),
                    denyWrite || extension(node, "default-deny-write"));
        }
    }

    /** Whether a schema node (data node or rpc) carries the nacm extension {@code name}. */
    private static boolean extension(Object node, String name) {
        return NacmExtensions.has(node, name);
    }

    /** Whether some node below has a default-deny extension or belongs to another module (an augment). */
    private boolean mixedBelow(DataSchemaNode schema) {
        Boolean known = mixedBelow.get(schema);
        if (known != null) {
            return known;
        }
        boolean mixed = false;
        QNameModule module = schema.getQName().getModule();
        Collection<? extends DataSchemaNode> children = schema instanceof DataNodeContainer c ? c.getChildNodes()
                : schema instanceof ChoiceSchemaNode ch ? ch.getCases() : List.of();
        for (DataSchemaNode child : children) {
            boolean dataNode = !(child instanceof ChoiceSchemaNode) && !(child instanceof CaseSchemaNode);
            if (!child.getQName().getModule().equals(module) || dataNode && (extension(child, "default-deny-all")
                    || extension(child, "default-deny-write")) || mixedBelow(child)) {
                mixed = true;
                break;
            }
        }
        mixedBelow.put(schema, mixed);
        return mixed;
    }

    private static NodeStep step(QName name) {
        return new NodeStep(name.getNamespace().toString(), name.getLocalName(), Map.of());
    }

    private static NodeStep step(MapEntryNode entry) {
        Map<String, String> keys = new LinkedHashMap<>();
        entry.name().entrySet().forEach(k -> keys.put(k.getKey().getLocalName(), text(k.getValue())));
        QName name = entry.name().getNodeType();
        return new NodeStep(name.getNamespace().toString(), name.getLocalName(), keys);
    }

    private static NodeStep step(LeafSetEntryNode<?> entry) {
        QName name = entry.name().getNodeType();
        return new NodeStep(name.getNamespace().toString(), name.getLocalName(), Map.of(".", text(entry.body())));
    }

    private static String text(Object value) {
        return value instanceof QName q ? q.getLocalName() : String.valueOf(value);
    }

    private static List<NodeStep> plus(List<NodeStep> path, NodeStep step) {
        List<NodeStep> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(step);
        return p;
    }

    // ---- reads

    @Override
    public ContainerNode readable(LockOwner owner, ContainerNode root) {
        String user = userOf(owner);
        if (user == null) {
            return root;
        }
        Current c = current();
        if (!c.config().enabled()) {
            return root;
        }
        Check check = new Check(c, user);
        if (check.permitsEverything()) {
            return root;
        }
        return (ContainerNode) prune(check, root, context, List.of(), Flags.NONE);
    }

    /** A container, list entry or choice without the children {@code check} may not read; the same node if none. */
    private DataContainerNode prune(Check check, DataContainerNode node, Object schema, List<NodeStep> path,
                                    Flags flags) {
        List<DataContainerChild> kept = new ArrayList<>();
        boolean changed = false;
        for (DataContainerChild child : node.body()) {
            DataContainerChild k = pruneChild(check, child, schema, path, flags);
            if (k != child) {
                changed = true;
            }
            if (k != null) {
                kept.add(k);
            }
        }
        if (!changed) {
            return node;
        }
        return switch (node) {
            case ContainerNode c -> ImmutableNodes.newContainerBuilder().withNodeIdentifier(c.name()).withValue(kept)
                    .build();
            case MapEntryNode e -> ImmutableNodes.newMapEntryBuilder().withNodeIdentifier(e.name()).withValue(kept)
                    .build();
            case ChoiceNode ch -> ImmutableNodes.newChoiceBuilder().withNodeIdentifier(ch.name()).withValue(kept)
                    .build();
            default -> throw new IllegalArgumentException("not a container-like node: " + node.name());
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private DataContainerChild pruneChild(Check check, DataContainerChild child, Object parentSchema,
                                          List<NodeStep> path, Flags flags) {
        QName name = child.name().getNodeType();
        Object schema = SchemaTree.schemaChild(parentSchema, name).orElse(null);
        Flags here = flags.at(schema);
        switch (child) {
            case ChoiceNode choice -> {
                DataContainerNode pruned = prune(check, choice, schema, path, here);
                return pruned.isEmpty() ? null : (DataContainerChild) pruned;
            }
            case MapNode map -> {
                List<MapEntryNode> entries = new ArrayList<>();
                boolean changed = false;
                for (MapEntryNode e : map.body()) {
                    List<NodeStep> at = plus(path, step(e));
                    MapEntryNode k = null;
                    if (check.permitted(Access.READ, name, at, here)) {
                        if (check.uniform((DataSchemaNode) schema, at)) {
                            k = e;
                        } else {
                            MapEntryNode pruned = (MapEntryNode) prune(check, e, schema, at, here);
                            // an entry whose key may not be read is left out whole
                            boolean keys = e.name().keySet().stream().allMatch(key ->
                                    pruned.childByArg(NodeIdentifier.create(key)) != null);
                            k = keys ? pruned : null;
                        }
                    }
                    changed |= k != e;
                    if (k != null) {
                        entries.add(k);
                    }
                }
                if (!changed) {
                    return map;
                }
                if (entries.isEmpty()) {
                    return null;
                }
                return map instanceof UserMapNode
                        ? ImmutableNodes.newUserMapBuilder().withNodeIdentifier(map.name()).withValue(entries).build()
                        : ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(map.name()).withValue(entries).build();
            }
            case LeafSetNode<?> set -> {
                List<LeafSetEntryNode<Object>> entries = new ArrayList<>();
                for (LeafSetEntryNode<?> e : set.body()) {
                    if (check.permitted(Access.READ, name, plus(path, step(e)), here)) {
                        entries.add((LeafSetEntryNode<Object>) e);
                    }
                }
                if (entries.size() == set.size()) {
                    return set;
                }
                if (entries.isEmpty()) {
                    return null;
                }
                return set instanceof UserLeafSetNode
                        ? ImmutableNodes.newUserLeafSetBuilder().withNodeIdentifier(set.name()).withValue(entries).build()
                        : ImmutableNodes.newSystemLeafSetBuilder().withNodeIdentifier(set.name()).withValue(entries)
                                .build();
            }
            default -> {
                List<NodeStep> at = plus(path, step(name));
                if (!check.permitted(Access.READ, name, at, here)) {
                    return null;
                }
                if (child instanceof ContainerNode container && !check.uniform((DataSchemaNode) schema, at)) {
                    return (DataContainerChild) prune(check, container, schema, at, here);
                }
                return child;
            }
        }
    }

    // ---- writes

    @Override
    public void checkWrite(LockOwner owner, ContainerNode before, ContainerNode after) throws StoreException {
        String user = userOf(owner);
        if (user == null || before == after) {
            return;
        }
        Current c = current();
        if (!c.config().enabled()) {
            return;
        }
        Check check = new Check(c, user);
        if (check.permitsEverything()) {
            return;
        }
        Denial denial = changed(check, before, after, context, List.of(), YangInstanceIdentifier.of(), Flags.NONE);
        if (denial == null) {
            return;
        }
        deniedDataWrites.incrementAndGet();
        String what = denial.access().yangName();
        String node = denial.readable() ? " " + paths.of(denial.node()).xpath() : " a node it may not read";
        LOG.info("access denied: user '{}' ({}) may not {}{}", user, owner, what, denial.readable()
                ? " " + denial.node() : " a node it may not read");
        ErrorPath path = denial.readable() ? paths.of(denial.node()) : null;
        throw new StoreException(StoreError.of(ErrorType.APPLICATION, ErrorTag.ACCESS_DENIED, path,
                "access denied: user '" + user + "' may not " + what + node));
    }

    /** The first denied node among the differences of two versions of a container, list entry or choice. */
    private Denial changed(Check check, DataContainerNode before, DataContainerNode after, Object schema,
                           List<NodeStep> path, YangInstanceIdentifier at, Flags flags) {
        Set<NodeIdentifier> names = new LinkedHashSet<>();
        before.body().forEach(c -> names.add(c.name()));
        after.body().forEach(c -> names.add(c.name()));
        for (NodeIdentifier arg : names) {
            DataContainerChild b = before.childByArg(arg);
            DataContainerChild a = after.childByArg(arg);
            if (a == b) {
                continue;
            }
            Denial d;
            if (b == null) {
                d = whole(check, a, Access.CREATE, schema, path, at, flags);
            } else if (a == null) {
                d = whole(check, b, Access.DELETE, schema, path, at, flags);
            } else {
                d = changedChild(check, b, a, schema, path, at, flags);
            }
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private Denial changedChild(Check check, DataContainerChild b, DataContainerChild a, Object parentSchema,
                                List<NodeStep> path, YangInstanceIdentifier at, Flags flags) {
        QName name = a.name().getNodeType();
        Object schema = SchemaTree.schemaChild(parentSchema, name).orElse(null);
        Flags here = flags.at(schema);
        switch (a) {
            case ChoiceNode choice -> {
                return changed(check, (ChoiceNode) b, choice, schema, path, at.node(a.name()), here);
            }
            case MapNode map -> {
                MapNode old = (MapNode) b;
                YangInstanceIdentifier list = at.node(a.name());
                for (MapEntryNode e : old.body()) {
                    if (map.childByArg(e.name()) == null) {
                        Denial d = entry(check, e, Access.DELETE, schema, path, list, here);
                        if (d != null) {
                            return d;
                        }
                    }
                }
                boolean reordered = map instanceof UserMapNode && !sameOrder(old.body(), map.body());
                for (MapEntryNode e : map.body()) {
                    MapEntryNode was = old.childByArg(e.name());
                    Denial d = null;
                    if (was == null) {
                        d = entry(check, e, Access.CREATE, schema, path, list, here);
                    } else if (reordered) {
                        d = node(check, Access.UPDATE, name, plus(path, step(e)), list.node(e.name()), here);
                    }
                    if (d == null && was != null && was != e) {
                        d = changed(check, was, e, schema, plus(path, step(e)), list.node(e.name()), here);
                    }
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            case LeafSetNode<?> set -> {
                LeafSetNode<?> old = (LeafSetNode<?>) b;
                YangInstanceIdentifier list = at.node(a.name());
                boolean reordered = set instanceof UserLeafSetNode && !sameOrder(old.body(), set.body());
                for (LeafSetEntryNode<?> e : old.body()) {
                    if (set.childByArg(e.name()) == null) {
                        Denial d = node(check, Access.DELETE, name, plus(path, step(e)), list.node(e.name()), here);
                        if (d != null) {
                            return d;
                        }
                    }
                }
                for (LeafSetEntryNode<?> e : set.body()) {
                    boolean isNew = old.childByArg(e.name()) == null;
                    if (isNew || reordered) {
                        Denial d = node(check, isNew ? Access.CREATE : Access.UPDATE, name, plus(path, step(e)),
                                list.node(e.name()), here);
                        if (d != null) {
                            return d;
                        }
                    }
                }
                return null;
            }
            case ContainerNode container -> {
                List<NodeStep> p = plus(path, step(name));
                return changed(check, (ContainerNode) b, container, schema, p, at.node(a.name()), here);
            }
            default -> {
                if (a instanceof LeafNode<?> leaf && b instanceof LeafNode<?> old && leaf.body().equals(old.body())) {
                    return null;
                }
                return node(check, Access.UPDATE, name, plus(path, step(name)), at.node(a.name()), here);
            }
        }
    }

    private static boolean sameOrder(Collection<? extends NormalizedNode> before,
                                     Collection<? extends NormalizedNode> after) {
        List<PathArgument> b = new ArrayList<>();
        before.forEach(e -> b.add(e.name()));
        List<PathArgument> a = new ArrayList<>();
        after.forEach(e -> a.add(e.name()));
        b.retainAll(a);
        a.retainAll(b);
        return a.equals(b);
    }

    /** A node created or deleted whole: the access for it and, unless its subtree is decided with it, every node below. */
    @SuppressWarnings("unchecked")
    private Denial whole(Check check, DataContainerChild child, Access access, Object parentSchema,
                         List<NodeStep> path, YangInstanceIdentifier at, Flags flags) {
        QName name = child.name().getNodeType();
        Object schema = SchemaTree.schemaChild(parentSchema, name).orElse(null);
        Flags here = flags.at(schema);
        YangInstanceIdentifier id = at.node(child.name());
        switch (child) {
            case ChoiceNode choice -> {
                for (DataContainerChild c : choice.body()) {
                    Denial d = whole(check, c, access, schema, path, id, here);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            case MapNode map -> {
                for (MapEntryNode e : map.body()) {
                    Denial d = entry(check, e, access, schema, path, id, here);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            case LeafSetNode<?> set -> {
                for (LeafSetEntryNode<?> e : set.body()) {
                    Denial d = node(check, access, name, plus(path, step(e)), id.node(e.name()), here);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            case ContainerNode container -> {
                List<NodeStep> p = plus(path, step(name));
                // a non-presence container holds no data of its own: it comes and goes with its children
                boolean presence = schema instanceof ContainerSchemaNode c && c.isPresenceContainer();
                if (presence) {
                    Denial d = node(check, access, name, p, id, here);
                    if (d != null || check.uniform((DataSchemaNode) schema, p)) {
                        return d;
                    }
                }
                for (DataContainerChild c : container.body()) {
                    Denial d = whole(check, c, access, schema, p, id, here);
                    if (d != null) {
                        return d;
                    }
                }
                return null;
            }
            default -> {
                return node(check, access, name, plus(path, step(name)), id, here);
            }
        }
    }

    private Denial entry(Check check, MapEntryNode e, Access access, Object listSchema, List<NodeStep> path,
                         YangInstanceIdentifier list, Flags flags) {
        List<NodeStep> p = plus(path, step(e));
        YangInstanceIdentifier id = list.node(e.name());
        QName name = e.name().getNodeType();
        Denial d = node(check, access, name, p, id, flags);
        if (d != null || check.uniform((DataSchemaNode) listSchema, p)) {
            return d;
        }
        for (DataContainerChild c : e.body()) {
            d = whole(check, c, access, listSchema, p, id, flags);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private Denial node(Check check, Access access, QName name, List<NodeStep> path, YangInstanceIdentifier id,
                        Flags flags) {
        if (check.permitted(access, name, path, flags)) {
            return null;
        }
        return new Denial(id, access, check.permitted(Access.READ, name, path, flags));
    }

    // ---- validation and state

    /** A rule whose path names no module of this agent, or is not a path, is refused before it reaches running. */
    @Override
    public void validate(ContainerNode content) throws StoreException {
        if (!(content.childByArg(NacmConfig.NACM) instanceof ContainerNode nacm)) {
            return;
        }
        Current c = current;
        if (c != null && c.node() == nacm) {
            return;
        }
        try {
            NacmConfig.parse(nacm, this::namespaceOf);
        } catch (NacmConfig.BadRule e) {
            QName ruleList = NacmConfig.qname("rule-list");
            QName rule = NacmConfig.qname("rule");
            YangInstanceIdentifier at = YangInstanceIdentifier.of(NacmConfig.NACM,
                    NodeIdentifier.create(ruleList),
                    NodeIdentifierWithPredicates.of(ruleList, NacmConfig.qname("name"), e.ruleList),
                    NodeIdentifier.create(rule),
                    NodeIdentifierWithPredicates.of(rule, NacmConfig.qname("name"), e.rule),
                    NodeIdentifier.create(NacmConfig.qname("rule-type")),
                    NodeIdentifier.create(NacmConfig.qname("path")));
            throw new StoreException(StoreError.invalidValue(paths.of(at), e.getMessage()));
        }
    }

    /** /nacm's state leaves: the denial counters (zero-based-counter32: they wrap at 2^32). */
    @Override
    public Optional<ContainerNode> state() {
        return Optional.of(ImmutableNodes.newContainerBuilder().withNodeIdentifier(NacmConfig.NACM)
                .withChild(counter("denied-operations", deniedOperations))
                .withChild(counter("denied-data-writes", deniedDataWrites))
                .withChild(counter("denied-notifications", deniedNotifications))
                .build());
    }

    private static LeafNode<Uint32> counter(String name, AtomicLong value) {
        return ImmutableNodes.leafNode(NacmConfig.qname(name), Uint32.valueOf(value.get() & 0xFFFF_FFFFL));
    }

    public long deniedOperations() {
        return deniedOperations.get();
    }

    public long deniedDataWrites() {
        return deniedDataWrites.get();
    }

    public long deniedNotifications() {
        return deniedNotifications.get();
    }
}
