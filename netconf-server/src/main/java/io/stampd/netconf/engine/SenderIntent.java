package io.stampd.netconf.engine;

import io.stampd.dataplane.session.Liveness;
import io.stampd.dataplane.session.SenderSessionConfig;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the configuration asks of one sender test session: the data plane's session, whether it
 * should run (test-session-enable and sender-enable together), its thresholds, when it counts as
 * down or up (liveness) and its measurement intervals.
 */
record SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds, Liveness.Settings liveness,
                    IntervalSettings intervals) {

    /** With the default liveness settings and measurement intervals. */
    SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds) {
        this(config, enabled, thresholds, Liveness.Settings.DEFAULT, IntervalSettings.DEFAULT);
    }

    /** With the default measurement intervals. */
    SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds, Liveness.Settings liveness) {
        this(config, enabled, thresholds, liveness, IntervalSettings.DEFAULT);
    }

    /** With the default liveness settings. */
    SenderIntent(SenderSessionConfig config, boolean enabled, Thresholds thresholds, IntervalSettings intervals) {
        this(config, enabled, thresholds, Liveness.Settings.DEFAULT, intervals);
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
                && a.reflectorMode() == b.reflectorMode() && a.followUpTelemetry() == b.followUpTelemetry()
                && a.ecn() == b.ecn() && Objects.equals(a.classOfService(), b.classOfService());
    }
}
