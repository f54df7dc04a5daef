package io.stampd.netconf.engine;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.LeafNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;

/** Reading stampd-stamp nodes out of a NormalizedNode tree: children, leaves as text, list entries. */
public final class ConfigNodes {
    private ConfigNodes() {
    }

    public static Optional<DataContainerNode> child(DataContainerNode parent, String name) {
        return parent != null && parent.childByArg(StampNames.id(name)) instanceof DataContainerNode c
                ? Optional.of(c) : Optional.empty();
    }

    public static Optional<String> leaf(DataContainerNode parent, String name) {
        return parent != null && parent.childByArg(StampNames.id(name)) instanceof LeafNode<?> l
                ? Optional.of(l.body().toString()) : Optional.empty();
    }

    /** A leaf that may also sit inside a choice of {@code parent} (choices are nodes of their own). */
    public static Optional<String> leafInChoices(DataContainerNode parent, String name) {
        Optional<String> direct = leaf(parent, name);
        if (direct.isPresent() || parent == null) {
            return direct;
        }
        for (DataContainerChild c : parent.body()) {
            if (c instanceof ChoiceNode choice) {
                Optional<String> inner = leafInChoices(choice, name);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        }
        return Optional.empty();
    }

    public static boolean flag(DataContainerNode parent, String name, boolean dflt) {
        return leaf(parent, name).map(Boolean::parseBoolean).orElse(dflt);
    }

    public static Collection<MapEntryNode> entries(DataContainerNode parent, String list) {
        return parent != null && parent.childByArg(StampNames.id(list)) instanceof MapNode m ? m.body() : List.of();
    }
}
