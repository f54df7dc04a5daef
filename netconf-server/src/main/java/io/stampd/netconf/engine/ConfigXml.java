package io.stampd.netconf.engine;

import io.stampd.netconf.protocol.UnionValues;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import javax.xml.transform.dom.DOMSource;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.common.XMLNamespace;
import org.opendaylight.yangtools.yang.common.YangConstants;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.stream.NormalizedNodeWriter;
import org.opendaylight.yangtools.yang.data.codec.xml.XMLStreamNormalizedNodeStreamWriter;
import org.opendaylight.yangtools.yang.data.codec.xml.XmlParserStream;
import org.opendaylight.yangtools.yang.data.impl.schema.ImmutableNormalizedNodeStreamWriter;
import org.opendaylight.yangtools.yang.data.impl.schema.NormalizationResultHolder;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.SchemaContext;
import org.opendaylight.yangtools.yang.model.util.SchemaInferenceStack;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The whole configuration as a NETCONF {@code <config>} element, as a client would send it in
 * edit-config: written for the saved running configuration, read back strictly (unknown elements
 * and invalid values are errors) at start-up.
 */
final class ConfigXml {
    private static final String BASE_NS = YangConstants.NETCONF_NAMESPACE.toString();

    private final EffectiveModelContext context;

    ConfigXml(EffectiveModelContext context) {
        this.context = context;
    }

    /**
     * XML of a configuration root (the datastore's root container), an empty {@code <config/>} if
     * absent. Streamed without indentation: with a thousand sessions a DOM and a pretty-printer
     * would cost more than the commit itself ({@code xmllint --format} shows it indented).
     */
    byte[] write(Optional<ContainerNode> root) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            XMLOutputFactory f = XMLOutputFactory.newFactory();
            f.setProperty(XMLOutputFactory.IS_REPAIRING_NAMESPACES, Boolean.TRUE);
            XMLStreamWriter xml = f.createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("", "config", BASE_NS);
            xml.writeDefaultNamespace(BASE_NS);
            if (root.isPresent()) {
                for (DataContainerChild child : root.get().body()) {
                    xml.writeCharacters("\n");
                    // One writer per top-level node, each starting from the schema root; flushed,
                    // not closed: closing it would close the document's writer.
                    var w = NormalizedNodeWriter.forStreamWriter(XMLStreamNormalizedNodeStreamWriter.create(xml,
                            context));
                    w.write(child);
                    w.flush();
                }
                xml.writeCharacters("\n");
            }
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
            return out.toByteArray();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the configuration as XML: " + e.getMessage(), e);
        }
    }

    /** Parses what {@link #write} wrote (or any {@code <config>} of this agent's modules). */
    Optional<ContainerNode> read(byte[] bytes) throws IOException {
        Document doc;
        try {
            doc = newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("not well-formed XML: " + e.getMessage(), e);
        }
        Element config = doc.getDocumentElement();
        if (!"config".equals(config.getLocalName()) || !BASE_NS.equals(config.getNamespaceURI())) {
            throw new IOException("the document element is {" + config.getNamespaceURI() + "}"
                    + config.getLocalName() + ", not {" + BASE_NS + "}config");
        }
        var root = ImmutableNodes.newContainerBuilder().withNodeIdentifier(NodeIdentifier.create(SchemaContext.NAME));
        boolean any = false;
        for (Node n = config.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                root.withChild((DataContainerChild) parseTopLevel(e));
                any = true;
            }
        }
        return any ? Optional.of(UnionValues.asText(root.build(), context)) : Optional.empty();
    }

    private org.opendaylight.yangtools.yang.data.api.schema.NormalizedNode parseTopLevel(Element e)
            throws IOException {
        String ns = e.getNamespaceURI();
        var module = ns == null ? Optional.<org.opendaylight.yangtools.yang.model.api.Module>empty()
                : context.findModules(XMLNamespace.of(ns)).stream().findFirst();
        if (module.isEmpty()) {
            throw new IOException("element " + e.getLocalName() + " has namespace " + ns
                    + ", which is no module of this agent");
        }
        var stack = SchemaInferenceStack.of(context);
        try {
            stack.enterSchemaTree(QName.create(module.get().getQNameModule(), e.getLocalName()));
        } catch (IllegalArgumentException ex) {
            throw new IOException("module " + module.get().getName() + " has no top-level node "
                    + e.getLocalName(), ex);
        }
        var holder = new NormalizationResultHolder();
        try {
            XmlParserStream.create(ImmutableNormalizedNodeStreamWriter.from(holder), stack.toSchemaTreeInference())
                    .traverse(new DOMSource(e));
            return holder.getResult().data();
        } catch (XMLStreamException | RuntimeException ex) {
            throw new IOException("invalid " + e.getLocalName() + ": " + ex.getMessage(), ex);
        }
    }

    private static javax.xml.parsers.DocumentBuilder newDocumentBuilder() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder();
    }
}
