package io.stampd.tools.bench.pdr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * pdr.md: medians over rounds and medians of the per-round ratios to the baseline, the XDP data
 * plane against its yardsticks, and the figures the paper reports beside ours.
 */
final class PdrSummary {
    /** What the XDP plane should reach of its yardstick at 100 % STAMP (issue 9). */
    static final double YARDSTICK_TARGET = 0.90;
    /** What forwarding should keep with the XDP plane attached and no STAMP traffic (issue 9). */
    static final double ZERO_STAMP_TARGET = 0.99;

    private PdrSummary() {
    }

    /** {@code generator}: how the generator sent ({@link LoadPort#generator()}). */
    static String markdown(List<PdrRow> rows, PdrPlan plan, String generator) {
        Map<Integer, Double> baselineByRound = baselineByRound(rows);
        StringBuilder md = new StringBuilder();
        md.append("## Router PDR@0.5% with stampd (experiments a-c)\n\n");
        md.append(String.format(Locale.ROOT, "%d round(s), %.1f s trials, %d bisection steps, overload at %d pps. "
                        + "Ratios are medians of per-round ratios to the mean of the two baseline searches (at the start and the end)"
                        + " of the same round. \"limit: generator\" means the router kept up with the most the generator"
                        + " could offer in that many rounds: the PDR is then a lower bound. Generator: %s.%n%n",
                plan.rounds(), plan.trialSeconds(), plan.steps(), plan.overloadPps(), generator));
        md.append("| exp | role | data plane | STAMP % | PDR kpps (median) | min-max kpps | ratio to baseline |"
                + " overload delivered kpps | router CPU ns/pkt at PDR | XDP program ns/frame | STAMP processed kpps at PDR |"
                + " limit |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (List<PdrRow> g : groups(rows).values()) {
            PdrRow first = g.getFirst();
            List<Double> pdr = values(g, r -> r.result().pdrPps());
            List<Double> ratios = new ArrayList<>();
            for (PdrRow r : g) {
                Double base = baselineByRound.get(r.round());
                if (base != null && base > 0) {
                    ratios.add(r.result().pdrPps() / base);
                }
            }
            long bound = g.stream().filter(r -> r.result().generatorBound()).count();
            List<Double> program = values(g, PdrRow::xdpProgramNanos).stream().filter(v -> !v.isNaN()).toList();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f-%.1f | %s | %.1f | %.0f | %s | %.1f | %s |%n",
                    first.experiment(), first.role().label(), first.dataplane(), PdrRow.share(first.sharePct()),
                    median(pdr) / 1e3, min(pdr) / 1e3, max(pdr) / 1e3,
                    ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(ratios)),
                    median(values(g, r -> r.result().overload().deliveredPps())) / 1e3,
                    median(values(g, r -> r.result().atPdr().routerNanosPerPacket())),
                    program.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(program)),
                    median(values(g, r -> r.result().atPdr().stampProcessedPps())) / 1e3,
                    bound == 0 ? "router" : "generator (" + bound + "/" + g.size() + ")"));
        }
        yardsticks(md, rows);
        paper(md, rows, baselineByRound);
        return md.toString();
    }

    /**
     * The XDP plane against the yardstick of its role at 100 % STAMP, per round: by PDR, and by
     * router CPU per packet (yardstick ns / xdp ns), which still compares them when the generator,
     * not the router, sets both PDRs.
     */
    private static void yardsticks(StringBuilder md, List<PdrRow> rows) {
        StringBuilder table = new StringBuilder();
        for (StampRole role : List.of(StampRole.REFLECTOR, StampRole.COLLECTOR)) {
            String stick = role == StampRole.REFLECTOR ? RouterPlane.XDP_SWAP.label() : RouterPlane.XDP_DROP.label();
            compare(table, "100", role, byRound(rows, role, RouterPlane.XDP.label(), 100),
                    stick, byRound(rows, role, stick, 100), YARDSTICK_TARGET);
        }
        Map<Integer, PdrRow> pass = byRound(rows, StampRole.REFLECTOR, RouterPlane.XDP_PASS.label(), 0);
        for (StampRole role : List.of(StampRole.REFLECTOR, StampRole.COLLECTOR)) {
            compare(table, "0", role, byRound(rows, role, RouterPlane.XDP.label(), 0), RouterPlane.XDP_PASS.label(), pass,
                    ZERO_STAMP_TARGET);
        }
        if (table.isEmpty()) {
            return;
        }
        md.append("\n### The XDP data plane against its yardsticks (same rounds)\n\n");
        md.append("xdp-swap swaps addresses and ports and sends the frame back; xdp-drop counts and drops: the least an"
                + " in-kernel reflector or collector does (target: the XDP plane at >= " + Math.round(YARDSTICK_TARGET * 100)
                + " % of it at 100 % STAMP). xdp-pass looks at each frame and passes it: what any XDP program costs the"
                + " forwarded traffic, at 0 % STAMP (target >= " + Math.round(ZERO_STAMP_TARGET * 100) + " %). The CPU"
                + " ratio is the yardstick's router CPU time per packet over the XDP plane's, at each one's PDR; it is the"
                + " capacity ratio when the generator bounds both PDRs. The program ratio is the same for the XDP"
                + " programs alone (kernel run-time statistics, an extra trial at the PDR), and the next column what"
                + " stampd's program costs per frame beyond the yardstick.\n\n");
        md.append("| STAMP % | role | yardstick | PDR ratio (median) | CPU-cost ratio (median) | program-cost ratio |"
                + " program ns/frame beyond the yardstick | target met | rounds generator-bound |\n");
        md.append("|---:|---|---|---:|---:|---:|---:|---|---:|\n");
        md.append(table);
    }

    /** One line: the XDP plane's searches against the yardstick's, round by round. */
    private static void compare(StringBuilder table, String share, StampRole role, Map<Integer, PdrRow> xdp,
                                String yardstick, Map<Integer, PdrRow> stick, double target) {
        List<Double> pdrRatios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> programRatios = new ArrayList<>();
        List<Double> programNanos = new ArrayList<>();
        long bound = 0;
        for (var e : xdp.entrySet()) {
            PdrRow y = stick.get(e.getKey());
            if (y == null) {
                continue;
            }
            double xProgram = e.getValue().xdpProgramNanos();
            double yProgram = y.xdpProgramNanos();
            if (xProgram > 0 && yProgram > 0) {
                programRatios.add(yProgram / xProgram);
                programNanos.add(xProgram - yProgram);
            }
            PdrSearch.Result x = e.getValue().result();
            if (y.result().pdrPps() > 0) {
                pdrRatios.add((double) x.pdrPps() / y.result().pdrPps());
            }
            double xNs = x.atPdr().routerNanosPerPacket();
            if (xNs > 0) {
                cpuRatios.add(y.result().atPdr().routerNanosPerPacket() / xNs);
            }
            if (x.generatorBound() || y.result().generatorBound()) {
                bound++;
            }
        }
        if (pdrRatios.isEmpty() && cpuRatios.isEmpty()) {
            return;
        }
        table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %d/%d |%n", share,
                role.label(), yardstick, ratio(pdrRatios), ratio(cpuRatios), ratio(programRatios),
                programNanos.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(programNanos)),
                verdict(pdrRatios, cpuRatios, bound > 0, target), bound, Math.max(pdrRatios.size(), cpuRatios.size())));
    }

    /** The target holds on the measure that says something: the CPU ratio when the generator bounds the PDRs. */
    private static String verdict(List<Double> pdrRatios, List<Double> cpuRatios, boolean generatorBound,
                                  double target) {
        List<Double> telling = generatorBound ? cpuRatios : pdrRatios;
        if (telling.isEmpty()) {
            return "-";
        }
        return median(telling) >= target ? "yes" : "no";
    }

    private static void paper(StringBuilder md, List<PdrRow> rows, Map<Integer, Double> baselineByRound) {
        md.append("\n### Against the paper\n\n");
        md.append("The paper (bare metal, one SUT core, TRex), as ratios to its forwarding baseline; ours are medians of"
                + " per-round ratios on this VM.\n\n");
        md.append("| measure | paper | socket | xdp |\n|---|---|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| 0 %% STAMP, reflector attached | 0.896x (user space), 0.984x (eBPF) | %s | %s |%n",
                baselineRatio(rows, baselineByRound, StampRole.REFLECTOR, "socket", 0),
                baselineRatio(rows, baselineByRound, StampRole.REFLECTOR, "xdp", 0)));
        md.append(String.format(Locale.ROOT, "| 0 %% STAMP, collector attached | 0.896x (user space), 0.984x (eBPF) | %s | %s |%n",
                baselineRatio(rows, baselineByRound, StampRole.COLLECTOR, "socket", 0),
                baselineRatio(rows, baselineByRound, StampRole.COLLECTOR, "xdp", 0)));
        md.append(String.format(Locale.ROOT, "| 100 %% STAMP, reflector | 0.034x (user space), 2.1x (eBPF) | %s | %s |%n",
                baselineRatio(rows, baselineByRound, StampRole.REFLECTOR, "socket", 100),
                baselineRatio(rows, baselineByRound, StampRole.REFLECTOR, "xdp", 100)));
        md.append(String.format(Locale.ROOT, "| 100 %% STAMP, collector | 0.083x (user space), 2.9x (eBPF) | %s | %s |%n",
                baselineRatio(rows, baselineByRound, StampRole.COLLECTOR, "socket", 100),
                baselineRatio(rows, baselineByRound, StampRole.COLLECTOR, "xdp", 100)));
        md.append("\nTarget for the XDP plane at 0 % STAMP: >= " + ZERO_STAMP_TARGET + "x. stampd's socket data plane binds"
                + " a UDP socket, so it sees no data traffic at all; its 100 % STAMP ratio is the one to compare with the"
                + " paper's user-space figures. A ratio marked >= is generator-bound in some round (a lower bound).\n");
    }

    private static String baselineRatio(List<PdrRow> rows, Map<Integer, Double> baselineByRound, StampRole role,
                                        String plane, double share) {
        List<Double> ratios = new ArrayList<>();
        boolean bound = false;
        for (PdrRow r : byRound(rows, role, plane, share).values()) {
            Double base = baselineByRound.get(r.round());
            if (base != null && base > 0) {
                ratios.add(r.result().pdrPps() / base);
                bound |= r.result().generatorBound();
            }
        }
        return ratios.isEmpty() ? "-" : (bound ? ">= " : "") + ratio(ratios);
    }

    /** Each round searched the baseline at its start and its end: pair with their mean. */
    private static Map<Integer, Double> baselineByRound(List<PdrRow> rows) {
        Map<Integer, List<Double>> baselinesByRound = new TreeMap<>();
        for (PdrRow r : rows) {
            if (r.role() == StampRole.NONE) {
                baselinesByRound.computeIfAbsent(r.round(), k -> new ArrayList<>()).add((double) r.result().pdrPps());
            }
        }
        Map<Integer, Double> baselineByRound = new TreeMap<>();
        baselinesByRound.forEach((round, v) -> baselineByRound.put(round,
                v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        return baselineByRound;
    }

    private static Map<String, List<PdrRow>> groups(List<PdrRow> rows) {
        Map<String, List<PdrRow>> groups = new TreeMap<>();
        for (PdrRow r : rows) {
            String key = String.format(Locale.ROOT, "%s|%s|%s|%012.4f", r.experiment(), r.role().label(), r.dataplane(),
                    r.sharePct());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    private static Map<Integer, PdrRow> byRound(List<PdrRow> rows, StampRole role, String plane, double share) {
        Map<Integer, PdrRow> result = new TreeMap<>();
        for (PdrRow r : rows) {
            if (r.role() == role && r.dataplane().equals(plane) && r.sharePct() == share) {
                result.put(r.round(), r);
            }
        }
        return result;
    }

    private static List<Double> values(List<PdrRow> rows, ToDoubleFunction<PdrRow> f) {
        return rows.stream().map(r -> f.applyAsDouble(r)).toList();
    }

    private static String ratio(List<Double> ratios) {
        return ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(ratios));
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
