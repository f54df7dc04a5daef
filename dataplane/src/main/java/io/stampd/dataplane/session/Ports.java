package io.stampd.dataplane.session;

/** Range checks shared by session configurations (RFC 8762 §4.1: port 862 or 1024-65535). */
final class Ports {
    private Ports() {
    }

    static void checkReflectorPort(int port, String what) {
        if (port != 862 && (port < 1024 || port > 65535)) {
            throw new IllegalArgumentException(what + " " + port + " is not 862 or in 1024..65535");
        }
    }

    /** 0 means "any" (ephemeral for a sender, wildcard for a reflector session's sender port). */
    static void checkSenderPort(int port, String what) {
        if (port != 0 && (port < 1024 || port > 65535)) {
            throw new IllegalArgumentException(what + " " + port + " is not in 1024..65535 (0 = any)");
        }
    }

    static void checkSsid(int ssid, String what) {
        if (ssid < 0 || ssid > 65535) {
            throw new IllegalArgumentException(what + " " + ssid + " is outside 0..65535");
        }
    }

    static void checkSessionId(long id, String what) {
        if (id < 0 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " " + id + " is outside 0..4294967295");
        }
    }
}
