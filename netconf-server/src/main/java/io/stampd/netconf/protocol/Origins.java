package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.xml.XMLConstants;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.IdentitySchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The origin of the configuration in the operational datastore (RFC 8342, 5.3.4 and the
 * ietf-origin annotation): what get-data's with-origin reports and its origin filters select
 * (RFC 8526, 3.1.1).
 *
 * <p>stampd applies a commit to the data plane before running takes it, and refuses a commit the
 * data plane cannot run, so every configuration node in operational is configuration from the
 * intended datastore (which, without templates or inactive nodes, is running): {@code or:intended}.
 * A leaf that with-defaults report-all adds is a default in use: {@code or:default}. State
 * (config false) nodes have no origin: the annotation is defined for configuration nodes only,
 * and origin filters leave them alone. Neither {@code or:system} nor {@code or:learned} ever
 * applies: stampd creates no configuration of its own and learns none from peers (what it learns,
 * such as delays and the data plane's counters, is state).
 *
 * <p>The annotation is written on every top-level configuration node (whose origin must be given)
 * and on each node whose origin differs from its parent's (the others inherit it), as
 * {@code or:origin="or:intended"} with {@code xmlns:or} declared on the same element.
 */
final class Origins {
    static final QNameModule MODULE = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:yang:ietf-origin"), Revision.of("2018-02-14"));
    static final String NAMESPACE = MODULE.namespace().toString();
    static final QName ORIGIN = QName.create(MODULE, "origin");
    static final QName INTENDED = QName.create(MODULE, "intended");
    static final QName DEFAULT = QName.create(MODULE, "default");

    /** The origin given on a node (null: inherited) and on its descendants, by path argument. */
    record Marks(QName origin, Map<PathArgument, Marks> children) {
        Marks child(PathArgument name) {
            return children.get(name);
        }
    }

    private final SchemaTree schema;

    Origins(SchemaTree schema) {
        this.schema = schema;
    }

    /**
     * The origins of the configuration in {@code root}: {@code explicit} is the same tree before
     * with-defaults added anything, so a node missing from it is a default in use.
     */
    Marks of(ContainerNode root, ContainerNode explicit) {
        return new Marks(null, marks(root, explicit, schema.context(), null));
    }

    private Map<PathArgument, Marks> marks(DataContainerNode data, DataContainerNode explicit, Object parent,
                                           QName inherited) {
        Map<PathArgument, Marks> out = new HashMap<>();
        for (DataContainerChild c : data.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(parent, c.name().getNodeType());
            if (sn.isEmpty() || !sn.get().effectiveConfig().orElse(Boolean.TRUE)) {
                continue; // state: no origin
            }
            NormalizedNode had = explicit == null ? null : explicit.childByArg(c.name());
            if (c instanceof ChoiceNode choice) {
                // not a data node: its children's origins are their parent's
                out.put(c.name(), new Marks(null, marks(choice, (DataContainerNode) had, sn.get(), inherited)));
                continue;
            }
            QName origin = had != null ? INTENDED : DEFAULT;
            QName given = inherited == null || !origin.equals(inherited) ? origin : null;
            switch (c) {
                case ContainerNode cc -> out.put(c.name(), new Marks(given,
                        marks(cc, (DataContainerNode) had, sn.get(), origin)));
                case MapNode map -> {
                    Map<PathArgument, Marks> entries = new HashMap<>();
                    for (MapEntryNode e : map.body()) {
                        NormalizedNode hadEntry = had instanceof MapNode m ? m.childByArg(e.name()) : null;
                        QName entryOrigin = hadEntry != null ? INTENDED : DEFAULT;
                        QName entryGiven = inherited == null || !entryOrigin.equals(inherited) ? entryOrigin : null;
                        entries.put(e.name(), new Marks(entryGiven,
                                marks(e, (DataContainerNode) hadEntry, sn.get(), entryOrigin)));
                    }
                    out.put(c.name(), new Marks(null, entries));
                }
                case LeafSetNode<?> set -> {
                    Map<PathArgument, Marks> entries = new HashMap<>();
                    for (LeafSetEntryNode<?> e : set.body()) {
                        NormalizedNode hadEntry = had instanceof LeafSetNode<?> s ? s.childByArg(e.name()) : null;
                        QName entryOrigin = hadEntry != null ? INTENDED : DEFAULT;
                        QName entryGiven = inherited == null || !entryOrigin.equals(inherited) ? entryOrigin : null;
                        entries.put(e.name(), new Marks(entryGiven, Map.of()));
                    }
                    out.put(c.name(), new Marks(null, entries));
                }
                default -> out.put(c.name(), new Marks(given, Map.of()));
            }
        }
        return out;
    }

    /**
     * {@code root} with the configuration nodes whose origin {@code selects} and the ancestors
     * (and list keys) of those; state nodes are kept as they are (RFC 8526, origin-filters).
     */
    ContainerNode filter(ContainerNode root, Marks marks, Predicate<QName> selects) {
        return (ContainerNode) Nodes.withChildren(root, keep(root, marks, null, schema.context(), selects));
    }

    private List<DataContainerChild> keep(DataContainerNode data, Marks marks, QName inherited, Object parent,
                                          Predicate<QName> selects) {
        List<DataContainerChild> kept = new ArrayList<>();
        for (DataContainerChild c : data.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(parent, c.name().getNodeType());
            if (sn.isEmpty() || !sn.get().effectiveConfig().orElse(Boolean.TRUE)) {
                kept.add(c);
                continue;
            }
            Marks m = marks == null ? null : marks.child(c.name());
            QName origin = m != null && m.origin() != null ? m.origin() : inherited;
            switch (c) {
                case ChoiceNode choice -> {
                    var inner = keep(choice, m, inherited, sn.get(), selects);
                    if (!inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(choice, inner));
                    }
                }
                case ContainerNode cc -> {
                    var inner = keep(cc, m, origin, sn.get(), selects);
                    if (selects.test(origin) || !inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(cc, inner));
                    }
                }
                case MapNode map -> {
                    List<MapEntryNode> entries = new ArrayList<>();
                    ListSchemaNode list = (ListSchemaNode) sn.get();
                    for (MapEntryNode e : map.body()) {
                        Marks em = m == null ? null : m.child(e.name());
                        QName entryOrigin = em != null && em.origin() != null ? em.origin() : origin;
                        var inner = keep(e, em, entryOrigin, list, selects);
                        inner.removeIf(x -> list.getKeyDefinition().contains(x.name().getNodeType()));
                        if (selects.test(entryOrigin) || !inner.isEmpty()) {
                            entries.add(Nodes.entry(e.name(), ConfigFilter.withKeys(e, list, inner)));
                        }
                    }
                    if (!entries.isEmpty()) {
                        kept.add(Nodes.map(map, entries));
                    }
                }
                case LeafSetNode<?> set -> {
                    List<LeafSetEntryNode<?>> entries = new ArrayList<>();
                    for (LeafSetEntryNode<?> e : set.body()) {
                        Marks em = m == null ? null : m.child(e.name());
                        if (selects.test(em != null && em.origin() != null ? em.origin() : origin)) {
                            entries.add(e);
                        }
                    }
                    if (!entries.isEmpty()) {
                        kept.add(Nodes.leafSet(set, entries));
                    }
                }
                default -> {
                    if (selects.test(origin)) {
                        kept.add(c);
                    }
                }
            }
        }
        return kept;
    }

    /**
     * Whether {@code origin} is derived from or equal to one of {@code filters} (RFC 8526: a
     * configuration node matches origin-filter so, and negated-origin-filter otherwise).
     */
    boolean derivedFromOrSelf(QName origin, Set<QName> filters) {
        if (origin == null) {
            return false;
        }
        if (filters.contains(origin)) {
            return true;
        }
        return identity(origin).map(i -> i.getBaseIdentities().stream()
                .anyMatch(b -> derivedFromOrSelf(b.getQName(), filters))).orElse(false);
    }

    /** The identity {@code name} of the model, if it exists. */
    Optional<IdentitySchemaNode> identity(QName name) {
        return schema.context().findModule(name.getModule()).flatMap(m -> m.getIdentities().stream()
                .filter(i -> i.getQName().equals(name)).findFirst().map(IdentitySchemaNode.class::cast));
    }

    /**
     * Writes the marks as {@code or:origin} attributes into {@code data}, the XML of {@code root}:
     * each element is found by its name and, for list and leaf-list entries, by its position,
     * which the XML writer keeps.
     */
    void annotate(Element data, ContainerNode root, Marks marks) {
        annotateChildren(data, root, marks);
    }

    private void annotateChildren(Element element, DataContainerNode node, Marks marks) {
        Map<String, List<Element>> byName = new LinkedHashMap<>();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                byName.computeIfAbsent(key(e.getNamespaceURI(), e.getLocalName()), k -> new ArrayList<>()).add(e);
            }
        }
        walk(node, marks, byName);
    }

    private void walk(DataContainerNode node, Marks marks, Map<String, List<Element>> byName) {
        for (DataContainerChild c : node.body()) {
            Marks m = marks == null ? null : marks.child(c.name());
            if (c instanceof ChoiceNode choice) {
                walk(choice, m, byName); // a choice has no element of its own
                continue;
            }
            if (m == null) {
                continue; // state, or configuration that inherits everything
            }
            QName name = c.name().getNodeType();
            List<Element> elements = byName.getOrDefault(key(name.getNamespace().toString(), name.getLocalName()),
                    List.of());
            switch (c) {
                case MapNode map -> {
                    int i = 0;
                    for (MapEntryNode e : map.body()) {
                        if (i < elements.size()) {
                            Marks em = m.child(e.name());
                            mark(elements.get(i), em);
                            if (em != null) {
                                annotateChildren(elements.get(i), e, em);
                            }
                        }
                        i++;
                    }
                }
                case LeafSetNode<?> set -> {
                    int i = 0;
                    for (LeafSetEntryNode<?> e : set.body()) {
                        if (i < elements.size()) {
                            mark(elements.get(i), m.child(e.name()));
                        }
                        i++;
                    }
                }
                case ContainerNode cc -> {
                    if (!elements.isEmpty()) {
                        mark(elements.getFirst(), m);
                        annotateChildren(elements.getFirst(), cc, m);
                    }
                }
                default -> {
                    if (!elements.isEmpty()) {
                        mark(elements.getFirst(), m);
                    }
                }
            }
        }
    }

    private static void mark(Element e, Marks m) {
        if (m != null && m.origin() != null) {
            e.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:or", NAMESPACE);
            e.setAttributeNS(NAMESPACE, "or:origin", "or:" + m.origin().getLocalName());
        }
    }

    private static String key(String namespace, String localName) {
        return namespace + ' ' + localName;
    }
}
