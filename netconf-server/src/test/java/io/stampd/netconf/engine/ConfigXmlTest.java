package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.YangModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opendaylight.yangtools.yang.data.api.schema.ContainerNode;

/** The saved running configuration: written, read back identical, refused when broken, replaced atomically. */
class ConfigXmlTest {
    private static ConfigXml xml;

    @TempDir
    Path dir;

    @BeforeAll
    static void model() throws Exception {
        xml = new ConfigXml(YangModels.load().context());
    }

    private static final String CONFIG = """
            <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
              <stamp xmlns="urn:stampd:yang:stampd-stamp">
                <key-chains><key-chain><name>k1</name><key>00112233</key></key-chain></key-chains>
                <stamp-session-sender>
                  <sender-test-session>
                    <stamp-session-id>7</stamp-session-id>
                    <interval>10000</interval>
                    <measurement-interval>5</measurement-interval>
                    <delay-bin-edge>0</delay-bin-edge><delay-bin-edge>2000</delay-bin-edge>
                    <session-reflector-ip>2001:db8::2</session-reflector-ip>
                    <forward-path><segment>fc00::e</segment><segment>2001:db8::2</segment></forward-path>
                    <security><key-chain>k1</key-chain></security>
                    <thresholds>
                      <delay-threshold><metric>two-way-delay</metric><kind>periodic</kind><raise>9000000</raise>
                      </delay-threshold>
                    </thresholds>
                  </sender-test-session>
                </stamp-session-sender>
                <stamp-session-reflector>
                  <reflector-test-session><session-index>3</session-index><ssid>9</ssid></reflector-test-session>
                </stamp-session-reflector>
              </stamp>
            </config>
            """;

    @Test
    void roundTripKeepsEverythingIncludingSegmentOrder() throws Exception {
        Optional<ContainerNode> root = xml.read(CONFIG.getBytes(StandardCharsets.UTF_8));
        assertTrue(root.isPresent());
        byte[] written = xml.write(root);
        assertEquals(root, xml.read(written));
        String text = new String(written, StandardCharsets.UTF_8);
        assertTrue(text.indexOf("fc00::e") < text.indexOf("<segment>2001:db8::2"), text);

        DesiredSessions d = DesiredSessions.of(root);
        assertEquals(List.of(7L), List.copyOf(d.senders().keySet()));
        assertEquals(10_000_000L, d.senders().get(7L).config().intervalNanos());
        assertEquals(4, d.senders().get(7L).config().hmacKey().length, "key from the key chain");
        assertEquals(9_000_000L, d.senders().get(7L).thresholds().delays().getFirst().raiseNanos());
        assertEquals(9, d.reflectors().get(3L).config().ssid());
    }

    @Test
    void thePreviewWithoutTheModelsSeesTheSameSessions() throws Exception {
        Path file = dir.resolve("running.xml");
        Files.writeString(file, CONFIG);
        DesiredSessions full = DesiredSessions.of(xml.read(CONFIG.getBytes(StandardCharsets.UTF_8)));
        DesiredSessions preview = SavedSessionsPreview.read(file).orElseThrow();
        assertEquals(new IntervalSettings(5, 16, List.of(0L, 2000L)), full.senders().get(7L).intervals());
        assertEquals(Thresholds.Kind.PERIODIC, full.senders().get(7L).thresholds().delays().getFirst().kind());
        assertEquals(full.senders().keySet(), preview.senders().keySet());
        for (var e : full.senders().entrySet()) {
            SenderIntent p = preview.senders().get(e.getKey());
            assertTrue(SenderIntent.sameSession(e.getValue().config(), p.config()), p.config().toString());
            assertEquals(e.getValue().thresholds(), p.thresholds());
            assertEquals(e.getValue().intervals(), p.intervals());
            assertEquals(e.getValue().enabled(), p.enabled());
        }
        assertEquals(full.reflectors().keySet(), preview.reflectors().keySet());
        assertTrue(ReflectorIntent.sameSession(full.reflectors().get(3L).config(),
                preview.reflectors().get(3L).config()));
        Files.writeString(file, "<config");
        assertEquals(Optional.empty(), SavedSessionsPreview.read(file), "no preview of a broken file");
        assertEquals(Optional.empty(), SavedSessionsPreview.read(dir.resolve("none.xml")));
    }

    @Test
    void anEmptyConfigurationIsAnEmptyRoot() throws Exception {
        assertEquals(Optional.empty(), xml.read(xml.write(Optional.empty())));
    }

    @Test
    void brokenFilesAreRefusedWithTheReason() {
        var notXml = assertThrows(IOException.class, () -> xml.read("<config".getBytes(StandardCharsets.UTF_8)));
        assertTrue(notXml.getMessage().startsWith("not well-formed XML"), notXml.getMessage());
        var unknown = assertThrows(IOException.class, () -> xml.read(CONFIG.replace("<interval>",
                "<colour>red</colour><interval>").getBytes(StandardCharsets.UTF_8)));
        assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
        var badValue = assertThrows(IOException.class, () -> xml.read(CONFIG.replace("<interval>10000",
                "<interval>ten").getBytes(StandardCharsets.UTF_8)));
        assertTrue(badValue.getMessage().contains("ten"), badValue.getMessage());
    }

    @Test
    void savingReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        RunningConfigFile file = new RunningConfigFile(dir.resolve("state/running.xml"), xml);
        assertFalse(file.exists());
        assertEquals(Optional.empty(), file.load());
        Optional<ContainerNode> root = xml.read(CONFIG.getBytes(StandardCharsets.UTF_8));
        file.save(root);
        file.save(root);
        assertEquals(root, file.load());
        try (var files = Files.list(dir.resolve("state"))) {
            assertEquals(List.of("running.xml"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
