package io.stampd.netconf.southbound;

import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.protocol.EditOperation;
import io.stampd.netconf.protocol.EditStep;
import io.stampd.store.ConfigTree;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/**
 * Changes of /stamp written in the YANG XML encoding (RFC 7950, section 7) and turned into store
 * changes by the same reader and checks as a NETCONF edit, so that a value the model refuses gets
 * the same message whichever front end sent it.
 */
final class ConfigEdits {
    static final String NS = "urn:stampd:yang:stampd-stamp";
    private static final String BASE = "urn:ietf:params:xml:ns:netconf:base:1.0";

    private final ConfigModel model;

    ConfigEdits(ConfigModel model) {
        this.model = model;
    }

    /** A merge of {@code stampBody} (the children of /stamp, with xc:operation attributes where needed). */
    ConfigTree.Change merge(String stampBody) throws StoreException {
        Element config = parse("<config xmlns='" + BASE + "' xmlns:xc='" + BASE + "'><stamp xmlns='" + NS + "'>"
                + stampBody + "</stamp></config>");
        List<EditStep> steps = model.edit(config, EditOperation.MERGE);
        return m -> model.applier().apply(steps, m);
    }

    /** Text escaped for an XML element's content. */
    static String text(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\'' -> b.append("&apos;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String leaf(String name, Object value) {
        return "<" + name + ">" + text(String.valueOf(value)) + "</" + name + ">";
    }

    private static Element parse(String xml) throws StoreException {
        try {
            var f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .getDocumentElement();
        } catch (Exception e) {
            throw new StoreException(StoreError.operationFailed(null, "cannot build the change: " + e.getMessage()));
        }
    }
}
