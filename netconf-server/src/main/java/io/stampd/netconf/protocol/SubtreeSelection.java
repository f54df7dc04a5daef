package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.TypedDataSchemaNode;
import org.w3c.dom.Element;

/**
 * Subtree filtering (RFC 6241, section 6) on the data tree, before it is written as XML: any
 * number of filter roots; containment nodes, selection nodes and content match nodes, the latter
 * compared as typed values of the leaf's YANG type; list entries keep their keys. Choices are
 * transparent, as in XML. A filter element in no namespace (or the NETCONF one) matches by name
 * in any module.
 */
public final class SubtreeSelection {
    private final SchemaTree schema;
    private final LeafValues values;

    public SubtreeSelection(SchemaTree schema, LeafValues values) {
        this.schema = schema;
        this.values = values;
    }

    /** The parts of {@code root} that the children of {@code filter} select. */
    public ContainerNode select(ContainerNode root, Element filter) {
        List<Element> filters = elements(filter);
        if (filters.isEmpty()) {
            return (ContainerNode) Nodes.withChildren(root, List.of()); // an empty filter selects nothing (6.4.2)
        }
        Optional<List<DataContainerChild>> selected = children(root, schema.context(), List.of(), filters);
        return (ContainerNode) Nodes.withChildren(root, selected.orElse(List.of()));
    }

    /**
     * {@code root} without the top-level nodes no root of {@code filter} can select: they need no
     * with-defaults processing and no selection (a get for one module's state then never walks the
     * configuration of ten thousand sessions). Unchanged when the filter's roots are all content
     * match nodes, which select the whole root if they match.
     */
    public ContainerNode candidates(ContainerNode root, Element filter) {
        List<Element> filters = elements(filter);
        if (filters.isEmpty() || filters.stream().allMatch(f -> elements(f).isEmpty() && !f.getTextContent()
                .isBlank())) {
            return root;
        }
        List<DataContainerChild> kept = new ArrayList<>();
        for (DataContainerChild c : root.body()) {
            List<Placed> self = List.of(new Placed(c, List.of()));
            if (c instanceof ChoiceNode || filters.stream().anyMatch(f -> !matching(self, f).isEmpty())) {
                kept.add(c); // a choice at the top (none in practice) is kept whole
            }
        }
        return kept.size() == root.body().size() ? root : (ContainerNode) Nodes.withChildren(root, kept);
    }

    /** A child of a data node with the choices it sits in (outermost first). */
    private record Placed(DataContainerChild node, List<NodeIdentifier> choices) {
    }

    /**
     * The selected children of {@code data}, or empty if a content match node fails (then the
     * parent itself is not selected).
     */
    private Optional<List<DataContainerChild>> children(DataContainerNode data, DataNodeContainer node,
                                                        List<QName> schemaPath, List<Element> filters) {
        List<Placed> flat = new ArrayList<>();
        flatten(data, List.of(), flat);
        List<Element> contentMatches = new ArrayList<>();
        List<Element> others = new ArrayList<>();
        for (Element f : filters) {
            if (elements(f).isEmpty() && !f.getTextContent().isBlank()) {
                contentMatches.add(f);
            } else {
                others.add(f);
            }
        }
        Map<PathArgument, Placed> chosen = new LinkedHashMap<>();
        for (Element match : contentMatches) {
            List<Placed> hits = matching(flat, match);
            boolean any = false;
            for (Placed hit : hits) {
                Optional<DataSchemaNode> leafSchema = schemaOf(node, hit);
                if (hit.node() instanceof LeafNode<?> leaf && equal(leafSchema, schemaPath, leaf.body(), match)) {
                    chosen.put(hit.node().name(), hit);
                    any = true;
                } else if (hit.node() instanceof LeafSetNode<?> set) {
                    List<LeafSetEntryNode<?>> equalEntries = new ArrayList<>();
                    for (LeafSetEntryNode<?> e : set.body()) {
                        if (equal(leafSchema, schemaPath, e.body(), match)) {
                            equalEntries.add(e);
                        }
                    }
                    if (!equalEntries.isEmpty()) {
                        any = true;
                        chosen.put(hit.node().name(), new Placed(Nodes.leafSet(set, equalEntries), hit.choices()));
                    }
                }
            }
            if (!any) {
                return Optional.empty();
            }
        }
        if (others.isEmpty()) {
            // only content match nodes, all true: the whole parent (RFC 6241, 6.2.5)
            return Optional.of(List.copyOf(data.body()));
        }
        for (Element f : others) {
            for (Placed hit : matching(flat, f)) {
                Optional<Placed> sub = elements(f).isEmpty() ? Optional.of(hit)
                        : containment(hit, node, schemaPath, elements(f));
                sub.ifPresent(p -> chosen.merge(p.node().name(), p, this::union));
            }
        }
        return Optional.of(rebuild(new ArrayList<>(chosen.values()), 0));
    }

    private Optional<Placed> containment(Placed hit, DataNodeContainer parent, List<QName> schemaPath,
                                         List<Element> inner) {
        Optional<DataSchemaNode> childSchema = schemaOf(parent, hit);
        if (childSchema.isEmpty() || !(childSchema.get() instanceof DataNodeContainer container)) {
            return Optional.empty();
        }
        List<QName> childPath = new ArrayList<>(schemaPath);
        childPath.add(childSchema.get().getQName());
        if (hit.node() instanceof ContainerNode c) {
            return children(c, container, childPath, inner).filter(l -> !l.isEmpty())
                    .map(l -> new Placed(Nodes.container(c.name(), l), hit.choices()));
        }
        if (hit.node() instanceof MapNode map && childSchema.get() instanceof ListSchemaNode list) {
            List<MapEntryNode> entries = new ArrayList<>();
            for (MapEntryNode e : map.body()) {
                children(e, list, childPath, inner).filter(l -> !l.isEmpty())
                        .ifPresent(l -> entries.add(Nodes.entry(e.name(), withKeys(e, list, l))));
            }
            return entries.isEmpty() ? Optional.empty() : Optional.of(new Placed(Nodes.map(map, entries),
                    hit.choices()));
        }
        return Optional.empty();
    }

    /** A list entry's selected children with its key leaves in front. */
    private static List<DataContainerChild> withKeys(MapEntryNode entry, ListSchemaNode list,
                                                     List<DataContainerChild> selected) {
        Map<PathArgument, DataContainerChild> all = new LinkedHashMap<>();
        for (QName key : list.getKeyDefinition()) {
            DataContainerChild k = entry.childByArg(NodeIdentifier.create(key));
            if (k != null) {
                all.put(k.name(), k);
            }
        }
        selected.forEach(c -> all.putIfAbsent(c.name(), c));
        return new ArrayList<>(all.values());
    }

    /** Two selections of the same child by different filter elements: everything either selects. */
    private Placed union(Placed a, Placed b) {
        return new Placed(union(a.node(), b.node()), a.choices());
    }

    private DataContainerChild union(DataContainerChild a, DataContainerChild b) {
        if (a instanceof DataContainerNode ac && b instanceof DataContainerNode bc) {
            Map<PathArgument, DataContainerChild> all = new LinkedHashMap<>();
            ac.body().forEach(c -> all.put(c.name(), c));
            bc.body().forEach(c -> all.merge(c.name(), c, this::union));
            return (DataContainerChild) Nodes.withChildren(ac, all.values());
        }
        if (a instanceof MapNode am && b instanceof MapNode bm) {
            Map<PathArgument, MapEntryNode> all = new LinkedHashMap<>();
            am.body().forEach(e -> all.put(e.name(), e));
            bm.body().forEach(e -> all.merge(e.name(), e, (x, y) -> (MapEntryNode) Nodes.withChildren(x,
                    unionChildren(x, y))));
            return Nodes.map(am, all.values());
        }
        return a.body().equals(b.body()) || !(b instanceof LeafSetNode<?>) ? a : b;
    }

    private List<DataContainerChild> unionChildren(MapEntryNode x, MapEntryNode y) {
        Map<PathArgument, DataContainerChild> all = new LinkedHashMap<>();
        x.body().forEach(c -> all.put(c.name(), c));
        y.body().forEach(c -> all.merge(c.name(), c, this::union));
        return new ArrayList<>(all.values());
    }

    /** Puts selected children back into the choice nodes they came from. */
    private static List<DataContainerChild> rebuild(List<Placed> placed, int depth) {
        Map<Object, List<Placed>> groups = new LinkedHashMap<>();
        for (Placed p : placed) {
            Object key = p.choices().size() > depth ? p.choices().get(depth) : p.node().name();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        List<DataContainerChild> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            if (g.getKey() instanceof NodeIdentifier choice && g.getValue().getFirst().choices().size() > depth) {
                out.add(Nodes.choice(choice, rebuild(g.getValue(), depth + 1)));
            } else {
                out.add(g.getValue().getFirst().node());
            }
        }
        return out;
    }

    private static void flatten(DataContainerNode data, List<NodeIdentifier> choices, List<Placed> out) {
        for (DataContainerChild c : data.body()) {
            if (c instanceof ChoiceNode choice) {
                List<NodeIdentifier> inner = new ArrayList<>(choices);
                inner.add(choice.name());
                flatten(choice, inner, out);
            } else {
                out.add(new Placed(c, choices));
            }
        }
    }

    private static List<Placed> matching(List<Placed> flat, Element filter) {
        String ns = filter.getNamespaceURI();
        boolean anyNamespace = ns == null || ns.isEmpty() || StoreError.BASE_NS.equals(ns);
        List<Placed> hits = new ArrayList<>();
        for (Placed p : flat) {
            QName q = p.node().name().getNodeType();
            if (q.getLocalName().equals(filter.getLocalName())
                    && (anyNamespace || q.getNamespace().toString().equals(ns))) {
                hits.add(p);
            }
        }
        return hits;
    }

    private Optional<DataSchemaNode> schemaOf(DataNodeContainer parent, Placed p) {
        return SchemaTree.dataChild(parent, p.node().name().getNodeType()).map(SchemaTree.Found::node);
    }

    /** Content match: the filter's text read as a value of the leaf's type equals the leaf's value. */
    private boolean equal(Optional<DataSchemaNode> leafSchema, List<QName> parentPath, Object value, Element f) {
        String text = f.getTextContent();
        if (leafSchema.isPresent() && leafSchema.get() instanceof TypedDataSchemaNode typed) {
            List<QName> path = new ArrayList<>(parentPath);
            path.add(typed.getQName());
            try {
                // prefixes of the filter element (an identityref such as ds:running)
                return values.parse(typed, path, text, new ConfigXmlReader.ElementNamespaces(f)).equals(value);
            } catch (RuntimeException e) {
                return false; // not even a value of the type: matches nothing
            }
        }
        return String.valueOf(value).equals(text.strip());
    }

    private static List<Element> elements(Element parent) {
        return XmlElements.children(parent);
    }
}
