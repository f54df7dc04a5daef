package io.stampd.tools.watch;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** The delay the sparkline follows: round trip (needs no clock sync), or one direction. */
public enum SparkMetric {
    ROUND_TRIP("round trip", "RTT", DelayPoint::roundTripNanos),
    FORWARD("forward", "FWD", DelayPoint::forwardNanos),
    BACKWARD("backward", "BWD", DelayPoint::backwardNanos);

    final String title;
    final String shortTitle;
    final ToLongFunction<DelayPoint> delay;

    SparkMetric(String title, String shortTitle, ToLongFunction<DelayPoint> delay) {
        this.title = title;
        this.shortTitle = shortTitle;
        this.delay = delay;
    }

    /** round-trip, forward or backward. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SparkMetric parse(String text) {
        return Arrays.stream(values()).filter(m -> m.optionValue().equals(text.strip().toLowerCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not one of:"
                        + " round-trip, forward, backward"));
    }
}
