package io.stampd.tools.bench.pdr;

import java.util.ArrayList;
import java.util.List;

/** One thing measured on the router: a role played on a plane (stampd's, or a yardstick program). */
record Contender(StampRole role, RouterPlane plane) {
    Contender {
        if (!plane.plays(role)) {
            throw new IllegalArgumentException(plane.label() + " cannot play the " + role.label() + " role");
        }
    }

    /** Every pair of {@code roles} x {@code planes} that can be played, role by role. */
    static List<Contender> of(List<StampRole> roles, List<RouterPlane> planes) {
        List<Contender> result = new ArrayList<>();
        for (StampRole role : roles) {
            for (RouterPlane plane : planes) {
                if (plane.plays(role)) {
                    result.add(new Contender(role, plane));
                }
            }
        }
        return List.copyOf(result);
    }

    /** The shares this contender is searched at: a yardstick only at its own (0 % for xdp-pass, else 100 %). */
    List<Double> shares(List<Double> planned) {
        if (!plane.yardstick()) {
            return planned;
        }
        double own = plane == RouterPlane.XDP_PASS ? 0.0 : 100.0;
        return planned.stream().filter(s -> s == own).toList();
    }

    String label() {
        return plane.label() + " " + role.label();
    }
}
