package io.stampd.tools.bench.pdr;

import java.util.List;
import java.util.Set;

/**
 * What a PDR run measures and how long it may take. Each round measures the baseline, then every
 * contender (role x plane) at every share (a yardstick at its own share only, a plane of
 * {@code endsOnly} at 0 and 100 % only), then the baseline again, so each ratio pairs searches of
 * the same round.
 */
record PdrPlan(int rounds, double trialSeconds, int steps, long minPps, long overloadPps, List<Double> sharesPct,
               List<Contender> contenders, Set<RouterPlane> endsOnly) {
    /** Shares of Figs. 15-16 plus 0 (Figs. 12-13) and 100 % (Fig. 14). */
    static final List<Double> FULL_SHARES = List.of(0.0, 0.01, 0.1, 1.0, 10.0, 20.0, 50.0, 100.0);
    static final List<Double> QUICK_SHARES = List.of(0.0, 1.0, 100.0);
    /**
     * The quick run searches af-packet only where its targets are (0 and 100 % STAMP), so that
     * adding the third data plane costs the CI smoke run four searches rather than six.
     */
    static final Set<RouterPlane> QUICK_ENDS_ONLY = Set.of(RouterPlane.AF_PACKET);

    /** Both roles on every plane: stampd's socket, AF_PACKET and XDP planes, and the XDP yardsticks. */
    static final List<Contender> ALL = Contender.of(List.of(StampRole.REFLECTOR, StampRole.COLLECTOR),
            List.of(RouterPlane.values()));
    /**
     * Above what the generator can offer here (about 1.2 Mpps with TC bursts): in-kernel STAMP
     * handling can outrun forwarding, and the overload trial must overload it if it can.
     */
    static final long OVERLOAD_PPS = 3_000_000;

    static PdrPlan full() {
        return new PdrPlan(3, 0.5, 5, 1_000, OVERLOAD_PPS, FULL_SHARES, ALL, Set.of());
    }

    static PdrPlan quick() {
        return new PdrPlan(1, 0.3, 4, 1_000, OVERLOAD_PPS, QUICK_SHARES, ALL, QUICK_ENDS_ONLY);
    }

    PdrPlan {
        if (rounds < 1 || rounds > 10) {
            throw new IllegalArgumentException("--rounds must be 1 to 10, got " + rounds);
        }
        if (trialSeconds < 0.1 || trialSeconds > 10) {
            throw new IllegalArgumentException("--trial must be 0.1 to 10 seconds, got " + trialSeconds);
        }
        if (steps < 1 || steps > 16) {
            throw new IllegalArgumentException("--steps must be 1 to 16, got " + steps);
        }
        if (overloadPps <= minPps || overloadPps > 100_000_000) {
            throw new IllegalArgumentException("--overload must be above " + minPps + " and at most 100000000 pps, got "
                    + overloadPps);
        }
        for (double s : sharesPct) {
            if (s < 0 || s > 100) {
                throw new IllegalArgumentException("--shares: a STAMP share must be 0 to 100 (percent), got " + s);
            }
        }
        sharesPct = List.copyOf(sharesPct);
        contenders = List.copyOf(contenders);
        endsOnly = Set.copyOf(endsOnly);
    }

    /** The shares {@code c} is searched at, in the planned order. */
    List<Double> sharesOf(Contender c) {
        List<Double> shares = c.shares(sharesPct);
        return endsOnly.contains(c.plane()) ? shares.stream().filter(s -> s == 0 || s == 100).toList() : shares;
    }

    /** The experiment a measurement belongs to: (a) 0 %, (b) 100 %, (c) the sweep in between. */
    static String experimentOf(StampRole role, double sharePct) {
        if (role == StampRole.NONE || sharePct == 0) {
            return "a";
        }
        return sharePct == 100 ? "b" : "c";
    }
}
