package io.stampd.tools.watch;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SparklineTest {
    @Test
    void scalesLinearlyFromTheSmallestToTheLargestValue() {
        assertEquals("▁▂▃▄▅▆▇█", Sparkline.of(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0)));
        // the scale is the shown values' own range, not zero-based: 10..12 ms spans all eight levels
        assertEquals("▁▅█", Sparkline.of(List.of(10.0, 11.0, 12.0)));
    }

    @Test
    void gapsAreBlankAndAFlatSeriesSitsAtTheBottom() {
        assertEquals("▁ █", Sparkline.of(Arrays.asList(1.0, null, 3.0)));
        assertEquals("▁▁▁", Sparkline.of(List.of(5.0, 5.0, 5.0)));
        assertEquals("  ", Sparkline.of(Arrays.asList(null, null)));
        assertEquals("", Sparkline.of(List.of()));
    }

    @Test
    void aSpikeDoesNotHideTheRestBelowTheFirstLevel() {
        // 1 ms baseline, one 100 ms spike: the baseline is level 0, the spike level 7
        assertEquals("▁▁█▁", Sparkline.of(List.of(1.0, 1.0, 100.0, 1.0)));
        assertEquals(4, Sparkline.level(50, 0, 100));
        assertEquals(3, Sparkline.level(49, 0, 100));
        assertEquals(7, Sparkline.level(100, 0, 100));
        assertEquals(0, Sparkline.level(0, 0, 100));
    }
}
