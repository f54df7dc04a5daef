package io.stampd.tools.bench;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Fig. d: how far stampd's delay measurements are from the delay the XDP delay line injects, per
 * direction (error = measured - injected; with no delay line it is the path's own latency).
 */
final class AccuracyFigure extends Figure {
    static final String FILE = "accuracy.csv";
    private static final List<String> DIRECTIONS = List.of("forward", "backward", "round_trip");

    /** One row of accuracy.csv that the figure uses. */
    private record Measurement(String dataplane, double injectedUs, String direction, double medianErrorUs,
                               double p99ErrorUs) {
        Category category() {
            return new Category(dataplane, injectedUs);
        }
    }

    /** One group of bars: a data plane at one injected delay. */
    private record Category(String dataplane, double injectedUs) {
        String label() {
            return dataplane + ", " + (injectedUs == 0 ? "no delay (0 µs)" : ChartStyle.number(injectedUs) + " µs");
        }
    }

    AccuracyFigure() {
        super("d", "fig-d-accuracy.png", FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        List<Measurement> rows = Csv.read(csv, "dataplane", "delay_us", "direction", "median_error_us", "p99_error_us")
                .rows().stream().map(r -> new Measurement(r.text("dataplane"), r.number("delay_us"),
                        r.oneOf("direction", DIRECTIONS), r.number("median_error_us"), r.number("p99_error_us")))
                .toList();
        if (rows.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no rows");
        }
        // Planes in the order they ran, delays ascending within each.
        List<Category> injected = rows.stream().map(Measurement::category).distinct()
                .sorted(java.util.Comparator.comparing((Category c) -> rows.stream().map(Measurement::dataplane)
                        .distinct().toList().indexOf(c.dataplane())).thenComparingDouble(Category::injectedUs))
                .toList();
        List<String> categories = injected.stream().map(Category::label).toList();
        CategoryChart chart = ChartStyle.barChart("Fig. d — delay accuracy: measured − injected, per direction (this VM)",
                "data plane of both ends, one-way forward delay injected by the XDP delay line (backward: none)",
                "error (µs)");
        chart.getStyler().setLabelsVisible(true).setLabelsFont(ChartStyle.VALUE_FONT).setLabelsPosition(1.0);
        for (String direction : DIRECTIONS) {
            List<Measurement> own = rows.stream().filter(m -> m.direction().equals(direction)).toList();
            if (own.isEmpty()) {
                continue;
            }
            Color color = ChartStyle.colorOf(DIRECTIONS.indexOf(direction));
            String name = direction.replace('_', ' ');
            addErrors(chart, name + " median", categories, injected, own, Measurement::medianErrorUs, color);
            addErrors(chart, name + " p99", categories, injected, own, Measurement::p99ErrorUs,
                    ChartStyle.lighter(color));
        }
        return chart;
    }

    private static void addErrors(CategoryChart chart, String name, List<String> categories, List<Category> injected,
                                  List<Measurement> rows, ToDoubleFunction<Measurement> error, Color color) {
        Map<Category, Spread> byDelay = Spread.byKey(rows, Measurement::category, error);
        List<Double> values = injected.stream().map(d -> byDelay.containsKey(d) ? byDelay.get(d).median() : null).toList();
        chart.addSeries(name, categories, values).setFillColor(color);
    }
}
