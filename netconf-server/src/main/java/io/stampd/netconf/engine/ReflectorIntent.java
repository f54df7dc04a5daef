package io.stampd.netconf.engine;

import io.stampd.dataplane.session.ReflectorSessionConfig;
import java.util.Arrays;
import java.util.Objects;

/** What the configuration asks of one reflector test session: the session and whether it runs (reflector-enable). */
record ReflectorIntent(ReflectorSessionConfig config, boolean enabled) {

    /**
     * True if both answer the same packets the same way (the record's equals compares the key by
     * identity). The rate limit is left out: it changes in place ({@link ReflectorSession#rateLimit}).
     */
    static boolean sameSession(ReflectorSessionConfig a, ReflectorSessionConfig b) {
        return a.id() == b.id() && a.ssid() == b.ssid() && Objects.equals(a.senderAddress(), b.senderAddress())
                && a.senderPort() == b.senderPort() && Objects.equals(a.reflectorAddress(), b.reflectorAddress())
                && a.reflectorPort() == b.reflectorPort() && a.returnSegments().equals(b.returnSegments())
                && a.timestampFormat() == b.timestampFormat() && a.stateful() == b.stateful()
                && Arrays.equals(a.hmacKey(), b.hmacKey()) && a.acceptShortTestPackets() == b.acceptShortTestPackets()
                && a.classOfService().equals(b.classOfService());
    }
}
