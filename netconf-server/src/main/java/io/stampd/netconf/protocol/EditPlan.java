package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.LeafListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;

/**
 * Turns the elements of an edit into an ordered list of {@link EditStep}s on whole subtrees
 * (RFC 6241, section 7.2): an element whose effective operation is merge, replace or create
 * becomes one step carrying its subtree; descendants with an operation of their own become steps
 * of their own, after it (or, for delete inside replace/create, before it, so that the node's
 * existence is checked before it is overwritten). Under default-operation none, elements without
 * an operation only lead the way to nested operations.
 */
public final class EditPlan {
    private EditPlan() {
    }

    public static List<EditStep> steps(List<EditNode> nodes, EditOperation defaultOperation) {
        List<EditStep> steps = new ArrayList<>();
        for (EditNode n : nodes) {
            plan(n, defaultOperation, defaultOperation == EditOperation.NONE, steps);
        }
        return steps;
    }

    private static void plan(EditNode n, EditOperation inherited, boolean underNone, List<EditStep> steps) {
        EditOperation op = n.operation() != null ? n.operation() : inherited;
        switch (op) {
            case NONE -> {
                for (EditNode c : n.children()) {
                    plan(c, EditOperation.NONE, true, steps);
                }
            }
            case DELETE, REMOVE -> steps.add(new EditStep(op, n.path(), null, underNone));
            case MERGE, REPLACE, CREATE -> {
                List<EditNode> deferred = new ArrayList<>();
                List<EditStep> before = new ArrayList<>();
                NormalizedNode data = build(n, op, deferred, before);
                steps.addAll(before);
                steps.add(new EditStep(op, n.path(), data, underNone));
                for (EditNode d : deferred) {
                    plan(d, op, false, steps);
                }
            }
        }
    }

    /** Whether a child with operation {@code child} is part of its parent's subtree under {@code parent}. */
    private static boolean partOf(EditOperation parent, EditOperation child) {
        return parent == EditOperation.MERGE ? child == EditOperation.MERGE : child.writes();
    }

    private static NormalizedNode build(EditNode n, EditOperation op, List<EditNode> deferred,
                                        List<EditStep> before) {
        return switch (n.schema()) {
            case LeafSchemaNode leaf -> ImmutableNodes.leafNode((NodeIdentifier) n.argument(), n.value());
            case LeafListSchemaNode leafList -> ImmutableNodes.leafSetEntry(leafList.getQName(), n.value());
            default -> {
                List<Item> items = new ArrayList<>();
                for (EditNode c : n.children()) {
                    boolean key = n.schema() instanceof ListSchemaNode list
                            && list.getKeyDefinition().contains(c.schema().getQName());
                    if (key || c.operation() == null || partOf(op, c.operation())) {
                        items.add(new Item(c, build(c, op, deferred, before)));
                    } else if (op == EditOperation.MERGE) {
                        deferred.add(c);
                    } else if (c.operation() == EditOperation.DELETE) {
                        before.add(new EditStep(EditOperation.DELETE, c.path(), null, false));
                    }
                    // remove inside replace/create: simply not part of the new content
                }
                List<DataContainerChild> children = assemble(items, 0);
                if (n.schema() instanceof ListSchemaNode) {
                    yield ImmutableNodes.newMapEntryBuilder()
                            .withNodeIdentifier((NodeIdentifierWithPredicates) n.argument())
                            .withValue(children).build();
                }
                yield ImmutableNodes.newContainerBuilder().withNodeIdentifier((NodeIdentifier) n.argument())
                        .withValue(children).build();
            }
        };
    }

    private record Item(EditNode node, NormalizedNode data) {
    }

    /** Groups built children into the NormalizedNode shape: choice nodes, map nodes, leaf-set nodes. */
    @SuppressWarnings("unchecked")
    static List<DataContainerChild> assemble(List<Item> items, int depth) {
        Map<Object, List<Item>> groups = new LinkedHashMap<>();
        for (Item item : items) {
            EditNode n = item.node();
            Object group;
            if (n.branches().size() > depth) {
                group = n.branches().get(depth);
            } else if (n.schema() instanceof ListSchemaNode || n.schema() instanceof LeafListSchemaNode) {
                group = n.schema();
            } else {
                group = n.argument();
            }
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(item);
        }
        List<DataContainerChild> children = new ArrayList<>();
        for (var group : groups.entrySet()) {
            List<Item> members = group.getValue();
            if (group.getKey() instanceof SchemaTree.Branch branch) {
                children.add(ImmutableNodes.newChoiceBuilder()
                        .withNodeIdentifier(NodeIdentifier.create(branch.choice().getQName()))
                        .withValue(assemble(members, depth + 1)).build());
            } else if (group.getKey() instanceof ListSchemaNode list) {
                var id = NodeIdentifier.create(list.getQName());
                List<MapEntryNode> entries = members.stream().map(i -> (MapEntryNode) i.data()).toList();
                children.add(list.isUserOrdered()
                        ? ImmutableNodes.newUserMapBuilder().withNodeIdentifier(id).withValue(entries).build()
                        : ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(id).withValue(entries).build());
            } else if (group.getKey() instanceof LeafListSchemaNode leafList) {
                var id = NodeIdentifier.create(leafList.getQName());
                List<LeafSetEntryNode<Object>> entries = members.stream()
                        .map(i -> (LeafSetEntryNode<Object>) i.data()).toList();
                children.add(leafList.isUserOrdered()
                        ? ImmutableNodes.newUserLeafSetBuilder().withNodeIdentifier(id).withValue(entries).build()
                        : ImmutableNodes.newSystemLeafSetBuilder().withNodeIdentifier(id).withValue(entries).build());
            } else {
                children.add((DataContainerChild) members.getFirst().data());
            }
        }
        return children;
    }
}
