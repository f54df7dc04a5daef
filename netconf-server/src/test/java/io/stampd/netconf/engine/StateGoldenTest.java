package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.ReflectorCounters;
import io.stampd.dataplane.session.SenderStatistics;
import io.stampd.netconf.YangModels;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.protocol.DataReader;
import io.stampd.netconf.protocol.NetconfStateData;
import io.stampd.netconf.protocol.OperationalState;
import io.stampd.store.ConfigStore;
import io.stampd.store.RunningDatastore;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;
import org.opendaylight.netconf.server.api.monitoring.NetconfMonitoringService;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What {@code <get>} returns for state, pinned down by outputs recorded from the agent that
 * published its whole state tree every second into the operational datastore (commit 2d17aba),
 * before state was computed on demand for the sessions a filter selects: the same sessions,
 * measurements and clock must give the same XML for each filter and with-defaults mode.
 * Run with the environment variable {@code STAMPD_RECORD_GOLDEN=DIR} to write the outputs to DIR instead of comparing.
 */
class StateGoldenTest {
    private static final String NS = "urn:stampd:yang:stampd-stamp";
    private static final String RESOURCES = "/state-golden/";
    /** The fixed clock: a monotonic reading well after the replies (loss timeouts over) and a wall time. */
    private static final long NOW_MONO = 60_000_000_000L;
    private static final long NOW_UNIX = 1_795_000_100_000_000_000L;
    private static final StateClock CLOCK = new StateClock() {
        @Override
        public long monotonicNanos() {
            return NOW_MONO;
        }

        @Override
        public long unixNanos() {
            return NOW_UNIX;
        }
    };

    private static ExecutorService executor;
    private static SerializedDOMDataBroker broker;
    private static DataReader reader;

    /** Filters as a client sends them (the inside of {@code <filter type="subtree">}). */
    static Stream<Arguments> cases() {
        String state = "<stamp-state xmlns=\"" + NS + "\">";
        String sender = state + "<stamp-session-sender-state><test-session-state>";
        String senderEnd = "</test-session-state></stamp-session-sender-state></stamp-state>";
        Map<String, String> filters = new java.util.LinkedHashMap<>();
        filters.put("stamp-state", "<stamp-state xmlns=\"" + NS + "\"/>");
        filters.put("data-plane", state + "<data-plane/></stamp-state>");
        filters.put("send-timing", state + "<data-plane><send-timing/></data-plane></stamp-state>");
        filters.put("one-sender", sender + "<session-index>2</session-index>" + senderEnd);
        filters.put("one-sender-counters", sender + "<session-index>1</session-index><current-stats><sent-packets/>"
                + "<rcv-packets/><two-way-loss/></current-stats>" + senderEnd);
        filters.put("all-senders-counters", sender + "<session-index/><sender-session-state/><current-stats>"
                + "<sent-packets/><rcv-packets/><two-way-loss><loss-count/></two-way-loss></current-stats>"
                + senderEnd);
        filters.put("senders-by-state", sender + "<sender-session-state>active</sender-session-state>"
                + "<session-index/>" + senderEnd);
        filters.put("two-senders", state + "<stamp-session-sender-state><test-session-state><session-index>1"
                + "</session-index><records/></test-session-state><test-session-state><session-index>3"
                + "</session-index></test-session-state></stamp-session-sender-state></stamp-state>");
        filters.put("unknown-sender", sender + "<session-index>99</session-index>" + senderEnd);
        filters.put("sender-records", sender + "<records/>" + senderEnd);
        filters.put("reflectors", state + "<stamp-session-refl-state/></stamp-state>");
        filters.put("one-reflector", state + "<stamp-session-refl-state><test-session-state><session-index>11"
                + "</session-index></test-session-state></stamp-session-refl-state></stamp-state>");
        filters.put("config-and-state", "<stamp xmlns=\"" + NS + "\"/>" + "<stamp-state xmlns=\"" + NS + "\"/>");
        filters.put("sender-config-and-state", "<stamp xmlns=\"" + NS + "\"><stamp-session-sender><sender-test-session>"
                + "<stamp-session-id>1</stamp-session-id></sender-test-session></stamp-session-sender></stamp>"
                + sender + "<session-index>1</session-index>" + senderEnd);
        return filters.entrySet().stream().flatMap(f -> Stream.of("explicit", "report-all", "trim")
                .map(mode -> Arguments.of(f.getKey(), f.getValue(), mode)));
    }

    @BeforeAll
    static void agentWithMeasuredSessions() throws Exception {
        var models = YangModels.load();
        var context = models.context();
        executor = Executors.newSingleThreadExecutor();
        var configStore = new InMemoryDOMDataStore("CONFIGURATION", LogicalDatastoreType.CONFIGURATION, executor,
                100, false);
        var operStore = new InMemoryDOMDataStore("OPERATIONAL", LogicalDatastoreType.OPERATIONAL, executor, 100,
                false);
        configStore.onModelContextUpdated(context);
        operStore.onModelContextUpdated(context);
        broker = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.CONFIGURATION, configStore, LogicalDatastoreType.OPERATIONAL, operStore), executor);

        var model = new ConfigModel(context);
        var running = new RunningDatastore(broker, broker, model.paths());
        var datastores = new ConfigStore(running, model);
        // No monitoring service: the filters below select stampd's data only.
        var monitoring = (NetconfMonitoringService) Proxy.newProxyInstance(StateGoldenTest.class.getClassLoader(),
                new Class<?>[] {NetconfMonitoringService.class}, (p, m, a) -> emptyOf(m.getReturnType()));
        var operational = new OperationalState(running);
        reader = new DataReader(model, datastores, new NetconfStateData(context, monitoring, datastores.locks()),
                operational);

        ContainerNode config = model.content(parse(resource("config.xml")));
        var tx = broker.newWriteOnlyTransaction();
        for (DataContainerChild child : config.body()) {
            tx.put(LogicalDatastoreType.CONFIGURATION, YangInstanceIdentifier.of(child.name()), child);
        }
        tx.commit().get(10, TimeUnit.SECONDS);

        var plane = new FakeDataPlane();
        var manager = new SessionManager(plane, SessionEvents.IGNORE);
        manager.apply(DesiredSessions.of(Optional.of(config)));
        measure(manager);
        plane.reflectors.get(0).counters = new ReflectorCounters(120, 118, 2, 119, 117, 0);
        plane.reflectors.get(1).counters = new ReflectorCounters(7, 7, 0, 6, 6, 0);
        operational.use(new StateReader(manager, 5, CLOCK));
    }

    /** An empty generated binding object (Capabilities, Schemas, Sessions): its builder's build(). */
    private static Object emptyOf(Class<?> type) throws ReflectiveOperationException {
        Class<?> builder = Class.forName(type.getName() + "Builder", true, type.getClassLoader());
        return builder.getMethod("build").invoke(builder.getConstructor().newInstance());
    }

    /** Deterministic replies: session 1 loses packet 5, session 2 sees a stateful reflector. */
    private static void measure(SessionManager manager) {
        long t = 1_795_000_000_000_000_000L;
        for (SenderSession s : manager.senders()) {
            if (!s.running()) {
                continue;
            }
            SenderStatistics stats = s.statistics();
            long id = s.id();
            for (int seq = 0; seq < 40; seq++) {
                long t1 = t + seq * 10_000_000L;
                long mono = seq * 10_000_000L;
                stats.onSent(seq, t1, mono);
                if (id == 1 && seq == 5) {
                    continue;
                }
                long forward = 5_000_000 + (seq % 7) * 13_000 + id * 1000;
                long backward = 4_000_000 + (seq % 5) * 29_000;
                long reflectorSeq = id == 2 ? seq + 100 : seq;
                stats.onReply(seq, t1, t1 + forward, t1 + forward + 10_000, t1 + forward + 10_000 + backward,
                        64 - (int) id, reflectorSeq, mono + forward + 10_000 + backward);
            }
        }
    }

    @AfterAll
    static void close() throws Exception {
        broker.close();
        executor.shutdownNow();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void getReturnsTheRecordedState(String name, String filter, String mode) throws Exception {
        Document reply = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().newDocument();
        Element filterElement = parse("<filter xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\" type=\"subtree\">"
                + filter + "</filter>");
        Map<String, Element> params = mode.equals("explicit") ? Map.of()
                : Map.of(DataReader.WITH_DEFAULTS, parse("<with-defaults xmlns="
                        + "\"urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults\">" + mode + "</with-defaults>"));
        String actual = text(reader.all(reply, params, Optional.of(filterElement)));
        String file = name + "." + mode + ".xml";
        String recordTo = System.getenv("STAMPD_RECORD_GOLDEN");
        if (recordTo != null) {
            Files.createDirectories(Path.of(recordTo));
            Files.writeString(Path.of(recordTo, file), actual);
            return;
        }
        assertTrue(actual.contains("<data"), actual);
        assertEquals(canonical(resource(file)), canonical(actual), file);
    }

    /**
     * The XML with each element's children in name order, entries of the same list or leaf-list
     * kept in the order they came: siblings of different names may come in any order (RFC 7950,
     * section 7.5.7, and this server's default values come out in a hash order), entries may not.
     */
    private static String canonical(String xml) throws Exception {
        Element root = parse(xml);
        sortChildren(root);
        return text(root);
    }

    private static void sortChildren(Element e) {
        List<Element> children = new java.util.ArrayList<>();
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                children.add(c);
            }
        }
        children.sort(java.util.Comparator.comparing((Element c) -> c.getNamespaceURI() + " " + c.getLocalName()));
        for (Element c : children) {
            e.removeChild(c);
            e.appendChild(c); // List.sort is stable: entries keep their order
            sortChildren(c);
        }
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = StateGoldenTest.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("no recorded output " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Element parse(String xml) throws Exception {
        var f = DocumentBuilderFactory.newDefaultNSInstance();
        return f.newDocumentBuilder().parse(new org.xml.sax.InputSource(new StringReader(xml))).getDocumentElement();
    }

    private static String text(Element e) throws Exception {
        var t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        t.setOutputProperty(OutputKeys.INDENT, "yes");
        t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        StringWriter w = new StringWriter();
        t.transform(new DOMSource(e), new StreamResult(w));
        // One line per element whatever the transformer does with whitespace-only text.
        return w.toString().lines().filter(l -> !l.isBlank()).reduce("", (a, b) -> a + b + "\n");
    }
}
