package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.io.IOException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.transform.dom.DOMResult;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.api.schema.stream.NormalizedNodeWriter;
import org.opendaylight.yangtools.yang.data.codec.xml.XMLStreamNormalizedNodeStreamWriter;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Writes a data tree as the {@code <data>} element of a get, get-config or get-data reply. */
public final class DataXml {
    private static final XMLOutputFactory XML_OUTPUT = XMLOutputFactory.newFactory();

    private final EffectiveModelContext context;

    public DataXml(EffectiveModelContext context) {
        this.context = context;
    }

    public Element write(Document doc, ContainerNode root) throws StoreException {
        return write(doc, root, RpcReplies.BASE_NS);
    }

    /** As {@link #write(Document, ContainerNode)}, the {@code <data>} element in {@code namespace}. */
    public Element write(Document doc, ContainerNode root, String namespace) throws StoreException {
        Element data = doc.createElementNS(namespace, "data");
        try {
            var xml = XML_OUTPUT.createXMLStreamWriter(new DOMResult(data));
            var stream = XMLStreamNormalizedNodeStreamWriter.create(xml, context);
            try (var writer = NormalizedNodeWriter.forStreamWriter(stream, true)) {
                for (DataContainerChild child : root.body()) {
                    writer.write(child);
                }
            }
            xml.close();
        } catch (XMLStreamException | IOException | RuntimeException e) {
            throw new StoreException(StoreError.operationFailed(null, "cannot write the data as XML: "
                    + e.getMessage()));
        }
        return data;
    }
}
