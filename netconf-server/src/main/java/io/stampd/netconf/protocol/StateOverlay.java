package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.PathArgument;
import org.opendaylight.yangtools.yang.data.api.schema.ChoiceNode;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapNode;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;

/**
 * What {@code <get>} returns (RFC 6241, section 7.7): the configuration from running with the
 * state data of the operational datastore laid over it. Only config false nodes are taken from
 * the operational side; configuration the agent may mirror there does not hide running's.
 */
public final class StateOverlay {
    private final SchemaTree schema;

    public StateOverlay(SchemaTree schema) {
        this.schema = schema;
    }

    public ContainerNode merge(ContainerNode running, ContainerNode operational) {
        return (ContainerNode) overlay(running, operational, schema.context());
    }

    private DataContainerNode overlay(DataContainerNode config, DataContainerNode state, Object node) {
        Map<PathArgument, DataContainerChild> children = new LinkedHashMap<>();
        config.body().forEach(c -> children.put(c.name(), c));
        boolean changed = false;
        for (DataContainerChild s : state.body()) {
            Optional<DataSchemaNode> sn = SchemaTree.schemaChild(node, s.name().getNodeType());
            if (sn.isEmpty()) {
                continue;
            }
            DataContainerChild c = children.get(s.name());
            if (!sn.get().effectiveConfig().orElse(Boolean.TRUE)) {
                children.put(s.name(), s);
                changed = true;
            } else if (c instanceof ContainerNode cc && s instanceof ContainerNode sc) {
                children.put(s.name(), (DataContainerChild) overlay(cc, sc, sn.get()));
                changed = true;
            } else if (c instanceof ChoiceNode cc && s instanceof ChoiceNode sc) {
                children.put(s.name(), (DataContainerChild) overlay(cc, sc, sn.get()));
                changed = true;
            } else if (c instanceof MapNode cm && s instanceof MapNode sm) {
                List<MapEntryNode> entries = new ArrayList<>();
                for (MapEntryNode ce : cm.body()) {
                    MapEntryNode se = sm.childByArg(ce.name());
                    entries.add(se == null ? ce : (MapEntryNode) overlay(ce, se, sn.get()));
                }
                children.put(s.name(), Nodes.map(cm, entries));
                changed = true;
            }
        }
        return changed ? Nodes.withChildren(config, children.values()) : config;
    }
}
