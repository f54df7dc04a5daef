package io.stampd.netconf.engine;

import java.io.IOException;
import java.time.Instant;
import javax.xml.stream.XMLStreamException;
import javax.xml.transform.dom.DOMResult;
import org.opendaylight.netconf.api.messages.NotificationMessage;
import org.opendaylight.netconf.api.xml.XMLSupport;
import org.opendaylight.netconf.api.xml.XmlUtil;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.stream.NormalizedNodeWriter;
import org.opendaylight.yangtools.yang.data.codec.xml.XMLStreamNormalizedNodeStreamWriter;
import org.opendaylight.yangtools.yang.model.api.EffectiveModelContext;
import org.opendaylight.yangtools.yang.model.api.stmt.SchemaNodeIdentifier.Absolute;
import org.w3c.dom.Document;

/** Turns a YANG notification (its NormalizedNode body) into the NETCONF notification message. */
final class NotificationXml {
    private final EffectiveModelContext context;

    NotificationXml(EffectiveModelContext context) {
        this.context = context;
    }

    NotificationMessage message(ContainerNode body, Instant eventTime) {
        var result = new DOMResult(XmlUtil.newDocument());
        try {
            var xml = XMLSupport.newStreamWriter(result);
            try (var writer = NormalizedNodeWriter.forStreamWriter(XMLStreamNormalizedNodeStreamWriter.create(xml,
                    context, Absolute.of(body.name().getNodeType())))) {
                writer.write(body);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | IOException e) {
            throw new IllegalStateException("cannot serialise notification " + body.name().getNodeType(), e);
        }
        return NotificationMessage.ofNotificationContent((Document) result.getNode(), eventTime);
    }
}
