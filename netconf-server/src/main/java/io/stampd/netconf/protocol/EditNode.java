package io.stampd.netconf.protocol;

import java.util.List;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;

/**
 * One element of an edit-config's {@code <config>}, checked against the schema: the data node it
 * names, its place in the data tree, its typed value (leaves and leaf-list entries; null when the
 * operation does not need one), its explicit operation attribute (null if none) and its children.
 *
 * @param branches the choices (and cases) between the parent element's node and this one
 * @param path     the node in the data tree: for a list entry or leaf-list entry, the entry
 */
public record EditNode(DataSchemaNode schema, List<SchemaTree.Branch> branches, PathArgument argument,
                       YangInstanceIdentifier path, Object value, EditOperation operation,
                       List<EditNode> children) {
    public EditNode {
        branches = List.copyOf(branches);
        children = List.copyOf(children);
    }
}
