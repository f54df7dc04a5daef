package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.type.UnionTypeDefinition;

/**
 * The value of a union leaf whose bits member matched (ietf-netconf-acm's access-operations: "*"
 * or bits) is kept as its text, {@code read update}: yangtools parses it into a Set, but its XML
 * stream writer then writes the union's string member, i.e. the Set's toString ({@code [read,
 * update]}), which neither a client nor the agent's own restore can read back.
 */
public final class UnionValues {
    private UnionValues() {
    }

    /** The text of a union value that is a set of bits; any other value as it is. */
    static Object text(Object value, boolean union) {
        return union && value instanceof Set<?> bits ? String.join(" ", bits.stream().map(String::valueOf).toList())
                : value;
    }

    /** {@code root} (a datastore root) with every such union value as text; the same node if there is none. */
    public static ContainerNode asText(ContainerNode root, Object schema) {
        return (ContainerNode) container(root, schema);
    }

    private static DataContainerNode container(DataContainerNode node, Object schema) {
        List<DataContainerChild> children = new ArrayList<>();
        boolean changed = false;
        for (DataContainerChild child : node.body()) {
            Object childSchema = SchemaTree.schemaChild(schema, child.name().getNodeType()).orElse(null);
            DataContainerChild c = child(child, childSchema);
            changed |= c != child;
            children.add(c);
        }
        return changed ? Nodes.withChildren(node, children) : node;
    }

    private static DataContainerChild child(DataContainerChild child, Object schema) {
        return switch (child) {
            case LeafNode<?> leaf when schema instanceof LeafSchemaNode s && s.getType() instanceof UnionTypeDefinition
                    && leaf.body() instanceof Set<?> -> ImmutableNodes.leafNode(leaf.name(), text(leaf.body(), true));
            case ContainerNode c -> (DataContainerChild) container(c, schema);
            case ChoiceNode c -> (DataContainerChild) container(c, schema);
            case MapNode map -> {
                Collection<MapEntryNode> entries = new ArrayList<>();
                boolean changed = false;
                for (MapEntryNode e : map.body()) {
                    MapEntryNode n = (MapEntryNode) container(e, schema);
                    changed |= n != e;
                    entries.add(n);
                }
                yield changed ? Nodes.map(map, entries) : map;
            }
            default -> child;
        };
    }
}
