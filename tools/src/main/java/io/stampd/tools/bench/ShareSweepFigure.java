package io.stampd.tools.bench;

import io.stampd.tools.bench.PdrResults.Config;
import io.stampd.tools.bench.PdrResults.Run;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.stream.Collectors;

/** Fig. c (paper Figs. 15-16): PDR against the STAMP share of offered packets, one line per role and data plane. */
final class ShareSweepFigure extends Figure {
    /**
     * The x axis is linear in log10(share %): XChart's own log axis cannot take custom tick labels
     * (its label callback falls back to linear ticks and does not terminate on a log range). 0 % sits
     * one decade below the smallest swept share (0.01 %) and is labelled "0".
     */
    static final double ZERO_SHARE_LOG = -3;
    private static final double MAX_SHARE_LOG = 2;
    private static final BasicStroke SOLID = new BasicStroke(2.5f);

    ShareSweepFigure() {
        super("c", "fig-c-share-sweep.png", PdrResults.FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        PdrResults pdr = PdrResults.read(csv);
        List<Run> runs = pdr.allStampdRuns();
        Spread baseline = Spread.of(pdr.baselineRuns(id()).stream().map(Run::pdrKpps).toList());
        XYChart chart = ChartStyle.lineChart("Fig. c — PDR@0.5% vs STAMP share (this VM)",
                "STAMP share of offered packets (%, log scale; 0 % drawn at the left end)", PdrBars.Y_TITLE);
        // A quarter decade of room on both sides keeps the end markers inside the plot.
        chart.getStyler().setXAxisMin(ZERO_SHARE_LOG - 0.25).setXAxisMax(MAX_SHARE_LOG + 0.25);
        // Legend on the right, one line per series: with both planes and the yardsticks there are too
        // many for one row below. This spacing still gives one tick per decade.
        chart.getStyler().setXAxisTickMarkSpacingHint(110).setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendLayout(Styler.LegendLayout.Vertical);
        chart.setCustomXAxisTickLabelsFormatter(ShareSweepFigure::shareLabel);
        Map<Config, Map<Double, Spread>> lines = new LinkedHashMap<>();
        runs.stream().collect(Collectors.groupingBy(Run::config, LinkedHashMap::new, Collectors.toList()))
                .forEach((config, own) -> lines.put(config, new TreeMap<>(Spread.byKey(own, Run::sharePct, Run::pdrKpps))));
        List<Spread> all = new ArrayList<>(List.of(baseline));
        lines.values().forEach(line -> all.addAll(line.values()));
        ChartStyle.logYIfWide(chart.getStyler(), all);

        XYSeries reference = chart.addSeries("baseline forwarding, no stampd (" + ChartStyle.number(baseline.median())
                + " kpps)", List.of(ZERO_SHARE_LOG, MAX_SHARE_LOG), List.of(baseline.median(), baseline.median()));
        reference.setMarker(SeriesMarkers.NONE);
        reference.setLineColor(ChartStyle.BASELINE_COLOR).setLineStyle(ChartStyle.DASHED);
        lines.forEach((config, byShare) -> {
            List<Double> x = byShare.keySet().stream().map(ShareSweepFigure::shareLog).toList();
            List<Spread> y = List.copyOf(byShare.values());
            Color color = ChartStyle.colorOf(config.dataplane());
            boolean collector = config.role().equals("collector");
            XYSeries line = chart.addSeries(config.label(), x, y.stream().map(Spread::median).toList());
            line.setMarker(collector ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
            line.setMarkerColor(color);
            line.setLineColor(color).setLineStyle(collector ? ChartStyle.DASHED : SOLID);
            ChartStyle.addWhiskers(chart, config.label(), x, y, color);
        });
        return chart;
    }

    static double shareLog(double sharePct) {
        return sharePct <= 0 ? ZERO_SHARE_LOG : Math.log10(sharePct);
    }

    /** The share at a tick, "0" at the left end. */
    static String shareLabel(double log) {
        return Math.abs(log - ZERO_SHARE_LOG) < 1e-6 ? "0" : ChartStyle.number(Math.pow(10, log));
    }
}
