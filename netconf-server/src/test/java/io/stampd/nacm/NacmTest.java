package io.stampd.nacm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.YangModels;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.store.LockOwner;
import io.stampd.store.StoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.common.ErrorType;
import org.opendaylight.yangtools.yang.data.api.YangInstanceIdentifier.NodeIdentifier;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.opendaylight.yangtools.yang.data.api.schema.DataContainerChild;
import org.opendaylight.yangtools.yang.data.spi.node.ImmutableNodes;

/**
 * RFC 8341's rule processing without a server: the documented defaults, rule-lists by group, rule
 * types and their order, data-node paths with and without key predicates, the default-deny-all of
 * /nacm and of kill-session, reads pruned, writes refused whole and counted.
 */
class NacmTest {
    private static final String NC = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private static final String STAMP = YangModels.STAMP_NAMESPACE;
    private static final String NACM = YangModels.NACM_NAMESPACE;
    private static ConfigModel model;

    private final Map<Long, String> sessions = Map.of(1L, "admin", 2L, "viewer", 3L, "stranger", 4L, "ops");
    private final LockOwner admin = LockOwner.netconf(1);
    private final LockOwner viewer = LockOwner.netconf(2);
    private final LockOwner stranger = LockOwner.netconf(3);
    private final LockOwner ops = LockOwner.netconf(4);
    private ContainerNode running;
    private Nacm nacm;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ConfigModel(YangModels.load().context());
    }

    private static ContainerNode content(String configBody) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        var doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(("<config xmlns='" + NC + "'>" + configBody
                + "</config>").getBytes(StandardCharsets.UTF_8)));
        return model.content(doc.getDocumentElement());
    }

    private static ContainerNode defaults(List<String> operators) throws Exception {
        String xml = NacmDefaults.xml(operators);
        return content(xml.substring(xml.indexOf("<nacm"), xml.lastIndexOf("</config>")));
    }

    private static final String STAMP_CONFIG = "<stamp xmlns='" + STAMP + "'>"
            + "<key-chains><key-chain><name>k1</name><key>00112233445566778899aabbccddeeff</key></key-chain>"
            + "</key-chains>"
            + "<stamp-session-reflector><reflector-test-session><session-index>7</session-index><ssid>7</ssid>"
            + "</reflector-test-session><reflector-test-session><session-index>8</session-index><ssid>8</ssid>"
            + "</reflector-test-session></stamp-session-reflector></stamp>";

    /** STAMP_CONFIG with reflector 8's ssid changed. */
    private static final String CHANGE = STAMP_CONFIG.replace("<ssid>8</ssid>", "<ssid>80</ssid>");

    @BeforeEach
    void agentWithTheDefaults() throws Exception {
        ContainerNode seeded = defaults(List.of("admin", "grpc"));
        running = with(content(STAMP_CONFIG), seeded.childByArg(NacmConfig.NACM));
        nacm = new Nacm(model.context(), model.paths(), () -> running, id -> Optional.ofNullable(sessions.get(id)),
                "grpc", (ContainerNode) seeded.childByArg(NacmConfig.NACM));
        // viewer into read-only, as an operator would
        running = replaceNacm(nacmXml("<group><name>operator</name><user-name>admin</user-name></group>"
                + "<group><name>read-only</name><user-name>viewer</user-name></group>", readOnlyRules("")));
    }

    private static ContainerNode with(ContainerNode root, DataContainerChild child) {
        var b = ImmutableNodes.newContainerBuilder().withNodeIdentifier(root.name());
        root.body().stream().filter(c -> !c.name().equals(child.name())).forEach(b::withChild);
        return b.withChild(child).build();
    }

    private ContainerNode replaceNacm(String nacmXml) throws Exception {
        return with(running, content(nacmXml).childByArg(NacmConfig.NACM));
    }

    /** The default /nacm with other groups and the read-only rule-list's rules preceded by {@code first}. */
    private static String nacmXml(String groups, String ruleLists) {
        String xml = NacmDefaults.xml(List.of("admin"));
        String nacm = xml.substring(xml.indexOf("<nacm"), xml.lastIndexOf("</config>"));
        nacm = nacm.replaceFirst("<groups>.*</groups>", "<groups>" + groups + "</groups>");
        return nacm.replaceFirst("<rule-list><name>read-only</name>.*</rule-list>", ruleLists);
    }

    private static String readOnlyRules(String first) {
        String xml = NacmDefaults.xml(List.of("admin"));
        String list = xml.substring(xml.indexOf("<rule-list><name>read-only</name>"), xml.lastIndexOf("</nacm>"));
        return list.replaceFirst("<group>read-only</group>", "<group>read-only</group>" + first);
    }

    private boolean exec(LockOwner who, String ns, String op) {
        return nacm.checkExec(nacm.userOf(who), ns, op).isEmpty();
    }

    private static boolean has(ContainerNode root, String local) {
        return root.body().stream().anyMatch(c -> c.name().getNodeType().getLocalName().equals(local));
    }

    private void write(LockOwner who, String stampXml) throws Exception {
        ContainerNode after = with(running, content(stampXml).childByArg(NodeIdentifier.create(
                org.opendaylight.yangtools.yang.common.QName.create(YangModels.STAMP_MODULE, "stamp"))));
        nacm.checkWrite(who, running, after);
    }

    @Test
    void operatorsMayDoEverythingAndReadOnlyUsersMayOnlyRead() throws Exception {
        assertTrue(exec(admin, NC, "edit-config"));
        assertTrue(exec(admin, NC, "kill-session"));
        assertTrue(exec(admin, STAMP, "stamp-sender-start"));
        write(admin, CHANGE);
        assertTrue(has(nacm.readable(admin, running), "nacm"));

        for (String op : List.of("get", "get-config")) {
            assertTrue(exec(viewer, NC, op), op);
        }
        assertTrue(exec(viewer, "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring", "get-schema"));
        assertTrue(exec(viewer, "urn:ietf:params:xml:ns:netconf:notification:1.0", "create-subscription"));
        for (String op : List.of("edit-config", "copy-config", "commit", "lock", "discard-changes", "kill-session")) {
            assertFalse(exec(viewer, NC, op), op);
        }
        assertFalse(exec(viewer, STAMP, "stamp-sender-start"));
        assertFalse(exec(viewer, STAMP, "fetch-records"));
        assertTrue(exec(viewer, NC, "close-session"), "close-session is always permitted");
        ContainerNode keyless = with(running, content(STAMP_CONFIG.replace("<key>00112233445566778899aabbccddeeff</key>",
                "")).childByArg(NodeIdentifier.create(
                        org.opendaylight.yangtools.yang.common.QName.create(YangModels.STAMP_MODULE, "stamp"))));
        assertEquals(keyless, nacm.readable(viewer, running), "read-only reads everything, /nacm included, but the"
                + " HMAC key");

        var denied = assertThrows(StoreException.class, () -> write(viewer, CHANGE));
        assertEquals(ErrorTag.ACCESS_DENIED, denied.first().tag());
        assertEquals(ErrorType.APPLICATION, denied.first().type());
        assertEquals("/nacm:nacm/nacm:enable-nacm", nacmPathOf(viewer, "<enable-nacm>false</enable-nacm>"),
                "a change of /nacm is a write too");
        assertEquals(8, nacm.deniedOperations(), "one per denied operation");
        assertEquals(2, nacm.deniedDataWrites());
    }

    private String nacmPathOf(LockOwner who, String nacmChildren) throws Exception {
        ContainerNode after = with(running, content("<nacm xmlns='" + NACM + "'>" + nacmChildren + "</nacm>")
                .childByArg(NacmConfig.NACM));
        // merge: the rest of /nacm stays
        ContainerNode merged = with(running, ImmutableNodes.newContainerBuilder()
                .withNodeIdentifier(NacmConfig.NACM)
                .withValue(((ContainerNode) running.childByArg(NacmConfig.NACM)).body().stream()
                        .filter(c -> !c.name().getNodeType().getLocalName().equals("enable-nacm")).toList())
                .withChild(((ContainerNode) after.childByArg(NacmConfig.NACM)).body().iterator().next())
                .build());
        var e = assertThrows(StoreException.class, () -> nacm.checkWrite(who, running, merged));
        return e.first().path().xpath();
    }

    @Test
    void aUserInNoGroupGetsTheGlobalDefaultsAndNeverSeesNacm() throws Exception {
        assertTrue(exec(stranger, NC, "get"));
        assertTrue(exec(stranger, NC, "edit-config"), "exec-default permit");
        assertTrue(exec(stranger, STAMP, "clear-statistics"));
        assertFalse(exec(stranger, NC, "kill-session"), "ietf-netconf's default-deny-all");
        assertFalse(exec(stranger, NC, "delete-config"));
        assertThrows(StoreException.class, () -> write(stranger, CHANGE),
                "write-default deny");
        ContainerNode seen = nacm.readable(stranger, running);
        assertFalse(has(seen, "nacm"), "/nacm is default-deny-all");
        assertTrue(has(seen, "stamp"), "read-default permit");
        // an unknown session (SSH user not found) is such a user too
        assertFalse(has(nacm.readable(LockOwner.netconf(99), running), "nacm"));
        // the agent itself is not restricted
        assertEquals(running, nacm.readable(LockOwner.AGENT, running));
        nacm.checkWrite(LockOwner.AGENT, running, content(""));
    }

    /**
     * The HMAC keys are nacm:default-deny-all: a user in no group does not read them (read-default
     * permit is not enough), a read-only user neither (the defaults deny them before read-everything),
     * an operator does (permit-all names them), and the rest of the key chain stays readable.
     */
    @Test
    void hmacKeysAreReadOnlyByOperators() throws Exception {
        String key = "00112233445566778899aabbccddeeff";
        running = with(running, content("<stamp xmlns='" + STAMP + "'>"
                + "<key-chains><key-chain><name>k1</name><key>" + key + "</key></key-chain></key-chains>"
                + "<stamp-session-reflector><reflector-test-session><session-index>7</session-index>"
                + "<security><key>" + key.replace('0', 'f') + "</key></security></reflector-test-session>"
                + "</stamp-session-reflector>"
                + "<stamp-session-sender><sender-test-session><stamp-session-id>1</stamp-session-id>"
                + "<security><key>" + key.replace('1', 'e') + "</key></security></sender-test-session>"
                + "</stamp-session-sender></stamp>").childByArg(NodeIdentifier.create(
                        org.opendaylight.yangtools.yang.common.QName.create(YangModels.STAMP_MODULE, "stamp"))));
        for (LockOwner who : List.of(stranger, viewer)) {
            String seen = nacm.readable(who, running).toString();
            assertTrue(seen.contains("k1") && seen.contains("session-index"), "the key chain's name stays: " + seen);
            for (String k : List.of(key, key.replace('0', 'f'), key.replace('1', 'e'))) {
                assertFalse(seen.contains(k), nacm.userOf(who) + " reads an HMAC key: " + seen);
            }
        }
        String operator = nacm.readable(admin, running).toString();
        assertTrue(operator.contains(key) && operator.contains(key.replace('0', 'f'))
                && operator.contains(key.replace('1', 'e')), operator);
    }

    @Test
    void aPathRuleHidesASubtreeBeforeTheRuleThatPermitsReading() throws Exception {
        running = replaceNacm(nacmXml("<group><name>operator</name><user-name>admin</user-name></group>"
                + "<group><name>read-only</name><user-name>viewer</user-name></group>",
                readOnlyRules("<rule><name>hide-keys</name><path>/sstamp:stamp/sstamp:key-chains</path>"
                        + "<access-operations>read</access-operations><action>deny</action></rule>")));
        ContainerNode seen = nacm.readable(viewer, running);
        ContainerNode stamp = (ContainerNode) seen.body().stream()
                .filter(c -> c.name().getNodeType().getLocalName().equals("stamp")).findFirst().orElseThrow();
        assertFalse(has(stamp, "key-chains"), "hidden");
        assertTrue(has(stamp, "stamp-session-reflector"), "the rest stays");
        assertEquals(running, nacm.readable(admin, running), "operators still see everything");
        // the module name works as prefix as well
        running = replaceNacm(nacmXml("<group><name>read-only</name><user-name>viewer</user-name></group>",
                readOnlyRules("<rule><name>hide-keys</name><path>/stampd-stamp:stamp/key-chains/key-chain</path>"
                        + "<access-operations>read</access-operations><action>deny</action></rule>")));
        stamp = (ContainerNode) nacm.readable(viewer, running).body().stream()
                .filter(c -> c.name().getNodeType().getLocalName().equals("stamp")).findFirst().orElseThrow();
        assertFalse(stamp.toString().contains("k1"), stamp.toString());
    }

    @Test
    void keyPredicatesNarrowARuleToOneListEntry() throws Exception {
        running = replaceNacm(nacmXml("<group><name>ops</name><user-name>ops</user-name></group>",
                "<rule-list><name>ops</name><group>ops</group>"
                        + "<rule><name>reflector-7</name><path>/sstamp:stamp/sstamp:stamp-session-reflector/"
                        + "sstamp:reflector-test-session[sstamp:session-index='7']</path>"
                        + "<access-operations>create update delete</access-operations><action>permit</action></rule>"
                        + "</rule-list>"));
        String r7 = "<stamp xmlns='" + STAMP + "'>" + STAMP_CONFIG.substring(STAMP_CONFIG.indexOf("<key-chains>"),
                STAMP_CONFIG.indexOf("<stamp-session-reflector>"));
        write(ops, r7 + "<stamp-session-reflector><reflector-test-session><session-index>7</session-index>"
                + "<ssid>70</ssid></reflector-test-session><reflector-test-session><session-index>8</session-index>"
                + "<ssid>8</ssid></reflector-test-session></stamp-session-reflector></stamp>");
        var e = assertThrows(StoreException.class, () -> write(ops, r7 + "<stamp-session-reflector>"
                + "<reflector-test-session><session-index>7</session-index><ssid>7</ssid></reflector-test-session>"
                + "<reflector-test-session><session-index>8</session-index><ssid>80</ssid></reflector-test-session>"
                + "</stamp-session-reflector></stamp>"));
        assertEquals("/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session"
                + "[sstamp:session-index='8']/sstamp:ssid", e.first().path().xpath());
        assertThrows(StoreException.class, () -> write(ops, r7 + "<stamp-session-reflector>"
                + "<reflector-test-session><session-index>7</session-index><ssid>7</ssid></reflector-test-session>"
                + "</stamp-session-reflector></stamp>"), "deleting entry 8 is not permitted either");
        assertEquals(2, nacm.deniedDataWrites());
    }

    @Test
    void theFirstMatchingRuleWinsAndStarGroupsApplyToEveryGroup() throws Exception {
        running = replaceNacm(nacmXml("<group><name>read-only</name><user-name>viewer</user-name></group>",
                "<rule-list><name>all</name><group>*</group>"
                        + "<rule><name>no-clear</name><module-name>stampd-stamp</module-name>"
                        + "<rpc-name>clear-statistics</rpc-name><access-operations>exec</access-operations>"
                        + "<action>deny</action></rule></rule-list>"
                        + "<rule-list><name>read-only</name><group>read-only</group>"
                        + "<rule><name>clear</name><rpc-name>clear-statistics</rpc-name><action>permit</action></rule>"
                        + "<rule><name>any-stamp</name><module-name>stampd-stamp</module-name>"
                        + "<access-operations>exec</access-operations><action>permit</action></rule>"
                        + "</rule-list>"));
        assertFalse(exec(viewer, STAMP, "clear-statistics"), "the * rule-list comes first");
        assertTrue(exec(viewer, STAMP, "fetch-records"), "a rule without rule-type matches its module's operations");
        assertTrue(exec(stranger, STAMP, "clear-statistics"), "a user in no group gets no rule-list, not even *");
    }

    @Test
    void disabledNacmPermitsEverything() throws Exception {
        running = replaceNacm("<nacm xmlns='" + NACM + "'><enable-nacm>false</enable-nacm></nacm>");
        assertTrue(exec(stranger, NC, "kill-session"));
        write(stranger, CHANGE);
        assertTrue(has(nacm.readable(stranger, running), "nacm"));
    }

    @Test
    void withoutNacmInRunningTheDocumentedDefaultsHold() throws Exception {
        running = content(STAMP_CONFIG);
        assertTrue(exec(admin, NC, "kill-session"), "admin is in the default operator group");
        assertTrue(exec(LockOwner.of("grpc", 0, "gRPC"), NC, "edit-config"));
        nacm.checkWrite(LockOwner.of("grpc", 0, "gRPC"), running, content(""));
        assertThrows(StoreException.class, () -> write(viewer, CHANGE),
                "viewer is in no group of the defaults");
    }

    @Test
    void rulePathsThatNameNoModuleAreRefusedBeforeTheyReachRunning() throws Exception {
        ContainerNode bad = replaceNacm(nacmXml("", "<rule-list><name>x</name><group>*</group><rule><name>r</name>"
                + "<path>/nosuch:stamp</path><action>deny</action></rule></rule-list>"));
        var e = assertThrows(StoreException.class, () -> nacm.validate(bad));
        assertEquals(ErrorTag.INVALID_VALUE, e.first().tag());
        assertTrue(e.first().path().xpath().startsWith("/nacm:nacm/nacm:rule-list[nacm:name='x']"),
                e.first().path().xpath());
        nacm.validate(running);
    }

    @Test
    void rulePathsParse() {
        var p = RulePath.parse("/a:x/y[a:k='v 1'][n=\"2\"]/z", s -> s.equals("a") ? Optional.of("urn:a")
                : Optional.empty());
        assertEquals(3, p.steps().size());
        assertEquals("urn:a", p.steps().get(1).namespace(), "an unprefixed step has its parent's namespace");
        assertEquals(Map.of("k", "v 1", "n", "2"), p.steps().get(1).predicates());
        assertTrue(RulePath.parse("/", s -> Optional.empty()).steps().isEmpty());
        for (String bad : List.of("x", "/b:x", "/x[1]", "/x[k=v]", "/x[k='v'", "//x")) {
            assertThrows(IllegalArgumentException.class, () -> RulePath.parse(bad, s -> Optional.empty()), bad);
        }
    }

    @Test
    void notificationsGoOnlyToUsersWhoMayReadThem() throws Exception {
        running = replaceNacm(nacmXml("<group><name>read-only</name><user-name>viewer</user-name></group>",
                readOnlyRules("<rule><name>no-thresholds</name><module-name>stampd-stamp</module-name>"
                        + "<notification-name>threshold-crossed</notification-name>"
                        + "<access-operations>read</access-operations><action>deny</action></rule>")));
        assertFalse(nacm.mayReceive(new Nacm.Subscriber("viewer"), STAMP, "threshold-crossed"));
        assertTrue(nacm.mayReceive(new Nacm.Subscriber("viewer"), STAMP, "session-state-change"));
        assertTrue(nacm.mayReceive(new Nacm.Subscriber("admin"), STAMP, "threshold-crossed"));
        assertEquals(1, nacm.deniedNotifications());
        ContainerNode state = nacm.state().orElseThrow();
        assertNotNull(state.childByArg(NodeIdentifier.create(NacmConfig.qname("denied-notifications"))));
        assertNull(Nacm.currentSubscriber().orElse(null));
        assertEquals("viewer", Nacm.subscribing("viewer", () -> Nacm.currentSubscriber().orElseThrow().user()));
    }
}
