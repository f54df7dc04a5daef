package io.stampd.netconf.protocol;

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
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.CaseSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ContainerSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;

/**
 * Applies a with-defaults mode (RFC 6243) to a data tree, with the defaults of the YANG model:
 * report-all adds every leaf that has a default and is not set, wherever its parent exists
 * (non-presence containers count as existing when their parent does, RFC 7950 7.6.1); trim
 * removes every leaf whose value is its default. A default guarded by a {@code when} is added only
 * when {@link WhenCondition} can tell that the condition holds.
 */
public final class Defaults {
    private final SchemaTree schema;
    private final LeafValues values;

    public Defaults(SchemaTree schema, LeafValues values) {
        this.schema = schema;
        this.values = values;
    }

    public ContainerNode apply(WithDefaultsMode mode, ContainerNode root, boolean withState) {
        return switch (mode) {
            case EXPLICIT -> root;
            case REPORT_ALL -> (ContainerNode) Nodes.withChildren(root,
                    reportAll(root, schema.context(), List.of(), withState, new ArrayList<>()));
            case TRIM -> (ContainerNode) Nodes.withChildren(root, trim(root, schema.context(), List.of()));
        };
    }

    /** A data level as {@code when} paths see it: a container or list entry and its schema. */
    private record Level(DataContainerNode data, DataNodeContainer node, List<QName> schemaPath) {
    }

    private List<DataContainerChild> reportAll(DataContainerNode data, DataNodeContainer node,
                                               List<QName> schemaPath, boolean withState, List<Level> levels) {
        Map<PathArgument, DataContainerChild> children = new LinkedHashMap<>();
        data.body().forEach(c -> children.put(c.name(), c));
        if (!(node instanceof CaseSchemaNode)) {
            levels.add(new Level(data, node, schemaPath));
        }
        try {
            for (DataSchemaNode child : node.getChildNodes()) {
                if (!withState && !child.effectiveConfig().orElse(Boolean.TRUE)) {
                    continue;
                }
                NodeIdentifier id = NodeIdentifier.create(child.getQName());
                DataContainerChild present = children.get(id);
                List<QName> childPath = append(schemaPath, child.getQName());
                switch (child) {
                    case LeafSchemaNode leaf -> {
                        if (present == null && whenHolds(leaf, levels)) {
                            values.defaultValue(leaf, childPath)
                                    .ifPresent(v -> children.put(id, ImmutableNodes.leafNode(id, v)));
                        }
                    }
                    case ContainerSchemaNode container -> {
                        if (present instanceof ContainerNode c) {
                            children.put(id, (DataContainerChild) Nodes.withChildren(c, reportAll(c, container, childPath,
                                    withState, levels)));
                        } else if (present == null && !container.isPresenceContainer()) {
                            var empty = Nodes.container(id, List.of());
                            var filled = reportAll(empty, container, childPath, withState, levels);
                            if (!filled.isEmpty()) {
                                children.put(id, Nodes.container(id, filled));
                            }
                        }
                    }
                    case ListSchemaNode list -> {
                        if (present instanceof MapNode map) {
                            List<MapEntryNode> entries = new ArrayList<>();
                            for (MapEntryNode e : map.body()) {
                                entries.add((MapEntryNode) Nodes.withChildren(e,
                                        reportAll(e, list, childPath, withState, levels)));
                            }
                            children.put(id, Nodes.map(map, entries));
                        }
                    }
                    case ChoiceSchemaNode choice -> {
                        ChoiceNode existing = present instanceof ChoiceNode c ? c : Nodes.choice(id, List.of());
                        Optional<CaseSchemaNode> active = existing.isEmpty() ? choice.getDefaultCase()
                                : SchemaTree.caseOf(choice, existing.body().iterator().next().name().getNodeType());
                        if (active.isPresent()) {
                            var filled = reportAll(existing, active.get(),
                                    append(childPath, active.get().getQName()), withState, levels);
                            if (!filled.isEmpty()) {
                                children.put(id, Nodes.choice(id, filled));
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
        } finally {
            if (!(node instanceof CaseSchemaNode)) {
                levels.removeLast();
            }
        }
        return new ArrayList<>(children.values());
    }

    private boolean whenHolds(LeafSchemaNode leaf, List<Level> levels) {
        var when = leaf.getWhenCondition();
        if (when.isEmpty()) {
            return true;
        }
        return WhenCondition.evaluate(when.get(), levels, this::leafText).orElse(false);
    }

    /** The text of a leaf at a level (its value, or its default), for {@code when}. */
    private Optional<String> leafText(Level level, String localName) {
        Optional<SchemaTree.Found> found = SchemaTree.dataChildByLocalName(level.node(), localName);
        if (found.isEmpty() || !(found.get().node() instanceof LeafSchemaNode leaf)) {
            return Optional.empty();
        }
        DataContainerNode at = level.data();
        List<QName> path = new ArrayList<>(level.schemaPath());
        for (var b : found.get().branches()) {
            path.add(b.choice().getQName());
            path.add(b.caseNode().getQName());
            at = at == null ? null : at.childByArg(NodeIdentifier.create(b.choice().getQName()))
                    instanceof ChoiceNode c ? c : null;
        }
        path.add(leaf.getQName());
        if (at != null && at.childByArg(NodeIdentifier.create(leaf.getQName())) instanceof LeafNode<?> l) {
            return Optional.of(String.valueOf(l.body()));
        }
        return values.defaultValue(leaf, path).map(String::valueOf);
    }

    private List<DataContainerChild> trim(DataContainerNode data, Object node, List<QName> schemaPath) {
        List<DataContainerChild> kept = new ArrayList<>();
        for (DataContainerChild child : data.body()) {
            QName name = child.name().getNodeType();
            Optional<DataSchemaNode> childSchema = node instanceof ChoiceSchemaNode choice
                    ? SchemaTree.caseOf(choice, name).map(c -> c.getDataChildByName(name))
                    : SchemaTree.schemaChild(node, name);
            if (childSchema.isEmpty()) {
                kept.add(child);
                continue;
            }
            List<QName> childPath = append(schemaPath, name);
            switch (child) {
                case LeafNode<?> leaf when childSchema.get() instanceof LeafSchemaNode ls -> {
                    if (!values.defaultValue(ls, childPath).map(d -> d.equals(leaf.body())).orElse(false)) {
                        kept.add(child);
                    }
                }
                case ContainerNode c -> {
                    var inner = trim(c, childSchema.get(), childPath);
                    boolean presence = childSchema.get() instanceof ContainerSchemaNode cs && cs.isPresenceContainer();
                    if (presence || !inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(c, inner));
                    }
                }
                case ChoiceNode c -> {
                    var inner = trim(c, childSchema.get(), childPath);
                    if (!inner.isEmpty()) {
                        kept.add((DataContainerChild) Nodes.withChildren(c, inner));
                    }
                }
                case MapNode map -> {
                    List<MapEntryNode> entries = new ArrayList<>();
                    for (MapEntryNode e : map.body()) {
                        entries.add((MapEntryNode) Nodes.withChildren(e, trim(e, childSchema.get(), childPath)));
                    }
                    kept.add(Nodes.map(map, entries));
                }
                default -> kept.add(child);
            }
        }
        return kept;
    }

    private static List<QName> append(List<QName> path, QName name) {
        List<QName> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(name);
        return p;
    }
}
