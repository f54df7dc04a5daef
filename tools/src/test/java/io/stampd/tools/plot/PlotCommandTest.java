package io.stampd.tools.plot;

import io.stampd.tools.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stampd plot} end to end in this JVM (headless): a probe's JSON lines written here (forward
 * 5 ms plus a slow wave, backward 1 ms, round trip their sum) become a PNG of the asked size whose
 * plot area holds all three series' colours; bad input is one line and exit 1.
 */
public class PlotCommandTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    /** 300 records, 20 ms apart, as 'stampd probe --json' writes them, and its summary line. */
    static Path probeJson(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        long t0 = 1_796_656_285_000_000_000L;
        for (int i = 0; i < 300; i++) {
            long t1 = t0 + i * 20 * MS;
            long fwd = 5 * MS + (long) (2 * MS * Math.sin(i / 30.0));
            long bwd = MS + (i % 7) * 50_000L;
            sb.append(String.format(Locale.ROOT, "{\"type\":\"record\",\"ssid\":1,\"seq\":%d,\"t1_ns\":%d,\"t2_ns\":%d,"
                    + "\"t3_ns\":%d,\"t4_ns\":%d,\"forward_ns\":%d,\"backward_ns\":%d,\"rtt_ns\":%d,\"ttl\":64,"
                    + "\"reflector_seq\":%d}%n", i, t1, t1 + fwd, t1 + fwd + 10_000, t1 + fwd + 10_000 + bwd, fwd, bwd,
                    fwd + bwd, i));
        }
        sb.append("{\"type\":\"summary\",\"ssid\":1,\"sent\":300,\"received\":300}\n");
        Path f = dir.resolve("probe.json");
        Files.writeString(f, sb);
        return f;
    }

    private static int run(PrintStream err, String... args) {
        PrintStream saved = System.err;
        System.setErr(err);
        try {
            return Main.run(args);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void writesAPngOfTheAskedSizeWithTheThreeSeriesInThePlotArea() throws Exception {
        Path png = dir.resolve("delay.png");
        int code = run(System.err, "plot", probeJson(dir).toString(), "--out", png.toString(), "--width", "1000",
                "--height", "600", "--interval", "500ms");
        assertEquals(0, code);
        assertPlot(png, 1000, 600);
    }

    /** The PNG's size, that it is not blank, and that each series' colour is drawn in the plot area. */
    public static void assertPlot(Path png, int width, int height) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(width, image.getWidth());
        assertEquals(height, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        int forward = 0;
        int backward = 0;
        int roundTrip = 0;
        // the plot area and its axes: left of the legend (outside, on the right, with samples of the
        // series' colours), below the title, above the axis title; text and axes are black or grey
        for (int y = height * 5 / 100; y < height * 92 / 100; y++) {
            for (int x = width * 5 / 100; x < width * 75 / 100; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                forward += rgb == (DelayPlot.FORWARD.getRGB() & 0xffffff) ? 1 : 0;
                backward += rgb == (DelayPlot.BACKWARD.getRGB() & 0xffffff) ? 1 : 0;
                roundTrip += rgb == (DelayPlot.ROUND_TRIP.getRGB() & 0xffffff) ? 1 : 0;
            }
        }
        assertTrue(colours.size() > 50, "a blank or nearly blank plot: " + colours.size() + " colours");
        assertTrue(forward > 100 && backward > 100 && roundTrip > 100, "series pixels: forward " + forward
                + ", backward " + backward + ", round trip " + roundTrip);
        assertTrue(colours.contains(Color.WHITE.getRGB() & 0xffffff), "no white background");
    }

    @Test
    void badInputOrOptionsAreOneLineAndExitNonZero() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8);
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertEquals(1, run(p, "plot", empty.toString(), "--out", dir.resolve("x.png").toString()));
        assertEquals("stampd plot: " + empty + " is empty", err.toString(StandardCharsets.UTF_8).strip());
        assertTrue(!Files.exists(dir.resolve("x.png")), "no PNG for bad input");

        err.reset();
        assertEquals(2, run(p, "plot", probeJson(dir).toString(), "--out", dir.resolve("x.jpg").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("stampd plot: --out: " + dir.resolve("x.jpg")
                + " does not end in .png"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(2, run(p, "plot", probeJson(dir).toString(), "--out", dir.resolve("x.png").toString(),
                "--width", "10"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--width/--height: 10x700 is outside"),
                err.toString(StandardCharsets.UTF_8));
    }
}
