package io.stampd.tools.plot;

import io.stampd.tools.Durations;
import io.stampd.tools.watch.DelayPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code stampd plot}: a PNG of forward, backward and round-trip delay over time from a probe's
 * JSON lines or a fetch-records reply, with per-interval means and min-max whiskers.
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = {"Draw a PNG of forward, backward and round-trip delay over time, with the mean and min-max"
                + " of each interval, from FILE: the JSON lines of 'stampd probe --json' (its record lines), or the"
                + " XML reply of the agent's fetch-records operation (or of a <get> of the sender state)."},
        footer = {"", "Example: stampd probe --reflector fd00::2 --count 600 --json > run.json",
                "         stampd plot run.json --out run.png --interval 5s"})
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Probe JSON lines or fetch-records XML.")
    Path input;

    @Option(names = {"--out", "-o"}, required = true, paramLabel = "PNG", description = "The PNG file to write.")
    Path out;

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION", converter = Durations.class,
            description = "Length of the intervals whose mean and min-max are drawn (default ${DEFAULT-VALUE}).")
    long intervalNanos;

    @Option(names = "--width", defaultValue = "1200", paramLabel = "PIXELS", description = "Width of the PNG (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "700", paramLabel = "PIXELS", description = "Height of the PNG (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--title", paramLabel = "TEXT", description = "Title (default: the input file's name).")
    String title;

    @Override
    public Integer call() throws IOException {
        if (width < 300 || width > 10000 || height < 200 || height > 10000) {
            throw new ParameterException(spec.commandLine(), "--width/--height: " + width + "x" + height
                    + " is outside 300..10000 x 200..10000 pixels");
        }
        if (intervalNanos <= 0) {
            throw new ParameterException(spec.commandLine(), "--interval: must be longer than 0");
        }
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new ParameterException(spec.commandLine(), "--out: " + out + " does not end in .png");
        }
        List<DelayPoint> points = DelayRecordsFile.read(input);
        // Before any chart or font class touches the AWT toolkit: no display is needed.
        System.setProperty("java.awt.headless", "true");
        String heading = title != null ? title : "STAMP delay over time: " + input.getFileName() + " ("
                + points.size() + " measurements)";
        var chart = DelayPlot.chart(points, intervalNanos, heading, width, height);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), "--out: directory " + parent + " does not exist");
        }
        if (!ImageIO.write(DelayPlot.render(chart), "png", out.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
        spec.commandLine().getOut().println("wrote " + out + " (" + points.size() + " measurements, " + width + "x"
                + height + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
