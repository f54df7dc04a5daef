package io.stampd.tools.bench.pdr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * pdr.md: medians over rounds and medians of the per-round ratios to the baseline, the XDP data
 * plane against its yardsticks, the AF_PACKET data plane against its targets, and the figures the
 * paper reports beside ours.
 */
final class PdrSummary {
    /** What the XDP plane should reach of its yardstick at 100 % STAMP (issue 9). */
    static final double YARDSTICK_TARGET = 0.90;
    /** What forwarding should keep with the XDP plane attached and no STAMP traffic (issue 9). */
    static final double ZERO_STAMP_TARGET = 0.99;
    /** What the AF_PACKET plane should reach of the forwarding baseline at 100 % STAMP, reflecting (issue 10). */
    static final double AF_PACKET_REFLECTOR_TARGET = 0.5;
    /** The same, collecting (issue 10). */
    static final double AF_PACKET_COLLECTOR_TARGET = 0.7;
    /** What forwarding should keep with the AF_PACKET plane attached and no STAMP traffic (issue 10). */
    static final double AF_PACKET_ZERO_STAMP_TARGET = 0.95;
    /** The most the stampd process should spend per reflected packet on the AF_PACKET plane (issue 10). */
    static final double AF_PACKET_CPU_TARGET_NANOS = 1000;

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
                        + " could offer in that many rounds: the PDR is then a lower bound. \"stampd CPU\" is the stampd"
                        + " process's own CPU time (its threads' scheduler run time) per STAMP packet it reflected or"
                        + " collected in the trial at the PDR; \"router CPU\" is all of the router's core per delivered"
                        + " packet. Generator: %s.%n%n",
                plan.rounds(), plan.trialSeconds(), plan.steps(), plan.overloadPps(), generator));
        md.append("| exp | role | data plane | STAMP % | PDR kpps (median) | min-max kpps | ratio to baseline |"
                + " overload delivered kpps | router CPU ns/pkt at PDR | XDP program ns/frame |"
                + " stampd CPU ns per STAMP pkt at PDR | STAMP processed kpps at PDR | limit |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
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
            List<Double> stampdCpu = values(g, r -> r.result().atPdr().stampdNanosPerStampPacket()).stream()
                    .filter(v -> !v.isNaN()).toList();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f-%.1f | %s | %.1f | %.0f | %s | %s | %.1f | %s |%n",
                    first.experiment(), first.role().label(), first.dataplane(), PdrRow.share(first.sharePct()),
                    median(pdr) / 1e3, min(pdr) / 1e3, max(pdr) / 1e3,
                    ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f", median(ratios)),
                    median(values(g, r -> r.result().overload().deliveredPps())) / 1e3,
                    median(values(g, r -> r.result().atPdr().routerNanosPerPacket())),
                    program.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(program)),
                    stampdCpu.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(stampdCpu)),
                    median(values(g, r -> r.result().atPdr().stampProcessedPps())) / 1e3,
                    bound == 0 ? "router" : "generator (" + bound + "/" + g.size() + ")"));
        }
        yardsticks(md, rows);
        afPacket(md, rows, baselineByRound);
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

    /**
     * The AF_PACKET plane against the targets of issue 10, with the paper's user-space figures
     * (Scapy behind an AF_PACKET sniffer) beside them: capacity at 100 % STAMP and forwarding kept
     * at 0 %, as ratios to the baseline of the same round, and stampd's CPU per reflected packet.
     */
    private static void afPacket(StringBuilder md, List<PdrRow> rows, Map<Integer, Double> baselineByRound) {
        String plane = RouterPlane.AF_PACKET.label();
        if (rows.stream().noneMatch(r -> r.dataplane().equals(plane))) {
            return;
        }
        md.append("\n### The AF_PACKET data plane against its targets (same rounds)\n\n");
        md.append("Ratios are af-packet's PDR over the forwarding baseline of the same round (medians over rounds);"
                + " a ratio marked >= is generator-bound in some round, a lower bound, and meets its target only if"
                + " the bound does. The paper's figures are its optimized user-space STAMP (Scapy behind an AF_PACKET"
                + " sniffer with a BPF filter) on bare metal. stampd CPU is the stampd process's own time per packet"
                + " it handled at the PDR, kernel work in its system calls included (sending the replies); router CPU"
                + " is all of the router's core per packet (the receive path, the ring, stampd and the reply).\n\n");
        md.append("| measure | target | paper (user space) | af-packet | target met | rounds generator-bound |\n");
        md.append("|---|---|---|---:|---|---:|\n");
        capacity(md, "100 % STAMP, reflector: PDR / baseline", ">= " + AF_PACKET_REFLECTOR_TARGET + "x", "0.034x",
                ratios(rows, baselineByRound, StampRole.REFLECTOR, plane, 100), AF_PACKET_REFLECTOR_TARGET);
        capacity(md, "100 % STAMP, collector: PDR / baseline", ">= " + AF_PACKET_COLLECTOR_TARGET + "x", "0.083x",
                ratios(rows, baselineByRound, StampRole.COLLECTOR, plane, 100), AF_PACKET_COLLECTOR_TARGET);
        for (StampRole role : List.of(StampRole.REFLECTOR, StampRole.COLLECTOR)) {
            capacity(md, "0 % STAMP, " + role.label() + " attached: forwarding kept",
                    ">= " + AF_PACKET_ZERO_STAMP_TARGET + "x", "0.896x (10.4 % lost)",
                    ratios(rows, baselineByRound, role, plane, 0), AF_PACKET_ZERO_STAMP_TARGET);
        }
        for (StampRole role : List.of(StampRole.REFLECTOR, StampRole.COLLECTOR)) {
            Map<Integer, PdrRow> full = byRound(rows, role, plane, 100);
            if (full.isEmpty()) {
                continue;
            }
            String packet = role == StampRole.REFLECTOR ? "reflected" : "collected";
            List<Double> stampd = full.values().stream().map(r -> r.result().atPdr().stampdNanosPerStampPacket())
                    .filter(v -> !v.isNaN()).toList();
            // Issue 10 states a CPU target for the reflector only.
            boolean target = role == StampRole.REFLECTOR;
            md.append(String.format(Locale.ROOT, "| 100 %% STAMP: stampd CPU ns per %s packet at the PDR | %s | - | %s | %s | - |%n",
                    packet, target ? String.format(Locale.ROOT, "<= %.0f", AF_PACKET_CPU_TARGET_NANOS) : "-",
                    stampd.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", median(stampd)),
                    !target || stampd.isEmpty() ? "-" : median(stampd) <= AF_PACKET_CPU_TARGET_NANOS ? "yes" : "no"));
            List<Double> router = values(List.copyOf(full.values()), r -> r.result().atPdr().routerNanosPerPacket());
            md.append(String.format(Locale.ROOT, "| 100 %% STAMP: router CPU ns per %s packet at the PDR | - | - | %.0f | - | - |%n",
                    packet, median(router)));
        }
    }

    /** One capacity line of the AF_PACKET table: the ratio, whether it meets {@code target}, how many rounds the generator bounds. */
    private static void capacity(StringBuilder md, String measure, String targetText, String paper, Ratios r,
                                 double target) {
        if (r.values().isEmpty()) {
            return;
        }
        double m = median(r.values());
        String met = m >= target ? "yes" : r.bound() > 0 ? "not known (generator-bound)" : "no";
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d/%d |%n", measure, targetText, paper,
                r.text(), met, r.bound(), r.values().size()));
    }

    private static void paper(StringBuilder md, List<PdrRow> rows, Map<Integer, Double> baselineByRound) {
        md.append("\n### Against the paper\n\n");
        md.append("The paper (bare metal, one SUT core, TRex), as ratios to its forwarding baseline; ours are medians of"
                + " per-round ratios on this VM.\n\n");
        md.append("| measure | paper | socket | af-packet | xdp |\n|---|---|---:|---:|---:|\n");
        paperLine(md, rows, baselineByRound, "0 % STAMP, reflector attached", "0.896x (user space), 0.984x (eBPF)",
                StampRole.REFLECTOR, 0);
        paperLine(md, rows, baselineByRound, "0 % STAMP, collector attached", "0.896x (user space), 0.984x (eBPF)",
                StampRole.COLLECTOR, 0);
        paperLine(md, rows, baselineByRound, "100 % STAMP, reflector", "0.034x (user space), 2.1x (eBPF)",
                StampRole.REFLECTOR, 100);
        paperLine(md, rows, baselineByRound, "100 % STAMP, collector", "0.083x (user space), 2.9x (eBPF)",
                StampRole.COLLECTOR, 100);
        md.append("\nTargets at 0 % STAMP: >= " + ZERO_STAMP_TARGET + "x for the XDP plane, >= "
                + AF_PACKET_ZERO_STAMP_TARGET + "x for the AF_PACKET plane. stampd's socket data plane binds a UDP"
                + " socket, so it sees no data traffic at all. The AF_PACKET plane is the user-space one that sees the"
                + " wire as the paper's AF_PACKET sniffer did (behind a socket filter that admits only STAMP packets to"
                + " its ring): its ratios are the ones to compare with the paper's user-space figures. A ratio marked"
                + " >= is generator-bound in some round (a lower bound).\n");
    }

    private static void paperLine(StringBuilder md, List<PdrRow> rows, Map<Integer, Double> baselineByRound,
                                  String measure, String paper, StampRole role, double share) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", measure, paper,
                ratios(rows, baselineByRound, role, RouterPlane.SOCKET.label(), share).text(),
                ratios(rows, baselineByRound, role, RouterPlane.AF_PACKET.label(), share).text(),
                ratios(rows, baselineByRound, role, RouterPlane.XDP.label(), share).text()));
    }

    /** Per-round ratios of one plane's searches to the baseline, and how many of them the generator bounds. */
    private record Ratios(List<Double> values, int bound) {
        /** The median, ">= " before it when the generator bounds some round; "-" without any. */
        String text() {
            return values.isEmpty() ? "-" : (bound > 0 ? ">= " : "") + ratio(values);
        }
    }

    private static Ratios ratios(List<PdrRow> rows, Map<Integer, Double> baselineByRound, StampRole role,
                                 String plane, double share) {
        List<Double> ratios = new ArrayList<>();
        int bound = 0;
        for (PdrRow r : byRound(rows, role, plane, share).values()) {
            Double base = baselineByRound.get(r.round());
            if (base != null && base > 0) {
                ratios.add(r.result().pdrPps() / base);
                if (r.result().generatorBound()) {
                    bound++;
                }
            }
        }
        return new Ratios(ratios, bound);
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
