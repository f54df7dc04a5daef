package io.stampd.netconf.protocol;

import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** DOM helpers the NETCONF operations share. */
public final class XmlElements {
    private XmlElements() {
    }

    /** The element children of {@code parent}, in document order (text, comments and the rest left out). */
    public static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }
}
