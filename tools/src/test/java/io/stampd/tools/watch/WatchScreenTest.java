package io.stampd.tools.watch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden frames of {@code stampd watch} from fixed sessions, at a wide and a narrow width. */
class WatchScreenTest {
    private static final String TITLE = "stampd watch: agent [::1]:830 as op   2026-12-07 15:00:00 UTC   refresh 1000 ms";

    private static List<WatchScreen.Row> rows() {
        // a minute of round trips rising 1 ms per 10 s (5 to 10 ms), with a 5 s gap at 20..24 s
        List<Double> rising = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rising.add(i >= 20 && i < 25 ? null : 5.0 + i / 10);
        }
        return List.of(
                new WatchScreen.Row(new SessionSample(7, "[fd00:2::2]:862", "active", 5_012_345L, 210_000L,
                        5_222_345L, 0.5, "up", List.of()), rising),
                new WatchScreen.Row(new SessionSample(12, "[fd00:3::2]:862", "failed", null, null, null, null, null,
                        List.of()), Collections.nCopies(60, null)));
    }

    @Test
    void aWideTerminalShowsEveryColumnAndTheWholeMinute() {
        List<String> frame = WatchScreen.render(TITLE, null, rows(), SparkMetric.ROUND_TRIP, "60 s", 150);
        assertEquals(List.of(
                TITLE,
                "",
                "    ID  PEER            STATE     LIVENESS   FWD ms    BWD ms    RTT ms  LOSS %  round trip, last 60 s",
                "     7  [fd00:2::2]:862 active    up          5.012     0.210     5.222    0.50  "
                        + "▁▁▁▁▁▁▁▁▁▁▂▂▂▂▂▂▂▂▂▂     ▄▄▄▄▄▅▅▅▅▅▅▅▅▅▅▇▇▇▇▇▇▇▇▇▇██████████",
                "    12  [fd00:3::2]:862 failed    -               -         -         -       -"), frame);
        frame.forEach(l -> assertTrue(l.length() <= 150, l));
    }

    @Test
    void aNarrowTerminalKeepsThePeerAndTheNewestPartOfTheSparkline() {
        List<String> frame = WatchScreen.render(TITLE, "error: connection lost (retrying every refresh)", rows(),
                SparkMetric.ROUND_TRIP, "60 s", 100);
        assertEquals(List.of(
                "stampd watch: agent [::1]:830 as op   2026-12-07 15:00:00 UTC   refresh 1000 ms",
                "error: connection lost (retrying every refresh)",
                "    ID  PEER            STATE     LIVENESS   FWD ms    BWD ms    RTT ms  LOSS %  RTT, last 60 s",
                // the newest 19 s, scaled to their own range (9 to 10 ms)
                "     7  [fd00:2::2]:862 active    up          5.012     0.210     5.222    0.50  "
                        + "▁▁▁▁▁▁▁▁▁██████████",
                "    12  [fd00:3::2]:862 failed    -               -         -         -       -"), frame);
        frame.forEach(l -> assertTrue(l.length() <= 100, l));
        // too narrow even for the fixed columns: lines are cut, nothing breaks
        WatchScreen.render(TITLE, null, rows(), SparkMetric.ROUND_TRIP, "60 s", 20)
                .forEach(l -> assertTrue(l.length() <= 20, l));
        // the sparkline's column is named after its delay
        assertTrue(WatchScreen.render(TITLE, null, rows(), SparkMetric.FORWARD, "60 s", 150).get(2)
                .endsWith("LOSS %  forward, last 60 s"));
    }

    @Test
    void longPeersAreShortenedWithAnEllipsis() {
        assertEquals("[fd00:1234:5678::…", WatchScreen.fit("[fd00:1234:5678::2]:862", 18));
        assertEquals("abc", WatchScreen.fit("abc", 3));
        assertEquals(Arrays.asList("-", "0.001", "5.000"), Arrays.asList(WatchScreen.millis(null),
                WatchScreen.millis(1_000L), WatchScreen.millis(5_000_000L)));
    }
}
