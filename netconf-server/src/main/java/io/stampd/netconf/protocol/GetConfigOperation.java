package io.stampd.netconf.protocol;

import io.stampd.store.Datastore;
import io.stampd.store.StoreException;
import java.util.Set;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code <get-config>} (RFC 6241, section 7.1) of running or the shared candidate. */
public final class GetConfigOperation extends ProtocolOperation {
    private final DataReader reader;

    public GetConfigOperation(SessionIdType sessionId, DataReader reader) {
        super(sessionId);
        this.reader = reader;
    }

    @Override
    protected String getOperationName() {
        return "get-config";
    }

    @Override
    protected Element execute(Element operation, Document reply) throws StoreException {
        var filter = FilterParameter.take(operation); // first: see FilterParameter
        var params = parameters(operation, Set.of("source", DataReader.FILTER, DataReader.WITH_DEFAULTS));
        Datastore source = configurationDatastore(datastore(required(params, "source", "get-config")));
        return reader.config(reply, source, params, filter, owner());
    }
}
