package io.stampd.tools.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** pdr.csv (experiments a, b, c) as typed rows, with the baseline pairing the ratios use. */
final class PdrResults {
    static final String FILE = "pdr.csv";
    static final String BASELINE = "baseline";
    private static final List<String> EXPERIMENTS = List.of("a", "b", "c");
    private static final List<String> ROLES = List.of("none", "reflector", "collector");

    /** One binary search: the PDR of one configuration in one round. */
    record Run(String experiment, int round, Config config, double sharePct, double pdrPps) {
        boolean isBaseline() {
            return config.dataplane().equals(BASELINE);
        }

        double pdrKpps() {
            return pdrPps / 1000;
        }
    }

    /** What ran on the router: stampd's role and data plane, or the baseline without stampd. */
    record Config(String role, String dataplane) {
        String label() {
            return dataplane.equals(BASELINE) ? "baseline (no stampd)" : dataplane + " " + role;
        }
    }

    private final List<Run> runs;

    private PdrResults(List<Run> runs) {
        this.runs = runs;
    }

    static PdrResults read(Path file) {
        Csv csv = Csv.read(file, "experiment", "round", "role", "dataplane", "share_pct", "pdr_pps");
        List<Run> runs = new ArrayList<>();
        for (Csv.Row row : csv.rows()) {
            runs.add(new Run(row.oneOf("experiment", EXPERIMENTS), (int) row.number("round"),
                    new Config(row.oneOf("role", ROLES), row.text("dataplane")),
                    row.number("share_pct"), row.number("pdr_pps")));
        }
        return new PdrResults(runs);
    }

    /**
     * Every stampd configuration whatever its experiment: the share sweep's lines run from 0 %
     * (experiment a's attached runs) to 100 % (experiment b's), which the runner measures once.
     */
    List<Run> allStampdRuns() {
        List<Run> result = runs.stream().filter(r -> !r.isBaseline()).toList();
        if (result.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no rows with stampd running");
        }
        return result;
    }

    /** The stampd configurations of {@code experiment} (no baseline rows). */
    List<Run> stampdRuns(String experiment) {
        List<Run> result = runs.stream().filter(r -> r.experiment.equals(experiment) && !r.isBaseline()).toList();
        if (result.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no experiment " + experiment + " rows with stampd running");
        }
        return result;
    }

    /**
     * Baseline runs for {@code experiment}: its own, else experiment a's (the runner measures the
     * baseline in a, and again in c).
     */
    List<Run> baselineRuns(String experiment) {
        List<Run> own = baselineOf(experiment);
        List<Run> result = own.isEmpty() ? baselineOf("a") : own;
        if (result.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no baseline rows (dataplane=" + BASELINE + ")");
        }
        return result;
    }

    private List<Run> baselineOf(String experiment) {
        return runs.stream().filter(r -> r.experiment.equals(experiment) && r.isBaseline()).toList();
    }

    /** PDR in kpps over rounds per configuration, in first-seen order. */
    static Map<Config, Spread> pdrKpps(Collection<Run> runs) {
        return Spread.byKey(runs, Run::config, Run::pdrKpps);
    }

    /** pdr(config) / pdr(baseline of the same round), over rounds; rounds without a baseline are left out. */
    Map<Config, Spread> ratioToBaseline(String experiment) {
        Map<Integer, Spread> baselineByRound = Spread.byKey(baselineRuns(experiment), Run::round, Run::pdrPps);
        List<Run> paired = stampdRuns(experiment).stream()
                .filter(r -> baselineByRound.containsKey(r.round)).toList();
        return Spread.byKey(paired, Run::config, r -> r.pdrPps / baselineByRound.get(r.round).median());
    }
}
