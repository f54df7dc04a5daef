package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.opendaylight.yangtools.yang.common.QName;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The {@code <data>} of get-data (RFC 8526, 3.1.1): the datastore's tree (operational: what get
 * reads, see {@link DataReader#operational}), then with-defaults, config-filter and the origin
 * filters, then the subtree filter, then max-depth, then XML with the origin annotations.
 */
final class NmdaReader {
    /** A get-data request, its parameters checked. */
    record Request(NmdaDatastore datastore, Optional<Element> filter, Optional<Boolean> configFilter,
                   Optional<Set<QName>> originFilter, boolean negatedOriginFilter, OptionalInt maxDepth,
                   boolean withOrigin, WithDefaultsMode mode, LockOwner owner) {
    }

    private final DataReader reader;
    private final ConfigStore datastores;
    private final Defaults defaults;
    private final SubtreeSelection selection;
    private final ConfigFilter configFilter;
    private final Origins origins;
    private final DepthLimit depth;
    private final DataXml xml;

    NmdaReader(DataReader reader, ConfigModel model, ConfigStore datastores) {
        this.reader = reader;
        this.datastores = datastores;
        this.defaults = new Defaults(model.schema(), model.values());
        this.selection = new SubtreeSelection(model.schema(), model.values());
        this.configFilter = new ConfigFilter(model.schema());
        this.origins = new Origins(model.schema());
        this.depth = new DepthLimit(model.schema());
        this.xml = new DataXml(model.context());
    }

    Origins origins() {
        return origins;
    }

    Element read(Document reply, Request request) throws StoreException {
        Optional<Element> filter = request.filter();
        boolean operational = request.datastore() == NmdaDatastore.OPERATIONAL;
        boolean configOnly = request.configFilter().orElse(false);
        ContainerNode root;
        if (!operational) {
            root = datastores.read(request.datastore().configuration().orElseThrow());
        } else if (configOnly) {
            root = datastores.running(); // no state to compute: the configuration in effect is running's
        } else {
            root = reader.operational(filter);
        }
        if (filter.isPresent()) {
            root = selection.candidates(root, filter.get());
        }
        ContainerNode explicit = root;
        root = defaults.apply(request.mode(), root, operational && !configOnly);
        // what the user may not read is gone before any filter can match on it (RFC 8341, 3.4.5)
        root = datastores.access().readable(request.owner(), root);
        if (request.configFilter().isPresent()) {
            root = configFilter.apply(root, request.configFilter().get());
        }
        Origins.Marks marks = null;
        if (operational && (request.withOrigin() || request.originFilter().isPresent())) {
            marks = origins.of(root, explicit);
            if (request.originFilter().isPresent()) {
                Set<QName> values = request.originFilter().get();
                boolean negated = request.negatedOriginFilter();
                root = origins.filter(root, marks, o -> origins.derivedFromOrSelf(o, values) != negated);
            }
        }
        if (filter.isPresent()) {
            root = selection.select(root, filter.get());
        }
        if (request.maxDepth().isPresent()) {
            root = depth.apply(root, filter, request.maxDepth().getAsInt());
        }
        Element data = xml.write(reply, root, NmdaDatastore.NMDA_NAMESPACE);
        if (request.withOrigin()) {
            origins.annotate(data, root, marks);
        }
        return data;
    }
}
