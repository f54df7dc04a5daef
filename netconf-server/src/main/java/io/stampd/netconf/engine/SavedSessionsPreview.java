package io.stampd.netconf.engine;

import io.stampd.netconf.CommitVetoException;
import io.stampd.netconf.YangModels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.YangConstants;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeWithValue;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.MapEntryNode;
import org.opendaylight.yangtools.yang.data.api.schema.builder.DataContainerNodeBuilder;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.SchemaContext;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * The sessions of the saved running configuration, read without the YANG models, so that they
 * can run again a second or two before the models are parsed (a restarted agent measures again
 * almost at once). The reader knows just enough of stampd-stamp.yang to rebuild the tree that
 * StampConfigCheck reads (which elements are lists and their keys, which are leaf-lists; every
 * value stays text), and the engine's own rules apply as usual.
 *
 * <p>It is a preview: the full, schema-checked restore follows as soon as the models are there.
 * It then keeps the sessions that agree and replaces any that the preview got wrong, or stops the
 * agent if the file turns out to be invalid. Anything this reader cannot make sense of means no
 * preview, never an error.
 */
final class SavedSessionsPreview {
    private static final String STAMP_NS = YangModels.STAMP_NAMESPACE;
    private static final String BASE_NS = YangConstants.NETCONF_NAMESPACE.toString();
    /** The configuration's lists, as parent/list (key-chain is also a leaf elsewhere), and their keys. */
    private static final Map<String, String> LIST_KEYS = Map.of(
            "stamp-session-sender/sender-test-session", "stamp-session-id",
            "stamp-session-reflector/reflector-test-session", "session-index",
            "key-chains/key-chain", "name",
            "thresholds/delay-threshold", "metric");
    private static final Set<String> LEAF_LISTS = Set.of("segment", "delay-bin-edge");

    private SavedSessionsPreview() {
    }

    static Optional<DesiredSessions> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element config = f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes))
                    .getDocumentElement();
            if (!"config".equals(config.getLocalName()) || !BASE_NS.equals(config.getNamespaceURI())) {
                return Optional.empty();
            }
            var root = ImmutableNodes.newContainerBuilder()
                    .withNodeIdentifier(NodeIdentifier.create(SchemaContext.NAME));
            for (Element stamp : children(config)) {
                if (STAMP_NS.equals(stamp.getNamespaceURI()) && "stamp".equals(stamp.getLocalName())) {
                    root.withChild((DataContainerChild) container(stamp));
                }
            }
            ContainerNode tree = root.build();
            return Optional.of(DesiredSessions.of(tree.isEmpty() ? Optional.empty() : Optional.of(tree)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException | ParserConfigurationException | SAXException
                 | CommitVetoException e) {
            return Optional.empty(); // the full restore reports what is wrong
        }
    }

    private static ContainerNode container(Element e) {
        var c = ImmutableNodes.newContainerBuilder().withNodeIdentifier(NodeIdentifier.create(qname(e)));
        addChildren(c, e);
        return c.build();
    }

    private static void addChildren(DataContainerNodeBuilder<?, ?> builder, Element parent) {
        Map<String, List<Element>> byName = new LinkedHashMap<>();
        for (Element child : children(parent)) {
            if (STAMP_NS.equals(child.getNamespaceURI())) {
                byName.computeIfAbsent(child.getLocalName(), n -> new ArrayList<>()).add(child);
            }
        }
        for (var group : byName.entrySet()) {
            String name = group.getKey();
            QName q = StampNames.qname(name);
            String key = LIST_KEYS.get(parent.getLocalName() + "/" + name);
            if (key != null) {
                var list = ImmutableNodes.newSystemMapBuilder().withNodeIdentifier(NodeIdentifier.create(q));
                for (Element entry : group.getValue()) {
                    list.withChild(entry(entry, q, StampNames.qname(key)));
                }
                builder.withChild(list.build());
            } else if (LEAF_LISTS.contains(name)) {
                var set = ImmutableNodes.<String>newUserLeafSetBuilder().withNodeIdentifier(NodeIdentifier.create(q));
                for (Element value : group.getValue()) {
                    set.withChild(ImmutableNodes.leafSetEntry(new NodeWithValue<>(q, value.getTextContent().strip())));
                }
                builder.withChild(set.build());
            } else {
                Element only = group.getValue().getFirst();
                builder.withChild(children(only).isEmpty()
                        ? ImmutableNodes.leafNode(q, only.getTextContent().strip())
                        : (DataContainerChild) container(only));
            }
        }
    }

    private static MapEntryNode entry(Element e, QName list, QName key) {
        String keyValue = children(e).stream().filter(c -> c.getLocalName().equals(key.getLocalName()))
                .map(c -> c.getTextContent().strip()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("list entry without key"));
        var entry = ImmutableNodes.newMapEntryBuilder()
                .withNodeIdentifier(NodeIdentifierWithPredicates.of(list, key, keyValue));
        addChildren(entry, e);
        return entry.build();
    }

    private static QName qname(Element e) {
        return StampNames.qname(e.getLocalName());
    }

    private static List<Element> children(Element parent) {
        return io.stampd.netconf.protocol.XmlElements.children(parent);
    }
}
