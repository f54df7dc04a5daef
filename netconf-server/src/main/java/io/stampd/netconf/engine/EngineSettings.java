package io.stampd.netconf.engine;

import io.stampd.netconf.AgentConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The engine's settings, from the agent's configuration file (the {@code stampd.} keys; the
 * {@code netconf.} keys are {@link AgentConfig}'s):
 *
 * <pre>
 * stampd.state-dir = /var/lib/stampd    # where running is saved (running.xml); default: the file's directory
 * stampd.state-records = 5              # latest records per sender session shown in the state (0..1024)
 * stampd.state-refresh-ms = 1000        # how often finished sessions are marked completed (100..1000);
 *                                        # the state itself is computed when a get reads it
 * </pre>
 */
public record EngineSettings(Path stateDir, int stateRecords, long stateRefreshMillis) {
    public static final String RUNNING_FILE = "running.xml";

    private static final String PREFIX = "stampd.";

    public Path runningFile() {
        return stateDir.resolve(RUNNING_FILE);
    }

    public static EngineSettings load(Path configFile) throws AgentConfig.ConfigException {
        Properties p = AgentConfig.readProperties(configFile);
        return parse(configFile, p);
    }

    static EngineSettings parse(Path configFile, Properties p) throws AgentConfig.ConfigException {
        List<String> errors = new ArrayList<>();
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith(PREFIX) && !List.of("stampd.state-dir", "stampd.state-records",
                    "stampd.state-refresh-ms").contains(key)) {
                errors.add(key + ": unknown setting (known: stampd.state-dir, stampd.state-records,"
                        + " stampd.state-refresh-ms)");
            }
        }
        Path dir = configFile.toAbsolutePath().getParent();
        String sd = p.getProperty("stampd.state-dir");
        Path stateDir = dir;
        if (sd != null && !sd.isBlank()) {
            try {
                stateDir = dir.resolve(sd.strip());
            } catch (InvalidPathException e) {
                errors.add("stampd.state-dir: not a directory name: " + e.getReason());
            }
        }
        int records = (int) number(p, "stampd.state-records", 5, 0, 1024, errors);
        long refresh = number(p, "stampd.state-refresh-ms", 1000, 100, 1000, errors);
        if (!errors.isEmpty()) {
            throw new AgentConfig.ConfigException("configuration file " + configFile + ":\n  "
                    + String.join("\n  ", errors));
        }
        return new EngineSettings(stateDir, records, refresh);
    }

    private static long number(Properties p, String key, long dflt, long min, long max, List<String> errors) {
        String v = p.getProperty(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + ": '" + v.strip() + "' is not a number " + min + ".." + max);
        return dflt;
    }
}
