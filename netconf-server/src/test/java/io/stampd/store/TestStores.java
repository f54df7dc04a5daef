package io.stampd.store;

import io.stampd.netconf.CheckedDataBroker;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.protocol.EditOperation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import javax.xml.parsers.DocumentBuilderFactory;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;

/** Stores of the tests: running on a real in-memory mdsal broker behind a given commit hook. */
public final class TestStores {
    private static final String NC = "urn:ietf:params:xml:ns:netconf:base:1.0";

    private TestStores() {
    }

    /** Running whose commits go through {@code hook}; the broker's work runs on {@code executor}. */
    public static RunningDatastore running(ConfigModel model, ExecutorService executor, ConfigCommitHook hook) {
        var config = new InMemoryDOMDataStore("CONFIGURATION", LogicalDatastoreType.CONFIGURATION, executor, 100, false);
        var oper = new InMemoryDOMDataStore("OPERATIONAL", LogicalDatastoreType.OPERATIONAL, executor, 100, false);
        config.onModelContextUpdated(model.context());
        oper.onModelContextUpdated(model.context());
        var raw = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.CONFIGURATION, config, LogicalDatastoreType.OPERATIONAL, oper), executor);
        return new RunningDatastore(raw, new CheckedDataBroker(raw, hook), model.paths());
    }

    /** A merge of {@code configBody} (the children of a NETCONF {@code <config>}) as a store change. */
    public static ConfigTree.Change edit(ConfigModel model, String configBody) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var config = f.newDocumentBuilder().parse(new ByteArrayInputStream(("<config xmlns='" + NC + "'>" + configBody
                + "</config>").getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        var steps = model.edit(config, EditOperation.MERGE);
        return m -> model.applier().apply(steps, m);
    }

    /** Session-Reflector {@code index}, with nothing else configured on it. */
    public static ConfigTree.Change reflector(ConfigModel model, int index) throws Exception {
        return edit(model, "<stamp xmlns='urn:stampd:yang:stampd-stamp'><stamp-session-reflector>"
                + "<reflector-test-session><session-index>" + index + "</session-index></reflector-test-session>"
                + "</stamp-session-reflector></stamp>");
    }
}
