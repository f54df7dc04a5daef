package io.stampd.tools.bench.pdr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pdr.md and pdr.csv lines from known search results. */
class PdrSummaryTest {
    /** A search whose passing trial offered {@code pps} for one second and delivered all of it. */
    private static PdrSearch.Result result(long pps) {
        Trial t = new Trial(pps, pps, 0, pps, 0, 1_000_000_000L, 900_000_000L, 0);
        return PdrSearch.Result.of(t, t, 7);
    }

    @Test
    void ratiosDivideByTheMeanOfTheRoundsTwoBaselines() {
        List<PdrRow> rows = List.of(
                new PdrRow("a", 1, StampRole.NONE, "baseline", 0, result(100_000)),
                new PdrRow("b", 1, StampRole.REFLECTOR, "socket", 100, result(60_000)),
                new PdrRow("a", 1, StampRole.NONE, "baseline", 0, result(200_000)),
                new PdrRow("a", 2, StampRole.NONE, "baseline", 0, result(100_000)),
                new PdrRow("b", 2, StampRole.REFLECTOR, "socket", 100, result(50_000)),
                new PdrRow("a", 2, StampRole.NONE, "baseline", 0, result(100_000)));
        String md = PdrSummary.markdown(rows, PdrPlan.quick(), "tc-clone (asked for)");
        assertTrue(md.contains("Generator: tc-clone (asked for)."), md);
        // Round 1: 60k / 150k = 0.4; round 2: 50k / 100k = 0.5; median 0.45. PDR median 55 kpps.
        assertTrue(md.contains("| b | reflector | socket | 100 | 55.0 | 50.0-60.0 | 0.450 |"), md);
        assertTrue(md.contains("| a | none | baseline | 0 | 100.0 | 100.0-200.0 |"), md);
    }

    @Test
    void csvLinesFollowTheHeader() {
        PdrRow row = new PdrRow("c", 3, StampRole.COLLECTOR, "socket", 0.01, result(123_456));
        String[] fields = row.csv().split(",");
        assertEquals(PdrRow.HEADER.split(",").length, fields.length);
        assertEquals("c", fields[0]);
        assertEquals("collector", fields[2]);
        assertEquals("0.01", fields[4]);
        assertEquals("123456", fields[5]);
        // 0.9 s of router CPU for 123,456 packets.
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", 9e8 / 123_456), fields[8]);
    }
}
