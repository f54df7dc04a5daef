package io.stampd.tools.bench.pdr;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Experiments (a)-(c) of the benchmark: PDR@0.5% of the SRv6 router with stampd's data plane(s)
 * on it, for each STAMP role and share, against the baseline measured in the same round. Writes
 * pdr.csv (a line per search, as it finishes) and pdr.md.
 */
final class PdrBench {
    private final Path root;
    private final RouterTopology topo;
    private final LoadPort load;
    private final PdrPlan plan;
    private final Consumer<String> progress;

    PdrBench(Path root, RouterTopology topo, LoadPort load, PdrPlan plan, Consumer<String> progress) {
        this.root = root;
        this.topo = topo;
        this.load = load;
        this.plan = plan;
        this.progress = progress;
    }

    List<PdrRow> run(Path outDir) {
        Path csv = outDir.resolve("pdr.csv");
        List<PdrRow> rows = new ArrayList<>();
        TrialRunner trials = new TrialRunner(load, topo.routerCpu(), plan.trialSeconds());
        XdpProgramCost programCost = new XdpProgramCost(topo);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
            out.println(PdrRow.HEADER);
            out.flush();
            for (int round = 1; round <= plan.rounds(); round++) {
                baseline(out, rows, trials, round, "first");
                for (Contender c : plan.contenders()) {
                    try (StampHandler handler = start(c)) {
                        trials.use(handler);
                        if (!c.plane().yardstick()) {
                            warmUp(trials, c.role());
                            handler.awaitIdle();
                        }
                        for (double share : plan.sharesOf(c)) {
                            progress.accept(String.format(Locale.ROOT, "round %d: %s, %s %% STAMP", round, c.label(),
                                    PdrRow.share(share)));
                            load.configure(c.role(), share);
                            PdrSearch.Result result = search(trials);
                            double programNanos = !c.plane().attachesXdp() ? Double.NaN
                                    : programCost.nanosPerFrame(trials, result.pdrPps());
                            double stampdNanos = result.atPdr().stampdNanosPerStampPacket();
                            if (!Double.isNaN(stampdNanos)) {
                                progress.accept(String.format(Locale.ROOT,
                                        "  => stampd process %.0f ns CPU per STAMP packet at the PDR", stampdNanos));
                            }
                            if (!Double.isNaN(programNanos)) {
                                progress.accept(String.format(Locale.ROOT, "  => XDP program %.0f ns per frame",
                                        programNanos));
                            }
                            record(out, rows, new PdrRow(PdrPlan.experimentOf(c.role(), share), round, c.role(),
                                    c.plane().label(), share, result, programNanos));
                        }
                    } finally {
                        trials.use(null);
                    }
                }
                baseline(out, rows, trials, round, "again");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + csv, e);
        }
        writeSummary(outDir.resolve("pdr.md"), rows);
        return rows;
    }

    /**
     * The baseline (no stampd) at the start and at the end of each round: the router's capacity
     * drifts on this VM, and the round's ratios divide by the mean of the two.
     */
    private void baseline(PrintWriter out, List<PdrRow> rows, TrialRunner trials, int round, String when) {
        progress.accept("round " + round + " of " + plan.rounds() + ": baseline (no stampd), " + when);
        trials.use(null);
        load.configure(StampRole.NONE, 0);
        record(out, rows, new PdrRow("a", round, StampRole.NONE, "baseline", 0, search(trials)));
    }

    private PdrSearch.Result search(TrialRunner trials) {
        PdrSearch.Result r = new PdrSearch(trials, plan.minPps(), plan.overloadPps(), plan.steps(), progress).search();
        progress.accept(String.format(Locale.ROOT, "  => PDR@0.5%% %d pps (%d trials)", r.pdrPps(), r.trials()));
        return r;
    }

    private StampHandler start(Contender c) {
        return c.plane().yardstick() ? YardstickProgram.attach(topo, c)
                : StampdProcess.start(root, topo, c.role(), c.plane());
    }

    /** The first packets through a fresh JVM run interpreted: warm the STAMP path before measuring. */
    private void warmUp(TrialRunner trials, StampRole role) {
        load.configure(role, 100);
        trials.run(20_000, 0.5);
    }

    private static void record(PrintWriter out, List<PdrRow> rows, PdrRow row) {
        rows.add(row);
        out.println(row.csv());
        out.flush();
    }

    private void writeSummary(Path file, List<PdrRow> rows) {
        try {
            Files.writeString(file, PdrSummary.markdown(rows, plan, load.generator()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
