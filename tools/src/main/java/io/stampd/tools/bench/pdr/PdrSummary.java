package io.stampd.tools.bench.pdr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** pdr.md: medians over rounds and medians of the per-round ratios to the baseline, beside the paper's ratios. */
final class PdrSummary {
    private PdrSummary() {
    }

    /** {@code generator}: how the generator sent ({@link LoadPort#generator()}). */
    static String markdown(List<PdrRow> rows, PdrPlan plan, String generator) {
        // Each round searched the baseline at its start and its end: pair with their mean.
        Map<Integer, List<Double>> baselinesByRound = new TreeMap<>();
        for (PdrRow r : rows) {
            if (r.role() == StampRole.NONE) {
                baselinesByRound.computeIfAbsent(r.round(), k -> new ArrayList<>()).add((double) r.result().pdrPps());
            }
        }
        Map<Integer, Double> baselineByRound = new TreeMap<>();
        baselinesByRound.forEach((round, v) -> baselineByRound.put(round,
                v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        StringBuilder md = new StringBuilder();
        md.append("## Router PDR@0.5% with stampd (experiments a-c)\n\n");
        md.append(String.format(Locale.ROOT, "%d round(s), %.1f s trials, %d bisection steps, overload at %d pps. "
                        + "Ratios are medians of per-round ratios to the mean of the two baseline searches (at the start and the end)"
                        + " of the same round. Generator: %s.%n%n",
                plan.rounds(), plan.trialSeconds(), plan.steps(), plan.overloadPps(), generator));
        md.append("| exp | role | data plane | STAMP % | PDR kpps (median) | min-max kpps | ratio to baseline |"
                + " overload delivered kpps | router CPU ns/pkt at PDR | STAMP processed kpps at PDR |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, List<PdrRow>> groups = new TreeMap<>();
        for (PdrRow r : rows) {
            String key = String.format(Locale.ROOT, "%s|%s|%s|%012.4f", r.experiment(), r.role().label(), r.dataplane(),
                    r.sharePct());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        for (List<PdrRow> g : groups.values()) {
            PdrRow first = g.getFirst();
            List<Double> pdr = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> overload = new ArrayList<>();
            List<Double> nsPerPkt = new ArrayList<>();
            List<Double> stamp = new ArrayList<>();
            for (PdrRow r : g) {
                pdr.add((double) r.result().pdrPps());
                Double base = baselineByRound.get(r.round());
                if (base != null && base > 0) {
                    ratios.add(r.result().pdrPps() / base);
                }
                overload.add(r.result().overload().deliveredPps());
                nsPerPkt.add(r.result().atPdr().routerNanosPerPacket());
                stamp.add(r.result().atPdr().stampProcessedPps());
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f-%.1f | %s | %.1f | %.0f | %.1f |%n",
                    first.experiment(), first.role().label(), first.dataplane(), PdrRow.share(first.sharePct()),
                    median(pdr) / 1e3, min(pdr) / 1e3, max(pdr) / 1e3,
                    ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(ratios)),
                    median(overload) / 1e3, median(nsPerPkt), median(stamp) / 1e3));
        }
        md.append("\nThe paper (bare metal, one SUT core, TRex) for comparison, as ratios to its forwarding baseline: "
                + "at 0 % STAMP a user-space (AF_PACKET) implementation costs 10.4 % (0.896x) and eBPF 1.6 % (0.984x); "
                + "STAMP-only capacity is 0.034x (optimized user-space reflector), 0.083x (collector), 2.1x (eBPF "
                + "reflector), 2.9x (eBPF collector). stampd's socket data plane binds a UDP socket, so it sees no data "
                + "traffic at all; its 100 % STAMP ratio is the one to compare with the paper's user-space figures.\n");
        return md.toString();
    }

    static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
