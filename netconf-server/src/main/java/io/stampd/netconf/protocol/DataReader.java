package io.stampd.netconf.protocol;

import io.stampd.store.ConfigStore;
import io.stampd.store.Datastore;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreError;
import io.stampd.store.StoreException;
import java.util.Map;
import java.util.Optional;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The {@code <data>} of get and get-config: the datastore's tree (for get, running's
 * configuration with the operational state, /netconf-state and /yang-library), then the with-defaults mode,
 * then the subtree filter, then XML. The state comes from {@link OperationalState}: computed for
 * the filter when the application provides it.
 */
public final class DataReader {
    /** The parameter names of get and get-config besides source. */
    public static final String FILTER = "filter";
    public static final String WITH_DEFAULTS = WithDefaultsMode.NAMESPACE + " with-defaults";

    private final ConfigModel model;
    private final ConfigStore datastores;
    private final NetconfStateData netconfState;
    private final YangLibrary library;
    private final OperationalState state;
    private final StateOverlay overlay;
    private final Defaults defaults;
    private final SubtreeSelection selection;
    private final DataXml xml;

    public DataReader(ConfigModel model, ConfigStore datastores, NetconfStateData netconfState,
                      OperationalState state) {
        this(model, datastores, netconfState, state, null);
    }

    /** As above, with {@code /yang-library} (RFC 8525) among the state when {@code library} is given. */
    public DataReader(ConfigModel model, ConfigStore datastores, NetconfStateData netconfState,
                      OperationalState state, YangLibrary library) {
        this.model = model;
        this.datastores = datastores;
        this.netconfState = netconfState;
        this.library = library;
        this.state = state;
        this.overlay = new StateOverlay(model.schema());
        this.defaults = new Defaults(model.schema(), model.values());
        this.selection = new SubtreeSelection(model.schema(), model.values());
        this.xml = new DataXml(model.context());
    }

    /** {@code <get>}: configuration and state, all of it (the agent's own view). */
    public Element all(Document reply, Map<String, Element> params, Optional<Element> filter)
            throws StoreException {
        return all(reply, params, filter, LockOwner.AGENT);
    }

    /** {@code <get>} by {@code owner}: what its user may not read is left out (RFC 8341, 3.4.5). */
    public Element all(Document reply, Map<String, Element> params, Optional<Element> filter, LockOwner owner)
            throws StoreException {
        WithDefaultsMode mode = mode(params);
        return write(reply, datastores.access().readable(owner, defaults.apply(mode, operational(filter), true)),
                filter);
    }

    /**
     * Running's configuration with the state laid over it, /netconf-state, /yang-library and NACM's
     * counters: what
     * get reads, and the operational datastore of get-data (before with-defaults and filters).
     */
    ContainerNode operational(Optional<Element> filter) throws StoreException {
        ContainerNode root = overlay.merge(candidates(datastores.running(), filter), state.read(filter));
        var children = new java.util.LinkedHashMap<Object, DataContainerChild>();
        root.body().forEach(c -> children.put(c.name(), c));
        netconfState.build().ifPresent(n -> children.put(n.name(), n));
        if (library != null) {
            library.data().ifPresent(y -> children.put(y.name(), y));
        }
        if (children.size() != root.body().size()) {
            root = (ContainerNode) Nodes.withChildren(root, children.values());
        }
        return withAccessState(root);
    }

    /** The access control's state (NACM's counters) laid into its configuration container. */
    private ContainerNode withAccessState(ContainerNode root) {
        Optional<ContainerNode> state = datastores.access().state();
        if (state.isEmpty()) {
            return root;
        }
        var children = new java.util.LinkedHashMap<Object, DataContainerChild>();
        root.body().forEach(c -> children.put(c.name(), c));
        DataContainerChild config = root.childByArg(state.get().name());
        if (config instanceof ContainerNode c) {
            var merged = new java.util.LinkedHashMap<Object, DataContainerChild>();
            c.body().forEach(x -> merged.put(x.name(), x));
            state.get().body().forEach(x -> merged.put(x.name(), x));
            children.put(c.name(), (DataContainerChild) Nodes.withChildren(c, merged.values()));
        } else {
            children.put(state.get().name(), state.get());
        }
        return (ContainerNode) Nodes.withChildren(root, children.values());
    }

    /** {@code <get-config>} of running or the candidate, all of it (the agent's own view). */
    public Element config(Document reply, Datastore source, Map<String, Element> params, Optional<Element> filter)
            throws StoreException {
        return config(reply, source, params, filter, LockOwner.AGENT);
    }

    /** {@code <get-config>} by {@code owner}: what its user may not read is left out (RFC 8341, 3.4.5). */
    public Element config(Document reply, Datastore source, Map<String, Element> params, Optional<Element> filter,
                          LockOwner owner) throws StoreException {
        WithDefaultsMode mode = mode(params);
        ContainerNode root = datastores.read(source);
        return write(reply, datastores.access().readable(owner, defaults.apply(mode, candidates(root, filter), false)),
                filter);
    }

    /** The top-level nodes the filter can select (see {@link SubtreeSelection#candidates}). */
    private ContainerNode candidates(ContainerNode root, Optional<Element> filter) {
        return filter.isPresent() ? selection.candidates(root, filter.get()) : root;
    }

    private Element write(Document reply, ContainerNode root, Optional<Element> filter) throws StoreException {
        ContainerNode selected = filter.isPresent() ? selection.select(root, filter.get()) : root;
        return xml.write(reply, selected);
    }

    private static WithDefaultsMode mode(Map<String, Element> params) throws StoreException {
        return mode(params.get(WITH_DEFAULTS));
    }

    /** The mode a with-defaults parameter asks for (explicit without one). */
    static WithDefaultsMode mode(Element e) throws StoreException {
        if (e == null) {
            return WithDefaultsMode.EXPLICIT;
        }
        String text = e.getTextContent().strip();
        return WithDefaultsMode.ofXmlName(text).orElseThrow(() -> new StoreException(StoreError.invalidValue(null,
                "with-defaults mode '" + text + "' is not supported; this server supports explicit (its basic "
                        + "mode), report-all and trim").withInfo("bad-element", "with-defaults")));
    }
}
