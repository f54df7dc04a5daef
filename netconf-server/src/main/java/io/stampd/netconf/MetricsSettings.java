package io.stampd.netconf;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus endpoint's settings, the {@code metrics.} keys of the agent's configuration file:
 *
 * <pre>
 * metrics.port = 9862              # serves /metrics (Prometheus text and OpenMetrics); off unless set
 * metrics.listen-address = ::      # default ::
 * </pre>
 * Every problem is reported with the key and its value; an unknown {@code metrics.} key is refused.
 */
public record MetricsSettings(InetAddress listenAddress, int port) {
    public static final String PORT_KEY = "metrics.port";
    public static final String LISTEN_ADDRESS_KEY = "metrics.listen-address";
    private static final Set<String> KNOWN = Set.of(PORT_KEY, LISTEN_ADDRESS_KEY);

    public static Optional<MetricsSettings> load(Path configFile) throws AgentConfig.ConfigException {
        Properties p = AgentConfig.readProperties(configFile);
        return parse(configFile, p);
    }

    static Optional<MetricsSettings> parse(Path configFile, Properties p) throws AgentConfig.ConfigException {
        List<String> errors = new ArrayList<>();
        List<String> given = new TreeSet<>(p.stringPropertyNames()).stream().filter(k -> k.startsWith("metrics."))
                .toList();
        for (String key : given) {
            if (!KNOWN.contains(key)) {
                errors.add(key + " = '" + p.getProperty(key).strip() + "': unknown setting; the metrics settings are "
                        + new TreeSet<>(KNOWN));
            }
        }
        String port = p.getProperty(PORT_KEY);
        String address = p.getProperty(LISTEN_ADDRESS_KEY);
        int n = 0;
        if (port != null) {
            try {
                n = Integer.parseInt(port.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 65535) {
                errors.add(PORT_KEY + " = '" + port.strip() + "': not a port number 1..65535");
            }
        } else if (address != null) {
            errors.add(LISTEN_ADDRESS_KEY + " = '" + address.strip() + "': " + PORT_KEY
                    + " is missing: the metrics endpoint is off without it");
        }
        InetAddress listen = null;
        String a = address == null ? "::" : address.strip();
        String literal = a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
        try {
            listen = InetAddress.ofLiteral(literal); // never a name lookup
        } catch (IllegalArgumentException e) {
            errors.add(LISTEN_ADDRESS_KEY + " = '" + a + "': not an IPv4 or IPv6 address literal");
        }
        if (!errors.isEmpty()) {
            throw new AgentConfig.ConfigException("configuration file " + configFile + ":\n  "
                    + String.join("\n  ", errors));
        }
        return port == null ? Optional.empty() : Optional.of(new MetricsSettings(listen, n));
    }
}
