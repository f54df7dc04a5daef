package io.stampd.tools.bench;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Fig. e: how late stampd sends test packets with many sessions, and whether statistics records were lost. */
final class ScaleFigure extends Figure {
    static final String FILE = "scale.csv";

    /** One row of scale.csv that the figure uses. */
    private record Load(double sessions, double ppsPerSession, double p50Us, double p99Us, double recordsLost) {
        Key key() {
            return new Key(sessions, ppsPerSession);
        }
    }

    private record Key(double sessions, double ppsPerSession) {
    }

    ScaleFigure() {
        super("e", "fig-e-scale.png", FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        List<Load> rows = Csv.read(csv, "sessions", "pps_per_session", "send_error_p50_us", "send_error_p99_us",
                "records_lost").rows().stream().map(r -> new Load(r.number("sessions"), r.number("pps_per_session"),
                r.number("send_error_p50_us"), r.number("send_error_p99_us"), r.number("records_lost"))).toList();
        if (rows.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no rows");
        }
        List<Load> sorted = rows.stream()
                .sorted(Comparator.comparingDouble(Load::sessions).thenComparingDouble(Load::ppsPerSession)).toList();
        Map<Key, Spread> p50 = Spread.byKey(sorted, Load::key, Load::p50Us);
        Map<Key, Spread> p99 = Spread.byKey(sorted, Load::key, Load::p99Us);
        Map<Key, Spread> lost = Spread.byKey(sorted, Load::key, Load::recordsLost);
        List<String> categories = p50.keySet().stream().map(k -> ChartStyle.number(k.sessions()) + " × "
                + ChartStyle.number(k.ppsPerSession()) + " pps: " + ChartStyle.number(lost.get(k).median())
                + " lost").toList();

        CategoryChart chart = ChartStyle.barChart("Fig. e — send-time error with many sessions (this VM)",
                "sessions × packets per second per session: statistics records lost", "send-time error (µs, late vs schedule)");
        List<Spread> all = new ArrayList<>(p50.values());
        all.addAll(p99.values());
        ChartStyle.logYIfWide(chart.getStyler(), all);
        chart.getStyler().setLabelsVisible(true).setLabelsFont(ChartStyle.VALUE_FONT).setLabelsPosition(1.0);
        chart.addSeries("p50", categories, p50.values().stream().map(Spread::median).toList())
                .setFillColor(ChartStyle.colorOf(0));
        chart.addSeries("p99", categories, p99.values().stream().map(Spread::median).toList())
                .setFillColor(ChartStyle.lighter(ChartStyle.colorOf(0)));
        ChartStyle.fitCategoryLabels(chart, categories);
        return chart;
    }
}
