package io.stampd.dataplane.session;

/**
 * A token-bucket limit on the test packets a reflector answers: on average at most
 * {@code packetsPerSecond}, with up to {@code burst} at once after a quiet spell. Packets over
 * the limit are dropped, never answered (RFC 8762 §7, security considerations: a reflector must
 * not be a reflector of traffic an attacker can drive at will).
 *
 * @param packetsPerSecond the steady rate, 1 to {@link #MAX_PACKETS_PER_SECOND}
 * @param burst            the bucket's depth in packets, 1 to {@link #MAX_BURST}
 */
public record RateLimit(long packetsPerSecond, long burst) {
    public static final long MAX_PACKETS_PER_SECOND = 100_000_000L;
    public static final long MAX_BURST = 1_000_000L;
    /** The burst when none is given (YANG default, CLI default). */
    public static final long DEFAULT_BURST = 10;

    public RateLimit {
        if (packetsPerSecond < 1 || packetsPerSecond > MAX_PACKETS_PER_SECOND) {
            throw new IllegalArgumentException("rate limit packets-per-second must be 1 to " + MAX_PACKETS_PER_SECOND
                    + ", not " + packetsPerSecond);
        }
        if (burst < 1 || burst > MAX_BURST) {
            throw new IllegalArgumentException("rate limit burst must be 1 to " + MAX_BURST + " packets, not " + burst);
        }
    }

    /**
     * Reads {@code PPS} or {@code PPS/BURST} (the CLI's form); {@code what} names the option in
     * the error.
     */
    public static RateLimit parse(String text, String what) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && parts[1].isEmpty())) {
            throw new IllegalArgumentException(what + " must be PPS or PPS/BURST (packets per second, burst in"
                    + " packets), e.g. 200 or 200/20, not '" + text + "'");
        }
        try {
            long pps = Long.parseLong(parts[0]);
            long burst = parts.length == 2 ? Long.parseLong(parts[1]) : DEFAULT_BURST;
            return new RateLimit(pps, burst);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be PPS or PPS/BURST with whole numbers, e.g. 200/20,"
                    + " not '" + text + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return packetsPerSecond + " packets/s, burst " + burst;
    }
}
