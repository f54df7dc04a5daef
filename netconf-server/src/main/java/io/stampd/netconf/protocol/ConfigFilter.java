package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;

/**
 * get-data's config-filter (RFC 8526, 3.1.1): true keeps the config true nodes, false the config
 * false ones, each with the ancestors (and list keys) that lead to them, as get-data includes the
 * ancestors of every selected node.
 */
final class ConfigFilter {
    private final SchemaTree schema;

    ConfigFilter(SchemaTree schema) {
        this.schema = schema;
    }

    ContainerNode apply(ContainerNode root, boolean config) {
        return (ContainerNode) Nodes.withChildren(root, children(root, schema.context(), config));
    }

    private List<DataContainerChild> children(DataContainerNode data, Object parent, boolean config) {
        List<DataContainerChild> kept = new ArrayList<>();
        for (DataContainerChild c : data.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(parent, c.name().getNodeType());
            if (sn.isEmpty()) {
                continue;
            }
            boolean isConfig = sn.get().effectiveConfig().orElse(Boolean.TRUE);
            if (!isConfig) {
                if (!config) {
                    kept.add(c); // all of a config false subtree is config false
                }
                continue;
            }
            switch (c) {
                case ContainerNode cc -> {
                    var inner = children(cc, sn.get(), config);
                    if (config || !inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(cc, inner));
                    }
                }
                case ChoiceNode ch -> {
                    var inner = children(ch, sn.get(), config);
                    if (!inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(ch, inner));
                    }
                }
                case MapNode map -> {
                    List<MapEntryNode> entries = new ArrayList<>();
                    for (MapEntryNode e : map.body()) {
                        var inner = children(e, sn.get(), config);
                        if (config || !inner.isEmpty()) {
                            entries.add(Nodes.entry(e.name(), withKeys(e, (ListSchemaNode) sn.get(), inner)));
                        }
                    }
                    if (config || !entries.isEmpty()) {
                        kept.add(Nodes.map(map, entries));
                    }
                }
                default -> {
                    if (config) {
                        kept.add(c); // a config true leaf, leaf-list or anydata
                    }
                }
            }
        }
        return kept;
    }

    /** {@code inner} with the entry's key leaves first, whether or not it already had them. */
    static List<DataContainerChild> withKeys(MapEntryNode entry, ListSchemaNode list, List<DataContainerChild> inner) {
        List<DataContainerChild> out = new ArrayList<>();
        Set<Object> names = new HashSet<>();
        for (var key : list.getKeyDefinition()) {
            DataContainerChild leaf = entry.childByArg(NodeIdentifier.create(key));
            if (leaf != null && names.add(leaf.name())) {
                out.add(leaf);
            }
        }
        for (DataContainerChild c : inner) {
            if (names.add(c.name())) {
                out.add(c);
            }
        }
        return out;
    }
}
