package io.stampd.netconf.protocol;

import io.stampd.store.Datastore;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opendaylight.netconf.api.DocumentedException;
import org.opendaylight.netconf.api.NetconfSession;
import org.opendaylight.netconf.api.xml.XmlElement;
import org.opendaylight.netconf.api.xml.XmlUtil;
import org.opendaylight.netconf.server.api.operations.AbstractNetconfOperation;
import org.opendaylight.netconf.server.api.operations.HandlingPriority;
import org.opendaylight.netconf.server.api.operations.NetconfOperationChainedExecution;
import org.opendaylight.netconf.server.api.operations.SessionAwareNetconfOperation;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * A NETCONF base operation of stampd, replacing OpenDaylight's operation of the same name. It
 * writes the whole rpc-reply itself, because OpenDaylight's error path (DocumentedException) has
 * no error-path or error-app-tag: a refused request becomes rpc-errors with both.
 */
public abstract class ProtocolOperation extends AbstractNetconfOperation implements SessionAwareNetconfOperation {
    private OpenSessions openSessions;

    protected ProtocolOperation(SessionIdType sessionId) {
        super(sessionId);
    }

    /** Where this operation records its session for kill-session. */
    final ProtocolOperation recordingIn(OpenSessions sessions) {
        this.openSessions = sessions;
        return this;
    }

    @Override
    public final void setSession(NetconfSession session) {
        if (openSessions != null) {
            openSessions.seen(session(), session);
        }
    }

    /** The session's id as a number (lock holders, error-info). */
    /** This session as the store names lock holders and change owners. */
    protected final LockOwner owner() {
        return LockOwner.netconf(session());
    }

    protected final long session() {
        return sessionId().getValue().longValue();
    }

    @Override
    protected final HandlingPriority getHandlingPriority() {
        return HandlingPriority.HANDLE_WITH_MAX_PRIORITY;
    }

    /** The operation's reply content ({@code <ok/>} or {@code <data>}), or rpc-errors. */
    protected abstract Element execute(Element operation, Document reply) throws StoreException;

    @Override
    public final Document handle(Document request, NetconfOperationChainedExecution subsequent)
            throws DocumentedException {
        Element rpc = request.getDocumentElement();
        Element operation = firstChildElement(rpc).orElseThrow();
        Document reply = XmlUtil.newDocument();
        Element rpcReply = reply.createElementNS(RpcReplies.BASE_NS, "rpc-reply");
        NamedNodeMap attributes = rpc.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            rpcReply.setAttributeNode((Attr) reply.importNode(attributes.item(i), true));
        }
        reply.appendChild(rpcReply);
        try {
            rpcReply.appendChild(execute(operation, reply));
        } catch (StoreException e) {
            RpcReplies.errors(reply, e).forEach(rpcReply::appendChild);
        }
        return reply;
    }

    /**
     * Never called: this class overrides the outer {@code handle(Document, ...)} that would call it
     * (it answers every request itself and never chains to OpenDaylight's operations). The
     * abstract parent still requires it; reaching it would be a wiring bug, hence the exception.
     */
    @Override
    protected final Element handle(Document document, XmlElement message,
                                   NetconfOperationChainedExecution subsequentOperation) {
        throw new IllegalStateException("ProtocolOperation answers in handle(Document, ...); no chained call expected");
    }

    // -- parameters of the operation element ------------------------------------------------

    protected static Optional<Element> firstChildElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    protected static List<Element> childElements(Element parent) {
        return XmlElements.children(parent);
    }

    /**
     * The operation's parameters by name; a parameter this operation does not know, or one given
     * twice, is refused (unknown-element / bad-element, error-type protocol).
     */
    protected static Map<String, Element> parameters(Element operation, Set<String> known)
            throws StoreException {
        Map<String, Element> params = new java.util.LinkedHashMap<>();
        for (Element e : childElements(operation)) {
            String name = e.getLocalName();
            // clients such as Ansible's netconf_config send <config> without a namespace
            boolean base = e.getNamespaceURI() == null || e.getNamespaceURI().isEmpty()
                    || RpcReplies.BASE_NS.equals(e.getNamespaceURI());
            String key = base ? name : e.getNamespaceURI() + " " + name;
            if (!known.contains(key)) {
                throw new StoreException(StoreError.unknownParameter(name, operation.getLocalName()
                        + " has no parameter " + name));
            }
            if (params.putIfAbsent(key, e) != null) {
                throw new StoreException(StoreError.badParameter(name, "parameter " + name + " given twice"));
            }
        }
        return params;
    }

    /** The operations whose target or source ietf-netconf-nmda augments with a datastore leaf. */
    private static final Set<String> NMDA_DATASTORE_TARGETS = Set.of("lock", "unlock", "validate");

    /**
     * The datastore named inside a target or source parameter ({@code <target><candidate/></target>},
     * or for lock, unlock and validate {@code <target><datastore>ds:candidate</datastore></target>}).
     */
    protected static Datastore datastore(Element param) throws StoreException {
        List<Element> inner = childElements(param);
        if (inner.size() != 1) {
            throw new StoreException(StoreError.badParameter(param.getLocalName(), param.getLocalName()
                    + " must name exactly one datastore"));
        }
        Element e = inner.getFirst();
        if (e.getLocalName().equals("datastore") && NmdaDatastore.NMDA_NAMESPACE.equals(e.getNamespaceURI())
                && NMDA_DATASTORE_TARGETS.contains(((Element) param.getParentNode()).getLocalName())) {
            // RFC 8526, 3.2: lock, unlock and validate may name an NMDA datastore
            NmdaDatastore d = NmdaDatastore.of(e);
            return d.configuration().orElseThrow(() -> new StoreException(NmdaDatastore.invalid("ds:" + d.identity()
                    + " is not a configuration datastore; " + param.getParentNode().getLocalName()
                    + " takes ds:running or ds:candidate")));
        }
        if (e.getLocalName().equals("url")) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL, "url datastores are not supported"));
        }
        return Datastore.ofXmlName(e.getLocalName())
                .orElseThrow(() -> new StoreException(StoreError.badParameter(e.getLocalName(), "unknown datastore "
                        + e.getLocalName() + " in " + param.getLocalName() + "; running or candidate")));
    }

    protected static Element required(Map<String, Element> params, String name, String operation)
            throws StoreException {
        Element e = params.get(name);
        if (e == null) {
            throw new StoreException(StoreError.missingParameter(name, operation + " needs its " + name
                    + " parameter"));
        }
        return e;
    }

    /** Refuses a datastore the server does not have (startup). */
    protected static Datastore configurationDatastore(Datastore d) throws StoreException {
        if (d == Datastore.STARTUP) {
            throw new StoreException(StoreError.notSupported(ErrorType.PROTOCOL,
                    "this server has no startup datastore (:startup is not advertised)"));
        }
        return d;
    }
}
