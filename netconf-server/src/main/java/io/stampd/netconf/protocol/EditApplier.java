package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode;
import org.opendaylight.yangtools.yang.data.tree.api.DataTreeModification;
import org.opendaylight.yangtools.yang.model.api.CaseSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ContainerSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ElementCountConstraintAware;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;

/**
 * Applies {@link EditStep}s to a data tree modification with the checks of RFC 6241 section 7.2:
 * create refuses an existing node (data-exists), delete a missing one (data-missing), a step under
 * default-operation none needs its list-entry and presence-container ancestors to exist
 * (data-missing). Writing a node of one case of a choice removes the nodes of the other cases
 * (RFC 7950, section 7.9.2). A list or leaf-list may not grow past its max-elements
 * (operation-failed, too-many-elements, RFC 7950 section 15.2).
 */
public final class EditApplier {
    private final SchemaTree schema;
    private final InstancePaths paths;

    public EditApplier(SchemaTree schema, InstancePaths paths) {
        this.schema = schema;
        this.paths = paths;
    }

    public void apply(List<EditStep> steps, DataTreeModification modification) throws StoreException {
        for (EditStep step : steps) {
            apply(step, modification);
        }
    }

    private void apply(EditStep step, DataTreeModification m) throws StoreException {
        YangInstanceIdentifier path = step.path();
        if (step.underNone()) {
            ancestorsExist(path, m);
        }
        boolean exists = m.readNode(path).isPresent();
        if (step.data() != null) {
            checkCounts(step, m);
        }
        switch (step.operation()) {
            case CREATE -> {
                if (exists) {
                    throw new StoreException(StoreError.dataExists(paths.of(path), describe(path)
                            + " already exists; create needs a node that does not"));
                }
                clearOtherCases(path, m);
                m.write(path, step.data());
            }
            case REPLACE -> {
                clearOtherCases(path, m);
                m.write(path, step.data());
            }
            case MERGE -> {
                clearOtherCases(path, m);
                clearOtherCasesWithin(path, step.data(), m);
                m.merge(path, step.data());
            }
            case DELETE -> {
                if (!exists) {
                    throw new StoreException(StoreError.dataMissing(paths.of(path), describe(path)
                            + " does not exist; delete needs an existing node (remove does not)"));
                }
                m.delete(path);
            }
            case REMOVE -> m.delete(path);
            case NONE -> throw new IllegalStateException("none is not a step");
        }
    }

    /**
     * min-elements and max-elements of the lists and leaf-lists a step writes, counted before it is
     * applied: the data tree refuses a modification that breaks them, but without saying where, and
     * once it holds one it cannot even be read.
     */
    private void checkCounts(EditStep step, DataTreeModification m) throws StoreException {
        YangInstanceIdentifier path = step.path();
        PathArgument last = path.getLastPathArgument();
        if (last instanceof NodeIdentifierWithPredicates || last instanceof YangInstanceIdentifier.NodeWithValue) {
            Set<PathArgument> existing = entries(m.readNode(path.getParent()));
            checkCount(path.getParent(), existing.size() + (existing.contains(last) ? 0 : 1));
        }
        checkCountsWithin(path, step.data(), step.operation() == EditOperation.MERGE, m);
    }

    private void checkCountsWithin(YangInstanceIdentifier path, NormalizedNode data, boolean merging,
                                   DataTreeModification m) throws StoreException {
        if (data instanceof LeafSetNode<?> || data instanceof MapNode) {
            Set<PathArgument> all = new HashSet<>(merging ? entries(m.readNode(path)) : Set.of());
            all.addAll(entries(Optional.of(data)));
            checkCount(path, all.size());
        }
        if (data instanceof MapNode map) {
            for (var entry : map.body()) {
                YangInstanceIdentifier entryPath = path.node(entry.name());
                checkCountsWithin(entryPath, entry, merging && m.readNode(entryPath).isPresent(), m);
            }
        } else if (data instanceof DataContainerNode container) {
            for (DataContainerChild child : container.body()) {
                checkCountsWithin(path.node(child.name()), child, merging, m);
            }
        }
    }

    private static Set<PathArgument> entries(Optional<NormalizedNode> collection) {
        Set<PathArgument> names = new HashSet<>();
        if (collection.orElse(null) instanceof MapNode map) {
            map.body().forEach(e -> names.add(e.name()));
        } else if (collection.orElse(null) instanceof LeafSetNode<?> set) {
            set.body().forEach(e -> names.add(e.name()));
        }
        return names;
    }

    private void checkCount(YangInstanceIdentifier collection, int size) throws StoreException {
        if (!(schemaOf(collection).orElse(null) instanceof ElementCountConstraintAware counted)) {
            return;
        }
        var constraint = counted.getElementCountConstraint();
        if (constraint.isEmpty()) {
            return;
        }
        Integer max = constraint.get().getMaxElements();
        Integer min = constraint.get().getMinElements();
        String name = collection.getLastPathArgument().getNodeType().getLocalName();
        if (max != null && size > max) {
            throw new StoreException(StoreError.operationFailed(paths.of(collection), name + " would have " + size
                    + " entries, more than its max-elements " + max).withAppTag("too-many-elements"));
        }
        if (min != null && size > 0 && size < min) {
            throw new StoreException(StoreError.operationFailed(paths.of(collection), name + " would have " + size
                    + " entries, fewer than its min-elements " + min).withAppTag("too-few-elements"));
        }
    }

    /** Under default-operation none nothing creates list entries or presence containers on the way. */
    private void ancestorsExist(YangInstanceIdentifier path, DataTreeModification m) throws StoreException {
        Object parent = schema.context();
        YangInstanceIdentifier at = YangInstanceIdentifier.of();
        List<PathArgument> args = path.getPathArguments();
        for (int i = 0; i < args.size() - 1; i++) {
            PathArgument arg = args.get(i);
            at = at.node(arg);
            Optional<DataSchemaNode> node = arg instanceof NodeIdentifierWithPredicates
                    ? Optional.of((DataSchemaNode) parent) : SchemaTree.schemaChild(parent, arg.getNodeType());
            if (node.isEmpty()) {
                return;
            }
            parent = node.get();
            boolean mustExist = arg instanceof NodeIdentifierWithPredicates
                    || node.get() instanceof ContainerSchemaNode c && c.isPresenceContainer();
            if (mustExist && m.readNode(at).isEmpty()) {
                throw new StoreException(StoreError.dataMissing(paths.of(at), describe(at)
                        + " does not exist, and with default-operation none nothing creates it"));
            }
        }
    }

    /** When the path itself passes through a choice, the other cases of that choice go. */
    private void clearOtherCases(YangInstanceIdentifier path, DataTreeModification m) {
        Object parent = schema.context();
        YangInstanceIdentifier at = YangInstanceIdentifier.of();
        List<PathArgument> args = path.getPathArguments();
        for (int i = 0; i < args.size(); i++) {
            PathArgument arg = args.get(i);
            Optional<DataSchemaNode> node = arg instanceof NodeIdentifierWithPredicates
                    ? Optional.of((DataSchemaNode) parent) : SchemaTree.schemaChild(parent, arg.getNodeType());
            if (node.isEmpty()) {
                return;
            }
            YangInstanceIdentifier choicePath = at.node(arg);
            if (node.get() instanceof ChoiceSchemaNode choice && i + 1 < args.size()) {
                Optional<CaseSchemaNode> keep = SchemaTree.caseOf(choice, args.get(i + 1).getNodeType());
                if (keep.isPresent() && m.readNode(choicePath).orElse(null) instanceof ChoiceNode existing) {
                    deleteOtherCases(choicePath, choice, keep.get(), existing, m);
                }
            }
            parent = node.get();
            at = choicePath;
        }
    }

    /** A merged subtree may hold choices whose other cases exist in the tree; those go. */
    private void clearOtherCasesWithin(YangInstanceIdentifier path, NormalizedNode data, DataTreeModification m) {
        Optional<DataSchemaNode> node = schemaOf(path);
        if (node.isPresent() && data instanceof DataContainerNode container) {
            clearWithin(path, node.get(), container, m);
        }
    }

    private void clearWithin(YangInstanceIdentifier path, Object schemaNode, DataContainerNode data,
                             DataTreeModification m) {
        for (DataContainerChild child : data.body()) {
            YangInstanceIdentifier childPath = path.node(child.name());
            Optional<DataSchemaNode> childSchema = SchemaTree.schemaChild(schemaNode, child.name().getNodeType());
            if (childSchema.isEmpty()) {
                continue;
            }
            if (child instanceof ChoiceNode choiceData && childSchema.get() instanceof ChoiceSchemaNode choice
                    && !choiceData.isEmpty()) {
                var first = choiceData.body().iterator().next().name().getNodeType();
                Optional<CaseSchemaNode> keep = SchemaTree.caseOf(choice, first);
                if (keep.isPresent() && m.readNode(childPath).orElse(null) instanceof ChoiceNode existing) {
                    deleteOtherCases(childPath, choice, keep.get(), existing, m);
                }
                clearWithin(childPath, choice, choiceData, m);
            } else if (child instanceof MapNode map && childSchema.get() instanceof ListSchemaNode list) {
                for (var entry : map.body()) {
                    YangInstanceIdentifier entryPath = childPath.node(entry.name());
                    if (m.readNode(entryPath).isPresent()) {
                        clearWithin(entryPath, list, entry, m);
                    }
                }
            } else if (child instanceof DataContainerNode inner && m.readNode(childPath).isPresent()) {
                clearWithin(childPath, childSchema.get(), inner, m);
            }
        }
    }

    private static void deleteOtherCases(YangInstanceIdentifier choicePath, ChoiceSchemaNode choice,
                                         CaseSchemaNode keep, ChoiceNode existing, DataTreeModification m) {
        for (DataContainerChild present : existing.body()) {
            Optional<CaseSchemaNode> caseOfPresent = SchemaTree.caseOf(choice, present.name().getNodeType());
            if (caseOfPresent.isPresent() && !caseOfPresent.get().equals(keep)) {
                m.delete(choicePath.node(present.name()));
            }
        }
    }

    private Optional<DataSchemaNode> schemaOf(YangInstanceIdentifier path) {
        Object parent = schema.context();
        DataSchemaNode node = null;
        for (PathArgument arg : path.getPathArguments()) {
            Optional<DataSchemaNode> next = arg instanceof NodeIdentifierWithPredicates
                    || arg instanceof YangInstanceIdentifier.NodeWithValue
                    ? Optional.ofNullable(node) : SchemaTree.schemaChild(parent, arg.getNodeType());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
            parent = node;
        }
        return Optional.ofNullable(node);
    }

    private static String describe(YangInstanceIdentifier path) {
        PathArgument last = path.getLastPathArgument();
        if (last instanceof NodeIdentifierWithPredicates keys) {
            return "entry " + keys.values().iterator().next() + " of " + last.getNodeType().getLocalName();
        }
        if (last instanceof YangInstanceIdentifier.NodeWithValue<?> value) {
            return "entry " + value.getValue() + " of " + last.getNodeType().getLocalName();
        }
        return last == null ? "the datastore root" : last.getNodeType().getLocalName();
    }
}
