package io.stampd.tools.bench;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Look shared by all benchmark figures: size, fonts, colours per data plane, whiskers, log axes. */
public final class ChartStyle {
    static final int WIDTH = 1100;
    static final int HEIGHT = 650;
    static final Color BASELINE_COLOR = new Color(0x8c8c8c);
    static final Font VALUE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    /** Average width of a character of the tick label font, for layout estimates (pixels). */
    private static final double APPROX_CHAR_WIDTH = 7.5;
    static final String WHISKERS = "min-max over rounds";
    static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {8f, 5f}, 0f);
    /** Okabe-Ito colours: distinguishable with colour blindness and in greyscale print. */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xD55E00), new Color(0x56B4E9)};
    private static final List<String> KNOWN_DATAPLANES = List.of("socket", "af-packet", "xdp", "xdp-swap", "xdp-drop", "xdp-pass");
    /** A log axis is used once values span more than this factor (the paper's user-space vs eBPF gap). */
    private static final double LOG_SCALE_SPAN = 30;

    private ChartStyle() {
    }

    static CategoryChart barChart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        applyCommon(chart.getStyler());
        chart.getStyler().setAvailableSpaceFill(0.6).setDefaultSeriesRenderStyle(CategorySeriesRenderStyle.Bar);
        return chart;
    }

    static XYChart lineChart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        applyCommon(chart.getStyler());
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line).setMarkerSize(9);
        return chart;
    }

    /** The house style of every chart: white, sans-serif, legend outside on the right, light grid. */
    public static void applyCommon(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE)
                .setPlotBorderColor(Color.DARK_GRAY)
                .setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18))
                .setChartTitleBoxVisible(false)
                .setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendBorderColor(Color.LIGHT_GRAY)
                .setChartPadding(14)
                .setAntiAlias(true)
                .setAnnotationLineColor(Color.DARK_GRAY)
                .setAnnotationLineStroke(DASHED);
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15))
                .setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13))
                .setPlotGridVerticalLinesVisible(false)
                .setAxisTickPadding(6);
        styler.setYAxisDecimalPattern("#,##0.#");
        styler.setPlotGridLinesColor(new Color(0xdddddd))
                .setErrorBarsColor(Color.BLACK);
    }

    /** The i-th colour of the palette, for groups that are not data planes (directions). */
    static Color colorOf(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** Colour of a data plane, stable across figures; the baseline is grey. */
    static Color colorOf(String dataplane) {
        if (dataplane.equals(PdrResults.BASELINE)) {
            return BASELINE_COLOR;
        }
        int known = KNOWN_DATAPLANES.indexOf(dataplane);
        return known >= 0 ? PALETTE[known % PALETTE.length] : colorOf(dataplane.hashCode());
    }

    /** A lighter tint of {@code c}, for a second measure of the same group (p99 next to median). */
    static Color lighter(Color c) {
        return new Color((c.getRed() + 255 * 2) / 3, (c.getGreen() + 255 * 2) / 3, (c.getBlue() + 255 * 2) / 3);
    }

    /**
     * Bars that each belong to one of several colour groups: one series per group, with null in the
     * categories of other groups, so with overlapping on every category shows exactly one bar.
     */
    static void addGroupedBars(CategoryChart chart, List<String> categories, List<String> groups,
                               List<Double> values, Map<String, Color> colors) {
        chart.getStyler().setOverlapped(true);
        for (Map.Entry<String, Color> group : colors.entrySet()) {
            List<Double> own = new java.util.ArrayList<>();
            for (int i = 0; i < categories.size(); i++) {
                own.add(groups.get(i).equals(group.getKey()) ? values.get(i) : null);
            }
            chart.addSeries(group.getKey(), categories, own).setFillColor(group.getValue());
        }
    }

    /**
     * Min-max whiskers over an overlapped bar chart (one bar per category). XChart error bars are
     * symmetric around the series value and, on a log axis, it takes log10 of the error, so the
     * whiskers are a marker-less series placed at the centre of [min, max] in the axis' own scale.
     */
    static void addWhiskers(CategoryChart chart, List<String> categories, List<Spread> spreads) {
        if (spreads.stream().noneMatch(Spread::hasRange)) {
            return;
        }
        boolean log = chart.getStyler().isYAxisLogarithmic();
        List<Double> centre = spreads.stream()
                .map(s -> log ? Math.sqrt(s.min() * s.max()) : (s.min() + s.max()) / 2).toList();
        List<Double> half = spreads.stream()
                .map(s -> log ? Math.sqrt(s.max() / s.min()) : (s.max() - s.min()) / 2).toList();
        CategorySeries whiskers = chart.addSeries(whiskerName(spreads), categories, centre, half);
        whiskers.setChartCategorySeriesRenderStyle(CategorySeriesRenderStyle.Scatter);
        whiskers.setMarker(SeriesMarkers.NONE);
        whiskers.setLineColor(Color.BLACK);
        whiskers.setMarkerColor(Color.BLACK);
        whiskers.setShowInLegend(false);
    }

    /** Min-max whiskers of one line of an XY chart, drawn in the line's colour, not in the legend. */
    static void addWhiskers(XYChart chart, String line, List<Double> x, List<Spread> spreads, Color color) {
        if (spreads.stream().noneMatch(Spread::hasRange)) {
            return;
        }
        XYSeries whiskers = chart.addSeries(line + " " + WHISKERS, x,
                spreads.stream().map(s -> (s.min() + s.max()) / 2).toList(),
                spreads.stream().map(s -> (s.max() - s.min()) / 2).toList());
        whiskers.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        whiskers.setMarker(SeriesMarkers.NONE);
        whiskers.setLineColor(color);
        whiskers.setMarkerColor(color);
        whiskers.setShowInLegend(false);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
    }

    private static String whiskerName(List<Spread> spreads) {
        int rounds = spreads.stream().mapToInt(Spread::n).max().orElse(0);
        return WHISKERS + " (" + rounds + ")";
    }

    /**
     * Switches the y axis to log scale when {@code values} span more than {@link #LOG_SCALE_SPAN},
     * with whole decades as limits (XChart would otherwise start a log axis at the whiskers' bottom).
     */
    static boolean logYIfWide(AxesChartStyler styler, Collection<Spread> values) {
        double min = values.stream().mapToDouble(Spread::min).filter(v -> v > 0).min().orElse(1);
        double max = values.stream().mapToDouble(Spread::max).max().orElse(1);
        if (max / min <= LOG_SCALE_SPAN) {
            styler.setYAxisMin(0.0);
            return false;
        }
        styler.setYAxisLogarithmic(true);
        styler.setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        styler.setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
        return true;
    }

    /** Tilts the category names when they would not fit side by side under the bars. */
    static void fitCategoryLabels(CategoryChart chart, List<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        if (longest * categories.size() * APPROX_CHAR_WIDTH > WIDTH * 0.75) {
            chart.getStyler().setXAxisLabelRotation(20);
        }
    }

    /** A number for labels: three significant digits, no exponent, no trailing zeros. */
    static String number(double value) {
        BigDecimal rounded = new BigDecimal(value).round(new java.math.MathContext(3));
        return rounded.stripTrailingZeros().toPlainString();
    }

    static String ratio(Spread ratio) {
        return number(ratio.median()) + "×";
    }

    /** The chart drawn on a white RGB image, text anti-aliased. */
    public static BufferedImage render(Chart<?, ?> chart) {
        BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.paint(g, chart.getWidth(), chart.getHeight());
        } finally {
            g.dispose();
        }
        return image;
    }
}
