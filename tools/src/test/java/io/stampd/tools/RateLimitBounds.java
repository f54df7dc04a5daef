package io.stampd.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a token bucket may pass of a flood that lasted {@code seconds}: never more than the rate
 * over that time plus the burst (5 % and 5 packets of slack for the reflector reading the time of
 * arrival a little later than the sender sent), and not much less either. Less is right when the
 * packets came in bunches (a sender or a reflector kept from running a while, then catching up: a
 * bunch deeper than the bucket loses what is over it), so the lower bound is loose: 60 % of the
 * rate's worth.
 */
final class RateLimitBounds {
    private RateLimitBounds() {
    }

    static void check(String what, long rate, long burst, double seconds, long passed, String context) {
        double most = rate * seconds + burst;
        assertTrue(passed <= most * 1.05 + 5, what + ": " + passed + " passed in " + seconds + " s, more than the"
                + " limit allows (" + most + "): " + context);
        assertTrue(passed >= 0.6 * rate * seconds, what + ": only " + passed + " passed in " + seconds + " s: "
                + context);
    }
}
