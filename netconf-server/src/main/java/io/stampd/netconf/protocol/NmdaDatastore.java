package io.stampd.netconf.protocol;

import io.stampd.store.Datastore;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.w3c.dom.Element;

/**
 * The datastores of RFC 8342 that this server implements, as the {@code datastore} leaves of
 * ietf-netconf-nmda name them: identities of ietf-datastores ({@code ds:running}), with the prefix
 * declared on the element (RFC 7950, 9.10.3). The YANG library lists exactly these three.
 */
public enum NmdaDatastore {
    RUNNING(Datastore.RUNNING), CANDIDATE(Datastore.CANDIDATE), OPERATIONAL(null);

    public static final String NAMESPACE = "urn:ietf:params:xml:ns:yang:ietf-datastores";
    /** The namespace of get-data, edit-data and the datastore leaf added to lock, unlock, validate. */
    public static final String NMDA_NAMESPACE = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda";
    /** Identities of ietf-datastores this server has no datastore for. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("startup", "intended");

    private final Datastore configuration;

    NmdaDatastore(Datastore configuration) {
        this.configuration = configuration;
    }

    /** The identity's local name: running, candidate, operational. */
    public String identity() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The configuration datastore this is, or empty for operational. */
    public Optional<Datastore> configuration() {
        return Optional.ofNullable(configuration);
    }

    /**
     * The datastore a {@code datastore} leaf names. Anything else is refused with invalid-value,
     * as RFC 8526 prescribes for a datastore the server does not support (sections 3.1.1, 3.1.2
     * and the augmented lock, unlock and validate): an identity that is not one of the three, an
     * abstract one (ds:conventional), or a name whose prefix names no ietf-datastores.
     */
    public static NmdaDatastore of(Element leaf) throws StoreException {
        String text = leaf.getTextContent().strip();
        int colon = text.indexOf(':');
        String prefix = colon < 0 ? null : text.substring(0, colon);
        String local = text.substring(colon + 1);
        String namespace = leaf.lookupNamespaceURI(prefix);
        if (!NAMESPACE.equals(namespace)) {
            throw new StoreException(invalid("'" + text + "' is not an identity of ietf-datastores: name the datastore"
                    + " as ds:running, ds:candidate or ds:operational with xmlns:ds=\"" + NAMESPACE + "\""));
        }
        for (NmdaDatastore d : values()) {
            if (d.identity().equals(local)) {
                return d;
            }
        }
        if (NOT_IMPLEMENTED.contains(local)) {
            throw new StoreException(invalid("this server has no " + local + " datastore: its YANG library lists"
                    + " ds:running, ds:candidate and ds:operational"));
        }
        throw new StoreException(invalid("'" + text + "' is not a datastore this server implements:"
                + " ds:running, ds:candidate or ds:operational"));
    }

    /** invalid-value for the datastore parameter (error-type protocol: the request's own parameter). */
    static StoreError invalid(String message) {
        return StoreError.of(ErrorType.PROTOCOL, ErrorTag.INVALID_VALUE, null, message)
                .withInfo("bad-element", "datastore");
    }
}
