package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.List;
import javax.xml.XMLConstants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Builds rpc-reply content in the NETCONF base namespace: {@code <ok/>} and {@code <rpc-error>}s. */
public final class RpcReplies {
    public static final String BASE_NS = StoreError.BASE_NS;

    private RpcReplies() {
    }

    public static Element ok(Document doc) {
        return doc.createElementNS(BASE_NS, "ok");
    }

    /** An rpc-error element (RFC 6241, section 4.3), children in the order of the RFC's schema. */
    public static Element error(Document doc, StoreError error) {
        Element e = doc.createElementNS(BASE_NS, "rpc-error");
        text(doc, e, "error-type", error.type().elementBody());
        text(doc, e, "error-tag", error.tag().elementBody());
        text(doc, e, "error-severity", "error");
        if (error.appTag() != null) {
            text(doc, e, "error-app-tag", error.appTag());
        }
        if (error.path() != null) {
            text(doc, e, "error-path", error.path().xpath());
            // declared on rpc-error so that the paths inside error-info (non-unique) can use them too
            error.path().namespaces().forEach((prefix, ns) ->
                    e.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:" + prefix, ns));
        }
        Element message = text(doc, e, "error-message", error.message() == null ? "" : error.message());
        message.setAttributeNS(XMLConstants.XML_NS_URI, "xml:lang", "en");
        if (!error.info().isEmpty()) {
            Element info = doc.createElementNS(BASE_NS, "error-info");
            for (var item : error.info()) {
                Element child = doc.createElementNS(error.infoNamespace(), item.getKey());
                child.setTextContent(item.getValue());
                info.appendChild(child);
            }
            e.appendChild(info);
        }
        return e;
    }

    /** A whole rpc-reply to {@code request} (its attributes, such as message-id, copied) holding {@code error}. */
    public static Document errorReply(Document request, StoreError error) {
        Document reply = org.opendaylight.netconf.api.xml.XmlUtil.newDocument();
        Element rpcReply = reply.createElementNS(BASE_NS, "rpc-reply");
        var attributes = request.getDocumentElement().getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            rpcReply.setAttributeNode((org.w3c.dom.Attr) reply.importNode(attributes.item(i), true));
        }
        reply.appendChild(rpcReply);
        rpcReply.appendChild(error(reply, error));
        return reply;
    }

    public static List<Element> errors(Document doc, StoreException e) {
        return e.errors().stream().map(err -> error(doc, err)).toList();
    }

    private static Element text(Document doc, Element parent, String name, String text) {
        Element child = doc.createElementNS(BASE_NS, name);
        child.setTextContent(text);
        parent.appendChild(child);
        return child;
    }
}
