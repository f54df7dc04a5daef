package io.stampd.netconf.protocol;

import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.common.QName;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * {@code <get-data>} of ietf-netconf-nmda (RFC 8526, 3.1.1) from ds:running, ds:candidate or
 * ds:operational: subtree-filter, config-filter, origin-filter and negated-origin-filter,
 * max-depth, with-origin and with-defaults (on operational as well: :with-operational-defaults).
 * xpath-filter is refused: ietf-netconf's xpath feature is off and :xpath is not advertised. The
 * reply is {@code <data>} in the ietf-netconf-nmda namespace.
 */
public final class GetDataOperation extends ProtocolOperation {
    static final String NS = NmdaDatastore.NMDA_NAMESPACE;
    private static final Set<String> SINGLE = Set.of("datastore", "subtree-filter", "xpath-filter",
            "config-filter", "max-depth", "with-origin", "with-defaults");
    private static final Set<String> LISTS = Set.of("origin-filter", "negated-origin-filter");

    private final NmdaReader reader;

    GetDataOperation(SessionIdType sessionId, NmdaReader reader) {
        super(sessionId);
        this.reader = reader;
    }

    @Override
    protected String getOperationName() {
        return "get-data";
    }

    @Override
    protected String getOperationNamespace() {
        return NS;
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        Map<String, Element> single = new LinkedHashMap<>();
        Map<String, List<Element>> lists = new LinkedHashMap<>();
        for (Element e : childElements(operation)) {
            String name = e.getLocalName();
            if (!inNamespace(e, name)) {
                throw new StoreException(StoreError.unknownParameter(name, "get-data has no parameter " + name
                        + " in namespace " + e.getNamespaceURI()));
            }
            if (SINGLE.contains(name)) {
                if (single.putIfAbsent(name, e) != null) {
                    throw new StoreException(StoreError.badParameter(name, "parameter " + name + " given twice"));
                }
            } else if (LISTS.contains(name)) {
                lists.computeIfAbsent(name, k -> new ArrayList<>()).add(e);
            } else {
                throw new StoreException(StoreError.unknownParameter(name, "get-data has no parameter " + name));
            }
        }
        Element ds = single.get("datastore");
        if (ds == null) {
            throw new StoreException(StoreError.missingParameter("datastore", "get-data needs its datastore"
                    + " parameter (ds:running, ds:candidate or ds:operational)"));
        }
        NmdaDatastore datastore = NmdaDatastore.of(ds);
        boolean operational = datastore == NmdaDatastore.OPERATIONAL;

        if (single.containsKey("xpath-filter")) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL, "xpath-filter is not supported"
                    + " (:xpath is not advertised, ietf-netconf's xpath feature is off); use subtree-filter")
                    .withInfo("bad-element", "xpath-filter"));
        }
        Optional<Element> filter = Optional.ofNullable(single.get("subtree-filter"));

        Optional<Boolean> configFilter = Optional.empty();
        if (single.containsKey("config-filter")) {
            String text = single.get("config-filter").getTextContent().strip();
            if (!text.equals("true") && !text.equals("false")) {
                throw new StoreException(invalid("config-filter", "config-filter '" + text + "' is not a boolean"));
            }
            configFilter = Optional.of(Boolean.parseBoolean(text));
        }

        if (lists.size() > 1) {
            throw new StoreException(invalid("negated-origin-filter", "origin-filter and negated-origin-filter"
                    + " are two cases of one choice: give one of them"));
        }
        Optional<Set<QName>> originFilter = Optional.empty();
        boolean negated = lists.containsKey("negated-origin-filter");
        if (!lists.isEmpty()) {
            String name = lists.keySet().iterator().next();
            if (!operational) {
                throw new StoreException(invalid(name, name + " applies to ds:operational only (RFC 8526)"));
            }
            Set<QName> values = new HashSet<>();
            for (Element e : lists.get(name)) {
                values.add(origin(e, name));
            }
            originFilter = Optional.of(values);
        }

        OptionalInt maxDepth = OptionalInt.empty();
        if (single.containsKey("max-depth")) {
            String text = single.get("max-depth").getTextContent().strip();
            if (!text.equals("unbounded")) {
                int depth;
                try {
                    depth = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    depth = 0;
                }
                if (depth < 1 || depth > 65535 || !text.matches("[0-9]+")) {
                    throw new StoreException(invalid("max-depth", "max-depth '" + text
                            + "' is neither 1..65535 nor unbounded"));
                }
                maxDepth = OptionalInt.of(depth);
            }
        }

        boolean withOrigin = single.containsKey("with-origin");
        if (withOrigin && !operational) {
            // RFC 8526, 3.1.1: with-origin on a datastore other than operational is invalid-value
            throw new StoreException(invalid("with-origin", "with-origin applies to ds:operational only: the"
                    + " configuration datastores have no origin annotation"));
        }
        WithDefaultsMode mode = DataReader.mode(single.get("with-defaults"));

        return reader.read(reply, new NmdaReader.Request(datastore, filter, configFilter, originFilter, negated,
                maxDepth, withOrigin, mode, owner()));
    }

    /** A parameter of get-data: in its namespace, or in none (an unprefixed child of a prefixed get-data). */
    private static boolean inNamespace(Element e, String name) {
        String ns = e.getNamespaceURI();
        return ns == null || ns.isEmpty() || NS.equals(ns)
                // the with-defaults leaf comes from a grouping of ietf-netconf-with-defaults; accepted in its namespace too
                || name.equals("with-defaults") && WithDefaultsMode.NAMESPACE.equals(ns);
    }

    /** An or:origin-ref value: an identity derived from ietf-origin's origin. */
    private QName origin(Element e, String parameter) throws StoreException {
        String text = e.getTextContent().strip();
        int colon = text.indexOf(':');
        String namespace = e.lookupNamespaceURI(colon < 0 ? null : text.substring(0, colon));
        String local = text.substring(colon + 1);
        if (Origins.NAMESPACE.equals(namespace)) {
            QName q = QName.create(Origins.MODULE, local);
            var identity = reader.origins().identity(q);
            if (identity.isPresent() && !q.getLocalName().equals("origin")) {
                return q;
            }
        }
        throw new StoreException(invalid(parameter, "'" + text + "' is not an origin: write or:intended,"
                + " or:default, ... with xmlns:or=\"" + Origins.NAMESPACE + "\""));
    }

    private static StoreError invalid(String element, String message) {
        return StoreError.of(ErrorType.PROTOCOL, ErrorTag.INVALID_VALUE, null, message).withInfo("bad-element",
                element);
    }
}
