package io.stampd.store;

import io.stampd.netconf.protocol.ConfigValidator;
import io.stampd.netconf.protocol.ConfigXmlReader;
import io.stampd.netconf.protocol.EditApplier;
import io.stampd.netconf.protocol.InstancePaths;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.data.tree.api.DataTree;
import org.opendaylight.yangtools.yang.data.tree.api.DataTreeConfiguration;
import org.opendaylight.yangtools.yang.data.tree.api.DataTreeModification;
import org.opendaylight.yangtools.yang.data.tree.api.DataValidationFailedException;
import org.opendaylight.yangtools.yang.data.tree.api.TreeType;
import org.opendaylight.yangtools.yang.data.tree.impl.di.InMemoryDataTreeFactory;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;

/**
 * A configuration datastore held in memory as a yangtools data tree (the candidate, or a scratch
 * copy of running being edited). Mandatory nodes are not enforced here: a candidate may be
 * incomplete between edits (RFC 7950, section 8.3.3); {@link ConfigValidator} checks them on
 * validate and commit.
 */
public final class ConfigTree {
    /** The QName of the datastore root container, as yangtools and mdsal name it. */
    public static final QName ROOT_NAME = QName.create("urn:ietf:params:xml:ns:netconf:base:1.0", "data");
    public static final YangInstanceIdentifier ROOT = YangInstanceIdentifier.of();

    private static final DataTreeConfiguration LENIENT = DataTreeConfiguration.builder(TreeType.CONFIGURATION)
            .setMandatoryNodesValidation(false).build();

    /** A change of the tree; may refuse with rpc-errors, leaving the tree as it was. */
    @FunctionalInterface
    public interface Change {
        void apply(DataTreeModification modification) throws StoreException;
    }

    private final DataTree tree;
    private final InstancePaths paths;

    public ConfigTree(EffectiveModelContext context, InstancePaths paths, ContainerNode content) {
        this.tree = new InMemoryDataTreeFactory().create(LENIENT, context);
        this.paths = paths;
        replace(content);
    }

    public static ContainerNode emptyRoot() {
        return ImmutableNodes.newContainerBuilder().withNodeIdentifier(NodeIdentifier.create(ROOT_NAME)).build();
    }

    public ContainerNode content() {
        return (ContainerNode) tree.takeSnapshot().readNode(ROOT).orElseGet(ConfigTree::emptyRoot);
    }

    /** Makes the tree hold exactly {@code content}. */
    public void replace(ContainerNode content) {
        try {
            change(m -> m.write(ROOT, content));
        } catch (StoreException e) {
            throw new IllegalStateException("configuration does not fit the model: " + e.getMessage(), e);
        }
    }

    /** Applies a change atomically: all of it, or (on an rpc-error) none of it. */
    public void change(Change change) throws StoreException {
        DataTreeModification modification = tree.takeSnapshot().newModification();
        try {
            change.apply(modification);
            modification.ready();
            tree.validate(modification);
            tree.commit(tree.prepare(modification));
        } catch (DataValidationFailedException e) {
            throw new StoreException(StoreError.operationFailed(paths.of(e.getPath()), e.getMessage()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The data tree's own structural checks; ConfigXmlReader and EditApplier should have
            // caught whatever a client can cause, so this names the internal reason.
            throw new StoreException(StoreError.operationFailed(null, "the change does not fit the data model: "
                    + e.getMessage()));
        }
    }
}
