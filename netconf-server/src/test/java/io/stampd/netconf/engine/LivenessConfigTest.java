package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.dataplane.session.Liveness;
import io.stampd.netconf.YangModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The liveness container of a sender test session: defaults, values, and values outside the range refused. */
class LivenessConfigTest {
    private static ConfigXml xml;

    @BeforeAll
    static void model() throws Exception {
        xml = new ConfigXml(YangModels.load().context());
    }

    private static String config(String liveness) {
        return """
                <config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
                  <stamp xmlns="urn:stampd:yang:stampd-stamp">
                    <stamp-session-sender>
                      <sender-test-session>
                        <stamp-session-id>7</stamp-session-id>
                        <session-reflector-ip>2001:db8::2</session-reflector-ip>
                        %s
                      </sender-test-session>
                    </stamp-session-sender>
                  </stamp>
                </config>
                """.formatted(liveness);
    }

    private static Liveness.Settings settings(String liveness) throws Exception {
        return DesiredSessions.of(xml.read(config(liveness).getBytes(StandardCharsets.UTF_8))).senders().get(7L)
                .liveness();
    }

    @Test
    void defaultsAreThreeAndThree() throws Exception {
        assertEquals(new Liveness.Settings(3, 3), settings(""));
        assertEquals(new Liveness.Settings(3, 3), settings("<liveness/>"));
    }

    @Test
    void configuredValuesAreTaken() throws Exception {
        assertEquals(new Liveness.Settings(10, 1), settings(
                "<liveness><down-after-lost>10</down-after-lost><up-after-received>1</up-after-received></liveness>"));
    }

    @Test
    void valuesOutsideTheRangeAreRefused() {
        for (String leaf : new String[] {"down-after-lost", "up-after-received"}) {
            for (String value : new String[] {"0", "1000001"}) {
                var e = assertThrows(IOException.class, () -> settings(
                        "<liveness><" + leaf + ">" + value + "</" + leaf + "></liveness>"));
                // The YANG parser names the value and the range (the NETCONF reply adds the path).
                assertTrue(e.getMessage().contains("'" + value + "'") && e.getMessage().contains("1..1000000"),
                        leaf + " " + value + ": " + e.getMessage());
            }
        }
    }
}
