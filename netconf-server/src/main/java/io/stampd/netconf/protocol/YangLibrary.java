package io.stampd.netconf.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.Module;
import org.opendaylight.yangtools.yang.model.api.stmt.FeatureSet;

/**
 * The YANG library of RFC 8525 (ietf-yang-library revision 2019-01-04) that an NMDA server
 * serves as operational state and announces in the hello (RFC 8526, section 2), computed once from
 * the agent's model:
 *
 * <ul>
 *   <li>one module set, {@value #MODULE_SET}, holding every module of the model: as
 *       {@code module} those the agent implements (with the features it supports and the modules
 *       that deviate them), as {@code import-only-module} those that only lend types, groupings
 *       or extensions to others (RFC 7950, 5.6.5: a module is implemented when the server
 *       implements its data nodes, RPCs, notifications, augments, deviations; stampd counts
 *       identities too, since it uses ietf-datastores' and ietf-origin's in its replies);</li>
 *   <li>one schema, {@value #SCHEMA}, of that module set, which running, candidate and
 *       operational share (the configuration datastores hold its config true nodes);</li>
 *   <li>the content-id: a digest of all the above, so that it changes exactly when they do.</li>
 * </ul>
 *
 * No location is given: every module is served by get-schema (RFC 6022). The module capabilities
 * of the hello, which OpenDaylight writes without features, get theirs from here as well
 * ({@link #moduleCapability}).
 */
public final class YangLibrary {
    public static final QNameModule MODULE = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:yang:ietf-yang-library"), Revision.of("2019-01-04"));
    public static final QNameModule DATASTORES = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:yang:ietf-datastores"), Revision.of("2018-02-14"));
    /** The capability of RFC 8526, section 2, without its parameters. */
    public static final String CAPABILITY = "urn:ietf:params:netconf:capability:yang-library:1.1";
    static final String MODULE_SET = "stampd";
    static final String SCHEMA = "stampd";
    /** The datastores this server implements, in the order the library lists them. */
    static final List<String> DATASTORE_NAMES = List.of("running", "candidate", "operational");

    private static final Pattern MODULE_PARAMETER = Pattern.compile("[?&]module=([^&]+)");

    /** One module of the module set as the library lists it. */
    public record Entry(String name, Optional<String> revision, String namespace, boolean implemented,
                        List<String> features, List<String> deviations) {
    }

    private final List<Entry> modules;
    private final String contentId;
    private final boolean modelled;

    private YangLibrary(List<Entry> modules, boolean modelled) {
        this.modules = List.copyOf(modules);
        this.modelled = modelled;
        this.contentId = digest(modules);
    }

    /** The library of {@code context}, whose features are those of {@code features}. */
    public static YangLibrary of(EffectiveModelContext context, FeatureSet features) {
        Map<String, TreeSet<String>> deviatedBy = new TreeMap<>();
        for (Module m : context.getModules()) {
            for (var d : m.getDeviations()) {
                QName target = d.getTargetPath().firstNodeIdentifier();
                context.findModule(target.getModule()).ifPresent(t ->
                        deviatedBy.computeIfAbsent(t.getName(), k -> new TreeSet<>()).add(m.getName()));
            }
        }
        List<Entry> entries = new ArrayList<>();
        List<Module> sorted = new ArrayList<>(context.getModules());
        sorted.sort(Comparator.comparing(Module::getName));
        for (Module m : sorted) {
            List<String> supported = m.getFeatures().stream().filter(f -> features.contains(f.getQName()))
                    .map(f -> f.getQName().getLocalName()).sorted().toList();
            List<String> deviations = List.copyOf(deviatedBy.getOrDefault(m.getName(), new TreeSet<>()));
            entries.add(new Entry(m.getName(), m.getRevision().map(Revision::toString),
                    m.getNamespace().toString(), implemented(m), supported, deviations));
        }
        return new YangLibrary(entries, context.findModule(MODULE).isPresent());
    }

    /** Whether the server implements something of {@code m}, rather than only importing it. */
    private static boolean implemented(Module m) {
        return !m.getChildNodes().isEmpty() || !m.getRpcs().isEmpty() || !m.getNotifications().isEmpty()
                || !m.getAugmentations().isEmpty() || !m.getDeviations().isEmpty() || !m.getIdentities().isEmpty();
    }

    public List<Entry> modules() {
        return modules;
    }

    public String contentId() {
        return contentId;
    }

    /** {@code urn:ietf:params:netconf:capability:yang-library:1.1?revision=...&content-id=...}. */
    public String capability() {
        return CAPABILITY + "?revision=" + MODULE.revision() + "&content-id=" + contentId;
    }

    /**
     * A module capability of the hello (RFC 6020, 5.6.4: {@code ns?module=m&revision=r}) with the
     * features the server supports and the modules that deviate the module, as the library says;
     * any other capability unchanged.
     */
    public String moduleCapability(String uri) {
        var m = MODULE_PARAMETER.matcher(uri);
        if (!m.find() || uri.contains("&features=") || uri.contains("&deviations=")) {
            return uri;
        }
        String name = m.group(1);
        for (Entry e : modules) {
            if (e.name().equals(name)) {
                StringBuilder sb = new StringBuilder(uri);
                if (!e.features().isEmpty()) {
                    sb.append("&features=").append(String.join(",", e.features()));
                }
                if (!e.deviations().isEmpty()) {
                    sb.append("&deviations=").append(String.join(",", e.deviations()));
                }
                return sb.toString();
            }
        }
        return uri;
    }

    /** The {@code /yang-library} container, or empty if ietf-yang-library is not in the model. */
    public Optional<ContainerNode> data() {
        if (!modelled) {
            return Optional.empty();
        }
        List<MapEntryNode> implemented = new ArrayList<>();
        List<MapEntryNode> importOnly = new ArrayList<>();
        for (Entry e : modules) {
            List<DataContainerChild> children = new ArrayList<>();
            children.add(leaf("name", e.name()));
            if (e.implemented()) {
                e.revision().ifPresent(r -> children.add(leaf("revision", r)));
                children.add(leaf("namespace", e.namespace()));
                if (!e.features().isEmpty()) {
                    children.add(leafList("feature", e.features()));
                }
                if (!e.deviations().isEmpty()) {
                    children.add(leafList("deviation", e.deviations()));
                }
                implemented.add(Nodes.entry(NodeIdentifierWithPredicates.of(q("module"), q("name"), e.name()),
                        children));
            } else {
                String revision = e.revision().orElse("");
                children.add(leaf("revision", revision));
                children.add(leaf("namespace", e.namespace()));
                Map<QName, Object> keys = new LinkedHashMap<>();
                keys.put(q("name"), e.name());
                keys.put(q("revision"), revision);
                importOnly.add(Nodes.entry(NodeIdentifierWithPredicates.of(q("import-only-module"), keys),
                        children));
            }
        }
        MapEntryNode moduleSet = Nodes.entry(NodeIdentifierWithPredicates.of(q("module-set"), q("name"), MODULE_SET),
                List.of(leaf("name", MODULE_SET), map("module", implemented), map("import-only-module", importOnly)));
        MapEntryNode schema = Nodes.entry(NodeIdentifierWithPredicates.of(q("schema"), q("name"), SCHEMA),
                List.of(leaf("name", SCHEMA), leafList("module-set", List.of(MODULE_SET))));
        List<MapEntryNode> datastores = new ArrayList<>();
        for (String d : DATASTORE_NAMES) {
            QName identity = QName.create(DATASTORES, d);
            datastores.add(Nodes.entry(NodeIdentifierWithPredicates.of(q("datastore"), q("name"), identity),
                    List.of(leaf("name", identity), leaf("schema", SCHEMA))));
        }
        return Optional.of(Nodes.container(id("yang-library"), List.of(
                map("module-set", List.of(moduleSet)),
                map("schema", List.of(schema)),
                map("datastore", datastores),
                leaf("content-id", contentId))));
    }

    private static String digest(List<Entry> modules) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : modules) {
            sb.append(e).append('\n');
        }
        sb.append(DATASTORE_NAMES).append(MODULE_SET).append(SCHEMA);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static QName q(String localName) {
        return QName.create(MODULE, localName);
    }

    private static NodeIdentifier id(String localName) {
        return NodeIdentifier.create(q(localName));
    }

    private static DataContainerChild leaf(String name, Object value) {
        return ImmutableNodes.leafNode(id(name), value);
    }

    private static DataContainerChild leafList(String name, List<String> values) {
        List<LeafSetEntryNode<Object>> entries = new ArrayList<>();
        values.forEach(v -> entries.add(ImmutableNodes.leafSetEntry(q(name), v)));
        return ImmutableNodes.newSystemLeafSetBuilder().withNodeIdentifier(id(name)).withValue(entries).build();
    }

    private static DataContainerChild map(String name, List<MapEntryNode> entries) {
        return ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(id(name)).withValue(entries).build();
    }
}
