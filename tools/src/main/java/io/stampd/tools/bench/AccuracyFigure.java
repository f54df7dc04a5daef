package io.stampd.tools.bench;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Fig. d: how far stampd's delay measurements are from the delay the XDP delay line injects, per
 * direction (error = measured - injected; with no delay line it is the path's own latency).
 */
final class AccuracyFigure extends Figure {
    static final String FILE = "accuracy.csv";
    private static final List<String> DIRECTIONS = List.of("forward", "backward", "round_trip");

    /** One row of accuracy.csv that the figure uses. */
    private record Measurement(double injectedUs, String direction, double medianErrorUs, double p99ErrorUs) {
    }

    private record Key(double injectedUs, String direction) {
    }

    AccuracyFigure() {
        super("d", "fig-d-accuracy.png", FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        List<Measurement> rows = Csv.read(csv, "delay_us", "direction", "median_error_us", "p99_error_us").rows()
                .stream().map(r -> new Measurement(r.number("delay_us"), r.oneOf("direction", DIRECTIONS),
                        r.number("median_error_us"), r.number("p99_error_us"))).toList();
        if (rows.isEmpty()) {
            throw new NothingToPlotException(FILE + " has no rows");
        }
        List<Double> injected = rows.stream().map(Measurement::injectedUs).distinct().sorted().toList();
        List<String> categories = injected.stream().map(d -> d == 0
                ? "no delay line (0 µs injected)" : ChartStyle.number(d) + " µs injected").toList();
        CategoryChart chart = ChartStyle.barChart("Fig. d — delay accuracy: measured − injected, per direction (this VM)",
                "one-way forward delay injected by the XDP delay line (backward: none)",
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

    private static void addErrors(CategoryChart chart, String name, List<String> categories, List<Double> injected,
                                  List<Measurement> rows, ToDoubleFunction<Measurement> error, Color color) {
        Map<Double, Spread> byDelay = new TreeMap<>(Spread.byKey(rows, Measurement::injectedUs, error));
        List<Double> values = injected.stream().map(d -> byDelay.containsKey(d) ? byDelay.get(d).median() : null).toList();
        chart.addSeries(name, categories, values).setFillColor(color);
    }
}
