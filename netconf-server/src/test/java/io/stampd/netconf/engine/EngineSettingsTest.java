package io.stampd.netconf.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stampd.netconf.AgentConfig;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {
    private static final Path FILE = Path.of("/etc/stampd/agent.conf");

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsKeepTheSavedConfigurationNextToTheFile() throws Exception {
        EngineSettings s = EngineSettings.parse(FILE, props("netconf.port", "830"));
        assertEquals(Path.of("/etc/stampd/running.xml"), s.runningFile());
        assertEquals(5, s.stateRecords());
        assertEquals(1000, s.stateRefreshMillis());
    }

    @Test
    void relativeStateDirectoriesAreRelativeToTheFile() throws Exception {
        EngineSettings s = EngineSettings.parse(FILE, props("stampd.state-dir", "state", "stampd.state-records", "0",
                "stampd.state-refresh-ms", "250"));
        assertEquals(Path.of("/etc/stampd/state/running.xml"), s.runningFile());
        assertEquals(0, s.stateRecords());
        assertEquals(250, s.stateRefreshMillis());
        assertEquals(Path.of("/var/lib/stampd/running.xml"),
                EngineSettings.parse(FILE, props("stampd.state-dir", "/var/lib/stampd")).runningFile());
    }

    @Test
    void everyProblemIsNamed() {
        var e = assertThrows(AgentConfig.ConfigException.class, () -> EngineSettings.parse(FILE, props(
                "stampd.state-records", "many", "stampd.state-refresh-ms", "5000", "stampd.statedir", "x")));
        assertTrue(e.getMessage().contains("stampd.state-records: 'many' is not a number 0..1024"), e.getMessage());
        assertTrue(e.getMessage().contains("stampd.state-refresh-ms: '5000' is not a number 100..1000"),
                e.getMessage());
        assertTrue(e.getMessage().contains("stampd.statedir: unknown setting"), e.getMessage());
    }
}
