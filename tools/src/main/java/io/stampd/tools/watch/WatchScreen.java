package io.stampd.tools.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One frame of {@code stampd watch} as lines of at most {@code width} columns: a title, a status
 * line, a table with a row per sender session and its round-trip sparkline. Narrow terminals
 * shorten the peer column first, then the sparkline (newest values kept), then cut the lines.
 */
public final class WatchScreen {
    private static final int ID = 6;
    private static final int STATE = 9;
    private static final int LIVE = 8;
    private static final int DELAY = 9;
    private static final int LOSS = 7;
    private static final int PEER_KEEP = 24;
    private static final int PEER_MAX = 40;

    /** One session row: what the agent said and the sparkline values (ms, oldest first). */
    public record Row(SessionSample session, List<Double> sparkMillis) {
    }

    private WatchScreen() {
    }

    /**
     * @param title  first line (source and time)
     * @param status second line: an error or a notice, or null for none
     * @param metric what the sparkline shows
     * @param window what the sparkline spans, e.g. "60 s"
     */
    public static List<String> render(String title, String status, List<Row> rows, SparkMetric metric,
                                      String window, int width) {
        List<String> lines = new ArrayList<>();
        lines.add(cut(title, width));
        lines.add(status == null ? "" : cut(status, width));
        int peerNeeded = Math.clamp(rows.stream().mapToInt(r -> r.session().peer().length()).max().orElse(4), 4,
                PEER_MAX);
        // the row's format below without the peer and the sparkline: separators included
        int fixed = ID + 2 + 1 + STATE + 1 + LIVE + 3 * DELAY + 2 + 1 + LOSS + 2;
        int available = Math.max(0, width - fixed);
        // the peer keeps up to PEER_KEEP columns, the sparkline takes up to a minute of the rest, and
        // what is left widens the peer again
        int sparkWanted = rows.stream().mapToInt(r -> r.sparkMillis().size()).max().orElse(0);
        int peerWidth = Math.min(available, Math.max(Math.min(peerNeeded, PEER_KEEP), available - sparkWanted));
        peerWidth = Math.max(1, Math.min(peerWidth, peerNeeded));
        int sparkWidth = Math.max(0, Math.min(sparkWanted, available - peerWidth));
        String sparkTitle = java.util.stream.Stream.of(metric.title + ", last " + window,
                        metric.shortTitle + ", last " + window, metric.shortTitle)
                .filter(t -> t.length() <= sparkWidth).findFirst().orElse("");
        lines.add(cut(String.format(Locale.ROOT, "%" + ID + "s  %-" + peerWidth + "s %-" + STATE + "s %-" + LIVE
                        + "s%" + DELAY + "s %" + DELAY + "s %" + DELAY + "s %" + LOSS + "s  %s",
                "ID", "PEER", "STATE", "LIVENESS", "FWD ms", "BWD ms", "RTT ms", "LOSS %", sparkTitle), width));
        for (Row r : rows) {
            SessionSample s = r.session();
            List<Double> spark = r.sparkMillis();
            spark = spark.subList(Math.max(0, spark.size() - sparkWidth), spark.size());
            lines.add(cut(String.format(Locale.ROOT, "%" + ID + "d  %-" + peerWidth + "s %-" + STATE + "s %-" + LIVE
                            + "s%" + DELAY + "s %" + DELAY + "s %" + DELAY + "s %" + LOSS + "s  %s",
                    s.id(), fit(s.peer(), peerWidth), fit(s.state(), STATE),
                    s.liveness() == null ? "-" : fit(s.liveness(), LIVE),
                    millis(s.forwardNanos()), millis(s.backwardNanos()), millis(s.roundTripNanos()),
                    s.lossPercent() == null ? "-" : String.format(Locale.ROOT, "%.2f", s.lossPercent()),
                    Sparkline.of(spark)), width));
        }
        return lines;
    }

    static String millis(Long nanos) {
        return nanos == null ? "-" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** {@code s} in at most {@code width} columns, an ellipsis marking a cut. */
    static String fit(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width <= 1 ? s.substring(0, Math.max(0, width)) : s.substring(0, width - 1) + "…";
    }

    private static String cut(String line, int width) {
        String trimmed = line.stripTrailing();
        return trimmed.length() <= width ? trimmed : trimmed.substring(0, width);
    }
}
