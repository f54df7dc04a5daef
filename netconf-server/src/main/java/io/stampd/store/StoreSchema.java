package io.stampd.store;

import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/**
 * The YANG model as the store needs it: a scratch tree to apply a change to, and the checks of the
 * constraints that span nodes (mandatory, unique, leafref, counts, when/must) that a configuration
 * must pass before it becomes running (RFC 7950, section 8.3.3).
 */
public interface StoreSchema {
    ConfigTree newTree(ContainerNode content);

    void validate(ContainerNode content) throws StoreException;
}
