package io.stampd.tools.watch;

import java.util.List;
import java.util.Objects;

/**
 * A row of the eight Unicode block elements ▁▂▃▄▅▆▇█, one per value, scaled linearly between the
 * smallest and the largest value shown; a missing value (null) is a blank, so gaps stay visible.
 */
public final class Sparkline {
    static final String BLOCKS = "▁▂▃▄▅▆▇█";

    private Sparkline() {
    }

    public static String of(List<Double> values) {
        double min = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder sb = new StringBuilder(values.size());
        for (Double v : values) {
            sb.append(v == null ? ' ' : BLOCKS.charAt(level(v, min, max)));
        }
        return sb.toString();
    }

    /** 0..7; a flat series sits at the bottom, so a rise later in the window shows as a rise. */
    static int level(double v, double min, double max) {
        if (max <= min) {
            return 0;
        }
        int level = (int) Math.floor((v - min) / (max - min) * BLOCKS.length());
        return Math.clamp(level, 0, BLOCKS.length() - 1);
    }
}
