package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.CheckedDataBroker;
import io.stampd.netconf.ConfigChange;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.YangModels;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opendaylight.mdsal.common.api.LogicalDatastoreType;
import org.opendaylight.mdsal.dom.broker.SerializedDOMDataBroker;
import org.opendaylight.mdsal.dom.spi.store.DOMStore;
import org.opendaylight.mdsal.dom.store.inmemory.InMemoryDOMDataStore;
import org.opendaylight.netconf.server.api.monitoring.Capability;
import org.opendaylight.netconf.server.api.monitoring.NetconfMonitoringService;
import org.opendaylight.netconf.server.api.operations.NetconfOperation;
import org.opendaylight.netconf.server.api.operations.NetconfOperationService;
import org.opendaylight.yang.gen.v1.urn.ietf.params.xml.ns.netconf.base._1._0.rev110601.SessionIdType;
import org.opendaylight.yangtools.yang.common.Uint32;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The NMDA operations without a server: YANG library contents, get-data's datastores, filters,
 * max-depth and origins, edit-data's targets, and the parameter errors RFC 8526 prescribes,
 * through the operations' own request handling (the ncclient test drives the same on the wire).
 */
class NmdaOperationsTest {
    private static final String BASE = RpcReplies.BASE_NS;
    private static final String NMDA = NmdaDatastore.NMDA_NAMESPACE;
    private static final String DS = NmdaDatastore.NAMESPACE;
    private static final String OR = Origins.NAMESPACE;
    private static final String STAMP = YangModels.STAMP_NAMESPACE;
    private static final String YANGLIB = "urn:ietf:params:xml:ns:yang:ietf-yang-library";
    private static final String REFLECTOR = "<stamp xmlns=\"" + STAMP + "\"><stamp-session-reflector>"
            + "<reflector-test-session><session-index>7</session-index><reflector-udp-port>20862</reflector-udp-port>"
            + "</reflector-test-session></stamp-session-reflector></stamp>";

    private static YangModels models;
    private static YangLibrary library;

    private ExecutorService executor;
    private ProtocolOperationsFactory factory;
    private NetconfOperationService one;
    private NetconfOperationService two;

    @BeforeAll
    static void load() throws Exception {
        models = YangModels.load();
        library = YangLibrary.of(models.context(), models.features());
    }

    @BeforeEach
    void agent() {
        executor = Executors.newSingleThreadExecutor();
        var config = new InMemoryDOMDataStore("CONFIGURATION", LogicalDatastoreType.CONFIGURATION, executor, 100, false);
        var oper = new InMemoryDOMDataStore("OPERATIONAL", LogicalDatastoreType.OPERATIONAL, executor, 100, false);
        config.onModelContextUpdated(models.context());
        oper.onModelContextUpdated(models.context());
        var raw = new SerializedDOMDataBroker(Map.<LogicalDatastoreType, DOMStore>of(
                LogicalDatastoreType.CONFIGURATION, config, LogicalDatastoreType.OPERATIONAL, oper), executor);
        var checked = new CheckedDataBroker(raw, new ConfigCommitHook() {
            @Override
            public void validate(ConfigChange change) {
            }

            @Override
            public void apply(ConfigChange change) {
            }
        });
        var monitoring = (NetconfMonitoringService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {NetconfMonitoringService.class}, (p, m, a) -> emptyOf(m.getReturnType()));
        factory = new ProtocolOperationsFactory(models.context(), raw, checked, monitoring, library);
        one = factory.createService(new SessionIdType(Uint32.ONE));
        two = factory.createService(new SessionIdType(Uint32.TWO));
    }

    @AfterEach
    void close() {
        one.close();
        two.close();
        factory.datastores().close();
        executor.shutdownNow();
    }

    private static Object emptyOf(Class<?> type) throws ReflectiveOperationException {
        Class<?> builder = Class.forName(type.getName() + "Builder", true, type.getClassLoader());
        return builder.getMethod("build").invoke(builder.getConstructor().newInstance());
    }

    // -- the YANG library ------------------------------------------------------------------

    private static YangLibrary.Entry module(String name) {
        return library.modules().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theLibraryListsEveryModuleWithItsFeaturesDeviationsAndConformance() {
        var names = library.modules().stream().map(YangLibrary.Entry::name).toList();
        assertEquals(models.context().getModules().size(), names.size());
        for (String m : List.of("stampd-stamp", "stampd-deviations", "ietf-netconf", "ietf-netconf-with-defaults",
                "ietf-netconf-monitoring", "ietf-netconf-nmda", "ietf-yang-library", "ietf-datastores", "ietf-origin",
                "ietf-yang-metadata", "ietf-inet-types", "ietf-yang-types")) {
            assertTrue(names.contains(m), m + " missing from " + names);
        }
        assertEquals(List.of("af-packet", "xdp"), module("stampd-stamp").features());
        assertEquals(List.of("candidate", "confirmed-commit", "rollback-on-error", "validate", "writable-running"),
                module("ietf-netconf").features());
        assertEquals(List.of("origin", "with-defaults"), module("ietf-netconf-nmda").features());
        assertEquals(List.of("stampd-deviations"), module("ietf-yang-library").deviations());
        assertTrue(module("ietf-datastores").implemented(), "its identities name the datastores");
        assertTrue(module("stampd-deviations").implemented());
        for (String typesOnly : List.of("ietf-inet-types", "ietf-yang-types", "ietf-yang-metadata")) {
            assertFalse(module(typesOnly).implemented(), typesOnly + " only lends types or an extension");
        }
        assertEquals(library.contentId(), YangLibrary.of(models.context(), models.features()).contentId());
        assertEquals("urn:ietf:params:netconf:capability:yang-library:1.1?revision=2019-01-04&content-id="
                + library.contentId(), library.capability());
        assertEquals("urn:stampd:yang:stampd-stamp?module=stampd-stamp&revision=2026-12-07&features=af-packet,xdp",
                library.moduleCapability("urn:stampd:yang:stampd-stamp?module=stampd-stamp&revision=2026-12-07"));
        assertEquals("urn:ietf:params:xml:ns:yang:ietf-yang-library?module=ietf-yang-library&revision=2019-01-04"
                + "&deviations=stampd-deviations", library.moduleCapability(
                "urn:ietf:params:xml:ns:yang:ietf-yang-library?module=ietf-yang-library&revision=2019-01-04"));
        var caps = factory.getCapabilities().stream().map(Capability::getCapabilityUri).toList();
        assertTrue(caps.contains(library.capability()), caps.toString());
        assertTrue(caps.contains(WithDefaultsMode.OPERATIONAL_CAPABILITY), caps.toString());
    }

    @Test
    void yangLibraryIsOperationalStateOfGetAndGetData() throws Exception {
        for (Element data : List.of(
                data(send(one, "<get xmlns=\"" + BASE + "\"/>")),
                data(send(one, getData("ds:operational", "<subtree-filter><yang-library xmlns=\"" + YANGLIB
                        + "\"/></subtree-filter>"))))) {
            Element lib = child(data, YANGLIB, "yang-library");
            assertNotNull(lib, "no yang-library in " + text(data));
            assertEquals(library.contentId(), child(lib, YANGLIB, "content-id").getTextContent());
            List<String> datastores = new ArrayList<>();
            for (Element d : children(lib, YANGLIB, "datastore")) {
                datastores.add(child(d, YANGLIB, "name").getTextContent());
                assertEquals("stampd", child(d, YANGLIB, "schema").getTextContent());
            }
            assertEquals(3, datastores.size(), datastores.toString());
            assertTrue(datastores.stream().allMatch(d -> d.matches("[a-z]+:(running|candidate|operational)")));
            Element set = child(lib, YANGLIB, "module-set");
            assertEquals(library.modules().stream().filter(YangLibrary.Entry::implemented).count(),
                    children(set, YANGLIB, "module").size());
            assertEquals(library.modules().stream().filter(m -> !m.implemented()).count(),
                    children(set, YANGLIB, "import-only-module").size());
        }
        // a content match on an identityref reads the filter's prefix
        Element running = data(send(one, getData("ds:operational", "<subtree-filter><yang-library xmlns=\""
                + YANGLIB + "\"><datastore><name xmlns:d=\"" + DS + "\">d:running</name></datastore></yang-library>"
                + "</subtree-filter>")));
        assertEquals(1, children(child(running, YANGLIB, "yang-library"), YANGLIB, "datastore").size());
        // the configuration datastores hold no state
        assertNull(child(data(send(one, getData("ds:running", ""))), YANGLIB, "yang-library"));
    }

    // -- get-data and edit-data ------------------------------------------------------------

    private static String getData(String datastore, String rest) {
        return "<get-data xmlns=\"" + NMDA + "\" xmlns:ds=\"" + DS + "\"><datastore>" + datastore + "</datastore>"
                + rest + "</get-data>";
    }

    private static String editData(String datastore, String config) {
        return "<edit-data xmlns=\"" + NMDA + "\" xmlns:ds=\"" + DS + "\"><datastore>" + datastore + "</datastore>"
                + "<config>" + config + "</config></edit-data>";
    }

    @Test
    void editDataWritesCandidateAndRunningAndGetDataReadsEachDatastore() throws Exception {
        ok(send(one, editData("ds:candidate", REFLECTOR)));
        assertNotNull(stamp(data(send(one, getData("ds:candidate", "")))), "candidate has the edit");
        assertNull(stamp(data(send(one, getData("ds:running", "")))), "running has not");
        ok(send(one, "<commit xmlns=\"" + BASE + "\"/>"));
        Element running = data(send(one, getData("ds:running", "")));
        assertNotNull(stamp(running));
        assertEquals(NMDA, running.getNamespaceURI(), "get-data's data is ietf-netconf-nmda's");
        assertNull(child(running, STAMP, "stamp-state"));
        assertNull(stamp(running).getAttributeNodeNS(OR, "origin"), "no origin outside operational");

        // edit-data on running, with the base namespace's operation attribute
        ok(send(one, editData("ds:running", "<stamp xmlns=\"" + STAMP + "\" xmlns:nc=\"" + BASE + "\">"
                + "<stamp-session-reflector><reflector-test-session nc:operation=\"delete\"><session-index>7"
                + "</session-index></reflector-test-session></stamp-session-reflector></stamp>")));
        Element after = data(send(one, getData("ds:running", "")));
        assertTrue(after.getElementsByTagNameNS(STAMP, "reflector-test-session").getLength() == 0, text(after));
    }

    @Test
    void operationalCarriesOriginsConfigFilterOriginFiltersAndMaxDepth() throws Exception {
        ok(send(one, editData("ds:running", REFLECTOR)));
        Element explicit = data(send(one, getData("ds:operational", "<with-origin/>")));
        Element stamp = stamp(explicit);
        assertEquals("or:intended", stamp.getAttributeNS(OR, "origin"), text(explicit));
        assertEquals(OR, stamp.lookupNamespaceURI("or"));
        for (String state : List.of("yang-library", "stamp-state", "netconf-state")) {
            for (Element e : all(explicit)) {
                if (e.getLocalName().equals(state)) {
                    assertFalse(e.hasAttributeNS(OR, "origin"), state + " is state: no origin");
                }
            }
        }
        // report-all: the defaults in use are or:default, the rest inherits or:intended
        Element all = data(send(one, getData("ds:operational", "<with-origin/><with-defaults>report-all"
                + "</with-defaults>")));
        Element session = (Element) all.getElementsByTagNameNS(STAMP, "reflector-test-session").item(0);
        Element enable = child(session, STAMP, "test-session-enable");
        assertNotNull(enable, "report-all reports the default test-session-enable: " + text(all));
        assertEquals("or:default", enable.getAttributeNS(OR, "origin"));
        assertFalse(child(session, STAMP, "reflector-udp-port").hasAttributeNS(OR, "origin"), "inherits intended");

        // origin-filter or:default keeps the defaults (and the ancestors and keys leading to them)
        Element defaults = data(send(one, getData("ds:operational", "<config-filter>true</config-filter>"
                + "<origin-filter xmlns:or=\"" + OR + "\">or:default</origin-filter><with-defaults>report-all"
                + "</with-defaults>")));
        Element kept = (Element) defaults.getElementsByTagNameNS(STAMP, "reflector-test-session").item(0);
        assertNotNull(child(kept, STAMP, "session-index"), "keys are kept");
        assertNotNull(child(kept, STAMP, "test-session-enable"));
        assertNull(child(kept, STAMP, "reflector-udp-port"), "intended, filtered out: " + text(defaults));
        Element intended = data(send(one, getData("ds:operational", "<config-filter>true</config-filter>"
                + "<negated-origin-filter xmlns:or=\"" + OR + "\">or:default</negated-origin-filter>"
                + "<with-defaults>report-all</with-defaults>")));
        Element k2 = (Element) intended.getElementsByTagNameNS(STAMP, "reflector-test-session").item(0);
        assertNotNull(child(k2, STAMP, "reflector-udp-port"));
        assertNull(child(k2, STAMP, "test-session-enable"));

        // config-filter false: the state only; true: the configuration only
        Element state = data(send(one, getData("ds:operational", "<config-filter>false</config-filter>")));
        assertNull(stamp(state));
        assertNotNull(child(state, YANGLIB, "yang-library"));
        Element config = data(send(one, getData("ds:operational", "<config-filter>true</config-filter>")));
        assertNotNull(stamp(config));
        assertNull(child(config, YANGLIB, "yang-library"));

        // max-depth: top-level nodes are level 1; with a filter, levels count from the selected node
        Element one1 = data(send(one, getData("ds:running", "<max-depth>1</max-depth>")));
        assertEquals(0, children(stamp(one1)).size(), text(one1));
        Element two2 = data(send(one, getData("ds:running", "<max-depth>2</max-depth>")));
        assertEquals(List.of("stamp-session-reflector"), names(children(stamp(two2))));
        assertEquals(0, children(child(stamp(two2), STAMP, "stamp-session-reflector")).size());
        Element entry = data(send(one, getData("ds:running", "<subtree-filter><stamp xmlns=\"" + STAMP + "\">"
                + "<stamp-session-reflector><reflector-test-session><session-index>7</session-index>"
                + "</reflector-test-session></stamp-session-reflector></stamp></subtree-filter><max-depth>1</max-depth>")));
        Element e1 = (Element) entry.getElementsByTagNameNS(STAMP, "reflector-test-session").item(0);
        assertEquals(List.of("session-index"), names(children(e1)), "depth 1 of an entry: its key: " + text(entry));
        Element unbounded = data(send(one, getData("ds:running", "<max-depth>unbounded</max-depth>")));
        assertEquals(1, unbounded.getElementsByTagNameNS(STAMP, "reflector-udp-port").getLength());
    }

    @Test
    void badParametersAreRefusedAsRfc8526Says() throws Exception {
        assertError(send(one, getData("ds:running", "<with-origin/>")), "invalid-value", "with-origin");
        assertError(send(one, getData("ds:startup", "")), "invalid-value", "datastore");
        assertError(send(one, getData("ds:intended", "")), "invalid-value", "datastore");
        assertError(send(one, getData("ds:conventional", "")), "invalid-value", "datastore");
        assertError(send(one, getData("running", "")), "invalid-value", "datastore");
        assertError(send(one, "<get-data xmlns=\"" + NMDA + "\"/>"), "missing-element", "datastore");
        assertError(send(one, getData("ds:operational", "<xpath-filter>/stamp</xpath-filter>")),
                "operation-not-supported", "xpath-filter");
        assertError(send(one, getData("ds:operational", "<max-depth>0</max-depth>")), "invalid-value", "max-depth");
        assertError(send(one, getData("ds:operational", "<config-filter>yes</config-filter>")), "invalid-value",
                "config-filter");
        assertError(send(one, getData("ds:running", "<origin-filter xmlns:or=\"" + OR + "\">or:intended"
                + "</origin-filter>")), "invalid-value", "origin-filter");
        assertError(send(one, getData("ds:operational", "<origin-filter xmlns:or=\"" + OR + "\">or:origin"
                + "</origin-filter>")), "invalid-value", "origin-filter");
        assertError(send(one, getData("ds:operational", "<with-defaults>report-all-tagged</with-defaults>")),
                "invalid-value", "with-defaults");
        assertError(send(one, editData("ds:operational", REFLECTOR)), "invalid-value", "datastore");
        assertError(send(one, editData("ds:startup", REFLECTOR)), "invalid-value", "datastore");
    }

    @Test
    void lockUnlockAndValidateTakeAnNmdaDatastore() throws Exception {
        String target = "<target><datastore xmlns=\"" + NMDA + "\" xmlns:ds=\"" + DS + "\">ds:running</datastore>"
                + "</target>";
        ok(send(one, "<lock xmlns=\"" + BASE + "\">" + target + "</lock>"));
        assertError(send(two, editData("ds:running", REFLECTOR)), "lock-denied", null);
        assertError(send(two, "<lock xmlns=\"" + BASE + "\">" + target + "</lock>"), "lock-denied", null);
        ok(send(one, "<unlock xmlns=\"" + BASE + "\">" + target + "</unlock>"));
        ok(send(two, editData("ds:running", REFLECTOR)));
        ok(send(one, "<validate xmlns=\"" + BASE + "\"><source><datastore xmlns=\"" + NMDA + "\" xmlns:ds=\"" + DS
                + "\">ds:candidate</datastore></source></validate>"));
        assertError(send(one, "<lock xmlns=\"" + BASE + "\"><target><datastore xmlns=\"" + NMDA + "\" xmlns:ds=\""
                + DS + "\">ds:operational</datastore></target></lock>"), "invalid-value", "datastore");
    }

    // -- helpers ---------------------------------------------------------------------------

    private static Document send(NetconfOperationService service, String operation) throws Exception {
        Document request = parse("<rpc xmlns=\"" + BASE + "\" message-id=\"1\">" + operation + "</rpc>");
        for (NetconfOperation op : service.getNetconfOperations()) {
            if (op.canHandle(request) != null) {
                return op.handle(request, null);
            }
        }
        throw new AssertionError("no operation handles " + operation);
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element data(Document reply) {
        Element d = children(reply.getDocumentElement()).getFirst();
        assertEquals("data", d.getLocalName(), text(reply.getDocumentElement()));
        return d;
    }

    private static void ok(Document reply) {
        assertEquals("ok", children(reply.getDocumentElement()).getFirst().getLocalName(),
                text(reply.getDocumentElement()));
    }

    private static void assertError(Document reply, String tag, String badElement) {
        Element error = children(reply.getDocumentElement()).getFirst();
        assertEquals("rpc-error", error.getLocalName(), text(reply.getDocumentElement()));
        assertEquals(tag, child(error, BASE, "error-tag").getTextContent(), text(error));
        if (badElement != null) {
            Element info = child(error, BASE, "error-info");
            assertNotNull(info, text(error));
            assertEquals(badElement, info.getElementsByTagNameNS("*", "bad-element").item(0).getTextContent());
        }
    }

    private static Element stamp(Element data) {
        return child(data, STAMP, "stamp");
    }

    private static Element child(Element parent, String ns, String name) {
        List<Element> c = children(parent, ns, name);
        return c.isEmpty() ? null : c.getFirst();
    }

    private static List<Element> children(Element parent, String ns, String name) {
        return children(parent).stream().filter(e -> ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName()))
                .toList();
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<Element> all(Element root) {
        List<Element> out = new ArrayList<>();
        var list = root.getElementsByTagNameNS("*", "*");
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static List<String> names(List<Element> elements) {
        return elements.stream().map(Element::getLocalName).toList();
    }

    private static String text(Node n) {
        return org.opendaylight.netconf.api.xml.XmlUtil.toString((Element) n);
    }
}
