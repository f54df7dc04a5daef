package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.w3c.dom.Element;

/**
 * get-data's max-depth (RFC 8526, 3.1.1): "for each node selected by the filters, how many
 * conceptual subtree levels" the reply holds; depth 1 is the selected nodes without children.
 *
 * <p>Without a subtree filter the selected nodes are the datastore's top-level nodes. With one,
 * they are the nodes where each branch of the filter ends (RFC 6241, 6.2): a selection node, a
 * content match node, or a containment node whose children are all content match nodes (it
 * selects its whole subtree); the containment nodes above them are ancestors, not counted. A list
 * entry always keeps its keys, which identify it, whatever the depth; choices and cases are not
 * levels (they have no element).
 */
final class DepthLimit {
    private final SchemaTree schema;

    DepthLimit(SchemaTree schema) {
        this.schema = schema;
    }

    ContainerNode apply(ContainerNode root, Optional<Element> filter, int maxDepth) {
        List<DataContainerChild> children = filter.isEmpty() ? below(root, schema.context(), maxDepth)
                : filtered(root, schema.context(), XmlElements.children(filter.get()), maxDepth);
        return (ContainerNode) Nodes.withChildren(root, children);
    }

    /** The children of {@code data}, cut {@code levels} levels below it (0: none). */
    private List<DataContainerChild> below(DataContainerNode data, Object parent, int levels) {
        List<DataContainerChild> out = new ArrayList<>();
        if (levels <= 0) {
            return out;
        }
        for (DataContainerChild c : data.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(parent, c.name().getNodeType());
            if (c instanceof ChoiceNode choice) {
                var inner = below(choice, sn.orElse(null), levels);
                if (!inner.isEmpty()) {
                    out.add((DataContainerChild) Nodes.withChildren(choice, inner));
                }
            } else {
                out.add(selected(c, sn, levels));
            }
        }
        return out;
    }

    /** A node counted as the first of {@code levels} levels. */
    private DataContainerChild selected(DataContainerChild c, Optional<DataSchemaNode> sn, int levels) {
        return switch (c) {
            case ContainerNode cc -> (DataContainerChild) Nodes.withChildren(cc, below(cc, sn.orElse(null), levels - 1));
            case MapNode map -> {
                List<MapEntryNode> entries = new ArrayList<>();
                for (MapEntryNode e : map.body()) {
                    var inner = below(e, sn.orElse(null), levels - 1);
                    entries.add(Nodes.entry(e.name(), sn.orElse(null) instanceof ListSchemaNode list
                            ? ConfigFilter.withKeys(e, list, inner) : inner));
                }
                yield Nodes.map(map, entries);
            }
            default -> c; // a leaf, leaf-list or anydata is one level
        };
    }

    /** The children of {@code data} where {@code filters} (the filter's elements at this level) apply. */
    private List<DataContainerChild> filtered(DataContainerNode data, Object parent, List<Element> filters,
                                              int maxDepth) {
        List<DataContainerChild> out = new ArrayList<>();
        for (DataContainerChild c : data.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(parent, c.name().getNodeType());
            if (c instanceof ChoiceNode choice) {
                var inner = filtered(choice, sn.orElse(null), filters, maxDepth);
                if (!inner.isEmpty()) {
                    out.add((DataContainerChild) Nodes.withChildren(choice, inner));
                }
                continue;
            }
            List<Element> matching = filters.stream().filter(f -> names(f, c.name().getNodeType())).toList();
            if (matching.isEmpty() || matching.stream().anyMatch(DepthLimit::selects)) {
                // where the filter selects (or a list key the selection keeps): depth counts from here
                out.add(selected(c, sn, maxDepth));
                continue;
            }
            List<Element> inner = matching.stream().flatMap(f -> XmlElements.children(f).stream()).toList();
            switch (c) {
                case ContainerNode cc -> out.add((DataContainerChild) Nodes.withChildren(cc,
                        filtered(cc, sn.orElse(null), inner, maxDepth)));
                case MapNode map -> {
                    List<MapEntryNode> entries = new ArrayList<>();
                    for (MapEntryNode e : map.body()) {
                        var kept = filtered(e, sn.orElse(null), inner, maxDepth);
                        entries.add(Nodes.entry(e.name(), sn.orElse(null) instanceof ListSchemaNode list
                                ? ConfigFilter.withKeys(e, list, kept) : kept));
                    }
                    out.add(Nodes.map(map, entries));
                }
                default -> out.add(c);
            }
        }
        return out;
    }

    /** Whether a filter element ends its branch: it selects its node's whole subtree. */
    private static boolean selects(Element f) {
        List<Element> children = XmlElements.children(f);
        return children.isEmpty() || children.stream().allMatch(DepthLimit::contentMatch);
    }

    private static boolean contentMatch(Element f) {
        return XmlElements.children(f).isEmpty() && !f.getTextContent().isBlank();
    }

    /** As {@link SubtreeSelection}: a filter element in no namespace names a node of any module. */
    private static boolean names(Element f, QName name) {
        String ns = f.getNamespaceURI();
        boolean anyNamespace = ns == null || ns.isEmpty() || StoreError.BASE_NS.equals(ns);
        return name.getLocalName().equals(f.getLocalName())
                && (anyNamespace || name.getNamespace().toString().equals(ns));
    }
}
