package io.stampd.tools.bench.pdr;

import java.util.Locale;

/**
 * One line of pdr.csv: the PDR search of one configuration in one round. Rates are what the
 * generator really offered; router_ns_per_pkt is the router CPU's busy time per delivered packet
 * in the trial at the PDR (at overload the CPU is saturated whatever it does); generator_bound is 1
 * when the router kept up with the most the generator could offer (the PDR is then a lower bound);
 * xdp_prog_ns_per_frame is what the router's XDP program took per frame in an extra trial at the PDR
 * ({@link XdpProgramCost}), empty without one; stampd_ns_per_stamp_pkt is the stampd process's CPU
 * time per STAMP packet it processed in the trial at the PDR ({@link Trial#stampdNanosPerStampPacket()}),
 * empty without stampd or STAMP packets.
 */
record PdrRow(String experiment, int round, StampRole role, String dataplane, double sharePct,
              PdrSearch.Result result, double xdpProgramNanos) {
    static final String HEADER = "experiment,round,role,dataplane,share_pct,pdr_pps,overload_offered_pps,"
            + "overload_delivered_pps,router_ns_per_pkt,stamp_processed_pps,trials,generator_bound,xdp_prog_ns_per_frame,"
            + "stampd_ns_per_stamp_pkt";

    /** A search on the router without an XDP program. */
    PdrRow(String experiment, int round, StampRole role, String dataplane, double sharePct, PdrSearch.Result result) {
        this(experiment, round, role, dataplane, sharePct, result, Double.NaN);
    }

    String csv() {
        Trial o = result.overload();
        return String.format(Locale.ROOT, "%s,%d,%s,%s,%s,%d,%d,%.0f,%.1f,%.0f,%d,%d,%s,%s", experiment, round,
                role.label(), dataplane, share(sharePct), result.pdrPps(), Math.round(o.offeredPps()), o.deliveredPps(),
                result.atPdr().routerNanosPerPacket(), result.atPdr().stampProcessedPps(), result.trials(),
                result.generatorBound() ? 1 : 0,
                optional(xdpProgramNanos), optional(result.atPdr().stampdNanosPerStampPacket()));
    }

    private static String optional(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String share(double pct) {
        return pct == Math.rint(pct) ? Long.toString((long) pct) : Double.toString(pct);
    }
}
