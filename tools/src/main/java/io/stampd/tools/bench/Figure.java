package io.stampd.tools.bench;

import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;

/** One PNG of the benchmark report, drawn from one CSV of the results directory. */
abstract class Figure {
    private final String id;
    private final String fileName;
    private final String csvFile;

    /**
     * @param id       the letter of the experiment, as given to {@code --only}
     * @param fileName the PNG it writes
     * @param csvFile  the CSV it reads
     */
    Figure(String id, String fileName, String csvFile) {
        this.id = id;
        this.fileName = fileName;
        this.csvFile = csvFile;
    }

    final String id() {
        return id;
    }

    final String fileName() {
        return fileName;
    }

    final String csvFile() {
        return csvFile;
    }

    /**
     * Draws the figure from {@code csv}; throws {@link Csv.MalformedCsvException} for bad values and
     * {@link NothingToPlotException} when the CSV has no rows for this figure.
     */
    abstract Chart<?, ?> draw(Path csv);
}
