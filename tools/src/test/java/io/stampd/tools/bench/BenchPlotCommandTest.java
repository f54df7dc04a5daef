package io.stampd.tools.bench;

import io.stampd.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code stampd bench-plot} on sample results directories: PNGs that decode and show something, and its errors. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a chart layout loop must not hang the build
class BenchPlotCommandTest {
    private static final List<String> PNGS = List.of("fig-a-zero-stamp.png", "fig-b-full-stamp.png",
            "fig-c-share-sweep.png", "fig-d-accuracy.png", "fig-e-scale.png");

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one in-process run. */
    private record Run(int exitCode, String stdout, String stderr) {
        static Run of(String... args) {
            PrintStream savedOut = System.out;
            PrintStream savedErr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                int code = Main.run(args);
                return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(savedOut);
                System.setErr(savedErr);
            }
        }
    }

    @Test
    void drawsEveryFigureFromCompleteResults() throws IOException {
        SampleResults.writeAll(dir);

        Run run = Run.of("bench-plot", "--dir", dir.toString());

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("", run.stderr());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(PNGS.size(), lines.size(), run.stdout());
        for (String png : PNGS) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("wrote ") && l.contains(png)), run.stdout());
            assertLooksLikeAChart(dir.resolve(png));
        }
    }

    @Test
    void onlyDrawsTheSelectedFigures() throws IOException {
        SampleResults.writeAll(dir);

        Run run = Run.of("bench-plot", "--dir", dir.toString(), "--only", "c,e");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(2, run.stdout().lines().count(), run.stdout());
        assertTrue(Files.exists(dir.resolve("fig-c-share-sweep.png")));
        assertTrue(Files.exists(dir.resolve("fig-e-scale.png")));
        assertFalse(Files.exists(dir.resolve("fig-a-zero-stamp.png")));
    }

    @Test
    void skipsFiguresWhoseCsvIsMissingOrHasNoRowsForThem() throws IOException {
        // Experiment a only (no 100 % STAMP rows), no accuracy/scale CSVs.
        SampleResults.writePdr(dir, 1, List.of("a"));

        Run run = Run.of("bench-plot", "--dir", dir.toString());

        assertEquals(0, run.exitCode(), run.stderr());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(5, lines.size(), run.stdout());
        assertTrue(lines.get(0).startsWith("wrote ") && lines.get(0).contains("fig-a-zero-stamp.png"), lines.get(0));
        assertEquals("skipped fig-b-full-stamp.png: pdr.csv has no experiment b rows with stampd running",
                lines.get(1));
        // The sweep takes its 0 % points from experiment a.
        assertTrue(lines.get(2).startsWith("wrote ") && lines.get(2).contains("fig-c-share-sweep.png"), lines.get(2));
        assertEquals("skipped fig-d-accuracy.png: " + dir.resolve("accuracy.csv") + " not found", lines.get(3));
        assertEquals("skipped fig-e-scale.png: " + dir.resolve("scale.csv") + " not found", lines.get(4));
        assertLooksLikeAChart(dir.resolve("fig-a-zero-stamp.png"));
        assertFalse(Files.exists(dir.resolve("fig-d-accuracy.png")));
    }

    @Test
    void malformedNumberIsAOneLineErrorNamingFileLineAndColumn() throws IOException {
        SampleResults.writeAll(dir);
        Path csv = dir.resolve("pdr.csv");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(csv));
        String[] values = lines.get(3).split(",");
        values[5] = "12x4"; // pdr_pps
        lines.set(3, String.join(",", values));
        Files.write(csv, lines);

        Run run = Run.of("bench-plot", "--dir", dir.toString());

        assertEquals(1, run.exitCode());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertEquals("stampd bench-plot: " + csv + " line 4, column pdr_pps: '12x4' is not a number",
                run.stderr().strip());
    }

    @Test
    void rowWithMissingValuesIsAOneLineError() throws IOException {
        SampleResults.writeAll(dir);
        Path csv = dir.resolve("scale.csv");
        Files.writeString(csv, "10,1,5\n", java.nio.file.StandardOpenOption.APPEND);

        Run run = Run.of("bench-plot", "--dir", dir.toString(), "--only", "e");

        assertEquals(1, run.exitCode());
        String expectedLine = "line " + Files.readAllLines(csv).size() + ":";
        assertTrue(run.stderr().strip().startsWith("stampd bench-plot: " + csv + " " + expectedLine), run.stderr());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
    }

    @Test
    void unknownDirectionIsAnError() throws IOException {
        SampleResults.writeAll(dir);
        Path csv = dir.resolve("accuracy.csv");
        Files.writeString(csv, Files.readString(csv).replaceFirst("backward", "sideways"));

        Run run = Run.of("bench-plot", "--dir", dir.toString(), "--only", "d");

        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains(csv + " line ") && run.stderr().contains("column direction: 'sideways'"),
                run.stderr());
    }

    @Test
    void badArgumentsNameTheOption() throws IOException {
        Run notADir = Run.of("bench-plot", "--dir", dir.resolve("nope").toString());
        assertEquals(2, notADir.exitCode());
        assertTrue(notADir.stderr().startsWith("stampd bench-plot: --dir: "), notADir.stderr());

        Run badOnly = Run.of("bench-plot", "--dir", dir.toString(), "--only", "a,x");
        assertEquals(2, badOnly.exitCode());
        assertTrue(badOnly.stderr().startsWith("stampd bench-plot: --only: 'x'"), badOnly.stderr());
    }

    /** The image decodes at the chart size and holds a real drawing: many colours, a good share of ink. */
    private static void assertLooksLikeAChart(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(ChartStyle.WIDTH, image.getWidth(), png.toString());
        assertEquals(ChartStyle.HEIGHT, image.getHeight(), png.toString());
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        long pixels = (long) image.getWidth() * image.getHeight();
        assertTrue(colours.size() > 20, png + ": " + colours.size() + " colours");
        assertTrue(nonWhite > pixels / 50, png + ": " + nonWhite + " of " + pixels + " pixels drawn");
    }
}
