package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.model.api.CaseSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ChoiceSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.Module;

/**
 * Schema lookups in the way XML names data: a data node's element sits directly in its parent's
 * element even when the schema puts it under a choice and case, while the NormalizedNode tree
 * (and so YangInstanceIdentifier) keeps the choice as a node of its own.
 */
public final class SchemaTree {
    /** A choice on the way from a parent to a data node, and the case that holds the node. */
    public record Branch(ChoiceSchemaNode choice, CaseSchemaNode caseNode) {
    }

    /** A data node found under a parent, with the choices/cases between them (outermost first). */
    public record Found(DataSchemaNode node, List<Branch> branches) {
    }

    private final EffectiveModelContext context;

    public SchemaTree(EffectiveModelContext context) {
        this.context = context;
    }

    public EffectiveModelContext context() {
        return context;
    }

    /** The data node named {@code name} under {@code parent}, looking through choices and cases. */
    public static Optional<Found> dataChild(DataNodeContainer parent, QName name) {
        return find(parent, n -> n.getQName().equals(name));
    }

    /** As {@link #dataChild}, by local name alone (for names written without a namespace). */
    public static Optional<Found> dataChildByLocalName(DataNodeContainer parent, String localName) {
        return find(parent, n -> n.getQName().getLocalName().equals(localName));
    }

    private static Optional<Found> find(DataNodeContainer parent, Predicate<DataSchemaNode> matches) {
        for (DataSchemaNode child : parent.getChildNodes()) {
            if (child instanceof ChoiceSchemaNode) {
                continue;
            }
            if (matches.test(child)) {
                return Optional.of(new Found(child, List.of()));
            }
        }
        for (DataSchemaNode child : parent.getChildNodes()) {
            if (child instanceof ChoiceSchemaNode choice) {
                for (CaseSchemaNode c : choice.getCases()) {
                    Optional<Found> inner = find(c, matches);
                    if (inner.isPresent()) {
                        List<Branch> branches = new ArrayList<>();
                        branches.add(new Branch(choice, c));
                        branches.addAll(inner.get().branches());
                        return Optional.of(new Found(inner.get().node(), branches));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The direct schema child of a data container or choice (a choice's child is found in its cases). */
    public static Optional<DataSchemaNode> schemaChild(Object parent, QName name) {
        if (parent instanceof ChoiceSchemaNode choice) {
            return choice.findDataSchemaChild(name).or(() -> caseHolding(choice, name));
        }
        if (parent instanceof DataNodeContainer container) {
            return Optional.ofNullable(container.dataChildByName(name));
        }
        return Optional.empty();
    }

    private static Optional<DataSchemaNode> caseHolding(ChoiceSchemaNode choice, QName name) {
        for (CaseSchemaNode c : choice.getCases()) {
            DataSchemaNode n = c.dataChildByName(name);
            if (n != null) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** The case of {@code choice} that holds the direct child {@code name}. */
    public static Optional<CaseSchemaNode> caseOf(ChoiceSchemaNode choice, QName name) {
        for (CaseSchemaNode c : choice.getCases()) {
            if (c.dataChildByName(name) != null) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The module that owns a namespace (the newest revision if several). */
    public Optional<Module> module(XMLNamespace namespace) {
        return context.findModules(namespace).stream().findFirst().map(Module.class::cast);
    }

    /** The prefix a module declares for itself, used in error-paths. */
    public String prefix(QName name) {
        return context.findModule(name.getModule()).map(Module::getPrefix)
                .orElse(name.getLocalName().isEmpty() ? "" : "ns");
    }

    public Optional<Module> moduleByPrefix(String prefix) {
        return context.getModules().stream().filter(m -> m.getPrefix().equals(prefix)).findFirst()
                .map(Module.class::cast);
    }
}
