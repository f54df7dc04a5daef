package io.stampd.tools.bench;

import org.knowm.xchart.internal.chartpart.Chart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code stampd bench-plot}: draws the PNG figures of a benchmark results directory written by
 * tools/bench (CSV schemas in its pdr/accuracy/scale runners), next to the CSVs.
 */
@Command(name = "bench-plot",
        mixinStandardHelpOptions = true,
        description = "Draws the benchmark figures (PNG) from the CSVs of a tools/bench results directory, into it:"
                + " fig-a-zero-stamp, fig-b-full-stamp, fig-c-share-sweep (pdr.csv), fig-d-accuracy (accuracy.csv),"
                + " fig-e-scale (scale.csv). A figure whose CSV is missing is skipped.")
public final class BenchPlotCommand implements Callable<Integer> {
    static final List<Figure> FIGURES = List.of(new ZeroStampFigure(), new FullStampFigure(),
            new ShareSweepFigure(), new AccuracyFigure(), new ScaleFigure());

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Results directory (bench-results/<timestamp>); the PNGs are written into it.")
    Path dir;

    @Option(names = "--only", split = ",", paramLabel = "a,b,c,d,e",
            description = "Draw only these figures (letters of the experiments); default: all.")
    List<String> only;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir: " + dir + " is not a directory");
        }
        List<String> ids = FIGURES.stream().map(Figure::id).toList();
        if (only != null) {
            for (String id : only) {
                if (!ids.contains(id)) {
                    throw new ParameterException(spec.commandLine(), "--only: '" + id + "' is not a figure; use "
                            + String.join(",", ids));
                }
            }
        }
        // Before any chart or font class touches the AWT toolkit: the benchmark host has no display.
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = spec.commandLine().getOut();
        for (Figure figure : FIGURES) {
            if (only == null || only.contains(figure.id())) {
                out.println(plot(figure));
                out.flush();
            }
        }
        return 0;
    }

    /** Writes one figure and returns the line to print; a malformed CSV throws (one-line error, exit 1). */
    private String plot(Figure figure) {
        Path csv = dir.resolve(figure.csvFile());
        if (!Files.isRegularFile(csv)) {
            return "skipped " + figure.fileName() + ": " + csv + " not found";
        }
        Chart<?, ?> chart;
        try {
            chart = figure.draw(csv);
        } catch (NothingToPlotException e) {
            return "skipped " + figure.fileName() + ": " + e.getMessage();
        }
        BufferedImage image = ChartStyle.render(chart);
        Path png = dir.resolve(figure.fileName());
        try {
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return "wrote " + png + " (" + image.getWidth() + "x" + image.getHeight() + ")";
    }
}
