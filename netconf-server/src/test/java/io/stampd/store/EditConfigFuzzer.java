package io.stampd.store;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.stampd.netconf.ConfigCommitHook;
import io.stampd.netconf.StampConfigCheck;
import io.stampd.netconf.YangModels;
import io.stampd.netconf.protocol.ConfigModel;
import io.stampd.netconf.protocol.EditOperation;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;
import org.xml.sax.SAXException;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Fuzz target: the NETCONF edit-config parser and the edit applier, through the configuration
 * store into running, with the engine's own configuration check as commit hook. Edits are built
 * from the model's real elements with arbitrary values and operations (and sometimes arbitrary
 * XML). Invariants: an edit is either applied or refused with a YANG error (StoreException),
 * never another exception; a refused edit leaves running exactly as it was; whatever running
 * holds afterwards, the engine accepts.
 */
class EditConfigFuzzer {
    private static final String NC = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private static final String NS = "urn:stampd:yang:stampd-stamp";
    private static final String[] OPERATIONS = {"", "merge", "replace", "create", "delete", "remove", "bogus"};
    private static final String[] SENDER_LEAVES = {"ssid", "interval", "number-of-packets", "packet-length",
        "dscp-value", "ecn-value", "session-reflector-ip", "session-reflector-udp-port", "sender-ip",
        "session-sender-udp-port", "loss-timeout", "follow-up-telemetry", "test-session-enable", "record-capacity",
        "sender-timestamp-format", "first-percentile", "bogus-leaf"};
    private static final String[] REFLECTOR_LEAVES = {"ssid", "sender-ip", "sender-udp-port", "reflector-ip",
        "reflector-udp-port", "accept-short-test-packets", "dscp-handling-mode", "dscp-value", "allow-reply-ecn",
        "reflector-timestamp-format", "test-session-enable"};
    private static final String[] VALUES = {"1", "0", "7", "862", "8620", "65536", "-1", "forever", "true", "false",
        "fd00:23::3", "fd00:12::1", "::", "ff02::1", "10.0.0.1", "ntp-format", "ptp-format", "ect0", "ce",
        "use-configured-value", "copy-received-value", "any", "10000", "99.9", "44", "9000", "x", ""};
    private static final ConfigModel MODEL;
    private static final ConfigStore STORE;
    private static final LockOwner OWNER = LockOwner.netconf(7);
    private static final DocumentBuilderFactory XML = DocumentBuilderFactory.newInstance();
    private static int edits;

    static {
        try {
            MODEL = new ConfigModel(YangModels.load().context());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        ConfigCommitHook engineCheck = change -> StampConfigCheck.sessions(change.after());
        STORE = new ConfigStore(TestStores.running(MODEL, executor, engineCheck), MODEL);
        XML.setNamespaceAware(true);
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider d) throws Exception {
        if (++edits % 200 == 0) {
            STORE.replaceRunning(OWNER, emptyRoot()); // keep running small
        }
        String body = d.consumeInt(0, 15) == 0 ? d.consumeString(400) : sessionsEdit(d);
        EditOperation defaultOperation = switch (d.consumeInt(0, 2)) {
            case 0 -> EditOperation.MERGE;
            case 1 -> EditOperation.REPLACE;
            default -> EditOperation.NONE;
        };
        boolean testOnly = d.consumeBoolean();
        Element config;
        try {
            config = XML.newDocumentBuilder().parse(new ByteArrayInputStream(("<config xmlns='" + NC + "'>" + body
                    + "</config>").getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        } catch (SAXException e) {
            return; // not XML: the NETCONF layer answers malformed-message before any of this
        }
        ContainerNode before = STORE.running();
        try {
            var steps = MODEL.edit(config, defaultOperation);
            STORE.editRunning(OWNER, m -> MODEL.applier().apply(steps, m), testOnly);
        } catch (StoreException refused) {
            assertFalse(refused.errors().isEmpty(), "a refusal without an rpc-error");
            assertEquals(before, STORE.running(), "a refused edit changed running: " + body);
            return;
        }
        if (testOnly) {
            assertEquals(before, STORE.running(), "a test-only edit changed running");
        }
        StampConfigCheck.sessions(Optional.of(STORE.running())); // what running holds, the engine takes
    }

    private static ContainerNode emptyRoot() {
        return ConfigTree.emptyRoot();
    }

    /** One edit of sender and reflector sessions from the model's elements. */
    private static String sessionsEdit(FuzzedDataProvider d) {
        StringBuilder b = new StringBuilder("<stamp xmlns='" + NS + "'>");
        if (d.consumeBoolean()) {
            b.append("<stamp-session-sender>");
            int n = d.consumeInt(0, 3);
            for (int i = 0; i < n; i++) {
                b.append("<sender-test-session").append(operation(d)).append("><stamp-session-id>")
                        .append(d.consumeInt(0, 4)).append("</stamp-session-id>");
                leaves(d, b, SENDER_LEAVES);
                if (d.consumeInt(0, 3) == 0) {
                    b.append("<class-of-service").append(operation(d)).append("><reply-dscp>")
                            .append(value(d)).append("</reply-dscp></class-of-service>");
                }
                b.append("</sender-test-session>");
            }
            b.append("</stamp-session-sender>");
        }
        if (d.consumeBoolean()) {
            b.append("<stamp-session-reflector>");
            if (d.consumeBoolean()) {
                b.append("<reflector-mode-state>").append(d.consumeBoolean() ? "stateful" : value(d))
                        .append("</reflector-mode-state>");
            }
            int n = d.consumeInt(0, 3);
            for (int i = 0; i < n; i++) {
                b.append("<reflector-test-session").append(operation(d)).append("><session-index>")
                        .append(d.consumeInt(0, 4)).append("</session-index>");
                leaves(d, b, REFLECTOR_LEAVES);
                if (d.consumeInt(0, 3) == 0) {
                    b.append("<return-path><segment>").append(value(d)).append("</segment></return-path>");
                }
                b.append("</reflector-test-session>");
            }
            b.append("</stamp-session-reflector>");
        }
        return b.append("</stamp>").toString();
    }

    private static void leaves(FuzzedDataProvider d, StringBuilder b, String[] names) {
        int n = d.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            String name = names[d.consumeInt(0, names.length - 1)];
            b.append('<').append(name).append(operation(d)).append('>').append(value(d)).append("</").append(name)
                    .append('>');
        }
    }

    private static String operation(FuzzedDataProvider d) {
        String op = OPERATIONS[d.consumeInt(0, OPERATIONS.length - 1)];
        return op.isEmpty() ? "" : " xmlns:nc='" + NC + "' nc:operation='" + op + "'";
    }

    private static String value(FuzzedDataProvider d) {
        return d.consumeInt(0, 9) == 0 ? escape(d.consumeString(20)) : VALUES[d.consumeInt(0, VALUES.length - 1)];
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }

    @FuzzTest(maxDuration = "10s")
    void edit(FuzzedDataProvider d) throws Exception {
        fuzzerTestOneInput(d);
    }
}
