package io.stampd.netconf.protocol;

import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code <get>} (RFC 6241, section 7.7) with subtree filters and with-defaults (RFC 6243). */
public final class GetOperation extends ProtocolOperation {
    private final DataReader reader;

    public GetOperation(SessionIdType sessionId, DataReader reader) {
        super(sessionId);
        this.reader = reader;
    }

    @Override
    protected String getOperationName() {
        return "get";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var filter = FilterParameter.take(operation); // first: see FilterParameter
        var params = parameters(operation, Set.of(DataReader.FILTER, DataReader.WITH_DEFAULTS));
        return reader.all(reply, params, filter, owner());
    }
}
