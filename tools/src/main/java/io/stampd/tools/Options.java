package io.stampd.tools;

/** Helpers for turning validation messages into CLI errors that name the option. */
final class Options {
    private Options() {
    }

    /** Maps the field names used by the session configurations to the CLI options. */
    static String nameIn(String message, String... overrides) {
        String m = message;
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            if (m.startsWith(overrides[i])) {
                return overrides[i + 1] + ": " + m;
            }
        }
        String[][] map = {
                {"reflector port", "--port"}, {"sender port", "--source-port"}, {"ssid", "--ssid"},
                {"interval", "--interval"}, {"packet count", "--count"}, {"packet length", "--length"},
                {"dscp", "--dscp"}, {"percentile", "--percentiles"}, {"HMAC key", "--key"},
                {"forward segment list", "--segments"}, {"return segment list", "--return-segments"},
                {"timestamp format", "--timestamp"}, {"reflector mode", "--reflector-mode"}, {"exactly three percentiles", "--percentiles: exactly three percentiles"},
        };
        for (String[] e : map) {
            if (m.startsWith(e[0])) {
                return e[1] + ": " + m;
            }
        }
        return m;
    }
}
