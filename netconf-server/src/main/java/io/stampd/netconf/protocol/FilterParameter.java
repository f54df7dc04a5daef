package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.Optional;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The {@code <filter>} parameter of get and get-config. Taking it also removes its {@code type}
 * attribute from the request: OpenDaylight's session listener re-applies its own subtree filter
 * to the reply of any get/get-config whose request says {@code type="subtree"}, and that filter
 * drops list keys, compares values as text and fails on an rpc-error. Without the attribute it
 * leaves the reply, already filtered here, as it is (type defaults to subtree in RFC 6241).
 */
final class FilterParameter {
    private FilterParameter() {
    }

    static Optional<Element> take(Element operation) throws StoreException {
        Element filter = null;
        for (Node n = operation.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals("filter")
                    && (e.getNamespaceURI() == null || StoreError.BASE_NS.equals(e.getNamespaceURI()))) {
                filter = e;
            }
        }
        if (filter == null) {
            return Optional.empty();
        }
        String type = filter.hasAttributeNS(StoreError.BASE_NS, "type") ? filter.getAttributeNS(StoreError.BASE_NS, "type")
                : filter.getAttribute("type");
        if (!type.isEmpty() && !type.equals("subtree")) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL, "filter type '" + type
                    + "' is not supported (:xpath is not advertised); use a subtree filter")
                    .withInfo("bad-attribute", "type").withInfo("bad-element", "filter"));
        }
        filter.removeAttribute("type");
        filter.removeAttributeNS(StoreError.BASE_NS, "type");
        return Optional.of(filter);
    }
}
