package io.stampd.netconf.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.YangModels;
import io.stampd.store.ConfigTree;
import io.stampd.store.StoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opendaylight.yangtools.yang.common.ErrorTag;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.w3c.dom.Element;

/**
 * The protocol package without a server: edits read, applied and validated against stampd's YANG
 * model, error-paths, with-defaults and subtree selection on data trees.
 */
class ConfigModelTest {
    private static final String NS = YangModels.STAMP_NAMESPACE;
    private static final String S1 = "/sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session"
            + "[sstamp:stamp-session-id='1']";
    private static ConfigModel model;

    @BeforeAll
    static void loadModel() throws Exception {
        model = new ConfigModel(YangModels.load().context());
    }

    private static Element xml(String text) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    private static Element config(String stampBody) throws Exception {
        return xml("<config xmlns='urn:ietf:params:xml:ns:netconf:base:1.0' "
                + "xmlns:xc='urn:ietf:params:xml:ns:netconf:base:1.0'><stamp xmlns='" + NS + "'>" + stampBody
                + "</stamp></config>");
    }

    private static String sender(String body) {
        return "<stamp-session-sender><sender-test-session><stamp-session-id>1</stamp-session-id>" + body
                + "</sender-test-session></stamp-session-sender>";
    }

    private static ConfigTree edit(ConfigTree tree, Element config) throws StoreException {
        List<EditStep> steps = model.edit(config, EditOperation.MERGE);
        tree.change(m -> model.applier().apply(steps, m));
        return tree;
    }

    private static ConfigTree tree(String stampBody) throws Exception {
        return edit(model.newTree(ConfigTree.emptyRoot()), config(stampBody));
    }

    @Test
    void aValueOutOfRangeNamesItsLeaf() {
        var e = assertThrows(StoreException.class, () -> model.edit(config(sender("<interval>10</interval>")),
                EditOperation.MERGE));
        assertEquals(ErrorTag.INVALID_VALUE, e.first().tag());
        assertEquals(S1 + "/sstamp:interval", e.first().path().xpath());
        assertEquals("urn:stampd:yang:stampd-stamp", e.first().path().namespaces().get("sstamp"));
    }

    @Test
    void decimalIntegersOnlyAndLeadingZerosAreDecimal() throws Exception {
        assertThrows(StoreException.class, () -> model.edit(config(sender("<ssid>0x10</ssid>")),
                EditOperation.MERGE));
        var t = tree(sender("<ssid>010</ssid><session-reflector-ip>::1</session-reflector-ip>"));
        String content = t.content().prettyTree().toString();
        assertTrue(content.contains("ssid = 10"), content);
    }

    @Test
    void mergeReplaceCreateDeleteFollowRfc6241() throws Exception {
        var t = tree(sender("<session-reflector-ip>::1</session-reflector-ip><forward-path><segment>fc00::1</segment>"
                + "<segment>::1</segment></forward-path>"));
        // replace of the forward path drops its old segments
        edit(t, config(sender("<forward-path xc:operation='replace'><segment>::1</segment></forward-path>")));
        assertFalse(t.content().prettyTree().toString().contains("fc00::1"));
        var exists = assertThrows(StoreException.class, () -> edit(t, config(
                "<stamp-session-sender><sender-test-session xc:operation='create'><stamp-session-id>1"
                        + "</stamp-session-id></sender-test-session></stamp-session-sender>")));
        assertEquals(ErrorTag.DATA_EXISTS, exists.first().tag());
        assertEquals(S1, exists.first().path().xpath());
        var missing = assertThrows(StoreException.class, () -> edit(t, config(sender(
                "<ssid xc:operation='delete'/>"))));
        assertEquals(ErrorTag.DATA_MISSING, missing.first().tag());
        edit(t, config(sender("<ssid xc:operation='remove'/>"))); // remove of a missing leaf is fine
    }

    @Test
    void defaultOperationNoneCreatesNothingOnTheWay() throws Exception {
        var t = tree(sender("<session-reflector-ip>::1</session-reflector-ip>"));
        // under none, an element without operation only leads to the nested one
        List<EditStep> ok = model.edit(config(sender("<ssid xc:operation='merge'>9</ssid>")), EditOperation.NONE);
        t.change(m -> model.applier().apply(ok, m));
        assertTrue(t.content().prettyTree().toString().contains("ssid = 9"));
        // ...and a list entry it leads through must exist
        List<EditStep> missing = model.edit(config("<stamp-session-sender><sender-test-session>"
                + "<stamp-session-id>2</stamp-session-id><ssid xc:operation='merge'>9</ssid>"
                + "</sender-test-session></stamp-session-sender>"), EditOperation.NONE);
        var e = assertThrows(StoreException.class, () -> t.change(m -> model.applier().apply(missing, m)));
        assertEquals(ErrorTag.DATA_MISSING, e.first().tag());
        assertEquals("/sstamp:stamp/sstamp:stamp-session-sender/sstamp:sender-test-session"
                + "[sstamp:stamp-session-id='2']", e.first().path().xpath());
    }

    @Test
    void aFailedEditLeavesTheTreeAsItWas() throws Exception {
        var t = tree(sender("<session-reflector-ip>::1</session-reflector-ip>"));
        ContainerNode before = t.content();
        assertThrows(StoreException.class, () -> edit(t, config(sender("<ssid>7</ssid>")
                + "<key-chains><key-chain xc:operation='delete'><name>none</name></key-chain></key-chains>")));
        assertEquals(before, t.content());
    }

    @Test
    void writingOneCaseOfAChoiceRemovesTheOther() throws Exception {
        var t = tree(sender("<session-reflector-ip>::1</session-reflector-ip><security><key>00ff</key></security>"));
        edit(t, config(sender("<security><key-chain>lab</key-chain></security>")));
        String content = t.content().prettyTree().toString();
        assertTrue(content.contains("lab") && !content.contains("00ff"), content);
    }

    @Test
    void validationFindsMandatoryUniqueAndLeafrefProblems() throws Exception {
        var missing = assertThrows(StoreException.class, () -> model.validator().validate(
                tree(sender("<ssid>1</ssid>")).content()));
        assertEquals(ErrorTag.DATA_MISSING, missing.first().tag());
        assertEquals(S1 + "/sstamp:session-reflector-ip", missing.first().path().xpath());

        var leafref = assertThrows(StoreException.class, () -> model.validator().validate(tree(sender(
                "<session-reflector-ip>::1</session-reflector-ip><security><key-chain>nope</key-chain></security>"))
                .content()));
        assertEquals("instance-required", leafref.first().appTag());

        var unique = assertThrows(StoreException.class, () -> model.validator().validate(tree(
                "<stamp-session-sender>"
                        + "<sender-test-session><stamp-session-id>1</stamp-session-id><ssid>5</ssid>"
                        + "<session-reflector-ip>::1</session-reflector-ip></sender-test-session>"
                        + "<sender-test-session><stamp-session-id>2</stamp-session-id><ssid>5</ssid>"
                        + "<session-reflector-ip>::1</session-reflector-ip></sender-test-session>"
                        + "</stamp-session-sender>").content()));
        assertEquals("data-not-unique", unique.first().appTag());
        assertEquals(3, unique.first().info().size()); // one non-unique per leaf of the unique statement
    }

    @Test
    void defaultsComeFromTheModel() throws Exception {
        var t = tree(sender("<session-reflector-ip>::1</session-reflector-ip>"
                + "<session-reflector-udp-port>862</session-reflector-udp-port>"));
        var defaults = new Defaults(model.schema(), model.values());
        String all = defaults.apply(WithDefaultsMode.REPORT_ALL, t.content(), false).prettyTree().toString();
        assertTrue(all.contains("interval = 1000000") && all.contains("evaluation-interval = 10"), all);
        String trimmed = defaults.apply(WithDefaultsMode.TRIM, t.content(), false).prettyTree().toString();
        assertFalse(trimmed.contains("862"), trimmed);
        assertEquals(t.content(), defaults.apply(WithDefaultsMode.EXPLICIT, t.content(), false));
    }

    @Test
    void subtreeSelectionKeepsKeysAndHonoursContentMatches() throws Exception {
        var t = tree("<stamp-session-sender>"
                + "<sender-test-session><stamp-session-id>1</stamp-session-id><ssid>5</ssid></sender-test-session>"
                + "<sender-test-session><stamp-session-id>2</stamp-session-id><ssid>6</ssid></sender-test-session>"
                + "</stamp-session-sender>");
        var selection = new SubtreeSelection(model.schema(), model.values());
        String one = selection.select(t.content(), xml("<filter xmlns='urn:ietf:params:xml:ns:netconf:base:1.0'>"
                + "<stamp xmlns='" + NS + "'><stamp-session-sender><sender-test-session><ssid>6</ssid>"
                + "</sender-test-session></stamp-session-sender></stamp></filter>")).prettyTree().toString();
        assertTrue(one.contains("stamp-session-id = 2") && !one.contains("stamp-session-id = 1"), one);
        String none = selection.select(t.content(), xml("<filter xmlns='urn:ietf:params:xml:ns:netconf:base:1.0'/>"))
                .prettyTree().toString();
        assertFalse(none.contains("stamp"), none);
    }

    @Test
    void hookPathsGetPrefixes() {
        var p = model.paths().ofPlainXPath("/stamp/stamp-session-reflector/reflector-test-session"
                + "[session-index='11']/reflector-udp-port");
        assertEquals("/sstamp:stamp/sstamp:stamp-session-reflector/sstamp:reflector-test-session"
                + "[sstamp:session-index='11']/sstamp:reflector-udp-port", p.xpath());
        assertEquals("/not/in/the/model", model.paths().ofPlainXPath("/not/in/the/model").xpath());
    }
}
