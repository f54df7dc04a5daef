package io.stampd.dataplane.codec;

/**
 * The two STAMP timestamp formats (RFC 8762 §4.2.1). The Z bit of the Error Estimate tells which
 * one the writer of a timestamp used.
 */
public enum TimestampFormat {
    /** NTP 64-bit: seconds since 1900-01-01 (32 bits) and a binary fraction of a second (32 bits). */
    NTP,
    /** PTPv2 truncated: low 32 bits of TAI seconds since 1970-01-01 and 32 bits of nanoseconds. */
    PTP;

    /** The Error Estimate Z bit for this format. */
    public int zBit() {
        return this == PTP ? 1 : 0;
    }

    public static TimestampFormat fromZBit(int z) {
        return z == 0 ? NTP : PTP;
    }

    /** Parses "ntp" or "ptp" (any case, "ptpv2" accepted); the error names the accepted words. */
    public static TimestampFormat parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ntp" -> NTP;
            case "ptp", "ptpv2" -> PTP;
            default -> throw new IllegalArgumentException(
                    "timestamp format '" + text + "' is not one of: ntp, ptp");
        };
    }
}
