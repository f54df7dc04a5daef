package io.stampd.tools.bench;

import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;

/** One PNG of the benchmark report, drawn from one CSV of the results directory. */
interface Figure {
    /** The letter of the experiment, as given to {@code --only}. */
    String id();

    String fileName();

    String csvFile();

    /**
     * Draws the figure from {@code csv}; throws {@link Csv.MalformedCsvException} for bad values and
     * {@link NothingToPlotException} when the CSV has no rows for this figure.
     */
    Chart<?, ?> draw(Path csv);
}
