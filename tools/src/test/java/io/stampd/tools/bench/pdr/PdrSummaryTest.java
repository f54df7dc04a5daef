package io.stampd.tools.bench.pdr;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        String[] fields = row.csv().split(",", -1);
        assertEquals(PdrRow.HEADER.split(",").length, fields.length);
        assertEquals("c", fields[0]);
        assertEquals("collector", fields[2]);
        assertEquals("0.01", fields[4]);
        assertEquals("123456", fields[5]);
        assertEquals("", row.csv().substring(row.csv().lastIndexOf(',') + 1), "no XDP program: empty");
        String withProgram = new PdrRow("b", 1, StampRole.REFLECTOR, "xdp", 100, result(1), 42.5).csv();
        assertEquals("42.5", withProgram.substring(withProgram.lastIndexOf(',') + 1));
        // 0.9 s of router CPU for 123,456 packets.
        assertEquals(String.format(java.util.Locale.ROOT, "%.1f", 9e8 / 123_456), fields[8]);
    }

    /** A search that found {@code pps} below an overload it failed, with {@code nsPerPacket} of router CPU at the PDR. */
    private static PdrSearch.Result routerBound(long pps, double nsPerPacket) {
        Trial overload = new Trial(3_000_000, 3_000_000, 0, 1_000_000, 0, 1_000_000_000L, 1_000_000_000L, 0);
        Trial t = new Trial(pps, pps, 0, pps, 0, 1_000_000_000L, Math.round(nsPerPacket * pps), 0);
        return PdrSearch.Result.of(t, overload, 7);
    }

    /** As the generator bounds it: the overload trial passed. */
    private static PdrSearch.Result generatorBound(long pps, double nsPerPacket) {
        Trial t = new Trial(3_000_000, pps, 0, pps, 0, 1_000_000_000L, Math.round(nsPerPacket * pps), 0);
        return PdrSearch.Result.of(t, t, 1);
    }

    @Test
    void theXdpPlaneIsComparedWithItsYardstickByPdrAndByCpuCost() {
        List<PdrRow> rows = List.of(
                new PdrRow("a", 1, StampRole.NONE, "baseline", 0, routerBound(1_000_000, 900)),
                new PdrRow("a", 1, StampRole.REFLECTOR, "xdp", 0, routerBound(995_000, 905)),
                new PdrRow("a", 1, StampRole.REFLECTOR, "xdp-pass", 0, routerBound(1_000_000, 900)),
                new PdrRow("b", 1, StampRole.REFLECTOR, "xdp", 100, routerBound(1_500_000, 600), 200),
                new PdrRow("b", 1, StampRole.REFLECTOR, "xdp-swap", 100, routerBound(2_000_000, 450), 50),
                new PdrRow("b", 1, StampRole.COLLECTOR, "xdp", 100, generatorBound(1_200_000, 400)),
                new PdrRow("b", 1, StampRole.COLLECTOR, "xdp-drop", 100, generatorBound(1_200_000, 380)),
                new PdrRow("a", 1, StampRole.NONE, "baseline", 0, routerBound(1_000_000, 900)));
        String md = PdrSummary.markdown(rows, PdrPlan.quick(), "tc-clone (asked for)");
        // Reflector: PDR 1.5/2.0 = 0.75, CPU 450/600 = 0.75, router-bound: judged by PDR.
        // Program: 50 / 200 = 0.25; 150 ns per frame beyond the yardstick.
        assertTrue(md.contains("| 100 | reflector | xdp-swap | 0.750 | 0.750 | 0.250 | 150 | no | 0/1 |"), md);
        assertTrue(md.contains("| 1500.0 | 1500.0-1500.0 | 1.500 | 1000.0 | 600 | 200 | 0.0 | router |"), md);
        // 0 %: 995k / 1000k against the pass-everything program; the collector has no 0 % row.
        assertTrue(md.contains("| 0 | reflector | xdp-pass | 0.995 | 0.994 | - | - | yes | 0/1 |"), md);
        assertFalse(md.contains("| 0 | collector |"), md);
        // Collector: both PDRs are the generator's; CPU 380/400 = 0.95 decides.
        assertTrue(md.contains("| 100 | collector | xdp-drop | 1.000 | 0.950 | - | - | yes | 1/1 |"), md);
        assertTrue(md.contains("| b | collector | xdp | 100 | 1200.0 | 1200.0-1200.0 | 1.200 |"), md);
        assertTrue(md.contains("generator (1/1) |"), md);
        assertTrue(md.contains("| 0 % STAMP, reflector attached | 0.896x (user space), 0.984x (eBPF) | - | 0.995 |"), md);
        assertTrue(md.contains("| 100 % STAMP, collector | 0.083x (user space), 2.9x (eBPF) | - | >= 1.200 |"), md);
    }
}
