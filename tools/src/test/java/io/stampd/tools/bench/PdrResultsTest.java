package io.stampd.tools.bench;

import io.stampd.tools.bench.PdrResults.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Medians over rounds and the per-round pairing of ratios with the baseline. */
class PdrResultsTest {
    private static final String HEADER = "experiment,round,role,dataplane,share_pct,pdr_pps,overload_offered_pps,"
            + "overload_delivered_pps,router_ns_per_pkt,stamp_processed_pps,trials";
    private static final Config SOCKET_REFLECTOR = new Config("reflector", "socket");

    @TempDir
    Path dir;

    private PdrResults write(String... rows) throws IOException {
        Path csv = dir.resolve("pdr.csv");
        Files.writeString(csv, HEADER + "\n" + String.join("\n", rows) + "\n");
        return PdrResults.read(csv);
    }

    private static String row(String experiment, int round, String role, String dataplane, double pdr) {
        return experiment + "," + round + "," + role + "," + dataplane + ",0," + pdr + ",0,0,0,0,9";
    }

    @Test
    void ratiosArePairedWithTheBaselineOfTheSameRound() throws IOException {
        PdrResults pdr = write(
                row("a", 1, "none", "baseline", 100_000), row("a", 1, "reflector", "socket", 90_000),
                row("a", 2, "none", "baseline", 200_000), row("a", 2, "reflector", "socket", 190_000),
                row("a", 3, "reflector", "socket", 10_000)); // no baseline in round 3: no ratio

        Spread ratio = pdr.ratioToBaseline("a").get(SOCKET_REFLECTOR);

        assertEquals(2, ratio.n());
        assertEquals((0.9 + 0.95) / 2, ratio.median(), 1e-12);
        assertEquals(0.9, ratio.min(), 1e-12);
        assertEquals(0.95, ratio.max(), 1e-12);
        Spread kpps = PdrResults.pdrKpps(pdr.stampdRuns("a")).get(SOCKET_REFLECTOR);
        assertEquals(new Spread(90, 10, 190, 3), kpps);
    }

    @Test
    void experimentWithoutItsOwnBaselineUsesExperimentA() throws IOException {
        PdrResults pdr = write(row("a", 1, "none", "baseline", 100_000), row("b", 1, "reflector", "socket", 250_000));

        Map<Config, Spread> ratios = pdr.ratioToBaseline("b");

        assertEquals(2.5, ratios.get(SOCKET_REFLECTOR).median(), 1e-12);
    }

    @Test
    void missingExperimentIsNothingToPlot() throws IOException {
        PdrResults pdr = write(row("a", 1, "none", "baseline", 100_000));

        NothingToPlotException e = assertThrows(NothingToPlotException.class, () -> pdr.stampdRuns("c"));
        assertEquals("pdr.csv has no experiment c rows with stampd running", e.getMessage());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(new Spread(2.5, 1, 10, 4), Spread.of(List.of(10.0, 1.0, 3.0, 2.0)));
    }
}
