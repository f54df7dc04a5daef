package io.stampd.netconf.protocol;

import java.util.Collection;
import java.util.List;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserLeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.UserMapNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;

/** Copies of immutable NormalizedNodes with other children, keeping their kind and name. */
final class Nodes {
    private Nodes() {
    }

    /** A container, list entry or choice like {@code original}, holding {@code children}. */
    static DataContainerNode withChildren(DataContainerNode original, Collection<DataContainerChild> children) {
        return switch (original) {
            case ContainerNode c -> ImmutableNodes.newContainerBuilder().withNodeIdentifier(c.name())
                    .withValue(children).build();
            case MapEntryNode e -> ImmutableNodes.newMapEntryBuilder().withNodeIdentifier(e.name())
                    .withValue(children).build();
            case ChoiceNode ch -> ImmutableNodes.newChoiceBuilder().withNodeIdentifier(ch.name())
                    .withValue(children).build();
            default -> throw new IllegalArgumentException("not a container-like node: " + original.name());
        };
    }

    static ContainerNode container(NodeIdentifier name, Collection<DataContainerChild> children) {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(name).withValue(children).build();
    }

    static ChoiceNode choice(NodeIdentifier name, Collection<DataContainerChild> children) {
        return ImmutableNodes.newChoiceBuilder().withNodeIdentifier(name).withValue(children).build();
    }

    static MapEntryNode entry(NodeIdentifierWithPredicates name, Collection<DataContainerChild> children) {
        return ImmutableNodes.newMapEntryBuilder().withNodeIdentifier(name).withValue(children).build();
    }

    /** A list node like {@code original} (system or user ordered) holding {@code entries}. */
    static MapNode map(MapNode original, Collection<MapEntryNode> entries) {
        return original instanceof UserMapNode
                ? ImmutableNodes.newUserMapBuilder().withNodeIdentifier(original.name()).withValue(entries).build()
                : ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(original.name()).withValue(entries).build();
    }

    /** A leaf-list like {@code original} (user- or system-ordered) with just {@code entries}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static DataContainerChild leafSet(LeafSetNode<?> original, List<LeafSetEntryNode<?>> entries) {
        var b = original instanceof UserLeafSetNode
                ? ImmutableNodes.newUserLeafSetBuilder() : ImmutableNodes.newSystemLeafSetBuilder();
        b.withNodeIdentifier(original.name());
        for (LeafSetEntryNode e : entries) {
            b.withChild(e);
        }
        return (DataContainerChild) b.build();
    }
}
