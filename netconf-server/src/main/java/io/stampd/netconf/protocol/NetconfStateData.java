package io.stampd.netconf.protocol;

import io.stampd.store.Datastore;
import io.stampd.store.DatastoreLocks;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opendaylight.netconf.server.api.monitoring.NetconfMonitoringService;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.inet.types.rev130715.Uri;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.schemas.Schema;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.yang.ietf.netconf.monitoring.rev101004.netconf.state.sessions.Session;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.QNameModule;
import org.opendaylight.yangtools.yang.common.Revision;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.LeafSetEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;

/**
 * {@code /netconf-state} of ietf-netconf-monitoring (RFC 6022), built on each {@code <get>}: the
 * capabilities of the hello, the datastores with their locks, the schemas that get-schema serves
 * (identifier, version, format yang, namespace, location NETCONF: what OpenDaylight controllers
 * read before they download the models) and the sessions.
 */
public final class NetconfStateData {
    public static final QNameModule MODULE = QNameModule.of(
            XMLNamespace.of("urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"), Revision.of("2010-10-04"));

    private final NetconfMonitoringService monitoring;
    private final DatastoreLocks locks;
    private final boolean modelled;

    public NetconfStateData(EffectiveModelContext context, NetconfMonitoringService monitoring,
                            DatastoreLocks locks) {
        this.monitoring = monitoring;
        this.locks = locks;
        this.modelled = context.findModule(MODULE).isPresent();
    }

    /** The netconf-state container, or empty if ietf-netconf-monitoring is not in the model. */
    public Optional<ContainerNode> build() {
        if (!modelled) {
            return Optional.empty();
        }
        return Optional.of(container("netconf-state", List.of(capabilities(), datastores(), schemas(),
                sessions())));
    }

    private DataContainerChild capabilities() {
        List<LeafSetEntryNode<Object>> uris = new ArrayList<>();
        var caps = monitoring.getCapabilities().getCapability();
        if (caps != null) {
            caps.stream().map(Uri::getValue).sorted().distinct()
                    .forEach(u -> uris.add(ImmutableNodes.leafSetEntry(q("capability"), u)));
        }
        return container("capabilities", List.of(ImmutableNodes.newSystemLeafSetBuilder()
                .withNodeIdentifier(id("capability")).withValue(uris).build()));
    }

    private DataContainerChild datastores() {
        List<MapEntryNode> entries = new ArrayList<>();
        for (Datastore d : List.of(Datastore.RUNNING, Datastore.CANDIDATE)) {
            List<DataContainerChild> children = new ArrayList<>();
            children.add(leaf("name", d.xmlName()));
            locks.holder(d).ifPresent(h -> children.add(container("locks", List.of(ImmutableNodes.newChoiceBuilder()
                    .withNodeIdentifier(id("lock-type"))
                    .withChild(container("global-lock", List.of(
                            leaf("locked-by-session", Uint32.valueOf(h.owner().netconfSessionId())),
                            leaf("locked-time", h.since().toString()))))
                    .build()))));
            entries.add(entry(NodeIdentifierWithPredicates.of(q("datastore"), q("name"), d.xmlName()),
                    children));
        }
        return container("datastores", List.of(map("datastore", entries)));
    }

    private DataContainerChild schemas() {
        List<MapEntryNode> entries = new ArrayList<>();
        var schemas = monitoring.getSchemas().getSchema();
        if (schemas != null) {
            for (Schema s : schemas.values()) {
                QName format = q("yang"); // the only format ODL's monitoring lists, and the one get-schema serves
                String version = s.getVersion() == null ? "" : s.getVersion();
                var key = NodeIdentifierWithPredicates.of(q("schema"), java.util.Map.of(
                        q("identifier"), s.getIdentifier(), q("version"), version, q("format"), format));
                List<LeafSetEntryNode<Object>> locations = new ArrayList<>();
                if (s.getLocation() != null) {
                    s.getLocation().forEach(l -> locations.add(ImmutableNodes.leafSetEntry(q("location"),
                            l.stringValue())));
                }
                entries.add(entry(key, List.of(
                        leaf("identifier", s.getIdentifier()),
                        leaf("version", version),
                        leaf("format", format),
                        leaf("namespace", s.getNamespace().getValue()),
                        ImmutableNodes.newSystemLeafSetBuilder().withNodeIdentifier(id("location"))
                                .withValue(locations).build())));
            }
        }
        return container("schemas", List.of(map("schema", entries)));
    }

    private DataContainerChild sessions() {
        List<MapEntryNode> entries = new ArrayList<>();
        var sessions = monitoring.getSessions().getSession();
        if (sessions != null) {
            for (Session s : sessions.values()) {
                List<DataContainerChild> children = new ArrayList<>();
                children.add(leaf("session-id", s.getSessionId()));
                children.add(leaf("transport", q("netconf-ssh"))); // the only transport stampd serves
                if (s.getUsername() != null) {
                    children.add(leaf("username", s.getUsername()));
                }
                if (s.getSourceHost() != null) {
                    children.add(leaf("source-host", s.getSourceHost().stringValue()));
                }
                if (s.getLoginTime() != null) {
                    children.add(leaf("login-time", s.getLoginTime().getValue()));
                }
                if (s.getInRpcs() != null) {
                    children.add(leaf("in-rpcs", s.getInRpcs().getValue()));
                }
                if (s.getInBadRpcs() != null) {
                    children.add(leaf("in-bad-rpcs", s.getInBadRpcs().getValue()));
                }
                if (s.getOutRpcErrors() != null) {
                    children.add(leaf("out-rpc-errors", s.getOutRpcErrors().getValue()));
                }
                if (s.getOutNotifications() != null) {
                    children.add(leaf("out-notifications", s.getOutNotifications().getValue()));
                }
                entries.add(entry(NodeIdentifierWithPredicates.of(q("session"), q("session-id"),
                        s.getSessionId()), children));
            }
        }
        return container("sessions", List.of(map("session", entries)));
    }

    private static QName q(String localName) {
        return QName.create(MODULE, localName);
    }

    private static NodeIdentifier id(String localName) {
        return NodeIdentifier.create(q(localName));
    }

    private static ContainerNode container(String name, List<DataContainerChild> children) {
        return Nodes.container(id(name), children);
    }

    private static DataContainerChild leaf(String name, Object value) {
        return ImmutableNodes.leafNode(id(name), value);
    }

    private static MapEntryNode entry(NodeIdentifierWithPredicates key, List<DataContainerChild> children) {
        return Nodes.entry(key, children);
    }

    private static DataContainerChild map(String name, List<MapEntryNode> entries) {
        return ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(id(name)).withValue(entries).build();
    }
}
