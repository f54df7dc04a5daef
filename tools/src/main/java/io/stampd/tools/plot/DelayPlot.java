package io.stampd.tools.plot;

import io.stampd.tools.bench.ChartStyle;
import io.stampd.tools.watch.DelayPoint;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The delay-over-time figure: forward, backward and round-trip delay of every measurement against
 * its transmit time (thin lines in a light tint), and per interval the mean (markers, joined) with
 * min-max whiskers in the full colour of the same direction.
 */
public final class DelayPlot {
    /** Okabe-Ito colours (as the benchmark figures): distinguishable with colour blindness. */
    public static final Color FORWARD = new Color(0x0072B2);
    public static final Color BACKWARD = new Color(0xE69F00);
    public static final Color ROUND_TRIP = new Color(0x009E73);

    private record Direction(String name, Color color, ToLongFunction<DelayPoint> delay) {
    }

    private static final List<Direction> DIRECTIONS = List.of(
            new Direction("forward", FORWARD, DelayPoint::forwardNanos),
            new Direction("backward", BACKWARD, DelayPoint::backwardNanos),
            new Direction("round trip", ROUND_TRIP, DelayPoint::roundTripNanos));

    private DelayPlot() {
    }

    public static XYChart chart(List<DelayPoint> points, long intervalNanos, String title, int width, int height) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle("time since the first test packet (s); whiskers: min-max per " + seconds(intervalNanos));
        chart.setYAxisTitle("delay (ms)");
        XYStyler s = chart.getStyler();
        ChartStyle.applyCommon(s); // the benchmark plots' style
        s.setErrorBarsColorSeriesColor(true);
        s.setMarkerSize(7);
        s.setYAxisDecimalPattern("#,##0.###");
        s.setXAxisDecimalPattern("#,##0.#");
        s.setToolTipsEnabled(false);
        long origin = points.getFirst().t1Nanos();
        double[] x = points.stream().mapToDouble(p -> (p.t1Nanos() - origin) / 1e9).toArray();
        String every = seconds(intervalNanos);
        for (Direction d : DIRECTIONS) {
            double[] y = points.stream().mapToDouble(p -> d.delay().applyAsLong(p) / 1e6).toArray();
            XYSeries raw = chart.addSeries(d.name() + ", each packet", x, y);
            raw.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            raw.setMarker(SeriesMarkers.NONE);
            raw.setLineColor(tint(d.color()));
            raw.setLineWidth(1f);
        }
        for (Direction d : DIRECTIONS) {
            List<IntervalAggregates.Interval> intervals = IntervalAggregates.of(points, intervalNanos, d.delay());
            double[] mid = intervals.stream().mapToDouble(i -> i.startSeconds() + intervalNanos / 2e9).toArray();
            XYSeries whiskers = chart.addSeries(d.name() + " min-max", mid,
                    intervals.stream().mapToDouble(i -> (i.minMs() + i.maxMs()) / 2).toArray(),
                    intervals.stream().mapToDouble(i -> (i.maxMs() - i.minMs()) / 2).toArray());
            whiskers.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            whiskers.setMarker(SeriesMarkers.NONE);
            whiskers.setMarkerColor(d.color());
            whiskers.setLineColor(d.color());
            whiskers.setShowInLegend(false);
            XYSeries mean = chart.addSeries(d.name() + ", mean per " + every, mid,
                    intervals.stream().mapToDouble(IntervalAggregates.Interval::meanMs).toArray());
            mean.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
            mean.setMarker(SeriesMarkers.CIRCLE);
            mean.setMarkerColor(d.color());
            mean.setLineColor(d.color());
            mean.setLineWidth(2f);
        }
        return chart;
    }

    static String seconds(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return String.format(Locale.ROOT, "%.3g ms", nanos / 1e6);
    }

    /** The colour mixed two thirds with white: the individual measurements behind the means. */
    static Color tint(Color c) {
        return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
    }

    public static BufferedImage render(XYChart chart) {
        return ChartStyle.render(chart);
    }
}
