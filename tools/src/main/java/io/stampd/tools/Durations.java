package io.stampd.tools;

import picocli.CommandLine;

import java.math.BigDecimal;

/** Parses durations written with a unit: "500us", "10ms", "1.5s" (also "µs"). */
public final class Durations implements CommandLine.ITypeConverter<Long> {
    /** Converts to nanoseconds. */
    @Override
    public Long convert(String value) {
        return parseNanos(value);
    }

    static long parseNanos(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        long unit;
        String number;
        if (v.endsWith("us") || v.endsWith("µs")) {
            unit = 1_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            unit = 1_000_000L;
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            unit = 1_000_000_000L;
            number = v.substring(0, v.length() - 1);
        } else {
            throw new CommandLine.TypeConversionException("'" + value + "' needs a unit: us, ms or s (e.g. 10ms)");
        }
        BigDecimal n;
        try {
            n = new BigDecimal(number.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500us, 10ms, 1s)");
        }
        if (n.signum() < 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is negative");
        }
        BigDecimal ns = n.multiply(BigDecimal.valueOf(unit));
        if (ns.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too long");
        }
        return ns.longValue();
    }
}
