package io.stampd.netconf.protocol;

import io.stampd.nacm.NacmExtensions;
import io.stampd.store.ErrorPath;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifierWithPredicates;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeWithValue;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.model.api.ContainerSchemaNode;
import org.opendaylight.yangtools.yang.model.api.DataNodeContainer;
import org.opendaylight.yangtools.yang.model.api.DataSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.LeafSchemaNode;
import org.opendaylight.yangtools.yang.model.api.ListSchemaNode;
import org.opendaylight.yangtools.yang.model.api.Module;
import org.opendaylight.yangtools.yang.model.api.TypedDataSchemaNode;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Reads the {@code <config>} of edit-config (or copy-config, or validate) into {@link EditNode}s,
 * checking each element against the YANG model: known namespace and name, configuration (not
 * state) data, list keys present, values of the right type, no element twice, no two cases of one
 * choice, operation attributes valid. The first problem found becomes the rpc-error, with the
 * error-path of the element it concerns.
 */
public final class ConfigXmlReader {

    private final SchemaTree schema;
    private final LeafValues values;
    private final InstancePaths paths;

    public ConfigXmlReader(SchemaTree schema, LeafValues values, InstancePaths paths) {
        this.schema = schema;
        this.values = values;
        this.paths = paths;
    }

    /** The data nodes under {@code config}, each with its explicit operation. */
    public List<EditNode> read(Element config, EditOperation defaultOperation) throws StoreException {
        return children(config, schema.context(), List.of(), YangInstanceIdentifier.of(), defaultOperation);
    }

    private List<EditNode> children(Element parent, DataNodeContainer parentSchema, List<QName> parentSchemaPath,
                                    YangInstanceIdentifier parentPath, EditOperation inherited)
            throws StoreException {
        List<EditNode> nodes = new ArrayList<>();
        Map<YangInstanceIdentifier, Element> seen = new HashMap<>();
        Map<QName, SchemaTree.Branch> casesInUse = new HashMap<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element element) {
                EditNode node = element(element, parentSchema, parentSchemaPath, parentPath, inherited);
                if (seen.putIfAbsent(node.path(), element) != null) {
                    throw new StoreException(StoreError.invalidValue(paths.of(node.path()),
                            describe(node.schema()) + " appears twice in the request"));
                }
                for (SchemaTree.Branch b : node.branches()) {
                    SchemaTree.Branch other = casesInUse.putIfAbsent(b.choice().getQName(), b);
                    if (other != null && !other.caseNode().equals(b.caseNode())) {
                        throw new StoreException(StoreError.invalidValue(paths.of(node.path()),
                                node.schema().getQName().getLocalName() + " is in case "
                                        + b.caseNode().getQName().getLocalName() + " of choice "
                                        + b.choice().getQName().getLocalName() + ", but the request also has case "
                                        + other.caseNode().getQName().getLocalName()));
                    }
                }
                nodes.add(node);
            } else if (n.getNodeType() == Node.TEXT_NODE && !n.getNodeValue().isBlank()) {
                throw new StoreException(StoreError.invalidValue(paths.of(parentPath), "unexpected text '"
                        + n.getNodeValue().strip() + "' where elements were expected"));
            }
        }
        return nodes;
    }

    private EditNode element(Element element, DataNodeContainer parentSchema, List<QName> parentSchemaPath,
                             YangInstanceIdentifier parentPath, EditOperation inherited) throws StoreException {
        String localName = element.getLocalName();
        String namespace = element.getNamespaceURI();
        Optional<Module> module = namespace == null ? Optional.empty() : schema.module(XMLNamespace.of(namespace));
        if (module.isEmpty()) {
            throw new StoreException(StoreError.unknownNamespace(parentPath.isEmpty() ? null : paths.of(parentPath),
                    localName, String.valueOf(namespace), "no YANG module of this server has the namespace "
                            + namespace + " (element " + localName + ")"));
        }
        QName name = QName.create(module.get().getQNameModule(), localName);
        Optional<SchemaTree.Found> found = SchemaTree.dataChild(parentSchema, name);
        if (found.isEmpty()) {
            ErrorPath at = childPath(parentPath, name);
            throw new StoreException(StoreError.unknownElement(at, localName, localName + " is not a data node of "
                    + (parentPath.isEmpty() ? "module " + module.get().getName() : describeParent(parentSchema))));
        }
        DataSchemaNode node = found.get().node();
        List<QName> schemaPath = new ArrayList<>(parentSchemaPath);
        YangInstanceIdentifier path = parentPath;
        for (SchemaTree.Branch b : found.get().branches()) {
            schemaPath.add(b.choice().getQName());
            schemaPath.add(b.caseNode().getQName());
            path = path.node(NodeIdentifier.create(b.choice().getQName()));
        }
        schemaPath.add(name);
        if (!node.effectiveConfig().orElse(Boolean.TRUE)) {
            throw new StoreException(StoreError.invalidValue(childPath(path, name), describe(node)
                    + " is state data (config false) and cannot be configured"));
        }
        EditOperation explicit = operation(element, path, name);
        EditOperation effective = explicit != null ? explicit : inherited;
        boolean removing = effective == EditOperation.DELETE || effective == EditOperation.REMOVE;

        return switch (node) {
            case LeafSchemaNode leaf -> {
                YangInstanceIdentifier leafPath = path.node(NodeIdentifier.create(name));
                noChildElements(element, leafPath, leaf);
                Object value = removing ? null : value(leaf, schemaPath, element, leafPath);
                yield new EditNode(node, found.get().branches(), NodeIdentifier.create(name), leafPath, value,
                        explicit, List.of());
            }
            case LeafListSchemaNode leafList -> {
                YangInstanceIdentifier listPath = path.node(NodeIdentifier.create(name));
                noChildElements(element, listPath, leafList);
                Object value = value(leafList, schemaPath, element, listPath);
                var entry = new NodeWithValue<>(name, value);
                yield new EditNode(node, found.get().branches(), entry, listPath.node(entry), value, explicit,
                        List.of());
            }
            case ContainerSchemaNode container -> {
                YangInstanceIdentifier containerPath = path.node(NodeIdentifier.create(name));
                List<EditNode> children = removing ? List.of()
                        : children(element, container, schemaPath, containerPath, effective);
                yield new EditNode(node, found.get().branches(), NodeIdentifier.create(name), containerPath, null,
                        explicit, children);
            }
            case ListSchemaNode list -> {
                YangInstanceIdentifier listPath = path.node(NodeIdentifier.create(name));
                NodeIdentifierWithPredicates key = key(list, schemaPath, element, listPath);
                YangInstanceIdentifier entryPath = listPath.node(key);
                List<EditNode> children = removing ? List.of()
                        : children(element, list, schemaPath, entryPath, effective);
                yield new EditNode(node, found.get().branches(), key, entryPath, null, explicit, children);
            }
            default -> throw new StoreException(StoreError.of(
                    org.opendaylight.yangtools.yang.common.ErrorType.APPLICATION,
                    org.opendaylight.yangtools.yang.common.ErrorTag.OPERATION_NOT_SUPPORTED, childPath(path, name),
                    describe(node) + " cannot be edited by this server"));
        };
    }

    /** The list entry's key, from the key leaves among the element's children. */
    private NodeIdentifierWithPredicates key(ListSchemaNode list, List<QName> schemaPath, Element element,
                                             YangInstanceIdentifier listPath) throws StoreException {
        Map<QName, Object> keys = new LinkedHashMap<>();
        for (QName keyName : list.getKeyDefinition()) {
            Element keyElement = null;
            for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && keyName.getLocalName().equals(e.getLocalName())
                        && keyName.getNamespace().toString().equals(e.getNamespaceURI())) {
                    if (keyElement != null) {
                        throw new StoreException(StoreError.invalidValue(paths.of(listPath), "entry of "
                                + describe(list) + " has its key " + keyName.getLocalName() + " twice"));
                    }
                    keyElement = e;
                }
            }
            if (keyElement == null) {
                throw new StoreException(StoreError.dataMissing(paths.of(listPath), "entry of " + describe(list)
                        + " without its key " + keyName.getLocalName()));
            }
            var keyLeaf = (LeafSchemaNode) list.getDataChildByName(keyName);
            List<QName> keyPath = new ArrayList<>(schemaPath);
            keyPath.add(keyName);
            keys.put(keyName, value(keyLeaf, keyPath, keyElement, listPath.node(NodeIdentifier.create(keyName))));
        }
        return NodeIdentifierWithPredicates.of(list.getQName(), keys);
    }

    private Object value(TypedDataSchemaNode node, List<QName> schemaPath, Element element,
                         YangInstanceIdentifier at) throws StoreException {
        String text = element.getTextContent();
        try {
            return values.parse(node, schemaPath, text, new ElementNamespaces(element));
        } catch (IllegalArgumentException e) {
            if (NacmExtensions.defaultDenyAll(node)) {
                // A secret (an HMAC key): the error goes to the client and into the log without it.
                throw new StoreException(StoreError.invalidValue(paths.of(at), "invalid value (" + text.length()
                        + " characters, not shown) for " + node.getQName().getLocalName() + ": "
                        + reason(e, node).replace(text, "...")));
            }
            throw new StoreException(StoreError.invalidValue(paths.of(at), "invalid value '" + text + "' for "
                    + node.getQName().getLocalName() + ": " + reason(e, node)));
        }
    }

    /** The codec's reason, without the regular expressions it quotes. */
    private static String reason(IllegalArgumentException e, TypedDataSchemaNode node) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int nl = m.indexOf('\n');
        m = (nl < 0 ? m : m.substring(0, nl)).replaceAll("\\s+", " ");
        if (m.contains("does not match regular expression")) {
            String type = node.getType().getQName().getLocalName();
            boolean named = !type.equals(node.getQName().getLocalName()) && !type.equals("string");
            return named ? "not a valid " + type + " (does not match its pattern)"
                    : "does not match the pattern of " + node.getQName().getLocalName();
        }
        return m;
    }

    private void noChildElements(Element element, YangInstanceIdentifier at, DataSchemaNode node)
            throws StoreException {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                throw new StoreException(StoreError.unknownElement(paths.of(at), child.getLocalName(),
                        describe(node) + " holds a value, not the element " + child.getLocalName()));
            }
        }
    }

    /** The element's operation attribute (null if none); other attributes are refused. */
    private EditOperation operation(Element element, YangInstanceIdentifier parentPath, QName name)
            throws StoreException {
        EditOperation operation = null;
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Attr a = (Attr) attributes.item(i);
            String ns = a.getNamespaceURI();
            String local = a.getLocalName() != null ? a.getLocalName() : a.getName();
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(ns) || "xmlns".equals(a.getName())) {
                continue;
            }
            ErrorPath at = childPath(parentPath, name);
            if (StoreError.BASE_NS.equals(ns) && local.equals("operation")) {
                operation = EditOperation.ofAttribute(a.getValue()).orElseThrow(() -> new StoreException(
                        StoreError.badAttribute(at, "operation", element.getLocalName(), "operation '" + a.getValue()
                                + "' is not one of merge, replace, create, delete, remove")));
            } else if (StoreError.YANG_NS.equals(ns) && (local.equals("insert") || local.equals("value")
                    || local.equals("key"))) {
                throw new StoreException(StoreError.badAttribute(at, local, element.getLocalName(),
                        "the insert attribute of ordered-by user lists is not supported; replace the whole list"));
            } else {
                throw new StoreException(StoreError.unknownAttribute(at, local, element.getLocalName(),
                        "unknown attribute " + a.getName() + " on " + element.getLocalName()));
            }
        }
        return operation;
    }

    private ErrorPath childPath(YangInstanceIdentifier parent, QName child) {
        ErrorPath p = paths.of(parent);
        String prefix = schema.prefix(child);
        Map<String, String> ns = new LinkedHashMap<>(p.namespaces());
        ns.putIfAbsent(prefix, child.getNamespace().toString());
        String base = p.xpath().equals("/") ? "" : p.xpath();
        return new ErrorPath(base + "/" + prefix + ":" + child.getLocalName(), ns);
    }

    static String describe(DataSchemaNode node) {
        String kind = switch (node) {
            case LeafSchemaNode l -> "leaf";
            case LeafListSchemaNode l -> "leaf-list";
            case ListSchemaNode l -> "list";
            case ContainerSchemaNode c -> "container";
            default -> "node";
        };
        return kind + " " + node.getQName().getLocalName();
    }

    private static String describeParent(DataNodeContainer parent) {
        return parent instanceof DataSchemaNode d ? describe(d) : "the data root";
    }

    /** Prefixes in scope at an element, for values such as identityrefs. */
    record ElementNamespaces(Element element) implements javax.xml.namespace.NamespaceContext {
        @Override
        public String getNamespaceURI(String prefix) {
            String ns = element.lookupNamespaceURI(prefix == null || prefix.isEmpty() ? null : prefix);
            return ns == null ? XMLConstants.NULL_NS_URI : ns;
        }

        @Override
        public String getPrefix(String namespaceURI) {
            return element.lookupPrefix(namespaceURI);
        }

        @Override
        public java.util.Iterator<String> getPrefixes(String namespaceURI) {
            String p = getPrefix(namespaceURI);
            return p == null ? java.util.Collections.emptyIterator() : List.of(p).iterator();
        }
    }
}
