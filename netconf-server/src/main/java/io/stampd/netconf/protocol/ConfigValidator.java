package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.model.api.CaseSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ContainerSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ElementCountConstraintAware;
import org.opendaylight.yangtools.yang.model.api.LeafListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier.Absolute;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier;
import org.opendaylight.yangtools.yang.model.api.type.LeafrefTypeDefinition;
import org.opendaylight.yangtools.yang.model.util.SchemaInferenceStack;

/**
 * Checks a whole configuration against the YANG constraints that a candidate may violate between
 * edits and that must hold on validate and commit (RFC 7950, sections 8 and 15): mandatory leaves
 * and choices (data-missing), min-elements and max-elements (operation-failed with
 * too-few-elements / too-many-elements), unique (operation-failed, data-not-unique, with the
 * non-unique leaves) and leafref targets (data-missing, instance-required). The must and when
 * statements are not evaluated here; the commit hook checks what stampd's musts say.
 */
public final class ConfigValidator {
    private static final int MAX_ERRORS = 20;

    private final SchemaTree schema;
    private final InstancePaths paths;
    private final LeafValues values;

    public ConfigValidator(SchemaTree schema, InstancePaths paths, LeafValues values) {
        this.schema = schema;
        this.paths = paths;
        this.values = values;
    }

    public void validate(ContainerNode root) throws StoreException {
        var run = new Run(root);
        run.container(root, schema.context(), YangInstanceIdentifier.of(), List.of());
        if (!run.errors.isEmpty()) {
            throw new StoreException(run.errors);
        }
    }

    /** One validation pass: its errors, and the leafref targets it has looked up. */
    private final class Run {
        final ContainerNode root;
        final List<StoreError> errors = new ArrayList<>();
        final Map<List<QName>, Set<Object>> targets = new HashMap<>();

        Run(ContainerNode root) {
            this.root = root;
        }

        void fail(StoreError e) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(e);
            }
        }

        void container(DataContainerNode data, DataNodeContainer node, YangInstanceIdentifier path,
                       List<QName> schemaPath) {
            for (DataSchemaNode child : node.getChildNodes()) {
                if (!child.effectiveConfig().orElse(Boolean.TRUE)) {
                    continue;
                }
                QName name = child.getQName();
                NodeIdentifier id = NodeIdentifier.create(name);
                DataContainerChild present = data == null ? null : data.childByArg(id);
                YangInstanceIdentifier childPath = path.node(id);
                List<QName> childSchemaPath = append(schemaPath, name);
                switch (child) {
                    case LeafSchemaNode leaf -> {
                        if (present == null && leaf.isMandatory()) {
                            fail(StoreError.dataMissing(paths.of(childPath), "mandatory leaf " + name.getLocalName()
                                    + " is missing"));
                        } else if (present instanceof LeafNode<?> value) {
                            leafref(leaf, childSchemaPath, value.body(), childPath);
                        }
                    }
                    case ContainerSchemaNode container -> {
                        if (present instanceof ContainerNode c) {
                            container(c, container, childPath, childSchemaPath);
                        } else if (!container.isPresenceContainer()) {
                            // a non-presence container is mandatory when its descendants are
                            container(null, container, childPath, childSchemaPath);
                        }
                    }
                    case ListSchemaNode list -> list(list, present instanceof MapNode m ? m : null, childPath,
                            childSchemaPath);
                    case LeafListSchemaNode leafList -> {
                        Collection<?> entries = present instanceof LeafSetNode<?> set ? set.body() : List.of();
                        count(leafList, entries.size(), childPath);
                        for (Object e : entries) {
                            var entry = (org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode<?>) e;
                            leafref(leafList, childSchemaPath, entry.body(), childPath.node(entry.name()));
                        }
                    }
                    case ChoiceSchemaNode choice -> choice(choice, present instanceof ChoiceNode c ? c : null,
                            childPath, childSchemaPath, path);
                    default -> {
                    }
                }
            }
        }

        void choice(ChoiceSchemaNode choice, ChoiceNode data, YangInstanceIdentifier choicePath,
                    List<QName> schemaPath, YangInstanceIdentifier parentPath) {
            Optional<CaseSchemaNode> active = data == null || data.isEmpty() ? Optional.empty()
                    : SchemaTree.caseOf(choice, data.body().iterator().next().name().getNodeType());
            if (active.isPresent()) {
                container(data, active.get(), choicePath, append(schemaPath, active.get().getQName()));
            } else if (choice.isMandatory()) {
                fail(StoreError.dataMissing(paths.of(parentPath), "mandatory choice " + choice.getQName().getLocalName()
                        + " has none of its cases").withAppTag("missing-choice")
                        .withInfoNamespace(StoreError.YANG_NS)
                        .withInfo("missing-choice", choice.getQName().getLocalName()));
            }
        }

        void list(ListSchemaNode list, MapNode data, YangInstanceIdentifier listPath, List<QName> schemaPath) {
            Collection<MapEntryNode> entries = data == null ? List.of() : data.body();
            count(list, entries.size(), listPath);
            for (MapEntryNode entry : entries) {
                container(entry, list, listPath.node(entry.name()), schemaPath);
            }
            unique(list, entries, listPath, schemaPath);
        }

        void count(ElementCountConstraintAware node, int size, YangInstanceIdentifier at) {
            var constraint = node.getElementCountConstraint();
            if (constraint.isEmpty()) {
                return;
            }
            Integer min = constraint.get().getMinElements();
            Integer max = constraint.get().getMaxElements();
            String name = ((DataSchemaNode) node).getQName().getLocalName();
            if (max != null && size > max) {
                fail(StoreError.operationFailed(paths.of(at), name + " has " + size + " entries, more than its "
                        + "max-elements " + max).withAppTag("too-many-elements"));
            } else if (min != null && size < min) {
                fail(StoreError.operationFailed(paths.of(at), name + " has " + size + " entries, fewer than its "
                        + "min-elements " + min).withAppTag("too-few-elements"));
            }
        }

        void unique(ListSchemaNode list, Collection<MapEntryNode> entries, YangInstanceIdentifier listPath,
                    List<QName> schemaPath) {
            for (var constraint : list.getUniqueConstraints()) {
                List<SchemaNodeIdentifier.Descendant> leaves = List.copyOf(constraint.argument());
                Map<List<Object>, MapEntryNode> seen = new HashMap<>();
                for (MapEntryNode entry : entries) {
                    List<Object> tuple = new ArrayList<>();
                    for (var leaf : leaves) {
                        Optional<Object> v = uniqueValue(list, entry, leaf.getNodeIdentifiers(), schemaPath);
                        if (v.isEmpty()) {
                            tuple = null;
                            break;
                        }
                        tuple.add(v.get());
                    }
                    if (tuple == null) {
                        continue; // an entry without all the leaves takes no part (RFC 7950, 7.8.3)
                    }
                    MapEntryNode first = seen.putIfAbsent(tuple, entry);
                    if (first != null) {
                        YangInstanceIdentifier at = listPath.node(entry.name());
                        StoreError e = StoreError.operationFailed(paths.of(at), list.getQName().getLocalName() + " "
                                + keyText(entry) + " has the same " + names(leaves) + " as " + keyText(first)
                                + " (unique)").withAppTag("data-not-unique").withInfoNamespace(StoreError.YANG_NS);
                        for (var leaf : leaves) {
                            YangInstanceIdentifier leafPath = at;
                            for (QName q : leaf.getNodeIdentifiers()) {
                                leafPath = leafPath.node(NodeIdentifier.create(q));
                            }
                            e = e.withInfo("non-unique", paths.of(leafPath).xpath());
                        }
                        fail(e);
                    }
                }
            }
        }

        /** A unique leaf's value in an entry, or its YANG default (RFC 7950, 7.8.3). */
        Optional<Object> uniqueValue(ListSchemaNode list, MapEntryNode entry, List<QName> descendant,
                                     List<QName> schemaPath) {
            DataContainerNode at = entry;
            DataNodeContainer node = list;
            List<QName> leafSchemaPath = new ArrayList<>(schemaPath);
            for (int i = 0; i < descendant.size(); i++) {
                QName q = descendant.get(i);
                Optional<SchemaTree.Found> found = SchemaTree.dataChild(node, q);
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                for (var b : found.get().branches()) {
                    leafSchemaPath.add(b.choice().getQName());
                    leafSchemaPath.add(b.caseNode().getQName());
                    at = at == null ? null : at.childByArg(NodeIdentifier.create(b.choice().getQName()))
                            instanceof ChoiceNode c ? c : null;
                }
                leafSchemaPath.add(q);
                var child = at == null ? null : at.childByArg(NodeIdentifier.create(q));
                if (i == descendant.size() - 1) {
                    if (child instanceof LeafNode<?> leaf) {
                        return Optional.of(leaf.body());
                    }
                    return found.get().node() instanceof LeafSchemaNode l ? values.defaultValue(l, leafSchemaPath)
                            : Optional.empty();
                }
                if (!(found.get().node() instanceof DataNodeContainer inner)) {
                    return Optional.empty();
                }
                node = inner;
                at = child instanceof DataContainerNode c ? c : null;
            }
            return Optional.empty();
        }

        void leafref(DataSchemaNode node, List<QName> schemaPath, Object value, YangInstanceIdentifier at) {
            if (!(node instanceof org.opendaylight.yangtools.yang.model.api.TypedDataSchemaNode typed)
                    || !(typed.getType() instanceof LeafrefTypeDefinition leafref) || !leafref.requireInstance()) {
                return;
            }
            List<QName> target;
            try {
                var stack = SchemaInferenceStack.of(schema.context(), Absolute.of(schemaPath));
                stack.resolvePathExpression(leafref.getPathStatement());
                target = stack.toSchemaNodeIdentifier().getNodeIdentifiers();
            } catch (RuntimeException e) {
                return; // a path this check cannot follow; the commit hook has the last word
            }
            Set<Object> existing = targets.computeIfAbsent(target, t -> instances(t));
            if (!existing.contains(value)) {
                fail(StoreError.dataMissing(paths.of(at), node.getQName().getLocalName() + " '" + value
                        + "' refers to no existing " + plain(target)).withAppTag("instance-required"));
            }
        }

        /** Every value of the leaf (or leaf-list) at an absolute schema path. */
        Set<Object> instances(List<QName> schemaPath) {
            Set<Object> found = new HashSet<>();
            collect(root, schema.context(), schemaPath, 0, found);
            return found;
        }

        void collect(DataContainerNode data, Object node, List<QName> path, int i, Set<Object> found) {
            if (data == null || i >= path.size()) {
                return;
            }
            QName q = path.get(i);
            if (node instanceof ChoiceSchemaNode choice) {
                // the next step is a case, which has no data node of its own
                choice.findCaseNode(q).ifPresent(c -> collect(data, c, path, i + 1, found));
                return;
            }
            Optional<DataSchemaNode> child = SchemaTree.schemaChild(node, q);
            if (child.isEmpty()) {
                return;
            }
            var present = data.childByArg(NodeIdentifier.create(q));
            switch (child.get()) {
                case LeafSchemaNode leaf -> {
                    if (present instanceof LeafNode<?> l) {
                        found.add(l.body());
                    }
                }
                case LeafListSchemaNode leafList -> {
                    if (present instanceof LeafSetNode<?> set) {
                        set.body().forEach(e -> found.add(e.body()));
                    }
                }
                case ListSchemaNode list -> {
                    if (present instanceof MapNode map) {
                        map.body().forEach(e -> collect(e, list, path, i + 1, found));
                    }
                }
                default -> {
                    if (present instanceof DataContainerNode c) {
                        collect(c, child.get(), path, i + 1, found);
                    }
                }
            }
        }
    }

    private static List<QName> append(List<QName> path, QName name) {
        List<QName> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(name);
        return p;
    }

    private static String keyText(MapEntryNode entry) {
        return entry.name().values().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("?");
    }

    private static String names(List<SchemaNodeIdentifier.Descendant> leaves) {
        return String.join(", ", leaves.stream().map(d -> d.lastNodeIdentifier().getLocalName()).toList());
    }

    private String plain(List<QName> schemaPath) {
        // the data path a user reads: choices and cases are not in it
        var b = new StringBuilder();
        Object node = schema.context();
        for (QName q : schemaPath) {
            Object next = node instanceof ChoiceSchemaNode c ? c.findCaseNode(q).orElse(null)
                    : SchemaTree.schemaChild(node, q).orElse(null);
            if (!(next instanceof ChoiceSchemaNode) && !(next instanceof CaseSchemaNode)) {
                b.append('/').append(q.getLocalName());
            }
            node = next;
        }
        return b.toString();
    }
}
