package io.stampd.netconf.engine;

import io.stampd.dataplane.session.SenderSessionConfig;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the configuration asks of one sender test session: the data plane's session, whether it
 * should run (test-session-enable and sender-enable together), its thresholds and its measurement
 * intervals.
 */
record SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds, IntervalSettings intervals) {

    /** With the default measurement intervals. */
    SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds) {
        this(config, enabled, thresholds, IntervalSettings.DEFAULT);
    }

    /**
     * True if both configure the same packets. SenderSessionConfig is a record with array
     * components, whose generated equals compares the arrays by identity.
     */
    static boolean sameSession(SenderSessionConfig a, SenderSessionConfig b) {
        return a.id() == b.id() && a.ssid() == b.ssid()
                && Objects.equals(a.senderAddress(), b.senderAddress()) && a.senderPort() == b.senderPort()
                && a.reflectorAddress().equals(b.reflectorAddress()) && a.reflectorPort() == b.reflectorPort()
                && a.forwardSegments().equals(b.forwardSegments()) && a.intervalNanos() == b.intervalNanos()
                && a.packetCount() == b.packetCount() && a.timestampFormat() == b.timestampFormat()
                && Arrays.equals(a.hmacKey(), b.hmacKey()) && a.packetLength() == b.packetLength()
                && a.dscp() == b.dscp() && a.lossTimeoutNanos() == b.lossTimeoutNanos()
                && Arrays.equals(a.percentiles(), b.percentiles()) && a.recordCapacity() == b.recordCapacity()
                && a.reflectorMode() == b.reflectorMode() && a.followUpTelemetry() == b.followUpTelemetry();
    }
}
