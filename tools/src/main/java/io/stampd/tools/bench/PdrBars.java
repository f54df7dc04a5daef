package io.stampd.tools.bench;

import io.stampd.tools.bench.PdrResults.Config;
import org.knowm.xchart.CategoryChart;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bar layout of Figs. a and b: one bar per configuration, coloured by data plane, ratio under the name. */
final class PdrBars {
    static final String Y_TITLE = "PDR@0.5% (kpps, median over rounds)";

    private final List<String> categories = new ArrayList<>();
    private final List<String> dataplanes = new ArrayList<>();
    private final List<Spread> kpps = new ArrayList<>();

    /** {@code note} (the ratio to the baseline) follows the configuration's name under its bar. */
    void add(Config config, Spread pdrKpps, String note) {
        categories.add(note.isEmpty() ? config.label() : config.label() + ": " + note);
        dataplanes.add(config.dataplane());
        kpps.add(pdrKpps);
    }

    void drawOn(CategoryChart chart) {
        ChartStyle.logYIfWide(chart.getStyler(), kpps);
        Map<String, Color> colors = new LinkedHashMap<>();
        dataplanes.forEach(d -> colors.put(d, ChartStyle.colorOf(d)));
        ChartStyle.addGroupedBars(chart, categories, dataplanes, kpps.stream().map(Spread::median).toList(), colors);
        ChartStyle.addWhiskers(chart, categories, kpps);
        ChartStyle.fitCategoryLabels(chart, categories);
        // The median in kpps on each bar, halfway up so that it stays clear of the whisker.
        chart.getStyler().setLabelsVisible(true).setLabelsFont(ChartStyle.VALUE_FONT).setLabelsPosition(0.5);
    }
}
